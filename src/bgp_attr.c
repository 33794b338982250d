/*
 * Path attributes (see bgp_attr.h): the table of the attributes evbgp
 * knows, their decoders (RFC 7606 verdicts), encoders (ExaBGP's bytes),
 * and their JSON and text forms.
 *
 * Decoding walks the attributes through the table (BIRD's
 * bgp_attr_table idea): expected flag bits, what a malformed attribute
 * costs (withdraw or discard), and a value parser that sees only its own
 * bytes through a bounded sub-reader. Encoding, JSON and text walk the
 * same table in type-code order, interleaving the opaque attributes a
 * set carries (an opaque attribute with a known code replaces the
 * structured one, so a code is never written twice).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/bgpls.h"
#include "evbgp/nlri.h"
#include "evbgp/srpolicy.h"
#include "evbgp/update.h"

#include "update_priv.h"

#define ATTR_F_OT	(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

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

/* A JSON object being written: whether a member precedes. */
struct jw {
	struct sbuf	*o;
	bool		 first;
	bool		 v6;	/* main's dialect (bgp_attr_json6) */
	bool		 nh;	/* main: "next-hop" in code order */
};

struct attr_desc;

/* Returns NULL when the value is fine, else why it is malformed. */
typedef const char *attr_decode_fn(struct upd_state *, struct rbuf *v,
    uint8_t flags, uint8_t code);
typedef void attr_encode_fn(struct enc *, const struct attr_desc *);
/* r: the attribute's bytes when the set keeps it opaque (has == 0) */
typedef void attr_json_fn(struct jw *, const struct attrs *,
    const struct attr_raw *r);
typedef void attr_text_fn(struct sbuf *, const struct attrs *,
    const struct attr_raw *r, enum attr_text_style);

/* One attribute evbgp knows. */
struct attr_desc {
	uint8_t		 code;
	const char	*name;
	uint8_t		 flags;		/* Optional/Transitive: expected and
					   sent */
	uint8_t		 bad;		/* enum attr_bad (RFC 7606 §7) */
	bool		 ibgp_only;	/* from eBGP: discard (RFC 7606 §7.5,
					   §7.9, §7.10) */
	bool		 old_only;	/* from a 4-octet speaker: discard
					   (RFC 6793 §9) */
	uint32_t	 has;		/* ATTR_HAS_* when decoded into fields,
					   0 when kept opaque */
	attr_decode_fn	*decode;
	attr_encode_fn	*encode;
	attr_json_fn	*json;		/* NULL: not in ExaBGP's JSON */
	attr_text_fn	*text;		/* NULL: not in the text form */
};

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

/*
 * RFC 8669 §3: Prefix-SID TLVs (type, 2-octet length, value). Framing,
 * and the lengths of the two TLVs RFC 8669 defines (Label-Index: 7,
 * Originator SRGB: 2 + 6k), are checked, and RFC 9252's SRv6 service
 * TLVs down to their sub-sub-TLVs; unknown TLVs are kept (§3: ignored
 * and propagated).
 */
#define SRV6_SID_INFO_LEN	21	/* reserved, SID, flags, behavior,
					   reserved */

static bool
tlv_framed(const uint8_t *p, size_t len, bool (*check)(const uint8_t *, size_t,
    uint8_t))
{
	while (len > 0) {
		size_t l;

		if (len < 3)
			return false;
		l = (size_t)p[1] << 8 | p[2];
		if (l > len - 3)
			return false;
		if (check != NULL && !check(p + 3, l, p[0]))
			return false;
		p += 3 + l;
		len -= 3 + l;
	}
	return true;
}

/* RFC 9252 §3.2.1: the SID Structure sub-sub-TLV is 6 octets */
static bool
srv6_subsub_ok(const uint8_t *v, size_t l, uint8_t type)
{
	return type != 1 || l == 6;
}

/* RFC 9252 §3.1: SID Information sub-TLV: reserved, SID (16), flags,
 * behavior (2), reserved, then its sub-sub-TLVs, all framed */
static bool
srv6_sub_ok(const uint8_t *v, size_t l, uint8_t type)
{
	if (type != 1)
		return true;
	return l >= SRV6_SID_INFO_LEN &&
	    tlv_framed(v + SRV6_SID_INFO_LEN, l - SRV6_SID_INFO_LEN,
	    srv6_subsub_ok);
}

/* The RFC 9252 service TLVs (5 and 6, but ExaBGP 4.2's 21-octet TLV 5):
 * a reserved octet, then sub-TLVs, all framed. */
static bool
psid_tlv_ok(const uint8_t *v, size_t l, uint8_t type)
{
	if (type == 1)
		return l == 7;
	if (type == 3)
		return l >= 2 && (l - 2) % 6 == 0;
	if ((type == 5 && l != 21) || type == 6)
		return l >= 1 && tlv_framed(v + 1, l - 1, srv6_sub_ok);
	return true;
}

static bool
prefix_sid_ok(const uint8_t *p, size_t len)
{
	return tlv_framed(p, len, psid_tlv_ok);
}

static const char *
parse_prefix_sid(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	/* RFC 8669 §6: a malformed Prefix-SID is discarded */
	if (!prefix_sid_ok(rbuf_ptr(v), rbuf_left(v)))
		return "Prefix-SID TLVs";
	keep_raw(s, v, flags, code);
	return NULL;
}

/* RFC 9552 §5.3: TLVs (type, length, value) each inside the attribute */
static const char *
parse_bgp_ls(struct upd_state *s, struct rbuf *v, uint8_t flags, uint8_t code)
{
	if (!bgpls_attr_ok(rbuf_ptr(v), rbuf_left(v)))
		return "BGP-LS attribute TLVs";
	keep_raw(s, v, flags, code);
	return NULL;
}

/* RFC 9012 §2: tunnel TLVs and their sub-TLVs, each inside its parent */
static const char *
parse_tunnel_encap(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	if (!srpolicy_tunnel_ok(rbuf_ptr(v), rbuf_left(v)))
		return "Tunnel Encapsulation TLVs";
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
	    nlri_family((enum family_id)f) == NULL)
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

/* NLRI framed but malformed (flowspec): ignored, counted for the log */
static void
note_ignored(struct update_msg *m, size_t ignored, const char *why)
{
	if (ignored == 0)
		return;
	if (m->nlri_ignored == 0)
		m->nlri_ignored_why = why;
	m->nlri_ignored += ignored;
}

static const char *
parse_mp_reach(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct update_msg *m = s->m;
	struct bgp_addr g, ll;
	const char *why = NULL;
	size_t ignored;
	struct rbuf nh;
	uint8_t nhlen, reserved;
	int f, rc;

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
	if ((rc = nlri_nexthop_get(f, nh, &g, &ll, &why)) == -1) {
		mp_reset(s, "MP_REACH_NLRI next hop length", code);
		return NULL;
	}
	if (nlri_field_check(*v, f, FAMSET_HAS(s->ctx->addpath_rx, f), false,
	    NULL, &ignored, &why) == -1) {
		mp_reset(s, why, code);
		return NULL;
	}
	note_ignored(m, ignored, why);
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
	/* the NLRI are located: a bad next hop withdraws them */
	return rc == 1 ? why : NULL;
}

static const char *
parse_mp_unreach(struct upd_state *s, struct rbuf *v, uint8_t flags,
    uint8_t code)
{
	struct update_msg *m = s->m;
	const char *why = NULL;
	size_t ignored;
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
	if (nlri_field_check(*v, f, FAMSET_HAS(s->ctx->addpath_rx, f), true,
	    NULL, &ignored, &why) == -1) {
		mp_reset(s, why, code);
		return NULL;
	}
	note_ignored(m, ignored, why);
	m->mp_unreach_fam = f;
	m->mp_unreach_nlri = *v;
	return NULL;
}

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
enc_origin(struct enc *e, const struct attr_desc *d)
{
	attr_hdr(e->w, d->flags, d->code, 1);
	wbuf_put_u8(e->w, (e->a->has & ATTR_HAS_ORIGIN) ? e->a->origin :
	    BGP_ORIGIN_IGP);
}

static void
enc_aspath(struct enc *e, const struct attr_desc *d)
{
	size_t asnlen = e->ctx->asn4 ? 4 : 2;

	attr_hdr(e->w, d->flags, d->code,
	    aspath_size(e->path, e->path_len, asnlen, false));
	aspath_put(e->w, e->path, e->path_len, asnlen, false);
}

/* The next hop to send, "self" resolved; NULL when there is none. */
static const struct bgp_addr *
enc_nh(const struct enc *e)
{
	const struct attrs *a = e->a;

	if (a->nexthop_self)
		return family_afi(e->fam) == BGP_AFI_IPV6 ||
		    e->ctx->local_v4.afi == 0 ? &e->ctx->local_v6 :
		    &e->ctx->local_v4;
	return (a->has & ATTR_HAS_NEXT_HOP) ? &a->nexthop : NULL;
}

/*
 * NEXT_HOP: the classic field of IPv4 unicast; and, as ExaBGP does, for
 * every family of the route syntax (NLRI_F_NEXTHOP_ATTR) whose next hop
 * is IPv4, beside the one in MP_REACH_NLRI (and in withdrawals that
 * carry attributes). A classic IPv4 route needs an IPv4 next hop.
 */
