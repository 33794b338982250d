#!/usr/bin/env bash
# End-to-end test of the route-server sidecar (config/route-server-sidecar.conf):
# BIRD 2 plays the route server (127.0.0.45) and sends 1,000 IPv4 and 100
# IPv6 routes to evbgpd (127.0.0.46), which hands every UPDATE to
# config/helpers/json-collector (encoder json). Loopback only; a network
# namespace of its own when the machine has them.
#
#   * the collector's file holds exactly the 1,000 IPv4 + 100 IPv6
#     announced prefixes, every line parses as JSON, each with BIRD's
#     attributes (as-path, community);
#   * a "state" line records the session going up;
#   * BIRD withdraws the IPv6 routes -> the 100 withdrawals are recorded;
#   * the file is rotated (mv) -> the collector re-opens it and writes on;
#   * the same lines through `json-collector --format prefix` give one
#     record per prefix;
#   * BIRD stops -> a "state" "down" line; evbgpd stops -> the collector
#     exits and its last line is complete.
#
# Usage: tests/deploy/e2e-sidecar.sh [BUILD_DIR]   (default: build)
# Prints PASS/FAIL lines and "N passed, M failed"; exit 0 only if all
# passed, 77 when a prerequisite is missing. Needs root.
set -u
name=sidecar
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=$(cd "${1:-$repo/build}" 2>/dev/null && pwd) || skip "no build directory"

need "$build/evbgpd" bird birdc ip python3
need_root
setup
use_netns || true

bird_ip=127.0.0.45
evb_ip=127.0.0.46
out=$work/updates.jsonl
collector=$repo/config/helpers/json-collector

# 1,000 distinct IPv4 prefixes inside the documentation ranges: every
# subnet (/24 to /32) of 198.51.100.0/24 (511) and the first 489 of
# 203.0.113.0/24's; 100 IPv6 /48s in 2001:db8::/32.
python3 - "$work" <<'EOF'
import ipaddress, sys
work = sys.argv[1]
v4 = []
for base in ("198.51.100.0/24", "203.0.113.0/24"):
    net = ipaddress.ip_network(base)
    for plen in range(24, 33):
        v4.extend(net.subnets(new_prefix=plen))
v4 = v4[:1000]
v6 = [ipaddress.ip_network("2001:db8:%x::/48" % i) for i in range(1, 101)]
with open(work + "/static4.conf", "w") as f:
    f.write("protocol static rs4 {\n  ipv4;\n")
    for n in v4:
        f.write("  route %s blackhole { bgp_community.add((65000, 100)); };\n" % n)
    f.write("}\n")
with open(work + "/static6.conf", "w") as f:
    f.write("protocol static rs6 {\n  ipv6;\n")
    for n in v6:
        f.write("  route %s blackhole;\n" % n)
    f.write("}\n")
with open(work + "/expected", "w") as f:
    for n in v4 + v6:
        f.write("%s\n" % n)
EOF

bird_extra="include \"$work/static4.conf\";
include \"$work/static6.conf\";"
bird_chan='ipv4 { import none; export all; };
  ipv6 { import none; export all; next hop address 2001:db8::45; };'

# Parse the collector's file: exit 1 on any line that is not JSON;
# print "lines announced4 announced6 withdrawn up down".
summary() {
	python3 - "$@" <<'EOF'
import json, sys
ann, wd, lines, up, down = set(), set(), 0, 0, 0
for path in sys.argv[1:]:
    for raw in open(path, encoding="utf-8"):
        lines += 1
        m = json.loads(raw)                      # any bad line: exit 1
        nb = m["neighbor"]
        if m["type"] == "state":
            up += nb["state"] == "up"
            down += nb["state"] == "down"
            continue
        u = nb["message"].get("update", {})
        for fam, hops in u.get("announce", {}).items():
            for nh, nl in hops.items():
                for n in nl:
                    ann.add(n["nlri"])
        for fam, nl in u.get("withdraw", {}).items():
            for n in nl:
                wd.add(n["nlri"])
v4 = sum(1 for p in ann if ":" not in p)
print(lines, v4, len(ann) - v4, len(wd), up, down)
EOF
}
announced_is() {	# announced_is N4 N6 FILE...: both counts reached
	local n4=$1 n6=$2
	shift 2
	[ "$(summary "$@" 2>/dev/null | awk '{ print $2 " " $3 }')" = "$n4 $n6" ]
}
withdrawn_is() {
	local n=$1
	shift
	[ "$(summary "$@" 2>/dev/null | awk '{ print $4 }')" = "$n" ]
}
downs_are() {
	local n=$1
	shift
	[ "$(summary "$@" 2>/dev/null | awk '{ print $6 }')" = "$n" ]
}

