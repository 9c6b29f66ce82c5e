# SPDX-License-Identifier: ISC
"""The mock cloud's inventory: the regions it serves and the instances in
each, loaded from the JSON file of --inventory (schema in README.md,
"Inventory"), or the small built-in one.
"""

import json

from mock_state import INSTANCE_ID_RE, REGION_ID_RE

# RegionId -> (LocalName in Chinese, in English): real names, used when
# the inventory does not name a region itself.
REGION_NAMES = {
    "cn-hangzhou": ("华东1（杭州）", "China (Hangzhou)"),
    "cn-shanghai": ("华东2（上海）", "China (Shanghai)"),
    "cn-beijing": ("华北2（北京）", "China (Beijing)"),
    "cn-shenzhen": ("华南1（深圳）", "China (Shenzhen)"),
    "cn-qingdao": ("华北1（青岛）", "China (Qingdao)"),
    "cn-zhangjiakou": ("华北3（张家口）", "China (Zhangjiakou)"),
    "cn-hongkong": ("中国香港", "China (Hong Kong)"),
    "ap-southeast-1": ("新加坡", "Singapore"),
    "us-west-1": ("美国（硅谷）", "US (Silicon Valley)"),
    "eu-central-1": ("德国（法兰克福）", "Germany (Frankfurt)"),
}
BUILTIN_REGIONS = ("cn-hangzhou", "cn-shanghai", "cn-beijing",
                   "cn-shenzhen", "ap-southeast-1")
STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")
REGION_STATUSES = ("available", "soldOut")

# The built-in inventory: the instances of tests/lib/harness.sh's config,
# with the same names, and one more in another region.
_TAG = {"TagKey": "vncgate", "TagValue": "yes"}
BUILTIN_INSTANCES = (
    {"InstanceId": "i-bp1hzoinajzkh91h0001", "RegionId": "cn-hangzhou",
     "InstanceName": "web-1", "Description": "web frontend 1",
     "OSType": "linux", "Status": "Running",
     "Tags": {"Tag": [{"TagKey": "env", "TagValue": "prod"},
                      {"TagKey": "team", "TagValue": "web"}, _TAG]}},
    {"InstanceId": "i-bp1hzoinajzkh91h0002", "RegionId": "cn-hangzhou",
     "InstanceName": "win-1", "Description": "windows box",
     "OSType": "windows", "Status": "Running",
     "Tags": {"Tag": [_TAG]}},
    {"InstanceId": "i-bp1stopped0000000003", "RegionId": "cn-hangzhou",
     "InstanceName": "db-1", "Description": "a stopped database",
     "OSType": "linux", "Status": "Stopped", "Tags": {"Tag": [_TAG]}},
    {"InstanceId": "i-bp1hzoinajzkh91h0004", "RegionId": "cn-hangzhou",
     "InstanceName": "secret-1", "Description": "nobody may open this",
     "OSType": "linux", "Status": "Running", "Tags": {"Tag": [_TAG]}},
    {"InstanceId": "i-uf6shanghai000000001", "RegionId": "cn-shanghai",
     "InstanceName": "app-sh-1", "Description": "an app in Shanghai",
     "OSType": "linux", "Status": "Running", "Tags": {"Tag": [_TAG]}},
)


class Region:
    def __init__(self, region_id, local_name, local_name_en, endpoint,
                 status):
        self.id = region_id
        self.local_name = local_name
        self.local_name_en = local_name_en
        self.endpoint = endpoint
        self.status = status

    def answer(self, english):
        """The region as DescribeRegions shows it."""
        return {"RegionId": self.id, "RegionEndpoint": self.endpoint,
                "LocalName": self.local_name_en if english
                else self.local_name, "Status": self.status}


class Instance:
    """One instance: what the filters need, and its JSON as answered."""

    def __init__(self, record):
        self.id = record["InstanceId"]
        self.region = record["RegionId"]
        self.name = record["InstanceName"]
        self.status = record["Status"]
        self.tags = [(t["TagKey"], t["TagValue"])
                     for t in record.get("Tags", {}).get("Tag", [])]
        self.record = record
        self.json = to_json(record)


def to_json(obj):
    """Raw UTF-8 as the real API sends; a lone surrogate (which UTF-8
    cannot carry) is sent as its \\uXXXX escape instead."""
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj)
    return text


