/*
 * BGP message codec, part 2: UPDATE messages and path attributes
 * (RFC 4271 §4.3, RFC 4760, RFC 6793, RFC 7606, RFC 7911).
 *
 * Decoding never fails on the first error: it returns an RFC 7606 verdict
 * (the strongest one found) so the session survives whatever can be
 * survived. Encoding writes attributes in type-code order with the flags
 * ExaBGP uses, which is what the conformance kit compares byte for byte.
 */
#ifndef EVBGP_UPDATE_H
#define EVBGP_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_attr.h"
#include "evbgp/family.h"
#include "evbgp/msg.h"
#include "evbgp/nlri.h"
#include "evbgp/prefix.h"
#include "evbgp/wire.h"

/* RFC 7606 outcomes, weakest first (so "stronger" is ">"). */
enum update_verdict {
	UPD_OK = 0,
	UPD_ATTR_DISCARD,	/* some attributes dropped; routes kept */
	UPD_TREAT_AS_WITHDRAW,	/* every NLRI of the UPDATE is withdrawn */
	UPD_SESSION_RESET,	/* send err as NOTIFICATION and close */
};

/* What the decoder needs to know about the session. */
struct update_ctx {
	bool		 asn4;		/* 4-octet AS negotiated */
	bool		 ebgp;		/* peer AS != local AS */
	famset_t	 families;	/* negotiated families */
	famset_t	 addpath_rx;	/* families carrying path ids */
};

/*
 * A decoded UPDATE. NLRI fields are views into the message body, already
 * validated, so iterating them with prefix_nlri_get() cannot fail. attrs is a
 * builder owned by the struct (update_msg_init/free) and reused.
 */
struct update_msg {
	struct rbuf	 withdrawn;	/* IPv4 unicast withdrawn routes */
	struct rbuf	 nlri;		/* IPv4 unicast NLRI */
	bool		 has_mp_reach;
	uint16_t	 mp_reach_afi;
	uint8_t		 mp_reach_safi;
	int		 mp_reach_fam;	/* family_lookup() or -1 */
	struct rbuf	 mp_reach_nlri;	/* empty when fam unknown */
	bool		 has_mp_unreach;
	uint16_t	 mp_unreach_afi;
	uint8_t		 mp_unreach_safi;
	int		 mp_unreach_fam;
	struct rbuf	 mp_unreach_nlri;
	/*
	 * MP_REACH next hops (global, link-local or afi 0) always here;
	 * attrs.nexthop holds NEXT_HOP when present, else the MP_REACH one.
	 */
	struct bgp_addr	 mp_nexthop;
	struct bgp_addr	 mp_nexthop_ll;
	unsigned	 nattrs;	/* path attributes in the message */
	size_t		 mp_unreach_rawlen; /* MP_UNREACH NLRI octets */
	struct attrs	 attrs;		/* next hop of MP_REACH in attrs.nexthop */

	enum update_verdict verdict;
	struct bgp_err	 err;		/* for UPD_SESSION_RESET; its data
					   lies in the decoded body */
	/* why the verdict was reached, for the log (static string) */
	const char	*reason;
	uint8_t		 reason_attr;	/* attribute code involved, or 0 */
	/* attribute codes dropped under UPD_ATTR_DISCARD */
	uint8_t		 discarded[8];
	size_t		 ndiscarded;
	/*
	 * MP NLRI framed by their length but malformed inside (flowspec:
	 * unknown component, wrong order, operator past the end): skipped
	 * by update_foreach_route, the others kept, as ExaBGP 4.2 does
	 * (the NLRI can be located, RFC 7606 §5.3 asks no reset); the
	 * first one's reason (static string).
	 */
	size_t		 nlri_ignored;
	const char	*nlri_ignored_why;
	/* update_decode's count (from 1), one per decoding: what was
	 * computed from one decoding (rib_in_prefetch) is not taken for
	 * the next one in the same struct */
	uint64_t	 decode_seq;
};

void	update_msg_init(struct update_msg *m);
void	update_msg_free(struct update_msg *m);

