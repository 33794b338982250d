#!/bin/bash
# evbgp benchmark (issue 4), one command from a fresh clone:
#   bench/run.sh [--quick] [--with-slow-anchors] [--gobgp-fixed] [--keep] [-- extra bench.py matrix args]
#     --quick              10^5 rows only (a few minutes)
#     --with-slow-anchors  also ExaBGP (and evbgpd->GoBGP) at 10^6 (~+15 min)
#     --gobgp-fixed        build a `gobgp` CLI whose `mrt inject` waits for gobgpd
#                          (golang-go + Debian's GoBGP source); else the stock CLI is
#                          used with untimed tail routes (see bench/README.md)
# Builds a Release evbgpd into build-bench/, installs missing packages (apt-get),
# runs the matrix, prints the table, saves bench/results/<stamp>.{jsonl,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
fixed=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick|--with-slow-anchors|--keep) args+=("$1") ;;
        --gobgp-fixed) fixed=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        --) shift; args+=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
BENCH_GOBGP_FIXED=$fixed bench/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DEVBGP_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target evbgpd evbgp-sink >/dev/null
if [ $fixed = 1 ]; then
    [ -x build-bench/gobgp-fixed ] || OUT=$PWD/build-bench/gobgp-fixed bench/tools/gobgp-cli-fixed.sh
    args+=(--gobgp-cli-fixed "$PWD/build-bench/gobgp-fixed")
fi
exec python3 bench/bench.py matrix --evbgpd build-bench/evbgpd "${args[@]}"
