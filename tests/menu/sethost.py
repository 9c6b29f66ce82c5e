#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""sethost.py HEX MARKER CMD...: set the host name to the bytes HEX, print
MARKER, then exec CMD.

Run under "unshare -u" (a UTS namespace of its own, as root): the kernel
takes any bytes as a host name, escape sequences included, so it is the
environment-derived string that can carry what vncgate.conf refuses.
"""
import ctypes
import os
import sys

name = bytes.fromhex(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
if libc.sethostname(name, len(name)) != 0:
    sys.exit("sethostname: " + os.strerror(ctypes.get_errno()))
print(sys.argv[2], flush=True)
os.execvp(sys.argv[3], sys.argv[3:])
