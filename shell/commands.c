/* SPDX-License-Identifier: ISC */
/*
 * The command table (DESIGN 1.3), in the manner of git's shell.c: the
 * whole policy is this table.  A line is at most CMD_MAX bytes of a fixed
 * character set, split on spaces (command_parse, parse.c); nothing ever
 * reaches a shell.  The menu's prompt goes through the same table: the
 * same words work there, plus a few of the menu's own (l, r, q, ?,
 * /TEXT, in menu.c) that -c does not know.  What differs between the
 * menu and one command is behind the UI seam (struct ui, shell.h): the
 * commands call it, and never ask which one it is.
 */
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define HELP_COLUMN	20	/* cells for the usage column of help */

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The command words are never translated: they are the same in every
 * language, and so is the table's usage but for its placeholders.
 */
#define M_COMMANDS	N_("commands:\n")
#define M_CANCELLED	N_("cancelled")
#define M_BAD_TEXT	N_("the text may not hold control characters")
#define M_UNKNOWN	N_("unknown command \"%s\"; try \"help\"")
#define M_NARGS_TICKET	N_("\"%s\" takes one TARGET and maybe a ticket; " \
			"try \"help\"")
#define M_NARGS_NONE	N_("\"%s\" takes no argument; try \"help\"")
#define M_NO_WORD	N_("\"%s\" is neither a command nor an instance; " \
			"try \"help\"")
#define M_NO_TARGET	N_("there is no instance \"%s\"; try \"list\"")

static int cmd_list(struct shell *, const char *);
static int cmd_url(struct shell *, const char *);
static int cmd_qr(struct shell *, const char *);
static int cmd_version(struct shell *, const char *);

