/* SPDX-License-Identifier: ISC */
/*
 * lib/sessrec.c: the session record a privileged shell takes its source
 * address from (DESIGN 1.2, 1.9).  The folder's owner is the caller's
 * uid here, as the tests run unprivileged; pam_vncgate and the shell
 * pass root's.
 */
#include "unit.h"

#include <fcntl.h>
#include <sys/time.h>

#include "sessrec.h"
#include "util.h"

#define SID	"0123456789abcdef0123456789abcdef"
#define SID2	"fedcba9876543210fedcba9876543210"

static struct {
	char	dir[128];	/* the state folder */
	char	sess[256];	/* its sessions folder */
	uid_t	me;
} fx;

static int
setup(void **state)
{
	(void)state;
	unit_tmpdir(fx.dir, sizeof(fx.dir), "sessrec");
	snprintf(fx.sess, sizeof(fx.sess), "%s/" SESSREC_DIR, fx.dir);
	assert_int_equal(mkdir(fx.sess, 0750), 0);
	assert_int_equal(chmod(fx.sess, 0750), 0);
	fx.me = getuid();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)chmod(fx.sess, 0750);
	assert_int_equal(unit_rm_tree(fx.dir), 0);
	return 0;
}

static void
rec(struct sessrec *r, uid_t uid)
{
	sessrec_init(r, uid, "10.9.8.7", "50123", "/dev/pts/7", 1700000000);
}

/* name in the sessions folder; two at a time (link, rename) */
static const char *
path_of(const char *name)
{
	static char p[2][512];
	static int k;

	k = !k;
	snprintf(p[k], sizeof(p[k]), "%s/%s", fx.sess, name);
	return p[k];
}

static void
test_format_parse(void **state)
{
	struct sessrec r, back;
	char text[SESSREC_MAX + 1];

	(void)state;
	rec(&r, 1001);
	assert_int_equal(sessrec_format(&r, text, sizeof(text)), 0);
	assert_string_equal(text, "v=1\nuid=1001\nrhost=10.9.8.7\n"
	    "rport=50123\ntty=/dev/pts/7\nstart=1700000000\n");
	assert_int_equal(sessrec_parse(text, strlen(text), &back), 0);
	assert_int_equal(back.uid, 1001);
	assert_string_equal(back.rhost, "10.9.8.7");
	assert_string_equal(back.rport, "50123");
	assert_string_equal(back.tty, "/dev/pts/7");
	assert_int_equal(back.start, 1700000000);
	/* IPv6, and an unknown address: both are records */
	sessrec_init(&r, 0, "2001:db8::1", NULL, NULL, 1);
	assert_int_equal(sessrec_format(&r, text, sizeof(text)), 0);
	assert_int_equal(sessrec_parse(text, strlen(text), &back), 0);
	assert_string_equal(back.rhost, "2001:db8::1");
	assert_string_equal(back.rport, "");
}

/* What sshd told PAM that is no address is not written as one. */
static void
test_init_drops_bad_fields(void **state)
{
	struct sessrec r;

	(void)state;
	sessrec_init(&r, 7, "evil.example", "0", "a b", 5);
	assert_string_equal(r.rhost, "");
	assert_string_equal(r.rport, "");
	assert_string_equal(r.tty, "");
	sessrec_init(&r, 7, "10.0.0.1\nuid=0", "65536", "x\ny", 5);
	assert_string_equal(r.rhost, "");
	assert_string_equal(r.rport, "");
	assert_string_equal(r.tty, "");
}

/* Strict: anything but exactly what sessrec_format writes is refused. */
static void
test_parse_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n\n",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\nx=1\n",
		"v=2\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"uid=1001\nv=1\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nuid=0\nrhost=1.2.3.4\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=01001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=-1\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=4294967295\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nrhost=evil.example\nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nrhost=10.9.8.7 \nrport=1\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=0\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=65536\ntty=x\nstart=1\n",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=a b\nstart=1\n",
		"v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=x\n",
		"v=1\r\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
		" v=1\nuid=1001\nrhost=10.9.8.7\nrport=1\ntty=x\nstart=1\n",
	};
	const char nul[] = "v=1\nuid=1001\0\nrhost=\nrport=\ntty=\nstart=1\n";
	struct sessrec r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sessrec_parse(bad[i], strlen(bad[i]), &r) != -1)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(sessrec_parse(nul, sizeof(nul) - 1, &r), -1);
	assert_true(sessrec_sid_ok(SID));
	assert_false(sessrec_sid_ok("0123456789ABCDEF0123456789abcdef"));
	assert_false(sessrec_sid_ok("../../../etc/passwd"));
	assert_false(sessrec_sid_ok(SID "0"));
}

static void
test_write_read_remove(void **state)
{
	struct sessrec r, back;
	struct stat sb;
	char err[VG_ERRLEN];

	(void)state;
	rec(&r, fx.me);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(lstat(path_of(SID), &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(sb.st_uid, fx.me);
	/* no temporary file is left behind */
	assert_int_equal(access(path_of("." SID ".tmp"), F_OK), -1);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), 0);
	assert_string_equal(back.rhost, "10.9.8.7");
	assert_string_equal(back.rport, "50123");
	/* a second write of the same session replaces the record */
	sessrec_init(&r, fx.me, "10.1.1.1", NULL, NULL, 2);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), 0);
	assert_string_equal(back.rhost, "10.1.1.1");
	assert_int_equal(sessrec_remove(fx.dir, fx.me, SID, err, sizeof(err)),
	    0);
	assert_int_equal(access(path_of(SID), F_OK), -1);
	/* gone already: still what close wanted */
	assert_int_equal(sessrec_remove(fx.dir, fx.me, SID, err, sizeof(err)),
	    0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
}

