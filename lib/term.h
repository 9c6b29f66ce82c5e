/* SPDX-License-Identifier: ISC */
/*
 * Safe terminal text: the one filter every untrusted string (config, ACL,
 * API, environment) passes through before it reaches a terminal.
 *
 * A string is read as UTF-8.  C0 and C1 controls, ESC, DEL, the Unicode
 * bidi controls (U+202A-U+202E, U+2066-U+2069, and the marks U+200E,
 * U+200F, U+061C), the line and paragraph separators and every byte that
 * is not part of valid UTF-8 are each shown as one '?'.  What is left can
 * only print: no escape sequence, title, hyperlink, bell, carriage return
 * or reordering reaches the terminal.
 *
 * Widths are display cells: wcwidth() in the caller's LC_CTYPE, and a
 * built-in table of the East Asian wide ranges when the locale cannot say
 * (the C locale), so CJK always counts as two cells.
 */
#ifndef VG_TERM_H
#define VG_TERM_H

#include <stddef.h>

#define TERM_REPLACEMENT	'?'
#define TERM_CLIPPED		'~'	/* ends a clipped field: ASCII,
					   one cell in every locale */

/*
 * Copy in to out (outlen bytes, always NUL-terminated when outlen > 0)
 * with every unsafe character replaced by '?'.  A character that does
 * not fit whole is dropped with everything after it.  Returns the
 * display width of out.
 */
int	term_clean(const char *in, char *out, size_t outlen);

/* The display width of in, as term_clean would show it. */
int	term_width(const char *in);

/*
 * term_clean, clipped to at most cells cells: a clipped string ends in
 * TERM_CLIPPED, and a wide character is never cut in half.  With pad,
 * spaces fill out to exactly cells.  Returns the width written.
 */
int	term_fit(const char *in, int cells, int pad, char *out,
	    size_t outlen);

/*
 * The last cells cells of in (for a line that scrolls left as it
 * grows), cleaned; returns the width written.
 */
int	term_tail(const char *in, int cells, char *out, size_t outlen);

/* 1 when term_clean would show in exactly as it is. */
int	term_safe(const char *in);

/* 1 when the code point is shown as '?'. */
int	term_unsafe(unsigned int cp);

#endif
