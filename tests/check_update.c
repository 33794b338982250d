/*
 * UPDATE codec: RFC 7606 verdicts of the decoder (table-driven, every
 * attribute x wrong flags / lengths / values), decoded values, End-of-RIB,
 * the encoder against the conformance kit's bytes, and round trips.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/update.h"

#include "codec_hex.h"

#define V4	FAMSET(FAM_IPV4_UNICAST)
#define V6	FAMSET(FAM_IPV6_UNICAST)

enum ctx_id { IBGP4, EBGP4, IBGP2, EBGP2, ADDP, NOV6, ALLF };

static const struct update_ctx ctxs[] = {
	[IBGP4] = { .asn4 = true, .ebgp = false, .families = V4 | V6 },
	[EBGP4] = { .asn4 = true, .ebgp = true, .families = V4 | V6 },
	[IBGP2] = { .asn4 = false, .ebgp = false, .families = V4 | V6 },
	[EBGP2] = { .asn4 = false, .ebgp = true, .families = V4 | V6 },
	[ADDP] = { .asn4 = true, .families = V4 | V6, .addpath_rx = V4 | V6 },
	[NOV6] = { .asn4 = true, .families = V4 },
	/* every family: ExaBGP main's MVPN, MUP, SR Policy */
	[ALLF] = { .asn4 = true, .families = FAMSET_ALL },
};

/* attribute building blocks (flags, code, length, value) */
#define ORIGIN	"40010100"
#define ASP0	"400200"
#define ASP4	"400206 0201 0000FDE8"		/* [65000], 4-octet */
#define ASP2	"400204 0201 FDE8"		/* [65000], 2-octet */
#define NH	"400304 0A000001"
#define LP	"400504 00000064"
#define IB	ORIGIN ASP0 NH LP		/* iBGP mandatory set */
#define EB	ORIGIN ASP4 NH			/* eBGP, 4-octet */
#define EB2	ORIGIN ASP2 NH			/* eBGP, 2-octet */
#define NLRI	"180A0000"			/* 10.0.0.0/24 */
#define MPR6	"800E26 0002 01 10 20010DB8000000000000000000000001 00" \
		"80 20010DB8000000000000000000000000"
#define MPU6	"800F14 0002 01 80 20010DB8000000000000000000000000"
/* ExaBGP main's families: MP_REACH headers (afi, safi, next hop, 0) */
#define MVPN4	"0001 05 04 0A0A0603 00"
#define MUP4	"0001 55 04 0A000002 00"
#define SRP4	"0001 49 04 C0000201 00"
#define SJOIN	"06 16 0000FDE80001869F 0000FDE8 20 0A63C701 20 EFFBFFE4"
/* SRv6 L3 service: TLV 5 (reserved, SID information sub-TLV: reserved,
 * SID, flags, behavior, reserved, structure sub-sub-TLV) */
#define L3SVC(sub, subsub)						\
	"05 0022 00 01 " sub " 00 20010DB8000100010000000000000000 00 "	\
	"0048 00 01 " subsub " 401810000000"

struct dec_vec {
	const char	*name;
	enum ctx_id	 ctx;
	const char	*wd;		/* withdrawn routes */
	const char	*attrs;
	const char	*nlri;
	const char	*raw;		/* whole body instead of the above */
	enum update_verdict verdict;
	uint8_t		 subcode;	/* for UPD_SESSION_RESET */
	uint8_t		 attr;		/* reason_attr, or 0 = don't care */
};

#define OK_(n, c, w, a, l)	{ n, c, w, a, l, NULL, UPD_OK, 0, 0 }
#define WD_(n, c, a, l, code)	{ n, c, "", a, l, NULL, UPD_TREAT_AS_WITHDRAW, \
				    0, code }
#define DI_(n, c, a, code)	{ n, c, "", a, NLRI, NULL, UPD_ATTR_DISCARD, \
				    0, code }
#define RS_(n, c, w, a, l, sub)	{ n, c, w, a, l, NULL, UPD_SESSION_RESET, \
				    sub, 0 }
#define RAW(n, c, r, v, sub)	{ n, c, NULL, NULL, NULL, r, v, sub, 0 }

