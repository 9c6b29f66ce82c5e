# SPDX-License-Identifier: ISC
# Tickets and break-glass in the menu (DESIGN 1.11, 1.12), sourced by
# tests/menu/run (its helpers: conf, start, line, keys, screen, record):
# the ticket asked after the choice, its rule in the prompt, asked again
# after a bad one; break-glass's warning, its ticket and its "yes"; each
# record and the severity it was sent at (<81>: authpriv.alert).

# the pane shows TEXT at least N times
shown_n() { [ "$(count "$1" "$2")" -ge "$3" ] || dead "$1"; }
# type TEXT once TEXT2 shows N times: an answer to a question, which
# discards what was typed before it was asked (tcflush)
answer() {	# NAME WAIT_FOR N TEXT
	wait_until 10 shown_n "$1" "$2" "$3" || return 1
	tm send-keys -t "$1" -l "$4"
	tm send-keys -t "$1" Enter
}
# the newest record of EVENT by PID was sent at priority PRI
sent_at() {	# PRI EVENT PID KEY=VALUE...
	pri=$1 ev=$2 p=$3; shift 3
	syslog_sync
	lines=$(grep "^$pri.*vncgate\[$p\]: event=$ev " "$T/syslog.txt")
	for kv in "$@"; do
		lines=$(printf '%s\n' "$lines" | grep -F -- " $kv")
	done
	[ -n "$lines" ]
}
ecs_calls() { [ "$(mock_count ecs)" -eq "$1" ]; }

# the ACL: web-* and db-* allowed, win-* only through break-glass
tickets_menu_acl() {
	cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"web-*", "db-*"}
}
breakglass "oncall" {
  users = {"$ME"}
  instances = {"win-*"}
}
ACL
}

ASK_REQ='Ticket (required; '
ASK_OPT='Ticket (optional, Enter for none; '
YES_Q='Type yes to open it as emergency access'

# ------------------------------------------------ ticket.mode = required

conf tkreq 'ticket {' '  mode = "required"' '  pattern = "[A-Z]+-[0-9]+"' '}'
tickets_menu_acl
start tkreq 100 60 tkreq
TK_PID=$(pid tkreq)
check "break-glass: the menu lists what only break-glass reaches" \
    screen_re tkreq '^2  win-1 '
tm send-keys -t tkreq 1 Enter
wait_until 10 shown_n tkreq "$ASK_REQ" 1
check "required: the ticket is asked for after the choice" \
    has tkreq "${ASK_REQ}matching [A-Z]+-[0-9]+): "
answer tkreq "$ASK_REQ" 1 "inc-1"
wait_until 10 shown_n tkreq "$ASK_REQ" 2
check "required: a bad ticket is refused with the rule" \
    has tkreq "the ticket does not follow the rule: matching [A-Z]+-[0-9]+"
check "required: then asked for again" shown_n tkreq "$ASK_REQ" 2
answer tkreq "$ASK_REQ" 2 "$(printf 'A%.0s' $(seq 30))-123"
wait_until 10 shown_n tkreq "$ASK_REQ" 3
check "required: an over-long ticket is refused" \
    has tkreq "the ticket is longer than 32 characters"
n=$(prompts tkreq)
answer tkreq "$ASK_REQ" 3 "INC-42"
wait_until 15 more_prompts tkreq "$n"
check "required: a good ticket, then the URL" shows_url tkreq $WEB false
check "required: the issue record carries the ticket" \
    record issue "$TK_PID" "ticket=INC-42" 'breakglass=""' result=ok
check "required: an ordinary issue is sent at info (<86>)" \
    sent_at "<86>" issue "$TK_PID" "ticket=INC-42"
asked=$(count tkreq "$ASK_REQ")
line tkreq "url web-1 INC-43"
check "required: a ticket typed with the command is not asked again" \
    [ "$(count tkreq "$ASK_REQ")" -eq "$asked" ]
check "required: url TARGET TICKET at the prompt: the URL" \
    shows_url tkreq $WEB false

# Ctrl-C at the question: nothing requested, the menu stays
ecs0=$(mock_count ecs)
n=$(prompts tkreq)
tm send-keys -t tkreq 1 Enter
wait_until 10 shown_n tkreq "$ASK_REQ" $((asked + 1))
tm send-keys -t tkreq C-c
wait_until 10 more_prompts tkreq "$n"
check "Ctrl-C at the ticket: says cancelled" last_has tkreq cancelled
check "Ctrl-C at the ticket: no cloud call" ecs_calls "$ecs0"
check "Ctrl-C at the ticket: the menu stays" alive tkreq

