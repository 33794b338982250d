/*
 * The attribute table (bgp_attr.c): its own consistency, and the two
 * formatters every printing place uses, JSON (ExaBGP 4.2's "attribute"
 * object) and text in both styles, opaque attributes interleaved by code.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/update.h"

START_TEST(test_table)
{
	ck_assert_uint_eq(bgp_attr_table_check(), 0);
	ck_assert_str_eq(bgp_attr_name(BGP_ATTR_LOCAL_PREF), "LOCAL_PREF");
	ck_assert_str_eq(bgp_attr_name(BGP_ATTR_MP_REACH_NLRI),
	    "MP_REACH_NLRI");
	ck_assert_ptr_null(bgp_attr_name(0));
	ck_assert_ptr_null(bgp_attr_name(0xfe));
}
END_TEST

/* A set with most attributes and two opaque ones around MED. */
static void
sample(struct attrs *a)
{
	static const uint32_t seq[] = { 65001, 65002 }, set[] = { 7, 8 };
	static const uint8_t raw3[] = { 0x01, 0x02 };

	attrs_init(a);
	a->origin = BGP_ORIGIN_EGP;
	a->has |= ATTR_HAS_ORIGIN;
	attrs_aspath_append(a, BGP_ASPATH_SEQUENCE, seq, 2);
	attrs_aspath_append(a, BGP_ASPATH_SET, set, 2);
	addr_from_u32(&a->nexthop, 0xc0000201);
	a->has |= ATTR_HAS_NEXT_HOP;
	a->med = 10;
	a->has |= ATTR_HAS_MED;
	attrs_add_community(a, 0xfde80001);
	attrs_add_community(a, BGP_COMM_NO_EXPORT);
	attrs_add_ext_community(a, UINT64_C(0x0003FDE800000005));
	attrs_add_large_community(a, 1, 2, 3);
	attrs_set_raw(a, 0xc0, 0x63, raw3, sizeof(raw3));
}

