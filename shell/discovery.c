/* SPDX-License-Identifier: ISC */
/*
 * The inventory from the cloud in the shell (DESIGN 1.10): the cache
 * read into the run's inventory, refreshed by whichever run finds it
 * older than inventory.ttl (the others go on with the old one), and
 * -S, the refresh an admin or a timer asks for.  Each refresh is one
 * `inventory` record (DESIGN 1.7), ok or not.  Also the run's client
 * for the cloud, made once, which the issuance shares.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discover.h"
#include "ratelimit.h"
#include "shell.h"
#include "util.h"

/* Sentences the operator sees, in one place for the translators (po/). */
#define M_UNREADABLE	N_("the inventory cannot be read (%s); tell your " \
			"admin")
#define M_OOM		N_("out of memory")

void
shell_http_opts(const struct shell *sh, struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ca_pem = sh->conf.api.ca_pem;
	o->ca_len = sh->conf.api.ca_len;
	o->connect_timeout_ms = sh->conf.api.connect_timeout * 1000;
	o->timeout_ms = sh->conf.api.timeout * 1000;
	o->privileged = sh->privileged;
	o->cancel = sh->cancel;
}

/*
 * The client, made once.  libcurl gets the allocators that wipe first,
 * before it allocates (jansson got them in main): it copies the signed
 * request and the answers.
 */
int
shell_client(struct shell *sh, char *err, size_t errlen)
{
	struct http_opts o;

	if (sh->http != NULL)
		return 0;
	if (http_global_init(err, errlen) == -1)
		return -1;
	shell_http_opts(sh, &o);
	if (http_client_new(&sh->http, &o, err, errlen) == -1)
		return -1;
	creds_init(&sh->creds, &sh->conf, sh->http, &sh->policy);
	return 0;
}

/* The records ------------------------------------------------------------ */

static void
record(struct shell *sh, const char *result, const struct disc_refresh *d,
    const char *why)
{
	struct audit_rec rec;

	audit_rec_init(&rec, "inventory");
	audit_set(&rec, "result", result);
	audit_setf(&rec, "regions", "%zu", d != NULL ? d->n : 0);
	audit_setf(&rec, "count", "%zu", d != NULL ? d->count : 0);
	audit_setf(&rec, "added", "%zu", d != NULL ? d->added : 0);
	audit_setf(&rec, "removed", "%zu", d != NULL ? d->removed : 0);
	audit_setf(&rec, "requests", "%d", d != NULL ? d->requests : 0);
	audit_setf(&rec, "latency_ms", "%lld", d != NULL ? d->latency_ms : 0);
	if (why != NULL && why[0] != '\0')
		audit_set(&rec, "reason", why);
	(void)log_emit(sh, &rec);
	audit_rec_free(&rec);
}

/* The first failed region's code, or the refresh's own. */
static const char *
failure(const struct disc_refresh *d)
{
	size_t i;

	if (d->err.code[0] != '\0')
		return d->err.code;
	for (i = 0; i < d->n; i++)
		if (!d->r[i].ok)
			return d->r[i].err.code[0] != '\0' ?
			    d->r[i].err.code : "error";
	return "error";
}

/* The refresh ------------------------------------------------------------ */

/* A refresh that could not start, told to report. */
static int
not_started(const struct disc_cache *c, const char *code, const char *why,
    discovery_report_fn report)
{
	struct disc_refresh d;

	memset(&d, 0, sizeof(d));
	cloud_err_detail(&d.err, code, NULL, "%s", why);
	if (report != NULL)
		report(&d, c);
	return -1;
}

/* Refresh c under the lock; 0 when every region was listed. */
static int
refresh(struct shell *sh, int dirfd, struct disc_cache *c,
    discovery_report_fn report)
{
	struct disc_refresh_in in;
	struct disc_refresh d;
	struct http_opts o;
	char why[VG_ERRLEN];
	int rc;

	if (shell_client(sh, why, sizeof(why)) == -1) {
		record(sh, "ClientError", NULL, why);
		return not_started(c, "ClientError", why, report);
	}
	shell_http_opts(sh, &o);
	memset(&in, 0, sizeof(in));
	in.conf = &sh->conf;
	in.http = sh->http;
	in.opts = &o;
	in.creds = &sh->creds;
	in.dirfd = dirfd;
	rc = discover_refresh(&in, c, &d);
	record(sh, rc == 0 ? "ok" : failure(&d), &d,
	    rc == 0 ? NULL : d.err.detail);
	if (report != NULL)
		report(&d, c);
	disc_refresh_free(&d);
	return rc;
}

