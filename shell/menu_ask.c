/* SPDX-License-Identifier: ISC */
/*
 * The menu's questions, on its side of the UI seam (struct ui): the
 * ticket (DESIGN 1.11), asked after the choice while ticket.mode is not
 * off or break-glass needs one, with its rule in the prompt and again
 * after a bad one; and break-glass's confirmation (DESIGN 1.12), which
 * only the word "yes" gives.
 *
 * A command runs with the terminal in its own mode (menu.c's run_line),
 * so the terminal edits the answer and echoes it; the idle alarm is
 * armed, and Ctrl-C is a SIGINT: either ends the read (no SA_RESTART)
 * and the question with it.  Keys typed ahead are discarded first
 * (DESIGN 1.2): a line typed before the question was shown is not its
 * answer, least of all a "yes".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"
#include "util.h"

/* Sentences the operator sees, in one place for the translators (po/). */
/* TRANSLATORS: the ticket prompt; %s is the rule ("matching ...") */
#define M_ASK_REQUIRED	N_("Ticket (required; %s): ")
#define M_ASK_OPTIONAL	N_("Ticket (optional, Enter for none; %s): ")
#define M_ASK_YES	N_("Type yes to open it as emergency access, " \
			"anything else cancels: ")
#define M_NO_ANSWER	N_("no answer: nothing was opened")

#define YES		"yes"	/* typed as is, in every language */

/*
 * One line from the terminal into buf (at most len - 1 bytes kept: a
 * longer answer stays longer than any ticket, and is not "yes").  -1
 * when the read ends without a line: end of file, a signal, an error.
 */
static int
ask(const char *prompt, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	tcflush(0, TCIFLUSH);
	fputs(prompt, stdout);
	fflush(stdout);
	while ((r = read(0, &c, 1)) == 1 && c != '\n')
		if (n + 1 < len)
			buf[n++] = c;
	buf[n] = '\0';
	if (r == 1)
		return 0;
	/* a signal says its own word (cancelled, idle); EOF needs one */
	printf("\n");
	fflush(stdout);
	if (r == 0 || errno != EINTR)
		warnx(_(M_NO_ANSWER));
	vg_wipe(buf, len);
	buf[0] = '\0';
	return -1;
}

int
menu_ticket(struct shell *sh, const char *why, int required, char *buf,
    size_t len)
{
	char rule[4 * 256 + 64], prompt[sizeof(rule) + 128];

	if (why != NULL)
		warnx("%s", why);
	ticket_rule(sh, rule, sizeof(rule));
	snprintf(prompt, sizeof(prompt), required ? _(M_ASK_REQUIRED) :
	    _(M_ASK_OPTIONAL), rule);
	return ask(prompt, buf, len) == 0 ? EXIT_OK : EXIT_USAGE;
}

int
menu_confirm(struct shell *sh, const struct vg_instance *inst,
    const char *rule)
{
	char answer[16];
	int yes;

	(void)sh;
	(void)inst;
	(void)rule;
	yes = ask(_(M_ASK_YES), answer, sizeof(answer)) == 0 &&
	    strcmp(answer, YES) == 0;
	vg_wipe(answer, sizeof(answer));
	return yes;
}
