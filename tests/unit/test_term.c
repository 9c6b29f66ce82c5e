/* SPDX-License-Identifier: ISC */
/*
 * term: the terminal-injection set, UTF-8 edge cases, display widths and
 * clipping.  Each test names what an operator would see go wrong.
 */
#include "unit.h"

#include <locale.h>

#include "term.h"

/* The cleaned text must hold no byte a terminal would act on. */
static void
assert_inert(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		assert_true(*p >= 0x20);
		assert_true(*p != 0x7f);
	}
	assert_null(strstr(s, "\xc2\x9b"));		/* U+009B CSI */
	assert_null(strstr(s, "\xc2\x9d"));		/* U+009D OSC */
	assert_null(strstr(s, "\xe2\x80\xae"));		/* U+202E RLO */
}

static void
clean_is(const char *in, const char *want)
{
	char out[512];

	term_clean(in, out, sizeof(out));
	assert_string_equal(out, want);
	assert_inert(out);
}

static void
test_plain_text_unchanged(void **state)
{
	(void)state;
	clean_is("web frontend 1", "web frontend 1");
	clean_is("", "");
	clean_is("数据库 主机", "数据库 主机");
	assert_int_equal(term_width("web-1"), 5);
}

/* The injection set, each through the filter. */
static void
test_osc8_hyperlink(void **state)
{
	(void)state;
	clean_is("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
	    "?]8;;http://evil.example/?\\click?]8;;?\\");
}

static void
test_csi_clear_screen(void **state)
{
	(void)state;
	clean_is("a\x1b[2J\x1b[Hb", "a?[2J?[Hb");
}

static void
test_title_set(void **state)
{
	(void)state;
	clean_is("\x1b]0;PWNED\x07", "?]0;PWNED?");
	clean_is("\x1b]2;PWNED\x1b\\", "?]2;PWNED?\\");
}

static void
test_bell_and_carriage_return(void **state)
{
	(void)state;
	clean_is("ding\x07", "ding?");
	clean_is("safe text\rEVIL", "safe text?EVIL");
	clean_is("one\ntwo\tthree\bx", "one?two?three?x");
	clean_is("del\x7f", "del?");
}

static void
test_bidi_controls(void **state)
{
	static const char *bidi[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
		"\xe2\x80\xad", "\xe2\x80\xae",			/* 202A-E */
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
		"\xe2\x81\xa9",					/* 2066-9 */
		"\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c",	/* marks */
		"\xe2\x80\xa8", "\xe2\x80\xa9",			/* separators */
	};
	char in[32], want[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		snprintf(in, sizeof(in), "ab%scd", bidi[i]);
		snprintf(want, sizeof(want), "ab?cd");
		clean_is(in, want);
	}
	/* "exe.txt" shown reversed would read "txt.exe" */
	clean_is("invoice\xe2\x80\xaetxt.exe", "invoice?txt.exe");
	/* neighbours of the ranges are ordinary text */
	clean_is("\xe2\x80\xa9", "?");
	clean_is("\xe2\x80\xaf", "\xe2\x80\xaf");	/* U+202F NNBSP */
	clean_is("\xe2\x81\xa5", "\xe2\x81\xa5");	/* U+2065 */
}

static void
test_c1_controls(void **state)
{
	(void)state;
	/* as UTF-8 (U+009B CSI, U+009D OSC, U+009C ST) */
	clean_is("\xc2\x9b" "2J", "?2J");
	clean_is("\xc2\x9d" "0;t\xc2\x9c", "?0;t?");
	clean_is("\xc2\x80\xc2\x9f\xc2\xa0", "??\xc2\xa0");
	/* as raw 8-bit bytes, which are not UTF-8 at all */
	clean_is("\x9b" "2J\x9d" "0;t\x9c", "?2J?0;t?");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	clean_is("\xc0\x9b", "??");		/* overlong CSI */
	clean_is("\xe0\x80\x9b", "???");	/* overlong, 3 bytes */
	clean_is("\xc1\xbf", "??");
	clean_is("\xed\xa0\x80", "???");	/* a surrogate */
	clean_is("\xf4\x90\x80\x80", "????");	/* past U+10FFFF */
	clean_is("\xf5\x80", "??");
	clean_is("ab\xe4\xb8", "ab??");		/* cut off at the end */
	clean_is("\xe4" "x", "?x");		/* missing continuation */
	clean_is("\xff\xfe", "??");
	clean_is("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");	/* emoji */
}

static void
test_every_c0_byte(void **state)
{
	char in[2] = { 0, 0 }, out[8];
	int c;

	(void)state;
	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		assert_int_equal(term_clean(in, out, sizeof(out)), 1);
		assert_string_equal(out, "?");
	}
}

