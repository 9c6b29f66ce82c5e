/* SPDX-License-Identifier: ISC */
/*
 * The inventory cache, <state_dir>/inventory.json (see discover.h):
 *
 *   {"version": 1, "written": EPOCH,
 *    "regions": [{"region": "cn-hangzhou", "fetched": EPOCH,
 *                 "instances": [{"id", "name", "description", "os",
 *                                "status", "tags": ["K=V", ...],
 *                                "seen": EPOCH}, ...]}, ...]}
 *
 * Any shell of the bastion reads it, and a shell killed at any instant,
 * or an operator of the group with a way to write the state folder, may
 * have left anything there.  So it is read as strictly as the config:
 * exactly these keys, each of its type, every field through the
 * inventory's checks, counts and size bounded, no instance twice; any
 * fault refuses the whole file, never a part of it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "statefile.h"
#include "util.h"

#define EPOCH_MAX	4102444800LL	/* 2100-01-01 */
#define TAGS_MAX	64

void
disc_region_init(struct disc_region *r, const char *region)
{
	memset(r, 0, sizeof(*r));
	inventory_init(&r->inv);
	vg_strlcpy(r->region, region, sizeof(r->region));
}

void
disc_region_free(struct disc_region *r)
{
	inventory_free(&r->inv);
}

void
disc_cache_free(struct disc_cache *c)
{
	size_t i;

	for (i = 0; c->r != NULL && i < c->n; i++)
		disc_region_free(&c->r[i]);
	free(c->r);
	memset(c, 0, sizeof(*c));
}

/* Reading ---------------------------------------------------------------- */

/* o must hold exactly the n keys of keys. */
static int
keys_exact(json_t *o, const char *const *keys, size_t n)
{
	size_t i;

	if (!json_is_object(o) || json_object_size(o) != n)
		return -1;
	for (i = 0; i < n; i++)
		if (json_object_get(o, keys[i]) == NULL)
			return -1;
	return 0;
}

static int
get_time(json_t *o, const char *key, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > EPOCH_MAX)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* A string member of at most max bytes, no NUL; NULL otherwise. */
static const char *
get_str(json_t *o, const char *key, size_t max)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

static int
read_tags(json_t *list, struct vg_instance *in)
{
	const char *t;
	json_t *e;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) > TAGS_MAX)
		return -1;
	if (json_array_size(list) == 0)
		return 0;
	if ((in->tags = calloc(json_array_size(list), sizeof(char *))) ==
	    NULL)
		return -1;
	json_array_foreach(list, i, e) {
		if (!json_is_string(e) || (t = json_string_value(e)) == NULL ||
		    strlen(t) != json_string_length(e) ||
		    inventory_bad_tag(t) != NULL)
			return -1;
		/* borrowed: inventory_add copies them */
		in->tags[in->ntags++] = (char *)t;
	}
	return 0;
}

static int
read_fields(json_t *o, struct vg_instance *in)
{
	static const char *const keys[] = { "id", "name", "description",
	    "os", "status", "tags", "seen" };
	const char *id, *name, *desc, *os, *st;

	if (keys_exact(o, keys, sizeof(keys) / sizeof(keys[0])) == -1 ||
	    (id = get_str(o, "id", INVENTORY_ID_MAX)) == NULL ||
	    inventory_bad_id(id) != NULL ||
	    (name = get_str(o, "name", INVENTORY_NAME_MAX)) == NULL ||
	    (name[0] != '\0' && inventory_bad_name(name) != NULL) ||
	    (desc = get_str(o, "description", INVENTORY_DESC_MAX)) == NULL ||
	    inventory_bad_description(desc) != NULL ||
	    (os = get_str(o, "os", 8)) == NULL ||
	    (strcmp(os, "linux") != 0 && strcmp(os, "windows") != 0) ||
	    (st = get_str(o, "status", INVENTORY_STATUS_MAX)) == NULL ||
	    inventory_bad_status(st) != NULL ||
	    get_time(o, "seen", &in->seen) == -1)
		return -1;
	vg_strlcpy(in->id, id, sizeof(in->id));
	vg_strlcpy(in->name, name, sizeof(in->name));
	in->description = (char *)desc;
	in->windows = strcmp(os, "windows") == 0;
	vg_strlcpy(in->status, st, sizeof(in->status));
	return 0;
}

