/* SPDX-License-Identifier: ISC */
/*
 * ram_role_arn: credentials from STS AssumeRole, signed with the access
 * key file, issued under a session name that names the operator and
 * optionally scoped by a session policy to the one instance
 * (doc/wire.md f, h).  The request goes
 * through cloud_rpc_call, with the API parameters in a form body.
 *
 * STS's Message goes to syslog only, cleaned by cloud_parse_error; the
 * operator gets a sentence from the table below or from ecs_explain.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "ecs.h"
#include "util.h"

#define STS_VERSION	"2015-04-01"
#define STS_WHAT	"STS AssumeRole"	/* the detail's prefix */

/* ------------------------------------------------------------------ */
/*
 * RoleSessionName: the auditors' reference.
 *
 * ActionTrail records the RoleSessionName with every call made with the
 * credentials, so it names the operator.  STS takes 2..64 characters of
 * [A-Za-z0-9.@_-]; user names may hold anything, so the mapping must be
 * lossless and unambiguous:
 *
 *   encode  every byte of the user name in [A-Za-z0-9._-] is kept; any
 *           other byte B becomes "@" and two upper-case hex digits of B.
 *           A result of one character gets a lone "@" appended (STS wants
 *           at least two).  An empty name, or a result longer than 64
 *           characters, is refused: truncating would merge two users.
 *   decode  "@XX" is the byte 0xXX; a lone "@" is allowed only as the
 *           second and last character.  Only what encode produces is
 *           accepted ("@41" for "A", lower-case hex, "@00" are refused),
 *           so every session name stands for exactly one user.
 *
 *   alice -> alice        a -> a@           svc_backup -> svc_backup
 *   bob@corp -> bob@40corp                  josé (UTF-8) -> jos@C3@A9
 */

static int
keep_byte(unsigned char c)
{
	return c != '\0' && strchr(NAME_SET, c) != NULL;
}

int
creds_session_name(const char *user, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t n = 0, need;

	if (outlen > 0)
		out[0] = '\0';
	if (user == NULL || *user == '\0' || outlen < 3)
		return -1;
	for (p = (const unsigned char *)user; *p != '\0'; p++) {
		need = keep_byte(*p) ? 1 : 3;
		if (n + need > 64 || n + need >= outlen) {
			out[0] = '\0';
			return -1;
		}
		if (need == 1)
			out[n++] = (char)*p;
		else {
			out[n++] = '@';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	if (n == 1)
		out[n++] = '@';
	out[n] = '\0';
	return 0;
}

/* Upper case only: lower case is not what encode gives. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
decode_bytes(const char *name, size_t len, char *out, size_t outlen)
{
	size_t i = 0, n = 0;
	int hi, lo;

	while (i < len) {
		if (n + 1 >= outlen)
			return -1;
		if (name[i] != '@') {
			if (!keep_byte((unsigned char)name[i]))
				return -1;
			out[n++] = name[i++];
			continue;
		}
		if (i == 1 && len == 2) {	/* the padding */
			i++;
			continue;
		}
		if (i + 2 >= len)
			return -1;
		/* "@00" would cut the name short in C */
		if ((hi = hexval(name[i + 1])) < 0 ||
		    (lo = hexval(name[i + 2])) < 0 || (hi | lo) == 0)
			return -1;
		out[n++] = (char)(hi << 4 | lo);
		i += 3;
	}
	out[n] = '\0';
	return 0;
}

int
creds_session_name_decode(const char *name, char *out, size_t outlen)
{
	char again[65];
	size_t len;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (name == NULL || (len = strlen(name)) < 2 || len > 64 ||
	    decode_bytes(name, len, out, outlen) == -1)
		goto bad;
	/* a second spelling of one user would defeat the audit trail */
	if (creds_session_name(out, again, sizeof(again)) == -1 ||
	    strcmp(again, name) != 0)
		goto bad;
	return 0;
bad:
	vg_wipe(out, outlen);
	out[0] = '\0';
	return -1;
}

/* ------------------------------------------------------------------ */
/* Session policy (reference h) */

/* The account of acs:ram::<digits>:role/<name>; anything else is refused. */
static int
arn_account(const char *arn, char *acct, size_t acctlen)
{
	static const char pfx[] = "acs:ram::";
	const char *p, *e;

	if (arn == NULL || strncmp(arn, pfx, sizeof(pfx) - 1) != 0)
		return -1;
	p = arn + sizeof(pfx) - 1;
	for (e = p; *e >= '0' && *e <= '9'; e++)
		continue;
	if (e == p || (size_t)(e - p) >= acctlen ||
	    strncmp(e, ":role/", 6) != 0 ||
	    !vg_charset_ok(e + 6, NAME_SET, 64))
		return -1;
	memcpy(acct, p, (size_t)(e - p));
	acct[e - p] = '\0';
	return 0;
}

int
creds_session_policy(const char *role_arn, const struct vg_instance *inst,
    char **json, char *err, size_t errlen)
{
	char acct[33], res[160];
	json_t *root;

	*json = NULL;
	if (arn_account(role_arn, acct, sizeof(acct)) == -1) {
		vg_seterr(err, errlen, "credentials.role_arn is not of the "
		    "form acs:ram::<account>:role/<name>");
		return -1;
	}
	if (inst == NULL || !vg_valid_instance_id(inst->id) ||
	    !vg_valid_region(inst->region)) {
		vg_seterr(err, errlen, "the instance has no valid ID or "
		    "region for a session policy");
		return -1;
	}
	snprintf(res, sizeof(res), "acs:ecs:%s:%s:instance/%s",
	    inst->region, acct, inst->id);
	root = json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "Version", "1",
	    "Statement", "Effect", "Allow", "Action",
	    "ecs:DescribeInstanceVncUrl", "Resource", res);
	if (root != NULL)
		*json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (*json == NULL) {
		vg_seterr(err, errlen, "out of memory building the policy");
		return -1;
	}
	return 0;
}

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

static int
sts_prepare(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, struct sts *s, struct vg_cloud_err *err)
{
	const struct vg_conf *cf = c->conf;
	char why[VG_ERRLEN];

	if (creds_session_name(user, s->session, sizeof(s->session)) == -1) {
		creds_setfail(err, UNAVAILABLE, N_("your user name does not "
		    "fit in an STS session name; tell your admin"),
		    "RoleSessionName: cannot map the user name");
		return -1;
	}
	if (cf->creds.session_policy && creds_session_policy(
	    cf->creds.role_arn, inst, &s->policy, why, sizeof(why)) == -1) {
		creds_setfail(err, UNAVAILABLE, N_("no session policy can be "
		    "made for this instance; tell your admin"), "%s", why);
		return -1;
	}
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

/* STS codes worth their own sentence; the rest go to ecs_explain. */
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

/* Fill err->message for code; ecs_explain has a sentence for any code. */
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
	ecs_explain(code, inst, err);
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
		creds_setfail(err, UNAVAILABLE, "", STS_WHAT ": HTTP %ld, %s",
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
		creds_setfail(err, UNAVAILABLE, N_("STS sent role "
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
creds_sts_fetch(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	struct http_response resp;
	struct sts s;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	if (sts_prepare(c, user, inst, &s, err) == -1) {
		sts_free(&s);
		return -1;
	}
	if (sts_call(c, &s, &resp, err) == -1)
		sts_unsent(inst, err);
	else {
		rc = sts_answer(&resp, inst, out, err);
		http_response_free(&resp);
	}
	if (rc == 0 && s.policy != NULL)
		vg_strlcpy(out->scope, inst->id, sizeof(out->scope));
	sts_free(&s);
	return rc;
}
