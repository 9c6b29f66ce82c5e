/* SPDX-License-Identifier: ISC */
/*
 * ecs_ram_role: the bastion's own RAM role from the ECS metadata service,
 * token flow first (doc/wire.md e).
 *
 * The service is link-local and unauthenticated: it is asked directly,
 * never through a proxy, and the session token it hands out is wiped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util.h"

#define IMDS_TTL	"21600"			/* the longest allowed */
#define IMDS_TIMEOUT_MS	3000
#define IMDS_CREDS_PATH	"/latest/meta-data/ram/security-credentials/"
#define IMDS_TOKEN_PATH	"/latest/api/token"

/* the operator's sentences follow cloud_error.c: lower case, no stop */
#define IMDS_MSG	N_("the metadata service did not hand out the " \
			"bastion's role credentials; tell your admin")

struct imds {
	struct creds_ctx	*c;
	struct vg_cloud_err	*err;
	char			*token;		/* NULL: tokenless fallback */
	long			 timeout_ms;
};

static void	imds_fail(struct imds *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Most failures tell the operator the same: only the details differ. */
static void
imds_fail(struct imds *m, const char *fmt, ...)
{
	char detail[sizeof(m->err->detail)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	cloud_err_fail(m->err, UNAVAILABLE, IMDS_MSG, "%s", detail);
}

/* 0 with a 2xx answer in resp; else -1 and why says what happened. */
static int
imds_do(struct imds *m, const char *method, const char *path,
    struct http_response *resp, char *why, size_t whylen)
{
	struct http_header h = { NULL, NULL };
	struct http_request req;
	enum http_result r;
	char *url;

	memset(resp, 0, sizeof(*resp));
	memset(&req, 0, sizeof(req));
	if ((url = cloud_join_url(m->c->conf->creds.metadata_url, "%s",
	    path)) == NULL) {
		vg_seterr(why, whylen, "out of memory");
		return -1;
	}
	if (strcmp(method, "PUT") == 0) {
		h.name = "X-aliyun-ecs-metadata-token-ttl-seconds";
		h.value = IMDS_TTL;
	} else if (m->token != NULL) {
		h.name = "X-aliyun-ecs-metadata-token";
		h.value = m->token;
	}
	req.method = method;
	req.url = url;
	req.headers = &h;
	req.nheaders = h.name != NULL;
	req.no_proxy = 1;		/* a proxy must never see the role */
	req.timeout_ms = m->timeout_ms;
	m->err->attempts++;
	r = http_do(m->c->http, &req, resp, why, whylen);
	free(url);
	if (r != HTTP_OK)
		return -1;
	m->err->http_status = resp->status;
	if (resp->status / 100 == 2)
		return 0;
	vg_seterr(why, whylen, "HTTP %ld", resp->status);
	http_response_free(resp);
	return -1;
}

/* The body without its trailing white space, or NULL when unusable. */
static char *
trimmed(struct http_response *resp)
{
	size_t n = resp->len;

	if (resp->body == NULL || strlen(resp->body) != n)
		return NULL;
	while (n > 0 && (resp->body[n - 1] == '\n' ||
	    resp->body[n - 1] == '\r' || resp->body[n - 1] == ' '))
		resp->body[--n] = '\0';
	return n > 0 ? resp->body : NULL;
}

/* The answers of a metadata service that has no token flow at all. */
static int
token_refused(long status)
{
	return status == 403 || status == 404 || status == 405;
}

static int
imds_token(struct imds *m)
{
	struct http_response resp;
	char why[VG_ERRLEN];
	const char *tok;

	if (imds_do(m, "PUT", IMDS_TOKEN_PATH, &resp, why, sizeof(why)) ==
	    -1) {
		/* only a refused or failed PUT may fall back (optional) */
		if (m->c->conf->creds.metadata_token == VG_MDTOKEN_OPTIONAL)
			return 0;
		/* a service that is down is not one without hardened mode */
		if (!token_refused(m->err->http_status)) {
			imds_fail(m, "metadata service: PUT " IMDS_TOKEN_PATH
			    ": %s", why);
			return -1;
		}
		cloud_err_fail(m->err, UNAVAILABLE, N_("the metadata service "
		    "issued no session token, which metadata_token = "
		    "required needs; tell your admin"),
		    "metadata service: PUT " IMDS_TOKEN_PATH ": %s", why);
		return -1;
	}
	if ((tok = trimmed(&resp)) == NULL || strlen(tok) > SECRET_MAX ||
	    !creds_printable(tok) || (m->token = strdup(tok)) == NULL) {
		imds_fail(m, "metadata service: PUT " IMDS_TOKEN_PATH ": the "
		    "token is unusable");
		http_response_free(&resp);
		return -1;
	}
	http_response_free(&resp);
	return 0;
}

/* role_name, or the one role the service lists. */
static int
imds_role(struct imds *m, char *role, size_t rolelen)
{
	struct http_response resp;
	char why[VG_ERRLEN];
	const char *name = m->c->conf->creds.role_name, *body;
	int rc = -1;

	if (name != NULL && *name != '\0') {
		/* it becomes part of a URL path */
		if (vg_charset_ok(name, NAME_SET, 64) &&
		    vg_strlcpy(role, name, rolelen) == 0)
			return 0;
		imds_fail(m, "credentials.role_name is not a RAM role name");
		return -1;
	}
	if (imds_do(m, "GET", IMDS_CREDS_PATH, &resp, why, sizeof(why)) ==
	    -1) {
		imds_fail(m, "metadata service: GET %s: %s", IMDS_CREDS_PATH,
		    why);
		return -1;
	}
	if ((body = trimmed(&resp)) != NULL && strchr(body, '\n') != NULL)
		cloud_err_fail(m->err, UNAVAILABLE, N_("the bastion has more "
		    "than one RAM role and credentials.role_name names none; "
		    "tell your admin"), "metadata service lists several roles");
	else if (body == NULL || !vg_charset_ok(body, NAME_SET, 64) ||
	    vg_strlcpy(role, body, rolelen) == -1)
		imds_fail(m, "metadata service: no valid RAM role name in the "
		    "listing");
	else
		rc = 0;
	http_response_free(&resp);
	return rc;
}

static int
imds_creds(struct imds *m, const char *role, struct vg_creds *out)
{
	struct http_response resp;
	char why[VG_ERRLEN], path[sizeof(IMDS_CREDS_PATH) + 64];
	int rc;

	snprintf(path, sizeof(path), "%s%s", IMDS_CREDS_PATH, role);
	if (imds_do(m, "GET", path, &resp, why, sizeof(why)) == -1) {
		imds_fail(m, "metadata service: GET %s: %s", path, why);
		return -1;
	}
	rc = creds_parse_imds(resp.body, resp.len, out, why, sizeof(why));
	http_response_free(&resp);
	if (rc == -1)
		imds_fail(m, "metadata service: credentials of role %s: %s",
		    role, why);
	return rc;
}

int
creds_imds_fetch(struct creds_ctx *c, const struct creds_who *who,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	struct imds m;
	char role[65];
	long total = c->conf->api.timeout;
	int rc = -1;

	(void)who;
	(void)inst;
	memset(&m, 0, sizeof(m));
	m.c = c;
	m.err = err;
	/* a link-local service answers at once or not at all */
	m.timeout_ms = total > 0 && total * 1000 < IMDS_TIMEOUT_MS ?
	    total * 1000 : IMDS_TIMEOUT_MS;
	if (imds_token(&m) == 0 && imds_role(&m, role, sizeof(role)) == 0 &&
	    imds_creds(&m, role, out) == 0)
		rc = 0;
	vg_freestr(m.token);
	return rc;
}
