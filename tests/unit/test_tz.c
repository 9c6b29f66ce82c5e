/* SPDX-License-Identifier: ISC */
/*
 * tz_localtime against glibc's localtime_r with TZ set (fine in a test
 * process, never in pam_vncgate.so): every zone under /usr/share/zoneinfo
 * at each transition and leap second, a second either side, fixed dates
 * and random instants; the zones the brief names swept to 2110, where
 * only the POSIX rule at the file's end applies; rules of our own in
 * files we write; and the system zone.  Every field counts, tm_gmtoff
 * and tm_zone too.
 */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <time.h>

#include "secfile.h"
#include "tz.h"
#include "util.h"
#include "tzif.h"

#define HALF_DAY	(12 * 3600)

struct cmp {
	const char	*label;		/* the zone, in messages */
	long		 compared;
	long		 differ;
};

static struct secfile_policy pol;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: the same instants on every run. */
static int64_t
rand_between(int64_t lo, int64_t hi)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return lo + (int64_t)((rng * 0x2545f4914f6cdd1dULL) %
	    (uint64_t)(hi - lo));
}

static time_t
utc(int y, int mon, int d, int h)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1,
	    .tm_mday = d, .tm_hour = h };

	return timegm(&tm);
}

/* glibc's zone: a name or an absolute path, NULL the system zone. */
static void
glibc_zone(const char *tz)
{
	if (tz == NULL)
		assert_int_equal(unsetenv("TZ"), 0);
	else
		assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static void
show(const char *who, int rc, const struct tm *tm)
{
	if (rc == -1) {
		printf("#   %s: failed\n", who);
		return;
	}
	printf("#   %s: %04d-%02d-%02d %02d:%02d:%02d wday %d yday %d "
	    "isdst %d gmtoff %ld %s\n", who, tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec,
	    tm->tm_wday, tm->tm_yday, tm->tm_isdst, tm->tm_gmtoff,
	    tm->tm_zone != NULL ? tm->tm_zone : "(null)");
}

static int
tm_equal(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour &&
	    a->tm_min == b->tm_min && a->tm_sec == b->tm_sec &&
	    a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday &&
	    a->tm_isdst == b->tm_isdst && a->tm_gmtoff == b->tm_gmtoff &&
	    a->tm_zone != NULL && b->tm_zone != NULL &&
	    strcmp(a->tm_zone, b->tm_zone) == 0;
}

/* One instant: ours and glibc's (whose zone is set) must agree. */
static void
compare(struct cmp *c, const struct vg_tz *z, time_t t)
{
	struct tm ours, theirs;
	int ro, rt;

	memset(&ours, 0, sizeof(ours));
	memset(&theirs, 0, sizeof(theirs));
	ro = tz_localtime(z, t, &ours);
	rt = localtime_r(&t, &theirs) == NULL ? -1 : 0;
	c->compared++;
	if (ro == rt && (ro == -1 || tm_equal(&ours, &theirs)))
		return;
	if (c->differ++ < 5) {
		printf("# %s at %lld:\n", c->label, (long long)t);
		show("tz_localtime", ro, &ours);
		show("localtime_r", rt, &theirs);
	}
}

/* ±1 s around t, without overflowing at the ends of time_t. */
static void
around(struct cmp *c, const struct vg_tz *z, int64_t t)
{
	if (t > INT64_MIN)
		compare(c, z, (time_t)(t - 1));
	compare(c, z, (time_t)t);
	if (t < INT64_MAX)
		compare(c, z, (time_t)(t + 1));
}

/* The instants every zone is compared at. */
static void
compare_zone(struct cmp *c, const struct vg_tz *z)
{
	const time_t fixed[] = { 0, -1, INT32_MIN, INT32_MAX,
	    (time_t)INT32_MAX + 1, utc(1600, 1, 1, 0), utc(1900, 1, 1, 0),
	    utc(2000, 1, 1, 0), utc(2037, 12, 31, 23), utc(2100, 1, 15, 12),
	    utc(2100, 7, 15, 12), utc(2400, 2, 29, 12),
	    utc(9999, 12, 31, 23) };
	size_t i;

	for (i = 0; i < z->ntimes; i++)
		around(c, z, z->times[i]);
	for (i = 0; i < z->nleaps; i++)
		around(c, z, z->leaps[i].at);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		around(c, z, fixed[i]);
	/* about 1425 to 2514 */
	for (i = 0; i < 64; i++)
		compare(c, z, (time_t)rand_between(-(1LL << 34), 1LL << 34));
}

static int
same_kind(const struct tm *a, const struct tm *b)
{
	return a->tm_gmtoff == b->tm_gmtoff && a->tm_isdst == b->tm_isdst;
}

/*
 * Every 12 hours from t0 to t1, and where our offset changes between two
 * samples, bisect to the second and compare either side: the changes
 * that only the POSIX rule knows get checked to the second.
 */
static void
sweep(struct cmp *c, const struct vg_tz *z, time_t t0, time_t t1)
{
	struct tm a, b, m;
	time_t t, lo, hi, mid;

	assert_int_equal(tz_localtime(z, t0, &a), 0);
	for (t = t0 + HALF_DAY; t <= t1; t += HALF_DAY, a = b) {
		compare(c, z, t);
		assert_int_equal(tz_localtime(z, t, &b), 0);
		if (same_kind(&a, &b))
			continue;
		for (lo = t - HALF_DAY, hi = t; hi - lo > 1;) {
			mid = lo + (hi - lo) / 2;
			assert_int_equal(tz_localtime(z, mid, &m), 0);
			if (same_kind(&a, &m))
				lo = mid;
			else
				hi = mid;
		}
		around(c, z, hi);
	}
}

static void
done(const struct cmp *c, long at_least)
{
	printf("# %s: %ld instants compared, %ld differ\n", c->label,
	    c->compared, c->differ);
	assert_int_equal(c->differ, 0);
	assert_true(c->compared >= at_least);
}

static int
is_tzif(const char *path)
{
	char magic[4];
	FILE *f = fopen(path, "rb");
	int yes;

	if (f == NULL)
		return 0;
	yes = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return yes;
}

static struct cmp all = { "every zone", 0, 0 };
static long zones_compared;

/* nftw: each zone file or link the loader must accept, compared. */
static int
one_zone(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	char err[VG_ERRLEN], real[PATH_MAX];
	const char *name = path + strlen(TZ_ZONEINFO) + 1;
	struct vg_tz z;
	int rc;

	(void)sb;
	(void)ftw;
	if ((flag != FTW_F && flag != FTW_SL) || !is_tzif(path))
		return 0;
	rc = tz_load(name, &pol, &z, err, sizeof(err));
	/* a link out of the folder (localtime) must be refused */
	assert_non_null(realpath(path, real));
	if (strncmp(real, TZ_ZONEINFO "/", strlen(TZ_ZONEINFO) + 1) != 0) {
		assert_int_equal(rc, -1);
		return 0;
	}
	if (rc == -1)
		printf("# %s: %s\n", name, err);
	assert_int_equal(rc, 0);
	glibc_zone(name);
	all.label = name;
	compare_zone(&all, &z);
	tz_free(&z);
	zones_compared++;
	return all.differ > 0;
}

static void
test_every_zone_matches_glibc(void **state)
{
	(void)state;
	assert_int_equal(nftw(TZ_ZONEINFO, one_zone, 16, FTW_PHYS), 0);
	all.label = "every zone";
	printf("# %ld zones\n", zones_compared);
	/* Debian 12 has about 1,200 zone files and links, right/ too */
	assert_true(zones_compared >= 1000);
	done(&all, 100000);
}

/* The brief's zones: all of them, to 2110, and a few known answers. */
static const char *const named[] = {
	"Asia/Shanghai", "Europe/Berlin", "America/New_York",
	"Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham",
	"Asia/Kolkata", "Africa/Casablanca", "America/Santiago",
	"Antarctica/Troll", "Etc/GMT+5", "UTC", "Europe/Dublin",
	"America/Nuuk", "Asia/Jerusalem", "right/Europe/London",
};

static void
test_named_zones_swept_to_2110(void **state)
{
	char err[VG_ERRLEN];
	struct vg_tz z;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		struct cmp c = { named[i], 0, 0 };

		assert_int_equal(tz_load(named[i], &pol, &z, err,
		    sizeof(err)), 0);
		glibc_zone(named[i]);
		compare_zone(&c, &z);
		sweep(&c, &z, utc(2030, 1, 1, 0), utc(2110, 1, 1, 0));
		done(&c, 58000);
		tz_free(&z);
	}
}

