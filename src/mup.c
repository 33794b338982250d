/*
 * BGP-MUP NLRI (see mup.h): draft-mpmz-bess-mup-safi §3.1, the 3gpp-5g
 * architecture's four route types as ExaBGP main encodes and shows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/mup.h"

#define HDR_LEN		4	/* architecture, route type, length */
#define RD_LEN		8
#define ARCH_3GPP_5G	1
#define ISD		1
#define DSD		2
#define T1ST		3
#define T2ST		4
#define TEID_BITS_MAX	32

/* A route taken apart; pointers into its octets. */
struct mup {
	uint8_t		 arch;
	uint16_t	 code;
	bool		 parsed;
	const uint8_t	*rd;
	uint8_t		 plen;		/* ISD, T1ST: prefix bits */
	const uint8_t	*pfx;		/* ISD, T1ST; DSD: the address */
	size_t		 pfxlen;	/* octets on the wire */
	uint32_t	 teid;		/* T1ST, T2ST */
	uint8_t		 qfi;		/* T1ST */
	uint8_t		 eplen;		/* T1ST, T2ST: endpoint bits */
	const uint8_t	*ep;
	size_t		 epbytes;
	uint8_t		 srclen;	/* T1ST: 0 when absent */
	const uint8_t	*src;
};

static const struct {
	const char	*name;
	const char	*word;		/* route syntax */
	const char	*text;		/* ExaBGP's short name, lower case */
} types[] = {
	[ISD] = { "InterworkSegmentDiscoveryRoute", "mup-isd", "isd" },
	[DSD] = { "DirectSegmentDiscoveryRoute", "mup-dsd", "dsd" },
	[T1ST] = { "Type1SessionTransformedRoute", "mup-t1st", "t1st" },
	[T2ST] = { "Type2SessionTransformedRoute", "mup-t2st", "t2st" },
};

static size_t
afi_bytes(enum family_id fam)
{
	return family_afi(fam) == BGP_AFI_IPV6 ? 16 : 4;
}

int
mup_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn, size_t *len,
    const char **why)
{
	const uint8_t *b = rbuf_ptr(r);

	if (rbuf_left(r) < HDR_LEN) {
		*why = "MUP NLRI truncated";
		return -1;
	}
	if (rbuf_left(r) < HDR_LEN + (size_t)b[3]) {
		*why = "MUP NLRI length past the data";
		return -1;
	}
	*len = HDR_LEN + (size_t)b[3];
	return 0;
}

/* A length octet (bits, 32 or 128) and that address, at v[*off]. */
static bool
take_addr(const uint8_t *v, size_t n, size_t *off, uint8_t *bits,
    const uint8_t **a)
{
	size_t bytes;

	if (*off >= n || (v[*off] != 32 && v[*off] != 128))
		return false;
	*bits = v[*off];
	bytes = *bits / 8u;
	if (n - *off - 1 < bytes)
		return false;
	*a = v + *off + 1;
	*off += 1 + bytes;
	return true;
}

static bool
split_t1st(const uint8_t *v, size_t n, size_t ab, struct mup *m)
{
	size_t off;

	m->plen = v[RD_LEN];
	m->pfx = v + RD_LEN + 1;
	m->pfxlen = (m->plen + 7u) / 8u;
	off = RD_LEN + 1 + m->pfxlen;
	if (m->plen > ab * 8 || n < off + 5)
		return false;
	m->teid = be32_get(v + off);
	m->qfi = v[off + 4];
	off += 5;
	if (!take_addr(v, n, &off, &m->eplen, &m->ep))
		return false;
	m->epbytes = m->eplen / 8u;
	if (off < n && !take_addr(v, n, &off, &m->srclen, &m->src))
		return false;
	return off == n;
}

static bool
split_t2st(const uint8_t *v, size_t n, size_t ab, struct mup *m)
{
	size_t teid_bytes;

	m->eplen = v[RD_LEN];
	if (m->eplen < ab * 8 || m->eplen > ab * 8 + TEID_BITS_MAX)
		return false;
	teid_bytes = (m->eplen - ab * 8 + 7u) / 8u;
	if (n != RD_LEN + 1 + ab + teid_bytes)
		return false;
	m->ep = v + RD_LEN + 1;
	m->epbytes = ab;
	for (size_t i = 0; i < teid_bytes; i++)
		m->teid = m->teid << 8 | m->ep[ab + i];
	return true;
}

