/* SPDX-License-Identifier: ISC */
/*
 * A console URL as a QR code on the terminal (libqrencode).  ECC level L
 * keeps the code small: a 400-character URL is version 13, 69 modules,
 * 73 columns with the quiet zone, so it fits 80.  One character cell
 * holds two modules, one above the other, with the half blocks; dark
 * modules are drawn filled, light ones as spaces.
 *
 * libqrencode copies the URL into blocks of its own and frees them
 * unwiped, and it has no allocation hook: the URL, a secret until it
 * expires, would stay in this process's heap (DESIGN 1.2).  So the code
 * is made in a child process that ends at once, taking its heap with
 * it, and only the modules come back, through a pipe.  A child that
 * fails or cannot be made is "no QR code": the URL is shown anyway.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <qrencode.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "shell.h"
#include "util.h"

#define QUIET		2	/* modules of quiet zone on every side */
#define WIDTH_MAX	177	/* version 40 */

/* Sentences the operator may see, in one place for the translators. */
#define M_QR_FAILED	N_("the QR code could not be made")
#define M_QR_NARROW	N_("the terminal is %d columns wide and the QR " \
			"code needs %d")

/* The modules: width * width bytes, 1 for a dark one. */
struct qr {
	int		 width;
	unsigned char	 m[WIDTH_MAX * WIDTH_MAX];
};

/* Cell for (upper, lower) dark: index upper * 2 + lower. */
static const char *const cells[4] = {
	" ",		/* both light */
	"\u2584",	/* lower half block: the lower one dark */
	"\u2580",	/* upper half block */
	"\u2588",	/* full block */
};

/* Is module (x, y) dark, counting the quiet zone in the coordinates? */
static int
dark(const struct qr *q, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->m[y * q->width + x];
}

static void
draw(FILE *fp, const struct qr *q)
{
	int size = q->width + 2 * QUIET, x, y;

	for (y = 0; y < size; y += 2) {
		for (x = 0; x < size; x++)
			fputs(cells[dark(q, x, y) * 2 + dark(q, x, y + 1)], fp);
		fputc('\n', fp);
	}
}

/* The child: the width in one byte (0: none), then the modules. */
static void __attribute__((noreturn))
child(const char *url, int fd)
{
	sigset_t all;
	QRcode *q;
	unsigned char w = 0;
	int i, n = 0;

	/* the menu's handlers are the parent's business */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	q = QRcode_encodeString(url, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (q != NULL && q->width > 0 && q->width <= WIDTH_MAX) {
		w = (unsigned char)q->width;
		n = q->width * q->width;
		for (i = 0; i < n; i++)
			q->data[i] &= 1;
	}
	if (vg_write_all(fd, &w, 1) == -1 ||
	    (n > 0 && vg_write_all(fd, q->data, (size_t)n) == -1))
		_exit(1);
	/* no exit(): the parent's stdio buffers are not the child's to flush */
	_exit(0);
}

/* The modules of url, made by a child; -1 when there are none. */
static int
encode(const char *url, struct qr *q)
{
	unsigned char w;
	int fds[2], rc = -1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(fds[0]);
		child(url, fds[1]);
	}
	close(fds[1]);
	if (pid != -1 && vg_read_full(fds[0], &w, 1) == 1 && w > 0) {
		q->width = w;
		rc = vg_read_full(fds[0], q->m, (size_t)w * w) ==
		    (ssize_t)w * w ? 0 : -1;
	}
	close(fds[0]);
	while (pid != -1 && waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
	return rc;
}

int
qr_print(FILE *fp, const char *url, int cols, char *why, size_t whylen)
{
	struct qr *q;
	int size, rc = 0;

	if ((q = calloc(1, sizeof(*q))) == NULL || encode(url, q) == -1)
		rc = -1;
	if (rc == -1)
		vg_seterr(why, whylen, _(M_QR_FAILED));
	else if ((size = q->width + 2 * QUIET) > cols) {
		vg_seterr(why, whylen, _(M_QR_NARROW), cols, size);
		rc = -1;
	} else
		draw(fp, q);
	/* the modules spell the URL, a secret until it expires */
	if (q != NULL)
		vg_wipe(q, sizeof(*q));
	free(q);
	return rc;
}
