#!/usr/bin/env bash
# Soak: evbgpd for a long time under churn, watched for growth and
# lateness (not part of CI; issue 8). Two network namespaces of its own,
# joined by a veth pair (nothing of the host is used):
#
#   evsk-d-PID  evbgpd              10.0.0.1/24
#   evsk-p-PID  BIRD 2 (a stable    10.0.0.4     receives 10^5 routes that a
#               session)                         helper announces/withdraws
#                                                in loops
#               two raw speakers    10.0.0.2 .3  flap: connect, send routes,
#               (tests/hostile)                  hold, close, again
#
# Meanwhile: a reload (SIGUSR1) every --reload seconds, a SIGKILL of the
# announcing helper every --kill seconds (evbgpd respawns it). Every
# --sample seconds it records evbgpd's RSS, descriptors, longest timer
# delay (the `status` command), the helpers' event counts and the BIRD
# session's resets; the summary judges: evbgpd alive, no reset of the
# stable session, descriptors flat, RSS flat between the first and last
# quarter, timers on time.
#
#   bench/soak.sh [--duration S] [--asan] [--routes N] [--build DIR]
#                 [--reload S] [--kill S] [--sample S] [--out FILE]
#
# --duration 3600 by default (1 h). --asan runs build-asan/evbgpd
# (cmake -DEVBGP_SANITIZE=ON) with leak detection: any sanitizer report
# fails the run. Needs root, ip netns, bird2, python3.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$repo/build
asan=0
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--asan)
		asan=1
		build=$repo/build-asan
		;;
	--build)
		build=$(cd "$2" && pwd)
		shift
		;;
	-h | --help)
		sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) args+=("$1") ;;
	esac
	shift
done

die() { echo "soak: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
command -v bird >/dev/null || die "needs bird (apt-get install bird2)"
for b in evbgpd evbgpctl; do
	[ -x "$build/$b" ] || die "$build/$b not built"
done

nsd=evsk-d-$$
nsp=evsk-p-$$
work=$(mktemp -d /tmp/evbgp-soak.XXXXXX)
chmod 755 "$work"
# shellcheck source=tests/hostile/netns.sh
. "$repo/tests/hostile/netns.sh"
cleanup() {
	netns_pair_del "$nsd" "$nsp"
	echo "soak: logs in $work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

netns_pair "$nsd" "$nsp" sd sp || die "cannot create network namespaces"
set -e
ip -n "$nsd" addr add 10.0.0.1/24 dev sd
for a in 2 3 4; do ip -n "$nsp" addr add "10.0.0.$a/24" dev sp; done
set +e

ip netns exec "$nsp" python3 "$here/soak.py" --evbgpd "$build/evbgpd" \
    --evbgpctl "$build/evbgpctl" --netns "$nsd" --work "$work" \
    --asan "$asan" --speaker "$repo/tests/hostile" "${args[@]}"
