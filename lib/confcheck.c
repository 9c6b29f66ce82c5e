/*
 * The value checks of vncgate.conf and the access_key file: see
 * confcheck.h.  conf.c wires them to libconfuse and words the messages
 * (key names, FILE:LINE); here a value is only a string or a number.
 * Also the pre-parse scan and the problem wording that conf.c and acl.c
 * share.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "confcheck.h"
#include "util.h"

#define ZONEINFO	"/usr/share/zoneinfo"
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
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO, s);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return "is not a zone in " ZONEINFO;
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

static const char *
bad_instance_id(const char *s)
{
	return vg_valid_instance_id(s) ? NULL :
	    "must be an instance ID (1-64 of A-Z a-z 0-9 -, not starting "
	    "with -)";
}

static const char *
bad_description(const char *s)
{
	const char *p;

	if (strlen(s) > 256)
		return "must be at most 256 bytes";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
	return NULL;
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

/* ------------------------------------------------------------------ */
/* string keys */

/* The string keys and their checks; conf.c registers one callback each. */
static const struct confcheck_str strrules[] = {
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
	{ "limits|state_dir",	bad_abspath,	0, 0 },
	{ "instance|id",	bad_instance_id, 0, 0 },
	{ "instance|region",	bad_region,	1, 0 },
	{ "instance|description", bad_description, 1, 0 },
	{ "access_key_id",	bad_key_id,	0, 1 },
	{ "access_key_secret",	bad_secret,	0, 1 },
};
#define NSTRRULES	(sizeof(strrules) / sizeof(strrules[0]))

const struct confcheck_str *
confcheck_str_rule(size_t i)
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

const struct confcheck_str *
confcheck_str_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NSTRRULES; i++)
		if (names(strrules[i].name, section, key))
			return &strrules[i];
	return NULL;
}

const char *
confcheck_str(const struct confcheck_str *r, const char *v)
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
};

int
confcheck_range(const char *key, long v, long *min, long *max)
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
confcheck_choose(const char *key, const char *word)
{
	size_t i;

	for (i = 0; word != NULL && i < NCHOICES; i++)
		if (strcmp(choices[i].key, key) == 0 &&
		    strcmp(choices[i].word, word) == 0)
			return choices[i].value;
	return -1;
}

void
confcheck_choices(const char *key, char *out, size_t outlen)
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

size_t
confcheck_span(const char *s, const char *extra)
{
	const char *p;
	int c;

	for (p = s; (c = (unsigned char)*p) != '\0'; p++)
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
			break;
	return (size_t)(p - s);
}

int
confcheck_charset(const char *s, const char *extra, size_t max)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = confcheck_span(s, extra);
	return n <= max && s[n] == '\0';
}

const char *
confcheck_tag(const char *tag)
{
	static const char set[] = "._:/-";
	const char *eq = strchr(tag, '=');
	size_t klen = eq != NULL ? (size_t)(eq - tag) : 0;

	if (eq == NULL || klen < 1 || klen > 64 ||
	    confcheck_span(tag, set) != klen ||
	    !confcheck_charset(eq + 1, set, 64))
		return "must be K=V, each 1-64 of A-Z a-z 0-9 . _ : / -";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the pre-parse scan */

/*
 * libconfuse substitutes ${VAR} from the environment in unquoted and
 * double-quoted values, ends a value at a NUL byte, and accepts a section
 * left open at the end of the file (a truncated config).  None of this is
 * visible after the parse, so a small scan that follows the lexer's
 * quoting and comment rules looks for them first.
 */
enum scanstate { S_CODE, S_DQ, S_SQ, S_LINE, S_BLOCK };

struct scan {
	enum scanstate	 st;
	int		 line;
	int		 depth;
	int		 open;	/* line of the outermost '{' still open */
	int		 prev;	/* the last byte as the lexer took it, or 0 */
	int		 raw;	/* the last byte as it stands in the file */
	int		 esc;	/* a backslash in a string came last */
	void		(*found)(void *, enum confcheck_find, int);
	void		*arg;
};

/* A byte of code: strings and comments start here, braces count. */
static int
code_byte(struct scan *s, int ch)
{
	if (ch == '#' || (s->prev == '/' && ch == '/'))
		s->st = S_LINE;
	else if (s->prev == '/' && ch == '*') {
		s->st = S_BLOCK;
		return 0;	/* so the star cannot also close it */
	} else if (ch == '"')
		s->st = S_DQ;
	else if (ch == '\'')
		s->st = S_SQ;
	else if (ch == '{' && s->depth++ == 0)
		s->open = s->line;
	else if (ch == '}')
		s->depth--;
	return ch;
}

/* The byte after a backslash in a string: literal, so it pairs with none. */
static void
escaped(struct scan *s, int ch)
{
	s->esc = 0;
	s->raw = ch;
	s->prev = 0;
	if (ch == '\0')
		s->found(s->arg, CONFCHECK_NUL, s->line);
	else if (ch == '\n')
		s->line++;
}

static int
closes(const struct scan *s, int ch)
{
	return (s->st == S_DQ && ch == '"') || (s->st == S_SQ && ch == '\'') ||
	    (s->st == S_LINE && ch == '\n') ||
	    (s->st == S_BLOCK && s->prev == '*' && ch == '/');
}

static void
step(struct scan *s, int ch)
{
	int subst = s->prev == '$' && (s->st == S_CODE || s->st == S_DQ);

	if (s->esc) {
		escaped(s, ch);
		return;
	}
	if (ch == '\0')
		s->found(s->arg, CONFCHECK_NUL, s->line);
	else if (s->raw == '$' && ch == '{')
		s->found(s->arg, subst ? CONFCHECK_SUBST : CONFCHECK_DOLLAR,
		    s->line);
	s->raw = ch;
	if (s->st == S_CODE)
		ch = code_byte(s, ch);
	else if ((s->st == S_DQ || s->st == S_SQ) && ch == '\\') {
		s->esc = 1;
		ch = 0;
	}
	else if (closes(s, ch)) {
		/* the slash of a star-slash cannot start a comment again */
		if (s->st == S_BLOCK)
			ch = 0;
		s->st = S_CODE;
	}
	if (ch == '\n')
		s->line++;
	s->prev = ch;
}

/* The bytes step() need not see, in any state, unless escaped. */
static int
plain(int ch)
{
	static const unsigned char special[256] = {
		['\0'] = 1, ['\n'] = 1, ['"'] = 1, ['#'] = 1, ['\''] = 1,
		['*'] = 1, ['/'] = 1, ['\\'] = 1, ['{'] = 1, ['}'] = 1,
	};

	return !special[ch];
}

int
confcheck_prescan(FILE *f, void (*found)(void *, enum confcheck_find, int),
    void *arg)
{
	struct scan s = { S_CODE, 1, 0, 0, 0, 0, 0, found, arg };
	unsigned char buf[BUFSIZ];
	size_t i, n;

	/* by the block, not getc: configs reach megabytes (an inventory) */
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++) {
			if (s.esc || !plain(buf[i])) {
				step(&s, buf[i]);
				continue;
			}
			/* most bytes: only the last of a run matters */
			while (i + 1 < n && plain(buf[i + 1]))
				i++;
			s.raw = s.prev = buf[i];
		}
	vg_wipe(buf, sizeof(buf));
	rewind(f);
	/* inside a string at the end, libconfuse says so itself */
	return s.depth > 0 && s.st != S_DQ && s.st != S_SQ ? s.open : 0;
}

