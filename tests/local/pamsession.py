#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""pamsession.py: what sshd does with a PAM stack's session stage, for a
user who logged in from an address: pam_start, PAM_RHOST, PAM_TTY and
SSH_CONNECTION as sshd sets them, pam_open_session, and (with --close)
pam_close_session.  The real libpam and the real modules of the stack,
run as root like sshd.

    pamsession.py SERVICE USER RHOST [--close]

Prints "open N" (pam_open_session's result, 0 is PAM_SUCCESS), then
"session HEX" (VNCGATE_SESSION from the PAM environment, as sshd hands
it to the shell; "session -" when unset), then with --close "close N".
Exits 0 when every call it made returned PAM_SUCCESS, else 1.
"""
import ctypes
import ctypes.util
import sys

PAM_TTY = 3
PAM_RHOST = 4


class PamMessage(ctypes.Structure):
    _fields_ = [("msg_style", ctypes.c_int), ("msg", ctypes.c_char_p)]


class PamResponse(ctypes.Structure):
    _fields_ = [("resp", ctypes.c_char_p), ("resp_retcode", ctypes.c_int)]


CONV = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int,
                        ctypes.POINTER(ctypes.POINTER(PamMessage)),
                        ctypes.POINTER(ctypes.POINTER(PamResponse)),
                        ctypes.c_void_p)


class PamConv(ctypes.Structure):
    _fields_ = [("conv", CONV), ("appdata_ptr", ctypes.c_void_p)]


def no_conversation(n, msg, resp, data):
    return 19       # PAM_CONV_ERR: a session stage asks nothing


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] != "--close"):
        sys.stderr.write(__doc__)
        return 2
    service, user, rhost = (a.encode() for a in argv[:3])
    pam = ctypes.CDLL(ctypes.util.find_library("pam"))
    pam.pam_getenv.restype = ctypes.c_char_p
    conv = PamConv(CONV(no_conversation), None)
    h = ctypes.c_void_p()
    rc = pam.pam_start(service, user, ctypes.byref(conv), ctypes.byref(h))
    if rc != 0:
        print("start %d" % rc)
        return 1
    pam.pam_set_item(h, PAM_RHOST, ctypes.c_char_p(rhost))
    pam.pam_set_item(h, PAM_TTY, ctypes.c_char_p(b"ssh"))
    pam.pam_putenv(h, b"SSH_CONNECTION=" + rhost + b" 50123 127.0.0.1 22")
    rc = pam.pam_open_session(h, 0)
    print("open %d" % rc, flush=True)
    sid = pam.pam_getenv(h, b"VNCGATE_SESSION")
    print("session %s" % (sid.decode() if sid else "-"), flush=True)
    bad = rc != 0
    if len(argv) == 4:
        rc = pam.pam_close_session(h, 0)
        print("close %d" % rc)
        bad = bad or rc != 0
    pam.pam_end(h, 0)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
