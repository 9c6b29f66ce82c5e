/* SPDX-License-Identifier: ISC */
/*
 * Role credentials (DESIGN 2.2 step 5): the entry points, the cache, the
 * static provider (the access_key file) and the dispatch to the role
 * providers, ecs_ram_role in creds_imds.c and ram_role_arn in
 * creds_sts.c.  The parsers of their answers are in creds_parse.c.  See
 * doc/wire.md e, f, h.
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
 * the operator's sentences follow ecs.c: lower case, no final stop; N_():
 * the shell translates them (vg_cloud_err.msgfmt)
 */
#define KEY_MSG		N_("the bastion's access key file is unusable; " \
			"tell your admin")

/* ------------------------------------------------------------------ */
/* Shared by the providers (creds_int.h) */

/* One static sentence for the operator, the details for syslog. */
void
creds_setfail(struct vg_cloud_err *e, const char *code, const char *msg,
    const char *fmt, ...)
{
	va_list ap;

	vg_strlcpy(e->code, code, sizeof(e->code));
	vg_strlcpy(e->message, msg, sizeof(e->message));
	e->msgfmt = msg[0] != '\0' ? msg : NULL;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

/* The access_key file: for static, and as the caller of AssumeRole. */
int
creds_load_key(struct creds_ctx *c, char **id, char **secret,
    struct vg_cloud_err *err)
{
	struct secfile_policy p;
	struct vg_diags d;
	char why[VG_ERRLEN] = "the file could not be read";

	if (c->policy != NULL)
		p = *c->policy;
	else
		secfile_policy_default(&p, 1);
	p.no_world_read = 1;		/* root:vncgate 0640 (DESIGN 1.1) */
	diag_init(&d);
	*id = *secret = NULL;
	if (conf_load_access_key(c->conf->creds.access_key_file, &p, id,
	    secret, &d) == 0 && *id != NULL && *secret != NULL &&
	    vg_charset_ok(*id, ID_SET, 127))
		return 0;
	if (d.n > 0)
		diag_format(&d.d[0], why, sizeof(why));
	else if (*id != NULL)
		snprintf(why, sizeof(why), "%s: access_key_id is not an "
		    "AccessKeyId", c->conf->creds.access_key_file);
	vg_freestr(*id);
	vg_freestr(*secret);
	*id = *secret = NULL;
	creds_setfail(err, UNAVAILABLE, KEY_MSG, "access key: %s", why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* static: the access key itself, no token, no expiry */

static int
static_fetch(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, struct vg_creds *out,
    struct vg_cloud_err *err)
{
	char *id;

	(void)user;
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

typedef int	(*fetch_fn)(struct creds_ctx *, const char *,
		    const struct vg_instance *, struct vg_creds *,
		    struct vg_cloud_err *);

static const fetch_fn fetchers[] = {
	[VG_CRED_ECS_RAM_ROLE] = creds_imds_fetch,
	[VG_CRED_RAM_ROLE_ARN] = creds_sts_fetch,
	[VG_CRED_STATIC] = static_fetch,
};

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
creds_wipe(struct vg_creds *cr)
{
	if (cr == NULL)
		return;
	vg_freestr(cr->secret);
	vg_freestr(cr->token);
	vg_wipe(cr, sizeof(*cr));
	memset(cr, 0, sizeof(*cr));
}

void
creds_clear(struct creds_ctx *c)
{
	creds_wipe(&c->cache);
	memset(c->session, 0, sizeof(c->session));
	c->have = 0;
}

/* Good for user on inst at now, with the margin? */
static int
cache_ok(const struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, time_t now)
{
	const struct vg_conf *cf = c->conf;
	char session[65];

	if (!c->have || (c->cache.expiration != 0 &&
	    c->cache.expiration - now <= CREDS_REFRESH_MARGIN))
		return 0;
	if (cf->creds.provider != VG_CRED_RAM_ROLE_ARN)
		return 1;
	/* ActionTrail must name the operator who holds them */
	if (creds_session_name(user, session, sizeof(session)) == -1 ||
	    strcmp(session, c->session) != 0)
		return 0;
	return !cf->creds.session_policy ||
	    (inst != NULL && strcmp(c->cache.scope, inst->id) == 0);
}

int
creds_get(struct creds_ctx *c, const char *user,
    const struct vg_instance *inst, time_t now, const struct vg_creds **out,
    struct vg_cloud_err *err)
{
	enum vg_provider p = c->conf->creds.provider;
	struct vg_creds fresh;

	cloud_err_clear(err);
	*out = NULL;
	if (cache_ok(c, user, inst, now)) {
		*out = &c->cache;
		return 0;
	}
	memset(&fresh, 0, sizeof(fresh));
	if ((size_t)p >= sizeof(fetchers) / sizeof(fetchers[0]) ||
	    fetchers[p] == NULL) {
		creds_setfail(err, UNAVAILABLE, N_("no credentials provider "
		    "is configured; tell your admin"),
		    "credentials.provider %d unknown", (int)p);
		return -1;
	}
	if (fetchers[p](c, user, inst, &fresh, err) == -1) {
		creds_wipe(&fresh);
		return -1;
	}
	if (fresh.expiration != 0 && fresh.expiration <= now) {
		creds_setfail(err, UNAVAILABLE, N_("the role credentials "
		    "arrived expired: the bastion's clock may be wrong; tell "
		    "your admin"),
		    "credentials %s expired %lld s ago", fresh.id,
		    (long long)(now - fresh.expiration));
		creds_wipe(&fresh);
		return -1;
	}
	creds_clear(c);
	c->cache = fresh;
	if (p == VG_CRED_RAM_ROLE_ARN)
		creds_session_name(user, c->session, sizeof(c->session));
	c->have = 1;
	*out = &c->cache;
	return 0;
}

