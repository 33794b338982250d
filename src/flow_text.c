/*
 * Flow routes as text (see flow_text.h): ExaBGP 4.2's flow block and
 * one-statement form, read into a cfg_route (the match through flow.c,
 * the actions as extended communities, RFC 8955 §7), and written back.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/flow.h"
#include "evbgp/flow_text.h"
#include "evbgp/nlri.h"

/* where a keyword may be written */
#define SEC_MATCH	0x1u
#define SEC_SCOPE	0x2u
#define SEC_THEN	0x4u
#define SEC_ROUTE	0x8u	/* rd, next-hop: the route block itself */
#define SEC_ALL		(SEC_MATCH | SEC_SCOPE | SEC_THEN | SEC_ROUTE)

/* RFC 5701 IPv6 address specific extended communities: 20 octets */
#define EC6_LEN		20
#define EC6_MAX		(255u / EC6_LEN * 12)	/* far more than useful */

/* ExaBGP clamps larger rates (bytes per second) */
#define RATE_MAX	1e12

struct ft {
	const struct lex_token	*t;
	size_t			 n;
	size_t			 i;
	struct route_text_err	*err;
	struct flow_rule	 rule;
	struct attrs		 a;
	uint8_t			*ec6;		/* EC6_LEN octets each */
	size_t			 nec6;
};

static int ft_fail(struct ft *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ft_fail(struct ft *c, const char *fmt, ...)
{
	va_list ap;
	size_t at = c->i < c->n ? c->i : c->n - 1;

	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	c->err->line = c->n > 0 ? c->t[at].line : 0;
	return -1;
}

static const struct lex_token *
ft_peek(const struct ft *c)
{
	return c->i < c->n ? &c->t[c->i] : NULL;
}

static bool
is_syntax(const struct lex_token *t)
{
	return !t->quoted && t->text[0] != '\0' && t->text[1] == '\0' &&
	    strchr("[](),;{}", t->text[0]) != NULL;
}

/* The value word after kw; NULL (error set) when there is none. */
static const char *
ft_word(struct ft *c, const char *kw)
{
	const struct lex_token *t = ft_peek(c);

	if (t == NULL || is_syntax(t)) {
		ft_fail(c, "'%s' needs a value", kw);
		return NULL;
	}
	c->i++;
	return t->text;
}

typedef int ft_item_fn(struct ft *c, const char *kw, const char *w);

/* "[ a b , c ]" or one word: fn per word. */
static int
ft_list(struct ft *c, const char *kw, ft_item_fn *fn)
{
	const struct lex_token *t = ft_peek(c);

	if (t == NULL || !lex_is(t, "[")) {
		const char *w = ft_word(c, kw);

		return w == NULL ? -1 : fn(c, kw, w);
	}
	for (c->i++; (t = ft_peek(c)) != NULL; c->i++) {
		if (lex_is(t, "]")) {
			c->i++;
			return 0;
		}
		if (lex_is(t, ","))
			continue;
		if (is_syntax(t))
			return ft_fail(c, "unexpected '%s' in the %s list",
			    t->text, kw);
		if (fn(c, kw, t->text) == -1)
			return -1;
	}
	return ft_fail(c, "missing ']' at the end of the %s list", kw);
}

static uint64_t
ec_make(uint8_t type, uint8_t sub, uint64_t v)
{
	return (uint64_t)type << 56 | (uint64_t)sub << 48 |
	    (v & UINT64_C(0xffffffffffff));
}

static uint32_t
float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* A decimal number up to max; -1 if not. */
static int
dec(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t acc = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		acc = acc * 10 + (uint64_t)(*s - '0');
		if (acc > max)
			return -1;
	}
	*v = acc;
	return 0;
}

/* ---- match ---- */

