# SPDX-License-Identifier: ISC
"""The mock cloud's own test client, for test_*.py: a tiny TAP harness,
mockcloud.py processes in their own folders (stopped by PID, also on
failure), and requests signed with sigcheck (V1 and V3), never with
lib/sign.c.
"""

import collections
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import traceback
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, HERE)

import mockcloud as mc  # noqa: E402
import sigcheck as sc  # noqa: E402

Key = collections.namedtuple("Key", "id secret token")
STATIC = Key(mc.STATIC_KEY_ID, mc.STATIC_SECRET, None)
INSTANCE = "i-bp1hzoinajzkh91h0001"
OTHER = "i-bp1hzoinajzkh91h0002"
HANGZHOU = {"RegionId": "cn-hangzhou", "InstanceId": INSTANCE}
# what the client calls unless told otherwise: (Action, Version)
FIRST_ACTION = {"ecs": ("DescribeInstanceVncUrl", mc.ECS_VERSION),
                "sts": ("AssumeRole", mc.STS_VERSION)}


# A tiny TAP harness ----------------------------------------------------------

class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def run(self, name, fn, *args):
        """One test: passes unless fn raises."""
        self.count += 1
        try:
            fn(*args)
        except Exception:
            self.failed += 1
            print("not ok %d - %s" % (self.count, name))
            for line in traceback.format_exc().splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s" % (self.count, name))
        sys.stdout.flush()

    def done(self):
        print("1..%d" % self.count)
        return 1 if self.failed else 0


def eq(got, want, what=""):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def check(cond, what):
    if not cond:
        raise AssertionError(what)



def raw_query(pairs):
    """Any valid encoding will do: the server re-canonicalizes."""
    return "&".join(sc.percent_encode(k) + "=" + sc.percent_encode(v)
                    for k, v in sc._pairs(pairs))


# 2. The running mock ---------------------------------------------------------

Reply = collections.namedtuple("Reply", "status headers body")
STARTED = []            # every mock process, stopped at the end


class Mock:
    """One mockcloud.py process in its own folder, with the certificates."""

    def __init__(self, base, certs, name, *args):
        self.dir = os.path.join(base, name)
        shutil.copytree(certs, self.dir)
        self.sent = 0           # requests that reached the mock's HTTP
        self.err = open(os.path.join(self.dir, "stderr"), "w")
        self.proc = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "mockcloud.py"), "--dir", self.dir]
            + list(args), stdout=self.err, stderr=self.err)
        STARTED.append(self.proc)
        self.port = {s: self.wait_port(s) for s in ("ecs", "sts", "imds")}
        self.ca = ssl.create_default_context(
            cafile=os.path.join(self.dir, "ca.pem"))

    def wait_port(self, service):
        path = os.path.join(self.dir, service + ".port")
        for _ in range(300):
            if os.path.exists(path):
                with open(path) as f:
                    return int(f.read())
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("the mock did not start: " + self.stderr())

    def stderr(self):
        with open(os.path.join(self.dir, "stderr")) as f:
            return f.read()

    def connect(self, service, ctx=None):
        if service == "imds":
            return http.client.HTTPConnection("127.0.0.1",
                                              self.port["imds"], timeout=60)
        return http.client.HTTPSConnection("127.0.0.1", self.port[service],
                                           context=ctx or self.ca,
                                           timeout=60)

    def request(self, service, method, target, headers=None, body=None,
                conn=None):
        own = conn is None
        conn = conn or self.connect(service)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            self.sent += 1
            resp = conn.getresponse()
            data = resp.read()
        finally:
            if own:
                conn.close()
        return Reply(resp.status, {k.lower(): v for k, v in
                                   resp.getheaders()}, data)

    def host(self, service):
        return "127.0.0.1:%d" % self.port[service]

    def log(self):
        with open(os.path.join(self.dir, "requests.log")) as f:
            return [json.loads(line) for line in f]

    def stop(self):
        """SIGTERM by PID; the exit status."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        finally:
            self.err.close()


def stop_all():
    for proc in STARTED:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()


# The client: signs with sigcheck ---------------------------------------------

def timestamp(offset=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(time.time() + offset))


def new_nonce():
    return uuid.uuid4().hex


def v1_params(service, api, key, **common):
    """All parameters of a V1 call: common ones, then the API's."""
    action, version = FIRST_ACTION[service]
    params = {"Action": action, "Version": version, "Format": "JSON",
              "AccessKeyId": key.id, "SignatureMethod": "HMAC-SHA1",
              "SignatureVersion": "1.0", "Timestamp": timestamp(),
              "SignatureNonce": new_nonce()}
    if key.token:
        params["SecurityToken"] = key.token
    params.update(common)
    params.update(api)
    return params


