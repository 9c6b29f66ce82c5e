/*
 * The command table (DESIGN 1.3), in the manner of git's shell.c: the
 * whole policy is this table.  A line is at most CMD_MAX bytes of a fixed
 * character set, split on spaces; nothing ever reaches a shell.  The
 * menu's prompt goes through the same table: the same words work there,
 * plus a few of its own (l, r, q, ?, /TEXT) that -c does not know.
 */
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define CMD_SET		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._- "
#define MAX_WORDS	2
#define HELP_COLUMN	20	/* cells for the usage column of help */
#define ARG_REST	-1	/* the name is a prefix, the rest is text */

/* Sentences the operator sees, in one place for the translators. */
#define M_COMMANDS	"commands:\n"
#define M_TARGET_CMD	"TARGET"
#define M_TARGET_HELP	"the same as url TARGET"
#define M_TARGET_NOTE	"TARGET is an instance name or ID from \"list\".\n"
#define M_MENU_TARGET	"NUMBER, NAME or ID"
#define M_MENU_TGT_HELP	"open that console: the decision, the URL, the " \
			"QR code"
#define M_MENU_NOTE	"Ctrl-C cancels the line or the request; Ctrl-D " \
			"quits.\n"
#define M_TOO_LONG	"the command is too long (at most %d characters)"
#define M_BAD_CHARS	"the command may hold only letters, digits, '.', " \
			"'_', '-' and spaces; try \"help\""
#define M_BAD_TEXT	"the text may not hold control characters"
#define M_NO_COMMAND	"no command given; try \"help\""
#define M_TOO_MANY	"too many words; try \"help\""
#define M_DASH		"arguments may not start with '-'; try \"help\""
#define M_UNKNOWN	"unknown command \"%s\"; try \"help\""
#define M_NARGS		"\"%s\" takes %s; try \"help\""
#define M_ONE_TARGET	"one TARGET"
#define M_NO_ARG	"no argument"

struct command {
	const char	*name;
	int		 nargs;		/* 0, 1 or ARG_REST */
	int		 auth;		/* -c: the PAM step-up first */
	int		 menu;		/* only at the menu's prompt */
	int		(*run)(struct shell *, const char *arg);
	const char	*usage;		/* for help; NULL: an alias */
	const char	*help;
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
	{ "list", 0, 1, 0, cmd_list, "list", "the instances you may open" },
	/* url and qr do their own step-up: PAM learns the instance */
	{ "url", 1, 0, 0, cmd_url, "url TARGET",
	    "print the console URL of TARGET" },
	{ "qr", 1, 0, 0, cmd_qr, "qr TARGET",
	    "the QR code of TARGET's console URL, then the URL" },
	{ "help", 0, 0, 0, cmd_help, "help", "this text" },
	{ "version", 0, 0, 0, cmd_version, "version",
	    "the version of vncgate" },
	{ "/", ARG_REST, 0, 1, cmd_filter, "/TEXT",
	    "the instances whose name, ID or description holds TEXT" },
	{ "l", 0, 0, 1, cmd_list, "l", "the list again" },
	{ "r", 0, 0, 1, cmd_reissue, "r",
	    "a new URL for the last instance" },
	{ "?", 0, 0, 1, cmd_help, "?", "this text" },
	{ "q", 0, 0, 1, cmd_quit, "q", "quit (Ctrl-D too)" },
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

	term_fit(usage, HELP_COLUMN, 1, col, sizeof(col));
	printf("  %s %s\n", col, text);
}

static int
cmd_help(struct shell *sh, const char *arg)
{
	int menu = sh->menu != NULL;
	size_t i;

	(void)arg;
	fputs(M_COMMANDS, stdout);
	if (menu)
		help_line(M_MENU_TARGET, M_MENU_TGT_HELP);
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage != NULL && (menu || !commands[i].menu))
			help_line(commands[i].usage, commands[i].help);
	if (menu)
		fputs(M_MENU_NOTE, stdout);
	else {
		help_line(M_TARGET_CMD, M_TARGET_HELP);
		fputs(M_TARGET_NOTE, stdout);
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

/* Split line into at most MAX_WORDS words; -1 when there are more. */
static int
split(char *line, char **words)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(line, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (n == MAX_WORDS)
			return -1;
		words[n++] = w;
	}
	return n;
}

static int
check_line(const char *line)
{
	size_t n = strlen(line);

	if (n > CMD_MAX) {
		say(M_TOO_LONG, CMD_MAX);
		return -1;
	}
	if (strspn(line, CMD_SET) != n) {
		say(M_BAD_CHARS);
		return -1;
	}
	return 0;
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
	int i;

	/* a leading '-' would be read as an option: CVE-2017-8386 */
	for (i = 0; i < n; i++)
		if (words[i][0] == '-') {
			say(M_DASH);
			return EXIT_USAGE;
		}
	if (c == NULL && n == 1)
		return issue_and_show(sh, words[0], SHOW_TARGET);
	if (c == NULL) {
		say(M_UNKNOWN, words[0]);
		return EXIT_USAGE;
	}
	if (n - 1 != c->nargs) {
		say(M_NARGS, c->name, c->nargs ? M_ONE_TARGET : M_NO_ARG);
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
	char buf[CMD_MAX + 1], *words[MAX_WORDS];
	const struct command *c;
	const char *arg = NULL;
	int n;

	if ((c = prefixed(sh, line, &arg)) != NULL) {
		if (strlen(line) > CMD_MAX || (arg && has_controls(arg))) {
			say(M_BAD_TEXT);
			return EXIT_USAGE;
		}
		return c->run(sh, arg);
	}
	if (check_line(line) == -1)
		return EXIT_USAGE;
	vg_strlcpy(buf, line, sizeof(buf));
	if ((n = split(buf, words)) == 0) {
		say(M_NO_COMMAND);
		return EXIT_USAGE;
	}
	if (n == -1) {
		say(M_TOO_MANY);
		return EXIT_USAGE;
	}
	return dispatch(sh, words, n);
}
