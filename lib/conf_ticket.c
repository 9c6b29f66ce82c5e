/* SPDX-License-Identifier: ISC */
/*
 * Tickets (DESIGN 1.11): the charset, the length and the admin's
 * pattern.  A ticket says why a console was opened: it goes into the
 * audit records and, with ram_role_arn, into the RoleSessionName that
 * ActionTrail shows (creds_session.c), so it is checked here, before any
 * PAM prompt and any cloud call, and never trusted to be anything else.
 *
 * The pattern is a POSIX ERE the whole ticket must match.  regexec finds
 * a match anywhere, so "[A-Z]+-[0-9]+" alone would let "x INC-1 y"
 * through (were spaces allowed) or "abcINC-1xyz" (they are not needed):
 * the pattern is compiled as ^(pattern)$.  A pattern with a stray ")"
 * could close that group early ("A)|(.*" would become ^(A)|(.*)$, which
 * matches anything), so the pattern must compile on its own first.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_ticket.h"
#include "util.h"

static void
regcomp_err(int rc, const regex_t *re, char *err, size_t errlen)
{
	char why[128];

	regerror(rc, re, why, sizeof(why));
	vg_seterr(err, errlen, "%s", why);
}

int
conf_ticket_compile(const char *pattern, regex_t *re, char *err,
    size_t errlen)
{
	const int flags = REG_EXTENDED | REG_NOSUB;
	char *anchored;
	size_t len = strlen(pattern) + 5;
	int rc;

	/* alone first: a stray ')' must not close the anchoring group */
	/* a failed regcomp holds nothing to free (POSIX: no regfree) */
	if ((rc = regcomp(re, pattern, flags)) != 0) {
		regcomp_err(rc, re, err, errlen);
		return -1;
	}
	regfree(re);
	if ((anchored = malloc(len)) == NULL) {
		vg_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(anchored, len, "^(%s)$", pattern);
	rc = regcomp(re, anchored, flags);
	free(anchored);
	if (rc != 0) {
		regcomp_err(rc, re, err, errlen);
		return -1;
	}
	return 0;
}

enum vg_ticket_problem
conf_ticket_check(const regex_t *re, const char *ticket)
{
	if (ticket == NULL || ticket[0] == '\0')
		return VG_TICKET_EMPTY;
	if (strlen(ticket) > VG_TICKET_MAX)
		return VG_TICKET_LONG;
	if (!vg_alnum_ok(ticket, VG_TICKET_SET, VG_TICKET_MAX))
		return VG_TICKET_CHARS;
	if (re != NULL && regexec(re, ticket, 0, NULL, 0) != 0)
		return VG_TICKET_NO_MATCH;
	return VG_TICKET_FINE;
}
