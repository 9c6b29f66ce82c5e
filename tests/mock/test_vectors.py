# SPDX-License-Identifier: ISC
"""sigcheck.py against every case of tests/vectors (V1 and V3, including
the wire captures), on both the signing and the checking side.  A part of
the mock layer (test_mock.py runs it).
"""

import json
import os

from mockclient import ROOT, check, eq, raw_query, sc

VECTORS = os.path.join(ROOT, "tests", "vectors")


def load_vectors(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


def v1_vector(case):
    params, secret = case["params"], case["access_key_secret"]
    eq(sc.canonical_query(params), case["canonicalized_query_string"],
       "canonical")
    sts = sc.v1_string_to_sign(case["method"], params)
    eq(sts, case["string_to_sign"], "string to sign")
    eq(sc.v1_signature(sts, secret), case["signature"], "signature")
    eq(sc.v1_sign(case["method"], params, secret),
       case["final_query_string"], "final query")
    signed = dict(params, Signature=case["signature"])
    eq(sc.v1_check(case["method"], signed, secret), (True, sts), "check")
    check(not sc.v1_check(case["method"], signed, secret + "x")[0],
          "a wrong secret passed")
    if "wire_openapi_core" in case:
        v1_wire(case["wire_openapi_core"], secret, sts)


def v1_wire(wire, secret, sts):
    """The captured request, decoded as the mock decodes it."""
    pairs = sc.parse_form(wire["path_and_query"].partition("?")[2])
    if wire["content_type"] == "application/x-www-form-urlencoded":
        pairs += sc.parse_form(wire["body"])
    params = dict(pairs)
    eq(params["Signature"], wire["signature_on_wire"], "wire signature")
    eq(sc.v1_check(wire["method"], params, secret), (True, sts),
       "wire check")


def v3_vector(case):
    signed = sc.v3_sign(case["method"], case["path"], case["query"],
                        case["headers"], case["body"],
                        case["access_key_id"], case["access_key_secret"])
    eq(sc.sha256_hex(case["body"]), case["hashed_payload"], "payload hash")
    eq(signed["canonical_request"], case["canonical_request"], "canonical")
    eq(sc.sha256_hex(signed["canonical_request"]),
       case["hashed_canonical_request"], "hashed canonical")
    eq(signed["string_to_sign"], case["string_to_sign"], "string to sign")
    eq(signed["signature"], case["signature"], "signature")
    eq(signed["authorization"], case["authorization"], "authorization")
    v3_server(case["method"], case["path"],
              sc.parse_form(raw_query(case["query"])),
              list(case["headers"].items()), case["body"].encode(),
              case["authorization"], case["access_key_secret"],
              case["string_to_sign"])


def v3_server(method, path, query, headers, body, authorization, secret,
              sts):
    """The mock's checking side accepts it, and refuses it altered."""
    auth = sc.parse_authorization(authorization)
    eq(sc.v3_check(method, path, query, headers, body, auth, secret),
       (True, sts), "server check")
    check(not sc.v3_check(method, path, query, headers, body + b" ", auth,
                          secret)[0], "an altered body passed")
    check(not sc.v3_check(method, path, query, headers, body, auth,
                          secret + "x")[0], "a wrong secret passed")


def v3_wire(example):
    headers = list(example["headers"].items())
    path, _, query = example["path_and_query"].partition("?")
    query = sc.parse_form(query)
    body = example["body"].encode()
    auth = sc.parse_authorization(example["headers"]["authorization"])
    unsigned = [(n, v) for n, v in headers if n != "authorization"]
    names = [n for n, _ in unsigned if sc.is_signable(n)]
    eq(sorted(names), sorted(auth.signed), "signed headers")
    creq = sc.v3_canonical_request(example["method"], path, query,
                                   unsigned, names, sc.sha256_hex(body))
    v3_server(example["method"], path, query, headers, body,
              example["headers"]["authorization"],
              example["access_key_secret"], sc.v3_string_to_sign(creq))
    resigned = sc.v3_sign(example["method"], path, query, unsigned, body,
                          auth.key_id, example["access_key_secret"])
    eq(resigned["authorization"], example["headers"]["authorization"],
       "re-signed authorization")


def vector_tests(tap):
    for case in load_vectors("rpc-signature-v1.json")["cases"]:
        tap.run("v1 vector " + case["name"], v1_vector, case)
    v3 = load_vectors("acs3-hmac-sha256.json")
    for case in v3["cases"]:
        tap.run("v3 vector " + case["name"], v3_vector, case)
    for example in v3["wire_examples"]:
        tap.run("v3 wire example " + example["name"], v3_wire, example)
