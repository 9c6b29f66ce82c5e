/*
 * The shell's audit records (DESIGN 1.7).  Every record goes through
 * log_emit so the who keys and the session are always there.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "shell.h"
#include "util.h"

#define SYSLOG_PATH	"/dev/log"

void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("vncgate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void
who_fill(struct shell *sh)
{
	struct audit_who *w = &sh->log.who;
	const char *tty;

	vg_strlcpy(w->user, sh->user, sizeof(w->user));
	w->uid = getuid();
	vg_strlcpy(w->rhost, sh->env.rhost, sizeof(w->rhost));
	vg_strlcpy(w->rport, sh->env.rport, sizeof(w->rport));
	tty = isatty(0) ? ttyname(0) : NULL;
	vg_strlcpy(w->tty, tty != NULL ? tty : "", sizeof(w->tty));
	w->pid = getpid();
}

/*
 * Open the syslog sink before the config is read, so a config error is
 * recorded too; the facility is updated once the config is known.
 */
void
log_open(struct shell *sh)
{
	struct audit_sink sink;
	char err[VG_ERRLEN];
	const char *path = sh->env.syslog_path != NULL ?
	    sh->env.syslog_path : SYSLOG_PATH;

	audit_log_init(&sh->log);
	who_fill(sh);
	sh->syslog.fd = -1;
	if (audit_syslog_open(&sh->syslog, path, LOG_AUTHPRIV, err,
	    sizeof(err)) == 0) {
		audit_syslog_sink(&sh->syslog, &sink);
		audit_log_add_sink(&sh->log, &sink);
	}
}

int
log_emit(struct shell *sh, struct audit_rec *rec)
{
	char err[VG_ERRLEN];

	if (sh->conf_loaded)
		sh->syslog.facility = sh->conf.audit.facility;
	who_fill(sh);
	if (sh->env.session[0] != '\0' && audit_get(rec, "session") == NULL)
		audit_set(rec, "session", sh->env.session);
	/* with no sink open at all the record went nowhere: a failure */
	if (sh->log.nsinks == 0)
		return -1;
	return audit_emit(&sh->log, rec, err, sizeof(err));
}

void
log_config_error(struct shell *sh, const struct vg_diags *ds)
{
	struct audit_rec rec;
	size_t i;

	for (i = 0; i < ds->n; i++) {
		audit_rec_init(&rec, "config_error");
		audit_set(&rec, "file", ds->d[i].file);
		audit_setf(&rec, "line", "%d", ds->d[i].line);
		audit_set(&rec, "reason", ds->d[i].msg);
		log_emit(sh, &rec);
		audit_rec_free(&rec);
	}
}

void
log_shell(struct shell *sh, const char *event, const char *reason)
{
	struct audit_rec rec;

	audit_rec_init(&rec, event);
	audit_set(&rec, "mode", sh->mode);
	audit_set(&rec, "reason", reason);
	log_emit(sh, &rec);
	audit_rec_free(&rec);
}

void
log_close(struct shell *sh)
{
	audit_syslog_close(&sh->syslog);
}
