/* SPDX-License-Identifier: ISC */
/*
 * The one libcurl wrapper (see http.h): the client and one request, from
 * its checks to its result.  One easy handle per client, kept across
 * requests so that connections and TLS sessions are reused; every
 * request starts from curl_easy_reset (which keeps the connection cache)
 * and sets every option again (http_options.c), so no method, body or
 * header of an earlier request can leak into the next one.
 *
 * Trust comes only from ca_file (as PEM in memory, what conf_load read
 * through secfile: the file checked is the file trusted) or the system
 * store, in every mode:
 * - libcurl reads no CA variable itself (CURL_CA_BUNDLE, SSL_CERT_FILE and
 *   SSL_CERT_DIR are read by the curl tool, and by OpenSSL's default
 *   verify paths); CAINFO and CAPATH are always set explicitly, so
 *   OpenSSL's defaults are never consulted;
 * - OpenSSL reads OPENSSL_CONF and friends through secure_getenv, which
 *   is blind in a setgid process;
 * - libcurl reads the proxy variables (closed by CURLOPT_PROXY "", see
 *   http_options.c) and
 *   SSLKEYLOGFILE, which would write the TLS secrets of a setgid process
 *   to a file of the operator's choice: a privileged client refuses to
 *   start with it set.
 * libcurl 7.88 initialises itself (curl_global_init) on the first
 * curl_easy_init, thread-safely, so there is no global state here; a
 * program that handles secrets calls http_global_init first, so that
 * libcurl's frees wipe.
 */
#include <curl/curl.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "http_int.h"
#include "util.h"
#include "wipe.h"

/* Used when libcurl was built without a default (CURLINFO_CAINFO NULL). */
#define SYS_CAFILE	"/etc/ssl/certs/ca-certificates.crt"
#define SYS_CAPATH	"/etc/ssl/certs"

#define DEF_CONNECT_MS	3000L
#define DEF_TIMEOUT_MS	10000L
#define HOST_MAX	256

/* The methods we send; each body method posts a (maybe empty) body. */
static const struct {
	const char	*name;
	int		 body;
} methods[] = {
	{ "GET",	0 },
	{ "POST",	1 },
	{ "PUT",	1 },
};

/* libcurl results by class; anything not listed is a network failure. */
static const struct {
	CURLcode		cc;
	enum http_result	r;
} cc_map[] = {
	{ CURLE_OPERATION_TIMEDOUT,		HTTP_ERR_TIMEOUT },
	{ CURLE_PEER_FAILED_VERIFICATION,	HTTP_ERR_TLS },
	{ CURLE_SSL_CONNECT_ERROR,		HTTP_ERR_TLS },
	{ CURLE_SSL_CERTPROBLEM,		HTTP_ERR_TLS },
	{ CURLE_SSL_CIPHER,			HTTP_ERR_TLS },
	{ CURLE_SSL_CACERT_BADFILE,		HTTP_ERR_TLS },
	{ CURLE_SSL_ENGINE_NOTFOUND,		HTTP_ERR_TLS },
	{ CURLE_SSL_ENGINE_SETFAILED,		HTTP_ERR_TLS },
	{ CURLE_SSL_ENGINE_INITFAILED,		HTTP_ERR_TLS },
	{ CURLE_SSL_SHUTDOWN_FAILED,		HTTP_ERR_TLS },
	{ CURLE_SSL_CRL_BADFILE,		HTTP_ERR_TLS },
	{ CURLE_SSL_ISSUER_ERROR,		HTTP_ERR_TLS },
	{ CURLE_SSL_PINNEDPUBKEYNOTMATCH,	HTTP_ERR_TLS },
	{ CURLE_SSL_INVALIDCERTSTATUS,		HTTP_ERR_TLS },
	{ CURLE_SSL_CLIENTCERT,			HTTP_ERR_TLS },
	{ CURLE_USE_SSL_FAILED,			HTTP_ERR_TLS },
	{ CURLE_FILESIZE_EXCEEDED,		HTTP_ERR_TOO_BIG },
	{ CURLE_UNSUPPORTED_PROTOCOL,		HTTP_ERR_POLICY },
	{ CURLE_URL_MALFORMAT,			HTTP_ERR_POLICY },
	{ CURLE_TOO_MANY_REDIRECTS,		HTTP_ERR_POLICY },
	{ CURLE_ABORTED_BY_CALLBACK,		HTTP_ERR_CANCELLED },
	{ CURLE_OUT_OF_MEMORY,			HTTP_ERR_INTERNAL },
	{ CURLE_BAD_FUNCTION_ARGUMENT,		HTTP_ERR_INTERNAL },
	{ CURLE_FAILED_INIT,			HTTP_ERR_INTERNAL },
	{ CURLE_UNKNOWN_OPTION,			HTTP_ERR_INTERNAL },
	{ CURLE_NOT_BUILT_IN,			HTTP_ERR_INTERNAL },
};

