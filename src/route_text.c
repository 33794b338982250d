/*
 * Routes as text (see route_text.h). The parser is a table of route
 * keywords, each handler consuming its value tokens from a cursor; the
 * spelling and the extended community encodings follow ExaBGP main, whose
 * wire bytes the conformance kit checks. The formatter writes the same
 * keywords back, in ExaBGP's order (next-hop first, then attribute codes
 * ascending), so that its output parses to an equal route.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/route_text.h"
#include "evbgp/srpolicy.h"
#include "evbgp/util.h"

/* ---- small helpers ---- */

/* Strict decimal: digits only, no sign, fits in max. */
static int
parse_dec(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return -1;
	}
	*v = x;
	return 0;
}

/* Decimal, or hexadecimal with a 0x prefix. */
static int
parse_num(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return parse_dec(s, max, v);
	s += 2;
	if (*s == '\0' || strlen(s) > 16)
		return -1;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

static int
parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (parse_dec(s, UINT32_MAX, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* An IPv4 address as a host-order value. */
static int
parse_ipv4(const char *s, uint32_t *v)
{
	struct bgp_addr a;

	if (addr_parse(s, &a) == -1 || a.afi != BGP_AFI_IPV4)
		return -1;
	*v = addr_to_u32(&a);
	return 0;
}

static size_t
count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* ---- communities ---- */

static const struct {
	const char	*name;
	uint32_t	 value;
} comm_names[] = {
	{ "no-export", BGP_COMM_NO_EXPORT },
	{ "no-advertise", BGP_COMM_NO_ADVERTISE },
	{ "no-export-subconfed", BGP_COMM_NO_EXPORT_SUBCONFED },
	{ "no-peer", BGP_COMM_NO_PEER },
	{ "nopeer", BGP_COMM_NO_PEER },	/* ExaBGP accepts the misspelling */
	{ "blackhole", BGP_COMM_BLACKHOLE },
	{ "graceful-shutdown", BGP_COMM_GRACEFUL_SHUTDOWN },
};

int
community_parse(const char *s, uint32_t *c)
{
	const char *colon = strchr(s, ':');
	uint64_t hi, lo;

	if (colon != NULL) {
		char *h = xstrndup(s, (size_t)(colon - s));
		int rc = parse_dec(h, 0xffff, &hi);

		free(h);
		if (rc == -1 || parse_dec(colon + 1, 0xffff, &lo) == -1)
			return -1;
		*c = (uint32_t)(hi << 16 | lo);
		return 0;
	}
	if (parse_num(s, UINT32_MAX, &lo) == 0) {
		*c = (uint32_t)lo;
		return 0;
	}
	for (size_t i = 0; i < sizeof(comm_names) / sizeof(comm_names[0]);
	    i++) {
		if (strcasecmp(s, comm_names[i].name) == 0) {
			*c = comm_names[i].value;
			return 0;
		}
	}
	return -1;
}

/* ---- extended communities ---- */

static uint64_t
ec_make(uint8_t type, uint8_t sub, uint64_t value48)
{
	return (uint64_t)type << 56 | (uint64_t)sub << 48 |
	    (value48 & UINT64_C(0xffffffffffff));
}

static int ec_fail(char *err, size_t errlen, const char *s, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
ec_fail(char *err, size_t errlen, const char *s, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "invalid extended community '%s': %s", s, why);
	return -1;
}

/* Parse an administrator: "65000", "70000L" (forced 4-octet) or an IP. */
struct ec_admin {
	uint64_t	 num;
	bool		 is_ip;
	bool		 long_as;	/* "L" suffix */
};

static int
ec_admin_parse(const char *s, struct ec_admin *ad)
{
	size_t n = strlen(s);

	memset(ad, 0, sizeof(*ad));
	if (count_char(s, '.') == 3) {
		uint32_t ip;

		if (parse_ipv4(s, &ip) == -1)
			return -1;
		ad->num = ip;
		ad->is_ip = true;
		return 0;
	}
	if (n > 1 && (s[n - 1] == 'L' || s[n - 1] == 'l')) {
		char *t = xstrndup(s, n - 1);
		int rc = parse_dec(t, UINT32_MAX, &ad->num);

		free(t);
		ad->long_as = true;
		return rc;
	}
	return parse_dec(s, UINT32_MAX, &ad->num);
}

/* target / origin: the layout depends on what the two fields look like. */
static int
ec_route_target(const char *s, uint8_t sub, const char *ga, const char *la,
    bool force4, uint64_t *ec, char *err, size_t errlen)
{
	struct ec_admin g, l;

	if (ec_admin_parse(ga, &g) == -1 || ec_admin_parse(la, &l) == -1)
		return ec_fail(err, errlen, s, "expected ASN:NUMBER, "
		    "ASN:IP or IP:NUMBER");
	if (l.long_as)
		return ec_fail(err, errlen, s, "'L' only applies to the ASN");
	if (g.is_ip && l.is_ip)
		return ec_fail(err, errlen, s, "expected ASN:NUMBER, "
		    "ASN:IP or IP:NUMBER");
	if (g.is_ip) {
		if (l.num > 0xffff)
			return ec_fail(err, errlen, s, "the number after an IP "
			    "must be below 65536");
		*ec = ec_make(BGP_EC_T_IPV4, sub, g.num << 16 | l.num);
		return 0;
	}
	if (l.is_ip) {
		if (g.num > 0xffff || force4 || g.long_as)
			return ec_fail(err, errlen, s, "the ASN before an IP "
			    "must be below 65536");
		*ec = ec_make(BGP_EC_T_AS2, sub, g.num << 32 | l.num);
		return 0;
	}
	if (g.long_as || force4 || g.num > 0xffff) {
		if (l.num > 0xffff)
			return ec_fail(err, errlen, s, "with a 4-octet ASN the "
			    "number must be below 65536");
		/*
		 * ExaBGP main: "L" gives the RFC 5668 four-octet AS type;
		 * a large ASN without it (and target4/origin4) uses the
		 * IPv4-address-specific layout with the ASN as the address.
		 */
		*ec = ec_make(g.long_as ? BGP_EC_T_AS4 : BGP_EC_T_IPV4, sub,
		    g.num << 16 | l.num);
		return 0;
	}
	*ec = ec_make(BGP_EC_T_AS2, sub, g.num << 32 | l.num);
	return 0;
}

static int
ec_redirect(const char *s, const char *ga, const char *la, uint64_t *ec,
    char *err, size_t errlen)
{
	struct ec_admin g, l;

	if (ec_admin_parse(ga, &g) == -1 || ec_admin_parse(la, &l) == -1 ||
	    l.is_ip || l.long_as)
		return ec_fail(err, errlen, s, "expected redirect:ASN:NUMBER "
		    "or redirect:IP:NUMBER");
	if (g.is_ip || g.long_as || g.num > 0xffff) {
		if (l.num > 0xffff)
			return ec_fail(err, errlen, s, "the number must be "
			    "below 65536 with an IP or a 4-octet ASN");
		*ec = ec_make(g.is_ip ? BGP_EC_T_FLOW_IPV4 : BGP_EC_T_FLOW_AS4,
		    BGP_EC_S_REDIRECT, g.num << 16 | l.num);
		return 0;
	}
	*ec = ec_make(BGP_EC_T_FLOW, BGP_EC_S_REDIRECT, g.num << 32 | l.num);
	return 0;
}

static int
ec_float(const char *s, float *f)
{
	char *end;

	errno = 0;
	*f = strtof(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(*f) ||
	    *f < 0)
		return -1;
	return 0;
}

static uint32_t
float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* Dispatch on the leading word of "word:a:b[:c:d]". */
static int
ec_typed(const char *s, char **p, size_t np, uint64_t *ec, char *err,
    size_t errlen)
{
	const char *cmd = p[0];
	uint64_t a, b, c, d;
	float f;

	if (strcmp(cmd, "target") == 0 || strcmp(cmd, "origin") == 0 ||
	    strcmp(cmd, "target4") == 0 || strcmp(cmd, "origin4") == 0) {
		if (np != 3)
			return ec_fail(err, errlen, s, "expected %s:A:B", cmd);
		return ec_route_target(s, cmd[0] == 't' ? BGP_EC_S_TARGET :
		    BGP_EC_S_ORIGIN, p[1], p[2], cmd[strlen(cmd) - 1] == '4', ec,
		    err, errlen);
	}
	if (strcmp(cmd, "mup") == 0) {
		/* ExaBGP main's MUP direct segment identifier: ASN2:N */
		if (np != 3 || parse_dec(p[1], 0xffff, &a) == -1 ||
		    parse_dec(p[2], UINT32_MAX, &b) == -1)
			return ec_fail(err, errlen, s, "expected mup:ASN:NUMBER, "
			    "the ASN 16 bits, the number 32");
		*ec = ec_make(BGP_EC_T_MUP, 0, a << 32 | b);
		return 0;
	}
	if (strcmp(cmd, "redirect") == 0) {
		if (np != 3)
			return ec_fail(err, errlen, s, "expected redirect:A:B");
		return ec_redirect(s, p[1], p[2], ec, err, errlen);
	}
	if (strcmp(cmd, "l2info") == 0) {
		if (np != 5 || parse_dec(p[1], 0xff, &a) == -1 ||
		    parse_dec(p[2], 0xff, &b) == -1 ||
		    parse_dec(p[3], 0xffff, &c) == -1 ||
		    parse_dec(p[4], 0xffff, &d) == -1)
			return ec_fail(err, errlen, s, "expected "
			    "l2info:ENCAPS:CONTROL:MTU:SITE");
		*ec = ec_make(BGP_EC_T_FLOW, BGP_EC_S_L2INFO,
		    a << 40 | b << 32 | c << 16 | d);
		return 0;
	}
	if (strcmp(cmd, "bandwidth") == 0) {
		if (np != 3 || parse_dec(p[1], 0xffff, &a) == -1 ||
		    ec_float(p[2], &f) == -1)
			return ec_fail(err, errlen, s, "expected "
			    "bandwidth:ASN:BYTES-PER-SECOND");
		*ec = ec_make(BGP_EC_T_NONTRANS_AS2, BGP_EC_S_BANDWIDTH,
		    a << 32 | float_bits(f));
		return 0;
	}
	if (strcmp(cmd, "rate-limit") == 0) {
		if (np != 2 || ec_float(p[1], &f) == -1)
			return ec_fail(err, errlen, s, "expected "
			    "rate-limit:BYTES-PER-SECOND");
		*ec = ec_make(BGP_EC_T_FLOW, BGP_EC_S_RATE, float_bits(f));
		return 0;
	}
	if (strcmp(cmd, "mark") == 0) {
		if (np != 2 || parse_dec(p[1], 63, &a) == -1)
			return ec_fail(err, errlen, s, "expected mark:DSCP "
			    "(0-63)");
		*ec = ec_make(BGP_EC_T_FLOW, BGP_EC_S_MARK, a);
		return 0;
	}
	return ec_fail(err, errlen, s, "unknown type '%s' (expected target, "
	    "origin, target4, origin4, mup, redirect, l2info, bandwidth, "
	    "rate-limit, mark, redirect-to-nexthop, copy-to-nexthop or 0x + "
	    "16 hex digits)", cmd);
}

int
ext_community_parse(const char *s, uint64_t *ec, char *err, size_t errlen)
{
	char *copy, *parts[6];
	size_t np = 0;
	int rc;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		uint8_t b[8];

		if (strlen(s) != 18 || hex_decode(s, b, sizeof(b)) != 8)
			return ec_fail(err, errlen, s, "expected 0x and "
			    "16 hex digits");
		*ec = (uint64_t)be32_get(b) << 32 | be32_get(b + 4);
		return 0;
	}
	if (strcmp(s, "redirect-to-nexthop") == 0) {
		*ec = BGP_EC_REDIRECT_NH;
		return 0;
	}
	if (strcmp(s, "copy-to-nexthop") == 0) {
		*ec = BGP_EC_COPY_NH;
		return 0;
	}
	if (count_char(s, ':') == 0 || count_char(s, ':') > 4)
		return ec_fail(err, errlen, s, "expected TYPE:A:B, A:B or 0x "
		    "and 16 hex digits");
	copy = xstrdup(s);
	for (char *q = copy, *tok; (tok = strsep(&q, ":")) != NULL;)
		parts[np++] = tok;
	/* a bare "A:B" is a route target (ExaBGP); "mark:N" is not */
	if (np == 2 && !isalpha((unsigned char)parts[0][0]))
		rc = ec_route_target(s, BGP_EC_S_TARGET, parts[0], parts[1], false,
		    ec, err, errlen);
	else
		rc = ec_typed(s, parts, np, ec, err, errlen);
	free(copy);
	return rc;
}

/* ---- the route parser ---- */

struct rt_cur {
	const struct lex_token *t;
	size_t		 n;
	size_t		 i;		/* next token */
	struct route_text_err *err;
};

/* What one route statement says besides its prefix. */
struct rt_state {
	struct attrs	 a;
	char		*name;
	char		*watchdog;
	bool		 withdrawn;
	int		 split;		/* -1 = none */
	uint32_t	 path_id;
	bool		 has_path_id;
	/* "rd": an mpls-vpn route (RFC 4364); "label": labeled (RFC 8277) */
	bool		 has_rd;
	uint8_t		 rd[8];
	uint32_t	 labels[NLRI_LABELS_MAX];
	size_t		 nlabels;
	/* a VPLS route (route_text_parse_vpls): RFC 4761 §3.2.2 */
	bool		 vpls;
	uint32_t	 vpls_val[4];	/* endpoint, base, offset, size */
	unsigned	 vpls_given;	/* bits, as vpls_val */
	enum family_id	 fam;		/* rt_finish() decides */
	/* a route of its own words (nlri_family.parse): MVPN, MUP, SR
	 * Policy; the SR Policy's sub-TLVs as written */
	bool		 words;
	bool		 sr;
	struct sbuf	 sr_tlvs;
};

static int rt_fail(struct rt_cur *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record an error at the current token (or the last one at the end). */
static int
rt_fail(struct rt_cur *c, const char *fmt, ...)
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
rt_peek(const struct rt_cur *c)
{
	return c->i < c->n ? &c->t[c->i] : NULL;
}

/* The value word after keyword kw; NULL (error set) when missing. */
static const char *
rt_value(struct rt_cur *c, const char *kw)
{
	const struct lex_token *t = rt_peek(c);

	if (t == NULL || (!t->quoted && strchr("[](),", t->text[0]) != NULL &&
	    t->text[1] == '\0')) {
		rt_fail(c, "'%s' needs a value", kw);
		return NULL;
	}
	c->i++;
	return t->text;
}

typedef int (*rt_item_fn)(struct rt_cur *, struct rt_state *, const char *);

/*
 * A value list: "[ a b , c ]" or a single bare word. Calls fn for each
 * word (c->i already past it, so errors point at the next token; we step
 * back for the message).
 */
static int
rt_list(struct rt_cur *c, struct rt_state *st, const char *kw, rt_item_fn fn)
{
	const struct lex_token *t = rt_peek(c);

	if (t == NULL)
		return rt_fail(c, "'%s' needs a value", kw);
	if (!lex_is(t, "[")) {
		const char *w = rt_value(c, kw);

		if (w == NULL)
			return -1;
		c->i--;
		if (fn(c, st, w) == -1)
			return -1;
		c->i++;
		return 0;
	}
	for (c->i++; (t = rt_peek(c)) != NULL; c->i++) {
		if (lex_is(t, "]")) {
			c->i++;
			return 0;
		}
		if (lex_is(t, ","))
			continue;
		if (lex_is(t, "[") || lex_is(t, "(") || lex_is(t, ")"))
			return rt_fail(c, "unexpected '%s' in %s list", t->text,
			    kw);
		if (fn(c, st, t->text) == -1)
			return -1;
	}
	return rt_fail(c, "missing ']' at the end of the %s list", kw);
}

static int
item_community(struct rt_cur *c, struct rt_state *st, const char *w)
{
	uint32_t v;

	if (community_parse(w, &v) == -1)
		return rt_fail(c, "invalid community '%s' (expected ASN:NUMBER "
		    "with both below 65536, a 32-bit number, or no-export, "
		    "no-advertise, no-export-subconfed, no-peer, blackhole)",
		    w);
	attrs_add_community(&st->a, v);
	return 0;
}

static int
item_ext_community(struct rt_cur *c, struct rt_state *st, const char *w)
{
	uint64_t v;
	char msg[sizeof(c->err->msg)];

	if (ext_community_parse(w, &v, msg, sizeof(msg)) == -1)
		return rt_fail(c, "%s", msg);
	attrs_add_ext_community(&st->a, v);
	return 0;
}

int
large_community_parse(const char *w, uint32_t v[3])
{
	char *copy = xstrdup(w), *q = copy, *p[3];
	int ok = count_char(w, ':') == 2;

	for (int k = 0; ok && k < 3; k++) {
		p[k] = strsep(&q, ":");
		ok = parse_u32(p[k], &v[k]) == 0;
	}
	free(copy);
	return ok ? 0 : -1;
}

static int
item_large_community(struct rt_cur *c, struct rt_state *st, const char *w)
{
	uint32_t v[3];

	if (large_community_parse(w, v) == -1)
		return rt_fail(c, "invalid large-community '%s' (expected "
		    "GLOBAL:LOCAL1:LOCAL2, 32-bit numbers)", w);
	attrs_add_large_community(&st->a, v[0], v[1], v[2]);
	return 0;
}

static int
item_cluster(struct rt_cur *c, struct rt_state *st, const char *w)
{
	uint32_t id;

	if (parse_ipv4(w, &id) == -1)
		return rt_fail(c, "invalid cluster-list entry '%s' (expected "
		    "an IPv4 address)", w);
	attrs_add_cluster(&st->a, id);
	return 0;
}

static int
kw_nexthop(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	memset(&st->a.nexthop, 0, sizeof(st->a.nexthop));
	st->a.nexthop_self = strcmp(w, "self") == 0;
	if (!st->a.nexthop_self && addr_parse(w, &st->a.nexthop) == -1) {
		c->i--;
		return rt_fail(c, "invalid next-hop '%s' (expected an IP "
		    "address or 'self')", w);
	}
	st->a.has |= ATTR_HAS_NEXT_HOP;
	return 0;
}

static int
kw_origin(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	static const char *const names[] = { "igp", "egp", "incomplete" };
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	for (uint8_t k = 0; k < 3; k++) {
		if (strcasecmp(w, names[k]) == 0) {
			st->a.origin = k;
			st->a.has |= ATTR_HAS_ORIGIN;
			return 0;
		}
	}
	c->i--;
	return rt_fail(c, "invalid origin '%s' (expected igp, egp or "
	    "incomplete)", w);
}

/* Scalar u32 attributes share one handler, keyed by keyword. */
static int
kw_u32(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);
	uint32_t v;

	if (w == NULL)
		return -1;
	if (parse_u32(w, &v) == -1) {
		c->i--;
		return rt_fail(c, "invalid %s '%s' (expected a number from 0 "
		    "to 4294967295)", kw, w);
	}
	if (strcmp(kw, "med") == 0) {
		st->a.med = v;
		st->a.has |= ATTR_HAS_MED;
	} else {
		st->a.local_pref = v;
		st->a.has |= ATTR_HAS_LOCAL_PREF;
	}
	return 0;
}

/* A growable AS_PATH under construction (4-octet wire segments). */
struct aspath_buf {
	uint8_t		*segs;
	size_t		 len;
	uint32_t	*run;		/* ASNs of the open segment */
	size_t		 nrun;
	size_t		 caprun;
};

static void
aspath_push(struct aspath_buf *ab, uint32_t asn)
{
	if (ab->nrun == ab->caprun) {
		ab->caprun = ab->caprun ? ab->caprun * 2 : 16;
		ab->run = xreallocarray(ab->run, ab->caprun, sizeof(*ab->run));
	}
	ab->run[ab->nrun++] = asn;
}

/* Close the open run as segments of at most 255 ASNs. */
static void
aspath_flush(struct aspath_buf *ab, uint8_t type)
{
	for (size_t off = 0; off < ab->nrun; off += 255) {
		size_t k = ab->nrun - off > 255 ? 255 : ab->nrun - off;

		ab->segs = xreallocarray(ab->segs, ab->len + 2 + 4 * k, 1);
		ab->segs[ab->len] = type;
		ab->segs[ab->len + 1] = (uint8_t)k;
		for (size_t j = 0; j < k; j++)
			be32_put(ab->segs + ab->len + 2 + 4 * j,
			    ab->run[off + j]);
		ab->len += 2 + 4 * k;
	}
	ab->nrun = 0;
}

static int
aspath_asn(struct rt_cur *c, struct aspath_buf *ab, const char *w)
{
	uint32_t asn;

	if (parse_u32(w, &asn) == -1)
		return rt_fail(c, "invalid ASN '%s' in as-path", w);
	aspath_push(ab, asn);
	return 0;
}

/* An AS_SET: "( 1 2 )" or an inner "[ 1 2 ]"; c->i is past the opener. */
static int
aspath_set(struct rt_cur *c, struct aspath_buf *ab, const char *close)
{
	const struct lex_token *t;

	aspath_flush(ab, BGP_ASPATH_SEQUENCE);
	for (; (t = rt_peek(c)) != NULL; c->i++) {
		if (lex_is(t, close)) {
			c->i++;
			if (ab->nrun > 255)
				return rt_fail(c, "an AS_SET holds at most 255 "
				    "ASNs");
			aspath_flush(ab, BGP_ASPATH_SET);
			return 0;
		}
		if (lex_is(t, ","))
			continue;
		if (!t->quoted && strchr("[]()", t->text[0]) != NULL)
			return rt_fail(c, "unexpected '%s' inside an AS_SET",
			    t->text);
		if (aspath_asn(c, ab, t->text) == -1)
			return -1;
	}
	return rt_fail(c, "missing '%s' at the end of an AS_SET", close);
}

static int
aspath_parse(struct rt_cur *c, struct aspath_buf *ab)
{
	const struct lex_token *t = rt_peek(c);

	if (t == NULL)
		return rt_fail(c, "'as-path' needs a value");
	c->i++;
	if (lex_is(t, "("))
		return aspath_set(c, ab, ")");
	if (!lex_is(t, "[")) {
		c->i--;
		if (aspath_asn(c, ab, t->text) == -1)
			return -1;
		c->i++;
		aspath_flush(ab, BGP_ASPATH_SEQUENCE);
		return 0;
	}
	for (; (t = rt_peek(c)) != NULL; c->i++) {
		if (lex_is(t, "]")) {
			c->i++;
			aspath_flush(ab, BGP_ASPATH_SEQUENCE);
			return 0;
		}
		if (lex_is(t, ","))
			continue;
		if (lex_is(t, "(") || lex_is(t, "[")) {
			c->i++;
			if (aspath_set(c, ab, lex_is(t, "(") ? ")" : "]") == -1)
				return -1;
			c->i--;
			continue;
		}
		if (lex_is(t, ")"))
			return rt_fail(c, "unexpected ')' in as-path");
		if (aspath_asn(c, ab, t->text) == -1)
			return -1;
	}
	return rt_fail(c, "missing ']' at the end of the as-path");
}

static int
kw_aspath(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	struct aspath_buf ab = { 0 };
	int rc = aspath_parse(c, &ab);

	if (rc == 0)
		attrs_set_aspath(&st->a, ab.segs, ab.len);
	free(ab.segs);
	free(ab.run);
	return rc;
}

static int
kw_community(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	if (rt_list(c, st, kw, item_community) == -1)
		return -1;
	st->a.has |= ATTR_HAS_COMMUNITIES;
	return 0;
}

static int
kw_ext_community(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	if (rt_list(c, st, kw, item_ext_community) == -1)
		return -1;
	st->a.has |= ATTR_HAS_EXT_COMM;
	return 0;
}

static int
kw_large_community(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	if (rt_list(c, st, kw, item_large_community) == -1)
		return -1;
	st->a.has |= ATTR_HAS_LARGE_COMM;
	return 0;
}

static int
kw_cluster_list(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	if (rt_list(c, st, kw, item_cluster) == -1)
		return -1;
	st->a.has |= ATTR_HAS_CLUSTER_LIST;
	return 0;
}

/* "aggregator ( 65000:10.0.0.1 )", the parentheses being optional. */
static int
kw_aggregator(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const struct lex_token *t = rt_peek(c);
	bool paren = t != NULL && lex_is(t, "(");
	const char *w, *colon;
	uint32_t asn, id;
	char *as;
	int ok;

	if (paren)
		c->i++;
	if ((w = rt_value(c, kw)) == NULL)
		return -1;
	colon = strchr(w, ':');
	if (colon == NULL)
		ok = 0;
	else {
		as = xstrndup(w, (size_t)(colon - w));
		ok = parse_u32(as, &asn) == 0 &&
		    parse_ipv4(colon + 1, &id) == 0;
		free(as);
	}
	if (!ok) {
		c->i--;
		return rt_fail(c, "invalid aggregator '%s' (expected "
		    "ASN:IPv4-ADDRESS)", w);
	}
	if (paren) {
		t = rt_peek(c);
		if (t == NULL || !lex_is(t, ")"))
			return rt_fail(c, "missing ')' after the aggregator");
		c->i++;
	}
	st->a.aggregator_as = asn;
	st->a.aggregator_id = id;
	st->a.has |= ATTR_HAS_AGGREGATOR;
	return 0;
}

static int
kw_atomic(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	st->a.has |= ATTR_HAS_ATOMIC_AGGR;
	return 0;
}

static int
kw_originator(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	if (parse_ipv4(w, &st->a.originator_id) == -1) {
		c->i--;
		return rt_fail(c, "invalid originator-id '%s' (expected an "
		    "IPv4 address)", w);
	}
	st->a.has |= ATTR_HAS_ORIGINATOR_ID;
	return 0;
}

static int
kw_aigp(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	if (parse_num(w, UINT64_MAX, &st->a.aigp) == -1) {
		c->i--;
		return rt_fail(c, "invalid aigp '%s' (expected a 64-bit "
		    "number, decimal or 0x hex)", w);
	}
	st->a.has |= ATTR_HAS_AIGP;
	return 0;
}

static int
kw_path_info(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	if (parse_u32(w, &st->path_id) == -1 &&
	    parse_ipv4(w, &st->path_id) == -1) {
		c->i--;
		return rt_fail(c, "invalid path-information '%s' (expected a "
		    "32-bit number or a dotted quad)", w);
	}
	st->has_path_id = true;
	return 0;
}

/* "attribute [ 0xCODE 0xFLAGS 0xDATA ]": sent as given. */
static int
kw_attribute(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const struct lex_token *t[5];
	uint64_t code, flags;
	uint8_t *data;
	size_t hexlen;
	long n;

	for (int k = 0; k < 5; k++) {
		t[k] = c->i + (size_t)k < c->n ? &c->t[c->i + (size_t)k] : NULL;
		if (t[k] == NULL)
			return rt_fail(c, "'attribute' expects [ CODE FLAGS "
			    "0xDATA ]");
	}
	if (!lex_is(t[0], "[") || !lex_is(t[4], "]"))
		return rt_fail(c, "'attribute' expects [ CODE FLAGS 0xDATA ]");
	if (parse_num(t[1]->text, 0xff, &code) == -1 || code == 0) {
		c->i++;
		return rt_fail(c, "invalid attribute code '%s' (expected 1 to "
		    "255, e.g. 0x63)", t[1]->text);
	}
	if (parse_num(t[2]->text, 0xff, &flags) == -1) {
		c->i += 2;
		return rt_fail(c, "invalid attribute flags '%s' (expected 0 to "
		    "255, e.g. 0xC0)", t[2]->text);
	}
	hexlen = strlen(t[3]->text);
	data = xmalloc(hexlen / 2 + 1);
	if (hexlen < 2 || t[3]->text[0] != '0' || (t[3]->text[1] != 'x' &&
	    t[3]->text[1] != 'X') || hexlen - 2 > 2 * 65535 ||
	    (n = hex_decode(t[3]->text, data, hexlen / 2 + 1)) < 0) {
		free(data);
		c->i += 3;
		return rt_fail(c, "invalid attribute data '%s' (expected 0x "
		    "and an even number of hex digits)", t[3]->text);
	}
	attrs_set_raw(&st->a, (uint8_t)flags, (uint8_t)code, data,
	    (uint16_t)n);
	free(data);
	c->i += 5;
	return 0;
}

static int
kw_name(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	free(st->name);
	st->name = xstrdup(w);
	return 0;
}

static int
kw_watchdog(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	free(st->watchdog);
	st->watchdog = xstrdup(w);
	return 0;
}

static int
kw_withdraw(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	st->withdrawn = true;
	return 0;
}

static int
kw_split(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);
	uint64_t len;

	if (w == NULL)
		return -1;
	if (w[0] != '/' || parse_dec(w + 1, 128, &len) == -1) {
		c->i--;
		return rt_fail(c, "invalid split '%s' (expected /LENGTH)", w);
	}
	st->split = (int)len;
	return 0;
}

/* "rd|route-distinguisher ASN:N|IP:N": an mpls-vpn route. */
static int
kw_rd(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);

	if (w == NULL)
		return -1;
	if (nlri_rd_parse(w, st->rd) == -1) {
		c->i--;
		return rt_fail(c, "invalid %s '%s' (expected ASN:NUMBER, the "
		    "ASN 16 bits and the number 32 or the ASN 32 and the "
		    "number 16, or IPv4:NUMBER)", kw, w);
	}
	st->has_rd = true;
	return 0;
}

