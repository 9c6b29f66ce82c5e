# SPDX-License-Identifier: ISC
"""The rule of tests/lib/harness.sh: `check NAME COMMAND [ARGS...]` runs
exactly one simple command and asserts its exit status.

Anything that lets part of an assertion escape `check` is refused:
  check N [ A ] && [ B ]      [ B ] runs outside check, its result is lost
  check N [ A ] || [ B ]      the same, and B runs only when check "fails"
  check N [ A ]; [ B ]        the same
  check N cmd | grep x        check's own TAP line goes into grep
  check N eval '...'          several predicates in one check
  check N ! cmd               "!" is not a command: the check always fails
  check N sh -c 'A && B'      several predicates in one check
  check N true                a check that cannot fail
  if check ... / ! check ...  check's status is not the predicate's
  check N cmd >FILE           check's own TAP line goes into FILE
  x=$(check N cmd)            the same, into a variable

Usage: checklint.py PATH...  A folder stands for its shell files (a "#!"
line naming sh, or a name ending in .sh), tests/out/ and other "out"
folders left aside.  Prints FILE:LINE: WHY for each, exits 1 when there
is any, 2 when there is no file to read.  The same rule holds for need
(tests/hostile/lib.sh).  The shell is read with a small lexer (quotes, $(...),
backslash-newline, comments, here-documents), not line by line, so a
predicate continued over several lines is seen whole.
"""
import os
import re
import sys

OPS = ("&&", "||", ";;", "<<-", "<<", ">>", ">&", "<&", ">|", "<>",
       ";", "|", "&", "(", ")", "<", ">")
BREAK = set(" \t\n;&|()<>")
LEAD = {"if", "then", "else", "elif", "do", "while", "until", "!", "{"}
AS_CONDITION = {"if", "elif", "while", "until", "!"}
CLOSERS = {"done", "fi", "esac", "}", "else", "elif", ";;", "then", "do"}
ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# the helpers that take NAME COMMAND...: check (tests/lib/harness.sh) and
# need (tests/hostile/lib.sh, one condition of a case)
CHECKERS = {"check", "need"}


class Lexer:
    """Tokens of a POSIX shell text: (kind, value, line) with kind
    "word", "op" or "nl"."""

    def __init__(self, text):
        self.s = text
        self.i = 0
        self.line = 1
        self.heredocs = []
        self.substs = []	# (text, line) of each $(...) and `...`

    def peek(self, n=0):
        """The character n on, or NUL at the end (never "", which every
        string "contains")."""
        j = self.i + n
        return self.s[j] if j < len(self.s) else "\0"

    def take(self):
        c = self.s[self.i]
        self.i += 1
        if c == "\n":
            self.line += 1
        return c

    def single(self):
        out = ""
        self.take()
        while self.i < len(self.s) and self.peek() != "'":
            out += self.take()
        if self.i < len(self.s):
            self.take()
        return out

    def double(self):
        out = ""
        self.take()
        while self.i < len(self.s) and self.peek() != '"':
            c = self.peek()
            if c == "\\":
                self.take()
                if self.i < len(self.s):
                    nxt = self.take()
                    if nxt != "\n":	# a line continuation
                        out += nxt if nxt in '$`"\\' else "\\" + nxt
            elif self.at_expansion():
                out += self.expansion()
            else:
                out += self.take()
        if self.i < len(self.s):
            self.take()
        return out

    def at_expansion(self):
        """At a $(...), $((...)), ${...} or `...`."""
        return self.peek() == "`" or (self.peek() == "$" and
                                      self.peek(1) in "({")

    def expansion(self):
        return self.backtick() if self.peek() == "`" else self.dollar()

    def backtick(self):
        line = self.line
        out = self.take()
        while self.i < len(self.s) and self.peek() != "`":
            if self.peek() == "\\":
                out += self.take()
            if self.i < len(self.s):
                out += self.take()
        if self.i < len(self.s):
            out += self.take()
        self.substs.append((out[1:-1], line))
        return out

    def dollar(self):
        """$( ... ), $(( ... )) or ${ ... }, kept as written."""
        line = self.line
        out = self.take()
        close = ")" if self.peek() == "(" else "}"
        opener = self.peek()
        depth = 0
        while self.i < len(self.s):
            c = self.peek()
            if c == "'":
                out += "'" + self.single() + "'"
                continue
            if c == '"':
                out += '"' + self.double() + '"'
                continue
            if c == "\\":
                out += self.take()
            elif c == opener:
                depth += 1
            elif c == close:
                depth -= 1
            out += self.take()
            if depth == 0:
                break
        if out.startswith("$(") and not out.startswith("$(("):
            self.substs.append((out[2:-1], line))
        return out

    def word(self):
        out = ""
        while self.i < len(self.s) and self.peek() not in BREAK:
            c = self.peek()
            if c == "'":
                out += self.single()
            elif c == '"':
                out += self.double()
            elif c == "\\":
                self.take()
                if self.i < len(self.s):
                    out += self.take()
            elif self.at_expansion():
                out += self.expansion()
            else:
                out += self.take()
        return out

    def skip_heredocs(self):
        for delim, strip in self.heredocs:
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                body = self.s[self.i:end]
                self.line += 1
                self.i = end + 1
                if (body.lstrip("\t") if strip else body) == delim:
                    break
        self.heredocs = []

    def tokens(self):
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t":
                self.take()
            elif c == "\\" and self.peek(1) == "\n":
                self.take()
                self.take()
            elif c == "#":
                while self.i < len(self.s) and self.peek() != "\n":
                    self.take()
            elif c == "\n":
                line = self.line
                self.take()
                yield ("nl", "\n", line)
                self.skip_heredocs()
            elif c in BREAK:
                op = next(o for o in OPS if self.s.startswith(o, self.i))
                line = self.line
                self.i += len(op)
                yield ("op", op, line)
                if op in ("<<", "<<-"):
                    while self.peek() in " \t":
                        self.take()
                    self.heredocs.append((self.word(), op == "<<-"))
            else:
                line = self.line
                w = self.word()
                if w.isdigit() and self.peek() in "<>":
                    # an fd number: part of the redirection ("2>")
                    op = next(o for o in OPS
                              if self.s.startswith(o, self.i))
                    self.i += len(op)
                    yield ("op", w + op, line)
                    continue
                yield ("word", w, line)


