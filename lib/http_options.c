/* SPDX-License-Identifier: ISC */
/*
 * Every option a libcurl transfer gets (see http_int.h), as one table:
 * each row names the threat it answers, or what it is for when it only
 * carries the request.  A handle is reset before every request, so the
 * table is the whole of what libcurl is told; nothing is left over from
 * an earlier request, and nothing here depends on the environment.
 * Also the callbacks the transfer writes through: the body into a capped
 * buffer, two headers kept, the operator's Ctrl-C, and the one that has
 * OpenSSL wipe what it decrypted.
 */
#include <curl/curl.h>
#include <openssl/ssl.h>

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "http_int.h"
#include "util.h"

#ifndef VG_VERSION
#define VG_VERSION	"0"
#endif

/* Callbacks -------------------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	/* body.len never exceeds HTTP_BODY_MAX, so this cannot wrap */
	if (len > HTTP_BODY_MAX - x->body.len) {
		x->too_big = 1;
		return 0;
	}
	if (buf_add(&x->body, p, len) == -1) {
		x->oom = 1;
		return 0;
	}
	return len;
}

/*
 * OpenSSL decrypts a record in place, in its read buffer, and keeps the
 * plaintext (an answer: a VncUrl, a SecurityToken) until the buffer is
 * reused or freed unwiped; with this option it wipes the plaintext as
 * soon as it has handed it over (DESIGN 1.2).  What it sends it
 * encrypts in place, so no request stays there in the clear.
 */
static CURLcode
on_ssl_ctx(CURL *h, void *ctx, void *arg)
{
	(void)h;
	(void)arg;
	SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
	return CURLE_OK;
}

/* Nonzero ends the transfer: the operator pressed Ctrl-C. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const volatile sig_atomic_t *cancel = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return *cancel != 0;
}

/*
 * Keep the value of header name from one raw header line into out,
 * trimmed; an over-long or non-printable value is dropped, not cut.
 */
static void
keep_header(const char *line, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t nl = strlen(name), i;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	line += nl + 1;
	len -= nl + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n", line[len - 1]) != NULL)
		len--;
	out[0] = '\0';
	if (len >= outlen)
		return;
	for (i = 0; i < len; i++)
		if (line[i] < 0x20 || line[i] > 0x7e)
			return;
	memcpy(out, line, len);
	out[len] = '\0';
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_response *r = x->resp;
	size_t len = size * n;

	/* a new status line (after 1xx): forget the previous headers */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		r->retry_after[0] = '\0';
		r->content_type[0] = '\0';
		return len;
	}
	keep_header(p, len, "x-acs-retry-after", r->retry_after,
	    sizeof(r->retry_after));
	keep_header(p, len, "content-type", r->content_type,
	    sizeof(r->content_type));
	return len;
}

/* The table -------------------------------------------------------------- */

/* The values of one transfer, for the rows that take theirs from here. */
struct values {
	const void		*url;
	const void		*protocols;
	long			 timeout_ms;
	const void		*headers;
	const void		*body;
	curl_off_t		 bodylen;
	const void		*method;
	const void		*errbuf;
	const void		*cainfo;
	const void		*capath;
	const void		*ca_blob;
	long			 connect_ms;
	const void		*xfer;
	const void		*cancel;
	curl_write_callback	 on_body;
	curl_write_callback	 on_header;
	curl_xferinfo_callback	 on_progress;
	curl_ssl_ctx_callback	 on_ssl_ctx;
};

/* What an option takes: a constant, or a field of struct values. */
enum kind {
	K_LONG,		/* lv, or the long field */
	K_OFF,		/* lv as curl_off_t, or the curl_off_t field */
	K_STR,		/* sv */
	K_PTR,		/* the pointer field */
	K_WRITE,	/* the curl_write_callback field */
	K_XFERINFO,	/* the curl_xferinfo_callback field */
	K_SSLCTX,	/* the curl_ssl_ctx_callback field */
};

/* When a row applies: every bit it names must be set. */
#define W_PRIVILEGED	0x01	/* a setgid shell */
#define W_CANCEL	0x02	/* the menu's Ctrl-C can cancel */
#define W_NO_PROXY	0x04	/* the metadata service */
#define W_GET		0x08	/* a request without a body */
#define W_BODY		0x10	/* PUT or POST */

#define CONST		((size_t)-1)	/* no field: the constant */
#define F(field)	offsetof(struct values, field)