static int
item_match(struct ft *c, const char *kw, const char *w)
{
	char msg[sizeof(c->err->msg)];

	c->i--;		/* errors point at the word */
	if (flow_rule_add(&c->rule, kw, w, msg, sizeof(msg)) == -1)
		return ft_fail(c, "%s", msg);
	c->i++;
	return 0;
}

static int
kw_match(struct ft *c, const char *kw)
{
	return ft_list(c, kw, item_match);
}

/* ---- the route block: rd, next-hop ---- */

static int
kw_rd(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);

	if (w == NULL)
		return -1;
	if (nlri_rd_parse(w, c->rule.rd) == -1) {
		c->i--;
		return ft_fail(c, "invalid route distinguisher '%s' (expected "
		    "ASN:NUMBER or IPv4:NUMBER)", w);
	}
	c->rule.has_rd = true;
	return 0;
}

static int
set_nexthop(struct ft *c, const char *kw, const char *w)
{
	if (strcmp(w, "self") == 0) {
		c->a.nexthop_self = true;
		memset(&c->a.nexthop, 0, sizeof(c->a.nexthop));
	} else if (addr_parse(w, &c->a.nexthop) == -1) {
		c->i--;
		return ft_fail(c, "%s: '%s' is not an IP address", kw, w);
	} else
		c->a.nexthop_self = false;
	c->a.has |= ATTR_HAS_NEXT_HOP;
	return 0;
}

static int
kw_nexthop(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);

	return w == NULL ? -1 : set_nexthop(c, kw, w);
}

/* ---- then: RFC 8955 §7 traffic filtering actions ---- */

static int
kw_accept(struct ft *c, const char *kw)
{
	return 0;
}

/* traffic-rate-bytes with AS 0, as ExaBGP (and Juniper) send it */
static int
kw_discard(struct ft *c, const char *kw)
{
	attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW, BGP_EC_S_RATE,
	    0));
	return 0;
}

static int
kw_rate_limit(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);
	uint8_t sub = BGP_EC_S_RATE;
	uint64_t v;

	if (w == NULL)
		return -1;
	if (dec(w, UINT64_C(999999999999999999), &v) == -1) {
		c->i--;
		return ft_fail(c, "rate-limit: '%s' is not a number of bytes "
		    "per second", w);
	}
	if (v > RATE_MAX)
		v = (uint64_t)RATE_MAX;
	/* ExaBGP 5: "rate-limit N packets", RFC 8955 traffic-rate-packets */
	if (ft_peek(c) != NULL && lex_is(ft_peek(c), "packets")) {
		c->i++;
		sub = BGP_EC_S_RATE_PACKETS;
	}
	attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW, sub,
	    float_bits((float)v)));
	return 0;
}

