/* SPDX-License-Identifier: ISC */
/*
 * Audit records (DESIGN 1.7): what an auditor reads in syslog.  Every
 * value stays on its line and parses back; the syslog sink is exercised
 * against a datagram socket bound by the test itself.
 */
#include "unit.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <syslog.h>

#include "audit.h"

/* The formatted line of a record with one key k=value, who omitted. */
static char *
line_of(const char *value)
{
	struct audit_rec rec;
	struct vg_buf b;
	char *s;

	audit_rec_init(&rec, "test");
	assert_int_equal(audit_set(&rec, "k", value), 0);
	buf_init(&b);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	audit_rec_free(&rec);
	s = buf_take(&b);
	assert_non_null(s);
	return s;
}

static void
check_value(const char *value, const char *want)
{
	char *got, *exp;

	got = line_of(value);
	assert_true(asprintf(&exp, "event=test k=%s", want) > 0);
	assert_string_equal(got, exp);
	free(got);
	free(exp);
}

static void
test_plain_value_unquoted(void **state)
{
	(void)state;
	check_value("web-1", "web-1");
	check_value("i-bp1abc:x/y,z", "i-bp1abc:x/y,z");
}

/* A forged "\nevent=issue ..." must not start a second syslog line. */
static void
test_escape_newline_cr(void **state)
{
	(void)state;
	check_value("a\nevent=issue", "\"a\\nevent=issue\"");
	check_value("a\rb", "\"a\\rb\"");
}

static void
test_escape_quote_backslash(void **state)
{
	(void)state;
	check_value("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_value("C:\\x", "\"C:\\\\x\"");
	check_value("\"", "\"\\\"\"");
}

/* ESC would let a value drive the auditor's terminal. */
static void
test_escape_control_bytes(void **state)
{
	(void)state;
	check_value("\x1b[2J", "\"\\x1b[2J\"");
	check_value("a\tb", "\"a\\tb\"");
	check_value("\x7f", "\"\\x7f\"");
	check_value("\x01", "\"\\x01\"");
}

/* "name=web-1 rule=7" inside a value would read as two extra keys. */
static void
test_escape_equals_space(void **state)
{
	(void)state;
	check_value("a=b", "\"a=b\"");
	check_value("web 1 rule=7", "\"web 1 rule=7\"");
	check_value(" ", "\" \"");
}

static void
test_escape_utf8(void **state)
{
	(void)state;
	check_value("caf\xc3\xa9", "\"caf\\xc3\\xa9\"");
	check_value("\xff", "\"\\xff\"");
}

static void
test_escape_empty(void **state)
{
	struct vg_buf b;

	(void)state;
	check_value("", "\"\"");
	check_value(NULL, "\"\"");
	buf_init(&b);
	assert_int_equal(audit_escape(&b, ""), 0);
	assert_string_equal(b.p, "\"\"");
	buf_free(&b);
}

/* 300 bytes: 253 kept, then "...", inside the quotes when quoted. */
static void
test_value_cap(void **state)
{
	char value[301], want[512];
	struct audit_rec rec;

	(void)state;
	memset(value, 'x', 300);
	value[300] = '\0';
	memset(want, 'x', 253);
	strcpy(want + 253, "...");
	check_value(value, want);

	audit_rec_init(&rec, "test");
	assert_int_equal(audit_set(&rec, "k", value), 0);
	assert_int_equal(strlen(audit_get(&rec, "k")), AUDIT_VALMAX);
	audit_rec_free(&rec);

	value[0] = ' ';
	want[0] = '"';
	want[1] = ' ';
	memset(want + 2, 'x', 252);
	strcpy(want + 254, "...\"");
	check_value(value, want);

	/* exactly AUDIT_VALMAX bytes are not cut */
	memset(value, 'y', AUDIT_VALMAX);
	value[AUDIT_VALMAX] = '\0';
	check_value(value, value);
}

/* The cut does not split a UTF-8 character into a dangling lead byte. */
static void
test_value_cap_utf8(void **state)
{
	char value[301], want[512];

	(void)state;
	memset(value, 'a', 300);
	value[252] = '\xc3';
	value[253] = '\xa9';
	value[300] = '\0';
	memset(want, 'a', 252);
	strcpy(want + 252, "...");
	check_value(value, want);
}

