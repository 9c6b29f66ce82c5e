/* SPDX-License-Identifier: ISC */
/*
 * The inventory: see inventory.h.  The instances live in one array grown
 * by doubling; names and IDs are found through hash indexes (index.c),
 * so a 10,000-instance inventory costs no more per lookup than a small
 * one, and duplicates are found as the instances are read.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "inventory.h"
#include "util.h"

#define TAG_SET		"._:/-"		/* with A-Z a-z 0-9 */
#define TAG_PART_MAX	64

static const char *
name_of(const void *arg, size_t i)
{
	return ((const struct vg_inventory *)arg)->inst[i].name;
}

static const char *
id_of(const void *arg, size_t i)
{
	return ((const struct vg_inventory *)arg)->inst[i].id;
}

void
inventory_init(struct vg_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	vg_index_init(&inv->names, name_of, inv);
	vg_index_init(&inv->ids, id_of, inv);
}

static void
instance_free(struct vg_instance *in)
{
	size_t i;

	for (i = 0; i < in->ntags; i++)
		free(in->tags[i]);
	free(in->tags);
	free(in->description);
}

void
inventory_free(struct vg_inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->n; i++)
		instance_free(&inv->inst[i]);
	free(inv->inst);
	vg_index_free(&inv->names);
	vg_index_free(&inv->ids);
	inventory_init(inv);
}

/* The fixed fields are copied whole; description and tags are new. */
static int
instance_copy(struct vg_instance *dst, const struct vg_instance *src)
{
	size_t i;

	memcpy(dst, src, sizeof(*dst));
	dst->tags = NULL;
	dst->ntags = 0;
	if ((dst->description = strdup(src->description != NULL ?
	    src->description : "")) == NULL)
		return -1;
	if (src->ntags == 0)
		return 0;
	if ((dst->tags = calloc(src->ntags, sizeof(*dst->tags))) == NULL)
		return -1;
	for (dst->ntags = 0; dst->ntags < src->ntags; dst->ntags++) {
		i = dst->ntags;
		if ((dst->tags[i] = strdup(src->tags[i])) == NULL)
			return -1;
	}
	return 0;
}

struct vg_instance *
inventory_add(struct vg_inventory *inv, const struct vg_instance *in,
    int by_id)
{
	struct vg_instance *grown;
	size_t n = inv->n;

	if ((grown = vg_grow(inv->inst, n, sizeof(*grown))) == NULL)
		return NULL;
	inv->inst = grown;
	/* the struct may have moved since the last call: see inventory.h */
	inv->names.arg = inv->ids.arg = inv;
	if (instance_copy(&inv->inst[n], in) == -1) {
		instance_free(&inv->inst[n]);
		return NULL;
	}
	inv->n++;
	if (vg_index_add(&inv->names, n) == -1 ||
	    (by_id && vg_index_add(&inv->ids, n) == -1)) {
		/* the last entry is dropped: an index may name it, unused */
		instance_free(&inv->inst[--inv->n]);
		return NULL;
	}
	return &inv->inst[n];
}

int
inventory_take(struct vg_inventory *inv, struct vg_instance *in, int index)
{
	struct vg_instance *grown, *dst;
	size_t n = inv->n;
	char **tags = NULL;

	if ((grown = vg_grow(inv->inst, n, sizeof(*grown))) == NULL)
		return -1;
	inv->inst = grown;
	inv->names.arg = inv->ids.arg = inv;
	if (in->ntags > 0 && (tags = reallocarray(NULL, in->ntags,
	    sizeof(*tags))) == NULL)
		return -1;
	dst = &inv->inst[n];
	*dst = *in;
	dst->tags = tags;
	if (tags != NULL)
		memcpy(tags, in->tags, in->ntags * sizeof(*tags));
	inv->n++;
	if (index && (vg_index_add(&inv->names, n) == -1 ||
	    vg_index_add(&inv->ids, n) == -1)) {
		inv->n--;
		free(tags);
		return -1;
	}
	return 0;
}

void
inventory_trim(struct vg_inventory *inv)
{
	struct vg_instance *in;

	if (inv->n > 0 && (in = reallocarray(inv->inst, inv->n,
	    sizeof(*in))) != NULL)
		inv->inst = in;
}

/* x of inv, pointed at inv where it is now. */
static const struct vg_instance *
lookup(const struct vg_inventory *inv, const struct vg_index *x,
    const char *key)
{
	struct vg_index here = *x;
	size_t i;

	if (inv == NULL || key == NULL)
		return NULL;
	here.arg = inv;
	if ((i = vg_index_find(&here, key)) == 0 || i > inv->n)
		return NULL;
	return &inv->inst[i - 1];
}

const struct vg_instance *
inventory_by_name(const struct vg_inventory *inv, const char *name)
{
	return inv == NULL ? NULL : lookup(inv, &inv->names, name);
}

const struct vg_instance *
inventory_by_id(const struct vg_inventory *inv, const char *id)
{
	return inv == NULL ? NULL : lookup(inv, &inv->ids, id);
}

const struct vg_instance *
inventory_find(const struct vg_inventory *inv, const char *target)
{
	const struct vg_instance *in;

	if ((in = inventory_by_name(inv, target)) != NULL)
		return in;
	return inventory_by_id(inv, target);
}

/* ------------------------------------------------------------------ */
/* the fields' checks */

const char *
inventory_bad_name(const char *v)
{
	return vg_valid_instance_name(v) ? NULL : "must be 1-64 of A-Z a-z "
	    "0-9 . _ -, not starting with -";
}

const char *
inventory_bad_id(const char *v)
{
	return vg_valid_instance_id(v) ? NULL :
	    "must be an instance ID (1-64 of A-Z a-z 0-9 -, not starting "
	    "with -)";
}

const char *
inventory_bad_description(const char *v)
{
	const char *p;

	if (strlen(v) > INVENTORY_DESC_MAX)
		return "must be at most 256 bytes";
	/* it reaches terminals (term.c filters it again) and records */
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
	return NULL;
}

const char *
inventory_bad_tag(const char *v)
{
	const char *eq = strchr(v, '=');
	size_t klen = eq != NULL ? (size_t)(eq - v) : 0;

	if (eq == NULL || klen < 1 || klen > TAG_PART_MAX ||
	    vg_alnum_span(v, TAG_SET) != klen ||
	    !vg_alnum_ok(eq + 1, TAG_SET, TAG_PART_MAX))
		return "must be K=V, each 1-64 of A-Z a-z 0-9 . _ : / -";
	return NULL;
}

const char *
inventory_bad_status(const char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= 'a' && v[i] <= 'z')))
			return "must be letters only";
	return i >= 1 && i <= INVENTORY_STATUS_MAX ? NULL :
	    "must be 1-15 letters";
}
