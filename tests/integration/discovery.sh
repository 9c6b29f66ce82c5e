# SPDX-License-Identifier: ISC
# The inventory from the cloud (DESIGN 1.10), sourced by
# tests/integration/run: -S and the runs that read and refresh the cache
# against the mock's DescribeInstances and DescribeRegions, for every
# credentials provider and both signatures; each rule of 1.10; what the
# operator sees (list, exit codes), what the auditor sees (the inventory
# record) and what the cloud saw (the mock's request log).

# ------------------------------------------------------------ helpers

# the inventory section, after write_conf (extra lines inside it)
disc_conf() {
	{
		echo "inventory {"
		echo "  discover = true"
		for line in "$@"; do echo "  $line"; done
		echo "}"
	} >>"$T/vncgate.conf"
}

# an ACL that lets the operator open every instance but secret-*
disc_acl() {
	cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"*"}
}
deny "never-secret" {
  instances = {"secret-*"}
}
ACL
}

# a query over the mock's request log: the number of rows that match
# KEY=VALUE pairs (values compared as text; true/false for booleans)
log_rows() {
	$PY - "$MOCK/requests.log" "$@" <<'PYEOF'
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[2:])
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if all(str(r.get(k)).lower() == v.lower() for k, v in want.items()):
        n += 1
print(n)
PYEOF
}
rows_are() {	# N KEY=VALUE...
	want=$1; shift
	[ "$(log_rows "$@")" -eq "$want" ]
}

# the list line of NAME is exactly the five columns given
list_line() {	# NAME ID REGION OS DESCRIPTION
	printf '%s\t%s\t%s\t%s\t%s\n' "$@" >"$T/want.line"
	grep -qxF -f "$T/want.line" "$OUT"
}
listed() { cut -f1 "$OUT" | grep -qxF -- "$1"; }
not_listed() { [ -f "$OUT" ] && ! cut -f1 "$OUT" | grep -qxF -- "$1"; }
five_columns() { awk -F'\t' 'NF != 5 { exit 1 }' "$OUT"; }

# an inventory file for the mock
inv_file() {	# FILE JSON
	printf '%s\n' "$2" >"$1"
}

# the mock rereads its inventory file (SIGHUP) and says so
mock_reload() {
	gen=$(cat "$MOCK/inventory.gen")
	kill -HUP "$(cat "$MOCK/mock.pid")"
	i=0
	while [ "$(cat "$MOCK/inventory.gen")" = "$gen" ] && [ $i -lt 100 ]
	do
		sleep 0.05; i=$((i + 1))
	done
}

# the last STS request made the listing's session: its name, and a
# Policy allowing exactly DescribeInstances on the account's instances
# and DescribeRegions on *
listing_policy_only() {
	$PY - "$MOCK/requests.log" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sts = [r for r in rows if r["service"] == "sts" and
       r["role_session_name"] == "vncgate-inventory"]
if not sts:
    sys.exit(1)
p = json.loads(sts[-1]["policy"])
one = lambda v: v if isinstance(v, list) else [v]
got = sorted((s["Effect"], tuple(one(s["Action"])), tuple(one(s["Resource"])))
             for s in p["Statement"])
want = sorted([("Allow", ("ecs:DescribeInstances",),
                ("acs:ecs:*:1234567890123456:instance/*",)),
               ("Allow", ("ecs:DescribeRegions",), ("*",))])
sys.exit(0 if got == want else 1)
PYEOF
}

# every DescribeInstances the listing made carried the listing's session
listing_session_used() {
	[ "$(log_rows service=ecs action=DescribeInstances)" -gt 0 ] &&
	    [ "$(log_rows service=ecs action=DescribeInstances)" -eq \
	    "$(log_rows service=ecs action=DescribeInstances \
	    role_session_name=vncgate-inventory)" ]
}

same_bytes() { cmp -s "$1" "$2"; }

