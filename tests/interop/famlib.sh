# shellcheck shell=bash
# Helpers for the address-family interop scripts (flowspec.sh, ...), on top of lib.sh.
#
# The layout: the daemon under test (127.0.0.11, AS 65001) and a reference ExaBGP 4.2
# (127.0.0.31, AS 65001: Debian's /usr/sbin/exabgp) both peer with BIRD (127.0.0.12) and
# GoBGP (127.0.0.13), AS 65002, which listen on port 179 (passive). The DUT announces the
# routes under test to both peers, whose CLI output is checked route by route; the peers
# announce routes of their own to both the DUT and ExaBGP, whose helper JSON must match.

FAM_EXA_ADDR=${FAM_EXA_ADDR:-127.0.0.31}
FAM_BIRD_ADDR=${BIRD_ADDR:-127.0.0.12}
FAM_GOBGP_ADDR=${GOBGP_ADDR:-127.0.0.13}
BIRD=${BIRD:-bird}
BIRDC=${BIRDC:-birdc}
GOBGPD=${GOBGPD:-gobgpd}
GOBGP=${GOBGP:-gobgp}

fam_have() {
	local b
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 || { echo "$b not found"; return 1; }
	done
}

# fam_bird_start CONF-BODY : BIRD with the given configuration (after "router id").
fam_bird_start() {
	BIRD_CONF=$TMP/bird.conf
	BIRD_SOCK=$TMP/bird.ctl
	BIRD_LOG=$TMP/bird.out
	{
		echo "router id $FAM_BIRD_ADDR;"
		echo "log \"$TMP/bird.log\" all;"
		echo "protocol device { scan time 600; }"
		echo "$1"
	} >"$BIRD_CONF"
	"$BIRD" -p -c "$BIRD_CONF" >"$TMP/bird-parse.out" 2>&1 || {
		show_file "$TMP/bird-parse.out"
		return 1
	}
	rm -f "$BIRD_SOCK"
	start_bg bird "$BIRD_LOG" "$BIRD" -f -c "$BIRD_CONF" -s "$BIRD_SOCK" -P "$TMP/bird.pid"
	BIRD_PID=$STARTED_PID
	note "started bird pid $BIRD_PID on $FAM_BIRD_ADDR:$PEER_PORT"
	wait_until 10 birdc_ show status >/dev/null 2>&1
}

birdc_() { timeout 5 "$BIRDC" -s "$BIRD_SOCK" "$@"; }

# BIRD's "show protocols NAME" says Established
bird_up() { birdc_ show protocols "$1" 2>/dev/null | awk -v p="$1" '$1 == p' | grep -q Established; }

# fam_bird_peer NAME NEIGHBOR CHANNELS : a passive eBGP protocol towards NEIGHBOR (AS 65001)
fam_bird_peer() {
	cat <<EOF
protocol bgp $1 {
  local $FAM_BIRD_ADDR port $PEER_PORT as $PEER_AS;
  neighbor $2 as $DUT_AS;
  passive on; strict bind on; multihop;
  hold time $HOLD_TIME; keepalive time $(((HOLD_TIME + 2) / 3));
$3
}
EOF
}

# fam_gobgp_start NEIGHBOR-AFI-SAFIS : gobgpd with the DUT and ExaBGP as passive neighbors
fam_gobgp_start() {
	local n
	GOBGP_CONF=$TMP/gobgpd.toml
	GOBGP_SOCK=$TMP/gobgp.sock
	GOBGP_LOG=$TMP/gobgpd.out
	{
		cat <<EOF
[global.config]
  as = $PEER_AS
  router-id = "$FAM_GOBGP_ADDR"
  port = $PEER_PORT
  local-address-list = ["$FAM_GOBGP_ADDR"]
EOF
		for n in "$DUT_EBGP_ADDR" "$FAM_EXA_ADDR"; do
			cat <<EOF
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$n"
    peer-as = $DUT_AS
  [neighbors.transport.config]
    local-address = "$FAM_GOBGP_ADDR"
    passive-mode = true
    remote-port = $PEER_PORT
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = $HOLD_TIME
    keepalive-interval = $(((HOLD_TIME + 2) / 3))
EOF
			local f
			for f in $1; do
				printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "%s"\n' "$f"
			done
		done
	} >"$GOBGP_CONF"
	"$GOBGPD" -d -f "$GOBGP_CONF" >"$TMP/gobgpd-parse.out" 2>&1 || {
		show_file "$TMP/gobgpd-parse.out"
		return 1
	}
	rm -f "$GOBGP_SOCK"
	start_bg gobgpd "$GOBGP_LOG" "$GOBGPD" -f "$GOBGP_CONF" -p -l "${GOBGP_LOG_LEVEL:-info}" --pprof-disable \
		--api-hosts "unix://$GOBGP_SOCK"
	GOBGP_PID=$STARTED_PID
	note "started gobgpd pid $GOBGP_PID on $FAM_GOBGP_ADDR:$PEER_PORT"
	wait_until 10 gobgp_ global >/dev/null 2>&1
}