static void
test_invalid_key_refused(void **state)
{
	static const char *const bad[] = {
		"", "User", "a-b", "a b", "a=b", "1k", "_k", "sixteen_chars_xx",
		"event", "truncated", "kéy",
		/* the sinks' own keys: a record must not forge its place */
		"seq", "chain", "file_error", "ts", "host", "prev", "hash",
	};
	struct audit_rec rec;
	size_t i;

	(void)state;
	audit_rec_init(&rec, "test");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(audit_set(&rec, bad[i], "v"), -1);
	assert_int_equal(audit_set(&rec, NULL, "v"), -1);
	assert_int_equal(rec.n, 0);
	assert_int_equal(audit_set(&rec, "fifteen_chars_x", "v"), 0);
	assert_int_equal(audit_set(&rec, "request_id", "v"), 0);
	/* DESIGN 1.7's url_sha256 has digits */
	assert_int_equal(audit_set(&rec, "url_sha256", "v"), 0);
	assert_int_equal(rec.n, 3);
	audit_rec_free(&rec);
}

static void
test_too_many_keys_refused(void **state)
{
	struct audit_rec rec;
	char key[8];
	size_t i;

	(void)state;
	audit_rec_init(&rec, "test");
	for (i = 0; i < AUDIT_MAXKV; i++) {
		snprintf(key, sizeof(key), "k_%c%c", (char)('a' + i / 26),
		    (char)('a' + i % 26));
		assert_int_equal(audit_set(&rec, key, "v"), 0);
	}
	assert_int_equal(audit_set(&rec, "one_more", "v"), -1);
	/* replacing an existing key still works when full */
	assert_int_equal(audit_set(&rec, "k_aa", "w"), 0);
	assert_string_equal(audit_get(&rec, "k_aa"), "w");
	audit_rec_free(&rec);
}

static void
test_replace_value(void **state)
{
	struct audit_rec rec;
	struct vg_buf b;

	(void)state;
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_set(&rec, "instance", "i-1"), 0);
	assert_int_equal(audit_set(&rec, "result", "pending"), 0);
	assert_int_equal(audit_set(&rec, "name", "web-1"), 0);
	assert_int_equal(audit_setf(&rec, "result", "%s", "ok"), 0);
	assert_int_equal(audit_setf(&rec, "latency_ms", "%d", 42), 0);
	assert_string_equal(audit_get(&rec, "result"), "ok");
	assert_null(audit_get(&rec, "missing"));
	buf_init(&b);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	assert_string_equal(b.p, "event=issue instance=i-1 result=ok "
	    "name=web-1 latency_ms=42");
	buf_free(&b);
	audit_rec_free(&rec);
}

static void
test_who_keys(void **state)
{
	struct audit_who who = {
		.user = "alice", .uid = 1001, .rhost = "10.0.0.5",
		.rport = "52144", .tty = "/dev/pts/3", .pid = 4242,
	};
	struct audit_rec rec;
	struct vg_buf b;

	(void)state;
	audit_rec_init(&rec, "deny");
	assert_int_equal(audit_set(&rec, "instance", "i-1"), 0);
	buf_init(&b);
	assert_int_equal(audit_format_kv(&rec, &who, &b), 0);
	assert_string_equal(b.p, "event=deny user=alice uid=1001 "
	    "rhost=10.0.0.5 rport=52144 tty=/dev/pts/3 pid=4242 instance=i-1");
	buf_free(&b);

	/* no terminal and no remote host: still there, as "" */
	who.tty[0] = '\0';
	who.rhost[0] = '\0';
	who.rport[0] = '\0';
	assert_int_equal(audit_format_kv(&rec, &who, &b), 0);
	assert_string_equal(b.p, "event=deny user=alice uid=1001 "
	    "rhost=\"\" rport=\"\" tty=\"\" pid=4242 instance=i-1");
	buf_free(&b);
	audit_rec_free(&rec);
}