REDIRECTS = ("<", ">", ">>", ">&", "<&", ">|", "<>", "<<", "<<-")
# redirections of fd 1, where check prints its TAP line
STDOUT = (">", ">>", ">&", ">|", "1>", "1>>", "1>&", "1>|")


def commands(text, substs=None):
    """Simple commands as (words, op before, op after, token after,
    redirections); the command substitutions go to substs."""
    lexer = Lexer(text)
    toks = list(lexer.tokens()) + [("nl", "", -1)]
    if substs is not None:
        substs += lexer.substs
    out = []
    words, redirs = [], []
    before = "nl"
    redirect = False
    for n, (kind, val, line) in enumerate(toks):
        if kind == "word":
            if redirect:
                redirect = False
            else:
                words.append((val, line))
            continue
        if kind == "op" and val.lstrip("0123456789") in REDIRECTS:
            redirs.append(val)
            redirect = val.lstrip("0123456789") not in ("<<", "<<-")
            continue
        after = toks[n + 1] if n + 1 < len(toks) else ("nl", "", -1)
        if words:
            out.append((words, before, val if kind == "op" else "nl",
                        after, redirs))
        words, redirs = [], []
        before = val if kind == "op" else "nl"
    return out


def several(script):
    """True when a sh -c script holds more than one pipeline."""
    try:
        cmds = commands(script)
    except StopIteration:
        return True
    joins = [c for c in cmds if c[2] in ("&&", "||", ";", "&")]
    return len([c for c in cmds if c[1] != "|"]) > 1 or bool(joins)


def strip_lead(words):
    """The command's words without reserved words and assignments in
    front, and the reserved words."""
    lead = []
    while words and words[0][0] in LEAD:
        lead.append(words[0][0])
        words = words[1:]
    while words and ASSIGN.match(words[0][0]):
        words = words[1:]
    return words, lead


def problems(words, before, after, nxt, redirs):
    words, lead = strip_lead(words)
    if not words or words[0][0] not in CHECKERS or after == "(":
        return None, []	# not a check, or its definition
    why = []
    if AS_CONDITION & set(lead):
        why.append("%s's status used as a condition ('%s %s')"
                   % (words[0][0], lead[-1], words[0][0]))
    if before == "|":
        why.append("check reads a pipe")
    if after in ("&&", "||"):
        why.append("'%s' after check: the rest runs outside it" % after)
    elif after == "|":
        why.append("check piped into another command")
    elif after == "&":
        why.append("check in the background")
    elif after == ";" and nxt[0] == "word" and nxt[1] not in CLOSERS \
            and nxt[1] not in CHECKERS:
        why.append("';' after check: '%s' runs outside it" % nxt[1])
    if any(r in STDOUT for r in redirs):
        why.append("%s's output redirected: its TAP line is lost"
                   % words[0][0])
    vals = [w[0] for w in words]
    if len(vals) < 3:
        why.append("check NAME COMMAND: no command")
        return words[0][1], why
    pred = vals[2]
    if pred == "eval":
        why.append("eval in %s: one predicate per %s"
                   % (words[0][0], words[0][0]))
    elif pred == "!":
        why.append("'check NAME !': '!' is not a command; use [ ! ... ] "
                   "or a function")
    elif pred in ("true", ":"):
        why.append("a check that cannot fail")
    elif pred.split("/")[-1] in ("sh", "bash", "dash") and "-c" in vals[3:5]:
        k = vals.index("-c", 3)
        if k + 1 < len(vals) and several(vals[k + 1]):
            why.append("sh -c with several commands: one predicate per "
                       "check")
    return words[0][1], why


def lint(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    found = []
    substs = []
    for words, before, after, nxt, redirs in commands(text, substs):
        line, whys = problems(words, before, after, nxt, redirs)
        for why in whys:
            found.append("%s:%d: %s" % (path, line, why))
    # a check inside $(...) or `...`: its TAP line becomes a value
    while substs:
        inner, line = substs.pop()
        for c in commands(inner, substs):
            words = strip_lead(c[0])[0]
            if words and words[0][0] in CHECKERS:
                found.append("%s:%d: %s in a command substitution: its TAP "
                             "line is lost" % (path, line, words[0][0]))
    return found


def is_shell(path):
    if path.endswith(".sh"):
        return True
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return re.match(rb"#!\s*\S*/(env\s+)?(ba|da)?sh\b", first) is not None


def shell_files(path):
    if not os.path.isdir(path):
        return [path]
    out = []
    for top, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "out")
        out += [os.path.join(top, f) for f in sorted(files)
                if is_shell(os.path.join(top, f))]
    return out


def main(paths):
    files = [f for p in paths for f in shell_files(p)]
    if not files:
        print("checklint: no shell file to read")
        return 2
    found = [f for p in files for f in lint(p)]
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
