#!/bin/bash
# Operating evbgpd as an ExaBGP user would (issue 11, points 7, 8, 9),
# end to end with real programs:
#   - two evbgpd peering over loopback (127.0.0.61 <-> 127.0.0.62, a
#     random high port: no fixed port, no lock needed);
#   - as root: Debian-style exabgp.daemon.user switches A to a real
#     unprivileged user (nobody), its helper too; daemon.drop=false on B
#     keeps B's helper root while B itself switches;
#   - a real logrotate run (create + postrotate SIGUSR1) moves A's log
#     while the session stays up, and A writes to the new file;
#   - log lines: RFC 3339 stamps with milliseconds and UTC offset; two
#     sessions of B to one address told apart; helper stderr in the log
#     with the process name;
#   - Debian's exabgpcli, unchanged, against A through ExaBGP's named
#     pipes (a pipe name of this run, in /run);
#   - settings: a setting without effect warned at start and by --check.
# Parts needing root, logrotate or exabgpcli say SKIP without them (CI
# runs as root with them installed). Every process started is stopped by
# its PID; every wait is bounded.
#
# Usage: tests/ops/e2e.sh [BUILD_DIR]
set -u

BUILD=$(cd "${1:-build}" && pwd)
EVBGPD=$BUILD/evbgpd
CTL=$BUILD/evbgpctl
for b in "$EVBGPD" "$CTL"; do
	[ -x "$b" ] || { echo "ops-e2e: $b not built" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/evbgp-ops-e2e.XXXXXX)
chmod 755 "$TMP"
PIPE=evbgp-ops-e2e-$$
PIDS=()
FAILS=0