static int
read_instance(json_t *o, struct disc_region *r)
{
	struct vg_instance in;
	int rc = -1;

	memset(&in, 0, sizeof(in));
	vg_strlcpy(in.region, r->region, sizeof(in.region));
	if (json_is_object(o) && read_fields(o, &in) == 0 &&
	    read_tags(json_object_get(o, "tags"), &in) == 0 &&
	    inventory_by_id(&r->inv, in.id) == NULL &&
	    inventory_add(&r->inv, &in, 1) != NULL)
		rc = 0;
	free(in.tags);
	return rc;
}

static int
read_region(json_t *o, struct disc_region *r, char *err, size_t errlen)
{
	static const char *const keys[] = { "region", "fetched", "instances" };
	const char *id;
	json_t *list, *e;
	size_t i;

	if (keys_exact(o, keys, 3) == -1 ||
	    (id = get_str(o, "region", INVENTORY_REGION_MAX)) == NULL ||
	    !vg_valid_region(id) || get_time(o, "fetched", &r->fetched) == -1 ||
	    !json_is_array(list = json_object_get(o, "instances")) ||
	    json_array_size(list) > DISC_REGION_INST_MAX) {
		vg_seterr(err, errlen, "a region entry is malformed");
		return -1;
	}
	vg_strlcpy(r->region, id, sizeof(r->region));
	json_array_foreach(list, i, e)
		if (read_instance(e, r) == -1) {
			vg_seterr(err, errlen, "instance %zu of region %s is "
			    "malformed or repeated", i, r->region);
			return -1;
		}
	return 0;
}

/* No ID in two regions, no region twice: lookups must be unambiguous. */
static int
unique(const struct disc_cache *c, char *err, size_t errlen)
{
	struct vg_inventory all;
	size_t i, j;
	int rc = 0;

	inventory_init(&all);
	for (i = 0; rc == 0 && i < c->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(c->r[i].region, c->r[j].region) == 0)
				rc = -1;
		for (j = 0; rc == 0 && j < c->r[i].inv.n; j++)
			if (inventory_by_id(&all, c->r[i].inv.inst[j].id) !=
			    NULL || inventory_add(&all, &c->r[i].inv.inst[j],
			    1) == NULL)
				rc = -1;
	}
	inventory_free(&all);
	if (rc == -1)
		vg_seterr(err, errlen, "a region or an instance ID appears "
		    "twice");
	return rc;
}

static int
read_root(json_t *root, struct disc_cache *c, char *err, size_t errlen)
{
	static const char *const keys[] = { "version", "written", "regions" };
	json_t *list, *v, *e;
	size_t i;

	v = json_object_get(root, "version");
	if (keys_exact(root, keys, 3) == -1 || !json_is_integer(v) ||
	    json_integer_value(v) != DISC_CACHE_VERSION ||
	    get_time(root, "written", &c->written) == -1 ||
	    !json_is_array(list = json_object_get(root, "regions")) ||
	    json_array_size(list) > DISC_REGIONS_MAX) {
		vg_seterr(err, errlen, "not an inventory cache of version %d",
		    DISC_CACHE_VERSION);
		return -1;
	}
	if ((c->r = calloc(json_array_size(list) + 1, sizeof(*c->r))) == NULL)
		return vg_seterr(err, errlen, "out of memory"), -1;
	json_array_foreach(list, i, e) {
		disc_region_init(&c->r[c->n++], "");
		if (read_region(e, &c->r[i], err, errlen) == -1)
			return -1;
	}
	return unique(c, err, errlen);
}

int
disc_cache_parse(const char *text, size_t len, struct disc_cache *c,
    char *err, size_t errlen)
{
	char why[VG_ERRLEN];
	json_t *root;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((root = cloud_json_load(text, len, why, sizeof(why))) == NULL) {
		vg_seterr(err, errlen, "not JSON: %s", why);
		return -1;
	}
	rc = read_root(root, c, err, errlen);
	json_decref(root);
	if (rc == -1)
		disc_cache_free(c);
	return rc;
}

