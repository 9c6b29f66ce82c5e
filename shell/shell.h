/*
 * vncgate-shell: the operator's login shell.  One context for the run,
 * filled step by step by main() (DESIGN 2.2).
 */
#ifndef VG_SHELL_H
#define VG_SHELL_H

#include <sys/types.h>

#include "acl.h"
#include "audit.h"
#include "conf.h"
#include "creds.h"
#include "http.h"

/* Exit codes of DESIGN 1.4. */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_DENIED = 3,
	EXIT_CONFIG = 4,
};

#define CMD_MAX		256	/* longest command line accepted */

/* What the environment told us, read once and validated (env.c). */
struct shell_env {
	char	rhost[64];		/* from SSH_CONNECTION, "" if none */
	char	rport[8];
	char	session[33];		/* VNCGATE_SESSION or our own */
	char	*original_command;	/* SSH_ORIGINAL_COMMAND or NULL */
	int	 original_bad;		/* set but not acceptable */
	char	*config;		/* VNCGATE_CONFIG (unprivileged) */
	char	*syslog_path;		/* VNCGATE_SYSLOG_SOCKET (unprivileged) */
};

struct shell {
	int			 privileged;	/* AT_SECURE: setgid */
	struct shell_env	 env;
	const char		*config_path;
	struct vg_conf		 conf;
	int			 conf_loaded;
	struct vg_acl		*acl;
	struct secfile_policy	 policy;

	char			 user[64];
	char			**groups;
	size_t			 ngroups;

	struct audit_log	 log;
	struct audit_syslog	 syslog;
	const char		*mode;		/* "command" or "menu" */

	struct http_client	*http;
	struct creds_ctx	 creds;
};

/* env.c */
void	env_sanitise(struct shell *);
void	env_free(struct shell_env *);

/* log.c: every record goes through here */
void	log_open(struct shell *);
int	log_emit(struct shell *, struct audit_rec *);
void	log_config_error(struct shell *, const struct vg_diags *);
void	log_shell(struct shell *, const char *event, const char *reason);
void	log_close(struct shell *);

/* load.c */
int	load_config(struct shell *, int quiet);
int	load_identity(struct shell *);

/* check.c: -t and -t -C */
int	check_mode(struct shell *, const char *explain);

/* pam.c */
int	pam_step_up(struct shell *, const struct vg_instance *);

/* commands.c */
int	command_run(struct shell *, const char *line);

/*
 * issue.c: one issuance.  step_up: ask PAM first (with the instance in
 * VNCGATE_INSTANCE).  On EXIT_OK *url is the console URL, already
 * recorded; the caller shows it and wipes it with vg_freestr.
 */
int	issue_obtain(struct shell *, const char *target, int step_up,
	    char **url);
int	list_instances(struct shell *);

/* output.c: how a URL reaches the operator */
enum show_how { SHOW_URL_LINE, SHOW_TARGET };
int	show_url(struct shell *, const char *url, enum show_how);

/* One sentence to the operator on stderr. */
void	say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
