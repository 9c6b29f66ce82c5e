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

#endif
