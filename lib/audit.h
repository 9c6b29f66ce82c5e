/* SPDX-License-Identifier: ISC */
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
/*
 * The record's syslog severity (DESIGN 1.7): LOG_ALERT for an issue or
 * deny with a non-empty breakglass, LOG_NOTICE for deny, rate_limited,
 * config_error and any result other than ok, LOG_INFO otherwise.
 */
int	audit_severity(const struct audit_rec *);

/* Append one value, quoted and escaped when it needs to be. */
int	audit_escape(struct vg_buf *, const char *value);
/* "event=E user=... key=value ..." with the who keys after event. */
int	audit_format_kv(const struct audit_rec *, const struct audit_who *,
	    struct vg_buf *);

#define AUDIT_HASHHEX	64	/* SHA-256 in lower-case hex */
#define AUDIT_CHAINHEX	16	/* the prefix the syslog line carries */

/*
 * A torn tail that an append cut (a writer killed in the middle of its
 * write, DESIGN 1.7), and the audit_repair record written in its place:
 * that record's seq and hash, and what it says (cut_bytes, cut_sha256:
 * the first 16 hex digits of the SHA-256 of the bytes cut).
 */
struct audit_repair {
	unsigned long long	seq;
	char			hash[AUDIT_HASHHEX + 1];
	unsigned long long	cut_bytes;
	char			cut_sha256[AUDIT_CHAINHEX + 1];
};
/* the file's own tail, and that of the file it continues (rotation) */
#define AUDIT_MAXREPAIR	2

/*
 * Where a record landed in the chained file: its seq and hash; and the
 * repairs the append made before it, each a record of its own that the
 * other sinks get too (audit_emit), in the order written.
 */
struct audit_chain {
	unsigned long long	seq;
	char			hash[AUDIT_HASHHEX + 1];
	struct audit_repair	repair[AUDIT_MAXREPAIR];
	size_t			nrepair;
};

/*
 * A sink takes the formatted line; 0 when the record is stored.  A
 * chained sink (the audit file) sets append instead of emit: it gets the
 * record and the who keys, and says where the record landed, because
 * every other sink's line carries that seq and chain.  A log has at most
 * one chained sink.
 */
struct audit_sink {
	const char	*name;
	int		(*emit)(void *ctx, const struct audit_rec *,
			    const char *line, char *err, size_t errlen);
	void		*ctx;
	int		(*append)(void *ctx, const struct audit_rec *,
			    const struct audit_who *, struct audit_chain *,
			    char *err, size_t errlen);
};

#define AUDIT_MAXSINKS	3

struct audit_log {
	struct audit_who	who;
	struct audit_sink	sinks[AUDIT_MAXSINKS];
	size_t			nsinks;
};

/*
 * The who keys in line order (user uid rhost rport tty pid) and their
 * values for rec: the record's own value where it sets the key, else
 * who's.  num holds the numbers' text.  Both sinks write these.
 */
#define AUDIT_NWHO	6
struct audit_who_values {
	const char	*key[AUDIT_NWHO];
	const char	*value[AUDIT_NWHO];
	char		 num[2][24];
};
void	audit_who_values(const struct audit_rec *, const struct audit_who *,
	    struct audit_who_values *);
/* One of those keys? */
int	audit_is_who_key(const char *key);

void	audit_log_init(struct audit_log *);
int	audit_log_add_sink(struct audit_log *, const struct audit_sink *);
/*
 * Write rec to every sink.  Returns 0 only when every sink took it; err
 * names the first sink that failed.  All sinks are tried regardless.
 *
 * The chained sink goes first, so the line every other sink (syslog)
 * gets can say where the record landed in the file.  That line is:
 *   - with an audit file that took the record:
 *       event=E seq=N chain=HHHHHHHHHHHHHHHH user=... (the who keys) ...
 *     chain being the first 16 hex digits of the record's file hash, so
 *     the remote copy of syslog authenticates the local file (and
 *     vncgate-audit verify --against checks one against the other);
 *   - with an audit file that did not take it: no seq and no chain, but
 *       event=E file_error="why the file failed" user=... ;
 *   - with no audit file at all (audit.file = "", syslog only): no seq,
 *     no chain, no file_error: event=E user=... .
 * seq and chain come right after event, so the cap on the line length
 * (which drops whole pairs from the end) can never drop them.
 */
int	audit_emit(struct audit_log *, const struct audit_rec *,
	    char *err, size_t errlen);

