#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""core.py: the shell's memory as it ends (DESIGN 1.2: secrets are wiped
after use).  Root only.

    core.py dump EXE CORE OUT -- CMD...
        Run CMD (stdout to OUT); once it is EXE (after setpriv and env
        exec'd it), attach gdb, stop it at exit_group, the last system
        call of a process, write its core with gcore to CORE, and let it
        end.  Prints "exit N" (CMD's status) and "core yes|no".  gdb as
        root may attach to a process that is not dumpable (setgid).
    core.py scan CORE MOCKDIR STATIC_SECRET MARK
        For each secret the run handled, "absent KIND" or "found KIND"
        (never the secret): the static AccessKeySecret, the role's
        AccessKeySecret and SecurityToken (the last the mock's metadata
        service or STS handed out), the VncUrl the mock served last and
        the token inside it, and the signature of the last ECS request
        (V3: the Signature of its Authorization header).  Also
        "found mark" or "absent mark" for MARK, a string in CMD's
        environment, which is in every core gcore can write (the
        initial stack is never freed): the dump can be read at all.
"""
import json
import os
import subprocess
import sys
import time

TOKEN_MARK = "%3Fs%3D"          # "?s=" inside the percent-encoded VncUrl


def wait_exec(pid, exe, secs=10):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            if os.readlink("/proc/%d/exe" % pid) == exe:
                return True
        except OSError:
            return False
        time.sleep(0.005)
    return False


def dump(exe, core, out, argv):
    with open(out, "wb") as f:
        proc = subprocess.Popen(argv, stdout=f, stdin=subprocess.DEVNULL)
    if wait_exec(proc.pid, exe):
        subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-nx",
                        # everything, also what madvise(MADV_DONTDUMP)
                        # or coredump_filter would keep out of a core:
                        # a secret must be wiped, not merely hidden
                        "-ex", "set use-coredump-filter off",
                        "-ex", "set dump-excluded-mappings on",
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


def scan(core, mockdir, static, mark):
    with open(core, "rb") as f:
        data = f.read()
    for kind, value in secrets(mockdir, static) + [("mark", mark)]:
        if len(value) < 8:
            print("unknown %s" % kind)
        else:
            print("%s %s" % ("found" if value.encode() in data
                             else "absent", kind))
    return 0


def main(argv):
    if len(argv) >= 6 and argv[0] == "dump" and argv[4] == "--":
        return dump(argv[1], argv[2], argv[3], argv[5:])
    if len(argv) == 5 and argv[0] == "scan":
        return scan(*argv[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
