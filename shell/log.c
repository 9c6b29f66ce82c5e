/* SPDX-License-Identifier: ISC */
/*
 * The shell's audit records (DESIGN 1.7).  Every record goes through
 * log_emit so the who keys and the session are always there.  Syslog is
 * open from the start; the chained file once the config named it.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "shell.h"
#include "util.h"

#define SYSLOG_PATH	"/dev/log"
#define FILE_SINK	"file"		/* audit_file_sink's name */

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
 * recorded too; the facility is updated once the config is known.  A
 * socket that is not there yet is still a sink: it dials again for each
 * record and fails each one it cannot send, so a working audit file
 * alone never lets a URL through.
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
	(void)audit_syslog_open(&sh->syslog, path, LOG_AUTHPRIV, err,
	    sizeof(err));
	audit_syslog_sink(&sh->syslog, &sink);
	audit_log_add_sink(&sh->log, &sink);
}

static struct audit_sink *
file_sink(struct shell *sh)
{
	size_t i;

	for (i = 0; i < sh->log.nsinks; i++)
		if (sh->log.sinks[i].name != NULL &&
		    strcmp(sh->log.sinks[i].name, FILE_SINK) == 0)
			return &sh->log.sinks[i];
	return NULL;
}

/* No memory for the file sink: still a sink, one that always fails. */
static int
no_file(void *ctx, const struct audit_rec *rec, const struct audit_who *who,
    struct audit_chain *chain, char *err, size_t errlen)
{
	(void)ctx;
	(void)rec;
	(void)who;
	(void)chain;
	vg_seterr(err, errlen, "the audit file could not be opened: out of "
	    "memory");
	return -1;
}

/*
 * Once the config is loaded and names an audit file, it is a sink for
 * every record after.  One that cannot be opened stays a sink that
 * fails (audit_file_open), so audit.required still holds URLs back;
 * struct shell has no room for it, hence the heap.  Errors in
 * vncgate.conf itself come before this and go to syslog only; ACL
 * errors, found after it, go to both.
 */
static void
file_open(struct shell *sh)
{
	struct audit_sink sink = { FILE_SINK, NULL, NULL, no_file };
	struct audit_file_opts o;
	struct audit_file *af;
	char err[VG_ERRLEN];

	if (!sh->conf_loaded || sh->conf.audit.file == NULL ||
	    sh->conf.audit.file[0] == '\0' || file_sink(sh) != NULL)
		return;
	/* no at_deadline: the shell cannot signal another uid's process */
	memset(&o, 0, sizeof(o));
	/* setgid: the file is made at install, never by whoever runs us */
	o.installed = sh->privileged;
	o.lock_timeout_ms = sh->conf.audit.lock_timeout * 1000;
	if ((af = malloc(sizeof(*af))) != NULL) {
		(void)audit_file_open(af, sh->conf.audit.file, &o, err,
		    sizeof(err));
		audit_file_sink(af, &sink);
	}
	if (audit_log_add_sink(&sh->log, &sink) == -1 && af != NULL) {
		audit_file_close(af);
		free(af);
	}
}

int
log_emit(struct shell *sh, struct audit_rec *rec)
{
	char err[VG_ERRLEN];

	if (sh->conf_loaded)
		sh->syslog.facility = sh->conf.audit.facility;
	file_open(sh);
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
	struct audit_sink *s;

	if ((s = file_sink(sh)) != NULL && s->ctx != NULL) {
		audit_file_close(s->ctx);
		free(s->ctx);
		s->ctx = NULL;
	}
	audit_syslog_close(&sh->syslog);
}
