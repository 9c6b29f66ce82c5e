#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A local SMTP sink for rsyslog's ommail in the tests.

    smtpsink.py DIR

Listens on 127.0.0.1 (port 0), writes the port to DIR/port (atomically),
and stores each mail it is given as DIR/mail-N.txt: the envelope
("MAIL FROM:..." and "RCPT TO:..." lines), an empty line, then the
message as sent in DATA (dot-unstuffed).  Speaks just the SMTP that a
client needs to hand a mail over (HELO/EHLO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT); SIGTERM stops it.
"""
import os
import signal
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.say("220 vgtest ESMTP")
        env = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("HELO", "EHLO"):
                self.say("250 vgtest")
            elif verb in ("MAIL", "RCPT"):
                env.append(cmd)
                self.say("250 ok")
            elif verb == "DATA":
                self.say("354 go on")
                self.store(env, self.data())
                env = []
                self.say("250 queued")
            elif verb in ("RSET", "NOOP"):
                env = [] if verb == "RSET" else env
                self.say("250 ok")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 not here")

    def data(self):
        out = []
        while True:
            line = self.rfile.readline(65536)
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(out)
            out.append(line[1:] if line.startswith(b"..") else line)

    def store(self, env, body):
        d = self.server.dir
        self.server.n += 1
        tmp = os.path.join(d, ".mail.tmp")
        with open(tmp, "wb") as f:
            f.write("\n".join(env).encode() + b"\n\n" + body)
        os.rename(tmp, os.path.join(d, "mail-%d.txt" % self.server.n))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: smtpsink.py DIR\n")
        return 2
    srv = Server(("127.0.0.1", 0), Handler)
    srv.dir, srv.n = argv[1], 0
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    tmp = os.path.join(argv[1], "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(argv[1], "port"))
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
