# SPDX-License-Identifier: ISC
"""DescribeInstances (NextToken paging, filters, DryRun, permissions) and
DescribeRegions, as the real ECS API answers them.  Contract: README.md
("DescribeInstances", "DescribeRegions") next to this file.
"""

import base64
import fnmatch
import json
import re
import secrets
import threading
import time

from mock_auth import V1_COMMON, check_policy, instance_arn
from mock_faults import what
from mock_state import ACCOUNT, INSTANCE_ID_RE
from mock_wire import Answer, ApiError, json_answer, new_request_id

PAGE_MIN, PAGE_MAX = 10, 100
TAG_MAX = 20                    # Tag.1 .. Tag.20
TAGGED_CAP = 1000               # with tag filters, at most this many
IDS_MAX = 100                   # InstanceIds: at most this many
OVERSIZE = 16 * 1024 * 1024     # the list-oversize page, in bytes
STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")
LANGUAGES = {"zh-CN": False, "en-US": True, "ja": True}  # -> English?
LIST_NAMES = frozenset(("RegionId", "MaxResults", "NextToken", "Status",
                        "DryRun", "InstanceIds", "InstanceName"))
REGIONS_NAMES = frozenset(("RegionId", "AcceptLanguage"))
TAG_RE = re.compile(r"Tag\.([1-9][0-9]?)\.(Key|Value)\Z")


# Parameters ------------------------------------------------------------------

def api_params(req, params, names):
    """The request's own parameters (V1 common ones left out); any other
    name than names (and Tag.N.*) is refused: the mock cannot honour a
    filter it does not know, and a silent ignore would pass a bad client."""
    api = {k: v for k, v in params.items()
           if req.log["sigver"] != "v1" or k not in V1_COMMON}
    for name in api:
        if name in ("PageNumber", "PageSize"):
            raise ApiError("InvalidParameter", name + " (the deprecated "
                           "paging; the mock serves NextToken paging only)")
        if name not in names and not (names is LIST_NAMES and
                                      TAG_RE.match(name)):
            raise ApiError("InvalidParameter", name + " (not served by "
                           "the mock)")
    return api


def served_region(inventory, region):
    if region not in inventory.region_ids:
        raise ApiError("InvalidRegionId.NotFound")
    return region


def max_results(value):
    """MaxResults: unset or under 10 is 10; over 100 is refused."""
    if value is None:
        return PAGE_MIN
    if not re.match(r"-?[0-9]{1,9}\Z", value):
        raise ApiError("InvalidParameter", "MaxResults")
    if int(value) > PAGE_MAX:
        raise ApiError("InvalidParameter", "MaxResults (at most 100)")
    return max(int(value), PAGE_MIN)


def dry_run(value):
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    raise ApiError("InvalidParameter", "DryRun")


