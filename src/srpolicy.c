/*
 * SR Policy (see srpolicy.h): RFC 9830 §2.1 NLRI, §2.4 sub-TLVs, in the
 * bytes ExaBGP main sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/srpolicy.h"

#define TUNNEL_SR_POLICY	15	/* RFC 9830 §2.1 tunnel type */
#define ST_PREFERENCE		12
#define ST_BINDING_SID		13
#define ST_PRIORITY		15
#define ST_SRV6_BINDING_SID	20
#define ST_SEGMENT_LIST		128
#define ST_CP_NAME		129
#define ST_POLICY_NAME		130
#define SST_WEIGHT		9
#define SEG_TYPE_A		1
#define SEG_TYPE_B		13
#define SEG_FLAG_B		0x10	/* SRv6 endpoint behavior present */
#define LABEL_S_BIT		0x100	/* bottom of stack, as ExaBGP sets */
#define LABEL_MAX		0xfffffu
#define NAME_MAX_LEN		255

/* distinguisher (4), color (4), endpoint (4 or 16), after the length */
int
srpolicy_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
    size_t *len, const char **why)
{
	uint8_t bits;

	if (rbuf_peek_u8(r, 0, &bits) == -1) {
		*why = "SR Policy NLRI length missing";
		return -1;
	}
	*len = 1 + (bits + 7u) / 8u;
	if (rbuf_left(r) < *len) {
		*why = "SR Policy NLRI truncated";
		return -1;
	}
	/* RFC 9830 §2.1: 96 bits with an IPv4 endpoint, 192 with IPv6 */
	if (bits != (family_afi(fam) == BGP_AFI_IPV6 ? 192 : 96)) {
		*why = "SR Policy NLRI length is not 96 (IPv4) or 192 (IPv6)";
		return 1;
	}
	return 0;
}

/* Only called for NLRI srpolicy_nlri_get accepted (1 + 12 or 1 + 24);
 * those it ignored are framed but not usable: shown raw. */
static bool
sr_ok(const uint8_t *b, size_t len)
{
	return len == 13 || len == 25;
}

static void
put_endpoint(struct sbuf *o, const uint8_t *b, size_t len)
{
	nlri_put_addr(o, b + 9, len - 9, len - 9);
}

static void
put_raw(struct sbuf *o, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
}

void
srpolicy_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	if (!sr_ok(b, len)) {
		sbuf_adds(o, "\"raw\":\"");
		put_raw(o, b, len);
		sbuf_addc(o, '"');
		return;
	}
	sbuf_printf(o, "\"distinguisher\":%u,\"color\":%u,\"endpoint\":\"",
	    be32_get(b + 1), be32_get(b + 5));
	put_endpoint(o, b, len);
	sbuf_addc(o, '"');
}

void
srpolicy_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	if (!sr_ok(b, len)) {
		sbuf_adds(o, "sr-policy 0x");
		put_raw(o, b, len);
	} else {
		sbuf_adds(o, "sr-policy ");
		srpolicy_nlri_route(o, b, len, fam);
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

void
srpolicy_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam)
{
	if (!sr_ok(b, len)) {
		sbuf_adds(o, "unknown");
		return;
	}
	sbuf_printf(o, "distinguisher %u color %u endpoint ", be32_get(b + 1),
	    be32_get(b + 5));
	put_endpoint(o, b, len);
}

int
srpolicy_nlri_parse(struct nlri_words *w, enum family_id fam, uint8_t *buf,
    size_t *len)
{
	uint64_t dist, color;
	struct bgp_addr ep;

	if (nlri_word_expect(w, "distinguisher", "sr-policy") == -1 ||
	    nlri_word_num(w, "distinguisher", UINT32_MAX, &dist) == -1 ||
	    nlri_word_expect(w, "color", "sr-policy") == -1 ||
	    nlri_word_num(w, "color", UINT32_MAX, &color) == -1 ||
	    nlri_word_expect(w, "endpoint", "sr-policy") == -1 ||
	    nlri_word_addr(w, "endpoint", family_afi(fam), &ep) == -1)
		return -1;
	buf[0] = (uint8_t)(64 + 8 * addr_len(&ep));
	be32_put(buf + 1, (uint32_t)dist);
	be32_put(buf + 5, (uint32_t)color);
	memcpy(buf + 9, ep.b, addr_len(&ep));
	*len = 9 + addr_len(&ep);
	return 0;
}

