# SPDX-License-Identifier: ISC
"""Rows 6 to 8 of the bench (issue 12): the inventory from the cloud.

6. `vncgate-shell -S` refreshing 10,000 instances over 3 regions, the
   requests it made (the mock's request log), and the same listing by the
   official Node.js SDK, side by side.
7. The same refresh with each region answering late (`--region-delay`):
   each region alone, then the three, which vncgate lists in parallel.
8. `-c list` from the cache row 6 wrote, 10,000 instances and 1,000 rules,
   against `-V`; and its peak RSS.

Every line needs `-S`.  A build without it (the option gives the usage
line, exit 2) gets "not built" on these lines, which counts as skipped:
the bench layer still passes, and no number is made up.  `w` is bench.py's
World; this module imports only benchlib.
"""
import json
import math
import os
import shutil
import subprocess

from benchlib import (BENCH, MIB, PY, ROOT, SHELL, Line, check_exact,
                      check_lines, fmt_mib, fmt_s, peer_env, peer_install,
                      run, verdict)

REGIONS = ("cn-hangzhou", "cn-shanghai", "cn-beijing")
# Row 7: what one DescribeInstances answer of each region waits, as a
# bastion far from some of its regions would see (a page of 100 is also
# slower to make than the mock makes it)
DELAYS = (0.020, 0.030, 0.040)
NINST = {False: 10000, True: 1000}      # smoke: 4 pages a region
RULES = 1000
REFRESH_RUNS = 10       # a refresh line: network-bound, and long-ish
PAGE_SIZE = 100
NOT_BUILT = "skipped, not built: `vncgate-shell -S` is not in this build"


class Cloud:
    """A mock serving the generated inventory, and what it holds."""

    def __init__(self, w, name, inv, counts, delays=()):
        args = ["--inventory", inv]
        for region, sec in delays:
            args += ["--region-delay", "%s:%g" % (region, sec)]
        self.ports = w.start_mock(name, args)
        self.log = w.path(name, "requests.log")
        self.counts = counts    # region -> instances

    def mark(self):
        """Where the request log ends now."""
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0

    def since(self, mark):
        """The ECS listing requests logged after mark."""
        with open(self.log, "rb") as f:
            f.seek(mark)
            recs = [json.loads(ln) for ln in f.read().splitlines() if ln]
        return [r for r in recs if r["service"] == "ecs"]


def inventory(w, ninst, lean=False):
    """The mock's inventory file and its instances per region.  lean:
    only the fields the mock reads (the same names, IDs and tags)."""
    path = w.path("cloud-%d%s.json" % (ninst, "-lean" if lean else ""))
    out = run([PY, os.path.join(ROOT, "tests", "mock", "geninventory.py"),
               "--instances", str(ninst), "--regions", ",".join(REGIONS),
               path] + (["--lean"] if lean else []), "geninventory.py")
    return path, json.loads(out)["regions"]


def cloud_acl(w, ninst):
    """1,000 rules over geninventory's names; (path, instances reached)."""
    acl = w.path("acl-cloud-%d.conf" % ninst)
    out = run([PY, os.path.join(BENCH, "gen.py"), "--cloud",
               ",".join(REGIONS), str(ninst), str(RULES), w.user, w.group,
               acl], "gen.py").split()
    os.chmod(acl, 0o644)
    return acl, int(out[0])


def refresh_conf(w, cloud, regions, acl, tag):
    """A config discovering `regions` from `cloud`, with its own cache.
    No tag filter: with one, the API returns at most 1,000 instances."""
    state = w.path("state-" + tag)
    os.mkdir(state, 0o700)
    text = ("inventory {\n  discover = true\n  regions = {%s}\n"
            "  tags = {}\n  ttl = 86400\n}\n" %
            ", ".join('"%s"' % r for r in regions))
    return w.conf(acl=acl, state=state, ports=cloud.ports, text=text,
                  audit=w.path("audit", "refresh.log"))


def refresh_argv(conf):
    return [SHELL, "-S", "-f", conf]


def check_summary(regions):
    """-S prints one summary line per region (DESIGN 1.3)."""
    def check(out):
        lines = out.splitlines()
        if len(lines) != len(regions) or not all(
                any(r in ln for ln in lines) for r in regions):
            return "not one line per region: %r" % out[:160]
        return None
    return check


