#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Write an inventory file for mockcloud.py --inventory (README.md,
"Inventory"): many instances over a few regions, with names that collide
and hostile strings where asked.  The output depends only on the options,
so two runs give the same file; a summary goes to stdout as JSON.

    geninventory.py [--instances N] [--regions A,B,C] [--empty-region R]...
        [--collide N] [--hostile N] [--stopped-every M] [--windows-every M]
        [--tag-every M] [--lean] [--seed S] OUT
"""

import argparse
import json
import os
import random
import re
import sys

# Real instance ID prefixes of a few regions (the rest: "x" + 2 letters)
ID_PREFIX = {"cn-hangzhou": "bp1", "cn-shanghai": "uf6", "cn-beijing": "2ze",
             "cn-shenzhen": "wz9", "ap-southeast-1": "t4n"}
ID_SPACE = 36 ** 17
# coprime to 36: i -> i * ID_STEP is a bijection of the ID space
ID_STEP = 177074030557458595990994945
DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
ROLES = ("web", "api", "db", "cache", "worker", "batch", "proxy", "mq")
ENVS = ("prod", "staging", "dev", "test")

# What a hostile cloud (or a hostile tenant naming instances) could send;
# every one must reach the screen harmless (term.c) or be refused.
HOSTILE = (
    "\x1b[2J\x1b[1;1Hpwned",                                # CSI: clear
    "\x1b]8;;https://evil.example/\x1b\\click-me\x1b]8;;\x1b\\",  # OSC 8
    "\x1b]0;owned\x07web",                                  # OSC title
    "admin\u202egnp.exe\u202c",                             # RLO bidi
    "\u2067isolate\u2069-\u200fweb",                        # isolates
    "n" * 300,                                              # 300 long
    "web\x00-1",                                            # NUL
    "\x9b31mred",                                           # C1 CSI
    "web-1\nroot:x:0:0:\r",                                 # NL, CR
    "web\x7f\x08\x08\x08db",                                # DEL, BS
    "web\u200b-1",                                          # zero width
    "w\u0435b-1",                                           # Cyrillic e
    "bad\ud800half",                                        # lone surrogate
    "%s%n$(reboot)`id`;|&",                                 # format, shell
    '"},{"InstanceId":"i-evil',                             # JSON quote
    "line\u2028sep\ufeffbom",                               # LS, BOM
    "d" * 2000,                                             # long text
)


def base36(n, width):
    out = ""
    while n:
        n, d = divmod(n, 36)
        out = DIGITS36[d] + out
    return out.rjust(width, "0")


def instance_id(region, i, seed):
    prefix = ID_PREFIX.get(region) or "x" + re.sub(
        "[^a-z0-9]", "", region)[:2].ljust(2, "0")
    return "i-" + prefix + base36((i * ID_STEP + seed) % ID_SPACE, 17)


def extras(inst, i, rng):
    """The rest of what a real answer carries, for a realistic size."""
    windows = inst["OSType"] == "windows"
    return {
        "HostName": "iZ%sZ" % inst["InstanceId"][2:],
        "ZoneId": "%s-%s" % (inst["RegionId"], "abcdhijk"[i % 8]),
        "InstanceType": ("ecs.g7.large", "ecs.c7.xlarge",
                         "ecs.r7.2xlarge")[i % 3],
        "Cpu": (2, 4, 8)[i % 3], "Memory": (8192, 8192, 65536)[i % 3],
        "OSName": "Windows Server 2022 数据中心版 64位中文版" if windows
        else "Alibaba Cloud Linux 3.2104 LTS 64位",
        "ImageId": "win2022_21H2_x64_dtc_zh-cn_40G_alibase_20250101.vhd"
        if windows else "aliyun_3_x64_20G_alibase_20250101.vhd",
        "CreationTime": "2025-%02d-%02dT%02d:%02dZ" % (
            1 + i % 12, 1 + i % 28, i % 24, i % 60),
        "InstanceChargeType": "PostPaid", "InstanceNetworkType": "vpc",
        "SerialNumber": "%08x-%04x-4%03x-8%03x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            rng.getrandbits(12), rng.getrandbits(48)),
        "VpcAttributes": {
            "VpcId": "vpc-%s" % base36(i // 500 + 7, 20),
            "VSwitchId": "vsw-%s" % base36(i // 100 + 11, 20),
            "PrivateIpAddress": {"IpAddress": ["10.%d.%d.%d" % (
                i >> 16 & 255, i >> 8 & 255, i & 255)]},
            "NatIpAddress": ""},
        "SecurityGroupIds": {"SecurityGroupId": [
            "sg-%s" % base36(i // 1000 + 3, 20)]},
        "PublicIpAddress": {"IpAddress": []},
    }


def plain_instance(opts, i):
    region = opts.regions[i % len(opts.regions)]
    tags = [{"TagKey": "team", "TagValue": "t%03d" % (i // 100)},
            {"TagKey": "env", "TagValue": ENVS[i % len(ENVS)]}]
    if i % opts.tag_every == 0:
        tags.append({"TagKey": "vncgate", "TagValue": "yes"})
    stopped = opts.stopped_every and i % opts.stopped_every == \
        opts.stopped_every - 1
    windows = opts.windows_every and i % opts.windows_every == \
        opts.windows_every - 1
    return {"InstanceId": instance_id(region, i, opts.seed),
            "RegionId": region,
            "InstanceName": "%s-t%03d-%05d" % (ROLES[i % len(ROLES)],
                                               i // 100, i),
            "Description": "%s instance %d of team t%03d" % (
                ENVS[i % len(ENVS)], i, i // 100),
            "OSType": "windows" if windows else "linux",
            "Status": "Stopped" if stopped else "Running",
            "Tags": {"Tag": tags}}


def make_hostile(inst, h):
    """Hostile strings in the name, description and tags of inst."""
    pick = [HOSTILE[(h + k) % len(HOSTILE)] for k in range(4)]
    inst["InstanceName"] = pick[0]
    inst["Description"] = pick[1]
    inst["Tags"]["Tag"] += [{"TagKey": "note", "TagValue": pick[2]},
                            {"TagKey": pick[3], "TagValue": "x"}]


def spread(count, first, last):
    """count indices spread evenly over first..last-1."""
    if count <= 0:
        return []
    span = last - first
    return [first + k * span // count for k in range(count)]


def generate(opts):
    rng = random.Random(opts.seed)
    n = opts.instances
    insts = [plain_instance(opts, i) for i in range(n)]
    hostile = spread(opts.hostile, 0, n - opts.collide)
    for h, i in enumerate(hostile):
        make_hostile(insts[i], h)
    # the last `collide` instances take the (plain) names of earlier ones
    colliders = list(range(n - opts.collide, n))
    taken = set(hostile)
    for i, src in zip(colliders, spread(opts.collide, 0, n - opts.collide)):
        while src in taken:
            src += 1
        taken.add(src)
        insts[i]["InstanceName"] = insts[src]["InstanceName"]
    if not opts.lean:
        for i, inst in enumerate(insts):
            inst.update(extras(inst, i, rng))
    regions = [{"RegionId": r} for r in opts.regions + opts.empty_region]
    summary = {
        "instances": n,
        "regions": {r["RegionId"]: sum(1 for i in insts if
                                       i["RegionId"] == r["RegionId"])
                    for r in regions},
        "stopped": sum(1 for i in insts if i["Status"] == "Stopped"),
        "windows": sum(1 for i in insts if i["OSType"] == "windows"),
        "tagged": sum(1 for i in insts if {"TagKey": "vncgate",
                                          "TagValue": "yes"} in
                      i["Tags"]["Tag"]),
        "colliding_ids": [insts[i]["InstanceId"] for i in colliders],
        "hostile_ids": [insts[i]["InstanceId"] for i in hostile]}
    return {"Regions": regions, "Instances": insts}, summary


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="geninventory.py", description=(
        "Write an inventory for mockcloud.py --inventory."))
    ap.add_argument("out", metavar="OUT")
    ap.add_argument("--instances", type=int, default=10000)
    ap.add_argument("--regions", default="cn-hangzhou,cn-shanghai,"
                    "cn-beijing")
    ap.add_argument("--empty-region", action="append", default=[],
                    help="a region served with no instances")
    ap.add_argument("--collide", type=int, default=0,
                    help="this many instances reuse an earlier one's name")
    ap.add_argument("--hostile", type=int, default=0,
                    help="this many carry hostile strings")
    ap.add_argument("--stopped-every", type=int, default=0, metavar="M")
    ap.add_argument("--windows-every", type=int, default=10, metavar="M")
    ap.add_argument("--tag-every", type=int, default=1, metavar="M",
                    help="every Mth instance carries vncgate=yes")
    ap.add_argument("--lean", action="store_true",
                    help="only the fields the mock itself reads")
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args(argv)
    opts.regions = opts.regions.split(",")
    every = (opts.stopped_every, opts.windows_every)
    if opts.instances < 0 or min(every) < 0 or opts.tag_every < 1 or \
            not 0 <= opts.collide <= opts.instances // 2 or \
            not 0 <= opts.hostile <= opts.instances - opts.collide or \
            not all(re.match(r"[a-z0-9-]{1,32}\Z", r)
                    for r in opts.regions + opts.empty_region) or \
            len(set(opts.regions + opts.empty_region)) != \
            len(opts.regions + opts.empty_region):
        ap.error("bad sizes or region names (see --help)")
    return opts


def main(argv):
    opts = parse_args(argv)
    doc, summary = generate(opts)
    tmp = opts.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        # ensure_ascii: the lone surrogate cannot be written as UTF-8
        json.dump(doc, f, indent=None, separators=(",", ":"))
    os.rename(tmp, opts.out)
    json.dump(summary, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
