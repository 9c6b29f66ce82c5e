/* SPDX-License-Identifier: ISC */
/*
 * One issuance (DESIGN 2.2 steps 2-7): the ticket, the decision with its
 * step-up and, for break-glass, its warning and confirmation, the rate
 * limit, credentials, the signed call, the console URL and the audit
 * record.  The UI resolved the target before (struct ui); the caller
 * shows the URL, and only once this returned EXIT_OK.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ecs.h"
#include "ratelimit.h"
#include "shell.h"
#include "term.h"
#include "util.h"

#define URL_HASH_HEX	16

/* Sentences the operator sees, in one place for the translators (po/). */
#define M_DENIED	N_("%s: no such instance, or you may not open its " \
			"console")
#define M_CLOUD_FAILED	N_("the console URL could not be obtained; try " \
			"again")
#define M_LIMIT_USER(n)	P_("too many consoles opened in the last minute; " \
			"try again in %lld second", "too many consoles " \
			"opened in the last minute; try again in %lld " \
			"seconds", (n))
#define M_LIMIT_INST(n)	P_("too many consoles opened for %s in the last " \
			"minute; try again in %lld second", "too many " \
			"consoles opened for %s in the last minute; try " \
			"again in %lld seconds", (n))
#define M_NO_LIMITS	N_("the rate limits cannot be checked, so no " \
			"console is opened; tell your admin")
#define M_NO_RECORD	N_("the audit log did not take the record, so no " \
			"URL is shown; tell your admin")
#define M_NO_TIME	N_("the bastion cannot tell the local time, so the " \
			"access rules cannot be applied; tell your admin")
/* TRANSLATORS: name, rule; the auditors get an alert (DESIGN 1.12) */
#define M_BREAKGLASS	N_("WARNING: %s is emergency access (break-glass " \
			"rule \"%s\"): the auditors are alerted now, with " \
			"your name and your ticket")
#define M_NOT_CONFIRMED	N_("not confirmed: nothing was opened")

/* Everything one issuance decides, for its audit record. */
struct issuance {
	const struct vg_instance	*inst;
	char				 target[65];
	char				 rule[65];
	char				 ticket[CMD_MAX + 1];	/* or the
						   one refused */
	char				 breakglass[65];	/* the rule, or
						   "" */
	char				 id[17];
	long long			 start_ms;
};

static void
set_instance(struct audit_rec *rec, const struct issuance *is)
{
	audit_set(rec, "instance", is->inst ? is->inst->id : is->target);
	audit_set(rec, "name", is->inst ? is->inst->name : "");
	audit_set(rec, "region", is->inst ? is->inst->region : "");
}

/* Why (DESIGN 1.11, 1.12), on deny, rate_limited and issue: "" for none. */
static void
set_why(struct audit_rec *rec, const struct issuance *is)
{
	audit_set(rec, "ticket", is->ticket);
	audit_set(rec, "breakglass", is->breakglass);
}

/*
 * A refusal, recorded; with breakglass set the record is an alert
 * (lib/audit.c): break-glass refused is news for the auditors too.
 */
static int
deny_record(struct shell *sh, const struct issuance *is, const char *reason,
    int rc)
{
	struct audit_rec rec;

	audit_rec_init(&rec, "deny");
	set_instance(&rec, is);
	audit_set(&rec, "reason", reason);
	audit_set(&rec, "rule", is->rule);
	set_why(&rec, is);
	log_emit(sh, &rec);
	audit_rec_free(&rec);
	return rc;
}

static int
deny(struct shell *sh, const struct issuance *is, const char *reason)
{
	deny_record(sh, is, reason, EXIT_DENIED);
	/* the sentence does not say which: the rules stay private */
	warnx(_(M_DENIED), is->target);
	return EXIT_DENIED;
}

int
issue_request(struct shell *sh, const struct vg_instance *inst,
    struct acl_request *req)
{
	struct issuance is;

