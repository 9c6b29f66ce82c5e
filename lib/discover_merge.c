/* SPDX-License-Identifier: ISC */
/*
 * The rules of DESIGN 1.10 that decide what the inventory holds (see
 * discover.h): a refresh folded into the cache, and the cache with the
 * config's instance blocks.
 *
 * Names are the operator's handle and the ACL's globs match them, so a
 * name the cloud gives is believed only when nobody else could claim
 * it: it fits the name charset, no other instance (listed, or a block
 * of the config) has it, and it is no instance's ID (inventory_find
 * tries names first: whoever may rename instances could otherwise aim
 * an operator who types an ID at another machine).  Otherwise the
 * instance is known by its ID alone.
 */
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "index.h"
#include "util.h"

/* Folding a refresh into the cache ------------------------------------- */

static struct disc_region *
find_region(struct disc_cache *c, const char *region)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->r[i].region, region) == 0)
			return &c->r[i];
	return NULL;
}

/*
 * The instances old had that f's answer lacks, kept while they were
 * seen less than stale_after seconds ago; f->added and ->removed set.
 */
static int
carry_stale(const struct disc_region *old, struct disc_region *f,
    long long now, long stale_after)
{
	const struct vg_instance *in;
	size_t i, fresh = f->inv.n, kept = 0;

	for (i = 0; old != NULL && i < old->inv.n; i++) {
		in = &old->inv.inst[i];
		if (inventory_by_id(&f->inv, in->id) != NULL) {
			kept++;
			continue;
		}
		if (now - in->seen >= stale_after)
			f->removed++;
		else if (inventory_add(&f->inv, in, 1) == NULL)
			return -1;
	}
	f->added = fresh - kept;
	return 0;
}

/* The regions of c that this refresh did not list at all: dropped. */
static void
drop_unlisted(struct disc_cache *c, const struct disc_region *fresh,
    size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(c->r[i].region, fresh[j].region) == 0)
				break;
		if (j == n)
			disc_region_free(&c->r[i]);
		else
			c->r[k++] = c->r[i];
	}
	c->n = k;
}

static int
fold_one(struct disc_cache *c, struct disc_region *f, long long now,
    long stale_after)
{
	struct disc_region *old = find_region(c, f->region), *grown;

	if (carry_stale(old, f, now, stale_after) == -1)
		return -1;
	if (old == NULL) {
		if ((grown = reallocarray(c->r, c->n + 1, sizeof(*grown))) ==
		    NULL)
			return -1;
		c->r = grown;
		old = &c->r[c->n++];
		disc_region_init(old, f->region);
	}
	inventory_free(&old->inv);
	/* the struct moves whole: see inventory.h */
	old->inv = f->inv;
	old->fetched = f->fetched;
	inventory_init(&f->inv);
	return 0;
}

int
disc_cache_fold(struct disc_cache *c, struct disc_region *fresh, size_t n,
    long long now, long stale_after)
{
	size_t i;

	drop_unlisted(c, fresh, n);
	for (i = 0; i < n; i++) {
		/* a failed region keeps what the cache had (DESIGN 1.10) */
		if (!fresh[i].ok)
			continue;
		if (fold_one(c, &fresh[i], now, stale_after) == -1)
			return -1;
	}
	c->written = now;
	return 0;
}

/* The cache and the blocks into the inventory -------------------------- */

/* Every cached instance, flat, with an index by name and one by ID. */
struct flat {
	struct vg_instance **in;
	size_t		  n;
	unsigned char	 *taken;	/* a block set its fields */
	unsigned char	 *dup;		/* its name is another's too */
	struct vg_index	  names, ids;
};

static const char *
flat_name(const void *arg, size_t i)
{
	return ((const struct flat *)arg)->in[i]->name;
}

static const char *
flat_id(const void *arg, size_t i)
{
	return ((const struct flat *)arg)->in[i]->id;
}

static void
flat_free(struct flat *f)
{
	free(f->in);
	free(f->taken);
	free(f->dup);
	vg_index_free(&f->names);
	vg_index_free(&f->ids);
}

