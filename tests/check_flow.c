/*
 * Flowspec (flow.c, flow_text.c): the NLRI reader on the kit's octets and
 * on hostile ones (lengths, operator lengths that run past the end,
 * order, unknown types), ExaBGP 4.2's JSON and text of them, the builder
 * from text against the kit's octets, its refusals, and the round trip
 * through the configuration syntax.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/flow.h"
#include "evbgp/flow_text.h"
#include "evbgp/lexer.h"
#include "evbgp/nlri.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

#include "codec_hex.h"

/* ---- the reader, ExaBGP 4.2's JSON and text ---- */

struct rvec {
	const char	*name;
	enum family_id	 fam;
	const char	*hex;		/* one NLRI, length field included */
	int		 rc;		/* nlri_get */
	const char	*json;		/* members, when rc == 0 */
	const char	*text;
};

static const struct rvec rvecs[] = {
	/* kit conf-flow / json4 */
	{ "tcp 3128", FAM_IPV4_FLOW,
	    "13 01200A000002 02200A000001 038106 05910C38", 0,
	    "\"destination-ipv4\":[\"10.0.0.2/32\"],\"source-ipv4\":"
	    "[\"10.0.0.1/32\"],\"protocol\":[\"=tcp\"],\"destination-port\":"
	    "[\"=3128\"],\"string\":\"flow destination-ipv4 10.0.0.2/32 "
	    "source-ipv4 10.0.0.1/32 protocol =tcp destination-port =3128\"",
	    "flow destination-ipv4 10.0.0.2/32 source-ipv4 10.0.0.1/32 "
	    "protocol =tcp destination-port =3128" },
	{ "flow-vpn", FAM_IPV4_FLOW_VPN,
	    "0E 0000FFFF00010000 02200A000001", 0,
	    "\"source-ipv4\":[\"10.0.0.1/32\"],\"rd\":\"65535:65536\","
	    "\"string\":\"flow source-ipv4 10.0.0.1/32 rd 65535:65536\"",
	    "flow source-ipv4 10.0.0.1/32 rd 65535:65536" },
	{ "packet-length", FAM_IPV4_FLOW, "0C 0A02C854012C120190D401F4", 0,
	    "\"packet-length\":[\">200&<300\",\">400&<500\"],\"string\":"
	    "\"flow packet-length [ >200&<300 >400&<500 ]\"",
	    "flow packet-length [ >200&<300 >400&<500 ]" },
	{ "fragment", FAM_IPV4_FLOW, "03 0C8008", 0,
	    "\"fragment\":[\"last-fragment\"],\"string\":\"flow fragment "
	    "last-fragment\"", "flow fragment last-fragment" },
	{ "ipv6", FAM_IPV6_FLOW,
	    "30 0180002A020B80001500007ACA39FFFEAEA87A "
	    "028078000000000000000000000000000000 01 038111 0B8165 0D9107DD",
	    0, "\"destination-ipv6\":[\"2a02:b80:15:0:7aca:39ff:feae:a87a/128/"
	    "0\"],\"source-ipv6\":[\"::1/128/120\"],\"next-header\":[\"=udp\"],"
	    "\"traffic-class\":[\"=101\"],\"flow-label\":[\"=2013\"],"
	    "\"string\":\"flow destination-ipv6 2a02:b80:15:0:7aca:39ff:feae:"
	    "a87a/128/0 source-ipv6 ::1/128/120 next-header =udp "
	    "traffic-class =101 flow-label =2013\"",
	    "flow destination-ipv6 2a02:b80:15:0:7aca:39ff:feae:a87a/128/0 "
	    "source-ipv6 ::1/128/120 next-header =udp traffic-class =101 "
	    "flow-label =2013" },
	{ "redirect", FAM_IPV4_FLOW,
	    "25 0120C0A80001 02200A000002 0301118106 040150911F90 "
	    "05121F90541F98910C38 06920400", 0,
	    "\"destination-ipv4\":[\"192.168.0.1/32\"],\"source-ipv4\":"
	    "[\"10.0.0.2/32\"],\"protocol\":[\"=udp\",\"=tcp\"],\"port\":"
	    "[\"=80\",\"=8080\"],\"destination-port\":[\">8080&<8088\","
	    "\"=3128\"],\"source-port\":[\">1024\"],\"string\":\"flow "
	    "destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.2/32 protocol "
	    "[ =udp =tcp ] port [ =80 =8080 ] destination-port [ >8080&<8088 "
	    "=3128 ] source-port >1024\"",
	    "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.2/32 "
	    "protocol [ =udp =tcp ] port [ =80 =8080 ] destination-port "
	    "[ >8080&<8088 =3128 ] source-port >1024" },
	{ "not equal", FAM_IPV4_FLOW,
	    "1C 0120C0A80001 02200A00000A 038606 048600 059601BB 060650961F90",
	    0, "\"destination-ipv4\":[\"192.168.0.1/32\"],\"source-ipv4\":"
	    "[\"10.0.0.10/32\"],\"protocol\":[\"!=tcp\"],\"port\":[\"!=0\"],"
	    "\"destination-port\":[\"!=443\"],\"source-port\":[\"!=80\","
	    "\"!=8080\"],\"string\":\"flow destination-ipv4 192.168.0.1/32 "
	    "source-ipv4 10.0.0.10/32 protocol !=tcp port !=0 "
	    "destination-port !=443 source-port [ !=80 !=8080 ]\"",
	    "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.10/32 "
	    "protocol !=tcp port !=0 destination-port !=443 source-port "
	    "[ !=80 !=8080 ]" },
	{ "tcp-flags kit", FAM_IPV4_FLOW,
	    "1C 01200A000002 02200A000001 038106 05910C38 09000200044001C308",
	    0, "\"destination-ipv4\":[\"10.0.0.2/32\"],\"source-ipv4\":"
	    "[\"10.0.0.1/32\"],\"protocol\":[\"=tcp\"],\"destination-port\":"
	    "[\"=3128\"],\"tcp-flags\":[\"syn\",\"rst&fin&!=push\"],"
	    "\"string\":\"flow destination-ipv4 10.0.0.2/32 source-ipv4 "
	    "10.0.0.1/32 protocol =tcp destination-port =3128 tcp-flags "
	    "[ syn rst&fin&!=push ]\"",
	    "flow destination-ipv4 10.0.0.2/32 source-ipv4 10.0.0.1/32 "
	    "protocol =tcp destination-port =3128 tcp-flags "
	    "[ syn rst&fin&!=push ]" },
	/* bgp-flow-1: three fragment rules, a /64 IPv6 source */
	{ "bgp-flow-1", FAM_IPV6_FLOW,
	    "28 0180002A0229B8192500000000000000002E69 024000BEEFF00E00000000 "
	    "038106 0C000400028008", 0,
	    "\"destination-ipv6\":[\"2a02:29b8:1925::2e69/128/0\"],"
	    "\"source-ipv6\":[\"beef:f00e::/64/0\"],\"next-header\":"
	    "[\"=tcp\"],\"fragment\":[\"first-fragment\",\"is-fragment\","
	    "\"last-fragment\"],\"string\":\"flow destination-ipv6 "
	    "2a02:29b8:1925::2e69/128/0 source-ipv6 beef:f00e::/64/0 "
	    "next-header =tcp fragment [ first-fragment is-fragment "
	    "last-fragment ]\"",
	    "flow destination-ipv6 2a02:29b8:1925::2e69/128/0 source-ipv6 "
	    "beef:f00e::/64/0 next-header =tcp fragment [ first-fragment "
	    "is-fragment last-fragment ]" },
	/* bgp-flow-2: one rule, two bits: two JSON strings, one text word */
	{ "bgp-flow-2", FAM_IPV4_FLOW, "05 0901048109", 0,
	    "\"tcp-flags\":[\"=rst\",\"=fin\",\"=push\"],\"string\":\"flow "
	    "tcp-flags [ =rst =fin+push ]\"",
	    "flow tcp-flags [ =rst =fin+push ]" },
	/* bgp-flow-3: ANDed NOT rules */
	{ "bgp-flow-3", FAM_IPV4_FLOW, "09 09001000804201C240", 0,
	    "\"tcp-flags\":[\"ack\",\"cwr&!fin&!ece\"],\"string\":\"flow "
	    "tcp-flags [ ack cwr&!fin&!ece ]\"",
	    "flow tcp-flags [ ack cwr&!fin&!ece ]" },
	/* 4.2 writes "!is-fragment" as "not-a-fragment" in JSON only */
	{ "not is-fragment", FAM_IPV4_FLOW, "03 0C8202", 0,
	    "\"fragment\":[\"not-a-fragment\"],\"string\":\"flow fragment "
	    "!is-fragment\"", "flow fragment !is-fragment" },
	/* names 4.2 does not know, operators it has no spelling for */
	{ "unknown names", FAM_IPV4_FLOW, "0A 0381C8 078114 09980200", 0,
	    "\"protocol\":[\"=unknown protocol type 200\"],\"icmp-type\":"
	    "[\"=unknown icmp type type 20\"],\"tcp-flags\":"
	    "[\"unknown tcp flag type 512\"],\"string\":\"flow protocol "
	    "=unknown protocol type 200 icmp-type =unknown icmp type type 20 "
	    "tcp-flags 08unknown tcp flag type 512\"",
	    "flow protocol =unknown protocol type 200 icmp-type =unknown "
	    "icmp type type 20 tcp-flags 08unknown tcp flag type 512" },
	/* true, false (4.2 prints the value after "&false"), a 4-octet
	 * flow label */
	{ "true false", FAM_IPV6_FLOW, "0B 0A0700C000 0DA10001E240", 0,
	    "\"packet-length\":[\"true&false0\"],\"flow-label\":"
	    "[\"=123456\"],\"string\":\"flow packet-length [ true&false0 ] "
	    "flow-label =123456\"",
	    "flow packet-length [ true&false0 ] flow-label =123456" },
	/* an empty NLRI matches every packet: 4.2 reads it */
	{ "empty", FAM_IPV4_FLOW, "00", 0, "\"string\":\"flow\"", "flow" },
	/* the two-octet length form, here for a short NLRI */
	{ "long length form", FAM_IPV4_FLOW, "F003 0C8008", 0,
	    "\"fragment\":[\"last-fragment\"],\"string\":\"flow fragment "
	    "last-fragment\"", "flow fragment last-fragment" },

	/* hostile: the length field itself (the NLRI cannot be framed) */
	{ "no length", FAM_IPV4_FLOW, "", -1, NULL, NULL },
	{ "length past end", FAM_IPV4_FLOW, "05 0C8008", -1, NULL, NULL },
	{ "long length cut", FAM_IPV4_FLOW, "F0", -1, NULL, NULL },
	{ "long length past end", FAM_IPV4_FLOW, "FFFF 0C8008", -1, NULL,
	    NULL },
	/* hostile: framed, malformed inside (ignored, the others kept) */
	{ "vpn shorter than rd", FAM_IPV4_FLOW_VPN, "04 00000001", 1, NULL,
	    NULL },
	{ "type 0", FAM_IPV4_FLOW, "03 008101", 1, NULL, NULL },
	{ "flow-label in v4", FAM_IPV4_FLOW, "03 0D8101", 1, NULL, NULL },
	{ "type 14", FAM_IPV6_FLOW, "03 0E8101", 1, NULL, NULL },
	{ "order", FAM_IPV4_FLOW, "06 058150 038106", 1, NULL, NULL },
	/* the operator's length runs past the NLRI (8 octets, 2 there) */
	{ "operator length overrun", FAM_IPV4_FLOW, "04 05B10050", 1, NULL,
	    NULL },
	{ "operator length overrun 2", FAM_IPV4_FLOW, "03 059100", 1, NULL,
	    NULL },
	/* ... while the next NLRI's octets follow in the field */
	{ "operator into next", FAM_IPV4_FLOW, "02 0591 03 0C8008", 1, NULL,
	    NULL },
	{ "no end of list", FAM_IPV4_FLOW, "05 0501500150", 1, NULL, NULL },
	{ "no operator", FAM_IPV4_FLOW, "01 05", 1, NULL, NULL },
	{ "v4 prefix /33", FAM_IPV4_FLOW, "07 01210A00000000", 1, NULL, NULL },
	{ "v4 prefix cut", FAM_IPV4_FLOW, "04 01200A00", 1, NULL, NULL },
	{ "v4 prefix no length", FAM_IPV4_FLOW, "01 01", 1, NULL, NULL },
	{ "v6 prefix /129", FAM_IPV6_FLOW, "03 018100", 1, NULL, NULL },
	{ "v6 prefix no offset", FAM_IPV6_FLOW, "02 0110", 1, NULL, NULL },
	{ "v6 prefix cut", FAM_IPV6_FLOW, "05 01200020010D", 1, NULL, NULL },
};

