/* SPDX-License-Identifier: ISC */
/*
 * conf: the schema of DESIGN 1.5, its defaults, and one exact FILE:LINE
 * message for every class of bad value.  Files live in a mkdtemp folder
 * (mode 0644) and are read with owner = getuid(), so no root is needed.
 */
#include "unit.h"

#include <syslog.h>

#include "conf.h"
#include "util.h"

struct fx {
	char			dir[64];
	char			path[512];
	struct secfile_policy	pol;
	struct vg_diags		d;
	struct vg_conf		c;
};

/* One bad file and the one problem it must produce. */
struct bad {
	const char	*text;
	int		 line;
	const char	*msg;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_tmpdir(fx->dir, sizeof(fx->dir), "conf");
	fx->pol.owner = getuid();
	fx->pol.allow_ruid = 1;
	fx->pol.ruid = getuid();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	conf_free(&fx->c);
	assert_int_equal(unit_rm_tree(fx->dir), 0);
	free(fx);
	return 0;
}

static int
load_mode(struct fx *fx, const char *text, mode_t mode)
{
	snprintf(fx->path, sizeof(fx->path), "%s",
	    unit_write_file(fx->dir, "vncgate.conf", text, mode));
	conf_free(&fx->c);
	diag_init(&fx->d);
	return conf_load(fx->path, &fx->pol, &fx->c, &fx->d);
}

static int
load(struct fx *fx, const char *text)
{
	return load_mode(fx, text, 0644);
}

static void
dump(struct fx *fx)
{
	char line[800];
	size_t i;

	for (i = 0; i < fx->d.n; i++) {
		diag_format(&fx->d.d[i], line, sizeof(line));
		print_message("# diag: %s\n", line);
	}
}

/* Some diag reads exactly PATH:LINE: msg (or PATH: msg for line 0). */
static void
expect_diag(struct fx *fx, int line, const char *msg)
{
	char want[800], got[800];
	size_t i;

	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", fx->path, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", fx->path, msg);
	for (i = 0; i < fx->d.n; i++) {
		diag_format(&fx->d.d[i], got, sizeof(got));
		if (strcmp(got, want) == 0)
			return;
	}
	dump(fx);
	fail_msg("no diag \"%s\"", want);
}

static void
expect_bad(struct fx *fx, const struct bad *b)
{
	if (load(fx, b->text) != -1) {
		print_message("# accepted: %s\n", b->text);
		fail();
	}
	expect_diag(fx, b->line, b->msg);
}

static void
expect_bad_all(struct fx *fx, const struct bad *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_bad(fx, &b[i]);
}

static void
expect_good(struct fx *fx, const char *text)
{
	if (load(fx, text) != 0) {
		dump(fx);
		fail_msg("refused: %s", text);
	}
	assert_int_equal(fx->d.n, 0);
}

#define NB(a)	(sizeof(a) / sizeof((a)[0]))

static int	load_key(struct fx *, const char *, mode_t, char **, char **);

/* ------------------------------------------------------------------ */

static void
test_defaults_of_empty_file(void **state)
{
	struct fx *fx = *state;
	struct vg_conf *c = &fx->c;

	expect_good(fx, "# nothing but a comment\n");
	assert_string_equal(c->path, fx->path);
	assert_string_equal(c->acl_file, SYSCONFDIR "/vncgate/acl.conf");
	assert_string_equal(c->pam_service, "vncgate");
	assert_int_equal(c->reauth, VG_REAUTH_LOGIN);
	assert_int_equal(c->output, VG_OUT_AUTO);
	assert_string_equal(c->console_page, "https://g.alicdn.com/aliyun/"
	    "ecs-console-vnc2/0.0.8/index.html");
	assert_int_equal(c->url_ttl, 15);
	assert_int_equal(c->idle_timeout, 300);
	assert_string_equal(c->timezone, "");
	assert_string_equal(c->api.region, "cn-hangzhou");
	/* "" = per instance: https://ecs.<region>.aliyuncs.com */
	assert_string_equal(c->api.endpoint, "");
	assert_string_equal(c->api.sts_endpoint, "https://sts.aliyuncs.com");
	assert_int_equal(c->api.signature, VG_SIG_V3);
	assert_string_equal(c->api.ca_file, "");
	assert_null(c->api.ca_pem);
	assert_int_equal(c->api.nvnc_hosts, 2);
	assert_string_equal(c->api.vnc_hosts[0], ".aliyun.com");
	assert_string_equal(c->api.vnc_hosts[1], ".aliyuncs.com");
	assert_int_equal(c->api.connect_timeout, 3);
	assert_int_equal(c->api.timeout, 10);
	assert_int_equal(c->api.retries, 2);
	assert_int_equal(c->creds.provider, VG_CRED_ECS_RAM_ROLE);
	assert_string_equal(c->creds.role_name, "");
	assert_string_equal(c->creds.metadata_url, "http://100.100.100.200");
	assert_int_equal(c->creds.metadata_token, VG_MDTOKEN_REQUIRED);
	assert_string_equal(c->creds.access_key_file,
	    SYSCONFDIR "/vncgate/access_key");
	assert_string_equal(c->creds.role_arn, "");
	assert_int_equal(c->creds.session_policy, 1);
	assert_int_equal(c->creds.duration, 900);
	assert_int_equal(c->audit.facility, LOG_AUTHPRIV);
	assert_string_equal(c->audit.file, "/var/log/vncgate/audit.log");
	assert_int_equal(c->audit.required, 1);
	assert_int_equal(c->limits.user_per_minute, 10);
	assert_int_equal(c->limits.instance_per_minute, 30);
	assert_string_equal(c->limits.state_dir, "/var/lib/vncgate");
	assert_int_equal(c->inv.n, 0);
	assert_null(inventory_find(&c->inv, "web-1"));
}

static const char full[] =
	"acl_file     = \"/srv/vg/acl.conf\"\n"
	"pam_service  = \"\"\n"
	"reauth       = \"issuance\"\n"
	"output       = \"both\"\n"
	"console_page = \"https://console.example.com:8443/vnc/index.html\"\n"
	"url_ttl      = 300\n"
	"idle_timeout = 10\n"
	"timezone     = \"Asia/Shanghai\"\n"
	"api {\n"
	"  region          = \"cn-beijing\"\n"
	"  endpoint        = \"https://127.0.0.1:8443\"\n"
	"  sts_endpoint    = \"https://[::1]:9443\"\n"
	"  signature       = \"v1\"\n"
	"  ca_file         = \"/srv/vg/ca.pem\"\n"
	"  connect_timeout = 60\n"
	"  timeout         = 60\n"
	"  retries         = 0\n"
	"  vnc_hosts       = {\".Aliyun.COM\", \"hz01-vncproxy.example.com\"}\n"
	"}\n"
	"credentials {\n"
	"  provider        = \"ram_role_arn\"\n"
	"  role_name       = \"vncgate-role\"\n"
	"  metadata_url    = \"https://100.100.100.200\"\n"
	"  metadata_token  = \"optional\"\n"
	"  access_key_file = \"/srv/vg/access_key\"\n"
	"  role_arn        = "
	    "\"acs:ram::1234567890123456:role/vncgate.console\"\n"
	"  session_policy  = false\n"
	"  duration        = 43200\n"
	"}\n"
	"audit {\n"
	"  facility = \"local7\"\n"
	"  file     = \"\"\n"
	"  required = false\n"
	"}\n"
	"limits {\n"
	"  user_per_minute     = 0\n"
	"  instance_per_minute = 10000\n"
	"  state_dir           = \"/srv/vg/state\"\n"
	"}\n"
	"instance \"web-1\" {\n"
	"  id          = \"i-bp1hzoinajzkh91h0001\"\n"
	"  region      = \"cn-hangzhou\"\n"
	"  os          = \"linux\"\n"
	"  description = \"web frontend 1\"\n"
	"  tags        = {\"env=prod\", \"team=web\"}\n"
	"}\n"
	"instance \"AY121018033933eaxxxxxxx\" {\n"
	"  id = \"i-bp1hzoinajzkh91h0002\"\n"
	"  os = \"windows\"\n"
	"}\n"
	"instance \"db_2.old\" {\n"
	"  id = \"AY121018033933eaxxxxxxx\"\n"
	"}\n";

