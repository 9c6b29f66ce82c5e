/* SPDX-License-Identifier: ISC */
/*
 * lib/sign.c against the vectors the official SDK produced
 * (tests/vectors): every case is its own test, named after the case,
 * and every field is compared.  A wrong signature means every API call
 * fails with SignatureDoesNotMatch, so each intermediate is checked to
 * point at the step that broke.
 */
#include "unit.h"

#include <jansson.h>
#include <time.h>

#include "sign.h"

#define V1_FILE		VECTORS_DIR "/rpc-signature-v1.json"
#define V3_FILE		VECTORS_DIR "/acs3-hmac-sha256.json"
#define V1_CASES	18
#define V3_CASES	6
#define V3_WIRE		2
#define MAXP		64

#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Parameters taken from a vector; own[] holds the decoded copies. */
struct plist {
	struct sign_param	 p[MAXP];
	size_t			 n;
	char			*own[2 * MAXP];
	size_t			 nown;
};

/* Both vector files, loaded once by main and read by the tests. */
struct vectors {
	json_t	*v1;
	json_t	*v3;
	char	 err[512];
};

/* Helpers ------------------------------------------------------------- */

static void
plist_free(struct plist *l)
{
	size_t i;

	for (i = 0; i < l->nown; i++)
		free(l->own[i]);
	l->nown = 0;
	l->n = 0;
}

static void
plist_add(struct plist *l, const char *name, const char *value)
{
	if (l->n == MAXP)
		fail_msg("more than %d parameters in one vector", MAXP);
	l->p[l->n].name = name;
	l->p[l->n].value = value;
	l->n++;
}

static const char *
case_name(json_t *c)
{
	const char *s = json_string_value(json_object_get(c, "name"));

	return s != NULL ? s : "(unnamed)";
}

static const char *
str(json_t *c, const char *key)
{
	json_t *v = json_object_get(c, key);

	if (!json_is_string(v))
		fail_msg("case %s: no string field \"%s\"", case_name(c), key);
	return json_string_value(v);
}

/* Every string member of obj, except the key skip (may be NULL). */
static void
add_object(struct plist *l, json_t *c, const char *key, const char *skip)
{
	json_t *obj = json_object_get(c, key), *v;
	const char *k;

	if (!json_is_object(obj))
		fail_msg("case %s: \"%s\" is not an object", case_name(c), key);
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v))
			fail_msg("case %s: %s.%s is not a string",
			    case_name(c), key, k);
		if (skip == NULL || strcmp(k, skip) != 0)
			plist_add(l, k, json_string_value(v));
	}
}

/* Newlines shown as \n so a canonical request fits one TAP line. */
static char *
visible(const char *s)
{
	char *d, *p;

	if (s == NULL)
		return strdup("(null)");
	if ((d = malloc(2 * strlen(s) + 1)) == NULL)
		return NULL;
	for (p = d; *s != '\0'; s++) {
		if (*s == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else
			*p++ = *s;
	}
	*p = '\0';
	return d;
}

static void
expect(const char *cname, const char *field, const char *got,
    const char *want)
{
	char *g, *w;

	if (got != NULL && strcmp(got, want) == 0)
		return;
	g = visible(got);
	w = visible(want);
	/* stderr, not print_error: its buffer cuts a canonical request */
	fprintf(stderr, "# case %s, field %s\n#   got:  %s\n#   want: %s\n",
	    cname, field, g, w);
	free(g);
	free(w);
	fail_msg("case %s: %s differs from the vector", cname, field);
}

/* application/x-www-form-urlencoded decoding of s[0..n). */
static char *
decode(const char *s, size_t n)
{
	char *d, *p;
	size_t i;

	assert_non_null(d = malloc(n + 1));
	for (i = 0, p = d; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && vg_hexval(s[i + 1]) >= 0 &&
		    vg_hexval(s[i + 2]) >= 0) {
			*p++ = (char)(vg_hexval(s[i + 1]) * 16 +
			    vg_hexval(s[i + 2]));
			i += 2;
		} else
			*p++ = s[i] == '+' ? ' ' : s[i];
	}
	*p = '\0';
	return d;
}