/* ---- the tunnel's sub-TLVs ---- */

/* A sub-TLV (RFC 9012 §2: types from 128 have a 2-octet length). */
static void
subtlv(struct sbuf *o, uint8_t type, const void *v, size_t len)
{
	uint8_t h[3] = { type, 0, 0 };

	if (type >= 128) {
		h[1] = (uint8_t)(len >> 8);
		h[2] = (uint8_t)len;
		sbuf_add(o, (const char *)h, 3);
	} else {
		h[1] = (uint8_t)len;
		sbuf_add(o, (const char *)h, 2);
	}
	sbuf_add(o, (const char *)v, len);
}

static void
label_entry(uint8_t *p, uint32_t label)
{
	be32_put(p, label << 12 | LABEL_S_BIT);
}

/* "type-b srv6 SID [endpoint-behavior B LB LN FUN ARG]" after type-b */
static int
segment_b(struct nlri_words *w, struct sbuf *seg)
{
	uint8_t v[26] = { 0 };
	struct bgp_addr sid;
	uint64_t x[5];
	static const char *const names[] = { "endpoint-behavior",
		"locator block length", "locator node length",
		"function length", "argument length" };

	if (nlri_word_expect(w, "srv6", "segment type-b") == -1 ||
	    nlri_word_addr(w, "segment type-b srv6", BGP_AFI_IPV6, &sid) == -1)
		return -1;
	memcpy(v + 2, sid.b, 16);
	if (!nlri_word_is(w, "endpoint-behavior")) {
		subtlv(seg, SEG_TYPE_B, v, 18);
		return 0;
	}
	w->i++;
	for (int k = 0; k < 5; k++)
		if (nlri_word_num(w, names[k], k == 0 ? 0xffff : 0xff, &x[k]) ==
		    -1)
			return -1;
	v[0] = SEG_FLAG_B;
	be16_put(v + 18, (uint16_t)x[0]);
	for (int k = 1; k < 5; k++)
		v[21 + k] = (uint8_t)x[k];
	subtlv(seg, SEG_TYPE_B, v, 26);
	return 0;
}

/* "segment-list weight N segment ... segment ..." after segment-list */
static int
segment_list(struct nlri_words *w, struct sbuf *tlvs)
{
	uint8_t v[6] = { 0 };
	struct sbuf seg;
	uint64_t x;
	const char *t;
	int rc = -1;

	if (nlri_word_expect(w, "weight", "segment-list") == -1 ||
	    nlri_word_num(w, "weight", UINT32_MAX, &x) == -1)
		return -1;
	sbuf_init(&seg);
	sbuf_addc(&seg, '\0');		/* reserved */
	be32_put(v + 2, (uint32_t)x);
	subtlv(&seg, SST_WEIGHT, v, 6);
	while (nlri_word_is(w, "segment")) {
		w->i++;
		if ((t = nlri_word(w, "segment type")) == NULL)
			goto out;
		if (strcmp(t, "type-a") == 0) {
			if (nlri_word_expect(w, "mpls", "segment type-a") == -1 ||
			    nlri_word_num(w, "segment type-a mpls", LABEL_MAX,
			    &x) == -1)
				goto out;
			memset(v, 0, sizeof(v));
			label_entry(v + 2, (uint32_t)x);
			subtlv(&seg, SEG_TYPE_A, v, 6);
		} else if (strcmp(t, "type-b") == 0) {
			if (segment_b(w, &seg) == -1)
				goto out;
		} else {
			w->i--;
			nlri_word_fail(w, "segment %s is not supported by evbgp "
			    "(it sends segment types type-a and type-b)", t);
			goto out;
		}
		if (seg.len > 0xffff - 16) {
			nlri_word_fail(w, "segment-list: too many segments");
			goto out;
		}
	}
	subtlv(tlvs, ST_SEGMENT_LIST, seg.p, seg.len);
	rc = 0;
out:
	sbuf_free(&seg);
	return rc;
}

