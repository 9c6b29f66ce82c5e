#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""policy.py: what the tests expect of AssumeRole, written from the
contract (DESIGN 2.2 step 5, lib/creds_sts.c's comment), not from the
code under test.

    policy.py name USER
        the RoleSessionName USER maps to: bytes of [A-Za-z0-9._-] kept,
        any other byte "@" and two upper-case hex digits, one character
        padded with "@"
    policy.py check REQUESTS_LOG RESOURCE
        exit 0 when the last AssumeRole in the mock's log carried a Policy
        that allows ecs:DescribeInstanceVncUrl on RESOURCE and nothing
        else: Version "1", every statement Allow, that one action, that
        one resource; else a reason on stderr, exit 1
"""
import json
import sys

KEEP = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
           b"0123456789._-")


def session_name(user):
    out = ""
    for b in user.encode("utf-8"):
        out += chr(b) if b in KEEP else "@%02X" % b
    return out + "@" if len(out) == 1 else out


def as_list(v):
    return v if isinstance(v, list) else [v]


def check(log, resource):
    rows = [json.loads(l) for l in open(log) if l.strip()]
    rows = [r for r in rows if r.get("service") == "sts"]
    if not rows:
        return "no AssumeRole in the log"
    text = rows[-1].get("policy", "")
    if not text:
        return "the last AssumeRole had no Policy"
    pol = json.loads(text)
    if pol.get("Version") != "1":
        return "Version is not \"1\": " + text
    stmts = pol.get("Statement") or []
    if not stmts:
        return "no statement: " + text
    for s in stmts:
        if s.get("Effect") != "Allow" or \
                as_list(s.get("Action")) != ["ecs:DescribeInstanceVncUrl"] \
                or as_list(s.get("Resource")) != [resource]:
            return "a statement allows more than that: " + text
    return None


def main(argv):
    if len(argv) == 3 and argv[1] == "name":
        print(session_name(argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == "check":
        why = check(argv[2], argv[3])
        if why:
            sys.stderr.write(why + "\n")
            return 1
        return 0
    sys.stderr.write("usage: policy.py name USER | check LOG RESOURCE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