/* A CA file, root's or ours, 0644, in the fixture's folder. */
#define CA_PEM	"-----BEGIN CERTIFICATE-----\nMIIB\n" \
		"-----END CERTIFICATE-----\n"

static const char *
ca_file(struct fx *fx, mode_t mode)
{
	static char path[600];

	snprintf(path, sizeof(path), "%s", unit_write_file(fx->dir,
	    "ca.pem", CA_PEM, mode));
	return path;
}

/* full, its ca_file (/srv/vg/ca.pem) a file of ca_file()'s */
static void
expect_full(struct fx *fx)
{
	const char *at = strstr(full, "/srv/vg/ca.pem");
	char text[sizeof(full) + 600];

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - full), full,
	    ca_file(fx, 0644), at + strlen("/srv/vg/ca.pem"));
	expect_good(fx, text);
}

static void
test_full_config(void **state)
{
	struct fx *fx = *state;
	struct vg_conf *c = &fx->c;
	const struct vg_instance *in;

	expect_full(fx);
	assert_string_equal(c->acl_file, "/srv/vg/acl.conf");
	assert_string_equal(c->pam_service, "");
	assert_int_equal(c->reauth, VG_REAUTH_ISSUANCE);
	assert_int_equal(c->output, VG_OUT_BOTH);
	assert_string_equal(c->console_page,
	    "https://console.example.com:8443/vnc/index.html");
	assert_int_equal(c->url_ttl, 300);
	assert_int_equal(c->idle_timeout, 10);
	assert_string_equal(c->timezone, "Asia/Shanghai");
	assert_string_equal(c->api.region, "cn-beijing");
	assert_string_equal(c->api.endpoint, "https://127.0.0.1:8443");
	assert_string_equal(c->api.sts_endpoint, "https://[::1]:9443");
	assert_int_equal(c->api.signature, VG_SIG_V1);
	assert_string_equal(c->api.ca_file, ca_file(fx, 0644));
	/* what the cloud calls trust: the text read through secfile */
	assert_int_equal(c->api.ca_len, strlen(CA_PEM));
	assert_string_equal(c->api.ca_pem, CA_PEM);
	assert_int_equal(c->api.nvnc_hosts, 2);
	assert_string_equal(c->api.vnc_hosts[0], ".aliyun.com");
	assert_string_equal(c->api.vnc_hosts[1], "hz01-vncproxy.example.com");
	assert_int_equal(c->api.connect_timeout, 60);
	assert_int_equal(c->api.timeout, 60);
	assert_int_equal(c->api.retries, 0);
	assert_int_equal(c->creds.provider, VG_CRED_RAM_ROLE_ARN);
	assert_string_equal(c->creds.role_name, "vncgate-role");
	assert_string_equal(c->creds.metadata_url, "https://100.100.100.200");
	assert_int_equal(c->creds.metadata_token, VG_MDTOKEN_OPTIONAL);
	assert_string_equal(c->creds.access_key_file, "/srv/vg/access_key");
	assert_string_equal(c->creds.role_arn,
	    "acs:ram::1234567890123456:role/vncgate.console");
	assert_int_equal(c->creds.session_policy, 0);
	assert_int_equal(c->creds.duration, 43200);
	assert_int_equal(c->audit.facility, LOG_LOCAL7);
	assert_string_equal(c->audit.file, "");
	assert_int_equal(c->audit.required, 0);
	assert_int_equal(c->limits.user_per_minute, 0);
	assert_int_equal(c->limits.instance_per_minute, 10000);
	assert_string_equal(c->limits.state_dir, "/srv/vg/state");

	assert_int_equal(c->inv.n, 3);
	in = &c->inv.inst[0];
	assert_string_equal(in->name, "web-1");
	assert_string_equal(in->id, "i-bp1hzoinajzkh91h0001");
	assert_string_equal(in->region, "cn-hangzhou");
	assert_int_equal(in->windows, 0);
	assert_string_equal(in->description, "web frontend 1");
	assert_int_equal(in->ntags, 2);
	assert_string_equal(in->tags[0], "env=prod");
	assert_string_equal(in->tags[1], "team=web");
	in = &c->inv.inst[1];
	/* region unset: api.region */
	assert_string_equal(in->region, "cn-beijing");
	assert_int_equal(in->windows, 1);
	assert_string_equal(in->description, "");
	assert_int_equal(in->ntags, 0);
	assert_null(in->tags);
}

static void
test_find_instance(void **state)
{
	struct fx *fx = *state;
	const struct vg_instance *in;

	expect_full(fx);
	in = inventory_find(&fx->c.inv, "web-1");
	assert_non_null(in);
	assert_string_equal(in->id, "i-bp1hzoinajzkh91h0001");
	in = inventory_find(&fx->c.inv, "i-bp1hzoinajzkh91h0002");
	assert_non_null(in);
	assert_string_equal(in->name, "AY121018033933eaxxxxxxx");
	/* a name wins over an ID that reads the same */
	in = inventory_find(&fx->c.inv, "AY121018033933eaxxxxxxx");
	assert_non_null(in);
	assert_string_equal(in->id, "i-bp1hzoinajzkh91h0002");
	assert_null(inventory_find(&fx->c.inv, "web-"));
	assert_null(inventory_find(&fx->c.inv, ""));
	assert_null(inventory_find(&fx->c.inv, NULL));
}

static void
test_range_bounds_accepted(void **state)
{
	struct fx *fx = *state;

	expect_good(fx, "url_ttl = 1\nidle_timeout = 86400\n"
	    "api {\n connect_timeout = 1\n timeout = 1\n retries = 5\n}\n"
	    "credentials { duration = 900 }\n"
	    "limits { user_per_minute = 10000\n instance_per_minute = 0 }\n");
	assert_int_equal(fx->c.url_ttl, 1);
	assert_int_equal(fx->c.api.retries, 5);
	assert_int_equal(fx->c.limits.instance_per_minute, 0);
	expect_good(fx, "api { connect_timeout = 1\n timeout = 300 }\n");
	expect_good(fx, "api {\n connect_timeout = 60\n timeout = 60 }\n");
}

