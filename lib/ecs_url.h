/* SPDX-License-Identifier: ISC */
/*
 * What a VncUrl may be and where it may lead (DESIGN 1.8): the checks
 * ecs.c applies to every answer, apart so the tests and fuzzers reach
 * them alone.
 */
#ifndef VG_ECS_URL_H
#define VG_ECS_URL_H

#include <stddef.h>

/* Only [A-Za-z0-9%._~-]: anything else could break out of the URL. */
#define ECS_VNC_URL_MAX	2048
int	ecs_vnc_url_ok(const char *);

/*
 * ecs_vnc_url_allowed is 0 when vnc_url passes ecs_vnc_url_ok and,
 * percent-decoded once, is a ws:// or wss:// URL whose host is under one
 * of hosts (api.vnc_hosts, ecs_vnc_host_under); else -1 and the reason
 * in why, which names the host but never the token.  Its steps:
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

#endif
