/* SPDX-License-Identifier: ISC */
/*
 * The session record (DESIGN 1.2, 1.9): where a privileged shell learns
 * the source address of its session.  pam_vncgate writes it as root at
 * session open, as <state_dir>/sessions/<session ID>, and removes it at
 * close; the shell reads the one its VNCGATE_SESSION names.
 *
 * The threat it answers: SSH_CONNECTION is an environment variable, and
 * any local user can run the setgid shell with any value in it, passing
 * every `from` rule.  Only root can write in the sessions folder (root,
 * group vncgate, 0750), and each record names the uid it is for, so a
 * user can neither forge a record nor present another user's.
 *
 * The folder and its records: owned by root (the owner given; the tests
 * run unprivileged), a folder not writable by group or others, records
 * regular files of mode 0640 in the folder's group (the shell reads them
 * through its group vncgate), one link, at most SESSREC_MAX bytes,
 * never reached through a symlink.  A record is written whole under a
 * temporary name and renamed into place, so no reader sees half of one.
 */
#ifndef VG_SESSREC_H
#define VG_SESSREC_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#define SESSREC_DIR	"sessions"
#define SESSREC_MAX	512		/* bytes of one record */
#define SESSREC_MAX_AGE	86400		/* seconds: older ones are swept */
#define SESSREC_SID_LEN	32		/* hex digits of a session ID */

struct sessrec {
	uid_t		 uid;		/* whose session */
	char		 rhost[46];	/* numeric address; "" unknown */
	char		 rport[6];	/* "" unknown */
	char		 tty[64];	/* PAM_TTY; "" none */
	long long	 start;		/* seconds since the epoch */
};

/*
 * A record for uid, from what sshd told PAM: a field that is not what
 * it should be (a host name in rhost, a port that is no number) is left
 * empty rather than written, so every record written parses.
 */
void	sessrec_init(struct sessrec *, uid_t uid, const char *rhost,
	    const char *rport, const char *tty, time_t start);

/*
 * The record as text: fixed keys in a fixed order, one "key=value" a
 * line, nothing else (sessrec_parse reads exactly that).  -1 when it
 * does not fit or a field is bad.
 */
int	sessrec_format(const struct sessrec *, char *buf, size_t len);
int	sessrec_parse(const char *buf, size_t len, struct sessrec *);

/* 1 when sid is a session ID: SESSREC_SID_LEN lower-case hex digits. */
int	sessrec_sid_ok(const char *sid);

/*
 * pam_vncgate's side, as root: write the record of session sid (an old
 * one of the same name is replaced), remove it, and remove the records
 * (and temporary files) older than SESSREC_MAX_AGE at now.  owner is
 * the folder's expected owner (0).  -1 with a sentence in err.
 */
int	sessrec_write(const char *state_dir, uid_t owner, const char *sid,
	    const struct sessrec *, char *err, size_t errlen);
int	sessrec_remove(const char *state_dir, uid_t owner, const char *sid,
	    char *err, size_t errlen);
int	sessrec_sweep(const char *state_dir, uid_t owner, time_t now,
	    char *err, size_t errlen);

/* -t: the sessions folder is there and owner's alone to write in. */
int	sessrec_dir_ok(const char *state_dir, uid_t owner, char *err,
	    size_t errlen);

/*
 * The shell's side: the record of session sid, owned by owner as its
 * folder is, for the user uid.  -1 with a sentence in err when there is
 * none, or it is not exactly what pam_vncgate writes, or it names
 * another uid: the address is then unknown.
 */
int	sessrec_read(const char *state_dir, uid_t owner, const char *sid,
	    uid_t uid, struct sessrec *, char *err, size_t errlen);

#endif
