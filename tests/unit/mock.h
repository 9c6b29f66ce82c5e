/* SPDX-License-Identifier: ISC */
/*
 * The mock cloud (tests/mock/README.md) for the unit tests that talk to
 * it: a mkdtemp folder with the certificates of tests/mock/mkcerts, the
 * mock started there with extra arguments, its three ports, and a stop by
 * the PID it writes to DIR/mock.pid.  Include after unit.h.
 */
#ifndef VG_UNIT_MOCK_H
#define VG_UNIT_MOCK_H

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#define MOCK_PYTHON	"/usr/bin/python3"
#define MOCK_SCRIPT	"tests/mock/mockcloud.py"
#define MOCK_MKCERTS	"tests/mock/mkcerts"
#define MOCK_WAIT_STEPS	600		/* of 25 ms: start-up and exit */

struct mock {
	char	dir[64];	/* certificates, *.port, requests.log */
	char	ca[128];	/* dir/ca.pem */
	pid_t	child;		/* 0: not running */
	int	ecs, sts, imds;	/* ports */
	char	ecs_url[64];	/* https://127.0.0.1:<ecs> */
	char	sts_url[64];	/* https://127.0.0.1:<sts> */
	char	imds_url[64];	/* http://127.0.0.1:<imds> */
};

/* dir/name (static storage). */
static inline const char *
mock_path(const struct mock *m, const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", m->dir, name);
	return p;
}

/* The number in dir/name, or -1. */
static inline int
mock_read_int(const struct mock *m, const char *name)
{
	FILE *f = fopen(mock_path(m, name), "r");
	int v = -1;

	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Run argv in a child, its output appended to dir/mock.err. */
static inline pid_t
mock_spawn(const struct mock *m, char *const argv[])
{
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open(mock_path(m, "mock.err"), O_WRONLY | O_CREAT |
		    O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/*
 * A fresh folder /tmp/vg-<tag>-XXXXXX with the certificates; the mock is
 * not started.  -1 on failure (no assertion: fit for a group setup).
 */
static inline int
mock_init(struct mock *m, const char *tag)
{
	char *argv[] = { (char *)MOCK_MKCERTS, m->dir, NULL };
	pid_t pid;
	int st;

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "/tmp/vg-%s-XXXXXX", tag);
	if (mkdtemp(m->dir) == NULL) {
		m->dir[0] = '\0';
		return -1;
	}
	snprintf(m->ca, sizeof(m->ca), "%s/ca.pem", m->dir);
	if ((pid = mock_spawn(m, argv)) < 0 || waitpid(pid, &st, 0) != pid ||
	    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/*
 * Start the mock with extra arguments (NULL-terminated, or NULL), wait
 * for dir/ecs.port (written last), read the ports.
 */
static inline void
mock_start(struct mock *m, const char *const extra[])
{
	char *argv[16] = { (char *)MOCK_PYTHON, (char *)MOCK_SCRIPT,
	    (char *)"--dir", m->dir };
	size_t n = 4, i;
	int st;

	for (i = 0; extra != NULL && extra[i] != NULL && n < 15; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	/* the folder may have served an earlier mock */
	unlink(mock_path(m, "ecs.port"));
	unlink(mock_path(m, "requests.log"));
	assert_true((m->child = mock_spawn(m, argv)) > 0);
	for (i = 0; i < MOCK_WAIT_STEPS &&
	    access(mock_path(m, "ecs.port"), F_OK) != 0; i++) {
		if (waitpid(m->child, &st, WNOHANG) == m->child) {
			m->child = 0;
			fail_msg("the mock exited; see %s",
			    mock_path(m, "mock.err"));
		}
		usleep(25000);
	}
	m->ecs = mock_read_int(m, "ecs.port");
	m->sts = mock_read_int(m, "sts.port");
	m->imds = mock_read_int(m, "imds.port");
	assert_true(m->ecs > 0 && m->sts > 0 && m->imds > 0);
	snprintf(m->ecs_url, sizeof(m->ecs_url), "https://127.0.0.1:%d",
	    m->ecs);
	snprintf(m->sts_url, sizeof(m->sts_url), "https://127.0.0.1:%d",
	    m->sts);
	snprintf(m->imds_url, sizeof(m->imds_url), "http://127.0.0.1:%d",
	    m->imds);
}

/* SIGTERM by dir/mock.pid, wait; SIGKILL the child if it lingers. */
static inline void
mock_stop(struct mock *m)
{
	int pid = mock_read_int(m, "mock.pid"), i, st;

	if (m->child <= 0)
		return;
	kill(pid > 0 ? pid : m->child, SIGTERM);
	for (i = 0; i < MOCK_WAIT_STEPS; i++) {
		if (waitpid(m->child, &st, WNOHANG) == m->child)
			break;
		usleep(25000);
	}
	if (i == MOCK_WAIT_STEPS) {
		kill(m->child, SIGKILL);
		waitpid(m->child, &st, 0);
	}
	m->child = 0;
	unlink(mock_path(m, "mock.pid"));
}

/* Stop the mock and remove its folder; 0 or -1. */
static inline int
mock_fini(struct mock *m)
{
	mock_stop(m);
	return unit_rm_tree(m->dir);
}

#endif