start_bird "$bird_ip" "$evb_ip" 65000 65010 "$bird_extra" "$bird_chan" ||
    { fail "BIRD starts"; finish; exit; }
run=$(sed -n 's/^[[:space:]]*run helpers\/json-collector \(.*\);$/\1/p' \
    "$repo/config/route-server-sidecar.conf" |
    sed "s|/var/lib/evbgpd/updates.jsonl|$out|")
if [ -n "$run" ]; then
	pass "shipped run line found: json-collector $run"
else
	fail "shipped run line found in config/route-server-sidecar.conf"
fi
deploy_config "$repo/config/route-server-sidecar.conf" "$work/sidecar.conf" \
    "$bird_ip" "$evb_ip" "$collector $run"
start_evbgpd "$work/sidecar.conf"

check "session with the route server (BIRD) established" \
    wait_for 60 established
t=$(time_until 60 announced_is 1000 100 "$out") &&
    pass "collector file holds the 1,000 IPv4 + 100 IPv6 announced prefixes (${t}s)" ||
    fail "collector file holds the 1,000 IPv4 + 100 IPv6 announced prefixes ($(summary "$out" 2>&1 | tail -n 1))"
# shellcheck disable=SC2046
set -- $(summary "$out" 2>/dev/null)
if [ $# -eq 6 ]; then
	pass "every one of the $1 lines parses as JSON"
else
	fail "every line parses as JSON"
	summary "$out" 2>&1 | tail -n 3
fi
check "the prefixes are exactly BIRD's" python3 - "$out" "$work/expected" <<'EOF'
import json, sys
got = set()
for raw in open(sys.argv[1]):
    m = json.loads(raw)
    for fam, hops in m["neighbor"].get("message", {}).get("update", {}).get("announce", {}).items():
        for nl in hops.values():
            got.update(n["nlri"] for n in nl)
want = set(l.strip() for l in open(sys.argv[2]))
sys.exit(0 if got == want else 1)
EOF
check "attributes recorded (as-path [ 65000 ], community 65000:100)" \
    grep -q '"as-path": *\[ *65000 *\].*"community": *\[ *\[ *65000, *100 *\] *\]' "$out"
check "a state line records the session going up" \
    grep -q '"type": *"state".*"state": *"up"' "$out"

# BIRD withdraws the IPv6 routes
birdc_ disable rs6 >/dev/null
t=$(time_until 60 withdrawn_is 100 "$out") &&
    pass "route server withdraws 100 IPv6 routes -> 100 withdrawals recorded (${t}s)" ||
    fail "route server withdraws 100 IPv6 routes -> 100 withdrawals recorded"

# rotation: mv the file; the collector writes a new one
mv "$out" "$out.1"
# a lower bound, not a wait for an event: the collector looks for a
# rotation at most once a second, so 1.2 s after the mv its next write
# re-opens the file however busy the machine is
sleep 1.2
birdc_ enable rs6 >/dev/null
t=$(time_until 60 announced_is 0 100 "$out") &&
    pass "file rotated (mv) -> re-opened, new routes in the new file (${t}s)" ||
    fail "file rotated (mv) -> re-opened, new routes in the new file"

# the same events, one record per prefix
"$collector" --format prefix --output - --quiet <"$out.1" >"$work/prefix.jsonl"
check "--format prefix: 1,000 + 100 announce and 100 withdraw records" \
    python3 - "$work/prefix.jsonl" <<'EOF'
import json, sys
n = {"announce": 0, "withdraw": 0, "state": 0}
for raw in open(sys.argv[1]):
    r = json.loads(raw)
    n[r["action"]] = n.get(r["action"], 0) + 1
    if r["action"] == "announce":
        assert r["peer"] == "127.0.0.45" and r["peer-as"] == 65000, r
        assert r["prefix"] and r["next-hop"] and "attributes" in r, r
sys.exit(0 if (n["announce"], n["withdraw"]) == (1100, 100) else 1)
EOF

stop_pid "$bird_pid"
check "route server gone -> a state down line" wait_for 60 downs_are 1 "$out"
cpid=$(ps -o pid= --ppid "$evbgpd_pid" 2>/dev/null | tr -d ' ' | head -n 1)
stop_pid "$evbgpd_pid"
check "evbgpd stopped -> the collector exits" wait_for 60 dead "${cpid:-x}"
check "every line of both files parses, the last one is complete" \
    sh -c "[ \"\$(tail -c 1 '$out' | od -An -c | tr -d ' ')\" = '\\n' ] &&
    python3 -c 'import json,sys; [json.loads(l) for f in sys.argv[1:] for l in open(f)]' '$out' '$out.1'"
finish
