# SPDX-License-Identifier: ISC
"""Are the man pages complete?  Run from the top of the tree by
tests/docs/run; prints "ok - NAME" or "not ok - NAME" lines (and "#"
lines saying what is missing), which run numbers.

What must be described is taken from the sources where they hold it
(the option tables of lib/conf.c, the ACL keys, the audit records the
shell and the module write, the shell's options, commands, variables
and exit codes, the module's arguments, vncgate-audit's options and exit
codes) and from DESIGN.md part 1 where it is a promise: a page that
forgets something the code does, or that the contract names, fails.

"Described" means a tagged paragraph (.TP) whose tag names the thing, or
for audit keys and file paths, the thing in bold in the right section.
"""
import os
import re
import sys

MAN = "man"
results = []


def report(name, missing):
    results.append((name, missing))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def plain(s):
    """Man source text to what a reader sees, roughly."""
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\c|\\:|\\%|\\&", "", s)
    s = s.replace("\\-", "-").replace('\\(dq', '"').replace("\\e", "\\")
    return s


def macro_text(line):
    """The words of a font-macro line (.B, .BR, .BI ...) or a text line."""
    m = re.match(r"^\.(B|I|BR|RB|BI|IB|IR|RI)\s+(.*)$", line)
    if m:
        line = m.group(2)
    return plain(line.replace('"', " "))


def sections(src):
    """{".SH title": text} and {".SS title": text}, source order."""
    out = {}
    cur = None
    for line in src.splitlines():
        m = re.match(r'^\.S[HS]\s+"?(.*?)"?\s*$', line)
        if m:
            cur = plain(m.group(1))
            out.setdefault(cur, "")
            continue
        if cur is not None:
            out[cur] += line + "\n"
    return out


