/* SPDX-License-Identifier: ISC */
/*
 * The chained audit file (DESIGN 1.7): what an auditor relies on.  Each
 * line's hash is recomputed here from the bytes on disk with OpenSSL
 * directly (not through the code under test); seq goes on across
 * processes and sinks; a cut-off last line stops the chain.
 */
#include "unit.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>

#include "audit.h"

#define ZEROS	"00000000000000000000000000000000" \
		"00000000000000000000000000000000"
#define NCHILD	60	/* records per forked writer */

struct fixture {
	char	dir[64];
	char	path[128];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_audit_file.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/audit.log", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *p;
	long n;

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

/* Lines of the file, without newlines; the file must end in one. */
static size_t
lines_of(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *nl;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		assert_non_null(nl);
		*nl = '\0';
		assert_true(n < max);
		lines[n++] = text;
		text = nl + 1;
	}
	return n;
}

static void
who_init(struct audit_who *w)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->user, sizeof(w->user), "alice");
	w->uid = 1001;
	snprintf(w->rhost, sizeof(w->rhost), "10.0.0.5");
	snprintf(w->rport, sizeof(w->rport), "52144");
	w->pid = 4242;
}

static int
append_one(struct audit_file *af, const char *event, const char *name,
    struct audit_chain *chain, char *err)
{
	struct audit_who who;
	struct audit_rec rec;
	int rc;

	who_init(&who);
	audit_rec_init(&rec, event);
	assert_int_equal(audit_set(&rec, "instance", "i-bp1abc"), 0);
	assert_int_equal(audit_set(&rec, "name", name), 0);
	assert_int_equal(audit_set(&rec, "result", "ok"), 0);
	rc = audit_file_append(af, &rec, &who, chain, err, VG_ERRLEN);
	audit_rec_free(&rec);
	return rc;
}

static void
open_ok(struct audit_file *af, const char *path)
{
	char err[VG_ERRLEN] = "";

	assert_int_equal(audit_file_open(af, path, NULL, err, sizeof(err)), 0);
	assert_true(af->dirfd >= 0);
}

/*
 * The documented rule, computed independently: hash = SHA-256(prev ||
 * the line without its final ,"hash":"..." member).
 */
static void
expected_hash(const char *line, const char *prev, char out[65])
{
	static const char member[] = ",\"hash\":\"";
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t len = strlen(line), cut;
	EVP_MD_CTX *ctx;

	assert_true(len > 75);
	cut = len - 75;
	assert_memory_equal(line + cut, member, strlen(member));
	assert_string_equal(line + len - 2, "\"}");
	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, prev, 64), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, line, cut), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, "}", 1), 1);
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &mdlen), 1);
	EVP_MD_CTX_free(ctx);
	vg_hex(md, mdlen, out);
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

/*
 * Check the whole file as verify would: seq 1..n in order, each prev the
 * hash before, each hash recomputed.  Returns the number of records.
 */
static size_t
check_chain(const char *path)
{
	char *text, *lines[512], prev[65], want[65];
	json_error_t je;
	size_t n, i;
	json_t *o;

	text = slurp(path, NULL);
	n = lines_of(text, lines, 512);
	snprintf(prev, sizeof(prev), "%s", ZEROS);
	for (i = 0; i < n; i++) {
		o = json_loads(lines[i], 0, &je);
		assert_non_null(o);
		assert_int_equal(json_integer_value(json_object_get(o, "seq")),
		    (json_int_t)(i + 1));
		assert_string_equal(jstr(o, "prev"), prev);
		expected_hash(lines[i], prev, want);
		assert_string_equal(jstr(o, "hash"), want);
		snprintf(prev, sizeof(prev), "%s", want);
		json_decref(o);
	}
	free(text);
	return n;
}

