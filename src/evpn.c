/*
 * EVPN NLRI (see evpn.h): framing, route keys, and ExaBGP 4.2's JSON and
 * text of the route types it parses (exabgp/bgp/message/update/nlri/evpn).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/evpn.h"
#include "evbgp/nlri.h"
#include "evbgp/prefix.h"

#define RD_LEN		8
#define ESI_LEN		10
#define ETAG_LEN	4
#define MAC_LEN		6
#define LABEL_LEN	3

/* A route taken apart; pointers into its octets. */
struct evpn {
	uint8_t		 type;
	bool		 parsed;	/* a type and length 4.2 parses */
	const uint8_t	*v;		/* after type and length */
	size_t		 vlen;
	const uint8_t	*rd, *esi, *etag, *mac, *label;
	uint8_t		 maclen;
	uint8_t		 iplen;		/* bits, as in the NLRI */
	const uint8_t	*ip;		/* NULL: none */
	size_t		 ipbytes;
	const uint8_t	*gw;		/* type 5 */
};

static const char *const names[] = {
	[1] = "Ethernet Auto-Discovery", [2] = "MAC/IP advertisement",
	[3] = "Inclusive Multicast Ethernet Tag", [4] = "Ethernet Segment",
	[5] = "IP Prefix Advertisement",
};

static const char *const short_names[] = {
	[1] = "ethernetad", [2] = "macadv", [3] = "multicast",
	[4] = "segment", [5] = "prfxadv",
};

int
evpn_nlri_get(struct rbuf *r, size_t *len, const char **why)
{
	const uint8_t *b = rbuf_ptr(r);

	if (rbuf_left(r) < 2) {
		*why = "EVPN NLRI truncated";
		return -1;
	}
	if (rbuf_left(r) < 2u + b[1]) {
		*why = "EVPN NLRI length past the data";
		return -1;
	}
	*len = 2u + b[1];
	return 0;
}

/* Split b (framed) as 4.2 does; e->parsed false when it would not. */
static void
evpn_split(const uint8_t *b, size_t len, struct evpn *e)
{
	const uint8_t *v = b + 2;
	size_t n = len - 2;

	memset(e, 0, sizeof(*e));
	e->type = b[0];
	e->v = v;
	e->vlen = n;
	switch (e->type) {
	case 1:		/* RD, ESI, Ethernet Tag, label */
		if (n != RD_LEN + ESI_LEN + ETAG_LEN + LABEL_LEN)
			return;
		e->rd = v;
		e->esi = v + 8;
		e->etag = v + 18;
		e->label = v + 22;
		break;
	case 2:		/* RD, ESI, tag, MAC length, MAC, IP length, IP,
			   one or two labels */
		if (n != 33 && n != 36 && n != 37 && n != 40 && n != 49 &&
		    n != 52)
			return;
		e->rd = v;
		e->esi = v + 8;
		e->etag = v + 18;
		e->maclen = v[22];
		e->mac = v + 23;
		e->iplen = v[29];
		e->ipbytes = n >= 49 ? 16 : n >= 37 ? 4 : 0;
		if (e->maclen > 48 || e->iplen > 8 * e->ipbytes ||
		    (e->ipbytes == 0 && e->iplen != 0))
			return;
		e->ip = e->ipbytes ? v + 30 : NULL;
		e->label = v + 30 + e->ipbytes;
		break;
	case 3:		/* RD, tag, IP length, IP */
		if (n < 13)
			return;
		e->rd = v;
		e->etag = v + 8;
		e->iplen = v[12];
		e->ipbytes = e->iplen / 8;
		if ((e->iplen != 32 && e->iplen != 128) ||
		    n != 13 + e->ipbytes)
			return;
		e->ip = v + 13;
		break;
	case 4:		/* RD, ESI, IP length, IP */
		if (n < 19)
			return;
		e->rd = v;
		e->esi = v + 8;
		e->iplen = v[18];
		e->ipbytes = e->iplen / 8;
		if ((e->iplen != 32 && e->iplen != 128) ||
		    n != 19 + e->ipbytes)
			return;
		e->ip = v + 19;
		break;
	case 5:		/* RD, ESI, tag, prefix length, prefix, gateway,
			   label (RFC 9136 §3.1) */
		if (n != 34 && n != 58)
			return;
		e->rd = v;
		e->esi = v + 8;
		e->etag = v + 18;
		e->iplen = v[22];
		e->ipbytes = n == 34 ? 4 : 16;
		if (e->iplen > 8 * e->ipbytes)
			return;
		e->ip = v + 23;
		e->gw = v + 23 + e->ipbytes;
		e->label = e->gw + e->ipbytes;
		break;
	default:
		return;
	}
	e->parsed = true;
}