	if (acl_request_build(req, sh->user, (const char *const *)sh->groups,
	    sh->ngroups, inst, sh->env.rhost[0] != '\0' ? sh->env.rhost : NULL,
	    time(NULL), &sh->conf.tz) == 0)
		return EXIT_OK;
	/* no time, no hours: a rule's hours must not be read as Sunday 00:00 */
	memset(&is, 0, sizeof(is));
	is.inst = inst;
	vg_strlcpy(is.rule, "no-match", sizeof(is.rule));
	deny_record(sh, &is, "time", EXIT_DENIED);
	warnx(_(M_NO_TIME));
	return EXIT_DENIED;
}

static int
record_issue(struct shell *sh, const struct issuance *is, const char *result,
    const char *request_id, const char *url_hash, const char *detail)
{
	struct audit_rec rec;
	int rc;

	audit_rec_init(&rec, "issue");
	set_instance(&rec, is);
	audit_set(&rec, "rule", is->rule);
	set_why(&rec, is);
	audit_set(&rec, "result", result);
	audit_set(&rec, "request_id", request_id);
	audit_set(&rec, "issuance", is->id);
	audit_set(&rec, "url_sha256", url_hash);
	audit_setf(&rec, "latency_ms", "%lld", vg_now_ms() - is->start_ms);
	if (detail != NULL && detail[0] != '\0')
		audit_set(&rec, "detail", detail);
	rc = log_emit(sh, &rec);
	audit_rec_free(&rec);
	return rc;
}

static int
cloud_failed(struct shell *sh, const struct issuance *is,
    const struct vg_cloud_err *ce)
{
	record_issue(sh, is, ce->code[0] ? ce->code : "Error",
	    ce->request_id, "", ce->detail);
	/* lib/ words it in English; its sentence's format is in po/ */
	if (ce->msgfmt != NULL)
		warnx(_(ce->msgfmt), is->inst->name);
	else
		warnx("%s", ce->message[0] ? ce->message : _(M_CLOUD_FAILED));
	return EXIT_RUNTIME;
}

/* is NULL: a run refused before any instance was named. */
static int
limited(struct shell *sh, const struct issuance *is,
    const struct rl_verdict *v, int record)
{
	const struct vg_instance *inst = is != NULL ? is->inst : NULL;
	struct audit_rec rec;
	/* rounded up: "try again in 0 seconds" would be refused again */
	long long secs = (v->retry_after_ms + 999) / 1000;

	audit_rec_init(&rec, "rate_limited");
	audit_set(&rec, "instance", inst != NULL ? inst->id : "");
	audit_set(&rec, "name", inst != NULL ? inst->name : "");
	audit_set(&rec, "scope", v->scope == RL_USER ? "user" : "instance");
	if (is != NULL)
		set_why(&rec, is);
	if (record)
		log_emit(sh, &rec);
	audit_rec_free(&rec);
	if (v->scope == RL_INSTANCE && inst != NULL)
		warnx(M_LIMIT_INST((unsigned long)secs), inst->name, secs);
	else
		warnx(M_LIMIT_USER((unsigned long)secs), secs);
	return EXIT_DENIED;
}

static void
limit_request(struct shell *sh, const struct vg_instance *inst,
    struct rl_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->dir = sh->conf.limits.state_dir;
	rq->owner = &sh->policy;
	rq->user = sh->user;
	rq->instance = inst != NULL ? inst->id : NULL;
	rq->user_limit = sh->conf.limits.user_per_minute;
	rq->instance_limit = sh->conf.limits.instance_per_minute;
	rq->now_ms = vg_epoch_ms();
	rq->lock_timeout_ms = sh->conf.audit.lock_timeout * 1000;
}

/*
 * Step 4, before any credential is fetched: a refusal costs the cloud
 * nothing.  State we cannot read or write refuses too (fail closed).
 */
