/* SPDX-License-Identifier: ISC */
/*
 * The command table (DESIGN 1.3), in the manner of git's shell.c: the
 * whole policy is this table.  A line is at most CMD_MAX bytes of a fixed
 * character set, split on spaces (command_parse, parse.c); nothing ever
 * reaches a shell.  The menu's prompt goes through the same table: the
 * same words work there, plus a few of its own (l, r, q, ?, /TEXT) that
 * -c does not know.
 */
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define HELP_COLUMN	20	/* cells for the usage column of help */
#define ARG_REST	-1	/* the name is a prefix, the rest is text */

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The command words are never translated: they are the same in every
 * language, and so is the table's usage but for its placeholders.
 */
#define M_COMMANDS	N_("commands:\n")
/* TRANSLATORS: the placeholder of "url TARGET" and "qr TARGET" */
#define M_TARGET_CMD	N_("TARGET")
#define M_TARGET_HELP	N_("the same as url TARGET")
#define M_TARGET_NOTE	N_("TARGET is an instance name or ID from " \
			"\"list\".\n")
#define M_MENU_TARGET	N_("NUMBER, NAME or ID")
#define M_MENU_TGT_HELP	N_("open that console: the decision, the URL, " \
			"the QR code")
#define M_MENU_NOTE	N_("Ctrl-C cancels the line or the request; " \
			"Ctrl-D quits.\n")
#define M_BAD_TEXT	N_("the text may not hold control characters")
#define M_UNKNOWN	N_("unknown command \"%s\"; try \"help\"")
#define M_NARGS_ONE	N_("\"%s\" takes one TARGET; try \"help\"")
#define M_NARGS_NONE	N_("\"%s\" takes no argument; try \"help\"")

struct command {
	const char	*name;
	int		 nargs;		/* 0, 1 or ARG_REST */
	int		 auth;		/* -c: the PAM step-up first */
	int		 menu;		/* only at the menu's prompt */
	int		(*run)(struct shell *, const char *arg);
	const char	*usage;		/* for help; NULL: an alias */
	const char	*help;		/* both N_(): translated when shown */
};

static int cmd_list(struct shell *, const char *);
static int cmd_url(struct shell *, const char *);
static int cmd_qr(struct shell *, const char *);
static int cmd_help(struct shell *, const char *);
static int cmd_version(struct shell *, const char *);
static int cmd_filter(struct shell *, const char *);
static int cmd_reissue(struct shell *, const char *);
static int cmd_quit(struct shell *, const char *);

static const struct command commands[] = {
	{ "list", 0, 1, 0, cmd_list, "list",
	    N_("the instances you may open") },
	/* url and qr do their own step-up: PAM learns the instance */
	{ "url", 1, 0, 0, cmd_url, N_("url TARGET"),
	    N_("print the console URL of TARGET") },
	{ "qr", 1, 0, 0, cmd_qr, N_("qr TARGET"),
	    N_("the QR code of TARGET's console URL, then the URL") },
	{ "help", 0, 0, 0, cmd_help, "help", N_("this text") },
	{ "version", 0, 0, 0, cmd_version, "version",
	    N_("the version of vncgate") },
	{ "/", ARG_REST, 0, 1, cmd_filter, N_("/TEXT"),
	    N_("the instances whose name, ID or description holds TEXT") },
	{ "l", 0, 0, 1, cmd_list, "l", N_("the list again") },
	{ "r", 0, 0, 1, cmd_reissue, "r",
	    N_("a new URL for the last instance") },
	{ "?", 0, 0, 1, cmd_help, "?", N_("this text") },
	{ "q", 0, 0, 1, cmd_quit, "q", N_("quit (Ctrl-D too)") },
	{ "quit", 0, 0, 1, cmd_quit, NULL, NULL },
	{ "exit", 0, 0, 1, cmd_quit, NULL, NULL },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
cmd_list(struct shell *sh, const char *arg)
{
	(void)arg;
	return sh->menu != NULL ? menu_list(sh, NULL) : list_instances(sh);
}

/* Obtain, then show: the URL reaches stdout only after its record. */
static int
issue_and_show(struct shell *sh, const char *target, enum show_how how)
{
	char *url = NULL;
	int rc;

	if (sh->menu != NULL)
		return menu_issue(sh, target, how);
	if ((rc = issue_obtain(sh, target, 1, &url)) == EXIT_OK)
		rc = show_url(sh, url, how);
	vg_freestr(url);
	return rc;
}

static int
cmd_url(struct shell *sh, const char *target)
{
	return issue_and_show(sh, target, SHOW_URL_LINE);
}

static int
cmd_qr(struct shell *sh, const char *target)
{
	return issue_and_show(sh, target, SHOW_QR);
}

static int
cmd_filter(struct shell *sh, const char *text)
{
	return menu_list(sh, text);
}

static int
cmd_reissue(struct shell *sh, const char *arg)
{
	(void)arg;
	return menu_reissue(sh);
}

static int
cmd_quit(struct shell *sh, const char *arg)
{
	(void)arg;
	sh->menu->end = "quit";
	return EXIT_OK;
}

/* One help line; the usage padded in cells, as a translation may be CJK. */
static void
help_line(const char *usage, const char *text)
{
	char col[4 * HELP_COLUMN + 1];

	term_fit(_(usage), HELP_COLUMN, 1, col, sizeof(col));
	printf("  %s %s\n", col, _(text));
}

static int
cmd_help(struct shell *sh, const char *arg)
{
	int menu = sh->menu != NULL;
	size_t i;

	(void)arg;
	fputs(_(M_COMMANDS), stdout);
	if (menu)
		help_line(M_MENU_TARGET, M_MENU_TGT_HELP);
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage != NULL && (menu || !commands[i].menu))
			help_line(commands[i].usage, commands[i].help);
	if (menu)
		fputs(_(M_MENU_NOTE), stdout);
	else {
		help_line(M_TARGET_CMD, M_TARGET_HELP);
		fputs(_(M_TARGET_NOTE), stdout);
	}
	return EXIT_OK;
}

