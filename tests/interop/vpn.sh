#!/usr/bin/env bash
# MPLS-VPN (RFC 4364, 4659) and labeled unicast (RFC 8277) interop, both ways (see famlib.sh
# for the layout):
#  (v1) the DUT announces the routes of VPN_ROUTES (VPNv4, VPNv6, IPv4/IPv6 labeled unicast,
#       one with a two-label stack) to BIRD (vpn4/vpn6 mpls and ipv4/ipv6 mpls channels): BIRD
#       holds each one with its RD, its labels and its route targets;
#  (v2) the same routes to GoBGP (l3vpn-ipv4/ipv6-unicast, ipv4/ipv6-labelled-unicast): its RIB
#       shows each one with its RD, labels, next hop and route targets;
#  (v3) BIRD and GoBGP announce VPN and labeled routes of their own to the DUT and to ExaBGP 4.2
#       at once: the routes in the DUT's helper JSON are ExaBGP's, exactly.
set -euo pipefail
PEER_NAME=vpn
# shellcheck source=tests/interop/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/interop/famlib.sh
. "$INTEROP_DIR/famlib.sh"

# IPv4 next hops are 192.0.2.11 (documentation, nothing forwards), not the DUT's loopback
# address: GoBGP treats an UPDATE whose next hop is not a global unicast address as a
# withdrawal ("invalid nexthop address").
FAMS="ipv4:mpls-vpn ipv6:mpls-vpn ipv4:nlri-mpls ipv6:nlri-mpls"

VPN_ROUTES='
        route 10.1.0.0/24 rd 65001:1 label 100 next-hop 192.0.2.11 extended-community [ target:65001:1 ];
        route 10.1.1.0/24 rd 192.0.2.1:7 label 101 next-hop 192.0.2.11 extended-community [ target:65001:2 target:65001:3 ];
        route 2001:db8:a::/48 rd 65001:2 label 200 next-hop 2001:db8::11 extended-community [ target:65001:1 ];
        route 10.2.0.0/24 label 300 next-hop 192.0.2.11;
        route 10.2.1.0/24 label [ 301 302 ] next-hop 192.0.2.11;
        route 2001:db8:b::/48 label 400 next-hop 2001:db8::11;
'

# What BIRD must hold, in its spelling (famroutes.py bird)
WANT_BIRD='65001:1 10.1.0.0/24 labels=100 ext=(rt, 65001, 1)
192.0.2.1:7 10.1.1.0/24 labels=101 ext=(rt, 65001, 2),(rt, 65001, 3)
65001:2 2001:db8:a::/48 labels=200 ext=(rt, 65001, 1)
10.2.0.0/24 labels=300 ext=-
10.2.1.0/24 labels=301/302 ext=-
2001:db8:b::/48 labels=400 ext=-'

# What GoBGP must hold, in its spelling (famroutes.py gobgp)
WANT_GOBGP='65001:1:10.1.0.0/24 labels=[100] nh=192.0.2.11 ext=65001:1
192.0.2.1:7:10.1.1.0/24 labels=[101] nh=192.0.2.11 ext=65001:2,65001:3
65001:2:2001:db8:a::/48 labels=[200] nh=2001:db8::11 ext=65001:1
10.2.0.0/24 labels=[300] nh=192.0.2.11 ext=-
10.2.1.0/24 labels=[301,302] nh=192.0.2.11 ext=-
2001:db8:b::/48 labels=[400] nh=2001:db8::11 ext=-'

bird_routes() {
	local t
	for t in v4vpn v6vpn lu4 lu6; do
		birdc_ show route all table "$t" protocol dut || return 1
	done >"$TMP/bird-show.txt" 2>&1
	"$PYTHON" "$INTEROP_DIR/famroutes.py" bird <"$TMP/bird-show.txt"
}

bird_routes_match() {
	bird_routes >"$TMP/bird-got.txt" 2>/dev/null || return 1
	printf '%s\n' "$WANT_BIRD" | LC_ALL=C sort >"$TMP/bird-want.txt"
	cmp -s "$TMP/bird-got.txt" "$TMP/bird-want.txt"
}

gobgp_routes() {
	local a
	for a in vpnv4 vpnv6 ipv4-mpls ipv6-mpls; do
		gobgp_ global rib -a "$a" || return 1
	done >"$TMP/gobgp-show.txt" 2>&1
	"$PYTHON" "$INTEROP_DIR/famroutes.py" gobgp <"$TMP/gobgp-show.txt"
}