/*
 * The syslog sink: its own datagram socket connected to path (/dev/log),
 * so a record that syslog did not take is known (glibc's syslog(3) drops
 * them silently).  RFC 3164 framing, ident "vncgate".  Each datagram
 * carries SCM_CREDENTIALS with our pid and effective uid and gid, so the
 * syslog daemon can tell the setgid shell and root from a sender that
 * only claims the ident.
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

/*
 * The chained audit file (audit_file.c, audit_tail.c, audit_line.c).
 * One JSON object per line:
 *
 *   {"seq":N,"ts":"2024-05-01T08:00:00.123Z","host":"bastion",
 *    "event":"issue","user":...,"uid":...,"rhost":...,"rport":...,
 *    "tty":...,"pid":...,<the record's own keys, in the order set>,
 *    "prev":"<64 hex>","hash":"<64 hex>"}
 *
 * seq is a JSON integer, one more for each record; every other value is
 * a string (uid and pid too, as in syslog).  ts is UTC with
 * milliseconds.  Bytes that are not UTF-8 become U+FFFD.  The writer
 * serialises with jansson, JSON_COMPACT | JSON_PRESERVE_ORDER |
 * JSON_ENSURE_ASCII, so a line is printable ASCII with no spaces between
 * tokens, and appends the hash member last.
 *
 * The chain: prev is the hash of the record before, and
 *     hash = SHA-256(prev || S)
 * where prev is its 64 lower-case hex characters and S is the line's
 * exact bytes without its trailing newline and without the final member
 * ,"hash":"<64 hex>" (so S ends in ..."prev":"<64 hex>"}).  A verifier
 * hashes the bytes as written: nothing is re-serialised, so no JSON
 * library's output rules become part of the format.  The first record
 * of a chain has seq 1 and prev 64 zeros; the first record of a file
 * that logrotate started continues the chain of the file before it,
 * PATH.1 (DESIGN 1.13): seq K + 1 and prev the hash of its record K.
 *
 * One lock orders the chain: flock on the file's folder, which
 * logrotate's rename of the file leaves where it is (a lock on the file
 * would let a writer still holding the renamed file and one on the new
 * file both chain on from the same record).  Under it a writer opens the
 * file by its path (O_NOFOLLOW), reads the last record from the tail,
 * cuts a torn tail and records the repair (audit_repair), writes its
 * line with O_APPEND in one write and fsyncs; a file left empty by a
 * rotation continues PATH.1.  Every wait has a deadline
 * (audit.lock_timeout): a writer that a user stopped while it held the
 * lock delays the others that long, then their records fail, unless
 * the writer's at_deadline breaks the lock (pam_vncgate, as root, kills
 * a stopped shell that holds it: DESIGN 1.9).
 */
#define AUDIT_FILE_LINEMAX	65536	/* a record can never be longer */
#define AUDIT_FILE_MODE		0660	/* root:vncgate, shell and PAM write */
#define AUDIT_LOCK_TIMEOUT_MS	5000L	/* audit.lock_timeout's default */
#define AUDIT_PREV_SUFFIX	".1"	/* the rotated file a new one goes on */

struct audit_file_opts {
	long	lock_timeout_ms;	/* 0: AUDIT_LOCK_TIMEOUT_MS */
	/*
	 * The file is made at install (the privileged shell, pam_vncgate):
	 * never created here, refused unless a regular file owned by root
	 * in a folder owned by root and closed to others (anyone who can
	 * open the folder can hold its lock); a file that is missing (a
	 * rotation under way) is waited for until the deadline.
	 */
	int	installed;
	/*
	 * Called when a wait for the lock ran out, with the folder's fd
	 * (whose lock it is): 1 when the caller broke the lock, for one
	 * more wait of lock_timeout_ms; 0 to give up.  NULL: give up.
	 */
	int	(*at_deadline)(void *ctx, int lockfd);
	void	*ctx;
};

struct audit_file {
	int	dirfd;		/* the folder: its lock orders the chain */
	char	path[1024];
	char	name[256];	/* in the folder */
	char	host[256];
	char	err[VG_ERRLEN];	/* why the file could not be opened */
	long	lock_ms;
	int	installed;
	int	stuck;		/* a wait ran out: later ones try once */
	int	(*at_deadline)(void *ctx, int lockfd);	/* opts' */
	void	*ctx;
};

/*
 * Set af up for path (opts NULL: the defaults, a file that may be made
 * here, mode 0660) and try it once: a symbolic link, a folder or
 * anything but a regular file is refused.  On failure the struct still
 * works as a sink that fails every record with the same sentence (and
 * tries the path again each time), so a file that cannot be opened is a
 * failed sink, never a missing one.
 */
int	audit_file_open(struct audit_file *, const char *path,
	    const struct audit_file_opts *, char *err, size_t errlen);
void	audit_file_close(struct audit_file *);
/* A chained sink (append) that writes to af. */
void	audit_file_sink(struct audit_file *af, struct audit_sink *);
/* Append one record; on success *chain is where it landed. */
int	audit_file_append(struct audit_file *, const struct audit_rec *,
	    const struct audit_who *, struct audit_chain *,
	    char *err, size_t errlen);

/*
 * The folder of the audit file path, locked with op (LOCK_SH to read the
 * file whole, as vncgate-audit does) by timeout_ms: its fd, which the
 * caller closes to let go; -1 and a sentence when it cannot be opened or
 * stays locked.
 */
int	audit_file_lock_dir(const char *path, int op, long timeout_ms,
	    char *err, size_t errlen);

/* One line of the file, checked on its own (vncgate-audit verify). */
struct audit_line {
	unsigned long long	seq;
	char			event[24];	/* "" when not a string */
	char			prev[AUDIT_HASHHEX + 1];
	char			hash[AUDIT_HASHHEX + 1];	/* as written */
	int			hash_ok;	/* hash = SHA-256(prev || S) */
};

/*
 * Parse line (len bytes, no newline): a JSON object with no duplicate
 * keys, a positive integer seq, 64-hex prev, and hash as its last member.
 * Returns 0 when the line has that shape (then hash_ok says whether the
 * hash is right), -1 with a sentence in err when it has not.
 */
int	audit_file_parse(const char *line, size_t len, struct audit_line *,
	    char *err, size_t errlen);

#endif
