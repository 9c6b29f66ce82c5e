/* SPDX-License-Identifier: ISC */
/*
 * Reading vncgate.conf with libconfuse, for conf.c, which holds the
 * schema and copies the values out (see conf_int.h).  The access_key
 * file has its own reader (conf_key.c): libconfuse's lexer would keep
 * the secret.
 *
 * The file is opened by secfile (the checks run on the opened fd), parsed
 * by libconfuse with no include function and no unknown keys, and checked
 * by validation callbacks while it is parsed, so every problem carries
 * its line.  The callbacks record a problem and return 0, which lets the
 * parse go on and report the next one; only syntax errors stop it.  What
 * makes a value good lives in conf_value.c (and, for an instance's own
 * fields, in inventory.c); this file ties it to libconfuse and words the
 * messages.
 *
 * Each instance block is copied into the inventory and dropped from
 * libconfuse as soon as its closing brace is read.  Kept, the blocks
 * would cost about 2 KiB each until the end, and libconfuse compares
 * every new block's title with all the earlier ones: quadratic in the
 * inventory (10,000 instances took seconds).  Duplicate names and IDs
 * are found in the inventory's indexes instead.
 *
 * It includes confuse.h, as conf.c does: its callbacks take libconfuse's
 * cfg_t and cfg_opt_t, and there is no reading them without it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "conf_int.h"
#include "conf_value.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* reporting */

static struct conf_ctx *
ctx_of(cfg_t *cfg)
{
	int i;

	/* libconfuse always passes its cfg: no NULL test for gcc to follow */
	for (i = 0; cfg->opts[i].name != NULL; i++)
		/* no real key starts with '|': one byte rules them out */
		if (cfg->opts[i].name[0] == '|' &&
		    strcmp(cfg->opts[i].name, CONF_CTX_KEY) == 0)
			return *cfg->opts[i].simple_value.ptr;
	return NULL;
}

/* Problems are printed on terminals by -t: conf_file_vdiag filters them. */
static void __attribute__((format(printf, 3, 0)))
vnote(struct conf_ctx *c, int line, const char *fmt, va_list ap)
{
	conf_file_vdiag(c->diags, c->path, line, fmt, ap);
	c->nerr++;
}

void
conf_note(struct conf_ctx *c, int line, const char *fmt, ...)
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
	struct conf_ctx *c = ctx_of(cfg);
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
	struct conf_ctx *c = ctx_of(cfg);

	if (c != NULL)
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

	if (conf_value_range(opt->name, v, &min, &max) == -1) {
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

	if (conf_value_choose(opt->name, v) == -1) {
		keyname(cfg, opt, key, sizeof(key));
		conf_value_choices(opt->name, words, sizeof(words));
		report(cfg, "%s must be %s (got \"%.48s\")", key, words,
		    v != NULL ? v : "");
	}
	return 0;
}

static const struct conf_str_rule *
strrule_of(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_value_find(strcmp(cfg->name, "root") == 0 ? NULL :
	    cfg->name, opt->name);
}