static void
enc_nexthop(struct enc *e, const struct attr_desc *d)
{
	const struct nlri_family *f = nlri_family(e->fam);
	const struct bgp_addr *nh = enc_nh(e);

	if (nh == NULL || f == NULL || !(f->flags & NLRI_F_NEXTHOP_ATTR))
		return;
	if (nh->afi != BGP_AFI_IPV4) {
		if (e->fam == FAM_IPV4_UNICAST && e->mp_nlri == NULL)
			e->w->err = true;
		return;
	}
	attr_hdr(e->w, d->flags, d->code, 4);
	wbuf_put_bytes(e->w, nh->b, 4);
}

static void
enc_u32(struct enc *e, const struct attr_desc *d, uint32_t v)
{
	attr_hdr(e->w, d->flags, d->code, 4);
	wbuf_put_u32(e->w, v);
}

static void
enc_med(struct enc *e, const struct attr_desc *d)
{
	if (e->a->has & ATTR_HAS_MED)
		enc_u32(e, d, e->a->med);
}

static void
enc_local_pref(struct enc *e, const struct attr_desc *d)
{
	/* RFC 4271 §5.1.5: iBGP only; ExaBGP's default is 100 */
	if (!e->ctx->ibgp)
		return;
	enc_u32(e, d,
	    (e->a->has & ATTR_HAS_LOCAL_PREF) ? e->a->local_pref : 100);
}

static void
enc_atomic(struct enc *e, const struct attr_desc *d)
{
	if (e->a->has & ATTR_HAS_ATOMIC_AGGR)
		attr_hdr(e->w, d->flags, d->code, 0);
}

static void
enc_aggregator(struct enc *e, const struct attr_desc *d)
{
	uint32_t as = e->a->aggregator_as;

	if (!(e->a->has & ATTR_HAS_AGGREGATOR))
		return;
	attr_hdr(e->w, d->flags, d->code, e->ctx->asn4 ? 8 : 6);
	if (e->ctx->asn4)
		wbuf_put_u32(e->w, as);
	else
		wbuf_put_u16(e->w, as > 0xffff ? BGP_AS_TRANS : (uint16_t)as);
	wbuf_put_u32(e->w, e->a->aggregator_id);
}

static void
enc_communities(struct enc *e, const struct attr_desc *d)
{
	if (e->a->ncomms == 0)
		return;
	attr_hdr(e->w, d->flags, d->code, e->a->ncomms * 4);
	for (size_t i = 0; i < e->a->ncomms; i++)
		wbuf_put_u32(e->w, e->a->comms[i]);
}

static void
enc_originator(struct enc *e, const struct attr_desc *d)
{
	if (e->a->has & ATTR_HAS_ORIGINATOR_ID)
		enc_u32(e, d,
		    e->a->originator_id);
}

static void
enc_cluster_list(struct enc *e, const struct attr_desc *d)
{
	if (e->a->nclusters == 0)
		return;
	attr_hdr(e->w, d->flags, d->code,
	    e->a->nclusters * 4);
	for (size_t i = 0; i < e->a->nclusters; i++)
		wbuf_put_u32(e->w, e->a->clusters[i]);
}

/*
 * RFC 4760 §3: AFI, SAFI, next hop, reserved octet, NLRI. The next hop
 * is the family's form of the route's own (nlri_nexthop_put: an RD of
 * zeros first for VPN, 4 octets for an IPv4 next hop whatever the
 * family, as ExaBGP sends it, 16 or 32 for IPv6).
 */
static void
enc_mp_reach(struct enc *e, const struct attr_desc *d)
{
	static const struct bgp_addr none;
	const struct bgp_addr *g = enc_nh(e);
	const struct bgp_addr *ll = e->a->nexthop_self ? NULL :
	    &e->a->nexthop_ll;
	uint8_t nh[64];
	struct wbuf nw;

	if (e->mp_nlri == NULL)
		return;
	/* draft-ietf-idr-linklocal-capability: with the capability, a
	 * global IPv6 next hop is followed by our link-local address
	 * (RFC 2545 §3's 32 octets); a link-local one goes alone */
	if ((ll == NULL || ll->afi == 0) && e->ctx->local_ll.afi != 0 &&
	    family_afi(e->fam) == BGP_AFI_IPV6 && g != NULL &&
	    g->afi == BGP_AFI_IPV6 && !addr_is_link_local(g))
		ll = &e->ctx->local_ll;
	wbuf_init(&nw, nh, sizeof(nh));
	if (nlri_nexthop_put(&nw, e->fam, g != NULL ? g : &none, ll,
	    FAMSET_HAS(e->ctx->ext_nexthop, e->fam)) == -1) {
		e->w->err = true;
		return;
	}
	attr_hdr(e->w, d->flags, d->code, 4 + nw.len + e->mp_nlri_len);
	wbuf_put_u16(e->w, family_afi(e->fam));
	wbuf_put_u8(e->w, family_safi(e->fam));
	wbuf_put_bytes(e->w, nh, nw.len);
	wbuf_put_u8(e->w, 0);
	wbuf_put_bytes(e->w, e->mp_nlri, e->mp_nlri_len);
}

static void
enc_ext_communities(struct enc *e, const struct attr_desc *d)
{
	if (e->a->necomms == 0)
		return;
	attr_hdr(e->w, d->flags, d->code, e->a->necomms * 8);
	for (size_t i = 0; i < e->a->necomms; i++)
		wbuf_put_u64(e->w, e->a->ecomms[i]);
}

/* RFC 6793 §4.2.2: the real path, only when AS_TRANS stood in for one. */
static void
enc_as4_path(struct enc *e, const struct attr_desc *d)
{
	if (e->ctx->asn4 || !aspath_wide(e->path, e->path_len))
		return;
	attr_hdr(e->w, d->flags, d->code,
	    aspath_size(e->path, e->path_len, 4, true));
	aspath_put(e->w, e->path, e->path_len, 4, true);
}

static void
enc_as4_aggregator(struct enc *e, const struct attr_desc *d)
{
	if (e->ctx->asn4 || !(e->a->has & ATTR_HAS_AGGREGATOR) ||
	    e->a->aggregator_as <= 0xffff)
		return;
	attr_hdr(e->w, d->flags, d->code, 8);
	wbuf_put_u32(e->w, e->a->aggregator_as);
	wbuf_put_u32(e->w, e->a->aggregator_id);
}

/* RFC 7311 §3: one AIGP TLV, type 1, length 11. */
static void
enc_aigp(struct enc *e, const struct attr_desc *d)
{
	if (!(e->a->has & ATTR_HAS_AIGP))
		return;
	attr_hdr(e->w, d->flags, d->code, 11);
	wbuf_put_u8(e->w, 1);
	wbuf_put_u16(e->w, 11);
	wbuf_put_u64(e->w, e->a->aigp);
}

static void
enc_large_communities(struct enc *e, const struct attr_desc *d)
{
	if (e->a->nlcomms == 0)
		return;
	attr_hdr(e->w, d->flags, d->code,
	    e->a->nlcomms * 12);
	for (size_t i = 0; i < e->a->nlcomms; i++) {
		wbuf_put_u32(e->w, e->a->lcomms[i].global);
		wbuf_put_u32(e->w, e->a->lcomms[i].local1);
		wbuf_put_u32(e->w, e->a->lcomms[i].local2);
	}
}

/* ---- formatting: shared pieces ---- */

static void
put_u64(struct sbuf *o, uint64_t v)
{
	char buf[24];
	size_t n = sizeof(buf);

	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sbuf_add(o, buf + n, sizeof(buf) - n);
}

/* A host-order IPv4 value as a dotted quad. */
static void
put_ip4(struct sbuf *o, uint32_t v)
{
	sbuf_printf(o, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff,
	    (v >> 8) & 0xff, v & 0xff);
}

static void
put_hex(struct sbuf *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	sbuf_add(o, "0x", 2);
	for (size_t i = 0; i < n; i++) {
		sbuf_addc(o, digits[p[i] >> 4]);
		sbuf_addc(o, digits[p[i] & 15]);
	}
}

typedef void asn_fn(uint32_t, void *);

/* ASNs in the segments of one type. */
static size_t
seg_count(const uint8_t *segs, size_t len, uint8_t want)
{
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0, n = 0;

	while (attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0)
		if (type == want)
			n += count;
	return n;
}

/* The first max ASNs of the segments of one type. */
static void
seg_each(const uint8_t *segs, size_t len, uint8_t want, size_t max,
    asn_fn *fn, void *arg)
{
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0;

	while (max > 0 &&
	    attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0) {
		if (type != want)
			continue;
		for (uint8_t k = 0; k < count && max > 0; k++, max--)
			fn(be32_get(asns + 4 * k), arg);
	}
}

/*
 * The ASNs of the AS_PATH segments of one type, merged with AS4_PATH as
 * RFC 6793 §4.2.3 (and 4.2's merge_attributes) do: the leading AS_PATH
 * entries the AS4_PATH does not cover, then the AS4_PATH ones. Returns
 * the number of ASNs given to fn.
 */
static size_t
aspath_each(const struct attrs *a, uint8_t type, asn_fn *fn, void *arg)
{
	size_t n2 = seg_count(a->aspath, a->aspath_len, type), n4 = 0;

	if (a->has & ATTR_HAS_AS4_PATH)
		n4 = seg_count(a->as4path, a->as4path_len, type);
	if (n4 == 0 || n2 < n4) {
		seg_each(a->aspath, a->aspath_len, type, n2, fn, arg);
		return n2;
	}
	seg_each(a->aspath, a->aspath_len, type, n2 - n4, fn, arg);
	seg_each(a->as4path, a->as4path_len, type, n4, fn, arg);
	return n2;
}

