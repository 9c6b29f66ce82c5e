/* SPDX-License-Identifier: ISC */
/*
 * lib/ecs.c without the network: the error table, answer parsing, the
 * VncUrl filter, the console URL, the endpoint and the retry classes;
 * and the pieces of lib/cloud.c it shares with STS.  (The signed calls
 * against the mock cloud are in test_http.c and test_creds.c.)
 */
#include "unit.h"

#include "ecs.h"
#include "util.h"

#define GOOD_URL	"wss%3A%2F%2Fhz01-vncproxy.aliyun.com%2Fwebsockify" \
			"%2F%3Fs%3DDvh%252FIA%252Bx"
#define PAGE		"https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/" \
			"index.html"

static struct vg_instance web1 = {
	.name = "web-1",
	.id = "i-bp1hzoinajzkh91h0001",
	.region = "cn-hangzhou",
	.windows = 0,
	.description = "",
};

static struct vg_instance win1 = {
	.name = "win-1",
	.id = "i-bp1hzoinajzkh91h0002",
	.region = "cn-shanghai",
	.windows = 1,
	.description = "",
};

/* Parse one answer for web-1; returns ecs_parse_answer's result. */
static int
parse(long status, const char *body, struct ecs_result *res,
    struct vg_cloud_err *err)
{
	memset(res, 0, sizeof(*res));
	cloud_err_clear(err);
	return ecs_parse_answer(status, body, strlen(body), &web1, res, err);
}

/* Error table ------------------------------------------------------------ */

static const struct {
	const char *code;
	const char *message;
} table[] = {
	{ "IncorrectInstanceStatus",
	    "web-1 is not running: the console needs a running instance" },
	{ "InstanceNotReady",
	    "web-1 is still being created: try again in a minute" },
	{ "InvalidInstanceId.NotFound",
	    "the cloud does not know the instance ID of web-1: the inventory "
	    "may be stale; tell your admin" },
	{ "InvalidRegionId.NotFound",
	    "the cloud does not know the region of web-1: the inventory may "
	    "be wrong; tell your admin" },
	{ "Throttling",
	    "the cloud is throttling requests: try web-1 again in a minute" },
	{ "Throttling.User",
	    "the cloud is throttling requests: try web-1 again in a minute" },
	{ "Throttling.Api",
	    "the cloud is throttling requests: try web-1 again in a minute" },
	{ "SignatureDoesNotMatch",
	    "cannot open web-1: the bastion's credentials are wrong; tell "
	    "your admin" },
	{ "InvalidAccessKeyId.NotFound",
	    "cannot open web-1: the cloud does not know the bastion's access "
	    "key; tell your admin" },
	{ "InvalidSecurityToken.Expired",
	    "cannot open web-1: the bastion's role credentials are expired "
	    "or invalid; tell your admin" },
	{ "InvalidSecurityToken.Malformed",
	    "cannot open web-1: the bastion's role credentials are expired "
	    "or invalid; tell your admin" },
	{ "Forbidden.RAM",
	    "the bastion's role may not open the console of web-1; tell your "
	    "admin" },
	{ "Forbidden",
	    "the bastion's role may not open the console of web-1; tell your "
	    "admin" },
	{ "NoPermission",
	    "the bastion's role may not open the console of web-1; tell your "
	    "admin" },
	{ "ServiceUnavailable",
	    "the cloud API is unavailable: try web-1 again in a minute" },
	{ "InternalError",
	    "the cloud API failed: try web-1 again in a minute" },
	{ "NetworkError",
	    "cannot reach the cloud API to open web-1: check the network or "
	    "tell your admin" },
	{ "Timeout",
	    "the cloud API did not answer in time for web-1: try again in a "
	    "minute" },
	{ "TLSError",
	    "cannot verify the cloud API's certificate, so web-1 was not "
	    "opened; tell your admin" },
	{ "ResponseTooLarge",
	    "the cloud API sent an oversized answer for web-1; tell your "
	    "admin" },
	{ "BadResponse",
	    "the cloud API sent an unreadable answer for web-1; tell your "
	    "admin" },
	{ "BadVncUrl",
	    "the cloud API sent a console address for web-1 that vncgate "
	    "refuses; tell your admin" },
	{ "SomethingNew.Unheard",
	    "the cloud refused to open the console of web-1; tell your "
	    "admin" },
	/* a prefix row must not swallow a longer, different code */
	{ "NoPermissionX",
	    "the cloud refused to open the console of web-1; tell your "
	    "admin" },
};

