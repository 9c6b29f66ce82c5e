# SPDX-License-Identifier: ISC
# The end-to-end harness (sourced, POSIX sh): a real sshd, real PAM and
# the *installed* setgid vncgate-shell, in the manner of OpenSSH's regress
# suite.  A layer runner does
#
#	cd "$(dirname "$0")/../.." || exit 2
#	. tests/e2e/lib.sh
#	e2e_enter "$0" "$@"	# not root: SKIP; else re-run in a namespace
#	e2e_setup		# everything below; cleaned by a trap
#	... cases ...
#	harness_end
#
# e2e_setup builds, inside `unshare -n -m -p` with loopback up (one run
# at a time: it takes a lock on this file):
#   - `make install` of a copy of the tree into $R (a world-traversable
#     temporary PREFIX, SYSCONFDIR, PAMDIR, STATEDIR and LOGDIR): $SH is
#     the installed setgid shell, $AUDIT_TOOL, $AUDIT_FILE, $STATE_DIR;
#   - the group of the sshd example's Match (vncgate-operators) and the
#     operators vgop1 (granted) and vgop2 (no grant), made with useradd,
#     random passwords set by chpasswd (`pw USER`), login shell $SH;
#     `e2e_user NAME` makes more;
#   - a syslog sink on /dev/log ($T/syslog.txt; harness.sh's `records`
#     and `syslog_sync` work on it): /dev is a private tmpfs holding the
#     host's device nodes again (copies), its mounts (pts, shm) bound
#     back, and the sink's socket;
#   - the PAM stacks sshd (pam_unix, then the installed
#     sshd-vncgate.example) and vncgate (the installed example), the
#     module named by its path in $R, in a copy of /etc/pam.d bound over
#     /etc/pam.d;
#   - when the host has no /run/sshd (sshd's privilege separation needs
#     it), /run shadowed like /dev and /run/sshd made there;
#   - the HTTPS mock cloud ($MOCK, harness.sh's start_mock, mock_last,
#     mock_count), the config and ACL written by e2e_conf / e2e_acl (a
#     new mock has new ports: call e2e_conf after start_mock);
#   - sshd on 127.0.0.1:$PORT (sshd -f, own host key and pid file, log
#     in $T/sshd.log), UsePAM yes, including the installed
#     sshd_config.d example, whose ForceCommand names $SH.
# The host's /etc/pam.d, /etc/ssh, /dev and /run are never written:
# every change there is a mount inside the namespace.  Users and groups
# (in the host's /etc/passwd and /etc/group) are removed by the trap,
# only those this run made; processes die with the PID namespace.
#
# Then a case is a few lines:
#	e2e_ssh vgop1 "url web-1"		# no TTY: $OUT $ERR $RC
#	check "url: exit 0" [ "$RC" -eq 0 ]
#	e2e_tty menu vgop1			# ssh -tt in tmux, logged in
#	tm_password menu			# the shell's PAM step-up
#	tm_line menu 1				# type, wait for the prompt
#	check "..." tm_has menu "..."
#	tm_type menu q; [ "$(tm_status menu)" = 0 ]; tm_done menu
# For other clients (scp, sftp): e2e_client USER scp $(ssh_opts) -P $PORT
# ...; the processes of an operator: e2e_procs USER; the records of the
# newest session: trail USER / trail_events USER.
# On a failure the logs (syslog, sshd, mock, panes, audit file, configs)
# are kept in /tmp/vg-e2e-fail.* and the path is printed.

. tests/lib/harness.sh

E2E_MARK="vncgate e2e test user"
E2E_GROUP=vncgate-operators
E2E_USERS=""		# users this run made, for userdel
E2E_GROUPS=""		# groups this run made, for groupdel
E2E_MOUNTS=""		# mount points, newest first, for umount
E2E_TMUX=0		# a tmux server was started
E2E_LOGS=""		# more files under $T to keep on a failure

# ------------------------------------------------------------- the frame