static int
rate_limit(struct shell *sh, const struct issuance *is)
{
	struct rl_request rq;
	struct rl_verdict v;
	enum rl_result r;
	char err[VG_ERRLEN];

	limit_request(sh, is->inst, &rq);
	r = ratelimit_take_pair(&rq, &v, err, sizeof(err));
	if (r == RL_OK)
		return EXIT_OK;
	if (r == RL_LIMITED)
		return limited(sh, is, &v, 1);
	record_issue(sh, is, "RateLimitUnavailable", "", "", err);
	warnx(_(M_NO_LIMITS));
	return EXIT_RUNTIME;
}

/*
 * A user whom the ACL reaches nowhere now (DESIGN 1.7): each run counts
 * in their window like an issuance, before anything is recorded; over
 * the limit the run ends, with one rate_limited record a minute at
 * most, so such runs cannot grow the audit file without bound.  A
 * window that cannot be used ends the run too, unrecorded for the same
 * reason.
 */
int
issue_unreached(struct shell *sh)
{
	struct acl_request req;
	struct rl_request rq;
	struct rl_verdict v;
	enum rl_result r;
	char rule[65], err[VG_ERRLEN];
	int rc;

	if ((rc = issue_request(sh, NULL, &req)) != EXIT_OK)
		return rc;
	if (acl_decide_any(sh->acl, &sh->conf.inv, &req, rule,
	    sizeof(rule)) == ACL_ALLOW)
		return EXIT_OK;
	limit_request(sh, NULL, &rq);
	r = ratelimit_take_run(&rq, &v, err, sizeof(err));
	if (r == RL_OK)
		return EXIT_OK;
	if (r == RL_LIMITED)
		return limited(sh, NULL, &v, v.record);
	warnx(_(M_NO_LIMITS));
	return EXIT_RUNTIME;
}

/* The call and the URL; on success *url is the console URL. */
static int
obtain(struct shell *sh, struct issuance *is, char **url,
    struct ecs_result *res, struct vg_cloud_err *ce)
{
	const struct creds_who who = { sh->user, is->ticket, 0 };
	const struct vg_creds *cr;
	char err[VG_ERRLEN];

	if (shell_client(sh, ce->detail, sizeof(ce->detail)) == -1) {
		vg_strlcpy(ce->code, "InternalError", sizeof(ce->code));
		return -1;
	}
	if (creds_get(&sh->creds, &who, is->inst, time(NULL), &cr, ce) == -1)
		return -1;
	if (ecs_describe_vnc_url(sh->http, &sh->conf, cr, is->inst, res,
	    ce) == -1)
		return -1;
	if (ecs_console_url(sh->conf.console_page, res->vnc_url, is->inst,
	    url, err, sizeof(err)) == -1) {
		vg_strlcpy(ce->detail, err, sizeof(ce->detail));
		cloud_explain("BadVncUrl", is->inst, ce);
		return -1;
	}
	return 0;
}