static const struct dec_vec dec_vecs[] = {
	/* valid messages */
	OK_("ibgp minimal", IBGP4, "", IB, NLRI),
	OK_("ebgp minimal", EBGP4, "", EB, NLRI),
	OK_("ebgp 2-octet", EBGP2, "", EB2, NLRI),
	OK_("two prefixes", IBGP4, "", IB, NLRI "20C0000201"),
	OK_("default route", IBGP4, "", IB, "00"),
	OK_("withdraw only", IBGP4, "180A0000", "", ""),
	OK_("withdraw and announce", IBGP4, "180A0100", IB, NLRI),
	OK_("eor ipv4", IBGP4, "", "", ""),
	OK_("eor ipv6", IBGP4, "", "900F0003000201", ""),
	OK_("all optional attributes", IBGP4, "", IB "800404 00000005"
	    " 400600 C00708 0000FDE8 0A000001 C00808 FFFFFF01 00010002"
	    " 800904 0A000002 800A04 0A000003 C01008 0002FDE800000001"
	    " 801A0B 01000B 0000000000000064 C0200C 0000FDE8 00000001"
	    " 00000002", NLRI),
	OK_("kit aggregator", IBGP4, "", "4001010040020A02020000E1DD00001B1B"
	    "400304C0A801FE40050400000064400600C00708000046E0DB76E1BD",
	    "12010040"),
	OK_("attributes in reverse order", IBGP4, "", LP NH ASP0 ORIGIN,
	    NLRI),
	OK_("extended length on a short attribute", IBGP4, "",
	    "50010001 00" ASP0 NH LP, NLRI),
	OK_("origin egp", IBGP4, "", "40010101" ASP0 NH LP, NLRI),
	OK_("origin incomplete", IBGP4, "", "40010102" ASP0 NH LP, NLRI),
	OK_("as_set and confed segments", IBGP4, "", ORIGIN
	    "400216 0102 00000001 00000002 0301 00000003 0401 00000004" NH LP,
	    NLRI),
	OK_("next hop all ones", IBGP4, "", ORIGIN ASP0 "400304FFFFFFFF" LP,
	    NLRI),
	OK_("unknown optional transitive", IBGP4, "", IB "C06302ABCD", NLRI),
	OK_("unknown optional non-transitive", IBGP4, "", IB "806302ABCD",
	    NLRI),
	OK_("partial unknown kept", IBGP4, "", IB "E06300", NLRI),
	/* RFC 8669: the Prefix-SID; unknown TLVs kept, bad ones discard */
	OK_("prefix-sid label index and srgb", IBGP4, "", IB
	    "C0281B 01000700000000000309 03000E0000 0C3500001000 0F4240001388",
	    NLRI),
	OK_("prefix-sid unknown tlv", IBGP4, "", IB "C02806 090003AABBCC",
	    NLRI),
	DI_("prefix-sid label index length", IBGP4, IB
	    "C02809 010006000000000309", BGP_ATTR_PREFIX_SID),
	DI_("prefix-sid tlv overrun", IBGP4, IB "C02805 0100070000",
	    BGP_ATTR_PREFIX_SID),
	DI_("prefix-sid srgb length", IBGP4, IB "C02806 030003000000",
	    BGP_ATTR_PREFIX_SID),
	DI_("prefix-sid tlv header cut", IBGP4, IB "C02802 0100",
	    BGP_ATTR_PREFIX_SID),
	OK_("ipv6 announce", IBGP4, "", ORIGIN ASP0 LP MPR6, ""),
	OK_("ipv6 announce, MP_REACH first", IBGP4, "", MPR6 ORIGIN ASP0 LP,
	    ""),
	OK_("ipv6 link-local next hop", IBGP4, "", ORIGIN ASP0 LP
	    "800E2E 0002 01 20 20010DB8000000000000000000000001"
	    " FE800000000000000000000000000001 00 40 20010DB800000000", ""),
	OK_("ipv6 withdraw only", IBGP4, "", MPU6, ""),
	OK_("ipv6 withdraw and ipv4 announce", IBGP4, "", IB MPU6, NLRI),
	OK_("ipv4 over MP, RFC 8950 next hop", IBGP4, "", ORIGIN ASP0 LP
	    "800E19 0001 01 10 20010DB8000000000000000000000001 00 18 0A0000",
	    ""),
	OK_("ipv4 over MP, 4-octet next hop", IBGP4, "", ORIGIN ASP0 LP
	    "800E0D 0001 01 04 0A000001 00 18 0A0000", ""),
	OK_("family not negotiated is ignored", NOV6, "", ORIGIN ASP0 LP
	    MPR6, ""),
	OK_("unknown family ignored", IBGP4, "", ORIGIN ASP0 LP
	    "800E09 0001 85 00 00 03 AABBCC", ""),
	OK_("mp_unreach not negotiated", NOV6, "", "900F0014 0002 01"
	    " 80 20010DB8000000000000000000000000", ""),
	OK_("addpath nlri", ADDP, "00000001 180A0000", IB,
	    "00000002 180A0000"),
	OK_("addpath ipv6", ADDP, "", ORIGIN ASP0 LP
	    "800E2A 0002 01 10 20010DB8000000000000000000000001 00"
	    " 00000007 80 20010DB8000000000000000000000000", ""),
	OK_("ebgp without local pref", EBGP4, "", EB, NLRI),
	OK_("2-octet with AS4_PATH", IBGP2, "", ORIGIN
	    "400204 0201 5BA0 400304 0A000001" LP
	    " C01106 0201 FA56EA00", NLRI),
	OK_("2-octet with AS4_AGGREGATOR", IBGP2, "", IB
	    "C00706 5BA0 0A000001 C01208 FA56EA00 0A000001", NLRI),
	OK_("aggregator 2-octet", IBGP2, "", IB "C00706 FDE8 0A000001", NLRI),
	OK_("ipv6 extended community", IBGP4, "", IB
	    "C01914 0002 20010DB8000000000000000000000001 0001", NLRI),
	OK_("otc", IBGP4, "", IB "C02304 0000FDE8", NLRI),
	OK_("aigp with extra TLV", IBGP4, "", IB
	    "801A0F 02000400 01000B0000000000000001", NLRI),

	/* framing: session reset 3/1 (RFC 7606 §3(b)) */
	RAW("empty body", IBGP4, "", UPD_SESSION_RESET, 1),
	RAW("one octet", IBGP4, "00", UPD_SESSION_RESET, 1),
	RAW("three octets", IBGP4, "000000", UPD_SESSION_RESET, 1),
	RAW("withdrawn length overrun", IBGP4, "0005 180A00", UPD_SESSION_RESET,
	    1),
	RAW("withdrawn length eats attr length", IBGP4, "0002 0000",
	    UPD_SESSION_RESET, 1),
	RAW("attribute length overrun", IBGP4, "0000 0010 40010100",
	    UPD_SESSION_RESET, 1),
	RAW("attribute length overrun by one", IBGP4, "0000 0005 40010100",
	    UPD_SESSION_RESET, 1),
	/*
	 * attribute framing (RFC 7606 §4): the classic NLRI is located with
	 * the Total Path Attribute Length, but an MP_REACH/MP_UNREACH could
	 * hide behind the error (§3(j)): session reset 3/1
	 */
	RS_("attribute header 1 octet", IBGP4, "", IB "40", NLRI, 1),
	RS_("attribute header 2 octets", IBGP4, "", IB "4001", NLRI, 1),
	RS_("extended length with 1 length octet", IBGP4, "", IB "500100",
	    NLRI, 1),
	RS_("value past the attribute field", IBGP4, "", IB "40010400", NLRI,
	    1),
	RS_("extended value past the field", IBGP4, "", IB
	    "50080010 FFFFFF01", NLRI, 1),
	/*
	 * RFC 7606 §3(j), §5.2: a framing error hides the attributes after
	 * it; unless both MP attributes were parsed before it, MP NLRI may
	 * be among them and cannot be located: session reset 3/1 (BIRD).
	 */
	RS_("framing error without nlri", IBGP4, "", "40010400", "", 1),
	RS_("framing error before mp_reach", IBGP4, "", ORIGIN ASP0 LP
	    "C063FF" MPR6, "", 1),
	RS_("framing error before mp_reach, classic nlri too", IBGP4, "",
	    IB "C063FF" MPR6, NLRI, 1),
	RS_("framing error after mp_reach, mp_unreach may follow", IBGP4, "",
	    ORIGIN ASP0 LP MPR6 "40", "", 1),
	RS_("framing error, withdrawn routes only", IBGP4, "180A0000",
	    "40010400", "", 1),
	WD_("framing error after both mp attributes", IBGP4, ORIGIN ASP0 LP
	    MPU6 MPR6 "4001", "", 0),
	/* NLRI syntax: session reset 3/10 (RFC 7606 §5.3) */
	RS_("nlri prefix length 33", IBGP4, "", IB, "21 0A000000 00", 10),
	RS_("nlri prefix length 255", IBGP4, "", IB, "FF 0A000000", 10),
	RS_("nlri truncated", IBGP4, "", IB, "18 0A00", 10),
	RS_("nlri second prefix truncated", IBGP4, "", IB, NLRI "20 0A", 10),
	RS_("withdrawn prefix length 33", IBGP4, "21 0A00000000", "", "", 10),
	RS_("withdrawn truncated", IBGP4, "20 0A0000", "", "", 10),
	RS_("addpath id truncated", ADDP, "", IB, "000000", 10),
	RS_("addpath prefix truncated", ADDP, "", IB, "00000001 18 0A", 10),
	RS_("addpath withdrawn truncated", ADDP, "00000001", "", "", 10),
	/* missing well-known (RFC 7606 §3(d)) */
	WD_("no attributes with nlri", IBGP4, "", NLRI, BGP_ATTR_ORIGIN),
	WD_("missing origin", IBGP4, ASP0 NH LP, NLRI, BGP_ATTR_ORIGIN),
	WD_("missing as_path", IBGP4, ORIGIN NH LP, NLRI, BGP_ATTR_AS_PATH),
	WD_("missing next_hop", IBGP4, ORIGIN ASP0 LP, NLRI,
	    BGP_ATTR_NEXT_HOP),
	WD_("missing local_pref on ibgp", IBGP4, ORIGIN ASP0 NH, NLRI,
	    BGP_ATTR_LOCAL_PREF),
	WD_("ipv6 missing origin", IBGP4, ASP0 LP MPR6, "", BGP_ATTR_ORIGIN),
	OK_("ipv6 needs no next_hop", IBGP4, "", ORIGIN ASP0 LP MPR6, ""),
	/* ORIGIN §7.1 */
	WD_("origin optional flag", IBGP4, "C0010100" ASP0 NH LP, NLRI, 1),
	WD_("origin no transitive flag", IBGP4, "00010100" ASP0 NH LP, NLRI,
	    1),
	WD_("origin length 0", IBGP4, "400100" ASP0 NH LP, NLRI, 1),
	WD_("origin length 2", IBGP4, "4001020000" ASP0 NH LP, NLRI, 1),
	WD_("origin value 3", IBGP4, "40010103" ASP0 NH LP, NLRI, 1),
	WD_("origin value 255", IBGP4, "400101FF" ASP0 NH LP, NLRI, 1),
	/* AS_PATH §7.2 */
	WD_("as_path optional flag", IBGP4, ORIGIN "C00200" NH LP, NLRI, 2),
	WD_("as_path segment type 0", IBGP4, ORIGIN "400206 0001 00000001" NH
	    LP, NLRI, 2),
	WD_("as_path segment type 5", IBGP4, ORIGIN "400206 0501 00000001" NH
	    LP, NLRI, 2),
	WD_("as_path segment count 0", IBGP4, ORIGIN "400202 0200" NH LP,
	    NLRI, 2),
	WD_("as_path segment overrun", IBGP4, ORIGIN "400206 0202 00000001"
	    NH LP, NLRI, 2),
	WD_("as_path segment header truncated", IBGP4, ORIGIN "400201 02" NH
	    LP, NLRI, 2),
	WD_("as_path trailing octet", IBGP4, ORIGIN "400207 0201 00000001 00"
	    NH LP, NLRI, 2),
	WD_("as_path 4-octet sent to 2-octet session", IBGP2, ORIGIN
	    "400206 0201 0000FDE8" NH LP, NLRI, 2),
	WD_("as_path 2-octet on 4-octet session", IBGP4, ORIGIN
	    "400204 0201 FDE8" NH LP, NLRI, 2),
	/* AS 0 in AS_PATH (RFC 7607 §2, RFC 7606 §7.2): treat-as-withdraw */
	WD_("as_path with AS 0", IBGP4, ORIGIN "40020A 0202 0000FDE8 00000000"
	    NH LP, NLRI, 2),
	WD_("as_path AS 0 alone", IBGP4, ORIGIN "400206 0201 00000000" NH LP,
	    NLRI, 2),
	WD_("as_path AS 0 in an AS_SET", IBGP4, ORIGIN "40020C 0201 0000FDE8"
	    " 0101 00000000" NH LP, NLRI, 2),
	WD_("as_path AS 0 in a confed sequence", IBGP4, ORIGIN
	    "400206 0301 00000000" NH LP, NLRI, 2),
	WD_("as_path AS 0, 2-octet session", IBGP2, ORIGIN "400206 0202 FDE8"
	    " 0000" NH LP, NLRI, 2),
	/* NEXT_HOP §7.3 */
	WD_("next_hop optional flag", IBGP4, ORIGIN ASP0 "C00304 0A000001" LP,
	    NLRI, 3),
	WD_("next_hop length 0", IBGP4, ORIGIN ASP0 "400300" LP, NLRI, 3),
	WD_("next_hop length 3", IBGP4, ORIGIN ASP0 "400303 0A0000" LP, NLRI,
	    3),
	WD_("next_hop length 5", IBGP4, ORIGIN ASP0 "400305 0A00000100" LP,
	    NLRI, 3),
	WD_("next_hop length 16", IBGP4, ORIGIN ASP0
	    "400310 20010DB8000000000000000000000001" LP, NLRI, 3),
	/* MED §7.4 */
	WD_("med transitive flag", IBGP4, IB "C00404 00000001", NLRI, 4),
	WD_("med well-known flag", IBGP4, IB "400404 00000001", NLRI, 4),
	WD_("med length 0", IBGP4, IB "800400", NLRI, 4),
	WD_("med length 3", IBGP4, IB "800403 000001", NLRI, 4),
	WD_("med length 5", IBGP4, IB "800405 0000000001", NLRI, 4),
	/* LOCAL_PREF §7.5 */
	WD_("local_pref optional flag", IBGP4, ORIGIN ASP0 NH "C00504 00000064",
	    NLRI, 5),
	WD_("local_pref length 0", IBGP4, ORIGIN ASP0 NH "400500", NLRI, 5),
	WD_("local_pref length 3", IBGP4, ORIGIN ASP0 NH "400503 000064", NLRI,
	    5),
	WD_("local_pref length 5", IBGP4, ORIGIN ASP0 NH "400505 0000000064",
	    NLRI, 5),
	DI_("local_pref from ebgp", EBGP4, EB LP, 5),
	DI_("malformed local_pref from ebgp", EBGP4, EB "400500", 5),
	/* ATOMIC_AGGREGATE §7.6 */
	DI_("atomic length 1", IBGP4, IB "40060100", 6),
	DI_("atomic length 4", IBGP4, IB "40060400000000", 6),
	DI_("atomic optional flag", IBGP4, IB "C00600", 6),
	OK_("atomic", IBGP4, "", IB "400600", NLRI),
	/* AGGREGATOR §7.7 */
	DI_("aggregator 6 on 4-octet session", IBGP4, IB "C00706 FDE8 0A000001",
	    7),
	DI_("aggregator 7", IBGP4, IB "C00707 0000FDE8 0A0000", 7),
	DI_("aggregator 9", IBGP4, IB "C00709 0000FDE8 0A00000100", 7),
	DI_("aggregator 8 on 2-octet session", IBGP2, IB
	    "C00708 0000FDE8 0A000001", 7),
	DI_("aggregator length 0", IBGP4, IB "C00700", 7),
	DI_("aggregator well-known flag", IBGP4, IB "400708 0000FDE8 0A000001",
	    7),
	DI_("aggregator non-transitive", IBGP4, IB "800708 0000FDE8 0A000001",
	    7),
	/* AS 0 in AGGREGATOR (RFC 7607 §2, RFC 7606 §7.7): discard */
	DI_("aggregator AS 0", IBGP4, IB "C00708 00000000 0A000001", 7),
	DI_("aggregator AS 0, 2-octet session", IBGP2, IB
	    "C00706 0000 0A000001", 7),
	/* COMMUNITIES §7.8 */
	WD_("communities length 0", IBGP4, IB "C00800", NLRI, 8),
	WD_("communities length 3", IBGP4, IB "C00803 FFFFFF", NLRI, 8),
	WD_("communities length 5", IBGP4, IB "C00805 FFFFFF0100", NLRI, 8),
	WD_("communities well-known flag", IBGP4, IB "400804 FFFFFF01", NLRI,
	    8),
	OK_("communities partial flag", IBGP4, "", IB "E00804 FFFFFF01", NLRI),
	/* ORIGINATOR_ID §7.9 */
	WD_("originator length 3", IBGP4, IB "800903 0A0000", NLRI, 9),
	WD_("originator length 5", IBGP4, IB "800905 0A00000100", NLRI, 9),
	WD_("originator length 0", IBGP4, IB "800900", NLRI, 9),
	WD_("originator transitive flag", IBGP4, IB "C00904 0A000001", NLRI,
	    9),
	DI_("originator from ebgp", EBGP4, EB "800904 0A000001", 9),
	DI_("malformed originator from ebgp", EBGP4, EB "800903 0A0000", 9),
	/* CLUSTER_LIST §7.10 */
	WD_("cluster_list length 0", IBGP4, IB "800A00", NLRI, 10),
	WD_("cluster_list length 3", IBGP4, IB "800A03 0A0000", NLRI, 10),
	WD_("cluster_list length 5", IBGP4, IB "800A05 0A00000100", NLRI, 10),
	WD_("cluster_list well-known flag", IBGP4, IB "400A04 0A000001", NLRI,
	    10),
	DI_("cluster_list from ebgp", EBGP4, EB "800A04 0A000001", 10),
	/* MP_REACH_NLRI §7.11, §5.3 */
	RS_("mp_reach length 2", IBGP4, "", ORIGIN ASP0 LP "800E02 0002", "",
	    9),
	RS_("mp_reach no next hop length", IBGP4, "", ORIGIN ASP0 LP
	    "800E03 000201", "", 9),
	RS_("mp_reach next hop overrun", IBGP4, "", ORIGIN ASP0 LP
	    "800E08 0002 01 10 20010DB8", "", 9),
	RS_("mp_reach no reserved octet", IBGP4, "", ORIGIN ASP0 LP
	    "800E14 0002 01 10 20010DB8000000000000000000000001", "", 9),
	RS_("mp_reach ipv6 next hop 4", IBGP4, "", ORIGIN ASP0 LP
	    "800E0C 0002 01 04 0A000001 00 20 20010DB8", "", 9),
	RS_("mp_reach ipv6 next hop 20", IBGP4, "", ORIGIN ASP0 LP
	    "800E1E 0002 01 14 20010DB8000000000000000000000001 00000000"
	    " 00 20 20010DB8", "", 9),
	RS_("mp_reach ipv6 next hop 0", IBGP4, "", ORIGIN ASP0 LP
	    "800E0A 0002 01 00 00 20 20010DB8", "", 9),
	RS_("mp_reach ipv4 next hop 8", IBGP4, "", ORIGIN ASP0 LP
	    "800E10 0001 01 08 0A0000010A000002 00 18 0A0000", "", 9),
	RS_("mp_reach prefix length 129", IBGP4, "", ORIGIN ASP0 LP
	    "800E16 0002 01 10 20010DB8000000000000000000000001 00 81", "", 9),
	RS_("mp_reach prefix truncated", IBGP4, "", ORIGIN ASP0 LP
	    "800E19 0002 01 10 20010DB8000000000000000000000001 00 40 20010D",
	    "", 9),
	RS_("mp_reach addpath id truncated", ADDP, "", ORIGIN ASP0 LP
	    "800E18 0002 01 10 20010DB8000000000000000000000001 00 000000", "",
	    9),
	RS_("duplicate mp_reach", IBGP4, "", ORIGIN ASP0 LP MPR6 MPR6, "", 1),
	WD_("mp_reach transitive flag", IBGP4, ORIGIN ASP0 LP
	    "C00E26 0002 01 10 20010DB8000000000000000000000001 00"
	    "80 20010DB8000000000000000000000000", "", 14),
	/* MP_UNREACH_NLRI §7.12 */
	RS_("mp_unreach length 2", IBGP4, "", "800F02 0002", "", 9),
	RS_("mp_unreach prefix length 129", IBGP4, "", "800F04 0002 01 81",
	    "", 9),
	RS_("mp_unreach prefix truncated", IBGP4, "", "800F06 0002 01 40 2001",
	    "", 9),
	RS_("duplicate mp_unreach", IBGP4, "", MPU6 MPU6, "", 1),
	RS_("mp_unreach ipv4 length 33", IBGP4, "", "800F08 0001 01 21 0A000000",
	    "", 9),
	WD_("mp_unreach well-known flag", IBGP4, "400F03 000201", "", 15),
	/* EXTENDED_COMMUNITIES §7.14 */
	WD_("ext communities length 0", IBGP4, IB "C01000", NLRI, 16),
	WD_("ext communities length 7", IBGP4, IB "C01007 00020000000000",
	    NLRI, 16),
	WD_("ext communities length 9", IBGP4, IB "C01009 000200000000000000",
	    NLRI, 16),
	WD_("ext communities non-transitive", IBGP4, IB
	    "801008 0002FDE800000001", NLRI, 16),
	/* AS4_PATH / AS4_AGGREGATOR (RFC 6793 §6, §9) */
	DI_("as4_path on 4-octet session", IBGP4, IB "C01106 0201 FA56EA00",
	    17),
	DI_("as4_path segment type 0", IBGP2, IB "C01106 0001 FA56EA00", 17),
	DI_("as4_path segment overrun", IBGP2, IB "C01106 0202 FA56EA00", 17),
	DI_("as4_path count 0", IBGP2, IB "C01102 0200", 17),
	DI_("as4_path length 0", IBGP2, IB "C01100", 17),
	DI_("as4_path 2-octet ASNs", IBGP2, IB "C01104 0201 FDE8", 17),
	DI_("as4_path well-known flag", IBGP2, IB "401106 0201 FA56EA00", 17),
	/* AS 0 in AS4_PATH, AS4_AGGREGATOR (RFC 7607 §2, RFC 6793 §6) */
	DI_("as4_path with AS 0", IBGP2, IB "C0110A 0202 FA56EA00 00000000",
	    17),
	DI_("as4_aggregator AS 0", IBGP2, IB "C01208 00000000 0A000001", 18),
	DI_("as4_aggregator on 4-octet session", IBGP4, IB
	    "C01208 FA56EA00 0A000001", 18),
	DI_("as4_aggregator length 6", IBGP2, IB "C01206 FDE8 0A000001", 18),
	DI_("as4_aggregator length 0", IBGP2, IB "C01200", 18),
	/* AIGP (RFC 7311) */
	DI_("aigp length 0", IBGP4, IB "801A00", 26),
	DI_("aigp TLV length 10", IBGP4, IB "801A0A 01000A 00000000000000",
	    26),
	DI_("aigp TLV overrun", IBGP4, IB "801A0B 01000C 0000000000000001",
	    26),
	DI_("aigp TLV length 2", IBGP4, IB "801A03 010002", 26),
	DI_("aigp TLV header truncated", IBGP4, IB "801A02 0100", 26),
	DI_("aigp without metric TLV", IBGP4, IB "801A04 02000400", 26),
	DI_("aigp transitive flag", IBGP4, IB
	    "C01A0B 01000B 0000000000000001", 26),
	/* LARGE_COMMUNITIES (RFC 8092 §6) */
	WD_("large communities length 0", IBGP4, IB "C02000", NLRI, 32),
	WD_("large communities length 11", IBGP4, IB
	    "C0200B 0000FDE8 00000001 000000", NLRI, 32),
	WD_("large communities length 13", IBGP4, IB
	    "C0200D 0000FDE8 00000001 0000000100", NLRI, 32),
	WD_("large communities non-transitive", IBGP4, IB
	    "80200C 0000FDE8 00000001 00000001", NLRI, 32),
	/* IPv6 extended communities §7.15, OTC (RFC 9234) */
	WD_("ipv6 ext communities length 19", IBGP4, IB
	    "C01913 0002 20010DB8000000000000000000000001 00", NLRI, 25),
	WD_("otc length 3", IBGP4, IB "C02303 00FDE8", NLRI, 35),
	/* MVPN, MUP, SR Policy NLRI (hostile lengths) */
	OK_("mvpn shared join", ALLF, "", ORIGIN ASP0 LP "800E21" MVPN4
	    SJOIN, ""),
	OK_("mvpn inner lengths wrong: kept raw", ALLF, "", ORIGIN ASP0 LP
	    "800E21" MVPN4 "06 16 0000FDE80001869F 0000FDE8 21 0A63C701 20 "
	    "EFFBFFE4", ""),
	OK_("mvpn unknown type: kept raw", ALLF, "", ORIGIN ASP0 LP
	    "800E0D" MVPN4 "09 02 AABB", ""),
	RS_("mvpn length past the data", ALLF, "", ORIGIN ASP0 LP "800E11"
	    MVPN4 "06 16 0000FDE80001869F", "", 9),
	RS_("mvpn type alone", ALLF, "", ORIGIN ASP0 LP "800E0A" MVPN4 "06",
	    "", 9),
	OK_("mup t2st", ALLF, "", ORIGIN ASP0 LP "800E1E" MUP4
	    "010004110000006400000064400A00000100003039", ""),
	OK_("mup t2st endpoint 200 bits: kept raw", ALLF, "", ORIGIN ASP0 LP
	    "800E1E" MUP4 "010004110000006400000064C80A00000100003039", ""),
	RS_("mup header truncated", ALLF, "", ORIGIN ASP0 LP "800E0C" MUP4
	    "010004", "", 9),
	RS_("mup length past the data", ALLF, "", ORIGIN ASP0 LP "800E0E"
	    MUP4 "01000411 00000064", "", 9),
	OK_("sr policy", ALLF, "", ORIGIN ASP0 LP "800E16" SRP4
	    "60 00000000 00000064 0A000001", ""),
	RS_("sr policy truncated", ALLF, "", ORIGIN ASP0 LP "800E12" SRP4
	    "60 00000000 00000064", "", 9),
	/* Prefix-SID SRv6 services (RFC 9252), Tunnel Encapsulation
	 * (RFC 9012): inner lengths, discarded when they overrun */
	OK_("prefix-sid l3 service", IBGP4, "", IB "C02825" L3SVC("001E",
	    "0006"), NLRI),
	DI_("prefix-sid sid information overruns", IBGP4, IB "C02825"
	    L3SVC("001F", "0006"), 40),
	DI_("prefix-sid sid information short", IBGP4, IB "C02810 05 000D 00"
	    "01 0009 00 20010DB800010001", 40),
	DI_("prefix-sid structure overruns", IBGP4, IB "C02825"
	    L3SVC("001E", "0007"), 40),
	DI_("prefix-sid structure not 6", IBGP4, IB "C02824 05 0021 00 01 "
	    "001D 00 20010DB8000100010000000000000000 00 0048 00 01 0005 "
	    "4018100000", 40),
	OK_("tunnel encap sr policy", IBGP4, "", IB "C01728 000F0024"
	    "0C06 0000 00000064 0D06100005DC0100 800011 00 090600000000"
	    "0001 0106000003E81100", NLRI),
	DI_("tunnel encap tunnel overruns", IBGP4, IB "C01708 000F0005 0C02"
	    "0000", 23),
	DI_("tunnel encap sub-tlv overruns", IBGP4, IB "C01708 000F0004 0C07"
	    "0000", 23),
	DI_("tunnel encap long sub-tlv overruns", IBGP4, IB "C01708 000F0004"
	    " 800009 00", 23),
	DI_("tunnel encap segment overruns", IBGP4, IB "C0170E 000F000A"
	    " 800007 00 0906 00000000", 23),
	DI_("tunnel encap segment list empty", IBGP4, IB "C01707 000F0003"
	    " 800000", 23),
	/* BGP-LS (RFC 9552 §8.2.2): an NLRI whose TLVs do not add up is
	 * ignored, a malformed attribute discarded */
	OK_("bgp-ls node", ALLF, "", ORIGIN ASP0 LP "800E2A 4004 47 04 "
	    "C0A8FF1D 00 0001 001D 03 0000000000000000 0100 0010 0200 0004 "
	    "0000FDE9 0203 0004 0A010101", ""),
	OK_("bgp-ls node, descriptor overruns: ignored", ALLF, "", ORIGIN ASP0
	    LP "800E2A 4004 47 04 C0A8FF1D 00 0001 001D 03 0000000000000000 "
	    "0100 0010 0200 0004 0000FDE9 0203 0005 0A010101", ""),
	RS_("bgp-ls nlri length past the data", ALLF, "", ORIGIN ASP0 LP
	    "800E0E 4004 47 04 C0A8FF1D 00 0001 001D 03", "", 9),
	OK_("bgp-ls attribute", IBGP4, "", IB "801D07 0447 0003 000001", NLRI),
	DI_("bgp-ls attribute tlv overruns", IBGP4, IB "801D07 0447 0004 "
	    "000001", 29),
	DI_("bgp-ls attribute tlv header cut", IBGP4, IB "801D09 0447 0003 "
	    "000001 0447", 29),
	/* unknown attributes (RFC 4271 §5, §6.3) */
	RS_("unknown well-known", IBGP4, "", IB "406300", NLRI, 2),
	RS_("unknown well-known code 0", IBGP4, "", IB "000000", NLRI, 2),
	/* duplicates §3(g): all but the first discarded */
	DI_("duplicate origin", IBGP4, IB "40010101", 1),
	DI_("duplicate communities", IBGP4, IB "C00804 FFFFFF01 C00804 FFFFFF02",
	    8),
	DI_("duplicate unknown transitive", IBGP4, IB "C06301AA C06301BB", 99),
	/* the strongest verdict wins */
	WD_("withdraw beats discard", IBGP4, "40010103" ASP0 NH LP "40060100",
	    NLRI, 1),
	WD_("discard then withdraw", IBGP4, ORIGIN ASP0 NH LP "40060100"
	    "C00803 FFFFFF", NLRI, 8),
	RS_("reset beats withdraw", IBGP4, "", "40010103" ASP0 NH LP "406300",
	    NLRI, 2),
	RS_("reset after withdraw, mp", IBGP4, "", "40010103" ASP0 LP
	    "800E02 0002", "", 9),
	/* errors in UPDATEs without NLRI (RFC 7606 §5.2): treat-as-withdraw */
	WD_("bad origin, no nlri", IBGP4, "40010103", "", 1),
	{ "discard, no nlri", IBGP4, "", "40060100", "", NULL, UPD_ATTR_DISCARD,
	    0, 6 },
};