# e2e_enter RUNNER ARGS...: skip unless root; run RUNNER again inside new
# network, mount and PID namespaces (private mount propagation, its own
# /proc), so nothing it starts can outlive it.
e2e_enter() {
	if [ "$(id -u)" != 0 ]; then
		echo "ok 1 - e2e # SKIP not root"
		echo "1..1"
		exit 0
	fi
	[ -n "${E2E_IN_NS:-}" ] && return 0
	if ! unshare -n -m -p -f --mount-proc --propagation private true \
	    2>/dev/null; then
		echo "ok 1 - e2e # SKIP unshare -n -m -p is not permitted here"
		echo "1..1"
		exit 0
	fi
	# a PID namespace too: whatever this run starts dies with it
	E2E_IN_NS=1 exec unshare -n -m -p -f --kill-child=TERM --mount-proc \
	    --propagation private -- "$@"
}

e2e_setup() {
	e2e_frame e2e
	e2e_dev
	e2e_install
	e2e_operators
	e2e_pam
	e2e_run_dir
	start_mock 9<&- || e2e_abort "the mock cloud did not start"
	e2e_acl
	e2e_conf
	e2e_sshd
}

# e2e_frame NAME: the host-wide lock, $T (/tmp/vg-NAME.*) and its
# cleanup, loopback up, the test certificates.  Also tests/local's.
e2e_frame() {
	# one run at a time on this host, from any tree: the user names and
	# the group are the host's (a lock on a file of this tree would let
	# two trees' runs make and delete the same users)
	lockdir=/run/lock
	[ -d "$lockdir" ] || lockdir=/tmp
	exec 9>>"$lockdir/vncgate-e2e.lock"
	flock -w 600 9 || { echo "not ok 1 - $1: another run holds the lock"
	    echo "1..1"; exit 1; }
	T=$(mktemp -d "/tmp/vg-$1.XXXXXX") || exit 1
	chmod 755 "$T"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	mkdir -p "$T/logs" "$T/bin"
	ip link set lo up || e2e_abort "cannot bring loopback up"
	tests/mock/mkcerts "$T/certs" >/dev/null 2>&1 ||
	    e2e_abort "cannot make test certificates"
}

# A setup step failed: one failing TAP line, the logs kept, exit.
e2e_abort() {
	fail "e2e setup: $1" "${2:-}"
	harness_end
	exit 1
}

# --------------------------------------------------------------- mounts

# shadow DIR [SIZE]: DIR becomes a private tmpfs (SIZE, default 4m)
# holding what it held (device nodes and symlinks copied, everything else
# bound back), so new entries can be made in it without touching the
# host.  Only in this mount namespace.
shadow() {
	dir=$1 orig=$T/orig$$ size=${2:-4m}
	mkdir "$orig"
	mount --rbind "$dir" "$orig" || return 1
	mount -t tmpfs -o "mode=755,size=$size" "vg-e2e" "$dir" || {
		umount -R -l "$orig"; return 1; }
	E2E_MOUNTS="$dir $E2E_MOUNTS"
	for e in "$orig"/* "$orig"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		n=${e##*/}
		if [ -L "$e" ] || [ -c "$e" ] || [ -b "$e" ]; then
			cp -a "$e" "$dir/$n"
		elif [ -d "$e" ]; then
			mkdir "$dir/$n" && mount --rbind "$e" "$dir/$n"
		else
			: >"$dir/$n" && mount --bind "$e" "$dir/$n"
		fi
	done
	# the binds stand on their own: the old tree goes at once, so no
	# rm below $T can ever reach the host's files through it
	umount -R -l "$orig" && rmdir "$orig"
}

# /dev: the host's nodes again, plus /dev/log for the syslog sink.  A
# copied /dev/ptmx finds its devpts at "pts" next to it (bound back).
e2e_dev() {
	shadow /dev || e2e_abort "cannot make a private /dev"
	[ -c /dev/null ] && [ -c /dev/ptmx ] && [ -d /dev/pts ] ||
	    e2e_abort "the private /dev lacks null, ptmx or pts"
	: >"$T/syslog.txt"
	$PY tests/lib/syslogd.py /dev/log "$T/syslog.txt" "$T/syslogd.pid" \
	    2>"$T/logs/syslogd.err" 9<&- &
	PIDS="$PIDS $!"
	wait_file "$T/syslogd.pid" || e2e_abort "the syslog sink did not start"
	# harness.sh's syslog_sync and records read these
	ln -s /dev/log "$T/log.sock"
}

# sshd's privilege separation wants an empty root-owned /run/sshd; the
# host has none, so /run is shadowed and it is made there.
e2e_run_dir() {
	if [ ! -d /run/sshd ]; then
		shadow /run || e2e_abort "cannot make a private /run"
		mkdir -m 755 /run/sshd
	fi
}