# a refresh in the background is over: its lock is free (10 s at most)
settled() {
	i=0
	while ! flock -n "$T/state/inventory.lock" true; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.05
	done
}

# ------------------------------------------------------------ the six ways
# The mock's built-in inventory: web-1, win-1, db-1, secret-1 in
# cn-hangzhou and app-sh-1 in cn-shanghai, all tagged vncgate=yes.
start_mock
for provider in ecs_ram_role ram_role_arn static; do
	for sig in v1 v3; do
		w="$provider $sig"
		write_conf "$provider" "$sig"
		disc_acl
		disc_conf 'regions = {"cn-hangzhou", "cn-shanghai"}'
		rm -f "$T/state/inventory.json"
		: >"$MOCK/requests.log"
		: >"$T/syslog.txt"
		vg_argv -S
		check "$w: -S exits 0" [ "$RC" -eq 0 ]
		check "$w: -S prints a line for cn-shanghai" grep -qE \
		    '^cn-shanghai count=1 added=1 removed=0 requests=1 latency_ms=[0-9]+ result=ok$' "$OUT"
		check "$w: -S prints a line for cn-hangzhou" grep -qE \
		    '^cn-hangzhou count=4 added=4 removed=0 requests=1 latency_ms=[0-9]+ result=ok$' "$OUT"
		check "$w: an inventory record says ok" has_record inventory \
		    result=ok regions=2 count=5 added=5 removed=0 requests=2
		check "$w: the tag filter went to the cloud" rows_are 2 \
		    service=ecs action=DescribeInstances max_results=100
		vg "list"
		check "$w: list shows the discovered app-sh-1" list_line \
		    app-sh-1 i-uf6shanghai000000001 cn-shanghai linux \
		    "an app in Shanghai"
		vg "url app-sh-1"
		check "$w: url of a discovered instance exits 0" [ "$RC" -eq 0 ]
		check "$w: the console call went to its region" [ \
		    "$(mock_last ecs region_id)" = cn-shanghai ]
	done
done

# --- the listing's session under ram_role_arn --------------------------------
write_conf ram_role_arn v3
disc_acl
disc_conf
rm -f "$T/state/inventory.json"
: >"$MOCK/requests.log"
vg_argv -S
check "ram_role_arn: the listing's session is vncgate-inventory with a \
listing-only policy" listing_policy_only
check "ram_role_arn: every listing call used that session" \
    listing_session_used
vg "url web-1"
check "ram_role_arn: the issuance still has its own session" [ \
    "$(mock_last sts role_session_name)" = "$ME" ]

# ------------------------------------------------------------ the rules
# One file for the rules below: collisions, a name that is another's
# ID, a hostile name, an instance a config block names, tags.
INV=$T/inv.json
inv_file "$INV" '{"Regions": ["cn-hangzhou", "cn-beijing"], "Instances": [
 {"InstanceId": "i-dup000000000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "twin", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-dup000000000000000002", "RegionId": "cn-beijing",
  "InstanceName": "twin", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-alias00000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "i-dup000000000000000001", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-hostile0000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "\u001b]0;owned\u0007", "Description": "a\u001b[2Jb",
  "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-named000000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "cloudname", "OSType": "linux", "Description": "cloud words",
  "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-untagged00000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "untagged"},
 {"InstanceId": "i-payments00000000001", "RegionId": "cn-beijing",
  "InstanceName": "pay-1", "Status": "Stopped", "OSType": "windows",
  "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"},
                   {"TagKey": "team", "TagValue": "payments"}]}}]}'
start_mock --inventory "$INV"
write_conf static v3 'instance "named-by-config" {
  id = "i-named000000000000001"
  os = "windows"
  description = "config words"
}'
disc_acl
disc_conf 'regions = {"cn-hangzhou", "cn-beijing"}'
rm -f "$T/state/inventory.json"
vg_argv -S
check "rules: -S exits 0" [ "$RC" -eq 0 ]
vg "list"
check "rules: list keeps five columns" five_columns
check "rules: two instances named alike are known by their IDs" list_line \
    i-dup000000000000000001 i-dup000000000000000001 cn-hangzhou linux ""