/* Another user's record does not give their address. */
static void
test_read_other_uid(void **state)
{
	struct sessrec r, back;
	char err[VG_ERRLEN];

	(void)state;
	rec(&r, fx.me + 1);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_string_equal(back.rhost, "");
	assert_non_null(strstr(err, "not uid"));
}

/*
 * A record that is not root's, or that others may write, or that is a
 * symlink, a fifo or a hard link, is not one pam_vncgate wrote.
 */
static void
test_read_refuses_forgeries(void **state)
{
	struct sessrec r, back;
	char err[VG_ERRLEN], text[SESSREC_MAX + 1];

	(void)state;
	rec(&r, fx.me);
	assert_int_equal(sessrec_format(&r, text, sizeof(text)), 0);
	unit_write_file(fx.sess, SID, text, 0640);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), 0);
	/* the owner the caller asks for: root's in the shell */
	assert_int_equal(sessrec_read(fx.dir, fx.me + 4242, SID, fx.me, &back,
	    err, sizeof(err)), -1);
	assert_int_equal(chmod(fx.sess, 0755), 0);
	assert_int_equal(chmod(path_of(SID), 0660), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(chmod(path_of(SID), 0642), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(chmod(path_of(SID), 0640), 0);
	assert_int_equal(link(path_of(SID), path_of("x")), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(unlink(path_of("x")), 0);
	assert_int_equal(rename(path_of(SID), path_of(SID2)), 0);
	assert_int_equal(symlink(path_of(SID2), path_of(SID)), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(unlink(path_of(SID)), 0);
	assert_int_equal(mkfifo(path_of(SID), 0640), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_string_equal(back.rhost, "");
}

/* A sessions folder others may write to, or a symlink, holds nothing. */
static void
test_folder_checked(void **state)
{
	struct sessrec r, back;
	char err[VG_ERRLEN], moved[256];

	(void)state;
	rec(&r, fx.me);
	assert_int_equal(chmod(fx.sess, 0770), 0);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "nobody else may write"));
	assert_int_equal(chmod(fx.sess, 0750), 0);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(chmod(fx.sess, 0752), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(chmod(fx.sess, 0750), 0);
	snprintf(moved, sizeof(moved), "%s/real", fx.dir);
	assert_int_equal(rename(fx.sess, moved), 0);
	assert_int_equal(symlink(moved, fx.sess), 0);
	assert_int_equal(sessrec_read(fx.dir, fx.me, SID, fx.me, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID2, &r, err,
	    sizeof(err)), -1);
	assert_int_equal(access(path_of(SID2), F_OK), -1);
	assert_int_equal(unlink(fx.sess), 0);
	assert_int_equal(rename(moved, fx.sess), 0);
	/* no folder at all */
	assert_int_equal(sessrec_write("/nonexistent", fx.me, SID, &r, err,
	    sizeof(err)), -1);
}

static void
age(const char *name, time_t when)
{
	struct timeval tv[2] = { { when, 0 }, { when, 0 } };

	assert_int_equal(utimes(path_of(name), tv), 0);
}

/* Records older than a day go; others, and other names, stay. */
static void
test_sweep(void **state)
{
	struct sessrec r;
	char err[VG_ERRLEN];
	time_t now = time(NULL);

	(void)state;
	rec(&r, fx.me);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(sessrec_write(fx.dir, fx.me, SID2, &r, err,
	    sizeof(err)), 0);
	unit_write_file(fx.sess, "." SID2 ".tmp", "v=1\n", 0600);
	unit_write_file(fx.sess, "keep-me", "x", 0600);
	age(SID, now - SESSREC_MAX_AGE - 10);
	age("." SID2 ".tmp", now - SESSREC_MAX_AGE - 10);
	age("keep-me", now - SESSREC_MAX_AGE - 10);
	age(SID2, now - SESSREC_MAX_AGE + 60);
	assert_int_equal(sessrec_sweep(fx.dir, fx.me, now, err, sizeof(err)),
	    0);
	assert_int_equal(access(path_of(SID), F_OK), -1);
	assert_int_equal(access(path_of("." SID2 ".tmp"), F_OK), -1);
	assert_int_equal(access(path_of(SID2), F_OK), 0);
	assert_int_equal(access(path_of("keep-me"), F_OK), 0);
	assert_int_equal(sessrec_sweep(fx.dir, fx.me + 4242, now, err,
	    sizeof(err)), -1);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_init_drops_bad_fields),
		cmocka_unit_test(test_parse_strict),
		T(test_write_read_remove),
		T(test_read_other_uid),
		T(test_read_refuses_forgeries),
		T(test_folder_checked),
		T(test_sweep),
	};

	return cmocka_run_group_tests_name("sessrec", tests, NULL, NULL);
}
