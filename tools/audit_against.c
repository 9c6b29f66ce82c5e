/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit verify FILE... --against LOG: the syslog copy against
 * the files, and the files against the syslog copy (DESIGN 1.7, 1.13).
 *
 * A line counts only when syslog put the tag "vncgate" in its header
 * (syslog_line.c) and its host is one of the file's records' hosts:
 * several bastions may share one collector's file, and another
 * program's message that merely holds "vncgate[1]: seq=999" is not ours.
 * Each such line must carry seq and chain (right after event), and the
 * file must hold that seq with a hash that starts with that chain:
 *   - a seq past the file's end: the file was cut short;
 *   - another chain: the record, or one before it, was rewritten;
 *   - no seq and chain: a line the file cannot vouch for (a sender that
 *     only claimed the tag, or a record the file did not take);
 *   - a seq before the first file's first: the rotated file that held
 *     it was not given, or was deleted;
 * and every record of the file from the first seq syslog holds on must
 * be in syslog: one that is not was added to the file afterwards (by
 * someone holding the group vncgate) or lost by syslog.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_tool.h"
#include "audit_verify.h"
#include "syslog_line.h"

#define KEYCHARS	"abcdefghijklmnopqrstuvwxyz0123456789_"
#define HEXCHARS	"0123456789abcdef"
#define EVENTMAX	32	/* of an event name in a finding */

/* The lowest bad seq: that is where the trail stops being trustworthy. */
struct finding {
	unsigned long long	seq;
	size_t			lineno;	/* of LOG; 0 when no line shows it */
	char			why[300];
	int			found;
};

/* The pairs of one line that matter here. */
struct pairs {
	unsigned long long	seq;
	char			chain[AUDIT_CHAINHEX + 1];
	int			have;	/* 1: seq, 2: chain */
	int			bad;	/* seq or chain cannot be read */
	const char		*event;
	size_t			eventlen;
	int			file_error;
};

struct against {
	const struct chainv	*v;
	const char		*log;
	unsigned char		*seen;	/* per record: a line agrees */
	unsigned long long	 lo;	/* the lowest seq syslog named */
	size_t			 agree;
	struct finding		 f;
	struct vg_buf		 bad;	/* one sentence per bad line */
	size_t			 nbad;
};

/* ------------------------------------------------------------------ */
/* what the file held */

static int
keep_host(struct chainv *v, const char *host)
{
	char **p;
	size_t i;

	for (i = 0; i < v->nhosts; i++)
		if (strcmp(v->hosts[i], host) == 0)
			return 0;
	if ((p = reallocarray(v->hosts, v->nhosts + 1, sizeof(*p))) == NULL)
		return -1;
	v->hosts = p;
	if ((v->hosts[v->nhosts] = strdup(host)) == NULL)
		return -1;
	v->nhosts++;
	return 0;
}

/* The record's host, read with jansson (the line was checked already). */
static int
keep_record_host(struct chainv *v, const char *line, size_t len)
{
	json_t *o, *h;
	int rc = 0;

	if ((o = json_loadb(line, len, 0, NULL)) == NULL)
		return 0;
	h = json_object_get(o, "host");
	if (json_is_string(h))
		rc = keep_host(v, json_string_value(h));
	json_decref(o);
	return rc;
}

int
chainv_keep(struct chainv *v, const char *line, size_t len,
    const char *hash)
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
	return keep_record_host(v, line, len);
}

void
chainv_summary(const struct chainv *v, struct vg_buf *b)
{
	buf_addf(b, "ok %llu records", v->n);
	if (v->nrepair > 0)
		buf_addf(b, ", %llu repairs", v->nrepair);
	if (v->first > 1)
		buf_addf(b, ", continuing after seq %llu", v->first - 1);
}

void
chainv_free(struct chainv *v)
{
	size_t i;

	for (i = 0; i < v->nhosts; i++)
		free(v->hosts[i]);
	free(v->hosts);
	free(v->chains);
	v->hosts = NULL;
	v->chains = NULL;
	v->nhosts = 0;
}

