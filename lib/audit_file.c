/* SPDX-License-Identifier: ISC */
/*
 * The chained audit file (DESIGN 1.7): one JSON object per line, each
 * holding the hash of the one before, so an edited, deleted, inserted,
 * reordered or duplicated record shows (vncgate-audit verify), and the
 * seq and chain in every syslog line show a file cut short at the end.
 * The format is described in audit.h; this file opens the file, finds
 * its last record and appends under the lock; audit_line.c makes one
 * line and reads one back.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_line.h"
#include "util.h"

#define TAIL_FIRST	4096	/* most records fit: one small read */

/* What reading the file's tail found. */
enum tail { TAIL_OK, TAIL_LONGER, TAIL_TORN, TAIL_ERR };

/* ------------------------------------------------------------------ */
/* Opening */

static void
open_error(struct audit_file *af, int e, char *err, size_t errlen)
{
	/* O_NOFOLLOW reports a link as ELOOP, whose text misleads */
	if (e == ELOOP)
		vg_seterr(af->err, sizeof(af->err), "the audit file %.200s is "
		    "a symbolic link, which is refused", af->path);
	else
		vg_seterr(af->err, sizeof(af->err), "cannot open the audit "
		    "file %.200s: %s", af->path, strerror(e));
	vg_seterr(err, errlen, "%s", af->err);
}

