/* SPDX-License-Identifier: ISC */
/*
 * Zone files: tz_parse (the TZif data) and tz_rule_parse (the POSIX TZ
 * string) on the same bytes, and tz_civil on their first eight.  A
 * hostile zone file is read inside sshd, so: a refused one leaves the
 * struct empty and says why; an accepted one gives a real date at each
 * of its transitions and leap seconds and far from them; and tz_civil
 * agrees with glibc's gmtime_r in a UTC without leap seconds.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"
#include "util.h"
#include "fuzz.h"

/* Beyond this a year no longer fits in tm_year: -1 is then right. */
#define FAR	((int64_t)1 << 55)

static void
check_tm(const struct tm *tm, int max_sec)
{
	FZ_CHECK(tm->tm_sec >= 0 && tm->tm_sec <= max_sec);
	FZ_CHECK(tm->tm_min >= 0 && tm->tm_min <= 59);
	FZ_CHECK(tm->tm_hour >= 0 && tm->tm_hour <= 23);
	FZ_CHECK(tm->tm_mday >= 1 && tm->tm_mday <= 31);
	FZ_CHECK(tm->tm_mon >= 0 && tm->tm_mon <= 11);
	FZ_CHECK(tm->tm_wday >= 0 && tm->tm_wday <= 6);
	FZ_CHECK(tm->tm_yday >= 0 && tm->tm_yday <= 365);
}

static void
at(const struct vg_tz *z, int64_t t)
{
	struct tm tm;

	if (tz_localtime(z, (time_t)t, &tm) == -1) {
		FZ_CHECK(t > FAR || t < -FAR);
		return;
	}
	/* consecutive leap seconds show as :60, :61 ... */
	check_tm(&tm, 59 + TZ_LEAPS_MAX);
	FZ_CHECK(tm.tm_isdst == 0 || tm.tm_isdst == 1);
	FZ_CHECK(tm.tm_gmtoff > -26 * 3600 && tm.tm_gmtoff < 26 * 3600);
	FZ_CHECK(tm.tm_zone != NULL && strlen(tm.tm_zone) <= TZ_CHARS_MAX);
}

static void
around(const struct vg_tz *z, int64_t t)
{
	if (t > INT64_MIN)
		at(z, t - 1);
	at(z, t);
	if (t < INT64_MAX)
		at(z, t + 1);
}

static void
zone(const uint8_t *data, size_t size)
{
	const int64_t fixed[] = { 0, INT32_MIN, INT32_MAX, 4102444800,
	    -FAR, FAR, INT64_MIN, INT64_MAX };
	char err[VG_ERRLEN];
	struct vg_tz z;
	size_t i;

	err[0] = '\0';
	if (tz_parse(data, size, &z, err, sizeof(err)) == -1) {
		FZ_CHECK(err[0] != '\0');
		FZ_CHECK(z.times == NULL && z.types == NULL &&
		    z.ntimes == 0 && z.ntypes == 0 && z.leaps == NULL);
		return;
	}
	FZ_CHECK(z.ntypes >= 1 && z.ntimes <= TZ_TIMES_MAX);
	for (i = 0; i < z.ntimes; i++)
		around(&z, z.times[i]);
	for (i = 0; i < z.nleaps; i++)
		around(&z, z.leaps[i].at);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		around(&z, fixed[i]);
	tz_free(&z);
	FZ_CHECK(z.times == NULL && z.ntypes == 0);
}

static void
rule(const uint8_t *data, size_t size)
{
	char err[VG_ERRLEN], *s = fz_string(data, size);
	const char *abbr;
	struct tz_rule r;
	int32_t off;
	int dst, y;

	err[0] = '\0';
	if (tz_rule_parse(s, &r, err, sizeof(err)) == -1) {
		FZ_CHECK(err[0] != '\0');
		free(s);
		return;
	}
	for (y = 1969; y <= 2101; y += 44) {
		tz_rule_find(&r, 4102444800, y, &off, &dst, &abbr);
		FZ_CHECK(dst == 0 || dst == 1);
		FZ_CHECK(strlen(abbr) >= 3 && strlen(abbr) <= TZ_ABBR_MAX);
		FZ_CHECK(off > -26 * 3600 && off < 26 * 3600);
	}
	free(s);
}

/* tz_civil against gmtime_r; TZ is a plain UTC, so gmtime_r has no
 * leap seconds to apply. */
static void
civil(const uint8_t *data, size_t size)
{
	struct tm ours, libc;
	uint64_t u = 0;
	time_t t;
	size_t i;

	for (i = 0; i < 8 && i < size; i++)
		u = u << 8 | data[i];
	t = (time_t)(int64_t)(u % (2 * (uint64_t)FAR)) - FAR;
	FZ_CHECK(tz_civil(t, &ours) == 0);
	check_tm(&ours, 59);
	FZ_CHECK(gmtime_r(&t, &libc) != NULL);
	FZ_CHECK(ours.tm_year == libc.tm_year && ours.tm_yday ==
	    libc.tm_yday && ours.tm_mon == libc.tm_mon && ours.tm_mday ==
	    libc.tm_mday && ours.tm_wday == libc.tm_wday && ours.tm_hour ==
	    libc.tm_hour && ours.tm_min == libc.tm_min && ours.tm_sec ==
	    libc.tm_sec);
}

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* a test process may: glibc reads this as UTC with no file */
	setenv("TZ", "UTC0", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zone(data, size);
	rule(data, size);
	civil(data, size);
	return 0;
}
