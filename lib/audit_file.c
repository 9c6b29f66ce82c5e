/* SPDX-License-Identifier: ISC */
/*
 * The chained audit file (DESIGN 1.7, 1.13): one JSON object per line,
 * each holding the hash of the one before, so an edited, deleted,
 * inserted, reordered or duplicated record shows (vncgate-audit verify),
 * and the seq and chain in every syslog line show a file cut short at
 * the end.  The format and the lock are described in audit.h; this file
 * opens the file under the lock of its folder, continues the chain of a
 * rotated file and appends; audit_tail.c reads and repairs the end of
 * the chain; audit_line.c makes one line and reads one back.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "audit_line.h"
#include "audit_tail.h"
#include "statefile.h"
#include "util.h"

#define OPEN_FLAGS	(O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | \
			 O_CLOEXEC)
#define MISSING_POLL_MS	10	/* a rotation's gap is shorter */

/* ------------------------------------------------------------------ */
/* The folder */

/* dir and name of path; "." for a path without a slash. */
static int
split_path(const char *path, char *dir, size_t dirlen, char *name,
    size_t namelen)
{
	const char *slash = strrchr(path, '/');

	if (vg_strlcpy(name, slash != NULL ? slash + 1 : path, namelen) ==
	    -1 || name[0] == '\0')
		return -1;
	if (slash == NULL)
		return vg_strlcpy(dir, ".", dirlen);
	if (slash == path)
		return vg_strlcpy(dir, "/", dirlen);
	if ((size_t)(slash - path) >= dirlen)
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return 0;
}

/*
 * Anyone who can open the folder can hold its lock, and with it stop
 * every record: a file made at install wants its folder root's and
 * closed to others (root:vncgate 2770).
 */
static int
dir_open(const char *path, int installed, char *err, size_t errlen)
{
	char dir[1024], name[256];
	struct stat st;
	int fd;

	if (split_path(path, dir, sizeof(dir), name, sizeof(name)) == -1) {
		vg_seterr(err, errlen, "the audit file path %.200s is not a "
		    "file's path", path);
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		vg_seterr(err, errlen, "cannot open the audit file %.200s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (installed && (fstat(fd, &st) == -1 || st.st_uid != 0 ||
	    (st.st_mode & (S_IROTH | S_IWOTH)))) {
		vg_seterr(err, errlen, "the folder of the audit file %.200s "
		    "must be root's and closed to others (root:vncgate 2770), "
		    "or anyone could hold its lock and stop every record",
		    path);
		close(fd);
		return -1;
	}
	return fd;
}

int
audit_file_lock_dir(const char *path, int op, long timeout_ms, char *err,
    size_t errlen)
{
	int fd, e;

	if ((fd = dir_open(path, 0, err, errlen)) == -1)
		return -1;
	if (statefile_lock(fd, op, statefile_deadline(timeout_ms)) == 0)
		return fd;
	if ((e = errno) == EWOULDBLOCK)
		vg_seterr(err, errlen, "the folder of the audit file %.200s "
		    "stays locked by another process (for more than %ld s)",
		    path, timeout_ms / 1000);
	else
		vg_seterr(err, errlen, "cannot lock the folder of the audit "
		    "file %.200s: %s", path, strerror(e));
	close(fd);
	errno = e;
	return -1;
}

/* ------------------------------------------------------------------ */
/* The file */

static int
open_failed(const char *path, int installed, int e, char *err,
    size_t errlen)
{
	/* O_NOFOLLOW reports a link as ELOOP, whose text misleads */
	if (e == ELOOP)
		vg_seterr(err, errlen, "the audit file %.200s is a symbolic "
		    "link, which is refused", path);
	else if (e == ENOENT && installed)
		vg_seterr(err, errlen, "the audit file %.200s is missing: it "
		    "is made at install (make install or the package), never "
		    "by vncgate itself", path);
	else
		vg_seterr(err, errlen, "cannot open the audit file %.200s: %s",
		    path, strerror(e));
	errno = e;
	return -1;
}

/* The opened file must be a regular file; made at install, root's. */
static int
check_opened(int fd, const char *path, int installed, char *err,
    size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		vg_seterr(err, errlen, "the audit file %.200s is not a regular "
		    "file", path);
	else if (installed && st.st_uid != 0)
		vg_seterr(err, errlen, "the audit file %.200s is not root's "
		    "(uid %lu): it is made at install, and one that anyone "
		    "else owns is refused", path, (unsigned long)st.st_uid);
	else
		return 0;
	close(fd);
	errno = EINVAL;
	return -1;
}

/*
 * name in the folder, with O_NOFOLLOW: a link planted at the path could
 * point the records into another file.  When it may be made here (not
 * installed), O_EXCL first, to know whether we made it: only then is its
 * mode set, to 0660 whatever the umask, so the shell (group vncgate) and
 * the PAM module (root) can both append.  An existing file keeps the
 * mode the admin gave it.
 */