/* ------------------------------------------------------------------ */
/* one syslog line */

/*
 * A line without a host is a datagram as a program sent it (a capture
 * of the socket): this host's.  rsyslog writes its own host name cut at
 * the first dot unless told to keep the domain, so "bastion1" stands
 * for a file whose records say "bastion1.example.com".
 */
static int
host_ours(const struct chainv *v, const struct syslog_line *sl)
{
	const char *h;
	size_t i, n;

	if (sl->host == NULL)
		return 1;
	for (i = 0; i < v->nhosts; i++) {
		h = v->hosts[i];
		n = strcspn(h, ".");
		if ((strlen(h) == sl->hostlen || n == sl->hostlen) &&
		    strncmp(h, sl->host, sl->hostlen) == 0)
			return 1;
	}
	return 0;
}

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

	if (n == 0 || n > 19 || strspn(v, "0123456789") < n)
		return -1;
	*seq = strtoull(v, &end, 10);
	return *seq == 0 ? -1 : 0;
}

/* One key=value pair at p (key k bytes, value at val, n bytes). */
static void
take_pair(struct pairs *pr, const char *p, size_t k, const char *val,
    size_t n)
{
	if (k == 3 && strncmp(p, "seq", 3) == 0) {
		if (take_seq(val, n, &pr->seq) == -1)
			pr->bad = 1;
		pr->have |= 1;
	} else if (k == 5 && strncmp(p, "chain", 5) == 0) {
		if (n != AUDIT_CHAINHEX || strspn(val, HEXCHARS) < n)
			pr->bad = 1;
		else
			memcpy(pr->chain, val, n);
		pr->have |= 2;
	} else if (k == 5 && strncmp(p, "event", 5) == 0) {
		pr->event = val;
		pr->eventlen = n;
	} else if (k == 10 && strncmp(p, "file_error", 10) == 0)
		pr->file_error = 1;
}

/*
 * The pairs are walked one by one, so a value that holds "seq=" is never
 * taken for the key.  The walk ends at the first thing that is not a
 * pair: seq and chain come right after event, before any value that a
 * syslog daemon might cut.
 */
