#!/usr/bin/env bash
# End-to-end tests of evbgpd's helper processes against a real BIRD 2, one after the other,
# on loopback addresses 127.0.0.51-59 only (evbgpd .51; BIRD .52 kill-helper, .53
# stopped-helper, .54 sidecar, .55 exabgp-healthcheck, .56 json-shape).
#
#   scripts/test-integration.sh [TEST...]      TEST = a name under tests/integration/
#                                               (default: all, about 2.5 minutes)
#
#   EVBGPD, EVBGPCTL    binaries under test (default build/evbgpd, build/evbgpctl)
#   INTEG_TIMEOUT=600   hard bound per test script, seconds (a hang, not a slow machine)
#   HOLD_TIME=9         hold time of both sides
#   KEEP_TMP=1          keep temp dirs (kept anyway when a check failed)
#   more knobs at the top of each test script (KILL_HELPERS, KILL_ROUNDS, STOP_SECONDS,
#   RSS_LIMIT_MIB, SIDECAR_ROUTES, ...)
#
# Prints PASS/FAIL lines and a last line "N passed, M failed"; exits 1 on any failure.
# Needs root (BIRD on port 179), bird2, python3 and exabgp (scripts/setup.sh), and a build.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INTEG_TIMEOUT=${INTEG_TIMEOUT:-600}

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(json-shape sidecar exabgp-healthcheck stopped-helper kill-helper)

passed=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/evbgp-integ-out.XXXXXX")
trap 'rm -f "$out"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "note: not root; BIRD needs to listen on port 179 of 127.0.0.5x" >&2
fi
echo "integration: evbgpd under test: ${EVBGPD:-$REPO/build/evbgpd}"
t0=$(date +%s)

for t in "${tests[@]}"; do
	t=${t%.sh}
	script=$REPO/tests/integration/$t.sh
	if [ ! -f "$script" ]; then
		echo "FAIL $t: no such test script $script"
		failed=$((failed + 1))
		continue
	fi
	echo "=== $t"
	rc=0
	ts=$(date +%s)
	timeout --kill-after=30 "$INTEG_TIMEOUT" bash "$script" 2>&1 | tee "$out" || rc=$?
	np=$(grep -c '^PASS ' "$out" || true)
	nf=$(grep -c '^FAIL ' "$out" || true)
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "FAIL $t: test script timed out after ${INTEG_TIMEOUT}s"
		else
			echo "FAIL $t: test script aborted (exit $rc)"
		fi
		nf=1
	elif [ "$rc" -eq 0 ] && [ "$np" -eq 0 ]; then
		echo "FAIL $t: test script checked nothing"
		nf=1
	fi
	echo "--- $t: $(($(date +%s) - ts))s"
	passed=$((passed + np))
	failed=$((failed + nf))
done

echo "=== integration: $(($(date +%s) - t0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
