/*
 * SR Policy (RFC 9830, SAFI 73) for the family table (nlri.h): the NLRI
 * (distinguisher, color, endpoint) and ExaBGP main's route syntax
 *
 *   distinguisher N color N endpoint IP [next-hop IP ...]
 *   [preference N] [priority N] [binding-sid mpls LABEL]
 *   [srv6-binding-sid IPV6] [policy-name NAME] [candidate-path-name NAME]
 *   [segment-list weight N segment type-a mpls LABEL
 *                          segment type-b srv6 SID
 *                              [endpoint-behavior B LB LN FUN ARG] ...] ...
 *
 * whose policy words become the SR Policy tunnel (type 15) of a Tunnel
 * Encapsulation attribute (RFC 9012, code 23), its sub-TLVs in the order
 * written (segment types A and B: the others are refused by name).
 */
#ifndef EVBGP_SRPOLICY_H
#define EVBGP_SRPOLICY_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/nlri.h"

int	srpolicy_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
	    size_t *len, const char **why);
void	srpolicy_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
void	srpolicy_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
int	srpolicy_nlri_parse(struct nlri_words *w, enum family_id fam,
	    uint8_t *buf, size_t *len);
void	srpolicy_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam);

/*
 * One policy word at w (preference, priority, binding-sid, ...): its
 * sub-TLV appended to tlvs; 1 when the word is not one of them (nothing
 * taken), 0, or -1 with w's error.
 */
int	srpolicy_word(struct nlri_words *w, struct sbuf *tlvs);
/* The Tunnel Encapsulation attribute's value holding one SR Policy
 * tunnel with those sub-TLVs into out; -1 when it would not fit. */
int	srpolicy_tunnel(const struct sbuf *tlvs, struct sbuf *out);

/*
 * A received Tunnel Encapsulation attribute's value (RFC 9012 §2): its
 * tunnel TLVs (type and length 2 octets each) and their sub-TLVs (a
 * 1-octet length below type 128, 2 from 128), the SR Policy segment
 * lists' sub-TLVs too, all inside their parent. false: malformed.
 */
bool	srpolicy_tunnel_ok(const uint8_t *v, size_t len);
/* Its JSON member as ExaBGP main shows it: "tunnel-encap": {"sr-policy":
 * {"preference", "binding-sid", "segment-lists": [...], ...}}, other
 * tunnel types as {"type": N, "raw": HEX}; v checked by the above. */
void	srpolicy_tunnel_json(struct sbuf *o, const uint8_t *v, size_t len);

/* Its text as ExaBGP main's route words (" preference 100 binding-sid
 * mpls 24000 segment-list weight 1 segment type-a mpls 16001"), for one
 * SR Policy tunnel of sub-TLVs those words say; false (nothing written)
 * for anything else. v checked by srpolicy_tunnel_ok. */
bool	srpolicy_tunnel_text(struct sbuf *o, const uint8_t *v, size_t len);

#endif /* EVBGP_SRPOLICY_H */
