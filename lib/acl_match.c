/* SPDX-License-Identifier: ISC */
/*
 * Deciding requests against the rules that acl_load.c read (DESIGN 1.6,
 * 1.12): default deny, a matching deny wins over an allow, break-glass
 * grants what nothing else does (or what a deny without final blocks),
 * and a final deny wins over everything.  Users and groups, from and
 * hours are checked before the instance, so a query made once for many
 * instances only tries instance keys each time.  A query finds the rules
 * for its user and groups through an index built at load, not by reading
 * every rule: with 100,000 rules, the rules of one operator are a few.
 * acl_decide reads every rule: the definition the indexed queries are
 * tested against.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "acl_int.h"
#include "util.h"

/* A request prepared once for many rules. */
struct req {
	const struct acl_request *r;
	const char *const	 *groups;
	size_t			  ngroups;
	int			  have_addr;
	struct acl_cidr		  addr;
};

/*
 * Rules that may match a request.  filtered: who, from and hours were
 * checked when the query was made and only instances are left; else the
 * query is a view of the whole ACL and every key is checked.
 */
struct acl_query {
	struct req		  req;
	struct acl_list		  kind[NKINDS];
	int			  filtered;
};

static int
has_group(const struct req *q, const char *g)
{
	size_t i;

	for (i = 0; i < q->ngroups; i++)
		if (q->groups[i] != NULL && strcmp(q->groups[i], g) == 0)
			return 1;
	return 0;
}

