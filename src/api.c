/*
 * The text API command parser (see api.h). A line is tokenized by the
 * configuration lexer, an optional "neighbor ..." selector is read, then
 * the command words are looked up in a const table whose handler reads
 * the rest. Routes are parsed by route_text, as in configuration files.
 *
 * Choices where ExaBGP versions differ or say nothing:
 * - an empty line is a comment (main), not an error (4.2);
 * - "neighbor NAME" where NAME is not an address is a selector matching
 *   nothing (api_match.invalid), so the daemon answers "no neighbor";
 * - "neighbor * local-as N" matches every peer with local-as N (4.2.22
 *   ignores the other keys after '*');
 * - "show neighbor" without a kind means "show neighbor summary";
 * - "clear adj-rib" without in/out is API_CLEAR_ADJ_RIB_OUT with both set;
 * - "teardown" without a subcode uses 4 (Administrative Reset);
 * - commands that take no argument refuse extra words.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/api.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/flow_text.h"
#include "evbgp/lexer.h"
#include "evbgp/nlri.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

/* Cease subcodes a helper may ask for (RFC 4486, RFC 8538, RFC 9384). */
#define API_SUBCODE_MIN		1
#define API_SUBCODE_MAX		10
#define API_SUBCODE_DEFAULT	4	/* Administrative Reset */

/* A cursor over the tokens of one line. */
struct api_ctx {
	const struct lex_token	*t;
	size_t			 n;
	size_t			 i;
	struct api_command	*cmd;
	char			*err;
	size_t			 errlen;
};

struct api_verb_def;
typedef int (*api_handler)(struct api_ctx *, const struct api_verb_def *);

/* Verb table entry flags */
#define API_F_SELECTOR	0x1u	/* a neighbor selector may precede it */

struct api_verb_def {
	const char	*w1;
	const char	*w2;		/* NULL: one-word command */
	enum api_verb	 verb;
	unsigned	 flags;
	api_handler	 fn;
};

