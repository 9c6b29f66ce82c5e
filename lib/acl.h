/* SPDX-License-Identifier: ISC */
/*
 * acl.conf (DESIGN 1.6, 1.12): allow, deny and breakglass rules, default
 * deny, a matching deny wins, and break-glass grants what nothing else
 * does unless a final deny matches.  acl_load.c reads the file,
 * acl_match.c decides, and acl_request.c builds the request the same way
 * for every caller.
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

/*
 * ACL_BREAKGLASS: granted only by a breakglass rule, as emergency access
 * (DESIGN 1.12): the shell warns, wants a ticket and alerts the
 * auditors; pam_vncgate lets the login in and says so.
 */
enum acl_decision { ACL_DENY = 0, ACL_ALLOW = 1, ACL_BREAKGLASS = 2 };

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
 * Decide one request, the one decision every caller uses.  In order:
 *   - a matching deny with `final = true`: ACL_DENY, that rule;
 *   - no matching deny and a matching allow: ACL_ALLOW, the first allow;
 *   - a matching breakglass rule (nothing granted it, or a deny without
 *     final blocked it): ACL_BREAKGLASS, the first breakglass rule;
 *   - else ACL_DENY, the first matching deny, or "no-match".
 * rule gets the deciding rule's name.  An unknown address fails closed:
 * an allow or breakglass rule that sets `from` does not match it, a deny
 * that sets `from` does.
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
 * Some instance of the inventory reached by the request (whose inst is
 * ignored): the PAM account gate.  ACL_ALLOW with the allow that let the
 * first allowed instance in; else ACL_BREAKGLASS with the breakglass
 * rule of the first instance only break-glass reaches; else ACL_DENY
 * with the deny that blocked the last instance an allow reached (or a
 * breakglass rule, for a final deny), or "no-match".
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
