/* SPDX-License-Identifier: ISC */
/*
 * The interactive menu (DESIGN 1.3, issue 3): ssh -t bastion.
 *
 * One loop waits for a key, a signal, the next tick of the countdown or
 * the idle timeout.  Keys go through the line editor (input.c) with the
 * terminal in raw mode; a finished line goes to the command table
 * (commands.c), the same words as "ssh bastion COMMAND", plus the
 * menu's own words below.  While a command runs the terminal is back in
 * its own mode, so PAM can ask for a password, and Ctrl-C is then a
 * SIGINT that cancels the request.  Signal handlers only set flags; the
 * loop does the work.
 *
 * The menu's side of the UI seam (struct ui, shell.h) is the one
 * menu_run fills: its words, its help, the hooks of menu_list.c, and
 * Ctrl-C.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define TICK_MS		1000

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The prompt itself is a name, the same in every language.
 */
#define M_PROMPT	"vncgate> "
/* TRANSLATORS: the prompt while a URL is valid; keep "vncgate> " */
#define M_PROMPT_TTL	N_("[URL valid %lds] vncgate> ")
#define M_EXPIRED	N_("The console URL has expired; type r for a new " \
			"one.")
#define M_TOO_LONG	N_("That line is longer than %d characters; it " \
			"was discarded.")
#define M_IDLE(n)	P_("No input for %ld second: goodbye.", \
			"No input for %ld seconds: goodbye.", (n))
#define M_HANGUP	N_("The session was closed.")
#define M_BYE		N_("Goodbye.")
#define M_NO_TTY_MODE	N_("the terminal's mode cannot be set")
#define M_NO_LAST	N_("nothing to renew yet: choose an instance first")
#define M_MENU_TARGET	N_("NUMBER, NAME or ID")
#define M_MENU_TGT_HELP	N_("open that console: the decision, the URL, " \
			"the QR code")
#define M_MENU_NOTE	N_("Ctrl-C cancels the line or the request; " \
			"Ctrl-D quits.\n")

static volatile sig_atomic_t got_int, got_hup, got_term, got_winch,
    got_alrm;

static void
on_signal(int sig)
{
	if (sig == SIGINT)
		got_int = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGTERM)
		got_term = 1;
	else if (sig == SIGWINCH)
		got_winch = 1;
	else if (sig == SIGALRM)
		got_alrm = 1;
}

/* No SA_RESTART: a signal must end a read that PAM is waiting in. */
static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGHUP, SIGTERM, SIGWINCH,
	    SIGALRM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Ctrl-C since the last call: the seam's cancelled hook. */
static int
interrupted(struct shell *sh)
{
	int was = got_int;

	(void)sh;
	got_int = 0;
	return was;
}

/* Seconds left on the countdown, 0 when there is none. */
static long
ttl_left(const struct menu *m)
{
	long long left;

	if (m->expires_ms == 0)
		return 0;
	left = m->expires_ms - vg_now_ms();
	return left <= 0 ? 0 : (long)((left + 999) / 1000);
}

/*
 * Redraw the prompt line in place.  The line never wraps: when the input
 * is longer than the terminal, only its tail is shown, so "\r" always
 * reaches the start of it.
 */
static void
prompt_draw(const struct menu *m)
{
	char prompt[128], shown[4 * CMD_MAX + 1];
	long left = ttl_left(m);
	int room;

	if (left > 0)
		snprintf(prompt, sizeof(prompt), _(M_PROMPT_TTL), left);
	else
		vg_strlcpy(prompt, M_PROMPT, sizeof(prompt));
	room = m->cols - 1 - term_width(prompt);
	if (room < 1)
		room = 1;
	term_tail(m->ed.buf, room, shown, sizeof(shown));
	printf("\r%s%s\033[K", prompt, shown);
	fflush(stdout);
}

/* Leave the prompt line as it is and start a fresh one below. */
static void
prompt_leave(const char *mark)
{
	printf("%s\n", mark);
	fflush(stdout);
}

