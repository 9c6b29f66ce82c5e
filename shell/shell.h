/* SPDX-License-Identifier: ISC */
/*
 * vncgate-shell: the operator's login shell.  One context for the run,
 * filled step by step by main() (DESIGN 2.2), and the declarations the
 * shell's files share.  Calls between them run one way only (the static
 * layer checks it):
 *
 *   main -> menu -> commands -> issue -> stepup -> log
 *   main -> command_ui, check, load, env; menu -> menu_list -> issue
 *   main, check, issue -> discovery -> log
 *   and output, qr, parse, input, log, i18n below whoever needs them
 *
 * The menu and one command (-c) meet the commands through the UI seam
 * (struct ui): the commands call it and never ask which one it is.
 */
#ifndef VG_SHELL_H
#define VG_SHELL_H

#include <sys/types.h>

#include <signal.h>

#include <err.h>
#include <locale.h>
#include <stdio.h>
#include <termios.h>

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
#define CMD_WORDS	3	/* most words in a command line:
				   url TARGET TICKET */

/* What the environment told us, read once and validated (env.c). */
struct shell_env {
	/*
	 * The source address, "" when unknown: from SSH_CONNECTION when
	 * not privileged, else only from pam_vncgate's session record
	 * (load_source).  The ACL, PAM_RHOST and the records take it here.
	 */
	char	rhost[64];
	char	rport[8];
	char	session[33];		/* VNCGATE_SESSION or our own */
	int	session_given;		/* session is VNCGATE_SESSION's */
	char	*original_command;	/* SSH_ORIGINAL_COMMAND or NULL */
	int	 original_bad;		/* set but not acceptable */
	char	*config;		/* VNCGATE_CONFIG (unprivileged) */
	char	*syslog_path;		/* VNCGATE_SYSLOG_SOCKET (unprivileged) */
	char	*localedir;		/* VNCGATE_LOCALEDIR (unprivileged) */
};

struct ui;

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
	/* set by a signal handler: abandon the request in flight (menu) */
	const volatile sig_atomic_t *cancel;
	struct creds_ctx	 creds;

	const struct ui		*ui;		/* the UI seam */
};

/*
 * i18n.c: the operator's language (gettext, domain "vncgate", po/).
 * Every sentence the operator reads goes through _() or P_(); N_() only
 * marks one for xgettext, to be translated where it is shown.  The
 * process stays in the C locale but for LC_CTYPE, so records, numbers
 * and libc's own messages never change with LANG (see i18n.c).
 */
#ifndef N_
#define N_(s)		s
#endif
#define _(s)		i18n_gettext(s)
#define P_(s, pl, n)	i18n_ngettext(s, pl, n)

/*
 * One sentence to the operator on stderr is err(3)'s warnx: "vncgate: "
 * first (main names the program so), the same helper as vncgate-audit's
 * tool_warn.
 */

void	i18n_init(const char *localedir);
void	i18n_end(void);
const char *i18n_gettext(const char *) __attribute__((format_arg(1)));
const char *i18n_ngettext(const char *, const char *, unsigned long)
	    __attribute__((format_arg(1), format_arg(2)));
/* Switch this thread to the operator's locale (PAM's prompts), and back. */
locale_t i18n_use(void);
void	i18n_restore(locale_t);

/*
 * output.c: stdout's buffer is the shell's own, so the URLs that pass
 * through it can be wiped (output_wipe, after a flush: show_url's, and
 * main's last).
 */
void	output_init(void);
void	output_wipe(void);

/* env.c */
void	env_sanitise(struct shell *);
void	env_free(struct shell_env *);

/* log.c: every record goes through here */
void	log_open(struct shell *);
int	log_emit(struct shell *, struct audit_rec *);
void	log_config_error(struct shell *, const struct vg_diags *);
void	log_shell(struct shell *, const char *event, const char *reason);
void	log_close(struct shell *);

/*
 * load.c: the config and the ACL (verbose: -t prints every problem;
 * else the operator reads one sentence), and the operator's identity.
 */
