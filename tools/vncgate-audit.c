/* SPDX-License-Identifier: ISC */
/*
 * vncgate-audit: check and read the hash-chained audit file (DESIGN
 * 1.7).  main() reads the arguments strictly and hands over to verify
 * (audit_verify.c) or show (audit_show.c), which read files through
 * audit_read.c.  The file's format is described in lib/audit.h; this
 * tool only reads it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit_tool.h"

#define USAGE \
"usage: vncgate-audit verify FILE... [--against SYSLOG_FILE]\n" \
"       vncgate-audit show FILE [--user USER] [--instance TARGET]\n" \
"                          [--since TIME] [--json]\n" \
"       vncgate-audit --help | --version\n"

#define HELP \
"vncgate-audit: check and read the vncgate audit file, whose records are\n" \
"JSON lines chained by SHA-256 (see vncgate-audit(1)).\n" \
"\n" \
"  verify FILE...      check every record's seq, prev and hash; print\n" \
"                      \"ok N records\", or \"bad seq N: why\" naming the\n" \
"                      first record that was edited, deleted, inserted,\n" \
"                      moved, duplicated or cut off; \", R repairs\" when\n" \
"                      writers cut torn records (audit_repair), and\n" \
"                      \", continuing after seq K\" for a file that a\n" \
"                      rotation started.  Several FILEs, oldest first\n" \
"                      (audit.log.1 audit.log): each must continue the\n" \
"                      one before\n" \
"    --against LOG     also check FILE against the syslog file LOG: each\n" \
"                      vncgate line of FILE's host must carry a seq and\n" \
"                      chain that the FILEs hold, and each record of\n" \
"                      FILE must be in LOG; this catches a FILE cut\n" \
"                      short, rewritten or added to, a rotated file\n" \
"                      missing, and lines that only claim the tag\n" \
"  show FILE           print the records as a table, times in UTC\n" \
"    --user USER       only the records of USER\n" \
"    --instance TARGET only the records of that instance name or ID\n" \
"    --since TIME      only records at or after TIME, in UTC:\n" \
"                      YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]\n" \
"    --json            one JSON object per line instead of the table\n" \
"\n" \
"exit codes:\n" \
"  0  ok: the chain is intact (verify); every line was a record (show)\n" \
"  1  verification failed (verify); a line is not a record (show)\n" \
"  2  usage: unknown command or option, a missing value, a bad TIME\n" \
"  3  FILE or LOG cannot be read\n"

/* The options that take a value, and where it goes. */
static const char **
option_slot(struct tool_args *a, const char *opt)
{
	if (strcmp(a->cmd, "verify") == 0)
		return strcmp(opt, "--against") == 0 ? &a->against : NULL;
	if (strcmp(opt, "--user") == 0)
		return &a->user;
	if (strcmp(opt, "--instance") == 0)
		return &a->instance;
	if (strcmp(opt, "--since") == 0)
		return &a->since;
	return NULL;
}

static int
usage(const char *why, const char *what)
{
	if (why != NULL)
		tool_warn("%s%s", why, what != NULL ? what : "");
	fputs(USAGE, stderr);
	return -1;
}

/* A FILE: one for show, up to TOOL_MAXFILES for verify. */
static int
add_file(struct tool_args *a, const char *file)
{
	if (a->nfiles == (strcmp(a->cmd, "show") == 0 ? 1 : TOOL_MAXFILES))
		return -1;
	a->files[a->nfiles++] = file;
	if (a->file == NULL)
		a->file = file;
	return 0;
}

/* Each option once, FILE once (verify: FILE...), in any order. */
static int
parse_args(int argc, char **argv, struct tool_args *a)
{
	const char **slot;
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 2 || (strcmp(argv[1], "verify") != 0 &&
	    strcmp(argv[1], "show") != 0))
		return usage(argc < 2 ? NULL : "unknown command: ",
		    argc < 2 ? NULL : argv[1]);
	a->cmd = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(a->cmd, "show") == 0 &&
		    strcmp(argv[i], "--json") == 0 && !a->json)
			a->json = 1;
		else if (strncmp(argv[i], "--", 2) != 0 &&
		    add_file(a, argv[i]) == 0)
			continue;
		else if ((slot = option_slot(a, argv[i])) == NULL ||
		    *slot != NULL || i + 1 >= argc)
			return usage("unexpected argument: ", argv[i]);
		else
			*slot = argv[++i];
	}
	if (a->file == NULL)
		return usage("which file? ", NULL);
	if (a->since != NULL && tool_parse_time(a->since, &a->since_ms) == -1)
		return usage("--since takes YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM[:SS] (UTC), not ", a->since);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tool_args a;

	/* tool_warn's "vncgate-audit: ", however the tool was invoked */
	program_invocation_short_name = (char *)"vncgate-audit";
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(USAGE "\n" HELP, stdout);
		return AX_OK;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("vncgate-audit %s\n", VG_VERSION);
		return AX_OK;
	}
	if (parse_args(argc, argv, &a) == -1)
		return AX_USAGE;
	if (strcmp(a.cmd, "verify") == 0)
		return verify_run(&a);
	return show_run(&a);
}
