#!/usr/bin/env bash
# End-to-end tests of evbgp-healthcheck (run as root, loopback only):
#
#   1. as a helper of Debian's ExaBGP 4.2 (/usr/sbin/exabgp) announcing
#      VIPs to a BIRD 2 on 127.0.0.71/.72: the check is toggled by a file;
#      BIRD must see the up MED, the down MED (or the route withdrawn with
#      --withdraw-on-down) within fall x interval, the disabled MED, the
#      route back, and a withdraw on SIGTERM; the helpers must leave when
#      ExaBGP stops. ExaBGP 4.2.21 needs --bare-commands (it answers
#      `error` to `neighbor * ...`; a helper without it shows that too).
#   2. loopback address setup inside a network namespace this script
#      creates and removes (evbgp-hc-PID): add/remove, labels, only our
#      own addresses removed, --dynamic-ip-setup, label discovery, END.
#   3. process behaviour: a hung check is killed with its process group,
#      the helper leaves when its parent dies or its stdin closes, and the
#      conformance kit's invocation prints announce then withdraw.
#   4. differential: the lines printed by ExaBGP's own helper
#      (/usr/bin/exabgp-healthcheck, 4.2.21) and ours (--bare-commands) for
#      the same options, in the UP, DOWN and DISABLED states.
#
# Usage: tests/healthcheck/e2e-exabgp.sh [path/to/evbgp-healthcheck]
# Prints PASS/FAIL lines and "N passed, M failed"; exit 0 only if all
# passed (77 when a prerequisite is missing). Every process it starts is
# stopped by PID; every wait is bounded. KEEP=1 keeps the scratch dir.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/evbgp-healthcheck}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
passed=0
failed=0
pids=()
ns=evbgp-hc-$$
bird_ip=127.0.0.71
exa_ip=127.0.0.72
port=$((17900 + $$ % 500))

for need in "$bin" /usr/sbin/exabgp bird birdc ip; do
	if ! command -v "$need" >/dev/null 2>&1; then
		echo "SKIP: $need not found"
		exit 77
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (BIRD on 127.0.0.x, network namespaces)"
	exit 77
