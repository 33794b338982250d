# shellcheck shell=bash
# Shared helpers for the interop tests (sourced by tests/interop/{bird,gobgp,frr}.sh).
#
# The daemon under test ("DUT") is evbgpd, or ExaBGP 4.2 as a stand-in that reads the
# very same configuration syntax:
#   EVBGPD=/path/to/evbgpd        command of the daemon under test (default $REPO/build/evbgpd)
#   EVBGP_STANDIN=exabgp          run /usr/sbin/exabgp instead of evbgpd
#   RECEIVE_CHECK=auto|json|log   how check (c) sees the routes the DUT received: the JSON the
#                                 API process got, the DEBUG log, or (auto, default) the JSON once
#                                 the DUT has written any, else the log
#   HOLD_TIME=9                   hold time on both sides; check (d) waits 3 x HOLD_TIME
#   KEEP_TMP=1                    keep the temp dir (it is always kept when a check failed)
#
# Only loopback addresses are used: the DUT connects out from 127.0.0.11 (eBGP) to the peer
# on 127.0.0.12 (BIRD), .13 (GoBGP) or .14 (FRR), and from 127.0.0.21 (iBGP) to the same peer
# on 127.0.0.22, .23 or .24; the peers listen on port 179 of those addresses.

set -euo pipefail

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$INTEROP_DIR/../.." && pwd)

EVBGPD=${EVBGPD:-$REPO/build/evbgpd}
EVBGP_STANDIN=${EVBGP_STANDIN:-}
EXABGP=${EXABGP:-/usr/sbin/exabgp}
RECEIVE_CHECK=${RECEIVE_CHECK:-auto}
HOLD_TIME=${HOLD_TIME:-9}
KEEP_TMP=${KEEP_TMP:-0}
PYTHON=${PYTHON:-python3}

# Addresses and AS numbers.
DUT_EBGP_ADDR=127.0.0.11
DUT_IBGP_ADDR=127.0.0.21
DUT_AS=65001            # DUT's AS on the eBGP session
PEER_AS=65002           # the peer's AS; also the DUT's AS on the iBGP session
PEER_PORT=${PEER_PORT:-179}
SESSIONS=${INTEROP_SESSIONS:-ebgp ibgp} # INTEROP_SESSIONS=ebgp: only the eBGP session

# Check (c), log method: the DUT logs every received route at DEBUG level. One extended
# regex per daemon; @PREFIX@ and @PEER@ are replaced by the prefix and the session's peer
# address (dots escaped). Adjust here only (or set EVBGPD_RECEIVED_RE).
#   evbgpd:     "... debug: peer 127.0.0.13: received update: announce ipv4 unicast 198.51.100.0/25 next-hop ..."
#   ExaBGP 4.2: "... | peer-1 | UPDATE #1 nlri ( 4) 198.51.100.0/25 next-hop 127.0.0.12" (no address:
#               any session)
EVBGPD_RECEIVED_RE=${EVBGPD_RECEIVED_RE:-'[^0-9]@PEER@[^0-9].*received update.*[^0-9a-f:./]@PREFIX@([^0-9/]|$)'}
EXABGP_RECEIVED_RE='UPDATE #[0-9]+ nlri .*[^0-9a-f:./]@PREFIX@([^0-9/]|$)'

# ------------------------------------------------------------------ output and counters
PASSED=0
FAILED=0
SKIPPED=0
PEER_NAME=${PEER_NAME:-peer}
DUT_PID=''

