/* SPDX-License-Identifier: ISC */
/*
 * vncgate-shell: the operator's login shell (DESIGN 1.3, 2.2).
 *
 * main() is the list of steps: sanitise the process, read the arguments,
 * load config and ACL, then run one command or the menu.
 * Nothing here ever starts another program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cloud.h"
#include "shell.h"
#include "util.h"

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The usage's syntax is not translated, only the word before it; -f
 * belongs to -t, the admin's, which stays English like its diagnostics.
 */
#define M_NO_TTY	N_("the menu needs a terminal: use \"ssh -t " \
			"bastion\", or give a command such as \"ssh " \
			"bastion list\"")
#define M_USAGE		N_("usage: %s\n")
#define M_FORCED_LONG	N_("the command is too long")
#define USAGE "vncgate-shell [-c COMMAND | -t [-f FILE] " \
	"[-C user=U,instance=T[,from=ADDR][,at=YYYY-MM-DDTHH:MM]] | " \
	"-S [-f FILE] | -V]"

enum action { ACT_MENU, ACT_COMMAND, ACT_CHECK, ACT_SYNC, ACT_VERSION,
    ACT_USAGE };

struct args {
	enum action	 action;
	const char	*command;	/* -c */
	const char	*file;		/* -f */
	const char	*explain;	/* -C */
};

/*
 * Strict, by hand: no getopt permutation, no clustering, no "--".
 * A login shell gets argv[0] "-vncgate-shell" and no arguments.
 */
static enum action
parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (argc <= 1)
		return a->action = ACT_MENU;
	if (argc == 2 && strcmp(argv[1], "-V") == 0)
		return a->action = ACT_VERSION;
	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		a->command = argv[2];
		return a->action = ACT_COMMAND;
	}
	if (strcmp(argv[1], "-S") == 0) {
		if (argc == 2 || (argc == 4 && strcmp(argv[2], "-f") == 0)) {
			a->file = argc == 4 ? argv[3] : NULL;
			return a->action = ACT_SYNC;
		}
		return a->action = ACT_USAGE;
	}
	if (strcmp(argv[1], "-t") != 0)
		return a->action = ACT_USAGE;
	for (i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			return a->action = ACT_USAGE;
		if (strcmp(argv[i], "-f") == 0 && a->file == NULL)
			a->file = argv[i + 1];
		else if (strcmp(argv[i], "-C") == 0 && a->explain == NULL)
			a->explain = argv[i + 1];
		else
			return a->action = ACT_USAGE;
	}
	return a->action = ACT_CHECK;
}

static const char *
config_path(struct shell *sh, const char *file)
{
	/* setgid: -f and VNCGATE_CONFIG could point at a forged file */
	if (sh->privileged && file != NULL)
		warnx("-f is ignored: this vncgate-shell is privileged");
	if (sh->privileged)
		return VG_DEFAULT_CONFIG;
	if (file != NULL)
		return file;
	return sh->env.config != NULL ? sh->env.config : VG_DEFAULT_CONFIG;
}

/* Is this -c string our own path (sshd's ForceCommand)? */
static int
is_own_path(const char *cmd)
{
	char self[PATH_MAX];
	ssize_t n;

	if (strcmp(cmd, SBINDIR "/vncgate-shell") == 0)
		return 1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = '\0';
	return strcmp(cmd, self) == 0;
}

/* The menu needs a terminal both ways: it reads keys and draws. */
static int
run_menu(struct shell *sh)
{
	sh->mode = "menu";
	log_shell(sh, "shell_start", "login");
	if (!isatty(0) || !isatty(1)) {
		warnx(_(M_NO_TTY));
		log_shell(sh, "shell_end", "usage");
		return EXIT_USAGE;
	}
	return menu_run(sh);
}

