# SPDX-License-Identifier: ISC
# Hosts for a real rsyslogd (sourced after tests/e2e/lib.sh, inside the
# namespaces of e2e_enter).  A "machine" is a process that holds new
# mount and UTS namespaces (and a network namespace when asked), where:
#   - the host name is its NAME (rsyslogd and the shell's audit file
#     take it from there);
#   - /dev is a private tmpfs with null, zero, full, random, urandom and
#     tty, so rsyslogd makes its own /dev/log there, never the host's;
#   - /var/log, /var/spool/rsyslog (rsyslog's work folder, its disk
#     queues) and /etc/rsyslog.d are $M/log, $M/spool and $M/rsyslog.d,
#     M=$T/m/NAME, so the test reads what rsyslogd wrote from outside;
#   - more binds on request (a bastion's own audit file and state).
# Its rsyslogd runs Debian's own /etc/rsyslog.conf (a copy: without
# imklog, which would read the host's kernel log), with the imuxsock
# line changed as rsyslog.d/vncgate.conf tells admins to, or unchanged.
# Nothing in the host's /dev, /var or /etc is written; every daemon is
# stopped by its pid, and all die with the test's PID namespace.
#
#	rs_machine NAME [net] [SRC:DST...]   start the holder
#	in_m NAME CMD...                     run CMD in NAME's namespaces
#	rs_conf NAME annotated|stock         $M/rsyslog.conf
#	rs_start NAME / rs_stop NAME         rsyslogd -n, by pid
#	rs_sync NAME                         until rsyslogd wrote what came before
#	uncomment EXAMPLE FILE               the lines of "# example: EXAMPLE"

rs_dir() { echo "$T/m/$1"; }

rs_machine() {
	name=$1; shift
	net=
	if [ "${1:-}" = net ]; then net=-n; shift; fi
	d=$(rs_dir "$name")
	mkdir -p "$d/log" "$d/spool" "$d/rsyslog.d"
	# shellcheck disable=SC2086
	unshare -m -u $net --propagation private \
	    sh -c "$RS_HOLDER" holder "$name" "$d" "$@" 9<&- \
	    >"$d/holder.log" 2>&1 &
	echo $! >"$d/holder.pid"
	PIDS="$PIDS $!"
	wait_until 10 test -f "$d/ready" || return 1
}

# The holder: namespaces set up, then it sleeps until killed.
RS_HOLDER='
set -e
name=$1 d=$2; shift 2
hostname "$name"
mount -t tmpfs -o mode=755,size=1m vg-dev /dev
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	mknod -m 666 "/dev/${n%%:*}" c "$(echo "$n" | cut -d: -f2)" \
	    "${n##*:}"
done
ln -s /proc/self/fd /dev/fd
mount --bind "$d/log" /var/log
mount --bind "$d/spool" /var/spool/rsyslog
mount --bind "$d/rsyslog.d" /etc/rsyslog.d
for b in "$@"; do
	mount --bind "${b%%:*}" "${b#*:}"
done
[ -n "$(ip -o link show lo 2>/dev/null)" ] && ip link set lo up
: >"$d/ready"
exec sleep 100000
'

in_m() {
	name=$1; shift
	nsenter -t "$(cat "$(rs_dir "$name")/holder.pid")" -m -u -n -- "$@"
}

# The imuxsock line of Debian's rsyslog.conf, as the snippet asks.
RS_ANNOTATE='module(load="imuxsock" SysSock.Annotate="on" SysSock.ParseTrusted="on")'

rs_conf() {
	d=$(rs_dir "$1")
	sed -e 's/^module(load="imklog")/#&/' /etc/rsyslog.conf >"$d/rsyslog.conf"
	if [ "$2" = annotated ]; then
		sed -i "s/^module(load=\"imuxsock\").*/$RS_ANNOTATE/" \
		    "$d/rsyslog.conf"
		grep -qxF "$RS_ANNOTATE" "$d/rsyslog.conf"
	fi
}