static int api_fail(struct api_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
api_fail(struct api_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Append to the error message already in c->err. */
static void api_errcat(struct api_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
api_errcat(struct api_ctx *c, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (c->errlen == 0)
		return;
	len = strlen(c->err);
	if (len + 1 >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + len, c->errlen - len, fmt, ap);
	va_end(ap);
}

static const struct lex_token *
api_peek(const struct api_ctx *c)
{
	return c->i < c->n ? &c->t[c->i] : NULL;
}

/* Is the next token the unquoted word w? */
static bool
api_at(const struct api_ctx *c, const char *w)
{
	const struct lex_token *t = api_peek(c);

	return t != NULL && lex_is(t, w);
}

/* Decimal number in [min, max], no sign, no leading junk. */
static int
api_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *v)
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
	if (acc < min)
		return -1;
	*v = (uint32_t)acc;
	return 0;
}

/* Refuse words left after a complete command. */
static int
api_no_more(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t = api_peek(c);

	if (t == NULL)
		return 0;
	return api_fail(c, "%s%s%s: unexpected '%s'", d->w1, d->w2 ? " " : "",
	    d->w2 ? d->w2 : "", t->text);
}

/* Join the remaining tokens with single spaces; NULL when none. */
static char *
api_join_rest(struct api_ctx *c)
{
	size_t len = 0, off = 0;
	char *s;

	if (c->i >= c->n)
		return NULL;
	for (size_t k = c->i; k < c->n; k++)
		len += strlen(c->t[k].text) + 1;
	s = xmalloc(len);
	for (size_t k = c->i; k < c->n; k++) {
		size_t l = strlen(c->t[k].text);

		if (off > 0)
			s[off++] = ' ';
		memcpy(s + off, c->t[k].text, l);
		off += l;
	}
	s[off] = '\0';
	c->i = c->n;
	return s;
}

/* ---- neighbor selector ---- */

static int
api_sel_ip(struct api_ctx *c, const char *key, const char *v, bool *has,
    struct bgp_addr *a)
{
	if (*has)
		return api_fail(c, "neighbor selector: '%s' given twice", key);
	if (addr_parse(v, a) == -1)
		return api_fail(c, "neighbor selector: invalid %s '%s' "
		    "(expected an IP address)", key, v);
	*has = true;
	return 0;
}

static int
api_sel_u32(struct api_ctx *c, const char *key, const char *v, bool *has,
    uint32_t *n)
{
	if (*has)
		return api_fail(c, "neighbor selector: '%s' given twice", key);
	if (api_parse_uint(v, 0, UINT32_MAX, n) == -1)
		return api_fail(c, "neighbor selector: invalid %s '%s' "
		    "(expected a number from 0 to 4294967295)", key, v);
	*has = true;
	return 0;
}

static int
api_key_local_ip(struct api_ctx *c, struct api_match *m, const char *key,
    const char *v)
{
	return api_sel_ip(c, key, v, &m->has_local_ip, &m->local_ip);
}

static int
api_key_local_as(struct api_ctx *c, struct api_match *m, const char *key,
    const char *v)
{
	return api_sel_u32(c, key, v, &m->has_local_as, &m->local_as);
}

static int
api_key_peer_as(struct api_ctx *c, struct api_match *m, const char *key,
    const char *v)
{
	return api_sel_u32(c, key, v, &m->has_peer_as, &m->peer_as);
}

static int
api_key_router_id(struct api_ctx *c, struct api_match *m, const char *key,
    const char *v)
{
	struct bgp_addr a;
	bool has = m->has_router_id;

	if (api_sel_ip(c, key, v, &has, &a) == -1)
		return -1;
	if (a.afi != BGP_AFI_IPV4)
		return api_fail(c, "neighbor selector: invalid router-id '%s' "
		    "(expected an IPv4 address)", v);
	m->has_router_id = true;
	m->router_id = addr_to_u32(&a);
	return 0;
}

static int
api_key_family(struct api_ctx *c, struct api_match *m, const char *key,
    const char *v)
{
	if (m->family_allowed != NULL)
		return api_fail(c, "neighbor selector: '%s' given twice", key);
	m->family_allowed = xstrdup(v);
	return 0;
}

static const struct api_sel_key {
	const char	*name;
	int		(*fn)(struct api_ctx *, struct api_match *,
			    const char *, const char *);
} api_sel_keys[] = {
	{ "local-ip", api_key_local_ip },
	{ "local-as", api_key_local_as },
	{ "peer-as", api_key_peer_as },
	{ "router-id", api_key_router_id },
	{ "family-allowed", api_key_family },
};

#define API_NSELKEYS	(sizeof(api_sel_keys) / sizeof(api_sel_keys[0]))

static const struct api_sel_key *
api_sel_key(const struct lex_token *t)
{
	for (size_t k = 0; k < API_NSELKEYS; k++)
		if (lex_is(t, api_sel_keys[k].name))
			return &api_sel_keys[k];
	return NULL;
}

/* One clause, c->i on the word after "neighbor". */
static int
api_sel_clause(struct api_ctx *c)
{
	struct api_selector *sel = &c->cmd->sel;
	const struct lex_token *t = api_peek(c);
	const struct api_sel_key *k;
	struct api_match *m;

	if (t == NULL || lex_is(t, ","))
		return api_fail(c, "neighbor selector: missing address after "
		    "'neighbor'");
	sel->v = xreallocarray(sel->v, sel->n + 1, sizeof(*sel->v));
	m = &sel->v[sel->n++];
	memset(m, 0, sizeof(*m));
	if (lex_is(t, "*"))
		m->any = true;
	else if (t->quoted || addr_parse(t->text, &m->peer) == -1)
		m->invalid = true;
	c->i++;
	while ((t = api_peek(c)) != NULL && (k = api_sel_key(t)) != NULL) {
		if (c->i + 1 >= c->n)
			return api_fail(c, "neighbor selector: missing value "
			    "after '%s'", k->name);
		if (k->fn(c, m, k->name, c->t[c->i + 1].text) == -1)
			return -1;
		c->i += 2;
	}
	return 0;
}

/* The clauses from c->i on (the first address): "A [k v ...]
 * [, neighbor B ...]"; what names the command in errors. */
static int
api_sel_clauses(struct api_ctx *c, const char *what)
{
	c->cmd->sel.given = true;
	for (;;) {
		if (api_sel_clause(c) == -1)
			return -1;
		if (!api_at(c, ","))
			return 0;
		c->i++;
		if (!api_at(c, "neighbor"))
			return api_fail(c, "%s: expected 'neighbor' after ','",
			    what);
		c->i++;
	}
}

/* "neighbor A [k v ...] [, neighbor B ...]" if present. */
static int
api_selector(struct api_ctx *c)
{
	if (!api_at(c, "neighbor"))
		return 0;
	c->i++;			/* "neighbor" */
	if (api_sel_clauses(c, "neighbor selector") == -1)
		return -1;
	if (c->i >= c->n)
		return api_fail(c, "neighbor selector: missing command after "
		    "the selector");
	return 0;
}

/* ---- route commands ---- */

/* Name the family of a route route_text refused for rd/label. */
static int
api_route_fail(struct api_ctx *c, const struct api_verb_def *d,
    const struct route_text_err *rerr)
{
	return api_fail(c, "%s %s: %s", d->w1, d->w2, rerr->msg);
}

static unsigned
api_route_flags(const struct api_verb_def *d)
{
	return d->verb == API_WITHDRAW_ROUTE ? ROUTE_TEXT_NEXTHOP_OPTIONAL : 0;
}

/* "announce|withdraw route PREFIX attrs...", flags: ROUTE_TEXT_* */
static int
api_route(struct api_ctx *c, const struct api_verb_def *d, unsigned flags)
{
	struct api_command *cmd = c->cmd;
	struct route_text_err rerr;

	if (route_text_parse(c->t + c->i, c->n - c->i,
	    api_route_flags(d) | flags, &cmd->routes, &cmd->nroutes,
	    &rerr) == -1)
		return api_route_fail(c, d, &rerr);
	return 0;
}

static int
api_h_route(struct api_ctx *c, const struct api_verb_def *d)
{
	return api_route(c, d, 0);
}

/* "announce|withdraw attributes attrs... nlri P..." */
static int
api_h_attributes(struct api_ctx *c, const struct api_verb_def *d)
{
	struct api_command *cmd = c->cmd;
	struct route_text_err rerr;

	if (route_text_parse_nlri(c->t + c->i, c->n - c->i,
	    api_route_flags(d), &cmd->routes, &cmd->nroutes, &rerr) == -1)
		return api_route_fail(c, d, &rerr);
	return 0;
}

/* "announce|withdraw vpls rd R endpoint E ..." (route_text_parse_vpls) */
static int
api_h_vpls(struct api_ctx *c, const struct api_verb_def *d)
{
	struct api_command *cmd = c->cmd;
	struct route_text_err rerr;

	if (route_text_parse_vpls(c->t + c->i, c->n - c->i,
	    api_route_flags(d), &cmd->routes, &cmd->nroutes, &rerr) == -1)
		return api_route_fail(c, d, &rerr);
	c->i = c->n;
	return 0;
}

/* main's "announce|withdraw AFI SAFI PREFIX attrs..." */
static int
api_h_family_route(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t = api_peek(c);
	unsigned flags;
	int fam;

	if (t == NULL)
		return api_fail(c, "%s %s: missing SAFI (e.g. '%s %s unicast "
		    "PREFIX ...')", d->w1, d->w2, d->w1, d->w2);
	fam = family_by_name(d->w2, t->text);
	if (fam == -1)
		return api_fail(c, "%s: unknown family '%s %s'", d->w1, d->w2,
		    t->text);
	switch (family_safi(fam)) {
	case BGP_SAFI_UNICAST:
	case BGP_SAFI_NLRI_MPLS:
	case BGP_SAFI_MPLS_VPN:
		flags = 0;
		break;
	case BGP_SAFI_MULTICAST:
		flags = ROUTE_TEXT_MULTICAST;
		break;
	case BGP_SAFI_VPLS:
		c->i++;
		return api_h_vpls(c, d);
	case BGP_SAFI_MVPN:
	case BGP_SAFI_MUP:
	case BGP_SAFI_SRPOLICY: {
		struct route_text_err rerr;

		c->i++;
		if (route_text_parse_words(fam, c->t + c->i, c->n - c->i,
		    api_route_flags(d), &c->cmd->routes, &c->cmd->nroutes,
		    &rerr) == -1)
			return api_fail(c, "%s %s %s: %s", d->w1, d->w2,
			    t->text, rerr.msg);
		c->i = c->n;
		return 0;
	}
	case BGP_SAFI_FLOW:
	case BGP_SAFI_FLOW_VPN: {
		struct route_text_err rerr;

		c->i++;
		if (flow_text_parse(c->t + c->i, c->n - c->i, fam,
		    &c->cmd->routes, &c->cmd->nroutes, &rerr) == -1)
			return api_fail(c, "%s %s %s: %s", d->w1, d->w2,
			    t->text, rerr.msg);
		c->i = c->n;
		return 0;
	}
	default:
		return api_fail(c, "%s: family %s %s is not supported in this "
		    "form (evbgp takes routes of ipv4 and ipv6 unicast, "
		    "multicast, nlri-mpls, mpls-vpn, flow, flow-vpn, mcast-vpn, "
		    "mup and sr-policy, and l2vpn vpls as '%s AFI SAFI ...')", d->w1, family_afi_name(fam),
		    family_safi_name(fam), d->w1);
	}
	c->i++;
	if (api_route(c, d, flags) == -1)
		return -1;
	if (c->cmd->nroutes > 0 && c->cmd->routes[0].fam != (enum family_id)fam)
		return api_fail(c, "%s %s %s: %s is not an %s %s route%s", d->w1,
		    d->w2, t->text, c->t[c->i].text, d->w2, t->text,
		    family_safi(fam) == BGP_SAFI_MPLS_VPN ? " (rd and label "
		    "needed)" : family_safi(fam) == BGP_SAFI_NLRI_MPLS ?
		    " (a label and no rd needed)" : "");
	return 0;
}

/* "announce|withdraw flow route ..." (flow_text.h) */
static int
api_h_flow(struct api_ctx *c, const struct api_verb_def *d)
{
	struct api_command *cmd = c->cmd;
	struct route_text_err rerr;

	if (!api_at(c, "route"))
		return api_fail(c, "%s flow: expected 'route' (e.g. '%s flow "
		    "route { match { destination 192.0.2.1/32; } then { "
		    "discard; } }')", d->w1, d->w1);
	c->i++;
	if (flow_text_parse(c->t + c->i, c->n - c->i, -1, &cmd->routes,
	    &cmd->nroutes, &rerr) == -1)
		return api_fail(c, "%s flow: %s", d->w1, rerr.msg);
	c->i = c->n;
	return 0;
}

/* operational: known to ExaBGP, not spoken here. */
static int
api_h_unsupported(struct api_ctx *c, const struct api_verb_def *d)
{
	return api_fail(c, "%s operational: operational messages are not "
	    "supported", d->w1);
}

/* ---- families: eor, route-refresh ---- */

static int
api_family(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *afi = api_peek(c);
	int fam;

	if (afi == NULL || c->i + 1 >= c->n)
		return api_fail(c, "%s %s: expected AFI SAFI (e.g. ipv4 "
		    "unicast)", d->w1, d->w2);
	fam = family_by_name(afi->text, c->t[c->i + 1].text);
	if (fam == -1)
		return api_fail(c, "%s %s: unknown family '%s %s'", d->w1,
		    d->w2, afi->text, c->t[c->i + 1].text);
	c->cmd->fam = (enum family_id)fam;
	c->i += 2;
	return api_no_more(c, d);
}

/* "announce eor [AFI SAFI]" */
static int
api_h_eor(struct api_ctx *c, const struct api_verb_def *d)
{
	c->cmd->fam = FAM_IPV4_UNICAST;
	if (c->i >= c->n)
		return 0;
	return api_family(c, d);
}

/* "announce route-refresh AFI SAFI" */
static int
api_h_refresh(struct api_ctx *c, const struct api_verb_def *d)
{
	return api_family(c, d);
}

/* "announce|withdraw watchdog NAME" */
static int
api_h_watchdog(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t = api_peek(c);

	/* no name: the helper's own (ExaBGP: the process name), text NULL */
	if (t == NULL)
		return 0;
	c->cmd->text = xstrdup(t->text);
	c->i++;
	return api_no_more(c, d);
}

/* ---- show ---- */

static const struct {
	const char		*name;
	enum api_show_kind	 kind;
} api_show_kinds[] = {
	{ "summary", API_SHOW_SUMMARY },
	{ "extensive", API_SHOW_EXTENSIVE },
	{ "configuration", API_SHOW_CONFIGURATION },
};

#define API_NSHOWKINDS	(sizeof(api_show_kinds) / sizeof(api_show_kinds[0]))

/* "json" or an address filter; 1 if t was one, 0 if not, -1 on error. */
static int
api_show_common(struct api_ctx *c, const struct api_verb_def *d,
    const struct lex_token *t)
{
	struct api_command *cmd = c->cmd;

	if (lex_is(t, "json")) {
		if (cmd->json)
			return api_fail(c, "%s %s: 'json' given twice", d->w1,
			    d->w2);
		cmd->json = true;
		return 1;
	}
	if (t->quoted || addr_parse(t->text, &cmd->filter) == -1)
		return 0;
	if (cmd->has_filter)
		return api_fail(c, "%s %s: more than one address ('%s')",
		    d->w1, d->w2, t->text);
	cmd->has_filter = true;
	return 1;
}

static int
api_show_kind(struct api_ctx *c, const struct lex_token *t, bool *given)
{
	for (size_t k = 0; k < API_NSHOWKINDS; k++) {
		if (!lex_is(t, api_show_kinds[k].name))
			continue;
		if (*given)
			return api_fail(c, "show neighbor: more than one of "
			    "summary, extensive, configuration");
		c->cmd->show = api_show_kinds[k].kind;
		c->cmd->extensive = c->cmd->show == API_SHOW_EXTENSIVE;
		*given = true;
		return 1;
	}
	return 0;
}

/* "show neighbor [summary|extensive|configuration] [IP] [json]" */
static int
api_h_show_neighbor(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t;
	bool given = false;

	c->cmd->show = API_SHOW_SUMMARY;
	for (; (t = api_peek(c)) != NULL; c->i++) {
		int rc = api_show_kind(c, t, &given);

		if (rc == 0)
			rc = api_show_common(c, d, t);
		if (rc == -1)
			return -1;
		if (rc == 0)
			return api_fail(c, "show neighbor: unexpected '%s' "
			    "(expected summary, extensive, configuration, an "
			    "IP address or json)", t->text);
	}
	return 0;
}

/* The lookup words of show adj-rib: 1 when t (and what follows it) is
 * one, 0 when not, -1 on error. */
static int
api_rib_lookup_word(struct api_ctx *c, const struct lex_token *t)
{
	struct api_rib_lookup *l = &c->cmd->lookup;
	const struct lex_token *v = c->i + 1 < c->n ? &c->t[c->i + 1] : NULL;
	char err[128];
	int fam;

	if (lex_is(t, "exact") || lex_is(t, "longest") || lex_is(t, "all")) {
		if (l->match_given)
			return api_fail(c, "show adj-rib: more than one of "
			    "exact, longest, all");
		l->match = lex_is(t, "exact") ? API_LOOKUP_EXACT :
		    lex_is(t, "longest") ? API_LOOKUP_LONGEST : API_LOOKUP_ALL;
		l->match_given = true;
		return 1;
	}
	if (lex_is(t, "count")) {
		if (l->count)
			return api_fail(c, "show adj-rib: 'count' given twice");
		l->count = true;
		return 1;
	}
	if (lex_is(t, "rd")) {
		if (l->has_rd)
			return api_fail(c, "show adj-rib: 'rd' given twice");
		if (v == NULL || v->quoted || nlri_rd_parse(v->text, l->rd) == -1)
			return api_fail(c, "show adj-rib: rd: expected a route "
			    "distinguisher (ASN:NN or IP:NN)%s%s%s",
			    v ? " instead of '" : "", v ? v->text : "",
			    v ? "'" : "");
		l->has_rd = true;
		c->i++;
		return 1;
	}
	if (lex_is(t, "community")) {
		if (l->comm_kind != API_COMM_NONE)
			return api_fail(c, "show adj-rib: 'community' given "
			    "twice");
		if (v == NULL || v->quoted)
			return api_fail(c, "show adj-rib: community: expected "
			    "a community (65000:1, no-export, 65000:1:2 or "
			    "target:65000:1)");
		if (community_parse(v->text, &l->comm) == 0)
			l->comm_kind = API_COMM_STD;
		else if (large_community_parse(v->text, l->lcomm) == 0)
			l->comm_kind = API_COMM_LARGE;
		else if (ext_community_parse(v->text, &l->ecomm, err,
		    sizeof(err)) == 0)
			l->comm_kind = API_COMM_EXT;
		else
			return api_fail(c, "show adj-rib: community: '%s' is "
			    "not a community (65000:1, no-export, 65000:1:2 "
			    "or target:65000:1)", v->text);
		c->i++;
		return 1;
	}
	if (v != NULL && !t->quoted && !v->quoted &&
	    (fam = family_by_name(t->text, v->text)) != -1) {
		if (l->fam != -1)
			return api_fail(c, "show adj-rib: more than one family");
		l->fam = fam;
		c->i++;
		return 1;
	}
	/* a prefix: with a length, or an address after the neighbor's */
	if (!t->quoted && (strchr(t->text, '/') != NULL ||
	    c->cmd->has_filter)) {
		struct prefix p;

		/* a word that is no address at all is someone else's */
		if (prefix_parse(t->text, &p) == -1)
			return strchr(t->text, '/') != NULL ? api_fail(c,
			    "show adj-rib: '%s' is not a prefix", t->text) : 0;
		if (l->has_prefix)
			return api_fail(c, "show adj-rib: more than one prefix "
			    "('%s')", t->text);
		l->prefix = p;
		l->has_prefix = true;
		/* an address asks which route covers it */
		if (strchr(t->text, '/') == NULL && !l->match_given)
			l->match = API_LOOKUP_LONGEST;
		return 1;
	}
	return 0;
}

/* A lookup that cannot mean anything is refused, not answered empty. */
static int
api_rib_lookup_check(struct api_ctx *c)
{
	struct api_rib_lookup *l = &c->cmd->lookup;
	const struct nlri_family *nf;
	char fams[256];

	if (l->match_given && !l->has_prefix)
		return api_fail(c, "show adj-rib: exact, longest and all need "
		    "a prefix");
	if (l->fam == -1)
		return 0;
	nf = nlri_family((enum family_id)l->fam);
	if (nf == NULL)
		return api_fail(c, "show adj-rib: family %s %s: evbgp does not "
		    "speak it (it speaks %s)",
		    family_afi_name((enum family_id)l->fam),
		    family_safi_name((enum family_id)l->fam),
		    nlri_spoken_text(fams, sizeof(fams)));
	if (l->has_prefix && nf->prefix == NULL)
		return api_fail(c, "show adj-rib: %s %s routes have no IP "
		    "prefix to look up (prefix lookups apply to unicast, "
		    "multicast, nlri-mpls and mpls-vpn); list them without "
		    "one", family_afi_name((enum family_id)l->fam),
		    family_safi_name((enum family_id)l->fam));
	if (l->has_prefix && family_afi((enum family_id)l->fam) !=
	    l->prefix.afi)
		return api_fail(c, "show adj-rib: an IPv%c prefix in %s %s",
		    l->prefix.afi == BGP_AFI_IPV4 ? '4' : '6',
		    family_afi_name((enum family_id)l->fam),
		    family_safi_name((enum family_id)l->fam));
	if (l->has_rd && nf->rd == NULL)
		return api_fail(c, "show adj-rib: %s %s routes have no route "
		    "distinguisher", family_afi_name((enum family_id)l->fam),
		    family_safi_name((enum family_id)l->fam));
	return 0;
}

/* "show adj-rib in|out [extensive] [IP] [PREFIX [exact|longest|all]]
 * [AFI SAFI] [rd RD] [community COMMUNITY] [count] [json]" */
static int
api_h_show_rib(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t = api_peek(c);

	c->cmd->lookup.fam = -1;
	if (t != NULL && lex_is(t, "in"))
		c->cmd->verb = API_SHOW_ADJ_RIB_IN;
	else if (t != NULL && lex_is(t, "out"))
		c->cmd->verb = API_SHOW_ADJ_RIB_OUT;
	else
		return api_fail(c, "show adj-rib: expected 'in' or 'out'%s%s%s",
		    t ? " instead of '" : "", t ? t->text : "", t ? "'" : "");
	for (c->i++; (t = api_peek(c)) != NULL; c->i++) {
		int rc = 0;

		if (lex_is(t, "extensive")) {
			if (c->cmd->extensive)
				return api_fail(c, "show adj-rib: 'extensive' "
				    "given twice");
			c->cmd->extensive = true;
			rc = 1;
		} else if ((rc = api_rib_lookup_word(c, t)) == 0)
			rc = api_show_common(c, d, t);
		if (rc == -1)
			return -1;
		if (rc == 0)
			return api_fail(c, "show adj-rib: unexpected '%s' "
			    "(expected extensive, a neighbor's address, a "
			    "prefix, exact, longest, all, AFI SAFI, rd, "
			    "community, count or json)", t->text);
	}
	return api_rib_lookup_check(c);
}

/* ---- adj-rib maintenance ---- */

/* "flush adj-rib out" */
static int
api_h_flush(struct api_ctx *c, const struct api_verb_def *d)
{
	if (!api_at(c, "out"))
		return api_fail(c, "flush adj-rib: expected 'out'");
	c->i++;
	return api_no_more(c, d);
}

/* "clear adj-rib [in|out]" */
static int
api_h_clear(struct api_ctx *c, const struct api_verb_def *d)
{
	if (api_at(c, "in")) {
		c->cmd->verb = API_CLEAR_ADJ_RIB_IN;
		c->i++;
	} else if (api_at(c, "out")) {
		c->cmd->verb = API_CLEAR_ADJ_RIB_OUT;
		c->i++;
	} else if (c->i >= c->n) {
		c->cmd->verb = API_CLEAR_ADJ_RIB_OUT;
		c->cmd->both = true;
	} else
		return api_fail(c, "clear adj-rib: expected 'in' or 'out' "
		    "instead of '%s'", c->t[c->i].text);
	return api_no_more(c, d);
}

/* ---- session and daemon ---- */

/* "teardown [SUBCODE]" */
static int
api_h_teardown(struct api_ctx *c, const struct api_verb_def *d)
{
	const struct lex_token *t = api_peek(c);
	uint32_t v = API_SUBCODE_DEFAULT;

	if (t != NULL) {
		if (t->quoted || api_parse_uint(t->text, API_SUBCODE_MIN,
		    API_SUBCODE_MAX, &v) == -1)
			return api_fail(c, "teardown: invalid subcode '%s' "
			    "(expected a Cease subcode from %d to %d)", t->text,
			    API_SUBCODE_MIN, API_SUBCODE_MAX);
		c->i++;
		/* the rest: an RFC 9003 shutdown communication (main) */
		if (c->i < c->n)
			c->cmd->text = api_join_rest(c);
	}
	c->cmd->subcode = (uint8_t)v;
	return api_no_more(c, d);
}

/* Commands without arguments. */
static int
api_h_bare(struct api_ctx *c, const struct api_verb_def *d)
{
	return api_no_more(c, d);
}

/* "status [json]", "version [json]", "help [json]" */
static int
api_h_bare_json(struct api_ctx *c, const struct api_verb_def *d)
{
	if (api_at(c, "json")) {
		c->cmd->json = true;
		c->i++;
	}
	return api_no_more(c, d);
}

/* "reload|restart [allow-empty]": a new configuration without any
 * neighbor is refused unless asked for (evbgp's own word). */
static int
api_h_reload(struct api_ctx *c, const struct api_verb_def *d)
{
	if (api_at(c, "allow-empty")) {
		c->cmd->allow_empty = true;
		c->i++;
	}
	return api_no_more(c, d);
}

/* "ping [text...] [json]": a last word json asks for the JSON answer */
static int
api_h_ping(struct api_ctx *c, const struct api_verb_def *d)
{
	if (c->n > c->i && lex_is(&c->t[c->n - 1], "json")) {
		c->cmd->json = true;
		c->n--;
	}
	c->cmd->text = api_join_rest(c);
	return 0;
}

/* ---- neighbors made and removed at run time (ExaBGP main) ---- */

/* A word of a neighbor block, quoted when the lexer needs it. */
static void
api_put_word(struct sbuf *o, const char *w)
{
	size_t need = lex_quote(w, NULL, 0);
	char *q = xmalloc(need + 1);

	lex_quote(w, q, need + 1);
	sbuf_adds(o, q);
	free(q);
}

/* "family-allowed in-open|AFI-SAFI[/AFI-SAFI...]" as a family block. */
static int
api_create_families(struct api_ctx *c, const char *v, struct sbuf *o)
{
	char *copy = xstrdup(v), *save = NULL, *f;
	int rc = 0;

	sbuf_adds(o, "\tfamily {\n");
	if (strcmp(v, "in-open") == 0) {
		/* main: negotiate the default, IPv4 unicast */
		sbuf_adds(o, "\t\tipv4 unicast;\n");
		goto done;
	}
	for (f = strtok_r(copy, "/", &save); f != NULL;
	    f = strtok_r(NULL, "/", &save)) {
		char *dash = strchr(f, '-');

		if (dash == NULL) {
			rc = api_fail(c, "create neighbor: invalid family '%s' "
			    "(expected AFI-SAFI, e.g. ipv4-unicast)", f);
			goto done;
		}
		*dash = '\0';
		if (family_by_name(f, dash + 1) == -1) {
			rc = api_fail(c, "create neighbor: unknown family "
			    "'%s %s'", f, dash + 1);
			goto done;
		}
		sbuf_printf(o, "\t\t%s %s;\n", f, dash + 1);
	}
done:
	sbuf_adds(o, "\t}\n");
	free(copy);
	return rc;
}

/*
 * "create neighbor IP local-address IP local-as ASN peer-as ASN
 * [router-id ID] [family-allowed F] [graceful-restart S]
 * [group-updates true|false] [api PROCESS]...": cmd->text is the
 * neighbor block it stands for, which the daemon parses as a
 * configuration neighbor (every check of the file applies).
 */
static int
api_h_create(struct api_ctx *c, const struct api_verb_def *d)
{
	static const char *const keys[] = { "local-address", "local-as",
	    "peer-as", "router-id", "family-allowed", "graceful-restart",
	    "group-updates" };
	const char *val[sizeof(keys) / sizeof(keys[0])] = { NULL };
	const struct lex_token *t = api_peek(c);
	struct sbuf o, apis;
	struct bgp_addr a;
	uint32_t n;
	size_t k;
	int rc = -1;

	if (t == NULL || t->quoted || addr_parse(t->text, &a) == -1)
		return api_fail(c, "create neighbor: expected the neighbor's IP "
		    "address%s%s%s", t ? " instead of '" : "",
		    t ? t->text : "", t ? "'" : "");
	sbuf_init(&o);
	sbuf_init(&apis);
	sbuf_printf(&o, "neighbor %s {\n", t->text);
	for (c->i++; (t = api_peek(c)) != NULL; c->i += 2) {
		const char *key = lex_is(t, "local-ip") ? "local-address" :
		    t->text;

		if (c->i + 1 >= c->n) {
			api_fail(c, "create neighbor: missing value after "
			    "'%s'", t->text);
			goto out;
		}
		if (lex_is(t, "api")) {
			sbuf_addc(&apis, ' ');
			api_put_word(&apis, c->t[c->i + 1].text);
			continue;
		}
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!t->quoted && strcmp(key, keys[k]) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			api_fail(c, "create neighbor: unknown parameter '%s' "
			    "(expected local-address, local-as, peer-as, "
			    "router-id, family-allowed, graceful-restart, "
			    "group-updates or api)", t->text);
			goto out;
		}
		if (val[k] != NULL) {
			api_fail(c, "create neighbor: '%s' given twice", key);
			goto out;
		}
		val[k] = c->t[c->i + 1].text;
	}
	for (k = 0; k < 3; k++)
		if (val[k] == NULL) {
			api_fail(c, "create neighbor: '%s' is required", keys[k]);
			goto out;
		}
	/* values that are one plain word, checked here; the rest is the
	 * configuration parser's */
	if (addr_parse(val[0], &a) == -1) {
		api_fail(c, "create neighbor: invalid local-address '%s' "
		    "(expected an IP address)", val[0]);
		goto out;
	}
	for (k = 1; k < 3; k++)
		if (api_parse_uint(val[k], 1, UINT32_MAX, &n) == -1) {
			api_fail(c, "create neighbor: invalid %s '%s' (expected "
			    "an AS number from 1 to 4294967295)", keys[k],
			    val[k]);
			goto out;
		}
	sbuf_printf(&o, "\tlocal-address %s;\n\tlocal-as %s;\n"
	    "\tpeer-as %s;\n", val[0], val[1], val[2]);
	if (val[3] != NULL) {
		if (addr_parse(val[3], &a) == -1 || a.afi != BGP_AFI_IPV4) {
			api_fail(c, "create neighbor: invalid router-id '%s' "
			    "(expected an IPv4 address)", val[3]);
			goto out;
		}
		sbuf_printf(&o, "\trouter-id %s;\n", val[3]);
	}
	if (api_create_families(c, val[4] ? val[4] : "in-open", &o) == -1)
		goto out;
	if (val[5] != NULL) {
		if (api_parse_uint(val[5], 0, 4095, &n) == -1) {
			api_fail(c, "create neighbor: invalid graceful-restart "
			    "'%s' (expected 0 to 4095 seconds)", val[5]);
			goto out;
		}
		/* main: 0 is off */
		sbuf_printf(&o, "\tcapability {\n\t\tgraceful-restart %s;"
		    "\n\t}\n", n ? val[5] : "disable");
	}
	if (val[6] != NULL) {
		if (strcmp(val[6], "true") != 0 &&
		    strcmp(val[6], "false") != 0) {
			api_fail(c, "create neighbor: group-updates must be "
			    "true or false, not '%s'", val[6]);
			goto out;
		}
		sbuf_printf(&o, "\tgroup-updates %s;\n", val[6]);
	}
	if (apis.len > 0)
		sbuf_printf(&o, "\tapi {\n\t\tprocesses [%s ];\n\t}\n",
		    apis.p);
	sbuf_adds(&o, "}\n");
	c->cmd->text = xstrdup(o.p);
	rc = 0;
out:
	sbuf_free(&o);
	sbuf_free(&apis);
	return rc;
}

