/*
 * vncgate.conf and the access_key file (DESIGN 1.5): see conf.h.
 *
 * The file is opened by secfile (the checks run on the opened fd), parsed
 * by libconfuse with no include function and no unknown keys, and checked
 * by validation callbacks while it is parsed, so every problem carries
 * its line.  The callbacks record a problem and return 0, which lets the
 * parse go on and report the next one; only syntax errors stop it.  The
 * values are then copied into struct vg_conf and the libconfuse state is
 * freed.  What makes a value good lives in confcheck.c; this file ties it
 * to libconfuse and words the messages.
 *
 * Each instance block is copied out and dropped from libconfuse as soon
 * as its closing brace is read.  Kept, the blocks would cost about 2 KiB
 * each until the end, and libconfuse compares every new block's title
 * with all the earlier ones: quadratic in the inventory (10,000 instances
 * took seconds).  Duplicate names and IDs are found in hash indexes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "conf.h"
#include "confcheck.h"
#include "util.h"

/* The hidden option that leads callbacks to struct ctx (confcheck.h). */
#define CTX_OPT(c)	{ .name = CONFCHECK_CTX_KEY, .type = CFGT_PTR, \
			  .simple_value.ptr = &(c)->self }

#define STS_DEFAULT	"https://sts.aliyuncs.com"
#define CONSOLE_DEFAULT	\
	"https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/index.html"

struct ctx {
	void		*self;		/* what CTX_OPT points at */
	struct vg_diags	*diags;
	const char	*path;
	int		 nerr;
	int		 secret;	/* never echo file content */
	unsigned int	 seen;		/* one bit per plain section */
	struct vg_instance *inst;	/* the instance blocks read so far */
	size_t		 ninst;
	struct confcheck_index names;	/* of inst, by name */
	struct confcheck_index ids;	/* of inst, by valid ID */
};

/* ------------------------------------------------------------------ */
/* reporting */

static struct ctx *
ctx_of(cfg_t *cfg)
{
	int i;

	/* libconfuse always passes its cfg: no NULL test for gcc to follow */
	for (i = 0; cfg->opts[i].name != NULL; i++)
		/* no real key starts with '|': one byte rules them out */
		if (cfg->opts[i].name[0] == '|' &&
		    strcmp(cfg->opts[i].name, CONFCHECK_CTX_KEY) == 0)
			return *cfg->opts[i].simple_value.ptr;
	return NULL;
}

/* Problems are printed on terminals by -t: confcheck_vdiag filters them. */
static void __attribute__((format(printf, 3, 0)))
vnote(struct ctx *c, int line, const char *fmt, va_list ap)
{
	confcheck_vdiag(c->diags, c->path, line, fmt, ap);
	c->nerr++;
}

static void __attribute__((format(printf, 3, 4)))
note(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(c, line, fmt, ap);
	va_end(ap);
}

/* A problem at the line libconfuse is reading. */
static void __attribute__((format(printf, 2, 3)))
report(cfg_t *cfg, const char *fmt, ...)
{
	struct ctx *c = ctx_of(cfg);
	va_list ap;

	if (c == NULL)
		return;
	va_start(ap, fmt);
	vnote(c, cfg->line, fmt, ap);
	va_end(ap);
}

static void
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct ctx *c = ctx_of(cfg);

	if (c == NULL)
		return;
	/* libconfuse quotes tokens, and a token may be part of a secret */
	if (c->secret)
		note(c, cfg->line, "syntax error (details withheld: the file "
		    "holds a secret)");
	else
		vnote(c, cfg->line, fmt, ap);
}

/* "url_ttl", "api.timeout" or instance "web-1" os, for messages. */
static void
keyname(cfg_t *cfg, cfg_opt_t *opt, char *out, size_t outlen)
{
	if (strcmp(cfg->name, "root") == 0)
		snprintf(out, outlen, "%s", opt->name);
	else if (cfg->title != NULL)
		snprintf(out, outlen, "instance \"%.64s\" %s", cfg->title,
		    opt->name);
	else
		snprintf(out, outlen, "%s.%s", cfg->name, opt->name);
}

