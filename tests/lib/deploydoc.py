#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""doc/deploy.md, read by the tests: its runnable blocks, its
placeholders, its JSON and its troubleshooting tables.

A runnable block is a fenced block whose info string is "sh step=N",
optionally followed by provider=P[,P...] (only for those credential
providers), input=new-password (the block asks for the operator's new
password twice) and after=login (run once the operator has logged in).
Placeholders are <lower-case-words>; the document's first table whose
first header cell is "placeholder" lists them.

    deploydoc.py extract DOC OUTDIR [--provider P] [--steps N[,N...]]
                 [--after-login] [--set NAME=VALUE]...
        writes the selected blocks, in document order, as OUTDIR/NN.sh
        with every placeholder replaced, and OUTDIR/index: one line per
        block, "NN.sh<TAB>step<TAB>input<TAB>its first line".  Without
        --after-login, the blocks without after=login; with it, only
        those.  Exit 1 (and why, on stderr) when a selected block holds a
        placeholder that the table lacks or that no --set gives.
    deploydoc.py check DOC POT
        prints "ok - NAME" / "not ok - NAME" lines (and "#" lines saying
        what is wrong): every runnable block well formed; every
        placeholder of the document in the table; every JSON block valid
        JSON; the troubleshooting tables complete (below).

The troubleshooting tables are the tables under the headings in
SENTENCE_HEADINGS.  Their first column quotes sentences in `backticks`.
Every msgid of POT (what `make pot` extracts from shell/ and lib/: the
sentences the operator can see) must be quoted in one of them, and
every quote must be one of POT's sentences: a printf conversion (%s,
%d, %lld...) stands for any text, spaces are collapsed and the ends
trimmed, the rest must be exact.  So a new sentence in the code needs
a row, and a row for a sentence the code no longer has fails too.
"""
import json
import os
import re
import sys

PLACEHOLDER = re.compile(r"<[a-z][a-z0-9]*(?:-[a-z0-9]+)*>")
FENCE = re.compile(r"^```(.*)$")
ATTRS = {"step", "provider", "input", "after"}
PROVIDERS = {"ecs_ram_role", "ram_role_arn", "static"}
SENTENCE_HEADINGS = ("### Sentences that report a problem",
                     "### Sentences that need no action")
CONVERSION = re.compile(r"%(?:\d+\$)?[-+ #0']*\d*(?:\.\d+)?"
                        r"(?:hh|h|ll|l|L|j|z|t)?[diouxXeEfgGcsp]")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def blocks(text):
    """[(info, body, line)] of every fenced block."""
    out, cur = [], None
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line.strip())
        if cur is None and m:
            cur = (m.group(1).strip(), [], n)
        elif cur is not None and line.strip() == "```":
            out.append((cur[0], "\n".join(cur[1]) + "\n", cur[2]))
            cur = None
        elif cur is not None:
            cur[1].append(line)
    return out


def runnable(info):
    """The attributes of a runnable block's info string, else None."""
    words = info.split()
    if not words or words[0] != "sh" or len(words) < 2:
        return None
    attrs = {}
    for w in words[1:]:
        k, _, v = w.partition("=")
        attrs[k] = v
    return attrs if "step" in attrs else None


def attr_problems(attrs):
    bad = ["unknown attribute %s" % k for k in attrs if k not in ATTRS]
    if not re.fullmatch(r"[0-9]+", attrs.get("step", "")):
        bad.append("step=%s is not a number" % attrs.get("step"))
    for p in attrs.get("provider", "").split(",") if "provider" in attrs \
            else []:
        if p not in PROVIDERS:
            bad.append("provider %s is not one of %s" %
                       (p, ", ".join(sorted(PROVIDERS))))
    if attrs.get("input", "new-password") != "new-password":
        bad.append("input=%s (only new-password)" % attrs["input"])
    if attrs.get("after", "login") != "login":
        bad.append("after=%s (only login)" % attrs["after"])
    return bad


def table_rows(lines):
    """The cells of each row of the first table in lines."""
    rows, started = [], False
    for line in lines:
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                rows.append(cells)
        elif started:
            break
    return rows


