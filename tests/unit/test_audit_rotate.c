/* SPDX-License-Identifier: ISC */
/*
 * The chained audit file against rotation and hostile invokers (DESIGN
 * 1.2, 1.7, 1.13): a file that logrotate emptied continues the chain of
 * PATH.1; the lock of the chain has a deadline, so a holder that was
 * stopped delays a writer that long and no longer; a file made at
 * install is never made here, must be root's, and is waited for while a
 * rotation has it missing.
 */
#include "unit.h"

#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>

#include "audit.h"
#include "util.h"

#define ZEROS	"00000000000000000000000000000000" \
		"00000000000000000000000000000000"

struct fixture {
	char	dir[64];
	char	path[128];
	char	prev[160];	/* path.1 */
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_tmpdir(fx->dir, sizeof(fx->dir), "audit-rotate");
	snprintf(fx->path, sizeof(fx->path), "%s/audit.log", fx->dir);
	snprintf(fx->prev, sizeof(fx->prev), "%s.1", fx->path);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(nftw(fx->dir, unit_rm_one, 8,
	    FTW_DEPTH | FTW_PHYS), 0);
	free(fx);
	return 0;
}

static int
append(struct audit_file *af, struct audit_chain *c, char *err)
{
	struct audit_rec rec;
	int rc;

	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_set(&rec, "name", "web-1"), 0);
	rc = audit_file_append(af, &rec, NULL, c, err, VG_ERRLEN);
	audit_rec_free(&rec);
	return rc;
}

static void
open_with(struct audit_file *af, const char *path, long ms, int installed)
{
	struct audit_file_opts o = { ms, installed, NULL, NULL };
	char err[VG_ERRLEN] = "";

	(void)audit_file_open(af, path, &o, err, sizeof(err));
}

/* n records appended to path, through a sink of its own. */
static void
fill(const char *path, int n, struct audit_chain *last)
{
	struct audit_file af;
	char err[VG_ERRLEN];

	open_with(&af, path, 0, 0);
	while (n-- > 0)
		assert_int_equal(append(&af, last, err), 0);
	audit_file_close(&af);
}

/* The field key of line n (from 1) of path, as text. */
static void
field(const char *path, int n, const char *key, char *out, size_t outlen)
{
	char line[8192];
	json_error_t je;
	json_t *o, *v;
	FILE *f;

	f = fopen(path, "r");
	assert_non_null(f);
	while (n-- > 0)
		assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	o = json_loads(line, 0, &je);
	assert_non_null(o);
	v = json_object_get(o, key);
	if (json_is_integer(v))
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, outlen, "%s", json_is_string(v) ?
		    json_string_value(v) : "");
	json_decref(o);
}

static void
expect_field(const char *path, int n, const char *key, const char *want)
{
	char got[256];

	field(path, n, key, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
touch(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	assert_true(fd >= 0);
	close(fd);
}

/* logrotate: the file renamed to .1, a new empty one made */
static void
rotate(struct fixture *fx)
{
	assert_int_equal(rename(fx->path, fx->prev), 0);
	touch(fx->path, 0660);
}

/* An emptied file continues the chain of path.1: seq and prev carry on. */
static void
test_continues_rotated(void **state)
{
	struct fixture *fx = *state;
	struct audit_chain last, c;
	struct audit_file af;
	char err[VG_ERRLEN];

	fill(fx->path, 3, &last);
	rotate(fx);
	open_with(&af, fx->path, 0, 0);
	assert_int_equal(append(&af, &c, err), 0);
	assert_int_equal(c.seq, 4);
	assert_int_equal(c.nrepair, 0);
	expect_field(fx->path, 1, "seq", "4");
	expect_field(fx->path, 1, "prev", last.hash);
	assert_int_equal(append(&af, &c, err), 0);
	assert_int_equal(c.seq, 5);
	audit_file_close(&af);
}

/* No rotated file: a new chain, seq 1 and prev 64 zeros. */
static void
test_no_predecessor(void **state)
{
	struct fixture *fx = *state;
	struct audit_chain c;

	touch(fx->path, 0660);
	fill(fx->path, 1, &c);
	assert_int_equal(c.seq, 1);
	expect_field(fx->path, 1, "prev", ZEROS);
}

static void
append_raw(const char *path, const char *bytes)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, strlen(bytes)),
	    (ssize_t)strlen(bytes));
	close(fd);
}

/*
 * A writer killed just before the rotation left path.1 torn: its tail
 * is repaired there (audit_repair, seq 4), and the new file goes on.
 */
static void
test_rotated_torn_repaired(void **state)
{
	struct fixture *fx = *state;
	struct audit_chain last, c;
	struct audit_file af;
	char err[VG_ERRLEN];

	fill(fx->path, 3, &last);
	append_raw(fx->path, "{\"seq\":4,\"ts\":");
	rotate(fx);
	open_with(&af, fx->path, 0, 0);
	assert_int_equal(append(&af, &c, err), 0);
	audit_file_close(&af);
	assert_int_equal(c.nrepair, 1);
	assert_int_equal(c.repair[0].seq, 4);
	assert_int_equal(c.repair[0].cut_bytes, 14);
	assert_int_equal(c.seq, 5);
	expect_field(fx->prev, 4, "event", "audit_repair");
	expect_field(fx->prev, 4, "cut_bytes", "14");
	expect_field(fx->prev, 4, "prev", last.hash);
	expect_field(fx->path, 1, "prev", c.repair[0].hash);
}

