#!/usr/bin/env bash
# Integration test 2: a SIGSTOPped helper for more than three hold times while the peer
# sends 100,000 routes.
#
# evbgpd (127.0.0.51) starts with a JSON helper (helpers/json-counter.py) subscribed to
# received updates; the test SIGSTOPs the helper *before* BIRD exists, then starts BIRD on
# 127.0.0.53 with 100,000 routes, each with its own MED (so 100,000 UPDATEs and 100,000
# JSON lines, ~35 MB: more than the 16 MiB per-helper queue). Hold time 9 on both sides.
# The helper stays stopped for STOP_SECONDS (default 30 > 3 x 9) after the session came up.
# Checks:
#   - evbgpd received all 100,000 routes while the helper was stopped (routes-in);
#   - the session never dropped (BIRD's and evbgpd's logged session counters unchanged);
#   - evbgpd's VmRSS (sampled every 0.5 s) stayed below RSS_LIMIT_MIB (default 150);
#   - evbgpd logged the queue overflow ("output queue full ... dropping events");
#   - after SIGCONT the helper reads again, evbgpd logs the drained queue and the count of
#     dropped events, and update events read + dropped = 100,000 UPDATEs + BIRD's End-of-RIB;
#     every line read is whole JSON;
#   - once drained, new events flow again: a route BIRD announces afterwards reaches the helper.
# evbgpd does not (yet) write an {"type": "overflow"} event to the helper: a note says how
# many the helper got; EXPECT_OVERFLOW_EVENT=1 turns that into a check.
# shellcheck disable=SC2016 # eval strings expand when evaluated
set -euo pipefail
PEER_NAME=stopped-helper
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${STOPPED_BIRD_ADDR:-127.0.0.53}
N=${STOPPED_ROUTES:-100000}
STOP_SECONDS=${STOP_SECONDS:-$((3 * HOLD_TIME + 3 > 30 ? 3 * HOLD_TIME + 3 : 30))}
RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-150}
EXPECT_OVERFLOW_EVENT=${EXPECT_OVERFLOW_EVENT:-0}
LATE_ROUTE=10.255.0.1/32 # announced by BIRD only after the queue drained

MAX_RSS=0
sample_rss() {
	local r
	r=$(rss_kib "$DUT_PID")
	[ "${r:-0}" -gt "$MAX_RSS" ] && MAX_RSS=$r
	return 0
}

