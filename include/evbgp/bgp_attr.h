/*
 * Path attributes on the wire and as text: one table, indexed by type
 * code, describes each attribute evbgp knows (expected flags, what a
 * malformed value costs under RFC 7606, its decoder and encoder, its
 * member of ExaBGP's JSON "attribute" object and its text form). The
 * UPDATE codec decodes and encodes through it; every place that prints
 * attributes (JSON and text events, "show adj-rib" in JSON and text, the
 * route text of the configuration and the API) goes through the two
 * formatters below, which walk the same table.
 */
#ifndef EVBGP_BGP_ATTR_H
#define EVBGP_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/attrs.h"
#include "evbgp/family.h"
#include "evbgp/util.h"
#include "evbgp/wire.h"

/* Per-session facts the attribute encoder needs. */
struct attr_encode_ctx {
	bool		 ibgp;
	bool		 asn4;		/* else 2-octet AS_PATH + AS4_PATH */
	uint32_t	 local_as;
	struct bgp_addr	 local_v4;	/* next-hop self for IPv4 */
	struct bgp_addr	 local_v6;	/* next-hop self for IPv6 */
	/* the families whose next hop may be of the other address family
	 * (RFC 8950 extended next hop, negotiated: an IPv6 one for IPv4
	 * NLRI, an IPv4 one, 4 octets, for IPv6 NLRI) */
	famset_t	 ext_nexthop;
	/* our link-local address, put after a global IPv6 next hop of ours
	 * when the link-local next hop capability was negotiated
	 * (draft-ietf-idr-linklocal-capability); afi 0: none */
	struct bgp_addr	 local_ll;
};

/*
 * Write the path attributes of a for an announcement, in type-code order,
 * with ExaBGP's send rules: ORIGIN always (igp if absent); AS_PATH always
 * (empty on iBGP, [local-as] on eBGP when a has none, a's exactly as
 * configured otherwise); NEXT_HOP only when fam is IPv4 unicast (resolving
 * next-hop self); MED when set; LOCAL_PREF on iBGP only (default 100);
 * then the remaining attributes; opaque attributes interleaved by code.
 * When mp_nlri is non-NULL an MP_REACH_NLRI for fam is written last (as
 * ExaBGP does), carrying the next hop (nlri_nexthop_put) and the
 * mp_nlri_len bytes of already encoded NLRI.
 * Returns 0, or -1 when w is too small.
 */
int	attrs_encode(struct wbuf *w, const struct attrs *a,
	    const struct attr_encode_ctx *ctx, enum family_id fam,
	    const uint8_t *mp_nlri, size_t mp_nlri_len);

/*
 * The text form of the attributes, each as " keyword value" (a leading
 * space before every keyword), in type-code order, the next hop left out
 * (the caller places it):
 *  - ATTR_TEXT_EVENT: ExaBGP 4.2's rendering of received attributes (text
 *    encoder, "show adj-rib"): AS_PATH merged with AS4_PATH and its
 *    confederation segments apart, an empty AS_PATH left out, site of
 *    origin communities spelt as 4.2 does;
 *  - ATTR_TEXT_ROUTE: the route syntax of the configuration and the API,
 *    which parses back to the same attributes.
 */
enum attr_text_style {
	ATTR_TEXT_EVENT,
	ATTR_TEXT_ROUTE,
};
void	bgp_attr_text(struct sbuf *out, const struct attrs *a,
	    enum attr_text_style style);

/*
 * ExaBGP 4.2's JSON "attribute" object, braces included: "origin",
 * "as-path" (merged with AS4_PATH) and "confederation-path", "med",
 * "local-preference", "atomic-aggregate", "aggregator", "community",
 * "originator-id", "cluster-list", "extended-community" ({"value",
 * "string"}), "aigp", "large-community", and "attribute-0xCC-0xFF" hex
 * for the others. With nexthop, "next-hop" comes first ("self" or the
 * address), which the events leave out (it is the key of their routes).
 */
void	bgp_attr_json(struct sbuf *out, const struct attrs *a, bool nexthop);
/*
 * ExaBGP main's (API 6) "attribute" object (compat §3.5): the same
 * members, except "as-path" as {"0": {"element": "as-sequence",
 * "value": [...]}, ...} (one member per segment, no
 * "confederation-path"), and, with nexthop (main: the UPDATE withdraws
 * routes), "next-hop" in its code order.
 */
void	bgp_attr_json6(struct sbuf *out, const struct attrs *a,
	    bool nexthop);

/* "LOCAL_PREF", ... for a known type code, else NULL. */
const char *bgp_attr_name(uint8_t code);
/* The table's own check: every entry sits at the index of its code and
 * has a name; the codes evbgp encodes also decode. Returns the first
 * code that breaks a rule, or 0. */
unsigned bgp_attr_table_check(void);

/* One extended community in route syntax ("target:65000:1"); returns the
 * length the whole text needs (like snprintf). */
size_t	ext_community_format(uint64_t ec, char *buf, size_t len);

#endif /* EVBGP_BGP_ATTR_H */