/* The first record: its keys in the documented order, prev 64 zeros. */
static void
test_first_record(void **state)
{
	static const char *const order[] = {
		"seq", "ts", "host", "event", "user", "uid", "rhost", "rport",
		"tty", "pid", "instance", "name", "result", "prev", "hash",
	};
	struct fixture *fx = *state;
	struct audit_chain chain;
	struct audit_file af;
	char err[VG_ERRLEN], *text, host[256] = "";
	json_error_t je;
	const char *ts;
	void *it;
	size_t i;
	json_t *o;

	open_ok(&af, fx->path);
	assert_int_equal(append_one(&af, "issue", "web-1", &chain, err), 0);
	audit_file_close(&af);
	assert_int_equal(chain.seq, 1);
	text = slurp(fx->path, NULL);
	assert_non_null(strchr(text, '\n'));
	assert_string_equal(strchr(text, '\n'), "\n");
	o = json_loads(text, 0, &je);
	assert_non_null(o);
	for (i = 0, it = json_object_iter(o); it != NULL;
	    i++, it = json_object_iter_next(o, it))
		assert_string_equal(json_object_iter_key(it), order[i]);
	assert_int_equal(i, sizeof(order) / sizeof(order[0]));
	assert_string_equal(jstr(o, "prev"), ZEROS);
	assert_string_equal(jstr(o, "hash"), chain.hash);
	assert_string_equal(jstr(o, "event"), "issue");
	assert_string_equal(jstr(o, "uid"), "1001");
	gethostname(host, sizeof(host) - 1);
	assert_string_equal(jstr(o, "host"), host);
	/* UTC ISO 8601 with milliseconds: 2024-05-01T08:00:00.123Z */
	ts = jstr(o, "ts");
	assert_int_equal(strlen(ts), 24);
	assert_true(ts[4] == '-' && ts[10] == 'T' && ts[19] == '.' &&
	    ts[23] == 'Z');
	json_decref(o);
	free(text);
	assert_int_equal(check_chain(fx->path), 1);
}

/* Made with mode 0660 whatever the umask: the shell and PAM both write. */
static void
test_created_mode(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct stat st;
	mode_t old;

	old = umask(077);
	open_ok(&af, fx->path);
	umask(old);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	audit_file_close(&af);
	assert_int_equal(af.dirfd, -1);

	/* an existing file keeps the mode the admin gave it */
	assert_int_equal(chmod(fx->path, 0600), 0);
	open_ok(&af, fx->path);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	audit_file_close(&af);
}

/* Two sinks on one file, interleaved: one chain, seq without a gap. */
static void
test_seq_continues_across_sinks(void **state)
{
	struct fixture *fx = *state;
	struct audit_file a, b;
	struct audit_chain c;
	char err[VG_ERRLEN];
	unsigned long long want = 1;
	int i;

	open_ok(&a, fx->path);
	assert_int_equal(append_one(&a, "shell_start", "", &c, err), 0);
	assert_int_equal(c.seq, want++);
	open_ok(&b, fx->path);
	for (i = 0; i < 3; i++) {
		assert_int_equal(append_one(&b, "issue", "web-1", &c, err), 0);
		assert_int_equal(c.seq, want++);
		assert_int_equal(append_one(&a, "deny", "db-1", &c, err), 0);
		assert_int_equal(c.seq, want++);
	}
	audit_file_close(&a);
	audit_file_close(&b);
	/* a later process, a fresh sink */
	open_ok(&a, fx->path);
	assert_int_equal(append_one(&a, "shell_end", "", &c, err), 0);
	assert_int_equal(c.seq, 8);
	audit_file_close(&a);
	assert_int_equal(check_chain(fx->path), 8);
}

static void
child_writer(const char *path, const char *name)
{
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	int i;

	if (audit_file_open(&af, path, NULL, err, sizeof(err)) == -1)
		_exit(2);
	for (i = 0; i < NCHILD; i++)
		if (append_one(&af, "issue", name, &c, err) == -1)
			_exit(3);
	audit_file_close(&af);
	_exit(0);
}

/* Two processes at once: flock keeps seq contiguous and the chain whole. */
static void
test_concurrent_forked_writers(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];
	pid_t pid[2];
	int st, i;

	open_ok(&af, fx->path);
	assert_int_equal(append_one(&af, "shell_start", "", &c, err), 0);
	audit_file_close(&af);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0)
			child_writer(fx->path, i == 0 ? "one" : "two");
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(check_chain(fx->path), 1 + 2 * NCHILD);
}

