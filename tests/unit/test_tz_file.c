/* SPDX-License-Identifier: ISC */
/*
 * tz: what must be refused, each with one sentence.  Zone files cut
 * short at every byte, counts that overflow, indexes out of range, bad
 * POSIX TZ strings, version 1 files; zone names that climb out of the
 * zoneinfo folder; links leading out of it; files secfile refuses.  And
 * the process environment is left as it was.  The zoneinfo folders here
 * are mkdtemp folders owned by the test's user, named in the policy.
 */
#include "unit.h"

#include <limits.h>
#include <time.h>

#include "secfile.h"
#include "tz.h"
#include "util.h"
#include "tzif.h"

extern char **environ;

static char dir[64], root[128], outside[128];
static struct secfile_policy pol;	/* files of this test's user */
static struct secfile_policy sys;	/* /usr/share/zoneinfo's */
static unsigned char shanghai[8192];
static size_t shanghai_len;

/* The file most cases break: two transitions, two leap seconds, flags. */
static const int64_t base_times[] = { -1000000000, 1000000000 };
static const unsigned char base_idx[] = { 1, 0 };
static const int32_t base_utoff[] = { -18000, -14400 };
static const unsigned char base_isdst[] = { 0, 1 }, base_abbr[] = { 0, 4 };
static const int64_t base_leap_at[] = { 78796800, 94694401 };
static const int32_t base_leap_corr[] = { 1, 2 };
/* where its parts start (tzif.h writes an empty version 1 block) */
#define B_IDX		(TZIF_DATA + 16)
#define B_TYPES		(B_IDX + 2)
#define B_CHARS		(B_TYPES + 12)
#define B_LEAPS		(B_CHARS + 8)
#define B_FLAGS		(B_LEAPS + 24)

static size_t
base(unsigned char *buf, char version, const char *footer)
{
	struct tzif f = { version, 2, base_times, base_idx, 2, base_utoff,
	    base_isdst, base_abbr, "EST\0EDT", 8, 2, base_leap_at,
	    base_leap_corr, 1, footer };

	return tzif_build(&f, buf);
}

/* tz_parse refuses: the struct stays empty; the sentence is returned. */
static const char *
refused(const unsigned char *buf, size_t len)
{
	static char err[VG_ERRLEN];
	struct vg_tz z;

	memset(&z, 0xa5, sizeof(z));
	err[0] = '\0';
	assert_int_equal(tz_parse(buf, len, &z, err, sizeof(err)), -1);
	assert_null(z.times);
	assert_null(z.types);
	assert_int_equal(z.ntimes, 0);
	assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
	return err;
}

static void
refused_with(const unsigned char *buf, size_t len, const char *part)
{
	const char *err = refused(buf, len);

	if (strstr(err, part) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, part);
}

static void
test_base_file_is_accepted(void **state)
{
	unsigned char buf[512];
	char err[VG_ERRLEN];
	size_t len = base(buf, '2', "EST5EDT,M3.2.0,M11.1.0");
	struct vg_tz z;
	struct tm tm;

	(void)state;
	assert_int_equal(tz_parse(buf, len, &z, err, sizeof(err)), 0);
	assert_int_equal(z.ntimes, 2);
	assert_int_equal(z.nleaps, 2);
	assert_int_equal(z.has_rule, 1);
	assert_int_equal(tz_localtime(&z, 1500000000, &tm), 0);
	assert_string_equal(tm.tm_zone, "EDT");
	tz_free(&z);
	tz_free(&z);
	assert_null(z.times);
}

static void
test_cut_short_at_every_byte(void **state)
{
	unsigned char buf[512];
	size_t len = base(buf, '2', "EST5EDT,M3.2.0,M11.1.0"), n;

	(void)state;
	for (n = 0; n < len; n++)
		refused(buf, n);
	for (n = 0; n < shanghai_len; n++)
		refused(shanghai, n);
	refused_with(shanghai, 30, "the file ends inside the first header");
	refused_with(buf, 60, "the file ends inside the second header");
	refused_with(buf, B_TYPES, "the file ends inside its 64-bit data");
	refused_with(buf, len - 1, "the TZ string at its end is missing");
}

/* One count of the second (or first) header set to v. */
static void
bad_count(size_t off, uint32_t v, const char *part)
{
	unsigned char buf[512];
	size_t len = base(buf, '2', "EST5EDT,M3.2.0,M11.1.0");

	tzif_set32(buf, off, v);
	refused_with(buf, len, part);
}

