/* SPDX-License-Identifier: ISC */
/*
 * The grammar of a command line (DESIGN 1.3), apart from what the words
 * do (commands.c), so a fuzzer can reach it alone: at most CMD_MAX bytes
 * of a fixed character set, split on spaces, no word starting with '-'.
 * Only what passes here reaches the command table, and nothing ever
 * reaches a shell.  A ticket (DESIGN 1.11) may also hold ':' and '/'
 * (INC:42, CHG/7): they pass here, and the command table lets them
 * through only in a ticket's place (command_word_plain), so a target or
 * a command word keeps the narrow set.
 */
#include <string.h>

#include "shell.h"
#include "util.h"

#define CMD_SET		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._- :/"
#define TICKET_ONLY	":/"

/* Sentences the operator sees, in one place for the translators. */
#define M_TOO_LONG	N_("the command is too long (at most %d characters)")
#define M_BAD_CHARS	N_("the command may hold only letters, digits, " \
			"'.', '_', '-' and spaces; try \"help\"")
#define M_NO_COMMAND	N_("no command given; try \"help\"")
#define M_TOO_MANY	N_("too many words; try \"help\"")
#define M_DASH		N_("arguments may not start with '-'; try \"help\"")

int
command_word_plain(const char *w)
{
	return strpbrk(w, TICKET_ONLY) == NULL;
}

const char *
command_bad_chars(void)
{
	return _(M_BAD_CHARS);
}

/* Split line in place on spaces; -1 when there are more than max. */
static int
split(char *line, char **words, int max)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(line, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (n >= max)
			return -1;
		words[n++] = w;
	}
	return n;
}

int
command_parse(char *line, char **words, int maxwords, char *err,
    size_t errlen)
{
	size_t len = strlen(line);
	int i, n;

	/* bounded first: nothing below ever sees a long line */
	if (len > CMD_MAX) {
		vg_seterr(err, errlen, _(M_TOO_LONG), CMD_MAX);
		return -1;
	}
	if (strspn(line, CMD_SET) != len) {
		vg_seterr(err, errlen, _(M_BAD_CHARS));
		return -1;
	}
	if ((n = split(line, words, maxwords)) == 0) {
		vg_seterr(err, errlen, _(M_NO_COMMAND));
		return -1;
	}
	if (n == -1) {
		vg_seterr(err, errlen, _(M_TOO_MANY));
		return -1;
	}
	/* a leading '-' would be read as an option: CVE-2017-8386 */
	for (i = 0; i < n; i++)
		if (words[i][0] == '-') {
			vg_seterr(err, errlen, _(M_DASH));
			return -1;
		}
	return n;
}
