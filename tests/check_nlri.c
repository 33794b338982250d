/*
 * The NLRI table (nlri.c): each family's reader on the kit's octets and
 * on hostile ones (truncated, overlong, lengths that do not add up), its
 * key, JSON and text as ExaBGP 4.2 prints them, and the MP_REACH next
 * hop forms.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/nlri.h"
#include "evbgp/util.h"

#include "codec_hex.h"

struct vec {
	const char	*name;
	enum family_id	 fam;
	bool		 withdrawn;
	const char	*hex;
	int		 rc;		/* nlri_get */
	size_t		 len;		/* consumed when rc == 0 */
	const char	*json;		/* members, when rc == 0 */
	const char	*text;
};

static const struct vec vecs[] = {
	{ "v4 /24", FAM_IPV4_UNICAST, false, "18 0A0000", 0, 4,
	    "\"nlri\":\"10.0.0.0/24\"", "10.0.0.0/24" },
	{ "v4 default", FAM_IPV4_UNICAST, false, "00", 0, 1,
	    "\"nlri\":\"0.0.0.0/0\"", "0.0.0.0/0" },
	/* trailing bits are irrelevant (RFC 4271 §4.3) */
	{ "v4 /23 dirty", FAM_IPV4_UNICAST, false, "17 0A0001", 0, 4,
	    "\"nlri\":\"10.0.0.0/23\"", "10.0.0.0/23" },
	{ "v4 /33", FAM_IPV4_UNICAST, false, "21 0A000000 00", -1, 0, NULL,
	    NULL },
	{ "v4 truncated", FAM_IPV4_UNICAST, false, "18 0A00", -1, 0, NULL,
	    NULL },
	{ "v4 empty", FAM_IPV4_UNICAST, false, "", -1, 0, NULL, NULL },
	{ "v6 multicast /32", FAM_IPV6_MULTICAST, false, "20 20010DB8", 0, 5,
	    "\"nlri\":\"2001:db8::/32\"", "2001:db8::/32" },
	{ "v6 /129", FAM_IPV6_UNICAST, false, "81", -1, 0, NULL, NULL },
	/* conf-prefix-sid: 198.51.100.100/32 label 800001 */
	{ "labeled kit", FAM_IPV4_NLRI_MPLS, false, "38 C35011 C6336464", 0, 8,
	    "\"nlri\":\"198.51.100.100/32\",\"label\":[[800001]]",
	    "198.51.100.100/32 label 800001" },
	/* two labels, the second with the bottom of stack */
	{ "labeled stack", FAM_IPV6_NLRI_MPLS, false,
	    "50 000640 000651 20010DB8", 0, 11,
	    "\"nlri\":\"2001:db8::/32\",\"label\":[[100],[101]]",
	    "2001:db8::/32 label [ 100 101 ]" },
	/* no bottom of stack: the length octet bounds the stack (ExaBGP
	 * accepts it too) */
	{ "labeled no bos", FAM_IPV4_NLRI_MPLS, false, "30 000640 000650", 0,
	    7, "\"nlri\":\"0.0.0.0/0\",\"label\":[[100],[101]]",
	    "0.0.0.0/0 label [ 100 101 ]" },
	/* ... and the octets it promises must be there */
	{ "labeled no bos short", FAM_IPV4_NLRI_MPLS, false,
	    "38 000640 000650", -1, 0, NULL, NULL },
	/* the length octet promises more than there is */
	{ "labeled truncated", FAM_IPV4_NLRI_MPLS, false, "38 C35011 C633", -1,
	    0, NULL, NULL },
	/* labels leave 40 prefix bits: too long for IPv4 */
	{ "labeled prefix /40", FAM_IPV4_NLRI_MPLS, false,
	    "40 C35011 C633646401", -1, 0, NULL, NULL },
	/* conf-vpn: 10.0.0.0/25 label 1000 rd 65000:1 */
	{ "vpn kit", FAM_IPV4_MPLS_VPN, false,
	    "71 003E81 0000FDE800000001 0A000000", 0, 16,
	    "\"nlri\":\"10.0.0.0/25\",\"label\":[[1000]],\"rd\":\"65000:1\"",
	    "10.0.0.0/25 label 1000 rd 65000:1" },
	/* conf-parity: VPNv6, rd type 2 (4-octet AS) */
	{ "vpn6 kit", FAM_IPV6_MPLS_VPN, false,
	    "88 0039E1 00000C8F22C6DB3D 20014B5020C0", 0, 18,
	    "\"nlri\":\"2001:4b50:20c0::/48\",\"label\":[[926]],"
	    "\"rd\":\"3215:583457597\"",
	    "2001:4b50:20c0::/48 label 926 rd 3215:583457597" },
	/* rd type 1 (IPv4 administrator) */
	{ "vpn rd ip", FAM_IPV4_MPLS_VPN, false,
	    "70 003E81 0001C0A8C9010007 0A0000", 0, 15,
	    "\"nlri\":\"10.0.0.0/24\",\"label\":[[1000]],"
	    "\"rd\":\"192.168.201.1:7\"",
	    "10.0.0.0/24 label 1000 rd 192.168.201.1:7" },
	/* a withdrawal with the RFC 8277 placeholder label */
	{ "vpn withdrawn", FAM_IPV4_MPLS_VPN, true,
	    "70 800000 0000FDE800000001 0A0000", 0, 15,
	    "\"nlri\":\"10.0.0.0/24\",\"label\":[[524288]],"
	    "\"rd\":\"65000:1\"",
	    "10.0.0.0/24 label 524288 rd 65000:1" },
	/* an announcement whose stack runs through the withdrawal
	 * placeholder (found by fuzz_nlri: read back as a withdrawal's, its
	 * prefix was 56 bits long) */
	{ "vpn placeholder in stack", FAM_IPV4_MPLS_VPN, false,
	    "88 800000 003E81 0000FDE800000001 0A000000", -1, 0, NULL, NULL },
	/* no room for the RD after the label */
	{ "vpn short", FAM_IPV4_MPLS_VPN, false, "30 003E81 00000000", -1, 0,
	    NULL, NULL },
	{ "vpn 255 bits", FAM_IPV4_MPLS_VPN, false,
	    "FF 003E81 0000FDE800000001", -1, 0, NULL, NULL },
	/* RFC 4684: origin AS and route target; the flag bits of the RT's
	 * type ignored */
	{ "rtc", FAM_IPV4_RTC, false, "60 0000FDE8 4002FDE800000001", 0, 13,
	    "\"rtc\":\"65000:target:65000:1\",\"string\":\"rtc "
	    "65000:target:65000:1\"", "rtc 65000:target:65000:1" },
	{ "rtc wildcard", FAM_IPV4_RTC, true, "00", 0, 1,
	    "\"rtc\":\"wildcard\",\"string\":\"rtc wildcard\"",
	    "rtc wildcard" },
	{ "rtc partial", FAM_IPV4_RTC, false, "28 0000FDE8 00", 0, 6,
	    "\"rtc\":\"65000:0x00/40\",\"string\":\"rtc 65000:0x00/40\"",
	    "rtc 65000:0x00/40" },
	/* ignored, still printed in bounds (the fuzzer's first find) */
	{ "rtc length 20", FAM_IPV4_RTC, false, "14 0000FD", 1, 4,
	    "\"rtc\":\"0x0000FD/20\",\"string\":\"rtc 0x0000FD/20\"",
	    "rtc 0x0000FD/20" },
	{ "rtc truncated", FAM_IPV4_RTC, false, "60 0000FDE8", -1, 0, NULL,
	    NULL },
	/* kit conf-l2vpn / api-vpls */
	{ "vpls kit", FAM_L2VPN_VPLS, false,
	    "0011 0001C0A8C901007B 0005 0001 0008 029CE1", 0, 19,
	    "\"rd\":\"192.168.201.1:123\",\"endpoint\":5,\"base\":10702,"
	    "\"offset\":1,\"size\":8",
	    "vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 "
	    },
	{ "vpls truncated", FAM_L2VPN_VPLS, false, "0011 0001C0A8C901", -1, 0,
	    NULL, NULL },
	{ "vpls short", FAM_L2VPN_VPLS, false, "00", -1, 0, NULL, NULL },
	{ "vpls length 3", FAM_L2VPN_VPLS, false, "0003 010203", 1, 5,
	    "\"raw\":\"0x0003010203\"", "vpls 0x0003010203" },
	/* the kit's bgp-evpn-1 (ExaBGP 5's JSON, 4.2's code) */
	{ "evpn mac", FAM_L2VPN_EVPN, true,
	    "02210001252C37370001000000000000000000000000076D30FC15B4787B8F"
	    "00000000", 0, 35,
	    "\"code\":2,\"parsed\":true,\"raw\":\"02210001252C373700010000"
	    "00000000000000000000076D30FC15B4787B8F00000000\",\"name\":"
	    "\"MAC/IP advertisement\",\"rd\":\"37.44.55.55:1\",\"esi\":\"-\","
	    "\"ethernet-tag\":1901,\"mac\":\"FC:15:B4:78:7B:8F\","
	    "\"label\":[[0]]",
	    "evpn:macadv::37.44.55.55:1:-:1901:FC:15:B4:78:7B:8F/48:: label 0" },
	{ "evpn mac ip", FAM_L2VPN_EVPN, true,
	    "02250001252C372E0001000000000000000000000000051530E88088308BE9"
	    "200A22100A000000", 0, 39,
	    "\"code\":2,\"parsed\":true,\"raw\":\"02250001252C372E00010000"
	    "00000000000000000000051530E88088308BE9200A22100A000000\","
	    "\"name\":\"MAC/IP advertisement\",\"rd\":\"37.44.55.46:1\","
	    "\"esi\":\"-\",\"ethernet-tag\":1301,\"mac\":"
	    "\"E8:80:88:30:8B:E9\",\"label\":[[0]],\"ip\":\"10.34.16.10\"",
	    "evpn:macadv::37.44.55.46:1:-:1301:E8:80:88:30:8B:E9/48:"
	    "10.34.16.10: label 0" },
	{ "evpn unknown type", FAM_L2VPN_EVPN, true,
	    "08260001252C37768EAD000002001600000000030000085D0020EFFFFFFF20"
	    "252C37760000000000", 0, 40,
	    "\"code\":8,\"parsed\":false,\"raw\":\"08260001252C37768EAD0000"
	    "02001600000000030000085D0020EFFFFFFF20252C37760000000000\"",
	    "evpn:unknown:0x0001252c37768ead000002001600000000030000085d0020"
	    "efffffff20252c37760000000000" },
	/* RFC 7432 §7.3: IMET with a label-less body, an IPv4 originator */
	{ "evpn imet", FAM_L2VPN_EVPN, false,
	    "0311 0000FDE800000001 00000064 20 C0000201", 0, 19,
	    "\"code\":3,\"parsed\":true,\"raw\":\"03110000FDE8000000010000"
	    "006420C0000201\",\"name\":\"Inclusive Multicast Ethernet "
	    "Tag\",\"rd\":\"65000:1\",\"ethernet-tag\":100,\"ip\":"
	    "\"192.0.2.1\"",
	    "evpn:multicast::65000:1:100:192.0.2.1" },
	/* a type that does not add up: the generic form */
	{ "evpn imet bad ip length", FAM_L2VPN_EVPN, false,
	    "0311 0000FDE800000001 00000064 18 C0000201", 0, 19,
	    "\"code\":3,\"parsed\":false,\"raw\":\"03110000FDE800000001000"
	    "0006418C0000201\"", "evpn:multicast:0x0000fde8000000010000006418"
	    "c0000201" },
	{ "evpn length past end", FAM_L2VPN_EVPN, false, "0311 0000FDE8", -1,
	    0, NULL, NULL },
};

