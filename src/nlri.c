/*
 * NLRI of every family (see nlri.h): the family table and the
 * family-independent operations over it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/bgpls.h"
#include "evbgp/evpn.h"
#include "evbgp/mup.h"
#include "evbgp/mvpn.h"
#include "evbgp/nlri.h"
#include "evbgp/srpolicy.h"

/* ---- prefixes: unicast and multicast (RFC 4271 §4.3, RFC 4760 §5) ---- */

static unsigned
afi_bits(enum family_id fam)
{
	return family_afi(fam) == BGP_AFI_IPV6 ? 128 : 32;
}

static int
prefix_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	uint8_t bits;

	if (rbuf_peek_u8(r, 0, &bits) == -1) {
		*why = "prefix length missing";
		return -1;
	}
	/* RFC 7606 §5.3: a length past the address is malformed */
	if (bits > afi_bits(fam)) {
		*why = "prefix length too long";
		return -1;
	}
	*len = 1 + (bits + 7u) / 8u;
	if (rbuf_left(r) < *len) {
		*why = "prefix truncated";
		return -1;
	}
	return 0;
}

/* RFC 4271 §4.3: the bits past the length are irrelevant: key them 0. */
static size_t
prefix_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	memcpy(key, b, len);
	if (b[0] % 8 != 0)
		key[len - 1] &= (uint8_t)(0xff << (8 - b[0] % 8));
	return len;
}

static void
prefix_of(const uint8_t *b, size_t len, enum family_id fam, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = (uint8_t)(family_afi(fam) == BGP_AFI_IPV6 ? BGP_AFI_IPV6 :
	    BGP_AFI_IPV4);
	/* bounded by prefix_get; kept bounded for any caller */
	p->len = b[0] <= 128 ? b[0] : 128;
	memcpy(p->b, b + 1, len - 1 <= 16 ? len - 1 : 16);
	prefix_mask(p);
}

static void
prefix_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;

	prefix_of(b, len, fam, &p);
	/* once per received route: no printf */
	sbuf_adds(o, "\"nlri\":\"");
	sbuf_add(o, buf, (size_t)(prefix_fmt_end(&p, buf) - buf));
	sbuf_addc(o, '"');
	if (path_info != NULL)
		sbuf_printf(o, ",\"path-information\":\"%s\"", path_info);
}

static void
prefix_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;

	prefix_of(b, len, fam, &p);
	sbuf_adds(o, prefix_fmt(&p, buf));
	if (path_info != NULL)
		sbuf_printf(o, " path-information %s", path_info);
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

/* ---- labeled and VPN prefixes (RFC 8277, RFC 4364 §4.3.4) ---- */

#define LABEL_BOS		0x000001u	/* bottom of stack */
#define LABEL_WITHDRAWN		0x800000u	/* RFC 8277 §2.4 placeholder */
#define RD_LEN			8

/* A labeled or VPN NLRI taken apart. */
struct lbl {
	size_t		 nlabels;
	const uint8_t	*labels;	/* 3 octets each */
	const uint8_t	*rd;		/* VPN: 8 octets, else NULL */
	uint8_t		 plen;		/* the prefix's own length */
	const uint8_t	*pfx;
	size_t		 pfxlen;	/* octets */
};

static size_t
rd_len(enum family_id fam)
{
	return family_safi(fam) == BGP_SAFI_MPLS_VPN ? RD_LEN : 0;
}

/*
 * Split b (valid: lbl_get accepted it). The length octet counts the
 * labels', RD's and prefix's bits; the labels run to the one with the
 * bottom-of-stack bit (ExaBGP also stops at label 0, and at 0x800000 in
 * a withdrawal: RFC 8277 §2.4, RFC 3107 §3).
 */
static int
lbl_split(const uint8_t *b, size_t len, enum family_id fam, bool withdrawn,
    struct lbl *l)
{
	size_t rdl = rd_len(fam), off = 1;
	unsigned bits = b[0];

	memset(l, 0, sizeof(*l));
	l->labels = b + 1;
	while (bits >= 24 + rdl * 8) {
		uint32_t label;

		if (off + 3 > len)
			return -1;
		label = (uint32_t)b[off] << 16 | (uint32_t)b[off + 1] << 8 |
		    b[off + 2];
		off += 3;
		bits -= 24;
		l->nlabels++;
		if ((label & LABEL_BOS) || label == 0 ||
		    (withdrawn && label == LABEL_WITHDRAWN))
			break;
	}
	if (bits < rdl * 8 || off + rdl > len)
		return -1;
	if (rdl > 0)
		l->rd = b + off;
	off += rdl;
	bits -= (unsigned)rdl * 8;
	l->plen = (uint8_t)bits;
	l->pfx = b + off;
	l->pfxlen = (bits + 7u) / 8u;
	return off + l->pfxlen == len ? 0 : -1;
}