START_TEST(test_json)
{
	struct attrs a;
	struct sbuf o;

	sample(&a);
	sbuf_init(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"origin\":\"egp\",\"as-path\":[65001,65002],"
	    "\"as-set\":[7,8],\"confederation-path\":[],\"med\":10,"
	    "\"community\":[[65000,1],[65535,65281]],"
	    "\"extended-community\":[{\"value\":1123597804371973,"
	    "\"string\":\"origin:65000:0.0.0.5\"}],"
	    "\"large-community\":[[1,2,3]],"
	    "\"attribute-0x63-0xC0\":\"0x0102\"}");
	sbuf_reset(&o);
	bgp_attr_json(&o, &a, true);
	ck_assert(strncmp(o.p, "{\"next-hop\":\"192.0.2.1\",\"origin\"", 32)
	    == 0);
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

START_TEST(test_text_styles)
{
	struct attrs a;
	struct sbuf o;

	sample(&a);
	sbuf_init(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_EVENT);
	ck_assert_str_eq(o.p, " origin egp as-path [ 65001 65002 ( 7 8 ) ]"
	    " med 10 community [ 65000:1 no-export ] extended-community "
	    "origin:65000:0.0.0.5 large-community 1:2:3 attribute [ 0x63 0xC0"
	    " 0x0102 ]");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_ROUTE);
	ck_assert_str_eq(o.p, " origin egp as-path [ 65001 65002 ( 7 8 ) ]"
	    " med 10 community [ 65000:1 no-export ] extended-community "
	    "origin:65000:5 large-community 1:2:3 attribute [ 0x63 0xC0"
	    " 0x0102 ]");
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

/* An empty AS_PATH: left out by the events, kept by the route syntax. */
START_TEST(test_text_empty_path)
{
	struct attrs a;
	struct sbuf o;

	attrs_init(&a);
	attrs_set_aspath(&a, NULL, 0);
	sbuf_init(&o);
	sbuf_adds(&o, "");
	bgp_attr_text(&o, &a, ATTR_TEXT_EVENT);
	ck_assert_str_eq(o.p, "");
	bgp_attr_text(&o, &a, ATTR_TEXT_ROUTE);
	ck_assert_str_eq(o.p, " as-path [ ]");
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

/* An opaque attribute with a known code replaces the structured one. */
START_TEST(test_raw_replaces)
{
	static const uint8_t med[] = { 0, 0, 0, 9 };
	struct attr_encode_ctx ctx = { .ibgp = true, .asn4 = true,
		.local_as = 1 };
	struct attrs a;
	uint8_t buf[256];
	struct wbuf w;
	struct sbuf o;

	attrs_init(&a);
	a.med = 5;
	a.has |= ATTR_HAS_MED;
	attrs_set_raw(&a, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MED, med, 4);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx, FAM_IPV6_UNICAST, NULL,
	    0), 0);
	/* ORIGIN, AS_PATH, MED (the opaque one, once), LOCAL_PREF */
	ck_assert_uint_eq(w.len, 4 + 3 + 7 + 7);
	ck_assert_uint_eq(buf[7], 0x80);
	ck_assert_uint_eq(buf[8], BGP_ATTR_MED);
	ck_assert_uint_eq(buf[13], 9);
	sbuf_init(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"attribute-0x04-0x80\":\"0x00000009\"}");
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

/*
 * Link-local next hop negotiated (ctx.local_ll set): a global IPv6 next
 * hop gets our link-local address after it (32 octets, the kit's
 * conf-llnh-update); a link-local one goes alone (16); an IPv4 family
 * never gets one.
 */
START_TEST(test_mp_reach_link_local)
{
	static const uint8_t nlri[] = { 128, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct attr_encode_ctx ctx = { .ibgp = true, .asn4 = true,
		.local_as = 1 };
	struct attrs a;
	uint8_t buf[256];
	struct wbuf w;

	ck_assert_int_eq(addr_parse("fe80::1", &ctx.local_ll), 0);
	attrs_init(&a);
	ck_assert_int_eq(addr_parse("2001:db8::ffff", &a.nexthop), 0);
	a.has |= ATTR_HAS_NEXT_HOP;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx, FAM_IPV6_UNICAST, nlri,
	    sizeof(nlri)), 0);
	/* ORIGIN 4, AS_PATH 3, LOCAL_PREF 7, then MP_REACH: flags, code,
	 * length, AFI, SAFI, next hop length */
	ck_assert_uint_eq(buf[14 + 1], BGP_ATTR_MP_REACH_NLRI);
	ck_assert_uint_eq(buf[14 + 6], 32);
	ck_assert(memcmp(buf + 14 + 7, a.nexthop.b, 16) == 0);
	ck_assert(memcmp(buf + 14 + 23, ctx.local_ll.b, 16) == 0);

	ck_assert_int_eq(addr_parse("fe80::cafe", &a.nexthop), 0);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx, FAM_IPV6_UNICAST, nlri,
	    sizeof(nlri)), 0);
	ck_assert_uint_eq(buf[14 + 6], 16);

	/* not negotiated: the global next hop alone */
	memset(&ctx.local_ll, 0, sizeof(ctx.local_ll));
	ck_assert_int_eq(addr_parse("2001:db8::ffff", &a.nexthop), 0);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx, FAM_IPV6_UNICAST, nlri,
	    sizeof(nlri)), 0);
	ck_assert_uint_eq(buf[14 + 6], 16);
	attrs_free(&a);
}
END_TEST

/* The Prefix-SID (RFC 8669) as 4.2 prints it; the route syntax reads
 * its text back, or gets the generic form. */
START_TEST(test_prefix_sid)
{
	static const uint8_t li_srgb[] = { 0x01, 0x00, 0x07, 0, 0, 0, 0, 0,
		0x01, 0x2c, 0x03, 0x00, 0x0e, 0, 0, 0x0c, 0x35, 0x00, 0x00,
		0x10, 0x00, 0x0f, 0x42, 0x40, 0x00, 0x13, 0x88 };
	static const uint8_t v6[] = { 0x04, 0x00, 0x13, 0, 0, 0, 0x20, 0x01,
		0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x09, 0x00,
		0x01, 0xaa };
	struct attrs a;
	struct sbuf o;

	attrs_init(&a);
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PREFIX_SID, li_srgb,
	    sizeof(li_srgb));
	sbuf_init(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"bgp-prefix-sid\":{\"sr-label-index\":300,"
	    "\"sr-srgbs\":[[800000,4096],[1000000,5000]]}}");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_ROUTE);
	ck_assert_str_eq(o.p, " bgp-prefix-sid [ 300, [ ( 800000,4096 ), "
	    "( 1000000,5000 ) ] ]");
	/* an SRv6 TLV 4.2 knows, one it does not */
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PREFIX_SID, v6, sizeof(v6));
	sbuf_reset(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"bgp-prefix-sid\":{\"srv6-vpn-sid\":"
	    "\"2001:db8::10\",\"attribute-not-implemented\":\"9\"}}");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_EVENT);
	ck_assert_str_eq(o.p, " bgp-prefix-sid [ None ]");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_ROUTE);
	ck_assert_str_eq(o.p, " attribute [ 0x28 0xC0 0x04001300000020010DB8"
	    "000000000000000000000010090001AA ]");
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