static void
test_small_buffer_keeps_whole_characters(void **state)
{
	char out[6];

	(void)state;
	/* "中文字" is 9 bytes: only one 3-byte character fits with its NUL */
	assert_int_equal(term_clean("中文字", out, 5), 2);
	assert_string_equal(out, "中");
	assert_int_equal(term_clean("abcdefgh", out, sizeof(out)), 5);
	assert_string_equal(out, "abcde");
	term_clean("x", out, 0);	/* must not write at all */
}

/* Widths: in a UTF-8 locale (wcwidth) and in C (the built-in table). */
static void
check_widths(void)
{
	assert_int_equal(term_width("中文"), 4);
	assert_int_equal(term_width("web 服务器"), 10);
	assert_int_equal(term_width("한국어"), 6);
	assert_int_equal(term_width("ｗｅｂ"), 6);		/* fullwidth */
	assert_int_equal(term_width("\x1b[2J"), 4);		/* ?[2J */
	assert_int_equal(term_width("\xe2\x80\xae"), 1);	/* ? */
	assert_int_equal(term_width("caf\xc3\xa9"), 4);
}

static void
test_width_utf8_locale(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	check_widths();
	assert_int_equal(term_width("e\xcc\x81"), 1);	/* combining */
}

static void
test_width_c_locale(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C"));
	check_widths();
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

static void
test_fit_clips_and_pads(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(term_fit("web frontend 1", 8, 0, out, sizeof(out)),
	    8);
	assert_string_equal(out, "web fro~");
	assert_int_equal(term_fit("web", 6, 1, out, sizeof(out)), 6);
	assert_string_equal(out, "web   ");
	assert_int_equal(term_fit("web", 3, 1, out, sizeof(out)), 3);
	assert_string_equal(out, "web");
	assert_int_equal(term_fit("web", 0, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
test_fit_never_splits_a_wide_character(void **state)
{
	char out[64];

	(void)state;
	/* 6 cells into 5: two characters, then the mark */
	assert_int_equal(term_fit("中文字", 5, 0, out, sizeof(out)), 5);
	assert_string_equal(out, "中文~");
	/* 6 cells into 4: one character, a gap when padding, the mark */
	assert_int_equal(term_fit("中文字", 4, 1, out, sizeof(out)), 4);
	assert_string_equal(out, "中 ~");
	assert_int_equal(term_fit("中文字", 4, 0, out, sizeof(out)), 3);
	assert_string_equal(out, "中~");
	assert_int_equal(term_fit("中文", 4, 1, out, sizeof(out)), 4);
	assert_string_equal(out, "中文");
}

static void
test_fit_cleans_too(void **state)
{
	char out[64];

	(void)state;
	term_fit("\x1b]2;PWNED\x07 tail", 40, 1, out, sizeof(out));
	assert_inert(out);
	assert_int_equal(term_width(out), 40);
	assert_non_null(strstr(out, "?]2;PWNED? tail"));
}

static void
test_tail_keeps_the_end(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(term_tail("abcdefgh", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "fgh");
	assert_int_equal(term_tail("ab", 3, out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(term_tail("中文字", 3, out, sizeof(out)), 2);
	assert_string_equal(out, "字");
	term_tail("\x1b[2Jxy", 3, out, sizeof(out));
	assert_string_equal(out, "Jxy");
}

static void
test_safe_tells_what_would_change(void **state)
{
	(void)state;
	assert_true(term_safe("https://g.example/index.html?vncUrl=a%25b"));
	assert_true(term_safe("中文 and a literal ?"));
	assert_true(term_safe(""));
	assert_false(term_safe("https://g.example/\x1b]8;;x"));
	assert_false(term_safe("a\xe2\x80\xae" "b"));
	assert_false(term_safe("a\xc2\x9b" "b"));
	assert_false(term_safe("a\xff" "b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_osc8_hyperlink),
		cmocka_unit_test(test_csi_clear_screen),
		cmocka_unit_test(test_title_set),
		cmocka_unit_test(test_bell_and_carriage_return),
		cmocka_unit_test(test_bidi_controls),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_every_c0_byte),
		cmocka_unit_test(test_small_buffer_keeps_whole_characters),
		cmocka_unit_test(test_width_utf8_locale),
		cmocka_unit_test(test_width_c_locale),
		cmocka_unit_test(test_fit_clips_and_pads),
		cmocka_unit_test(test_fit_never_splits_a_wide_character),
		cmocka_unit_test(test_fit_cleans_too),
		cmocka_unit_test(test_tail_keeps_the_end),
		cmocka_unit_test(test_safe_tells_what_would_change),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