static int
item_label(struct rt_cur *c, struct rt_state *st, const char *w)
{
	uint64_t v;

	if (parse_dec(w, 0xfffff, &v) == -1)
		return rt_fail(c, "invalid label '%s' (expected 0 to 1048575, "
		    "20 bits)", w);
	if (st->nlabels == NLRI_LABELS_MAX)
		return rt_fail(c, "more than %d labels", NLRI_LABELS_MAX);
	st->labels[st->nlabels++] = (uint32_t)v;
	return 0;
}

/* "label L" or "label [ L1 L2 ]": a labeled route (the stack again
 * replaces the previous one). */
static int
kw_label(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	st->nlabels = 0;
	if (rt_list(c, st, kw, item_label) == -1)
		return -1;
	if (st->nlabels == 0)
		return rt_fail(c, "'label' needs at least one label");
	/*
	 * Label 0 (IPv4 explicit null) encodes as 0x000000, which receivers
	 * (ExaBGP, and our decoder) read as the end of the stack: above the
	 * bottom it would turn the labels after it into RD and prefix bits.
	 * Likewise 0x800000 (label 524288) ends a withdrawal's stack (RFC
	 * 8277 §2.4).
	 */
	for (size_t i = 0; i + 1 < st->nlabels; i++)
		if (st->labels[i] == 0 || st->labels[i] == 0x80000)
			return rt_fail(c, "label %u can only be the last label "
			    "of a stack: a receiver reads it as the end of the "
			    "stack", st->labels[i]);
	return 0;
}

