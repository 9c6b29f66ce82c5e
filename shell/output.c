/* SPDX-License-Identifier: ISC */
/*
 * Showing a console URL.  `url TARGET` is for scripts: exactly one line.
 * A bare TARGET is for people and grows a QR code on a terminal when
 * `output` allows; `qr TARGET` asks for the QR code outright (DESIGN
 * 1.3).  The QR code comes first and the URL last, so the URL stays on
 * screen next to the prompt however tall the code is.
 */
#include <sys/ioctl.h>

#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define DEFAULT_COLUMNS	80

/* Sentences the operator may see, in one place for the translators. */
#define M_BAD_URL	N_("the console URL holds characters a terminal " \
			"could act on, so it is not shown; tell your admin")
/* TRANSLATORS: %s is why, e.g. the terminal is too narrow */
#define M_NO_QR		N_("no QR code: %s")

enum parts { PART_URL = 1, PART_QR = 2 };

/*
 * stdout's buffer.  stdio's own would keep the last URL printed until
 * exit, which frees it unwiped (DESIGN 1.2: a console URL is a secret
 * until it expires); this one is wiped once a URL has been written out,
 * and at the end.
 */
static char outbuf[BUFSIZ];

void
output_init(void)
{
	/* as stdio would buffer: by the line on a terminal */
	setvbuf(stdout, outbuf, isatty(1) ? _IOLBF : _IOFBF, sizeof(outbuf));
}

/*
 * After a flush.  What a failed flush left in the buffer is dropped, so
 * that no later flush (exit's) writes the wiped bytes out as zeros.
 */
void
output_wipe(void)
{
	__fpurge(stdout);
	vg_wipe(outbuf, sizeof(outbuf));
}

int
tty_columns(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return DEFAULT_COLUMNS;
}

/* A terminal that can show the half blocks, as far as we can tell. */
static int
capable_tty(void)
{
	const char *t = getenv("TERM");

	return isatty(1) && t != NULL && t[0] != '\0' &&
	    strcmp(t, "dumb") != 0;
}

/* Which parts a bare TARGET shows, by `output` (vncgate.conf(5)). */
static int
target_parts(const struct shell *sh)
{
	switch (sh->conf.output) {
	case VG_OUT_URL:
		return PART_URL;
	case VG_OUT_QR:
		return isatty(1) ? PART_QR : PART_URL;
	case VG_OUT_BOTH:
		return isatty(1) ? PART_QR | PART_URL : PART_URL;
	default:
		return capable_tty() ? PART_QR | PART_URL : PART_URL;
	}
}

static int
parts_for(const struct shell *sh, enum show_how how)
{
	if (how == SHOW_URL_LINE)
		return PART_URL;
	if (how == SHOW_QR)
		return PART_QR | PART_URL;
	return target_parts(sh);
}

int
show_url(struct shell *sh, const char *url, enum show_how how)
{
	char why[VG_ERRLEN];
	int parts = parts_for(sh, how);

	/* built from checked parts only; checked again at the last step */
	if (!term_safe(url)) {
		warnx(_(M_BAD_URL));
		return EXIT_RUNTIME;
	}
	if ((parts & PART_QR) &&
	    qr_print(stdout, url, tty_columns(1), why, sizeof(why)) == -1) {
		fflush(stdout);
		warnx(_(M_NO_QR), why);
		parts |= PART_URL;	/* never nothing at all */
	}
	if ((parts & PART_URL) && printf("%s\n", url) < 0)
		return EXIT_RUNTIME;
	if (fflush(stdout) == EOF)
		return EXIT_RUNTIME;
	output_wipe();
	return EXIT_OK;
}
