#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Generate the inventory and the ACL for the scale rows of the bench.

    gen.py INSTANCES RULES USER GROUP INVENTORY_OUT ACL_OUT
    gen.py --cloud REGIONS INSTANCES RULES USER GROUP ACL_OUT

INVENTORY_OUT gets INSTANCES `instance` blocks (1,000 to 99,900, in
hundreds), to be appended to a vncgate.conf; ACL_OUT gets an acl.conf of
exactly RULES rules.  Prints "500 NAME": how many instances the operator
reaches, and one of them that the rule "op-tag" allows.  The output
depends only on the arguments, so two runs measure the same files.

--cloud writes only the ACL, for the instances that
tests/mock/geninventory.py --instances INSTANCES --regions REGIONS serves
(its names, IDs and team tags) and that `vncgate-shell -S` discovers: the
refresh rows.  The operator reaches the same 500.

The operator USER (primary group GROUP) reaches exactly 500 instances
whatever the sizes, through six rules that use a glob, a tag, a CIDR list,
a list of IDs, hours and a deny; they are spread through the file so that
no implementation gets them cheaply at the top.  Every other rule names
other users and groups, as on a bastion shared by many teams, except one
in a hundred: a deny for everyone from an address range the bench never
comes from, which every request must still consider.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tests", "mock"))
import geninventory   # noqa: E402  (the mock's names and IDs)

REGIONS = ("cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen",
           "ap-southeast-1")
ENVS = ("prod", "staging", "dev", "test")
REACHED = 500           # what the operator's rules below add up to


def name(i):
    return "n%05d" % i


def inst_id(i):
    return "i-bench%014d" % i


def instance_block(i):
    # teams are blocks of 100 consecutive instances: t042 is 4200..4299
    return ('instance "%s" {\n  id = "%s"\n  region = "%s"\n'
            '  os = "%s"\n  description = "bench instance %d"\n'
            '  tags = {"team=t%03d", "env=%s"}\n}\n' %
            (name(i), inst_id(i), REGIONS[i % len(REGIONS)],
             "windows" if i % 10 == 9 else "linux", i, i // 100,
             ENVS[i % len(ENVS)]))


def q(values):
    return "{" + ", ".join('"%s"' % v for v in values) + "}"


def rule(kind, rname, keys):
    body = "".join("  %s = %s\n" % (k, q(v)) for k, v in keys)
    return '%s "%s" {\n%s}\n' % (kind, rname, body)