static int
name_tlv(struct nlri_words *w, struct sbuf *tlvs, uint8_t type,
    const char *what)
{
	const char *s = nlri_word(w, what);
	size_t n;
	char *v;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n > NAME_MAX_LEN) {
		w->i--;
		return nlri_word_fail(w, "%s: longer than %d characters", what,
		    NAME_MAX_LEN);
	}
	v = xmalloc(n + 1);
	v[0] = '\0';			/* reserved */
	memcpy(v + 1, s, n);
	subtlv(tlvs, type, v, n + 1);
	free(v);
	return 0;
}

int
srpolicy_word(struct nlri_words *w, struct sbuf *tlvs)
{
	uint8_t v[18] = { 0 };
	struct bgp_addr sid;
	uint64_t x;

	if (nlri_word_is(w, "preference")) {
		w->i++;
		if (nlri_word_num(w, "preference", UINT32_MAX, &x) == -1)
			return -1;
		be32_put(v + 2, (uint32_t)x);
		subtlv(tlvs, ST_PREFERENCE, v, 6);
	} else if (nlri_word_is(w, "priority")) {
		w->i++;
		if (nlri_word_num(w, "priority", 0xff, &x) == -1)
			return -1;
		v[0] = (uint8_t)x;
		subtlv(tlvs, ST_PRIORITY, v, 2);
	} else if (nlri_word_is(w, "binding-sid")) {
		w->i++;
		if (nlri_word_expect(w, "mpls", "binding-sid") == -1 ||
		    nlri_word_num(w, "binding-sid mpls", LABEL_MAX, &x) == -1)
			return -1;
		/* the flags octet ExaBGP main sends (the kit's bytes) */
		v[0] = 0x10;
		label_entry(v + 2, (uint32_t)x);
		subtlv(tlvs, ST_BINDING_SID, v, 6);
	} else if (nlri_word_is(w, "srv6-binding-sid")) {
		w->i++;
		if (nlri_word_addr(w, "srv6-binding-sid", BGP_AFI_IPV6, &sid) ==
		    -1)
			return -1;
		memcpy(v + 2, sid.b, 16);
		subtlv(tlvs, ST_SRV6_BINDING_SID, v, 18);
	} else if (nlri_word_is(w, "policy-name")) {
		w->i++;
		return name_tlv(w, tlvs, ST_POLICY_NAME, "policy-name");
	} else if (nlri_word_is(w, "candidate-path-name")) {
		w->i++;
		return name_tlv(w, tlvs, ST_CP_NAME, "candidate-path-name");
	} else if (nlri_word_is(w, "segment-list")) {
		w->i++;
		return segment_list(w, tlvs);
	} else
		return 1;
	return 0;
}

int
srpolicy_tunnel(const struct sbuf *tlvs, struct sbuf *out)
{
	uint8_t h[4];

	/* the attribute's 2-octet length holds the tunnel's header too */
	if (tlvs->len > 0xffff - 4)
		return -1;
	be16_put(h, TUNNEL_SR_POLICY);
	be16_put(h + 2, (uint16_t)tlvs->len);
	sbuf_add(out, (const char *)h, 4);
	sbuf_add(out, tlvs->p, tlvs->len);
	return 0;
}

/* ---- a received Tunnel Encapsulation attribute ---- */

