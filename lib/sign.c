/* SPDX-License-Identifier: ISC */
/*
 * Alibaba Cloud request signatures: RPC V1 (HMAC-SHA1) and
 * ACS3-HMAC-SHA256 (V3).  The algorithms are in
 * doc/wire.md sections a and b; every
 * intermediate string is handed back so the unit tests can compare each
 * one with the SDK-generated vectors in tests/vectors.
 *
 * Parameters may hold an STS SecurityToken and the V1 HMAC key holds the
 * AccessKeySecret, so every buffer built here is wiped before it is freed.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

#define V3_ALGO		"ACS3-HMAC-SHA256"
#define METHOD_MAX	16
#define KEY_ID_MAX	128

/* RFC 7230 tchar: what a header name may be made of. */
#define TOKEN_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789!#$%&'*+-.^_`|~"

/* A header to sign: lower-cased name (owned), trimmed value. */
struct hitem {
	char		*name;
	const char	*value;
	size_t		 vlen;
	size_t		 idx;
};

/* Shared pieces -------------------------------------------------------- */

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

int
sign_percent_encode(struct vg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];

	if (b == NULL || s == NULL)
		return -1;
	/* an empty input still leaves b->p a valid string */
	buf_add(b, "", 0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (unreserved(*p)) {
			buf_addc(b, (char)*p);
			continue;
		}
		/* upper-case hex: the server compares the encoded bytes */
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 15];
		buf_add(b, esc, sizeof(esc));
	}
	return b->oom ? -1 : 0;
}

int
sign_form_encode(struct vg_buf *b, const struct sign_param *v, size_t n)
{
	size_t i;
	int rc = 0;

	if (b == NULL || (n > 0 && v == NULL))
		return -1;
	buf_add(b, "", 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, '&');
		/* a NULL name or value fails rather than vanish */
		rc |= sign_percent_encode(b, v[i].name);
		buf_addc(b, '=');
		rc |= sign_percent_encode(b, v[i].value);
	}
	return rc != 0 || b->oom ? -1 : 0;
}

void
sign_timestamp(time_t t, char out[21])
{
	struct tm tm;

	/* no fraction: the API rejects "…:00.000Z" */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		out[0] = '\0';
}

static int
hmac(const EVP_MD *md, const void *key, size_t keylen, const char *msg,
    unsigned char *out, unsigned int *outlen)
{
	if (keylen > INT_MAX)
		return -1;
	return HMAC(md, key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, outlen) == NULL ? -1 : 0;
}

/* Input checks ---------------------------------------------------------- */

static int
check_method(const char *m, char *err, size_t errlen)
{
	if (!vg_charset_ok(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", METHOD_MAX)) {
		vg_seterr(err, errlen, "The HTTP method to sign must be "
		    "1-%d upper-case letters.", METHOD_MAX);
		return -1;
	}
	return 0;
}

static int
check_secret(const char *secret, char *err, size_t errlen)
{
	if (secret == NULL || *secret == '\0') {
		vg_seterr(err, errlen, "No AccessKeySecret to sign with.");
		return -1;
	}
	return 0;
}

/* v1: "Signature" is the result, so a caller passing it made a mistake. */
static int
check_params(const struct sign_param *v, size_t n, int v1, char *err,
    size_t errlen)
{
	size_t i;

	if (n > 0 && v == NULL) {
		vg_seterr(err, errlen, "The parameter list is missing.");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i].name == NULL || *v[i].name == '\0' ||
		    v[i].value == NULL) {
			vg_seterr(err, errlen, "Parameter %zu has no name "
			    "or no value.", i + 1);
			return -1;
		}
		if (v1 && strcmp(v[i].name, "Signature") == 0) {
			vg_seterr(err, errlen, "The Signature parameter "
			    "cannot itself be signed.");
			return -1;
		}
	}
	return 0;
}

/* Canonical query string (V1 and V3) ----------------------------------- */