/* The Prefix-SID attribute (RFC 8669) as ExaBGP 4.2 writes it: TLVs in
 * the order given. */
static void
prefix_sid_tlv(struct sbuf *v, uint8_t type, const uint8_t *val, size_t len)
{
	uint8_t h[3] = { type, (uint8_t)(len >> 8), (uint8_t)len };

	sbuf_add(v, (const char *)h, 3);
	sbuf_add(v, (const char *)val, len);
}

static void
prefix_sid_set(struct rt_state *st, struct sbuf *v)
{
	attrs_set_raw(&st->a, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE,
	    BGP_ATTR_PREFIX_SID, (const uint8_t *)v->p, (uint16_t)v->len);
}

/* "( BASE , RANGE )" at the cursor, both 24 bits. */
static int
srgb_pair(struct rt_cur *c, uint8_t *out)
{
	const struct lex_token *t[5];
	uint64_t base, range;

	for (int k = 0; k < 5; k++)
		if ((t[k] = c->i + (size_t)k < c->n ? &c->t[c->i + (size_t)k] :
		    NULL) == NULL)
			return rt_fail(c, "bgp-prefix-sid: an SRGB is "
			    "( BASE,RANGE )");
	if (!lex_is(t[0], "(") || !lex_is(t[2], ",") || !lex_is(t[4], ")") ||
	    parse_dec(t[1]->text, 0xffffff, &base) == -1 ||
	    parse_dec(t[3]->text, 0xffffff, &range) == -1)
		return rt_fail(c, "bgp-prefix-sid: an SRGB is ( BASE,RANGE ), "
		    "both below 16777216");
	out[0] = (uint8_t)(base >> 16);
	out[1] = (uint8_t)(base >> 8);
	out[2] = (uint8_t)base;
	out[3] = (uint8_t)(range >> 16);
	out[4] = (uint8_t)(range >> 8);
	out[5] = (uint8_t)range;
	c->i += 5;
	return 0;
}