/* Hours the ACL sees, known without glibc. */
static void
expect(const char *name, time_t t, int hour, int min, long gmtoff,
    int isdst)
{
	char err[VG_ERRLEN];
	struct vg_tz z;
	struct tm tm;

	assert_int_equal(tz_load(name, &pol, &z, err, sizeof(err)), 0);
	assert_int_equal(tz_localtime(&z, t, &tm), 0);
	assert_int_equal(tm.tm_hour, hour);
	assert_int_equal(tm.tm_min, min);
	assert_int_equal(tm.tm_gmtoff, gmtoff);
	assert_int_equal(tm.tm_isdst, isdst);
	tz_free(&z);
}

static void
test_known_answers(void **state)
{
	(void)state;
	expect("Asia/Shanghai", utc(2026, 1, 1, 0), 8, 0, 28800, 0);
	/* 2100: past the last transition, the rule alone decides */
	expect("Australia/Lord_Howe", utc(2100, 1, 10, 0), 11, 0, 39600, 1);
	expect("Australia/Lord_Howe", utc(2100, 7, 10, 0), 10, 30, 37800, 0);
	expect("Pacific/Chatham", utc(2100, 1, 10, 0), 13, 45, 49500, 1);
	expect("America/New_York", utc(2100, 7, 4, 16), 12, 0, -14400, 1);
	expect("Europe/Dublin", utc(2100, 1, 10, 12), 12, 0, 0, 1);
	expect("Etc/GMT+5", utc(2100, 1, 10, 12), 7, 0, -18000, 0);
}

