/* SPDX-License-Identifier: ISC */
/*
 * Audit records (DESIGN 1.7): the builder, the escaping that keeps every
 * value on one line and parseable, the line format and audit_emit.  The
 * syslog sink lives in audit_syslog.c, the chained file in audit_file.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "audit.h"
#include "util.h"

#define KEYCHARS	"abcdefghijklmnopqrstuvwxyz0123456789_"
#define CUTMARK		"..."
#define TRUNCPAIR	" truncated=1"
#define NWHO		AUDIT_NWHO
#define NCHAIN		2	/* seq and chain, or file_error */

/* The who keys, in the order they follow event on every line. */
static const char *const whokeys[NWHO] = {
	"user", "uid", "rhost", "rport", "tty", "pid"
};

/*
 * Keys the sinks add themselves.  A record that set one could forge its
 * own place in the chain ("seq", "prev", "hash"), a marker ("event",
 * "truncated", "file_error") or the file's "ts" and "host".
 */
static const char *const reserved[] = {
	"event", "truncated", "seq", "chain", "file_error", "ts", "host",
	"prev", "hash",
};

/* Escapes with a name of their own; other bytes become \xHH. */
static const struct {
	unsigned char	 c;
	const char	*seq;
} escapes[] = {
	{ '"',	"\\\"" },
	{ '\\',	"\\\\" },
	{ '\n',	"\\n" },
	{ '\r',	"\\r" },
	{ '\t',	"\\t" },
};

/* One line under construction: where each pair ends, to cut whole pairs. */
struct line {
	struct vg_buf	*b;
	size_t		 start;
	size_t		 ends[1 + NCHAIN + NWHO + AUDIT_MAXKV];
	size_t		 n;
};

void
audit_rec_init(struct audit_rec *rec, const char *event)
{
	memset(rec, 0, sizeof(*rec));
	vg_strlcpy(rec->event, event != NULL ? event : "", sizeof(rec->event));
}

/*
 * How many bytes of v to keep; *cut is set when v is longer than
 * AUDIT_VALMAX and the kept part must be followed by "...".  The cut
 * backs off over at most three UTF-8 continuation bytes so a name is not
 * split inside a character.
 */
static size_t
keeplen(const char *v, int *cut)
{
	size_t n, keep, back;

	n = strlen(v);
	*cut = n > AUDIT_VALMAX;
	if (!*cut)
		return n;
	keep = AUDIT_VALMAX - strlen(CUTMARK);
	for (back = 0; back < 3 && keep > 0 &&
	    ((unsigned char)v[keep] & 0xc0) == 0x80; back++)
		keep--;
	return keep;
}

static int
valid_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(key, reserved[i]) == 0)
			return 0;
	/* digits as in url_sha256, but a key starts with a letter */
	return vg_charset_ok(key, KEYCHARS, AUDIT_KEYMAX - 1) &&
	    key[0] >= 'a' && key[0] <= 'z';
}

static struct audit_kv *
find(const struct audit_rec *rec, const char *key)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (strcmp(rec->kv[i].key, key) == 0)
			return (struct audit_kv *)&rec->kv[i];
	return NULL;
}

int
audit_set(struct audit_rec *rec, const char *key, const char *value)
{
	struct audit_kv *kv;
	size_t keep;
	char *copy;
	int cut;

	if (key == NULL || !valid_key(key))
		return -1;
	if (value == NULL)
		value = "";
	kv = find(rec, key);
	if (kv == NULL && rec->n == AUDIT_MAXKV)
		return -1;
	keep = keeplen(value, &cut);
	if ((copy = malloc(keep + sizeof(CUTMARK))) == NULL)
		return -1;
	memcpy(copy, value, keep);
	copy[keep] = '\0';
	if (cut)
		strcat(copy, CUTMARK);
	if (kv == NULL) {
		kv = &rec->kv[rec->n++];
		vg_strlcpy(kv->key, key, sizeof(kv->key));
	} else
		vg_freestr(kv->value);
	kv->value = copy;
	return 0;
}

int
audit_setf(struct audit_rec *rec, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n, rc;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	rc = audit_set(rec, key, s);
	vg_freestr(s);
	return rc;
}

void
audit_rec_free(struct audit_rec *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++) {
		vg_freestr(rec->kv[i].value);
		rec->kv[i].value = NULL;
	}
	rec->n = 0;
}

