/* SPDX-License-Identifier: ISC */
/*
 * One PAM call of pam_vncgate (pam_vncgate.h): its arguments, its
 * logging, the config and ACL it loads, and the user it is for.  The
 * entry points (pam_vncgate.c) start and end a call here; account.c and
 * session.c do the work in between.
 */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "discover.h"
#include "pam_vncgate.h"
#include "util.h"

#define LOGMAX		512

/*
 * The arguments that take an absolute path.  audit_socket is for tests
 * and for admins whose syslog listens elsewhere; it is an argument and
 * never an environment variable because only root can write a PAM
 * config line, while sshd's environment is not ours to trust.
 */
static const struct {
	const char	*prefix;
	size_t		 off;
} pathargs[] = {
	{ "config=",		offsetof(struct pvg_args, config) },
	{ "audit_socket=",	offsetof(struct pvg_args, audit_socket) },
};

/*
 * Diagnostics through pam_syslog (never openlog/syslog(3): that would
 * change sshd's own logging).  Control bytes become '?' so no value a
 * user supplied can forge a log line; debug lines only with `debug`.
 */
void
pvg_log(struct pvg *g, int prio, const char *fmt, ...)
{
	char buf[LOGMAX];
	va_list ap;
	size_t i;

	if (g->ph == NULL || (prio == LOG_DEBUG && !g->args.debug))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	pam_syslog(g->ph, prio, "%s: %s", g->fn, buf);
}

/* A path argument: absolute, printable, not too long, given once. */
static int
path_arg(struct pvg *g, const char *arg, size_t plen, const char **slot)
{
	const char *v = arg + plen;
	size_t i, n = strlen(v);

	if (*slot != NULL) {
		pvg_log(g, LOG_ERR, "argument %.*s given twice", (int)plen,
		    arg);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			break;
	if (v[0] != '/' || n >= PATH_MAX || i < n) {
		pvg_log(g, LOG_ERR, "argument %.*s needs an absolute path, "
		    "not \"%.200s\"", (int)plen, arg, v);
		return -1;
	}
	*slot = v;
	return 0;
}

static int
one_arg(struct pvg *g, const char *arg)
{
	size_t i, plen;

	if (strcmp(arg, "debug") == 0) {
		g->args.debug = 1;
		return 0;
	}
	for (i = 0; i < sizeof(pathargs) / sizeof(pathargs[0]); i++) {
		plen = strlen(pathargs[i].prefix);
		if (strncmp(arg, pathargs[i].prefix, plen) == 0)
			return path_arg(g, arg, plen, (const char **)(void *)
			    ((char *)&g->args + pathargs[i].off));
	}
	/* pam_time and pam_access ignore unknown options; a typo here
	 * must not turn the gate into something else, so it is an error */
	pvg_log(g, LOG_ERR, "unknown argument \"%.200s\"", arg);
	return -1;
}

/* Start one call: every field set, so pvg_end is always safe. */
int
pvg_begin(struct pvg *g, pam_handle_t *ph, const char *fn, int argc,
    const char **argv)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->ph = ph;
	g->fn = fn;
	if (ph == NULL || argc < 0 || (argc > 0 && argv == NULL))
		return PAM_SERVICE_ERR;
	for (i = 0; i < argc; i++)
		if (argv[i] == NULL || one_arg(g, argv[i]) == -1)
			return PAM_SERVICE_ERR;
	if (g->args.config == NULL)
		g->args.config = VG_DEFAULT_CONFIG;
	/* sshd runs as root: the files must be root's, strictly */
	secfile_policy_default(&g->policy, 1);
	return PAM_SUCCESS;
}

void
pvg_end(struct pvg *g)
{
	acl_free(g->acl);
	g->acl = NULL;
	if (g->conf_loaded)
		conf_free(&g->conf);
	g->conf_loaded = 0;
}

static void
log_diags(struct pvg *g, const struct vg_diags *ds)
{
	char line[600];
	size_t i;

	for (i = 0; i < ds->n; i++) {
		diag_format(&ds->d[i], line, sizeof(line));
		pvg_log(g, LOG_ERR, "%s", line);
	}
	if (ds->n == 0)
		pvg_log(g, LOG_ERR, "%s cannot be loaded", g->args.config);
	if (ds->dropped > 0)
		pvg_log(g, LOG_ERR, "(%zu more problems)", ds->dropped);
}

/* The config, and the ACL it names when with_acl: any problem denies. */
int
pvg_load(struct pvg *g, int with_acl)
{
	struct vg_diags ds;
	char why[VG_ERRLEN];

	diag_init(&ds);
	if (conf_load(g->args.config, &g->policy, &g->conf, &ds) == -1) {
		log_diags(g, &ds);
		return PAM_SERVICE_ERR;
	}
	g->conf_loaded = 1;
	if (with_acl &&
	    acl_load(g->conf.acl_file, &g->policy, &g->acl, &ds) == -1) {
		log_diags(g, &ds);
		return PAM_SERVICE_ERR;
	}
	/*
	 * the instances of the cloud too (DESIGN 1.10), as the shell last
	 * saw them; without the cache, the config's blocks alone: fewer
	 * instances never let more in
	 */
	if (with_acl && discover_apply_cache(&g->conf, &g->policy, why,
	    sizeof(why)) == -1)
		pvg_log(g, LOG_ERR, "the inventory cache is not used: %s", why);
	return PAM_SUCCESS;
}

/* A string item, or NULL when unset. */
const char *
pvg_item(struct pvg *g, int item)
{
	const void *v = NULL;

	if (pam_get_item(g->ph, item, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

/*
 * PAM_USER, read as an item: the account and session stages never
 * prompt.  A name the shell would refuse cannot pass here either.
 */
int
pvg_user(struct pvg *g, const char **user)
{
	const char *u = pvg_item(g, PAM_USER);

	*user = NULL;
	if (u == NULL || *u == '\0') {
		pvg_log(g, LOG_ERR, "no user name is set");
		return PAM_SERVICE_ERR;
	}
	/* the names the shell accepts: one set for both (util.h) */
	if (!vg_valid_user(u)) {
		pvg_log(g, LOG_NOTICE, "user name \"%.64s\" is not acceptable",
		    u);
		return PAM_PERM_DENIED;
	}
	*user = u;
	return PAM_SUCCESS;
}
