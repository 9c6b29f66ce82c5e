/* SPDX-License-Identifier: ISC */
/*
 * Session records (DESIGN 1.7, 1.9): session_start when sshd opens the
 * session, session_end when it closes it, both with one random 128-bit
 * session ID.  The ID goes to the shell in VNCGATE_SESSION (sshd copies
 * the PAM environment into the session's) and stays on the PAM handle
 * (pam_set_data, no global state) for close_session.
 *
 * Records go through lib/audit.c's builder to its syslog sink, on a
 * socket of our own, and to the hash-chained audit file (audit.file),
 * as the shell's do: a record a sink did not take is known, and with
 * audit.required a session whose start was not recorded does not open.
 *
 * At open the module also writes the session record (lib/sessrec.c):
 * <limits.state_dir>/sessions/<ID>, root's, naming the user's uid and
 * the address sshd gave PAM.  A privileged shell takes its source
 * address from there and nowhere else (DESIGN 1.2), as SSH_CONNECTION
 * is any local user's to set.  It goes at close; records older than a
 * day (a session sshd never closed) are swept at each open.
 */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pam_vncgate.h"
#include "sessrec.h"
#include "util.h"

#define DATA_KEY	"pam_vncgate_session"
#define SID_BYTES	16
#define SID_HEX		(2 * SID_BYTES + 1)

static void
drop_sid(pam_handle_t *ph, void *data, int status)
{
	(void)ph;
	(void)status;
	vg_freestr(data);
}

/* The user's uid; -1 when the passwd database does not know them. */
static int
user_uid(const char *user, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		return -1;
	*uid = pw.pw_uid;
	return 0;
}

/*
 * The client port: OpenSSH puts "ADDR PORT LADDR LPORT" in the PAM
 * environment as SSH_CONNECTION.  Taken only when ADDR is PAM_RHOST, so
 * a record never pairs a port with someone else's address.
 */
static void
client_port(struct pvg *g, const char *rhost, char *port, size_t portlen)
{
	const char *c = pam_getenv(g->ph, "SSH_CONNECTION");
	const char *sp;
	size_t alen, plen;

	port[0] = '\0';
	if (c == NULL || rhost == NULL || (sp = strchr(c, ' ')) == NULL)
		return;
	alen = (size_t)(sp - c);
	plen = strcspn(sp + 1, " ");
	if (alen != strlen(rhost) || strncmp(c, rhost, alen) != 0 ||
	    plen == 0 || plen >= portlen ||
	    strspn(sp + 1, "0123456789") != plen)
		return;
	memcpy(port, sp + 1, plen);
	port[plen] = '\0';
}

/*
 * The who keys of DESIGN 1.7 as sshd knows them.  A user the passwd
 * database does not know gets an empty uid in rec (-1 when even that
 * cannot be set: a record must never claim uid 0 by default).
 */
static int
who_fill(struct pvg *g, const char *user, struct audit_who *w,
    struct audit_rec *rec)
{
	const char *rhost = pvg_item(g, PAM_RHOST);
	const char *tty = pvg_item(g, PAM_TTY);

	vg_strlcpy(w->user, user, sizeof(w->user));
	/* sshd runs as root: the uid is the user's, not ours */
	if (user_uid(user, &w->uid) == -1 && audit_set(rec, "uid", "") == -1)
		return -1;
	vg_strlcpy(w->rhost, rhost != NULL ? rhost : "", sizeof(w->rhost));
	client_port(g, rhost, w->rport, sizeof(w->rport));
	vg_strlcpy(w->tty, tty != NULL ? tty : "", sizeof(w->tty));
	w->pid = getpid();
	return 0;
}

/* The sinks of one record: syslog, and the chained file when named. */
struct sinks {
	struct audit_log	log;
	struct audit_syslog	sl;
	struct audit_file	af;
	int			use_file;
};

/*
 * Both sinks are added even when they cannot be opened: such a sink
 * fails every record (audit_syslog_open, audit_file_open), so a record
 * one sink missed is known and audit.required can act on it.
 */
static void
sinks_open(struct pvg *g, struct sinks *s)
{
	const char *sock = g->args.audit_socket != NULL ?
	    g->args.audit_socket : PVG_SYSLOG_PATH;
	struct audit_file_opts o = {
		.lock_timeout_ms = g->conf.audit.lock_timeout * 1000,
		.installed = 1,
		/* a stopped shell must not shut every login out */
		.at_deadline = pvg_lockbreak,
		.ctx = g,
	};
	struct audit_sink sink;
	char err[VG_ERRLEN];

	audit_log_init(&s->log);
	(void)audit_syslog_open(&s->sl, sock, g->conf.audit.facility, err,
	    sizeof(err));
	audit_syslog_sink(&s->sl, &sink);
	audit_log_add_sink(&s->log, &sink);
	s->use_file = g->conf.audit.file != NULL &&
	    g->conf.audit.file[0] != '\0';
	if (!s->use_file)
		return;
	/* made at install, root's: a missing one is refused, not made */
	(void)audit_file_open(&s->af, g->conf.audit.file, &o, err,
	    sizeof(err));
	audit_file_sink(&s->af, &sink);
	audit_log_add_sink(&s->log, &sink);
}

static void
sinks_close(struct sinks *s)
{
	audit_syslog_close(&s->sl);
	if (s->use_file)
		audit_file_close(&s->af);
}

/*
 * The break-glass rule the account stage left on this handle (account.c),
 * or "": sshd runs both stages on one handle in its monitor.  A stack
 * without pam_vncgate in account, or another program, leaves none.
 */
static const char *
breakglass_rule(struct pvg *g)
{
	const void *rule = NULL;

	if (pam_get_data(g->ph, PVG_BREAKGLASS_KEY, &rule) != PAM_SUCCESS ||
	    rule == NULL)
		return "";
	return rule;
}