static int
cmp_param(const void *a, const void *b)
{
	const struct sign_param *x = a, *y = b;
	int c;

	/*
	 * strcmp orders by unsigned byte: the SDK's code-unit order.  Equal
	 * pairs encode to the same text, so qsort need not be stable.
	 */
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

static char *
canon_query(const struct sign_param *v, size_t n)
{
	struct sign_param *sorted = NULL;
	struct vg_buf b;

	if (n > 0 && (sorted = calloc(n, sizeof(*sorted))) == NULL)
		return NULL;
	if (n > 0)
		memcpy(sorted, v, n * sizeof(*sorted));
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), cmp_param);
	buf_init(&b);
	sign_form_encode(&b, sorted, n);
	free(sorted);
	return buf_take(&b);
}

/* V1 ------------------------------------------------------------------ */

static int
v1_string_to_sign(const char *method, struct sign_v1 *out)
{
	struct vg_buf b;

	buf_init(&b);
	buf_adds(&b, method);
	buf_adds(&b, "&%2F&");
	sign_percent_encode(&b, out->canonical);
	return (out->string_to_sign = buf_take(&b)) == NULL ? -1 : 0;
}

static int
v1_hmac(const char *secret, struct sign_v1 *out, char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct vg_buf key;
	int rc = -1;

	/* key "secret&": after the &, a token secret that V1 never has */
	buf_init(&key);
	buf_adds(&key, secret);
	buf_addc(&key, '&');
	if (key.oom)
		vg_seterr(err, errlen, "Out of memory while signing.");
	else if (hmac(EVP_sha1(), key.p, key.len, out->string_to_sign, md,
	    &mdlen) == -1 || mdlen != 20)
		vg_seterr(err, errlen, "OpenSSL could not compute HMAC-SHA1.");
	else {
		/* 20 bytes give 28 base64 characters: fits signature[32] */
		EVP_EncodeBlock((unsigned char *)out->signature, md,
		    (int)mdlen);
		rc = 0;
	}
	buf_free(&key);
	vg_wipe(md, sizeof(md));
	return rc;
}

static int
v1_query(struct sign_v1 *out)
{
	struct vg_buf b;

	buf_init(&b);
	buf_adds(&b, out->canonical);
	buf_adds(&b, "&Signature=");
	sign_percent_encode(&b, out->signature);
	return (out->query = buf_take(&b)) == NULL ? -1 : 0;
}