/* "delete neighbor SELECTOR": the selector's clauses, without a command
 * after them */
static int
api_h_delete(struct api_ctx *c, const struct api_verb_def *d)
{
	if (api_sel_clauses(c, "delete neighbor") == -1)
		return -1;
	return api_no_more(c, d);
}

/* ---- dispatch ---- */

#define SEL	API_F_SELECTOR

static const struct api_verb_def api_verbs[] = {
	{ "announce", "route", API_ANNOUNCE_ROUTE, SEL, api_h_route },
	{ "announce", "attributes", API_ANNOUNCE_ROUTE, SEL, api_h_attributes },
	{ "announce", "attribute", API_ANNOUNCE_ROUTE, SEL, api_h_attributes },
	{ "announce", "eor", API_ANNOUNCE_EOR, SEL, api_h_eor },
	{ "announce", "route-refresh", API_ANNOUNCE_ROUTE_REFRESH, SEL,
	    api_h_refresh },
	{ "announce", "watchdog", API_ANNOUNCE_WATCHDOG, SEL, api_h_watchdog },
	{ "announce", "ipv4", API_ANNOUNCE_ROUTE, SEL, api_h_family_route },
	{ "announce", "ipv6", API_ANNOUNCE_ROUTE, SEL, api_h_family_route },
	{ "announce", "l2vpn", API_ANNOUNCE_ROUTE, SEL, api_h_family_route },
	{ "announce", "bgp-ls", API_ANNOUNCE_ROUTE, SEL, api_h_family_route },
	{ "announce", "flow", API_ANNOUNCE_ROUTE, SEL, api_h_flow },
	{ "announce", "vpls", API_ANNOUNCE_ROUTE, SEL, api_h_vpls },
	{ "announce", "operational", API_ANNOUNCE_ROUTE, SEL,
	    api_h_unsupported },
	{ "withdraw", "route", API_WITHDRAW_ROUTE, SEL, api_h_route },
	{ "withdraw", "attributes", API_WITHDRAW_ROUTE, SEL, api_h_attributes },
	{ "withdraw", "attribute", API_WITHDRAW_ROUTE, SEL, api_h_attributes },
	{ "withdraw", "watchdog", API_WITHDRAW_WATCHDOG, SEL, api_h_watchdog },
	{ "withdraw", "ipv4", API_WITHDRAW_ROUTE, SEL, api_h_family_route },
	{ "withdraw", "ipv6", API_WITHDRAW_ROUTE, SEL, api_h_family_route },
	{ "withdraw", "l2vpn", API_WITHDRAW_ROUTE, SEL, api_h_family_route },
	{ "withdraw", "bgp-ls", API_WITHDRAW_ROUTE, SEL, api_h_family_route },
	{ "withdraw", "flow", API_WITHDRAW_ROUTE, SEL, api_h_flow },
	{ "withdraw", "vpls", API_WITHDRAW_ROUTE, SEL, api_h_vpls },
	{ "show", "neighbor", API_SHOW_NEIGHBOR, SEL, api_h_show_neighbor },
	{ "show", "adj-rib", API_SHOW_ADJ_RIB_OUT, SEL, api_h_show_rib },
	{ "flush", "adj-rib", API_FLUSH_ADJ_RIB_OUT, SEL, api_h_flush },
	{ "clear", "adj-rib", API_CLEAR_ADJ_RIB_OUT, SEL, api_h_clear },
	{ "teardown", NULL, API_TEARDOWN, SEL, api_h_teardown },
	{ "shutdown", NULL, API_SHUTDOWN, 0, api_h_bare },
	{ "reload", NULL, API_RELOAD, 0, api_h_reload },
	{ "restart", NULL, API_RESTART, 0, api_h_reload },
	{ "version", NULL, API_VERSION, 0, api_h_bare_json },
	{ "help", NULL, API_HELP, 0, api_h_bare_json },
	{ "reset", NULL, API_RESET, 0, api_h_bare },
	{ "enable-ack", NULL, API_ENABLE_ACK, 0, api_h_bare },
	{ "disable-ack", NULL, API_DISABLE_ACK, 0, api_h_bare },
	{ "silence-ack", NULL, API_SILENCE_ACK, 0, api_h_bare },
	{ "ping", NULL, API_PING, 0, api_h_ping },
	{ "status", NULL, API_STATUS, 0, api_h_bare_json },
	{ "create", "neighbor", API_CREATE_NEIGHBOR, 0, api_h_create },
	{ "delete", "neighbor", API_DELETE_NEIGHBOR, 0, api_h_delete },
};

