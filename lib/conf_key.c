/* SPDX-License-Identifier: ISC */
/*
 * The access_key file (see conf.h), read without libconfuse.  libconfuse
 * has no allocation hook and keeps the text it lexes in buffers of its
 * own (flex's input buffer; the quoted-string buffer it grows with
 * realloc and frees unwiped), where the AccessKeySecret would stay in
 * the heap for the rest of the process (DESIGN 1.2).  This reader takes
 * the file whole into one buffer of ours, and every byte of it, and of
 * each value, is wiped before it is freed.
 *
 * The language is the one libconfuse 3.3 accepts for a file of two
 * string keys, so that no key file that worked stops working:
 *   - blanks and newlines; comments: # or // to the end of the line,
 *     slash-star to star-slash (one left open ends the file);
 *   - KEY = VALUE, KEY access_key_id or access_key_secret (quoted or
 *     not), a later one replacing an earlier; VALUE "double-quoted"
 *     (the escapes of libconfuse's lexer, newlines, backslash-newline),
 *     'single-quoted' (\\ and \' only), or a run of bytes without
 *     blanks, quotes, # = { } ( ) + , or *;
 *   - outside strings, a stray *, + or carriage return is skipped.
 * conf_prescan_mem refuses ${ (libconfuse would fill it in from the
 * environment) and NUL bytes first.  Anything else is a syntax error,
 * reported at its line without the text, which may be part of the
 * secret; a value is checked where it ends (conf_value.c).  Lines are
 * counted as they are: libconfuse 3.3 counts two more for each #
 * comment and one more for each comment block.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_file.h"
#include "conf_value.h"
#include "util.h"

#define SYNTAX	"syntax error (details withheld: the file holds a secret)"

/* What the lexer hands the parser. */
enum tok { T_EOF, T_STR, T_EQ, T_PUNCT, T_COMMENT, T_ERR };

/* The reading of one key file. */
struct keyfile {
	struct vg_diags	*diags;
	const char	*path;
	int		 nerr;
	const char	*p;		/* the next byte */
	const char	*end;
	int		 line;
	struct vg_buf	 tok;		/* the string just read */
	char		*val[2];	/* access_key_id, access_key_secret */
};

static const char *const keys[2] = { "access_key_id", "access_key_secret" };

static void __attribute__((format(printf, 3, 4)))
note(struct keyfile *k, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_file_vdiag(k->diags, k->path, line, fmt, ap);
	va_end(ap);
	k->nerr++;
}

/* ------------------------------------------------------------------ */
/* the lexer: libconfuse's rules, one token at a time */

static int
peek(const struct keyfile *k, size_t i)
{
	return k->p + i < k->end ? (unsigned char)k->p[i] : -1;
}

