/*
 * Text API parser tests: a table of valid lines (every verb, keyword and
 * selector form, and every command the QA kit's helper scripts send) with
 * the fields they must produce, a table of invalid lines with the error
 * they must give, and a table for api_match_peer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/api.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/route_text.h"

/*
 * Expected fields, "key=value" separated by '|'; keys not named are not
 * checked. sel=N (clauses; 0 = no selector), any=0|1, inv=0|1, peer=IP,
 * lip=IP, las=N, pas=N, rid=IP, fa=S (of clause 0 unless "c1." prefix),
 * n=routes, r0=/rl= text of the first/last route (route_text_format),
 * fam=AFI/SAFI, text=S (text "-" means NULL), show=summary|extensive|
 * configuration, ext=, json=, filter=IP|-, sub=N, both=, empty= (allow).
 */
static const struct {
	const char	*line;
	enum api_verb	 verb;
	const char	*expect;
} oks[] = {
	/* kit: api-add-remove, api-announce, api-no-respawn, api-open... */
	{ "announce route 1.1.0.0/24 next-hop 101.1.101.1", API_ANNOUNCE_ROUTE,
	    "sel=0|n=1|r0=1.1.0.0/24 next-hop 101.1.101.1 origin igp" },
	{ "announce route 1.1.0.0/25 next-hop 101.1.101.1", API_ANNOUNCE_ROUTE,
	    "n=1|r0=1.1.0.0/25 next-hop 101.1.101.1 origin igp" },
	{ "withdraw route 1.1.0.0/24", API_WITHDRAW_ROUTE,
	    "sel=0|n=1|r0=1.1.0.0/24 origin igp" },
	{ "withdraw route 1.1.0.0/25 next-hop 0.0.0.0", API_WITHDRAW_ROUTE,
	    "n=1|r0=1.1.0.0/25 next-hop 0.0.0.0 origin igp" },
	{ "neighbor * announce route 1.1.0.0/24 next-hop 101.1.101.1",
	    API_ANNOUNCE_ROUTE, "sel=1|any=1|inv=0|n=1" },
	{ "neighbor * announce route 1.2.0.0/25 next-hop 101.1.101.1",
	    API_ANNOUNCE_ROUTE, "sel=1|any=1|n=1" },
	{ "announce route 1.2.0.0/25 next-hop 101.1.101.1", API_ANNOUNCE_ROUTE,
	    "n=1" },
	/* kit: api-flow, api-broken-flow, api-flow-merge (flow_text.h) */
	{ "announce flow route { match { source 0.0.0.0/32; destination "
	    "0.0.0.0/32; destination-port =3128; protocol tcp; } then { "
	    "rate-limit 0; } }", API_ANNOUNCE_ROUTE, "sel=0|n=1|rfam=ipv4/flow" },
	{ "withdraw flow route { match { source 170.170.170.170/32; "
	    "destination 170.170.170.170/32; } then { rate-limit 1; } }",
	    API_WITHDRAW_ROUTE, "n=1|rfam=ipv4/flow" },
	{ "announce flow route destination 133.130.1.19/32 interface-set [ "
	    "transitive:input:1234:10 ] discard", API_ANNOUNCE_ROUTE,
	    "n=1|rfam=ipv4/flow" },
	{ "neighbor 127.0.0.1 announce flow route { rd 65000:1; match { "
	    "source 2001:db8::/32/0; next-header udp; } then { redirect "
	    "65000:7; } }", API_ANNOUNCE_ROUTE, "sel=1|n=1|rfam=ipv6/flow-vpn" },
	/* kit: api-vpnv4, conf-prefix-sid; main's family form */
	{ "neighbor 127.0.0.1 announce route 1.4.0.0/16 rd 65000:1 next-hop "
	    "101.1.101.1 community 100:1 extended-community 0x0002FDE900000001 "
	    "label 1000", API_ANNOUNCE_ROUTE, "sel=1|n=1|rfam=ipv4/mpls-vpn|"
	    "r0=1.4.0.0/16 rd 65000:1 label 1000 next-hop 101.1.101.1 origin igp "
	    "community 100:1 extended-community target:65001:1" },
	{ "announce route 198.51.100.101/32 next-hop 198.51.100.2 label "
	    "[ 800002 ] bgp-prefix-sid [ 300, [ ( 800000,4096 ), "
	    "( 1000000,5000 ) ] ]", API_ANNOUNCE_ROUTE,
	    "n=1|rfam=ipv4/nlri-mpls|r0=198.51.100.101/32 label 800002 "
	    "next-hop 198.51.100.2 origin igp bgp-prefix-sid [ 300, [ "
	    "( 800000,4096 ), ( 1000000,5000 ) ] ]" },
	{ "announce ipv6 mpls-vpn 2001:db8::/32 rd 1.2.3.4:5 label [ 16 17 ] "
	    "next-hop 2001:db8::1", API_ANNOUNCE_ROUTE,
	    "n=1|rfam=ipv6/mpls-vpn|r0=2001:db8::/32 rd 1.2.3.4:5 label "
	    "[ 16 17 ] next-hop 2001:db8::1 origin igp" },
	{ "announce ipv6 flow next-header tcp discard", API_ANNOUNCE_ROUTE,
	    "n=1|rfam=ipv6/flow" },
	{ "withdraw ipv4 nlri-mpls 10.0.0.0/8 label 3", API_WITHDRAW_ROUTE,
	    "n=1|rfam=ipv4/nlri-mpls" },
	/* kit: api-vpls */
	{ "neighbor 127.0.0.1 announce vpls endpoint 5 base 10702 offset 1 "
	    "size 8 rd 192.168.201.1:123 next-hop 192.168.201.1 origin igp "
	    "as-path [ 30740 30740 ] local-preference 100 med 2000 community "
	    "[ 54591:123] extended-community [ target:54591:6 "
	    "l2info:19:0:1500:111] originator-id 192.168.22.1 cluster-list "
	    "[ 3.3.3.3 192.168.201.1 ]", API_ANNOUNCE_ROUTE,
	    "sel=1|n=1|rfam=l2vpn/vpls|r0=rd 192.168.201.1:123 endpoint 5 base "
	    "10702 offset 1 size 8 next-hop 192.168.201.1 origin igp as-path "
	    "[ 30740 30740 ] med 2000 local-preference 100 community 54591:123 "
	    "originator-id 192.168.22.1 cluster-list [ 3.3.3.3 192.168.201.1 ] "
	    "extended-community [ target:54591:6 l2info:19:0:1500:111 ]" },
	{ "neighbor 127.0.0.1 withdraw vpls endpoint 5 base 10702 offset 1 "
	    "size 8 rd 192.168.201.1:123", API_WITHDRAW_ROUTE,
	    "n=1|rfam=l2vpn/vpls" },
	{ "announce l2vpn vpls rd 1:1 endpoint 5 base 1 offset 1 size 8 "
	    "next-hop 1.1.1.1", API_ANNOUNCE_ROUTE, "n=1|rfam=l2vpn/vpls" },
	/* kit: api-announcement */
	{ "announce route 1.0.0.0/21 next-hop 101.1.101.1 med 200 community "
	    "[2:1] split /23", API_ANNOUNCE_ROUTE,
	    "sel=0|n=4|r0=1.0.0.0/23 next-hop 101.1.101.1 origin igp med 200 "
	    "community 2:1|rl=1.0.6.0/23 next-hop 101.1.101.1 origin igp "
	    "med 200 community 2:1" },
	{ "neighbor 127.0.0.1 announce route 1.1.0.0/16 next-hop 101.1.101.1",
	    API_ANNOUNCE_ROUTE, "sel=1|any=0|inv=0|peer=127.0.0.1|n=1" },
	{ "neighbor 127.0.0.1 local-as 1 announce route 1.2.0.0/22 next-hop "
	    "101.1.101.1 split /24", API_ANNOUNCE_ROUTE,
	    "sel=1|peer=127.0.0.1|las=1|pas=-|n=4|rl=1.2.3.0/24 next-hop "
	    "101.1.101.1 origin igp" },
	{ "neighbor 127.0.0.1 peer-as 1 announce route 1.3.0.0/24 next-hop "
	    "101.1.101.1 split /25", API_ANNOUNCE_ROUTE,
	    "sel=1|pas=1|las=-|n=2" },
	{ "neighbor 127.0.0.1 local-ip 127.0.0.1 announce route 1.4.0.0/16 "
	    "next-hop 101.1.101.1 med 200", API_ANNOUNCE_ROUTE,
	    "sel=1|lip=127.0.0.1|n=1" },
	{ "neighbor 127.0.0.1 router-id 1.2.3.4 announce route 1.5.0.0/16 "
	    "next-hop 101.1.101.1 community [2:1]", API_ANNOUNCE_ROUTE,
	    "sel=1|rid=1.2.3.4|n=1" },
	{ "neighbor absentone local-as 1 peer-as 1 local-ip 127.0.0.1 "
	    "router-id 1.2.3.4 announce route 9.9.9.9/21 next-hop 101.1.101.1 "
	    "med 200 community [2:1]", API_ANNOUNCE_ROUTE,
	    "sel=1|inv=1|any=0|las=1|pas=1|lip=127.0.0.1|rid=1.2.3.4|n=1|"
	    "r0=9.9.8.0/21 next-hop 101.1.101.1 origin igp med 200 community "
	    "2:1" },
	{ "neighbor 127.0.0.1 local-as 1 peer-as 1 local-ip 127.0.0.1 "
	    "router-id 1.2.3.4 announce route 1.6.0.0/21 next-hop 101.1.101.1 "
	    "med 200 community [2:1]", API_ANNOUNCE_ROUTE,
	    "sel=1|inv=0|peer=127.0.0.1|las=1|pas=1|lip=127.0.0.1|rid=1.2.3.4|"
	    "fa=-|n=1" },
	{ "neighbor 127.0.0.1 local-as 2 peer-as 3 local-ip 127.0.0.1 "
	    "router-id 1.2.3.4 announce route 1.8.0.0/21 next-hop 101.1.101.1 "
	    "med 200 large-community [2914:1:0]", API_ANNOUNCE_ROUTE,
	    "sel=1|las=2|pas=3|n=1|r0=1.8.0.0/21 next-hop 101.1.101.1 origin "
	    "igp med 200 large-community 2914:1:0" },
	/* kit: api-api, api-attributes, api-check */
	{ "announce route 6.6.6.0/24 next-hop 9.9.9.9", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "announce route 6.6.6.0/24 next-hop 1.1.1.1", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "announce attributes med 100 next-hop 101.1.101.1 nlri 1.0.0.1/32 "
	    "1.0.0.2/32", API_ANNOUNCE_ROUTE,
	    "n=2|r0=1.0.0.1/32 next-hop 101.1.101.1 origin igp med 100|"
	    "rl=1.0.0.2/32 next-hop 101.1.101.1 origin igp med 100" },
	{ "announce attributes local-preference 200 as-path [ 1 2 3 4 ] "
	    "next-hop 202.2.202.2 nlri 2.0.0.1/32 2.0.0.2/32",
	    API_ANNOUNCE_ROUTE, "n=2|rl=2.0.0.2/32 next-hop 202.2.202.2 "
	    "origin igp as-path [ 1 2 3 4 ] local-preference 200" },
	{ "neighbor 127.0.0.1 announce route 0.0.0.0/0 next-hop "
	    "255.255.255.255", API_ANNOUNCE_ROUTE, "sel=1|n=1" },
	{ "neighbor 127.0.0.1 announce route 1.2.3.4 next-hop 5.6.7.8",
	    API_ANNOUNCE_ROUTE, "sel=1|n=1|r0=1.2.3.4/32 next-hop 5.6.7.8 "
	    "origin igp" },
	{ "announce route 1.2.3.4 next-hop 5.6.7.8", API_ANNOUNCE_ROUTE,
	    "sel=0|n=1" },
	/* kit: api-eor, api-manual-eor */
	{ "announce eor", API_ANNOUNCE_EOR, "sel=0|fam=ipv4/unicast|n=0" },
	{ "announce eor ipv6 unicast", API_ANNOUNCE_EOR, "fam=ipv6/unicast" },
	{ "announce eor ipv4 unicast", API_ANNOUNCE_EOR, "fam=ipv4/unicast" },
	/* kit: api-healthcheck-withdraw (what a healthcheck prints) */
	{ "neighbor * announce route 10.0.0.1/32 next-hop self origin igp "
	    "local-preference 100", API_ANNOUNCE_ROUTE,
	    "sel=1|any=1|n=1|r0=10.0.0.1/32 next-hop self origin igp "
	    "local-preference 100" },
	{ "neighbor * withdraw route 10.0.0.1/32 next-hop self",
	    API_WITHDRAW_ROUTE, "sel=1|any=1|n=1|r0=10.0.0.1/32 next-hop self "
	    "origin igp" },
	/* kit: api-multiple, api-nexthop-self, api-no-respawn, api-reload */
	{ "announce route 2.2.2.2/32 next-hop 127.0.0.1", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "shutdown", API_SHUTDOWN, "sel=0" },
	{ "announce route 1.1.1.1/32 next-hop 127.0.0.1", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "neighbor 127.0.0.1 announce route 1.1.0.0/16 next-hop self",
	    API_ANNOUNCE_ROUTE, "sel=1|peer=127.0.0.1|n=1" },
	{ "announce route 2.2.0.0/16 next-hop self", API_ANNOUNCE_ROUTE,
	    "r0=2.2.0.0/16 next-hop self origin igp" },
	{ "announce route 3.3.0.3/32 next-hop self", API_ANNOUNCE_ROUTE, "n=1" },
	{ "announce route 1.1.1.1/32 next-hop 11.11.11.11", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "announce route 3.0.0.0/24 next-hop 4.0.0.0", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "announce route 1.1.1.1/32 next-hop 101.1.101.1 med 200",
	    API_ANNOUNCE_ROUTE, "n=1" },
	/* kit: api-rr-rib, api-rr */
	{ "announce route 192.168.0.0/32 next-hop 10.0.0.0", API_ANNOUNCE_ROUTE,
	    "n=1" },
	{ "clear adj-rib out", API_CLEAR_ADJ_RIB_OUT, "sel=0|both=0" },
	{ "flush adj-rib out", API_FLUSH_ADJ_RIB_OUT, "sel=0" },
	{ "announce route-refresh ipv4 unicast", API_ANNOUNCE_ROUTE_REFRESH,
	    "sel=0|fam=ipv4/unicast" },
	{ "announce route 255.255.255.255/32 next-hop 255.255.255.255",
	    API_ANNOUNCE_ROUTE, "n=1" },
	/* kit: watchdog */
	{ "announce watchdog dnsr", API_ANNOUNCE_WATCHDOG, "text=dnsr|sel=0" },
	{ "withdraw watchdog dnsr", API_WITHDRAW_WATCHDOG, "text=dnsr" },
	/* no name: the helper's process name (the daemon fills it in) */
	{ "announce watchdog", API_ANNOUNCE_WATCHDOG, "text=-" },
	{ "withdraw watchdog", API_WITHDRAW_WATCHDOG, "text=-" },
	/* kit cases' cmd: lines (main's canonical form) */
	{ "announce route 2.0.0.1/32 next-hop 202.2.202.2 origin igp as-path "
	    "[1 2 3 4] local-preference 200", API_ANNOUNCE_ROUTE,
	    "n=1|r0=2.0.0.1/32 next-hop 202.2.202.2 origin igp as-path "
	    "[ 1 2 3 4 ] local-preference 200" },
	{ "announce ipv4 unicast 1.1.0.0/24 next-hop 101.1.101.1 origin igp "
	    "local-preference 100", API_ANNOUNCE_ROUTE,
	    "n=1|r0=1.1.0.0/24 next-hop 101.1.101.1 origin igp "
	    "local-preference 100" },
	{ "announce ipv6 unicast 2001:db8::/32 next-hop 2001:db8::1",
	    API_ANNOUNCE_ROUTE, "n=1|r0=2001:db8::/32 next-hop 2001:db8::1 "
	    "origin igp" },
	/* multicast (main's form; 4.2 has it in the announce block) */
	{ "announce ipv4 multicast 10.0.0.0/8 next-hop 192.0.2.1",
	    API_ANNOUNCE_ROUTE, "n=1|rfam=ipv4/multicast|r0=10.0.0.0/8 "
	    "next-hop 192.0.2.1 origin igp" },
	{ "withdraw ipv6 multicast 2001:db8::/32", API_WITHDRAW_ROUTE,
	    "n=1|rfam=ipv6/multicast" },
	{ "announce route 10.0.0.0/8 next-hop 192.0.2.1", API_ANNOUNCE_ROUTE,
	    "rfam=ipv4/unicast" },
	{ "withdraw ipv4 unicast 1.1.0.0/24", API_WITHDRAW_ROUTE,
	    "n=1|r0=1.1.0.0/24 origin igp" },
	{ "withdraw ipv6 unicast 2001:db8:1::/48", API_WITHDRAW_ROUTE, "n=1" },
	{ "neighbor 127.0.0.1 announce ipv4 unicast 10.0.0.0/8 next-hop self",
	    API_ANNOUNCE_ROUTE, "sel=1|n=1" },
	/* more route forms */
	{ "announce route 2001:db8::/32 next-hop 2001:db8::1 path-information "
	    "0.0.0.7", API_ANNOUNCE_ROUTE, "n=1|r0=2001:db8::/32 "
	    "path-information 0.0.0.7 next-hop 2001:db8::1 origin igp" },
	{ "announce route 198.51.100.0/24 next-hop self as-path [ 65002 65010 ] "
	    "origin egp local-preference 200 extended-community "
	    "[ target:65000:1 ] large-community [ 65000:1:2 ]",
	    API_ANNOUNCE_ROUTE, "n=1|r0=198.51.100.0/24 next-hop self origin "
	    "egp as-path [ 65002 65010 ] local-preference 200 "
	    "extended-community target:65000:1 large-community "
	    "65000:1:2" },
	{ "announce attributes next-hop 10.0.0.9 med 5 nlri 203.0.113.0/25 "
	    "203.0.113.128/25", API_ANNOUNCE_ROUTE, "n=2" },
	{ "announce attribute next-hop 10.0.0.9 nlri 203.0.113.0/25",
	    API_ANNOUNCE_ROUTE, "n=1" },
	{ "withdraw attributes nlri 203.0.113.0/25 203.0.113.128/25",
	    API_WITHDRAW_ROUTE, "n=2" },
	{ "withdraw attribute next-hop 10.0.0.9 nlri 203.0.113.0/25",
	    API_WITHDRAW_ROUTE, "n=1" },
	{ "announce route 10.2.0.0/16 next-hop 10.0.0.2 split /17",
	    API_ANNOUNCE_ROUTE, "n=2|rl=10.2.128.0/17 next-hop 10.0.0.2 "
	    "origin igp" },
	{ "announce route 10.0.0.0/24 next-hop 1.2.3.4 watchdog dnsr withdraw",
	    API_ANNOUNCE_ROUTE, "n=1|r0=10.0.0.0/24 next-hop 1.2.3.4 origin "
	    "igp watchdog dnsr withdraw" },
	{ "announce route 10.0.0.0/24 next-hop 1.2.3.4 name \"my route\"",
	    API_ANNOUNCE_ROUTE, "n=1|r0=10.0.0.0/24 next-hop 1.2.3.4 origin "
	    "igp name \"my route\"" },
	{ "  \tannounce   route\t10.0.0.0/24  next-hop 1.2.3.4  \r",
	    API_ANNOUNCE_ROUTE, "n=1" },
	{ "announce route 10.0.0.0/24 next-hop 1.2.3.4 community [65000:1,"
	    "65000:2]", API_ANNOUNCE_ROUTE, "n=1|r0=10.0.0.0/24 next-hop "
	    "1.2.3.4 origin igp community [ 65000:1 65000:2 ]" },
	{ "announce route 10.0.0.0/24 next-hop 1.2.3.4 # trailing comment",
	    API_ANNOUNCE_ROUTE, "n=1" },
	/* selectors */
	{ "neighbor 192.0.2.1, neighbor 192.0.2.2 announce route 10.0.0.0/8 "
	    "next-hop self", API_ANNOUNCE_ROUTE,
	    "sel=2|peer=192.0.2.1|c1.peer=192.0.2.2|n=1" },
	{ "neighbor 192.0.2.1 local-as 65000 , neighbor 2001:db8::2 peer-as "
	    "65001 withdraw route 10.0.0.0/8", API_WITHDRAW_ROUTE,
	    "sel=2|las=65000|pas=-|c1.peer=2001:db8::2|c1.pas=65001|"
	    "c1.las=-" },
	{ "neighbor 192.0.2.1 family-allowed in-open announce eor",
	    API_ANNOUNCE_EOR, "sel=1|fa=in-open" },
	{ "neighbor 192.0.2.1 family-allowed ipv4-unicast/ipv6-unicast "
	    "announce eor", API_ANNOUNCE_EOR,
	    "fa=ipv4-unicast/ipv6-unicast" },
	{ "neighbor * local-as 65000 teardown 2", API_TEARDOWN,
	    "sel=1|any=1|las=65000|sub=2" },
	{ "neighbor 127.0.0.1 teardown 2", API_TEARDOWN,
	    "sel=1|peer=127.0.0.1|sub=2" },
	{ "neighbor 127.0.0.1 teardown 4", API_TEARDOWN, "sub=4" },
	{ "teardown 10", API_TEARDOWN, "sel=0|sub=10" },
	{ "teardown 1", API_TEARDOWN, "sub=1" },
	{ "teardown", API_TEARDOWN, "sub=4|text=-" },
	/* the rest is the shutdown communication (RFC 9003) */
	{ "neighbor 127.0.0.1 teardown 2 going down for maintenance",
	    API_TEARDOWN, "sub=2|text=going down for maintenance" },
	{ "teardown 2 3", API_TEARDOWN, "sub=2|text=3" },
	{ "neighbor 127.0.0.1 announce route-refresh ipv6 unicast",
	    API_ANNOUNCE_ROUTE_REFRESH, "sel=1|fam=ipv6/unicast" },
	{ "neighbor 127.0.0.1 announce eor ipv4 flow", API_ANNOUNCE_EOR,
	    "fam=ipv4/flow" },
	{ "announce eor l2vpn evpn", API_ANNOUNCE_EOR, "fam=l2vpn/evpn" },
	{ "announce eor ipv4 labeled-unicast", API_ANNOUNCE_EOR,
	    "fam=ipv4/nlri-mpls" },
	{ "announce route-refresh ipv4 mpls-vpn", API_ANNOUNCE_ROUTE_REFRESH,
	    "fam=ipv4/mpls-vpn" },
	{ "neighbor 10.0.0.1 announce watchdog web", API_ANNOUNCE_WATCHDOG,
	    "sel=1|text=web" },
	{ "neighbor 10.0.0.1 flush adj-rib out", API_FLUSH_ADJ_RIB_OUT,
	    "sel=1" },
	{ "neighbor 10.0.0.1 clear adj-rib in", API_CLEAR_ADJ_RIB_IN,
	    "sel=1|both=0" },
	{ "clear adj-rib", API_CLEAR_ADJ_RIB_OUT, "both=1" },
	/* show */
	{ "show neighbor", API_SHOW_NEIGHBOR,
	    "show=summary|json=0|filter=-" },
	{ "show neighbor summary", API_SHOW_NEIGHBOR,
	    "show=summary|ext=0|json=0|filter=-" },
	{ "show neighbor extensive", API_SHOW_NEIGHBOR,
	    "show=extensive|ext=1" },
	{ "show neighbor configuration", API_SHOW_NEIGHBOR,
	    "show=configuration" },
	{ "show neighbor extensive 127.0.0.1 json", API_SHOW_NEIGHBOR,
	    "show=extensive|filter=127.0.0.1|json=1" },
	{ "show neighbor 2001:db8::1 summary", API_SHOW_NEIGHBOR,
	    "show=summary|filter=2001:db8::1" },
	{ "show neighbor json", API_SHOW_NEIGHBOR, "json=1|filter=-" },
	{ "neighbor 127.0.0.1 show neighbor summary", API_SHOW_NEIGHBOR,
	    "sel=1|show=summary" },
	{ "show adj-rib out", API_SHOW_ADJ_RIB_OUT,
	    "ext=0|json=0|filter=-" },
	{ "show adj-rib in", API_SHOW_ADJ_RIB_IN, "ext=0" },
	{ "show adj-rib in extensive", API_SHOW_ADJ_RIB_IN, "ext=1" },
	{ "show adj-rib out extensive 10.0.0.1 json", API_SHOW_ADJ_RIB_OUT,
	    "ext=1|json=1|filter=10.0.0.1" },
	{ "show adj-rib out 10.0.0.1", API_SHOW_ADJ_RIB_OUT,
	    "ext=0|filter=10.0.0.1|lk=-/-/-/-/-/0" },
	/* lookups: a prefix (exact), an address after the neighbor's
	 * (longest), the match words, families, rd, communities, count */
	{ "show adj-rib in 10.0.0.0/8", API_SHOW_ADJ_RIB_IN,
	    "filter=-|lk=10.0.0.0/8/exact/-/-/-/0" },
	{ "show adj-rib in 10.9.9.9/8", API_SHOW_ADJ_RIB_IN,
	    "lk=10.0.0.0/8/exact/-/-/-/0" },
	{ "show adj-rib in 192.0.2.1 10.1.2.3", API_SHOW_ADJ_RIB_IN,
	    "filter=192.0.2.1|lk=10.1.2.3/32/longest/-/-/-/0" },
	{ "show adj-rib in 192.0.2.1 10.1.2.3 exact", API_SHOW_ADJ_RIB_IN,
	    "lk=10.1.2.3/32/exact/-/-/-/0" },
	{ "show adj-rib in 192.0.2.1 10.1.2.3 json", API_SHOW_ADJ_RIB_IN,
	    "json=1|lk=10.1.2.3/32/longest/-/-/-/0" },
	{ "show adj-rib in 192.0.2.1 extensive 10.1.2.3 count json",
	    API_SHOW_ADJ_RIB_IN, "json=1|ext=1|lk=10.1.2.3/32/longest/-/-/-/1" },
	{ "show adj-rib in 192.0.2.1 ipv4 unicast", API_SHOW_ADJ_RIB_IN,
	    "filter=192.0.2.1|lk=-/-/ipv4 unicast/-/-/0" },
	{ "show adj-rib out 10.0.0.0/8 all json", API_SHOW_ADJ_RIB_OUT,
	    "json=1|lk=10.0.0.0/8/all/-/-/-/0" },
	{ "show adj-rib out longest 2001:db8::/48 192.0.2.1",
	    API_SHOW_ADJ_RIB_OUT,
	    "filter=192.0.2.1|lk=2001:db8::/48/longest/-/-/-/0" },
	{ "show adj-rib out ipv4 multicast count", API_SHOW_ADJ_RIB_OUT,
	    "lk=-/-/ipv4 multicast/-/-/1" },
	{ "show adj-rib out ipv4 flow community no-export",
	    API_SHOW_ADJ_RIB_OUT, "lk=-/-/ipv4 flow/-/c65535:65281/0" },
	{ "show adj-rib out ipv4 mpls-vpn rd 65000:1 1.4.0.0/16",
	    API_SHOW_ADJ_RIB_OUT,
	    "lk=1.4.0.0/16/exact/ipv4 mpls-vpn/0000fde800000001/-/0" },
	{ "show adj-rib in community 65000:1:2 count extensive",
	    API_SHOW_ADJ_RIB_IN, "ext=1|lk=-/-/-/-/l65000:1:2/1" },
	{ "show adj-rib in community target:65000:7", API_SHOW_ADJ_RIB_IN,
	    "lk=-/-/-/-/e0002fde800000007/0" },
	{ "show adj-rib in community 65000:1", API_SHOW_ADJ_RIB_IN,
	    "lk=-/-/-/-/c65000:1/0" },
	/* daemon and helper */
	{ "reload", API_RELOAD, "sel=0|empty=0" },
	{ "restart", API_RESTART, "empty=0" },
	{ "reload allow-empty", API_RELOAD, "empty=1" },
	{ "restart allow-empty", API_RESTART, "empty=1" },
	{ "version", API_VERSION, "" },
	{ "help", API_HELP, "" },
	{ "reset", API_RESET, "" },
	{ "enable-ack", API_ENABLE_ACK, "" },
	{ "disable-ack", API_DISABLE_ACK, "" },
	{ "silence-ack", API_SILENCE_ACK, "" },
	{ "status", API_STATUS, "" },
	{ "ping", API_PING, "text=-" },
	{ "ping 1a2b-uuid 1700000000.5 hello there", API_PING,
	    "text=1a2b-uuid 1700000000.5 hello there" },
	{ "  version  ", API_VERSION, "" },
	{ "version json", API_VERSION, "json=1" },
	{ "help json", API_HELP, "json=1" },
	{ "status json", API_STATUS, "json=1" },
	{ "status", API_STATUS, "json=0" },
	{ "ping json", API_PING, "text=-|json=1" },
	{ "ping hello json", API_PING, "text=hello|json=1" },
	{ "ping json hello", API_PING, "text=json hello|json=0" },
	/* neighbors at run time (main): the block the daemon parses */
	{ "create neighbor 127.0.0.1 local-address 127.0.0.1 local-as 1 "
	    "peer-as 1 router-id 1.2.3.4 api peer-lifecycle",
	    API_CREATE_NEIGHBOR, "sel=0|text=neighbor 127.0.0.1 {\n"
	    "\tlocal-address 127.0.0.1;\n\tlocal-as 1;\n\tpeer-as 1;\n"
	    "\trouter-id 1.2.3.4;\n\tfamily {\n\t\tipv4 unicast;\n\t}\n"
	    "\tapi {\n\t\tprocesses [ peer-lifecycle ];\n\t}\n}\n" },
	{ "create neighbor 2001:db8::2 local-ip 2001:db8::1 local-as 65001 "
	    "peer-as 65002 router-id 2.2.2.2 family-allowed "
	    "ipv4-unicast/ipv6-mpls-vpn graceful-restart 0 group-updates "
	    "false api a api \"b c\"", API_CREATE_NEIGHBOR,
	    "text=neighbor 2001:db8::2 {\n\tlocal-address 2001:db8::1;\n"
	    "\tlocal-as 65001;\n\tpeer-as 65002;\n\trouter-id 2.2.2.2;\n"
	    "\tfamily {\n\t\tipv4 unicast;\n\t\tipv6 mpls-vpn;\n\t}\n"
	    "\tcapability {\n\t\tgraceful-restart disable;\n\t}\n"
	    "\tgroup-updates false;\n\tapi {\n\t\tprocesses [ a \"b c\" ];"
	    "\n\t}\n}\n" },
	{ "delete neighbor 127.0.0.1", API_DELETE_NEIGHBOR, "sel=1" },
	{ "delete neighbor *", API_DELETE_NEIGHBOR, "sel=1" },
	{ "delete neighbor 127.0.0.1 local-as 1, neighbor 127.0.0.2",
	    API_DELETE_NEIGHBOR, "sel=2" },
	/* comments */
	{ "# a comment", API_COMMENT, "text=a comment|sel=0" },
	{ "#", API_COMMENT, "text=" },
	{ "", API_COMMENT, "text=" },
	{ "   \t ", API_COMMENT, "text=" },
	{ "   # indented  ", API_COMMENT, "text=indented" },
};