static int
lbl_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	struct lbl l;
	uint8_t bits;
	size_t need;

	if (rbuf_peek_u8(r, 0, &bits) == -1) {
		*why = "labeled prefix length missing";
		return -1;
	}
	/* at most what the octets after the length octet can hold */
	need = 1 + (bits + 7u) / 8u;
	if (rbuf_left(r) < need) {
		*why = "labeled prefix truncated";
		return -1;
	}
	if (lbl_split(rbuf_ptr(r), need, fam, withdrawn, &l) == -1) {
		*why = "labeled prefix: labels, RD and prefix do not add up";
		return -1;
	}
	if (l.plen > afi_bits(fam)) {
		*why = "labeled prefix length too long";
		return -1;
	}
	/*
	 * The octets are kept and read back later without knowing which
	 * field they came from, as a withdrawal's (lbl_key): an
	 * announcement whose stack runs through the 0x800000 placeholder
	 * would split otherwise; it is malformed.
	 */
	if (!withdrawn && (lbl_split(rbuf_ptr(r), need, fam, true, &l) == -1 ||
	    l.plen > afi_bits(fam))) {
		*why = "labeled prefix: 0x800000 inside a label stack";
		return -1;
	}
	*len = need;
	return 0;
}

/*
 * The key: prefix length, RD, prefix (masked); the labels are not part
 * of the route's name (ExaBGP 4.2 keys on RD and prefix alone). The
 * octets may come from a withdrawal (0x800000 placeholder label): split
 * as one, which an announcement splits the same way (a stack does not
 * run through 0x800000).
 */
static size_t
lbl_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	struct lbl l;
	size_t n = 0;

	(void)lbl_split(b, len, fam, true, &l);
	key[n++] = l.plen;
	if (l.rd != NULL) {
		memcpy(key + n, l.rd, RD_LEN);
		n += RD_LEN;
	}
	memcpy(key + n, l.pfx, l.pfxlen);
	n += l.pfxlen;
	if (l.plen % 8 != 0)
		key[n - 1] &= (uint8_t)(0xff << (8 - l.plen % 8));
	return n;
}

static void
lbl_prefix(const uint8_t *b, size_t len, enum family_id fam, struct prefix *p)
{
	struct lbl l;

	(void)lbl_split(b, len, fam, true, &l);
	memset(p, 0, sizeof(*p));
	p->afi = (uint8_t)(family_afi(fam) == BGP_AFI_IPV6 ? BGP_AFI_IPV6 :
	    BGP_AFI_IPV4);
	/* bounded by lbl_get; kept bounded for any caller */
	p->len = l.plen <= 128 ? l.plen : 128;
	memcpy(p->b, l.pfx, l.pfxlen <= 16 ? l.pfxlen : 16);
	prefix_mask(p);
}

/* RFC 4364 §4.2: type 0 ASN2:N, type 1 IPv4:N, type 2 ASN4:N. */
void
nlri_rd_text(struct sbuf *o, const uint8_t *rd)
{
	uint16_t type = be16_get(rd);

	switch (type) {
	case 0:
		sbuf_printf(o, "%u:%u", be16_get(rd + 2), be32_get(rd + 4));
		break;
	case 1:
		sbuf_printf(o, "%u.%u.%u.%u:%u", rd[2], rd[3], rd[4], rd[5],
		    be16_get(rd + 6));
		break;
	case 2:
		sbuf_printf(o, "%u:%u", be32_get(rd + 2), be16_get(rd + 6));
		break;
	default:
		sbuf_adds(o, "0x");
		for (int i = 0; i < RD_LEN; i++)
			sbuf_printf(o, "%02X", rd[i]);
	}
}

int
nlri_rd_parse(const char *s, uint8_t *rd)
{
	const char *colon = strchr(s, ':');
	char admin[64], *end;
	unsigned long long a, n;
	struct bgp_addr ip;

	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof(admin)
	    || !isdigit((unsigned char)colon[1]))
		return -1;
	memcpy(admin, s, (size_t)(colon - s));
	admin[colon - s] = '\0';
	errno = 0;
	n = strtoull(colon + 1, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	if (strchr(admin, '.') != NULL) {
		/* type 1: IPv4:N */
		if (addr_parse(admin, &ip) == -1 || ip.afi != BGP_AFI_IPV4 ||
		    n > 0xffff)
			return -1;
		be16_put(rd, 1);
		memcpy(rd + 2, ip.b, 4);
		be16_put(rd + 6, (uint16_t)n);
		return 0;
	}
	if (!isdigit((unsigned char)admin[0]))
		return -1;
	a = strtoull(admin, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	if (a <= 0xffff && n <= 0xffffffff) {
		/* type 0: ASN2:N */
		be16_put(rd, 0);
		be16_put(rd + 2, (uint16_t)a);
		be32_put(rd + 4, (uint32_t)n);
		return 0;
	}
	if (a <= 0xffffffff && n <= 0xffff) {
		/* type 2: ASN4:N */
		be16_put(rd, 2);
		be32_put(rd + 2, (uint32_t)a);
		be16_put(rd + 6, (uint16_t)n);
		return 0;
	}
	return -1;
}

static uint32_t
label_value(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) >> 4;
}

