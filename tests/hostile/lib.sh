# SPDX-License-Identifier: ISC
# Helpers of the hostile-input layer (sourced by tests/hostile/run after
# tests/e2e/lib.sh, whose harness this builds on: the real sshd, PAM,
# the installed setgid shell, the syslog sink and the mock cloud).
#
# A case is
#	case_begin "what is tried, and what must happen"
#	... drive ssh, sftp, scp or tmux ...
#	need "exit 2" [ "$RC" -eq 2 ]		# as many as it takes
#	case_end
# and prints one TAP line.  Besides its own `need`s, case_end checks
# what every case must show (issue 5):
#   - no program but vncgate-shell ran as the operator: the kernel's
#     process accounting (acct.py) has one record for every process
#     that ended since case_begin, however short it lived; with real
#     uid vgop1 only sshd's session child (a fork, no exec), the
#     shell, and unix_chkpwd (pam_unix's helper for the shell's own
#     step-up) may appear; and no sentinel file (a command such as
#     "touch $T/pwned/x" hidden in the input) exists;
#   - no URL and no secret in syslog, the audit file or sshd's log
#     (leakcheck.py: the mock's static secret, the metadata service's
#     secret and SecurityToken, every VncUrl the mock issued), and no
#     raw ESC byte there either.
# The record and the message are each case's own `need`s (new_rec,
# err_has).

HX=tests/hostile
MUX_UP=0

# ------------------------------------------------------------------ setup

hx_setup() {
	OP_UID=$(id -u vgop1)
	OP_GID=$(id -g vgop1)
	VG_GID=$(getent group vncgate | cut -d: -f3)
	SENT=$T/pwned
	mkdir -m 1777 "$SENT"
	ACCT=$T/acct
	if $PY $HX/acct.py on "$ACCT" 2>"$T/logs/acct.err"; then
		HX_ACCT=1
	else
		HX_ACCT=0
		echo "# process accounting unavailable: $(cat "$T/logs/acct.err")"
	fi
	printf '%s\n' "$AK_SECRET" >"$T/secrets"
	# a listener that must never hear from a forwarding
	$PY $HX/netprobe.py listen 127.0.0.1 "$T/lport" "$T/listen.log" \
	    9<&- &
	PIDS="$PIDS $!"
	wait_file "$T/lport" || e2e_abort "the test listener did not start"
	LPORT=$(cat "$T/lport")
	E2E_LOGS="$E2E_LOGS listen.log secrets-found case.log"
	command -v gdb >/dev/null 2>&1 && HX_GDB=1 || HX_GDB=0
}

# hx_client SECONDS USER PROGRAM ARGS...: e2e_client with a time limit
# (a client that hangs must not hang the layer); 124 when it struck.
hx_client() {
	secs=$1 u=$2; shift 2
	if [ -n "${E2E_SSH_PW+set}" ]; then
		printf '%s\n' "$E2E_SSH_PW" >"$T/badpw"
		pwf=$T/badpw
	else
		pwf=$T/pw/$u
	fi
	# shellcheck disable=SC2086
	timeout -k 2 "$secs" env -i PATH=/usr/bin:/bin HOME="$T" \
	    SSH_ASKPASS="$T/bin/askpass" SSH_ASKPASS_REQUIRE=force \
	    E2E_PWFILE="$pwf" ${E2E_ENV:-} "$@"
}

# ------------------------------------------------------------- the cases