/* Client ----------------------------------------------------------------- */

int
http_global_init(char *err, size_t errlen)
{
	if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, vg_wipe_malloc,
	    vg_wipe_free, vg_wipe_realloc, vg_wipe_strdup, vg_wipe_calloc) !=
	    CURLE_OK) {
		vg_seterr(err, errlen, "cannot start libcurl");
		return -1;
	}
	return 0;
}

static void
client_destroy(struct http_client *c)
{
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	free(c->cainfo);
	free(c->capath);
	free(c->ca_blob.data);
	free(c);
}

/*
 * The trust anchors, fixed now: ca_pem alone (a copy: CAINFO_BLOB with
 * no CAINFO and no CAPATH, so no file is opened later, by a path that
 * might name another file by then), or the paths libcurl was built with
 * (never what the environment would make OpenSSL pick).
 */
static int
client_trust(struct http_client *c, const char *ca_pem, size_t ca_len)
{
	char *info = NULL, *path = NULL;

	if (ca_pem != NULL) {
		if ((c->ca_blob.data = malloc(ca_len + 1)) == NULL)
			return -1;
		memcpy(c->ca_blob.data, ca_pem, ca_len);
		c->ca_blob.len = ca_len;
		c->ca_blob.flags = CURL_BLOB_NOCOPY;
		c->ca_blobp = &c->ca_blob;
		return 0;
	}
	if (curl_easy_getinfo(c->h, CURLINFO_CAINFO, &info) != CURLE_OK ||
	    info == NULL)
		info = SYS_CAFILE;
	if (curl_easy_getinfo(c->h, CURLINFO_CAPATH, &path) != CURLE_OK ||
	    path == NULL)
		path = SYS_CAPATH;
	c->cainfo = strdup(info);
	c->capath = strdup(path);
	return c->cainfo == NULL || c->capath == NULL ? -1 : 0;
}

int
http_client_new(struct http_client **out, const struct http_opts *o,
    char *err, size_t errlen)
{
	struct http_client *c;

	*out = NULL;
	/* libcurl would log this process's TLS secrets to that file */
	if (o->privileged && getenv("SSLKEYLOGFILE") != NULL) {
		vg_seterr(err, errlen, "SSLKEYLOGFILE is set: refusing to "
		    "open TLS connections that would be logged");
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->h = curl_easy_init()) == NULL) {
		vg_seterr(err, errlen, "cannot start libcurl");
		free(c);
		return -1;
	}
	if (client_trust(c, o->ca_pem, o->ca_len) == -1) {
		vg_seterr(err, errlen, "out of memory");
		client_destroy(c);
		return -1;
	}
	c->connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms :
	    DEF_CONNECT_MS;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEF_TIMEOUT_MS;
	c->privileged = o->privileged;
	c->cancel = o->cancel;
	*out = c;
	return 0;
}