/*
 * "bgp-prefix-sid [ INDEX ]" or "[ INDEX, [ ( BASE,RANGE ), ... ] ]":
 * the Label-Index TLV (type 1), then the Originator SRGB TLV (type 3).
 */
static int
kw_prefix_sid(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const struct lex_token *t = rt_peek(c);
	uint8_t li[7] = { 0 }, pair[6];
	struct sbuf v, srgb;
	uint64_t index;
	int rc = -1;

	if (t == NULL || !lex_is(t, "["))
		return rt_fail(c, "bgp-prefix-sid expects [ LABEL-INDEX ] or "
		    "[ LABEL-INDEX, [ ( BASE,RANGE ) ... ] ]");
	c->i++;
	if ((t = rt_peek(c)) == NULL ||
	    parse_dec(t->text, UINT32_MAX, &index) == -1)
		return rt_fail(c, "bgp-prefix-sid: the label index is a 32-bit "
		    "number");
	c->i++;
	be32_put(li + 3, (uint32_t)index);
	sbuf_init(&v);
	sbuf_init(&srgb);
	prefix_sid_tlv(&v, 1, li, sizeof(li));
	/* SRGB flags, then the pairs */
	sbuf_add(&srgb, "\0\0", 2);
	if ((t = rt_peek(c)) != NULL && lex_is(t, ",")) {
		c->i++;
		if ((t = rt_peek(c)) == NULL || !lex_is(t, "[")) {
			rt_fail(c, "bgp-prefix-sid: the SRGBs are [ ( BASE,"
			    "RANGE ) ... ]");
			goto out;
		}
		for (c->i++; (t = rt_peek(c)) != NULL && !lex_is(t, "]");) {
			if (lex_is(t, ",")) {
				c->i++;
				continue;
			}
			if (srgb_pair(c, pair) == -1)
				goto out;
			if (srgb.len + 6 > 0xffff - 32) {
				rt_fail(c, "bgp-prefix-sid: too many SRGBs");
				goto out;
			}
			sbuf_add(&srgb, (const char *)pair, 6);
		}
		if (t == NULL) {
			rt_fail(c, "bgp-prefix-sid: missing ']' after the "
			    "SRGBs");
			goto out;
		}
		c->i++;
		if (srgb.len > 2)
			prefix_sid_tlv(&v, 3, (const uint8_t *)srgb.p,
			    srgb.len);
	}
	if ((t = rt_peek(c)) == NULL || !lex_is(t, "]")) {
		rt_fail(c, "bgp-prefix-sid: missing ']'");
		goto out;
	}
	c->i++;
	prefix_sid_set(st, &v);
	rc = 0;
out:
	sbuf_free(&v);
	sbuf_free(&srgb);
	return rc;
}

