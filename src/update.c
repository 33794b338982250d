/*
 * BGP message codec, part 2 (see update.h): UPDATE decoding with the
 * RFC 7606 error-handling verdicts, and the attribute and UPDATE encoders
 * that reproduce ExaBGP's bytes.
 *
 * The decoder walks the attributes with a table indexed by type code
 * (BIRD's bgp_attr_table idea): expected flag bits, what a malformed
 * attribute costs (withdraw or discard), and a value parser that sees
 * only its own bytes through a bounded sub-reader. It never stops at the
 * first problem: the strongest verdict wins (GoBGP's Stronger()).
 */
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/update.h"

#define ATTR_F_OT	(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

/* What a malformed attribute costs (RFC 7606 §7). */
enum attr_bad {
	BAD_WITHDRAW,
	BAD_DISCARD,
};

struct upd_state {
	const struct update_ctx *ctx;
	struct update_msg	*m;
	uint8_t			 seen[32];	/* bitmap of type codes */
	const uint8_t		*attr;		/* current attribute, header */
	size_t			 attr_len;	/* included */
};

/* Returns NULL when the value is fine, else why it is malformed. */
typedef const char *attr_parse_fn(struct upd_state *, struct rbuf *v,
    uint8_t flags, uint8_t code);

struct attr_def {
	uint8_t		 flags;		/* expected Optional/Transitive bits */
	uint8_t		 bad;		/* enum attr_bad */
	bool		 ibgp_only;	/* from eBGP: discard (RFC 7606 §7.5,
					   §7.9, §7.10) */
	bool		 old_only;	/* from a 4-octet speaker: discard
					   (RFC 6793 §9) */
	attr_parse_fn	*parse;
};

/* ---- verdict bookkeeping ---- */

static void
upd_raise(struct update_msg *m, enum update_verdict v, const char *reason,
    uint8_t code)
{
	if (v <= m->verdict)
		return;
	m->verdict = v;
	m->reason = reason;
	m->reason_attr = code;
}

static void
upd_reset(struct update_msg *m, uint8_t subcode, const uint8_t *data,
    size_t datalen, const char *reason, uint8_t code)
{
	if (m->verdict == UPD_SESSION_RESET)
		return;
	/* RFC 4271 §6.3: the erroneous attribute, whole, from the message */
	bgp_err_ref(&m->err, BGP_ERR_UPDATE, subcode, data, datalen);
	upd_raise(m, UPD_SESSION_RESET, reason, code);
}

static void
upd_discard(struct update_msg *m, uint8_t code, const char *reason)
{
	if (m->ndiscarded < sizeof(m->discarded))
		m->discarded[m->ndiscarded++] = code;
	upd_raise(m, UPD_ATTR_DISCARD, reason, code);
}

static void
upd_bad(struct update_msg *m, uint8_t bad, uint8_t code, const char *reason)
{
	if (bad == BAD_DISCARD)
		upd_discard(m, code, reason);
	else
		upd_raise(m, UPD_TREAT_AS_WITHDRAW, reason, code);
}

static bool
seen_test_set(uint8_t seen[32], uint8_t code)
{
	bool was = (seen[code >> 3] >> (code & 7)) & 1;

	seen[code >> 3] |= (uint8_t)(1u << (code & 7));
	return was;
}

static bool
seen_has(const uint8_t seen[32], uint8_t code)
{
	return (seen[code >> 3] >> (code & 7)) & 1;
}

/* ---- attribute value parsers ---- */

static const char *
parse_origin(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	uint8_t o;

	/* RFC 7606 §7.1 */
	if (rbuf_left(v) != 1)
		return "ORIGIN length";
	(void)rbuf_get_u8(v, &o);
	if (o > BGP_ORIGIN_INCOMPLETE)
		return "ORIGIN value";
	s->m->attrs.origin = o;
	s->m->attrs.has |= ATTR_HAS_ORIGIN;
	return NULL;
}

/*
 * RFC 7606 §7.2: segment type 1..4, a non-zero count, and the ASNs all
 * inside the attribute; RFC 7607 §2: no AS 0 anywhere in the path.
 */
static const char *
aspath_check(struct rbuf v, size_t asnlen)
{
	uint8_t type, count;
	uint32_t as;
	uint16_t as2;

	while (rbuf_left(&v) > 0) {
		if (rbuf_get_u8(&v, &type) == -1 ||
		    rbuf_get_u8(&v, &count) == -1)
			return "AS_PATH segment header truncated";
		if (type < BGP_ASPATH_SET || type > BGP_ASPATH_CONFED_SET)
			return "AS_PATH segment type";
		if (count == 0)
			return "AS_PATH empty segment";
		if (rbuf_left(&v) < (size_t)count * asnlen)
			return "AS_PATH segment overrun";
		for (unsigned i = 0; i < count; i++) {
			if (asnlen == 4)
				(void)rbuf_get_u32(&v, &as);
			else {
				(void)rbuf_get_u16(&v, &as2);
				as = as2;
			}
			if (as == 0)
				return "AS 0 in the path (RFC 7607)";
		}
	}
	return NULL;
}

static const char *
parse_aspath(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	struct attrs *a = &s->m->attrs;
	uint32_t asns[255];
	const char *why;
	uint8_t type, count;
	uint16_t as2;

	if ((why = aspath_check(*v, s->ctx->asn4 ? 4 : 2)) != NULL)
		return why;
	if (s->ctx->asn4) {
		/* already in the 4-octet form attrs keeps */
		attrs_set_aspath(a, rbuf_ptr(v), rbuf_left(v));
		return NULL;
	}
	/* RFC 6793 §4.2.3: widen a 2-octet speaker's path */
	attrs_set_aspath(a, rbuf_ptr(v), 0);
	while (rbuf_get_u8(v, &type) == 0) {
		(void)rbuf_get_u8(v, &count);
		for (unsigned i = 0; i < count; i++) {
			(void)rbuf_get_u16(v, &as2);
			asns[i] = as2;
		}
		attrs_aspath_append(a, type, asns, count);
	}
	return NULL;
}

