#!/usr/bin/env bash
# The Debian package, built, installed into a fresh Debian 12 and started
# there under systemd as PID 1:
#
#   1. build: a /usr build (build-pkg/, no tests) and `cpack -G DEB`; the
#      package's control data (Depends computed by dpkg-shlibdeps, the
#      conffile, the maintainer scripts) and its files (programs, gzipped
#      man pages, the unit, examples and helpers);
#   2. the man pages as packaged render without a warning, and the
#      example configurations as installed pass `evbgpd --check`;
#   3. a Debian 12 tree (debootstrap minbase with systemd, dbus, man-db
#      and python3, cached in $EVBGP_TEST_CACHE, default
#      /var/cache/evbgp-test, rebuilt after 7 days); `apt-get install
#      ./evbgp_*.deb` in it, so Depends must resolve from Debian;
#   4. the tree booted by systemd-nspawn (--private-network: only its own
#      loopback); in it: the postinst's user, group and /etc/evbgpd; the
#      service installed but not enabled; `systemd-analyze verify` (the
#      man pages of Documentation= included); `man` finds the pages; the
#      shipped rtbh.conf as /etc/evbgpd/evbgpd.conf with a peer evbgpd on
#      127.0.0.2 (a transient unit); `systemctl enable --now evbgpd`:
#      active, the session established, the helper (Python, under the
#      unit's sandbox) announces the blocklist with the BLACKHOLE
#      community; evbgpctl works for root and for a member of the group
#      evbgp, not for another user; `systemctl reload` keeps the session
#      and refuses a broken file (the service stays up); `systemctl stop`
#      sends the Cease and exits 0; `apt-get purge` removes it all.
#
# Usage: tests/package/run.sh
# Needs root, debootstrap, systemd-nspawn (scripts/setup.sh installs
# them) and the Debian archive (debootstrap, apt-get). Prints PASS/FAIL
# lines and "N passed, M failed"; exit 0 only if all passed, 77 when it
# cannot run (not root, no nspawn or debootstrap).
set -u