#undef SEL

#define API_NVERBS	(sizeof(api_verbs) / sizeof(api_verbs[0]))

/* "unknown command", listing what may follow a known first word. */
static int
api_unknown(struct api_ctx *c, bool first_known)
{
	const struct lex_token *t0 = &c->t[c->i];
	const char *sep = "";

	if (!first_known)
		return api_fail(c, "unknown command '%s'", t0->text);
	if (c->i + 1 >= c->n)
		api_fail(c, "incomplete command '%s' (expected ", t0->text);
	else
		api_fail(c, "unknown command '%s %s' (expected ", t0->text,
		    c->t[c->i + 1].text);
	for (size_t k = 0; k < API_NVERBS; k++) {
		if (!lex_is(t0, api_verbs[k].w1))
			continue;
		api_errcat(c, "%s%s %s", sep, api_verbs[k].w1,
		    api_verbs[k].w2);
		sep = ", ";
	}
	api_errcat(c, ")");
	return -1;
}

static const struct api_verb_def *
api_lookup(const struct api_ctx *c, bool *first_known)
{
	const struct lex_token *t0 = &c->t[c->i];
	const struct lex_token *t1 = c->i + 1 < c->n ? &c->t[c->i + 1] : NULL;

	*first_known = false;
	for (size_t k = 0; k < API_NVERBS; k++) {
		const struct api_verb_def *d = &api_verbs[k];

		if (!lex_is(t0, d->w1))
			continue;
		*first_known = true;
		if (d->w2 == NULL || (t1 != NULL && lex_is(t1, d->w2)))
			return d;
	}
	return NULL;
}