static void
test_counts_that_overflow(void **state)
{
	(void)state;
	bad_count(TZIF_TIME, 0xffffffff, "4294967295 transitions, more than");
	bad_count(TZIF_TIME, 0x80000000, "2147483648 transitions");
	bad_count(TZIF_TIME, TZ_TIMES_MAX + 1, "more than 4096");
	bad_count(TZIF_TIME, 3, "");
	bad_count(TZIF_TYPE, 0, "no local time type");
	bad_count(TZIF_TYPE, 0xffffffff, "local time types, more than 256");
	bad_count(TZIF_CHAR, 0, "no abbreviation");
	bad_count(TZIF_CHAR, 0xfffffff0, "abbreviation bytes, more than");
	bad_count(TZIF_LEAP, 0xffffffff, "leap seconds, more than");
	bad_count(TZIF_ISSTD, 1, "flags for some local time types but not");
	bad_count(TZIF_ISUT, 0xffffffff, "UT/local flags, more than");
	/* the first header's counts only size the block that is skipped */
	bad_count(32, 0xffffffff, "transitions, more than");
	bad_count(36, 100, "the file ends inside the version 1 data");
}

/* One byte of the base file set to v. */
static void
bad_byte(size_t off, unsigned char v, const char *part)
{
	unsigned char buf[512];
	size_t len = base(buf, '2', "EST5EDT,M3.2.0,M11.1.0");

	buf[off] = v;
	refused_with(buf, len, part);
}

static void
test_indexes_and_values_out_of_range(void **state)
{
	(void)state;
	bad_byte(B_IDX, 2, "a transition names local time type 2 of 2");
	bad_byte(B_TYPES + 4, 2, "local time type 0 has a bad");
	bad_byte(B_TYPES + 6 + 5, 8, "local time type 1 has a bad");
	bad_byte(B_TYPES, 0x80, "local time type 0 has a bad offset");
	/* the second transition before the first */
	bad_byte(TZIF_DATA + 8, 0x80, "not in ascending order");
	bad_byte(B_CHARS + 7, 'X', "not printable strings");
	bad_byte(B_CHARS + 1, 0x07, "not printable strings");
	bad_byte(B_LEAPS + 12 + 11, 3, "leap second 1 is out of order");
	bad_byte(B_LEAPS + 12 + 4, 0, "leap second 1 is out of order");
	bad_byte(B_LEAPS + 11, 2, "leap second 0");
	bad_byte(B_FLAGS + 3, 2, "a type flag is neither 0 nor 1");
	bad_byte(0, 'X', "the first header does not start with TZif");
	bad_byte(TZIF_HDR2 + 3, 'X', "the second header does not start");
	bad_byte(4, '5', "its version is not 2, 3 or 4");
	bad_byte(TZIF_HDR2 + 4, '3', "its two headers differ in version");
}

static void
test_version_1_file_is_refused(void **state)
{
	unsigned char buf[512];

	(void)state;
	refused_with(buf, base(buf, '\0', NULL), "it is a version 1 file");
}

static void
test_bad_footers_in_a_file(void **state)
{
	unsigned char buf[512];
	char err[VG_ERRLEN], big[TZ_FOOTER_MAX + 2];
	struct vg_tz z;
	struct tm tm;
	size_t len;

	(void)state;
	refused_with(buf, base(buf, '2', NULL), "missing or not between");
	refused_with(buf, base(buf, '2', "EST5\nEDT"), "not printable");
	refused_with(buf, base(buf, '2', "EST5\tEDT"), "not printable");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused_with(buf, base(buf, '2', big), "longer than 128 bytes");
	refused_with(buf, base(buf, '2', "EST5EDT"), "the TZ string has a "
	    "daylight name but not its two change dates");
	len = base(buf, '2', "EST5EDT,M3.2.0,M11.1.0");
	buf[len - 1] = ' ';
	refused_with(buf, len, "missing or not between two newlines");
	/* an empty string: the last transition's type for ever */
	len = base(buf, '2', "");
	assert_int_equal(tz_parse(buf, len, &z, err, sizeof(err)), 0);
	assert_int_equal(z.has_rule, 0);
	assert_int_equal(tz_localtime(&z, 4102444800, &tm), 0);
	assert_int_equal(tm.tm_gmtoff, -18000);
	tz_free(&z);
}

