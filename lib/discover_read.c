/* SPDX-License-Identifier: ISC */
/*
 * The inventory cache read back (disc_cache_parse, see discover.h and
 * discover_cache.c for the format).  Every run of the shell reads it, a
 * `list` included, and at 10,000 instances a JSON tree of it (jansson)
 * cost more than the rest of the run: so it is read here, in one pass,
 * in exactly the form disc_cache_dump writes (jansson's compact output,
 * keys in order, strings with \" and \\ as their only escapes, valid
 * UTF-8, integers without sign or leading zero).  Anything else, however
 * valid as JSON, is refused: the file is ours, and a text that the
 * writer cannot have made was made by someone else.  Every field then
 * passes the inventory's checks, counts are bounded and no ID appears
 * twice; any fault refuses the whole text.
 */
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "index.h"
#include "util.h"

#define EPOCH_MAX	4102444800LL	/* 2100-01-01 */
#define TAGS_MAX	64
#define STR_MAX		(4 * INVENTORY_DESC_MAX)

/* The cache's memory ------------------------------------------------- */

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
disc_regions_free(struct disc_region *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		disc_region_free(&r[i]);
	free(r);
}

void
disc_cache_free(struct disc_cache *c)
{
	disc_regions_free(c->r, c->n);
	memset(c, 0, sizeof(*c));
}

/* Reading -------------------------------------------------------------- */

struct rd {
	const char	*p, *end;
	int		 bad;
	char		 s[STR_MAX + 1];	/* the last string read */
	size_t		 slen;
};

/* The literal lit must come next. */
static void
lit(struct rd *r, const char *lit)
{
	size_t n = strlen(lit);

	if (r->bad || (size_t)(r->end - r->p) < n || memcmp(r->p, lit, n) != 0)
		r->bad = 1;
	else
		r->p += n;
}

/* Is the next byte c (then taken)? */
static int
next_is(struct rd *r, char c)
{
	if (r->bad || r->p >= r->end || *r->p != c)
		return 0;
	r->p++;
	return 1;
}

/* The length of the UTF-8 sequence at p (strict), or 0. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4 || (size_t)(end - p) < n)
		return 0;
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* A string of at most max bytes into r->s. */
static void
str(struct rd *r, size_t max)
{
	const unsigned char *p;
	size_t n;

	r->slen = 0;
	lit(r, "\"");
	while (!r->bad && r->p < r->end && *r->p != '"') {
		p = (const unsigned char *)r->p;
		if (*p == '\\' && r->end - r->p >= 2 &&
		    (p[1] == '"' || p[1] == '\\'))
			p++, r->p++, n = 1;
		else if (*p < 0x20 || *p == '\\' ||
		    (n = utf8_len(p, (const unsigned char *)r->end)) == 0)
			break;
		if (r->slen + n > max)
			break;
		memcpy(r->s + r->slen, p, n);
		r->slen += n;
		r->p += n;
	}
	r->s[r->slen] = '\0';
	lit(r, "\"");
}

/* "key":"string" of at most max bytes. */
static const char *
kstr(struct rd *r, const char *key, size_t max)
{
	lit(r, key);
	str(r, max);
	return r->bad ? "" : r->s;
}

/* "key":N, an epoch time (or another number up to max). */
static long long
knum(struct rd *r, const char *key, long long max)
{
	long long v = 0;
	int digits = 0;

	lit(r, key);
	while (!r->bad && r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (digits++ > 0 && v == 0)
			r->bad = 1;		/* a leading zero */
		v = v * 10 + (*r->p++ - '0');
		if (v > max)
			r->bad = 1;
	}
	if (digits == 0)
		r->bad = 1;
	return v;
}

/* "tags":[...] into in (strdup'd; the caller frees them). */
static void
tags(struct rd *r, struct vg_instance *in)
{
	lit(r, ",\"tags\":[");
	if (next_is(r, ']'))
		return;
	do {
		str(r, 160);
		if (r->bad || in->ntags >= TAGS_MAX ||
		    inventory_bad_tag(r->s) != NULL ||
		    (in->tags[in->ntags] = strdup(r->s)) == NULL) {
			r->bad = 1;
			return;
		}
		in->ntags++;
	} while (next_is(r, ','));
	lit(r, "]");
}

/* The checked fields of one instance into in; 0 or -1. */
static int
fields(struct rd *r, struct vg_instance *in)
{
	const char *v;

	v = kstr(r, "{\"id\":", INVENTORY_ID_MAX);
	if (r->bad || inventory_bad_id(v) != NULL)
		return -1;
	vg_strlcpy(in->id, v, sizeof(in->id));
	v = kstr(r, ",\"name\":", INVENTORY_NAME_MAX);
	if (r->bad || (v[0] != '\0' && inventory_bad_name(v) != NULL))
		return -1;
	vg_strlcpy(in->name, v, sizeof(in->name));
	v = kstr(r, ",\"description\":", INVENTORY_DESC_MAX);
	if (r->bad || inventory_bad_description(v) != NULL ||
	    (in->description = strdup(v)) == NULL)
		return -1;
	v = kstr(r, ",\"os\":", 8);
	if (r->bad || (strcmp(v, "linux") != 0 && strcmp(v, "windows") != 0))
		return -1;
	in->windows = v[0] == 'w';
	v = kstr(r, ",\"status\":", INVENTORY_STATUS_MAX);
	if (r->bad || inventory_bad_status(v) != NULL)
		return -1;
	vg_strlcpy(in->status, v, sizeof(in->status));
	return 0;
}

