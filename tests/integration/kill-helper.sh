#!/usr/bin/env bash
# Integration test 1: helpers killed with SIGKILL 100 times, with an established BIRD session.
#
# evbgpd (127.0.0.51) runs KILL_HELPERS helpers (helpers/reader.sh: reads stdin, sleeps in
# read) and has a session with BIRD on 127.0.0.52. Each round SIGKILLs every helper's
# current pid, then waits for evbgpd to respawn each of them (a new live child of evbgpd
# running that helper); KILL_ROUNDS rounds. evbgpd's back-off doubles from 100 ms to a 30 s
# cap per helper (reset after 60 s of healthy life), so one helper killed 100 times in a row
# would take ~46 minutes (9 kills to reach the cap, then 30 s each). The default
# spreads the 100 kills over 10 helpers killed 10 times in a row each, concurrently: every
# helper's back-off runs 100 ms ... 25.6 s and reaches the 30 s cap, ~85 s in total.
# (KILL_HELPERS=1 KILL_ROUNDS=100 is the literal form; it needs KILL_TIMEOUT=3000.)
# Right after each round's kills BIRD toggles a static protocol of 50 routes (announce, then
# withdraw next round), so evbgpd writes update events into the pipes of helpers that are
# dead but not yet reaped, and to their fresh instances.
# Checks:
#   - every kill was followed by a respawn within the expected back-off + 15 s;
#   - evbgpd's logged back-off for each helper doubles from 100 ms and is capped at 30 s
#     (never gives up: ExaBGP stops after 5 fast deaths);
#   - no zombie child of evbgpd (ps --ppid), exactly one live instance per helper;
#   - evbgpd's descriptor count (/proc/PID/fd) equals the one before the first kill;
#   - the BIRD session stayed up throughout (both sides' logged session counters unchanged at every round, no
#     session-down line in evbgpd's log), and evbgpd's routes-in follows BIRD's flaps.
# shellcheck disable=SC2016 # eval strings expand when evaluated
set -euo pipefail
PEER_NAME=kill-helper
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${KILL_BIRD_ADDR:-127.0.0.52}
KILL_HELPERS=${KILL_HELPERS:-10}
KILL_ROUNDS=${KILL_ROUNDS:-10}
KILL_TIMEOUT=${KILL_TIMEOUT:-300} # seconds, whole kill phase (~85 s unloaded)

names() { local i; for ((i = 1; i <= KILL_HELPERS; i++)); do printf 'kh%02d ' "$i"; done; }
hpid() { helper_pid "reader.sh $1 "; }

# expected back-off before the respawn after kill number K of one helper (ms)
backoff_ms() {
	local k=$1 ms=100
	while [ "$k" -gt 1 ] && [ "$ms" -lt 30000 ]; do
		ms=$((ms * 2))
		k=$((k - 1))
	done
	[ "$ms" -gt 30000 ] && ms=30000
	echo "$ms"
}

