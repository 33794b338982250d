/*
 * BGP-LS (see bgpls.h): RFC 9552 §5 NLRI and §5.3 attribute TLVs, RFC
 * 8571 delays, RFC 9085 SR, RFC 9514 SRv6, in ExaBGP main's JSON.
 */
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/bgpls.h"

#define NLRI_HDR	4	/* type, length */
#define NLRI_FIXED	9	/* protocol ID, identifier */
#define TLV_HDR		4	/* type, length */

/* NLRI types (RFC 9552 §5.2) */
#define LS_NODE		1
#define LS_LINK		2
#define LS_PREFIX4	3
#define LS_PREFIX6	4

/* NLRI TLVs */
#define TLV_LOCAL_NODE	256
#define TLV_REMOTE_NODE	257
#define TLV_LINK_ID	258
#define TLV_IF4		259
#define TLV_NEIGH4	260
#define TLV_IF6		261
#define TLV_NEIGH6	262
#define TLV_MT_ID	263
#define TLV_OSPF_ROUTE	264
#define TLV_IP_REACH	265

/* node descriptor sub-TLVs */
#define ND_AS		512
#define ND_BGPLS_ID	513
#define ND_OSPF_AREA	514
#define ND_ROUTER_ID	515

/* One TLV at p (len left): type, value, whole size; false when it runs
 * past len. */
static bool
tlv_next(const uint8_t *p, size_t len, uint16_t *type, const uint8_t **v,
    size_t *vl)
{
	if (len < TLV_HDR)
		return false;
	*type = be16_get(p);
	*vl = be16_get(p + 2);
	if (*vl > len - TLV_HDR)
		return false;
	*v = p + TLV_HDR;
	return true;
}

static bool
tlvs_framed(const uint8_t *p, size_t len)
{
	uint16_t type;
	const uint8_t *v;
	size_t vl;

	while (len > 0) {
		if (!tlv_next(p, len, &type, &v, &vl))
			return false;
		p += TLV_HDR + vl;
		len -= TLV_HDR + vl;
	}
	return true;
}

/* The route's TLVs framed, the descriptors' sub-TLVs too, the prefix
 * inside its TLV: what the JSON reads. */
static bool
nlri_ok(const uint8_t *b, size_t len)
{
	uint16_t ntype = be16_get(b), type;
	const uint8_t *p = b + NLRI_HDR + NLRI_FIXED, *v;
	size_t left, vl;

	if (len < NLRI_HDR + NLRI_FIXED || ntype < LS_NODE ||
	    ntype > LS_PREFIX6)
		return false;
	left = len - NLRI_HDR - NLRI_FIXED;
	while (left > 0) {
		if (!tlv_next(p, left, &type, &v, &vl))
			return false;
		if ((type == TLV_LOCAL_NODE || type == TLV_REMOTE_NODE) &&
		    !tlvs_framed(v, vl))
			return false;
		if (type == TLV_IP_REACH && (vl < 1 || v[0] > (ntype ==
		    LS_PREFIX6 ? 128 : 32) || (v[0] + 7u) / 8u > vl - 1))
			return false;
		p += TLV_HDR + vl;
		left -= TLV_HDR + vl;
	}
	return true;
}

int
bgpls_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
    size_t *len, const char **why)
{
	const uint8_t *b = rbuf_ptr(r);

	if (rbuf_left(r) < NLRI_HDR) {
		*why = "BGP-LS NLRI truncated";
		return -1;
	}
	if (rbuf_left(r) - NLRI_HDR < be16_get(b + 2)) {
		*why = "BGP-LS NLRI length past the data";
		return -1;
	}
	*len = NLRI_HDR + (size_t)be16_get(b + 2);
	/* RFC 9552 §8.2.2: a malformed NLRI is ignored, not the session */
	if (!nlri_ok(b, *len)) {
		*why = "BGP-LS NLRI: type unknown or its TLVs do not add up";
		return 1;
	}
	return 0;
}

/* ---- JSON helpers ---- */

