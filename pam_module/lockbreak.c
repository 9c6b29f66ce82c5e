/* SPDX-License-Identifier: ISC */
/*
 * Breaking the audit lock that a stopped shell holds (DESIGN 1.2, 1.9).
 *
 * The threat: any local account runs the setgid shell, stops it (kill
 * -STOP; /proc/locks tells them when it holds the lock of the audit
 * file's folder) and leaves it stopped.  Every other writer then waits
 * audit.lock_timeout and fails closed, and with "session required
 * pam_vncgate.so" so does every SSH login, the admins' included: nobody
 * could get in to end the stopped process.  The user cannot be trusted
 * to continue it, and the shell cannot signal another uid's process; we
 * run as root inside sshd, so at the deadline we can.
 *
 * Killed: a holder that is stopped (state T, or t when traced), none of
 * whose uids is root's, and whose effective gid is the folder's group:
 * the setgid shell, stopped by its user.  A shell killed in the middle
 * of its write leaves a torn tail, which the next writer cuts and
 * records (audit_repair).  Anything else (a holder that runs, root's
 * own, another group's) is left alone: the record fails closed as ever.
 * The kill goes through a pidfd opened before the checks, so a pid
 * reused meanwhile can never be the one killed.
 */
#include <sys/pidfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lockholder.h"
#include "pam_vncgate.h"

/* Is pid still among the lock's holders? */
static int
still_holds(int lockfd, pid_t pid)
{
	pid_t pids[LOCKHOLDER_MAX];
	int i, n;

	n = lockholder_pids(lockfd, pids, LOCKHOLDER_MAX);
	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* The stopped setgid shell of a user: see above. */
static int
breakable(const struct lockholder_proc *h, gid_t group)
{
	size_t i;

	if (h->state != 'T' && h->state != 't')
		return 0;
	for (i = 0; i < 4; i++)
		if (h->uid[i] == 0)
			return 0;
	return h->gid[1] == group;
}

/*
 * Kill pid when it is a breakable holder of the lock: 1 when killed.
 * The pidfd first, then the checks on /proc/PID: a pid that ended and
 * was reused after the pidfd was opened is checked, but the signal goes
 * to the process the pidfd names, which is gone (ESRCH).
 */
static int
kill_holder(struct pvg *g, int lockfd, pid_t pid, gid_t group)
{
	struct lockholder_proc h;
	int pfd, killed = 0;

	if ((pfd = pidfd_open(pid, 0)) == -1)
		return 0;
	if (lockholder_proc(pid, &h) == 0 && breakable(&h, group) &&
	    still_holds(lockfd, pid) &&
	    pidfd_send_signal(pfd, SIGKILL, NULL, 0) == 0) {
		killed = 1;
		pvg_log(g, LOG_WARNING, "killed pid %ld (uid %lu), a process "
		    "of the group vncgate stopped while it held the lock of "
		    "the audit file %s for more than %ld s: it stopped every "
		    "record and login", (long)pid, (unsigned long)h.uid[0],
		    g->conf.audit.file, (long)g->conf.audit.lock_timeout);
	}
	close(pfd);
	return killed;
}

int
pvg_lockbreak(void *ctx, int lockfd)
{
	struct pvg *g = ctx;
	pid_t pids[LOCKHOLDER_MAX];
	struct stat st;
	int i, n, killed = 0;

	if (fstat(lockfd, &st) == -1 ||
	    (n = lockholder_pids(lockfd, pids, LOCKHOLDER_MAX)) == -1) {
		pvg_log(g, LOG_ERR, "the holder of the audit file's lock is "
		    "not known: %s", strerror(errno));
		return 0;
	}
	for (i = 0; i < n; i++)
		killed |= kill_holder(g, lockfd, pids[i], st.st_gid);
	return killed;
}
