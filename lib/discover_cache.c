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
 * have left anything there.  So it is read as strictly as the config
 * (discover_read.c: exactly the text written here, every field through
 * the inventory's checks, counts and size bounded, no instance twice);
 * any fault refuses the whole file, never a part of it.  This file
 * writes it (jansson), and reads and writes it as a state file.
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
