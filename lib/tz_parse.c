/* SPDX-License-Identifier: ISC */
/*
 * Checking and decoding a TZif file (RFC 8536) held in memory.
 *
 * The threat is a corrupt or hostile zone file read inside sshd: every
 * count is bounded before it is multiplied, every block is checked to be
 * in the file before it is read, every index is checked against what it
 * indexes, and anything the RFC forbids is refused with one sentence.
 * Only the 64-bit data of version 2 and later files is used: a version 1
 * file (32-bit times, no rule after 2037) is refused.  What it allocates
 * tz_free frees, here too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "util.h"

#define HEADER_LEN	44
/* RFC 8536 section 3.2: offsets past these are not real zones */
#define UTOFF_MIN	(-89999L)
#define UTOFF_MAX	93599L

struct rd {
	const unsigned char	*p;
	size_t			 left;
	char			*err;
	size_t			 errlen;
};

struct hdr {
	char		version;
	uint32_t	isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Two's complement without implementation-defined conversions. */
static int32_t
be32s(const unsigned char *p)
{
	uint32_t u = be32(p);

	return u >> 31 ? -(int32_t)~u - 1 : (int32_t)u;
}

static int64_t
be64s(const unsigned char *p)
{
	uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);

	return u >> 63 ? -(int64_t)~u - 1 : (int64_t)u;
}

