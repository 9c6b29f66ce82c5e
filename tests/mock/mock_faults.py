# SPDX-License-Identifier: ISC
"""The mock cloud's faults: the --fault NAME[@WHERE][:N] options and what
each one does to an answer.  Contract: README.md ("Faults") next to this
file; the listing's own bodies are in mock_listing.py.
"""

import json
import re
import threading

from mock_wire import VNC_HOST, new_vnc_url

THROTTLE = ("Throttling.User", {"x-acs-retry-after": "100"})
UNAVAILABLE = ("ServiceUnavailable", {})
INTERNAL = ("InternalError", {})


def _bad_url_body(url):
    return lambda rid, good: json.dumps({"RequestId": rid, "VncUrl": url})


def _swapped_url_body(old, new):
    """The good VncUrl, token and all, with old (as percent-encoded)
    replaced by new: only the charset of DESIGN 1.8 passes, so what is
    wrong shows only once the URL is decoded."""
    return lambda rid, good: json.dumps({"RequestId": rid,
                                         "VncUrl": good.replace(old, new, 1)})


def _badjson_body(rid, good):
    return '{"RequestId": "%s", "VncUrl": "%s' % (rid, good[:20])


def _oversize_body(rid, good):
    head = '{"RequestId": "%s", "VncUrl": "%s", "Padding": "' % (rid, good)
    return head + "x" * (2 * 1024 * 1024 - len(head) - 2) + '"}'


def _dupkeys_body(rid, good):
    return '{"RequestId": "%s", "VncUrl": "%s", "VncUrl": "%s"}' % (
        rid, good, new_vnc_url())


# name -> (service, stage, what, where).  Stages: "tls" picks the
# certificate per connection; "error" answers DescribeInstanceVncUrl with
# the error code instead (after the request authenticated); "slow" sleeps
# in the handler thread; "body" replaces a successful VncUrl answer's
# body; "imds" changes the metadata service; "region" fails every ECS
# request naming the region; "list-*" and "regions-error" act on
# DescribeInstances and DescribeRegions.  where: what @WHERE names --
# None (no @), "page" ([REGION/]K), "region" (REGION), "region?" (REGION
# or nothing).  When several match, the first in this table wins.
FAULTS = {
    "wronghost": ("tls", "tls", None, None),
    "region-down": ("ecs", "region", UNAVAILABLE, "region"),
    "throttle": ("ecs", "error", THROTTLE, None),
    "unavailable": ("ecs", "error", UNAVAILABLE, None),
    "internal": ("ecs", "error", INTERNAL, None),
    "slow": ("ecs", "slow", None, None),
    "badjson": ("ecs", "body", _badjson_body, None),
    "oversize": ("ecs", "body", _oversize_body, None),
    "badurl-quote": ("ecs", "body", _bad_url_body(
        'wss%3A%2F%2Fmock-vncproxy.example%2F"onmouseover=alert(1)'), None),
    "badurl-space": ("ecs", "body", _bad_url_body(
        "wss%3A%2F%2Fmock-vncproxy.example%2Fwebsockify%2F%3Fs%3Dab cd"),
        None),
    "badurl-esc": ("ecs", "body", _bad_url_body(
        "wss%3A%2F%2Fmock-vncproxy.example%2F\x1b]0;owned\x07"), None),
    "badurl-js": ("ecs", "body", _bad_url_body("javascript:alert(1)"), None),
    "badurl-host": ("ecs", "body", _swapped_url_body(
        VNC_HOST, "evil.example"), None),
    "badurl-suffix": ("ecs", "body", _swapped_url_body(
        VNC_HOST, "hz01-vncproxy.evilaliyun.com"), None),
    "badurl-query": ("ecs", "body", _swapped_url_body(
        VNC_HOST, "evil.example%3F.aliyun.com"), None),
    "badurl-scheme": ("ecs", "body", _swapped_url_body(
        "wss%3A%2F%2F", "https%3A%2F%2F"), None),
    "dupkeys": ("ecs", "body", _dupkeys_body, None),
    "list-denied": ("ecs", "list-denied", None, "region?"),
    "list-throttle": ("ecs", "list-error", THROTTLE, "page"),
    "list-unavailable": ("ecs", "list-error", UNAVAILABLE, "page"),
    "list-internal": ("ecs", "list-error", INTERNAL, "page"),
    "list-badjson": ("ecs", "list-body", None, "page"),
    "list-badshape": ("ecs", "list-body", None, "page"),
    "list-badtypes": ("ecs", "list-body", None, "page"),
    "list-notoken": ("ecs", "list-body", None, "page"),
    "list-oversize": ("ecs", "list-body", None, "page"),
    "regions-throttle": ("ecs", "regions-error", THROTTLE, None),
    "regions-down": ("ecs", "regions-error", UNAVAILABLE, None),
    "sts-denied": ("sts", "error", ("NoPermission", {}), None),
    "imds-notoken": ("imds", "imds", None, None),
    "imds-down": ("imds", "imds", None, None),
}

_PAGE_RE = re.compile(r"(?:([a-z0-9-]{1,32})/)?([1-9][0-9]{0,5})\Z")


class Spec:
    """One --fault option: its name, where it applies, uses left."""

    def __init__(self, text, regions):
        head, colon, count = text.rpartition(":") if ":" in text \
            else (text, "", "")
        self.name, at, where = head.partition("@")
        if self.name not in FAULTS:
            raise ValueError("unknown fault %r" % self.name)
        if colon and (not count.isdigit() or int(count) < 1):
            raise ValueError("bad count in --fault %r" % text)
        self.left = int(count) if colon else None   # None = unlimited
        self.region, self.page = self.parse_where(FAULTS[self.name][3],
                                                  at, where, text, regions)

    @staticmethod
    def parse_where(kind, at, where, text, regions):
        """(region or None, page or None) from the text after '@'."""
        if kind is None or (kind == "region?" and not at):
            if at:
                raise ValueError("--fault %r takes no @WHERE" % text)
            return None, None
        if kind == "page":
            m = _PAGE_RE.match(where)
            if not m:
                raise ValueError("--fault %r needs @[REGION/]PAGE" % text)
            region, page = m.group(1), int(m.group(2))
        else:
            region, page = where, None
        if (region is not None or kind != "page") and region not in regions:
            raise ValueError("--fault %r: region %r is not served"
                             % (text, region))
        return region, page

    def matches(self, region, page):
        return (self.region is None or self.region == region) and \
            (self.page is None or self.page == page)


class Faults:
    """The --fault options: NAME for every match, NAME:N for the first N;
    @WHERE limits one to a region or a page of the listing."""

    def __init__(self, texts, regions):
        self.specs = [Spec(t, regions) for t in texts]
        self.lock = threading.Lock()

    def take(self, spec):
        """Apply spec to this request? Counts one use."""
        with self.lock:
            if spec.left is None:
                return True
            if spec.left == 0:
                return False
            spec.left -= 1
            return True

    def first(self, service, stage, region=None, page=None):
        """The first active fault for service and stage (and the request's
        region and page), used up; or None."""
        for name, (svc, stg, _, _) in FAULTS.items():
            if (svc, stg) != (service, stage):
                continue
            for spec in self.specs:
                if spec.name == name and spec.matches(region, page) and \
                        self.take(spec):
                    return name
        return None


def what(name):
    """The table's third column for a fault name."""
    return FAULTS[name][2]