/* Parse "a=1&b=2" into l, decoded. */
static void
parse_form(struct plist *l, const char *s)
{
	const char *end, *eq;
	char *name, *value;

	while (*s != '\0') {
		end = s + strcspn(s, "&");
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL)
			eq = end;
		name = decode(s, (size_t)(eq - s));
		value = eq < end ? decode(eq + 1, (size_t)(end - eq - 1)) :
		    strdup("");
		assert_non_null(value);
		l->own[l->nown++] = name;
		l->own[l->nown++] = value;
		plist_add(l, name, value);
		s = *end == '&' ? end + 1 : end;
	}
}

/* Value of the parameter name in l, removed from it; NULL if absent. */
static const char *
plist_take(struct plist *l, const char *name)
{
	const char *v;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->p[i].name, name) != 0)
			continue;
		v = l->p[i].value;
		l->p[i] = l->p[--l->n];
		return v;
	}
	return NULL;
}

/* Shared pieces -------------------------------------------------------- */

static void
test_vectors_loaded(void **state)
{
	struct vectors *v = *state;

	if (v->v1 == NULL || v->v3 == NULL)
		fail_msg("cannot read the vectors: %s", v->err);
	/* the reference promises these counts: a lost case is a defect */
	assert_int_equal(json_array_size(json_object_get(v->v1, "cases")),
	    V1_CASES);
	assert_int_equal(json_array_size(json_object_get(v->v3, "cases")),
	    V3_CASES);
	assert_int_equal(json_array_size(json_object_get(v->v3,
	    "wire_examples")), V3_WIRE);
}

static void
test_percent_encode(void **state)
{
	static const char *t[][2] = {
		{ " ", "%20" }, { "*", "%2A" }, { "~", "~" }, { "+", "%2B" },
		{ "/", "%2F" }, { "=&%", "%3D%26%25" },
		{ "!'()", "%21%27%28%29" },
		{ "AZaz09-_.", "AZaz09-_." }, { "", "" },
		{ "\xe6\xb5\x8b\xe8\xaf\x95", "%E6%B5%8B%E8%AF%95" },
		{ "\xf0\x9f\x98\x80", "%F0%9F%98%80" },
		{ "\xff\n", "%FF%0A" },
	};
	struct vg_buf b;
	char label[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_init(&b);
		assert_int_equal(sign_percent_encode(&b, t[i][0]), 0);
		assert_non_null(b.p);
		snprintf(label, sizeof(label), "encoding to %s", t[i][1]);
		expect("percent_encode", label, b.p, t[i][1]);
		buf_free(&b);
	}
	/* it appends: callers build "k=" then the encoded value */
	buf_init(&b);
	assert_int_equal(buf_adds(&b, "k="), 0);
	assert_int_equal(sign_percent_encode(&b, "a b"), 0);
	assert_string_equal(b.p, "k=a%20b");
	assert_int_equal(sign_percent_encode(&b, NULL), -1);
	assert_int_equal(sign_percent_encode(NULL, "x"), -1);
	buf_free(&b);
}

static void
test_form_encode(void **state)
{
	static const struct sign_param p[] = {
		{ "RoleArn", "acs:ram::1:role/r" }, { "Policy", "{\"a\": 1}" },
		{ "Empty", "" }, { "A", "x" },
	};
	struct vg_buf b;

	(void)state;
	/* the given order (STS's form body), not the canonical one */
	buf_init(&b);
	assert_int_equal(sign_form_encode(&b, p, 4), 0);
	assert_string_equal(b.p, "RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr&"
	    "Policy=%7B%22a%22%3A%201%7D&Empty=&A=x");
	buf_free(&b);
	/* nothing to encode is still a string; it appends, like the above */
	buf_init(&b);
	assert_int_equal(sign_form_encode(&b, NULL, 0), 0);
	assert_string_equal(b.p, "");
	assert_int_equal(sign_form_encode(&b, p + 3, 1), 0);
	assert_string_equal(b.p, "A=x");
	assert_int_equal(sign_form_encode(&b, NULL, 1), -1);
	assert_int_equal(sign_form_encode(&b, &(struct sign_param){ "RoleArn",
	    NULL }, 1), -1);
	assert_int_equal(sign_form_encode(NULL, p, 1), -1);
	buf_free(&b);
}

