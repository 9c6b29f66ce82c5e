/* SPDX-License-Identifier: ISC */
/*
 * Sliding one-minute windows in limits.state_dir (see ratelimit.h).
 *
 * A window file is a list of fixed-width records, "%016lld\n", one per
 * issuance.  It is rewritten in place (pwrite at 0, then ftruncate), so a
 * shell killed half-way leaves whole records behind: at worst old ones
 * that count again, never a torn record and never an emptied window that
 * would let a burst through.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelimit.h"
#include "util.h"

#define REC_LEN		17	/* 16 digits and a newline */
#define REC_DIGITS	16
/* twice the largest limit (conf_value.c): room for a torn tail, no more */
#define MAX_RECS	20000
#define FILE_MODE	0660	/* shared by the group through the folder */

struct window {
	const char	*dir;		/* for messages; NULL: unknown */
	char		 name[RL_NAMEMAX + 1];
	int		 fd;
	long		 limit;
	long long	*ts;		/* in the window, ascending */
	size_t		 n;
};

int
ratelimit_file_name(enum rl_scope scope, const char *key, char *out,
    size_t outlen)
{
	char hex[65];

	if (key == NULL || key[0] == '\0')
		return -1;
	if (scope == RL_USER) {
		/* a user name is never a path: no "../", no odd bytes */
		vg_sha256_hex(key, strlen(key), hex);
		return snprintf(out, outlen, "u-%s", hex) >= (int)outlen ?
		    -1 : 0;
	}
	if (!vg_valid_instance_id(key))
		return -1;
	return snprintf(out, outlen, "i-%s", key) >= (int)outlen ? -1 : 0;
}

static int
dir_owner_ok(const struct stat *st, const struct secfile_policy *owner)
{
	if (owner == NULL || st->st_uid == owner->owner)
		return 1;
	return owner->allow_ruid && st->st_uid == owner->ruid;
}

static int
dir_open_failed(const char *dir, int e, char *err, size_t errlen)
{
	struct stat st;

	/* O_NOFOLLOW | O_DIRECTORY says ENOTDIR for a link: name it */
	if (e == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		e = ELOOP;
	if (e == ENOENT)
		vg_seterr(err, errlen, "the rate-limit folder %s does not "
		    "exist", dir);
	else if (e == ELOOP)
		vg_seterr(err, errlen, "the rate-limit folder %s is a "
		    "symbolic link", dir);
	else if (e == ENOTDIR)
		vg_seterr(err, errlen, "the rate-limit folder %s is not a "
		    "folder", dir);
	else
		vg_seterr(err, errlen, "cannot open the rate-limit folder "
		    "%s: %s", dir, strerror(e));
	return -1;
}

int
ratelimit_dir_open(const char *dir, const struct secfile_policy *owner,
    char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (dir == NULL || dir[0] != '/') {
		vg_seterr(err, errlen, "the rate-limit folder must be an "
		    "absolute path");
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return dir_open_failed(dir, errno, err, errlen);
	/* the checks are on the folder we opened, not on the path */
	if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode))
		vg_seterr(err, errlen, "the rate-limit folder %s is not a "
		    "folder", dir);
	else if (st.st_mode & S_IWOTH)
		vg_seterr(err, errlen, "the rate-limit folder %s is writable "
		    "by others", dir);
	else if (!dir_owner_ok(&st, owner))
		vg_seterr(err, errlen, "the rate-limit folder %s has the "
		    "wrong owner (uid %lu)", dir, (unsigned long)st.st_uid);
	else
		return fd;
	close(fd);
	return -1;
}

static void
win_init(struct window *w, const char *dir, long limit)
{
	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->fd = -1;
	w->limit = limit;
}

static void
win_close(struct window *w)
{
	/* closing the fd drops the flock */
	if (w->fd != -1)
		close(w->fd);
	free(w->ts);
	w->fd = -1;
	w->ts = NULL;
}