/* A record's own user/tty wins, in the who position, written once. */
static void
test_who_override(void **state)
{
	struct audit_who who = {
		.user = "alice", .uid = 1001, .rhost = "10.0.0.5",
		.rport = "52144", .tty = "/dev/pts/3", .pid = 4242,
	};
	struct audit_rec rec;
	struct vg_buf b;

	(void)state;
	audit_rec_init(&rec, "auth");
	assert_int_equal(audit_set(&rec, "result", "fail"), 0);
	assert_int_equal(audit_set(&rec, "tty", "ssh"), 0);
	assert_int_equal(audit_set(&rec, "user", "mallory x"), 0);
	buf_init(&b);
	assert_int_equal(audit_format_kv(&rec, &who, &b), 0);
	assert_string_equal(b.p, "event=auth user=\"mallory x\" uid=1001 "
	    "rhost=10.0.0.5 rport=52144 tty=ssh pid=4242 result=fail");
	buf_free(&b);

	/* without who the record's keys stay where they were set */
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	assert_string_equal(b.p,
	    "event=auth result=fail tty=ssh user=\"mallory x\"");
	buf_free(&b);
	audit_rec_free(&rec);
}

/* Values of 253 control bytes + "...": 1017 bytes escaped each. */
static void
fill_heavy(struct audit_rec *rec, size_t nkeys)
{
	char value[301], key[8];
	size_t i;

	memset(value, '\x01', 300);
	value[300] = '\0';
	for (i = 0; i < nkeys; i++) {
		snprintf(key, sizeof(key), "k_%c", (char)('a' + i));
		assert_int_equal(audit_set(rec, key, value), 0);
	}
}

static void
test_line_cap_drops_whole_pairs(void **state)
{
	struct audit_rec rec, three;
	struct vg_buf b, want;

	(void)state;
	audit_rec_init(&rec, "issue");
	audit_rec_init(&three, "issue");
	fill_heavy(&rec, 6);
	fill_heavy(&three, 3);
	buf_init(&b);
	buf_init(&want);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	assert_int_equal(audit_format_kv(&three, NULL, &want), 0);
	assert_true(want.len + strlen(" truncated=1") < AUDIT_LINEMAX);
	assert_true(b.len < AUDIT_LINEMAX);
	assert_int_equal(strlen(b.p), b.len);
	assert_int_equal(strncmp(b.p, want.p, want.len), 0);
	assert_string_equal(b.p + want.len, " truncated=1");
	buf_free(&b);
	buf_free(&want);
	audit_rec_free(&rec);
	audit_rec_free(&three);
}

/* AUDIT_LINEMAX - 1 bytes is whole; one byte more is truncated. */
static void
test_line_cap_boundary(void **state)
{
	char key[8], last[300];
	struct audit_rec rec;
	struct vg_buf b;
	size_t i, base, v;

	(void)state;
	audit_rec_init(&rec, "x");
	/* 16 pairs of 240 bytes leave room for " truncated=1" after them */
	memset(last, 'a', 240);
	last[240] = '\0';
	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k_%c", (char)('a' + i));
		assert_int_equal(audit_set(&rec, key, last), 0);
	}
	buf_init(&b);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	base = b.len;
	buf_free(&b);
	/* " z=" + v bytes brings the line to AUDIT_LINEMAX - 1 */
	v = AUDIT_LINEMAX - 1 - base - 3;
	assert_true(v > 0 && v < 240 && base + 12 < AUDIT_LINEMAX);
	last[v] = '\0';
	assert_int_equal(audit_set(&rec, "z", last), 0);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	assert_int_equal(b.len, AUDIT_LINEMAX - 1);
	assert_null(strstr(b.p, "truncated"));
	buf_free(&b);

	last[v] = 'a';
	last[v + 1] = '\0';
	assert_int_equal(audit_set(&rec, "z", last), 0);
	assert_int_equal(audit_format_kv(&rec, NULL, &b), 0);
	assert_int_equal(b.len, base + strlen(" truncated=1"));
	assert_string_equal(b.p + base, " truncated=1");
	buf_free(&b);
	audit_rec_free(&rec);
}

/* A test-only sink: keeps the lines it got, fails when told to. */
struct memsink {
	char		 lines[4][AUDIT_LINEMAX];
	size_t		 n;
	const char	*fail;
};

static int
memsink_emit(void *ctx, const struct audit_rec *rec, const char *line,
    char *err, size_t errlen)
{
	struct memsink *m = ctx;

	(void)rec;
	if (m->n < 4)
		snprintf(m->lines[m->n++], AUDIT_LINEMAX, "%s", line);
	if (m->fail == NULL)
		return 0;
	vg_seterr(err, errlen, "%s", m->fail);
	return -1;
}

