#!/usr/bin/env bash
# Flowspec interop (RFC 8955, 8956), both ways (see famlib.sh for the layout):
#  (f1) the DUT announces the rules of FLOW_ROUTES to BIRD (flow4/flow6 tables): BIRD holds
#       each one, component by component;
#  (f2) the same rules to GoBGP (ipv4-flowspec, ipv6-flowspec):
#       GoBGP's RIB shows each one, component by component, with its actions;
#  (f3) BIRD and GoBGP announce rules of their own (every component they can write) to the DUT
#       and to ExaBGP 4.2 at once: the routes in the DUT's helper JSON are ExaBGP's, exactly.
set -euo pipefail
PEER_NAME=flowspec
# shellcheck source=tests/interop/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/interop/famlib.sh
. "$INTEROP_DIR/famlib.sh"

# The DUT's rules: the kit's conf-flow set and more (every component, every action).
FLOW_ROUTES='
route tcp-3128 { match { source 10.0.0.1/32; destination 10.0.0.2/32; destination-port =3128; protocol tcp; } then { discard; } }
route ports { match { destination 192.0.2.0/24; port [ =80 =8080 ]; destination-port [ >8080&<8088 =3128 ]; source-port >1024; protocol [ udp tcp ]; } then { rate-limit 9600; } }
route redirect-as { match { destination 192.0.2.1/32; protocol udp; } then { redirect 65500:12345; } }
route marked { match { destination 192.0.2.2/32; packet-length [ >200&<300 >400&<500 ]; } then { mark 10; } }
route icmp { match { destination 192.0.2.3/32; protocol icmp; icmp-type echo-request; icmp-code 0; } then { action sample-terminal; } }
route flags { match { destination 192.0.2.4/32; protocol tcp; tcp-flags [ syn rst&fin&!=push ]; } then { discard; } }
route frags { match { destination 192.0.2.5/32; fragment [ is-fragment first-fragment ]; } then { discard; } }
route dscp { match { destination 192.0.2.6/32; dscp [ 10 46 ]; } then { discard; } }
route neq { match { destination 192.0.2.7/32; protocol !=tcp; destination-port [ !=443 ]; } then { discard; } }
route v6 { match { destination 2001:db8:1::/48/0; source 2001:db8:2::/48/0; next-header udp; destination-port =53; } then { discard; } }
route v6-label { match { destination 2001:db8:3::1/128/0; flow-label [ >100&<2000 ]; traffic-class 46; } then { rate-limit 1000; } }
'


# ---- what BIRD must hold (its CLI's spelling), one line per rule: "a,b" is
# "a or b"; for bit masks "x/y" is (flags & y) == x, "!x/y" its negation,
# so "!0x0/0x2" is "syn set" (our operator-less item) and "!0x8/0x8" is
# "push not all set" (!=push); BIRD writes "any of the fragment bits" as
# "!!is_fragment".

WANT_BIRD='flow4 { dst 10.0.0.2/32; src 10.0.0.1/32; proto 6; dport 3128; }
flow4 { dst 192.0.2.0/24; proto 17,6; port 80,8080; dport > 8080 && < 8088 || 3128; sport > 1024; }
flow4 { dst 192.0.2.1/32; proto 17; }
flow4 { dst 192.0.2.2/32; length > 200 && < 300 || > 400 && < 500; }
flow4 { dst 192.0.2.3/32; proto 1; icmp type 8; icmp code 0; }
flow4 { dst 192.0.2.4/32; proto 6; tcp flags !0x0/0x2 || !0x0/0x4 && !0x0/0x1 && !0x8/0x8; }
flow4 { dst 192.0.2.5/32; fragment !!is_fragment || !!first_fragment; }
flow4 { dst 192.0.2.6/32; dscp 10,46; }
flow4 { dst 192.0.2.7/32; proto != 6; dport != 443; }
flow6 { dst 2001:db8:1::/48; src 2001:db8:2::/48; next header 17; dport 53; }
flow6 { dst 2001:db8:3::1/128; dscp 46; label > 100 && < 2000; }'

bird_flows() {
	birdc_ show route table own4 protocol dut >"$TMP/bird-flow4.txt" 2>&1 || return 1
	birdc_ show route table own6 protocol dut >"$TMP/bird-flow6.txt" 2>&1 || return 1
	cat "$TMP/bird-flow4.txt" "$TMP/bird-flow6.txt" |
		sed -n 's/^\(flow[46] {.*}\) *\[.*$/\1/p' | sed 's/ *$//' | LC_ALL=C sort
}

bird_flows_match() {
	bird_flows >"$TMP/bird-got.txt" 2>/dev/null || return 1
	printf '%s\n' "$WANT_BIRD" | LC_ALL=C sort >"$TMP/bird-want.txt"
	cmp -s "$TMP/bird-got.txt" "$TMP/bird-want.txt"
}

# GoBGP's spelling of the same rules (gobgp global rib -a ipv4-flowspec):
# its Network column, then its extended communities (rate-limit is "rate:",
# mark "remark:", action sample-terminal "terminal-sample", traffic-class
# is GoBGP's "dscp" on IPv6)
WANT_GOBGP='[destination: 10.0.0.2/32][source: 10.0.0.1/32][protocol: ==tcp][destination-port: ==3128] discard
[destination: 192.0.2.0/24][protocol: ==udp ==tcp][port: ==80 ==8080][destination-port: >8080&<8088 ==3128][source-port: >1024] rate: 9600.000000
[destination: 192.0.2.1/32][protocol: ==udp] redirect: 65500:12345
[destination: 192.0.2.2/32][packet-length: >200&<300 >400&<500] remark: 10
[destination: 192.0.2.3/32][protocol: ==icmp][icmp-type: ==8][icmp-code: ==0] action: terminal-sample
[destination: 192.0.2.4/32][protocol: ==tcp][tcp-flags: S R&F&!=P] discard
[destination: 192.0.2.5/32][fragment: is-fragment first-fragment] discard
[destination: 192.0.2.6/32][dscp: ==10 ==46] discard
[destination: 192.0.2.7/32][protocol: !=tcp][destination-port: !=443] discard
[destination: 2001:db8:1::/48/0][source: 2001:db8:2::/48/0][protocol: ==udp][destination-port: ==53] discard
[destination: 2001:db8:3::1/128/0][dscp: ==46][label: >100&<2000] rate: 1000.000000'