/* AGGREGATOR, or AS4_AGGREGATOR when that one says AS_TRANS. */
static void
aggregator_of(const struct attrs *a, uint32_t *as, uint32_t *id)
{
	*as = a->aggregator_as;
	*id = a->aggregator_id;
	/* RFC 6793 §4.2.3 */
	if ((a->has & ATTR_HAS_AS4_AGGREGATOR) && *as == BGP_AS_TRANS) {
		*as = a->as4_aggregator_as;
		*id = a->as4_aggregator_id;
	}
}

static float
bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* Is this float printable and read back bit-identical? */
static bool
ec_float_ok(uint32_t u)
{
	float f = bits_float(u);

	return isfinite(f) && f >= 0;
}

/*
 * The flowspec action communities as 4.2 prints them in events. 4.2
 * looks communities up by (type & 0x0f, subtype), so the same spelling
 * covers its transitive and non-transitive variants (and the 0x00
 * types that share a subtype). Returns false when the value is none of
 * them.
 */
static bool
ec_flow_event(struct sbuf *o, uint64_t ec)
{
	uint8_t type = (uint8_t)(ec >> 56) & 0x0f, sub = (uint8_t)(ec >> 48);
	uint64_t v = ec & UINT64_C(0xffffffffffff);
	static const char *const dir[] = { "0", "input", "output",
		"input-output" };

	if (type == 0 && sub == BGP_EC_S_RATE) {
		float f = bits_float((uint32_t)v);

		/* 4.2: "%d" % rate; it cannot print a NaN or infinity */
		if (!isfinite(f) || fabsf(f) >= 9.2e18f)
			return false;
		sbuf_printf(o, "rate-limit:%lld", (long long)f);
	} else if (type == 0 && sub == BGP_EC_S_ACTION) {
		bool sample = v & 0x2, terminal = v & 0x1;

		sbuf_printf(o, "action %s%s%s", sample ? "sample" : "",
		    sample && terminal ? "-" : "", terminal ? "terminal" : "");
	} else if (type == 0 && sub == BGP_EC_S_REDIRECT) {
		sbuf_printf(o, "redirect:%u:%u", (unsigned)(v >> 32),
		    (unsigned)(v & 0xffffffff));
	} else if (type == 2 && sub == BGP_EC_S_REDIRECT) {
		sbuf_printf(o, "redirect:%u:%u", (unsigned)(v >> 16),
		    (unsigned)(v & 0xffff));
	} else if (type == 0 && sub == BGP_EC_S_MARK) {
		sbuf_printf(o, "mark %u", (unsigned)(v & 0xff));
	} else if (type == 1 && sub == BGP_EC_S_NEXTHOP_IETF) {
		sbuf_adds(o, v & 1 ? "copy-to-nexthop-ietf " :
		    "redirect-to-nexthop-ietf ");
		put_ip4(o, (uint32_t)(v >> 16));
		if (v & 1)
			sbuf_adds(o, " (with copy)");
	} else if (type == (BGP_EC_T_SIMPSON & 0x0f) && sub == 0) {
		sbuf_adds(o, v & 1 ? "copy-to-nexthop" : "redirect-to-nexthop");
	} else if (type == (BGP_EC_T_INTERFACE_SET & 0x0f) &&
	    sub == BGP_EC_S_INTERFACE_SET) {
		/* 4.2 keeps 13 bits of the 14-bit group id */
		sbuf_printf(o, "interface-set:%s:%u:%u", dir[(v >> 14) & 3],
		    (unsigned)(v >> 16), (unsigned)(v & 0x1fff));
	} else
		return false;
	return true;
}

/*
 * The EVPN-era communities 4.2 names in events (looked up, like the
 * flowspec ones, by type & 0x0f and subtype): the encapsulation (RFC
 * 9012 §4.1; 4.2 writes an unknown tunnel type "encap:encap:UNKNOWN-N"),
 * the MAC mobility sequence (RFC 7432 §7.7) and the consistent-hash sort
 * order. Returns false for anything else.
 */
static bool
ec_evpn_event(struct sbuf *o, uint64_t ec)
{
	uint8_t type = (uint8_t)(ec >> 56) & 0x0f, sub = (uint8_t)(ec >> 48);
	static const char *const encaps[] = { [0] = "Default",
		[1] = "L2TPv3", [2] = "GRE", [7] = "IP-in-IP", [8] = "VXLAN",
		[9] = "NVGRE", [10] = "MPLS", [12] = "VXLAN-GPE",
		[13] = "MPLS-in-UDP" };

	if (type == 3 && sub == 0x0c) {
		unsigned t = (unsigned)(ec & 0xffff);

		if (t < sizeof(encaps) / sizeof(encaps[0]) && encaps[t])
			sbuf_printf(o, "encap:%s", encaps[t]);
		else
			sbuf_printf(o, "encap:encap:UNKNOWN-%u", t);
	} else if (type == 6 && sub == 0x00) {
		sbuf_printf(o, "mac-mobility:%u%s",
		    (unsigned)(ec & 0xffffffff),
		    ((ec >> 40) & 0xff) == 1 ? ":sticky" : "");
	} else if (type == 3 && sub == 0x14) {
		sbuf_printf(o, "consistentHashSortOrder:%u",
		    (unsigned)((ec >> 16) & 0xffffffff));
	} else
		return false;
	return true;
}

/*
 * One extended community. The route syntax parses back to the same
 * value; the event spelling differs for site of origin with a 2-octet AS
 * or an IPv4 address, which 4.2 writes "origin:AS:A.B.C.D" (the value as
 * an address) and "origin:LA:A.B.C.D" (its json4 data shows both), and
 * for the flowspec actions (ec_flow_event). A community 4.2 does not
 * know is "" in its JSON (json) and hex in its text.
 */
static void
ec_format(struct sbuf *o, uint64_t ec, enum attr_text_style style, bool json)
{
	uint8_t type = (uint8_t)(ec >> 56), sub = (uint8_t)(ec >> 48);
	uint64_t v = ec & UINT64_C(0xffffffffffff);
	const char *rt = sub == BGP_EC_S_TARGET ? "target" : "origin";
	bool target_origin = sub == BGP_EC_S_TARGET || sub == BGP_EC_S_ORIGIN;

	if (style == ATTR_TEXT_EVENT && (ec_flow_event(o, ec) ||
	    ec_evpn_event(o, ec)))
		return;
	if (style == ATTR_TEXT_EVENT && sub == BGP_EC_S_ORIGIN &&
	    type == BGP_EC_T_AS2) {
		sbuf_printf(o, "origin:%u:", (unsigned)(v >> 32));
		put_ip4(o, (uint32_t)v);
	} else if (style == ATTR_TEXT_EVENT && sub == BGP_EC_S_ORIGIN &&
	    type == BGP_EC_T_IPV4) {
		sbuf_printf(o, "origin:%u:", (unsigned)v & 0xffff);
		put_ip4(o, (uint32_t)(v >> 16));
	} else if (target_origin && type == BGP_EC_T_AS2) {
		sbuf_printf(o, "%s:%u:%u", rt, (unsigned)(v >> 32),
		    (unsigned)(v & 0xffffffff));
	} else if (target_origin && type == BGP_EC_T_IPV4) {
		sbuf_printf(o, "%s:", rt);
		put_ip4(o, (uint32_t)(v >> 16));
		sbuf_printf(o, ":%u", (unsigned)(v & 0xffff));
	} else if (target_origin && type == BGP_EC_T_AS4) {
		sbuf_printf(o, "%s:%uL:%u", rt, (unsigned)(v >> 16),
		    (unsigned)(v & 0xffff));
	} else if (type == BGP_EC_T_MUP && sub == 0) {
		/* ExaBGP main: "mup:ASN2:N" */
		sbuf_printf(o, "mup:%u:%u", (unsigned)(v >> 32),
		    (unsigned)(v & 0xffffffff));
	} else if (type == BGP_EC_T_FLOW && sub == BGP_EC_S_REDIRECT) {
		sbuf_printf(o, "redirect:%u:%u", (unsigned)(v >> 32),
		    (unsigned)(v & 0xffffffff));
	} else if (type == BGP_EC_T_FLOW_IPV4 && sub == BGP_EC_S_REDIRECT) {
		sbuf_adds(o, "redirect:");
		put_ip4(o, (uint32_t)(v >> 16));
		sbuf_printf(o, ":%u", (unsigned)(v & 0xffff));
	} else if (type == BGP_EC_T_FLOW_AS4 && sub == BGP_EC_S_REDIRECT) {
		sbuf_printf(o, "redirect:%uL:%u", (unsigned)(v >> 16),
		    (unsigned)(v & 0xffff));
	} else if (type == BGP_EC_T_FLOW && sub == BGP_EC_S_L2INFO) {
		sbuf_printf(o, "l2info:%u:%u:%u:%u", (unsigned)(v >> 40) & 0xff,
		    (unsigned)(v >> 32) & 0xff, (unsigned)(v >> 16) & 0xffff,
		    (unsigned)v & 0xffff);
	} else if (type == BGP_EC_T_NONTRANS_AS2 &&
	    sub == BGP_EC_S_BANDWIDTH && ec_float_ok((uint32_t)v)) {
		sbuf_printf(o, "bandwidth:%u:%.9g", (unsigned)(v >> 32),
		    (double)bits_float((uint32_t)v));
	} else if (type == BGP_EC_T_FLOW && sub == BGP_EC_S_RATE &&
	    (v >> 32) == 0 && ec_float_ok((uint32_t)v)) {
		sbuf_printf(o, "rate-limit:%.9g",
		    (double)bits_float((uint32_t)v));
	} else if (type == BGP_EC_T_FLOW && sub == BGP_EC_S_MARK && v <= 63) {
		sbuf_printf(o, "mark:%u", (unsigned)v);
	} else if (ec == BGP_EC_REDIRECT_NH) {
		sbuf_adds(o, "redirect-to-nexthop");
	} else if (ec == BGP_EC_COPY_NH) {
		sbuf_adds(o, "copy-to-nexthop");
	} else if (!json) {
		sbuf_printf(o, "0x%016" PRIX64, ec);
	}
}