static const struct {
	const char	*line;
	const char	*err;		/* substring of the message */
} bads[] = {
	{ "foo", "unknown command 'foo'" },
	{ "bogus command here", "unknown command 'bogus'" },
	{ "announce", "incomplete command 'announce' (expected announce route"
	    },
	{ "announce bogus 1.2.3.4/32", "unknown command 'announce bogus'" },
	{ "withdraw eor", "unknown command 'withdraw eor'" },
	{ "withdraw route-refresh ipv4 unicast",
	    "unknown command 'withdraw route-refresh'" },
	{ "announce route", "announce route: a route needs a prefix" },
	{ "announce route 1.2.3.0/24", "announce route: route 1.2.3.0/24 has "
	    "no next-hop" },
	{ "announce route 1.2.3.0/24 med 5", "has no next-hop" },
	{ "announce route 1.2.3.0/33 next-hop 1.1.1.1",
	    "invalid prefix '1.2.3.0/33'" },
	{ "announce route bogus next-hop 1.1.1.1", "invalid prefix 'bogus'" },
	{ "announce route 1.2.3.0/24 next-hop 1.1.1.1 colour blue",
	    "unknown route keyword 'colour'" },
	{ "announce route 1.2.3.0/24 next-hop 1.1.1.1 med",
	    "announce route: " },
	{ "announce route 1.2.3.0/24 next-hop 1.1.1.1 split /20",
	    "split /20 does not fit" },
	{ "announce route 10.0.0.0/24 rd 65000:1 next-hop 1.1.1.1",
	    "an mpls-vpn route (rd) needs a label" },
	{ "announce route 10.0.0.0/24 next-hop 1.1.1.1 label 1048576",
	    "invalid label '1048576'" },
	{ "announce route 2001:db8::/32 next-hop 2001:db8::1 "
	    "route-distinguisher 65536:65536 label 5", "invalid "
	    "route-distinguisher '65536:65536'" },
	{ "announce route 2001:db8::/128 next-hop 2001:db8::1 rd 1:1 label "
	    "[ 1 2 3 ]", "do not fit the 255 bits" },
	{ "announce route 10.0.0.0/24 next-hop 1.1.1.1 label 5 "
	    "bgp-prefix-sid 7", "bgp-prefix-sid expects [ LABEL-INDEX ]" },
	{ "announce route 10.0.0.0/24 next-hop 1.1.1.1 label 5 "
	    "bgp-prefix-sid [ 7, [ ( 16777216,1 ) ] ]", "both below 16777216" },
	{ "announce route 10.0.0.0/24 next-hop 1.1.1.1 "
	    "bgp-prefix-sid-srv6 ( vpn 10.0.0.1 )", "expects ( ipv6|vpn|l3vpn "
	    "IPV6-ADDRESS )" },
	{ "announce flow { match { destination 10.0.0.0/24; } }",
	    "announce flow: expected 'route'" },
	{ "announce flow route { match { destination 10.0.0.0/24; } then { "
	    "discard; }", "announce flow: missing '}' at the end of the route "
	    "block" },
	{ "announce flow route { match { flow-label 5; } }", "flow-label is "
	    "an IPv6 match" },
	{ "announce flow route { match { destination 10.0.0.0/24; "
	    "source 2001:db8::/32; } }", "cannot mix IPv4 and IPv6" },
	{ "announce flow route { match { port >70000; } }", "port: 70000 is "
	    "above 65535" },
	{ "withdraw flow route { match { protocol tcpp; } }", "unknown "
	    "protocol 'tcpp'" },
	{ "announce flow route { then { discard; } }", "at least one match" },
	{ "announce flow route destination 10.0.0.0/24 redirect 1.2.3.4:5",
	    "IP:NUMBER form is deprecated" },
	{ "announce vpls endpoint 5 base 10702 offset 1 size 8 "
	    "next-hop 1.1.1.1", "a vpls route needs 'rd'" },
	{ "announce vpls rd 1:1 endpoint 5 base 1048570 offset 1 size 8 "
	    "next-hop 1.1.1.1", "run past the 20-bit label space" },
	{ "announce vpls rd 1:1 endpoint 70000 base 1 offset 1 size 8 "
	    "next-hop 1.1.1.1", "invalid vpls endpoint '70000'" },
	{ "announce vpls rd 1:1 endpoint 5 offset 1 size 8 next-hop 1.1.1.1",
	    "a vpls route needs 'base'" },
	{ "announce vpls rd 1:1 endpoint 5 base 1 offset 1 size 8",
	    "a vpls route needs 'next-hop'" },
	{ "announce vpls rd 1:1 endpoint 5 base 1 offset 1 size 8 next-hop "
	    "1.1.1.1 label 5", "unknown route keyword 'label'" },
	{ "announce route 10.0.0.0/8 next-hop 1.1.1.1 endpoint 5",
	    "unknown route keyword 'endpoint'" },
	{ "announce operational adm afi ipv4 safi unicast advisory \"x\"",
	    "operational messages are not supported" },
	{ "announce ipv4 mpls-vpn 10.0.0.0/24 next-hop 1.1.1.1 label 5",
	    "10.0.0.0/24 is not an ipv4 mpls-vpn route (rd and label needed)" },
	{ "announce ipv4 nlri-mpls 10.0.0.0/24 next-hop 1.1.1.1",
	    "is not an ipv4 nlri-mpls route (a label and no rd needed)" },
	{ "announce ipv4 flow-vpn destination 10.0.0.0/24",
	    "announce ipv4 flow-vpn: this is an ipv4 flow route: flow-vpn "
	    "needs an rd" },
	{ "announce ipv6 flow destination 10.0.0.0/24", "an ipv6 flow route "
	    "takes IPv6 prefixes" },
	{ "announce l2vpn evpn whatever", "family l2vpn evpn is not supported"
	    },
	{ "announce ipv4 nonsense 10.0.0.0/24", "unknown family 'ipv4 "
	    "nonsense'" },
	{ "announce ipv4", "missing SAFI" },
	{ "announce ipv6 multicast 10.0.0.0/8 next-hop ::1",
	    "10.0.0.0/8 is not an ipv6 multicast route" },
	{ "announce ipv4 unicast 2001:db8::/32 next-hop 2001:db8::1",
	    "2001:db8::/32 is not an ipv4 unicast route" },
	{ "announce attributes next-hop 1.1.1.1", "'nlri' and at least one "
	    "prefix are required" },
	{ "announce attributes next-hop 1.1.1.1 nlri", "nlri" },
	{ "announce attributes med 5 nlri 10.0.0.0/8", "has no next-hop" },
	{ "announce eor ipv4", "announce eor: expected AFI SAFI" },
	{ "announce eor ipv4 bogus", "unknown family 'ipv4 bogus'" },
	{ "announce eor ipv4 unicast extra", "announce eor: unexpected 'extra'"
	    },
	{ "announce route-refresh", "announce route-refresh: expected AFI "
	    "SAFI" },
	{ "announce route-refresh ipv9 unicast", "unknown family" },
	{ "withdraw watchdog a b", "withdraw watchdog: unexpected 'b'" },
	{ "show", "incomplete command 'show'" },
	{ "show bogus", "unknown command 'show bogus'" },
	{ "show neighbor summary extensive", "more than one of summary" },
	{ "show neighbor banana", "show neighbor: unexpected 'banana'" },
	{ "show neighbor 1.1.1.1 2.2.2.2", "more than one address" },
	{ "show neighbor json json", "'json' given twice" },
	{ "show adj-rib", "show adj-rib: expected 'in' or 'out'" },
	{ "show adj-rib sideways", "expected 'in' or 'out' instead of "
	    "'sideways'" },
	{ "show adj-rib in extensive extensive", "'extensive' given twice" },
	{ "show adj-rib out summary", "show adj-rib: unexpected 'summary'" },
	/* hostile and meaningless lookups */
	{ "show adj-rib out 10.0.0.0/33", "'10.0.0.0/33' is not a prefix" },
	{ "show adj-rib out 10.0.0.0/99999999999999999999",
	    "is not a prefix" },
	{ "show adj-rib out 10.0.0.0/", "is not a prefix" },
	{ "show adj-rib out /8", "is not a prefix" },
	{ "show adj-rib out 2001:db8::/129", "is not a prefix" },
	{ "show adj-rib out 10.0.0.0/8 10.1.0.0/16", "more than one prefix" },
	{ "show adj-rib out 1.1.1.1 2.2.2.2 3.3.3.3", "more than one prefix" },
	{ "show adj-rib out 1.1.1.1 banana", "show adj-rib: unexpected 'banana'" },
	{ "show adj-rib out exact", "exact, longest and all need a prefix" },
	{ "show adj-rib out 10.0.0.0/8 exact all", "more than one of exact" },
	{ "show adj-rib out count count", "'count' given twice" },
	{ "show adj-rib out rd", "rd: expected a route distinguisher" },
	{ "show adj-rib out rd 1:2:3:4", "rd: expected a route distinguisher "
	    "(ASN:NN or IP:NN) instead of '1:2:3:4'" },
	{ "show adj-rib out rd 1:1 rd 1:1", "'rd' given twice" },
	{ "show adj-rib out community", "community: expected a community" },
	{ "show adj-rib out community 70000:1:x", "is not a community" },
	{ "show adj-rib out community 1:1 community 1:2",
	    "'community' given twice" },
	{ "show adj-rib out ipv4 unicast ipv6 unicast", "more than one family" },
	{ "show adj-rib out 10.0.0.0/8 ipv4 flow", "ipv4 flow routes have no "
	    "IP prefix to look up" },
	{ "show adj-rib out 2001:db8::/32 ipv4 unicast", "an IPv6 prefix in "
	    "ipv4 unicast" },
	{ "show adj-rib out ipv4 unicast rd 65000:1", "ipv4 unicast routes "
	    "have no route distinguisher" },
	{ "show adj-rib out bgp-ls bgp-ls-vpn", "evbgp does not speak it" },
	{ "flush adj-rib", "flush adj-rib: expected 'out'" },
	{ "flush adj-rib in", "flush adj-rib: expected 'out'" },
	{ "flush adj-rib out now", "flush adj-rib: unexpected 'now'" },
	{ "clear adj-rib sideways", "expected 'in' or 'out' instead of "
	    "'sideways'" },
	{ "clear adj-rib out in", "clear adj-rib: unexpected 'in'" },
	{ "teardown 0", "teardown: invalid subcode '0'" },
	{ "teardown 11", "invalid subcode '11'" },
	{ "teardown -1", "invalid subcode '-1'" },
	{ "teardown x", "invalid subcode 'x'" },
	{ "teardown 99999999999999999999", "invalid subcode" },
	{ "version now", "version: unexpected 'now'" },
	{ "status json json", "status: unexpected 'json'" },
	{ "reload json", "reload: unexpected 'json'" },
	{ "shutdown please", "shutdown: unexpected 'please'" },
	{ "reload now", "reload: unexpected 'now'" },
	{ "reload allow-empty twice", "reload: unexpected 'twice'" },
	{ "neighbor", "missing address after 'neighbor'" },
	{ "neighbor 127.0.0.1", "missing command after the selector" },
	{ "neighbor 127.0.0.1 local-as", "missing value after 'local-as'" },
	{ "neighbor 127.0.0.1 local-as x announce eor", "invalid local-as 'x'"
	    },
	{ "neighbor 127.0.0.1 peer-as 4294967296 announce eor",
	    "invalid peer-as '4294967296'" },
	{ "neighbor 127.0.0.1 local-ip nowhere announce eor",
	    "invalid local-ip 'nowhere'" },
	{ "neighbor 127.0.0.1 router-id 2001:db8::1 announce eor",
	    "invalid router-id '2001:db8::1' (expected an IPv4 address)" },
	{ "neighbor 127.0.0.1 local-as 1 local-as 2 announce eor",
	    "'local-as' given twice" },
	{ "neighbor 127.0.0.1 family-allowed a family-allowed b announce eor",
	    "'family-allowed' given twice" },
	{ "neighbor 127.0.0.1 , announce eor", "expected 'neighbor' after ','"
	    },
	{ "neighbor 127.0.0.1 , neighbor", "missing address after 'neighbor'"
	    },
	{ "neighbor 127.0.0.1 version", "'version' does not take a neighbor "
	    "selector" },
	{ "neighbor * shutdown", "'shutdown' does not take a neighbor "
	    "selector" },
	{ "neighbor 127.0.0.1 frobnicate", "unknown command 'frobnicate'" },
	{ "announce route 10.0.0.0/24 next-hop \"unterminated",
	    "unterminated \" quote" },
	{ "announce route 10.0.0.0/24 next-hop 1.1.1.1 \\",
	    "'\\' at the end of a line" },
	{ "\"announce\" route 10.0.0.0/24 next-hop 1.1.1.1",
	    "unknown command 'announce'" },
	{ "crash", "unknown command 'crash'" },
	{ "create neighbor 127.0.0.1 local-as 1 peer-as 1",
	    "create neighbor: 'local-address' is required" },
	{ "create neighbor 127.0.0.1 local-address 127.0.0.1 local-as 1 "
	    "peer-as 1 passive true", "create neighbor: unknown parameter "
	    "'passive' (expected local-address, local-as, peer-as, router-id, "
	    "family-allowed, graceful-restart, group-updates or api)" },
	{ "create neighbor 127.0.0.1 local-address 127.0.0.1 local-as 1 "
	    "peer-as x", "create neighbor: invalid peer-as 'x' (expected an "
	    "AS number from 1 to 4294967295)" },
	{ "create neighbor 127.0.0.1 local-address 127.0.0.1 local-as 1 "
	    "peer-as 1 local-as 2", "create neighbor: 'local-as' given twice" },
	{ "create neighbor 127.0.0.1 local-address 127.0.0.1 local-as 1 "
	    "peer-as 1 family-allowed ipv4-bogus", "create neighbor: unknown "
	    "family 'ipv4 bogus'" },
	{ "create neighbor 127.0.0.1 local-address \"1.1.1.1;\" local-as 1 "
	    "peer-as 1", "create neighbor: invalid local-address '1.1.1.1;' "
	    "(expected an IP address)" },
	{ "create neighbor bogus local-address 127.0.0.1",
	    "create neighbor: expected the neighbor's IP address instead of "
	    "'bogus'" },
	{ "create neighbor 127.0.0.1 api", "create neighbor: missing value "
	    "after 'api'" },
	{ "neighbor 127.0.0.1 delete neighbor 127.0.0.1", "'delete' does not "
	    "take a neighbor selector" },
	{ "delete neighbor", "neighbor selector: missing address after "
	    "'neighbor'" },
	{ "delete neighbor 127.0.0.1 announce", "delete neighbor: unexpected "
	    "'announce'" },
	{ "debug something", "unknown command 'debug'" },
};

