#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""trail.py SYSLOG USER: the audit records of USER's newest SSH session.

Reads the sink's file (one datagram per line), takes the vncgate records
(`vncgate[PID]: event=...`), finds the last session_start of USER and
prints "SEQ EVENT" for every record carrying that session, in the order
syslog received them.  Values may be double-quoted with C escapes
(DESIGN 1.7); a record without seq prints "-" for it.  Nothing found:
no output, exit 1.
"""
import re
import sys

RECORD = re.compile(r"vncgate\[\d+\]: (event=.*)$")
PAIR = re.compile(r'([a-z0-9_]+)=("(?:[^"\\]|\\.)*"|[^ ]*)')


def fields(text):
    out = {}
    for key, value in PAIR.findall(text):
        if value.startswith('"'):
            value = value[1:-1]
        out.setdefault(key, value)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: trail.py SYSLOG USER")
    recs = []
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            m = RECORD.search(line.rstrip("\n"))
            if m:
                recs.append(fields(m.group(1)))
    session = None
    for r in recs:
        if r.get("event") == "session_start" and \
                r.get("user") == sys.argv[2]:
            session = r.get("session")
    if not session:
        return 1
    for r in recs:
        if r.get("session") == session:
            print(r.get("seq", "-"), r.get("event", "?"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
