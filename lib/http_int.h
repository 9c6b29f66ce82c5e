/* SPDX-License-Identifier: ISC */
/*
 * What the two halves of the libcurl wrapper share; not part of http.h.
 * http_client.c holds the client and one request from start to result;
 * http_options.c every option a transfer gets, as a table, and the
 * callbacks the transfer writes through.  Both include curl.h, the only
 * files that do.
 */
#ifndef VG_HTTP_INT_H
#define VG_HTTP_INT_H

#include <curl/curl.h>

#include <signal.h>

#include "http.h"
#include "util.h"

struct http_client {
	CURL	*h;
	char	*cainfo;	/* NULL with a ca_pem */
	char	*capath;	/* NULL with a ca_pem: trust only that */
	struct curl_blob ca_blob;	/* a copy of ca_pem, or data NULL */
	const struct curl_blob *ca_blobp; /* &ca_blob, or NULL: none */
	long	 connect_ms;
	long	 timeout_ms;
	int	 privileged;
	const volatile sig_atomic_t *cancel;
	char	 errbuf[CURL_ERROR_SIZE];
};

/* What the callbacks of one transfer write into. */
struct xfer {
	struct vg_buf		 body;
	int			 too_big;
	int			 oom;
	struct http_response	*resp;
};

/*
 * Every option of one transfer, on a handle just reset: req (body: it
 * posts a body), its header list hdrs, the callbacks writing into x.
 * -1 when libcurl refused one.
 */
int	http_options_set(struct http_client *,
	    const struct http_request *req, int body, struct curl_slist *hdrs,
	    struct xfer *x);

#endif