stop_pid() {
	local pid=$1 i=0
	kill "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	rm -f "/run/$PIPE.in" "/run/$PIPE.out"
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
ok() { echo "ok: $*"; }
skip() { echo "SKIP: $*"; }

# wait_for SECONDS CMD...: until CMD succeeds (polling every 0.1 s)
wait_for() {
	local n=$(($1 * 10)) i=0
	shift
	until "$@" 2>/dev/null; do
		[ $i -ge $n ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

ctl() { "$CTL" --socket "$1" --timeout 20 "${@:2}"; }

# state SOCKET ADDR: the session state of neighbor ADDR
state() {
	ctl "$1" --json show neighbor 2>/dev/null | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n.get("peer-address") == sys.argv[1]:
        print(n.get("state", "")); break' "$2"
}
established() { [ "$(state "$1" "$2")" = established ]; }

uid_of() { awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

ROOT=false
[ "$(id -u)" = 0 ] && ROOT=true

# A random high port for this run.
PORT=$((20000 + RANDOM % 30000))

mkdir -p "$TMP/a" "$TMP/b" "$TMP/log"
cat >"$TMP/talker.sh" <<'EOF'
#!/bin/sh
# a helper that complains on stderr (with its uid), then waits
echo "talker uid $(id -u) says hello" >&2
printf 'no newline at the end' >&2
exec sleep 600
EOF
chmod 755 "$TMP/talker.sh"

cat >"$TMP/a.conf" <<EOF
process talker { run $TMP/talker.sh; encoder text; }
neighbor 127.0.0.62 {
	router-id 10.0.0.61;
	local-address 127.0.0.61;
	local-as 65061;
	peer-as 65062;
	passive;
	family { ipv4 unicast; ipv4 nlri-mpls; ipv4 mpls-vpn; ipv4 flow; }
	api { processes [ talker ]; }
	static {
		route 10.61.0.0/24 next-hop 127.0.0.61;
		route 10.61.1.0/24 next-hop 127.0.0.61 community 65000:7;
		route 10.62.0.0/16 rd 65000:1 label 100 next-hop 127.0.0.61;
		route 10.62.0.0/16 rd 65000:2 label 101 next-hop 127.0.0.61;
		route 10.64.0.0/16 label 200 next-hop 127.0.0.61;
	}
	flow {
		route f1 {
			match { destination 10.63.0.0/24; }
			then { discard; }
		}
	}
}
EOF
# B: two sessions to A's one address, from two local addresses (the
# second is refused by A: it only knows 127.0.0.62)
cat >"$TMP/b.conf" <<EOF
process talker { run $TMP/talker.sh; encoder text; }
process hc { run $BUILD/evbgp-healthcheck --no-syslog --no-ip-setup --ip 10.62.0.1 --cmd true --rise 1 --interval 1 --no-ack; encoder text; }
neighbor 127.0.0.61 {
	router-id 10.0.0.62;
	local-address 127.0.0.62;
	local-as 65062;
	peer-as 65061;
	connect $PORT;
	adj-rib-in true;
	family { ipv4 unicast; ipv4 nlri-mpls; ipv4 mpls-vpn; ipv4 flow; }
	api { processes [ talker ]; }
}
neighbor 127.0.0.61 {
	router-id 10.0.0.63;
	local-address 127.0.0.63;
	local-as 65062;
	peer-as 65061;
	connect $PORT;
}
EOF
chmod 644 "$TMP/a.conf" "$TMP/b.conf"

# ---------------------------------------------------------------- settings

"$EVBGPD" --env /dev/null --check "$TMP/a.conf" >"$TMP/check.out" 2>&1 &&
    ! grep -q warning "$TMP/check.out" &&
    ok "--check: no warning without settings" ||
    fail "--check without settings: $(cat "$TMP/check.out")"
env exabgp_log_packets=true exabgp.reactor.speed=5 exabgp_daemon_user=no-such-user-$$ \
    "$EVBGPD" --env /dev/null --check "$TMP/a.conf" >"$TMP/check.out" 2>&1
grep -q "^warning: setting log.packets=true (exabgp_log_packets) is not supported by evbgpd and has no effect" "$TMP/check.out" &&
    grep -q "^warning: setting reactor.speed=5 " "$TMP/check.out" &&
    grep -q "^warning: exabgp.daemon.user: no user 'no-such-user-$$'" "$TMP/check.out" &&
    ok "--check names settings without effect and an unknown user" ||
    fail "--check settings warnings: $(cat "$TMP/check.out")"
if $ROOT; then
	env TZ=Asia/Kolkata exabgp_daemon_user=no-such-user-$$ "$EVBGPD" --env /dev/null \
	    --control "$TMP/x.sock" --log-dest stderr "$TMP/a.conf" \
	    >"$TMP/nouser.out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	if wait_for 30 sh -c "! kill -0 $pid"; then
		wait "$pid"
		rc=$?
		[ $rc = 1 ] && grep -q "refusing to run as root" "$TMP/nouser.out" &&
		    ok "root with an unknown exabgp.daemon.user: refuses to start (exit 1)" ||
		    fail "unknown user: exit $rc: $(cat "$TMP/nouser.out")"
		grep -Eq '^[0-9-]{10}T[0-9:]{8}\.[0-9]{3}\+05:30 evbgpd\[' "$TMP/nouser.out" &&
		    ok "time stamps carry the zone's offset (TZ=Asia/Kolkata: +05:30)" ||
		    fail "no +05:30 offset: $(head -2 "$TMP/nouser.out")"
	else
		fail "root with an unknown exabgp.daemon.user still runs"
	fi
else
	skip "unknown exabgp.daemon.user (not root)"
fi

# ---------------------------------------------------------------- start A, B

PIPE_OK=false
if $ROOT && mkfifo -m 600 "/run/$PIPE.in" "/run/$PIPE.out" 2>/dev/null; then
	PIPE_OK=true
fi

# A: the user switch as in Debian's exabgp.env (daemon.user set in the
# file), a log file, a pid file, the named pipes of this run.
cat >"$TMP/a.env" <<EOF
[exabgp.daemon]
user = 'nobody'
drop = true
umask = '0o027'
[exabgp.api]
pipename = '$PIPE'
[exabgp.log]
packets = true
EOF
env exabgp_log_level=INFO "$EVBGPD" --env "$TMP/a.env" \
    --control "$TMP/a/a.sock" --bind 127.0.0.61 --port "$PORT" \
    --pid "$TMP/a.pid" --log-dest "file:$TMP/log/a.log" "$TMP/a.conf" \
    >"$TMP/a.out" 2>&1 &
A=$!
PIDS+=("$A")
# B: drop=false, the user from the environment
env exabgp_daemon_user=nobody exabgp_daemon_drop=false \
    exabgp_api_cli=false "$EVBGPD" --env /dev/null \
    --control "$TMP/b/b.sock" --log-dest "file:$TMP/log/b.log" \
    --log-level debug "$TMP/b.conf" >"$TMP/b.out" 2>&1 &
B=$!
PIDS+=("$B")

if wait_for 60 established "$TMP/a/a.sock" 127.0.0.62; then
	ok "A and B established over 127.0.0.61:$PORT"
else
	fail "A-B session not established: A: $(tail -5 "$TMP/log/a.log" "$TMP/a.out") B: $(tail -5 "$TMP/log/b.log")"
fi

# ---------------------------------------------------------------- 4: lookups

# what B received from A, looked up: every family the Adj-RIB-In holds
# (B has two sessions to 127.0.0.61: the second, refused by A, holds 0)
bctl() { ctl "$TMP/b/b.sock" "$@" >"$TMP/look.out" 2>"$TMP/look.err"; }
look_is() { # WANT WORDS...: the whole answer is WANT
	local want=$1
	shift
	if bctl "$@" && [ "$(cat "$TMP/look.out")" = "$want" ]; then
		ok "lookup: $*"
	else
		fail "lookup: $*: got '$(cat "$TMP/look.out" "$TMP/look.err")', want '$want'"
	fi
}
has_all() { bctl show adj-rib in 127.0.0.61 count &&
    grep -q "127.0.0.62 connect $PORT adj-rib-in count 6$" "$TMP/look.out"; }
if wait_for 60 has_all; then
	ok "B's Adj-RIB-In holds A's six routes (unicast, labeled, VPN, flow)"
else
	fail "B's Adj-RIB-In: $(cat "$TMP/look.out")"
fi
look_is "neighbor 127.0.0.61 local-address 127.0.0.62 connect $PORT adj-rib-in count 2
neighbor 127.0.0.61 local-address 127.0.0.63 connect $PORT adj-rib-in count 0" \
    show adj-rib in 127.0.0.61 10.62.1.1 count
look_is "neighbor 127.0.0.61 local-address 127.0.0.62 connect $PORT adj-rib-in count 1
neighbor 127.0.0.61 local-address 127.0.0.63 connect $PORT adj-rib-in count 0" \
    show adj-rib in 127.0.0.61 10.62.1.1 rd 65000:2 count
look_is "neighbor 127.0.0.61 local-address 127.0.0.62 connect $PORT adj-rib-in count 1
neighbor 127.0.0.61 local-address 127.0.0.63 connect $PORT adj-rib-in count 0" \
    show adj-rib in 127.0.0.61 10.64.0.0/16 ipv4 nlri-mpls count
look_is "neighbor 127.0.0.61 local-address 127.0.0.62 connect $PORT adj-rib-in count 1
neighbor 127.0.0.61 local-address 127.0.0.63 connect $PORT adj-rib-in count 0" \
    show adj-rib in 127.0.0.61 ipv4 flow count
look_is "neighbor 127.0.0.61 local-address 127.0.0.62 connect $PORT adj-rib-in count 5
neighbor 127.0.0.61 local-address 127.0.0.63 connect $PORT adj-rib-in count 0" \
    show adj-rib in 127.0.0.61 10.0.0.0/8 all count
bctl show adj-rib in 127.0.0.61 10.0.0.0/8 all community 65000:7 &&
    [ "$(wc -l <"$TMP/look.out")" = 1 ] &&
    grep -q "^neighbor 127.0.0.61 ipv4 unicast 10.61.1.0/24 " "$TMP/look.out" &&
    ok "lookup: all, by community" ||
    fail "lookup by community: $(cat "$TMP/look.out" "$TMP/look.err")"
bctl --json show adj-rib in 127.0.0.61 10.61.0.77 &&
    python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 1 and v[0]["prefix"] == "10.61.0.0/24", v' "$TMP/look.out" &&
    ok "lookup: longest match, JSON" ||
    fail "lookup JSON: $(cat "$TMP/look.out" "$TMP/look.err")"
if bctl show adj-rib in 10.63.0.0/24 ipv4 flow; then
	fail "a prefix in ipv4 flow was answered: $(cat "$TMP/look.out")"
else
	ok "lookup: a prefix in a family without one is refused"
fi

# ---------------------------------------------------------------- 7: users

if $ROOT; then
	[ "$(uid_of "$A")" = 65534 ] && ok "A switched to nobody (exabgp.daemon.user from the env file)" ||
	    fail "A runs as uid $(uid_of "$A")"
	[ "$(uid_of "$B")" = 65534 ] && ok "B switched to nobody (exabgp_daemon_user)" ||
	    fail "B runs as uid $(uid_of "$B")"
	wait_for 20 grep -q "process talker: talker uid 65534 says hello" "$TMP/log/a.log" &&
	    ok "daemon.drop=true: A's helper runs as nobody" ||
	    fail "A's helper uid: $(grep talker "$TMP/log/a.log")"
	wait_for 20 grep -q "process talker: talker uid 0 says hello" "$TMP/log/b.log" &&
	    ok "daemon.drop=false: B's helper started before the switch, as root" ||
	    fail "B's helper uid: $(grep talker "$TMP/log/b.log")"
	grep -q "warning: setting log.packets=true ($TMP/a.env:[0-9]*: exabgp.log.packets) is not supported" "$TMP/log/a.log" &&
	    ok "start-up warning names the setting without effect and its file:line" ||
	    fail "no start-up warning for log.packets: $(head -5 "$TMP/log/a.log")"
	m=$(stat -c %a "$TMP/log/a.log")
	[ "$m" = 640 ] && ok "daemon.umask 0o027 applied (log file mode 640)" ||
	    fail "log file mode $m with umask 027"
else
	skip "user switch (not root)"
fi

# ---------------------------------------------------------------- 9: logs

grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}([+-][0-9]{2}:[0-9]{2}|Z) evbgpd\[[0-9]+\] (info|notice): ' "$TMP/log/a.log" &&
    ! grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}([+-][0-9]{2}:[0-9]{2}|Z) evbgpd\[' "$TMP/log/a.log" | grep -q . &&
    ok "time stamps: RFC 3339, milliseconds, UTC offset" ||
    fail "time stamps: $(head -3 "$TMP/log/a.log")"
wait_for 20 grep -q "peer 127.0.0.61 local-address 127.0.0.63 connect $PORT: " "$TMP/log/b.log" &&
    grep -q "peer 127.0.0.61 local-address 127.0.0.62 connect $PORT: " "$TMP/log/b.log" &&
    ok "two sessions to one address told apart in log lines" ||
    fail "sessions to one address: $(grep 'peer 127.0.0.61' "$TMP/log/b.log" | head -3)"
wait_for 20 grep -q "notice: process talker: talker uid [0-9]* says hello$" "$TMP/log/a.log" &&
    ok "helper stderr in evbgpd's log file, with the process name" ||
    fail "helper stderr not logged: $(grep talker "$TMP/log/a.log")"
# evbgp-healthcheck without syslog says its state changes on stderr,
# alone and under evbgpd (which logs them with the process name)
echo | "$BUILD/evbgp-healthcheck" --no-syslog --no-ip-setup --ip 10.0.0.1 \
    --cmd true --rise 1 --interval 0 --no-ack >/dev/null 2>"$TMP/hc.err"
grep -q "^INFO\[healthcheck\] state INIT -> UP$" "$TMP/hc.err" &&
    ok "evbgp-healthcheck --no-syslog: state change on stderr (not a terminal)" ||
    fail "healthcheck stderr: $(cat "$TMP/hc.err")"
wait_for 30 grep -q "notice: process hc: INFO\[healthcheck\] state INIT -> UP$" "$TMP/log/b.log" &&
    ok "evbgp-healthcheck's state change in evbgpd's log" ||
    fail "healthcheck state not in B's log: $(grep 'process hc' "$TMP/log/b.log" | head -3)"
grep -q "says hello" "$TMP/a.out" && fail "helper stderr also on evbgpd's stderr" ||
    ok "helper stderr not on evbgpd's own stderr"

if command -v logrotate >/dev/null && $ROOT; then
	cat >"$TMP/logrotate.conf" <<EOF
$TMP/log/a.log {
	su root root
	rotate 3
	missingok
	create 0640 nobody nogroup
	postrotate
		kill -USR1 \$(cat $TMP/a.pid)
	endscript
}
EOF
	chmod 644 "$TMP/logrotate.conf"
	before=$(grep -c "session established\|state change .* -> Established" "$TMP/log/b.log")
	if logrotate -s "$TMP/logrotate.state" -f "$TMP/logrotate.conf" >"$TMP/logrotate.out" 2>&1; then
		ok "logrotate ran"
	else
		fail "logrotate: $(cat "$TMP/logrotate.out")"
	fi
	[ -s "$TMP/log/a.log.1" ] && grep -q "evbgpd .* started" "$TMP/log/a.log.1" &&
	    ok "old log moved to a.log.1" || fail "a.log.1: $(ls -l "$TMP/log")"
	wait_for 20 grep -q "received User defined signal 1: reloading" "$TMP/log/a.log" &&
	    ok "after SIGUSR1, A writes to the new a.log (as nobody)" ||
	    fail "new a.log empty: $(ls -l "$TMP/log"; tail -3 "$TMP/log/a.log.1")"
	[ "$(stat -c %U "$TMP/log/a.log")" = nobody ] || fail "new a.log not nobody's"
	grep -q "received User defined signal 1" "$TMP/log/a.log.1" &&
	    fail "the reload line went to the old file" || true
	# the reload that came with the signal is done: the session is
	# still the one established before
	wait_for 20 grep -q "peer 127.0.0.62: configuration reloaded" "$TMP/log/a.log" ||
	    fail "no reload after SIGUSR1: $(tail -3 "$TMP/log/a.log")"
	established "$TMP/a/a.sock" 127.0.0.62 &&
	    [ "$(grep -c "session established\|state change .* -> Established" "$TMP/log/b.log")" = "$before" ] &&
	    ok "session kept through the log rotation" ||
	    fail "session dropped by the rotation: $(tail -5 "$TMP/log/b.log")"
	# the unprivileged daemon cannot reopen a file it may not write:
	# it says so and keeps logging to the one it has
	mv "$TMP/log/a.log" "$TMP/log/a.log.2"
	install -m 600 -o root /dev/null "$TMP/log/a.log"
	kill -USR1 "$A"
	wait_for 20 grep -q "cannot reopen the log file $TMP/log/a.log; still writing to the one already open" "$TMP/log/a.log.2" &&
	    ok "a log file that cannot be reopened: the old one keeps the log" ||
	    fail "reopen failure: $(tail -3 "$TMP/log/a.log.2")"
	kill -0 "$A" && ok "A alive after the failed reopen" || fail "A died"
else
	skip "logrotate (not root or no logrotate)"
fi

# ---------------------------------------------------------------- 8: exabgpcli

if $PIPE_OK && command -v exabgpcli >/dev/null; then
	export exabgp_api_pipename=$PIPE
	[ "$(stat -c %U "/run/$PIPE.out")" = nobody ] &&
	    ok "named pipes handed to the user evbgpd switched to" ||
	    fail "pipe owner $(stat -c %U "/run/$PIPE.out")"
	timeout 30 exabgpcli show neighbor summary >"$TMP/cli.out" 2>"$TMP/cli.err" &&
	    grep -q "^127\.0\.0\.62 .*established" "$TMP/cli.out" &&
	    ok "exabgpcli show neighbor summary" ||
	    fail "exabgpcli show neighbor summary: $(cat "$TMP/cli.out" "$TMP/cli.err")"
	timeout 30 exabgpcli announce route 10.99.0.0/24 next-hop 127.0.0.61 >"$TMP/cli.out" 2>"$TMP/cli.err" &&
	    [ ! -s "$TMP/cli.err" ] &&
	    ok "exabgpcli announce route" ||
	    fail "exabgpcli announce: $(cat "$TMP/cli.out" "$TMP/cli.err")"
	wait_for 20 sh -c "'$CTL' --socket '$TMP/b/b.sock' show adj-rib in 2>/dev/null | grep -q 10.99.0.0/24" 2>/dev/null
	timeout 30 exabgpcli show adj-rib out >"$TMP/cli.out" 2>"$TMP/cli.err" &&
	    grep -q "10\.99\.0\.0/24 next-hop 127\.0\.0\.61" "$TMP/cli.out" &&
	    grep -q "10\.61\.0\.0/24" "$TMP/cli.out" &&
	    ok "exabgpcli show adj-rib out" ||
	    fail "exabgpcli show adj-rib out: $(cat "$TMP/cli.out" "$TMP/cli.err")"
	timeout 30 exabgpcli no such command >"$TMP/cli.out" 2>"$TMP/cli.err"
	grep -q "ExaBGP returns an error" "$TMP/cli.err" &&
	    ok "exabgpcli: an unknown command is an error" ||
	    fail "exabgpcli error: $(cat "$TMP/cli.out" "$TMP/cli.err")"
	# abbreviations are exabgpcli's; answers come in order, many times
	n=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		timeout 30 exabgpcli s n s 2>/dev/null | grep -q established && n=$((n + 1))
	done
	[ $n = 10 ] && ok "exabgpcli ten times in a row" || fail "exabgpcli: $n of 10"
	unset exabgp_api_pipename
else
	skip "exabgpcli (not root, no exabgpcli, or /run not writable)"
fi

# A without pipes: one line says how to make them
grep -q "exabgpcli: no named pipes" "$TMP/log/b.log" &&
    fail "B (api.cli=false) looked for pipes" || ok "api.cli=false: no pipes looked for"

stop_pid "$B"
stop_pid "$A"
echo "ops-e2e: $FAILS failure(s)"
[ $FAILS = 0 ]
