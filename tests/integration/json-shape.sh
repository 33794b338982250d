#!/usr/bin/env bash
# Integration test 5: a helper receives BIRD's routes as JSON with ExaBGP 4.x's exact shape.
#
# BIRD on 127.0.0.56 announces 3 routes to evbgpd (127.0.0.51); a JSON helper
# (helpers/json-counter.py --save) records every line evbgpd writes to it. Checks:
#   - every line is a JSON object, and the update carries exabgp "4.0.1", type "update",
#     neighbor.address.peer/local, neighbor.asn, direction "receive", time/host/pid/ppid/counter,
#     and announce["ipv4 unicast"][<next-hop>][].nlri with all 3 prefixes;
#   - (when /usr/sbin/exabgp exists) the key tree of the update object equals the one
#     ExaBGP 4.2 itself writes to the same helper for the same BIRD routes.
set -euo pipefail
PEER_NAME=json-shape
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${JSON_SHAPE_BIRD_ADDR:-127.0.0.56}
PREFIXES='10.0.0.0/32 10.0.0.1/32 10.0.0.2/32'

main() {
	integ_require || return 0
	integ_routes 3 >"$TMP/routes.conf"
	integ_bird_conf "$TMP/routes.conf"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	mkdir -p "$TMP/h"
	{
		echo "process recorder {"
		echo "    run $INTEG_HELPERS/json-counter.py --save $TMP/h;"
		echo "    encoder json;"
		echo "}"
		integ_neighbor recorder
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	if ! wait_dut 30 bird_established; then
		fail "session with BIRD not Established within 30s"
		integ_diag
		return 0
	fi
	if ! wait_dut 20 stat_ge "$TMP/h" announced 3; then
		fail "helper got $(hstat "$TMP/h" announced) of 3 announced routes within 20s"
		integ_diag
		return 0
	fi
	local out
	# shellcheck disable=SC2086 # one argument per prefix
	if out=$("$PYTHON" "$INTEG_HELPERS/json-shape.py" check "$TMP/h/lines.json" \
		"$BIRD_ADDR" "$DUT_ADDR" "$PEER_AS" "$DUT_AS" $PREFIXES); then
		pass "ExaBGP 4.x JSON shape: $out"
	else
		fail "JSON the helper got is not ExaBGP 4.x's shape:"
		printf '%s\n' "$out" | show_file
		note "first update object:"
		show_file "$TMP/h/first-update.json"
	fi
	stop_pid "$DUT_PID" 10

	differential
	integ_stop
}

# The same helper behind ExaBGP 4.2 (same config, same BIRD): the update objects must have
# the same key tree (abstracting values such as time, pid and next hop).
differential() {
	if [ ! -x "$EXABGP" ]; then
		note "no $EXABGP: differential check against ExaBGP skipped"
		return 0
	fi
	mkdir -p "$TMP/x"
	sed "s|$TMP/h|$TMP/x|" "$TMP/dut.conf" >"$TMP/exabgp.conf"
	start_bg exabgp "$TMP/exabgp.log" env \
		exabgp_log_enable=true exabgp_log_level=INFO exabgp_log_destination=stdout \
		exabgp_daemon_daemonize=false exabgp_daemon_user=root exabgp_daemon_drop=false \
		exabgp_api_cli=false "$EXABGP" "$TMP/exabgp.conf"
	local xpid=$STARTED_PID
	if ! wait_until 40 stat_ge "$TMP/x" announced 3; then
		fail "differential: ExaBGP's helper got no update within 40s (reference unavailable)"
		show_file "$TMP/exabgp.log"
		stop_pid "$xpid" 10
		return 0
	fi
	stop_pid "$xpid" 10
	"$PYTHON" "$INTEG_HELPERS/json-shape.py" keys "$TMP/h/lines.json" >"$TMP/keys-evbgpd.txt"
	"$PYTHON" "$INTEG_HELPERS/json-shape.py" keys "$TMP/x/lines.json" >"$TMP/keys-exabgp.txt"
	if cmp -s "$TMP/keys-evbgpd.txt" "$TMP/keys-exabgp.txt"; then
		pass "differential: the update object has ExaBGP 4.2's key tree ($(wc -l <"$TMP/keys-exabgp.txt") paths)"
	else
		fail "differential: update key tree differs from ExaBGP 4.2's (- exabgp, + evbgpd):"
		diff -u "$TMP/keys-exabgp.txt" "$TMP/keys-evbgpd.txt" | tail -n +3 | show_file || true
	fi
}

main
finish
