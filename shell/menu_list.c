/* SPDX-License-Identifier: ISC */
/*
 * What the menu shows of the inventory: the header, the numbered table
 * of the instances the ACL grants (filtered with /TEXT), a number typed
 * back into its instance, the line that shows a decision, and the start
 * of a URL's countdown: the menu's hooks on the UI seam (menu.c puts
 * them in its struct ui).  Every string from the config, the ACL or the
 * environment goes through term.c on its way to the screen.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shell.h"
#include "term.h"
#include "util.h"

#define GAP		"  "	/* between columns */
#define DESC_FIRST	12	/* the description shrinks to this first */
#define COL_MIN		6	/* then the widest column, down to this */
#define FIELD_MAX	(4 * 256 + 1)

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * The OS column holds names, the same in every language.
 */
/* TRANSLATORS: version, user, source address, the bastion's host name */
#define M_HEADER	N_("vncgate %s: %s, connected from %s, on %s\n")
/* TRANSLATORS: the source address of a login without SSH */
#define M_LOCAL		N_("this machine")
#define M_HINT		N_("Type a number, a name or an ID; /TEXT to " \
			"filter, l to list, r for a new URL, ? for help, " \
			"q to quit.\n")
#define M_NONE		N_("You may not open any console now; ask your " \
			"admin.\n")
#define M_NO_MATCH	N_("No instance matches \"%s\"; type l for all.\n")
/* TRANSLATORS: name (ID, region): allowed by rule "rule" */
#define M_ALLOWED	N_("%s (%s, %s): allowed by rule \"%s\".\n")
#define M_REQUESTING	N_("Requesting the console URL of %s...\n")
#define M_NO_NUMBER	N_("there is no number %s in the list; type l to " \
			"see it")
#define M_OOM		N_("out of memory")
#define M_LINUX		"linux"
#define M_WINDOWS	"windows"

/* STATUS: the cloud's last word on it (DESIGN 1.10), with discovery */
enum col { C_NUM, C_NAME, C_ID, C_REGION, C_OS, C_STATUS, C_DESC, NCOLS };

/* The table's headings: CJK counts two cells each (term.c). */
static const char *const heads[NCOLS] = {
	/* TRANSLATORS: the headings of the instance table */
	"#", N_("NAME"), N_("ID"), N_("REGION"), N_("OS"), N_("STATUS"),
	N_("DESCRIPTION")
};

void
menu_header(struct shell *sh)
{
	char host[256], host_c[FIELD_MAX], user_c[FIELD_MAX];
	char from_c[FIELD_MAX];

	/* the host name is the kernel's: any bytes at all */
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	term_clean(host, host_c, sizeof(host_c));
	term_clean(sh->user, user_c, sizeof(user_c));
	term_clean(sh->env.rhost[0] != '\0' ? sh->env.rhost : _(M_LOCAL),
	    from_c, sizeof(from_c));
	printf(_(M_HEADER), VG_VERSION, user_c, from_c, host_c);
}

/* The permitted instances, numbered from 1, into m->shown; EXIT_*. */
static int
permitted(struct shell *sh, struct menu *m)
{
	struct acl_request req;
	struct acl_query *q;
	char rule[65];
	size_t i;
	int rc;

	menu_free_list(m);
	if ((rc = issue_request(sh, NULL, &req)) != EXIT_OK)
		return rc;
	if ((q = acl_query_new(sh->acl, &req)) == NULL ||
	    (m->shown = calloc(sh->conf.inv.n + 1, sizeof(size_t))) == NULL) {
		acl_query_free(q);
		warnx(_(M_OOM));
		return EXIT_RUNTIME;
	}
	/* break-glass too: choosing one warns and asks (menu_ask.c) */
	for (i = 0; i < sh->conf.inv.n; i++)
		if (acl_query_decide(q, &sh->conf.inv.inst[i], rule,
		    sizeof(rule)) != ACL_DENY)
			m->shown[m->nshown++] = i;
	acl_query_free(q);
	return EXIT_OK;
}

void
menu_free_list(struct menu *m)
{
	free(m->shown);
	m->shown = NULL;
	m->nshown = 0;
}

/* The six fields of row n (1-based), as raw text. */
static void
fields(const struct vg_instance *in, size_t n, char *num, size_t numlen,
    const char *f[NCOLS])
{
	snprintf(num, numlen, "%zu", n);
	f[C_NUM] = num;
	f[C_NAME] = in->name;
	f[C_ID] = in->id;
	f[C_REGION] = in->region;
	f[C_OS] = in->windows ? M_WINDOWS : M_LINUX;
	/* from the cloud: its charset was checked, term.c filters it too */
	f[C_STATUS] = in->status[0] != '\0' ? in->status : "-";
	f[C_DESC] = in->description;
}

static int
matches(const char *f[NCOLS], const char *filter)
{
	int c;

	if (filter == NULL || filter[0] == '\0')
		return 1;
	for (c = C_NAME; c < NCOLS; c++)
		if (strcasestr(f[c], filter) != NULL)
			return 1;
	return 0;
}

static int
sum(const int w[NCOLS])
{
	int c, s = 0;

	for (c = 0; c < NCOLS; c++)
		s += w[c];
	return s;
}

/* The widest column that may still give way; -1 when none. */
static int
widest(const int w[NCOLS])
{
	int c, pick = -1;

	for (c = C_NAME; c < NCOLS; c++)
		if (c != C_OS && w[c] > COL_MIN &&
		    (pick == -1 || w[c] > w[pick]))
			pick = c;
	return pick;
}

