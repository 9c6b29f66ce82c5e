/* SPDX-License-Identifier: ISC */
/*
 * secfile: every status, checked on real files in a mkdtemp folder.  The
 * policies name getuid() as the owner, so the tests need no root.
 */
#include "unit.h"

#include <fcntl.h>

#include "secfile.h"
#include "util.h"

struct fx {
	char			dir[64];
	struct secfile_policy	pol;
	char			err[VG_ERRLEN];
	char			path[512];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_tmpdir(fx->dir, sizeof(fx->dir), "secfile");
	fx->pol.owner = getuid();
	fx->pol.allow_ruid = 0;
	fx->pol.ruid = getuid();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(unit_rm_tree(fx->dir), 0);
	free(fx);
	return 0;
}

/* Write a file and keep its path in the fixture. */
static const char *
mk(struct fx *fx, const char *name, const char *text, mode_t mode)
{
	snprintf(fx->path, sizeof(fx->path), "%s",
	    unit_write_file(fx->dir, name, text, mode));
	return fx->path;
}

/* Open and expect failure with st; returns the error sentence. */
static const char *
refused(struct fx *fx, const char *path, enum secfile_status want)
{
	enum secfile_status st = SECFILE_OK;
	FILE *f;

	fx->err[0] = '\0';
	f = secfile_fopen(path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_null(f);
	assert_int_equal(st, want);
	return fx->err;
}

static void
expect_err(struct fx *fx, const char *path, const char *reason)
{
	char want[1200];

	snprintf(want, sizeof(want), "%s %s", path, reason);
	assert_string_equal(fx->err, want);
}

static void
test_ok_reads_content_blocking_cloexec(void **state)
{
	struct fx *fx = *state;
	enum secfile_status st = SECFILE_TOO_BIG;
	char line[64];
	FILE *f;
	int fl;

	mk(fx, "ok.conf", "url_ttl = 15\n", 0644);
	f = secfile_fopen(fx->path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_non_null(f);
	assert_int_equal(st, SECFILE_OK);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "url_ttl = 15\n");
	/* a leaked fd would reach child processes; a nonblocking one EAGAINs */
	fl = fcntl(fileno(f), F_GETFD);
	assert_true(fl & FD_CLOEXEC);
	fl = fcntl(fileno(f), F_GETFL);
	assert_false(fl & O_NONBLOCK);
	fclose(f);
}

static void
test_missing(void **state)
{
	struct fx *fx = *state;

	snprintf(fx->path, sizeof(fx->path), "%s/nope.conf", fx->dir);
	refused(fx, fx->path, SECFILE_MISSING);
	expect_err(fx, fx->path, "does not exist");
}

static void
test_unreadable(void **state)
{
	struct fx *fx = *state;

	/* ENOTDIR: works as root too, unlike a mode 000 file */
	mk(fx, "plain", "x\n", 0644);
	strncat(fx->path, "/child", sizeof(fx->path) - strlen(fx->path) - 1);
	refused(fx, fx->path, SECFILE_UNREADABLE);
	assert_non_null(strstr(fx->err, "cannot be opened: "));
	assert_non_null(strstr(fx->err, fx->path));
}

static void
test_symlink(void **state)
{
	struct fx *fx = *state;
	char link[600];

	mk(fx, "target.conf", "x\n", 0644);
	snprintf(link, sizeof(link), "%s/link.conf", fx->dir);
	assert_int_equal(symlink(fx->path, link), 0);
	refused(fx, link, SECFILE_SYMLINK);
	expect_err(fx, link, "is a symbolic link");
}

static void
test_directory(void **state)
{
	struct fx *fx = *state;

	refused(fx, fx->dir, SECFILE_NOT_REGULAR);
	expect_err(fx, fx->dir, "is not a regular file");
}

static void
test_fifo_does_not_hang(void **state)
{
	struct fx *fx = *state;

	snprintf(fx->path, sizeof(fx->path), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(fx->path, 0600), 0);
	refused(fx, fx->path, SECFILE_NOT_REGULAR);
}

static void
test_group_writable(void **state)
{
	struct fx *fx = *state;

	mk(fx, "g.conf", "x\n", 0664);
	refused(fx, fx->path, SECFILE_GROUP_WRITABLE);
	expect_err(fx, fx->path, "is group-writable");
}

static void
test_world_writable(void **state)
{
	struct fx *fx = *state;

	mk(fx, "w.conf", "x\n", 0646);
	refused(fx, fx->path, SECFILE_WORLD_WRITABLE);
	expect_err(fx, fx->path, "is world-writable");
}

static void
test_wrong_owner(void **state)
{
	struct fx *fx = *state;
	char want[1200];

	mk(fx, "o.conf", "x\n", 0644);
	fx->pol.owner = getuid() + 4242;
	refused(fx, fx->path, SECFILE_BAD_OWNER);
	snprintf(want, sizeof(want), "%s is owned by uid %lu, not by uid %lu",
	    fx->path, (unsigned long)getuid(),
	    (unsigned long)(getuid() + 4242));
	assert_string_equal(fx->err, want);
}

static void
test_ruid_accepted_only_when_allowed(void **state)
{
	struct fx *fx = *state;
	enum secfile_status st;
	FILE *f;

	mk(fx, "r.conf", "x\n", 0644);
	fx->pol.owner = getuid() + 4242;
	fx->pol.allow_ruid = 1;
	fx->pol.ruid = getuid();
	f = secfile_fopen(fx->path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_non_null(f);
	fclose(f);
	fx->pol.ruid = getuid() + 1;
	refused(fx, fx->path, SECFILE_BAD_OWNER);
}

static void
test_too_big(void **state)
{
	struct fx *fx = *state;
	enum secfile_status st;
	char want[1200];
	FILE *f;

	mk(fx, "big.conf", "0123456789\n", 0644);
	fx->pol.max_size = 10;
	refused(fx, fx->path, SECFILE_TOO_BIG);
	snprintf(want, sizeof(want), "%s is too big (11 bytes, the limit is "
	    "10)", fx->path);
	assert_string_equal(fx->err, want);
	fx->pol.max_size = 11;
	f = secfile_fopen(fx->path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_non_null(f);
	fclose(f);
}

static void
test_default_limit_is_one_mib(void **state)
{
	struct fx *fx = *state;
	enum secfile_status st;
	FILE *f;

	mk(fx, "mib.conf", "", 0644);
	assert_int_equal(truncate(fx->path, 1 << 20), 0);
	f = secfile_fopen(fx->path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_non_null(f);
	fclose(f);
	assert_int_equal(truncate(fx->path, (1 << 20) + 1), 0);
	refused(fx, fx->path, SECFILE_TOO_BIG);
}

static void
test_world_readable_key(void **state)
{
	struct fx *fx = *state;
	enum secfile_status st;
	FILE *f;

	mk(fx, "access_key", "access_key_id = \"x\"\n", 0644);
	fx->pol.no_world_read = 1;
	refused(fx, fx->path, SECFILE_WORLD_READABLE);
	expect_err(fx, fx->path, "is world-readable");
	/* root:vncgate 0640 is the installed mode */
	assert_int_equal(chmod(fx->path, 0640), 0);
	f = secfile_fopen(fx->path, &fx->pol, &st, fx->err, sizeof(fx->err));
	assert_non_null(f);
	fclose(f);
}

static void
test_policy_default(void **state)
{
	struct secfile_policy p;

	(void)state;
	memset(&p, 0xff, sizeof(p));
	secfile_policy_default(&p, 1);
	assert_int_equal(p.owner, 0);
	assert_int_equal(p.allow_ruid, 0);
	assert_int_equal(p.no_world_read, 0);
	assert_int_equal(p.max_size, 0);
	secfile_policy_default(&p, 0);
	assert_int_equal(p.allow_ruid, 1);
	assert_int_equal(p.ruid, getuid());
}

static void
test_reason_strings(void **state)
{
	(void)state;
	assert_string_equal(secfile_reason(SECFILE_GROUP_WRITABLE),
	    "is group-writable");
	assert_string_equal(secfile_reason(SECFILE_SYMLINK),
	    "is a symbolic link");
	assert_string_equal(secfile_reason((enum secfile_status)99),
	    "cannot be checked");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_ok_reads_content_blocking_cloexec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_hang, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_writable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_world_writable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_owner, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_ruid_accepted_only_when_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_limit_is_one_mib,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_world_readable_key, setup,
		    teardown),
		cmocka_unit_test(test_policy_default),
		cmocka_unit_test(test_reason_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
