#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""acct.py: the kernel's process accounting, to prove which programs ran.

    acct.py on FILE          start accounting into FILE (root; per PID
                             namespace, so only this test's processes)
    acct.py off              stop it
    acct.py size FILE        the file's size now: a mark for "since"
    acct.py comms FILE UID [SINCE [FROM:TO]...]
                             the commands that ran with real uid UID,
                             from byte SINCE on but for the byte ranges
                             FROM:TO (the test's own probes), one per
                             line, sorted, unique (a process that forked
                             and did not exec shows its parent's name
                             with " (fork)")
    acct.py exits FILE UID COMM [SINCE]
                             the exit status of each process COMM of uid
                             UID that ended since SINCE, in order: "exit
                             N" or "signal N"

Every process leaves one record when it exits (struct acct_v3 of
<linux/acct.h>, 64 bytes), however short it lived, so a sampled `ps`
cannot miss it.  Exit 2 when accounting is not available.
"""
import ctypes
import os
import struct
import sys

# struct acct_v3: flag, version, tty, exitcode, uid, gid, pid, ppid,
# btime, etime (float), eight comp_t, comm[16]
RECORD = struct.Struct("<BBHIIIIIIf8H16s")
AFORK = 0x01
ACCT_VERSION = 3


def acct(path):
    libc = ctypes.CDLL(None, use_errno=True)
    arg = path.encode() if path is not None else None
    if libc.acct(arg) != 0:
        err = ctypes.get_errno()
        sys.stderr.write("acct: %s\n" % os.strerror(err))
        return 2
    return 0


def comms(path, uid, since, skips):
    seen = set()
    with open(path, "rb") as f:
        pos = since - since % RECORD.size
        f.seek(pos)
        while True:
            raw = f.read(RECORD.size)
            if len(raw) < RECORD.size:
                break
            at, pos = pos, pos + RECORD.size
            rec = RECORD.unpack(raw)
            if rec[1] & 0x0f != ACCT_VERSION or rec[4] != uid or \
                    any(lo <= at < hi for lo, hi in skips):
                continue
            name = rec[-1].split(b"\0")[0].decode("ascii", "replace")
            seen.add(name + (" (fork)" if rec[0] & AFORK else ""))
    for name in sorted(seen):
        print(name)
    return 0


def records(path, since):
    with open(path, "rb") as f:
        f.seek(since - since % RECORD.size)
        while True:
            raw = f.read(RECORD.size)
            if len(raw) < RECORD.size:
                return
            rec = RECORD.unpack(raw)
            if rec[1] & 0x0f == ACCT_VERSION:
                yield rec


def exits(path, uid, comm, since):
    for rec in records(path, since):
        name = rec[-1].split(b"\0")[0].decode("ascii", "replace")
        if rec[4] != uid or name != comm:
            continue
        status = rec[3]
        if status & 0x7f:
            print("signal %d" % (status & 0x7f))
        else:
            print("exit %d" % (status >> 8 & 0xff))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "on":
        open(argv[2], "ab").close()
        os.chmod(argv[2], 0o600)
        return acct(argv[2])
    if len(argv) == 2 and argv[1] == "off":
        return acct(None)
    if len(argv) == 3 and argv[1] == "size":
        print(os.path.getsize(argv[2]))
        return 0
    if len(argv) in (5, 6) and argv[1] == "exits":
        return exits(argv[2], int(argv[3]), argv[4],
                     int(argv[5]) if len(argv) == 6 else 0)
    if len(argv) >= 4 and argv[1] == "comms":
        skips = [tuple(int(x) for x in r.split(":")) for r in argv[5:]]
        return comms(argv[2], int(argv[3]),
                     int(argv[4]) if len(argv) >= 5 else 0, skips)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
