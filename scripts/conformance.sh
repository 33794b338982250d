#!/usr/bin/env bash
# Run the ExaBGP conformance kit (../shared/exabgp-qa) against build/evbgpd.
#
#   scripts/conformance.sh [--receive] [CASE-PATTERN...]
#
# Cases listed in tests/conformance/differences.txt differ from ExaBGP on
# purpose: the kit's version of such a case is not run; where we have our
# own expectation for it (tests/conformance/cases/*/*.case, the kit's .ci
# format), that one is run instead and must pass. Every other failure is a bug. Prints the kit's
# per-case lines and ends with "N passed, M failed[, K skipped]".
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
kit=${EXAQA_KIT:-$repo/../shared/exabgp-qa}
daemon=${EVBGPD:-$repo/build/evbgpd}
diffs=$repo/tests/conformance/differences.txt
own_cases=$repo/tests/conformance/cases
mode=()
if [ "${1:-}" = "--receive" ]; then
	mode=(--receive)
	shift
fi
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('*')

if [ ! -x "$kit/run-conformance" ]; then
	echo "SKIP conformance: the kit is not at $kit (set EXAQA_KIT)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ ! -x "$daemon" ]; then
	echo "conformance: $daemon not built" >&2
	exit 1
fi

direction=send
[ ${#mode[@]} -eq 0 ] || direction=receive
# case names that differ on purpose in this direction
mapfile -t differ < <(grep -v '^[[:space:]]*#' "$diffs" |
    awk -v d="$direction" 'NF && $2 == d {print $1}')

is_different() {
	local c
	for c in "${differ[@]}"; do
		[ "$c" = "$1" ] && return 0
	done
	return 1
}

# the kit's cases matching the patterns, minus the deliberate differences
mapfile -t all < <("$kit/run-conformance" --list |
    awk -v d="$direction" '$3 ~ d {print $1}')
selected=()
for name in "${all[@]}"; do
	for pat in "${patterns[@]}"; do
		# shellcheck disable=SC2053
		if [[ $name == $pat ]]; then
			is_different "$name" || selected+=("$name")
			break
		fi
	done
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
if [ ${#selected[@]} -gt 0 ]; then
	EXAQA_HEALTHCHECK=${EXAQA_HEALTHCHECK:-} "$kit/run-conformance" \
	    --daemon "$daemon" "${mode[@]}" --jobs 2 --only "${selected[@]}" \
	    | tee "$out" || status=$?
fi
# our own expectations for the cases that differ on purpose: kept as
# *.case files (they are ours, not the kit's), run as the kit's .ci cases
if [ ${#mode[@]} -eq 0 ] && [ -d "$own_cases" ] &&
    find "$own_cases" -name '*.case' | grep -q .; then
	own_tmp=$(mktemp -d)
	mkdir -p "$own_tmp/encoding"
	for c in "$own_cases"/*/*.case; do
		cp "$c" "$own_tmp/encoding/$(basename "${c%.case}").ci"
	done
	"$kit/run-conformance" --daemon "$daemon" --cases "$own_tmp" \
	    --jobs 2 | sed 's/^\(PASS\|FAIL\|SKIP\) /\1 evbgp:/' \
	    | tee -a "$out" || status=$?
	rm -rf "$own_tmp"
fi
passed=$(grep -c '^PASS' "$out" || true)
failed=$(grep -c '^FAIL' "$out" || true)
skipped=$(grep -c '^SKIP' "$out" || true)
echo "conformance${mode[*]:+ (receive)}: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
