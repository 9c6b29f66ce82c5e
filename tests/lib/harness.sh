# SPDX-License-Identifier: ISC
# Shared by the shell-level test layers (sourced, POSIX sh).
# Each layer prints TAP lines; tests/run counts them.
#
#   harness_init            make $T (a temp folder), trap cleanup
#   start_syslog            a real AF_UNIX datagram syslog sink at $T/log.sock
#   start_mock [ARGS...]    the HTTPS mock cloud in a fresh $MOCK folder
#   write_conf PROVIDER SIG [EXTRA_TOP]   config, ACL and access key in $T
#   vg CMD                  run vncgate-shell -c CMD: $OUT $ERR $RC
#   check NAME CMD [ARGS...]  one assertion (the rule below)
#   skip NAME WHY           a test that cannot run here, and why
#   lacks FILE TEXT         FILE exists and does not hold TEXT
#   has_record EVENT TEXT...  a syslog record of EVENT with every TEXT
#   ok NAME / fail NAME WHY...  a result decided by the caller
#
# The rule of check: NAME says what a user would notice, CMD is exactly
# one simple command (a test, a grep, a function, a program) and its exit
# status is the assertion.  Nothing may follow it:
#   check "x" [ "$RC" -eq 0 ] && grep -q y "$OUT"	# WRONG: the grep
#	runs outside check and its result is thrown away
#   check "x: exit 0" [ "$RC" -eq 0 ]		# right: one check per
#   check "x: says y" grep -q y "$OUT"		# predicate
# No `eval`, no `! cmd` (write [ ! ... ] or a function that says what it
# tests), no `sh -c 'A && B'`, no `check ... | ...` or `check ...; ...`,
# no `if check`.  A predicate that needs several steps is a function
# whose name says what it asserts.  tests/static/checklint.py enforces
# this on every shell file under tests/ (the static layer).
#
# A skip is never a pass: skip prints TAP's "ok N - NAME # SKIP WHY" and
# tests/run counts it on its own.  WHY is required.

PY=/usr/bin/python3
SHELL_BIN=${SHELL_BIN:-$PWD/shell/vncgate-shell}
N=0
FAILED=0
PIDS=""

harness_init() {
	T=$(mktemp -d /tmp/vgtest.XXXXXX) || exit 1
	chmod 755 "$T"
	trap harness_cleanup EXIT
	# a signal ends the run: cleanup (via EXIT), never carry on
	trap 'exit 130' INT
	trap 'exit 143' TERM
	tests/mock/mkcerts "$T/certs" >/dev/null 2>&1 || {
		echo "not ok - cannot make test certificates"; exit 1; }
	ME=$(id -un)
}

harness_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	if [ "$FAILED" -ne 0 ] && [ -n "${KEEP_LOGS:-}" ]; then
		echo "# logs kept in $T"
	else
		rm -rf "$T"
	fi
}

ok() {
	N=$((N + 1)); printf 'ok %s - %s\n' "$N" "$1"
}

fail() {
	N=$((N + 1)); FAILED=$((FAILED + 1))
	printf 'not ok %s - %s\n' "$N" "$1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}

skip() {
	N=$((N + 1))
	printf 'ok %s - %s # SKIP %s\n' "$N" "$1" "${2:?skip: say why}"
}

# check NAME COMMAND [ARGS...]: ok when the one command succeeds
check() {
	name=$1; shift
	case ${1:-} in
	''|eval|!)
		fail "$name" "check takes one command, not '${1:-}'"
		return ;;
	esac
	if "$@"; then ok "$name"; else
		fail "$name" "failed: $*" \
		    "rc=$RC out=$(head -c 300 "${OUT:-/dev/null}" 2>&1)" \
		    "err=$(head -c 300 "${ERR:-/dev/null}" 2>&1)"
	fi
}

# lacks FILE TEXT: FILE exists and TEXT (fixed) is nowhere in it.  Not
# `! grep -q`, which a missing or unreadable file passes.
lacks() {
	[ -f "$1" ] && [ -r "$1" ] || return 1
	! grep -qaF -- "$2" "$1"
}

# lacks_re FILE ERE: the same for an extended regular expression
lacks_re() {
	[ -f "$1" ] && [ -r "$1" ] || return 1
	! grep -qaE -- "$2" "$1"
}

wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.05
	done
}

start_syslog() {
	rm -f "$T/syslog.txt" "$T/syslogd.pid"
	: >"$T/syslog.txt"
	$PY tests/lib/syslogd.py "$T/log.sock" "$T/syslog.txt" \
	    "$T/syslogd.pid" &
	PIDS="$PIDS $!"
	wait_file "$T/syslogd.pid"
}

stop_pid_file() {
	[ -s "$1" ] || return 0
	p=$(cat "$1")
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	rm -f "$1"
}

stop_syslog() { stop_pid_file "$T/syslogd.pid"; }