/*
 * Fit the natural widths into the terminal: the description gives way
 * first, then the widest column, one cell at a time.  On a terminal too
 * narrow even for that, the lines wrap.
 */
static void
fit(int w[NCOLS], int cols)
{
	int avail = cols - 1 - (int)strlen(GAP) * (NCOLS - 1);
	int pick;

	while (sum(w) > avail) {
		pick = w[C_DESC] > DESC_FIRST ? C_DESC : widest(w);
		if (pick == -1)
			return;
		w[pick]--;
	}
}

/* The column headings in the operator's language. */
static void
headings(const char *h[NCOLS])
{
	int c;

	for (c = 0; c < NCOLS; c++)
		h[c] = _(heads[c]);
}

static void
widths(struct shell *sh, const struct menu *m, const char *const h[NCOLS],
    const char *filter, int w[NCOLS])
{
	const char *f[NCOLS];
	char num[24];
	size_t i;
	int c;

	for (c = 0; c < NCOLS; c++)
		w[c] = term_width(h[c]);
	for (i = 0; i < m->nshown; i++) {
		fields(&sh->conf.inv.inst[m->shown[i]], i + 1, num,
		    sizeof(num), f);
		if (!matches(f, filter))
			continue;
		for (c = 0; c < NCOLS; c++)
			if (term_width(f[c]) > w[c])
				w[c] = term_width(f[c]);
	}
	/* no discovery, no status: the column is not drawn (width 0) */
	if (!sh->conf.inventory.discover)
		w[C_STATUS] = 0;
	fit(w, m->cols);
}

/* One row; the number right-aligned, the last column unpadded. */
static void
row(const char *const f[NCOLS], const int w[NCOLS])
{
	char out[FIELD_MAX];
	int c, pad;

	for (c = 0; c < NCOLS; c++) {
		if (w[c] == 0)
			continue;
		if (c == C_NUM) {
			pad = w[c] - term_width(f[c]);
			printf("%*s", pad > 0 ? pad : 0, "");
		}
		term_fit(f[c], w[c], c != C_NUM && c != C_DESC, out,
		    sizeof(out));
		printf("%s%s", out, c == C_DESC ? "\n" : GAP);
	}
}

int
menu_list(struct shell *sh, const char *filter)
{
	struct menu *m = sh->ui->state;
	const char *f[NCOLS], *h[NCOLS];
	char num[24], shown[FIELD_MAX];
	int w[NCOLS], rows = 0;
	size_t i;
	int rc;

	if ((rc = permitted(sh, m)) != EXIT_OK)
		return rc;
	if (m->nshown == 0) {
		fputs(_(M_NONE), stdout);
		return EXIT_OK;
	}
	headings(h);
	widths(sh, m, h, filter, w);
	for (i = 0; i < m->nshown; i++) {
		fields(&sh->conf.inv.inst[m->shown[i]], i + 1, num,
		    sizeof(num), f);
		if (!matches(f, filter))
			continue;
		if (rows++ == 0)
			row(h, w);
		row(f, w);
	}
	if (rows == 0) {
		term_clean(filter, shown, sizeof(shown));
		printf(_(M_NO_MATCH), shown);
	} else
		fputs(_(M_HINT), stdout);
	return fflush(stdout) == EOF ? EXIT_RUNTIME : EXIT_OK;
}

/*
 * A number from the table, else a name or an ID (NULL when neither); the
 * issuance names it by its name, whatever was typed.
 */
int
menu_resolve(struct shell *sh, const char *typed,
    const struct vg_instance **inst, const char **target)
{
	struct menu *m = sh->ui->state;
	const char *p;
	unsigned long n;

	*target = typed;
	for (p = typed; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0' && p - typed <= 6) {
		n = strtoul(typed, NULL, 10);
		if (n >= 1 && n <= m->nshown)
			*inst = &sh->conf.inv.inst[m->shown[n - 1]];
		else if ((*inst = inventory_find(&sh->conf.inv, typed)) ==
		    NULL) {
			warnx(_(M_NO_NUMBER), typed);
			return EXIT_USAGE;
		}
	} else
		*inst = inventory_find(&sh->conf.inv, typed);
	if (*inst != NULL)
		*target = (*inst)->name;
	return EXIT_OK;
}

/* The ACL's decision on screen, and the instance kept for r. */
void
menu_allowed(struct shell *sh, const struct vg_instance *in,
    const char *rule, enum show_how how)
{
	struct menu *m = sh->ui->state;
	char rule_c[FIELD_MAX], name[FIELD_MAX], id[FIELD_MAX];
	char region[FIELD_MAX];

	vg_strlcpy(m->last, in->name, sizeof(m->last));
	m->last_how = how;
	term_clean(rule, rule_c, sizeof(rule_c));
	term_clean(in->name, name, sizeof(name));
	term_clean(in->id, id, sizeof(id));
	term_clean(in->region, region, sizeof(region));
	printf(_(M_ALLOWED), name, id, region, rule_c);
	/* with reauth = issuance PAM asks first: its prompt comes next */
	if (!stepup_due(sh, STEPUP_ISSUANCE))
		printf(_(M_REQUESTING), name);
	fflush(stdout);
}

/* The URL is on the screen: its countdown starts. */
void
menu_shown(struct shell *sh)
{
	struct menu *m = sh->ui->state;

	m->expires_ms = vg_now_ms() + sh->conf.url_ttl * 1000LL;
}
