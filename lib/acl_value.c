/* SPDX-License-Identifier: ISC */
/*
 * The values of acl.conf (DESIGN 1.6): each one checked and added to the
 * rule being read, or a sentence saying why not.  Plain strings in; no
 * libconfuse here (acl_load.c calls in from its parse callbacks).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_int.h"
#include "util.h"

/* each set is A-Z a-z 0-9 and these (vg_alnum_ok) */
#define NAME_SET	"._-"
#define USER_SET	"._@-"
#define TAG_SET		"._:/-"
#define GLOB_SET	"._*?[]!-"

/* ---------------------------------------------------------------- */
/* small helpers */

static int
strv_add(struct acl_strv *sv, const char *s, char *why, size_t len)
{
	char **nv;

	if ((nv = vg_grow(sv->v, sv->n, sizeof(*nv))) == NULL ||
	    (nv[sv->n] = strdup(s)) == NULL) {
		if (nv != NULL)
			sv->v = nv;
		vg_seterr(why, len, "out of memory");
		return -1;
	}
	sv->v = nv;
	sv->n++;
	return 0;
}

static void
strv_free(struct acl_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

const char *
acl_shown(const char *v, char out[SHOWN])
{
	size_t i;

	for (i = 0; i < MAXVAL && v[i] != '\0'; i++)
		out[i] = (unsigned char)v[i] >= 0x20 &&
		    (unsigned char)v[i] < 0x7f ? v[i] : '?';
	if (v[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

/* a leading '-' would read as an option wherever the name travels */
static int
name_ok(const char *v, const char *set)
{
	return vg_alnum_ok(v, set, MAXVAL) && v[0] != '-';
}

/* ---------------------------------------------------------------- */
/* values: each adds one entry to a rule or says why not */

static int
add_user(struct acl_rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (strcmp(v, "*") == 0) {
		r->anyuser = 1;
		return 0;
	}
	if (name_ok(v, USER_SET))
		return strv_add(&r->users, v, why, len);
	vg_seterr(why, len, "\"%s\" is not \"*\" or a user name of "
	    "[A-Za-z0-9._@-] (at most 64, no leading \"-\")", acl_shown(v, q));
	return -1;
}

static int
add_group(struct acl_rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (name_ok(v, USER_SET))
		return strv_add(&r->groups, v, why, len);
	vg_seterr(why, len, "\"%s\" is not a group name of [A-Za-z0-9._@-] "
	    "(at most 64, no leading \"-\")", acl_shown(v, q));
	return -1;
}

static int
tag_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen;

	if (eq == NULL || (klen = (size_t)(eq - kv)) == 0 || klen > MAXVAL ||
	    vg_alnum_span(kv, TAG_SET) != klen)
		return 0;
	/* an empty value is a real tag value in ECS */
	return eq[1] == '\0' || vg_alnum_ok(eq + 1, TAG_SET, MAXVAL);
}

/* fnmatch reads an unclosed '[' as a literal: refuse rather than guess */
static int
brackets_closed(const char *g)
{
	while ((g = strchr(g, '[')) != NULL) {
		g++;
		if (*g == '!')
			g++;
		/* "[]...]": the first ']' is a member, not the end */
		if (*g == ']')
			g++;
		if ((g = strchr(g, ']')) == NULL)
			return 0;
		g++;
	}
	return 1;
}

static int
add_instance(struct acl_rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (strncmp(v, "tag:", 4) == 0) {
		if (tag_ok(v + 4))
			return strv_add(&r->tags, v + 4, why, len);
		vg_seterr(why, len, "\"%s\" is not tag:K=V with K and V of "
		    "[A-Za-z0-9._:/-] (at most 64 each)", acl_shown(v, q));
		return -1;
	}
	if (!vg_alnum_ok(v, GLOB_SET, MAXVAL)) {
		vg_seterr(why, len, "\"%s\" is not tag:K=V or a glob of "
		    "[A-Za-z0-9._*?[]!-] (at most 64)", acl_shown(v, q));
		return -1;
	}
	if (!brackets_closed(v)) {
		vg_seterr(why, len, "\"%s\" has a \"[\" without its \"]\"",
		    acl_shown(v, q));
		return -1;
	}
	/* fnmatch without * ? [ is strcmp: such entries go in a sorted
	 * array, so a rule listing many IDs costs a bsearch per instance */
	if (strpbrk(v, "*?[") == NULL)
		return strv_add(&r->names, v, why, len);
	return strv_add(&r->globs, v, why, len);
}

/* "0".."128": no sign, no leading zero, no more than max */
static int
parse_bits(const char *s, int max, int *bits)
{
	size_t n = strlen(s);

	if (n == 0 || n > 3 || strspn(s, "0123456789") != n ||
	    (s[0] == '0' && n > 1) || atoi(s) > max)
		return -1;
	*bits = atoi(s);
	return 0;
}

/* ::ffff:a.b.c.d is IPv4 seen through an IPv6 socket: compare it as IPv4 */
static void
unmap(struct acl_cidr *c)
{
	static const unsigned char prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (c->af != AF_INET6 || c->bits < 96 ||
	    memcmp(c->net, prefix, sizeof(prefix)) != 0)
		return;
	c->af = AF_INET;
	c->bits -= 96;
	memmove(c->net, c->net + 12, 4);
	memset(c->net + 4, 0, 12);
}

/* An address, or an address/prefix when cidr is set. */
static int
parse_cidr(const char *v, struct acl_cidr *c, int cidr)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = cidr ? strchr(v, '/') : NULL;
	size_t alen = slash != NULL ? (size_t)(slash - v) : strlen(v);

	memset(c, 0, sizeof(*c));
	if (alen == 0 || alen >= sizeof(a))
		return -1;
	memcpy(a, v, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET, a, c->net) == 1) {
		c->af = AF_INET;
		c->bits = 32;
	} else if (inet_pton(AF_INET6, a, c->net) == 1) {
		c->af = AF_INET6;
		c->bits = 128;
	} else
		return -1;
	if (slash != NULL && parse_bits(slash + 1, c->bits, &c->bits) == -1)
		return -1;
	return 0;
}

/* Clear the host bits; 1 when some were set. */
static int
clear_host_bits(struct acl_cidr *c)
{
	int i, b, len = c->af == AF_INET ? 4 : 16, set = 0;
	unsigned char keep;

	for (i = 0; i < len; i++) {
		b = c->bits - i * 8;	/* prefix bits in this byte */
		keep = b >= 8 ? 0xff : b <= 0 ? 0 :
		    (unsigned char)(0xff << (8 - b));
		set |= (c->net[i] & ~keep) != 0;
		c->net[i] &= keep;
	}
	return set;
}

static int
add_from(struct acl_rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN], net[INET6_ADDRSTRLEN];
	struct acl_cidr c, *nf;

	if (parse_cidr(v, &c, 1) == -1) {
		vg_seterr(why, len, "\"%s\" is not an IPv4 or IPv6 address or "
		    "CIDR", acl_shown(v, q));
		return -1;
	}
	if (clear_host_bits(&c)) {
		inet_ntop(c.af, c.net, net, sizeof(net));
		vg_seterr(why, len, "\"%s\" has host bits set (the network is "
		    "%s/%d)", acl_shown(v, q), net, c.bits);
		return -1;
	}
	unmap(&c);
	if ((nf = vg_grow(r->from, r->nfrom, sizeof(*nf))) == NULL) {
		vg_seterr(why, len, "out of memory");
		return -1;
	}
	r->from = nf;
	r->from[r->nfrom++] = c;
	return 0;
}

