#!/usr/bin/env bash
# Build the libFuzzer targets (one per input surface, fuzz/README.md) with
# clang in their own build directory and run each for SECONDS (default
# 60), JOBS at a time (default: the number of CPUs, at most 2). Exits
# non-zero on any crash, leak, sanitizer report or broken oracle; the
# reproducer is left in the build directory (crash-*, leak-*, timeout-*)
# and the tail of that target's log is printed.
#
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
#
# TARGET is decode, nlri, api, exec, config, encode, healthcheck, env
# or metrics (default: all).
# Seeds: fuzz/corpus/TARGET (committed, from our tests) and, when the
# conformance kit is present (EXAQA_KIT, default ../shared/exabgp-qa),
# inputs made from its messages, API lines and configurations at run time.
# New inputs go to fuzz/corpus-run/TARGET (git-ignored) and are reused by
# the next run. A long campaign is the same command with more seconds:
#   FUZZ_JOBS=1 scripts/fuzz-smoke.sh 3600 config
set -uo pipefail

secs=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EVBGP_FUZZ_BUILD:-"$root/build-fuzz"}
kit=${EXAQA_KIT:-"$root/../shared/exabgp-qa"}
all=(decode nlri api exec config encode healthcheck env metrics)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
ncpu=$(nproc 2>/dev/null || echo 2)
jobs=${FUZZ_JOBS:-$((ncpu < 2 ? ncpu : 2))}

# the longest input per target (bytes)
max_len() {
	case $1 in
	config) echo 16384 ;;
	api | exec | healthcheck | env) echo 4096 ;;
	*) echo 8192 ;;
	esac
}

for t in "${targets[@]}"; do
	case " ${all[*]} " in
	*" $t "*) ;;
	*)
		echo "fuzz-smoke: unknown target '$t' (${all[*]})" >&2
		exit 2
		;;
	esac
done

CC=clang cmake -S "$root" -B "$build" -DEVBGP_FUZZ=ON -DEVBGP_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$build" -j"$ncpu" $(printf -- '--target fuzz_%s ' \
    "${targets[@]}") || exit 1

kitseeds="$build/seeds-kit"
if [ -d "$kit/cases" ] && [ ! -d "$kitseeds" ]; then
	python3 "$root/fuzz/seed.py" "$kitseeds" --kit "$kit" || exit 1
fi

run_one() {
	local t=$1 log="$build/fuzz_$1.log" dirs
	mkdir -p "$root/fuzz/corpus-run/$t"
	dirs=("$root/fuzz/corpus-run/$t" "$root/fuzz/corpus/$t")
	[ -d "$kitseeds/$t" ] && dirs+=("$kitseeds/$t")
	# new inputs go to the first directory; the seeds stay as they are.
	# An input takes milliseconds: -timeout catches a hang, and is long
	# enough that a machine busy elsewhere is not taken for one (a
	# 10 s bound fired once under load on an input that takes 4 ms)
	"$build/fuzz/fuzz_$t" -max_total_time="$secs" \
	    -max_len="$(max_len "$t")" -timeout=60 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$build/fuzz_$t-" \
	    "${dirs[@]}" >"$log" 2>&1
}

# Print what this run left for target t (crash-*, leak-*, timeout-*,
# oom-*, slow-unit-*): its name, and its bytes as base64 when small, so
# that a CI log alone is enough to replay it (base64 -d > f; fuzz_T f).
reproducers() {
	local f size
	for f in "$build/fuzz_$1-"*; do
		[ -f "$f" ] || continue
		[ "$f" -nt "$stamp" ] || continue
		size=$(stat -c %s "$f")
		echo "reproducer: $f ($size bytes)"
		if [ "$size" -le 8192 ]; then
			echo "base64 of it:"
			base64 -w 76 "$f"
		fi
	done
}

stamp="$build/.fuzz-smoke-start"
: >"$stamp"
declare -A pid_of=()
rc=0
summary() {
	local t=$1 status=$2 log="$build/fuzz_$1.log" execs cov
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	if [ "$status" -eq 0 ]; then
		echo "fuzz_$t: ok, ${execs:-?} runs in ${secs} s, ${cov:-?}"
	else
		echo "fuzz_$t: FAILED (status $status), log $log:"
		grep -E 'ERROR|SUMMARY|promise|abort|Test unit written' "$log" |
		    head -20
		tail -5 "$log"
		reproducers "$t"
		rc=1
	fi
}

queue=("${targets[@]}")
running=()
while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
	while [ ${#queue[@]} -gt 0 ] && [ ${#running[@]} -lt "$jobs" ]; do
		t=${queue[0]}
		queue=("${queue[@]:1}")
		run_one "$t" &
		pid_of[$t]=$!
		running+=("$t")
	done
	# wait for the first of the running ones to finish, in order
	t=${running[0]}
	running=("${running[@]:1}")
	wait "${pid_of[$t]}"
	summary "$t" $?
done
exit $rc
