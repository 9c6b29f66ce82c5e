/* SPDX-License-Identifier: ISC */
/*
 * The end of the chain in one file, for audit_file.c: the last record
 * read from the file's tail, a torn tail found after it, and lines
 * written after it (the torn tail cut first), within the process's file
 * size limit and taken back when a write fails.
 */
#ifndef VG_AUDIT_TAIL_H
#define VG_AUDIT_TAIL_H

#include <sys/types.h>

#include "audit.h"
#include "util.h"

struct audit_tail {
	off_t			size;	/* of the file */
	off_t			keep;	/* where its last whole line ends */
	struct audit_chain	last;	/* that record; seq 0: none */
	char			cut_sha256[AUDIT_CHAINHEX + 1];
};

/*
 * Read fd's tail (path names it in sentences).  A tail after the last
 * newline is a record cut off by a writer that died: keep says where it
 * starts, cut_sha256 is its hash prefix.  -1 and a sentence when the
 * file cannot be read, when the last whole line is not a record (that
 * is no crash, it is tampering: no record is chained onto it), or when
 * the tail is longer than any record.
 */
int	audit_tail_read(int fd, const char *path, struct audit_tail *,
	    char *err, size_t errlen);

/*
 * Cut the torn tail, if any, then write lines at the end in one write
 * and fsync.  Refused before anything changes when the file would grow
 * past the process's RLIMIT_FSIZE; a write that fails is taken back
 * (ftruncate to keep: shrinking is always allowed).
 */
int	audit_tail_write(int fd, const char *path, const struct audit_tail *,
	    const struct vg_buf *lines, char *err, size_t errlen);

#endif