/* A new file's name reaches the disk too; best effort. */
static void
sync_dir(const char *path)
{
	char dir[1024], *slash;
	int fd;

	if (vg_strlcpy(dir, path, sizeof(dir)) == -1)
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		vg_strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/*
 * O_EXCL first, to know whether we made the file: only then is its mode
 * set, to 0660 whatever the umask, so the shell (group vncgate) and the
 * PAM module (root) can both append.  An existing file keeps the mode
 * the admin gave it.  O_NOFOLLOW: a link planted at the path could
 * point the records into another file.
 */
static int
try_open(struct audit_file *af, char *err, size_t errlen)
{
	const int flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd, created;

	fd = open(af->path, flags | O_CREAT | O_EXCL, AUDIT_FILE_MODE);
	created = fd != -1;
	if (fd == -1 && errno == EEXIST)
		fd = open(af->path, flags);
	if (fd == -1) {
		open_error(af, errno, err, errlen);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		vg_seterr(af->err, sizeof(af->err), "the audit file %.200s is "
		    "not a regular file", af->path);
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	if (created) {
		(void)fchmod(fd, AUDIT_FILE_MODE);
		sync_dir(af->path);
	}
	af->fd = fd;
	af->err[0] = '\0';
	return 0;
}

int
audit_file_open(struct audit_file *af, const char *path, char *err,
    size_t errlen)
{
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (gethostname(af->host, sizeof(af->host) - 1) == -1 ||
	    af->host[0] == '\0')
		vg_strlcpy(af->host, "unknown", sizeof(af->host));
	if (path == NULL || *path == '\0' ||
	    vg_strlcpy(af->path, path, sizeof(af->path)) == -1) {
		vg_seterr(af->err, sizeof(af->err), "the audit file path "
		    "%.200s is empty or too long", path != NULL ? path : "");
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	return try_open(af, err, errlen);
}

void
audit_file_close(struct audit_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
}

/* ------------------------------------------------------------------ */
/* The last record, from the tail of the file */

static int
pread_all(int fd, char *p, size_t n, off_t off)
{
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0)
			errno = EIO;	/* the file shrank under the lock */
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * Read the last win bytes and find the last line in them.  *buf is
 * the window (the caller frees it), *line and *len the line without
 * its newline.  TAIL_LONGER: the window starts inside that line.
 */
static enum tail
tail_window(int fd, off_t size, size_t win, char **buf, const char **line,
    size_t *len)
{
	off_t start = size > (off_t)win ? size - (off_t)win : 0;
	size_t n = (size_t)(size - start), i;
	char *p;

	*buf = NULL;
	if ((p = malloc(n)) == NULL || pread_all(fd, p, n, start) == -1) {
		free(p);
		return TAIL_ERR;
	}
	*buf = p;
	if (p[n - 1] != '\n')
		return TAIL_TORN;
	for (i = n - 1; i > 0 && p[i - 1] != '\n'; i--)
		continue;
	if (i == 0 && start > 0)
		return TAIL_LONGER;
	*line = p + i;
	*len = n - 1 - i;
	return TAIL_OK;
}

static int
tail_error(const struct audit_file *af, enum tail t, const char *why,
    char *err, size_t errlen)
{
	if (t == TAIL_TORN)
		vg_seterr(err, errlen, "the audit file %.200s ends in a "
		    "cut-off record, so no record is added after it; an admin "
		    "must check it with vncgate-audit verify", af->path);
	else if (t == TAIL_LONGER)
		vg_seterr(err, errlen, "the last record of the audit file "
		    "%.200s is longer than any record vncgate writes",
		    af->path);
	else if (why != NULL)
		vg_seterr(err, errlen, "the last record of the audit file "
		    "%.200s cannot be read: %s", af->path, why);
	else
		vg_seterr(err, errlen, "cannot read the audit file %.200s: %s",
		    af->path, strerror(errno));
	return -1;
}

/*
 * seq and hash of the last record: the chain goes on from there, in
 * this process or any other.  An empty file starts the chain at 64
 * zeros.  A file whose last line has no newline is refused, not
 * chained onto: that line is a record cut off (a crash or a full disk
 * mid-write), and a record added after it would be glued onto the
 * fragment, so neither could be read back, and its prev would name a
 * record no one can check.  verify names that seq; an admin repairs the
 * file before anything more is recorded, and audit.required keeps URLs
 * back until then.
 */
static int
read_last(const struct audit_file *af, off_t size, struct audit_chain *last,
    char *err, size_t errlen)
{
	struct audit_line al;
	const char *line = NULL;
	char *buf, why[VG_ERRLEN];
	size_t len = 0;
	enum tail t;

	memset(last, 0, sizeof(*last));
	memset(last->hash, '0', AUDIT_HASHHEX);
	if (size == 0)
		return 0;
	t = tail_window(af->fd, size, TAIL_FIRST, &buf, &line, &len);
	if (t == TAIL_LONGER) {
		free(buf);
		t = tail_window(af->fd, size, AUDIT_FILE_LINEMAX + 1, &buf,
		    &line, &len);
	}
	if (t == TAIL_OK && audit_file_parse(line, len, &al, why,
	    sizeof(why)) == -1) {
		free(buf);
		return tail_error(af, t, why, err, errlen);
	}
	free(buf);
	if (t != TAIL_OK)
		return tail_error(af, t, NULL, err, errlen);
	last->seq = al.seq;
	memcpy(last->hash, al.hash, sizeof(last->hash));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Appending */

/*
 * One write with O_APPEND, then fsync.  A write that fails part way
 * (a full disk) is taken back with ftruncate while we still hold the
 * lock, so the next record does not find a cut-off line.
 */
static int
write_line(const struct audit_file *af, const struct vg_buf *line,
    off_t size, char *err, size_t errlen)
{
	size_t off = 0;
	ssize_t w;
	int e;

	while (off < line->len) {
		w = write(af->fd, line->p + off, line->len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == line->len && fsync(af->fd) == 0)
		return 0;
	e = off < line->len && errno == 0 ? ENOSPC : errno;
	if (ftruncate(af->fd, size) == -1)
		vg_seterr(err, errlen, "cannot write the audit file %.200s "
		    "(%s), and the part written stays: it ends in a cut-off "
		    "record", af->path, strerror(e));
	else
		vg_seterr(err, errlen, "cannot write the audit file %.200s: "
		    "%s", af->path, strerror(e));
	return -1;
}

static int
append_locked(struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain,
    char *err, size_t errlen)
{
	struct audit_chain last;
	struct vg_buf line;
	struct stat st;
	int rc;

	if (fstat(af->fd, &st) == -1) {
		vg_seterr(err, errlen, "cannot read the audit file %.200s: %s",
		    af->path, strerror(errno));
		return -1;
	}
	if (read_last(af, st.st_size, &last, err, errlen) == -1)
		return -1;
	buf_init(&line);
	if (audit_line_build(af->host, rec, who, &last, &line,
	    chain->hash) == -1) {
		buf_free(&line);
		vg_seterr(err, errlen, "cannot build the record for the audit "
		    "file %.200s: out of memory", af->path);
		return -1;
	}
	errno = 0;
	rc = write_line(af, &line, st.st_size, err, errlen);
	buf_free(&line);
	if (rc == 0)
		chain->seq = last.seq + 1;
	return rc;
}

int
audit_file_append(struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	int rc;

	memset(chain, 0, sizeof(*chain));
	if (af->fd < 0 && (af->path[0] == '\0' ||
	    try_open(af, err, errlen) == -1)) {
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	/* every writer takes it, so read-last-then-append is one step */
	while ((rc = flock(af->fd, LOCK_EX)) == -1 && errno == EINTR)
		continue;
	if (rc == -1) {
		vg_seterr(err, errlen, "cannot lock the audit file %.200s: %s",
		    af->path, strerror(errno));
		return -1;
	}
	rc = append_locked(af, rec, who, chain, err, errlen);
	(void)flock(af->fd, LOCK_UN);
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