const char *
audit_get(const struct audit_rec *rec, const char *key)
{
	const struct audit_kv *kv;

	kv = find(rec, key);
	return kv != NULL ? kv->value : NULL;
}

/*
 * The severity of each record on syslog (DESIGN 1.7), the first row that
 * fits.  An issue of break-glass, or the deny of a refused one, is an
 * alert: the shipped rsyslog snippet sends severity alert to an action
 * of its own (a file, mail, a webhook), so the auditors learn of
 * emergency access when it happens, not at the next review.  Refusals
 * and failures are notices; the rest is information.
 */
enum sev_test { SEV_ALWAYS, SEV_SET, SEV_NOT_OK };

static const struct {
	const char	*event;		/* NULL: any event */
	const char	*key;		/* the key SEV_SET, SEV_NOT_OK read */
	enum sev_test	 test;
	int		 severity;
} severities[] = {
	{ "issue",	"breakglass",	SEV_SET,	LOG_ALERT },
	{ "deny",	"breakglass",	SEV_SET,	LOG_ALERT },
	{ "deny",	NULL,		SEV_ALWAYS,	LOG_NOTICE },
	{ "rate_limited", NULL,		SEV_ALWAYS,	LOG_NOTICE },
	{ "config_error", NULL,		SEV_ALWAYS,	LOG_NOTICE },
	{ NULL,		"result",	SEV_NOT_OK,	LOG_NOTICE },
};

static int
sev_fits(const struct audit_rec *rec, size_t i)
{
	const char *v;

	if (severities[i].event != NULL &&
	    strcmp(severities[i].event, rec->event) != 0)
		return 0;
	if (severities[i].test == SEV_ALWAYS)
		return 1;
	v = audit_get(rec, severities[i].key);
	if (severities[i].test == SEV_SET)
		return v != NULL && v[0] != '\0';
	return v != NULL && strcmp(v, "ok") != 0;
}

