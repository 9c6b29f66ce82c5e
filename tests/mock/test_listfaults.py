# SPDX-License-Identifier: ISC
"""The listing's faults, each on its own mock with the small inventory:
throttling and 5xx on page k, a region that is down, garbled pages, a
caller without permission, DescribeRegions failing, a slow region; and
the options that must stop the mock at start.  A part of the mock layer
(test_mock.py runs it).
"""

import json
import os
import shutil
import subprocess
import threading
import time

from listclient import (BJ, HZ, REGIONS, SG, ecs, expected, ids, list_all,
                        list_call, list_log, page_ok, small_inventory)
from mockclient import (HERE, PYTHON, answer, check, eq, expect_error,
                        expect_url, start, v1_call)

OVERSIZE = 16 * 1024 * 1024


def t_throttle_page(m, doc):
    token = page_ok(list_call(m, HZ, size=10))["NextToken"]
    reply = list_call(m, HZ, token, size=10)
    expect_error(reply, 400, "Throttling.User")
    eq(reply.headers.get("x-acs-retry-after"), "100", "x-acs-retry-after")
    body = page_ok(list_call(m, HZ, token, size=10))  # the same token
    found = ids(body)
    while body["NextToken"]:
        body = page_ok(list_call(m, HZ, body["NextToken"], size=10))
        found += ids(body)
    eq(found, expected(doc, HZ)[10:], "the rest of the listing")
    eq([(r["page"], r["fault"]) for r in list_log(m)],
       [(1, ""), (2, "list-throttle"), (2, ""), (3, ""), (4, ""), (5, "")],
       "logged pages and faults")


def t_5xx_pages(m, doc):
    token = page_ok(list_call(m, HZ, size=10))["NextToken"]
    for _ in range(2):
        expect_error(list_call(m, HZ, token, size=10), 503,
                     "ServiceUnavailable")
    body = page_ok(list_call(m, SG, size=10))
    body = page_ok(list_call(m, SG, body["NextToken"], size=10))
    expect_error(list_call(m, SG, body["NextToken"], size=10), 500,
                 "InternalError")
    body = page_ok(list_call(m, SG, body["NextToken"], size=10))
    eq(ids(body), expected(doc, SG)[20:30], "page 3 after one 500")


def t_region_down(m, doc):
    for reply in (list_call(m, BJ), list_call(m, BJ, DryRun="true"),
                  v1_call(m, "ecs", {"RegionId": BJ,
                                     "InstanceId": "i-2ze0001"}),
                  ecs(m, REGIONS, {"RegionId": BJ})):
        expect_error(reply, 503, "ServiceUnavailable")
    eq(list_all(m, HZ)[0], expected(doc, HZ), "the other regions answer")
    eq(len(answer(ecs(m, REGIONS, {}))["Regions"]["Region"]), 3,
       "DescribeRegions without a RegionId")
    eq(m.log()[0]["fault"], "region-down", "logged")


def t_garbled(m, doc):
    """Pages 1..5 each garbled once; the same request again is served."""
    token, found = None, []
    for page in range(1, 6):
        bad = list_call(m, HZ, token, size=10)
        eq(bad.status, 200, "garbled page %d status" % page)
        check_garbled(page, bad.body)
        body = page_ok(list_call(m, HZ, token, size=10))
        found += ids(body)
        token = body["NextToken"]
    eq((found, token), (expected(doc, HZ), ""), "the whole listing after")
    eq([r["fault"] for r in list_log(m)][::2],
       ["list-badjson", "list-badshape", "list-badtypes", "list-notoken",
        "list-oversize"], "logged faults")


def check_garbled(page, raw):
    if page == 1:
        try:
            json.loads(raw)
        except ValueError:
            return
        raise AssertionError("badjson parsed")
    body = json.loads(raw)
    if page == 2:
        check(isinstance(body["Instances"], list), "badshape: %r" % raw[:200])
    elif page == 3:
        inst = body["Instances"]["Instance"][0]
        eq((type(inst["InstanceId"]), inst["Status"], inst["Tags"]["Tag"]),
           (int, None, "vncgate=yes"), "badtypes")
    elif page == 4:
        check("NextToken" not in body and body["Instances"]["Instance"],
              "notoken")
    else:
        eq((len(raw), sorted(body)[-1]), (OVERSIZE, "TotalCount"),
           "oversize: 16 MiB of valid JSON")
        check(len(body["Padding"]) > 15 * 1024 * 1024, "padding")


def t_garbled_token(m, doc):
    """A NextToken shown on a garbled page is never valid."""
    body = json.loads(list_call(m, HZ, size=10).body)
    expect_error(list_call(m, HZ, body["NextToken"], size=10), 400,
                 "InvalidNextToken.Malformed")


def t_denied(m, doc):
    body = page_ok(list_call(m, SG))
    eq((ids(body), body["NextToken"]), ([], ""), "an empty list")
    expect_error(list_call(m, SG, DryRun="true"), 403, "Forbidden.RAM")
    eq(list_all(m, HZ)[0], expected(doc, HZ), "another region lists")
    expect_error(list_call(m, HZ, DryRun="true"), 400, "DryRunOperation")
    expect_url(v1_call(m, "ecs", {"RegionId": SG, "InstanceId": expected(
        doc, SG, status="Running")[0]}))
    eq(m.log()[0]["fault"], "list-denied", "logged")