int
sign_v1(const char *method, const struct sign_param *params, size_t n,
    const char *secret, struct sign_v1 *out, char *err, size_t errlen)
{
	if (out == NULL) {
		vg_seterr(err, errlen, "No place to put the V1 signature.");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if (check_method(method, err, errlen) == -1 ||
	    check_secret(secret, err, errlen) == -1 ||
	    check_params(params, n, 1, err, errlen) == -1)
		return -1;
	vg_seterr(err, errlen, "Out of memory while signing.");
	if ((out->canonical = canon_query(params, n)) == NULL ||
	    v1_string_to_sign(method, out) == -1 ||
	    v1_hmac(secret, out, err, errlen) == -1 ||
	    v1_query(out) == -1) {
		sign_v1_free(out);
		return -1;
	}
	vg_seterr(err, errlen, "%s", "");
	return 0;
}

void
sign_v1_free(struct sign_v1 *s)
{
	if (s == NULL)
		return;
	/* the canonical string carries the SecurityToken with STS keys */
	vg_freestr(s->canonical);
	vg_freestr(s->string_to_sign);
	vg_freestr(s->query);
	vg_wipe(s, sizeof(*s));
}

/* V3 input checks ------------------------------------------------------- */

/* Printable ASCII without space, '?' and '#': the path goes verbatim. */
static int
check_path(const char *p)
{
	if (p == NULL || *p != '/')
		return -1;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#')
			return -1;
	return 0;
}

/* A key ID with ',' or a space would split the Authorization header. */
static int
check_key_id(const char *id)
{
	size_t n;

	if (id == NULL || (n = strlen(id)) == 0 || n > KEY_ID_MAX)
		return -1;
	for (; *id != '\0'; id++)
		if (*id <= ' ' || *id >= 0x7f || *id == ',' || *id == ';')
			return -1;
	return 0;
}

/* CR or LF in a value would inject a header: tab is the one control. */
static int
check_header(const struct sign_param *h)
{
	const unsigned char *v;

	if (h->name == NULL || h->value == NULL ||
	    !vg_charset_ok(h->name, TOKEN_CHARS, 256))
		return -1;
	for (v = (const unsigned char *)h->value; *v != '\0'; v++)
		if ((*v < ' ' && *v != '\t') || *v == 0x7f)
			return -1;
	return 0;
}

static int
check_headers(const struct sign_v3_req *r, char *err, size_t errlen)
{
	size_t i;

	if (r->nheaders > 0 && r->headers == NULL) {
		vg_seterr(err, errlen, "The header list is missing.");
		return -1;
	}
	for (i = 0; i < r->nheaders; i++) {
		if (check_header(&r->headers[i]) == -1) {
			vg_seterr(err, errlen, "Header %zu has a bad name or "
			    "a control character in its value.", i + 1);
			return -1;
		}
	}
	return 0;
}

static int
check_v3(const struct sign_v3_req *r, char *err, size_t errlen)
{
	if (check_method(r->method, err, errlen) == -1 ||
	    check_secret(r->secret, err, errlen) == -1 ||
	    check_params(r->query, r->nquery, 0, err, errlen) == -1 ||
	    check_headers(r, err, errlen) == -1)
		return -1;
	if (check_path(r->path) == -1) {
		vg_seterr(err, errlen, "The request path must start with '/' "
		    "and hold only printable characters.");
		return -1;
	}
	if (check_key_id(r->key_id) == -1) {
		vg_seterr(err, errlen, "The AccessKeyId is empty, too long "
		    "or holds a space, ',' or ';'.");
		return -1;
	}
	if (r->body == NULL && r->bodylen > 0) {
		vg_seterr(err, errlen, "The request body is missing.");
		return -1;
	}
	return 0;
}

/* V3 canonical headers -------------------------------------------------- */

static char *
lower_dup(const char *s)
{
	char *d, *p;

	if ((d = strdup(s)) == NULL)
		return NULL;
	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return d;
}

static int
is_signed(const char *lname)
{
	return strcmp(lname, "host") == 0 ||
	    strcmp(lname, "content-type") == 0 ||
	    strncmp(lname, "x-acs-", 6) == 0;
}

static void
trim(const char *s, struct hitem *h)
{
	size_t n = strlen(s);

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	h->value = s;
	h->vlen = n;
}

static int
cmp_header(const void *a, const void *b)
{
	const struct hitem *x = a, *y = b;
	int c;

	/* equal names keep their given order: their values join with ',' */
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
free_headers(struct hitem *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(it[i].name);
	free(it);
}

/* The headers that get signed, sorted; NULL with *n = 0 when none. */
static int
collect_headers(const struct sign_v3_req *r, struct hitem **out, size_t *n)
{
	struct hitem *it;
	size_t i;
	char *name;

	*out = NULL;
	*n = 0;
	if (r->nheaders == 0)
		return 0;
	if ((it = calloc(r->nheaders, sizeof(*it))) == NULL)
		return -1;
	for (i = 0; i < r->nheaders; i++) {
		if ((name = lower_dup(r->headers[i].name)) == NULL) {
			free_headers(it, *n);
			*n = 0;
			return -1;
		}
		if (!is_signed(name)) {
			free(name);
			continue;
		}
		it[*n].name = name;
		it[*n].idx = i;
		trim(r->headers[i].value, &it[(*n)++]);
	}
	qsort(it, *n, sizeof(*it), cmp_header);
	*out = it;
	return 0;
}

/* "name:v1,v2\n" per name into canon, "a;b" into names. */
static int
canon_headers(const struct sign_v3_req *r, struct vg_buf *canon,
    struct vg_buf *names)
{
	struct hitem *it;
	size_t i, n;

	if (collect_headers(r, &it, &n) == -1)
		return -1;
	buf_add(canon, "", 0);
	buf_add(names, "", 0);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(it[i].name, it[i - 1].name) != 0) {
			if (i > 0)
				buf_addc(names, ';');
			buf_adds(names, it[i].name);
			buf_adds(canon, it[i].name);
			buf_addc(canon, ':');
		} else
			buf_addc(canon, ',');
		buf_add(canon, it[i].value, it[i].vlen);
		if (i + 1 == n || strcmp(it[i].name, it[i + 1].name) != 0)
			buf_addc(canon, '\n');
	}
	free_headers(it, n);
	return canon->oom || names->oom ? -1 : 0;
}