static const char *
parse_nexthop(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct attrs *a = &s->m->attrs;
	uint32_t nh;

	/*
	 * RFC 7606 §7.3. Semantic checks (martians) are deliberately not
	 * made: ExaBGP decodes and reports any address.
	 */
	if (rbuf_get_u32(v, &nh) == -1 || rbuf_left(v) != 0)
		return "NEXT_HOP length";
	addr_from_u32(&a->nexthop, nh);
	memset(&a->nexthop_ll, 0, sizeof(a->nexthop_ll));
	a->has |= ATTR_HAS_NEXT_HOP;
	return NULL;
}

/* A single 4-octet value (MED §7.4, LOCAL_PREF §7.5, ORIGINATOR_ID §7.9). */
static const char *
get_u32_only(struct rbuf *v, uint32_t *val)
{
	if (rbuf_left(v) != 4)
		return "attribute length";
	(void)rbuf_get_u32(v, val);
	return NULL;
}

static const char *
parse_med(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	if (get_u32_only(v, &s->m->attrs.med) != NULL)
		return "MED length";
	s->m->attrs.has |= ATTR_HAS_MED;
	return NULL;
}

static const char *
parse_local_pref(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	if (get_u32_only(v, &s->m->attrs.local_pref) != NULL)
		return "LOCAL_PREF length";
	s->m->attrs.has |= ATTR_HAS_LOCAL_PREF;
	return NULL;
}

static const char *
parse_atomic(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	/* RFC 7606 §7.6 */
	if (rbuf_left(v) != 0)
		return "ATOMIC_AGGREGATE length";
	s->m->attrs.has |= ATTR_HAS_ATOMIC_AGGR;
	return NULL;
}

static const char *
parse_aggregator(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct attrs *a = &s->m->attrs;
	uint32_t as;
	uint16_t as2;

	/* RFC 7606 §7.7: 6 octets, or 8 between 4-octet speakers */
	if (rbuf_left(v) != (s->ctx->asn4 ? 8u : 6u))
		return "AGGREGATOR length";
	if (s->ctx->asn4)
		(void)rbuf_get_u32(v, &as);
	else {
		(void)rbuf_get_u16(v, &as2);
		as = as2;
	}
	/* RFC 7607 §2: malformed, so discarded (RFC 7606 §7.7) */
	if (as == 0)
		return "AGGREGATOR AS 0 (RFC 7607)";
	a->aggregator_as = as;
	(void)rbuf_get_u32(v, &a->aggregator_id);
	a->has |= ATTR_HAS_AGGREGATOR;
	return NULL;
}

/* Length is a non-zero multiple of unit (RFC 7606 §7.8, §7.10, §7.14). */
static bool
len_multiple(const struct rbuf *v, size_t unit)
{
	return rbuf_left(v) > 0 && rbuf_left(v) % unit == 0;
}

static const char *
parse_communities(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	uint32_t c;

	if (!len_multiple(v, 4))
		return "COMMUNITIES length";
	while (rbuf_get_u32(v, &c) == 0)
		attrs_add_community(&s->m->attrs, c);
	return NULL;
}

static const char *
parse_originator(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	if (get_u32_only(v, &s->m->attrs.originator_id) != NULL)
		return "ORIGINATOR_ID length";
	s->m->attrs.has |= ATTR_HAS_ORIGINATOR_ID;
	return NULL;
}

static const char *
parse_cluster_list(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	uint32_t id;

	if (!len_multiple(v, 4))
		return "CLUSTER_LIST length";
	while (rbuf_get_u32(v, &id) == 0)
		attrs_add_cluster(&s->m->attrs, id);
	return NULL;
}

static const char *
parse_ext_communities(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	uint64_t ec;

	if (!len_multiple(v, 8))
		return "EXTENDED_COMMUNITIES length";
	while (rbuf_get_u64(v, &ec) == 0)
		attrs_add_ext_community(&s->m->attrs, ec);
	return NULL;
}

static const char *
parse_as4_path(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	const char *why;

	/* RFC 6793 §6: malformed -> discard (the caller's verdict) */
	if (rbuf_left(v) == 0)
		return "AS4_PATH empty";
	if ((why = aspath_check(*v, 4)) != NULL)
		return why;
	attrs_set_as4path(&s->m->attrs, rbuf_ptr(v), rbuf_left(v));
	return NULL;
}

static const char *
parse_as4_aggregator(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct attrs *a = &s->m->attrs;
	uint32_t as;

	if (rbuf_left(v) != 8)
		return "AS4_AGGREGATOR length";
	(void)rbuf_get_u32(v, &as);
	/* RFC 7607 §2: malformed, so discarded (RFC 6793 §6) */
	if (as == 0)
		return "AS4_AGGREGATOR AS 0 (RFC 7607)";
	a->as4_aggregator_as = as;
	(void)rbuf_get_u32(v, &a->as4_aggregator_id);
	a->has |= ATTR_HAS_AS4_AGGREGATOR;
	return NULL;
}

/*
 * RFC 7311 §3: TLVs of type u8, length u16 (covering the TLV header);
 * type 1 is the AIGP metric, length 11. Others are skipped; the first
 * AIGP TLV counts (§3.1).
 */
static const char *
parse_aigp(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	uint64_t metric = 0;
	bool found = false;
	uint16_t tlen;
	uint8_t type;
	struct rbuf tv;

	while (rbuf_left(v) > 0) {
		if (rbuf_get_u8(v, &type) == -1 ||
		    rbuf_get_u16(v, &tlen) == -1 || tlen < 3 ||
		    rbuf_sub(v, tlen - 3u, &tv) == -1)
			return "AIGP TLV framing";
		if (type != 1)
			continue;
		if (tlen != 11)
			return "AIGP TLV length";
		if (!found)
			(void)rbuf_get_u64(&tv, &metric);
		found = true;
	}
	if (!found)
		return "AIGP without metric TLV";
	s->m->attrs.aigp = metric;
	s->m->attrs.has |= ATTR_HAS_AIGP;
	return NULL;
}