/* v6: ExaBGP main's labels, [label, raw 24 bits] each (compat §3.5) */
static void
lbl_json_dialect(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, bool v6)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;
	struct lbl l;

	(void)lbl_split(b, len, fam, true, &l);
	lbl_prefix(b, len, fam, &p);
	sbuf_printf(o, "\"nlri\":\"%s\"", prefix_fmt(&p, buf));
	if (path_info != NULL)
		sbuf_printf(o, ",\"path-information\":\"%s\"", path_info);
	if (l.nlabels > 0) {
		sbuf_adds(o, ",\"label\":[");
		for (size_t i = 0; i < l.nlabels; i++) {
			const uint8_t *lb = l.labels + 3 * i;

			sbuf_printf(o, "%s[%u", i ? "," : "", label_value(lb));
			if (v6)
				sbuf_printf(o, ",%u", (unsigned)lb[0] << 16 |
				    (unsigned)lb[1] << 8 | lb[2]);
			sbuf_addc(o, ']');
		}
		sbuf_addc(o, ']');
	}
	if (l.rd != NULL) {
		sbuf_adds(o, ",\"rd\":\"");
		nlri_rd_text(o, l.rd);
		sbuf_addc(o, '"');
	}
}

static void
lbl_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	lbl_json_dialect(o, b, len, fam, path_info, false);
}

static const uint8_t *
lbl_rd(const uint8_t *b, size_t len, enum family_id fam)
{
	struct lbl l;

	(void)lbl_split(b, len, fam, true, &l);
	return l.rd;
}

static size_t
lbl_labels(const uint8_t *b, size_t len, enum family_id fam,
    uint32_t *labels, size_t max)
{
	struct lbl l;

	(void)lbl_split(b, len, fam, true, &l);
	for (size_t i = 0; i < l.nlabels && i < max; i++)
		labels[i] = label_value(l.labels + 3 * i);
	return l.nlabels;
}

size_t
nlri_labeled_build(const struct prefix *p, const uint8_t *rd,
    const uint32_t *labels, size_t nlabels, uint8_t *buf)
{
	size_t bits = 24 * nlabels + (rd != NULL ? 8 * RD_LEN : 0) + p->len;
	size_t n = 1, pl = (p->len + 7u) / 8u;

	if (bits > 255)
		return 0;
	buf[0] = (uint8_t)bits;
	for (size_t i = 0; i < nlabels; i++) {
		uint32_t v = (labels[i] & 0xfffff) << 4 |
		    (i + 1 == nlabels ? LABEL_BOS : 0);

		buf[n++] = (uint8_t)(v >> 16);
		buf[n++] = (uint8_t)(v >> 8);
		buf[n++] = (uint8_t)v;
	}
	if (rd != NULL) {
		memcpy(buf + n, rd, RD_LEN);
		n += RD_LEN;
	}
	memcpy(buf + n, p->b, pl);
	return n + pl;
}

/* 4.2: "P label L", or "label [ L1 L2 ]", the next hop, then " rd R". */
static void
lbl_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;
	struct lbl l;

	(void)lbl_split(b, len, fam, true, &l);
	lbl_prefix(b, len, fam, &p);
	sbuf_adds(o, prefix_fmt(&p, buf));
	if (path_info != NULL)
		sbuf_printf(o, " path-information %s", path_info);
	if (l.nlabels == 1)
		sbuf_printf(o, " label %u", label_value(l.labels));
	else if (l.nlabels > 1) {
		sbuf_adds(o, " label [ ");
		for (size_t i = 0; i < l.nlabels; i++)
			sbuf_printf(o, "%u ", label_value(l.labels + 3 * i));
		sbuf_addc(o, ']');
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
	if (l.rd != NULL) {
		sbuf_adds(o, " rd ");
		nlri_rd_text(o, l.rd);
	}
}

/* ---- L2VPN VPLS (RFC 4761 §3.2.2) ---- */

/* length (2), RD (8), VE ID (2), VE block offset (2), block size (2),
 * label base (3) */
#define VPLS_LEN		17u

static int
vpls_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	uint16_t l;

	if (rbuf_left(r) < 2) {
		*why = "VPLS NLRI length missing";
		return -1;
	}
	l = be16_get(rbuf_ptr(r));
	if (rbuf_left(r) < 2u + l) {
		*why = "VPLS NLRI truncated";
		return -1;
	}
	*len = 2u + l;
	if (l != VPLS_LEN) {
		*why = "VPLS NLRI length is not 17";
		return 1;
	}
	return 0;
}

/* RFC 4761 §3.2.2: a VE's label block is named by the RD, the VE ID and
 * the block offset; its size and label base are what it says */
static size_t
vpls_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	if (len != 2 + VPLS_LEN) {
		/* ignored by vpls_get: the octets */
		memcpy(key, b, len);
		return len;
	}
	memcpy(key, b + 2, RD_LEN + 4);
	return RD_LEN + 4;
}

/* An NLRI vpls_get ignores (not 17 octets): "0x" and its octets. */
static bool
vpls_raw(struct sbuf *o, const uint8_t *b, size_t len)
{
	if (len == 2 + VPLS_LEN)
		return false;
	sbuf_adds(o, "0x");
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	return true;
}

struct vpls {
	const uint8_t	*rd;
	uint16_t	 endpoint, offset, size;
	uint32_t	 base;
};