static size_t
put(uint8_t *key, size_t n, const void *p, size_t len)
{
	memcpy(key + n, p, len);
	return n + len;
}

size_t
evpn_nlri_key(const uint8_t *b, size_t len, uint8_t *key)
{
	struct evpn e;
	size_t n = 0;

	evpn_split(b, len, &e);
	key[n++] = e.type;
	if (!e.parsed)
		return put(key, n, b + 1, len - 1);
	n = put(key, n, e.rd, RD_LEN);
	switch (e.type) {
	case 1:
		n = put(key, n, e.esi, ESI_LEN);
		n = put(key, n, e.etag, ETAG_LEN);
		break;
	case 2:
		/* RFC 7432 §7.2: not the ESI, not the labels */
		n = put(key, n, e.etag, ETAG_LEN);
		key[n++] = e.maclen;
		n = put(key, n, e.mac, MAC_LEN);
		key[n++] = e.iplen;
		n = put(key, n, e.v + 30, e.ipbytes);
		break;
	case 3:
		n = put(key, n, e.etag, ETAG_LEN);
		key[n++] = e.iplen;
		n = put(key, n, e.ip, e.ipbytes);
		break;
	case 4:
		n = put(key, n, e.esi, ESI_LEN);
		key[n++] = e.iplen;
		n = put(key, n, e.ip, e.ipbytes);
		break;
	case 5:
		/* RFC 9136 §3.1: not the ESI, gateway or label */
		n = put(key, n, e.etag, ETAG_LEN);
		key[n++] = e.iplen;
		n = put(key, n, e.ip, e.ipbytes);
		break;
	}
	return n;
}

const uint8_t *
evpn_nlri_rd(const uint8_t *b, size_t len)
{
	struct evpn e;

	evpn_split(b, len, &e);
	return e.parsed ? e.rd : NULL;
}

/* ---- ExaBGP 4.2's spellings ---- */

static void
put_esi(struct sbuf *o, const uint8_t *esi)
{
	static const uint8_t zero[ESI_LEN];

	if (memcmp(esi, zero, ESI_LEN) == 0) {
		sbuf_addc(o, '-');
		return;
	}
	for (int i = 0; i < ESI_LEN; i++)
		sbuf_printf(o, "%s%02x", i ? ":" : "", esi[i]);
}

static void
put_mac(struct sbuf *o, const uint8_t *mac)
{
	for (int i = 0; i < MAC_LEN; i++)
		sbuf_printf(o, "%s%02X", i ? ":" : "", mac[i]);
}

static void
put_ip(struct sbuf *o, const uint8_t *p, size_t bytes)
{
	struct bgp_addr a;
	char buf[ADDR_STRLEN];

	memset(&a, 0, sizeof(a));
	a.afi = bytes == 4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	memcpy(a.b, p, bytes);
	sbuf_adds(o, addr_fmt(&a, buf));
}

