#!/usr/bin/env bash
# The whole test suite, from a fresh clone (this is what CI runs):
#   1. install the build and test dependencies (scripts/setup.sh)
#   2. build with -Werror, check the layering (scripts/check-layering.sh:
#      its self-test, then the tree and its objects) and run the Check
#      unit suites (ctest)
#   3. build with ASan+UBSan and run the unit suites again
#   4. fuzz every input surface (messages, API lines and running them,
#      configuration, helper events, healthcheck options, exabgp.*
#      settings, the metrics endpoint) for FUZZ_SECONDS each (default
#      40), two targets at a time (fuzz/README.md)
#   5. the hostile-peer suite: a raw BGP speaker of our own against
#      evbgpd, in network namespaces it creates (tests/hostile/run.sh;
#      skipped, saying why, without root or ip netns)
#   6. the ExaBGP conformance kit (when ../shared/exabgp-qa is present)
#   7. interop on loopback with BIRD 2, GoBGP and FRR (and TCP-MD5/GTSM)
#   8. helper processes against BIRD: kill -9 x100, a stopped helper under
#      100,000 routes, route-server sidecar, ExaBGP's own healthcheck
#   9. the shipped deployments end to end (anycast, RTBH, sidecar, systemd)
#  10. the Debian package: built by CPack, installed into a Debian 12 tree
#      booted with systemd-nspawn, started, reloaded, stopped, purged
#      (tests/package/run.sh)
# Each step prints its own results, also kept in build-logs/STEP.log; a
# failed step's lines that say why (FAIL, ERROR, a sanitizer SUMMARY, a
# fuzz reproducer) are printed again at the end, so that the tail of a CI
# log names the cause. The last line is "N passed, M failed" over the
# steps. Exit status 0 only if all passed.
#
# Skip steps with SKIP="fuzz interop ..." (names: unit asan fuzz hostile
# conformance interop integration deploy package).
#
#   scripts/test.sh                 everything, as CI (setup first)
#   scripts/test.sh STEP [STEP...]  only those steps, in the order given
#                                   (no setup unless SETUP=1: the
#                                   dependencies are assumed installed)
#   scripts/test.sh --list          the step names
# tests/README.md says which suite covers what and how to run one case.
set -uo pipefail

all_steps="unit asan fuzz hostile conformance interop integration deploy package"

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
skip=" ${SKIP:-} "
passed=0
failed=0
skipped=0
failures=()
logs="$repo/build-logs"

# The lines of a failed step's log that say why, for the end of the output.
why_failed() {
	local log="$logs/$1.log"
	echo "--- why $1 failed (from $log):"
	grep -E 'FAIL|ERROR|SUMMARY|[Aa]bort|Test unit written|not ok|Timeout|[0-9]+ failed' \
	    "$log" | grep -Ev '(^|[^0-9])0 failed' | tail -40
	# a fuzz reproducer's bytes (scripts/fuzz-smoke.sh prints them)
	awk '/^reproducer: /{on=1; print; next}
	    on && /^base64 of it:$/ {print; next}
	    on && /^[A-Za-z0-9+\/=]+$/ {print; next}
	    {on=0}' "$log" | head -200
	echo "--- its last lines:"
	tail -15 "$log"
}

step() {
	local name=$1
	shift
	if [[ $skip == *" $name "* ]]; then
		echo "=== $name: skipped (SKIP)"
		skipped=$((skipped + 1))
		return
	fi
	echo "=== $name"
	local t0=$SECONDS
	mkdir -p "$logs"
	: >"$logs/$name.log"
	# a process substitution, not a pipe: the step runs in this shell, and
	# a daemon a test leaves holding its output cannot make us wait
	if "$@" > >(tee -a "$logs/$name.log") 2>&1; then
		passed=$((passed + 1))
		echo "=== $name: ok ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "=== $name: FAILED ($((SECONDS - t0)) s)"
	fi
}

build() {
	local dir=$1
	shift
	cmake -S . -B "$dir" -DEVBGP_WERROR=ON "$@" >/dev/null &&
	    cmake --build "$dir" -j"$jobs"
}

unit() {
	build build &&
	    scripts/check-layering.sh --self-test build &&
	    scripts/check-layering.sh build &&
	    (cd build && ctest --output-on-failure -j"$jobs")
}

asan() {
	build build-asan -DEVBGP_SANITIZE=ON &&
	    (cd build-asan &&
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j"$jobs")
}

fuzz() {
	scripts/fuzz-smoke.sh "${FUZZ_SECONDS:-40}"
}

hostile() {
	tests/hostile/run.sh build
}

conformance() {
	local rc=0
	export EXAQA_HEALTHCHECK="$repo/build/evbgp-healthcheck"
	scripts/conformance.sh || rc=1
	scripts/conformance.sh --receive || rc=1
	return $rc
}

interop() {
	RECEIVE_CHECK=json scripts/test-interop.sh
}

integration() {
	EXPECT_OVERFLOW_EVENT=1 EXPECT_SHUTDOWN_EVENTS=1 \
	    scripts/test-integration.sh
}

deploy() {
	tests/deploy/run-all.sh build
}

# Exit 77 (cannot run here) counts as failed under CI, as in deploy.
package() {
	local rc
	tests/package/run.sh
	rc=$?
	if [ $rc = 77 ] && [ "${CI:-}" != true ]; then
		return 0
	fi
	return $rc
}

case "${1:-}" in
-h | --help)
	sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
	exit 0
	;;
--list)
	echo "$all_steps"
	exit 0
	;;
esac
steps=("$@")
for s in "${steps[@]}"; do
	if [[ " $all_steps " != *" $s "* ]]; then
		echo "unknown step '$s' (steps: $all_steps)" >&2
		exit 2
	fi
done
if [ ${#steps[@]} -eq 0 ] || [ "${SETUP:-0}" = 1 ]; then
	if ! scripts/setup.sh; then
		echo "setup failed: cannot install the dependencies"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
[ ${#steps[@]} -gt 0 ] || read -r -a steps <<<"$all_steps"
for s in "${steps[@]}"; do
	step "$s" "$s"
done

echo
if [ $failed -gt 0 ]; then
	for s in "${failures[@]}"; do
		why_failed "$s"
	done
	echo "failed steps: ${failures[*]}"
fi
if [ $skipped -gt 0 ]; then
	echo "steps: $passed passed, $failed failed, $skipped skipped"
else
	echo "steps: $passed passed, $failed failed"
fi
[ $failed -eq 0 ]
