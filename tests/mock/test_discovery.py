# SPDX-License-Identifier: ISC
"""The listing on a mock with an inventory: DescribeInstances paging,
NextToken, MaxResults, filters, DryRun, session policies, DescribeRegions,
DescribeInstanceVncUrl against the inventory, hostile strings, reload;
the 10,000-instance inventory; RoleSessionName limits.  A part of the mock
layer (test_mock.py runs it); the faults are in test_listfaults.py.
"""

import json
import math
import os
import signal
import string
import time

import geninventory
import mock_wire
from listclient import (BJ, HZ, LIST, REGIONS, SG, by_id, ecs, expected,
                        generate, ids, list_all, list_call, list_log,
                        listing_policy, page_ok, small_inventory, tags_of,
                        wait_gen, write_json)
from mockclient import (answer, assume_role, check, eq, expect_error,
                        expect_url, scoped_policy, start, sts_key, v1_call,
                        v3_call)


def token_error(reply, why):
    body = expect_error(reply, 400, "InvalidNextToken.Malformed")
    check(why in body["Message"], "%r in %r" % (why, body["Message"]))


# The small inventory ---------------------------------------------------------

def t_paging(m, doc):
    """Every way of signing pages a region to its end, pages of 10."""
    for region, how in ((HZ, "v1"), (SG, "v3"), (HZ, "v1get")):
        since = len(m.log())
        found, pages = list_all(m, region, size=10, how=how)
        eq(found, expected(doc, region), "%s %s IDs" % (region, how))
        eq([len(ids(p)) for p in pages], [10, 10, 10, 10, 2], "page sizes")
        eq([(p["PageSize"], p["TotalCount"]) for p in pages],
           [(10, len(ids(p))) for p in pages], "PageSize, TotalCount")
        log = list_log(m, since)
        eq([r["page"] for r in log], [1, 2, 3, 4, 5], "logged pages")
        eq([r["sigver"] for r in log], [how[:2]] * 5, "logged sigver")
        eq([r["next_token"] for r in log[1:]],
           [r["next_token_out"] for r in log[:-1]], "tokens chained")
        eq(log[-1]["next_token_out"], "", "last token out")


def t_shape(m, doc):
    body = page_ok(list_call(m, HZ, size=10))
    first = body["Instances"]["Instance"][0]
    eq(first, {k: v for k, v in doc["Instances"][0].items()},
       "the instance as in the inventory")
    check("Tags" not in first, "Tags absent when empty")
    check(all("Tags" in i for i in body["Instances"]["Instance"][1:]),
          "Tags present otherwise")
    for token in (body["NextToken"],):
        check(all(c in token for c in "/+="), "token charset: " + token)


def t_max_results(m, doc):
    n = len(expected(doc, HZ))
    for size, count, page_size in ((None, 10, 10), ("0", 10, 10),
                                   ("5", 10, 10), ("-3", 10, 10),
                                   ("37", 37, 37), ("100", n, 100)):
        body = page_ok(list_call(m, HZ, size=size))
        eq((len(ids(body)), body["PageSize"]), (count, page_size),
           "MaxResults %s" % size)
    for size in ("101", "ten", "1e2", ""):
        expect_error(list_call(m, HZ, size=size), 400, "InvalidParameter")


def t_token_reuse(m):
    token = page_ok(list_call(m, HZ, size=10))["NextToken"]
    page_ok(list_call(m, HZ, token, size=10))
    token_error(list_call(m, HZ, token, size=10), "used already")
    token_error(list_call(m, HZ, token[:-2] + "x=", size=10), "never issued")


def t_token_foreign(m):
    token = page_ok(list_call(m, HZ, size=10))["NextToken"]
    session = sts_key(assume_role(m, session="carol",
                                  policy=listing_policy()))
    for reply in (list_call(m, SG, token, size=10),
                  list_call(m, HZ, token, size=10, Status="Running"),
                  list_call(m, HZ, token, size=10, **{
                      "Tag.1.Key": "vncgate", "Tag.1.Value": "yes"}),
                  list_call(m, HZ, token, size=10, key=session)):
        token_error(reply, "issued for other")
    # refused uses leave it to its owner, and other page sizes are fine
    eq(len(ids(page_ok(list_call(m, HZ, token, size=20)))), 20,
       "the owner's next page")


def t_status(m, doc):
    for status in ("Stopped", "Starting", "Running"):
        found, _ = list_all(m, HZ, Status=status)
        eq(found, expected(doc, HZ, status=status), status)
        check(found, "some are " + status)
    for bad in ("running", "Deleted", ""):
        expect_error(list_call(m, HZ, Status=bad), 400, "InvalidParameter")


