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


/* <page>?vncUrl=<VncUrl>&instanceId=<ID>&isWindows=<true|false> */
int	ecs_console_url(const char *page, const char *vnc_url,
	    const struct vg_instance *, char **url, char *err, size_t errlen);

/* The endpoint for inst: api.endpoint, or https://ecs.<region>.aliyuncs.com */
int	ecs_endpoint(const struct vg_conf *, const struct vg_instance *,
	    char *out, size_t outlen);

#endif
