/*
 * Flow routes as text, shared by the configuration ("flow { route ... }")
 * and the text API ("announce|withdraw flow route ..."), ExaBGP 4.2's
 * syntax (configuration/flow/): a block
 *
 *   route [NAME] {
 *       rd 65000:1;                  (or route-distinguisher: flow-vpn)
 *       next-hop 192.0.2.1;          (or self)
 *       match { source 10.0.0.0/24; destination-port [ =80 >=8080&<=8088 ]; }
 *       scope { interface-set [ transitive:input:65000:1 ]; }
 *       then  { discard; community [ 65000:666 ]; }
 *   }
 *
 * or one statement with the keywords of match, scope and then in any
 * order ("route destination 192.0.2.1/32 discard"). The match becomes
 * the NLRI (flow.h), the actions extended communities (RFC 8955 §7) and
 * the next hop (redirect IP, copy IP).
 */
#ifndef EVBGP_FLOW_TEXT_H
#define EVBGP_FLOW_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "evbgp/config.h"
#include "evbgp/lexer.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

/*
 * Parse the tokens after "route" (t[0..n)); one route is appended to
 * *routes / *nroutes (cfg_routes_free frees them). fam: the family the
 * route must have ("announce { ipv6 { flow ... } }": an IPv6 rule even
 * without prefixes, flow-vpn: an rd), or -1 for any. Returns 0, or -1
 * with err filled and nothing appended.
 */
int	flow_text_parse(const struct lex_token *t, size_t n, int fam,
	    struct cfg_route **routes, size_t *nroutes,
	    struct route_text_err *err);

/* The route as a "route NAME { ... }" block that flow_text_parse reads
 * back to an equal route; its lines start with indent. */
void	flow_text_format(struct sbuf *o, const struct cfg_route *r,
	    const char *indent);
/* The route in the one-statement form (" rd R next-hop N source ...
 * extended-community [ ... ]", a leading space), without its name. */
void	flow_text_format_flat(struct sbuf *o, const struct cfg_route *r);
/* Does the route need its family said to read back as itself (an IPv6
 * rule without an IPv6 prefix: "announce { ipv6 { flow ... } }")? */
bool	flow_text_needs_family(const struct cfg_route *r);

#endif /* EVBGP_FLOW_TEXT_H */
