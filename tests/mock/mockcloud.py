#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""mockcloud: the ECS API, STS and the metadata service, as strict as the
real ones, for vncgate's tests.  The contract is README.md next to this
file; the signature code is sigcheck.py (never lib/sign.c).

    mockcloud.py --dir DIR [--fault NAME[:N]]... [--delay S] [--cred-ttl S]
"""

import argparse
import base64
import calendar
import datetime
import fnmatch
import json
import os
import re
import secrets
import signal
import socketserver
import ssl
import string
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigcheck  # noqa: E402  (the mock's own signature code)

# Built-in identities ----------------------------------------------------

ACCOUNT = "1234567890123456"
STATIC_KEY_ID = "LTAI5tMOCKstaticKey01"
STATIC_SECRET = "MOCKstaticSecret0123456789abcdef"
ROLE_NAME = "vncgate-operator"
ROLE_ARN = "acs:ram::%s:role/%s" % (ACCOUNT, ROLE_NAME)
ROLE_ID = "300800000000000001"
IMDS_ROLE = "VncGateRole"

REGIONS = frozenset(("cn-hangzhou", "cn-shanghai", "cn-beijing",
                     "cn-shenzhen", "ap-southeast-1"))
# service -> (the one action it serves, its version)
ACTIONS = {"ecs": ("DescribeInstanceVncUrl", "2014-05-26"),
           "sts": ("AssumeRole", "2015-04-01")}
TIME_WINDOW = 15 * 60
BODY_MAX = 1024 * 1024
VNC_PREFIX = "wss://mock-vncproxy.example/websockify/?s="
IMDS_TOKEN_PATH = "/latest/api/token"
IMDS_CREDS_PATH = "/latest/meta-data/ram/security-credentials/"
IMDS_TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"
IMDS_TOKEN_HEADER = "X-aliyun-ecs-metadata-token"

TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
INSTANCE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}\Z")
ROLE_ARN_RE = re.compile(r"acs:ram::\d+:role/[A-Za-z0-9._-]+\Z")
SESSION_NAME_RE = re.compile(r"[A-Za-z0-9.@_-]{2,64}\Z")

# Errors: code -> (HTTP status, message) ----------------------------------

ERRORS = {
    "MissingParameter": (400, 'The input parameter "{0}" that is '
                         'mandatory for processing this request is not '
                         'supplied.'),
    "InvalidParameter": (400, "The specified parameter {0} is not valid."),
    "InvalidAction.NotFound": (404, "Specified api is not found, please "
                               "check your url and method."),
    "InvalidVersion": (400, "Specified parameter Version is not valid."),
    "InvalidTimeStamp.Format": (400, "Specified time stamp or date value "
                                "is not well formatted."),
    "InvalidTimeStamp.Expired": (400, "Specified time stamp or date value "
                                 "is expired."),
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not "
                                    "found."),
    "InvalidSecurityToken.Malformed": (400, "The security token you "
                                       "provided is malformed."),
    "InvalidSecurityToken.Expired": (400, "The security token you "
                                     "provided has expired."),
    "IncompleteSignature": (400, "The request signature does not conform "
                            "to Aliyun standards: {0}"),
    "SignatureDoesNotMatch": (400, sigcheck.SIGNATURE_MISMATCH + "{0}"),
    "SignatureNonceUsed": (400, "Specified signature nonce was used "
                           "already."),
    "InvalidRegionId.NotFound": (404, "The specified RegionId does not "
                                 "exist."),
    "InvalidInstanceId.Malformed": (400, "The specified parameter "
                                    "InstanceId is not valid."),
    "InvalidInstanceId.NotFound": (404, "The specified InstanceId does "
                                   "not exist."),
    "IncorrectInstanceStatus": (403, "The current status of the resource "
                                "does not support this operation."),
    "InstanceNotReady": (403, "The specified instance is not ready for "
                         "use"),
    "Forbidden.RAM": (403, "User not authorized to operate on the "
                      "specified resource, or this API doesn't support "
                      "RAM."),
    "NoPermission": (403, "You are not authorized to do this action. You "
                     "should be authorized by RAM."),
    "EntityNotExist.Role": (404, "The specified Role not exists: {0}"),
    "InvalidParameter.RoleArn": (400, "The parameter RoleArn is wrongly "
                                 "formed."),
    "InvalidParameter.RoleSessionName": (400, "The parameter "
                                         "RoleSessionName is wrongly "
                                         "formed."),
    "InvalidParameter.DurationSeconds": (400, "The Min/Max value of "
                                         "DurationSeconds is 15min/1hr."),
    "InvalidParameter.PolicyGrammar": (400, "The parameter Policy has not "
                                       "passed grammar check."),
    "InvalidParameter.PolicySize": (400, "The size of Policy must be "
                                    "between 1 and 2048 characters."),
    "Throttling.User": (400, "Request was denied due to user flow "
                        "control."),
    "ServiceUnavailable": (503, "The request has failed due to a "
                           "temporary failure of the server."),
    "InternalError": (500, "The request processing has failed due to some "
                      "unknown error, exception or failure."),
    "RequestTooLarge": (413, "The request body is too large."),
}

# An instance ID holding the word gets the error (README "Instances").
INSTANCE_STATES = (("stopped", "IncorrectInstanceStatus"),
                   ("notready", "InstanceNotReady"),
                   ("missing", "InvalidInstanceId.NotFound"))


class ApiError(Exception):
    """An answer in the API's error format, from the ERRORS table."""

    def __init__(self, code, *args, headers=None):
        super().__init__(code)
        self.status, template = ERRORS[code]
        self.code = code
        self.message = template.format(*args)
        self.headers = headers or {}