/* One sub-TLV at p (len left): its type, value and whole size; false
 * when it runs past len. */
static bool
subtlv_next(const uint8_t *p, size_t len, uint8_t *type, const uint8_t **v,
    size_t *vl, size_t *size)
{
	size_t hl;

	if (len < 2)
		return false;
	*type = p[0];
	hl = p[0] >= 128 ? 3 : 2;
	if (len < hl)
		return false;
	*vl = hl == 3 ? (size_t)p[1] << 8 | p[2] : p[1];
	if (*vl > len - hl)
		return false;
	*v = p + hl;
	*size = hl + *vl;
	return true;
}

/* Every sub-TLV inside [p, p + len); a segment list's too (after its
 * reserved octet). */
static bool
subtlvs_ok(const uint8_t *p, size_t len, bool in_segment_list)
{
	while (len > 0) {
		const uint8_t *v;
		size_t vl, size;
		uint8_t type;

		if (!subtlv_next(p, len, &type, &v, &vl, &size))
			return false;
		if (!in_segment_list && type == ST_SEGMENT_LIST &&
		    (vl < 1 || !subtlvs_ok(v + 1, vl - 1, true)))
			return false;
		p += size;
		len -= size;
	}
	return true;
}

bool
srpolicy_tunnel_ok(const uint8_t *v, size_t len)
{
	while (len > 0) {
		size_t l;

		if (len < 4)
			return false;
		l = be16_get(v + 2);
		if (l > len - 4 || !subtlvs_ok(v + 4, l, false))
			return false;
		v += 4 + l;
		len -= 4 + l;
	}
	return true;
}

static void
json_sid(struct sbuf *o, const uint8_t *p)
{
	sbuf_addc(o, '"');
	nlri_put_addr(o, p, 16, 16);
	sbuf_addc(o, '"');
}

static void
json_hex(struct sbuf *o, const uint8_t *p, size_t n)
{
	sbuf_addc(o, '"');
	put_raw(o, p, n);
	sbuf_addc(o, '"');
}

/* A JSON string of a name sub-TLV (reserved octet first), escaped. */
static void
json_name(struct sbuf *o, const uint8_t *v, size_t vl)
{
	sbuf_addc(o, '"');
	for (size_t i = 1; i < vl; i++) {
		uint8_t c = v[i];

		if (c == '"' || c == '\\')
			sbuf_printf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sbuf_printf(o, "\\u%04x", c);
		else
			sbuf_addc(o, (char)c);
	}
	sbuf_addc(o, '"');
}

static void
json_segment(struct sbuf *o, uint8_t type, const uint8_t *v, size_t vl)
{
	if (type == SEG_TYPE_A && vl == 6) {
		uint32_t e = be32_get(v + 2);

		sbuf_printf(o, "{\"type\":\"A\",\"label\":%u,\"tc\":%u,"
		    "\"s\":%s,\"ttl\":%u}", e >> 12, (e >> 9) & 7,
		    (e & LABEL_S_BIT) ? "true" : "false", e & 0xff);
	} else if (type == SEG_TYPE_B && (vl == 18 || vl == 26)) {
		sbuf_adds(o, "{\"type\":\"B\",\"sid\":");
		json_sid(o, v + 2);
		if (vl == 26)
			sbuf_printf(o, ",\"endpoint-behavior\":{\"behavior\":%u,"
			    "\"lb-length\":%u,\"ln-length\":%u,\"fun-length\":"
			    "%u,\"arg-length\":%u}", be16_get(v + 18), v[22],
			    v[23], v[24], v[25]);
		sbuf_addc(o, '}');
	} else {
		sbuf_printf(o, "{\"type\":%u,\"raw\":", type);
		json_hex(o, v, vl);
		sbuf_addc(o, '}');
	}
}

/* {"weight": N, "segments": [...]} of a segment list's sub-TLVs: one
 * walk, the segments gathered apart while the weight is written */