fi
work=$(mktemp -d /tmp/evbgp-hc-e2e.XXXXXX)

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {	# check NAME COMMAND...: PASS when the command succeeds
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# Poll COMMAND every 0.2 s for at most SECONDS; true if it succeeded.
wait_for() {
	local limit=$1 i=0
	shift
	while [ $i -lt $((limit * 5)) ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# A killed process may linger as a zombie until its new parent reaps it.
dead() {
	[ -n "$1" ] || return 1
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}
alive() { ! dead "$1"; }

# Stop one process we started: SIGTERM, up to 5 s, then SIGKILL.
stop_pid() {
	local pid=$1
	alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	wait_for 5 dead "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local p
	for p in "${pids[@]}"; do
		stop_pid "$p"
	done
	ip netns del "$ns" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then
		echo "scratch kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- BIRD

start_bird() {
	cat >"$work/bird.conf" <<-EOF
	router id $bird_ip;
	log "$work/bird.log" all;
	protocol device { scan time 600; }
	protocol bgp exa {
	  local $bird_ip port $port as 65001;
	  neighbor $exa_ip as 65002;
	  passive on;
	  multihop;          # loopback next hops: resolve recursively
	  strict bind on;
	  hold time 30;
	  ipv4 { import all; export none; };
	}
	EOF
	bird -c "$work/bird.conf" -s "$work/bird.ctl" -P "$work/bird.pid" -f \
	    >"$work/bird.out" 2>&1 &
	pids+=($!)
	bird_pid=$!
	wait_for 10 test -S "$work/bird.ctl"
}

birdc_() { birdc -s "$work/bird.ctl" "$@" 2>/dev/null; }

# MED BIRD has for a prefix, or "none" when it has no route.
bird_med() {
	local out
	out=$(birdc_ show route for "$1" all)
	case $out in
	*"BGP.med:"*) echo "$out" | sed -n 's/.*BGP\.med: *\([0-9]*\).*/\1/p' ;;
	*) echo none ;;
	esac
}
med_is() { [ "$(bird_med "$1")" = "$2" ]; }
established() { birdc_ show protocols exa | grep -q Established; }

# ---------------------------------------------------------------- ExaBGP

# A wrapper per helper: ExaBGP's `run` gets no shell quoting.
helper() {
	local name=$1
	shift
	{
		echo '#!/bin/sh'
		printf 'exec %q' "$bin"
		printf ' %q' "$@" --pid "$work/$name.pid" --no-syslog --debug
		printf ' 2>>%q\n' "$work/$name.err"
	} >"$work/$name.sh"
	chmod +x "$work/$name.sh"
}

start_exabgp() {
	local upfile=$work/up
	helper hc1 --bare-commands --cmd "test -f $upfile" --ip 10.0.0.1/32 \
	    --no-ip-setup --rise 2 --fall 2 --interval 1 --fast-interval 0.5 \
	    --disable "$work/disable1" \
	    --execute "echo \$STATE >> $work/states1"
	helper hc2 --bare-commands --cmd "test -f $upfile" --ip 10.0.0.2/32 \
	    --no-ip-setup --rise 2 --fall 2 --interval 1 --fast-interval 0.5 \
	    --withdraw-on-down --up-metric 50
	# The 4.2.22+ default form: ExaBGP 4.2.21 answers `error`.
	helper hc3 --cmd true --ip 10.0.0.3/32 --no-ip-setup --rise 1 \
	    --interval 1
	cat >"$work/exa.conf" <<-EOF
	process hc1 { run $work/hc1.sh; encoder text; }
	process hc2 { run $work/hc2.sh; encoder text; }
	process hc3 { run $work/hc3.sh; encoder text; }
	neighbor $bird_ip {
	    router-id $exa_ip;
	    local-address $exa_ip;
	    local-as 65002;
	    peer-as 65001;
	    connect $port;
	    hold-time 30;
	    family { ipv4 unicast; }
	    api { processes [ hc1 hc2 hc3 ]; }
	}
	EOF
	# 4.2.21 crashes with logging disabled; as root it must not drop
	# privileges; no respawn so a SIGTERM'd helper stays gone.
	env exabgp_daemon_user=root exabgp_daemon_drop=false \
	    exabgp_daemon_daemonize=false exabgp_api_cli=false \
	    exabgp_api_respawn=false exabgp_api_ack=true \
	    exabgp_log_enable=true exabgp_log_level=INFO \
	    exabgp_log_destination="$work/exabgp.log" \
	    /usr/sbin/exabgp "$work/exa.conf" >"$work/exabgp.out" 2>&1 &
	pids+=($!)
	exa_pid=$!
}

# Seconds (to 0.2) until COMMAND succeeds, or "timeout" after LIMIT.
time_until() {
	local limit=$1 t0=$SECONDS i=0
	shift
	while [ $i -lt $((limit * 5)) ]; do
		if "$@"; then
			echo $((SECONDS - t0))
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	echo timeout
	return 1
}

both_dead() { dead "$1" && dead "$2"; }

exabgp_tests() {
	local t pid1 pid2 pid3
	start_bird || { fail "bird starts"; return; }
	start_exabgp
	check "exabgp: session with BIRD established" wait_for 30 established
	check "exabgp: check failing -> 10.0.0.1 announced with down MED 1000" \
	    wait_for 10 med_is 10.0.0.1/32 1000
	check "exabgp: --withdraw-on-down -> 10.0.0.2 not announced" \
	    med_is 10.0.0.2/32 none

	touch "$work/up"
	# rise 2 at fast-interval 0.5 s, then one interval: well within 5 s.
	t=$(time_until 5 med_is 10.0.0.1/32 100) &&
	    pass "exabgp: check ok -> up MED 100 (${t}s)" ||
	    fail "exabgp: check ok -> up MED 100"
	check "exabgp: check ok -> 10.0.0.2 announced, --up-metric 50" \
	    wait_for 3 med_is 10.0.0.2/32 50

	rm -f "$work/up"
	# fall 2 x interval 1 s = 2 s; 2 s slack for the session.
	t=$(time_until 4 med_is 10.0.0.1/32 1000) &&
	    pass "exabgp: check fails -> down MED 1000 within fall x interval (${t}s)" ||
	    fail "exabgp: check fails -> down MED 1000 within fall x interval"
	check "exabgp: check fails -> 10.0.0.2 withdrawn (--withdraw-on-down)" \
	    wait_for 4 med_is 10.0.0.2/32 none

	touch "$work/up"
	check "exabgp: check ok again -> MED 100 back" \
	    wait_for 5 med_is 10.0.0.1/32 100
	check "exabgp: check ok again -> 10.0.0.2 back" \
	    wait_for 5 med_is 10.0.0.2/32 50

	touch "$work/disable1"
	check "exabgp: --disable file -> disabled MED 500" \
	    wait_for 4 med_is 10.0.0.1/32 500
	rm -f "$work/disable1"
	check "exabgp: disable file removed -> MED 100" \
	    wait_for 6 med_is 10.0.0.1/32 100
	check "exabgp: --execute got STATE of every transition, in order" \
	    sh -c "tr '\n' ' ' <'$work/states1' | grep -q \
	    'FALLING DOWN RISING UP FALLING DOWN RISING UP DISABLED INIT RISING UP'"

	check "exabgp: without --bare-commands 4.2.21 answers error (hint logged)" \
	    grep -q "use --bare-commands" "$work/hc3.err"
	check "exabgp: ... and 10.0.0.3 is not announced" \
	    med_is 10.0.0.3/32 none

	pid1=$(cat "$work/hc1.pid" 2>/dev/null)
	pid2=$(cat "$work/hc2.pid" 2>/dev/null)
	pid3=$(cat "$work/hc3.pid" 2>/dev/null)
	pids+=($pid1 $pid2 $pid3)	# stopped by cleanup if still there
	if [ -n "$pid1" ] && alive "$pid1"; then
		kill -TERM "$pid1"
		check "exabgp: SIGTERM -> 10.0.0.1 withdrawn" \
		    wait_for 5 med_is 10.0.0.1/32 none
		check "exabgp: SIGTERM -> helper exits" wait_for 5 dead "$pid1"
		check "exabgp: other helper's route stays" med_is 10.0.0.2/32 50
	else
		fail "exabgp: helper 1 running (pid file)"
	fi

	stop_pid "$exa_pid"
	check "exabgp: ExaBGP stopped -> helpers exit" \
	    wait_for 5 both_dead "${pid2:-0}" "${pid3:-0}"
	stop_pid "$bird_pid"
}

# ---------------------------------------------------------------- namespace

nsx() { ip netns exec "$ns" "$@"; }
lo_has() { nsx ip -o address show dev lo | grep -q "inet $1 "; }
lo_lacks() { ! lo_has "$1"; }
lo_label() { nsx ip -o address show dev lo | grep "inet $1 " | grep -q " lo:$2"; }

# Start the helper in the namespace (ip netns exec execs it: same PID).
ns_helper() {
	local out=$1
	shift
	ip netns exec "$ns" "$bin" --no-syslog --no-ack "$@" \
	    </dev/null >"$out" 2>"$out.err" &
	pids+=($!)
	hc_pid=$!
}

namespace_tests() {
	local pid rc
	if ! ip netns add "$ns"; then
		fail "netns: create $ns"
		return
	fi
	nsx ip address add 10.0.0.2/32 dev lo	# not ours: must stay

	ns_helper "$work/ns1.out" --ip 10.0.0.1/32 --ip 10.0.0.2/32 \
	    --label hc --cmd true --rise 1 --fall 1 --interval 0.5
	pid=$hc_pid
	check "netns: VIP added to lo" wait_for 5 lo_has 10.0.0.1/32
	check "netns: VIP has label lo:hc" lo_label 10.0.0.1/32 hc
	check "netns: VIPs announced" wait_for 5 grep -qs \
	    "^neighbor \* announce route 10.0.0.2/32 next-hop self med 101$" \
	    "$work/ns1.out"
	kill -TERM "$pid"
	check "netns: SIGTERM -> helper exits" wait_for 5 dead "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	check "netns: exit status 0 after SIGTERM" test "$rc" = 0
	check "netns: SIGTERM -> VIP removed from lo" lo_lacks 10.0.0.1/32
	check "netns: pre-existing address left alone" lo_has 10.0.0.2/32
	check "netns: SIGTERM -> withdraw per VIP" sh -c "
	    tail -n 2 '$work/ns1.out' | tr '\n' '|' | grep -qx \
	    'neighbor \* withdraw route 10.0.0.1/32 next-hop self|neighbor \* withdraw route 10.0.0.2/32 next-hop self|'"

	ns_helper "$work/ns2.out" --ip 10.0.0.5/32 --dynamic-ip-setup \
	    --cmd "test -f $work/up5" --rise 1 --fall 1 --interval 0.3
	pid=$hc_pid
	check "netns: --dynamic-ip-setup, DOWN -> VIP not on lo" \
	    wait_for 5 sh -c "grep -q 'med 1000' '$work/ns2.out' &&
	    ! ip netns exec $ns ip -o address show dev lo | grep -q 10.0.0.5/"
	touch "$work/up5"
	check "netns: --dynamic-ip-setup, UP -> VIP on lo" \
	    wait_for 5 lo_has 10.0.0.5/32
	rm -f "$work/up5"
	check "netns: --dynamic-ip-setup, DOWN again -> VIP removed" \
	    wait_for 5 lo_lacks 10.0.0.5/32
	touch "$work/up5"
	wait_for 5 lo_has 10.0.0.5/32
	stop_pid "$pid"
	check "netns: --dynamic-ip-setup, SIGTERM -> VIP removed" \
	    lo_lacks 10.0.0.5/32

	nsx ip address add 10.0.0.9/32 dev lo label lo:web1
	nsx ip address add 10.0.0.10/32 dev lo label lo:db
	ns_helper "$work/ns3.out" --label web --cmd true --rise 1 --interval 0
	pid=$hc_pid
	check "netns: --interval 0 -> announce once and exit (END)" \
	    wait_for 5 dead "$pid"
	wait "$pid" 2>/dev/null
	check "netns: --label without --ip -> only lo:web* addresses" \
	    test "$(cat "$work/ns3.out")" = \
	    "neighbor * announce route 10.0.0.9/32 next-hop self med 100"
	check "netns: END leaves addresses in place" lo_has 10.0.0.9/32

	ip netns del "$ns"
	check "netns: namespace removed" sh -c "! ip netns list | grep -qw $ns"
}

# ---------------------------------------------------------------- processes

process_tests() {
	local pid out=$work/p1.out
	"$bin" --no-syslog -a --no-ip-setup --ip 10.0.0.1 --rise 1 --fall 1 \
	    --interval 0.5 --timeout 1 \
	    --cmd "sleep 300 & echo \$! >> $work/bg.pids; wait" \
	    </dev/null >"$out" 2>/dev/null &
	pids+=($!)
	pid=$!
	check "process: hung check -> DOWN after --timeout" wait_for 5 grep -qs \
	    "med 1000" "$out"
	# The first check's background child, not the one running now.
	check "process: hung check's process group killed" \
	    wait_for 2 dead "$(head -n 1 "$work/bg.pids" 2>/dev/null)"
	check "process: helper keeps running" alive "$pid"
	stop_pid "$pid"

	sh -c "'$bin' --no-syslog -a --no-ip-setup --ip 10.0.0.1 --cmd true \
	    </dev/null >/dev/null 2>&1 & echo \$! > '$work/orphan.pid'; sleep 1"
	pid=$(cat "$work/orphan.pid")
	pids+=("$pid")
	check "process: parent dies -> helper exits" wait_for 3 dead "$pid"

	(sleep 1) | "$bin" --no-syslog --no-ip-setup --ip 10.0.0.1 --cmd true \
	    --rise 1 --interval 0.5 >"$work/eof.out" 2>/dev/null &
	pids+=($!)
	pid=$!
	check "process: acks read, stdin closed -> helper exits" \
	    wait_for 4 dead "$pid"

	# The conformance kit's api-healthcheck-module invocation.
	local marker=$work/kit.marker
	"$bin" --cmd "test ! -f $marker && touch $marker || exit 1" \
	    --withdraw-on-down --no-ip-setup --no-syslog --no-ack --rise 1 \
	    --fall 1 --interval 1 --fast-interval 0.5 --ip 10.0.0.1/32 \
	    </dev/null >"$work/kit.out" 2>/dev/null &
	pids+=($!)
	pid=$!
	wait_for 5 grep -qs withdraw "$work/kit.out"
	stop_pid "$pid"
	check "process: kit invocation -> announce then withdraw" sh -c "
	    head -n 2 '$work/kit.out' | tr '\n' '|' | grep -qx \
	    'neighbor \* announce route 10.0.0.1/32 next-hop self med 100|neighbor \* withdraw route 10.0.0.1/32 next-hop self|'"
}

# ---------------------------------------------------------------- differential

# Same options to ExaBGP's Python helper and to ours (--bare-commands:
# 4.2.21's form): with --interval 0 each prints one round and exits.
diff_run() {	# diff_run NAME STATE OPTIONS...
	local name=$1 state=$2 cmd=true base
	shift 2
	base=(--interval 0 --rise 1 --fall 1 --no-ip-setup --no-syslog -a)
	case $state in
	down) cmd=false ;;
	disabled) base+=(--disable "$work/diff.disabled") ;;
	esac
	/usr/bin/exabgp-healthcheck "${base[@]}" --cmd "$cmd" "$@" \
	    </dev/null >"$work/diff.py" 2>/dev/null
	"$bin" --bare-commands "${base[@]}" --cmd "$cmd" "$@" \
	    </dev/null >"$work/diff.c" 2>/dev/null
	if [ -s "$work/diff.py" ] && cmp -s "$work/diff.py" "$work/diff.c"; then
		pass "differential: $name ($state)"
	else
		fail "differential: $name ($state)"
		diff "$work/diff.py" "$work/diff.c" | head -n 6
	fi
}