static void
add_memsink(struct audit_log *log, const char *name, struct memsink *m)
{
	struct audit_sink s = { name, memsink_emit, m, NULL };

	assert_int_equal(audit_log_add_sink(log, &s), 0);
}

static void
test_emit_every_sink_first_failure(void **state)
{
	static struct memsink a, b, c;
	struct audit_sink extra = { "extra", memsink_emit, &a, NULL };
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN];
	size_t i;

	(void)state;
	audit_log_init(&log);
	vg_strlcpy(log.who.user, "bob", sizeof(log.who.user));
	log.who.uid = 7;
	log.who.pid = 99;
	add_memsink(&log, "one", &a);
	add_memsink(&log, "two", &b);
	add_memsink(&log, "three", &c);
	assert_int_equal(audit_log_add_sink(&log, &extra), -1);
	b.fail = "file sink broke first";
	c.fail = "syslog broke second";
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_set(&rec, "result", "ok"), 0);
	err[0] = '\0';
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "file sink broke first");
	for (i = 0; i < 3; i++) {
		struct memsink *m = i == 0 ? &a : i == 1 ? &b : &c;

		assert_int_equal(m->n, 1);
		assert_string_equal(m->lines[0], "event=issue user=bob uid=7 "
		    "rhost=\"\" rport=\"\" tty=\"\" pid=99 result=ok");
	}

	b.fail = c.fail = NULL;
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);

	/* a sink that fails without a sentence is still named */
	c.fail = "";
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "three"));
	audit_rec_free(&rec);
}

/* A test-only chained sink: says seq 41 + n, hash "ab" * 32, or fails. */
struct fakechain {
	size_t		 n;
	const char	*fail;
	char		 who_user[64];
};

static int
fakechain_append(void *ctx, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	struct fakechain *f = ctx;
	size_t i;

	(void)rec;
	snprintf(f->who_user, sizeof(f->who_user), "%s", who->user);
	if (f->fail != NULL) {
		vg_seterr(err, errlen, "%s", f->fail);
		return -1;
	}
	chain->seq = 41 + ++f->n;
	for (i = 0; i < AUDIT_HASHHEX; i += 2)
		memcpy(chain->hash + i, i == 0 ? "cd" : "ab", 2);
	chain->hash[AUDIT_HASHHEX] = '\0';
	return 0;
}

static void
chained_log(struct audit_log *log, struct memsink *m, struct fakechain *f)
{
	struct audit_sink chain = { "file", NULL, f, fakechain_append };

	audit_log_init(log);
	vg_strlcpy(log->who.user, "bob", sizeof(log->who.user));
	log->who.uid = 7;
	log->who.pid = 99;
	add_memsink(log, "syslog", m);
	assert_int_equal(audit_log_add_sink(log, &chain), 0);
}

/* The syslog line says where the record sits in the file. */
static void
test_emit_chain_keys_after_event(void **state)
{
	static struct memsink m;
	struct fakechain f = { 0, NULL, "" };
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "";

	(void)state;
	chained_log(&log, &m, &f);
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_set(&rec, "result", "ok"), 0);
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.who_user, "bob");
	assert_string_equal(m.lines[0], "event=issue seq=42 "
	    "chain=cdababababababab user=bob uid=7 rhost=\"\" rport=\"\" "
	    "tty=\"\" pid=99 result=ok");
	audit_rec_free(&rec);
}

/* A value full of "seq=1 chain=..." stays a value. */
static void
test_emit_chain_not_forged_by_value(void **state)
{
	static struct memsink m;
	struct fakechain f = { 0, NULL, "" };
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "";

	(void)state;
	chained_log(&log, &m, &f);
	audit_rec_init(&rec, "deny");
	assert_int_equal(audit_set(&rec, "name", "x seq=1 chain=0000"), 0);
	assert_int_equal(audit_set(&rec, "seq", "1"), -1);
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	assert_non_null(strstr(m.lines[0], " name=\"x seq=1 chain=0000\""));
	assert_int_equal(strncmp(m.lines[0], "event=deny seq=42 ", 18), 0);
	audit_rec_free(&rec);
}