static void
test_system_zone(void **state)
{
	const char *names[] = { NULL, "" };
	char err[VG_ERRLEN];
	struct vg_tz z;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct cmp c = { "the system zone", 0, 0 };

		assert_int_equal(tz_load(names[i], &pol, &z, err,
		    sizeof(err)), 0);
		glibc_zone(NULL);
		compare_zone(&c, &z);
		done(&c, 100);
		tz_free(&z);
	}
}


/* ---- rules of our own, in files we write ---- */

static char dir[64];

/*
 * Write f (a new name each time, so glibc never serves a cached zone),
 * point glibc's TZ at it and parse it.
 */
static void
zone_file(const struct tzif *f, struct vg_tz *z)
{
	static int serial;
	unsigned char buf[512];
	char name[32], err[VG_ERRLEN];
	const char *path;
	size_t len = tzif_build(f, buf);

	snprintf(name, sizeof(name), "zone%d", serial++);
	path = tzif_write(dir, name, buf, len, 0644);
	glibc_zone(path);
	if (tz_parse(buf, len, z, err, sizeof(err)) == -1)
		printf("# %s: %s\n", f->footer, err);
	assert_int_equal(z->ntypes, f->ntypes);
}

/*
 * A file whose only transition (at `at`, when ntimes is 1) enters a
 * standard type of +00:20:34; after it, the rule.
 */
static void
rule_zone(const char *footer, int64_t at, size_t ntimes, struct vg_tz *z)
{
	static const int32_t utoff[] = { 1234, 7200 };
	static const unsigned char isdst[] = { 0, 1 }, abbr[] = { 0, 4 };
	const unsigned char idx[] = { 0 };
	struct tzif f = { '2', ntimes, &at, idx, 2, utoff, isdst, abbr,
	    "LMT\0XDT", 8, 0, NULL, NULL, 1, footer };

	zone_file(&f, z);
	assert_int_equal(z->has_rule, 1);
}

