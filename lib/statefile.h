/* SPDX-License-Identifier: ISC */
/*
 * Files that vncgate's processes share in a folder of the group vncgate
 * (DESIGN 1.2, 1.7): the rate-limit windows and the inventory cache in
 * limits.state_dir, and the lock of the audit file's folder.  Any local
 * user may run the setgid shell, with any resource limits, and stop or
 * kill it at any instant, so:
 *   - a file is opened with O_NOFOLLOW and checked on the opened fd: a
 *     regular file with one link, or it is refused (a link planted there
 *     could aim a write elsewhere, a FIFO would hang the open);
 *   - a file made here is mode 0660 whatever the invoker's umask;
 *   - a file is rewritten by writing a new one beside it and renaming it
 *     over the old one, so a writer killed, or cut short by RLIMIT_FSIZE,
 *     at any instant leaves the old contents or the new, never a mix;
 *     and the file is always the last writer's, so no invoker keeps one
 *     (a full disk quota of its owner cannot stop the others);
 *   - a lock is polled for until a deadline, never waited for blindly:
 *     a holder that its user stopped (SIGSTOP) delays the others that
 *     long and no longer.
 */
#ifndef VG_STATEFILE_H
#define VG_STATEFILE_H

#include <stddef.h>

#define STATEFILE_MODE		0660
#define STATEFILE_CREATE	0x1	/* statefile_open: make it if missing */

/* vg_now_ms() + timeout_ms: a deadline for statefile_lock. */
long long statefile_deadline(long timeout_ms);

/*
 * flock(fd, op) for op LOCK_SH or LOCK_EX, tried until deadline (a
 * vg_now_ms() time; a past one tries once).  0, or -1 with errno:
 * EWOULDBLOCK when another process still held it at the deadline.
 */
int	statefile_lock(int fd, int op, long long deadline);

/*
 * Open name in the folder dirfd for reading and writing, O_NOFOLLOW and
 * O_NONBLOCK; with STATEFILE_CREATE, made mode 0660 when missing.  Then
 * the opened file must be a regular file with one link.  Returns the fd,
 * or -1 with errno set and, in err, what is wrong with the file as the
 * end of a sentence that names it ("is a symbolic link").
 */
int	statefile_open(int dirfd, const char *name, int flags, char *err,
	    size_t errlen);

/*
 * statefile_open, then an exclusive lock by deadline, on the file that
 * still holds the name once locked: one that another writer replaced
 * while we waited is let go and the new one opened.  err as above.
 */
int	statefile_open_locked(int dirfd, const char *name, int flags,
	    long long deadline, char *err, size_t errlen);

/*
 * Write all len bytes at fd's offset, again after EINTR and after a
 * short write: 0, or -1 with errno (ENOSPC when nothing more went in).
 */
int	statefile_write_all(int fd, const void *data, size_t len);

/*
 * Replace name with len bytes of data: written to "name.new" (made
 * afresh, 0660), then renamed over name (not synced: see statefile.c).
 * The caller holds the lock of the name (statefile_open_locked): the one
 * writer of name.new.  err as above.
 */
int	statefile_replace(int dirfd, const char *name, const void *data,
	    size_t len, char *err, size_t errlen);
/* The same, the new file synced (fsync) before the rename. */
int	statefile_replace_synced(int dirfd, const char *name,
	    const void *data, size_t len, char *err, size_t errlen);

#endif
