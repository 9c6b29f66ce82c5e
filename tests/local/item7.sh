# SPDX-License-Identifier: ISC
# Item 7: the step-up prompted before the command was understood.  With
# reauth = "login" any one-word command (internal-sftp through
# ForceCommand, a typo) asked for a password, and without a TTY read
# the answer from stdin; failures pile up towards pam_faillock lockouts.
# DESIGN 1.3: the command is parsed and its target looked up before any
# PAM conversation; an unknown command or target is refused (exit 2)
# without a password prompt.
#
# Without a TTY the shell's stdin is a file holding the password, opened
# by the runner as fd 6: its offset afterwards shows whether the shell
# read it.

fd6_pos() { sed -n 's/^pos:[[:space:]]*//p' "/proc/$$/fdinfo/6"; }
# the shell read nothing of stdin / read the password
stdin_unread() { [ "$(fd6_pos)" = 0 ]; }
stdin_read() { [ "$(fd6_pos)" -gt 0 ]; }

# refused_early NAME COMMAND [SSH_ORIGINAL_COMMAND]
refused_early() {
	name=$1 cmd=$2
	printf '%s\n' "$(pw vgop1)" >"$T/local/pwin"
	exec 6<"$T/local/pwin"
	mark
	if [ $# -gt 2 ]; then
		LSH_FD6=1 LSH_ENV="SSH_ORIGINAL_COMMAND=$3" lsh vgop1 "$cmd"
	else
		LSH_FD6=1 lsh vgop1 "$cmd"
	fi
	check "7: $name, reauth=login, no TTY: refused, exit 2" rc_is 2
	check "7: ... no password prompt on stderr" lacks "$ERR" Password
	check "7: ... stdin (holding the password) left unread" stdin_unread
	check "7: ... no PAM conversation: no auth record" no_rec auth
	check "7: ... one sentence on stderr" one_sentence
}

item_7() {
	PAM_SERVICE=vncgate REAUTH=login local_conf
	refused_early "internal-sftp through ForceCommand (-c <the \
shell's path>, SSH_ORIGINAL_COMMAND=internal-sftp)" "$SH" internal-sftp
	refused_early "-c typo-command" typo-command
	refused_early "-c 'url no-such-instance'" "url no-such-instance"

	mark
	pty_run vgop1 "$(steps "wait 4")" "" -- -c typo-command
	check "7: -c typo-command on a terminal: exit 2 (took more than 4 s \
if 124)" rc_is 2
	check "7: ... no password prompt on the terminal" \
	    screen_lacks Password

	printf '%s\n' "$(pw vgop1)" >"$T/local/pwin"
	exec 6<"$T/local/pwin"
	mark
	LSH_FD6=1 lsh vgop1 "url web-1"
	check "7: control: -c 'url web-1' (a known target) asks for the \
password on stdin and issues the URL: exit 0" rc_is 0
	check "7: control: ... the password was read from stdin" stdin_read
	check "7: control: ... auth result=ok" \
	    rec_seen auth " user=vgop1 " " result=ok "
	exec 6</dev/null
	local_conf
}
