/* SPDX-License-Identifier: ISC */
/*
 * pam_vncgate.so [config=PATH] [debug] [audit_socket=PATH]   (DESIGN 1.9)
 *
 * account: let a user in only when the ACL lets them reach some instance
 * now from PAM_RHOST (or the one instance the shell names in
 * VNCGATE_INSTANCE).  session: session_start and session_end audit
 * records, and a session ID for the shell in VNCGATE_SESSION.
 *
 * Only account and session are provided.  pam_sm_authenticate, setcred
 * and chauthtok are deliberately absent, not PAM_IGNORE: libpam answers
 * PAM_MODULE_UNKNOWN for a missing entry point, so a line put in the
 * wrong stack by mistake fails closed instead of silently gating nothing.
 *
 * This file: the entry points.  call.c reads the arguments, logs and
 * loads the config; account.c and session.c do the work.
 */
#include <security/pam_modules.h>

#include "pam_vncgate.h"

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	struct pvg g;
	int rc;

	(void)flags;
	if ((rc = pvg_begin(&g, ph, "account", argc, argv)) == PAM_SUCCESS)
		rc = pvg_account(&g);
	pvg_end(&g);
	return rc;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	struct pvg g;
	int rc;

	(void)flags;
	if ((rc = pvg_begin(&g, ph, "session", argc, argv)) == PAM_SUCCESS)
		rc = pvg_session_open(&g);
	pvg_end(&g);
	return rc;
}

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *ph, int flags, int argc,
    const char **argv)
{
	struct pvg g;
	int rc;

	(void)flags;
	if ((rc = pvg_begin(&g, ph, "session", argc, argv)) == PAM_SUCCESS)
		rc = pvg_session_close(&g);
	pvg_end(&g);
	return rc;
}
