#!/usr/bin/env bash
# shellcheck disable=SC2016 # eval strings expand when evaluated
# Integration test 5: a helper receives BIRD's routes as JSON with ExaBGP 4.x's exact shape.
#
# BIRD on 127.0.0.56 announces 3 routes to evbgpd (127.0.0.51); a JSON helper
# (helpers/json-counter.py --save, under helpers/no-term.sh so that it reads to the end of
# input at shutdown) records every line evbgpd writes to it. Checks:
#   - every line is a JSON object, and the update carries exabgp "4.0.1", type "update",
#     neighbor.address.peer/local, neighbor.asn, direction "receive", time/host/pid/ppid/counter,
#     and announce["ipv4 unicast"][<next-hop>][].nlri with all 3 prefixes;
#   - (when /usr/sbin/exabgp exists) the key trees of the objects (state connected/up/down,
#     update, End-of-RIB, shutdown notification) equal the ones ExaBGP 4.2 itself writes to the same helper for the
#     same BIRD routes.
# A second helper with the default SIGTERM action ("plain") shows whether a helper that does
# not ignore SIGTERM still hears the final "down" state and "shutdown" notification at
# evbgpd's shutdown (ExaBGP 4.2's does): a note by default, a check with
# EXPECT_SHUTDOWN_EVENTS=1.
set -euo pipefail
PEER_NAME=json-shape
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${JSON_SHAPE_BIRD_ADDR:-127.0.0.56}
PREFIXES='10.0.0.0/32 10.0.0.1/32 10.0.0.2/32'
EXPECT_SHUTDOWN_EVENTS=${EXPECT_SHUTDOWN_EVENTS:-0}

# "yes" when the helper's saved lines hold the shutdown notification
heard_shutdown() {
	if grep -q '"notification" *: *"shutdown"' "$1/lines.json" 2>/dev/null; then echo yes; else echo no; fi
}

main() {
	integ_require || return 0
	integ_routes 3 >"$TMP/routes.conf"
	integ_bird_conf "$TMP/routes.conf"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	mkdir -p "$TMP/h" "$TMP/p"
	{
		echo "process recorder {"
		echo "    run $INTEG_HELPERS/no-term.sh $INTEG_HELPERS/json-counter.py --save $TMP/h;"
		echo "    encoder json;"
		echo "}"
		echo "process plain { run $INTEG_HELPERS/json-counter.py --save $TMP/p; encoder json; }"
		integ_neighbor recorder plain
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	if ! wait_dut 120 bird_established; then
		fail "session with BIRD not Established within 120s"
		integ_diag
		return 0
	fi
	if ! wait_dut 120 stat_ge "$TMP/h" announced 3; then
		fail "helper got $(hstat "$TMP/h" announced) of 3 announced routes within 120s"
		integ_diag
		return 0
	fi
	wait_dut 60 stat_ge "$TMP/h" eor 1 || note "no End-of-RIB from BIRD within 60s"
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
	wait_until 30 eval '[ "$(hstat "$TMP/h" eof)" = True ]' || true

	differential
	local ev ex
	ev=$(heard_shutdown "$TMP/p")
	ex=$(heard_shutdown "$TMP/xp")
	if [ "$EXPECT_SHUTDOWN_EVENTS" = 1 ]; then
		check "a helper with the default SIGTERM action hears the shutdown notification at evbgpd's shutdown (evbgpd: $ev, ExaBGP 4.2: $ex)" [ "$ev" = yes ]
	else
		note "helper with the default SIGTERM action heard the shutdown notification: evbgpd $ev, ExaBGP 4.2 $ex"
	fi
	integ_stop
}

# The same helper behind ExaBGP 4.2 (same config, same BIRD): each kind of object must have
# the same key tree (abstracting values such as time, pid and next hop).
differential() {
	if [ ! -x "$EXABGP" ]; then
		note "no $EXABGP: differential check against ExaBGP skipped"
		return 0
	fi
	mkdir -p "$TMP/x" "$TMP/xp"
	sed "s|$TMP/h;|$TMP/x;|; s|$TMP/p;|$TMP/xp;|" "$TMP/dut.conf" >"$TMP/exabgp.conf"
	start_bg exabgp "$TMP/exabgp.log" env \
		exabgp_log_enable=true exabgp_log_level=INFO exabgp_log_destination=stdout \
		exabgp_daemon_daemonize=false exabgp_daemon_user=root exabgp_daemon_drop=false \
		exabgp_api_cli=false "$EXABGP" "$TMP/exabgp.conf"
	local xpid=$STARTED_PID
	if ! wait_until 120 stat_ge "$TMP/x" eor 1; then
		fail "differential: ExaBGP's helper got no update within 120s (reference unavailable)"
		show_file "$TMP/exabgp.log"
		stop_pid "$xpid" 10
		return 0
	fi
	stop_pid "$xpid" 10
	wait_until 30 eval '[ "$(hstat "$TMP/x" eof)" = True ]' || true
	"$PYTHON" "$INTEG_HELPERS/json-shape.py" keys "$TMP/h/lines.json" >"$TMP/keys-evbgpd.txt"
	"$PYTHON" "$INTEG_HELPERS/json-shape.py" keys "$TMP/x/lines.json" >"$TMP/keys-exabgp.txt"
	if cmp -s "$TMP/keys-evbgpd.txt" "$TMP/keys-exabgp.txt"; then
		pass "differential: objects have ExaBGP 4.2's key trees ($(cut -d' ' -f1 "$TMP/keys-exabgp.txt" | sort -u | paste -sd' '); $(wc -l <"$TMP/keys-exabgp.txt") paths)"
	else
		fail "differential: key trees differ from ExaBGP 4.2's (- exabgp, + evbgpd):"
		diff -u "$TMP/keys-exabgp.txt" "$TMP/keys-evbgpd.txt" | tail -n +3 | show_file || true
	fi
}

main
finish
