# SPDX-License-Identifier: ISC
# The local layer's harness (sourced by tests/local/run after
# tests/e2e/lib.sh, whose pieces it reuses): the *installed* setgid
# vncgate-shell run by local users of the bastion directly, not through
# sshd, as any of them can (issue 11).  local_setup builds, inside the
# namespaces of e2e_enter and under e2e's host-wide lock:
#   - make install of a copy of VG_TREE (default: this tree) into $R:
#     $SH, $AUDIT_TOOL, $AUDIT_FILE, $STATE_DIR, $LOGDIR, $R/pam/...;
#   - a syslog sink on a private /dev/log ($T/syslog.txt): the
#     privileged shell ignores VNCGATE_SYSLOG_SOCKET;
#   - the users vgop1 (granted web-*, win-*, db-*), vgop2 (granted
#     nothing) and vgop3 (granted web-*), random passwords (`pw USER`);
#   - the PAM stacks of e2e (vncgate: pam_unix, pam_vncgate) and
#     vglocal-session (pam_vncgate's session stage, for pamsession.py);
#   - the mock cloud and the config (e2e_conf's knobs; PAM_SERVICE is ""
#     unless a case sets it).
# A case runs the shell as a user with `lsh USER COMMAND`: setpriv
# --reuid/--regid/--init-groups, an environment of PATH only (plus
# LSH_ENV), stdin LSH_IN, wrapped in LSH_WRAP (prlimit, timeout ...):
# $OUT $ERR $RC, and the time it took in $SECS.

LT=tests/local
E2E_LOGS="$E2E_LOGS screen verify.out local/hstate local/rstate local/pam.out \
    local/sess.out local/dump local/scan"