static void
put_qaddr(struct sbuf *o, const uint8_t *p, size_t n)
{
	sbuf_addc(o, '"');
	nlri_put_addr(o, p, n, n == 16 ? 16 : 4);
	sbuf_addc(o, '"');
}

/* lower-case hex, as ExaBGP prints ISO system IDs */
static void
put_lhex(struct sbuf *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_printf(o, "%02x", p[i]);
}

static uint64_t
be_uint(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One node descriptor sub-TLV as ExaBGP's object */
static void
json_node_desc(struct sbuf *o, uint8_t proto, uint16_t type,
    const uint8_t *v, size_t vl)
{
	sbuf_addc(o, '{');
	if (type == ND_AS && vl == 4)
		sbuf_printf(o, "\"autonomous-system\":%u", be32_get(v));
	else if (type == ND_BGPLS_ID && vl == 4)
		sbuf_printf(o, "\"bgp-ls-identifier\":\"%u\"", be32_get(v));
	else if (type == ND_OSPF_AREA && (vl == 4 || vl == 16)) {
		sbuf_adds(o, "\"ospf-area-id\":");
		put_qaddr(o, v, vl);
	} else if (type == ND_ROUTER_ID && (proto == 1 || proto == 2) &&
	    (vl == 6 || vl == 7)) {
		/* IS-IS system ID (with the pseudonode number, as ExaBGP
		 * prints it, which also shows that number apart) */
		sbuf_adds(o, "\"router-id\":\"");
		put_lhex(o, v, vl);
		sbuf_addc(o, '"');
		if (vl == 7 && v[6] != 0)
			sbuf_printf(o, ",\"psn\":\"%u\"", v[6]);
	} else if (type == ND_ROUTER_ID && (vl == 4 || vl == 8)) {
		/* OSPF router ID, and the designated router's address */
		sbuf_adds(o, "\"router-id\":");
		put_qaddr(o, v, 4);
		if (vl == 8) {
			sbuf_adds(o, ",\"designated-router-id\":");
			put_qaddr(o, v + 4, 4);
		}
	} else {
		sbuf_printf(o, "\"node-descriptor-%u\":\"0x", type);
		for (size_t i = 0; i < vl; i++)
			sbuf_printf(o, "%02X", v[i]);
		sbuf_addc(o, '"');
	}
	sbuf_addc(o, '}');
}

static void
json_node_descs(struct sbuf *o, const char *key, uint8_t proto,
    const uint8_t *p, size_t len)
{
	bool first = true;
	uint16_t type;
	const uint8_t *v;
	size_t vl;

	sbuf_printf(o, ",\"%s\":[", key);
	while (len > 0 && tlv_next(p, len, &type, &v, &vl)) {
		if (!first)
			sbuf_addc(o, ',');
		first = false;
		json_node_desc(o, proto, type, v, vl);
		p += TLV_HDR + vl;
		len -= TLV_HDR + vl;
	}
	sbuf_addc(o, ']');
}

/* The NLRI's TLVs of one type (or two) as a JSON list of fn's items. */
struct nlri_view {
	uint16_t	 type;
	uint8_t		 proto;
	uint64_t	 id;
	const uint8_t	*tlvs;
	size_t		 tlen;
};

static void
json_list(struct sbuf *o, const struct nlri_view *n, const char *key,
    uint16_t t1, uint16_t t2,
    void (*fn)(struct sbuf *, uint16_t, const uint8_t *, size_t))
{
	const uint8_t *p = n->tlvs, *v;
	size_t left = n->tlen, vl;
	bool first = true;
	uint16_t type;

	sbuf_printf(o, ",\"%s\":[", key);
	while (left > 0 && tlv_next(p, left, &type, &v, &vl)) {
		if (type == t1 || type == t2) {
			if (!first)
				sbuf_addc(o, ',');
			first = false;
			fn(o, type, v, vl);
		}
		p += TLV_HDR + vl;
		left -= TLV_HDR + vl;
	}
	sbuf_addc(o, ']');
}

static void
item_addr(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	if (vl == 4 || vl == 16)
		put_qaddr(o, v, vl);
	else
		sbuf_adds(o, "null");
}

static void
item_mt(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	/* RFC 9552 §5.2.2.1: 2 octets each, the ID in the low 12 bits;
	 * ExaBGP lists the IDs of every TLV in one list */
	for (size_t i = 0; i + 2 <= vl; i += 2)
		sbuf_printf(o, "%s%u", i ? "," : "", be16_get(v + i) & 0xfff);
}

static void
item_link_id(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	if (vl == 8)
		sbuf_printf(o, "{\"link-local-id\":%u,\"link-remote-id\":%u}",
		    be32_get(v), be32_get(v + 4));
	else
		sbuf_adds(o, "null");
}

/* The first TLV of type t, or NULL. */
static const uint8_t *
find_tlv(const struct nlri_view *n, uint16_t t, size_t *vl)
{
	const uint8_t *p = n->tlvs, *v;
	size_t left = n->tlen;
	uint16_t type;

	while (left > 0 && tlv_next(p, left, &type, &v, vl)) {
		if (type == t)
			return v;
		p += TLV_HDR + *vl;
		left -= TLV_HDR + *vl;
	}
	return NULL;
}

static void
json_descs_tlv(struct sbuf *o, const struct nlri_view *n, const char *key,
    uint16_t t)
{
	size_t vl = 0;
	const uint8_t *v = find_tlv(n, t, &vl);

	json_node_descs(o, key, n->proto, v, v != NULL ? vl : 0);
}

static const char *const ls_names[] = {
	[LS_NODE] = "bgpls-node", [LS_LINK] = "bgpls-link",
	[LS_PREFIX4] = "bgpls-prefix-v4", [LS_PREFIX6] = "bgpls-prefix-v6",
};

void
bgpls_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	struct nlri_view n;
	const uint8_t *v;
	size_t vl;

	if (!nlri_ok(b, len)) {
		/* not ours to read (ignored on receipt): the octets */
		sbuf_printf(o, "\"ls-nlri-type\":%u,\"raw\":\"0x",
		    len >= 2 ? be16_get(b) : 0);
		for (size_t i = 0; i < len; i++)
			sbuf_printf(o, "%02X", b[i]);
		sbuf_addc(o, '"');
		return;
	}
	n.type = be16_get(b);
	n.proto = b[NLRI_HDR];
	n.id = be_uint(b + NLRI_HDR + 1, 8);
	n.tlvs = b + NLRI_HDR + NLRI_FIXED;
	n.tlen = len - NLRI_HDR - NLRI_FIXED;
	sbuf_printf(o, "\"ls-nlri-type\":\"%s\",\"l3-routing-topology\":%llu,"
	    "\"protocol-id\":%u", ls_names[n.type], (unsigned long long)n.id,
	    n.proto);
	if (n.type == LS_LINK) {
		json_descs_tlv(o, &n, "local-node-descriptors",
		    TLV_LOCAL_NODE);
		json_descs_tlv(o, &n, "remote-node-descriptors",
		    TLV_REMOTE_NODE);
		json_list(o, &n, "interface-addresses", TLV_IF4, TLV_IF6,
		    item_addr);
		json_list(o, &n, "neighbor-addresses", TLV_NEIGH4, TLV_NEIGH6,
		    item_addr);
		json_list(o, &n, "multi-topology-ids", TLV_MT_ID, TLV_MT_ID,
		    item_mt);
		json_list(o, &n, "link-identifiers", TLV_LINK_ID, TLV_LINK_ID,
		    item_link_id);
		return;
	}
	json_descs_tlv(o, &n, "node-descriptors", TLV_LOCAL_NODE);
	if (n.type != LS_NODE && (v = find_tlv(&n, TLV_IP_REACH, &vl)) !=
	    NULL) {
		struct prefix p;
		char buf[PREFIX_STRLEN];

		/* checked by nlri_ok: the prefix fits its TLV */
		memset(&p, 0, sizeof(p));
		p.afi = n.type == LS_PREFIX6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
		p.len = v[0];
		memcpy(p.b, v + 1, (v[0] + 7u) / 8u);
		prefix_fmt(&p, buf);
		sbuf_printf(o, ",\"ip-reachability-tlv\":\"%s\","
		    "\"ip-reach-prefix\":\"%s\"", buf, buf);
	}
	if (n.type != LS_NODE && (v = find_tlv(&n, TLV_OSPF_ROUTE, &vl)) !=
	    NULL && vl == 1)
		sbuf_printf(o, ",\"ospf-route-type\":%u", v[0]);
	if (nexthop != NULL)
		sbuf_printf(o, ",\"nexthop\":\"%s\"", nexthop);
}