/* ------------------------------------------------------------------ */
/* validation callbacks */

static int
check_range(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0), min, max;
	char key[128];

	if (confcheck_range(opt->name, v, &min, &max) == -1) {
		keyname(cfg, opt, key, sizeof(key));
		report(cfg, "%s must be between %ld and %ld (got %ld)", key,
		    min, max, v);
	}
	return 0;
}

static int
check_choice(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char key[128], words[160];

	if (confcheck_choose(opt->name, v) == -1) {
		keyname(cfg, opt, key, sizeof(key));
		confcheck_choices(opt->name, words, sizeof(words));
		report(cfg, "%s must be %s (got \"%.48s\")", key, words,
		    v != NULL ? v : "");
	}
	return 0;
}

static const struct confcheck_str *
strrule_of(cfg_t *cfg, cfg_opt_t *opt)
{
	return confcheck_str_find(strcmp(cfg->name, "root") == 0 ? NULL :
	    cfg->name, opt->name);
}

/* Returns 0 when the value passed its rule. */
static int
str_problem(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct confcheck_str *r = strrule_of(cfg, opt);
	const char *v = cfg_opt_getnstr(opt, 0), *why;
	char key[128];

	if (r == NULL || v == NULL || (why = confcheck_str(r, v)) == NULL)
		return 0;
	keyname(cfg, opt, key, sizeof(key));
	if (r->keyfile)
		report(cfg, "%s %s", key, why);
	else
		report(cfg, "%s %s (got \"%.48s\")", key, why, v);
	return -1;
}

static int
check_str(cfg_t *cfg, cfg_opt_t *opt)
{
	str_problem(cfg, opt);
	return 0;
}

/*
 * An ID may name one instance only: the ACL and the menu match by ID.
 * The blocks before this one are in c->ids; a block that repeats an
 * earlier one's name is reported as defined twice instead.
 */
static int
check_id(cfg_t *cfg, cfg_opt_t *opt)
{
	struct ctx *c = ctx_of(cfg);
	const char *id = cfg_opt_getnstr(opt, 0);
	const struct vg_instance *other;
	size_t i;

	if (str_problem(cfg, opt) != 0 || c == NULL ||
	    (i = confcheck_index_find(&c->ids, id)) == 0)
		return 0;
	other = &c->inst[i - 1];
	if (strcmp(other->name, cfg_title(cfg)) != 0)
		report(cfg, "instance \"%.64s\" has the same id as "
		    "instance \"%.64s\"", cfg_title(cfg), other->name);
	return 0;
}

static int
parse_tag(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const char *why;

	(void)opt;
	if ((why = confcheck_tag(value)) != NULL)
		report(cfg, "instance \"%.64s\" tag \"%.48s\" %s",
		    cfg_title(cfg), value, why);
	/* keep parsing: the problem is recorded */
	*(const char **)result = value;
	return 0;
}

/* ------------------------------------------------------------------ */
/* section callbacks: run on the parent at the closing brace */

static void
check_api(cfg_t *root, cfg_t *sec)
{
	long ct = cfg_getint(sec, "connect_timeout");
	long t = cfg_getint(sec, "timeout");

	if (t < ct)
		report(root, "api.timeout (%ld) must not be less than "
		    "api.connect_timeout (%ld)", t, ct);
}

static void
check_creds(cfg_t *root, cfg_t *sec)
{
	const char *p = cfg_getstr(sec, "provider");
	const char *arn = cfg_getstr(sec, "role_arn");

	if (p != NULL && strcmp(p, "ram_role_arn") == 0 &&
	    (arn == NULL || *arn == '\0'))
		report(root, "credentials.role_arn is required when provider "
		    "is ram_role_arn");
}

static const struct secrule {
	const char	*name;
	void		(*check)(cfg_t *, cfg_t *);
} secrules[] = {
	{ "api",		check_api },
	{ "credentials",	check_creds },
	{ "audit",		NULL },
	{ "limits",		NULL },
};

