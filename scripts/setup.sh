#!/usr/bin/env bash
# Install everything evbgp needs on Debian 12, quietly and idempotently:
#   build: build-essential cmake pkg-config libevent-dev libjson-c-dev libedit-dev check clang
#          libclang-rt-14-dev python3 gzip (man pages)
#   tests: bird2 gobgpd frr exabgp iproute2 python3 procps socat shellcheck util-linux systemd
#          man-db groff-base (man pages render), debootstrap systemd-container (the package
#          booted in a Debian 12 tree)
# `apt-get update` runs only when something is missing. The routing daemons' own system
# services (bird, frr, gobgpd, exabgp) are kept from starting during the install and are
# disabled and stopped afterwards: the tests run their own instances on 127.0.0.x:179.
#
#   scripts/setup.sh            (as root, or through sudo)
set -euo pipefail

BUILD_PKGS="build-essential cmake pkg-config libevent-dev libjson-c-dev libedit-dev check clang libclang-rt-14-dev python3 gzip"
TEST_PKGS="bird2 gobgpd frr exabgp iproute2 python3 procps socat shellcheck util-linux systemd man-db groff-base debootstrap systemd-container"
SERVICES="bird frr gobgpd exabgp"

SUDO=''
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "setup: run as root (or install sudo)" >&2
		exit 1
	}
	SUDO=sudo
fi

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=''
for p in $BUILD_PKGS $TEST_PKGS; do
	installed "$p" || missing="$missing $p"
done
missing=${missing# }

policy=/usr/sbin/policy-rc.d
our_policy=0
remove_policy() {
	if [ "$our_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
}
trap remove_policy EXIT

if [ -n "$missing" ]; then
	echo "setup: installing $missing"
	# keep maintainer scripts from starting BIRD/FRR/GoBGP/ExaBGP services (they would take port 179)
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# evbgp scripts/setup.sh: no service starts during install\nexit 101\n' |
			$SUDO tee "$policy" >/dev/null
		$SUDO chmod 755 "$policy"
		our_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	aptlog=$(mktemp)
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	if ! { $SUDO apt-get update -qq &&
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing; } \
		>"$aptlog" 2>&1; then
		tail -n 30 "$aptlog" >&2
		rm -f "$aptlog"
		echo "setup: apt-get failed" >&2
		exit 1
	fi
	rm -f "$aptlog"
	remove_policy
	our_policy=0
	for p in $missing; do
		installed "$p" || {
			echo "setup: $p failed to install" >&2
			exit 1
		}
	done
fi

# No system instance of the routing daemons may run or come back at boot.
systemd_up=0
[ -d /run/systemd/system ] && systemd_up=1
for s in $SERVICES; do
	if [ -e "/lib/systemd/system/$s.service" ] && command -v systemctl >/dev/null 2>&1; then
		$SUDO systemctl disable --quiet "$s.service" >/dev/null 2>&1 || true
		if [ "$systemd_up" = 1 ]; then
			$SUDO systemctl stop "$s.service" >/dev/null 2>&1 || true
		fi
	fi
done
# Without systemd, stop a system instance only through its own pid file. Never through
# /etc/init.d/bird stop: it kills every process named bird on the machine (start-stop-daemon
# --name), including the test instances.
if [ "$systemd_up" = 0 ]; then
	for pf in /run/frr/watchfrr.pid /run/frr/bgpd.pid /run/frr/zebra.pid /run/frr/staticd.pid \
		/run/frr/mgmtd.pid /run/bird/bird.pid /run/exabgp/exabgp.pid; do
		[ -r "$pf" ] || continue
		pid=$(tr -dc 0-9 <"$pf")
		if [ -z "$pid" ] || [ ! -e "/proc/$pid" ]; then continue; fi
		echo "setup: stopping system daemon pid $pid ($pf)"
		$SUDO kill -TERM "$pid" 2>/dev/null || true
	done
fi

# Report (do not touch) anything else still listening on the BGP port.
if command -v ss >/dev/null 2>&1; then
	busy=$(ss -Hltnp 2>/dev/null | awk '$4 ~ /:179$/' || true)
	if [ -n "$busy" ]; then
		echo "setup: warning: something still listens on port 179; the interop tests need it free:" >&2
		echo "$busy" >&2
	fi
fi
echo "setup: ok ($(echo "$BUILD_PKGS $TEST_PKGS" | wc -w) packages present)"
