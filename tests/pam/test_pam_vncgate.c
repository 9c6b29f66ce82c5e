/* SPDX-License-Identifier: ISC */
/*
 * pam_vncgate.so under pam_wrapper and libpamtest: the real libpam loads
 * the built module from service files this test writes (pam_wrapper
 * copies them once, at the first pam_start), with a config, an ACL and a
 * syslog socket of its own in a mkdtemp folder.  No /etc/pam.d change.
 *
 * Run by tests/pam/run with LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1.
 * The module accepts only root-owned config files (it runs in sshd), so
 * the cases that need a loaded config are skipped when not run as root.
 */
#include "unit.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <time.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LINEMAX		4096
#define MAXLINES	16
#define SID_LEN		32
#define INST_ID		"i-bp1hzoinajzkh91h0001"

/* The test's own fixture: one folder, one socket, for the whole run. */
static struct {
	char	dir[64];
	char	module[PATH_MAX];
	char	me[64];
	char	mygroup[64];
	int	root;
	int	sock;		/* the syslog receiver */
	int	convs;		/* conversations the module started */
	int	saved_err;	/* fd 2 while the module's log is captured */
} fx = { .sock = -1, .saved_err = -1 };

/* One PAM conversation: which service, and what sshd would have set. */
struct call {
	const char	*svc;
	const char	*user;
	const char	*rhost;
	const char	*tty;
	const char	*env[3];	/* "K=V" for pam_putenv */
};

/* One account case of the table. */
struct acase {
	const char	*name;
	const char	*svc;
	const char	*user;		/* "@me": the user running the test */
	const char	*rhost;
	const char	*instance;	/* VNCGATE_INSTANCE, NULL = unset */
	int		 want;
	int		 root;		/* needs root-owned files */
	/*
	 * What the module must log (pam_syslog) as the reason, a format
	 * given the test folder (%s) and the uid a foreign-owned file has
	 * (%u, after the %s); NULL: not checked.  A service error whose log
	 * does not say why leaves the admin guessing, and a right return
	 * code for the wrong reason would pass unnoticed.
	 */
	const char	*reason;
};

/* ---- files ---------------------------------------------------------- */

static void
put(const char *name, mode_t mode, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	unit_write_file(fx.dir, name, text, mode);
}

static const char acl_text[] =
	"allow \"ops\" {\n"
	"  users = {\"alice\"}\n"
	"  instances = {\"web-*\", \"db-*\"}\n"
	"}\n"
	"allow \"office-v4\" {\n"
	"  users = {\"carol\"}\n"
	"  instances = {\"web-*\"}\n"
	"  from = {\"10.0.0.0/8\"}\n"
	"}\n"
	"allow \"office-v6\" {\n"
	"  users = {\"dave\"}\n"
	"  instances = {\"web-*\"}\n"
	"  from = {\"2001:db8::/32\"}\n"
	"}\n"
	"allow \"secrets\" {\n"
	"  users = {\"erin\"}\n"
	"  instances = {\"secret-*\"}\n"
	"}\n"
	"allow \"by-group\" {\n"
	"  groups = {\"%s\"}\n"
	"  instances = {\"web-*\"}\n"
	"}\n"
	"deny \"never-secret\" {\n"
	"  instances = {\"secret-*\"}\n"
	"}\n"
	/* break-glass (DESIGN 1.12): frank only through it */
	"deny \"never-win\" {\n"
	"  instances = {\"win-*\"}\n"
	"  final = true\n"
	"}\n"
	"breakglass \"emergency\" {\n"
	"  users = {\"frank\"}\n"
	"  instances = {\"secret-*\", \"win-*\"}\n"
	"}\n";

/* The user running the test reached only by break-glass. */
static const char acl_glass[] =
	"breakglass \"emergency\" {\n"
	"  users = {\"%s\"}\n"
	"  instances = {\"web-*\"}\n"
	"}\n";

/*
 * A config whose ACL is dir/ACL, audit file dir/FILE ("": none) and
 * state folder dir/STATE, where the session records go.
 */
static void
put_conf_in(const char *name, const char *acl, const char *file,
    mode_t mode, const char *state)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s%s", *file != '\0' ? fx.dir : "",
	    *file != '\0' ? "/" : "", file);
	put(name, mode,
	    "acl_file = \"%s/%s\"\n"
	    "audit {\n  file = \"%s\"\n  required = true\n"
	    "  lock_timeout = 1\n}\n"
	    "limits {\n  state_dir = \"%s/%s\"\n}\n"
	    "instance \"web-1\" {\n  id = \"" INST_ID "\"\n}\n"
	    "instance \"db-1\" {\n  id = \"i-bp1hzoinajzkh91h0002\"\n}\n"
	    "instance \"win-1\" {\n  id = \"i-bp1hzoinajzkh91h0003\"\n"
	    "  os = \"windows\"\n}\n"
	    "instance \"secret-1\" {\n  id = \"i-bp1hzoinajzkh91h0004\"\n}\n",
	    fx.dir, acl, path, fx.dir, state);
}

static void
put_conf(const char *name, const char *acl, const char *file, mode_t mode)
{
	put_conf_in(name, acl, file, mode, "state");
}

/* dir/NAME and its sessions folder of MODE (0750 as installed) */
static void
put_state(const char *name, mode_t mode)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fx.dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/sessions", fx.dir, name);
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/*
 * The audit file's folder and the file, as make install makes them:
 * root's, the folder closed to others (its lock orders the chain).
 */
static void
put_log(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/log", fx.dir);
	assert_int_equal(mkdir(path, 0770), 0);
	snprintf(path, sizeof(path), "%s/log/audit.log", fx.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0660);
	assert_true(fd >= 0);
	close(fd);
}