static void
test_error_table(void **state)
{
	struct vg_cloud_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		cloud_err_clear(&err);
		cloud_explain(table[i].code, &web1, &err);
		assert_string_equal(err.code, table[i].code);
		assert_string_equal(err.message, table[i].message);
		/* one sentence: no full stop inside, no line break */
		assert_null(strchr(err.message, '\n'));
		assert_null(strstr(err.message, ". "));
	}
}

/* Answers ---------------------------------------------------------------- */

static void
test_parse_good(void **state)
{
	struct ecs_result res;
	struct vg_cloud_err err;

	(void)state;
	assert_int_equal(parse(200, "{\"RequestId\": \"6A1F-42\", "
	    "\"VncUrl\": \"" GOOD_URL "\"}", &res, &err), 0);
	assert_string_equal(res.vnc_url, GOOD_URL);
	assert_string_equal(res.request_id, "6A1F-42");
	assert_string_equal(err.request_id, "6A1F-42");
	assert_string_equal(err.code, "");
	ecs_result_free(&res);
	assert_null(res.vnc_url);
}

static void
test_parse_error_bodies(void **state)
{
	static const struct {
		long status;
		const char *code;
	} cases[] = {
		{ 403, "IncorrectInstanceStatus" },
		{ 403, "InstanceNotReady" },
		{ 404, "InvalidInstanceId.NotFound" },
		{ 404, "InvalidRegionId.NotFound" },
		{ 400, "Throttling.User" },
		{ 400, "SignatureDoesNotMatch" },
		{ 404, "InvalidAccessKeyId.NotFound" },
		{ 400, "InvalidSecurityToken.Expired" },
		{ 403, "Forbidden.RAM" },
		{ 403, "NoPermission" },
		{ 503, "ServiceUnavailable" },
		{ 500, "InternalError" },
	};
	struct ecs_result res;
	struct vg_cloud_err err, want;
	char body[512], status[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "{\"RequestId\": \"RID-%zu\", "
		    "\"HostId\": \"ecs.cn-hangzhou.aliyuncs.com\", "
		    "\"Code\": \"%s\", \"Message\": \"it said no %zu\", "
		    "\"Recommend\": \"https://api.alibabacloud.com/x\"}",
		    i, cases[i].code, i);
		assert_int_equal(parse(cases[i].status, body, &res, &err),
		    -1);
		assert_null(res.vnc_url);
		assert_string_equal(err.code, cases[i].code);
		assert_int_equal(err.http_status, cases[i].status);
		cloud_err_clear(&want);
		cloud_explain(cases[i].code, &web1, &want);
		assert_string_equal(err.message, want.message);
		snprintf(status, sizeof(status), "%ld", cases[i].status);
		assert_non_null(strstr(err.detail, status));
		assert_non_null(strstr(err.detail, cases[i].code));
		snprintf(body, sizeof(body), "it said no %zu", i);
		assert_non_null(strstr(err.detail, body));
		snprintf(body, sizeof(body), "RID-%zu", i);
		assert_string_equal(err.request_id, body);
	}
}

static void
test_parse_error_sanitised(void **state)
{
	struct ecs_result res;
	struct vg_cloud_err err;
	char big[600];

	(void)state;
	/*
	 * Escape sequences from the cloud must not reach a log or tty.  A
	 * bad byte becomes '?', not nothing: dropping it could turn
	 * "Throttl\x01ing" into a code that is retried.
	 */
	assert_int_equal(parse(400, "{\"RequestId\": \"R\\u001b[2J1\", "
	    "\"Code\": \"Odd\\u001b]0;x\\u0007Code\", "
	    "\"Message\": \"line\\nbreak\\u001b[31m\\u00e9\"}", &res, &err),
	    -1);
	assert_string_equal(err.code, "Odd?]0;x?Code");
	assert_string_equal(err.request_id, "R?[2J1");
	assert_null(strchr(err.detail, '\n'));
	assert_null(strchr(err.detail, 0x1b));
	/* UTF-8 é is two bytes, two '?' */
	assert_non_null(strstr(err.detail, "line?break?[31m??"));
	assert_int_equal(parse(400, "{\"Code\": \"Throttl\\u0001ing\"}",
	    &res, &err), -1);
	assert_string_equal(err.code, "Throttl?ing");
	assert_false(cloud_retryable(&err));

	/* bounded: a huge Code is cut to the field */
	memset(big, 'A', sizeof(big));
	memcpy(big, "{\"Code\": \"", 10);
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	assert_int_equal(parse(400, big, &res, &err), -1);
	assert_int_equal(strlen(err.code), sizeof(err.code) - 1);
}