static void
ec_text(struct sbuf *o, uint64_t ec, enum attr_text_style style)
{
	ec_format(o, ec, style, false);
}

size_t
ext_community_format(uint64_t ec, char *buf, size_t len)
{
	struct sbuf o;
	size_t n;

	sbuf_init(&o);
	ec_text(&o, ec, ATTR_TEXT_ROUTE);
	n = o.len;
	if (len > 0) {
		size_t c = n < len ? n : len - 1;

		memcpy(buf, o.p, c);
		buf[c] = '\0';
	}
	sbuf_free(&o);
	return n;
}

/* ---- JSON: ExaBGP 4.2's "attribute" object ---- */

/* Inlined where it is called: the key's length is then known when it
 * compiles (every received UPDATE's JSON has a few keys). */
static inline __attribute__((always_inline)) void
jw_key(struct jw *j, const char *key)
{
	if (!j->first)
		sbuf_addc(j->o, ',');
	j->first = false;
	sbuf_addc(j->o, '"');
	sbuf_adds(j->o, key);
	sbuf_adds(j->o, "\":");
}

static void
jw_str(struct jw *j, const char *key, const char *v)
{
	jw_key(j, key);
	sbuf_addc(j->o, '"');
	sbuf_adds(j->o, v);
	sbuf_addc(j->o, '"');
}

static void
jw_u64(struct jw *j, const char *key, uint64_t v)
{
	jw_key(j, key);
	put_u64(j->o, v);
}

static void
jw_ip4(struct jw *j, const char *key, uint32_t v)
{
	jw_key(j, key);
	sbuf_addc(j->o, '"');
	put_ip4(j->o, v);
	sbuf_addc(j->o, '"');
}

static const char *const origin_names[] = { "igp", "egp", "incomplete" };

static void
json_origin(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	char buf[8];

	if (a->origin < 3)
		jw_str(j, "origin", origin_names[a->origin]);
	else {
		snprintf(buf, sizeof(buf), "%u", a->origin);
		jw_str(j, "origin", buf);
	}
}

struct json_asn {
	struct sbuf	*o;
	bool		 first;
};

static void
json_asn_add(uint32_t asn, void *arg)
{
	struct json_asn *t = arg;

	if (!t->first)
		sbuf_addc(t->o, ',');
	t->first = false;
	put_u64(t->o, asn);
}

/* main's "as-path": {"0": {"element": ..., "value": [...]}, ...}, one
 * member per segment; main names the confederation segments
 * "as-sequence" too. */
static const char *
aspath6_element(uint8_t type)
{
	return type == BGP_ASPATH_SET ? "as-set" : "as-sequence";
}

static void
json_aspath6_seg(struct jw *j, unsigned pos, uint8_t type)
{
	if (pos > 0)
		sbuf_addc(j->o, ',');
	sbuf_printf(j->o, "\"%u\":{\"element\":\"%s\",\"value\":[", pos,
	    aspath6_element(type));
}

static void
json_aspath6(struct jw *j, const struct attrs *a)
{
	static const uint8_t types[] = { BGP_ASPATH_SEQUENCE, BGP_ASPATH_SET,
	    BGP_ASPATH_CONFED_SEQUENCE, BGP_ASPATH_CONFED_SET };
	size_t off = 0;
	unsigned pos = 0;
	uint8_t type, count;
	const uint8_t *asns;

	jw_key(j, "as-path");
	sbuf_addc(j->o, '{');
	if (a->has & ATTR_HAS_AS4_PATH) {
		/* RFC 6793 merge: one element per segment type */
		for (size_t i = 0; i < sizeof(types); i++) {
			struct json_asn t = { j->o, true };
			size_t mark = j->o->len;

			json_aspath6_seg(j, pos, types[i]);
			if (aspath_each(a, types[i], json_asn_add, &t) == 0) {
				j->o->len = mark;
				j->o->p[mark] = '\0';
				continue;
			}
			sbuf_adds(j->o, "]}");
			pos++;
		}
	} else
		while (attrs_aspath_next(a->aspath, a->aspath_len, &off, &type,
		    &asns, &count) == 0) {
			json_aspath6_seg(j, pos++, type);
			for (unsigned k = 0; k < count; k++) {
				if (k > 0)
					sbuf_addc(j->o, ',');
				put_u64(j->o, (uint32_t)asns[4 * k] << 24 |
				    (uint32_t)asns[4 * k + 1] << 16 |
				    (uint32_t)asns[4 * k + 2] << 8 |
				    asns[4 * k + 3]);
			}
			sbuf_adds(j->o, "]}");
		}
	sbuf_addc(j->o, '}');
}

/* 4.2: sequences as lists, sets only when present, no empty path. */
static void
json_aspath_render(struct jw *j, const struct attrs *a)
{
	static const struct {
		const char	*name;
		uint8_t		 type;
		bool		 always;
	} parts[] = {
		{ "as-path", BGP_ASPATH_SEQUENCE, true },
		{ "as-set", BGP_ASPATH_SET, false },
		{ "confederation-path", BGP_ASPATH_CONFED_SEQUENCE, true },
		{ "confederation-set", BGP_ASPATH_CONFED_SET, false },
	};

	if (j->v6) {
		json_aspath6(j, a);
		return;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct json_asn t = { j->o, true };
		size_t mark = j->o->len;
		bool first = j->first;

		jw_key(j, parts[i].name);
		sbuf_addc(j->o, '[');
		if (aspath_each(a, parts[i].type, json_asn_add, &t) > 0 ||
		    parts[i].always)
			sbuf_addc(j->o, ']');
		else {
			/* an absent set: take it back */
			j->o->len = mark;
			j->o->p[mark] = '\0';
			j->first = first;
		}
	}
}

/*
 * The AS path's JSON, kept for the next UPDATE with the same path: a feed
 * of one route per UPDATE repeats its path (what changes is the MED, the
 * prefix), and the path's rendering was a twentieth of a received
 * UPDATE's cost. Keyed by the path's octets (AS_PATH, AS4_PATH when
 * present) and the dialect; the text kept starts after the key's comma.
 */
#define ASPATH_MEMO_MAX	256

static struct {
	bool		 used, v6, has4;
	uint16_t	 len, len4;
	uint8_t		 path[ASPATH_MEMO_MAX], path4[ASPATH_MEMO_MAX];
	struct sbuf	 text;
} aspath_memo;

static bool
aspath_memo_hit(const struct attrs *a, bool v6, bool has4)
{
	return aspath_memo.used && aspath_memo.v6 == v6 &&
	    aspath_memo.has4 == has4 && aspath_memo.len == a->aspath_len &&
	    memcmp(aspath_memo.path, a->aspath, a->aspath_len) == 0 &&
	    (!has4 || (aspath_memo.len4 == a->as4path_len &&
	    (a->as4path_len == 0 ||
	    memcmp(aspath_memo.path4, a->as4path, a->as4path_len) == 0)));
}

static void
json_aspath(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	bool has4 = (a->has & ATTR_HAS_AS4_PATH) != 0;
	size_t mark;

	(void)r;
	if (a->aspath_len == 0)
		return;
	/* both dialects write at least one key: its comma first, so that
	 * the text is the same whichever attribute came before */
	if (!j->first)
		sbuf_addc(j->o, ',');
	j->first = true;
	if (aspath_memo_hit(a, j->v6, has4)) {
		sbuf_add(j->o, aspath_memo.text.p, aspath_memo.text.len);
		j->first = false;
		return;
	}
	mark = j->o->len;
	json_aspath_render(j, a);
	j->first = false;
	if (a->aspath_len > ASPATH_MEMO_MAX ||
	    (has4 && a->as4path_len > ASPATH_MEMO_MAX))
		return;
	if (!aspath_memo.used)
		sbuf_init(&aspath_memo.text);
	aspath_memo.used = true;
	aspath_memo.v6 = j->v6;
	aspath_memo.has4 = has4;
	aspath_memo.len = (uint16_t)a->aspath_len;
	memcpy(aspath_memo.path, a->aspath, a->aspath_len);
	aspath_memo.len4 = has4 ? (uint16_t)a->as4path_len : 0;
	if (has4 && a->as4path_len > 0)
		memcpy(aspath_memo.path4, a->as4path, a->as4path_len);
	sbuf_reset(&aspath_memo.text);
	sbuf_add(&aspath_memo.text, j->o->p + mark, j->o->len - mark);
}

/* main's NEXT_HOP member, shown when the UPDATE withdraws routes */
static void
json_nexthop6(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	char ip[ADDR_STRLEN];

	if (!j->nh)
		return;
	if (a->nexthop_self)
		jw_str(j, "next-hop", "self");
	else if (a->has & ATTR_HAS_NEXT_HOP)
		jw_str(j, "next-hop", addr_fmt(&a->nexthop, ip));
}

static void
json_med(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_u64(j, "med", a->med);
}