note() { printf '  .. %s: %s\n' "$PEER_NAME" "$*"; }
pass() { PASSED=$((PASSED + 1)); printf 'PASS %s: %s\n' "$PEER_NAME" "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s: %s\n' "$PEER_NAME" "$*"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf 'SKIP %s: %s\n' "$PEER_NAME" "$*"; }

# check NAME CMD... : PASS/FAIL line from a command's exit status.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# Indent a file (or stdin) for diagnostics, at most 40 lines.
show_file() {
	if [ -n "${1:-}" ]; then
		[ -r "$1" ] || return 0
		tail -n 40 "$1" | sed 's/^/      | /'
	else
		head -n 40 | sed 's/^/      | /'
	fi
}

finish() {
	# not the "N passed, M failed" form: that is the closing line of scripts/test-interop.sh
	printf -- '--- %s: passed %d, failed %d, skipped %d\n' "$PEER_NAME" "$PASSED" "$FAILED" "$SKIPPED"
	[ "$FAILED" -eq 0 ]
}

# ------------------------------------------------------------------ temp dir and processes
TMP=''
PIDS=''  # "name:pid" words, started by us, stopped by PID on exit

make_tmp() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/evbgp-interop-$PEER_NAME.XXXXXX")
}

# start_bg NAME LOGFILE CMD... : start CMD in its own session (PID == process group id,
# so helpers it forks can be stopped with it) and set STARTED_PID.
STARTED_PID=''
start_bg() {
	local name=$1 logf=$2
	shift 2
	setsid "$@" >>"$logf" 2>&1 </dev/null &
	STARTED_PID=$!
	PIDS="$PIDS $name:$STARTED_PID"
}

alive() { kill -0 "$1" 2>/dev/null; }

# stop_pid PID [TIMEOUT] : TERM the process, wait up to TIMEOUT s (default 5), then KILL;
# finally remove what is left of its process group (helpers).
stop_pid() {
	local pid=$1 t=${2:-5} i=0 w
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		kill -CONT "$pid" 2>/dev/null || true # a stopped process acts on TERM only once continued
		w=$((t * 10))
		while alive "$pid" && [ "$i" -lt "$w" ]; do
			# a child of ours that exited is a zombie until reaped: stop polling then
			if [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ]; then break; fi
			sleep 0.1
			i=$((i + 1))
		done
		if alive "$pid" && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	local keep='' w2
	for w2 in $PIDS; do [ "${w2##*:}" = "$pid" ] || keep="$keep $w2"; done
	PIDS=$keep
}

cleanup() {
	local rc=$? w
	trap - EXIT INT TERM
	for w in $PIDS; do
		stop_pid "${w##*:}" 3
	done
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "$FAILED" -gt 0 ] || [ "$KEEP_TMP" = 1 ] || [ "$rc" -ne 0 ]; then
			printf '  .. %s: logs and configs kept in %s\n' "$PEER_NAME" "$TMP"
		else
			rm -rf "$TMP"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

# wait_until TIMEOUT CMD... : run CMD every 0.25 s until it succeeds (0) or TIMEOUT s pass (1).
# Sets WAITED to the seconds spent. wait_dut: the same, but gives up as soon as the daemon
# under test has exited.
WAITED=0
WAIT_ON_DUT=0
wait_dut() {
	local rc=0
	WAIT_ON_DUT=1
	wait_until "$@" || rc=$?
	WAIT_ON_DUT=0
	return "$rc"
}
wait_until() {
	local t=$1 start now
	shift
	start=$(date +%s)
	local n=0 max=$((t * 4 + 1))
	while [ "$n" -lt "$max" ]; do
		if "$@"; then
			now=$(date +%s)
			WAITED=$((now - start))
			return 0
		fi
		now=$(date +%s)
		if [ $((now - start)) -ge "$t" ]; then break; fi
		if [ "$WAIT_ON_DUT" = 1 ] && ! dut_alive; then break; fi
		sleep 0.25
		n=$((n + 1))
	done
	now=$(date +%s)
	WAITED=$((now - start))
	return 1
}

# Refuse anything but loopback as an address we configure.
assert_loopback() {
	case $1 in
	127.*.*.* | ::1) ;;
	*)
		echo "refusing non-loopback address $1" >&2
		exit 2
		;;
	esac
}

# port_free ADDR PORT : nothing (e.g. a system BIRD/FRR on 0.0.0.0:179) listens there.
port_free() {
	local addr=$1 port=$2
	! ss -Hltn 2>/dev/null | awk '{print $4}' |
		grep -Eq "^(\\*|0\\.0\\.0\\.0|\\[::\\]|${addr//./\\.}):${port}\$"
}

