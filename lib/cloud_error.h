/* SPDX-License-Identifier: ISC */
/*
 * How a failed cloud step is reported (DESIGN 2.3): a vg_cloud_err holds
 * the code for the audit record, the details for syslog and one sentence
 * for the operator.  The cloud's codes and their sentences are one table
 * here, for every caller (ECS, STS, the metadata service), as are the
 * codes of transport failures and which failures are worth a retry.
 */
#ifndef VG_CLOUD_ERROR_H
#define VG_CLOUD_ERROR_H

#include <stddef.h>

#include "http.h"
#include "inventory.h"

/*
 * Marks the operator's sentences for xgettext (po/vncgate.pot).  lib/
 * never translates: the shell does, at print time, from msgfmt.
 */
#ifndef N_
#define N_(s)	s
#endif

struct vg_cloud_err {
	char	code[96];	/* the cloud's Code, or one of ours:
				   NetworkError, Timeout, TLSError,
				   ResponseTooLarge, BadResponse,
				   BadVncUrl, CredentialsUnavailable */
	char	request_id[96];	/* "" when none */
	char	detail[384];	/* for syslog: status, Code, Message */
	char	message[256];	/* for the operator: one sentence */
	const char *msgfmt;	/* message before the instance name went
				   in: a static N_() sentence, its "%s"
				   (if any) the name, which the shell
				   translates; NULL: not from a table */
	long	http_status;	/* 0 when no response */
	int	attempts;	/* requests sent, retries included */
};

void	cloud_err_clear(struct vg_cloud_err *);

/* code and "[what: ]detail" (what NULL: none); the sentence is untouched. */
void	cloud_err_detail(struct vg_cloud_err *, const char *code,
	    const char *what, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * code, the operator's sentence msg (a static N_() sentence without
 * "%s"; "": none) and the detail for syslog.
 */
void	cloud_err_fail(struct vg_cloud_err *, const char *code,
	    const char *msg, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * NetworkError, Timeout, TLSError, ResponseTooLarge or Cancelled; other
 * for the failures that are ours (policy, internal).
 */
const char *cloud_transport_code(enum http_result, const char *other);

/* Fill err->message for code (the table), naming the instance. */
void	cloud_explain(const char *code, const struct vg_instance *,
	    struct vg_cloud_err *);

/* Retry this failure? (network, timeout, Throttling*, 5xx) */
int	cloud_retryable(const struct vg_cloud_err *);

#endif
