/* SPDX-License-Identifier: ISC */
/*
 * The POSIX TZ string at the end of a TZif file (RFC 8536 section 3.3):
 * the rule for every instant after the last transition, so for the years
 * after 2037 in a fat file and after the last rule change in a slim one.
 *
 * The grammar is read strictly: names of 3 to TZ_ABBR_MAX characters,
 * offsets up to 24:59:59, change times up to 167:59:59 either way (the
 * RFC's extension), and nothing after the second change.  glibc accepts
 * more (it clamps, defaults and ignores trailing bytes); what it accepts
 * and we refuse fails closed, and what we accept means the same to both,
 * so an ACL hour matches `date`.  A string with a daylight name but no
 * rule is refused: glibc would fill it from the posixrules file, state
 * outside the zone.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "tz.h"
#include "util.h"

#define HOUR	3600
#define DAY	86400

struct cur {
	const char	*p;
	char		*err;
	size_t		 errlen;
};

static int
bad(struct cur *c, const char *what)
{
	vg_seterr(c->err, c->errlen, "the TZ string has %s", what);
	return -1;
}

static int
isdigit_c(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
isalpha_c(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* 1 to maxdig decimal digits worth at most max; -1 otherwise. */
static int
number(struct cur *c, int maxdig, long max, long *out)
{
	long v = 0;
	int n = 0;

	while (isdigit_c(*c->p) && n < maxdig) {
		v = v * 10 + (*c->p++ - '0');
		n++;
	}
	if (n == 0 || isdigit_c(*c->p) || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A name: 3 or more letters, or <3 or more of [A-Za-z0-9+-]>. */
static int
name(struct cur *c, char *out, const char *which)
{
	const char *s = c->p;
	size_t n = 0;
	int quoted = *s == '<';

	s += quoted;
	while (isalpha_c(s[n]) || (quoted && (isdigit_c(s[n]) ||
	    s[n] == '+' || s[n] == '-')))
		n++;
	if (n < 3 || n > TZ_ABBR_MAX || (quoted && s[n] != '>'))
		return bad(c, which);
	memcpy(out, s, n);
	out[n] = '\0';
	c->p = s + n + quoted;
	return 0;
}

/* [+-]hh[:mm[:ss]] in seconds, hh at most maxh, mm and ss at most 59. */
static int
hms(struct cur *c, long maxh, int32_t *secs, const char *which)
{
	long h, m = 0, s = 0;
	int neg = *c->p == '-';

	if (*c->p == '-' || *c->p == '+')
		c->p++;
	if (number(c, 3, maxh, &h) == -1)
		return bad(c, which);
	if (*c->p == ':') {
		c->p++;
		if (number(c, 2, 59, &m) == -1)
			return bad(c, which);
		if (*c->p == ':') {
			c->p++;
			if (number(c, 2, 59, &s) == -1)
				return bad(c, which);
		}
	}
	*secs = (int32_t)((h * HOUR + m * 60 + s) * (neg ? -1 : 1));
	return 0;
}

/* A POSIX offset counts hours west of UTC: "5" is UTC-5. */
static int
offset(struct cur *c, int32_t *utoff, const char *which)
{
	int32_t west;

	if (hms(c, 24, &west, which) == -1)
		return -1;
	*utoff = -west;
	return 0;
}

static int
month_date(struct cur *c, struct tz_date *d)
{
	long m, w, wd;

	c->p++;
	if (number(c, 2, 12, &m) == -1 || m < 1 || *c->p++ != '.' ||
	    number(c, 1, 5, &w) == -1 || w < 1 || *c->p++ != '.' ||
	    number(c, 1, 6, &wd) == -1)
		return bad(c, "a bad Mm.w.d date");
	d->kind = TZ_DATE_MONTH;
	d->m = (int)m;
	d->w = (int)w;
	d->d = (int)wd;
	return 0;
}

/* ",date[/time]": Jn (1..365), n (0..365) or Mm.w.d; 02:00 by default. */
static int
change(struct cur *c, struct tz_date *d)
{
	long n;

	if (*c->p == '\0')
		return bad(c, "a daylight name but not its two change dates");
	if (*c->p++ != ',')
		return bad(c, "something else where a change date belongs");
	if (*c->p == 'M') {
		if (month_date(c, d) == -1)
			return -1;
	} else {
		d->kind = *c->p == 'J' ? TZ_DATE_JULIAN1 : TZ_DATE_JULIAN0;
		c->p += d->kind == TZ_DATE_JULIAN1;
		if (number(c, 3, 365, &n) == -1 ||
		    (d->kind == TZ_DATE_JULIAN1 && n == 0))
			return bad(c, "a bad change date");
		d->d = (int)n;
	}
	d->secs = 2 * HOUR;
	if (*c->p == '/') {
		c->p++;
		return hms(c, 167, &d->secs, "a bad change time");
	}
	return 0;
}

int
tz_rule_parse(const char *s, struct tz_rule *r, char *err, size_t errlen)
{
	struct cur c = { s, err, errlen };

	memset(r, 0, sizeof(*r));
	if (name(&c, r->std, "a bad standard time name") == -1 ||
	    offset(&c, &r->stdoff, "a bad standard time offset") == -1)
		return -1;
	if (*c.p == '\0')
		return 0;
	if (name(&c, r->dst, "a bad daylight time name") == -1)
		return -1;
	/* no daylight offset: one hour ahead of standard time */
	r->dstoff = r->stdoff + HOUR;
	if ((isdigit_c(*c.p) || *c.p == '+' || *c.p == '-') &&
	    offset(&c, &r->dstoff, "a bad daylight time offset") == -1)
		return -1;
	if (change(&c, &r->start) == -1 || change(&c, &r->end) == -1)
		return -1;
	if (*c.p != '\0')
		return bad(&c, "something after its second change date");
	r->has_dst = 1;
	return 0;
}

/* Division rounding down, for years before 1 and days before 1970. */
static int64_t
fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int
isleap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to January 1 of year y (proleptic Gregorian);
 * 477 leap days fall before 1970. */
static int64_t
year_days(int64_t y)
{
	return (y - 1970) * 365 + fdiv(y - 1, 4) - fdiv(y - 1, 100) +
	    fdiv(y - 1, 400) - 477;
}

static const short month_start[2][13] = {
	{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
	{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
};

/* The day in the year (0 = January 1) that d names in year y. */
static int64_t
day_in_year(const struct tz_date *d, int64_t y)
{
	const short *ms = month_start[isleap(y)];
	int64_t first;
	int dom, i, wd;

	if (d->kind == TZ_DATE_JULIAN1)
		return d->d - 1 + (d->d >= 60 && isleap(y));
	if (d->kind == TZ_DATE_JULIAN0)
		return d->d;
	/* 1970-01-01 was a Thursday (4) */
	first = year_days(y) + ms[d->m - 1];
	wd = (int)(first + 4 - fdiv(first + 4, 7) * 7);
	dom = d->d - wd;
	if (dom < 0)
		dom += 7;
	/* week 5 means the last such day of the month */
	for (i = 1; i < d->w && dom + 7 < ms[d->m] - ms[d->m - 1]; i++)
		dom += 7;
	return ms[d->m - 1] + dom;
}

/*
 * The date and time of t, seconds since 1970 in UTC or already shifted
 * to local time, without libc: glibc's gmtime_r applies the leap seconds
 * of the zone in TZ (a right/ zone), state that is not ours.
 */
int
tz_civil(int64_t t, struct tm *tm)
{
	int64_t days = t / DAY, secs = t % DAY, y, yday;
	const short *ms;
	int m;

	/* floor, without t - days * DAY overflowing at INT64_MIN */
	if (secs < 0) {
		secs += DAY;
		days--;
	}

	/* within a year of the answer, then exact */
	y = 1970 + fdiv(days * 400, 146097);
	while (year_days(y) > days)
		y--;
	while (year_days(y + 1) <= days)
		y++;
	if (y - 1900 < INT_MIN || y - 1900 > INT_MAX)
		return -1;
	yday = days - year_days(y);
	ms = month_start[isleap(y)];
	for (m = 0; m < 11 && yday >= ms[m + 1]; m++)
		;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m;
	tm->tm_mday = (int)(yday - ms[m] + 1);
	tm->tm_yday = (int)yday;
	/* 1970-01-01 was a Thursday (4) */
	tm->tm_wday = (int)(days + 4 - fdiv(days + 4, 7) * 7);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	return 0;
}

/*
 * The instant of the change d in year y, its time of day read in the
 * local time of offset off.  Like glibc, a year up to 1970 counts its
 * days from 1970-01-01: matching that keeps our hours equal to `date`
 * even for a zone whose rule starts so early (none in tzdata does).
 */
static int64_t
change_at(const struct tz_date *d, int64_t y, int32_t off)
{
	int64_t base = y > 1970 ? year_days(y) * DAY : 0;

	return base + day_in_year(d, y) * DAY - off + d->secs;
}

void
tz_rule_find(const struct tz_rule *r, int64_t t, int64_t year,
    int32_t *utoff, int *isdst, const char **abbr)
{
	int64_t start, end;
	int dst = 0;

	if (r->has_dst) {
		start = change_at(&r->start, year, r->stdoff);
		end = change_at(&r->end, year, r->dstoff);
		/* south of the equator, DST spans the new year */
		if (start > end)
			dst = t < end || t >= start;
		else
			dst = t >= start && t < end;
	}
	*isdst = dst;
	*utoff = dst ? r->dstoff : r->stdoff;
	*abbr = dst ? r->dst : r->std;
}
