/*
 * What a failed cloud step (credentials or the API call) reports: the code
 * for the audit record, details for syslog, one sentence for the operator.
 */
#ifndef VG_CLOUD_H
#define VG_CLOUD_H

struct vg_cloud_err {
	char	code[96];	/* the cloud's Code, or one of ours:
				   NetworkError, Timeout, TLSError,
				   ResponseTooLarge, BadResponse,
				   BadVncUrl, CredentialsUnavailable */
	char	request_id[96];	/* "" when none */
	char	detail[384];	/* for syslog: status, Code, Message */
	char	message[256];	/* for the operator: one sentence */
	long	http_status;	/* 0 when no response */
	int	attempts;	/* requests sent, retries included */
};

void	cloud_err_clear(struct vg_cloud_err *);

#endif
