/*
 * EVPN NLRI (RFC 7432 route types 1 to 4, RFC 9136 type 5), received
 * and shown as ExaBGP 4.2 shows them (it cannot announce EVPN routes,
 * nor does evbgp): for the family table (nlri.h).
 *
 * An NLRI is a route type, a length and the route's octets. A type
 * evbgp does not parse, or a route whose octets do not add up, is kept
 * and shown as ExaBGP's generic form ({"code": N, "parsed": false,
 * "raw": ...}): the length still frames it.
 */
#ifndef EVBGP_EVPN_H
#define EVBGP_EVPN_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/family.h"
#include "evbgp/util.h"
#include "evbgp/wire.h"

/* Frame one NLRI at r: 0 and *len, or -1 with *why when the length runs
 * past the data. */
int	evpn_nlri_get(struct rbuf *r, size_t *len, const char **why);
/* The octets naming the route (RFC 7432 §7.1-7.4, RFC 9136 §3.1: the
 * route type, RD and the fields the RFC counts, not the labels, nor the
 * ESI of a MAC/IP or IP prefix route). */
size_t	evpn_nlri_key(const uint8_t *b, size_t len, uint8_t *key);
/* ExaBGP 4.2's JSON members and text ("evpn:macadv:RD:ESI:..."). */
void	evpn_nlri_json(struct sbuf *o, const uint8_t *b, size_t len);
void	evpn_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    const char *nexthop);
/* The RD (8 octets in b), or NULL for a route too short to have one. */
const uint8_t *evpn_nlri_rd(const uint8_t *b, size_t len);

#endif /* EVBGP_EVPN_H */
