#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Rewrite the datagrams a syslog sink captured the way rsyslog writes
them to a file, for vncgate-audit verify --against.

    syslogfmt.py FORM HOST < datagrams > lines

Each input line is a datagram as sent to /dev/log:
"<PRI>Mmm dd hh:mm:ss TAG MSG".  FORM is one of
  traditional  "Mmm dd hh:mm:ss HOST TAG MSG"  (RSYSLOG_TraditionalFileFormat)
  file         "YYYY-MM-DDThh:mm:ss.ffffff+hh:mm HOST TAG MSG"
                                             (RSYSLOG_FileFormat)
  rfc5424      "<PRI>1 YYYY-MM-DDThh:mm:ss.fff+hh:mm HOST APP PROCID - - MSG"
Lines that are not such a datagram are copied unchanged.
"""
import re
import sys

DGRAM = re.compile(r"^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) "
                   r"([^ \[:]+)(?:\[(\d+)\])?: ?(.*)$")
MONTHS = "JanFebMarAprMayJunJulAugSepOctNov" "Dec"


def rfc3339(ts, frac):
    month = MONTHS.index(ts[:3]) // 3 + 1
    return "2026-%02d-%02dT%s.%s+08:00" % (month, int(ts[4:6]), ts[7:], frac)


def convert(form, host, line):
    m = DGRAM.match(line)
    if not m:
        return line
    pri, ts, app, pid, msg = m.groups()
    tag = "%s[%s]:" % (app, pid) if pid else app + ":"
    if form == "traditional":
        return "%s %s %s %s" % (ts, host, tag, msg)
    if form == "file":
        return "%s %s %s %s" % (rfc3339(ts, "123456"), host, tag, msg)
    return "<%s>1 %s %s %s %s - - %s" % (pri, rfc3339(ts, "123"), host, app,
                                         pid or "-", msg)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("traditional", "file", "rfc5424"):
        sys.stderr.write("usage: syslogfmt.py traditional|file|rfc5424 "
                         "HOST\n")
        return 2
    for line in sys.stdin:
        print(convert(argv[1], argv[2], line.rstrip("\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
