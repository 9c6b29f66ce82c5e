/* SPDX-License-Identifier: ISC */
/*
 * Local time in a named zone without touching the process (DESIGN 1.9):
 * pam_vncgate.so runs inside sshd, whose TZ and tzset() state are not
 * ours to change, so the zone file (TZif, RFC 8536) is read once at
 * config load and every local time after that is pure computation.
 *
 * The answer is the one glibc's localtime_r gives with TZ=<name>, so an
 * ACL hour means what `date` shows on the bastion.  The zone file is
 * untrusted input: a corrupt or hostile one is refused with a sentence,
 * it never reads out of bounds or crashes sshd.
 *
 * tz_zone.c loads and looks up, tz_parse.c checks and decodes the TZif
 * data, tz_rule.c reads the POSIX TZ string at the file's end (the rule
 * for instants after the last transition).
 */
#ifndef VG_TZ_H
#define VG_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct secfile_policy;

#define TZ_ZONEINFO	"/usr/share/zoneinfo"
#define TZ_LOCALTIME	"/etc/localtime"

/*
 * The bounds.  The largest Debian zone file is about 4 KB with fewer
 * than 300 transitions; these leave room for any real zone and keep a
 * hostile file from making sshd allocate much.
 */
#define TZ_NAME_MAX	64		/* "America/Argentina/ComodRivadavia" */
#define TZ_FILE_MAX	(64 * 1024)
#define TZ_TIMES_MAX	4096
#define TZ_TYPES_MAX	256		/* a transition's type is a byte */
#define TZ_CHARS_MAX	256		/* so is a type's abbreviation */
#define TZ_LEAPS_MAX	64
#define TZ_FOOTER_MAX	128
#define TZ_ABBR_MAX	16

struct tz_type {			/* a local time type */
	int32_t		utoff;		/* seconds east of UTC */
	unsigned char	isdst;
	unsigned char	abbr;		/* index into vg_tz.abbrs */
};

struct tz_leap {			/* a leap second record */
	int64_t		at;
	int32_t		corr;		/* the total correction from then on */
};

enum tz_date_kind {
	TZ_DATE_JULIAN1,		/* Jn: 1..365, never February 29 */
	TZ_DATE_JULIAN0,		/* n: 0..365, February 29 counted */
	TZ_DATE_MONTH,			/* Mm.w.d */
};

struct tz_date {			/* one change date of the POSIX rule */
	enum tz_date_kind kind;
	int		m, w, d;	/* d alone for Jn and n */
	int32_t		secs;		/* local time of day, -167h..167h */
};

/* The POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"), parsed. */
struct tz_rule {
	char		std[TZ_ABBR_MAX + 1];
	char		dst[TZ_ABBR_MAX + 1];
	int32_t		stdoff;		/* seconds east of UTC */
	int32_t		dstoff;
	int		has_dst;
	struct tz_date	start;		/* into DST, in standard local time */
	struct tz_date	end;		/* out of DST, in daylight local time */
};

/* A loaded zone: plain data, owned by the caller, freed by tz_free. */
struct vg_tz {
	int64_t		*times;		/* ntimes transitions, ascending */
	unsigned char	*tidx;		/* the type after each, < ntypes */
	size_t		 ntimes;
	struct tz_type	*types;		/* ntypes >= 1 */
	size_t		 ntypes;
	char		*abbrs;		/* NUL-terminated abbreviations */
	size_t		 nabbrs;
	struct tz_leap	*leaps;		/* nleaps, ascending */
	size_t		 nleaps;
	int		 has_rule;	/* else the last type stays */
	struct tz_rule	 rule;
};

/*
 * Load the zone name ("Asia/Shanghai") from TZ_ZONEINFO, or the system
 * zone (TZ_LOCALTIME) for "" or NULL.  The name is checked first (a
 * relative path of [A-Za-z0-9_+-] components), links are followed only
 * inside TZ_ZONEINFO, and the file is opened through secfile with the
 * policy (its size capped at TZ_FILE_MAX).  0, or -1 and a sentence.
 */
int	tz_load(const char *name, const struct secfile_policy *,
	    struct vg_tz *out, char *err, size_t errlen);

/* The same from another zoneinfo folder and localtime file (tests). */
int	tz_load_from(const char *root, const char *localtime,
	    const char *name, const struct secfile_policy *,
	    struct vg_tz *out, char *err, size_t errlen);

/* Check and decode a whole TZif file held in memory.  0 or -1. */
int	tz_parse(const unsigned char *data, size_t len, struct vg_tz *out,
	    char *err, size_t errlen);

/*
 * The local time of t in the zone, as glibc's localtime_r with
 * TZ=<name>: every field, tm_gmtoff, and tm_zone (which points into the
 * struct: valid while it stays in place, until tz_free).  -1 when the
 * year does not fit in a tm.
 */
int	tz_localtime(const struct vg_tz *, time_t t, struct tm *out);

/* Free what tz_load or tz_parse made and zero the struct; twice is fine. */
void	tz_free(struct vg_tz *);

/*
 * The POSIX TZ string and the calendar (tz_rule.c), for tz_zone.c,
 * tz_parse.c and the tests: parse one string (without its newlines), and
 * find the offset, isdst and abbreviation at t, an instant in the UTC
 * year `year`.
 */
int	tz_rule_parse(const char *s, struct tz_rule *out, char *err,
	    size_t errlen);
void	tz_rule_find(const struct tz_rule *, int64_t t, int64_t year,
	    int32_t *utoff, int *isdst, const char **abbr);

/*
 * The calendar fields of t (seconds since 1970, UTC or already local)
 * into tm, isdst, gmtoff and zone zero: gmtime_r without libc's zone
 * state.  -1 when the year does not fit in tm_year.
 */
int	tz_civil(int64_t t, struct tm *tm);

#endif