gobgp_flows() {
	local a
	for a in ipv4-flowspec ipv6-flowspec; do
		gobgp_ global rib -a "$a" 2>/dev/null | tail -n +2
	done | sed 's/^[*> ]*//; s/  */ /g' | "$PYTHON" -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"(\[.*\]) (\S+) .*Extcomms: \[([^]]*)\]", line)
    if m:
        print("%s %s" % (m.group(1), m.group(3)))
    elif line.strip():
        print(line.strip())
' | LC_ALL=C sort
}

gobgp_flows_match() {
	gobgp_flows >"$TMP/gobgp-got.txt" 2>/dev/null || return 1
	printf '%s\n' "$WANT_GOBGP" | LC_ALL=C sort >"$TMP/gobgp-want.txt"
	cmp -s "$TMP/gobgp-got.txt" "$TMP/gobgp-want.txt"
}

# ---- (f3): rules the peers write, every component they can
BIRD_FLOWS='
  route flow4 { dst 198.51.100.0/24; src 10.9.0.0/16; proto 6; dport 80; sport > 1024 && < 65535; };
  route flow4 { dst 198.51.100.1/32; proto 1; icmp type 8; icmp code 0; };
  route flow4 { dst 198.51.100.2/32; proto 6; tcp flags 0x02/0x12; length >= 64 && <= 1500; };
  route flow4 { dst 198.51.100.3/32; dscp 46; fragment is_fragment; };
  route flow4 { dst 198.51.100.4/32; port 53 || 123; };'
BIRD_FLOWS6='
  route flow6 { dst 2001:db8:bad::/48; src 2001:db8:1::/48; next header 17; dport 53; label 1234; };
  route flow6 { dst 2001:db8:bad:1::/64; next header 58; icmp type 128; };'
GOBGP_FLOWS=(
	"-a ipv4-flowspec add match destination 203.0.113.0/24 source 192.0.2.0/24 protocol tcp destination-port ==443 then discard"
	"-a ipv4-flowspec add match destination 203.0.113.1/32 protocol udp source-port >=1024&<=2048 then rate-limit 1000"
	"-a ipv4-flowspec add match destination 203.0.113.2/32 tcp-flags S then redirect 65002:100"
	"-a ipv4-flowspec add match destination 203.0.113.3/32 packet-length >100 then mark 10"
	"-a ipv4-flowspec add match destination 203.0.113.4/32 fragment is-fragment then action sample-terminal"
	"-a ipv6-flowspec add match destination 2001:db8:f::/48 protocol tcp destination-port ==22 then discard"
)
PEER_FLOWS=13


run() {
	fam_preflight flowspec "$BIRD" "$BIRDC" "$GOBGPD" "$GOBGP" "$EXABGP" || return 0

	# ---- (f1) (f2): the DUT announces
	fam_bird_start "
flow4 table own4;
flow6 table own6;
protocol static sflow4 { flow4 { table own4; }; $BIRD_FLOWS }
protocol static sflow6 { flow6 { table own6; }; $BIRD_FLOWS6 }
$(fam_bird_peer dut "$DUT_EBGP_ADDR" '  flow4 { table own4; import all; export where proto = "sflow4"; };
  flow6 { table own6; import all; export where proto = "sflow6"; };')
$(fam_bird_peer exa "$FAM_EXA_ADDR" '  flow4 { table own4; import none; export where proto = "sflow4"; };
  flow6 { table own6; import none; export where proto = "sflow6"; };')" || { fail "BIRD did not start"; return 0; }
	fam_gobgp_start "ipv4-flowspec ipv6-flowspec" || { fail "GoBGP did not start"; return 0; }
	fam_announce "ipv4:flow ipv6:flow" "    flow {$FLOW_ROUTES    }" "$FAM_BIRD_ADDR" "$FAM_GOBGP_ADDR"
	fam_expect "(f1)" "bird_up dut" bird_flows_match "$TMP/bird-want.txt" "$TMP/bird-got.txt" \
		"BIRD holds the %d flow rules, component by component" "BIRD's flow tables differ"
	fam_expect "(f2)" "gobgp_up $DUT_EBGP_ADDR" gobgp_flows_match "$TMP/gobgp-want.txt" "$TMP/gobgp-got.txt" \
		"GoBGP holds the %d flow rules, component by component, with their actions" \
		"GoBGP's flowspec RIB differs"
	stop_pid "$DUT_PID" 10

	# ---- (f3): the peers announce, the DUT and ExaBGP 4.2 receive
	fam_gobgp_add "(f3)" "${GOBGP_FLOWS[@]}"
	fam_receive "(f3)" "ipv4:flow ipv6:flow" "$PEER_FLOWS" "flow routes" "$FAM_BIRD_ADDR" "$FAM_GOBGP_ADDR"
	stop_pid "$BIRD_PID" 5
	stop_pid "$GOBGP_PID" 5
}

run
finish
