# SPDX-License-Identifier: ISC
# Item 4: typed-ahead input ran as a command and could log a password.
# With reauth = "issuance", "web-1<Enter>PASSWORD<Enter>" arriving in one
# read (a paste, a laggy link) left PAM waiting while PASSWORD ran as a
# target and landed in a deny record.  DESIGN 1.2: what was typed ahead
# is discarded before every password or ticket prompt and after every
# command.  The operator's terminal is a pty (pty.py); the password
# typed ahead is vgop1's real one, the worst case.

item4_paste_before_prompt() {
	p=$(pw vgop1)
	mark
	pty_run vgop1 "$(steps "expect vncgate> " "send web-1\\r$p\\r" \
	    "expect Password:" "echo-off" "send $p\\r" "expect vncUrl=" \
	    "sleep 1" "send q\\r" "wait")" "" --
	check "4: the menu, reauth=issuance, 'web-1<Enter>PASSWORD<Enter>' \
in one write, then the real answer to the prompt: the URL is issued" \
	    rec_seen issue " user=vgop1 " " result=ok "
	check "4: ... the password typed ahead never ran as a command: no \
deny record" no_rec deny " user=vgop1 "
	check "4: ... it is in no record (syslog, audit file)" \
	    new_text_nowhere "$p"
	check "4: ... nor on the terminal: never drawn as a line, never \
echoed" screen_lacks "$p"
	check "4: ... q ends the menu: exit 0" rc_is 0
}

item4_paste_after_command() {
	p=$(pw vgop1)
	mark
	pty_run vgop1 "$(steps "expect vncgate> " "send l\\r$p\\r" \
	    "expect-n 2 vncgate> " "sleep 1" "send q\\r" "wait")" "" --
	check "4: the menu, 'l<Enter>PASSWORD<Enter>' in one write: what \
followed the command is discarded, no deny record" \
	    no_rec deny " user=vgop1 "
	check "4: ... the password is in no record" new_text_nowhere "$p"
	check "4: ... nor on the terminal (it never reached the line \
editor, which draws what it holds)" screen_lacks "$p"
	check "4: ... q ends the menu: exit 0" rc_is 0
}

item4_typed_before_start() {
	p=$(pw vgop1)
	mark
	pty_run vgop1 "$(steps "expect Password:" "echo-off" "send $p\\r" \
	    "wait 15")" "Typed-Ahead-Junk\\r" -- -c "url web-1"
	check "4: url web-1 on a terminal with a line typed before the \
prompt: that line is discarded, the real answer authenticates: exit 0" \
	    rc_is 0
	check "4: ... the URL is shown" screen_has "vncUrl="
	check "4: ... no failed auth record" no_rec auth " result=fail"
	check "4: ... the line typed ahead is in no record" \
	    new_text_nowhere Typed-Ahead-Junk
}

item_4() {
	PAM_SERVICE=vncgate REAUTH=issuance local_conf
	item4_paste_before_prompt
	item4_paste_after_command
	item4_typed_before_start
	local_conf
}
