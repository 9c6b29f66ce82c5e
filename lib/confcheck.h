/* SPDX-License-Identifier: ISC */
/*
 * The value checks of vncgate.conf and the access_key file (DESIGN 1.5),
 * kept apart from the libconfuse glue in conf_parse.c: plain strings and
 * numbers in, NULL (fine) or a phrase saying what is wrong out; and what
 * the two libconfuse readers share: the pre-parse scan (confcheck_scan.c),
 * the index of names (confcheck_index.h), the hidden option's name, the
 * wording of problems.  Internal to lib/ (conf, acl); it does not need
 * confuse.h.
 */
#ifndef VG_CONFCHECK_H
#define VG_CONFCHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "confcheck_index.h"
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
#define CONFCHECK_CTX_KEY	"|ctx"

/* The rule for a string key, named "[section|]key" as libconfuse does. */
struct confcheck_str {
	const char	*name;
	const char	*(*bad)(const char *);
	int		 empty_ok;
	int		 keyfile;	/* a key of the access_key file */
};

/* The i-th string rule, to register callbacks by; NULL past the end. */
const struct confcheck_str *confcheck_str_rule(size_t i);

/* The rule for key of section (NULL: the top level); NULL when none. */
const struct confcheck_str *confcheck_str_find(const char *section,
	    const char *key);

/* NULL when v passes the rule, else what is wrong ("must not be empty"). */
const char *confcheck_str(const struct confcheck_str *, const char *v);

/* -1, with the bounds in *min and *max, when v is out of key's range. */
int	confcheck_range(const char *key, long v, long *min, long *max);

/* The value of word among key's choices; -1 when it is not one of them. */
int	confcheck_choose(const char *key, const char *word);

/* key's choices as a phrase: "login or issuance", "auto, url, qr or both". */
void	confcheck_choices(const char *key, char *out, size_t outlen);

/*
 * How many bytes s starts with of A-Z a-z 0-9 and extra: strspn, without
 * the 256-byte table glibc builds on every call with a long set (the
 * names of a 10,000-line inventory or ACL).
 */
size_t	confcheck_span(const char *s, const char *extra);
/* vg_charset_ok with the set A-Z a-z 0-9 and extra. */
int	confcheck_charset(const char *s, const char *extra, size_t max);

/* NULL when an instance tag is K=V, else what is wrong. */
const char *confcheck_tag(const char *tag);

/* What libconfuse would let through unseen, as confcheck_prescan meets it. */
enum confcheck_find {
	CONFCHECK_SUBST,	/* a ${ it fills in from the environment */
	CONFCHECK_DOLLAR,	/* a ${ it keeps as text: comment, '...', \${ */
	CONFCHECK_NUL,		/* a NUL byte: a value would end there */
};

/*
 * Read f before the parse, following the lexer's quotes and comments:
 * calls found(arg, what, line) for each of the above, rewinds f, and
 * returns the line of the outermost '{' never closed (a truncated file),
 * or 0.  A file that ends inside a string also gives 0: libconfuse
 * refuses that by itself.
 */
int	confcheck_prescan(FILE *f,
	    void (*found)(void *arg, enum confcheck_find, int line), void *arg);

/*
 * The policy to open vncgate.conf or acl.conf with: pol, with the config
 * cap (SECFILE_MAX_CONFIG) where pol leaves the size to the default, which
 * is the access key's; the strict default when pol is NULL.  Returns pol
 * itself or buf.
 */
const struct secfile_policy *confcheck_policy(const struct secfile_policy *pol,
	    struct secfile_policy *buf);

/*
 * Add a problem of path (FILE:LINE: message; line 0: FILE: message).
 * Control bytes become '?': -t prints problems on a terminal, and a
 * message may quote the file.
 */
void	confcheck_vdiag(struct vg_diags *, const char *path, int line,
	    const char *fmt, va_list) __attribute__((format(printf, 4, 0)));

/*
 * secfile's refusal of path as a problem of path: its sentence, without
 * the path that the problem names already ("the file is group-writable",
 * "the file is owned by uid 1000, not by uid 0").
 */
void	confcheck_secfile(struct vg_diags *, const char *path,
	    const char *err);

#endif
