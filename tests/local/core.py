#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""core.py: the shell's memory as it ends (DESIGN 1.2: secrets are wiped
after use).  Root only.

    core.py dump EXE CORE OUT -- CMD...
        Run CMD (stdout to OUT); once EXE runs (CMD itself after setpriv
        and env exec'd it, or a process CMD started: pty.py's), attach
        gdb, stop it at exit_group, the last system call of a process,
        write its core with gcore to CORE, and let it end.  Prints
        "exit N" (CMD's status) and "core yes|no".  gdb as root may
        attach to a process that is not dumpable (setgid).
    core.py control CORE OUT -- CMD...
        The control: run CMD under gdb from its first instruction (gdb
        follows its execs, through setpriv and env) and write a core at
        each call of curl_easy_perform and at show_url, where the
        secrets of the request being sent, and the URL about to be
        shown, must still be in memory: CORE.0, CORE.1 ...  Prints
        "exit N" and "cores N".
    core.py scan MOCKDIR STATIC_SECRET MARK CORE...
        For each secret the run handled, "found KIND" when one of the
        cores holds it, else "absent KIND" (never the secret): the static
        AccessKeySecret, the role's AccessKeySecret and SecurityToken
        (the last the mock's metadata service or STS handed out), the
        VncUrl the mock served last and the token inside it, and the
        signature of the last ECS request (V3: the Signature of its
        Authorization header; V1: the Signature parameter).  Each is
        looked for as it is, percent-encoded (a V1 query or body carries
        it so) and percent-decoded once (a VncUrl checked by its host).
        "unknown KIND" when the mock's log does not have it.  Also
        "found mark" or "absent mark" for MARK, a string in CMD's
        environment, which is in every core gcore can write (the
        initial stack is never freed): the dump can be read at all.
"""
import json
import os
import subprocess
import sys
import time
import urllib.parse

TOKEN_MARK = "%3Fs%3D"          # "?s=" inside the percent-encoded VncUrl
GDB = ["gdb", "-batch", "-nx",
       # everything, also what madvise(MADV_DONTDUMP) or coredump_filter
       # would keep out of a core: a secret must be wiped, not hidden
       "-ex", "set use-coredump-filter off",
       "-ex", "set dump-excluded-mappings on"]


def parent(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def runs_exe(pid, exe):
    try:
        return os.readlink("/proc/%d/exe" % pid) == exe
    except OSError:
        return False


def descends(pid, root):
    while pid > 1:
        if pid == root:
            return True
        pid = parent(pid)
    return False


def wait_exec(root, exe, secs=10):
    """The pid of root or of a process below it once it runs exe."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for name in os.listdir("/proc"):
            if name.isdigit() and runs_exe(int(name), exe) and \
                    descends(int(name), root):
                return int(name)
        time.sleep(0.005)
    return 0


def dump(exe, core, out, argv):
    with open(out, "wb") as f:
        proc = subprocess.Popen(argv, stdout=f, stdin=subprocess.DEVNULL)
    pid = wait_exec(proc.pid, exe)
    if pid:
        subprocess.run(GDB + ["-p", str(pid),
                              "-ex", "catch syscall exit_group",
                              "-ex", "continue", "-ex", "gcore " + core,
                              "-ex", "detach"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    rc = proc.wait(timeout=60)
    print("exit %d" % (128 - rc if rc < 0 else rc))
    print("core %s" % ("yes" if os.path.getsize(core) > 0 else "no")
          if os.path.exists(core) else "core no")
    return 0


# each hit writes the next CORE.N and goes on
STOP = """break {where}
commands
silent
eval "gcore {core}.%d", $vgcores
set $vgcores = $vgcores + 1
continue
end
"""


def control(core, out, argv):
    script = core + ".gdb"
    status = core + ".status"
    with open(script, "w") as f:
        f.write("set pagination off\nset confirm off\n"
                "set breakpoint pending on\n"
                # gdb's own words apart from CMD's stdout
                "set logging file %s.log\nset logging redirect on\n"
                "set logging enabled on\nset $vgcores = 0\n" % core)
        for where in ("curl_easy_perform", "show_url"):
            f.write(STOP.format(where=where, core=core))
        f.write('run\neval "shell echo %%d >%s", $_exitcode\n' % status)
    with open(out, "wb") as f:
        subprocess.run(GDB + ["-x", script, "--args"] + argv, stdout=f,
                       stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)
    try:
        with open(status) as f:
            print("exit %d" % int(f.read()))
    except (OSError, ValueError):
        print("exit unknown")
    n = 0
    while os.path.exists("%s.%d" % (core, n)):
        n += 1
    print("cores %d" % n)
    return 0


def last(rows, service, key):
    for row in reversed(rows):
        if row.get("service") == service and row.get(key):
            return row[key]
    return ""


def secrets(mockdir, static):
    with open(os.path.join(mockdir, "requests.log")) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    url = last(rows, "ecs", "vnc_url")
    role = [r for r in rows if r.get("service") in ("sts", "imds")]
    return [("static-secret", static),
            ("role-secret", last(role, "sts", "issued_secret") or
             last(role, "imds", "issued_secret")),
            ("security-token", last(role, "sts", "issued_token") or
             last(role, "imds", "issued_token")),
            ("vncurl", url),
            ("vncurl-token", url.split(TOKEN_MARK, 1)[1]
             if TOKEN_MARK in url else ""),
            ("signature", last(rows, "ecs", "signature"))]


def forms(value):
    """value as it may sit in memory: as is, encoded, decoded once."""
    return {value.encode(),
            urllib.parse.quote(value, safe="-_.~").encode(),
            urllib.parse.unquote(value).encode()}


def scan(mockdir, static, mark, cores):
    data = []
    for core in cores:
        with open(core, "rb") as f:
            data.append(f.read())
    for kind, value in secrets(mockdir, static) + [("mark", mark)]:
        if len(value) < 8:
            print("unknown %s" % kind)
            continue
        seen = any(v in d for v in forms(value) for d in data)
        print("%s %s" % ("found" if seen else "absent", kind))
    return 0


def main(argv):
    if len(argv) >= 6 and argv[0] == "dump" and argv[4] == "--":
        return dump(argv[1], argv[2], argv[3], argv[5:])
    if len(argv) >= 5 and argv[0] == "control" and argv[3] == "--":
        return control(argv[1], argv[2], argv[4:])
    if len(argv) >= 5 and argv[0] == "scan":
        return scan(argv[1], argv[2], argv[3], argv[4:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
