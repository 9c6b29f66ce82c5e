# SPDX-License-Identifier: ISC
# The listing's faults (DESIGN 1.10, 2.2), sourced by tests/faults/run:
# each fault of the mock's DescribeInstances and DescribeRegions against
# -S, with what the admin sees (the exit code, the line of each region),
# what the auditor sees (the inventory record), what the cloud saw (the
# requests, so the retries) and what stays of the cache: a failed region
# never shrinks it, a failure with nothing new leaves it byte for byte.

# 300 instances, 150 in each of two regions: two pages each
$PY tests/mock/geninventory.py --instances 300 \
    --regions cn-hangzhou,cn-shanghai --lean "$T/faults-inv.json" >/dev/null

# the mock with FAULT... and the config with discovery; the good cache
# (made by a fault-free run) in place
lf_setup() {
	start_mock --inventory "$T/faults-inv.json" "$@"
	RETRIES=2 write_conf static v3
	{
		echo "inventory {"
		echo "  discover = true"
		echo "  regions = {\"cn-hangzhou\", \"cn-shanghai\"}"
		echo "}"
	} >>"$T/vncgate.conf"
	cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"*"}
}
ACL
	cp "$T/good-cache.json" "$T/state/inventory.json"
	chmod 660 "$T/state/inventory.json"
	: >"$T/syslog.txt"
	: >"$MOCK/requests.log"
}

# requests the mock logged for DescribeInstances in REGION
di_count() {
	$PY - "$MOCK/requests.log" "$1" <<'PYEOF'
import json, sys
print(sum(1 for l in open(sys.argv[1])
          if json.loads(l)["action"] == "DescribeInstances" and
          json.loads(l)["region_id"] == sys.argv[2]))
PYEOF
}
di_is() { [ "$(di_count "$1")" -eq "$2" ]; }
region_line() {	# REGION RESULT
	grep -qE "^$1 count=[0-9]+ .* result=$2\$" "$OUT"
}
cache_kept() { cmp -s "$T/good-cache.json" "$T/state/inventory.json"; }
cache_region_count() {	# REGION N: the cache holds N instances there
	$PY - "$T/state/inventory.json" "$1" "$2" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
n = [len(r["instances"]) for r in c["regions"] if r["region"] == sys.argv[2]]
sys.exit(0 if n == [int(sys.argv[3])] else 1)
PYEOF
}

# the good cache, from a run without faults
start_mock --inventory "$T/faults-inv.json"
write_conf static v3
{
	echo "inventory {"
	echo "  discover = true"
	echo "  regions = {\"cn-hangzhou\", \"cn-shanghai\"}"
	echo "}"
} >>"$T/vncgate.conf"
rm -f "$T/state/inventory.json"
vg_argv -S
check "[listing] a clean refresh exits 0" [ "$RC" -eq 0 ]
cp "$T/state/inventory.json" "$T/good-cache.json"

# --- retried: throttling (honouring x-acs-retry-after), 5xx ------------------
for f in list-throttle list-unavailable list-internal; do
	lf_setup --fault "$f@cn-hangzhou/2:1"
	vg_argv -S
	check "[$f once] -S exits 0" [ "$RC" -eq 0 ]
	check "[$f once] the page was sent again: 3 requests" di_is \
	    cn-hangzhou 3
	check "[$f once] the other region was not touched" di_is cn-shanghai 2
	check "[$f once] the record says ok" has_record inventory result=ok \
	    count=300 requests=5
done

# --- retried until the retries are used up: the region fails, nothing shrinks
lf_setup --fault list-unavailable@cn-hangzhou/2
vg_argv -S
check "[list-unavailable always] -S exits 1" [ "$RC" -eq 1 ]
check "[list-unavailable always] page 2 was tried 1 + retries times" di_is \
    cn-hangzhou 4
check "[list-unavailable always] its region's line says why" region_line \
    cn-hangzhou ServiceUnavailable
check "[list-unavailable always] the other region is listed" region_line \
    cn-shanghai ok
check "[list-unavailable always] the failed region keeps its 150" \
    cache_region_count cn-hangzhou 150
check "[list-unavailable always] the record names the failure" has_record \
    inventory result=ServiceUnavailable regions=2 count=300

lf_setup --fault list-throttle@cn-hangzhou/1
vg_argv -S
check "[list-throttle always] -S exits 1" [ "$RC" -eq 1 ]
check "[list-throttle always] its line says Throttling.User" region_line \
    cn-hangzhou Throttling.User
