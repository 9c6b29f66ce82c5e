# SPDX-License-Identifier: ISC
"""The three services' request handlers: ECS (DescribeInstanceVncUrl here,
the listing in mock_listing.py), STS AssumeRole and the metadata service.
Contract: README.md next to this file.
"""

import base64
import json
import re
import secrets
import time

from mock_auth import authenticate, check_policy, instance_arn, require
from mock_faults import what
from mock_listing import describe_instances, describe_regions
from mock_state import (IMDS_CREDS_PATH, IMDS_ROLE, IMDS_TOKEN_PATH,
                        IMDS_TTL_HEADER, IMDS_TOKEN_HEADER, INSTANCE_ID_RE,
                        ROLE_ARN, ROLE_ARN_RE, ROLE_ID, SESSION_NAME_RE,
                        iso8601)
from mock_wire import (Answer, ApiError, json_answer, new_request_id,
                       new_vnc_url, text_answer)

# Without an inventory file: an instance ID holding the word gets the
# error (README "Instances"); any other is running.
INSTANCE_WORDS = (("stopped", "IncorrectInstanceStatus"),
                  ("notready", "InstanceNotReady"),
                  ("missing", "InvalidInstanceId.NotFound"))
# With one: Status -> the error DescribeInstanceVncUrl answers
STATUS_ERRORS = {"Running": None, "Pending": "InstanceNotReady",
                 "Starting": "InstanceNotReady"}


# ECS: DescribeInstanceVncUrl -----------------------------------------------

def vnc_error_faults(mock, req):
    name = mock.faults.first("ecs", "error")
    if name is not None:
        req.log["fault"] = name
        code, headers = what(name)
        raise ApiError(code, headers=headers)
    if mock.faults.first("ecs", "slow"):
        req.log["fault"] = "slow"
        time.sleep(mock.args.delay)


def vnc_target(mock, params):
    require(params, ("RegionId", "InstanceId"))
    if params["RegionId"] not in mock.inventory.region_ids:
        raise ApiError("InvalidRegionId.NotFound")
    if not INSTANCE_ID_RE.match(params["InstanceId"]):
        raise ApiError("InvalidInstanceId.Malformed")
    return params["RegionId"], params["InstanceId"]


def check_instance(inventory, region, instance):
    if not inventory.from_file:
        for word, code in INSTANCE_WORDS:
            if word in instance:
                raise ApiError(code)
        return
    found = inventory.find(region, instance)
    if found is None:
        raise ApiError("InvalidInstanceId.NotFound")
    code = STATUS_ERRORS.get(found.status, "IncorrectInstanceStatus")
    if code is not None:
        raise ApiError(code)


def vnc_answer(mock, req):
    rid = new_request_id()
    url = new_vnc_url()
    req.log.update(request_id=rid, vnc_url=url)
    name = mock.faults.first("ecs", "body")
    if name is None:
        return json_answer(req, {"RequestId": rid, "VncUrl": url})
    req.log["fault"] = name
    body = what(name)(rid, url)
    if name.startswith("badurl-") or name == "dupkeys":
        req.log["vnc_url"] = json.loads(body)["VncUrl"]
    return Answer(200, body, headers={"x-acs-request-id": rid})


def describe_vnc_url(mock, req, params, cred):
    vnc_error_faults(mock, req)
    region, instance = vnc_target(mock, params)
    if not check_policy(req, cred, "ecs:DescribeInstanceVncUrl",
                        instance_arn(region, instance)):
        raise ApiError("Forbidden.RAM")
    check_instance(mock.inventory, region, instance)
    return vnc_answer(mock, req)


ECS_ACTIONS = {"DescribeInstanceVncUrl": describe_vnc_url,
               "DescribeInstances": describe_instances,
               "DescribeRegions": describe_regions}


def ecs_handle(mock, req):
    params, cred = authenticate(mock, req, "ecs")
    region = params.get("RegionId")
    if region and mock.faults.first("ecs", "region", region=region):
        req.log["fault"] = "region-down"
        code, headers = what("region-down")
        raise ApiError(code, headers=headers)
    return ECS_ACTIONS[req.log["action"]](mock, req, params, cred)


# STS -----------------------------------------------------------------------

def sts_duration(params):
    value = params.get("DurationSeconds", "3600")
    if not re.match(r"[0-9]{1,9}\Z", value) or \
            not 900 <= int(value) <= 3600:
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


def log_issued(req, cred):
    """What a credentials answer handed out, for the tests that look for
    it where it must not be (a log, a core dump)."""
    req.log.update(issued_key_id=cred.key_id, issued_secret=cred.secret,
                   issued_token=cred.token)


def sts_handle(mock, req):
    params, _ = authenticate(mock, req, "sts")
    name = mock.faults.first("sts", "error")
    if name is not None:
        req.log["fault"] = name
        raise ApiError(what(name)[0])
    session = sts_role(params)
    duration = sts_duration(params)
    policy = sts_policy(params)
    cred = mock.keys.issue(min(duration, mock.args.cred_ttl), policy,
                           session)
    log_issued(req, cred)
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
    log_issued(req, cred)
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
