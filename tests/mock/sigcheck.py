# SPDX-License-Identifier: ISC
"""The mock cloud's own Alibaba Cloud signature code (stdlib only).

Written from doc/wire.md sections a (RPC V1,
HMAC-SHA1) and b (ACS3-HMAC-SHA256), never from lib/sign.c, so that a bug
in the signer cannot pass by being shared.  The server side (the mock)
uses the *_check functions; the test client uses the *_sign ones.
"""

import base64
import hashlib
import hmac
from urllib.parse import unquote_to_bytes

V3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIGNATURE_MISMATCH = ("Specified signature is not matched with our "
                      "calculation. server string to sign is:")

# RFC 3986 unreserved: the only bytes percentEncode leaves alone.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        b"abcdefghijklmnopqrstuvwxyz0123456789-_.~")


# Shared pieces ---------------------------------------------------------

def percent_encode(text):
    """UTF-8 bytes, unreserved kept, the rest %XX upper-case (space %20)."""
    return "".join(chr(b) if b in _UNRESERVED else "%%%02X" % b
                   for b in text.encode("utf-8"))


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _pairs(params):
    """A dict or a list of (name, value) pairs, as a list of pairs."""
    return list(params.items()) if hasattr(params, "items") else list(params)


def _sorted(pairs):
    # byte order of the raw names, case-sensitive (A-b < A.b < A1 < AB)
    return sorted(pairs, key=lambda kv: kv[0].encode("utf-8"))


def canonical_query(params):
    """Sorted enc(name)=enc(value) joined by '&'; Signature left out."""
    pairs = [kv for kv in _pairs(params) if kv[0] != "Signature"]
    return "&".join(percent_encode(k) + "=" + percent_encode(v)
                    for k, v in _sorted(pairs))


def parse_form(raw):
    """Decode a query string or x-www-form-urlencoded body into pairs.

    '+' is a space, as in any form encoding.  Bytes that are not UTF-8
    raise UnicodeDecodeError: the caller refuses the request.
    """
    if isinstance(raw, bytes):
        raw = raw.decode("ascii")
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_unform(name), _unform(value)))
    return pairs


def _unform(text):
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8")


def _same(want, got):
    return hmac.compare_digest(want.encode("utf-8"), got.encode("utf-8"))


# V1: RPC, HMAC-SHA1 ----------------------------------------------------

def v1_string_to_sign(method, params):
    return (method + "&" + percent_encode("/") + "&"
            + percent_encode(canonical_query(params)))


def v1_signature(string_to_sign, secret):
    mac = hmac.new((secret + "&").encode("utf-8"),
                   string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def v1_sign(method, params, secret):
    """The signed query: canonical string + '&Signature=' + enc(sig)."""
    sig = v1_signature(v1_string_to_sign(method, params), secret)
    return canonical_query(params) + "&Signature=" + percent_encode(sig)


def v1_check(method, params, secret):
    """(ok, server string to sign) for merged params holding Signature."""
    sts = v1_string_to_sign(method, params)
    got = dict(_pairs(params)).get("Signature", "")
    return _same(v1_signature(sts, secret), got), sts


# V3: ACS3-HMAC-SHA256 ---------------------------------------------------

def is_signable(name):
    name = name.lower()
    return name in ("host", "content-type") or name.startswith("x-acs-")


def canonical_headers(headers, names):
    """'name:value\\n' for each of names (lower-case, sorted).

    headers are the (name, value) pairs as received, any case; values are
    trimmed and repeated headers joined by ','.  A name that was signed
    but not sent raises KeyError.
    """
    values = {}
    for name, value in _pairs(headers):
        values.setdefault(name.lower(), []).append(value.strip())
    return "".join(n + ":" + ",".join(values[n]) + "\n" for n in names)


def v3_canonical_request(method, path, query, headers, names,
                         hashed_payload):
    names = sorted(set(n.lower() for n in names))
    return "\n".join([method, path or "/", canonical_query(query),
                      canonical_headers(headers, names), ";".join(names),
                      hashed_payload])


def v3_string_to_sign(canonical_request):
    return V3_ALGORITHM + "\n" + sha256_hex(canonical_request)


def v3_signature(string_to_sign, secret):
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def v3_sign(method, path, query, headers, body, key_id, secret):
    """Client side: sign every host, content-type and x-acs-* header.

    Returns a dict with canonical_request, string_to_sign, signature,
    signed_headers and authorization.
    """
    names = sorted(set(n.lower() for n, _ in _pairs(headers)
                       if is_signable(n)))
    creq = v3_canonical_request(method, path, query, headers, names,
                                sha256_hex(body))
    sts = v3_string_to_sign(creq)
    sig = v3_signature(sts, secret)
    auth = "%s Credential=%s,SignedHeaders=%s,Signature=%s" % (
        V3_ALGORITHM, key_id, ";".join(names), sig)
    return {"canonical_request": creq, "string_to_sign": sts,
            "signature": sig, "signed_headers": ";".join(names),
            "authorization": auth}


class Authorization:
    """The three fields of an ACS3-HMAC-SHA256 Authorization header."""

    def __init__(self, key_id, signed, signature):
        self.key_id = key_id
        self.signed = signed
        self.signature = signature


def parse_authorization(value):
    """Parse 'ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..'.

    Raises ValueError naming what is wrong.
    """
    prefix = V3_ALGORITHM + " "
    if not value.startswith(prefix):
        raise ValueError("the Authorization scheme is not " + V3_ALGORITHM)
    fields = {}
    for part in value[len(prefix):].split(","):
        name, eq, val = part.strip().partition("=")
        if not eq or name in fields:
            raise ValueError("malformed Authorization field %r" % part)
        fields[name] = val
    if sorted(fields) != ["Credential", "Signature", "SignedHeaders"]:
        raise ValueError("Authorization needs exactly Credential, "
                         "SignedHeaders and Signature")
    signed = fields["SignedHeaders"].split(";")
    if not fields["Credential"] or not all(signed):
        raise ValueError("empty Credential or SignedHeaders entry")
    return Authorization(fields["Credential"], signed, fields["Signature"])


def v3_check(method, path, query, headers, body, auth, secret):
    """Server side: (ok, server string to sign).

    query is the decoded URL query (pairs), headers the received pairs,
    auth a parsed Authorization.  The payload hash is taken from the body
    received, not from the x-acs-content-sha256 header, and the header
    must agree with it.
    """
    payload = sha256_hex(body)
    creq = v3_canonical_request(method, path, query, headers, auth.signed,
                                payload)
    sts = v3_string_to_sign(creq)
    claimed = dict((n.lower(), v.strip()) for n, v in _pairs(headers))
    if claimed.get("x-acs-content-sha256") != payload:
        return False, sts
    return _same(v3_signature(sts, secret), auth.signature), sts
