/* SPDX-License-Identifier: ISC */
/*
 * acl.conf (DESIGN 1.6): allow and deny rules, default deny, a matching
 * deny wins.  acl_load.c reads the file, acl_match.c decides, and
 * acl_request.c builds the request the same way for every caller.
 */
#ifndef VG_ACL_H
#define VG_ACL_H

#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "inventory.h"
#include "secfile.h"
#include "tz.h"

struct vg_acl;			/* opaque: rules indexed for acl_decide */

enum acl_decision { ACL_DENY = 0, ACL_ALLOW = 1 };

struct acl_request {
	const char		 *user;
	const char *const	 *groups;	/* the user's group names */
	size_t			  ngroups;
	const struct vg_instance *inst;		/* NULL: any instance (PAM) */
	const char		 *from;		/* address text; NULL = unknown */
	int			  wday;		/* 0 = Sunday, local time */
	int			  minute;	/* minute of the local day */
};

int	acl_load(const char *path, const struct secfile_policy *,
	    struct vg_acl **acl, struct vg_diags *diags);
void	acl_free(struct vg_acl *);

/*
 * Decide one request.  rule gets the name of the deciding rule: the
 * matching deny, else the first matching allow, else "no-match".
 * An unknown address fails closed: an allow that sets `from` does not
 * match it, a deny that sets `from` does.
 */
enum acl_decision acl_decide(const struct vg_acl *,
	    const struct acl_request *, char *rule, size_t rulelen);

/*
 * Many instances for one request (the `list` command, acl_decide_any):
 * the rules whose users, groups, from and hours match are found once, so
 * only their instance keys are tried per instance.  acl_query_decide
 * answers as acl_decide would for that instance.  acl_query_new returns
 * NULL when out of memory (or acl is NULL); req is not kept.
 */
struct acl_query;

struct acl_query *acl_query_new(const struct vg_acl *,
	    const struct acl_request *req);
enum acl_decision acl_query_decide(const struct acl_query *,
	    const struct vg_instance *, char *rule, size_t rulelen);
void	acl_query_free(struct acl_query *);

/*
 * Some instance of the inventory allowed for the request (whose inst is
 * ignored): the PAM account gate.  rule: the allow that let the first
 * allowed instance in; else the deny that blocked the last instance an
 * allow reached; else "no-match".
 */
enum acl_decision acl_decide_any(const struct vg_acl *,
	    const struct vg_inventory *, const struct acl_request *,
	    char *rule, size_t rulelen);

/*
 * The group names of user (getpwnam + getgrouplist + getgrgid).  *groups
 * is a NULL-terminated array freed with acl_groups_free.  An unknown user
 * gets an empty list, not an error: the ACL may still name the user.
 */
int	acl_user_groups(const char *user, char ***groups, size_t *ngroups);
void	acl_groups_free(char **groups);

/*
 * The one builder of a request: the shell's issuances and lists, its
 * -t -C and the PAM account gate all make theirs here, so -t -C decides
 * as the live paths do.  groups are the user's (acl_user_groups), kept
 * by pointer; inst NULL: any instance; from NULL: an unknown address.
 * The weekday and minute are those of when in the zone tz (tz_localtime:
 * no TZ, no tzset); with tz NULL, when is local time already, read as if
 * in UTC (-t -C at=).  -1 when the time does not fit a struct tm or
 * the zone cannot place it: then req holds no time at all (Sunday
 * 00:00 would match rules it should not), and the caller must refuse
 * the request, which the compiler holds it to.
 */
int	acl_request_build(struct acl_request *req, const char *user,
	    const char *const *groups, size_t ngroups,
	    const struct vg_instance *inst, const char *from, time_t when,
	    const struct vg_tz *tz) __attribute__((warn_unused_result));

#endif
