/* SPDX-License-Identifier: ISC */
/*
 * DescribeInstanceVncUrl: the signed call, the retry policy and the
 * console URL (DESIGN 1.8, 2.2 step 6); its errors are worded by the
 * cloud's table (cloud_error.h, DESIGN 2.3).
 */
#ifndef VG_ECS_H
#define VG_ECS_H

#include <stddef.h>

#include "cloud.h"
#include "conf.h"
#include "creds.h"
#include "ecs_url.h"
#include "http.h"

struct ecs_result {
	char	*vnc_url;		/* wiped on ecs_result_free */
	char	 request_id[96];
	int	 attempts;
};

/*
 * Call the API for inst with creds, signing with conf->api.signature and
 * retrying only network errors, Throttling* and 5xx within api.timeout.
 * The VncUrl of an answer must pass ecs_vnc_url_allowed with
 * conf->api.vnc_hosts, else the call fails with BadVncUrl.
 */
int	ecs_describe_vnc_url(struct http_client *, const struct vg_conf *,
	    const struct vg_creds *, const struct vg_instance *,
	    struct ecs_result *, struct vg_cloud_err *);
void	ecs_result_free(struct ecs_result *);

/*
 * Parse one API answer (status and body).  Success needs a VncUrl that
 * passes ecs_vnc_url_ok; an error fills err from the error table.
 */
int	ecs_parse_answer(long status, const char *body, size_t len,
	    const struct vg_instance *, struct ecs_result *,
	    struct vg_cloud_err *);


/*
 * The retry policy's wait before retry n (0, 1, ...): the server's
 * x-acs-retry-after (milliseconds; "" when none), else 200 ms * 2^n with
 * jitter; never over 5 s.  The listing (discover.c) waits the same.
 */
long long ecs_backoff(int n, const char *retry_after);
/* Sleep ms, again after EINTR. */
void	ecs_nap(long long ms);

/* <page>?vncUrl=<VncUrl>&instanceId=<ID>&isWindows=<true|false> */
int	ecs_console_url(const char *page, const char *vnc_url,
	    const struct vg_instance *, char **url, char *err, size_t errlen);

/* The endpoint for inst: api.endpoint, or https://ecs.<region>.aliyuncs.com */
int	ecs_endpoint(const struct vg_conf *, const struct vg_instance *,
	    char *out, size_t outlen);

#endif