differential_tests() {
	local state
	if [ ! -x /usr/bin/exabgp-healthcheck ]; then
		echo "(no /usr/bin/exabgp-healthcheck: differential tests skipped)"
		return
	fi
	touch "$work/diff.disabled"
	printf 'ip = 10.0.0.7\nlocal-preference = 5\nwithdraw-on-down\n' \
	    >"$work/diff.conf"
	for state in up down disabled; do
		diff_run "two IPs, MED increase" $state --ip 10.0.0.1/32 \
		    --ip 10.0.0.2/32
		diff_run "metrics" $state --ip 10.0.0.1 --ip 10.0.0.2 \
		    --increase 5 --up-metric 7 --down-metric 9 \
		    --disabled-metric 8
		diff_run "communities" $state --ip 10.0.0.1 --community \
		    65000:1 --disabled-community 65000:2 \
		    --extended-community target:65000:1 \
		    --large-community 65000:1:2
		diff_run "as-paths" $state --ip 10.0.0.1 --as-path 65001 \
		    --up-as-path "65002 65003" --down-as-path 65004 \
		    --disabled-as-path 65005
		diff_run "as-path only" $state --ip 10.0.0.1 --as-path 65001
		diff_run "local-pref, path-id, next-hop" $state --ip 10.0.0.1 \
		    --local-preference 200 --path-id 7 -N 192.0.2.9
		diff_run "neighbors" $state --ip 10.0.0.1 --neighbor 192.0.2.1 \
		    --neighbor 192.0.2.2
		diff_run "withdraw-on-down" $state --ip 10.0.0.1 \
		    --withdraw-on-down --path-id 3
		diff_run "deaggregate, start-ip" $state --ip 10.0.1.0/30 \
		    --deaggregate-networks --start-ip 2
		diff_run "network, no deaggregation" $state --ip 10.0.0.0/31
		diff_run "IPv6" $state --ip 2001:db8::1 -N 2001:db8::ffff
		diff_run "config file" $state --config "$work/diff.conf"
	done
}

exabgp_tests
namespace_tests
process_tests
differential_tests

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
