/* SPDX-License-Identifier: ISC */
/*
 * Shared by test_tz.c and test_tz_file.c: writing TZif files (RFC 8536)
 * of our own, to compare with glibc and to break on purpose, and the
 * bytes of a real zone file.
 */
#ifndef VG_TZIF_H
#define VG_TZIF_H

#include <fcntl.h>
#include <stdint.h>

#include "tz.h"

/* A file's parts; NULL arrays for zero counts. */
struct tzif {
	char			 version;	/* '\0': a version 1 file */
	size_t			 ntimes;
	const int64_t		*times;
	const unsigned char	*idx;
	size_t			 ntypes;
	const int32_t		*utoff;
	const unsigned char	*isdst;
	const unsigned char	*abbr;
	const char		*chars;		/* NUL-separated */
	size_t			 nchars;
	size_t			 nleaps;
	const int64_t		*leap_at;
	const int32_t		*leap_corr;
	int			 flags;		/* write isstd/isut arrays */
	const char		*footer;	/* NULL: none at all */
};

/* The second header starts here in a version 2+ file we write. */
#define TZIF_HDR2	44
/* Its counts, big-endian: isut, isstd, leap, time, type, char. */
#define TZIF_ISUT	(TZIF_HDR2 + 20)
#define TZIF_ISSTD	(TZIF_HDR2 + 24)
#define TZIF_LEAP	(TZIF_HDR2 + 28)
#define TZIF_TIME	(TZIF_HDR2 + 32)
#define TZIF_TYPE	(TZIF_HDR2 + 36)
#define TZIF_CHAR	(TZIF_HDR2 + 40)
#define TZIF_DATA	(TZIF_HDR2 + 44)

static inline void
tzif_put(unsigned char *out, size_t *n, uint64_t v, int bytes)
{
	while (bytes-- > 0)
		out[(*n)++] = (unsigned char)(v >> (8 * bytes));
}

static inline void
tzif_header(const struct tzif *z, unsigned char *out, size_t *n, int empty)
{
	memcpy(out + *n, "TZif", 4);
	*n += 4;
	out[(*n)++] = (unsigned char)z->version;
	memset(out + *n, 0, 15);
	*n += 15;
	tzif_put(out, n, empty || !z->flags ? 0 : z->ntypes, 4);
	tzif_put(out, n, empty || !z->flags ? 0 : z->ntypes, 4);
	tzif_put(out, n, empty ? 0 : z->nleaps, 4);
	tzif_put(out, n, empty ? 0 : z->ntimes, 4);
	tzif_put(out, n, empty ? 0 : z->ntypes, 4);
	tzif_put(out, n, empty ? 0 : z->nchars, 4);
}

/* The data block with times of tsize bytes. */
static inline void
tzif_data(const struct tzif *z, unsigned char *out, size_t *n, int tsize)
{
	size_t i;

	for (i = 0; i < z->ntimes; i++)
		tzif_put(out, n, (uint64_t)z->times[i], tsize);
	for (i = 0; i < z->ntimes; i++)
		out[(*n)++] = z->idx[i];
	for (i = 0; i < z->ntypes; i++) {
		tzif_put(out, n, (uint32_t)z->utoff[i], 4);
		out[(*n)++] = z->isdst[i];
		out[(*n)++] = z->abbr[i];
	}
	memcpy(out + *n, z->chars, z->nchars);
	*n += z->nchars;
	for (i = 0; i < z->nleaps; i++) {
		tzif_put(out, n, (uint64_t)z->leap_at[i], tsize);
		tzif_put(out, n, (uint32_t)z->leap_corr[i], 4);
	}
	for (i = 0; z->flags && i < 2 * z->ntypes; i++)
		out[(*n)++] = 0;
}

/*
 * The file into out (cap >= 64 + 30 * ntimes + 8 * ntypes + nchars +
 * 16 * nleaps + footer); its length.  A version 2+ file gets an empty
 * version 1 block, as zic -b slim writes it.
 */
static inline size_t
tzif_build(const struct tzif *z, unsigned char *out)
{
	size_t n = 0;

	if (z->version == '\0') {
		tzif_header(z, out, &n, 0);
		tzif_data(z, out, &n, 4);
		return n;
	}
	tzif_header(z, out, &n, 1);
	tzif_header(z, out, &n, 0);
	tzif_data(z, out, &n, 8);
	if (z->footer != NULL)
		n += (size_t)sprintf((char *)out + n, "\n%s\n", z->footer);
	return n;
}

/* Overwrite a 4-byte big-endian count at off. */
static inline void
tzif_set32(unsigned char *file, size_t off, uint32_t v)
{
	size_t n = off;

	tzif_put(file, &n, v, 4);
}

/* Read a whole file into buf; its length (fails the test otherwise). */
static inline size_t
tzif_read(const char *path, unsigned char *buf, size_t cap)
{
	size_t len;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	len = fread(buf, 1, cap, f);
	assert_true(len > 0 && len < cap);
	fclose(f);
	return len;
}

/* Write len bytes to dir/name, making folders on the way. */
static inline const char *
tzif_write(const char *dir, const char *name, const unsigned char *buf,
    size_t len, mode_t mode)
{
	static char path[600];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

#endif
