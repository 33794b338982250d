/*
 * IP addresses and prefixes: text parsing and formatting, and the NLRI
 * wire encoding (RFC 4271 §4.3, RFC 4760, ADD-PATH path identifiers of
 * RFC 7911).
 */
#ifndef EVBGP_PREFIX_H
#define EVBGP_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/wire.h"

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN	(ADDR_STRLEN + 4)

/* An IPv4 or IPv6 address; afi 0 means "none". */
struct bgp_addr {
	uint8_t		afi;		/* 0, BGP_AFI_IPV4 or BGP_AFI_IPV6 */
	uint8_t		b[16];		/* network order; IPv4 uses b[0..3] */
};

/* A prefix; bits past len are always zero. */
struct prefix {
	uint8_t		afi;
	uint8_t		len;
	uint8_t		b[16];
};

/* Parse "192.0.2.1" or "2001:db8::1"; 0 on success, -1 otherwise. */
int	 addr_parse(const char *s, struct bgp_addr *a);
/* Format into buf (ADDR_STRLEN bytes); returns buf. "none" for afi 0. */
char	*addr_fmt(const struct bgp_addr *a, char *buf);
/* Same address? (afi 0 equals afi 0) */
bool	 addr_equal(const struct bgp_addr *a, const struct bgp_addr *b);
/* An IPv6 link-local unicast address (fe80::/10, RFC 4291 §2.5.6)? */
bool	 addr_is_link_local(const struct bgp_addr *a);
/* Address length in bytes (4, 16, or 0). */
size_t	 addr_len(const struct bgp_addr *a);
/* IPv4 address from a host-order 32-bit value, and back. */
void	 addr_from_u32(struct bgp_addr *a, uint32_t v);
uint32_t addr_to_u32(const struct bgp_addr *a);
/* Is a IPv4 ::ffff:a.b.c.d mapped? */
bool	 addr_is_v4mapped(const struct bgp_addr *a);
/* Convert to/from struct sockaddr_storage (port in host order). */
struct sockaddr;
struct sockaddr_storage;
size_t	 addr_to_sockaddr(const struct bgp_addr *a, uint16_t port,
	    struct sockaddr_storage *ss);
int	 addr_from_sockaddr(const struct sockaddr *sa, struct bgp_addr *a,
	    uint16_t *port);

/*
 * Parse "10.0.0.0/24", "2001:db8::/32", or a bare address (= /32, /128).
 * Host bits are cleared. 0 on success, -1 on a bad address or length.
 */
int	 prefix_parse(const char *s, struct prefix *p);
/* Format "10.0.0.0/24" into buf (PREFIX_STRLEN bytes); returns buf. */
char	*prefix_fmt(const struct prefix *p, char *buf);
/* The same; returns the terminating NUL (the text's end). */
char	*prefix_fmt_end(const struct prefix *p, char *buf);
bool	 prefix_equal(const struct prefix *a, const struct prefix *b);
/* Does outer contain inner (same afi, outer->len <= inner->len)? */
bool	 prefix_contains(const struct prefix *outer, const struct prefix *inner);
/* Clear the bits past p->len (the NLRI readers of nlri.c use it). */
void	 prefix_mask(struct prefix *p);
/* Build a prefix from an address and a length (masking). -1 if len too long. */
int	 prefix_from_addr(const struct bgp_addr *a, unsigned len, struct prefix *p);
/* Does prefix p contain address a? */
bool	 prefix_match_addr(const struct prefix *p, const struct bgp_addr *a);

/*
 * Read one NLRI entry of family afi: with addpath, a 4-octet path id first
 * (RFC 7911 §3), then the length octet and ceil(len/8) prefix octets.
 * Returns 0, or -1 when the input is truncated or the length exceeds the
 * family's maximum (RFC 7606 §5.3: the caller resets the session).
 */
int	 prefix_nlri_get(struct rbuf *r, uint8_t afi, bool addpath,
	    struct prefix *p, uint32_t *path_id);
/* Validate a whole NLRI field without storing; count entries in *n. */
int	 prefix_nlri_check(struct rbuf r, uint8_t afi, bool addpath,
	    size_t *n);
/* Write one NLRI entry. */
int	 prefix_nlri_put(struct wbuf *w, const struct prefix *p, bool addpath,
	    uint32_t path_id);
/* Bytes prefix_nlri_put would write. */
size_t	 prefix_nlri_size(const struct prefix *p, bool addpath);

#endif /* EVBGP_PREFIX_H */