/* The token k places after the cursor, or NULL. */
static const struct lex_token *
rt_at(const struct rt_cur *c, size_t k)
{
	return c->i + k < c->n ? &c->t[c->i + k] : NULL;
}

/*
 * RFC 9252 §3.1, §3.2: an SRv6 L3 (TLV 5) or L2 (TLV 6) Service TLV
 * holding one SID Information sub-TLV (1), and in it the SID Structure
 * sub-sub-TLV (1) when the six lengths are given (ExaBGP main's bytes).
 */
static void
srv6_service(struct sbuf *v, uint8_t tlv, const uint8_t *sid,
    uint16_t behavior, const uint8_t *structure)
{
	uint8_t info[21 + 9] = { 0 };
	size_t il = 21;

	/* reserved, SID, flags, endpoint behavior, reserved */
	memcpy(info + 1, sid, 16);
	be16_put(info + 18, behavior);
	if (structure != NULL) {
		info[21] = 1;
		be16_put(info + 22, 6);
		memcpy(info + 24, structure, 6);
		il += 9;
	}
	sbuf_addc(v, (char)tlv);
	sbuf_addc(v, (char)((il + 4) >> 8));
	sbuf_addc(v, (char)(il + 4));
	sbuf_addc(v, '\0');		/* the service TLV's reserved octet */
	sbuf_addc(v, 1);
	sbuf_addc(v, (char)(il >> 8));
	sbuf_addc(v, (char)il);
	sbuf_add(v, (const char *)info, il);
}

/* "[ LB , LN , FUN , ARG , TPOSE-LEN , TPOSE-OFFSET ]" at the cursor */
static int
srv6_structure(struct rt_cur *c, uint8_t *out)
{
	const struct lex_token *t;
	uint64_t x;

	if ((t = rt_peek(c)) == NULL || !lex_is(t, "["))
		return rt_fail(c, "bgp-prefix-sid-srv6: the SID structure is "
		    "[ LB,LN,FUN,ARG,TPOSE-LEN,TPOSE-OFFSET ]");
	c->i++;
	for (int k = 0; k < 6; k++) {
		if (k > 0) {
			if ((t = rt_peek(c)) == NULL || !lex_is(t, ","))
				return rt_fail(c, "bgp-prefix-sid-srv6: six "
				    "lengths separated by ',' expected");
			c->i++;
		}
		if ((t = rt_peek(c)) == NULL || parse_num(t->text, 0xff, &x) ==
		    -1)
			return rt_fail(c, "bgp-prefix-sid-srv6: a SID structure "
			    "length is a number from 0 to 255");
		out[k] = (uint8_t)x;
		c->i++;
	}
	if ((t = rt_peek(c)) == NULL || !lex_is(t, "]"))
		return rt_fail(c, "bgp-prefix-sid-srv6: missing ']' after the "
		    "six SID structure lengths");
	c->i++;
	return 0;
}

/* ExaBGP main: "( l3-service|l2-service SID [BEHAVIOR [ STRUCTURE ]] )" */
static int
srv6_service_words(struct rt_cur *c, struct rt_state *st, bool l3)
{
	const struct lex_token *t;
	uint8_t structure[6];
	uint64_t behavior = 0xffff;	/* "opaque", ExaBGP's default */
	struct bgp_addr sid;
	bool has_structure = false;
	struct sbuf v;

	if ((t = rt_peek(c)) == NULL || addr_parse(t->text, &sid) == -1 ||
	    sid.afi != BGP_AFI_IPV6)
		return rt_fail(c, "bgp-prefix-sid-srv6: %s needs an IPv6 SID",
		    l3 ? "l3-service" : "l2-service");
	c->i++;
	if ((t = rt_peek(c)) != NULL && !lex_is(t, ")")) {
		if (parse_num(t->text, 0xffff, &behavior) == -1)
			return rt_fail(c, "bgp-prefix-sid-srv6: the endpoint "
			    "behavior is a number from 0 to 65535 (0x.. too)");
		c->i++;
		if ((t = rt_peek(c)) != NULL && lex_is(t, "[")) {
			if (srv6_structure(c, structure) == -1)
				return -1;
			has_structure = true;
		}
	}
	if ((t = rt_peek(c)) == NULL || !lex_is(t, ")"))
		return rt_fail(c, "bgp-prefix-sid-srv6: missing ')'");
	c->i++;
	sbuf_init(&v);
	srv6_service(&v, l3 ? 5 : 6, sid.b, (uint16_t)behavior,
	    has_structure ? structure : NULL);
	prefix_sid_set(st, &v);
	sbuf_free(&v);
	return 0;
}

/* "bgp-prefix-sid-srv6 ( ipv6|vpn|l3vpn ADDRESS )": ExaBGP 4.2's SRv6
 * TLVs 2, 4 and 5 (drafts before RFC 9252); "( l3-service|l2-service
 * SID [BEHAVIOR [ LB,LN,FUN,ARG,TL,TO ]] )": ExaBGP main's RFC 9252 ones. */
static int
kw_prefix_sid_srv6(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const struct lex_token *t[4];
	struct bgp_addr sid;
	uint8_t val[21] = { 0 };
	struct sbuf v;

	if ((t[0] = rt_at(c, 0)) != NULL && lex_is(t[0], "(") &&
	    (t[1] = rt_at(c, 1)) != NULL && (lex_is(t[1], "l3-service") ||
	    lex_is(t[1], "l2-service"))) {
		c->i += 2;
		return srv6_service_words(c, st, lex_is(t[1], "l3-service"));
	}
	for (int k = 0; k < 4; k++)
		if ((t[k] = rt_at(c, (size_t)k)) == NULL)
			return rt_fail(c, "bgp-prefix-sid-srv6 expects ( ipv6|"
			    "vpn|l3vpn IPV6-ADDRESS ) or ( l3-service|"
			    "l2-service SID [BEHAVIOR [ STRUCTURE ]] )");
	if (!lex_is(t[0], "(") || !lex_is(t[3], ")") ||
	    addr_parse(t[2]->text, &sid) == -1 || sid.afi != BGP_AFI_IPV6 ||
	    (!lex_is(t[1], "ipv6") && !lex_is(t[1], "vpn") &&
	    !lex_is(t[1], "l3vpn")))
		return rt_fail(c, "bgp-prefix-sid-srv6 expects ( ipv6|vpn|"
		    "l3vpn IPV6-ADDRESS ) or ( l3-service|l2-service SID "
		    "[BEHAVIOR [ STRUCTURE ]] )");
	sbuf_init(&v);
	if (lex_is(t[1], "ipv6")) {
		/* reserved, flags, SID */
		memcpy(val + 3, sid.b, 16);
		prefix_sid_tlv(&v, 2, val, 19);
	} else if (lex_is(t[1], "vpn")) {
		/* three reserved octets, SID */
		memcpy(val + 3, sid.b, 16);
		prefix_sid_tlv(&v, 4, val, 19);
	} else {
		/* reserved, SID, flags, 0xffff, reserved */
		memcpy(val + 1, sid.b, 16);
		val[18] = 0xff;
		val[19] = 0xff;
		prefix_sid_tlv(&v, 5, val, 21);
	}
	prefix_sid_set(st, &v);
	sbuf_free(&v);
	c->i += 4;
	return 0;
}

/* "endpoint", "base", "offset", "size": a VPLS route's fields */
static const char *const vpls_fields[] = { "endpoint", "base", "offset",
	"size" };

static int
kw_vpls(struct rt_cur *c, struct rt_state *st, const char *kw)
{
	const char *w = rt_value(c, kw);
	unsigned k = 0;
	uint64_t v;

	if (w == NULL)
		return -1;
	while (strcmp(vpls_fields[k], kw) != 0)
		k++;
	/* the label base is 20 bits, the others 16 */
	if (parse_dec(w, k == 1 ? 0xfffff : 0xffff, &v) == -1) {
		c->i--;
		return rt_fail(c, "invalid vpls %s '%s' (expected 0 to %u)", kw,
		    w, k == 1 ? 0xfffffu : 0xffffu);
	}
	st->vpls_val[k] = (uint32_t)v;
	st->vpls_given |= 1u << k;
	return 0;
}

/* keywords a VPLS route does not take, a prefix route the VPLS ones;
 * those a route of its own words (MVPN, MUP, SR Policy) takes too, or
 * does not (its words hold its RD) */