static int
api_dispatch(struct api_ctx *c)
{
	const struct api_verb_def *d;
	bool first_known;

	if (api_selector(c) == -1)
		return -1;
	d = api_lookup(c, &first_known);
	if (d == NULL)
		return api_unknown(c, first_known);
	if (c->cmd->sel.given && !(d->flags & API_F_SELECTOR))
		return api_fail(c, "'%s' does not take a neighbor selector",
		    d->w1);
	c->cmd->verb = d->verb;
	c->i += d->w2 != NULL ? 2 : 1;
	return d->fn(c, d);
}

/* "", blanks, "# ...": a comment with the text after '#'. */
static bool
api_comment(const char *line, struct api_command *cmd)
{
	const char *s = line, *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s != '\0' && *s != '#')
		return false;
	if (*s == '#')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	cmd->verb = API_COMMENT;
	cmd->text = xstrndup(s, (size_t)(e - s));
	return true;
}

int
api_parse(const char *line, struct api_command *cmd, char *err,
    size_t errlen)
{
	struct lex_tokens toks = { 0 };
	struct api_ctx c;
	int rc;

	memset(cmd, 0, sizeof(*cmd));
	if (errlen > 0)
		err[0] = '\0';
	if (api_comment(line, cmd))
		return 0;
	if (lex_line(line, &toks, err, errlen) == -1) {
		lex_tokens_free(&toks);		/* the vector may be allocated */
		return -1;
	}
	if (toks.n == 0) {
		/* only blanks and a comment the lexer dropped */
		lex_tokens_free(&toks);
		cmd->verb = API_COMMENT;
		cmd->text = xstrdup("");
		return 0;
	}
	c = (struct api_ctx){ toks.v, toks.n, 0, cmd, err, errlen };
	rc = api_dispatch(&c);
	lex_tokens_free(&toks);
	if (rc == -1)
		api_command_free(cmd);
	return rc;
}

