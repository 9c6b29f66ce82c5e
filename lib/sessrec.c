/* SPDX-License-Identifier: ISC */
/*
 * The session record: see sessrec.h.
 *
 * Every path is walked from an fd: the state folder and the sessions
 * folder are opened with O_NOFOLLOW and the folder's owner and mode are
 * checked on its fd, then the record is opened, created or removed
 * relative to that fd (openat, renameat, unlinkat), so no symlink and no
 * folder swapped in between decides where a record goes or comes from.
 * No lock is taken: a record is made under a temporary name of its own
 * and renamed into place (a session ID is 128 random bits), so nothing
 * here ever waits on another process.
 *
 * The text, one "key=value" a line in this order and nothing else:
 *   v=1, uid=N, rhost=ADDR, rport=N, tty=NAME, start=N
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sessrec.h"
#include "util.h"

#define TTY_SET		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789/._-"
#define SWEEP_MAX	100000	/* entries looked at per sweep: a bound */
#define VALUE_MAX	64	/* longest value of any key */

/* ------------------------------------------------------------------ */
/* the fields */

/* A decimal number without a leading zero, at most max; -1 if not. */
static int
number(const char *s, unsigned long long max, unsigned long long *v)
{
	size_t n = strspn(s, "0123456789"), i;

	*v = 0;
	if (n == 0 || n > 19 || s[n] != '\0' || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++)
		*v = *v * 10 + (unsigned long long)(s[i] - '0');
	return *v <= max ? 0 : -1;
}

static int
rhost_ok(const char *s)
{
	unsigned char a[16];

	return *s == '\0' || (strlen(s) < 46 &&
	    (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1));
}

static int
rport_ok(const char *s)
{
	unsigned long long v;

	return *s == '\0' || (number(s, 65535, &v) == 0 && v > 0);
}

static int
tty_ok(const char *s)
{
	return *s == '\0' || vg_charset_ok(s, TTY_SET, 63);
}

int
sessrec_sid_ok(const char *sid)
{
	return sid != NULL && strlen(sid) == SESSREC_SID_LEN &&
	    vg_charset_ok(sid, "0123456789abcdef", SESSREC_SID_LEN);
}

void
sessrec_init(struct sessrec *r, uid_t uid, const char *rhost,
    const char *rport, const char *tty, time_t start)
{
	memset(r, 0, sizeof(*r));
	r->uid = uid;
	if (rhost != NULL && rhost_ok(rhost))
		vg_strlcpy(r->rhost, rhost, sizeof(r->rhost));
	if (rport != NULL && rport_ok(rport))
		vg_strlcpy(r->rport, rport, sizeof(r->rport));
	if (tty != NULL && tty_ok(tty))
		vg_strlcpy(r->tty, tty, sizeof(r->tty));
	r->start = start > 0 ? (long long)start : 0;
}

int
sessrec_format(const struct sessrec *r, char *buf, size_t len)
{
	int n;

	/* (uid_t)-1 is "no uid" to chown and setuid: never a user's */
	if (r->uid == (uid_t)-1 || !rhost_ok(r->rhost) ||
	    !rport_ok(r->rport) || !tty_ok(r->tty) || r->start < 0)
		return -1;
	n = snprintf(buf, len, "v=1\nuid=%lu\nrhost=%s\nrport=%s\ntty=%s\n"
	    "start=%lld\n", (unsigned long)r->uid, r->rhost, r->rport, r->tty,
	    r->start);
	return n > 0 && (size_t)n < len && n <= SESSREC_MAX ? 0 : -1;
}

/* Each field's value into r; -1 when it is not what it must be. */
static int
take_v(const char *v, struct sessrec *r)
{
	(void)r;
	return strcmp(v, "1") == 0 ? 0 : -1;
}

static int
take_uid(const char *v, struct sessrec *r)
{
	unsigned long long n;

	if (number(v, (unsigned long long)(uid_t)-1 - 1, &n) == -1)
		return -1;
	r->uid = (uid_t)n;
	return 0;
}

static int
take_rhost(const char *v, struct sessrec *r)
{
	return rhost_ok(v) ? vg_strlcpy(r->rhost, v, sizeof(r->rhost)) : -1;
}

static int
take_rport(const char *v, struct sessrec *r)
{
	return rport_ok(v) ? vg_strlcpy(r->rport, v, sizeof(r->rport)) : -1;
}