gobgp_() { timeout 5 "$GOBGP" --target "unix://$GOBGP_SOCK" "$@"; }

# GoBGP's session state towards ADDR is Established (6)
gobgp_up() {
	gobgp_ neighbor "$1" -j 2>/dev/null | "$PYTHON" -c '
import json, sys
sys.exit(0 if json.load(sys.stdin).get("state", {}).get("session_state") == 6 else 1)'
}

# fam_neighbor PEER FAMILIES [BODY] : an ExaBGP-syntax neighbor block of the DUT/ExaBGP at
# LOCAL (FAM_LOCAL) towards PEER, with the recorder API.
fam_neighbor() {
	local peer=$1 fams=$2 body=${3:-} f
	echo "neighbor $peer {"
	echo "    router-id $FAM_LOCAL;"
	echo "    local-address $FAM_LOCAL;"
	echo "    local-as $DUT_AS;"
	echo "    peer-as $PEER_AS;"
	[ "$PEER_PORT" != 179 ] && echo "    connect $PEER_PORT;"
	echo "    hold-time $HOLD_TIME;"
	echo "    family {"
	for f in $fams; do echo "        ${f/:/ };"; done
	echo "    }"
	echo "    api { processes [ recorder ]; receive { parsed; update; } }"
	echo "$body"
	echo "}"
}

# fam_recorder FILE : the process block writing the JSON events to FILE
fam_recorder() {
	: >"$1"
	echo "process recorder {"
	echo "    run $INTEROP_DIR/api-recorder.sh $1;"
	echo "    encoder json;"
	echo "}"
}

# fam_start NAME CONF CMD... : a DUT-like daemon (evbgpd or exabgp) with ExaBGP's environment
# (FAM_LOG_LEVEL=DEBUG: ExaBGP's tracebacks and every message in $TMP/NAME.log)
fam_start() {
	local name=$1 conf=$2
	shift 2
	start_bg "$name" "$TMP/$name.log" env \
		exabgp_log_enable=true \
		exabgp_log_level="${FAM_LOG_LEVEL:-INFO}" \
		exabgp_log_destination=stdout \
		exabgp_tcp_bind= \
		exabgp_daemon_pid="$TMP/$name.pid" \
		exabgp_daemon_daemonize=false \
		exabgp_daemon_user=root \
		exabgp_daemon_drop=false \
		exabgp_api_cli=false \
		"$@" "$conf"
	note "started $name pid $STARTED_PID: $* $conf"
}

# fam_json_same A B : the UPDATE events of two recorder files carry the same routes
fam_json_same() {
	"$PYTHON" "$INTEROP_DIR/famjson.py" "$@"
}

# fam_preflight WHAT BINARY... : SKIP (return 1) when a peer binary is missing; FAIL (return 1)
# when the DUT cannot run or something listens on port PEER_PORT of FAM_PEER_ADDRS; else a temp
# dir.
fam_preflight() {
	local what=$1 why a
	shift
	if ! why=$(fam_have "$@"); then
		skip "$why: $what checks skipped"
		return 1
	fi
	if ! why=$(dut_available); then
		fail "$why"
		return 1
	fi
	for a in ${FAM_PEER_ADDRS:-$FAM_BIRD_ADDR $FAM_GOBGP_ADDR}; do
		if ! port_free "$a" "$PEER_PORT"; then
			fail "something already listens on port $PEER_PORT for $a"
			return 1
		fi
	done
	make_tmp
	note "temp dir $TMP"
}

