#!/usr/bin/env bash
# Integration test 3: evbgpd as a route-server sidecar.
#
# BIRD on 127.0.0.54 sends 100,000 routes (10.0.0.0/32 ... 10.1.134.159/32, same attributes,
# so BIRD packs them into few UPDATEs) to evbgpd (127.0.0.51). A JSON helper
# (helpers/json-counter.py) counts the announced NLRI. Checks:
#   - the helper counts 100,000 announced NLRI (100,000 distinct prefixes) within 120 s;
#   - every line it got parses as a JSON object;
#   - the session stays up, also for a hold time after the burst (BIRD's and evbgpd's
#     logged session counters unchanged);
#   - `evbgpctl show adj-rib in` lists 100,000 routes, `show adj-rib in json` parses into
#     an array of 100,000 objects.
#   SIDECAR_ROUTES=N changes the number of routes.
set -euo pipefail
PEER_NAME=sidecar
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${SIDECAR_BIRD_ADDR:-127.0.0.54}
N=${SIDECAR_ROUTES:-100000}

main() {
	integ_require || return 0
	integ_routes "$N" >"$TMP/routes.conf"
	integ_bird_conf "$TMP/routes.conf"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	mkdir -p "$TMP/h"
	{
		echo "process sidecar {"
		echo "    run $INTEG_HELPERS/json-counter.py $TMP/h;"
		echo "    encoder json;"
		echo "}"
		integ_neighbor sidecar
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	local t0
	t0=$(now_ms)
	if ! wait_dut 120 bird_established; then
		fail "session with BIRD not Established within 120s"
		integ_diag
		return 0
	fi
	session_mark
	note "Established ($SESSION_MARK); waiting for $N routes at the helper"

	# 1. the helper counts every route
	if wait_dut 240 stat_ge "$TMP/h" announced "$N"; then
		local ms=$(($(now_ms) - t0))
		pass "helper counted $(hstat "$TMP/h" announced) announced NLRI ($(hstat "$TMP/h" prefixes) distinct) in $(hstat "$TMP/h" types.update) update lines, $((ms / 1000)).$((ms % 1000 / 100))s after start"
	else
		fail "helper counted $(hstat "$TMP/h" announced) of $N announced NLRI within 240s (evbgpd routes-in: $(dut_routes_in))"
		integ_diag
	fi

	# 2. every line is JSON
	local lines bad
	lines=$(hstat "$TMP/h" lines)
	bad=$(hstat "$TMP/h" bad)
	if [ "$lines" -gt 0 ] && [ "$bad" -eq 0 ]; then
		pass "all $lines lines the helper got parse as JSON objects"
	else
		fail "$bad of $lines lines the helper got are not JSON objects:"
		show_file "$TMP/h/bad.txt"
	fi

	# 3. adj-rib in, text and JSON
	local n_text
	if ctl show adj-rib in >"$TMP/adj-in.txt" 2>"$TMP/adj-in.err"; then
		n_text=$(grep -c '10\.[0-9.]*/32' "$TMP/adj-in.txt" || true)
		if [ "$n_text" -eq "$N" ]; then
			pass "evbgpctl show adj-rib in lists $n_text routes ($(wc -l <"$TMP/adj-in.txt") lines)"
		else
			fail "evbgpctl show adj-rib in lists $n_text routes, want $N"
			head -n 5 "$TMP/adj-in.txt" | show_file
		fi
	else
		fail "evbgpctl show adj-rib in failed:"
		show_file "$TMP/adj-in.err"
	fi
	local out
	if ctl show adj-rib in json >"$TMP/adj-in.json" 2>"$TMP/adj-in-json.err" &&
		out=$("$PYTHON" - "$TMP/adj-in.json" "$N" "$BIRD_ADDR" <<'EOF'
import json, sys
docs = [l for l in open(sys.argv[1]) if l.strip()]
if len(docs) != 1:
    print("want one line holding one JSON document, got %d lines" % len(docs)); sys.exit(1)
a = json.loads(docs[0])
if not isinstance(a, list):
    print("not an array"); sys.exit(1)
pfx = {r.get("prefix") for r in a if isinstance(r, dict) and r.get("neighbor") == sys.argv[3]
       and r.get("family") == "ipv4 unicast"}
if len(a) != int(sys.argv[2]) or len(pfx) != int(sys.argv[2]):
    print("%d objects, %d distinct prefixes from %s, want %s" % (len(a), len(pfx), sys.argv[3], sys.argv[2])); sys.exit(1)
print("%d objects, %d distinct prefixes, e.g. %s" % (len(a), len(pfx), json.dumps(a[0])[:160]))
EOF
		); then
		pass "evbgpctl show adj-rib in json parses: $out"
	else
		fail "evbgpctl show adj-rib in json: ${out:-command failed}"
		show_file "$TMP/adj-in-json.err"
	fi

	# 4. the session stayed up the whole time, including a hold time after the burst
	# (watched for that long: a reset shows in either side's session counters)
	local settle=$((HOLD_TIME + 2)) t1
	note "watching the session for ${settle}s (hold time + 2); evbgpd VmRSS $(($(rss_kib "$DUT_PID") / 1024)) MiB"
	t1=$(date +%s)
	while [ $(($(date +%s) - t1)) -lt "$settle" ] && same_session && dut_alive; do
		sleep 0.5
	done
	local drops
	drops=$(dut_session_drops)
	if dut_alive && same_session && [ -z "$drops" ]; then
		pass "session stayed Established throughout ($(session_counters), as at the start)"
	else
		fail "session flapped: $SESSION_MARK -> $(session_counters); evbgpd: ${drops:-no session-down line}"
		integ_diag
	fi
	integ_stop
}

main
finish
