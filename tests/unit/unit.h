/* Shared by the cmocka unit tests: headers in the order cmocka needs. */
#ifndef VG_UNIT_H
#define VG_UNIT_H

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

/* ../shared/vectors, found from the test's working directory (the repo). */
#define VECTORS_DIR	"../shared/vectors"

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