static void
json_local_pref(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_u64(j, "local-preference", a->local_pref);
}

static void
json_atomic(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_key(j, "atomic-aggregate");
	sbuf_adds(j->o, "true");
}

static void
json_aggregator(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	uint32_t as, id;

	aggregator_of(a, &as, &id);
	jw_key(j, "aggregator");
	sbuf_printf(j->o, "\"%" PRIu32 ":", as);
	put_ip4(j->o, id);
	sbuf_addc(j->o, '"');
}

static void
json_communities(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_key(j, "community");
	sbuf_addc(j->o, '[');
	for (size_t i = 0; i < a->ncomms; i++)
		sbuf_printf(j->o, "%s[%u,%u]", i ? "," : "", a->comms[i] >> 16,
		    a->comms[i] & 0xffff);
	sbuf_addc(j->o, ']');
}

static void
json_originator(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_ip4(j, "originator-id", a->originator_id);
}

static void
json_clusters(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_key(j, "cluster-list");
	sbuf_addc(j->o, '[');
	for (size_t i = 0; i < a->nclusters; i++) {
		sbuf_adds(j->o, i ? ",\"" : "\"");
		put_ip4(j->o, a->clusters[i]);
		sbuf_addc(j->o, '"');
	}
	sbuf_addc(j->o, ']');
}

/* Where ExaBGP main's JSON spells a community otherwise than 4.2's. */
static bool
ec_format6(struct sbuf *o, uint64_t ec)
{
	uint8_t type = (uint8_t)(ec >> 56), sub = (uint8_t)(ec >> 48);
	uint64_t v = ec & UINT64_C(0xffffffffffff);

	if (type == BGP_EC_T_IPV4 && sub == BGP_EC_S_ORIGIN) {
		/* main: address, then local administrator */
		sbuf_adds(o, "origin:");
		put_ip4(o, (uint32_t)(v >> 16));
		sbuf_printf(o, ":%u", (unsigned)(v & 0xffff));
	} else if (type == BGP_EC_T_FLOW && sub == BGP_EC_S_RATE_PACKETS &&
	    (v >> 32) == 0 && ec_float_ok((uint32_t)v)) {
		sbuf_printf(o, "rate-limit:%.9g:packets",
		    (double)bits_float((uint32_t)v));
	} else
		return false;
	return true;
}

static void
json_ext_communities(struct jw *j, const struct attrs *a,
    const struct attr_raw *r)
{
	jw_key(j, "extended-community");
	sbuf_addc(j->o, '[');
	for (size_t i = 0; i < a->necomms; i++) {
		uint64_t ec = a->ecomms[i];
		uint8_t type = (uint8_t)(ec >> 56);

		sbuf_adds(j->o, i ? ",{\"value\":" : "{\"value\":");
		put_u64(j->o, ec);
		sbuf_adds(j->o, ",\"string\":\"");
		/* every spelling is plain ASCII: nothing to escape */
		if (!j->v6 || !ec_format6(j->o, ec))
			ec_format(j->o, ec, ATTR_TEXT_EVENT, true);
		sbuf_addc(j->o, '"');
		/* main: whether an interface-set community is transitive */
		if (j->v6 && (type & ~0x40) == BGP_EC_T_INTERFACE_SET &&
		    (uint8_t)(ec >> 48) == BGP_EC_S_INTERFACE_SET)
			sbuf_adds(j->o, type & 0x40 ? ",\"transitive\":false" :
			    ",\"transitive\":true");
		sbuf_addc(j->o, '}');
	}
	sbuf_addc(j->o, ']');
}

static void
json_aigp(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	jw_u64(j, "aigp", a->aigp);
}

static void
json_large_communities(struct jw *j, const struct attrs *a,
    const struct attr_raw *r)
{
	jw_key(j, "large-community");
	sbuf_addc(j->o, '[');
	for (size_t i = 0; i < a->nlcomms; i++)
		sbuf_printf(j->o, "%s[%u,%u,%u]", i ? "," : "",
		    a->lcomms[i].global, a->lcomms[i].local1,
		    a->lcomms[i].local2);
	sbuf_addc(j->o, ']');
}

/*
 * The PMSI Tunnel attribute (RFC 6514 §5) as 4.2 prints it:
 * "pmsi:TYPE:FLAGS:LABEL:TUNNEL". TYPE is the IANA name without blanks,
 * lower case; LABEL is the 20-bit label with the raw 24-bit field after
 * it ("6(100)": a VXLAN VNI is the raw field), "0" when it is zero, and
 * the label alone for "No tunnel"; TUNNEL is the IPv4 address for
 * ingress replication, else the identifier in hex. False for what 4.2
 * cannot parse (it then fails the UPDATE): the generic form is kept.
 */