static int
take_tty(const char *v, struct sessrec *r)
{
	return tty_ok(v) ? vg_strlcpy(r->tty, v, sizeof(r->tty)) : -1;
}

static int
take_start(const char *v, struct sessrec *r)
{
	unsigned long long n;

	if (number(v, (unsigned long long)1 << 62, &n) == -1)
		return -1;
	r->start = (long long)n;
	return 0;
}

/* The lines, in the order sessrec_format writes them. */
static const struct {
	const char	*key;
	int		(*take)(const char *, struct sessrec *);
} fields[] = {
	{ "v",		take_v },
	{ "uid",	take_uid },
	{ "rhost",	take_rhost },
	{ "rport",	take_rport },
	{ "tty",	take_tty },
	{ "start",	take_start },
};

/* Exactly the lines sessrec_format writes: its keys, in its order. */
int
sessrec_parse(const char *buf, size_t len, struct sessrec *r)
{
	const char *p = buf, *end = buf + len, *nl;
	char v[VALUE_MAX + 1];
	size_t i, kl, vl;

	memset(r, 0, sizeof(*r));
	if (len > SESSREC_MAX)
		return -1;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		kl = strlen(fields[i].key);
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (size_t)(nl - p) < kl + 1 ||
		    memcmp(p, fields[i].key, kl) != 0 || p[kl] != '=' ||
		    (vl = (size_t)(nl - p) - kl - 1) > VALUE_MAX)
			return -1;
		memcpy(v, p + kl + 1, vl);
		v[vl] = '\0';
		/* a NUL inside would cut the value short unseen */
		if (strlen(v) != vl || fields[i].take(v, r) == -1)
			return -1;
		p = nl + 1;
	}
	return p == end ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* the folder */

/*
 * <state_dir>/sessions, owned by owner and writable by nobody else, as
 * an fd (its group in *gid); -1 with a sentence.  The state folder is
 * group vncgate's (2770), so whoever holds that group could put another
 * folder in the place of sessions: only one of owner's passes.
 */
