#!/usr/bin/env bash
# The systemd unit (contrib/systemd/evbgpd.service):
#   1. it has the restart policy, user, capability and hardening settings
#      the deployment guides promise;
#   2. `systemd-analyze verify` accepts it, with the ip-setup drop-in too
#      (binary paths pointed at BUILD_DIR, its man pages found in
#      BUILD_DIR/man; skipped without systemd-analyze);
#   3. what it sets up works (root and network namespaces needed, else
#      skipped): evbgpd as an unprivileged user whose only capability is
#      CAP_NET_BIND_SERVICE (ambient), as the unit starts it, listens on
#      port 179 (127.0.0.47), gets a session from BIRD (127.0.0.48),
#      runs a helper that announces routes as that user; SIGUSR1 (the
#      unit's ExecReload) keeps the session; SIGTERM (KillMode=mixed:
#      evbgpd alone) sends the Cease and stops the helper.
#
# Usage: tests/deploy/check-systemd.sh [BUILD_DIR]   (default: build)
# Prints PASS/FAIL lines and "N passed, M failed"; exit 0 only if all
# passed.
set -u
name=systemd
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=$(cd "${1:-$repo/build}" 2>/dev/null && pwd) || skip "no build directory"
need "$build/evbgpd"
setup
unit=$repo/contrib/systemd/evbgpd.service
dropin=$repo/contrib/systemd/ip-setup.conf

# ---------------------------------------------------------------- 1

has() {	# has KEY=VALUE: a line of the unit, exactly
	grep -qx "$1" "$unit"
}
for line in Restart=on-failure RestartSec=5s StartLimitIntervalSec=300 \
    StartLimitBurst=5 User=evbgp Group=evbgp \
    AmbientCapabilities=CAP_NET_BIND_SERVICE \
    CapabilityBoundingSet=CAP_NET_BIND_SERVICE NoNewPrivileges=yes \
    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
    LockPersonality=yes MemoryDenyWriteExecute=yes \
    SystemCallFilter=@system-service \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK' \
    RuntimeDirectory=evbgpd StateDirectory=evbgpd KillMode=mixed \
    TimeoutStopSec=20s 'ExecReload=/bin/kill -USR1 $MAINPID' \
    'ExecStartPre=/usr/local/sbin/evbgpd --check ${EVBGPD_CONFIG}'; do
	check "unit: $line" has "$line"
done
check "unit: no other capability granted" \
    test "$(grep -c '^\(Ambient\|Bounding\)Capabilit\|^CapabilityBoundingSet' "$unit")" = 2
check "drop-in adds CAP_NET_ADMIN (for evbgp-healthcheck's ip setup)" \
    grep -qx 'AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_ADMIN' "$dropin"
check "the control socket default is in RuntimeDirectory=evbgpd" \
    sh -c "'$build/evbgpd' --help | grep -q /run/evbgpd/evbgpd.sock"
# the env file: KEY=value lines and comments only
check "evbgpd.env: only comments and KEY=value lines" \
    sh -c "! grep -v '^#\|^$\|^[A-Za-z_][A-Za-z0-9_]*=' '$repo/contrib/systemd/evbgpd.env' | grep -q ."

# ---------------------------------------------------------------- 2

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify looks up the unit's Documentation=man: pages: the built ones
	export MANPATH="$build/man"
	mkdir -p "$work/units/evbgpd.service.d"
	sed "s|/usr/local/sbin/evbgpd|$build/evbgpd|g" "$unit" \
	    >"$work/units/evbgpd.service"
	SYSTEMD_UNIT_PATH=$work/units: systemd-analyze verify \
	    "$work/units/evbgpd.service" >"$work/verify.out" 2>&1
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$work/verify.out" ]; then
		pass "systemd-analyze verify evbgpd.service: no warning"
	else
		fail "systemd-analyze verify evbgpd.service"
		sed 's/^/    /' "$work/verify.out"
	fi
	cp "$dropin" "$work/units/evbgpd.service.d/"
	SYSTEMD_UNIT_PATH=$work/units: systemd-analyze verify \
	    "$work/units/evbgpd.service" >"$work/verify.out" 2>&1
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$work/verify.out" ]; then
		pass "systemd-analyze verify with the ip-setup.conf drop-in"
	else
		fail "systemd-analyze verify with the ip-setup.conf drop-in"
		sed 's/^/    /' "$work/verify.out"
	fi
	if SYSTEMD_UNIT_PATH=$work/units: systemd-analyze security \
	    --offline=true "$work/units/evbgpd.service" \
	    >"$work/security.out" 2>&1; then
		level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security.out")
		check "systemd-analyze security: exposure ${level:-?} <= 3.0" \
		    awk -v l="${level:-99}" 'BEGIN { exit !(l <= 3.0) }'
	else
		echo "(systemd-analyze security --offline not supported here)"
	fi
