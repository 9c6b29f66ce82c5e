/* SPDX-License-Identifier: ISC */
/*
 * What the two cloud callers share: ecs.c (DescribeInstanceVncUrl) and
 * creds_sts.c (STS AssumeRole).  The signed RPC request, the reading of
 * an error answer and the safe loading of JSON that may hold secrets are
 * here once (doc/wire.md a, b, d); how a failed step is reported (struct
 * vg_cloud_err) is cloud_error.h's.
 */
#ifndef VG_CLOUD_H
#define VG_CLOUD_H

#include <jansson.h>
#include <stddef.h>

#include "cloud_error.h"
#include "conf.h"
#include "http.h"
#include "sign.h"

/* Signed RPC requests -------------------------------------------------- */

#define CLOUD_PARAMS_MAX	48	/* API parameters per request:
				   DescribeInstances sends 20 Tag.N pairs */

/* Where the parameters travel; the signature covers them either way. */
enum cloud_place {
	/*
	 * V3: the API parameters in the query, no body.  V1: the whole
	 * signed set as the form body, so SecurityToken and Signature stay
	 * out of the URL.  (ECS, as its SDK sends it.)
	 */
	CLOUD_PARAMS_QUERY,
	/*
	 * The API parameters as a form body under both versions; V1 puts
	 * the common parameters and the Signature in the query.  (STS, as
	 * @alicloud/credentials sends AssumeRole, whose Policy is long.)
	 */
	CLOUD_PARAMS_BODY,
};

struct cloud_rpc {
	const char		*endpoint;	/* http(s)://HOST[:PORT] */
	const char		*action;	/* "AssumeRole" */
	const char		*version;	/* "2015-04-01" */
	const struct sign_param	*params;	/* the API's own, at most
						   CLOUD_PARAMS_MAX */
	size_t			 nparams;
	enum vg_sigver		 sigver;
	const char		*key_id;
	const char		*secret;
	const char		*token;		/* SecurityToken; NULL: none */
	enum cloud_place	 place;
	long			 timeout_ms;	/* 0: the client's */
	const char		*what;		/* detail prefix, "STS
						   AssumeRole"; NULL: none */
	const char		*own_code;	/* the code when the fault is
						   ours: bad endpoint, memory */
};

/*
 * Sign (fresh nonce and timestamp) and send one POST.  0: an answer
 * arrived, of any status, in resp (free with http_response_free).  -1:
 * none did; err gets the code (cloud_transport_code, or own_code) and the
 * detail, and the caller adds its own sentence.  err->attempts counts the
 * request whenever it may have left the host.
 */
int	cloud_rpc_call(struct http_client *, const struct cloud_rpc *,
	    struct http_response *, struct vg_cloud_err *);

/* Error answers -------------------------------------------------------- */

/*
 * Read a cloud error answer (a JSON object) into err: Code (nocode when
 * missing; NULL: "HTTP<status>"), RequestId, http_status, and the detail
 * "[what: ]HTTP <status>, Code <code>, Message <message>".  The cloud's
 * text is cut to its field and every byte outside printable ASCII becomes
 * '?', so nothing from the wire can forge a log line or a terminal
 * sequence.  err->message is left to the caller.
 */
void	cloud_parse_error(json_t *root, long status, const char *what,
	    const char *nocode, struct vg_cloud_err *err);

/* JSON ----------------------------------------------------------------- */

/*
 * text as a JSON object; NULL and err on failure.  Duplicate keys are
 * refused (a second VncUrl or AccessKeySecret could pass a checker that
 * saw the first), and err never quotes the text, which may hold a secret.
 */
json_t	*cloud_json_load(const char *text, size_t len, char *err,
	    size_t errlen);
/* A string member without an embedded NUL, or NULL. */
const char *cloud_json_str(json_t *, const char *key);
/*
 * jansson frees its copies of strings unwiped: wipe every string in the
 * tree (secrets or not, wherever they sit), then drop it.  NULL is fine.
 */
void	cloud_json_free_wiped(json_t *);
/*
 * jansson allocates through wipe.h from now on, so its lexer's copies of
 * an answer and its keys are wiped too when freed.  Process-wide: the
 * program calls it once, before any JSON is read.
 */
void	cloud_json_wipe(void);

/* URLs ----------------------------------------------------------------- */

/* The length of url without its trailing slashes. */
size_t	cloud_base_len(const char *url);
/* base without its trailing slashes, then fmt with rest; NULL: no memory */
char	*cloud_join_url(const char *base, const char *fmt, const char *rest);

#endif