static void
build_body(const struct dec_vec *v, uint8_t *body, size_t cap, size_t *len)
{
	uint8_t w[4096], a[4096], n[4096];
	size_t wl, al, nl;
	struct wbuf b;

	if (v->raw != NULL) {
		*len = hex2bin(v->raw, body, cap);
		return;
	}
	wl = hex2bin(v->wd, w, sizeof(w));
	al = hex2bin(v->attrs, a, sizeof(a));
	nl = hex2bin(v->nlri, n, sizeof(n));
	wbuf_init(&b, body, cap);
	wbuf_put_u16(&b, (uint16_t)wl);
	wbuf_put_bytes(&b, w, wl);
	wbuf_put_u16(&b, (uint16_t)al);
	wbuf_put_bytes(&b, a, al);
	wbuf_put_bytes(&b, n, nl);
	ck_assert(!b.err);
	*len = b.len;
}

START_TEST(test_decode_vectors)
{
	const struct dec_vec *v = &dec_vecs[_i];
	uint8_t body[8192];
	struct update_msg m;
	size_t len;
	enum update_verdict got;

	build_body(v, body, sizeof(body), &len);
	update_msg_init(&m);
	got = update_decode(body, len, &ctxs[v->ctx], &m);
	ck_assert_msg(got == v->verdict, "%s: verdict %d want %d (%s, attr %u)",
	    v->name, got, v->verdict, m.reason ? m.reason : "-",
	    m.reason_attr);
	ck_assert_int_eq(m.verdict, got);
	if (got == UPD_SESSION_RESET) {
		ck_assert_msg(m.err.code == BGP_ERR_UPDATE &&
		    m.err.subcode == v->subcode, "%s: %u/%u", v->name,
		    m.err.code, m.err.subcode);
	}
	if (got != UPD_OK)
		ck_assert_ptr_nonnull(m.reason);
	if (v->attr != 0)
		ck_assert_msg(m.reason_attr == v->attr, "%s: attr %u", v->name,
		    m.reason_attr);
	if (got == UPD_ATTR_DISCARD) {
		ck_assert_uint_ge(m.ndiscarded, 1);
		if (v->attr != 0)
			ck_assert_uint_eq(m.discarded[0], v->attr);
	}
	update_msg_free(&m);
}
END_TEST

