/* SPDX-License-Identifier: ISC */
/*
 * Tickets (DESIGN 1.11): the charset, the length and the admin's
 * pattern.  A ticket says why a console was opened: it goes into the
 * audit records and, with ram_role_arn, into the RoleSessionName that
 * ActionTrail shows (creds_session.c), so it is checked here, before any
 * PAM prompt and any cloud call, and never trusted to be anything else.
 *
 * The pattern is a POSIX ERE the whole ticket must match.  regexec finds
 * a match anywhere, so "[A-Z]+-[0-9]+" alone would let "abcINC-1xyz"
 * through.  Wrapping it as ^(pattern)$ is not enough: glibc reads a
 * stray ")" as a character, so "A)|(B)" compiles and, wrapped, becomes
 * ^(A)|(B))$, anchored at the start only ("Axyz" passes).  So the
 * pattern is compiled as written and a ticket passes only when the match
 * regexec reports (POSIX: the leftmost, and the longest there) starts at
 * its first byte and ends at its last.
 */
#include <regex.h>
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
	int rc;

	/* a failed regcomp holds nothing to free (POSIX: no regfree) */
	if ((rc = regcomp(re, pattern, REG_EXTENDED)) != 0) {
		regcomp_err(rc, re, err, errlen);
		return -1;
	}
	return 0;
}

/* The whole ticket, not a part of it (see the top of this file). */
static int
whole_match(const regex_t *re, const char *ticket)
{
	regmatch_t m;

	if (regexec(re, ticket, 1, &m, 0) != 0)
		return 0;
	return m.rm_so == 0 && (size_t)m.rm_eo == strlen(ticket);
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
	if (re != NULL && !whole_match(re, ticket))
		return VG_TICKET_NO_MATCH;
	return VG_TICKET_FINE;
}