def t_tags(m, doc):
    hostile = geninventory.HOSTILE[2]           # the OSC title one
    for tags in ((("vncgate", "yes"),), (("vncgate", "yes"), ("env", "prod")),
                 (("env", None),), (("note", hostile),),
                 (("vncgate", "yes"), ("vncgate", "no"))):
        extra = {}
        for n, (k, v) in enumerate(tags, 1):
            extra["Tag.%d.Key" % n] = k
            if v is not None:
                extra["Tag.%d.Value" % n] = v
        for how in ("v1", "v3"):
            found, _ = list_all(m, HZ, how=how, **extra)
            eq(found, expected(doc, HZ, tags=tags), "tags %r %s" % (tags,
                                                                    how))
    expect_error(list_call(m, HZ, **{"Tag.21.Key": "a"}), 400,
                 "InvalidParameter")
    expect_error(list_call(m, HZ, **{"Tag.1.Value": "yes"}), 400,
                 "InvalidTag.Mismatch")
    expect_error(list_call(m, HZ, **{"Tag.1.Key": ""}), 400,
                 "InvalidParameter")


def t_ids_and_name(m, doc):
    want = expected(doc, HZ)[3:6]
    found, _ = list_all(m, HZ, InstanceIds=json.dumps(want[::-1]))
    eq(found, want, "InstanceIds, in inventory order")
    eq(list_all(m, HZ, InstanceIds="[]")[0], [], "an empty InstanceIds")
    name = by_id(doc)[want[0]]["InstanceName"]
    found, _ = list_all(m, HZ, InstanceName=name[:4] + "*")
    eq(found, [i for i in expected(doc, HZ) if by_id(doc)[i][
        "InstanceName"].startswith(name[:4])], "InstanceName glob")
    for bad in ("i-1", '["i-1",', json.dumps(["x"] * 101), '[1]'):
        expect_error(list_call(m, HZ, InstanceIds=bad), 400,
                     "InvalidParameter")


def t_dry_run(m):
    for how in ("v1", "v3"):
        expect_error(list_call(m, HZ, how=how, DryRun="true"), 400,
                     "DryRunOperation")
    page_ok(list_call(m, HZ, DryRun="false"))
    expect_error(list_call(m, HZ, DryRun="yes"), 400, "InvalidParameter")
    eq(m.log()[-3]["dry_run"], True, "logged DryRun")


def t_listing_policy(m, doc):
    key = sts_key(assume_role(m, session="vncgate-inventory",
                              policy=listing_policy()))
    expect_error(list_call(m, HZ, key=key, DryRun="true"), 400,
                 "DryRunOperation")
    eq(list_all(m, HZ, key=key)[0], expected(doc, HZ), "listed")
    rec = m.log()[-1]
    eq((rec["role_session_name"], rec["policy"]),
       ("vncgate-inventory", listing_policy()), "logged session")
    eq(len(answer(ecs(m, REGIONS, {}, key))["Regions"]["Region"]), 3,
       "regions")
    running = expected(doc, HZ, status="Running")[0]
    expect_error(v1_call(m, "ecs", {"RegionId": HZ, "InstanceId": running},
                         key=key), 403, "Forbidden.RAM")
    key = sts_key(assume_role(m, session="lister",
                              policy=listing_policy(regions=False)))
    expect_error(ecs(m, REGIONS, {}, key), 403, "Forbidden.RAM")


def t_no_permission(m, doc):
    running = expected(doc, HZ, status="Running")[0]
    key = sts_key(assume_role(m, policy=scoped_policy(HZ, running)))
    for how in ("v1", "v3"):
        body = page_ok(list_call(m, HZ, key=key, how=how))
        eq((ids(body), body["NextToken"]), ([], ""), "an empty list")
        expect_error(list_call(m, HZ, key=key, how=how, DryRun="true"),
                     403, "Forbidden.RAM")
    expect_error(ecs(m, REGIONS, {}, key), 403, "Forbidden.RAM")
    expect_url(v1_call(m, "ecs", {"RegionId": HZ, "InstanceId": running},
                       key=key))


