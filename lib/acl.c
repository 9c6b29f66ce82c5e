/*
 * acl.conf (DESIGN 1.6): read with libconfuse into plain rules, then
 * decided without it.  Default deny; a matching deny wins.
 *
 * Parsing validates every value where libconfuse hands it over (a parse
 * callback per value, a validate callback per rule) and keeps going, so
 * `vncgate-shell -t` shows every problem at once, as FILE:LINE: message.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <confuse.h>
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "util.h"

#define ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define NAME_SET	ALNUM "._-"
#define USER_SET	ALNUM "._@-"
#define TAG_SET		ALNUM "._:/-"
#define GLOB_SET	ALNUM "._*?[]!-"
#define MAXVAL		64		/* names, globs, tag keys and values */
#define SHOWN		(MAXVAL + 8)	/* a value quoted in a message */
#define DAYMIN		1440
#define NOMATCH		"no-match"
#define CTX_OPT		"|ctx"

enum key { K_USERS, K_GROUPS, K_INSTANCES, K_FROM, K_HOURS, NKEYS };
#define BIT(k)	(1u << (k))

struct strv {
	char	**v;
	size_t	  n;
};

struct cidr {			/* also a single address: bits = 32 or 128 */
	int		af;
	int		bits;
	unsigned char	net[16];
};

struct span {			/* one `hours` entry */
	unsigned	days;	/* bit d: a range starts on weekday d */
	int		start;	/* minute of the day, 0..1439 */
	int		end;	/* 1..1440; end < start crosses midnight */
};

struct rule {
	char		 name[MAXVAL + 1];
	int		 deny;
	int		 line;
	unsigned	 set;		/* BIT(key) for each key it sets */
	int		 anyuser;	/* users holds "*" */
	struct strv	 users, groups, globs, tags;	/* tags: "K=V" */
	struct cidr	*from;
	size_t		 nfrom;
	struct span	*hours;
	size_t		 nhours;
};

struct vg_acl {
	struct rule	 *rules;	/* file order */
	size_t		  nrules;
	const struct rule **allow;	/* file order within each kind */
	size_t		  nallow;
	const struct rule **deny;
	size_t		  ndeny;
};

/* A request prepared once for many rules. */
struct req {
	const struct acl_request *r;
	const char *const	 *groups;
	size_t			  ngroups;
	int			  sorted;	/* groups sorted: bsearch */
	int			  have_addr;
	struct cidr		  addr;
};

/*
 * Rules that may match a request.  filtered: who, from and hours were
 * checked when the query was made and only instances are left; else the
 * query is a view of the whole ACL and every key is checked.
 */
struct acl_query {
	struct req		  req;
	const struct rule	**allow;
	size_t			  nallow;
	const struct rule	**deny;
	size_t			  ndeny;
	int			  filtered;
};

/* The state of one acl_load, found from any cfg_t (see ctx_of). */
struct parse {
	void		*self;
	const char	*path;
	struct vg_diags	*diags;
	int		 errors;
	struct rule	 cur;		/* the rule being read */
	struct rule	*rules;
	size_t		 nrules;
	size_t		*slots;		/* names: rule index + 1, 0 = free */
	size_t		 nslots;	/* a power of two, > 2 * nrules */
};

/* ---------------------------------------------------------------- */
/* small helpers */

/* Grow an array by one slot, doubling: capacity is implied by n. */
static void *
append(void *p, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return p;
	return reallocarray(p, n == 0 ? 1 : n * 2, size);
}