#define RT_PREFIX_ONLY	0x1u
#define RT_VPLS_ONLY	0x2u
#define RT_WORDS_TOO	0x4u
#define RT_NOT_WORDS	0x8u

static const struct rt_keyword {
	const char	*name;
	int		(*fn)(struct rt_cur *, struct rt_state *, const char *);
	unsigned	 only;
} rt_keywords[] = {
	{ "next-hop", kw_nexthop, 0 },
	{ "origin", kw_origin, 0 },
	{ "as-path", kw_aspath, 0 },
	{ "med", kw_u32, 0 },
	{ "local-preference", kw_u32, 0 },
	{ "atomic-aggregate", kw_atomic, 0 },
	{ "aggregator", kw_aggregator, 0 },
	{ "community", kw_community, 0 },
	{ "originator-id", kw_originator, 0 },
	{ "cluster-list", kw_cluster_list, 0 },
	{ "extended-community", kw_ext_community, 0 },
	{ "aigp", kw_aigp, 0 },
	{ "large-community", kw_large_community, 0 },
	{ "path-information", kw_path_info, RT_PREFIX_ONLY },
	{ "attribute", kw_attribute, 0 },
	{ "name", kw_name, 0 },
	{ "split", kw_split, RT_PREFIX_ONLY },
	{ "watchdog", kw_watchdog, 0 },
	{ "withdraw", kw_withdraw, 0 },
	{ "label", kw_label, RT_PREFIX_ONLY },
	{ "rd", kw_rd, RT_NOT_WORDS },
	{ "route-distinguisher", kw_rd, RT_NOT_WORDS },
	{ "bgp-prefix-sid", kw_prefix_sid, RT_PREFIX_ONLY | RT_WORDS_TOO },
	{ "bgp-prefix-sid-srv6", kw_prefix_sid_srv6, RT_PREFIX_ONLY |
	    RT_WORDS_TOO },
	{ "endpoint", kw_vpls, RT_VPLS_ONLY },
	{ "base", kw_vpls, RT_VPLS_ONLY },
	{ "offset", kw_vpls, RT_VPLS_ONLY },
	{ "size", kw_vpls, RT_VPLS_ONLY },
};

#define RT_NKEYWORDS	(sizeof(rt_keywords) / sizeof(rt_keywords[0]))

/* Does a route of this kind take keyword k? */
static bool
rt_takes(const struct rt_state *st, size_t k)
{
	unsigned only = rt_keywords[k].only;

	if (st->words)
		return (only & RT_WORDS_TOO) || !(only & (RT_PREFIX_ONLY |
		    RT_VPLS_ONLY | RT_NOT_WORDS));
	return !(only & (st->vpls ? RT_PREFIX_ONLY : RT_VPLS_ONLY));
}

static int
rt_unknown(struct rt_cur *c, const struct rt_state *st, const char *w)
{
	struct sbuf sb;
	int rc;

	sbuf_init(&sb);
	for (size_t k = 0; k < RT_NKEYWORDS; k++)
		if (rt_takes(st, k))
			sbuf_printf(&sb, "%s%s", sb.len ? ", " : "",
			    rt_keywords[k].name);
	if (st->sr)
		sbuf_adds(&sb, ", preference, priority, binding-sid, "
		    "srv6-binding-sid, policy-name, candidate-path-name, "
		    "segment-list");
	rc = rt_fail(c, "unknown route keyword '%s'; expected one of: %s", w,
	    sb.p);
	sbuf_free(&sb);
	return rc;
}

/* The family's words at the cursor through nlri_words (errors and the
 * token they name carried back). */
static void
rt_words_begin(const struct rt_cur *c, struct nlri_words *w)
{
	w->t = c->t;
	w->n = c->n;
	w->i = c->i;
	w->err = c->err->msg;
	w->errlen = sizeof(c->err->msg);
}

static int
rt_words_end(struct rt_cur *c, const struct nlri_words *w, int rc)
{
	c->i = w->i;
	if (rc == -1)
		c->err->line = c->n > 0 ? c->t[c->i < c->n ? c->i : c->n - 1].line
		    : 0;
	return rc;
}

/* An SR Policy word (srpolicy_word): 0 taken, 1 not one, -1 error. */
static int
rt_sr_word(struct rt_cur *c, struct rt_state *st)
{
	struct nlri_words w;

	rt_words_begin(c, &w);
	return rt_words_end(c, &w, srpolicy_word(&w, &st->sr_tlvs));
}

/* Parse keywords until the end, or until "nlri" when stop_nlri. */
static int
rt_parse_attrs(struct rt_cur *c, struct rt_state *st, bool stop_nlri)
{
	const struct lex_token *t;

	while ((t = rt_peek(c)) != NULL) {
		size_t k;

		if (stop_nlri && lex_is(t, "nlri"))
			return 0;
		if (st->sr) {
			int rc = rt_sr_word(c, st);

			if (rc == -1)
				return -1;
			if (rc == 0)
				continue;
		}
		for (k = 0; k < RT_NKEYWORDS; k++)
			if (!t->quoted && strcmp(t->text, rt_keywords[k].name)
			    == 0 && rt_takes(st, k))
				break;
		if (k == RT_NKEYWORDS)
			return rt_unknown(c, st, t->text);
		c->i++;
		if (rt_keywords[k].fn(c, st, rt_keywords[k].name) == -1)
			return -1;
	}
	return 0;
}

static void
rt_state_init(struct rt_state *st)
{
	memset(st, 0, sizeof(*st));
	attrs_init(&st->a);
	sbuf_init(&st->sr_tlvs);
	st->split = -1;
}

static void
rt_state_free(struct rt_state *st)
{
	attrs_free(&st->a);
	sbuf_free(&st->sr_tlvs);
	free(st->name);
	free(st->watchdog);
}

void
route_text_attrs_finish(struct attrs *a)
{
	/* compat §2.3: origin igp when absent; explicit so sets compare */
	if (!(a->has & ATTR_HAS_ORIGIN)) {
		a->origin = BGP_ORIGIN_IGP;
		a->has |= ATTR_HAS_ORIGIN;
	}
	attrs_canonicalize(a);
	/* "community [ ]" says nothing: do not send an empty attribute */
	if (a->ncomms == 0)
		a->has &= ~ATTR_HAS_COMMUNITIES;
	if (a->necomms == 0)
		a->has &= ~ATTR_HAS_EXT_COMM;
	if (a->nlcomms == 0)
		a->has &= ~ATTR_HAS_LARGE_COMM;
	if (a->nclusters == 0)
		a->has &= ~ATTR_HAS_CLUSTER_LIST;
}

/* Defaults and checks once all keywords are read. */
/* The family of prefix p with the route's labels, RD and flags (one
 * "nlri" list may mix IPv4 and IPv6 prefixes: each has its own). */
static enum family_id
rt_family(const struct rt_state *st, unsigned flags, const struct prefix *p)
{
	bool v4 = p->afi == BGP_AFI_IPV4;

	if (st->has_rd || st->nlabels > 0)
		return st->has_rd ? (v4 ? FAM_IPV4_MPLS_VPN :
		    FAM_IPV6_MPLS_VPN) : (v4 ? FAM_IPV4_NLRI_MPLS :
		    FAM_IPV6_NLRI_MPLS);
	if (flags & ROUTE_TEXT_MULTICAST)
		return v4 ? FAM_IPV4_MULTICAST : FAM_IPV6_MULTICAST;
	return v4 ? FAM_IPV4_UNICAST : FAM_IPV6_UNICAST;
}

static int
rt_finish(struct rt_cur *c, struct rt_state *st, unsigned flags,
    const struct prefix *p)
{
	char pfx[PREFIX_STRLEN];

	route_text_attrs_finish(&st->a);
	if (!(flags & ROUTE_TEXT_NEXTHOP_OPTIONAL) &&
	    !(st->a.has & ATTR_HAS_NEXT_HOP))
		return rt_fail(c, "route %s has no next-hop", prefix_fmt(p,
		    pfx));
	if (st->has_rd || st->nlabels > 0) {
		unsigned plen = st->split >= 0 ? (unsigned)st->split : p->len;

		if (flags & ROUTE_TEXT_MULTICAST)
			return rt_fail(c, "route %s: a multicast route takes no "
			    "rd or label", prefix_fmt(p, pfx));
		/* RFC 4364 §4.3.4: a VPN route carries a label */
		if (st->nlabels == 0)
			return rt_fail(c, "route %s: an mpls-vpn route (rd) "
			    "needs a label", prefix_fmt(p, pfx));
		if (24 * st->nlabels + (st->has_rd ? 64 : 0) + plen > 255)
			return rt_fail(c, "route %s: %zu labels%s and the "
			    "prefix do not fit the 255 bits of the NLRI length",
			    prefix_fmt(p, pfx), st->nlabels, st->has_rd ?
			    ", the rd" : "");
	}
	st->fam = rt_family(st, flags, p);
	if (st->split >= 0) {
		unsigned max = p->afi == BGP_AFI_IPV4 ? 32 : 128;

		if ((unsigned)st->split < p->len || (unsigned)st->split > max)
			return rt_fail(c, "split /%d does not fit %s (expected "
			    "/%u to /%u)", st->split, prefix_fmt(p, pfx),
			    p->len, max);
		if (st->split - p->len > 16 ||
		    1u << (st->split - p->len) > ROUTE_TEXT_SPLIT_MAX)
			return rt_fail(c, "split /%d of %s makes more than %u "
			    "routes", st->split, prefix_fmt(p, pfx),
			    ROUTE_TEXT_SPLIT_MAX);
	}
	return 0;
}

