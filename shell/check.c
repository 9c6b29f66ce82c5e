/* SPDX-License-Identifier: ISC */
/*
 * -t and -t -C (DESIGN 1.3), after sshd -t / -T -C and doas -C: check the
 * files without touching the network, or explain one decision: allow
 * RULE, breakglass RULE (exit 0: granted, as emergency access) or deny
 * RULE / deny no-match (exit 3).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discover.h"
#include "ratelimit.h"
#include "sessrec.h"
#include "shell.h"
#include "util.h"

struct explain {
	char	user[65];
	char	instance[65];
	char	from[64];
	char	at[17];		/* YYYY-MM-DDTHH:MM */
};

/* The keys of -C, each with where it goes. */
static const struct {
	const char	*key;
	size_t		 off;
	size_t		 size;
} explain_keys[] = {
	{ "user", offsetof(struct explain, user), 65 },
	{ "instance", offsetof(struct explain, instance), 65 },
	{ "from", offsetof(struct explain, from), 64 },
	{ "at", offsetof(struct explain, at), 17 },
};

static int
explain_pair(struct explain *ex, const char *pair)
{
	const char *eq = strchr(pair, '=');
	size_t i, klen;
	char *dst;

	if (eq == NULL)
		return -1;
	klen = (size_t)(eq - pair);
	for (i = 0; i < sizeof(explain_keys) / sizeof(explain_keys[0]); i++) {
		if (strlen(explain_keys[i].key) != klen ||
		    strncmp(explain_keys[i].key, pair, klen) != 0)
			continue;
		dst = (char *)ex + explain_keys[i].off;
		if (dst[0] != '\0' || eq[1] == '\0')
			return -1;
		return vg_strlcpy(dst, eq + 1, explain_keys[i].size);
	}
	return -1;
}

static int
explain_parse(const char *spec, struct explain *ex)
{
	char buf[512], *save = NULL, *p;

	memset(ex, 0, sizeof(*ex));
	if (vg_strlcpy(buf, spec, sizeof(buf)) == -1)
		return -1;
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save))
		if (explain_pair(ex, p) == -1)
			return -1;
	return ex->user[0] != '\0' && ex->instance[0] != '\0' ? 0 : -1;
}

/* What -C prints for each decision, and its exit code. */
static const struct {
	const char	*word;
	int		 rc;
} decisions[] = {
	[ACL_DENY] =		{ "deny",	EXIT_DENIED },
	[ACL_ALLOW] =		{ "allow",	EXIT_OK },
	[ACL_BREAKGLASS] =	{ "breakglass",	EXIT_OK },
};

/*
 * at= is local time in the config's zone already: it is read as an
 * instant in UTC, and the request builder is given no zone for it.
 */
static int
explain_time(const char *at, time_t *when)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(at, "%Y-%m-%dT%H:%M", &tm);
	if (end == NULL || *end != '\0' || strlen(at) != 16)
		return -1;
	tm.tm_isdst = 0;
	return (*when = timegm(&tm)) == (time_t)-1 ? -1 : 0;
}

static int
explain_run(struct shell *sh, const struct explain *ex)
{
	const struct vg_instance *inst;
	struct acl_request req;
	char **groups = NULL, rule[65];
	size_t ngroups = 0;
	enum acl_decision d;
	time_t when = time(NULL);
	int rc;

	if (ex->at[0] && explain_time(ex->at, &when) == -1) {
		fprintf(stderr, "-C: at= must be YYYY-MM-DDTHH:MM\n");
		return EXIT_USAGE;
	}
	if ((inst = inventory_find(&sh->conf.inv, ex->instance)) == NULL) {
		/* the shell refuses a target outside the inventory */
		fprintf(stderr, "%s is not in the inventory\n", ex->instance);
		printf("deny no-match\n");
		return EXIT_DENIED;
	}
	if (acl_user_groups(ex->user, &groups, &ngroups) == -1)
		return EXIT_RUNTIME;
	rc = acl_request_build(&req, ex->user, (const char *const *)groups,
	    ngroups, inst, ex->from[0] ? ex->from : NULL, when,
	    ex->at[0] ? NULL : &sh->conf.tz);
	if (rc == -1) {
		acl_groups_free(groups);
		fprintf(stderr, "-C: at= must be YYYY-MM-DDTHH:MM\n");
		return EXIT_USAGE;
	}
	d = acl_decide(sh->acl, &req, rule, sizeof(rule));
	acl_groups_free(groups);
	printf("%s %s\n", decisions[d].word, rule);
	return decisions[d].rc;
}