static void
test_parse_missing_code(void **state)
{
	struct ecs_result res;
	struct vg_cloud_err err;

	(void)state;
	assert_int_equal(parse(503, "{\"RequestId\": \"R1\"}", &res, &err),
	    -1);
	assert_string_equal(err.code, "HTTP503");
	assert_true(cloud_retryable(&err));
	assert_int_equal(parse(418, "{}", &res, &err), -1);
	assert_string_equal(err.code, "HTTP418");
	assert_false(cloud_retryable(&err));
}

static void
test_parse_duplicate_keys(void **state)
{
	struct ecs_result res;
	struct vg_cloud_err err;

	(void)state;
	/* a second VncUrl must not win over the one a filter looked at */
	assert_int_equal(parse(200, "{\"RequestId\": \"R1\", \"VncUrl\": \""
	    GOOD_URL "\", \"VncUrl\": \"javascript:alert(1)\"}", &res, &err),
	    -1);
	assert_string_equal(err.code, "BadResponse");
	assert_null(res.vnc_url);
	assert_int_equal(parse(403, "{\"Code\": \"InstanceNotReady\", "
	    "\"Code\": \"X\"}", &res, &err), -1);
	assert_string_equal(err.code, "BadResponse");
}

static void
test_parse_malformed(void **state)
{
	static const char *bodies[] = {
		"{\"RequestId\": \"R1\", \"VncUrl\": \"" GOOD_URL "\"",
		"<html>503 Service Temporarily Unavailable</html>",
		"",
		"[\"" GOOD_URL "\"]",
		"\"" GOOD_URL "\"",
		"{\"RequestId\": \"R1\", \"VncUrl\": \"" GOOD_URL "\"} x",
	};
	struct ecs_result res;
	struct vg_cloud_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(parse(200, bodies[i], &res, &err), -1);
		assert_string_equal(err.code, "BadResponse");
		assert_null(res.vnc_url);
		/* the VncUrl is a secret even in a broken answer */
		assert_null(strstr(err.detail, "hz01-vncproxy"));
		assert_null(strstr(err.message, "hz01-vncproxy"));
	}
}

static void
test_parse_bad_vnc_url(void **state)
{
	static const char *vnc[] = {
		NULL,				/* missing */
		"42",				/* not a string */
		"\"\"",				/* empty */
		"\"wss%3A%2F%2Fa\\\"onmouseover=x\"",	/* quote */
		"\"wss%3A%2F%2Fa b\"",		/* space */
		"\"wss%3A%2F%2Fa\\u001b[2Jb\"",	/* ESC */
		"\"javascript:alert(1)\"",
		"\"wss://host/a?b=c\"",		/* not encoded */
	};
	struct ecs_result res;
	struct vg_cloud_err err;
	char body[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vnc) / sizeof(vnc[0]); i++) {
		if (vnc[i] == NULL)
			snprintf(body, sizeof(body), "{\"RequestId\": \"R1\"}");
		else
			snprintf(body, sizeof(body), "{\"RequestId\": \"R1\", "
			    "\"VncUrl\": %s}", vnc[i]);
		assert_int_equal(parse(200, body, &res, &err), -1);
		assert_string_equal(err.code, "BadVncUrl");
		assert_null(res.vnc_url);
		assert_null(strstr(err.detail, "wss"));
		assert_null(strstr(err.detail, "javascript"));
	}
	/* jansson refuses \u0000 (a C string would end there) */
	assert_int_equal(parse(200, "{\"RequestId\": \"R1\", \"VncUrl\": "
	    "\"wss%3A%2F%2Fa\\u0000b\"}", &res, &err), -1);
	assert_string_equal(err.code, "BadResponse");
	assert_null(res.vnc_url);
}