# ------------------------------------------------------------- install

# make install of a copy of the tree (the paths are compiled in), as in
# tests/install/run.  Sets R, SH (the installed shell), AUDIT_TOOL.
e2e_install() {
	mkdir "$T/src"
	for d in Makefile lib shell tools pam_module man etc po; do
		[ -e "$d" ] && printf '%s\n' "$d"
	done | tar --exclude='*.o' --exclude='*.a' --exclude='*.so' \
	    -cf - -T - | tar -C "$T/src" -xf -
	R=$T/root
	mkdir -m 755 "$R"
	getent group vncgate >/dev/null || E2E_VG_GROUP_MADE=1
	# shellcheck disable=SC2086
	if ! make -C "$T/src" -s -B -j"$(nproc 2>/dev/null || echo 2)" \
	    UNIT_BIN= PREFIX="$R/usr" SYSCONFDIR="$R/etc" PAMDIR="$R/pam" \
	    STATEDIR="$R/var/lib/vncgate" LOGDIR="$R/var/log/vncgate" \
	    install >"$T/logs/install.log" 2>&1; then
		getent group vncgate >/dev/null || E2E_VG_GROUP_MADE=
		e2e_abort "make install failed" \
		    "$(tail -n 5 "$T/logs/install.log")"
	fi
	[ -n "${E2E_VG_GROUP_MADE:-}" ] && E2E_GROUPS="vncgate $E2E_GROUPS"
	rm -rf "$T/src"
	SH=$R/usr/sbin/vncgate-shell
	AUDIT_TOOL=$R/usr/bin/vncgate-audit
	AUDIT_FILE=$R/var/log/vncgate/audit.log
	STATE_DIR=$R/var/lib/vncgate
	EXAMPLES=$R/usr/share/doc/vncgate/examples
	[ "$(stat -c '%G %a' "$SH")" = "vncgate 2755" ] ||
	    e2e_abort "the installed shell is not setgid vncgate" \
	    "$(stat -c '%U:%G %a' "$SH")"
}

# ------------------------------------------------------------ operators

# The group the installed sshd example matches on, made when missing.
e2e_operators() {
	grp=$(sed -n 's/^Match Group \([^ ,]*\).*/\1/p' \
	    "$EXAMPLES/sshd_config.d/vncgate.conf" | head -n 1)
	E2E_GROUP=${grp:-$E2E_GROUP}
	if ! getent group "$E2E_GROUP" >/dev/null; then
		groupadd "$E2E_GROUP" || e2e_abort "groupadd $E2E_GROUP failed"
		E2E_GROUPS="$E2E_GROUP $E2E_GROUPS"
	fi
	mkdir -m 755 "$T/home" "$T/pw"
	e2e_user vgop1
	e2e_user vgop2
}

# e2e_user NAME [SHELL]: an operator with a fresh random password (in
# $T/pw/NAME; `pw NAME` prints it), login shell the installed shell.
# A user of that name left by a killed run (our mark, home under a
# vg-e2e folder) is removed first: this run holds the host-wide lock, so
# no live run owns it (a machine imaged after a killed run keeps both the
# user and its home).  Any other existing user stops the run.
e2e_user() {
	name=$1 shell=${2:-$SH}
	if getent passwd "$name" >/dev/null; then
		old=$(getent passwd "$name")
		case $old in
		*":$E2E_MARK:/tmp/vg-e2e."*)
			pkill -KILL -u "$name" 2>/dev/null
			userdel -f -r "$name" >/dev/null 2>&1 ;;
		esac
		getent passwd "$name" >/dev/null &&
		    e2e_abort "a user $name exists already: not ours to use"
	fi
	useradd -m -d "$T/home/$name" -s "$shell" -G "$E2E_GROUP" \
	    -c "$E2E_MARK" "$name" >>"$T/logs/useradd.log" 2>&1 ||
	    e2e_abort "useradd $name failed" \
	    "$(tail -n 2 "$T/logs/useradd.log")"
	E2E_USERS="$name $E2E_USERS"
	(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=\n' \
	    >"$T/pw/$name")
	printf '%s:%s\n' "$name" "$(pw "$name")" | chpasswd ||
	    e2e_abort "chpasswd $name failed"
}