int	load_config(struct shell *, int verbose);
int	load_identity(struct shell *);
/*
 * The source address of a privileged shell (DESIGN 1.2): from the
 * record pam_vncgate wrote as root for the session VNCGATE_SESSION
 * names, when it is root's and names the operator's uid; else unknown.
 * Needs the config (limits.state_dir).  Does nothing unprivileged.
 */
void	load_source(struct shell *);

/*
 * discovery.c: the inventory from the cloud (DESIGN 1.10).  With
 * inventory.discover, the cache into sh->conf.inv beside the instance
 * blocks, refreshed first when stale and this run holds the lock (force:
 * refresh now, -S).  report (NULL: none) is told how a refresh went.
 * -1 when the cache cannot be reached (a sentence said) or, with force,
 * when the refresh failed; the last good cache is used either way.
 */
struct disc_refresh;
struct disc_cache;
typedef void (*discovery_report_fn)(const struct disc_refresh *,
    const struct disc_cache *);
int	discovery_load(struct shell *, int force, discovery_report_fn);
/* The run's client for the cloud and its credentials, made once. */
int	shell_client(struct shell *, char *err, size_t errlen);
void	shell_http_opts(const struct shell *, struct http_opts *);

/* check.c: -t and -t -C; -S, the admin's refresh (DESIGN 1.10) */
int	check_mode(struct shell *, const char *explain);
int	sync_mode(struct shell *);

/*
 * stepup.c: the PAM step-up (DESIGN 2.2 steps 2-3).  Where it is due is
 * decided in one table there, by reauth and by the UI; the callers only
 * say where they stand.
 */
enum stepup_at {
	STEPUP_START,		/* the UI starts (the menu, before the
				   list) */
	STEPUP_LIST,		/* a command is about to list the
				   inventory */
	STEPUP_TARGET,		/* an issuance, before its decision */
	STEPUP_ISSUANCE,	/* an issuance the ACL allowed: PAM learns
				   the instance (VNCGATE_INSTANCE) */
};
/* 1 when PAM must ask at this point of the run. */
int	stepup_due(const struct shell *, enum stepup_at);
/* The step-up where due: EXIT_OK when not due or PAM said yes. */
int	stepup_at(struct shell *, enum stepup_at,
	    const struct vg_instance *);
/* Authenticate and ask the account stage now; EXIT_OK or EXIT_DENIED. */
int	stepup_run(struct shell *, const struct vg_instance *);

/*
 * parse.c: a command line as words (DESIGN 1.3): at most CMD_MAX bytes
 * of the command character set, split on spaces, none starting with
 * '-'.  line is split in place; returns 1..maxwords, or -1 with one
 * sentence for the operator in err.  ':' and '/' pass here for tickets
 * (DESIGN 1.11); every word but a ticket must be command_word_plain.
 */
int	command_parse(char *line, char **words, int maxwords, char *err,
	    size_t errlen);
/* 1 when w holds no byte that only a ticket may hold (':', '/'). */
int	command_word_plain(const char *w);
/* The sentence for a word that is not plain (the command charset). */
const char *command_bad_chars(void);

/*
 * output.c: how a URL reaches the operator.  SHOW_URL_LINE: the URL line
 * only (url TARGET, for scripts).  SHOW_TARGET: a bare TARGET, the QR
 * code too on a terminal when `output` allows (DESIGN 1.3).  SHOW_QR:
 * qr TARGET, the QR code then the URL line.
 */
enum show_how { SHOW_URL_LINE, SHOW_TARGET, SHOW_QR };
int	show_url(struct shell *, const char *url, enum show_how);
/* The width of the terminal on fd (TIOCGWINSZ), or 80 when none. */
int	tty_columns(int fd);

/*
 * commands.c: the command table (DESIGN 1.3).  A UI may add words of
 * its own (the menu's l, r, q, ?, /TEXT) in the same shape.
 */
#define ARG_REST	-1	/* the name is a prefix, the rest is text */
#define ARG_TICKET	-2	/* TARGET, then optionally a ticket (DESIGN
				   1.11): arg is "TARGET" or "TARGET TICKET" */