static void
vpls_split(const uint8_t *b, struct vpls *v)
{
	v->rd = b + 2;
	v->endpoint = be16_get(b + 10);
	v->offset = be16_get(b + 12);
	v->size = be16_get(b + 14);
	v->base = ((uint32_t)b[16] << 16 | (uint32_t)b[17] << 8 | b[18]) >> 4;
}

static void
vpls_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	struct vpls v;

	if (len != 2 + VPLS_LEN) {
		sbuf_adds(o, "\"raw\":\"");
		vpls_raw(o, b, len);
		sbuf_addc(o, '"');
		return;
	}
	vpls_split(b, &v);
	sbuf_adds(o, "\"rd\":\"");
	nlri_rd_text(o, v.rd);
	sbuf_printf(o, "\",\"endpoint\":%u,\"base\":%u,\"offset\":%u,"
	    "\"size\":%u", v.endpoint, v.base, v.offset, v.size);
}

/* 4.2: "vpls rd R endpoint E base B offset O size S next-hop N" */
static void
vpls_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	struct vpls v;

	if (len != 2 + VPLS_LEN) {
		sbuf_adds(o, "vpls ");
		vpls_raw(o, b, len);
		return;
	}
	vpls_split(b, &v);
	sbuf_adds(o, "vpls rd ");
	nlri_rd_text(o, v.rd);
	sbuf_printf(o, " endpoint %u base %u offset %u size %u ", v.endpoint,
	    v.base, v.offset, v.size);
	if (nexthop != NULL)
		sbuf_printf(o, "next-hop %s", nexthop);
}

static const uint8_t *
vpls_rd(const uint8_t *b, size_t len, enum family_id fam)
{
	return len == 2 + VPLS_LEN ? b + 2 : NULL;
}

size_t
nlri_vpls_build(const uint8_t *rd, uint16_t endpoint, uint16_t offset,
    uint16_t size, uint32_t base, uint8_t *buf)
{
	uint32_t label = (base & 0xfffff) << 4 | LABEL_BOS;

	be16_put(buf, VPLS_LEN);
	memcpy(buf + 2, rd, RD_LEN);
	be16_put(buf + 10, endpoint);
	be16_put(buf + 12, offset);
	be16_put(buf + 14, size);
	buf[16] = (uint8_t)(label >> 16);
	buf[17] = (uint8_t)(label >> 8);
	buf[18] = (uint8_t)label;
	return 2 + VPLS_LEN;
}

bool
nlri_vpls_fields(const struct nlri *n, uint16_t *endpoint, uint16_t *offset,
    uint16_t *size, uint32_t *base)
{
	struct vpls v;

	if (n->fam != FAM_L2VPN_VPLS || n->len != 2 + VPLS_LEN)
		return false;
	vpls_split(n->b, &v);
	*endpoint = v.endpoint;
	*offset = v.offset;
	*size = v.size;
	*base = v.base;
	return true;
}

/* ---- route target constraint (RFC 4684 §4) ---- */

/* a length in bits, then the origin AS and a route target prefix */
static int
rtc_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	uint8_t bits;

	if (rbuf_peek_u8(r, 0, &bits) == -1) {
		*why = "RTC length missing";
		return -1;
	}
	*len = 1 + (bits + 7u) / 8u;
	if (rbuf_left(r) < *len) {
		*why = "RTC NLRI truncated";
		return -1;
	}
	/* 0: the default; else the origin AS whole, and at most an RT */
	if (bits != 0 && (bits < 32 || bits > 96)) {
		*why = "RTC length not 0 or 32 to 96";
		return 1;
	}
	return 0;
}

/* "65000:target:65000:1", or the route target's octets as far as the
 * prefix goes ("65000:0x0002FD/40"); "wildcard" for the default. */
static void
rtc_fmt(struct sbuf *o, const uint8_t *b, size_t len)
{
	uint64_t ec = 0;
	char buf[64];

	if (b[0] == 0) {
		sbuf_adds(o, "wildcard");
		return;
	}
	if (len < 5) {
		/* shorter than the origin AS: ignored (rtc_get), printed raw */
		sbuf_adds(o, "0x");
		for (size_t i = 1; i < len; i++)
			sbuf_printf(o, "%02X", b[i]);
		sbuf_printf(o, "/%u", b[0]);
		return;
	}
	sbuf_printf(o, "%u:", be32_get(b + 1));
	if (b[0] == 96) {
		for (int i = 0; i < 8; i++)
			ec = ec << 8 | b[5 + i];
		/* RFC 4684 §4: the RT's high-order type bits are ignored */
		ec &= ~(UINT64_C(0xc0) << 56);
		ext_community_format(ec, buf, sizeof(buf));
		sbuf_adds(o, buf);
		return;
	}
	sbuf_adds(o, "0x");
	for (size_t i = 5; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	sbuf_printf(o, "/%u", b[0]);
}

/*
 * ExaBGP 4.2 decodes RTC but has no JSON for it (its encoder fails):
 * ours gives the origin AS and the route target, its text the string.
 */
static void
rtc_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	sbuf_adds(o, "\"rtc\":\"");
	rtc_fmt(o, b, len);
	sbuf_adds(o, "\",\"string\":\"rtc ");
	rtc_fmt(o, b, len);
	sbuf_addc(o, '"');
}