static int
win_failed(struct window *w, const char *what, char *err, size_t errlen)
{
	vg_seterr(err, errlen, "the rate-limit window %s%s%s %s",
	    w->dir != NULL ? w->dir : "", w->dir != NULL ? "/" : "", w->name,
	    what);
	return -1;
}

/*
 * Open (create) and lock.  A shell's umask must not lock the other
 * operators out of a window it happened to create: 0660 it is.
 */
static int
win_lock(int dirfd, struct window *w, char *err, size_t errlen)
{
	struct stat st;
	char why[128];

	w->fd = openat(dirfd, w->name, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, FILE_MODE);
	if (w->fd == -1) {
		snprintf(why, sizeof(why), "cannot be opened: %s",
		    strerror(errno));
		return win_failed(w, why, err, errlen);
	}
	if (fstat(w->fd, &st) == -1 || !S_ISREG(st.st_mode))
		return win_failed(w, "is not a regular file", err, errlen);
	if ((st.st_mode & 07777) != FILE_MODE && st.st_uid == geteuid())
		(void)fchmod(w->fd, FILE_MODE);
	while (flock(w->fd, LOCK_EX) == -1)
		if (errno != EINTR)
			return win_failed(w, "cannot be locked", err, errlen);
	return 0;
}

/* One record: exactly 16 digits and a newline. */
static int
rec_parse(const char *p, long long *out)
{
	long long v = 0;
	int i;

	for (i = 0; i < REC_DIGITS; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return p[REC_DIGITS] == '\n' ? 0 : -1;
}

/*
 * In the window: younger than a minute.  A time more than a minute
 * ahead was written before the clock stepped back; it is dropped, or
 * it would block its key for as long as the step.
 */
static int
in_window(long long ts, long long now)
{
	return ts > now - RL_WINDOW_MS && ts < now + RL_WINDOW_MS;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int
win_parse(struct window *w, const char *buf, size_t len, long long now)
{
	long long ts;
	size_t off;

	for (off = 0; off < len; off += REC_LEN) {
		if (rec_parse(buf + off, &ts) == -1)
			return -1;
		if (in_window(ts, now))
			w->ts[w->n++] = ts;
	}
	qsort(w->ts, w->n, sizeof(w->ts[0]), cmp_ll);
	return 0;
}

/* Read the locked file; a file we cannot trust refuses (fail closed). */
static int
win_read(struct window *w, long long now, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	if (fstat(w->fd, &st) == -1)
		return win_failed(w, "cannot be read", err, errlen);
	len = (size_t)st.st_size;
	if (st.st_size < 0 || len % REC_LEN != 0 ||
	    len / REC_LEN > MAX_RECS)
		return win_failed(w, "is corrupt; remove it to reset the "
		    "window", err, errlen);
	/* one more slot for the issuance about to be recorded */
	w->ts = calloc(len / REC_LEN + 1, sizeof(w->ts[0]));
	if (w->ts == NULL || (buf = malloc(len + 1)) == NULL)
		return win_failed(w, "cannot be read: out of memory", err,
		    errlen);
	if (len > 0 && pread(w->fd, buf, len, 0) != (ssize_t)len)
		rc = win_failed(w, "cannot be read", err, errlen);
	else if (win_parse(w, buf, len, now) == -1)
		rc = win_failed(w, "is corrupt; remove it to reset the "
		    "window", err, errlen);
	else
		rc = 0;
	free(buf);
	return rc;
}

static int
win_load(int dirfd, struct window *w, enum rl_scope scope, const char *key,
    long long now, char *err, size_t errlen)
{
	if (ratelimit_file_name(scope, key, w->name, sizeof(w->name)) == -1) {
		vg_seterr(err, errlen, "no rate-limit window for %s \"%.64s\"",
		    scope == RL_USER ? "user" : "instance",
		    key != NULL ? key : "");
		return -1;
	}
	if (win_lock(dirfd, w, err, errlen) == -1)
		return -1;
	return win_read(w, now, err, errlen);
}

/* Full: the time until enough issuances left for one more to fit. */
static int
win_full(const struct window *w, long long now, long long *retry_ms)
{
	if (w->limit <= 0 || w->n < (size_t)w->limit)
		return 0;
	/* a lowered limit can leave more than limit entries: n - limit */
	*retry_ms = w->ts[w->n - (size_t)w->limit] + RL_WINDOW_MS - now;
	if (*retry_ms < 1)
		*retry_ms = 1;
	return 1;
}

static int
win_store(struct window *w, long long now, char *err, size_t errlen)
{
	char *buf;
	size_t i, len;
	ssize_t wr;

	w->ts[w->n++] = now;
	len = w->n * REC_LEN;
	if ((buf = malloc(len + 1)) == NULL)
		return win_failed(w, "cannot be written: out of memory", err,
		    errlen);
	for (i = 0; i < w->n; i++)
		snprintf(buf + i * REC_LEN, REC_LEN + 1, "%0*lld\n",
		    REC_DIGITS, w->ts[i]);
	/* records first, then the length: see the top of the file */
	wr = pwrite(w->fd, buf, len, 0);
	free(buf);
	if (wr != (ssize_t)len || ftruncate(w->fd, (off_t)len) == -1)
		return win_failed(w, "cannot be written", err, errlen);
	return 0;
}

/*
 * Lock and read every window in the order given, decide, then record in
 * all or none.  Windows with no limit are not touched.
 */
static enum rl_result
take(int dirfd, struct window *w, const enum rl_scope *scope,
    const char *const *key, size_t n, long long now, struct rl_verdict *v,
    char *err, size_t errlen)
{
	long long retry;
	size_t i;
	int limited = 0;

	for (i = 0; i < n; i++)
		if (w[i].limit > 0 && win_load(dirfd, &w[i], scope[i], key[i],
		    now, err, errlen) == -1)
			return RL_ERROR;
	for (i = 0; i < n; i++) {
		if (!win_full(&w[i], now, &retry))
			continue;
		if (!limited || retry > v->retry_after_ms) {
			/* both full: report the first, wait for both */
			if (!limited)
				v->scope = scope[i];
			v->retry_after_ms = retry;
		}
		limited = 1;
	}
	if (limited)
		return RL_LIMITED;
	for (i = 0; i < n; i++)
		if (w[i].limit > 0 &&
		    win_store(&w[i], now, err, errlen) == -1)
			return RL_ERROR;
	return RL_OK;
}

enum rl_result
ratelimit_take(int dirfd, enum rl_scope scope, const char *key, long limit,
    long long now_ms, long long *retry_after_ms, char *err, size_t errlen)
{
	struct window w;
	struct rl_verdict v;
	enum rl_result r;

	memset(&v, 0, sizeof(v));
	win_init(&w, NULL, limit);
	r = take(dirfd, &w, &scope, &key, 1, now_ms, &v, err, errlen);
	win_close(&w);
	if (retry_after_ms != NULL)
		*retry_after_ms = r == RL_LIMITED ? v.retry_after_ms : 0;
	return r;
}

enum rl_result
ratelimit_take_pair(const struct rl_request *rq, struct rl_verdict *v,
    char *err, size_t errlen)
{
	/* the one lock order of every shell: user, then instance */
	const enum rl_scope scope[2] = { RL_USER, RL_INSTANCE };
	const char *key[2] = { rq->user, rq->instance };
	struct window w[2];
	enum rl_result r;
	int dirfd;

	memset(v, 0, sizeof(*v));
	if (rq->user_limit <= 0 && rq->instance_limit <= 0)
		return RL_OK;
	dirfd = ratelimit_dir_open(rq->dir, rq->owner, err, errlen);
	if (dirfd == -1)
		return RL_ERROR;
	win_init(&w[0], rq->dir, rq->user_limit);
	win_init(&w[1], rq->dir, rq->instance_limit);
	r = take(dirfd, w, scope, key, 2, rq->now_ms, v, err, errlen);
	win_close(&w[1]);
	win_close(&w[0]);
	close(dirfd);
	return r;
}
