/* SPDX-License-Identifier: ISC */
/*
 * Who holds a lock, and in what state (DESIGN 1.2, 1.9).  Any local user
 * may stop the setgid shell while it holds the audit file's lock: every
 * other writer then waits its deadline and fails, pam_vncgate's session
 * stage included, so nobody could log in to end the stopped process.
 * pam_vncgate (root) asks here who holds the lock and breaks it; the
 * policy (which holder, the kill) is the module's, this only reads
 * /proc.
 */
#ifndef VG_LOCKHOLDER_H
#define VG_LOCKHOLDER_H

#include <stddef.h>
#include <sys/types.h>

/* holders looked at: a shared lock may have many */
#define LOCKHOLDER_MAX	8

/* One process, from /proc/PID/stat and /proc/PID/status. */
struct lockholder_proc {
	pid_t	pid;
	char	state;		/* 'R', 'S', 'T' stopped, 't' traced ... */
	uid_t	uid[4];		/* real, effective, saved, filesystem */
	gid_t	gid[4];		/* the same four */
};

/*
 * The processes that hold a lock (flock, POSIX or OFD) on fd's file, as
 * /proc/locks names them: a flock by the pid that took it, an OFD lock
 * by none (skipped).  Waiters are not holders.  Up to max pids; returns
 * how many, or -1 with errno.
 */
int	lockholder_pids(int fd, pid_t *pids, size_t max);

/* pid's state and ids; -1 with errno (ESRCH when it is gone). */
int	lockholder_proc(pid_t pid, struct lockholder_proc *);

#endif
