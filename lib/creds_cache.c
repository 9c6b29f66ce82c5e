/* SPDX-License-Identifier: ISC */
/*
 * Role credentials (DESIGN 2.2 step 5): the entry points, the cache, the
 * static provider (the access_key file) and the dispatch to the role
 * providers, ecs_ram_role in creds_imds.c and ram_role_arn in
 * creds_sts.c.  Each provider also says whether the cached credentials
 * fit the next request, so the cache knows nothing of session names.
 * The parsers of their answers and of the key file are in
 * creds_parse.c.  See doc/wire.md e, f, h.
 *
 * Every failure fills the vg_cloud_err: a code for the audit record, one
 * sentence for the operator and details for syslog.  Neither ever holds a
 * secret: the answers that carry them are parsed, copied and wiped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "creds_int.h"
#include "util.h"

/*
 * the operator's sentences follow cloud_error.c: lower case, no final
 * stop; N_(): the shell translates them (vg_cloud_err.msgfmt)
 */

/* ------------------------------------------------------------------ */
/* static: the access key itself, no token, no expiry */

static int
static_fetch(struct creds_ctx *c, const struct creds_who *who,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	char *id;

	(void)who;
	(void)inst;
	if (creds_load_key(c, &id, &out->secret, err) == -1)
		return -1;
	vg_strlcpy(out->id, id, sizeof(out->id));
	vg_freestr(id);
	out->token = NULL;
	out->expiration = 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The cache and the entry points */

/* Any credentials of the provider serve any operator and instance. */
static int
fits_anyone(const struct creds_ctx *c, const struct vg_creds *cr,
    const struct creds_who *who, const struct vg_instance *inst)
{
	(void)c;
	(void)cr;
	(void)who;
	(void)inst;
	return 1;
}

static const struct provider {
	int	(*fetch)(struct creds_ctx *, const struct creds_who *,
		    const struct vg_instance *, struct vg_creds *,
		    struct vg_cloud_err *);
	/* may the cached credentials serve who on inst? */
	int	(*fits)(const struct creds_ctx *, const struct vg_creds *,
		    const struct creds_who *, const struct vg_instance *);
} providers[] = {
	[VG_CRED_ECS_RAM_ROLE] = { creds_imds_fetch, fits_anyone },
	[VG_CRED_RAM_ROLE_ARN] = { creds_sts_fetch, creds_sts_fits },
	[VG_CRED_STATIC] = { static_fetch, fits_anyone },
};
#define NPROVIDERS	(sizeof(providers) / sizeof(providers[0]))

void
creds_init(struct creds_ctx *c, const struct vg_conf *conf,
    struct http_client *http, const struct secfile_policy *policy)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->http = http;
	c->policy = policy;
}

void
creds_clear(struct creds_ctx *c)
{
	creds_wipe(&c->cache);
	c->have = 0;
}

/* Good for who on inst at now, with the margin? */
static int
cache_ok(const struct creds_ctx *c, const struct provider *pv,
    const struct creds_who *who, const struct vg_instance *inst, time_t now)
{
	if (!c->have || (c->cache.expiration != 0 &&
	    c->cache.expiration - now <= CREDS_REFRESH_MARGIN))
		return 0;
	return pv->fits(c, &c->cache, who, inst);
}

int
creds_get(struct creds_ctx *c, const struct creds_who *who,
    const struct vg_instance *inst, time_t now, const struct vg_creds **out,
    struct vg_cloud_err *err)
{
	enum vg_provider p = c->conf->creds.provider;
	const struct provider *pv;
	struct vg_creds fresh;

	cloud_err_clear(err);
	*out = NULL;
	if ((size_t)p >= NPROVIDERS || providers[p].fetch == NULL) {
		cloud_err_fail(err, UNAVAILABLE, N_("no credentials provider "
		    "is configured; tell your admin"),
		    "credentials.provider %d unknown", (int)p);
		return -1;
	}
	pv = &providers[p];
	if (cache_ok(c, pv, who, inst, now)) {
		*out = &c->cache;
		return 0;
	}
	memset(&fresh, 0, sizeof(fresh));
	if (pv->fetch(c, who, inst, &fresh, err) == -1) {
		creds_wipe(&fresh);
		return -1;
	}
	if (fresh.expiration != 0 && fresh.expiration <= now) {
		cloud_err_fail(err, UNAVAILABLE, N_("the role credentials "
		    "arrived expired: the bastion's clock may be wrong; tell "
		    "your admin"),
		    "credentials %s expired %lld s ago", fresh.id,
		    (long long)(now - fresh.expiration));
		creds_wipe(&fresh);
		return -1;
	}
	creds_clear(c);
	c->cache = fresh;
	c->have = 1;
	*out = &c->cache;
	return 0;
}