/* 4.2: "rtc ORIGIN:RT", "rtc wildcard" */
static void
rtc_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	sbuf_adds(o, "rtc ");
	rtc_fmt(o, b, len);
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

/* ---- EVPN (RFC 7432, 9136: evpn.c) ---- */

static int
evpn_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	return evpn_nlri_get(r, len, why);
}

static size_t
evpn_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	return evpn_nlri_key(b, len, key);
}

static void
evpn_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	evpn_nlri_json(o, b, len);
}

static void
evpn_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	evpn_nlri_text(o, b, len, nexthop);
}

static const uint8_t *
evpn_rd(const uint8_t *b, size_t len, enum family_id fam)
{
	return evpn_nlri_rd(b, len);
}

/* ---- flowspec (RFC 8955, 8956: flow.c) ---- */

static const uint8_t *
flow_rd(const uint8_t *b, size_t len, enum family_id fam)
{
	return flow_nlri_rd(b, len, fam);
}

static int
flow_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	return flow_nlri_get(r, fam, len, why);
}

static size_t
flow_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	return flow_nlri_key(b, len, key);
}

/* 4.2 has no path identifier for flowspec (its parser ignores it) */
static void
flow_json(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	flow_nlri_json(o, b, len, fam, nexthop);
}

static void
flow_text(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    const char *path_info, const char *nexthop)
{
	flow_nlri_text(o, b, len, fam, nexthop);
}

/* ---- the table ---- */

#define PREFIX_FAMILY(f)						\
	[f] = { .fam = f, .flags = NLRI_F_PREFIX | NLRI_F_NEXTHOP_ATTR,	\
	    .get = prefix_get, .key = prefix_key, .json = prefix_json,	\
	    .text = prefix_text, .prefix = prefix_of }

/* RFC 8277 labeled unicast; RFC 4364, 4659 VPN (an RD before the
 * next hop, ExaBGP sends the attributes with withdrawals) */
#define LABELED_FAMILY(f, rdlen, wflags)				\
	[f] = { .fam = f, .flags = NLRI_F_NEXTHOP_ATTR | (wflags),	\
	    .nh_rd = (rdlen), .get = lbl_get, .key = lbl_key,		\
	    .json = lbl_json, .text = lbl_text, .prefix = lbl_prefix,	\
	    .rd = lbl_rd, .labels = lbl_labels }

/* RFC 8955 §4: no next hop, or one (redirect, copy) without an RD;
 * ExaBGP sends the attributes with withdrawals */
#define FLOW_FAMILY(f)							\
	[f] = { .fam = f, .flags = NLRI_F_WITHDRAW_ATTRS, .nh_none = true, \
	    .get = flow_get, .key = flow_key, .json = flow_json,	\
	    .text = flow_text, .rd = flow_rd }

/* ExaBGP main's MCAST-VPN, MUP, SR Policy: routes of their own words,
 * a next hop of either address family as it is; the IPv4 next hop of
 * MVPN and MUP routes also in NEXT_HOP, their withdrawals with the
 * attributes (the kit's bytes) */
