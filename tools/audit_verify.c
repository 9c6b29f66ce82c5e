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
 * rewritten wholesale with a fresh chain.  Syslog (copied off the host)
 * holds seq and chain for every record: --against checks each of those
 * lines against the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_tool.h"

#define KEYCHARS	"abcdefghijklmnopqrstuvwxyz0123456789_"
#define HEXCHARS	"0123456789abcdef"

/* What the file held, for --against: chains[i] is seq i + 1's. */
struct chainv {
	unsigned long long	  n;
	char			  prev[AUDIT_HASHHEX + 1];
	char			(*chains)[AUDIT_CHAINHEX + 1];
	size_t			  cap;
	int			  keep;
};

/* One bad place found in syslog: the lowest seq wins. */
struct finding {
	unsigned long long	seq;
	size_t			lineno;
	char			why[300];
	int			found;
};

static int
keep_chain(struct chainv *v, const char *hash)
{
	void *p;
	size_t cap;

	if (v->n == v->cap) {
		cap = v->cap == 0 ? 1024 : v->cap * 2;
		if ((p = reallocarray(v->chains, cap, sizeof(*v->chains))) ==
		    NULL)
			return -1;
		v->chains = p;
		v->cap = cap;
	}
	memcpy(v->chains[v->n], hash, AUDIT_CHAINHEX);
	v->chains[v->n][AUDIT_CHAINHEX] = '\0';
	return 0;
}

/* 0 when the line is seq n + 1 and chains on; else why, in a sentence. */
static int
check_line(const struct chainv *v, const char *line, size_t len, int nl,
    struct audit_line *al, char *why, size_t whylen)
{
	unsigned long long want = v->n + 1;
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
			printf("bad seq %llu: %s (line %zu)\n", v->n + 1, why,
			    r.lineno);
			reader_close(&r);
			return AX_BAD;
		}
		if (v->keep && keep_chain(v, al.hash) == -1) {
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

/* ------------------------------------------------------------------ */
/* --against: the syslog copy */

/* Past one value at p: bare up to a space, or quoted with C escapes. */
static const char *
skip_value(const char *p)
{
	if (*p != '"')
		return p + strcspn(p, " ");
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

static int
take_seq(const char *v, size_t n, unsigned long long *seq)
{
	char *end;

	if (n == 0 || n > 19 || strspn(v, "0123456789") != n)
		return -1;
	*seq = strtoull(v, &end, 10);
	return *seq == 0 ? -1 : 0;
}

/*
 * seq and chain of one of our syslog lines: 1 when it has both, 0 when
 * it is not ours or has no seq key (syslog only, or a file_error line),
 * -1 when its seq or chain cannot be read.  Pairs are walked one by one
 * so a value that holds "seq=" is never taken for the key.
 */
static int
syslog_chain(const char *line, unsigned long long *seq, char *chain)
{
	const char *p = strstr(line, "vncgate[");
	size_t k, n;
	int have = 0;

	if (p == NULL || (p = strstr(p, "]: ")) == NULL)
		return 0;
	for (p += 3; *p != '\0'; p += *p == ' ') {
		k = strspn(p, KEYCHARS);
		if (k == 0 || p[k] != '=')
			return have ? -1 : 0;
		n = (size_t)(skip_value(p + k + 1) - (p + k + 1));
		if (k == 3 && strncmp(p, "seq", 3) == 0) {
			if (take_seq(p + 4, n, seq) == -1)
				return -1;
			have |= 1;
		}
		if (k == 5 && strncmp(p, "chain", 5) == 0) {
			if (n != AUDIT_CHAINHEX || strspn(p + 6, HEXCHARS) < n)
				return -1;
			memcpy(chain, p + 6, n);
			chain[n] = '\0';
			have |= 2;
		}
		p += k + 1 + n;
	}
	return have == 3 ? 1 : have == 0 ? 0 : -1;
}

static void
note(struct finding *f, unsigned long long seq, size_t lineno,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
note(struct finding *f, unsigned long long seq, size_t lineno,
    const char *fmt, ...)
{
	va_list ap;

	if (f->found && f->seq <= seq)
		return;
	f->found = 1;
	f->seq = seq;
	f->lineno = lineno;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

/* One syslog line against the file; 1 when it agrees. */
static int
check_syslog(const struct chainv *v, const char *line, size_t lineno,
    struct finding *f, size_t *badline)
{
	char chain[AUDIT_CHAINHEX + 1];
	unsigned long long seq = 0;
	int k;

	if ((k = syslog_chain(line, &seq, chain)) <= 0) {
		if (k == -1 && *badline == 0)
			*badline = lineno;
		return 0;
	}
	if (seq > v->n)
		note(f, seq, lineno, "syslog has it, but the file ends at seq "
		    "%llu: the file was cut short", v->n);
	else if (strcmp(chain, v->chains[seq - 1]) != 0)
		note(f, seq, lineno, "syslog has chain %s, the file %s: the "
		    "record or one before it was rewritten", chain,
		    v->chains[seq - 1]);
	else
		return 1;
	return 0;
}

static int
verify_against(const char *log, const struct chainv *v)
{
	struct finding f;
	struct reader r;
	size_t len, agree = 0, badline = 0;
	int nl, rc;

	memset(&f, 0, sizeof(f));
	if (reader_open(&r, log, 0) == -1)
		return AX_UNREADABLE;
	while ((rc = reader_next(&r, &len, &nl)) == 1)
		agree += check_syslog(v, r.line, r.lineno, &f, &badline);
	reader_close(&r);
	if (rc == -1)
		return AX_UNREADABLE;
	if (f.found) {
		printf("bad seq %llu: %s (%s line %zu)\n", f.seq, f.why, log,
		    f.lineno);
		return AX_BAD;
	}
	if (badline != 0) {
		printf("bad syslog line %zu of %s: its seq or chain cannot be "
		    "read\n", badline, log);
		return AX_BAD;
	}
	printf("ok %llu records, %zu syslog lines agree\n", v->n, agree);
	return AX_OK;
}

int
verify_run(const struct tool_args *a)
{
	struct chainv v;
	int rc;

	memset(&v, 0, sizeof(v));
	memset(v.prev, '0', AUDIT_HASHHEX);
	v.keep = a->against != NULL;
	if ((rc = verify_file(a->file, &v)) == AX_OK) {
		if (a->against != NULL)
			rc = verify_against(a->against, &v);
		else
			printf("ok %llu records\n", v.n);
	}
	free(v.chains);
	if (fflush(stdout) == EOF)
		return AX_UNREADABLE;
	return rc;
}
