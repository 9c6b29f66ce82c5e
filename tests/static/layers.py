# SPDX-License-Identifier: ISC
"""The layers of vncgate: who may use whom.

lib/ is a stack of modules, bottom first, as the table "The layers of
lib/" in doc/design.md lists them (its `files` column names each
module's files, shell patterns over lib/*.c and lib/*.h).  That table is
the one input: a module stands only on the modules below it.  Beside
it, no two files may need each other, in lib/ or in a program's folder.

What "needs" means, read from the tree and from the objects:
  - an #include "X.h" line of a lib file: X.h is X.c's header, so the
    file needs X.c; a header with no .c of its name (a module's shared
    header, acl.h) passes its own includes on to whoever includes it;
  - an undefined symbol of an object that another object of the same
    build defines (nm): a call, or a use of its data.
A lib file and its header of the same name are one file here.  In
shell/, pam_module/ and tools/ the shared header (shell.h) is free to
include; their calls (nm) must run one way, and reach lib/ only
downwards: lib/ never uses a program's symbol.

Usage: layers.py ROOT OBJDIR.  ROOT holds the sources and doc/design.md;
OBJDIR holds the objects as OBJDIR/lib/NAME.o, OBJDIR/shell/NAME.o ...
Prints FILE:LINE: WHY for each problem (LINE 0 for an object), exits 1
when there is any, 2 when the table or the objects cannot be read.
"""
import fnmatch
import os
import re
import subprocess
import sys

TABLE_HEADING = "## The layers of lib/"
PROGRAMS = ("shell", "pam_module", "tools")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


class Problems:
    def __init__(self):
        self.lines = []

    def add(self, where, why):
        line = "%s: %s" % (where, why)
        if line not in self.lines:
            self.lines.append(line)


def read_table(root):
    """[(module, [patterns])] bottom first, from doc/design.md."""
    path = os.path.join(root, "doc", "design.md")
    with open(path, encoding="utf-8") as f:
        text = f.read().splitlines()
    try:
        start = text.index(TABLE_HEADING)
    except ValueError:
        raise SystemExit("layers: %s has no heading %r" % (path,
                                                          TABLE_HEADING))
    rows, seen_table = [], False
    for line in text[start + 1:]:
        if not line.startswith("|"):
            if seen_table:
                break
            continue
        seen_table = True
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= set("-: ") or \
                cells[0] == "module":
            continue
        rows.append((cells[0].strip("`"), re.findall(r"`([^`]+)`",
                                                       cells[1])))
    if not rows:
        raise SystemExit("layers: no table under %r in %s" %
                         (TABLE_HEADING, path))
    return rows


def lib_files(root):
    d = os.path.join(root, "lib")
    return sorted(f for f in os.listdir(d) if f.endswith((".c", ".h")))


def module_of(files, table, problems):
    """{file: module}; a file in no module, or in two, is a problem."""
    owner = {}
    for f in files:
        mods = [m for m, pats in table
                if any(fnmatch.fnmatchcase(f, p) for p in pats)]
        if len(mods) != 1:
            problems.add("lib/%s:0" % f, "in %s of the modules of "
                         "doc/design.md's table (%s): each file belongs to "
                         "exactly one" % (len(mods), ", ".join(mods) or
                                          "none"))
            continue
        owner[f] = mods[0]
    return owner


