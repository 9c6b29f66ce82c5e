# SPDX-License-Identifier: ISC
# Item 1: any local user could break the audit file for good.  Limits
# survive a setgid exec and SIGXFSZ kept its default, so with
# RLIMIT_FSIZE just below the end of the next record the write was cut
# and the process killed before its rollback: the file ended in half a
# record and every later append was refused.  DESIGN 1.2: SIGXFSZ
# ignored, RLIMIT_FSIZE raised before any file is written; 1.7: a torn
# tail (a writer killed mid-write) is cut by the next writer, which
# appends audit_repair (cut_bytes, cut_sha256), and verify says
# "ok N records, R repairs".

# the limits past the file's end that each run gets, in bytes: from
# inside its first record (shell_start) to past its last
FSIZE_STEPS="1 40 100 160 230 300 380 460 540 620 700 800 900 1000 1200"

# the torn tail of the audit file (after its last newline), cut off:
# the file is made whole again for what follows (the test's own repair)
audit_cut_tail() {
	$PY - "$AUDIT_FILE" <<'PYEOF'
import os, sys
p = sys.argv[1]
data = open(p, "rb").read()
keep = data.rfind(b"\n") + 1
os.truncate(p, keep)
PYEOF
}

# the field KEY of line N of the audit file is VALUE (as text)
audit_field_is() {	# N KEY VALUE
	$PY - "$AUDIT_FILE" "$1" "$2" "$3" <<'PYEOF'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
n, key, want = int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    rec = json.loads(lines[n - 1])
except (IndexError, ValueError):
    sys.exit(1)
sys.exit(0 if str(rec.get(key)) == want else 1)
PYEOF
}

# verify says "ok N records, R repair(s)" with N the file's lines
verify_counts_repairs() {	# R
	n=$(wc -l <"$AUDIT_FILE")
	"$AUDIT_TOOL" verify "$AUDIT_FILE" >"$T/verify.out" 2>&1 &&
	    grep -qxE "ok $n records, $1 repairs?" "$T/verify.out"
}

item1_fsize() {
	make_records 5
	verify_ok || fail "1: setup: the audit file verifies before" \
	    "$(cat "$T/verify.out")"
	runs=0 torn=""
	for d in $FSIZE_STEPS; do
		s=$(stat -c %s "$AUDIT_FILE")
		LSH_WRAP="prlimit --fsize=$((s + d)) --" lsh vgop1 "url web-1"
		runs=$((runs + 1))
		if ! verify_ok; then
			torn="limit $((s + d)) (file $s bytes), exit $RC: \
$(cat "$T/verify.out")"
			break
		fi
	done
	if [ -z "$torn" ]; then
		ok "1: vgop1's url web-1 under RLIMIT_FSIZE just past the \
audit file's end (+1 to +1200 bytes, $runs runs): vncgate-audit verify \
accepts the file after each run"
	else
		fail "1: vgop1's url web-1 under RLIMIT_FSIZE just past the \
audit file's end (+1 to +1200 bytes): vncgate-audit verify accepts the \
file after each run" "run $runs tore it: $torn"
	fi
	LSH_WRAP='' lsh vgop1 "url web-1"
	check "1: after those runs a normal url web-1 still issues the URL: \
exit 0" rc_is 0
	check "1: ... stdout is the URL" out_is_web_url
	# what follows needs a whole file: today's code left it torn
	audit_whole || audit_cut_tail
}

item1_repair() {
	# a writer killed mid-write: the first 137 bytes of a record, no
	# newline (planted by root, as the dead writer would have left it)
	make_records 5
	n0=$(wc -l <"$AUDIT_FILE")
	tail -n 1 "$AUDIT_FILE" | head -c 137 >"$T/local/cut"
	check "1: setup: 137 bytes of a record planted at the end of the \
audit file (no newline)" [ "$(wc -c <"$T/local/cut")" -eq 137 ]
	cat "$T/local/cut" >>"$AUDIT_FILE"
	cut_sha=$(sha256sum <"$T/local/cut" | cut -c 1-16)
	mark
	lsh vgop1 "url web-1"
	check "1: the audit file ending in a torn record (137 bytes), the \
next url web-1 still issues the URL: exit 0" rc_is 0
	check "1: ... stdout is the URL" out_is_web_url
	check "1: ... the file is whole again: vncgate-audit verify accepts \
it" verify_ok
	check "1: ... the record after the last whole one is audit_repair" \
	    audit_field_is $((n0 + 1)) event audit_repair
	check "1: ... audit_repair says cut_bytes 137" \
	    audit_field_is $((n0 + 1)) cut_bytes 137
	check "1: ... and cut_sha256, the first 16 hex digits of the \
SHA-256 of the bytes cut ($cut_sha)" \
	    audit_field_is $((n0 + 1)) cut_sha256 "$cut_sha"
	check "1: ... audit_repair went to syslog too" \
	    rec_seen audit_repair " cut_bytes=137" " cut_sha256=$cut_sha"
	check "1: ... verify says \"ok N records, 1 repair\"" \
	    verify_counts_repairs 1
	audit_whole || audit_cut_tail
}

item_1() {
	local_conf
	item1_fsize
	item1_repair
}
