#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""qr2pbm.py IN OUT: the half-block QR code in a captured pane -> PBM.

Reads the text tmux capture-pane printed, takes the last run of lines
made only of the half blocks and spaces (holding at least one block),
and writes it as a black-on-white P1 image: each cell is two modules,
one above the other; a filled half is black.  The image is scaled up and
given a wide white border so zbarimg finds the code.
"""
import sys

UPPER, LOWER, FULL = "\u2580", "\u2584", "\u2588"
BLOCKS = set(UPPER + LOWER + FULL + " ")
SCALE = 4
BORDER = 8      # modules of white around the code's own quiet zone


def code_lines(text):
    """The last run of half-block lines: the newest code on screen."""
    runs, cur = [], []
    for line in text.split("\n"):
        if line.strip() != "" and set(line) <= BLOCKS:
            cur.append(line)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs[-1] if runs else []


def modules(lines):
    width = max(len(l) for l in lines)
    rows = []
    for line in lines:
        line = line.ljust(width)
        rows.append([c in (UPPER, FULL) for c in line])
        rows.append([c in (LOWER, FULL) for c in line])
    return rows


def pbm(rows):
    w = (len(rows[0]) + 2 * BORDER) * SCALE
    h = (len(rows) + 2 * BORDER) * SCALE
    white = ["0"] * w
    out = ["P1", "%d %d" % (w, h)]
    out += [" ".join(white)] * (BORDER * SCALE)
    for r in rows:
        line = ["0"] * (BORDER * SCALE)
        for dark in r:
            line += ["1" if dark else "0"] * SCALE
        line += ["0"] * (BORDER * SCALE)
        out += [" ".join(line)] * SCALE
    out += [" ".join(white)] * (BORDER * SCALE)
    return "\n".join(out) + "\n"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = code_lines(f.read())
    if not lines:
        sys.exit("no QR code in " + sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(pbm(modules(lines)))


main()
