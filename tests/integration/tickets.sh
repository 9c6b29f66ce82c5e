# SPDX-License-Identifier: ISC
# Tickets and break-glass (DESIGN 1.11, 1.12) with one command (-c),
# sourced by tests/integration/run after its own cases: what the operator
# sees (exit code, stdout, stderr), every record and the severity it was
# sent at (the priority on the syslog socket: authpriv is 10, so <86> is
# info, <85> notice, <81> alert), and what the mock cloud received.

# ------------------------------------------------------------ helpers

# the priority of the newest record of EVENT holding every TEXT: "<81>"
pri_of() {
	ev=$1; shift
	lines=$(grep "vncgate\[[0-9]*\]: event=$ev\b" "$T/syslog.txt")
	for kv in "$@"; do
		lines=$(printf '%s\n' "$lines" | grep -F -- " $kv")
	done
	printf '%s\n' "$lines" | tail -n 1 | sed -n 's/^\(<[0-9]*>\).*/\1/p'
}
pri_is() {	# PRI EVENT TEXT...
	want=$1; shift
	[ "$(pri_of "$@")" = "$want" ]
}

# the ACL of these cases: web-* by allow; win-* blocked by a deny that
# break-glass passes; secret-* behind a final deny that it does not
tickets_acl() {
	cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"web-*", "win-*", "db-*"}
}
deny "no-win-now" {
  instances = {"win-*"}
}
deny "never-secret" {
  instances = {"secret-*"}
  final = true
}
breakglass "oncall" {
  users = {"$ME"}
  instances = {"win-*", "secret-*"}
}
ACL
}

# tconf PROVIDER MODE [PATTERN]: the harness config with a ticket section
tconf() {
	write_conf "$1" v3 'ticket {' "  mode = \"$2\"" \
	    "  pattern = \"${3:-}\"" '}'
	tickets_acl
	: >"$T/syslog.txt"
}

# one line of stderr, and it is SENTENCE (after "vncgate: ")
err_is() { [ "$(cat "$ERR")" = "vncgate: $1" ]; }
err_has() { grep -qF -- "$1" "$ERR"; }
url_out() { grep -q "^$PAGE?vncUrl=" "$OUT"; }
ecs_since() { [ "$(mock_count ecs)" -eq "$1" ]; }
sts_since() { [ "$(mock_count sts)" -eq "$1" ]; }

# The RoleSessionName the mock got, read back as DESIGN 1.11 says: the
# name before the first "@@", the ticket after it, each "@XX" a byte.
# Written apart from lib/creds_session.c, from the documented format.
session_reads() {	# USER TICKET
	$PY - "$(mock_last sts role_session_name)" "$1" "$2" <<'PYEOF'
import re, sys
name, user, ticket = sys.argv[1:4]
def dec(s):
    out, i = b"", 0
    while i < len(s):
        if s[i] == "@":
            if not re.fullmatch(r"[0-9A-F]{2}", s[i + 1:i + 3]):
                sys.exit(1)
            out += bytes([int(s[i + 1:i + 3], 16)])
            i += 3
        else:
            out += s[i].encode()
            i += 1
    return out.decode()
u, sep, t = name.partition("@@")
ok = (2 <= len(name) <= 64 and re.fullmatch(r"[A-Za-z0-9.@_-]+", name)
      and sep and dec(u) == user and dec(t) == ticket)
sys.exit(0 if ok else 1)
PYEOF
}