main() {
	integ_require || return 0
	integ_routes 3 >"$TMP/routes.conf"
	BIRD_EXTRA="protocol static flap4 { ipv4; disabled on;
$(for ((i = 1; i <= 50; i++)); do echo "route 10.254.0.$i/32 blackhole;"; done)
}"
	integ_bird_conf "$TMP/routes.conf"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	local n all
	all=$(names)
	{
		for n in $all; do
			echo "process $n { run $INTEG_HELPERS/reader.sh $n; encoder json; }"
		done
		# shellcheck disable=SC2086
		integ_neighbor $all
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	if ! wait_dut 120 bird_established; then
		fail "session with BIRD not Established within 120s"
		integ_diag
		return 0
	fi
	all_helpers_up() { local x; for x in $all; do hpid "$x" >/dev/null || return 1; done; }
	if ! wait_dut 60 all_helpers_up; then
		fail "evbgpd did not start its $KILL_HELPERS helpers"
		integ_diag
		return 0
	fi
	# the session's first routes (3) reached evbgpd before the kills
	wait_dut 60 eval '[ "$(dut_routes_in)" = 3 ]' || true
	local fd0 t_start
	session_mark
	fd0=$(fd_count "$DUT_PID")
	t_start=$(date +%s)
	note "Established ($SESSION_MARK); evbgpd has $fd0 descriptors; $KILL_HELPERS helpers x $KILL_ROUNDS kills"

	local -A cur=()
	local r kills=0 slow='' flap='' worst=0 lat t_kill exp deadline p
	for n in $all; do cur[$n]=$(hpid "$n"); done
	for ((r = 1; r <= KILL_ROUNDS; r++)); do
		if [ $(($(date +%s) - t_start)) -ge "$KILL_TIMEOUT" ]; then
			slow="kill phase reached KILL_TIMEOUT=${KILL_TIMEOUT}s before round $r"
			break
		fi
		t_kill=$(now_ms)
		for n in $all; do
			kill -KILL "${cur[$n]}" 2>/dev/null && kills=$((kills + 1))
		done
		if [ $((r % 2)) = 1 ]; then birdc_ enable flap4 >/dev/null 2>&1 || true; else birdc_ disable flap4 >/dev/null 2>&1 || true; fi
		exp=$(backoff_ms "$r")
		deadline=$((t_kill + exp + 15000))
		local pending=$all
		while [ -n "${pending// /}" ] && [ "$(now_ms)" -lt "$deadline" ] && dut_alive; do
			local still=''
			for n in $pending; do
				p=$(hpid "$n" || true)
				if [ -n "$p" ] && [ "$p" != "${cur[$n]}" ]; then
					cur[$n]=$p
					lat=$(($(now_ms) - t_kill))
					[ "$lat" -gt "$worst" ] && worst=$lat
				else
					still="$still $n"
				fi
			done
			pending=$still
			[ -n "${pending// /}" ] && sleep 0.05
		done
		if [ -n "${pending// /}" ]; then
			slow="round $r: not respawned within back-off ${exp} ms + 15 s:$pending"
			break
		fi
		# a flap moves BIRD's or evbgpd's logged session counters
		if ! same_session; then
			flap="after round $r: $SESSION_MARK -> $(session_counters)"
			break
		fi
	done
	local t_kills=$(($(date +%s) - t_start))
	note "$kills kills in ${t_kills}s; slowest respawn after a kill: ${worst} ms"

	if ! dut_alive; then
		dut_reap
		fail "evbgpd exited during the kills ($DUT_EXIT)"
		integ_diag
		return 0
	fi

	# 1. every kill respawned
	if [ -z "$slow" ] && [ "$kills" -eq $((KILL_HELPERS * KILL_ROUNDS)) ]; then
		pass "$kills SIGKILLs ($KILL_HELPERS helpers x $KILL_ROUNDS in a row), each followed by a respawn; total ${t_kills}s, slowest respawn ${worst} ms (last back-off $(backoff_ms "$KILL_ROUNDS") ms)"
	else
		fail "$kills of $((KILL_HELPERS * KILL_ROUNDS)) kills done: ${slow:-?}"
		integ_diag
	fi

	# 2. the back-off evbgpd logged: 100, 200, 400 ... capped at 30000 ms, per helper
	local want got bad_bo=''
	want=$(for ((r = 1; r <= KILL_ROUNDS; r++)); do backoff_ms "$r"; done | paste -sd' ')
	for n in $all; do
		got=$(grep -E "process $n: killed by signal 9, respawning in [0-9]+ ms" "$DUT_LOG" |
			sed -E 's/.*respawning in ([0-9]+) ms.*/\1/' | paste -sd' ')
		[ "$got" = "$want" ] || bad_bo="$bad_bo $n: '$got';"
	done
	if [ -z "$bad_bo" ]; then
		pass "evbgpd logged each helper's back-off as $want ms (doubling, capped, never gave up)"
	else
		fail "logged back-off differs from '$want':$bad_bo"
	fi

	# 3. no zombies, one live instance per helper (once the last
	# respawn's exec is done and the last killed one is reaped)
	local z live want_live
	wait_until 30 eval '[ -z "$(zombie_children "$DUT_PID")" ] &&
	    [ "$(children "$DUT_PID" | awk '\''$2 !~ /^Z/'\'' | wc -l)" -eq "$KILL_HELPERS" ]' || true
	z=$(zombie_children "$DUT_PID" | paste -sd' ')
	live=$(children "$DUT_PID" | awk '$2 !~ /^Z/' | wc -l)
	want_live=$KILL_HELPERS
	if [ -z "$z" ] && [ "$live" -eq "$want_live" ]; then
		pass "no zombie child of evbgpd; $live live children = $KILL_HELPERS helpers (ps --ppid $DUT_PID)"
	else
		fail "children of evbgpd: zombies '${z:-none}', $live live (want $want_live):"
		ps -o pid=,stat=,args= --ppid "$DUT_PID" | show_file
	fi

	# 4. descriptors: as many as before the first kill
	local fd1
	wait_until 30 eval '[ "$(fd_count "$DUT_PID")" -eq "$fd0" ]' || true
	fd1=$(fd_count "$DUT_PID")
	if [ "$fd1" -eq "$fd0" ]; then
		pass "evbgpd has $fd1 descriptors, as before the $kills kills"
	else
		fail "evbgpd descriptors: $fd0 before the kills, $fd1 after:"
		find "/proc/$DUT_PID/fd" -mindepth 1 -printf '%f -> %l\n' | show_file
	fi

	# 5. the session never flapped; evbgpd followed BIRD's flaps
	local want_in=3 rin
	[ $((KILL_ROUNDS % 2)) = 1 ] && want_in=53
	wait_dut 60 eval '[ "$(dut_routes_in)" = "$want_in" ]' || true
	rin=$(dut_routes_in)
	check "evbgpd routes-in $rin = $want_in after BIRD toggled 50 routes $KILL_ROUNDS times during the kills" [ "$rin" = "$want_in" ]
	local drops
	drops=$(dut_session_drops)
	if [ -z "$flap" ] && same_session && [ -z "$drops" ]; then
		pass "BIRD session up throughout ($(session_counters), as at the start; checked after every round)"
	else
		fail "session flapped: ${flap:-$SESSION_MARK -> $(session_counters)}; evbgpd: ${drops:-no session-down line}"
		integ_diag
	fi
	integ_stop
}

main
finish