def tags(text):
    """Tag lines of the .TP paragraphs of text, as plain words."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            found.append(macro_text(lines[i + 1]).strip())
    return found


def tag_words(text):
    words = set()
    for t in tags(text):
        words.update(w for w in re.split(r"[\s,|]+", t) if w)
    return words


def tag_heads(text):
    """The first word of each tag ("-c command" -> "-c")."""
    return {t.split()[0] for t in tags(text) if t.split()}


def bold_words(text):
    """Every word set in bold: .B/.BR/.RB/.BI/.IB and \\fB...\\f[RP]."""
    words = set()
    for line in text.splitlines():
        m = re.match(r"^\.(B|BR|RB|BI|IB)\s+(.*)$", line)
        if m:
            args = re.findall(r'"[^"]*"|\S+', m.group(2))
            first_bold = m.group(1) in ("B", "BR", "BI")
            for k, a in enumerate(args):
                if m.group(1) == "B" or (k % 2 == 0) == first_bold:
                    words.update(re.split(r"[\s,()/\[\]]+",
                                          plain(a.strip('"'))))
        for b in re.findall(r"\\fB(.*?)\\f[RPI]", line):
            words.update(re.split(r"[\s,()/\[\]]+", plain(b)))
    return {w.strip(".;:") for w in words if w}


def section_of(secs, prefix):
    text = ""
    for title, body in secs.items():
        if title.startswith(prefix):
            text += body
    return text


def grep(paths, pattern):
    out = []
    for p in paths:
        if os.path.exists(p):
            out += re.findall(pattern, read(p), re.S)
    return out


def page(name):
    path = os.path.join(MAN, name)
    if not os.path.exists(path):
        return None
    return read(path)


# ----------------------------------------------------------------------
# vncgate.conf(5): every key of lib/conf.c, in its section, with the
# default the code has

def conf_tables():
    src = read("lib/conf.c")
    defines = dict(re.findall(r'#define\s+(\w+)\s+\\?\s*"([^"]*)"', src))
    arrays = {}
    for m in re.finditer(r"cfg_opt_t\s+(\w+)\[\]\s*=\s*\{(.*?)\};", src,
                         re.S):
        opts = []
        for o in re.finditer(r'CFG_(STR|INT|BOOL|STR_LIST|STR_LIST_CB|'
                             r'FLOAT|INT_LIST)\(\s*"(\w+)"\s*,\s*'
                             r'((?:SYSCONFDIR\s*)?"(?:[^"\\]|\\.)*"|[^,]+)',
                             m.group(2)):
            kind, key, dflt = o.groups()
            dflt = dflt.strip()
            # a list's default is libconfuse text: {"a", "b"}, unquoted
            if kind.startswith("STR_LIST") and dflt.startswith('"'):
                dflt = dflt[1:-1]
            if dflt.startswith("SYSCONFDIR"):
                dflt = '"/etc' + dflt.split('"')[1] + '"'
            elif dflt in defines:
                dflt = '"%s"' % defines[dflt]
            elif dflt == "cfg_true":
                dflt = "true"
            elif dflt == "cfg_false":
                dflt = "false"
            elif dflt in ("NULL", "0") and kind.startswith("STR"):
                dflt = None
            opts.append((key, dflt))
        secs = re.findall(r'CFG_SEC\(\s*"(\w+)"\s*,\s*(\w+)', m.group(2))
        arrays[m.group(1)] = (opts, secs)
    return arrays


def check_conf():
    src = page("vncgate.conf.5")
    if src is None:
        report("vncgate.conf.5 exists", ["man/vncgate.conf.5"])
        return
    secs = sections(src)
    arrays = conf_tables()
    where = {"root": "TOP-LEVEL KEYS"}
    for name, (opts, subs) in arrays.items():
        for title, arr in subs:
            where[arr] = "THE %s SECTION" % title
    keys, missing, wrong = 0, [], []
    for arr, (opts, subs) in arrays.items():
        if arr == "opts":
            where[arr] = "THE ACCESS KEY FILE"
        text = section_of(secs, where.get(arr, "?"))
        have = tag_heads(text)
        for title, _ in subs:
            if title not in bold_words(src):
                missing.append("section %s" % title)
        for key, dflt in opts:
            keys += 1
            if key not in have:
                missing.append("%s (in %s)" % (key, where.get(arr)))
                continue
            if arr == "opts" or dflt is None:
                continue
            para = paragraph(text, key)
            want = dflt.replace("\\", "")
            if not re.search(r"Default\s+" + re.escape(want) + r"(\s|\.|$)",
                             para):
                wrong.append("%s: default should read %s" % (key, want))
    if keys < 30:
        missing.append("only %d keys found in lib/conf.c: the extraction "
                       "is broken" % keys)
    report("vncgate.conf.5 describes every key of lib/conf.c (%d)" % keys,
           missing)
    report("vncgate.conf.5 states the defaults of lib/conf.c", wrong)


def para_body(lines):
    """Plain text up to the next .TP, .SH or .SS outside .RS/.RE."""
    body, depth = [], 0
    for line in lines:
        if line.startswith(".RS"):
            depth += 1
        elif line.startswith(".RE"):
            depth -= 1
        elif depth <= 0 and re.match(r"^\.(TP|SH|SS)", line):
            break
        body.append(macro_text(line))
    return " ".join(" ".join(body).split())


def paragraph(text, head):
    """The plain text of the .TP paragraph whose tag starts with head."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP") and \
                macro_text(lines[i + 1]).split()[:1] == [head]:
            return para_body(lines[i + 2:])
    return ""


# ----------------------------------------------------------------------
# vncgate-acl(5)

def check_acl():
    src = page("vncgate-acl.5")
    if src is None:
        report("vncgate-acl.5 exists", ["man/vncgate-acl.5"])
        return
    secs = sections(src)
    keys = grep(["lib/acl_value.c"], r'\[K_\w+\]\s*=\s*\{\s*"(\w+)"')
    contract = ["users", "groups", "instances", "from", "hours", "final"]
    have = tag_heads(section_of(secs, "KEYS"))
    missing = [k for k in sorted(set(keys + contract)) if k not in have]
    missing += [k for k in ("allow", "deny", "breakglass")
                if k not in bold_words(src)]
    report("vncgate-acl.5 describes every ACL key (%d) and allow/deny/"
           "breakglass" % len(set(keys + contract)), missing)


# ----------------------------------------------------------------------
# vncgate-shell(8)

# DESIGN.md 1.7: the events and their keys (a promise, whatever the code)
EVENTS = {
    "session_start": "session service",
    "session_end": "session service",
    "shell_start": "session mode reason",
    "shell_end": "session mode reason",
    "auth": "result service",
    "deny": "instance name region reason rule ticket breakglass",
    "rate_limited": "instance name scope ticket breakglass",
    "issue": "instance name region rule ticket breakglass result "
             "request_id issuance url_sha256 latency_ms",
    "config_error": "file line reason",
    "audit_repair": "cut_bytes cut_sha256",
}
COMMON = "event user uid rhost rport tty pid seq chain"
FILE_KEYS = "ts host seq prev hash"