void
bgpls_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	uint16_t type = len >= 2 ? be16_get(b) : 0;

	sbuf_printf(o, "%s 0x", nlri_ok(b, len) ? ls_names[type] :
	    "bgpls-unknown");
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

/* ---- the BGP-LS attribute (RFC 9552 §5.3) ---- */

bool
bgpls_attr_ok(const uint8_t *v, size_t len)
{
	return tlvs_framed(v, len);
}

/* attribute TLVs */
#define A_MT_ID			263
#define A_NODE_NAME		1026
#define A_AREA_ID		1027
#define A_LOCAL_RID4		1028
#define A_LOCAL_RID6		1029
#define A_REMOTE_RID4		1030
#define A_REMOTE_RID6		1031
#define A_SR_CAP		1034
#define A_SR_ALGO		1035
#define A_ADMIN_GROUP		1088
#define A_MAX_BW		1089
#define A_MAX_RSV_BW		1090
#define A_UNRSV_BW		1091
#define A_TE_METRIC		1092
#define A_IGP_METRIC		1095
#define A_SR_ADJ		1099
#define A_SRV6_ENDX		1106
#define A_SRV6_LAN_ENDX_ISIS	1107
#define A_DELAY			1114
#define A_MINMAX_DELAY		1115
#define A_DELAY_VAR		1116
#define A_PREFIX_METRIC		1155
#define A_SR_PREFIX_FLAGS	1170
#define A_SID_LABEL		1161
#define A_SRV6_STRUCTURE	1252

