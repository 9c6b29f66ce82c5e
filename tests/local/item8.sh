# SPDX-License-Identifier: ISC
# Item 8: secrets outlived their use: AccessKeySecret, SecurityToken, the
# Authorization header and the VncUrl stayed in freed memory (jansson's
# buffers, libcurl's, libconfuse's lexer, the stdout buffer).  DESIGN
# 1.2: secrets are wiped from memory after use.  The installed shell
# runs url web-1 as vgop1; gdb (root) stops it at exit_group, its last
# system call, and gcore writes its memory; none of the secrets of the
# run may be in it.  The mock answers slowly (--fault slow) so that gdb
# is attached before the end.

CORE_KINDS_ROLE="role-secret security-token vncurl vncurl-token signature"

# core_lacks KIND: the scan found the secret KIND absent (not unknown)
core_lacks() { grep -qx "absent $1" "$T/local/scan"; }
core_has_mark() { grep -qx 'found mark' "$T/local/scan"; }

# core_run LABEL KINDS: url web-1 under gdb; one check per secret
core_run() {
	label=$1 kinds=$2
	rm -f "$T/local/core"
	marker=vglocal-mark-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	# shellcheck disable=SC2046
	$PY $LT/core.py dump "$SH" "$T/local/core" "$T/local/core.out" -- \
	    $(LSH_ENV="VGLOCAL_MARK=$marker" lsh_argv vgop1) -c "url web-1" \
	    >"$T/local/dump" 2>&1 9<&-
	$PY $LT/core.py scan "$T/local/core" "$MOCK" "$AK_SECRET" "$marker" \
	    >"$T/local/scan" 2>&1
	sed 's/^/# core.py: /' "$T/local/dump" "$T/local/scan"
	check "8 ($label): setup: url web-1 under gdb issued the URL, exit 0" \
	    grep -qx 'exit 0' "$T/local/dump"
	check "8 ($label): setup: gdb wrote the core at exit_group, and it \
holds the marker of the shell's environment" core_has_mark
	for k in $kinds; do
		check "8 ($label): the core holds no $k" core_lacks "$k"
	done
	rm -f "$T/local/core"
}

item_8() {
	start_mock --fault slow --delay 2 9<&- ||
	    fail "8: the mock did not start"
	local_conf
	core_run ecs_ram_role "$CORE_KINDS_ROLE"
	PROVIDER=ram_role_arn local_conf
	core_run ram_role_arn "static-secret $CORE_KINDS_ROLE"
	start_mock 9<&- || fail "8: the mock did not start again"
	local_conf
}