START_TEST(test_vectors)
{
	const struct vec *v = &vecs[_i];
	uint8_t buf[256];
	size_t n = hex2bin(v->hex, buf, sizeof(buf));
	const char *why = NULL;
	struct rbuf r;
	struct nlri nl;
	struct sbuf o;

	rbuf_init(&r, buf, n);
	ck_assert_msg(nlri_get(&r, v->fam, false, v->withdrawn, &nl, &why) ==
	    v->rc, "%s: rc (%s)", v->name, why ? why : "");
	if (v->rc != 0) {
		ck_assert_msg(why != NULL, "%s: no reason", v->name);
		/* -1 consumes nothing; 1 (framed, unusable) its frame */
		ck_assert_uint_eq(rbuf_left(&r), v->rc < 0 ? n : n - v->len);
		if (v->rc < 0 || v->json == NULL)
			return;
	}
	ck_assert_uint_eq(nl.len, v->len);
	ck_assert_uint_eq(rbuf_left(&r), n - v->len);
	sbuf_init(&o);
	nlri_json(&o, &nl, false, NULL);
	ck_assert_str_eq(o.p, v->json);
	sbuf_reset(&o);
	nlri_text(&o, &nl, false, NULL);
	ck_assert_str_eq(o.p, v->text);
	sbuf_free(&o);
}
END_TEST