/* Truncating a valid message anywhere never crashes and never says OK
 * unless the cut lands on a prefix boundary of the NLRI. */
START_TEST(test_decode_truncations)
{
	static const char *kit = "0000002D4001010040020A02020000E1DD00001B1B"
	    "400304C0A801FE40050400000064400600C00708000046E0DB76E1BD12010040";
	uint8_t body[256];
	size_t len = hex2bin(kit, body, sizeof(body));
	struct update_msg m;

	update_msg_init(&m);
	for (size_t l = 0; l < len; l++) {
		enum update_verdict v = update_decode(body, l, &ctxs[IBGP4], &m);

		/* 49 = attributes complete, NLRI empty */
		if (l == 49)
			ck_assert_int_eq(v, UPD_OK);
		else
			ck_assert_msg(v == UPD_SESSION_RESET, "cut %zu: %d", l,
			    v);
	}
	ck_assert_int_eq(update_decode(body, len, &ctxs[IBGP4], &m), UPD_OK);
	update_msg_free(&m);
}
END_TEST

static enum update_verdict
decode_hex(const char *hex, enum ctx_id c, struct update_msg *m,
    uint8_t *body, size_t cap)
{
	size_t len = hex2bin(hex, body, cap);

	return update_decode(body, len, &ctxs[c], m);
}

