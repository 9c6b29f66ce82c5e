# SPDX-License-Identifier: ISC
"""Authentication of ECS and STS requests (V1 and V3 signatures, keys,
tokens, nonces, timestamps) and session policies.  Contract: README.md
("Details the contract above leaves open") next to this file.
"""

import calendar
import datetime
import fnmatch
import json
import re
import secrets
import time

import sigcheck
from mock_state import ACCOUNT, ACTIONS, TIME_WINDOW
from mock_wire import ApiError

TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")

V1_REQUIRED = ("Action", "Version", "Format", "AccessKeyId",
               "SignatureMethod", "SignatureVersion", "Timestamp",
               "SignatureNonce", "Signature")
# (parameter, accepted value, compare ignoring case?)
V1_FIXED = (("SignatureMethod", "HMAC-SHA1", False),
            ("SignatureVersion", "1.0", False),
            ("Format", "JSON", True))
# the parameters of a V1 request that are not the API's own
V1_COMMON = V1_REQUIRED + ("SecurityToken",)
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
            action not in ACTIONS[service][0]:
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
    req.log["signature"] = params.get("Signature", "")
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
    req.log["signature"] = auth.signature
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


# Session policies -----------------------------------------------------------

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


def check_policy(req, cred, action, resource):
    """Log the session; False when its Policy does not allow action on
    resource (keys without a Policy may do anything)."""
    req.log["role_session_name"] = cred.session
    if cred.policy is None:
        return True
    req.log["policy"] = cred.policy
    return policy_allows(json.loads(cred.policy), action, resource)


def instance_arn(region, instance):
    return "acs:ecs:%s:%s:instance/%s" % (region, ACCOUNT, instance)
