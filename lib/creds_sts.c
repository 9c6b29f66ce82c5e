/*
 * ram_role_arn: credentials from STS AssumeRole, signed with the access
 * key file, issued under a session name that names the operator and
 * optionally scoped by a session policy to the one instance
 * (../shared/reference/alibaba-cloud-api.md f, h).
 *
 * STS's Message goes to syslog only, cleaned to one printable line; the
 * operator gets a sentence from the table below or from ecs_explain.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "creds_int.h"
#include "ecs.h"
#include "sign.h"
#include "util.h"

#define STS_VERSION	"2015-04-01"

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
	char		*body;		/* p as a form body */
	size_t		 bodylen;
};

static int
form_encode(struct vg_buf *b, const struct sign_param *p, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= buf_addc(b, '&');
		rc |= sign_percent_encode(b, p[i].name);
		rc |= buf_addc(b, '=');
		rc |= sign_percent_encode(b, p[i].value);
	}
	return rc != 0 || b->oom ? -1 : 0;
}

static void
sts_free(struct sts *s)
{
	vg_freestr(s->key_id);
	vg_freestr(s->secret);
	free(s->policy);
	vg_freestr(s->body);
	memset(s, 0, sizeof(*s));
}

static int
sts_prepare(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, struct sts *s, struct vg_cloud_err *err)
{
	const struct vg_conf *cf = c->conf;
	char why[VG_ERRLEN];
	struct vg_buf b;

	if (creds_session_name(user, s->session, sizeof(s->session)) == -1) {
		creds_setfail(err, UNAVAILABLE, "your user name does not fit "
		    "in an STS session name; tell your admin",
		    "RoleSessionName: cannot map the user name");
		return -1;
	}
	if (cf->creds.session_policy && creds_session_policy(
	    cf->creds.role_arn, inst, &s->policy, why, sizeof(why)) == -1) {
		creds_setfail(err, UNAVAILABLE, "no session policy can be made "
		    "for this instance; tell your admin", "%s", why);
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
	buf_init(&b);
	if (form_encode(&b, s->p, s->np) == -1) {
		buf_free(&b);
		creds_setfail(err, UNAVAILABLE, "vncgate ran out of memory",
		    "out of memory");
		return -1;
	}
	s->bodylen = b.len;
	s->body = buf_take(&b);
	return 0;
}

static enum http_result
sts_post(struct creds_ctx *c, const char *url, const struct http_header *h,
    size_t nh, const struct sts *s, struct http_response *resp,
    char *why, size_t whylen)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	memset(resp, 0, sizeof(*resp));
	req.method = "POST";
	req.url = url;
	req.headers = h;
	req.nheaders = nh;
	req.body = s->body;
	req.bodylen = s->bodylen;
	req.require_https = 1;
	return http_do(c->http, &req, resp, why, whylen);
}

/*
 * V1: the common parameters and the signature in the query, the API
 * parameters in the form body, the signature over the union.
 */
static enum http_result
sts_send_v1(struct creds_ctx *c, const struct sts *s,
    struct http_response *resp, char *why, size_t whylen)
{
	static const struct http_header h[] = {
		{ "Content-Type", "application/x-www-form-urlencoded" } };
	struct sign_param all[12];
	struct sign_v1 sig;
	struct vg_buf q;
	char ts[21], nonce[33], *url = NULL;
	enum http_result r = HTTP_ERR_INTERNAL;
	size_t n = 0, i;