static const struct command commands[] = {
	{ "list", 0, 0, cmd_list, "list",
	    N_("the instances you may open") },
	{ "url", ARG_TICKET, 0, cmd_url, N_("url TARGET [TICKET]"),
	    N_("print the console URL of TARGET") },
	{ "qr", ARG_TICKET, 0, cmd_qr, N_("qr TARGET [TICKET]"),
	    N_("the QR code of TARGET's console URL, then the URL") },
	{ "help", 0, 0, command_help, "help", N_("this text") },
	{ "version", 0, 0, cmd_version, "version",
	    N_("the version of vncgate") },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
cmd_list(struct shell *sh, const char *arg)
{
	int rc;

	(void)arg;
	if ((rc = stepup_at(sh, STEPUP_LIST, NULL)) != EXIT_OK)
		return rc;
	return sh->ui->list(sh, NULL);
}

/*
 * Obtain, then show: the URL reaches stdout only after its record.  A
 * request the operator cancelled (the menu's Ctrl-C) said so already
 * when it was abandoned (EXIT_RUNTIME); a password prompt or a URL that
 * came anyway is dropped here.
 *
 * The target is resolved before anything else (DESIGN 1.3): a word that
 * names no instance (a typo, internal-sftp through ForceCommand) is a
 * usage error here, before any PAM conversation, so it never prompts,
 * never reads a password from stdin and never counts towards a
 * pam_faillock lockout; and no record holds what was typed, which may
 * be a password typed ahead.
 */
int
command_issue(struct shell *sh, const char *typed, const char *ticket,
    enum show_how how)
{
	const struct vg_instance *inst = NULL;
	const char *target = typed;
	char *url = NULL;
	int rc;

	if ((rc = sh->ui->resolve(sh, typed, &inst, &target)) != EXIT_OK)
		return rc;
	if (inst == NULL) {
		warnx(how == SHOW_TARGET ? _(M_NO_WORD) : _(M_NO_TARGET),
		    typed);
		return EXIT_USAGE;
	}
	rc = issue_obtain(sh, target, ticket, inst, how, &url);
	if (sh->ui->cancelled(sh)) {
		if (rc != EXIT_RUNTIME)
			warnx(_(M_CANCELLED));
		vg_freestr(url);
		return EXIT_USAGE;
	}
	if (rc == EXIT_OK && (rc = show_url(sh, url, how)) == EXIT_OK)
		sh->ui->shown(sh);
	vg_freestr(url);
	return rc;
}

/* arg is "TARGET" or "TARGET TICKET" (ARG_TICKET, dispatch). */
static int
issue_words(struct shell *sh, const char *arg, enum show_how how)
{
	char buf[CMD_MAX + 1], *ticket;

	vg_strlcpy(buf, arg, sizeof(buf));
	if ((ticket = strchr(buf, ' ')) != NULL)
		*ticket++ = '\0';
	return command_issue(sh, buf, ticket, how);
}

static int
cmd_url(struct shell *sh, const char *arg)
{
	return issue_words(sh, arg, SHOW_URL_LINE);
}

static int
cmd_qr(struct shell *sh, const char *arg)
{
	return issue_words(sh, arg, SHOW_QR);
}

/* One help line; the usage padded in cells, as a translation may be CJK. */
static void
help_line(const char *usage, const char *text)
{
	char col[4 * HELP_COLUMN + 1];

	if (usage == NULL)
		return;
	term_fit(_(usage), HELP_COLUMN, 1, col, sizeof(col));
	printf("  %s %s\n", col, _(text));
}

static void
help_table(const struct command *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		help_line(v[i].usage, v[i].help);
}

int
command_help(struct shell *sh, const char *arg)
{
	const struct ui *ui = sh->ui;

	(void)arg;
	fputs(_(M_COMMANDS), stdout);
	help_line(ui->help_first.usage, ui->help_first.text);
	help_table(commands, NCOMMANDS);
	help_table(ui->words, ui->nwords);
	help_line(ui->help_last.usage, ui->help_last.text);
	fputs(_(ui->help_note), stdout);
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

/* A word of v (never a prefix or a whole-line word); NULL when none. */
static const struct command *
find(const struct command *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].nargs != ARG_REST && !v[i].whole &&
		    strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* The table's words first, then the UI's own. */
static const struct command *
lookup(const struct shell *sh, const char *name)
{
	const struct command *c = find(commands, NCOMMANDS, name);

	return c != NULL ? c : find(sh->ui->words, sh->ui->nwords, name);
}

/* The words before a ticket keep the command charset (parse.c). */
static int
plain_words(char **words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!command_word_plain(words[i])) {
			warnx("%s", command_bad_chars());
			return 0;
		}
	return 1;
}

/* TARGET [TICKET]: the target plain, the ticket checked by issue.c. */
static int
run_ticketed(struct shell *sh, const struct command *c, char **words, int n)
{
	char arg[CMD_MAX + 1];

	if (n != 2 && n != 3) {
		warnx(_(M_NARGS_TICKET), c->name);
		return EXIT_USAGE;
	}
	if (!plain_words(words, 2))
		return EXIT_USAGE;
	snprintf(arg, sizeof(arg), "%s%s%s", words[1], n == 3 ? " " : "",
	    n == 3 ? words[2] : "");
	return c->run(sh, arg);
}

static int
dispatch(struct shell *sh, char **words, int n)
{
	const struct command *c = lookup(sh, words[0]);

	if (c != NULL && c->nargs == ARG_TICKET)
		return run_ticketed(sh, c, words, n);
	/* a bare TARGET, maybe with a ticket: "web-1 INC-1234" */
	if (c == NULL && n <= 2)
		return plain_words(words, 1) ? command_issue(sh, words[0],
		    n == 2 ? words[1] : NULL, SHOW_TARGET) : EXIT_USAGE;
	if (!plain_words(words, n))
		return EXIT_USAGE;
	if (c == NULL) {
		warnx(_(M_UNKNOWN), words[0]);
		return EXIT_USAGE;
	}
	/* the table's other words take no argument (ARG_REST: prefixed) */
	if (n - 1 != c->nargs) {
		warnx(_(M_NARGS_NONE), c->name);
		return EXIT_USAGE;
	}
	return c->run(sh, n > 1 ? words[1] : NULL);
}

/*
 * The UI's words that are not words: "?" alone, "/TEXT".  The text is
 * matched against the table only, never run; control bytes are still
 * refused, as the line editor never lets one in.
 */
static const struct command *
prefixed(const struct shell *sh, const char *line, const char **arg)
{
	const struct command *v = sh->ui->words;
	size_t i, n;

	for (i = 0; i < sh->ui->nwords; i++) {
		n = strlen(v[i].name);
		if (v[i].nargs == ARG_REST &&
		    strncmp(line, v[i].name, n) == 0) {
			*arg = line + n;
			return &v[i];
		}
		if (v[i].whole && strcmp(line, v[i].name) == 0) {
			*arg = NULL;
			return &v[i];
		}
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
			warnx(_(M_BAD_TEXT));
			return EXIT_USAGE;
		}
		return c->run(sh, arg);
	}
	/* a longer line keeps CMD_MAX + 1 bytes: still too long for it */
	vg_strlcpy(buf, line, sizeof(buf));
	if ((n = command_parse(buf, words, CMD_WORDS, err, sizeof(err))) ==
	    -1) {
		warnx("%s", err);
		return EXIT_USAGE;
	}
	return dispatch(sh, words, n);
}