void
api_command_free(struct api_command *cmd)
{
	if (cmd == NULL)
		return;
	for (size_t k = 0; k < cmd->sel.n; k++)
		free(cmd->sel.v[k].family_allowed);
	free(cmd->sel.v);
	cfg_routes_free(cmd->routes, cmd->nroutes);
	free(cmd->text);
	memset(cmd, 0, sizeof(*cmd));
}

const char *
api_session_name(famset_t families, bool multi_session, char *buf,
    size_t len)
{
	size_t at = 0;

	/* ExaBGP names a session "family-allowed in-open" unless
	 * multi-session is configured: then its families, "AFI-SAFI" joined
	 * with '/' (bgp/neighbor.py name()) */
	snprintf(buf, len, "in-open");
	if (!multi_session)
		return buf;
	buf[0] = '\0';
	for (int f = 0; f < FAM_MAX; f++) {
		int w;

		if (!FAMSET_HAS(families, f))
			continue;
		w = snprintf(buf + at, len - at, "%s%s-%s", at ? "/" : "",
		    family_afi_name((enum family_id)f),
		    family_safi_name((enum family_id)f));
		if (w < 0 || (size_t)w >= len - at)
			break;
		at += (size_t)w;
	}
	return buf;
}

bool
api_match_peer(const struct api_match *m, const struct bgp_addr *peer,
    const struct bgp_addr *local, uint32_t local_as, uint32_t peer_as,
    uint32_t router_id, const char *session)
{
	if (m->invalid)
		return false;
	if (!m->any && (peer == NULL || !addr_equal(&m->peer, peer)))
		return false;
	if (m->has_local_ip && (local == NULL ||
	    !addr_equal(&m->local_ip, local)))
		return false;
	if (m->has_local_as && m->local_as != local_as)
		return false;
	if (m->has_peer_as && m->peer_as != peer_as)
		return false;
	if (m->has_router_id && m->router_id != router_id)
		return false;
	/* the whole name, as ExaBGP's word match (command/limit.py) wants
	 * it: "ipv4-unicast" does not match "ipv4-unicast/ipv6-unicast" */
	if (m->family_allowed != NULL && (session == NULL ||
	    strcmp(m->family_allowed, session) != 0))
		return false;
	return true;
}