/* Returns 0 when the value passed its rule. */
static int
str_problem(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct conf_str_rule *r = strrule_of(cfg, opt);
	const char *v = cfg_opt_getnstr(opt, 0), *why;
	char key[128];

	if (r == NULL || v == NULL || (why = conf_value_check(r, v)) == NULL)
		return 0;
	keyname(cfg, opt, key, sizeof(key));
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
 * Values used only after the parse (conf.c: the zone loaded, the CA
 * file read, the ticket pattern compiled): their lines are kept here, so
 * that a problem found then still names its FILE:LINE.
 */
static const struct {
	const char	*key;	/* as keyname() says it */
	size_t		 off;	/* of the line's int in struct conf_ctx */
} later_keys[] = {
	{ "timezone",		offsetof(struct conf_ctx, tz_line) },
	{ "api.ca_file",	offsetof(struct conf_ctx, ca_line) },
	{ "ticket.pattern",	offsetof(struct conf_ctx, pattern_line) },
};

static int
check_later(cfg_t *cfg, cfg_opt_t *opt)
{
	struct conf_ctx *c = ctx_of(cfg);
	char key[128];
	size_t i;

	keyname(cfg, opt, key, sizeof(key));
	for (i = 0; c != NULL &&
	    i < sizeof(later_keys) / sizeof(later_keys[0]); i++)
		if (strcmp(key, later_keys[i].key) == 0)
			*(int *)((char *)c + later_keys[i].off) = cfg->line;
	return check_str(cfg, opt);
}

/*
 * An ID may name one instance only: the ACL and the menu match by ID.
 * The blocks before this one are in the inventory; a block that repeats
 * an earlier one's name is reported as defined twice instead.
 */
static int
check_id(cfg_t *cfg, cfg_opt_t *opt)
{
	struct conf_ctx *c = ctx_of(cfg);
	const char *id = cfg_opt_getnstr(opt, 0);
	const struct vg_instance *other;

	if (str_problem(cfg, opt) != 0 || c == NULL ||
	    (other = inventory_by_id(c->inv, id)) == NULL)
		return 0;
	if (strcmp(other->name, cfg_title(cfg)) != 0)
		report(cfg, "instance \"%.64s\" has the same id as "
		    "instance \"%.64s\"", cfg_title(cfg), other->name);
	return 0;
}

int
conf_parse_tag(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const char *why;

	(void)opt;
	if ((why = inventory_bad_tag(value)) != NULL)
		report(cfg, "instance \"%.64s\" tag \"%.48s\" %s",
		    cfg_title(cfg), value, why);
	/* keep parsing: the problem is recorded */
	*(const char **)result = value;
	return 0;
}

/*
 * One entry of a list option, checked by bad (NULL: fine); a problem is
 * recorded as "KEY entry "VALUE" WHY" and parsing goes on.
 */
static int
list_entry(cfg_t *cfg, const char *value, void *result, const char *key,
    int width, const char *(*bad)(const char *))
{
	const char *why;

	if ((why = bad(value)) != NULL)
		report(cfg, "%s entry \"%.*s\" %s", key, width, value, why);
	*(const char **)result = value;
	return 0;
}

int
conf_parse_vnc_host(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	return list_entry(cfg, value, result, "api.vnc_hosts", 64,
	    conf_value_bad_vnc_host);
}

int
conf_parse_inv_region(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	return list_entry(cfg, value, result, "inventory.regions", 48,
	    conf_value_bad_inv_region);
}

int
conf_parse_inv_tag(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	return list_entry(cfg, value, result, "inventory.tags", 48,
	    inventory_bad_tag);
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
	/* with none, every console URL would be refused */
	if (cfg_size(sec, "vnc_hosts") == 0)
		report(root, "api.vnc_hosts must name at least one host or "
		    "domain");
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

/*
 * DescribeInstances takes at most 20 Tag.N filters, and "*" lists every
 * region: beside another region it would mean nothing.
 */
static void
check_inventory(cfg_t *root, cfg_t *sec)
{
	size_t i, n = cfg_size(sec, "regions");

	if (cfg_size(sec, "tags") > 20)
		report(root, "inventory.tags may hold at most 20 tags");
	for (i = 0; n > 1 && i < n; i++)
		if (strcmp(cfg_getnstr(sec, "regions", (unsigned int)i),
		    "*") == 0)
			report(root, "inventory.regions: \"*\" must be the "
			    "only entry");
}

static const struct secrule {
	const char	*name;
	void		(*check)(cfg_t *, cfg_t *);
} secrules[] = {
	{ "api",		check_api },
	{ "credentials",	check_creds },
	{ "audit",		NULL },
	{ "limits",		NULL },
	{ "ticket",		NULL },
	{ "inventory",		check_inventory },
};

static int
check_section(cfg_t *cfg, cfg_opt_t *opt)
{
	struct conf_ctx *c = ctx_of(cfg);
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

/*
 * The block's values into the inventory; -1 when out of memory.  region
 * stays "" when unset: api.region may come later in the file (conf.c
 * fills it in).
 */
static int
keep_instance(struct conf_ctx *c, cfg_t *sec)
{
	const char *id = cfg_getstr(sec, "id");
	struct vg_instance in;
	size_t i;
	int rc;

	memset(&in, 0, sizeof(in));
	vg_strlcpy(in.name, cfg_title(sec), sizeof(in.name));
	vg_strlcpy(in.id, id != NULL ? id : "", sizeof(in.id));
	vg_strlcpy(in.region, cfg_getstr(sec, "region"), sizeof(in.region));
	in.windows = conf_value_choose("os", cfg_getstr(sec, "os")) == 1;
	in.description = cfg_getstr(sec, "description");
	in.ntags = cfg_size(sec, "tags");
	if (in.ntags > 0 &&
	    (in.tags = calloc(in.ntags, sizeof(*in.tags))) == NULL)
		return -1;
	for (i = 0; i < in.ntags; i++)
		in.tags[i] = cfg_getnstr(sec, "tags", i);
	/* an ID cut short was reported, and must not match another */
	rc = inventory_add(c->inv, &in, id != NULL &&
	    strlen(id) < sizeof(in.id)) == NULL ? -1 : 0;
	free(in.tags);
	return rc;
}

/* At an instance block's closing brace: check it, copy it, drop it. */
static int
check_instance(cfg_t *cfg, cfg_opt_t *opt)
{
	struct conf_ctx *c = ctx_of(cfg);
	unsigned int n = cfg_opt_size(opt);
	const char *title, *why;
	cfg_t *sec;

	if (c == NULL || n == 0)
		return 0;
	sec = cfg_opt_getnsec(opt, n - 1);
	title = cfg_title(sec);
	if (inventory_by_name(c->inv, title) != NULL)
		report(cfg, "instance \"%.64s\" is defined twice", title);
	else {
		if ((why = inventory_bad_name(title)) != NULL)
			report(cfg, "instance name \"%.64s\" %s", title, why);
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
/* registering the callbacks */

/* Callbacks by name, so the tables of conf.c stay the plain schema. */
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
	{ "audit|lock_timeout",		check_range },
	{ "inventory|ttl",		check_range },
	{ "inventory|stale_after",	check_range },
	{ "reauth",			check_choice },
	{ "output",			check_choice },
	{ "api|signature",		check_choice },
	{ "credentials|provider",	check_choice },
	{ "credentials|metadata_token",	check_choice },
	{ "audit|facility",		check_choice },
	{ "instance|os",		check_choice },
	{ "ticket|mode",		check_choice },
	{ "api",			check_section },
	{ "credentials",		check_section },
	{ "audit",			check_section },
	{ "limits",			check_section },
	{ "ticket",			check_section },
	{ "inventory",			check_section },
	{ "instance",			check_instance },
	/* these replace check_str (registered first): their lines kept */
	{ "timezone",			check_later },
	{ "api|ca_file",		check_later },
	{ "ticket|pattern",		check_later },
	/* replaces check_str (registered first): also no duplicate IDs */
	{ "instance|id",		check_id },
};

static void
set_callbacks(cfg_t *cfg)
{
	const struct conf_str_rule *r;
	size_t i;

	cfg_set_error_function(cfg, on_error);
	for (i = 0; (r = conf_value_rule(i)) != NULL; i++)
		if (!r->keyfile)
			cfg_set_validate_func(cfg, r->name, check_str);
	for (i = 0; i < sizeof(conf_callbacks) / sizeof(conf_callbacks[0]);
	    i++)
		cfg_set_validate_func(cfg, conf_callbacks[i].name,
		    conf_callbacks[i].cb);
}

/* ------------------------------------------------------------------ */
/* reading the file */

/*
 * What conf_prescan found: a ${ that libconfuse would fill in from
 * the environment, or a NUL byte, which libconfuse silently cuts a value
 * at ("vnc\0gate" would load as "vnc").
 */
static void
note_subst(void *arg, enum conf_find what, int line)
{
	if (what == CONF_FIND_SUBST)
		conf_note(arg, line, "${...} (environment substitution) is not "
		    "allowed");
	else if (what == CONF_FIND_NUL)
		conf_note(arg, line, "a NUL byte is not allowed");
}

/* "the file is group-writable": the diag names the file already. */
static void
note_secfile(struct conf_ctx *c, const char *err)
{
	conf_file_secfile(c->diags, c->path, err);
	c->nerr++;
}

/* See conf_int.h. */
int
conf_parse_file(struct conf_ctx *c, const struct secfile_policy *pol,
    cfg_t *cfg)
{
	enum secfile_status st;
	char err[VG_ERRLEN];
	int rc, unclosed;
	FILE *f;

	if ((f = secfile_fopen(c->path, pol, &st, err, sizeof(err))) == NULL) {
		note_secfile(c, err);
		return -1;
	}
	unclosed = conf_prescan(f, note_subst, c);
	if (c->nerr > 0) {
		/* parsing on would quote the environment's values back */
		fclose(f);
		return -1;
	}
	set_callbacks(cfg);
	/* libconfuse tests errno for ERANGE without clearing it */
	errno = 0;
	rc = cfg_parse_fp(cfg, f);
	fclose(f);
	if (rc != 0 && c->nerr == 0)
		conf_note(c, cfg->line, "syntax error");
	if (rc == 0 && unclosed > 0)
		conf_note(c, unclosed, "this '{' is never closed");
	return rc == 0 ? 0 : -1;
}
