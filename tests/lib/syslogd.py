#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A tiny syslog receiver for the tests.

    syslogd.py SOCKET_PATH OUTFILE [PIDFILE]

Binds an AF_UNIX datagram socket at SOCKET_PATH (a stale one is removed)
and appends every datagram to OUTFILE as one line, flushed at once.  Only
the datagram's own trailing newline is stripped: anything else is written
as received, so a record that breaks a line shows up broken in the test.
The socket exists before PIDFILE is written, so a test may wait for the
pidfile and then log.  SIGTERM (or SIGINT) stops it and removes the socket.
"""
import os
import signal
import socket
import sys

MAXDGRAM = 1 << 17


class Stop(Exception):
    pass


def stop(signum, frame):
    raise Stop()


def bind(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    # the shell under test may run as another user than this receiver
    os.chmod(path, 0o666)
    return sock


def write_pidfile(path):
    # written whole then renamed: a waiting test never reads half a pid
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, path)


def serve(sock, out):
    while True:
        data = sock.recv(MAXDGRAM)
        if data.endswith(b"\n"):
            data = data[:-1]
        out.write(data + b"\n")
        out.flush()


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: syslogd.py SOCKET_PATH OUTFILE [PIDFILE]\n")
        return 2
    path, outfile = argv[1], argv[2]
    sock = None
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        sock = bind(path)
        with open(outfile, "ab", buffering=0) as out:
            if len(argv) == 4:
                write_pidfile(argv[3])
            serve(sock, out)
    except Stop:
        pass
    finally:
        if sock is not None:
            sock.close()
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
