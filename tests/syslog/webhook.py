#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A DingTalk group robot, as strict as the real one where it matters,
for vncgate-alert-webhook in the tests.

    webhook.py DIR CERT KEY TOKEN SECRET MAX PER [FAIL_FIRST]

HTTPS on 127.0.0.1 (port 0, written to DIR/port) with CERT and KEY.
POST /robot/send?access_token=TOKEN&timestamp=MS&sign=SIGN with a JSON
body {"msgtype": "text", "text": {"content": "..."}}:
  - a wrong token, a missing or wrong signature (base64 of HMAC-SHA256
    keyed with SECRET over "MS\\nSECRET", URL-encoded), or a timestamp
    more than an hour away: errcode 310000;
  - more than MAX messages in PER seconds: errcode 130101 ("send too
    fast"), as the robots do (and then they block for minutes);
  - the first FAIL_FIRST good messages: errcode 300001 (the robot
    refusing once), so the test sees the sender try again;
  - else errcode 0.
Each request is one JSON line in DIR/requests.log: {"result": "ok" |
"bad-auth" | "too-fast" | "fail" | "bad-body", "content": ..., "t": ...}.
"""
import base64
import hashlib
import hmac
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


class Robot(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def answer(self, result, errcode, content=None):
        s = self.server
        with LOCK:
            with open(os.path.join(s.dir, "requests.log"), "a") as f:
                f.write(json.dumps({"result": result, "content": content,
                                    "t": time.time()}) + "\n")
        body = json.dumps({"errcode": errcode, "errmsg": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def signed(self, q):
        s = self.server
        ts, sign = q.get("timestamp", [""])[0], q.get("sign", [""])[0]
        if q.get("access_token", [""])[0] != s.token or not ts.isdigit():
            return False
        if abs(int(ts) / 1000 - time.time()) > 3600:
            return False
        mac = hmac.new(s.secret.encode(), (ts + "\n" + s.secret).encode(),
                       hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(mac).decode(), sign)

    def content(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            body = json.loads(self.rfile.read(n).decode("utf-8"))
            text = body["text"]["content"]
        except (ValueError, KeyError, TypeError):
            return None
        if body.get("msgtype") != "text" or not isinstance(text, str):
            return None
        return text

    def do_POST(self):
        s = self.server
        url = urllib.parse.urlsplit(self.path)
        # parse_qs decodes the query: the sign arrives URL-encoded
        q = urllib.parse.parse_qs(url.query)
        text = self.content()
        if url.path != "/robot/send" or not self.signed(q):
            return self.answer("bad-auth", 310000, text)
        if text is None:
            return self.answer("bad-body", 40035)
        now = time.time()
        with LOCK:
            s.sent = [t for t in s.sent if now - t < s.per]
            fast = len(s.sent) >= s.max
            fail = not fast and s.fail_first > 0
            if fail:
                s.fail_first -= 1
            if not fast and not fail:
                s.sent.append(now)
        if fast:
            return self.answer("too-fast", 130101, text)
        if fail:
            return self.answer("fail", 300001, text)
        return self.answer("ok", 0, text)


def main(argv):
    if len(argv) not in (8, 9):
        sys.stderr.write("usage: webhook.py DIR CERT KEY TOKEN SECRET MAX "
                         "PER [FAIL_FIRST]\n")
        return 2
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    srv.dir, srv.token, srv.secret = argv[1], argv[4], argv[5]
    srv.max, srv.per = int(argv[6]), float(argv[7])
    srv.fail_first = int(argv[8]) if len(argv) == 9 else 0
    srv.sent = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(argv[2], argv[3])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    tmp = os.path.join(argv[1], "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(argv[1], "port"))
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