static void
rt_push(struct cfg_route **v, size_t *n, const struct prefix *p,
    const struct rt_state *st, int line)
{
	struct cfg_route *r;
	uint8_t nbuf[256];
	size_t nlen;

	/* room was made by rt_explode */
	r = &(*v)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->fam = st->fam;
	r->prefix = *p;
	/* rt_finish checked that the labels, RD and prefix fit */
	if (st->nlabels > 0)
		nlen = nlri_labeled_build(p, st->has_rd ? st->rd : NULL,
		    st->labels, st->nlabels, nbuf);
	else
		nlen = nlri_from_prefix(p, nbuf);
	nlri_buf_set(&r->nlri, nbuf, nlen);
	r->path_id = st->path_id;
	r->has_path_id = st->has_path_id;
	attrs_init(&r->attrs);
	attrs_copy(&r->attrs, &st->a);
	r->name = st->name ? xstrdup(st->name) : NULL;
	r->watchdog = st->watchdog ? xstrdup(st->watchdog) : NULL;
	r->withdrawn = st->withdrawn;
	r->line = line;
}

/* Append p, or its /split pieces, to the vector. */
static void
rt_explode(struct cfg_route **v, size_t *n, const struct prefix *p,
    const struct rt_state *st, int line)
{
	unsigned extra, count;

	if (st->split < 0 || (unsigned)st->split == p->len) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		rt_push(v, n, p, st, line);
		return;
	}
	extra = (unsigned)st->split - p->len;
	count = 1u << extra;
	/* once, not once per piece (65536 reallocations of a growing
	 * vector were quadratic) */
	*v = xreallocarray(*v, *n + count, sizeof(**v));
	for (unsigned k = 0; k < count; k++) {
		struct prefix q = *p;

		q.len = (uint8_t)st->split;
		for (unsigned j = 0; j < extra; j++) {
			unsigned bit = p->len + j;

			if (k >> (extra - 1 - j) & 1)
				q.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		}
		rt_push(v, n, &q, st, line);
	}
}

int
route_text_parse(const struct lex_token *t, size_t n, unsigned flags,
    struct cfg_route **routes, size_t *nroutes, struct route_text_err *err)
{
	struct rt_cur c = { t, n, 0, err };
	struct rt_state st;
	struct prefix p;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (n == 0) {
		snprintf(err->msg, sizeof(err->msg), "a route needs a prefix");
		return -1;
	}
	if (t[0].quoted || prefix_parse(t[0].text, &p) == -1)
		return rt_fail(&c, "invalid prefix '%s' (expected e.g. "
		    "10.0.0.0/24 or 2001:db8::/32)", t[0].text);
	c.i = 1;
	rt_state_init(&st);
	if (rt_parse_attrs(&c, &st, false) == 0 &&
	    rt_finish(&c, &st, flags, &p) == 0) {
		rt_explode(routes, nroutes, &p, &st, t[0].line);
		rc = 0;
	}
	rt_state_free(&st);
	return rc;
}

int
route_text_parse_nlri(const struct lex_token *t, size_t n, unsigned flags,
    struct cfg_route **routes, size_t *nroutes, struct route_text_err *err)
{
	struct rt_cur c = { t, n, 0, err };
	struct rt_state st;
	struct prefix *pfx = NULL;
	size_t npfx = 0;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	rt_state_init(&st);
	if (rt_parse_attrs(&c, &st, true) == -1)
		goto out;
	if (c.i >= n) {
		rt_fail(&c, "'nlri' and at least one prefix are required "
		    "after the attributes");
		goto out;
	}
	for (c.i++; c.i < n; c.i++) {
		pfx = xreallocarray(pfx, npfx + 1, sizeof(*pfx));
		if (t[c.i].quoted || prefix_parse(t[c.i].text, &pfx[npfx])
		    == -1) {
			rt_fail(&c, "invalid prefix '%s' in nlri (expected "
			    "e.g. 10.0.0.0/24)", t[c.i].text);
			goto out;
		}
		npfx++;
	}
	if (npfx == 0) {
		rt_fail(&c, "'nlri' needs at least one prefix");
		goto out;
	}
	for (size_t k = 0; k < npfx; k++)
		if (rt_finish(&c, &st, flags, &pfx[k]) == -1)
			goto out;
	for (size_t k = 0; k < npfx; k++) {
		st.fam = rt_family(&st, flags, &pfx[k]);
		rt_explode(routes, nroutes, &pfx[k], &st, t[0].line);
	}
	rc = 0;
out:
	free(pfx);
	rt_state_free(&st);
	return rc;
}

/*
 * "rd R endpoint E base B offset O size S next-hop N attrs...": a VPLS
 * route (RFC 4761), ExaBGP 4.2's l2vpn syntax.
 */
int
route_text_parse_vpls(const struct lex_token *t, size_t n, unsigned flags,
    struct cfg_route **routes, size_t *nroutes, struct route_text_err *err)
{
	struct rt_cur c = { t, n, 0, err };
	struct rt_state st;
	struct cfg_route *r;
	uint8_t nbuf[32];
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (n == 0) {
		snprintf(err->msg, sizeof(err->msg), "a vpls route needs rd, "
		    "endpoint, base, offset, size and next-hop");
		return -1;
	}
	rt_state_init(&st);
	st.vpls = true;
	if (rt_parse_attrs(&c, &st, false) == -1)
		goto out;
	for (unsigned k = 0; k < 4; k++)
		if (!(st.vpls_given & (1u << k))) {
			rt_fail(&c, "a vpls route needs '%s'", vpls_fields[k]);
			goto out;
		}
	if (!st.has_rd) {
		rt_fail(&c, "a vpls route needs 'rd' (route-distinguisher)");
		goto out;
	}
	/* the label block must end below 2^20 (ExaBGP's check) */
	if (st.vpls_val[1] > 0xfffff - st.vpls_val[3]) {
		rt_fail(&c, "vpls base %u and size %u run past the 20-bit "
		    "label space", st.vpls_val[1], st.vpls_val[3]);
		goto out;
	}
	route_text_attrs_finish(&st.a);
	if (!(flags & ROUTE_TEXT_NEXTHOP_OPTIONAL) &&
	    !(st.a.has & ATTR_HAS_NEXT_HOP)) {
		rt_fail(&c, "a vpls route needs 'next-hop'");
		goto out;
	}
	*routes = xreallocarray(*routes, *nroutes + 1, sizeof(**routes));
	r = &(*routes)[(*nroutes)++];
	memset(r, 0, sizeof(*r));
	r->fam = FAM_L2VPN_VPLS;
	nlri_buf_set(&r->nlri, nbuf, nlri_vpls_build(st.rd,
	    (uint16_t)st.vpls_val[0], (uint16_t)st.vpls_val[2],
	    (uint16_t)st.vpls_val[3], st.vpls_val[1], nbuf));
	attrs_init(&r->attrs);
	attrs_copy(&r->attrs, &st.a);
	r->name = st.name ? xstrdup(st.name) : NULL;
	r->watchdog = st.watchdog ? xstrdup(st.watchdog) : NULL;
	r->withdrawn = st.withdrawn;
	r->line = t[0].line;
	rc = 0;
out:
	rt_state_free(&st);
	return rc;
}

/*
 * A route of its family's own words (MVPN, MUP, SR Policy: ExaBGP main's
 * syntax, nlri_family.parse), then the route keywords.
 */
