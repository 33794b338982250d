#!/usr/bin/env bash
# End-to-end test of the anycast deployment (config/anycast-healthcheck.conf):
# evbgpd + evbgp-healthcheck announcing a VIP to BIRD 2, loopback only
# (BIRD 127.0.0.41, evbgpd 127.0.0.42), inside a network namespace of
# its own when the machine has them (then the helper's loopback address
# setup is real and checked too), else on the host's loopback with
# --no-ip-setup. The health check is a file: `test -f $work/up`.
#
#   run 1, MED mode (the shipped configuration's neighbor, rise 2, fall 2,
#   interval 1 s): BIRD sees the VIP with the up MED; the file goes away
#   -> the down MED within fall x interval (+ margin); back -> up MED;
#   the helper is killed -> evbgpd respawns it and the VIP stays; evbgpd
#   gets SIGTERM -> BIRD gets a Cease, the VIP is gone, the helper has
#   exited and removed the VIP from lo, evbgpd exits 0.
#   run 2, --withdraw-on-down (helpers not respawned): VIP withdrawn when
#   the check fails, back when it passes; SIGTERM to the helper -> the
#   VIP is withdrawn and the session stays up.
#
# Usage: tests/deploy/e2e-anycast.sh [BUILD_DIR]   (default: build)
# Prints PASS/FAIL lines and "N passed, M failed"; exit 0 only if all
# passed, 77 when a prerequisite is missing. Needs root.
set -u
name=anycast
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=$(cd "${1:-$repo/build}" 2>/dev/null && pwd) || skip "no build directory"

need "$build/evbgpd" "$build/evbgp-healthcheck" bird birdc ip
need_root
setup

bird_ip=127.0.0.41
evb_ip=127.0.0.42
vip=192.0.2.10/32
rise=2
fall=2
interval=1
fast=0.5
ip_setup=
if use_netns; then
	echo "(in network namespace $ns: loopback address setup checked)"
else
	echo "(no network namespaces: host loopback, --no-ip-setup)"
	ip_setup=--no-ip-setup
fi

# The helper through a wrapper, for its pid file and its log.
helper() {	# helper NAME OPTIONS...
	local hname=$1
	shift
	{
		echo '#!/bin/sh'
		printf 'exec %q' "$build/evbgp-healthcheck"
		printf ' %q' "$@" --pid "$work/$hname.pid" --debug
		printf ' 2>>%q\n' "$work/$hname.err"
	} >"$work/$hname.sh"
	chmod +x "$work/$hname.sh"
}
helper_pid() { cat "$work/$1.pid" 2>/dev/null; }

vip_on_lo() {
	[ -n "$ns" ] || return 0
	ip -n "$ns" -o address show dev lo | grep -q "inet $vip .*lo:web"
}
vip_not_on_lo() {
	[ -n "$ns" ] || return 0
	! ip -n "$ns" -o address show dev lo | grep -q "inet $vip "
}

up=$work/up
common=(--name web --cmd "test -f $up" --ip "$vip" --label web
    --rise $rise --fall $fall --interval $interval --fast-interval $fast
    --no-syslog $ip_setup)

start_bird "$bird_ip" "$evb_ip" 65000 65010 "" \
    "ipv4 { import all; export none; };" || {
	fail "BIRD starts"
	finish
	exit
}

# ---------------------------------------------------------------- run 1