static int
kw_redirect(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw), *colon;
	struct bgp_addr ip;
	char asn[16];
	uint64_t a, t;

	if (w == NULL)
		return -1;
	colon = strchr(w, ':');
	/* an address: redirect to it as the next hop */
	if (colon == NULL || (strchr(colon + 1, ':') != NULL &&
	    strstr(w, "]:") == NULL)) {
		if (addr_parse(w, &ip) == -1 || (colon != NULL &&
		    ip.afi == BGP_AFI_IPV6)) {
			c->i--;
			if (colon != NULL)
				return ft_fail(c, "redirect: '%s': an IPv6 "
				    "address must be written [ADDRESS]:N "
				    "(ExaBGP 4.2)", w);
			return ft_fail(c, "redirect: '%s' is not an address "
			    "or ASN:NUMBER", w);
		}
		c->a.nexthop = ip;
		c->a.nexthop_self = false;
		c->a.has |= ATTR_HAS_NEXT_HOP;
		attrs_add_ext_community(&c->a, BGP_EC_REDIRECT_NH);
		return 0;
	}
	c->i--;
	if (w[0] == '[')
		return ft_fail(c, "redirect: '%s': redirecting to an IPv6 "
		    "address with a number is not supported (ExaBGP 4.2 "
		    "cannot send it either)", w);
	if ((size_t)(colon - w) >= sizeof(asn))
		return ft_fail(c, "redirect: '%s' is not ASN:NUMBER", w);
	memcpy(asn, w, (size_t)(colon - w));
	asn[colon - w] = '\0';
	if (strchr(asn, '.') != NULL)
		return ft_fail(c, "redirect: '%s': the IP:NUMBER form is "
		    "deprecated (ExaBGP 4.2 refuses it); use ASN:NUMBER, or "
		    "redirect IP for a next hop", w);
	if (dec(asn, UINT32_MAX, &a) == -1 || dec(colon + 1, UINT32_MAX,
	    &t) == -1)
		return ft_fail(c, "redirect: '%s' is not ASN:NUMBER (the ASN "
		    "and the number 32-bit)", w);
	if (a > 0xffff) {
		if (t > 0xffff)
			return ft_fail(c, "redirect: '%s': with a 4-octet ASN "
			    "the number must be below 65536", w);
		/* RFC 8955 §7.4 with RFC 7674's 4-octet AS form */
		attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW_AS4,
		    BGP_EC_S_REDIRECT, a << 16 | t));
	} else
		attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW,
		    BGP_EC_S_REDIRECT, a << 32 | t));
	c->i++;
	return 0;
}

static int
kw_redirect_nh(struct ft *c, const char *kw)
{
	attrs_add_ext_community(&c->a, BGP_EC_REDIRECT_NH);
	return 0;
}

/* draft-ietf-idr-flowspec-redirect-ip: IPv4 in an extended community,
 * IPv6 in an IPv6 address specific one (RFC 5701) */
static int
kw_redirect_nh_ietf(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);
	struct bgp_addr ip;
	uint8_t *e;

	if (w == NULL)
		return -1;
	if (addr_parse(w, &ip) == -1) {
		c->i--;
		return ft_fail(c, "%s: '%s' is not an IP address", kw, w);
	}
	if (ip.afi == BGP_AFI_IPV4) {
		attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_IPV4,
		    BGP_EC_S_NEXTHOP_IETF, (uint64_t)addr_to_u32(&ip) << 16));
		return 0;
	}
	if (c->nec6 == EC6_MAX)
		return ft_fail(c, "too many IPv6 redirects");
	c->ec6 = xreallocarray(c->ec6, c->nec6 + 1, EC6_LEN);
	e = c->ec6 + c->nec6++ * EC6_LEN;
	memset(e, 0, EC6_LEN);
	e[1] = BGP_EC_S_NEXTHOP_IETF;
	memcpy(e + 2, ip.b, 16);
	return 0;
}

static int
kw_copy(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);

	if (w == NULL || set_nexthop(c, kw, w) == -1)
		return -1;
	if (c->a.nexthop_self) {
		c->i--;
		return ft_fail(c, "copy needs an IP address");
	}
	attrs_add_ext_community(&c->a, BGP_EC_COPY_NH);
	return 0;
}

static int
kw_mark(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);
	uint64_t v;

	if (w == NULL)
		return -1;
	if (dec(w, 63, &v) == -1) {
		c->i--;
		return ft_fail(c, "mark: '%s' is not a DSCP value (0 to 63)",
		    w);
	}
	attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW, BGP_EC_S_MARK,
	    v));
	return 0;
}

static int
kw_action(struct ft *c, const char *kw)
{
	const char *w = ft_word(c, kw);
	bool sample, terminal;

	if (w == NULL)
		return -1;
	/* ExaBGP looks for the two words anywhere in the value */
	sample = strstr(w, "sample") != NULL;
	terminal = strstr(w, "terminal") != NULL;
	if (!sample && !terminal) {
		c->i--;
		return ft_fail(c, "action: '%s' is not sample, terminal or "
		    "sample-terminal", w);
	}
	attrs_add_ext_community(&c->a, ec_make(BGP_EC_T_FLOW, BGP_EC_S_ACTION,
	    (sample ? 2u : 0u) | (terminal ? 1u : 0u)));
	return 0;
}