need_python() {
	command -v "$PYTHON" >/dev/null 2>&1
}

# ------------------------------------------------------------------ routes
# The routes the DUT announces. One line per route:
#   session prefix next-hop as-path origin med local-pref communities large-communities ext-communities
# '-' = attribute not configured; lists are comma-separated.
# eBGP: DUT AS 65001 -> peer AS 65002; iBGP: both AS 65002.
ROUTE_TABLE='
ebgp 203.0.113.0/26   192.0.2.1   -           igp        10 -   65001:100,65001:200 65001:1:1 target:65001:1
ebgp 203.0.113.64/26  192.0.2.2   65001,64999 egp        -  -   -                   -         -
ebgp 203.0.113.128/26 192.0.2.3   -           igp        30 -   65001:300           -         -
ebgp 2001:db8:e1::/48 2001:db8::1 -           igp        -  -   65001:600           65001:6:6 -
ebgp 2001:db8:e2::/48 2001:db8::1 65001,64998 incomplete 60 -   -                   -         target:65001:7
ibgp 198.18.0.0/26    192.0.2.11  -           igp        -  200 65002:100           -         -
ibgp 198.18.0.64/26   192.0.2.12  64999       incomplete 20 -   -                   65002:2:2 -
ibgp 198.18.0.128/26  192.0.2.13  -           igp        -  -   -                   -         target:65002:3
ibgp 2001:db8:1::/48  2001:db8::1 -           igp        -  300 65002:600           -         -
ibgp 2001:db8:2::/48  2001:db8::1 -           egp        5  -   -                   -         -
'

# The routes every peer announces to the DUT, on both sessions (check c).
PEER_ROUTES4='198.51.100.0/25 198.51.100.128/25'
PEER_ROUTES6='2001:db8:100::/48'

session_addr() { if [ "$1" = ebgp ]; then echo "$DUT_EBGP_ADDR"; else echo "$DUT_IBGP_ADDR"; fi; }
# the peer's address for SESSION (PEER_ADDR / PEER_ADDR_IBGP, set by the peer script)
session_peer_addr() { if [ "$1" = ebgp ]; then echo "$PEER_ADDR"; else echo "$PEER_ADDR_IBGP"; fi; }
session_local_as() { if [ "$1" = ebgp ]; then echo "$DUT_AS"; else echo "$PEER_AS"; fi; }

# ExaBGP-syntax static route lines for SESSION.
dut_static_routes() {
	local want=$1 s pfx nh path origin med lp comm large ext line
	while read -r s pfx nh path origin med lp comm large ext; do
		[ "${s:-}" = "$want" ] || continue
		line="route $pfx next-hop $nh"
		[ "$path" != - ] && line="$line as-path [ ${path//,/ } ]"
		[ "$origin" != igp ] && line="$line origin $origin"
		[ "$med" != - ] && line="$line med $med"
		[ "$lp" != - ] && line="$line local-preference $lp"
		[ "$comm" != - ] && line="$line community [ ${comm//,/ } ]"
		[ "$large" != - ] && line="$line large-community [ ${large//,/ } ]"
		[ "$ext" != - ] && line="$line extended-community [ ${ext//,/ } ]"
		printf '        %s;\n' "$line"
	done <<<"$ROUTE_TABLE"
}