static const char *
parse_large_communities(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	uint32_t g, l1, l2;

	/* RFC 8092 §6 */
	if (!len_multiple(v, 12))
		return "LARGE_COMMUNITY length";
	while (rbuf_get_u32(v, &g) == 0) {
		(void)rbuf_get_u32(v, &l1);
		(void)rbuf_get_u32(v, &l2);
		attrs_add_large_community(&s->m->attrs, g, l1, l2);
	}
	return NULL;
}

/* Keep the attribute as opaque bytes, flags as received. */
static void
keep_raw(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	attrs_set_raw(&s->m->attrs, flags & (uint8_t)~BGP_ATTR_F_EXTLEN, code,
	    rbuf_left(v) > 0 ? rbuf_ptr(v) : NULL, (uint16_t)rbuf_left(v));
}

static const char *
parse_ipv6_ext_comm(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	/* RFC 7606 §7.15 */
	if (!len_multiple(v, 20))
		return "IPv6 EXTENDED_COMMUNITIES length";
	keep_raw(s, v, flags, code);
	return NULL;
}

static const char *
parse_otc(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	/* RFC 9234 §5 */
	if (rbuf_left(v) != 4)
		return "OTC length";
	keep_raw(s, v, flags, code);
	return NULL;
}

/* ---- MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) ---- */

/* A family we decode routes of, that the session negotiated; else -1. */
static int
mp_family(const struct update_ctx *ctx, uint16_t afi, uint8_t safi)
{
	int f = family_lookup(afi, safi);

	if (f < 0 || !FAMSET_HAS(ctx->families, f) ||
	    !FAMSET_HAS(FAMSET_SPOKEN, f))
		return -1;
	return f;
}

static void
mp_reset(struct upd_state *s, const char *why, uint8_t code)
{
	/* RFC 7606 §7.11/§7.12, §5.3: the NLRI cannot be trusted */
	upd_reset(s->m, BGP_ERR_UPD_OPTIONAL_ATTR, s->attr, s->attr_len, why,
	    code);
}

/*
 * The next hop of MP_REACH for a spoken family: IPv4 unicast takes 4
 * octets or (RFC 8950 §3) 16/32; IPv6 unicast 16, or 32 with a link-local
 * (RFC 2545 §3).
 */
static int
mp_nexthop_get(struct rbuf *nh, int fam, struct bgp_addr *g,
    struct bgp_addr *ll)
{
	size_t n = rbuf_left(nh);

	memset(g, 0, sizeof(*g));
	memset(ll, 0, sizeof(*ll));
	if (n == 4 && fam == FAM_IPV4_UNICAST) {
		g->afi = BGP_AFI_IPV4;
		return rbuf_get_bytes(nh, g->b, 4);
	}
	if (n != 16 && n != 32)
		return -1;
	g->afi = BGP_AFI_IPV6;
	(void)rbuf_get_bytes(nh, g->b, 16);
	if (n == 32) {
		ll->afi = BGP_AFI_IPV6;
		(void)rbuf_get_bytes(nh, ll->b, 16);
	}
	return 0;
}

static const char *
parse_mp_reach(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct update_msg *m = s->m;
	struct bgp_addr g, ll;
	struct rbuf nh;
	uint8_t nhlen, reserved;
	int f;

	m->has_mp_reach = true;
	m->mp_reach_fam = -1;
	if (rbuf_get_u16(v, &m->mp_reach_afi) == -1 ||
	    rbuf_get_u8(v, &m->mp_reach_safi) == -1 ||
	    rbuf_get_u8(v, &nhlen) == -1 || rbuf_sub(v, nhlen, &nh) == -1 ||
	    rbuf_get_u8(v, &reserved) == -1) {
		mp_reset(s, "MP_REACH_NLRI truncated", code);
		return NULL;
	}
	/* RFC 4760 §7: a family we did not negotiate is ignored */
	if ((f = mp_family(s->ctx, m->mp_reach_afi, m->mp_reach_safi)) < 0)
		return NULL;
	if (mp_nexthop_get(&nh, f, &g, &ll) == -1) {
		mp_reset(s, "MP_REACH_NLRI next hop length", code);
		return NULL;
	}
	if (nlri_check(*v, (uint8_t)family_afi(f),
	    FAMSET_HAS(s->ctx->addpath_rx, f), NULL) == -1) {
		mp_reset(s, "MP_REACH_NLRI prefixes", code);
		return NULL;
	}
	m->mp_reach_fam = f;
	m->mp_reach_nlri = *v;
	m->mp_nexthop = g;
	m->mp_nexthop_ll = ll;
	/* a classic NEXT_HOP keeps attrs.nexthop (see update.h) */
	if (!seen_has(s->seen, BGP_ATTR_NEXT_HOP)) {
		m->attrs.nexthop = g;
		m->attrs.nexthop_ll = ll;
		m->attrs.has |= ATTR_HAS_NEXT_HOP;
	}
	return NULL;
}

static const char *
parse_mp_unreach(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct update_msg *m = s->m;
	int f;

	m->has_mp_unreach = true;
	m->mp_unreach_fam = -1;
	if (rbuf_get_u16(v, &m->mp_unreach_afi) == -1 ||
	    rbuf_get_u8(v, &m->mp_unreach_safi) == -1) {
		mp_reset(s, "MP_UNREACH_NLRI truncated", code);
		return NULL;
	}
	m->mp_unreach_rawlen = rbuf_left(v);
	if ((f = mp_family(s->ctx, m->mp_unreach_afi,
	    m->mp_unreach_safi)) < 0)
		return NULL;
	if (nlri_check(*v, (uint8_t)family_afi(f),
	    FAMSET_HAS(s->ctx->addpath_rx, f), NULL) == -1) {
		mp_reset(s, "MP_UNREACH_NLRI prefixes", code);
		return NULL;
	}
	m->mp_unreach_fam = f;
	m->mp_unreach_nlri = *v;
	return NULL;
}