static void
test_parse_bad_request_id(void **state)
{
	struct ecs_result res;
	struct vg_cloud_err err;
	char body[512], rid[97];

	(void)state;
	assert_int_equal(parse(200, "{\"VncUrl\": \"" GOOD_URL "\"}", &res,
	    &err), -1);
	assert_string_equal(err.code, "BadResponse");
	assert_int_equal(parse(200, "{\"RequestId\": \"a\\nb\", \"VncUrl\": \""
	    GOOD_URL "\"}", &res, &err), -1);
	assert_string_equal(err.code, "BadResponse");
	/* 95 characters fit, 96 do not */
	memset(rid, 'R', 96);
	rid[96] = '\0';
	snprintf(body, sizeof(body), "{\"RequestId\": \"%s\", \"VncUrl\": "
	    "\"%s\"}", rid, GOOD_URL);
	assert_int_equal(parse(200, body, &res, &err), -1);
	rid[95] = '\0';
	snprintf(body, sizeof(body), "{\"RequestId\": \"%s\", \"VncUrl\": "
	    "\"%s\"}", rid, GOOD_URL);
	assert_int_equal(parse(200, body, &res, &err), 0);
	assert_string_equal(res.request_id, rid);
	ecs_result_free(&res);
}

static void
test_vnc_url_ok(void **state)
{
	char url[2050];

	(void)state;
	assert_true(ecs_vnc_url_ok(GOOD_URL));
	assert_true(ecs_vnc_url_ok("a-b_c.d~e%25"));
	assert_false(ecs_vnc_url_ok(""));
	assert_false(ecs_vnc_url_ok("a&b"));	/* would add a parameter */
	assert_false(ecs_vnc_url_ok("a#b"));
	assert_false(ecs_vnc_url_ok("a+b"));
	assert_false(ecs_vnc_url_ok("a\xc3\xa9"));
	memset(url, 'a', sizeof(url));
	url[2048] = '\0';
	assert_true(ecs_vnc_url_ok(url));
	url[2048] = 'a';
	url[2049] = '\0';
	assert_false(ecs_vnc_url_ok(url));
}

/* Where a VncUrl leads (lib/ecs_url.c, DESIGN 1.8) ------------------------ */

static char *const default_hosts[] = { ".aliyun.com", ".aliyuncs.com" };