static void
test_range_bounds_refused(void **state)
{
	static const struct bad b[] = {
		{ "url_ttl = 0\n", 1,
		    "url_ttl must be between 1 and 300 (got 0)" },
		{ "\nurl_ttl = 301\n", 2,
		    "url_ttl must be between 1 and 300 (got 301)" },
		{ "idle_timeout = 9\n", 1,
		    "idle_timeout must be between 10 and 86400 (got 9)" },
		{ "idle_timeout = 86401\n", 1,
		    "idle_timeout must be between 10 and 86400 (got 86401)" },
		{ "api {\n  connect_timeout = 0\n}\n", 2,
		    "api.connect_timeout must be between 1 and 60 (got 0)" },
		{ "api {\n  connect_timeout = 61\n timeout = 100\n}\n", 2,
		    "api.connect_timeout must be between 1 and 60 (got 61)" },
		{ "api {\n\n  timeout = 0\n}\n", 3,
		    "api.timeout must be between 1 and 300 (got 0)" },
		{ "api {\n  timeout = 301\n}\n", 2,
		    "api.timeout must be between 1 and 300 (got 301)" },
		{ "api { retries = -1 }\n", 1,
		    "api.retries must be between 0 and 5 (got -1)" },
		{ "api { retries = 6 }\n", 1,
		    "api.retries must be between 0 and 5 (got 6)" },
		{ "credentials {\n duration = 899\n}\n", 2,
		    "credentials.duration must be between 900 and 43200 "
		    "(got 899)" },
		{ "credentials {\n duration = 43201\n}\n", 2,
		    "credentials.duration must be between 900 and 43200 "
		    "(got 43201)" },
		{ "limits { user_per_minute = -1 }\n", 1,
		    "limits.user_per_minute must be between 0 and 10000 "
		    "(got -1)" },
		{ "limits { user_per_minute = 10001 }\n", 1,
		    "limits.user_per_minute must be between 0 and 10000 "
		    "(got 10001)" },
		{ "limits { instance_per_minute = -1 }\n", 1,
		    "limits.instance_per_minute must be between 0 and 10000 "
		    "(got -1)" },
		{ "limits { instance_per_minute = 10001 }\n", 1,
		    "limits.instance_per_minute must be between 0 and 10000 "
		    "(got 10001)" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_timeout_below_connect_timeout(void **state)
{
	static const struct bad b[] = {
		/* reported where the api block closes */
		{ "api {\n  connect_timeout = 20\n  timeout = 10\n}\n", 4,
		    "api.timeout (10) must not be less than "
		    "api.connect_timeout (20)" },
		{ "api {\n  connect_timeout = 11\n}\n", 3,
		    "api.timeout (10) must not be less than "
		    "api.connect_timeout (11)" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_enums(void **state)
{
	static const struct bad b[] = {
		{ "reauth = \"always\"\n", 1,
		    "reauth must be login or issuance (got \"always\")" },
		{ "output = \"pdf\"\n", 1,
		    "output must be auto, url, qr or both (got \"pdf\")" },
		{ "api {\n signature = \"V3\"\n}\n", 2,
		    "api.signature must be v3 or v1 (got \"V3\")" },
		{ "credentials {\n provider = \"env\"\n}\n", 2,
		    "credentials.provider must be ecs_ram_role, ram_role_arn "
		    "or static (got \"env\")" },
		{ "credentials {\n metadata_token = \"maybe\"\n}\n", 2,
		    "credentials.metadata_token must be required or optional "
		    "(got \"maybe\")" },
		{ "audit {\n facility = \"kern\"\n}\n", 2,
		    "audit.facility must be auth, authpriv, daemon, user, "
		    "local0, local1, local2, local3, local4, local5, local6 "
		    "or local7 (got \"kern\")" },
		{ "instance \"web-1\" {\n id = \"i-1\"\n os = \"bsd\"\n}\n", 3,
		    "instance \"web-1\" os must be linux or windows "
		    "(got \"bsd\")" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_urls(void **state)
{
	static const struct bad b[] = {
		{ "console_page = \"http://x.example/vnc.html\"\n", 1,
		    "console_page must start with https:// "
		    "(got \"http://x.example/vnc.html\")" },
		{ "console_page = \"https://x.example/a b\"\n", 1,
		    "console_page must not contain spaces, quotes, '#', "
		    "backslashes or control characters "
		    "(got \"https://x.example/a b\")" },
		{ "console_page = 'https://x.example/a\"b'\n", 1,
		    "console_page must not contain spaces, quotes, '#', "
		    "backslashes or control characters "
		    "(got \"https://x.example/a\"b\")" },
		{ "console_page = \"https://x.example/a#b\"\n", 1,
		    "console_page must not contain spaces, quotes, '#', "
		    "backslashes or control characters "
		    "(got \"https://x.example/a#b\")" },
		/* the control byte is shown as '?' */
		{ "console_page = \"https://x.example/\\x1b[2J\"\n", 1,
		    "console_page must not contain spaces, quotes, '#', "
		    "backslashes or control characters "
		    "(got \"https://x.example/?[2J\")" },
		{ "console_page = \"https:///index.html\"\n", 1,
		    "console_page must name a host (and optionally a port) "
		    "after the scheme (got \"https:///index.html\")" },
		{ "console_page = \"https://user@evil.example/x\"\n", 1,
		    "console_page must name a host (and optionally a port) "
		    "after the scheme (got \"https://user@evil.example/x\")" },
		{ "console_page = \"https://x.example:0/x\"\n", 1,
		    "console_page must name a host (and optionally a port) "
		    "after the scheme (got \"https://x.example:0/x\")" },
		{ "console_page = \"https://x.example/v.html?a=1\"\n", 1,
		    "console_page must not have a query "
		    "(got \"https://x.example/v.html?a=1\")" },
		{ "console_page = \"\"\n", 1,
		    "console_page must not be empty (got \"\")" },
		{ "api {\n endpoint = \"https://ecs.example.com/api\"\n}\n", 2,
		    "api.endpoint must not have a path after the host "
		    "(got \"https://ecs.example.com/api\")" },
		{ "api {\n endpoint = \"ecs.cn-hangzhou.aliyuncs.com\"\n}\n", 2,
		    "api.endpoint must start with https:// "
		    "(got \"ecs.cn-hangzhou.aliyuncs.com\")" },
		{ "api {\n sts_endpoint = \"http://sts.aliyuncs.com\"\n}\n", 2,
		    "api.sts_endpoint must start with https:// "
		    "(got \"http://sts.aliyuncs.com\")" },
		{ "credentials {\n metadata_url = \"ftp://100.100.100.200\""
		    "\n}\n",
		    2, "credentials.metadata_url must start with http:// or "
		    "https:// (got \"ftp://100.100.100.200\")" },
		{ "credentials {\n metadata_url = \"http://100.100.100.200/"
		    "latest\"\n}\n", 2, "credentials.metadata_url must not "
		    "have a path after the host "
		    "(got \"http://100.100.100.200/latest\")" },
	};

	struct fx *fx = *state;

	expect_bad_all(fx, b, NB(b));
	/* a huge port must not leave ERANGE behind for the next number */
	assert_int_equal(load(fx, "console_page = \"https://x:99999999999999"
	    "999999/a\"\nurl_ttl = 20\n"), -1);
	assert_int_equal(fx->d.n, 1);
	expect_good(fx, "console_page = \"https://x:65535/a/b.html\"\n"
	    "api { endpoint = \"https://[::1]:1\" }\n");
}

static void
test_role_arn(void **state)
{
	static const struct bad b[] = {
		{ "credentials {\n role_arn = \"acs:ram::abc:role/x\"\n}\n", 2,
		    "credentials.role_arn must be acs:ram::<account id>:"
		    "role/<role name> (got \"acs:ram::abc:role/x\")" },
		{ "credentials {\n role_arn = \"acs:ram::123:role/\"\n}\n", 2,
		    "credentials.role_arn must be acs:ram::<account id>:"
		    "role/<role name> (got \"acs:ram::123:role/\")" },
		{ "credentials {\n role_arn = \"acs:ram::123:user/x\"\n}\n", 2,
		    "credentials.role_arn must be acs:ram::<account id>:"
		    "role/<role name> (got \"acs:ram::123:user/x\")" },
		{ "credentials {\n role_arn = \"acs:ram::123:role/a/b\"\n}\n",
		    2, "credentials.role_arn must be acs:ram::<account id>:"
		    "role/<role name> (got \"acs:ram::123:role/a/b\")" },
		{ "credentials {\n provider = \"ram_role_arn\"\n}\n", 3,
		    "credentials.role_arn is required when provider is "
		    "ram_role_arn" },
		{ "credentials {\n role_name = \"../../x\"\n}\n", 2,
		    "credentials.role_name must be a RAM role name (1-64 of "
		    "A-Z a-z 0-9 . -) (got \"../../x\")" },
	};
	struct fx *fx = *state;

	expect_bad_all(fx, b, NB(b));
	expect_good(fx, "credentials {\n provider = \"ram_role_arn\"\n"
	    " role_arn = \"acs:ram::1:role/r-1\"\n}\n");
	expect_good(fx, "credentials {\n provider = \"static\"\n}\n");
}

static void
test_paths(void **state)
{
	static const struct bad b[] = {
		{ "acl_file = \"acl.conf\"\n", 1,
		    "acl_file must be an absolute path (got \"acl.conf\")" },
		{ "acl_file = \"\"\n", 1,
		    "acl_file must not be empty (got \"\")" },
		{ "api {\n ca_file = \"ca.pem\"\n}\n", 2,
		    "api.ca_file must be an absolute path (got \"ca.pem\")" },
		{ "credentials {\n access_key_file = \"./key\"\n}\n", 2,
		    "credentials.access_key_file must be an absolute path "
		    "(got \"./key\")" },
		{ "audit {\n file = \"audit.log\"\n}\n", 2,
		    "audit.file must be an absolute path (got \"audit.log\")" },
		{ "limits {\n state_dir = \"var/lib/vncgate\"\n}\n", 2,
		    "limits.state_dir must be an absolute path "
		    "(got \"var/lib/vncgate\")" },
		{ "limits {\n state_dir = \"/var/lib/\\nx\"\n}\n", 2,
		    "limits.state_dir must not contain control characters "
		    "(got \"/var/lib/?x\")" },
		{ "pam_service = \"../shadow\"\n", 1,
		    "pam_service must be a PAM service name "
		    "(A-Z a-z 0-9 . _ -) "
		    "(got \"../shadow\")" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_timezone(void **state)
{
	static const struct bad b[] = {
		{ "timezone = \"../../etc/passwd\"\n", 1,
		    "timezone must be a zone name such as Asia/Shanghai "
		    "(got \"../../etc/passwd\")" },
		{ "timezone = \"/etc/localtime\"\n", 1,
		    "timezone must be a zone name such as Asia/Shanghai "
		    "(got \"/etc/localtime\")" },
		{ "timezone = \"Mars/Olympus_Mons\"\n", 1,
		    "timezone is not a zone in /usr/share/zoneinfo "
		    "(got \"Mars/Olympus_Mons\")" },
		/* a folder, not a zone */
		{ "timezone = \"Asia\"\n", 1,
		    "timezone is not a zone in /usr/share/zoneinfo "
		    "(got \"Asia\")" },
		/* a file of tzdata, not a zone: conf_load loads the zone */
		{ "\n\ntimezone = \"leapseconds\"\n", 3,
		    "/usr/share/zoneinfo/leapseconds is not a valid zone "
		    "file: the first header does not start with TZif" },
	};
	struct fx *fx = *state;

	expect_bad_all(fx, b, NB(b));
	expect_good(fx, "timezone = \"UTC\"\n");
	assert_string_equal(fx->c.timezone, "UTC");
	expect_good(fx, "timezone = \"Etc/GMT+5\"\n");
}

static void
test_instances(void **state)
{
	static const struct bad b[] = {
		{ "instance \"-web\" {\n id = \"i-1\"\n}\n", 3,
		    "instance name \"-web\" must be 1-64 of A-Z a-z 0-9 . _ -, "
		    "not starting with -" },
		{ "instance \"web 1\" { id = \"i-1\" }\n", 1,
		    "instance name \"web 1\" must be 1-64 of "
		    "A-Z a-z 0-9 . _ -, "
		    "not starting with -" },
		{ "instance \"web-1\" {\n region = \"cn-beijing\"\n}\n", 3,
		    "instance \"web-1\" has no id" },
		{ "instance \"web-1\" {\n id = \"-i1\"\n}\n", 2,
		    "instance \"web-1\" id must be an instance ID (1-64 of A-Z "
		    "a-z 0-9 -, not starting with -) (got \"-i1\")" },
		{ "instance \"web-1\" {\n id = \"i_1\"\n}\n", 2,
		    "instance \"web-1\" id must be an instance ID (1-64 of A-Z "
		    "a-z 0-9 -, not starting with -) (got \"i_1\")" },
		{ "instance \"web-1\" {\n id = \"i-1\"\n"
		    " region = \"CN-x\"\n}\n",
		    3, "instance \"web-1\" region must be a region ID (1-32 of "
		    "a-z 0-9 -) (got \"CN-x\")" },
		{ "api {\n region = \"cn_hangzhou\"\n}\n", 2,
		    "api.region must be a region ID (1-32 of a-z 0-9 -) "
		    "(got \"cn_hangzhou\")" },
		{ "instance \"web-1\" {\n id = \"i-1\"\n description = "
		    "\"a\\tb\"\n}\n", 3, "instance \"web-1\" description must "
		    "not contain control characters (got \"a?b\")" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_description_length(void **state)
{
	struct fx *fx = *state;
	char text[600], desc[300];
	struct bad b = { text, 2, NULL };
	char msg[200];

	memset(desc, 'd', 257);
	desc[257] = '\0';
	snprintf(text, sizeof(text), "instance \"w\" {\n description = \"%s\""
	    "\n id = \"i-1\"\n}\n", desc);
	snprintf(msg, sizeof(msg), "instance \"w\" description must be at "
	    "most 256 bytes (got \"%.48s\")", desc);
	b.msg = msg;
	expect_bad(fx, &b);
	desc[256] = '\0';
	snprintf(text, sizeof(text), "instance \"w\" {\n description = \"%s\""
	    "\n id = \"i-1\"\n}\n", desc);
	expect_good(fx, text);
	assert_int_equal(strlen(fx->c.inv.inst[0].description), 256);
}

static void
test_tags(void **state)
{
	static const struct bad b[] = {
		{ "instance \"w\" {\n id = \"i-1\"\n tags = {\"env\"}\n}\n", 3,
		    "instance \"w\" tag \"env\" must be K=V, each 1-64 of A-Z "
		    "a-z 0-9 . _ : / -" },
		{ "instance \"w\" {\n id = \"i-1\"\n tags = {\"a=b\",\n"
		    " \"env=\"}\n}\n", 4, "instance \"w\" tag \"env=\" must be "
		    "K=V, each 1-64 of A-Z a-z 0-9 . _ : / -" },
		{ "instance \"w\" {\n id = \"i-1\"\n"
		    " tags = {\"=prod\"}\n}\n", 3,
		    "instance \"w\" tag \"=prod\" must be K=V, each 1-64 of "
		    "A-Z a-z 0-9 . _ : / -" },
		{ "instance \"w\" {\n id = \"i-1\"\n"
		    " tags = {\"a=b=c\"}\n}\n", 3,
		    "instance \"w\" tag \"a=b=c\" must be K=V, each 1-64 of "
		    "A-Z a-z 0-9 . _ : / -" },
		{ "instance \"w\" {\n id = \"i-1\"\n"
		    " tags = {\"env=pr od\"}\n}\n",
		    3, "instance \"w\" tag \"env=pr od\" must be K=V, each "
		    "1-64 of A-Z a-z 0-9 . _ : / -" },
	};
	struct fx *fx = *state;
	char text[300], k[70];

	expect_bad_all(fx, b, NB(b));
	/* a 65-byte key */
	memset(k, 'k', 65);
	k[65] = '\0';
	snprintf(text, sizeof(text), "instance \"w\" {\n id = \"i-1\"\n"
	    " tags = {\"%s=v\"}\n}\n", k);
	assert_int_equal(load(fx, text), -1);
	assert_int_equal(fx->d.n, 1);
	assert_int_equal(fx->d.d[0].line, 3);
	k[64] = '\0';
	snprintf(text, sizeof(text), "instance \"w\" {\n id = \"i-1\"\n"
	    " tags = {\"%s=a.b_c:d/e-f\"}\n}\n", k);
	expect_good(fx, text);
}

static void
test_duplicate_instances(void **state)
{
	static const struct bad b[] = {
		{ "instance \"web-1\" {\n id = \"i-1\"\n}\n"
		    "instance \"web-1\" {\n id = \"i-2\"\n}\n", 6,
		    "instance \"web-1\" is defined twice" },
		{ "instance \"web-1\" {\n id = \"i-1\"\n}\n"
		    "instance \"web-2\" {\n id = \"i-1\"\n}\n", 5,
		    "instance \"web-2\" has the same id as "
		    "instance \"web-1\"" },
	};

	expect_bad_all(*state, b, NB(b));
}

/* Block i of a generated inventory: 4 lines, its id on line 4i + 2. */
static void
gen_block(FILE *f, unsigned i, unsigned id, int region)
{
	fprintf(f, "instance \"n%05u\" {\n  id = \"i-%05u\"\n", i, id);
	if (region)
		fprintf(f, "  region = \"cn-beijing\" description = \"n%u\"\n",
		    i);
	else
		fprintf(f, "  tags = {\"env=prod\", \"team=t%u\"}\n", i % 7);
	fprintf(f, "}\n");
}

/* An inventory of thousands of instances is over 1 MiB. */
static void
test_big_inventory(void **state)
{
	struct fx *fx = *state;
	const struct vg_instance *in;
	char *text = NULL;
	size_t len = 0;
	unsigned i;
	FILE *f;

	assert_non_null(f = open_memstream(&text, &len));
	for (i = 0; i < 20000; i++)
		gen_block(f, i, i, i % 3 == 1);
	/* the default region comes after the instances that use it */
	fprintf(f, "api {\n  region = \"cn-shanghai\"\n}\n");
	assert_int_equal(fclose(f), 0);
	assert_true(len > (1u << 20));
	expect_good(fx, text);
	free(text);
	assert_int_equal(fx->c.inv.n, 20000);
	in = inventory_find(&fx->c.inv, "i-19998");
	assert_non_null(in);
	assert_ptr_equal(in, inventory_find(&fx->c.inv, "n19998"));
	assert_string_equal(in->region, "cn-shanghai");
	assert_int_equal(in->ntags, 2);
	assert_string_equal(in->tags[1], "team=t6");
	in = inventory_find(&fx->c.inv, "n19999");
	assert_string_equal(in->region, "cn-beijing");
	assert_string_equal(in->description, "n19999");
}

/* Duplicates far apart, each named with the first of its kind. */
static void
test_duplicates_far_apart(void **state)
{
	struct fx *fx = *state;
	char *text = NULL;
	size_t len = 0;
	unsigned i;
	FILE *f;

	assert_non_null(f = open_memstream(&text, &len));
	for (i = 0; i < 3000; i++)
		gen_block(f, i, i == 2500 || i == 2600 ? 5 : i, 0);
	gen_block(f, 7, 3000, 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(load(fx, text), -1);
	free(text);
	assert_int_equal(fx->d.n, 3);
	expect_diag(fx, 4 * 2500 + 2, "instance \"n02500\" has the same id "
	    "as instance \"n00005\"");
	expect_diag(fx, 4 * 2600 + 2, "instance \"n02600\" has the same id "
	    "as instance \"n00005\"");
	expect_diag(fx, 4 * 3000 + 4, "instance \"n00007\" is defined twice");
}

/* 64 MiB for the config (an inventory), 1 MiB for the access key. */
static void
test_size_caps(void **state)
{
	struct fx *fx = *state;
	char *id = NULL, *secret = NULL, want[200];

	assert_int_equal(load(fx, ""), 0);
	conf_free(&fx->c);
	assert_int_equal(truncate(fx->path, ((off_t)64 << 20) + 1), 0);
	diag_init(&fx->d);
	assert_int_equal(conf_load(fx->path, &fx->pol, &fx->c, &fx->d), -1);
	snprintf(want, sizeof(want), "the file is too big (%lld bytes, the "
	    "limit is %lld)", ((long long)64 << 20) + 1, (long long)64 << 20);
	expect_diag(fx, 0, want);
	/* a policy's own cap stands */
	fx->pol.max_size = 10;
	assert_int_equal(load(fx, "url_ttl = 15\n"), -1);
	expect_diag(fx, 0, "the file is too big (13 bytes, the limit is 10)");
	fx->pol.max_size = 0;
	assert_int_equal(load_key(fx, "", 0640, &id, &secret), -1);
	assert_int_equal(truncate(fx->path, (1 << 20) + 1), 0);
	diag_init(&fx->d);
	assert_int_equal(conf_load_access_key(fx->path, &fx->pol, &id,
	    &secret, &fx->d), -1);
	expect_diag(fx, 0, "the file is too big (1048577 bytes, the limit is "
	    "1048576)");
	assert_null(id);
	assert_null(secret);
}

static void
test_unknown_and_syntax(void **state)
{
	static const struct bad b[] = {
		{ "url_ttl = 15\nbogus = 1\n", 2, "no such option 'bogus'" },
		{ "api {\n region = \"cn-hangzhou\"\n bogus = 1\n}\n", 3,
		    "no such option 'bogus'" },
		{ "\nfrobnicate {\n}\n", 2, "no such option 'frobnicate'" },
		{ "Url_ttl = 15\n", 1, "no such option 'Url_ttl'" },
		{ "url_ttl 15\n", 1,
		    "missing equal sign after option 'url_ttl'" },
		{ "url_ttl = 1O\n", 1,
		    "invalid integer value for option 'url_ttl'" },
		{ "audit {\n required = maybe\n}\n", 2,
		    "invalid boolean value for option 'required'" },
		{ "url_ttl = 15\n}\n", 2, "unexpected closing brace" },
		/* the hidden context option cannot be set from a file */
		{ "\"|ctx\" = \"x\"\n", 1, "syntax error" },
		/* libconfuse would accept a truncated file */
		{ "url_ttl = 15\napi {\n timeout = 20\n", 2,
		    "this '{' is never closed" },
		{ "api {\n credentials {\n}\n}\n", 2,
		    "no such option 'credentials'" },
		{ "api {\n}\napi {\n}\n", 4, "the api section appears twice" },
	};

	expect_bad_all(*state, b, NB(b));
}

static void
test_includes_refused(void **state)
{
	static const struct bad b[] = {
		{ "include(\"/etc/passwd\")\n", 1, "no such option 'include'" },
		{ "@include \"/etc/passwd\"\n", 1,
		    "no such option '@include'" },
		{ "api {\n include(\"other.conf\")\n}\n", 2,
		    "no such option 'include'" },
	};
	struct fx *fx = *state;

	/* an include that worked would load this and pass */
	unit_write_file(fx->dir, "other.conf", "retries = 1\n", 0644);
	expect_bad_all(fx, b, NB(b));
}

static void
test_environment_substitution_refused(void **state)
{
	struct fx *fx = *state;
	static const struct bad b[] = {
		{ "\nconsole_page = \"${VG_TEST_PAGE}\"\n", 2,
		    "${...} (environment substitution) is not allowed" },
		{ "url_ttl = ${VG_TEST_TTL}\n", 1,
		    "${...} (environment substitution) is not allowed" },
	};

	setenv("VG_TEST_PAGE", "https://evil.example/x.html", 1);
	setenv("VG_TEST_TTL", "20", 1);
	expect_bad_all(fx, b, NB(b));
	/* where libconfuse does not substitute, it is plain text */
	expect_good(fx, "# ${HOME} in a comment\n"
	    "/* and ${HOME} here */\n"
	    "acl_file = '/ca/${x}'\n"
	    "instance \"w\" { id = \"i-1\"\n description = \"\\${x}\" }\n");
	assert_string_equal(fx->c.acl_file, "/ca/${x}");
	unsetenv("VG_TEST_PAGE");
	unsetenv("VG_TEST_TTL");
}

static void
test_every_problem_reported(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(load(fx, "url_ttl = 0\n"
	    "reauth = \"never\"\n"
	    "api {\n"
	    "  retries = 9\n"
	    "}\n"
	    "instance \"a\" {\n"
	    "  os = \"bsd\"\n"
	    "}\n"), -1);
	assert_int_equal(fx->d.n, 5);
	assert_int_equal(fx->d.d[0].line, 1);
	assert_int_equal(fx->d.d[1].line, 2);
	assert_int_equal(fx->d.d[2].line, 4);
	assert_int_equal(fx->d.d[3].line, 7);
	assert_int_equal(fx->d.d[4].line, 8);
	expect_diag(fx, 8, "instance \"a\" has no id");
}

static void
test_failure_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	struct vg_conf zero;

	memset(&zero, 0, sizeof(zero));
	assert_int_equal(load(fx, "url_ttl = 0\n"), -1);
	assert_memory_equal(&fx->c, &zero, sizeof(zero));
	/* conf_free on the emptied struct is harmless */
	conf_free(&fx->c);
}

static void
test_insecure_file(void **state)
{
	struct fx *fx = *state;
	char path[600];

	assert_int_equal(load_mode(fx, "url_ttl = 15\n", 0666), -1);
	assert_int_equal(fx->d.n, 1);
	expect_diag(fx, 0, "the file is group-writable");
	assert_int_equal(load_mode(fx, "url_ttl = 15\n", 0646), -1);
	expect_diag(fx, 0, "the file is world-writable");
	fx->pol.owner = getuid() + 4242;
	fx->pol.allow_ruid = 0;
	assert_int_equal(load(fx, "url_ttl = 15\n"), -1);
	assert_int_equal(fx->d.n, 1);
	assert_non_null(strstr(fx->d.d[0].msg, "the file is owned by uid"));

	snprintf(path, sizeof(path), "%s/missing.conf", fx->dir);
	diag_init(&fx->d);
	assert_int_equal(conf_load(path, &fx->pol, &fx->c, &fx->d), -1);
	assert_string_equal(fx->d.d[0].file, path);
	assert_string_equal(fx->d.d[0].msg, "the file does not exist");
}

/*
 * api.ca_file decides whom the cloud calls trust: it is checked as the
 * config is, and the problem stands at the line of ca_file (DESIGN 1.5).
 */
static void
test_ca_file_checked(void **state)
{
	struct fx *fx = *state;
	char text[800], why[800], link[600];
	const char *ca;
	static const struct {
		mode_t		 mode;
		const char	*why;
	} modes[] = {
		{ 0664, "is group-writable" },
		{ 0646, "is world-writable" },
	};
	size_t i;

	for (i = 0; i < NB(modes); i++) {
		ca = ca_file(fx, modes[i].mode);
		snprintf(text, sizeof(text), "api {\n region = \"cn-hangzhou\"\n"
		    " ca_file = \"%s\"\n}\n", ca);
		snprintf(why, sizeof(why), "api.ca_file: %s %s", ca,
		    modes[i].why);
		expect_bad(fx, &(struct bad){ text, 3, why });
		assert_null(fx->c.api.ca_pem);
	}
	/* a symlink, even to a good file (/etc/ssl/certs holds such) */
	ca = ca_file(fx, 0644);
	snprintf(link, sizeof(link), "%s/link.pem", fx->dir);
	assert_int_equal(symlink(ca, link), 0);
	snprintf(text, sizeof(text), "api { ca_file = \"%s\" }\n", link);
	snprintf(why, sizeof(why), "api.ca_file: %s is a symbolic link", link);
	expect_bad(fx, &(struct bad){ text, 1, why });
	snprintf(text, sizeof(text), "api { ca_file = \"%s\" }\n", fx->dir);
	snprintf(why, sizeof(why), "api.ca_file: %s is not a regular file",
	    fx->dir);
	expect_bad(fx, &(struct bad){ text, 1, why });
	snprintf(text, sizeof(text), "\napi { ca_file = \"%s/none.pem\" }\n",
	    fx->dir);
	snprintf(why, sizeof(why), "api.ca_file: %s/none.pem does not exist",
	    fx->dir);
	expect_bad(fx, &(struct bad){ text, 2, why });
	ca = unit_write_file(fx->dir, "ca.pem", "not a certificate\n", 0644);
	snprintf(text, sizeof(text), "api { ca_file = \"%s\" }\n", ca);
	snprintf(why, sizeof(why), "api.ca_file: %s holds no PEM certificate",
	    ca);
	expect_bad(fx, &(struct bad){ text, 1, why });
}

/* api.vnc_hosts: where a VncUrl may lead (DESIGN 1.8). */
static void
test_vnc_hosts(void **state)
{
	static const char why[] = "must be a host name "
	    "(hz01-vncproxy.aliyun.com), or a domain after a dot (.aliyun.com)";
	static const char *const bad[] = { "", ".", "..aliyun.com",
	    "aliyun.com.", "-x.aliyun.com", "x-.aliyun.com", "*.aliyun.com",
	    "user@aliyun.com", "aliyun.com:443", "[::1]", "10.0.0.1",
	    ".com.1", "a b.com", "a_b.com" };
	struct fx *fx = *state;
	char text[200], msg[300];
	size_t i;

	for (i = 0; i < NB(bad); i++) {
		snprintf(text, sizeof(text), "api {\n vnc_hosts = "
		    "{\".aliyun.com\", \"%s\"}\n}\n", bad[i]);
		snprintf(msg, sizeof(msg), "api.vnc_hosts entry \"%s\" %s",
		    bad[i], why);
		expect_bad(fx, &(struct bad){ text, 2, msg });
	}
	expect_bad(fx, &(struct bad){ "api {\n vnc_hosts = {}\n}\n", 3,
	    "api.vnc_hosts must name at least one host or domain" });
	expect_good(fx, "api { vnc_hosts = {\".example\", "
	    "\"vnc.example.net\", \"x\"} }\n");
	assert_int_equal(fx->c.api.nvnc_hosts, 3);
	assert_string_equal(fx->c.api.vnc_hosts[2], "x");
}

/* ticket { mode, pattern } (DESIGN 1.11): the section and its checks. */
static void
test_ticket_section(void **state)
{
	static const struct bad b[] = {
		{ "ticket {\n mode = \"sometimes\"\n}\n", 2,
		    "ticket.mode must be off, optional or required "
		    "(got \"sometimes\")" },
		{ "ticket {\n pattern = \"[A-Z\"\n}\n", 2,
		    "ticket.pattern is not a POSIX extended regular "
		    "expression: Unmatched [, [^, [:, [., or [=" },
		/* alone it would not compile: never hidden by the anchor */
		{ "ticket {\n mode = \"required\"\n pattern = \"A)|(.*\"\n"
		    "}\n", 3, "ticket.pattern is not a POSIX extended "
		    "regular expression: Unmatched ( or \\(" },
		{ "ticket {\n pattern = \"(a)\\\\1\"\n}\n", 2,
		    "ticket.pattern must not hold a back-reference (\\1 to "
		    "\\9) (got \"(a)\\1\")" },
		{ "ticket {\n colour = \"red\"\n}\n", 2,
		    "no such option 'colour'" },
		{ "ticket {\n mode = \"optional\"\n}\nticket {\n}\n", 5,
		    "the ticket section appears twice" },
	};
	struct fx *fx = *state;

	expect_bad_all(fx, b, NB(b));
	expect_good(fx, "# nothing\n");
	assert_int_equal(fx->c.ticket.mode, VG_TICKET_OFF);
	assert_string_equal(fx->c.ticket.pattern, "");
	assert_int_equal(fx->c.ticket.have_re, 0);
	expect_good(fx, "ticket {\n mode = \"required\"\n"
	    " pattern = \"[A-Z][A-Z0-9]{1,9}-[0-9]{1,8}\"\n}\n");
	assert_int_equal(fx->c.ticket.mode, VG_TICKET_REQUIRED);
	assert_int_equal(fx->c.ticket.have_re, 1);
}

/* The loaded pattern, as the shell passes it. */
#define RE(fx)	((fx)->c.ticket.have_re ? &(fx)->c.ticket.re : NULL)

/* What a ticket may be: the set, 32 characters, the whole pattern. */
static void
test_ticket_check(void **state)
{
	static const struct {
		const char		*ticket;
		enum vg_ticket_problem	 want;
	} any[] = {
		{ "INC-1234", VG_TICKET_FINE },
		{ "a.b_c:d/e-f", VG_TICKET_FINE },
		{ "T2345678901234567890123456789012", VG_TICKET_FINE },
		{ "T23456789012345678901234567890123", VG_TICKET_LONG },
		{ "", VG_TICKET_EMPTY },
		{ "INC 1", VG_TICKET_CHARS },
		{ "INC#1", VG_TICKET_CHARS },
		{ "inc\n1", VG_TICKET_CHARS },
		{ "caf\xc3\xa9", VG_TICKET_CHARS },
	}, pat[] = {
		{ "INC-1234", VG_TICKET_FINE },
		{ "CHG9-1", VG_TICKET_FINE },
		{ "inc-1234", VG_TICKET_NO_MATCH },
		/* anchored: a match inside is not a match */
		{ "xINC-1234", VG_TICKET_NO_MATCH },
		{ "INC-1234y", VG_TICKET_NO_MATCH },
		{ "INC-1234-5", VG_TICKET_NO_MATCH },
		{ "I-1", VG_TICKET_NO_MATCH },
	};
	struct fx *fx = *state;
	size_t i;

	expect_good(fx, "ticket {\n mode = \"optional\"\n}\n");
	for (i = 0; i < NB(any); i++)
		if (conf_ticket_check(RE(fx), any[i].ticket) != any[i].want)
			fail_msg("\"%s\": %d, want %d", any[i].ticket,
			    conf_ticket_check(RE(fx), any[i].ticket),
			    any[i].want);
	assert_int_equal(conf_ticket_check(RE(fx), NULL), VG_TICKET_EMPTY);
	expect_good(fx, "ticket {\n pattern = \"[A-Z][A-Z0-9]{1,9}-"
	    "[0-9]{1,8}\"\n}\n");
	for (i = 0; i < NB(pat); i++)
		if (conf_ticket_check(RE(fx), pat[i].ticket) != pat[i].want)
			fail_msg("\"%s\": %d, want %d", pat[i].ticket,
			    conf_ticket_check(RE(fx), pat[i].ticket),
			    pat[i].want);
	/* a stray ')' that glibc reads as a character cannot unanchor it */
	expect_good(fx, "ticket {\n pattern = \"A)|(B)\"\n}\n");
	assert_int_equal(conf_ticket_check(RE(fx), "Axyz"),
	    VG_TICKET_NO_MATCH);
	assert_int_equal(conf_ticket_check(RE(fx), "Bxyz"),
	    VG_TICKET_NO_MATCH);
	assert_int_equal(conf_ticket_check(RE(fx), "B"), VG_TICKET_FINE);
	/* a shorter alternative first: the longest match is the one read */
	expect_good(fx, "ticket {\n pattern = \"a|ab\"\n}\n");
	assert_int_equal(conf_ticket_check(RE(fx), "ab"), VG_TICKET_FINE);
	/* the pattern cannot let in what the set refuses */
	expect_good(fx, "ticket {\n pattern = \".*\"\n}\n");
	assert_int_equal(conf_ticket_check(RE(fx), "a b"), VG_TICKET_CHARS);
}

static void
test_facility_table(void **state)
{
	(void)state;
	assert_int_equal(conf_facility("auth"), LOG_AUTH);
	assert_int_equal(conf_facility("authpriv"), LOG_AUTHPRIV);
	assert_int_equal(conf_facility("daemon"), LOG_DAEMON);
	assert_int_equal(conf_facility("user"), LOG_USER);
	assert_int_equal(conf_facility("local0"), LOG_LOCAL0);
	assert_int_equal(conf_facility("local7"), LOG_LOCAL7);
	assert_int_equal(conf_facility("kern"), -1);
	assert_int_equal(conf_facility("AUTHPRIV"), -1);
	assert_int_equal(conf_facility("linux"), -1);
	assert_int_equal(conf_facility(NULL), -1);
}

/* etc/vncgate.conf is the schema with its defaults: it must load as such. */
static void
test_example_config(void **state)
{
	struct fx *fx = *state;
	char text[16384];
	size_t n;
	FILE *f;

	f = fopen("etc/vncgate.conf", "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text) - 1);
	text[n] = '\0';
	expect_good(fx, text);
	assert_string_equal(fx->c.acl_file, "/etc/vncgate/acl.conf");
	assert_string_equal(fx->c.api.endpoint, "");
	assert_string_equal(fx->c.api.sts_endpoint,
	    "https://sts.aliyuncs.com");
	assert_int_equal(fx->c.creds.provider, VG_CRED_ECS_RAM_ROLE);
	assert_int_equal(fx->c.audit.facility, LOG_AUTHPRIV);
	assert_int_equal(fx->c.inv.n, 1);
	assert_string_equal(fx->c.inv.inst[0].name, "web-1");
	assert_string_equal(fx->c.inv.inst[0].id, "i-bp1hzoinajzkh91h0001");
	assert_int_equal(fx->c.inv.inst[0].ntags, 2);
}

/* ------------------------------------------------------------------ */
/* the access_key file */

static int
load_key(struct fx *fx, const char *text, mode_t mode, char **id,
    char **secret)
{
	snprintf(fx->path, sizeof(fx->path), "%s",
	    unit_write_file(fx->dir, "access_key", text, mode));
	diag_init(&fx->d);
	fx->pol.no_world_read = 1;
	return conf_load_access_key(fx->path, &fx->pol, id, secret, &fx->d);
}

static void
test_access_key_ok(void **state)
{
	struct fx *fx = *state;
	char *id = NULL, *secret = NULL;

	assert_int_equal(load_key(fx, "access_key_id = \"LTAI5tExample.1\"\n"
	    "access_key_secret = \"s3cr3t/+=Value\"\n", 0640, &id, &secret),
	    0);
	assert_string_equal(id, "LTAI5tExample.1");
	assert_string_equal(secret, "s3cr3t/+=Value");
	free(id);
	vg_freestr(secret);
}

static void
test_access_key_refused(void **state)
{
	struct fx *fx = *state;
	char *id = (char *)"x", *secret = (char *)"x";
	size_t i;

	/* 0644: the key must not be world-readable */
	assert_int_equal(load_key(fx, "access_key_id = \"a\"\n"
	    "access_key_secret = \"b\"\n", 0644, &id, &secret), -1);
	assert_null(id);
	assert_null(secret);
	expect_diag(fx, 0, "the file is world-readable");

	assert_int_equal(load_key(fx, "access_key_id = \"a\"\n", 0640, &id,
	    &secret), -1);
	expect_diag(fx, 0, "access_key_secret is missing");

	assert_int_equal(load_key(fx, "access_key_id = \"a-b\"\n"
	    "access_key_secret = \"b\"\n", 0640, &id, &secret), -1);
	expect_diag(fx, 1, "access_key_id must be 1-128 of A-Z a-z 0-9 .");

	/* the secret is never repeated in a message */
	assert_int_equal(load_key(fx, "access_key_id = \"a\"\n"
	    "access_key_secret = \"TOPSECRET value\"\n", 0640, &id, &secret),
	    -1);
	expect_diag(fx, 2, "access_key_secret must be 1-256 printable "
	    "characters without spaces");
	assert_int_equal(load_key(fx, "access_key_id = \"a\"\n"
	    "access_key_secret = TOPSECRET value\n", 0640, &id, &secret), -1);
	assert_true(fx->d.n >= 1);
	for (i = 0; i < fx->d.n; i++)
		assert_null(strstr(fx->d.d[i].msg, "TOPSECRET"));
	assert_null(strstr(fx->d.d[0].msg, "value"));

	assert_int_equal(load_key(fx, "access_key_id = \"a\"\n"
	    "access_key_secret = \"b\"\nregion = \"x\"\n", 0640, &id, &secret),
	    -1);
	expect_diag(fx, 3, "syntax error (details withheld: the file holds "
	    "a secret)");
	assert_null(id);
	assert_null(secret);
}

/*
 * The key file's own reader (lib/conf_key.c) takes the language
 * libconfuse took: quotes of both kinds, escapes, bare words, comments,
 * a later key replacing an earlier one, CR LF.
 */
static const struct {
	const char	*text;
	const char	*id;
	const char	*secret;
} key_ok[] = {
	{ "access_key_id = \"A1\"\naccess_key_secret = \"s\"\n", "A1", "s" },
	{ "access_key_id='A1' access_key_secret='it\\'s'", "A1", "it's" },
	{ "\"access_key_id\" = A1.b\r\naccess_key_secret = x/y:z~\r\n",
	    "A1.b", "x/y:z~" },
	{ "# key\n// the id\naccess_key_id = \"A1\" /* old: A0 */\n"
	    "access_key_secret = \"\\x41\\102\\\"\\\\\"\n", "A1",
	    "AB\"\\" },
	{ "access_key_id = \"A0\"\naccess_key_id = \"A1\"\n"
	    "access_key_secret = 'a\\b'\n", "A1", "a\\b" },
	{ "access_key_id\n=\n\"A1\"\naccess_key_secret = \"s\\\n3\"", "A1",
	    "s3" },
	{ "access_key_id = *\"A1\"\naccess_key_secret = \"s\"\n/* end", "A1",
	    "s" },
};

/* Syntax errors at their line, comments counted as the lines they are. */
static const struct {
	const char	*text;
	int		 line;
} key_bad[] = {
	{ "# one\n# two\nregion = \"x\"\n", 3 },
	{ "/*\n\n*/ access_key_id += \"a\"\n", 3 },
	{ "access_key_id = # no value\n\"a\"\n", 1 },
	{ "access_key_id \"a\"\n", 1 },
	{ "access_key_id = \"a\\18\"\n", 1 },
	{ "access_key_id = \"\\400\"\n", 1 },
	{ "access_key_id = \"a\"\naccess_key_secret = 'b\n\n", 4 },
	{ "access_key_id = \"a\"\naccess_key_secret = \"b\n", 3 },
	{ "access_key_id = \"a\"\n}\n", 2 },
	{ "access_key_id = {\"a\"}\n", 1 },
};

static void
test_access_key_language(void **state)
{
	struct fx *fx = *state;
	char *id, *secret;
	size_t i;

	for (i = 0; i < sizeof(key_ok) / sizeof(key_ok[0]); i++) {
		assert_int_equal(load_key(fx, key_ok[i].text, 0640, &id,
		    &secret), 0);
		assert_string_equal(id, key_ok[i].id);
		assert_string_equal(secret, key_ok[i].secret);
		vg_freestr(id);
		vg_freestr(secret);
	}
	for (i = 0; i < sizeof(key_bad) / sizeof(key_bad[0]); i++) {
		assert_int_equal(load_key(fx, key_bad[i].text, 0640, &id,
		    &secret), -1);
		assert_null(id);
		expect_diag(fx, key_bad[i].line, "syntax error (details "
		    "withheld: the file holds a secret)");
	}
	/* refused before the parse, as in vncgate.conf */
	assert_int_equal(load_key(fx, "access_key_id = \"A1\"\n"
	    "access_key_secret = \"${HOME}\"\n", 0640, &id, &secret), -1);
	expect_diag(fx, 2, "${...} (environment substitution) is not "
	    "allowed");
	assert_int_equal(load_key(fx, "access_key_id = \"A1\"\n"
	    "access_key_secret = \"a\\0b\"\n", 0640, &id, &secret), 0);
	assert_string_equal(secret, "a");
	vg_freestr(id);
	vg_freestr(secret);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defaults_of_empty_file),
		T(test_full_config),
		T(test_find_instance),
		T(test_range_bounds_accepted),
		T(test_range_bounds_refused),
		T(test_timeout_below_connect_timeout),
		T(test_enums),
		T(test_urls),
		T(test_role_arn),
		T(test_paths),
		T(test_timezone),
		T(test_instances),
		T(test_description_length),
		T(test_tags),
		T(test_duplicate_instances),
		T(test_big_inventory),
		T(test_duplicates_far_apart),
		T(test_size_caps),
		T(test_unknown_and_syntax),
		T(test_includes_refused),
		T(test_environment_substitution_refused),
		T(test_every_problem_reported),
		T(test_failure_leaves_nothing),
		T(test_insecure_file),
		T(test_ca_file_checked),
		T(test_vnc_hosts),
		T(test_ticket_section),
		T(test_ticket_check),
		T(test_facility_table),
		T(test_example_config),
		T(test_access_key_ok),
		T(test_access_key_refused),
		T(test_access_key_language),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