/* ADD-PATH: the path id first, shown in JSON and text. */
START_TEST(test_path_id)
{
	uint8_t buf[32];
	size_t n = hex2bin("00000007 18 0A0000", buf, sizeof(buf));
	struct rbuf r;
	struct nlri nl;
	struct sbuf o;
	uint8_t out[32];
	struct wbuf w;

	rbuf_init(&r, buf, n);
	ck_assert_int_eq(nlri_get(&r, FAM_IPV4_UNICAST, true, false, &nl,
	    NULL), 0);
	ck_assert_uint_eq(nl.path_id, 7);
	sbuf_init(&o);
	nlri_json(&o, &nl, true, NULL);
	ck_assert_str_eq(o.p,
	    "\"nlri\":\"10.0.0.0/24\",\"path-information\":\"0.0.0.7\"");
	sbuf_reset(&o);
	nlri_text(&o, &nl, true, "192.0.2.1");
	ck_assert_str_eq(o.p,
	    "10.0.0.0/24 path-information 0.0.0.7 next-hop 192.0.2.1");
	sbuf_free(&o);
	/* and back to the same octets */
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(nlri_put(&w, &nl, true), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_uint_eq(nlri_size(&nl, true), n);
	ck_assert(memcmp(out, buf, n) == 0);
	/* a path id cut short */
	rbuf_init(&r, buf, 3);
	ck_assert_int_eq(nlri_get(&r, FAM_IPV4_UNICAST, true, false, &nl,
	    NULL), -1);
}
END_TEST

static struct nlri
view(enum family_id fam, const char *hex, uint8_t *buf, size_t cap)
{
	struct nlri n = { .fam = fam, .b = buf };

	n.len = hex2bin(hex, buf, cap);
	return n;
}

/* Labeled and VPN NLRI from text's pieces, and back (route_text). */
START_TEST(test_labeled_build)
{
	uint8_t buf[NLRI_MAX], want[32], rd[8];
	uint32_t labels[NLRI_LABELS_MAX] = { 1000 }, got[NLRI_LABELS_MAX];
	struct prefix p;
	struct nlri n = { .fam = FAM_IPV4_MPLS_VPN, .b = buf };
	size_t wl;

	ck_assert_int_eq(prefix_parse("10.0.0.0/25", &p), 0);
	ck_assert_int_eq(nlri_rd_parse("65000:1", rd), 0);
	n.len = nlri_labeled_build(&p, rd, labels, 1, buf);
	/* kit conf-vpn */
	wl = hex2bin("71 003E81 0000FDE800000001 0A000000", want,
	    sizeof(want));
	ck_assert_uint_eq(n.len, wl);
	ck_assert(memcmp(buf, want, wl) == 0);
	ck_assert(memcmp(nlri_rd(&n), rd, 8) == 0);
	ck_assert_uint_eq(nlri_labels(&n, got, NLRI_LABELS_MAX), 1);
	ck_assert_uint_eq(got[0], 1000);
	/* a stack of two, no RD: the bottom of stack on the second */
	labels[1] = 2000;
	n.fam = FAM_IPV4_NLRI_MPLS;
	n.len = nlri_labeled_build(&p, NULL, labels, 2, buf);
	wl = hex2bin("49 003E80 007D01 0A000000", want, sizeof(want));
	ck_assert_uint_eq(n.len, wl);
	ck_assert(memcmp(buf, want, wl) == 0);
	ck_assert_ptr_null(nlri_rd(&n));
	ck_assert_uint_eq(nlri_labels(&n, got, NLRI_LABELS_MAX), 2);
	ck_assert_uint_eq(got[1], 2000);
	/* too long for the length octet */
	ck_assert_int_eq(prefix_parse("2001:db8::/128", &p), 0);
	ck_assert_uint_eq(nlri_labeled_build(&p, rd, labels, 3, buf), 0);
	/* RDs: the three types, and refusals (ExaBGP 4.2's rules) */
	ck_assert_int_eq(nlri_rd_parse("4200000000:7", rd), 0);
	ck_assert_uint_eq(rd[1], 2);
	ck_assert_int_eq(nlri_rd_parse("192.0.2.1:7", rd), 0);
	ck_assert_uint_eq(rd[1], 1);
	ck_assert_int_eq(nlri_rd_parse("65536:65536", rd), -1);
	ck_assert_int_eq(nlri_rd_parse("192.0.2.1:65536", rd), -1);
	ck_assert_int_eq(nlri_rd_parse("1", rd), -1);
	ck_assert_int_eq(nlri_rd_parse(":1", rd), -1);
	ck_assert_int_eq(nlri_rd_parse("1:", rd), -1);
	ck_assert_int_eq(nlri_rd_parse("x:1", rd), -1);
}
END_TEST

/* The key names the route: RD and prefix, not the labels (ExaBGP 4.2). */
START_TEST(test_keys)
{
	uint8_t a[64], b[64];
	struct nlri x, y;

	x = view(FAM_IPV4_MPLS_VPN, "70 003E81 0000FDE800000001 0A0000", a,
	    sizeof(a));
	y = view(FAM_IPV4_MPLS_VPN, "70 007D01 0000FDE800000001 0A0000", b,
	    sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	/* the withdrawal's placeholder label names the same route */
	y = view(FAM_IPV4_MPLS_VPN, "70 800000 0000FDE800000001 0A0000", b,
	    sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	/* another RD is another route */
	y = view(FAM_IPV4_MPLS_VPN, "70 003E81 0000FDE800000002 0A0000", b,
	    sizeof(b));
	ck_assert(!nlri_same_key(&x, &y));
	/* another path id too */
	y = x;
	y.path_id = 1;
	ck_assert(!nlri_same_key(&x, &y));
	/* EVPN MAC/IP (RFC 7432 §7.2): not the ESI, not the label */
	x = view(FAM_L2VPN_EVPN, "0221 0001252C37370001 00000000000000000000 "
	    "0000076D 30 FC15B4787B8F 00 000641", a, sizeof(a));
	y = view(FAM_L2VPN_EVPN, "0221 0001252C37370001 01000000000000000000 "
	    "0000076D 30 FC15B4787B8F 00 000651", b, sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	y = view(FAM_L2VPN_EVPN, "0221 0001252C37370001 00000000000000000000 "
	    "0000076D 30 FC15B4787B8E 00 000641", b, sizeof(b));
	ck_assert(!nlri_same_key(&x, &y));
	/* VPLS (RFC 4761 §3.2.2): RD, VE ID and offset, not size or base */
	x = view(FAM_L2VPN_VPLS, "0011 0001C0A8C901007B 0005 0001 0008 029CE1",
	    a, sizeof(a));
	y = view(FAM_L2VPN_VPLS, "0011 0001C0A8C901007B 0005 0001 0010 029EC1",
	    b, sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	y = view(FAM_L2VPN_VPLS, "0011 0001C0A8C901007B 0005 0002 0008 029CE1",
	    b, sizeof(b));
	ck_assert(!nlri_same_key(&x, &y));
	/* labeled: the label does not count, the prefix length does */
	x = view(FAM_IPV4_NLRI_MPLS, "30 000641 0A0000", a, sizeof(a));
	y = view(FAM_IPV4_NLRI_MPLS, "30 000651 0A0000", b, sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	y = view(FAM_IPV4_NLRI_MPLS, "2F 000651 0A0000", b, sizeof(b));
	ck_assert(!nlri_same_key(&x, &y));
	/* unicast: trailing bits do not count */
	x = view(FAM_IPV4_UNICAST, "17 0A0001", a, sizeof(a));
	y = view(FAM_IPV4_UNICAST, "17 0A0000", b, sizeof(b));
	ck_assert(nlri_same_key(&x, &y));
	y.fam = FAM_IPV4_MULTICAST;
	ck_assert(!nlri_same_key(&x, &y));
}
END_TEST

START_TEST(test_prefix_of)
{
	uint8_t a[32];
	struct nlri x;
	struct prefix p;
	char buf[PREFIX_STRLEN];

	x = view(FAM_IPV4_MPLS_VPN, "71 003E81 0000FDE800000001 0A000080", a,
	    sizeof(a));
	ck_assert(nlri_prefix(&x, &p));
	ck_assert_str_eq(prefix_fmt(&p, buf), "10.0.0.128/25");
	x = view(FAM_IPV6_UNICAST, "40 20010DB800000001", a, sizeof(a));
	ck_assert(nlri_prefix(&x, &p));
	ck_assert_str_eq(prefix_fmt(&p, buf), "2001:db8:0:1::/64");
}
END_TEST

struct nhvec {
	const char	*name;
	enum family_id	 fam;
	const char	*hex;
	int		 rc;
	const char	*g, *ll;
};

static const struct nhvec nhvecs[] = {
	{ "v4", FAM_IPV4_UNICAST, "C0000201", 0, "192.0.2.1", NULL },
	/* RFC 8950 */
	{ "v4 route v6 nh", FAM_IPV4_UNICAST,
	    "20010DB8000000000000000000000001", 0, "2001:db8::1", NULL },
	/* RFC 2545 §3 */
	{ "v6 + ll", FAM_IPV6_UNICAST, "20010DB8000000000000000000000001"
	    "FE800000000000000000000000000001", 0, "2001:db8::1", "fe80::1" },
	/* an IPv4 next hop for IPv6 routes, as ExaBGP sends it */
	{ "v6 route v4 nh", FAM_IPV6_UNICAST, "AAAAAAAA", 0,
	    "170.170.170.170", NULL },
	{ "v4 odd length", FAM_IPV4_UNICAST, "C00002", -1, NULL, NULL },
	{ "v4 none", FAM_IPV4_UNICAST, "", -1, NULL, NULL },
	/* RFC 4364 §4.3.2: an RD of zeros first */
	{ "vpn", FAM_IPV4_MPLS_VPN, "0000000000000000 C80A0065", 0,
	    "200.10.0.101", NULL },
	{ "vpn6", FAM_IPV6_MPLS_VPN, "0000000000000000"
	    "00000000000000000000FFFF51341192", 0, "::ffff:81.52.17.146",
	    NULL },
	{ "vpn rd not zero", FAM_IPV4_MPLS_VPN, "0000000000000001 C80A0065", 1,
	    "200.10.0.101", NULL },
	{ "vpn no rd", FAM_IPV4_MPLS_VPN, "C80A0065", -1, NULL, NULL },
};

START_TEST(test_nexthop)
{
	const struct nhvec *v = &nhvecs[_i];
	uint8_t buf[64], out[64];
	size_t n = hex2bin(v->hex, buf, sizeof(buf));
	struct bgp_addr g, ll;
	const char *why = NULL;
	char ip[ADDR_STRLEN];
	struct rbuf r;
	struct wbuf w;

	rbuf_init(&r, buf, n);
	ck_assert_msg(nlri_nexthop_get(v->fam, r, &g, &ll, &why) == v->rc,
	    "%s", v->name);
	if (v->rc == -1)
		return;
	ck_assert_str_eq(addr_fmt(&g, ip), v->g);
	if (v->ll != NULL)
		ck_assert_str_eq(addr_fmt(&ll, ip), v->ll);
	else
		ck_assert_uint_eq(ll.afi, 0);
	if (v->rc == 1) {
		ck_assert_ptr_nonnull(why);
		return;
	}
	/* what we read we write back the same (with RFC 8950 negotiated
	 * for the other address family's next hops) */
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(nlri_nexthop_put(&w, v->fam, &g, &ll, true), 0);
	ck_assert_uint_eq(w.len, n + 1);
	ck_assert_uint_eq(out[0], n);
	ck_assert(memcmp(out + 1, buf, n) == 0);
}
END_TEST

/* Without RFC 8950: no IPv6 next hop for IPv4 NLRI, an IPv4 one mapped
 * for IPv6 NLRI (RFC 4798 §2). */
START_TEST(test_nexthop_not_negotiated)
{
	struct bgp_addr v4, v6, none;
	uint8_t out[64], want[32];
	struct wbuf w;
	size_t n;

	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(addr_parse("192.0.2.1", &v4), 0);
	ck_assert_int_eq(addr_parse("2001:db8::1", &v6), 0);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(nlri_nexthop_put(&w, FAM_IPV4_UNICAST, &v6, &none,
	    false), -1);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(nlri_nexthop_put(&w, FAM_IPV6_UNICAST, &v4, &none,
	    false), 0);
	n = hex2bin("10 00000000000000000000FFFFC0000201", want, sizeof(want));
	ck_assert_uint_eq(w.len, n);
	ck_assert(memcmp(out, want, n) == 0);
	/* VPN: the RD of zeros, then the mapped address */
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(nlri_nexthop_put(&w, FAM_IPV6_MPLS_VPN, &v4, &none,
	    false), 0);
	ck_assert_uint_eq(out[0], 24);
	ck_assert_int_eq(nlri_nexthop_put(&w, FAM_IPV4_MPLS_VPN, &v6, &none,
	    false), -1);
	/* flowspec: no next hop at all, or its own family's */
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(nlri_nexthop_put(&w, FAM_IPV4_FLOW, &none, &none,
	    false), 0);
	ck_assert_uint_eq(w.len, 1);
	ck_assert_uint_eq(out[0], 0);
}
END_TEST

START_TEST(test_spoken)
{
	famset_t s = nlri_spoken();

	ck_assert(FAMSET_HAS(s, FAM_IPV4_UNICAST));
	ck_assert(FAMSET_HAS(s, FAM_IPV6_MULTICAST));
	ck_assert(FAMSET_HAS(s, FAM_IPV4_MPLS_VPN));
	ck_assert(FAMSET_HAS(s, FAM_IPV4_MVPN) && FAMSET_HAS(s, FAM_IPV6_MUP) &&
	    FAMSET_HAS(s, FAM_IPV6_SRPOLICY) && FAMSET_HAS(s, FAM_BGPLS));
	ck_assert(!FAMSET_HAS(s, FAM_BGPLS_VPN));
	ck_assert_ptr_null(nlri_family(FAM_BGPLS_VPN));
	for (int f = 0; f < FAM_MAX; f++)
		if (nlri_family((enum family_id)f) != NULL)
			ck_assert_int_eq(nlri_family((enum family_id)f)->fam,
			    f);
}
END_TEST

/* BGP-LS NLRI (RFC 9552 §5.2): framing errors lose the field; TLVs that
 * do not add up inside a framed NLRI lose that NLRI only (§8.2.2). */
static const struct {
	const char	*hex;
	int		 rc;
} bgpls_vecs[] = {
	/* node: protocol 3, identifier 0, local node (AS, router ID) */
	{ "0001 001D 03 0000000000000000 0100 0010 0200 0004 0000FDE9 "
	    "0203 0004 0A010101", 0 },
	{ "0001", -1 },					/* header cut */
	{ "0001 0019 03 00000000", -1 },		/* length past */
	{ "0001 0005 03 00000000", 1 },			/* identifier cut */
	{ "0009 0009 03 0000000000000000", 1 },		/* unknown type */
	/* a descriptor sub-TLV runs past its TLV */
	{ "0001 001D 03 0000000000000000 0100 0010 0200 0004 0000FDE9 "
	    "0203 0005 0A010101", 1 },
	/* a TLV runs past the NLRI */
	{ "0001 000D 03 0000000000000000 0100 0010", 1 },
	/* prefix v4: /33, and a /24 with one octet */
	{ "0003 0012 03 0000000000000000 0109 0005 21 0A000000", 1 },
	{ "0003 0010 03 0000000000000000 0109 0003 18 0A00", 1 },
	{ "0003 0011 03 0000000000000000 0109 0004 18 0A0000", 0 },
};

START_TEST(test_bgpls_framing)
{
	uint8_t buf[256];
	size_t n = hex2bin(bgpls_vecs[_i].hex, buf, sizeof(buf));
	const char *why = NULL;
	struct sbuf o;
	struct nlri nl;
	struct rbuf r;
	int rc;

	rbuf_init(&r, buf, n);
	rc = nlri_get(&r, FAM_BGPLS, false, false, &nl, &why);
	ck_assert_msg(rc == bgpls_vecs[_i].rc, "%s: %d (%s)",
	    bgpls_vecs[_i].hex, rc, why ? why : "-");
	if (rc == -1) {
		ck_assert_uint_eq(rbuf_left(&r), n);
		return;
	}
	ck_assert_uint_eq(rbuf_left(&r), 0);
	/* framed: it prints, in bounds, whatever its content */
	sbuf_init(&o);
	nlri_json(&o, &nl, false, "192.0.2.1");
	nlri_text(&o, &nl, false, NULL);
	ck_assert_ptr_nonnull(o.p);
	sbuf_free(&o);
}
END_TEST

START_TEST(test_buf)
{
	uint8_t big[300];
	struct nlri_buf a = { 0 }, b;

	memset(big, 7, sizeof(big));
	nlri_buf_set(&a, big, 5);
	ck_assert_uint_eq(a.len, 5);
	ck_assert_ptr_null(a.heap);
	nlri_buf_set(&a, big, sizeof(big));
	ck_assert_ptr_nonnull(a.heap);
	nlri_buf_copy(&b, &a);
	ck_assert(memcmp(nlri_buf_data(&b), big, sizeof(big)) == 0);
	nlri_buf_free(&a);
	nlri_buf_free(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("nlri");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_vectors, 0, sizeof(vecs) / sizeof(vecs[0]));
	tcase_add_test(tc, test_path_id);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_labeled_build);
	tcase_add_test(tc, test_nexthop_not_negotiated);
	tcase_add_test(tc, test_prefix_of);
	tcase_add_loop_test(tc, test_nexthop, 0,
	    sizeof(nhvecs) / sizeof(nhvecs[0]));
	tcase_add_test(tc, test_spoken);
	tcase_add_loop_test(tc, test_bgpls_framing, 0, sizeof(bgpls_vecs) /
	    sizeof(bgpls_vecs[0]));
	tcase_add_test(tc, test_buf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