START_TEST(test_decode_values)
{
	uint8_t body[512];
	struct update_msg m;
	struct prefix p;
	struct rbuf r;
	uint32_t id;
	char buf[PREFIX_STRLEN];
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0;

	update_msg_init(&m);
	ck_assert_int_eq(decode_hex("0000002D4001010040020A02020000E1DD00001B1B"
	    "400304C0A801FE40050400000064400600C00708000046E0DB76E1BD12010040",
	    IBGP4, &m, body, sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.attrs.origin, 0);
	ck_assert_uint_eq(attrs_aspath_length(&m.attrs), 2);
	ck_assert_int_eq(attrs_aspath_next(m.attrs.aspath, m.attrs.aspath_len,
	    &off, &type, &asns, &count), 0);
	ck_assert_uint_eq(type, BGP_ASPATH_SEQUENCE);
	ck_assert_uint_eq(count, 2);
	ck_assert_uint_eq(be32_get(asns), 57821);
	ck_assert_uint_eq(addr_to_u32(&m.attrs.nexthop), 0xC0A801FE);
	ck_assert_uint_eq(m.attrs.local_pref, 100);
	ck_assert(m.attrs.has & ATTR_HAS_ATOMIC_AGGR);
	ck_assert_uint_eq(m.attrs.aggregator_as, 18144);
	ck_assert_uint_eq(m.attrs.aggregator_id, 0xDB76E1BD);
	r = m.nlri;
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV4, false, &p, NULL), 0);
	ck_assert_str_eq(prefix_fmt(&p, buf), "1.0.64.0/18");
	ck_assert_uint_eq(rbuf_left(&r), 0);
	ck_assert(!m.has_mp_reach && !m.has_mp_unreach);
	ck_assert_uint_eq(m.nattrs, 6);

	/* the builder is reused: nothing of the previous message stays */
	ck_assert_int_eq(decode_hex("0000 001C" IB "C00804FFFFFF01" NLRI,
	    IBGP4, &m, body, sizeof(body)), UPD_OK);
	ck_assert(!(m.attrs.has & ATTR_HAS_AGGREGATOR));
	ck_assert_uint_eq(m.attrs.ncomms, 1);
	ck_assert_uint_eq(m.attrs.comms[0], BGP_COMM_NO_EXPORT);
	ck_assert_uint_eq(m.attrs.aspath_len, 0);
	ck_assert(m.attrs.has & ATTR_HAS_AS_PATH);

	/* 2-octet speaker: AS_PATH widened, AS4_PATH kept as received */
	ck_assert_int_eq(decode_hex("0000 0028" ORIGIN "400206 0202 FDE9 5BA0"
	    NH LP "C0110A 0202 0000FDE9 FA56EA00" NLRI, IBGP2, &m, body,
	    sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.attrs.aspath_len, 10);
	off = 0;
	ck_assert_int_eq(attrs_aspath_next(m.attrs.aspath, m.attrs.aspath_len,
	    &off, &type, &asns, &count), 0);
	ck_assert_uint_eq(be32_get(asns), 65001);
	ck_assert_uint_eq(be32_get(asns + 4), BGP_AS_TRANS);
	ck_assert(m.attrs.has & ATTR_HAS_AS4_PATH);
	ck_assert_uint_eq(m.attrs.as4path_len, 10);

	/* unknown optional transitive: kept, Partial set */
	ck_assert_int_eq(decode_hex("0000 001A" IB "C06302ABCD" NLRI, IBGP4,
	    &m, body, sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.attrs.nraws, 1);
	ck_assert_uint_eq(m.attrs.raws[0].code, 0x63);
	ck_assert_uint_eq(m.attrs.raws[0].flags, 0xE0);
	ck_assert_uint_eq(m.attrs.raws[0].len, 2);
	/* unknown optional non-transitive: dropped */
	ck_assert_int_eq(decode_hex("0000 001A" IB "806302ABCD" NLRI, IBGP4,
	    &m, body, sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.attrs.nraws, 0);

	/* ADD-PATH path identifiers */
	ck_assert_int_eq(decode_hex("0000 0015" IB "00000009 180A0000", ADDP,
	    &m, body, sizeof(body)), UPD_OK);
	r = m.nlri;
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV4, true, &p, &id), 0);
	ck_assert_uint_eq(id, 9);
	update_msg_free(&m);
}
END_TEST

START_TEST(test_decode_mp)
{
	uint8_t body[512];
	struct update_msg m;
	struct prefix p;
	struct rbuf r;
	char buf[PREFIX_STRLEN];

	update_msg_init(&m);
	/* kit conf-ipself6 */
	ck_assert_int_eq(decode_hex("000000374001010040020040050400000064800E2600"
	    "0201100000000000000000000000000000000100802A046D800000000000"
	    "00000000000001", IBGP4, &m, body,
	    sizeof(body)), UPD_OK);
	ck_assert(m.has_mp_reach);
	ck_assert_int_eq(m.mp_reach_fam, FAM_IPV6_UNICAST);
	ck_assert_uint_eq(m.mp_nexthop.afi, BGP_AFI_IPV6);
	ck_assert_uint_eq(m.mp_nexthop.b[15], 1);
	ck_assert_uint_eq(m.mp_nexthop_ll.afi, 0);
	ck_assert(addr_equal(&m.attrs.nexthop, &m.mp_nexthop));
	r = m.mp_reach_nlri;
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV6, false, &p, NULL), 0);
	ck_assert_str_eq(prefix_fmt(&p, buf), "2a04:6d80::1/128");

	/* link-local next hop */
	ck_assert_int_eq(decode_hex("0000 003F" ORIGIN ASP0 LP
	    "800E2E 0002 01 20 20010DB8000000000000000000000001"
	    " FE800000000000000000000000000001 00 40 20010DB800000000",
	    IBGP4, &m, body, sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.mp_nexthop_ll.afi, BGP_AFI_IPV6);
	ck_assert_uint_eq(m.mp_nexthop_ll.b[0], 0xFE);
	ck_assert_uint_eq(m.attrs.nexthop_ll.afi, BGP_AFI_IPV6);

	/* classic NEXT_HOP and MP_REACH: attrs.nexthop is NEXT_HOP's */
	ck_assert_int_eq(decode_hex("0000 003E" MPR6 ORIGIN ASP0 NH LP NLRI,
	    IBGP4, &m, body, sizeof(body)), UPD_OK);
	ck_assert_uint_eq(m.attrs.nexthop.afi, BGP_AFI_IPV4);
	ck_assert_uint_eq(m.mp_nexthop.afi, BGP_AFI_IPV6);

	/* not negotiated: ignored, views empty */
	ck_assert_int_eq(decode_hex("0000 0037" ORIGIN ASP0 LP MPR6, NOV6, &m,
	    body, sizeof(body)), UPD_OK);
	ck_assert(m.has_mp_reach);
	ck_assert_int_eq(m.mp_reach_fam, -1);
	ck_assert_uint_eq(m.mp_reach_afi, 2);
	ck_assert_uint_eq(rbuf_left(&m.mp_reach_nlri), 0);

	/* MP_UNREACH */
	ck_assert_int_eq(decode_hex("0000 0017" MPU6, IBGP4, &m, body,
	    sizeof(body)), UPD_OK);
	ck_assert_int_eq(m.mp_unreach_fam, FAM_IPV6_UNICAST);
	ck_assert_uint_eq(rbuf_left(&m.mp_unreach_nlri), 17);
	update_msg_free(&m);
}
END_TEST

/*
 * RFC 4271 §6.3: the data of 3/2 and 3/9 is the whole erroneous attribute
 * (type, length and value), however long, not its first 64 octets.
 */
START_TEST(test_reset_data_whole_attribute)
{
	uint8_t body[8192], attr[4096];
	struct update_msg m;
	struct wbuf w;
	size_t alen;

	update_msg_init(&m);
	/* an unknown well-known attribute of 200 octets */
	wbuf_init(&w, attr, sizeof(attr));
	wbuf_put_u8(&w, BGP_ATTR_F_TRANSITIVE);
	wbuf_put_u8(&w, 0x63);
	wbuf_put_u8(&w, 200);
	for (int i = 0; i < 200; i++)
		wbuf_put_u8(&w, (uint8_t)i);
	alen = w.len;
	wbuf_init(&w, body, sizeof(body));
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, (uint16_t)alen);
	wbuf_put_bytes(&w, attr, alen);
	ck_assert(!w.err);
	ck_assert_int_eq(update_decode(body, w.len, &ctxs[IBGP4], &m),
	    UPD_SESSION_RESET);
	ck_assert_uint_eq(m.err.subcode, BGP_ERR_UPD_UNKNOWN_WELLKNOWN);
	ck_assert_uint_eq(m.err.datalen, alen);
	ck_assert(memcmp(bgp_err_data(&m.err), attr, alen) == 0);

	/* an MP_REACH_NLRI of 3,000 octets whose last prefix is bad */
	wbuf_init(&w, attr, sizeof(attr));
	wbuf_put_u8(&w, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_EXTLEN);
	wbuf_put_u8(&w, BGP_ATTR_MP_REACH_NLRI);
	wbuf_put_u16(&w, 3000);
	wbuf_put_u16(&w, 2);
	wbuf_put_u8(&w, 1);
	wbuf_put_u8(&w, 16);
	wbuf_put_zero(&w, 16);
	wbuf_put_u8(&w, 0);
	/* 3000 - 21 = 2979 octets of NLRI: 330 x /64 (9), then a /129 */
	for (int i = 0; i < 330; i++) {
		wbuf_put_u8(&w, 64);
		wbuf_put_u64(&w, 0x20010db800000000ull + (uint64_t)i);
	}
	wbuf_put_u8(&w, 129);
	wbuf_put_zero(&w, 8);
	alen = w.len;
	ck_assert_uint_eq(alen, 3004);
	wbuf_init(&w, body, sizeof(body));
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, (uint16_t)alen);
	wbuf_put_bytes(&w, attr, alen);
	ck_assert(!w.err);
	ck_assert_int_eq(update_decode(body, w.len, &ctxs[IBGP4], &m),
	    UPD_SESSION_RESET);
	ck_assert_uint_eq(m.err.subcode, BGP_ERR_UPD_OPTIONAL_ATTR);
	ck_assert_uint_eq(m.err.datalen, alen);
	ck_assert(memcmp(bgp_err_data(&m.err), attr, alen) == 0);

	/* framing: 3/1 carries no data */
	ck_assert_int_eq(decode_hex("0000 0004 40010400", IBGP4, &m, body,
	    sizeof(body)), UPD_SESSION_RESET);
	ck_assert_uint_eq(m.err.subcode, BGP_ERR_UPD_ATTR_LIST);
	ck_assert_uint_eq(m.err.datalen, 0);
	update_msg_free(&m);
}
END_TEST

