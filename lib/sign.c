/* SPDX-License-Identifier: ISC */
/*
 * Alibaba Cloud request signatures: what V1 (HMAC-SHA1) and
 * ACS3-HMAC-SHA256 (V3, in sign_v3.c) share, and V1 itself.  The
 * algorithms are in doc/wire.md sections a and b; every intermediate
 * string is handed back so the unit tests can compare each one with the
 * SDK-generated vectors in tests/vectors.
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
#include "sign_int.h"

#define METHOD_MAX	16

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

int
sign_hmac(const EVP_MD *md, const void *key, size_t keylen, const char *msg,
    unsigned char *out, unsigned int *outlen)
{
	if (keylen > INT_MAX)
		return -1;
	return HMAC(md, key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, outlen) == NULL ? -1 : 0;
}

/* Input checks ---------------------------------------------------------- */

int
sign_check_method(const char *m, char *err, size_t errlen)
{
	if (!vg_charset_ok(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", METHOD_MAX)) {
		vg_seterr(err, errlen, "The HTTP method to sign must be "
		    "1-%d upper-case letters.", METHOD_MAX);
		return -1;
	}
	return 0;
}

int
sign_check_secret(const char *secret, char *err, size_t errlen)
{
	if (secret == NULL || *secret == '\0') {
		vg_seterr(err, errlen, "No AccessKeySecret to sign with.");
		return -1;
	}
	return 0;
}

/* v1: "Signature" is the result, so a caller passing it made a mistake. */
int
sign_check_params(const struct sign_param *v, size_t n, int v1, char *err,
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

char *
sign_canon_query(const struct sign_param *v, size_t n)
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
	else if (sign_hmac(EVP_sha1(), key.p, key.len, out->string_to_sign, md,
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
	if (sign_check_method(method, err, errlen) == -1 ||
	    sign_check_secret(secret, err, errlen) == -1 ||
	    sign_check_params(params, n, 1, err, errlen) == -1)
		return -1;
	vg_seterr(err, errlen, "Out of memory while signing.");
	if ((out->canonical = sign_canon_query(params, n)) == NULL ||
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
