/* SPDX-License-Identifier: ISC */
/*
 * DescribeInstanceVncUrl (see ecs.h): the retry policy of DESIGN 2.2
 * step 6 and the console URL of DESIGN 1.8.  The signed request itself
 * (V3 or V1) is cloud_rpc_call's, the error table of DESIGN 2.3
 * cloud_error.c's.
 *
 * The VncUrl is a bearer secret for 15 seconds: it never reaches a log or
 * an error sentence, and every copy made here is wiped.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ecs.h"
#include "util.h"

#define ACTION		"DescribeInstanceVncUrl"
#define API_VERSION	"2014-05-26"
#define RID_MAX		95	/* fits ecs_result.request_id */
#define ENDPOINT_MAX	512

#define BACKOFF_MS	200LL	/* first retry, doubled each time */
#define WAIT_MAX_MS	5000LL	/* no single wait is longer */
#define ATTEMPT_MIN_MS	100LL	/* an attempt with less left is pointless */

/* One call: what every attempt needs. */
struct call {
	struct http_client		*http;
	const struct vg_conf		*conf;
	const struct vg_creds		*creds;
	const struct vg_instance	*inst;
	char				 endpoint[ENDPOINT_MAX];
	long long			 deadline;	/* vg_now_ms() */
	char				 retry_after[32];
};

/* Record a failure: code, syslog detail, operator sentence. */
static int
fail(struct vg_cloud_err *err, const struct vg_instance *inst,
    const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	cloud_explain(code, inst, err);
	return -1;
}

/* Parsing ---------------------------------------------------------------- */

static int
request_id_ok(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > RID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return 0;
	return 1;
}

static int
parse_ok(json_t *root, long status, const struct vg_instance *inst,
    struct ecs_result *res, struct vg_cloud_err *err)
{
	const char *url = cloud_json_str(root, "VncUrl");
	const char *rid = cloud_json_str(root, "RequestId");

	/* first, so the record of a refused URL still names the cloud call */
	if (request_id_ok(rid))
		vg_strlcpy(err->request_id, rid, sizeof(err->request_id));
	if (url == NULL || !ecs_vnc_url_ok(url))
		return fail(err, inst, "BadVncUrl", "HTTP %ld, VncUrl is "
		    "missing or holds a refused character", status);
	if (!request_id_ok(rid))
		return fail(err, inst, "BadResponse", "HTTP %ld, RequestId "
		    "is missing or malformed", status);
	if ((res->vnc_url = strdup(url)) == NULL)
		return fail(err, inst, "ClientError", "out of memory");
	vg_strlcpy(res->request_id, rid, sizeof(res->request_id));
	vg_strlcpy(err->request_id, rid, sizeof(err->request_id));
	return 0;
}

static int
parse_error(json_t *root, long status, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	/* no Code: HTTP<status>, so that a 5xx is still retried */
	cloud_parse_error(root, status, NULL, NULL, err);
	cloud_explain(err->code, inst, err);
	return -1;
}

int
ecs_parse_answer(long status, const char *body, size_t len,
    const struct vg_instance *inst, struct ecs_result *res,
    struct vg_cloud_err *err)
{
	char why[VG_ERRLEN];
	json_t *root;
	int attempts = err->attempts, rc;

	memset(res, 0, sizeof(*res));
	cloud_err_clear(err);
	err->attempts = attempts;
	err->http_status = status;
	/* a duplicate key could smuggle a second VncUrl past a checker */
	if ((root = cloud_json_load(body, len, why, sizeof(why))) == NULL)
		return fail(err, inst, "BadResponse", "HTTP %ld, %s", status,
		    why);
	if (status >= 200 && status <= 299)
		rc = parse_ok(root, status, inst, res, err);
	else
		rc = parse_error(root, status, inst, err);
	/* jansson's copy of the VncUrl goes too */
	cloud_json_free_wiped(root);
	return rc;
}

void
ecs_result_free(struct ecs_result *res)
{
	if (res == NULL)
		return;
	vg_freestr(res->vnc_url);
	memset(res, 0, sizeof(*res));
}

/* URLs ------------------------------------------------------------------- */

static int
page_ok(const char *page)
{
	const char *s;

	if (page == NULL || *page == '\0')
		return 0;
	/* our query string must be the only one, with no fragment before */
	for (s = page; *s != '\0'; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '?' || *s == '#')
			return 0;
	return 1;
}

