/* SPDX-License-Identifier: ISC */
/*
 * Problems found in config and ACL files, reported as FILE:LINE: message
 * (line 0 when no line applies, printed as FILE: message).
 */
#ifndef VG_DIAG_H
#define VG_DIAG_H

#include <stddef.h>

#define VG_DIAG_MAX	32

struct vg_diag {
	char	file[256];
	int	line;
	char	msg[256];
};

struct vg_diags {
	struct vg_diag	d[VG_DIAG_MAX];
	size_t		n;
	size_t		dropped;	/* problems past VG_DIAG_MAX */
};

void	diag_init(struct vg_diags *);
void	diag_add(struct vg_diags *, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "FILE:LINE: message" (or "FILE: message") into out. */
void	diag_format(const struct vg_diag *, char *out, size_t outlen);

#endif
