# SPDX-License-Identifier: ISC
"""The mock cloud's wire format: requests as the services see them, answers
and errors in the API's own format, and the request log.  Contract:
README.md next to this file.
"""

import base64
import json
import secrets
import threading
import uuid

import sigcheck

# the host of a real answer (cn-hangzhou): under .aliyun.com, as vncgate
# accepts by default (api.vnc_hosts)
VNC_HOST = "hz01-vncproxy.aliyun.com"
VNC_PREFIX = "wss://" + VNC_HOST + "/websockify/?s="

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
    "DryRunOperation": (400, "Request validation has been passed with "
                        "DryRun flag set."),
    "InvalidNextToken.Malformed": (400, "The specified parameter NextToken "
                                   "is not valid: {0}"),
    "InvalidTag.Mismatch": (400, "The specified Tag.n.Key and Tag.n.Value "
                            "are not match."),
}


class ApiError(Exception):
    """An answer in the API's error format, from the ERRORS table."""

    def __init__(self, code, *args, headers=None):
        super().__init__(code)
        self.status, template = ERRORS[code]
        self.code = code
        self.message = template.format(*args)
        self.headers = headers or {}


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


def json_answer(req, obj, ascii_only=True):
    """200 with obj; ascii_only=False sends text as raw UTF-8, as the real
    API does for names in other scripts."""
    req.log["request_id"] = obj["RequestId"]
    return Answer(200, json.dumps(obj, ensure_ascii=ascii_only),
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


def new_vnc_url():
    """percentEncode(wss://...?s=percentEncode(token)): %25xx inside."""
    raw = base64.b64encode(secrets.token_bytes(30)).decode("ascii")
    token = raw[:8] + "/" + raw[8:24] + "+" + raw[24:]
    return sigcheck.percent_encode(VNC_PREFIX +
                                   sigcheck.percent_encode(token))


# The request log -------------------------------------------------------------

# field -> its value when it does not apply
LOG_FIELDS = {"service": "", "method": "", "path": "", "action": "",
              "sigver": "", "status": 0, "code": "", "request_id": "",
              "access_key_id": "", "instance_id": "", "region_id": "",
              "vnc_url": "", "role_session_name": "", "policy": "",
              "fault": "", "issued_key_id": "", "dry_run": False,
              "max_results": 0, "next_token": "", "next_token_out": "",
              "page": 0, "count": 0, "filters": {}, "signature": "",
              "issued_secret": "", "issued_token": ""}


class RequestLog:
    """DIR/requests.log: one JSON line per request, flushed at once."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")

    def write(self, record):
        line = json.dumps({k: record.get(k, v)
                           for k, v in LOG_FIELDS.items()})
        with self.lock:
            if not self.file.closed:    # a slow answer after SIGTERM
                self.file.write(line + "\n")
                self.file.flush()

    def close(self):
        with self.lock:
            self.file.close()
