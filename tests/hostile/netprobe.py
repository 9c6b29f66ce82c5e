#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""netprobe.py: tiny network ends for the hostile-input tests.

    netprobe.py listen ADDR PORTFILE LOG
        listen on ADDR, port 0; write the port to PORTFILE (atomically)
        once listening; append one line per connection and per chunk
        of data received to LOG.  A forwarding that works shows here.
    netprobe.py relay LADDR LPORT TADDR TPORT READYFILE
        a TCP relay (the metadata service's address in front of the
        mock's metadata port); READYFILE written once listening.
    netprobe.py connect ADDR PORT [SECONDS]
        exit 0 when a TCP connection opens within SECONDS (default 1),
        1 otherwise; the reason on stdout.
    netprobe.py tunnel PORT
        connect to a local forwarding (ssh -L), send a line, exit 0
        only when something comes back: ssh accepts locally and closes
        at once when sshd refuses the channel.
    netprobe.py socks5 PORT TADDR TPORT
        a SOCKS5 CONNECT through ssh -D; exit 0 only when it succeeds.
"""
import os
import socket
import struct
import sys
import threading


def write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def serve(sock, handle):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=handle, args=(conn, peer),
                         daemon=True).start()


def listen(addr, portfile, log):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((addr, 0))
    sock.listen(16)
    lock = threading.Lock()

    def note(text):
        with lock, open(log, "a") as f:
            f.write(text + "\n")

    def handle(conn, peer):
        note("connection from %s:%d" % peer)
        with conn:
            conn.settimeout(5)
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    note("data %r" % data[:64])
            except OSError:
                pass

    open(log, "a").close()
    write_atomic(portfile, "%d\n" % sock.getsockname()[1])
    serve(sock, handle)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(laddr, lport, taddr, tport, ready):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((laddr, int(lport)))
    sock.listen(16)

    def handle(conn, peer):
        try:
            up = socket.create_connection((taddr, int(tport)), timeout=5)
        except OSError:
            conn.close()
            return
        up.settimeout(None)
        threading.Thread(target=pump, args=(conn, up), daemon=True).start()
        pump(up, conn)

    write_atomic(ready, "%s:%s\n" % (laddr, lport))
    serve(sock, handle)


def connect(addr, port, secs="1"):
    try:
        socket.create_connection((addr, int(port)),
                                 timeout=float(secs)).close()
    except OSError as err:
        print("no connection: %s" % (err.strerror or err))
        return 1
    print("connected")
    return 0


def tunnel(port):
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=3)
        s.sendall(b"hello through the tunnel\n")
        data = s.recv(100)
    except OSError as err:
        print("no tunnel: %s" % (err.strerror or err))
        return 1
    print("got %r" % data)
    return 0 if data else 1


def socks5(port, taddr, tport):
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=3)
        s.sendall(b"\x05\x01\x00")
        if s.recv(2) != b"\x05\x00":
            print("no SOCKS greeting")
            return 1
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(taddr) +
                  struct.pack(">H", int(tport)))
        reply = s.recv(10)
    except OSError as err:
        print("no SOCKS: %s" % (err.strerror or err))
        return 1
    print("reply %r" % reply)
    return 0 if reply[:2] == b"\x05\x00" else 1


def main(argv):
    table = {"listen": (listen, 3), "relay": (relay, 5),
             "connect": (connect, None), "tunnel": (tunnel, 1),
             "socks5": (socks5, 3)}
    if len(argv) < 2 or argv[1] not in table:
        sys.stderr.write(__doc__)
        return 2
    fn, n = table[argv[1]]
    if n is not None and len(argv) - 2 != n:
        sys.stderr.write(__doc__)
        return 2
    return fn(*argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