/* The file failed: syslog still gets the record, with why, and no seq. */
static void
test_emit_chain_failure_file_error(void **state)
{
	static struct memsink m;
	struct fakechain f = { 0, "cannot write the audit file x: No space "
	    "left on device", "" };
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "";

	(void)state;
	chained_log(&log, &m, &f);
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, f.fail);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.lines[0], "event=issue file_error=\"cannot "
	    "write the audit file x: No space left on device\" user=bob uid=7 "
	    "rhost=\"\" rport=\"\" tty=\"\" pid=99");
	assert_null(strstr(m.lines[0], "seq="));

	/* and syslog failing too still reports the file, the first */
	m.fail = "syslog broke";
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, f.fail);
	audit_rec_free(&rec);
}

/* audit.file = "": no chained sink, no seq, no chain. */
static void
test_emit_syslog_only_no_chain(void **state)
{
	static struct memsink m;
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "";

	(void)state;
	audit_log_init(&log);
	add_memsink(&log, "syslog", &m);
	audit_rec_init(&rec, "shell_end");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	assert_null(strstr(m.lines[0], "seq="));
	assert_null(strstr(m.lines[0], "chain="));
	assert_null(strstr(m.lines[0], "file_error="));
	audit_rec_free(&rec);
}

static void
test_add_sink_rules(void **state)
{
	struct fakechain f = { 0, NULL, "" };
	struct audit_sink neither = { "x", NULL, NULL, NULL };
	struct audit_sink both = { "x", memsink_emit, &f, fakechain_append };
	struct audit_sink chain = { "file", NULL, &f, fakechain_append };
	struct audit_log log;

	(void)state;
	audit_log_init(&log);
	assert_int_equal(audit_log_add_sink(&log, &neither), -1);
	assert_int_equal(audit_log_add_sink(&log, &both), -1);
	assert_int_equal(audit_log_add_sink(&log, &chain), 0);
	/* two chains would give one record two places */
	assert_int_equal(audit_log_add_sink(&log, &chain), -1);
	assert_int_equal(log.nsinks, 1);
}

static void
test_emit_without_sinks_fails(void **state)
{
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "";

	(void)state;
	audit_log_init(&log);
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
}

