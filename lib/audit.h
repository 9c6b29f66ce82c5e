/*
 * Audit records (DESIGN 1.7): one builder for every binary, and sinks
 * behind a function pointer so tests can replace them.  A record is an
 * event and key=value pairs; the syslog line puts event first and quotes
 * and escapes any value that could break the line or the parse.
 */
#ifndef VG_AUDIT_H
#define VG_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

#define AUDIT_MAXKV	24
#define AUDIT_KEYMAX	16
#define AUDIT_VALMAX	256	/* longer values are cut, marked with "..." */
#define AUDIT_LINEMAX	4096

struct audit_kv {
	char	 key[AUDIT_KEYMAX];
	char	*value;
};

struct audit_rec {
	char		event[24];
	struct audit_kv	kv[AUDIT_MAXKV];
	size_t		n;
};

/* Who and where: set once, added to every record. */
struct audit_who {
	char	user[64];
	uid_t	uid;
	char	rhost[64];
	char	rport[8];
	char	tty[64];
	pid_t	pid;
};

void	audit_rec_init(struct audit_rec *, const char *event);
/* Set key (replacing an earlier value); the value is copied and capped. */
int	audit_set(struct audit_rec *, const char *key, const char *value);
int	audit_setf(struct audit_rec *, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	audit_rec_free(struct audit_rec *);
/* The value of key, or NULL. */
const char *audit_get(const struct audit_rec *, const char *key);

/* Append one value, quoted and escaped when it needs to be. */
int	audit_escape(struct vg_buf *, const char *value);
/* "event=E user=... key=value ..." with the who keys after event. */
int	audit_format_kv(const struct audit_rec *, const struct audit_who *,
	    struct vg_buf *);

/* A sink takes the formatted line; 0 when the record is stored. */
struct audit_sink {
	const char	*name;
	int		(*emit)(void *ctx, const struct audit_rec *,
			    const char *line, char *err, size_t errlen);
	void		*ctx;
};

#define AUDIT_MAXSINKS	3

struct audit_log {
	struct audit_who	who;
	struct audit_sink	sinks[AUDIT_MAXSINKS];
	size_t			nsinks;
};

void	audit_log_init(struct audit_log *);
int	audit_log_add_sink(struct audit_log *, const struct audit_sink *);
/*
 * Write rec to every sink.  Returns 0 only when every sink took it; err
 * names the first sink that failed.  All sinks are tried regardless.
 */
int	audit_emit(struct audit_log *, const struct audit_rec *,
	    char *err, size_t errlen);

/*
 * The syslog sink: its own datagram socket connected to path (/dev/log),
 * so a record that syslog did not take is known (glibc's syslog(3) drops
 * them silently).  RFC 3164 framing, ident "vncgate".
 */
struct audit_syslog {
	int	fd;
	int	facility;
	char	path[108];
};

int	audit_syslog_open(struct audit_syslog *, const char *path,
	    int facility, char *err, size_t errlen);
void	audit_syslog_close(struct audit_syslog *);
/* A sink that sends to an opened audit_syslog (ctx). */
void	audit_syslog_sink(struct audit_syslog *, struct audit_sink *);

/* Lower-case hex SHA-256 of s, first n hex digits (url_sha256 uses 16). */
void	audit_sha256_prefix(const char *s, size_t n, char *out);

#endif