static void
append_raw(const char *path, const char *bytes)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, strlen(bytes)),
	    (ssize_t)strlen(bytes));
	close(fd);
}

/*
 * A cut-off last line (a writer killed mid-write) is cut by the next
 * writer, which records the repair (audit_repair) and chains on from
 * the last whole record.  A whole line that is not a record is refused.
 */
static void
test_torn_last_line_repaired(void **state)
{
	static const char torn[] = "{\"seq\":2,\"ts\":\"2024-";
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN] = "", *text, *lines[8], want[65];
	struct stat before, after;
	json_error_t je;
	json_t *o;

	open_ok(&af, fx->path);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	append_raw(fx->path, torn);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(c.seq, 3);
	assert_int_equal(c.nrepair, 1);
	assert_int_equal(c.repair[0].seq, 2);
	assert_int_equal(c.repair[0].cut_bytes, strlen(torn));
	vg_sha256_hex(torn, strlen(torn), want);
	want[16] = '\0';
	assert_string_equal(c.repair[0].cut_sha256, want);
	text = slurp(fx->path, NULL);
	assert_int_equal(lines_of(text, lines, 8), 3);
	o = json_loads(lines[1], 0, &je);
	assert_non_null(o);
	assert_string_equal(jstr(o, "event"), "audit_repair");
	assert_string_equal(jstr(o, "cut_bytes"), "20");
	assert_string_equal(jstr(o, "cut_sha256"), want);
	assert_string_equal(jstr(o, "hash"), c.repair[0].hash);
	json_decref(o);
	free(text);
	assert_int_equal(check_chain(fx->path), 3);

	/* a whole line that is not a record is refused, nothing written */
	append_raw(fx->path, "garbage\n");
	assert_int_equal(stat(fx->path, &before), 0);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), -1);
	assert_non_null(strstr(err, "cannot be read"));
	assert_non_null(strstr(err, fx->path));
	assert_int_equal(stat(fx->path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	audit_file_close(&af);
}

/* A file that holds only a torn record: cut to nothing, seq 1 again. */
static void
test_torn_only_line(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN];

	open_ok(&af, fx->path);
	append_raw(fx->path, "{\"seq\":1,\"ts\"");
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(c.nrepair, 1);
	assert_int_equal(c.repair[0].seq, 1);
	assert_int_equal(c.seq, 2);
	audit_file_close(&af);
	assert_int_equal(check_chain(fx->path), 2);
}

/*
 * Through audit_emit: a repair reaches syslog before the record; a file
 * that fails gives no seq in syslog, and its sentence in err.
 */
static char prev_line[AUDIT_LINEMAX];	/* the line before the last */
static int nlines;

static int
memsink(void *ctx, const struct audit_rec *rec, const char *line, char *err,
    size_t errlen)
{
	(void)rec;
	(void)err;
	(void)errlen;
	memcpy(prev_line, ctx, AUDIT_LINEMAX);
	snprintf(ctx, AUDIT_LINEMAX, "%s", line);
	nlines++;
	return 0;
}

