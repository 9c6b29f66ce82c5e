/* SPDX-License-Identifier: ISC */
/* Loading the config, the ACL and the operator's identity. */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sessrec.h"
#include "shell.h"
#include "util.h"

/*
 * Sentences the operator sees, in one place for the translators (po/).
 * What -t prints (FILE:LINE: message) is the admin's and stays English.
 */
#define M_BAD_CONFIG	N_("the bastion is not configured correctly, so " \
			"no console can be opened; tell your admin " \
			"(details are in syslog)")
#define M_NO_USER	N_("your user account cannot be identified")
#define M_NO_GROUPS	N_("your groups cannot be read")

static void
print_diags(const struct vg_diags *ds)
{
	char line[600];
	size_t i;

	for (i = 0; i < ds->n; i++) {
		diag_format(&ds->d[i], line, sizeof(line));
		printf("%s\n", line);
	}
	if (ds->dropped > 0)
		printf("(%zu more problems not shown)\n", ds->dropped);
	fflush(stdout);
}

/*
 * Read vncgate.conf and the ACL.  -t prints every problem (verbose);
 * an operator gets one sentence and the details go to syslog.
 */
int
load_config(struct shell *sh, int verbose)
{
	struct vg_diags ds;
	int rc;

	diag_init(&ds);
	rc = conf_load(sh->config_path, &sh->policy, &sh->conf, &ds);
	if (rc == 0) {
		sh->conf_loaded = 1;
		rc = acl_load(sh->conf.acl_file, &sh->policy, &sh->acl, &ds);
	}
	if (rc == 0)
		return 0;
	log_config_error(sh, &ds);
	if (verbose)
		print_diags(&ds);
	else
		warnx(_(M_BAD_CONFIG));
	return -1;
}

int
load_identity(struct shell *sh)
{
	struct passwd *pw;

	if ((pw = getpwuid(getuid())) == NULL ||
	    !vg_valid_user(pw->pw_name)) {
		warnx(_(M_NO_USER));
		return -1;
	}
	vg_strlcpy(sh->user, pw->pw_name, sizeof(sh->user));
	if (acl_user_groups(sh->user, &sh->groups, &sh->ngroups) == -1) {
		warnx(_(M_NO_GROUPS));
		return -1;
	}
	return 0;
}

void
load_source(struct shell *sh)
{
	struct sessrec r;
	char err[VG_ERRLEN];

	/* unprivileged: SSH_CONNECTION's (env.c); privileged: "" so far */
	if (!sh->privileged)
		return;
	/* no VNCGATE_SESSION (not through sshd, or no session line) */
	if (!sh->env.session_given ||
	    sessrec_read(sh->conf.limits.state_dir, 0, sh->env.session,
	    getuid(), &r, err, sizeof(err)) == -1) {
		/*
		 * An ID no record of this uid vouches for is the invoker's
		 * word: the records from here on get an ID of their own, so
		 * that nobody can file their runs under another session.
		 */
		if (sh->env.session_given &&
		    vg_random_hex(sh->env.session, 16) == -1)
			sh->env.session[0] = '\0';
		sh->env.session_given = 0;
		return;
	}
	vg_strlcpy(sh->env.rhost, r.rhost, sizeof(sh->env.rhost));
	vg_strlcpy(sh->env.rport, r.rport, sizeof(sh->env.rport));
}