def t_regions_faults(m, doc):
    reply = ecs(m, REGIONS, {})
    expect_error(reply, 400, "Throttling.User")
    eq(reply.headers.get("x-acs-retry-after"), "100", "x-acs-retry-after")
    expect_error(ecs(m, REGIONS, {}), 503, "ServiceUnavailable")
    eq(ecs(m, REGIONS, {}).status, 200, "then served")
    page_ok(list_call(m, HZ))


def t_region_delay(m, doc):
    """A page of the slow region takes its delay, in its own thread: the
    other region is answered while it sleeps."""
    done, lock = [], threading.Condition()

    def call(region):
        t0 = time.time()
        reply = list_call(m, region)
        with lock:
            done.append((region, reply, time.time() - t0))
            lock.notify()

    threads = [threading.Thread(target=call, args=(r,), daemon=True)
               for r in (HZ, SG)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    eq([r for r, _, _ in done], [SG, HZ], "the fast region first")
    for _, reply, _ in done:
        page_ok(reply)
    check(done[1][2] >= 2.0, "the slow page took %.2f s" % done[1][2])


FAULT_RUNS = (
    ("list-throttle", ("--fault", "list-throttle@2:1"),
     "list-throttle@2:1: page 2 throttled once, then the same token works",
     t_throttle_page),
    ("list-5xx", ("--fault", "list-unavailable@cn-hangzhou/2",
                  "--fault", "list-internal@3:1"),
     "list-unavailable on one region's page 2, list-internal once on page 3",
     t_5xx_pages),
    ("region-down", ("--fault", "region-down@cn-beijing"),
     "region-down: one region fails while the others answer", t_region_down),
    ("garbled", tuple(a for n, f in enumerate(
        ("badjson", "badshape", "badtypes", "notoken", "oversize"), 1)
        for a in ("--fault", "list-%s@%d:1" % (f, n))),
     "garbled, wrongly shaped, wrongly typed, token-less and 16 MiB pages",
     t_garbled),
    ("garbled-token", ("--fault", "list-oversize@1:1"),
     "the NextToken of a garbled page is not valid", t_garbled_token),
    ("list-denied", ("--fault", "list-denied@ap-southeast-1"),
     "list-denied: an empty list, DryRun Forbidden.RAM", t_denied),
    ("regions", ("--fault", "regions-throttle:1", "--fault",
                 "regions-down:1"),
     "DescribeRegions throttled, then 503, then served", t_regions_faults),
    ("region-delay", ("--region-delay", "cn-hangzhou:2"),
     "--region-delay slows one region's pages only", t_region_delay),
)


BAD_STARTS = (
    ("--fault", "list-throttle"), ("--fault", "list-throttle@0"),
    ("--fault", "list-throttle@cn-nowhere/2"), ("--fault", "region-down"),
    ("--fault", "region-down@cn-nowhere"), ("--fault", "throttle@2"),
    ("--fault", "list-denied@cn-nowhere"), ("--fault", "list-badjson@1:0"),
    ("--region-delay", "cn-nowhere:1"), ("--region-delay", "cn-hangzhou:x"),
    ("--region-delay", "cn-hangzhou:-1"), ("--inventory", "/nonexistent"))

BAD_INVENTORIES = (
    "[]", "{not json", '{"Instances": [], "Extra": 1}',
    '{"Regions": [], "Instances": []}',
    '{"Instances": [{"InstanceId": "i-1", "RegionId": "cn-nowhere"}]}',
    '{"Instances": [{"InstanceId": "-bad", "RegionId": "cn-hangzhou"}]}',
    '{"Instances": [{"InstanceId": "i-1", "RegionId": "cn-hangzhou"},'
    ' {"InstanceId": "i-1", "RegionId": "cn-hangzhou"}]}',
    '{"Instances": [{"InstanceId": "i-1", "RegionId": "cn-hangzhou",'
    ' "Tags": {"Tag": [{"TagKey": "a"}]}}]}',
    '{"Instances": [{"InstanceId": "i-1", "RegionId": "cn-hangzhou",'
    ' "InstanceName": 7}]}',
    '{"Regions": [{"RegionId": "cn-hangzhou", "Status": "closed"}]}')


def refused_start(base, certs, name, args):
    """The mock exits 2 at once with a message and no port file."""
    folder = os.path.join(base, name)
    shutil.copytree(certs, folder)
    run = subprocess.run([PYTHON, os.path.join(HERE, "mockcloud.py"),
                          "--dir", folder] + list(args),
                         capture_output=True, text=True, timeout=60)
    eq(run.returncode, 2, "exit status (stderr %r)" % run.stderr)
    check(run.stderr.strip(), "a message on stderr")
    check(not os.path.exists(os.path.join(folder, "ecs.port")), "ecs.port")


def t_bad_starts(base, certs):
    for n, args in enumerate(BAD_STARTS):
        refused_start(base, certs, "badstart%d" % n, args)
    for n, text in enumerate(BAD_INVENTORIES):
        path = os.path.join(base, "bad%d.json" % n)
        with open(path, "w") as f:
            f.write(text)
        refused_start(base, certs, "badinv%d" % n, ("--inventory", path))


def listfault_tests(tap, base, certs):
    path, doc = small_inventory(base)
    tap.run("bad faults, delays and inventories stop the mock at start",
            t_bad_starts, base, certs)
    for name, args, title, fn in FAULT_RUNS:
        m = start(tap, base, certs, name, "--inventory", path, *args)
        if m is None:
            continue
        tap.run(title, fn, m, doc)
        tap.run("%s: one log line per request, clean stop" % name,
                lambda: (eq(len(m.log()), m.sent, "log lines"),
                         eq(m.stop(), 0, "exit status")))