/* V3 ------------------------------------------------------------------ */

static int
v3_canonical(const struct sign_v3_req *r, struct sign_v3 *out)
{
	struct vg_buf heads, names, cr;
	int rc = -1;

	buf_init(&heads);
	buf_init(&names);
	buf_init(&cr);
	if ((out->query = canon_query(r->query, r->nquery)) == NULL ||
	    canon_headers(r, &heads, &names) == -1)
		goto done;
	/* heads ends with '\n', hence the blank-looking line after it */
	buf_addf(&cr, "%s\n%s\n%s\n%s\n%s\n%s", r->method, r->path,
	    out->query, heads.p, names.p, out->hashed_payload);
	if ((out->signed_headers = buf_take(&names)) == NULL ||
	    (out->canonical_request = buf_take(&cr)) == NULL)
		goto done;
	rc = 0;
done:
	buf_free(&heads);
	buf_free(&names);
	buf_free(&cr);
	return rc;
}

static int
v3_hmac(const struct sign_v3_req *r, struct sign_v3 *out, char *err,
    size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	/* unlike V1, the key is the bare secret (no '&') */
	if (hmac(EVP_sha256(), r->secret, strlen(r->secret),
	    out->string_to_sign, md, &mdlen) == -1 || mdlen != 32) {
		vg_seterr(err, errlen, "OpenSSL could not compute "
		    "HMAC-SHA256.");
		return -1;
	}
	vg_hex(md, mdlen, out->signature);
	vg_wipe(md, sizeof(md));
	return 0;
}

static int
v3_sign(const struct sign_v3_req *r, struct sign_v3 *out, char *err,
    size_t errlen)
{
	struct vg_buf b;

	vg_sha256_hex(out->canonical_request,
	    strlen(out->canonical_request), out->hashed_canonical);
	if (out->hashed_canonical[0] == '\0') {
		vg_seterr(err, errlen, "OpenSSL could not compute SHA-256.");
		return -1;
	}
	buf_init(&b);
	buf_addf(&b, V3_ALGO "\n%s", out->hashed_canonical);
	if ((out->string_to_sign = buf_take(&b)) == NULL)
		return -1;
	if (v3_hmac(r, out, err, errlen) == -1)
		return -1;
	buf_addf(&b, V3_ALGO " Credential=%s,SignedHeaders=%s,Signature=%s",
	    r->key_id, out->signed_headers, out->signature);
	return (out->authorization = buf_take(&b)) == NULL ? -1 : 0;
}

int
sign_v3(const struct sign_v3_req *r, struct sign_v3 *out, char *err,
    size_t errlen)
{
	if (r == NULL || out == NULL) {
		vg_seterr(err, errlen, "No request to sign.");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if (check_v3(r, err, errlen) == -1)
		return -1;
	vg_sha256_hex(r->body, r->bodylen, out->hashed_payload);
	if (out->hashed_payload[0] == '\0') {
		vg_seterr(err, errlen, "OpenSSL could not compute SHA-256.");
		return -1;
	}
	vg_seterr(err, errlen, "Out of memory while signing.");
	if (v3_canonical(r, out) == -1 || v3_sign(r, out, err, errlen) == -1) {
		sign_v3_free(out);
		return -1;
	}
	vg_seterr(err, errlen, "%s", "");
	return 0;
}

void
sign_v3_free(struct sign_v3 *s)
{
	if (s == NULL)
		return;
	/* the canonical request carries x-acs-security-token */
	vg_freestr(s->canonical_request);
	vg_freestr(s->string_to_sign);
	vg_freestr(s->signed_headers);
	vg_freestr(s->authorization);
	vg_freestr(s->query);
	vg_wipe(s, sizeof(*s));
}