/* ---- the attribute table ---- */

static const struct attr_def attr_defs[256] = {
	[BGP_ATTR_ORIGIN] = { BGP_ATTR_F_TRANSITIVE, BAD_WITHDRAW, false,
	    false, parse_origin },
	[BGP_ATTR_AS_PATH] = { BGP_ATTR_F_TRANSITIVE, BAD_WITHDRAW, false,
	    false, parse_aspath },
	[BGP_ATTR_NEXT_HOP] = { BGP_ATTR_F_TRANSITIVE, BAD_WITHDRAW, false,
	    false, parse_nexthop },
	[BGP_ATTR_MED] = { BGP_ATTR_F_OPTIONAL, BAD_WITHDRAW, false, false,
	    parse_med },
	[BGP_ATTR_LOCAL_PREF] = { BGP_ATTR_F_TRANSITIVE, BAD_WITHDRAW, true,
	    false, parse_local_pref },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { BGP_ATTR_F_TRANSITIVE, BAD_DISCARD,
	    false, false, parse_atomic },
	[BGP_ATTR_AGGREGATOR] = { ATTR_F_OT, BAD_DISCARD, false, false,
	    parse_aggregator },
	[BGP_ATTR_COMMUNITIES] = { ATTR_F_OT, BAD_WITHDRAW, false, false,
	    parse_communities },
	[BGP_ATTR_ORIGINATOR_ID] = { BGP_ATTR_F_OPTIONAL, BAD_WITHDRAW, true,
	    false, parse_originator },
	[BGP_ATTR_CLUSTER_LIST] = { BGP_ATTR_F_OPTIONAL, BAD_WITHDRAW, true,
	    false, parse_cluster_list },
	[BGP_ATTR_MP_REACH_NLRI] = { BGP_ATTR_F_OPTIONAL, BAD_WITHDRAW, false,
	    false, parse_mp_reach },
	[BGP_ATTR_MP_UNREACH_NLRI] = { BGP_ATTR_F_OPTIONAL, BAD_WITHDRAW,
	    false, false, parse_mp_unreach },
	[BGP_ATTR_EXT_COMMUNITIES] = { ATTR_F_OT, BAD_WITHDRAW, false, false,
	    parse_ext_communities },
	[BGP_ATTR_AS4_PATH] = { ATTR_F_OT, BAD_DISCARD, false, true,
	    parse_as4_path },
	[BGP_ATTR_AS4_AGGREGATOR] = { ATTR_F_OT, BAD_DISCARD, false, true,
	    parse_as4_aggregator },
	[BGP_ATTR_IPV6_EXT_COMMUNITIES] = { ATTR_F_OT, BAD_WITHDRAW, false,
	    false, parse_ipv6_ext_comm },
	[BGP_ATTR_AIGP] = { BGP_ATTR_F_OPTIONAL, BAD_DISCARD, false, false,
	    parse_aigp },
	[BGP_ATTR_LARGE_COMMUNITIES] = { ATTR_F_OT, BAD_WITHDRAW, false,
	    false, parse_large_communities },
	[BGP_ATTR_OTC] = { ATTR_F_OT, BAD_WITHDRAW, false, false, parse_otc },
};

/* RFC 4271 §5, RFC 7606 §3(e)/(f): attributes we have no parser for. */
static void
attr_unknown(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	if (!(flags & BGP_ATTR_F_OPTIONAL)) {
		upd_reset(s->m, BGP_ERR_UPD_UNKNOWN_WELLKNOWN, s->attr,
		    s->attr_len, "unrecognized well-known attribute", code);
		return;
	}
	/* optional non-transitive: quietly ignored */
	if (!(flags & BGP_ATTR_F_TRANSITIVE))
		return;
	keep_raw(s, v, flags | BGP_ATTR_F_PARTIAL, code);
}

/* One attribute whose header and value were framed correctly. */
static void
attr_dispatch(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	const struct attr_def *d = &attr_defs[code];
	struct update_msg *m = s->m;
	const char *why;

	/* RFC 7606 §3(g) */
	if (seen_test_set(s->seen, code)) {
		if (code == BGP_ATTR_MP_REACH_NLRI ||
		    code == BGP_ATTR_MP_UNREACH_NLRI)
			upd_reset(m, BGP_ERR_UPD_ATTR_LIST, NULL, 0,
			    "duplicate MP attribute", code);
		else
			upd_discard(m, code, "duplicate attribute");
		return;
	}
	if (d->parse == NULL) {
		attr_unknown(s, v, flags, code);
		return;
	}
	if ((d->ibgp_only && s->ctx->ebgp) || (d->old_only && s->ctx->asn4)) {
		upd_discard(m, code, "attribute not expected on this session");
		return;
	}
	/* RFC 7606 §3(c): conflicting Optional/Transitive bits */
	if ((flags & ATTR_F_OT) != d->flags) {
		upd_bad(m, d->bad, code, "attribute flags");
		/* MP attributes are still parsed, to locate their NLRI */
		if (code != BGP_ATTR_MP_REACH_NLRI &&
		    code != BGP_ATTR_MP_UNREACH_NLRI)
			return;
	}
	if ((why = d->parse(s, v, flags, code)) != NULL)
		upd_bad(m, d->bad, code, why);
}

/*
 * Walk the path attributes. A framing error (RFC 7606 §4: header or value
 * past the end) stops the walk. The classic NLRI was already located with
 * the Total Path Attribute Length, but what follows the error is lost: if
 * an MP_REACH_NLRI or MP_UNREACH_NLRI has not been parsed yet it may be
 * there, its NLRI cannot be located, and treat-as-withdraw would leave
 * those routes standing (RFC 7606 §3(j)): the session is reset with 3/1,
 * as BIRD does when it cannot locate the NLRI (§5.2). With both parsed
 * already, nothing can hide and treat-as-withdraw is enough.
 */