def code_events():
    srcs = [os.path.join(d, f) for d in ("shell", "pam_module")
            if os.path.isdir(d) for f in sorted(os.listdir(d))
            if f.endswith(".c")]
    ev = grep(srcs, r'audit_rec_init\(\s*&?\w+,\s*"(\w+)"')
    ev += grep(srcs, r'log_shell\(\s*\w+,\s*"(\w+)"')
    ev += grep(srcs, r'record\(\s*g,\s*"(\w+)"')
    keys = grep(srcs + ["lib/audit.c"],
                r'audit_setf?\(\s*&?\w+,\s*"(\w+)"')
    # the keys the sinks add themselves, and the who keys
    for table in grep(["lib/audit.c"],
                      r'(?:reserved|whokeys)\[\w*\]\s*=\s*\{(.*?)\};'):
        keys += re.findall(r'"(\w+)"', table)
    return set(ev), set(keys)


def check_shell():
    src = page("vncgate-shell.8")
    if src is None:
        report("vncgate-shell.8 exists", ["man/vncgate-shell.8"])
        return
    secs = sections(src)
    ev_code, keys_code = code_events()

    have = tag_words(section_of(secs, "Events"))
    want = set(EVENTS) | ev_code
    report("vncgate-shell.8 describes every audit event (%d)" % len(want),
           sorted(want - have))

    keys = set(COMMON.split()) | set(FILE_KEYS.split()) | keys_code
    for v in EVENTS.values():
        keys |= set(v.split())
    have = tag_words(section_of(secs, "Keys"))
    report("vncgate-shell.8 describes every audit key (%d)" % len(keys),
           sorted(keys - have))

    # each event's own keys in its paragraph
    ev_text = section_of(secs, "Events")
    wrong = []
    for ev, ks in EVENTS.items():
        para = paragraph_with(ev_text, ev)
        wrong += ["%s: %s" % (ev, k) for k in ks.split()
                  if k not in para.replace(",", " ").split()]
    report("vncgate-shell.8 lists each event's keys (DESIGN 1.7)", wrong)

    codes = grep(["shell/shell.h"], r"EXIT_\w+\s*=\s*(\d+)")
    want = sorted(set(codes) | {"0", "1", "2", "3", "4"})
    have = tag_heads(section_of(secs, "EXIT STATUS"))
    report("vncgate-shell.8 describes exit codes %s" % " ".join(want),
           [c for c in want if c not in have])

    usage = " ".join(grep(["shell/main.c"], r'#define USAGE ([^\n]*\n[^\n]*)'))
    opts = set(re.findall(r"(?<![\w=])-([a-zA-Z])\b", usage))
    opts |= set("ctfCV")
    have = tag_heads(section_of(secs, "OPTIONS"))
    report("vncgate-shell.8 describes options %s"
           % " ".join("-" + o for o in sorted(opts)),
           ["-" + o for o in sorted(opts) if "-" + o not in have])

    cmds = set(grep(["shell/commands.c", "shell/menu.c"],
                    r'\{\s*"(\w+)",\s*\d+,'))
    cmds |= {"list", "url", "qr", "help", "version"}
    have = tag_words(section_of(secs, "COMMANDS"))
    report("vncgate-shell.8 describes commands %s" % " ".join(sorted(cmds)),
           sorted(cmds - have))

    envs = set(grep(["shell/env.c", "shell/output.c", "shell/main.c"],
                    r'"((?:VNCGATE|SSH)_[A-Z_]+|TERM|LANG|LANGUAGE)"'))
    envs |= {"VNCGATE_CONFIG", "VNCGATE_SYSLOG_SOCKET"}
    have = tag_words(section_of(secs, "ENVIRONMENT"))
    report("vncgate-shell.8 describes the environment (%d variables)"
           % len(envs), sorted(envs - have))

    files = ["/usr/local/sbin/vncgate-shell", "/etc/vncgate/vncgate.conf",
             "/etc/vncgate/acl.conf", "/etc/vncgate/access_key",
             "/var/lib/vncgate", "/var/log/vncgate/audit.log",
             "/etc/pam.d/vncgate"]
    have = tag_heads(section_of(secs, "FILES"))
    report("vncgate-shell.8 lists the installed files (DESIGN 1.1)",
           [f for f in files if f not in have])

    text = plain(src)
    need = ["RoleSessionName", "bob@40corp", "AT_SECURE", "ForceCommand",
            "SSH_ORIGINAL_COMMAND", "100.100.100.200", "2755",
            "-f is ignored: this vncgate-shell is privileged"]
    report("vncgate-shell.8 covers the privilege model, ForceCommand and "
           "RoleSessionName", [n for n in need if n not in text])
    ignored = grep(["shell/main.c"], r'warnx\("(-f is ignored[^"]*)"\)')
    report("vncgate-shell.8 quotes the shell's -f sentence",
           [s for s in ignored if s not in text] if ignored
           else ["shell/main.c has no -f is ignored sentence"])


