#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""hoststate.py: did the runbook's changes stay in its throwaway root?

    hoststate.py snap DIR OUT
        records every path under DIR (one file system, symlinks not
        followed) with its state: the SHA-256 of a file, the target of a
        symlink, "dir", or the type of anything else; JSON in OUT.
    hoststate.py diff OUT UPPER [SKIP...]
        for every path the throwaway root changed (each entry of the
        overlay's upper folder UPPER, whiteouts included) that OUT's
        snapshot covers, compares the machine's path now with the
        snapshot, and prints each one that differs, "PATH: was X, is Y".
        Exit 1 when any does.  SKIP: paths left to other checks (the
        account files, which other test runs on this machine may change
        meanwhile).
"""
import hashlib
import json
import os
import stat
import sys


def state(path):
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "absent"
    except OSError as e:
        return "unreadable: %s" % e.strerror
    if stat.S_ISLNK(st.st_mode):
        return "-> " + os.readlink(path)
    if stat.S_ISDIR(st.st_mode):
        return "dir %o %d:%d" % (stat.S_IMODE(st.st_mode), st.st_uid,
                                 st.st_gid)
    if not stat.S_ISREG(st.st_mode):
        return "type %o" % stat.S_IFMT(st.st_mode)
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
    except OSError as e:
        return "unreadable: %s" % e.strerror
    return "file %o %d:%d %s" % (stat.S_IMODE(st.st_mode), st.st_uid,
                                 st.st_gid, h.hexdigest())


def snap(top, out):
    dev = os.lstat(top).st_dev
    seen = {top: state(top)}
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs
                   if os.lstat(os.path.join(root, d)).st_dev == dev]
        for name in dirs + files:
            p = os.path.join(root, name)
            seen[p] = state(p)
    with open(out, "w") as f:
        json.dump({"top": top, "paths": seen}, f)
    return 0


def diff(snapfile, upper, skip):
    with open(snapfile) as f:
        data = json.load(f)
    top, was = data["top"], data["paths"]
    bad = []
    base = os.path.join(upper, top.lstrip("/"))
    for root, dirs, files in os.walk(base):
        for name in dirs + files:
            rel = os.path.relpath(os.path.join(root, name), upper)
            p = "/" + rel
            if p in skip:
                continue
            before = was.get(p, "absent")
            now = state(p)
            if before != now:
                bad.append("%s: was %s, is %s" % (p, before, now))
    for line in sorted(bad):
        print(line)
    return 1 if bad else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "snap":
        return snap(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 4 and sys.argv[1] == "diff":
        return diff(sys.argv[2], sys.argv[3], set(sys.argv[4:]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
