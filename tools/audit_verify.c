/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit verify FILE... [--against LOG].
 *
 * Each line must be the next record: seq one more than the last, prev
 * the hash of the last, hash = SHA-256(prev || the line without hash)
 * (lib/audit.h).  The first record is seq 1 with prev 64 zeros, or, in a
 * file that a rotation started, seq K + 1 with the hash of a record K
 * that only the file before it can show: several FILEs, oldest first,
 * are one chain, checked across each junction.  audit_repair records
 * (a torn tail that a writer cut) are counted and said.  An edited
 * record fails its hash; a deleted, inserted, moved or duplicated one
 * breaks seq or prev; a line without its newline was cut off.  The
 * first record that fails is named by the seq that belongs at its
 * place, so the auditor knows where the trail stops being trustworthy.
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

/* Where the chain starts: seq 1 and 64 zeros, or after seq K (rotated). */
static void
chain_start(struct chainv *v, const struct audit_line *al)
{
	v->first = al->seq;
	if (al->seq > 1)
		memcpy(v->prev, al->prev, sizeof(v->prev));
}

/* The seq found where want belongs: what that says, as a sentence end. */
static const char *
seq_misplaced(unsigned long long seq, unsigned long long want, int first)
{
	if (first && seq == 1)
		return "the file starts a new chain instead of continuing the "
		    "one before it: its rotation did not carry the chain over";
	if (first)
		return "the file does not continue the one before it: a file "
		    "between them is missing, or records were deleted";
	return seq > want ? "a record was deleted or moved" :
	    "a record was duplicated or moved";
}

/*
 * 0 when the line is the next seq and chains on; else why, in a
 * sentence.  first: the first line of a file after another.
 */
static int
check_line(struct chainv *v, const char *line, size_t len, int nl,
    int first, struct audit_line *al, char *why, size_t whylen)
{
	unsigned long long want;
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
	if (v->first == 0)
		chain_start(v, al);
	want = v->first + v->n;
	if (al->seq != want) {
		vg_seterr(why, whylen, "seq %llu is found in its place: %s",
		    al->seq, seq_misplaced(al->seq, want, first));
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

/* The seq that belongs where a check failed. */
static unsigned long long
bad_seq(const struct chainv *v)
{
	return (v->first != 0 ? v->first : 1) + v->n;
}

/*
 * One file, going on from v (the files before it).  The file is read up
 * to its size under the writers' lock (audit_read.c), which is not held
 * meanwhile; what is printed is printed after.
 */
static int
verify_file(const char *path, int several, struct chainv *v,
    struct vg_buf *out)
{
	struct audit_line al;
	struct reader r;
	char why[VG_ERRLEN + 64];
	size_t len;
	int nl, rc;

	if (reader_open(&r, path, 1) == -1)
		return AX_UNREADABLE;
	while ((rc = reader_next(&r, &len, &nl)) == 1) {
		if (check_line(v, r.line, len, nl, r.lineno == 1 && v->n > 0,
		    &al, why, sizeof(why)) == -1) {
			buf_addf(out, "bad seq %llu: %s (%s%sline %zu)\n",
			    bad_seq(v), why, several ? path : "",
			    several ? " " : "", r.lineno);
			reader_close(&r);
			return AX_BAD;
		}
		if (v->keep && chainv_keep(v, r.line, len, al.hash) == -1) {
			tool_warn("out of memory");
			reader_close(&r);
			return AX_UNREADABLE;
		}
		memcpy(v->prev, al.hash, sizeof(v->prev));
		v->nrepair += strcmp(al.event, "audit_repair") == 0;
		v->n++;
	}
	reader_close(&r);
	return rc == -1 ? AX_UNREADABLE : AX_OK;
}

int
verify_run(const struct tool_args *a)
{
	struct chainv v;
	struct vg_buf out;
	size_t i;
	int rc = AX_OK;

	memset(&v, 0, sizeof(v));
	memset(v.prev, '0', AUDIT_HASHHEX);
	v.keep = a->against != NULL;
	buf_init(&out);
	for (i = 0; i < a->nfiles && rc == AX_OK; i++)
		rc = verify_file(a->files[i], a->nfiles > 1, &v, &out);
	if (v.first == 0)
		v.first = 1;
	if (rc == AX_OK && a->against == NULL) {
		chainv_summary(&v, &out);
		buf_addc(&out, '\n');
	}
	if (out.p != NULL)
		fputs(out.p, stdout);
	if (rc == AX_OK && a->against != NULL)
		rc = verify_against(a->against, &v);
	chainv_free(&v);
	buf_free(&out);
	if (fflush(stdout) == EOF)
		return AX_UNREADABLE;
	return rc;
}