# Canonical lines (see canon.py) the peer must hold for SESSION, sorted:
#   PREFIX nh=NH path=A,B origin=O med=N|- [lp=N] comm=..|- large=..|- ext=rt:A:N|-
# eBGP: an empty configured AS path becomes the DUT's AS; LOCAL_PREF is not compared.
# iBGP: LOCAL_PREF defaults to 100 (RFC 4271 5.1.5: sent to internal peers).
expected_routes() {
	local want=$1 s pfx nh path origin med lp comm large ext
	while read -r s pfx nh path origin med lp comm large ext; do
		[ "${s:-}" = "$want" ] || continue
		if [ "$path" = - ]; then
			if [ "$s" = ebgp ]; then path=$DUT_AS; fi
		fi
		[ "$s" = ibgp ] && [ "$path" = - ] && path=''
		comm=$(sort_list "$comm")
		large=$(sort_list "$large")
		ext=$(sort_list "${ext//target:/rt:}")
		if [ "$s" = ibgp ]; then
			[ "$lp" = - ] && lp=100
			printf '%s nh=%s path=%s origin=%s med=%s lp=%s comm=%s large=%s ext=%s\n' \
				"$pfx" "$nh" "$path" "$origin" "$med" "$lp" "$comm" "$large" "$ext"
		else
			printf '%s nh=%s path=%s origin=%s med=%s comm=%s large=%s ext=%s\n' \
				"$pfx" "$nh" "$path" "$origin" "$med" "$comm" "$large" "$ext"
		fi
	done <<<"$ROUTE_TABLE" | LC_ALL=C sort
}

sort_list() {
	if [ "$1" = - ]; then
		echo -
	else
		printf '%s\n' "${1//,/ }" | tr ' ' '\n' | LC_ALL=C sort | paste -sd, -
	fi
}

# ------------------------------------------------------------------ the daemon under test
DUT_LOG=''
DUT_CONF=''
RECEIVED_JSON=''

dut_name() { if [ "$EVBGP_STANDIN" = exabgp ]; then echo "exabgp (stand-in)"; else echo "evbgpd"; fi; }

# dut_available : the DUT binary exists (prints why not otherwise).
dut_available() {
	local bin
	if [ "$EVBGP_STANDIN" = exabgp ]; then bin=$EXABGP; else bin=${EVBGPD%% *}; fi
	if [ ! -x "$bin" ]; then
		echo "daemon under test not found: $bin"
		if [ "$EVBGP_STANDIN" != exabgp ]; then
			echo "(build it: cmake -S . -B build && cmake --build build; or EVBGP_STANDIN=exabgp)"
		fi
		return 1
	fi
}

# gen_dut_conf : writes $TMP/dut.conf, one eBGP and one iBGP neighbor = the peer.
gen_dut_conf() {
	local peer s addr las
	DUT_CONF=$TMP/dut.conf
	RECEIVED_JSON=$TMP/received.json
	: >"$RECEIVED_JSON"
	{
		echo "# generated by tests/interop/lib.sh for $PEER_NAME"
		if [ "$RECEIVE_CHECK" != log ]; then
			echo "process recorder {"
			echo "    run $INTEROP_DIR/api-recorder.sh $RECEIVED_JSON;"
			echo "    encoder json;"
			echo "}"
		fi
		for s in $SESSIONS; do
			addr=$(session_addr "$s")
			las=$(session_local_as "$s")
			peer=$(session_peer_addr "$s")
			echo ""
			echo "neighbor $peer {"
			echo "    description \"$PEER_NAME $s\";"
			echo "    router-id $addr;"
			echo "    local-address $addr;"
			echo "    local-as $las;"
			echo "    peer-as $PEER_AS;"
			[ "$PEER_PORT" != 179 ] && echo "    connect $PEER_PORT;"
			echo "    hold-time $HOLD_TIME;"
			echo "    family { ipv4 unicast; ipv6 unicast; }"
			if [ "$RECEIVE_CHECK" != log ]; then
				echo "    api { processes [ recorder ]; receive { parsed; update; } }"
			fi
			echo "    static {"
			dut_static_routes "$s"
			echo "    }"
			echo "}"
		done
	} >"$DUT_CONF"
}

dut_start() {
	DUT_LOG=$TMP/dut.log
	local -a cmd
	if [ "$EVBGP_STANDIN" = exabgp ]; then
		cmd=("$EXABGP" "$DUT_CONF")
	else
		# shellcheck disable=SC2206 # EVBGPD may carry options (e.g. "valgrind ... evbgpd")
		cmd=($EVBGPD --control "$TMP/dut.sock" "$DUT_CONF")
	fi
	# ExaBGP-style environment; evbgpd reads the same keys.
	start_bg dut "$DUT_LOG" env \
		exabgp_log_enable=true \
		exabgp_log_level=DEBUG \
		exabgp_log_destination=stdout \
		exabgp_log_all=false \
		exabgp_daemon_pid="$TMP/dut.pid" \
		exabgp_daemon_daemonize=false \
		exabgp_daemon_user=root \
		exabgp_daemon_drop=false \
		exabgp_api_cli=false \
		"${cmd[@]}"
	DUT_PID=$STARTED_PID
	note "started $(dut_name) pid $DUT_PID: ${cmd[*]}"
}

