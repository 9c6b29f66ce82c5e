/* SPDX-License-Identifier: ISC */
/*
 * One command (-c, and ForceCommand's SSH_ORIGINAL_COMMAND): the side of
 * the UI seam (struct ui, shell.h) that answers with plain lines for
 * scripts.  A target is a name or an ID as typed; there is no table to
 * number, nothing to cancel and no countdown.  Nothing is asked either:
 * a ticket comes on the command line or not at all, and break-glass is
 * confirmed by giving one (DESIGN 1.12: the menu asks for "yes"; a
 * script has nobody to ask, and a prompt nobody answers would hold the
 * session).
 */
#include <stdio.h>

#include "shell.h"
#include "term.h"
#include "util.h"

/*
 * Sentences the operator sees, in one place for the translators (po/).
 */
/* TRANSLATORS: the placeholder of "url TARGET" and "qr TARGET" */
#define M_TARGET_CMD	N_("TARGET")
#define M_TARGET_HELP	N_("the same as url TARGET")
#define M_TARGET_NOTE	N_("TARGET is an instance name or ID from " \
			"\"list\"; TICKET says why you open it " \
			"(url web-1 INC-1234).\n")
#define M_TICKET_NEEDED	N_("a ticket is required: give it after the " \
			"target, as in \"url web-1 INC-1234\"")
#define M_OOM		N_("out of memory")

/* NAME<TAB>ID<TAB>REGION<TAB>OS<TAB>DESCRIPTION, one line each. */
int
list_instances(struct shell *sh, const char *filter)
{
	struct acl_request req;
	struct acl_query *q;
	char rule[65], desc[1024];
	size_t i;
	const struct vg_instance *in;
	int rc;

	(void)filter;
	if ((rc = issue_request(sh, NULL, &req)) != EXIT_OK)
		return rc;
	/* one query: the rules that fit this operator are found once */
	if ((q = acl_query_new(sh->acl, &req)) == NULL) {
		warnx(_(M_OOM));
		return EXIT_RUNTIME;
	}
	for (i = 0; i < sh->conf.inv.n; i++) {
		in = &sh->conf.inv.inst[i];
		/* break-glass too: what this operator can reach */
		if (acl_query_decide(q, in, rule, sizeof(rule)) == ACL_DENY)
			continue;
		/* the description may reach a terminal (ssh -t bastion list) */
		term_clean(in->description, desc, sizeof(desc));
		printf("%s\t%s\t%s\t%s\t%s\n", in->name, in->id, in->region,
		    in->windows ? "windows" : "linux", desc);
	}
	acl_query_free(q);
	return fflush(stdout) == EOF ? EXIT_RUNTIME : EXIT_OK;
}

/* A name or an ID; the issuance names it as typed. */
static int
resolve(struct shell *sh, const char *typed, const struct vg_instance **inst,
    const char **target)
{
	*inst = inventory_find(&sh->conf.inv, typed);
	*target = typed;
	return EXIT_OK;
}

/* Nobody to ask: a bad ticket or none where one is needed ends here. */
static int
ticket(struct shell *sh, const char *why, int required, char *buf,
    size_t len)
{
	(void)sh;
	if (len > 0)
		buf[0] = '\0';
	if (why != NULL) {
		warnx("%s", why);
		return EXIT_USAGE;
	}
	if (required) {
		warnx(_(M_TICKET_NEEDED));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The ticket given on the command line is the confirmation (above). */
static int
confirm(struct shell *sh, const struct vg_instance *inst, const char *rule)
{
	(void)sh;
	(void)inst;
	(void)rule;
	return 1;
}

static void
allowed(struct shell *sh, const struct vg_instance *inst, const char *rule,
    enum show_how how)
{
	(void)sh;
	(void)inst;
	(void)rule;
	(void)how;
}

/* SIGINT ends the process: nothing is left to cancel. */
static int
cancelled(struct shell *sh)
{
	(void)sh;
	return 0;
}

static void
shown(struct shell *sh)
{
	(void)sh;
}

const struct ui command_ui = {
	.stays = 0,
	.keeps_alarm = 0,
	.words = NULL,
	.nwords = 0,
	.help_first = { NULL, NULL },
	.help_last = { M_TARGET_CMD, M_TARGET_HELP },
	.help_note = M_TARGET_NOTE,
	.list = list_instances,
	.resolve = resolve,
	.ticket = ticket,
	.confirm = confirm,
	.allowed = allowed,
	.cancelled = cancelled,
	.shown = shown,
	.state = NULL,
};