/* An IEEE float as JSON, as Python prints it (a point in an integral
 * value); NaN and the infinities are no JSON number: null. */
static void
put_float(struct sbuf *o, const uint8_t *p)
{
	uint32_t u = be32_get(p);
	double d;
	float f;

	memcpy(&f, &u, sizeof(f));
	d = f;
	if (d != d || d - d != 0)
		sbuf_adds(o, "null");
	/* the range first: casting a larger value is undefined (found by
	 * fuzz_decode) */
	else if (d < 1e16 && d > -1e16 && d == (double)(long long)d)
		sbuf_printf(o, "%.1f", d);
	else
		sbuf_printf(o, "%.9g", d);
}

/* {"A": 1, "B": 0, ..., "RSV": rest} for the named high bits */
static void
put_flags(struct sbuf *o, uint8_t f, const char *const *names, int n)
{
	uint8_t rsv = (uint8_t)(f & (0xff >> n));

	sbuf_addc(o, '{');
	for (int i = 0; i < n; i++)
		sbuf_printf(o, "\"%s\":%u,", names[i], (f >> (7 - i)) & 1);
	sbuf_printf(o, "\"RSV\":%u}", rsv);
}

static const char *const adj_flags[] = { "F", "B", "V", "L", "S", "P" };
static const char *const srv6_flags[] = { "B", "S", "P" };
static const char *const cap_flags[] = { "I", "V" };
static const char *const pfx_flags[] = { "X", "R", "N" };

/* RFC 9085 §2.2.1: flags, weight, reserved (2), then SIDs: 3 octets a
 * label (V and L set), 4 an index */