/* A line of its own, over whatever the prompt line showed. */
static void __attribute__((format(printf, 1, 2)))
status(const char *fmt, ...)
{
	va_list ap;

	printf("\r\033[K");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Run one finished line with the terminal in its own mode. */
static void
run_line(struct shell *sh, struct menu *m, const char *line)
{
	alarm((unsigned int)sh->conf.idle_timeout);	/* PAM may wait */
	tty_cooked(&m->tty);
	interrupted(sh);
	if (line[0] != '\0')
		command_run(sh, line);
	if (got_alrm)
		m->end = "idle";
	alarm(0);
	/* what was typed while it ran is not the next command (DESIGN 1.2) */
	tty_discard(0);
	if (tty_raw(&m->tty) == -1 && m->end == NULL)
		m->end = "error";
	interrupted(sh);
	/* the command was input too, however long it took */
	m->idle_ms = vg_now_ms() + sh->conf.idle_timeout * 1000LL;
}

/* One key; what the line editor made of it. */
static enum ed_event
on_key(struct shell *sh, struct menu *m, unsigned char c)
{
	char line[CMD_MAX + 1];
	enum ed_event ev = ed_feed(&m->ed, c);

	switch (ev) {
	case ED_CHANGED:
		prompt_draw(m);
		break;
	case ED_ENTER:
		prompt_leave("");
		vg_strlcpy(line, m->ed.buf, sizeof(line));
		ed_reset(&m->ed);
		run_line(sh, m, line);
		if (m->end == NULL)
			prompt_draw(m);
		break;
	case ED_CANCEL:
		/* the line, and the countdown with it */
		prompt_leave("^C");
		ed_reset(&m->ed);
		m->expires_ms = 0;
		prompt_draw(m);
		break;
	case ED_EOF:
		prompt_leave("");
		m->end = "eof";
		break;
	case ED_OVERFLOW:
		prompt_leave("");
		status(_(M_TOO_LONG), CMD_MAX);
		break;
	case ED_DISCARDED:
		prompt_draw(m);
		break;
	default:
		break;
	}
	return ev;
}

/* The countdown and the idle timeout, once per wake-up. */
static void
tick(struct menu *m)
{
	long long now = vg_now_ms();

	if (now >= m->idle_ms) {
		m->end = "idle";
		return;
	}
	if (m->expires_ms == 0)
		return;
	if (now >= m->expires_ms) {
		m->expires_ms = 0;
		status(_(M_EXPIRED));
	}
	prompt_draw(m);
}

/* How long poll may sleep: to the next countdown second or idle. */
static int
next_wake(const struct menu *m)
{
	long long now = vg_now_ms(), until = m->idle_ms;
	long long tick_at;

	if (m->expires_ms != 0) {
		tick_at = m->expires_ms - ((m->expires_ms - now) / TICK_MS) *
		    TICK_MS;
		if (tick_at <= now)
			tick_at = now + TICK_MS;
		if (tick_at < until)
			until = tick_at;
	}
	return until <= now ? 0 : (int)(until - now);
}

/* Flags the handlers set; 1 when the loop must end. */
static int
signals(struct menu *m)
{
	if (got_hup || got_term) {
		m->end = got_hup ? "hangup" : "signal";
		return 1;
	}
	if (got_alrm) {
		got_alrm = 0;
		m->end = "idle";
		return 1;
	}
	if (got_winch) {
		got_winch = 0;
		m->cols = tty_columns(1);
		prompt_draw(m);
	}
	got_int = 0;	/* raw mode: Ctrl-C is a byte, not this */
	return 0;
}

static void
input(struct shell *sh, struct menu *m)
{
	unsigned char buf[256];
	ssize_t n, i;

	n = read(0, buf, sizeof(buf));
	if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN)) {
		/* the terminal is gone: ssh went away */
		m->end = "hangup";
		return;
	}
	m->idle_ms = vg_now_ms() + sh->conf.idle_timeout * 1000LL;
	/*
	 * What follows Enter in the same read was typed ahead of the
	 * command's own prompts: it goes, as the terminal's queue does
	 * after the command (run_line), so "web-1<Enter>PASSWORD<Enter>"
	 * in one paste never runs PASSWORD (DESIGN 1.2).
	 */
	for (i = 0; i < n && m->end == NULL; i++)
		if (on_key(sh, m, buf[i]) == ED_ENTER)
			break;
	vg_wipe(buf, sizeof(buf));
}

static void
loop(struct shell *sh, struct menu *m)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	int r;

	prompt_draw(m);
	while (m->end == NULL) {
		if (signals(m))
			break;
		r = poll(&pfd, 1, next_wake(m));
		if (r == -1 && errno != EINTR) {
			m->end = "error";
			break;
		}
		if (r == 1 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			input(sh, m);
		if (m->end == NULL && r != -1)
			tick(m);
	}
}

