/* SPDX-License-Identifier: ISC */
/*
 * Loading a zone and finding local times in it: see tz.h.
 *
 * Nothing here calls setenv, putenv, unsetenv, tzset, localtime_r,
 * mktime, or even gmtime_r (which applies the leap seconds of TZ's
 * zone): inside sshd the environment and libc's zone state belong to
 * sshd (DESIGN 1.9).  The calendar is tz_civil's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secfile.h"
#include "tz.h"
#include "util.h"

#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_+-/"

/*
 * A zone name is a relative path of non-empty components; '.' is not in
 * the set, so no ".." can climb out of the zoneinfo folder.
 */
static int
name_ok(const char *name)
{
	return vg_charset_ok(name, NAME_CHARS, TZ_NAME_MAX) &&
	    name[0] != '/' && name[strlen(name) - 1] != '/' &&
	    strstr(name, "//") == NULL;
}

/* path is root itself or below it; root is already resolved. */
static int
inside(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (n == 1)
		return 1;
	return strncmp(path, root, n) == 0 && path[n] == '/';
}

/*
 * The file to open, all links resolved.  Debian's zones include links
 * (posix/Asia/Shanghai, PRC) and /etc/localtime is one: links are
 * followed, but the end must lie inside the zoneinfo folder, so a link
 * planted there cannot make sshd read another file.  The system zone may
 * also be a plain file where it is.
 */
static int
resolve(const char *root, const char *want, int system, char *path,
    char *err, size_t errlen)
{
	char rroot[PATH_MAX];

	if (realpath(root, rroot) == NULL) {
		vg_seterr(err, errlen, "the zone folder %s cannot be opened: "
		    "%s", root, strerror(errno));
		return -1;
	}
	if (realpath(want, path) == NULL) {
		if (errno == ENOENT && !system)
			vg_seterr(err, errlen, "there is no time zone %s "
			    "(%s does not exist)", want + strlen(root) + 1,
			    want);
		else
			vg_seterr(err, errlen, "%s cannot be opened: %s", want,
			    strerror(errno));
		return -1;
	}
	if (!inside(rroot, path) && !(system && strcmp(path, want) == 0)) {
		vg_seterr(err, errlen, "%s leads to %s, outside %s", want,
		    path, root);
		return -1;
	}
	return 0;
}

/* The whole file through secfile, its size capped at TZ_FILE_MAX. */
static unsigned char *
slurp(const char *path, const struct secfile_policy *pol, size_t *len,
    char *err, size_t errlen)
{
	struct secfile_policy p = *pol;
	enum secfile_status st;
	unsigned char *buf;
	FILE *f;

	if (p.max_size <= 0 || p.max_size > TZ_FILE_MAX)
		p.max_size = TZ_FILE_MAX;
	if ((f = secfile_fopen(path, &p, &st, err, errlen)) == NULL)
		return NULL;
	if ((buf = malloc((size_t)p.max_size + 1)) == NULL) {
		fclose(f);
		vg_seterr(err, errlen, "out of memory reading %s", path);
		return NULL;
	}
	/* one byte more than allowed: a file that grew is refused too */
	*len = fread(buf, 1, (size_t)p.max_size + 1, f);
	if (ferror(f) || *len > (size_t)p.max_size) {
		vg_seterr(err, errlen, "%s cannot be read whole", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

int
tz_load_from(const char *root, const char *localtime, const char *name,
    const struct secfile_policy *pol, struct vg_tz *out, char *err,
    size_t errlen)
{
	char want[PATH_MAX], path[PATH_MAX], why[VG_ERRLEN];
	int system = name == NULL || *name == '\0';
	unsigned char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!system && !name_ok(name)) {
		vg_seterr(err, errlen, "the time zone name is not like "
		    "Asia/Shanghai: letters, digits, '_', '+' and '-' in "
		    "parts joined by '/', at most %d characters", TZ_NAME_MAX);
		return -1;
	}
	if (system)
		rc = vg_strlcpy(want, localtime, sizeof(want));
	else
		rc = snprintf(want, sizeof(want), "%s/%s", root, name) >=
		    (int)sizeof(want) ? -1 : 0;
	if (rc == -1) {
		vg_seterr(err, errlen, "the zone path is too long");
		return -1;
	}
	if (resolve(root, want, system, path, err, errlen) == -1 ||
	    (buf = slurp(path, pol, &len, err, errlen)) == NULL)
		return -1;
	rc = tz_parse(buf, len, out, why, sizeof(why));
	free(buf);
	if (rc == -1)
		vg_seterr(err, errlen, "%s is not a valid zone file: %s", path,
		    why);
	return rc;
}

int
tz_load(const char *name, const struct secfile_policy *pol,
    struct vg_tz *out, char *err, size_t errlen)
{
	return tz_load_from(TZ_ZONEINFO, TZ_LOCALTIME, name, pol, out, err,
	    errlen);
}

/* Before the first transition: the first standard type (glibc's
 * choice), or type 0 when all are DST. */
static const struct tz_type *
first_type(const struct vg_tz *z)
{
	size_t i;

	for (i = 0; i < z->ntypes; i++)
		if (!z->types[i].isdst)
			return &z->types[i];
	return &z->types[0];
}

/* The type of the last transition at or before t. */
static const struct tz_type *
type_at(const struct vg_tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntimes, mid;

	if (z->ntimes == 0 || t < z->times[0])
		return first_type(z);
	/* times[lo] <= t < times[hi], times[ntimes] being +infinity */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t < z->times[mid])
			hi = mid;
		else
			lo = mid;
	}
	return &z->types[z->tidx[lo]];
}

