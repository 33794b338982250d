#!/usr/bin/env bash
# L2VPN interop with GoBGP (see famlib.sh for the layout):
#  (l1) the DUT announces VPLS routes (RFC 4761) to GoBGP (l2vpn-vpls): GoBGP's RIB shows each
#       one with its RD, VE ID, block offset, block size and label base, and its route targets;
#  (l2) GoBGP announces EVPN routes (RFC 7432, 9136: types 1 to 5, IPv4 and IPv6, ESI types,
#       label stacks, PMSI tunnel, router MAC) to the DUT and to ExaBGP 4.2 at once: the routes
#       in the DUT's helper JSON are ExaBGP's, exactly;
#  (l3) GoBGP announces RTC routes (RFC 4684, ipv4 rtc): the DUT's JSON holds those GoBGP says
#       it sent (ExaBGP 4.2 fails on RTC routes: see GOBGP_VRFS).
# EVPN in the sending direction is not an ExaBGP 4.2 feature (its configuration has no EVPN
# routes), so neither is it ours. FRR originates EVPN only from the kernel's VNIs and VRFs
# (through zebra), which this loopback-only test does not create: not checked with FRR.
set -euo pipefail
PEER_NAME=l2vpn
# shellcheck source=tests/interop/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/interop/famlib.sh
. "$INTEROP_DIR/famlib.sh"

VPLS_ROUTES='
        vpls site5 { endpoint 5; base 10702; offset 1; size 8; rd 192.0.2.1:123; next-hop 127.0.0.11;
                     extended-community [ target:65001:6 l2info:19:0:1500:111 ]; }
        vpls site6 { endpoint 6; base 20000; offset 9; size 16; rd 65001:124; next-hop 127.0.0.11;
                     extended-community [ target:65001:7 ]; }
'

# GoBGP 3.10 decodes VPLS NLRI but its CLI has no VPLS family to show them: the check reads
# the UPDATEs gobgpd logs at debug level (its own decoding: "RD:VE-ID:OFFSET (Block Size: N,
# Label Base: L)", the next hop and the extended communities, where l2info:19:0:1500:111 is
# "encaps: VPLS, control flags:0x0, mtu: 1500") and the per-family counters of the neighbor
# (gobgp neighbor ADDR -j: AFI 25 SAFI 65 received and accepted).
WANT_GOBGP='192.0.2.1:123:5:1 (Block Size: 8, Label Base: {[10702]}) nh=127.0.0.11 ext=[65001:6], [encaps: VPLS, control flags:0x0, mtu: 1500]
65001:124:6:9 (Block Size: 16, Label Base: {[20000]}) nh=127.0.0.11 ext=[65001:7]'
VPLS_ROUTES_N=2

gobgp_vpls() {
	"$PYTHON" "$INTEROP_DIR/famroutes.py" gobgp-log l2vpn-vpls <"$GOBGP_LOG"
}

# GoBGP accepted N routes of AFI 25 / SAFI 65 from ADDR
gobgp_vpls_accepted() {
	gobgp_ neighbor "$1" -j 2>/dev/null | "$PYTHON" -c '
import json, sys
n = int(sys.argv[1])
for a in json.load(sys.stdin).get("afi_safis", []):
    f = a.get("config", {}).get("family", {})
    if f.get("afi") == 25 and f.get("safi") == 65:
        st = a.get("state", {})
        sys.exit(0 if st.get("received") == n and st.get("accepted") == n else 1)
sys.exit(1)' "$2"
}

gobgp_vpls_match() {
	gobgp_vpls >"$TMP/gobgp-got.txt" 2>/dev/null || true
	printf '%s\n' "$WANT_GOBGP" | LC_ALL=C sort >"$TMP/gobgp-want.txt"
	cmp -s "$TMP/gobgp-got.txt" "$TMP/gobgp-want.txt" &&
		gobgp_vpls_accepted "$DUT_EBGP_ADDR" "$VPLS_ROUTES_N"
}