static int
bind_receiver(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* "<PRI>Mmm dd hh:mm:ss vncgate[PID]: " then the line, nothing more. */
static void
check_datagram(int rfd, const char *pri, const char *line)
{
	static const char *const months = "JanFebMarAprMayJunJulAugSepOctNov"
	    "Dec";
	char got[AUDIT_LINEMAX + 128], rest[AUDIT_LINEMAX + 64], mon[4];
	const char *p;
	ssize_t n;
	size_t i;

	/* the send already queued it: never wait for it */
	n = recv(rfd, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	got[n] = '\0';
	assert_int_equal(strncmp(got, pri, strlen(pri)), 0);
	p = got + strlen(pri);
	memcpy(mon, p, 3);
	mon[3] = '\0';
	assert_true(strstr(months, mon) != NULL &&
	    (strstr(months, mon) - months) % 3 == 0);
	assert_true(p[3] == ' ' && (p[4] == ' ' || (p[4] >= '1' &&
	    p[4] <= '3')) && p[5] >= '0' && p[5] <= '9' && p[6] == ' ');
	for (i = 7; i < 15; i++)
		assert_true((i == 9 || i == 12) ? p[i] == ':' :
		    p[i] >= '0' && p[i] <= '9');
	assert_true(p[15] == ' ');
	snprintf(rest, sizeof(rest), "vncgate[%ld]: %s", (long)getpid(), line);
	assert_string_equal(p + 16, rest);
}

static void
emit_kv(struct audit_syslog *sl, const char *event, const char *key,
    const char *value, int want, char *err, size_t errlen)
{
	struct audit_log log;
	struct audit_sink s;
	struct audit_rec rec;

	audit_log_init(&log);
	audit_syslog_sink(sl, &s);
	assert_string_equal(s.name, "syslog");
	assert_int_equal(audit_log_add_sink(&log, &s), 0);
	vg_strlcpy(log.who.user, "alice", sizeof(log.who.user));
	log.who.uid = 1001;
	log.who.pid = 4242;
	audit_rec_init(&rec, event);
	assert_int_equal(audit_set(&rec, key, value), 0);
	err[0] = '\0';
	assert_int_equal(audit_emit(&log, &rec, err, errlen), want);
	audit_rec_free(&rec);
}

static void
emit_one(struct audit_syslog *sl, const char *event, int want,
    char *err, size_t errlen)
{
	emit_kv(sl, event, "name", "web 1\n", want, err, errlen);
}

#define SYSLOG_LINE(ev)	"event=" ev " user=alice uid=1001 rhost=\"\" " \
	"rport=\"\" tty=\"\" pid=4242 name=\"web 1\\n\""

/* The severity of each kind of record (DESIGN 1.7, 1.12). */
static const struct {
	const char	*event;
	const char	*key;		/* NULL: none set */
	const char	*value;
	int		 severity;
} sevcases[] = {
	{ "issue",	"breakglass",	"oncall",	LOG_ALERT },
	{ "deny",	"breakglass",	"oncall",	LOG_ALERT },
	{ "issue",	"breakglass",	"",		LOG_INFO },
	{ "issue",	"result",	"ok",		LOG_INFO },
	{ "issue",	"result",	"Throttling",	LOG_NOTICE },
	{ "deny",	"breakglass",	"",		LOG_NOTICE },
	{ "deny",	NULL,		NULL,		LOG_NOTICE },
	{ "rate_limited", "breakglass",	"oncall",	LOG_NOTICE },
	{ "config_error", NULL,		NULL,		LOG_NOTICE },
	{ "auth",	"result",	"fail",		LOG_NOTICE },
	{ "auth",	"result",	"ok",		LOG_INFO },
	{ "session_start", "breakglass", "oncall",	LOG_INFO },
	{ "shell_end",	NULL,		NULL,		LOG_INFO },
};

static void
test_severity_table(void **state)
{
	struct audit_rec rec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sevcases) / sizeof(sevcases[0]); i++) {
		audit_rec_init(&rec, sevcases[i].event);
		if (sevcases[i].key != NULL)
			assert_int_equal(audit_set(&rec, sevcases[i].key,
			    sevcases[i].value), 0);
		if (audit_severity(&rec) != sevcases[i].severity)
			fail_msg("%s %s=%s: severity %d, want %d",
			    sevcases[i].event, sevcases[i].key ?
			    sevcases[i].key : "-", sevcases[i].value ?
			    sevcases[i].value : "-", audit_severity(&rec),
			    sevcases[i].severity);
		audit_rec_free(&rec);
	}
}

static void
test_syslog_sink_end_to_end(void **state)
{
	char dir[] = "/tmp/test_audit.XXXXXX", path[128], err[VG_ERRLEN];
	struct audit_syslog sl, sl2;
	int rfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	rfd = bind_receiver(path);

	assert_int_equal(audit_syslog_open(&sl, path, LOG_AUTHPRIV, err,
	    sizeof(err)), 0);
	emit_one(&sl, "issue", 0, err, sizeof(err));
	check_datagram(rfd, "<86>", SYSLOG_LINE("issue"));
	/* break-glass: authpriv (10) * 8 + alert (1) */
	emit_kv(&sl, "issue", "breakglass", "oncall", 0, err, sizeof(err));
	check_datagram(rfd, "<81>", "event=issue user=alice uid=1001 "
	    "rhost=\"\" rport=\"\" tty=\"\" pid=4242 breakglass=oncall");

	/* the facility is the configured one, not a constant; a deny is
	 * a notice: local3 (19) * 8 + 5 */
	assert_int_equal(audit_syslog_open(&sl2, path, LOG_LOCAL3, err,
	    sizeof(err)), 0);
	emit_one(&sl2, "deny", 0, err, sizeof(err));
	check_datagram(rfd, "<157>", SYSLOG_LINE("deny"));
	audit_syslog_close(&sl2);

	/* syslog gone: the record is known lost, with a sentence */
	close(rfd);
	emit_one(&sl, "issue", -1, err, sizeof(err));
	assert_non_null(strstr(err, "did not take the record: "));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ECONNREFUSED)));
	unlink(path);
	emit_one(&sl, "issue", -1, err, sizeof(err));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* syslog restarted at the same path: the sink dials again */
	rfd = bind_receiver(path);
	emit_one(&sl, "shell_end", 0, err, sizeof(err));
	check_datagram(rfd, "<86>", SYSLOG_LINE("shell_end"));

	audit_syslog_close(&sl);
	assert_int_equal(sl.fd, -1);
	close(rfd);
	unlink(path);
	rmdir(dir);
}

