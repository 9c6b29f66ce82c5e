/*
 * The value checks of vncgate.conf and the access_key file (DESIGN 1.5),
 * kept apart from the libconfuse glue in conf.c: plain strings and numbers
 * in, NULL (fine) or a phrase saying what is wrong out.  Internal to lib/
 * (conf.c, acl.c); it does not need confuse.h.
 */
#ifndef VG_CONFCHECK_H
#define VG_CONFCHECK_H

#include <stddef.h>
#include <stdio.h>

/* The rule for a string key, named "[section|]key" as libconfuse does. */
struct confcheck_str {
	const char	*name;
	const char	*(*bad)(const char *);
	int		 empty_ok;
	int		 keyfile;	/* a key of the access_key file */
};

/* The i-th string rule, to register callbacks by; NULL past the end. */
const struct confcheck_str *confcheck_str_rule(size_t i);

/* The rule for name; NULL when the key has none. */
const struct confcheck_str *confcheck_str_find(const char *name);

/* NULL when v passes the rule, else what is wrong ("must not be empty"). */
const char *confcheck_str(const struct confcheck_str *, const char *v);

/* -1, with the bounds in *min and *max, when v is out of key's range. */
int	confcheck_range(const char *key, long v, long *min, long *max);

/* The value of word among key's choices; -1 when it is not one of them. */
int	confcheck_choose(const char *key, const char *word);

/* key's choices as a phrase: "login or issuance", "auto, url, qr or both". */
void	confcheck_choices(const char *key, char *out, size_t outlen);

/* NULL when an instance tag is K=V, else what is wrong. */
const char *confcheck_tag(const char *tag);

/*
 * What libconfuse lets through unseen, looked for before the parse: calls
 * subst(arg, line) for every ${ it would substitute from the environment,
 * rewinds f, and returns the line of a '{' never closed (a truncated
 * file), or 0.
 */
int	confcheck_prescan(FILE *f, void (*subst)(void *arg, int line),
	    void *arg);

#endif