#define WORDS_FAMILY(f, p, k, fl)					\
	[f] = { .fam = f, .flags = NLRI_F_NH_ASIS |			\
	    NLRI_F_WITHDRAW_ATTRS | (fl), .get = p##_nlri_get,		\
	    .key = k, .json = p##_nlri_json,				\
	    .text = p##_nlri_text, .parse = p##_nlri_parse,		\
	    .route = p##_nlri_route }

static const struct nlri_family nlri_families[FAM_MAX] = {
	PREFIX_FAMILY(FAM_IPV4_UNICAST),
	PREFIX_FAMILY(FAM_IPV4_MULTICAST),
	PREFIX_FAMILY(FAM_IPV6_UNICAST),
	PREFIX_FAMILY(FAM_IPV6_MULTICAST),
	LABELED_FAMILY(FAM_IPV4_NLRI_MPLS, 0, NLRI_F_WITHDRAW_ATTRS),
	LABELED_FAMILY(FAM_IPV6_NLRI_MPLS, 0, NLRI_F_WITHDRAW_ATTRS),
	LABELED_FAMILY(FAM_IPV4_MPLS_VPN, RD_LEN, NLRI_F_WITHDRAW_ATTRS),
	LABELED_FAMILY(FAM_IPV6_MPLS_VPN, RD_LEN, NLRI_F_WITHDRAW_ATTRS),
	FLOW_FAMILY(FAM_IPV4_FLOW),
	FLOW_FAMILY(FAM_IPV6_FLOW),
	FLOW_FAMILY(FAM_IPV4_FLOW_VPN),
	FLOW_FAMILY(FAM_IPV6_FLOW_VPN),
	/* RFC 4761: the next hop without an RD; ExaBGP sends the
	 * attributes with withdrawals */
	[FAM_L2VPN_VPLS] = { .fam = FAM_L2VPN_VPLS,
	    .flags = NLRI_F_WITHDRAW_ATTRS, .get = vpls_get, .key = vpls_key,
	    .json = vpls_json, .text = vpls_text, .rd = vpls_rd },
	/* received only (ExaBGP 4.2 cannot announce them either); the key
	 * is the prefix's, its bits past the length cleared */
	[FAM_IPV4_RTC] = { .fam = FAM_IPV4_RTC, .get = rtc_get,
	    .key = prefix_key, .json = rtc_json, .text = rtc_text },
	WORDS_FAMILY(FAM_IPV4_MVPN, mvpn, nlri_key_whole,
	    NLRI_F_NEXTHOP_ATTR),
	WORDS_FAMILY(FAM_IPV6_MVPN, mvpn, nlri_key_whole,
	    NLRI_F_NEXTHOP_ATTR),
	WORDS_FAMILY(FAM_IPV4_MUP, mup, mup_nlri_key, NLRI_F_NEXTHOP_ATTR |
	    NLRI_F_UNPACKED),
	WORDS_FAMILY(FAM_IPV6_MUP, mup, mup_nlri_key, NLRI_F_NEXTHOP_ATTR |
	    NLRI_F_NH_V4MAPPED | NLRI_F_UNPACKED),
	WORDS_FAMILY(FAM_IPV4_SRPOLICY, srpolicy, nlri_key_whole, 0),
	WORDS_FAMILY(FAM_IPV6_SRPOLICY, srpolicy, nlri_key_whole, 0),
	/* received only (ExaBGP announces none either) */
	[FAM_BGPLS] = { .fam = FAM_BGPLS, .get = bgpls_nlri_get,
	    .key = nlri_key_whole, .json = bgpls_nlri_json,
	    .text = bgpls_nlri_text },
	[FAM_L2VPN_EVPN] = { .fam = FAM_L2VPN_EVPN,
	    .flags = NLRI_F_WITHDRAW_ATTRS, .get = evpn_get, .key = evpn_key,
	    .json = evpn_json, .text = evpn_text, .rd = evpn_rd },
};

const struct nlri_family *
nlri_family(enum family_id fam)
{
	if ((unsigned)fam >= FAM_MAX || nlri_families[fam].get == NULL)
		return NULL;
	return &nlri_families[fam];
}

famset_t
nlri_spoken(void)
{
	famset_t set = 0;

	for (int f = 0; f < FAM_MAX; f++)
		if (nlri_families[f].get != NULL)
			set |= FAMSET(f);
	return set;
}

const char *
nlri_spoken_text(char *buf, size_t len)
{
	famset_t spoken = nlri_spoken();
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int f = 0; f < FAM_MAX && off < len; f++)
		if (FAMSET_HAS(spoken, f))
			off += (size_t)snprintf(buf + off, len - off, "%s%s %s",
			    off ? ", " : "", family_afi_name(f),
			    family_safi_name(f));
	return buf;
}

/* ---- family-independent operations ---- */

int
nlri_get(struct rbuf *r, enum family_id fam, bool addpath, bool withdrawn,
    struct nlri *n, const char **why)
{
	const struct nlri_family *f = nlri_family(fam);
	struct rbuf save = *r;
	const char *dummy;
	uint32_t id = 0;
	size_t len;
	int rc;

	if (why == NULL)
		why = &dummy;
	if (f == NULL) {
		*why = "family not spoken";
		return -1;
	}
	if (addpath && rbuf_get_u32(r, &id) == -1) {
		*why = "path identifier truncated";
		goto bad;
	}
	if ((rc = f->get(r, fam, withdrawn, &len, why)) == -1)
		goto bad;
	n->fam = fam;
	n->path_id = id;
	n->b = rbuf_ptr(r);
	n->len = len;
	(void)rbuf_skip(r, len);
	return rc;
bad:
	*r = save;
	return -1;
}

int
nlri_field_check(struct rbuf r, enum family_id fam, bool addpath,
    bool withdrawn, size_t *count, size_t *ignored, const char **why)
{
	const char *first = NULL, *w = NULL;
	size_t k = 0, bad = 0;
	struct nlri n;
	int rc;

	while (rbuf_left(&r) > 0) {
		if ((rc = nlri_get(&r, fam, addpath, withdrawn, &n, &w)) == -1) {
			if (why != NULL)
				*why = w;
			return -1;
		}
		if (rc == 1) {
			if (bad++ == 0)
				first = w;
		} else
			k++;
	}
	if (count != NULL)
		*count = k;
	if (ignored != NULL)
		*ignored = bad;
	if (bad > 0 && why != NULL)
		*why = first;
	return 0;
}

int
nlri_put(struct wbuf *w, const struct nlri *n, bool addpath)
{
	if (addpath)
		wbuf_put_u32(w, n->path_id);
	wbuf_put_bytes(w, n->b, n->len);
	return w->err ? -1 : 0;
}

size_t
nlri_size(const struct nlri *n, bool addpath)
{
	return (addpath ? 4 : 0) + n->len;
}

size_t
nlri_key(const struct nlri *n, uint8_t *key)
{
	return nlri_family(n->fam)->key(n->b, n->len, n->fam, key);
}

