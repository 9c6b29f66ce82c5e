/* SPDX-License-Identifier: ISC */
/*
 * The audit line builder: audit_format_kv and audit_escape.  The input is
 * split at NUL bytes into: event, user, rhost, tty, then key and value
 * pairs.  Whatever the values hold, the line must be one line of
 * printable ASCII, and parsing it back (the unescaper below) must give
 * every value exactly as the record holds it, pair by pair in order, or
 * a prefix of the pairs followed by truncated=1.
 */
#include <string.h>

#include "audit.h"
#include "fuzz.h"

#define MAXF	64

struct pair {
	const char	*key;
	const char	*value;
};

static const char *const whokeys[] = {
	"user", "uid", "rhost", "rport", "tty", "pid"
};
#define NWHO	(sizeof(whokeys) / sizeof(whokeys[0]))

/* One escaped byte after '\\' at *p; -1 when no escape is known. */
static int
unescape1(const char **p, const char *end)
{
	static const char named[] = "\"\"\\\\n\nr\rt\t";
	unsigned int v;
	size_t i;
	char hex[3];

	for (i = 0; i < sizeof(named) - 1; i += 2)
		if (**p == named[i]) {
			(*p)++;
			return (unsigned char)named[i + 1];
		}
	if (**p != 'x' || end - *p < 3)
		return -1;
	memcpy(hex, *p + 1, 2);
	hex[2] = '\0';
	if (strspn(hex, "0123456789abcdef") != 2 ||
	    sscanf(hex, "%2x", &v) != 1)
		return -1;
	*p += 3;
	return (int)v;
}

/* One value at *p (quoted or bare) into out; -1 when malformed. */
static int
parse_value(const char **p, const char *end, struct vg_buf *out)
{
	int c;

	if (*p < end && **p != '"') {
		for (; *p < end && **p != ' '; (*p)++) {
			FZ_CHECK(strchr("\"=\\", **p) == NULL);
			buf_addc(out, **p);
		}
		return 0;
	}
	for ((*p)++; *p < end && **p != '"'; ) {
		if (**p != '\\') {
			buf_addc(out, *(*p)++);
			continue;
		}
		(*p)++;
		if (*p >= end || (c = unescape1(p, end)) <= 0)
			return -1;
		buf_addc(out, (char)c);
	}
	if (*p >= end)
		return -1;
	(*p)++;
	return 0;
}

static int
same(const struct vg_buf *b, const char *want)
{
	if (b->len == 0)
		return want[0] == '\0';
	return b->len == strlen(want) && memcmp(b->p, want, b->len) == 0;
}

/* Parse line and compare it with the expected pairs. */
static void
check_line(const char *line, const struct pair *want, size_t nwant)
{
	const char *p = line, *end = line + strlen(line), *eq;
	struct vg_buf v;
	size_t n = 0;

	for (; *p != '\0'; p++)
		FZ_CHECK(*p >= 0x20 && *p < 0x7f);
	FZ_CHECK((size_t)(end - line) < AUDIT_LINEMAX);
	for (p = line; p < end; n++) {
		FZ_CHECK((eq = memchr(p, '=', (size_t)(end - p))) != NULL);
		/* only the cap may end the line early, never the event */
		if (n > 0 && n < nwant && strcmp(p, "truncated=1") == 0)
			return;
		FZ_CHECK(n < nwant);
		FZ_CHECK((size_t)(eq - p) == strlen(want[n].key) &&
		    memcmp(p, want[n].key, (size_t)(eq - p)) == 0);
		p = eq + 1;
		buf_init(&v);
		FZ_CHECK(parse_value(&p, end, &v) == 0);
		FZ_CHECK(!v.oom && same(&v, want[n].value));
		buf_free(&v);
		FZ_CHECK(p == end || *p++ == ' ');
	}
	FZ_CHECK(n == nwant);
}

/* audit_set keeps a value whole up to AUDIT_VALMAX, else cut + "...". */
static void
check_kept(const char *kept, const char *in)
{
	size_t n = strlen(in), k = strlen(kept);

	if (n <= AUDIT_VALMAX) {
		FZ_CHECK(strcmp(kept, in) == 0);
		return;
	}
	FZ_CHECK(k <= AUDIT_VALMAX && k >= AUDIT_VALMAX - 6);
	FZ_CHECK(memcmp(kept, in, k - 3) == 0 &&
	    strcmp(kept + k - 3, "...") == 0);
}

static size_t
expected(const struct audit_rec *rec, const struct audit_who *who,
    struct pair *want)
{
	static char uid[24], pid[24];
	const char *whov[NWHO];
	size_t i, j, n = 0;

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)who->uid);
	snprintf(pid, sizeof(pid), "%ld", (long)who->pid);
	whov[0] = who->user, whov[1] = uid, whov[2] = who->rhost;
	whov[3] = who->rport, whov[4] = who->tty, whov[5] = pid;
	want[n].key = "event", want[n++].value = rec->event;
	for (i = 0; i < NWHO; i++) {
		want[n].key = whokeys[i];
		want[n].value = audit_get(rec, whokeys[i]);
		if (want[n++].value == NULL)
			want[n - 1].value = whov[i];
	}
	for (i = 0; i < rec->n; i++) {
		for (j = 0; j < NWHO; j++)
			if (strcmp(rec->kv[i].key, whokeys[j]) == 0)
				break;
		if (j == NWHO) {
			want[n].key = rec->kv[i].key;
			want[n++].value = rec->kv[i].value;
		}
	}
	return n;
}

static void
check_escape(const char *value)
{
	const char *p;
	struct vg_buf b, v;
	char *kept;

	buf_init(&b);
	FZ_CHECK(audit_escape(&b, value) == 0 && b.p != NULL);
	p = b.p;
	buf_init(&v);
	FZ_CHECK(parse_value(&p, b.p + b.len, &v) == 0);
	FZ_CHECK(p == b.p + b.len);
	kept = v.p != NULL ? v.p : "";
	check_kept(kept, value);
	buf_free(&v);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pair want[1 + NWHO + AUDIT_MAXKV];
	const char *f[MAXF];
	struct audit_who who;
	struct audit_rec rec;
	struct vg_buf line;
	char *s = fz_string(data, size), *end = s + size, *p;
	size_t nf = 0, i;

	for (p = s; nf < MAXF && p <= end; p += strlen(p) + 1)
		f[nf++] = p;
	while (nf < 4)
		f[nf++] = "";
	check_escape(s);
	audit_rec_init(&rec, f[0]);
	memset(&who, 0, sizeof(who));
	vg_strlcpy(who.user, f[1], sizeof(who.user));
	vg_strlcpy(who.rhost, f[2], sizeof(who.rhost));
	vg_strlcpy(who.tty, f[3], sizeof(who.tty));
	vg_strlcpy(who.rport, "50000", sizeof(who.rport));
	who.uid = 1000;
	who.pid = 4242;
	for (i = 4; i + 1 < nf; i += 2)
		if (audit_set(&rec, f[i], f[i + 1]) == 0)
			check_kept(audit_get(&rec, f[i]), f[i + 1]);
	buf_init(&line);
	FZ_CHECK(audit_format_kv(&rec, &who, &line) == 0 && line.p != NULL);
	check_line(line.p, want, expected(&rec, &who, want));
	buf_free(&line);
	audit_rec_free(&rec);
	free(s);
	return 0;
}