static int
run_command(struct shell *sh, const char *cmd)
{
	int rc;

	if (is_own_path(cmd)) {
		if (sh->env.original_bad) {
			sh->mode = "command";
			log_shell(sh, "shell_start", "forced");
			warnx(_(M_FORCED_LONG));
			log_shell(sh, "shell_end", "usage");
			return EXIT_USAGE;
		}
		if (sh->env.original_command == NULL)
			return run_menu(sh);
		cmd = sh->env.original_command;
	}
	sh->ui = &command_ui;
	sh->mode = "command";
	log_shell(sh, "shell_start", "command");
	rc = command_run(sh, cmd);
	log_shell(sh, "shell_end", rc == EXIT_OK ? "ok" :
	    rc == EXIT_USAGE ? "usage" : rc == EXIT_DENIED ? "denied" :
	    rc == EXIT_CONFIG ? "config" : "error");
	return rc;
}

/*
 * The source address first (the session record: it needs the config),
 * then the menu or one command.
 */
static int
run(struct shell *sh, const struct args *a)
{
	int rc;

	load_source(sh);
	if (a->action == ACT_SYNC)
		return sync_mode(sh);
	/* a refresh that failed leaves the last good cache: go on */
	(void)discovery_load(sh, 0, NULL);
	if ((rc = issue_unreached(sh)) != EXIT_OK)
		return rc;
	if (a->action == ACT_MENU)
		return run_menu(sh);
	return run_command(sh, a->command);
}

static void
shell_free(struct shell *sh)
{
	creds_clear(&sh->creds);
	http_client_free(sh->http);
	acl_free(sh->acl);
	if (sh->conf_loaded)
		conf_free(&sh->conf);
	acl_groups_free(sh->groups);
	log_close(sh);
	env_free(&sh->env);
	i18n_end();
}

int
main(int argc, char **argv)
{
	struct shell sh;
	struct args a;
	int rc;

	/*
	 * 0. secrets: jansson's frees wipe from now on (lib/wipe.h), before
	 * it allocates.  libcurl's do once the first client is made
	 * (issue.c): starting libcurl costs milliseconds that list and help
	 * need not pay.
	 */
	cloud_json_wipe();

	/*
	 * warnx's "vncgate: ", whatever name sshd or login gave us.  glibc's
	 * syslog(3) takes the same name as the ident of what PAM modules
	 * log in this process (pam_unix's failures), and a line tagged
	 * "vncgate" is a record that verify --against holds to the chain:
	 * those lines keep the name we were run by, fixed first by openlog
	 * (which opens no socket yet).  The shell's own records have their
	 * own socket (lib/audit_syslog.c).
	 */
	openlog(program_invocation_short_name, 0, LOG_USER);
	program_invocation_short_name = (char *)"vncgate";
	memset(&sh, 0, sizeof(sh));
	sh.mode = "command";
	env_sanitise(&sh);				/* 1. hygiene */
	output_init();
	i18n_init(sh.env.localedir != NULL ?		/*    language */
	    sh.env.localedir : LOCALEDIR);
	log_open(&sh);					/* 2. audit sink */
	if (load_identity(&sh) == -1) {			/* 3. who */
		shell_free(&sh);
		return EXIT_RUNTIME;
	}
	switch (parse_args(argc, argv, &a)) {		/* 4. what */
	case ACT_VERSION:
		printf("vncgate-shell %s\n", VG_VERSION);
		rc = EXIT_OK;
		break;
	case ACT_USAGE:
		log_shell(&sh, "shell_start", "arguments");
		fprintf(stderr, _(M_USAGE), USAGE);
		log_shell(&sh, "shell_end", "usage");
		rc = EXIT_USAGE;
		break;
	default:
		secfile_policy_default(&sh.policy, sh.privileged);
		sh.config_path = config_path(&sh, a.file);
		if (a.action == ACT_CHECK)		/* 5. -t */
			rc = check_mode(&sh, a.explain);
		else if (load_config(&sh, 0) == -1)	/* 5. config */
			rc = EXIT_CONFIG;
		else					/* 6. menu, command */
			rc = run(&sh, &a);
	}
	shell_free(&sh);
	if (fflush(stdout) == EOF && rc == EXIT_OK)
		rc = EXIT_RUNTIME;
	output_wipe();
	return rc;
}
