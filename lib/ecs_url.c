/* SPDX-License-Identifier: ISC */
/*
 * What a VncUrl may be and where it may send the operator's browser
 * (DESIGN 1.8): see ecs_url.h.  The console page decodes vncUrl once
 * and opens a WebSocket to it, carrying the operator's console session:
 * the characters alone keep it inside our URL, and the threat beyond
 * that is an answer that passes them and still points elsewhere: an
 * endpoint or a proxy that is not the cloud (api.endpoint is
 * configurable), or a cloud-side mistake, percent-encoding
 * "wss://evil.example/".  So the
 * check decodes once, as the page does, and accepts only ws:// or wss://
 * to a host name under api.vnc_hosts.  The decoded URL is a secret for
 * its 15 seconds like the VncUrl itself: it is wiped, and only its host
 * (no token) may reach a record.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ecs_url.h"
#include "util.h"

#define HOST_MAX	254	/* vg_valid_host_name's 253, and the NUL */
#define VNC_URL_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789%._~-"

int
ecs_vnc_url_ok(const char *s)
{
	return vg_charset_ok(s, VNC_URL_CHARS, ECS_VNC_URL_MAX);
}

/*
 * Once, as the page does: "%2F" becomes "/", "%252F" becomes "%2F" and
 * stays so.  A '%' without two hex digits, or a byte that decodes to a
 * space, a control byte or non-ASCII, refuses the whole URL.
 */
int
ecs_vnc_url_decode(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	int hi, lo;
	unsigned char c;

	for (; *in != '\0'; in++) {
		c = (unsigned char)*in;
		if (c == '%') {
			if ((hi = vg_hexval(in[1])) < 0 ||
			    (lo = vg_hexval(in[2])) < 0)
				goto bad;
			c = (unsigned char)(hi * 16 + lo);
			in += 2;
		}
		if (c <= 0x20 || c >= 0x7f || o + 1 >= outlen)
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
bad:
	vg_wipe(out, outlen);
	return -1;
}

/* ":PORT", 1 to 65535, after the host; -1 otherwise. */
static int
port_ok(const char *p)
{
	size_t n = strspn(p, "0123456789");
	long v = 0;
	size_t i;

	if (n == 0 || n > 5 || p[n] != '\0')
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v >= 1 && v <= 65535 ? 0 : -1;
}

/*
 * The authority runs to the first '/', '?' or '#', as a browser reads
 * it; anything in it but a host name and a port is refused: userinfo
 * ("@"), an IP literal ("[", or all digits), a backslash (which browsers
 * read as '/'), a '%' left by a double encoding, a trailing dot.
 */
int
ecs_vnc_url_host(const char *url, char *host, size_t hostlen)
{
	static const char *const schemes[] = { "wss://", "ws://" };
	const char *p = NULL;
	char *colon;
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
			p = url + strlen(schemes[i]);
	if (p == NULL || (n = strcspn(p, "/?#")) == 0 || n >= hostlen)
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	if ((colon = strchr(host, ':')) != NULL) {
		if (port_ok(colon + 1) == -1)
			return -1;
		*colon = '\0';
	}
	if (!vg_valid_host_name(host))
		return -1;
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	return 0;
}

/*
 * ".aliyun.com" is a domain: any host below it, never the name itself,
 * nor "evilaliyun.com" or "aliyun.com.evil".  A suffix without the
 * leading dot names one host exactly.  Case does not matter.
 */
int
ecs_vnc_host_under(const char *host, char *const *suffixes, size_t n)
{
	size_t hl = strlen(host), sl, i;

	for (i = 0; i < n; i++) {
		sl = strlen(suffixes[i]);
		if (suffixes[i][0] == '.' ? hl > sl &&
		    strcasecmp(host + hl - sl, suffixes[i]) == 0 :
		    strcasecmp(host, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

int
ecs_vnc_url_allowed(const char *vnc_url, char *const *hosts, size_t n,
    char *why, size_t whylen)
{
	char dec[ECS_VNC_URL_MAX + 1], host[HOST_MAX];
	int rc = -1;

	if (!ecs_vnc_url_ok(vnc_url))
		vg_seterr(why, whylen, "VncUrl is missing or holds a refused "
		    "character");
	else if (ecs_vnc_url_decode(vnc_url, dec, sizeof(dec)) == -1)
		vg_seterr(why, whylen, "VncUrl is not percent-encoded once, "
		    "or decodes to a space or a control byte");
	else if (ecs_vnc_url_host(dec, host, sizeof(host)) == -1)
		vg_seterr(why, whylen, "VncUrl does not decode to a ws:// or "
		    "wss:// URL with a host name");
	else if (!ecs_vnc_host_under(host, hosts, n))
		vg_seterr(why, whylen, "VncUrl leads to %s, which is under "
		    "no entry of api.vnc_hosts", host);
	else
		rc = 0;
	vg_wipe(dec, sizeof(dec));
	return rc;
}
