/*
 * Route text tests: every route keyword, the extended community encodings
 * the conformance kit checks (as exact 64-bit values), error messages,
 * and format -> parse round trips.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/nlri.h"
#include "evbgp/route_text.h"

#include "codec_hex.h"


struct parsed {
	struct lex_tokens	 t;
	struct cfg_route	*r;
	size_t			 n;
	struct route_text_err	 e;
	int			 rc;
};

static void
parse(struct parsed *p, const char *line, bool nlri, unsigned flags)
{
	char err[128];

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(lex_line(line, &p->t, err, sizeof(err)), 0);
	if (nlri)
		p->rc = route_text_parse_nlri(p->t.v, p->t.n, flags, &p->r,
		    &p->n, &p->e);
	else
		p->rc = route_text_parse(p->t.v, p->t.n, flags, &p->r, &p->n,
		    &p->e);
}

static void
parsed_free(struct parsed *p)
{
	cfg_routes_free(p->r, p->n);
	lex_tokens_free(&p->t);
}

/* ---- extended communities ---- */

static const struct {
	const char	*text;
	uint64_t	 value;
} ecs[] = {
	{ "target:200:2000", UINT64_C(0x000200C8000007D0) },
	{ "origin:100:1000", UINT64_C(0x00030064000003E8) },
	{ "origin:300:73000", UINT64_C(0x0003012C00011D28) },
	{ "target:400:74000", UINT64_C(0x0002019000012110) },
	{ "origin:70500:5000", UINT64_C(0x0103000113641388) },
	{ "target:70600:6000", UINT64_C(0x0102000113C81770) },
	{ "origin:7.7.7.7:7000", UINT64_C(0x0103070707071B58) },
	{ "target:8.8.8.8:8000", UINT64_C(0x0102080808081F40) },
	{ "origin:9000:9.9.9.9", UINT64_C(0x0003232809090909) },
	{ "target:1000:10.10.10.10", UINT64_C(0x000203E80A0A0A0A) },
	{ "origin4:71100:11000", UINT64_C(0x0103000115BC2AF8) },
	{ "target4:71200:12000", UINT64_C(0x0102000116202EE0) },
	{ "redirect:1300:83000", UINT64_C(0x8008051400014438) },
	{ "redirect:1400:84000", UINT64_C(0x8008057800014820) },
	{ "l2info:1:2:13398:30864", UINT64_C(0x800A010234567890) },
	{ "72:0.0.0.1", UINT64_C(0x0002004800000001) },
	{ "65000:1", UINT64_C(0x0002FDE800000001) },
	{ "0x0002fde800000001", UINT64_C(0x0002FDE800000001) },
	{ "0x0002FDE800000001", UINT64_C(0x0002FDE800000001) },
	{ "target:70000L:1", UINT64_C(0x0202000111700001) },
	{ "origin:100L:2", UINT64_C(0x0203000000640002) },
	{ "redirect:1.2.3.4:5", UINT64_C(0x8108010203040005) },
	{ "redirect:70000:5", UINT64_C(0x8208000111700005) },
	{ "redirect-to-nexthop", UINT64_C(0x0800000000000000) },
	{ "bandwidth:65000:125000", UINT64_C(0x4004FDE847F42400) },
	{ "rate-limit:0", UINT64_C(0x8006000000000000) },
	{ "mark:10", UINT64_C(0x800900000000000A) },
};

START_TEST(test_ext_parse)
{
	uint64_t v = 0;
	char err[256];

	ck_assert_msg(ext_community_parse(ecs[_i].text, &v, err,
	    sizeof(err)) == 0, "%s: %s", ecs[_i].text, err);
	ck_assert_msg(v == ecs[_i].value, "%s: got 0x%016llx", ecs[_i].text,
	    (unsigned long long)v);
}
END_TEST

/* Formatting then parsing gives the same 64 bits. */
START_TEST(test_ext_roundtrip)
{
	char buf[64], err[256];
	uint64_t v;

	ext_community_format(ecs[_i].value, buf, sizeof(buf));
	ck_assert_msg(ext_community_parse(buf, &v, err, sizeof(err)) == 0,
	    "%s: %s", buf, err);
	ck_assert_msg(v == ecs[_i].value, "%s -> %s", ecs[_i].text, buf);
}
END_TEST

