/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit: the auditors' tool (DESIGN 1.7).  vncgate-audit.c reads
 * the arguments, audit_verify.c checks the chain, audit_show.c prints it,
 * audit_read.c reads the files for both.
 */
#ifndef VG_AUDIT_TOOL_H
#define VG_AUDIT_TOOL_H

#include <err.h>
#include <stdio.h>

#include "util.h"

/* Exit codes, as `vncgate-audit --help` documents them. */
enum {
	AX_OK = 0,		/* verified, or shown */
	AX_BAD = 1,		/* verification failed; a line not a record */
	AX_USAGE = 2,		/* unknown command, option or TIME */
	AX_UNREADABLE = 3,	/* a file cannot be read */
};

#define TOOL_MAXFILES	64	/* verify FILE...: the rotated files too */

/* What the command line asked for. */
struct tool_args {
	const char	*cmd;		/* "verify" or "show" */
	const char	*file;		/* the first FILE (show: the one) */
	const char	*files[TOOL_MAXFILES];	/* verify: oldest first */
	size_t		 nfiles;
	const char	*against;	/* verify --against LOG */
	const char	*user;		/* show --user */
	const char	*instance;	/* show --instance */
	const char	*since;		/* show --since, as given */
	long long	 since_ms;	/* ... parsed: ms since the epoch */
	int		 json;		/* show --json */
};

/* One file read line by line; lineno counts from 1. */
struct reader {
	const char	*path;
	FILE		*f;
	char		*line;
	size_t		 cap;
	size_t		 lineno;
	long long	 off;	/* bytes read so far */
	long long	 end;	/* the size under the lock; -1: no end */
};

/*
 * Open path for reading.  lock: it is an audit file, so its size is
 * taken under the writers' lock (a shared flock on its folder, with the
 * deadline of audit.lock_timeout's default), which is let go at once:
 * the lines up to that size are whole records or a torn tail that was
 * there, and writers only append after it, so nothing is read half
 * written while no reader, however slowly its output is read (a
 * pager), holds the writers back.  A folder that stays locked is a
 * failure (a sentence); one that cannot be opened is read unlocked.
 */
int	reader_open(struct reader *, const char *path, int lock);
/*
 * The next line without its newline: 1 and *len, *nl (had a newline);
 * 0 at the end; -1 on a read error (said on stderr).
 */
int	reader_next(struct reader *, size_t *len, int *nl);
void	reader_close(struct reader *);

/*
 * One line on stderr, "vncgate-audit: " first: err(3)'s warnx, the one
 * warning line of vncgate's programs (the shell's too), under the name
 * main() sets.
 */
#define tool_warn	warnx

/*
 * Append s for a terminal: printable ASCII as is, a backslash doubled,
 * every other byte as \xHH, so a record's bytes cannot drive the
 * auditor's terminal.  At most max bytes of s (0: all), then "...".
 */
void	tool_safe(struct vg_buf *, const char *s, size_t max);

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]", UTC; -1 when not a time. */
int	tool_parse_time(const char *s, long long *ms);

int	verify_run(const struct tool_args *);
int	show_run(const struct tool_args *);

#endif