check "[list-throttle always] tried 1 + retries times" di_is cn-hangzhou 3

# --- garbled pages: refused at once, never half-used ------------------------
for f in list-badjson list-badshape list-badtypes list-notoken \
    list-oversize; do
	lf_setup --fault "$f@2"
	vg_argv -S
	check "[$f] -S exits 1" [ "$RC" -eq 1 ]
	check "[$f] no page is retried: 2 requests a region" di_is \
	    cn-hangzhou 2
	check "[$f] both regions fail" [ "$(grep -c ' result=ok$' "$OUT")" \
	    -eq 0 ]
	check "[$f] the cache stays byte for byte" cache_kept
	check "[$f] the failure is recorded, the count unchanged" has_record \
	    inventory regions=2 count=300 added=0 removed=0
done

# --- no permission: an empty answer is not believed ---------------------------
lf_setup --fault list-denied
vg_argv -S
check "[list-denied] -S exits 1" [ "$RC" -eq 1 ]
check "[list-denied] each region's line says Forbidden.RAM" [ \
    "$(grep -c ' result=Forbidden.RAM$' "$OUT")" -eq 2 ]
check "[list-denied] the cache stays byte for byte" cache_kept
vg "list"
check "[list-denied] the last good instances are still listed" [ \
    "$(grep -c . "$OUT")" -ge 300 ]

lf_setup --fault list-denied@cn-shanghai
vg_argv -S
check "[list-denied one region] -S exits 1" [ "$RC" -eq 1 ]
check "[list-denied one region] the other region is listed" region_line \
    cn-hangzhou ok
check "[list-denied one region] the denied one keeps its 150" \
    cache_region_count cn-shanghai 150

# --- a region down, a region too slow -----------------------------------------
lf_setup --fault region-down@cn-shanghai
vg_argv -S
check "[region-down] -S exits 1" [ "$RC" -eq 1 ]
check "[region-down] its region fails alone" region_line cn-hangzhou ok
check "[region-down] it keeps its 150" cache_region_count cn-shanghai 150

start_mock --inventory "$T/faults-inv.json" --region-delay cn-shanghai:30
RETRIES=0 API_TIMEOUT=2 write_conf static v3
{
	echo "inventory {"
	echo "  discover = true"
	echo "  regions = {\"cn-hangzhou\", \"cn-shanghai\"}"
	echo "}"
} >>"$T/vncgate.conf"
cp "$T/good-cache.json" "$T/state/inventory.json"
t0=$(date +%s)
vg_argv -S
t1=$(date +%s)
check "[slow region] -S exits 1" [ "$RC" -eq 1 ]
check "[slow region] its line says Timeout" region_line cn-shanghai Timeout
check "[slow region] the other region is listed" region_line cn-hangzhou ok
check "[slow region] -S ends within api.timeout's bound, not the region's" \
    [ $((t1 - t0)) -lt 20 ]

# --- DescribeRegions ------------------------------------------------------------
lf_all() {
	{
		echo "inventory {"
		echo "  discover = true"
		echo "  regions = {\"*\"}"
		echo "}"
	} >>"$T/vncgate.conf"
}
lf_setup --fault regions-throttle:1
write_conf static v3
lf_all
vg_argv -S
check "[regions-throttle once] -S exits 0" [ "$RC" -eq 0 ]
check "[regions-throttle once] DescribeRegions was sent twice" [ \
    "$(grep -c '"action": "DescribeRegions"' "$MOCK/requests.log")" -eq 2 ]

lf_setup --fault regions-down
write_conf static v3
lf_all
cp "$T/good-cache.json" "$T/state/inventory.json"
vg_argv -S
check "[regions-down] -S exits 1" [ "$RC" -eq 1 ]
check "[regions-down] no region is listed" di_is cn-hangzhou 0
check "[regions-down] the cache stays byte for byte" cache_kept
check "[regions-down] the record says ServiceUnavailable" has_record \
    inventory result=ServiceUnavailable regions=0

# --- TLS: the wrong host's certificate ------------------------------------------
lf_setup --fault wronghost
vg_argv -S
check "[wronghost] -S exits 1" [ "$RC" -eq 1 ]
check "[wronghost] no listing on a certificate for another host" [ \
    "$(grep -c ' result=TLSError$' "$OUT")" -eq 2 ]
check "[wronghost] the cache stays byte for byte" cache_kept