/*
 * Decode an UPDATE body into m (reset first). Returns the verdict (also
 * in m->verdict). Rules (RFC 7606): withdrawn/attribute lengths that
 * overrun the message -> reset 3/1; attribute framing errors -> reset
 * 3/1 unless MP_REACH and MP_UNREACH were both parsed before the error
 * (else MP NLRI may be hidden behind it, §3(j)), then treat as withdraw
 * with the classic NLRI located by the total attribute length; duplicate
 * MP_REACH/MP_UNREACH -> reset 3/1, other duplicates -> keep the first;
 * flag conflicts and per-attribute length/value errors as in the RFC's
 * table, AS 0 in a path or aggregator (RFC 7607) as malformed;
 * missing well-known mandatory -> treat as withdraw; unparseable
 * NLRI -> reset 3/10 (classic) or 3/9 (MP); unknown optional transitive
 * attributes kept with the Partial bit set, unknown non-transitive
 * dropped, unknown well-known -> reset 3/2. An MP family not negotiated
 * is ignored (its NLRI views left empty, mp_*_fam set to -1).
 */
enum update_verdict update_decode(const uint8_t *body, size_t len,
	    const struct update_ctx *ctx, struct update_msg *m);

/* One route of a decoded UPDATE (see update_foreach_route). */
struct update_route {
	/* family, path id and the NLRI's octets in the message */
	struct nlri		 nlri;
	bool			 announce;	/* false: withdrawn */
	bool			 has_path_id;	/* ADD-PATH in use for the family */
	/*
	 * Announcements: the next hop of the field the route came in
	 * (NEXT_HOP for classic NLRI, MP_REACH_NLRI's own for MP routes:
	 * the two may differ in one UPDATE); NULL for withdrawals.
	 */
	const struct bgp_addr	*nexthop;
	const struct bgp_addr	*nexthop_ll;
};

typedef void update_route_fn(const struct update_route *r, void *arg);

/*
 * Call fn for every route of m, in ExaBGP's order: the classic withdrawn
 * routes, the classic NLRI, MP_UNREACH_NLRI, MP_REACH_NLRI. addpath: the
 * families whose NLRI carry path ids in the direction m travelled (the
 * update_ctx it was decoded with). Under treat-as-withdraw (RFC 7606)
 * every announcement is given as a withdrawal; a session-reset verdict,
 * or an MP family that was not decoded, gives nothing.
 */
void	update_foreach_route(const struct update_msg *m, famset_t addpath,
	    update_route_fn *fn, void *arg);

/* Is m an End-of-RIB marker (RFC 4724 §2)? *fam (if fam) gets the family. */
bool	update_is_eor(const struct update_msg *m, int *fam);

/* ---- encoding ---- */

/*
 * Can attrs_encode write a's next hop for fam? An IPv4 unicast route
 * whose next hop is IPv6 cannot be sent in the classic fields (RFC 8950
 * extended next hop is needed), and an MP route needs some next hop.
 */
/* Does a route of fam with attributes a go in the classic NLRI field
 * (IPv4 unicast with an IPv4 next hop), not in MP_REACH_NLRI? */
bool	update_classic(const struct attrs *a,
	    const struct attr_encode_ctx *ctx, enum family_id fam);
bool	attrs_nexthop_encodable(const struct attrs *a,
	    const struct attr_encode_ctx *ctx, enum family_id fam);

/*
 * The size of an UPDATE announcing one route of fam with attributes a
 * and nlri_len octets of NLRI (path id included), or 0 when it would be
 * larger than the largest BGP message (65535, RFC 8654) or its next hop
 * is not encodable (attrs_nexthop_encodable). A route whose size exceeds
 * the session's limit cannot be sent.
 */
size_t	update_route_size(const struct attrs *a,
	    const struct attr_encode_ctx *ctx, enum family_id fam,
	    size_t nlri_len);

/*
 * The whole UPDATE message (header included):
 *  - update_encode_v4: classic withdrawn routes, attributes (if attr_len >
 *    0) and NLRI, each already encoded by the caller;
 *  - update_encode_mp_unreach: withdrawn routes of an MP family in an
 *    MP_UNREACH_NLRI attribute (flags 0x80, the extended length only
 *    when needed), first, then the attr_len octets of attributes the
 *    withdrawal carries (ExaBGP main's order);
 *  - update_encode_eor: the End-of-RIB marker of fam.
 */
int	update_encode_v4(struct wbuf *w, const uint8_t *withdrawn,
	    size_t withdrawn_len, const uint8_t *attrs, size_t attr_len,
	    const uint8_t *nlri, size_t nlri_len);
int	update_encode_mp_unreach(struct wbuf *w, enum family_id fam,
	    const uint8_t *nlri, size_t nlri_len, const uint8_t *attrs,
	    size_t attr_len);
int	update_encode_eor(struct wbuf *w, enum family_id fam);

#endif /* EVBGP_UPDATE_H */
