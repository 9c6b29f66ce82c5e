/*
 * Showing a console URL.  `url TARGET` is for scripts: exactly one line.
 * A bare TARGET is for people and may grow a QR code on a terminal.
 */
#include <stdio.h>

#include "shell.h"

int
show_url(struct shell *sh, const char *url, enum show_how how)
{
	(void)sh;
	(void)how;
	if (printf("%s\n", url) < 0 || fflush(stdout) == EOF)
		return EXIT_RUNTIME;
	return EXIT_OK;
}