struct command {
	const char	*name;
	int		 nargs;		/* 0, 1 or ARG_REST */
	int		 whole;		/* matched as the whole line before
					   it is parsed ("?", which the
					   command charset refuses) */
	int		(*run)(struct shell *, const char *arg);
	const char	*usage;		/* for help; NULL: an alias */
	const char	*help;		/* both N_(): translated when shown */
};
int	command_run(struct shell *, const char *line);
/*
 * target as typed, with the ticket typed after it (NULL: none), then the
 * decision, the URL and how it is shown.
 */
int	command_issue(struct shell *, const char *target, const char *ticket,
	    enum show_how);
/* The help text: the commands, then the UI's own words. */
int	command_help(struct shell *, const char *arg);

/*
 * The UI seam: the menu (menu.c) or one command (command_ui.c).  The
 * commands and the issuance call it; neither asks which one it is.
 */
struct help_line {
	const char	*usage;		/* N_(); NULL: no line */
	const char	*text;		/* N_() */
};

struct ui {
	int			 stays;		/* one run, many commands:
						   PAM asks at its start */
	int			 keeps_alarm;	/* it arms the idle alarm
						   around every command */
	const struct command	*words;		/* its own words */
	size_t			 nwords;
	struct help_line	 help_first;	/* help: before the table */
	struct help_line	 help_last;	/* help: after the table */
	const char		*help_note;	/* help: the last lines */
	/* the instances the operator may open; filter NULL: all */
	int	(*list)(struct shell *, const char *filter);
	/*
	 * typed into *inst (NULL: the inventory has none, which
	 * command_issue refuses as a usage error before any PAM
	 * conversation) and *target, how the issuance names it;
	 * EXIT_USAGE when typed is no target at all (a number past the
	 * menu's table)
	 */
	int	(*resolve)(struct shell *, const char *typed,
		    const struct vg_instance **inst, const char **target);
	/*
	 * the ticket (DESIGN 1.11) when the command gave none or a bad
	 * one: why is the sentence against the last one tried (NULL: none
	 * was), required whether one must be given.  EXIT_OK with the
	 * ticket in buf ("" for none, only when !required); else EXIT_USAGE,
	 * the operator told why.
	 */
	int	(*ticket)(struct shell *, const char *why, int required,
		    char *buf, size_t len);
	/*
	 * break-glass (DESIGN 1.12): the warning is shown and the ticket
	 * taken; 1 when the operator confirms the emergency access
	 */
	int	(*confirm)(struct shell *, const struct vg_instance *,
		    const char *rule);
	/* the ACL allowed inst by rule: before the step-up and the call */
	void	(*allowed)(struct shell *, const struct vg_instance *,
		    const char *rule, enum show_how);
	/* did the operator cancel the request just made? (clears it) */
	int	(*cancelled)(struct shell *);
	/* the URL is on the screen */
	void	(*shown)(struct shell *);
	void	*state;		/* the menu's struct menu */
};

extern const struct ui command_ui;	/* command_ui.c */

/* command_ui.c: list for -c, NAME<TAB>ID<TAB>REGION<TAB>OS<TAB>DESCRIPTION */
int	list_instances(struct shell *, const char *filter);

/*
 * issue.c: one issuance of target, which the UI resolved to inst (never
 * NULL: command_issue refused an unknown target before), with the ticket
 * typed after it (NULL: none).  On EXIT_OK *url is the console URL,
 * already recorded; the caller shows it and wipes it with vg_freestr.
 */
int	issue_obtain(struct shell *, const char *target, const char *ticket,
	    const struct vg_instance *inst, enum show_how how, char **url);
/*
 * The ACL request for the operator: now, from the source address
 * (sh->env.rhost: the session record when privileged, else
 * SSH_CONNECTION).  When the local time cannot be computed the request
 * is refused (fail closed): a deny record (reason=time) and a sentence,
 * and EXIT_DENIED, which the caller must return.
 */