#define NOKS	(sizeof(oks) / sizeof(oks[0]))
#define NBADS	(sizeof(bads) / sizeof(bads[0]))

static const char *
verb_name(enum api_verb v)
{
	static const char *const names[] = {
		"NONE", "ANNOUNCE_ROUTE", "WITHDRAW_ROUTE", "ANNOUNCE_EOR",
		"ANNOUNCE_ROUTE_REFRESH", "ANNOUNCE_WATCHDOG",
		"WITHDRAW_WATCHDOG", "SHOW_NEIGHBOR", "SHOW_ADJ_RIB_IN",
		"SHOW_ADJ_RIB_OUT", "FLUSH_ADJ_RIB_OUT", "CLEAR_ADJ_RIB_IN",
		"CLEAR_ADJ_RIB_OUT", "TEARDOWN", "SHUTDOWN", "RELOAD",
		"RESTART", "VERSION", "HELP", "RESET", "ENABLE_ACK",
		"DISABLE_ACK", "SILENCE_ACK", "PING", "STATUS",
		"CREATE_NEIGHBOR", "DELETE_NEIGHBOR", "COMMENT",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) == API_VERB_MAX,
	    "verb names");
	return (unsigned)v < API_VERB_MAX ? names[v] : "?";
}

static void
check_addr(const char *line, const char *key, bool has,
    const struct bgp_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];
	struct bgp_addr w;

	if (strcmp(want, "-") == 0) {
		ck_assert_msg(!has, "%s: %s should be unset", line, key);
		return;
	}
	ck_assert_msg(has, "%s: %s unset", line, key);
	ck_assert_msg(addr_parse(want, &w) == 0, "bad test value %s", want);
	ck_assert_msg(addr_equal(a, &w), "%s: %s is %s, expected %s", line,
	    key, addr_fmt(a, buf), want);
}

