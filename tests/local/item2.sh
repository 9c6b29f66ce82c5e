# SPDX-License-Identifier: ISC
# Item 2: any local user could hang every writer, sshd's PAM session
# stage included, by stopping a shell of their own while it held the
# audit or a rate-limit lock: both waits blocked for ever.  And
# `vncgate-audit show --json FILE | less` held its shared lock while the
# pager waited.  DESIGN 1.2: each wait for a lock has a deadline
# (audit.lock_timeout, default 5 s), then the action fails closed with
# exit 1; 1.9: pam_vncgate never blocks sshd beyond it.  And with that
# alone one user still shut every login out (session required): so at
# the deadline pam_vncgate, as root, kills a holder that is a stopped
# setgid shell (not root's, of the group vncgate), and waits once more.
#
# The stopped holder is made without a race: locks.py runs the shell
# under ptrace and stops it (SIGSTOP, as its user may) right after the
# call that took a write lock on a file of the folder named.  Each
# waiter runs under `timeout 10`: ending by itself within the deadline
# plus 3 s is the contract, 124 is a hang.

LOCK_DEFAULT=5
WAIT_LIMIT="timeout -k 1 10"

# hold_start DIR USER COMMAND: USER's shell -c COMMAND, stopped while it
# holds a write lock on a file in DIR; held: it does
hold_start() {
	rm -f "$T/local/hstate" "$T/local/hrelease"
	# shellcheck disable=SC2046
	$PY $LT/locks.py hold "$1" "$T/local/hstate" "$T/local/hrelease" \
	    -- $(hold_argv "$2") -c "$3" </dev/null >/dev/null \
	    2>"$T/local/hold.err" 9<&- &
	HP=$!
	wait_until 20 test -s "$T/local/hstate"
	echo "# locks.py: $(head -n 1 "$T/local/hstate" 2>/dev/null)" \
	    "$(head -c 200 "$T/local/hold.err")"
}
held() { grep -q '^held ' "$T/local/hstate"; }
# hold_other_group USER: a process that took the lock of the audit
# file's folder as root, became USER with USER's group only (not
# vncgate), and stopped: in hstate as hold_start's
hold_other_group() {
	rm -f "$T/local/hstate" "$T/local/hrelease"
	$PY $LT/locks.py drop "$LOGDIR" "$T/local/hstate" "$T/local/hrelease" \
	    -- "$(uid_of "$1")" "$(gid_of "$1")" 2>"$T/local/hold.err" 9<&- &
	HP=$!
	wait_until 20 test -s "$T/local/hstate"
}
# hold_argv USER: lsh_argv, or for root the shell itself
hold_argv() {
	if [ "$1" = root ]; then
		echo "env -i PATH=/usr/bin:/bin $SH"
	else
		lsh_argv "$1"
	fi
}
# let the holder go on, and wait for it
hold_release() {
	touch "$T/local/hrelease"
	wait "$HP"
}

# the waiter ended by itself (not by the test's time limit) with exit 1
# within SECONDS: the deadline, failing closed
failed_closed_within() { [ "$RC" = 1 ] && within "$1"; }

item2_audit_lock() {
	hold_start "$LOGDIR" vgop2 "url web-1"
	check "2: setup: a shell of vgop2 (granted nothing) is stopped while \
it holds a write lock on the audit file" held
	mark
	LSH_WRAP=$WAIT_LIMIT lsh vgop1 "url web-1"
	check "2: the audit lock held by a stopped shell: vgop1's url web-1 \
is not held up for ever (took ${SECS}s, exit $RC)" [ "$RC" != 124 ]
	check "2: ... it fails closed, exit 1, within audit.lock_timeout \
(${LOCK_DEFAULT}s) + 3s" failed_closed_within $((LOCK_DEFAULT + 3))
	check "2: ... no URL on stdout" out_empty
	check "2: ... one sentence on stderr" one_sentence

	conf_add audit "lock_timeout = 1"
	LSH_WRAP=$WAIT_LIMIT lsh vgop1 "url web-1"
	check "2: ... with audit.lock_timeout = 1: exit 1 within 1s + 3s \
(took ${SECS}s, exit $RC)" failed_closed_within 4
	local_conf
	item2_lock_broken
}

