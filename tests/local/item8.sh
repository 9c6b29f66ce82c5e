# SPDX-License-Identifier: ISC
# Item 8: secrets outlived their use: AccessKeySecret, SecurityToken, the
# Authorization header and the VncUrl stayed in freed memory (jansson's
# buffers, libcurl's, OpenSSL's, libconfuse's lexer, the stdout buffer).
# DESIGN 1.2: secrets are wiped from memory after use.  The installed
# shell runs as vgop1 with each credential provider and both signatures,
# `url web-1`, `qr web-1` (libqrencode) and the menu on a terminal; gdb
# (root) stops it at exit_group, its last system call, and gcore writes
# its memory; none of the secrets of the run may be in it.  The mock
# answers slowly (--fault slow) so that gdb is attached before the end.
#
# The control: the same run under gdb from its start, with a core at
# each curl_easy_perform and at show_url, where each secret is still in
# use.  Each must be found there, so the search itself (the values from
# the mock's log, as they sit in memory: percent-encoded in a V1 query)
# is proven able to find what the first check says is gone.

CORE_KINDS_ROLE="role-secret security-token vncurl vncurl-token signature"
CORE_KINDS_STATIC="static-secret vncurl vncurl-token signature"

core_lacks() { grep -qx "absent $1" "$T/local/scan"; }
core_holds() { grep -qx "found $1" "$T/local/scan"; }

# a fresh marker for the shell's environment: $marker
core_mark() {
	marker=vglocal-mark-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
}

# the shell's command line as vgop1, the marker and LSH_ENV's variables
# in its environment
core_argv() {
	LSH_ENV="VGLOCAL_MARK=$marker ${LSH_ENV:-}" lsh_argv vgop1
}

# core_scan CORE...: $T/local/scan, one line a secret of the last run
core_scan() {
	$PY $LT/core.py scan "$MOCK" "$AK_SECRET" "$marker" "$@" \
	    >"$T/local/scan" 2>&1
	sed 's/^/# core.py: /' "$T/local/dump" "$T/local/scan"
}

# core_run LABEL KINDS url|qr|menu: the shell under gdb, as it exits
core_run() {
	label=$1 kinds=$2
	rm -f "$T/local/core"
	core_mark
	case $3 in
	menu)
		# shellcheck disable=SC2046
		set -- $PY $LT/pty.py --log "$T/screen" --limit 40 \
		    "$(steps "expect vncgate> " "send web-1\\r" \
		    "expect [URL valid" "send q\\r" "wait")" -- \
		    $(LSH_ENV="TERM=xterm LANG=C.UTF-8" core_argv) ;;
	*)
		# shellcheck disable=SC2046
		set -- $(core_argv) -c "$3 web-1" ;;
	esac
	$PY $LT/core.py dump "$SH" "$T/local/core" "$T/local/core.out" -- \
	    "$@" >"$T/local/dump" 2>&1 9<&-
	core_scan "$T/local/core"
	check "8 ($label): setup: the shell under gdb issued the URL, exit 0" \
	    grep -qx 'exit 0' "$T/local/dump"
	check "8 ($label): setup: gdb wrote the core at exit_group, and it \
holds the marker of the shell's environment" core_holds mark
	for k in $kinds; do
		check "8 ($label): the core holds no $k" core_lacks "$k"
	done
	rm -f "$T/local/core"
}

# core_control LABEL KINDS: url web-1 under gdb from its start; each
# secret is in a core taken while it is in use
core_control() {
	label=$1 kinds=$2
	rm -f "$T/local/ctl"*
	core_mark
	# shellcheck disable=SC2046
	$PY $LT/core.py control "$T/local/ctl" "$T/local/ctl.out" -- \
	    $(core_argv) -c "url web-1" >"$T/local/dump" 2>&1 9<&-
	core_scan "$T/local/ctl".[0-9]*
	check "8 ($label, control): url web-1 under gdb from its start \
issued the URL, exit 0" grep -qx 'exit 0' "$T/local/dump"
	for k in $kinds mark; do
		check "8 ($label, control): a core taken while it is in use \
holds the $k" core_holds "$k"
	done
	rm -f "$T/local/ctl"*
}

item_8() {
	start_mock --fault slow --delay 2 9<&- ||
	    fail "8: the mock did not start"
	local_conf
	core_run "ecs_ram_role, V3, url" "$CORE_KINDS_ROLE" url
	core_control "ecs_ram_role, V3" "$CORE_KINDS_ROLE"
	PROVIDER=ram_role_arn SIGNATURE=v1 local_conf
	core_run "ram_role_arn, V1, url" "static-secret $CORE_KINDS_ROLE" url
	core_control "ram_role_arn, V1" "static-secret $CORE_KINDS_ROLE"
	PROVIDER=static local_conf
	core_run "static, V3, qr" "$CORE_KINDS_STATIC" qr
	core_control "static, V3" "$CORE_KINDS_STATIC"
	PROVIDER=static SIGNATURE=v1 local_conf
	core_run "static, V1, the menu" "$CORE_KINDS_STATIC" menu
	start_mock 9<&- || fail "8: the mock did not start again"
	local_conf
}