GOBGP_EVPN=(
	"a-d esi LACP aa:bb:cc:dd:ee:ff 100 etag 200 label 300 rd 65002:1 rt 65002:1 encap vxlan esi-label 400"
	"a-d esi 0 etag 4294967295 label 0 rd 192.0.2.13:1 rt 65002:1"
	"macadv aa:bb:cc:dd:ee:01 10.0.0.1 etag 100 label 200 rd 65002:2 rt 65002:2 encap vxlan"
	"macadv aa:bb:cc:dd:ee:02 2001:db8::1 esi MAC aa:bb:cc:dd:ee:ff 7 etag 0 label 201,202 rd 65002:2 rt 65002:2"
	"macadv aa:bb:cc:dd:ee:03 10.0.0.3 etag 0 label 203 rd 65002:2 rt 65002:2 router-mac bb:bb:bb:bb:bb:01"
	"multicast 10.0.0.2 etag 100 rd 65002:3 rt 65002:3 encap vxlan pmsi ingress-repl 100 127.0.0.13"
	"multicast 2001:db8::2 etag 0 rd 65002:3"
	"esi 10.0.0.3 esi AS 65002 100 rd 65002:4 rt 65002:4"
	"prefix 10.9.0.0/24 172.16.0.1 esi ROUTERID 192.0.2.13 5 etag 200 label 300 rd 65002:5 rt 65002:5 encap vxlan router-mac bb:bb:bb:bb:bb:bb"
	"prefix 2001:db8:9::/64 :: etag 0 label 301 rd 65002:5"
)
PEER_ROUTES=${#GOBGP_EVPN[@]}

# RTC (RFC 4684): GoBGP's CLI cannot add RTC routes ("unsupported route family: rtc"); it
# advertises one membership route per import route target of its VRFs to the peers that
# negotiated RTC (origin AS: its own). ExaBGP 4.2.21 cannot be the reference here: its family
# block cannot name RTC ("ipv4 rtc" is an invalid pair, "all" an invalid keyword), and without
# the block it negotiates RTC but fails on the first RTC route ("'RTC' object has no attribute
# 'json'") and drops the session. So the DUT's routes are checked against what GoBGP logs it
# sent them.
GOBGP_VRFS=(
	"v1 rd 65002:1 rt import 65002:100 export 65002:101"
	"v2 rd 192.0.2.13:7 rt import 192.0.2.13:7"
	"v3 rd 65002:3 rt import 65002:300"
)

# ORIGIN-AS:RT of the RTC routes GoBGP sent to the DUT (its debug log) and of those in the DUT's
# JSON ("rtc": "65002:target:65002:100")
rtc_match() {
	grep "msg=\"sent update\" Key=$DUT_EBGP_ADDR " "$GOBGP_LOG" |
		grep -o 'MpReach(rtc): {Nexthop: [^,]*, NLRIs: \[[^]]*\]' |
		sed 's/.*NLRIs: \[//; s/\]$//; s/ /\n/g' | LC_ALL=C sort -u >"$TMP/rtc-want.txt"
	"$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    ann = m.get("neighbor", {}).get("message", {}).get("update", {}).get("announce", {})
    for routes in ann.get("ipv4 rtc", {}).values():
        for r in routes:
            print(r["rtc"].replace(":target:", ":", 1))
' "$TMP/dut-rtc.json" | LC_ALL=C sort -u >"$TMP/rtc-got.txt"
	[ "$(wc -l <"$TMP/rtc-want.txt")" -eq "${#GOBGP_VRFS[@]}" ] &&
		cmp -s "$TMP/rtc-want.txt" "$TMP/rtc-got.txt"
}

run() {
	FAM_PEER_ADDRS=$FAM_GOBGP_ADDR
	fam_preflight L2VPN "$GOBGPD" "$GOBGP" "$EXABGP" || return 0
	GOBGP_LOG_LEVEL=debug fam_gobgp_start "l2vpn-vpls l2vpn-evpn rtc" || {
		fail "GoBGP did not start"
		return 0
	}

	# ---- (l1): the DUT announces VPLS
	fam_announce "l2vpn:vpls l2vpn:evpn" "    l2vpn {$VPLS_ROUTES    }" "$FAM_GOBGP_ADDR"
	fam_expect "(l1)" "gobgp_up $DUT_EBGP_ADDR" gobgp_vpls_match "$TMP/gobgp-want.txt" "$TMP/gobgp-got.txt" \
		"GoBGP decoded and accepted the %d VPLS routes with their RD, VE ID, offset, size, label base, next hop and route targets" \
		"GoBGP's VPLS routes differ"
	gobgp_ neighbor "$DUT_EBGP_ADDR" -j >"$TMP/gobgp-neighbor.json" 2>&1 || true
	stop_pid "$DUT_PID" 10

	# ---- (l2): GoBGP announces EVPN, the DUT and ExaBGP 4.2 receive
	local c evpn=()
	for c in "${GOBGP_EVPN[@]}"; do evpn+=("-a evpn add $c"); done
	fam_gobgp_add "(l2)" "${evpn[@]}"
	fam_receive "(l2)" "l2vpn:vpls l2vpn:evpn" "$PEER_ROUTES" "EVPN routes (types 1-5)" "$FAM_GOBGP_ADDR"

	# ---- (l3): GoBGP announces RTC routes, the DUT and ExaBGP 4.2 receive (their own session
	# family, so that route-target constraint does not filter (l2)'s EVPN routes)
	for c in "${GOBGP_VRFS[@]}"; do
		# shellcheck disable=SC2086
		gobgp_ vrf add $c >>"$GOBGP_LOG" 2>&1 || {
			fail "(l3) GoBGP refused: vrf add $c"
			show_file "$GOBGP_LOG"
		}
	done
	FAM_LOCAL=$DUT_EBGP_ADDR
	{
		fam_recorder "$TMP/dut-rtc.json"
		fam_neighbor "$FAM_GOBGP_ADDR" "ipv4:rtc"
	} >"$TMP/dut-rtc.conf"
	# shellcheck disable=SC2086
	fam_start dut "$TMP/dut-rtc.conf" $EVBGPD
	DUT_PID=$STARTED_PID
	fam_expect "(l3)" "gobgp_up $DUT_EBGP_ADDR" rtc_match "$TMP/rtc-want.txt" "$TMP/rtc-got.txt" \
		"the DUT's JSON holds the %d RTC routes GoBGP sent, origin AS and route target as GoBGP wrote them" \
		"the DUT's RTC routes differ from those GoBGP sent"
	stop_pid "$DUT_PID" 10
	stop_pid "$GOBGP_PID" 5
}

run
finish
