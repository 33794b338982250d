/*
 * MCAST-VPN NLRI (RFC 6514 §4, SAFI 5) for the family table (nlri.h):
 * framing, keys, ExaBGP main's JSON and text, and its route syntax:
 *
 *   source-ad source IP group IP rd RD
 *   shared-join rp IP group IP rd RD source-as ASN
 *   source-join source IP group IP rd RD source-as ASN
 *
 * (route types 5, 6 and 7, the ones ExaBGP announces and parses). Any
 * other route type, or one of those whose octets do not add up, is kept
 * and shown in ExaBGP's generic form ({"code": N, "parsed": false,
 * "raw": ...}): its length still frames it.
 */
#ifndef EVBGP_MVPN_H
#define EVBGP_MVPN_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/nlri.h"

int	mvpn_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
	    size_t *len, const char **why);
void	mvpn_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
void	mvpn_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
int	mvpn_nlri_parse(struct nlri_words *w, enum family_id fam,
	    uint8_t *buf, size_t *len);
void	mvpn_nlri_route(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam);

#endif /* EVBGP_MVPN_H */