static const struct {
	const char *s, *part;
} bad_rules[] = {
	{ "", "a bad standard time name" },
	{ "ES5", "a bad standard time name" },
	{ "<EST5", "a bad standard time name" },
	{ "<ES>5", "a bad standard time name" },
	{ "<EST!>5", "a bad standard time name" },
	{ "ABCDEFGHIJKLMNOPQ5", "a bad standard time name" },
	{ "EST", "a bad standard time offset" },
	{ "EST+", "a bad standard time offset" },
	{ "EST25", "a bad standard time offset" },
	{ "EST5:60", "a bad standard time offset" },
	{ "EST5:30:60", "a bad standard time offset" },
	{ "EST1234", "a bad standard time offset" },
	{ "EST5 EDT,M3.2.0,M11.1.0", "a bad daylight time name" },
	{ "EST5EDT+,M3.2.0,M11.1.0", "a bad daylight time offset" },
	{ "EST5EDT", "not its two change dates" },
	{ "EST5EDT,M3.2.0", "not its two change dates" },
	{ "EST5EDT4:00:00:00,M3.2.0,M11.1.0", "where a change date belongs" },
	{ "EST5EDT,", "a bad change date" },
	{ "EST5EDT,M13.2.0,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,M0.2.0,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,M3.6.0,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,M3.0.0,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,M3.2.7,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,M3,M11.1.0", "a bad Mm.w.d date" },
	{ "EST5EDT,J0,J365", "a bad change date" },
	{ "EST5EDT,J366,J1", "a bad change date" },
	{ "EST5EDT,366,1", "a bad change date" },
	{ "EST5EDT,M3.2.0/168,M11.1.0", "a bad change time" },
	{ "EST5EDT,M3.2.0/-168,M11.1.0", "a bad change time" },
	{ "EST5EDT,M3.2.0/2:60,M11.1.0", "a bad change time" },
	{ "EST5EDT,M3.2.0/,M11.1.0", "a bad change time" },
	{ "EST5EDT,M3.2.0,M11.1.0,", "something after its second change" },
	{ "EST5EDT,M3.2.0,M11.1.0x", "something after its second change" },
};

static void
test_bad_rule_strings(void **state)
{
	struct tz_rule r;
	char err[VG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		err[0] = '\0';
		if (tz_rule_parse(bad_rules[i].s, &r, err, sizeof(err)) != -1)
			fail_msg("\"%s\" was accepted", bad_rules[i].s);
		if (strstr(err, bad_rules[i].part) == NULL)
			fail_msg("\"%s\": \"%s\" does not say \"%s\"",
			    bad_rules[i].s, err, bad_rules[i].part);
	}
}

/* ---- names, links and files ---- */

static const char *
load_err(const char *name, const char *localtime, int want)
{
	static char err[VG_ERRLEN];
	struct vg_tz z;
	int rc;

	err[0] = '\0';
	rc = tz_load_from(root, localtime, name, &pol, &z, err, sizeof(err));
	if (rc != want)
		fail_msg("%s: %d, not %d (%s)", name ? name : "(system)", rc,
		    want, err);
	if (rc == 0) {
		struct tm tm;

		/* 2026-01-01 00:00 UTC is 08:00 in Shanghai */
		assert_int_equal(tz_localtime(&z, 1767225600, &tm), 0);
		assert_int_equal(tm.tm_hour, 8);
		tz_free(&z);
	}
	return err;
}