static const struct row {
	CURLoption	 opt;
	enum kind	 kind;
	long		 lv;
	const char	*sv;
	size_t		 field;
	unsigned	 when;
	const char	*why;
} rows[] = {
	/* the request */
	{ CURLOPT_URL, K_PTR, 0, NULL, F(url), 0,
	    "the URL, its scheme and host checked by http_do" },
	{ CURLOPT_PROTOCOLS_STR, K_PTR, 0, NULL, F(protocols), 0,
	    "no other scheme (file://, or http:// where https is required) "
	    "is ever fetched" },
	{ CURLOPT_REDIR_PROTOCOLS_STR, K_PTR, 0, NULL, F(protocols), 0,
	    "nor reached by a redirect, should one ever be followed" },
	{ CURLOPT_TIMEOUT_MS, K_LONG, 0, NULL, F(timeout_ms), 0,
	    "a server that trickles cannot hold the operator for ever" },
	{ CURLOPT_HTTPHEADER, K_PTR, 0, NULL, F(headers), 0,
	    "the headers, refused with a CR or LF by headers_build" },
	{ CURLOPT_UPLOAD, K_LONG, 0, NULL, CONST, 0,
	    "no earlier request's mode carries over" },
	{ CURLOPT_NOPROXY, K_STR, 0, "*", CONST, W_NO_PROXY,
	    "the metadata service's role credentials never pass a proxy" },
	{ CURLOPT_HTTPGET, K_LONG, 1, NULL, CONST, W_GET,
	    "GET" },
	{ CURLOPT_POSTFIELDS, K_PTR, 0, NULL, F(body), W_BODY,
	    "the body stays in our memory: libcurl keeps no copy that "
	    "would escape the wipe" },
	{ CURLOPT_POSTFIELDSIZE_LARGE, K_OFF, 0, NULL, F(bodylen), W_BODY,
	    "an empty body still says Content-Length: 0" },
	{ CURLOPT_CUSTOMREQUEST, K_PTR, 0, NULL, F(method), W_BODY,
	    "PUT or POST, as asked" },
	/* every request, whatever came before */
	{ CURLOPT_NOSIGNAL, K_LONG, 1, NULL, CONST, 0,
	    "libcurl raises no signal in a process whose signals the menu "
	    "owns" },
	{ CURLOPT_ERRORBUFFER, K_PTR, 0, NULL, F(errbuf), 0,
	    "libcurl's own words, cleaned before they reach a log" },
	{ CURLOPT_SSL_VERIFYPEER, K_LONG, 1, NULL, CONST, 0,
	    "a server whose certificate no trusted CA signed (a man in the "
	    "middle)" },
	{ CURLOPT_SSL_VERIFYHOST, K_LONG, 2, NULL, CONST, 0,
	    "a certificate made out to another host name" },
	{ CURLOPT_SSLVERSION, K_LONG, CURL_SSLVERSION_TLSv1_2, NULL, CONST,
	    0, "a downgrade to SSL 3, TLS 1.0 or TLS 1.1" },
	{ CURLOPT_CAINFO, K_PTR, 0, NULL, F(cainfo), 0,
	    "trust comes from ca_file or libcurl's built-in store, never "
	    "from the environment or OpenSSL's defaults (NULL with a "
	    "ca_file)" },
	{ CURLOPT_CAPATH, K_PTR, 0, NULL, F(capath), 0,
	    "the same for the folder of CA certificates (NULL with a "
	    "ca_file)" },
	{ CURLOPT_CAINFO_BLOB, K_PTR, 0, NULL, F(ca_blob), 0,
	    "ca_file as conf_load read it through secfile: the file that "
	    "was checked is the one trusted, not one swapped in later" },
	{ CURLOPT_SSL_CTX_FUNCTION, K_SSLCTX, 0, NULL, F(on_ssl_ctx), 0,
	    "an answer decrypted by OpenSSL (a VncUrl, a SecurityToken) "
	    "would stay in its read buffer: it wipes it once handed over" },
	{ CURLOPT_FOLLOWLOCATION, K_LONG, 0, NULL, CONST, 0,
	    "a redirect would carry a signed query or a token to another "
	    "host" },
	{ CURLOPT_MAXFILESIZE_LARGE, K_OFF, HTTP_BODY_MAX, NULL, CONST, 0,
	    "an endless answer cannot exhaust memory (on_body caps it too)" },
	{ CURLOPT_CONNECTTIMEOUT_MS, K_LONG, 0, NULL, F(connect_ms), 0,
	    "an address that drops packets cannot hold the operator for "
	    "ever" },
	{ CURLOPT_USERAGENT, K_STR, 0, "vncgate/" VG_VERSION, CONST, 0,
	    "the server's logs name the client" },
	{ CURLOPT_WRITEFUNCTION, K_WRITE, 0, NULL, F(on_body), 0,
	    "the body into our own capped buffer, wiped when freed" },
	{ CURLOPT_WRITEDATA, K_PTR, 0, NULL, F(xfer), 0,
	    "(on_body's)" },
	{ CURLOPT_HEADERFUNCTION, K_WRITE, 0, NULL, F(on_header), 0,
	    "only x-acs-retry-after and content-type are kept, printable" },
	{ CURLOPT_HEADERDATA, K_PTR, 0, NULL, F(xfer), 0,
	    "(on_header's)" },
	{ CURLOPT_PROXY, K_STR, 0, "", CONST, W_PRIVILEGED,
	    "the invoker's proxy variables cannot redirect a setgid shell's "
	    "signed calls" },
	{ CURLOPT_XFERINFOFUNCTION, K_XFERINFO, 0, NULL, F(on_progress),
	    W_CANCEL, "the operator's Ctrl-C abandons a request in flight" },
	{ CURLOPT_XFERINFODATA, K_PTR, 0, NULL, F(cancel), W_CANCEL,
	    "(on_progress's)" },
	{ CURLOPT_NOPROGRESS, K_LONG, 0, NULL, CONST, W_CANCEL,
	    "(on_progress is called only with this off)" },
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* One row; libcurl reads each value as the type the option wants. */
static CURLcode
set_row(CURL *h, const struct row *r, const struct values *v)
{
	const char *f = (const char *)v + (r->field != CONST ? r->field : 0);

	switch (r->kind) {
	case K_LONG:
		return curl_easy_setopt(h, r->opt, r->field == CONST ? r->lv :
		    *(const long *)(const void *)f);
	case K_OFF:
		return curl_easy_setopt(h, r->opt, r->field == CONST ?
		    (curl_off_t)r->lv : *(const curl_off_t *)(const void *)f);
	case K_STR:
		return curl_easy_setopt(h, r->opt, r->sv);
	case K_PTR:
		return curl_easy_setopt(h, r->opt,
		    *(const void *const *)(const void *)f);
	case K_WRITE:
		return curl_easy_setopt(h, r->opt,
		    *(const curl_write_callback *)(const void *)f);
	case K_SSLCTX:
		return curl_easy_setopt(h, r->opt,
		    *(const curl_ssl_ctx_callback *)(const void *)f);
	case K_XFERINFO:
		return curl_easy_setopt(h, r->opt,
		    *(const curl_xferinfo_callback *)(const void *)f);
	}
	return CURLE_BAD_FUNCTION_ARGUMENT;
}

int
http_options_set(struct http_client *c, const struct http_request *req,
    int body, struct curl_slist *hdrs, struct xfer *x)
{
	const struct values v = {
		.url = req->url,
		.protocols = req->require_https ? "https" : "http,https",
		.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms :
		    c->timeout_ms,
		.headers = hdrs,
		/* POSTFIELDS with an explicit size: libcurl copies nothing */
		.body = req->body != NULL ? req->body : "",
		.bodylen = (curl_off_t)(req->body != NULL ? req->bodylen : 0),
		.method = req->method,
		.errbuf = c->errbuf,
		.cainfo = c->cainfo,
		.capath = c->capath,
		.ca_blob = c->ca_blobp,
		.connect_ms = c->connect_ms,
		.xfer = x,
		.cancel = (const void *)c->cancel,
		.on_body = on_body,
		.on_header = on_header,
		.on_progress = on_progress,
		.on_ssl_ctx = on_ssl_ctx,
	};
	unsigned have = (c->privileged ? W_PRIVILEGED : 0) |
	    (c->cancel != NULL ? W_CANCEL : 0) |
	    (req->no_proxy ? W_NO_PROXY : 0) | (body ? W_BODY : W_GET);
	size_t i;
	int bad = 0;

	for (i = 0; i < NROWS; i++)
		if ((rows[i].when & have) == rows[i].when)
			bad += set_row(c->h, &rows[i], &v) != CURLE_OK;
	return bad ? -1 : 0;
}
