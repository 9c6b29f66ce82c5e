#!/usr/bin/python3
"""The mock cloud as the bench runs it: tests/mock/mockcloud.py, same
arguments, with two settings a real API front end has and the mock lacks,
so that the bench measures the programs and not the mock:

- Nagle's algorithm off on every connection.  The mock writes an answer's
  headers and its body in two send() calls; over TLS, with Nagle on, the
  body waits for the client's delayed ACK, about 40 ms on Linux, so every
  HTTPS request cost 40 ms of nothing, for curl and vncgate alike.
- A listen backlog of 1024 instead of socketserver's 5.  When 100 clients
  connect at once (row 4), the kernel drops the SYNs that do not fit and
  the clients send them again after 1 s, then 3 s: the row measured TCP's
  retransmission timer.

Once mockcloud.py sets both itself, this file changes nothing.
"""
import os
import sys

sys.dont_write_bytecode = True     # leave no __pycache__ in tests/mock
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "mock"))
import mockcloud  # noqa: E402

mockcloud.Handler.disable_nagle_algorithm = True
mockcloud.Server.request_queue_size = max(
    mockcloud.Server.request_queue_size, 1024)

if __name__ == "__main__":
    sys.exit(mockcloud.main(sys.argv[1:]))
