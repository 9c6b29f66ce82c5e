/* SPDX-License-Identifier: ISC */
/*
 * Process hygiene (DESIGN 1.2): fds, core dumps, signals and the
 * environment.  Runs first, before anything reads a file or a variable.
 */
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"
#include "util.h"

#define LOCALE_SET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._@-"
#define TERM_SET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._+-"
#define HEX_SET		"0123456789abcdef"

/* The variables that survive, each with the characters it may hold. */
static const struct {
	const char	*name;
	int		 prefix;	/* LC_* */
	const char	*set;
} keep[] = {
	{ "TERM", 0, TERM_SET },
	{ "LANG", 0, LOCALE_SET },
	{ "LANGUAGE", 0, LOCALE_SET ":" },
	{ "LC_", 1, LOCALE_SET },
};

static void
fds_sane(void)
{
	int fd;

	/* 0-2 must be open, or a later open() would become stdout */
	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_RUNTIME);
	}
	closefrom(3);
}

static void
no_core(void)
{
	struct rlimit rl = { 0, 0 };

	/* credentials live in this process: no core file, no ptrace */
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * Limits survive a setgid exec: an invoker's RLIMIT_FSIZE just below
 * the end of the next record would cut the write.  The soft limit is
 * raised as far as the hard one goes; the writers check what is left
 * before they write (lib/audit_tail.c), and SIGXFSZ is ignored, so a
 * write past the limit fails and is taken back instead of killing us.
 */
static void
limits_sane(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_FSIZE, &rl);
	}
}

static void
signals_sane(void)
{
	static const int ignored[] = { SIGPIPE, SIGQUIT, SIGTSTP, SIGTTIN,
	    SIGTTOU, SIGXFSZ };
	sigset_t all;
	int sig;
	size_t i;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
}

static const char *
kept_set(const char *name)
{
	size_t i, n;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		n = strlen(keep[i].name);
		if (keep[i].prefix ? strncmp(name, keep[i].name, n) == 0 &&
		    vg_charset_ok(name + n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 32) :
		    strcmp(name, keep[i].name) == 0)
			return keep[i].set;
	}
	return NULL;
}

/* Rebuild environ from the allow-list: copy first, then clear, then set. */
static void
env_rebuild(void)
{
	extern char **environ;
	struct vg_buf saved;
	const char *set, *eq, *p;
	char name[64];
	size_t n;
	char **e;

	buf_init(&saved);
	for (e = environ; e != NULL && *e != NULL; e++) {
		if ((eq = strchr(*e, '=')) == NULL ||
		    (n = (size_t)(eq - *e)) >= sizeof(name))
			continue;
		memcpy(name, *e, n);
		name[n] = '\0';
		if ((set = kept_set(name)) == NULL ||
		    !vg_charset_ok(eq + 1, set, 64))
			continue;
		buf_add(&saved, *e, strlen(*e) + 1);
	}
	clearenv();
	for (p = saved.p; p != NULL && p < saved.p + saved.len;
	    p += strlen(p) + 1) {
		char *copy = strdup(p);

		/* out of memory drops the variable: never putenv(NULL) */
		if (copy != NULL)
			putenv(copy);
	}
	setenv("PATH", "/usr/bin:/bin", 1);
	buf_free(&saved);
}

/*
 * SSH_CONNECTION = "client_addr client_port server_addr server_port".
 * Believed only when the shell is not privileged (tests, -t): any local
 * user can run the setgid shell with any value in it, so a privileged
 * shell takes the address from pam_vncgate's session record instead
 * (load_source, DESIGN 1.2).
 */
static void
read_connection(struct shell_env *env, int privileged)
{
	const char *v = privileged ? NULL : getenv("SSH_CONNECTION");
	char addr[64], port[8];
	unsigned char bin[16];

	if (v == NULL || sscanf(v, "%63s %7s", addr, port) != 2)
		return;
	if ((inet_pton(AF_INET, addr, bin) == 1 ||
	    inet_pton(AF_INET6, addr, bin) == 1) &&
	    vg_charset_ok(port, "0123456789", 5)) {
		vg_strlcpy(env->rhost, addr, sizeof(env->rhost));
		vg_strlcpy(env->rport, port, sizeof(env->rport));
	}
}

static char *
read_path_var(const char *name, int privileged)
{
	const char *v = getenv(name);

	/* a privileged shell must not be pointed at other files */
	if (privileged || v == NULL || v[0] != '/' || strlen(v) > 4096)
		return NULL;
	return strdup(v);
}

static void
read_vars(struct shell *sh)
{
	struct shell_env *env = &sh->env;
	const char *v;

	read_connection(env, sh->privileged);
	v = getenv("VNCGATE_SESSION");
	if (v != NULL && strlen(v) == 32 && vg_charset_ok(v, HEX_SET, 32)) {
		vg_strlcpy(env->session, v, sizeof(env->session));
		env->session_given = 1;
	} else if (vg_random_hex(env->session, 16) == -1)
		env->session[0] = '\0';
	if ((v = getenv("SSH_ORIGINAL_COMMAND")) != NULL) {
		/* kept as data only; the command parser decides */
		if (strlen(v) > CMD_MAX)
			env->original_bad = 1;
		else
			env->original_command = strdup(v);
	}
	env->config = read_path_var("VNCGATE_CONFIG", sh->privileged);
	env->syslog_path = read_path_var("VNCGATE_SYSLOG_SOCKET",
	    sh->privileged);
	/* the build tree's catalogue, for the tests (po/locale) */
	env->localedir = read_path_var("VNCGATE_LOCALEDIR", sh->privileged);
}

void
env_sanitise(struct shell *sh)
{
	fds_sane();
	no_core();
	signals_sane();
	limits_sane();
	umask(077);
	sh->privileged = getauxval(AT_SECURE) != 0;
	read_vars(sh);
	env_rebuild();
}

void
env_free(struct shell_env *env)
{
	free(env->original_command);
	free(env->config);
	free(env->syslog_path);
	free(env->localedir);
	memset(env, 0, sizeof(*env));
}
