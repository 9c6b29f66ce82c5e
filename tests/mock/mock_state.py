# SPDX-License-Identifier: ISC
"""The mock cloud's identities and the state its services share: keys,
signature nonces, metadata tokens.  Contract: README.md next to this file.
"""

import base64
import re
import secrets
import string
import threading
import time

# Built-in identities ----------------------------------------------------

ACCOUNT = "1234567890123456"
STATIC_KEY_ID = "LTAI5tMOCKstaticKey01"
STATIC_SECRET = "MOCKstaticSecret0123456789abcdef"
ROLE_NAME = "vncgate-operator"
ROLE_ARN = "acs:ram::%s:role/%s" % (ACCOUNT, ROLE_NAME)
ROLE_ID = "300800000000000001"
IMDS_ROLE = "VncGateRole"

ECS_VERSION = "2014-05-26"
STS_VERSION = "2015-04-01"
# service -> (the actions it serves, its version)
ACTIONS = {"ecs": (("DescribeInstanceVncUrl", "DescribeInstances",
                    "DescribeRegions"), ECS_VERSION),
           "sts": (("AssumeRole",), STS_VERSION)}
TIME_WINDOW = 15 * 60
IMDS_TOKEN_PATH = "/latest/api/token"
IMDS_CREDS_PATH = "/latest/meta-data/ram/security-credentials/"
IMDS_TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"
IMDS_TOKEN_HEADER = "X-aliyun-ecs-metadata-token"

INSTANCE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}\Z")
REGION_ID_RE = re.compile(r"[a-z0-9-]{1,32}\Z")
ROLE_ARN_RE = re.compile(r"acs:ram::\d+:role/[A-Za-z0-9._-]+\Z")
SESSION_NAME_RE = re.compile(r"[A-Za-z0-9.@_-]{2,64}\Z")


# Keys, nonces, metadata tokens ----------------------------------------------

class Cred:
    """An AccessKey: the static one, or STS keys with token and expiry.

    principal names who the key belongs to, as the cloud's audit trail
    would: the static key itself, one role session, or the instance role.
    NextToken paging tokens are bound to it (README "DescribeInstances").
    """

    def __init__(self, key_id, secret, token=None, expires=None,
                 policy=None, session="", principal=None):
        self.key_id = key_id
        self.secret = secret
        self.token = token
        self.expires = expires          # epoch seconds, None = never
        self.policy = policy            # the Policy JSON text, or None
        self.session = session          # RoleSessionName, "" for IMDS
        self.principal = principal or "key:" + key_id
        self.issued = time.time()


def random_text(alphabet, n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def iso8601(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class Keys:
    """Every key the mock knows, by AccessKeyId (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {STATIC_KEY_ID: Cred(STATIC_KEY_ID, STATIC_SECRET)}

    def get(self, key_id):
        with self.lock:
            return self.keys.get(key_id)

    def issue(self, ttl, policy=None, session=""):
        """Fresh STS keys: of a role session (session given) or of the
        instance RAM role (the metadata service)."""
        alnum = string.ascii_letters + string.digits
        principal = "role:" + (ROLE_ARN + "/" + session if session
                               else IMDS_ROLE)
        cred = Cred("STS." + random_text(alnum, 24), random_text(alnum, 44),
                    token="CAIS" + base64.b64encode(
                        secrets.token_bytes(240)).decode("ascii"),
                    expires=int(time.time()) + ttl, policy=policy,
                    session=session, principal=principal)
        with self.lock:
            self.keys[cred.key_id] = cred
        return cred


class Nonces:
    """Every signature nonce seen, for the life of the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = set()

    def first_use(self, nonce):
        with self.lock:
            if nonce in self.seen:
                return False
            self.seen.add(nonce)
            return True


class Tokens:
    """Metadata service tokens and when each expires."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expiry = {}

    def add(self, token, expires):
        with self.lock:
            self.expiry[token] = expires

    def live(self, token):
        with self.lock:
            expires = self.expiry.get(token)
        return expires is not None and time.time() < expires
