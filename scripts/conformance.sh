#!/usr/bin/env bash
# Run the ExaBGP conformance kit (../shared/exabgp-qa) against build/evbgpd.
#
#   scripts/conformance.sh [--receive] [CASE-PATTERN...]
#
# Two lists in tests/conformance/ decide what a result means:
#   differences.txt  cases where we differ from ExaBGP on purpose: the kit's
#                    version is not run; our own expectation for it
#                    (tests/conformance/cases/*/*.case, the kit's .ci format,
#                    with configurations and helpers of our own, if any, in
#                    tests/conformance/etc and run) is run instead and must
#                    pass;
#   pending.txt      cases we do not pass yet (a ratchet): a listed case that
#                    fails is an expected failure; a listed case that passes
#                    is a failure until its line is removed; an unlisted case
#                    that fails is a failure.
# Prints the kit's per-case lines, a table of counts per family
# (families.txt), and ends with "conformance: N passed, M failed, ...".
# Exit status 0 only when nothing failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
kit=${EXAQA_KIT:-$repo/../shared/exabgp-qa}
daemon=${EVBGPD:-$repo/build/evbgpd}
lists=$repo/tests/conformance
own_cases=$lists/cases
mode=()
if [ "${1:-}" = "--receive" ]; then
	mode=(--receive)
	shift
fi
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('*')

if [ ! -x "$kit/run-conformance" ]; then
	echo "SKIP conformance: the kit is not at $kit (set EXAQA_KIT)"
	echo "conformance: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ ! -x "$daemon" ]; then
	echo "conformance: $daemon not built" >&2
	exit 1
fi