static int
cmd_version(struct shell *sh, const char *arg)
{
	(void)sh;
	(void)arg;
	printf("vncgate-shell %s\n", VG_VERSION);
	return EXIT_OK;
}

static const struct command *
lookup(const struct shell *sh, const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].nargs != ARG_REST &&
		    strcmp(commands[i].name, name) == 0 &&
		    (sh->menu != NULL || !commands[i].menu))
			return &commands[i];
	return NULL;
}

static int
dispatch(struct shell *sh, char **words, int n)
{
	const struct command *c = lookup(sh, words[0]);

	if (c == NULL && n == 1)
		return issue_and_show(sh, words[0], SHOW_TARGET);
	if (c == NULL) {
		say(_(M_UNKNOWN), words[0]);
		return EXIT_USAGE;
	}
	if (n - 1 != c->nargs) {
		say(c->nargs ? _(M_NARGS_ONE) : _(M_NARGS_NONE), c->name);
		return EXIT_USAGE;
	}
	/* the menu asked PAM at its start (reauth = login) */
	if (c->auth && sh->menu == NULL && pam_step_up(sh, NULL) != EXIT_OK)
		return EXIT_DENIED;
	return c->run(sh, n > 1 ? words[1] : NULL);
}

/*
 * The menu's words that are not words: "?" alone, "/TEXT".  The text is
 * matched against the table only, never run; control bytes are still
 * refused, as the line editor never lets one in.
 */
static const struct command *
prefixed(const struct shell *sh, const char *line, const char **arg)
{
	size_t i, n;

	if (sh->menu == NULL)
		return NULL;
	for (i = 0; i < NCOMMANDS; i++) {
		n = strlen(commands[i].name);
		if (commands[i].nargs == ARG_REST &&
		    strncmp(line, commands[i].name, n) == 0) {
			*arg = line + n;
			return &commands[i];
		}
	}
	if (strcmp(line, "?") == 0) {
		*arg = NULL;
		return lookup(sh, "?");
	}
	return NULL;
}

static int
has_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
command_run(struct shell *sh, const char *line)
{
	char buf[CMD_MAX + 2], err[VG_ERRLEN], *words[CMD_WORDS];
	const struct command *c;
	const char *arg = NULL;
	int n;

	if ((c = prefixed(sh, line, &arg)) != NULL) {
		if (strlen(line) > CMD_MAX || (arg && has_controls(arg))) {
			say(_(M_BAD_TEXT));
			return EXIT_USAGE;
		}
		return c->run(sh, arg);
	}
	/* a longer line keeps CMD_MAX + 1 bytes: still too long for it */
	vg_strlcpy(buf, line, sizeof(buf));
	if ((n = command_parse(buf, words, CMD_WORDS, err, sizeof(err))) ==
	    -1) {
		say("%s", err);
		return EXIT_USAGE;
	}
	return dispatch(sh, words, n);
}