void
http_client_free(struct http_client *c)
{
	if (c != NULL)
		client_destroy(c);
}

/* Request setup ---------------------------------------------------------- */

static int
header_ok(const struct http_header *h)
{
	const char *s;

	if (h->name == NULL || h->value == NULL || *h->name == '\0')
		return 0;
	for (s = h->name; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	/* a CR or LF in a value would inject a header or a request */
	for (s = h->value; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/* Wipe then free: the list holds tokens and signatures. */
static void
headers_free(struct curl_slist *l)
{
	struct curl_slist *e;

	for (e = l; e != NULL; e = e->next)
		vg_wipe(e->data, strlen(e->data));
	curl_slist_free_all(l);
}

static int
headers_add(struct curl_slist **l, const char *line)
{
	struct curl_slist *n;

	if ((n = curl_slist_append(*l, line)) == NULL)
		return -1;
	*l = n;
	return 0;
}

/*
 * The caller's headers, plus "Expect:" (no 100-continue round trip) and,
 * for a body without a Content-Type, "Content-Type:" so that libcurl adds
 * no form type of its own.
 */
static int
headers_build(const struct http_request *req, int body,
    struct curl_slist **out)
{
	struct vg_buf b;
	size_t i;
	int ctype = 0, rc = 0;

	*out = NULL;
	for (i = 0; i < req->nheaders && rc == 0; i++) {
		const struct http_header *h = &req->headers[i];

		if (!header_ok(h))
			rc = -1;
		else {
			ctype |= strcasecmp(h->name, "Content-Type") == 0;
			buf_init(&b);
			/* "name;" is how libcurl sends an empty value */
			if (buf_addf(&b, *h->value == '\0' ? "%s;" : "%s: %s",
			    h->name, h->value) == -1 ||
			    headers_add(out, b.p) == -1)
				rc = -1;
			buf_free(&b);
		}
	}
	if (rc == 0 && headers_add(out, "Expect:") == -1)
		rc = -1;
	if (rc == 0 && body && !ctype &&
	    headers_add(out, "Content-Type:") == -1)
		rc = -1;
	if (rc == -1) {
		headers_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Result ----------------------------------------------------------------- */

static enum http_result
classify(CURLcode cc, const struct xfer *x)
{
	size_t i;

	if (cc == CURLE_OK)
		return HTTP_OK;
	if (x->too_big)
		return HTTP_ERR_TOO_BIG;
	if (x->oom)
		return HTTP_ERR_INTERNAL;
	for (i = 0; i < sizeof(cc_map) / sizeof(cc_map[0]); i++)
		if (cc_map[i].cc == cc)
			return cc_map[i].r;
	return HTTP_ERR_NETWORK;
}

/*
 * libcurl's own words, made safe for a log: printable bytes only, and cut
 * at any '?' so that no query string can ride along.
 */
static void
curl_reason(const char *errbuf, CURLcode cc, char *out, size_t outlen)
{
	size_t i, n = 0;

	if (*errbuf == '\0')
		errbuf = curl_easy_strerror(cc);
	for (i = 0; errbuf[i] != '\0' && errbuf[i] != '?' && n + 1 < outlen;
	    i++)
		if (errbuf[i] >= 0x20 && errbuf[i] < 0x7f)
			out[n++] = errbuf[i];
	out[n] = '\0';
}

static void
describe(enum http_result r, const char *host, const struct http_client *c,
    CURLcode cc, long tmo, char *err, size_t errlen)
{
	char why[CURL_ERROR_SIZE];

	curl_reason(c->errbuf, cc, why, sizeof(why));
	switch (r) {
	case HTTP_ERR_TIMEOUT:
		vg_seterr(err, errlen, "%s did not answer in time (limit %ld "
		    "ms): %s", host, tmo, why);
		break;
	case HTTP_ERR_TLS:
		vg_seterr(err, errlen, "TLS with %s failed: %s", host, why);
		break;
	case HTTP_ERR_TOO_BIG:
		vg_seterr(err, errlen, "the answer from %s is larger than %d "
		    "bytes", host, HTTP_BODY_MAX);
		break;
	case HTTP_ERR_NETWORK:
		vg_seterr(err, errlen, "cannot reach %s: %s", host, why);
		break;
	case HTTP_ERR_CANCELLED:
		vg_seterr(err, errlen, "the request to %s was cancelled", host);
		break;
	default:
		vg_seterr(err, errlen, "the request to %s failed: %s",
		    host, why);
		break;
	}
}

static int
scheme_ok(const char *url, int require_https)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	return !require_https && strncasecmp(url, "http://", 7) == 0;
}

static int
method_body(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(methods) / sizeof(methods[0]);
	    i++)
		if (strcmp(methods[i].name, name) == 0)
			return methods[i].body;
	return -1;
}

/* Perform the prepared transfer and fill resp, or say why not. */
static enum http_result
perform(struct http_client *c, struct xfer *x, const char *host, long tmo,
    char *err, size_t errlen)
{
	struct http_response *resp = x->resp;
	enum http_result r;
	CURLcode cc;

	c->errbuf[0] = '\0';
	cc = curl_easy_perform(c->h);
	if ((r = classify(cc, x)) != HTTP_OK) {
		describe(r, host, c, cc, tmo, err, errlen);
		buf_free(&x->body);
		return r;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->len = x->body.len;
	if ((resp->body = buf_take(&x->body)) == NULL) {
		vg_seterr(err, errlen, "out of memory");
		return HTTP_ERR_INTERNAL;
	}
	return HTTP_OK;
}

enum http_result
http_do(struct http_client *c, const struct http_request *req,
    struct http_response *resp, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	char host[HOST_MAX];
	enum http_result r;
	struct xfer x;
	int body;

	memset(resp, 0, sizeof(*resp));
	if (c->cancel != NULL && *c->cancel) {
		vg_seterr(err, errlen, "the request was cancelled");
		return HTTP_ERR_CANCELLED;
	}
	/* the URL itself never goes into err: its query may be signed */
	if (req->url == NULL || http_url_host(req->url, host, sizeof(host))) {
		vg_seterr(err, errlen, "not an http or https URL with a host");
		return HTTP_ERR_POLICY;
	}
	if (!scheme_ok(req->url, req->require_https)) {
		vg_seterr(err, errlen, "%s must be reached over https", host);
		return HTTP_ERR_POLICY;
	}
	if ((body = method_body(req->method)) == -1 ||
	    headers_build(req, body, &hdrs) == -1) {
		vg_seterr(err, errlen, "refusing a malformed request to %s",
		    host);
		return HTTP_ERR_INTERNAL;
	}
	curl_easy_reset(c->h);
	memset(&x, 0, sizeof(x));
	x.resp = resp;
	if (http_options_set(c, req, body, hdrs, &x) == -1) {
		vg_seterr(err, errlen, "cannot set up a request to %s", host);
		r = HTTP_ERR_INTERNAL;
	} else
		r = perform(c, &x, host, req->timeout_ms > 0 ? req->timeout_ms :
		    c->timeout_ms, err, errlen);
	/* drop the handle's pointers to this request's headers and body */
	curl_easy_reset(c->h);
	headers_free(hdrs);
	return r;
}

void
http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	if (r->body != NULL) {
		vg_wipe(r->body, r->len);
		free(r->body);
	}
	memset(r, 0, sizeof(*r));
}

/* URL -------------------------------------------------------------------- */

int
http_url_host(const char *url, char *out, size_t outlen)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789.-:[]";
	const char *p;
	size_t n;

	if (url == NULL || outlen == 0)
		return -1;
	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return -1;
	n = strcspn(p, "/?#");
	/* user:password@host is refused, never silently stripped */
	if (n == 0 || n >= outlen || strspn(p, ok) < n || *p == ':')
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}
