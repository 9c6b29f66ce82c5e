/* SPDX-License-Identifier: ISC */
/*
 * vncgate.conf (DESIGN 1.5): see conf.h.  The access_key file has a
 * reader of its own, conf_key.c, which keeps libconfuse away from the
 * secret.
 *
 * This file holds what vncgate.conf may say (its libconfuse schema) and
 * copies the values out into struct vg_conf; conf_parse.c reads a
 * file into a schema, checking every value as libconfuse parses it, and
 * puts the instance blocks into the inventory as they close (see
 * there).  The libconfuse state is freed once the values are copied out.
 * Last, the zone of `timezone` is loaded once, here, for every program:
 * the ACL's hours are computed in it without touching the process's
 * environment (DESIGN 1.9).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "conf.h"
#include "conf_int.h"
#include "conf_value.h"
#include "inventory.h"
#include "tz.h"
#include "util.h"

#define STS_DEFAULT	"https://sts.aliyuncs.com"
#define CONSOLE_DEFAULT	\
	"https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/index.html"

/* ------------------------------------------------------------------ */
/* the schema */

static cfg_t *
new_conf_cfg(struct conf_ctx *c)
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
		CFG_STR_LIST_CB("vnc_hosts",
		    "{\".aliyun.com\", \".aliyuncs.com\"}", CFGF_NONE,
		    conf_parse_vnc_host),
		CONF_CTX_OPT(c),
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
		CONF_CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t audit[] = {
		CFG_STR("facility", "authpriv", CFGF_NONE),
		CFG_STR("file", "/var/log/vncgate/audit.log", CFGF_NONE),
		CFG_BOOL("required", cfg_true, CFGF_NONE),
		CFG_INT("lock_timeout", 5, CFGF_NONE),
		CONF_CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t limits[] = {
		CFG_INT("user_per_minute", 10, CFGF_NONE),
		CFG_INT("instance_per_minute", 30, CFGF_NONE),
		CFG_STR("state_dir", "/var/lib/vncgate", CFGF_NONE),
		CONF_CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t ticket[] = {
		CFG_STR("mode", "off", CFGF_NONE),
		CFG_STR("pattern", "", CFGF_NONE),
		CONF_CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t inventory[] = {
		CFG_BOOL("discover", cfg_false, CFGF_NONE),
		CFG_STR_LIST_CB("regions", "{}", CFGF_NONE,
		    conf_parse_inv_region),
		CFG_STR_LIST_CB("tags", "{\"vncgate=yes\"}", CFGF_NONE,
		    conf_parse_inv_tag),
		CFG_STR("name_tag", "", CFGF_NONE),
		CFG_INT("ttl", 300, CFGF_NONE),
		CFG_INT("stale_after", 86400, CFGF_NONE),
		CONF_CTX_OPT(c),
		CFG_END()
	};
	cfg_opt_t inst[] = {
		CFG_STR("id", NULL, CFGF_NODEFAULT),
		CFG_STR("region", "", CFGF_NONE),
		CFG_STR("os", "linux", CFGF_NONE),
		CFG_STR("description", "", CFGF_NONE),
		CFG_STR_LIST_CB("tags", NULL, CFGF_NONE, conf_parse_tag),
		CONF_CTX_OPT(c),
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
		CFG_SEC("ticket", ticket, CFGF_NONE),
		CFG_SEC("inventory", inventory, CFGF_NONE),
		CFG_SEC("instance", inst, CFGF_MULTI | CFGF_TITLE),
		CONF_CTX_OPT(c),
		CFG_END()
	};

	/* CFGF_NONE: case-sensitive, unknown keys are errors, and no
	 * include(): libconfuse has it only when registered as a CFG_FUNC */
	return cfg_init(root, CFGF_NONE);
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
	{ "ticket|pattern",	offsetof(struct vg_conf, ticket.pattern) },
	{ "inventory|name_tag",	offsetof(struct vg_conf, inventory.name_tag) },
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
	{ "audit|lock_timeout",	offsetof(struct vg_conf, audit.lock_timeout) },
	{ "inventory|ttl",	offsetof(struct vg_conf, inventory.ttl) },
	{ "inventory|stale_after",
	    offsetof(struct vg_conf, inventory.stale_after) },
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
	conf->reauth = conf_value_choose("reauth", cfg_getstr(cfg, "reauth"));
	conf->output = conf_value_choose("output", cfg_getstr(cfg, "output"));
	conf->api.signature = conf_value_choose("signature",
	    cfg_getstr(cfg, "api|signature"));
	conf->creds.provider = conf_value_choose("provider",
	    cfg_getstr(cfg, "credentials|provider"));
	conf->creds.metadata_token = conf_value_choose("metadata_token",
	    cfg_getstr(cfg, "credentials|metadata_token"));
	conf->creds.session_policy =
	    cfg_getbool(cfg, "credentials|session_policy") == cfg_true;
	conf->audit.facility = conf_value_choose("facility",
	    cfg_getstr(cfg, "audit|facility"));
	conf->audit.required = cfg_getbool(cfg, "audit|required") == cfg_true;
	conf->inventory.discover =
	    cfg_getbool(cfg, "inventory|discover") == cfg_true;
	conf->ticket.mode = conf_value_choose("mode",
	    cfg_getstr(cfg, "ticket|mode"));
	if (*conf->api.sts_endpoint == '\0') {
		free(conf->api.sts_endpoint);
		if ((conf->api.sts_endpoint = strdup(STS_DEFAULT)) == NULL)
			return -1;
	}
	return 0;
}

/* A copy of s in lower case; NULL when out of memory. */
static char *
lower_dup(const char *s)
{
	char *d = strdup(s);
	size_t i;

	for (i = 0; d != NULL && d[i] != '\0'; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* The list name as NULL-terminated copies (lower-case when lower). */
static int
copy_list(cfg_t *cfg, const char *name, int lower, char ***out, size_t *nout)
{
	size_t i, n = cfg_size(cfg, name);
	const char *s;
	char **v;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		s = cfg_getnstr(cfg, name, (unsigned int)i);
		if ((v[i] = lower ? lower_dup(s) : strdup(s)) == NULL) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return -1;
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * api.vnc_hosts (lower-case: the match ignores case anyway) and the
 * lists of the inventory section; inventory.regions {} is api.region.
 */
static int
copy_lists(cfg_t *cfg, struct vg_conf *conf)
{
	if (copy_list(cfg, "api|vnc_hosts", 1, &conf->api.vnc_hosts,
	    &conf->api.nvnc_hosts) == -1 ||
	    copy_list(cfg, "inventory|regions", 0, &conf->inventory.regions,
	    &conf->inventory.nregions) == -1 ||
	    copy_list(cfg, "inventory|tags", 0, &conf->inventory.tags,
	    &conf->inventory.ntags) == -1)
		return -1;
	conf->inventory.all_regions = conf->inventory.nregions == 1 &&
	    strcmp(conf->inventory.regions[0], "*") == 0;
	if (conf->inventory.nregions > 0)
		return 0;
	free(conf->inventory.regions);
	if ((conf->inventory.regions = calloc(2, sizeof(char *))) == NULL ||
	    (conf->inventory.regions[0] = strdup(conf->api.region)) == NULL)
		return -1;
	conf->inventory.nregions = 1;
	return 0;
}

static int
copy_conf(cfg_t *cfg, struct conf_ctx *c, struct vg_conf *conf)
{
	struct vg_inventory *inv = &conf->inv;
	size_t i;

	if ((conf->path = strdup(c->path)) == NULL ||
	    copy_scalars(cfg, conf) == -1 || copy_lists(cfg, conf) == -1)
		return -1;
	inventory_trim(inv);
	for (i = 0; i < inv->n; i++)
		if (inv->inst[i].region[0] == '\0')
			vg_strlcpy(inv->inst[i].region, conf->api.region,
			    sizeof(inv->inst[i].region));
	return 0;
}

/*
 * The zone, once the file is good: a zone file that cannot be used is a
 * problem at the line of `timezone` (line 0: the system zone).
 */
static void
load_zone(struct conf_ctx *c, const struct secfile_policy *pol,
    struct vg_conf *conf)
{
	char err[VG_ERRLEN];

	if (tz_load(conf->timezone, pol, &conf->tz, err, sizeof(err)) == -1)
		conf_note(c, c->tz_line, "%s", err);
}

/*
 * api.ca_file decides whom every cloud call trusts: it is opened as the
 * config is (secfile: no symlink, a regular file, owned by root (or the
 * real uid when not privileged), writable by nobody else), and its text
 * is what the calls trust (http_opts.ca_pem), so a file swapped in after
 * the check is never read.  "" (the default) is libcurl's system store,
 * whose files in /etc/ssl/certs are symlinks: they are not ours to check.
 */
static void
load_ca(struct conf_ctx *c, const struct secfile_policy *pol,
    struct vg_conf *conf)
{
	char err[VG_ERRLEN];

	if (conf->api.ca_file[0] == '\0')
		return;
	if (secfile_read(conf->api.ca_file, pol, &conf->api.ca_pem,
	    &conf->api.ca_len, err, sizeof(err)) == -1)
		conf_note(c, c->ca_line, "api.ca_file: %s", err);
	else if (strstr(conf->api.ca_pem, "-----BEGIN CERTIFICATE-----") ==
	    NULL)
		conf_note(c, c->ca_line, "api.ca_file: %s holds no PEM "
		    "certificate", conf->api.ca_file);
}

/*
 * ticket.pattern, compiled once here so that no ticket is ever checked
 * against a pattern that was not (DESIGN 1.11): one that does not
 * compile is a problem at its line.
 */
static void
load_ticket(struct conf_ctx *c, struct vg_conf *conf)
{
	char err[VG_ERRLEN];

	if (conf->ticket.pattern[0] == '\0')
		return;
	if (conf_ticket_compile(conf->ticket.pattern, &conf->ticket.re, err,
	    sizeof(err)) == -1)
		conf_note(c, c->pattern_line, "ticket.pattern is not a POSIX "
		    "extended regular expression: %s", err);
	else
		conf->ticket.have_re = 1;
}

/* ------------------------------------------------------------------ */
/* the interface */

int
conf_load(const char *path, const struct secfile_policy *pol,
    struct vg_conf *conf, struct vg_diags *diags)
{
	const struct secfile_policy *caller = pol;
	struct secfile_policy big;
	struct conf_ctx c;
	cfg_t *cfg;
	int rc;

	memset(conf, 0, sizeof(*conf));
	inventory_init(&conf->inv);
	memset(&c, 0, sizeof(c));
	c.self = &c;
	c.diags = diags;
	c.path = path != NULL ? path : "(none)";
	c.inv = &conf->inv;
	if ((cfg = new_conf_cfg(&c)) == NULL) {
		conf_note(&c, 0, "out of memory");
		return -1;
	}
	/* the inventory makes the file big: not the access key's cap */
	pol = conf_file_policy(pol, &big);
	rc = conf_parse_file(&c, pol, cfg);
	if (rc == 0 && c.nerr == 0 && copy_conf(cfg, &c, conf) == -1)
		conf_note(&c, 0, "out of memory");
	cfg_free(cfg);
	if (rc == 0 && c.nerr == 0)
		load_ticket(&c, conf);
	if (rc == 0 && c.nerr == 0)
		load_zone(&c, pol, conf);
	/* the caller's size cap: a CA bundle is no inventory */
	if (rc == 0 && c.nerr == 0)
		load_ca(&c, caller, conf);
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
	free(conf->api.ca_pem);
	free_list(conf->api.vnc_hosts, conf->api.nvnc_hosts);
	free_list(conf->inventory.regions, conf->inventory.nregions);
	free_list(conf->inventory.tags, conf->inventory.ntags);
	inventory_free(&conf->inv);
	tz_free(&conf->tz);
	if (conf->ticket.have_re)
		regfree(&conf->ticket.re);
	free(conf->path);
	memset(conf, 0, sizeof(*conf));
}

int
conf_facility(const char *name)
{
	return conf_value_choose("facility", name);
}