def t_regions(m, doc):
    for how in ("v1", "v3"):
        reply = ecs(m, REGIONS, {}, how=how)
        eq(reply.status, 200, "status")
        check("华东1（杭州）".encode() in reply.body, "raw UTF-8 names")
        regions = answer(reply)["Regions"]["Region"]
        eq([r["RegionId"] for r in regions], [HZ, SG, BJ], "regions")
        eq(sorted(regions[0]), ["LocalName", "RegionEndpoint", "RegionId",
                                "Status"], "fields")
        eq([r["Status"] for r in regions], ["available", "soldOut",
                                            "available"], "Status")
    regions = answer(ecs(m, REGIONS, {"RegionId": HZ,
                                      "AcceptLanguage": "en-US"}))
    eq([(r["LocalName"], r["RegionEndpoint"]) for r in regions["Regions"][
        "Region"]][:2], [("China (Hangzhou)", "ecs.cn-hangzhou.aliyuncs.com"),
                         ("Singapore", "ecs.ap-southeast-1.aliyuncs.com")],
       "English names")
    for api, status, code in (
            ({"AcceptLanguage": "fr"}, 400, "InvalidParameter"),
            ({"DryRun": "true"}, 400, "InvalidParameter"),
            ({"RegionId": "cn-nowhere"}, 404, "InvalidRegionId.NotFound")):
        expect_error(ecs(m, REGIONS, api), status, code)


def t_list_errors(m):
    for api, status, code in (
            ({}, 400, "MissingParameter"),
            ({"RegionId": "cn-nowhere"}, 404, "InvalidRegionId.NotFound"),
            ({"RegionId": HZ, "ZoneId": HZ + "-h"}, 400, "InvalidParameter"),
            ({"RegionId": HZ, "PageNumber": "1"}, 400, "InvalidParameter"),
            ({"RegionId": HZ, "InstanceId": "i-1"}, 400, "InvalidParameter")):
        for how in ("v1", "v3"):
            expect_error(ecs(m, LIST, api, how=how), status, code)
    body = page_ok(list_call(m, BJ))
    eq((ids(body), body["NextToken"]), ([], ""), "the empty region")


def t_bad_signature(m):
    api = {"RegionId": HZ, "MaxResults": "10"}
    expect_error(v1_call(m, "ecs", api, Action=LIST, secret="wrong"), 400,
                 "SignatureDoesNotMatch")
    expect_error(v3_call(m, "ecs", api, secret="wrong",
                         **{"x-acs-action": LIST})[0], 400,
                 "SignatureDoesNotMatch")


def t_vnc(m, doc):
    def vnc(region, instance):
        return v1_call(m, "ecs", {"RegionId": region, "InstanceId": instance})
    running = expected(doc, HZ, status="Running")[0]
    expect_url(vnc(HZ, running))
    expect_error(vnc(SG, running), 404, "InvalidInstanceId.NotFound")
    expect_error(vnc(HZ, "i-bp1notlisted000000001"), 404,
                 "InvalidInstanceId.NotFound")
    expect_error(vnc(HZ, expected(doc, HZ, status="Stopped")[0]), 403,
                 "IncorrectInstanceStatus")
    expect_error(vnc(HZ, expected(doc, HZ, status="Starting")[0]), 403,
                 "InstanceNotReady")


def t_hostile(m, doc):
    hostile = [i for i in doc["Instances"]
               if i["InstanceName"] in geninventory.HOSTILE]
    eq(len({i["InstanceName"] for i in hostile}),
       len(geninventory.HOSTILE), "every hostile string is a name")
    raw = b""
    for region in (HZ, SG):
        want = [i["InstanceId"] for i in hostile if i["RegionId"] == region]
        reply = list_call(m, region, size=100, InstanceIds=json.dumps(want))
        raw += reply.body
        got = page_ok(reply)["Instances"]["Instance"]
        eq(got, [by_id(doc)[i] for i in want], "sent back exactly")
    for needle in ("\u202e".encode(), b"\\u0000", b"\\ud800", b"\\u001b",
                   "\u2028".encode(), b"n" * 300):
        check(needle in raw, "%r in the answers" % needle)


def t_log_fields(m):
    since = len(m.log())
    body = page_ok(list_call(m, HZ, size=20, Status="Running", **{
        "Tag.1.Key": "vncgate", "Tag.1.Value": "yes"}))
    rec = m.log()[since]
    eq({k: rec[k] for k in ("action", "region_id", "max_results", "dry_run",
                            "page", "count", "next_token", "next_token_out",
                            "filters")},
       {"action": LIST, "region_id": HZ, "max_results": 20, "dry_run": False,
        "page": 1, "count": len(ids(body)), "next_token": "",
        "next_token_out": body["NextToken"],
        "filters": {"Status": "Running", "Tags": [{"Key": "vncgate",
                                                   "Value": "yes"}]}},
       "the logged listing")
    check(all(set(r) >= set(mock_wire.LOG_FIELDS) for r in m.log()),
          "every field on every line")


