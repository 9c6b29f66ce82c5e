/* SPDX-License-Identifier: ISC */
/*
 * The values of vncgate.conf and the access_key file: see conf_value.h.
 * conf_parse.c wires these rules to libconfuse and words the messages
 * (key names, FILE:LINE); here a value is only a string or a number.
 * The checks of an instance's own fields are the inventory's
 * (inventory.c), shared with every other reader of instances.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "conf_value.h"
#include "inventory.h"
#include "tz.h"
#include "util.h"

#define ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* ------------------------------------------------------------------ */
/* value checks: each returns NULL when fine, else what is wrong */

static int
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static const char *
bad_abspath(const char *s)
{
	const char *p;

	if (s[0] != '/' || strlen(s) >= PATH_MAX)
		return "must be an absolute path";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* host or [v6], then an optional :port; returns the rest or NULL */
static const char *
skip_authority(const char *s)
{
	size_t i, n;
	long port = 0;

	if (*s == '[') {
		n = strspn(s + 1, "0123456789abcdefABCDEF:.");
		if (n == 0 || s[n + 1] != ']')
			return NULL;
		s += n + 2;
	} else {
		if ((n = strspn(s, ALNUM ".-")) == 0)
			return NULL;
		s += n;
	}
	if (*s != ':')
		return s;
	/* by hand: strtol would leave ERANGE for libconfuse to trip on */
	n = strspn(++s, "0123456789");
	for (i = 0; i < n && i < 6; i++)
		port = port * 10 + (s[i] - '0');
	if (n == 0 || n > 5 || port < 1 || port > 65535)
		return NULL;
	return s + n;
}

/* The URL rules shared by console_page, the endpoints and metadata_url. */
static const char *
bad_url(const char *s, int http_ok, int path_ok)
{
	const char *rest;

	/* a quote or '#' would end the URL early wherever it is pasted */
	if (!printable_ascii(s) || strpbrk(s, "\"'#\\") != NULL)
		return "must not contain spaces, quotes, '#', backslashes or "
		    "control characters";
	if (strncmp(s, "https://", 8) == 0)
		s += 8;
	else if (http_ok && strncmp(s, "http://", 7) == 0)
		s += 7;
	else
		return http_ok ? "must start with http:// or https://" :
		    "must start with https://";
	if ((rest = skip_authority(s)) == NULL)
		return "must name a host (and optionally a port) after the "
		    "scheme";
	if (!path_ok && *rest != '\0')
		return "must not have a path after the host";
	if (*rest != '\0' && *rest != '/')
		return "must name a host (and optionally a port) after the "
		    "scheme";
	/* the console URL is made by appending ?vncUrl=... (DESIGN 1.8) */
	if (strchr(rest, '?') != NULL)
		return "must not have a query";
	return NULL;
}

static const char *
bad_page_url(const char *s)
{
	return bad_url(s, 0, 1);
}

static const char *
bad_https_base(const char *s)
{
	return bad_url(s, 0, 0);
}

static const char *
bad_http_base(const char *s)
{
	return bad_url(s, 1, 0);
}

static const char *
bad_timezone(const char *s)
{
	char path[PATH_MAX];
	struct stat sb;

	/* no '.' in the set: "../" cannot climb out of the zone folder */
	if (!vg_charset_ok(s, ALNUM "/_+-", 128) || s[0] == '/')
		return "must be a zone name such as Asia/Shanghai";
	snprintf(path, sizeof(path), "%s/%s", TZ_ZONEINFO, s);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return "is not a zone in " TZ_ZONEINFO;
	return NULL;
}

const char *
conf_value_bad_vnc_host(const char *s)
{
	if (!vg_valid_host_name(s[0] == '.' ? s + 1 : s))
		return "must be a host name (hz01-vncproxy.aliyun.com), or a "
		    "domain after a dot (.aliyun.com)";
	return NULL;
}

static const char *
bad_service(const char *s)
{
	/* a file name in /etc/pam.d: no '/', no leading '.' */
	if (!vg_charset_ok(s, ALNUM "._-", 64) || s[0] == '.' || s[0] == '-')
		return "must be a PAM service name (A-Z a-z 0-9 . _ -)";
	return NULL;
}

static int
valid_role_name(const char *s, size_t len)
{
	/* RAM role names; no leading '.': the name becomes a URL path */
	return len >= 1 && len <= 64 && strspn(s, ALNUM ".-") >= len &&
	    s[0] != '.';
}

static const char *
bad_role_name(const char *s)
{
	if (!valid_role_name(s, strlen(s)))
		return "must be a RAM role name (1-64 of A-Z a-z 0-9 . -)";
	return NULL;
}

static const char *
bad_role_arn(const char *s)
{
	static const char pre[] = "acs:ram::";
	size_t n;

	if (strncmp(s, pre, sizeof(pre) - 1) != 0)
		goto bad;
	s += sizeof(pre) - 1;
	n = strspn(s, "0123456789");
	if (n == 0 || n > 20 || strncmp(s + n, ":role/", 6) != 0)
		goto bad;
	s += n + 6;
	if (valid_role_name(s, strlen(s)))
		return NULL;
bad:
	return "must be acs:ram::<account id>:role/<role name>";
}

static const char *
bad_region(const char *s)
{
	return vg_valid_region(s) ? NULL :
	    "must be a region ID (1-32 of a-z 0-9 -)";
}

/* A tag key, as the cloud's tags are checked (inventory.c). */
static const char *
bad_tag_key(const char *s)
{
	return vg_alnum_ok(s, "._:/-", 64) ? NULL :
	    "must be a tag key (1-64 of A-Z a-z 0-9 . _ : / -)";
}

/* An entry of inventory.regions: a region ID, or "*" alone. */
const char *
conf_value_bad_inv_region(const char *s)
{
	return strcmp(s, "*") == 0 ? NULL : bad_region(s);
}

static const char *
bad_key_id(const char *s)
{
	return vg_charset_ok(s, ALNUM ".", 128) ? NULL :
	    "must be 1-128 of A-Z a-z 0-9 .";
}

static const char *
bad_secret(const char *s)
{
	return strlen(s) <= 256 && printable_ascii(s) ? NULL :
	    "must be 1-256 printable characters without spaces";
}

/*
 * ticket.pattern: compiled at load (conf_ticket.c), which reports what
 * regcomp says.  Here only what no pattern needs: control bytes, a
 * length past any sane rule, and back-references, which POSIX ERE does
 * not have and which the anchoring group ^(...)$ would renumber.
 */
static const char *
bad_pattern(const char *s)
{
	const char *p;

	if (strlen(s) > 256)
		return "must be at most 256 characters";
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
			return "must not hold a back-reference (\\1 to \\9)";
		if (*p == '\\' && p[1] != '\0')
			p++;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* string keys */

/* The string keys and their checks; conf_parse.c registers each one. */
static const struct conf_str_rule strrules[] = {
	{ "acl_file",		bad_abspath,	0, 0 },
	{ "pam_service",	bad_service,	1, 0 },
	{ "console_page",	bad_page_url,	0, 0 },
	{ "timezone",		bad_timezone,	1, 0 },
	{ "api|region",		bad_region,	0, 0 },
	{ "api|endpoint",	bad_https_base,	1, 0 },
	{ "api|sts_endpoint",	bad_https_base,	1, 0 },
	{ "api|ca_file",	bad_abspath,	1, 0 },
	{ "credentials|role_name", bad_role_name, 1, 0 },
	{ "credentials|metadata_url", bad_http_base, 0, 0 },
	{ "credentials|access_key_file", bad_abspath, 0, 0 },
	{ "credentials|role_arn", bad_role_arn,	1, 0 },
	{ "audit|file",		bad_abspath,	1, 0 },
	{ "ticket|pattern",	bad_pattern,	1, 0 },
	{ "limits|state_dir",	bad_abspath,	0, 0 },
	{ "inventory|name_tag",	bad_tag_key,	1, 0 },
	{ "instance|id",	inventory_bad_id, 0, 0 },
	{ "instance|region",	bad_region,	1, 0 },
	{ "instance|description", inventory_bad_description, 1, 0 },
	{ "access_key_id",	bad_key_id,	0, 1 },
	{ "access_key_secret",	bad_secret,	0, 1 },
};
#define NSTRRULES	(sizeof(strrules) / sizeof(strrules[0]))

const struct conf_str_rule *
conf_value_rule(size_t i)
{
	return i < NSTRRULES ? &strrules[i] : NULL;
}

/* name is "section|key" or "key": compared in parts, key first */
static int
names(const char *name, const char *section, const char *key)
{
	const char *bar;
	size_t n;

	/* one compare rules out most: this runs for every value */
	if (name[0] != (section != NULL ? section[0] : key[0]))
		return 0;
	bar = strchr(name, '|');
	n = bar != NULL ? (size_t)(bar - name) : 0;
	if (bar == NULL)
		return section == NULL && strcmp(name, key) == 0;
	return section != NULL && strcmp(bar + 1, key) == 0 &&
	    strncmp(name, section, n) == 0 && section[n] == '\0';
}

const struct conf_str_rule *
conf_value_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NSTRRULES; i++)
		if (names(strrules[i].name, section, key))
			return &strrules[i];
	return NULL;
}