/* Index names and IDs; a name met twice marks both holders. */
static int
flat_index(struct flat *f)
{
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		if (vg_index_add(&f->ids, i) == -1)
			return -1;
		if (f->in[i]->name[0] == '\0')
			continue;
		if ((j = vg_index_find(&f->names, f->in[i]->name)) != 0)
			f->dup[j - 1] = f->dup[i] = 1;
		else if (vg_index_add(&f->names, i) == -1)
			return -1;
	}
	return 0;
}

static int
flat_build(struct disc_cache *c, struct flat *f)
{
	size_t i, j, total = 0;

	memset(f, 0, sizeof(*f));
	vg_index_init(&f->names, flat_name, f);
	vg_index_init(&f->ids, flat_id, f);
	for (i = 0; i < c->n; i++)
		total += c->r[i].inv.n;
	f->in = calloc(total + 1, sizeof(*f->in));
	f->taken = calloc(total + 1, 1);
	f->dup = calloc(total + 1, 1);
	if (f->in == NULL || f->taken == NULL || f->dup == NULL)
		return -1;
	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->r[i].inv.n; j++)
			f->in[f->n++] = &c->r[i].inv.inst[j];
	return flat_index(f);
}

/*
 * A block of the config: as written, and for a discovered ID the
 * cloud's region and status, and the cloud's tags beside its own.
 */
static int
add_block(struct flat *f, const struct vg_instance *b,
    struct vg_inventory *inv)
{
	const struct vg_instance *cl;
	struct vg_instance in;
	size_t k = vg_index_find(&f->ids, b->id), i;
	int rc;

	if (k == 0)
		return inventory_add(inv, b, 1) == NULL ? -1 : 0;
	cl = f->in[k - 1];
	f->taken[k - 1] = 1;
	in = *b;
	vg_strlcpy(in.region, cl->region, sizeof(in.region));
	vg_strlcpy(in.status, cl->status, sizeof(in.status));
	in.seen = cl->seen;
	in.ntags = 0;
	if ((in.tags = calloc(b->ntags + cl->ntags + 1, sizeof(char *))) ==
	    NULL)
		return -1;
	for (i = 0; i < b->ntags; i++)
		in.tags[in.ntags++] = b->tags[i];
	for (i = 0; i < cl->ntags; i++)
		in.tags[in.ntags++] = cl->tags[i];
	rc = inventory_add(inv, &in, 1) == NULL ? -1 : 0;
	free(in.tags);
	return rc;
}

/* May the cloud's name of f->in[i] stand?  (See the top of the file.) */
static int
name_stands(const struct flat *f, size_t i,
    const struct vg_inventory *blocks)
{
	const char *name = f->in[i]->name;

	return name[0] != '\0' && !f->dup[i] &&
	    inventory_by_name(blocks, name) == NULL &&
	    inventory_by_id(blocks, name) == NULL &&
	    vg_index_find(&f->ids, name) == 0;
}

/* f->in[i] moves into inv: its strings become inv's (no copy). */
static int
add_listed(struct flat *f, size_t i, const struct vg_inventory *blocks,
    struct vg_inventory *inv)
{
	struct vg_instance in = *f->in[i];

	if (!name_stands(f, i, blocks))
		vg_strlcpy(in.name, in.id, sizeof(in.name));
	if (inventory_take(inv, &in, 1) == -1)
		return -1;
	/* the cache keeps its array of tag pointers, to free */
	f->in[i]->description = NULL;
	f->in[i]->ntags = 0;
	return 0;
}

int
discover_merge(const struct vg_inventory *blocks, struct disc_cache *c,
    struct vg_inventory *inv)
{
	struct flat f;
	size_t i;
	int rc = -1;

	if (flat_build(c, &f) == 0) {
		rc = 0;
		for (i = 0; rc == 0 && i < blocks->n; i++)
			rc = add_block(&f, &blocks->inst[i], inv);
		for (i = 0; rc == 0 && i < f.n; i++)
			if (!f.taken[i])
				rc = add_listed(&f, i, blocks, inv);
	}
	flat_free(&f);
	if (rc == 0)
		inventory_trim(inv);
	return rc;
}
