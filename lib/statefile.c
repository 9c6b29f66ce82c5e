/* SPDX-License-Identifier: ISC */
/*
 * Shared state files and the locks with a deadline (statefile.h): the
 * rules that keep a hostile invoker of the setgid shell from owning,
 * tearing or holding what every other shell needs.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "statefile.h"
#include "util.h"

#define POLL_FIRST_MS	2	/* the first pause between two tries */
#define POLL_MAX_MS	20	/* pauses double up to this */
#define NEW_SUFFIX	".new"
#define NAMEMAX		255

long long
statefile_deadline(long timeout_ms)
{
	return vg_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
}

static void
pause_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	/* a signal cuts the pause short: the loop tries again, no harm */
	(void)nanosleep(&ts, NULL);
}

/*
 * LOCK_NB and short pauses: never a blocking flock, which a stopped
 * holder would make wait for ever, and never a busy loop.
 */
int
statefile_lock(int fd, int op, long long deadline)
{
	long long wait = POLL_FIRST_MS, left;

	if (op != LOCK_SH && op != LOCK_EX) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if ((left = deadline - vg_now_ms()) <= 0) {
			errno = EWOULDBLOCK;
			return -1;
		}
		pause_ms(wait < left ? wait : left);
		if (wait < POLL_MAX_MS)
			wait *= 2;
	}
}

static int
failed(int fd, int e, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Close fd (when open), keep errno e, say why; -1. */
static int
failed(int fd, int e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (fd >= 0)
		close(fd);
	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

/* What is wrong with an opened file: NULL when it is fit. */
static const char *
unfit(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "is not a regular file";
	/* a hard link would let a write here change a file elsewhere */
	if (st->st_nlink != 1)
		return "has more than one link";
	return NULL;
}

/*
 * O_EXCL first, to know whether we made it: only then is the mode set,
 * to 0660 whatever the umask, so the other shells can write it too.
 */
static int
open_fd(int dirfd, const char *name, int flags, int *made)
{
	const int how = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = -1;

	*made = 0;
	if (flags & STATEFILE_CREATE) {
		fd = openat(dirfd, name, how | O_CREAT | O_EXCL,
		    STATEFILE_MODE);
		*made = fd != -1;
		if (fd == -1 && errno != EEXIST)
			return -1;
	}
	if (fd == -1)
		fd = openat(dirfd, name, how);
	return fd;
}

int
statefile_open(int dirfd, const char *name, int flags, char *err,
    size_t errlen)
{
	const char *why;
	struct stat st;
	int fd, made;

	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL)
		return failed(-1, EINVAL, err, errlen, "is not a name in the "
		    "folder");
	if ((fd = open_fd(dirfd, name, flags, &made)) == -1) {
		/* O_NOFOLLOW says ELOOP for a link: name it */
		if (errno == ELOOP)
			return failed(-1, ELOOP, err, errlen, "is a symbolic "
			    "link");
		return failed(-1, errno, err, errlen, "cannot be opened: %s",
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1)
		return failed(fd, errno, err, errlen, "cannot be read: %s",
		    strerror(errno));
	if ((why = unfit(&st)) != NULL)
		return failed(fd, EINVAL, err, errlen, "%s", why);
	if (made && fchmod(fd, STATEFILE_MODE) == -1)
		return failed(fd, errno, err, errlen, "cannot be made mode "
		    "0660: %s", strerror(errno));
	return fd;
}

/* Is fd still the file at name?  1 yes, 0 replaced or gone, -1 error. */
static int
still_named(int dirfd, const char *name, int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) == -1)
		return -1;
	if (fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
statefile_open_locked(int dirfd, const char *name, int flags,
    long long deadline, char *err, size_t errlen)
{
	int fd, same;

	for (;;) {
		if ((fd = statefile_open(dirfd, name, flags, err,
		    errlen)) == -1)
			return -1;
		if (statefile_lock(fd, LOCK_EX, deadline) == -1)
			return failed(fd, errno, err, errlen, errno ==
			    EWOULDBLOCK ? "stays locked by another process" :
			    "cannot be locked: %s", strerror(errno));
		if ((same = still_named(dirfd, name, fd)) == 1)
			return fd;
		if (same == -1)
			return failed(fd, errno, err, errlen, "cannot be read: "
			    "%s", strerror(errno));
		/* replaced while we waited: the lock of a file gone */
		close(fd);
	}
}

int
statefile_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * A name.new left by a writer that died is removed first: O_EXCL then
 * makes a fresh file of our own, never one planted there.  Not synced:
 * the lock is held meanwhile, and every shell of the bastion may be
 * waiting for it (a window lost to a power cut lets through one more
 * minute's worth at most; a kill loses nothing, the rename is whole).
 */
static int
replace(int dirfd, const char *name, const void *data, size_t len, int sync,
    char *err, size_t errlen)
{
	char tmp[NAMEMAX + 1];
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s" NEW_SUFFIX, name) >=
	    (int)sizeof(tmp))
		return failed(-1, ENAMETOOLONG, err, errlen, "has too long a "
		    "name");
	if (unlinkat(dirfd, tmp, 0) == -1 && errno != ENOENT)
		return failed(-1, errno, err, errlen, "cannot be rewritten "
		    "(%s" NEW_SUFFIX ": %s)", name, strerror(errno));
	if ((fd = statefile_open(dirfd, tmp, STATEFILE_CREATE, NULL,
	    0)) == -1)
		return failed(-1, errno, err, errlen, "cannot be rewritten "
		    "(%s" NEW_SUFFIX ": %s)", name, strerror(errno));
	if (statefile_write_all(fd, data, len) == -1 ||
	    (sync && fsync(fd) == -1) ||
	    renameat(dirfd, tmp, dirfd, name) == -1) {
		e = errno;
		(void)unlinkat(dirfd, tmp, 0);
		return failed(fd, e, err, errlen, "cannot be rewritten: %s",
		    strerror(e));
	}
	close(fd);
	return 0;
}

int
statefile_replace(int dirfd, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	return replace(dirfd, name, data, len, 0, err, errlen);
}

/*
 * The inventory cache: rewritten once per ttl by one run, and a power
 * cut must not leave an empty file under the name (ext4 may reorder a
 * rename before the data of an unsynced file): synced before the rename.
 */
int
statefile_replace_synced(int dirfd, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	return replace(dirfd, name, data, len, 1, err, errlen);
}
