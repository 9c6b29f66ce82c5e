#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Tests of the mock cloud, printed as TAP.

1. sigcheck.py against every case of tests/vectors (test_vectors.py).
2. The real mock (mkcerts, then mockcloud.py) driven by a small client of
   our own that signs with sigcheck (mockclient.py): signatures, nonces,
   timestamps, tokens, the metadata service, STS, session policies,
   faults, TLS and the request log.
3. The listing: DescribeInstances and DescribeRegions, inventories, their
   faults, RoleSessionName limits (test_discovery.py).
Every mock started is stopped by its PID at the end, also on failure.

Run from anywhere: /usr/bin/python3 tests/mock/test_mock.py
"""

import calendar
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
from mockclient import (  # noqa: E402  (after the line above)
    HANGZHOU, HERE, INSTANCE, OTHER, PYTHON, STATIC, Key, Tap, answer,
    assume_role, check, eq, expect_error, expect_url, imds, imds_key,
    imds_token, mc, new_nonce, raw_query, sc, scoped_policy, start,
    stop_all, sts_key, timestamp, v1_call, v1_params, v1_send, v3_call)
from test_discovery import discovery_tests  # noqa: E402
from test_listfaults import listfault_tests  # noqa: E402
from test_vectors import vector_tests  # noqa: E402


# Tests on the main mock (no faults) ------------------------------------------

def t_mkcerts(certs):
    for name in ("ca.pem", "server.pem", "server.key", "wronghost.pem",
                 "wronghost.key", "otherca.pem"):
        check(os.path.getsize(os.path.join(certs, name)) > 0, name)
    for name in ("server.key", "wronghost.key"):
        eq(os.stat(os.path.join(certs, name)).st_mode & 0o077, 0,
           name + " mode")


def t_started(m):
    with open(os.path.join(m.dir, "mock.pid")) as f:
        eq(int(f.read()), m.proc.pid, "mock.pid")
    eq(len(set(m.port.values())), 3, "three ports")


def t_v1_post(m):
    expect_url(v1_call(m, "ecs", HANGZHOU))


def t_v1_get(m):
    expect_url(v1_call(m, "ecs", HANGZHOU, method="GET"))


def t_v1_form(m):
    expect_url(v1_call(m, "ecs", HANGZHOU, form=("RegionId", "InstanceId",
                                                 "Timestamp")))


def t_v3(m):
    expect_url(v3_call(m, "ecs", HANGZHOU)[0])


def t_v3_form(m):
    body = raw_query(HANGZHOU).encode()
    expect_url(v3_call(m, "ecs", {}, body=body, **{
        "content-type": "application/x-www-form-urlencoded"})[0])


def t_fresh_urls(m):
    a = expect_url(v1_call(m, "ecs", HANGZHOU))
    b = expect_url(v3_call(m, "ecs", HANGZHOU)[0])
    check(a != b, "the same VncUrl twice")


def t_keepalive(m):
    conn = m.connect("ecs")
    try:
        for _ in range(2):
            params = v1_params("ecs", HANGZHOU, STATIC)
            query = sc.v1_sign("GET", params, STATIC.secret)
            expect_url(m.request("ecs", "GET", "/?" + query, conn=conn))
    finally:
        conn.close()


def t_nonce_v1(m):
    params = v1_params("ecs", HANGZHOU, STATIC)
    expect_url(v1_send(m, "ecs", params, STATIC.secret)[0])
    expect_error(v1_send(m, "ecs", params, STATIC.secret)[0], 400,
                 "SignatureNonceUsed")


def t_nonce_v3(m):
    nonce = new_nonce()
    expect_url(v3_call(m, "ecs", HANGZHOU,
                       **{"x-acs-signature-nonce": nonce})[0])
    expect_error(v3_call(m, "ecs", HANGZHOU,
                         **{"x-acs-signature-nonce": nonce})[0], 400,
                 "SignatureNonceUsed")


def t_stale(m):
    for offset in (-16 * 60, 16 * 60):
        expect_error(v1_call(m, "ecs", HANGZHOU, Timestamp=timestamp(offset)),
                     400, "InvalidTimeStamp.Expired")
    expect_error(v3_call(m, "ecs", HANGZHOU,
                         **{"x-acs-date": timestamp(-16 * 60)})[0], 400,
                 "InvalidTimeStamp.Expired")
    expect_url(v1_call(m, "ecs", HANGZHOU, Timestamp=timestamp(-14 * 60)))


def t_timestamp_format(m):
    for bad in (timestamp()[:-1] + ".000Z", timestamp()[:-1],
                "2026-04-31T10:00:00Z"):
        expect_error(v1_call(m, "ecs", HANGZHOU, Timestamp=bad), 400,
                     "InvalidTimeStamp.Format")


def t_wrong_secret_v1(m):
    params = v1_params("ecs", HANGZHOU, STATIC)
    reply, sts = v1_send(m, "ecs", params, "not-the-secret")
    body = expect_error(reply, 400, "SignatureDoesNotMatch")
    eq(body["Message"], sc.SIGNATURE_MISMATCH + sts, "Message")
    eq(sorted(body), ["Code", "HostId", "Message", "Recommend",
                      "RequestId"], "error fields")
    eq(body["HostId"], m.host("ecs"), "HostId")
    eq(body["Recommend"], "https://api.alibabacloud.com/troubleshoot?q="
       "SignatureDoesNotMatch", "Recommend")


def t_wrong_secret_v3(m):
    reply, sts = v3_call(m, "ecs", HANGZHOU, secret="not-the-secret")
    body = expect_error(reply, 400, "SignatureDoesNotMatch")
    eq(body["Message"], sc.SIGNATURE_MISMATCH + sts, "Message")


def t_v3_body_hash(m):
    reply, _ = v3_call(m, "ecs", {}, body=raw_query(HANGZHOU).encode(),
                       sent_body=raw_query(dict(HANGZHOU,
                                                InstanceId=OTHER)).encode(),
                       **{"content-type":
                          "application/x-www-form-urlencoded"})
    expect_error(reply, 400, "SignatureDoesNotMatch")
    # the header lies, the signature covers the real body's hash
    reply, _ = v3_call(m, "ecs", HANGZHOU, **{
        "x-acs-content-sha256": sc.sha256_hex(b"something else")})
    expect_error(reply, 400, "SignatureDoesNotMatch")


def t_v3_unsigned(m):
    for name in mc.V3_SIGNED:
        reply, _ = v3_call(m, "ecs", HANGZHOU, unsigned=(name,))
        expect_error(reply, 400, "IncompleteSignature")


def t_unknown_key(m):
    expect_error(v1_call(m, "ecs", HANGZHOU,
                         key=Key("LTAI5tNOSUCHkey", "x", None)), 404,
                 "InvalidAccessKeyId.NotFound")


def t_missing(m):
    expect_error(v1_call(m, "ecs", {"RegionId": "cn-hangzhou"}), 400,
                 "MissingParameter")
    params = v1_params("ecs", HANGZHOU, STATIC)
    del params["SignatureNonce"]
    body = expect_error(v1_send(m, "ecs", params, STATIC.secret)[0], 400,
                        "MissingParameter")
    check("SignatureNonce" in body["Message"], body["Message"])


def t_action(m):
    expect_error(v1_call(m, "ecs", HANGZHOU, Action="StartInstance"),
                 404, "InvalidAction.NotFound")
    expect_error(v1_call(m, "ecs", HANGZHOU, Version="2016-03-14"), 400,
                 "InvalidVersion")


def t_instance(m, api, status, code):
    expect_error(v1_call(m, "ecs", api), status, code)


def t_imds_no_token(m):
    for headers in ({}, {mc.IMDS_TOKEN_HEADER: "forged"}):
        eq(imds(m, "GET", mc.IMDS_CREDS_PATH, **headers).status, 401,
           "GET role name with %r" % headers)
        eq(imds(m, "GET", mc.IMDS_CREDS_PATH + mc.IMDS_ROLE,
                **headers).status, 401, "GET credentials")


def t_imds_ttl(m):
    eq(imds(m, "PUT", mc.IMDS_TOKEN_PATH).status, 400, "no TTL")
    eq(imds(m, "PUT", mc.IMDS_TOKEN_PATH,
            **{mc.IMDS_TTL_HEADER: "21601"}).status, 400, "TTL 21601")


def t_imds_flow(m):
    token = imds_token(m)
    reply = imds(m, "GET", mc.IMDS_CREDS_PATH,
                 **{mc.IMDS_TOKEN_HEADER: token})
    eq((reply.status, reply.body), (200, b"VncGateRole"), "role name")
    reply = imds(m, "GET", mc.IMDS_CREDS_PATH + mc.IMDS_ROLE,
                 **{mc.IMDS_TOKEN_HEADER: token})
    c = answer(reply)
    eq(c["Code"], "Success", "Code")
    check(c["AccessKeyId"].startswith("STS."), c["AccessKeyId"])
    left = calendar.timegm(time.strptime(c["Expiration"],
                                         "%Y-%m-%dT%H:%M:%SZ")) - time.time()
    check(3500 < left <= 3600, "Expiration in %d s" % left)


def t_imds_key_on_ecs(m):
    key = imds_key(m)
    expect_url(v1_call(m, "ecs", HANGZHOU, key=key))
    expect_url(v3_call(m, "ecs", HANGZHOU, key=key)[0])


def t_token_needed(m):
    key = imds_key(m)
    for token in (None, key.token[:-4] + "AAA="):
        bad = key._replace(token=token)
        expect_error(v1_call(m, "ecs", HANGZHOU, key=bad), 400,
                     "InvalidSecurityToken.Malformed")
        expect_error(v3_call(m, "ecs", HANGZHOU, key=bad)[0], 400,
                     "InvalidSecurityToken.Malformed")
    expect_error(v3_call(m, "ecs", HANGZHOU, key=key,
                         unsigned=("x-acs-security-token",))[0], 400,
                 "IncompleteSignature")


def t_assume_role(m):
    reply = assume_role(m, session="alice@bastion-01")
    body = answer(reply)
    eq(body["AssumedRoleUser"]["Arn"], mc.ROLE_ARN + "/alice@bastion-01",
       "Arn")
    key = sts_key(reply)
    check(key.id.startswith("STS."), key.id)
    expect_url(v1_call(m, "ecs", HANGZHOU, key=key))
    expect_url(v3_call(m, "ecs", HANGZHOU, key=key)[0])
    expect_error(v1_call(m, "ecs", HANGZHOU, key=key._replace(token=None)),
                 400, "InvalidSecurityToken.Malformed")


def t_assume_role_v3(m):
    expect_url(v1_call(m, "ecs", HANGZHOU,
                       key=sts_key(assume_role(m, v3=True))))


def t_assume_role_refused(m, extra, status, code):
    expect_error(assume_role(m, **extra), status, code)


def t_sts_key_on_sts(m):
    key = imds_key(m)
    api = {"RoleArn": mc.ROLE_ARN, "RoleSessionName": "alice"}
    expect_error(v1_call(m, "sts", api, key=key), 404,
                 "InvalidAccessKeyId.NotFound")


def t_policy(m):
    key = sts_key(assume_role(m, policy=scoped_policy("cn-hangzhou",
                                                      INSTANCE)))
    expect_url(v1_call(m, "ecs", HANGZHOU, key=key))
    expect_error(v1_call(m, "ecs", dict(HANGZHOU, InstanceId=OTHER),
                         key=key), 403, "Forbidden.RAM")
    expect_error(v3_call(m, "ecs", dict(HANGZHOU, RegionId="cn-beijing"),
                         key=key)[0], 403, "Forbidden.RAM")
    wide = json.dumps({"Version": "1", "Statement": [{
        "Effect": "Allow", "Action": ["ecs:*"],
        "Resource": "acs:ecs:*:*:instance/*"}]})
    key = sts_key(assume_role(m, policy=wide))
    expect_url(v1_call(m, "ecs", dict(HANGZHOU, InstanceId=OTHER), key=key))


def t_other_ca(m):
    ctx = ssl.create_default_context(
        cafile=os.path.join(m.dir, "otherca.pem"))
    for service in ("ecs", "sts"):
        conn = m.connect(service, ctx)
        try:
            conn.connect()
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise AssertionError(service + ": a foreign CA was accepted")
        finally:
            conn.close()


def t_bad_length(m):
    reply = m.request("ecs", "POST", "/", {"Content-Length": "abc"})
    expect_error(reply, 400, "InvalidParameter")
    eq(m.log()[-1]["code"], "InvalidParameter", "logged")


LOG_KEYS = ("service", "method", "path", "action", "sigver", "status",
            "code", "request_id", "access_key_id", "instance_id",
            "region_id", "vnc_url", "role_session_name", "policy", "fault")


def t_log(m):
    log = m.log()
    eq(len(log), m.sent, "log lines")
    for rec in log:
        missing = [k for k in LOG_KEYS if k not in rec]
        check(not missing, "missing %s in %r" % (missing, rec))
    reply = v1_call(m, "ecs", HANGZHOU)
    rec = m.log()[-1]
    eq((rec["vnc_url"], rec["request_id"], rec["sigver"], rec["status"],
        rec["instance_id"], rec["region_id"], rec["access_key_id"]),
       (answer(reply)["VncUrl"], answer(reply)["RequestId"], "v1", 200,
        INSTANCE, "cn-hangzhou", STATIC.id), "ECS record")
    policy = scoped_policy("cn-hangzhou", INSTANCE)
    check(len(rec["signature"]) >= 20, "V1 Signature logged: %r" % rec)
    key = sts_key(assume_role(m, session="bob", policy=policy, v3=True))
    rec = m.log()[-1]
    eq((rec["service"], rec["action"], rec["sigver"], rec["role_session_name"],
        rec["policy"]), ("sts", "AssumeRole", "v3", "bob", policy),
       "STS record")
    eq((rec["issued_key_id"], rec["issued_secret"], rec["issued_token"]),
       (key.id, key.secret, key.token), "what STS handed out")
    check(len(rec["signature"]) == 64, "V3 Signature logged: %r" % rec)
    expect_error(v1_call(m, "ecs", dict(HANGZHOU, InstanceId=OTHER),
                         key=key), 403, "Forbidden.RAM")
    rec = m.log()[-1]
    eq((rec["code"], rec["status"], rec["access_key_id"]),
       ("Forbidden.RAM", 403, key.id), "refused ECS record")
    eq(len(m.log()), m.sent, "log lines at the end")


def t_sigterm(m):
    eq(m.stop(), 0, "exit status after SIGTERM")
    eq(m.stderr(), "", "stderr")


def main_mock_tests(tap, m):
    tap.run("the mock writes mock.pid and three ports", t_started, m)
    tap.run("a good V1 POST gets a VncUrl", t_v1_post, m)
    tap.run("a good V1 GET gets a VncUrl", t_v1_get, m)
    tap.run("V1 with query and form body merged gets a VncUrl", t_v1_form, m)
    tap.run("a good V3 request gets a VncUrl", t_v3, m)
    tap.run("V3 with a signed form body gets a VncUrl", t_v3_form, m)
    tap.run("each VncUrl is fresh", t_fresh_urls, m)
    tap.run("two requests on one kept-alive connection", t_keepalive, m)
    tap.run("a reused nonce is refused (V1)", t_nonce_v1, m)
    tap.run("a reused nonce is refused (V3)", t_nonce_v3, m)
    tap.run("a timestamp 16 minutes off is refused", t_stale, m)
    tap.run("a malformed timestamp is refused", t_timestamp_format, m)
    tap.run("a wrong secret gives SignatureDoesNotMatch with our string "
            "to sign (V1)", t_wrong_secret_v1, m)
    tap.run("a wrong secret gives SignatureDoesNotMatch with our string "
            "to sign (V3)", t_wrong_secret_v3, m)
    tap.run("V3: a body other than the hashed one is refused, and so is a "
            "wrong x-acs-content-sha256",
            t_v3_body_hash, m)
    tap.run("V3: each required header must be signed", t_v3_unsigned, m)
    tap.run("an unknown AccessKeyId is refused", t_unknown_key, m)
    tap.run("a missing parameter is refused", t_missing, m)
    tap.run("another action or version is refused", t_action, m)
    for api, status, code in (
            (dict(HANGZHOU, RegionId="cn-nowhere"), 404,
             "InvalidRegionId.NotFound"),
            (dict(HANGZHOU, InstanceId="i-stopped01"), 403,
             "IncorrectInstanceStatus"),
            (dict(HANGZHOU, InstanceId="i-notready01"), 403,
             "InstanceNotReady"),
            (dict(HANGZHOU, InstanceId="i-missing01"), 404,
             "InvalidInstanceId.NotFound")):
        tap.run("instance %s in %s gives %s" % (api["InstanceId"],
                                                api["RegionId"], code),
                t_instance, m, api, status, code)
    tap.run("metadata: no or forged token gives 401", t_imds_no_token, m)
    tap.run("metadata: the token TTL is checked", t_imds_ttl, m)
    tap.run("metadata: token, role name, credentials", t_imds_flow, m)
    tap.run("metadata credentials work on ECS with their token",
            t_imds_key_on_ecs, m)
    tap.run("STS keys need their exact, signed token", t_token_needed, m)
    tap.run("AssumeRole (V1, form body) credentials work on ECS only with "
            "their token", t_assume_role, m)
    tap.run("AssumeRole signed V3", t_assume_role_v3, m)
    for extra, status, code in (
            ({"RoleArn": "acs:ram::1234567890123456:role/other"}, 404,
             "EntityNotExist.Role"),
            ({"RoleArn": "arn:aws:iam::1:role/x"}, 400,
             "InvalidParameter.RoleArn"),
            ({"RoleSessionName": "a"}, 400,
             "InvalidParameter.RoleSessionName"),
            ({"RoleSessionName": "alice smith"}, 400,
             "InvalidParameter.RoleSessionName"),
            ({"DurationSeconds": "899"}, 400,
             "InvalidParameter.DurationSeconds"),
            ({"DurationSeconds": "3601"}, 400,
             "InvalidParameter.DurationSeconds"),
            ({"Policy": "{not json"}, 400, "InvalidParameter.PolicyGrammar"),
            ({"Policy": "x" * 2049}, 400, "InvalidParameter.PolicySize")):
        tap.run("AssumeRole %s gives %s" % (
            ", ".join("%s=%.20s" % kv for kv in extra.items()), code),
            t_assume_role_refused, m, extra, status, code)
    tap.run("STS refuses STS keys", t_sts_key_on_sts, m)
    tap.run("a Policy scoped to instance A refuses instance B",
            t_policy, m)
    tap.run("a foreign CA fails verification", t_other_ca, m)
    tap.run("a bad Content-Length is refused and logged", t_bad_length, m)
    tap.run("the log has one complete line per request", t_log, m)
    tap.run("SIGTERM stops the mock cleanly", t_sigterm, m)


# Tests with faults -----------------------------------------------------------

def last_fault(m):
    return m.log()[-1]["fault"]


def t_throttle(m):
    reply = v1_call(m, "ecs", HANGZHOU)
    expect_error(reply, 400, "Throttling.User")
    eq(reply.headers.get("x-acs-retry-after"), "100", "x-acs-retry-after")
    eq(last_fault(m), "throttle", "logged fault")
    expect_url(v1_call(m, "ecs", HANGZHOU))
    eq(last_fault(m), "", "no fault logged")
    expect_url(v3_call(m, "ecs", HANGZHOU)[0])


def t_errors(m):
    for status, code in ((503, "ServiceUnavailable"), (500, "InternalError")):
        expect_error(v1_call(m, "ecs", HANGZHOU), status, code)
    expect_url(v1_call(m, "ecs", HANGZHOU))
    expect_error(assume_role(m), 403, "NoPermission")
    sts_key(assume_role(m))
    eq(imds(m, "PUT", mc.IMDS_TOKEN_PATH,
            **{mc.IMDS_TTL_HEADER: "60"}).status, 500, "imds-down")
    imds_key(m)


def t_bodies(m):
    reply = v1_call(m, "ecs", HANGZHOU)
    eq(reply.status, 200, "badjson status")
    try:
        json.loads(reply.body)
    except ValueError:
        pass
    else:
        raise AssertionError("badjson parsed")
    reply = v1_call(m, "ecs", HANGZHOU)
    eq((reply.status, len(reply.body)), (200, 2 * 1024 * 1024), "oversize")
    for bad in ('"', " ", "\x1b", "javascript:alert(1)",
                "wss%3A%2F%2Fevil.example%2Fwebsockify%2F%3Fs%3D",
                "wss%3A%2F%2Fhz01-vncproxy.evilaliyun.com%2F",
                "wss%3A%2F%2Fevil.example%3F.aliyun.com%2F",
                "https%3A%2F%2Fhz01-vncproxy.aliyun.com%2F"):
        url = answer(v1_call(m, "ecs", HANGZHOU))["VncUrl"]
        check(bad in url, "%r not in %r" % (bad, url))
        eq(m.log()[-1]["vnc_url"], url, "logged VncUrl")
    reply = v1_call(m, "ecs", HANGZHOU)
    eq(reply.body.count(b'"VncUrl"'), 2, "two VncUrl keys")
    eq(last_fault(m), "dupkeys", "logged fault")
    expect_url(v1_call(m, "ecs", HANGZHOU))


def t_imds_notoken(m):
    eq(imds(m, "PUT", mc.IMDS_TOKEN_PATH,
            **{mc.IMDS_TTL_HEADER: "60"}).status, 404, "token PUT")
    reply = imds(m, "GET", mc.IMDS_CREDS_PATH)
    eq((reply.status, reply.body), (200, b"VncGateRole"), "role name")
    reply = imds(m, "GET", mc.IMDS_CREDS_PATH + mc.IMDS_ROLE)
    eq(answer(reply)["Code"], "Success", "credentials")


def t_slow(m):
    """Two requests at once: the one that took the fault sleeps in its own
    thread, so the other is answered while it still waits."""
    done = []
    lock = threading.Condition()

    def call():
        reply = v1_call(m, "ecs", HANGZHOU)
        with lock:
            done.append(reply)
            lock.notify()

    threads = [threading.Thread(target=call, daemon=True) for _ in "ab"]
    for t in threads:
        t.start()
    with lock:
        lock.wait_for(lambda: done, timeout=60)
        first = done[0]
        eq(len(done), 1, "both answered before either slept")
    rid = answer(first)["RequestId"]
    eq([r["fault"] for r in m.log() if r["request_id"] == rid], [""],
       "the first answer is the one without the fault")
    for t in threads:
        t.join(60)
    expect_url(done[1])
    eq(last_fault(m), "slow", "the second slept")


def t_wronghost(m):
    for service in ("ecs", "sts"):
        conn = m.connect(service)
        try:
            conn.connect()
        except ssl.SSLCertVerificationError as e:
            # 64: IP address mismatch (62 would be a DNS name mismatch)
            eq(e.verify_code, 64, "verify code")
        else:
            raise AssertionError(service + ": wrong host name accepted")
        finally:
            conn.close()
    ctx = ssl.create_default_context(cafile=os.path.join(m.dir, "ca.pem"))
    ctx.check_hostname = False      # the chain itself is good
    conn = m.connect("ecs", ctx)
    conn.connect()
    eq(conn.sock.getpeercert()["subjectAltName"],
       (("DNS", "wrong.example"),), "served certificate")
    conn.close()


def t_expiry(m):
    reply = assume_role(m)
    key = sts_key(reply)
    expires = answer(reply)["Credentials"]["Expiration"]
    deadline = calendar.timegm(time.strptime(expires, "%Y-%m-%dT%H:%M:%SZ"))
    while time.time() < deadline + 1:
        time.sleep(0.2)
    expect_error(v1_call(m, "ecs", HANGZHOU, key=key), 400,
                 "InvalidSecurityToken.Expired")


def t_fault_log(m):
    eq(len(m.log()), m.sent, "log lines")
    eq(m.stop(), 0, "exit status after SIGTERM")


FAULT_RUNS = (
    ("throttle", ("--fault", "throttle:1"),
     "--fault throttle:1 gives one throttle then success", t_throttle),
    ("errors", ("--fault", "unavailable:1", "--fault", "internal:1",
                "--fault", "sts-denied:1", "--fault", "imds-down:1"),
     "5xx, sts-denied and imds-down faults, then success", t_errors),
    ("bodies", tuple(a for f in ("badjson", "oversize", "badurl-quote",
                                 "badurl-space", "badurl-esc", "badurl-js",
                                 "badurl-host", "badurl-suffix",
                                 "badurl-query", "badurl-scheme",
                                 "dupkeys") for a in ("--fault", f + ":1")),
     "malformed, oversized, bad-URL and duplicate-key bodies", t_bodies),
    ("notoken", ("--fault", "imds-notoken"),
     "imds-notoken: no token PUT, GETs work without one", t_imds_notoken),
    ("slow", ("--fault", "slow:1", "--delay", "3"),
     "slow sleeps in its own thread only", t_slow),
    ("wronghost", ("--fault", "wronghost"),
     "the wrong-host certificate fails host name verification",
     t_wronghost),
    ("expiry", ("--cred-ttl", "1"),
     "STS credentials expire after --cred-ttl", t_expiry),
)



def t_bad_fault(base, certs):
    folder = os.path.join(base, "badfault")
    shutil.copytree(certs, folder)
    run = subprocess.run([PYTHON, os.path.join(HERE, "mockcloud.py"),
                          "--dir", folder, "--fault", "nosuch"],
                         capture_output=True, text=True, timeout=60)
    eq(run.returncode, 2, "exit status")
    check("nosuch" in run.stderr, "stderr names it: " + run.stderr)
    check(not os.path.exists(os.path.join(folder, "ecs.port")), "ecs.port")


def fault_tests(tap, base, certs):
    tap.run("an unknown fault stops the mock at once", t_bad_fault, base,
            certs)
    for name, args, title, fn in FAULT_RUNS:
        m = start(tap, base, certs, name, *args)
        if m is None:
            continue
        tap.run(title, fn, m)
        tap.run("%s: one log line per request, clean stop" % name,
                t_fault_log, m)


# Main ------------------------------------------------------------------------

def mock_tests(tap):
    base = tempfile.mkdtemp(prefix="vncgate-mock.")
    certs = os.path.join(base, "certs")
    try:
        made = subprocess.run([os.path.join(HERE, "mkcerts"), certs],
                              capture_output=True, text=True)
        tap.run("mkcerts makes the CAs, certificates and 0600 keys",
                lambda: (eq(made.returncode, 0, made.stderr),
                         t_mkcerts(certs)))
        if made.returncode != 0:
            return
        m = start(tap, base, certs, "main")
        if m is None:
            return
        main_mock_tests(tap, m)
        fault_tests(tap, base, certs)
        discovery_tests(tap, base, certs)
        listfault_tests(tap, base, certs)
    finally:
        stop_all()
        if not os.environ.get("MOCK_KEEP"):
            shutil.rmtree(base, ignore_errors=True)
        else:
            print("# kept " + base)


def main():
    # killed by a runner's timeout: still stop every mock (finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tap = Tap()
    try:
        vector_tests(tap)
        mock_tests(tap)
    finally:
        stop_all()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