# glass NAME TICKET ANSWER: choose win-1 (2), give TICKET when asked,
# answer the break-glass question with ANSWER, wait for the prompt
glass() {
	asked=$(count "$1" "$ASK_REQ")
	yeses=$(count "$1" "$YES_Q")
	n=$(prompts "$1")
	tm send-keys -t "$1" 2 Enter
	answer "$1" "$ASK_REQ" $((asked + 1)) "$2"
	answer "$1" "$YES_Q" $((yeses + 1)) "$3"
	wait_until 15 more_prompts "$1" "$n"
}

# break-glass, confirmed: the ticket, the warning, "yes"
glass tkreq INC-7 yes
M_WARN='win-1 is emergency access (break-glass rule "oncall"): the auditors '
M_WARN="${M_WARN}are alerted now"
check "break-glass: the warning says emergency access and alerted" \
    last_has tkreq "$M_WARN"
check "break-glass: \"yes\", then the URL" shows_url tkreq $WIN true
check "break-glass: the issue record names the rule and the ticket" \
    record issue "$TK_PID" "name=win-1" "rule=oncall" "ticket=INC-7" \
    "breakglass=oncall" result=ok
check "break-glass: the issue is an alert (<81>)" \
    sent_at "<81>" issue "$TK_PID" "breakglass=oncall" "ticket=INC-7"

# break-glass, refused: anything but "yes"
ecs0=$(mock_count ecs)
glass tkreq INC-8 y
check "break-glass refused: says nothing was opened" \
    last_has tkreq "not confirmed: nothing was opened"
check "break-glass refused: no URL" last_lacks tkreq vncUrl
check "break-glass refused: no cloud call" ecs_calls "$ecs0"
check "break-glass refused: a deny naming the rule" \
    record deny "$TK_PID" "reason=breakglass-refused" "rule=oncall" \
    "ticket=INC-8" "breakglass=oncall"
check "break-glass refused: the deny is an alert (<81>)" \
    sent_at "<81>" deny "$TK_PID" "reason=breakglass-refused"
keys tkreq C-d

# ------------------------------------ ticket.mode = off and optional

conf tkoff
tickets_menu_acl
start tkoff 100 60 tkoff
OFF_PID=$(pid tkoff)
line tkoff 1
check "off: no ticket asked for" screen_lacks tkoff "Ticket ("
check "off: the URL" shows_url tkoff $WEB false
n=$(prompts tkoff)
tm send-keys -t tkoff 2 Enter
answer tkoff "$ASK_REQ" 1 ""
wait_until 10 shown_n tkoff "$ASK_REQ" 2
RULE_SET="at most 32 letters, digits, '.', '_', ':', '/' or '-'"
check "off, break-glass: a ticket is asked for all the same" \
    has tkoff "${ASK_REQ}${RULE_SET}): "
check "off, break-glass: an empty answer is not a ticket" \
    has tkoff "a ticket is required here"
answer tkoff "$ASK_REQ" 2 "OPS:1/2"
answer tkoff "$YES_Q" 1 "yes"
wait_until 15 more_prompts tkoff "$n"
check "off, break-glass: the warning comes before the ticket" \
    [ "$(screen tkoff | grep -n -e 'is emergency access' -e "$ASK_REQ" |
    head -n 1 | grep -c 'is emergency access')" -eq 1 ]
check "off, break-glass: the URL" shows_url tkoff $WIN true
check "off, break-glass: the record, alert" \
    sent_at "<81>" issue "$OFF_PID" "ticket=OPS:1/2" "breakglass=oncall"
keys tkoff C-d

conf tkopt 'ticket {' '  mode = "optional"' '}'
tickets_menu_acl
start tkopt 100 60 tkopt
OPT_PID=$(pid tkopt)
n=$(prompts tkopt)
tm send-keys -t tkopt 1 Enter
answer tkopt "$ASK_OPT" 1 ""
wait_until 15 more_prompts tkopt "$n"
check "optional: asked for, Enter for none, then the URL" \
    shows_url tkopt $WEB false
check "optional: the issue record has ticket=\"\"" \
    record issue "$OPT_PID" 'ticket=""' result=ok
keys tkopt C-d