# Faults ------------------------------------------------------------------

def _bad_url_body(url):
    return lambda rid, good: json.dumps({"RequestId": rid, "VncUrl": url})


def _badjson_body(rid, good):
    return '{"RequestId": "%s", "VncUrl": "%s' % (rid, good[:20])


def _oversize_body(rid, good):
    head = '{"RequestId": "%s", "VncUrl": "%s", "Padding": "' % (rid, good)
    return head + "x" * (2 * 1024 * 1024 - len(head) - 2) + '"}'


def _dupkeys_body(rid, good):
    return '{"RequestId": "%s", "VncUrl": "%s", "VncUrl": "%s"}' % (
        rid, good, new_vnc_url())


# name -> (service, stage, what).  Stages: "tls" picks the certificate
# per connection; "error" answers with the error code instead (after the
# request authenticated); "slow" sleeps in the handler thread; "body"
# replaces a successful answer's body; "imds" changes the metadata
# service.  When several match, the first in this table wins.
FAULTS = {
    "wronghost": ("tls", "tls", None),
    "throttle": ("ecs", "error", ("Throttling.User",
                                  {"x-acs-retry-after": "100"})),
    "unavailable": ("ecs", "error", ("ServiceUnavailable", {})),
    "internal": ("ecs", "error", ("InternalError", {})),
    "slow": ("ecs", "slow", None),
    "badjson": ("ecs", "body", _badjson_body),
    "oversize": ("ecs", "body", _oversize_body),
    "badurl-quote": ("ecs", "body", _bad_url_body(
        'wss%3A%2F%2Fmock-vncproxy.example%2F"onmouseover=alert(1)')),
    "badurl-space": ("ecs", "body", _bad_url_body(
        "wss%3A%2F%2Fmock-vncproxy.example%2Fwebsockify%2F%3Fs%3Dab cd")),
    "badurl-esc": ("ecs", "body", _bad_url_body(
        "wss%3A%2F%2Fmock-vncproxy.example%2F\x1b]0;owned\x07")),
    "badurl-js": ("ecs", "body", _bad_url_body("javascript:alert(1)")),
    "dupkeys": ("ecs", "body", _dupkeys_body),
    "sts-denied": ("sts", "error", ("NoPermission", {})),
    "imds-notoken": ("imds", "imds", None),
    "imds-down": ("imds", "imds", None),
}