/* RFC 7607 §2: a discarded AGGREGATOR with AS 0 leaves nothing behind. */
START_TEST(test_as0_discarded)
{
	uint8_t body[256];
	struct update_msg m;

	update_msg_init(&m);
	ck_assert_int_eq(decode_hex("0000 0020" IB "C00708 00000000 0A000001"
	    NLRI, IBGP4, &m, body, sizeof(body)), UPD_ATTR_DISCARD);
	ck_assert(!(m.attrs.has & ATTR_HAS_AGGREGATOR));
	ck_assert_uint_eq(rbuf_left(&m.nlri), 4);
	ck_assert_int_eq(decode_hex("0000 0020" IB "C01208 00000000 0A000001"
	    NLRI, IBGP2, &m, body, sizeof(body)), UPD_ATTR_DISCARD);
	ck_assert(!(m.attrs.has & ATTR_HAS_AS4_AGGREGATOR));
	ck_assert_int_eq(decode_hex("0000 0022" IB
	    "C0110A 0202 FA56EA00 00000000" NLRI, IBGP2, &m, body,
	    sizeof(body)), UPD_ATTR_DISCARD);
	ck_assert(!(m.attrs.has & ATTR_HAS_AS4_PATH));
	update_msg_free(&m);
}
END_TEST

struct eor_vec {
	const char	*name;
	const char	*body;
	enum ctx_id	 ctx;
	bool		 eor;
	int		 fam;
};

static const struct eor_vec eor_vecs[] = {
	{ "ipv4", "00000000", IBGP4, true, FAM_IPV4_UNICAST },
	{ "ipv6", "0000 0006 800F03 000201", IBGP4, true, FAM_IPV6_UNICAST },
	{ "ipv6 extended length", "0000 0007 900F0003 000201", IBGP4, true,
	    FAM_IPV6_UNICAST },
	{ "ipv6 not negotiated", "0000 0006 800F03 000201", NOV6, true,
	    FAM_IPV6_UNICAST },
	{ "nlri-mpls", "0000 0007 900F0003 000104", IBGP4, true,
	    FAM_IPV4_NLRI_MPLS },
	{ "unknown family", "0000 0006 800F03 00FF01", IBGP4, true, -1 },
	{ "withdraw is not eor", "0004 180A0000 0000", IBGP4, false, 0 },
	{ "mp_unreach with a prefix", "0000 0017" MPU6, IBGP4, false, 0 },
	{ "mp_unreach not negotiated, with a prefix", "0000 0017" MPU6, NOV6,
	    false, 0 },
	{ "mp_unreach plus another attribute", "0000 000A 800F03 000201"
	    " 40010100", IBGP4, false, 0 },
	{ "attributes only", "0000 0004 40010100", IBGP4, false, 0 },
	{ "nlri only (withdraw verdict)", "0000 0000 180A0000", IBGP4, false,
	    0 },
	{ "malformed", "0001", IBGP4, false, 0 },
	{ "attribute framing error, nothing else", "0000 0001 40", IBGP4,
	    false, 0 },
	{ "attribute framing error after mp_unreach", "0000 0007 800F03"
	    " 000201 40", IBGP4, false, 0 },
	{ "bad mp_unreach flags", "0000 0006 400F03 000201", IBGP4, false, 0 },
};

START_TEST(test_eor)
{
	const struct eor_vec *v = &eor_vecs[_i];
	uint8_t body[128];
	struct update_msg m;
	int fam = 99;

	update_msg_init(&m);
	(void)decode_hex(v->body, v->ctx, &m, body, sizeof(body));
	ck_assert_msg(update_is_eor(&m, &fam) == v->eor, "%s", v->name);
	if (v->eor)
		ck_assert_int_eq(fam, v->fam);
	update_msg_free(&m);
}
END_TEST

/* ---- encoding ---- */

static void
ck_hex(const uint8_t *p, size_t len, const char *want, const char *name)
{
	char got[2 * 8192 + 1], norm[2 * 8192 + 1];

	bin2hex(p, len, got);
	ck_assert_msg(strcmp(got, hexnorm(want, norm)) == 0,
	    "%s:\n got  %s\n want %s", name, got, norm);
}

static void
put_prefix(struct wbuf *w, const char *s, bool addpath, uint32_t id)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p), 0);
	ck_assert_int_eq(prefix_nlri_put(w, &p, addpath, id), 0);
}

static void
set_addr(struct bgp_addr *a, const char *s)
{
	ck_assert_int_eq(addr_parse(s, a), 0);
}

/*
 * Build a whole UPDATE for one prefix of fam, check its bytes, and check
 * that our decoder accepts it with the same attributes.
 */
static void
enc_check(const char *name, const struct attrs *a,
    const struct attr_encode_ctx *ectx, enum family_id fam,
    const char *prefix, bool addpath, uint32_t id, const char *want)
{
	uint8_t abuf[8192], nbuf[256], msg[8192];
	struct wbuf aw, nw, mw;
	struct update_ctx dctx = { .asn4 = ectx->asn4, .ebgp = !ectx->ibgp,
		.families = V4 | V6, .addpath_rx = addpath ? V4 | V6 : 0 };
	struct update_msg m;
	enum update_verdict v;

	wbuf_init(&nw, nbuf, sizeof(nbuf));
	put_prefix(&nw, prefix, addpath, id);
	wbuf_init(&aw, abuf, sizeof(abuf));
	wbuf_init(&mw, msg, sizeof(msg));
	if (fam == FAM_IPV4_UNICAST) {
		ck_assert_int_eq(attrs_encode(&aw, a, ectx, fam, NULL, 0), 0);
		ck_assert_int_eq(update_encode_v4(&mw, NULL, 0, abuf, aw.len,
		    nbuf, nw.len), 0);
	} else {
		ck_assert_int_eq(attrs_encode(&aw, a, ectx, fam, nbuf, nw.len),
		    0);
		ck_assert_int_eq(update_encode_v4(&mw, NULL, 0, abuf, aw.len,
		    NULL, 0), 0);
	}
	ck_hex(msg, mw.len, want, name);
	/* every UPDATE we build re-parses under our decoder */
	update_msg_init(&m);
	v = update_decode(msg + 19, mw.len - 19, &dctx, &m);
	ck_assert_msg(v == UPD_OK, "%s: re-parse verdict %d (%s)", name, v,
	    m.reason ? m.reason : "");
	update_msg_free(&m);
}

static const struct attr_encode_ctx ibgp4 = { .ibgp = true, .asn4 = true,
	.local_as = 65533 };
/* the same with RFC 8950 negotiated for IPv4 unicast */
static const struct attr_encode_ctx ibgp4_extnh = { .ibgp = true,
	.asn4 = true, .local_as = 65533,
	.ext_nexthop = FAMSET(FAM_IPV4_UNICAST) };