# the pid locks.py left stopped ("held PID PATH")
held_pid() { sed -n 's/^held \([0-9]*\) .*/\1/p' "$T/local/hstate"; }
# PID is gone: no such process, or a zombie its parent (locks.py) has
# not waited for yet
proc_gone() {
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" |
	    cut -c1)" = Z ]
}
proc_stopped() { [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" = T ]; }
# the audit file got a session_start record since the mark
audit_has_session_start() {
	tail -n +"$((AL + 1))" "$AUDIT_FILE" |
	    grep -q '"event":"session_start"'
}
# pam_vncgate's syslog line since the mark names the pid it killed
syslog_names_kill() {
	tail -n +"$((SL + 1))" "$T/syslog.txt" | grep 'pam_vncgate' |
	    grep -q "killed pid $1 (uid $2)"
}
# pamsession.py through pam_vncgate ("session required"): $SECS, output
# in $T/local/pam.out
pam_session() {
	t0=$(date +%s)
	$WAIT_LIMIT $PY $LT/pamsession.py vglocal-session vgop1 10.9.1.1 \
	    >"$T/local/pam.out" 2>&1 9<&-
	SECS=$(($(date +%s) - t0))
	syslog_sync
}

# A login through pam_vncgate breaks the lock of a shell its user
# stopped: as root it kills the stopped holder at the deadline, so the
# outage ends at the next login (DESIGN 1.9), and the holder's run ends
# by SIGKILL (locks.py: exit 137).
item2_lock_broken() {
	pid=$(held_pid)
	mark
	pam_session
	check "2: the stopped shell still holds the audit lock: a session \
opened through pam_vncgate (session required) succeeds" \
	    grep -qx 'open 0' "$T/local/pam.out"
	check "2: ... within ${LOCK_DEFAULT}s + 3s (took ${SECS}s)" \
	    within $((LOCK_DEFAULT + 3))
	check "2: ... the stopped shell (pid $pid) was killed" proc_gone "$pid"
	check "2: ... pam_vncgate says so in syslog: the pid and the uid" \
	    syslog_names_kill "$pid" "$(uid_of vgop2)"
	check "2: ... the session_start record is in the audit file" \
	    audit_has_session_start
	check "2: ... vncgate-audit verify accepts the file" verify_ok
	hold_release
	check "2: ... the holder's run ended by SIGKILL" \
	    grep -qx 'exit 137' "$T/local/hstate"
}

# A stopped holder that is root's is left alone: the session fails
# closed at the deadline as before.
item2_lock_kept() {
	hold_start "$LOGDIR" root "url web-1"
	check "2: setup: a shell of root is stopped while it holds a write \
lock on the audit file" held
	pid=$(held_pid)
	mark
	pam_session
	check "2: ... a session through pam_vncgate returns within \
${LOCK_DEFAULT}s + 3s (took ${SECS}s)" within $((LOCK_DEFAULT + 3))
	check "2: ... and is refused: root's stopped process holds the lock \
(audit.required)" grep -qx 'open [1-9][0-9]*' "$T/local/pam.out"
	check "2: ... root's stopped shell (pid $pid) was not killed" \
	    proc_stopped "$pid"
	hold_release
	check "2: ... continued, it ends its run: the audit file verifies" \
	    verify_ok

	hold_other_group vgop2
	check "2: setup: a process of vgop2, not of the group vncgate, is \
stopped while it holds the lock of the audit file's folder" held
	pid=$(held_pid)
	pam_session
	check "2: ... a session through pam_vncgate is refused \
(audit.required)" grep -qx 'open [1-9][0-9]*' "$T/local/pam.out"
	check "2: ... the stopped process of another group (pid $pid) was \
not killed" proc_stopped "$pid"
	hold_release
}

item2_window_lock() {
	# one window only, the instance's: shared by every operator
	USER_LIMIT=0 INSTANCE_LIMIT=1000 local_conf
	lsh vgop1 "url web-1"
	hold_start "$STATE_DIR" vgop1 "url web-1"
	check "2: setup: a shell of vgop1 is stopped while it holds a write \
lock in the state folder (web-1's rate-limit window)" held
	LSH_WRAP=$WAIT_LIMIT lsh vgop3 "url web-1"
	check "2: web-1's window held by a stopped shell: vgop3's url web-1 \
is not held up for ever (took ${SECS}s, exit $RC)" [ "$RC" != 124 ]
	check "2: ... it fails closed, exit 1, within ${LOCK_DEFAULT}s + \
3s" failed_closed_within $((LOCK_DEFAULT + 3))
	check "2: ... no URL on stdout" out_empty
	check "2: ... one sentence on stderr" one_sentence
	hold_release
	local_conf
}

item2_reader() {
	make_records 60
	rm -f "$T/local/rstate" "$T/local/rrelease"
	$PY $LT/locks.py reader "$LOGDIR" "$T/local/rstate" \
	    "$T/local/rrelease" -- "$AUDIT_TOOL" show --json "$AUDIT_FILE" \
	    </dev/null 2>"$T/local/reader.err" 9<&- &
	RP=$!
	wait_until 10 test -s "$T/local/rstate"
	check "2: setup: vncgate-audit show --json into a pipe nobody reads \
(a pager) is still writing after 1.5 s" grep -qx 'blocked yes' \
	    "$T/local/rstate"
	check "2: ... meanwhile it holds no lock on the audit file" \
	    grep -qx 'locks 0' "$T/local/rstate"
	LSH_WRAP=$WAIT_LIMIT lsh vgop1 help
	check "2: ... a writer is not held up by it: vgop1's help, exit 0 \
(took ${SECS}s)" rc_is 0
	check "2: ... within 3 s" within 3
	touch "$T/local/rrelease"
	wait "$RP"
	check "2: ... once read, the tool prints to the end: exit 0" \
	    grep -qx 'exit 0' "$T/local/rstate"
}

item_2() {
	local_conf
	item2_audit_lock
	item2_lock_kept
	item2_window_lock
	item2_reader
}
