/*
 * BGP-MUP NLRI (SRv6 Mobile User Plane, draft-mpmz-bess-mup-safi, SAFI
 * 85) for the family table (nlri.h): framing, keys, ExaBGP main's JSON
 * and text, and its route syntax (architecture 1, 3gpp-5g):
 *
 *   mup-isd PREFIX rd RD                          Interwork Segment Discovery
 *   mup-dsd ADDRESS rd RD                         Direct Segment Discovery
 *   mup-t1st PREFIX rd RD teid N qfi N endpoint ADDRESS [source ADDRESS]
 *   mup-t2st ADDRESS rd RD teid N/BITS            Type 1 and 2 Session Transformed
 *
 * An NLRI is an architecture type (1 octet), a route type (2), a length
 * (1) and the route. Another type, or one of those whose octets do not
 * add up, is kept and shown in ExaBGP's generic form ({"arch", "code",
 * "raw"}): its length still frames it.
 */
#ifndef EVBGP_MUP_H
#define EVBGP_MUP_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/nlri.h"

int	mup_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
	    size_t *len, const char **why);
size_t	mup_nlri_key(const uint8_t *b, size_t len, enum family_id fam,
	    uint8_t *key);
void	mup_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
void	mup_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
int	mup_nlri_parse(struct nlri_words *w, enum family_id fam, uint8_t *buf,
	    size_t *len);
void	mup_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam);

#endif /* EVBGP_MUP_H */