START_TEST(test_encode_kit_aggregator)
{
	struct attrs a;
	uint32_t path[] = { 57821, 6939 };

	attrs_init(&a);
	a.has |= ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_LOCAL_PREF |
	    ATTR_HAS_ATOMIC_AGGR | ATTR_HAS_AGGREGATOR;
	a.origin = BGP_ORIGIN_IGP;
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, path, 2);
	set_addr(&a.nexthop, "192.168.1.254");
	a.local_pref = 100;
	a.aggregator_as = 18144;
	a.aggregator_id = 0xDB76E1BD;
	enc_check("conf-aggregator", &a, &ibgp4, FAM_IPV4_UNICAST,
	    "1.0.64.0/18", false, 0, FFx16 "004802 0000002D 40010100"
	    " 40020A02020000E1DD00001B1B 400304C0A801FE 40050400000064 400600"
	    " C00708000046E0DB76E1BD 12010040");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_kit_large)
{
	struct attrs a;

	attrs_init(&a);
	set_addr(&a.nexthop, "192.0.2.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	attrs_add_large_community(&a, 2914, 0, 666);
	attrs_add_large_community(&a, 2914, 3320, 123);
	/* no origin, no as-path, no local-pref: igp, empty, 100 */
	enc_check("conf-largecommunity", &a, &ibgp4, FAM_IPV4_UNICAST,
	    "8.8.8.10/32", false, 0, FFx16 "004C02 00000030 40010100 400200"
	    " 400304C0000201 40050400000064 C0201800000B62000000000000029A"
	    "00000B6200000CF80000007B 200808080A");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_kit_med_extcomm)
{
	struct attrs a;

	attrs_init(&a);
	set_addr(&a.nexthop, "101.1.101.1");
	a.has |= ATTR_HAS_NEXT_HOP | ATTR_HAS_MED;
	a.med = 200;
	enc_check("api-announcement med", &a, &ibgp4, FAM_IPV4_UNICAST,
	    "1.4.0.0/16", false, 0, FFx16 "0036 02 0000001C 40010100 400200"
	    " 40030465016501 800404000000C8 40050400000064 100104");
	attrs_free(&a);

	attrs_init(&a);
	set_addr(&a.nexthop, "15.15.15.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	attrs_add_ext_community(&a, 0x00030064000003E8ull);
	enc_check("conf-extended-attributes", &a, &ibgp4, FAM_IPV4_UNICAST,
	    "10.0.0.1/32", false, 0, FFx16 "003C02 00000020 40010100 400200"
	    " 4003040F0F0F01 40050400000064 C0100800030064000003E8"
	    " 200A000001");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_kit_aspath4)
{
	struct attrs a;
	uint32_t path[] = { 1, 2, 3, 4 };

	attrs_init(&a);
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, path, 4);
	set_addr(&a.nexthop, "202.2.202.2");
	a.has |= ATTR_HAS_NEXT_HOP | ATTR_HAS_LOCAL_PREF;
	a.local_pref = 200;
	enc_check("api-attributes", &a, &ibgp4, FAM_IPV4_UNICAST,
	    "2.0.0.1/32", false, 0, FFx16 "0043 02 00000027 40010100"
	    " 400212020400000001000000020000000300000004 400304CA02CA02"
	    " 400504000000C8 2002000001");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_kit_addpath)
{
	struct attrs a;

	attrs_init(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	attrs_add_ext_community(&a, 0x0002004800000001ull);
	enc_check("conf-addpath", &a, &ibgp4, FAM_IPV4_UNICAST, "193.0.2.1/32",
	    true, 0x01020304, FFx16 "0040 02 00000020 40010100 400200"
	    " 4003040A000001 40050400000064 C0100800020048000000010102030420"
	    "C1000201");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_kit_ipv6)
{
	struct attrs a;

	attrs_init(&a);
	set_addr(&a.nexthop, "::1");
	a.has |= ATTR_HAS_NEXT_HOP;
	enc_check("conf-ipself6", &a, &ibgp4, FAM_IPV6_UNICAST,
	    "2a04:6d80::1/128", false, 0, FFx16 "004E02 00000037 40010100"
	    " 400200 40050400000064 800E26000201100000000000000000000000000000"
	    "000100802A046D80000000000000000000000001");
	attrs_free(&a);

	/* conf-new-v6: communities (code 8) before MP_REACH (14) */
	attrs_init(&a);
	set_addr(&a.nexthop, "2a02:b80:0:2::1");
	a.has |= ATTR_HAS_NEXT_HOP | ATTR_HAS_LOCAL_PREF;
	a.local_pref = 200;
	attrs_add_community(&a, 0x78140000);
	attrs_add_community(&a, 0x78147814);
	enc_check("conf-new-v6", &a, &ibgp4, FAM_IPV6_UNICAST,
	    "2a02:b80:0:1::2/128", false, 0, FFx16 "0059020000004240010100400200"
	    "400504000000C8C008087814000078147814800E26000201102A020B80000000"
	    "02000000000000000100802A020B80000000010000000000000002");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_nexthop_self)
{
	struct attrs a;
	struct attr_encode_ctx c = ibgp4;

	set_addr(&c.local_v4, "127.0.0.1");
	set_addr(&c.local_v6, "2001:db8::2");
	attrs_init(&a);
	a.nexthop_self = true;
	enc_check("api-nexthop-self", &a, &c, FAM_IPV4_UNICAST, "1.1.0.0/16",
	    false, 0, FFx16 "002F 02 00000015 40010100 400200 4003047F000001"
	    " 40050400000064 100101");
	enc_check("next-hop self v6", &a, &c, FAM_IPV6_UNICAST, "2001:db8::/32",
	    false, 0, FFx16 "0042 02 0000002B 40010100 400200 40050400000064"
	    " 800E1A 0002 01 10 20010DB8000000000000000000000002 00"
	    " 20 20010DB8");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_ebgp)
{
	struct attrs a;
	struct attr_encode_ctx c = { .ibgp = false, .asn4 = true,
		.local_as = 65000 };
	uint32_t path[] = { 65000, 65001 };

	attrs_init(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP | ATTR_HAS_LOCAL_PREF;
	a.local_pref = 300;	/* never sent over eBGP */
	enc_check("ebgp default path", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "002F 02 00000014 40010100 400206 02010000FDE8"
	    " 4003040A000001 180A0000");
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, path, 2);
	enc_check("ebgp configured path", &a, &c, FAM_IPV4_UNICAST,
	    "10.0.0.0/24", false, 0, FFx16 "0033 02 00000018 40010100"
	    " 40020A 02020000FDE80000FDE9 4003040A000001 180A0000");
	attrs_free(&a);
}
END_TEST

/* RFC 6793 §4.2.2: 2-octet session, AS_TRANS and AS4_* only if needed. */
START_TEST(test_encode_as2)
{
	struct attrs a;
	struct attr_encode_ctx c = { .ibgp = false, .asn4 = false,
		.local_as = 65000 };
	uint32_t path[] = { 65000, 4200000000u };
	uint32_t small[] = { 65000 };

	attrs_init(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	enc_check("as2 default path", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "002D 02 00000012 40010100 400204 0201FDE8"
	    " 4003040A000001 180A0000");
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, path, 2);
	a.has |= ATTR_HAS_AGGREGATOR;
	a.aggregator_as = 4200000000u;
	a.aggregator_id = 0x0A000001;
	enc_check("as2 wide path", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "0050 02 00000035 40010100 400206 0202FDE85BA0"
	    " 4003040A000001 C00706 5BA00A000001 C0110A 02020000FDE8FA56EA00"
	    " C01208 FA56EA000A000001 180A0000");
	attrs_reset(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP | ATTR_HAS_AGGREGATOR;
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, small, 1);
	a.aggregator_as = 65001;
	a.aggregator_id = 0x0A000001;
	enc_check("as2 narrow path", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "0036 02 0000001B 40010100 400204 0201FDE8"
	    " 4003040A000001 C00706 FDE90A000001 180A0000");
	/* local AS needing 4 octets: AS_TRANS + AS4_PATH */
	attrs_reset(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	c.local_as = 4200000000u;
	enc_check("as2 wide local as", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "0036 02 0000001B 40010100 400204 02015BA0"
	    " 4003040A000001 C01106 0201FA56EA00 180A0000");
	/* confederation segments stay out of AS4_PATH */
	attrs_reset(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	attrs_aspath_append(&a, BGP_ASPATH_CONFED_SEQUENCE, small, 1);
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, path + 1, 1);
	enc_check("as2 confed", &a, &c, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "003A 02 0000001F 40010100 400208 0301FDE8 02015BA0"
	    " 4003040A000001 C01106 0201FA56EA00 180A0000");
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_all_attributes)
{
	struct attrs a;
	uint8_t raw[2] = { 0xAB, 0xCD };

	attrs_init(&a);
	a.has |= ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED |
	    ATTR_HAS_ORIGINATOR_ID | ATTR_HAS_AIGP;
	a.origin = BGP_ORIGIN_INCOMPLETE;
	set_addr(&a.nexthop, "10.0.0.1");
	a.med = 5;
	a.originator_id = 0x0A000002;
	attrs_add_cluster(&a, 0x0A000003);
	attrs_add_community(&a, BGP_COMM_NO_EXPORT);
	a.aigp = 100;
	attrs_set_raw(&a, 0xC0, 0x63, raw, 2);
	attrs_set_raw(&a, 0xC0, 0x0B, raw, 1);
	enc_check("all attributes", &a, &ibgp4, FAM_IPV4_UNICAST, "10.0.0.0/24",
	    false, 0, FFx16 "0063 02 00000048 40010102 400200 4003040A000001"
	    " 80040400000005 40050400000064 C00804FFFFFF01 8009040A000002"
	    " 800A040A000003 C00B01AB 801A0B01000B0000000000000064"
	    " C06302ABCD 180A0000");
	attrs_free(&a);
}
END_TEST

/* A raw attribute with a known code replaces the structured one. */
START_TEST(test_encode_raw_known_code)
{
	struct attrs a;
	uint8_t comm[4] = { 0xFF, 0xFF, 0xFF, 0x02 };
	uint8_t buf[512];
	struct wbuf w;

	attrs_init(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	attrs_add_community(&a, BGP_COMM_NO_EXPORT);
	attrs_set_raw(&a, 0xC0, BGP_ATTR_COMMUNITIES, comm, 4);
	/* configured with the extended-length bit: kept */
	attrs_set_raw(&a, 0xD0, 0x64, comm, 1);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV4_UNICAST, NULL,
	    0), 0);
	ck_hex(buf, w.len, "40010100 400200 4003040A000001 40050400000064"
	    " C00804FFFFFF02 D0640001FF", "raw known code");
	attrs_free(&a);
}
END_TEST

/* More than 255 octets: extended length, 2-octet length field. */
START_TEST(test_encode_extended_length)
{
	struct attrs a;
	uint8_t buf[2048];
	struct wbuf w;
	struct update_msg m;
	uint8_t msg[2048];
	struct wbuf mw;
	uint8_t big[300];

	attrs_init(&a);
	set_addr(&a.nexthop, "10.0.0.1");
	a.has |= ATTR_HAS_NEXT_HOP;
	for (uint32_t i = 0; i < 70; i++)
		attrs_add_community(&a, 0x00010000u + i);
	memset(big, 0x5A, sizeof(big));
	attrs_set_raw(&a, 0xC0, 0x63, big, sizeof(big));
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV4_UNICAST, NULL,
	    0), 0);
	/* ORIGIN 4, AS_PATH 3, NEXT_HOP 7, LOCAL_PREF 7, then COMMUNITIES */
	ck_assert_uint_eq(buf[21], 0xD0);
	ck_assert_uint_eq(buf[22], 8);
	ck_assert_uint_eq(be16_get(&buf[23]), 280);
	ck_assert_uint_eq(buf[25 + 280], 0xD0);
	ck_assert_uint_eq(buf[25 + 281], 0x63);
	ck_assert_uint_eq(be16_get(&buf[25 + 282]), 300);
	ck_assert_uint_eq(w.len, 25 + 280 + 4 + 300);
	wbuf_init(&mw, msg, sizeof(msg));
	ck_assert_int_eq(update_encode_v4(&mw, NULL, 0, buf, w.len,
	    (const uint8_t *)"\x08\x0a", 2), 0);
	update_msg_init(&m);
	ck_assert_int_eq(update_decode(msg + 19, mw.len - 19, &ctxs[IBGP4], &m),
	    UPD_OK);
	ck_assert_uint_eq(m.attrs.ncomms, 70);
	ck_assert_uint_eq(m.attrs.nraws, 1);
	ck_assert_uint_eq(m.attrs.raws[0].len, 300);
	update_msg_free(&m);
	/* too small a buffer */
	wbuf_init(&w, buf, 100);
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV4_UNICAST, NULL,
	    0), -1);
	attrs_free(&a);
}
END_TEST