int
route_text_parse_words(enum family_id fam, const struct lex_token *t,
    size_t n, unsigned flags, struct cfg_route **routes, size_t *nroutes,
    struct route_text_err *err)
{
	const struct nlri_family *f = nlri_family(fam);
	struct rt_cur c = { t, n, 0, err };
	uint8_t nbuf[NLRI_MAX];
	struct nlri_words w;
	struct rt_state st;
	struct cfg_route *r;
	struct sbuf attr;
	size_t nlen = 0;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (f == NULL || f->parse == NULL) {
		snprintf(err->msg, sizeof(err->msg), "routes of %s %s are not "
		    "written as words", family_afi_name(fam),
		    family_safi_name(fam));
		return -1;
	}
	rt_state_init(&st);
	sbuf_init(&attr);
	st.words = true;
	st.sr = family_safi(fam) == BGP_SAFI_SRPOLICY;
	rt_words_begin(&c, &w);
	if (rt_words_end(&c, &w, f->parse(&w, fam, nbuf, &nlen)) == -1 ||
	    rt_parse_attrs(&c, &st, false) == -1)
		goto out;
	route_text_attrs_finish(&st.a);
	if (!(flags & ROUTE_TEXT_NEXTHOP_OPTIONAL) &&
	    !(st.a.has & ATTR_HAS_NEXT_HOP)) {
		rt_fail(&c, "an %s %s route needs 'next-hop'",
		    family_afi_name(fam), family_safi_name(fam));
		goto out;
	}
	/* ExaBGP main's MUP: an IPv4 next hop of an IPv6 route is mapped */
	if ((f->flags & NLRI_F_NH_V4MAPPED) && (st.a.has & ATTR_HAS_NEXT_HOP)
	    && !st.a.nexthop_self && st.a.nexthop.afi == BGP_AFI_IPV4) {
		struct bgp_addr m = { .afi = BGP_AFI_IPV6 };

		m.b[10] = m.b[11] = 0xff;
		memcpy(m.b + 12, st.a.nexthop.b, 4);
		st.a.nexthop = m;
	}
	if (st.sr_tlvs.len > 0) {
		if (srpolicy_tunnel(&st.sr_tlvs, &attr) == -1) {
			rt_fail(&c, "sr-policy: the policy does not fit an "
			    "attribute");
			goto out;
		}
		attrs_set_raw(&st.a, BGP_ATTR_F_OPTIONAL |
		    BGP_ATTR_F_TRANSITIVE, BGP_ATTR_TUNNEL_ENCAP,
		    (const uint8_t *)attr.p, (uint16_t)attr.len);
	}
	*routes = xreallocarray(*routes, *nroutes + 1, sizeof(**routes));
	r = &(*routes)[(*nroutes)++];
	memset(r, 0, sizeof(*r));
	r->fam = fam;
	nlri_buf_set(&r->nlri, nbuf, nlen);
	attrs_init(&r->attrs);
	attrs_copy(&r->attrs, &st.a);
	r->name = st.name ? xstrdup(st.name) : NULL;
	r->watchdog = st.watchdog ? xstrdup(st.watchdog) : NULL;
	r->withdrawn = st.withdrawn;
	r->line = n > 0 ? t[0].line : 0;
	rc = 0;
out:
	sbuf_free(&attr);
	rt_state_free(&st);
	return rc;
}

/* ---- routes as values ---- */

void
cfg_route_copy(struct cfg_route *dst, const struct cfg_route *src)
{
	*dst = *src;
	nlri_buf_copy(&dst->nlri, &src->nlri);
	attrs_init(&dst->attrs);
	attrs_copy(&dst->attrs, &src->attrs);
	dst->name = src->name ? xstrdup(src->name) : NULL;
	dst->watchdog = src->watchdog ? xstrdup(src->watchdog) : NULL;
}

void
cfg_route_clear(struct cfg_route *r)
{
	nlri_buf_free(&r->nlri);
	attrs_free(&r->attrs);
	free(r->name);
	free(r->watchdog);
	memset(r, 0, sizeof(*r));
}

void
cfg_routes_free(struct cfg_route *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cfg_route_clear(&v[i]);
	free(v);
}

static bool
str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

struct nlri
cfg_route_nlri(const struct cfg_route *r)
{
	struct nlri n = { .fam = r->fam, .path_id = r->path_id,
		.b = nlri_buf_data(&r->nlri), .len = r->nlri.len };

	return n;
}

const char *
cfg_route_name(const struct cfg_route *r, char *buf, size_t len)
{
	struct nlri n = cfg_route_nlri(r);
	struct sbuf o;

	sbuf_init(&o);
	sbuf_adds(&o, "");
	nlri_text(&o, &n, false, NULL);
	snprintf(buf, len, "%s", o.p);
	sbuf_free(&o);
	return buf;
}

bool
cfg_route_equal(const struct cfg_route *a, const struct cfg_route *b)
{
	return a->fam == b->fam && a->nlri.len == b->nlri.len &&
	    memcmp(nlri_buf_data(&a->nlri), nlri_buf_data(&b->nlri),
	    a->nlri.len) == 0 &&
	    a->has_path_id == b->has_path_id && a->path_id == b->path_id &&
	    attrs_equal(&a->attrs, &b->attrs) && str_equal(a->name, b->name) &&
	    str_equal(a->watchdog, b->watchdog) && a->withdrawn == b->withdrawn;
}

/* ---- the formatter ---- */

/* Append a word, quoted if the lexer would not read it back as one. */
static void
put_word(struct sbuf *o, const char *w)
{
	size_t need = lex_quote(w, NULL, 0);
	char *q = xmalloc(need + 1);

	lex_quote(w, q, need + 1);
	sbuf_adds(o, q);
	free(q);
}

/* " next-hop X" and the attributes in route syntax. */
static void
fmt_attrs(struct sbuf *o, const struct attrs *a)
{
	char ip[ADDR_STRLEN];

	if (a->has & ATTR_HAS_NEXT_HOP)
		sbuf_printf(o, " next-hop %s", a->nexthop_self ? "self" :
		    addr_fmt(&a->nexthop, ip));
	bgp_attr_text(o, a, ATTR_TEXT_ROUTE);
}

/* Copy o into buf like snprintf; free o. */
static size_t
sbuf_finish(struct sbuf *o, char *buf, size_t len)
{
	size_t n = o->len;

	if (len > 0) {
		size_t c = n < len ? n : len - 1;

		if (c > 0)
			memcpy(buf, o->p, c);
		buf[c] = '\0';
	}
	sbuf_free(o);
	return n;
}

size_t
attrs_text_format(const struct attrs *a, char *buf, size_t len)
{
	struct sbuf o;

	sbuf_init(&o);
	fmt_attrs(&o, a);
	/* drop the leading space of the first keyword */
	if (o.len > 0 && o.p[0] == ' ') {
		memmove(o.p, o.p + 1, o.len);
		o.len--;
	}
	return sbuf_finish(&o, buf, len);
}

/* " name N watchdog W withdraw", those given */
static void
fmt_tail(struct sbuf *o, const struct cfg_route *r)
{
	if (r->name != NULL) {
		sbuf_adds(o, " name ");
		put_word(o, r->name);
	}
	if (r->watchdog != NULL) {
		sbuf_adds(o, " watchdog ");
		put_word(o, r->watchdog);
	}
	if (r->withdrawn)
		sbuf_adds(o, " withdraw");
}

static void
fmt_route(struct sbuf *o, const struct cfg_route *r)
{
	char pfx[PREFIX_STRLEN], ip[ADDR_STRLEN];
	struct bgp_addr id;

	struct nlri n = cfg_route_nlri(r);
	uint32_t labels[NLRI_LABELS_MAX], base;
	const uint8_t *rd = nlri_rd(&n);
	size_t nl = nlri_labels(&n, labels, NLRI_LABELS_MAX);
	uint16_t ep, off, size;

	if (nlri_family(r->fam)->route != NULL) {
		/* a route of its own words: they say it all */
		nlri_family(r->fam)->route(o, n.b, n.len, n.fam);
		fmt_attrs(o, &r->attrs);
		fmt_tail(o, r);
		return;
	}
	if (nlri_vpls_fields(&n, &ep, &off, &size, &base)) {
		/* a VPLS route: its fields where a prefix goes */
		sbuf_adds(o, "rd ");
		nlri_rd_text(o, rd);
		sbuf_printf(o, " endpoint %u base %u offset %u size %u", ep,
		    base, off, size);
	} else
		sbuf_adds(o, prefix_fmt(&r->prefix, pfx));
	if (rd != NULL && r->fam != FAM_L2VPN_VPLS) {
		sbuf_adds(o, " rd ");
		nlri_rd_text(o, rd);
	}
	if (nl == 1)
		sbuf_printf(o, " label %u", labels[0]);
	else if (nl > 1) {
		sbuf_adds(o, " label [");
		for (size_t i = 0; i < nl && i < NLRI_LABELS_MAX; i++)
			sbuf_printf(o, " %u", labels[i]);
		sbuf_adds(o, " ]");
	}
	if (r->has_path_id) {
		addr_from_u32(&id, r->path_id);
		sbuf_printf(o, " path-information %s", addr_fmt(&id, ip));
	}
	fmt_attrs(o, &r->attrs);
	fmt_tail(o, r);
}

size_t
route_text_format(const struct cfg_route *r, char *buf, size_t len)
{
	struct sbuf o;

	sbuf_init(&o);
	fmt_route(&o, r);
	return sbuf_finish(&o, buf, len);
}

char *
route_text_string(const struct cfg_route *r)
{
	struct sbuf o;

	sbuf_init(&o);
	sbuf_adds(&o, "");
	fmt_route(&o, r);
	return o.p;
}