else
	echo "(no systemd-analyze: verify skipped)"
fi

# ---------------------------------------------------------------- 3

live() {
	local uid caps n pid rc
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
	    ! command -v bird >/dev/null || ! use_netns; then
		echo "(not root, or no setpriv, bird or network namespaces: live checks skipped)"
		return
	fi
	# the service's user; nobody stands in for evbgp
	uid=nobody
	mkdir -p "$work/run" "$work/state"
	chown "$uid" "$work/run" "$work/state"
	chmod 750 "$work/run"
	printf '#!/bin/sh\necho "announce route 198.51.100.0/24 next-hop self"\nid -un > %q/state/helper-user\necho $$ > %q/state/helper.pid\nexec cat >/dev/null\n' \
	    "$work" "$work" >"$work/helper.sh"
	chmod 755 "$work/helper.sh"
	cat >"$work/evbgpd.conf" <<-EOF
	process announcer {
		run $work/helper.sh;
		encoder text;
	}
	neighbor 127.0.0.48 {
		router-id 192.0.2.47;
		local-address 127.0.0.47;
		local-as 65010;
		peer-as 65000;
		passive;
		api { processes [ announcer ]; }
	}
	EOF
	# BIRD connects to evbgpd on port 179
	cat >"$work/bird.conf" <<-EOF
	router id 127.0.0.48;
	log "$work/bird.log" all;
	protocol device { scan time 600; }
	protocol bgp evb {
	  local 127.0.0.48 port 1179 as 65000;	# BIRD listens there only
	  strict bind on;
	  neighbor 127.0.0.47 port 179 as 65010;
	  multihop;
	  connect retry time 1;
	  debug { states };
	  ipv4 { import all; export none; };
	}
	EOF
	"${nsexec[@]}" bird -c "$work/bird.conf" -s "$work/bird.ctl" \
	    -P "$work/bird.pid" -f >"$work/bird.out" 2>&1 &
	pids+=($!)
	bird_pid=$!
	# as the unit: unprivileged user, CAP_NET_BIND_SERVICE ambient and
	# the only one in the bounding set, no new privileges
	"${nsexec[@]}" setpriv --reuid="$uid" --regid=nogroup --clear-groups \
	    --inh-caps=-all,+net_bind_service \
	    --ambient-caps=-all,+net_bind_service \
	    --bounding-set=-all,+net_bind_service --no-new-privs \
	    env exabgp_api_cli=true "$build/evbgpd" --env /dev/null \
	    --bind 127.0.0.47 --control "$work/run/evbgpd.sock" \
	    --log-dest stderr "$work/evbgpd.conf" >"$work/evbgpd.out" 2>&1 &
	pids+=($!)
	pid=$!
	if wait_for 10 sh -c "ip netns exec $ns ss -ltn | grep -q '127.0.0.47:179 '"
	then
		pass "unprivileged evbgpd listens on 127.0.0.47:179"
	else
		fail "unprivileged evbgpd listens on 127.0.0.47:179"
		sed 's/^/    /' "$work/evbgpd.out"
		return
	fi
	check "... its user is $uid" test "$(ps -o user= -p "$pid")" = "$uid"
	caps=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status")
	check "... its only capability is CAP_NET_BIND_SERVICE (CapEff $caps)" \
	    test "$caps" = 0000000000000400
	check "... BIRD's session to it is established" wait_for 20 established
	check "... the helper, running as $uid, announced its route" \
	    wait_for 10 has_route 198.51.100.0/24
	check "... helper user" test "$(cat "$work/state/helper-user" 2>/dev/null)" = "$uid"
	check "... the control socket is there, mode 0660" \
	    test "$(stat -c %a "$work/run/evbgpd.sock" 2>/dev/null)" = 660

	n=$(grep -c 'State changed to up' "$work/bird.log")
	kill -USR1 "$pid"
	sleep 1
	check "SIGUSR1 (ExecReload): the session stays up" \
	    test "$(grep -c 'State changed to up' "$work/bird.log")" = "$n"
	check "... the route stays" has_route 198.51.100.0/24
	check "... evbgpd logged the reload" \
	    grep -q "reloading the configuration" "$work/evbgpd.out"

	kill -TERM "$pid"	# KillMode=mixed: the main process only
	check "SIGTERM: BIRD receives the Cease" wait_for 5 \
	    grep -qi "administrative shutdown" "$work/bird.log"
	check "... evbgpd exits within TimeoutStopSec" wait_for 20 dead "$pid"
	wait "$pid"
	rc=$?
	check "... with status 0 (got $rc)" test "$rc" = 0
	check "... no helper left behind" \
	    dead "$(cat "$work/state/helper.pid" 2>/dev/null)"
	check "... the control socket removed" test ! -e "$work/run/evbgpd.sock"
}
live
finish