static void
check_u32(const char *line, const char *key, bool has, uint32_t v,
    const char *want)
{
	if (strcmp(want, "-") == 0) {
		ck_assert_msg(!has, "%s: %s should be unset", line, key);
		return;
	}
	ck_assert_msg(has, "%s: %s unset", line, key);
	ck_assert_msg(v == strtoul(want, NULL, 10), "%s: %s is %u, expected "
	    "%s", line, key, v, want);
}

static void
check_bool(const char *line, const char *key, bool v, const char *want)
{
	ck_assert_msg(v == (strcmp(want, "1") == 0), "%s: %s is %d, expected "
	    "%s", line, key, v, want);
}

static void
check_route(const char *line, const char *key, const struct cfg_route *r,
    const char *want)
{
	char buf[1024];

	route_text_format(r, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%s: %s is '%s', expected '%s'",
	    line, key, buf, want);
}

/* Checks of one selector clause. */
static bool
check_match_key(const char *line, const struct api_command *cmd,
    const char *key, const char *v)
{
	const struct api_match *m;
	size_t k = 0;

	if (strncmp(key, "c1.", 3) == 0) {
		k = 1;
		key += 3;
	}
	if (strcmp(key, "any") && strcmp(key, "inv") && strcmp(key, "peer") &&
	    strcmp(key, "lip") && strcmp(key, "las") && strcmp(key, "pas") &&
	    strcmp(key, "rid") && strcmp(key, "fa"))
		return false;
	ck_assert_msg(cmd->sel.n > k, "%s: no selector clause %zu", line, k);
	m = &cmd->sel.v[k];
	if (strcmp(key, "any") == 0)
		check_bool(line, key, m->any, v);
	else if (strcmp(key, "inv") == 0)
		check_bool(line, key, m->invalid, v);
	else if (strcmp(key, "peer") == 0)
		check_addr(line, key, !m->any && !m->invalid, &m->peer, v);
	else if (strcmp(key, "lip") == 0)
		check_addr(line, key, m->has_local_ip, &m->local_ip, v);
	else if (strcmp(key, "las") == 0)
		check_u32(line, key, m->has_local_as, m->local_as, v);
	else if (strcmp(key, "pas") == 0)
		check_u32(line, key, m->has_peer_as, m->peer_as, v);
	else if (strcmp(key, "rid") == 0) {
		struct bgp_addr a;

		addr_from_u32(&a, m->router_id);
		check_addr(line, key, m->has_router_id, &a, v);
	} else if (strcmp(v, "-") == 0)
		ck_assert_msg(m->family_allowed == NULL, "%s: fa", line);
	else
		ck_assert_msg(m->family_allowed != NULL &&
		    strcmp(m->family_allowed, v) == 0, "%s: fa", line);
	return true;
}