class Faults:
    """The --fault options: NAME for every match, NAME:N for the first N."""

    def __init__(self, specs):
        self.left = {}          # name -> count left, None = unlimited
        self.lock = threading.Lock()
        for spec in specs:
            name, _, count = spec.partition(":")
            if name not in FAULTS:
                raise ValueError("unknown fault %r" % name)
            if count and (not count.isdigit() or int(count) < 1):
                raise ValueError("bad count in --fault %r" % spec)
            self.left[name] = int(count) if count else None

    def take(self, name):
        """Apply name to this request? Counts one use."""
        with self.lock:
            if name not in self.left:
                return False
            if self.left[name] is None:
                return True
            if self.left[name] == 0:
                return False
            self.left[name] -= 1
            return True

    def first(self, service, stage):
        """The first active fault for service and stage, used up; or None."""
        for name, (svc, stg, _) in FAULTS.items():
            if (svc, stg) == (service, stage) and self.take(name):
                return name
        return None


# State: keys, nonces, metadata tokens, the log ------------------------------

class Cred:
    """An AccessKey: the static one, or STS keys with token and expiry."""

    def __init__(self, key_id, secret, token=None, expires=None,
                 policy=None, session=""):
        self.key_id = key_id
        self.secret = secret
        self.token = token
        self.expires = expires          # epoch seconds, None = never
        self.policy = policy            # the Policy JSON text, or None
        self.session = session          # RoleSessionName, "" for IMDS
        self.issued = time.time()


