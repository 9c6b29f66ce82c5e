/* SPDX-License-Identifier: ISC */
/*
 * Tickets (DESIGN 1.11): why a console was opened.  The ticket typed
 * after the target is checked here, before any PAM prompt and any cloud
 * call; when there is none, or a bad one, the UI is asked (struct ui's
 * ticket hook): the menu prompts again, one command refuses with exit 2.
 * What a ticket may be is lib/conf_ticket.c's; here is what the operator
 * reads about it, and the one check that needs the operator's name: with
 * ram_role_arn the ticket travels in the RoleSessionName, whose 64
 * characters the name and the ticket share (lib/creds_session.c).  A
 * pair that does not fit is refused here, never cut: a cut ticket in
 * ActionTrail would say something else than the records.
 */
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define TICKET_TRIES	5	/* the menu asks again, but not for ever */
#define SESSION_MAX	64	/* STS RoleSessionName */

/* Sentences the operator sees, in one place for the translators (po/). */
#define M_LONG		N_("the ticket is longer than %d characters")
#define M_CHARS		N_("the ticket may hold only letters, digits, " \
			"'.', '_', ':', '/' and '-'")
#define M_NO_MATCH	N_("the ticket does not follow the rule: %s")
#define M_EMPTY		N_("a ticket is required here")
#define M_PAIR		N_("with your user name, this ticket makes the " \
			"cloud's session name longer than 64 characters: " \
			"give one of at most %d characters (':' and '/' " \
			"count as three)")
#define M_NO_ROOM	N_("your user name leaves no room for a ticket in " \
			"the cloud's session name (64 characters); tell your " \
			"admin")
/* TRANSLATORS: the ticket rule in a prompt: the admin's pattern */
#define M_RULE_PATTERN	N_("matching %s")
#define M_RULE_SET	N_("at most %d letters, digits, '.', '_', ':', " \
			"'/' or '-'")

void
ticket_rule(const struct shell *sh, char *out, size_t outlen)
{
	char shown[4 * 256 + 1];

	if (sh->conf.ticket.pattern == NULL ||
	    sh->conf.ticket.pattern[0] == '\0') {
		snprintf(out, outlen, _(M_RULE_SET), VG_TICKET_MAX);
		return;
	}
	/* the admin's pattern, on its way to a terminal */
	term_clean(sh->conf.ticket.pattern, shown, sizeof(shown));
	snprintf(out, outlen, _(M_RULE_PATTERN), shown);
}

/*
 * With ram_role_arn, the name and the ticket must fit one session name:
 * the room left is 64 less the encoded name and the separator.
 */
static int
pair_problem(const struct shell *sh, const char *ticket, char *why,
    size_t whylen)
{
	char name[SESSION_MAX + 1];
	int room;

	if (sh->conf.creds.provider != VG_CRED_RAM_ROLE_ARN ||
	    creds_session_name_ticket(sh->user, ticket, name,
	    sizeof(name)) == 0)
		return 0;
	room = creds_session_name(sh->user, name, sizeof(name)) == -1 ? 0 :
	    SESSION_MAX - (int)strlen(name) - 2;
	/* "a" is "a@" alone, but "a" before the separator */
	if (room > 0 && strlen(name) == 2 && name[1] == '@')
		room++;
	if (room <= 0)
		vg_seterr(why, whylen, "%s", _(M_NO_ROOM));
	else
		vg_seterr(why, whylen, _(M_PAIR), room);
	return -1;
}

/* 0 when ticket will do; else -1 with the operator's sentence in why. */
static int
problem(const struct shell *sh, const char *ticket, char *why, size_t whylen)
{
	char rule[4 * 256 + 64];

	switch (conf_ticket_check(sh->conf.ticket.have_re ?
	    &sh->conf.ticket.re : NULL, ticket)) {
	case VG_TICKET_FINE:
		return pair_problem(sh, ticket, why, whylen);
	case VG_TICKET_EMPTY:
		vg_seterr(why, whylen, "%s", _(M_EMPTY));
		break;
	case VG_TICKET_LONG:
		vg_seterr(why, whylen, _(M_LONG), VG_TICKET_MAX);
		break;
	case VG_TICKET_CHARS:
		vg_seterr(why, whylen, "%s", _(M_CHARS));
		break;
	case VG_TICKET_NO_MATCH:
		ticket_rule(sh, rule, sizeof(rule));
		vg_seterr(why, whylen, _(M_NO_MATCH), rule);
		break;
	}
	return -1;
}

int
ticket_take(struct shell *sh, const char *typed, int required, char *out,
    size_t outlen, int *bad)
{
	char why[VG_ERRLEN], answer[CMD_MAX + 1];
	const char *cand = typed, *w = NULL;
	int rc, tries;

	*bad = 0;
	out[0] = '\0';
	if (cand == NULL && !required &&
	    sh->conf.ticket.mode == VG_TICKET_OFF)
		return EXIT_OK;
	for (tries = 0;; tries++) {
		if (cand != NULL && problem(sh, cand, why, sizeof(why)) == 0) {
			vg_strlcpy(out, cand, outlen);
			*bad = 0;
			return EXIT_OK;
		}
		if (cand != NULL) {
			/*
			 * Not kept for the record: an operator who took the
			 * question for the password prompt typed a password
			 * here, and a refused ticket would carry it into both
			 * sinks and the collector (DESIGN 1.2).
			 */
			vg_strlcpy(out, "", outlen);
			*bad = 1;
			w = why;
		}
		if (tries == TICKET_TRIES)
			break;
		if ((rc = sh->ui->ticket(sh, w, required, answer,
		    sizeof(answer))) != EXIT_OK)
			return rc;
		if (answer[0] == '\0' && !required) {
			out[0] = '\0';
			*bad = 0;
			return EXIT_OK;
		}
		cand = answer[0] != '\0' ? answer : NULL;
		w = cand == NULL ? _(M_EMPTY) : NULL;
	}
	warnx("%s", w != NULL ? w : _(M_EMPTY));
	return EXIT_USAGE;
}
