/* SPDX-License-Identifier: ISC */
/*
 * pam_vncgate (DESIGN 1.9): what the module's files share.  Nothing here
 * leaves the module: the version script exports only pam_sm_*.
 *
 * The module runs inside sshd as root, so it never exits, never calls
 * openlog or syslog(3) (that would change the host's logging), keeps no
 * global state (per-handle state goes through pam_set_data) and fails
 * closed: anything it does not expect is a denial or an error.
 */
#ifndef PVG_H
#define PVG_H

#include <security/pam_modules.h>

#include <syslog.h>

#include "acl.h"
#include "audit.h"
#include "conf.h"

#define PVG_SYSLOG_PATH	"/dev/log"
/* pam_set_data: the rule of a login only break-glass let in (account.c) */
#define PVG_BREAKGLASS_KEY "pam_vncgate_breakglass"

/* The module arguments; the strings point into PAM's argv. */
struct pvg_args {
	const char	*config;	/* config=PATH */
	const char	*audit_socket;	/* audit_socket=PATH */
	int		 debug;
};

/* One PAM call: the handle, its arguments, the config once loaded. */
struct pvg {
	pam_handle_t		*ph;
	const char		*fn;		/* "account", "session" */
	struct pvg_args		 args;
	struct secfile_policy	 policy;
	struct vg_conf		 conf;
	int			 conf_loaded;
	struct vg_acl		*acl;
};

/* call.c */
int	pvg_begin(struct pvg *, pam_handle_t *, const char *fn, int argc,
	    const char **argv);
int	pvg_load(struct pvg *, int with_acl);
void	pvg_end(struct pvg *);
const char *pvg_item(struct pvg *, int item);
int	pvg_user(struct pvg *, const char **user);
void	pvg_log(struct pvg *, int prio, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* account.c */
int	pvg_account(struct pvg *);

/*
 * lockbreak.c: at the deadline of a wait for the audit file's lock
 * (audit_file_opts.at_deadline, ctx the struct pvg), kill a holder that
 * is a stopped shell; 1 when one was killed, for one more wait.
 */
int	pvg_lockbreak(void *ctx, int lockfd);

/* session.c */
int	pvg_session_open(struct pvg *);
int	pvg_session_close(struct pvg *);

#endif