static const char *const api_help[] = {
	"[neighbor IP [local-ip IP] [local-as ASN] [peer-as ASN] "
	    "[router-id ID] [family-allowed F] [, neighbor ...]] COMMAND",
	"neighbor * COMMAND",
	"announce route PREFIX next-hop IP|self [ATTRIBUTES...]",
	"withdraw route PREFIX [ATTRIBUTES...]",
	"announce attributes ATTRIBUTES... nlri PREFIX...",
	"withdraw attributes ATTRIBUTES... nlri PREFIX...",
	"announce ipv4|ipv6 unicast|multicast|nlri-mpls|mpls-vpn PREFIX "
	    "ATTRIBUTES...",
	"withdraw ipv4|ipv6 unicast|multicast|nlri-mpls|mpls-vpn PREFIX "
	    "[ATTRIBUTES...]",
	"announce|withdraw ipv4|ipv6 flow|flow-vpn MATCH... ACTION...",
	"announce|withdraw ipv4|ipv6 mcast-vpn|mup|sr-policy ROUTE...",
	"announce|withdraw flow route MATCH... ACTION...",
	"announce|withdraw [l2vpn] vpls rd R endpoint E base B offset O size S "
	    "next-hop IP [ATTRIBUTES...]",
	"announce eor [AFI SAFI]",
	"announce route-refresh AFI SAFI",
	"announce watchdog [NAME]",
	"withdraw watchdog [NAME]",
	"show neighbor [summary|extensive|configuration] [IP] [json]",
	"show adj-rib in|out [extensive] [IP] [PREFIX [exact|longest|all]] "
	    "[AFI SAFI] [rd RD] [community COMMUNITY] [count] [json]",
	"flush adj-rib out",
	"clear adj-rib [in|out]",
	"teardown [SUBCODE [TEXT...]]",
	"shutdown",
	"reload [allow-empty]",
	"restart [allow-empty]",
	"version [json]",
	"help [json]",
	"reset",
	"enable-ack",
	"disable-ack",
	"silence-ack",
	"ping [TEXT...] [json]",
	"status [json]",
	"create neighbor IP local-address IP local-as ASN peer-as ASN "
	    "[router-id ID] [family-allowed F] [graceful-restart S] "
	    "[group-updates true|false] [api PROCESS]",
	"delete neighbor IP [local-ip IP] [local-as ASN] [peer-as ASN] "
	    "[router-id ID] [family-allowed F] [, neighbor ...]",
	"# COMMENT",
	NULL
};

const char *const *
api_help_lines(void)
{
	return api_help;
}