static int
item_community(struct ft *c, const char *kw, const char *w)
{
	uint32_t v;

	if (community_parse(w, &v) == -1) {
		c->i--;
		return ft_fail(c, "invalid community '%s' (expected "
		    "ASN:NUMBER, a 32-bit number or a well-known name)", w);
	}
	attrs_add_community(&c->a, v);
	return 0;
}

static int
item_ext_community(struct ft *c, const char *kw, const char *w)
{
	char msg[sizeof(c->err->msg)];
	uint64_t v;

	if (ext_community_parse(w, &v, msg, sizeof(msg)) == -1) {
		c->i--;
		return ft_fail(c, "%s", msg);
	}
	attrs_add_ext_community(&c->a, v);
	return 0;
}

static int
item_large_community(struct ft *c, const char *kw, const char *w)
{
	uint32_t v[3];

	if (large_community_parse(w, v) == -1) {
		c->i--;
		return ft_fail(c, "invalid large-community '%s' (expected "
		    "GLOBAL:LOCAL1:LOCAL2, 32-bit numbers)", w);
	}
	attrs_add_large_community(&c->a, v[0], v[1], v[2]);
	return 0;
}

/*
 * draft-ietf-idr-flowspec-interfaceset: TRANSITIVITY:DIRECTION:ASN:GROUP,
 * type 0x07 (0x47 non-transitive) subtype 0x02, the direction in the
 * top two bits of the 14-bit group id.
 */