/*
 * Each datagram carries our pid and effective uid and gid as
 * SCM_CREDENTIALS, which the kernel checked: the rsyslog snippet accepts
 * the shell's lines on that ground (the setgid shell's effective gid is
 * vncgate; tests/syslog shows it with the installed shell).
 */
static void
test_syslog_sends_credentials(void **state)
{
	char dir[] = "/tmp/test_audit.XXXXXX", path[128], err[VG_ERRLEN];
	char buf[AUDIT_LINEMAX + 128];
	union {
		char		b[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr	align;
	} cm;
	struct audit_syslog sl;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	struct ucred uc;
	int rfd, on = 1, got = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	rfd = bind_receiver(path);
	assert_int_equal(setsockopt(rfd, SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)), 0);
	assert_int_equal(audit_syslog_open(&sl, path, LOG_AUTHPRIV, err,
	    sizeof(err)), 0);
	emit_one(&sl, "issue", 0, err, sizeof(err));
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	assert_true(recvmsg(rfd, &mh, MSG_DONTWAIT) > 0);
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&uc, CMSG_DATA(c), sizeof(uc));
		got = 1;
	}
	assert_true(got);
	assert_int_equal(uc.pid, getpid());
	assert_int_equal(uc.uid, geteuid());
	assert_int_equal(uc.gid, getegid());
	audit_syslog_close(&sl);
	close(rfd);
	unlink(path);
	rmdir(dir);
}

static void
test_syslog_open_missing_fails(void **state)
{
	char dir[] = "/tmp/test_audit.XXXXXX", path[128], err[VG_ERRLEN];
	struct audit_syslog sl;
	int rfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nosuch", dir);
	err[0] = '\0';
	assert_int_equal(audit_syslog_open(&sl, path, LOG_AUTHPRIV, err,
	    sizeof(err)), -1);
	assert_int_equal(sl.fd, -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* a facility that is not one is refused before any socket */
	rfd = bind_receiver(path);
	err[0] = '\0';
	assert_int_equal(audit_syslog_open(&sl, path, LOG_INFO, err,
	    sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	close(rfd);
	unlink(path);
	rmdir(dir);
}

/* url_sha256 in the issue record: SHA-256("abc") of FIPS 180-2. */
static void
test_sha256_prefix(void **state)
{
	char out[65];

	(void)state;
	audit_sha256_prefix("abc", 16, out);
	assert_string_equal(out, "ba7816bf8f01cfea");
	audit_sha256_prefix("abc", 64, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	audit_sha256_prefix("abc", 100, out);
	assert_int_equal(strlen(out), 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_value_unquoted),
		cmocka_unit_test(test_escape_newline_cr),
		cmocka_unit_test(test_escape_quote_backslash),
		cmocka_unit_test(test_escape_control_bytes),
		cmocka_unit_test(test_escape_equals_space),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_empty),
		cmocka_unit_test(test_value_cap),
		cmocka_unit_test(test_value_cap_utf8),
		cmocka_unit_test(test_invalid_key_refused),
		cmocka_unit_test(test_too_many_keys_refused),
		cmocka_unit_test(test_replace_value),
		cmocka_unit_test(test_who_keys),
		cmocka_unit_test(test_who_override),
		cmocka_unit_test(test_line_cap_drops_whole_pairs),
		cmocka_unit_test(test_line_cap_boundary),
		cmocka_unit_test(test_emit_every_sink_first_failure),
		cmocka_unit_test(test_emit_chain_keys_after_event),
		cmocka_unit_test(test_emit_chain_not_forged_by_value),
		cmocka_unit_test(test_emit_chain_failure_file_error),
		cmocka_unit_test(test_emit_syslog_only_no_chain),
		cmocka_unit_test(test_add_sink_rules),
		cmocka_unit_test(test_emit_without_sinks_fails),
		cmocka_unit_test(test_syslog_sink_end_to_end),
		cmocka_unit_test(test_severity_table),
		cmocka_unit_test(test_syslog_sends_credentials),
		cmocka_unit_test(test_syslog_open_missing_fails),
		cmocka_unit_test(test_sha256_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
