/* SPDX-License-Identifier: ISC */
/*
 * statefile: the rules for files the shells share in the state folder
 * (DESIGN 1.7) and the lock with a deadline (1.2).  What a hostile
 * invoker could try: a link or a FIFO in place of a file, a hard link,
 * a stale new file of a writer that died, a lock held for ever, a write
 * cut short by RLIMIT_FSIZE.
 */
#include "unit.h"

#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include "statefile.h"
#include "util.h"

struct fx {
	char	dir[64];
	int	dirfd;
	char	err[VG_ERRLEN];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_tmpdir(fx->dir, sizeof(fx->dir), "statefile");
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fx->dirfd >= 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	close(fx->dirfd);
	assert_int_equal(nftw(fx->dir, unit_rm_one, 8,
	    FTW_DEPTH | FTW_PHYS), 0);
	free(fx);
	return 0;
}

/* Two at a time may be in use (link(path(a), path(b))). */
static const char *
path(struct fx *fx, const char *name)
{
	static char p[2][160];
	static int i;

	i = !i;
	snprintf(p[i], sizeof(p[i]), "%s/%s", fx->dir, name);
	return p[i];
}

static void
write_text(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
read_text(const char *p)
{
	static char buf[256];
	ssize_t n;
	int fd = open(p, O_RDONLY);

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* Made 0660 whatever the umask, so every shell of the group can write. */
static void
test_made_0660(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	mode_t old;
	int fd;

	old = umask(077);
	fd = statefile_open(fx->dirfd, "w", STATEFILE_CREATE, fx->err,
	    sizeof(fx->err));
	umask(old);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(path(fx, "w"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	/* without STATEFILE_CREATE a missing file stays missing */
	assert_int_equal(statefile_open(fx->dirfd, "none", 0, fx->err,
	    sizeof(fx->err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(access(path(fx, "none"), F_OK), -1);
}

static void
expect_refused(struct fx *fx, const char *name, const char *why)
{
	assert_int_equal(statefile_open(fx->dirfd, name, STATEFILE_CREATE,
	    fx->err, sizeof(fx->err)), -1);
	if (strstr(fx->err, why) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", name, fx->err, why);
}

/* A link, a FIFO, a folder, a hard link: refused, none followed. */
static void
test_refusals(void **state)
{
	struct fx *fx = *state;

	write_text(path(fx, "victim"), "victim");
	assert_int_equal(symlink(path(fx, "victim"), path(fx, "link")), 0);
	expect_refused(fx, "link", "symbolic link");
	assert_int_equal(symlink(path(fx, "nowhere"), path(fx, "dangling")),
	    0);
	expect_refused(fx, "dangling", "symbolic link");
	assert_int_equal(access(path(fx, "nowhere"), F_OK), -1);
	assert_int_equal(mkfifo(path(fx, "fifo"), 0660), 0);
	expect_refused(fx, "fifo", "not a regular file");
	assert_int_equal(mkdir(path(fx, "dir"), 0770), 0);
	expect_refused(fx, "dir", "cannot be opened");
	assert_int_equal(link(path(fx, "victim"), path(fx, "hard")), 0);
	expect_refused(fx, "hard", "more than one link");
	expect_refused(fx, "a/b", "not a name");
	assert_string_equal(read_text(path(fx, "victim")), "victim");
}

/* Replaced whole: a new file (a new inode) holds the new bytes. */
static void
test_replace(void **state)
{
	struct fx *fx = *state;
	struct stat a, b;

	write_text(path(fx, "w"), "old\n");
	assert_int_equal(stat(path(fx, "w"), &a), 0);
	/* a new file left by a writer that died, even a link */
	assert_int_equal(symlink(path(fx, "victim"), path(fx, "w.new")), 0);
	assert_int_equal(statefile_replace(fx->dirfd, "w", "new\n", 4,
	    fx->err, sizeof(fx->err)), 0);
	assert_string_equal(read_text(path(fx, "w")), "new\n");
	assert_int_equal(stat(path(fx, "w"), &b), 0);
	assert_true(a.st_ino != b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0660);
	assert_int_equal(access(path(fx, "w.new"), F_OK), -1);
	assert_int_equal(access(path(fx, "victim"), F_OK), -1);
}

/*
 * A write cut short (RLIMIT_FSIZE, SIGXFSZ ignored as the shell does):
 * the old contents stay whole, and no new file is left behind.
 */
static void
test_replace_cut_short(void **state)
{
	struct fx *fx = *state;
	struct rlimit rl;
	char big[4096];
	pid_t pid;
	int st;

	write_text(path(fx, "w"), "old\n");
	memset(big, '7', sizeof(big));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = 100;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		_exit(statefile_replace(fx->dirfd, "w", big, sizeof(big),
		    fx->err, sizeof(fx->err)) == -1 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(read_text(path(fx, "w")), "old\n");
	assert_int_equal(access(path(fx, "w.new"), F_OK), -1);
}

/* A child holds fd's file locked until told; its pid. */
static pid_t
hold(const char *p, int *release)
{
	int pp[2], fd;
	pid_t pid;
	char c;

	assert_int_equal(pipe(pp), 0);
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pp[1]);
		_exit(read(pp[0], &c, 1) == -1);
	}
	close(fd);
	close(pp[0]);
	*release = pp[1];
	return pid;
}

/* Held elsewhere: refused at the deadline, not before, not for ever. */
static void
test_lock_deadline(void **state)
{
	struct fx *fx = *state;
	long long t0, ms;
	int release, fd, st;
	pid_t pid;

	write_text(path(fx, "w"), "");
	pid = hold(path(fx, "w"), &release);
	alarm(10);	/* a wait past the deadline kills the test */
	t0 = vg_now_ms();
	fd = statefile_open_locked(fx->dirfd, "w", 0,
	    statefile_deadline(700), fx->err, sizeof(fx->err));
	ms = vg_now_ms() - t0;
	assert_int_equal(fd, -1);
	assert_true(ms >= 700);
	assert_true(ms < 2500);
	assert_non_null(strstr(fx->err, "stays locked"));
	/* a past deadline tries once */
	t0 = vg_now_ms();
	fd = open(path(fx, "w"), O_RDWR);
	assert_int_equal(statefile_lock(fd, LOCK_SH, 0), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_true(vg_now_ms() - t0 < 500);
	alarm(0);
	close(release);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(statefile_lock(fd, LOCK_SH, 0), 0);
	close(fd);
}

/*
 * Replaced while we waited: the lock taken is on the file that holds the
 * name now, not on the one that was renamed away.
 */
static void
test_lock_follows_replacement(void **state)
{
	struct fx *fx = *state;
	int pp[2], fd, st;
	struct stat now;
	ino_t locked;
	pid_t pid;

	write_text(path(fx, "w"), "old\n");
	fd = open(path(fx, "w"), O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(pipe(pp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat mine;
		int w;

		close(fd);
		w = statefile_open_locked(fx->dirfd, "w", 0,
		    statefile_deadline(5000), fx->err, sizeof(fx->err));
		if (w == -1 || fstat(w, &mine) == -1)
			_exit(2);
		_exit(write(pp[1], &mine.st_ino, sizeof(mine.st_ino)) ==
		    sizeof(mine.st_ino) ? 0 : 3);
	}
	close(pp[1]);
	usleep(300000);		/* the child waits for the old file */
	assert_int_equal(statefile_replace(fx->dirfd, "w", "new\n", 4,
	    fx->err, sizeof(fx->err)), 0);
	close(fd);
	assert_int_equal(read(pp[0], &locked, sizeof(locked)),
	    (ssize_t)sizeof(locked));
	close(pp[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(stat(path(fx, "w"), &now), 0);
	assert_int_equal(locked, now.st_ino);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_made_0660),
		T(test_refusals),
		T(test_replace),
		T(test_replace_cut_short),
		T(test_lock_deadline),
		T(test_lock_follows_replacement),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
