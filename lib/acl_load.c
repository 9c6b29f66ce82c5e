/* SPDX-License-Identifier: ISC */
/*
 * acl.conf (DESIGN 1.6, 1.12): read with libconfuse into plain rules,
 * then decided without it (acl_match.c).  Default deny; a matching deny
 * wins; breakglass rules grant emergency access unless a deny with
 * `final = true` matches.
 *
 * Parsing validates every value where libconfuse hands it over (a parse
 * callback per value, a validate callback per rule) and keeps going, so
 * `vncgate-shell -t` shows every problem at once, as FILE:LINE: message.
 * What makes a value good lives in acl_value.c; this file ties it to
 * libconfuse and words the messages about rules and the file.
 *
 * Each rule is copied out and dropped from libconfuse at its closing
 * brace: kept, the blocks would cost about 2 KiB each until the end, and
 * libconfuse would compare every new rule's name with all the earlier
 * ones (quadratic: 10,000 rules took a second).  Duplicate names are
 * found in a hash index instead, at the second rule's closing brace.
 */
#include <confuse.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_int.h"
#include "conf_file.h"
#include "index.h"
#include "util.h"

#define ENVSUBST	"\"${\" is not allowed: libconfuse would put an " \
			"environment variable there"
#define NULBYTE		"the line holds a NUL byte"

/* The state of one acl_load, found from any cfg_t (see ctx_of). */
struct parse {
	void		*self;
	const char	*path;
	struct vg_diags	*diags;
	int		 errors;
	int		 rawline;	/* a line prescan found fault with */
	enum conf_find rawfind;	/* the worst on it */
	struct acl_rule	 cur;		/* the rule being read */
	int		 final;		/* its `final`: 0, 1; -1 unset */
	struct acl_rule	*rules;
	size_t		 nrules;
	struct vg_index names;	/* of rules */
};

/* ---------------------------------------------------------------- */
/* libconfuse glue */

/* The option that leads to struct parse from any cfg_t (conf_file.h). */
static struct parse *
ctx_of(cfg_t *cfg)
{
	cfg_opt_t *o;

	for (o = cfg->opts; o->name != NULL; o++)
		/* no real key starts with '|': one byte rules them out */
		if (o->name[0] == '|' &&
		    strcmp(o->name, CONF_CTX_KEY) == 0)
			return *o->simple_value.ptr;
	return NULL;
}

static void	perr(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* One problem; conf_file_vdiag keeps it printable. */
static void
perr(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_file_vdiag(p->diags, p->path, line, fmt, ap);
	va_end(ap);
	p->errors++;
}

/* libconfuse's words for ours; each pair takes the same arguments */
static const struct {
	const char	*theirs;
	const char	*ours;
} rewords[] = {
	{ "no such option '%s'",	"unknown key \"%s\"" },
};

static void
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct parse *p = ctx_of(cfg);
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < sizeof(rewords) / sizeof(rewords[0]); i++)
		if (strcmp(fmt, rewords[i].theirs) == 0)
			fmt = rewords[i].ours;
	/* the message may quote a token of the file: filtered there */
	conf_file_vdiag(p->diags, p->path, cfg->line, fmt, ap);
	p->errors++;
}

/* Called by libconfuse once for each value, where it stands in the file. */
static int
on_value(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct parse *p = ctx_of(cfg);
	char why[256], q[SHOWN];
	int k;

	*(const char **)result = value;
	if (p == NULL)
		return -1;
	for (k = 0; k < NKEYS && strcmp(acl_key_name(k), opt->name) != 0;
	    k++)
		continue;
	if (k == NKEYS)
		return -1;
	/* a second `key =` would silently replace the first one's values */
	if (opt->nvalues == 1 && (p->cur.set & KEYBIT(k)))
		perr(p, cfg->line, "%s is set twice in rule \"%s\": use += to "
		    "add values", acl_key_name(k),
		    acl_shown(cfg_title(cfg), q));
	p->cur.set |= KEYBIT(k);
	if (acl_add_value(&p->cur, k, value, why, sizeof(why)) == -1)
		perr(p, cfg->line, "%s: %s", acl_key_name(k), why);
	return 0;
}

/*
 * `final` (a deny that break-glass does not pass) is a deny's word only:
 * on an allow or a breakglass rule it would mean nothing, and an admin
 * who wrote it there meant something.  Called where it stands.
 */