def v1_send(mock, service, params, secret, method="POST", form=()):
    """Sign params; the names in form go in a form body, the rest in the
    query.  Returns (Reply, our string to sign)."""
    sts = sc.v1_string_to_sign(method, params)
    query = [(k, v) for k, v in params.items() if k not in form]
    query.append(("Signature", sc.v1_signature(sts, secret)))
    body = raw_query([(k, params[k]) for k in form]) if form else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} \
        if form else {}
    return mock.request(service, method, "/?" + raw_query(query), headers,
                        body), sts


def v1_call(mock, service, api, key=STATIC, **kw):
    method = kw.pop("method", "POST")
    form = kw.pop("form", ())
    secret = kw.pop("secret", key.secret)
    return v1_send(mock, service, v1_params(service, api, key, **kw),
                   secret, method, form)[0]


def v3_headers(mock, service, key, body, **over):
    action, version = FIRST_ACTION[service]
    headers = {"host": mock.host(service), "x-acs-action": action,
               "x-acs-version": version, "x-acs-date": timestamp(),
               "x-acs-signature-nonce": new_nonce(),
               "x-acs-content-sha256": sc.sha256_hex(body)}
    if key.token:
        headers["x-acs-accesskey-id"] = key.id
        headers["x-acs-security-token"] = key.token
    headers.update(over)
    return headers


def v3_call(mock, service, query, key=STATIC, body=b"", secret=None,
            unsigned=(), sent_body=None, **over):
    """A V3 call: query in the URL, body as given.  unsigned: header names
    left out of SignedHeaders; sent_body: send other bytes than signed."""
    headers = v3_headers(mock, service, key, body, **over)
    names = [n for n in headers if sc.is_signable(n) and n not in unsigned]
    creq = sc.v3_canonical_request("POST", "/", query, headers, names,
                                   sc.sha256_hex(body))
    sts = sc.v3_string_to_sign(creq)
    headers["Authorization"] = "%s Credential=%s,SignedHeaders=%s," \
        "Signature=%s" % (sc.V3_ALGORITHM, key.id, ";".join(sorted(names)),
                          sc.v3_signature(sts, secret or key.secret))
    target = "/?" + raw_query(query) if query else "/"
    body = body if sent_body is None else sent_body
    return mock.request(service, "POST", target, headers, body), sts


def answer(reply):
    return json.loads(reply.body)


def expect_error(reply, status, code):
    body = answer(reply)
    eq((reply.status, body.get("Code")), (status, code), "status and Code")
    return body


def expect_url(reply):
    eq(reply.status, 200, "status (body %r)" % reply.body[:300])
    url = answer(reply)["VncUrl"]
    check(url.startswith("wss%3A%2F%2Fhz01-vncproxy.aliyun.com%2Fwebsockify"
                         "%2F%3Fs%3D"), "VncUrl prefix: " + url)
    check("%25" in url, "the token is not encoded twice: " + url)
    check(all(c.isalnum() or c in "%._~-" for c in url), "charset " + url)
    return url


def imds(mock, method, path, **headers):
    return mock.request("imds", method, path, headers)


def imds_token(mock):
    reply = imds(mock, "PUT", mc.IMDS_TOKEN_PATH,
                 **{mc.IMDS_TTL_HEADER: "21600"})
    eq(reply.status, 200, "token PUT")
    return reply.body.decode()


def imds_key(mock):
    token = imds_token(mock)
    reply = imds(mock, "GET", mc.IMDS_CREDS_PATH + mc.IMDS_ROLE,
                 **{mc.IMDS_TOKEN_HEADER: token})
    eq(reply.status, 200, "credentials GET")
    c = answer(reply)
    return Key(c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"])


def assume_role(mock, session="alice", policy=None, v3=False, **extra):
    api = {"RoleArn": mc.ROLE_ARN, "RoleSessionName": session,
           "DurationSeconds": "900"}
    if policy is not None:
        api["Policy"] = policy
    api.update(extra)
    if v3:
        return v3_call(mock, "sts", api)[0]
    # as @alicloud/credentials: common parameters in the query, the
    # API's in a form body
    return v1_call(mock, "sts", api, form=tuple(api))


def sts_key(reply):
    eq(reply.status, 200, "AssumeRole (body %r)" % reply.body[:300])
    c = answer(reply)["Credentials"]
    return Key(c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"])


def scoped_policy(region, instance):
    return json.dumps({"Version": "1", "Statement": [{
        "Effect": "Allow", "Action": "ecs:DescribeInstanceVncUrl",
        "Resource": "acs:ecs:%s:%s:instance/%s" % (region, mc.ACCOUNT,
                                                    instance)}]})



def start(tap, base, certs, name, *args):
    """A started Mock (one test line), or None when it did not start."""
    started = []
    tap.run(" ".join(("the mock starts",) + args),
            lambda: started.append(Mock(base, certs, name, *args)))
    return started[0] if started else None
