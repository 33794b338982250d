#!/usr/bin/env bash
# Transport security against BIRD 2 on loopback: TCP-MD5 (RFC 2385) and
# GTSM (RFC 5082) as configured with md5-password, outgoing-ttl and
# incoming-ttl.
#   1. right MD5 key and GTSM on both sides: the session comes up
#   2. wrong MD5 key: the session never comes up (segments are dropped)
#   3. evbgpd demands TTL 255 (incoming-ttl 255), BIRD sends TTL 64: no
#      session; with BIRD's "ttl security on" it comes up (case 1)
# BIRD listens on 127.0.0.62, evbgpd connects from 127.0.0.61.
set -euo pipefail
PEER_NAME=security
# shellcheck source=tests/interop/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIRD=${BIRD:-bird}
BIRDC=${BIRDC:-birdc}
BIRD_ADDR=127.0.0.62
DUT_ADDR=127.0.0.61
KEY=s3cret-Key
NO_SESSION_WAIT=${NO_SESSION_WAIT:-8}

for b in "$BIRD" "$BIRDC" "$EVBGPD"; do
	if ! command -v "$b" >/dev/null 2>&1 && [ ! -x "$b" ]; then
		skip "$b not found"
		finish
		exit 0
	fi
done
make_tmp

birdc_() { timeout 20 "$BIRDC" -s "$TMP/bird.ctl" "$@"; }

# bird_conf TTL_SECURITY(on|off)
bird_conf() {
	cat >"$TMP/bird.conf" <<EOF
router id $BIRD_ADDR;
log "$TMP/bird.log" all;
protocol device { scan time 600; }
protocol bgp dut {
  local $BIRD_ADDR port 179 as 65002;
  neighbor $DUT_ADDR as 65001;
  passive on;
  strict bind on;
  multihop;
  password "$KEY";
  ttl security $1;
  hold time 9;
  ipv4 { import all; export none; };
}
EOF
}

# dut_conf KEY INCOMING_TTL
dut_conf() {
	cat >"$TMP/evbgpd.conf" <<EOF
neighbor $BIRD_ADDR {
	router-id $DUT_ADDR;
	local-address $DUT_ADDR;
	local-as 65001;
	peer-as 65002;
	hold-time 9;
	md5-password "$1";
	outgoing-ttl 255;
	incoming-ttl $2;
	family { ipv4 unicast; }
	static { route 203.0.113.0/24 next-hop 192.0.2.1; }
}
EOF
}

bird_established() {
	birdc_ show protocols dut 2>/dev/null | grep -q Established
}

# run_case NAME TTL_SECURITY KEY INCOMING_TTL EXPECT(up|down)
run_case() {
	local name=$1 ttlsec=$2 key=$3 inttl=$4 expect=$5 bird_pid dut_pid
	bird_conf "$ttlsec"
	dut_conf "$key" "$inttl"
	rm -f "$TMP/bird.ctl"
	start_bg bird "$TMP/bird.out" "$BIRD" -f -c "$TMP/bird.conf" \
	    -s "$TMP/bird.ctl" -P "$TMP/bird.pid"
	bird_pid=$STARTED_PID
	wait_until 60 birdc_ show status >/dev/null 2>&1 || true
	start_bg evbgpd "$TMP/evbgpd-$name.log" env exabgp_api_cli=false \
	    exabgp_daemon_user=root \
	    exabgp_log_level=DEBUG "$EVBGPD" "$TMP/evbgpd.conf"
	dut_pid=$STARTED_PID
	if [ "$expect" = up ]; then
		if wait_until 90 bird_established; then
			if wait_until 60 eval 'birdc_ show route protocol dut |
			    grep -q 203.0.113.0/24'; then
				pass "$name: session up and the route arrived"
			else
				fail "$name: session up but no route"
			fi
		else
			fail "$name: no session within 90 s"
			show_file "$TMP/evbgpd-$name.log"
		fi
	else
		# evidence first: evbgpd did try (a busy machine may take a
		# while to get there), then NO_SESSION_WAIT seconds of trying,
		# then an answer from BIRD that shows no session
		local state=''
		if ! wait_until 60 grep -q 'connecting to port 179' \
		    "$TMP/evbgpd-$name.log"; then
			fail "$name: evbgpd made no connection attempt within 60 s"
		else
			sleep "$NO_SESSION_WAIT"
			wait_until 60 eval 'state=$(birdc_ show protocols dut \
			    2>/dev/null | awk '\''$1 == "dut"'\''); [ -n "$state" ]' ||
			    true
			if [ -z "$state" ]; then
				fail "$name: BIRD did not answer birdc within 60 s"
			elif echo "$state" | grep -q Established; then
				fail "$name: a session came up"
			else
				pass "$name: no session after ${NO_SESSION_WAIT} s of attempts ($state)"
			fi
		fi
	fi
	stop_pid "$dut_pid" 5
	stop_pid "$bird_pid" 5
}

port_free "$BIRD_ADDR" 179 || {
	fail "port 179 on $BIRD_ADDR is taken"
	finish
}
run_case "md5+gtsm" on "$KEY" 255 up
run_case "wrong md5 key" on "wrong-key" 255 down
run_case "gtsm: peer sends ttl 64" off "$KEY" 255 down
finish
