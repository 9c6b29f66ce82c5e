/* SPDX-License-Identifier: ISC */
/*
 * lockholder: who holds a lock and in what state, as pam_vncgate reads
 * it before it kills a stopped shell that holds the audit lock (DESIGN
 * 1.9).  A wrong answer there kills a process that holds nothing, or
 * one that runs; so: the holder is the process that took the lock, a
 * waiter is none, a stopped process reads as stopped, and a program
 * name that looks like a state cannot pass for one.
 */
#include "unit.h"

#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include "lockholder.h"

struct fx {
	char	dir[64];
	int	fd;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_tmpdir(fx->dir, sizeof(fx->dir), "lockholder");
	fx->fd = open(fx->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fx->fd >= 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	close(fx->fd);
	assert_int_equal(unit_rm_tree(fx->dir), 0);
	free(fx);
	return 0;
}

/* A child that locks the folder with op (LOCK_NB or not) and stops. */
static pid_t
child_locks(const char *dir, int op)
{
	pid_t pid = fork();
	int fd;

	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (fd == -1 || flock(fd, op) == -1)
			_exit(1);
		raise(SIGSTOP);
		pause();
		_exit(0);
	}
	return pid;
}

static void
end_child(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

static void
test_stopped_holder(void **state)
{
	struct fx *fx = *state;
	struct lockholder_proc h;
	pid_t pids[LOCKHOLDER_MAX], pid;
	int st;

	pid = child_locks(fx->dir, LOCK_EX);
	assert_int_equal(waitpid(pid, &st, WUNTRACED), pid);
	assert_true(WIFSTOPPED(st));
	assert_int_equal(lockholder_pids(fx->fd, pids, LOCKHOLDER_MAX), 1);
	assert_int_equal(pids[0], pid);
	assert_int_equal(lockholder_proc(pid, &h), 0);
	assert_int_equal(h.state, 'T');
	assert_int_equal(h.uid[1], geteuid());
	assert_int_equal(h.gid[1], getegid());
	end_child(pid);
	/* killed: its lock goes with it */
	assert_int_equal(lockholder_pids(fx->fd, pids, LOCKHOLDER_MAX), 0);
	assert_int_equal(lockholder_proc(pid, &h), -1);
	assert_int_equal(errno, ESRCH);
}

/* A process blocked in flock waits for the lock: it holds nothing. */
static void
test_waiter_holds_nothing(void **state)
{
	struct fx *fx = *state;
	struct lockholder_proc h;
	pid_t pids[LOCKHOLDER_MAX], pid;
	int i;

	assert_int_equal(flock(fx->fd, LOCK_EX), 0);
	pid = child_locks(fx->dir, LOCK_EX);
	/* until the child sleeps in its flock */
	for (i = 0; i < 200; i++) {
		assert_int_equal(lockholder_proc(pid, &h), 0);
		if (h.state == 'S')
			break;
		usleep(10000);
	}
	assert_int_equal(h.state, 'S');
	assert_int_equal(lockholder_pids(fx->fd, pids, LOCKHOLDER_MAX), 1);
	assert_int_equal(pids[0], getpid());
	end_child(pid);
	assert_int_equal(flock(fx->fd, LOCK_UN), 0);
}

/* The program's name is anyone's: ") T (" must not read as stopped. */
static void
test_name_is_not_state(void **state)
{
	struct lockholder_proc h;
	pid_t pid;
	int i;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, ") T (", 0, 0, 0);
		pause();
		_exit(0);
	}
	for (i = 0; i < 200; i++) {
		assert_int_equal(lockholder_proc(pid, &h), 0);
		if (h.state == 'S')
			break;
		usleep(10000);
	}
	assert_int_equal(h.state, 'S');
	end_child(pid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_stopped_holder),
		T(test_waiter_holds_nothing),
		T(test_name_is_not_state),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
