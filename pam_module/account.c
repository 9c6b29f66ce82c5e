/* SPDX-License-Identifier: ISC */
/*
 * The account gate (DESIGN 1.9): the user passes only when the ACL
 * (DESIGN 1.6) lets them reach some instance now from PAM_RHOST, or,
 * when the shell names one instance in VNCGATE_INSTANCE, that instance.
 * Break-glass counts (DESIGN 1.12): an on-call operator whom only a
 * breakglass rule reaches must get in on the night it is needed.  The
 * rule is left on the PAM handle (PVG_BREAKGLASS_KEY), and the session
 * stage, which sshd runs on the same handle in the same process after
 * the account stage, names it in session_start: the auditors see such a
 * login as it opens, not only when a console is issued.
 *
 * VNCGATE_INSTANCE only narrows the question: an instance allowed
 * implies some instance allowed, so a value planted in the PAM
 * environment (pam_env, say) cannot widen what the gate lets through.
 */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pam_vncgate.h"
#include "util.h"

#define RULELEN		80
#define ANYWHERE	"an unknown address"

/*
 * The source address.  None (a local login) is an unknown address, which
 * no rule with `from` matches.  A host name (sshd with UseDNS yes) is
 * refused: its owner picks the reverse name, so a deny rule's `from`
 * would not see the address behind it.
 */
static int
source(struct pvg *g, const char **from)
{
	const char *rhost = pvg_item(g, PAM_RHOST);
	unsigned char a[16];

	*from = NULL;
	if (rhost == NULL || *rhost == '\0')
		return PAM_SUCCESS;
	if (strlen(rhost) >= INET6_ADDRSTRLEN ||
	    (inet_pton(AF_INET, rhost, a) != 1 &&
	    inet_pton(AF_INET6, rhost, a) != 1)) {
		pvg_log(g, LOG_NOTICE, "PAM_RHOST \"%.64s\" is not a numeric "
		    "address (sshd_config: UseDNS no); access denied", rhost);
		return PAM_PERM_DENIED;
	}
	*from = rhost;
	return PAM_SUCCESS;
}

/* The instance the shell asks about, or *inst NULL for "any". */
static int
target(struct pvg *g, const struct vg_instance **inst)
{
	const char *t = pam_getenv(g->ph, "VNCGATE_INSTANCE");

	*inst = NULL;
	if (t == NULL)
		return PAM_SUCCESS;
	if ((vg_valid_instance_name(t) || vg_valid_instance_id(t)) &&
	    (*inst = inventory_find(&g->conf.inv, t)) != NULL)
		return PAM_SUCCESS;
	pvg_log(g, LOG_NOTICE, "VNCGATE_INSTANCE \"%.64s\" is not in the "
	    "inventory of %s; access denied", t, g->conf.path);
	return PAM_PERM_DENIED;
}

static void
drop_rule(pam_handle_t *ph, void *data, int status)
{
	(void)ph;
	(void)status;
	free(data);
}

/*
 * The break-glass rule on the handle for the session stage, or none: a
 * later account check on the same handle replaces what an earlier one
 * left.  Out of memory is no reason to refuse the login it lets in.
 */
static void
note_breakglass(struct pvg *g, enum acl_decision d, const char *rule)
{
	char *keep = d == ACL_BREAKGLASS ? strdup(rule) : NULL;

	if (pam_set_data(g->ph, PVG_BREAKGLASS_KEY, keep, drop_rule) !=
	    PAM_SUCCESS)
		free(keep);
}

/* The decision for the request; the instance is NULL for "any". */
static int
decide(struct pvg *g, const struct acl_request *req)
{
	const struct vg_instance *inst = req->inst;
	const char *what, *from = req->from != NULL ? req->from : ANYWHERE;
	char rule[RULELEN];
	enum acl_decision d;

	if (inst != NULL)
		d = acl_decide(g->acl, req, rule, sizeof(rule));
	else
		d = acl_decide_any(g->acl, &g->conf.inv, req, rule,
		    sizeof(rule));
	what = inst != NULL ? inst->name : "any instance";
	note_breakglass(g, d, rule);
	if (d == ACL_ALLOW) {
		pvg_log(g, LOG_DEBUG, "%s from %s may reach %s: allow %s",
		    req->user, from, what, rule);
		return PAM_SUCCESS;
	}
	if (d == ACL_BREAKGLASS) {
		pvg_log(g, LOG_NOTICE, "%s from %s may reach %s only as "
		    "emergency access: breakglass %s", req->user, from, what,
		    rule);
		return PAM_SUCCESS;
	}
	pvg_log(g, LOG_NOTICE, "%s from %s may not reach %s: deny %s",
	    req->user, from, what, rule);
	return PAM_PERM_DENIED;
}

int
pvg_account(struct pvg *g)
{
	const struct vg_instance *inst;
	struct acl_request req;
	const char *user, *from;
	char **groups = NULL;
	size_t ngroups = 0;
	int rc;

	if ((rc = pvg_user(g, &user)) != PAM_SUCCESS ||
	    (rc = source(g, &from)) != PAM_SUCCESS ||
	    (rc = pvg_load(g, 1)) != PAM_SUCCESS)
		return rc;
	if (acl_user_groups(user, &groups, &ngroups) == -1) {
		pvg_log(g, LOG_ERR, "the groups of %s cannot be read", user);
		return PAM_SERVICE_ERR;
	}
	rc = target(g, &inst);
	if (rc == PAM_SUCCESS && acl_request_build(&req, user,
	    (const char *const *)groups, ngroups, inst, from, time(NULL),
	    &g->conf.tz) == -1) {
		pvg_log(g, LOG_ERR, "the local time in \"%s\" cannot be found",
		    g->conf.timezone);
		rc = PAM_SERVICE_ERR;
	} else if (rc == PAM_SUCCESS)
		rc = decide(g, &req);
	acl_groups_free(groups);
	return rc;
}