check "rules: the other twin too" list_line \
    i-dup000000000000000002 i-dup000000000000000002 cn-beijing linux ""
check "rules: the name twin names nothing" not_listed twin
check "rules: a name that is another's ID is not taken" list_line \
    i-alias00000000000001 i-alias00000000000001 cn-hangzhou linux ""
check "rules: a hostile name leaves the instance known by its ID" \
    list_line i-hostile0000000000001 i-hostile0000000000001 cn-hangzhou \
    linux ""
check "rules: nothing of the hostile strings reaches stdout" lacks "$OUT" \
    "$(printf '\033')"
check "rules: a config block sets a discovered ID's name, os and \
description" list_line named-by-config i-named000000000000001 cn-hangzhou \
    windows "config words"
check "rules: the cloud's name of that ID is not listed" not_listed cloudname
check "rules: an instance without the filter's tags is not listed" \
    not_listed untagged
check "rules: os comes from OSType" list_line pay-1 i-payments00000000001 \
    cn-beijing windows ""
check "rules: the config's own blocks stay" listed web-1
vg "url i-dup000000000000000001"
check "rules: an ID-only instance opens by its ID" [ "$RC" -eq 0 ]
check "rules: ... in its region" [ "$(mock_last ecs region_id)" = \
    cn-hangzhou ]
vg "url pay-1"
check "rules: a stopped discovered instance is refused by the cloud" \
    [ "$RC" -eq 1 ]

# tag: rules reach discovered instances through the cloud's tags
cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"*"}
}
deny "no-payments" {
  instances = {"tag:team=payments"}
}
ACL
vg "list"
check "rules: a tag: deny hides a discovered instance by its cloud tag" \
    not_listed pay-1
check "rules: ... and not the others" listed i-dup000000000000000001
vg_argv -t -C "user=$ME,instance=pay-1"
check "-t -C: a discovered instance is decided over its cloud tags" grep \
    -qxF "deny no-payments" "$OUT"
check "-t -C: exit 3" [ "$RC" -eq 3 ]
vg_argv -t -C "user=$ME,instance=i-dup000000000000000002"
check "-t -C: a discovered instance known by its ID is allowed" grep -qxF \
    "allow ops" "$OUT"

# --- stale_after: an instance gone from the cloud stays a while -------------
disc_acl
inv_file "$INV" '{"Regions": ["cn-hangzhou", "cn-beijing"], "Instances": [
 {"InstanceId": "i-dup000000000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "twin", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}}]}'
mock_reload
vg_argv -S
check "stale_after: -S still exits 0" [ "$RC" -eq 0 ]
check "stale_after: nothing is removed yet" grep -q \
    '^cn-beijing count=2 added=0 removed=0 ' "$OUT"
vg "list"
check "stale_after: an instance gone from the answer stays listed" listed \
    pay-1
write_conf static v3
disc_acl
disc_conf 'regions = {"cn-hangzhou", "cn-beijing"}' 'stale_after = 1'
sleep 1.1
vg_argv -S
check "stale_after: once past it, the instances are removed" grep -q \
    '^cn-beijing count=0 added=0 removed=2 ' "$OUT"
check "stale_after: the record counts them" has_record inventory \
    result=ok removed=5
vg "list"
check "stale_after: ... and no longer listed" not_listed pay-1
check "stale_after: the name its twin's departure freed is taken" listed \
    twin

# --- an empty region is believed only after DryRun ---------------------------
: >"$MOCK/requests.log"
vg_argv -S
check "empty region: a DryRun call was made for cn-beijing" rows_are 1 \
    service=ecs action=DescribeInstances region_id=cn-beijing dry_run=true
check "empty region: counted as 0, ok" grep -q \
    '^cn-beijing count=0 added=0 removed=0 requests=2 .* result=ok$' "$OUT"

# --- ttl: within it no run calls the cloud; past it one run refreshes --------
write_conf static v3
disc_acl
disc_conf 'regions = {"cn-hangzhou"}' 'ttl = 300'
vg_argv -S
: >"$MOCK/requests.log"
vg "list"
check "ttl: a fresh cache makes no request" rows_are 0 service=ecs
vg_argv -t
check "-t: exit 0 with discovery on" [ "$RC" -eq 0 ]
check "-t: the discovery settings" grep -qxF "inventory: discover \
regions=cn-hangzhou tags=vncgate=yes name_tag=(InstanceName) ttl=300 \
stale_after=86400" "$OUT"
check "-t: the cache's size and age" grep -qE \
    '^inventory: cache 1 instances in 1 regions, [0-9]+ s old \(fresh\)$' \
    "$OUT"
check "-t: no request to the cloud" rows_are 0 service=ecs
inv_file "$INV" '{"Regions": ["cn-hangzhou", "cn-beijing"], "Instances": [
 {"InstanceId": "i-dup000000000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "twin", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}},
 {"InstanceId": "i-fresh00000000000001", "RegionId": "cn-hangzhou",
  "InstanceName": "fresh-1", "Tags": {"Tag": [{"TagKey": "vncgate", "TagValue": "yes"}]}}]}'
