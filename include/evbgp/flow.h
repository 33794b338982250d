/*
 * Flow specification NLRI (RFC 8955 IPv4, RFC 8956 IPv6, both with the
 * flow-vpn SAFI 134 whose NLRI starts with a route distinguisher), as
 * ExaBGP 4.2 writes, reads and prints them.
 *
 * One table describes the match components (type, ExaBGP's names, the
 * operator family, the value's width and range, how values are named);
 * the builder (text to octets), the wire check and the JSON and text
 * renderers all read it.
 *
 * Where ExaBGP departs from the RFCs, the wire follows ExaBGP (the
 * conformance kit checks the octets):
 *  - an IPv6 prefix component carries ceil(length / 8) octets of the
 *    address from bit 0 whatever its offset (RFC 8956 §3.1 sends only
 *    the bits from the offset on): identical when the offset is 0, the
 *    usual case;
 *  - numeric values use the fewest octets among those the component
 *    allows (ports: 1 or 2, flow label: 1, 2 or 4).
 */
#ifndef EVBGP_FLOW_H
#define EVBGP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/family.h"
#include "evbgp/util.h"
#include "evbgp/wire.h"

/* RFC 8955 §4.1: a 12-bit length (0xfxxx form) */
#define FLOW_LEN_MAX		0x0fffu
/* the length field and the longest content */
#define FLOW_NLRI_MAX		(2u + FLOW_LEN_MAX)

/* component types (RFC 8955 §4.2.2, RFC 8956 §3) */
enum flow_type {
	FLOW_DESTINATION = 1,
	FLOW_SOURCE = 2,
	FLOW_PROTOCOL = 3,		/* IPv6: next-header */
	FLOW_PORT = 4,
	FLOW_DESTINATION_PORT = 5,
	FLOW_SOURCE_PORT = 6,
	FLOW_ICMP_TYPE = 7,
	FLOW_ICMP_CODE = 8,
	FLOW_TCP_FLAGS = 9,
	FLOW_PACKET_LENGTH = 10,
	FLOW_DSCP = 11,			/* IPv6: traffic-class */
	FLOW_FRAGMENT = 12,
	FLOW_LABEL = 13,		/* IPv6 only */
	FLOW_TYPE_MAX = 13
};

/* operator octet (RFC 8955 §4.2.1) */
#define FLOW_OP_EOL		0x80u
#define FLOW_OP_AND		0x40u
#define FLOW_OP_LEN		0x30u
#define FLOW_OP_LT		0x04u	/* numeric */
#define FLOW_OP_GT		0x02u
#define FLOW_OP_EQ		0x01u
#define FLOW_OP_NOT		0x02u	/* bitmask */
#define FLOW_OP_MATCH		0x01u

/* One component item being built: a prefix, or an operator and value. */
struct flow_item {
	uint8_t		 type;		/* enum flow_type */
	uint8_t		 op;		/* AND and comparison bits only */
	uint8_t		 afi;		/* prefixes: BGP_AFI_IPV4 or _IPV6 */
	uint8_t		 plen;		/* prefixes: length in bits */
	uint8_t		 offset;	/* IPv6 prefixes: offset in bits */
	uint32_t	 value;
	uint8_t		 addr[16];
};

/* A flow route's match, being built from text. */
struct flow_rule {
	struct flow_item *v;
	size_t		 n;
	size_t		 cap;
	bool		 has_rd;
	uint8_t		 rd[8];
	/* the rule's address family when known from elsewhere (ExaBGP's
	 * "announce { ipv6 { flow ... } }"), else 0: its prefixes say */
	uint8_t		 afi;
};

void	flow_rule_init(struct flow_rule *f);
void	flow_rule_free(struct flow_rule *f);

/* The component type of a match keyword ("source", "destination-port",
 * "next-header", ...), or -1. */
int	flow_keyword(const char *kw);

/*
 * One word of keyword kw's value, as ExaBGP 4.2 reads it: a prefix
 * ("10.0.0.0/24", "2001:db8::/32/0"), or items joined by '&' each with
 * an optional operator (numeric: = > >= < <= != true false; bitmask:
 * = ! != and none) and a value (a number, hex 0x.., or names joined by
 * '+' where the component has names: "tcp", "syn+ack", "http"). The
 * word's first item is ORed with what came before, the following ones
 * ANDed. Returns 0, or -1 with a message in err.
 */
int	flow_rule_add(struct flow_rule *f, const char *kw, const char *word,
	    char *err, size_t errlen);

/*
 * The NLRI octets of the rule (length field included) into buf
 * (FLOW_NLRI_MAX bytes) and its family: IPv6 when a prefix is IPv6 (or
 * f->afi says so), flow-vpn when an RD is set. Checks what ExaBGP leaves to the peer: at
 * least one component, one address family among the prefixes, the
 * IPv6-only flow label, the 12-bit length. Returns the octet count, or
 * 0 with a message in err.
 */
size_t	flow_rule_encode(const struct flow_rule *f, uint8_t *buf,
	    enum family_id *fam, char *err, size_t errlen);

/*
 * The wire side, for the family table (nlri.h): fam is one of the four
 * flow families.
 *
 * flow_nlri_get: the length of the NLRI at r (*len); 0 when well formed,
 * 1 when its length field frames it but its content is malformed
 * (unknown component, order, operator running past the end, ...: *why;
 * ExaBGP 4.2 drops such an NLRI and keeps the others, so do we), -1 when
 * the length field itself runs past the data.
 */
int	flow_nlri_get(struct rbuf *r, enum family_id fam, size_t *len,
	    const char **why);
/* The octets after the length field: RD and components. */
size_t	flow_nlri_key(const uint8_t *b, size_t len, uint8_t *key);
/* ExaBGP 4.2's JSON members (no braces) and text ("flow ... rd R
 * next-hop N"); nexthop may be NULL. b must have passed flow_nlri_get
 * with 0. */
void	flow_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *nexthop);
/* The same in ExaBGP main's dialect: the bits of one bitmask rule in
 * one item ("=fin+push"), 4.2 one item per bit. */
void	flow_nlri_json6(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *nexthop);
void	flow_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *nexthop);
/* The match alone, as configuration statements ("source-ipv4
 * 10.0.0.0/24", "destination-port [ =80 =443 ]"), each between before
 * and after, which flow_rule_add reads back to the same octets. */
void	flow_nlri_match_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *before, const char *after);
/* The RD of a flow-vpn NLRI (8 octets), or NULL. */
const uint8_t *flow_nlri_rd(const uint8_t *b, size_t len,
	    enum family_id fam);

#endif /* EVBGP_FLOW_H */