class Filters:
    """Status, Tag.N, InstanceIds and InstanceName, ANDed."""

    def __init__(self, api):
        self.status = api.get("Status")
        if self.status is not None and self.status not in STATUSES:
            raise ApiError("InvalidParameter", "Status")
        self.tags = self.parse_tags(api)
        self.ids = self.parse_ids(api.get("InstanceIds"))
        self.name = api.get("InstanceName")
        # a paging token is bound to this
        self.key = (self.status, tuple(sorted(self.tags, key=repr)),
                    None if self.ids is None else tuple(self.ids),
                    self.name)

    @staticmethod
    def parse_tags(api):
        """[(key, value or None)], in N order."""
        by_n = {}
        for name, value in api.items():
            m = TAG_RE.match(name)
            if m:
                by_n.setdefault(int(m.group(1)), {})[m.group(2)] = value
        tags = []
        for n in sorted(by_n):
            if n > TAG_MAX:
                raise ApiError("InvalidParameter", "Tag.%d (N is 1..20)" % n)
            if "Key" not in by_n[n]:
                raise ApiError("InvalidTag.Mismatch")
            if by_n[n]["Key"] == "":
                raise ApiError("InvalidParameter", "Tag.%d.Key" % n)
            tags.append((by_n[n]["Key"], by_n[n].get("Value")))
        return tags

    @staticmethod
    def parse_ids(text):
        if text is None:
            return None
        try:
            ids = json.loads(text)
        except ValueError:
            ids = None
        if not isinstance(ids, list) or len(ids) > IDS_MAX or not all(
                isinstance(i, str) and INSTANCE_ID_RE.match(i) for i in ids):
            raise ApiError("InvalidParameter", "InstanceIds")
        return ids

    def log(self):
        out = {}
        if self.status is not None:
            out["Status"] = self.status
        if self.tags:
            out["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        if self.ids is not None:
            out["InstanceIds"] = self.ids
        if self.name is not None:
            out["InstanceName"] = self.name
        return out

    def match(self, inst):
        if self.status is not None and inst.status != self.status:
            return False
        if self.name is not None and not fnmatch.fnmatchcase(
                inst.name, re.sub(r"([?\[])", r"[\1]", self.name)):
            return False
        return all(any(k == key and (value is None or v == value)
                       for k, v in inst.tags) for key, value in self.tags)

    def select(self, instances):
        if self.ids is not None:
            wanted = set(self.ids)
            instances = [i for i in instances if i.id in wanted]
        found = [i for i in instances if self.match(i)]
        return found[:TAGGED_CAP] if self.tags else found


# NextToken -------------------------------------------------------------------

class Listing:
    """One listing in progress: who asked, for what, and its instances
    (chosen on page 1, so that later pages never shift)."""

    def __init__(self, principal, region, key, items):
        self.bound = (principal, region, key)
        self.items = items


class PageTokens:
    """NextToken -> (listing, offset, page); each token works once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.live = {}
        self.used = set()

    def issue(self, listing, offset, page):
        raw = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        # '/', '+' and '=' in every token: a client must encode it
        token = raw[:8] + "/" + raw[8:20] + "+" + raw[20:]
        with self.lock:
            self.live[token] = (listing, offset, page)
        return token

    def find(self, token, bound):
        with self.lock:
            entry = self.live.get(token)
            used = token in self.used
        if used:
            raise ApiError("InvalidNextToken.Malformed", "it was used "
                           "already")
        if entry is None:
            raise ApiError("InvalidNextToken.Malformed", "it was never "
                           "issued")
        if entry[0].bound != bound:
            raise ApiError("InvalidNextToken.Malformed", "it was issued "
                           "for other credentials, region or filters")
        return entry

    def consume(self, token):
        with self.lock:
            if self.live.pop(token, None) is None:
                raise ApiError("InvalidNextToken.Malformed", "it was used "
                               "already")
            self.used.add(token)


# Pages and their faults ------------------------------------------------------

def page_body(rid, items, token, size, omit_token=False):
    head = '{"RequestId": "%s", ' % rid
    if not omit_token:
        head += '"NextToken": %s, ' % json.dumps(token)
    return head + '"TotalCount": %d, "PageSize": %d, "Instances": ' \
        '{"Instance": [%s]}}' % (len(items), size,
                                 ", ".join(i.json for i in items))


def _bad_types(record):
    bad = dict(record, InstanceId=12345, InstanceName=[record["InstanceId"]],
               Status=None)
    bad["Tags"] = {"Tag": "vncgate=yes"}
    return bad


def fault_body(name, rid, items, token, size):
    good = page_body(rid, items, token, size)
    if name == "list-badjson":
        return good[:len(good) // 2]
    if name == "list-notoken":
        return page_body(rid, items, token, size, omit_token=True)
    if name == "list-badshape":      # the list without its wrapper
        return good.replace('"Instances": {"Instance": [', '"Instances": [',
                            1)[:-2] + "}"
    if name == "list-badtypes":
        return json.dumps({"RequestId": rid, "NextToken": token,
                           "TotalCount": len(items), "PageSize": size,
                           "Instances": {"Instance": [
                               _bad_types(i.record) for i in items]}})
    pad = OVERSIZE - len(good.encode("utf-8")) - len(', "Padding": ""')
    return good[:-1] + ', "Padding": "%s"}' % ("x" * max(pad, 0))


# DescribeInstances -----------------------------------------------------------

def may_list(mock, req, cred, region):
    allowed = check_policy(req, cred, "ecs:DescribeInstances",
                           instance_arn(region, "*"))
    if mock.faults.first("ecs", "list-denied", region=region):
        req.log["fault"] = "list-denied"
        return False
    return allowed


def region_delay(mock, region):
    seconds = mock.region_delay.get(region)
    if seconds:
        time.sleep(seconds)


def empty_page(req, size):
    req.log["page"] = 0 if req.log["next_token"] else 1
    return json_answer(req, {"RequestId": new_request_id(), "NextToken": "",
                             "TotalCount": 0, "PageSize": size,
                             "Instances": {"Instance": []}})


def start_or_resume(mock, req, cred, region, filters):
    """(listing, offset, page) for this request's NextToken, or a new
    listing when it has none."""
    token = req.log["next_token"]
    bound = (cred.principal, region, filters.key)
    if token:
        listing, offset, page = mock.pages.find(token, bound)
    else:
        items = filters.select(mock.inventory.by_region[region])
        listing, offset, page = Listing(*bound, items), 0, 1
    req.log["page"] = page
    return listing, offset, page


def list_page(mock, req, listing, offset, page, size):
    rid = new_request_id()
    items = listing.items[offset:offset + size]
    more = offset + len(items) < len(listing.items)
    req.log.update(request_id=rid, count=len(items))
    name = mock.faults.first("ecs", "list-body", region=listing.bound[1],
                             page=page)
    if name is not None:
        # a garbled page uses up nothing: its token may be sent again
        req.log["fault"] = name
        body = fault_body(name, rid, items, "MOCK-NOT-A-TOKEN" if more
                          else "", size)
        return Answer(200, body, headers={"x-acs-request-id": rid})
    if req.log["next_token"]:
        mock.pages.consume(req.log["next_token"])
    token = mock.pages.issue(listing, offset + len(items), page + 1) \
        if more else ""
    req.log["next_token_out"] = token
    return Answer(200, page_body(rid, items, token, size),
                  headers={"x-acs-request-id": rid})


def describe_instances(mock, req, params, cred):
    if not params.get("RegionId"):
        raise ApiError("MissingParameter", "RegionId")
    region = served_region(mock.inventory, params["RegionId"])
    api = api_params(req, params, LIST_NAMES)
    size = max_results(api.get("MaxResults"))
    dry = dry_run(api.get("DryRun"))
    filters = Filters(api)
    req.log.update(max_results=size, dry_run=dry, filters=filters.log(),
                   next_token=api.get("NextToken", ""))
    region_delay(mock, region)
    allowed = may_list(mock, req, cred, region)
    if dry:
        raise ApiError("DryRunOperation" if allowed else "Forbidden.RAM")
    if not allowed:
        return empty_page(req, size)    # no error: as the real API
    listing, offset, page = start_or_resume(mock, req, cred, region, filters)
    name = mock.faults.first("ecs", "list-error", region=region, page=page)
    if name is not None:
        req.log["fault"] = name
        code, headers = what(name)
        raise ApiError(code, headers=headers)
    return list_page(mock, req, listing, offset, page, size)


# DescribeRegions -------------------------------------------------------------

def describe_regions(mock, req, params, cred):
    api = api_params(req, params, REGIONS_NAMES)
    if api.get("RegionId"):
        served_region(mock.inventory, api["RegionId"])
    lang = api.get("AcceptLanguage", "zh-CN")
    if lang not in LANGUAGES:
        raise ApiError("InvalidParameter", "AcceptLanguage")
    name = mock.faults.first("ecs", "regions-error")
    if name is not None:
        req.log["fault"] = name
        code, headers = what(name)
        raise ApiError(code, headers=headers)
    if not check_policy(req, cred, "ecs:DescribeRegions", "acs:ecs:%s:%s:*"
                        % (api.get("RegionId") or "*", ACCOUNT)):
        raise ApiError("Forbidden.RAM")
    regions = [r.answer(LANGUAGES[lang]) for r in mock.inventory.regions]
    req.log["count"] = len(regions)
    return json_answer(req, {"RequestId": new_request_id(),
                             "Regions": {"Region": regions}},
                       ascii_only=False)