/* Decoded once: "%252F" stays "%2F", a bad escape refuses the whole. */
static void
test_vnc_url_decode(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(ecs_vnc_url_decode(GOOD_URL, out, sizeof(out)), 0);
	assert_string_equal(out, "wss://hz01-vncproxy.aliyun.com/websockify/"
	    "?s=Dvh%2FIA%2Bx");
	assert_int_equal(ecs_vnc_url_decode("wss%3a%2f%2fa.b", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "wss://a.b");
	/* double encoding decodes to a '%' sequence, never further */
	assert_int_equal(ecs_vnc_url_decode("wss%253A%252F%252Fa.b", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "wss%3A%2F%2Fa.b");
	assert_int_equal(ecs_vnc_url_decode("a%2", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%zz", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%", out, sizeof(out)), -1);
	/* what no URL holds decoded: NUL, controls, space, non-ASCII */
	assert_int_equal(ecs_vnc_url_decode("a%00b", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%0Ab", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%20b", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%7Fb", out, sizeof(out)), -1);
	assert_int_equal(ecs_vnc_url_decode("a%C3%A9", out, sizeof(out)), -1);
	/* no room: refused, not cut */
	assert_int_equal(ecs_vnc_url_decode("abcd", out, 4), -1);
	assert_int_equal(ecs_vnc_url_decode("abc", out, 4), 0);
}

static void
test_vnc_url_host(void **state)
{
	static const struct {
		const char	*url;
		const char	*host;		/* NULL: refused */
	} cases[] = {
		{ "wss://hz01-vncproxy.aliyun.com/websockify/?s=x",
		    "hz01-vncproxy.aliyun.com" },
		{ "ws://a.aliyun.com", "a.aliyun.com" },
		{ "WSS://HZ01.Aliyun.COM/x", "hz01.aliyun.com" },
		{ "wss://a.aliyun.com:443/x", "a.aliyun.com" },
		{ "wss://a.aliyun.com?x", "a.aliyun.com" },
		{ "wss://a.aliyun.com#x", "a.aliyun.com" },
		{ "wss://evil.example?.aliyun.com/", "evil.example" },
		{ "wss://evil.example#.aliyun.com/", "evil.example" },
		{ "https://a.aliyun.com/", NULL },
		{ "http://a.aliyun.com/", NULL },
		{ "wss:a.aliyun.com", NULL },
		{ "wss:/a.aliyun.com", NULL },
		{ "javascript:alert(1)", NULL },
		{ "wss://", NULL },
		{ "wss:///x", NULL },
		{ "wss://:443/", NULL },
		{ "wss://user@a.aliyun.com/", NULL },
		{ "wss://a.aliyun.com@evil.example/", NULL },
		{ "wss://[::1]/", NULL },
		{ "wss://[::1]:443/", NULL },
		{ "wss://127.0.0.1/", NULL },
		{ "wss://0x7f000001/", NULL },
		{ "wss://a.0X7F/", NULL },
		{ "wss://a.0x/", NULL },
		{ "wss://a.0xg/", "a.0xg" },
		{ "wss://a.aliyun.com./", NULL },
		{ "wss://.aliyun.com/", NULL },
		{ "wss://a..aliyun.com/", NULL },
		{ "wss://evil.example%2F.aliyun.com/", NULL },
		{ "wss://evil.example\\.aliyun.com/", NULL },
		{ "wss://a.aliyun.com:0/", NULL },
		{ "wss://a.aliyun.com:65536/", NULL },
		{ "wss://a.aliyun.com:/", NULL },
		{ "wss://a.aliyun.com:44x/", NULL },
		{ "wss://a.aliyun.com:443:1/", NULL },
	};
	char host[254];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = ecs_vnc_url_host(cases[i].url, host, sizeof(host));
		if (cases[i].host == NULL && rc != -1)
			fail_msg("%s: accepted (%s)", cases[i].url, host);
		if (cases[i].host != NULL && (rc != 0 ||
		    strcmp(host, cases[i].host) != 0))
			fail_msg("%s: not %s", cases[i].url, cases[i].host);
	}
}

static void
test_vnc_host_under(void **state)
{
	static char *const one[] = { "vnc.example.net" };

	(void)state;
	assert_true(ecs_vnc_host_under("hz01-vncproxy.aliyun.com",
	    default_hosts, 2));
	assert_true(ecs_vnc_host_under("a.b.aliyuncs.com", default_hosts, 2));
	assert_true(ecs_vnc_host_under("HZ01.ALIYUN.COM", default_hosts, 2));
	/* the domain itself, a look-alike, the suffix elsewhere */
	assert_false(ecs_vnc_host_under("aliyun.com", default_hosts, 2));
	assert_false(ecs_vnc_host_under("evilaliyun.com", default_hosts, 2));
	assert_false(ecs_vnc_host_under("aliyun.com.evil", default_hosts, 2));
	assert_false(ecs_vnc_host_under("a.aliyun.co", default_hosts, 2));
	assert_false(ecs_vnc_host_under("a.aliyun.com", default_hosts, 0));
	/* without the dot: that one host only */
	assert_true(ecs_vnc_host_under("vnc.example.net", one, 1));
	assert_false(ecs_vnc_host_under("a.vnc.example.net", one, 1));
	assert_false(ecs_vnc_host_under("xvnc.example.net", one, 1));
}

/* The whole check, on what an answer may carry. */
static void
test_vnc_url_allowed(void **state)
{
	static const char *const refused[] = {
		"wss%3A%2F%2Fevil.example%2Fwebsockify",
		"wss%3A%2F%2Fhz01-vncproxy.evilaliyun.com%2F",
		"wss%3A%2F%2Fevil.example%3F.aliyun.com%2F",
		"wss%3A%2F%2Fevil.example%23.aliyun.com%2F",
		"wss%3A%2F%2Fevil.example%252F.aliyun.com%2F",
		"wss%253A%252F%252Fhz01-vncproxy.aliyun.com%252F",
		"https%3A%2F%2Fhz01-vncproxy.aliyun.com%2F",
		"wss%3A%2F%2Fu%40hz01-vncproxy.aliyun.com%2F",
		"wss%3A%2F%2Fhz01-vncproxy.aliyun.com%40evil.example%2F",
		"wss%3A%2F%2F%5B%3A%3A1%5D%2F",
		"wss%3A%2F%2F%2F",
		"wss%3A%2F%2Fhz01-vncproxy.aliyun.com.%2F",
		"wss%3A%2F%2Fevil.example%5C.aliyun.com%2F",
		"wss%3A%2F%2Fhz01-vncproxy.aliyun.com%0A.evil%2F",
		"wss%3A%2F%2Fhz01-vncproxy.aliyun.com%2",
		"wss://hz01-vncproxy.aliyun.com/",
		"javascript:alert(1)",
		"",
	};
	char why[VG_ERRLEN];
	size_t i;

	(void)state;
	assert_int_equal(ecs_vnc_url_allowed(GOOD_URL, default_hosts, 2, why,
	    sizeof(why)), 0);
	assert_int_equal(ecs_vnc_url_allowed("WSS%3A%2F%2FHZ01.ALIYUN.COM%3A"
	    "443%2Fx", default_hosts, 2, why, sizeof(why)), 0);
	assert_int_equal(ecs_vnc_url_allowed("ws%3A%2F%2Fa.aliyuncs.com",
	    default_hosts, 2, why, sizeof(why)), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (ecs_vnc_url_allowed(refused[i], default_hosts, 2, why,
		    sizeof(why)) != -1)
			fail_msg("accepted: %s", refused[i]);
	/* the reason names the host, never the token */
	assert_int_equal(ecs_vnc_url_allowed("wss%3A%2F%2Fevil.example%2F%3F"
	    "s%3DSeCrEt", default_hosts, 2, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "evil.example"));
	assert_null(strstr(why, "SeCrEt"));
	/* an admin's own list: nothing else */
	assert_int_equal(ecs_vnc_url_allowed(GOOD_URL, (char *const[]){
	    ".example" }, 1, why, sizeof(why)), -1);
}

/* URLs ------------------------------------------------------------------- */

static void
test_console_url(void **state)
{
	char *url, err[VG_ERRLEN];

	(void)state;
	assert_int_equal(ecs_console_url(PAGE, GOOD_URL, &web1, &url, err,
	    sizeof(err)), 0);
	/* exactly as returned: %252F stays, nothing is encoded again */
	assert_string_equal(url, PAGE "?vncUrl=" GOOD_URL
	    "&instanceId=i-bp1hzoinajzkh91h0001&isWindows=false");
	free(url);
	assert_int_equal(ecs_console_url(PAGE, GOOD_URL, &win1, &url, err,
	    sizeof(err)), 0);
	assert_string_equal(url, PAGE "?vncUrl=" GOOD_URL
	    "&instanceId=i-bp1hzoinajzkh91h0002&isWindows=true");
	free(url);
}

static void
test_console_url_refused(void **state)
{
	char *url = (char *)"unset", err[VG_ERRLEN];

	(void)state;
	assert_int_equal(ecs_console_url(PAGE "?x=1", GOOD_URL, &web1, &url,
	    err, sizeof(err)), -1);
	assert_null(url);
	assert_int_equal(ecs_console_url(PAGE, "javascript:alert(1)", &web1,
	    &url, err, sizeof(err)), -1);
	assert_null(url);
	assert_null(strstr(err, "javascript"));
	assert_int_equal(ecs_console_url(PAGE, "a\"b", &web1, &url, err,
	    sizeof(err)), -1);
	assert_int_equal(ecs_console_url("", GOOD_URL, &web1, &url, err,
	    sizeof(err)), -1);
}

static void
test_endpoint(void **state)
{
	struct vg_conf conf;
	struct vg_instance bad = web1;
	char ep[128];

	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.api.endpoint = (char *)"";
	conf.api.region = (char *)"cn-beijing";
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://ecs.cn-hangzhou.aliyuncs.com");
	assert_int_equal(ecs_endpoint(&conf, &win1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://ecs.cn-shanghai.aliyuncs.com");
	conf.api.endpoint = NULL;
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://ecs.cn-hangzhou.aliyuncs.com");

	/* a region is part of a host name: nothing else may get in */
	snprintf(bad.region, sizeof(bad.region), "evil.example/");
	assert_int_equal(ecs_endpoint(&conf, &bad, ep, sizeof(ep)), -1);

	conf.api.endpoint = (char *)"https://ecs-vpc.cn-hangzhou.aliyuncs.com/";
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://ecs-vpc.cn-hangzhou.aliyuncs.com");
	conf.api.endpoint = (char *)"https://127.0.0.1:8443";
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://127.0.0.1:8443");
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, 10), -1);
	/* every trailing slash goes, as for sts_endpoint and metadata_url */
	conf.api.endpoint = (char *)"https://127.0.0.1:8443///";
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), 0);
	assert_string_equal(ep, "https://127.0.0.1:8443");
	conf.api.endpoint = (char *)"/";
	assert_int_equal(ecs_endpoint(&conf, &web1, ep, sizeof(ep)), -1);
}

/* Retry classes ---------------------------------------------------------- */

static void
test_retryable(void **state)
{
	static const struct {
		const char *code;
		long status;
		int retry;
	} cases[] = {
		{ "NetworkError", 0, 1 },
		{ "Timeout", 0, 1 },
		{ "Throttling", 400, 1 },
		{ "Throttling.User", 400, 1 },
		{ "Throttling.Api", 503, 1 },
		{ "ServiceUnavailable", 503, 1 },
		{ "InternalError", 500, 1 },
		{ "HTTP502", 502, 1 },
		{ "BadResponse", 504, 1 },	/* a gateway's HTML page */
		{ "SignatureNonceUsed", 400, 1 },
		{ "TLSError", 0, 0 },
		{ "ResponseTooLarge", 0, 0 },
		{ "BadResponse", 200, 0 },
		{ "BadVncUrl", 200, 0 },
		{ "IncorrectInstanceStatus", 403, 0 },
		{ "InvalidInstanceId.NotFound", 404, 0 },
		{ "SignatureDoesNotMatch", 400, 0 },
		{ "InvalidAccessKeyId.NotFound", 404, 0 },
		{ "InvalidSecurityToken.Expired", 400, 0 },
		{ "Forbidden.RAM", 403, 0 },
		{ "NoPermission", 403, 0 },
		{ "HTTP404", 404, 0 },
	};
	struct vg_cloud_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cloud_err_clear(&err);
		snprintf(err.code, sizeof(err.code), "%s", cases[i].code);
		err.http_status = cases[i].status;
		if (cloud_retryable(&err) != cases[i].retry)
			fail_msg("%s at %ld: retryable %d", cases[i].code,
			    cases[i].status, !cases[i].retry);
	}
}

/* Calls that fail before any request ------------------------------------- */

static void
test_describe_refuses_early(void **state)
{
	struct vg_conf conf;
	struct vg_creds creds;
	struct ecs_result res;
	struct vg_cloud_err err;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	memset(&creds, 0, sizeof(creds));
	conf.api.endpoint = (char *)"";
	conf.api.timeout = 5;
	/* no credentials: nothing is sent (the client is never touched) */
	assert_int_equal(ecs_describe_vnc_url(NULL, &conf, &creds, &web1,
	    &res, &err), -1);
	assert_string_equal(err.code, "CredentialsUnavailable");
	assert_int_equal(err.attempts, 0);
	assert_non_null(strstr(err.message, "web-1"));

	/* a path in the endpoint could not match the signed "/" */
	snprintf(creds.id, sizeof(creds.id), "LTAI5tMOCKstaticKey01");
	creds.secret = (char *)"secret";
	conf.api.endpoint = (char *)"https://127.0.0.1:8443/prefix";
	assert_int_equal(ecs_describe_vnc_url(NULL, &conf, &creds, &web1,
	    &res, &err), -1);
	assert_string_equal(err.code, "ClientError");
	assert_int_equal(err.attempts, 0);
	assert_null(res.vnc_url);
}

/* Shared with STS (cloud.c) --------------------------------------------- */

static void
test_transport_codes(void **state)
{
	static const struct {
		enum http_result r;
		const char *code;
	} t[] = {
		{ HTTP_ERR_NETWORK, "NetworkError" },
		{ HTTP_ERR_TIMEOUT, "Timeout" },
		{ HTTP_ERR_TLS, "TLSError" },
		{ HTTP_ERR_TOO_BIG, "ResponseTooLarge" },
		{ HTTP_ERR_POLICY, "Ours" },
		{ HTTP_ERR_INTERNAL, "Ours" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(cloud_transport_code(t[i].r, "Ours"),
		    t[i].code);
}

static json_t *
load(const char *text, char *err)
{
	return cloud_json_load(text, strlen(text), err, VG_ERRLEN);
}

static void
test_json_load(void **state)
{
	char err[VG_ERRLEN];
	json_t *j;

	(void)state;
	/* a second secret could pass a checker that saw the first */
	assert_null(load("{\"AccessKeySecret\": \"s3cretOne\", "
	    "\"AccessKeySecret\": \"s3cretTwo\"}", err));
	assert_string_equal(err, "the answer repeats a key");
	/* jansson's own message would quote the text near the error */
	assert_null(load("{\"AccessKeySecret\": s3cretBare}", err));
	assert_non_null(strstr(err, "not valid JSON"));
	assert_null(strstr(err, "s3cret"));
	assert_null(load("[\"s3cret\"]", err));
	assert_string_equal(err, "the answer is not a JSON object");
	assert_null(cloud_json_load(NULL, 10, err, sizeof(err)));
	assert_non_null(j = load("{\"a\": \"b\", \"n\": 42}", err));
	assert_string_equal(cloud_json_str(j, "a"), "b");
	assert_null(cloud_json_str(j, "n"));
	assert_null(cloud_json_str(j, "missing"));
	cloud_json_free_wiped(j);
}

static void
test_json_free_wiped(void **state)
{
	char err[VG_ERRLEN];
	const char *v[3];
	json_t *root;

	(void)state;
	assert_non_null(root = load("{\"Credentials\": {\"AccessKeySecret\": "
	    "\"s3cret\"}, \"List\": [\"tok3n\"], \"VncUrl\": \"wss\"}",
	    err));
	v[0] = json_string_value(json_object_get(json_object_get(root,
	    "Credentials"), "AccessKeySecret"));
	v[1] = json_string_value(json_array_get(json_object_get(root,
	    "List"), 0));
	v[2] = cloud_json_str(root, "VncUrl");
	/* a second reference keeps the tree to look at after the wipe */
	json_incref(root);
	cloud_json_free_wiped(root);
	assert_memory_equal(v[0], "\0\0\0\0\0\0", 6);
	assert_memory_equal(v[1], "\0\0\0\0\0", 5);
	assert_memory_equal(v[2], "\0\0\0", 3);
	json_decref(root);
	cloud_json_free_wiped(NULL);
}

static void
test_parse_error_for_sts(void **state)
{
	struct vg_cloud_err err;
	char msg[301], body[400], why[VG_ERRLEN];
	json_t *root;

	(void)state;
	/* STS: its own code without a Code, and a prefix naming the call */
	memset(msg, 'm', 300);
	msg[300] = '\0';
	snprintf(body, sizeof(body), "{\"RequestId\": \"R-1\", "
	    "\"Message\": \"%s\"}", msg);
	assert_non_null(root = load(body, why));
	cloud_err_clear(&err);
	cloud_parse_error(root, 403, "STS AssumeRole",
	    "CredentialsUnavailable", &err);
	cloud_json_free_wiped(root);
	assert_string_equal(err.code, "CredentialsUnavailable");
	assert_string_equal(err.request_id, "R-1");
	assert_int_equal(err.http_status, 403);
	assert_string_equal(err.message, "");	/* the caller's to word */
	assert_true(strncmp(err.detail, "STS AssumeRole: HTTP 403, Code "
	    "CredentialsUnavailable, Message mmm", 65) == 0);
	/* the Message is cut to 199 bytes, not to the detail's end */
	assert_int_equal(strlen(err.detail), 63 + 199);
}

static void
test_join_url(void **state)
{
	char *u;

	(void)state;
	assert_non_null(u = cloud_join_url("http://100.100.100.200//", "%s",
	    "/latest"));
	assert_string_equal(u, "http://100.100.100.200/latest");
	free(u);
	assert_non_null(u = cloud_join_url("https://h", "/?%s", "a=b"));
	assert_string_equal(u, "https://h/?a=b");
	free(u);
	assert_int_equal(cloud_base_len("https://h/"), 9);
	assert_int_equal(cloud_base_len("///"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_error_bodies),
		cmocka_unit_test(test_parse_error_sanitised),
		cmocka_unit_test(test_parse_missing_code),
		cmocka_unit_test(test_parse_duplicate_keys),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_bad_vnc_url),
		cmocka_unit_test(test_parse_bad_request_id),
		cmocka_unit_test(test_vnc_url_ok),
		cmocka_unit_test(test_vnc_url_decode),
		cmocka_unit_test(test_vnc_url_host),
		cmocka_unit_test(test_vnc_host_under),
		cmocka_unit_test(test_vnc_url_allowed),
		cmocka_unit_test(test_console_url),
		cmocka_unit_test(test_console_url_refused),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_retryable),
		cmocka_unit_test(test_describe_refuses_early),
		cmocka_unit_test(test_transport_codes),
		cmocka_unit_test(test_json_load),
		cmocka_unit_test(test_json_free_wiped),
		cmocka_unit_test(test_parse_error_for_sts),
		cmocka_unit_test(test_join_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