pw() { cat "$T/pw/$1"; }

# ------------------------------------------------------------------ PAM

# The installed examples with the module's path made absolute (PAMDIR is
# ours, not where libpam looks), plus the system's pam_unix for sshd.
# Bound over /etc/pam.d in this namespace only.
e2e_pam() {
	mod=$R/pam/pam_vncgate.so
	mkdir "$T/pam.d"
	cp -a /etc/pam.d/. "$T/pam.d/"
	{
		echo "# vncgate e2e: sshd"
		echo "auth     required  pam_unix.so"
		echo "account  required  pam_unix.so"
		grep -v '^[[:space:]]*#' \
		    "$EXAMPLES/pam.d/sshd-vncgate.example" |
		    grep . | sed "s|pam_vncgate\.so|$mod|"
		echo "session  required  pam_unix.so"
	} >"$T/pam.d/sshd"
	sed "s|pam_vncgate\.so|$mod|" "$EXAMPLES/pam.d/vncgate" \
	    >"$T/pam.d/vncgate"
	chmod 644 "$T/pam.d/sshd" "$T/pam.d/vncgate"
	grep -q "$mod" "$T/pam.d/sshd" && grep -q "$mod" "$T/pam.d/vncgate" ||
	    e2e_abort "the PAM examples do not name pam_vncgate.so"
	mount --bind "$T/pam.d" /etc/pam.d ||
	    e2e_abort "cannot bind the PAM stacks over /etc/pam.d"
	E2E_MOUNTS="/etc/pam.d $E2E_MOUNTS"
}

# ------------------------------------------------------ config and ACL

INST_WEB=i-bp1hzoinajzkh91h0001
INST_WIN=i-bp1hzoinajzkh91h0002
INST_DB=i-bp1stopped0000000003
INST_SECRET=i-bp1hzoinajzkh91h0004

# e2e_conf [TOP-LEVEL LINES...]: the installed vncgate.conf, root 0644.
# Knobs: PROVIDER (ecs_ram_role), REAUTH (login), OUTPUT (auto),
# USER_LIMIT and INSTANCE_LIMIT (0: none), PAM_SERVICE (vncgate),
# API_TIMEOUT (5), RETRIES (2), MD_TOKEN (required), AUDIT_REQUIRED.
e2e_conf() {
	c=$R/etc/vncgate/vncgate.conf
	{
		echo "acl_file = \"$R/etc/vncgate/acl.conf\""
		echo "pam_service = \"${PAM_SERVICE-vncgate}\""
		echo "reauth = \"${REAUTH:-login}\""
		echo "output = \"${OUTPUT:-auto}\""
		echo "url_ttl = ${URL_TTL:-15}"
		echo "idle_timeout = ${IDLE_TIMEOUT:-60}"
		for line in "$@"; do echo "$line"; done
		cat <<CONF
api {
  region = "cn-hangzhou"
  endpoint = "https://127.0.0.1:$ECS_PORT"
  sts_endpoint = "https://127.0.0.1:$STS_PORT"
  signature = "${SIGNATURE:-v3}"
  ca_file = "$MOCK/ca.pem"
  connect_timeout = 1
  timeout = ${API_TIMEOUT:-5}
  retries = ${RETRIES:-2}
}
credentials {
  provider = "${PROVIDER:-ecs_ram_role}"
  metadata_url = "http://127.0.0.1:$IMDS_PORT"
  metadata_token = "${MD_TOKEN:-required}"
  access_key_file = "$R/etc/vncgate/access_key"
  role_arn = "$ROLE_ARN"
  session_policy = true
  duration = 900
}
audit {
  file = "$AUDIT_FILE"
  required = ${AUDIT_REQUIRED:-true}
}
limits {
  user_per_minute = ${USER_LIMIT:-0}
  instance_per_minute = ${INSTANCE_LIMIT:-0}
  state_dir = "$STATE_DIR"
}
instance "web-1" {
  id = "$INST_WEB"
  description = "web frontend 1"
  tags = {"env=prod", "team=web"}
}
instance "win-1" {
  id = "$INST_WIN"
  os = "windows"
  description = "windows box"
}
instance "db-1" {
  id = "$INST_DB"
  description = "a stopped database"
}
instance "secret-1" {
  id = "$INST_SECRET"
  description = "nobody may open this"
}
CONF
	} >"$c.new"
	chown root:root "$c.new" && chmod 644 "$c.new" && mv "$c.new" "$c"
	k=$R/etc/vncgate/access_key
	printf 'access_key_id = "%s"\naccess_key_secret = "%s"\n' \
	    "$AK_ID" "$AK_SECRET" >"$k"
	chown root:vncgate "$k" && chmod 640 "$k"
}