static void
check_rvec(const struct rvec *v)
{
	uint8_t buf[FLOW_NLRI_MAX + 16];
	size_t n = hex2bin(v->hex, buf, sizeof(buf));
	const char *why = NULL;
	struct rbuf r;
	struct nlri nl;
	struct sbuf o;
	int rc;

	rbuf_init(&r, buf, n);
	rc = nlri_get(&r, v->fam, false, false, &nl, &why);
	ck_assert_msg(rc == v->rc, "%s: rc %d (%s)", v->name, rc,
	    why ? why : "");
	if (rc == -1) {
		ck_assert_msg(why != NULL, "%s: no reason", v->name);
		ck_assert_uint_eq(rbuf_left(&r), n);
		return;
	}
	if (rc == 1) {
		/* framed: the rest of the field is still located */
		ck_assert_msg(why != NULL, "%s: no reason", v->name);
		ck_assert_uint_eq(nl.len + rbuf_left(&r), n);
		/* and its printing stays in bounds (ASan) */
		sbuf_init(&o);
		nlri_json(&o, &nl, false, "192.0.2.1");
		nlri_text(&o, &nl, false, NULL);
		sbuf_free(&o);
		return;
	}
	sbuf_init(&o);
	nlri_json(&o, &nl, false, NULL);
	ck_assert_msg(strcmp(o.p, v->json) == 0, "%s: JSON\n got  %s\n want %s",
	    v->name, o.p, v->json);
	sbuf_reset(&o);
	nlri_text(&o, &nl, false, NULL);
	ck_assert_msg(strcmp(o.p, v->text) == 0, "%s: text\n got  %s\n want %s",
	    v->name, o.p, v->text);
	sbuf_free(&o);
}

