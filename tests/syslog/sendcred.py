#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Send one syslog datagram with chosen credentials, as a test sender.

    sendcred.py UID GID SOCKET PRI TEXT

Run as root: drops to UID and GID (no other groups), then sends
"<PRI>Mmm dd hh:mm:ss vncgate[PID]: TEXT" to the datagram socket SOCKET
with SCM_CREDENTIALS {pid, UID, GID}, which the kernel checks as it does
for any sender.  So with GID the group vncgate it stands in for a
vncgate-shell record the shell does not send yet (an alert), with the
same credentials the setgid shell has.
"""
import os
import socket
import struct
import sys
import time


def main(argv):
    if len(argv) != 6:
        sys.stderr.write("usage: sendcred.py UID GID SOCKET PRI TEXT\n")
        return 2
    uid, gid, path, pri, text = int(argv[1]), int(argv[2]), argv[3], \
        int(argv[4]), argv[5]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(path)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    stamp = time.strftime("%b %e %H:%M:%S", time.localtime())
    msg = "<%d>%s vncgate[%d]: %s" % (pri, stamp, os.getpid(), text)
    cred = struct.pack("3i", os.getpid(), uid, gid)
    s.sendmsg([msg.encode()], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                                cred)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
