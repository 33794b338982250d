#!/bin/bash
# Install what the benchmark needs (Debian 12, as root), only when missing.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have cmake || need+=(cmake)
have cc || need+=(gcc libc6-dev)
have make || need+=(make)
have pkg-config || need+=(pkg-config)
pkg-config --exists libevent_core libevent_extra 2>/dev/null || need+=(libevent-dev)
pkg-config --exists json-c 2>/dev/null || need+=(libjson-c-dev)
have python3 || need+=(python3)
have bird || need+=(bird2)
have gobgpd || need+=(gobgpd)
have gobgp || need+=(gobgpd)   # the gobgp CLI ships in gobgpd
have exabgp || need+=(exabgp)
if [ "${BENCH_GOBGP_FIXED:-0}" = 1 ]; then
    have go || need+=(golang-go)
    [ -d /usr/share/gocode/src/github.com/osrg/gobgp ] || need+=(golang-github-osrg-gobgp-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "bench/setup.sh: installing ${need[*]}" >&2
    if [ "$(id -u)" != 0 ]; then
        echo "bench/setup.sh: need root to apt-get install ${need[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # policy-rc.d keeps Debian from starting the packaged bird/gobgpd/exabgp services
    prc=/usr/sbin/policy-rc.d
    created=0
    if [ ! -e $prc ]; then printf '#!/bin/sh\nexit 101\n' > $prc; chmod +x $prc; created=1; fi
    apt-get install -y -q --no-install-recommends "${need[@]}" || { [ $created = 1 ] && rm -f $prc; exit 1; }
    [ $created = 1 ] && rm -f $prc
fi
exit 0