/* Split b (framed); m->parsed false when it is not one of ours. */
static void
mup_split(const uint8_t *b, size_t len, enum family_id fam, struct mup *m)
{
	const uint8_t *v = b + HDR_LEN;
	size_t n = len - HDR_LEN, ab = afi_bytes(fam);
	bool ok = false;

	memset(m, 0, sizeof(*m));
	m->arch = b[0];
	m->code = be16_get(b + 1);
	if (m->arch != ARCH_3GPP_5G || m->code < ISD || m->code > T2ST ||
	    n < RD_LEN + 1)
		return;
	m->rd = v;
	switch (m->code) {
	case ISD:
		m->plen = v[RD_LEN];
		m->pfx = v + RD_LEN + 1;
		m->pfxlen = (m->plen + 7u) / 8u;
		ok = m->plen <= ab * 8 && n == RD_LEN + 1 + m->pfxlen;
		break;
	case DSD:
		m->pfx = v + RD_LEN;
		m->pfxlen = ab;
		ok = n == RD_LEN + ab;
		break;
	case T1ST:
		ok = split_t1st(v, n, ab, m);
		break;
	case T2ST:
		ok = split_t2st(v, n, ab, m);
		break;
	}
	m->parsed = ok;
}

/* ExaBGP main: a T1ST route is named by its RD and prefix (a new TEID,
 * QFI or endpoint replaces it); the others by all their octets. */
size_t
mup_nlri_key(const uint8_t *b, size_t len, enum family_id fam, uint8_t *key)
{
	struct mup m;
	size_t n;

	mup_split(b, len, fam, &m);
	if (!m.parsed || m.code != T1ST) {
		memcpy(key, b, len);
		return len;
	}
	n = HDR_LEN + RD_LEN + 1 + m.pfxlen;
	memcpy(key, b, n);
	key[3] = (uint8_t)(n - HDR_LEN);
	return n;
}

static void
json_rd(struct sbuf *o, const struct mup *m)
{
	sbuf_adds(o, ",\"rd\":\"");
	nlri_rd_text(o, m->rd);
	sbuf_addc(o, '"');
}

/* ExaBGP main's JSON, its member order */
void
mup_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	size_t ab = afi_bytes(fam);
	struct mup m;

	mup_split(b, len, fam, &m);
	if (!m.parsed)
		sbuf_printf(o, "\"arch\":%u,\"code\":%u", m.arch, m.code);
	else {
		sbuf_printf(o, "\"name\":\"%s\",\"arch\":%u,\"code\":%u",
		    types[m.code].name, m.arch, m.code);
		switch (m.code) {
		case ISD:
			sbuf_printf(o, ",\"prefix_ip_len\":%u,\"prefix_ip\":\"",
			    m.plen);
			nlri_put_addr(o, m.pfx, m.pfxlen, ab);
			sbuf_addc(o, '"');
			json_rd(o, &m);
			break;
		case DSD:
			sbuf_adds(o, ",\"ip\":\"");
			nlri_put_addr(o, m.pfx, ab, ab);
			sbuf_addc(o, '"');
			json_rd(o, &m);
			break;
		case T1ST:
			sbuf_printf(o, ",\"prefix_ip_len\":%u,\"prefix_ip\":\"",
			    m.plen);
			nlri_put_addr(o, m.pfx, m.pfxlen, ab);
			sbuf_printf(o, "\",\"teid\":\"%u\",\"qfi\":\"%u\"",
			    m.teid, m.qfi);
			json_rd(o, &m);
			sbuf_printf(o, ",\"endpoint_ip_len\":%u,"
			    "\"endpoint_ip\":\"", m.eplen);
			nlri_put_addr(o, m.ep, m.epbytes, m.epbytes);
			sbuf_printf(o, "\",\"source_ip_len\":%u,\"source_ip\":\"",
			    m.srclen);
			/* ExaBGP prints Python's empty bytes when absent */
			if (m.src != NULL)
				nlri_put_addr(o, m.src, m.srclen / 8u, m.srclen / 8u);
			else
				sbuf_adds(o, "b''");
			sbuf_addc(o, '"');
			break;
		case T2ST:
			sbuf_printf(o, ",\"endpoint_len\":%u,\"endpoint_ip\":\"",
			    m.eplen);
			nlri_put_addr(o, m.ep, ab, ab);
			sbuf_addc(o, '"');
			json_rd(o, &m);
			sbuf_printf(o, ",\"teid\":\"%u\"", m.teid);
			break;
		}
	}
	sbuf_adds(o, ",\"raw\":\"");
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	sbuf_addc(o, '"');
}