static void
item_sr_adj(struct sbuf *o, const uint8_t *v, size_t vl)
{
	size_t off = 4;

	if (vl < 4) {
		sbuf_adds(o, "null");
		return;
	}
	sbuf_adds(o, "{\"flags\":");
	put_flags(o, v[0], adj_flags, 6);
	sbuf_adds(o, ",\"sids\":[");
	if (vl - off == 3)
		sbuf_printf(o, "%u", (unsigned)be_uint(v + off, 3) & 0xfffff);
	else if (vl - off == 4)
		sbuf_printf(o, "%u", be32_get(v + off));
	sbuf_printf(o, "],\"weight\":%u,\"undecoded-sids\":[", v[1]);
	if (vl - off != 3 && vl - off != 4 && vl > off) {
		sbuf_adds(o, "\"0x");
		for (size_t i = off; i < vl; i++)
			sbuf_printf(o, "%02X", v[i]);
		sbuf_addc(o, '"');
	}
	sbuf_adds(o, "]}");
}

/* RFC 9514 §4.1 (End.X) and §4.2 (LAN End.X, IS-IS: a 6-octet
 * neighbor ID): behavior, flags, algorithm, weight, reserved,
 * [neighbor], SID, then sub-TLVs (the SID structure, §8) */
static void
item_srv6_endx(struct sbuf *o, const uint8_t *v, size_t vl, size_t nbr)
{
	size_t fixed = 6 + nbr + 16;
	const uint8_t *p, *sv;
	size_t left, svl;
	uint16_t type;

	if (vl < fixed) {
		sbuf_adds(o, "null");
		return;
	}
	sbuf_adds(o, "{\"flags\":");
	put_flags(o, v[2], srv6_flags, 3);
	if (nbr > 0) {
		sbuf_adds(o, ",\"neighbor-id\":\"");
		put_lhex(o, v + 6, nbr);
		sbuf_addc(o, '"');
	}
	sbuf_printf(o, ",\"behavior\":%u,\"algorithm\":%u,\"weight\":%u,"
	    "\"sid\":", be16_get(v), v[3], v[4]);
	put_qaddr(o, v + 6 + nbr, 16);
	p = v + fixed;
	left = vl - fixed;
	while (left > 0 && tlv_next(p, left, &type, &sv, &svl)) {
		if (type == A_SRV6_STRUCTURE && svl == 4)
			sbuf_printf(o, ",\"srv6-sid-structure\":{"
			    "\"loc_block_len\":%u,\"loc_node_len\":%u,"
			    "\"func_len\":%u,\"arg_len\":%u}", sv[0], sv[1],
			    sv[2], sv[3]);
		p += TLV_HDR + svl;
		left -= TLV_HDR + svl;
	}
	sbuf_addc(o, '}');
}

/* RFC 9085 §2.1.2: flags, reserved, then ranges: size (3) and a SID/
 * Label sub-TLV (1161: 3 octets a label, 4 an index) */
static void
json_sr_cap(struct sbuf *o, const uint8_t *v, size_t vl)
{
	const uint8_t *p, *sv;
	size_t left, svl;
	uint16_t type;
	bool first = true;

	sbuf_adds(o, "\"sr-capability-flags\":");
	put_flags(o, vl > 0 ? v[0] : 0, cap_flags, 2);
	sbuf_adds(o, ",\"sids\":[");
	p = v + 2;
	left = vl >= 2 ? vl - 2 : 0;
	while (left >= 3 + TLV_HDR) {
		uint32_t range = (uint32_t)be_uint(p, 3);

		if (!tlv_next(p + 3, left - 3, &type, &sv, &svl))
			break;
		if (type == A_SID_LABEL && (svl == 3 || svl == 4)) {
			sbuf_printf(o, "%s[%u,%u]", first ? "" : ",", range,
			    svl == 3 ? (unsigned)be_uint(sv, 3) & 0xfffff :
			    be32_get(sv));
			first = false;
		}
		p += 3 + TLV_HDR + svl;
		left -= 3 + TLV_HDR + svl;
	}
	sbuf_addc(o, ']');
}

/* One JSON member per TLV type, in the order of their first instance;
 * repeated and paired types (router IDs: IPv4 and IPv6) gathered. */
