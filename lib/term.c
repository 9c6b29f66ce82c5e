/* SPDX-License-Identifier: ISC */
/*
 * Safe terminal text (see term.h).  The decoder is strict UTF-8: an
 * overlong form, a surrogate or a code point past U+10FFFF could smuggle
 * a control past a filter that only looks at bytes, so each of them is
 * one '?' per byte, like any other stray byte.
 */
#include <string.h>
#include <wchar.h>

#include "term.h"

/* One character as it will be shown: its bytes and its cells. */
struct tchar {
	char	enc[5];
	size_t	len;		/* bytes of enc */
	size_t	used;		/* bytes consumed from the input */
	int	width;
	int	replaced;	/* shown as '?' */
};

/* Shown as '?': they move the cursor, end a line or reorder text. */
static const struct {
	unsigned int	lo, hi;
} unsafe_ranges[] = {
	{ 0x0000, 0x001f },	/* C0, ESC among them */
	{ 0x007f, 0x009f },	/* DEL and C1 (CSI 0x9b, OSC 0x9d ...) */
	{ 0x061c, 0x061c },	/* ARABIC LETTER MARK */
	{ 0x200e, 0x200f },	/* LRM, RLM */
	{ 0x2028, 0x2029 },	/* line and paragraph separators */
	{ 0x202a, 0x202e },	/* LRE RLE PDF LRO RLO: Trojan Source */
	{ 0x2066, 0x2069 },	/* LRI RLI FSI PDI */
};

/* Two cells wide, for when wcwidth() cannot tell (the C locale). */
static const struct {
	unsigned int	lo, hi;
} wide_ranges[] = {
	{ 0x1100, 0x115f },	/* Hangul Jamo */
	{ 0x2e80, 0x303e },	/* CJK radicals, punctuation */
	{ 0x3041, 0x33ff },	/* kana, CJK compatibility */
	{ 0x3400, 0x4dbf },	/* CJK extension A */
	{ 0x4e00, 0x9fff },	/* CJK unified ideographs */
	{ 0xa000, 0xa4cf },	/* Yi */
	{ 0xac00, 0xd7a3 },	/* Hangul syllables */
	{ 0xf900, 0xfaff },	/* CJK compatibility ideographs */
	{ 0xfe30, 0xfe4f },	/* CJK compatibility forms */
	{ 0xff00, 0xff60 },	/* fullwidth forms */
	{ 0xffe0, 0xffe6 },
	{ 0x1f300, 0x1f64f },	/* emoji */
	{ 0x1f900, 0x1f9ff },
	{ 0x20000, 0x3fffd },	/* CJK extensions B and later */
};

int
term_unsafe(unsigned int cp)
{
	size_t i;

	for (i = 0; i < sizeof(unsafe_ranges) / sizeof(unsafe_ranges[0]); i++)
		if (cp >= unsafe_ranges[i].lo && cp <= unsafe_ranges[i].hi)
			return 1;
	return 0;
}

static int
fallback_width(unsigned int cp)
{
	size_t i;

	for (i = 0; i < sizeof(wide_ranges) / sizeof(wide_ranges[0]); i++)
		if (cp >= wide_ranges[i].lo && cp <= wide_ranges[i].hi)
			return 2;
	return 1;
}

static int
cp_width(unsigned int cp)
{
	int w = wcwidth((wchar_t)cp);

	/* -1: the locale does not know it; it printed, so guess */
	return w >= 0 ? w : fallback_width(cp);
}

/*
 * Decode the sequence at s; its length, or 0 when it is not valid UTF-8
 * (a stray or missing continuation, overlong, surrogate, > U+10FFFF).
 */
static size_t
utf8_decode(const unsigned char *s, unsigned int *cp)
{
	unsigned int c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* The next character of s (not at its NUL), as it will be shown. */
static void
next_char(const char *s, struct tchar *t)
{
	unsigned int cp = 0;
	size_t n = utf8_decode((const unsigned char *)s, &cp);

	if (n == 0 || term_unsafe(cp)) {
		t->enc[0] = TERM_REPLACEMENT;
		t->len = 1;
		t->used = n == 0 ? 1 : n;
		t->width = 1;
		t->replaced = 1;
	} else {
		memcpy(t->enc, s, n);
		t->len = n;
		t->used = n;
		t->width = cp_width(cp);
		t->replaced = 0;
	}
	t->enc[t->len] = '\0';
}

/* Append t to out at *pos if it fits with its NUL; 0 when it did not. */
static int
put(char *out, size_t outlen, size_t *pos, const char *enc, size_t len)
{
	if (outlen == 0 || *pos + len >= outlen)
		return 0;
	memcpy(out + *pos, enc, len);
	*pos += len;
	out[*pos] = '\0';
	return 1;
}

int
term_width(const char *in)
{
	struct tchar t;
	int w = 0;

	for (; in != NULL && *in != '\0'; in += t.used) {
		next_char(in, &t);
		w += t.width;
	}
	return w;
}

int
term_safe(const char *in)
{
	struct tchar t;

	for (; in != NULL && *in != '\0'; in += t.used) {
		next_char(in, &t);
		if (t.replaced)
			return 0;
	}
	return 1;
}

int
term_clean(const char *in, char *out, size_t outlen)
{
	struct tchar t;
	size_t pos = 0;
	int w = 0;

	if (outlen > 0)
		out[0] = '\0';
	for (; in != NULL && *in != '\0'; in += t.used) {
		next_char(in, &t);
		if (!put(out, outlen, &pos, t.enc, t.len))
			break;
		w += t.width;
	}
	return w;
}

int
term_fit(const char *in, int cells, int pad, char *out, size_t outlen)
{
	struct tchar t;
	size_t pos = 0;
	int w = 0, full = term_width(in);
	/* clipped: keep one cell for the mark */
	int room = full > cells ? cells - 1 : cells;

	if (outlen > 0)
		out[0] = '\0';
	for (; in != NULL && *in != '\0'; in += t.used) {
		next_char(in, &t);
		if (w + t.width > room ||
		    !put(out, outlen, &pos, t.enc, t.len))
			break;
		w += t.width;
	}
	if (full > cells && cells > 0) {
		/* a wide character may leave a gap before the mark */
		while (pad && w < cells - 1 && put(out, outlen, &pos, " ", 1))
			w++;
		if (put(out, outlen, &pos, (char[]){ TERM_CLIPPED }, 1))
			w++;
	}
	while (pad && w < cells && put(out, outlen, &pos, " ", 1))
		w++;
	return w;
}

int
term_tail(const char *in, int cells, char *out, size_t outlen)
{
	struct tchar t;
	int excess = term_width(in) - cells;

	/* drop whole characters from the front until the rest fits */
	while (excess > 0 && in != NULL && *in != '\0') {
		next_char(in, &t);
		excess -= t.width;
		in += t.used;
	}
	return term_clean(in, out, outlen);
}
