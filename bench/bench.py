#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The vncgate benchmark (issue 6): vncgate against the floor (a bare HTTPS
request by curl) and the peer (Alibaba Cloud's Node.js SDK), side by side,
against the mock cloud on 127.0.0.1.

    bench.py --vgtime PATH [--smoke]

bench/run builds vgtime and calls this.  Prints one Markdown table; a full
run also writes it, with the machine, to bench/last-run.md.  --smoke: one
run per line, no goals, no SDK install, the scale row at 1,000 x 1,000.
Rows 1 to 5 are here; rows 6 to 8 (issue 12, the inventory from the
cloud) are in refresh.py; what both share is in benchlib.py.
Exit status: 0 when every line ran (or was skipped, or stopped for taking
over CPU_CAP_S), 1 when vncgate or a baseline failed where it should have
worked, 2 when the bench itself could not start.
"""
import json
import os
import platform
import pwd
import grp
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from benchlib import (
    AK_ID, AK_SECRET, AUDIT_TOOL, BENCH, CHUNKS, CPU_CAP_S, KILLED,
    LINE_BUDGET_S, MIB, PARALLEL, PY, ROLE_ARN, ROOT, RUNS, SHELL, SLOW_S,
    SOURCE, URL_RE, WARMUP, WEB1, BenchError, Line, check_exact, check_lines,
    check_url, first_line, fmt_mib, fmt_s, pct, peer_env, peer_install, run,
    table, verdict)
import refresh


# The world: certificates, syslog sink, mock cloud, configs -------------------

class World:
    def __init__(self, tmp, vgtime, smoke):
        self.tmp, self.vgtime, self.smoke = tmp, vgtime, smoke
        self.procs = []
        pw = pwd.getpwuid(os.getuid())
        # the names vncgate itself finds (getpwuid, getgrouplist)
        self.user = pw.pw_name
        self.group = grp.getgrgid(pw.pw_gid).gr_name
        self.notes = []
        self.nconf = 0

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def start(self):
        certs = self.path("certs")
        run([os.path.join(ROOT, "tests", "mock", "mkcerts"), certs],
            "mkcerts")
        self.ca = os.path.join(certs, "ca.pem")
        self.sock = self.path("log.sock")
        self.spawn([PY, os.path.join(ROOT, "tests", "lib", "syslogd.py"),
                    self.sock, self.path("syslog.txt"),
                    self.path("syslogd.pid")], self.path("syslogd.pid"))
        self.ports = self.start_mock("mock")
        for d in ("state", "audit"):
            os.mkdir(self.path(d), 0o700)
        with open(self.path("access_key"), "w") as f:
            f.write('access_key_id = "%s"\naccess_key_secret = "%s"\n' %
                    (AK_ID, AK_SECRET))
        os.chmod(self.path("access_key"), 0o640)

    def start_mock(self, name, args=()):
        """Another mock cloud in the folder `name`, on its own ports
        (the certificates are the same): {"ecs": port, ...}."""
        mock = self.path(name)
        shutil.copytree(self.path("certs"), mock)
        self.spawn([PY, os.path.join(ROOT, "tests", "mock", "mockcloud.py"),
                    "--dir", mock] + list(args),
                   os.path.join(mock, "ecs.port"))
        ports = {}
        for service in ("ecs", "sts", "imds"):
            with open(os.path.join(mock, service + ".port")) as f:
                ports[service] = int(f.read())
        return ports

    def spawn(self, argv, ready_file):
        with open(self.path(os.path.basename(argv[1]) + ".log"), "ab") as log:
            self.procs.append(subprocess.Popen(argv, stdout=log,
                                               stderr=log))
        for _ in range(200):
            if os.path.exists(ready_file) and os.path.getsize(ready_file):
                return
            if self.procs[-1].poll() is not None:
                break
            time.sleep(0.05)
        raise BenchError("%s did not start" % os.path.basename(argv[1]))

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    def small_acl(self):
        path = self.path("acl-small.conf")
        with open(path, "w") as f:
            f.write('allow "ops" {\n  users = {"%s"}\n  instances = '
                    '{"web-*", "win-*", "db-*"}\n}\ndeny "never-secret" '
                    '{\n  instances = {"secret-*"}\n}\n' % self.user)
        os.chmod(path, 0o644)
        return path

    def conf(self, provider="static", sig="v3", acl=None, audit="",
             inventory=None, state=None, ports=None, text=None):
        """A vncgate.conf for one kind of run; returns its path.
        inventory: a file to append; text: this instead of instances."""
        self.nconf += 1
        path = self.path("vncgate-%d.conf" % self.nconf)
        p = ports or self.ports
        head = CONF % {
            "acl": acl or self.small_acl(), "ecs": p["ecs"], "sts": p["sts"],
            "imds": p["imds"], "sig": sig, "ca": self.ca,
            "provider": provider, "key": self.path("access_key"),
            "arn": ROLE_ARN, "audit": audit,
            "state": state or self.path("state")}
        with open(path, "w") as f:
            f.write(head)
            if text is not None:
                f.write(text)
            elif inventory is None:
                f.write(SMALL_INVENTORY)
            else:
                with open(inventory) as inv:
                    shutil.copyfileobj(inv, f)
        os.chmod(path, 0o644)
        return path

    def env(self, conf):
        return {"PATH": "/usr/bin:/bin", "VNCGATE_CONFIG": conf,
                "VNCGATE_SYSLOG_SOCKET": self.sock,
                "SSH_CONNECTION": "%s 50000 10.0.0.1 22" % SOURCE}

    # measuring ---------------------------------------------------------------

    def vgtime_run(self, argv, env, runs, warmup=0, parallel=0, out=None):
        """[(seconds, maxrss_kib, status, cpu seconds)] from vgtime."""
        err = self.path("stderr.txt")
        cmd = [self.vgtime, "-w", str(warmup), "-n", str(runs),
               "-c", str(CPU_CAP_S), "-o", out or os.devnull, "-e", err]
        if parallel:
            cmd += ["-p", str(parallel)]
        res = subprocess.run(cmd + ["--"] + argv, env=env,
                             stdout=subprocess.PIPE, text=True)
        if res.returncode == 2:
            raise BenchError("vgtime failed on %s" % argv[0])
        return [(int(a) / 1e9, int(b), int(c), int(d) / 1e9)
                for a, b, c, d in
                (ln.split() for ln in res.stdout.splitlines())]

    def probe(self, line, argv, env, check):
        """The first run: must succeed and give the right output.  It
        also warms the caches.  Returns its time, or None on failure."""
        out = self.path("out.txt")
        err = self.path("stderr.txt")
        open(err, "w").close()
        s = self.vgtime_run(argv, env, 1, out=out)[0]
        why = None
        # RLIMIT_CPU counts in ticks: the rusage may read a little less
        if s[2] in KILLED and s[3] >= CPU_CAP_S - 1:
            line.failure = "stopped after %d s of CPU (the bench's cap)" % \
                CPU_CAP_S
            return None
        if s[2] != 0:
            # -t names its problems on stdout, an operator gets one
            # sentence on stderr and syslog gets the reason
            why = "exit %d: %s" % (s[2], s[2] == 4 and self.config_error()
                                   or first_line(out) or first_line(err)
                                   or "no message")
            why = why.replace(self.tmp + "/", "")
        elif check is not None:
            with open(out) as f:
                why = check(f.read())
        if why is not None:
            line.failure = "fails, " + why
            return None
        line.first = s
        if self.smoke:
            line.samples = [s]
        return s[0]

    def config_error(self):
        """The reason of the last config_error record in syslog, if any.
        Datagrams arrive in order: once a marker sent now is in the file,
        every record the shell sent is there too."""
        marker = "bench-sync-%d" % time.monotonic_ns()
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as so:
            so.sendto(marker.encode(), self.sock)
        for _ in range(100):
            with open(self.path("syslog.txt"), errors="replace") as f:
                text = f.read()
            if marker in text:
                break
            time.sleep(0.01)
        text = text[:text.rfind(marker)]
        text = text[text.rfind("event=shell_start"):]
        found = re.findall(r"event=config_error .*", text)
        if not found:
            return None
        kv = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', found[-1]))
        return "%s: %s" % (os.path.basename(kv.get("file", "?").strip('"')),
                           kv.get("reason", "?").strip('"')[:160])

    def plan(self, line, argv, env, first):
        """(warm-ups, runs) after a first run that took `first` seconds.
        A slow line keeps to about LINE_BUDGET_S in all, and its runs so
        far count: after a second of work the caches are warm anyway."""
        if self.smoke:
            return 0, 0
        want = line.runs or RUNS
        if first <= SLOW_S:
            return WARMUP - 1, want
        # a first run can be slow alone (cold disk cache): once more
        second = self.vgtime_run(argv, env, 1)[0]
        if second[2] == 0 and second[0] <= SLOW_S:
            return max(0, WARMUP - 2), want
        line.samples = [line.first, second]
        t = min(first, second[0])
        runs = max(2, min(want, int(LINE_BUDGET_S / t)))
        if runs < want:
            self.notes.append("%s: %d runs, not %d: one takes %s." % (
                line.what, runs, want, fmt_s(t)))
        return 0, runs - 2

    def measure(self, row, what, argv, env, check=None, base=None):
        line = Line(row, what, base=base)
        first = self.probe(line, argv, env, check)
        if first is not None:
            warm, runs = self.plan(line, argv, env, first)
            if runs:
                line.samples += self.vgtime_run(argv, env, runs, warm)
            self.check_all(line)
        return line

    def side_by_side(self, specs):
        """Several lines measured in alternating turns, so that a drift of
        the machine hits all alike.  specs: (line, argv, env, check)."""
        live = []
        for line, argv, env, check in specs:
            first = self.probe(line, argv, env, check)
            if first is not None:
                live.append((line, argv, env,
                             self.plan(line, argv, env, first)))
        for turn in range(CHUNKS):
            for line, argv, env, (warm, runs) in live:
                n = runs // CHUNKS + (1 if turn < runs % CHUNKS else 0)
                if n:
                    line.samples += self.vgtime_run(
                        argv, env, n, warm if turn == 0 else 0)
        for line, _, _, _ in live:
            self.check_all(line)

    @staticmethod
    def check_all(line):
        bad = [s for s in line.samples if s[2] != 0]
        if bad:
            line.failure = "%d of %d runs failed (exit %d)" % (
                len(bad), len(line.samples), bad[0][2])


CONF = """\
acl_file = "%(acl)s"
pam_service = ""
api {
  region = "cn-hangzhou"
  endpoint = "https://127.0.0.1:%(ecs)d"
  sts_endpoint = "https://127.0.0.1:%(sts)d"
  signature = "%(sig)s"
  ca_file = "%(ca)s"
}
credentials {
  provider = "%(provider)s"
  metadata_url = "http://127.0.0.1:%(imds)d"
  access_key_file = "%(key)s"
  role_arn = "%(arn)s"
}
audit {
  file = "%(audit)s"
}
limits {
  user_per_minute = 0
  instance_per_minute = 0
  state_dir = "%(state)s"
}
"""

SMALL_INVENTORY = """\
instance "web-1" {
  id = "i-bp1hzoinajzkh91h0001"
  description = "web frontend 1"
  tags = {"env=prod", "team=web"}
}
instance "win-1" {
  id = "i-bp1hzoinajzkh91h0002"
  os = "windows"
  description = "windows box"
}
instance "db-1" {
  id = "i-bp1hzoinajzkh91h0003"
  description = "database"
}
instance "secret-1" {
  id = "i-bp1hzoinajzkh91h0004"
  description = "nobody may open this"
}
"""


# Row 1 and 2: one issuance ---------------------------------------------------

def curl_argv(w, *urls):
    """One curl process making these requests in order, as vncgate does:
    (method, url, header or None)."""
    curl = shutil.which("curl", path="/usr/bin:/bin")
    if curl is None:
        raise BenchError("curl is not installed (apt-get install curl)")
    argv = [curl]
    for i, (method, url, header) in enumerate(urls):
        if i:
            argv.append("--next")
        argv += ["-s", "-o", os.devnull, "--cacert", w.ca, "-X", method]
        if header:
            argv += ["-H", header]
        argv.append(url)
    return argv


def ecs_url(w):
    return ("POST", "https://127.0.0.1:%d/" % w.ports["ecs"], None)


def row_issuance(w):
    floor = Line(1, "floor: curl, 1 HTTPS request")
    floor.base = floor
    conf = w.conf(audit=w.path("audit", "row1.log"))
    vg = Line(1, "vncgate `-c \"url web-1\"` (static, V3)", base=floor)
    # the same without the audit file: what its three fsyncs cost
    nofile = Line(1, "for scale: the same, `audit.file = \"\"` (syslog "
                  "only)", base=floor)
    cmd = [SHELL, "-c", "url web-1"]
    w.side_by_side([(floor, curl_argv(w, ecs_url(w)),
                     {"PATH": "/usr/bin:/bin"}, None),
                    (vg, cmd, w.env(conf), check_url),
                    (nofile, cmd, w.env(w.conf()), check_url)])
    # the peer alone: its heavy runs would disturb the two above, and a
    # drift of a few percent does not matter at its scale
    peer = peer_line(w, floor)
    lines = [floor, vg, nofile, peer]
    if not w.smoke:
        goal_row1(vg, floor, peer)
    return lines, vg


def goal_row1(vg, floor, peer):
    vg.goal = "≤ 1.25× floor"
    if vg.ratio() is not None:
        vg.verdict = verdict(vg.ratio() <= 1.25, "%.2f×" % vg.ratio())
    peer.goal = "vncgate ≥ 20× faster"
    if peer.samples and vg.samples:
        x = peer.median() / vg.median()
        peer.verdict = verdict(x >= 20, "%.1f× faster" % x)
    elif not peer.samples:
        peer.verdict = "n/a (peer skipped)"


def peer_line(w, floor):
    line = Line(1, "peer: Node.js SDK `@alicloud/ecs20140526`", base=floor)
    node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
    why = peer_install(w.smoke)
    if node is None:
        why = "node is not installed"
    if why is not None:
        line.failure = "skipped, " + why
        w.notes.append("The peer line was skipped: %s." % why)
        return line
    env = peer_env(w.ca)
    argv = [node, os.path.join(BENCH, "peer", "peer.js"),
            "127.0.0.1:%d" % w.ports["ecs"], "cn-hangzhou", WEB1]
    w.side_by_side([(line, argv, env, check_url)])
    return line


def row_v1_and_roles(w):
    ip = "http://127.0.0.1:%d" % w.ports["imds"]
    creds = "/latest/meta-data/ram/security-credentials/"
    # measured again with its own group, so that each pair shares turns
    floor = Line(2, "floor: curl, 1 HTTPS request")
    floor.base = floor
    imds_floor = Line(2, "floor: curl, 3 HTTP (metadata) + 1 HTTPS")
    imds_floor.base = imds_floor
    sts_floor = Line(2, "floor: curl, 2 HTTPS (STS, ECS)")
    sts_floor.base = sts_floor
    v1 = Line(2, "vncgate, V1 (static)", base=floor)
    imds = Line(2, "vncgate, `ecs_ram_role` (V3)", base=imds_floor)
    arn = Line(2, "vncgate, `ram_role_arn` (V3)", base=sts_floor)
    cmd = [SHELL, "-c", "url web-1"]
    audit = w.path("audit", "row2.log")
    bare = {"PATH": "/usr/bin:/bin"}
    w.side_by_side([
        (floor, curl_argv(w, ecs_url(w)), bare, None),
        (v1, cmd, w.env(w.conf(sig="v1", audit=audit)), check_url),
        (imds_floor, curl_argv(
            w, ("PUT", ip + "/latest/api/token",
                "X-aliyun-ecs-metadata-token-ttl-seconds: 21600"),
            ("GET", ip + creds, None), ("GET", ip + creds + "VncGateRole",
                                        None), ecs_url(w)), bare, None),
        (imds, cmd, w.env(w.conf(provider="ecs_ram_role", audit=audit)),
         check_url),
        (sts_floor, curl_argv(
            w, ("POST", "https://127.0.0.1:%d/" % w.ports["sts"], None),
            ecs_url(w)), bare, None),
        (arn, cmd, w.env(w.conf(provider="ram_role_arn", audit=audit)),
         check_url)])
    lines = [floor, v1, imds_floor, imds, sts_floor, arn]
    if not w.smoke:
        for ln in (v1, imds, arn):
            ln.goal = "≤ 1.25× its floor"
            if ln.ratio() is not None:
                ln.verdict = verdict(ln.ratio() <= 1.25,
                                     "%.2f×" % ln.ratio())
    return lines


# Row 3: scale ----------------------------------------------------------------

# Full: 10,000 instances, then the list at these other rule counts.
# Smoke: a tenth of that, so make check stays quick whatever the speed.
SCALE = {False: (10000, 10000, (1000, 100000)), True: (1000, 1000, ())}


def generate(w, ninst, rules):
    inv = w.path("inventory-%d.conf" % ninst)
    acl = w.path("acl-%d-%d.conf" % (ninst, rules))
    out = run([PY, os.path.join(BENCH, "gen.py"), str(ninst), str(rules),
               w.user, w.group, inv, acl], "gen.py").split()
    os.chmod(acl, 0o644)
    return inv, acl, int(out[0]), out[1]


def size(ninst, rules, long=False):
    if long:
        return "%s instances × %s rules" % (format(ninst, ","),
                                            format(rules, ","))
    return "%s × %s" % (format(ninst, ","), format(rules, ","))


def row_scale(w):
    small = w.conf(audit=w.path("audit", "row3.log"))
    base = Line(3, "baseline: `-c list`, 4 instances × 2 rules")
    base.base = base
    w.side_by_side([(base, [SHELL, "-c", "list"], w.env(small),
                     check_lines(3))])
    ninst, nrules, others = SCALE[w.smoke]
    inv, acl, reached, tagged = generate(w, ninst, nrules)
    conf = w.conf(acl=acl, inventory=inv,
                  audit=w.path("audit", "row3.log"))
    env = w.env(conf)
    lst = w.measure(3, "`-c list`, %s (%d reached)" %
                    (size(ninst, nrules, True), reached),
                    [SHELL, "-c", "list"],
                    env, check_lines(reached), base)
    lst.rules = nrules
    chk = w.measure(3, "`-t`, %s" % size(ninst, nrules),
                    [SHELL, "-t", "-f", conf], env, check_exact(""), base)
    explain = "user=%s,instance=%s,from=%s,at=2026-11-23T10:00" % (
        w.user, tagged, SOURCE)
    one = w.measure(3, "`-t -C` one decision, %s" % size(ninst, nrules),
                    [SHELL, "-t", "-f", conf, "-C", explain], env,
                    check_exact("allow op-tag\n"), base)
    growth = [lst] + [scale_list(w, ninst, n, base) for n in others]
    if not w.smoke:
        goal_row3(lst, sorted(growth, key=lambda ln: ln.rules))
    return [base, lst, chk, one] + growth[1:], [lst, chk, one]


def scale_list(w, ninst, rules, base):
    inv, acl, reached, _ = generate(w, ninst, rules)
    conf = w.conf(acl=acl, inventory=inv, audit=w.path("audit", "row3.log"))
    line = w.measure(3, "`-c list`, %s" % size(ninst, rules),
                     [SHELL, "-c", "list"], w.env(conf),
                     check_lines(reached), base)
    line.rules = rules
    return line


def goal_row3(lst, growth):
    lst.goal = "≤ 50 ms"
    if lst.samples:
        lst.verdict = verdict(lst.median() <= 0.050, fmt_s(lst.median()))
    elif lst.failure and lst.failure.startswith("stopped"):
        lst.verdict = "**missed** (stopped)"
    small, mid, big = growth
    big.goal = "close to linear: the cost of 1,000 more rules stays put"
    if big.failure and big.failure.startswith("stopped"):
        big.verdict = "**missed** (%s)" % big.failure
    elif small.samples and mid.samples and big.samples:
        a = (mid.median() - small.median()) / 9.0
        b = (big.median() - mid.median()) / 90.0
        big.verdict = verdict(b <= 2 * max(a, 1e-4),
                              "per 1,000 rules: %s from 1k to 10k, %s "
                              "from 10k to 100k" % (fmt_s(a), fmt_s(b)))
    else:
        big.verdict = "n/a (a list line failed)"


# Row 4: concurrency ----------------------------------------------------------

def row_concurrency(w):
    audit = w.path("audit", "row4.log")
    conf = w.conf(audit=audit)
    floor = Line(4, "floor: %d curl processes at once" % PARALLEL)
    floor.base = floor
    vg = Line(4, "vncgate: %d `-c \"url web-1\"` at once" % PARALLEL,
              base=floor)
    curl = curl_argv(w, ecs_url(w))
    cmd = [SHELL, "-c", "url web-1"]
    if not w.smoke:
        w.vgtime_run(curl, {"PATH": "/usr/bin:/bin"}, 1, parallel=PARALLEL)
        w.vgtime_run(cmd, w.env(conf), 1, parallel=PARALLEL)
    floor.samples = w.vgtime_run(curl, {"PATH": "/usr/bin:/bin"}, 1,
                                 parallel=PARALLEL)
    w.check_all(floor)
    before = audit_records(audit)
    out = w.path("urls.txt")
    open(out, "w").close()
    vg.samples = w.vgtime_run(cmd, w.env(conf), 1, parallel=PARALLEL,
                              out=out)
    w.check_all(vg)
    with open(out) as f:
        urls = sum(1 for ln in f if URL_RE.match(ln.rstrip("\n")))
    if not vg.failure and urls != PARALLEL:
        vg.failure = "%d console URLs printed, not %d" % (urls, PARALLEL)
    trail = Line(4, "audit file after the %d" % PARALLEL)
    trail.goal, trail.verdict = audit_check(audit, before)
    if trail.verdict.startswith("**missed"):
        trail.failure = "chain check failed"
    elif w.smoke:
        trail.what += ": " + trail.verdict
    if not w.smoke and vg.samples:
        t = vg.times()
        p50, p99 = pct(t, 50), pct(t, 99)
        vg.goal = "p99 ≤ 3× p50; all succeed"
        vg.verdict = verdict(p99 <= 3 * p50 and not vg.failure,
                             "p50 %s, p99 %s: %.2f×" %
                             (fmt_s(p50), fmt_s(p99), p99 / p50))
        ft = floor.times()
        floor.goal = "(for scale)"
        floor.verdict = "p50 %s, p99 %s" % (fmt_s(pct(ft, 50)),
                                            fmt_s(pct(ft, 99)))
    return [floor, vg, trail]


def audit_records(path):
    """The audit file's records, or None when there is no file."""
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        return [ln for ln in f.read().splitlines() if ln.strip()]


def audit_check(path, before):
    goal = "%d more `issue` records; `vncgate-audit verify` accepts" % \
        PARALLEL
    after = audit_records(path)
    if after is None:
        return goal, "n/a (feature missing: no audit file written)"
    gained = after[len(before or []):]
    issues = 0
    for ln in gained:
        try:
            rec = json.loads(ln)
        except ValueError:
            return goal, "**missed** (a record is not JSON)"
        issues += rec.get("event") == "issue" and rec.get("result") == "ok"
    if not os.access(AUDIT_TOOL, os.X_OK):
        return goal, "n/a (feature missing: no tools/vncgate-audit); " \
            "%d records gained, %d issue" % (len(gained), issues)
    res = subprocess.run([AUDIT_TOOL, "verify", path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    ok = res.returncode == 0 and issues == PARALLEL
    return goal, verdict(ok, "%d records gained, %d issue ok; verify: %s" %
                         (len(gained), issues,
                          res.stdout.strip().splitlines()[0][:80]
                          if res.stdout.strip() else "exit %d" %
                          res.returncode))


# Row 5: memory ---------------------------------------------------------------

def row_memory(w, issuance, scale):
    # what the process costs before it does anything: the same shared
    # libraries (libcurl and all it links) are mapped for every command
    image = Line(5, "for scale: `vncgate-shell -V` (start, print, exit)")
    w.side_by_side([(image, [SHELL, "-V"], {"PATH": "/usr/bin:/bin"},
                     check_exact("vncgate-shell %s\n" % version()))])
    one = Line(5, "peak RSS, one issuance (row 1)")
    one.rss_only = issuance.rss()
    big = Line(5, "peak RSS, %s (row 3: list, -t, -t -C)" %
               size(*SCALE[w.smoke][:2]))
    rss = [ln.rss() for ln in scale if ln.rss() is not None]
    big.rss_only = max(rss) if rss else None
    if not w.smoke:
        for ln, cap in ((one, 8), (big, 32)):
            ln.goal = "≤ %d MiB" % cap
            ln.verdict = "n/a (no run)" if ln.rss_only is None else \
                verdict(ln.rss_only <= cap * MIB, fmt_mib(ln.rss_only))
    return [image, one, big]


def version():
    with open(os.path.join(ROOT, "Makefile")) as f:
        for ln in f:
            m = re.match(r"VERSION\s*=\s*(\S+)", ln)
            if m:
                return m.group(1)
    return "?"


# The run ---------------------------------------------------------------------

def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    curl = run(["curl", "--version"], "curl").splitlines()[0]
    node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
    nodev = run([node, "--version"], "node").strip() if node else "none"
    return ("%d cores (%s), %s %s; %s; Node.js %s; Python %s" %
            (os.cpu_count(), model, platform.system(), platform.release(),
             " ".join(curl.split()[:2] + curl.split()[3:5]), nodev,
             platform.python_version()))


def bench(w):
    lines = []
    row1, issuance = row_issuance(w)
    lines += row1
    lines += row_v1_and_roles(w)
    row3, scale = row_scale(w)
    lines += row3
    lines += row_concurrency(w)
    lines += row_memory(w, issuance, scale)
    lines += refresh.rows(w, version())
    return lines


def report(w, lines, seconds):
    text = table(lines, not w.smoke)
    head = ("vncgate bench, %s, %s run in %.0f s; load average %s at the "
            "start, %s at the end\n\nMachine: %s\n\n" %
            (time.strftime("%Y-%m-%d %H:%M %Z"),
             "smoke" if w.smoke else "full", seconds, w.load,
             loadavg(), machine()))
    notes = "".join("\n- " + n for n in w.notes)
    if notes:
        notes = "\nNotes:" + notes + "\n"
    sys.stdout.write(head + text + notes)
    if not w.smoke:
        with open(os.path.join(BENCH, "last-run.md"), "w") as f:
            f.write(head + text + notes)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def failed(lines):
    """Lines where vncgate or a baseline broke: not skipped, and not
    stopped for being slow (a missed goal, not a broken bench)."""
    return [ln for ln in lines if ln.failure and
            not ln.failure.startswith(("skipped", "stopped"))]


def main(argv):
    smoke = "--smoke" in argv
    if "--vgtime" not in argv or not os.access(SHELL, os.X_OK):
        sys.stderr.write("usage: bench.py --vgtime PATH [--smoke] "
                         "(after make all)\n")
        return 2
    vgtime = argv[argv.index("--vgtime") + 1]
    tmp = tempfile.mkdtemp(prefix="vgbench.")
    os.chmod(tmp, 0o755)
    w = World(tmp, vgtime, smoke)
    # a busy machine stretches every line; the header says how busy
    w.load = loadavg()
    start = time.monotonic()
    try:
        w.start()
        lines = bench(w)
    except BenchError as e:
        sys.stderr.write("bench: %s\n" % e)
        return 2
    finally:
        w.stop()
        if os.environ.get("KEEP_BENCH"):
            sys.stderr.write("bench: files kept in %s\n" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(w, lines, time.monotonic() - start)
    bad = failed(lines)
    for ln in bad:
        sys.stderr.write("bench: row %s, %s: %s\n" % (ln.row, ln.what,
                                                       ln.failure))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