/* The lookup words as "PREFIX/MATCH/FAM/RD/COMM/COUNT" ('-' for none). */
static void
check_lookup(const char *line, const struct api_rib_lookup *l,
    const char *want)
{
	static const char *const matches[] = { "exact", "longest", "all" };
	char got[256], pfx[PREFIX_STRLEN] = "-", fam[48] = "-", rd[24] = "-",
	    comm[48] = "-";

	if (l->has_prefix)
		prefix_fmt(&l->prefix, pfx);
	if (l->fam >= 0)
		snprintf(fam, sizeof(fam), "%s %s",
		    family_afi_name((enum family_id)l->fam),
		    family_safi_name((enum family_id)l->fam));
	if (l->has_rd)
		snprintf(rd, sizeof(rd), "%02x%02x%02x%02x%02x%02x%02x%02x",
		    l->rd[0], l->rd[1], l->rd[2], l->rd[3], l->rd[4], l->rd[5],
		    l->rd[6], l->rd[7]);
	if (l->comm_kind == API_COMM_STD)
		snprintf(comm, sizeof(comm), "c%u:%u", l->comm >> 16,
		    l->comm & 0xffff);
	else if (l->comm_kind == API_COMM_LARGE)
		snprintf(comm, sizeof(comm), "l%u:%u:%u", l->lcomm[0],
		    l->lcomm[1], l->lcomm[2]);
	else if (l->comm_kind == API_COMM_EXT)
		snprintf(comm, sizeof(comm), "e%016llx",
		    (unsigned long long)l->ecomm);
	snprintf(got, sizeof(got), "%s/%s/%s/%s/%s/%d", pfx,
	    l->has_prefix ? matches[l->match] : "-", fam, rd, comm, l->count);
	ck_assert_msg(strcmp(got, want) == 0, "%s: lookup '%s', expected '%s'",
	    line, got, want);
}

