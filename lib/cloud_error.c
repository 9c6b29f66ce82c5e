/* SPDX-License-Identifier: ISC */
/*
 * How a failed cloud step is reported: see cloud_error.h.  The table of
 * the cloud's codes serves every caller: ecs.c for DescribeInstanceVncUrl,
 * and creds_sts.c for the codes STS shares with ECS (signatures, keys,
 * throttling, transport).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cloud_error.h"
#include "util.h"

/* How a transport failure is reported. */
static const struct {
	enum http_result	 r;
	const char		*code;
} transport[] = {
	{ HTTP_ERR_NETWORK,	"NetworkError" },
	{ HTTP_ERR_TIMEOUT,	"Timeout" },
	{ HTTP_ERR_TLS,		"TLSError" },
	{ HTTP_ERR_TOO_BIG,	"ResponseTooLarge" },
	{ HTTP_ERR_CANCELLED,	"Cancelled" },
};

/* Error table flags. */
#define E_RETRY		0x1	/* worth another attempt */
#define E_PREFIX	0x2	/* code matches as a prefix (Throttling.User) */

/*
 * One sentence for the operator per cloud or local code; %s is the
 * instance name.  First match wins; the last row is the default.  N_():
 * the shell shows them translated (vg_cloud_err.msgfmt).
 */
static const struct cloud_code {
	const char	*code;
	int		 flags;
	const char	*fmt;
} errtab[] = {
	{ "IncorrectInstanceStatus", 0,
	    N_("%s is not running: the console needs a running instance") },
	{ "InstanceNotReady", 0,
	    N_("%s is still being created: try again in a minute") },
	{ "InvalidInstanceId.NotFound", 0,
	    N_("the cloud does not know the instance ID of %s: the "
	    "inventory may be stale; tell your admin") },
	{ "InvalidRegionId.NotFound", 0,
	    N_("the cloud does not know the region of %s: the inventory "
	    "may be wrong; tell your admin") },
	{ "Throttling", E_RETRY | E_PREFIX,
	    N_("the cloud is throttling requests: try %s again in a minute") },
	{ "SignatureDoesNotMatch", 0,
	    N_("cannot open %s: the bastion's credentials are wrong; tell "
	    "your admin") },
	{ "InvalidAccessKeyId.NotFound", 0,
	    N_("cannot open %s: the cloud does not know the bastion's "
	    "access key; tell your admin") },
	{ "InvalidSecurityToken.", E_PREFIX,
	    N_("cannot open %s: the bastion's role credentials are expired "
	    "or invalid; tell your admin") },
	{ "Forbidden", E_PREFIX,
	    N_("the bastion's role may not open the console of %s; tell "
	    "your admin") },
	{ "NoPermission", 0,
	    N_("the bastion's role may not open the console of %s; tell "
	    "your admin") },
	{ "InvalidTimeStamp.", E_PREFIX,
	    N_("cannot open %s: the bastion's clock is wrong; tell your "
	    "admin") },
	{ "SignatureNonceUsed", E_RETRY,
	    N_("the cloud saw a repeated request for %s: try again") },
	{ "ServiceUnavailable", E_RETRY,
	    N_("the cloud API is unavailable: try %s again in a minute") },
	{ "InternalError", E_RETRY,
	    N_("the cloud API failed: try %s again in a minute") },
	{ "HTTP5", E_RETRY | E_PREFIX,
	    N_("the cloud API failed: try %s again in a minute") },
	{ "NetworkError", E_RETRY,
	    N_("cannot reach the cloud API to open %s: check the network "
	    "or tell your admin") },
	{ "Timeout", E_RETRY,
	    N_("the cloud API did not answer in time for %s: try again in "
	    "a minute") },
	{ "TLSError", 0,
	    N_("cannot verify the cloud API's certificate, so %s was not "
	    "opened; tell your admin") },
	{ "Cancelled", 0,
	    N_("the request for %s was cancelled") },
	{ "ResponseTooLarge", 0,
	    N_("the cloud API sent an oversized answer for %s; tell your "
	    "admin") },
	{ "BadResponse", 0,
	    N_("the cloud API sent an unreadable answer for %s; tell your "
	    "admin") },
	{ "BadVncUrl", 0,
	    N_("the cloud API sent a console address for %s that vncgate "
	    "refuses; tell your admin") },
	{ "CredentialsUnavailable", 0,
	    N_("the bastion has no cloud credentials to open %s; tell your "
	    "admin") },
	{ "ClientError", 0,
	    N_("vncgate could not send the request for %s; tell your admin") },
	{ NULL, 0,
	    N_("the cloud refused to open the console of %s; tell your "
	    "admin") },
};

void
cloud_err_clear(struct vg_cloud_err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}

const char *
cloud_transport_code(enum http_result r, const char *other)
{
	size_t i;

	for (i = 0; i < sizeof(transport) / sizeof(transport[0]); i++)
		if (transport[i].r == r)
			return transport[i].code;
	return other;
}

static void __attribute__((format(printf, 4, 0)))
vdetail(struct vg_cloud_err *err, const char *code, const char *what,
    const char *fmt, va_list ap)
{
	size_t n = 0;

	vg_strlcpy(err->code, code, sizeof(err->code));
	err->detail[0] = '\0';
	if (what != NULL)
		n = (size_t)snprintf(err->detail, sizeof(err->detail), "%s: ",
		    what);
	if (n < sizeof(err->detail))
		vsnprintf(err->detail + n, sizeof(err->detail) - n, fmt, ap);
}

void
cloud_err_detail(struct vg_cloud_err *err, const char *code,
    const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdetail(err, code, what, fmt, ap);
	va_end(ap);
}

void
cloud_err_fail(struct vg_cloud_err *err, const char *code, const char *msg,
    const char *fmt, ...)
{
	va_list ap;

	vg_strlcpy(err->message, msg, sizeof(err->message));
	err->msgfmt = msg[0] != '\0' ? msg : NULL;
	va_start(ap, fmt);
	vdetail(err, code, NULL, fmt, ap);
	va_end(ap);
}

/* The table ------------------------------------------------------------ */

static const struct cloud_code *
lookup(const char *code)
{
	const struct cloud_code *e;

	for (e = errtab; e->code != NULL; e++) {
		if (e->flags & E_PREFIX) {
			if (strncmp(code, e->code, strlen(e->code)) == 0)
				return e;
		} else if (strcmp(code, e->code) == 0)
			return e;
	}
	return e;
}

void
cloud_explain(const char *code, const struct vg_instance *inst,
    struct vg_cloud_err *err)
{
	const char *name = "the instance";

	if (code == NULL)
		code = "";
	if (inst != NULL && inst->name[0] != '\0')
		name = inst->name;
	if (code != err->code)
		vg_strlcpy(err->code, code, sizeof(err->code));
	err->msgfmt = lookup(code)->fmt;
	snprintf(err->message, sizeof(err->message), err->msgfmt, name);
}

int
cloud_retryable(const struct vg_cloud_err *err)
{
	if (err->http_status >= 500 && err->http_status <= 599)
		return 1;
	if (err->code[0] == '\0')
		return 0;
	return (lookup(err->code)->flags & E_RETRY) != 0;
}