/* PMSI Tunnel (RFC 6514 §5) and the EVPN communities, as 4.2 prints
 * them; what 4.2 cannot read keeps the generic form. */
START_TEST(test_pmsi_evpn_communities)
{
	/* ingress replication, VNI 100 in the label field, to 127.0.0.13 */
	static const uint8_t ir[] = { 0x00, 0x06, 0x00, 0x00, 0x64, 127, 0, 0,
		13 };
	static const uint8_t mldp[] = { 0x01, 0x02, 0x00, 0x00, 0x00, 0xab,
		0xcd };
	static const uint8_t no_tunnel[] = { 0x00, 0x00, 0x00, 0x06, 0x41 };
	static const uint8_t short_ir[] = { 0x00, 0x06, 0x00, 0x00, 0x64, 127 };
	struct attrs a;
	struct sbuf o;

	attrs_init(&a);
	attrs_add_ext_community(&a, UINT64_C(0x030C000000000008));
	attrs_add_ext_community(&a, UINT64_C(0x030C0000000000FF));
	attrs_add_ext_community(&a, UINT64_C(0x0600010000000007));
	attrs_add_ext_community(&a, UINT64_C(0x0603BBBBBBBBBBBB));
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PMSI_TUNNEL, ir, sizeof(ir));
	sbuf_init(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"extended-community\":["
	    "{\"value\":219550481834311688,\"string\":\"encap:VXLAN\"},"
	    "{\"value\":219550481834311935,"
	    "\"string\":\"encap:encap:UNKNOWN-255\"},"
	    "{\"value\":432346663739195399,"
	    "\"string\":\"mac-mobility:7:sticky\"},"
	    "{\"value\":433396404140620731,\"string\":\"\"}],"
	    "\"pmsi\":\"pmsi:ingressreplication:0:6(100):127.0.0.13\"}");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_EVENT);
	ck_assert_ptr_nonnull(strstr(o.p,
	    " pmsi pmsi:ingressreplication:0:6(100):127.0.0.13"));
	ck_assert_ptr_nonnull(strstr(o.p, "encap:VXLAN"));
	/* the route syntax keeps the generic form it reads back */
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_ROUTE);
	ck_assert_ptr_nonnull(strstr(o.p, " attribute [ 0x16 0xC0 "
	    "0x00060000647F00000D ]"));
	attrs_free(&a);

	attrs_init(&a);
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PMSI_TUNNEL, mldp, sizeof(mldp));
	sbuf_reset(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"pmsi\":\"pmsi:mldpp2mplsp:1:0:0xABCD\"}");
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PMSI_TUNNEL, no_tunnel,
	    sizeof(no_tunnel));
	sbuf_reset(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"pmsi\":\"pmsi:notunnel:0:100:\"}");
	attrs_set_raw(&a, 0xc0, BGP_ATTR_PMSI_TUNNEL, short_ir,
	    sizeof(short_ir));
	sbuf_reset(&o);
	bgp_attr_json(&o, &a, false);
	ck_assert_str_eq(o.p, "{\"attribute-0x16-0xC0\":\"0x00060000647F\"}");
	sbuf_reset(&o);
	bgp_attr_text(&o, &a, ATTR_TEXT_EVENT);
	ck_assert_str_eq(o.p, " attribute [ 0x16 0xC0 0x00060000647F ]");
	sbuf_free(&o);
	attrs_free(&a);
}
END_TEST

/*
 * The AS path's JSON is kept for the next UPDATE with the same path: what
 * follows a hit must be what a fresh rendering gives. Same path after
 * another attribute and first in the object (its comma), a path of the
 * same length with another ASN, AS4_PATH added (the RFC 6793 merge) and
 * taken away, main's dialect after 4.2's and back, a path too long to
 * keep between two short ones.
 */