# e2e_acl [RULES]: the installed acl.conf; by default vgop1 may open
# web-*, win-* and db-*, nobody secret-*, and vgop2 nothing.
e2e_acl() {
	a=$R/etc/vncgate/acl.conf
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >"$a.new"
	else
		cat >"$a.new" <<'ACL'
allow "ops" {
  users = {"vgop1"}
  instances = {"web-*", "win-*", "db-*"}
}
deny "never-secret" {
  instances = {"secret-*"}
}
ACL
	fi
	chown root:root "$a.new" && chmod 644 "$a.new" && mv "$a.new" "$a"
}

# e2e_clear_limits: forget every rate-limit window.
e2e_clear_limits() {
	# the sessions folder is make install's, and holds the records of
	# pam_vncgate that the privileged shell takes its address from
	find "$STATE_DIR" -mindepth 1 -maxdepth 1 ! -name sessions \
	    -exec rm -rf {} +
}

# e2e_locale NAME (e.g. zh_CN.UTF-8): make the locale exist for the
# setgid shell, which ignores LOCPATH: when the system lacks it,
# /usr/lib/locale is shadowed and localedef writes it there.
e2e_locale() {
	want=$(echo "$1" | sed 's/UTF-8$/utf8/')
	locale -a 2>/dev/null | grep -qx -e "$want" -e "$1" && return 0
	mountpoint -q /usr/lib/locale || shadow /usr/lib/locale 64m ||
	    return 1
	# warnings make localedef exit 1 with a usable locale
	localedef -i "${1%%.*}" -f UTF-8 "/usr/lib/locale/$1" \
	    >"$T/logs/localedef.log" 2>&1
	[ -f "/usr/lib/locale/$1/LC_CTYPE" ]
}

# ------------------------------------------------------------------ sshd