MOCKN=0
start_mock() {
	[ -n "${MOCK:-}" ] && stop_mock
	MOCKN=$((MOCKN + 1))
	MOCK=$T/mock$MOCKN
	mkdir -p "$MOCK"
	cp "$T"/certs/* "$MOCK"/
	$PY tests/mock/mockcloud.py --dir "$MOCK" "$@" \
	    >"$MOCK/stdout" 2>&1 &
	PIDS="$PIDS $!"
	wait_file "$MOCK/ecs.port" || { echo "# mock did not start"; return 1; }
	ECS_PORT=$(cat "$MOCK/ecs.port")
	STS_PORT=$(cat "$MOCK/sts.port")
	IMDS_PORT=$(cat "$MOCK/imds.port")
}

stop_mock() {
	stop_pid_file "$MOCK/mock.pid"
	MOCK=
}

# Requests the mock logged for a service (ecs, sts, imds).
mock_count() {
	[ -f "$MOCK/requests.log" ] || { echo 0; return; }
	grep -c "\"service\": *\"$1\"" "$MOCK/requests.log"
}

# A field of the last logged request of a service.
mock_last() {
	$PY - "$MOCK/requests.log" "$1" "$2" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r.get("service") == sys.argv[2]]
print(rows[-1].get(sys.argv[3], "") if rows else "")
PYEOF
}

PAGE=https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/index.html
AK_ID=LTAI5tMOCKstaticKey01
AK_SECRET=MOCKstaticSecret0123456789abcdef
ROLE_ARN=acs:ram::1234567890123456:role/vncgate-operator

# write_conf PROVIDER SIGVER [LINES...]: extra lines go in the top level.
write_conf() {
	provider=$1 sig=$2; shift 2
	{
		echo "acl_file = \"$T/acl.conf\""
		echo "pam_service = \"${PAM_SERVICE:-}\""
		for line in "$@"; do echo "$line"; done
		cat <<CONF
api {
  region = "cn-hangzhou"
  endpoint = "https://127.0.0.1:$ECS_PORT"
  sts_endpoint = "https://127.0.0.1:$STS_PORT"
  signature = "$sig"
  ca_file = "${CA_FILE:-$MOCK/ca.pem}"
  connect_timeout = 1
  timeout = ${API_TIMEOUT:-5}
  retries = ${RETRIES:-2}
}
credentials {
  provider = "$provider"
  metadata_url = "http://127.0.0.1:$IMDS_PORT"
  metadata_token = "${MD_TOKEN:-required}"
  access_key_file = "$T/access_key"
  role_arn = "$ROLE_ARN"
  session_policy = true
}
audit {
  file = ""
  required = true
}
limits {
  state_dir = "$T/state"
  user_per_minute = ${USER_PER_MINUTE:-10000}
  instance_per_minute = ${INSTANCE_PER_MINUTE:-10000}
}
instance "web-1" {
  id = "i-bp1hzoinajzkh91h0001"
  description = "web frontend 1"
  tags = {"env=prod", "team=web"}
}
instance "win-1" {
  id = "i-bp1hzoinajzkh91h0002"
  os = "windows"
  description = "windows box"
}
instance "db-1" {
  id = "i-bp1stopped0000000003"
  description = "a stopped database"
}
instance "secret-1" {
  id = "i-bp1hzoinajzkh91h0004"
  description = "nobody may open this"
}
CONF
	} >"$T/vncgate.conf"
	mkdir -p "$T/state"
	chmod 700 "$T/state"
	cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"web-*", "win-*", "db-*"}
}
deny "never-secret" {
  instances = {"secret-*"}
}
ACL
	printf 'access_key_id = "%s"\naccess_key_secret = "%s"\n' \
	    "$AK_ID" "$AK_SECRET" >"$T/access_key"
	chmod 644 "$T/vncgate.conf" "$T/acl.conf"
	chmod 640 "$T/access_key"
}

# vg COMMAND: run the shell as sshd would for "ssh bastion COMMAND".
OUT=
ERR=
RC=
# VG_ORIG, when set, is sshd's SSH_ORIGINAL_COMMAND (spaces and all).
vg() {
	OUT=$T/out ERR=$T/err
	if [ -n "${VG_ORIG+set}" ]; then
		set -- "$1" "SSH_ORIGINAL_COMMAND=$VG_ORIG"
	else
		set -- "$1" "VG_NO_ORIGINAL_COMMAND=1"
	fi
	env -i PATH=/usr/bin:/bin VNCGATE_CONFIG="$T/vncgate.conf" \
	    VNCGATE_SYSLOG_SOCKET="$T/log.sock" \
	    SSH_CONNECTION="10.1.2.3 50000 10.0.0.1 22" "$2" \
	    ${VG_ENV:-} "$SHELL_BIN" -c "$1" <"${VG_STDIN:-/dev/null}" \
	    >"$OUT" 2>"$ERR"
	RC=$?
	syslog_sync
}

# vg_argv ARG...: the shell with other arguments than -c.
vg_argv() {
	OUT=$T/out ERR=$T/err
	env -i PATH=/usr/bin:/bin VNCGATE_CONFIG="$T/vncgate.conf" \
	    VNCGATE_SYSLOG_SOCKET="$T/log.sock" ${VG_ENV:-} "$SHELL_BIN" "$@" \
	    <"${VG_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
	RC=$?
	syslog_sync
}

# Datagrams arrive in order: once a marker sent now is in the file, every
# record the shell sent before it is there too.
SYNC=0
syslog_sync() {
	[ -S "$T/log.sock" ] && [ -s "$T/syslogd.pid" ] || return 0
	SYNC=$((SYNC + 1))
	logger -d -u "$T/log.sock" "vgtest-sync-$SYNC" 2>/dev/null || return 0
	i=0
	while ! grep -q "vgtest-sync-$SYNC\$" "$T/syslog.txt" && [ $i -lt 100 ]
	do
		sleep 0.02; i=$((i + 1))
	done
}

# The syslog records of one event, message part only.
records() {
	grep "vncgate\[[0-9]*\]: event=$1\b" "$T/syslog.txt" | \
	    sed 's/^.*vncgate\[[0-9]*\]: //'
}

# has_record EVENT TEXT...: some syslog record of EVENT holds every TEXT
# (fixed strings, each after a space: "result=ok", "name=web-1")
has_record() {
	ev=$1; shift
	lines=$(records "$ev")
	for kv in "$@"; do
		lines=$(printf '%s\n' "$lines" | grep -F -- " $kv")
	done
	[ -n "$lines" ]
}

harness_end() {
	echo "1..$N"
	[ "$FAILED" -eq 0 ]
}
