# SPDX-License-Identifier: ISC
"""The test client's side of the listing (DescribeInstances,
DescribeRegions) and the inventories the listing tests run on: helpers
for test_discovery.py and test_listfaults.py.
"""

import json
import os
import subprocess
import time

import geninventory
from mockclient import (HERE, PYTHON, STATIC, answer, check, eq, mc,
                        v1_call, v3_call)

LIST = "DescribeInstances"
REGIONS = "DescribeRegions"
LIST_KEYS = ["Instances", "NextToken", "PageSize", "RequestId", "TotalCount"]
HZ, SG, BJ = "cn-hangzhou", "ap-southeast-1", "cn-beijing"


# Inventories -----------------------------------------------------------------

def generate(path, *args):
    """Run geninventory.py; (the inventory, its summary)."""
    run = subprocess.run([PYTHON, os.path.join(HERE, "geninventory.py"),
                          path] + list(args), capture_output=True,
                         text=True, timeout=120)
    eq((run.returncode, run.stderr), (0, ""), "geninventory")
    with open(path, encoding="utf-8") as f:
        return json.load(f), json.loads(run.stdout)


def small_inventory(base):
    """84 instances (42 in cn-hangzhou, 42 in ap-southeast-1, five pages
    of 10 each), cn-beijing empty, every hostile string once, three names
    that collide; one instance without tags, one Starting, Singapore sold
    out.  Returns (path, the inventory)."""
    path = os.path.join(base, "small.json")
    doc, _ = generate(path, "--instances", "84", "--regions", HZ + "," + SG,
                      "--empty-region", BJ, "--hostile",
                      str(len(geninventory.HOSTILE)), "--collide", "3",
                      "--stopped-every", "5", "--tag-every", "2", "--lean")
    doc["Instances"][0].pop("Tags")
    doc["Instances"][2]["Status"] = "Starting"
    doc["Regions"][1]["Status"] = "soldOut"
    write_json(path, doc)
    return path, doc


def write_json(path, doc):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(doc, f)
    os.rename(path + ".tmp", path)


def tags_of(inst):
    return [(t["TagKey"], t["TagValue"])
            for t in inst.get("Tags", {}).get("Tag", [])]


def expected(doc, region, status=None, tags=()):
    """The IDs a listing of region must give, worked out from the file."""
    out = [i["InstanceId"] for i in doc["Instances"]
           if i["RegionId"] == region and status in (None, i["Status"])
           and all(any(k == tk and v in (None, tv)
                       for tk, tv in tags_of(i)) for k, v in tags)]
    return out[:1000] if tags else out


def by_id(doc):
    return {i["InstanceId"]: i for i in doc["Instances"]}


# Calls -----------------------------------------------------------------------

def ecs(m, action, api, key=STATIC, how="v1"):
    """One ECS call: how is v1 (POST), v1get or v3."""
    if how == "v3":
        return v3_call(m, "ecs", api, key=key,
                       **{"x-acs-action": action})[0]
    return v1_call(m, "ecs", api, key=key, Action=action,
                   method="GET" if how == "v1get" else "POST")


def list_call(m, region, token=None, size=None, key=STATIC, how="v1",
              **extra):
    api = {"RegionId": region}
    if size is not None:
        api["MaxResults"] = str(size)
    if token:
        api["NextToken"] = token
    api.update(extra)
    return ecs(m, LIST, api, key, how)


def page_ok(reply):
    """A page of DescribeInstances, its shape checked."""
    eq(reply.status, 200, "status (body %r)" % reply.body[:300])
    body = answer(reply)
    eq(sorted(body), LIST_KEYS, "answer keys")
    eq(list(body["Instances"]), ["Instance"], "Instances keys")
    check(isinstance(body["NextToken"], str), "NextToken is a string")
    return body


def ids(body):
    return [i["InstanceId"] for i in body["Instances"]["Instance"]]


def list_all(m, region, size=100, key=STATIC, how="v1", **extra):
    """Every page of a listing: (IDs, pages)."""
    found, pages, token = [], [], None
    while True:
        body = page_ok(list_call(m, region, token, size, key, how, **extra))
        pages.append(body)
        found += ids(body)
        token = body["NextToken"]
        if not token:
            return found, pages
        check(len(pages) < 1000, "the listing does not end")


def list_log(m, since=0, region=None):
    """The DescribeInstances lines of the request log, from line since."""
    return [r for r in m.log()[since:] if r["action"] == LIST and
            region in (None, r["region_id"])]


def wait_gen(m, want, tries=200):
    """Wait for DIR/inventory.gen to say want."""
    path = os.path.join(m.dir, "inventory.gen")
    for _ in range(tries):
        with open(path) as f:
            if int(f.read()) == want:
                return
        time.sleep(0.05)
    raise AssertionError("inventory.gen never became %d" % want)


def listing_policy(regions=True):
    """A session policy for listing only (DESIGN 1.10)."""
    st = [{"Effect": "Allow", "Action": "ecs:DescribeInstances",
           "Resource": "acs:ecs:*:%s:instance/*" % mc.ACCOUNT}]
    if regions:
        st.append({"Effect": "Allow", "Action": "ecs:DescribeRegions",
                   "Resource": "*"})
    return json.dumps({"Version": "1", "Statement": st})
