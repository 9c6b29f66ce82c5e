/* SPDX-License-Identifier: ISC */
/*
 * Who holds a lock (lockholder.h): /proc/locks for the holders of a
 * file's lock, /proc/PID/stat and /proc/PID/status for one holder's
 * state and ids.  Read only; what to do about a holder is the caller's.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lockholder.h"
#include "util.h"

#define PROC_LOCKS	"/proc/locks"
#define LINEMAX		512	/* a line of /proc/locks is under 100 */
#define STATUSMAX	8192	/* /proc/PID/status is about 1500 bytes */

/*
 * One line of /proc/locks, "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INO
 * START END": 1 with its pid when it is a lock held on (dev, ino), else
 * 0.  MAJ and MIN are hex, INO decimal.  A waiter's line ("N: -> ...")
 * holds nothing; an OFD lock's pid is -1, and 0 names a process outside
 * our pid namespace: neither names a process we could look at.
 */
static int
held_on(const char *line, dev_t dev, ino_t ino, pid_t *pid)
{
	unsigned int maj, mnr;
	unsigned long long i;
	long p;

	if ((line = strchr(line, ':')) == NULL)
		return 0;
	line += strspn(line + 1, " ") + 1;
	if (strncmp(line, "->", 2) == 0)
		return 0;
	if (sscanf(line, "%*s %*s %*s %ld %x:%x:%llu", &p, &maj, &mnr,
	    &i) != 4 || p <= 0)
		return 0;
	if (maj != major(dev) || mnr != minor(dev) || i != (unsigned long
	    long)ino)
		return 0;
	*pid = (pid_t)p;
	return 1;
}

/* The rest of a line longer than buf, read and dropped. */
static void
skip_rest(FILE *f, const char *buf)
{
	int c;

	if (strchr(buf, '\n') != NULL)
		return;
	while ((c = getc(f)) != EOF && c != '\n')
		;
}

int
lockholder_pids(int fd, pid_t *pids, size_t max)
{
	char line[LINEMAX];
	struct stat st;
	size_t n = 0;
	pid_t pid;
	FILE *f;

	if (fstat(fd, &st) == -1 || (f = fopen(PROC_LOCKS, "re")) == NULL)
		return -1;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		if (held_on(line, st.st_dev, st.st_ino, &pid))
			pids[n++] = pid;
		skip_rest(f, line);
	}
	fclose(f);
	return (int)n;
}

/* The whole of a small /proc file, NUL-terminated; -1 with errno. */
static int
read_proc(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, what);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	n = vg_read_full(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * "PID (COMM) S ...": the state after the last ')', since COMM is the
 * program's name, any user's to choose, and may hold ") T".
 */
static int
parse_state(const char *stat, char *state)
{
	const char *p = strrchr(stat, ')');

	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	*state = p[2];
	return 0;
}

/* "KEY:\tA\tB\tC\tD" of /proc/PID/status, at the start of a line. */
static int
parse_ids(const char *status, const char *key, unsigned long ids[4])
{
	const char *p = status;
	size_t klen = strlen(key);

	while (p != NULL && strncmp(p, key, klen) != 0)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || sscanf(p + klen, "%lu %lu %lu %lu", &ids[0],
	    &ids[1], &ids[2], &ids[3]) != 4)
		return -1;
	return 0;
}

int
lockholder_proc(pid_t pid, struct lockholder_proc *h)
{
	char stat[1024], status[STATUSMAX];
	unsigned long uid[4], gid[4];
	size_t i;

	memset(h, 0, sizeof(*h));
	h->pid = pid;
	if (read_proc(pid, "stat", stat, sizeof(stat)) == -1 ||
	    read_proc(pid, "status", status, sizeof(status)) == -1)
		return -1;
	if (parse_state(stat, &h->state) == -1 ||
	    parse_ids(status, "Uid:", uid) == -1 ||
	    parse_ids(status, "Gid:", gid) == -1) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < 4; i++) {
		h->uid[i] = (uid_t)uid[i];
		h->gid[i] = (gid_t)gid[i];
	}
	return 0;
}