def t_reload(m, path, doc):
    token = page_ok(list_call(m, HZ, size=10))["NextToken"]
    old = expected(doc, HZ)
    new = json.loads(json.dumps(doc))
    new["Instances"] = [i for i in new["Instances"]
                        if i["InstanceId"] != old[15]]
    stopped = next(i for i in new["Instances"] if i["RegionId"] == HZ and
                   i["Status"] == "Running")
    stopped["Status"] = "Stopped"
    write_json(path, new)
    os.kill(m.proc.pid, signal.SIGHUP)
    wait_gen(m, 2)
    eq(list_all(m, HZ)[0], expected(new, HZ), "a new listing: new inventory")
    rest = []
    while token:
        body = page_ok(list_call(m, HZ, token, size=10))
        rest, token = rest + ids(body), body["NextToken"]
    eq(rest, old[10:], "a listing under way keeps its instances")
    expect_error(v1_call(m, "ecs", {"RegionId": HZ, "InstanceId": stopped[
        "InstanceId"]}), 403, "IncorrectInstanceStatus")
    with open(path, "w") as f:
        f.write("{not json")
    os.kill(m.proc.pid, signal.SIGHUP)
    for _ in range(100):
        if "reload refused" in m.stderr():
            break
        time.sleep(0.05)
    check(path in m.stderr(), "stderr names the file: " + m.stderr())
    wait_gen(m, 2, tries=1)
    eq(list_all(m, HZ)[0], expected(new, HZ), "the last good one stays")


def small_tests(tap, base, certs):
    path, doc = small_inventory(base)
    m = start(tap, base, certs, "small", "--inventory", path)
    if m is None:
        return
    for title, fn, args in (
            ("pages of 10 end to end (V1 POST, V3, V1 GET)", t_paging, (doc,)),
            ("the answer's shape; Tags absent when empty", t_shape, (doc,)),
            ("MaxResults: unset or under 10 is 10, over 100 refused",
             t_max_results, (doc,)),
            ("a NextToken works once; a made-up one is refused",
             t_token_reuse, ()),
            ("a NextToken of another region, filter or caller is refused",
             t_token_foreign, ()),
            ("the Status filter", t_status, (doc,)),
            ("Tag.N filters, ANDed (V1 and V3)", t_tags, (doc,)),
            ("InstanceIds and InstanceName filters", t_ids_and_name, (doc,)),
            ("DryRun=true gives DryRunOperation", t_dry_run, ()),
            ("a listing-only session lists and cannot open a console",
             t_listing_policy, (doc,)),
            ("a session without ecs:DescribeInstances gets an empty list, "
             "DryRun says Forbidden.RAM", t_no_permission, (doc,)),
            ("DescribeRegions: Chinese names, en-US, soldOut", t_regions,
             (doc,)),
            ("DescribeInstances refuses what it cannot serve",
             t_list_errors, ()),
            ("a bad signature on DescribeInstances (V1, V3)",
             t_bad_signature, ()),
            ("DescribeInstanceVncUrl consults the inventory", t_vnc, (doc,)),
            ("hostile strings come back exactly", t_hostile, (doc,)),
            ("the log records the listing", t_log_fields, ()),
            ("SIGHUP reloads the inventory; a bad file is refused",
             t_reload, (path, doc))):
        tap.run(title, fn, m, *args)
    m.stop()


# The built-in inventory ------------------------------------------------------

def t_builtin(m):
    found, _ = list_all(m, HZ, **{"Tag.1.Key": "vncgate",
                                  "Tag.1.Value": "yes"})
    eq(found, ["i-bp1hzoinajzkh91h0001", "i-bp1hzoinajzkh91h0002",
               "i-bp1stopped0000000003", "i-bp1hzoinajzkh91h0004"], "IDs")
    eq(list_all(m, "cn-shanghai")[0], ["i-uf6shanghai000000001"], "Shanghai")
    eq(len(answer(ecs(m, REGIONS, {}))["Regions"]["Region"]), 5, "regions")


# 10,000 instances ------------------------------------------------------------

