/* SPDX-License-Identifier: ISC */
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): a failed check
 * aborts, so libFuzzer keeps the input that broke the contract; and the
 * input reaches the file parsers as a real file.
 */
#ifndef VG_FUZZ_H
#define VG_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/*
 * The one file a target feeds to conf_load or acl_load.  It lives in a
 * folder made once per process: secfile opens with O_NOFOLLOW, so a
 * /proc/self/fd/N link to a memfd would be refused as a symlink.
 */
static char fz_dir[512];
static char fz_path[600];

static void __attribute__((unused))
fz_cleanup(void)
{
	if (fz_path[0] != '\0')
		unlink(fz_path);
	if (fz_dir[0] != '\0')
		rmdir(fz_dir);
}

static const char * __attribute__((unused))
fz_file(const uint8_t *data, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	size_t off;
	ssize_t n;
	int fd;

	if (fz_dir[0] == '\0') {
		snprintf(fz_dir, sizeof(fz_dir), "%s/vgfuzz.XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		FZ_CHECK(mkdtemp(fz_dir) != NULL);
		snprintf(fz_path, sizeof(fz_path), "%s/input.conf", fz_dir);
		atexit(fz_cleanup);
	}
	fd = open(fz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FZ_CHECK(fd != -1);
	for (off = 0; off < size; off += (size_t)n) {
		n = write(fd, data + off, size - off);
		FZ_CHECK(n > 0);
	}
	FZ_CHECK(close(fd) == 0);
	return fz_path;
}

/* The input as a NUL-terminated string (an embedded NUL ends it early). */
static char * __attribute__((unused))
fz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