static long long
elapsed_ms(long long t0)
{
	return vg_now_ms() - t0;
}

/* A child holds the folder's lock until told; its pid. */
static pid_t
hold_lock(const char *dir, int *release)
{
	int p[2], fd;
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		/* until the parent closes its end */
		_exit(read(p[0], &c, 1) == -1);
	}
	/* the child's copy of fd keeps the lock: ours goes */
	close(fd);
	close(p[0]);
	*release = p[1];
	return pid;
}

static void
let_go(pid_t pid, int release)
{
	int st;

	close(release);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

/*
 * A lock held (by a process stopped, say): the append fails within the
 * deadline, the next one of the same sink at once, and once the lock is
 * free the records go on.
 */
static void
test_lock_deadline(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	long long t0, ms;
	int release;
	pid_t pid;

	fill(fx->path, 1, &c);
	open_with(&af, fx->path, 1000, 0);
	pid = hold_lock(fx->dir, &release);
	alarm(10);	/* a wait past the deadline kills the test */
	t0 = vg_now_ms();
	assert_int_equal(append(&af, &c, err), -1);
	ms = elapsed_ms(t0);
	assert_true(ms >= 1000);
	assert_true(ms < 3000);
	assert_non_null(strstr(err, "stays locked by another process"));
	t0 = vg_now_ms();
	assert_int_equal(append(&af, &c, err), -1);
	assert_true(elapsed_ms(t0) < 500);
	alarm(0);
	let_go(pid, release);
	assert_int_equal(append(&af, &c, err), 0);
	assert_int_equal(c.seq, 2);
	audit_file_close(&af);
}

/* A reader's shared lock (vncgate-audit) holds writers back the same. */
static void
test_reader_lock(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	int fd;

	fill(fx->path, 1, &c);
	fd = audit_file_lock_dir(fx->path, LOCK_SH, 1000, err, sizeof(err));
	assert_true(fd >= 0);
	open_with(&af, fx->path, 1000, 0);
	assert_int_equal(append(&af, &c, err), -1);
	close(fd);
	assert_int_equal(append(&af, &c, err), 0);
	audit_file_close(&af);
}

static int
not_root(void)
{
	return geteuid() != 0;
}

/* Made at install: a missing file is refused, never made. */
static void
test_installed_missing(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	long long t0;

	if (not_root())
		skip();
	open_with(&af, fx->path, 1000, 1);
	t0 = vg_now_ms();
	assert_int_equal(append(&af, &c, err), -1);
	assert_true(elapsed_ms(t0) >= 1000);
	assert_non_null(strstr(err, "is missing"));
	assert_int_equal(access(fx->path, F_OK), -1);
	audit_file_close(&af);
}

/* ... but one that a rotation brings back in time is written. */
static void
test_installed_waits_for_rotation(void **state)
{
	struct fixture *fx = *state;
	struct audit_chain last, c;
	struct audit_file af;
	char err[VG_ERRLEN];
	pid_t pid;
	int st;

	if (not_root())
		skip();
	fill(fx->path, 2, &last);
	open_with(&af, fx->path, 3000, 1);
	assert_int_equal(rename(fx->path, fx->prev), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(300000);
		touch(fx->path, 0660);
		_exit(0);
	}
	assert_int_equal(append(&af, &c, err), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(c.seq, 3);
	expect_field(fx->path, 1, "prev", last.hash);
	audit_file_close(&af);
}

/* Made at install means root's, in a folder closed to others. */
static void
test_installed_owner(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	struct stat before, after;

	if (not_root())
		skip();
	fill(fx->path, 1, &c);
	assert_int_equal(chown(fx->path, 1, 0), 0);
	assert_int_equal(stat(fx->path, &before), 0);
	open_with(&af, fx->path, 1000, 1);
	assert_int_equal(append(&af, &c, err), -1);
	assert_non_null(strstr(err, "not root's"));
	assert_int_equal(stat(fx->path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(chown(fx->path, 0, 0), 0);
	assert_int_equal(append(&af, &c, err), 0);
	audit_file_close(&af);

	assert_int_equal(chmod(fx->dir, 0755), 0);
	open_with(&af, fx->path, 1000, 1);
	assert_int_equal(append(&af, &c, err), -1);
	assert_non_null(strstr(err, "closed to others"));
	audit_file_close(&af);
	assert_int_equal(chmod(fx->dir, 0700), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_continues_rotated),
		T(test_no_predecessor),
		T(test_rotated_torn_repaired),
		T(test_lock_deadline),
		T(test_reader_lock),
		T(test_installed_missing),
		T(test_installed_waits_for_rotation),
		T(test_installed_owner),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
