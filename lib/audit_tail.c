/* SPDX-License-Identifier: ISC */
/*
 * The end of the chain in one audit file (audit_tail.h).  Any local
 * user can kill the setgid shell in the middle of its write (SIGKILL,
 * the ssh client's signal, a CPU limit): what it leaves is a tail after
 * the last newline.  Refusing every later record because of it would let
 * that user stop the audit trail, and with audit.required every console
 * and every login, for good; chaining onto it would glue the next record
 * to the fragment.  So the next writer cuts it and says so in a record
 * (audit_repair, with the fragment's length and hash).  A whole line
 * that is not a record is another matter: no crash leaves one, so the
 * chain stops there for an admin to see.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_tail.h"
#include "statefile.h"
#include "util.h"

#define TAIL_FIRST	4096	/* most records fit: one small read */

/* What reading a window of the tail found. */
enum tail { TAIL_OK, TAIL_LONGER, TAIL_ERR };

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

/* The last win bytes before end, read into *buf (the caller frees). */
static char *
read_window(int fd, off_t end, size_t win, off_t *start, size_t *n)
{
	char *p;

	*start = end > (off_t)win ? end - (off_t)win : 0;
	*n = (size_t)(end - *start);
	if ((p = malloc(*n + 1)) == NULL || pread_all(fd, p, *n,
	    *start) == -1) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * The line that ends at end (the byte before end is its newline), from
 * a window of win bytes: *line and *len without the newline, in *buf.
 * TAIL_LONGER: the window starts inside that line.
 */
static enum tail
line_before(int fd, off_t end, size_t win, char **buf, const char **line,
    size_t *len)
{
	off_t start;
	size_t n, i;

	if ((*buf = read_window(fd, end, win, &start, &n)) == NULL)
		return TAIL_ERR;
	for (i = n - 1; i > 0 && (*buf)[i - 1] != '\n'; i--)
		continue;
	if (i == 0 && start > 0)
		return TAIL_LONGER;
	*line = *buf + i;
	*len = n - 1 - i;
	return TAIL_OK;
}

static int
read_failed(const char *path, const char *why, char *err, size_t errlen)
{
	if (why != NULL)
		vg_seterr(err, errlen, "the last record of the audit file "
		    "%.200s cannot be read: %s", path, why);
	else
		vg_seterr(err, errlen, "cannot read the audit file %.200s: %s",
		    path, strerror(errno));
	return -1;
}

/* seq and hash of the record whose line ends at end. */
static int
record_before(int fd, const char *path, off_t end, struct audit_chain *last,
    char *err, size_t errlen)
{
	struct audit_line al;
	const char *line = NULL;
	char *buf = NULL, why[VG_ERRLEN];
	size_t len = 0;
	enum tail t;

	t = line_before(fd, end, TAIL_FIRST, &buf, &line, &len);
	if (t == TAIL_LONGER) {
		free(buf);
		t = line_before(fd, end, AUDIT_FILE_LINEMAX + 1, &buf, &line,
		    &len);
	}
	if (t == TAIL_ERR) {
		free(buf);
		return read_failed(path, NULL, err, errlen);
	}
	if (t == TAIL_LONGER)
		vg_seterr(why, sizeof(why), "it is longer than any record "
		    "vncgate writes");
	else if (audit_file_parse(line, len, &al, why, sizeof(why)) == 0) {
		free(buf);
		last->seq = al.seq;
		memcpy(last->hash, al.hash, sizeof(last->hash));
		return 0;
	}
	free(buf);
	return read_failed(path, why, err, errlen);
}

/*
 * Where the last whole line ends, and the hash of what follows it: a
 * record being written when its writer died.  Longer than any record,
 * it is not one.
 */
static int
find_keep(int fd, const char *path, struct audit_tail *t, char *err,
    size_t errlen)
{
	char *buf, hex[65];
	off_t start;
	size_t n, i;

	buf = read_window(fd, t->size, AUDIT_FILE_LINEMAX + 1, &start, &n);
	if (buf == NULL)
		return read_failed(path, NULL, err, errlen);
	for (i = n; i > 0 && buf[i - 1] != '\n'; i--)
		continue;
	if (i == 0 && start > 0) {
		free(buf);
		return read_failed(path, "it ends in more bytes without a "
		    "newline than any record holds", err, errlen);
	}
	t->keep = start + (off_t)i;
	vg_sha256_hex(buf + i, n - i, hex);
	memcpy(t->cut_sha256, hex, AUDIT_CHAINHEX);
	t->cut_sha256[AUDIT_CHAINHEX] = '\0';
	free(buf);
	return 0;
}

int
audit_tail_read(int fd, const char *path, struct audit_tail *t, char *err,
    size_t errlen)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	memset(t->last.hash, '0', AUDIT_HASHHEX);
	if (fstat(fd, &st) == -1)
		return read_failed(path, NULL, err, errlen);
	t->size = st.st_size;
	if (t->size == 0)
		return 0;
	if (find_keep(fd, path, t, err, errlen) == -1)
		return -1;
	if (t->keep == 0)
		return 0;
	return record_before(fd, path, t->keep, &t->last, err, errlen);
}

/*
 * Within the file size limit the invoker set (RLIMIT_FSIZE survives a
 * setgid exec; the shell raises the soft limit, but only to the hard
 * one): checked first, so that no write is cut short by it.
 */
static int
fits(const char *path, off_t end, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) == -1 || rl.rlim_cur ==
	    RLIM_INFINITY || (rlim_t)end <= rl.rlim_cur)
		return 0;
	vg_seterr(err, errlen, "cannot write the audit file %.200s: it "
	    "would grow past this process's file size limit (ulimit -f)",
	    path);
	return -1;
}

/*
 * One write with O_APPEND, then fsync.  A write that fails part way (a
 * full disk) is taken back with ftruncate while we still hold the lock,
 * so the next record does not find a cut-off line.
 */
int
audit_tail_write(int fd, const char *path, const struct audit_tail *t,
    const struct vg_buf *lines, char *err, size_t errlen)
{
	int e;

	if (fits(path, t->keep + (off_t)lines->len, err, errlen) == -1)
		return -1;
	if (t->keep < t->size && ftruncate(fd, t->keep) == -1) {
		vg_seterr(err, errlen, "cannot cut the torn end of the audit "
		    "file %.200s: %s", path, strerror(errno));
		return -1;
	}
	if (vg_write_all(fd, lines->p, lines->len) == 0 &&
	    fsync(fd) == 0)
		return 0;
	e = errno;
	if (ftruncate(fd, t->keep) == -1)
		vg_seterr(err, errlen, "cannot write the audit file %.200s "
		    "(%s), and the part written stays: it ends in a cut-off "
		    "record", path, strerror(e));
	else
		vg_seterr(err, errlen, "cannot write the audit file %.200s: "
		    "%s", path, strerror(e));
	return -1;
}
