/* SPDX-License-Identifier: ISC */
/*
 * The operator's language (issue 3): gettext, domain "vncgate", the
 * catalogues from po/.
 *
 * Only what the operator reads is translated, and only through _() and
 * P_().  The process stays in the C locale for everything but LC_CTYPE
 * (wcwidth: CJK is two cells), so strerror() and pam_strerror() in a
 * record, a number in a record and an ACL pattern match all read the
 * same whatever LANG the client sent.  The operator's LC_MESSAGES lives
 * in a locale object that is current only while gettext looks up one
 * of our sentences, or while the PAM modules talk to the operator.
 *
 * The shell writes UTF-8 (term.c, the QR code): a locale of another
 * character set gets the English text rather than bytes it cannot show.
 */
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "shell.h"

#define DOMAIN		"vncgate"
#define FLAGS		"#0- +'123456789.*$hlLqjzt"	/* before the
							   conversion */

/* LC_MESSAGES and LC_CTYPE of the operator; (locale_t)0: English. */
static locale_t op;

void
i18n_init(const char *localedir)
{
	locale_t l;

	setlocale(LC_CTYPE, "");
	l = newlocale(LC_CTYPE_MASK | LC_MESSAGES_MASK, "", (locale_t)0);
	if (l == (locale_t)0)
		return;
	if (strcmp(nl_langinfo_l(CODESET, l), "UTF-8") != 0 ||
	    bindtextdomain(DOMAIN, localedir) == NULL ||
	    bind_textdomain_codeset(DOMAIN, "UTF-8") == NULL ||
	    textdomain(DOMAIN) == NULL) {
		freelocale(l);
		return;
	}
	op = l;
}

void
i18n_end(void)
{
	if (op != (locale_t)0)
		freelocale(op);
	op = (locale_t)0;
}

/* The next conversion in a printf format and its length; NULL: none. */
static const char *
conversion(const char *p, size_t *len)
{
	const char *end;

	if ((p = strchr(p, '%')) == NULL)
		return NULL;
	end = p + 1 + strspn(p + 1, FLAGS);
	*len = (size_t)(end - p) + (*end != '\0');
	return p;
}

/*
 * The translation is used as a printf format: it must hold the same
 * conversions in the same order, or a broken catalogue could read
 * arguments that are not there.  msgfmt --check says so too, but the
 * catalogue is a file and this is the last line.
 */
static int
same_conversions(const char *a, const char *b)
{
	size_t la, lb;

	for (;;) {
		a = conversion(a, &la);
		b = conversion(b, &lb);
		if (a == NULL || b == NULL)
			return a == b;
		if (la != lb || strncmp(a, b, la) != 0)
			return 0;
		a += la;
		b += lb;
	}
}

const char *
i18n_gettext(const char *msgid)
{
	locale_t was;
	const char *s;

	/* "" is the catalogue's header, not a sentence */
	if (op == (locale_t)0 || msgid[0] == '\0')
		return msgid;
	was = uselocale(op);
	s = dgettext(DOMAIN, msgid);
	uselocale(was);
	return same_conversions(msgid, s) ? s : msgid;
}

const char *
i18n_ngettext(const char *one, const char *many, unsigned long n)
{
	const char *english = n == 1 ? one : many;
	locale_t was;
	const char *s;

	if (op == (locale_t)0)
		return english;
	was = uselocale(op);
	s = dngettext(DOMAIN, one, many, n);
	uselocale(was);
	return same_conversions(english, s) ? s : english;
}

locale_t
i18n_use(void)
{
	return op != (locale_t)0 ? uselocale(op) : (locale_t)0;
}

void
i18n_restore(locale_t was)
{
	if (was != (locale_t)0)
		uselocale(was);
}