# evbgpctl on the DUT's control socket (evbgpd only)
EVBGPCTL=${EVBGPCTL:-$(dirname "${EVBGPD%% *}")/evbgpctl}
dut_ctl() { timeout 20 "$EVBGPCTL" -s "$TMP/dut.sock" -t 15 "$@"; }

# DUT_EXIT: exit status of the DUT once it has exited (reaps it; not in a subshell)
DUT_EXIT=''
dut_reap() {
	local rc=0
	wait "$DUT_PID" 2>/dev/null || rc=$?
	DUT_EXIT="exit status $rc"
}

dut_alive() { alive "$DUT_PID" && [ "$(ps -o stat= -p "$DUT_PID" 2>/dev/null | cut -c1)" != Z ]; }

# dut_downs SESSION : how many times the DUT logged that session going down (evbgpd: "peer
# ADDR: session down"; ExaBGP: "peer reset" lines naming the peer)
dut_downs() {
	local a
	a=$(session_peer_addr "$1")
	if [ "$EVBGP_STANDIN" = exabgp ]; then
		grep -cE "(peer reset|closing).*${a//./\\.}" "$DUT_LOG" 2>/dev/null || true
	else
		grep -c "peer $a: session down" "$DUT_LOG" 2>/dev/null || true
	fi
}