static void
attrs_walk(struct upd_state *s, struct rbuf *r)
{
	struct update_msg *m = s->m;
	uint8_t flags, code, l8;
	uint16_t len;
	struct rbuf v;

	while (rbuf_left(r) > 0 && m->verdict != UPD_SESSION_RESET) {
		s->attr = rbuf_ptr(r);
		if (rbuf_get_u8(r, &flags) == -1 || rbuf_get_u8(r, &code) == -1)
			goto framing;
		if (flags & BGP_ATTR_F_EXTLEN) {
			if (rbuf_get_u16(r, &len) == -1)
				goto framing;
		} else {
			if (rbuf_get_u8(r, &l8) == -1)
				goto framing;
			len = l8;
		}
		if (rbuf_sub(r, len, &v) == -1)
			goto framing;
		s->attr_len = (flags & BGP_ATTR_F_EXTLEN ? 4u : 3u) + len;
		m->nattrs++;
		attr_dispatch(s, &v, flags, code);
	}
	return;
framing:
	if (m->has_mp_reach && m->has_mp_unreach)
		upd_raise(m, UPD_TREAT_AS_WITHDRAW, "attribute framing", 0);
	else
		upd_reset(m, BGP_ERR_UPD_ATTR_LIST, NULL, 0,
		    "attribute framing, NLRI cannot be located", 0);
}

/* RFC 7606 §3(d): well-known mandatory attributes of an announcement. */
static void
check_mandatory(struct upd_state *s)
{
	static const uint8_t codes[] = { BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH,
		BGP_ATTR_NEXT_HOP, BGP_ATTR_LOCAL_PREF };
	struct update_msg *m = s->m;
	bool classic = rbuf_left(&m->nlri) > 0;

	if (!classic && !m->has_mp_reach)
		return;
	for (size_t i = 0; i < sizeof(codes); i++) {
		/* NEXT_HOP only for classic NLRI (RFC 4760 §3) */
		if (codes[i] == BGP_ATTR_NEXT_HOP && !classic)
			continue;
		if (codes[i] == BGP_ATTR_LOCAL_PREF && s->ctx->ebgp)
			continue;
		if (!seen_has(s->seen, codes[i]))
			upd_raise(m, UPD_TREAT_AS_WITHDRAW,
			    "missing well-known attribute", codes[i]);
	}
}

void
update_msg_init(struct update_msg *m)
{
	memset(m, 0, sizeof(*m));
	attrs_init(&m->attrs);
	m->mp_reach_fam = m->mp_unreach_fam = -1;
}

void
update_msg_free(struct update_msg *m)
{
	attrs_free(&m->attrs);
	memset(m, 0, sizeof(*m));
}

/* Forget the previous message, keeping the attribute builder's memory. */
static void
update_msg_clear(struct update_msg *m)
{
	struct attrs keep = m->attrs;

	attrs_reset(&keep);
	memset(m, 0, sizeof(*m));
	m->attrs = keep;
	m->mp_reach_fam = m->mp_unreach_fam = -1;
}

enum update_verdict
update_decode(const uint8_t *body, size_t len, const struct update_ctx *ctx,
    struct update_msg *m)
{
	struct upd_state s;
	struct rbuf r, attrs;
	uint16_t wlen, alen;
	bool ap4 = FAMSET_HAS(ctx->addpath_rx, FAM_IPV4_UNICAST);

	update_msg_clear(m);
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.m = m;
	rbuf_init(&r, body, len);
	/* RFC 7606 §3(b) / RFC 4271 §6.3: the two lengths must fit */
	if (rbuf_get_u16(&r, &wlen) == -1 ||
	    rbuf_sub(&r, wlen, &m->withdrawn) == -1 ||
	    rbuf_get_u16(&r, &alen) == -1 || rbuf_sub(&r, alen, &attrs) == -1) {
		upd_reset(m, BGP_ERR_UPD_ATTR_LIST, NULL, 0,
		    "withdrawn or attribute length overrun", 0);
		return m->verdict;
	}
	m->nlri = r;
	/* RFC 7606 §5.3: unparseable classic prefixes reset the session */
	if (nlri_check(m->withdrawn, BGP_AFI_IPV4, ap4, NULL) == -1)
		upd_reset(m, BGP_ERR_UPD_NETWORK, NULL, 0,
		    "withdrawn routes malformed", 0);
	else if (nlri_check(m->nlri, BGP_AFI_IPV4, ap4, NULL) == -1)
		upd_reset(m, BGP_ERR_UPD_NETWORK, NULL, 0, "NLRI malformed", 0);
	if (m->verdict == UPD_SESSION_RESET)
		return m->verdict;
	attrs_walk(&s, &attrs);
	if (m->verdict != UPD_SESSION_RESET)
		check_mandatory(&s);
	/*
	 * RFC 7606 §5.2 (an error in an UPDATE with no NLRI at all, every
	 * attribute parsed): we keep treat-as-withdraw, which withdraws
	 * nothing (FRR's choice), rather than BIRD's session reset. A
	 * framing error, which may hide NLRI, resets (attrs_walk).
	 */
	return m->verdict;
}

bool
update_is_eor(const struct update_msg *m, int *fam)
{
	/*
	 * RFC 4724 §2: a clean UPDATE with nothing in it is the IPv4 EoR
	 * (a framing error can leave nattrs at 0: that is no marker) ...
	 */
	if (m->verdict != UPD_OK || rbuf_left(&m->withdrawn) > 0 ||
	    rbuf_left(&m->nlri) > 0)
		return false;
	if (m->nattrs == 0) {
		if (fam != NULL)
			*fam = FAM_IPV4_UNICAST;
		return true;
	}
	/* ... and one with only an empty MP_UNREACH_NLRI that of its family */
	if (m->nattrs == 1 && m->has_mp_unreach && m->mp_unreach_rawlen == 0) {
		if (fam != NULL)
			*fam = family_lookup(m->mp_unreach_afi,
			    m->mp_unreach_safi);
		return true;
	}
	return false;
}

/* ---- encoding ---- */