int
ecs_console_url(const char *page, const char *vnc_url,
    const struct vg_instance *inst, char **url, char *err, size_t errlen)
{
	struct vg_buf b;

	*url = NULL;
	if (!page_ok(page)) {
		vg_seterr(err, errlen, "console_page must be a URL without "
		    "'?', '#' or spaces");
		return -1;
	}
	if (!ecs_vnc_url_ok(vnc_url) || !vg_valid_instance_id(inst->id)) {
		vg_seterr(err, errlen, "refusing to build a console URL from "
		    "unsafe characters");
		return -1;
	}
	/* VncUrl arrives percent-encoded: encoding it again breaks it */
	buf_init(&b);
	buf_addf(&b, "%s?vncUrl=%s&instanceId=%s&isWindows=%s", page,
	    vnc_url, inst->id, inst->windows ? "true" : "false");
	if ((*url = buf_take(&b)) == NULL) {
		vg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
ecs_endpoint(const struct vg_conf *conf, const struct vg_instance *inst,
    char *out, size_t outlen)
{
	const char *ep = conf->api.endpoint;
	const char *region = inst->region;
	size_t n;
	int w;

	if (ep != NULL && *ep != '\0') {
		n = cloud_base_len(ep);
		if (n == 0 || n >= outlen)
			return -1;
		memcpy(out, ep, n);
		out[n] = '\0';
		return 0;
	}
	if (region[0] == '\0' && conf->api.region != NULL)
		region = conf->api.region;
	/* the region becomes part of a host name */
	if (!vg_valid_region(region))
		return -1;
	w = snprintf(out, outlen, "https://ecs.%s.aliyuncs.com", region);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* One attempt ------------------------------------------------------------ */

/*
 * Send one request with a fresh nonce and timestamp, within what is left
 * of the deadline, and judge its answer.
 */
static int
attempt(struct call *c, struct ecs_result *res, struct vg_cloud_err *err)
{
	const struct sign_param q[] = {
		{ "InstanceId", c->inst->id }, { "RegionId", c->inst->region },
	};
	const struct cloud_rpc rpc = {
		.endpoint = c->endpoint,
		.action = ACTION,
		.version = API_VERSION,
		.params = q,
		.nparams = sizeof(q) / sizeof(q[0]),
		.sigver = c->conf->api.signature,
		.key_id = c->creds->id,
		.secret = c->creds->secret,
		.token = c->creds->token,
		.place = CLOUD_PARAMS_QUERY,
		.timeout_ms = (long)(c->deadline - vg_now_ms()),
		.what = NULL,
		.own_code = "ClientError",
	};
	struct http_response resp;
	int attempts = err->attempts, rc;

	cloud_err_clear(err);
	err->attempts = attempts;
	c->retry_after[0] = '\0';
	if (rpc.timeout_ms <= 0)
		return fail(err, c->inst, "Timeout", "api.timeout of %ld s "
		    "used up", c->conf->api.timeout);
	if (cloud_rpc_call(c->http, &rpc, &resp, err) == -1) {
		cloud_explain(err->code, c->inst, err);
		return -1;
	}
	rc = ecs_parse_answer(resp.status, resp.body, resp.len, c->inst, res,
	    err);
	vg_strlcpy(c->retry_after, resp.retry_after, sizeof(c->retry_after));
	http_response_free(&resp);
	return rc;
}

/* The retry loop --------------------------------------------------------- */

/* The server's x-acs-retry-after (milliseconds), else 200 ms * 2^n. */
long long
ecs_backoff(int n, const char *retry_after)
{
	unsigned int rnd = 0;
	long long ms, base;

	if (retry_after[0] != '\0' && strlen(retry_after) <= 9 &&
	    strspn(retry_after, "0123456789") == strlen(retry_after)) {
		ms = strtoll(retry_after, NULL, 10);
		return ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS;
	}
	base = BACKOFF_MS << (n < 10 ? n : 10);
	/*
	 * Jitter spreads the retries of many bastions; it guards nothing,
	 * so a failed getrandom just means none.
	 */
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = 0;
	ms = base / 2 + (long long)(rnd % (unsigned int)(base / 2 + 1));
	return ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS;
}

void
ecs_nap(long long ms)
{
	struct timespec ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

static int
call_init(struct call *c, struct http_client *http,
    const struct vg_conf *conf, const struct vg_creds *creds,
    const struct vg_instance *inst, struct vg_cloud_err *err)
{
	memset(c, 0, sizeof(*c));
	c->http = http;
	c->conf = conf;
	c->creds = creds;
	c->inst = inst;
	if (creds == NULL || creds->id[0] == '\0' || creds->secret == NULL)
		return fail(err, inst, "CredentialsUnavailable",
		    "no credentials to sign with");
	if (!vg_valid_instance_id(inst->id) || !vg_valid_region(inst->region))
		return fail(err, inst, "ClientError", "instance %s has an "
		    "invalid ID or region", inst->name);
	/* cloud_rpc_call refuses a path: it would not match the signed "/" */
	if (ecs_endpoint(conf, inst, c->endpoint, sizeof(c->endpoint)) == -1)
		return fail(err, inst, "ClientError", "api.endpoint is too "
		    "long or the region is invalid");
	c->deadline = vg_now_ms() + 1000LL *
	    (conf->api.timeout > 0 ? conf->api.timeout : 10);
	return 0;
}

int
ecs_describe_vnc_url(struct http_client *http, const struct vg_conf *conf,
    const struct vg_creds *creds, const struct vg_instance *inst,
    struct ecs_result *res, struct vg_cloud_err *err)
{
	struct call c;
	char why[VG_ERRLEN];
	long long wait;
	long max = conf->api.retries > 0 ? conf->api.retries : 0;
	int n, rc;

	memset(res, 0, sizeof(*res));
	cloud_err_clear(err);
	if (call_init(&c, http, conf, creds, inst, err) == -1)
		return -1;
	for (n = 0;; n++) {
		if ((rc = attempt(&c, res, err)) == 0 || n >= max ||
		    !cloud_retryable(err))
			break;
		/* never sleep past the deadline, nor into a hopeless try */
		wait = ecs_backoff(n, c.retry_after);
		if (vg_now_ms() + wait + ATTEMPT_MIN_MS >= c.deadline)
			break;
		ecs_nap(wait);
	}
	res->attempts = err->attempts;
	if (rc == 0 && ecs_vnc_url_allowed(res->vnc_url, conf->api.vnc_hosts,
	    conf->api.nvnc_hosts, why, sizeof(why)) == -1) {
		/* the URL goes; the call's RequestId stays in err */
		ecs_result_free(res);
		rc = fail(err, inst, "BadVncUrl", "%s", why);
	}
	return rc;
}