main() {
	integ_require || return 0
	note "generating $N BIRD routes with distinct MEDs"
	integ_routes "$N" med >"$TMP/routes.conf"
	BIRD_EXTRA="protocol static late4 { ipv4; disabled on; route $LATE_ROUTE blackhole; }"
	integ_bird_conf "$TMP/routes.conf"

	mkdir -p "$TMP/h"
	{
		echo "process stopped {"
		echo "    run $INTEG_HELPERS/json-counter.py $TMP/h;"
		echo "    encoder json;"
		echo "}"
		integ_neighbor stopped
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	# stop the helper before BIRD even runs
	local hp=''
	wait_dut 60 eval 'hp=$(helper_pid json-counter.py)' || true
	if [ -z "$hp" ]; then
		fail "evbgpd did not start its helper within 60s"
		integ_diag
		return 0
	fi
	kill -STOP "$hp"
	PIDS="$PIDS helper:$hp" # continued and stopped by the cleanup if the test aborts
	if ! wait_until 30 eval '[ "$(proc_state "$hp")" = T ]'; then
		fail "helper pid $hp not stopped (state $(proc_state "$hp"))"
		return 0
	fi
	local before_lines rss0
	before_lines=$(hstat "$TMP/h" lines)
	rss0=$(rss_kib "$DUT_PID")
	note "helper pid $hp SIGSTOPped (state T, $before_lines lines read so far); starting BIRD"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	# evbgpd retries its connection (1 s, 2 s, 4 s ...)
	if ! wait_dut 120 bird_established; then
		fail "session with BIRD not Established within 120s"
		integ_diag
		return 0
	fi
	local t0 t_up
	session_mark
	t_up=$(date +%s)
	note "Established ($SESSION_MARK); keeping the helper stopped for ${STOP_SECONDS}s"

	# the stopped window: sample RSS, watch the session
	local down_at='' all_in_at='' rin
	while [ $(($(date +%s) - t_up)) -lt "$STOP_SECONDS" ]; do
		dut_alive || break
		sample_rss
		if [ -z "$down_at" ] && ! same_session; then down_at=$(($(date +%s) - t_up)); fi
		if [ -z "$all_in_at" ]; then
			rin=$(dut_routes_in)
			[ -n "$rin" ] && [ "$rin" -ge "$N" ] && all_in_at=$(($(date +%s) - t_up))
		fi
		sleep 0.5
	done
	sample_rss
	if ! dut_alive; then
		dut_reap
		fail "evbgpd exited while the helper was stopped ($DUT_EXIT)"
		integ_diag
		return 0
	fi
	local state_now lines_now
	state_now=$(proc_state "$hp")
	lines_now=$(hstat "$TMP/h" lines)
	note "after ${STOP_SECONDS}s: helper state $state_now, lines read $lines_now; evbgpd max VmRSS $((MAX_RSS / 1024)) MiB"
	if [ "$state_now" != T ] || [ "$lines_now" != "$before_lines" ]; then
		fail "the helper did not stay stopped (state $state_now, lines $before_lines -> $lines_now)"
	fi

	# 1. evbgpd took every route although its helper did not read
	rin=$(dut_routes_in)
	if [ -n "$all_in_at" ]; then
		pass "evbgpd received all $N routes while the helper was stopped (routes-in $rin, within ${all_in_at}s of Established; BIRD exported $(bird_exported))"
	else
		fail "evbgpd has ${rin:-?} of $N routes after ${STOP_SECONDS}s (BIRD exported $(bird_exported))"
	fi

	# 2. the session never dropped
	local drops bird_err
	drops=$(dut_session_drops)
	bird_err=$(grep -Ei 'dut: .*(error|hold timer|connection lost|session closed)' "$BIRD_LOG" | head -n 3 || true)
	if [ -z "$down_at" ] && same_session && [ -z "$drops" ] && [ -z "$bird_err" ]; then
		pass "session up for the ${STOP_SECONDS}s (> 3 x hold ${HOLD_TIME}s) the helper was stopped: $(session_counters), as at the start; no error in either log"
	else
		fail "session dropped while the helper was stopped: $SESSION_MARK -> $(session_counters)${down_at:+, down seen at ${down_at}s}; evbgpd: ${drops:-none}; BIRD: ${bird_err:-none}"
		integ_diag
	fi

	# 3. memory bounded
	if [ "$MAX_RSS" -gt 0 ] && [ "$MAX_RSS" -lt $((RSS_LIMIT_MIB * 1024)) ]; then
		pass "evbgpd max VmRSS $((MAX_RSS / 1024)) MiB ($MAX_RSS kB; $((rss0 / 1024)) MiB before BIRD) < ${RSS_LIMIT_MIB} MiB with $N routes and a stopped helper"
	else
		fail "evbgpd max VmRSS $((MAX_RSS / 1024)) MiB ($MAX_RSS kB), limit ${RSS_LIMIT_MIB} MiB"
	fi

	# 4. the overflow is logged
	local ovf
	ovf=$(grep -E 'process stopped: output queue full' "$DUT_LOG" | head -n 1 || true)
	if [ -n "$ovf" ]; then
		pass "evbgpd logged the overflow: ${ovf#* evbgpd\[*\] }"
	else
		fail "evbgpd logged no queue overflow for the stopped helper"
		integ_diag
	fi

	# 5. SIGCONT: the helper reads again; the accounting adds up
	kill -CONT "$hp"
	local w keep=''
	for w in $PIDS; do [ "$w" = "helper:$hp" ] || keep="$keep $w"; done
	PIDS=$keep
	note "helper continued"
	if wait_dut 60 stat_ge "$TMP/h" lines $((before_lines + 1)); then
		pass "after SIGCONT the helper reads again ($(hstat "$TMP/h" lines) lines within ${WAITED}s)"
	else
		fail "after SIGCONT the helper read nothing within 60s (state $(proc_state "$hp"))"
	fi
	local drained dropped got
	wait_dut 120 grep -q 'process stopped: queue drained' "$DUT_LOG" || true
	drained=$(grep -E 'process stopped: queue drained' "$DUT_LOG" | head -n 1 || true)
	dropped=$(printf '%s\n' "$drained" | sed -n 's/.*; \([0-9]*\) events.*/\1/p')
	# the helper's count settles once it has read what was queued
	[ -n "$dropped" ] && wait_dut 60 eval \
	    '[ $(($(hstat "$TMP/h" types.update) + dropped)) -ge $((N + 1)) ]' || true
	got=$(hstat "$TMP/h" types.update)
	# N UPDATEs + BIRD's End-of-RIB = N + 1 update events, each either read or dropped
	if [ -n "$dropped" ] && [ $((got + dropped)) -eq $((N + 1)) ]; then
		pass "queue drained: helper read $got update events ($(hstat "$TMP/h" announced) routes, $(hstat "$TMP/h" eor) End-of-RIB) + evbgpd dropped $dropped = $N UPDATEs + End-of-RIB (${drained#* evbgpd\[*\] })"
	else
		fail "after SIGCONT: helper read $got update events, evbgpd dropped ${dropped:-?} (log: ${drained:-no queue-drained line}), want a sum of $N + 1 (End-of-RIB)"
	fi
	local bad
	bad=$(hstat "$TMP/h" bad)
	if [ "$bad" -eq 0 ]; then
		pass "every line the helper read after SIGCONT is a JSON object ($(hstat "$TMP/h" lines) lines; no line cut by the drops)"
	else
		fail "$bad lines the helper read are not JSON objects (a line cut by the drops?):"
		show_file "$TMP/h/bad.txt"
	fi

	# 6. after the drain, new events reach the helper again
	local ann0
	ann0=$(hstat "$TMP/h" announced)
	birdc_ enable late4 >/dev/null 2>&1 || true
	if wait_dut 60 stat_ge "$TMP/h" announced $((ann0 + 1)); then
		pass "after the drain a new route from BIRD ($LATE_ROUTE) reached the helper within ${WAITED}s"
	else
		fail "after the drain the helper did not get BIRD's new route $LATE_ROUTE within 60s (evbgpd routes-in $(dut_routes_in))"
	fi

	# the helper is not told what it missed unless evbgpd writes an overflow event
	local ov
	ov=$(hstat "$TMP/h" types.overflow)
	if [ "$EXPECT_OVERFLOW_EVENT" = 1 ]; then
		if [ "$ov" -gt 0 ]; then
			pass "the helper got $ov overflow event(s), $(hstat "$TMP/h" dropped) events dropped in total"
		else
			fail "the helper got no overflow event (type overflow) for the ${dropped:-?} events it missed"
		fi
	else
		note "overflow events the helper got: $ov (dropped total $(hstat "$TMP/h" dropped)); evbgpd dropped ${dropped:-?} events"
	fi
	note "evbgpd VmRSS now $(($(rss_kib "$DUT_PID") / 1024)) MiB"

	integ_stop
}

main
finish
