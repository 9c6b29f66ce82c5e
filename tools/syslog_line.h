/* SPDX-License-Identifier: ISC */
/*
 * One line of a syslog file, cut into its header fields where syslog
 * puts them (syslog_line.c), so that verify --against takes a line as
 * vncgate's only by its tag, never by text anywhere in the line: another
 * program's message may hold "vncgate[1]: seq=999" (a user can put it
 * into sshd's log as a user name).
 */
#ifndef VG_SYSLOG_LINE_H
#define VG_SYSLOG_LINE_H

#include <stddef.h>

struct syslog_line {
	const char	*host;		/* NULL: a datagram as sent, no host */
	size_t		 hostlen;
	const char	*app;		/* the program name: tag without [pid]: */
	size_t		 applen;
	const char	*msg;		/* the message, after the header */
};

/*
 * Cut line (NUL-terminated) into host, program and message.  The forms
 * (rsyslog's defaults, and what a program sends to /dev/log):
 *
 *   Mmm dd hh:mm:ss HOST TAG MSG            RSYSLOG_TraditionalFileFormat
 *   YYYY-MM-DDThh:mm:ss[.f]+hh:mm HOST TAG MSG    RSYSLOG_FileFormat
 *   <PRI>TIMESTAMP HOST TAG MSG             RSYSLOG_ForwardFormat
 *   <PRI>Mmm dd hh:mm:ss TAG MSG            a datagram as sent (no host)
 *   [<PRI>]1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]    RFC 5424
 *
 * where TAG is "name:" or "name[digits]:".  Returns 0, or -1 when the
 * line has none of these shapes (then it is no program's record).
 */
int	syslog_line_parse(const char *line, struct syslog_line *);

/* Is the line's program exactly name? */
int	syslog_line_is(const struct syslog_line *, const char *name);

#endif
