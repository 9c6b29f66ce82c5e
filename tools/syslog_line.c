/* SPDX-License-Identifier: ISC */
/*
 * The header of a syslog line: PRI, timestamp, host, tag (syslog_line.h
 * lists the forms).  Each field is checked for its shape, so a line is
 * cut the way the syslog daemon wrote it and the tag is the one syslog
 * put there: text inside another program's message never becomes a tag.
 */
#include <string.h>

#include "syslog_line.h"

#define DIGITS	"0123456789"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNov"
    "Dec";

/* "<N>" with 1 to 3 digits: past it, or NULL. */
static const char *
skip_pri(const char *p)
{
	size_t n;

	if (*p != '<')
		return NULL;
	n = strspn(p + 1, DIGITS);
	if (n < 1 || n > 3 || p[1 + n] != '>')
		return NULL;
	return p + 2 + n;
}

/* s holds n digits */
static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "hh:mm:ss" */
static int
clock_shape(const char *p)
{
	return digits(p, 2) && p[2] == ':' && digits(p + 3, 2) &&
	    p[5] == ':' && digits(p + 6, 2);
}

/* "Mmm dd hh:mm:ss" (dd space-padded): past it, or NULL. */
static const char *
ts3164(const char *p)
{
	const char *m;

	if (strlen(p) < 15 || p[3] != ' ' || p[6] != ' ')
		return NULL;
	for (m = months; *m != '\0'; m += 3)
		if (strncmp(p, m, 3) == 0)
			break;
	if (*m == '\0' || !(p[4] == ' ' || digits(p + 4, 1)) ||
	    !digits(p + 5, 1) || !clock_shape(p + 7))
		return NULL;
	return p + 15;
}

/* "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)": past it, or NULL. */
static const char *
ts3339(const char *p)
{
	size_t n;

	if (strlen(p) < 20 || !digits(p, 4) || p[4] != '-' ||
	    !digits(p + 5, 2) || p[7] != '-' || !digits(p + 8, 2) ||
	    p[10] != 'T' || !clock_shape(p + 11))
		return NULL;
	p += 19;
	if (*p == '.') {
		n = strspn(p + 1, DIGITS);
		if (n < 1 || n > 9)
			return NULL;
		p += 1 + n;
	}
	if (*p == 'Z')
		return p + 1;
	if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' &&
	    digits(p + 4, 2))
		return p + 6;
	return NULL;
}

/* A field up to the next space: its length, 0 when empty. */
static size_t
field(const char *p)
{
	return strcspn(p, " ");
}

/*
 * A tag of n bytes at p: "name:" or "name[digits]:", the name without
 * '[', ':' or control bytes.  The name's length, or 0 when not a tag.
 */
static size_t
tag_name(const char *p, size_t n)
{
	size_t k, d;

	if (n < 2 || p[n - 1] != ':')
		return 0;
	for (k = 0; k < n - 1; k++)
		if (p[k] == '[' || p[k] == ':' || (unsigned char)p[k] < 0x21)
			break;
	if (k == 0)
		return 0;
	if (k == n - 1)
		return k;
	if (p[k] != '[')
		return 0;
	d = strspn(p + k + 1, DIGITS);
	return d >= 1 && k + 1 + d + 2 == n && p[k + 1 + d] == ']' ? k : 0;
}

/* TAG at p, then one space and the message. */
static int
take_tag(const char *p, struct syslog_line *sl)
{
	size_t n = field(p);

	if ((sl->applen = tag_name(p, n)) == 0)
		return -1;
	sl->app = p;
	p += n;
	sl->msg = *p == ' ' ? p + 1 : p;
	return 0;
}

/* BSD style: TIMESTAMP [HOST] TAG MSG; no HOST only in a datagram. */
static int
bsd(const char *p, int datagram, struct syslog_line *sl)
{
	const char *e;
	size_t n;

	if ((e = ts3164(p)) == NULL && (e = ts3339(p)) == NULL)
		return -1;
	if (*e != ' ')
		return -1;
	p = e + 1;
	n = field(p);
	if (datagram && tag_name(p, n) != 0) {
		sl->host = NULL;
		return take_tag(p, sl);
	}
	if (n == 0 || p[n] != ' ')
		return -1;
	sl->host = p;
	sl->hostlen = n;
	return take_tag(p + n + 1, sl);
}

/* Past one SD-ELEMENT "[id param="value" ...]", or NULL. */
static const char *
sd_element(const char *p)
{
	int quoted = 0;

	for (p++; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ']')
			return p + 1;
	}
	return NULL;
}

/* RFC 5424 after "1 ": TIMESTAMP HOST APP PROCID MSGID SD [SP MSG] */
static int
rfc5424(const char *p, struct syslog_line *sl)
{
	const char *f[4];
	size_t i, n;

	if (*p == '-')
		p++;
	else if ((p = ts3339(p)) == NULL)
		return -1;
	for (i = 0; i < 4; i++) {
		if (*p != ' ' || (n = field(p + 1)) == 0)
			return -1;
		f[i] = p + 1;
		p += 1 + n;
	}
	sl->host = f[0];
	sl->hostlen = field(f[0]);
	sl->app = f[1];
	sl->applen = field(f[1]);
	if (*p != ' ')
		return -1;
	if (*++p == '-')
		p++;
	else
		while (*p == '[')
			if ((p = sd_element(p)) == NULL)
				return -1;
	if (*p != '\0' && *p != ' ')
		return -1;
	sl->msg = *p == ' ' ? p + 1 : p;
	/* a UTF-8 message may start with a BOM */
	if (strncmp(sl->msg, "\xef\xbb\xbf", 3) == 0)
		sl->msg += 3;
	return 0;
}

int
syslog_line_parse(const char *line, struct syslog_line *sl)
{
	const char *p;
	int pri;

	memset(sl, 0, sizeof(*sl));
	pri = (p = skip_pri(line)) != NULL;
	if (!pri)
		p = line;
	if (p[0] == '1' && p[1] == ' ')
		return rfc5424(p + 2, sl);
	return bsd(p, pri, sl);
}

int
syslog_line_is(const struct syslog_line *sl, const char *name)
{
	return sl->app != NULL && sl->applen == strlen(name) &&
	    strncmp(sl->app, name, sl->applen) == 0;
}