/* The record first: no URL without it (audit.required). */
static int
record_ok(struct shell *sh, struct issuance *is, const char *url,
    const struct ecs_result *res)
{
	char hash[URL_HASH_HEX + 1];

	audit_sha256_prefix(url, URL_HASH_HEX, hash);
	if (record_issue(sh, is, "ok", res->request_id, hash, NULL) == -1 &&
	    sh->conf.audit.required) {
		warnx(_(M_NO_RECORD));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/*
 * The ticket (DESIGN 1.11): the one typed, or the UI's; required decides
 * whether there must be one.  A refusal is a deny record (reason
 * no-ticket, or bad-ticket with what was refused) and exit 2.
 */
static int
take_ticket(struct shell *sh, struct issuance *is, const char *typed,
    int required)
{
	int bad, rc;

	rc = ticket_take(sh, typed, required, is->ticket, sizeof(is->ticket),
	    &bad);
	if (rc == EXIT_OK)
		return EXIT_OK;
	if (!bad)
		is->ticket[0] = '\0';
	return deny_record(sh, is, bad ? "bad-ticket" : "no-ticket", rc);
}

/*
 * Break-glass (DESIGN 1.12): the warning, a ticket whatever ticket.mode
 * says, and the UI's confirmation.  From here on every record of this
 * issuance names the rule, and a refusal is an alert too.
 */
static int
breakglass(struct shell *sh, struct issuance *is)
{
	char name[4 * 64 + 1], rule[4 * 64 + 1];
	int rc;

	vg_strlcpy(is->breakglass, is->rule, sizeof(is->breakglass));
	term_clean(is->inst->name, name, sizeof(name));
	term_clean(is->rule, rule, sizeof(rule));
	warnx(_(M_BREAKGLASS), name, rule);
	if (is->ticket[0] == '\0' &&
	    (rc = take_ticket(sh, is, NULL, 1)) != EXIT_OK)
		return rc;
	if (sh->ui->confirm(sh, is->inst, is->rule))
		return EXIT_OK;
	warnx(_(M_NOT_CONFIRMED));
	return deny_record(sh, is, "breakglass-refused", EXIT_DENIED);
}

/*
 * The ticket, the step-up and the ACL (DESIGN 2.2 steps 2-3); stepup.c
 * says where PAM is due.  The ticket comes first, before any PAM prompt
 * and any cloud call (DESIGN 1.11).  With reauth = login one command
 * steps up next, knowing no instance.  With reauth = issuance our own
 * decision comes first, so a refusal is recorded as a deny, and only
 * then does PAM learn the instance (VNCGATE_INSTANCE for pam_vncgate).
 */
static int
decide(struct shell *sh, struct issuance *is, const char *ticket,
    enum show_how how)
{
	struct acl_request req;
	enum acl_decision d;
	int rc;

	/* refused for its ticket, before any decision: rule "" */
	if ((rc = take_ticket(sh, is, ticket, sh->conf.ticket.mode ==
	    VG_TICKET_REQUIRED)) != EXIT_OK)
		return rc;
	vg_strlcpy(is->rule, "no-match", sizeof(is->rule));
	if ((rc = stepup_at(sh, STEPUP_TARGET, NULL)) != EXIT_OK)
		return rc;
	if ((rc = issue_request(sh, is->inst, &req)) != EXIT_OK)
		return rc;
	d = acl_decide(sh->acl, &req, is->rule, sizeof(is->rule));
	if (d == ACL_DENY)
		return deny(sh, is, "acl");
	if (d == ACL_BREAKGLASS && (rc = breakglass(sh, is)) != EXIT_OK)
		return rc;
	sh->ui->allowed(sh, is->inst, is->rule, how);
	return stepup_at(sh, STEPUP_ISSUANCE, is->inst);
}

int
issue_obtain(struct shell *sh, const char *target, const char *ticket,
    const struct vg_instance *inst, enum show_how how, char **out)
{
	struct issuance is;
	struct ecs_result res;
	struct vg_cloud_err ce;
	char *url = NULL;
	int rc;

	*out = NULL;
	if (inst == NULL)	/* command_issue refuses it before */
		return EXIT_USAGE;
	memset(&is, 0, sizeof(is));
	memset(&res, 0, sizeof(res));
	cloud_err_clear(&ce);
	vg_strlcpy(is.target, target, sizeof(is.target));
	is.inst = inst;
	if ((rc = decide(sh, &is, ticket, how)) != EXIT_OK)
		return rc;
	is.start_ms = vg_now_ms();
	/* a short random ID that ties the issue record to what follows */
	vg_random_hex(is.id, (sizeof(is.id) - 1) / 2);
	if ((rc = rate_limit(sh, &is)) != EXIT_OK)
		return rc;
	if (obtain(sh, &is, &url, &res, &ce) == -1)
		rc = cloud_failed(sh, &is, &ce);
	else if ((rc = record_ok(sh, &is, url, &res)) == EXIT_OK) {
		*out = url;
		url = NULL;
	}
	vg_freestr(url);
	ecs_result_free(&res);
	return rc;
}
