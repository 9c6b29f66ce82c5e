/* SPDX-License-Identifier: ISC */
/*
 * The PAM step-up (DESIGN 2.2 steps 2-3): where it is due, decided here
 * once for every caller, and the transaction itself: authenticate the
 * operator again and always ask the account stage.  The conversation
 * reads the terminal, or lines on stdin when there is none (ssh bastion
 * url web-1 with no TTY).  Like OpenSSH: the message count is bounded,
 * every answer is wiped, and afterwards PAM_USER must still be the
 * operator.
 */
#include <security/pam_appl.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define ANSWER_MAX	512

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The auth record keeps the English text, and PAM's own in the C locale.
 */
#define M_AUTH_FAILED	N_("authentication failed: %s")
#define M_SET_ITEM	N_("pam_set_item failed")
#define M_START		N_("pam_start failed")
#define M_USER_CHANGED	N_("a PAM module changed the user name")
#define M_LATE		N_("no answer came in time")

/*
 * Command mode: an answer must come within idle_timeout.  sftp and scp
 * never send a line, and a prompt nobody answers must not hold the
 * session open for ever.  (The menu keeps its own idle alarm.)
 */
static volatile sig_atomic_t answer_late;

/*
 * Where PAM asks, by reauth and by the UI (one command, or the menu that
 * stays): [where][reauth][ui->stays].  With reauth = login the menu asks
 * once at its start and one command asks before it shows the inventory
 * or decides a target; with reauth = issuance PAM asks after the ACL
 * allowed an instance, and learns which (the ACL's refusal is recorded
 * as a deny, with no prompt), and one command's list still asks first.
 */
static const unsigned char due[][2][2] = {
	/*			login: -c, menu	  issuance: -c, menu */
	[STEPUP_START]		= { { 0, 1 },	  { 0, 0 } },
	[STEPUP_LIST]		= { { 1, 0 },	  { 1, 0 } },
	[STEPUP_TARGET]		= { { 1, 0 },	  { 0, 0 } },
	[STEPUP_ISSUANCE]	= { { 0, 0 },	  { 1, 1 } },
};

int
stepup_due(const struct shell *sh, enum stepup_at at)
{
	int issuance = sh->conf.reauth == VG_REAUTH_ISSUANCE;
	int stays = sh->ui != NULL && sh->ui->stays;

	/* pam_service = "" is seen by stepup_run: no prompt, no record */
	return due[at][issuance][stays];
}

int
stepup_at(struct shell *sh, enum stepup_at at, const struct vg_instance *inst)
{
	if (!stepup_due(sh, at))
		return EXIT_OK;
	return stepup_run(sh, at == STEPUP_ISSUANCE ? inst : NULL);
}

static void
on_late(int sig)
{
	(void)sig;
	answer_late = 1;
}

static void
deadline_start(const struct shell *sh, struct sigaction *old)
{
	struct sigaction sa;

	answer_late = 0;
	if (sh->ui != NULL && sh->ui->keeps_alarm)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_late;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the read the prompt waits in must end */
	sigaction(SIGALRM, &sa, old);
	alarm((unsigned int)sh->conf.idle_timeout);
}

static void
deadline_stop(const struct shell *sh, const struct sigaction *old)
{
	if (sh->ui != NULL && sh->ui->keeps_alarm)
		return;
	alarm(0);
	sigaction(SIGALRM, old, NULL);
}

struct conv_io {
	int	in;		/* /dev/tty or 0 */
	int	out;		/* /dev/tty or 2 */
	int	tty;
};

/* A PAM message through the one terminal filter (lib/term.c). */
static void
put_text(int fd, const char *s, int newline)
{
	char buf[512];
	size_t n;

	term_clean(s != NULL ? s : "", buf, sizeof(buf) - 1);
	n = strlen(buf);
	if (newline)
		buf[n++] = '\n';
	if (write(fd, buf, n) < 0)
		return;
}

/* One line, byte by byte so nothing past it is consumed. */
static char *
read_line(int fd)
{
	char buf[ANSWER_MAX + 1], c, *s;
	size_t n = 0;
	ssize_t r;

	while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
		if (c == '\r')
			continue;
		if (n == ANSWER_MAX) {
			vg_wipe(buf, sizeof(buf));
			return NULL;
		}
		buf[n++] = c;
	}
	/* interrupted (Ctrl-C, the deadline): never a partial answer */
	if (r == -1 || (r == 0 && n == 0)) {
		vg_wipe(buf, sizeof(buf));
		return NULL;
	}
	buf[n] = '\0';
	s = strdup(buf);
	vg_wipe(buf, sizeof(buf));
	return s;
}

/*
 * One answer.  What was typed before the prompt is dropped first (DESIGN
 * 1.2): "web-1<Enter>PASSWORD<Enter>" pasted or sent in one go by a
 * laggy link must not answer a prompt that was not yet there, nor an
 * early line ("Typed-Ahead-Junk") count as a failed password.  Echo goes
 * off before the prompt is shown, so nothing typed once it is visible is
 * echoed, and those keys count (TCSANOW).
 */