def random_text(alphabet, n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def iso8601(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class Keys:
    """Every key the mock knows, by AccessKeyId (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {STATIC_KEY_ID: Cred(STATIC_KEY_ID, STATIC_SECRET)}

    def get(self, key_id):
        with self.lock:
            return self.keys.get(key_id)

    def issue(self, ttl, policy=None, session=""):
        alnum = string.ascii_letters + string.digits
        cred = Cred("STS." + random_text(alnum, 24), random_text(alnum, 44),
                    token="CAIS" + base64.b64encode(
                        secrets.token_bytes(240)).decode("ascii"),
                    expires=int(time.time()) + ttl, policy=policy,
                    session=session)
        with self.lock:
            self.keys[cred.key_id] = cred
        return cred


class Nonces:
    """Every signature nonce seen, for the life of the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = set()

    def first_use(self, nonce):
        with self.lock:
            if nonce in self.seen:
                return False
            self.seen.add(nonce)
            return True


class Tokens:
    """Metadata service tokens and when each expires."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expiry = {}

    def add(self, token, expires):
        with self.lock:
            self.expiry[token] = expires

    def live(self, token):
        with self.lock:
            expires = self.expiry.get(token)
        return expires is not None and time.time() < expires


LOG_FIELDS = ("service", "method", "path", "action", "sigver", "status",
              "code", "request_id", "access_key_id", "instance_id",
              "region_id", "vnc_url", "role_session_name", "policy",
              "fault", "issued_key_id")


class RequestLog:
    """DIR/requests.log: one JSON line per request, flushed at once."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")

    def write(self, record):
        line = json.dumps({k: record.get(k, "") for k in LOG_FIELDS})
        with self.lock:
            if not self.file.closed:    # a slow answer after SIGTERM
                self.file.write(line + "\n")
                self.file.flush()

    def close(self):
        with self.lock:
            self.file.close()


class Mock:
    """Everything the three services share."""

    def __init__(self, args):
        self.args = args
        self.faults = Faults(args.fault)
        self.keys = Keys()
        self.nonces = Nonces()
        self.imds_tokens = Tokens()
        self.imds_lock = threading.Lock()
        self.imds_cred = None
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


def tls_context(folder, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(folder, name + ".pem"),
                        os.path.join(folder, name + ".key"))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


# Requests and answers ------------------------------------------------------

class Request:
    """One HTTP request as the services see it."""

    def __init__(self, service, method, target, headers, body):
        self.service = service
        self.method = method
        self.path, _, self.query = target.partition("?")
        self.headers = headers          # (name, value) pairs as received
        self.body = body
        self.log = {"service": service, "method": method,
                    "path": self.path}

    def header(self, name):
        """The value of header name (any case), or None; repeats joined."""
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ",".join(values) if values else None

    def is_form(self):
        ctype = (self.header("content-type") or "").lower()
        return ctype.split(";")[0].strip() == \
            "application/x-www-form-urlencoded"


class Answer:
    def __init__(self, status, body, ctype="application/json;charset=utf-8",
                 headers=None):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.ctype = ctype
        self.headers = headers or {}


def json_answer(req, obj):
    req.log["request_id"] = obj["RequestId"]
    return Answer(200, json.dumps(obj),
                  headers={"x-acs-request-id": obj["RequestId"]})


def error_answer(req, err):
    rid = new_request_id()
    req.log.update(request_id=rid, code=err.code)
    body = {"RequestId": rid,
            "HostId": req.header("host") or req.service + ".aliyuncs.com",
            "Code": err.code, "Message": err.message,
            "Recommend": "https://api.alibabacloud.com/troubleshoot?q="
                         + err.code}
    headers = dict(err.headers, **{"x-acs-request-id": rid})
    return Answer(err.status, json.dumps(body), headers=headers)


def text_answer(req, status, text, code=""):
    req.log["code"] = code
    return Answer(status, text, ctype="text/plain")


def new_request_id():
    return str(uuid.uuid4()).upper()


# Authentication (ECS and STS) ----------------------------------------------

V1_REQUIRED = ("Action", "Version", "Format", "AccessKeyId",
               "SignatureMethod", "SignatureVersion", "Timestamp",
               "SignatureNonce", "Signature")
# (parameter, accepted value, compare ignoring case?)
V1_FIXED = (("SignatureMethod", "HMAC-SHA1", False),
            ("SignatureVersion", "1.0", False),
            ("Format", "JSON", True))
V3_SIGNED = ("host", "x-acs-action", "x-acs-version", "x-acs-date",
             "x-acs-signature-nonce", "x-acs-content-sha256")


def request_params(req):
    """Query and form body merged; a name given twice is refused."""
    try:
        pairs = sigcheck.parse_form(req.query)
        if req.is_form():
            pairs += sigcheck.parse_form(req.body)
    except UnicodeDecodeError:
        raise ApiError("InvalidParameter", "encoding (not UTF-8)")
    params = {}
    for name, value in pairs:
        if name in params:
            raise ApiError("InvalidParameter", name + " (given twice)")
        params[name] = value
    for field, name in (("instance_id", "InstanceId"),
                        ("region_id", "RegionId"),
                        ("role_session_name", "RoleSessionName"),
                        ("policy", "Policy")):
        req.log[field] = params.get(name, "")
    return params


def require(params, names):
    for name in names:
        if params.get(name) is None or params[name] == "":
            raise ApiError("MissingParameter", name)


def check_action(req, service, action, version):
    req.log["action"] = action
    if req.method not in ("GET", "POST") or req.path != "/" or \
            action != ACTIONS[service][0]:
        raise ApiError("InvalidAction.NotFound")
    if version != ACTIONS[service][1]:
        raise ApiError("InvalidVersion")


def check_time(value):
    """YYYY-MM-DDThh:mm:ssZ within 15 minutes of now."""
    try:
        if not TIMESTAMP_RE.match(value):
            raise ValueError(value)
        fields = [int(f) for f in re.split(r"[-T:Z]", value)[:6]]
        when = calendar.timegm(datetime.datetime(*fields).timetuple())
    except ValueError:      # the pattern, or a day 31 in April
        raise ApiError("InvalidTimeStamp.Format")
    if abs(time.time() - when) > TIME_WINDOW:
        raise ApiError("InvalidTimeStamp.Expired")


def find_key(mock, service, key_id):
    """STS answers only the static key (no role chaining)."""
    cred = mock.keys.get(key_id)
    if cred is None or (service == "sts" and cred.token is not None):
        raise ApiError("InvalidAccessKeyId.NotFound")
    return cred


def check_token(cred, token):
    if cred.token is None:
        return
    if not token or not secrets.compare_digest(token.encode("utf-8"),
                                               cred.token.encode("utf-8")):
        raise ApiError("InvalidSecurityToken.Malformed")
    if time.time() >= cred.expires:
        raise ApiError("InvalidSecurityToken.Expired")


def use_nonce(mock, nonce):
    if not mock.nonces.first_use(nonce):
        raise ApiError("SignatureNonceUsed")


def check_v1(mock, req, service, params):
    req.log["sigver"] = "v1"
    req.log["access_key_id"] = params.get("AccessKeyId", "")
    require(params, V1_REQUIRED)
    check_action(req, service, params["Action"], params["Version"])
    for name, value, fold in V1_FIXED:
        got = params[name].upper() if fold else params[name]
        if got != value:
            raise ApiError("InvalidParameter", name)
    check_time(params["Timestamp"])
    cred = find_key(mock, service, params["AccessKeyId"])
    check_token(cred, params.get("SecurityToken"))
    ok, sts = sigcheck.v1_check(req.method, params, cred.secret)
    if not ok:
        raise ApiError("SignatureDoesNotMatch", sts)
    use_nonce(mock, params["SignatureNonce"])
    return cred


def parse_v3_auth(req, header):
    try:
        auth = sigcheck.parse_authorization(header)
    except ValueError as e:
        raise ApiError("IncompleteSignature", str(e))
    req.log["access_key_id"] = auth.key_id
    signed = set(auth.signed)
    for name in V3_SIGNED:
        if name not in signed:
            raise ApiError("IncompleteSignature", name + " is not signed")
    for name in signed:
        if req.header(name) is None:
            raise ApiError("IncompleteSignature",
                           "signed header " + name + " is missing")
    return auth


def check_v3(mock, req, service, header):
    req.log["sigver"] = "v3"
    auth = parse_v3_auth(req, header)
    check_action(req, service, req.header("x-acs-action").strip(),
                 req.header("x-acs-version").strip())
    check_time(req.header("x-acs-date").strip())
    cred = find_key(mock, service, auth.key_id)
    check_token(cred, req.header("x-acs-security-token"))
    if cred.token is not None and "x-acs-security-token" not in auth.signed:
        raise ApiError("IncompleteSignature",
                       "x-acs-security-token is not signed")
    ok, sts = sigcheck.v3_check(req.method, req.path,
                                sigcheck.parse_form(req.query), req.headers,
                                req.body, auth, cred.secret)
    if not ok:
        raise ApiError("SignatureDoesNotMatch", sts)
    use_nonce(mock, req.header("x-acs-signature-nonce").strip())
    return cred


def authenticate(mock, req, service):
    """(params, cred) of a signed RPC call, V3 when it has Authorization."""
    params = request_params(req)
    header = req.header("authorization")
    if header is not None:
        return params, check_v3(mock, req, service, header)
    return params, check_v1(mock, req, service, params)


# ECS -----------------------------------------------------------------------

def new_vnc_url():
    """percentEncode(wss://...?s=percentEncode(token)): %25xx inside."""
    raw = base64.b64encode(secrets.token_bytes(30)).decode("ascii")
    token = raw[:8] + "/" + raw[8:24] + "+" + raw[24:]
    return sigcheck.percent_encode(VNC_PREFIX +
                                   sigcheck.percent_encode(token))


def ecs_error_faults(mock, req):
    name = mock.faults.first("ecs", "error")
    if name is not None:
        req.log["fault"] = name
        code, headers = FAULTS[name][2]
        raise ApiError(code, headers=headers)
    if mock.faults.first("ecs", "slow"):
        req.log["fault"] = "slow"
        time.sleep(mock.args.delay)


def ecs_target(params):
    require(params, ("RegionId", "InstanceId"))
    if params["RegionId"] not in REGIONS:
        raise ApiError("InvalidRegionId.NotFound")
    if not INSTANCE_ID_RE.match(params["InstanceId"]):
        raise ApiError("InvalidInstanceId.Malformed")
    return params["RegionId"], params["InstanceId"]


def _matches(patterns, value, fold=False):
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list):
        return False
    if fold:
        value = value.lower()
    return any(isinstance(p, str) and
               fnmatch.fnmatchcase(value, p.lower() if fold else p)
               for p in patterns)