static void
test_emit_repair_and_failure(void **state)
{
	struct fixture *fx = *state;
	static char line[AUDIT_LINEMAX];
	struct audit_sink mem = { "syslog", memsink, line, NULL }, fs;
	struct audit_file af;
	struct audit_log log;
	struct audit_rec rec;
	char err[VG_ERRLEN] = "", want[80], *text;
	struct audit_chain c;

	nlines = 0;
	open_ok(&af, fx->path);
	audit_log_init(&log);
	audit_file_sink(&af, &fs);
	assert_string_equal(fs.name, "file");
	assert_int_equal(audit_log_add_sink(&log, &mem), 0);
	assert_int_equal(audit_log_add_sink(&log, &fs), 0);
	audit_rec_init(&rec, "issue");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	text = slurp(fx->path, NULL);
	expected_hash(strtok(text, "\n"), ZEROS, c.hash);
	snprintf(want, sizeof(want), "event=issue seq=1 chain=%.16s ", c.hash);
	assert_int_equal(strncmp(line, want, strlen(want)), 0);
	free(text);

	/* a torn tail: syslog gets the repair, in its place, then ours */
	append_raw(fx->path, "{\"seq\":2");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), 0);
	assert_int_equal(strncmp(line, "event=issue seq=3 chain=", 24), 0);
	assert_int_equal(nlines, 3);
	assert_int_equal(strncmp(prev_line, "event=audit_repair seq=2 chain=",
	    31), 0);
	assert_non_null(strstr(prev_line, " cut_bytes=8 cut_sha256="));

	/* a whole line that is not a record: no seq in syslog, and why */
	append_raw(fx->path, "garbage\n");
	assert_int_equal(audit_emit(&log, &rec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot be read"));
	assert_int_equal(strncmp(line, "event=issue file_error=", 23), 0);
	audit_rec_free(&rec);
	audit_file_close(&af);
}

/* What cannot be opened is a sink that fails every record, and says so. */
static void
test_open_refusals(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	char err[VG_ERRLEN] = "", other[160];

	assert_int_equal(mkdir(fx->path, 0755), 0);
	assert_int_equal(audit_file_open(&af, fx->path, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, strerror(EISDIR)));
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), -1);
	assert_non_null(strstr(err, strerror(EISDIR)));
	/* the path is tried again for each record */
	assert_int_equal(rmdir(fx->path), 0);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(c.seq, 1);
	audit_file_close(&af);

	/* a link, dangling or not, could aim the records elsewhere */
	snprintf(other, sizeof(other), "%s/other", fx->dir);
	assert_int_equal(rename(fx->path, other), 0);
	assert_int_equal(symlink(other, fx->path), 0);
	assert_int_equal(audit_file_open(&af, fx->path, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(unlink(other), 0);
	assert_int_equal(audit_file_open(&af, fx->path, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(unlink(fx->path), 0);

	assert_int_equal(mkfifo(fx->path, 0600), 0);
	assert_int_equal(audit_file_open(&af, fx->path, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(audit_file_open(&af, "", NULL, err, sizeof(err)), -1);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), -1);
	assert_true(strlen(err) > 0);
}

/* Operator bytes: one line, printable ASCII, read back as they were. */
static void
test_values_stay_on_one_line(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	struct audit_rec rec;
	char err[VG_ERRLEN], *text;
	json_error_t je;
	size_t len, i;
	json_t *o;

	open_ok(&af, fx->path);
	audit_rec_init(&rec, "deny");
	assert_int_equal(audit_set(&rec, "instance", "a\n{\"seq\":9}"), 0);
	assert_int_equal(audit_set(&rec, "name", "\x1b[2J caf\xc3\xa9"), 0);
	assert_int_equal(audit_set(&rec, "reason", "bad\xff\xc3"), 0);
	assert_int_equal(audit_file_append(&af, &rec, NULL, &c, err,
	    sizeof(err)), 0);
	audit_rec_free(&rec);
	audit_file_close(&af);
	text = slurp(fx->path, &len);
	for (i = 0; i + 1 < len; i++)
		assert_true(text[i] >= 0x20 && text[i] <= 0x7e);
	assert_int_equal(text[len - 1], '\n');
	o = json_loads(text, 0, &je);
	assert_non_null(o);
	assert_string_equal(jstr(o, "instance"), "a\n{\"seq\":9}");
	assert_string_equal(jstr(o, "name"), "\x1b[2J caf\xc3\xa9");
	/* not UTF-8: each bad byte is U+FFFD */
	assert_string_equal(jstr(o, "reason"), "bad\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 1);
	json_decref(o);
	free(text);
	assert_int_equal(check_chain(fx->path), 1);
}

/* A last record longer than the first tail read: seq still goes on. */
static void
test_long_record_tail(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	struct audit_rec rec;
	char err[VG_ERRLEN], key[8], value[300];
	size_t len;
	int i;

	memset(value, '\x01', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	open_ok(&af, fx->path);
	audit_rec_init(&rec, "issue");
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "k_%c", 'a' + i);
		assert_int_equal(audit_set(&rec, key, value), 0);
	}
	assert_int_equal(audit_file_append(&af, &rec, NULL, &c, err,
	    sizeof(err)), 0);
	audit_rec_free(&rec);
	free(slurp(fx->path, &len));
	assert_true(len > 3 * 4096);	/* past the first 4 KiB tail read */
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(c.seq, 2);
	audit_file_close(&af);
	assert_int_equal(check_chain(fx->path), 2);
}

/*
 * A write cut short (here by RLIMIT_FSIZE, as a full disk would) is
 * taken back: the file stays whole and the next record chains on.
 */
static void
test_failed_write_rolled_back(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	struct rlimit rl;
	struct stat st, after;
	char err[VG_ERRLEN];
	pid_t pid;
	int ws;

	open_ok(&af, fx->path);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + 40;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (append_one(&af, "issue", "web-1", &c, err) != -1)
			_exit(3);
		_exit(strstr(err, "file size limit") ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	assert_int_equal(stat(fx->path, &after), 0);
	assert_int_equal(after.st_size, st.st_size);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	assert_int_equal(c.seq, 2);
	audit_file_close(&af);
	assert_int_equal(check_chain(fx->path), 2);
}

static void
check_parse_fails(const char *line, const char *why)
{
	struct audit_line al;
	char err[VG_ERRLEN] = "";

	assert_int_equal(audit_file_parse(line, strlen(line), &al, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, why));
}

#define H64	"11111111111111111111111111111111" \
		"11111111111111111111111111111111"

/* What verify relies on: the shape is checked, the hash recomputed. */
static void
test_parse_line(void **state)
{
	struct fixture *fx = *state;
	struct audit_file af;
	struct audit_chain c;
	struct audit_line al;
	char err[VG_ERRLEN], *text, *p;

	open_ok(&af, fx->path);
	assert_int_equal(append_one(&af, "issue", "web-1", &c, err), 0);
	audit_file_close(&af);
	text = slurp(fx->path, NULL);
	*strchr(text, '\n') = '\0';
	assert_int_equal(audit_file_parse(text, strlen(text), &al, err,
	    sizeof(err)), 0);
	assert_true(al.hash_ok);
	assert_int_equal(al.seq, 1);
	assert_string_equal(al.prev, ZEROS);
	assert_string_equal(al.hash, c.hash);
	/* one byte of a value changed: still a record, but the hash is off */
	p = strstr(text, "web-1");
	assert_non_null(p);
	p[4] = '2';
	assert_int_equal(audit_file_parse(text, strlen(text), &al, err,
	    sizeof(err)), 0);
	assert_false(al.hash_ok);
	free(text);

	check_parse_fails("", "hash member");
	check_parse_fails("{\"seq\":1,\"prev\":\"" ZEROS "\"}", "hash member");
	check_parse_fails("[1,\"prev\",\"hash\":\"" H64 "\"}", "JSON object");
	check_parse_fails("{\"seq\":1,\"seq\":2,\"prev\":\"" ZEROS
	    "\",\"hash\":\"" H64 "\"}", "JSON object");
	check_parse_fails("{\"seq\":0,\"prev\":\"" ZEROS "\",\"hash\":\"" H64
	    "\"}", "seq");
	check_parse_fails("{\"seq\":\"1\",\"prev\":\"" ZEROS "\",\"hash\":\""
	    H64 "\"}", "seq");
	check_parse_fails("{\"seq\":1,\"prev\":\"00\",\"hash\":\"" H64 "\"}",
	    "prev");
	check_parse_fails("{\"seq\":1,\"prev\":\"" ZEROS "\",\"x\":{\"hash\":\""
	    H64 "\"}}", "hash member");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_created_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seq_continues_across_sinks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_forked_writers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line_repaired,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_only_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_emit_repair_and_failure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_values_stay_on_one_line,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_record_tail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_rolled_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_line, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
