/* SPDX-License-Identifier: ISC */
/*
 * The chained audit file (DESIGN 1.7): one JSON object per line, each
 * holding the hash of the one before, so an edited, deleted, inserted,
 * reordered or duplicated record shows (vncgate-audit verify), and the
 * seq and chain in every syslog line show a file cut short at the end.
 * The format is described in audit.h; this file writes it and parses
 * one line of it back.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "util.h"

#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)
#define HASH_MEMBER	",\"hash\":\""		/* then 64 hex, then "} */
#define HASH_SUFFIXLEN	(sizeof(HASH_MEMBER) - 1 + AUDIT_HASHHEX + 2)
#define TAIL_FIRST	4096	/* most records fit: one small read */
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* What reading the file's tail found. */
enum tail { TAIL_OK, TAIL_LONGER, TAIL_TORN, TAIL_ERR };


static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < AUDIT_HASHHEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[AUDIT_HASHHEX] == '\0' || s[AUDIT_HASHHEX] == '"';
}

/* SHA-256(prev || part || tail) in hex: S is part then tail. */
static int
chain_hash(const char *prev, const char *part, size_t partlen,
    const char *tail, char out[AUDIT_HASHHEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, prev, AUDIT_HASHHEX) == 1 &&
	    EVP_DigestUpdate(ctx, part, partlen) == 1 &&
	    EVP_DigestUpdate(ctx, tail, strlen(tail)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	vg_hex(md, mdlen, out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Opening */

static void
open_error(struct audit_file *af, int e, char *err, size_t errlen)
{
	/* O_NOFOLLOW reports a link as ELOOP, whose text misleads */
	if (e == ELOOP)
		vg_seterr(af->err, sizeof(af->err), "the audit file %.200s is "
		    "a symbolic link, which is refused", af->path);
	else
		vg_seterr(af->err, sizeof(af->err), "cannot open the audit "
		    "file %.200s: %s", af->path, strerror(e));
	vg_seterr(err, errlen, "%s", af->err);
}

/* A new file's name reaches the disk too; best effort. */
static void
sync_dir(const char *path)
{
	char dir[1024], *slash;
	int fd;

	if (vg_strlcpy(dir, path, sizeof(dir)) == -1)
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		vg_strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/*
 * O_EXCL first, to know whether we made the file: only then is its mode
 * set, to 0660 whatever the umask, so the shell (group vncgate) and the
 * PAM module (root) can both append.  An existing file keeps the mode
 * the admin gave it.  O_NOFOLLOW: a link planted at the path could
 * point the records into another file.
 */
static int
try_open(struct audit_file *af, char *err, size_t errlen)
{
	const int flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd, created;

	fd = open(af->path, flags | O_CREAT | O_EXCL, AUDIT_FILE_MODE);
	created = fd != -1;
	if (fd == -1 && errno == EEXIST)
		fd = open(af->path, flags);
	if (fd == -1) {
		open_error(af, errno, err, errlen);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		vg_seterr(af->err, sizeof(af->err), "the audit file %.200s is "
		    "not a regular file", af->path);
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	if (created) {
		(void)fchmod(fd, AUDIT_FILE_MODE);
		sync_dir(af->path);
	}
	af->fd = fd;
	af->err[0] = '\0';
	return 0;
}

int
audit_file_open(struct audit_file *af, const char *path, char *err,
    size_t errlen)
{
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (gethostname(af->host, sizeof(af->host) - 1) == -1 ||
	    af->host[0] == '\0')
		vg_strlcpy(af->host, "unknown", sizeof(af->host));
	if (path == NULL || *path == '\0' ||
	    vg_strlcpy(af->path, path, sizeof(af->path)) == -1) {
		vg_seterr(af->err, sizeof(af->err), "the audit file path "
		    "%.200s is empty or too long", path != NULL ? path : "");
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	return try_open(af, err, errlen);
}

void
audit_file_close(struct audit_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
}

/* ------------------------------------------------------------------ */
/* The last record, from the tail of the file */

static int
pread_all(int fd, char *p, size_t n, off_t off)
{
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0)
			errno = EIO;	/* the file shrank under the lock */
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * Read the last win bytes and find the last line in them.  *buf is
 * the window (the caller frees it), *line and *len the line without
 * its newline.  TAIL_LONGER: the window starts inside that line.
 */
static enum tail
tail_window(int fd, off_t size, size_t win, char **buf, const char **line,
    size_t *len)
{
	off_t start = size > (off_t)win ? size - (off_t)win : 0;
	size_t n = (size_t)(size - start), i;
	char *p;

	*buf = NULL;
	if ((p = malloc(n)) == NULL || pread_all(fd, p, n, start) == -1) {
		free(p);
		return TAIL_ERR;
	}
	*buf = p;
	if (p[n - 1] != '\n')
		return TAIL_TORN;
	for (i = n - 1; i > 0 && p[i - 1] != '\n'; i--)
		continue;
	if (i == 0 && start > 0)
		return TAIL_LONGER;
	*line = p + i;
	*len = n - 1 - i;
	return TAIL_OK;
}

static int
tail_error(const struct audit_file *af, enum tail t, const char *why,
    char *err, size_t errlen)
{
	if (t == TAIL_TORN)
		vg_seterr(err, errlen, "the audit file %.200s ends in a "
		    "cut-off record, so no record is added after it; an admin "
		    "must check it with vncgate-audit verify", af->path);
	else if (t == TAIL_LONGER)
		vg_seterr(err, errlen, "the last record of the audit file "
		    "%.200s is longer than any record vncgate writes",
		    af->path);
	else if (why != NULL)
		vg_seterr(err, errlen, "the last record of the audit file "
		    "%.200s cannot be read: %s", af->path, why);
	else
		vg_seterr(err, errlen, "cannot read the audit file %.200s: %s",
		    af->path, strerror(errno));
	return -1;
}

/*
 * seq and hash of the last record: the chain goes on from there, in
 * this process or any other.  An empty file starts the chain at 64
 * zeros.  A file whose last line has no newline is refused, not
 * chained onto: that line is a record cut off (a crash or a full disk
 * mid-write), and a record added after it would be glued onto the
 * fragment, so neither could be read back, and its prev would name a
 * record no one can check.  verify names that seq; an admin repairs the
 * file before anything more is recorded, and audit.required keeps URLs
 * back until then.
 */
static int
read_last(const struct audit_file *af, off_t size, struct audit_chain *last,
    char *err, size_t errlen)
{
	struct audit_line al;
	const char *line = NULL;
	char *buf, why[VG_ERRLEN];
	size_t len = 0;
	enum tail t;

	memset(last, 0, sizeof(*last));
	memset(last->hash, '0', AUDIT_HASHHEX);
	if (size == 0)
		return 0;
	t = tail_window(af->fd, size, TAIL_FIRST, &buf, &line, &len);
	if (t == TAIL_LONGER) {
		free(buf);
		t = tail_window(af->fd, size, AUDIT_FILE_LINEMAX + 1, &buf,
		    &line, &len);
	}
	if (t == TAIL_OK && audit_file_parse(line, len, &al, why,
	    sizeof(why)) == -1) {
		free(buf);
		return tail_error(af, t, why, err, errlen);
	}
	free(buf);
	if (t != TAIL_OK)
		return tail_error(af, t, NULL, err, errlen);
	last->seq = al.seq;
	memcpy(last->hash, al.hash, sizeof(last->hash));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building one line */

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (c == 0xed)
		hi = 0x9f;		/* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;		/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)	/* the NUL stops here too */
			return 0;
	return n;
}

/*
 * jansson takes only UTF-8, and a record can hold any bytes an operator
 * typed: each byte that is not part of a valid sequence becomes U+FFFD.
 */
static json_t *
json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct vg_buf b;
	json_t *j;
	size_t k;

	if ((j = json_string(s)) != NULL)
		return j;
	buf_init(&b);
	while (*p != '\0') {
		if ((k = utf8_seq(p)) == 0) {
			buf_adds(&b, REPLACEMENT);
			k = 1;
		} else
			buf_add(&b, p, k);
		p += k;
	}
	j = b.oom ? NULL : json_string(b.p != NULL ? b.p : "");
	buf_free(&b);
	return j;
}

static int
put(json_t *o, const char *key, const char *value)
{
	return json_object_set_new(o, key, json_text(value != NULL ? value :
	    ""));
}


/* The who keys, each replaced by the record's own value, as in syslog. */
static int
put_who(json_t *o, const struct audit_rec *rec, const struct audit_who *w)
{
	struct audit_who_values wv;
	size_t i;

	audit_who_values(rec, w, &wv);
	for (i = 0; i < AUDIT_NWHO; i++)
		if (put(o, wv.key[i], wv.value[i]) == -1)
			return -1;
	return 0;
}

static int
timestamp(char *out, size_t outlen)
{
	long long ms = vg_epoch_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ms % 1000);
	return 0;
}

/* The object without hash, members in the order of audit.h. */
static json_t *
record_object(const struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, const struct audit_chain *last)
{
	char ts[96], prev[AUDIT_HASHHEX + 1];
	json_t *o;
	size_t i;
	int bad;

	memcpy(prev, last->hash, sizeof(prev));
	if ((o = json_object()) == NULL || timestamp(ts, sizeof(ts)) == -1) {
		json_decref(o);
		return NULL;
	}
	bad = json_object_set_new(o, "seq",
	    json_integer((json_int_t)(last->seq + 1))) == -1;
	bad |= put(o, "ts", ts) | put(o, "host", af->host);
	bad |= put(o, "event", rec->event);
	if (who != NULL)
		bad |= put_who(o, rec, who);
	for (i = 0; i < rec->n; i++)
		if (who == NULL || !audit_is_who_key(rec->kv[i].key))
			bad |= put(o, rec->kv[i].key, rec->kv[i].value);
	bad |= put(o, "prev", prev);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* S, then the hash member spliced in before its closing brace. */
static int
build_line(const struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, const struct audit_chain *last,
    struct vg_buf *line, char hash[AUDIT_HASHHEX + 1])
{
	json_t *o;
	char *s;
	size_t n;
	int rc = -1;

	if ((o = record_object(af, rec, who, last)) == NULL)
		return -1;
	s = json_dumps(o, DUMP_FLAGS);
	json_decref(o);
	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n >= 2 && s[n - 1] == '}' && n + HASH_SUFFIXLEN <
	    AUDIT_FILE_LINEMAX &&
	    chain_hash(last->hash, s, n - 1, "}", hash) == 0) {
		buf_add(line, s, n - 1);
		buf_addf(line, "%s%s\"}\n", HASH_MEMBER, hash);
		rc = line->oom ? -1 : 0;
	}
	free(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Appending */

/*
 * One write with O_APPEND, then fsync.  A write that fails part way
 * (a full disk) is taken back with ftruncate while we still hold the
 * lock, so the next record does not find a cut-off line.
 */
static int
write_line(const struct audit_file *af, const struct vg_buf *line,
    off_t size, char *err, size_t errlen)
{
	size_t off = 0;
	ssize_t w;
	int e;

	while (off < line->len) {
		w = write(af->fd, line->p + off, line->len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == line->len && fsync(af->fd) == 0)
		return 0;
	e = off < line->len && errno == 0 ? ENOSPC : errno;
	if (ftruncate(af->fd, size) == -1)
		vg_seterr(err, errlen, "cannot write the audit file %.200s "
		    "(%s), and the part written stays: it ends in a cut-off "
		    "record", af->path, strerror(e));
	else
		vg_seterr(err, errlen, "cannot write the audit file %.200s: "
		    "%s", af->path, strerror(e));
	return -1;
}

static int
append_locked(struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain,
    char *err, size_t errlen)
{
	struct audit_chain last;
	struct vg_buf line;
	struct stat st;
	int rc;

	if (fstat(af->fd, &st) == -1) {
		vg_seterr(err, errlen, "cannot read the audit file %.200s: %s",
		    af->path, strerror(errno));
		return -1;
	}
	if (read_last(af, st.st_size, &last, err, errlen) == -1)
		return -1;
	buf_init(&line);
	if (build_line(af, rec, who, &last, &line, chain->hash) == -1) {
		buf_free(&line);
		vg_seterr(err, errlen, "cannot build the record for the audit "
		    "file %.200s: out of memory", af->path);
		return -1;
	}
	errno = 0;
	rc = write_line(af, &line, st.st_size, err, errlen);
	buf_free(&line);
	if (rc == 0)
		chain->seq = last.seq + 1;
	return rc;
}

int
audit_file_append(struct audit_file *af, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	int rc;

	memset(chain, 0, sizeof(*chain));
	if (af->fd < 0 && (af->path[0] == '\0' ||
	    try_open(af, err, errlen) == -1)) {
		vg_seterr(err, errlen, "%s", af->err);
		return -1;
	}
	/* every writer takes it, so read-last-then-append is one step */
	while ((rc = flock(af->fd, LOCK_EX)) == -1 && errno == EINTR)
		continue;
	if (rc == -1) {
		vg_seterr(err, errlen, "cannot lock the audit file %.200s: %s",
		    af->path, strerror(errno));
		return -1;
	}
	rc = append_locked(af, rec, who, chain, err, errlen);
	(void)flock(af->fd, LOCK_UN);
	return rc;
}

static int
file_append(void *ctx, const struct audit_rec *rec,
    const struct audit_who *who, struct audit_chain *chain, char *err,
    size_t errlen)
{
	return audit_file_append(ctx, rec, who, chain, err, errlen);
}

void
audit_file_sink(struct audit_file *af, struct audit_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->name = "file";
	sink->append = file_append;
	sink->ctx = af;
}

/* ------------------------------------------------------------------ */
/* Parsing one line back */

/* The object's last key is hash: nothing follows what the hash covers. */
static int
hash_is_last(json_t *o)
{
	const char *key = NULL;
	void *it;

	for (it = json_object_iter(o); it != NULL;
	    it = json_object_iter_next(o, it))
		key = json_object_iter_key(it);
	return key != NULL && strcmp(key, "hash") == 0;
}

static int
parse_fields(json_t *o, struct audit_line *al, char *err, size_t errlen)
{
	json_t *seq, *prev, *hash;

	seq = json_object_get(o, "seq");
	prev = json_object_get(o, "prev");
	hash = json_object_get(o, "hash");
	if (!json_is_integer(seq) || json_integer_value(seq) <= 0) {
		vg_seterr(err, errlen, "seq is not a positive integer");
		return -1;
	}
	if (!json_is_string(prev) || strlen(json_string_value(prev)) !=
	    AUDIT_HASHHEX || !is_hex64(json_string_value(prev))) {
		vg_seterr(err, errlen, "prev is not 64 hex digits");
		return -1;
	}
	if (!json_is_string(hash) || !hash_is_last(o) ||
	    strcmp(json_string_value(hash), al->hash) != 0) {
		vg_seterr(err, errlen, "hash is not the last member");
		return -1;
	}
	al->seq = (unsigned long long)json_integer_value(seq);
	vg_strlcpy(al->prev, json_string_value(prev), sizeof(al->prev));
	return 0;
}

int
audit_file_parse(const char *line, size_t len, struct audit_line *al,
    char *err, size_t errlen)
{
	char want[AUDIT_HASHHEX + 1];
	json_error_t je;
	const char *h;
	json_t *o;
	int rc;

	memset(al, 0, sizeof(*al));
	if (len <= HASH_SUFFIXLEN || memcmp(line + len - HASH_SUFFIXLEN,
	    HASH_MEMBER, sizeof(HASH_MEMBER) - 1) != 0)
		h = NULL;
	else
		h = line + len - HASH_SUFFIXLEN + sizeof(HASH_MEMBER) - 1;
	if (h == NULL || !is_hex64(h) ||
	    strncmp(h + AUDIT_HASHHEX, "\"}", 2) != 0) {
		vg_seterr(err, errlen, "the line does not end in the hash "
		    "member");
		return -1;
	}
	memcpy(al->hash, h, AUDIT_HASHHEX);
	if ((o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je)) == NULL ||
	    !json_is_object(o)) {
		json_decref(o);
		vg_seterr(err, errlen, "the line is not a JSON object");
		return -1;
	}
	rc = parse_fields(o, al, err, errlen);
	json_decref(o);
	if (rc == -1)
		return -1;
	if (chain_hash(al->prev, line, len - HASH_SUFFIXLEN, "}", want) == -1) {
		vg_seterr(err, errlen, "cannot compute SHA-256");
		return -1;
	}
	al->hash_ok = strcmp(want, al->hash) == 0;
	return 0;
}