local_setup() {
	e2e_frame local
	mkdir -m 1777 "$T/local"
	e2e_dev
	local_install
	e2e_operators
	e2e_user vgop3
	e2e_pam
	printf 'session required %s\n' "$R/pam/pam_vncgate.so" \
	    >"$T/pam.d/vglocal-session"
	LOGDIR=${AUDIT_FILE%/*}
	start_mock 9<&- || e2e_abort "the mock cloud did not start"
	local_acl
	local_conf
}

# make install of VG_TREE: e2e_install copies the tree it runs in
local_install() {
	top=$PWD
	cd "${VG_TREE:-$top}" || e2e_abort "VG_TREE $VG_TREE: no such folder"
	[ -f Makefile ] && [ -d shell ] ||
	    e2e_abort "VG_TREE ${VG_TREE:-.} is not a vncgate tree"
	e2e_install
	cd "$top" || exit 1
}

# the config of e2e_conf, with no PAM step-up unless PAM_SERVICE is set
local_conf() {
	PAM_SERVICE=${PAM_SERVICE-} e2e_conf
}

# the ACL: vgop1 as in e2e, vgop3 web-* too, vgop2 nothing
local_acl() {
	e2e_acl 'allow "ops" {' '  users = {"vgop1"}' \
	    '  instances = {"web-*", "win-*", "db-*"}' '}' \
	    'allow "web" {' '  users = {"vgop3"}' '  instances = {"web-*"}' '}' \
	    'deny "never-secret" {' '  instances = {"secret-*"}' '}'
}

# conf_add BLOCK LINE: LINE into the block "BLOCK {" of the config (a
# key e2e_conf does not write: api.vnc_hosts, audit.lock_timeout)
conf_add() {
	sed -i "/^$1 {\$/a\\  $2" "$R/etc/vncgate/vncgate.conf"
}

# conf_set KEY VALUE: the line "  KEY = ..." of the config, replaced
conf_set() {
	sed -i "s|^  $1 = .*|  $1 = $2|" "$R/etc/vncgate/vncgate.conf"
}

# ------------------------------------------------------------ running

uid_of() { id -u "$1"; }
gid_of() { id -g "$1"; }

# lsh USER COMMAND: the installed shell -c COMMAND as USER
OUT=
ERR=
RC=
SECS=
# (LSH_CONN: SSH_CONNECTION, spaces and all; LSH_FD6=1: stdin is the
# runner's fd 6 as the caller opened it, whose offset then shows what
# the shell read)
lsh() {
	u=$1 OUT=$T/out ERR=$T/err
	set -- "$SH" -c "$2"
	[ -n "${LSH_CONN:-}" ] && set -- "SSH_CONNECTION=$LSH_CONN" "$@"
	[ "${LSH_FD6:-}" = 1 ] || exec 6<"${LSH_IN:-/dev/null}"
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	setpriv --reuid "$(uid_of "$u")" --regid "$(gid_of "$u")" \
	    --init-groups ${LSH_WRAP:-} env -i PATH=/usr/bin:/bin \
	    ${LSH_ENV:-} "$@" <&6 >"$OUT" 2>"$ERR" 9<&-
	RC=$?
	SECS=$((($(date +%s%N) - t0) / 1000000000))
	syslog_sync
}

# lsh_argv USER: the same command line, for a helper that runs it
lsh_argv() {
	echo "setpriv --reuid $(uid_of "$1") --regid $(gid_of "$1")" \
	    "--init-groups env -i PATH=/usr/bin:/bin ${LSH_ENV:-} $SH"
}

# ---------------------------------------------------------------- marks

# mark: what syslog and the audit file held so far; the predicates
# below look at what came after it
SL=0
AL=0
mark() {
	syslog_sync
	SL=$(wc -l <"$T/syslog.txt")
	AL=$( (wc -l <"$AUDIT_FILE") 2>/dev/null || echo 0)
	ECS0=$(mock_count ecs)
}

# the vncgate records in syslog since the mark, message part
since() {
	tail -n +"$((SL + 1))" "$T/syslog.txt" |
	    grep "vncgate\[[0-9]*\]: event=" | sed 's/^.*vncgate\[[0-9]*\]: //'
}

# recs EVENT PATTERN...: the records of EVENT since the mark holding
# every PATTERN (BREs), one a line
recs() {
	ev=$1; shift
	since | grep "^event=$ev " >"$T/recs" || true
	for p in "$@"; do
		grep -- "$p" "$T/recs" >"$T/recs.1" || true
		mv "$T/recs.1" "$T/recs"
	done
	cat "$T/recs"
}
rec_seen() { [ -n "$(recs "$@")" ]; }
rec_count() { recs "$@" | grep -c .; }
no_rec() { [ -z "$(recs "$@")" ]; }

# new_text_nowhere TEXT: neither syslog nor the audit file got TEXT
# since the mark (both readable)
new_text_nowhere() {
	[ -r "$T/syslog.txt" ] && [ -r "$AUDIT_FILE" ] || return 1
	tail -n +"$((SL + 1))" "$T/syslog.txt" >"$T/new.txt"
	tail -n +"$((AL + 1))" "$AUDIT_FILE" >>"$T/new.txt"
	lacks "$T/new.txt" "$1"
}

rc_is() { [ "$RC" = "$1" ]; }
out_empty() { [ ! -s "$OUT" ]; }
# stdout is exactly the console URL the mock issued last for web-1
out_is_web_url() { [ "$(cat "$OUT")" = "$(mock_url "$INST_WEB" false)" ]; }
# stderr is one line of text (the one clear sentence)
one_sentence() { [ -s "$ERR" ] && [ "$(grep -c . "$ERR")" -eq 1 ]; }
no_ecs_call() { [ "$(mock_count ecs)" -eq "$ECS0" ]; }
within() { [ "$SECS" -le "$1" ]; }

# verify_ok: vncgate-audit verify accepts the audit file
verify_ok() {
	"$AUDIT_TOOL" verify "$AUDIT_FILE" >"$T/verify.out" 2>&1
}

# the audit file's records are whole lines: it ends in a newline
audit_whole() {
	[ -s "$AUDIT_FILE" ] &&
	    [ "$(tail -c 1 "$AUDIT_FILE" | od -An -c | tr -d ' ')" = '\n' ]
}

# make_records N: run `help` as vgop1 until the audit file holds at
# least N records (help writes shell_start and shell_end)
make_records() {
	mk=0
	while [ "$(wc -l <"$AUDIT_FILE")" -lt "$1" ] && [ $mk -lt "$1" ]; do
		LSH_WRAP='' lsh vgop1 help
		mk=$((mk + 1))
	done
}

# a file of TEXT, for pty.py's steps (one argument a line)
steps() {
	f=$T/local/steps.$$.$N
	printf '%s\n' "$@" >"$f"
	echo "$f"
}

# pty_run USER SCRIPT [PRE] -- ARGS: the shell with ARGS as USER on a
# terminal of its own (TERM=xterm), driven by pty.py; its status in RC,
# the screen in $T/screen
pty_run() {
	u=$1 script=$2 pre=$3; shift 4
	# shellcheck disable=SC2046
	$PY $LT/pty.py --pre "$pre" --log "$T/screen" --limit 40 "$script" \
	    -- setpriv --reuid "$(uid_of "$u")" --regid "$(gid_of "$u")" \
	    --init-groups env -i PATH=/usr/bin:/bin TERM=xterm \
	    LANG=C.UTF-8 "$SH" "$@" 9<&-
	RC=$?
	syslog_sync
}
screen_has() { grep -qaF -- "$1" "$T/screen"; }
screen_lacks() { lacks "$T/screen" "$1"; }
