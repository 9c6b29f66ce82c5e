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

/* Only [A-Za-z0-9%._~-]: anything else could break out of the URL. */
#define ECS_VNC_URL_MAX	2048
int	ecs_vnc_url_ok(const char *);

/*
 * ecs_url.c: where the VncUrl leads (DESIGN 1.8).  ecs_vnc_url_allowed
 * is 0 when vnc_url passes ecs_vnc_url_ok and, percent-decoded once, is
 * a ws:// or wss:// URL whose host is under one of hosts (api.vnc_hosts,
 * ecs_vnc_host_under); else -1 and the reason in why, which names the
 * host but never the token.  It is what ecs_describe_vnc_url applies to
 * every answer.  Its steps, for the tests:
 *   ecs_vnc_url_decode: once; -1 for a bad escape, or a byte that
 *     decodes to a space, a control byte or non-ASCII, or no room;
 *   ecs_vnc_url_host: the host of a ws:// or wss:// URL (the scheme in
 *     any case; a port is allowed and dropped), lower-case; -1 when
 *     there is none or it is not a host name (vg_valid_host_name);
 *   ecs_vnc_host_under: 1 when host is below a suffix with a leading
 *     dot (".aliyun.com": a host under that domain, not the domain
 *     itself) or equal to one without (a single host), in any case.
 */
int	ecs_vnc_url_allowed(const char *vnc_url, char *const *hosts, size_t n,
	    char *why, size_t whylen);
int	ecs_vnc_url_decode(const char *in, char *out, size_t outlen);
int	ecs_vnc_url_host(const char *url, char *host, size_t hostlen);
int	ecs_vnc_host_under(const char *host, char *const *suffixes, size_t n);

/* <page>?vncUrl=<VncUrl>&instanceId=<ID>&isWindows=<true|false> */
int	ecs_console_url(const char *page, const char *vnc_url,
	    const struct vg_instance *, char **url, char *err, size_t errlen);

/* The endpoint for inst: api.endpoint, or https://ecs.<region>.aliyuncs.com */
int	ecs_endpoint(const struct vg_conf *, const struct vg_instance *,
	    char *out, size_t outlen);

#endif