struct enc {
	struct wbuf			*w;
	const struct attrs		*a;
	const struct attr_encode_ctx	*ctx;
	enum family_id			 fam;
	const uint8_t			*mp_nlri;
	size_t				 mp_nlri_len;
	/* the AS_PATH to send, 4-octet segment form */
	const uint8_t			*path;
	size_t				 path_len;
	uint8_t				 local_path[6];
};

/* Flags, code and a 1- or 2-octet length (RFC 4271 §4.3). */
static void
attr_hdr(struct wbuf *w, uint8_t flags, uint8_t code, size_t len)
{
	if (len > 0xffff) {
		w->err = true;
		return;
	}
	if (len > 255)
		flags |= BGP_ATTR_F_EXTLEN;
	wbuf_put_u8(w, flags);
	wbuf_put_u8(w, code);
	if (flags & BGP_ATTR_F_EXTLEN)
		wbuf_put_u16(w, (uint16_t)len);
	else
		wbuf_put_u8(w, (uint8_t)len);
}

/* Does any ASN of the path need 4 octets? */
static bool
aspath_wide(const uint8_t *segs, size_t len)
{
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0;
	uint32_t as;
	struct rbuf r;

	while (attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0) {
		rbuf_init(&r, asns, (size_t)count * 4);
		while (rbuf_get_u32(&r, &as) == 0)
			if (as > 0xffff)
				return true;
	}
	return false;
}

/*
 * Octets of the path written with asnlen-octet ASNs; AS4_PATH leaves the
 * confederation segments out (RFC 6793 §3).
 */
static size_t
aspath_size(const uint8_t *segs, size_t len, size_t asnlen, bool as4)
{
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0, n = 0;

	while (attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0) {
		if (as4 && (type == BGP_ASPATH_CONFED_SEQUENCE ||
		    type == BGP_ASPATH_CONFED_SET))
			continue;
		n += 2 + (size_t)count * asnlen;
	}
	return n;
}

static void
aspath_put(struct wbuf *w, const uint8_t *segs, size_t len, size_t asnlen,
    bool as4)
{
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0;
	uint32_t as;
	struct rbuf r;

	while (attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0) {
		if (as4 && (type == BGP_ASPATH_CONFED_SEQUENCE ||
		    type == BGP_ASPATH_CONFED_SET))
			continue;
		wbuf_put_u8(w, type);
		wbuf_put_u8(w, count);
		rbuf_init(&r, asns, (size_t)count * 4);
		while (rbuf_get_u32(&r, &as) == 0) {
			if (asnlen == 4)
				wbuf_put_u32(w, as);
			else
				/* RFC 6793 §4.2.2: AS_TRANS for the rest */
				wbuf_put_u16(w, as > 0xffff ? BGP_AS_TRANS :
				    (uint16_t)as);
		}
	}
}

static void
enc_origin(struct enc *e)
{
	attr_hdr(e->w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
	wbuf_put_u8(e->w, (e->a->has & ATTR_HAS_ORIGIN) ? e->a->origin :
	    BGP_ORIGIN_IGP);
}

static void
enc_aspath(struct enc *e)
{
	size_t asnlen = e->ctx->asn4 ? 4 : 2;

	attr_hdr(e->w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_AS_PATH,
	    aspath_size(e->path, e->path_len, asnlen, false));
	aspath_put(e->w, e->path, e->path_len, asnlen, false);
}

static void
enc_nexthop(struct enc *e)
{
	const struct bgp_addr *nh = e->a->nexthop_self ? &e->ctx->local_v4 :
	    &e->a->nexthop;

	/* only IPv4 unicast in the classic fields carries NEXT_HOP */
	if (e->fam != FAM_IPV4_UNICAST || e->mp_nlri != NULL)
		return;
	if (!e->a->nexthop_self && !(e->a->has & ATTR_HAS_NEXT_HOP))
		return;
	if (nh->afi != BGP_AFI_IPV4) {
		e->w->err = true;
		return;
	}
	attr_hdr(e->w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_NEXT_HOP, 4);
	wbuf_put_bytes(e->w, nh->b, 4);
}

static void
enc_u32(struct enc *e, uint8_t flags, uint8_t code, uint32_t v)
{
	attr_hdr(e->w, flags, code, 4);
	wbuf_put_u32(e->w, v);
}

static void
enc_med(struct enc *e)
{
	if (e->a->has & ATTR_HAS_MED)
		enc_u32(e, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MED, e->a->med);
}

static void
enc_local_pref(struct enc *e)
{
	/* RFC 4271 §5.1.5: iBGP only; ExaBGP's default is 100 */
	if (!e->ctx->ibgp)
		return;
	enc_u32(e, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_LOCAL_PREF,
	    (e->a->has & ATTR_HAS_LOCAL_PREF) ? e->a->local_pref : 100);
}

static void
enc_atomic(struct enc *e)
{
	if (e->a->has & ATTR_HAS_ATOMIC_AGGR)
		attr_hdr(e->w, BGP_ATTR_F_TRANSITIVE,
		    BGP_ATTR_ATOMIC_AGGREGATE, 0);
}

static void
enc_aggregator(struct enc *e)
{
	uint32_t as = e->a->aggregator_as;

	if (!(e->a->has & ATTR_HAS_AGGREGATOR))
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_AGGREGATOR, e->ctx->asn4 ? 8 : 6);
	if (e->ctx->asn4)
		wbuf_put_u32(e->w, as);
	else
		wbuf_put_u16(e->w, as > 0xffff ? BGP_AS_TRANS : (uint16_t)as);
	wbuf_put_u32(e->w, e->a->aggregator_id);
}

static void
enc_communities(struct enc *e)
{
	if (e->a->ncomms == 0)
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_COMMUNITIES, e->a->ncomms * 4);
	for (size_t i = 0; i < e->a->ncomms; i++)
		wbuf_put_u32(e->w, e->a->comms[i]);
}

static void
enc_originator(struct enc *e)
{
	if (e->a->has & ATTR_HAS_ORIGINATOR_ID)
		enc_u32(e, BGP_ATTR_F_OPTIONAL, BGP_ATTR_ORIGINATOR_ID,
		    e->a->originator_id);
}

