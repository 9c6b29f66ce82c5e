/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit show FILE [--user U] [--instance T] [--since TIME]
 * [--json]: the records as an aligned table, or as JSON lines.
 *
 * Values come from operators (a target name, a user name), so every cell
 * goes through tool_safe: no byte of a record reaches the auditor's
 * terminal as a control character.  show does not verify: that is what
 * verify is for.
 */
#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_tool.h"

#define NCOL		8
#define COLMAX		40	/* longer cells are cut, marked "..." */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | \
			 JSON_ENSURE_ASCII | JSON_ENCODE_ANY)

static const char *const heads[NCOL] = {
	"SEQ", "TIME", "EVENT", "USER", "RHOST", "INSTANCE", "NAME", "DETAILS"
};

/* The keys of the first NCOL - 1 columns; DETAILS holds the others. */
static const char *const colkeys[NCOL - 1] = {
	"seq", "ts", "event", "user", "rhost", "instance", "name"
};

/* Left out of DETAILS to keep a row readable; --json shows them. */
static const char *const hidden[] = {
	"host", "prev", "hash", "uid", "rport", "tty", "pid", "session"
};

struct row {
	char	*cell[NCOL];
};

struct table {
	struct row	*rows;
	size_t		 n;
	size_t		 cap;
	size_t		 width[NCOL];
};

static int
listed(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

/* A value as text: strings as they are, anything else as JSON. */
static void
value_text(json_t *v, struct vg_buf *b, size_t max)
{
	char *s;

	if (v == NULL)
		return;
	if (json_is_string(v)) {
		tool_safe(b, json_string_value(v), max);
		return;
	}
	if ((s = json_dumps(v, DUMP_FLAGS)) != NULL)
		tool_safe(b, s, max);
	free(s);
}

/* key=value for the keys without a column; values with spaces quoted. */
static void
details(json_t *o, struct vg_buf *b)
{
	struct vg_buf v;
	const char *key;
	json_t *val;

	json_object_foreach(o, key, val) {
		if (listed(key, colkeys, NCOL - 1) ||
		    listed(key, hidden, sizeof(hidden) / sizeof(hidden[0])))
			continue;
		buf_init(&v);
		value_text(val, &v, 0);
		if (b->len > 0)
			buf_addc(b, ' ');
		tool_safe(b, key, COLMAX);
		if (v.p == NULL || strpbrk(v.p, " \"") != NULL)
			buf_addf(b, "=\"%s\"", v.p != NULL ? v.p : "");
		else
			buf_addf(b, "=%s", v.p);
		buf_free(&v);
	}
}

static int
table_add(struct table *t, json_t *o)
{
	struct vg_buf b;
	struct row *r;
	size_t c, len;
	void *p;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		if ((p = reallocarray(t->rows, t->cap, sizeof(*r))) == NULL)
			return -1;
		t->rows = p;
	}
	r = &t->rows[t->n++];
	for (c = 0; c < NCOL; c++) {
		buf_init(&b);
		if (c < NCOL - 1)
			value_text(json_object_get(o, colkeys[c]), &b, COLMAX);
		else
			details(o, &b);
		buf_addc(&b, '\0');	/* an empty cell is "", not NULL */
		len = b.p != NULL ? strlen(b.p) : 0;
		if ((r->cell[c] = buf_take(&b)) == NULL) {
			while (c > 0)
				free(r->cell[--c]);
			t->n--;
			return -1;
		}
		if (len > t->width[c])
			t->width[c] = len;
	}
	return 0;
}

static void
print_row(const struct table *t, const char *const *cells)
{
	size_t c;

	for (c = 0; c < NCOL - 1; c++)
		printf("%-*s  ", (int)t->width[c], cells[c]);
	printf("%s\n", cells[NCOL - 1]);
}

static void
table_print_free(struct table *t)
{
	size_t i, c;

	for (c = 0; c < NCOL; c++)
		if (strlen(heads[c]) > t->width[c])
			t->width[c] = strlen(heads[c]);
	print_row(t, heads);
	for (i = 0; i < t->n; i++) {
		print_row(t, (const char *const *)t->rows[i].cell);
		for (c = 0; c < NCOL; c++)
			free(t->rows[i].cell[c]);
	}
	free(t->rows);
}

/* The line as written when it is printable ASCII; else re-encoded. */
static void
print_json(const char *line, size_t len, json_t *o)
{
	size_t i;
	char *s;

	for (i = 0; i < len && line[i] >= 0x20 && line[i] <= 0x7e; i++)
		continue;
	if (i == len) {
		printf("%.*s\n", (int)len, line);
		return;
	}
	if ((s = json_dumps(o, DUMP_FLAGS)) == NULL)
		return;
	/* ENSURE_ASCII leaves DEL as it is; JSON can spell it out */
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == 0x7f)
			fputs("\\u007f", stdout);
		else
			putchar(s[i]);
	putchar('\n');
	free(s);
}

static int
str_is(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* ts is "YYYY-MM-DDTHH:MM:SS.mmmZ" (lib/audit.h). */
static int
record_ms(json_t *o, long long *ms)
{
	json_t *v = json_object_get(o, "ts");
	const char *ts;
	char day[20];

	if (!json_is_string(v) || strlen(ts = json_string_value(v)) != 24 ||
	    ts[19] != '.' || ts[23] != 'Z' ||
	    strspn(ts + 20, "0123456789") != 3)
		return -1;
	memcpy(day, ts, 19);
	day[19] = '\0';
	if (tool_parse_time(day, ms) == -1)
		return -1;
	*ms += atoi(ts + 20);
	return 0;
}

static int
matches(const struct tool_args *a, json_t *o)
{
	long long ms;

	if (a->user != NULL && !str_is(o, "user", a->user))
		return 0;
	if (a->instance != NULL && !str_is(o, "instance", a->instance) &&
	    !str_is(o, "name", a->instance))
		return 0;
	if (a->since != NULL && (record_ms(o, &ms) == -1 || ms < a->since_ms))
		return 0;
	return 1;
}

/* One line: shown, filtered out (0), or not a record (1). */
static int
show_line(const struct tool_args *a, struct table *t, const char *line,
    size_t len, int nl)
{
	json_error_t je;
	json_t *o = NULL;
	int rc = 0;

	if (!nl || (o = json_loadb(line, len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL || !json_is_object(o)) {
		json_decref(o);
		return 1;
	}
	if (matches(a, o)) {
		if (a->json)
			print_json(line, len, o);
		else if (table_add(t, o) == -1)
			rc = -1;
	}
	json_decref(o);
	return rc;
}

int
show_run(const struct tool_args *a)
{
	struct table t;
	struct reader r;
	size_t len;
	int nl, rc, k, bad = 0;

	memset(&t, 0, sizeof(t));
	if (reader_open(&r, a->file, 1) == -1)
		return AX_UNREADABLE;
	while ((rc = reader_next(&r, &len, &nl)) == 1) {
		if ((k = show_line(a, &t, r.line, len, nl)) == -1) {
			tool_warn("out of memory");
			rc = -1;
			break;
		}
		if (k == 1)
			tool_warn("%s line %zu is not a record, so it is not "
			    "shown; run vncgate-audit verify", a->file,
			    r.lineno);
		bad |= k;
	}
	reader_close(&r);
	if (!a->json)
		table_print_free(&t);
	if (fflush(stdout) == EOF || rc == -1)
		return AX_UNREADABLE;
	return bad ? AX_BAD : AX_OK;
}
