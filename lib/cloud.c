/* SPDX-License-Identifier: ISC */
/*
 * What ecs.c and creds_sts.c share (see cloud.h): the signed RPC request
 * in both signature versions (doc/wire.md
 * a, b), the transport codes, the reading of an error answer and the
 * loading and wiping of JSON that may hold secrets.
 *
 * The request carries an AccessKeySecret, maybe a SecurityToken, and the
 * answers may carry secrets: every buffer is wiped before it is freed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cloud.h"
#include "util.h"
#include "wipe.h"

#define FORM_TYPE	"application/x-www-form-urlencoded"
#define COMMON_MAX	9	/* V1's own parameters, SecurityToken too */
#define HEADERS_MAX	12
#define HOST_MAX	256
#define MESSAGE_MAX	200	/* of the cloud's Message, in the detail */

/* One request on its way: what both signature versions fill in. */
struct msg {
	const struct cloud_rpc	*rq;
	char			 host[HOST_MAX];
	char			 date[21];
	char			 nonce[33];
	char			 sha[65];
	struct vg_buf		 query;		/* after "/?"; empty: none */
	struct vg_buf		 body;
	struct http_header	 h[HEADERS_MAX];
	size_t			 nh;
	struct sign_v3		 v3;		/* holds the Authorization */
};

/* URLs ------------------------------------------------------------------- */

size_t
cloud_base_len(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return n;
}

char *
cloud_join_url(const char *base, const char *fmt, const char *rest)
{
	struct vg_buf b;

	buf_init(&b);
	buf_add(&b, base, cloud_base_len(base));
	buf_addf(&b, fmt, rest);
	return buf_take(&b);
}

/*
 * The host[:port] of an endpoint that is exactly http(s)://HOST[:PORT]
 * (trailing slashes aside): a path would not match the signed "/".
 */
static int
endpoint_host(const char *endpoint, char *host, size_t hostlen)
{
	if (endpoint == NULL ||
	    http_url_host(endpoint, host, hostlen) == -1)
		return -1;
	return strcspn(endpoint, ":") + strlen("://") + strlen(host) ==
	    cloud_base_len(endpoint) ? 0 : -1;
}

/* Building the request --------------------------------------------------- */

static void
header(struct msg *m, const char *name, const char *value)
{
	if (m->nh < HEADERS_MAX)
		m->h[m->nh++] = (struct http_header){ name, value };
}

/* V1's common parameters; returns how many. */
static size_t
v1_common(const struct msg *m, struct sign_param p[COMMON_MAX])
{
	const struct cloud_rpc *rq = m->rq;
	size_t n = 0;

	p[n++] = (struct sign_param){ "Action", rq->action };
	p[n++] = (struct sign_param){ "Version", rq->version };
	p[n++] = (struct sign_param){ "Format", "JSON" };
	p[n++] = (struct sign_param){ "AccessKeyId", rq->key_id };
	p[n++] = (struct sign_param){ "SignatureMethod", "HMAC-SHA1" };
	p[n++] = (struct sign_param){ "SignatureVersion", "1.0" };
	p[n++] = (struct sign_param){ "Timestamp", m->date };
	p[n++] = (struct sign_param){ "SignatureNonce", m->nonce };
	if (rq->token != NULL)
		p[n++] = (struct sign_param){ "SecurityToken", rq->token };
	return n;
}

/* V1: the signature goes with the parameters, in the body or the query. */
static int
v1_build(struct msg *m, char *why, size_t whylen)
{
	const struct cloud_rpc *rq = m->rq;
	struct sign_param p[COMMON_MAX + CLOUD_PARAMS_MAX + 1];
	struct sign_v1 sv;
	size_t nc = v1_common(m, p);
	int rc;

	if (rq->nparams > 0)
		memcpy(p + nc, rq->params, rq->nparams * sizeof(*p));
	if (sign_v1("POST", p, nc + rq->nparams, rq->secret, &sv, why,
	    whylen) == -1)
		return -1;
	if (rq->place == CLOUD_PARAMS_QUERY)
		rc = buf_adds(&m->body, sv.query);
	else {
		p[nc] = (struct sign_param){ "Signature", sv.signature };
		rc = sign_form_encode(&m->query, p, nc + 1) |
		    sign_form_encode(&m->body, rq->params, rq->nparams);
	}
	sign_v1_free(&sv);
	header(m, "Content-Type", FORM_TYPE);
	return rc == 0 ? 0 : -1;
}

