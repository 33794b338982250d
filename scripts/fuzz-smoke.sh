#!/bin/sh
# Build the libFuzzer targets with clang in their own build directory and
# run fuzz_decode for N seconds (default 60). Exits non-zero on a crash,
# leak or sanitizer report; the reproducer is left in the build directory.
#   scripts/fuzz-smoke.sh [seconds]
set -eu

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EVBGP_FUZZ_BUILD:-"$root/build-fuzz"}
corpus_run="$root/fuzz/corpus-run"

CC=clang cmake -S "$root" -B "$build" -DEVBGP_FUZZ=ON -DEVBGP_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzz_decode
mkdir -p "$corpus_run"
# new inputs go to the first directory (git-ignored); the seeds stay as is
"$build/fuzz/fuzz_decode" -max_total_time="$secs" -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/" "$corpus_run" "$root/fuzz/corpus"
