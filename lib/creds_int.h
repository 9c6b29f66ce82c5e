/* SPDX-License-Identifier: ISC */
/*
 * What the pieces of the credentials module share; not part of its API
 * (creds.h).  From the top: creds_cache.c holds the entry points, the
 * cache and the static provider; creds_imds.c and creds_sts.c the two
 * role providers; creds_session.c the session name and policy;
 * creds_parse.c the parsers of what arrives, the key file too.
 */
#ifndef VG_CREDS_INT_H
#define VG_CREDS_INT_H

#include <stddef.h>

#include "cloud.h"
#include "creds.h"

#define ALNUM		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789"
#define ID_SET		ALNUM "."		/* AccessKeyId */
#define NAME_SET	ALNUM "._-"		/* roles, session names */
#define SECRET_MAX	4096			/* AccessKeySecret, token */
#define UNAVAILABLE	"CredentialsUnavailable"

/* The providers: creds_imds.c (ecs_ram_role), creds_sts.c (ram_role_arn) */
int	creds_imds_fetch(struct creds_ctx *, const struct creds_who *,
	    const struct vg_instance *, struct vg_creds *,
	    struct vg_cloud_err *);
int	creds_sts_fetch(struct creds_ctx *, const struct creds_who *,
	    const struct vg_instance *, struct vg_creds *,
	    struct vg_cloud_err *);
/* May cached ram_role_arn credentials serve who on inst? */
int	creds_sts_fits(const struct creds_ctx *, const struct vg_creds *,
	    const struct creds_who *, const struct vg_instance *);

/* creds_parse.c */

/* The access_key file: for static, and as the caller of AssumeRole. */
int	creds_load_key(struct creds_ctx *, char **id, char **secret,
	    struct vg_cloud_err *);
/* Only printable ASCII and no space ("" passes). */
int	creds_printable(const char *);

#endif