int
audit_severity(const struct audit_rec *rec)
{
	size_t i;

	for (i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (sev_fits(rec, i))
			return severities[i].severity;
	return LOG_INFO;
}

/* Anything outside 0x21..0x7e, and the bytes that would confuse a parse. */
static int
needs_quotes(unsigned char c)
{
	return c < 0x21 || c > 0x7e || c == '"' || c == '=' || c == '\\';
}

static int
add_escaped(struct vg_buf *b, unsigned char c)
{
	size_t i;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		if (escapes[i].c == c)
			return buf_adds(b, escapes[i].seq);
	if (c < 0x20 || c > 0x7e)
		return buf_addf(b, "\\x%02x", c);
	return buf_addc(b, (char)c);
}

int
audit_escape(struct vg_buf *b, const char *value)
{
	size_t keep, i;
	int cut, quote;

	if (value == NULL)
		value = "";
	keep = keeplen(value, &cut);
	quote = keep == 0 && !cut;
	for (i = 0; i < keep && !quote; i++)
		quote = needs_quotes((unsigned char)value[i]);
	if (!quote) {
		buf_add(b, value, keep);
		return buf_adds(b, cut ? CUTMARK : "");
	}
	buf_addc(b, '"');
	for (i = 0; i < keep; i++)
		add_escaped(b, (unsigned char)value[i]);
	if (cut)
		buf_adds(b, CUTMARK);
	return buf_addc(b, '"');
}

static int
add_pair(struct line *l, const char *key, const char *value)
{
	if (l->b->len > l->start)
		buf_addc(l->b, ' ');
	buf_adds(l->b, key);
	buf_addc(l->b, '=');
	if (audit_escape(l->b, value) == -1)
		return -1;
	l->ends[l->n++] = l->b->len;
	return 0;
}

int
audit_is_who_key(const char *key)
{
	size_t i;

	for (i = 0; i < NWHO; i++)
		if (strcmp(key, whokeys[i]) == 0)
			return 1;
	return 0;
}

void
audit_who_values(const struct audit_rec *rec, const struct audit_who *w,
    struct audit_who_values *out)
{
	const char *own;
	size_t i;

	memset(out, 0, sizeof(*out));
	snprintf(out->num[0], sizeof(out->num[0]), "%lu",
	    (unsigned long)w->uid);
	snprintf(out->num[1], sizeof(out->num[1]), "%ld", (long)w->pid);
	out->value[0] = w->user;
	out->value[1] = out->num[0];
	out->value[2] = w->rhost;
	out->value[3] = w->rport;
	out->value[4] = w->tty;
	out->value[5] = out->num[1];
	for (i = 0; i < NWHO; i++) {
		out->key[i] = whokeys[i];
		if ((own = audit_get(rec, whokeys[i])) != NULL)
			out->value[i] = own;
	}
}

/* The who keys, each replaced by the record's own value when it has one. */
static int
add_who(struct line *l, const struct audit_rec *rec,
    const struct audit_who *w)
{
	struct audit_who_values wv;
	size_t i;

	audit_who_values(rec, w, &wv);
	for (i = 0; i < NWHO; i++)
		if (add_pair(l, wv.key[i], wv.value[i]) == -1)
			return -1;
	return 0;
}

/*
 * Keep the line under AUDIT_LINEMAX (with its NUL) by dropping whole
 * trailing pairs, so the cut never lands inside an escape or a quote,
 * and say so with truncated=1.  The event pair always fits.
 */
static int
cap_line(struct line *l)
{
	const size_t max = AUDIT_LINEMAX - 1, mark = strlen(TRUNCPAIR);
	size_t k;

	if (l->b->len - l->start <= max)
		return 0;
	for (k = l->n - 1; k > 0; k--)
		if (l->ends[k] - l->start + mark <= max)
			break;
	vg_wipe(l->b->p + l->ends[k], l->b->len - l->ends[k]);
	l->b->len = l->ends[k];
	return buf_adds(l->b, TRUNCPAIR);
}

/* seq and chain when the file took the record, else why it did not. */
static int
add_chain(struct line *l, const struct audit_chain *chain,
    const char *file_error)
{
	char seq[24], prefix[AUDIT_CHAINHEX + 1];

	if (chain != NULL) {
		snprintf(seq, sizeof(seq), "%llu", chain->seq);
		memcpy(prefix, chain->hash, AUDIT_CHAINHEX);
		prefix[AUDIT_CHAINHEX] = '\0';
		if (add_pair(l, "seq", seq) == -1)
			return -1;
		return add_pair(l, "chain", prefix);
	}
	if (file_error != NULL)
		return add_pair(l, "file_error", file_error);
	return 0;
}

static int
format_line(const struct audit_rec *rec, const struct audit_who *who,
    const struct audit_chain *chain, const char *file_error,
    struct vg_buf *b)
{
	struct line l;
	size_t i;

	memset(&l, 0, sizeof(l));
	l.b = b;
	l.start = b->len;
	if (add_pair(&l, "event", rec->event) == -1)
		return -1;
	if (add_chain(&l, chain, file_error) == -1)
		return -1;
	if (who != NULL && add_who(&l, rec, who) == -1)
		return -1;
	for (i = 0; i < rec->n; i++) {
		if (who != NULL && audit_is_who_key(rec->kv[i].key))
			continue;
		if (add_pair(&l, rec->kv[i].key, rec->kv[i].value) == -1)
			return -1;
	}
	if (cap_line(&l) == -1 || b->oom)
		return -1;
	return 0;
}

int
audit_format_kv(const struct audit_rec *rec, const struct audit_who *who,
    struct vg_buf *b)
{
	return format_line(rec, who, NULL, NULL, b);
}

void
audit_log_init(struct audit_log *log)
{
	memset(log, 0, sizeof(*log));
}

static const struct audit_sink *
chained_sink(const struct audit_log *log)
{
	size_t i;

	for (i = 0; i < log->nsinks; i++)
		if (log->sinks[i].append != NULL)
			return &log->sinks[i];
	return NULL;
}

/* Exactly one of emit and append; one chain per log. */
int
audit_log_add_sink(struct audit_log *log, const struct audit_sink *sink)
{
	if (log->nsinks == AUDIT_MAXSINKS ||
	    (sink->emit == NULL) == (sink->append == NULL))
		return -1;
	if (sink->append != NULL && chained_sink(log) != NULL)
		return -1;
	log->sinks[log->nsinks++] = *sink;
	return 0;
}

static const char *
sink_name(const struct audit_sink *s)
{
	return s->name != NULL ? s->name : "unnamed";
}

/* The first failure names the sink; a sink's own sentence is better. */
static void
note_failure(int *rc, const struct audit_sink *s, const char *serr,
    char *err, size_t errlen)
{
	if (*rc == 0 && serr[0] != '\0')
		vg_seterr(err, errlen, "%s", serr);
	else if (*rc == 0)
		vg_seterr(err, errlen, "the %s audit sink did not take the "
		    "record", sink_name(s));
	*rc = -1;
}

/*
 * The chained sink first: its seq and hash go into the line for the
 * others.  *chained is set when it took the record; ferr says why not.
 */
static int
append_chained(struct audit_log *log, const struct audit_rec *rec,
    struct audit_chain *chain, int *chained, char *ferr, size_t ferrlen)
{
	const struct audit_sink *s;

	*chained = 0;
	ferr[0] = '\0';
	if ((s = chained_sink(log)) == NULL)
		return 0;
	if (s->append(s->ctx, rec, &log->who, chain, ferr, ferrlen) == 0) {
		*chained = 1;
		return 0;
	}
	if (ferr[0] == '\0')
		vg_seterr(ferr, ferrlen, "the %s audit sink did not take the "
		    "record", sink_name(s));
	return -1;
}

/* rec's line (its place in the chain, or why it has none) to each sink. */
static int
emit_others(struct audit_log *log, const struct audit_rec *rec,
    const struct audit_chain *chain, const char *ferr, int *rc, char *err,
    size_t errlen)
{
	const struct audit_sink *s;
	struct vg_buf line;
	char serr[VG_ERRLEN];
	size_t i;

	buf_init(&line);
	if (format_line(rec, &log->who, chain, ferr, &line) == -1) {
		buf_free(&line);
		vg_seterr(err, errlen,
		    "could not format the audit record: out of memory");
		return -1;
	}
	for (i = 0; i < log->nsinks; i++) {
		s = &log->sinks[i];
		serr[0] = '\0';
		if (s->emit == NULL ||
		    s->emit(s->ctx, rec, line.p, serr, sizeof(serr)) == 0)
			continue;
		note_failure(rc, s, serr, err, errlen);
	}
	buf_free(&line);
	return 0;
}

/*
 * The audit_repair records the chained sink wrote before rec (a torn
 * tail it cut): every other sink gets them first, in their place, or
 * verify --against would find them in the file and not in syslog.
 */
static int
emit_repairs(struct audit_log *log, const struct audit_chain *chain,
    int *rc, char *err, size_t errlen)
{
	const struct audit_repair *r;
	struct audit_chain at;
	struct audit_rec rec;
	size_t i;
	int bad = 0;

	for (i = 0; i < chain->nrepair && i < AUDIT_MAXREPAIR; i++) {
		r = &chain->repair[i];
		memset(&at, 0, sizeof(at));
		at.seq = r->seq;
		memcpy(at.hash, r->hash, sizeof(at.hash));
		audit_rec_init(&rec, "audit_repair");
		if (audit_setf(&rec, "cut_bytes", "%llu", r->cut_bytes) == -1 ||
		    audit_set(&rec, "cut_sha256", r->cut_sha256) == -1 ||
		    emit_others(log, &rec, &at, NULL, rc, err, errlen) == -1)
			bad = -1;
		audit_rec_free(&rec);
	}
	return bad;
}

/* Every sink gets the record even after one failed: each copy counts. */
int
audit_emit(struct audit_log *log, const struct audit_rec *rec, char *err,
    size_t errlen)
{
	struct audit_chain chain;
	char ferr[VG_ERRLEN];
	int rc = 0, chained;

	if (log->nsinks == 0) {
		vg_seterr(err, errlen,
		    "no audit sink is open, so the record was not stored");
		return -1;
	}
	memset(&chain, 0, sizeof(chain));
	if (append_chained(log, rec, &chain, &chained, ferr,
	    sizeof(ferr)) == -1)
		note_failure(&rc, chained_sink(log), ferr, err, errlen);
	if (emit_repairs(log, &chain, &rc, err, errlen) == -1 ||
	    emit_others(log, rec, chained ? &chain : NULL, rc == -1 ? ferr :
	    NULL, &rc, err, errlen) == -1)
		return -1;
	return rc;
}

void
audit_sha256_prefix(const char *s, size_t n, char *out)
{
	char hex[65];

	if (n > 64)
		n = 64;
	vg_sha256_hex(s, strlen(s), hex);
	if (hex[0] == '\0')
		n = 0;
	memcpy(out, hex, n);
	out[n] = '\0';
}
