#!/usr/bin/env bash
# End-to-end test of the RTBH deployment (config/rtbh.conf): evbgpd runs
# config/helpers/rtbh-feeder on a blocklist file and announces its
# entries over iBGP to BIRD 2 (127.0.0.43 <- evbgpd 127.0.0.44), which
# resolves the next hop 192.0.2.1 (100::1) to a blackhole route as an
# RTBH router does. Loopback only; a network namespace of its own when
# the machine has them.
#
#   * 50 IPv4 + 2 IPv6 entries -> BIRD has the 52 host routes with
#     BLACKHOLE (65535:666) and NO_EXPORT, next hop 192.0.2.1 / 100::1,
#     recursively resolved to blackhole; bad, too short and comment
#     lines are skipped (and logged);
#   * a line removed -> that route withdrawn, the others stay; a line
#     added -> announced;
#   * the feeder killed while an entry was removed -> the respawned
#     feeder withdraws it (state file);
#   * BIRD restarted -> every route comes back (evbgpd's Adj-RIB-Out);
#   * the file emptied -> everything withdrawn; deleted -> nothing changes.
#
# Usage: tests/deploy/e2e-rtbh.sh [BUILD_DIR]   (default: build)
# Prints PASS/FAIL lines and "N passed, M failed"; exit 0 only if all
# passed, 77 when a prerequisite is missing. Needs root.
set -u
name=rtbh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=$(cd "${1:-$repo/build}" 2>/dev/null && pwd) || skip "no build directory"

need "$build/evbgpd" bird birdc ip python3
need_root
setup
use_netns || true

bird_ip=127.0.0.43
evb_ip=127.0.0.44
list=$work/blocklist.txt
state=$work/state/rtbh.state
feeder=$repo/config/helpers/rtbh-feeder

bird_extra='
protocol static blackholes4 { ipv4; route 192.0.2.1/32 blackhole; }
protocol static blackholes6 { ipv6; route 100::1/128 blackhole; }'
bird_chan='ipv4 { import all; export none; };
  ipv6 { import all; export none; next hop address 2001:db8::43; };'

start_rtbh_bird() {
	start_bird "$bird_ip" "$evb_ip" 65000 65000 "$bird_extra" "$bird_chan"
}

# the shipped run line with this test's paths and a faster interval
run_line() {
	sed -n 's/^[[:space:]]*run helpers\/rtbh-feeder \(.*\);$/\1/p' \
	    "$repo/config/rtbh.conf" |
	    sed "s|/etc/evbgpd/blocklist.txt|$list|; s|/var/lib/evbgpd/rtbh.state|$state|"
}

feeder_pid() { ps -o pid= --ppid "$evbgpd_pid" 2>/dev/null | tr -d ' ' | head -n 1; }

# 203.0.113.1 .. 203.0.113.50 and two IPv6 hosts, plus lines to skip
{
	echo "# blocklist for the e2e test"
	for i in $(seq 1 50); do echo "203.0.113.$i"; done
	echo "2001:db8:666::1"
	echo "2001:db8:666::2/128   # with a comment"
	echo ""
	echo "not-an-address"
	echo "198.51.100.0/24"
	echo "198.51.100.7/24"
} >"$list"

rtbh_route_ok() {	# rtbh_route_ok PREFIX NEXT-HOP
	local out
	out=$(bird_route "$1")
	case $out in *"(65535,666)"*) ;; *) return 1 ;; esac
	case $out in *"(65535,65281)"*) ;; *) return 1 ;; esac
	case $out in *"BGP.next_hop: $2"*) ;; *) return 1 ;; esac
	case $out in *blackhole*) ;; *) return 1 ;; esac
}
count_is() { [ "$(bird_count)" = "$1" ]; }

start_rtbh_bird || { fail "BIRD starts"; finish; exit; }
run=$(run_line)
if [ -n "$run" ]; then
	pass "shipped run line found: rtbh-feeder $run"