/* The access key must be there and closed to others when it is used. */
static int
check_key(struct shell *sh)
{
	struct secfile_policy p = sh->policy;
	struct vg_diags ds;
	char *id = NULL, *secret = NULL, line[600];
	size_t i;
	int rc;

	if (sh->conf.creds.provider == VG_CRED_ECS_RAM_ROLE)
		return 0;
	p.no_world_read = 1;
	diag_init(&ds);
	rc = conf_load_access_key(sh->conf.creds.access_key_file, &p, &id,
	    &secret, &ds);
	free(id);
	vg_freestr(secret);
	for (i = 0; i < ds.n; i++) {
		diag_format(&ds.d[i], line, sizeof(line));
		printf("%s\n", line);
	}
	return rc;
}

/* The rate-limit windows need their folder, when a limit is set. */
static int
check_state(struct shell *sh)
{
	char err[VG_ERRLEN];
	int fd;

	if (sh->conf.limits.user_per_minute == 0 &&
	    sh->conf.limits.instance_per_minute == 0)
		return 0;
	fd = ratelimit_dir_open(sh->conf.limits.state_dir, &sh->policy, err,
	    sizeof(err));
	if (fd == -1) {
		printf("%s\n", err);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The sessions folder, for the installed (privileged) shell: without it
 * no session record is written or read, and every address is unknown,
 * so every allow rule with `from` refuses (DESIGN 1.2).
 */
static int
check_sessions(struct shell *sh)
{
	char err[VG_ERRLEN];

	if (!sh->privileged ||
	    sessrec_dir_ok(sh->conf.limits.state_dir, 0, err, sizeof(err)) ==
	    0)
		return 0;
	printf("%s\n", err);
	return -1;
}

/*
 * -t -C decides as the shell would: over the instances of the cache
 * too (DESIGN 1.10), read as it is, without the network.
 */
static int
explain_cached(struct shell *sh, const struct explain *ex)
{
	char err[VG_ERRLEN];

	if (discover_apply_cache(&sh->conf, &sh->policy, err, sizeof(err)) ==
	    -1)
		printf("inventory: %s: deciding over the config's instances "
		    "alone\n", err);
	return explain_run(sh, ex);
}

/* A list of the config as "a,b,c" (or "{}") on stdout. */
static void
print_list(const char *key, char **v, size_t n)
{
	size_t i;

	printf(" %s=", key);
	if (n == 0)
		printf("{}");
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "," : "", v[i]);
}

/* The cache as it is now: its age, its size, or why a run will refetch. */
static void
print_cache(int dirfd, long ttl)
{
	struct disc_cache c;
	char err[VG_ERRLEN];
	long long age;
	size_t i, n = 0;
	int rc;

	rc = disc_cache_read(dirfd, &c, err, sizeof(err));
	if (rc == 1) {
		printf("inventory: no cache yet: the first run lists the "
		    "cloud\n");
		return;
	}
	if (rc == -1) {
		printf("inventory: %s: the next run lists the cloud again\n",
		    err);
		return;
	}
	for (i = 0; i < c.n; i++)
		n += c.r[i].inv.n;
	age = (long long)time(NULL) - c.written;
	printf("inventory: cache %zu instances in %zu regions, %lld s old "
	    "(%s)\n", n, c.n, age, age < ttl ? "fresh" : "stale: the next "
	    "run refreshes it");
	disc_cache_free(&c);
}

/*
 * With inventory.discover: the settings, then the cache (DESIGN 1.10),
 * without the network.  The state folder must be usable: it holds the
 * cache.
 */
static int
check_inventory(struct shell *sh)
{
	const struct vg_conf *cf = &sh->conf;
	char err[VG_ERRLEN];
	int fd;

	if (!cf->inventory.discover)
		return 0;
	printf("inventory: discover");
	if (cf->inventory.all_regions)
		printf(" regions=* (DescribeRegions)");
	else
		print_list("regions", cf->inventory.regions,
		    cf->inventory.nregions);
	print_list("tags", cf->inventory.tags, cf->inventory.ntags);
	printf(" name_tag=%s ttl=%ld stale_after=%ld\n",
	    cf->inventory.name_tag[0] != '\0' ? cf->inventory.name_tag :
	    "(InstanceName)", cf->inventory.ttl, cf->inventory.stale_after);
	fd = ratelimit_dir_open(cf->limits.state_dir, &sh->policy, err,
	    sizeof(err));
	if (fd == -1) {
		printf("inventory: the cache's folder: %s\n", err);
		return -1;
	}
	print_cache(fd, cf->inventory.ttl);
	close(fd);
	return 0;
}

int
check_mode(struct shell *sh, const char *spec)
{
	struct explain ex;
	int rc;

	if (spec != NULL && explain_parse(spec, &ex) == -1) {
		fprintf(stderr, "-C takes user=U,instance=T[,from=ADDR]"
		    "[,at=YYYY-MM-DDTHH:MM]\n");
		return EXIT_USAGE;
	}
	if (load_config(sh, 1) == -1)
		return EXIT_CONFIG;
	if (spec != NULL)
		return explain_cached(sh, &ex);
	/* both, so that one run names every problem */
	rc = check_key(sh);
	if (check_state(sh) == -1)
		rc = -1;
	if (check_sessions(sh) == -1)
		rc = -1;
	if (check_inventory(sh) == -1)
		rc = -1;
	return rc == 0 ? EXIT_OK : EXIT_CONFIG;
}

/* -S ------------------------------------------------------------------- */

/* One line per region (region count added removed requests ms result). */
static void
sync_report(const struct disc_refresh *d, const struct disc_cache *c)
{
	const struct disc_region *r;
	size_t i, j, count;

	for (i = 0; i < d->n; i++) {
		r = &d->r[i];
		for (j = 0, count = 0; j < c->n; j++)
			if (strcmp(c->r[j].region, r->region) == 0)
				count = c->r[j].inv.n;
		printf("%s count=%zu added=%zu removed=%zu requests=%d "
		    "latency_ms=%lld result=%s\n", r->region, count, r->added,
		    r->removed, r->requests, r->latency_ms, r->ok ? "ok" :
		    r->err.code[0] != '\0' ? r->err.code : "error");
		if (!r->ok && r->err.detail[0] != '\0')
			warnx("%s: %s", r->region, r->err.detail);
	}
	if (d->err.code[0] != '\0')
		warnx("inventory refresh failed: %s", d->err.detail[0] != '\0' ?
		    d->err.detail : d->err.code);
}

/*
 * -S (DESIGN 1.10): refresh the cache now, a line per region; 1 when a
 * region failed (the last good cache is kept), 4 when discovery is off.
 */
int
sync_mode(struct shell *sh)
{
	int rc;

	sh->mode = "command";
	log_shell(sh, "shell_start", "sync");
	if (!sh->conf.inventory.discover) {
		warnx("inventory.discover is false in %s: nothing to refresh",
		    sh->config_path);
		log_shell(sh, "shell_end", "config");
		return EXIT_CONFIG;
	}
	rc = discovery_load(sh, 1, sync_report) == 0 ? EXIT_OK :
	    EXIT_RUNTIME;
	log_shell(sh, "shell_end", rc == EXIT_OK ? "ok" : "error");
	return rc;
}
