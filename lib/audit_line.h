/* SPDX-License-Identifier: ISC */
/*
 * Making one line of the chained audit file, for audit_file.c; reading
 * one back is audit_file_parse (audit.h), which the verifier uses too.
 */
#ifndef VG_AUDIT_LINE_H
#define VG_AUDIT_LINE_H

#include "audit.h"
#include "util.h"

/*
 * The line of rec (who: its who keys, NULL for none) after last, the
 * record before it, stamped now and with host: S, then the hash member
 * spliced in before its closing brace, then a newline, into line; the
 * new hash into hash.  -1 when out of memory or over AUDIT_FILE_LINEMAX.
 */
int	audit_line_build(const char *host, const struct audit_rec *rec,
	    const struct audit_who *who, const struct audit_chain *last,
	    struct vg_buf *line, char hash[AUDIT_HASHHEX + 1]);

#endif