def built(w, conf):
    """Whether this build has -S: a build without it prints its usage
    line and exits 2.  Any other outcome is measured (and judged)."""
    res = subprocess.run(refresh_argv(conf), env=w.env(conf),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    return not (res.returncode == 2 and "usage" in res.stderr.lower())


def not_built(lines, w):
    for ln in lines:
        ln.failure = NOT_BUILT
    w.notes.append("Rows 6 to 8 need `vncgate-shell -S` (issue 12); this "
                   "build prints its usage line for it, so they were not "
                   "run.")
    return lines


# Row 6: one refresh, vncgate and the SDK -------------------------------------

def expected_pages(n):
    """A region of n instances: ceil(n/100) pages, an empty one 1."""
    return max(1, math.ceil(n / PAGE_SIZE))


def count_requests(recs, regions):
    """{region: (pages, dry runs, pages not of MaxResults 100)}, and the
    DescribeRegions calls."""
    per = {r: [0, 0, 0] for r in regions}
    other = 0
    for rec in recs:
        if rec["action"] == "DescribeRegions":
            other += 1
            continue
        c = per.setdefault(rec["region_id"], [0, 0, 0])
        if rec["dry_run"]:
            c[1] += 1
        else:
            c[0] += 1
            c[2] += rec["max_results"] != PAGE_SIZE
    return per, other


def requests_line(w, cloud, argv, env, who, regions):
    """One more run of argv, and the requests the mock logged for it."""
    line = Line(6, "requests of one listing, %s" % who)
    mark = cloud.mark()
    res = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    if res.returncode != 0:
        line.failure = "fails, exit %d" % res.returncode
        return line
    per, nregions = count_requests(cloud.since(mark), regions)
    want = {r: expected_pages(cloud.counts[r]) for r in regions}
    order = list(regions) + sorted(set(per) - set(regions))
    line.what += ": " + "; ".join(
        "%s %d pages%s" % (r, per[r][0], " + %d DryRun" % per[r][1]
                           if per[r][1] else "") for r in order)
    if nregions:
        line.what += "; %d DescribeRegions" % nregions
    ok = all(per[r][0] == want[r] and per[r][1] <= 1 and not per[r][2]
             for r in regions) and set(per) == set(regions) and \
        nregions == 0
    line.goal = "ceil(n/100) pages of 100 per region (%s), at most one " \
        "DryRun each, no DescribeRegions (the regions are named)" % \
        "/".join(str(want[r]) for r in regions)
    line.verdict = verdict(ok, "%d requests" % (
        sum(c[0] + c[1] for c in per.values()) + nregions))
    return line


def check_peer(counts, regions):
    want = "".join("%s %d\n" % (r, counts[r]) for r in regions) + \
        "total %d\n" % sum(counts[r] for r in regions)
    return check_exact(want)


def peer_specs(w, cloud, par, ser):
    """The SDK lines' specs for side_by_side, or [] with them skipped."""
    node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
    why = peer_install(w.smoke) if node else "node is not installed"
    if why is not None:
        for ln in (par, ser):
            ln.failure = "skipped, " + why
        w.notes.append("The SDK lines of row 6 were skipped: %s." % why)
        return []
    script = os.path.join(BENCH, "peer", "list.js")
    end = "127.0.0.1:%d" % cloud.ports["ecs"]
    check = check_peer(cloud.counts, REGIONS)
    env = peer_env(w.ca)
    return [(par, [node, script, end] + list(REGIONS), env, check),
            (ser, [node, script, "--serial", end] + list(REGIONS), env,
             check)]


def row_refresh(w, cloud, conf, lean):
    n = sum(cloud.counts.values())
    par = Line(6, "peer: SDK `describeInstances`, the 3 regions at once "
               "(`Promise.all`)")
    par.base = par
    ser = Line(6, "peer: the same, the regions one after the other",
               base=par)
    vg = Line(6, "vncgate `-S`, %s instances × 3 regions" %
              format(n, ","), base=par)
    vg.runs = par.runs = ser.runs = REFRESH_RUNS
    argv, env = refresh_argv(conf), w.env(conf)
    specs = peer_specs(w, cloud, par, ser)
    w.side_by_side([(vg, argv, env, check_summary(REGIONS))] + specs)
    lines = [par, ser, vg, requests_line(w, cloud, argv, env, "vncgate",
                                         REGIONS)]
    if specs:
        sdk = requests_line(w, cloud, specs[0][1], specs[0][2], "the SDK",
                            REGIONS)
        sdk.goal = sdk.verdict = ""
        lines.append(sdk)
    lines.append(lean_line(w, lean, par))
    if w.smoke:
        lines[3].goal = lines[3].verdict = ""
    else:
        goal_refresh(vg, par, ser)
    return lines


def lean_line(w, lean, base):
    """For scale: the same refresh, each instance with only the fields
    vncgate reads, so that the table shows what the rest costs."""
    cloud, conf = lean
    line = Line(6, "for scale: the same `-S`, answers with only the "
                "fields vncgate reads (`geninventory.py --lean`)", base=base)
    line.runs = REFRESH_RUNS
    w.side_by_side([(line, refresh_argv(conf), w.env(conf),
                     check_summary(REGIONS))])
    return line


def goal_refresh(vg, par, ser):
    vg.goal = "≥ 5× faster than the SDK"
    if vg.samples and par.samples:
        x = par.median() / vg.median()
        vg.verdict = verdict(x >= 5, "%.1f× faster than at once, %.1f× "
                             "than one after the other" %
                             (x, ser.median() / vg.median()
                              if ser.samples else 0))
    elif not par.samples:
        vg.verdict = "n/a (peer skipped)"


# Row 7: regions in parallel --------------------------------------------------

def row_parallel(w, cloud, acl):
    singles = []
    specs = []
    for region, sec in zip(REGIONS, DELAYS):
        conf = refresh_conf(w, cloud, [region], acl, "one-" + region)
        line = Line(7, "vncgate `-S`, %s alone (%s instances, %s a page)" %
                    (region, format(cloud.counts[region], ","),
                     fmt_s(sec)))
        line.runs = REFRESH_RUNS
        singles.append(line)
        specs.append((line, refresh_argv(conf), w.env(conf),
                      check_summary([region])))
    conf = refresh_conf(w, cloud, REGIONS, acl, "slow-three")
    three = Line(7, "vncgate `-S`, the 3 regions")
    three.runs = REFRESH_RUNS
    specs.append((three, refresh_argv(conf), w.env(conf),
                  check_summary(REGIONS)))
    w.side_by_side(specs)
    w.notes.append("Row 7: the mock delays every DescribeInstances answer "
                   "of %s, as a far or busy API endpoint would; "
                   "in series the three would take the sum." %
                   ", ".join("%s by %s" % (r, fmt_s(s))
                             for r, s in zip(REGIONS, DELAYS)))
    measured = [ln for ln in singles if ln.samples]
    if measured:
        slowest = max(measured, key=lambda ln: ln.median())
        slowest.base = slowest
        three.base = slowest
    if not w.smoke:
        goal_parallel(three, measured)
    return singles + [three]


def goal_parallel(three, singles):
    three.goal = "≤ 1.3× the slowest region alone"
    if three.ratio() is None or len(singles) != len(REGIONS):
        three.verdict = "n/a (a line failed)"
        return
    serial = sum(ln.median() for ln in singles) / three.base.median()
    three.verdict = verdict(three.ratio() <= 1.3, "%.2f×; the sum of the "
                            "three alone: %.2f×" % (three.ratio(), serial))


# Row 8: list from the cache --------------------------------------------------

def row_list(w, conf, reached, ninst, version):
    vee = Line(8, "baseline: `vncgate-shell -V`")
    vee.base = vee
    lst = Line(8, "`-c list` from the cache, %s instances × %s rules "
               "(%d reached)" % (format(ninst, ","), format(RULES, ","),
                                 reached), base=vee)
    w.side_by_side([(vee, [SHELL, "-V"], {"PATH": "/usr/bin:/bin"},
                     check_exact("vncgate-shell %s\n" % version)),
                    (lst, [SHELL, "-c", "list"], w.env(conf),
                     check_lines(reached))])
    rss = Line(8, "peak RSS of that list")
    rss.rss_only = lst.rss()
    if not w.smoke:
        goal_list(lst, rss)
    return [vee, lst, rss]


def goal_list(lst, rss):
    lst.goal = "≤ 20 ms and ≤ 2× `-V`"
    if lst.samples and lst.ratio() is not None:
        lst.verdict = verdict(lst.median() <= 0.020 and lst.ratio() <= 2,
                              "%s, %.2f×" % (fmt_s(lst.median()),
                                             lst.ratio()))
    rss.goal = "≤ 24 MiB"
    rss.verdict = "n/a (no run)" if rss.rss_only is None else \
        verdict(rss.rss_only <= 24 * MIB, fmt_mib(rss.rss_only))


# The rows --------------------------------------------------------------------

def placeholders(ninst):
    """The lines of rows 6 to 8 when they cannot run."""
    return [Line(6, "vncgate `-S`, %s instances × 3 regions" %
                 format(ninst, ",")),
            Line(7, "vncgate `-S`, each region alone and the 3"),
            Line(8, "`-c list` from the cache, and its peak RSS")]


def rows(w, version):
    ninst = NINST[w.smoke]
    inv, counts = inventory(w, ninst)
    acl, reached = cloud_acl(w, ninst)
    cloud = Cloud(w, "cloud", inv, counts)
    conf = refresh_conf(w, cloud, REGIONS, acl, "three")
    if not built(w, conf):
        return not_built(placeholders(ninst), w)
    inv_lean, _ = inventory(w, ninst, lean=True)
    lean = Cloud(w, "cloud-lean", inv_lean, counts)
    lines = row_refresh(w, cloud, conf, (lean, refresh_conf(
        w, lean, REGIONS, acl, "lean")))
    slow = Cloud(w, "cloud-slow", inv, counts, zip(REGIONS, DELAYS))
    lines += row_parallel(w, slow, acl)
    # the cache the 3-region refresh of row 6 left: -S wrote it
    return lines + row_list(w, conf, reached, ninst, version)