/*
 * The leap second correction at t, and at a positive leap second itself
 * how many seconds past :59 it is (glibc shows 23:59:60).
 */
static void
leap_at(const struct vg_tz *z, int64_t t, int64_t *corr, int *hit)
{
	size_t i = z->nleaps;

	*corr = 0;
	*hit = 0;
	while (i > 0 && t < z->leaps[i - 1].at)
		i--;
	if (i-- == 0)
		return;
	*corr = z->leaps[i].corr;
	if (t != z->leaps[i].at ||
	    z->leaps[i].corr <= (i == 0 ? 0 : z->leaps[i - 1].corr))
		return;
	*hit = 1;
	while (i > 0 && z->leaps[i].at == z->leaps[i - 1].at + 1 &&
	    z->leaps[i].corr == z->leaps[i - 1].corr + 1) {
		(*hit)++;
		i--;
	}
}

/* Offset, DST flag and abbreviation at t, by transition or by rule. */
static void
find(const struct vg_tz *z, int64_t t, int32_t *off, int *isdst,
    const char **abbr)
{
	const struct tz_type *ty;
	struct tm utc;

	/* the rule covers from the last transition on (glibc: not when
	 * there is no transition at all) */
	if (z->has_rule && z->ntimes > 0 && t >= z->times[z->ntimes - 1] &&
	    tz_civil(t, &utc) == 0) {
		tz_rule_find(&z->rule, t, (int64_t)utc.tm_year + 1900, off,
		    isdst, abbr);
		return;
	}
	ty = type_at(z, t);
	*off = ty->utoff;
	*isdst = ty->isdst;
	*abbr = z->abbrs + ty->abbr;
}

int
tz_localtime(const struct vg_tz *z, time_t t, struct tm *out)
{
	const char *abbr;
	int64_t corr, local;
	int32_t off;
	int isdst, hit;

	if (z->ntypes == 0 || z->types == NULL)
		return -1;
	find(z, t, &off, &isdst, &abbr);
	leap_at(z, t, &corr, &hit);
	if (__builtin_add_overflow((int64_t)t, (int64_t)off - corr, &local) ||
	    tz_civil(local, out) == -1)
		return -1;
	out->tm_sec += hit;
	out->tm_isdst = isdst;
	out->tm_gmtoff = off;
	out->tm_zone = abbr;
	return 0;
}
