/* SPDX-License-Identifier: ISC */
/*
 * One line of the chained audit file (the format is in audit.h): made
 * from a record, with the hash of the chain spliced in last, and read
 * back, both by vncgate-audit verify and by the writer that goes on from
 * the last record.  The hash is computed over the bytes as written, so
 * no JSON library's output rules become part of the format.
 */
#include <openssl/evp.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "audit_line.h"
#include "util.h"

#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)
#define HASH_MEMBER	",\"hash\":\""		/* then 64 hex, then "} */
#define HASH_SUFFIXLEN	(sizeof(HASH_MEMBER) - 1 + AUDIT_HASHHEX + 2)
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* ------------------------------------------------------------------ */
/* The chain */

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
record_object(const char *host, const struct audit_rec *rec,
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
	bad |= put(o, "ts", ts) | put(o, "host", host);
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

int
audit_line_build(const char *host, const struct audit_rec *rec,
    const struct audit_who *who, const struct audit_chain *last,
    struct vg_buf *line, char hash[AUDIT_HASHHEX + 1])
{
	json_t *o;
	char *s;
	size_t n;
	int rc = -1;

	if ((o = record_object(host, rec, who, last)) == NULL)
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
	json_t *seq, *prev, *hash, *event;

	seq = json_object_get(o, "seq");
	event = json_object_get(o, "event");
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
	/* verify counts the repairs; a longer event is none of ours */
	if (json_is_string(event) && vg_strlcpy(al->event,
	    json_string_value(event), sizeof(al->event)) == -1)
		al->event[0] = '\0';
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
