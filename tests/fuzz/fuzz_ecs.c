/* SPDX-License-Identifier: ISC */
/*
 * DescribeInstanceVncUrl answers: ecs_parse_answer on any body.  An input
 * that starts with three digits and a newline ("403\n{...}") sets the
 * HTTP status; any other input is a 200 body.  Whatever the cloud sends,
 * an accepted VncUrl builds a console URL that cannot break out of its
 * query, and a refusal carries only printable text to syslog and the
 * operator.  And where an accepted VncUrl may lead (ecs_vnc_url_allowed,
 * DESIGN 1.8): only to a host under the default api.vnc_hosts.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ecs.h"
#include "fuzz.h"
#include "util.h"

#define PAGE	"https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/" \
		"index.html"

static const struct vg_instance inst = {
	"web-1", "i-bp1hzoinajzkh91h0001", "cn-hangzhou", 0, "", NULL, 0, "", 0
};

static void
printable(const char *s)
{
	for (; *s != '\0'; s++)
		FZ_CHECK(*s >= 0x20 && *s < 0x7f);
}

static char *const hosts[] = { ".aliyun.com", ".aliyuncs.com" };

/* Allowed: decoded once it is ws(s):// a host under hosts, a true one. */
static void
allowed(const char *vnc_url)
{
	char dec[ECS_VNC_URL_MAX + 1], host[256], why[VG_ERRLEN];
	size_t n;

	if (ecs_vnc_url_allowed(vnc_url, hosts, 2, why, sizeof(why)) != 0) {
		printable(why);
		return;
	}
	FZ_CHECK(ecs_vnc_url_decode(vnc_url, dec, sizeof(dec)) == 0);
	FZ_CHECK(strncasecmp(dec, "ws://", 5) == 0 ||
	    strncasecmp(dec, "wss://", 6) == 0);
	FZ_CHECK(ecs_vnc_url_host(dec, host, sizeof(host)) == 0);
	FZ_CHECK(vg_valid_host_name(host));
	n = strlen(host);
	FZ_CHECK((n > 11 && strcmp(host + n - 11, ".aliyun.com") == 0) ||
	    (n > 13 && strcmp(host + n - 13, ".aliyuncs.com") == 0));
}

static void
accepted(const struct ecs_result *res)
{
	char *url, err[VG_ERRLEN];
	const char *s;

	FZ_CHECK(res->vnc_url != NULL && ecs_vnc_url_ok(res->vnc_url));
	FZ_CHECK(res->request_id[0] != '\0');
	allowed(res->vnc_url);
	for (s = res->request_id; *s != '\0'; s++)
		FZ_CHECK(*s > 0x20 && *s < 0x7f);
	FZ_CHECK(ecs_console_url(PAGE, res->vnc_url, &inst, &url, err,
	    sizeof(err)) == 0);
	/* exactly the four parts: no '&', '#', quote or space smuggled in */
	FZ_CHECK(strncmp(url, PAGE "?vncUrl=", strlen(PAGE) + 8) == 0);
	FZ_CHECK(strcspn(url, "\"'<> #\\") == strlen(url));
	FZ_CHECK(strchr(url + strlen(PAGE) + 8, '&') ==
	    strstr(url, "&instanceId=i-bp1hzoinajzkh91h0001&isWindows=false"));
	vg_freestr(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_cloud_err cerr;
	struct ecs_result res;
	long status = 200;

	if (size >= 4 && isdigit(data[0]) && isdigit(data[1]) &&
	    isdigit(data[2]) && data[3] == '\n') {
		status = (data[0] - '0') * 100 + (data[1] - '0') * 10 +
		    (data[2] - '0');
		data += 4;
		size -= 4;
	}
	memset(&cerr, 0, sizeof(cerr));
	if (ecs_parse_answer(status, (const char *)data, size, &inst, &res,
	    &cerr) == 0) {
		FZ_CHECK(status >= 200 && status <= 299);
		accepted(&res);
	} else {
		FZ_CHECK(res.vnc_url == NULL);
		FZ_CHECK(cerr.code[0] != '\0' && cerr.message[0] != '\0');
		printable(cerr.code);
		printable(cerr.request_id);
		printable(cerr.detail);
		printable(cerr.message);
	}
	ecs_result_free(&res);
	return 0;
}