	if (sign_nonce(nonce) == -1) {
		vg_seterr(why, whylen, "no random nonce");
		return r;
	}
	sign_timestamp(time(NULL), ts);
	all[n++] = (struct sign_param){ "Action", "AssumeRole" };
	all[n++] = (struct sign_param){ "Version", STS_VERSION };
	all[n++] = (struct sign_param){ "Format", "JSON" };
	all[n++] = (struct sign_param){ "AccessKeyId", s->key_id };
	all[n++] = (struct sign_param){ "SignatureMethod", "HMAC-SHA1" };
	all[n++] = (struct sign_param){ "SignatureVersion", "1.0" };
	all[n++] = (struct sign_param){ "Timestamp", ts };
	all[n++] = (struct sign_param){ "SignatureNonce", nonce };
	for (i = 0; i < s->np; i++)
		all[n + i] = s->p[i];
	memset(&sig, 0, sizeof(sig));
	if (sign_v1("POST", all, n + s->np, s->secret, &sig, why, whylen) ==
	    -1)
		return r;
	buf_init(&q);
	if (form_encode(&q, all, n) == 0 && buf_adds(&q, "&Signature=") ==
	    0 && sign_percent_encode(&q, sig.signature) == 0 && !q.oom &&
	    (url = creds_join_url(c->conf->api.sts_endpoint, "/?%s",
	    q.p)) != NULL)
		r = sts_post(c, url, h, 1, s, resp, why, whylen);
	else
		vg_seterr(why, whylen, "out of memory");
	free(url);
	buf_free(&q);
	sign_v1_free(&sig);
	return r;
}

/* V3: the API parameters in the signed form body, x-acs-* headers. */
static enum http_result
sts_send_v3(struct creds_ctx *c, const struct sts *s,
    struct http_response *resp, char *why, size_t whylen)
{
	struct sign_param sh[7];
	struct http_header hh[8];
	struct sign_v3_req req;
	struct sign_v3 sig;
	char host[256], ts[21], nonce[33], sha[65], *url;
	enum http_result r = HTTP_ERR_INTERNAL;
	size_t i;

	if (http_url_host(c->conf->api.sts_endpoint, host, sizeof(host)) ==
	    -1 || sign_nonce(nonce) == -1) {
		vg_seterr(why, whylen, "bad STS endpoint or no random nonce");
		return r;
	}
	sign_timestamp(time(NULL), ts);
	sign_sha256_hex(s->body, s->bodylen, sha);
	sh[0] = (struct sign_param){ "host", host };
	sh[1] = (struct sign_param){ "x-acs-action", "AssumeRole" };
	sh[2] = (struct sign_param){ "x-acs-version", STS_VERSION };
	sh[3] = (struct sign_param){ "x-acs-date", ts };
	sh[4] = (struct sign_param){ "x-acs-signature-nonce", nonce };
	sh[5] = (struct sign_param){ "x-acs-content-sha256", sha };
	sh[6] = (struct sign_param){ "content-type",
	    "application/x-www-form-urlencoded" };
	memset(&req, 0, sizeof(req));
	req = (struct sign_v3_req){ "POST", "/", NULL, 0, sh, 7, s->body,
	    s->bodylen, s->key_id, s->secret };
	memset(&sig, 0, sizeof(sig));
	if (sign_v3(&req, &sig, why, whylen) == -1)
		return r;
	for (i = 0; i < 7; i++)
		hh[i] = (struct http_header){ sh[i].name, sh[i].value };
	hh[7] = (struct http_header){ "Authorization", sig.authorization };
	if ((url = creds_join_url(c->conf->api.sts_endpoint, "%s", "/")) !=
	    NULL)
		r = sts_post(c, url, hh, 8, s, resp, why, whylen);
	else
		vg_seterr(why, whylen, "out of memory");
	free(url);
	sign_v3_free(&sig);
	return r;
}

/* STS codes worth their own sentence; the rest go to ecs_explain. */
static const struct {
	const char *code;
	const char *msg;
} sts_codes[] = {
	{ "NoPermission", "the bastion's access key may not assume its RAM "
	    "role (trust policy or sts:AssumeRole); tell your admin" },
	{ "EntityNotExist.Role", "the RAM role in credentials.role_arn does "
	    "not exist; tell your admin" },
	{ "InvalidParameter.RoleArn", "credentials.role_arn is not a valid "
	    "role ARN; tell your admin" },
	{ "InvalidParameter.DurationSeconds", "credentials.duration is "
	    "outside what the RAM role allows; tell your admin" },
	{ "InvalidParameter.PolicyGrammar", "STS refused the session policy "
	    "for this instance; tell your admin" },
	{ "InvalidParameter.RoleSessionName", "STS refused the session name "
	    "made from your user name; tell your admin" },
};