def policy_allows(policy, action, resource):
    """A session policy: some Allow statement matches and no Deny does."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for st in statements:
        if not (_matches(st.get("Action"), action, fold=True) and
                _matches(st.get("Resource"), resource)):
            continue
        if st.get("Effect") == "Deny":
            return False
        allowed = allowed or st.get("Effect") == "Allow"
    return allowed


def check_policy(req, cred, region, instance):
    req.log["role_session_name"] = cred.session
    if cred.policy is None:
        return
    req.log["policy"] = cred.policy
    resource = "acs:ecs:%s:%s:instance/%s" % (region, ACCOUNT, instance)
    if not policy_allows(json.loads(cred.policy),
                         "ecs:DescribeInstanceVncUrl", resource):
        raise ApiError("Forbidden.RAM")


def check_instance(instance):
    for word, code in INSTANCE_STATES:
        if word in instance:
            raise ApiError(code)


def ecs_answer(mock, req):
    rid = new_request_id()
    url = new_vnc_url()
    req.log.update(request_id=rid, vnc_url=url)
    name = mock.faults.first("ecs", "body")
    if name is None:
        return json_answer(req, {"RequestId": rid, "VncUrl": url})
    req.log["fault"] = name
    body = FAULTS[name][2](rid, url)
    if name.startswith("badurl-") or name == "dupkeys":
        req.log["vnc_url"] = json.loads(body)["VncUrl"]
    return Answer(200, body, headers={"x-acs-request-id": rid})


def ecs_handle(mock, req):
    params, cred = authenticate(mock, req, "ecs")
    ecs_error_faults(mock, req)
    region, instance = ecs_target(params)
    check_policy(req, cred, region, instance)
    check_instance(instance)
    return ecs_answer(mock, req)


# STS -----------------------------------------------------------------------

def sts_duration(params):
    value = params.get("DurationSeconds", "3600")
    if not value.isdigit() or not 900 <= int(value) <= 3600:
        raise ApiError("InvalidParameter.DurationSeconds")
    return int(value)


def sts_policy(params):
    """The Policy text, checked: a JSON object with Version "1" and
    statements that each have an Effect, Action and Resource."""
    text = params.get("Policy")
    if text is None:
        return None
    if not 1 <= len(text) <= 2048:
        raise ApiError("InvalidParameter.PolicySize")
    try:
        policy = json.loads(text)
        statements = policy["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        ok = policy.get("Version") == "1" and isinstance(statements, list) \
            and all(isinstance(st, dict) and
                    st.get("Effect") in ("Allow", "Deny") and
                    "Action" in st and "Resource" in st
                    for st in statements)
    except (ValueError, TypeError, KeyError, AttributeError):
        ok = False
    if not ok:
        raise ApiError("InvalidParameter.PolicyGrammar")
    return text


def sts_role(params):
    require(params, ("RoleArn", "RoleSessionName"))
    if not ROLE_ARN_RE.match(params["RoleArn"]):
        raise ApiError("InvalidParameter.RoleArn")
    if params["RoleArn"] != ROLE_ARN:
        raise ApiError("EntityNotExist.Role", params["RoleArn"])
    if not SESSION_NAME_RE.match(params["RoleSessionName"]):
        raise ApiError("InvalidParameter.RoleSessionName")
    return params["RoleSessionName"]


def sts_handle(mock, req):
    params, _ = authenticate(mock, req, "sts")
    name = mock.faults.first("sts", "error")
    if name is not None:
        req.log["fault"] = name
        raise ApiError(FAULTS[name][2][0])
    session = sts_role(params)
    duration = sts_duration(params)
    policy = sts_policy(params)
    cred = mock.keys.issue(min(duration, mock.args.cred_ttl), policy,
                           session)
    req.log["issued_key_id"] = cred.key_id
    return json_answer(req, {
        "RequestId": new_request_id(),
        "AssumedRoleUser": {"Arn": ROLE_ARN + "/" + session,
                            "AssumedRoleId": ROLE_ID + ":" + session},
        "Credentials": {"AccessKeyId": cred.key_id,
                        "AccessKeySecret": cred.secret,
                        "SecurityToken": cred.token,
                        "Expiration": iso8601(cred.expires)}})


# Metadata service ------------------------------------------------------------

def imds_token(mock, req):
    if req.method != "PUT":
        return text_answer(req, 405, "method not allowed\n",
                           "MethodNotAllowed")
    ttl = req.header(IMDS_TTL_HEADER) or ""
    if not ttl.strip().isdigit() or not 1 <= int(ttl) <= 21600:
        return text_answer(req, 400, "bad %s\n" % IMDS_TTL_HEADER,
                           "InvalidTokenTTL")
    token = base64.urlsafe_b64encode(secrets.token_bytes(33)).decode()
    mock.imds_tokens.add(token, time.time() + int(ttl))
    return text_answer(req, 200, token)


def imds_credentials(mock, req):
    cred = mock.current_imds_cred()
    req.log["issued_key_id"] = cred.key_id
    return Answer(200, json.dumps({
        "AccessKeyId": cred.key_id, "AccessKeySecret": cred.secret,
        "Expiration": iso8601(cred.expires),
        "SecurityToken": cred.token,
        "LastUpdated": iso8601(cred.issued), "Code": "Success"}))


def imds_get(mock, req, hardened):
    if req.method != "GET":
        return text_answer(req, 405, "method not allowed\n",
                           "MethodNotAllowed")
    if hardened and not mock.imds_tokens.live(
            (req.header(IMDS_TOKEN_HEADER) or "").strip()):
        return text_answer(req, 401, "unauthorized\n", "Unauthorized")
    if req.path == IMDS_CREDS_PATH:
        return text_answer(req, 200, IMDS_ROLE)
    if req.path == IMDS_CREDS_PATH + IMDS_ROLE:
        return imds_credentials(mock, req)
    return text_answer(req, 404, "not found\n", "NotFound")


def imds_handle(mock, req):
    name = mock.faults.first("imds", "imds")
    req.log["fault"] = name or ""
    if name == "imds-down":
        return text_answer(req, 500, "internal error\n", "InternalError")
    if req.path == IMDS_TOKEN_PATH:
        if name == "imds-notoken":
            return text_answer(req, 404, "not found\n", "NotFound")
        return imds_token(mock, req)
    return imds_get(mock, req, hardened=name != "imds-notoken")


SERVICES = {"ecs": ecs_handle, "sts": sts_handle, "imds": imds_handle}


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
    ap.add_argument("--fault", action="append", default=[],
                    metavar="NAME[:N]",
                    help="one of: " + ", ".join(FAULTS))
    ap.add_argument("--delay", type=float, default=30.0)
    ap.add_argument("--cred-ttl", type=int, default=3600)
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


def main(argv):
    args = parse_args(argv)
    for name in ("ecs.port", "sts.port", "imds.port", "mock.pid"):
        if os.path.exists(os.path.join(args.dir, name)):
            os.unlink(os.path.join(args.dir, name))  # stale: not us
    try:
        mock = Mock(args)
    except (ValueError, OSError, ssl.SSLError) as e:
        print("mockcloud: %s" % e, file=sys.stderr)
        return 2
    # SIGTERM is taken by sigwait below; blocked before any thread starts,
    # so every thread inherits the mask and none is interrupted.
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    servers = [Server(mock, "imds", False), Server(mock, "sts", True),
               Server(mock, "ecs", True)]
    for srv in servers:
        threading.Thread(target=srv.serve_forever, args=(0.1,),
                         daemon=True).start()
    publish(args.dir, "mock.pid", "%d\n" % os.getpid())
    for srv in servers:                     # ecs.port last: wait for it
        publish(args.dir, srv.service + ".port", "%d\n" % srv.server_port)
    signal.sigwait(stop)
    for srv in servers:
        srv.shutdown()
        srv.server_close()
    mock.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