static bool
seen_before(const uint8_t *v, const uint8_t *here, uint16_t t1, uint16_t t2)
{
	const uint8_t *sv;
	size_t svl;
	uint16_t type;

	for (const uint8_t *p = v; p < here; p += TLV_HDR + svl) {
		if (!tlv_next(p, (size_t)(here - p), &type, &sv, &svl))
			break;
		if (type == t1 || type == t2)
			return true;
	}
	return false;
}

/* All TLVs of type t1 or t2 from here on, each through fn. */
static void
gather(struct sbuf *o, const uint8_t *here, const uint8_t *end, uint16_t t1,
    uint16_t t2, void (*fn)(struct sbuf *, uint16_t, const uint8_t *,
    size_t))
{
	const uint8_t *sv;
	size_t svl;
	uint16_t type;
	bool first = true;

	for (const uint8_t *p = here; p < end; p += TLV_HDR + svl) {
		if (!tlv_next(p, (size_t)(end - p), &type, &sv, &svl))
			break;
		if (type != t1 && type != t2)
			continue;
		if (!first)
			sbuf_addc(o, ',');
		first = false;
		fn(o, type, sv, svl);
	}
}

static void
g_addr(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	item_addr(o, type, v, vl);
}

static void
g_area(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	sbuf_printf(o, "\"%llu\"", (unsigned long long)be_uint(v, vl));
}

static void
g_adj(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	item_sr_adj(o, v, vl);
}

static void
g_endx(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	item_srv6_endx(o, v, vl, type == A_SRV6_LAN_ENDX_ISIS ? 6 : 0);
}

static void
g_hex(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	sbuf_adds(o, "\"0x");
	for (size_t i = 0; i < vl; i++)
		sbuf_printf(o, "%02X", v[i]);
	sbuf_addc(o, '"');
}

static void
json_name(struct sbuf *o, const uint8_t *v, size_t vl)
{
	sbuf_addc(o, '"');
	for (size_t i = 0; i < vl; i++) {
		if (v[i] == '"' || v[i] == '\\')
			sbuf_printf(o, "\\%c", v[i]);
		else if (v[i] < 0x20 || v[i] >= 0x7f)
			sbuf_printf(o, "\\u%04x", v[i]);
		else
			sbuf_addc(o, (char)v[i]);
	}
	sbuf_addc(o, '"');
}

/* A TLV with a member of its own (not gathered); false: shown generic. */
static bool
json_single(struct sbuf *o, uint16_t type, const uint8_t *v, size_t vl)
{
	switch (type) {
	case A_NODE_NAME:
		sbuf_adds(o, "\"node-name\":");
		json_name(o, v, vl);
		return true;
	case A_SR_CAP:
		json_sr_cap(o, v, vl);
		return true;
	case A_SR_ALGO:
		sbuf_adds(o, "\"sr-algorithms\":[");
		for (size_t i = 0; i < vl; i++)
			sbuf_printf(o, "%s%u", i ? "," : "", v[i]);
		sbuf_addc(o, ']');
		return true;
	case A_ADMIN_GROUP:
		if (vl != 4)
			return false;
		sbuf_printf(o, "\"admin-group-mask\":%u", be32_get(v));
		return true;
	case A_MAX_BW:
	case A_MAX_RSV_BW:
		if (vl != 4)
			return false;
		sbuf_printf(o, "\"%s\":", type == A_MAX_BW ?
		    "maximum-link-bandwidth" :
		    "maximum-reservable-link-bandwidth");
		put_float(o, v);
		return true;
	case A_UNRSV_BW:
		if (vl != 32)
			return false;
		sbuf_adds(o, "\"unreserved-bandwidth\":[");
		for (size_t i = 0; i < 8; i++) {
			if (i)
				sbuf_addc(o, ',');
			put_float(o, v + 4 * i);
		}
		sbuf_addc(o, ']');
		return true;
	case A_TE_METRIC:
	case A_IGP_METRIC:
	case A_PREFIX_METRIC:
		if (vl < 1 || vl > 4)
			return false;
		sbuf_printf(o, "\"%s\":%llu", type == A_TE_METRIC ?
		    "te-metric" : type == A_IGP_METRIC ? "igp-metric" :
		    "prefix-metric", (unsigned long long)be_uint(v, vl));
		return true;
	case TLV_LINK_ID:
		if (vl != 8)
			return false;
		sbuf_printf(o, "\"link-local-remote-identifiers\":{"
		    "\"local-id\":%u,\"remote-id\":%u}", be32_get(v),
		    be32_get(v + 4));
		return true;
	case A_DELAY:
		if (vl != 4)
			return false;
		sbuf_printf(o, "\"unidirectional-link-delay\":{\"delay-us\":%u,"
		    "\"anomalous\":%s}", (unsigned)be_uint(v + 1, 3),
		    (v[0] & 0x80) ? "true" : "false");
		return true;
	case A_MINMAX_DELAY:
		if (vl != 8)
			return false;
		sbuf_printf(o, "\"minmax-unidirectional-link-delay\":{"
		    "\"min-delay-us\":%u,\"max-delay-us\":%u,\"anomalous\":%s}",
		    (unsigned)be_uint(v + 1, 3), (unsigned)be_uint(v + 5, 3),
		    (v[0] & 0x80) ? "true" : "false");
		return true;
	case A_DELAY_VAR:
		if (vl != 4)
			return false;
		sbuf_printf(o, "\"unidirectional-delay-variation\":%u",
		    (unsigned)be_uint(v + 1, 3));
		return true;
	case A_SR_PREFIX_FLAGS:
		if (vl < 1)
			return false;
		sbuf_adds(o, "\"sr-prefix-attribute-flags\":");
		put_flags(o, v[0], pfx_flags, 3);
		return true;
	}
	return false;
}

