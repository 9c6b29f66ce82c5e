/* SPDX-License-Identifier: ISC */
/*
 * vgtime: time a program the way the bench needs it.
 *
 *   vgtime [-w WARMUP] [-n RUNS] [-p PARALLEL] [-c CPU_S] [-o OUT] [-e ERR]
 *          -- PROG ARG...
 *
 * Runs PROG (an absolute path: no PATH search, the caller's environment
 * as it is) WARMUP times unreported, then RUNS times one after another,
 * and prints one line per measured run:
 *
 *   WALL_NS MAXRSS_KIB STATUS CPU_NS
 *
 * WALL_NS is CLOCK_MONOTONIC from just before fork to wait4's return;
 * MAXRSS_KIB is the child's peak resident set and CPU_NS its user plus
 * system time (wait4's rusage, so no second program such as
 * /usr/bin/time sits in the measurement); STATUS is the exit code, or
 * 128 + the signal.  With -p, PARALLEL children are forked first, each
 * waiting on a pipe; closing the pipe starts them all at once, and each
 * line is that child's time from the start to its exit.
 *
 * -c: each child may use CPU_S seconds of CPU (RLIMIT_CPU, which survives
 * exec, so the parent needs no timer): then SIGXCPU, a second later
 * SIGKILL, so a pathological run ends with status 152 or 137.
 *
 * Stdin is /dev/null.  Stdout goes to OUT (default /dev/null), truncated
 * before each sequential run, so OUT holds the last run's output; with -p
 * all children append to it.  Stderr is appended to ERR (default
 * /dev/null).  Exit 0 when every run (warm-ups too) exited 0, 1 when
 * some did not, 2 on a usage or system error.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXPAR	1000

struct opts {
	long		 warmup;
	long		 runs;
	long		 parallel;	/* 0: sequential */
	long		 cpu_limit;	/* seconds, 0: none */
	const char	*out;
	const char	*err;
	char		**argv;
};

struct result {
	long long	wall_ns;
	long long	cpu_ns;
	long		maxrss_kib;
	int		status;
};

static void
usage(void)
{
	fprintf(stderr, "usage: vgtime [-w WARMUP] [-n RUNS] [-p PARALLEL] "
	    "[-c CPU_S] [-o OUT] [-e ERR] -- PROG ARG...\n");
	exit(2);
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->runs = 1;
	o->out = o->err = "/dev/null";
	while ((c = getopt(argc, argv, "w:n:p:c:o:e:")) != -1) {
		switch (c) {
		case 'w':
			o->warmup = number(optarg, 0, 1000);
			break;
		case 'n':
			o->runs = number(optarg, 1, 100000);
			break;
		case 'p':
			o->parallel = number(optarg, 1, MAXPAR);
			break;
		case 'c':
			o->cpu_limit = number(optarg, 1, 86400);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'e':
			o->err = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || argv[optind][0] != '/')
		usage();
	o->argv = argv + optind;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* In the child: the CPU limit, stdin, stdout and stderr. */
static void
child_setup(const struct opts *o, int truncate)
{
	struct rlimit rl;
	int in, out, err;

	if (o->cpu_limit > 0) {
		rl.rlim_cur = (rlim_t)o->cpu_limit;
		rl.rlim_max = (rlim_t)o->cpu_limit + 1;
		if (setrlimit(RLIMIT_CPU, &rl) == -1)
			_exit(127);
	}

	in = open("/dev/null", O_RDONLY);
	out = open(o->out, O_WRONLY | O_CREAT |
	    (truncate ? O_TRUNC : O_APPEND), 0644);
	err = open(o->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in == -1 || out == -1 || err == -1 ||
	    dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(127);
}

/* Fork a child that runs the program once gate (if not -1) closes. */
static pid_t
spawn(const struct opts *o, int gate_r, int gate_w)
{
	pid_t pid;
	char c;

	if ((pid = fork()) != 0)
		return pid;
	if (gate_r != -1) {
		close(gate_w);
		/* EOF when the parent closes its end: everyone starts */
		while (read(gate_r, &c, 1) == -1 && errno == EINTR)
			;
		close(gate_r);
	}
	child_setup(o, gate_r == -1);
	execv(o->argv[0], o->argv);
	_exit(127);
}

static long long
cpu_of(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000LL +
	    (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000LL;
}

static void
print_result(const struct result *r)
{
	printf("%lld %ld %d %lld\n", r->wall_ns, r->maxrss_kib, r->status,
	    r->cpu_ns);
}

static int
status_of(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
}

/* One run: fork, wait, and what it cost. */
static int
run_once(const struct opts *o, struct result *r)
{
	struct rusage ru;
	long long t0;
	pid_t pid;
	int ws;

	t0 = now_ns();
	if ((pid = spawn(o, -1, -1)) == -1)
		return -1;
	while (wait4(pid, &ws, 0, &ru) == -1)
		if (errno != EINTR)
			return -1;
	r->wall_ns = now_ns() - t0;
	r->cpu_ns = cpu_of(&ru);
	r->maxrss_kib = ru.ru_maxrss;
	r->status = status_of(ws);
	return 0;
}

static int
sequential(const struct opts *o)
{
	struct result r;
	int failed = 0;
	long i;

	for (i = 0; i < o->warmup + o->runs; i++) {
		if (run_once(o, &r) == -1) {
			perror("vgtime");
			return 2;
		}
		failed |= r.status != 0;
		if (i >= o->warmup)
			print_result(&r);
	}
	return failed;
}

/* Reap every child, each with its time since t0. */
static int
reap_all(const pid_t *pids, long n, long long t0, struct result *res)
{
	struct rusage ru;
	long left = n, i;
	pid_t pid;
	int ws;

	while (left > 0) {
		if ((pid = wait4(-1, &ws, 0, &ru)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n && pids[i] != pid; i++)
			;
		if (i == n)
			continue;
		res[i].wall_ns = now_ns() - t0;
		res[i].cpu_ns = cpu_of(&ru);
		res[i].maxrss_kib = ru.ru_maxrss;
		res[i].status = status_of(ws);
		left--;
	}
	return 0;
}

static int
parallel(const struct opts *o)
{
	static pid_t pids[MAXPAR];
	static struct result res[MAXPAR];
	long long t0;
	int gate[2], failed = 0;
	long i;

	if (pipe(gate) == -1) {
		perror("vgtime");
		return 2;
	}
	for (i = 0; i < o->parallel; i++)
		if ((pids[i] = spawn(o, gate[0], gate[1])) == -1) {
			/* the ones forked start and are reaped below */
			perror("vgtime: fork");
			break;
		}
	close(gate[0]);
	t0 = now_ns();
	close(gate[1]);
	if (reap_all(pids, i, t0, res) == -1 || i < o->parallel)
		return 2;
	for (i = 0; i < o->parallel; i++) {
		failed |= res[i].status != 0;
		print_result(&res[i]);
	}
	return failed;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int rc;

	parse_opts(argc, argv, &o);
	rc = o.parallel > 0 ? parallel(&o) : sequential(&o);
	if (fflush(stdout) == EOF)
		return 2;
	return rc;
}