static void
json_segment_list(struct sbuf *o, const uint8_t *p, size_t len)
{
	struct sbuf segs;

	sbuf_init(&segs);
	sbuf_addc(o, '{');
	for (size_t off = 0; off < len;) {
		const uint8_t *v;
		size_t vl, size;
		uint8_t type;

		if (!subtlv_next(p + off, len - off, &type, &v, &vl, &size))
			break;
		if (type == SST_WEIGHT && vl == 6)
			sbuf_printf(o, "\"weight\":%u,", be32_get(v + 2));
		else if (type != SST_WEIGHT) {
			if (segs.len > 0)
				sbuf_addc(&segs, ',');
			json_segment(&segs, type, v, vl);
		}
		off += size;
	}
	sbuf_adds(o, "\"segments\":[");
	if (segs.len > 0)
		sbuf_add(o, segs.p, segs.len);
	sbuf_adds(o, "]}");
	sbuf_free(&segs);
}

/* The members of an SR Policy tunnel: its sub-TLVs (checked) */
static void
json_sr_policy(struct sbuf *o, const uint8_t *p, size_t len)
{
	bool lists = false, first_list = true;

	sbuf_addc(o, '{');
	for (size_t off = 0; off < len;) {
		const uint8_t *v;
		size_t vl, size;
		uint8_t type;

		if (!subtlv_next(p + off, len - off, &type, &v, &vl, &size))
			break;
		off += size;
		if (type == ST_SEGMENT_LIST) {
			lists = true;
			continue;
		}
		if (type == ST_PREFERENCE && vl == 6)
			sbuf_printf(o, "\"preference\":%u,", be32_get(v + 2));
		else if (type == ST_PRIORITY && vl == 2)
			sbuf_printf(o, "\"priority\":%u,", v[0]);
		else if (type == ST_BINDING_SID && vl == 6)
			sbuf_printf(o, "\"binding-sid\":{\"type\":\"mpls\","
			    "\"label\":%u},", be32_get(v + 2) >> 12);
		else if (type == ST_BINDING_SID && vl == 2)
			sbuf_adds(o, "\"binding-sid\":null,");
		else if (type == ST_SRV6_BINDING_SID && vl >= 18) {
			sbuf_adds(o, "\"srv6-binding-sid\":");
			json_sid(o, v + 2);
			sbuf_addc(o, ',');
		} else if ((type == ST_POLICY_NAME || type == ST_CP_NAME) &&
		    vl >= 1) {
			sbuf_printf(o, "\"%s\":", type == ST_POLICY_NAME ?
			    "policy-name" : "candidate-path-name");
			json_name(o, v, vl);
			sbuf_addc(o, ',');
		} else {
			sbuf_printf(o, "\"sub-tlv-%u\":", type);
			json_hex(o, v, vl);
			sbuf_addc(o, ',');
		}
	}
	sbuf_adds(o, "\"segment-lists\":[");
	for (size_t off = 0; lists && off < len;) {
		const uint8_t *v;
		size_t vl, size;
		uint8_t type;

		if (!subtlv_next(p + off, len - off, &type, &v, &vl, &size))
			break;
		off += size;
		if (type != ST_SEGMENT_LIST || vl < 1)
			continue;
		if (!first_list)
			sbuf_addc(o, ',');
		first_list = false;
		json_segment_list(o, v + 1, vl - 1);
	}
	sbuf_adds(o, "]}");
}

void
srpolicy_tunnel_json(struct sbuf *o, const uint8_t *v, size_t len)
{
	bool first = true;

	sbuf_adds(o, "\"tunnel-encap\":{");
	while (len >= 4) {
		uint16_t type = be16_get(v);
		size_t l = be16_get(v + 2);

		if (l > len - 4)
			break;
		if (!first)
			sbuf_addc(o, ',');
		first = false;
		if (type == TUNNEL_SR_POLICY) {
			sbuf_adds(o, "\"sr-policy\":");
			json_sr_policy(o, v + 4, l);
		} else {
			sbuf_printf(o, "\"tunnel-%u\":", type);
			json_hex(o, v + 4, l);
		}
		v += 4 + l;
		len -= 4 + l;
	}
	sbuf_addc(o, '}');
}