/*
 * Send one record to the sinks; -1 when a sink did not take it.
 * breakglass: the key of session_start (NULL: none, session_end).
 */
static int
record(struct pvg *g, const char *event, const char *sid, const char *user,
    const char *breakglass)
{
	const char *service = pvg_item(g, PAM_SERVICE);
	struct audit_rec rec;
	struct sinks s;
	char err[VG_ERRLEN];
	int rc;

	audit_rec_init(&rec, event);
	sinks_open(g, &s);
	if (who_fill(g, user, &s.log.who, &rec) == -1 ||
	    audit_set(&rec, "session", sid) == -1 ||
	    audit_set(&rec, "service", service != NULL ? service : "") == -1 ||
	    (breakglass != NULL &&
	    audit_set(&rec, "breakglass", breakglass) == -1)) {
		vg_seterr(err, sizeof(err), "out of memory");
		rc = -1;
	} else
		rc = audit_emit(&s.log, &rec, err, sizeof(err));
	if (rc == -1)
		pvg_log(g, LOG_ERR, "%s record of session %s for %s was not "
		    "stored: %s", event, sid, user, err);
	sinks_close(&s);
	audit_rec_free(&rec);
	return rc;
}

/*
 * The session record for the shell, after the sweep.  -1 when it could
 * not be written: the session then fails (PAM_SESSION_ERR), which the
 * PAM line's control decides on: "required" stops the login, with
 * "optional" it goes on and the shell finds no record (an unknown
 * address, which fails closed).  No lock, no wait: sshd is not held.
 */
static int
session_file(struct pvg *g, const char *sid, const char *user)
{
	const char *dir = g->conf.limits.state_dir;
	const char *rhost = pvg_item(g, PAM_RHOST);
	char port[8], err[VG_ERRLEN];
	struct sessrec r;
	uid_t uid;

	if (sessrec_sweep(dir, 0, time(NULL), err, sizeof(err)) == -1)
		pvg_log(g, LOG_NOTICE, "old session records were not swept: "
		    "%s", err);
	if (user_uid(user, &uid) == -1) {
		pvg_log(g, LOG_ERR, "no session record for %s, whom the "
		    "password database does not know", user);
		return -1;
	}
	client_port(g, rhost, port, sizeof(port));
	sessrec_init(&r, uid, rhost, port, pvg_item(g, PAM_TTY), time(NULL));
	if (sessrec_write(dir, 0, sid, &r, err, sizeof(err)) == 0)
		return 0;
	pvg_log(g, LOG_ERR, "the record of session %s for %s was not "
	    "written: %s", sid, user, err);
	return -1;
}

/* A record that was not stored stops the session when it must be. */
static int
recorded(struct pvg *g, int rc)
{
	if (rc == 0 || !g->conf.audit.required)
		return PAM_SUCCESS;
	return PAM_SESSION_ERR;
}

int
pvg_session_open(struct pvg *g)
{
	char sid[SID_HEX], env[sizeof("VNCGATE_SESSION=") + SID_HEX];
	const char *user;
	char *keep;
	int rc, file;

	if (pvg_user(g, &user) != PAM_SUCCESS)
		return PAM_SESSION_ERR;
	if ((rc = pvg_load(g, 0)) != PAM_SUCCESS)
		return rc;
	if (vg_random_hex(sid, SID_BYTES) == -1) {
		pvg_log(g, LOG_ERR, "no random session ID: %s",
		    strerror(errno));
		return PAM_SESSION_ERR;
	}
	if ((keep = strdup(sid)) == NULL)
		return PAM_BUF_ERR;
	/* on failure libpam did not take keep: ours to free */
	if (pam_set_data(g->ph, DATA_KEY, keep, drop_sid) != PAM_SUCCESS) {
		vg_freestr(keep);
		return PAM_SESSION_ERR;
	}
	snprintf(env, sizeof(env), "VNCGATE_SESSION=%s", sid);
	if (pam_putenv(g->ph, env) != PAM_SUCCESS) {
		pvg_log(g, LOG_ERR, "cannot set VNCGATE_SESSION");
		return PAM_SESSION_ERR;
	}
	pvg_log(g, LOG_DEBUG, "session %s opened for %s", sid, user);
	file = session_file(g, sid, user);
	rc = recorded(g, record(g, "session_start", sid, user,
	    breakglass_rule(g)));
	return rc == PAM_SUCCESS && file == -1 ? PAM_SESSION_ERR : rc;
}

int
pvg_session_close(struct pvg *g)
{
	const void *sid = NULL;
	const char *user;
	char err[VG_ERRLEN];
	int rc;

	if (pvg_user(g, &user) != PAM_SUCCESS)
		return PAM_SESSION_ERR;
	if ((rc = pvg_load(g, 0)) != PAM_SUCCESS)
		return rc;
	/* no ID: open_session never ran (or failed) on this handle */
	if (pam_get_data(g->ph, DATA_KEY, &sid) != PAM_SUCCESS ||
	    sid == NULL) {
		pvg_log(g, LOG_ERR, "closing a session for %s that this module "
		    "did not open", user);
		return PAM_SESSION_ERR;
	}
	pvg_log(g, LOG_DEBUG, "session %s closed for %s",
	    (const char *)sid, user);
	/* left behind, it would be swept within a day; logged, not fatal */
	if (sessrec_remove(g->conf.limits.state_dir, 0, sid, err,
	    sizeof(err)) == -1)
		pvg_log(g, LOG_ERR, "the record of session %s for %s was not "
		    "removed: %s", (const char *)sid, user, err);
	return recorded(g, record(g, "session_end", sid, user, NULL));
}
