#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""echo_off.py USER: exit 0 when the terminal of USER's newest
vncgate-shell has ECHO off, that is, when a password typed now is read
by PAM's prompt and not flushed (stepup.c turns echo off with TCSAFLUSH
just after it printed the prompt).  Exit 1 otherwise, or when there is
no such shell on a terminal.  Reads the terminal's modes only: the pty
is opened with O_NOCTTY and nothing is written to it.
"""
import os
import pwd
import sys
import termios


def newest_shell_tty(uid):
    best = None
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                if f.read().strip() != "vncgate-shell":
                    continue
            if os.stat("/proc/%s" % pid).st_uid != uid:
                continue
            tty = os.readlink("/proc/%s/fd/0" % pid)
        except OSError:
            continue
        if tty.startswith("/dev/pts/") and \
                (best is None or int(pid) > best[0]):
            best = (int(pid), tty)
    return best[1] if best else None


def main():
    uid = pwd.getpwnam(sys.argv[1]).pw_uid
    tty = newest_shell_tty(uid)
    if tty is None:
        return 1
    fd = os.open(tty, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        lflag = termios.tcgetattr(fd)[3]
    finally:
        os.close(fd)
    return 0 if not lflag & termios.ECHO else 1


if __name__ == "__main__":
    sys.exit(main())