/* Is c (when have) older than ttl? */
static int
stale(const struct shell *sh, const struct disc_cache *c, int have)
{
	return !have || time(NULL) - c->written >= sh->conf.inventory.ttl;
}

/*
 * In the grandchild: alone in a session of its own (the end of the SSH
 * session, a Ctrl-C or a hangup of the operator's terminal reach it no
 * more), no terminal, stdio on /dev/null, and killed by SIGALRM past the
 * longest a refresh may take (credentials, then the listing's deadline).
 * It holds the lock its parent took (the same open file) until it ends.
 */
static void
grandchild(struct shell *sh, int dirfd)
{
	static const int quiet[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
	    SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
	struct disc_cache c;
	char why[VG_ERRLEN];
	size_t i;
	int fd;

	(void)setsid();
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		signal(quiet[i], SIG_IGN);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
	}
	signal(SIGALRM, SIG_DFL);
	alarm((unsigned int)(8 * sh->conf.api.timeout +
	    sh->conf.audit.lock_timeout));
	memset(&c, 0, sizeof(c));
	if (disc_cache_read(dirfd, &c, why, sizeof(why)) != 0)
		disc_cache_free(&c);
	/* the parent read it without the lock: another may have been first */
	else if (stale(sh, &c, 1))
		(void)refresh(sh, dirfd, &c, NULL);
}

/*
 * A stale cache with a run to go on with it: the refresh must not delay
 * the operator (DESIGN 1.10), so a grandchild does it while this run goes
 * on with the old cache; the child between them exits at once, so the
 * refresher belongs to init and never waits as a zombie of the menu.  No
 * stdio is flushed there (_exit): the operator's output is this run's.
 */
static void
refresh_detached(struct shell *sh, int dirfd)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return;		/* the next run tries again */
	if (pid == 0) {
		if (fork() == 0)
			grandchild(sh, dirfd);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		continue;
}

/*
 * The cache, refreshed first when it is missing, refused or older than
 * ttl (or force) and this run gets the lock: at once when there is a
 * cache to go on with (another run is refreshing it), else within the
 * time a refresh may take.  rc of the refresh in *refreshed (1 none).
 */
static int
load_or_refresh(struct shell *sh, int dirfd, struct disc_cache *c,
    int force, discovery_report_fn report)
{
	char why[VG_ERRLEN];
	long long deadline;
	int have, lock, rc = 1;

	if ((have = disc_cache_read(dirfd, c, why, sizeof(why))) == -1)
		record(sh, "refused", NULL, why);
	have = have == 0;
	if (!force && !stale(sh, c, have))
		return 0;
	deadline = vg_now_ms() + (have && !force ? 0 : 1000LL *
	    (sh->conf.audit.lock_timeout + 6 * sh->conf.api.timeout));
	if ((lock = discover_lock(dirfd, deadline, why, sizeof(why))) == -1)
		return force ? not_started(c, "Locked", why, report) : 0;
	if (have && !force) {
		refresh_detached(sh, dirfd);
		close(lock);
		return 0;
	}
	/* only the first run ever waits: another may have been first */
	disc_cache_free(c);
	have = disc_cache_read(dirfd, c, why, sizeof(why)) == 0;
	if (!have)
		disc_cache_free(c);
	if (force || stale(sh, c, have))
		rc = refresh(sh, dirfd, c, report);
	close(lock);
	return rc == -1 && force ? -1 : 0;
}

int
discovery_load(struct shell *sh, int force, discovery_report_fn report)
{
	struct disc_cache c;
	char why[VG_ERRLEN];
	int dirfd, rc;

	if (!sh->conf.inventory.discover)
		return 0;
	memset(&c, 0, sizeof(c));
	if ((dirfd = ratelimit_dir_open(sh->conf.limits.state_dir,
	    &sh->policy, why, sizeof(why))) == -1) {
		record(sh, "refused", NULL, why);
		warnx(_(M_UNREADABLE), why);
		return -1;
	}
	rc = load_or_refresh(sh, dirfd, &c, force, report);
	close(dirfd);
	if (discover_apply(&sh->conf, &c) == -1) {
		disc_cache_free(&c);
		warnx(_(M_OOM));
		return -1;
	}
	disc_cache_free(&c);
	return rc;
}
