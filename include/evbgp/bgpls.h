/*
 * BGP-LS (RFC 9552, formerly 7752; SAFI 71), received and shown as
 * ExaBGP main shows it: the node, link and IPv4/IPv6 prefix NLRI for the
 * family table (nlri.h), and the BGP-LS attribute (code 29) for the
 * attribute table (bgp_attr.h). evbgp, as ExaBGP, announces none.
 *
 * An NLRI is a type (2 octets), a length (2) and the route: protocol
 * ID, identifier (8), then TLVs (type and length 2 octets each). One whose
 * TLVs do not add up is framed by its length and ignored (RFC 9552 §8.2.2
 * keeps the session). The attribute's TLVs each show as their ExaBGP
 * member ("igp-metric", "sr-adjs", "srv6-endx", ...); a TLV evbgp does
 * not decode as ExaBGP's "generic-lsid-CODE": ["0xHEX"].
 */
#ifndef EVBGP_BGPLS_H
#define EVBGP_BGPLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/nlri.h"

int	bgpls_nlri_get(struct rbuf *r, enum family_id fam, bool withdrawn,
	    size_t *len, const char **why);
void	bgpls_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);
void	bgpls_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
	    enum family_id fam, const char *path_info, const char *nexthop);

/* The BGP-LS attribute's value: its TLVs framed (false: malformed). */
bool	bgpls_attr_ok(const uint8_t *v, size_t len);
/* Its member: "bgp-ls": { ... } (v checked by the above). */
void	bgpls_attr_json(struct sbuf *o, const uint8_t *v, size_t len);

#endif /* EVBGP_BGPLS_H */
