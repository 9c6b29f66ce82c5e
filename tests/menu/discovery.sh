# SPDX-License-Identifier: ISC
# The menu with instances from the cloud (DESIGN 1.10), sourced by
# tests/menu/run: the STATUS column with each instance's last known
# status, and the cloud's hostile strings (every one of the mock's
# geninventory.HOSTILE) inert on the screen: no escape sequence, no
# title, no bidi control reaches the terminal.

$PY tests/mock/geninventory.py --instances 40 --regions cn-hangzhou \
    --hostile 17 --stopped-every 5 --tag-every 1 --lean \
    "$T/menu-inv.json" >"$T/menu-inv.summary"
start_mock --inventory "$T/menu-inv.json"

conf disc
cat >>"$T/disc.conf" <<CONF
inventory {
  discover = true
}
CONF
cat >"$T/acl.conf" <<ACL
allow "ops" {
  users = {"$ME"}
  instances = {"*"}
}
ACL
env -i PATH=/usr/bin:/bin VNCGATE_CONFIG="$T/disc.conf" \
    VNCGATE_SYSLOG_SOCKET="$T/log.sock" "$SHELL_BIN" -S >"$T/disc.S" 2>&1
check "discovery: -S lists the 40 instances" grep -q \
    '^cn-hangzhou count=40 ' "$T/disc.S"

# the first stopped instance (every 5th) and a hostile one, by ID
first_stopped=$($PY -c 'import json, sys
inv = json.load(open(sys.argv[1]))
print([i["InstanceId"] for i in inv["Instances"]
       if i.get("Status") == "Stopped"][0])' "$T/menu-inv.json")
first_hostile=$($PY -c 'import json, sys
print(json.load(open(sys.argv[1]))["hostile_ids"][0])' "$T/menu-inv.summary")

start disc 220 80 disc
check "discovery: the table has a STATUS column" screen_re disc \
    '^ +# +NAME +ID +REGION +OS +STATUS +DESCRIPTION'
check "discovery: a stopped instance shows Stopped" screen_re disc \
    "$first_stopped +cn-hangzhou +(linux|windows) +Stopped"
check "discovery: a running instance shows Running" screen_re disc \
    ' +cn-hangzhou +(linux|windows) +Running'
check "discovery: a hostile instance is known by its ID" screen_re disc \
    "$first_hostile +$first_hostile +cn-hangzhou"
check "discovery: no ESC reaches the screen" screen_lacks disc \
    "$(printf '\033')"
check "discovery: no right-to-left override reaches the screen" \
    screen_lacks disc "$(printf '\342\200\256')"
check "discovery: no isolate reaches the screen" screen_lacks disc \
    "$(printf '\342\201\247')"
title_kept() { [ "$(tm display -p -t disc '#{pane_title}')" != owned ]; }
check "discovery: no OSC title from the cloud" title_kept
line disc "$first_hostile"
check "discovery: a hostile instance opens by its ID" shows_url disc \
    "$first_hostile" false
tm send-keys -t disc q Enter
wait_until 10 dead disc
check "discovery: the menu ends with q, exit 0" [ "$(status disc)" = 0 ]