def placeholder_table(text):
    """The placeholders the document's table lists."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\|\s*placeholder\s*\|", line):
            names = set()
            for cells in table_rows(lines[i:])[1:]:
                names.update(PLACEHOLDER.findall(cells[0]))
            return names
    return set()


def selected(text, provider, steps, after):
    for info, body, line in blocks(text):
        attrs = runnable(info)
        if attrs is None:
            continue
        if ("after" in attrs) != after:
            continue
        if steps and attrs["step"] not in steps:
            continue
        if provider and "provider" in attrs and \
                provider not in attrs["provider"].split(","):
            continue
        yield attrs, body, line


def extract(argv):
    doc, outdir = argv[0], argv[1]
    provider, steps, after, values = None, None, False, {}
    i = 2
    while i < len(argv):
        if argv[i] == "--provider":
            provider = argv[i + 1]
            i += 2
        elif argv[i] == "--steps":
            steps = set(argv[i + 1].split(","))
            i += 2
        elif argv[i] == "--after-login":
            after = True
            i += 1
        elif argv[i] == "--set":
            k, _, v = argv[i + 1].partition("=")
            values["<%s>" % k] = v
            i += 2
        else:
            sys.stderr.write("deploydoc: unknown argument %s\n" % argv[i])
            return 2
    text = read(doc)
    listed = placeholder_table(text)
    os.makedirs(outdir, exist_ok=True)
    index, bad = [], []
    for k, (attrs, body, line) in enumerate(
            selected(text, provider, steps, after), 1):
        for p in sorted(set(PLACEHOLDER.findall(body))):
            if p not in listed:
                bad.append("%s:%d: %s is not in the placeholder table"
                           % (doc, line, p))
            elif p not in values:
                bad.append("%s:%d: no value for %s" % (doc, line, p))
        body = PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)),
                               body)
        name = "%02d.sh" % k
        with open(os.path.join(outdir, name), "w") as f:
            f.write(body)
        first = body.strip().splitlines()[0] if body.strip() else ""
        index.append("%s\t%s\t%s\t%s" % (name, attrs["step"],
                                          attrs.get("input", "-"), first))
    if bad:
        sys.stderr.write("".join(b + "\n" for b in bad))
        return 1
    with open(os.path.join(outdir, "index"), "w") as f:
        f.write("".join(x + "\n" for x in index))
    return 0


# ---------------------------------------------------------------- check

def po_unquote(s):
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def pot_sentences(path):
    """Each entry's forms: [msgid] or [msgid, msgid_plural] (not the
    header's "")."""
    out, key, cur = [], None, {}

    def flush():
        forms = [cur[k] for k in ("msgid", "msgid_plural") if cur.get(k)]
        if forms:
            out.append(forms)
        cur.clear()
    for line in read(path).splitlines():
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$',
                     line)
        if m:
            if m.group(1) == "msgid":
                flush()
            key = m.group(1)
            cur[key] = po_unquote(m.group(2))
        elif line.startswith('"') and key:
            cur[key] = cur.get(key, "") + po_unquote(line[1:-1])
    flush()
    return out


def squash(s):
    return " ".join(s.split())


def pattern(msgid):
    """A regex for what the operator sees of msgid."""
    parts = CONVERSION.split(squash(msgid).replace("%%", "\0"))
    return ".+".join(re.escape(p).replace("\0", "%") for p in parts)


def quoted(text):
    """The `quotes` in the first column of the sentence tables."""
    lines = text.splitlines()
    out = []
    for head in SENTENCE_HEADINGS:
        if head not in lines:
            out.append((head, None))
            continue
        start = lines.index(head) + 1
        for cells in table_rows(lines[start:])[1:]:
            for q in re.findall(r"`([^`]+)`", cells[0]):
                out.append((head, squash(q)))
    return out


def check_sentences(text, pot):
    """A sentence is quoted when a quote is the whole of one of its forms,
    or ends with it after ": " (the "%s" of "authentication failed: %s"
    shows another sentence); every quote must be the whole of a form."""
    entries = pot_sentences(pot)
    quotes = quoted(text)
    missing_heads = [h for h, q in quotes if q is None]
    got = [q for _, q in quotes if q is not None]
    whole = [re.compile("^(?:%s)$" % "|".join(pattern(f) for f in forms))
             for forms in entries]
    inner = [re.compile("(?:^|: )(?:%s)$" % "|".join(pattern(f)
                                                     for f in forms))
             for forms in entries]
    missing = [forms[0] for forms, r in zip(entries, inner)
               if not any(r.search(q) for q in got)]
    stale = [q for q in got if not any(r.match(q) for r in whole)]
    return entries, missing_heads, missing, stale


def check(argv):
    doc, pot = argv[0], argv[1]
    text = read(doc)
    results = []
    listed = placeholder_table(text)
    results.append(("deploy.md has a placeholder table",
                    [] if listed else ["no table headed \"placeholder\""]))
    bad, n = [], 0
    for info, body, line in blocks(text):
        attrs = runnable(info)
        if attrs is None:
            if info.split()[:1] == ["sh"] and len(info.split()) > 1:
                bad.append("%d: \"%s\" has no step=" % (line, info))
            continue
        n += 1
        bad += ["%d: %s" % (line, b) for b in attr_problems(attrs)]
    used = set(PLACEHOLDER.findall(text))
    bad += ["%s is used and not in the placeholder table" % p
            for p in sorted(used - listed)]
    if n == 0:
        bad.append("no runnable block (```sh step=N)")
    results.append(("deploy.md: %d runnable blocks, well formed; every "
                    "placeholder in the table" % n, bad))
    bad, n = [], 0
    for info, body, line in blocks(text):
        if info.split()[:1] != ["json"]:
            continue
        n += 1
        try:
            json.loads(body)
        except ValueError as e:
            bad.append("%d: %s" % (line, e))
    results.append(("deploy.md: its %d JSON blocks are valid JSON" % n,
                    bad if n else ["no JSON block"]))
    msgids, heads, missing, stale = check_sentences(text, pot)
    results.append(("deploy.md's troubleshooting tables quote every "
                    "sentence of make pot (%d)" % len(msgids),
                    ["no heading %s" % h for h in heads] +
                    ["no row for: %s" % squash(m) for m in missing] +
                    ([] if len(msgids) > 50 else
                     ["only %d sentences in the pot: extraction broken?"
                      % len(msgids)])))
    results.append(("deploy.md's troubleshooting tables quote no sentence "
                    "the sources lack", ["not in the sources: %s" % q
                                         for q in stale]))
    for name, problems in results:
        print("%s - %s" % ("not ok" if problems else "ok", name))
        for p in problems:
            print("#   %s" % p)
    return 1 if any(p for _, p in results) else 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "extract":
        return extract(sys.argv[2:])
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        return check(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
