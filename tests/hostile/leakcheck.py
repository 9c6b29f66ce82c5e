#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""leakcheck.py: no URL and no secret in any log.

    leakcheck.py harvest MOCKDIR SECRETS
        append to the file SECRETS, one per line, what the mock in
        MOCKDIR handed out: every VncUrl in its requests.log (and the
        token inside it), and, when the mock still runs, the metadata
        service's AccessKeySecret and SecurityToken (the mock hands the
        same ones to everyone until they expire, so these are the ones
        the shell got)
    leakcheck.py check SECRETS FILE...
        exit 0 when no FILE holds any line of SECRETS, the console
        page's "vncUrl=" or the VncUrl's "wss%3A" prefix; else name
        each find (never the secret itself) on stdout, exit 1
"""
import json
import os
import sys
import urllib.request

TOKEN_MARK = "%3Fs%3D"          # "?s=" inside the percent-encoded VncUrl
ALWAYS = ("vncUrl=", "wss%3A%2F%2F", "wss://")
MIN_SECRET = 8


def imds_secrets(mockdir):
    try:
        with open(os.path.join(mockdir, "imds.port")) as f:
            base = "http://127.0.0.1:%d" % int(f.read())
        req = urllib.request.Request(
            base + "/latest/api/token", method="PUT",
            headers={"X-aliyun-ecs-metadata-token-ttl-seconds": "60"})
        token = urllib.request.urlopen(req, timeout=2).read().decode()
        req = urllib.request.Request(
            base + "/latest/meta-data/ram/security-credentials/VncGateRole",
            headers={"X-aliyun-ecs-metadata-token": token})
        cred = json.loads(urllib.request.urlopen(req, timeout=2).read())
    except (OSError, ValueError):
        return []               # stopped: harvested while it ran
    return [cred.get("AccessKeySecret", ""), cred.get("SecurityToken", "")]


def url_secrets(mockdir):
    out = []
    try:
        with open(os.path.join(mockdir, "requests.log")) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except OSError:
        return out
    for row in rows:
        url = row.get("vnc_url") or ""
        out.append(url)
        if TOKEN_MARK in url:
            out.append(url.split(TOKEN_MARK, 1)[1])
    return out


def harvest(mockdir, secrets):
    found = url_secrets(mockdir) + imds_secrets(mockdir)
    with open(secrets, "a") as f:
        for s in found:
            if len(s) >= MIN_SECRET and "\n" not in s:
                f.write(s + "\n")
    return 0


def check(secrets, files):
    with open(secrets) as f:
        wanted = sorted({s.rstrip("\n") for s in f if s.strip()})
    bad = 0
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for s in wanted:
            if s in text:
                print("a secret (%d characters, starting %r) is in %s" %
                      (len(s), s[:4], path))
                bad = 1
        for s in ALWAYS:
            if s in text:
                print("%r is in %s" % (s, path))
                bad = 1
    return bad


def main(argv):
    if len(argv) == 4 and argv[1] == "harvest":
        return harvest(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "check":
        return check(argv[2], argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
