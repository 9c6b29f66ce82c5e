/* SPDX-License-Identifier: ISC */
/*
 * Alibaba Cloud request signatures: RPC V1 (HMAC-SHA1) and ACS3-HMAC-SHA256
 * (V3).  Every intermediate is returned so the tests can compare each field
 * with tests/vectors.  See doc/wire.md a, b.
 */
#ifndef VG_SIGN_H
#define VG_SIGN_H

#include <stddef.h>
#include <time.h>

#include "util.h"

struct sign_param {
	const char *name;
	const char *value;
};

/* V1 ------------------------------------------------------------------ */

struct sign_v1 {
	char	*canonical;		/* canonicalized query string */
	char	*string_to_sign;
	char	 signature[32];		/* base64 of the HMAC-SHA1 */
	char	*query;			/* canonical + "&Signature=" + enc(sig) */
};

/*
 * Sign params (query and form body merged, Signature excluded) for method.
 * Fills out; free with sign_v1_free.
 */
int	sign_v1(const char *method, const struct sign_param *, size_t n,
	    const char *secret, struct sign_v1 *out, char *err, size_t errlen);
void	sign_v1_free(struct sign_v1 *);

/* V3 ------------------------------------------------------------------ */

struct sign_v3_req {
	const char		*method;	/* "POST" */
	const char		*path;		/* "/" */
	const struct sign_param	*query;
	size_t			 nquery;
	const struct sign_param	*headers;	/* any case; host, content-type
						   and x-acs-* get signed */
	size_t			 nheaders;
	const char		*body;
	size_t			 bodylen;
	const char		*key_id;
	const char		*secret;
};

struct sign_v3 {
	char	 hashed_payload[65];
	char	*canonical_request;
	char	 hashed_canonical[65];
	char	*string_to_sign;
	char	 signature[65];
	char	*signed_headers;	/* "host;x-acs-action;..." */
	char	*authorization;
	char	*query;			/* canonical query string, for the URL */
};

int	sign_v3(const struct sign_v3_req *, struct sign_v3 *out,
	    char *err, size_t errlen);
void	sign_v3_free(struct sign_v3 *);

/* Shared pieces -------------------------------------------------------- */

/* RFC 3986 percent-encoding as the API wants it (upper-case hex). */
int	sign_percent_encode(struct vg_buf *, const char *);
/*
 * Append "name=value&..." in the given order, both sides encoded as
 * above: a form body, or a query string (canon_query sorts first).
 */
int	sign_form_encode(struct vg_buf *, const struct sign_param *, size_t n);
/* "YYYY-MM-DDThh:mm:ssZ" (UTC) into out[21]. */
void	sign_timestamp(time_t, char out[21]);

#endif