/* ExaBGP main's str(): "mup:TYPE::RD:..." (its prefix ends with ':'),
 * "mup:unknown:0xHEX" for the others. */
void
mup_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	size_t ab = afi_bytes(fam);
	struct mup m;

	mup_split(b, len, fam, &m);
	if (!m.parsed) {
		sbuf_adds(o, "mup:unknown:0x");
		for (size_t i = HDR_LEN; i < len; i++)
			sbuf_printf(o, "%02x", b[i]);
	} else {
		sbuf_printf(o, "mup:%s::", types[m.code].text);
		nlri_rd_text(o, m.rd);
		sbuf_addc(o, ':');
		switch (m.code) {
		case ISD:
			nlri_put_addr(o, m.pfx, m.pfxlen, ab);
			sbuf_printf(o, "/%u", m.plen);
			break;
		case DSD:
			nlri_put_addr(o, m.pfx, ab, ab);
			break;
		case T1ST:
			nlri_put_addr(o, m.pfx, m.pfxlen, ab);
			sbuf_printf(o, "/%u:%u:%u:", m.plen, m.teid, m.qfi);
			nlri_put_addr(o, m.ep, m.epbytes, m.epbytes);
			sbuf_printf(o, "/%u", m.eplen);
			if (m.src != NULL) {
				sbuf_addc(o, ':');
				nlri_put_addr(o, m.src, m.srclen / 8u, m.srclen / 8u);
				sbuf_printf(o, "/%u", m.srclen);
			}
			break;
		case T2ST:
			sbuf_printf(o, "%u:", m.eplen);
			nlri_put_addr(o, m.ep, ab, ab);
			sbuf_printf(o, ":%u", m.teid);
			break;
		}
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

/* "A.B.C.D/LEN" of the family's address family at the cursor. */
static int
word_prefix(struct nlri_words *w, const char *what, uint16_t afi,
    struct prefix *p)
{
	const char *s = nlri_word(w, what);

	if (s == NULL)
		return -1;
	if (prefix_parse(s, p) == -1 || p->afi != afi || strchr(s, '/') ==
	    NULL) {
		w->i--;
		return nlri_word_fail(w, "%s: '%s' is not an %s prefix", what,
		    s, afi == BGP_AFI_IPV6 ? "IPv6" : "IPv4");
	}
	return 0;
}

/* "N/BITS": a TEID of BITS (0 to 32) bits */
static int
word_teid(struct nlri_words *w, uint32_t *teid, unsigned *bits)
{
	const char *s = nlri_word(w, "teid");
	unsigned long long v, b;
	char *end;

	if (s == NULL)
		return -1;
	if (s[0] < '0' || s[0] > '9' || (v = strtoull(s, &end, 10),
	    *end != '/') || end[1] < '0' || end[1] > '9' ||
	    (b = strtoull(end + 1, &end, 10), *end != '\0') ||
	    b > TEID_BITS_MAX || (b < 64 && v >> b != 0)) {
		w->i--;
		return nlri_word_fail(w, "mup-t2st: teid '%s' is not N/BITS "
		    "(BITS 0 to 32, N below 2^BITS)", s);
	}
	*teid = (uint32_t)v;
	*bits = (unsigned)b;
	return 0;
}

static size_t
put_prefix(uint8_t *buf, size_t n, const struct prefix *p)
{
	size_t bytes = (p->len + 7u) / 8u;

	buf[n++] = p->len;
	memcpy(buf + n, p->b, bytes);
	return n + bytes;
}

static size_t
put_addr(uint8_t *buf, size_t n, const struct bgp_addr *a, bool bits)
{
	size_t al = addr_len(a);

	if (bits)
		buf[n++] = (uint8_t)(al * 8);
	memcpy(buf + n, a->b, al);
	return n + al;
}

static int
parse_t1st(struct nlri_words *w, uint16_t afi, uint8_t *buf, size_t *n)
{
	struct bgp_addr ep, src;
	uint64_t teid, qfi;

	if (nlri_word_expect(w, "teid", "mup-t1st") == -1 ||
	    nlri_word_num(w, "teid", UINT32_MAX, &teid) == -1 ||
	    nlri_word_expect(w, "qfi", "mup-t1st") == -1 ||
	    nlri_word_num(w, "qfi", 0xff, &qfi) == -1 ||
	    nlri_word_expect(w, "endpoint", "mup-t1st") == -1 ||
	    nlri_word_addr(w, "endpoint", afi, &ep) == -1)
		return -1;
	be32_put(buf + *n, (uint32_t)teid);
	buf[*n + 4] = (uint8_t)qfi;
	*n = put_addr(buf, *n + 5, &ep, true);
	if (nlri_word_is(w, "source")) {
		w->i++;
		if (nlri_word_addr(w, "source", afi, &src) == -1)
			return -1;
		*n = put_addr(buf, *n, &src, true);
	}
	return 0;
}

int
mup_nlri_parse(struct nlri_words *w, enum family_id fam, uint8_t *buf,
    size_t *len)
{
	uint16_t afi = family_afi(fam), code = 0;
	size_t n = HDR_LEN + RD_LEN;
	struct bgp_addr a;
	struct prefix p;
	unsigned bits = 0;
	uint32_t teid = 0;
	const char *t;

	if ((t = nlri_word(w, "mup route type")) == NULL)
		return -1;
	for (uint16_t k = ISD; k <= T2ST; k++)
		if (strcmp(t, types[k].word) == 0)
			code = k;
	if (code == 0) {
		w->i--;
		return nlri_word_fail(w, "unknown mup route type '%s' "
		    "(expected mup-isd, mup-dsd, mup-t1st or mup-t2st)", t);
	}
	if (code == ISD || code == T1ST) {
		if (word_prefix(w, t, afi, &p) == -1)
			return -1;
	} else if (nlri_word_addr(w, t, afi, &a) == -1)
		return -1;
	if (nlri_word_expect(w, "rd", t) == -1 ||
	    nlri_word_rd(w, buf + HDR_LEN) == -1)
		return -1;
	switch (code) {
	case ISD:
		n = put_prefix(buf, n, &p);
		break;
	case DSD:
		n = put_addr(buf, n, &a, false);
		break;
	case T1ST:
		n = put_prefix(buf, n, &p);
		if (parse_t1st(w, afi, buf, &n) == -1)
			return -1;
		break;
	case T2ST:
		if (nlri_word_expect(w, "teid", t) == -1 ||
		    word_teid(w, &teid, &bits) == -1)
			return -1;
		buf[n++] = (uint8_t)(addr_len(&a) * 8 + bits);
		n = put_addr(buf, n, &a, false);
		/* the TEID's low-order octets, as many as its bits need */
		for (unsigned k = (bits + 7) / 8; k > 0; k--)
			buf[n++] = (uint8_t)(teid >> (8 * (k - 1)));
		break;
	}
	buf[0] = ARCH_3GPP_5G;
	be16_put(buf + 1, code);
	buf[3] = (uint8_t)(n - HDR_LEN);
	*len = n;
	return 0;
}

void
mup_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam)
{
	size_t ab = afi_bytes(fam);
	struct mup m;

	mup_split(b, len, fam, &m);
	if (!m.parsed) {
		/* not one of ours: parse() never makes one */
		sbuf_adds(o, "unknown");
		return;
	}
	sbuf_printf(o, "%s ", types[m.code].word);
	if (m.code == ISD || m.code == T1ST) {
		nlri_put_addr(o, m.pfx, m.pfxlen, ab);
		sbuf_printf(o, "/%u", m.plen);
	} else
		nlri_put_addr(o, m.code == DSD ? m.pfx : m.ep, ab, ab);
	sbuf_adds(o, " rd ");
	nlri_rd_text(o, m.rd);
	if (m.code == T1ST) {
		sbuf_printf(o, " teid %u qfi %u endpoint ", m.teid, m.qfi);
		nlri_put_addr(o, m.ep, m.epbytes, m.epbytes);
		if (m.src != NULL) {
			sbuf_adds(o, " source ");
			nlri_put_addr(o, m.src, m.srclen / 8u, m.srclen / 8u);
		}
	} else if (m.code == T2ST)
		sbuf_printf(o, " teid %u/%u", m.teid, m.eplen - (unsigned)ab * 8);
}