/* A name sub-TLV's text as one word the lexer reads back, or false. */
static bool
text_name(struct sbuf *o, const char *kw, const uint8_t *v, size_t vl)
{
	if (vl < 2)
		return false;
	for (size_t i = 1; i < vl; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7f || strchr("\"'#;{}[](),\\",
		    v[i]) != NULL)
			return false;
	sbuf_printf(o, " %s %.*s", kw, (int)(vl - 1), (const char *)v + 1);
	return true;
}

static bool
text_segments(struct sbuf *o, const uint8_t *p, size_t len)
{
	bool weight = false;

	for (size_t off = 0; off < len;) {
		const uint8_t *v;
		size_t vl, size;
		uint8_t type;

		if (!subtlv_next(p + off, len - off, &type, &v, &vl, &size))
			return false;
		off += size;
		if (type == SST_WEIGHT && vl == 6 && !weight) {
			sbuf_printf(o, " segment-list weight %u", be32_get(v + 2));
			weight = true;
		} else if (type == SEG_TYPE_A && vl == 6 && weight)
			sbuf_printf(o, " segment type-a mpls %u",
			    be32_get(v + 2) >> 12);
		else if (type == SEG_TYPE_B && (vl == 18 || vl == 26) && weight) {
			sbuf_adds(o, " segment type-b srv6 ");
			nlri_put_addr(o, v + 2, 16, 16);
			if (vl == 26)
				sbuf_printf(o, " endpoint-behavior %u %u %u %u %u",
				    be16_get(v + 18), v[22], v[23], v[24], v[25]);
		} else
			return false;
	}
	return weight;
}

/* One sub-TLV of the policy as words; false when it has none. */
static bool
text_subtlv(struct sbuf *o, uint8_t type, const uint8_t *v, size_t vl)
{
	switch (type) {
	case ST_PREFERENCE:
		if (vl != 6)
			return false;
		sbuf_printf(o, " preference %u", be32_get(v + 2));
		return true;
	case ST_PRIORITY:
		if (vl != 2)
			return false;
		sbuf_printf(o, " priority %u", v[0]);
		return true;
	case ST_BINDING_SID:
		if (vl != 6)
			return false;
		sbuf_printf(o, " binding-sid mpls %u", be32_get(v + 2) >> 12);
		return true;
	case ST_SRV6_BINDING_SID:
		if (vl != 18)
			return false;
		sbuf_adds(o, " srv6-binding-sid ");
		nlri_put_addr(o, v + 2, 16, 16);
		return true;
	case ST_POLICY_NAME:
		return text_name(o, "policy-name", v, vl);
	case ST_CP_NAME:
		return text_name(o, "candidate-path-name", v, vl);
	case ST_SEGMENT_LIST:
		return vl >= 1 && text_segments(o, v + 1, vl - 1);
	}
	return false;
}

bool
srpolicy_tunnel_text(struct sbuf *o, const uint8_t *v, size_t len)
{
	size_t mark = o->len;

	if (len < 4 || be16_get(v) != TUNNEL_SR_POLICY ||
	    be16_get(v + 2) != len - 4)
		return false;
	for (size_t off = 4; off < len;) {
		const uint8_t *sv;
		size_t svl, size;
		uint8_t type;

		if (!subtlv_next(v + off, len - off, &type, &sv, &svl, &size) ||
		    !text_subtlv(o, type, sv, svl)) {
			/* not all of it in words: the raw form says it */
			o->len = mark;
			if (o->p != NULL)
				o->p[mark] = '\0';
			return false;
		}
		off += size;
	}
	return true;
}