static char *
ask(const struct conv_io *io, const char *prompt, int echo)
{
	struct termios old, quiet;
	int hide = io->tty && !echo && tcgetattr(io->in, &old) == 0;
	char *s;

	if (io->tty)
		tty_discard(io->in);
	if (hide) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(io->in, TCSANOW, &quiet);
	}
	put_text(io->out, prompt, 0);
	s = read_line(io->in);
	if (hide) {
		tcsetattr(io->in, TCSANOW, &old);
		put_text(io->out, "", 1);
	}
	return s;
}

static void
free_answers(struct pam_response *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		vg_freestr(r[i].resp);
	free(r);
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	const struct conv_io *io = data;
	struct pam_response *r;
	int i, style;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		if (style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON) {
			r[i].resp = ask(io, msg[i]->msg,
			    style == PAM_PROMPT_ECHO_ON);
			if (r[i].resp == NULL) {
				free_answers(r, n);
				return PAM_CONV_ERR;
			}
		} else if (style == PAM_ERROR_MSG || style == PAM_TEXT_INFO)
			put_text(io->out, msg[i]->msg, 1);
		else {
			free_answers(r, n);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static void
record_auth(struct shell *sh, const char *result, const char *reason)
{
	struct audit_rec rec;

	audit_rec_init(&rec, "auth");
	audit_set(&rec, "result", result);
	audit_set(&rec, "service", sh->conf.pam_service);
	if (reason != NULL)
		audit_set(&rec, "reason", reason);
	log_emit(sh, &rec);
	audit_rec_free(&rec);
}

static int
set_items(struct shell *sh, pam_handle_t *ph, const struct vg_instance *inst)
{
	char env[128];

	if (sh->env.rhost[0] != '\0' &&
	    pam_set_item(ph, PAM_RHOST, sh->env.rhost) != PAM_SUCCESS)
		return -1;
	if (sh->log.who.tty[0] != '\0' &&
	    pam_set_item(ph, PAM_TTY, sh->log.who.tty) != PAM_SUCCESS)
		return -1;
	if (inst == NULL)
		return 0;
	snprintf(env, sizeof(env), "VNCGATE_INSTANCE=%s", inst->name);
	return pam_putenv(ph, env) == PAM_SUCCESS ? 0 : -1;
}

/*
 * Authenticate, then account, then the user-name check.  *why: our own
 * reason (N_()), or NULL for PAM's (pam_strerror).
 */
static int
transact(struct shell *sh, pam_handle_t *ph, const struct vg_instance *inst,
    const char **why)
{
	const void *item = NULL;
	int rc;

	if (set_items(sh, ph, inst) == -1) {
		*why = M_SET_ITEM;
		return PAM_SYSTEM_ERR;
	}
	if ((rc = pam_authenticate(ph, PAM_DISALLOW_NULL_AUTHTOK)) !=
	    PAM_SUCCESS)
		return rc;
	/* always asked: an expired or locked account must not pass */
	if ((rc = pam_acct_mgmt(ph, PAM_DISALLOW_NULL_AUTHTOK)) !=
	    PAM_SUCCESS)
		return rc;
	if (pam_get_item(ph, PAM_USER, &item) != PAM_SUCCESS ||
	    item == NULL || strcmp(item, sh->user) != 0) {
		*why = M_USER_CHANGED;
		return PAM_PERM_DENIED;
	}
	return PAM_SUCCESS;
}

/* The operator reads why in their language, PAM's text included. */
static const char *
operator_why(pam_handle_t *ph, int rc, const char *why)
{
	locale_t was;
	const char *s;

	if (why != NULL)
		return _(why);
	was = i18n_use();
	s = pam_strerror(ph, rc);
	i18n_restore(was);
	return s;
}

static void
open_io(struct conv_io *io)
{
	io->in = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	io->tty = io->in >= 0;
	io->out = io->tty ? io->in : 2;
	if (!io->tty)
		io->in = 0;
}

int
stepup_run(struct shell *sh, const struct vg_instance *inst)
{
	struct conv_io io;
	struct pam_conv pc = { conv, &io };
	pam_handle_t *ph = NULL;
	const char *why = NULL, *shown = NULL;
	struct sigaction old;
	locale_t was;
	int rc;

	if (sh->conf.pam_service[0] == '\0')
		return EXIT_OK;
	open_io(&io);
	deadline_start(sh, &old);
	/* the modules' prompts reach the operator: in their language */
	was = i18n_use();
	rc = pam_start(sh->conf.pam_service, sh->user, &pc, &ph);
	if (rc == PAM_SUCCESS)
		rc = transact(sh, ph, inst, &why);
	else
		why = M_START;
	i18n_restore(was);
	deadline_stop(sh, &old);
	if (rc != PAM_SUCCESS && answer_late)
		why = M_LATE;
	if (rc != PAM_SUCCESS) {
		shown = operator_why(ph, rc, why);
		if (why == NULL)
			why = pam_strerror(ph, rc);	/* C locale */
	}
	record_auth(sh, rc == PAM_SUCCESS ? "ok" : "fail", why);
	if (ph != NULL)
		pam_end(ph, rc);
	if (io.tty)
		close(io.in);
	if (rc == PAM_SUCCESS)
		return EXIT_OK;
	warnx(_(M_AUTH_FAILED), shown);
	return EXIT_DENIED;
}
