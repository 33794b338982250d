/*
 * BGP message codec, part 2 (see update.h): UPDATE messages. The message
 * framing, the RFC 7606 verdicts, the well-known mandatory check, the
 * route walk, and the UPDATE encoders that reproduce ExaBGP's bytes; the
 * path attributes themselves are bgp_attr.c's. Decoding never stops at
 * the first problem: the strongest verdict wins (GoBGP's Stronger()).
 */
#include <stddef.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/update.h"

#include "update_priv.h"

/* ---- verdict bookkeeping ---- */

void
upd_raise(struct update_msg *m, enum update_verdict v, const char *reason,
    uint8_t code)
{
	if (v <= m->verdict)
		return;
	m->verdict = v;
	m->reason = reason;
	m->reason_attr = code;
}

void
upd_reset(struct update_msg *m, uint8_t subcode, const uint8_t *data,
    size_t datalen, const char *reason, uint8_t code)
{
	if (m->verdict == UPD_SESSION_RESET)
		return;
	/* RFC 4271 §6.3: the erroneous attribute, whole, from the message */
	bgp_err_ref(&m->err, BGP_ERR_UPDATE, subcode, data, datalen);
	upd_raise(m, UPD_SESSION_RESET, reason, code);
}

void
upd_discard(struct update_msg *m, uint8_t code, const char *reason)
{
	if (m->ndiscarded < sizeof(m->discarded))
		m->discarded[m->ndiscarded++] = code;
	upd_raise(m, UPD_ATTR_DISCARD, reason, code);
}

void
upd_bad(struct update_msg *m, uint8_t bad, uint8_t code, const char *reason)
{
	if (bad == BAD_DISCARD)
		upd_discard(m, code, reason);
	else
		upd_raise(m, UPD_TREAT_AS_WITHDRAW, reason, code);
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
	/* everything but the attributes zeroed around them, the attributes
	 * reset in place (their arrays kept): no copy of either */
	size_t at = offsetof(struct update_msg, attrs),
	    after = at + sizeof(m->attrs);

	attrs_reset(&m->attrs);
	memset(m, 0, at);
	memset((uint8_t *)m + after, 0, sizeof(*m) - after);
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

	static uint64_t decodes;

	update_msg_clear(m);
	m->decode_seq = ++decodes;
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
	if (nlri_field_check(m->withdrawn, FAM_IPV4_UNICAST, ap4, true, NULL,
	    NULL, NULL) == -1)
		upd_reset(m, BGP_ERR_UPD_NETWORK, NULL, 0,
		    "withdrawn routes malformed", 0);
	else if (nlri_field_check(m->nlri, FAM_IPV4_UNICAST, ap4, false, NULL,
	    NULL, NULL) == -1)
		upd_reset(m, BGP_ERR_UPD_NETWORK, NULL, 0, "NLRI malformed", 0);
	if (m->verdict == UPD_SESSION_RESET)
		return m->verdict;
	bgp_attr_walk(&s, &attrs);
	if (m->verdict != UPD_SESSION_RESET)
		check_mandatory(&s);
	/*
	 * RFC 7606 §5.2 (an error in an UPDATE with no NLRI at all, every
	 * attribute parsed): we keep treat-as-withdraw, which withdraws
	 * nothing (FRR's choice), rather than BIRD's session reset. A
	 * framing error, which may hide NLRI, resets (bgp_attr_walk).
	 */
	return m->verdict;
}

/* The routes of one NLRI field (validated by update_decode). */
static void
foreach_field(struct rbuf r, enum family_id fam, bool addpath, bool announce,
    const struct bgp_addr *nh, const struct bgp_addr *nh_ll,
    update_route_fn *fn, void *arg)
{
	struct update_route rt;

	memset(&rt, 0, sizeof(rt));
	rt.announce = announce;
	rt.has_path_id = addpath;
	rt.nexthop = announce ? nh : NULL;
	rt.nexthop_ll = announce ? nh_ll : NULL;
	while (rbuf_left(&r) > 0) {
		int rc = nlri_get(&r, fam, addpath, !announce, &rt.nlri, NULL);

		if (rc == -1)
			return;		/* cannot happen: validated */
		/* a framed but malformed NLRI is ignored (update.h) */
		if (rc == 0)
			fn(&rt, arg);
	}
}

