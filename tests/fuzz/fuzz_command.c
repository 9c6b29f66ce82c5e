/* SPDX-License-Identifier: ISC */
/*
 * The command line's grammar: command_parse (shell/parse.c) on any
 * bytes, as "ssh bastion COMMAND" or the menu's prompt would hand it
 * over.  An accepted line must give the command table only what it
 * trusts: 1..maxwords words, each non-empty, of the command character
 * set, none starting with '-' (CVE-2017-8386), from a line of at most
 * CMD_MAX bytes.  A plain oracle says which lines are acceptable, so a
 * refusal of a good line fails too.  ':' and '/' pass for tickets
 * (DESIGN 1.11), and command_word_plain tells exactly those words apart.
 */
#include <string.h>

#include "shell.h"
#include "fuzz.h"

#define WORD_SET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-:/"

/* The words the grammar should find, or -1 when it should refuse. */
static int
oracle(const char *line, int maxwords)
{
	size_t i, len = strlen(line);
	int n = 0, start = 1;

	if (len > CMD_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (line[i] == ' ') {
			start = 1;
			continue;
		}
		if (strchr(WORD_SET, line[i]) == NULL)
			return -1;
		if (start && line[i] == '-')
			return -1;
		n += start;
		start = 0;
	}
	return n >= 1 && n <= maxwords ? n : -1;
}

static void
check_words(const char *line, char *copy, char **words, int n)
{
	size_t len = strlen(line), total = 0, wl;
	int i;

	FZ_CHECK(len <= CMD_MAX);
	for (i = 0; i < n; i++) {
		wl = strlen(words[i]);
		FZ_CHECK(wl > 0);
		FZ_CHECK(words[i][0] != '-');
		FZ_CHECK(strspn(words[i], WORD_SET) == wl);
		FZ_CHECK(command_word_plain(words[i]) ==
		    (strcspn(words[i], ":/") == wl));
		/* in place, in order, and the line's own bytes */
		FZ_CHECK(words[i] >= copy && words[i] + wl <= copy + len);
		FZ_CHECK(i == 0 || words[i] > words[i - 1]);
		FZ_CHECK(memcmp(words[i], line + (words[i] - copy), wl) == 0);
		total += wl;
	}
	FZ_CHECK(total + (size_t)n - 1 <= len);
}

static void
one(const char *line, int maxwords)
{
	char err[VG_ERRLEN], *words[CMD_WORDS + 1], *copy = strdup(line);
	int n, want = oracle(line, maxwords);

	FZ_CHECK(copy != NULL);
	memset(err, 0, sizeof(err));
	n = command_parse(copy, words, maxwords, err, sizeof(err));
	FZ_CHECK(n == want);
	if (n == -1) {
		/* one sentence for the operator, whole */
		FZ_CHECK(err[0] != '\0');
		FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FZ_CHECK(strchr(err, '\n') == NULL);
	} else {
		FZ_CHECK(n >= 1 && n <= maxwords);
		check_words(line, copy, words, n);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fz_string(data, size);
	int maxwords;

	for (maxwords = 1; maxwords <= CMD_WORDS + 1; maxwords++)
		one(line, maxwords);
	free(line);
	return 0;
}
