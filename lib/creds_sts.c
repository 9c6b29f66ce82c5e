/* SPDX-License-Identifier: ISC */
/*
 * ram_role_arn: credentials from STS AssumeRole, signed with the access
 * key file, issued under a session name that names the operator and
 * optionally scoped by a session policy to the one instance
 * (doc/wire.md f, h; the name and the policy are creds_session.c's).
 * The request goes through cloud_rpc_call, with the API parameters in a
 * form body.
 *
 * STS's Message goes to syslog only, cleaned by cloud_parse_error; the
 * operator gets a sentence from the table below or from the cloud's
 * (cloud_explain).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util.h"

#define STS_VERSION	"2015-04-01"
#define STS_WHAT	"STS AssumeRole"	/* the detail's prefix */

/* ------------------------------------------------------------------ */
/* ram_role_arn: STS AssumeRole (reference f) */

struct sts {
	char		*key_id;
	char		*secret;
	char		 session[65];
	char		 duration[24];
	char		*policy;	/* NULL without session_policy */
	struct sign_param p[4];	/* the API parameters */
	size_t		 np;
};

static void
sts_free(struct sts *s)
{
	vg_freestr(s->key_id);
	vg_freestr(s->secret);
	free(s->policy);
	memset(s, 0, sizeof(*s));
}

/* the API parameters, once the session and its policy are set */
static int
sts_params(struct creds_ctx *c, struct sts *s, struct vg_cloud_err *err)
{
	const struct vg_conf *cf = c->conf;

	if (creds_load_key(c, &s->key_id, &s->secret, err) == -1)
		return -1;
	snprintf(s->duration, sizeof(s->duration), "%ld", cf->creds.duration);
	s->p[s->np++] = (struct sign_param){ "RoleArn", cf->creds.role_arn };
	s->p[s->np++] = (struct sign_param){ "RoleSessionName", s->session };
	s->p[s->np++] = (struct sign_param){ "DurationSeconds", s->duration };
	if (s->policy != NULL)
		s->p[s->np++] = (struct sign_param){ "Policy", s->policy };
	return 0;
}

/*
 * The listing's session (DESIGN 1.10): its own name, so ActionTrail
 * tells the listing from any operator, and with session_policy the two
 * listing calls only: a leaked listing key opens no console.
 */
static int
sts_prepare_listing(struct creds_ctx *c, struct sts *s,
    struct vg_cloud_err *err)
{
	char why[VG_ERRLEN];

	vg_strlcpy(s->session, CREDS_LISTING_SESSION, sizeof(s->session));
	if (c->conf->creds.session_policy && creds_listing_policy(
	    c->conf->creds.role_arn, &s->policy, why, sizeof(why)) == -1) {
		cloud_err_fail(err, UNAVAILABLE, N_("no session policy can be "
		    "made for the listing; tell your admin"), "%s", why);
		return -1;
	}
	return sts_params(c, s, err);
}

static int
sts_prepare(struct creds_ctx *c, const struct creds_who *who,
    const struct vg_instance *inst, struct sts *s, struct vg_cloud_err *err)
{
	const struct vg_conf *cf = c->conf;
	char why[VG_ERRLEN];

	if (who->listing)
		return sts_prepare_listing(c, s, err);
	/* the shell refused a ticket too long for the pair before this */
	if (creds_session_name_ticket(who->user, who->ticket, s->session,
	    sizeof(s->session)) == -1) {
		cloud_err_fail(err, UNAVAILABLE, N_("your user name does not "
		    "fit in an STS session name; tell your admin"),
		    "RoleSessionName: cannot map the user name");
		return -1;
	}
	if (cf->creds.session_policy && creds_session_policy(
	    cf->creds.role_arn, inst, &s->policy, why, sizeof(why)) == -1) {
		cloud_err_fail(err, UNAVAILABLE, N_("no session policy can be "
		    "made for this instance; tell your admin"), "%s", why);
		return -1;
	}
	return sts_params(c, s, err);
}

/* STS codes worth their own sentence; the rest go to cloud_explain. */
static const struct {
	const char *code;
	const char *msg;
} sts_codes[] = {
	{ "NoPermission", N_("the bastion's access key may not assume its "
	    "RAM role (trust policy or sts:AssumeRole); tell your admin") },
	{ "EntityNotExist.Role", N_("the RAM role in credentials.role_arn "
	    "does not exist; tell your admin") },
	{ "InvalidParameter.RoleArn", N_("credentials.role_arn is not a "
	    "valid role ARN; tell your admin") },
	{ "InvalidParameter.DurationSeconds", N_("credentials.duration is "
	    "outside what the RAM role allows; tell your admin") },
	{ "InvalidParameter.PolicyGrammar", N_("STS refused the session "
	    "policy for this instance; tell your admin") },
	{ "InvalidParameter.RoleSessionName", N_("STS refused the session "
	    "name made from your user name; tell your admin") },
	/* the transport failures (cloud_transport_code) */
	{ "NetworkError", N_("cannot reach STS for role credentials: check "
	    "the network or tell your admin") },
	{ "Timeout", N_("STS did not answer in time for role credentials: "
	    "try again in a minute") },
	{ "TLSError", N_("cannot verify STS's certificate, so no role "
	    "credentials were requested; tell your admin") },
	{ "ResponseTooLarge", N_("STS sent an oversized answer for role "
	    "credentials; tell your admin") },
};