static int
dir_open(const char *state_dir, uid_t owner, gid_t *gid, char *err,
    size_t errlen)
{
	struct stat sb;
	int sfd, dfd, e;

	if (state_dir == NULL || (sfd = open(state_dir, O_PATH | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		vg_seterr(err, errlen, "%s cannot be opened: %s",
		    state_dir != NULL ? state_dir : "(no state folder)",
		    strerror(errno));
		return -1;
	}
	dfd = openat(sfd, SESSREC_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	e = errno;
	close(sfd);
	if (dfd == -1) {
		vg_seterr(err, errlen, "%s/%s cannot be opened: %s", state_dir,
		    SESSREC_DIR, strerror(e));
		return -1;
	}
	if (fstat(dfd, &sb) == -1 || sb.st_uid != owner ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		vg_seterr(err, errlen, "%s/%s must be a folder of uid %lu that "
		    "nobody else may write to", state_dir, SESSREC_DIR,
		    (unsigned long)owner);
		close(dfd);
		return -1;
	}
	if (gid != NULL)
		*gid = sb.st_gid;
	return dfd;
}

int
sessrec_dir_ok(const char *state_dir, uid_t owner, char *err, size_t errlen)
{
	int dfd;

	if ((dfd = dir_open(state_dir, owner, NULL, err, errlen)) == -1)
		return -1;
	close(dfd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* pam_vncgate's side */

/*
 * The text into a fresh file under the temporary name tmp, mode 0640 in
 * the folder's group (the shell reads through group vncgate), whole.
 */
static int
write_tmp(int dfd, const char *tmp, uid_t owner, gid_t gid,
    const char *text)
{
	int fd, rc = 0;

	/* a leftover of a writer that died: O_EXCL must not trip on it */
	(void)unlinkat(dfd, tmp, 0);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return -1;
	if (fchown(fd, owner, gid) == -1 || fchmod(fd, 0640) == -1 ||
	    vg_write_all(fd, text, strlen(text)) == -1)
		rc = -1;
	if (close(fd) == -1)
		rc = -1;
	return rc;
}

int
sessrec_write(const char *state_dir, uid_t owner, const char *sid,
    const struct sessrec *r, char *err, size_t errlen)
{
	char text[SESSREC_MAX + 1], tmp[SESSREC_SID_LEN + 8];
	gid_t gid;
	int dfd, e;

	if (!sessrec_sid_ok(sid) || sessrec_format(r, text, sizeof(text)) ==
	    -1) {
		vg_seterr(err, errlen, "the session record cannot be made");
		return -1;
	}
	if ((dfd = dir_open(state_dir, owner, &gid, err, errlen)) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), ".%s.tmp", sid);
	if (write_tmp(dfd, tmp, owner, gid, text) == -1 ||
	    renameat(dfd, tmp, dfd, sid) == -1) {
		e = errno;
		(void)unlinkat(dfd, tmp, 0);
		close(dfd);
		vg_seterr(err, errlen, "%s/%s/%s cannot be written: %s",
		    state_dir, SESSREC_DIR, sid, strerror(e));
		return -1;
	}
	close(dfd);
	return 0;
}

int
sessrec_remove(const char *state_dir, uid_t owner, const char *sid,
    char *err, size_t errlen)
{
	int dfd, rc = 0;

	if (!sessrec_sid_ok(sid)) {
		vg_seterr(err, errlen, "not a session ID");
		return -1;
	}
	if ((dfd = dir_open(state_dir, owner, NULL, err, errlen)) == -1)
		return -1;
	/* gone already (swept): what close wanted */
	if (unlinkat(dfd, sid, 0) == -1 && errno != ENOENT) {
		vg_seterr(err, errlen, "%s/%s/%s cannot be removed: %s",
		    state_dir, SESSREC_DIR, sid, strerror(errno));
		rc = -1;
	}
	close(dfd);
	return rc;
}

/* A record's name, or a temporary one's: nothing else is touched. */
static int
ours(const char *name)
{
	size_t n = strlen(name);

	if (n == SESSREC_SID_LEN)
		return sessrec_sid_ok(name);
	if (n != SESSREC_SID_LEN + 5 || name[0] != '.' ||
	    strcmp(name + n - 4, ".tmp") != 0)
		return 0;
	return strspn(name + 1, "0123456789abcdef") == SESSREC_SID_LEN;
}

int
sessrec_sweep(const char *state_dir, uid_t owner, time_t now, char *err,
    size_t errlen)
{
	struct dirent *e;
	struct stat sb;
	size_t seen = 0;
	DIR *d;
	int dfd;

	if ((dfd = dir_open(state_dir, owner, NULL, err, errlen)) == -1)
		return -1;
	if ((d = fdopendir(dfd)) == NULL) {
		vg_seterr(err, errlen, "%s/%s cannot be listed: %s", state_dir,
		    SESSREC_DIR, strerror(errno));
		close(dfd);
		return -1;
	}
	/* a session that sshd never closed (a crash) leaves its record */
	while ((e = readdir(d)) != NULL && seen++ < SWEEP_MAX)
		if (ours(e->d_name) && fstatat(dfd, e->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0 &&
		    sb.st_mtime < now - SESSREC_MAX_AGE)
			(void)unlinkat(dfd, e->d_name, 0);
	closedir(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the shell's side */

/* What pam_vncgate made, and nothing else: checked on the opened fd. */
static int
record_ok(int fd, uid_t owner)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_uid == owner && (sb.st_mode & (S_IWGRP | S_IWOTH)) == 0 &&
	    sb.st_nlink == 1 && sb.st_size <= SESSREC_MAX;
}

int
sessrec_read(const char *state_dir, uid_t owner, const char *sid, uid_t uid,
    struct sessrec *r, char *err, size_t errlen)
{
	char buf[SESSREC_MAX + 1];
	ssize_t n = -1;
	int dfd, fd;

	memset(r, 0, sizeof(*r));
	if (!sessrec_sid_ok(sid)) {
		vg_seterr(err, errlen, "not a session ID");
		return -1;
	}
	if ((dfd = dir_open(state_dir, owner, NULL, err, errlen)) == -1)
		return -1;
	/* O_NONBLOCK: a fifo in its place must not hang the shell */
	fd = openat(dfd, sid, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd == -1) {
		vg_seterr(err, errlen, "session %s has no record: %s", sid,
		    strerror(errno));
		return -1;
	}
	if (record_ok(fd, owner))
		n = vg_read_full(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || sessrec_parse(buf, (size_t)n, r) == -1) {
		vg_seterr(err, errlen, "the record of session %s is not one "
		    "pam_vncgate wrote", sid);
		return -1;
	}
	if (r->uid != uid) {
		vg_seterr(err, errlen, "the record of session %s is uid %lu's, "
		    "not uid %lu's", sid, (unsigned long)r->uid,
		    (unsigned long)uid);
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return 0;
}
