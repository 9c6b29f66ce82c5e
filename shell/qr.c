/* SPDX-License-Identifier: ISC */
/*
 * A console URL as a QR code on the terminal (libqrencode).  ECC level L
 * keeps the code small: a 400-character URL is version 13, 69 modules,
 * 73 columns with the quiet zone, so it fits 80.  One character cell
 * holds two modules, one above the other, with the half blocks; dark
 * modules are drawn filled, light ones as spaces.
 */
#include <qrencode.h>
#include <stdio.h>

#include "shell.h"
#include "util.h"

#define QUIET		2	/* modules of quiet zone on every side */

/* Sentences the operator may see, in one place for the translators. */
#define M_QR_FAILED	N_("the QR code could not be made")
#define M_QR_NARROW	N_("the terminal is %d columns wide and the QR " \
			"code needs %d")

/* Cell for (upper, lower) dark: index upper * 2 + lower. */
static const char *const cells[4] = {
	" ",		/* both light */
	"\u2584",	/* lower half block: the lower one dark */
	"\u2580",	/* upper half block */
	"\u2588",	/* full block */
};

/* Is module (x, y) dark, counting the quiet zone in the coordinates? */
static int
dark(const QRcode *q, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

static void
draw(FILE *fp, const QRcode *q)
{
	int size = q->width + 2 * QUIET, x, y;

	for (y = 0; y < size; y += 2) {
		for (x = 0; x < size; x++)
			fputs(cells[dark(q, x, y) * 2 + dark(q, x, y + 1)], fp);
		fputc('\n', fp);
	}
}

int
qr_print(FILE *fp, const char *url, int cols, char *why, size_t whylen)
{
	QRcode *q;
	int size, rc = 0;

	q = QRcode_encodeString(url, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (q == NULL) {
		vg_seterr(why, whylen, _(M_QR_FAILED));
		return -1;
	}
	size = q->width + 2 * QUIET;
	if (size > cols) {
		vg_seterr(why, whylen, _(M_QR_NARROW), cols, size);
		rc = -1;
	} else
		draw(fp, q);
	/* the modules spell the URL, a secret until it expires */
	vg_wipe(q->data, (size_t)q->width * (size_t)q->width);
	QRcode_free(q);
	return rc;
}
