# SPDX-License-Identifier: ISC
# Item 3: SSH_CONNECTION was believed when privileged: a local user whom
# the ACL names set it and passed every `from` rule, allow or deny, and
# the forged address went into PAM_RHOST and the records.  DESIGN 1.2:
# a privileged shell takes the source address from the session record
# pam_vncgate wrote as root at session open (<state_dir>/sessions/
# <session>, naming the same uid); without one the address is unknown,
# which fails closed (an allow with `from` does not match, a deny with
# `from` does).  1.9: the record is written at open, removed at close.
# The records are made by the real module through libpam
# (pamsession.py), as sshd would.

item3_acl() {
	e2e_acl 'allow "ops" {' '  users = {"vgop1"}' \
	    '  instances = {"web-*", "win-*", "db-*"}' '}' \
	    'allow "office" {' '  users = {"vgop3"}' '  instances = {"web-*"}' \
	    '  from = {"10.9.0.0/16"}' '}' \
	    'deny "blocked-net" {' '  users = {"vgop1"}' \
	    '  instances = {"web-*"}' '  from = {"10.66.0.0/16"}' '}'
}

# session_open USER RHOST: pam_vncgate's session stage: SID
session_open() {
	$PY $LT/pamsession.py vglocal-session "$1" "$2" \
	    >"$T/local/sess.out" 2>&1 9<&-
	SID=$(sed -n 's/^session \([0-9a-f]*\)$/\1/p' "$T/local/sess.out")
}
session_opened() {
	grep -qx 'open 0' "$T/local/sess.out" && [ -n "$SID" ]
}
# the record of session SID exists, a regular file owned by root
session_record() {
	f=$STATE_DIR/sessions/$SID
	[ -n "$SID" ] && [ -f "$f" ] && [ ! -L "$f" ] &&
	    [ "$(stat -c %u "$f")" = 0 ]
}
# pam_vncgate's sessions folder is there, and holds no record of SID
no_session_record() {
	[ -n "$SID" ] && [ -d "$STATE_DIR/sessions" ] &&
	    [ ! -e "$STATE_DIR/sessions/$SID" ]
}

item3_forged() {
	mark
	LSH_CONN="10.9.77.1 50000 10.0.0.1 22" lsh vgop3 "url web-1"
	check "3: vgop3 (allowed only from 10.9.0.0/16), SSH_CONNECTION \
forged to 10.9.77.1, no session record: the address is unknown, the \
allow does not match: exit 3" rc_is 3
	check "3: ... no URL on stdout" out_empty
	check "3: ... a deny record for vgop3" rec_seen deny " user=vgop3 "
	check "3: ... the forged address is in no record" \
	    new_text_nowhere 10.9.77.1

	mark
	LSH_CONN="10.1.77.1 50000 10.0.0.1 22" lsh vgop1 "url web-1"
	check "3: vgop1 (denied from 10.66.0.0/16), SSH_CONNECTION forged to \
10.1.77.1, no session record: the deny scoped by source matches the \
unknown address: exit 3" rc_is 3
	check "3: ... the deny record names blocked-net" \
	    rec_seen deny " user=vgop1 " " rule=blocked-net"
	check "3: ... the forged address is in no record" \
	    new_text_nowhere 10.1.77.1
}

item3_record() {
	session_open vgop3 10.9.8.7
	check "3: setup: pam_vncgate opened vgop3's session from 10.9.8.7 \
and exported VNCGATE_SESSION" session_opened
	check "3: pam_vncgate wrote its record <state_dir>/sessions/SID, \
a regular file owned by root" session_record
	mark
	LSH_ENV="VNCGATE_SESSION=$SID" LSH_CONN="10.66.6.6 50000 10.0.0.1 22" \
	    lsh vgop3 "url web-1"
	check "3: vgop3 in that session, SSH_CONNECTION forged to \
10.66.6.6: the record's address (10.9.8.7) decides, allowed: exit 0" \
	    rc_is 0
	check "3: ... stdout is the URL" out_is_web_url
	check "3: ... the issue record says rhost=10.9.8.7" \
	    rec_seen issue " user=vgop3 " " rhost=10.9.8.7 "
	check "3: ... the forged address is in no record" \
	    new_text_nowhere 10.66.6.6

	session_open vgop3 10.1.5.5
	mark
	LSH_ENV="VNCGATE_SESSION=$SID" lsh vgop1 "url web-1"
	check "3: vgop1 presenting vgop3's session (from 10.1.5.5): a record \
of another uid is not believed, the address stays unknown, blocked-net \
applies: exit 3" rc_is 3
	check "3: ... the deny record names blocked-net" \
	    rec_seen deny " user=vgop1 " " rule=blocked-net"
	check "3: ... 10.1.5.5 is in no record of vgop1" \
	    new_text_nowhere 10.1.5.5
	check "3: ... nor vgop3's session ID: vgop1's runs are not filed \
under it" new_text_nowhere "$SID"

	$PY $LT/pamsession.py vglocal-session vgop3 10.9.4.4 --close \
	    >"$T/local/sess.out" 2>&1 9<&-
	SID=$(sed -n 's/^session \([0-9a-f]*\)$/\1/p' "$T/local/sess.out")
	check "3: a session opened and closed again leaves no record behind" \
	    no_session_record
}

item_3() {
	item3_acl
	local_conf
	item3_forged
	item3_record
	local_acl
}