/* users and groups together: either one matching is enough */
static int
who_match(const struct acl_rule *r, const struct req *q)
{
	const char *user = q->r->user;
	size_t i;

	if ((r->set & (KEYBIT(K_USERS) | KEYBIT(K_GROUPS))) == 0 || r->anyuser)
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
in_cidr(const struct acl_cidr *c, const struct acl_cidr *a)
{
	int full = c->bits / 8, rest = c->bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	if (c->af != a->af || memcmp(c->net, a->net, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((c->net[full] ^ a->net[full]) & mask) == 0;
}

/*
 * An unknown address (a local login, no PAM_RHOST) fails closed: it never
 * matches an allow that names addresses, and it always matches such a
 * deny, so hiding the source cannot slip past a deny scoped by source.
 */
static int
from_match(const struct acl_rule *r, const struct req *q)
{
	size_t i;

	if ((r->set & KEYBIT(K_FROM)) == 0)
		return 1;
	if (!q->have_addr)
		return r->deny;
	for (i = 0; i < r->nfrom; i++)
		if (in_cidr(&r->from[i], &q->addr))
			return 1;
	return 0;
}

static int
hours_match(const struct acl_rule *r, int wday, int min)
{
	const struct acl_span *h;
	int prev = (wday + 6) % 7;
	size_t i;

	if ((r->set & KEYBIT(K_HOURS)) == 0)
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
 * fnmatch, after the text before the first wildcard: most globs start
 * with some ("web-*"), and most instances differ there.  No flags, so
 * the rest of the glob matches the rest of the name on its own.
 */
static int
glob_match(const char *g, const char *s)
{
	size_t lit = strcspn(g, "*?[");

	return strncmp(g, s, lit) == 0 && fnmatch(g + lit, s + lit, 0) == 0;
}

static int
named(const struct acl_strv *names, const char *s)
{
	return names->n > 0 && bsearch(&s, names->v, names->n,
	    sizeof(*names->v), acl_cmpstr) != NULL;
}

/*
 * No instance (PAM without VNCGATE_INSTANCE): an allow naming instances
 * may reach one of them, a deny naming instances does not block all.
 */
static int
inst_match(const struct acl_rule *r, const struct vg_instance *in)
{
	size_t i, j;

	if ((r->set & KEYBIT(K_INSTANCES)) == 0)
		return 1;
	if (in == NULL)
		return !r->deny;
	if (named(&r->names, in->name) || named(&r->names, in->id))
		return 1;
	for (i = 0; i < r->globs.n; i++)
		if (glob_match(r->globs.v[i], in->name) ||
		    glob_match(r->globs.v[i], in->id))
			return 1;
	for (i = 0; i < r->tags.n; i++)
		for (j = 0; j < in->ntags; j++)
			if (strcmp(r->tags.v[i], in->tags[j]) == 0)
				return 1;
	return 0;
}

/* Everything but the instance: the cheap keys, users and groups first. */
static int
fixed_match(const struct acl_rule *r, const struct req *q)
{
	return who_match(r, q) && hours_match(r, q->r->wday, q->r->minute) &&
	    from_match(r, q);
}

/* The first rule of kind k that matches the request on in, or NULL. */
static const struct acl_rule *
first(const struct acl_query *q, enum acl_kind k, size_t n,
    const struct vg_instance *in)
{
	const struct acl_rule *const *v = q->kind[k].v;
	size_t i;

	for (i = 0; i < n; i++)
		if ((q->filtered || fixed_match(v[i], &q->req)) &&
		    inst_match(v[i], in))
			return v[i];
	return NULL;
}

/* first() over the whole list of kind k */
#define FIRST(q, k, in)	first((q), (k), (q)->kind[k].n, (in))

static void
prep(struct req *q, const struct acl_request *r)
{
	memset(q, 0, sizeof(*q));
	q->r = r;
	q->groups = r->groups;
	q->ngroups = r->groups != NULL ? r->ngroups : 0;
	q->have_addr = r->from != NULL &&
	    acl_parse_addr(r->from, &q->addr) == 0;
}

static enum acl_decision
verdict(enum acl_decision d, const char *name, char *rule, size_t rulelen)
{
	if (rule != NULL)
		vg_strlcpy(rule, name, rulelen);
	return d;
}

/*
 * The decision of acl.h: a final deny, then a deny or an allow, then
 * break-glass, which passes a deny without final and grants what no
 * allow does, then the deny that blocked, or none.
 */
static enum acl_decision
query_decide(const struct acl_query *q, const struct vg_instance *in,
    char *rule, size_t rulelen)
{
	const struct acl_rule *r, *d;

	if ((r = FIRST(q, KIND_FINAL, in)) != NULL)
		return verdict(ACL_DENY, r->name, rule, rulelen);
	d = first(q, KIND_DENY, q->kind[KIND_DENY].n, in);
	if (d == NULL && (r = FIRST(q, KIND_ALLOW, in)) != NULL)
		return verdict(ACL_ALLOW, r->name, rule, rulelen);
	if ((r = FIRST(q, KIND_GLASS, in)) != NULL)
		return verdict(ACL_BREAKGLASS, r->name, rule, rulelen);
	if (d != NULL)
		return verdict(ACL_DENY, d->name, rule, rulelen);
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
	memcpy(q->kind, acl->kind, sizeof(q->kind));
}

enum acl_decision
acl_decide(const struct vg_acl *acl, const struct acl_request *req,
    char *rule, size_t rulelen)
{
	struct acl_query q;

	view(&q, acl, req);
	return query_decide(&q, req->inst, rule, rulelen);
}

/* ------------------------------------------------------------------ */
/* the index */

static const struct acl_strv *
users_of(const struct acl_rule *r)
{
	return &r->users;
}

static const struct acl_strv *
groups_of(const struct acl_rule *r)
{
	return &r->groups;
}

static const char *
who_name(const void *arg, size_t k)
{
	return ((const struct acl_who *)arg)->name[k];
}

/* The key of name, plus one, added when new; 0 when out of memory. */
static size_t
who_key(struct acl_who *w, const char *name, size_t **count)
{
	size_t k = vg_index_find(&w->ix, name), *nc;
	const char **nn;

	if (k != 0)
		return k;
	if ((nn = vg_grow(w->name, w->nkeys, sizeof(*nn))) == NULL)
		return 0;
	w->name = nn;
	if ((nc = vg_grow(*count, w->nkeys, sizeof(*nc))) == NULL)
		return 0;
	*count = nc;
	nn[w->nkeys] = name;
	nc[w->nkeys] = 0;
	if (vg_index_add(&w->ix, w->nkeys) == -1)
		return 0;
	return ++w->nkeys;
}

/* Where each key's rules start, from how many each has (then reused). */
static int
who_starts(struct acl_who *w, size_t *count)
{
	size_t k;

	if ((w->first = calloc(w->nkeys + 1, sizeof(*w->first))) == NULL)
		return -1;
	for (k = 0; k < w->nkeys; k++) {
		w->first[k + 1] = w->first[k] + count[k];
		count[k] = w->first[k];
	}
	w->rule = calloc(w->first[w->nkeys] + 1, sizeof(*w->rule));
	return w->rule != NULL ? 0 : -1;
}

/* Two passes over the rules: count each name's, then place them. */
static int
who_build(struct acl_who *w, const struct vg_acl *acl,
    const struct acl_strv *(*of)(const struct acl_rule *))
{
	const struct acl_strv *sv;
	size_t i, j, k, *count = NULL;
	int rc = -1;

	vg_index_init(&w->ix, who_name, w);
	for (i = 0; i < acl->nrules; i++)
		for (sv = of(&acl->rules[i]), j = 0; j < sv->n; j++) {
			if ((k = who_key(w, sv->v[j], &count)) == 0)
				goto out;
			count[k - 1]++;
		}
	if (who_starts(w, count) == -1)
		goto out;
	for (i = 0; i < acl->nrules; i++)
		for (sv = of(&acl->rules[i]), j = 0; j < sv->n; j++) {
			k = vg_index_find(&w->ix, sv->v[j]) - 1;
			w->rule[count[k]++] = i;
		}
	rc = 0;
out:
	free(count);
	return rc;
}

int
acl_index_build(struct vg_acl *acl)
{
	const struct acl_rule *r;
	size_t i;

	if (who_build(&acl->users, acl, users_of) == -1 ||
	    who_build(&acl->groups, acl, groups_of) == -1 ||
	    (acl->open = calloc(acl->nrules + 1, sizeof(*acl->open))) == NULL)
		return -1;
	for (i = 0; i < acl->nrules; i++) {
		r = &acl->rules[i];
		if ((r->set & (KEYBIT(K_USERS) | KEYBIT(K_GROUPS))) == 0 ||
		    r->anyuser)
			acl->open[acl->nopen++] = i;
	}
	return 0;
}

static void
who_free(struct acl_who *w)
{
	vg_index_free(&w->ix);
	free(w->name);
	free(w->first);
	free(w->rule);
	memset(w, 0, sizeof(*w));
}

void
acl_index_free(struct vg_acl *acl)
{
	who_free(&acl->users);
	who_free(&acl->groups);
	free(acl->open);
	acl->open = NULL;
	acl->nopen = 0;
}

/* The rules that name name, copied to c unless it is NULL; how many. */
static size_t
bucket(const struct acl_who *w, const char *name, size_t *c)
{
	size_t k = name != NULL ? vg_index_find(&w->ix, name) : 0, n;

	if (k == 0)
		return 0;
	n = w->first[k] - w->first[k - 1];
	if (c != NULL)
		memcpy(c, &w->rule[w->first[k - 1]], n * sizeof(*c));
	return n;
}

/* The user's rules, each group's, anyone's: counted, or copied to c. */
static size_t
gather(const struct vg_acl *acl, const struct req *q, size_t *c)
{
	size_t i, m;

	m = bucket(&acl->users, q->r->user, c);
	for (i = 0; i < q->ngroups; i++)
		m += bucket(&acl->groups, q->groups[i],
		    c != NULL ? c + m : NULL);
	if (c != NULL)
		memcpy(c + m, acl->open, acl->nopen * sizeof(*c));
	return m + acl->nopen;
}

static int
cmpsize(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The rules whose users and groups let the request in: who_match. */
static size_t *
candidates(const struct vg_acl *acl, const struct req *q, size_t *n)
{
	size_t i, m = gather(acl, q, NULL), *c;

	if ((c = calloc(m + 1, sizeof(*c))) == NULL)
		return NULL;
	gather(acl, q, c);
	/* file order, each once: a rule may name the user and a group */
	qsort(c, m, sizeof(*c), cmpsize);
	for (*n = 0, i = 0; i < m; i++)
		if (*n == 0 || c[*n - 1] != c[i])
			c[(*n)++] = c[i];
	return c;
}

/* ------------------------------------------------------------------ */
/* queries */

/* Room for n rules in each of the query's lists; -1 when out of memory. */
static int
query_lists(struct acl_query *q, size_t n)
{
	int k;

	for (k = 0; k < NKINDS; k++)
		if ((q->kind[k].v = calloc(n + 1, sizeof(*q->kind[k].v))) ==
		    NULL)
			return -1;
	return 0;
}

struct acl_query *
acl_query_new(const struct vg_acl *acl, const struct acl_request *req)
{
	const struct acl_rule *r;
	struct acl_list *l;
	struct acl_query *q;
	size_t i, n = 0, *c = NULL;

	if (acl == NULL || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	prep(&q->req, req);
	if ((c = candidates(acl, &q->req, &n)) == NULL ||
	    query_lists(q, n) == -1) {
		free(c);
		acl_query_free(q);
		return NULL;
	}
	/* who matched through the index: hours and from are left */
	for (i = 0; i < n; i++) {
		r = &acl->rules[c[i]];
		if (!hours_match(r, req->wday, req->minute) ||
		    !from_match(r, &q->req))
			continue;
		l = &q->kind[r->kind];
		l->v[l->n++] = r;
	}
	free(c);
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
	int k;

	if (q == NULL)
		return;
	for (k = 0; k < NKINDS; k++)
		free(q->kind[k].v);
	free(q);
}

/*
 * First allowed instance; else the first that only break-glass reaches;
 * else the deny that blocked the last instance an allow reached (or a
 * breakglass rule, when the deny was final).  The granting rules are
 * tried first, so an instance no allow and no breakglass rule reaches
 * costs no deny at all.
 */
static enum acl_decision
any_of(const struct acl_query *q, const struct vg_inventory *inv, char *rule,
    size_t rulelen)
{
	const struct acl_rule *a, *d, *g, *blocked = NULL, *glass = NULL;
	const struct vg_instance *in;
	size_t i;

	for (i = 0; i < inv->n; i++) {
		in = &inv->inst[i];
		a = FIRST(q, KIND_ALLOW, in);
		g = glass == NULL ? FIRST(q, KIND_GLASS, in) : NULL;
		if (a == NULL && g == NULL)
			continue;
		if ((d = FIRST(q, KIND_FINAL, in)) != NULL) {
			blocked = d;
			continue;
		}
		if ((d = FIRST(q, KIND_DENY, in)) == NULL && a != NULL)
			return verdict(ACL_ALLOW, a->name, rule, rulelen);
		blocked = a != NULL ? d : blocked;
		glass = g != NULL ? g : glass;
	}
	if (glass != NULL)
		return verdict(ACL_BREAKGLASS, glass->name, rule, rulelen);
	return verdict(ACL_DENY, blocked != NULL ? blocked->name : NOMATCH,
	    rule, rulelen);
}

enum acl_decision
acl_decide_any(const struct vg_acl *acl, const struct vg_inventory *inv,
    const struct acl_request *req, char *rule, size_t rulelen)
{
	struct acl_query *q, whole;
	enum acl_decision d;

	if (acl == NULL || inv == NULL)
		return verdict(ACL_DENY, NOMATCH, rule, rulelen);
	/* out of memory: the same answer, only slower */
	if ((q = acl_query_new(acl, req)) == NULL) {
		view(&whole, acl, req);
		return any_of(&whole, inv, rule, rulelen);
	}
	d = any_of(q, inv, rule, rulelen);
	acl_query_free(q);
	return d;
}