static void
enc_cluster_list(struct enc *e)
{
	if (e->a->nclusters == 0)
		return;
	attr_hdr(e->w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_CLUSTER_LIST,
	    e->a->nclusters * 4);
	for (size_t i = 0; i < e->a->nclusters; i++)
		wbuf_put_u32(e->w, e->a->clusters[i]);
}

/* The next hop as MP_REACH carries it for e->fam. */
static int
enc_mp_nexthop(struct enc *e, uint8_t nh[32], size_t *nhlen)
{
	const struct attrs *a = e->a;
	const struct bgp_addr *g = &a->nexthop, *ll = &a->nexthop_ll;
	bool v6fam = family_afi(e->fam) == BGP_AFI_IPV6;

	if (a->nexthop_self) {
		g = v6fam || e->ctx->local_v4.afi == 0 ? &e->ctx->local_v6 :
		    &e->ctx->local_v4;
		ll = NULL;
	}
	memset(nh, 0, 32);
	if (g->afi == BGP_AFI_IPV4 && !v6fam) {
		memcpy(nh, g->b, 4);
		*nhlen = 4;
	} else if (g->afi == BGP_AFI_IPV4) {
		/* an IPv4 next hop for IPv6 routes: ::ffff:a.b.c.d */
		nh[10] = nh[11] = 0xff;
		memcpy(nh + 12, g->b, 4);
		*nhlen = 16;
	} else if (g->afi == BGP_AFI_IPV6) {
		memcpy(nh, g->b, 16);
		*nhlen = 16;
		/* RFC 2545 §3: global then link-local */
		if (ll != NULL && ll->afi == BGP_AFI_IPV6) {
			memcpy(nh + 16, ll->b, 16);
			*nhlen = 32;
		}
	} else
		return -1;
	return 0;
}

/* RFC 4760 §3: AFI, SAFI, next hop, reserved octet, NLRI. */
static void
enc_mp_reach(struct enc *e)
{
	uint8_t nh[32];
	size_t nhlen;

	if (e->mp_nlri == NULL)
		return;
	if (enc_mp_nexthop(e, nh, &nhlen) == -1) {
		e->w->err = true;
		return;
	}
	attr_hdr(e->w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MP_REACH_NLRI,
	    5 + nhlen + e->mp_nlri_len);
	wbuf_put_u16(e->w, family_afi(e->fam));
	wbuf_put_u8(e->w, family_safi(e->fam));
	wbuf_put_u8(e->w, (uint8_t)nhlen);
	wbuf_put_bytes(e->w, nh, nhlen);
	wbuf_put_u8(e->w, 0);
	wbuf_put_bytes(e->w, e->mp_nlri, e->mp_nlri_len);
}

static void
enc_ext_communities(struct enc *e)
{
	if (e->a->necomms == 0)
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_EXT_COMMUNITIES, e->a->necomms * 8);
	for (size_t i = 0; i < e->a->necomms; i++)
		wbuf_put_u64(e->w, e->a->ecomms[i]);
}

/* RFC 6793 §4.2.2: the real path, only when AS_TRANS stood in for one. */
static void
enc_as4_path(struct enc *e)
{
	if (e->ctx->asn4 || !aspath_wide(e->path, e->path_len))
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_AS4_PATH,
	    aspath_size(e->path, e->path_len, 4, true));
	aspath_put(e->w, e->path, e->path_len, 4, true);
}

static void
enc_as4_aggregator(struct enc *e)
{
	if (e->ctx->asn4 || !(e->a->has & ATTR_HAS_AGGREGATOR) ||
	    e->a->aggregator_as <= 0xffff)
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_AS4_AGGREGATOR, 8);
	wbuf_put_u32(e->w, e->a->aggregator_as);
	wbuf_put_u32(e->w, e->a->aggregator_id);
}

/* RFC 7311 §3: one AIGP TLV, type 1, length 11. */
static void
enc_aigp(struct enc *e)
{
	if (!(e->a->has & ATTR_HAS_AIGP))
		return;
	attr_hdr(e->w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_AIGP, 11);
	wbuf_put_u8(e->w, 1);
	wbuf_put_u16(e->w, 11);
	wbuf_put_u64(e->w, e->a->aigp);
}

static void
enc_large_communities(struct enc *e)
{
	if (e->a->nlcomms == 0)
		return;
	attr_hdr(e->w, ATTR_F_OT, BGP_ATTR_LARGE_COMMUNITIES,
	    e->a->nlcomms * 12);
	for (size_t i = 0; i < e->a->nlcomms; i++) {
		wbuf_put_u32(e->w, e->a->lcomms[i].global);
		wbuf_put_u32(e->w, e->a->lcomms[i].local1);
		wbuf_put_u32(e->w, e->a->lcomms[i].local2);
	}
}

/* Known attributes in type-code order. */
static const struct {
	uint8_t	  code;
	void	(*put)(struct enc *);
} enc_table[] = {
	{ BGP_ATTR_ORIGIN, enc_origin },
	{ BGP_ATTR_AS_PATH, enc_aspath },
	{ BGP_ATTR_NEXT_HOP, enc_nexthop },
	{ BGP_ATTR_MED, enc_med },
	{ BGP_ATTR_LOCAL_PREF, enc_local_pref },
	{ BGP_ATTR_ATOMIC_AGGREGATE, enc_atomic },
	{ BGP_ATTR_AGGREGATOR, enc_aggregator },
	{ BGP_ATTR_COMMUNITIES, enc_communities },
	{ BGP_ATTR_ORIGINATOR_ID, enc_originator },
	{ BGP_ATTR_CLUSTER_LIST, enc_cluster_list },
	{ BGP_ATTR_MP_REACH_NLRI, enc_mp_reach },
	{ BGP_ATTR_EXT_COMMUNITIES, enc_ext_communities },
	{ BGP_ATTR_AS4_PATH, enc_as4_path },
	{ BGP_ATTR_AS4_AGGREGATOR, enc_as4_aggregator },
	{ BGP_ATTR_AIGP, enc_aigp },
	{ BGP_ATTR_LARGE_COMMUNITIES, enc_large_communities },
};