CASE=""
WHY=""
case_begin() {
	CASE=$1
	WHY=""
	hx_quiesce
	syslog_sync
	SL=$(wc -l <"$T/syslog.txt")
	SSHD_L=$(wc -l <"$T/sshd.log")
	AC_MARK=$(acct_size)
	AC_SKIP=""
	ECS0=$(mock_count ecs)
	rm -f "$SENT"/* 2>/dev/null
	: >"$T/out"
	: >"$T/err"
	RC=""
}

# need TEXT COMMAND...: one condition of the case; TEXT says what broke.
# The rule of harness.sh's check holds: COMMAND is one simple command (a
# function when it takes several steps), no eval, no '!', nothing after
# it (tests/static/checklint.py).
need() {
	d=$1; shift
	"$@" || WHY="$WHY
$d"
}

case_end() {
	hx_quiesce
	syslog_sync
	if [ "$HX_ACCT" = 1 ]; then
		# shellcheck disable=SC2086
		bad=$($PY $HX/acct.py comms "$ACCT" "$OP_UID" "$AC_MARK" \
		    $AC_SKIP | grep -vxF -e "sshd (fork)" -e sshd \
		    -e vncgate-shell -e unix_chkpwd | tr '\n' ' ')
		[ -z "$bad" ] || WHY="$WHY
ran as the operator: $bad"
	fi
	if [ -n "$(ls -A "$SENT")" ]; then
		WHY="$WHY
a sentinel was created: $(ls -A "$SENT" | tr '\n' ' ')"
	fi
	[ -n "${MOCK:-}" ] && $PY $HX/leakcheck.py harvest "$MOCK" "$T/secrets"
	if ! $PY $HX/leakcheck.py check "$T/secrets" "$T/syslog.txt" \
	    "$AUDIT_FILE" "$T/sshd.log" >"$T/leaks"; then
		WHY="$WHY
$(cat "$T/leaks")"
	fi
	# an escape sequence sent in (LANG, TERM, a VncUrl, a description)
	# must not reach a log raw: whoever reads it on a terminal
	if LC_ALL=C grep -q "$(printf '\033')" "$T/syslog.txt" \
	    "$AUDIT_FILE" "$T/sshd.log"; then
		WHY="$WHY
an ESC byte is in a log"
	fi
	if [ -z "$WHY" ]; then
		ok "$CASE"
	else
		fail "$CASE"
		printf '%s\n' "$WHY" | sed '1d; s/^/#   /'
		echo "#   rc=$RC out=$(head -c 200 "$T/out" | tr -d '\033' |
		    tr '\n' ' ')"
		echo "#   err=$(head -c 300 "$T/err" | tr -d '\033' |
		    tr '\n' ' ')"
		{ echo "== $CASE"; printf '%s\n' "$WHY"
		  echo "-- out"; head -c 2000 "$T/out"
		  echo "-- err"; head -c 2000 "$T/err"; } >>"$T/case.log"
	fi
}

# No session of the operator left (but the multiplexing master, when
# up): its processes have ended, so the accounting holds them.
hx_quiesce() {
	wait_until 8 hx_idle || echo "# still running as vgop1:" \
	    "$(ps -o comm= -u vgop1 -U vgop1 | tr '\n' ' ')"
}
hx_idle() {
	n=$(ps -o comm= -u vgop1 -U vgop1 | grep -c .)
	[ "$n" -le "$MUX_UP" ]
}

acct_size() {
	if [ "$HX_ACCT" = 1 ]; then $PY $HX/acct.py size "$ACCT"; else
		echo 0; fi
}

# as_operator COMMAND...: one of the test's own probes, run with the
# operator's uid and groups; its processes are left out of the check
# above (they are the test's, not the operator's session's)
as_operator() {
	lo=$(acct_size)
	setpriv --reuid "$OP_UID" --regid "$OP_GID" --init-groups "$@"
	r=$?
	AC_SKIP="$AC_SKIP $lo:$(acct_size)"
	return $r
}
# as_operator_vncgate COMMAND...: the same with effective gid vncgate,
# as vncgate-shell runs
as_operator_vncgate() {
	lo=$(acct_size)
	setpriv --reuid "$OP_UID" --rgid "$OP_GID" --egid "$VG_GID" \
	    --init-groups "$@"
	r=$?
	AC_SKIP="$AC_SKIP $lo:$(acct_size)"
	return $r
}

# ------------------------------------------------------------ predicates

# new_rec EVENT PATTERN...: a record of EVENT written during this case
# holds every PATTERN (BREs)
new_rec() {
	ev=$1; shift
	tail -n +"$((SL + 1))" "$T/syslog.txt" |
	    grep "vncgate\[[0-9]*\]: event=$ev\b" | sed 's/^.*\]: //' \
	    >"$T/rec" || return 1
	while read -r line; do
		ok_all=1
		for p in "$@"; do
			printf '%s\n' "$line" | grep -q -- "$p" || ok_all=0
		done
		[ $ok_all = 1 ] && return 0
	done <"$T/rec"
	return 1
}

# no_rec EVENT: no record of EVENT during this case (syslog is there)
no_rec() { [ -f "$T/syslog.txt" ] && ! new_rec "$1"; }

# synced_rec EVENT PATTERN...: new_rec after a syslog_sync (for wait_until)
synced_rec() { syslog_sync; new_rec "$@"; }

# the events of this case's shell records, in order, on one line
new_events() {
	tail -n +"$((SL + 1))" "$T/syslog.txt" |
	    sed -n 's/^.*vncgate\[[0-9]*\]: event=\([a-z_]*\) .*/\1/p' |
	    tr '\n' ' ' | sed 's/ $//'
}

# sshd's log since case_begin holds TEXT
sshd_new() { tail -n +"$((SSHD_L + 1))" "$T/sshd.log" | grep -q -- "$1"; }

