/* SPDX-License-Identifier: ISC */
/*
 * What verify keeps of the audit file for --against: audit_verify.c
 * reads the file into it, audit_against.c checks syslog against it.
 */
#ifndef VG_AUDIT_VERIFY_H
#define VG_AUDIT_VERIFY_H

#include <stddef.h>

#include "audit.h"

/*
 * chains[i] is the chain of seq first + i; n records were read, nrepair
 * of them audit_repair.  first is 1, or K + 1 for files that continue a
 * chain after seq K (a rotation).
 */
struct chainv {
	unsigned long long	  n;
	unsigned long long	  first;
	unsigned long long	  nrepair;
	char			  prev[AUDIT_HASHHEX + 1];
	char			(*chains)[AUDIT_CHAINHEX + 1];
	size_t			  cap;
	int			  keep;		/* keep chains and hosts */
	char			**hosts;	/* the records' distinct hosts */
	size_t			  nhosts;
};

/* Keep one record's chain (from its hash) and host; -1: out of memory. */
int	chainv_keep(struct chainv *, const char *line, size_t len,
	    const char *hash);
void	chainv_free(struct chainv *);

/*
 * "ok N records", then ", R repairs" when there are some (the words of
 * DESIGN 1.7, whatever N and R), then ", continuing after seq K" when
 * the first record is not seq 1: into b.
 */
void	chainv_summary(const struct chainv *, struct vg_buf *b);

/*
 * Check the syslog file log against v: print the summary and ", M
 * syslog lines agree", or each finding, and return the exit code
 * (AX_*).
 */
int	verify_against(const char *log, const struct chainv *);

#endif