void
update_foreach_route(const struct update_msg *m, famset_t addpath,
    update_route_fn *fn, void *arg)
{
	bool ann = m->verdict != UPD_TREAT_AS_WITHDRAW;
	bool ap4 = FAMSET_HAS(addpath, FAM_IPV4_UNICAST);

	if (m->verdict == UPD_SESSION_RESET)
		return;
	foreach_field(m->withdrawn, FAM_IPV4_UNICAST, ap4, false, NULL, NULL,
	    fn, arg);
	foreach_field(m->nlri, FAM_IPV4_UNICAST, ap4, ann, &m->attrs.nexthop,
	    &m->attrs.nexthop_ll, fn, arg);
	if (m->has_mp_unreach && m->mp_unreach_fam >= 0)
		foreach_field(m->mp_unreach_nlri, m->mp_unreach_fam,
		    FAMSET_HAS(addpath, m->mp_unreach_fam), false, NULL, NULL,
		    fn, arg);
	if (m->has_mp_reach && m->mp_reach_fam >= 0)
		foreach_field(m->mp_reach_nlri, m->mp_reach_fam,
		    FAMSET_HAS(addpath, m->mp_reach_fam), ann, &m->mp_nexthop,
		    &m->mp_nexthop_ll, fn, arg);
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

/* MP_UNREACH_NLRI, the extended length as asked or needed. */
static void
mp_unreach_put(struct wbuf *w, enum family_id fam, const uint8_t *nlri,
    size_t nlri_len, bool extlen)
{
	size_t len = 3 + nlri_len;

	extlen |= len > 255;
	wbuf_put_u8(w, BGP_ATTR_F_OPTIONAL | (extlen ? BGP_ATTR_F_EXTLEN : 0));
	wbuf_put_u8(w, BGP_ATTR_MP_UNREACH_NLRI);
	if (extlen)
		wbuf_put_u16(w, (uint16_t)len);
	else
		wbuf_put_u8(w, (uint8_t)len);
	wbuf_put_u16(w, family_afi(fam));
	wbuf_put_u8(w, family_safi(fam));
	wbuf_put_bytes(w, nlri, nlri_len);
}

int
update_encode_mp_unreach(struct wbuf *w, enum family_id fam,
    const uint8_t *nlri, size_t nlri_len, const uint8_t *attrs,
    size_t attr_len)
{
	size_t start = w->len, mp = 3 + nlri_len;

	mp += mp > 255 ? 4 : 3;
	if (mp + attr_len > 0xffff) {
		w->err = true;
		return -1;
	}
	msg_begin(w, BGP_MSG_UPDATE);
	wbuf_put_u16(w, 0);
	wbuf_put_u16(w, (uint16_t)(mp + attr_len));
	mp_unreach_put(w, fam, nlri, nlri_len, false);
	wbuf_put_bytes(w, attrs, attr_len);
	return msg_finish(w, start);
}

bool
update_classic(const struct attrs *a, const struct attr_encode_ctx *ctx,
    enum family_id fam)
{
	if (fam != FAM_IPV4_UNICAST)
		return false;
	/* RFC 8950 §3: an IPv6 next hop goes in MP_REACH_NLRI */
	if (a == NULL)
		return true;
	if (a->nexthop_self)
		return ctx->local_v4.afi == BGP_AFI_IPV4;
	return !(a->has & ATTR_HAS_NEXT_HOP) ||
	    a->nexthop.afi == BGP_AFI_IPV4;
}

bool
attrs_nexthop_encodable(const struct attrs *a,
    const struct attr_encode_ctx *ctx, enum family_id fam)
{
	const struct bgp_addr *nh;

	if (fam == FAM_IPV4_UNICAST &&
	    !a->nexthop_self && !(a->has & ATTR_HAS_NEXT_HOP))
		return true;
	if (a->nexthop_self)
		nh = family_afi(fam) == BGP_AFI_IPV6 || ctx->local_v4.afi == 0 ?
		    &ctx->local_v6 : &ctx->local_v4;
	else
		nh = &a->nexthop;
	if (nh->afi == 0)
		/* some families need none (flowspec) */
		return nlri_family(fam) != NULL && nlri_family(fam)->nh_none;
	/* RFC 8950: an IPv6 next hop for IPv4 NLRI only when negotiated;
	 * IPv6 NLRI take any (an IPv4 one mapped, or 4 octets) */
	return nh->afi == family_afi(fam) || nh->afi == BGP_AFI_IPV4 ||
	    FAMSET_HAS(ctx->ext_nexthop, fam) || (nlri_family(fam) != NULL &&
	    (nlri_family(fam)->flags & NLRI_F_NH_ASIS));
}

size_t
update_route_size(const struct attrs *a, const struct attr_encode_ctx *ctx,
    enum family_id fam, size_t nlri_len)
{
	static uint8_t scratch[BGP_MAX_EXT_MSG];
	bool v4 = update_classic(a, ctx, fam);
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
	size_t start = w->len;

	/* RFC 4724 §2 */
	if (fam == FAM_IPV4_UNICAST)
		return update_encode_v4(w, NULL, 0, NULL, 0, NULL, 0);
	/* an empty MP_UNREACH_NLRI; ExaBGP writes its length on 2 octets */
	msg_begin(w, BGP_MSG_UPDATE);
	wbuf_put_u16(w, 0);
	wbuf_put_u16(w, 7);
	mp_unreach_put(w, fam, NULL, 0, true);
	return msg_finish(w, start);
}

