/* SPDX-License-Identifier: ISC */
/*
 * A misbehaving PAM module for tests/pam/run: its account stage sets
 * PAM_USER to its one argument.  OpenSSH checks after authentication
 * that no module changed the user name, and so must the shell's step-up
 * (shell/stepup.c): otherwise the operator is let in as someone else.
 */
#include <security/pam_modules.h>

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	(void)flags;
	if (argc != 1)
		return PAM_SERVICE_ERR;
	return pam_set_item(ph, PAM_USER, argv[0]);
}