/* Bad inputs to the encoder fail instead of writing garbage. */
START_TEST(test_encode_errors)
{
	struct attrs a;
	uint8_t buf[512], nlri[2] = { 0x08, 0x0a };
	struct wbuf w;

	attrs_init(&a);
	set_addr(&a.nexthop, "2001:db8::1");
	a.has |= ATTR_HAS_NEXT_HOP;
	wbuf_init(&w, buf, sizeof(buf));
	/* IPv6 next hop in a classic IPv4 UPDATE */
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV4_UNICAST, NULL,
	    0), -1);
	/* ... and over MP_REACH unless RFC 8950 was negotiated */
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV4_UNICAST, nlri,
	    2), -1);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4_extnh, FAM_IPV4_UNICAST,
	    nlri, 2), 0);
	/* next-hop self without a local address */
	attrs_reset(&a);
	a.nexthop_self = true;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ibgp4, FAM_IPV6_UNICAST, nlri,
	    2), -1);
	attrs_free(&a);
}
END_TEST

START_TEST(test_encode_messages)
{
	uint8_t buf[256], wd[16];
	struct wbuf w, nw;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(update_encode_eor(&w, FAM_IPV4_UNICAST), 0);
	ck_hex(buf, w.len, FFx16 "0017 02 00000000", "eor v4");
	wbuf_reset(&w);
	ck_assert_int_eq(update_encode_eor(&w, FAM_IPV6_UNICAST), 0);
	ck_hex(buf, w.len, FFx16 "001E 02 0000 0007 900F0003 000201", "eor v6");
	wbuf_reset(&w);
	ck_assert_int_eq(update_encode_eor(&w, FAM_IPV4_NLRI_MPLS), 0);
	ck_hex(buf, w.len, FFx16 "001E 02 0000 0007 900F0003 000104",
	    "eor nlri-mpls");
	wbuf_init(&nw, wd, sizeof(wd));
	put_prefix(&nw, "77.77.77.77/32", false, 0);
	wbuf_reset(&w);
	ck_assert_int_eq(update_encode_v4(&w, wd, nw.len, NULL, 0, NULL, 0), 0);
	ck_hex(buf, w.len, FFx16 "001C 02 0005 204D4D4D4D 0000",
	    "conf-watchdog withdraw");
	wbuf_reset(&nw);
	put_prefix(&nw, "2001:db8::/32", false, 0);
	wbuf_reset(&w);
	ck_assert_int_eq(update_encode_mp_unreach(&w, FAM_IPV6_UNICAST, wd,
	    nw.len, NULL, 0), 0);
	/* ExaBGP's flags: 0x80, the extended length only when needed */
	ck_hex(buf, w.len, FFx16 "0022 02 0000 000B 800F08 000201 2020010DB8",
	    "mp_unreach v6");
	/* too small */
	wbuf_init(&w, buf, 20);
	ck_assert_int_eq(update_encode_eor(&w, FAM_IPV4_UNICAST), -1);
}
END_TEST

/* The kit's UPDATEs decode cleanly (iBGP, 4-octet AS). */
static const char *const kit_updates[] = {
	"000000154001010040020040030401010101400504000000640801",
	"0000001540010100400200400304650165014005040000006418010100",
	"0000001C400101004002004003046501650140050400000064C0080400020001100105",
	"0000001C4001010040020040030465016501800404000000C840050400000064100104",
	"0000001C400101004002004003040A00FFFE40050400000064C0080400000000180A0001",
	"00000020400101004002004003040A00FFFE40050400000064C008087814000078147814"
	    "180A0003",
	"000000234001010040020040030465016501800404000000C840050400000064C00804"
	    "0002000115010600",
	"000000274001010040021202040000000100000002000000030000000440030"
	    "4CA02CA02400504000000C82002000002",
	"0000002D4001010040020A02020000E1DD00001B1B400304C0A801FE4005040000006440"
	    "0600C00708000046E0DB76E1BD12010040",
	"000000304001010040020040030" "4FFFFFFFF40050400000064C0201800000001000000"
	    "02000000030000000A0000000B0000000C200A000007",
	"000000374001010040020040050400000064800E260002011000000000000000"
	    "00000000000000000100802A046D80000000000000000000000001",
	"0000004240010100400200400504000000C8C008087814000078147814800E2600020110"
	    "2A020B8000000002000000000000000100802A020B80000000010000000000000002",
	"0004180101000000",
	"000519010100000000",
	"00000007900F0003000104",
	"00000020400101004002004003040F0F0F0D40050400000064C010088008051400014438"
	    "200A00000D",
};

START_TEST(test_kit_updates_decode)
{
	uint8_t body[512];
	struct update_msg m;
	struct update_ctx c = ctxs[IBGP4];

	c.families |= FAMSET(FAM_IPV4_NLRI_MPLS);
	update_msg_init(&m);
	ck_assert_msg(decode_hex(kit_updates[_i], IBGP4, &m, body,
	    sizeof(body)) == UPD_OK, "kit %d: %s", _i,
	    m.reason ? m.reason : "");
	update_msg_free(&m);
}
END_TEST

/* encode -> decode -> encode gives the same bytes and equal attributes. */
START_TEST(test_round_trip)
{
	struct attrs a;
	uint32_t p1[] = { 1, 2, 4200000000u }, p2[] = { 7, 8 };
	uint8_t abuf[1024], msg[1024], abuf2[1024];
	struct wbuf aw, mw, aw2;
	struct update_msg m;
	const struct update_ctx *dc = &ctxs[IBGP4];

	attrs_init(&a);
	a.has |= ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED |
	    ATTR_HAS_LOCAL_PREF | ATTR_HAS_ATOMIC_AGGR | ATTR_HAS_AGGREGATOR |
	    ATTR_HAS_ORIGINATOR_ID | ATTR_HAS_AIGP;
	a.origin = BGP_ORIGIN_EGP;
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, p1, 3);
	attrs_aspath_append(&a, BGP_ASPATH_SET, p2, 2);
	set_addr(&a.nexthop, "192.0.2.1");
	a.med = 10;
	a.local_pref = 200;
	a.aggregator_as = 65001;
	a.aggregator_id = 0xC0000201;
	a.originator_id = 0x01020304;
	a.aigp = 12345;
	attrs_add_community(&a, 0x00010002);
	attrs_add_ext_community(&a, 0x0002FDE800000001ull);
	attrs_add_large_community(&a, 1, 2, 3);
	attrs_add_cluster(&a, 0x05060708);
	attrs_set_raw(&a, 0xE0, 0x63, (const uint8_t *)"xyz", 3);
	wbuf_init(&aw, abuf, sizeof(abuf));
	ck_assert_int_eq(attrs_encode(&aw, &a, &ibgp4, FAM_IPV4_UNICAST, NULL,
	    0), 0);
	wbuf_init(&mw, msg, sizeof(msg));
	ck_assert_int_eq(update_encode_v4(&mw, NULL, 0, abuf, aw.len,
	    (const uint8_t *)"\x18\xc0\x00\x02", 4), 0);
	update_msg_init(&m);
	ck_assert_int_eq(update_decode(msg + 19, mw.len - 19, dc, &m), UPD_OK);
	ck_assert(attrs_equal(&a, &m.attrs));
	wbuf_init(&aw2, abuf2, sizeof(abuf2));
	ck_assert_int_eq(attrs_encode(&aw2, &m.attrs, &ibgp4, FAM_IPV4_UNICAST,
	    NULL, 0), 0);
	ck_assert_uint_eq(aw.len, aw2.len);
	ck_assert(memcmp(abuf, abuf2, aw.len) == 0);
	update_msg_free(&m);
	attrs_free(&a);
}
END_TEST

#define NVEC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
update_suite(void)
{
	Suite *s = suite_create("update");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode_vectors, 0, NVEC(dec_vecs));
	tcase_add_test(tc, test_decode_truncations);
	tcase_add_test(tc, test_decode_values);
	tcase_add_test(tc, test_decode_mp);
	tcase_add_test(tc, test_reset_data_whole_attribute);
	tcase_add_test(tc, test_as0_discarded);
	tcase_add_loop_test(tc, test_eor, 0, NVEC(eor_vecs));
	tcase_add_loop_test(tc, test_kit_updates_decode, 0, NVEC(kit_updates));
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, test_encode_kit_aggregator);
	tcase_add_test(tc, test_encode_kit_large);
	tcase_add_test(tc, test_encode_kit_med_extcomm);
	tcase_add_test(tc, test_encode_kit_aspath4);
	tcase_add_test(tc, test_encode_kit_addpath);
	tcase_add_test(tc, test_encode_kit_ipv6);
	tcase_add_test(tc, test_encode_nexthop_self);
	tcase_add_test(tc, test_encode_ebgp);
	tcase_add_test(tc, test_encode_as2);
	tcase_add_test(tc, test_encode_all_attributes);
	tcase_add_test(tc, test_encode_raw_known_code);
	tcase_add_test(tc, test_encode_extended_length);
	tcase_add_test(tc, test_encode_errors);
	tcase_add_test(tc, test_encode_messages);
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(update_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