static void
test_sha256_hex(void **state)
{
	char out[65];

	(void)state;
	vg_sha256_hex("", 0, out);
	assert_string_equal(out, EMPTY_SHA256);
	vg_sha256_hex(NULL, 0, out);
	assert_string_equal(out, EMPTY_SHA256);
	vg_sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
test_nonce(void **state)
{
	char a[33], b[33];

	(void)state;
	assert_int_equal(vg_random_hex(a, 16), 0);
	assert_int_equal(vg_random_hex(b, 16), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_int_equal(strspn(b, "0123456789abcdef"), 32);
	/* a repeated nonce is refused by the API (SignatureNonceUsed) */
	assert_string_not_equal(a, b);
}

/*
 * The local zone at t is UTC+8.  glibc takes an unknown TZ (tzdata not
 * installed) for UTC without a word, and then the check below could not
 * tell a local time from UTC: that must fail, not pass.
 */
static void
assert_zone_is_utc8(time_t t)
{
	struct tm tm;

	assert_non_null(localtime_r(&t, &tm));
	if (tm.tm_gmtoff != 8 * 3600)
		fail_msg("TZ=Asia/Shanghai is %ld s from UTC here, not 28800: "
		    "is tzdata installed (make deps)?", (long)tm.tm_gmtoff);
}

static void
test_timestamp(void **state)
{
	char out[21], saved[128];
	const char *tz = getenv("TZ");

	(void)state;
	snprintf(saved, sizeof(saved), "%s", tz != NULL ? tz : "");
	sign_timestamp(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	/* UTC whatever the local zone: a local time is off by hours */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_zone_is_utc8(1768465800);
	sign_timestamp(1768465800, out);
	if (tz != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	assert_string_equal(out, "2026-01-15T08:30:00Z");
	sign_timestamp((time_t)2147483648LL, out);
	assert_string_equal(out, "2038-01-19T03:14:08Z");
}

/* V1 ------------------------------------------------------------------ */

static void
test_v1_bad_input(void **state)
{
	static const struct sign_param ok[] = { { "Action", "X" } };
	static const struct sign_param sig[] = { { "Signature", "x" } };
	static const struct sign_param noname[] = { { NULL, "x" } };
	static const struct sign_param noval[] = { { "A", NULL } };
	static const struct {
		const char *method, *secret;
		const struct sign_param *p;
		size_t n;
	} t[] = {
		{ "GET", NULL, ok, 1 }, { "GET", "", ok, 1 },
		{ NULL, "s", ok, 1 }, { "get", "s", ok, 1 },
		{ "GET", "s", NULL, 1 }, { "GET", "s", sig, 1 },
		{ "GET", "s", noname, 1 }, { "GET", "s", noval, 1 },
	};
	struct sign_v1 s;
	char err[VG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(sign_v1(t[i].method, t[i].p, t[i].n,
		    t[i].secret, &s, err, sizeof(err)), -1);
		if (strlen(err) < 10)
			fail_msg("bad input %zu: no reason given", i);
		assert_null(s.canonical);
		assert_null(s.query);
	}
	assert_int_equal(sign_v1("GET", ok, 1, "s", NULL, err, sizeof(err)),
	    -1);
}

static void
test_v1_duplicate_names(void **state)
{
	static const struct sign_param p[] = {
		{ "b", "" }, { "A", "2" }, { "A", "1" }, { "a", "x" },
	};
	struct sign_v1 s;
	char err[VG_ERRLEN];

	(void)state;
	assert_int_equal(sign_v1("GET", p, 4, "s", &s, err, sizeof(err)), 0);
	assert_string_equal(s.canonical, "A=1&A=2&a=x&b=");
	assert_int_equal(strlen(s.signature), 28);
	sign_v1_free(&s);
	assert_null(s.canonical);
}

/* Sign the request openapi-core put on the wire, as the server would. */
static void
v1_wire(json_t *c, const char *want_sig)
{
	json_t *w = json_object_get(c, "wire_openapi_core");
	const char *pq, *body, *got;
	struct plist l = { .n = 0 };
	struct sign_v1 s;
	char err[VG_ERRLEN];

	pq = str(w, "path_and_query");
	if (strncmp(pq, "/?", 2) != 0)
		fail_msg("case %s: odd wire path %s", case_name(c), pq);
	parse_form(&l, pq + 2);
	body = json_string_value(json_object_get(w, "body"));
	if (body != NULL)
		parse_form(&l, body);
	got = plist_take(&l, "Signature");
	expect(case_name(c), "wire Signature", got, want_sig);
	expect(case_name(c), "wire signature_on_wire",
	    str(w, "signature_on_wire"), want_sig);
	if (sign_v1(str(w, "method"), l.p, l.n, str(c, "access_key_secret"),
	    &s, err, sizeof(err)) == -1)
		fail_msg("case %s: wire sign_v1: %s", case_name(c), err);
	expect(case_name(c), "wire re-signed signature", s.signature,
	    want_sig);
	sign_v1_free(&s);
	plist_free(&l);
}

static void
test_v1_case(void **state)
{
	json_t *c = *state;
	const char *n = case_name(c), *secret = str(c, "access_key_secret");
	struct plist l = { .n = 0 };
	struct sign_v1 s;
	char err[VG_ERRLEN], key[512];

	if (json_object_get(c, "query_params") != NULL) {
		/* body params merge with query params before sorting */
		add_object(&l, c, "query_params", NULL);
		add_object(&l, c, "body_params", NULL);
	} else
		add_object(&l, c, "params", NULL);
	snprintf(key, sizeof(key), "%s&", secret);
	expect(n, "hmac_key", key, str(c, "hmac_key"));
	if (sign_v1(str(c, "method"), l.p, l.n, secret, &s, err,
	    sizeof(err)) == -1)
		fail_msg("case %s: sign_v1 failed: %s", n, err);
	expect(n, "canonicalized_query_string", s.canonical,
	    str(c, "canonicalized_query_string"));
	expect(n, "string_to_sign", s.string_to_sign,
	    str(c, "string_to_sign"));
	expect(n, "signature", s.signature, str(c, "signature"));
	expect(n, "final_query_string", s.query,
	    str(c, "final_query_string"));
	if (json_object_get(c, "doc_expected_signature") != NULL)
		expect(n, "doc_expected_signature", s.signature,
		    str(c, "doc_expected_signature"));
	if (json_object_get(c, "wire_openapi_core") != NULL)
		v1_wire(c, str(c, "signature"));
	sign_v1_free(&s);
}

/* V3 ------------------------------------------------------------------ */

static void
test_v3_bad_input(void **state)
{
	static const struct sign_param h[] = { { "host", "h" } };
	static const struct sign_param crlf[] = {
		{ "x-acs-action", "A\r\nx-evil: 1" },
	};
	static const struct sign_param badname[] = { { "x acs", "1" } };
	struct sign_v3_req ok = {
		.method = "POST", .path = "/", .headers = h, .nheaders = 1,
		.body = "", .key_id = "LTAIid", .secret = "s",
	};
	struct sign_v3_req t[9];
	struct sign_v3 s;
	char err[VG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < 9; i++)
		t[i] = ok;
	t[0].secret = NULL;
	t[1].key_id = "a,b";
	t[2].path = "x";
	t[3].body = NULL;
	t[3].bodylen = 4;
	t[4].headers = crlf;
	t[5].headers = badname;
	t[6].method = "post";
	t[7].nquery = 1;
	t[8].key_id = NULL;
	for (i = 0; i < 9; i++) {
		err[0] = '\0';
		assert_int_equal(sign_v3(&t[i], &s, err, sizeof(err)), -1);
		if (strlen(err) < 10)
			fail_msg("bad input %zu: no reason given", i);
		assert_null(s.authorization);
	}
	assert_int_equal(sign_v3(&ok, &s, err, sizeof(err)), 0);
	sign_v3_free(&s);
	assert_int_equal(sign_v3(NULL, &s, err, sizeof(err)), -1);
}

static void
test_v3_repeated_header(void **state)
{
	static const struct sign_param h[] = {
		{ "x-acs-b", "1" }, { "Accept", "x" }, { "HOST", "h" },
		{ "X-Acs-B", "\t2 " },
	};
	struct sign_v3_req r = {
		.method = "GET", .path = "/", .headers = h, .nheaders = 4,
		.key_id = "id", .secret = "s",
	};
	struct sign_v3 s;
	char err[VG_ERRLEN];

	(void)state;
	assert_int_equal(sign_v3(&r, &s, err, sizeof(err)), 0);
	assert_string_equal(s.canonical_request, "GET\n/\n\n"
	    "host:h\nx-acs-b:1,2\n\nhost;x-acs-b\n" EMPTY_SHA256);
	assert_string_equal(s.signed_headers, "host;x-acs-b");
	assert_string_equal(s.query, "");
	sign_v3_free(&s);
}

/* Check the outputs of one sign_v3 that are not in every vector. */
static void
v3_derived(const char *n, const struct sign_v3 *s)
{
	const char *q, *e;
	char line[4096];

	/* the query for the URL is line 3 of the canonical request */
	q = strchr(strchr(s->canonical_request, '\n') + 1, '\n') + 1;
	e = strchr(q, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e - q), q);
	expect(n, "query (line 3 of canonical_request)", s->query, line);
	q = strstr(s->authorization, "SignedHeaders=");
	assert_non_null(q);
	q += strlen("SignedHeaders=");
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(q, ","), q);
	expect(n, "signed_headers", s->signed_headers, line);
}

static void
test_v3_case(void **state)
{
	json_t *c = *state;
	const char *n = case_name(c), *body = str(c, "body");
	struct plist q = { .n = 0 }, h = { .n = 0 };
	struct sign_v3_req r = { .method = str(c, "method"),
	    .path = str(c, "path"), .body = body, .bodylen = strlen(body),
	    .key_id = str(c, "access_key_id"),
	    .secret = str(c, "access_key_secret") };
	struct sign_v3 s;
	char err[VG_ERRLEN];

	add_object(&q, c, "query", NULL);
	add_object(&h, c, "headers", NULL);
	r.query = q.p;
	r.nquery = q.n;
	r.headers = h.p;
	r.nheaders = h.n;
	if (sign_v3(&r, &s, err, sizeof(err)) == -1)
		fail_msg("case %s: sign_v3 failed: %s", n, err);
	expect(n, "hashed_payload", s.hashed_payload, str(c,
	    "hashed_payload"));
	expect(n, "canonical_request", s.canonical_request, str(c,
	    "canonical_request"));
	expect(n, "hashed_canonical_request", s.hashed_canonical, str(c,
	    "hashed_canonical_request"));
	expect(n, "string_to_sign", s.string_to_sign, str(c,
	    "string_to_sign"));
	expect(n, "signature", s.signature, str(c, "signature"));
	expect(n, "authorization", s.authorization, str(c, "authorization"));
	v3_derived(n, &s);
	sign_v3_free(&s);
}

/* The AccessKeyId is only on the wire inside Authorization's Credential. */
static char *
credential(json_t *c, const char *auth)
{
	const char *p = strstr(auth, "Credential=");
	char *id;

	if (p == NULL)
		fail_msg("case %s: no Credential in %s", case_name(c), auth);
	p += strlen("Credential=");
	assert_non_null(id = strndup(p, strcspn(p, ",")));
	return id;
}

static void
test_v3_wire(void **state)
{
	json_t *c = *state;
	const char *n = case_name(c), *pq = str(c, "path_and_query"), *want;
	struct plist q = { .n = 0 }, h = { .n = 0 };
	struct sign_v3_req r = { .method = str(c, "method"),
	    .body = str(c, "body"), .secret = str(c, "access_key_secret") };
	struct sign_v3 s;
	char err[VG_ERRLEN], *path, *id;

	r.bodylen = strlen(r.body);
	assert_non_null(path = strndup(pq, strcspn(pq, "?")));
	if (pq[strlen(path)] == '?')
		parse_form(&q, pq + strlen(path) + 1);
	/* every captured header goes in: sign_v3 must pick which to sign */
	add_object(&h, c, "headers", "authorization");
	want = json_string_value(json_object_get(json_object_get(c,
	    "headers"), "authorization"));
	if (want == NULL)
		fail_msg("case %s: no authorization header", n);
	id = credential(c, want);
	r.path = path;
	r.key_id = id;
	r.query = q.p;
	r.nquery = q.n;
	r.headers = h.p;
	r.nheaders = h.n;
	if (sign_v3(&r, &s, err, sizeof(err)) == -1)
		fail_msg("case %s: sign_v3 failed: %s", n, err);
	expect(n, "authorization", s.authorization, want);
	/* the query we would send is the one the SDK sent */
	expect(n, "query", s.query, pq + strlen(path) + 1);
	sign_v3_free(&s);
	plist_free(&q);
	free(path);
	free(id);
}

/* Runner ---------------------------------------------------------------- */

static json_t *
load(const char *file, struct vectors *v)
{
	json_error_t je;
	json_t *root;

	if ((root = json_load_file(file, 0, &je)) == NULL)
		snprintf(v->err, sizeof(v->err), "%s:%d: %s", file, je.line,
		    je.text);
	return root;
}

/* One cmocka test per element of the array key in root. */
static size_t
add_cases(struct CMUnitTest *t, size_t at, json_t *root, const char *key,
    const char *prefix, CMUnitTestFunction f)
{
	json_t *c;
	size_t i;
	char *name;

	json_array_foreach(json_object_get(root, key), i, c) {
		if (asprintf(&name, "%s/%s", prefix, case_name(c)) == -1)
			abort();
		t[at++] = (struct CMUnitTest){ name, f, NULL, NULL, c };
	}
	return at;
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_percent_encode),
		cmocka_unit_test(test_form_encode),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_v1_bad_input),
		cmocka_unit_test(test_v1_duplicate_names),
		cmocka_unit_test(test_v3_bad_input),
		cmocka_unit_test(test_v3_repeated_header),
	};
	struct vectors v = { .v1 = NULL };
	struct CMUnitTest *t;
	size_t i, nfixed = sizeof(fixed) / sizeof(fixed[0]), n;
	int rc;

	v.v1 = load(V1_FILE, &v);
	v.v3 = load(V3_FILE, &v);
	n = nfixed + 1 + json_array_size(json_object_get(v.v1, "cases")) +
	    json_array_size(json_object_get(v.v3, "cases")) +
	    json_array_size(json_object_get(v.v3, "wire_examples"));
	if ((t = calloc(n, sizeof(*t))) == NULL)
		abort();
	t[0] = (struct CMUnitTest){ "vectors_loaded", test_vectors_loaded,
	    NULL, NULL, &v };
	memcpy(t + 1, fixed, sizeof(fixed));
	n = add_cases(t, nfixed + 1, v.v1, "cases", "v1", test_v1_case);
	n = add_cases(t, n, v.v3, "cases", "v3", test_v3_case);
	n = add_cases(t, n, v.v3, "wire_examples", "v3_wire", test_v3_wire);
	rc = _cmocka_run_group_tests("sign", t, n, NULL, NULL);
	for (i = nfixed + 1; i < n; i++)
		free((char *)t[i].name);
	free(t);
	json_decref(v.v1);
	json_decref(v.v3);
	return rc;
}