static int
item_interface_set(struct ft *c, const char *kw, const char *w)
{
	char *copy = xstrdup(w), *q = copy, *p[4];
	static const char *const dirs[] = { "input", "output",
		"input-output" };
	unsigned dir = 0;
	uint64_t asn, group;
	size_t np = 0;
	bool trans;
	int rc = -1;

	for (char *tok; np < 4 && (tok = strsep(&q, ":")) != NULL;)
		p[np++] = tok;
	c->i--;
	if (np != 4 || q != NULL) {
		ft_fail(c, "interface-set: '%s' is not TRANSITIVITY:DIRECTION:"
		    "ASN:GROUP", w);
		goto out;
	}
	if (strcmp(p[0], "transitive") == 0)
		trans = true;
	else if (strcmp(p[0], "non-transitive") == 0)
		trans = false;
	else {
		ft_fail(c, "interface-set: '%s' is neither transitive nor "
		    "non-transitive", p[0]);
		goto out;
	}
	for (unsigned k = 0; k < 3; k++)
		if (strcmp(p[1], dirs[k]) == 0)
			dir = k + 1;
	if (dir == 0) {
		ft_fail(c, "interface-set: direction '%s' is not input, "
		    "output or input-output", p[1]);
		goto out;
	}
	if (dec(p[2], UINT32_MAX, &asn) == -1 || dec(p[3], 0x3fff,
	    &group) == -1) {
		ft_fail(c, "interface-set: '%s': the ASN is a 32-bit number, "
		    "the group id a 14-bit one", w);
		goto out;
	}
	attrs_add_ext_community(&c->a, ec_make(trans ? BGP_EC_T_INTERFACE_SET :
	    BGP_EC_T_INTERFACE_SET | 0x40, BGP_EC_S_INTERFACE_SET,
	    asn << 16 | (uint64_t)dir << 14 | group));
	c->i++;
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
kw_community(struct ft *c, const char *kw)
{
	return ft_list(c, kw, item_community);
}

static int
kw_ext_community(struct ft *c, const char *kw)
{
	return ft_list(c, kw, item_ext_community);
}

static int
kw_large_community(struct ft *c, const char *kw)
{
	return ft_list(c, kw, item_large_community);
}

static int
kw_interface_set(struct ft *c, const char *kw)
{
	return ft_list(c, kw, item_interface_set);
}

struct ft_kw {
	const char	*name;
	unsigned	 sec;
	int		(*fn)(struct ft *, const char *);
};

static const struct ft_kw ft_keywords[] = {
	{ "source", SEC_MATCH, kw_match },
	{ "source-ipv4", SEC_MATCH, kw_match },
	{ "source-ipv6", SEC_MATCH, kw_match },
	{ "destination", SEC_MATCH, kw_match },
	{ "destination-ipv4", SEC_MATCH, kw_match },
	{ "destination-ipv6", SEC_MATCH, kw_match },
	{ "protocol", SEC_MATCH, kw_match },
	{ "next-header", SEC_MATCH, kw_match },
	{ "port", SEC_MATCH, kw_match },
	{ "destination-port", SEC_MATCH, kw_match },
	{ "source-port", SEC_MATCH, kw_match },
	{ "icmp-type", SEC_MATCH, kw_match },
	{ "icmp-code", SEC_MATCH, kw_match },
	{ "tcp-flags", SEC_MATCH, kw_match },
	{ "packet-length", SEC_MATCH, kw_match },
	{ "dscp", SEC_MATCH, kw_match },
	{ "traffic-class", SEC_MATCH, kw_match },
	{ "fragment", SEC_MATCH, kw_match },
	{ "flow-label", SEC_MATCH, kw_match },
	{ "interface-set", SEC_SCOPE, kw_interface_set },
	{ "accept", SEC_THEN, kw_accept },
	{ "discard", SEC_THEN, kw_discard },
	{ "rate-limit", SEC_THEN, kw_rate_limit },
	{ "redirect", SEC_THEN, kw_redirect },
	{ "redirect-to-nexthop", SEC_THEN, kw_redirect_nh },
	{ "redirect-to-nexthop-ietf", SEC_THEN, kw_redirect_nh_ietf },
	{ "copy", SEC_THEN, kw_copy },
	{ "mark", SEC_THEN, kw_mark },
	{ "action", SEC_THEN, kw_action },
	{ "community", SEC_THEN, kw_community },
	{ "large-community", SEC_THEN, kw_large_community },
	{ "extended-community", SEC_THEN, kw_ext_community },
	/* the route block; the one-statement form takes them too */
	{ "rd", SEC_ROUTE, kw_rd },
	{ "route-distinguisher", SEC_ROUTE, kw_rd },
	{ "next-hop", SEC_ROUTE, kw_nexthop },
};

#define FT_NKW	(sizeof(ft_keywords) / sizeof(ft_keywords[0]))

static const char *
sec_name(unsigned sec)
{
	switch (sec) {
	case SEC_MATCH: return "match";
	case SEC_SCOPE: return "scope";
	case SEC_THEN: return "then";
	case SEC_ROUTE: return "route";
	}
	return "flow route";
}

static int
ft_unknown(struct ft *c, const char *w, unsigned sec)
{
	char list[1024];
	size_t off = 0;

	list[0] = '\0';
	for (size_t k = 0; k < FT_NKW && off < sizeof(list); k++)
		if (ft_keywords[k].sec & sec)
			off += (size_t)snprintf(list + off, sizeof(list) - off,
			    "%s%s", off ? ", " : "", ft_keywords[k].name);
	if (sec == SEC_ROUTE && off < sizeof(list))
		snprintf(list + off, sizeof(list) - off, ", match { }, "
		    "scope { }, then { }");
	return ft_fail(c, "unknown keyword '%s' in %s (expected one of: %s)",
	    w, sec_name(sec), list);
}

/* Run the keyword at the cursor (allowed in sec). */
static int
ft_keyword(struct ft *c, unsigned sec)
{
	const struct lex_token *t = ft_peek(c);

	for (size_t k = 0; k < FT_NKW; k++)
		if ((ft_keywords[k].sec & sec) && !t->quoted &&
		    strcmp(t->text, ft_keywords[k].name) == 0) {
			c->i++;
			return ft_keywords[k].fn(c, ft_keywords[k].name);
		}
	return ft_unknown(c, t->text, sec);
}

/* A block's statements, the cursor after its '{', up to its '}'. */
static int
ft_block(struct ft *c, unsigned sec, int depth)
{
	static const struct {
		const char	*name;
		unsigned	 sec;
	} subs[] = {
		{ "match", SEC_MATCH }, { "scope", SEC_SCOPE },
		{ "then", SEC_THEN },
	};
	const struct lex_token *t;

	while ((t = ft_peek(c)) != NULL) {
		if (lex_is(t, "}")) {
			c->i++;
			return 0;
		}
		if (lex_is(t, ";")) {
			c->i++;
			continue;
		}
		if (is_syntax(t))
			return ft_fail(c, "unexpected '%s' in %s", t->text,
			    sec_name(sec));
		if (sec == SEC_ROUTE && depth == 0 && c->i + 1 < c->n &&
		    lex_is(&c->t[c->i + 1], "{")) {
			size_t k;

			for (k = 0; k < 3; k++)
				if (lex_is(t, subs[k].name))
					break;
			if (k == 3)
				return ft_fail(c, "unknown block '%s' in a flow "
				    "route (expected match, scope or then)",
				    t->text);
			c->i += 2;
			if (ft_block(c, subs[k].sec, depth + 1) == -1)
				return -1;
			continue;
		}
		if (ft_keyword(c, sec) == -1)
			return -1;
		t = ft_peek(c);
		if (t != NULL && lex_is(t, ";"))
			c->i++;
		else if (t != NULL && !lex_is(t, "}"))
			return ft_fail(c, "unexpected '%s': expected ';' after "
			    "the value", t->text);
	}
	return ft_fail(c, "missing '}' at the end of the %s block",
	    sec_name(sec));
}

static void
ft_free(struct ft *c)
{
	flow_rule_free(&c->rule);
	attrs_free(&c->a);
	free(c->ec6);
}

static int
ec6_cmp(const void *a, const void *b)
{
	return memcmp(a, b, EC6_LEN);
}

/* Everything read: the NLRI, the attributes, the route. */
static int
ft_finish(struct ft *c, const char *name, int want,
    struct cfg_route **routes, size_t *nroutes)
{
	uint8_t buf[FLOW_NLRI_MAX];
	char msg[sizeof(c->err->msg)];
	enum family_id fam;
	struct cfg_route *r;
	size_t len, k = 0;

	if (want >= 0)
		c->rule.afi = (uint8_t)family_afi((enum family_id)want);
	if ((len = flow_rule_encode(&c->rule, buf, &fam, msg,
	    sizeof(msg))) == 0) {
		c->i = 0;
		return ft_fail(c, "%s", msg);
	}
	if (want >= 0 && fam != (enum family_id)want) {
		c->i = 0;
		return ft_fail(c, "this is an %s %s route: %s", family_afi_name(
		    fam), family_safi_name(fam), family_safi(fam) ==
		    BGP_SAFI_FLOW_VPN ? "flow takes no rd" : "flow-vpn needs "
		    "an rd");
	}
	if (c->nec6 > 0) {
		/* sorted and unique, as the other communities */
		qsort(c->ec6, c->nec6, EC6_LEN, ec6_cmp);
		for (size_t j = 0; j < c->nec6; j++)
			if (k == 0 || memcmp(c->ec6 + (k - 1) * EC6_LEN,
			    c->ec6 + j * EC6_LEN, EC6_LEN) != 0)
				memmove(c->ec6 + k++ * EC6_LEN,
				    c->ec6 + j * EC6_LEN, EC6_LEN);
		attrs_set_raw(&c->a, BGP_ATTR_F_OPTIONAL |
		    BGP_ATTR_F_TRANSITIVE, BGP_ATTR_IPV6_EXT_COMMUNITIES, c->ec6,
		    (uint16_t)(k * EC6_LEN));
	}
	route_text_attrs_finish(&c->a);
	*routes = xreallocarray(*routes, *nroutes + 1, sizeof(**routes));
	r = &(*routes)[(*nroutes)++];
	memset(r, 0, sizeof(*r));
	r->fam = fam;
	nlri_buf_set(&r->nlri, buf, len);
	attrs_init(&r->attrs);
	attrs_copy(&r->attrs, &c->a);
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->line = c->t[0].line;
	return 0;
}

int
flow_text_parse(const struct lex_token *t, size_t n, int fam,
    struct cfg_route **routes, size_t *nroutes, struct route_text_err *err)
{
	struct ft c;
	const char *name = NULL;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.n = n;
	c.err = err;
	if (n == 0) {
		snprintf(err->msg, sizeof(err->msg), "a flow route needs a "
		    "match (e.g. 'route { match { destination 192.0.2.1/32; } "
		    "then { discard; } }')");
		return -1;
	}
	flow_rule_init(&c.rule);
	attrs_init(&c.a);
	if (lex_is(&t[0], "{"))
		c.i = 1;
	else if (n > 1 && lex_is(&t[1], "{") && !is_syntax(&t[0])) {
		name = t[0].text;
		c.i = 2;
	}
	if (c.i > 0) {
		if (ft_block(&c, SEC_ROUTE, 0) == -1)
			goto out;
		if (c.i < n) {
			ft_fail(&c, "unexpected '%s' after the flow route",
			    t[c.i].text);
			goto out;
		}
	} else {
		/* 4.2's one-statement form */
		while (c.i < n) {
			if (is_syntax(&t[c.i])) {
				ft_fail(&c, "unexpected '%s' in a flow route",
				    t[c.i].text);
				goto out;
			}
			if (ft_keyword(&c, SEC_ALL) == -1)
				goto out;
		}
	}
	rc = ft_finish(&c, name, fam, routes, nroutes);
out:
	ft_free(&c);
	return rc;
}

/* ---- back to text ---- */

static void
put_word(struct sbuf *o, const char *w)
{
	size_t need = lex_quote(w, NULL, 0);
	char *q = xmalloc(need + 1);

	lex_quote(w, q, need + 1);
	sbuf_adds(o, q);
	free(q);
}

/* Where the statements of a route go: a block, or one line. */
struct fmt {
	struct sbuf	*o;
	const char	*indent;
	bool		 flat;
};

static void fmt_stmt(struct fmt *f, int depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fmt_stmt(struct fmt *f, int depth, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (f->flat) {
		sbuf_printf(f->o, " %s", buf);
		return;
	}
	sbuf_adds(f->o, f->indent);
	for (int i = 0; i < depth; i++)
		sbuf_addc(f->o, '\t');
	sbuf_printf(f->o, "%s;\n", buf);
}

static void
fmt_open(struct fmt *f, const char *name)
{
	if (!f->flat)
		sbuf_printf(f->o, "%s\t%s {\n", f->indent, name);
}

static void
fmt_close(struct fmt *f, int depth)
{
	if (f->flat)
		return;
	sbuf_adds(f->o, f->indent);
	for (int i = 0; i < depth; i++)
		sbuf_addc(f->o, '\t');
	sbuf_adds(f->o, "}\n");
}

/* One of the lists "then" takes, in the route syntax, as a statement. */
static void
then_list(struct fmt *f, const struct attrs *a, uint32_t has)
{
	struct attrs only;
	struct sbuf t;

	memset(&only, 0, sizeof(only));
	only.has = a->has & has;
	if (only.has == 0)
		return;
	only.comms = a->comms;
	only.ncomms = a->ncomms;
	only.ecomms = a->ecomms;
	only.necomms = a->necomms;
	only.lcomms = a->lcomms;
	only.nlcomms = a->nlcomms;
	sbuf_init(&t);
	sbuf_adds(&t, "");
	bgp_attr_text(&t, &only, ATTR_TEXT_ROUTE);
	/* " community [ ... ]": the leading space off */
	if (t.len > 1)
		fmt_stmt(f, 2, "%s", t.p + 1);
	sbuf_free(&t);
}

static void
format_route(struct sbuf *o, const struct cfg_route *r, const char *indent,
    bool flat)
{
	struct fmt f = { o, indent, flat };
	struct nlri n = cfg_route_nlri(r);
	const struct attrs *a = &r->attrs;
	const uint8_t *rd = flow_nlri_rd(n.b, n.len, n.fam);
	char before[64], ip[ADDR_STRLEN];

	if (!flat) {
		sbuf_printf(o, "%sroute ", indent);
		if (r->name != NULL) {
			put_word(o, r->name);
			sbuf_addc(o, ' ');
		}
		sbuf_adds(o, "{\n");
	}
	if (rd != NULL) {
		struct sbuf t;

		sbuf_init(&t);
		nlri_rd_text(&t, rd);
		fmt_stmt(&f, 1, "rd %s", t.p);
		sbuf_free(&t);
	}
	if (a->nexthop_self)
		fmt_stmt(&f, 1, "next-hop self");
	else if (a->has & ATTR_HAS_NEXT_HOP)
		fmt_stmt(&f, 1, "next-hop %s", addr_fmt(&a->nexthop, ip));
	fmt_open(&f, "match");
	if (flat)
		flow_nlri_match_text(o, n.b, n.len, n.fam, " ", "");
	else {
		snprintf(before, sizeof(before), "%s\t\t", indent);
		flow_nlri_match_text(o, n.b, n.len, n.fam, before, ";\n");
	}
	fmt_close(&f, 1);
	fmt_open(&f, "then");
	then_list(&f, a, ATTR_HAS_COMMUNITIES);
	then_list(&f, a, ATTR_HAS_EXT_COMM);
	then_list(&f, a, ATTR_HAS_LARGE_COMM);
	for (size_t k = 0; k < a->nraws; k++) {
		const struct attr_raw *raw = &a->raws[k];

		if (raw->code != BGP_ATTR_IPV6_EXT_COMMUNITIES)
			continue;
		for (size_t j = 0; j + EC6_LEN <= raw->len; j += EC6_LEN) {
			struct bgp_addr v6 = { .afi = BGP_AFI_IPV6 };

			memcpy(v6.b, raw->data + j + 2, 16);
			fmt_stmt(&f, 2, "redirect-to-nexthop-ietf %s",
			    addr_fmt(&v6, ip));
		}
	}
	fmt_close(&f, 1);
	fmt_close(&f, 0);
}

void
flow_text_format(struct sbuf *o, const struct cfg_route *r,
    const char *indent)
{
	format_route(o, r, indent, false);
}

void
flow_text_format_flat(struct sbuf *o, const struct cfg_route *r)
{
	format_route(o, r, "", true);
}

bool
flow_text_needs_family(const struct cfg_route *r)
{
	struct cfg_route *back = NULL;
	struct route_text_err e;
	struct lex_tokens tk = { 0 };
	struct sbuf o;
	size_t n = 0;
	char err[128];
	bool need = true;

	/* read back without a family, does it keep its own? */
	sbuf_init(&o);
	flow_text_format_flat(&o, r);
	if (lex_line(o.p, &tk, err, sizeof(err)) == 0 &&
	    flow_text_parse(tk.v, tk.n, -1, &back, &n, &e) == 0)
		need = back[0].fam != r->fam;
	cfg_routes_free(back, n);
	lex_tokens_free(&tk);
	sbuf_free(&o);
	return need;
}