static void
check_key(const char *line, const struct api_command *cmd, const char *key,
    const char *v)
{
	static const char *const kinds[] = {
		"summary", "extensive", "configuration"
	};
	char fam[64];

	if (check_match_key(line, cmd, key, v))
		return;
	if (strcmp(key, "sel") == 0) {
		ck_assert_msg(cmd->sel.given == (strcmp(v, "0") != 0), "%s: "
		    "selector given %d", line, cmd->sel.given);
		ck_assert_msg(cmd->sel.n == strtoul(v, NULL, 10), "%s: %zu "
		    "clauses", line, cmd->sel.n);
	} else if (strcmp(key, "n") == 0)
		ck_assert_msg(cmd->nroutes == strtoul(v, NULL, 10), "%s: %zu "
		    "routes", line, cmd->nroutes);
	else if (strcmp(key, "r0") == 0) {
		ck_assert_msg(cmd->nroutes > 0, "%s: no route", line);
		check_route(line, key, &cmd->routes[0], v);
	} else if (strcmp(key, "rl") == 0) {
		ck_assert_msg(cmd->nroutes > 0, "%s: no route", line);
		check_route(line, key, &cmd->routes[cmd->nroutes - 1], v);
	} else if (strcmp(key, "fam") == 0) {
		snprintf(fam, sizeof(fam), "%s/%s", family_afi_name(cmd->fam),
		    family_safi_name(cmd->fam));
		ck_assert_msg(strcmp(fam, v) == 0, "%s: family %s", line, fam);
	} else if (strcmp(key, "rfam") == 0) {
		/* the family of the first route */
		ck_assert(cmd->nroutes > 0);
		snprintf(fam, sizeof(fam), "%s/%s",
		    family_afi_name(cmd->routes[0].fam),
		    family_safi_name(cmd->routes[0].fam));
		ck_assert_msg(strcmp(fam, v) == 0, "%s: route family %s", line,
		    fam);
	} else if (strcmp(key, "text") == 0) {
		if (strcmp(v, "-") == 0)
			ck_assert_msg(cmd->text == NULL, "%s: text '%s'", line,
			    cmd->text);
		else
			ck_assert_msg(cmd->text != NULL && strcmp(cmd->text, v)
			    == 0, "%s: text '%s'", line, cmd->text);
	} else if (strcmp(key, "show") == 0)
		ck_assert_msg(strcmp(kinds[cmd->show], v) == 0, "%s: show %s",
		    line, kinds[cmd->show]);
	else if (strcmp(key, "ext") == 0)
		check_bool(line, key, cmd->extensive, v);
	else if (strcmp(key, "json") == 0)
		check_bool(line, key, cmd->json, v);
	else if (strcmp(key, "both") == 0)
		check_bool(line, key, cmd->both, v);
	else if (strcmp(key, "empty") == 0)
		check_bool(line, key, cmd->allow_empty, v);
	else if (strcmp(key, "filter") == 0)
		check_addr(line, key, cmd->has_filter, &cmd->filter, v);
	else if (strcmp(key, "lk") == 0)
		check_lookup(line, &cmd->lookup, v);
	else if (strcmp(key, "sub") == 0)
		ck_assert_msg(cmd->subcode == strtoul(v, NULL, 10), "%s: "
		    "subcode %u", line, cmd->subcode);
	else
		ck_abort_msg("bad test key '%s'", key);
}