/* The headers V3 signs (and sends as they are); returns how many. */
static size_t
v3_headers(struct msg *m, struct sign_param h[HEADERS_MAX])
{
	const struct cloud_rpc *rq = m->rq;
	size_t n = 0;

	h[n++] = (struct sign_param){ "host", m->host };
	h[n++] = (struct sign_param){ "x-acs-action", rq->action };
	h[n++] = (struct sign_param){ "x-acs-version", rq->version };
	h[n++] = (struct sign_param){ "x-acs-date", m->date };
	h[n++] = (struct sign_param){ "x-acs-signature-nonce", m->nonce };
	h[n++] = (struct sign_param){ "x-acs-content-sha256", m->sha };
	if (rq->token != NULL) {
		h[n++] = (struct sign_param){ "x-acs-security-token",
		    rq->token };
		h[n++] = (struct sign_param){ "x-acs-accesskey-id",
		    rq->key_id };
	}
	if (m->body.len > 0)
		h[n++] = (struct sign_param){ "content-type", FORM_TYPE };
	return n;
}

/* V3: the API parameters in the query or the body, x-acs-* headers. */
static int
v3_build(struct msg *m, char *why, size_t whylen)
{
	const struct cloud_rpc *rq = m->rq;
	const int form = rq->place == CLOUD_PARAMS_BODY;
	struct sign_param h[HEADERS_MAX];
	struct sign_v3_req sr;
	size_t n, i;

	if (form && sign_form_encode(&m->body, rq->params, rq->nparams) ==
	    -1) {
		vg_seterr(why, whylen, "out of memory");
		return -1;
	}
	vg_sha256_hex(m->body.p, m->body.len, m->sha);
	n = v3_headers(m, h);
	sr = (struct sign_v3_req){ "POST", "/", form ? NULL : rq->params,
	    form ? 0 : rq->nparams, h, n, m->body.p, m->body.len,
	    rq->key_id, rq->secret };
	if (sign_v3(&sr, &m->v3, why, whylen) == -1)
		return -1;
	for (i = 0; i < n; i++)
		header(m, h[i].name, h[i].value);
	header(m, "Authorization", m->v3.authorization);
	return buf_adds(&m->query, m->v3.query) == 0 ? 0 : -1;
}

/* Sending ---------------------------------------------------------------- */

