#!/bin/sh
# Build the libFuzzer targets with clang in their own build directory and
# run each (fuzz_decode, fuzz_nlri) for N seconds (default 60). Exits
# non-zero on a crash, leak or sanitizer report; the reproducer is left
# in the build directory.
#   scripts/fuzz-smoke.sh [seconds]
set -eu

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EVBGP_FUZZ_BUILD:-"$root/build-fuzz"}
corpus_run="$root/fuzz/corpus-run"

CC=clang cmake -S "$root" -B "$build" -DEVBGP_FUZZ=ON -DEVBGP_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# each target with its seeds: messages (fuzz/corpus), NLRI of every
# family (fuzz/corpus-nlri); new inputs go to fuzz/corpus-run/TARGET
# (git-ignored), the seeds stay as they are
for target in fuzz_decode fuzz_nlri; do
	case $target in
	fuzz_decode) seeds="$root/fuzz/corpus" ;;
	*) seeds="$root/fuzz/corpus-${target#fuzz_}" ;;
	esac
	cmake --build "$build" -j2 --target "$target"
	mkdir -p "$corpus_run/$target"
	"$build/fuzz/$target" -max_total_time="$secs" -max_len=8192 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$build/" "$corpus_run/$target" "$seeds"
done