direction=send
[ ${#mode[@]} -eq 0 ] || direction=receive

# names listed in FILE for this direction (comments and blank lines out)
listed() {
	grep -v '^[[:space:]]*#' "$1" | awk -v d="$direction" 'NF && $2 == d {print $1}'
}
mapfile -t differ < <(listed "$lists/differences.txt")
mapfile -t pending < <(listed "$lists/pending.txt")

in_list() {
	local name=$1 c
	shift
	for c in "$@"; do
		[ "$c" = "$name" ] && return 0
	done
	return 1
}

matches() {
	local pat
	for pat in "${patterns[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

# family of a case: first matching pattern of families.txt, else unicast
family_of() {
	local pat fam
	while read -r pat fam _; do
		case $pat in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2053
		if [[ $1 == $pat ]]; then
			echo "$fam"
			return
		fi
	done <"$lists/families.txt"
	echo unicast
}

# the kit's cases for this direction, split: expected to pass / pending
all_list=$("$kit/run-conformance" --list)
mapfile -t all < <(awk -v d="$direction" '$3 ~ d {print $1}' <<<"$all_list")
mapfile -t nomode < <(awk '$3 == "-" {print $1}' <<<"$all_list")
run_ok=()
run_pending=()
for name in "${all[@]}"; do
	matches "$name" || continue
	in_list "$name" "${differ[@]}" && continue
	if in_list "$name" "${pending[@]}"; then
		run_pending+=("$name")
	else
		run_ok+=("$name")
	fi
done

out=$(mktemp)
pout=$(mktemp)
trap 'rm -f "$out" "$pout"' EXIT
status=0
kit_run() {
	EXAQA_HEALTHCHECK=${EXAQA_HEALTHCHECK:-} "$kit/run-conformance" \
	    --daemon "$daemon" "${mode[@]}" --jobs 2 "$@"
}
if [ ${#run_ok[@]} -gt 0 ]; then
	kit_run --only "${run_ok[@]}" | tee "$out" || status=$?
fi
# pending cases: no retry (they are expected to fail; a pass still counts)
if [ ${#run_pending[@]} -gt 0 ]; then
	kit_run --no-retry --only "${run_pending[@]}" |
	    sed 's/^FAIL /XFAIL /; s/^\([0-9]* passed, [0-9]* failed.*\)/(pending.txt cases: \1)/' |
	    tee "$pout" || true
fi
# our own expectations for the cases that differ on purpose: kept as
# *.case files (they are ours, not the kit's), run as the kit's .ci cases
if [ ${#mode[@]} -eq 0 ] && [ -d "$own_cases" ] &&
    find "$own_cases" -name '*.case' | grep -q .; then
	own_tmp=$(mktemp -d)
	# evbgpd started as root switches to exabgp.daemon.user (Debian's
	# exabgp.env sets one): our helpers must be reachable by that user
	chmod 755 "$own_tmp"
	mkdir -p "$own_tmp/encoding"
	for c in "$own_cases"/*/*.case; do
		cp "$c" "$own_tmp/encoding/$(basename "${c%.case}").ci"
	done
	# our own configurations and helpers, found before the kit's
	for sub in etc run; do
		[ -d "$lists/$sub" ] && cp -r "$lists/$sub" "$own_tmp/$sub"
	done
	"$kit/run-conformance" --daemon "$daemon" --cases "$own_tmp" \
	    --jobs 2 | sed 's/^\(PASS\|FAIL\|SKIP\) /\1 evbgp:/' \
	    | tee -a "$out" || status=$?
	rm -rf "$own_tmp"
fi

# a pending row naming a case the kit does not run in this direction
# is stale: the list must say only what is true
stale=0
for name in "${pending[@]}"; do
	if ! in_list "$name" "${all[@]}"; then
		echo "STALE $name: tests/conformance/pending.txt lists it for" \
		    "$direction, but the kit has no such case in that direction"
		stale=$((stale + 1))
	fi
done

now_passing=0
while read -r word name _; do
	[ "$word" = PASS ] || continue
	name=${name%:}
	echo "NOW PASSES $name: remove its $direction line from tests/conformance/pending.txt"
	now_passing=$((now_passing + 1))
done <"$pout"

# counts per family
declare -A fam_pass fam_xfail fam_fail fam_now fam_skip fams
count() { # ARRAY FAMILY
	local -n arr=$1
	arr[$2]=$((${arr[$2]:-0} + 1))
	fams[$2]=1
}
while read -r word name _; do
	name=${name%:}
	name=${name#evbgp:}
	case $word in
	PASS) count fam_pass "$(family_of "$name")" ;;
	FAIL) count fam_fail "$(family_of "$name")" ;;
	SKIP) count fam_skip "$(family_of "$name")" ;;
	*) ;;
	esac
done <"$out"
while read -r word name _; do
	name=${name%:}
	case $word in
	PASS) count fam_now "$(family_of "$name")" ;;
	XFAIL) count fam_xfail "$(family_of "$name")" ;;
	SKIP) count fam_skip "$(family_of "$name")" ;;
	*) ;;
	esac
done <"$pout"
# decoding files the kit cannot run (ExaBGP 5 reference JSON only)
unrun=0
if [ "$direction" = receive ]; then
	for name in "${nomode[@]}"; do
		matches "$name" || continue
		count fam_skip "$(family_of "$name")"
		unrun=$((unrun + 1))
	done
fi
echo
echo "conformance ($direction) by family: passed / expected failures (pending.txt) / failures / now passing / skipped"
for f in $(printf '%s\n' "${!fams[@]}" | sort); do
	printf '  %-20s %4d %4d %4d %4d %4d\n' "$f" "${fam_pass[$f]:-0}" \
	    "${fam_xfail[$f]:-0}" "${fam_fail[$f]:-0}" "${fam_now[$f]:-0}" \
	    "${fam_skip[$f]:-0}"
done
[ "$unrun" -eq 0 ] || echo "  (skipped includes $unrun decoding file(s) with ExaBGP 5 reference JSON only, which the kit does not run)"

passed=$(grep -c '^PASS' "$out" || true)
failed=$(grep -c '^FAIL' "$out" || true)
skipped=$(($(grep -c '^SKIP' "$out" || true) + $(grep -c '^SKIP' "$pout" || true) + unrun))
xfailed=$(grep -c '^XFAIL' "$pout" || true)
echo "conformance${mode[*]:+ (receive)}: $passed passed, $failed failed," \
    "$xfailed expected failures, $now_passing now passing (listed)," \
    "$stale stale, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && [ "$now_passing" -eq 0 ] &&
    [ "$stale" -eq 0 ]