static int
strv_add(struct strv *sv, const char *s, char *why, size_t len)
{
	char **nv;

	if ((nv = append(sv->v, sv->n, sizeof(*nv))) == NULL ||
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
strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* A value quoted in a message: printable ASCII only, cut at 64 bytes. */
static const char *
shown(const char *v, char *out)
{
	size_t i;

	for (i = 0; v[i] != '\0' && i < MAXVAL; i++)
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
	return vg_charset_ok(v, set, MAXVAL) && v[0] != '-';
}

/* ---------------------------------------------------------------- */
/* values: each adds one entry to a rule or says why not */

static int
add_user(struct rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (strcmp(v, "*") == 0) {
		r->anyuser = 1;
		return 0;
	}
	if (name_ok(v, USER_SET))
		return strv_add(&r->users, v, why, len);
	vg_seterr(why, len, "\"%s\" is not \"*\" or a user name of "
	    "[A-Za-z0-9._@-] (at most 64, no leading \"-\")", shown(v, q));
	return -1;
}

static int
add_group(struct rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (name_ok(v, USER_SET))
		return strv_add(&r->groups, v, why, len);
	vg_seterr(why, len, "\"%s\" is not a group name of [A-Za-z0-9._@-] "
	    "(at most 64, no leading \"-\")", shown(v, q));
	return -1;
}

static int
tag_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen;

	if (eq == NULL || (klen = (size_t)(eq - kv)) == 0 || klen > MAXVAL ||
	    strspn(kv, TAG_SET) != klen)
		return 0;
	/* an empty value is a real tag value in ECS */
	return eq[1] == '\0' || vg_charset_ok(eq + 1, TAG_SET, MAXVAL);
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
add_instance(struct rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN];

	if (strncmp(v, "tag:", 4) == 0) {
		if (tag_ok(v + 4))
			return strv_add(&r->tags, v + 4, why, len);
		vg_seterr(why, len, "\"%s\" is not tag:K=V with K and V of "
		    "[A-Za-z0-9._:/-] (at most 64 each)", shown(v, q));
		return -1;
	}
	if (!vg_charset_ok(v, GLOB_SET, MAXVAL)) {
		vg_seterr(why, len, "\"%s\" is not tag:K=V or a glob of "
		    "[A-Za-z0-9._*?[]!-] (at most 64)", shown(v, q));
		return -1;
	}
	if (!brackets_closed(v)) {
		vg_seterr(why, len, "\"%s\" has a \"[\" without its \"]\"",
		    shown(v, q));
		return -1;
	}
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
unmap(struct cidr *c)
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
parse_cidr(const char *v, struct cidr *c, int cidr)
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
clear_host_bits(struct cidr *c)
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
add_from(struct rule *r, const char *v, char *why, size_t len)
{
	char q[SHOWN], net[INET6_ADDRSTRLEN];
	struct cidr c, *nf;

	if (parse_cidr(v, &c, 1) == -1) {
		vg_seterr(why, len, "\"%s\" is not an IPv4 or IPv6 address or "
		    "CIDR", shown(v, q));
		return -1;
	}
	if (clear_host_bits(&c)) {
		inet_ntop(c.af, c.net, net, sizeof(net));
		vg_seterr(why, len, "\"%s\" has host bits set (the network is "
		    "%s/%d)", shown(v, q), net, c.bits);
		return -1;
	}
	unmap(&c);
	if ((nf = append(r->from, r->nfrom, sizeof(*nf))) == NULL) {
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
parse_span(const char *v, struct span *h, char *why, size_t len)
{
	char q[SHOWN], bad[SHOWN];
	const char *sp = strchr(v, ' '), *t, *badt = NULL;

	t = sp != NULL ? sp + strspn(sp, " ") : "";
	if (sp == NULL || sp == v || strlen(t) != 11 || t[5] != '-') {
		vg_seterr(why, len, "\"%s\" is not DAYS HH:MM-HH:MM, like "
		    "\"Mon-Fri 08:00-20:00\"", shown(v, q));
		return -1;
	}
	if (parse_days(v, (size_t)(sp - v), &h->days, bad, sizeof(bad))) {
		vg_seterr(why, len, "unknown day \"%s\" in \"%s\" (days are "
		    "Sun Mon Tue Wed Thu Fri Sat)", shown(bad, q), v);
		return -1;
	}
	if (parse_time(t, &h->start) == -1)
		badt = t;
	else if (parse_time(t + 6, &h->end) == -1)
		badt = t + 6;
	if (badt != NULL) {
		snprintf(bad, sizeof(bad), "%.5s", badt);
		vg_seterr(why, len, "bad time \"%s\" in \"%s\" (times are "
		    "00:00 to 24:00)", shown(bad, q), v);
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
add_hours(struct rule *r, const char *v, char *why, size_t len)
{
	struct span h, *nh;

	if (parse_span(v, &h, why, len) == -1)
		return -1;
	if ((nh = append(r->hours, r->nhours, sizeof(*nh))) == NULL) {
		vg_seterr(why, len, "out of memory");
		return -1;
	}
	r->hours = nh;
	r->hours[r->nhours++] = h;
	return 0;
}

static const struct keydef {
	const char	*name;
	int		(*add)(struct rule *, const char *, char *, size_t);
} keys[NKEYS] = {
	[K_USERS] =	{ "users",	add_user },
	[K_GROUPS] =	{ "groups",	add_group },
	[K_INSTANCES] =	{ "instances",	add_instance },
	[K_FROM] =	{ "from",	add_from },
	[K_HOURS] =	{ "hours",	add_hours },
};

static void
rule_free(struct rule *r)
{
	strv_free(&r->users);
	strv_free(&r->groups);
	strv_free(&r->globs);
	strv_free(&r->tags);
	free(r->from);
	free(r->hours);
	memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------- */
/* libconfuse glue */

/*
 * libconfuse 3.3 has no user pointer and lib/ keeps no global state, so
 * each option table carries one entry that a file cannot name (lookups
 * split names at '|') whose simple_value points at the parse state.
 * cfg_init and every section copy it with the table.
 */
static struct parse *
ctx_of(cfg_t *cfg)
{
	cfg_opt_t *o;

	for (o = cfg->opts; o->name != NULL; o++)
		if (strcmp(o->name, CTX_OPT) == 0)
			return *o->simple_value.ptr;
	return NULL;
}

static void	perr(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
perr(struct parse *p, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(p->diags, p->path, line, "%s", msg);
	p->errors++;
}

/* libconfuse's words for ours; each pair takes the same arguments */
static const struct {
	const char	*theirs;
	const char	*ours;
} rewords[] = {
	{ "found duplicate title '%s'",	"duplicate rule name \"%s\"" },
	{ "no such option '%s'",	"unknown key \"%s\"" },
};

static void
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct parse *p = ctx_of(cfg);
	char msg[256];
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < sizeof(rewords) / sizeof(rewords[0]); i++)
		if (strcmp(fmt, rewords[i].theirs) == 0)
			fmt = rewords[i].ours;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* the message may quote a token of the file: keep it printable */
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 ||
		    (unsigned char)msg[i] > 0x7e)
			msg[i] = '?';
	perr(p, cfg->line, "%s", msg);
}

/* Called by libconfuse once for each value, where it stands in the file. */
static int
on_value(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct parse *p = ctx_of(cfg);
	char why[256], q[SHOWN];
	int k;

	*(const char **)result = value;
	if (p == NULL)
		return -1;
	for (k = 0; k < NKEYS && strcmp(keys[k].name, opt->name) != 0; k++)
		continue;
	if (k == NKEYS)
		return -1;
	/* a second `key =` would silently replace the first one's values */
	if (opt->nvalues == 1 && (p->cur.set & BIT(k)))
		perr(p, cfg->line, "%s is set twice in rule \"%s\": use += to "
		    "add values", keys[k].name, shown(cfg_title(cfg), q));
	p->cur.set |= BIT(k);
	if (keys[k].add(&p->cur, value, why, sizeof(why)) == -1)
		perr(p, cfg->line, "%s: %s", keys[k].name, why);
	return 0;
}

/*
 * Rule names, hashed: 10,000 rules must not mean 50 million compares
 * (libconfuse's own title check is quadratic; ours need not be).
 */
static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Where name is, or the free slot where it would go. */
static size_t *
slot(const struct parse *p, const char *name)
{
	size_t i = hash(name) & (p->nslots - 1);

	while (p->slots[i] != 0 &&
	    strcmp(p->rules[p->slots[i] - 1].name, name) != 0)
		i = (i + 1) & (p->nslots - 1);
	return &p->slots[i];
}

static int
rehash(struct parse *p)
{
	size_t i, n = p->nslots == 0 ? 64 : p->nslots * 2, *old = p->slots;

	if ((p->slots = calloc(n, sizeof(*p->slots))) == NULL) {
		p->slots = old;
		return -1;
	}
	for (i = 0, p->nslots = n; old != NULL && i < n / 2; i++)
		if (old[i] != 0)
			*slot(p, p->rules[old[i] - 1].name) = old[i];
	free(old);
	return 0;
}

static int
seen(const struct parse *p, const char *name)
{
	return p->nslots != 0 && *slot(p, name) != 0;
}

/* Remember the last rule's name; -1 when out of memory. */
static int
remember(struct parse *p)
{
	if (2 * p->nrules >= p->nslots && rehash(p) == -1)
		return -1;
	*slot(p, p->rules[p->nrules - 1].name) = p->nrules;
	return 0;
}

/* `key = {}` matches nothing: say so; 1 when some key is empty. */
static int
empty_keys(struct parse *p, cfg_t *sec, const char *name, int line)
{
	char q[SHOWN];
	cfg_opt_t *o;
	int k, bad = 0;

	for (k = 0; k < NKEYS; k++) {
		o = cfg_getopt(sec, keys[k].name);
		if (o != NULL && (o->flags & CFGF_MODIFIED) &&
		    o->nvalues == 0) {
			perr(p, line, "%s is empty in rule \"%s\": name at "
			    "least one value or leave the key out",
			    keys[k].name, shown(name, q));
			bad = 1;
		}
	}
	return bad;
}

/* Called by libconfuse when a rule's closing brace was read. */
static int
on_rule(cfg_t *cfg, cfg_opt_t *opt)
{
	struct parse *p = ctx_of(cfg);
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	const char *name = sec != NULL ? cfg_title(sec) : NULL;
	struct rule *nr;
	char q[SHOWN];

	if (p == NULL || name == NULL)
		return -1;
	/* names go into audit records and -C output: a fixed set */
	if (!vg_charset_ok(name, NAME_SET, MAXVAL))
		perr(p, cfg->line, "rule name \"%s\" is not 1-64 characters "
		    "of [A-Za-z0-9._-]", shown(name, q));
	else if (seen(p, name))
		perr(p, cfg->line, "duplicate rule name \"%s\"", name);
	if (!empty_keys(p, sec, name, cfg->line) && p->cur.set == 0)
		perr(p, cfg->line, "rule \"%s\" sets no key: it would match "
		    "every request", shown(name, q));
	if ((nr = append(p->rules, p->nrules, sizeof(*nr))) == NULL) {
		perr(p, cfg->line, "out of memory");
		return -1;
	}
	p->rules = nr;
	vg_strlcpy(p->cur.name, name, sizeof(p->cur.name));
	p->cur.deny = strcmp(opt->name, "deny") == 0;
	p->cur.line = cfg->line;
	p->rules[p->nrules++] = p->cur;
	memset(&p->cur, 0, sizeof(p->cur));
	if (!seen(p, name) && remember(p) == -1) {
		perr(p, cfg->line, "out of memory");
		return -1;
	}
	return 0;
}

enum lexstate { IN_CODE, IN_DQ, IN_SQ, IN_LINECOM, IN_BLOCKCOM };

/*
 * Follow the braces the way the libconfuse lexer sees them (strings and
 * comments skipped): libconfuse accepts a file that ends inside a rule,
 * and a truncated allow rule would lose its instances, from or hours.
 */
struct braces {
	enum lexstate	st;
	int		depth;
	int		open;	/* line of the outermost '{' still open */
};

static void
track(struct braces *b, const char *s, int line)
{
	enum lexstate *st = &b->st;

	for (; *s != '\0'; s++) {
		if (*st == IN_CODE) {
			if (*s == '"' || *s == '\'')
				*st = *s == '"' ? IN_DQ : IN_SQ;
			else if (*s == '#' || (*s == '/' && s[1] == '/'))
				*st = IN_LINECOM;
			else if (*s == '/' && s[1] == '*') {
				*st = IN_BLOCKCOM;
				s++;
			} else {
				if (*s == '{' && b->depth == 0)
					b->open = line;
				b->depth += (*s == '{') - (*s == '}');
			}
		} else if ((*st == IN_DQ || *st == IN_SQ) && *s == '\\') {
			if (s[1] != '\0')
				s++;
		} else if ((*st == IN_DQ && *s == '"') ||
		    (*st == IN_SQ && *s == '\'') ||
		    (*st == IN_LINECOM && *s == '\n'))
			*st = IN_CODE;
		else if (*st == IN_BLOCKCOM && *s == '*' && s[1] == '/') {
			*st = IN_CODE;
			s++;
		}
	}
}

/*
 * What libconfuse would let through: ${NAME} in a string is replaced
 * from the environment, and a file may end inside a rule.
 */
static void
scan_raw(struct parse *p, FILE *f)
{
	struct braces b = { IN_CODE, 0, 0 };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int line = 0;

	while ((n = getline(&buf, &cap, f)) != -1) {
		line++;
		if (strlen(buf) != (size_t)n)
			perr(p, line, "the line holds a NUL byte");
		else if (strstr(buf, "${") != NULL)
			perr(p, line, "\"${\" is not allowed: libconfuse would "
			    "put an environment variable there");
		else
			track(&b, buf, line);
	}
	/* inside a string at the end, libconfuse says so itself */
	if (b.depth > 0 && b.st != IN_DQ && b.st != IN_SQ)
		perr(p, b.open, "this \"{\" is never closed: the file ends "
		    "before its \"}\"");
	free(buf);
	rewind(f);
}

#define RULEF	(CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static void
parse_file(struct parse *p, FILE *f)
{
	cfg_opt_t ctx = { .name = CTX_OPT, .type = CFGT_PTR,
	    .simple_value.ptr = &p->self };
	cfg_opt_t rule[NKEYS + 2];
	/* no "include" function here: an include is an unknown key */
	cfg_opt_t root[] = {
		CFG_SEC("allow", rule, RULEF),
		CFG_SEC("deny", rule, RULEF),
		ctx,
		CFG_END()
	};
	cfg_t *cfg;
	int k;

	for (k = 0; k < NKEYS; k++)
		rule[k] = (cfg_opt_t)CFG_STR_LIST_CB(keys[k].name, 0,
		    CFGF_NODEFAULT, on_value);
	rule[NKEYS] = ctx;
	rule[NKEYS + 1] = (cfg_opt_t)CFG_END();
	if ((cfg = cfg_init(root, CFGF_NONE)) == NULL) {
		perr(p, 0, "out of memory");
		return;
	}
	cfg_set_error_function(cfg, on_error);
	cfg_set_validate_func(cfg, "allow", on_rule);
	cfg_set_validate_func(cfg, "deny", on_rule);
	if (cfg_parse_fp(cfg, f) != CFG_SUCCESS && p->errors == 0)
		perr(p, 0, "cannot be parsed");
	cfg_free(cfg);
	rule_free(&p->cur);
}

static struct vg_acl *
build(struct parse *p)
{
	struct vg_acl *acl;
	size_t i;

	if ((acl = calloc(1, sizeof(*acl))) == NULL ||
	    (acl->allow = calloc(p->nrules + 1, sizeof(*acl->allow))) == NULL ||
	    (acl->deny = calloc(p->nrules + 1, sizeof(*acl->deny))) == NULL) {
		if (acl != NULL)
			free(acl->allow);
		free(acl);
		return NULL;
	}
	acl->rules = p->rules;
	acl->nrules = p->nrules;
	for (i = 0; i < acl->nrules; i++) {
		if (acl->rules[i].deny)
			acl->deny[acl->ndeny++] = &acl->rules[i];
		else
			acl->allow[acl->nallow++] = &acl->rules[i];
	}
	p->rules = NULL;
	p->nrules = 0;
	return acl;
}

static void
free_rules(struct rule *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rule_free(&rules[i]);
	free(rules);
}

int
acl_load(const char *path, const struct secfile_policy *pol,
    struct vg_acl **aclp, struct vg_diags *diags)
{
	struct secfile_policy strict;
	enum secfile_status st;
	char err[VG_ERRLEN];
	struct parse p;
	FILE *f;

	*aclp = NULL;
	memset(&p, 0, sizeof(p));
	p.self = &p;
	p.path = path;
	p.diags = diags;
	if (pol == NULL) {
		secfile_policy_default(&strict, 1);
		pol = &strict;
	}
	if ((f = secfile_fopen(path, pol, &st, err, sizeof(err))) == NULL) {
		diag_add(diags, path, 0, "%s", secfile_reason(st));
		return -1;
	}
	scan_raw(&p, f);
	if (p.errors == 0)
		parse_file(&p, f);
	fclose(f);
	if (p.errors == 0 && (*aclp = build(&p)) == NULL)
		perr(&p, 0, "out of memory");
	free_rules(p.rules, p.nrules);
	free(p.slots);
	return p.errors == 0 ? 0 : -1;
}

void
acl_free(struct vg_acl *acl)
{
	if (acl == NULL)
		return;
	free_rules(acl->rules, acl->nrules);
	free(acl->allow);
	free(acl->deny);
	free(acl);
}

/* ---------------------------------------------------------------- */
/* matching */

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
has_group(const struct req *q, const char *g)
{
	size_t i;

	if (q->sorted)
		return bsearch(&g, q->groups, q->ngroups, sizeof(*q->groups),
		    cmpstr) != NULL;
	for (i = 0; i < q->ngroups; i++)
		if (q->groups[i] != NULL && strcmp(q->groups[i], g) == 0)
			return 1;
	return 0;
}

/* users and groups together: either one matching is enough */
static int
who_match(const struct rule *r, const struct req *q)
{
	const char *user = q->r->user;
	size_t i;

	if ((r->set & (BIT(K_USERS) | BIT(K_GROUPS))) == 0 || r->anyuser)
		return 1;
	for (i = 0; user != NULL && i < r->users.n; i++)
		if (strcmp(r->users.v[i], user) == 0)
			return 1;
	for (i = 0; i < r->groups.n; i++)
		if (has_group(q, r->groups.v[i]))
			return 1;
	return 0;
}

static int
in_cidr(const struct cidr *c, const struct cidr *a)
{
	int full = c->bits / 8, rest = c->bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	if (c->af != a->af || memcmp(c->net, a->net, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((c->net[full] ^ a->net[full]) & mask) == 0;
}

/* an unknown address never matches a rule that names addresses */
static int
from_match(const struct rule *r, const struct req *q)
{
	size_t i;

	if ((r->set & BIT(K_FROM)) == 0)
		return 1;
	for (i = 0; q->have_addr && i < r->nfrom; i++)
		if (in_cidr(&r->from[i], &q->addr))
			return 1;
	return 0;
}

static int
hours_match(const struct rule *r, int wday, int min)
{
	const struct span *h;
	int prev = (wday + 6) % 7;
	size_t i;

	if ((r->set & BIT(K_HOURS)) == 0)
		return 1;
	if (wday < 0 || wday > 6 || min < 0 || min >= DAYMIN)
		return 0;
	for (i = 0; i < r->nhours; i++) {
		h = &r->hours[i];
		if (h->start < h->end ? (h->days >> wday & 1) &&
		    min >= h->start && min < h->end :
		    ((h->days >> wday & 1) && min >= h->start) ||
		    ((h->days >> prev & 1) && min < h->end))
			return 1;
	}
	return 0;
}

/*
 * No instance (PAM without VNCGATE_INSTANCE): an allow naming instances
 * may reach one of them, a deny naming instances does not block all.
 */
static int
inst_match(const struct rule *r, const struct vg_instance *in)
{
	size_t i, j;

	if ((r->set & BIT(K_INSTANCES)) == 0)
		return 1;
	if (in == NULL)
		return !r->deny;
	for (i = 0; i < r->globs.n; i++)
		if (fnmatch(r->globs.v[i], in->name, 0) == 0 ||
		    fnmatch(r->globs.v[i], in->id, 0) == 0)
			return 1;
	for (i = 0; i < r->tags.n; i++)
		for (j = 0; j < in->ntags; j++)
			if (strcmp(r->tags.v[i], in->tags[j]) == 0)
				return 1;
	return 0;
}

/* Everything but the instance: the cheap keys, users and groups first. */
static int
fixed_match(const struct rule *r, const struct req *q)
{
	return who_match(r, q) && hours_match(r, q->r->wday, q->r->minute) &&
	    from_match(r, q);
}

static const struct rule *
first(const struct acl_query *q, const struct rule *const *v, size_t n,
    const struct vg_instance *in)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((q->filtered || fixed_match(v[i], &q->req)) &&
		    inst_match(v[i], in))
			return v[i];
	return NULL;
}

static void
prep(struct req *q, const struct acl_request *r)
{
	memset(q, 0, sizeof(*q));
	q->r = r;
	q->groups = r->groups;
	q->ngroups = r->groups != NULL ? r->ngroups : 0;
	q->have_addr = r->from != NULL && parse_cidr(r->from, &q->addr, 0) == 0;
	unmap(&q->addr);
}

static enum acl_decision
verdict(enum acl_decision d, const char *name, char *rule, size_t rulelen)
{
	if (rule != NULL)
		vg_strlcpy(rule, name, rulelen);
	return d;
}

static enum acl_decision
query_decide(const struct acl_query *q, const struct vg_instance *in,
    char *rule, size_t rulelen)
{
	const struct rule *r;

	if ((r = first(q, q->deny, q->ndeny, in)) != NULL)
		return verdict(ACL_DENY, r->name, rule, rulelen);
	if ((r = first(q, q->allow, q->nallow, in)) != NULL)
		return verdict(ACL_ALLOW, r->name, rule, rulelen);
	return verdict(ACL_DENY, NOMATCH, rule, rulelen);
}

/* The whole ACL as an unfiltered query: no allocation. */
static void
view(struct acl_query *q, const struct vg_acl *acl,
    const struct acl_request *req)
{
	memset(q, 0, sizeof(*q));
	prep(&q->req, req);
	if (acl == NULL)
		return;
	q->allow = acl->allow;
	q->nallow = acl->nallow;
	q->deny = acl->deny;
	q->ndeny = acl->ndeny;
}

enum acl_decision
acl_decide(const struct vg_acl *acl, const struct acl_request *req,
    char *rule, size_t rulelen)
{
	struct acl_query q;

	view(&q, acl, req);
	return query_decide(&q, req->inst, rule, rulelen);
}

static size_t
filter(const struct rule **out, const struct rule *const *v, size_t n,
    const struct req *q)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (fixed_match(v[i], q))
			out[m++] = v[i];
	return m;
}

struct acl_query *
acl_query_new(const struct vg_acl *acl, const struct acl_request *req)
{
	struct acl_query *q;
	const char **sorted;

	if (acl == NULL || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	prep(&q->req, req);
	if ((sorted = calloc(q->req.ngroups + 1, sizeof(*sorted))) == NULL ||
	    (q->allow = calloc(acl->nallow + 1, sizeof(*q->allow))) == NULL ||
	    (q->deny = calloc(acl->ndeny + 1, sizeof(*q->deny))) == NULL) {
		free(sorted);
		acl_query_free(q);
		return NULL;
	}
	/* each rule's groups are looked up in the request's: sort once */
	memcpy(sorted, q->req.groups, q->req.ngroups * sizeof(*sorted));
	qsort(sorted, q->req.ngroups, sizeof(*sorted), cmpstr);
	q->req.groups = sorted;
	q->req.sorted = 1;
	q->nallow = filter(q->allow, acl->allow, acl->nallow, &q->req);
	q->ndeny = filter(q->deny, acl->deny, acl->ndeny, &q->req);
	free(sorted);
	q->req.groups = NULL;
	q->req.ngroups = 0;
	q->filtered = 1;
	return q;
}

enum acl_decision
acl_query_decide(const struct acl_query *q, const struct vg_instance *in,
    char *rule, size_t rulelen)
{
	return query_decide(q, in, rule, rulelen);
}

void
acl_query_free(struct acl_query *q)
{
	if (q == NULL)
		return;
	free(q->allow);
	free(q->deny);
	free(q);
}

/* First allowed instance; else the deny that blocked the last candidate. */
static enum acl_decision
any_of(const struct acl_query *q, const struct vg_conf *conf, char *rule,
    size_t rulelen)
{
	const struct rule *a, *d, *blocked = NULL;
	size_t i;

	for (i = 0; q->nallow > 0 && i < conf->ninst; i++) {
		if ((a = first(q, q->allow, q->nallow, &conf->inst[i])) == NULL)
			continue;
		if ((d = first(q, q->deny, q->ndeny, &conf->inst[i])) == NULL)
			return verdict(ACL_ALLOW, a->name, rule, rulelen);
		blocked = d;
	}
	return verdict(ACL_DENY, blocked != NULL ? blocked->name : NOMATCH,
	    rule, rulelen);
}

enum acl_decision
acl_decide_any(const struct vg_acl *acl, const struct vg_conf *conf,
    const struct acl_request *req, char *rule, size_t rulelen)
{
	struct acl_query *q, whole;
	enum acl_decision d;

	if (acl == NULL || conf == NULL)
		return verdict(ACL_DENY, NOMATCH, rule, rulelen);
	/* out of memory: the same answer, only slower */
	if ((q = acl_query_new(acl, req)) == NULL) {
		view(&whole, acl, req);
		return any_of(&whole, conf, rule, rulelen);
	}
	d = any_of(q, conf, rule, rulelen);
	acl_query_free(q);
	return d;
}

/* ---------------------------------------------------------------- */
/* the request's groups and time */

/* getpwnam_r and getgrgid_r say ERANGE until the buffer is big enough */
static char *
bigger(char *buf, size_t *len)
{
	char *nb;

	*len = *len == 0 ? 1024 : *len * 2;
	if (*len > (1u << 20) || (nb = realloc(buf, *len)) == NULL) {
		free(buf);
		return NULL;
	}
	return nb;
}

/* "not found" as the getpwnam_r manual lists it */
static int
not_found(int rc)
{
	return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF ||
	    rc == EPERM;
}

static int
primary_gid(const char *user, gid_t *gid, int *found)
{
	struct passwd pw, *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	do {
		if ((buf = bigger(buf, &len)) == NULL)
			return -1;
	} while ((rc = getpwnam_r(user, &pw, buf, len, &res)) == ERANGE);
	*found = rc == 0 && res != NULL;
	if (*found)
		*gid = pw.pw_gid;
	free(buf);
	return not_found(rc) ? 0 : -1;
}

static int
all_gids(const char *user, gid_t gid, gid_t **out, int *n)
{
	gid_t *g = NULL, *ng;
	int cap = 32, want;

	for (;;) {
		if (cap > 65536 * 2 ||
		    (ng = reallocarray(g, (size_t)cap, sizeof(*g))) == NULL) {
			free(g);
			return -1;
		}
		g = ng;
		want = cap;
		if (getgrouplist(user, gid, g, &want) != -1)
			break;
		/* glibc says how many it needs in want */
		cap = want > cap ? want : cap * 2;
	}
	*out = g;
	*n = want;
	return 0;
}

/* The group's name in *name (NULL when the gid has none). */
static int
group_name(gid_t gid, char **name)
{
	struct group gr, *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*name = NULL;
	do {
		if ((buf = bigger(buf, &len)) == NULL)
			return -1;
	} while ((rc = getgrgid_r(gid, &gr, buf, len, &res)) == ERANGE);
	if (rc == 0 && res != NULL && (*name = strdup(gr.gr_name)) == NULL)
		rc = ENOMEM;
	free(buf);
	return not_found(rc) ? 0 : -1;
}

int
acl_user_groups(const char *user, char ***groups, size_t *ngroups)
{
	gid_t gid = 0, *gids = NULL;
	char **v;
	int i, n = 0, found = 0;

	*groups = NULL;
	*ngroups = 0;
	if (user != NULL && *user != '\0' &&
	    (primary_gid(user, &gid, &found) == -1 ||
	    (found && all_gids(user, gid, &gids, &n) == -1)))
		return -1;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL) {
		free(gids);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (group_name(gids[i], &v[*ngroups]) == -1) {
			free(gids);
			acl_groups_free(v);
			*ngroups = 0;
			return -1;
		}
		if (v[*ngroups] != NULL)
			(*ngroups)++;
	}
	free(gids);
	*groups = v;
	return 0;
}

void
acl_groups_free(char **groups)
{
	size_t i;

	if (groups == NULL)
		return;
	for (i = 0; groups[i] != NULL; i++)
		free(groups[i]);
	free(groups);
}

int
acl_request_time(struct acl_request *req, time_t t, const char *tz)
{
	struct tm tm;

	if (vg_localtime(t, tz, &tm) == -1)
		return -1;
	req->wday = tm.tm_wday;
	req->minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}