/* ------------------------------------------------------------------ */
/* the index of names */

/* FNV-1a */
static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void
confcheck_index_init(struct confcheck_index *x,
    const char *(*key)(const void *, size_t), const void *arg)
{
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->arg = arg;
}

/*
 * Where name is, or the free slot where it would go.  The stored hash is
 * compared first: a name read for nothing is a cache miss.
 */
static struct confcheck_slot *
slot(const struct confcheck_index *x, const char *name, size_t h)
{
	size_t i = h & (x->nslots - 1);
	struct confcheck_slot *sl;

	for (;; i = (i + 1) & (x->nslots - 1)) {
		sl = &x->slots[i];
		if (sl->entry == 0 || (sl->hash == h &&
		    strcmp(x->key(x->arg, sl->entry - 1), name) == 0))
			return sl;
	}
}

size_t
confcheck_index_find(const struct confcheck_index *x, const char *name)
{
	if (x->nslots == 0 || name == NULL)
		return 0;
	return slot(x, name, hash(name))->entry;
}

static int
rehash(struct confcheck_index *x)
{
	struct confcheck_slot *old = x->slots;
	size_t i, j, n = x->nslots == 0 ? 64 : x->nslots * 2;

	if ((x->slots = calloc(n, sizeof(*x->slots))) == NULL) {
		x->slots = old;
		return -1;
	}
	/* the names differ: each goes to the first free slot */
	for (i = 0, x->nslots = n; old != NULL && i < n / 2; i++) {
		if (old[i].entry == 0)
			continue;
		for (j = old[i].hash & (n - 1); x->slots[j].entry != 0;
		    j = (j + 1) & (n - 1))
			continue;
		x->slots[j] = old[i];
	}
	free(old);
	return 0;
}

int
confcheck_index_add(struct confcheck_index *x, size_t i)
{
	const char *name = x->key(x->arg, i);
	struct confcheck_slot *sl;
	size_t h = hash(name);

	if (2 * (x->n + 1) > x->nslots && rehash(x) == -1)
		return -1;
	/* a name indexed already keeps its first entry */
	if ((sl = slot(x, name, h))->entry == 0) {
		sl->hash = h;
		sl->entry = i + 1;
		x->n++;
	}
	return 0;
}

void *
confcheck_grow(void *p, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return p;
	return reallocarray(p, n == 0 ? 1 : 2 * n, size);
}

void
confcheck_index_free(struct confcheck_index *x)
{
	free(x->slots);
	x->slots = NULL;
	x->nslots = x->n = 0;
}

/* ------------------------------------------------------------------ */
/* opening */

const struct secfile_policy *
confcheck_policy(const struct secfile_policy *pol, struct secfile_policy *buf)
{
	if (pol != NULL && pol->max_size > 0)
		return pol;
	if (pol != NULL)
		*buf = *pol;
	else
		secfile_policy_default(buf, 1);
	buf->max_size = SECFILE_MAX_CONFIG;
	return buf;
}

/* ------------------------------------------------------------------ */
/* problems */

void
confcheck_vdiag(struct vg_diags *ds, const char *path, int line,
    const char *fmt, va_list ap)
{
	char msg[sizeof(((struct vg_diag *)0)->msg)];
	char *s;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (s = msg; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
	diag_add(ds, path, line, "%s", msg);
}

static void __attribute__((format(printf, 4, 5)))
diag(struct vg_diags *ds, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	confcheck_vdiag(ds, path, line, fmt, ap);
	va_end(ap);
}

void
confcheck_secfile(struct vg_diags *ds, const char *path, const char *err)
{
	size_t n = path != NULL ? strlen(path) : 0;

	/* secfile starts its sentence with the path, which the diag names */
	if (path != NULL && strncmp(err, path, n) == 0 && err[n] == ' ')
		diag(ds, path, 0, "the file %s", err + n + 1);
	else
		diag(ds, path, 0, "%s", err);
}
