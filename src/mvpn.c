/*
 * MCAST-VPN NLRI (see mvpn.h): RFC 6514 §4, route types 5 (Source
 * Active A-D), 6 and 7 (C-multicast Shared and Source Tree Join).
 */
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/mvpn.h"

#define RD_LEN		8
#define SOURCE_AD	5
#define SHARED_JOIN	6
#define SOURCE_JOIN	7

/* A route taken apart; pointers into its octets. */
struct mvpn {
	uint8_t		 type;
	bool		 parsed;	/* a type and layout parsed here */
	const uint8_t	*rd;
	bool		 has_as;
	uint32_t	 source_as;
	const uint8_t	*src, *grp;
	uint8_t		 srclen, grplen;	/* octets: 4 or 16 */
};

static const struct {
	const char	*name;
	const char	*word;		/* route syntax and text */
	const char	*src_word;	/* "source" or "rp" */
} types[] = {
	[SOURCE_AD] = { "Source Active A-D Route", "source-ad", "source" },
	[SHARED_JOIN] = { "C-Multicast Shared Tree Join route", "shared-join",
	    "rp" },
	[SOURCE_JOIN] = { "C-Multicast Source Tree Join route", "source-join",
	    "source" },
};

int
mvpn_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
    size_t *len, const char **why)
{
	const uint8_t *b = rbuf_ptr(r);

	/* RFC 6514 §4: route type (1), length (1), the route */
	if (rbuf_left(r) < 2) {
		*why = "MCAST-VPN NLRI truncated";
		return -1;
	}
	if (rbuf_left(r) < 2u + b[1]) {
		*why = "MCAST-VPN NLRI length past the data";
		return -1;
	}
	*len = 2u + b[1];
	return 0;
}

/* An address length octet (bits) and the address, at v[*off]. */
static bool
take_addr(const uint8_t *v, size_t n, size_t *off, const uint8_t **a,
    uint8_t *alen)
{
	uint8_t bits;

	if (*off >= n)
		return false;
	bits = v[*off];
	if (bits != 32 && bits != 128)
		return false;
	*alen = bits / 8;
	if (n - *off - 1 < *alen)
		return false;
	*a = v + *off + 1;
	*off += 1u + *alen;
	return true;
}

/* Split b (framed by mvpn_nlri_get); m->parsed false when the type is
 * not one of ours or its octets do not add up (RFC 6514 §4.5, §4.6). */
static void
mvpn_split(const uint8_t *b, size_t len, struct mvpn *m)
{
	const uint8_t *v = b + 2;
	size_t n = len - 2, off = RD_LEN;

	memset(m, 0, sizeof(*m));
	m->type = b[0];
	if (m->type < SOURCE_AD || m->type > SOURCE_JOIN || n < RD_LEN)
		return;
	m->rd = v;
	if (m->type != SOURCE_AD) {
		if (n < RD_LEN + 4)
			return;
		m->has_as = true;
		m->source_as = be32_get(v + RD_LEN);
		off += 4;
	}
	if (!take_addr(v, n, &off, &m->src, &m->srclen) ||
	    !take_addr(v, n, &off, &m->grp, &m->grplen) || off != n)
		return;
	m->parsed = true;
}

/* ExaBGP main's JSON: code, parsed, raw, then the fields */
void
mvpn_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	struct mvpn m;

	mvpn_split(b, len, &m);
	sbuf_printf(o, "\"code\":%u,\"parsed\":%s,\"raw\":\"", m.type,
	    m.parsed ? "true" : "false");
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	sbuf_addc(o, '"');
	if (!m.parsed)
		return;
	sbuf_printf(o, ",\"name\":\"%s\",\"rd\":\"", types[m.type].name);
	nlri_rd_text(o, m.rd);
	sbuf_addc(o, '"');
	if (m.has_as)
		sbuf_printf(o, ",\"source-as\":\"%u\"", m.source_as);
	sbuf_adds(o, ",\"source\":\"");
	nlri_put_addr(o, m.src, m.srclen, m.srclen);
	sbuf_adds(o, "\",\"group\":\"");
	nlri_put_addr(o, m.grp, m.grplen, m.grplen);
	sbuf_addc(o, '"');
}