static enum http_result
post(struct http_client *http, struct msg *m, struct http_response *resp,
    char *why, size_t whylen)
{
	struct http_request req;
	enum http_result r = HTTP_ERR_INTERNAL;
	char *url;

	header(m, "Accept", "application/json");
	if (m->query.len > 0)
		url = cloud_join_url(m->rq->endpoint, "/?%s", m->query.p);
	else
		url = cloud_join_url(m->rq->endpoint, "%s", "/");
	if (url == NULL || m->query.oom || m->body.oom) {
		vg_seterr(why, whylen, "out of memory");
		vg_freestr(url);
		return r;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers = m->h;
	req.nheaders = m->nh;
	req.body = m->body.len > 0 ? m->body.p : "";
	req.bodylen = m->body.len;
	req.require_https = 1;
	req.timeout_ms = m->rq->timeout_ms;
	r = http_do(http, &req, resp, why, whylen);
	/* V1's query holds the Signature and the SecurityToken */
	vg_freestr(url);
	return r;
}

/* Everything the request needs before it can be signed. */
static int
prepare(struct msg *m, char *why, size_t whylen)
{
	const struct cloud_rpc *rq = m->rq;

	if (rq->nparams > CLOUD_PARAMS_MAX ||
	    (rq->nparams > 0 && rq->params == NULL)) {
		vg_seterr(why, whylen, "%zu API parameters: at most %d",
		    rq->nparams, CLOUD_PARAMS_MAX);
		return -1;
	}
	if (endpoint_host(rq->endpoint, m->host, sizeof(m->host)) == -1) {
		vg_seterr(why, whylen, "the endpoint must be "
		    "http(s)://HOST[:PORT], without a path");
		return -1;
	}
	if (vg_random_hex(m->nonce, 16) == -1) {
		vg_seterr(why, whylen, "no random nonce");
		return -1;
	}
	sign_timestamp(time(NULL), m->date);
	return 0;
}

int
cloud_rpc_call(struct http_client *http, const struct cloud_rpc *rq,
    struct http_response *resp, struct vg_cloud_err *err)
{
	struct msg m;
	char why[VG_ERRLEN] = "";
	enum http_result r = HTTP_ERR_INTERNAL;

	memset(&m, 0, sizeof(m));
	memset(resp, 0, sizeof(*resp));
	m.rq = rq;
	buf_init(&m.query);
	buf_init(&m.body);
	if (prepare(&m, why, sizeof(why)) == 0 &&
	    (rq->sigver == VG_SIG_V1 ? v1_build : v3_build)(&m, why,
	    sizeof(why)) == 0)
		r = post(http, &m, resp, why, sizeof(why));
	else if (why[0] == '\0')
		vg_seterr(why, sizeof(why), "out of memory");
	/* the body may hold the SecurityToken, the headers point into v3 */
	buf_free(&m.query);
	buf_free(&m.body);
	sign_v3_free(&m.v3);
	vg_wipe(&m, sizeof(m));
	if (r != HTTP_ERR_INTERNAL && r != HTTP_ERR_POLICY)
		err->attempts++;
	if (r == HTTP_OK)
		return 0;
	cloud_err_detail(err, cloud_transport_code(r, rq->own_code), rq->what,
	    "%s", why);
	return -1;
}

/* Error answers ---------------------------------------------------------- */

/* Cloud text bound for syslog: printable ASCII, '?' for anything else. */
static void
clean_copy(char *dst, size_t dstlen, const char *src)
{
	size_t n = 0;

	for (; src != NULL && *src != '\0' && n + 1 < dstlen; src++)
		dst[n++] = *src >= 0x20 && *src < 0x7f ? *src : '?';
	dst[n] = '\0';
}

void
cloud_parse_error(json_t *root, long status, const char *what,
    const char *nocode, struct vg_cloud_err *err)
{
	char code[sizeof(err->code)], msg[MESSAGE_MAX];

	clean_copy(code, sizeof(code), cloud_json_str(root, "Code"));
	clean_copy(msg, sizeof(msg), cloud_json_str(root, "Message"));
	clean_copy(err->request_id, sizeof(err->request_id),
	    cloud_json_str(root, "RequestId"));
	if (code[0] == '\0' && nocode != NULL)
		vg_strlcpy(code, nocode, sizeof(code));
	else if (code[0] == '\0')
		snprintf(code, sizeof(code), "HTTP%ld", status);
	err->http_status = status;
	cloud_err_detail(err, code, what, "HTTP %ld, Code %s, Message %s",
	    status, code, msg);
}

/* JSON ------------------------------------------------------------------- */

json_t *
cloud_json_load(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	/* never je.text: "near '...'" may quote a piece of a secret */
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		if (json_error_code(&je) == json_error_duplicate_key)
			vg_seterr(err, errlen, "the answer repeats a key");
		else
			vg_seterr(err, errlen, "the answer is not valid JSON "
			    "(line %d, column %d)", je.line, je.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		vg_seterr(err, errlen, "the answer is not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

const char *
cloud_json_str(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

static void
wipe_tree(json_t *v)
{
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_string(v))
		vg_wipe((char *)json_string_value(v), json_string_length(v));
	else if (json_is_object(v)) {
		json_object_foreach(v, key, e)
			wipe_tree(e);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			wipe_tree(e);
	}
}

void
cloud_json_free_wiped(json_t *root)
{
	wipe_tree(root);
	json_decref(root);
}

void
cloud_json_wipe(void)
{
	json_set_alloc_funcs(vg_wipe_malloc, vg_wipe_free);
}