int	issue_request(struct shell *, const struct vg_instance *,
	    struct acl_request *) __attribute__((warn_unused_result));
/*
 * A run of a user whom the ACL reaches nowhere counts in their rate
 * limit (before anything is recorded): EXIT_OK to go on, else the exit
 * code, the sentence said.
 */
int	issue_unreached(struct shell *);

/*
 * ticket.c: tickets (DESIGN 1.11).  ticket_take checks typed (NULL:
 * none) and asks the UI while it has no good one and one is required,
 * or ticket.mode is not off: EXIT_OK with the ticket in out ("" none);
 * else EXIT_USAGE, and *bad says whether the last one tried was bad
 * (out then holds it, for the record).
 */
int	ticket_take(struct shell *, const char *typed, int required,
	    char *out, size_t outlen, int *bad);
/* The rule a ticket follows, for a prompt: the pattern or the charset. */
void	ticket_rule(const struct shell *, char *out, size_t outlen);

/*
 * qr.c: url as a QR code (ECC level L, a 2-module quiet zone) in
 * half-block characters, dark modules filled.  -1 with a sentence in
 * why when it cannot be drawn, e.g. when it is wider than cols.
 */
int	qr_print(FILE *, const char *url, int cols, char *why, size_t whylen);

/* input.c: the terminal in raw mode, and the bounded line editor. */
struct tty_mode {
	struct termios	 saved;
	int		 saved_ok;
};
int	tty_save(struct tty_mode *);
int	tty_raw(struct tty_mode *);
int	tty_cooked(const struct tty_mode *);
void	tty_restore(const struct tty_mode *);
/* Drop the input typed ahead: before a prompt, after a command. */
void	tty_discard(int fd);

enum ed_event {
	ED_NONE,	/* nothing to show (ignored byte, escape sequence) */
	ED_CHANGED,	/* the line changed: redraw */
	ED_ENTER,	/* a line is ready in buf */
	ED_CANCEL,	/* Ctrl-C */
	ED_EOF,		/* Ctrl-D on an empty line */
	ED_OVERFLOW,	/* over CMD_MAX: discarded, the rest is swallowed */
	ED_DISCARDED,	/* Enter after an overflow */
};

struct line_ed {
	char	buf[CMD_MAX + 1];
	size_t	len;
	int	overflow;	/* swallowing the rest of a too-long line */
	int	esc;		/* inside a terminal escape sequence */
	int	after_cr;	/* CR LF is one Enter */
};
void	ed_reset(struct line_ed *);
enum ed_event ed_feed(struct line_ed *, unsigned char c);

/* The menu's state (menu.c, menu_list.c): menu_ui.state while it runs. */
struct menu {
	struct tty_mode	 tty;
	struct line_ed	 ed;
	int		 cols;		/* TIOCGWINSZ, again on SIGWINCH */
	size_t		*shown;		/* numbers: indices into conf.inv */
	size_t		 nshown;
	char		 last[65];	/* the last instance, for r */
	enum show_how	 last_how;
	long long	 expires_ms;	/* the countdown's end, 0: none */
	long long	 idle_ms;	/* when the idle timeout strikes */
	const char	*end;		/* set: leave, with this reason */
};

/* menu.c: the loop, the menu's own words and its side of the seam */
int	menu_run(struct shell *);

/* menu_list.c: what the menu shows of the inventory */
void	menu_header(struct shell *);
int	menu_list(struct shell *, const char *filter);
void	menu_free_list(struct menu *);
int	menu_resolve(struct shell *, const char *typed,
	    const struct vg_instance **, const char **target);
void	menu_allowed(struct shell *, const struct vg_instance *,
	    const char *rule, enum show_how);
void	menu_shown(struct shell *);

/* menu_ask.c: the menu's questions, the ticket and break-glass's "yes" */
int	menu_ticket(struct shell *, const char *why, int required, char *buf,
	    size_t len);
int	menu_confirm(struct shell *, const struct vg_instance *,
	    const char *rule);

#endif