START_TEST(test_valid)
{
	struct api_command cmd;
	char err[512], expect[1024], *save = NULL, *item;
	const char *line = oks[_i].line;

	ck_assert_msg(api_parse(line, &cmd, err, sizeof(err)) == 0,
	    "'%s': %s", line, err);
	ck_assert_msg(cmd.verb == oks[_i].verb, "'%s': verb %s, expected %s",
	    line, verb_name(cmd.verb), verb_name(oks[_i].verb));
	snprintf(expect, sizeof(expect), "%s", oks[_i].expect);
	for (item = strtok_r(expect, "|", &save); item != NULL;
	    item = strtok_r(NULL, "|", &save)) {
		char *eq = strchr(item, '=');

		ck_assert_msg(eq != NULL, "bad test item '%s'", item);
		*eq = '\0';
		check_key(line, &cmd, item, eq + 1);
	}
	api_command_free(&cmd);
	ck_assert_int_eq(cmd.verb, API_NONE);
	ck_assert_ptr_null(cmd.routes);
}
END_TEST

START_TEST(test_invalid)
{
	struct api_command cmd;
	char err[512];

	memset(err, 'x', sizeof(err));
	ck_assert_msg(api_parse(bads[_i].line, &cmd, err, sizeof(err)) == -1,
	    "'%s' parsed (verb %s)", bads[_i].line, verb_name(cmd.verb));
	ck_assert_msg(strstr(err, bads[_i].err) != NULL, "'%s': error '%s', "
	    "expected '%s'", bads[_i].line, err, bads[_i].err);
	ck_assert_msg(strchr(err, '\n') == NULL, "multi-line error");
	/* nothing left to free, and freeing again is harmless */
	ck_assert_int_eq(cmd.verb, API_NONE);
	ck_assert_ptr_null(cmd.routes);
	ck_assert_ptr_null(cmd.sel.v);
	ck_assert_ptr_null(cmd.text);
	api_command_free(&cmd);
}
END_TEST

/* A short or absent error buffer is never overrun. */
START_TEST(test_short_err)
{
	struct api_command cmd;
	char err[8];

	for (size_t i = 0; i < NBADS; i++) {
		memset(err, 'x', sizeof(err));
		ck_assert_int_eq(api_parse(bads[i].line, &cmd, err, 5), -1);
		ck_assert_int_eq(err[7], 'x');
		ck_assert_int_eq(err[5], 'x');
		ck_assert(strlen(err) < 5);
		ck_assert_int_eq(api_parse(bads[i].line, &cmd, NULL, 0), -1);
	}
}
END_TEST

/* ---- api_match_peer ---- */

static const struct {
	const char	*sel;		/* selector clause */
	const char	*peer;
	const char	*local;		/* NULL: unknown local address */
	uint32_t	 las, pas;
	const char	*rid;
	bool		 match;
	const char	*session;	/* NULL: "in-open" */
} matches[] = {
	{ "neighbor *", "10.0.0.1", "10.0.0.2", 1, 2, "1.1.1.1", true, NULL },
	{ "neighbor *", "2001:db8::1", NULL, 1, 2, "1.1.1.1", true, NULL },
	{ "neighbor 10.0.0.1", "10.0.0.1", "10.0.0.2", 1, 2, "1.1.1.1", true, NULL },
	{ "neighbor 10.0.0.1", "10.0.0.3", "10.0.0.2", 1, 2, "1.1.1.1", false, NULL },
	{ "neighbor 2001:db8::1", "2001:db8::1", NULL, 1, 2, "1.1.1.1", true, NULL },
	{ "neighbor 2001:DB8:0::1", "2001:db8::1", NULL, 1, 2, "1.1.1.1", true, NULL },
	{ "neighbor 2001:db8::1", "10.0.0.1", NULL, 1, 2, "1.1.1.1", false, NULL },
	{ "neighbor absentone", "10.0.0.1", NULL, 1, 2, "1.1.1.1", false, NULL },
	{ "neighbor absentone local-as 1", "10.0.0.1", NULL, 1, 2, "1.1.1.1",
	    false, NULL },
	{ "neighbor 10.0.0.1 local-as 1", "10.0.0.1", NULL, 1, 2, "1.1.1.1",
	    true, NULL },
	{ "neighbor 10.0.0.1 local-as 2", "10.0.0.1", NULL, 1, 2, "1.1.1.1",
	    false, NULL },
	{ "neighbor 10.0.0.1 peer-as 2", "10.0.0.1", NULL, 1, 2, "1.1.1.1",
	    true, NULL },
	{ "neighbor 10.0.0.1 peer-as 1", "10.0.0.1", NULL, 1, 2, "1.1.1.1",
	    false, NULL },
	{ "neighbor 10.0.0.1 local-ip 10.0.0.2", "10.0.0.1", "10.0.0.2", 1, 2,
	    "1.1.1.1", true, NULL },
	{ "neighbor 10.0.0.1 local-ip 10.0.0.9", "10.0.0.1", "10.0.0.2", 1, 2,
	    "1.1.1.1", false, NULL },
	{ "neighbor 10.0.0.1 local-ip 10.0.0.2", "10.0.0.1", NULL, 1, 2,
	    "1.1.1.1", false, NULL },
	{ "neighbor 10.0.0.1 router-id 1.1.1.1", "10.0.0.1", NULL, 1, 2,
	    "1.1.1.1", true, NULL },
	{ "neighbor 10.0.0.1 router-id 1.1.1.2", "10.0.0.1", NULL, 1, 2,
	    "1.1.1.1", false, NULL },
	{ "neighbor 127.0.0.1 local-as 1 peer-as 1 local-ip 127.0.0.1 "
	    "router-id 1.2.3.4", "127.0.0.1", "127.0.0.1", 1, 1, "1.2.3.4",
	    true, NULL },
	{ "neighbor 127.0.0.1 local-as 2 peer-as 3 local-ip 127.0.0.1 "
	    "router-id 1.2.3.4", "127.0.0.1", "127.0.0.1", 1, 1, "1.2.3.4",
	    false, NULL },
	{ "neighbor 10.0.0.1 family-allowed in-open", "10.0.0.1", NULL, 1, 2,
	    "1.1.1.1", true, NULL },
	{ "neighbor 10.0.0.1 family-allowed ipv4-unicast", "10.0.0.1", NULL,
	    1, 2, "1.1.1.1", false, NULL },
	/* multi-session: the session is named after its families (main) */
	{ "neighbor 10.0.0.1 family-allowed ipv4-unicast", "10.0.0.1", NULL,
	    1, 2, "1.1.1.1", true, "ipv4-unicast" },
	{ "neighbor 10.0.0.1 family-allowed in-open", "10.0.0.1", NULL,
	    1, 2, "1.1.1.1", false, "ipv4-unicast" },
	{ "neighbor 10.0.0.1 family-allowed ipv4-unicast", "10.0.0.1", NULL,
	    1, 2, "1.1.1.1", false, "ipv4-unicast/ipv6-unicast" },
	{ "neighbor 10.0.0.1 family-allowed ipv4-unicast/ipv6-unicast",
	    "10.0.0.1", NULL, 1, 2, "1.1.1.1", true,
	    "ipv4-unicast/ipv6-unicast" },
	{ "neighbor * local-as 7", "10.0.0.1", NULL, 7, 2, "1.1.1.1", true, NULL },
	{ "neighbor * local-as 7", "10.0.0.1", NULL, 8, 2, "1.1.1.1", false, NULL },
	{ "neighbor * router-id 4.3.2.1", "10.0.0.1", NULL, 8, 2, "4.3.2.1",
	    true, NULL },
};

