#!/usr/bin/env bash
# The hostile-peer suite: a raw BGP speaker of our own (hostile.py, on
# bgpspeaker.py) against evbgpd, each in a network namespace this script
# creates, joined by a veth pair:
#
#   evhs-d-PID  evbgpd   10.0.0.1/24  fd00:e5b::1/64          (veth hd)
#   evhs-p-PID  speaker  10.0.0.2 .3 .9 /24  fd00:e5b::2/64   (veth hp)
#                        10.0.1.0/24 bindable (local route), the
#                        sources of a passive neighbor range
#
# Nothing else is touched: no loopback address, no port of the host.
# Needs root and ip netns; without them the suite is skipped, saying why.
#
#   tests/hostile/run.sh [BUILD_DIR] [CASE-PATTERN...]
#
# BUILD_DIR holds evbgpd and evbgpctl (default build). KEEP=1 keeps the
# scratch directory (configurations, helper recordings, evbgpd's log).
# The last line is "hostile: N passed, M failed, X expected failures".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-build}
shift || true
case $build in
/*) ;;
*) build=$repo/$build ;;
esac

skip() {
	echo "SKIP hostile: $*"
	echo "hostile: 0 passed, 0 failed, 0 expected failures, skipped"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "no ip command (iproute2)"
command -v python3 >/dev/null || skip "no python3"
for b in evbgpd evbgpctl; do
	[ -x "$build/$b" ] || { echo "hostile: $build/$b not built" >&2; exit 1; }
done

nsd=evhs-d-$$
nsp=evhs-p-$$
work=$(mktemp -d /tmp/evbgp-hostile.XXXXXX)
chmod 755 "$work"

cleanup() {
	# hostile.py stops the evbgpd it started; a namespace going away
	# takes its veth end with it
	ip netns del "$nsd" 2>/dev/null
	ip netns del "$nsp" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ] || [ "${failed:-0}" = 1 ]; then
		echo "hostile: scratch kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! ip netns add "$nsd" 2>/dev/null; then
	skip "cannot create a network namespace here"
fi
ip netns add "$nsp" || skip "cannot create a second network namespace"
set -e
ip -n "$nsd" link set lo up
ip -n "$nsp" link set lo up
ip link add hd netns "$nsd" type veth peer name hp netns "$nsp"
ip -n "$nsd" addr add 10.0.0.1/24 dev hd
ip -n "$nsd" addr add fd00:e5b::1/64 dev hd nodad
ip -n "$nsp" addr add 10.0.0.2/24 dev hp
ip -n "$nsp" addr add 10.0.0.3/24 dev hp
ip -n "$nsp" addr add 10.0.0.9/24 dev hp
ip -n "$nsp" addr add fd00:e5b::2/64 dev hp nodad
ip -n "$nsd" link set hd up
ip -n "$nsp" link set hp up
# any 10.0.1.x is a source the speaker may bind (AnyIP)
ip -n "$nsp" route add local 10.0.1.0/24 dev lo
ip -n "$nsd" route add 10.0.1.0/24 via 10.0.0.2
set +e

ip netns exec "$nsp" python3 "$here/hostile.py" --evbgpd "$build/evbgpd" \
    --evbgpctl "$build/evbgpctl" --netns "$nsd" --work "$work" \
    --helper "$here/record.sh" "$@"
rc=$?
[ $rc -eq 0 ] || failed=1
exit $rc