def operator_blocks(ninst):
    """Five blocks of 100 instances spread over the inventory, and the
    block after the last: what the operator's rules reach."""
    nb = ninst // 100
    return [1 + j * (nb - 3) // 5 for j in range(5)]


class Names:
    """The names and IDs of gen.py's own inventory: a team's block of
    100 is the glob n042*."""
    block = staticmethod(lambda b: "n%03d*" % b)
    inst_id = staticmethod(inst_id)
    name = staticmethod(name)


class CloudNames:
    """geninventory.py's: instance i is ROLE-tNNN-IIIII in region
    REGIONS[i % len(REGIONS)], its ID made from both."""

    def __init__(self, regions):
        self.regions = regions

    @staticmethod
    def block(b):
        return "*-t%03d-*" % b

    def inst_id(self, i):
        return geninventory.instance_id(
            self.regions[i % len(self.regions)], i, 1)

    @staticmethod
    def name(i):
        return "%s-t%03d-%05d" % (geninventory.ROLES[
            i % len(geninventory.ROLES)], i // 100, i)


def operator_rules(user, group, ninst, names=Names):
    """(kind, name, keys): 100 + 100 + 100 + 100 + 200 - 100 = 500."""
    a, b, c, d, e = operator_blocks(ninst)
    all_week = ["Mon-Fri 00:00-24:00", "Sat-Sun 00:00-24:00"]
    glob = names.block
    return [
        ("allow", "op-glob", [("users", [user]),
                              ("instances", [glob(a)])]),
        ("allow", "op-tag", [("groups", [group]),
                             ("instances", ["tag:team=t%03d" % b])]),
        ("allow", "op-cidr", [("users", ["user00001", user]),
                              ("groups", ["grp0007"]),
                              ("instances", [glob(c)]),
                              ("from", ["10.0.0.0/8", "2001:db8::/32"])]),
        ("allow", "op-ids", [("users", [user]),
                             ("instances", [names.inst_id(i) for i in
                                            range(d * 100, d * 100 + 100)]),
                             ("hours", ["Mon-Sun 00:00-24:00"])]),
        ("allow", "op-wide", [("groups", [group]),
                              ("instances", [glob(e), glob(e + 1)]),
                              ("hours", all_week)]),
        ("deny", "op-deny", [("users", [user]),
                             ("instances", [glob(e + 1)])]),
    ]


def tagged(ninst, names=Names):
    """An instance name that op-tag reaches (for a -t -C decision)."""
    return names.name(operator_blocks(ninst)[1] * 100 + 42)


def instance_keys(k, ninst):
    blocks = max(ninst // 100, 1)
    pick = k % 4
    if pick == 0:
        return ["n%03d*" % (k * 7 % blocks)]
    if pick == 1:
        return ["tag:team=t%03d" % (k * 13 % blocks), "tag:env=dev"]
    if pick == 2:
        return [inst_id(k * 31 % ninst), inst_id(k * 37 % ninst)]
    return ["n%03d?[0-4]" % (k * 11 % blocks), "tag:env=staging"]


def who_keys(k):
    pick = k % 3
    users = [("users", ["user%05d" % (k % 50000),
                        "user%05d" % ((k * 7 + 1) % 50000)])]
    groups = [("groups", ["grp%04d" % (k % 5000)])]
    if pick == 0:
        return users
    if pick == 1:
        return groups
    return users + groups


def where_when_keys(k):
    keys = []
    if k % 5 == 0:
        keys.append(("from", ["10.%d.0.0/16" % (k % 256),
                              "2001:db8:%x::/48" % (k % 65536)]))
    if k % 7 == 0:
        keys.append(("hours", ["Mon-Fri 08:00-20:00"]))
    return keys


def other_rule(k, ninst):
    if k % 100 == 99:
        # applies to everyone, from a range the bench never comes from
        return ("deny", "guest-net-%06d" % k,
                [("instances", ["tag:env=prod"]),
                 ("from", ["192.0.2.0/24"])])
    kind = "deny" if k % 10 >= 7 else "allow"
    return (kind, "%s-%06d" % (kind, k),
            who_keys(k) + [("instances", instance_keys(k, ninst))] +
            where_when_keys(k))


def write_acl(path, nrules, ninst, user, group, names=Names):
    ops = operator_rules(user, group, ninst, names)
    # the operator's rules sit at even intervals through the file
    at = {(j + 1) * nrules // (len(ops) + 1): r for j, r in enumerate(ops)}
    with open(path, "w") as out:
        out.write("# generated by bench/gen.py: %d rules\n" % nrules)
        k = 0
        for pos in range(nrules):
            if pos in at:
                out.write(rule(*at[pos]))
            else:
                out.write(rule(*other_rule(k, ninst)))
                k += 1


def main(argv):
    cloud = None
    if argv[1:2] == ["--cloud"] and len(argv) == 8:
        cloud = CloudNames(argv[2].split(","))
        argv = argv[:1] + argv[3:7] + [None] + argv[7:]
    if len(argv) != 7:
        sys.stderr.write("usage: gen.py INSTANCES RULES USER GROUP "
                         "INVENTORY_OUT ACL_OUT\n"
                         "       gen.py --cloud REGIONS INSTANCES RULES "
                         "USER GROUP ACL_OUT\n")
        return 2
    ninst, nrules = int(argv[1]), int(argv[2])
    if not 1000 <= ninst <= 99999 or ninst % 100 or nrules < 100:
        # names have five digits; the operator reaches six blocks of 100
        sys.stderr.write("gen.py: 1000 to 99900 instances in hundreds, "
                         "at least 100 rules\n")
        return 2
    if cloud is None:
        with open(argv[5], "w") as out:
            for i in range(ninst):
                out.write(instance_block(i))
    names = cloud or Names
    write_acl(argv[6], nrules, ninst, argv[3], argv[4], names)
    print(REACHED, tagged(ninst, names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