def paragraph_with(text, word):
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP") and \
                word in re.split(r"[\s,]+", macro_text(lines[i + 1])):
            return para_body(lines[i + 2:])
    return ""


# ----------------------------------------------------------------------
# pam_vncgate(8)

def check_pam():
    src = page("pam_vncgate.8")
    if src is None:
        report("pam_vncgate.8 exists", ["man/pam_vncgate.8"])
        return
    secs = sections(src)
    args = set(a.rstrip("=") for a in
               grep(["pam_module/call.c"], r'\{\s*"(\w+=)",'))
    args |= {"config", "debug", "audit_socket"}
    have = {h.split("=")[0] for h in tag_heads(section_of(secs, "OPTIONS"))}
    report("pam_vncgate.8 describes arguments %s" % " ".join(sorted(args)),
           sorted(args - have))
    have = tag_heads(section_of(secs, "DESCRIPTION"))
    stages = ["account", "session"]
    report("pam_vncgate.8 describes the account and session stages",
           [s for s in stages if s not in have])
    text = plain(src)
    need = ["VNCGATE_INSTANCE", "VNCGATE_SESSION", "PAM_RHOST",
            "session_start", "session_end", "PAM_PERM_DENIED",
            "PAM_SERVICE_ERR"]
    report("pam_vncgate.8 covers VNCGATE_INSTANCE, VNCGATE_SESSION and "
           "the return values", [n for n in need if n not in text])


# ----------------------------------------------------------------------
# vncgate-audit(1)

def check_audit():
    src = page("vncgate-audit.1")
    if src is None:
        report("vncgate-audit.1 exists", ["man/vncgate-audit.1"])
        return
    secs = sections(src)
    tool = "tools/vncgate-audit.c"
    usage = " ".join(grep([tool], r'"(usage:[^"]*|       [^"]*)"'))
    opts = set(re.findall(r"--[a-z]+", usage))
    opts |= {"--against", "--user", "--instance", "--since", "--json"}
    cmds = {"verify", "show"}
    have = tag_heads(section_of(secs, "COMMANDS"))
    want = sorted(opts | cmds)
    report("vncgate-audit.1 describes %s" % " ".join(want),
           [w for w in want if w not in have])
    codes = grep(["tools/audit_tool.h"], r"AX_\w+\s*=\s*(\d+)")
    want = sorted(set(codes) | {"0", "1", "2"})
    have = tag_heads(section_of(secs, "EXIT STATUS"))
    report("vncgate-audit.1 describes exit codes %s" % " ".join(want),
           [c for c in want if c not in have])
    text = plain(src)
    need = ["ok N records", "prev", "hash", "seq", "chain"]
    report("vncgate-audit.1 describes the chain and verify's output",
           [n for n in need if n not in text])


# ----------------------------------------------------------------------
# every page: references to vncgate pages exist

def check_refs():
    missing = []
    pages = sorted(os.listdir(MAN)) if os.path.isdir(MAN) else []
    for p in pages:
        for name, sec in re.findall(r"^\.BR\s+(\S+)\s+\((\d)\)",
                                    read(os.path.join(MAN, p)), re.M):
            name = plain(name)
            if "vncgate" in name and "%s.%s" % (name, sec) not in pages:
                missing.append("%s: %s(%s)" % (p, name, sec))
    report("cross-references between vncgate pages resolve", missing)


def main():
    for check in (check_conf, check_acl, check_shell, check_pam,
                  check_audit, check_refs):
        try:
            check()
        except (OSError, ValueError, IndexError) as e:
            report(check.__name__, ["%s: %s" % (type(e).__name__, e)])
    bad = 0
    for name, missing in results:
        if missing:
            bad += 1
            print("not ok - %s" % name)
            for m in missing:
                print("#   missing: %s" % m)
        else:
            print("ok - %s" % name)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