START_TEST(test_read)
{
	check_rvec(&rvecs[_i]);
}
END_TEST

/* With a next hop: in the JSON object and the text (4.2). */
START_TEST(test_nexthop)
{
	uint8_t buf[64];
	struct nlri nl = { .fam = FAM_IPV4_FLOW_VPN, .b = buf };
	struct sbuf o;

	nl.len = hex2bin("0E 0000FFFF00010000 02200A000003", buf, sizeof(buf));
	sbuf_init(&o);
	nlri_json(&o, &nl, false, "5.6.7.8");
	ck_assert_str_eq(o.p, "\"source-ipv4\":[\"10.0.0.3/32\"],\"rd\":"
	    "\"65535:65536\",\"next-hop\":\"5.6.7.8\",\"string\":\"flow "
	    "source-ipv4 10.0.0.3/32 rd 65535:65536 next-hop 5.6.7.8\"");
	sbuf_free(&o);
}
END_TEST

/* A field with a malformed NLRI between two good ones: located, counted. */
START_TEST(test_field_ignored)
{
	uint8_t buf[64];
	size_t n = hex2bin("03 0C8008  03 0E8101  03 0C8004", buf, sizeof(buf));
	size_t count = 0, ignored = 0;
	const char *why = NULL;
	struct rbuf r;

	rbuf_init(&r, buf, n);
	ck_assert_int_eq(nlri_field_check(r, FAM_IPV4_FLOW, false, false,
	    &count, &ignored, &why), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_uint_eq(ignored, 1);
	ck_assert_str_eq(why, "flowspec: unknown component type");
	/* a length past the end: the whole field is malformed */
	n = hex2bin("03 0C8008  09 0C8004", buf, sizeof(buf));
	rbuf_init(&r, buf, n);
	ck_assert_int_eq(nlri_field_check(r, FAM_IPV4_FLOW, false, false,
	    &count, &ignored, &why), -1);
}
END_TEST

/* The key: the content, whatever the length field's form. */
START_TEST(test_key)
{
	uint8_t a[16], b[16];
	struct nlri x = { .fam = FAM_IPV4_FLOW, .b = a };
	struct nlri y = { .fam = FAM_IPV4_FLOW, .b = b };

	x.len = hex2bin("03 0C8008", a, sizeof(a));
	y.len = hex2bin("F003 0C8008", b, sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	y.len = hex2bin("03 0C8004", b, sizeof(b));
	ck_assert(!nlri_same_key(&x, &y));
	/* the same match in flow and flow-vpn are other routes */
	y = x;
	y.fam = FAM_IPV4_FLOW_VPN;
	ck_assert(!nlri_same_key(&x, &y));
}
END_TEST

/* ---- the builder: text to the kit's octets ---- */

struct bvec {
	const char	*route;		/* after "route" */
	enum family_id	 fam;
	const char	*nlri;		/* hex */
	const char	*ecomms;	/* hex, 8 octets each, sorted */
	const char	*nexthop;	/* or NULL */
};

static const struct bvec bvecs[] = {
	/* kit conf-flow */
	{ "{ match { source 10.0.0.1/32; destination 10.0.0.2/32; "
	    "destination-port =3128; protocol tcp; } then { discard; "
	    "community [30740:0 30740:30740]; } }", FAM_IPV4_FLOW,
	    "13 01200A000002 02200A000001 038106 05910C38",
	    "8006000000000000", NULL },
	{ "first-vpn-route { rd 65535:65536; match { source 10.0.0.1/32; } "
	    "then { discard; } }", FAM_IPV4_FLOW_VPN,
	    "0E 0000FFFF00010000 02200A000001", "8006000000000000", NULL },
	{ "another-but-packets { match { source 10.0.1.0/24; "
	    "destination-port =3128; protocol tcp; } then { rate-limit 1000 "
	    "packets; } }", FAM_IPV4_FLOW, "0C 02180A000103810605910C38",
	    "800C0000447A0000", NULL },
	{ "first-redirect { match { source 10.0.0.9/32; destination "
	    "192.168.0.1/32; port [ =80 =8080 ]; destination-port "
	    "[ >8080&<8088 =3128 ]; source-port >1024; protocol [ udp tcp ]; "
	    "} then { redirect 65500:12345; } }", FAM_IPV4_FLOW,
	    "25 0120C0A80001 02200A000009 0301118106 040150911F90 "
	    "05121F90541F98910C38 06920400", "8008FFDC00003039", NULL },
	{ "{ match { source 10.0.0.2/32; destination 192.168.0.1/32; port "
	    "[ =80 =8080 ]; destination-port [ >8080&<8088 =3128]; "
	    "source-port >1024; protocol [ udp tcp ]; } then { redirect "
	    "258:33756718; } }", FAM_IPV4_FLOW,
	    "25 0120C0A80001 02200A000002 0301118106 040150911F90 "
	    "05121F90541F98910C38 06920400", "800801020203162E", NULL },
	{ "third-redirect { match { destination 192.168.0.1/32; } then { "
	    "redirect 1.2.3.4; } }", FAM_IPV4_FLOW, "06 0120C0A80001",
	    "0800000000000000", "1.2.3.4" },
	{ "legal-intercept { match { source 10.0.0.2/32; } then { copy "
	    "1.2.3.4; } }", FAM_IPV4_FLOW, "06 02200A000002",
	    "0800000000000001", "1.2.3.4" },
	{ "a-vpn-route { rd 65535:65536; next-hop 5.6.7.8; match { source "
	    "10.0.0.3/32; } then { redirect-to-nexthop; } }",
	    FAM_IPV4_FLOW_VPN, "0E 0000FFFF00010000 02200A000003",
	    "0800000000000000", "5.6.7.8" },
	{ "set-dscp { match { packet-length [ >200&<300 >400&<500 ]; } then "
	    "{ mark 10; } }", FAM_IPV4_FLOW, "0C 0A02C854012C120190D401F4",
	    "800900000000000A", NULL },
	{ "take-action { match { fragment [ last-fragment ]; } then { "
	    "action sample-terminal; } }", FAM_IPV4_FLOW, "03 0C8008",
	    "8007000000000003", NULL },
	{ "ipv6 { match { source ::1/128/120; destination "
	    "2a02:b80:15::7aca:39ff:feae:a87a/128/0; next-header udp; "
	    "traffic-class 101; flow-label 2013; } then { discard; } }",
	    FAM_IPV6_FLOW,
	    "30 0180002A020B80001500007ACA39FFFEAEA87A "
	    "028078000000000000000000000000000000 01 038111 0B8165 0D9107DD",
	    "8006000000000000", NULL },
	{ "neq-operator { match { source 10.0.0.10/32; destination "
	    "192.168.0.1/32; port [ !=0 ]; destination-port [ !=443 ]; "
	    "source-port [ !=80 !=8080 ]; protocol [ !=tcp ]; } then { "
	    "discard; } }", FAM_IPV4_FLOW,
	    "1C 0120C0A80001 02200A00000A 038606 048600 059601BB 060650961F90",
	    "8006000000000000", NULL },
	{ "check-tcp-flags { match { source 10.0.0.1/32; destination "
	    "10.0.0.2/32; destination-port =3128; protocol tcp; tcp-flags "
	    "[SYN RST&FIN&!=push]; } then { discard; } }", FAM_IPV4_FLOW,
	    "1C 01200A000002 02200A000001 038106 05910C38 09000200044001C308",
	    "8006000000000000", NULL },
	/* kit api-flow-merge: interface-set, sorted with the rate */
	{ "{ match { source 10.10.10.10/32; } scope { interface-set "
	    "[ transitive:input-output:1234:10 transitive:input:1234:10 "
	    "transitive:output:0:0]; } then { discard; } }", FAM_IPV4_FLOW,
	    "06 02200A0A0A0A", "0702000000008000 0702000004D2400A "
	    "0702000004D2C00A 8006000000000000", NULL },
	/* the one-statement form */
	{ "destination 133.130.1.219/32 discard interface-set "
	    "[ transitive:input:1234:10]", FAM_IPV4_FLOW, "06 0120858201DB",
	    "0702000004D2400A 8006000000000000", NULL },
	{ "{ match { source 6.6.6.6/32; } scope { interface-set "
	    "[ non-transitive:input:3405770241:1 ]; } then { discard; } }",
	    FAM_IPV4_FLOW, "06 022006060606",
	    "4702CAFFEE014001 8006000000000000", NULL },
	/* kit api-flow: rate-limit 65535 */
	{ "{ match { source 255.255.255.255/32; destination "
	    "255.255.255.255/32; } then { rate-limit 65535; } }",
	    FAM_IPV4_FLOW, "0C 0120FFFFFFFF 0220FFFFFFFF", "80060000477FFF00",
	    NULL },
	/* a 4-octet ASN redirect; named ports, icmp, a 4-octet value */
	{ "{ match { destination 10.0.0.0/8; destination-port [ http "
	    "https ]; icmp-type echo-request; icmp-code host-unreachable; } "
	    "then { redirect 4200000000:7; } }", FAM_IPV4_FLOW,
	    "0F 01080A 0501509101BB 078108 088101", "8208FA56EA000007", NULL },
	{ "{ match { source 2001:db8::/32; flow-label >65536; } }",
	    FAM_IPV6_FLOW, "0D 02200020010DB8 0DA200010000", "", NULL },
	/* found by fuzz_config: an IPv4 traffic class above 63 was printed
	 * back as "dscp 200", which "dscp" refuses */
	{ "{ match { source 10.0.0.1/32; traffic-class [ 10 200 ]; } }",
	    FAM_IPV4_FLOW, "0B 02200A000001 0B010A81C8", "", NULL },
	/* hex and '+' values (4.2's Resource.named), the host bits off */
	{ "{ match { source 10.0.0.1/24; tcp-flags 0x20+0x8+fin; } }",
	    FAM_IPV4_FLOW, "08 02180A0000 098029", "", NULL },
};

static size_t
route_of(const char *text, struct cfg_route **routes, size_t *n,
    char *err, size_t errlen)
{
	struct lex_tokens tk = { 0 };
	struct route_text_err e;
	int rc;

	ck_assert_int_eq(lex_line(text, &tk, err, errlen), 0);
	rc = flow_text_parse(tk.v, tk.n, -1, routes, n, &e);
	if (rc == -1)
		snprintf(err, errlen, "%s", e.msg);
	lex_tokens_free(&tk);
	return rc == 0;
}

START_TEST(test_build)
{
	const struct bvec *v = &bvecs[_i];
	struct cfg_route *r = NULL;
	uint8_t want[512], ec[256];
	char err[512], ip[ADDR_STRLEN];
	size_t n = 0, wl, el;

	ck_assert_msg(route_of(v->route, &r, &n, err, sizeof(err)), "%s: %s",
	    v->route, err);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(r[0].fam, v->fam);
	wl = hex2bin(v->nlri, want, sizeof(want));
	ck_assert_msg(r[0].nlri.len == wl && memcmp(nlri_buf_data(&r[0].nlri),
	    want, wl) == 0, "%s: NLRI differs", v->route);
	el = hex2bin(v->ecomms, ec, sizeof(ec));
	ck_assert_uint_eq(r[0].attrs.necomms * 8, el);
	for (size_t i = 0; i < r[0].attrs.necomms; i++)
		ck_assert_msg(r[0].attrs.ecomms[i] == ((uint64_t)be32_get(ec + 8 * i) << 32 | be32_get(ec + 8 * i + 4)),
		    "%s: ext community %zu", v->route, i);
	if (v->nexthop != NULL) {
		ck_assert(r[0].attrs.has & ATTR_HAS_NEXT_HOP);
		ck_assert_str_eq(addr_fmt(&r[0].attrs.nexthop, ip), v->nexthop);
	} else
		ck_assert(!(r[0].attrs.has & ATTR_HAS_NEXT_HOP));
	cfg_routes_free(r, n);
}
END_TEST

/* Printed back as a block, every route reads back to an equal one. */
START_TEST(test_round_trip)
{
	const struct bvec *v = &bvecs[_i];
	struct cfg_route *r = NULL, *back = NULL;
	size_t n = 0, nb = 0;
	char err[512];
	struct sbuf o;

	ck_assert(route_of(v->route, &r, &n, err, sizeof(err)));
	sbuf_init(&o);
	flow_text_format(&o, &r[0], "");
	/* the block minus its "route" word, as one line */
	for (size_t i = 0; i < o.len; i++)
		if (o.p[i] == '\n' || o.p[i] == '\t')
			o.p[i] = ' ';
	ck_assert_msg(route_of(o.p + strlen("route "), &back, &nb, err,
	    sizeof(err)), "%s: %s", o.p, err);
	ck_assert_msg(cfg_route_equal(&r[0], &back[0]), "%s\nprinted %s",
	    v->route, o.p);
	sbuf_free(&o);
	cfg_routes_free(r, n);
	cfg_routes_free(back, nb);
}
END_TEST

/* Long rules take the two-octet length (RFC 8955 §4.1), up to 4095. */
START_TEST(test_long)
{
	struct flow_rule f;
	uint8_t buf[FLOW_NLRI_MAX];
	enum family_id fam;
	char err[256], word[16];
	size_t len;
	struct rbuf r;
	struct nlri nl;

	flow_rule_init(&f);
	for (unsigned p = 1; p <= 100; p++) {
		snprintf(word, sizeof(word), "=%u", 1000 + p);
		ck_assert_int_eq(flow_rule_add(&f, "destination-port", word,
		    err, sizeof(err)), 0);
	}
	len = flow_rule_encode(&f, buf, &fam, err, sizeof(err));
	/* type + 100 items of an operator and 2 octets */
	ck_assert_uint_eq(len, 2 + 1 + 300);
	ck_assert_uint_eq(buf[0], 0xF1);
	ck_assert_uint_eq(buf[1], 301 - 256);
	rbuf_init(&r, buf, len);
	ck_assert_int_eq(nlri_get(&r, fam, false, false, &nl, NULL), 0);
	ck_assert_uint_eq(nl.len, len);
	/* past 4095 octets: refused */
	for (unsigned p = 0; p < 1400; p++)
		ck_assert_int_eq(flow_rule_add(&f, "source-port", "=1000",
		    err, sizeof(err)), 0);
	ck_assert_uint_eq(flow_rule_encode(&f, buf, &fam, err, sizeof(err)),
	    0);
	ck_assert(strstr(err, "longer than the 4095 octets") != NULL);
	flow_rule_free(&f);
}
END_TEST

/* ---- refusals, with the reason ---- */

static const struct {
	const char	*route;
	const char	*msg;		/* a part of the message */
} bad[] = {
	{ "{ match { flow-label 5; } }", "flow-label is an IPv6 match" },
	{ "{ match { source 10.0.0.0/8; destination 2001:db8::/32; } }",
	    "cannot mix IPv4 and IPv6 prefixes" },
	{ "{ then { discard; } }", "at least one match component" },
	{ "{ match { source-ipv6 10.0.0.0/8; } }", "source-ipv6 takes an "
	    "IPv6 prefix" },
	{ "{ match { source 10.0.0.0; } }", "expected a prefix with its "
	    "length" },
	{ "{ match { source 2001:db8::/32/40; } }", "offset of "
	    "'2001:db8::/32/40' is past its length" },
	{ "{ match { protocol 256; } }", "protocol: 256 is above 255" },
	{ "{ match { protocol tcpx; } }", "unknown protocol 'tcpx'" },
	{ "{ match { destination-port >65536; } }", "65536 is above 65535" },
	{ "{ match { destination-port nosuchservice; } }", "unknown port "
	    "'nosuchservice'" },
	{ "{ match { port >8080&; } }", "ends with '&'" },
	{ "{ match { port !80; } }", "bad operator in '!80'" },
	{ "{ match { port =; } }", "a value is missing" },
	{ "{ match { dscp 64; } }", "dscp: 64 is above 63" },
	{ "{ match { traffic-class 256; } }", "above 255" },
	{ "{ match { packet-length 0x10; } }", "not a number" },
	{ "{ match { fragment 0x100; } }", "above 255" },
	{ "{ match { tcp-flags synack; } }", "unknown tcp flag 'synack'" },
	{ "{ match { source 2001:db8::/32; flow-label 1048576; } }",
	    "above 1048575" },
	{ "{ match { source 10.0.0.0/8; } then { redirect 1.2.3.4:5; } }",
	    "IP:NUMBER form is deprecated" },
	{ "{ match { source 10.0.0.0/8; } then { redirect 2001:db8::1; } }",
	    "must be written [ADDRESS]:N" },
	{ "{ match { source 10.0.0.0/8; } then { redirect 70000:70000; } }",
	    "with a 4-octet ASN the number must be below 65536" },
	{ "{ match { source 10.0.0.0/8; } then { mark 64; } }", "not a DSCP "
	    "value" },
	{ "{ match { source 10.0.0.0/8; } then { action drop; } }",
	    "not sample, terminal" },
	{ "{ match { source 10.0.0.0/8; } then { rate-limit fast; } }",
	    "not a number of bytes" },
	{ "{ match { source 10.0.0.0/8; } scope { interface-set "
	    "transitive:sideways:1:1; } }", "direction 'sideways'" },
	{ "{ match { source 10.0.0.0/8; } scope { interface-set "
	    "transitive:input:1:16384; } }", "14-bit" },
	{ "{ match { source 10.0.0.0/8; } then { community [ 1:2 ; } }",
	    "unexpected ';' in the community list" },
	{ "{ match { source 10.0.0.0/8; } then { discard; } scope { "
	    "discard; } }", "unknown keyword 'discard' in scope" },
	{ "{ match { discard; } }", "unknown keyword 'discard' in match" },
	{ "{ rd 65536:65536; match { source 10.0.0.0/8; } }", "invalid route "
	    "distinguisher" },
	{ "{ bogus { } }", "unknown block 'bogus'" },
	{ "{ match { source 10.0.0.0/8; }", "missing '}'" },
	{ "{ match { source 10.0.0.0/8; } } extra", "unexpected 'extra'" },
	{ "{ match { source 10.0.0.0/8 destination 10.0.0.1/32; } }",
	    "expected ';' after the value" },
	{ "source 10.0.0.0/8 frobnicate", "unknown keyword 'frobnicate'" },
};

START_TEST(test_bad)
{
	struct cfg_route *r = NULL;
	size_t n = 0;
	char err[1024];

	ck_assert_msg(!route_of(bad[_i].route, &r, &n, err, sizeof(err)),
	    "%s: accepted", bad[_i].route);
	ck_assert_msg(strstr(err, bad[_i].msg) != NULL, "%s: '%s'",
	    bad[_i].route, err);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(r);
}
END_TEST

static Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_read, 0, sizeof(rvecs) / sizeof(rvecs[0]));
	tcase_add_test(tc, test_nexthop);
	tcase_add_test(tc, test_field_ignored);
	tcase_add_test(tc, test_key);
	tcase_add_loop_test(tc, test_build, 0,
	    sizeof(bvecs) / sizeof(bvecs[0]));
	tcase_add_loop_test(tc, test_round_trip, 0,
	    sizeof(bvecs) / sizeof(bvecs[0]));
	tcase_add_test(tc, test_long);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(flow_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