mock_reload
write_conf static v3
disc_acl
disc_conf 'regions = {"cn-hangzhou"}' 'ttl = 1'
sleep 1.1
: >"$T/syslog.txt"
vg "list"
check "ttl: the run that finds the cache stale exits 0" [ "$RC" -eq 0 ]
check "ttl: ... and does not wait for the refresh: the old cache" \
    not_listed fresh-1
check "ttl: the refresh in the background ends" settled
check "ttl: a stale cache is refreshed once" rows_are 1 \
    service=ecs action=DescribeInstances next_token=
syslog_sync
check "ttl: the background refresh is recorded" has_record inventory \
    result=ok count=2 added=1
vg "list"
check "ttl: the next run lists the refreshed cache" listed fresh-1

# --- the first run ever waits for the cloud -----------------------------------
rm -f "$T/state/inventory.json"
vg "list"
check "no cache: the first run lists the cloud's instances" listed twin

# --- regions = {"*"}: what DescribeRegions lists -----------------------------
start_mock
write_conf static v3
disc_acl
disc_conf 'regions = {"*"}'
vg_argv -S
check "all regions: -S exits 0" [ "$RC" -eq 0 ]
check "all regions: DescribeRegions was asked" rows_are 1 service=ecs \
    action=DescribeRegions
check "all regions: a line per region the cloud has" [ \
    "$(grep -c ' result=ok$' "$OUT")" -eq 5 ]
check "all regions: the record names 5 regions" has_record inventory \
    result=ok regions=5

# --- a corrupt cache is refused whole and fetched again -----------------------
write_conf static v3
disc_acl
disc_conf 'regions = {"cn-shanghai"}'
printf '{"version": 1, "written": 1, "regions": [' >"$T/state/inventory.json"
: >"$T/syslog.txt"
vg "list"
check "corrupt cache: the run still lists the cloud's instances" listed \
    app-sh-1
check "corrupt cache: refused, and recorded" has_record inventory \
    result=refused
check "corrupt cache: replaced by a good one" grep -q '"version":1' \
    "$T/state/inventory.json"
ln -sf /etc/passwd "$T/state/inventory.json"
vg "list"
check "a symlink as the cache: never followed, refused" has_record \
    inventory result=refused
check "a symlink as the cache: /etc/passwd untouched" grep -q '^root:' \
    /etc/passwd
rm -f "$T/state/inventory.json"