gobgp_routes_match() {
	gobgp_routes >"$TMP/gobgp-got.txt" 2>/dev/null || return 1
	printf '%s\n' "$WANT_GOBGP" | LC_ALL=C sort >"$TMP/gobgp-want.txt"
	cmp -s "$TMP/gobgp-got.txt" "$TMP/gobgp-want.txt"
}

# ---- (v3): the peers' routes
BIRD_STATIC='
protocol static s_vpn4 { vpn4 { table v4vpn; };
  route 65002:10 198.51.100.128/25 blackhole;
  route 65002:11 198.51.100.0/25 blackhole; }
protocol static s_vpn6 { vpn6 { table v6vpn; }; route 65002:12 2001:db8:200::/48 blackhole; }
protocol static s_lu4 { ipv4 { table lu4; }; route 198.51.102.0/24 blackhole; }
protocol static s_lu6 { ipv6 { table lu6; }; route 2001:db8:201::/48 blackhole; }'
GOBGP_ROUTES=(
	"-a vpnv4 add 203.0.113.0/24 label 500 rd 65002:1 rt 65002:1 nexthop 127.0.0.13"
	"-a vpnv4 add 203.0.113.128/25 label 501 rd 203.0.113.1:9 rt 65002:1 rt 65002:2 med 20"
	"-a vpnv6 add 2001:db8:300::/48 label 502 rd 65002:3 rt 65002:3"
	"-a ipv4-mpls add 203.0.114.0/24 600"
	"-a ipv4-mpls add 203.0.114.128/25 601/602 med 5"
	"-a ipv6-mpls add 2001:db8:301::/48 700"
)
PEER_ROUTES=11 # 5 from BIRD, 6 from GoBGP

bird_channels() { # $1: import policy; $2: export filter (or none)
	cat <<EOF
  vpn4 mpls { table v4vpn; import $1; export $2; };
  vpn6 mpls { table v6vpn; import $1; export $2; next hop address 2001:db8::12; };
  ipv4 mpls { table lu4; import $1; export $2; };
  ipv6 mpls { table lu6; import $1; export $2; next hop address 2001:db8::12; };
EOF
}

run() {
	fam_preflight "VPN and labeled-unicast" "$BIRD" "$BIRDC" "$GOBGPD" "$GOBGP" "$EXABGP" || return 0
	local export='where proto ~ "s_*"'
	fam_bird_start "
vpn4 table v4vpn;
vpn6 table v6vpn;
ipv4 table lu4;
ipv6 table lu6;
$BIRD_STATIC
$(fam_bird_peer dut "$DUT_EBGP_ADDR" "$(bird_channels all "$export")")
$(fam_bird_peer exa "$FAM_EXA_ADDR" "$(bird_channels none "$export")")" || {
		fail "BIRD did not start"
		return 0
	}
	fam_gobgp_start "l3vpn-ipv4-unicast l3vpn-ipv6-unicast ipv4-labelled-unicast ipv6-labelled-unicast" || {
		fail "GoBGP did not start"
		return 0
	}

	# ---- (v1) (v2): the DUT announces
	fam_announce "$FAMS" "    static {$VPN_ROUTES    }" "$FAM_BIRD_ADDR" "$FAM_GOBGP_ADDR"
	fam_expect "(v1)" "bird_up dut" bird_routes_match "$TMP/bird-want.txt" "$TMP/bird-got.txt" \
		"BIRD holds the %d VPN/labeled routes with their RDs, labels and route targets" \
		"BIRD's tables differ"
	fam_expect "(v2)" "gobgp_up $DUT_EBGP_ADDR" gobgp_routes_match "$TMP/gobgp-want.txt" "$TMP/gobgp-got.txt" \
		"GoBGP holds the %d VPN/labeled routes with their RDs, labels, next hops and route targets" \
		"GoBGP's RIB differs"
	stop_pid "$DUT_PID" 10

	# ---- (v3): the peers announce, the DUT and ExaBGP 4.2 receive
	fam_gobgp_add "(v3)" "${GOBGP_ROUTES[@]}"
	fam_receive "(v3)" "$FAMS" "$PEER_ROUTES" "VPN/labeled routes" "$FAM_BIRD_ADDR" "$FAM_GOBGP_ADDR"
	stop_pid "$BIRD_PID" 5
	stop_pid "$GOBGP_PID" 5
}

run
finish
