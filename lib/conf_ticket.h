/* SPDX-License-Identifier: ISC */
/*
 * Tickets (DESIGN 1.11, conf_ticket.c): why a console was opened.  A
 * ticket is 1 to VG_TICKET_MAX characters of A-Z a-z 0-9 and
 * VG_TICKET_SET, and matches ticket.pattern as a whole when one is set.
 * conf.h takes this from here: conf.c compiles the pattern at load into
 * struct vg_conf, and the shell checks each ticket against it.
 */
#ifndef VG_CONF_TICKET_H
#define VG_CONF_TICKET_H

#include <regex.h>
#include <stddef.h>

#define VG_TICKET_MAX	32
#define VG_TICKET_SET	"._:/-"

/* What is wrong with a ticket, in the order the checks run. */
enum vg_ticket_problem {
	VG_TICKET_FINE,
	VG_TICKET_EMPTY,
	VG_TICKET_LONG,		/* over VG_TICKET_MAX */
	VG_TICKET_CHARS,	/* a byte outside the set */
	VG_TICKET_NO_MATCH,	/* the pattern does not match it whole */
};

/*
 * pattern, anchored as ^(pattern)$, into *re (REG_EXTENDED | REG_NOSUB);
 * the pattern must also compile alone, so a stray ")" cannot close the
 * anchoring group early.  -1 with regcomp's words in err.
 */
int	conf_ticket_compile(const char *pattern, regex_t *re, char *err,
	    size_t errlen);
/* ticket against the set, the length and re (NULL: no pattern). */
enum vg_ticket_problem conf_ticket_check(const regex_t *re,
	    const char *ticket);

#endif