static bool
pmsi_format(struct sbuf *o, const uint8_t *p, size_t len)
{
	static const char *const names[] = { "notunnel", "rsvp-tep2mplsp",
		"mldpp2mplsp", "pim-ssmtree", "pim-smtree", "bidir-pimtree",
		"ingressreplication", "mldpmp2mplsp" };
	uint32_t raw, label;
	uint8_t type;

	if (len < 5)
		return false;
	type = p[1];
	if (type == 6 && len != 9)
		return false;
	raw = (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	label = raw >> 4;
	sbuf_printf(o, "pmsi:%s:%u:", type < 8 ? names[type] : "unknown",
	    (unsigned)p[0]);
	if (type == 0 || raw == 0)
		sbuf_printf(o, "%u:", (unsigned)label);
	else
		sbuf_printf(o, "%u(%u):", (unsigned)label, (unsigned)raw);
	if (type == 6) {
		put_ip4(o, (uint32_t)p[5] << 24 | (uint32_t)p[6] << 16 |
		    (uint32_t)p[7] << 8 | p[8]);
	} else if (type != 0 && len > 5) {
		put_hex(o, p + 5, len - 5);
	}
	return true;
}

static void	text_raw(struct sbuf *o, const struct attr_raw *r);

/* Events: an SR Policy in ExaBGP main's route words when they say it
 * all; the generic form otherwise (and in the route syntax, which must
 * read back the same octets) */
static void
text_tunnel_encap(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	if (style == ATTR_TEXT_EVENT && srpolicy_tunnel_text(o, r->data,
	    r->len))
		return;
	text_raw(o, r);
}

/* ExaBGP main's "bgp-ls" */
static void
json_bgp_ls(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	if (!j->first)
		sbuf_addc(j->o, ',');
	j->first = false;
	bgpls_attr_json(j->o, r->data, r->len);
}

/* ExaBGP main's "tunnel-encap" (its SR Policy tunnels) */
static void
json_tunnel_encap(struct jw *j, const struct attrs *a,
    const struct attr_raw *r)
{
	if (!j->first)
		sbuf_addc(j->o, ',');
	j->first = false;
	srpolicy_tunnel_json(j->o, r->data, r->len);
}

/* 4.2's generic form: "attribute-0xCC-0xFF": "0xHEX". */
static void
json_raw(struct jw *j, const struct attr_raw *r)
{
	char key[32];

	if (r->code == BGP_ATTR_PMSI_TUNNEL) {
		struct sbuf v;

		sbuf_init(&v);
		if (pmsi_format(&v, r->data, r->len)) {
			jw_key(j, "pmsi");
			sbuf_addc(j->o, '"');
			sbuf_add(j->o, v.p, v.len);
			sbuf_addc(j->o, '"');
			sbuf_free(&v);
			return;
		}
		sbuf_free(&v);
	}
	snprintf(key, sizeof(key), "attribute-0x%02X-0x%02X", r->code,
	    r->flags);
	jw_key(j, key);
	sbuf_addc(j->o, '"');
	put_hex(j->o, r->data, r->len);
	sbuf_addc(j->o, '"');
}

/* ---- text: " keyword value" ---- */

typedef void text_item_fn(struct sbuf *, const struct attrs *, size_t,
    enum attr_text_style);

/* " kw X" for one item, " kw [ X Y ]" for more (ExaBGP's lists). */
static void
text_list(struct sbuf *o, const char *kw, size_t n, const struct attrs *a,
    enum attr_text_style style, text_item_fn *fn)
{
	if (n == 0)
		return;
	sbuf_printf(o, " %s ", kw);
	if (n > 1)
		sbuf_adds(o, "[ ");
	for (size_t i = 0; i < n; i++) {
		fn(o, a, i, style);
		if (n > 1)
			sbuf_addc(o, ' ');
	}
	if (n > 1)
		sbuf_addc(o, ']');
}

static void
text_origin(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	if (a->origin < 3)
		sbuf_printf(o, " origin %s", origin_names[a->origin]);
	else
		sbuf_printf(o, " origin %u", a->origin);
}

static void
text_asn(uint32_t asn, void *arg)
{
	sbuf_printf(arg, "%" PRIu32 " ", asn);
}

/* "[ SEQ ( SET ) ]", ASNs merged with AS4_PATH like the JSON. */
static void
text_path_merged(struct sbuf *o, const struct attrs *a, uint8_t seq,
    uint8_t set)
{
	size_t mark;

	sbuf_adds(o, "[ ");
	(void)aspath_each(a, seq, text_asn, o);
	mark = o->len;
	sbuf_adds(o, "( ");
	if (aspath_each(a, set, text_asn, o) > 0)
		sbuf_adds(o, ") ");
	else
		o->p[o->len = mark] = '\0';
	sbuf_addc(o, ']');
}

/*
 * Events: 4.2 leaves an empty AS_PATH out and shows confederations
 * apart. Route syntax: every segment as written, sets in parentheses,
 * an empty path kept (on eBGP it differs from no path at all).
 */
static void
text_aspath(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	uint8_t type, count;
	const uint8_t *asns;
	size_t off = 0;
	bool confed = false;

	if (style == ATTR_TEXT_ROUTE) {
		sbuf_adds(o, " as-path [ ");
		while (attrs_aspath_next(a->aspath, a->aspath_len, &off,
		    &type, &asns, &count) == 0) {
			bool set = type == BGP_ASPATH_SET ||
			    type == BGP_ASPATH_CONFED_SET;

			if (set)
				sbuf_adds(o, "( ");
			for (uint8_t k = 0; k < count; k++)
				sbuf_printf(o, "%u ", be32_get(asns + 4 * k));
			if (set)
				sbuf_adds(o, ") ");
		}
		sbuf_addc(o, ']');
		return;
	}
	if (a->aspath_len == 0)
		return;
	sbuf_adds(o, " as-path ");
	text_path_merged(o, a, BGP_ASPATH_SEQUENCE, BGP_ASPATH_SET);
	while (attrs_aspath_next(a->aspath, a->aspath_len, &off, &type,
	    &asns, &count) == 0)
		confed |= type == BGP_ASPATH_CONFED_SEQUENCE ||
		    type == BGP_ASPATH_CONFED_SET;
	if (confed) {
		sbuf_adds(o, " confederation-path ");
		text_path_merged(o, a, BGP_ASPATH_CONFED_SEQUENCE,
		    BGP_ASPATH_CONFED_SET);
	}
}

static void
text_med(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	sbuf_printf(o, " med %" PRIu32, a->med);
}

static void
text_local_pref(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	sbuf_printf(o, " local-preference %" PRIu32, a->local_pref);
}

static void
text_atomic(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	sbuf_adds(o, " atomic-aggregate");
}

static void
text_aggregator(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	uint32_t as, id;

	aggregator_of(a, &as, &id);
	sbuf_printf(o, " aggregator ( %" PRIu32 ":", as);
	put_ip4(o, id);
	sbuf_adds(o, " )");
}

/* ExaBGP names only these five when printing; the rest are A:B. */
static void
item_community(struct sbuf *o, const struct attrs *a, size_t i,
    enum attr_text_style style)
{
	static const struct {
		uint32_t	 value;
		const char	*name;
	} names[] = {
		{ BGP_COMM_NO_EXPORT, "no-export" },
		{ BGP_COMM_NO_ADVERTISE, "no-advertise" },
		{ BGP_COMM_NO_EXPORT_SUBCONFED, "no-export-subconfed" },
		{ BGP_COMM_NO_PEER, "no-peer" },
		{ BGP_COMM_BLACKHOLE, "blackhole" },
	};
	uint32_t c = a->comms[i];

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (names[k].value == c) {
			sbuf_adds(o, names[k].name);
			return;
		}
	sbuf_printf(o, "%" PRIu32 ":%" PRIu32, c >> 16, c & 0xffff);
}

static void
text_communities(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	text_list(o, "community", a->ncomms, a, style, item_community);
}

static void
text_originator(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	sbuf_adds(o, " originator-id ");
	put_ip4(o, a->originator_id);
}

static void
item_cluster(struct sbuf *o, const struct attrs *a, size_t i,
    enum attr_text_style style)
{
	put_ip4(o, a->clusters[i]);
}

static void
text_clusters(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	text_list(o, "cluster-list", a->nclusters, a, style, item_cluster);
}

static void
item_ext_community(struct sbuf *o, const struct attrs *a, size_t i,
    enum attr_text_style style)
{
	ec_text(o, a->ecomms[i], style);
}

static void
text_ext_communities(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	text_list(o, "extended-community", a->necomms, a, style,
	    item_ext_community);
}

static void
text_aigp(struct sbuf *o, const struct attrs *a, const struct attr_raw *r,
    enum attr_text_style style)
{
	sbuf_printf(o, " aigp %" PRIu64, a->aigp);
}

static void
item_large(struct sbuf *o, const struct attrs *a, size_t i,
    enum attr_text_style style)
{
	sbuf_printf(o, "%" PRIu32 ":%" PRIu32 ":%" PRIu32,
	    a->lcomms[i].global, a->lcomms[i].local1, a->lcomms[i].local2);
}

static void
text_large_communities(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	text_list(o, "large-community", a->nlcomms, a, style, item_large);
}

/* ---- Prefix-SID (RFC 8669), as ExaBGP 4.2 prints it ---- */


struct psid {
	bool		 has_index;
	uint32_t	 index;
	const uint8_t	*srgb;		/* Originator SRGB pairs, 6 octets each */
	size_t		 nsrgb;
};

/* The TLVs 4.2's text shows (checked: prefix_sid_ok). */
static void
psid_read(const uint8_t *p, size_t len, struct psid *ps)
{
	memset(ps, 0, sizeof(*ps));
	while (len >= 3) {
		size_t l = (size_t)p[1] << 8 | p[2];

		if (l > len - 3)
			break;
		if (p[0] == 1 && l == 7 && !ps->has_index) {
			ps->has_index = true;
			ps->index = be32_get(p + 6);
		} else if (p[0] == 3 && l >= 2 && ps->srgb == NULL) {
			ps->srgb = p + 5;
			ps->nsrgb = (l - 2) / 6;
		}
		p += 3 + l;
		len -= 3 + l;
	}
}

static uint32_t
be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* The SID Information sub-TLVs of an RFC 9252 service TLV (checked by
 * prefix_sid_ok), as ExaBGP main shows them: "l3-service" (or
 * "l2-service"): [{"sid", "flags", "endpoint_behavior", "structure"}]. */
static void
json_srv6_service(struct sbuf *o, uint8_t type, const uint8_t *p, size_t len)
{
	bool first = true;

	sbuf_printf(o, "\"%s\":[", type == 5 ? "l3-service" : "l2-service");
	while (len >= 3) {
		size_t l = (size_t)p[1] << 8 | p[2];
		struct bgp_addr sid = { .afi = BGP_AFI_IPV6 };
		const uint8_t *v = p + 3, *q;
		char ip[ADDR_STRLEN];
		size_t ql;

		if (l > len - 3)
			break;
		if (p[0] == 1 && l >= SRV6_SID_INFO_LEN) {
			memcpy(sid.b, v + 1, 16);
			sbuf_printf(o, "%s{\"sid\":\"%s\",\"flags\":%u,"
			    "\"endpoint_behavior\":%u", first ? "" : ",",
			    addr_fmt(&sid, ip), v[17], be16_get(v + 18));
			first = false;
			q = v + SRV6_SID_INFO_LEN;
			ql = l - SRV6_SID_INFO_LEN;
			while (ql >= 3) {
				size_t sl = (size_t)q[1] << 8 | q[2];

				if (sl > ql - 3)
					break;
				if (q[0] == 1 && sl == 6)
					sbuf_printf(o, ",\"structure\":{"
					    "\"locator-block-length\":%u,"
					    "\"locator-node-length\":%u,"
					    "\"function-length\":%u,"
					    "\"argument-length\":%u,"
					    "\"transposition-length\":%u,"
					    "\"transposition-offset\":%u}",
					    q[3], q[4], q[5], q[6], q[7], q[8]);
				q += 3 + sl;
				ql -= 3 + sl;
			}
			sbuf_addc(o, '}');
		}
		p += 3 + l;
		len -= 3 + l;
	}
	sbuf_addc(o, ']');
}

/* 4.2's JSON: {"sr-label-index": N, "sr-srgbs": [[B, R], ...],
 * "sr-v6-sid": .., "srv6-vpn-sid": .., "srv6-l3vpn-sid": ..}, in TLV order,
 * "attribute-not-implemented": "T" for the others. */
static void
json_prefix_sid(struct jw *j, const struct attrs *a, const struct attr_raw *r)
{
	const uint8_t *p = r->data;
	size_t len = r->len;
	bool first = true;

	jw_key(j, "bgp-prefix-sid");
	sbuf_addc(j->o, '{');
	while (len >= 3) {
		size_t l = (size_t)p[1] << 8 | p[2];
		struct bgp_addr sid = { .afi = BGP_AFI_IPV6 };
		char ip[ADDR_STRLEN];

		if (l > len - 3)
			break;
		if (!first)
			sbuf_addc(j->o, ',');
		first = false;
		if (p[0] == 1 && l == 7)
			sbuf_printf(j->o, "\"sr-label-index\":%u",
			    be32_get(p + 6));
		else if (p[0] == 3 && l >= 2) {
			sbuf_adds(j->o, "\"sr-srgbs\":[");
			for (size_t k = 0; k < (l - 2) / 6; k++)
				sbuf_printf(j->o, "%s[%u,%u]", k ? "," : "",
				    be24(p + 5 + 6 * k), be24(p + 8 + 6 * k));
			sbuf_addc(j->o, ']');
		} else if ((p[0] == 2 || p[0] == 4) && l == 19) {
			memcpy(sid.b, p + 6, 16);
			sbuf_printf(j->o, "\"%s\":\"%s\"", p[0] == 2 ?
			    "sr-v6-sid" : "srv6-vpn-sid", addr_fmt(&sid, ip));
		} else if (p[0] == 5 && l == 21) {
			memcpy(sid.b, p + 4, 16);
			sbuf_printf(j->o, "\"srv6-l3vpn-sid\":\"%s\"",
			    addr_fmt(&sid, ip));
		} else if (p[0] == 5 || p[0] == 6)
			json_srv6_service(j->o, p[0], p + 4, l - 1);
		else
			sbuf_printf(j->o, "\"attribute-not-implemented\":"
			    "\"%u\"", p[0]);
		p += 3 + l;
		len -= 3 + l;
	}
	sbuf_addc(j->o, '}');
}

/*
 * 4.2's text: " bgp-prefix-sid [ INDEX ]" or "[ INDEX, [ ( B,R ), ... ] ]",
 * which the route syntax reads back when those are the only TLVs, in that
 * order; anything else is written in the generic form in the route
 * syntax (events show what 4.2 shows).
 */
/* The first SRv6 service TLV (RFC 9252, not 4.2's 21-octet TLV 5) of a
 * checked Prefix-SID with a SID Information sub-TLV, in ExaBGP main's
 * route syntax: " bgp-prefix-sid-srv6 ( l3-service SID 0xB [ ... ] )";
 * false when there is none. */
static bool
text_srv6_service(struct sbuf *o, const uint8_t *p, size_t len)
{
	for (size_t l; len >= 3; p += 3 + l, len -= 3 + l) {
		const uint8_t *v;
		size_t vl;

		l = (size_t)p[1] << 8 | p[2];
		if (l > len - 3)
			return false;
		if ((p[0] != 5 && p[0] != 6) || (p[0] == 5 && l == 21) || l < 4)
			continue;
		/* the first sub-TLV, after the reserved octet */
		v = p + 4;
		vl = (size_t)v[1] << 8 | v[2];
		if (v[0] != 1 || l < 4 + vl || vl < SRV6_SID_INFO_LEN)
			continue;
		v += 3;
		sbuf_printf(o, " bgp-prefix-sid-srv6 ( %s ", p[0] == 5 ?
		    "l3-service" : "l2-service");
		{
			struct bgp_addr sid = { .afi = BGP_AFI_IPV6 };
			char ip[ADDR_STRLEN];

			memcpy(sid.b, v + 1, 16);
			sbuf_printf(o, "%s 0x%02X", addr_fmt(&sid, ip),
			    be16_get(v + 18));
		}
		if (vl >= SRV6_SID_INFO_LEN + 9 && v[SRV6_SID_INFO_LEN] == 1 &&
		    be16_get(v + SRV6_SID_INFO_LEN + 1) == 6) {
			const uint8_t *st = v + SRV6_SID_INFO_LEN + 3;

			sbuf_printf(o, " [%u,%u,%u,%u,%u,%u]", st[0], st[1],
			    st[2], st[3], st[4], st[5]);
		}
		sbuf_adds(o, " )");
		return true;
	}
	return false;
}

static void
text_prefix_sid(struct sbuf *o, const struct attrs *a,
    const struct attr_raw *r, enum attr_text_style style)
{
	struct psid ps;
	size_t expect;

	psid_read(r->data, r->len, &ps);
	/* an SRv6 service alone: what it says, not 4.2's "[ None ]" */
	if (style == ATTR_TEXT_EVENT && !ps.has_index && ps.srgb == NULL &&
	    text_srv6_service(o, r->data, r->len))
		return;
	expect = ps.has_index ? 10 + (ps.srgb != NULL ? 5 + 6 * ps.nsrgb : 0) :
	    0;
	if (style == ATTR_TEXT_ROUTE && (!ps.has_index || expect != r->len ||
	    r->data[0] != 1 || (ps.srgb != NULL && ps.nsrgb == 0))) {
		text_raw(o, r);
		return;
	}
	sbuf_adds(o, " bgp-prefix-sid [ ");
	if (ps.has_index)
		sbuf_printf(o, "%u", ps.index);
	else
		sbuf_adds(o, "None");
	if (ps.srgb != NULL) {
		sbuf_adds(o, ", [ ");
		for (size_t k = 0; k < ps.nsrgb; k++)
			sbuf_printf(o, "%s( %u,%u )", k ? ", " : "",
			    be24(ps.srgb + 6 * k), be24(ps.srgb + 6 * k + 3));
		sbuf_adds(o, " ]");
	}
	sbuf_adds(o, " ]");
}

/* The generic form, both styles: " attribute [ 0xCC 0xFF 0xHEX ]". */
static void
text_raw(struct sbuf *o, const struct attr_raw *r)
{
	sbuf_printf(o, " attribute [ 0x%02X 0x%02X ", r->code, r->flags);
	put_hex(o, r->data, r->len);
	sbuf_adds(o, " ]");
}
/* ---- the table ---- */

#define T	BGP_ATTR_F_TRANSITIVE
#define O	BGP_ATTR_F_OPTIONAL

static const struct attr_desc attr_table[256] = {
	[BGP_ATTR_ORIGIN] = { .code = BGP_ATTR_ORIGIN, .name = "ORIGIN",
	    .flags = T, .bad = BAD_WITHDRAW, .has = ATTR_HAS_ORIGIN,
	    .decode = parse_origin, .encode = enc_origin,
	    .json = json_origin, .text = text_origin },
	[BGP_ATTR_AS_PATH] = { .code = BGP_ATTR_AS_PATH, .name = "AS_PATH",
	    .flags = T, .bad = BAD_WITHDRAW, .has = ATTR_HAS_AS_PATH,
	    .decode = parse_aspath, .encode = enc_aspath,
	    .json = json_aspath, .text = text_aspath },
	[BGP_ATTR_NEXT_HOP] = { .code = BGP_ATTR_NEXT_HOP, .name = "NEXT_HOP",
	    .flags = T, .bad = BAD_WITHDRAW, .has = ATTR_HAS_NEXT_HOP,
	    .decode = parse_nexthop, .encode = enc_nexthop,
	    .json = json_nexthop6 },
	[BGP_ATTR_MED] = { .code = BGP_ATTR_MED, .name = "MULTI_EXIT_DISC",
	    .flags = O, .bad = BAD_WITHDRAW, .has = ATTR_HAS_MED,
	    .decode = parse_med, .encode = enc_med,
	    .json = json_med, .text = text_med },
	[BGP_ATTR_LOCAL_PREF] = { .code = BGP_ATTR_LOCAL_PREF,
	    .name = "LOCAL_PREF", .flags = T, .bad = BAD_WITHDRAW,
	    .ibgp_only = true, .has = ATTR_HAS_LOCAL_PREF,
	    .decode = parse_local_pref, .encode = enc_local_pref,
	    .json = json_local_pref, .text = text_local_pref },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { .code = BGP_ATTR_ATOMIC_AGGREGATE,
	    .name = "ATOMIC_AGGREGATE", .flags = T, .bad = BAD_DISCARD,
	    .has = ATTR_HAS_ATOMIC_AGGR, .decode = parse_atomic,
	    .encode = enc_atomic, .json = json_atomic, .text = text_atomic },
	[BGP_ATTR_AGGREGATOR] = { .code = BGP_ATTR_AGGREGATOR,
	    .name = "AGGREGATOR", .flags = O | T, .bad = BAD_DISCARD,
	    .has = ATTR_HAS_AGGREGATOR, .decode = parse_aggregator,
	    .encode = enc_aggregator, .json = json_aggregator,
	    .text = text_aggregator },
	[BGP_ATTR_COMMUNITIES] = { .code = BGP_ATTR_COMMUNITIES,
	    .name = "COMMUNITIES", .flags = O | T, .bad = BAD_WITHDRAW,
	    .has = ATTR_HAS_COMMUNITIES, .decode = parse_communities,
	    .encode = enc_communities, .json = json_communities,
	    .text = text_communities },
	[BGP_ATTR_ORIGINATOR_ID] = { .code = BGP_ATTR_ORIGINATOR_ID,
	    .name = "ORIGINATOR_ID", .flags = O, .bad = BAD_WITHDRAW,
	    .ibgp_only = true, .has = ATTR_HAS_ORIGINATOR_ID,
	    .decode = parse_originator, .encode = enc_originator,
	    .json = json_originator, .text = text_originator },
	[BGP_ATTR_CLUSTER_LIST] = { .code = BGP_ATTR_CLUSTER_LIST,
	    .name = "CLUSTER_LIST", .flags = O, .bad = BAD_WITHDRAW,
	    .ibgp_only = true, .has = ATTR_HAS_CLUSTER_LIST,
	    .decode = parse_cluster_list, .encode = enc_cluster_list,
	    .json = json_clusters, .text = text_clusters },
	[BGP_ATTR_MP_REACH_NLRI] = { .code = BGP_ATTR_MP_REACH_NLRI,
	    .name = "MP_REACH_NLRI", .flags = O, .bad = BAD_WITHDRAW,
	    .decode = parse_mp_reach, .encode = enc_mp_reach },
	[BGP_ATTR_MP_UNREACH_NLRI] = { .code = BGP_ATTR_MP_UNREACH_NLRI,
	    .name = "MP_UNREACH_NLRI", .flags = O, .bad = BAD_WITHDRAW,
	    .decode = parse_mp_unreach },
	[BGP_ATTR_EXT_COMMUNITIES] = { .code = BGP_ATTR_EXT_COMMUNITIES,
	    .name = "EXTENDED_COMMUNITIES", .flags = O | T,
	    .bad = BAD_WITHDRAW, .has = ATTR_HAS_EXT_COMM,
	    .decode = parse_ext_communities, .encode = enc_ext_communities,
	    .json = json_ext_communities, .text = text_ext_communities },
	[BGP_ATTR_AS4_PATH] = { .code = BGP_ATTR_AS4_PATH, .name = "AS4_PATH",
	    .flags = O | T, .bad = BAD_DISCARD, .old_only = true,
	    .has = ATTR_HAS_AS4_PATH, .decode = parse_as4_path,
	    .encode = enc_as4_path },
	[BGP_ATTR_AS4_AGGREGATOR] = { .code = BGP_ATTR_AS4_AGGREGATOR,
	    .name = "AS4_AGGREGATOR", .flags = O | T, .bad = BAD_DISCARD,
	    .old_only = true, .has = ATTR_HAS_AS4_AGGREGATOR,
	    .decode = parse_as4_aggregator, .encode = enc_as4_aggregator },
	/* RFC 9012 §13: a malformed one is discarded ("attribute
	 * discard") */
	[BGP_ATTR_TUNNEL_ENCAP] = { .code = BGP_ATTR_TUNNEL_ENCAP,
	    .name = "TUNNEL_ENCAPSULATION", .flags = O | T,
	    .bad = BAD_DISCARD, .decode = parse_tunnel_encap,
	    .json = json_tunnel_encap, .text = text_tunnel_encap },
	/* RFC 9552 §8.2.2: a malformed BGP-LS attribute is discarded */
	[BGP_ATTR_BGP_LS] = { .code = BGP_ATTR_BGP_LS, .name = "BGP_LS",
	    .flags = O, .bad = BAD_DISCARD, .decode = parse_bgp_ls,
	    .json = json_bgp_ls },
	[BGP_ATTR_IPV6_EXT_COMMUNITIES] = {
	    .code = BGP_ATTR_IPV6_EXT_COMMUNITIES,
	    .name = "IPV6_EXTENDED_COMMUNITIES", .flags = O | T,
	    .bad = BAD_WITHDRAW, .decode = parse_ipv6_ext_comm },
	[BGP_ATTR_AIGP] = { .code = BGP_ATTR_AIGP, .name = "AIGP",
	    .flags = O, .bad = BAD_DISCARD, .has = ATTR_HAS_AIGP,
	    .decode = parse_aigp, .encode = enc_aigp,
	    .json = json_aigp, .text = text_aigp },
	[BGP_ATTR_LARGE_COMMUNITIES] = { .code = BGP_ATTR_LARGE_COMMUNITIES,
	    .name = "LARGE_COMMUNITY", .flags = O | T, .bad = BAD_WITHDRAW,
	    .has = ATTR_HAS_LARGE_COMM, .decode = parse_large_communities,
	    .encode = enc_large_communities, .json = json_large_communities,
	    .text = text_large_communities },
	[BGP_ATTR_PREFIX_SID] = { .code = BGP_ATTR_PREFIX_SID,
	    .name = "PREFIX_SID", .flags = O | T, .bad = BAD_DISCARD,
	    .decode = parse_prefix_sid, .json = json_prefix_sid,
	    .text = text_prefix_sid },
	[BGP_ATTR_OTC] = { .code = BGP_ATTR_OTC, .name = "OTC",
	    .flags = O | T, .bad = BAD_WITHDRAW, .decode = parse_otc },
};

#undef T
#undef O

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
	const struct attr_desc *d = &attr_table[code];
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
	if (d->decode == NULL) {
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
	if ((why = d->decode(s, v, flags, code)) != NULL)
		upd_bad(m, d->bad, code, why);
}

void
bgp_attr_walk(struct upd_state *s, struct rbuf *r)
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

/* The AS_PATH to send (see attrs_encode() in bgp_attr.h). */
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

const char *
bgp_attr_name(uint8_t code)
{
	return attr_table[code].name;
}

unsigned
bgp_attr_table_check(void)
{
	for (unsigned code = 0; code < 256; code++) {
		const struct attr_desc *d = &attr_table[code];

		if (d->name == NULL && d->decode == NULL && d->encode == NULL)
			continue;
		if (d->code != code || d->name == NULL || d->decode == NULL ||
		    (d->has == 0 && d->encode != NULL &&
		    code != BGP_ATTR_MP_REACH_NLRI))
			return code == 0 ? 256 : code;
	}
	return 0;
}

/* ---- the drivers: every attribute of a set, in type-code order ---- */

/*
 * Call fn for each code 1..255 that a has, with the opaque attribute of
 * that code when a keeps one (it replaces the structured form).
 */
typedef void attr_visit_fn(const struct attr_desc *, const struct attr_raw *,
    void *);

/* The codes 1..255 with a structured form (a has bit), ascending. */
static uint8_t	has_codes[256];
static size_t	nhas_codes;

static void
has_codes_init(void)
{
	for (unsigned code = 1; code < 256; code++)
		if (attr_table[code].has != 0)
			has_codes[nhas_codes++] = (uint8_t)code;
}

/*
 * The same walk as over every code 1..255 (a raw is visited at its code
 * while the raws ascend; one out of order ends the raws), stepping only
 * through the codes a has: the whole table's walk was ~8% of evbgpd's
 * CPU on a stream of one-route UPDATEs to a JSON helper.
 */
static void
attrs_visit(const struct attrs *a, attr_visit_fn *fn, void *arg)
{
	size_t r = 0, h = 0;
	unsigned code = 1;

	if (nhas_codes == 0)
		has_codes_init();
	while (code < 256) {
		unsigned rc = r < a->nraws ? a->raws[r].code : 256, hc;

		if (rc < code)
			rc = 256;	/* never matched again */
		while (h < nhas_codes && (has_codes[h] < code ||
		    (a->has & attr_table[has_codes[h]].has) == 0))
			h++;
		hc = h < nhas_codes ? has_codes[h] : 256;
		if (rc >= 256 && hc >= 256)
			break;
		if (rc <= hc) {
			fn(&attr_table[rc], &a->raws[r++], arg);
			code = rc + 1;
		} else {
			fn(&attr_table[hc], NULL, arg);
			code = hc + 1;
		}
	}
}

int
attrs_encode(struct wbuf *w, const struct attrs *a,
    const struct attr_encode_ctx *ctx, enum family_id fam,
    const uint8_t *mp_nlri, size_t mp_nlri_len)
{
	struct enc e = { .w = w, .a = a, .ctx = ctx, .fam = fam,
		.mp_nlri = mp_nlri, .mp_nlri_len = mp_nlri_len };
	size_t r = 0;

	enc_pick_path(&e);
	/*
	 * Encoders decide for themselves whether to write (defaults). The
	 * MP_REACH_NLRI goes last, where ExaBGP puts it (the conformance
	 * kit checks the octets); RFC 4271 §5 only says SHOULD about the
	 * order, and receivers take any.
	 */
	for (unsigned code = 1; code < 256; code++) {
		const struct attr_desc *d = &attr_table[code];

		if (r < a->nraws && a->raws[r].code == code)
			enc_raw(w, &a->raws[r++]);
		else if (d->encode != NULL && code != BGP_ATTR_MP_REACH_NLRI)
			d->encode(&e, d);
	}
	enc_mp_reach(&e, &attr_table[BGP_ATTR_MP_REACH_NLRI]);
	return w->err ? -1 : 0;
}

struct json_visit_ctx {
	struct jw		 j;
	const struct attrs	*a;
};

static void
json_visit_a(const struct attr_desc *d, const struct attr_raw *r, void *arg)
{
	struct json_visit_ctx *c = arg;

	if (r != NULL && (d->has != 0 || d->json == NULL))
		json_raw(&c->j, r);
	else if (d->json != NULL)
		d->json(&c->j, c->a, r);
}

void
bgp_attr_json(struct sbuf *out, const struct attrs *a, bool nexthop)
{
	struct json_visit_ctx c = { { out, true, false, false }, a };
	char ip[ADDR_STRLEN];

	sbuf_addc(out, '{');
	if (nexthop && a->nexthop_self)
		jw_str(&c.j, "next-hop", "self");
	else if (nexthop && (a->has & ATTR_HAS_NEXT_HOP))
		jw_str(&c.j, "next-hop", addr_fmt(&a->nexthop, ip));
	attrs_visit(a, json_visit_a, &c);
	sbuf_addc(out, '}');
}

void
bgp_attr_json6(struct sbuf *out, const struct attrs *a, bool nexthop)
{
	struct json_visit_ctx c = { { out, true, true, nexthop }, a };

	sbuf_addc(out, '{');
	attrs_visit(a, json_visit_a, &c);
	sbuf_addc(out, '}');
}

struct text_visit_ctx {
	struct sbuf		*o;
	const struct attrs	*a;
	enum attr_text_style	 style;
};

static void
text_visit(const struct attr_desc *d, const struct attr_raw *r, void *arg)
{
	struct text_visit_ctx *c = arg;

	if (r != NULL && r->code == BGP_ATTR_PMSI_TUNNEL &&
	    c->style == ATTR_TEXT_EVENT) {
		size_t at = c->o->len;

		/* 4.2's " pmsi pmsi:...": its events name the attribute */
		sbuf_adds(c->o, " pmsi ");
		if (!pmsi_format(c->o, r->data, r->len)) {
			c->o->len = at;
			c->o->p[at] = '\0';
			text_raw(c->o, r);
		}
	} else if (r != NULL && (d->has != 0 || d->text == NULL))
		text_raw(c->o, r);
	else if (d->text != NULL)
		d->text(c->o, c->a, r, c->style);
}

void
bgp_attr_text(struct sbuf *out, const struct attrs *a,
    enum attr_text_style style)
{
	struct text_visit_ctx c = { out, a, style };

	attrs_visit(a, text_visit, &c);
}