# A ticket of at most 32 characters whose encoding (":" costs three) is
# exactly N characters: colons, then letters.
ticket_of() {	# N
	$PY -c 'import sys
n = int(sys.argv[1])
c = max(0, (n - 32 + 1) // 2)
assert 3 * c <= n and n - 2 * c <= 32
print(":" * c + "A" * (n - 3 * c))' "$1"
}

# the room a ticket has beside the operator's mapped name (64 in all)
ME_ROOM=$($PY -c 'import re, sys
u = sys.argv[1].encode()
n = sum(1 if re.fullmatch(rb"[A-Za-z0-9._-]", bytes([b])) else 3 for b in u)
print(64 - n - 2)' "$ME")

# ------------------------------------------------------ mode = off

start_mock
tconf static off
vg "url web-1"
check "ticket off, none given: exit 0" [ "$RC" -eq 0 ]
check "ticket off, none given: the issue record has ticket=\"\"" \
    has_record issue 'ticket=""' 'breakglass=""' "result=ok"
check "an ordinary issue is sent at info (<86>)" pri_is "<86>" issue \
    'ticket=""' "result=ok"
vg "url web-1 INC-7"
check "ticket off, one given: exit 0" [ "$RC" -eq 0 ]
check "ticket off, one given: checked and recorded" \
    has_record issue "ticket=INC-7" "result=ok"
vg "web-1 OPS:7/b"
check "a bare TARGET with a ticket of ':' and '/': exit 0" [ "$RC" -eq 0 ]
check "a bare TARGET with a ticket: the URL" url_out
check "a ticket of ':' and '/' is recorded as typed" \
    has_record issue "ticket=OPS:7/b"
vg "url web-1 $(printf 'T%.0s' $(seq 33))"
check "ticket off, 33 characters: exit 2" [ "$RC" -eq 2 ]
check "ticket off, 33 characters: says at most 32" \
    err_is "the ticket is longer than 32 characters"
vg "url web-1 $(printf 'T%.0s' $(seq 32))"
check "ticket off, 32 characters: exit 0" [ "$RC" -eq 0 ]
vg "url we:b-1 INC-7"
check "':' in a target is refused: exit 2" [ "$RC" -eq 2 ]
check "':' in a target is refused with the command's sentence" \
    err_has "the command may hold only letters"
vg "url web-1 INC-7 more"
check "a word after the ticket: exit 2" [ "$RC" -eq 2 ]
check "a word after the ticket: says there are too many" \
    err_is "too many words; try \"help\""
vg "url"
check "url alone: says what url takes" \
    err_is "\"url\" takes one TARGET and maybe a ticket; try \"help\""
vg "list"
check "list shows what break-glass reaches (win-1)" \
    [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "web-1 win-1 db-1 " ]

# ------------------------------------------------- mode = required

ecs0=$(mock_count ecs)
tconf static required '[A-Z]+-[0-9]+'
vg "url web-1"
check "ticket required, none: exit 2" [ "$RC" -eq 2 ]
M_NEEDED='a ticket is required: give it after the target, as in '
M_NEEDED="$M_NEEDED\"url web-1 INC-1234\""
check "ticket required, none: one sentence saying so" err_is "$M_NEEDED"
check "ticket required, none: a deny record (reason=no-ticket)" \
    has_record deny "reason=no-ticket" 'rule=""' 'ticket=""'
check "ticket required, none: the deny is a notice (<85>)" \
    pri_is "<85>" deny "reason=no-ticket"
check "ticket required, none: shell_end reason=usage" \
    has_record shell_end "reason=usage"
check "ticket required, none: no cloud call" ecs_since "$ecs0"
vg "url web-1 inc-12"
check "ticket not matching the pattern: exit 2" [ "$RC" -eq 2 ]
check "ticket not matching the pattern: the rule in the sentence" \
    err_is "the ticket does not follow the rule: matching [A-Z]+-[0-9]+"
check "ticket not matching the pattern: deny reason=bad-ticket" \
    has_record deny "reason=bad-ticket" 'ticket=""'
vg "url web-1 xINC-12y"
check "the pattern is anchored: xINC-12y is refused, exit 2" [ "$RC" -eq 2 ]
vg "url web-1 INC-12-3"
check "the pattern is anchored: INC-12-3 is refused, exit 2" [ "$RC" -eq 2 ]
check "no bad ticket reached the cloud" ecs_since "$ecs0"
vg "url web-1 INC-12"
check "ticket required and good: exit 0" [ "$RC" -eq 0 ]
check "ticket required and good: the URL" url_out
check "ticket required and good: the issue record carries it" \
    has_record issue "ticket=INC-12" 'breakglass=""' "result=ok"

# a pattern that does not compile is a config error with its line
write_conf static v3 'ticket {' '  mode = "optional"' '  pattern = "[A-Z"' '}'
vg "url web-1 A"
check "a pattern that does not compile: exit 4" [ "$RC" -eq 4 ]
check "a pattern that does not compile: config_error at its line" \
    has_record config_error "line=5"
write_conf static v3 'ticket {' '  mode = "optional"' \
    '  pattern = "A)|(.*"' '}'
vg "url web-1 A"
check "a pattern whose ')' would close the anchor: exit 4" [ "$RC" -eq 4 ]
write_conf static v3 'ticket {' '  mode = "sometimes"' '}'
vg "url web-1"
check "an unknown ticket.mode: exit 4" [ "$RC" -eq 4 ]

# ------------------------------------------------------- break-glass

tconf static off
ecs0=$(mock_count ecs)
vg "url win-1"
check "break-glass without a ticket (mode off): exit 2" [ "$RC" -eq 2 ]
M_WARN='win-1 is emergency access (break-glass rule "oncall"): the auditors '
M_WARN="${M_WARN}are alerted now"
check "break-glass without a ticket: the warning names the rule" \
    err_has "$M_WARN"
check "break-glass without a ticket: says a ticket is required" \
    err_has "a ticket is required"
check "break-glass without a ticket: a deny with breakglass=oncall" \
    has_record deny "reason=no-ticket" "rule=oncall" "breakglass=oncall"
check "break-glass without a ticket: that deny is an alert (<81>)" \
    pri_is "<81>" deny "breakglass=oncall"
check "break-glass without a ticket: no cloud call" ecs_since "$ecs0"
vg "url win-1 INC-9"
check "break-glass with a ticket: exit 0" [ "$RC" -eq 0 ]
check "break-glass with a ticket: the URL on stdout" url_out
check "break-glass with a ticket: the warning on stderr" \
    err_has "is emergency access"
check "break-glass with a ticket: issue breakglass=oncall ticket=INC-9" \
    has_record issue "rule=oncall" "ticket=INC-9" "breakglass=oncall" \
    "result=ok"
check "break-glass with a ticket: the issue is an alert (<81>)" \
    pri_is "<81>" issue "breakglass=oncall" "result=ok"
vg "url secret-1 INC-9"
check "a final deny beats break-glass: exit 3" [ "$RC" -eq 3 ]
check "a final deny beats break-glass: the deny names it" \
    has_record deny "reason=acl" "rule=never-secret" 'breakglass=""' \
    "ticket=INC-9"
check "a final deny beats break-glass: a notice (<85>), not an alert" \
    pri_is "<85>" deny "rule=never-secret"

# rate limits apply as to any issuance, with the keys, at notice
rm -rf "$T/state"
USER_PER_MINUTE=1 tconf static off
vg "url web-1 INC-1"
vg "url win-1 INC-2"
check "break-glass rate-limited: exit 3" [ "$RC" -eq 3 ]
check "break-glass rate-limited: rate_limited with both keys" \
    has_record rate_limited "name=win-1" "scope=user" "ticket=INC-2" \
    "breakglass=oncall"
check "rate_limited is a notice (<85>)" pri_is "<85>" rate_limited \
    "ticket=INC-2"

# a user whom only break-glass reaches is no user "the ACL reaches
# nowhere": each run counts once in the window, as any issuance, so the
# on-call engineer gets the whole limit the night it is needed
rm -rf "$T/state"
USER_PER_MINUTE=2 tconf static off
cat >"$T/acl.conf" <<ACL
breakglass "oncall" {
  users = {"$ME"}
  instances = {"win-*"}
}
ACL
vg "url win-1 INC-4"
vg "url win-1 INC-5"
check "break-glass only, a limit of 2 a minute: the second console opens" \
    [ "$RC" -eq 0 ]
check "break-glass only, a limit of 2 a minute: no rate_limited record" \
    sh -c '! grep -q "event=rate_limited" "$1"' _ "$T/syslog.txt"

# a cloud failure of break-glass: still an alert, with the code
start_mock --fault internal
tconf static off
vg "url win-1 INC-3"
check "break-glass, the cloud fails: exit 1" [ "$RC" -eq 1 ]
check "break-glass, the cloud fails: the issue record is an alert" \
    pri_is "<81>" issue "breakglass=oncall" "result=InternalError"
start_mock

# ----------------------------------- ram_role_arn: RoleSessionName

tconf ram_role_arn optional
vg "url web-1 OPS:7/b"
check "ram_role_arn with a ticket: exit 0" [ "$RC" -eq 0 ]
check "ram_role_arn: the session name is name, \"@@\", ticket, encoded" \
    [ "$(mock_last sts role_session_name)" = \
    "$($PY tests/e2e/policy.py name "$ME")@@OPS@3A7@2Fb" ]
check "ram_role_arn: the session name reads back to operator and ticket" \
    session_reads "$ME" "OPS:7/b"
check "ram_role_arn: the key ECS saw belongs to that session" \
    [ "$(mock_last ecs role_session_name)" = \
    "$(mock_last sts role_session_name)" ]
vg "url web-1"
check "ram_role_arn without a ticket: the name alone, as before" \
    [ "$(mock_last sts role_session_name)" = \
    "$($PY tests/e2e/policy.py name "$ME")" ]
sts0=$(mock_count sts)
T64=$(ticket_of "$ME_ROOM")
vg "url web-1 $T64"
check "ram_role_arn: a pair of exactly 64 characters: exit 0" [ "$RC" -eq 0 ]
check "ram_role_arn: a pair of exactly 64 characters: the mock took it" \
    [ "$(mock_last sts role_session_name | tr -d '\n' | wc -c)" -eq 64 ]
check "ram_role_arn: the 64-character pair reads back" \
    session_reads "$ME" "$T64"
sts0=$(mock_count sts)
T65=$(ticket_of $((ME_ROOM + 1)))
vg "url web-1 $T65"
check "ram_role_arn: a pair of 65 characters: exit 2" [ "$RC" -eq 2 ]
M_PAIR="with your user name, this ticket makes the cloud's session name "
M_PAIR="${M_PAIR}longer than 64 characters: give one of at most $ME_ROOM "
M_PAIR="${M_PAIR}characters (':' and '/' count as three)"
check "ram_role_arn: a pair of 65 characters: the room left, in a sentence" \
    err_is "$M_PAIR"
check "ram_role_arn: a pair of 65 characters: no AssumeRole" \
    sts_since "$sts0"
check "ram_role_arn: a pair of 65 characters: deny reason=bad-ticket" \
    has_record deny "reason=bad-ticket" 'ticket=""'