/* The gathered types: t1 (and t2), their member, the item writer. */
static const struct {
	uint16_t	 t1, t2;
	const char	*key;
	void		(*fn)(struct sbuf *, uint16_t, const uint8_t *, size_t);
} gathered[] = {
	{ A_LOCAL_RID4, A_LOCAL_RID6, "local-router-ids", g_addr },
	{ A_REMOTE_RID4, A_REMOTE_RID6, "remote-router-ids", g_addr },
	{ A_AREA_ID, A_AREA_ID, "area-ids", g_area },
	{ A_SR_ADJ, A_SR_ADJ, "sr-adjs", g_adj },
	{ A_SRV6_ENDX, A_SRV6_ENDX, "srv6-endx", g_endx },
	{ A_SRV6_LAN_ENDX_ISIS, A_SRV6_LAN_ENDX_ISIS, "srv6-lan-endx-isis",
	    g_endx },
};

void
bgpls_attr_json(struct sbuf *o, const uint8_t *v, size_t len)
{
	const uint8_t *end = v + len, *sv;
	bool first = true;
	uint16_t type;
	size_t svl;

	sbuf_adds(o, "\"bgp-ls\":{");
	for (const uint8_t *p = v; p < end; p += TLV_HDR + svl) {
		size_t k;

		if (!tlv_next(p, (size_t)(end - p), &type, &sv, &svl))
			break;
		for (k = 0; k < sizeof(gathered) / sizeof(gathered[0]); k++)
			if (type == gathered[k].t1 || type == gathered[k].t2)
				break;
		/* repeated types: one member, at their first instance */
		if (k < sizeof(gathered) / sizeof(gathered[0]) ?
		    seen_before(v, p, gathered[k].t1, gathered[k].t2) :
		    seen_before(v, p, type, type))
			continue;
		if (!first)
			sbuf_addc(o, ',');
		first = false;
		if (k < sizeof(gathered) / sizeof(gathered[0])) {
			sbuf_printf(o, "\"%s\":[", gathered[k].key);
			gather(o, p, end, gathered[k].t1, gathered[k].t2,
			    gathered[k].fn);
			sbuf_addc(o, ']');
			continue;
		}
		if (json_single(o, type, sv, svl))
			continue;
		/* ExaBGP's generic form: every instance of the type */
		sbuf_printf(o, "\"generic-lsid-%u\":[", type);
		gather(o, p, end, type, type, g_hex);
		sbuf_addc(o, ']');
	}
	sbuf_addc(o, '}');
}