START_TEST(test_ext_format)
{
	static const struct {
		uint64_t	 v;
		const char	*text;
	} f[] = {
		{ UINT64_C(0x000200C8000007D0), "target:200:2000" },
		{ UINT64_C(0x0103000113641388), "origin:0.1.19.100:5000" },
		{ UINT64_C(0x0202000111700001), "target:70000L:1" },
		{ UINT64_C(0x8008051400014438), "redirect:1300:83000" },
		{ UINT64_C(0x800A010234567890), "l2info:1:2:13398:30864" },
		{ UINT64_C(0x0800000000000000), "redirect-to-nexthop" },
		{ UINT64_C(0x4004FDE847F42400), "bandwidth:65000:125000" },
		{ UINT64_C(0x0603000000000001), "0x0603000000000001" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ext_community_format(f[i].v, buf, sizeof(buf));
		ck_assert_str_eq(buf, f[i].text);
	}
}
END_TEST

static const struct {
	const char	*text;
	const char	*msg;
} ec_bad[] = {
	{ "target:1", "invalid extended community 'target:1': expected "
	    "target:A:B" },
	{ "target:65536:1.2.3.4", "invalid extended community "
	    "'target:65536:1.2.3.4': the ASN before an IP must be below "
	    "65536" },
	{ "target:70000:65536", "invalid extended community "
	    "'target:70000:65536': with a 4-octet ASN the number must be "
	    "below 65536" },
	{ "target:1.2.3.4:70000", "invalid extended community "
	    "'target:1.2.3.4:70000': the number after an IP must be below "
	    "65536" },
	{ "bogus:1:2", "invalid extended community 'bogus:1:2': unknown type "
	    "'bogus' (expected target, origin, target4, origin4, mup, redirect, "
	    "l2info, bandwidth, rate-limit, mark, redirect-to-nexthop, "
	    "copy-to-nexthop or 0x + 16 hex digits)" },
	{ "0x1234", "invalid extended community '0x1234': expected 0x and 16 "
	    "hex digits" },
	{ "l2info:1:2:3", "invalid extended community 'l2info:1:2:3': expected "
	    "l2info:ENCAPS:CONTROL:MTU:SITE" },
	{ "nothing", "invalid extended community 'nothing': expected "
	    "TYPE:A:B, A:B or 0x and 16 hex digits" },
	{ "target:1:4294967296", "invalid extended community "
	    "'target:1:4294967296': expected ASN:NUMBER, ASN:IP or "
	    "IP:NUMBER" },
};

START_TEST(test_ext_bad)
{
	uint64_t v;
	char err[512];

	ck_assert_int_eq(ext_community_parse(ec_bad[_i].text, &v, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, ec_bad[_i].msg);
}
END_TEST

/* ---- communities ---- */

START_TEST(test_communities)
{
	static const struct {
		const char	*text;
		uint32_t	 v;
		int		 rc;
	} c[] = {
		{ "65000:1", 0xFDE80001u, 0 },
		{ "0:0", 0, 0 },
		{ "65535:65535", 0xFFFFFFFFu, 0 },
		{ "4294967295", 0xFFFFFFFFu, 0 },
		{ "0x12345678", 0x12345678u, 0 },
		{ "no-export", BGP_COMM_NO_EXPORT, 0 },
		{ "NO-ADVERTISE", BGP_COMM_NO_ADVERTISE, 0 },
		{ "no-export-subconfed", BGP_COMM_NO_EXPORT_SUBCONFED, 0 },
		{ "no-peer", BGP_COMM_NO_PEER, 0 },
		{ "nopeer", BGP_COMM_NO_PEER, 0 },
		{ "blackhole", BGP_COMM_BLACKHOLE, 0 },
		{ "graceful-shutdown", BGP_COMM_GRACEFUL_SHUTDOWN, 0 },
		{ "65536:1", 0, -1 },
		{ "1:65536", 0, -1 },
		{ "4294967296", 0, -1 },
		{ "0x100000000", 0, -1 },
		{ "1:2:3", 0, -1 },
		{ "-1", 0, -1 },
		{ "no-such", 0, -1 },
		{ ":1", 0, -1 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t v = 0;

		ck_assert_msg(community_parse(c[i].text, &v) == c[i].rc, "%s",
		    c[i].text);
		if (c[i].rc == 0)
			ck_assert_msg(v == c[i].v, "%s", c[i].text);
	}
}
END_TEST

/* ---- whole routes ---- */

START_TEST(test_every_keyword)
{
	struct parsed p;
	const struct attrs *a;
	const struct cfg_route *r;

	parse(&p, "10.0.0.0/24 next-hop 1.2.3.4 origin egp as-path [ 1 2 ( 3 "
	    "4 ) ] med 10 local-preference 200 community [ 65000:2 no-export "
	    "65000:1 65000:2 ] extended-community [ target:65000:1 "
	    "origin:1.2.3.4:5 ] large-community [ 1:2:3 1:2:3 0:0:1 ] "
	    "aggregator ( 65002:10.0.0.2 ) atomic-aggregate originator-id "
	    "1.1.1.1 cluster-list [ 2.2.2.2 3.3.3.3 ] aigp 0x10 "
	    "path-information 0.0.0.7 attribute [ 0x63 0xC0 0x01020304 ] name "
	    "my-route watchdog dog withdraw", false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	ck_assert_uint_eq(p.n, 1);
	r = &p.r[0];
	a = &r->attrs;
	ck_assert_int_eq(r->fam, FAM_IPV4_UNICAST);
	ck_assert_uint_eq(r->prefix.len, 24);
	ck_assert(a->has & ATTR_HAS_NEXT_HOP);
	ck_assert_uint_eq(addr_to_u32(&a->nexthop), 0x01020304u);
	ck_assert_uint_eq(a->origin, BGP_ORIGIN_EGP);
	ck_assert_uint_eq(attrs_aspath_length(a), 3);
	ck_assert_uint_eq(a->aspath_len, 2 + 8 + 2 + 8);
	ck_assert_uint_eq(a->aspath[0], BGP_ASPATH_SEQUENCE);
	ck_assert_uint_eq(a->aspath[10], BGP_ASPATH_SET);
	ck_assert_uint_eq(a->med, 10);
	ck_assert_uint_eq(a->local_pref, 200);
	/* sorted and de-duplicated (ExaBGP main's wire order) */
	ck_assert_uint_eq(a->ncomms, 3);
	ck_assert_uint_eq(a->comms[0], 0xFDE80001u);
	ck_assert_uint_eq(a->comms[1], 0xFDE80002u);
	ck_assert_uint_eq(a->comms[2], BGP_COMM_NO_EXPORT);
	ck_assert_uint_eq(a->necomms, 2);
	ck_assert(a->ecomms[0] == UINT64_C(0x0002FDE800000001));
	ck_assert_uint_eq(a->nlcomms, 2);
	ck_assert_uint_eq(a->lcomms[0].local2, 1);
	ck_assert_uint_eq(a->aggregator_as, 65002);
	ck_assert_uint_eq(a->aggregator_id, 0x0A000002u);
	ck_assert(a->has & ATTR_HAS_ATOMIC_AGGR);
	ck_assert_uint_eq(a->originator_id, 0x01010101u);
	ck_assert_uint_eq(a->nclusters, 2);
	ck_assert_uint_eq(a->clusters[1], 0x03030303u);
	ck_assert(a->aigp == 16);
	ck_assert(r->has_path_id);
	ck_assert_uint_eq(r->path_id, 7);
	ck_assert_uint_eq(a->nraws, 1);
	ck_assert_uint_eq(a->raws[0].code, 0x63);
	ck_assert_uint_eq(a->raws[0].flags, 0xC0);
	ck_assert_uint_eq(a->raws[0].len, 4);
	ck_assert_str_eq(r->name, "my-route");
	ck_assert_str_eq(r->watchdog, "dog");
	ck_assert(r->withdrawn);
	parsed_free(&p);
}
END_TEST

START_TEST(test_defaults_and_bare)
{
	struct parsed p;
	const struct attrs *a;

	parse(&p, "2001:db8::/32 next-hop self community 65000:1 "
	    "extended-community target:1:1 large-community 1:2:3 cluster-list "
	    "1.2.3.4 as-path 65001 aggregator 1:2.3.4.5 path-information 9",
	    false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	a = &p.r[0].attrs;
	ck_assert_int_eq(p.r[0].fam, FAM_IPV6_UNICAST);
	ck_assert(a->nexthop_self);
	ck_assert(a->has & ATTR_HAS_ORIGIN);
	ck_assert_uint_eq(a->origin, BGP_ORIGIN_IGP);
	ck_assert_uint_eq(a->ncomms, 1);
	ck_assert_uint_eq(a->necomms, 1);
	ck_assert_uint_eq(a->nlcomms, 1);
	ck_assert_uint_eq(a->nclusters, 1);
	ck_assert_uint_eq(attrs_aspath_length(a), 1);
	ck_assert_uint_eq(p.r[0].path_id, 9);
	parsed_free(&p);

	/* a bare address is a host route */
	parse(&p, "10.0.0.1 next-hop 1.2.3.4", false, 0);
	ck_assert_uint_eq(p.r[0].prefix.len, 32);
	parsed_free(&p);
	/* withdraw: next-hop optional */
	parse(&p, "10.0.0.1/32", false, ROUTE_TEXT_NEXTHOP_OPTIONAL);
	ck_assert_int_eq(p.rc, 0);
	parsed_free(&p);
	/* empty lists are absent, not empty attributes */
	parse(&p, "10.0.0.1/32 next-hop 1.1.1.1 community [ ] large-community "
	    "[ ] extended-community [ ] cluster-list [ ]", false, 0);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_uint_eq(p.r[0].attrs.has, ATTR_HAS_NEXT_HOP |
	    ATTR_HAS_ORIGIN);
	parsed_free(&p);
	/* empty as-path is present and empty */
	parse(&p, "10.0.0.1/32 next-hop 1.1.1.1 as-path [ ]", false, 0);
	ck_assert(p.r[0].attrs.has & ATTR_HAS_AS_PATH);
	ck_assert_uint_eq(p.r[0].attrs.aspath_len, 0);
	parsed_free(&p);
}
END_TEST

START_TEST(test_aspath_shapes)
{
	struct parsed p;
	const struct attrs *a;

	/* inner [ ] is a set too; a long sequence splits at 255 */
	parse(&p, "10.0.0.0/8 next-hop 1.1.1.1 as-path [ 1 [ 2 3 ] 4 ]",
	    false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	a = &p.r[0].attrs;
	ck_assert_uint_eq(a->aspath_len, 6 + 10 + 6);
	ck_assert_uint_eq(a->aspath[6], BGP_ASPATH_SET);
	ck_assert_uint_eq(a->aspath[16], BGP_ASPATH_SEQUENCE);
	parsed_free(&p);

	char line[4096] = "10.0.0.0/8 next-hop 1.1.1.1 as-path [";
	for (int i = 0; i < 300; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    " %d", i + 1);
	strcat(line, " ]");
	parse(&p, line, false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	a = &p.r[0].attrs;
	ck_assert_uint_eq(attrs_aspath_length(a), 300);
	ck_assert_uint_eq(a->aspath[1], 255);
	ck_assert_uint_eq(a->aspath[2 + 4 * 255 + 1], 45);
	parsed_free(&p);
}
END_TEST

START_TEST(test_split)
{
	struct parsed p;
	char buf[PREFIX_STRLEN];

	parse(&p, "10.2.0.0/16 next-hop 10.0.0.2 split /18", false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_str_eq(prefix_fmt(&p.r[0].prefix, buf), "10.2.0.0/18");
	ck_assert_str_eq(prefix_fmt(&p.r[1].prefix, buf), "10.2.64.0/18");
	ck_assert_str_eq(prefix_fmt(&p.r[2].prefix, buf), "10.2.128.0/18");
	ck_assert_str_eq(prefix_fmt(&p.r[3].prefix, buf), "10.2.192.0/18");
	ck_assert(attrs_equal(&p.r[0].attrs, &p.r[3].attrs));
	parsed_free(&p);

	parse(&p, "2001:db8::/32 next-hop ::1 split /33", false, 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(prefix_fmt(&p.r[1].prefix, buf), "2001:db8:8000::/33");
	parsed_free(&p);

	parse(&p, "10.0.0.0/24 next-hop 1.1.1.1 split /24", false, 0);
	ck_assert_uint_eq(p.n, 1);
	parsed_free(&p);
}
END_TEST

START_TEST(test_nlri)
{
	struct parsed p;

	parse(&p, "next-hop 10.0.0.9 med 5 nlri 203.0.113.0/25 "
	    "203.0.113.128/25 2001:db8::/32", true, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	ck_assert_uint_eq(p.n, 3);
	ck_assert_uint_eq(p.r[1].prefix.b[3], 128);
	ck_assert_int_eq(p.r[2].fam, FAM_IPV6_UNICAST);
	ck_assert_uint_eq(p.r[2].attrs.med, 5);
	parsed_free(&p);
}
END_TEST

/* ---- errors ---- */

static const struct {
	const char	*line;
	bool		 nlri;
	const char	*msg;
} errs[] = {
	{ "10.0.0.0/33 next-hop 1.1.1.1", false, "invalid prefix "
	    "'10.0.0.0/33' (expected e.g. 10.0.0.0/24 or 2001:db8::/32)" },
	{ "10.0.0.0/24", false, "route 10.0.0.0/24 has no next-hop" },
	{ "10.0.0.0/24 next-hop", false, "'next-hop' needs a value" },
	{ "10.0.0.0/24 next-hop 1.2.3", false, "invalid next-hop '1.2.3' "
	    "(expected an IP address or 'self')" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 origin bgp", false, "invalid origin "
	    "'bgp' (expected igp, egp or incomplete)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 med -1", false, "invalid med '-1' "
	    "(expected a number from 0 to 4294967295)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 local-preference 4294967296", false,
	    "invalid local-preference '4294967296' (expected a number from 0 "
	    "to 4294967295)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 community [ 65536:1 ]", false,
	    "invalid community '65536:1' (expected ASN:NUMBER with both below "
	    "65536, a 32-bit number, or no-export, no-advertise, "
	    "no-export-subconfed, no-peer, blackhole)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 community [ 1:1", false, "missing ']' "
	    "at the end of the community list" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 large-community 1:2", false, "invalid "
	    "large-community '1:2' (expected GLOBAL:LOCAL1:LOCAL2, 32-bit "
	    "numbers)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 as-path [ 1 x ]", false, "invalid ASN "
	    "'x' in as-path" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 as-path [ 1 ( 2 ]", false,
	    "unexpected ']' inside an AS_SET" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 as-path [ 1 2", false, "missing ']' at "
	    "the end of the as-path" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 aggregator ( 1.2.3.4 )", false,
	    "invalid aggregator '1.2.3.4' (expected ASN:IPv4-ADDRESS)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 aggregator ( 1:1.2.3.4", false,
	    "missing ')' after the aggregator" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 originator-id ::1", false, "invalid "
	    "originator-id '::1' (expected an IPv4 address)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 cluster-list [ 1 ]", false, "invalid "
	    "cluster-list entry '1' (expected an IPv4 address)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 aigp x", false, "invalid aigp 'x' "
	    "(expected a 64-bit number, decimal or 0x hex)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 path-information x", false, "invalid "
	    "path-information 'x' (expected a 32-bit number or a dotted "
	    "quad)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 attribute [ 0x63 0xc0 0x123 ]",
	    false, "invalid attribute data '0x123' (expected 0x and an even "
	    "number of hex digits)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 attribute [ 0x100 0xc0 0x12 ]",
	    false, "invalid attribute code '0x100' (expected 1 to 255, e.g. "
	    "0x63)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 attribute [ 0x63 0xc0 ]", false,
	    "'attribute' expects [ CODE FLAGS 0xDATA ]" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 split 25", false, "invalid split '25' "
	    "(expected /LENGTH)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 split /23", false, "split /23 does not "
	    "fit 10.0.0.0/24 (expected /24 to /32)" },
	{ "2001:db8::/32 next-hop ::1 split /64", false, "split /64 of "
	    "2001:db8::/32 makes more than 65536 routes" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 label x", false, "invalid label 'x' "
	    "(expected 0 to 1048575, 20 bits)" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 rd 65000:1", false, "route "
	    "10.0.0.0/24: an mpls-vpn route (rd) needs a label" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 label [ ]", false, "'label' needs at "
	    "least one label" },
	/* found by fuzz_api: the labels after it became RD bits */
	{ "2001:db8::/32 rd 0.2.3.4:5 label [0 16 17 ] next-hop 2001:db8::1",
	    false, "label 0 can only be the last label of a stack: a receiver "
	    "reads it as the end of the stack" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 label [ 16 524288 17 ]", false,
	    "label 524288 can only be the last label of a stack: a receiver "
	    "reads it as the end of the stack" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 bogus 1", false, "unknown route "
	    "keyword 'bogus'; expected one of: next-hop, origin, as-path, med, "
	    "local-preference, atomic-aggregate, aggregator, community, "
	    "originator-id, cluster-list, extended-community, aigp, "
	    "large-community, path-information, attribute, name, split, "
	    "watchdog, withdraw, label, rd, route-distinguisher, "
	    "bgp-prefix-sid, bgp-prefix-sid-srv6" },
	{ "10.0.0.0/24 next-hop 1.1.1.1 extended-community [ target:1 ]",
	    false, "invalid extended community 'target:1': expected "
	    "target:A:B" },
	{ "next-hop 1.1.1.1", true, "'nlri' and at least one prefix are "
	    "required after the attributes" },
	{ "next-hop 1.1.1.1 nlri", true, "'nlri' needs at least one prefix" },
	{ "next-hop 1.1.1.1 nlri 10.0.0.0/8 bad", true, "invalid prefix 'bad' "
	    "in nlri (expected e.g. 10.0.0.0/24)" },
	{ "med 1 nlri 10.0.0.0/8", true, "route 10.0.0.0/8 has no next-hop" },
};

START_TEST(test_errors)
{
	struct parsed p;

	parse(&p, errs[_i].line, errs[_i].nlri, 0);
	ck_assert_int_eq(p.rc, -1);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_str_eq(p.e.msg, errs[_i].msg);
	ck_assert_int_eq(p.e.line, 1);
	parsed_free(&p);
}
END_TEST

/* ---- formatting ---- */

static const struct {
	const char	*in;
	const char	*out;
} fmts[] = {
	{ "10.0.0.0/24 next-hop 1.2.3.4 med 10 community [ 65000:1 no-export ]",
	    "10.0.0.0/24 next-hop 1.2.3.4 origin igp med 10 community [ "
	    "65000:1 no-export ]" },
	{ "10.0.0.0/24 community 65000:1 local-preference 100 as-path [ 1 2 "
	    "] next-hop 1.2.3.4 origin incomplete",
	    "10.0.0.0/24 next-hop 1.2.3.4 origin incomplete as-path [ 1 2 ] "
	    "local-preference 100 community 65000:1" },
	{ "2001:db8::/32 path-information 7 next-hop 2001:db8::1",
	    "2001:db8::/32 path-information 0.0.0.7 next-hop 2001:db8::1 origin "
	    "igp" },
	{ "1.0.64.0/18 as-path [ 57821 6939 ] atomic-aggregate aggregator ( "
	    "18144:219.118.225.189 ) next-hop 192.168.1.254",
	    "1.0.64.0/18 next-hop 192.168.1.254 origin igp as-path [ 57821 6939 "
	    "] atomic-aggregate aggregator ( 18144:219.118.225.189 )" },
	{ "10.0.0.7/32 next-hop 255.255.255.255 attribute [ 0x20 0xc0 "
	    "0x0000000100000002000000030000000a0000000b0000000c ]",
	    "10.0.0.7/32 next-hop 255.255.255.255 origin igp attribute [ 0x20 "
	    "0xC0 0x0000000100000002000000030000000A0000000B0000000C ]" },
	{ "10.0.0.1/32 next-hop self as-path [ 1 ( 2 3 ) ] originator-id "
	    "1.1.1.1 cluster-list [ 2.2.2.2 3.3.3.3 ] extended-community [ "
	    "target:1:1 origin:2:2 ] aigp 5 large-community [ 3:2:1 1:2:3 ] "
	    "name \"a b\" watchdog w withdraw",
	    "10.0.0.1/32 next-hop self origin igp as-path [ 1 ( 2 3 ) ] "
	    "originator-id 1.1.1.1 cluster-list [ 2.2.2.2 3.3.3.3 ] "
	    "extended-community [ target:1:1 origin:2:2 ] aigp 5 "
	    "large-community [ 1:2:3 3:2:1 ] name \"a b\" watchdog w "
	    "withdraw" },
};

START_TEST(test_format)
{
	struct parsed p, q;
	char *s;

	parse(&p, fmts[_i].in, false, 0);
	ck_assert_msg(p.rc == 0, "%s", p.e.msg);
	s = route_text_string(&p.r[0]);
	ck_assert_str_eq(s, fmts[_i].out);
	/* and it parses back to the same route */
	parse(&q, s, false, 0);
	ck_assert_msg(q.rc == 0, "%s", q.e.msg);
	ck_assert(cfg_route_equal(&p.r[0], &q.r[0]));
	free(s);
	parsed_free(&p);
	parsed_free(&q);
}
END_TEST

/* ---- ExaBGP main's families: routes of their own words ---- */

static int
parse_words(struct parsed *p, enum family_id fam, const char *line,
    unsigned flags)
{
	char err[128];

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(lex_line(line, &p->t, err, sizeof(err)), 0);
	p->rc = route_text_parse_words(fam, p->t.v, p->t.n, flags, &p->r,
	    &p->n, &p->e);
	return p->rc;
}

static const struct {
	enum family_id	 fam;
	const char	*in;
	const char	*out;	/* route_text_string */
	const char	*hex;	/* the NLRI's octets */
} words_ok[] = {
	{ FAM_IPV4_MVPN, "shared-join rp 10.99.199.1 group 239.251.255.228 "
	    "rd 65000:99999 source-as 65000 next-hop 10.10.6.3",
	    "shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999 "
	    "source-as 65000 next-hop 10.10.6.3 origin igp",
	    "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4" },
	{ FAM_IPV6_MVPN, "source-ad source fd12::4 group ff0e::1 rd "
	    "65000:99999 next-hop 10.10.6.4",
	    "source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop "
	    "10.10.6.4 origin igp",
	    "052A0000FDE80001869F80FD12000000000000000000000000000480FF0E0000"
	    "000000000000000000000001" },
	{ FAM_IPV4_MUP, "mup-t2st 10.0.0.1 rd 100:100 teid 12345/23 next-hop "
	    "10.0.0.2 extended-community [ target:10:10 mup:10:10 ]",
	    "mup-t2st 10.0.0.1 rd 100:100 teid 12345/23 next-hop 10.0.0.2 "
	    "origin igp extended-community [ target:10:10 mup:10:10 ]",
	    "010004100000006400000064370A000001003039" },
	{ FAM_IPV6_MUP, "mup-t1st 2001:db8:1:1::1/128 rd 100:100 teid 12345 "
	    "qfi 9 endpoint 2001::1 next-hop 10.0.0.2",
	    "mup-t1st 2001:db8:1:1::1/128 rd 100:100 teid 12345 qfi 9 endpoint "
	    "2001::1 next-hop ::ffff:10.0.0.2 origin igp",
	    "0100032F00000064000000648020010DB80001000100000000000000010000303909"
	    "8020010000000000000000000000000001" },
	{ FAM_IPV4_MUP, "mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 "
	    "bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 "
	    "[64,24,16,0,0,0] )",
	    "mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 origin igp "
	    "attribute [ 0x28 0xC0 0x0500220001001E0020010DB80001000100000000"
	    "0000000000004800010006401810000000 ]",
	    "0100010C0000006400000064180A0001" },
	{ FAM_IPV4_SRPOLICY, "distinguisher 0 color 100 endpoint 10.0.0.1 "
	    "next-hop 192.0.2.1 preference 100 binding-sid mpls 24000 "
	    "segment-list weight 1 segment type-a mpls 16001",
	    "distinguisher 0 color 100 endpoint 10.0.0.1 next-hop 192.0.2.1 "
	    "origin igp attribute [ 0x17 0xC0 0x000F00240C06000000000064"
	    "0D06100005DC01008000110009060000000000010106000003E81100 ]",
	    "6000000000000000640A000001" },
};

START_TEST(test_words_ok)
{
	struct parsed p, q;
	uint8_t want[NLRI_MAX];
	size_t wl = hex2bin(words_ok[_i].hex, want, sizeof(want));
	char *s;

	ck_assert_msg(parse_words(&p, words_ok[_i].fam, words_ok[_i].in, 0) ==
	    0, "%s", p.e.msg);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_eq(p.r[0].fam, words_ok[_i].fam);
	ck_assert_uint_eq(p.r[0].nlri.len, wl);
	ck_assert(memcmp(nlri_buf_data(&p.r[0].nlri), want, wl) == 0);
	s = route_text_string(&p.r[0]);
	ck_assert_str_eq(s, words_ok[_i].out);
	/* and it parses back to the same route */
	ck_assert_msg(parse_words(&q, words_ok[_i].fam, s, 0) == 0, "%s",
	    q.e.msg);
	ck_assert(cfg_route_equal(&p.r[0], &q.r[0]));
	free(s);
	parsed_free(&p);
	parsed_free(&q);
}
END_TEST

static const struct {
	enum family_id	 fam;
	const char	*in;
	const char	*msg;
} words_bad[] = {
	{ FAM_IPV4_MVPN, "leaf-ad rd 1:1", "unknown mcast-vpn route type "
	    "'leaf-ad' (expected source-ad, shared-join or source-join)" },
	{ FAM_IPV4_MVPN, "shared-join rp 10.0.0.1 group 239.1.1.1 rd 1:1 "
	    "next-hop 10.0.0.2", "shared-join: expected 'source-as', not "
	    "'next-hop'" },
	{ FAM_IPV4_MVPN, "source-ad source fd00::1 group 239.1.1.1 rd 1:1",
	    "source: 'fd00::1' is not an IPv4 address" },
	{ FAM_IPV4_MVPN, "source-join source 10.0.0.1 group 239.1.1.1 rd 1:1 "
	    "source-as 4294967296", "source-as: '4294967296' is not a number "
	    "from 0 to 4294967295" },
	{ FAM_IPV4_MVPN, "source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1 "
	    "rd 2:2 next-hop 10.0.0.2", "unknown route keyword 'rd'; expected "
	    "one of: next-hop, origin, as-path, med, local-preference, "
	    "atomic-aggregate, aggregator, community, originator-id, "
	    "cluster-list, extended-community, aigp, large-community, "
	    "attribute, name, watchdog, withdraw, bgp-prefix-sid, "
	    "bgp-prefix-sid-srv6" },
	{ FAM_IPV4_MVPN, "source-ad source 10.0.0.1 group 239.1.1.1 rd 1:1",
	    "an ipv4 mcast-vpn route needs 'next-hop'" },
	{ FAM_IPV4_MUP, "mup-t2st 10.0.0.1 rd 1:1 teid 300/8 next-hop "
	    "10.0.0.2", "mup-t2st: teid '300/8' is not N/BITS (BITS 0 to 32, "
	    "N below 2^BITS)" },
	{ FAM_IPV4_MUP, "mup-t2st 10.0.0.1 rd 1:1 teid 1/33 next-hop "
	    "10.0.0.2", "mup-t2st: teid '1/33' is not N/BITS (BITS 0 to 32, "
	    "N below 2^BITS)" },
	{ FAM_IPV4_MUP, "mup-t1st 10.0.0.0/8 rd 1:1 teid 1 qfi 256 endpoint "
	    "10.0.0.1 next-hop 10.0.0.2", "qfi: '256' is not a number from 0 "
	    "to 255" },
	{ FAM_IPV6_MUP, "mup-isd 10.0.0.0/8 rd 1:1 next-hop ::1",
	    "mup-isd: '10.0.0.0/8' is not an IPv6 prefix" },
	{ FAM_IPV4_MUP, "mup-dsd 10.0.0.1 rd 1:1 next-hop 10.0.0.2 "
	    "bgp-prefix-sid-srv6 ( l3-service 2001:db8:: 0x48 [ 64 , 24 ] )",
	    "bgp-prefix-sid-srv6: six lengths separated by ',' expected" },
	{ FAM_IPV4_MUP, "mup-dsd 10.0.0.1 rd 1:1 next-hop 10.0.0.2 "
	    "bgp-prefix-sid-srv6 ( l3-service 10.0.0.1 )",
	    "bgp-prefix-sid-srv6: l3-service needs an IPv6 SID" },
	{ FAM_IPV4_SRPOLICY, "distinguisher 0 color 1 endpoint 10.0.0.1 "
	    "next-hop 10.0.0.2 segment-list weight 1 segment type-c ipv4 "
	    "10.0.0.1 algorithm 0", "segment type-c is not supported by evbgp "
	    "(it sends segment types type-a and type-b)" },
	{ FAM_IPV4_SRPOLICY, "distinguisher 0 color 1 endpoint 10.0.0.1 "
	    "next-hop 10.0.0.2 binding-sid mpls 1048576",
	    "binding-sid mpls: '1048576' is not a number from 0 to 1048575" },
	{ FAM_IPV4_SRPOLICY, "color 1 endpoint 10.0.0.1",
	    "sr-policy: expected 'distinguisher', not 'color'" },
	{ FAM_IPV6_SRPOLICY, "distinguisher 0 color 1 endpoint 10.0.0.1",
	    "endpoint: '10.0.0.1' is not an IPv6 address" },
	{ FAM_IPV4_SRPOLICY, "distinguisher 0 color 1", "sr-policy: expected "
	    "'endpoint' at the end" },
};

START_TEST(test_words_bad)
{
	struct parsed p;

	ck_assert_int_eq(parse_words(&p, words_bad[_i].fam, words_bad[_i].in,
	    0), -1);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_str_eq(p.e.msg, words_bad[_i].msg);
	ck_assert_int_eq(p.e.line, 1);
	parsed_free(&p);
}
END_TEST

/* A name longer than its sub-TLV allows, a segment list too long for
 * its attribute: refused, never truncated. */
START_TEST(test_words_limits)
{
	struct parsed p;
	struct sbuf line;

	sbuf_init(&line);
	sbuf_adds(&line, "distinguisher 0 color 1 endpoint 10.0.0.1 next-hop "
	    "10.0.0.2 policy-name ");
	for (int i = 0; i < 256; i++)
		sbuf_addc(&line, 'x');
	ck_assert_int_eq(parse_words(&p, FAM_IPV4_SRPOLICY, line.p, 0), -1);
	ck_assert_str_eq(p.e.msg, "policy-name: longer than 255 characters");
	parsed_free(&p);
	sbuf_reset(&line);
	sbuf_adds(&line, "distinguisher 0 color 1 endpoint 10.0.0.1 next-hop "
	    "10.0.0.2 segment-list weight 1");
	for (int i = 0; i < 11000; i++)
		sbuf_adds(&line, " segment type-a mpls 1");
	ck_assert_int_eq(parse_words(&p, FAM_IPV4_SRPOLICY, line.p, 0), -1);
	ck_assert_str_eq(p.e.msg, "segment-list: too many segments");
	parsed_free(&p);
	sbuf_free(&line);
}
END_TEST

START_TEST(test_format_buffers)
{
	struct parsed p;
	char small[8], attrs[128];
	size_t need;

	parse(&p, "10.0.0.0/24 next-hop 1.2.3.4 med 10", false, 0);
	need = route_text_format(&p.r[0], small, sizeof(small));
	ck_assert_uint_eq(need, strlen("10.0.0.0/24 next-hop 1.2.3.4 origin "
	    "igp med 10"));
	ck_assert_str_eq(small, "10.0.0.");
	attrs_text_format(&p.r[0].attrs, attrs, sizeof(attrs));
	ck_assert_str_eq(attrs, "next-hop 1.2.3.4 origin igp med 10");
	parsed_free(&p);
}
END_TEST

START_TEST(test_copy_and_keys)
{
	struct parsed p;
	struct cfg_route c;

	parse(&p, "10.0.0.0/24 next-hop 1.2.3.4 community [ 1:1 ] name x",
	    false, 0);
	cfg_route_copy(&c, &p.r[0]);
	ck_assert(cfg_route_equal(&c, &p.r[0]));
	ck_assert(cfg_route_same_key(&c, &p.r[0]));
	c.attrs.med = 5;
	c.attrs.has |= ATTR_HAS_MED;
	ck_assert(!cfg_route_equal(&c, &p.r[0]));
	ck_assert(cfg_route_same_key(&c, &p.r[0]));
	c.path_id = 1;
	ck_assert(!cfg_route_same_key(&c, &p.r[0]));
	cfg_route_clear(&c);
	parsed_free(&p);
}
END_TEST

/* One nlri list may mix IPv4 and IPv6 prefixes: each route takes the
 * family of its own prefix (the last prefix's family was given to all:
 * an IPv4 NLRI in an IPv6 UPDATE; found by fuzz_api's round trip). */
START_TEST(test_nlri_mixed_families)
{
	struct parsed p;

	parse(&p, "next-hop 1.2.3.4 nlri 10.0.0.0/8 2001:db8:1::/48 "
	    "192.0.2.0/24", true, 0);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_uint_eq(p.n, 3);
	ck_assert_int_eq(p.r[0].fam, FAM_IPV4_UNICAST);
	ck_assert_int_eq(p.r[1].fam, FAM_IPV6_UNICAST);
	ck_assert_int_eq(p.r[2].fam, FAM_IPV4_UNICAST);
	parsed_free(&p);
	parse(&p, "next-hop 1.2.3.4 label 16 nlri 2001:db8:1::/48 "
	    "10.0.0.0/8", true, 0);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_int_eq(p.r[0].fam, FAM_IPV6_NLRI_MPLS);
	ck_assert_int_eq(p.r[1].fam, FAM_IPV4_NLRI_MPLS);
	parsed_free(&p);
}
END_TEST

static Suite *
route_text_suite(void)
{
	Suite *s = suite_create("route_text");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_ext_parse, 0, sizeof(ecs) / sizeof(ecs[0]));
	tcase_add_loop_test(tc, test_ext_roundtrip, 0,
	    sizeof(ecs) / sizeof(ecs[0]));
	tcase_add_test(tc, test_ext_format);
	tcase_add_loop_test(tc, test_ext_bad, 0,
	    sizeof(ec_bad) / sizeof(ec_bad[0]));
	tcase_add_test(tc, test_communities);
	tcase_add_test(tc, test_every_keyword);
	tcase_add_test(tc, test_defaults_and_bare);
	tcase_add_test(tc, test_aspath_shapes);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_nlri);
	tcase_add_test(tc, test_nlri_mixed_families);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(errs) / sizeof(errs[0]));
	tcase_add_loop_test(tc, test_words_ok, 0, sizeof(words_ok) /
	    sizeof(words_ok[0]));
	tcase_add_loop_test(tc, test_words_bad, 0, sizeof(words_bad) /
	    sizeof(words_bad[0]));
	tcase_add_test(tc, test_words_limits);
	tcase_add_loop_test(tc, test_format, 0, sizeof(fmts) / sizeof(fmts[0]));
	tcase_add_test(tc, test_format_buffers);
	tcase_add_test(tc, test_copy_and_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(route_text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
