#!/usr/bin/env bash
# Interop tests: the daemon under test against BIRD 2, GoBGP 3 and FRR 8, one after the other,
# all on loopback addresses (127.0.0.11-21), each peer with its own temp dir.
#
#   scripts/test-interop.sh [bird] [gobgp] [frr] [security] [bulk] [flowspec] [vpn] [l2vpn]   (default: all)
#
#   EVBGPD=/path/evbgpd      daemon under test (default build/evbgpd)
#   EVBGP_STANDIN=exabgp     use ExaBGP 4.2 (/usr/sbin/exabgp) as a stand-in daemon
#   RECEIVE_CHECK=auto|json|log  check (c) via the JSON an API process gets, or the DEBUG log;
#                            auto (default): JSON once the daemon wrote any, else the log
#   HOLD_TIME=9              hold time; check (d) waits 3 x HOLD_TIME
#   KEEP_TMP=1               keep temp dirs (kept anyway when a check failed)
#
# Prints PASS/FAIL/SKIP lines and a last line "N passed, M failed[, K skipped]"; exits 1 on any
# failure. Needs root (port 179) and the packages from scripts/setup.sh.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEER_TIMEOUT=${PEER_TIMEOUT:-180} # seconds per peer script, a hard bound

peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(bird gobgp frr security bulk flowspec vpn l2vpn)

passed=0
failed=0
skipped=0
out=$(mktemp "${TMPDIR:-/tmp}/evbgp-interop-out.XXXXXX")
trap 'rm -f "$out"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "note: not root; the peers need to listen on port 179 (PEER_PORT=... to change)" >&2
fi
if [ -n "${EVBGP_STANDIN:-}" ]; then
	echo "interop: daemon under test: $EVBGP_STANDIN (stand-in)"
else
	echo "interop: daemon under test: ${EVBGPD:-$REPO/build/evbgpd}"
fi

for p in "${peers[@]}"; do
	script=$REPO/tests/interop/$p.sh
	if [ ! -f "$script" ]; then
		echo "FAIL $p: no such peer script $script"
		failed=$((failed + 1))
		continue
	fi
	echo "=== $p"
	rc=0
	timeout --kill-after=30 "$PEER_TIMEOUT" bash "$script" 2>&1 | tee "$out" || rc=$?
	np=$(grep -c '^PASS ' "$out" || true)
	nf=$(grep -c '^FAIL ' "$out" || true)
	ns=$(grep -c '^SKIP ' "$out" || true)
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "FAIL $p: peer script timed out after ${PEER_TIMEOUT}s"
		else
			echo "FAIL $p: peer script aborted (exit $rc)"
		fi
		nf=1
	fi
	passed=$((passed + np))
	failed=$((failed + nf))
	skipped=$((skipped + ns))
done

echo "==="
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
