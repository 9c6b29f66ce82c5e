/* SPDX-License-Identifier: ISC */
/*
 * ACS3-HMAC-SHA256 (V3) request signatures (doc/wire.md b): the input
 * checks, the canonical headers, the canonical request and the
 * Authorization header, each handed back for the vectors in
 * tests/vectors.  What V1 shares with it is in sign.c (sign_int.h).
 *
 * The canonical request carries x-acs-security-token and the HMAC key is
 * the AccessKeySecret: every buffer built here is wiped before it is
 * freed.
 */
#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "sign_int.h"

#define V3_ALGO		"ACS3-HMAC-SHA256"
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
	if (sign_check_method(r->method, err, errlen) == -1 ||
	    sign_check_secret(r->secret, err, errlen) == -1 ||
	    sign_check_params(r->query, r->nquery, 0, err, errlen) == -1 ||
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
	if ((out->query = sign_canon_query(r->query, r->nquery)) == NULL ||
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
	if (sign_hmac(EVP_sha256(), r->secret, strlen(r->secret),
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
