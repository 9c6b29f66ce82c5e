/* SPDX-License-Identifier: ISC */
/* Problems in config and ACL files: see diag.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "util.h"

void
diag_init(struct vg_diags *ds)
{
	memset(ds, 0, sizeof(*ds));
}

void
diag_add(struct vg_diags *ds, const char *file, int line, const char *fmt,
    ...)
{
	struct vg_diag *d;
	va_list ap;

	if (ds == NULL)
		return;
	if (ds->n == VG_DIAG_MAX) {
		ds->dropped++;
		return;
	}
	d = &ds->d[ds->n++];
	vg_strlcpy(d->file, file != NULL ? file : "?", sizeof(d->file));
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void
diag_format(const struct vg_diag *d, char *out, size_t outlen)
{
	if (d->line > 0)
		snprintf(out, outlen, "%s:%d: %s", d->file, d->line, d->msg);
	else
		snprintf(out, outlen, "%s: %s", d->file, d->msg);
}
