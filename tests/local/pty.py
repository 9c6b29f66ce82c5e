#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""pty.py: run a program on a terminal of its own and type at it, as an
operator (or their ssh client, or a paste) would.

    pty.py [--pre TEXT] [--log FILE] [--limit SECONDS] SCRIPT -- CMD...

CMD runs in a new session whose controlling terminal is a fresh pty
(100 x 40).  --pre TEXT is in the terminal's input before CMD starts:
typed ahead of any prompt.  SCRIPT is a file of steps, one a line:

    send TEXT          write TEXT to the terminal in one write
    expect TEXT        until the output so far holds TEXT (10 s)
    expect-n N TEXT    until it holds TEXT N times (10 s)
    echo-off [S]       until the terminal's ECHO is off (a password
                       prompt reads now; 10 s)
    sleep S
    wait [S]           until CMD exits (10 s)

TEXT takes Python escapes (\\r, \\n, \\x04).  When CMD has exited, the
steps left are skipped.  A step that runs out of time kills CMD: the
exit status is then 124, else CMD's own (128 + N for a signal N).
--limit bounds the whole run (default 60 s).  --log keeps everything
CMD wrote to the terminal.
"""
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time


class Term:
    def __init__(self, pre):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 40, 100, 0, 0))
        if pre:
            os.write(self.master, pre)
        self.out = b""
        self.pid = None
        self.status = None

    def spawn(self, argv):
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.closerange(3, 1024)
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.pid = pid

    def pump(self, timeout):
        """Read what is there (waiting up to timeout); reap CMD."""
        r, _, _ = select.select([self.master], [], [], timeout)
        if r:
            try:
                self.out += os.read(self.master, 65536)
            except OSError:
                pass
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(st)
                if self.status < 0:
                    self.status = 128 - self.status

    def until(self, pred, secs):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if pred():
                return True
            if self.status is not None:
                return None
            self.pump(0.05)
        return pred()

    def echo_off(self):
        return not termios.tcgetattr(self.slave)[3] & termios.ECHO

    def kill(self):
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.status = 124

    def drain(self):
        for _ in range(20):
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                break
            try:
                data = os.read(self.master, 65536)
            except OSError:
                break
            if not data:
                break
            self.out += data


def text(s):
    return s.encode("latin-1").decode("unicode_escape").encode("utf-8")


def step(t, line):
    """Run one step: False when it ran out of time."""
    word, _, rest = line.partition(" ")
    if word == "send":
        os.write(t.master, text(rest))
        return True
    if word == "expect":
        return t.until(lambda: text(rest) in t.out, 10) is not False
    if word == "expect-n":
        n, _, what = rest.partition(" ")
        return t.until(lambda: t.out.count(text(what)) >= int(n),
                       10) is not False
    if word == "echo-off":
        return t.until(t.echo_off, float(rest or 10)) is not False
    if word == "sleep":
        t.until(lambda: False, float(rest))
        return True
    if word == "wait":
        return t.until(lambda: t.status is not None,
                       float(rest or 10)) is not False
    raise SystemExit("pty.py: unknown step %r" % line)


def main(argv):
    pre, log, limit = b"", None, 60.0
    while argv and argv[0].startswith("--") and argv[0] != "--":
        opt, val = argv[0], argv[1]
        argv = argv[2:]
        if opt == "--pre":
            pre = text(val)
        elif opt == "--log":
            log = val
        elif opt == "--limit":
            limit = float(val)
        else:
            raise SystemExit("pty.py: unknown option " + opt)
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write(__doc__)
        return 2
    with open(argv[0]) as f:
        steps = [line.rstrip("\n") for line in f if line.strip()]
    t = Term(pre)
    t.spawn(argv[2:])
    end = time.monotonic() + limit
    for line in steps:
        if t.status is not None:
            break
        if not step(t, line) or time.monotonic() > end:
            t.kill()
            break
    t.until(lambda: t.status is not None, max(0.0, end - time.monotonic()))
    t.kill()
    t.drain()
    if log:
        with open(log, "wb") as f:
            f.write(t.out)
    return t.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