/* The next n bytes, or NULL and a sentence naming what was cut short. */
static const unsigned char *
take(struct rd *r, size_t n, const char *what)
{
	const unsigned char *p = r->p;

	if (n > r->left) {
		vg_seterr(r->err, r->errlen, "the file ends inside %s", what);
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

static int
header(struct rd *r, struct hdr *h, const char *which)
{
	const unsigned char *p = take(r, HEADER_LEN, which);

	if (p == NULL)
		return -1;
	if (memcmp(p, "TZif", 4) != 0) {
		vg_seterr(r->err, r->errlen, "%s does not start with TZif",
		    which);
		return -1;
	}
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

static int
over(struct rd *r, const char *what, uint32_t n, unsigned long max)
{
	vg_seterr(r->err, r->errlen, "the header counts %lu %s, more than "
	    "%lu", (unsigned long)n, what, max);
	return -1;
}

/* The caps first: after them no size computed below can overflow. */
static int
counts_capped(struct rd *r, const struct hdr *h)
{
	if (h->timecnt > TZ_TIMES_MAX)
		return over(r, "transitions", h->timecnt, TZ_TIMES_MAX);
	if (h->typecnt > TZ_TYPES_MAX)
		return over(r, "local time types", h->typecnt, TZ_TYPES_MAX);
	if (h->charcnt > TZ_CHARS_MAX)
		return over(r, "abbreviation bytes", h->charcnt, TZ_CHARS_MAX);
	if (h->leapcnt > TZ_LEAPS_MAX)
		return over(r, "leap seconds", h->leapcnt, TZ_LEAPS_MAX);
	if (h->isstdcnt > TZ_TYPES_MAX)
		return over(r, "standard/wall flags", h->isstdcnt,
		    TZ_TYPES_MAX);
	if (h->isutcnt > TZ_TYPES_MAX)
		return over(r, "UT/local flags", h->isutcnt, TZ_TYPES_MAX);
	return 0;
}

/* What RFC 8536 section 3.1 requires of the counts of the used data. */
static int
counts_valid(struct rd *r, const struct hdr *h)
{
	if (counts_capped(r, h) == -1)
		return -1;
	if (h->typecnt == 0 || h->charcnt == 0) {
		vg_seterr(r->err, r->errlen, "the header counts no local "
		    "time type or no abbreviation");
		return -1;
	}
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
		vg_seterr(r->err, r->errlen, "the header counts flags for "
		    "some local time types but not all");
		return -1;
	}
	return 0;
}

static size_t
block_len(const struct hdr *h, size_t timesize)
{
	return h->timecnt * (timesize + 1) + h->typecnt * 6 + h->charcnt +
	    h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

/* The version 1 header and data, skipped; then the version 2+ header. */
static int
headers(struct rd *r, struct hdr *h)
{
	struct hdr v1;

	if (header(r, &v1, "the first header") == -1)
		return -1;
	if (v1.version == '\0') {
		vg_seterr(r->err, r->errlen, "it is a version 1 file, "
		    "without 64-bit times or a rule for after 2037");
		return -1;
	}
	if (v1.version < '2' || v1.version > '4') {
		vg_seterr(r->err, r->errlen, "its version is not 2, 3 or 4");
		return -1;
	}
	if (counts_capped(r, &v1) == -1 ||
	    take(r, block_len(&v1, 4), "the version 1 data") == NULL ||
	    header(r, h, "the second header") == -1)
		return -1;
	if (h->version != v1.version) {
		vg_seterr(r->err, r->errlen, "its two headers differ in "
		    "version");
		return -1;
	}
	return counts_valid(r, h);
}

static int
times(struct rd *r, const struct hdr *h, struct vg_tz *z)
{
	const unsigned char *p = take(r, h->timecnt * 9, "the transitions");
	size_t i;

	if (p == NULL)
		return -1;
	for (i = 0; i < h->timecnt; i++) {
		z->times[i] = be64s(p + 8 * i);
		/* the lookup is a binary search: order is a must */
		if (i > 0 && z->times[i] <= z->times[i - 1]) {
			vg_seterr(r->err, r->errlen, "its transition times "
			    "are not in ascending order");
			return -1;
		}
	}
	p += 8 * (size_t)h->timecnt;
	for (i = 0; i < h->timecnt; i++) {
		if (p[i] >= h->typecnt) {
			vg_seterr(r->err, r->errlen, "a transition names "
			    "local time type %u of %lu", p[i],
			    (unsigned long)h->typecnt);
			return -1;
		}
		z->tidx[i] = p[i];
	}
	return 0;
}

static int
types(struct rd *r, const struct hdr *h, struct vg_tz *z)
{
	const unsigned char *p = take(r, h->typecnt * 6, "the types");
	size_t i;
	long off;

	if (p == NULL)
		return -1;
	for (i = 0; i < h->typecnt; i++, p += 6) {
		off = be32s(p);
		if (off < UTOFF_MIN || off > UTOFF_MAX || p[4] > 1 ||
		    p[5] >= h->charcnt) {
			vg_seterr(r->err, r->errlen, "local time type %zu "
			    "has a bad offset, DST flag or abbreviation", i);
			return -1;
		}
		z->types[i].utoff = (int32_t)off;
		z->types[i].isdst = p[4];
		z->types[i].abbr = p[5];
	}
	return 0;
}

/* Printable, and NUL at the end so that every index reads a string. */
static int
abbrs(struct rd *r, const struct hdr *h, struct vg_tz *z)
{
	const unsigned char *p = take(r, h->charcnt, "the abbreviations");
	size_t i;

	if (p == NULL)
		return -1;
	for (i = 0; i < h->charcnt; i++)
		if (p[i] != '\0' && (p[i] <= ' ' || p[i] >= 0x7f))
			break;
	if (i < h->charcnt || p[h->charcnt - 1] != '\0') {
		vg_seterr(r->err, r->errlen, "its abbreviations are not "
		    "printable strings");
		return -1;
	}
	memcpy(z->abbrs, p, h->charcnt);
	return 0;
}

/* Ascending, each correcting one second more or less than the last. */
static int
leaps(struct rd *r, const struct hdr *h, struct vg_tz *z)
{
	const unsigned char *p = take(r, h->leapcnt * 12, "the leap seconds");
	int64_t prev = 0;
	size_t i;

	if (p == NULL)
		return -1;
	for (i = 0; i < h->leapcnt; i++, p += 12) {
		z->leaps[i].at = be64s(p);
		z->leaps[i].corr = be32s(p + 8);
		/* version 4 may start a truncated list at any correction */
		if ((i > 0 || h->version < '4') &&
		    (z->leaps[i].corr - prev != 1 &&
		    z->leaps[i].corr - prev != -1))
			break;
		if (i > 0 && z->leaps[i].at <= z->leaps[i - 1].at)
			break;
		prev = z->leaps[i].corr;
	}
	if (i < h->leapcnt) {
		vg_seterr(r->err, r->errlen, "leap second %zu is out of "
		    "order or corrects by more than one second", i);
		return -1;
	}
	return 0;
}

/* The standard/wall and UT/local flags: unused, but only 0 or 1. */
static int
flags(struct rd *r, const struct hdr *h)
{
	size_t n = (size_t)h->isstdcnt + h->isutcnt, i;
	const unsigned char *p = take(r, n, "the type flags");

	if (p == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i] > 1) {
			vg_seterr(r->err, r->errlen, "a type flag is neither "
			    "0 nor 1");
			return -1;
		}
	return 0;
}

/* The rest of the file: "\n" TZ-string "\n" (RFC 8536 section 3.3). */
static int
footer(struct rd *r, struct vg_tz *z)
{
	char s[TZ_FOOTER_MAX + 1], why[VG_ERRLEN];
	size_t n, i;

	if (r->left < 2 || r->p[0] != '\n' || r->p[r->left - 1] != '\n') {
		vg_seterr(r->err, r->errlen, "the TZ string at its end is "
		    "missing or not between two newlines");
		return -1;
	}
	n = r->left - 2;
	for (i = 0; i < n; i++)
		if (r->p[1 + i] < ' ' || r->p[1 + i] >= 0x7f)
			break;
	if (n > TZ_FOOTER_MAX || i < n) {
		vg_seterr(r->err, r->errlen, "the TZ string at its end is "
		    "longer than %d bytes or not printable", TZ_FOOTER_MAX);
		return -1;
	}
	memcpy(s, r->p + 1, n);
	s[n] = '\0';
	/* an empty string: the last type stays for ever */
	if (n == 0)
		return 0;
	if (tz_rule_parse(s, &z->rule, why, sizeof(why)) == -1) {
		vg_seterr(r->err, r->errlen, "%s", why);
		return -1;
	}
	z->has_rule = 1;
	return 0;
}

static int
alloc(struct vg_tz *z, const struct hdr *h)
{
	/* one more than needed: calloc(0) may return NULL */
	z->times = calloc(h->timecnt + 1, sizeof(*z->times));
	z->tidx = calloc(h->timecnt + 1, 1);
	z->types = calloc(h->typecnt, sizeof(*z->types));
	z->abbrs = calloc(h->charcnt, 1);
	z->leaps = calloc(h->leapcnt + 1, sizeof(*z->leaps));
	z->ntimes = h->timecnt;
	z->ntypes = h->typecnt;
	z->nabbrs = h->charcnt;
	z->nleaps = h->leapcnt;
	return z->times && z->tidx && z->types && z->abbrs && z->leaps ?
	    0 : -1;
}

int
tz_parse(const unsigned char *data, size_t len, struct vg_tz *z,
    char *err, size_t errlen)
{
	struct rd r = { data, len, err, errlen };
	struct hdr h;

	memset(z, 0, sizeof(*z));
	if (headers(&r, &h) == -1)
		return -1;
	if (block_len(&h, 8) > r.left) {
		vg_seterr(err, errlen, "the file ends inside its 64-bit data");
		return -1;
	}
	if (alloc(z, &h) == -1) {
		tz_free(z);
		vg_seterr(err, errlen, "out of memory");
		return -1;
	}
	if (times(&r, &h, z) == -1 || types(&r, &h, z) == -1 ||
	    abbrs(&r, &h, z) == -1 || leaps(&r, &h, z) == -1 ||
	    flags(&r, &h) == -1 || footer(&r, z) == -1) {
		tz_free(z);
		return -1;
	}
	return 0;
}

void
tz_free(struct vg_tz *z)
{
	free(z->times);
	free(z->tidx);
	free(z->types);
	free(z->abbrs);
	free(z->leaps);
	memset(z, 0, sizeof(*z));
}