static int
open_named(const struct audit_file *af, const char *name, const char *path,
    int create, char *err, size_t errlen)
{
	int fd = -1, made = 0;

	if (create) {
		fd = openat(af->dirfd, name, OPEN_FLAGS | O_CREAT | O_EXCL,
		    AUDIT_FILE_MODE);
		made = fd != -1;
		if (fd == -1 && errno != EEXIST)
			return open_failed(path, af->installed, errno, err,
			    errlen);
	}
	if (fd == -1 && (fd = openat(af->dirfd, name, OPEN_FLAGS)) == -1)
		return open_failed(path, af->installed, errno, err, errlen);
	if (check_opened(fd, path, af->installed, err, errlen) == -1)
		return -1;
	if (made) {
		(void)fchmod(fd, AUDIT_FILE_MODE);
		(void)fsync(af->dirfd);	/* the new name, on disk too */
	}
	return fd;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/*
 * The file at the path now.  Between logrotate's rename and its create
 * the file made at install is missing (or root's and 0600 for an
 * instant): waited for until the deadline.
 */
static int
open_current(struct audit_file *af, long long deadline, char *err,
    size_t errlen)
{
	int fd;

	for (;;) {
		fd = open_named(af, af->name, af->path, !af->installed, err,
		    errlen);
		if (fd != -1 || !af->installed ||
		    (errno != ENOENT && errno != EACCES))
			return fd;
		if (vg_now_ms() >= deadline) {
			af->stuck = 1;
			return -1;
		}
		pause_ms(MISSING_POLL_MS);
	}
}

/* ------------------------------------------------------------------ */
/* Opening and closing the sink */

int
audit_file_open(struct audit_file *af, const char *path,
    const struct audit_file_opts *opts, char *err, size_t errlen)
{
	char dir[1024];
	int fd;

	memset(af, 0, sizeof(*af));
	af->dirfd = -1;
	af->lock_ms = opts != NULL && opts->lock_timeout_ms > 0 ?
	    opts->lock_timeout_ms : AUDIT_LOCK_TIMEOUT_MS;
	af->installed = opts != NULL && opts->installed;
	if (opts != NULL) {
		af->at_deadline = opts->at_deadline;
		af->ctx = opts->ctx;
	}
	if (gethostname(af->host, sizeof(af->host) - 1) == -1 ||
	    af->host[0] == '\0')
		vg_strlcpy(af->host, "unknown", sizeof(af->host));
	if (path == NULL || *path == '\0' ||
	    vg_strlcpy(af->path, path, sizeof(af->path)) == -1 ||
	    split_path(path, dir, sizeof(dir), af->name,
	    sizeof(af->name)) == -1) {
		vg_seterr(af->err, sizeof(af->err), "the audit file path "
		    "%.200s is empty or too long", path != NULL ? path : "");
		af->path[0] = '\0';
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	if ((af->dirfd = dir_open(af->path, af->installed, af->err,
	    sizeof(af->err))) == -1 || (fd = open_named(af, af->name,
	    af->path, !af->installed, af->err, sizeof(af->err))) == -1) {
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	close(fd);
	af->err[0] = '\0';
	return 0;
}

void
audit_file_close(struct audit_file *af)
{
	if (af->dirfd >= 0)
		close(af->dirfd);
	af->dirfd = -1;
}

/* ------------------------------------------------------------------ */
/* Appending */

/*
 * The audit_repair record for t's torn tail, after *end, into lines;
 * *end and r say where it lands.
 */
static int
build_repair(const struct audit_file *af, const struct audit_tail *t,
    const struct audit_who *who, struct audit_chain *end,
    struct vg_buf *lines, struct audit_repair *r)
{
	struct audit_rec rec;
	int rc;

	memset(r, 0, sizeof(*r));
	r->cut_bytes = (unsigned long long)(t->size - t->keep);
	memcpy(r->cut_sha256, t->cut_sha256, sizeof(r->cut_sha256));
	audit_rec_init(&rec, "audit_repair");
	rc = audit_setf(&rec, "cut_bytes", "%llu", r->cut_bytes);
	rc |= audit_set(&rec, "cut_sha256", r->cut_sha256);
	if (rc == 0)
		rc = audit_line_build(af->host, &rec, who, end, lines,
		    r->hash);
	audit_rec_free(&rec);
	if (rc == -1)
		return -1;
	r->seq = end->seq + 1;
	end->seq = r->seq;
	memcpy(end->hash, r->hash, sizeof(end->hash));
	return 0;
}

static int
no_memory(const char *path, char *err, size_t errlen)
{
	vg_seterr(err, errlen, "cannot build the record for the audit file "
	    "%.200s: out of memory", path);
	return -1;
}

/*
 * The file a rotation left behind: PATH.1 (the shipped logrotate file
 * keeps it uncompressed, delaycompress).  Its torn tail, if any, is
 * repaired there first.  *end is its last record, or the start of a
 * chain when there is no such file.
 */
static int
continue_from(struct audit_file *af, const struct audit_who *who,
    struct audit_chain *end, struct audit_chain *chain, char *err,
    size_t errlen)
{
	char name[sizeof(af->name) + 2], path[sizeof(af->path) + 2];
	struct audit_repair *r = &chain->repair[chain->nrepair];
	struct audit_tail t;
	struct vg_buf line;
	int fd, rc;

	snprintf(name, sizeof(name), "%s" AUDIT_PREV_SUFFIX, af->name);
	snprintf(path, sizeof(path), "%s" AUDIT_PREV_SUFFIX, af->path);
	fd = open_named(af, name, path, 0, err, errlen);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	rc = audit_tail_read(fd, path, &t, err, errlen);
	*end = t.last;
	if (rc == 0 && t.keep < t.size) {
		buf_init(&line);
		if (build_repair(af, &t, who, end, &line, r) == -1)
			rc = no_memory(path, err, errlen);
		else if ((rc = audit_tail_write(fd, path, &t, &line, err,
		    errlen)) == 0)
			chain->nrepair++;
		buf_free(&line);
	}
	close(fd);
	return rc;
}

/*
 * Under the lock: the end of the chain (repaired where torn, continued
 * from the rotated file when this one is empty), then the record, in
 * one write.
 */
static int
append_locked(struct audit_file *af, int fd, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	struct audit_repair *r;
	struct audit_tail t;
	struct audit_chain end;
	struct vg_buf lines;
	int rc = -1;

	if (audit_tail_read(fd, af->path, &t, err, errlen) == -1)
		return -1;
	end = t.last;
	if (t.keep == 0 && continue_from(af, who, &end, chain, err,
	    errlen) == -1)
		return -1;
	r = &chain->repair[chain->nrepair];
	buf_init(&lines);
	if ((t.keep < t.size && build_repair(af, &t, who, &end, &lines,
	    r) == -1) || audit_line_build(af->host, rec, who, &end, &lines,
	    chain->hash) == -1)
		no_memory(af->path, err, errlen);
	else if ((rc = audit_tail_write(fd, af->path, &t, &lines, err,
	    errlen)) == 0) {
		chain->nrepair += t.keep < t.size;
		chain->seq = end.seq + 1;
	}
	buf_free(&lines);
	return rc;
}

/* Once a wait ran out, the next ones try once: one deadline per run. */
static long long
deadline_of(const struct audit_file *af)
{
	return statefile_deadline(af->stuck ? 0 : af->lock_ms);
}

/*
 * The lock by *deadline.  When the wait runs out, at_deadline may break
 * the lock (pam_vncgate kills a stopped holder): then one more wait,
 * with a deadline of its own, which *deadline becomes (the file's open
 * waits until it too).
 */
static int
lock_chain(struct audit_file *af, long long *deadline, char *err,
    size_t errlen)
{
	int rc, e;

	rc = statefile_lock(af->dirfd, LOCK_EX, *deadline);
	if (rc == -1 && (e = errno) == EWOULDBLOCK && af->at_deadline !=
	    NULL) {
		if (af->at_deadline(af->ctx, af->dirfd) == 1) {
			*deadline = statefile_deadline(af->lock_ms);
			rc = statefile_lock(af->dirfd, LOCK_EX, *deadline);
		} else
			errno = e;
	}
	if (rc == 0) {
		af->stuck = 0;
		return 0;
	}
	if (errno == EWOULDBLOCK) {
		af->stuck = 1;
		vg_seterr(err, errlen, "the audit file %.200s stays locked by "
		    "another process (for more than %ld s), so the record was "
		    "not written", af->path, af->lock_ms / 1000);
	} else
		vg_seterr(err, errlen, "cannot lock the audit file %.200s: %s",
		    af->path, strerror(errno));
	return -1;
}

int
audit_file_append(struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	long long deadline = deadline_of(af);
	int fd, rc;

	memset(chain, 0, sizeof(*chain));
	if (af->path[0] == '\0' || (af->dirfd < 0 && (af->dirfd =
	    dir_open(af->path, af->installed, af->err,
	    sizeof(af->err))) == -1)) {
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	/* every writer takes it, so read-last-then-append is one step */
	if (lock_chain(af, &deadline, err, errlen) == -1)
		return -1;
	if ((fd = open_current(af, deadline, err, errlen)) == -1)
		rc = -1;
	else {
		rc = append_locked(af, fd, rec, who, chain, err, errlen);
		close(fd);
	}
	(void)flock(af->dirfd, LOCK_UN);
	return rc;
}

static int
file_append(void *ctx, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	return audit_file_append(ctx, rec, who, chain, err, errlen);
}

void
audit_file_sink(struct audit_file *af, struct audit_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->name = "file";
	sink->append = file_append;
	sink->ctx = af;
}
