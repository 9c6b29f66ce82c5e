/* SPDX-License-Identifier: ISC */
/*
 * Sliding one-minute windows in limits.state_dir (see ratelimit.h).
 *
 * A window file is a list of fixed-width records, "%016lld\n", one per
 * issuance (or run, ratelimit_take_run), and "R%015lld\n" for when the
 * refusal of a full window was last recorded.  It is read under the lock
 * of the file (statefile.c, with the deadline of audit.lock_timeout) and
 * replaced whole through a new file renamed over it: a shell killed, or
 * cut short by RLIMIT_FSIZE, at any instant leaves the old window or the
 * new one, never a torn or emptied one that would block the others or
 * let a burst through, and the file always belongs to its last writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelimit.h"
#include "statefile.h"
#include "util.h"

#define REC_LEN		17	/* 16 digits and a newline */
#define REC_DIGITS	16
#define MARK		'R'	/* then 15 digits: a refusal was recorded */
/* twice the largest limit (conf_value.c), and more than enough */
#define MAX_RECS	20000

struct window {
	const char	*dir;		/* for messages; NULL: unknown */
	char		 name[RL_NAMEMAX + 1];
	int		 fd;
	long		 limit;
	long long	*ts;		/* in the window, ascending */
	size_t		 n;
	long long	 marked;	/* a refusal recorded then; 0: none */
	int		 dirfd;
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
	w->dirfd = -1;
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
 * Open (create) and lock, by the deadline: a shell stopped while it
 * holds the window delays the others that long, then they refuse.
 */
static int
win_lock(int dirfd, struct window *w, long long deadline, char *err,
    size_t errlen)
{
	char why[VG_ERRLEN];

	w->dirfd = dirfd;
	w->fd = statefile_open_locked(dirfd, w->name, STATEFILE_CREATE,
	    deadline, why, sizeof(why));
	if (w->fd == -1)
		return win_failed(w, why, err, errlen);
	return 0;
}

/* Exactly 16 digits (or the mark and 15) and a newline. */
static int
rec_parse(const char *p, long long *out, int *mark)
{
	long long v = 0;
	int i;

	*mark = p[0] == MARK;
	for (i = *mark; i < REC_DIGITS; i++) {
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
	int mark;

	for (off = 0; off < len; off += REC_LEN) {
		if (rec_parse(buf + off, &ts, &mark) == -1)
			return -1;
		if (!in_window(ts, now))
			continue;
		if (!mark)
			w->ts[w->n++] = ts;
		else if (ts > w->marked)
			w->marked = ts;
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
    long long now, long long deadline, char *err, size_t errlen)
{
	if (ratelimit_file_name(scope, key, w->name, sizeof(w->name)) == -1) {
		vg_seterr(err, errlen, "no rate-limit window for %s \"%.64s\"",
		    scope == RL_USER ? "user" : "instance",
		    key != NULL ? key : "");
		return -1;
	}
	if (win_lock(dirfd, w, deadline, err, errlen) == -1)
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

/* The window as it is now, replacing the file whole (see the top). */
static int
win_store(struct window *w, char *err, size_t errlen)
{
	char *buf, why[VG_ERRLEN];
	size_t i, len;
	int rc;

	len = (w->n + (w->marked != 0)) * REC_LEN;
	if ((buf = malloc(len + 1)) == NULL)
		return win_failed(w, "cannot be written: out of memory", err,
		    errlen);
	for (i = 0; i < w->n; i++)
		snprintf(buf + i * REC_LEN, REC_LEN + 1, "%0*lld\n",
		    REC_DIGITS, w->ts[i]);
	if (w->marked != 0)
		snprintf(buf + i * REC_LEN, REC_LEN + 1, "%c%0*lld\n", MARK,
		    REC_DIGITS - 1, w->marked);
	rc = statefile_replace(w->dirfd, w->name, buf, len, why,
	    sizeof(why));
	free(buf);
	return rc == -1 ? win_failed(w, why, err, errlen) : 0;
}

/*
 * Lock and read every window in the order given, decide, then record in
 * all or none.  Windows with no limit are not touched.
 */
static enum rl_result
take(int dirfd, struct window *w, const enum rl_scope *scope,
    const char *const *key, size_t n, long long now, long long deadline,
    struct rl_verdict *v, char *err, size_t errlen)
{
	long long retry;
	size_t i;
	int limited = 0;

	for (i = 0; i < n; i++)
		if (w[i].limit > 0 && win_load(dirfd, &w[i], scope[i], key[i],
		    now, deadline, err, errlen) == -1)
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
	for (i = 0; i < n; i++) {
		if (w[i].limit <= 0)
			continue;
		w[i].ts[w[i].n++] = now;
		if (win_store(&w[i], err, errlen) == -1)
			return RL_ERROR;
	}
	return RL_OK;
}

static long long
deadline_of(long timeout_ms)
{
	return statefile_deadline(timeout_ms > 0 ? timeout_ms :
	    RL_LOCK_DEFAULT_MS);
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
	r = take(dirfd, &w, &scope, &key, 1, now_ms, deadline_of(0), &v, err,
	    errlen);
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
	r = take(dirfd, w, scope, key, 2, rq->now_ms,
	    deadline_of(rq->lock_timeout_ms), v, err, errlen);
	win_close(&w[1]);
	win_close(&w[0]);
	close(dirfd);
	return r;
}

/*
 * A refusal of a full window is recorded once per window: the first
 * one marks the file (and the caller writes its record), the next ones
 * within a minute of it find the mark and are refused in silence.
 */
static enum rl_result
refuse_once(struct window *w, long long now, struct rl_verdict *v,
    char *err, size_t errlen)
{
	if (w->marked != 0)
		return RL_LIMITED;
	w->marked = now;
	if (win_store(w, err, errlen) == -1)
		return RL_ERROR;
	v->record = 1;
	return RL_LIMITED;
}

enum rl_result
ratelimit_take_run(const struct rl_request *rq, struct rl_verdict *v,
    char *err, size_t errlen)
{
	const enum rl_scope scope = RL_USER;
	struct window w;
	enum rl_result r;
	int dirfd;

	memset(v, 0, sizeof(*v));
	v->scope = RL_USER;
	if (rq->user_limit <= 0)
		return RL_OK;
	dirfd = ratelimit_dir_open(rq->dir, rq->owner, err, errlen);
	if (dirfd == -1)
		return RL_ERROR;
	win_init(&w, rq->dir, rq->user_limit);
	r = take(dirfd, &w, &scope, &rq->user, 1, rq->now_ms,
	    deadline_of(rq->lock_timeout_ms), v, err, errlen);
	if (r == RL_LIMITED)
		r = refuse_once(&w, rq->now_ms, v, err, errlen);
	win_close(&w);
	close(dirfd);
	return r;
}