/* Writing ---------------------------------------------------------------- */

static json_t *
dump_instance(const struct vg_instance *in)
{
	json_t *tags = json_array();
	size_t i;

	for (i = 0; tags != NULL && i < in->ntags; i++)
		if (json_array_append_new(tags, json_string(in->tags[i])) == -1)
			break;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o*, s:I}", "id", in->id,
	    "name", in->name, "description", in->description != NULL ?
	    in->description : "", "os", in->windows ? "windows" : "linux",
	    "status", in->status[0] != '\0' ? in->status : "Unknown",
	    "tags", tags, "seen", (json_int_t)in->seen);
}

static json_t *
dump_region(const struct disc_region *r)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list != NULL && i < r->inv.n; i++)
		if (json_array_append_new(list,
		    dump_instance(&r->inv.inst[i])) == -1) {
			json_decref(list);
			return NULL;
		}
	return json_pack("{s:s, s:I, s:o*}", "region", r->region, "fetched",
	    (json_int_t)r->fetched, "instances", list);
}

char *
disc_cache_dump(const struct disc_cache *c, size_t *len)
{
	json_t *regions = json_array(), *root;
	char *text = NULL;
	size_t i;

	for (i = 0; regions != NULL && i < c->n; i++)
		if (json_array_append_new(regions, dump_region(&c->r[i])) ==
		    -1) {
			json_decref(regions);
			return NULL;
		}
	root = json_pack("{s:i, s:I, s:o*}", "version", DISC_CACHE_VERSION,
	    "written", (json_int_t)c->written, "regions", regions);
	if (root != NULL)
		text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	*len = text != NULL ? strlen(text) : 0;
	return text;
}

/* The file --------------------------------------------------------------- */

/* The whole file at fd, at most DISC_CACHE_MAX bytes, into *text. */
static int
slurp(int fd, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fstat(fd, &st) == -1 || st.st_size > DISC_CACHE_MAX)
		return vg_seterr(err, errlen, "%s is larger than %ld bytes",
		    DISC_CACHE_NAME, DISC_CACHE_MAX), -1;
	if ((*text = malloc((size_t)st.st_size + 1)) == NULL)
		return vg_seterr(err, errlen, "out of memory"), -1;
	while (got < (size_t)st.st_size &&
	    (n = read(fd, *text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (got != (size_t)st.st_size) {
		free(*text);
		return vg_seterr(err, errlen, "%s cannot be read",
		    DISC_CACHE_NAME), -1;
	}
	(*text)[got] = '\0';
	*len = got;
	return 0;
}

int
disc_cache_read(int dirfd, struct disc_cache *c, char *err, size_t errlen)
{
	char why[VG_ERRLEN], *text;
	size_t len;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	if ((fd = statefile_open(dirfd, DISC_CACHE_NAME, 0, why,
	    sizeof(why))) == -1) {
		if (errno == ENOENT)
			return 1;
		vg_seterr(err, errlen, "%s %s", DISC_CACHE_NAME, why);
		return -1;
	}
	rc = slurp(fd, &text, &len, err, errlen);
	close(fd);
	if (rc == -1)
		return -1;
	rc = disc_cache_parse(text, len, c, why, sizeof(why));
	free(text);
	if (rc == -1)
		vg_seterr(err, errlen, "%s is refused: %s", DISC_CACHE_NAME, why);
	return rc;
}

int
disc_cache_write(int dirfd, const struct disc_cache *c, char *err,
    size_t errlen)
{
	char why[VG_ERRLEN], *text;
	size_t len;
	int rc;

	if ((text = disc_cache_dump(c, &len)) == NULL) {
		vg_seterr(err, errlen, "out of memory writing %s",
		    DISC_CACHE_NAME);
		return -1;
	}
	rc = statefile_replace_synced(dirfd, DISC_CACHE_NAME, text, len, why,
	    sizeof(why));
	free(text);
	if (rc == -1)
		vg_seterr(err, errlen, "%s %s", DISC_CACHE_NAME, why);
	return rc;
}
