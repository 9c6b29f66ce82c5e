/* SPDX-License-Identifier: ISC */
/*
 * The one libcurl wrapper.  Certificate and host name checks are always on
 * and nothing turns them off.  Bodies are capped, redirects are not
 * followed, and a handle is reused so connections are kept within a
 * process.  Only http_client.c and http_options.c include curl.h.
 */
#ifndef VG_HTTP_H
#define VG_HTTP_H

#include <signal.h>
#include <stddef.h>

#define HTTP_BODY_MAX	(1024 * 1024)

enum http_result {
	HTTP_OK = 0,		/* a response arrived (any status) */
	HTTP_ERR_NETWORK,	/* connect, reset, DNS ... */
	HTTP_ERR_TIMEOUT,
	HTTP_ERR_TLS,		/* certificate, host name, handshake */
	HTTP_ERR_TOO_BIG,	/* body over HTTP_BODY_MAX */
	HTTP_ERR_POLICY,	/* e.g. http:// where https is required */
	HTTP_ERR_CANCELLED,	/* *cancel was set (the operator's Ctrl-C) */
	HTTP_ERR_INTERNAL,
};

struct http_opts {
	/*
	 * The trust anchors as PEM text, ca_len bytes: api.ca_file as
	 * conf_load read and checked it (secfile), so the file checked is
	 * the one trusted.  NULL: libcurl's built-in system store.
	 */
	const char	*ca_pem;
	size_t		 ca_len;
	long		 connect_timeout_ms;
	long		 timeout_ms;	 /* whole request */
	int		 privileged;	 /* ignore proxies and CA paths
					    from the environment */
	/*
	 * NULL, or a flag a signal handler sets: a request in flight is
	 * then abandoned (libcurl polls it about once a second or sooner).
	 */
	const volatile sig_atomic_t *cancel;
};

struct http_header {
	const char *name;
	const char *value;
};

struct http_request {
	const char		 *method;	/* GET, PUT, POST */
	const char		 *url;
	const struct http_header *headers;
	size_t			  nheaders;
	const char		 *body;		/* NULL: none */
	size_t			  bodylen;
	int			  require_https;
	int			  no_proxy;	/* the metadata service */
	long			  timeout_ms;	/* 0: the client's */
};

struct http_response {
	long	 status;
	char	*body;			/* NUL-terminated; free with
					   http_response_free (wiped) */
	size_t	 len;
	char	 retry_after[32];	/* x-acs-retry-after, "" if none */
	char	 content_type[128];
};

struct http_client;

/*
 * libcurl allocates through wipe.h from now on: its copies of a signed
 * URL and of the headers (Authorization, the SecurityToken), its receive
 * buffer and its connection cache are wiped when freed.  Process-wide:
 * the program calls it once, before its first client.
 */
int	http_global_init(char *err, size_t errlen);

int	http_client_new(struct http_client **, const struct http_opts *,
	    char *err, size_t errlen);
void	http_client_free(struct http_client *);

enum http_result http_do(struct http_client *, const struct http_request *,
	    struct http_response *, char *err, size_t errlen);
void	http_response_free(struct http_response *);

/* The "host[:port]" of an https:// or http:// URL, for the V3 host header. */
int	http_url_host(const char *url, char *out, size_t outlen);

#endif
