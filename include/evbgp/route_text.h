/*
 * Routes as text, shared by the configuration and the text API: parse
 * "10.0.0.0/24 next-hop 1.2.3.4 med 10 community [ 65000:1 ] split /25"
 * (ExaBGP's route keywords, compat reference §2.3) into struct cfg_route,
 * and format routes and attribute sets back in ExaBGP's order and
 * spelling. The formatted text parses back to an equal route.
 */
#ifndef EVBGP_ROUTE_TEXT_H
#define EVBGP_ROUTE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/config.h"
#include "evbgp/lexer.h"

/* route_text_parse flags */
#define ROUTE_TEXT_NEXTHOP_OPTIONAL	0x1u	/* withdraw: next-hop optional */
#define ROUTE_TEXT_MULTICAST		0x2u	/* multicast routes (SAFI 2) */

/* More routes than this from one "split" is refused (the fuzz build
 * lowers it: 65536 routes per input would starve the fuzzer). */
#ifndef ROUTE_TEXT_SPLIT_MAX
#define ROUTE_TEXT_SPLIT_MAX		65536u
#endif

struct route_text_err {
	char		 msg[512];	/* without "file:line: " */
	int		 line;		/* line of the offending token */
};

/*
 * Parse tokens t[0..n) starting at the prefix. The route (several when
 * "split" is used) is appended to *routes / *nroutes (a vector the caller
 * frees with cfg_routes_free). Returns 0, or -1 with err filled and
 * nothing appended.
 */
int	 route_text_parse(const struct lex_token *t, size_t n, unsigned flags,
	    struct cfg_route **routes, size_t *nroutes,
	    struct route_text_err *err);
/*
 * Parse "<attributes...> nlri P1 P2 ..." (static "attributes" and the API's
 * "announce attributes"): one route per prefix, same attributes.
 */
int	 route_text_parse_nlri(const struct lex_token *t, size_t n,
	    unsigned flags, struct cfg_route **routes, size_t *nroutes,
	    struct route_text_err *err);

/*
 * Parse a VPLS route, "rd R endpoint E base B offset O size S next-hop N
 * <attributes...>" (ExaBGP 4.2's l2vpn syntax: configuration "l2vpn {
 * vpls ...; }" and the API's "announce|withdraw vpls ..."), keywords in
 * any order. Same contract as route_text_parse.
 */
int	 route_text_parse_vpls(const struct lex_token *t, size_t n,
	    unsigned flags, struct cfg_route **routes, size_t *nroutes,
	    struct route_text_err *err);

/*
 * Parse a route of fam written in its own words, ExaBGP main's syntax
 * for MVPN ("shared-join rp A group G rd R source-as N ..."), MUP
 * ("mup-isd P rd R ...") and SR Policy ("distinguisher N color N
 * endpoint A ... preference N segment-list ..."), then the route
 * keywords. Same contract as route_text_parse.
 */
int	 route_text_parse_words(enum family_id fam, const struct lex_token *t,
	    size_t n, unsigned flags, struct cfg_route **routes,
	    size_t *nroutes, struct route_text_err *err);

/* Deep copy (attrs become a builder). */
void	 cfg_route_copy(struct cfg_route *dst, const struct cfg_route *src);
/* Free what a route owns (not the route itself). */
void	 cfg_route_clear(struct cfg_route *r);
/* Clear n routes and free the vector. */
void	 cfg_routes_free(struct cfg_route *v, size_t n);
/* Same family, prefix, path id, attributes, name, watchdog, withdrawn. */
bool	 cfg_route_equal(const struct cfg_route *a, const struct cfg_route *b);

/*
 * "10.0.0.0/24 [path-information 0.0.0.7] next-hop 1.2.3.4 origin igp
 * as-path [ 1 2 ] med 10 ... [name N] [watchdog W] [withdraw]" into buf.
 * Returns the length the whole text needs (like snprintf).
 */
size_t	 route_text_format(const struct cfg_route *r, char *buf, size_t len);
/* The same, in a new string the caller frees. */
char	*route_text_string(const struct cfg_route *r);
/* Just the attributes: "next-hop 1.2.3.4 origin igp ..." */
size_t	 attrs_text_format(const struct attrs *a, char *buf, size_t len);
/* Parse one extended community word; 0 or -1 with a message in err. */
int	 ext_community_parse(const char *s, uint64_t *ec, char *err,
	    size_t errlen);
/* Parse one community word (A:B, number, 0x..., name); 0 or -1. */
int	 community_parse(const char *s, uint32_t *c);
/* Parse one large community (GLOBAL:LOCAL1:LOCAL2); 0 or -1. */
int	 large_community_parse(const char *s, uint32_t v[3]);
/* What every parsed route's attributes get: origin igp when absent,
 * communities sorted and deduplicated, empty lists dropped. */
void	 route_text_attrs_finish(struct attrs *a);

#endif /* EVBGP_ROUTE_TEXT_H */
