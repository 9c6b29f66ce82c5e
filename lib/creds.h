/* SPDX-License-Identifier: ISC */
/*
 * Role credentials: ecs_ram_role (metadata service, token flow),
 * ram_role_arn (STS AssumeRole, optionally scoped to one instance) and
 * static.  Kept in the process until 5 minutes before Expiration.
 * creds_cache.c holds the entry points, creds_imds.c and creds_sts.c the
 * role providers, creds_session.c the session name and policy, and
 * creds_parse.c what arrives: the answers and the access key file.
 */
#ifndef VG_CREDS_H
#define VG_CREDS_H

#include <stddef.h>
#include <time.h>

#include "cloud.h"
#include "conf.h"
#include "http.h"
#include "secfile.h"

#define CREDS_REFRESH_MARGIN	300	/* seconds before Expiration */

struct vg_creds {
	char	 id[128];		/* AccessKeyId */
	char	*secret;		/* AccessKeySecret (wiped on free) */
	char	*token;			/* SecurityToken; NULL for static */
	time_t	 expiration;		/* 0: never */
	char	 scope[65];		/* the instance ID a session policy
					   limits them to; "" = none */
	char	 session[65];		/* the RoleSessionName they
					   were issued to (operator and
					   ticket); "" = none */
};

struct creds_ctx {
	const struct vg_conf		*conf;
	struct http_client		*http;
	const struct secfile_policy	*policy;	/* for access_key */
	struct vg_creds			 cache;
	int				 have;
};

void	creds_init(struct creds_ctx *, const struct vg_conf *,
	    struct http_client *, const struct secfile_policy *);

/*
 * Who credentials are for: the operator, and why (the ticket, or NULL);
 * or, with listing, the inventory's listing (DESIGN 1.10): user and
 * ticket unused, the session CREDS_LISTING_SESSION, and with
 * session_policy a Policy allowing only the two listing calls.
 */
struct creds_who {
	const char	*user;
	const char	*ticket;
	int		 listing;
};

#define CREDS_LISTING_SESSION	"vncgate-inventory"
/* vg_creds.scope of listing credentials: no instance ID starts with - */
#define CREDS_LISTING_SCOPE	"-listing"

/*
 * Credentials good for who to call DescribeInstanceVncUrl on inst at
 * time now.  *out points into the context (valid until the next call or
 * creds_clear).  The cache is reused while more than
 * CREDS_REFRESH_MARGIN seconds are left and, for ram_role_arn, for the
 * same RoleSessionName (operator and ticket) and (with session_policy)
 * the same instance.  On failure err holds the code, the operator's
 * sentence and the details.
 */
int	creds_get(struct creds_ctx *, const struct creds_who *,
	    const struct vg_instance *inst, time_t now,
	    const struct vg_creds **out, struct vg_cloud_err *);
/* Wipe and forget the cached credentials. */
void	creds_clear(struct creds_ctx *);
void	creds_wipe(struct vg_creds *);

/*
 * The operator name as an STS RoleSessionName, losslessly: bytes of
 * [A-Za-z0-9._-] stay, any other byte becomes "@XX" (upper-case hex), and
 * a one-character result gets a lone "@" appended (2 is the minimum).
 * Fails when the result would exceed 64 characters.
 */
int	creds_session_name(const char *user, char *out, size_t outlen);
/*
 * With a ticket (NULL or "": none, as creds_session_name): the user's
 * name encoded, unpadded, then "@@", which encoding never produces, then
 * the ticket encoded the same way (DESIGN 1.11).  Fails when the pair
 * would exceed 64 characters: the caller refuses the ticket.
 */
int	creds_session_name_ticket(const char *user, const char *ticket,
	    char *out, size_t outlen);
/*
 * Back from a RoleSessionName to the user name and the ticket ("" when
 * none), for auditors reading ActionTrail and for tests: only a name
 * that creds_session_name_ticket gives is read, anything else is -1.
 */
int	creds_session_read(const char *name, char *user, size_t ulen,
	    char *ticket, size_t tlen);
/* The user name of a RoleSessionName without a ticket. */
int	creds_session_name_decode(const char *name, char *out, size_t outlen);

/*
 * The session Policy JSON allowing only ecs:DescribeInstanceVncUrl on
 * acs:ecs:<region>:<account>:instance/<id>, the account taken from
 * role_arn (acs:ram::<account>:role/<name>).
 */
int	creds_session_policy(const char *role_arn,
	    const struct vg_instance *, char **json, char *err, size_t errlen);

/*
 * The session Policy JSON of the listing: ecs:DescribeInstances on the
 * instances of the account (any region) and ecs:DescribeRegions on any
 * resource, nothing else (no console can be opened with it).
 */
int	creds_listing_policy(const char *role_arn, char **json, char *err,
	    size_t errlen);

/*
 * Parsers, exposed for tests and fuzzing.  They overwrite the whole
 * vg_creds (wipe one that held credentials first); on failure it holds
 * nothing, and err names the field, never its value.
 */
int	creds_parse_imds(const char *json, size_t len, struct vg_creds *,
	    char *err, size_t errlen);
int	creds_parse_sts(const char *json, size_t len, struct vg_creds *,
	    char *err, size_t errlen);
/* "YYYY-MM-DDThh:mm:ssZ" or with ".mmm" -> time_t; -1 when malformed. */
int	creds_parse_time(const char *, time_t *);

#endif