static void
scan_pairs(const char *p, struct pairs *pr)
{
	size_t k, n;

	memset(pr, 0, sizeof(*pr));
	for (; *p != '\0'; p += *p == ' ') {
		k = strspn(p, KEYCHARS);
		if (k == 0 || p[k] != '=')
			return;
		n = (size_t)(skip_value(p + k + 1) - (p + k + 1));
		take_pair(pr, p, k, p + k + 1, n);
		p += k + 1 + n;
	}
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

/* A line that is ours but vouches for nothing: one sentence for it. */
static void
bad_line(struct against *a, size_t lineno, const struct pairs *pr)
{
	char ev[EVENTMAX + 1];
	size_t n;

	n = pr->eventlen < EVENTMAX ? pr->eventlen : EVENTMAX;
	memcpy(ev, pr->event != NULL ? pr->event : "", n);
	ev[n] = '\0';
	buf_addf(&a->bad, "bad syslog line %zu of %s: ", lineno, a->log);
	if (pr->bad || pr->have != 0)
		buf_adds(&a->bad, "its seq or chain cannot be read\n");
	else {
		buf_adds(&a->bad, "a vncgate record (event=");
		tool_safe(&a->bad, ev, 0);
		buf_adds(&a->bad, pr->file_error ? ") that the audit file did "
		    "not take\n" : ") without seq and chain, which the audit "
		    "file cannot vouch for: forged, or written with no audit "
		    "file\n");
	}
	a->nbad++;
}

/* A chained line against the file. */
static void
check_chained(struct against *a, const struct pairs *pr, size_t lineno)
{
	const struct chainv *v = a->v;
	unsigned long long i;

	if (pr->seq < v->first) {
		/* syslog vouches for it: the file that held it must be there */
		note(&a->f, pr->seq, lineno, "syslog has it, but the files "
		    "given start after seq %llu: the rotated file that held "
		    "it is missing (give every file, oldest first)",
		    v->first - 1);
		return;
	}
	if (a->lo == 0 || pr->seq < a->lo)
		a->lo = pr->seq;
	i = pr->seq - v->first;
	if (i >= v->n)
		note(&a->f, pr->seq, lineno, "syslog has it, but the file ends "
		    "at seq %llu: the file was cut short", v->first + v->n - 1);
	else if (strcmp(pr->chain, v->chains[i]) != 0)
		note(&a->f, pr->seq, lineno, "syslog has chain %s, the file %s: "
		    "the record or one before it was rewritten", pr->chain,
		    v->chains[i]);
	else {
		a->seen[i] = 1;
		a->agree++;
	}
}

static void
check_syslog(struct against *a, const char *line, size_t lineno)
{
	struct syslog_line sl;
	struct pairs pr;

	if (syslog_line_parse(line, &sl) == -1 ||
	    !syslog_line_is(&sl, "vncgate") || !host_ours(a->v, &sl))
		return;
	scan_pairs(sl.msg, &pr);
	if (pr.bad || pr.have != 3)
		bad_line(a, lineno, &pr);
	else
		check_chained(a, &pr, lineno);
}

/* ------------------------------------------------------------------ */
/* the file against syslog */

/* From the first seq syslog holds on, each record must be there. */
static void
check_missing(struct against *a)
{
	const struct chainv *v = a->v;
	unsigned long long i;

	if (v->n == 0)
		return;
	if (a->lo == 0) {
		note(&a->f, v->first, 0, "%s holds none of the file's records: "
		    "nothing vouches for them", a->log);
		return;
	}
	for (i = a->lo - v->first; i < v->n; i++)
		if (!a->seen[i]) {
			note(&a->f, v->first + i, 0, "the file holds it, but "
			    "%s does not: it was added to the file afterwards, "
			    "or syslog lost it", a->log);
			return;
		}
}

static int
report(struct against *a)
{
	const struct finding *f = &a->f;
	struct vg_buf ok;

	if (f->found && f->lineno != 0)
		printf("bad seq %llu: %s (%s line %zu)\n", f->seq, f->why,
		    a->log, f->lineno);
	else if (f->found)
		printf("bad seq %llu: %s\n", f->seq, f->why);
	if (a->nbad > 0)
		fwrite(a->bad.p, 1, a->bad.len, stdout);
	if (f->found || a->nbad > 0)
		return AX_BAD;
	buf_init(&ok);
	chainv_summary(a->v, &ok);
	printf("%s, %zu syslog lines agree\n", ok.p != NULL ? ok.p : "ok",
	    a->agree);
	buf_free(&ok);
	return AX_OK;
}

int
verify_against(const char *log, const struct chainv *v)
{
	struct against a;
	struct reader r;
	size_t len;
	int nl, rc;

	memset(&a, 0, sizeof(a));
	a.v = v;
	a.log = log;
	buf_init(&a.bad);
	if ((a.seen = calloc(v->n + 1, 1)) == NULL) {
		tool_warn("out of memory");
		return AX_UNREADABLE;
	}
	if (reader_open(&r, log, 0) == -1)
		rc = -1;
	else {
		while ((rc = reader_next(&r, &len, &nl)) == 1)
			check_syslog(&a, r.line, r.lineno);
		reader_close(&r);
	}
	if (rc == 0 && a.bad.oom) {
		tool_warn("out of memory");
		rc = -1;
	}
	if (rc == 0) {
		check_missing(&a);
		rc = report(&a);
	} else
		rc = AX_UNREADABLE;
	free(a.seen);
	buf_free(&a.bad);
	return rc;
}
