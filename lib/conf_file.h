/* SPDX-License-Identifier: ISC */
/*
 * What the two libconfuse readers, of vncgate.conf (conf_parse.c) and of
 * acl.conf (acl_load.c), share about the file itself: the policy to open
 * it with, the scan before the parse, the hidden option that leads
 * callbacks to the parse state, and the wording of problems.  It does
 * not need confuse.h.
 */
#ifndef VG_CONF_FILE_H
#define VG_CONF_FILE_H

#include <stdarg.h>
#include <stdio.h>

#include "diag.h"
#include "secfile.h"

/*
 * libconfuse 3.3 has no user pointer in cfg_t.  Every option table gets
 * one hidden "simple" option of this name whose value pointer leads to
 * the parse state, so callbacks reach it from any section without global
 * state.  A file can name it ("|ctx" = 1) but never set it: libconfuse
 * refuses to set a pointer option that has no parse callback, and the
 * parse fails.
 */
#define CONF_CTX_KEY	"|ctx"

/* What libconfuse would let through unseen, as conf_prescan meets it. */
enum conf_find {
	CONF_FIND_SUBST,	/* a ${ it fills in from the environment */
	CONF_FIND_DOLLAR,	/* a ${ it keeps as text: comment, '...', \${ */
	CONF_FIND_NUL,		/* a NUL byte: a value would end there */
};

/*
 * Read f before the parse, following the lexer's quotes and comments:
 * calls found(arg, what, line) for each of the above, rewinds f, and
 * returns the line of the outermost '{' never closed (a truncated file),
 * or 0.  A file that ends inside a string also gives 0: libconfuse
 * refuses that by itself.
 */
int	conf_prescan(FILE *f,
	    void (*found)(void *arg, enum conf_find, int line), void *arg);
/* The same over the n bytes at p, a file read whole (the access key). */
int	conf_prescan_mem(const char *p, size_t n,
	    void (*found)(void *arg, enum conf_find, int line), void *arg);

/*
 * The policy to open vncgate.conf or acl.conf with: pol, with the config
 * cap (SECFILE_MAX_CONFIG) where pol leaves the size to the default, which
 * is the access key's; the strict default when pol is NULL.  Returns pol
 * itself or buf.
 */
const struct secfile_policy *conf_file_policy(const struct secfile_policy *,
	    struct secfile_policy *buf);

/*
 * Add a problem of path (FILE:LINE: message; line 0: FILE: message).
 * Control bytes become '?': -t prints problems on a terminal, and a
 * message may quote the file.
 */
void	conf_file_vdiag(struct vg_diags *, const char *path, int line,
	    const char *fmt, va_list) __attribute__((format(printf, 4, 0)));

/*
 * secfile's refusal of path as a problem of path: its sentence, without
 * the path that the problem names already ("the file is group-writable",
 * "the file is owned by uid 1000, not by uid 0").
 */
void	conf_file_secfile(struct vg_diags *, const char *path,
	    const char *err);

#endif