# fam_announce FAMILIES BODY PEER... : the DUT with a neighbor per PEER, each with BODY (its
# routes); DUT_PID is set.
fam_announce() {
	local fams=$1 body=$2 p
	shift 2
	FAM_LOCAL=$DUT_EBGP_ADDR
	{
		fam_recorder "$TMP/dut-announce.json"
		for p in "$@"; do fam_neighbor "$p" "$fams" "$body"; done
	} >"$TMP/dut-announce.conf"
	# shellcheck disable=SC2086
	fam_start dut "$TMP/dut-announce.conf" $EVBGPD
	DUT_PID=$STARTED_PID
}

# fam_expect LABEL SESSION-UP MATCH WANT GOT PASS-FORMAT FAIL-TEXT : once the command
# SESSION-UP (word-split) succeeds, wait for MATCH; PASS with PASS-FORMAT (%d: the lines of
# WANT), or FAIL with the difference of the files WANT and GOT.
fam_expect() {
	local label=$1 up=$2 match=$3 want=$4 got=$5 ok=$6 ko=$7
	# shellcheck disable=SC2086
	if ! wait_dut 20 $up; then
		fail "$label no session ($up)"
		show_file "$TMP/dut.log"
		return 0
	fi
	if wait_dut 10 "$match"; then
		# shellcheck disable=SC2059
		pass "$label $(printf "$ok" "$(wc -l <"$want")")"
	else
		fail "$label $ko (- wanted, + the peer holds):"
		diff -u "$want" "$got" | tail -n +3 | show_file || true
	fi
}

# fam_gobgp_add LABEL ARGS... : each ARGS word list (one string) after `gobgp global rib`
fam_gobgp_add() {
	local label=$1 c
	shift
	for c in "$@"; do
		# shellcheck disable=SC2086
		gobgp_ global rib $c >>"$GOBGP_LOG" 2>&1 || {
			fail "$label GoBGP refused: $c"
			show_file "$GOBGP_LOG"
		}
	done
}

# fam_receive LABEL FAMILIES MIN WHAT PEER... : the DUT and ExaBGP 4.2 (each with a neighbor per
# PEER for FAMILIES and the recorder) receive what the peers announce: PASS when both helpers'
# JSON carry the same routes, at least MIN of them (famjson.py).
FAM_MIN=1
fam_receive() {
	local label=$1 fams=$2 what=$4 side p exa
	FAM_MIN=$3
	shift 4
	for side in dut exa; do
		if [ "$side" = dut ]; then FAM_LOCAL=$DUT_EBGP_ADDR; else FAM_LOCAL=$FAM_EXA_ADDR; fi
		{
			fam_recorder "$TMP/$side-receive.json"
			for p in "$@"; do fam_neighbor "$p" "$fams"; done
		} >"$TMP/$side-receive.conf"
	done
	# shellcheck disable=SC2086
	fam_start dut "$TMP/dut-receive.conf" $EVBGPD
	DUT_PID=$STARTED_PID
	fam_start exabgp "$TMP/exa-receive.conf" "$EXABGP"
	exa=$STARTED_PID
	if wait_dut 30 fam_both_received; then
		pass "$label the DUT's JSON of the peers' $(fam_json_same --count "$TMP/dut-receive.json") $what is ExaBGP 4.2.21's"
	else
		fail "$label the DUT's JSON differs from ExaBGP's (- DUT only, + ExaBGP only):"
		fam_json_same --min "$FAM_MIN" "$TMP/dut-receive.json" "$TMP/exa-receive.json" | show_file || true
	fi
	stop_pid "$exa" 10
	stop_pid "$DUT_PID" 10
}

fam_both_received() {
	fam_json_same --min "$FAM_MIN" "$TMP/dut-receive.json" "$TMP/exa-receive.json" >/dev/null
}
