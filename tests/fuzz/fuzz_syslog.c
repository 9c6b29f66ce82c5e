/* SPDX-License-Identifier: ISC */
/*
 * The syslog line header of vncgate-audit verify --against
 * (tools/syslog_line.c), which reads a collector's file: any host's and
 * any program's text.  Whatever the line, the fields it returns lie
 * inside the line, in order, without spaces in host and program; and a
 * line it says is vncgate's has "vncgate" where the header puts the
 * program, never only inside the message.
 */
#include <string.h>

#include "fuzz.h"
#include "syslog_line.h"

#define LINEMAX	8192

static int
inside(const char *line, size_t len, const char *p, size_t n)
{
	return p >= line && p + n <= line + len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[LINEMAX + 1];
	struct syslog_line sl;
	size_t len;

	len = size < LINEMAX ? size : LINEMAX;
	memcpy(line, data, len);
	line[len] = '\0';
	len = strlen(line);
	if (syslog_line_parse(line, &sl) == -1)
		return 0;
	FZ_CHECK(sl.app != NULL && sl.applen > 0 && sl.msg != NULL);
	FZ_CHECK(inside(line, len, sl.app, sl.applen));
	FZ_CHECK(memchr(sl.app, ' ', sl.applen) == NULL);
	FZ_CHECK(inside(line, len, sl.msg, strlen(sl.msg)));
	FZ_CHECK(sl.msg >= sl.app + sl.applen);
	if (sl.host != NULL) {
		FZ_CHECK(sl.hostlen > 0 && inside(line, len, sl.host,
		    sl.hostlen));
		FZ_CHECK(memchr(sl.host, ' ', sl.hostlen) == NULL);
		FZ_CHECK(sl.host + sl.hostlen < sl.app);
	}
	if (syslog_line_is(&sl, "vncgate"))
		FZ_CHECK(strncmp(sl.app, "vncgate", 7) == 0 &&
		    sl.app + 7 <= sl.msg);
	return 0;
}