def t_generator(base, doc, summary):
    again, _ = generate(os.path.join(base, "again.json"), "--collide", "50",
                        "--hostile", "34", "--stopped-every", "7")
    eq(again, doc, "the same options give the same file")
    eq((len(doc["Instances"]), summary["instances"]), (10000, 10000),
       "instances")
    eq(summary["regions"], {HZ: 3334, "cn-shanghai": 3333, BJ: 3333},
       "per region")
    names = [i["InstanceName"] for i in doc["Instances"]]
    byid = by_id(doc)
    for iid in summary["colliding_ids"]:
        check(names.count(byid[iid]["InstanceName"]) >= 2, "collides")
    strings = {s for i in doc["Instances"] for s in
               [i["InstanceName"], i["Description"]] +
               [x for t in tags_of(i) for x in t]}
    eq(set(geninventory.HOSTILE) - strings, set(), "hostile strings")
    eq(summary["stopped"], sum(1 for i in doc["Instances"]
                               if i["Status"] == "Stopped"), "stopped")


def t_big(m, doc):
    start_at, since = time.time(), len(m.log())
    total = 0
    for region, how in ((HZ, "v1"), ("cn-shanghai", "v3"), (BJ, "v1get")):
        found, pages = list_all(m, region, how=how)
        eq(found, expected(doc, region), region)
        want = math.ceil(len(found) / 100)
        eq(len(pages), want, "pages")
        eq(len(list_log(m, since, region)), want, "logged requests")
        total += want
    print("# 10,000 instances, 3 regions: %d pages in %.2f s" % (
        total, time.time() - start_at))


def t_big_tags(m, doc):
    tags = (("vncgate", "yes"), ("env", "prod"))
    found, pages = list_all(m, HZ, **{"Tag.1.Key": "vncgate",
                                      "Tag.1.Value": "yes"})
    eq((len(found), len(pages)), (1000, 10), "at most 1,000 with tags")
    eq(found, expected(doc, HZ, tags=tags[:1]), "the first 1,000")
    found, _ = list_all(m, HZ, **{"Tag.1.Key": "vncgate", "Tag.1.Value":
                                  "yes", "Tag.2.Key": "env", "Tag.2.Value":
                                  "prod"})
    eq(found, expected(doc, HZ, tags=tags), "two tags")


def big_tests(tap, base, certs):
    path = os.path.join(base, "big.json")
    made = []
    tap.run("geninventory: 10,000 instances over 3 regions",
            lambda: made.append(generate(path, "--collide", "50", "--hostile",
                                         "34", "--stopped-every", "7")))
    if not made:
        return
    doc, summary = made[0]
    tap.run("geninventory: deterministic, colliding names, hostile strings",
            t_generator, base, doc, summary)
    m = start(tap, base, certs, "big", "--inventory", path)
    if m is None:
        return
    tap.run("10,000 instances page in exactly ceil(n/100) requests a region",
            t_big, m, doc)
    tap.run("with tag filters at most 1,000 come back", t_big_tags, m, doc)
    m.stop()


# RoleSessionName (tickets) ---------------------------------------------------

SESSION_CHARS = string.ascii_letters + string.digits + ".@_-"


def t_session_names(m):
    name = (SESSION_CHARS * 2)[:64]
    policy = scoped_policy(HZ, "i-bp1hzoinajzkh91h0001")
    key = sts_key(assume_role(m, session=name, policy=policy))
    rec = m.log()[-1]
    eq((rec["role_session_name"], rec["policy"]), (name, policy), "logged")
    expect_url(v1_call(m, "ecs", {"RegionId": HZ, "InstanceId":
                                  "i-bp1hzoinajzkh91h0001"}, key=key))
    eq(m.log()[-1]["role_session_name"], name, "on the ECS line too")
    for bad in (name + "a", "a", "alice:OPS-1", "alice/OPS-1", "alice OPS",
                "alic\u00e9", "alice\tx", "alice#1", "ali+ce", "alice\x00x",
                "alice\n"):
        expect_error(assume_role(m, session=bad, v3=bad.isascii()), 400,
                     "InvalidParameter.RoleSessionName")
        eq(m.log()[-1]["role_session_name"], bad, "logged as received")
    expect_error(assume_role(m, session=""), 400, "MissingParameter")


def session_tests(tap, m):
    tap.run("RoleSessionName: 64 characters of [A-Za-z0-9.@_-] pass, 65, "
            "1 and any other character are refused", t_session_names, m)


def discovery_tests(tap, base, certs):
    m = start(tap, base, certs, "builtin")
    if m is not None:
        tap.run("the built-in inventory lists the harness's instances",
                t_builtin, m)
        session_tests(tap, m)
        m.stop()
    small_tests(tap, base, certs)
    big_tests(tap, base, certs)