/* An opaque attribute, with its configured flags. */
static void
enc_raw(struct wbuf *w, const struct attr_raw *r)
{
	uint8_t flags = r->flags;

	if (flags & BGP_ATTR_F_EXTLEN) {
		wbuf_put_u8(w, flags);
		wbuf_put_u8(w, r->code);
		wbuf_put_u16(w, r->len);
	} else
		attr_hdr(w, flags, r->code, r->len);
	wbuf_put_bytes(w, r->data, r->len);
}

/* The AS_PATH to send (see attrs_encode() in update.h). */
static void
enc_pick_path(struct enc *e)
{
	if (e->a->has & ATTR_HAS_AS_PATH) {
		e->path = e->a->aspath;
		e->path_len = e->a->aspath_len;
	} else if (e->ctx->ibgp) {
		e->path = NULL;
		e->path_len = 0;
	} else {
		e->local_path[0] = BGP_ASPATH_SEQUENCE;
		e->local_path[1] = 1;
		be32_put(&e->local_path[2], e->ctx->local_as);
		e->path = e->local_path;
		e->path_len = sizeof(e->local_path);
	}
}

int
attrs_encode(struct wbuf *w, const struct attrs *a,
    const struct attr_encode_ctx *ctx, enum family_id fam,
    const uint8_t *mp_nlri, size_t mp_nlri_len)
{
	struct enc e = { .w = w, .a = a, .ctx = ctx, .fam = fam,
		.mp_nlri = mp_nlri, .mp_nlri_len = mp_nlri_len };
	size_t k = 0, r = 0, nk = sizeof(enc_table) / sizeof(enc_table[0]);

	enc_pick_path(&e);
	/*
	 * Merge the known attributes with the opaque ones by code. An
	 * opaque attribute with a known code replaces the structured one,
	 * so a code is never written twice.
	 */
	while (k < nk || r < a->nraws) {
		if (r < a->nraws &&
		    (k == nk || a->raws[r].code <= enc_table[k].code)) {
			if (k < nk && a->raws[r].code == enc_table[k].code)
				k++;
			enc_raw(w, &a->raws[r++]);
		} else
			enc_table[k++].put(&e);
	}
	return w->err ? -1 : 0;
}

int
update_encode_v4(struct wbuf *w, const uint8_t *withdrawn,
    size_t withdrawn_len, const uint8_t *attrs, size_t attr_len,
    const uint8_t *nlri, size_t nlri_len)
{
	size_t start = w->len;

	if (withdrawn_len > 0xffff || attr_len > 0xffff) {
		w->err = true;
		return -1;
	}
	msg_begin(w, BGP_MSG_UPDATE);
	wbuf_put_u16(w, (uint16_t)withdrawn_len);
	wbuf_put_bytes(w, withdrawn, withdrawn_len);
	wbuf_put_u16(w, (uint16_t)attr_len);
	wbuf_put_bytes(w, attrs, attr_len);
	wbuf_put_bytes(w, nlri, nlri_len);
	return msg_finish(w, start);
}

int
update_encode_mp_unreach(struct wbuf *w, enum family_id fam,
    const uint8_t *nlri, size_t nlri_len)
{
	size_t start = w->len;

	if (nlri_len > 0xffff - 7) {
		w->err = true;
		return -1;
	}
	msg_begin(w, BGP_MSG_UPDATE);
	wbuf_put_u16(w, 0);
	wbuf_put_u16(w, (uint16_t)(4 + 3 + nlri_len));
	/* ExaBGP always uses the extended length here */
	wbuf_put_u8(w, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_EXTLEN);
	wbuf_put_u8(w, BGP_ATTR_MP_UNREACH_NLRI);
	wbuf_put_u16(w, (uint16_t)(3 + nlri_len));
	wbuf_put_u16(w, family_afi(fam));
	wbuf_put_u8(w, family_safi(fam));
	wbuf_put_bytes(w, nlri, nlri_len);
	return msg_finish(w, start);
}

bool
attrs_nexthop_encodable(const struct attrs *a,
    const struct attr_encode_ctx *ctx, enum family_id fam)
{
	const struct bgp_addr *nh;

	if (fam == FAM_IPV4_UNICAST) {
		/* the classic NEXT_HOP field holds an IPv4 address only */
		if (!a->nexthop_self && !(a->has & ATTR_HAS_NEXT_HOP))
			return true;
		nh = a->nexthop_self ? &ctx->local_v4 : &a->nexthop;
		return nh->afi == BGP_AFI_IPV4;
	}
	/* MP_REACH: any next hop (IPv4 ones are mapped for IPv6) */
	if (a->nexthop_self)
		return ctx->local_v4.afi != 0 || ctx->local_v6.afi != 0;
	return a->nexthop.afi != 0;
}

size_t
update_route_size(const struct attrs *a, const struct attr_encode_ctx *ctx,
    enum family_id fam, size_t nlri_len)
{
	static uint8_t scratch[BGP_MAX_EXT_MSG];
	bool v4 = fam == FAM_IPV4_UNICAST;
	struct wbuf w;
	size_t need;

	wbuf_init(&w, scratch, sizeof(scratch));
	if (attrs_encode(&w, a, ctx, fam, v4 ? NULL : scratch, 0) == -1 ||
	    w.err)
		return 0;
	/* header, two length fields, attributes, NLRI; an MP_REACH length
	 * may need its second octet once the NLRI is in */
	need = BGP_HEADER_LEN + 4 + w.len + nlri_len + (v4 ? 0 : 1);
	return need <= BGP_MAX_EXT_MSG ? need : 0;
}

int
update_encode_eor(struct wbuf *w, enum family_id fam)
{
	/* RFC 4724 §2 */
	if (fam == FAM_IPV4_UNICAST)
		return update_encode_v4(w, NULL, 0, NULL, 0, NULL, 0);
	return update_encode_mp_unreach(w, fam, NULL, 0);
}