static void
load_refused(const char *name, const char *part)
{
	char lt[256];
	const char *err;

	snprintf(lt, sizeof(lt), "%s/localtime", root);
	err = load_err(name, lt, -1);
	if (strstr(err, part) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", name, err, part);
}

static void
test_bad_names(void **state)
{
	const char *names[] = { "../etc/passwd", "/etc/passwd",
	    "Asia/../../x", "Asia//Shanghai", "Asia/", "/", ".", "..",
	    "Asia/./Shanghai", "Asia\\Shanghai", "Asia/Shanghai;id",
	    "Asia/Shanghai\n", "Asia Shanghai",
	    "A123456789A123456789A123456789A123456789A123456789A123456789"
	    "ABCDE" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		load_refused(names[i], "the time zone name is not like");
	/* 64 characters is a name; it just does not exist */
	load_refused("A123456789A123456789A123456789A123456789A123456789"
	    "A123456789ABCD", "there is no time zone A123");
	load_refused("Nowhere/City", "there is no time zone Nowhere/City");
}

static void
test_links_inside_and_out(void **state)
{
	char lt[256], target[256];

	(void)state;
	snprintf(lt, sizeof(lt), "%s/localtime", root);
	load_err("Asia/Shanghai", lt, 0);
	load_err("PRC", lt, 0);
	load_err("Link/Back", lt, 0);
	load_refused("Evil", "outside");
	load_refused("Up", "outside");
	/* the system zone: a link into the folder, a plain file, or out */
	snprintf(target, sizeof(target), "%s/Asia/Shanghai", root);
	assert_int_equal(symlink(target, lt), 0);
	load_err(NULL, lt, 0);
	load_err("", lt, 0);
	assert_int_equal(unlink(lt), 0);
	tzif_write(root, "localtime", shanghai, shanghai_len, 0644);
	load_err(NULL, lt, 0);
	assert_int_equal(unlink(lt), 0);
	snprintf(target, sizeof(target), "%s/Shanghai", outside);
	assert_int_equal(symlink(target, lt), 0);
	load_refused(NULL, "outside");
	assert_int_equal(unlink(lt), 0);
	load_refused(NULL, "localtime cannot be opened: No such file");
}

static void
test_files_secfile_refuses(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/Asia/Shanghai", root);
	assert_int_equal(chmod(path, 0664), 0);
	load_refused("Asia/Shanghai", "Asia/Shanghai is group-writable");
	assert_int_equal(chmod(path, 0646), 0);
	load_refused("Asia/Shanghai", "is world-writable");
	assert_int_equal(chmod(path, 0644), 0);
	pol.owner = getuid() + 1;
	load_refused("Asia/Shanghai", "Asia/Shanghai is owned by uid");
	pol.owner = getuid();
	pol.max_size = 100;
	load_refused("Asia/Shanghai", "is too big");
	pol.max_size = 0;
	load_refused("Asia", "Asia is not a regular file");
	load_refused("Fifo", "Fifo is not a regular file");
	load_refused("Text", "Text is not a valid zone file: the first "
	    "header does not start with TZif");
}

static void
test_environment_untouched(void **state)
{
	char **env = environ, err[VG_ERRLEN];
	const char *before;
	struct vg_tz z;
	struct tm tm;

	(void)state;
	assert_int_equal(setenv("TZ", "Sentinel/Zone", 1), 0);
	before = getenv("TZ");
	env = environ;
	assert_int_equal(tz_load("Europe/Berlin", &sys, &z, err,
	    sizeof(err)), 0);
	assert_int_equal(tz_localtime(&z, 4102444800, &tm), 0);
	tz_free(&z);
	assert_ptr_equal(environ, env);
	assert_ptr_equal(getenv("TZ"), before);
	assert_string_equal(getenv("TZ"), "Sentinel/Zone");
	assert_int_equal(unsetenv("TZ"), 0);
}

static void
test_ends_of_time(void **state)
{
	char err[VG_ERRLEN];
	struct vg_tz z;
	struct tm tm;

	(void)state;
	assert_int_equal(tz_load("America/New_York", &sys, &z, err,
	    sizeof(err)), 0);
	assert_int_equal(tz_localtime(&z, INT64_MAX, &tm), -1);
	assert_int_equal(tz_localtime(&z, INT64_MIN, &tm), -1);
	/* about year 1,141,709,000: fits in tm_year */
	assert_int_equal(tz_localtime(&z, (time_t)1 << 55, &tm), 0);
	assert_true(tm.tm_year > 1141700000);
	tz_free(&z);
	memset(&z, 0, sizeof(z));
	assert_int_equal(tz_localtime(&z, 0, &tm), -1);
}

#define TEXT	"Asia/Shanghai\tUTC+8, no DST, and long enough for a header\n"

static int
group_setup(void **state)
{
	char path[256];

	(void)state;
	shanghai_len = tzif_read(TZ_ZONEINFO "/Asia/Shanghai", shanghai,
	    sizeof(shanghai));
	unit_tmpdir(dir, sizeof(dir), "tzfile");
	snprintf(root, sizeof(root), "%s/zoneinfo", dir);
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	tzif_write(root, "Asia/Shanghai", shanghai, shanghai_len, 0644);
	tzif_write(outside, "Shanghai", shanghai, shanghai_len, 0644);
	tzif_write(root, "Text", (const unsigned char *)TEXT, strlen(TEXT),
	    0644);
	snprintf(path, sizeof(path), "%s/PRC", root);
	assert_int_equal(symlink("Asia/Shanghai", path), 0);
	snprintf(path, sizeof(path), "%s/Link", root);
	assert_int_equal(symlink("Asia", path), 0);
	snprintf(path, sizeof(path), "%s/Asia/Back", root);
	assert_int_equal(symlink("../Asia/Shanghai", path), 0);
	snprintf(path, sizeof(path), "%s/Evil", root);
	assert_int_equal(symlink(TZ_ZONEINFO "/Asia/Shanghai", path), 0);
	snprintf(path, sizeof(path), "%s/Up", root);
	assert_int_equal(symlink("../outside/Shanghai", path), 0);
	snprintf(path, sizeof(path), "%s/Fifo", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	pol.owner = getuid();
	pol.ruid = getuid();
	secfile_policy_default(&sys, 1);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return unit_rm_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_file_is_accepted),
		cmocka_unit_test(test_cut_short_at_every_byte),
		cmocka_unit_test(test_counts_that_overflow),
		cmocka_unit_test(test_indexes_and_values_out_of_range),
		cmocka_unit_test(test_version_1_file_is_refused),
		cmocka_unit_test(test_bad_footers_in_a_file),
		cmocka_unit_test(test_bad_rule_strings),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_links_inside_and_out),
		cmocka_unit_test(test_files_secfile_refuses),
		cmocka_unit_test(test_environment_untouched),
		cmocka_unit_test(test_ends_of_time),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