here=$(cd "$(dirname "$0")" && pwd)
cache=${EVBGP_TEST_CACHE:-/var/cache/evbgp-test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base_pkgs="systemd,systemd-sysv,dbus,man-db,python3,iproute2"
nspawn_pid=
leader=
work=

# pass, fail, check, skip, wait_for, finish: shared with the deployment
# tests (its setup and BIRD helpers are not used here)
name=package
# shellcheck source=tests/deploy/lib.sh
. "$here/../deploy/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
for p in debootstrap systemd-nspawn nsenter cpack dpkg-deb; do
	command -v "$p" >/dev/null 2>&1 || skip "$p not found (scripts/setup.sh)"
done

cleanup() {
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		in_ct systemctl poweroff >/dev/null 2>&1
		wait_for 30 sh -c "! kill -0 $nspawn_pid 2>/dev/null"
		kill -KILL "$nspawn_pid" 2>/dev/null
		wait "$nspawn_pid" 2>/dev/null
	fi
	if [ -n "$work" ] && [ "${KEEP:-0}" != 1 ]; then
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
work=$(mktemp -d /var/tmp/evbgp-package.XXXXXX)

# ---------------------------------------------------------------- 1

echo "--- building the package"
bdir=$repo/build-pkg
if ! { cmake -S "$repo" -B "$bdir" -DCMAKE_INSTALL_PREFIX=/usr \
    -DEVBGP_TESTS=OFF -DEVBGP_WERROR=ON >"$work/build.log" 2>&1 &&
    cmake --build "$bdir" -j"$(nproc)" >>"$work/build.log" 2>&1 &&
    rm -f "$bdir"/evbgp_*.deb &&
    (cd "$bdir" && cpack -G DEB) >>"$work/build.log" 2>&1; }; then
	fail "cpack builds the package"
	tail -n 30 "$work/build.log" | sed 's/^/    /'
	finish
	exit 1
fi
deb=$(find "$bdir" -maxdepth 1 -name 'evbgp_*.deb' | head -n 1)
check "cpack builds the package ($(basename "${deb:-none}"))" test -f "$deb"
[ -f "$deb" ] || { finish; exit 1; }

dpkg-deb -f "$deb" >"$work/control"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libevent-core libjson-c libedit libc6 passwd procps; do
	check "Depends names $lib ($depends)" \
	    grep -q "$lib" <<<"$depends"
done
dpkg-deb -e "$deb" "$work/DEBIAN"
check "conffiles: /etc/default/evbgpd" grep -qx /etc/default/evbgpd "$work/DEBIAN/conffiles"
for s in postinst prerm postrm; do
	check "maintainer script $s (executable, sh -n)" \
	    sh -c "test -x '$work/DEBIAN/$s' && sh -n '$work/DEBIAN/$s'"
done
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$work/files"
has_file() {	# has_file MODE-PREFIX PATH
	grep -q "^$1[^ ]* \./${2#/}\$" "$work/files"
}
for f in /usr/sbin/evbgpd /usr/bin/evbgpctl /usr/bin/evbgp-healthcheck \
    /usr/share/evbgp/config/helpers/rtbh-feeder \
    /usr/share/evbgp/config/helpers/json-collector; do
	check "package: $f (executable)" has_file -rwxr-xr-x "$f"
done
for f in /usr/share/man/man8/evbgpd.8.gz /usr/share/man/man8/evbgpctl.8.gz \
    /usr/share/man/man1/evbgp-healthcheck.1.gz \
    /usr/share/man/man5/evbgpd.conf.5.gz /usr/lib/systemd/system/evbgpd.service \
    /usr/share/evbgp/systemd/ip-setup.conf /etc/default/evbgpd \
    /usr/share/evbgp/config/rtbh.conf /usr/share/evbgp/config/evbgpd.conf.example \
    /usr/share/doc/evbgp/support.md; do
	check "package: $f" has_file -rw-r--r-- "$f"
done

# ---------------------------------------------------------------- 2

mkdir -p "$work/x"
dpkg-deb -x "$deb" "$work/x"
for page in "$work"/x/usr/share/man/man*/*.gz; do
	n=$(basename "$page" .gz)
	MANWIDTH=80 man --warnings -l "$page" >"$work/man.out" 2>"$work/man.err"
	check "man page $n renders without a warning" \
	    sh -c "[ ! -s '$work/man.err' ] && [ \$(wc -l <'$work/man.out') -gt 40 ]"
	sed 's/^/    /' "$work/man.err"
done
# shellcheck disable=SC2016 # the unit's own $ and ${}
check "the unit runs /usr/sbin/evbgpd" \
    grep -qx 'ExecStart=/usr/sbin/evbgpd --log-dest stderr $EVBGPD_OPTS ${EVBGPD_CONFIG}' \
    "$work/x/usr/lib/systemd/system/evbgpd.service"
check "the anycast example runs the installed evbgp-healthcheck" \
    grep -q 'run /usr/bin/evbgp-healthcheck ' "$work/x/usr/share/evbgp/config/anycast-healthcheck.conf"
check "the rtbh example runs the installed helper" \
    grep -q 'run /usr/share/evbgp/config/helpers/rtbh-feeder ' "$work/x/usr/share/evbgp/config/rtbh.conf"
# (here the helpers' paths are not installed yet: --check warns, fine)
conf_ok() {
	"$work/x/usr/sbin/evbgpd" --env /dev/null --check "$1" \
	    >"$work/check.out" 2>&1 || { sed 's/^/    /' "$work/check.out"; false; }
}
for conf in "$work"/x/usr/share/evbgp/config/*.conf; do
	check "installed $(basename "$conf") passes evbgpd --check" conf_ok "$conf"
done

# ---------------------------------------------------------------- 3

# a fresh tree from the cached debootstrap (built once, under a lock)
tag=$(printf '%s %s' "$base_pkgs" "$mirror" | md5sum | cut -c1-12)
base=$cache/debian12-$tag
mkdir -p "$cache"
(
	flock 9
	if [ -d "$base" ] && [ -n "$(find "$base/.complete" -mtime -7 2>/dev/null)" ]; then
		exit 0
	fi
	echo "--- debootstrap bookworm into $base (once a week)"
	rm -rf --one-file-system "$base" "$base.new"
	debootstrap --variant=minbase --include="$base_pkgs" bookworm \
	    "$base.new" "$mirror" >"$cache/debootstrap.log" 2>&1 || exit 1
	touch "$base.new/.complete"
	mv "$base.new" "$base"
) 9>"$cache/.lock"
rc=$?
check "a Debian 12 tree (debootstrap)" test "$rc" = 0 -a -f "$base/.complete"
if [ "$rc" != 0 ]; then
	tail -n 20 "$cache/debootstrap.log" | sed 's/^/    /'
	finish
	exit 1
fi
root=$work/root
cp -a "$base" "$root"
# not /tmp: systemd-nspawn mounts a tmpfs there
cp "$deb" "$root/root/evbgp.deb"

# apt in the tree, with the host's network (not booted: no service runs)
ct_run() {
	systemd-nspawn --quiet --register=no --keep-unit -D "$root" \
	    --setenv=DEBIAN_FRONTEND=noninteractive \
	    --setenv=PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
if ct_run sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends /root/evbgp.deb' \
    >"$work/apt.log" 2>&1; then
	pass "apt-get install ./$(basename "$deb") in Debian 12 (its Depends from the archive)"
else
	fail "apt-get install ./$(basename "$deb") in Debian 12"
	tail -n 20 "$work/apt.log" | sed 's/^/    /'
	finish
	exit 1
fi

# ---------------------------------------------------------------- 4

systemd-nspawn --register=no --keep-unit --quiet -D "$root" -M evbgp-pkg-$$ \
    --private-network --console=passive -b >"$work/boot.log" 2>&1 &
nspawn_pid=$!
find_leader() {
	leader=$(awk '{ print $1 }' "/proc/$nspawn_pid/task/$nspawn_pid/children" 2>/dev/null)
	[ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ]
}
in_ct() {	# run a command in the booted container
	[ -n "$leader" ] || return 1
	nsenter --target "$leader" --all \
	    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
booted() {
	local s
	s=$(in_ct systemctl is-system-running 2>/dev/null)
	[ "$s" = running ] || [ "$s" = degraded ]
}
if wait_for 30 find_leader && wait_for 90 booted; then
	pass "Debian 12 boots under systemd-nspawn (systemd is PID 1: $(in_ct systemctl is-system-running))"
else
	fail "Debian 12 boots under systemd-nspawn"
	tail -n 30 "$work/boot.log" | sed 's/^/    /'
	finish
	exit 1
fi
in_ct systemctl --failed --no-legend --plain >"$work/failed"
check "no failed unit after boot" test ! -s "$work/failed"
sed 's/^/    /' "$work/failed"

check "postinst: system user evbgp, group evbgp" \
    in_ct sh -c 'getent passwd evbgp | grep -q ":/var/lib/evbgpd:/usr/sbin/nologin$" && getent group evbgp >/dev/null'
check "postinst: /etc/evbgpd is 0750 root:evbgp" \
    test "$(in_ct stat -c '%a %U:%G' /etc/evbgpd)" = "750 root:evbgp"
# shellcheck disable=SC2016 # expanded in the container
check "installed, not enabled, not started (no configuration yet)" \
    in_ct sh -c '[ "$(systemctl is-enabled evbgpd)" = disabled ] && ! systemctl is-active --quiet evbgpd'
in_ct systemd-analyze verify evbgpd.service >"$work/verify" 2>&1
rc=$?
check "systemd-analyze verify evbgpd.service (Documentation= man pages found)" \
    test "$rc" = 0 -a ! -s "$work/verify"
sed 's/^/    /' "$work/verify"
check "man evbgpd.conf finds the installed page" \
    test "$(in_ct man -w evbgpd.conf)" = /usr/share/man/man5/evbgpd.conf.5.gz

# the router: another evbgpd on 127.0.0.2, run by hand as a transient unit
in_ct sh -c 'cat >/root/peer.conf' <<'EOF'
neighbor 127.0.0.1 {
	router-id 192.0.2.2;
	local-address 127.0.0.2;
	local-as 65000;
	peer-as 65000;
	passive;
	adj-rib-in true;
}
EOF
in_ct systemd-run --unit=peer --quiet /usr/sbin/evbgpd --env /dev/null \
    --bind 127.0.0.2 --control /run/peer.sock --log-dest stderr /root/peer.conf
check "peer evbgpd runs (transient unit)" wait_for 10 in_ct evbgpctl -s /run/peer.sock -t 2 version
peer() { in_ct evbgpctl -s /run/peer.sock -t 5 "$@"; }

# the shipped RTBH deployment
in_ct install -m 0640 -g evbgp /usr/share/evbgp/config/rtbh.conf /etc/evbgpd/evbgpd.conf
in_ct sh -c 'echo 203.0.113.7 > /etc/evbgpd/blocklist.txt'
if in_ct systemctl enable --now evbgpd >"$work/enable" 2>&1; then
	pass "systemctl enable --now evbgpd"
else
	fail "systemctl enable --now evbgpd"
	sed 's/^/    /' "$work/enable"
fi
check "evbgpd.service is active" wait_for 10 in_ct systemctl is-active --quiet evbgpd
established() { peer show neighbor summary | grep -q '^127\.0\.0\.1 .* established'; }
check "the BGP session with the peer is established" wait_for 30 established
# (after the session: by then the service's process has exec'd evbgpd)
mainpid=$(in_ct systemctl show -p MainPID --value evbgpd)
user=$(in_ct stat -c %U "/proc/$mainpid" 2>&1)
check "evbgpd.service's main process ($mainpid) runs as evbgp (got $user)" test "$user" = evbgp
# 65535:666 is shown by its name (RFC 7999)
has_route() { peer show adj-rib in extensive | grep -q "$1/32 .*blackhole"; }
check "rtbh-feeder (python3 in the sandbox) announced 203.0.113.7/32 with BLACKHOLE" \
    wait_for 20 has_route 203.0.113.7
in_ct sh -c 'echo 198.51.100.9 >> /etc/evbgpd/blocklist.txt'
check "... and a new blocklist entry (198.51.100.9/32)" wait_for 20 has_route 198.51.100.9
check "evbgpctl as root: show neighbor summary" \
    in_ct sh -c 'evbgpctl show neighbor summary | grep -q "^127\.0\.0\.2 .* established"'
in_ct useradd -m -G evbgp alice
in_ct useradd -m bob
check "evbgpctl as alice (group evbgp) works" \
    in_ct runuser -u alice -- evbgpctl -t 5 version
check "evbgpctl as bob (not in the group) is refused" \
    in_ct sh -c 'runuser -u bob -- evbgpctl -t 5 version 2>&1 | grep -q "permission denied"'

opens() { peer --json show neighbor | sed -n 's/.*"received":{"open":\([0-9]*\).*/\1/p'; }
before=$(opens)
check "systemctl reload evbgpd" in_ct systemctl reload evbgpd
sleep 2
check "... keeps the session (still established, no new OPEN: $before -> $(opens))" \
    sh -c "[ '$before' = '$(opens)' ] && [ -n '$before' ]"
check "... was logged" wait_for 10 in_ct sh -c 'journalctl -u evbgpd | grep -q "reloading the configuration"'
in_ct sh -c 'cp /etc/evbgpd/evbgpd.conf /root/good.conf && echo "bogus statement;" >> /etc/evbgpd/evbgpd.conf'
reload_fails() { ! in_ct systemctl reload evbgpd >/dev/null 2>&1; }
still_up() { in_ct systemctl is-active --quiet evbgpd && established; }
check "a broken configuration: systemctl reload fails" reload_fails
check "... and evbgpd keeps running with its session" still_up
in_ct cp /root/good.conf /etc/evbgpd/evbgpd.conf

check "systemctl stop evbgpd" in_ct systemctl stop evbgpd
check "... exit status 0" \
    test "$(in_ct systemctl show -p ExecMainStatus --value evbgpd)" = 0
check "... the peer got the Cease" wait_for 10 in_ct sh -c \
    'journalctl -u peer | grep -qi "cease\|administrative shutdown"'
check "... the control socket is gone" in_ct test ! -e /run/evbgpd/evbgpd.sock

in_ct systemctl stop peer
if in_ct apt-get purge -y -qq evbgp >"$work/purge" 2>&1; then
	pass "apt-get purge evbgp"
else
	fail "apt-get purge evbgp"
	sed 's/^/    /' "$work/purge"
fi
check "... removes the programs, the unit and the state" \
    in_ct sh -c '! test -e /usr/sbin/evbgpd && ! test -e /usr/lib/systemd/system/evbgpd.service && ! test -e /var/lib/evbgpd && ! test -e /etc/default/evbgpd'

if [ "$failed" -gt 0 ]; then
	echo "--- evbgpd's journal"
	in_ct journalctl -u evbgpd --no-pager 2>&1 | tail -n 40 | sed 's/^/    /'
fi
finish