const char *
conf_value_check(const struct conf_str_rule *r, const char *v)
{
	if (*v == '\0')
		return r->empty_ok ? NULL : "must not be empty";
	return r->bad(v);
}

/* ------------------------------------------------------------------ */
/* numbers and choices */

static const struct range {
	const char	*key;
	long		 min;
	long		 max;
} ranges[] = {
	{ "url_ttl",		1,	300 },
	{ "idle_timeout",	10,	86400 },
	{ "connect_timeout",	1,	60 },
	{ "timeout",		1,	300 },
	{ "retries",		0,	5 },
	{ "duration",		900,	43200 },
	/* 0 = no limit */
	{ "user_per_minute",	0,	10000 },
	{ "instance_per_minute", 0,	10000 },
	/* seconds a writer waits for the audit or a rate-limit lock */
	{ "lock_timeout",	1,	60 },
	{ "ttl",		1,	86400 },
	{ "stale_after",	1,	31536000 },
};

int
conf_value_range(const char *key, long v, long *min, long *max)
{
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (strcmp(ranges[i].key, key) != 0)
			continue;
		if (v < ranges[i].min || v > ranges[i].max) {
			*min = ranges[i].min;
			*max = ranges[i].max;
			return -1;
		}
	}
	return 0;
}

static const struct choice {
	const char	*key;
	const char	*word;
	int		 value;
} choices[] = {
	{ "reauth",	"login",	VG_REAUTH_LOGIN },
	{ "reauth",	"issuance",	VG_REAUTH_ISSUANCE },
	{ "output",	"auto",		VG_OUT_AUTO },
	{ "output",	"url",		VG_OUT_URL },
	{ "output",	"qr",		VG_OUT_QR },
	{ "output",	"both",		VG_OUT_BOTH },
	{ "signature",	"v3",		VG_SIG_V3 },
	{ "signature",	"v1",		VG_SIG_V1 },
	{ "provider",	"ecs_ram_role",	VG_CRED_ECS_RAM_ROLE },
	{ "provider",	"ram_role_arn",	VG_CRED_RAM_ROLE_ARN },
	{ "provider",	"static",	VG_CRED_STATIC },
	{ "metadata_token", "required",	VG_MDTOKEN_REQUIRED },
	{ "metadata_token", "optional",	VG_MDTOKEN_OPTIONAL },
	{ "mode",	"off",		VG_TICKET_OFF },
	{ "mode",	"optional",	VG_TICKET_OPTIONAL },
	{ "mode",	"required",	VG_TICKET_REQUIRED },
	{ "os",		"linux",	0 },
	{ "os",		"windows",	1 },
	{ "facility",	"auth",		LOG_AUTH },
	{ "facility",	"authpriv",	LOG_AUTHPRIV },
	{ "facility",	"daemon",	LOG_DAEMON },
	{ "facility",	"user",		LOG_USER },
	{ "facility",	"local0",	LOG_LOCAL0 },
	{ "facility",	"local1",	LOG_LOCAL1 },
	{ "facility",	"local2",	LOG_LOCAL2 },
	{ "facility",	"local3",	LOG_LOCAL3 },
	{ "facility",	"local4",	LOG_LOCAL4 },
	{ "facility",	"local5",	LOG_LOCAL5 },
	{ "facility",	"local6",	LOG_LOCAL6 },
	{ "facility",	"local7",	LOG_LOCAL7 },
};
#define NCHOICES	(sizeof(choices) / sizeof(choices[0]))

int
conf_value_choose(const char *key, const char *word)
{
	size_t i;

	for (i = 0; word != NULL && i < NCHOICES; i++)
		if (strcmp(choices[i].key, key) == 0 &&
		    strcmp(choices[i].word, word) == 0)
			return choices[i].value;
	return -1;
}

void
conf_value_choices(const char *key, char *out, size_t outlen)
{
	size_t i, n = 0, k = 0, len = 0;

	for (i = 0; i < NCHOICES; i++)
		n += strcmp(choices[i].key, key) == 0;
	out[0] = '\0';
	for (i = 0; i < NCHOICES && len < outlen; i++) {
		if (strcmp(choices[i].key, key) != 0)
			continue;
		k++;
		len += snprintf(out + len, outlen - len, "%s%s",
		    k == 1 ? "" : k == n ? " or " : ", ", choices[i].word);
	}
}