static int
check_section(cfg_t *cfg, cfg_opt_t *opt)
{
	struct ctx *c = ctx_of(cfg);
	size_t i;

	for (i = 0; c != NULL && i < sizeof(secrules) / sizeof(secrules[0]);
	    i++) {
		if (strcmp(secrules[i].name, opt->name) != 0)
			continue;
		/* libconfuse would silently merge a second block */
		if (c->seen & (1u << i))
			report(cfg, "the %s section appears twice", opt->name);
		c->seen |= 1u << i;
		if (secrules[i].check != NULL)
			secrules[i].check(cfg, cfg_opt_getnsec(opt, 0));
	}
	return 0;
}

static int	keep_instance(struct ctx *, cfg_t *);

/* At an instance block's closing brace: check it, copy it, drop it. */
static int
check_instance(cfg_t *cfg, cfg_opt_t *opt)
{
	struct ctx *c = ctx_of(cfg);
	unsigned int n = cfg_opt_size(opt);
	const char *title;
	cfg_t *sec;

	if (c == NULL || n == 0)
		return 0;
	sec = cfg_opt_getnsec(opt, n - 1);
	title = cfg_title(sec);
	if (confcheck_index_find(&c->names, title) != 0)
		report(cfg, "instance \"%.64s\" is defined twice", title);
	else {
		if (!vg_valid_instance_name(title))
			report(cfg, "instance name \"%.64s\" must be 1-64 of "
			    "A-Z a-z 0-9 . _ -, not starting with -", title);
		if (cfg_getstr(sec, "id") == NULL)
			report(cfg, "instance \"%.64s\" has no id", title);
		if (keep_instance(c, sec) == -1)
			report(cfg, "out of memory");
	}
	/* copied: libconfuse need not keep it nor compare titles with it */
	cfg_opt_rmnsec(opt, n - 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the schema */

static cfg_t *
new_conf_cfg(struct ctx *c)
{
	cfg_opt_t api[] = {
		CFG_STR("region", "cn-hangzhou", CFGF_NONE),
		CFG_STR("endpoint", "", CFGF_NONE),
		CFG_STR("sts_endpoint", "", CFGF_NONE),
		CFG_STR("signature", "v3", CFGF_NONE),
		CFG_STR("ca_file", "", CFGF_NONE),
		CFG_INT("connect_timeout", 3, CFGF_NONE),
		CFG_INT("timeout", 10, CFGF_NONE),
		CFG_INT("retries", 2, CFGF_NONE),
		CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t creds[] = {
		CFG_STR("provider", "ecs_ram_role", CFGF_NONE),
		CFG_STR("role_name", "", CFGF_NONE),
		CFG_STR("metadata_url", "http://100.100.100.200", CFGF_NONE),
		CFG_STR("metadata_token", "required", CFGF_NONE),
		CFG_STR("access_key_file", SYSCONFDIR "/vncgate/access_key",
		    CFGF_NONE),
		CFG_STR("role_arn", "", CFGF_NONE),
		CFG_BOOL("session_policy", cfg_true, CFGF_NONE),
		CFG_INT("duration", 900, CFGF_NONE),
		CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t audit[] = {
		CFG_STR("facility", "authpriv", CFGF_NONE),
		CFG_STR("file", "/var/log/vncgate/audit.log", CFGF_NONE),
		CFG_BOOL("required", cfg_true, CFGF_NONE),
		CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t limits[] = {
		CFG_INT("user_per_minute", 10, CFGF_NONE),
		CFG_INT("instance_per_minute", 30, CFGF_NONE),
		CFG_STR("state_dir", "/var/lib/vncgate", CFGF_NONE),
		CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t inst[] = {
		CFG_STR("id", NULL, CFGF_NODEFAULT),
		CFG_STR("region", "", CFGF_NONE),
		CFG_STR("os", "linux", CFGF_NONE),
		CFG_STR("description", "", CFGF_NONE),
		CFG_STR_LIST_CB("tags", NULL, CFGF_NONE, parse_tag),
		CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t root[] = {
		CFG_STR("acl_file", SYSCONFDIR "/vncgate/acl.conf", CFGF_NONE),
		CFG_STR("pam_service", "vncgate", CFGF_NONE),
		CFG_STR("reauth", "login", CFGF_NONE),
		CFG_STR("output", "auto", CFGF_NONE),
		CFG_STR("console_page", CONSOLE_DEFAULT, CFGF_NONE),
		CFG_INT("url_ttl", 15, CFGF_NONE),
		CFG_INT("idle_timeout", 300, CFGF_NONE),
		CFG_STR("timezone", "", CFGF_NONE),
		CFG_SEC("api", api, CFGF_NONE),
		CFG_SEC("credentials", creds, CFGF_NONE),
		CFG_SEC("audit", audit, CFGF_NONE),
		CFG_SEC("limits", limits, CFGF_NONE),
		CFG_SEC("instance", inst, CFGF_MULTI | CFGF_TITLE),
		CTX_OPT(c),
		CFG_END()
	};

	/* CFGF_NONE: case-sensitive, unknown keys are errors, and no
	 * include(): libconfuse has it only when registered as a CFG_FUNC */
	return cfg_init(root, CFGF_NONE);
}

/* Callbacks by name, so the tables above stay the plain schema. */
static const struct {
	const char		*name;
	cfg_validate_callback_t	 cb;
} conf_callbacks[] = {
	{ "url_ttl",			check_range },
	{ "idle_timeout",		check_range },
	{ "api|connect_timeout",	check_range },
	{ "api|timeout",		check_range },
	{ "api|retries",		check_range },
	{ "credentials|duration",	check_range },
	{ "limits|user_per_minute",	check_range },
	{ "limits|instance_per_minute",	check_range },
	{ "reauth",			check_choice },
	{ "output",			check_choice },
	{ "api|signature",		check_choice },
	{ "credentials|provider",	check_choice },
	{ "credentials|metadata_token",	check_choice },
	{ "audit|facility",		check_choice },
	{ "instance|os",		check_choice },
	{ "api",			check_section },
	{ "credentials",		check_section },
	{ "audit",			check_section },
	{ "limits",			check_section },
	{ "instance",			check_instance },
	/* replaces check_str (registered first): also no duplicate IDs */
	{ "instance|id",		check_id },
};

static void
set_callbacks(cfg_t *cfg, int keyfile)
{
	const struct confcheck_str *r;
	size_t i;

	cfg_set_error_function(cfg, on_error);
	for (i = 0; (r = confcheck_str_rule(i)) != NULL; i++)
		if (r->keyfile == keyfile)
			cfg_set_validate_func(cfg, r->name, check_str);
	if (keyfile)
		return;
	for (i = 0; i < sizeof(conf_callbacks) / sizeof(conf_callbacks[0]);
	    i++)
		cfg_set_validate_func(cfg, conf_callbacks[i].name,
		    conf_callbacks[i].cb);
}

/* ------------------------------------------------------------------ */
/* reading the file */

/*
 * What confcheck_prescan found: a ${ that libconfuse would fill in from
 * the environment, or a NUL byte, which libconfuse silently cuts a value
 * at ("vnc\0gate" would load as "vnc").
 */
static void
note_subst(void *arg, enum confcheck_find what, int line)
{
	if (what == CONFCHECK_SUBST)
		note(arg, line, "${...} (environment substitution) is not "
		    "allowed");
	else if (what == CONFCHECK_NUL)
		note(arg, line, "a NUL byte is not allowed");
}

/* "the file is group-writable": the diag names the file already. */
static void
note_secfile(struct ctx *c, const char *err)
{
	confcheck_secfile(c->diags, c->path, err);
	c->nerr++;
}

/*
 * Open c->path through secfile, scan it, and parse it into cfg.  Returns 0
 * when the parse itself succeeded (problems may still be recorded in c).
 */
static int
parse_file(struct ctx *c, const struct secfile_policy *pol, cfg_t *cfg,
    char *iobuf, size_t iolen)
{
	enum secfile_status st;
	char err[VG_ERRLEN];
	int rc, unclosed;
	FILE *f;

	if ((f = secfile_fopen(c->path, pol, &st, err, sizeof(err))) == NULL) {
		note_secfile(c, err);
		return -1;
	}
	/* our own stdio buffer, so the bytes read can be wiped */
	if (iobuf != NULL)
		setvbuf(f, iobuf, _IOFBF, iolen);
	unclosed = confcheck_prescan(f, note_subst, c);
	if (c->nerr > 0) {
		/* parsing on would quote the environment's values back */
		fclose(f);
		return -1;
	}
	set_callbacks(cfg, c->secret);
	/* libconfuse tests errno for ERANGE without clearing it */
	errno = 0;
	rc = cfg_parse_fp(cfg, f);
	fclose(f);
	if (rc != 0 && c->nerr == 0)
		note(c, cfg->line, "syntax error");
	if (rc == 0 && unclosed > 0)
		note(c, unclosed, "this '{' is never closed");
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* copying out */

static const struct {
	const char	*name;
	size_t		 off;
} strfields[] = {
	{ "acl_file",		offsetof(struct vg_conf, acl_file) },
	{ "pam_service",	offsetof(struct vg_conf, pam_service) },
	{ "console_page",	offsetof(struct vg_conf, console_page) },
	{ "timezone",		offsetof(struct vg_conf, timezone) },
	{ "api|region",		offsetof(struct vg_conf, api.region) },
	{ "api|endpoint",	offsetof(struct vg_conf, api.endpoint) },
	{ "api|sts_endpoint",	offsetof(struct vg_conf, api.sts_endpoint) },
	{ "api|ca_file",	offsetof(struct vg_conf, api.ca_file) },
	{ "credentials|role_name", offsetof(struct vg_conf, creds.role_name) },
	{ "credentials|metadata_url",
	    offsetof(struct vg_conf, creds.metadata_url) },
	{ "credentials|access_key_file",
	    offsetof(struct vg_conf, creds.access_key_file) },
	{ "credentials|role_arn", offsetof(struct vg_conf, creds.role_arn) },
	{ "audit|file",		offsetof(struct vg_conf, audit.file) },
	{ "limits|state_dir",	offsetof(struct vg_conf, limits.state_dir) },
};

static const struct {
	const char	*name;
	size_t		 off;
} intfields[] = {
	{ "url_ttl",		offsetof(struct vg_conf, url_ttl) },
	{ "idle_timeout",	offsetof(struct vg_conf, idle_timeout) },
	{ "api|connect_timeout",
	    offsetof(struct vg_conf, api.connect_timeout) },
	{ "api|timeout",	offsetof(struct vg_conf, api.timeout) },
	{ "api|retries",	offsetof(struct vg_conf, api.retries) },
	{ "credentials|duration", offsetof(struct vg_conf, creds.duration) },
	{ "limits|user_per_minute",
	    offsetof(struct vg_conf, limits.user_per_minute) },
	{ "limits|instance_per_minute",
	    offsetof(struct vg_conf, limits.instance_per_minute) },
};

static int
copy_scalars(cfg_t *cfg, struct vg_conf *conf)
{
	char **sp;
	size_t i;

	for (i = 0; i < sizeof(strfields) / sizeof(strfields[0]); i++) {
		sp = (char **)((char *)conf + strfields[i].off);
		if ((*sp = vg_strdup(cfg_getstr(cfg, strfields[i].name))) ==
		    NULL)
			return -1;
	}
	for (i = 0; i < sizeof(intfields) / sizeof(intfields[0]); i++)
		*(long *)((char *)conf + intfields[i].off) =
		    cfg_getint(cfg, intfields[i].name);
	conf->reauth = confcheck_choose("reauth", cfg_getstr(cfg, "reauth"));
	conf->output = confcheck_choose("output", cfg_getstr(cfg, "output"));
	conf->api.signature = confcheck_choose("signature",
	    cfg_getstr(cfg, "api|signature"));
	conf->creds.provider = confcheck_choose("provider",
	    cfg_getstr(cfg, "credentials|provider"));
	conf->creds.metadata_token = confcheck_choose("metadata_token",
	    cfg_getstr(cfg, "credentials|metadata_token"));
	conf->creds.session_policy =
	    cfg_getbool(cfg, "credentials|session_policy") == cfg_true;
	conf->audit.facility = confcheck_choose("facility",
	    cfg_getstr(cfg, "audit|facility"));
	conf->audit.required = cfg_getbool(cfg, "audit|required") == cfg_true;
	if (*conf->api.sts_endpoint == '\0') {
		free(conf->api.sts_endpoint);
		if ((conf->api.sts_endpoint = strdup(STS_DEFAULT)) == NULL)
			return -1;
	}
	return 0;
}

/* region stays "" when unset: api.region may come later in the file */
static int
copy_instance(cfg_t *sec, struct vg_instance *in)
{
	const char *id = cfg_getstr(sec, "id");
	size_t i;

	vg_strlcpy(in->name, cfg_title(sec), sizeof(in->name));
	vg_strlcpy(in->id, id != NULL ? id : "", sizeof(in->id));
	vg_strlcpy(in->region, cfg_getstr(sec, "region"), sizeof(in->region));
	in->windows = confcheck_choose("os", cfg_getstr(sec, "os")) == 1;
	if ((in->description = strdup(cfg_getstr(sec, "description"))) ==
	    NULL)
		return -1;
	if ((in->ntags = cfg_size(sec, "tags")) == 0)
		return 0;
	if ((in->tags = calloc(in->ntags, sizeof(*in->tags))) == NULL) {
		in->ntags = 0;
		return -1;
	}
	for (i = 0; i < in->ntags; i++)
		if ((in->tags[i] = strdup(cfg_getnstr(sec, "tags", i))) ==
		    NULL)
			return -1;
	return 0;
}

static const char *
inst_name(const void *arg, size_t i)
{
	return ((const struct ctx *)arg)->inst[i].name;
}

static const char *
inst_id(const void *arg, size_t i)
{
	return ((const struct ctx *)arg)->inst[i].id;
}

/* Append sec to c->inst and index it; -1 when out of memory. */
static int
keep_instance(struct ctx *c, cfg_t *sec)
{
	const char *id = cfg_getstr(sec, "id");
	struct vg_instance *in;
	size_t n = c->ninst;

	if ((in = confcheck_grow(c->inst, n, sizeof(*in))) == NULL)
		return -1;
	c->inst = in;
	in = &c->inst[c->ninst++];
	memset(in, 0, sizeof(*in));
	if (copy_instance(sec, in) == -1 ||
	    confcheck_index_add(&c->names, n) == -1)
		return -1;
	/* an ID cut short was reported, and must not match another */
	if (id != NULL && strlen(id) < sizeof(in->id))
		return confcheck_index_add(&c->ids, n);
	return 0;
}

static int
copy_conf(cfg_t *cfg, struct ctx *c, struct vg_conf *conf)
{
	struct vg_instance *in;
	size_t i;

	if ((conf->path = strdup(c->path)) == NULL ||
	    copy_scalars(cfg, conf) == -1)
		return -1;
	conf->inst = c->inst;
	conf->ninst = c->ninst;
	c->inst = NULL;
	c->ninst = 0;
	/* the array grew by doubling: give back what the end does not use */
	if (conf->ninst > 0 && (in = reallocarray(conf->inst, conf->ninst,
	    sizeof(*in))) != NULL)
		conf->inst = in;
	for (i = 0; i < conf->ninst; i++)
		if (conf->inst[i].region[0] == '\0')
			vg_strlcpy(conf->inst[i].region, conf->api.region,
			    sizeof(conf->inst[i].region));
	return 0;
}

/* ------------------------------------------------------------------ */
/* the interface */

static void
free_instances(struct vg_instance *inst, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < inst[i].ntags; j++)
			free(inst[i].tags[j]);
		free(inst[i].tags);
		free(inst[i].description);
	}
	free(inst);
}

int
conf_load(const char *path, const struct secfile_policy *pol,
    struct vg_conf *conf, struct vg_diags *diags)
{
	struct secfile_policy big;
	struct ctx c;
	cfg_t *cfg;
	int rc;

	memset(conf, 0, sizeof(*conf));
	memset(&c, 0, sizeof(c));
	c.self = &c;
	c.diags = diags;
	c.path = path != NULL ? path : "(none)";
	confcheck_index_init(&c.names, inst_name, &c);
	confcheck_index_init(&c.ids, inst_id, &c);
	if ((cfg = new_conf_cfg(&c)) == NULL) {
		note(&c, 0, "out of memory");
		return -1;
	}
	/* the inventory makes the file big: not the access key's cap */
	rc = parse_file(&c, confcheck_policy(pol, &big), cfg, NULL, 0);
	if (rc == 0 && c.nerr == 0 && copy_conf(cfg, &c, conf) == -1)
		note(&c, 0, "out of memory");
	cfg_free(cfg);
	free_instances(c.inst, c.ninst);
	confcheck_index_free(&c.names);
	confcheck_index_free(&c.ids);
	if (rc == 0 && c.nerr == 0)
		return 0;
	conf_free(conf);
	return -1;
}

void
conf_free(struct vg_conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < sizeof(strfields) / sizeof(strfields[0]); i++)
		free(*(char **)((char *)conf + strfields[i].off));
	free_instances(conf->inst, conf->ninst);
	free(conf->path);
	memset(conf, 0, sizeof(*conf));
}

const struct vg_instance *
conf_find_instance(const struct vg_conf *conf, const char *target)
{
	size_t i;

	if (conf == NULL || target == NULL)
		return NULL;
	for (i = 0; i < conf->ninst; i++)
		if (strcmp(conf->inst[i].name, target) == 0)
			return &conf->inst[i];
	for (i = 0; i < conf->ninst; i++)
		if (strcmp(conf->inst[i].id, target) == 0)
			return &conf->inst[i];
	return NULL;
}

int
conf_facility(const char *name)
{
	return confcheck_choose("facility", name);
}

/* Wipe libconfuse's copy of the secret before cfg_free releases it. */
static void
wipe_value(cfg_t *cfg, const char *name)
{
	cfg_opt_t *opt = cfg_getopt(cfg, name);
	unsigned int i;

	for (i = 0; i < cfg_opt_size(opt); i++)
		if (opt->values[i]->string != NULL)
			vg_wipe(opt->values[i]->string,
			    strlen(opt->values[i]->string));
}

static int
take_key(cfg_t *cfg, struct ctx *c, char **id, char **secret)
{
	const char *v;

	v = cfg_getstr(cfg, "access_key_id");
	if (v == NULL || *v == '\0')
		note(c, 0, "access_key_id is missing");
	v = cfg_getstr(cfg, "access_key_secret");
	if (v == NULL || *v == '\0')
		note(c, 0, "access_key_secret is missing");
	if (c->nerr != 0)
		return -1;
	*id = strdup(cfg_getstr(cfg, "access_key_id"));
	*secret = strdup(cfg_getstr(cfg, "access_key_secret"));
	if (*id == NULL || *secret == NULL) {
		note(c, 0, "out of memory");
		return -1;
	}
	return 0;
}

int
conf_load_access_key(const char *path, const struct secfile_policy *pol,
    char **id, char **secret, struct vg_diags *diags)
{
	char iobuf[BUFSIZ];
	struct ctx c;
	cfg_t *cfg;
	int rc;

	*id = *secret = NULL;
	memset(&c, 0, sizeof(c));
	c.self = &c;
	c.diags = diags;
	c.path = path != NULL ? path : "(none)";
	c.secret = 1;
	{
		cfg_opt_t opts[] = {
			CFG_STR("access_key_id", "", CFGF_NONE),
			CFG_STR("access_key_secret", "", CFGF_NONE),
			CTX_OPT(&c),
			CFG_END()
		};

		cfg = cfg_init(opts, CFGF_NONE);
	}
	if (cfg == NULL) {
		note(&c, 0, "out of memory");
		return -1;
	}
	rc = parse_file(&c, pol, cfg, iobuf, sizeof(iobuf));
	vg_wipe(iobuf, sizeof(iobuf));
	if (rc == 0 && c.nerr == 0)
		rc = take_key(cfg, &c, id, secret);
	wipe_value(cfg, "access_key_secret");
	cfg_free(cfg);
	if (rc == 0 && c.nerr == 0)
		return 0;
	free(*id);
	vg_freestr(*secret);
	*id = *secret = NULL;
	return -1;
}