# nsenter itself, not in_m, goes into the background: it becomes
# rsyslogd (exec), so $! is rsyslogd's pid, a child of this shell.
rs_start() {
	d=$(rs_dir "$1")
	rm -f "$d/rsyslogd.pid"
	nsenter -t "$(cat "$d/holder.pid")" -m -u -n -- /usr/sbin/rsyslogd \
	    -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid" 9<&- \
	    >>"$d/rsyslogd.out" 2>&1 &
	echo $! >"$d/rsyslogd.pidof"
	PIDS="$PIDS $!"
	wait_file "$d/rsyslogd.pid" && rs_sync "$1"
}

rs_stop() {
	d=$(rs_dir "$1")
	p=$(cat "$d/rsyslogd.pidof")
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$d/rsyslogd.pidof"
	! kill -0 "$p" 2>/dev/null
}

# A marker through the socket: Debian's rules put it in /var/log/syslog
# once every datagram before it went through the rules (one worker).
RS_SYNC=0
rs_sync() {
	d=$(rs_dir "$1")
	RS_SYNC=$((RS_SYNC + 1))
	i=0
	while ! grep -q "vgtest: sync-$RS_SYNC\$" "$d/log/syslog" 2>/dev/null
	do
		# sent again now and then: the socket may be new
		[ $((i % 20)) -eq 0 ] && in_m "$1" logger -p user.info \
		    -t vgtest "sync-$RS_SYNC" 2>/dev/null
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.05
	done
}

# uncomment EXAMPLE FILE: between the line "# example: EXAMPLE" and "# end of
# example", drop the "#" of each line of rsyslog code ("#action(",
# "#    param=..."), keep the prose ("# text"); and the module line the
# example names in a "#module(load=...)" line at the top of FILE.
uncomment() {
	sed -i -e "/# example: $1\$/,/# end of example/{
s/^\\([[:space:]]*\\)#\\([^ ]\\)/\\1\\2/
s/^\\([[:space:]]*\\)#\\(    \\)/\\1\\2/
}" "$2"
}
uncomment_module() {
	sed -i "s/^#\\(module(load=\"$1\")\\)\$/\\1/" "$2"
}

# rs_setup: what the syslog and bastions layers share, inside the
# namespaces of e2e_enter: one run at a time (e2e's lock: the group
# vncgate is the host's), $T, loopback, certificates, `make install` of
# the tree into $R (e2e_install: the setgid shell, the examples, and
# rsyslog-gid.conf), the mock cloud, an ACL that lets nobody open web-1,
# and the installed config (no PAM step-up: no terminal here).
rs_setup() {
	exec 9<tests/e2e/lib.sh
	flock -w 600 9 || { echo "not ok 1 - another run holds the lock"
	    echo "1..1"; exit 1; }
	T=$(mktemp -d /tmp/vg-rs.XXXXXX) || exit 1
	chmod 755 "$T"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	mkdir -p "$T/logs" "$T/bin"
	ip link set lo up || e2e_abort "cannot bring loopback up"
	tests/mock/mkcerts "$T/certs" >/dev/null 2>&1 ||
	    e2e_abort "cannot make test certificates"
	e2e_install
	start_mock 9<&- || e2e_abort "the mock cloud did not start"
	e2e_acl 'allow "anyone" {' '  users = {"nobody"}' \
	    '  instances = {"web-*"}' '}'
	PAM_SERVICE= e2e_conf
	VG_GID=$(getent group vncgate | cut -d: -f3)
	[ -n "$VG_GID" ] || e2e_abort "no group vncgate after make install"
}

# as_op MACHINE COMMAND: the installed setgid shell run by nobody in
# MACHINE, as `ssh bastion COMMAND` would: $OUT $ERR $RC
as_op() {
	OUT=$T/out ERR=$T/err
	in_m "$1" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env -i PATH=/usr/bin:/bin "$SH" -c "$2" </dev/null >"$OUT" 2>"$ERR"
	RC=$?
}

# url_ok: the last as_op printed a console URL and exited 0
url_ok() { [ "$RC" -eq 0 ] && grep -q "^$PAGE?vncUrl=" "$OUT"; }