static void
sts_explain(const char *code, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(sts_codes) / sizeof(sts_codes[0]); i++)
		if (strcmp(code, sts_codes[i].code) == 0) {
			vg_strlcpy(err->message, sts_codes[i].msg,
			    sizeof(err->message));
			return;
		}
	ecs_explain(code, inst, err);
	if (err->message[0] == '\0')
		vg_strlcpy(err->message, "STS refused to issue role "
		    "credentials; tell your admin",
		    sizeof(err->message));
}

/* A string member, or "" when missing or not in set. */
static const char *
member(json_t *o, const char *key, const char *set, size_t max)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL || (set != NULL ? !vg_charset_ok(s, set, max) :
	    strlen(s) > max))
		return "";
	return s;
}

static void
sts_error(const struct http_response *resp, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	const char *code = "", *msg = "";
	char clean[200], why[VG_ERRLEN];
	json_t *root;
	size_t i;

	if ((root = creds_load_json(resp->body, resp->len, why, sizeof(why))) !=
	    NULL) {
		code = member(root, "Code", NAME_SET, sizeof(err->code) - 1);
		msg = member(root, "Message", NULL, SIZE_MAX);
		vg_strlcpy(err->request_id, member(root, "RequestId",
		    ALNUM "-", sizeof(err->request_id) - 1),
		    sizeof(err->request_id));
	}
	/* Message goes to syslog: keep it to one printable line */
	vg_strlcpy(clean, msg, sizeof(clean));
	for (i = 0; clean[i] != '\0'; i++)
		if (clean[i] < 0x20 || clean[i] > 0x7e)
			clean[i] = '?';
	creds_setfail(err, *code != '\0' ? code : UNAVAILABLE, "",
	    "STS AssumeRole: HTTP %ld %s: %s", resp->status,
	    *code != '\0' ? code : "(no Code)", root != NULL ? clean : why);
	json_decref(root);
	sts_explain(err->code, inst, err);
}

static const struct {
	enum http_result	 r;
	const char		*code;
	const char		*msg;
} net_codes[] = {
	{ HTTP_ERR_NETWORK, "NetworkError", "cannot reach STS for role "
	    "credentials: check the network or tell your admin" },
	{ HTTP_ERR_TIMEOUT, "Timeout", "STS did not answer in time for role "
	    "credentials: try again in a minute" },
	{ HTTP_ERR_TLS, "TLSError", "cannot verify STS's certificate, so "
	    "no role credentials were requested; tell your admin" },
	{ HTTP_ERR_TOO_BIG, "ResponseTooLarge", "STS sent an oversized "
	    "answer for role credentials; tell your admin" },
};

static void
sts_neterr(enum http_result r, const char *why, struct vg_cloud_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(net_codes) / sizeof(net_codes[0]); i++)
		if (net_codes[i].r == r) {
			creds_setfail(err, net_codes[i].code, net_codes[i].msg,
			    "STS AssumeRole: %s", why);
			return;
		}
	creds_setfail(err, UNAVAILABLE, "vncgate could not request role "
	    "credentials; tell your admin", "STS AssumeRole: %s", why);
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
		creds_setfail(err, UNAVAILABLE, "STS sent role credentials "
		    "vncgate cannot use; tell your admin",
		    "STS AssumeRole: HTTP %ld: %s", resp->status, why);
		return -1;
	}
	return 0;
}

int
creds_sts_fetch(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	struct http_response resp;
	struct sts s;
	char why[VG_ERRLEN] = "";
	enum http_result r;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	if (sts_prepare(c, user, inst, &s, err) == -1) {
		sts_free(&s);
		return -1;
	}
	err->attempts++;
	if (c->conf->api.signature == VG_SIG_V1)
		r = sts_send_v1(c, &s, &resp, why, sizeof(why));
	else
		r = sts_send_v3(c, &s, &resp, why, sizeof(why));
	if (r != HTTP_OK)
		sts_neterr(r, why, err);
	else {
		rc = sts_answer(&resp, inst, out, err);
		http_response_free(&resp);
	}
	if (rc == 0 && s.policy != NULL)
		vg_strlcpy(out->scope, inst->id, sizeof(out->scope));
	sts_free(&s);
	return rc;
}