static uint32_t
raw_label(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* 4.2's Labels.json of one received label: [label, raw] */
static void
json_label(struct sbuf *o, const uint8_t *p)
{
	uint32_t raw = raw_label(p);

	if (raw != 0)
		sbuf_printf(o, "\"label\":[[%u,%u]]", raw >> 4, raw);
	else
		sbuf_adds(o, "\"label\":[[0]]");
}

/* ... and its str(): " label L (RAW)" */
static void
text_label(struct sbuf *o, const uint8_t *p)
{
	uint32_t raw = raw_label(p);

	sbuf_printf(o, " label %u", raw >> 4);
	if (raw != 0)
		sbuf_printf(o, " (%u)", raw);
}

static void
json_raw(struct sbuf *o, const uint8_t *b, size_t len)
{
	sbuf_adds(o, "\"raw\":\"");
	for (size_t i = 0; i < len; i++)
		sbuf_printf(o, "%02X", b[i]);
	sbuf_addc(o, '"');
}

void
evpn_nlri_json(struct sbuf *o, const uint8_t *b, size_t len)
{
	struct evpn e;

	evpn_split(b, len, &e);
	sbuf_printf(o, "\"code\":%u,\"parsed\":%s,", e.type, e.parsed ? "true" :
	    "false");
	json_raw(o, b, len);
	if (!e.parsed)
		return;
	sbuf_printf(o, ",\"name\":\"%s\",\"rd\":\"", names[e.type]);
	nlri_rd_text(o, e.rd);
	sbuf_addc(o, '"');
	if (e.esi != NULL) {
		sbuf_adds(o, ",\"esi\":\"");
		put_esi(o, e.esi);
		sbuf_addc(o, '"');
	}
	if (e.etag != NULL)
		sbuf_printf(o, ",\"ethernet-tag\":%u", be32_get(e.etag));
	if (e.mac != NULL) {
		sbuf_adds(o, ",\"mac\":\"");
		put_mac(o, e.mac);
		sbuf_addc(o, '"');
	}
	if (e.label != NULL) {
		sbuf_addc(o, ',');
		json_label(o, e.label);
	}
	if (e.ip != NULL) {
		sbuf_adds(o, ",\"ip\":\"");
		put_ip(o, e.ip, e.ipbytes);
		sbuf_addc(o, '"');
	}
	if (e.type == 5) {
		sbuf_printf(o, ",\"iplen\":%u,\"gateway\":\"", e.iplen);
		put_ip(o, e.gw, e.ipbytes);
		sbuf_addc(o, '"');
	}
}

/* 4.2's str(): "evpn:TYPE:" then the fields joined by ':' (its prefix
 * already ends with ':', hence the doubled one). */
void
evpn_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    const char *nexthop)
{
	struct evpn e;

	evpn_split(b, len, &e);
	if (!e.parsed) {
		sbuf_printf(o, "evpn:%s:0x", e.type >= 1 && e.type <= 5 ?
		    short_names[e.type] : "unknown");
		for (size_t i = 2; i < len; i++)
			sbuf_printf(o, "%02x", b[i]);
	} else {
		sbuf_printf(o, "evpn:%s::", short_names[e.type]);
		nlri_rd_text(o, e.rd);
		if (e.esi != NULL) {
			sbuf_addc(o, ':');
			put_esi(o, e.esi);
		}
		if (e.etag != NULL)
			sbuf_printf(o, ":%u", be32_get(e.etag));
		if (e.mac != NULL) {
			sbuf_addc(o, ':');
			put_mac(o, e.mac);
			/* 4.2 compares the MAC's octet count with 48 */
			sbuf_printf(o, "/%u", e.maclen);
		}
		if (e.type == 2 || e.type == 3 || e.type == 4 || e.type == 5) {
			sbuf_addc(o, ':');
			if (e.ip != NULL)
				put_ip(o, e.ip, e.ipbytes);
		}
		if (e.type == 5) {
			sbuf_printf(o, "/%u:", e.iplen);
			put_ip(o, e.gw, e.ipbytes);
		}
		if (e.label != NULL) {
			sbuf_addc(o, ':');
			text_label(o, e.label);
		}
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}