static const char *
attr_json(struct sbuf *o, const struct attrs *a, bool v6)
{
	sbuf_reset(o);
	if (v6)
		bgp_attr_json6(o, a, false);
	else
		bgp_attr_json(o, a, false);
	return o->p;
}

START_TEST(test_aspath_memo)
{
	static const uint32_t p1[] = { 65001, 65002 }, p2[] = { 65001, 65003 };
	static const uint32_t trans[] = { 65001, BGP_AS_TRANS };
	static const uint8_t as4[] = { BGP_ASPATH_SEQUENCE, 1,
	    0xfa, 0x56, 0xea, 0x00 };	/* 4200000000 */
	uint32_t longp[100];
	struct attrs a, b;
	struct sbuf o, want;

	sbuf_init(&o);
	sbuf_init(&want);
	attrs_init(&a);
	a.origin = BGP_ORIGIN_IGP;
	a.has |= ATTR_HAS_ORIGIN;
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, p1, 2);
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(attr_json(&o, &a, false), "{\"origin\":\"igp\","
		    "\"as-path\":[65001,65002],\"confederation-path\":[]}");
	/* the same path first in the object: no comma */
	attrs_init(&b);
	attrs_aspath_append(&b, BGP_ASPATH_SEQUENCE, p1, 2);
	ck_assert_str_eq(attr_json(&o, &b, false),
	    "{\"as-path\":[65001,65002],\"confederation-path\":[]}");
	ck_assert_str_eq(attr_json(&o, &a, false), "{\"origin\":\"igp\","
	    "\"as-path\":[65001,65002],\"confederation-path\":[]}");
	attrs_free(&b);
	/* the same length, another ASN */
	attrs_init(&b);
	attrs_aspath_append(&b, BGP_ASPATH_SEQUENCE, p2, 2);
	ck_assert_str_eq(attr_json(&o, &b, false),
	    "{\"as-path\":[65001,65003],\"confederation-path\":[]}");
	attrs_free(&b);
	/* AS4_PATH merged in, then the same AS_PATH without it */
	attrs_init(&b);
	attrs_aspath_append(&b, BGP_ASPATH_SEQUENCE, trans, 2);
	ck_assert_str_eq(attr_json(&o, &b, false),
	    "{\"as-path\":[65001,23456],\"confederation-path\":[]}");
	attrs_set_as4path(&b, as4, sizeof(as4));
	b.has |= ATTR_HAS_AS4_PATH;
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(attr_json(&o, &b, false), "{\"as-path\":"
		    "[65001,4200000000],\"confederation-path\":[]}");
	b.has &= ~ATTR_HAS_AS4_PATH;
	ck_assert_str_eq(attr_json(&o, &b, false),
	    "{\"as-path\":[65001,23456],\"confederation-path\":[]}");
	attrs_free(&b);
	/* main's dialect, then 4.2's again */
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(attr_json(&o, &a, true), "{\"origin\":\"igp\","
		    "\"as-path\":{\"0\":{\"element\":\"as-sequence\","
		    "\"value\":[65001,65002]}}}");
	ck_assert_str_eq(attr_json(&o, &a, false), "{\"origin\":\"igp\","
	    "\"as-path\":[65001,65002],\"confederation-path\":[]}");
	/* 100 ASNs (402 octets): rendered, not kept */
	attrs_init(&b);
	sbuf_adds(&want, "{\"as-path\":[");
	for (uint32_t i = 0; i < 100; i++) {
		longp[i] = 64512 + i;
		sbuf_printf(&want, "%s%u", i > 0 ? "," : "", 64512 + i);
	}
	sbuf_adds(&want, "],\"confederation-path\":[]}");
	attrs_aspath_append(&b, BGP_ASPATH_SEQUENCE, longp, 100);
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(attr_json(&o, &b, false), want.p);
	ck_assert_str_eq(attr_json(&o, &a, false), "{\"origin\":\"igp\","
	    "\"as-path\":[65001,65002],\"confederation-path\":[]}");
	attrs_free(&b);
	attrs_free(&a);
	sbuf_free(&want);
	sbuf_free(&o);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bgp_attr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_aspath_memo);
	tcase_add_test(tc, test_text_styles);
	tcase_add_test(tc, test_text_empty_path);
	tcase_add_test(tc, test_raw_replaces);
	tcase_add_test(tc, test_mp_reach_link_local);
	tcase_add_test(tc, test_prefix_sid);
	tcase_add_test(tc, test_pmsi_evpn_communities);
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