# daemon_received_prefix PFX [SESSION] : the DUT has received PFX (on SESSION, ebgp|ibgp).
# RECEIVE_CHECK=json: an ExaBGP-JSON "update" message in the api process' file whose
#   neighbor.address.local is the session's DUT address and whose
#   message.update.announce.<family>.<next-hop>[].nlri is PFX;
# RECEIVE_CHECK=log: a DUT log line matching EVBGPD_RECEIVED_RE (EXABGP_RECEIVED_RE).
# RECEIVE_CHECK=auto: json once the DUT has written anything to the API process, else log.
receive_method() {
	if [ "$RECEIVE_CHECK" = auto ]; then
		if [ -s "$RECEIVED_JSON" ]; then echo json; else echo log; fi
	else
		echo "$RECEIVE_CHECK"
	fi
}
daemon_received_prefix() {
	local pfx=$1 s=${2:-} laddr='' paddr='' re
	if [ -n "$s" ]; then
		laddr=$(session_addr "$s")
		paddr=$(session_peer_addr "$s")
	fi
	if [ "$(receive_method)" = json ]; then
		"$PYTHON" "$INTEROP_DIR/canon.py" received "$RECEIVED_JSON" "$pfx" "$laddr"
	else
		if [ "$EVBGP_STANDIN" = exabgp ]; then re=$EXABGP_RECEIVED_RE; else re=$EVBGPD_RECEIVED_RE; fi
		re=${re//@PREFIX@/${pfx//./\\.}}
		if [ -n "$paddr" ]; then re=${re//@PEER@/${paddr//./\\.}}; else re=${re//@PEER@/}; fi
		grep -Eq -- "$re" "$DUT_LOG"
	fi
}

# ------------------------------------------------------------------ the suite
# A peer script defines:
#   peer_available        -> 0 if the peer's binaries exist (else prints why)
#   peer_setup            -> write the peer config into $TMP (once)
#   peer_start / peer_stop-> start (sets PEER_PID, waits for its control socket) / stop
#   peer_established S    -> 0 if session S (ebgp|ibgp) is Established
#   peer_routes S         -> canonical lines (canon.py) of the routes learned on S
#   peer_session_token S  -> the peer's own count of session S's ups/downs (a text that
#                            changes when it was reset; empty when the peer did not answer):
#                            counters or log lines, never a timestamp (they jitter)
# and PEER_ADDR (eBGP session) + PEER_ADDR_IBGP (iBGP session), then calls run_suite.
PEER_PID=''

routes_match() {
	local s=$1
	peer_routes "$s" >"$TMP/got-$s.txt" 2>"$TMP/got-$s.err" || return 1
	cmp -s "$TMP/got-$s.txt" "$TMP/want-$s.txt"
}

show_route_diff() {
	local s=$1
	note "routes on $s session differ (- wanted, + peer holds):"
	diff -u "$TMP/want-$s.txt" "$TMP/got-$s.txt" | tail -n +3 | show_file || true
	[ -s "$TMP/got-$s.err" ] && show_file "$TMP/got-$s.err"
	return 0
}

all_received() {
	local s=$1 p
	for p in $PEER_ROUTES4 $PEER_ROUTES6; do
		daemon_received_prefix "$p" "$s" || return 1
	done
}

missing_received() {
	local s=$1 p out=''
	for p in $PEER_ROUTES4 $PEER_ROUTES6; do
		daemon_received_prefix "$p" "$s" || out="$out $p"
	done
	echo "${out# }"
}

established_and_routes() { peer_established "$1" && routes_match "$1"; }

diagnose() {
	note "$(dut_name) log tail ($DUT_LOG):"
	show_file "$DUT_LOG"
	[ -n "${PEER_LOG:-}" ] && { note "peer log tail ($PEER_LOG):"; show_file "$PEER_LOG"; }
	return 0
}

run_suite() {
	local s hold_wait t0 ok diagnosed=0
	local -A up=() tok=()
	if ! peer_available; then
		skip "peer binaries missing, all checks skipped"
		return 0
	fi
	if ! need_python; then
		fail "python3 is needed to read the peers' JSON/CLI output"
		return 0
	fi
	local why
	if ! why=$(dut_available); then
		fail "$why"
		return 0
	fi
	local a
	for a in "$PEER_ADDR" "$PEER_ADDR_IBGP"; do
		assert_loopback "$a"
		if ! port_free "$a" "$PEER_PORT"; then
			fail "something already listens on port $PEER_PORT for $a (a system BIRD/FRR? see scripts/setup.sh):"
			ss -Hltnp | grep ":$PEER_PORT " | show_file
			return 0
		fi
	done
	make_tmp
	note "temp dir $TMP, daemon under test: $(dut_name), receive check: $RECEIVE_CHECK, hold time ${HOLD_TIME}s"
	for s in $SESSIONS; do expected_routes "$s" >"$TMP/want-$s.txt"; done
	gen_dut_conf
	peer_setup
	if ! peer_start; then
		fail "peer did not start (see $PEER_LOG)"
		show_file "$PEER_LOG"
		return 0
	fi
	dut_start

	# (a) Established (bound: 90 s, generous for a busy machine)
	for s in $SESSIONS; do
		if wait_dut 90 peer_established "$s"; then
			pass "(a) $s session Established (${WAITED}s)"
			up[$s]=1
		elif ! dut_alive; then
			[ -n "$DUT_EXIT" ] || dut_reap
			fail "(a) $s session not Established: $(dut_name) exited ($DUT_EXIT)"
			[ "$diagnosed" = 1 ] || { diagnose; diagnosed=1; }
		else
			fail "(a) $s session not Established within 90s"
			[ "$diagnosed" = 1 ] || { diagnose; diagnosed=1; }
		fi
	done

	# (b) the peer holds exactly the configured routes and attributes
	for s in $SESSIONS; do
		if [ "${up[$s]:-0}" != 1 ]; then
			fail "(b) $s routes: session not up"
			continue
		fi
		if wait_dut 60 routes_match "$s"; then
			pass "(b) $s: peer holds exactly the $(wc -l <"$TMP/want-$s.txt") configured routes with their attributes"
		else
			fail "(b) $s: peer's routes differ from the configured ones"
			show_route_diff "$s"
		fi
	done

	# (c) the DUT received the peer's routes
	for s in $SESSIONS; do
		if [ "${up[$s]:-0}" != 1 ]; then
			fail "(c) $s received routes: session not up"
			continue
		fi
		if wait_dut 60 all_received "$s"; then
			pass "(c) $s: $(dut_name) received the peer's routes ($PEER_ROUTES4 $PEER_ROUTES6) [$(receive_method)]"
		else
			fail "(c) $s: $(dut_name) did not receive: $(missing_received "$s") [$(receive_method)]"
			if [ "$(receive_method)" = json ]; then
				note "received.json tail:"
				show_file "$RECEIVED_JSON"
			fi
		fi
	done

	# (d) the session survives 3 hold times without reset: judged by the
	# peer's own session counters and evbgpd's session-down lines, read
	# again until the peer answers (a busy peer's CLI may not answer for a
	# while: that is no evidence of a reset)
	local -A downs=()
	for s in $SESSIONS; do
		wait_dut 60 eval 'tok[$s]=$(peer_session_token "$s" || true); [ -n "${tok[$s]}" ]' || true
		downs[$s]=$(dut_downs "$s")
	done
	hold_wait=$((3 * HOLD_TIME + 2))
	note "waiting ${hold_wait}s (3 x hold time ${HOLD_TIME}s + 2) for check (d)"
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "$hold_wait" ]; do
		dut_alive || break
		alive "$PEER_PID" || break
		sleep 1
	done
	for s in $SESSIONS; do
		if [ "${up[$s]:-0}" != 1 ]; then
			fail "(d) $s survives 3 hold times: session never came up"
			continue
		fi
		# (not "now": wait_until has a local of that name, which eval
		# would assign instead)
		local before tok_now=''
		before=${tok[$s]}
		wait_dut 60 eval 'tok_now=$(peer_session_token "$s" || true); [ -n "$tok_now" ]' || true
		if ! dut_alive; then
			fail "(d) $s: $(dut_name) exited during the wait"
		elif [ -z "$before" ] || [ -z "$tok_now" ]; then
			fail "(d) $s: the peer did not report its session counters within 60s"
		elif [ "$before" = "$tok_now" ] && [ "$(dut_downs "$s")" = "${downs[$s]}" ] &&
			wait_dut 60 peer_established "$s"; then
			pass "(d) $s: still Established after ${hold_wait}s, no reset (peer: $tok_now; $(dut_name): no session down)"
		else
			fail "(d) $s: session reset or down after ${hold_wait}s (peer before: '$before', now: '$tok_now'; $(dut_name) session-down lines ${downs[$s]} -> $(dut_downs "$s"))"
			[ "$diagnosed" = 1 ] || { diagnose; diagnosed=1; }
		fi
	done

	# (f) a neighbor made at run time (create neighbor), when the peer
	# script offers one (peer_runtime_check), then deleted
	if declare -F peer_runtime_check >/dev/null; then
		if [ "$EVBGP_STANDIN" = exabgp ]; then
			skip "(f) create/delete neighbor: ExaBGP 4.2 has no such commands"
		else
			peer_runtime_check
		fi
	fi

	# (e) a restarted peer gets everything again (bound: 120 s)
	note "restarting the peer (pid $PEER_PID)"
	peer_stop
	if ! peer_start; then
		fail "(e) peer did not restart (see $PEER_LOG)"
		return 0
	fi
	for s in $SESSIONS; do
		ok=0
		if wait_dut 120 established_and_routes "$s"; then ok=1; fi
		if [ "$ok" = 1 ]; then
			pass "(e) $s: restarted peer re-established and holds all routes again (${WAITED}s)"
		elif ! dut_alive; then
			fail "(e) $s: $(dut_name) is not running"
		elif peer_established "$s"; then
			fail "(e) $s: restarted peer re-established but its routes differ after 120s"
			show_route_diff "$s"
		else
			fail "(e) $s: restarted peer not re-established within 120s"
			[ "$diagnosed" = 1 ] || { diagnose; diagnosed=1; }
		fi
	done
	peer_stop
	stop_pid "$DUT_PID" 10
}
