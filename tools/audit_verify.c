/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit verify FILE [--against LOG].
 *
 * Each line must be the next record: seq one more than the last, prev
 * the hash of the last, hash = SHA-256(prev || the line without hash)
 * (lib/audit.h).  An edited record fails its hash; a deleted, inserted,
 * moved or duplicated one breaks seq or prev; a line without its newline
 * was cut off.  The first record that fails is named by the seq that
 * belongs at its place, so the auditor knows where the trail stops being
 * trustworthy.
 *
 * The file alone cannot show records cut from its end, nor a file
 * rewritten wholesale with a fresh chain, nor records added to its end
 * by someone holding the group vncgate.  Syslog (copied off the host)
 * holds seq and chain for every record: --against checks the file
 * against those lines, and each line against the file
 * (audit_against.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_tool.h"
#include "audit_verify.h"

/* 0 when the line is the next seq and chains on; else why, in a sentence. */
static int
check_line(const struct chainv *v, const char *line, size_t len, int nl,
    struct audit_line *al, char *why, size_t whylen)
{
	unsigned long long want = v->first + v->n;
	char err[VG_ERRLEN];

	if (!nl) {
		vg_seterr(why, whylen, "the record is cut off: the file ends "
		    "in the middle of its line");
		return -1;
	}
	if (audit_file_parse(line, len, al, err, sizeof(err)) == -1) {
		vg_seterr(why, whylen, "the line is not a record: %s", err);
		return -1;
	}
	if (al->seq != want) {
		vg_seterr(why, whylen, "seq %llu is found in its place: a "
		    "record was %s", al->seq, al->seq > want ?
		    "deleted or moved" : "duplicated or moved");
		return -1;
	}
	if (strcmp(al->prev, v->prev) != 0) {
		vg_seterr(why, whylen, "its prev is not the hash of the record "
		    "before: a record was inserted, deleted or moved");
		return -1;
	}
	if (!al->hash_ok) {
		vg_seterr(why, whylen, "its hash does not match: the record "
		    "was changed");
		return -1;
	}
	return 0;
}

static int
verify_file(const char *path, struct chainv *v)
{
	struct audit_line al;
	struct reader r;
	char why[VG_ERRLEN + 64];
	size_t len;
	int nl, rc;

	if (reader_open(&r, path, 1) == -1)
		return AX_UNREADABLE;
	while ((rc = reader_next(&r, &len, &nl)) == 1) {
		if (check_line(v, r.line, len, nl, &al, why,
		    sizeof(why)) == -1) {
			printf("bad seq %llu: %s (line %zu)\n",
			    v->first + v->n, why, r.lineno);
			reader_close(&r);
			return AX_BAD;
		}
		if (v->keep && chainv_keep(v, r.line, len, al.hash) == -1) {
			tool_warn("out of memory");
			reader_close(&r);
			return AX_UNREADABLE;
		}
		memcpy(v->prev, al.hash, sizeof(v->prev));
		v->n++;
	}
	reader_close(&r);
	return rc == -1 ? AX_UNREADABLE : AX_OK;
}


int
verify_run(const struct tool_args *a)
{
	struct chainv v;
	int rc;

	memset(&v, 0, sizeof(v));
	memset(v.prev, '0', AUDIT_HASHHEX);
	v.first = 1;
	v.keep = a->against != NULL;
	if ((rc = verify_file(a->file, &v)) == AX_OK) {
		if (a->against != NULL)
			rc = verify_against(a->against, &v);
		else
			printf("ok %llu records\n", v.n);
	}
	chainv_free(&v);
	if (fflush(stdout) == EOF)
		return AX_UNREADABLE;
	return rc;
}