# --- a failed region never shrinks the inventory -------------------------------
vg_argv -S
start_mock --fault region-down@cn-shanghai
write_conf static v3
disc_acl
disc_conf 'regions = {"cn-hangzhou", "cn-shanghai"}'
cp "$T/state/inventory.json" "$T/before.json"
vg_argv -S
check "region down: -S exits 1" [ "$RC" -eq 1 ]
check "region down: its line says why" grep -q \
    '^cn-shanghai .* result=ServiceUnavailable$' "$OUT"
check "region down: the other region is listed" grep -q \
    '^cn-hangzhou count=4 .* result=ok$' "$OUT"
vg "list"
check "region down: its instances stay listed" listed app-sh-1

# --- 50 shells on a stale cache: exactly one refresh -------------------------
start_mock --region-delay cn-hangzhou:0.5
write_conf static v3
disc_acl
disc_conf 'ttl = 1'
vg_argv -S
sleep 1.1
: >"$MOCK/requests.log"
many_lists() {
	i=0 pids=""
	while [ $i -lt 50 ]; do
		env -i PATH=/usr/bin:/bin VNCGATE_CONFIG="$T/vncgate.conf" \
		    VNCGATE_SYSLOG_SOCKET="$T/log.sock" VG_NO_ORIGINAL_COMMAND=1 \
		    SSH_CONNECTION="10.1.2.3 50000 10.0.0.1 22" "$SHELL_BIN" \
		    -c list >"$T/many.$i" 2>&1 </dev/null &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p"; done
}
many_lists
settled
all_listed() {
	i=0
	while [ $i -lt 50 ]; do
		grep -q '^web-1	' "$T/many.$i" || return 1
		i=$((i + 1))
	done
}
check "50 shells on a stale cache: every one lists" all_listed
check "50 shells on a stale cache: exactly one refresh" rows_are 1 \
    service=ecs action=DescribeInstances next_token=

# --- a refresh that fails half-way leaves the old cache byte for byte ----------
$PY tests/mock/geninventory.py --instances 250 --regions cn-hangzhou --lean \
    "$T/big.json" >/dev/null
start_mock --inventory "$T/big.json"
write_conf static v3
disc_acl
disc_conf
rm -f "$T/state/inventory.json"
vg_argv -S
check "half-way: the first listing takes 3 pages" grep -q \
    '^cn-hangzhou count=250 added=250 removed=0 requests=3 ' "$OUT"
cp "$T/state/inventory.json" "$T/before.json"
start_mock --inventory "$T/big.json" --fault list-unavailable@2
write_conf static v3
disc_acl
disc_conf
vg_argv -S
check "half-way: -S exits 1" [ "$RC" -eq 1 ]
check "half-way: the old cache stays byte for byte" same_bytes \
    "$T/before.json" "$T/state/inventory.json"
check "half-way: the failure is recorded" has_record inventory \
    result=ServiceUnavailable
vg "list"
check "half-way: the run lists the last good cache" [ \
    "$(grep -c . "$OUT")" -ge 250 ]

# --- hostile strings from the cloud never fail a region --------------------
# every string of geninventory.HOSTILE (NUL, a lone surrogate, escapes,
# bidi, 2,000 characters ...) as names, descriptions and tags
$PY tests/mock/geninventory.py --instances 60 --regions cn-hangzhou \
    --hostile 17 --lean "$T/hostile.json" >/dev/null
start_mock --inventory "$T/hostile.json"
write_conf static v3
disc_acl
disc_conf
rm -f "$T/state/inventory.json"
vg_argv -S
check "hostile strings: -S exits 0" [ "$RC" -eq 0 ]
check "hostile strings: all 60 instances are listed" grep -q \
    '^cn-hangzhou count=60 added=60 ' "$OUT"
vg "list"
check "hostile strings: list keeps five columns" five_columns
check "hostile strings: no control byte on stdout" lacks_re "$OUT" \
    "$(printf '[\001-\010\013-\037\177]')"