static int
on_final(cfg_t *cfg, cfg_opt_t *opt)
{
	struct parse *p = ctx_of(cfg);
	char q[SHOWN];

	if (p == NULL)
		return -1;
	if (strcmp(cfg->name, "deny") != 0)
		perr(p, cfg->line, "final is valid only in deny rules, not in "
		    "%s rule \"%s\"", cfg->name, acl_shown(cfg_title(cfg), q));
	else if (p->final != -1)
		perr(p, cfg->line, "final is set twice in rule \"%s\"",
		    acl_shown(cfg_title(cfg), q));
	p->final = cfg_opt_getnbool(opt, 0) == cfg_true;
	return 0;
}

/* The kind of a rule, by the word that opened it. */
static const struct {
	const char	*word;
	enum acl_kind	 kind;
	int		 deny;
} kinds[] = {
	{ "allow",	KIND_ALLOW,	0 },
	{ "deny",	KIND_DENY,	1 },
	{ "breakglass",	KIND_GLASS,	0 },
};

static void
set_kind(struct acl_rule *r, const char *word, int final)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].word, word) == 0) {
			r->kind = kinds[i].kind;
			r->deny = kinds[i].deny;
		}
	if (r->kind == KIND_DENY && final == 1)
		r->kind = KIND_FINAL;
}

static const char *
rule_name(const void *arg, size_t i)
{
	return ((const struct parse *)arg)->rules[i].name;
}

/* `key = {}` matches nothing: say so; 1 when some key is empty. */
static int
empty_keys(struct parse *p, cfg_t *sec, const char *name, int line)
{
	char q[SHOWN];
	cfg_opt_t *o;
	int k, bad = 0;

	for (k = 0; k < NKEYS; k++) {
		o = cfg_getopt(sec, acl_key_name(k));
		if (o != NULL && (o->flags & CFGF_MODIFIED) &&
		    o->nvalues == 0) {
			perr(p, line, "%s is empty in rule \"%s\": name at "
			    "least one value or leave the key out",
			    acl_key_name(k), acl_shown(name, q));
			bad = 1;
		}
	}
	return bad;
}

/* Called by libconfuse when a rule's closing brace was read. */
static int
on_rule(cfg_t *cfg, cfg_opt_t *opt)
{
	struct parse *p = ctx_of(cfg);
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	const char *name = sec != NULL ? cfg_title(sec) : NULL;
	struct acl_rule *nr;
	char q[SHOWN];

	if (p == NULL || name == NULL)
		return -1;
	if (!acl_rule_name_ok(name))
		perr(p, cfg->line, "rule name \"%s\" is not 1-64 characters "
		    "of [A-Za-z0-9._-]", acl_shown(name, q));
	else if (vg_index_find(&p->names, name) != 0)
		perr(p, cfg->line, "duplicate rule name \"%s\"", name);
	if (!empty_keys(p, sec, name, cfg->line) && p->cur.set == 0)
		perr(p, cfg->line, "rule \"%s\" sets no key: it would match "
		    "every request", acl_shown(name, q));
	if ((nr = vg_grow(p->rules, p->nrules, sizeof(*nr))) == NULL) {
		perr(p, cfg->line, "out of memory");
		return -1;
	}
	p->rules = nr;
	vg_strlcpy(p->cur.name, name, sizeof(p->cur.name));
	set_kind(&p->cur, opt->name, p->final);
	p->cur.line = cfg->line;
	acl_rule_done(&p->cur);
	p->rules[p->nrules++] = p->cur;
	memset(&p->cur, 0, sizeof(p->cur));
	p->final = -1;
	if (vg_index_add(&p->names, p->nrules - 1) == -1) {
		perr(p, cfg->line, "out of memory");
		return -1;
	}
	/* copied: libconfuse need not keep it nor compare titles with it */
	cfg_opt_rmnsec(opt, cfg_opt_size(opt) - 1);
	return 0;
}

/* ---------------------------------------------------------------- */
/* before the parse */

/*
 * The ACL is stricter than vncgate.conf (conf_parse.c): "${" is refused where
 * libconfuse would keep it as text too (a comment, '...', \${), since no
 * ACL value may hold it anyway, and so is a NUL byte, which would end a
 * value early without a word.  One problem per line, the NUL first: a
 * line that holds one is not text at all.
 */
static void
flush_raw(struct parse *p)
{
	if (p->rawline != 0)
		perr(p, p->rawline, "%s", p->rawfind == CONF_FIND_NUL ?
		    NULBYTE : ENVSUBST);
	p->rawline = 0;
}

static void
on_raw(void *arg, enum conf_find what, int line)
{
	struct parse *p = arg;

	if (line != p->rawline) {
		flush_raw(p);
		p->rawline = line;
		p->rawfind = what;
	} else if (what == CONF_FIND_NUL)
		p->rawfind = what;
}