static void
put_acls(void)
{
	char link[PATH_MAX], target[PATH_MAX];

	put("acl.conf", 0644, acl_text, fx.mygroup);
	put("acl-gw.conf", 0664, acl_text, fx.mygroup);
	put("acl-owner.conf", 0644, acl_text, fx.mygroup);
	put("acl-bad.conf", 0644, "allow \"x\" {\n  colour = \"red\"\n}\n");
	put("acl-glass.conf", 0644, acl_glass, fx.me);
	snprintf(link, sizeof(link), "%s/acl-link.conf", fx.dir);
	snprintf(target, sizeof(target), "%s/acl.conf", fx.dir);
	assert_int_equal(symlink(target, link), 0);
}

static void
put_confs(void)
{
	char path[PATH_MAX];

	put_conf("good.conf", "acl.conf", "", 0644);
	put_conf("glass.conf", "acl-glass.conf", "", 0644);
	put_conf("noacl.conf", "nosuch-acl.conf", "", 0644);
	put_conf("gw.conf", "acl-gw.conf", "", 0644);
	put_conf("link.conf", "acl-link.conf", "", 0644);
	put_conf("owner.conf", "acl-owner.conf", "", 0644);
	put_conf("badacl.conf", "acl-bad.conf", "", 0644);
	put_conf("gwconf.conf", "acl.conf", "", 0664);
	put_conf("notroot.conf", "acl.conf", "", 0644);
	put_conf("file.conf", "acl.conf", "log/audit.log", 0644);
	put_conf("nolog.conf", "acl.conf", "log/missing.log", 0644);
	put_conf("nofile.conf", "acl.conf", "nosuch-dir/audit.log", 0644);
	put_state("state", 0750);
	put_state("gwstate", 0770);
	put_conf_in("gwstate.conf", "acl.conf", "", 0644, "gwstate");
	/* another owner than root: only root can make one (else they are
	 * the caller's, and the caller is not root) */
	if (fx.root) {
		snprintf(path, sizeof(path), "%s/acl-owner.conf", fx.dir);
		assert_int_equal(chown(path, 1, 1), 0);
		snprintf(path, sizeof(path), "%s/notroot.conf", fx.dir);
		assert_int_equal(chown(path, 1, 1), 0);
	}
}

/* One service: the module in the stacks STACKS with ARGS. */
static void
put_service(const char *name, const char *const *stacks, const char *args)
{
	char path[PATH_MAX], text[4096];
	size_t i, len = 0;

	snprintf(path, sizeof(path), "%s/pam.d", fx.dir);
	(void)mkdir(path, 0755);
	text[0] = '\0';
	for (i = 0; stacks[i] != NULL; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s required %s %s\n", stacks[i], fx.module, args);
	snprintf(path, sizeof(path), "pam.d/%s", name);
	put(path, 0644, "%s", text);
}

static const char *const acct_session[] = { "account", "session", NULL };
static const char *const auth_only[] = { "auth", NULL };

/* Standard arguments: config=dir/CONF audit_socket=dir/log.sock. */
static void
put_std_service(const char *name, const char *conf, const char *extra)
{
	char args[1024];

	snprintf(args, sizeof(args), "config=%s/%s audit_socket=%s/log.sock%s",
	    fx.dir, conf, fx.dir, extra);
	put_service(name, acct_session, args);
}

static void
put_services(void)
{
	char args[1024];

	put_std_service("vg-good", "good.conf", "");
	put_std_service("vg-glass", "glass.conf", "");
	put_std_service("vg-debug", "good.conf", " debug");
	put_std_service("vg-badarg", "good.conf", " bogus=1");
	put_std_service("vg-noconf", "nosuch.conf", "");
	put_std_service("vg-noacl", "noacl.conf", "");
	put_std_service("vg-gw", "gw.conf", "");
	put_std_service("vg-link", "link.conf", "");
	put_std_service("vg-owner", "owner.conf", "");
	put_std_service("vg-badacl", "badacl.conf", "");
	put_std_service("vg-gwconf", "gwconf.conf", "");
	put_std_service("vg-notroot", "notroot.conf", "");
	put_std_service("vg-file", "file.conf", "");
	put_std_service("vg-nofile", "nofile.conf", "");
	put_std_service("vg-nolog", "nolog.conf", "");
	put_std_service("vg-gwstate", "gwstate.conf", "");
	/* optional beside another module: PAM then ignores its failure */
	put("pam.d/vg-gwstate-opt", 0644, "session required pam_permit.so\n"
	    "session optional %s config=%s/gwstate.conf "
	    "audit_socket=%s/log.sock\n", fx.module, fx.dir, fx.dir);
	put_std_service("vg-twice", "good.conf", " config=/etc/passwd");
	put_service("vg-relative", acct_session, "config=good.conf");
	snprintf(args, sizeof(args), "config=%s/good.conf "
	    "audit_socket=%s/nobody-listens.sock", fx.dir, fx.dir);
	put_service("vg-nosyslog", acct_session, args);
	snprintf(args, sizeof(args), "config=%s/good.conf", fx.dir);
	put_service("vg-auth", auth_only, args);
}

/* ---- the syslog receiver -------------------------------------------- */

static void
bind_syslog(void)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/log.sock", fx.dir);
	fx.sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fx.sock >= 0);
	assert_int_equal(bind(fx.sock, (struct sockaddr *)&sun,
	    sizeof(sun)), 0);
}

/*
 * The records sent so far.  An AF_UNIX datagram is queued on our socket
 * before the sender's send() returns, so nothing is still on its way.
 */