err_has() { grep -qF -- "$1" "$T/err"; }
out_has() { grep -qF -- "$1" "$T/out"; }
out_empty() { [ ! -s "$T/out" ]; }
rc_is() { [ "$RC" = "$1" ]; }
no_ecs_call() { [ "$(mock_count ecs)" -eq "$ECS0" ]; }
ecs_calls() { [ "$(mock_count ecs)" -eq $((ECS0 + $1)) ]; }
listener_silent() { [ ! -s "$T/listen.log" ]; }
# the client failed, and not by its time limit (hx_client's 124)
rc_failed() { [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; }

# probe_fails ARGS...: netprobe.py's probe failed as a probe (exit 1,
# its reason on stdout), not by crashing (a traceback on stderr, exit 1
# too) or by a usage error (exit 2)
probe_fails() {
	$PY $HX/netprobe.py "$@" >"$T/probe.out" 2>"$T/probe.err"
	[ $? -eq 1 ] && [ ! -s "$T/probe.err" ]
}
# the probe succeeds (its "connected" kept out of the TAP stream)
probe_works() { $PY $HX/netprobe.py "$@" >"$T/probe.out" 2>&1; }
# the same, run as the operator
operator_probe_fails() {
	as_operator $PY $HX/netprobe.py "$@" >"$T/probe.out" 2>"$T/probe.err"
	[ $? -eq 1 ] && [ ! -s "$T/probe.err" ]
}
# the probe succeeds with effective gid vncgate
vncgate_probe() {
	as_operator_vncgate $PY $HX/netprobe.py "$@" >"$T/probe.out" 2>&1
}

# operator_denied COMMAND...: run as the operator, COMMAND fails for
# want of permission (not for some other reason)
operator_denied() {
	as_operator "$@" >/dev/null 2>"$T/denied.err"
	[ $? -ne 0 ] && grep -q 'Permission denied' "$T/denied.err"
}
# vncgate_reads FILE: with effective gid vncgate, FILE can be read
vncgate_reads() { as_operator_vncgate cat "$1" >/dev/null; }

# only these commands run as the operator now ("sshd vncgate-shell")
operator_runs() {
	[ "$(ps -o comm= -u vgop1 -U vgop1 | sort -u | tr '\n' ' ')" = "$1 " ]
}

# leak_found FILE: leakcheck.py finds a secret in FILE (exit 1 with a
# find on stdout; a crash would also exit 1, but say nothing there)
leak_found() {
	$PY $HX/leakcheck.py check "$T/secrets" "$1" >"$T/found" \
	    2>"$T/found.err"
	[ $? -eq 1 ] && [ -s "$T/found" ] && [ ! -s "$T/found.err" ]
}

# stdout is exactly the URL the mock issued last for web-1
out_is_web_url() {
	[ "$(cat "$T/out")" = "$(mock_url "$INST_WEB" false)" ]
}

# A refused command (no TTY): exit CODE, nothing on stdout, MESSAGE on
# stderr, shell_start (command) and shell_end with REASON, no cloud call
refused_cmd() {	# CODE MESSAGE REASON
	need "exit $1 (got $RC)" rc_is "$1"
	need "nothing on stdout" out_empty
	need "the message: $2" err_has "$2"
	need "shell_start mode=command" new_rec shell_start " mode=command "
	need "shell_end reason=$3" new_rec shell_end " reason=$3"
	need "no cloud call" no_ecs_call
	need "no uid= (id) on stdout" lacks "$T/out" "uid="
	need "no uid= (id) on stderr" lacks "$T/err" "uid="
}

M_CHARS="the command may hold only letters, digits, '.', '_', '-' and spaces"
M_DASH="arguments may not start with '-'"
M_DENIED="no such instance, or you may not open its console"
M_CONFIG="the bastion is not configured correctly, so no console can be opened"
M_NO_TTY="the menu needs a terminal"
M_LONG="the command is too long"

# ------------------------------------------------------ a held session

# held_ssh USER COMMAND [SSH_OPTION...]: `ssh bastion COMMAND` in the
# background with its stdin a FIFO, until the shell's PAM step-up asks
# for the password: the session is then alive and idle, and SPID is
# the shell's pid, for looking at it from outside.  held_answer ends it.
held_ssh() {
	u=$1 cmd=$2; shift 2
	rm -f "$T/fifo"
	mkfifo "$T/fifo" || return 1
	exec 7<>"$T/fifo"
	# shellcheck disable=SC2046
	hx_client 30 "$u" $(ssh_argv "$u") -T "$@" 127.0.0.1 "$cmd" \
	    <"$T/fifo" >"$T/out" 2>"$T/err" 7<&- 9<&- &
	HELD=$!
	SPID=""
	wait_until 10 eval 'grep -qs "Password:" "$T/err" ||
	    ! kill -0 "$HELD" 2>/dev/null' || return 1
	SPID=$(ps -o pid=,comm= -u "$u" | awk '$2 == "vncgate-shell" {
	    print $1 }' | tail -n 1)
	[ -n "$SPID" ]
}

# held_answer [PASSWORD]: type the answer, wait for ssh: RC.  First a
# look at the process tree while the session is alive.
held_answer() {
	need "while the session runs, only sshd and vncgate-shell run as \
the operator" operator_runs "sshd vncgate-shell"
	printf '%s\n' "${1-$(pw vgop1)}" >&7 2>/dev/null
	exec 7>&-
	wait "$HELD"
	RC=$?
	syslog_sync
}

# sshd_env NAME: the variable as sshd handed it to the shell (execve's
# environment, /proc/PID/environ, which the shell's rebuilding of its
# environment does not change).  sshd_env_lacks NAME: that environment
# could be read and has no NAME.
sshd_env() { tr '\0' '\n' <"/proc/$SPID/environ" | grep -q "^$1="; }
sshd_env_lacks() {
	[ -n "$SPID" ] || return 1
	tr '\0' '\n' <"/proc/$SPID/environ" >"$T/environ" || return 1
	[ -s "$T/environ" ] && lacks_re "$T/environ" "^$1="
}

# live_env NAME: the variable is in the shell's environment now, after
# env.c rebuilt it (read with gdb, attached for a moment as root)
live_env() {
	[ -s "$T/live.$SPID" ] || hx_gdb_env >"$T/live.$SPID"
	grep -q "^ENV $1=" "$T/live.$SPID"
}
hx_gdb_env() {
	printf '%s\n' 'set $e = (char **) environ' 'set $i = 0' \
	    'while $e[$i] != 0' 'printf "ENV %s\n", $e[$i]' \
	    'set $i = $i + 1' 'end' 'detach' 'quit' >"$T/gdb.cmds"
	gdb -p "$SPID" -batch -nx -x "$T/gdb.cmds" 2>/dev/null | grep '^ENV '
	echo "ENV-END"
}

# the live environment could be read (gdb is there and attached)
live_read() { [ "$HX_GDB" = 1 ] && live_env PATH; }
# it was read, and NAME is not in it
live_env_lacks() { live_read && ! live_env "$1"; }

# ------------------------------------------------- the multiplexed path

# mux_open: a master connection (ssh -N -M): sshd's account stage
# (pam_vncgate) admits it once; every later session on it starts the
# shell without a new login, so a config broken after the login reaches
# the shell itself, which must refuse it.
mux_open() {
	rm -f "$T/ctl"
	# shellcheck disable=SC2046
	hx_client 300 vgop1 $(ssh_argv vgop1) -N -M -S "$T/ctl" \
	    -o ControlPersist=no 127.0.0.1 </dev/null >"$T/mux.out" \
	    2>"$T/mux.err" 9<&- &
	MUXP=$!
	MUX_UP=1
	wait_until 10 test -S "$T/ctl"
}

mux_ssh() {	# COMMAND: a session on the master: OUT ERR RC
	e2e_ssh vgop1 "$1" -S "$T/ctl" -o ControlMaster=no
}

mux_close() {
	env -i PATH=/usr/bin:/bin ssh -S "$T/ctl" -O exit 127.0.0.1 \
	    >/dev/null 2>&1
	wait "$MUXP" 2>/dev/null
	MUX_UP=0
}

# ------------------------------------------------------------ one-liners

# cmd_ssh COMMAND [SSH_OPTION...]: e2e_ssh's `ssh bastion COMMAND` (no
# TTY, the step-up's password on stdin), with "--" before the host so
# that a COMMAND starting with '-' reaches sshd rather than ssh's own
# option parser: $T/out $T/err RC
cmd_ssh() {
	cmd=$1; shift
	printf '%s\n' "$(pw vgop1)" >"$T/in"
	# shellcheck disable=SC2046
	e2e_client vgop1 $(ssh_argv vgop1) -T "$@" -- 127.0.0.1 "$cmd" \
	    <"$T/in" >"$T/out" 2>"$T/err"
	RC=$?
	syslog_sync
}

# shell_exit CODE: the operator's last vncgate-shell of this case exited
# with CODE (from the process accounting: seen even when the client,
# scp or sftp, does not pass the status on)
shell_exit() {
	[ "$HX_ACCT" = 1 ] || return 0
	hx_quiesce
	[ "$($PY $HX/acct.py exits "$ACCT" "$OP_UID" vncgate-shell \
	    "$AC_MARK" | tail -n 1)" = "exit $1" ]
}

# no_shell: no vncgate-shell ended during this case
no_shell() {
	[ "$HX_ACCT" = 1 ] || return 0
	hx_quiesce
	[ -z "$($PY $HX/acct.py exits "$ACCT" "$OP_UID" vncgate-shell \
	    "$AC_MARK")" ]
}