static const char *const rules[] = {
	"EST5EDT,M3.2.0,M11.1.0",
	"CST6CDT,M3.2.0/2:00:00,M11.1.0/2:00:00",
	"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
	"EST5EDT,0/0,J365/25",			/* DST all year */
	"AAA3BBB,J60/2,300/167",
	"<A+1>1<B-1>,5,200",
	"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
	"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
	"IST-1GMT0,M10.5.0,M3.5.0/1",		/* negative DST */
	"<-04>4<-03>,M9.1.6/24,M4.1.6/24",
	"<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
	"XXX-5:30:15YYY-6:45:30,J1/-167,J365/167",
	"ABC+5:30DEF+4,M2.5.0,M2.5.6",
	"ABC-14DEF-24:59:59,M1.1.0/0,M12.5.6/23:59:59",
	"HST10",
	"<-00>0",
};

static void
test_rules_match_glibc(void **state)
{
	struct vg_tz z;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct cmp c = { rules[i], 0, 0 };

		rule_zone(rules[i], utc(1980, 1, 1, 0), 1, &z);
		compare_zone(&c, &z);
		sweep(&c, &z, utc(1979, 6, 1, 0), utc(2040, 1, 1, 0));
		sweep(&c, &z, utc(2098, 1, 1, 0), utc(2102, 1, 1, 0));
		done(&c, 47000);
		tz_free(&z);
	}
}

/* glibc counts the days of a year up to 1970 from 1970-01-01; so do we. */
static void
test_rule_in_early_years(void **state)
{
	struct cmp c = { "a rule from 1900", 0, 0 };
	struct vg_tz z;

	(void)state;
	rule_zone("EST5EDT,M3.2.0,M11.1.0", utc(1900, 1, 1, 0), 1, &z);
	sweep(&c, &z, utc(1900, 1, 2, 0), utc(1975, 1, 1, 0));
	done(&c, 54000);
	tz_free(&z);
}

/* glibc uses the rule only after a transition; with none, type 0. */
static void
test_rule_without_transitions(void **state)
{
	struct cmp c = { "a rule and no transition", 0, 0 };
	struct vg_tz z;
	struct tm tm;

	(void)state;
	rule_zone("EST5EDT,M3.2.0,M11.1.0", 0, 0, &z);
	sweep(&c, &z, utc(2000, 1, 1, 0), utc(2030, 1, 1, 0));
	done(&c, 21000);
	assert_int_equal(tz_localtime(&z, utc(2020, 7, 1, 0), &tm), 0);
	assert_int_equal(tm.tm_gmtoff, 1234);
	tz_free(&z);
}

/*
 * Before the first transition glibc takes the first standard type (RFC
 * 8536 says type 0), or type 0 when every type is DST.
 */
static void
before_first(const unsigned char *isdst, int32_t want)
{
	static const int32_t utoff[] = { 7200, 1234 };
	static const unsigned char abbr[] = { 4, 0 }, idx[] = { 0 };
	int64_t at = utc(1980, 1, 1, 0);
	struct tzif f = { '2', 1, &at, idx, 2, utoff, isdst, abbr,
	    "LMT\0XDT", 8, 0, NULL, NULL, 0, "" };
	struct cmp c = { "before the first transition", 0, 0 };
	struct vg_tz z;
	struct tm tm;

	zone_file(&f, &z);
	sweep(&c, &z, utc(1975, 1, 1, 0), utc(1985, 1, 1, 0));
	done(&c, 7000);
	assert_int_equal(tz_localtime(&z, utc(1979, 1, 1, 0), &tm), 0);
	assert_int_equal(tm.tm_gmtoff, want);
	tz_free(&z);
}

static void
test_before_first_transition(void **state)
{
	static const unsigned char dst_std[] = { 1, 0 }, dst_dst[] = { 1, 1 };

	(void)state;
	before_first(dst_std, 1234);
	before_first(dst_dst, 7200);
}

static int
group_setup(void **state)
{
	(void)state;
	secfile_policy_default(&pol, 1);
	unit_tmpdir(dir, sizeof(dir), "tz");
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
		cmocka_unit_test(test_every_zone_matches_glibc),
		cmocka_unit_test(test_named_zones_swept_to_2110),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_system_zone),
		cmocka_unit_test(test_rules_match_glibc),
		cmocka_unit_test(test_rule_in_early_years),
		cmocka_unit_test(test_rule_without_transitions),
		cmocka_unit_test(test_before_first_transition),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