/*
 * What libconfuse would let through; a file may also end inside a rule,
 * and a truncated allow rule would lose its instances, from or hours.
 */
static void
prescan(struct parse *p, FILE *f)
{
	int open = conf_prescan(f, on_raw, p);

	flush_raw(p);
	if (open > 0)
		perr(p, open, "this \"{\" is never closed: the file ends "
		    "before its \"}\"");
}

/* ---------------------------------------------------------------- */
/* the parse */

/* no CFGF_NO_TITLE_DUPES: on_rule drops each rule, and finds duplicates */
#define RULEF	(CFGF_MULTI | CFGF_TITLE)

static void
parse_file(struct parse *p, FILE *f)
{
	cfg_opt_t ctx = { .name = CONF_CTX_KEY, .type = CFGT_PTR,
	    .simple_value.ptr = &p->self };
	cfg_opt_t rule[NKEYS + 3];
	/* no "include" function here: an include is an unknown key */
	cfg_opt_t root[] = {
		CFG_SEC("allow", rule, RULEF),
		CFG_SEC("deny", rule, RULEF),
		CFG_SEC("breakglass", rule, RULEF),
		ctx,
		CFG_END()
	};
	char path[32];
	cfg_t *cfg;
	size_t i;
	int k;

	for (k = 0; k < NKEYS; k++)
		rule[k] = (cfg_opt_t)CFG_STR_LIST_CB(acl_key_name(k), 0,
		    CFGF_NODEFAULT, on_value);
	rule[NKEYS] = (cfg_opt_t)CFG_BOOL("final", cfg_false, CFGF_NONE);
	rule[NKEYS + 1] = ctx;
	rule[NKEYS + 2] = (cfg_opt_t)CFG_END();
	if ((cfg = cfg_init(root, CFGF_NONE)) == NULL) {
		perr(p, 0, "out of memory");
		return;
	}
	cfg_set_error_function(cfg, on_error);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		cfg_set_validate_func(cfg, kinds[i].word, on_rule);
		snprintf(path, sizeof(path), "%s|final", kinds[i].word);
		cfg_set_validate_func(cfg, path, on_final);
	}
	if (cfg_parse_fp(cfg, f) != CFG_SUCCESS && p->errors == 0)
		perr(p, 0, "cannot be parsed");
	cfg_free(cfg);
	acl_rule_free(&p->cur);
}

static struct vg_acl *
build(struct parse *p)
{
	struct acl_list *l;
	struct vg_acl *acl;
	size_t i;
	int k;

	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return NULL;
	acl->rules = p->rules;
	acl->nrules = p->nrules;
	p->rules = NULL;
	p->nrules = 0;
	for (k = 0; k < NKINDS; k++)
		if ((acl->kind[k].v = calloc(acl->nrules + 1,
		    sizeof(*acl->kind[k].v))) == NULL) {
			acl_free(acl);
			return NULL;
		}
	for (i = 0; i < acl->nrules; i++) {
		l = &acl->kind[acl->rules[i].kind];
		l->v[l->n++] = &acl->rules[i];
	}
	if (acl_index_build(acl) == -1) {
		acl_free(acl);
		return NULL;
	}
	return acl;
}

static void
free_rules(struct acl_rule *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		acl_rule_free(&rules[i]);
	free(rules);
}

int
acl_load(const char *path, const struct secfile_policy *pol,
    struct vg_acl **aclp, struct vg_diags *diags)
{
	struct secfile_policy big;
	enum secfile_status st;
	char err[VG_ERRLEN];
	struct parse p;
	FILE *f;

	*aclp = NULL;
	memset(&p, 0, sizeof(p));
	p.self = &p;
	p.final = -1;
	vg_index_init(&p.names, rule_name, &p);
	p.path = path;
	p.diags = diags;
	/* thousands of rules make the file big: not the access key's cap */
	pol = conf_file_policy(pol, &big);
	if ((f = secfile_fopen(path, pol, &st, err, sizeof(err))) == NULL) {
		conf_file_secfile(diags, path, err);
		return -1;
	}
	prescan(&p, f);
	if (p.errors == 0)
		parse_file(&p, f);
	fclose(f);
	if (p.errors == 0 && (*aclp = build(&p)) == NULL)
		perr(&p, 0, "out of memory");
	free_rules(p.rules, p.nrules);
	vg_index_free(&p.names);
	return p.errors == 0 ? 0 : -1;
}

void
acl_free(struct vg_acl *acl)
{
	int k;

	if (acl == NULL)
		return;
	acl_index_free(acl);
	free_rules(acl->rules, acl->nrules);
	for (k = 0; k < NKINDS; k++)
		free(acl->kind[k].v);
	free(acl);
}