bool
nlri_same_key(const struct nlri *a, const struct nlri *b)
{
	uint8_t ka[NLRI_MAX], kb[NLRI_MAX];
	size_t la, lb;

	if (a->fam != b->fam || a->path_id != b->path_id)
		return false;
	la = nlri_key(a, ka);
	lb = nlri_key(b, kb);
	return la == lb && memcmp(ka, kb, la) == 0;
}

static const char *
path_info(const struct nlri *n, bool with_path_id, char *buf)
{
	if (!with_path_id)
		return NULL;
	snprintf(buf, 16, "%u.%u.%u.%u", n->path_id >> 24,
	    (n->path_id >> 16) & 0xff, (n->path_id >> 8) & 0xff,
	    n->path_id & 0xff);
	return buf;
}

void
nlri_json(struct sbuf *o, const struct nlri *n, bool with_path_id,
    const char *nh)
{
	char pi[16];

	nlri_family(n->fam)->json(o, n->b, n->len, n->fam,
	    path_info(n, with_path_id, pi), nh);
}

void
nlri_json6(struct sbuf *o, const struct nlri *n, bool with_path_id,
    const char *nh)
{
	char pi[16];

	if (nlri_family(n->fam)->json == lbl_json)
		lbl_json_dialect(o, n->b, n->len, n->fam,
		    path_info(n, with_path_id, pi), true);
	else if (nlri_family(n->fam)->json == flow_json)
		flow_nlri_json6(o, n->b, n->len, n->fam, nh);
	else
		nlri_json(o, n, with_path_id, nh);
}

void
nlri_text(struct sbuf *o, const struct nlri *n, bool with_path_id,
    const char *nh)
{
	char pi[16];

	nlri_family(n->fam)->text(o, n->b, n->len, n->fam,
	    path_info(n, with_path_id, pi), nh);
}

int
nlri_nexthop_get(enum family_id fam, struct rbuf nh, struct bgp_addr *g,
    struct bgp_addr *ll, const char **why)
{
	const struct nlri_family *f = nlri_family(fam);
	size_t n = rbuf_left(&nh);
	uint8_t rd[8];

	memset(g, 0, sizeof(*g));
	memset(ll, 0, sizeof(*ll));
	if (n == 0)
		return f->nh_none ? 0 : -1;
	if (n < f->nh_rd)
		return -1;
	(void)rbuf_get_bytes(&nh, rd, f->nh_rd);
	n -= f->nh_rd;
	if (n != 4 && n != 16 && n != 32)
		return -1;
	g->afi = n == 4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	(void)rbuf_get_bytes(&nh, g->b, n == 4 ? 4 : 16);
	if (n == 32) {
		ll->afi = BGP_AFI_IPV6;
		(void)rbuf_get_bytes(&nh, ll->b, 16);
	}
	for (size_t i = 0; i < f->nh_rd; i++)
		if (rd[i] != 0) {
			*why = "MP_REACH_NLRI next hop RD not zero";
			return 1;
		}
	return 0;
}

int
nlri_nexthop_put(struct wbuf *w, enum family_id fam, const struct bgp_addr *g,
    const struct bgp_addr *ll, bool ext)
{
	const struct nlri_family *f = nlri_family(fam);
	struct bgp_addr mapped;
	bool with_ll;

	if (g->afi == 0) {
		if (!f->nh_none)
			return -1;
		return wbuf_put_u8(w, 0);
	}
	if (g->afi != BGP_AFI_IPV4 && g->afi != BGP_AFI_IPV6)
		return -1;
	if (f->flags & NLRI_F_NH_ASIS)
		ext = true;
	/* RFC 8950: an IPv6 next hop for IPv4 NLRI, negotiated only */
	if (g->afi == BGP_AFI_IPV6 && family_afi(fam) == BGP_AFI_IPV4 && !ext)
		return -1;
	/* RFC 4798 §2: an IPv4 next hop for IPv6 NLRI, mapped */
	if (g->afi == BGP_AFI_IPV4 && family_afi(fam) == BGP_AFI_IPV6 &&
	    !ext && !f->nh_none) {
		memset(&mapped, 0, sizeof(mapped));
		mapped.afi = BGP_AFI_IPV6;
		mapped.b[10] = mapped.b[11] = 0xff;
		memcpy(mapped.b + 12, g->b, 4);
		g = &mapped;
	}
	with_ll = g->afi == BGP_AFI_IPV6 && ll != NULL &&
	    ll->afi == BGP_AFI_IPV6;

	wbuf_put_u8(w, (uint8_t)(f->nh_rd + addr_len(g) + (with_ll ? 16 : 0)));
	wbuf_put_zero(w, f->nh_rd);
	wbuf_put_bytes(w, g->b, addr_len(g));
	/* RFC 2545 §3: global then link-local */
	if (with_ll)
		wbuf_put_bytes(w, ll->b, 16);
	return w->err ? -1 : 0;
}

bool
nlri_prefix(const struct nlri *n, struct prefix *p)
{
	const struct nlri_family *f = nlri_family(n->fam);

	if (f == NULL || f->prefix == NULL)
		return false;
	f->prefix(n->b, n->len, n->fam, p);
	return true;
}