static size_t
records(char lines[][LINEMAX], size_t max)
{
	char buf[LINEMAX];
	size_t n = 0;
	ssize_t r;

	while ((r = recv(fx.sock, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
		buf[r] = '\0';
		if (r > 0 && buf[r - 1] == '\n')
			buf[r - 1] = '\0';
		if (n < max)
			snprintf(lines[n++], LINEMAX, "%s", buf);
	}
	return n;
}

/* The value of key in a record line ("" when absent). */
static void
value_of(const char *line, const char *key, char *out, size_t outlen)
{
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	out[0] = '\0';
	if ((p = strstr(line, pat)) == NULL)
		return;
	p += strlen(pat);
	n = strcspn(p, " ");
	snprintf(out, outlen, "%.*s", (int)n, p);
}

/* ---- running PAM ---------------------------------------------------- */

static int
no_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	/* the module must never talk to the user; counted, not failed
	 * here: a longjmp out of libpam would leave it half-way */
	fx.convs++;
	return PAM_CONV_ERR;
}

/*
 * Start a handle with the items sshd sets, then let libpamtest run the
 * operations on it (it calls pam_end).  _pamtest_conv is the function
 * behind run_pamtest_conv, whose macro in libpamtest.h 1.1.4 does not
 * expand.
 */
static enum pamtest_err
run(const struct call *c, struct pam_testcase *tc, size_t n)
{
	struct pam_conv conv = { no_conv, NULL };
	enum pamtest_err rc;
	pam_handle_t *ph = NULL;
	size_t i;

	assert_int_equal(pam_start(c->svc, c->user, &conv, &ph),
	    PAM_SUCCESS);
	if (c->rhost != NULL)
		assert_int_equal(pam_set_item(ph, PAM_RHOST, c->rhost),
		    PAM_SUCCESS);
	if (c->tty != NULL)
		assert_int_equal(pam_set_item(ph, PAM_TTY, c->tty),
		    PAM_SUCCESS);
	for (i = 0; i < NELEM(c->env) && c->env[i] != NULL; i++)
		assert_int_equal(pam_putenv(ph, c->env[i]), PAM_SUCCESS);
	fx.convs = 0;
	rc = _pamtest_conv(c->svc, c->user, no_conv, NULL, tc, n, ph);
	assert_int_equal(fx.convs, 0);
	return rc;
}

static const struct {
	int		 rc;
	const char	*name;
} rcnames[] = {
	{ PAM_SUCCESS, "PAM_SUCCESS" },
	{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
	{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
	{ PAM_SESSION_ERR, "PAM_SESSION_ERR" },
	{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
	{ PAM_MODULE_UNKNOWN, "PAM_MODULE_UNKNOWN" },
	{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
	{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
};

static const char *
rcname(int rc)
{
	size_t i;

	for (i = 0; i < NELEM(rcnames); i++)
		if (rcnames[i].rc == rc)
			return rcnames[i].name;
	return "another PAM code";
}

/* The return code of one operation, compared by name on failure. */
static void
expect_rc(const struct pam_testcase *tc, const char *what)
{
	if (tc->op_rv != tc->expected_rv)
		fail_msg("%s returned %s (%d), expected %s (%d)", what,
		    rcname(tc->op_rv), tc->op_rv, rcname(tc->expected_rv),
		    tc->expected_rv);
}

static int
need_root(void)
{
	if (fx.root)
		return 0;
	print_message("# skipped: the module accepts only root-owned "
	    "config and ACL files; run as root\n");
	return 1;
}

/* ---- the module's log ----------------------------------------------- */

/*
 * pam_wrapper writes what the module gives pam_syslog to stderr, so the
 * log of one PAM call is fd 2 redirected to a file around it.
 * log_end is also the teardown of the cases that capture: a failed
 * assertion inside leaves by longjmp, and stderr must come back then too.
 * What was captured is copied to the real stderr, for tests/pam/run.
 */
static void
log_start(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/module.log", fx.dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fx.saved_err = dup(2);
	assert_true(fx.saved_err >= 0);
	assert_true(dup2(fd, 2) == 2);
	close(fd);
}

static int
log_end(void **state)
{
	char path[PATH_MAX], buf[LINEMAX];
	size_t n;
	FILE *f;

	(void)state;
	if (fx.saved_err < 0)
		return 0;
	dup2(fx.saved_err, 2);
	close(fx.saved_err);
	fx.saved_err = -1;
	snprintf(path, sizeof(path), "%s/module.log", fx.dir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
	return 0;
}

/*
 * The captured log (stderr restored) has a line that matches the
 * fnmatch(3) pattern want whole, after pam_wrapper's "PWRAP_...[...] -
 * SYSLOG(3): " prefix.
 */
static void
expect_logged(const char *want)
{
	static const char mark[] = "SYSLOG(3): ";
	char log[8 * LINEMAX], path[PATH_MAX];
	char *line, *next, *p;
	size_t n;
	FILE *f;

	log_end(NULL);
	snprintf(path, sizeof(path), "%s/module.log", fx.dir);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	n = fread(log, 1, sizeof(log) - 1, f);
	fclose(f);
	log[n] = '\0';
	for (line = log; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((p = strstr(line, mark)) != NULL &&
		    fnmatch(want, p + strlen(mark), 0) == 0)
			return;
	}
	fail_msg("the module did not log \"%s\"", want);
}

/* ---- account -------------------------------------------------------- */

static const struct acase acases[] = {
	{ "account: allowed user passes", "vg-good", "alice", "10.1.2.3",
	    NULL, PAM_SUCCESS, 1, NULL },
	{ "account: allowed user with no PAM_RHOST (local) passes",
	    "vg-good", "alice", NULL, NULL, PAM_SUCCESS, 1, NULL },
	{ "account: user with no allow rule is denied", "vg-good",
	    "mallory", "10.1.2.3", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: user whose only instances a deny rule blocks is denied",
	    "vg-good", "erin", "10.1.2.3", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: allowed through a Unix group", "vg-good", "@me",
	    "10.1.2.3", NULL, PAM_SUCCESS, 1, NULL },
	{ "account: from IPv4 inside 10.0.0.0/8 passes", "vg-good", "carol",
	    "10.9.8.7", NULL, PAM_SUCCESS, 1, NULL },
	{ "account: from IPv4 outside 10.0.0.0/8 is denied", "vg-good",
	    "carol", "192.0.2.7", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: from rule and no PAM_RHOST is denied", "vg-good",
	    "carol", NULL, NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: IPv4-mapped IPv6 address matches the IPv4 from",
	    "vg-good", "carol", "::ffff:10.9.8.7", NULL, PAM_SUCCESS, 1, NULL },
	{ "account: from IPv6 inside 2001:db8::/32 passes", "vg-good",
	    "dave", "2001:db8:1::5", NULL, PAM_SUCCESS, 1, NULL },
	{ "account: from IPv6 outside 2001:db8::/32 is denied", "vg-good",
	    "dave", "2001:db9::5", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: IPv6 from rule does not match an IPv4 address",
	    "vg-good", "dave", "10.9.8.7", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: a host name in PAM_RHOST (UseDNS) is denied", "vg-good",
	    "alice", "ops.example.com", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: a user name the shell would refuse is denied",
	    "vg-good", "al;ce", "10.1.2.3", NULL, PAM_PERM_DENIED, 1, NULL },
	{ "account: no PAM_USER is a service error", "vg-good", NULL,
	    "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: no user name is set" },
	{ "VNCGATE_INSTANCE: an allowed instance passes", "vg-good", "alice",
	    "10.1.2.3", "web-1", PAM_SUCCESS, 1, NULL },
	{ "VNCGATE_INSTANCE: an allowed instance by ID passes", "vg-good",
	    "alice", "10.1.2.3", INST_ID, PAM_SUCCESS, 1, NULL },
	{ "VNCGATE_INSTANCE: an instance the user may not open is denied",
	    "vg-good", "alice", "10.1.2.3", "win-1", PAM_PERM_DENIED, 1, NULL },
	{ "VNCGATE_INSTANCE: a deny rule's instance is denied", "vg-good",
	    "erin", "10.1.2.3", "secret-1", PAM_PERM_DENIED, 1, NULL },
	{ "VNCGATE_INSTANCE: an unknown instance is denied", "vg-good",
	    "alice", "10.1.2.3", "nosuch-1", PAM_PERM_DENIED, 1, NULL },
	{ "VNCGATE_INSTANCE: an empty value is denied", "vg-good", "alice",
	    "10.1.2.3", "", PAM_PERM_DENIED, 1, NULL },
	{ "VNCGATE_INSTANCE: from still applies to the instance", "vg-good",
	    "carol", "192.0.2.7", "web-1", PAM_PERM_DENIED, 1, NULL },
	/* (pam_wrapper prints only errors: the notices are not checked) */
	{ "break-glass: a login only break-glass reaches passes",
	    "vg-good", "frank", "10.1.2.3", NULL, PAM_SUCCESS, 1, NULL },
	{ "break-glass: VNCGATE_INSTANCE it reaches past a deny passes",
	    "vg-good", "frank", "10.1.2.3", "secret-1", PAM_SUCCESS, 1, NULL },
	{ "break-glass: VNCGATE_INSTANCE behind a final deny is denied",
	    "vg-good", "frank", "10.1.2.3", "win-1", PAM_PERM_DENIED, 1,
	    NULL },
	{ "break-glass: VNCGATE_INSTANCE it does not reach is denied",
	    "vg-good", "frank", "10.1.2.3", "web-1", PAM_PERM_DENIED, 1,
	    NULL },
	{ "arguments: debug is accepted", "vg-debug", "alice", "10.1.2.3",
	    NULL, PAM_SUCCESS, 1, NULL },
	{ "arguments: an unknown argument is a service error, named in the "
	    "log", "vg-badarg", "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: unknown argument \"bogus=1\"" },
	{ "arguments: config= twice is a service error", "vg-twice", "alice",
	    "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: argument config= given twice" },
	{ "arguments: a relative config= is a service error", "vg-relative",
	    "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: argument config= needs an absolute path, not "
	    "\"good.conf\"" },
	{ "files: a missing config is a service error", "vg-noconf", "alice",
	    "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: %s/nosuch.conf: the file does not exist" },
	{ "files: a config not owned by root is a service error",
	    "vg-notroot", "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 0,
	    "account: %s/notroot.conf: the file is owned by uid %u, not by "
	    "uid 0" },
	{ "files: a group-writable config is a service error", "vg-gwconf",
	    "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/gwconf.conf: the file is group-writable" },
	{ "files: a missing ACL is a service error", "vg-noacl", "alice",
	    "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/nosuch-acl.conf: the file does not exist" },
	{ "files: a group-writable ACL is a service error", "vg-gw", "alice",
	    "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/acl-gw.conf: the file is group-writable" },
	{ "files: an ACL that is a symlink is a service error", "vg-link",
	    "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/acl-link.conf: the file is a symbolic link" },
	{ "files: an ACL not owned by root is a service error", "vg-owner",
	    "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/acl-owner.conf: the file is owned by uid %u, not by "
	    "uid 0" },
	{ "files: an unparsable ACL is a service error", "vg-badacl",
	    "alice", "10.1.2.3", NULL, PAM_SERVICE_ERR, 1,
	    "account: %s/acl-bad.conf:2: unknown key \"colour\"" },
};

static void
run_account(void **state)
{
	const struct acase *a = *state;
	char env[128], want[LINEMAX];
	struct call c = { a->svc, a->user, a->rhost, NULL, { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_ACCOUNT, a->want),
	};

	if (a->root && need_root())
		skip();
	if (a->user != NULL && strcmp(a->user, "@me") == 0)
		c.user = fx.me;
	if (a->instance != NULL) {
		snprintf(env, sizeof(env), "VNCGATE_INSTANCE=%s", a->instance);
		c.env[0] = env;
	}
	if (a->reason != NULL)
		log_start();
	run(&c, tc, NELEM(tc));
	if (a->reason != NULL) {
		snprintf(want, sizeof(want), a->reason, fx.dir,
		    fx.root ? 1 : (unsigned)getuid());
		expect_logged(want);
	}
	expect_rc(&tc[0], "pam_acct_mgmt");
}

/* ---- the stacks the module does not provide ------------------------- */

/*
 * No pam_sm_authenticate on purpose: libpam then answers
 * PAM_MODULE_UNKNOWN, so a line put in the auth stack fails closed.
 */
static void
test_auth_stack_fails_closed(void **state)
{
	struct call c = { "vg-auth", "alice", "10.1.2.3", NULL, { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_MODULE_UNKNOWN),
	};

	(void)state;
	run(&c, tc, NELEM(tc));
	expect_rc(&tc[0], "pam_authenticate");
}

/* ---- session -------------------------------------------------------- */

static const char *
env_session(char **envlist)
{
	size_t i, n = strlen("VNCGATE_SESSION=");

	for (i = 0; envlist != NULL && envlist[i] != NULL; i++)
		if (strncmp(envlist[i], "VNCGATE_SESSION=", n) == 0)
			return envlist[i] + n;
	return NULL;
}

static int
is_hex32(const char *s)
{
	return s != NULL && strlen(s) == SID_LEN &&
	    strspn(s, "0123456789abcdef") == SID_LEN;
}

/* The exact record the module must send for event and session sid. */
static void
want_record(char *out, size_t outlen, const char *event, const char *sid,
    const char *rport)
{
	snprintf(out, outlen, "<86>%%s vncgate[%ld]: event=%s user=%s "
	    "uid=%lu rhost=10.1.2.3 rport=%s tty=/dev/pts/7 pid=%ld "
	    "session=%s service=vg-good%s", (long)getpid(), event, fx.me,
	    (unsigned long)getuid(), rport, (long)getpid(), sid,
	    strcmp(event, "session_start") == 0 ? " breakglass=\"\"" : "");
}

/*
 * line equals want once its RFC 3164 time stamp (the 15 bytes after
 * "<PRI>", "Nov 27 21:33:07") is replaced by want's "%s".
 */
static void
expect_record(const char *line, const char *want)
{
	char got[LINEMAX];
	const char *p = strchr(line, '>');

	assert_non_null(p);
	assert_true(strlen(p + 1) > 16);
	snprintf(got, sizeof(got), "%.*s%%s%s", (int)(p + 1 - line), line,
	    p + 16);
	assert_string_equal(got, want);
}

/* dir/STATE/sessions/NAME */
static const char *
sess_path(const char *state, const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/sessions/%s", fx.dir, state,
	    name);
	return path;
}

static void
open_close(const struct call *c, char *sid, char lines[][LINEMAX],
    size_t *n)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
		pam_test(PAMTEST_GETENVLIST, 0),
		pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
	};
	const char *s;

	records(lines, MAXLINES);
	run(c, tc, NELEM(tc));
	expect_rc(&tc[0], "pam_open_session");
	expect_rc(&tc[2], "pam_close_session");
	s = env_session(tc[1].case_out.envlist);
	if (!is_hex32(s))
		fail_msg("VNCGATE_SESSION is \"%s\", not 32 hex digits",
		    s != NULL ? s : "(unset)");
	snprintf(sid, SID_LEN + 1, "%s", s);
	pamtest_free_env(tc[1].case_out.envlist);
	*n = records(lines, MAXLINES);
}

static void
test_session_records(void **state)
{
	struct call c = { "vg-good", NULL, "10.1.2.3", "/dev/pts/7",
	    { "SSH_CONNECTION=10.1.2.3 50000 10.0.0.1 22", NULL } };
	char sid[SID_LEN + 1], want[LINEMAX], lines[MAXLINES][LINEMAX];
	size_t n;

	(void)state;
	if (need_root())
		skip();
	c.user = fx.me;
	open_close(&c, sid, lines, &n);
	assert_int_equal(n, 2);
	want_record(want, sizeof(want), "session_start", sid, "50000");
	expect_record(lines[0], want);
	want_record(want, sizeof(want), "session_end", sid, "50000");
	expect_record(lines[1], want);
	/* closed: its session record is gone */
	assert_int_equal(access(sess_path("state", sid), F_OK), -1);
}

/*
 * A login that only break-glass let in: the account stage leaves the rule
 * on the handle, and session_start names it (breakglass=RULE), as sshd
 * runs both stages on one handle.
 */
static void
test_session_breakglass(void **state)
{
	struct call c = { "vg-glass", NULL, "10.1.2.3", "/dev/pts/7",
	    { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
		pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
		pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
	};
	char lines[MAXLINES][LINEMAX], v[LINEMAX];

	(void)state;
	if (need_root())
		skip();
	c.user = fx.me;
	records(lines, MAXLINES);
	run(&c, tc, NELEM(tc));
	expect_rc(&tc[0], "pam_acct_mgmt");
	expect_rc(&tc[1], "pam_open_session");
	assert_int_equal(records(lines, MAXLINES), 2);
	assert_non_null(strstr(lines[0], " event=session_start "));
	value_of(lines[0], "breakglass", v, sizeof(v));
	assert_string_equal(v, "emergency");
	/* session_start is not an alert: the issuance will be */
	assert_int_equal(strncmp(lines[0], "<86>", 4), 0);
	assert_non_null(strstr(lines[1], " event=session_end "));
	assert_null(strstr(lines[1], " breakglass="));
}

/* No SSH_CONNECTION: rport is empty; and every session has its own ID. */
static void
test_session_ids_differ(void **state)
{
	struct call c = { "vg-good", NULL, "10.1.2.3", "/dev/pts/7",
	    { NULL } };
	char sid1[SID_LEN + 1], sid2[SID_LEN + 1], v[LINEMAX];
	char lines[MAXLINES][LINEMAX];
	size_t n;

	(void)state;
	if (need_root())
		skip();
	c.user = fx.me;
	open_close(&c, sid1, lines, &n);
	assert_int_equal(n, 2);
	value_of(lines[0], "rport", v, sizeof(v));
	assert_string_equal(v, "\"\"");
	open_close(&c, sid2, lines, &n);
	assert_int_equal(n, 2);
	value_of(lines[1], "session", v, sizeof(v));
	assert_string_equal(v, sid2);
	assert_string_not_equal(sid1, sid2);
}

/* ---- the session record (DESIGN 1.2, 1.9) -------------------------- */

/* Open a session with sshd's items and no close: its ID in sid. */
static void
open_only(const char *svc, int want, char *sid)
{
	struct call c = { svc, NULL, "10.1.2.3", "/dev/pts/7",
	    { "SSH_CONNECTION=10.1.2.3 50000 10.0.0.1 22", NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_OPEN_SESSION, want),
		pam_test(PAMTEST_GETENVLIST, 0),
	};
	char lines[MAXLINES][LINEMAX];
	const char *s;

	c.user = fx.me;
	records(lines, MAXLINES);
	run(&c, tc, NELEM(tc));
	expect_rc(&tc[0], "pam_open_session");
	s = env_session(tc[1].case_out.envlist);
	snprintf(sid, SID_LEN + 1, "%s", s != NULL ? s : "");
	pamtest_free_env(tc[1].case_out.envlist);
	records(lines, MAXLINES);
}

/*
 * Written at open as root: 0640 in the sessions folder's group (the
 * shell reads it through group vncgate), the user's uid and what sshd
 * told PAM, exactly the lines the shell parses.
 */
static void
test_session_record_written(void **state)
{
	char sid[SID_LEN + 1], want[256], got[1024];
	struct stat sb, dsb;
	time_t t0 = time(NULL);
	long long start;
	FILE *f;
	size_t n;

	(void)state;
	if (need_root())
		skip();
	open_only("vg-good", PAM_SUCCESS, sid);
	assert_true(is_hex32(sid));
	assert_int_equal(lstat(sess_path("state", sid), &sb), 0);
	assert_int_equal(stat(sess_path("state", ""), &dsb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_gid, dsb.st_gid);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_non_null(f = fopen(sess_path("state", sid), "r"));
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = '\0';
	snprintf(want, sizeof(want), "v=1\nuid=%lu\nrhost=10.1.2.3\n"
	    "rport=50000\ntty=/dev/pts/7\nstart=", (unsigned long)getuid());
	if (strncmp(got, want, strlen(want)) != 0)
		fail_msg("the record is\n%s", got);
	start = atoll(got + strlen(want));
	assert_true(start >= t0 && start <= time(NULL));
	assert_int_equal(got[n - 1], '\n');
	assert_int_equal(unlink(sess_path("state", sid)), 0);
}

/* Removed at close; records older than a day swept at an open. */
static void
test_session_record_removed_swept(void **state)
{
	static const char old[] = "0123456789abcdef0123456789abcdef";
	static const char young[] = "fedcba9876543210fedcba9876543210";
	struct call c = { "vg-good", NULL, "10.1.2.3", "/dev/pts/7",
	    { NULL } };
	char sid[SID_LEN + 1], lines[MAXLINES][LINEMAX];
	struct timeval tv[2] = { { time(NULL) - 2 * 86400, 0 },
	    { time(NULL) - 2 * 86400, 0 } };
	size_t n;

	(void)state;
	if (need_root())
		skip();
	unit_write_file(fx.dir, "state/sessions/0123456789abcdef0123456789abcdef",
	    "v=1\n", 0640);
	assert_int_equal(utimes(sess_path("state", old), tv), 0);
	unit_write_file(fx.dir, "state/sessions/fedcba9876543210fedcba9876543210",
	    "v=1\n", 0640);
	c.user = fx.me;
	open_close(&c, sid, lines, &n);
	assert_int_equal(access(sess_path("state", sid), F_OK), -1);
	assert_int_equal(access(sess_path("state", old), F_OK), -1);
	assert_int_equal(access(sess_path("state", young), F_OK), 0);
	assert_int_equal(unlink(sess_path("state", young)), 0);
}

/*
 * A sessions folder others may write to is refused: the session fails
 * (PAM_SESSION_ERR, the line is required), logged, and nothing is
 * written there.
 */
static void
test_session_record_refused(void **state)
{
	char sid[SID_LEN + 1], want[LINEMAX];

	(void)state;
	if (need_root())
		skip();
	log_start();
	open_only("vg-gwstate", PAM_SESSION_ERR, sid);
	snprintf(want, sizeof(want), "session: the record of session * for "
	    "%s was not written: %s/gwstate/sessions must be a folder of "
	    "uid 0 that nobody else may write to", fx.me, fx.dir);
	expect_logged(want);
	assert_int_equal(access(sess_path("gwstate", sid), F_OK), -1);
}

/* The same with the line optional: PAM goes on, the module still logs. */
static void
test_session_record_optional(void **state)
{
	char sid[SID_LEN + 1], want[LINEMAX];

	(void)state;
	if (need_root())
		skip();
	log_start();
	open_only("vg-gwstate-opt", PAM_SUCCESS, sid);
	snprintf(want, sizeof(want), "session: the record of session * for "
	    "%s was not written: *", fx.me);
	expect_logged(want);
}

/* The lines of a text file. */
static size_t
file_lines(const char *name, char lines[][LINEMAX], size_t max)
{
	char path[PATH_MAX];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx.dir, name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	while (n < max && fgets(lines[n], LINEMAX, f) != NULL)
		n++;
	fclose(f);
	return n;
}

static void
expect_in(const char *line, const char *fmt, const char *v)
{
	char want[256];

	snprintf(want, sizeof(want), fmt, v);
	if (strstr(line, want) == NULL)
		fail_msg("%s is not in the line %s", want, line);
}

/*
 * audit.file: each record is also a line of the chained file, and the
 * syslog copy names it (seq, and chain = the first 16 hex digits of its
 * hash), so the remote copy authenticates the local file (DESIGN 1.7).
 */
static void
test_session_audit_file(void **state)
{
	static const char *const events[] = { "session_start", "session_end" };
	struct call c = { "vg-file", NULL, "10.1.2.3", "/dev/pts/7",
	    { NULL } };
	char sid[SID_LEN + 1], lines[MAXLINES][LINEMAX], v[LINEMAX];
	char flines[MAXLINES][LINEMAX], seq[8];
	const char *hash;
	size_t i, n;

	(void)state;
	if (need_root())
		skip();
	c.user = fx.me;
	open_close(&c, sid, lines, &n);
	assert_int_equal(n, 2);
	assert_int_equal(file_lines("log/audit.log", flines, MAXLINES), 2);
	for (i = 0; i < 2; i++) {
		expect_in(flines[i], "\"event\":\"%s\"", events[i]);
		expect_in(flines[i], "\"session\":\"%s\"", sid);
		snprintf(seq, sizeof(seq), "%zu", i + 1);
		expect_in(flines[i], "{\"seq\":%s,", seq);
		value_of(lines[i], "seq", v, sizeof(v));
		assert_string_equal(v, seq);
		hash = strstr(flines[i], "\"hash\":\"");
		assert_non_null(hash);
		value_of(lines[i], "chain", v, sizeof(v));
		assert_int_equal(strlen(v), 16);
		assert_memory_equal(v, hash + strlen("\"hash\":\""), 16);
	}
}

/*
 * audit.required: a session_start that SVC's audit sink did not take
 * opens no session, and the module logs why (WHY: the fnmatch pattern
 * after "was not stored: ", a format given the test folder).
 */
static void
open_refused(const char *svc, const char *why)
{
	struct call c = { svc, NULL, "10.1.2.3", NULL, { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_OPEN_SESSION, PAM_SESSION_ERR),
	};
	char reason[512], want[LINEMAX];

	if (need_root())
		skip();
	c.user = fx.me;
	log_start();
	run(&c, tc, NELEM(tc));
	snprintf(reason, sizeof(reason), why, fx.dir);
	snprintf(want, sizeof(want), "session: session_start record of "
	    "session * for %s was not stored: %s", fx.me, reason);
	expect_logged(want);
	expect_rc(&tc[0], "pam_open_session");
}

/* an audit file that cannot be written */
static void
test_session_file_unwritable_refused(void **state)
{
	(void)state;
	open_refused("vg-nofile", "cannot open the audit file "
	    "%s/nosuch-dir/audit.log: No such file or directory");
}

/*
 * an audit file that is missing: made at install, never by the module
 * (it would be root's, but whatever made it must say so), and refused
 */
static void
test_session_file_missing_refused(void **state)
{
	char path[PATH_MAX];

	(void)state;
	open_refused("vg-nolog", "the audit file %s/log/missing.log is "
	    "missing: it is made at install (make install or the package), "
	    "never by vncgate itself");
	snprintf(path, sizeof(path), "%s/log/missing.log", fx.dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* a syslog that does not take the record */
static void
test_session_unrecorded_refused(void **state)
{
	(void)state;
	open_refused("vg-nosyslog", "syslog at %s/nobody-listens.sock did "
	    "not take the record: *");
}

static void
test_session_close_without_open(void **state)
{
	struct call c = { "vg-good", NULL, "10.1.2.3", NULL, { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_CLOSE_SESSION, PAM_SESSION_ERR),
	};
	char lines[MAXLINES][LINEMAX], want[LINEMAX];

	(void)state;
	if (need_root())
		skip();
	c.user = fx.me;
	records(lines, MAXLINES);
	log_start();
	run(&c, tc, NELEM(tc));
	snprintf(want, sizeof(want), "session: closing a session for %s "
	    "that this module did not open", fx.me);
	expect_logged(want);
	expect_rc(&tc[0], "pam_close_session");
	assert_int_equal(records(lines, MAXLINES), 0);
}

static void
test_session_missing_config(void **state)
{
	struct call c = { "vg-noconf", NULL, "10.1.2.3", NULL, { NULL } };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_OPEN_SESSION, PAM_SERVICE_ERR),
	};
	char lines[MAXLINES][LINEMAX], want[LINEMAX];

	(void)state;
	c.user = fx.me;
	records(lines, MAXLINES);
	log_start();
	run(&c, tc, NELEM(tc));
	snprintf(want, sizeof(want), "session: %s/nosuch.conf: the file does "
	    "not exist", fx.dir);
	expect_logged(want);
	expect_rc(&tc[0], "pam_open_session");
	assert_int_equal(records(lines, MAXLINES), 0);
}

/* ---- the shared object itself --------------------------------------- */

static void
test_dlopen_exports(void **state)
{
	static const char *const entry[] = {
		"pam_sm_acct_mgmt", "pam_sm_open_session",
		"pam_sm_close_session",
	};
	static const char *const hidden[] = {
		"pam_sm_authenticate", "pam_sm_setcred", "pam_sm_chauthtok",
		"conf_load", "acl_decide", "audit_emit", "buf_init",
		"pvg_account",
	};
	void *h;
	size_t i;

	(void)state;
	/* RTLD_NOW: every symbol the module needs resolves, or this fails */
	h = dlopen(fx.module, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		fail_msg("dlopen: %s", dlerror());
	for (i = 0; i < NELEM(entry); i++)
		if (dlsym(h, entry[i]) == NULL)
			fail_msg("%s is not exported", entry[i]);
	for (i = 0; i < NELEM(hidden); i++)
		if (dlsym(h, hidden[i]) != NULL)
			fail_msg("%s is exported", hidden[i]);
	dlclose(h);
}

/* ---- setup ---------------------------------------------------------- */

static void
who_am_i(void)
{
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());

	assert_non_null(pw);
	assert_non_null(gr);
	snprintf(fx.me, sizeof(fx.me), "%s", pw->pw_name);
	snprintf(fx.mygroup, sizeof(fx.mygroup), "%s", gr->gr_name);
	fx.root = geteuid() == 0;
}

static void
find_module(void)
{
	const char *m = getenv("PVG_MODULE");

	if (m == NULL)
		m = "pam_module/pam_vncgate.so";
	if (realpath(m, fx.module) == NULL)
		fail_msg("the module %s is not there: make it first", m);
}

static int
setup(void **state)
{
	char svc[PATH_MAX];

	(void)state;
	if (getenv("PAM_WRAPPER") == NULL)
		fail_msg("run with LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 "
		    "(tests/pam/run does)");
	who_am_i();
	find_module();
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/vg-pam-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	assert_int_equal(chmod(fx.dir, 0755), 0);
	put_log();
	put_acls();
	put_confs();
	put_services();
	bind_syslog();
	/* read once, at the first pam_start: every service is written */
	snprintf(svc, sizeof(svc), "%s/pam.d", fx.dir);
	setenv("PAM_WRAPPER_SERVICE_DIR", svc, 1);
	return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	(void)state;
	if (fx.sock >= 0)
		close(fx.sock);
	if (fx.dir[0] != '\0' && getenv("KEEP_LOGS") == NULL)
		nftw(fx.dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

#define NAMED(name, fn)	{ name, fn, NULL, NULL, NULL }

static const struct CMUnitTest fixed[] = {
	NAMED("auth: a line in the auth stack fails closed",
	    test_auth_stack_fails_closed),
	NAMED("session: start and end records with one session ID",
	    test_session_records),
	NAMED("session: each session its own ID; no SSH_CONNECTION, no rport",
	    test_session_ids_differ),
	NAMED("session: a login only break-glass let in says so in "
	    "session_start", test_session_breakglass),
	NAMED("session: records go to the chained audit file too",
	    test_session_audit_file),
	NAMED("session: the session record is written at open, root's, "
	    "0640, the user's uid and sshd's address",
	    test_session_record_written),
	NAMED("session: the record goes at close, old ones are swept",
	    test_session_record_removed_swept),
	NAMED("session: a sessions folder others may write to opens no "
	    "session, and says why",
	    test_session_record_refused),
	NAMED("session: with the line optional, the same failure is logged "
	    "and PAM goes on",
	    test_session_record_optional),
	NAMED("session: an audit file that cannot be written opens none, "
	    "and says why",
	    test_session_file_unwritable_refused),
	NAMED("session: a missing audit file is not made: no session, and "
	    "says why",
	    test_session_file_missing_refused),
	NAMED("session: a start syslog did not take opens no session, and "
	    "says why",
	    test_session_unrecorded_refused),
	NAMED("session: close without open is an error, logged, no record",
	    test_session_close_without_open),
	NAMED("session: a missing config is a service error, logged, no "
	    "record",
	    test_session_missing_config),
	NAMED("dlopen(RTLD_NOW): only pam_sm_* are visible",
	    test_dlopen_exports),
};

int
main(void)
{
	struct CMUnitTest t[NELEM(acases) + NELEM(fixed)];
	size_t i, n = 0;

	/* cmocka's TAP lines (stdout) stay in order with its errors and
	 * pam_wrapper's log (stderr) when both go to one file */
	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; i < NELEM(acases); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = acases[i].name;
		t[n].test_func = run_account;
		t[n].initial_state = (void *)(uintptr_t)&acases[i];
		t[n].teardown_func = log_end;
		n++;
	}
	for (i = 0; i < NELEM(fixed); i++) {
		t[n] = fixed[i];
		t[n++].teardown_func = log_end;
	}
	return _cmocka_run_group_tests("pam_vncgate", t, n, setup, teardown);
}
