/* SPDX-License-Identifier: ISC */
/* Shared by the cmocka unit tests: headers in the order cmocka needs. */
#ifndef VG_UNIT_H
#define VG_UNIT_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* The SDK-made signature vectors (tests/vectors/README.md), found from
 * the test's working directory: the top of the tree. */
#define VECTORS_DIR	"tests/vectors"

/* A fresh mkdtemp folder /tmp/vg-<tag>-XXXXXX into dir (dirlen >= 64). */
static inline void
unit_tmpdir(char *dir, size_t dirlen, const char *tag)
{
	assert_true(dirlen >= 64 && strlen(tag) < 40);
	snprintf(dir, dirlen, "/tmp/vg-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
}

static inline int
unit_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and all in it; "" (never made) is fine.  0 or -1. */
static inline int
unit_rm_tree(const char *dir)
{
	if (dir[0] == '\0')
		return 0;
	return nftw(dir, unit_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Write text to a fresh file under a mkdtemp folder; returns its path. */
static inline char *
unit_write_file(const char *dir, const char *name, const char *text,
    mode_t mode)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/*
 * The whole of a small file (a mock's CA), NUL-terminated, on the heap
 * for the caller to free; *len its size.  The http client takes its
 * trust anchors as text (http_opts.ca_pem), as conf_load reads them.
 */
static inline char *
unit_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(buf = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#endif
