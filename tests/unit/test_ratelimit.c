/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: the one-minute windows with injected times, in a mkdtemp
 * state folder.  Every time is T0 plus an offset, so the arithmetic
 * (who is refused, and for how long) is exact.
 */
#include "unit.h"

#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>

#include "ratelimit.h"
#include "util.h"

#define T0	1700000000000LL
#define INST1	"i-bp1hzoinajzkh91h0001"
#define INST2	"i-bp1hzoinajzkh91h0002"

struct fx {
	char			dir[64];
	char			err[VG_ERRLEN];
	struct secfile_policy	pol;
	struct rl_request	rq;
	struct rl_verdict	v;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vg-ratelimit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(chmod(fx->dir, 02770), 0);
	fx->pol.owner = getuid();
	fx->pol.ruid = getuid();
	fx->rq.dir = fx->dir;
	fx->rq.owner = &fx->pol;
	fx->rq.user = "alice";
	fx->rq.instance = INST1;
	fx->rq.user_limit = 10;
	fx->rq.instance_limit = 30;
	*state = fx;
	return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	chmod(fx->dir, 0700);
	assert_int_equal(nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(fx);
	return 0;
}

/* One pair decision for user and instance at T0 + dt. */
static enum rl_result
pair(struct fx *fx, const char *user, const char *inst, long long dt)
{
	fx->rq.user = user;
	fx->rq.instance = inst;
	fx->rq.now_ms = T0 + dt;
	fx->err[0] = '\0';
	return ratelimit_take_pair(&fx->rq, &fx->v, fx->err,
	    sizeof(fx->err));
}

static void
expect_ok(struct fx *fx, const char *user, const char *inst, long long dt)
{
	enum rl_result r = pair(fx, user, inst, dt);

	if (r != RL_OK)
		fail_msg("%s on %s at +%lld: %d (%s)", user, inst, dt, r,
		    fx->err);
}

static void
expect_limited(struct fx *fx, const char *user, const char *inst,
    long long dt, enum rl_scope scope, long long retry)
{
	assert_int_equal(pair(fx, user, inst, dt), RL_LIMITED);
	assert_int_equal(fx->v.scope, scope);
	assert_int_equal(fx->v.retry_after_ms, retry);
}

static char *
path_of(struct fx *fx, enum rl_scope scope, const char *key)
{
	static char path[256];
	char name[RL_NAMEMAX + 1];

	assert_int_equal(ratelimit_file_name(scope, key, name, sizeof(name)),
	    0);
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return path;
}

static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The 4th issuance within a minute is refused until the 1st is 60 s old. */
static void
test_limit_reached_and_retry_exact(void **state)
{
	struct fx *fx = *state;

	fx->rq.user_limit = 3;
	expect_ok(fx, "alice", INST1, 0);
	expect_ok(fx, "alice", INST1, 1000);
	expect_ok(fx, "alice", INST1, 2000);
	expect_limited(fx, "alice", INST1, 3000, RL_USER, 57000);
	expect_limited(fx, "alice", INST1, 59999, RL_USER, 1);
}

static void
test_slides_out_after_a_minute(void **state)
{
	struct fx *fx = *state;

	fx->rq.user_limit = 3;
	expect_ok(fx, "alice", INST1, 0);
	expect_ok(fx, "alice", INST1, 1000);
	expect_ok(fx, "alice", INST1, 2000);
	/* refusals are not recorded: they do not push the window on */
	expect_limited(fx, "alice", INST1, 30000, RL_USER, 30000);
	expect_ok(fx, "alice", INST1, 60000);
	/* now +1000, +2000 and +60000 are in: the next room is at +61000 */
	expect_limited(fx, "alice", INST1, 60001, RL_USER, 999);
	expect_ok(fx, "alice", INST1, 61000);
	expect_ok(fx, "alice", INST1, 62000);
	expect_limited(fx, "alice", INST1, 62000, RL_USER, 58000);
}

/* A user's refusal costs the instance nothing; others still get in. */
static void
test_user_scope(void **state)
{
	struct fx *fx = *state;

	fx->rq.user_limit = 2;
	fx->rq.instance_limit = 3;
	expect_ok(fx, "alice", INST1, 0);
	expect_ok(fx, "alice", INST1, 10);
	expect_limited(fx, "alice", INST1, 20, RL_USER, 59980);
	expect_limited(fx, "alice", INST2, 20, RL_USER, 59980);
	expect_ok(fx, "bob", INST1, 30);
	expect_limited(fx, "carol", INST1, 40, RL_INSTANCE, 59960);
}

static void
test_instance_scope(void **state)
{
	struct fx *fx = *state;

	fx->rq.instance_limit = 2;
	expect_ok(fx, "alice", INST1, 0);
	expect_ok(fx, "bob", INST1, 5000);
	expect_limited(fx, "carol", INST1, 6000, RL_INSTANCE, 54000);
	/* another instance has its own window */
	expect_ok(fx, "carol", INST2, 6000);
	/* carol's refusal on INST1 did not count against her */
	fx->rq.user_limit = 2;
	expect_ok(fx, "carol", INST2, 7000);
	expect_limited(fx, "carol", INST2, 8000, RL_USER, 58000);
}

/* Both full: the user's window is named, the wait covers both. */
static void
test_both_full(void **state)
{
	struct fx *fx = *state;

	fx->rq.user_limit = 1;
	fx->rq.instance_limit = 1;
	expect_ok(fx, "bob", INST1, 0);
	expect_ok(fx, "alice", INST2, 20000);
	expect_limited(fx, "alice", INST1, 30000, RL_USER, 50000);
}

static void
test_limit_zero_is_unlimited(void **state)
{
	struct fx *fx = *state;
	int i;

	fx->rq.user_limit = 0;
	fx->rq.instance_limit = 60;
	for (i = 0; i < 50; i++)
		expect_ok(fx, "alice", INST1, i);
	assert_int_equal(file_size(path_of(fx, RL_USER, "alice")), -1);
	fx->rq.user_limit = 60;
	fx->rq.instance_limit = 0;
	for (i = 0; i < 50; i++)
		expect_ok(fx, "bob", INST1, 100 + i);
	assert_int_equal(file_size(path_of(fx, RL_INSTANCE, INST1)), 50 * 17);
	assert_int_equal(file_size(path_of(fx, RL_USER, "bob")), 50 * 17);
	/* no limits at all: the folder is not even needed */
	fx->rq.user_limit = 0;
	fx->rq.dir = "/nonexistent/vncgate-state";
	expect_ok(fx, "alice", INST1, 200);
}

static void
test_single_window(void **state)
{
	struct fx *fx = *state;
	long long retry = -1;
	int fd;

	fd = ratelimit_dir_open(fx->dir, &fx->pol, fx->err, sizeof(fx->err));
	assert_true(fd >= 0);
	assert_int_equal(ratelimit_take(fd, RL_INSTANCE, INST1, 1, T0, &retry,
	    fx->err, sizeof(fx->err)), RL_OK);
	assert_int_equal(retry, 0);
	assert_int_equal(ratelimit_take(fd, RL_INSTANCE, INST1, 1, T0 + 100,
	    &retry, fx->err, sizeof(fx->err)), RL_LIMITED);
	assert_int_equal(retry, 59900);
	assert_int_equal(ratelimit_take(fd, RL_INSTANCE, INST1, 0, T0 + 100,
	    &retry, fx->err, sizeof(fx->err)), RL_OK);
	close(fd);
}

/* A user name is never a path, and an odd instance ID is refused. */
static void
test_file_names(void **state)
{
	struct fx *fx = *state;
	char name[RL_NAMEMAX + 1];

	assert_int_equal(ratelimit_file_name(RL_USER, "../../etc/passwd",
	    name, sizeof(name)), 0);
	assert_int_equal(strlen(name), 66);
	assert_int_equal(strncmp(name, "u-", 2), 0);
	assert_int_equal(strspn(name + 2, "0123456789abcdef"), 64);
	assert_int_equal(ratelimit_file_name(RL_INSTANCE, INST1, name,
	    sizeof(name)), 0);
	assert_string_equal(name, "i-" INST1);
	assert_int_equal(ratelimit_file_name(RL_INSTANCE, "../x", name,
	    sizeof(name)), -1);
	assert_int_equal(pair(fx, "alice", "../x", 0), RL_ERROR);
	assert_non_null(strstr(fx->err, "no rate-limit window"));
	expect_ok(fx, "../../etc/passwd", INST1, 0);
	assert_int_equal(file_size(path_of(fx, RL_USER, "../../etc/passwd")),
	    17);
}

/* A window another shell created under umask 077 still opens for all. */
static void
test_file_mode_ignores_umask(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	mode_t old = umask(077);

	expect_ok(fx, "alice", INST1, 0);
	umask(old);
	assert_int_equal(stat(path_of(fx, RL_USER, "alice"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Fail closed: a window we cannot read refuses, and records nothing. */
static void
test_corrupt_file(void **state)
{
	struct fx *fx = *state;

	write_text(path_of(fx, RL_USER, "alice"), "garbage\n");
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	assert_non_null(strstr(fx->err, "is corrupt"));
	assert_int_equal(file_size(path_of(fx, RL_INSTANCE, INST1)), -1);
	/* right length, wrong bytes */
	write_text(path_of(fx, RL_USER, "alice"), "00017000000000x0\n");
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	write_text(path_of(fx, RL_INSTANCE, INST1), "1700000000000\n");
	assert_int_equal(pair(fx, "bob", INST1, 0), RL_ERROR);
	assert_non_null(strstr(fx->err, "i-" INST1));
}

/*
 * What a rewrite cut short leaves (whole old records after the new
 * ones) is read, and counts: the limit holds.
 */
static void
test_torn_tail_counts(void **state)
{
	struct fx *fx = *state;
	char text[256];

	snprintf(text, sizeof(text), "%016lld\n%016lld\n%016lld\n%016lld\n",
	    T0 + 3000, T0 + 4000, T0 + 1000, T0 + 2000);
	write_text(path_of(fx, RL_USER, "alice"), text);
	fx->rq.user_limit = 4;
	expect_limited(fx, "alice", INST1, 5000, RL_USER, 56000);
	/* a lowered limit: the 3rd youngest must leave first */
	fx->rq.user_limit = 2;
	expect_limited(fx, "alice", INST1, 5000, RL_USER, 58000);
}

/* A clock stepped back an hour does not block the user for an hour. */
static void
test_clock_step_back(void **state)
{
	struct fx *fx = *state;
	char text[64];

	snprintf(text, sizeof(text), "%016lld\n", T0 + 3600000);
	write_text(path_of(fx, RL_USER, "alice"), text);
	fx->rq.user_limit = 1;
	expect_ok(fx, "alice", INST1, 0);
	expect_limited(fx, "alice", INST1, 1, RL_USER, 59999);
}

static int
lock_file(const char *path, int how)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660), e;

	assert_true(fd >= 0);
	if (flock(fd, how) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* 1 once some other process holds the lock on path. */
static int
held_elsewhere(const char *path)
{
	int fd, i;

	for (i = 0; i < 4000; i++) {
		if (access(path, F_OK) == 0) {
			fd = lock_file(path, LOCK_EX | LOCK_NB);
			if (fd == -1)
				return errno == EWOULDBLOCK;
			close(fd);
		}
		usleep(2000);
	}
	return 0;
}

/*
 * The lock order: while the instance window is busy, a shell already
 * holds the user's window and waits; it never holds the instance first.
 */
static void
test_lock_order(void **state)
{
	struct fx *fx = *state;
	char upath[256];
	int ifd, status;
	pid_t pid;

	snprintf(upath, sizeof(upath), "%s", path_of(fx, RL_USER, "alice"));
	ifd = lock_file(path_of(fx, RL_INSTANCE, INST1), LOCK_EX);
	assert_true(ifd >= 0);
	fx->rq.now_ms = T0;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the lock is the open file's: the child's copy would keep it */
		close(ifd);
		_exit(ratelimit_take_pair(&fx->rq, &fx->v, fx->err,
		    sizeof(fx->err)));
	}
	assert_true(held_elsewhere(upath));
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	close(ifd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), RL_OK);
	assert_int_equal(file_size(upath), 17);
	assert_int_equal(file_size(path_of(fx, RL_INSTANCE, INST1)), 17);
}

static void
expect_bad_dir(struct fx *fx, const char *dir, const char *why)
{
	fx->rq.dir = dir;
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	if (strstr(fx->err, why) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", dir, fx->err, why);
	assert_non_null(strstr(fx->err, dir));
}

static void
test_bad_state_dir(void **state)
{
	struct fx *fx = *state;
	char path[128], link[128], file[128], ww[128];

	snprintf(path, sizeof(path), "%s/missing", fx->dir);
	expect_bad_dir(fx, path, "does not exist");
	snprintf(ww, sizeof(ww), "%s/open", fx->dir);
	assert_int_equal(mkdir(ww, 0700), 0);
	assert_int_equal(chmod(ww, 01777), 0);
	expect_bad_dir(fx, ww, "writable by others");
	snprintf(link, sizeof(link), "%s/link", fx->dir);
	assert_int_equal(symlink(fx->dir, link), 0);
	expect_bad_dir(fx, link, "symbolic link");
	snprintf(file, sizeof(file), "%s/file", fx->dir);
	write_text(file, "");
	expect_bad_dir(fx, file, "not a folder");
	fx->pol.owner = getuid() + 1;
	fx->pol.ruid = getuid() + 1;
	expect_bad_dir(fx, fx->dir, "wrong owner");
	fx->rq.dir = "state";
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	assert_non_null(strstr(fx->err, "absolute"));
}

/* A window that is not a regular file (a fifo would hang) is refused. */
static void
test_window_not_regular(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mkfifo(path_of(fx, RL_USER, "alice"), 0660), 0);
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	assert_non_null(strstr(fx->err, "not a regular file"));
	assert_int_equal(unlink(path_of(fx, RL_USER, "alice")), 0);
	assert_int_equal(symlink("/etc/passwd", path_of(fx, RL_USER,
	    "alice")), 0);
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
}

/* One run of a user the ACL reaches nowhere, at T0 + dt. */
static enum rl_result
run(struct fx *fx, long long dt)
{
	fx->rq.user = "mallory";
	fx->rq.now_ms = T0 + dt;
	fx->err[0] = '\0';
	return ratelimit_take_run(&fx->rq, &fx->v, fx->err,
	    sizeof(fx->err));
}

/*
 * Runs count like issuances; a full window refuses them all, and only
 * the first refusal within a minute is to be recorded.
 */
static void
test_run_limit_records_once(void **state)
{
	struct fx *fx = *state;
	long long dt;

	fx->rq.user_limit = 3;
	assert_int_equal(run(fx, 0), RL_OK);
	assert_int_equal(run(fx, 30000), RL_OK);
	assert_int_equal(run(fx, 30001), RL_OK);
	assert_int_equal(run(fx, 30002), RL_LIMITED);
	assert_int_equal(fx->v.scope, RL_USER);
	assert_int_equal(fx->v.record, 1);
	assert_int_equal(fx->v.retry_after_ms, 60000 - 30002);
	for (dt = 30003; dt < 30040; dt += 3) {
		assert_int_equal(run(fx, dt), RL_LIMITED);
		assert_int_equal(fx->v.record, 0);
	}
	/* the first run left the window: room for one */
	assert_int_equal(run(fx, 60001), RL_OK);
	/* full again, within a minute of the recorded refusal: silent */
	assert_int_equal(run(fx, 60002), RL_LIMITED);
	assert_int_equal(fx->v.record, 0);
	/* full again more than a minute after it: recorded again */
	assert_int_equal(run(fx, 90003), RL_OK);
	assert_int_equal(run(fx, 90004), RL_OK);
	assert_int_equal(run(fx, 90005), RL_LIMITED);
	assert_int_equal(fx->v.record, 1);
	/* the refusals did not count as runs: three runs and the mark */
	assert_int_equal(file_size(path_of(fx, RL_USER, "mallory")), 4 * 17);
	/* and issuances see the same window */
	expect_limited(fx, "mallory", INST1, 90006, RL_USER, 29995);
}

/* No user limit: runs are not counted, and no file is made. */
static void
test_run_limit_off(void **state)
{
	struct fx *fx = *state;

	fx->rq.user_limit = 0;
	assert_int_equal(run(fx, 0), RL_OK);
	assert_int_equal(file_size(path_of(fx, RL_USER, "mallory")), -1);
}

/*
 * A window held (by a shell stopped while it held it): refused when the
 * deadline passes, not before and not never; nothing recorded.
 */
static void
test_lock_deadline(void **state)
{
	struct fx *fx = *state;
	long long t0, ms;
	int ifd;

	ifd = lock_file(path_of(fx, RL_INSTANCE, INST1), LOCK_EX);
	assert_true(ifd >= 0);
	fx->rq.lock_timeout_ms = 600;
	alarm(10);	/* a wait past the deadline kills the test */
	t0 = vg_now_ms();
	assert_int_equal(pair(fx, "alice", INST1, 0), RL_ERROR);
	ms = vg_now_ms() - t0;
	assert_true(ms >= 600);
	assert_true(ms < 2500);
	assert_non_null(strstr(fx->err, "stays locked"));
	alarm(0);
	assert_int_equal(file_size(path_of(fx, RL_USER, "alice")), 0);
	close(ifd);
	expect_ok(fx, "alice", INST1, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_limit_reached_and_retry_exact),
		T(test_slides_out_after_a_minute),
		T(test_user_scope),
		T(test_instance_scope),
		T(test_both_full),
		T(test_limit_zero_is_unlimited),
		T(test_single_window),
		T(test_file_names),
		T(test_file_mode_ignores_umask),
		T(test_run_limit_records_once),
		T(test_run_limit_off),
		T(test_lock_deadline),
		T(test_corrupt_file),
		T(test_torn_tail_counts),
		T(test_clock_step_back),
		T(test_lock_order),
		T(test_bad_state_dir),
		T(test_window_not_regular),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