/* Fill err->message for code; cloud_explain has one for any code. */
static void
sts_explain(const char *code, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(sts_codes) / sizeof(sts_codes[0]); i++)
		if (strcmp(code, sts_codes[i].code) == 0) {
			vg_strlcpy(err->message, sts_codes[i].msg,
			    sizeof(err->message));
			err->msgfmt = sts_codes[i].msg;
			return;
		}
	cloud_explain(code, inst, err);
}

/* No answer: cloud_rpc_call set the code and the detail. */
static void
sts_unsent(const struct vg_instance *inst, struct vg_cloud_err *err)
{
	static const char *const msg = N_("vncgate could not request role "
	    "credentials; tell your admin");

	if (strcmp(err->code, UNAVAILABLE) == 0) {
		vg_strlcpy(err->message, msg, sizeof(err->message));
		err->msgfmt = msg;
	} else
		sts_explain(err->code, inst, err);
}

static void
sts_error(const struct http_response *resp, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	char why[VG_ERRLEN];
	json_t *root;

	if ((root = cloud_json_load(resp->body, resp->len, why,
	    sizeof(why))) == NULL)
		cloud_err_fail(err, UNAVAILABLE, "", STS_WHAT ": HTTP %ld, %s",
		    resp->status, why);
	else
		cloud_parse_error(root, resp->status, STS_WHAT, UNAVAILABLE,
		    err);
	cloud_json_free_wiped(root);
	sts_explain(err->code, inst, err);
}

static int
sts_answer(const struct http_response *resp, const struct vg_instance *inst,
    struct vg_creds *out, struct vg_cloud_err *err)
{
	char why[VG_ERRLEN];

	err->http_status = resp->status;
	if (resp->status / 100 != 2) {
		sts_error(resp, inst, err);
		return -1;
	}
	if (creds_parse_sts(resp->body, resp->len, out, why, sizeof(why)) ==
	    -1) {
		cloud_err_fail(err, UNAVAILABLE, N_("STS sent role "
		    "credentials vncgate cannot use; tell your admin"),
		    STS_WHAT ": HTTP %ld: %s", resp->status, why);
		return -1;
	}
	return 0;
}

/* AssumeRole, signed with the access key; the long Policy in a form body. */
static int
sts_call(struct creds_ctx *c, const struct sts *s, struct http_response *resp,
    struct vg_cloud_err *err)
{
	const struct cloud_rpc rpc = {
		.endpoint = c->conf->api.sts_endpoint,
		.action = "AssumeRole",
		.version = STS_VERSION,
		.params = s->p,
		.nparams = s->np,
		.sigver = c->conf->api.signature,
		.key_id = s->key_id,
		.secret = s->secret,
		.token = NULL,
		.place = CLOUD_PARAMS_BODY,
		.timeout_ms = 0,
		.what = STS_WHAT,
		.own_code = UNAVAILABLE,
	};

	return cloud_rpc_call(c->http, &rpc, resp, err);
}

int
creds_sts_fetch(struct creds_ctx *c, const struct creds_who *who,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	struct http_response resp;
	struct sts s;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	if (sts_prepare(c, who, inst, &s, err) == -1) {
		sts_free(&s);
		return -1;
	}
	if (sts_call(c, &s, &resp, err) == -1)
		sts_unsent(inst, err);
	else {
		rc = sts_answer(&resp, inst, out, err);
		http_response_free(&resp);
	}
	if (rc == 0 && who->listing)
		vg_strlcpy(out->scope, CREDS_LISTING_SCOPE,
		    sizeof(out->scope));
	else if (rc == 0 && s.policy != NULL)
		vg_strlcpy(out->scope, inst->id, sizeof(out->scope));
	if (rc == 0)
		vg_strlcpy(out->session, s.session, sizeof(out->session));
	sts_free(&s);
	return rc;
}

/*
 * The cache serves who on inst only when issued to the same session
 * name (ActionTrail must name the operator who holds them, and the
 * ticket they gave) and, with session_policy, for that instance.
 */
int
creds_sts_fits(const struct creds_ctx *c, const struct vg_creds *cr,
    const struct creds_who *who, const struct vg_instance *inst)
{
	char session[65];

	/* an operator named vncgate-inventory has the listing's name */
	if (who->listing || strcmp(cr->scope, CREDS_LISTING_SCOPE) == 0)
		return who->listing &&
		    strcmp(cr->scope, CREDS_LISTING_SCOPE) == 0;
	if (creds_session_name_ticket(who->user, who->ticket, session,
	    sizeof(session)) == -1 ||
	    strcmp(session, cr->session) != 0)
		return 0;
	return !c->conf->creds.session_policy ||
	    (inst != NULL && strcmp(cr->scope, inst->id) == 0);
}
