/*
 * The command table (DESIGN 1.3), in the manner of git's shell.c: the
 * whole policy is this table.  A line is at most CMD_MAX bytes of a fixed
 * character set, split on spaces; nothing ever reaches a shell.
 */
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "util.h"

#define CMD_SET		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._- "
#define MAX_WORDS	2

struct command {
	const char	*name;
	int		 nargs;
	int		 auth;		/* needs the PAM step-up first */
	int		(*run)(struct shell *, const char *arg);
	const char	*help;
};

static int cmd_list(struct shell *, const char *);
static int cmd_url(struct shell *, const char *);
static int cmd_help(struct shell *, const char *);
static int cmd_version(struct shell *, const char *);

static const struct command commands[] = {
	{ "list", 0, 1, cmd_list, "the instances you may open" },
	/* url does its own step-up: PAM learns the instance (reauth) */
	{ "url", 1, 0, cmd_url, "print the console URL of TARGET" },
	{ "help", 0, 0, cmd_help, "this text" },
	{ "version", 0, 0, cmd_version, "the version of vncgate" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
cmd_list(struct shell *sh, const char *arg)
{
	(void)arg;
	return list_instances(sh);
}

/* Obtain, then show: the URL reaches stdout only after its record. */
static int
issue_and_show(struct shell *sh, const char *target, enum show_how how)
{
	char *url = NULL;
	int rc;

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
cmd_help(struct shell *sh, const char *arg)
{
	size_t i;

	(void)sh;
	(void)arg;
	printf("commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-8s %s %s\n", commands[i].name,
		    commands[i].nargs ? "TARGET" : "      ", commands[i].help);
	printf("  TARGET                the same as url TARGET\n"
	    "TARGET is an instance name or ID from \"list\".\n");
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
		say("the command is too long (at most %d characters)", CMD_MAX);
		return -1;
	}
	if (strspn(line, CMD_SET) != n) {
		say("the command may hold only letters, digits, '.', '_', "
		    "'-' and spaces; try \"help\"");
		return -1;
	}
	return 0;
}

static const struct command *
lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
dispatch(struct shell *sh, char **words, int n)
{
	const struct command *c = lookup(words[0]);
	int i;

	/* a leading '-' would be read as an option: CVE-2017-8386 */
	for (i = 0; i < n; i++)
		if (words[i][0] == '-') {
			say("arguments may not start with '-'; try \"help\"");
			return EXIT_USAGE;
		}
	if (c == NULL && n == 1)
		return issue_and_show(sh, words[0], SHOW_TARGET);
	if (c == NULL) {
		say("unknown command \"%s\"; try \"help\"", words[0]);
		return EXIT_USAGE;
	}
	if (n - 1 != c->nargs) {
		say("\"%s\" takes %s; try \"help\"", c->name,
		    c->nargs ? "one TARGET" : "no argument");
		return EXIT_USAGE;
	}
	if (c->auth && pam_step_up(sh, NULL) != EXIT_OK)
		return EXIT_DENIED;
	return c->run(sh, n > 1 ? words[1] : NULL);
}

int
command_run(struct shell *sh, const char *line)
{
	char buf[CMD_MAX + 1], *words[MAX_WORDS];
	int n;

	if (check_line(line) == -1)
		return EXIT_USAGE;
	vg_strlcpy(buf, line, sizeof(buf));
	if ((n = split(buf, words)) == 0) {
		say("no command given; try \"help\"");
		return EXIT_USAGE;
	}
	if (n == -1) {
		say("too many words; try \"help\"");
		return EXIT_USAGE;
	}
	return dispatch(sh, words, n);
}