def includes(root, d, name):
    """[(line, header)] of one file's #include "..." lines."""
    out = []
    with open(os.path.join(root, d, name), encoding="utf-8",
              errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                out.append((n, m.group(1)))
    return out


def stem(name):
    return name.rsplit(".", 1)[0]


def nm(path):
    """(defined, undefined) symbol names of one object."""
    try:
        out = subprocess.run(["nm", path], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("layers: nm %s: %s" % (path, e))
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCGSV":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def objects(objdir, d):
    p = os.path.join(objdir, d)
    if not os.path.isdir(p):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(p)
                  if f.endswith(".o"))


def calls(objdir, dirs):
    """[(caller object, callee object, symbol)] between the objects of
    dirs; a symbol defined twice is taken from the first."""
    objs = [o for d in dirs for o in objects(objdir, d)]
    syms = {o: nm(os.path.join(objdir, o)) for o in objs}
    where = {}
    for o in objs:
        for s in syms[o][0]:
            where.setdefault(s, o)
    out = []
    for o in objs:
        for s in sorted(syms[o][1]):
            if s in where and where[s] != o:
                out.append((o, where[s], s))
    return out


def cycle(edges):
    """One circle of the graph {node: {node: evidence}}, or None."""
    state, stack = {}, []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in sorted(edges.get(u, {})):
            if state.get(v) == 1:
                return stack[stack.index(v):] + [v]
            if v not in state:
                found = visit(v)
                if found:
                    return found
        stack.pop()
        state[u] = 2
        return None

    for u in sorted(edges):
        if u not in state:
            found = visit(u)
            if found:
                return found
    return None


def report_cycle(edges, where, problems):
    found = cycle(edges)
    if found is None:
        return
    steps = ["%s (%s)" % (" -> ".join(found[i:i + 2]), edges[found[i]]
                          [found[i + 1]]) for i in range(len(found) - 1)]
    problems.add(where, "a circle between files: " + "; ".join(steps))


def lib_includes(root, files, owner, order, edges, problems):
    """The include edges of lib/: files and modules."""
    names = set(files)
    owned = {stem(f) for f in files if f.endswith(".c")}

    def node(header):
        return stem(header) if stem(header) in owned else None

    def follow(src, line, header, seen):
        """The nodes header stands for, through headers of no .c."""
        if header not in names:
            problems.add("lib/%s:%d" % (src, line), "includes \"%s\", "
                         "which is no lib/ header: lib/ stands below the "
                         "programs" % header)
            return []
        mod_src, mod_dst = owner.get(src), owner.get(header)
        if mod_src and mod_dst and order[mod_dst] > order[mod_src]:
            problems.add("lib/%s:%d" % (src, line), "includes \"%s\": "
                         "module %s stands below %s (doc/design.md)" %
                         (header, mod_src, mod_dst))
        if node(header) is not None or header in seen:
            return [node(header)] if node(header) else []
        seen.add(header)
        out = []
        for n, h in includes(root, "lib", header):
            out += follow(header, n, h, seen)
        return out

    for f in files:
        for n, h in includes(root, "lib", f):
            dsts = follow(f, n, h, set())
            if f.endswith(".h") and node(f) is None:
                continue	# no node: its includes go to its includers
            for dst in dsts:
                if dst != stem(f):
                    edges.setdefault(stem(f), {}).setdefault(
                        dst, "lib/%s:%d includes \"%s\"" % (f, n, h))


def lib_calls(objdir, owner, order, edges, problems):
    mod = {stem(f): m for f, m in owner.items()}
    for src, dst, sym in calls(objdir, ("lib",) + PROGRAMS):
        a, b = stem(os.path.basename(src)), stem(os.path.basename(dst))
        if src.startswith("lib/") and not dst.startswith("lib/"):
            problems.add("%s:0" % src, "uses %s of %s: lib/ stands below "
                         "the programs" % (sym, dst))
            continue
        if not (src.startswith("lib/") and dst.startswith("lib/")):
            continue
        if a in mod and b in mod and order[mod[b]] > order[mod[a]]:
            problems.add("%s:0" % src, "uses %s of %s: module %s stands "
                         "below %s (doc/design.md)" % (sym, dst, mod[a],
                                                      mod[b]))
        edges.setdefault(a, {}).setdefault(b, "%s uses %s" % (src, sym))


def program_calls(objdir, d, problems):
    edges = {}
    for src, dst, sym in calls(objdir, (d,)):
        a, b = stem(os.path.basename(src)), stem(os.path.basename(dst))
        edges.setdefault(a, {}).setdefault(b, "%s uses %s" % (src, sym))
    report_cycle(edges, "%s/:0" % d, problems)


def main(argv):
    if len(argv) != 2:
        print("usage: layers.py ROOT OBJDIR")
        return 2
    root, objdir = argv
    problems = Problems()
    table = read_table(root)
    order = {m: i for i, (m, _) in enumerate(table)}
    if len(order) != len(table):
        problems.add("doc/design.md:0", "a module is named twice in the "
                     "layers table")
    if not objects(objdir, "lib"):
        print("layers: no objects in %s/lib" % objdir)
        return 2
    files = lib_files(root)
    owner = module_of(files, table, problems)
    edges = {}
    lib_includes(root, files, owner, order, edges, problems)
    lib_calls(objdir, owner, order, edges, problems)
    report_cycle(edges, "lib/:0", problems)
    for d in PROGRAMS:
        program_calls(objdir, d, problems)
    for line in problems.lines:
        print(line)
    return 1 if problems.lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
