#!/bin/bash
# evbgp benchmark (issues 4 and 13), one command from a fresh clone:
#   bench/run.sh [--quick] [--with-slow-anchors] [--gobgp-fixed] [--keep] [--peers|--peers-anchors]
#                [--table-replay] [--members] [--all] [-- extra bench.py args]
#     --quick              10^5 rows only (a few minutes)
#     --with-slow-anchors  also ExaBGP (and evbgpd->GoBGP) at 10^6 (~+15 min)
#     --gobgp-fixed        build a `gobgp` CLI whose `mrt inject` waits for gobgpd
#                          (golang-go + Debian's GoBGP source); else the stock CLI is
#                          used with untimed tail routes (see bench/README.md)
#     --peers              issue 13 many peers, instead of the matrix: evbgpd 10^6 x 1/20/50,
#                          BIRD 10^6 x 1/20, evbgpd/GoBGP/ExaBGP 10^5 x 1/20; twice (~10 min)
#     --peers-anchors      only the 10^5 x 1/20 rows of evbgpd, GoBGP and ExaBGP; twice (~5 min)
#     --table-replay       instead of the matrix: a generated full table (10^6 IPv4 + 2x10^5
#                          IPv6, MRT) replayed into BIRD by evbgpd, GoBGP, ExaBGP; twice (~30 min)
#     --members            instead of the matrix: one update group of 20 peers x 10^6 routes:
#                          baseline, a stopped member, 5 members flapping; twice (~4 min)
#     --all                the matrix, then --peers, --members, then --table-replay
# Builds a Release evbgpd into build-bench/, installs missing packages (apt-get),
# runs the rows, prints the tables, saves bench/results/<stamp>*.{jsonl,md}.
# Run it under the shared lock: flock /tmp/evbgp-net.lock bench/run.sh ...
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
extra=()
fixed=0
matrix=1
peers=
replay=0
members=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick|--with-slow-anchors|--keep) args+=("$1") ;;
        --gobgp-fixed) fixed=1 ;;
        --peers) peers=all; matrix=0 ;;
        --peers-anchors) peers=anchors; matrix=0 ;;
        --table-replay) replay=1; matrix=0 ;;
        --members) members=1; matrix=0 ;;
        --all) peers=all; replay=1; members=1; matrix=2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        --) shift; extra+=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ $matrix = 2 ] && matrix=1
BENCH_GOBGP_FIXED=$fixed bench/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DEVBGP_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target evbgpd evbgp-sink >/dev/null
common=(--evbgpd build-bench/evbgpd)
if [ $fixed = 1 ]; then
    [ -x build-bench/gobgp-fixed ] || OUT=$PWD/build-bench/gobgp-fixed bench/tools/gobgp-cli-fixed.sh
    common+=(--gobgp-cli-fixed "$PWD/build-bench/gobgp-fixed")
fi
keep=()
for x in "${args[@]+"${args[@]}"}"; do [ "$x" = --keep ] && keep=(--keep); done
rc=0
mkdir -p bench/results
if [ $matrix = 1 ]; then
    python3 bench/bench.py matrix "${common[@]}" "${args[@]+"${args[@]}"}" "${extra[@]+"${extra[@]}"}" || rc=$?
fi
if [ "$peers" = all ]; then
    python3 bench/bench.py peers "${common[@]}" "${keep[@]+"${keep[@]}"}" --repeat 2 \
        "${extra[@]+"${extra[@]}"}" | tee "bench/results/$(date +%Y%m%d-%H%M%S)-peers.md" || rc=$?
elif [ "$peers" = anchors ]; then
    python3 bench/bench.py peers "${common[@]}" "${keep[@]+"${keep[@]}"}" --repeat 2 --peer-counts '' \
        --bird-peer-counts '' "${extra[@]+"${extra[@]}"}" | tee "bench/results/$(date +%Y%m%d-%H%M%S)-peers.md" || rc=$?
fi
if [ $members = 1 ]; then
    python3 bench/bench.py members "${common[@]}" "${keep[@]+"${keep[@]}"}" --repeat 2 \
        "${extra[@]+"${extra[@]}"}" | tee "bench/results/$(date +%Y%m%d-%H%M%S)-members.md" || rc=$?
fi
if [ $replay = 1 ]; then
    python3 bench/bench.py replay "${common[@]}" "${keep[@]+"${keep[@]}"}" --repeat 2 --timeout 900 \
        "${extra[@]+"${extra[@]}"}" | tee "bench/results/$(date +%Y%m%d-%H%M%S)-replay.md" || rc=$?
fi
exit $rc