#define NMATCHES	(sizeof(matches) / sizeof(matches[0]))

START_TEST(test_match)
{
	struct api_command cmd;
	struct bgp_addr peer, local, rid;
	char line[256], err[256];
	bool got;

	snprintf(line, sizeof(line), "%s announce eor", matches[_i].sel);
	ck_assert_msg(api_parse(line, &cmd, err, sizeof(err)) == 0, "%s: %s",
	    line, err);
	ck_assert_uint_eq(cmd.sel.n, 1);
	ck_assert_int_eq(addr_parse(matches[_i].peer, &peer), 0);
	ck_assert_int_eq(addr_parse(matches[_i].rid, &rid), 0);
	if (matches[_i].local != NULL)
		ck_assert_int_eq(addr_parse(matches[_i].local, &local), 0);
	got = api_match_peer(&cmd.sel.v[0], &peer,
	    matches[_i].local ? &local : NULL, matches[_i].las,
	    matches[_i].pas, addr_to_u32(&rid), matches[_i].session ?
	    matches[_i].session : "in-open");
	ck_assert_msg(got == matches[_i].match, "%s vs %s: %d", line,
	    matches[_i].peer, got);
	api_command_free(&cmd);
}
END_TEST

/* Two clauses: the daemon matches if any clause does. */
START_TEST(test_match_list)
{
	struct api_command cmd;
	struct bgp_addr a, b, c;
	char err[256];

	ck_assert_int_eq(api_parse("neighbor 192.0.2.1, neighbor 192.0.2.2 "
	    "announce route 10.0.0.0/8 next-hop self", &cmd, err,
	    sizeof(err)), 0);
	addr_parse("192.0.2.1", &a);
	addr_parse("192.0.2.2", &b);
	addr_parse("192.0.2.3", &c);
	ck_assert(api_match_peer(&cmd.sel.v[0], &a, NULL, 0, 0, 0, "in-open"));
	ck_assert(!api_match_peer(&cmd.sel.v[0], &b, NULL, 0, 0, 0, "in-open"));
	ck_assert(api_match_peer(&cmd.sel.v[1], &b, NULL, 0, 0, 0, "in-open"));
	ck_assert(!api_match_peer(&cmd.sel.v[0], &c, NULL, 0, 0, 0, "in-open"));
	ck_assert(!api_match_peer(&cmd.sel.v[1], &c, NULL, 0, 0, 0, "in-open"));
	api_command_free(&cmd);
}
END_TEST

/* The family-allowed value ExaBGP gives a session. */
START_TEST(test_session_name)
{
	char buf[API_SESSION_NAME_MAX];

	ck_assert_str_eq(api_session_name(FAMSET(FAM_IPV4_UNICAST), false,
	    buf, sizeof(buf)), "in-open");
	ck_assert_str_eq(api_session_name(FAMSET(FAM_IPV4_UNICAST), true,
	    buf, sizeof(buf)), "ipv4-unicast");
	ck_assert_str_eq(api_session_name(FAMSET(FAM_IPV4_UNICAST) |
	    FAMSET(FAM_IPV6_UNICAST) | FAMSET(FAM_IPV4_FLOW), true, buf,
	    sizeof(buf)), "ipv4-unicast/ipv4-flow/ipv6-unicast");
}
END_TEST

/* ---- misc ---- */

START_TEST(test_help)
{
	const char *const *h = api_help_lines();
	size_t n = 0;
	bool eor = false, route = false;

	for (; h[n] != NULL; n++) {
		ck_assert(strlen(h[n]) > 0 && strchr(h[n], '\n') == NULL);
		eor |= strcmp(h[n], "announce eor [AFI SAFI]") == 0;
		route |= strncmp(h[n], "announce route ", 15) == 0;
	}
	ck_assert(n >= 20);
	ck_assert(eor && route);
}
END_TEST

START_TEST(test_free_zeroed)
{
	struct api_command cmd;

	memset(&cmd, 0, sizeof(cmd));
	api_command_free(&cmd);
	api_command_free(NULL);
}
END_TEST

/* The parsed command owns its memory: the line may go away. */
START_TEST(test_owns_memory)
{
	struct api_command cmd;
	char err[256], *line;

	line = strdup("neighbor 10.0.0.1 family-allowed in-open announce "
	    "watchdog grp");
	ck_assert_int_eq(api_parse(line, &cmd, err, sizeof(err)), 0);
	memset(line, 'z', strlen(line));
	free(line);
	ck_assert_str_eq(cmd.text, "grp");
	ck_assert_str_eq(cmd.sel.v[0].family_allowed, "in-open");
	api_command_free(&cmd);
}
END_TEST

/*
 * A big split, a long nlri list, a long line of junk, odd bytes. (Sizes
 * kept moderate: route_text grows its vector one route at a time, which
 * is quadratic under ASan's always-moving realloc.)
 */
START_TEST(test_big_and_odd)
{
	struct api_command cmd;
	char err[512], *line;
	size_t len = 1u << 20, off;

	ck_assert_int_eq(api_parse("announce route 10.0.0.0/8 next-hop self "
	    "split /20", &cmd, err, sizeof(err)), 0);
	ck_assert_uint_eq(cmd.nroutes, 4096);
	api_command_free(&cmd);

	line = malloc(len + 64);
	off = (size_t)sprintf(line, "announce attributes next-hop self nlri");
	for (unsigned k = 0; off + 20 < len / 16; k++)
		off += (size_t)sprintf(line + off, " 10.%u.%u.0/24",
		    (k >> 8) & 255, k & 255);
	ck_assert_int_eq(api_parse(line, &cmd, err, sizeof(err)), 0);
	ck_assert_uint_gt(cmd.nroutes, 4000);
	api_command_free(&cmd);

	memset(line, '[', len);
	line[len] = '\0';
	ck_assert_int_eq(api_parse(line, &cmd, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown command '['"));
	free(line);

	ck_assert_int_eq(api_parse("\x01\x7f\xff announce", &cmd, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(api_parse("announce route \xff next-hop self", &cmd,
	    err, sizeof(err)), -1);
}
END_TEST

static Suite *
api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_valid, 0, NOKS);
	tcase_add_loop_test(tc, test_invalid, 0, NBADS);
	tcase_add_test(tc, test_short_err);
	tcase_add_loop_test(tc, test_match, 0, NMATCHES);
	tcase_add_test(tc, test_match_list);
	tcase_add_test(tc, test_session_name);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_free_zeroed);
	tcase_add_test(tc, test_owns_memory);
	tcase_add_test(tc, test_big_and_odd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(api_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