/* ExaBGP main's str(): "mvpn:TYPE::RD[:AS]:SOURCE:GROUP" (its prefix
 * ends with ':', hence the doubled one), "mvpn:unknown:0xHEX" else. */
void
mvpn_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *path_info, const char *nexthop)
{
	struct mvpn m;

	mvpn_split(b, len, &m);
	if (!m.parsed) {
		sbuf_printf(o, "mvpn:%s:0x", m.type >= SOURCE_AD && m.type <=
		    SOURCE_JOIN ? types[m.type].word : "unknown");
		for (size_t i = 2; i < len; i++)
			sbuf_printf(o, "%02x", b[i]);
	} else {
		sbuf_printf(o, "mvpn:%s::", types[m.type].word);
		nlri_rd_text(o, m.rd);
		if (m.has_as)
			sbuf_printf(o, ":%u", m.source_as);
		sbuf_addc(o, ':');
		nlri_put_addr(o, m.src, m.srclen, m.srclen);
		sbuf_addc(o, ':');
		nlri_put_addr(o, m.grp, m.grplen, m.grplen);
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

/* ExaBGP main's words: TYPE source|rp IP group IP rd RD [source-as N] */
int
mvpn_nlri_parse(struct nlri_words *w, enum family_id fam, uint8_t *buf,
    size_t *len)
{
	uint16_t afi = family_afi(fam);
	struct bgp_addr src, grp;
	uint8_t type = 0, rd[RD_LEN];
	uint64_t as = 0;
	size_t n = 2, al;
	const char *t;

	if ((t = nlri_word(w, "mcast-vpn route type")) == NULL)
		return -1;
	for (uint8_t k = SOURCE_AD; k <= SOURCE_JOIN; k++)
		if (strcmp(t, types[k].word) == 0)
			type = k;
	if (type == 0) {
		w->i--;
		return nlri_word_fail(w, "unknown mcast-vpn route type '%s' "
		    "(expected source-ad, shared-join or source-join)", t);
	}
	if (nlri_word_expect(w, types[type].src_word, t) == -1 ||
	    nlri_word_addr(w, types[type].src_word, afi, &src) == -1 ||
	    nlri_word_expect(w, "group", t) == -1 ||
	    nlri_word_addr(w, "group", afi, &grp) == -1 ||
	    nlri_word_expect(w, "rd", t) == -1 || nlri_word_rd(w, rd) == -1)
		return -1;
	if (type != SOURCE_AD && (nlri_word_expect(w, "source-as", t) == -1 ||
	    nlri_word_num(w, "source-as", UINT32_MAX, &as) == -1))
		return -1;
	al = addr_len(&src);
	buf[0] = type;
	memcpy(buf + n, rd, RD_LEN);
	n += RD_LEN;
	if (type != SOURCE_AD) {
		be32_put(buf + n, (uint32_t)as);
		n += 4;
	}
	buf[n++] = (uint8_t)(al * 8);
	memcpy(buf + n, src.b, al);
	n += al;
	buf[n++] = (uint8_t)(al * 8);
	memcpy(buf + n, grp.b, al);
	n += al;
	buf[1] = (uint8_t)(n - 2);
	*len = n;
	return 0;
}

void
mvpn_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam)
{
	struct mvpn m;

	mvpn_split(b, len, &m);
	if (!m.parsed) {
		/* not one of ours: parse() never makes one */
		sbuf_adds(o, "unknown");
		return;
	}
	sbuf_printf(o, "%s %s ", types[m.type].word, types[m.type].src_word);
	nlri_put_addr(o, m.src, m.srclen, m.srclen);
	sbuf_adds(o, " group ");
	nlri_put_addr(o, m.grp, m.grplen, m.grplen);
	sbuf_adds(o, " rd ");
	nlri_rd_text(o, m.rd);
	if (m.has_as)
		sbuf_printf(o, " source-as %u", m.source_as);
}