static int
instance(struct rd *r, struct disc_region *reg, char **tagv)
{
	struct vg_instance in;

	memset(&in, 0, sizeof(in));
	in.tags = tagv;
	vg_strlcpy(in.region, reg->region, sizeof(in.region));
	if (fields(r, &in) == 0) {
		tags(r, &in);
		in.seen = knum(r, ",\"seen\":", EPOCH_MAX);
		lit(r, "}");
		/* not indexed: only walked; unique() finds duplicates */
		if (!r->bad && inventory_take(&reg->inv, &in, 0) == 0)
			return 0;
	}
	free(in.description);
	while (in.ntags > 0)
		free(tagv[--in.ntags]);
	return -1;
}

static int
region(struct rd *r, struct disc_region *reg)
{
	char *tagv[TAGS_MAX];
	const char *v;

	v = kstr(r, "{\"region\":", INVENTORY_REGION_MAX);
	if (r->bad || !vg_valid_region(v))
		return -1;
	vg_strlcpy(reg->region, v, sizeof(reg->region));
	reg->fetched = knum(r, ",\"fetched\":", EPOCH_MAX);
	lit(r, ",\"instances\":[");
	if (!next_is(r, ']')) {
		do {
			if (reg->inv.n >= DISC_REGION_INST_MAX ||
			    instance(r, reg, tagv) == -1)
				return -1;
		} while (next_is(r, ','));
		lit(r, "]");
	}
	lit(r, "}");
	return r->bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */

struct ids {
	const struct vg_instance **in;
};

static const char *
id_of(const void *arg, size_t i)
{
	return ((const struct ids *)arg)->in[i]->id;
}

/* No ID in two regions, no region twice: lookups must be unambiguous. */
static int
unique(const struct disc_cache *c)
{
	struct vg_index x;
	struct ids ids;
	size_t i, j, n = 0;
	int rc = 0;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(c->r[i].region, c->r[j].region) == 0)
				return -1;
		n += c->r[i].inv.n;
	}
	if ((ids.in = calloc(n + 1, sizeof(*ids.in))) == NULL)
		return -1;
	vg_index_init(&x, id_of, &ids);
	for (i = 0, n = 0; rc == 0 && i < c->n; i++)
		for (j = 0; rc == 0 && j < c->r[i].inv.n; j++) {
			ids.in[n] = &c->r[i].inv.inst[j];
			if (vg_index_find(&x, ids.in[n]->id) != 0 ||
			    vg_index_add(&x, n) == -1)
				rc = -1;
			n++;
		}
	vg_index_free(&x);
	free(ids.in);
	return rc;
}

static int
root(struct rd *r, struct disc_cache *c)
{
	struct disc_region *grown;

	if (knum(r, "{\"version\":", DISC_CACHE_VERSION) !=
	    DISC_CACHE_VERSION || r->bad)
		return -1;
	c->written = knum(r, ",\"written\":", EPOCH_MAX);
	lit(r, ",\"regions\":[");
	if (!next_is(r, ']')) {
		do {
			if (c->n >= DISC_REGIONS_MAX || (grown = reallocarray(
			    c->r, c->n + 1, sizeof(*grown))) == NULL)
				return -1;
			c->r = grown;
			disc_region_init(&c->r[c->n++], "");
			if (region(r, &c->r[c->n - 1]) == -1)
				return -1;
		} while (next_is(r, ','));
		lit(r, "]");
	}
	lit(r, "}");
	return r->bad || r->p != r->end ? -1 : 0;
}

int
disc_cache_parse(const char *text, size_t len, struct disc_cache *c,
    char *err, size_t errlen)
{
	struct rd *r;
	size_t i;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		vg_seterr(err, errlen, "out of memory");
		return -1;
	}
	r->p = text;
	r->end = text + len;
	if (root(r, c) == -1)
		vg_seterr(err, errlen, "not a cache vncgate wrote (byte %zu)",
		    (size_t)(r->p - text));
	else if (unique(c) == -1)
		vg_seterr(err, errlen, "a region or an instance ID appears "
		    "twice");
	else
		rc = 0;
	free(r);
	for (i = 0; rc == 0 && i < c->n; i++)
		inventory_trim(&c->r[i].inv);
	if (rc == -1)
		disc_cache_free(c);
	return rc;
}
