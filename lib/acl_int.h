/* SPDX-License-Identifier: ISC */
/*
 * What the pieces of the ACL module share; not part of its API (acl.h).
 * acl_load.c reads acl.conf with libconfuse into rules; acl_value.c turns
 * one value into a rule's entries; acl_match.c decides requests.  Only
 * acl_load.c includes confuse.h.  (acl_request.c needs none of this.)
 */
#ifndef VG_ACL_INT_H
#define VG_ACL_INT_H

#include <stddef.h>

#include "acl.h"
#include "index.h"

#define MAXVAL		64		/* names, globs, tag keys and values */
#define SHOWN		(MAXVAL + 8)	/* a value quoted in a message */
#define DAYMIN		1440
#define NOMATCH		"no-match"

enum acl_key { K_USERS, K_GROUPS, K_INSTANCES, K_FROM, K_HOURS, NKEYS };

/*
 * The kinds of rule, each decided in its own list (acl_match.c): a deny
 * with `final = true` is a kind of its own, since break-glass passes the
 * other denies but never it (DESIGN 1.12).
 */
enum acl_kind { KIND_ALLOW, KIND_DENY, KIND_FINAL, KIND_GLASS, NKINDS };

struct acl_list {
	const struct acl_rule	**v;	/* file order */
	size_t			  n;
};
#define KEYBIT(k)	(1u << (k))

struct acl_strv {
	char	**v;
	size_t	  n;
};

struct acl_cidr {		/* also a single address: bits = 32 or 128 */
	int		af;
	int		bits;
	unsigned char	net[16];
};

struct acl_span {		/* one `hours` entry */
	unsigned	days;	/* bit d: a range starts on weekday d */
	int		start;	/* minute of the day, 0..1439 */
	int		end;	/* 1..1440; end < start crosses midnight */
};

struct acl_rule {
	char		 name[MAXVAL + 1];
	enum acl_kind	 kind;
	int		 deny;		/* it refuses (KIND_DENY, KIND_FINAL);
					   allow and breakglass grant */
	int		 line;
	unsigned	 set;		/* KEYBIT(key) for each key it sets */
	int		 anyuser;	/* users holds "*" */
	struct acl_strv	 users, groups, tags;	/* tags: "K=V" */
	struct acl_strv	 globs;		/* instances with * ? [ */
	struct acl_strv	 names;		/* the others, sorted */
	struct acl_cidr	*from;
	size_t		 nfrom;
	struct acl_span	*hours;
	size_t		 nhours;
};

/*
 * The rules that name a user (or a group), by name, so that a request
 * finds its own without reading every rule: key k is name[k], and its
 * rules are rule[first[k]] .. rule[first[k + 1] - 1], in file order.
 */
struct acl_who {
	struct vg_index	  ix;		/* name -> k */
	const char		**name;		/* k -> name */
	size_t			  nkeys;
	size_t			 *first;	/* nkeys + 1 */
	size_t			 *rule;		/* into rules */
};

struct vg_acl {
	struct acl_rule	 *rules;	/* file order */
	size_t		  nrules;
	struct acl_list	  kind[NKINDS];	/* the rules of each kind */
	struct acl_who	  users;	/* by the names in `users` */
	struct acl_who	  groups;	/* by the names in `groups` */
	size_t		 *open;		/* rules for anyone */
	size_t		  nopen;
};

/* acl_match.c: the index of acl->rules by users and groups */
int	acl_index_build(struct vg_acl *);
void	acl_index_free(struct vg_acl *);

/* acl_value.c */

/* The key's name in acl.conf: "users", "groups" ... */
const char *acl_key_name(enum acl_key);
/* Add one value of key to r; -1 with the reason in why. */
int	acl_add_value(struct acl_rule *r, enum acl_key, const char *v,
	    char *why, size_t whylen);
/* 1 when name may name a rule: it goes into audit records and -C output. */
int	acl_rule_name_ok(const char *name);
/* The rule is read: get it ready for matching. */
void	acl_rule_done(struct acl_rule *);
void	acl_rule_free(struct acl_rule *);
/* strcmp for qsort and bsearch over arrays of strings */
int	acl_cmpstr(const void *, const void *);
/* A value quoted in a message: printable ASCII only, cut at 64 bytes. */
const char *acl_shown(const char *v, char out[SHOWN]);
/* A request's address, IPv4-mapped IPv6 as IPv4; -1 when it is none. */
int	acl_parse_addr(const char *v, struct acl_cidr *);

#endif
