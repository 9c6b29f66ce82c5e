/*
 * Audit records (DESIGN 1.7): the builder, the escaping that keeps every
 * value on one line and parseable, the line format and audit_emit.  The
 * syslog sink lives in audit_syslog.c.
 */
#include <openssl/evp.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"

#define KEYCHARS	"abcdefghijklmnopqrstuvwxyz0123456789_"
#define CUTMARK		"..."
#define TRUNCPAIR	" truncated=1"
#define NWHO		6

/* The who keys, in the order they follow event on every line. */
static const char *const whokeys[NWHO] = {
	"user", "uid", "rhost", "rport", "tty", "pid"
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
	size_t		 ends[1 + NWHO + AUDIT_MAXKV];
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
	/* a record's own "event" or "truncated" would let a value forge one */
	if (strcmp(key, "event") == 0 || strcmp(key, "truncated") == 0)
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

static int
is_who_key(const char *key)
{
	size_t i;

	for (i = 0; i < NWHO; i++)
		if (strcmp(key, whokeys[i]) == 0)
			return 1;
	return 0;
}

/* The who keys, each replaced by the record's own value when it has one. */
static int
add_who(struct line *l, const struct audit_rec *rec,
    const struct audit_who *w)
{
	const char *v[NWHO], *own;
	char uid[24], pid[24];
	size_t i;

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)w->uid);
	snprintf(pid, sizeof(pid), "%ld", (long)w->pid);
	v[0] = w->user;
	v[1] = uid;
	v[2] = w->rhost;
	v[3] = w->rport;
	v[4] = w->tty;
	v[5] = pid;
	for (i = 0; i < NWHO; i++) {
		own = audit_get(rec, whokeys[i]);
		if (add_pair(l, whokeys[i], own != NULL ? own : v[i]) == -1)
			return -1;
	}
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

int
audit_format_kv(const struct audit_rec *rec, const struct audit_who *who,
    struct vg_buf *b)
{
	struct line l;
	size_t i;

	memset(&l, 0, sizeof(l));
	l.b = b;
	l.start = b->len;
	if (add_pair(&l, "event", rec->event) == -1)
		return -1;
	if (who != NULL && add_who(&l, rec, who) == -1)
		return -1;
	for (i = 0; i < rec->n; i++) {
		if (who != NULL && is_who_key(rec->kv[i].key))
			continue;
		if (add_pair(&l, rec->kv[i].key, rec->kv[i].value) == -1)
			return -1;
	}
	if (cap_line(&l) == -1 || b->oom)
		return -1;
	return 0;
}

void
audit_log_init(struct audit_log *log)
{
	memset(log, 0, sizeof(*log));
}

int
audit_log_add_sink(struct audit_log *log, const struct audit_sink *sink)
{
	if (log->nsinks == AUDIT_MAXSINKS || sink->emit == NULL)
		return -1;
	log->sinks[log->nsinks++] = *sink;
	return 0;
}

/* Every sink gets the record even after one failed: each copy counts. */
int
audit_emit(struct audit_log *log, const struct audit_rec *rec, char *err,
    size_t errlen)
{
	const struct audit_sink *s;
	struct vg_buf line;
	char serr[VG_ERRLEN];
	size_t i;
	int rc = 0;

	if (log->nsinks == 0) {
		vg_seterr(err, errlen,
		    "no audit sink is open, so the record was not stored");
		return -1;
	}
	buf_init(&line);
	if (audit_format_kv(rec, &log->who, &line) == -1) {
		buf_free(&line);
		vg_seterr(err, errlen,
		    "could not format the audit record: out of memory");
		return -1;
	}
	for (i = 0; i < log->nsinks; i++) {
		s = &log->sinks[i];
		serr[0] = '\0';
		if (s->emit(s->ctx, rec, line.p, serr, sizeof(serr)) == 0)
			continue;
		if (rc == 0 && serr[0] != '\0')
			vg_seterr(err, errlen, "%s", serr);
		else if (rc == 0)
			vg_seterr(err, errlen,
			    "the %s audit sink did not take the record",
			    s->name != NULL ? s->name : "unnamed");
		rc = -1;
	}
	buf_free(&line);
	return rc;
}

void
audit_sha256_prefix(const char *s, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;

	if (n > 64)
		n = 64;
	if (EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		out[0] = '\0';
		return;
	}
	vg_hex(md, mdlen, hex);
	memcpy(out, hex, n);
	out[n] = '\0';
}