static const char *const daynames[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

static int
day_of(const char *s, size_t n)
{
	int d;

	for (d = 0; d < 7; d++)
		if (n == 3 && strncmp(s, daynames[d], 3) == 0)
			return d;
	return -1;
}

/* "Mon-Fri", "Sat", "Mon,Wed,Fri", "Fri-Mon" (wraps) into a day mask */
static int
parse_days(const char *s, size_t n, unsigned *mask, char *bad, size_t badlen)
{
	size_t i, len, dash;
	int a, b;

	for (*mask = 0, i = 0; i <= n; i += len + 1) {
		len = strcspn(s + i, ",");
		if (i + len > n)
			len = n - i;
		dash = strcspn(s + i, "-");
		if (dash > len)
			dash = len;
		if ((a = day_of(s + i, dash)) == -1 || (b = dash == len ? a :
		    day_of(s + i + dash + 1, len - dash - 1)) == -1) {
			snprintf(bad, badlen, "%.*s", (int)(len > MAXVAL ?
			    MAXVAL : len), s + i);
			return -1;
		}
		for (*mask |= 1u << a; a != b; a = (a + 1) % 7)
			*mask |= 1u << ((a + 1) % 7);
	}
	return 0;
}

/* "HH:MM", 00:00 to 24:00, into minutes */
static int
parse_time(const char *s, int *min)
{
	int hh, mm;

	if (strspn(s, "0123456789") != 2 || s[2] != ':' ||
	    strspn(s + 3, "0123456789") < 2)
		return -1;
	hh = (s[0] - '0') * 10 + s[1] - '0';
	mm = (s[3] - '0') * 10 + s[4] - '0';
	if (hh > 24 || mm > 59 || (hh == 24 && mm != 0))
		return -1;
	*min = hh * 60 + mm;
	return 0;
}

static int
parse_span(const char *v, struct acl_span *h, char *why, size_t len)
{
	char q[SHOWN], bad[SHOWN];
	const char *sp = strchr(v, ' '), *t, *badt = NULL;

	t = sp != NULL ? sp + strspn(sp, " ") : "";
	if (sp == NULL || sp == v || strlen(t) != 11 || t[5] != '-') {
		vg_seterr(why, len, "\"%s\" is not DAYS HH:MM-HH:MM, like "
		    "\"Mon-Fri 08:00-20:00\"", acl_shown(v, q));
		return -1;
	}
	if (parse_days(v, (size_t)(sp - v), &h->days, bad, sizeof(bad))) {
		vg_seterr(why, len, "unknown day \"%s\" in \"%s\" (days are "
		    "Sun Mon Tue Wed Thu Fri Sat)", acl_shown(bad, q), v);
		return -1;
	}
	if (parse_time(t, &h->start) == -1)
		badt = t;
	else if (parse_time(t + 6, &h->end) == -1)
		badt = t + 6;
	if (badt != NULL) {
		snprintf(bad, sizeof(bad), "%.5s", badt);
		vg_seterr(why, len, "bad time \"%s\" in \"%s\" (times are "
		    "00:00 to 24:00)", acl_shown(bad, q), v);
		return -1;
	}
	if (h->start == DAYMIN)
		vg_seterr(why, len, "\"%s\" starts at 24:00: write 00:00 of "
		    "the next day", v);
	else if (h->start == h->end)
		vg_seterr(why, len, "\"%s\" starts and ends at the same time",
		    v);
	return h->start == DAYMIN || h->start == h->end ? -1 : 0;
}

static int
add_hours(struct acl_rule *r, const char *v, char *why, size_t len)
{
	struct acl_span h, *nh;

	if (parse_span(v, &h, why, len) == -1)
		return -1;
	if ((nh = vg_grow(r->hours, r->nhours, sizeof(*nh))) == NULL) {
		vg_seterr(why, len, "out of memory");
		return -1;
	}
	r->hours = nh;
	r->hours[r->nhours++] = h;
	return 0;
}

static const struct keydef {
	const char	*name;
	int		(*add)(struct acl_rule *, const char *, char *, size_t);
} keys[NKEYS] = {
	[K_USERS] =	{ "users",	add_user },
	[K_GROUPS] =	{ "groups",	add_group },
	[K_INSTANCES] =	{ "instances",	add_instance },
	[K_FROM] =	{ "from",	add_from },
	[K_HOURS] =	{ "hours",	add_hours },
};

const char *
acl_key_name(enum acl_key k)
{
	return keys[k].name;
}

int
acl_add_value(struct acl_rule *r, enum acl_key k, const char *v, char *why,
    size_t whylen)
{
	return keys[k].add(r, v, why, whylen);
}

int
acl_rule_name_ok(const char *name)
{
	return vg_alnum_ok(name, NAME_SET, MAXVAL);
}

int
acl_parse_addr(const char *v, struct acl_cidr *a)
{
	int rc = parse_cidr(v, a, 0);

	unmap(a);
	return rc;
}

int
acl_cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
acl_rule_done(struct acl_rule *r)
{
	if (r->names.n > 1)
		qsort(r->names.v, r->names.n, sizeof(*r->names.v),
		    acl_cmpstr);
}

void
acl_rule_free(struct acl_rule *r)
{
	strv_free(&r->users);
	strv_free(&r->groups);
	strv_free(&r->globs);
	strv_free(&r->names);
	strv_free(&r->tags);
	free(r->from);
	free(r->hours);
	memset(r, 0, sizeof(*r));
}
