# SPDX-License-Identifier: ISC
"""What every row of the bench shares: the paths and the mock's
identities, the numbers and the table (Line), the output checks, and the
peer's install.  bench.py holds the world (mock, syslog, configs) and rows
1 to 5, refresh.py the discovery rows; both import this, and this imports
neither.
"""
import math
import os
import re
import shutil
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SHELL = os.path.join(ROOT, "shell", "vncgate-shell")
AUDIT_TOOL = os.path.join(ROOT, "tools", "vncgate-audit")
PEER_DIR = os.path.join(BENCH, ".peer")
PY = "/usr/bin/python3"

AK_ID = "LTAI5tMOCKstaticKey01"
AK_SECRET = "MOCKstaticSecret0123456789abcdef"
ROLE_ARN = "acs:ram::1234567890123456:role/vncgate-operator"
WEB1 = "i-bp1hzoinajzkh91h0001"
PAGE = "https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/index.html"
URL_RE = re.compile(re.escape(PAGE) + r"\?vncUrl=[A-Za-z0-9%._~-]+"
                    r"&instanceId=" + WEB1 + r"&isWindows=false$")
SOURCE = "10.1.2.3"

RUNS, WARMUP = 20, 3
SLOW_S = 2.0            # a line slower than this gets fewer runs...
LINE_BUDGET_S = 30.0    # ...about this much time in all
CHUNKS = 4              # side-by-side lines alternate in this many turns
CPU_CAP_S = 30          # a run is stopped after this much CPU time
KILLED = (128 + 24, 128 + 9)    # SIGXCPU, then SIGKILL (vgtime -c)
PARALLEL = 100
MIB = 1024.0


class BenchError(Exception):
    """The bench itself cannot go on (not a measured failure)."""


# Numbers ---------------------------------------------------------------------

def pct(values, p):
    """Nearest-rank percentile: the value p% of the samples do not exceed."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def fmt_s(sec):
    if sec is None:
        return "—"
    if sec >= 10:
        return "%.1f s" % sec
    if sec >= 1:
        return "%.2f s" % sec
    return "%.1f ms" % (sec * 1000) if sec < 0.1 else "%.0f ms" % (sec * 1000)


def fmt_mib(kib):
    return "—" if kib is None else "%.1f MiB" % (kib / MIB)


class Line:
    """One line of the table: a command measured, or a goal summed up."""

    def __init__(self, row, what, samples=None, failure=None, base=None):
        self.row, self.what = row, what
        # [(wall seconds, maxrss_kib, status, cpu seconds)]
        self.samples = samples or []
        self.failure = failure          # why it has no numbers
        self.base = base                # the Line it is compared with
        self.goal, self.verdict = "", ""
        self.rss_only = None            # a row 5 line: a peak RSS alone
        self.first = None               # the first run (see plan)
        self.rules = None               # row 3: the ACL's size
        self.runs = None                # runs, when not RUNS

    def times(self):
        return [s[0] for s in self.samples]

    def median(self):
        return statistics.median(self.times()) if self.samples else None

    def cpu(self):
        """Median user + system time: what the line costs the machine,
        less sensitive than wall time to what else runs."""
        if not self.samples:
            return None
        return statistics.median(s[3] for s in self.samples)

    def rss(self):
        if self.rss_only is not None:
            return self.rss_only
        return max(s[1] for s in self.samples) if self.samples else None

    def ratio(self):
        if self.base is None or not self.samples or not self.base.samples:
            return None
        return self.median() / self.base.median()

    def cells(self, with_goals):
        t = self.times()
        if self.base is self:
            ratio = "baseline"
        elif self.ratio() is not None:
            ratio = "%.2f×" % self.ratio()
        else:
            ratio = "—"
        if self.failure:
            nums = ["—", "—", "—", "—", ratio, "—"]
            what = "%s: **%s**" % (self.what, self.failure)
        else:
            nums = [str(len(t)) if t else "—", fmt_s(self.median()),
                    fmt_s(pct(t, 90) if t else None),
                    fmt_s(max(t) if t else None), ratio,
                    fmt_s(self.cpu())]
            what = self.what
        cells = [str(self.row), what] + nums + [fmt_mib(self.rss())]
        if with_goals:
            cells += [self.goal or "", self.verdict or ""]
        # a message quoted from a program must not break the table
        return [c.replace("|", "/").replace("\n", " ") for c in cells]


def table(lines, with_goals):
    head = ["#", "what", "runs", "median", "p90", "max", "vs baseline",
            "CPU", "peak RSS"]
    if with_goals:
        head += ["goal", "result"]
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    for ln in lines:
        out.append("| " + " | ".join(ln.cells(with_goals)) + " |")
    return "\n".join(out) + "\n"


def verdict(ok, detail):
    return ("met (%s)" if ok else "**missed** (%s)") % detail


def run(argv, what, **kw):
    res = subprocess.run(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, **kw)
    if res.returncode != 0:
        raise BenchError("%s failed: %s" % (what, res.stdout.strip()[:300]))
    return res.stdout


def first_line(path):
    try:
        with open(path, errors="replace") as f:
            for ln in f:
                if ln.strip():
                    return ln.strip()[:160]
    except OSError:
        pass
    return None


def check_url(out):
    lines = out.splitlines()
    if len(lines) != 1 or not URL_RE.match(lines[0]):
        return "not one console URL line: %r" % out[:120]
    return None


def check_lines(n):
    def check(out):
        got = len(out.splitlines())
        return None if got == n else "%d lines, not %d" % (got, n)
    return check


def check_exact(text):
    def check(out):
        return None if out == text else "printed %r" % out[:120]
    return check


def peer_env(ca):
    """The SDK's environment: the mock's CA, the key, the modules."""
    return {"PATH": "/usr/bin:/bin", "NODE_EXTRA_CA_CERTS": ca,
            "NODE_PATH": os.path.join(PEER_DIR, "node_modules"),
            "ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}


def peer_install(smoke):
    """None when the pinned SDK is in bench/.peer, else why not."""
    lock = os.path.join(BENCH, "peer", "package-lock.json")
    have = os.path.join(PEER_DIR, "package-lock.json")
    if os.path.exists(have) and same_file(lock, have) and os.path.isdir(
            os.path.join(PEER_DIR, "node_modules", "@alicloud",
                         "ecs20140526")):
        return None
    if smoke:
        return "the SDK is not installed (`make bench` installs it)"
    npm = shutil.which("npm", path="/usr/local/bin:/usr/bin:/bin")
    if npm is None:
        return "npm is not installed"
    os.makedirs(PEER_DIR, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(os.path.join(BENCH, "peer", name),
                        os.path.join(PEER_DIR, name))
    print("# installing the pinned SDK into bench/.peer (npm ci)",
          flush=True)
    try:
        # --ignore-scripts: nothing from the registry runs here
        res = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit",
                              "--no-fund", "--loglevel=error"],
                             cwd=PEER_DIR, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             timeout=300)
    except subprocess.TimeoutExpired:
        res = None
    if res is None or res.returncode != 0:
        os.unlink(have)     # install again next time
        return "npm could not install the SDK (registry unreachable?)"
    return None


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()
