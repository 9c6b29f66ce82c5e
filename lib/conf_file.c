/* SPDX-License-Identifier: ISC */
/*
 * What the readers of vncgate.conf and acl.conf share about the file
 * (see conf_file.h): the scan before the parse, which follows
 * libconfuse's lexer byte by byte, the policy the file is opened with,
 * and the wording of its problems.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_file.h"
#include "util.h"

/*
 * libconfuse substitutes ${VAR} from the environment in unquoted and
 * double-quoted values, ends a value at a NUL byte, and accepts a section
 * left open at the end of the file (a truncated config).  None of this is
 * visible after the parse, so a small scan that follows the lexer's
 * quoting and comment rules looks for them first.
 */
enum scanstate { S_CODE, S_DQ, S_SQ, S_LINE, S_BLOCK };

struct scan {
	enum scanstate	 st;
	int		 line;
	int		 depth;
	int		 open;	/* line of the outermost '{' still open */
	int		 prev;	/* the last byte as the lexer took it, or 0 */
	int		 raw;	/* the last byte as it stands in the file */
	int		 esc;	/* a backslash in a string came last */
	void		(*found)(void *, enum conf_find, int);
	void		*arg;
};

/* A byte of code: strings and comments start here, braces count. */
static int
code_byte(struct scan *s, int ch)
{
	if (ch == '#' || (s->prev == '/' && ch == '/'))
		s->st = S_LINE;
	else if (s->prev == '/' && ch == '*') {
		s->st = S_BLOCK;
		return 0;	/* so the star cannot also close it */
	} else if (ch == '"')
		s->st = S_DQ;
	else if (ch == '\'')
		s->st = S_SQ;
	else if (ch == '{' && s->depth++ == 0)
		s->open = s->line;
	else if (ch == '}')
		s->depth--;
	return ch;
}

/* The byte after a backslash in a string: literal, so it pairs with none. */
static void
escaped(struct scan *s, int ch)
{
	s->esc = 0;
	s->raw = ch;
	s->prev = 0;
	if (ch == '\0')
		s->found(s->arg, CONF_FIND_NUL, s->line);
	else if (ch == '\n')
		s->line++;
}

static int
closes(const struct scan *s, int ch)
{
	return (s->st == S_DQ && ch == '"') || (s->st == S_SQ && ch == '\'') ||
	    (s->st == S_LINE && ch == '\n') ||
	    (s->st == S_BLOCK && s->prev == '*' && ch == '/');
}

static void
step(struct scan *s, int ch)
{
	int subst = s->prev == '$' && (s->st == S_CODE || s->st == S_DQ);

	if (s->esc) {
		escaped(s, ch);
		return;
	}
	if (ch == '\0')
		s->found(s->arg, CONF_FIND_NUL, s->line);
	else if (s->raw == '$' && ch == '{')
		s->found(s->arg, subst ? CONF_FIND_SUBST : CONF_FIND_DOLLAR,
		    s->line);
	s->raw = ch;
	if (s->st == S_CODE)
		ch = code_byte(s, ch);
	else if ((s->st == S_DQ || s->st == S_SQ) && ch == '\\') {
		s->esc = 1;
		ch = 0;
	}
	else if (closes(s, ch)) {
		/* the slash of a star-slash cannot start a comment again */
		if (s->st == S_BLOCK)
			ch = 0;
		s->st = S_CODE;
	}
	if (ch == '\n')
		s->line++;
	s->prev = ch;
}

/* The bytes step() need not see, in any state, unless escaped. */
static int
plain(int ch)
{
	static const unsigned char special[256] = {
		['\0'] = 1, ['\n'] = 1, ['"'] = 1, ['#'] = 1, ['\''] = 1,
		['*'] = 1, ['/'] = 1, ['\\'] = 1, ['{'] = 1, ['}'] = 1,
	};

	return !special[ch];
}

/* One block of the file through the scan. */
static void
scan_block(struct scan *s, const unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s->esc || !plain(buf[i])) {
			step(s, buf[i]);
			continue;
		}
		/* most bytes: only the last of a run matters */
		while (i + 1 < n && plain(buf[i + 1]))
			i++;
		s->raw = s->prev = buf[i];
	}
}

/* inside a string at the end, libconfuse says so itself */
static int
scan_end(const struct scan *s)
{
	return s->depth > 0 && s->st != S_DQ && s->st != S_SQ ? s->open : 0;
}

int
conf_prescan(FILE *f, void (*found)(void *, enum conf_find, int),
    void *arg)
{
	struct scan s = { S_CODE, 1, 0, 0, 0, 0, 0, found, arg };
	unsigned char buf[BUFSIZ];
	size_t n;

	/* by the block, not getc: configs reach megabytes (an inventory) */
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		scan_block(&s, buf, n);
	vg_wipe(buf, sizeof(buf));
	rewind(f);
	return scan_end(&s);
}

int
conf_prescan_mem(const char *p, size_t n,
    void (*found)(void *, enum conf_find, int), void *arg)
{
	struct scan s = { S_CODE, 1, 0, 0, 0, 0, 0, found, arg };

	scan_block(&s, (const unsigned char *)p, n);
	return scan_end(&s);
}

/* ------------------------------------------------------------------ */
/* opening */

const struct secfile_policy *
conf_file_policy(const struct secfile_policy *pol, struct secfile_policy *buf)
{
	if (pol != NULL && pol->max_size > 0)
		return pol;
	if (pol != NULL)
		*buf = *pol;
	else
		secfile_policy_default(buf, 1);
	buf->max_size = SECFILE_MAX_CONFIG;
	return buf;
}

/* ------------------------------------------------------------------ */
/* problems */

void
conf_file_vdiag(struct vg_diags *ds, const char *path, int line,
    const char *fmt, va_list ap)
{
	char msg[sizeof(((struct vg_diag *)0)->msg)];
	char *s;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (s = msg; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
	diag_add(ds, path, line, "%s", msg);
}

static void __attribute__((format(printf, 4, 5)))
diag(struct vg_diags *ds, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_file_vdiag(ds, path, line, fmt, ap);
	va_end(ap);
}

void
conf_file_secfile(struct vg_diags *ds, const char *path, const char *err)
{
	size_t n = path != NULL ? strlen(path) : 0;

	/* secfile starts its sentence with the path, which the diag names */
	if (path != NULL && strncmp(err, path, n) == 0 && err[n] == ' ')
		diag(ds, path, 0, "the file %s", err + n + 1);
	else
		diag(ds, path, 0, "%s", err);
}