class Inventory:
    """Regions (in order) and their instances (in order)."""

    def __init__(self, regions, records, from_file):
        self.from_file = from_file      # False: the built-in one
        self.regions = regions
        self.region_ids = frozenset(r.id for r in regions)
        self.by_region = {r.id: [] for r in regions}
        self.by_id = {}
        for n, record in enumerate(records):
            inst = Instance(check_instance(record, n, self.region_ids))
            if inst.id in self.by_id:
                raise ValueError("instance %d: InstanceId %r given twice"
                                 % (n, inst.id))
            self.by_id[inst.id] = inst
            self.by_region[inst.region].append(inst)

    def find(self, region, instance_id):
        inst = self.by_id.get(instance_id)
        return inst if inst is not None and inst.region == region else None


# Loading and checking ------------------------------------------------------

def _string(record, key, where, default=None):
    value = record.get(key, default)
    if not isinstance(value, str):
        raise ValueError("%s: %s must be a string" % (where, key))
    return value


def check_region(obj, n):
    where = "region %d" % n
    if isinstance(obj, str):
        obj = {"RegionId": obj}
    if not isinstance(obj, dict):
        raise ValueError(where + ": not an object")
    unknown = set(obj) - {"RegionId", "LocalName", "LocalNameEn",
                          "RegionEndpoint", "Status"}
    if unknown:
        raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
    rid = _string(obj, "RegionId", where)
    if not REGION_ID_RE.match(rid):
        raise ValueError("%s: bad RegionId %r" % (where, rid))
    zh, en = REGION_NAMES.get(rid, (rid, rid))
    status = _string(obj, "Status", where, "available")
    if status not in REGION_STATUSES:
        raise ValueError("%s: Status must be one of %s" %
                         (where, REGION_STATUSES))
    return Region(rid, _string(obj, "LocalName", where, zh),
                  _string(obj, "LocalNameEn", where, en),
                  _string(obj, "RegionEndpoint", where,
                          "ecs.%s.aliyuncs.com" % rid), status)


def check_tags(record, where):
    tags = record.get("Tags")
    if tags is None:
        return
    if not (isinstance(tags, dict) and set(tags) <= {"Tag"} and
            isinstance(tags.get("Tag", []), list) and
            all(isinstance(t, dict) and set(t) == {"TagKey", "TagValue"}
                and all(isinstance(v, str) for v in t.values())
                for t in tags.get("Tag", []))):
        raise ValueError(where + ': Tags must be {"Tag": [{"TagKey": '
                         'string, "TagValue": string}...]}')
    if not tags.get("Tag"):
        del record["Tags"]              # absent when empty, as answered


def check_instance(obj, n, region_ids):
    """The record with defaults filled in, or ValueError."""
    where = "instance %d" % n
    if not isinstance(obj, dict):
        raise ValueError(where + ": not an object")
    record = dict(obj)
    iid = _string(record, "InstanceId", where)
    if not INSTANCE_ID_RE.match(iid):
        raise ValueError("%s: bad InstanceId %r" % (where, iid))
    if _string(record, "RegionId", where) not in region_ids:
        raise ValueError("%s: RegionId %r is not among Regions"
                         % (where, record["RegionId"]))
    for key, default in (("InstanceName", iid), ("Description", ""),
                         ("OSType", "linux"), ("Status", "Running")):
        record[key] = _string(record, key, where, default)
    check_tags(record, where)
    return record


def from_json(doc, from_file=True):
    if not isinstance(doc, dict) or set(doc) - {"Regions", "Instances"}:
        raise ValueError('the top level must be an object with "Regions" '
                         'and "Instances" only')
    regions = doc.get("Regions", list(BUILTIN_REGIONS))
    records = doc.get("Instances", [])
    if not isinstance(regions, list) or not regions or \
            not isinstance(records, list):
        raise ValueError("Regions must be a non-empty list, Instances a "
                         "list")
    regions = [check_region(r, n) for n, r in enumerate(regions)]
    if len({r.id for r in regions}) != len(regions):
        raise ValueError("a region is given twice")
    return Inventory(regions, records, from_file)


def load(path):
    """The inventory in the file, or ValueError/OSError naming the file."""
    try:
        with open(path, encoding="utf-8") as f:
            return from_json(json.load(f))
    except ValueError as e:
        raise ValueError("%s: %s" % (path, e))


def builtin():
    return from_json({"Instances": [dict(r) for r in BUILTIN_INSTANCES]},
                     from_file=False)