static int
is_odigit(int ch)
{
	return ch >= '0' && ch <= '7';
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* The letter escapes of a double-quoted string. */
static const struct {
	char	 letter;
	char	 byte;
} letters[] = {
	{ 'n', '\n' }, { 'r', '\r' }, { 'b', '\b' }, { 'f', '\f' },
	{ 'a', '\a' }, { 'e', '\033' }, { 't', '\t' }, { 'v', '\v' },
};

/*
 * \ and digits: up to three octal ones make a byte, unless a longer run
 * of decimal digits follows the backslash (flex takes the longest match,
 * "bad escape sequence") or the value passes 0377.  k->p is past the
 * backslash; -1 on an error.
 */
static int
dq_octal(struct keyfile *k)
{
	size_t no = 0, nd = 0;
	int v = 0;

	while (no < 3 && is_odigit(peek(k, no)))
		v = v * 8 + peek(k, no++) - '0';
	while (is_digit(peek(k, nd)))
		nd++;
	if (nd > no || v > 0xff)
		return -1;
	k->p += no;
	return buf_addc(&k->tok, (char)v);
}

/* \x and one or two hex digits; \x alone is an x. */
static int
dq_hex(struct keyfile *k)
{
	int v = 0, n = 0;

	k->p++;
	while (n < 2 && vg_hexval(peek(k, 0)) >= 0) {
		v = v * 16 + vg_hexval(peek(k, 0));
		k->p++;
		n++;
	}
	return buf_addc(&k->tok, n > 0 ? (char)v : 'x');
}

/* The escape after a backslash in "..."; -1 on an error. */
static int
dq_escape(struct keyfile *k)
{
	int ch = peek(k, 0);
	size_t i;

	if (ch == -1)
		return -1;
	if (is_digit(ch))
		return dq_octal(k);
	if (ch == 'x')
		return dq_hex(k);
	k->p++;
	if (ch == '\n') {
		k->line++;	/* continued on the next line */
		return 0;
	}
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (letters[i].letter == ch)
			return buf_addc(&k->tok, letters[i].byte);
	return buf_addc(&k->tok, (char)ch);
}

/* A "double-quoted" string, k->p past the quote. */
static enum tok
lex_dq(struct keyfile *k)
{
	int ch, rc = 0;

	while (rc == 0 && (ch = peek(k, 0)) != -1) {
		k->p++;
		if (ch == '"')
			return T_STR;
		if (ch == '\\')
			rc = dq_escape(k);
		else {
			k->line += ch == '\n';
			rc = buf_addc(&k->tok, (char)ch);
		}
	}
	/* at the end of the file libconfuse ends the token stream */
	return rc == 0 ? T_EOF : T_ERR;
}

/* A 'single-quoted' string, k->p past the quote. */
static enum tok
lex_sq(struct keyfile *k)
{
	int ch, next, rc = 0;

	while (rc == 0 && (ch = peek(k, 0)) != -1) {
		k->p++;
		if (ch == '\'')
			return T_STR;
		next = peek(k, 0);
		if (ch == '\\' && next == '\n') {
			k->p++;
			k->line++;
		} else if (ch == '\\' && (next == '\\' || next == '\'')) {
			k->p++;
			rc = buf_addc(&k->tok, (char)next);
		} else {
			k->line += ch == '\n';
			rc = buf_addc(&k->tok, (char)ch);
		}
	}
	return T_ERR;		/* "unterminated string constant" */
}

/* A byte of an unquoted string. */
static int
bare(int ch)
{
	return ch > 0 && strchr(" \t\n\r#\"'={}()+,*", ch) == NULL;
}

static enum tok
lex_bare(struct keyfile *k)
{
	const char *s = k->p;

	while (bare(peek(k, 0)))
		k->p++;
	return buf_add(&k->tok, s, (size_t)(k->p - s)) == 0 ? T_STR : T_ERR;
}

/* A comment to the end of the line (the newline stays). */
static enum tok
lex_line_comment(struct keyfile *k)
{
	while (peek(k, 0) != -1 && peek(k, 0) != '\n')
		k->p++;
	return T_COMMENT;
}

/* A comment block, k->p past its opening; open at the end: the end. */
static enum tok
lex_block_comment(struct keyfile *k)
{
	int ch;

	while ((ch = peek(k, 0)) != -1) {
		k->p++;
		if (ch == '*' && peek(k, 0) == '/') {
			k->p++;
			return T_COMMENT;
		}
		k->line += ch == '\n';
	}
	return T_EOF;
}

/* Bytes that stand for themselves: = { } ( ) , and +=. */
static enum tok
lex_punct(struct keyfile *k, int ch)
{
	k->p++;
	if (ch == '=')
		return T_EQ;
	if (ch != '+')
		return T_PUNCT;
	k->p++;
	return T_PUNCT;		/* += appends, and no key here is a list */
}

static enum tok
lex(struct keyfile *k)
{
	int ch;

	buf_free(&k->tok);
	while ((ch = peek(k, 0)) != -1) {
		if (ch == '#' || (ch == '/' && peek(k, 1) == '/'))
			return lex_line_comment(k);
		if (ch == '/' && peek(k, 1) == '*') {
			k->p += 2;
			return lex_block_comment(k);
		}
		if (ch == '"' || ch == '\'') {
			k->p++;
			return ch == '"' ? lex_dq(k) : lex_sq(k);
		}
		if ((ch != '\0' && strchr("={}(),", ch) != NULL) ||
		    (ch == '+' && peek(k, 1) == '='))
			return lex_punct(k, ch);
		if (bare(ch))
			return lex_bare(k);
		/* blanks, newlines, and the bytes libconfuse skips */
		k->line += ch == '\n';
		k->p++;
	}
	return T_EOF;
}

/* ------------------------------------------------------------------ */
/* the parser: KEY = VALUE, again and again */

static int
key_index(const char *name)
{
	int i;

	for (i = 0; i < 2; i++)
		if (strcmp(name, keys[i]) == 0)
			return i;
	return -1;
}

/* The string just read ("" for an empty one). */
static const char *
tok_str(const struct keyfile *k)
{
	return k->tok.p != NULL ? k->tok.p : "";
}

/*
 * The value of key i: checked where it ends, kept (the last one wins).
 * A \0 escape ends it, as it ends libconfuse's copy: the bytes after it
 * are wiped now, since vg_freestr wipes up to the first NUL only.
 */
static int
set_value(struct keyfile *k, int i)
{
	const struct conf_str_rule *r = conf_value_find(NULL, keys[i]);
	const char *why;
	size_t n = strlen(tok_str(k));

	if (k->tok.len > n)
		vg_wipe(k->tok.p + n, k->tok.len - n);
	if (r != NULL && (why = conf_value_check(r, tok_str(k))) != NULL)
		note(k, k->line, "%s %s", keys[i], why);
	vg_freestr(k->val[i]);
	k->val[i] = buf_take(&k->tok);
	return k->val[i] == NULL ? -1 : 0;
}

/* 0 at the end of the file, -1 at a syntax error (noted). */
static int
parse(struct keyfile *k)
{
	enum tok t;
	int i;

	for (;;) {
		while ((t = lex(k)) == T_COMMENT)
			continue;
		if (t == T_EOF)
			return 0;
		if (t != T_STR || (i = key_index(tok_str(k))) < 0 ||
		    lex(k) != T_EQ || lex(k) != T_STR || set_value(k, i) == -1)
			break;
	}
	if (k->tok.oom)
		note(k, k->line, "out of memory");
	else
		note(k, k->line, SYNTAX);
	return -1;
}

/* ------------------------------------------------------------------ */
/* the file */

/* What conf_prescan_mem found: the sentences of conf_parse.c. */
static void
found(void *arg, enum conf_find what, int line)
{
	if (what == CONF_FIND_SUBST)
		note(arg, line, "${...} (environment substitution) is not "
		    "allowed");
	else if (what == CONF_FIND_NUL)
		note(arg, line, "a NUL byte is not allowed");
}

/* The whole file into b, through no buffer but ours. */
static int
slurp(struct keyfile *k, const struct secfile_policy *pol, struct vg_buf *b)
{
	enum secfile_status st;
	char err[VG_ERRLEN], chunk[512];
	ssize_t n;
	FILE *f;

	if ((f = secfile_fopen(k->path, pol, &st, err, sizeof(err))) == NULL) {
		conf_file_secfile(k->diags, k->path, err);
		k->nerr++;
		return -1;
	}
	/* read(2), not fread: stdio's buffer would keep a copy */
	while ((n = read(fileno(f), chunk, sizeof(chunk))) > 0)
		if (buf_add(b, chunk, (size_t)n) == -1)
			break;
	vg_wipe(chunk, sizeof(chunk));
	fclose(f);
	if (n != 0 || b->oom) {
		note(k, 0, n != 0 && !b->oom ? "the file cannot be read" :
		    "out of memory");
		return -1;
	}
	return 0;
}

/* Both keys set, and not empty; else each missing one is named. */
static int
complete(struct keyfile *k)
{
	int i;

	for (i = 0; i < 2; i++)
		if (k->val[i] == NULL || *k->val[i] == '\0')
			note(k, 0, "%s is missing", keys[i]);
	return k->nerr == 0 ? 0 : -1;
}

/* The file, scanned and parsed: 0 when both keys came, and well. */
static int
read_keys(struct keyfile *k, const struct secfile_policy *pol,
    struct vg_buf *text)
{
	if (slurp(k, pol, text) == -1)
		return -1;
	/* an empty file has no buffer at all */
	k->p = text->p != NULL ? text->p : "";
	k->end = k->p + text->len;
	conf_prescan_mem(k->p, text->len, found, k);
	if (k->nerr != 0)
		return -1;
	if (parse(k) == -1 || k->nerr != 0)
		return -1;
	return complete(k);
}

int
conf_load_access_key(const char *path, const struct secfile_policy *pol,
    char **id, char **secret, struct vg_diags *diags)
{
	struct keyfile k;
	struct vg_buf text;
	int rc;

	*id = *secret = NULL;
	memset(&k, 0, sizeof(k));
	k.diags = diags;
	k.path = path != NULL ? path : "(none)";
	k.line = 1;
	buf_init(&k.tok);
	buf_init(&text);
	rc = read_keys(&k, pol, &text);
	buf_free(&text);
	buf_free(&k.tok);
	if (rc == 0) {
		*id = k.val[0];
		*secret = k.val[1];
		return 0;
	}
	vg_freestr(k.val[0]);
	vg_freestr(k.val[1]);
	return -1;
}
