#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""mockcloud: the ECS API, STS and the metadata service, as strict as the
real ones, for vncgate's tests.  The contract is README.md next to this
file.  The parts: mock_wire (requests, answers, errors, the log),
mock_state (identities, keys), mock_auth (signatures, policies),
mock_faults, mock_inventory, mock_listing (DescribeInstances and
DescribeRegions), mock_services (the handlers); sigcheck is the signature
code (never lib/sign.c).

    mockcloud.py --dir DIR [--inventory FILE] [--fault NAME[@WHERE][:N]]...
        [--delay S] [--cred-ttl S] [--region-delay REGION:S]...
"""

import argparse
import os
import signal
import socketserver
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# noqa: E402 below: the mock's own modules, found through sys.path
import mock_inventory  # noqa: E402
from mock_auth import V3_SIGNED  # noqa: E402,F401  (for the tests)
from mock_faults import FAULTS, Faults  # noqa: E402
from mock_listing import PageTokens  # noqa: E402
from mock_services import SERVICES  # noqa: E402
from mock_state import (  # noqa: E402,F401  (the tests use them all)
    ACCOUNT, ECS_VERSION, IMDS_CREDS_PATH, IMDS_ROLE,
    IMDS_TOKEN_HEADER, IMDS_TOKEN_PATH, IMDS_TTL_HEADER, ROLE_ARN,
    STATIC_KEY_ID, STATIC_SECRET, STS_VERSION, Keys, Nonces, Tokens)
from mock_wire import (  # noqa: E402
    ApiError, Request, RequestLog, error_answer)

BODY_MAX = 1024 * 1024


class Mock:
    """Everything the three services share."""

    def __init__(self, args):
        self.args = args
        self.inventory = load_inventory(args.inventory)
        self.region_delay = region_delays(args.region_delay,
                                          self.inventory.region_ids)
        self.faults = Faults(args.fault, self.inventory.region_ids)
        self.keys = Keys()
        self.nonces = Nonces()
        self.imds_tokens = Tokens()
        self.imds_lock = threading.Lock()
        self.imds_cred = None
        self.pages = PageTokens()
        self.log = RequestLog(os.path.join(args.dir, "requests.log"))
        self.tls = {name: tls_context(args.dir, name)
                    for name in ("server", "wronghost")}

    def tls_for_connection(self):
        bad = self.faults.first("tls", "tls")
        return self.tls["wronghost" if bad else "server"]

    def current_imds_cred(self):
        """Like the real service: the same key until half its life is
        gone, then a fresh one."""
        ttl = self.args.cred_ttl
        with self.imds_lock:
            cred = self.imds_cred
            if cred is None or time.time() > cred.issued + ttl / 2:
                cred = self.imds_cred = self.keys.issue(ttl)
            return cred

    def reload(self):
        """SIGHUP: read --inventory again; on any error keep the old one.
        Listings under way keep the instances they started with."""
        try:
            self.inventory = load_inventory(self.args.inventory)
        except (ValueError, OSError) as e:
            print("mockcloud: reload refused: %s" % e, file=sys.stderr,
                  flush=True)
            return False
        return True


def load_inventory(path):
    return mock_inventory.load(path) if path else mock_inventory.builtin()


def region_delays(specs, regions):
    """--region-delay REGION:SECONDS options as {region: seconds}."""
    delays = {}
    for spec in specs:
        region, _, seconds = spec.rpartition(":")
        try:
            delays[region] = float(seconds)
        except ValueError:
            delays[region] = -1
        if region not in regions or not 0 <= delays[region] <= 600:
            raise ValueError("bad --region-delay %r (REGION:SECONDS, a "
                             "served region, 0..600)" % spec)
    return delays


def tls_context(folder, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(folder, name + ".pem"),
                        os.path.join(folder, name + ".key"))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


# HTTP plumbing ---------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every answer carries Content-Length."""

    protocol_version = "HTTP/1.1"
    timeout = 120               # idle keep-alive connections
    # An answer goes out as two writes, headers then body; with Nagle's
    # algorithm the body waits for the client's delayed ACK (about 40 ms
    # on Linux), as no real API front end makes a client wait.
    disable_nagle_algorithm = True

    def version_string(self):
        return "mockcloud"

    def log_message(self, *args):
        pass                    # the request log is DIR/requests.log

    def do_any(self):
        body = self.read_body()
        if body is None:
            return
        req = Request(self.server.service, self.command, self.path,
                      list(self.headers.items()), body)
        self.reply(req, self.answer(req))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_any

    def answer(self, req):
        try:
            return SERVICES[req.service](self.server.mock, req)
        except ApiError as err:
            return error_answer(req, err)
        except Exception:
            traceback.print_exc()
            return error_answer(req, ApiError("InternalError"))

    def reply(self, req, answer):
        req.log["status"] = answer.status
        # logged before answering: a test reads the log as soon as its
        # client has exited
        self.server.mock.log.write(req.log)
        self.send_answer(answer)

    def read_body(self):
        """The body, or None after refusing the request and closing."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or ""):
            return self.read_chunked()
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            return self.refuse("InvalidParameter", "Content-Length")
        if int(length) > BODY_MAX:
            return self.refuse("RequestTooLarge")
        return self.rfile.read(int(length))

    def read_chunked(self):
        body = b""
        while True:
            try:
                size = int(self.rfile.readline(100).split(b";")[0], 16)
            except ValueError:
                return self.refuse("InvalidParameter", "Transfer-Encoding")
            if len(body) + size > BODY_MAX:
                return self.refuse("RequestTooLarge")
            body += self.rfile.read(size)
            self.rfile.readline(10)
            if size == 0:
                return body

    def refuse(self, code, *args):
        req = Request(self.server.service, self.command, self.path,
                      list(self.headers.items()), b"")
        self.close_connection = True
        self.reply(req, error_answer(req, ApiError(code, *args)))
        return None

    def send_answer(self, answer):
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", answer.ctype)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            self.close_connection = True    # the client went away


class Server(ThreadingHTTPServer):
    """One service on 127.0.0.1, port 0; TLS when tls is set."""

    daemon_threads = True
    # socketserver listens with a backlog of 5: 100 clients connecting at
    # once (the bench, row 4) would see dropped SYNs, sent again after 1 s
    request_queue_size = 1024

    def __init__(self, mock, service, tls):
        self.mock = mock
        self.service = service
        self.use_tls = tls
        super().__init__(("127.0.0.1", 0), Handler)

    def server_bind(self):
        # skip HTTPServer's getfqdn(): a reverse DNS lookup could hang
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        """The TLS handshake runs here, in the connection's own thread,
        so a stuck or failed handshake blocks nobody and never reaches a
        handler."""
        if not self.use_tls:
            return super().finish_request(request, client_address)
        request.settimeout(10)
        try:
            conn = self.mock.tls_for_connection().wrap_socket(
                request, server_side=True)
        except OSError:
            return
        try:
            conn.settimeout(None)
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            self.shutdown_request(conn)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


# Start and stop --------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(prog="mockcloud.py",
                                 description="The mock Alibaba Cloud.")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--inventory", metavar="FILE",
                    help="the regions and instances (README: Inventory)")
    ap.add_argument("--fault", action="append", default=[],
                    metavar="NAME[@WHERE][:N]",
                    help="one of: " + ", ".join(FAULTS))
    ap.add_argument("--delay", type=float, default=30.0)
    ap.add_argument("--cred-ttl", type=int, default=3600)
    ap.add_argument("--region-delay", action="append", default=[],
                    metavar="REGION:SECONDS")
    args = ap.parse_args(argv)
    if args.cred_ttl < 1 or args.delay < 0:
        ap.error("--cred-ttl must be positive and --delay not negative")
    return args


def publish(folder, name, text):
    """Write folder/name atomically: a reader sees all of it or nothing."""
    path = os.path.join(folder, name)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def serve(mock, args):
    """Start the three servers, publish their ports, and run until
    SIGTERM or SIGINT; SIGHUP reloads the inventory."""
    servers = [Server(mock, "imds", False), Server(mock, "sts", True),
               Server(mock, "ecs", True)]
    for srv in servers:
        threading.Thread(target=srv.serve_forever, args=(0.1,),
                         daemon=True).start()
    publish(args.dir, "mock.pid", "%d\n" % os.getpid())
    generation = 1
    publish(args.dir, "inventory.gen", "%d\n" % generation)
    for srv in servers:                     # ecs.port last: wait for it
        publish(args.dir, srv.service + ".port", "%d\n" % srv.server_port)
    while signal.sigwait(WAITED) == signal.SIGHUP:
        if mock.reload():
            generation += 1
            publish(args.dir, "inventory.gen", "%d\n" % generation)
    for srv in servers:
        srv.shutdown()
        srv.server_close()


# Taken by sigwait; blocked before any thread starts, so every thread
# inherits the mask and none is interrupted.
WAITED = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


def main(argv):
    args = parse_args(argv)
    for name in ("ecs.port", "sts.port", "imds.port", "mock.pid",
                 "inventory.gen"):
        if os.path.exists(os.path.join(args.dir, name)):
            os.unlink(os.path.join(args.dir, name))  # stale: not us
    try:
        mock = Mock(args)
    except (ValueError, OSError, ssl.SSLError) as e:
        print("mockcloud: %s" % e, file=sys.stderr)
        return 2
    signal.pthread_sigmask(signal.SIG_BLOCK, WAITED)
    serve(mock, args)
    mock.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