run1() {
	local t pid pid2 rc
	helper hc1 "${common[@]}"
	deploy_config "$repo/config/anycast-healthcheck.conf" "$work/run1.conf" \
	    "$bird_ip" "$evb_ip" "$work/hc1.sh"
	touch "$up"
	start_evbgpd "$work/run1.conf"
	check "run 1: session with BIRD established" wait_for 60 established
	# rise 2 at fast-interval 0.5 s: about 1 s
	t=$(time_until 60 med_is $vip 100) &&
	    pass "run 1: check passes -> BIRD has $vip with up MED 100 (${t}s)" ||
	    fail "run 1: check passes -> BIRD has $vip with up MED 100 (MED $(bird_med $vip))"
	check "run 1: next hop is evbgpd's local address" \
	    sh -c "birdc -s '$work/bird.ctl' show route for $vip all |
	    grep -q 'BGP.next_hop: $evb_ip'"
	check "run 1: VIP configured on lo with label lo:web" wait_for 60 vip_on_lo

	rm -f "$up"
	# DOWN after fall checks: the first failure is seen within one
	# interval, the second one fast-interval later: fall x interval is
	# the budget; the bound adds a generous slack for a busy machine and
	# the time it took is reported
	t=$(time_until $((fall * interval + 60)) med_is $vip 1000) &&
	    pass "run 1: check fails -> down MED 1000 (${t}s; fall x interval = $((fall * interval))s)" ||
	    fail "run 1: check fails -> no down MED 1000 within fall x interval + 60 s (MED $(bird_med $vip))"
	check "run 1: DOWN keeps the VIP on lo" vip_on_lo

	touch "$up"
	t=$(time_until $((rise * interval + 60)) med_is $vip 100) &&
	    pass "run 1: check passes again -> up MED 100 back (${t}s)" ||
	    fail "run 1: check passes again -> up MED 100 back"

	# a crashed helper: evbgpd respawns it, the VIP stays announced
	pid=$(helper_pid hc1)
	if [ -n "$pid" ] && alive "$pid"; then
		kill -KILL "$pid"
		check "run 1: helper killed -> evbgpd respawns it" \
		    wait_for 60 sh -c "p=\$(cat '$work/hc1.pid' 2>/dev/null);
		    [ -n \"\$p\" ] && [ \"\$p\" != $pid ] && kill -0 \$p"
		pid2=$(helper_pid hc1)
		check "run 1: ... and the VIP stays announced with MED 100" \
		    wait_for 60 med_is $vip 100
		check "run 1: ... and the session did not flap" \
		    test "$(grep -c 'State changed to up' "$work/bird.log")" = 1
	else
		fail "run 1: helper running (pid file)"
		pid2=
	fi

	kill -TERM "$evbgpd_pid"
	check "run 1: evbgpd SIGTERM -> BIRD session down" \
	    wait_for 60 not_established
	check "run 1: ... with Cease / Administrative Shutdown" \
	    grep -qi "administrative shutdown" "$work/bird.log"
	check "run 1: ... VIP gone from BIRD" no_route $vip
	check "run 1: ... evbgpd exits" wait_for 60 dead "$evbgpd_pid"
	wait "$evbgpd_pid" 2>/dev/null
	rc=$?
	check "run 1: ... exit status 0 (got $rc)" test "$rc" = 0
	check "run 1: ... the helper exited too" wait_for 60 dead "${pid2:-x}"
	# The respawned helper found the VIP on lo (its killed predecessor
	# could not remove it) and leaves such addresses alone.
	check "run 1: ... the VIP a killed helper left on lo stays" vip_on_lo
	[ -n "$ns" ] && ip -n "$ns" address del "$vip" dev lo
}

# ---------------------------------------------------------------- run 2

run2() {
	local t pid mark
	helper hc2 "${common[@]}" --withdraw-on-down
	deploy_config "$repo/config/anycast-healthcheck.conf" "$work/run2.conf" \
	    "$bird_ip" "$evb_ip" "$work/hc2.sh"
	touch "$up"
	start_evbgpd "$work/run2.conf" exabgp_api_respawn=false
	check "run 2: session with BIRD established" wait_for 60 established
	check "run 2: check passes -> $vip announced, MED 100" \
	    wait_for 60 med_is $vip 100

	rm -f "$up"
	# bound: fall x interval plus a generous slack for a busy machine;
	# the time it took is reported
	t=$(time_until $((fall * interval + 60)) no_route $vip) &&
	    pass "run 2: --withdraw-on-down: check fails -> withdrawn (${t}s; fall x interval = $((fall * interval))s)" ||
	    fail "run 2: --withdraw-on-down: check fails -> not withdrawn within fall x interval + 60 s"
	touch "$up"
	t=$(time_until $((rise * interval + 60)) med_is $vip 100) &&
	    pass "run 2: check passes -> announced again (${t}s)" ||
	    fail "run 2: check passes -> announced again"

	pid=$(helper_pid hc2)
	if [ -n "$pid" ] && alive "$pid"; then
		mark=$(wc -l <"$work/evbgpd.log")
		kill -TERM "$pid"
		check "run 2: SIGTERM to the helper -> VIP withdrawn" \
		    wait_for 60 no_route $vip
		check "run 2: ... the helper exits" wait_for 60 dead "$pid"
		check "run 2: ... and removes the VIP from lo" \
		    wait_for 60 vip_not_on_lo
		check "run 2: ... the session stays up" established
		# evbgpd decides on a respawn when it reaps the helper: wait
		# for that log line (after the kill); it must not respawn
		check "run 2: ... evbgpd reaps it" wait_for 60 \
		    sh -c "tail -n +$((mark + 1)) '$work/evbgpd.log' |
		    grep -qE 'process healthcheck: (exited|killed)'"
		check "run 2: ... and does not respawn it" \
		    sh -c "! tail -n +$((mark + 1)) '$work/evbgpd.log' |
		    grep -qE 'process healthcheck: .*respawning in'"
		check "run 2: ... and the VIP stays withdrawn" no_route $vip
	else
		fail "run 2: helper running (pid file)"
	fi
	stop_pid "$evbgpd_pid"
}

run1
run2
finish