else
	fail "shipped run line found in config/rtbh.conf"
fi
deploy_config "$repo/config/rtbh.conf" "$work/rtbh.conf" "$bird_ip" \
    "$evb_ip" "$feeder $run --interval 0.5"
start_evbgpd "$work/rtbh.conf"

check "session with BIRD established (iBGP)" wait_for 60 established
t=$(time_until 60 count_is 52) &&
    pass "BIRD has the 52 listed routes (${t}s)" ||
    fail "BIRD has the 52 listed routes (has $(bird_count))"
check "203.0.113.7/32: BLACKHOLE + NO_EXPORT, next hop 192.0.2.1, blackholed" \
    rtbh_route_ok 203.0.113.7/32 192.0.2.1
check "203.0.113.50/32 likewise" rtbh_route_ok 203.0.113.50/32 192.0.2.1
check "2001:db8:666::1/128: BLACKHOLE, next hop 100::1, blackholed" \
    rtbh_route_ok 2001:db8:666::1/128 100::1
check "the /24 (shorter than --min-length4) is not announced" \
    no_route 198.51.100.0/24
# the feeder's stderr reaches evbgpd's log, prefixed with its process name
check "the feeder logged the skipped lines" sh -c "
    grep -q 'process [^ ]*: .*not an address or prefix' '$work/evbgpd.log' &&
    grep -q 'process [^ ]*: .*shorter than /32' '$work/evbgpd.log' &&
    grep -q 'process [^ ]*: .*host bits set' '$work/evbgpd.log'"

sed -i '/^203\.0\.113\.7$/d' "$list"
t=$(time_until 60 no_route 203.0.113.7/32) &&
    pass "line removed -> 203.0.113.7/32 withdrawn (${t}s)" ||
    fail "line removed -> 203.0.113.7/32 withdrawn"
check "... the other 51 stay" count_is 51
echo "203.0.113.200" >>"$list"
check "line added -> 203.0.113.200/32 announced" \
    wait_for 60 rtbh_route_ok 203.0.113.200/32 192.0.2.1

# The feeder dies while an entry is being removed: the respawned one
# learns from the state file what it had announced.
pid=$(feeder_pid)
if [ -n "$pid" ]; then
	kill -STOP "$pid"
	sed -i '/^203\.0\.113\.8$/d' "$list"
	kill -KILL "$pid"
	check "feeder killed -> respawned by evbgpd" wait_for 60 sh -c "
	    p=\$(ps -o pid= --ppid $evbgpd_pid | tr -d ' ' | head -n 1);
	    [ -n \"\$p\" ] && [ \"\$p\" != $pid ]"
	check "... the new feeder withdraws the entry removed meanwhile (state file)" \
	    wait_for 60 no_route 203.0.113.8/32
	check "... and keeps the rest (51 routes)" wait_for 60 count_is 51
else
	fail "feeder running under evbgpd"
fi

stop_pid "$bird_pid"
start_rtbh_bird || fail "BIRD starts again"
check "BIRD restarted -> session re-established" wait_for 60 established
check "... every route comes back (51)" wait_for 60 count_is 51

mv "$list" "$list.away"
# the feeder notices on its next poll and logs it: wait for that, then
# nothing may have been withdrawn
check "file deleted -> the feeder logs it keeps its routes" wait_for 60 \
    grep -q "process [^ ]*: .*does not exist: keeping" "$work/evbgpd.log"
check "... and nothing is withdrawn (51)" count_is 51
: >"$list"
t=$(time_until 60 count_is 0) &&
    pass "file emptied -> everything withdrawn (${t}s)" ||
    fail "file emptied -> everything withdrawn (has $(bird_count))"
check "the session stayed up" established

stop_pid "$evbgpd_pid"
check "state file is empty after the last withdraw" \
    sh -c "! grep -v '^#' '$state' | grep -q ."
finish