e2e_sshd() {
	S=$T/ssh
	mkdir -m 700 "$S"
	ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519" ||
	    e2e_abort "ssh-keygen failed"
	PORT=$($PY -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$S/sshd_config" <<CONF
# vncgate e2e: a private sshd (sshd -f), inside the test's namespaces
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host_ed25519
PidFile $S/sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
AuthorizedKeysFile none
PermitRootLogin no
PermitEmptyPasswords no
UseDNS no
MaxAuthTries 6
LoginGraceTime 30
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
Subsystem sftp internal-sftp
Include $S/vncgate.conf
CONF
	# the installed example, ForceCommand already naming our PREFIX
	cp "$EXAMPLES/sshd_config.d/vncgate.conf" "$S/vncgate.conf"
	grep -qx "	ForceCommand $SH" "$S/vncgate.conf" ||
	    e2e_abort "the sshd example's ForceCommand is not $SH"
	/usr/sbin/sshd -t -f "$S/sshd_config" >"$T/logs/sshd-t.log" 2>&1 ||
	    e2e_abort "sshd -t refuses the config" "$(cat "$T/logs/sshd-t.log")"
	/usr/sbin/sshd -D -f "$S/sshd_config" -E "$T/sshd.log" 9<&- &
	PIDS="$PIDS $!"
	wait_file "$S/sshd.pid" || e2e_abort "sshd did not start" \
	    "$(tail -n 3 "$T/sshd.log")"
	# the client: no user or system config, no known_hosts
	cat >"$T/bin/askpass" <<'EOF'
#!/bin/sh
cat "$E2E_PWFILE"
EOF
	chmod 755 "$T/bin/askpass"
}

# The client's options: no user or system config, no known_hosts,
# password authentication only.  E2E_PROMPTS: how many tries (1).
ssh_opts() {
	echo "-F /dev/null -o StrictHostKeyChecking=no" \
	    "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR" \
	    "-o PreferredAuthentications=password -o PubkeyAuthentication=no" \
	    "-o NumberOfPasswordPrompts=${E2E_PROMPTS:-1} -o ConnectTimeout=5"
}

# The ssh command line for USER, up to the host.
ssh_argv() { echo "ssh $(ssh_opts) -p $PORT -l $1"; }

# e2e_client USER PROGRAM ARGS...: run an ssh-family client (ssh, scp,
# sftp: give it ssh_opts, the port and the host yourself) in a clean
# environment, with sshd's password for USER from askpass: E2E_SSH_PW
# when set (E2E_TAG suffixes its file), else USER's own.  E2E_ENV adds
# variables (LANG=... for SendEnv).
e2e_client() {
	u=$1; shift
	if [ -n "${E2E_SSH_PW+set}" ]; then
		printf '%s\n' "$E2E_SSH_PW" >"$T/badpw${E2E_TAG:-}"
		pwf=$T/badpw${E2E_TAG:-}
	else
		pwf=$T/pw/$u
	fi
	# shellcheck disable=SC2086
	env -i PATH=/usr/bin:/bin HOME="$T" SSH_ASKPASS="$T/bin/askpass" \
	    SSH_ASKPASS_REQUIRE=force E2E_PWFILE="$pwf" ${E2E_ENV:-} "$@"
}

# e2e_ssh USER COMMAND [SSH_OPTION...]: `ssh bastion COMMAND` without a
# TTY, through e2e_client.  stdin is the file E2E_IN, or else one line,
# E2E_STEPUP or the user's password, for the shell's PAM step-up.
# Sets OUT ERR RC (files suffixed with E2E_TAG, for a run in the
# background).
e2e_ssh() {
	u=$1 cmd=$2 x=${E2E_TAG:-}; shift 2
	OUT=$T/out$x ERR=$T/err$x
	if [ -n "${E2E_IN:-}" ]; then
		cp "$E2E_IN" "$T/in$x"
	else
		printf '%s\n' "${E2E_STEPUP-$(pw "$u")}" >"$T/in$x"
	fi
	# shellcheck disable=SC2046
	e2e_client "$u" $(ssh_argv "$u") -T "$@" 127.0.0.1 "$cmd" \
	    <"$T/in$x" >"$OUT" 2>"$ERR"
	RC=$?
	syslog_sync
}

# --------------------------------------------------------------- tmux

tm() { tmux -S "$T/tmux.sock" "$@"; }

# e2e_tty NAME USER [SSH_OPTION...]: `ssh -tt USER@bastion` in a new tmux
# session NAME (100x60, remain-on-exit), which answers sshd's password
# prompt with E2E_SSH_PW or the user's password.  Returns 0 once sshd
# asked and the answer was typed.  E2E_ENV: variables for ssh (LANG).
e2e_tty() {
	name=$1 u=$2; shift 2
	if [ "$E2E_TMUX" = 0 ]; then
		printf '%s\n' 'set -g history-limit 20000' \
		    'setw -g remain-on-exit on' >"$T/tmux.conf"
		E2E_TMUX=1
	fi
	# shellcheck disable=SC2046
	tm -f "$T/tmux.conf" -u new-session -d -s "$name" -x 100 -y 60 \
	    "env -i PATH=/usr/bin:/bin HOME=$T TERM=xterm-256color \
	    LANG=C.UTF-8 ${E2E_ENV:-} $(ssh_argv "$u") -tt $* 127.0.0.1; \
	    echo \$? >$T/tm-$name.rc" 9<&- || return 1
	echo "$u" >"$T/tm-$name.user"
	tm_wait "$name" "password:" 10 || return 1
	tm send-keys -t "$name" -l "${E2E_SSH_PW-$(pw "$u")}"
	tm send-keys -t "$name" Enter
}

# tm_screen NAME: the pane with its history, wrapped lines joined
tm_screen() { tm capture-pane -p -J -S - -t "$1"; }
tm_has() { tm_screen "$1" | grep -qF -- "$2"; }
tm_count() { tm_screen "$1" | grep -cF -- "$2"; }
tm_dead() { [ "$(tm display -p -t "$1" '#{pane_dead}')" = 1 ]; }

# wait_until SECONDS COMMAND...: poll every 50 ms
wait_until() {
	w=$1; shift
	i=0
	while ! "$@"; do
		i=$((i + 1)); [ $i -gt $((w * 20)) ] && return 1
		sleep 0.05
	done
}

# tm_wait NAME TEXT [SECONDS]: until the pane shows TEXT (or died)
tm_wait() {
	wait_until "${3:-10}" tm_seen "$1" "$2"
}
tm_seen() { tm_has "$1" "$2" || tm_dead "$1"; }

# tm_wait_count NAME TEXT N [SECONDS]: until TEXT shows N times
tm_wait_count() {
	wait_until "${4:-10}" eval \
	    "[ \$(tm_count '$1' '$2') -ge $3 ] || tm_dead '$1'"
}

# tm_password NAME [PASSWORD]: wait for the next prompt of the shell's
# PAM step-up (E2E_PW_PROMPT, an ERE, default "Password:"; one more than
# this function answered so far on NAME) and for that terminal's echo
# to go off, then type PASSWORD or the password of NAME's user.  pam.c
# turns echo off with TCSAFLUSH after it printed the prompt: keys typed
# in between would be dropped.
tm_password() {
	done_n=$(cat "$T/tm-$1.pw" 2>/dev/null || echo 0)
	u=$(cat "$T/tm-$1.user")
	wait_until 10 tm_pw_prompts "$1" $((done_n + 1)) || return 1
	tm_dead "$1" && return 1
	wait_until 5 $PY tests/e2e/echo_off.py "$u" || sleep 0.5
	tm send-keys -t "$1" -l "${2-$(pw "$u")}"
	tm send-keys -t "$1" Enter
	echo $((done_n + 1)) >"$T/tm-$1.pw"
}
tm_pw_prompts() {
	[ "$(tm_screen "$1" | grep -cE -- "${E2E_PW_PROMPT:-Password:}")" \
	    -ge "$2" ] || tm_dead "$1"
}

# the prompt, counted, so a line's end is the next one
tm_prompts() { tm_count "$1" 'vncgate>'; }

# tm_line NAME TEXT: type a line at the menu's prompt, wait for the next
tm_line() {
	n=$(tm_prompts "$1")
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
	wait_until 15 eval "[ \$(tm_prompts '$1') -gt $n ] || tm_dead '$1'"
}

# tm_type NAME TEXT: type a line, wait for nothing
tm_type() {
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
}

# tm_last NAME: what the last command showed, from its prompt line on
tm_last() {
	tm_screen "$1" | awk '/vncgate>/ { prev = cur; cur = "" }
	    { cur = cur $0 "\n" } END { printf "%s", prev }'
}

# tm_status NAME [SECONDS]: ssh's exit status once it ended, else ""
# (the pane's shell writes it to a file: tmux may show a pane dead
# before it has the status)
tm_status() {
	wait_until "${2:-10}" test -s "$T/tm-$1.rc" || return 0
	cat "$T/tm-$1.rc"
}

# tm_done NAME: keep the pane's text in the logs, close the session
tm_done() {
	tm_screen "$1" >"$T/logs/pane-$1.txt" 2>/dev/null
	tm kill-session -t "$1" 2>/dev/null
}

# tm_lacks NAME TEXT / tm_last_lacks NAME TEXT: the pane (or what its
# last command showed) does not hold TEXT; a pane that cannot be read
# does not pass.  tm_last_no_qr NAME: no half block in the last output.
tm_lacks() {
	tm_screen "$1" >"$T/pane-lacks.txt" && [ -s "$T/pane-lacks.txt" ] &&
	    lacks "$T/pane-lacks.txt" "$2"
}
tm_last_lacks() {
	tm_last "$1" >"$T/last-lacks.txt" && [ -s "$T/last-lacks.txt" ] &&
	    lacks "$T/last-lacks.txt" "$2"
}
tm_last_no_qr() {
	tm_last "$1" >"$T/last-lacks.txt" && [ -s "$T/last-lacks.txt" ] &&
	    lacks_re "$T/last-lacks.txt" '[▀▄█]'
}
tm_last_has() { tm_last "$1" | grep -qF -- "$2"; }
# tm_last_line NAME TEXT: a line of the last output is exactly TEXT
tm_last_line() { tm_last "$1" | grep -qxF -- "$2"; }
tm_re() { tm_screen "$1" | grep -qE -- "$2"; }
# the pane's program runs (tmux answers, and says it is not dead)
tm_alive() { [ "$(tm display -p -t "$1" '#{pane_dead}')" = 0 ]; }

# tm_qr NAME: the newest QR code on the pane, decoded by zbarimg
tm_qr() {
	tm_screen "$1" >"$T/pane.txt"
	$PY tests/menu/qr2pbm.py "$T/pane.txt" "$T/pane.pbm" 2>/dev/null &&
	    zbarimg -q --raw "$T/pane.pbm" 2>/dev/null
}

# ---------------------------------------------------------------- trail

# The console URL the mock issued last, as the shell composes it.
mock_url() {	# ID WINDOWS
	echo "$PAGE?vncUrl=$(mock_last ecs vnc_url)&instanceId=$1&isWindows=$2"
}

# trail USER: "seq event" for each record of USER's newest SSH session
# (the session of their last session_start), in syslog order.
trail() {
	syslog_sync
	$PY tests/e2e/trail.py "$T/syslog.txt" "$1"
}

# trail_events USER: the events of that session on one line
trail_events() { trail "$1" | awk '{ printf "%s%s", s, $2; s = " " }'; }

# contiguous: the seq column of stdin counts up by one
contiguous() {
	awk 'NR > 1 && $1 != p + 1 { bad = 1 } { p = $1 } END { exit bad }'
}

# wait_session_end USER: until USER's newest session has ended (sshd
# writes session_end after the client may already have gone)
wait_session_end() {
	wait_until "${2:-5}" eval "trail_events '$1' | grep -q 'session_end\$'"
}

# wait_record EVENT PATTERN [SECONDS]: until syslog holds such a record
wait_record() {
	wait_until "${3:-5}" eval \
	    "syslog_sync; records '$1' | grep -q -- '$2'"
}

# e2e_procs USER: "pid command" of every process running as USER
# (real or effective uid)
e2e_procs() {
	ps -o pid=,comm= -u "$1" -U "$1" 2>/dev/null
}

# ------------------------------------------------------------- cleanup

e2e_keep_logs() {
	K=$(mktemp -d /tmp/vg-e2e-fail.XXXXXX) || return
	cp -a "$T/logs/." "$K/" 2>/dev/null
	for f in syslog.txt sshd.log out err ssh/sshd_config ssh/vncgate.conf \
	    pam.d/sshd pam.d/vncgate $E2E_LOGS; do
		[ -f "$T/$f" ] && cp "$T/$f" "$K/$(echo "$f" | tr / -)"
	done
	[ -f "${AUDIT_FILE:-}" ] && cp "$AUDIT_FILE" "$K/audit.log"
	for f in vncgate.conf acl.conf; do
		[ -f "${R:-}/etc/vncgate/$f" ] && cp "$R/etc/vncgate/$f" "$K/"
	done
	for m in "$T"/mock*; do
		[ -d "$m" ] || continue
		cp "$m/requests.log" "$K/${m##*/}-requests.log" 2>/dev/null
		cp "$m/stdout" "$K/${m##*/}-stdout" 2>/dev/null
	done
	echo "# logs of the failed run kept in $K"
}

e2e_cleanup() {
	rc=$?
	set +e
	if [ "$E2E_TMUX" = 1 ]; then
		for s in $(tm list-sessions -F '#{session_name}' \
		    2>/dev/null); do
			tm_screen "$s" >"$T/logs/pane-$s.txt" 2>/dev/null
		done
		tm kill-server 2>/dev/null
	fi
	[ -s "${S:-/nonexistent}/sshd.pid" ] && stop_pid_file "$S/sshd.pid"
	# what the operators still run (by pid), so userdel can go
	for u in $E2E_USERS; do
		for p in $(ps -o pid= -u "$u" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	# a failed case, a failed setup, or an interrupted run
	{ [ "$FAILED" -ne 0 ] || [ "$rc" -ne 0 ]; } && [ -d "${T:-}" ] &&
	    e2e_keep_logs
	for u in $E2E_USERS; do userdel -r "$u" >/dev/null 2>&1 ||
	    echo "# cleanup: userdel $u failed"; done
	for g in $E2E_GROUPS; do groupdel "$g" >/dev/null 2>&1 ||
	    echo "# cleanup: groupdel $g failed"; done
	for m in $E2E_MOUNTS; do umount -R -l "$m" 2>/dev/null; done
	[ -d "${T:-}" ] && rm -rf --one-file-system "$T"
}
