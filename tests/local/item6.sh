# SPDX-License-Identifier: ISC
# Item 6: whoever ran the shell first owned the state.  The audit file
# was created by the first invoker and owned by them, and anyone could
# append records without bound.  DESIGN 1.7: the audit file is made by
# make install (root-owned); a privileged shell never creates it and
# refuses (exit 1) when it is missing, not a regular file or not owned by
# root.  Files it makes in the state folder are regular, mode 0660; a
# symlink there is refused.  A user whom the ACL reaches nowhere is rate
# limited like an issuance: one rate_limited record per window.

# the files of the state folder but pam_vncgate's sessions/
state_files() {
	find "$STATE_DIR" -mindepth 1 -maxdepth 1 ! -name sessions
}
clear_state() { state_files | xargs -r rm -rf; }

# every such file is a regular file (no link), mode 0660, group vncgate;
# there is at least one
state_files_sane() {
	n=0
	for f in $(state_files); do
		[ -f "$f" ] && [ ! -L "$f" ] || return 1
		[ "$(stat -c '%a %G' "$f")" = "660 vncgate" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# the audit file's size is still BYTES
audit_size_is() { [ "$(stat -L -c %s "$1")" = "$2" ]; }

# the audit file's records since the mark naming USER: at most N
audit_new_at_most() {	# USER N
	c=$(tail -n +"$((AL + 1))" "$AUDIT_FILE" |
	    grep -c "\"user\":\"$1\"")
	[ "$c" -le "$2" ]
}

# the file holds exactly "victim" (a symlink did not lead a write to it)
victim_intact() { [ "$(cat "$1")" = victim ]; }

item6_audit_file() {
	mark
	mv "$AUDIT_FILE" "$T/local/audit.away"
	lsh vgop1 "url web-1"
	check "6: the audit file missing: the privileged shell refuses, \
exit 1" rc_is 1
	check "6: ... no URL on stdout" out_empty
	check "6: ... one sentence on stderr" one_sentence
	check "6: ... and does not make the file" [ ! -e "$AUDIT_FILE" ]
	rm -f "$AUDIT_FILE"
	mv "$T/local/audit.away" "$AUDIT_FILE"

	size=$(stat -c %s "$AUDIT_FILE")
	chown vgop1 "$AUDIT_FILE"
	lsh vgop1 "url web-1"
	check "6: the audit file owned by the operator (vgop1:vncgate 0660): \
refused, exit 1" rc_is 1
	check "6: ... no URL on stdout" out_empty
	check "6: ... not a byte added to it" audit_size_is "$AUDIT_FILE" \
	    "$size"
	chown root "$AUDIT_FILE"

	size=$(stat -c %s "$AUDIT_FILE")
	mv "$AUDIT_FILE" "$T/local/audit.real"
	ln -s "$T/local/audit.real" "$AUDIT_FILE"
	lsh vgop1 "url web-1"
	check "6: the audit file a symlink (to a root-owned audit file): \
refused, exit 1" rc_is 1
	check "6: ... not a byte added to the file it points at" \
	    audit_size_is "$T/local/audit.real" "$size"
	rm -f "$AUDIT_FILE"
	mkfifo -m 660 "$AUDIT_FILE"
	LSH_WRAP="timeout -k 1 10" lsh vgop1 "url web-1"
	check "6: the audit file a FIFO: refused, exit 1 (no hang)" rc_is 1
	rm -f "$AUDIT_FILE"
	mv "$T/local/audit.real" "$AUDIT_FILE"
}

item6_state_files() {
	USER_LIMIT=100 INSTANCE_LIMIT=100 local_conf
	clear_state
	lsh vgop1 "url web-1"
	check "6: setup: url web-1 with rate limits on, exit 0" rc_is 0
	check "6: the files the shell made in the state folder (the \
rate-limit windows) are regular files, mode 0660, group vncgate" \
	    state_files_sane
	for f in $(state_files); do
		v=$T/local/${f##*/}.victim
		echo victim >"$v"
		chown root:vncgate "$v"
		chmod 660 "$v"
		ln -sf "$v" "$f"
	done
	lsh vgop1 "url web-1"
	check "6: symlinks planted in the state folder in place of the \
windows (to files the group may write): refused, exit 1" rc_is 1
	check "6: ... no URL on stdout" out_empty
	for f in "$T"/local/*.victim; do
		check "6: ... the link was not followed: ${f##*/} unchanged" \
		    victim_intact "$f"
	done
	clear_state
}

item6_unreached() {
	USER_LIMIT=3 INSTANCE_LIMIT=100 local_conf
	clear_state
	mark
	runs6=0
	while [ $runs6 -lt 8 ]; do
		lsh vgop2 "url web-1"
		runs6=$((runs6 + 1))
	done
	check "6: vgop2, whom the ACL reaches nowhere, runs url web-1 8 times \
in a minute, user_per_minute = 3: exactly one rate_limited record" \
	    [ "$(rec_count rate_limited " user=vgop2 ")" -eq 1 ]
	check "6: ... with scope=user" \
	    rec_seen rate_limited " user=vgop2 " " scope=user"
	check "6: ... at most 3 shell_start records" \
	    [ "$(rec_count shell_start " user=vgop2 ")" -le 3 ]
	check "6: ... at most 3 shell_end records" \
	    [ "$(rec_count shell_end " user=vgop2 ")" -le 3 ]
	check "6: ... at most 10 new records of vgop2 in the audit file (3 \
runs of 3, and the one rate_limited)" audit_new_at_most vgop2 10
	check "6: ... the last run is refused: exit 3" rc_is 3
	clear_state
	local_conf
}

item_6() {
	local_conf
	item6_audit_file
	item6_state_files
	item6_unreached
}
