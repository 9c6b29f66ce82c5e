/*
 * Deciding requests against the rules that acl.c read (DESIGN 1.6):
 * default deny, a matching deny wins, else the first matching allow.
 * Users and groups, from and hours are checked before the instance, so a
 * query made once for many instances only tries instance keys each time.
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
	int			  sorted;	/* groups sorted: bsearch */
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
	const struct acl_rule	**allow;
	size_t			  nallow;
	const struct acl_rule	**deny;
	size_t			  ndeny;
	int			  filtered;
};

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
fixed_match(const struct acl_rule *r, const struct req *q)
{
	return who_match(r, q) && hours_match(r, q->r->wday, q->r->minute) &&
	    from_match(r, q);
}

static const struct acl_rule *
first(const struct acl_query *q, const struct acl_rule *const *v, size_t n,
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

static enum acl_decision
query_decide(const struct acl_query *q, const struct vg_instance *in,
    char *rule, size_t rulelen)
{
	const struct acl_rule *r;

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
filter(const struct acl_rule **out, const struct acl_rule *const *v, size_t n,
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
	/* each rule's groups are looked up in the request's: sort once
	 * (groups may be NULL when ngroups is 0: memcpy(NULL) is undefined) */
	if (q->req.ngroups > 0) {
		memcpy(sorted, q->req.groups, q->req.ngroups * sizeof(*sorted));
		qsort(sorted, q->req.ngroups, sizeof(*sorted), cmpstr);
	}
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
	const struct acl_rule *a, *d, *blocked = NULL;
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