/* Start: the header, PAM when due (reauth = login), then the list. */
static int
start(struct shell *sh, struct menu *m)
{
	int rc = EXIT_OK;

	m->cols = tty_columns(1);
	m->idle_ms = vg_now_ms() + sh->conf.idle_timeout * 1000LL;
	ed_reset(&m->ed);
	if (tty_save(&m->tty) == -1 || tty_cooked(&m->tty) == -1) {
		warnx(_(M_NO_TTY_MODE));
		return EXIT_RUNTIME;
	}
	menu_header(sh);
	fflush(stdout);
	if (stepup_due(sh, STEPUP_START)) {
		alarm((unsigned int)sh->conf.idle_timeout);
		rc = stepup_run(sh, NULL);
		alarm(0);
		if (rc != EXIT_OK)
			return rc;
	}
	menu_list(sh, NULL);
	if (tty_raw(&m->tty) == -1) {
		warnx(_(M_NO_TTY_MODE));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static void
farewell(struct shell *sh, const char *end)
{
	if (strcmp(end, "idle") == 0)
		status(M_IDLE((unsigned long)sh->conf.idle_timeout),
		    sh->conf.idle_timeout);
	else if (strcmp(end, "hangup") == 0)
		status(_(M_HANGUP));
	else if (strcmp(end, "eof") == 0 || strcmp(end, "quit") == 0)
		status(_(M_BYE));
}

static const char *
end_reason(const struct menu *m, int rc)
{
	if (rc == EXIT_DENIED)
		return got_alrm ? "idle" : "denied";
	if (rc != EXIT_OK)
		return "error";
	return m->end;
}

/* ------------------------------------------------------------------ */
/* the menu's own words, and its side of the seam */

static int
word_list(struct shell *sh, const char *arg)
{
	(void)arg;
	return menu_list(sh, NULL);
}

static int
word_filter(struct shell *sh, const char *text)
{
	return menu_list(sh, text);
}

static int
word_reissue(struct shell *sh, const char *arg)
{
	struct menu *m = sh->ui->state;
	char target[sizeof(m->last)];

	(void)arg;
	if (m->last[0] == '\0') {
		warnx(_(M_NO_LAST));
		return EXIT_USAGE;
	}
	vg_strlcpy(target, m->last, sizeof(target));
	/* a new issuance: its ticket is asked for again */
	return command_issue(sh, target, NULL, m->last_how);
}

static int
word_quit(struct shell *sh, const char *arg)
{
	struct menu *m = sh->ui->state;

	(void)arg;
	m->end = "quit";
	return EXIT_OK;
}

/* After the table's words in help, in this order. */
static const struct command words[] = {
	{ "/", ARG_REST, 0, word_filter, N_("/TEXT"),
	    N_("the instances whose name, ID or description holds TEXT") },
	{ "l", 0, 0, word_list, "l", N_("the list again") },
	{ "r", 0, 0, word_reissue, "r",
	    N_("a new URL for the last instance") },
	{ "?", 0, 1, command_help, "?", N_("this text") },
	{ "q", 0, 0, word_quit, "q", N_("quit (Ctrl-D too)") },
	{ "quit", 0, 0, word_quit, NULL, NULL },
	{ "exit", 0, 0, word_quit, NULL, NULL },
};

int
menu_run(struct shell *sh)
{
	struct menu m;
	struct ui ui = {
		.stays = 1,
		.keeps_alarm = 1,
		.words = words,
		.nwords = sizeof(words) / sizeof(words[0]),
		.help_first = { M_MENU_TARGET, M_MENU_TGT_HELP },
		.help_last = { NULL, NULL },
		.help_note = M_MENU_NOTE,
		.list = menu_list,
		.resolve = menu_resolve,
		.ticket = menu_ticket,
		.confirm = menu_confirm,
		.allowed = menu_allowed,
		.cancelled = interrupted,
		.shown = menu_shown,
		.state = &m,
	};
	const struct ui *was = sh->ui;
	int rc;

	memset(&m, 0, sizeof(m));
	catch_signals();
	sh->ui = &ui;
	/* Ctrl-C during a request abandons it (lib/http_options.c polls) */
	sh->cancel = &got_int;
	if ((rc = start(sh, &m)) == EXIT_OK) {
		loop(sh, &m);
		tty_restore(&m.tty);
		farewell(sh, m.end);
	} else
		tty_restore(&m.tty);
	log_shell(sh, "shell_end", end_reason(&m, rc));
	menu_free_list(&m);
	sh->ui = was;
	sh->cancel = NULL;
	return rc;
}