const uint8_t *
nlri_rd(const struct nlri *n)
{
	const struct nlri_family *f = nlri_family(n->fam);

	return f == NULL || f->rd == NULL ? NULL : f->rd(n->b, n->len, n->fam);
}

size_t
nlri_labels(const struct nlri *n, uint32_t *labels, size_t max)
{
	const struct nlri_family *f = nlri_family(n->fam);

	if (f == NULL || f->labels == NULL)
		return 0;
	return f->labels(n->b, n->len, n->fam, labels, max);
}

size_t
nlri_from_prefix(const struct prefix *p, uint8_t *buf)
{
	size_t n = (p->len + 7u) / 8u;

	buf[0] = p->len;
	memcpy(buf + 1, p->b, n);
	return 1 + n;
}

void
nlri_to_prefix(const struct nlri *n, struct prefix *p)
{
	prefix_of(n->b, n->len, n->fam, p);
}

/* ---- shared by the families' modules ---- */

size_t
nlri_key_whole(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	memcpy(key, b, len);
	return len;
}

void
nlri_put_addr(struct sbuf *o, const uint8_t *p, size_t have, size_t bytes)
{
	struct bgp_addr a;
	char buf[ADDR_STRLEN];

	memset(&a, 0, sizeof(a));
	a.afi = bytes == 4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	memcpy(a.b, p, have < bytes ? have : bytes);
	sbuf_adds(o, addr_fmt(&a, buf));
}

/* ---- route words (nlri_family.parse) ---- */

int
nlri_word_fail(struct nlri_words *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, w->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool
nlri_word_is(const struct nlri_words *w, const char *kw)
{
	return w->i < w->n && !w->t[w->i].quoted &&
	    strcmp(w->t[w->i].text, kw) == 0;
}

const char *
nlri_word(struct nlri_words *w, const char *what)
{
	const char *s;

	if (w->i >= w->n) {
		nlri_word_fail(w, "%s: a value is missing", what);
		return NULL;
	}
	s = w->t[w->i].text;
	if (!w->t[w->i].quoted && strchr("[](),;{}", s[0]) != NULL &&
	    s[1] == '\0') {
		nlri_word_fail(w, "%s: a value is missing before '%s'", what, s);
		return NULL;
	}
	w->i++;
	return s;
}

int
nlri_word_expect(struct nlri_words *w, const char *kw, const char *ctx)
{
	if (nlri_word_is(w, kw)) {
		w->i++;
		return 0;
	}
	return nlri_word_fail(w, "%s: expected '%s'%s%s%s", ctx, kw,
	    w->i < w->n ? ", not '" : " at the end", w->i < w->n ?
	    w->t[w->i].text : "", w->i < w->n ? "'" : "");
}

int
nlri_word_addr(struct nlri_words *w, const char *what, uint16_t afi,
    struct bgp_addr *a)
{
	const char *s = nlri_word(w, what);

	if (s == NULL)
		return -1;
	if (addr_parse(s, a) == -1 || (afi != 0 && a->afi != afi)) {
		w->i--;
		return nlri_word_fail(w, "%s: '%s' is not an %s address", what,
		    s, afi == BGP_AFI_IPV6 ? "IPv6" : afi == BGP_AFI_IPV4 ?
		    "IPv4" : "IP");
	}
	return 0;
}

int
nlri_word_num(struct nlri_words *w, const char *what, uint64_t max,
    uint64_t *v)
{
	const char *s = nlri_word(w, what);
	uint64_t x = 0;

	if (s == NULL)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_MAX - 9) / 10) {
			x = max + 1;
			break;
		}
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > max)
			break;
	}
	if (*s == '\0' || x > max) {
		w->i--;
		return nlri_word_fail(w, "%s: '%s' is not a number from 0 to "
		    "%llu", what, s, (unsigned long long)max);
	}
	*v = x;
	return 0;
}

int
nlri_word_rd(struct nlri_words *w, uint8_t *rd)
{
	const char *s = nlri_word(w, "rd");

	if (s == NULL)
		return -1;
	if (nlri_rd_parse(s, rd) == -1) {
		w->i--;
		return nlri_word_fail(w, "invalid rd '%s' (expected ASN:NUMBER "
		    "or IPv4:NUMBER)", s);
	}
	return 0;
}

/* ---- owned octets ---- */

void
nlri_buf_set(struct nlri_buf *nb, const uint8_t *b, size_t len)
{
	free(nb->heap);
	nb->heap = NULL;
	nb->len = (uint16_t)len;
	if (len > sizeof(nb->inl)) {
		nb->heap = xmalloc(len);
		memcpy(nb->heap, b, len);
	} else if (len > 0)
		memcpy(nb->inl, b, len);
}

const uint8_t *
nlri_buf_data(const struct nlri_buf *nb)
{
	return nb->heap != NULL ? nb->heap : nb->inl;
}

void
nlri_buf_copy(struct nlri_buf *dst, const struct nlri_buf *src)
{
	memset(dst, 0, sizeof(*dst));
	nlri_buf_set(dst, nlri_buf_data(src), src->len);
}

void
nlri_buf_free(struct nlri_buf *nb)
{
	free(nb->heap);
	memset(nb, 0, sizeof(*nb));
}
