/*
 * Flow specification NLRI (see flow.h): the component table, the
 * builder from ExaBGP's text, the wire check, and ExaBGP 4.2's JSON and
 * text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/flow.h"
#include "evbgp/nlri.h"
#include "evbgp/prefix.h"

/* ---- value names (ExaBGP 4.2's exabgp.protocol tables) ---- */

struct flow_name {
	const char	*name;
	uint32_t	 v;
};

static const struct flow_name protocol_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "egp", 8 },
	{ "udp", 17 }, { "rsvp", 46 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "ospf", 89 }, { "ipip", 94 }, { "pim", 103 },
	{ "sctp", 132 },
};

static const struct flow_name icmp_type_names[] = {
	{ "echo-reply", 0 }, { "unreachable", 3 }, { "source-quench", 4 },
	{ "redirect", 5 }, { "echo-request", 8 },
	{ "router-advertisement", 9 }, { "router-solicit", 10 },
	{ "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp", 13 }, { "timestamp-reply", 14 },
	{ "info-request", 15 }, { "info-reply", 16 }, { "mask-request", 17 },
	{ "mask-reply", 18 }, { "traceroute", 30 },
	{ "experimental-mobility", 41 }, { "extended-echo-request", 42 },
	{ "extended-echo-reply", 43 }, { "experimental-one", 253 },
	{ "experimental-two", 254 },
};

/* names for reading only: 4.2 prints codes as numbers */
static const struct flow_name icmp_code_names[] = {
	{ "network-unreachable", 0 }, { "host-unreachable", 1 },
	{ "protocol-unreachable", 2 }, { "port-unreachable", 3 },
	{ "fragmentation-needed", 4 }, { "source-route-failed", 5 },
	{ "destination-network-unknown", 6 },
	{ "destination-host-unknown", 7 }, { "source-host-isolated", 8 },
	{ "destination-network-prohibited", 9 },
	{ "destination-host-prohibited", 10 },
	{ "network-unreachable-for-tos", 11 },
	{ "host-unreachable-for-tos", 12 },
	{ "communication-prohibited-by-filtering", 13 },
	{ "host-precedence-violation", 14 },
	{ "precedence-cutoff-in-effect", 15 },
	{ "redirect-for-network", 0 }, { "redirect-for-host", 1 },
	{ "redirect-for-tos-and-net", 2 }, { "redirect-for-tos-and-host", 3 },
	{ "ttl-eq-zero-during-transit", 0 },
	{ "ttl-eq-zero-during-reassembly", 1 },
	{ "required-option-missing", 1 }, { "ip-header-bad", 2 },
};

/* bit names in the order 4.2 prints them ("urgent": reading only) */
static const struct flow_name tcp_flag_names[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "push", 0x08 },
	{ "ack", 0x10 }, { "urg", 0x20 }, { "ece", 0x40 }, { "cwr", 0x80 },
	{ "ns", 0x100 }, { "urgent", 0x20 },
};
#define TCP_FLAG_SHOWN		9	/* the first entries, without "urgent" */

static const struct flow_name fragment_names[] = {
	{ "not-a-fragment", 0x00 }, { "dont-fragment", 0x01 },
	{ "is-fragment", 0x02 }, { "first-fragment", 0x04 },
	{ "last-fragment", 0x08 },
};

struct flow_port {
	const char	*name;
	uint16_t	 port;
};

/* ExaBGP's service names, in strcmp order */
static const struct flow_port flow_ports[] = {
#include "flow_ports.inc"
};

#define NNAMES(t)	(sizeof(t) / sizeof((t)[0]))

/* ---- the component table ---- */

enum flow_kind {
	FK_PREFIX,
	FK_NUMERIC,	/* RFC 8955 §4.2.1.1 */
	FK_BITMASK,	/* RFC 8955 §4.2.1.2 */
};

/* how 4.2 prints a value */
enum flow_show {
	FS_DEC,
	FS_PROTOCOL,	/* a name, or "unknown protocol type N" */
	FS_ICMP_TYPE,	/* a name, or "unknown icmp type type N" */
	FS_BITS,	/* names joined by '+' */
};

struct flow_comp {
	const char	*name4;		/* 4.2's name per AFI; NULL: none */
	const char	*name6;
	enum flow_kind	 kind;
	uint8_t		 maxwidth;	/* value octets we may write: 1, 2, 4 */
	uint32_t	 max;		/* largest value accepted */
	const struct flow_name *names;	/* value names, or NULL */
	size_t		 nnames;
	size_t		 nshown;	/* FS_BITS: names printed */
	bool		 ports;		/* service names (flow_ports) */
	enum flow_show	 show;
	const char	*what;		/* 4.2's resource name */
};

#define NAMES(t)	.names = (t), .nnames = NNAMES(t)

static const struct flow_comp comps[FLOW_TYPE_MAX + 1] = {
	[FLOW_DESTINATION] = { .name4 = "destination-ipv4",
	    .name6 = "destination-ipv6",
	    .kind = FK_PREFIX },
	[FLOW_SOURCE] = { .name4 = "source-ipv4", .name6 = "source-ipv6",
	    .kind = FK_PREFIX },
	[FLOW_PROTOCOL] = { .name4 = "protocol", .name6 = "next-header",
	    .kind = FK_NUMERIC, .maxwidth = 1,
	    .max = 0xff, NAMES(protocol_names), .show = FS_PROTOCOL,
	    .what = "protocol" },
	[FLOW_PORT] = { .name4 = "port", .name6 = "port",
	    .kind = FK_NUMERIC, .maxwidth = 2, .max = 0xffff, .ports = true,
	    .what = "port" },
	[FLOW_DESTINATION_PORT] = { .name4 = "destination-port",
	    .name6 = "destination-port",
	    .kind = FK_NUMERIC, .maxwidth = 2, .max = 0xffff, .ports = true,
	    .what = "port" },
	[FLOW_SOURCE_PORT] = { .name4 = "source-port",
	    .name6 = "source-port",
	    .kind = FK_NUMERIC, .maxwidth = 2, .max = 0xffff, .ports = true,
	    .what = "port" },
	[FLOW_ICMP_TYPE] = { .name4 = "icmp-type", .name6 = "icmp-type",
	    .kind = FK_NUMERIC, .maxwidth = 1,
	    .max = 0xff, NAMES(icmp_type_names), .show = FS_ICMP_TYPE,
	    .what = "icmp type" },
	[FLOW_ICMP_CODE] = { .name4 = "icmp-code", .name6 = "icmp-code",
	    .kind = FK_NUMERIC, .maxwidth = 1,
	    .max = 0xff, NAMES(icmp_code_names), .what = "icmp code" },
	[FLOW_TCP_FLAGS] = { .name4 = "tcp-flags", .name6 = "tcp-flags",
	    .kind = FK_BITMASK, .maxwidth = 2,
	    .max = 0xffff, NAMES(tcp_flag_names), .nshown = TCP_FLAG_SHOWN,
	    .show = FS_BITS, .what = "tcp flag" },
	[FLOW_PACKET_LENGTH] = { .name4 = "packet-length",
	    .name6 = "packet-length",
	    .kind = FK_NUMERIC, .maxwidth = 2, .max = 0xffff },
	[FLOW_DSCP] = { .name4 = "dscp", .name6 = "traffic-class",
	    .kind = FK_NUMERIC, .maxwidth = 1, .max = 0x3f },
	/*
	 * 4.2 writes fragments on 1 or 2 octets but reads only 1: the
	 * values are the RFC's one-octet bitmask.
	 */
	[FLOW_FRAGMENT] = { .name4 = "fragment", .name6 = "fragment",
	    .kind = FK_BITMASK, .maxwidth = 1,
	    .max = 0xff, NAMES(fragment_names),
	    .nshown = NNAMES(fragment_names), .show = FS_BITS,
	    .what = "fragment" },
	[FLOW_LABEL] = { .name6 = "flow-label",
	    .kind = FK_NUMERIC, .maxwidth = 4, .max = 0xfffff },
};

/* keywords: 4.2's, the -ipv4/-ipv6 ones saying the prefix's family */
static const struct {
	const char	*kw;
	uint8_t		 type;
	uint8_t		 afi;		/* prefix family required, or 0 */
	uint32_t	 max;		/* a tighter range, or 0 */
} keywords[] = {
	{ "source", FLOW_SOURCE, 0, 0 },
	{ "source-ipv4", FLOW_SOURCE, BGP_AFI_IPV4, 0 },
	{ "source-ipv6", FLOW_SOURCE, BGP_AFI_IPV6, 0 },
	{ "destination", FLOW_DESTINATION, 0, 0 },
	{ "destination-ipv4", FLOW_DESTINATION, BGP_AFI_IPV4, 0 },
	{ "destination-ipv6", FLOW_DESTINATION, BGP_AFI_IPV6, 0 },
	{ "protocol", FLOW_PROTOCOL, 0, 0 },
	{ "next-header", FLOW_PROTOCOL, 0, 0 },
	{ "port", FLOW_PORT, 0, 0 },
	{ "destination-port", FLOW_DESTINATION_PORT, 0, 0 },
	{ "source-port", FLOW_SOURCE_PORT, 0, 0 },
	{ "icmp-type", FLOW_ICMP_TYPE, 0, 0 },
	{ "icmp-code", FLOW_ICMP_CODE, 0, 0 },
	{ "tcp-flags", FLOW_TCP_FLAGS, 0, 0 },
	{ "packet-length", FLOW_PACKET_LENGTH, 0, 0 },
	{ "dscp", FLOW_DSCP, 0, 0 },
	/* 4.2 takes a traffic class up to 255 (one octet on the wire) */
	{ "traffic-class", FLOW_DSCP, 0, 0xff },
	{ "fragment", FLOW_FRAGMENT, 0, 0 },
	{ "flow-label", FLOW_LABEL, 0, 0 },
};

int
flow_keyword(const char *kw)
{
	for (size_t i = 0; i < NNAMES(keywords); i++)
		if (strcmp(keywords[i].kw, kw) == 0)
			return keywords[i].type;
	return -1;
}

/* ---- the builder ---- */

void
flow_rule_init(struct flow_rule *f)
{
	memset(f, 0, sizeof(*f));
}

void
flow_rule_free(struct flow_rule *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static struct flow_item *
rule_push(struct flow_rule *f)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	memset(&f->v[f->n], 0, sizeof(f->v[0]));
	return &f->v[f->n++];
}

static int flow_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
flow_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Decimal s[0..n) up to max; -1 when not a number or too big. */
static int
dec_value(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t acc = 0;

	if (!all_digits(s, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		acc = acc * 10 + (uint64_t)(s[i] - '0');
		if (acc > max)
			return -1;
	}
	*v = acc;
	return 0;
}

static int
port_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct flow_port *)elem)->name);
}

/*
 * One '+' part of a named value, as 4.2's Resource._value: a name
 * (lower-cased, '_' read as '-'), a decimal or a 0x hex number up to
 * 0xffff.
 */
static int
named_part(const struct flow_comp *c, const char *s, size_t n, uint64_t *v)
{
	char word[64];
	const struct flow_port *p;

	if (n == 0 || n >= sizeof(word))
		return -1;
	for (size_t i = 0; i < n; i++)
		word[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	word[n] = '\0';
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i].name, word) == 0) {
			*v = c->names[i].v;
			return 0;
		}
	if (c->ports && (p = bsearch(word, flow_ports, NNAMES(flow_ports),
	    sizeof(flow_ports[0]), port_cmp)) != NULL) {
		*v = p->port;
		return 0;
	}
	if (dec_value(s, n, 0xffff, v) == 0)
		return 0;
	if (n > 2 && word[0] == '0' && word[1] == 'x' && n <= 6) {
		uint64_t acc = 0;

		for (size_t i = 2; i < n; i++) {
			if (!isxdigit((unsigned char)word[i]))
				return -1;
			acc = acc * 16 + (uint64_t)(isdigit((unsigned char)
			    word[i]) ? word[i] - '0' : word[i] - 'a' + 10);
		}
		*v = acc;
		return 0;
	}
	return -1;
}

/* The names of c for an error message. */
static void
names_hint(const struct flow_comp *c, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nnames && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s, ",
		    c->names[i].name);
}

/* A value: decimal, or (named components) names and numbers with '+'. */
static int
item_value(const struct flow_comp *c, const char *kw, uint32_t max,
    const char *s, size_t n, uint32_t *out, char *err, size_t errlen)
{
	uint64_t v = 0, part;
	char hint[512];

	if (all_digits(s, n)) {
		if (dec_value(s, n, max, &v) == -1)
			return flow_fail(err, errlen, "%s: %.*s is above %u",
			    kw, (int)n, s, max);
		*out = (uint32_t)v;
		return 0;
	}
	if (c->nnames == 0 && !c->ports)
		return flow_fail(err, errlen, "%s: '%.*s' is not a number "
		    "(0 to %u)", kw, (int)n, s, max);
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != '+')
			continue;
		if (named_part(c, s + start, i - start, &part) == -1) {
			names_hint(c, hint, sizeof(hint));
			return flow_fail(err, errlen, "%s: unknown %s '%.*s' "
			    "(expected %s%sa number or 0x and hex digits, "
			    "joined by '+')", kw, c->what, (int)(i - start),
			    s + start, hint, c->ports ? "a service name, " :
			    "");
		}
		v += part;
		start = i + 1;
	}
	if (v > max)
		return flow_fail(err, errlen, "%s: %.*s is %llu, above %u", kw,
		    (int)n, s, (unsigned long long)v, max);
	*out = (uint32_t)v;
	return 0;
}

/* 4.2's _operator_numeric: the operator bits and how many chars. */
static int
numeric_op(const char *s, size_t n, uint8_t *op, size_t *used)
{
	*used = 0;
	if (n == 0)
		return -1;
	switch (s[0]) {
	case '=':
		*op = FLOW_OP_EQ;
		*used = 1;
		return 0;
	case '>':
	case '<':
		*op = s[0] == '>' ? FLOW_OP_GT : FLOW_OP_LT;
		*used = 1;
		if (n > 1 && s[1] == '=') {
			*op |= FLOW_OP_EQ;
			*used = 2;
		}
		return 0;
	case '!':
		if (n < 2 || s[1] != '=')
			return -1;
		*op = FLOW_OP_LT | FLOW_OP_GT;
		*used = 2;
		return 0;
	}
	if (n >= 4 && strncasecmp(s, "true", 4) == 0) {
		*op = FLOW_OP_LT | FLOW_OP_GT | FLOW_OP_EQ;
		*used = 4;
	} else if (n >= 5 && strncasecmp(s, "false", 5) == 0) {
		*op = 0;
		*used = 5;
	} else
		*op = FLOW_OP_EQ;
	return 0;
}

/* 4.2's _operator_binary */
static void
bitmask_op(const char *s, size_t n, uint8_t *op, size_t *used)
{
	*op = 0;
	*used = 0;
	if (n > 0 && s[0] == '=') {
		*op = FLOW_OP_MATCH;
		*used = 1;
	} else if (n > 1 && s[0] == '!' && s[1] == '=') {
		*op = FLOW_OP_NOT | FLOW_OP_MATCH;
		*used = 2;
	} else if (n > 0 && s[0] == '!') {
		*op = FLOW_OP_NOT;
		*used = 1;
	}
}

static int
add_prefix(struct flow_rule *f, const char *kw, uint8_t type, uint8_t afi,
    const char *word, char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN + 8], *slash2;
	unsigned long offset = 0;
	struct flow_item *it;
	struct prefix p;
	bool v4 = strchr(word, ':') == NULL;

	if (strlen(word) >= sizeof(buf) || strchr(word, '/') == NULL)
		return flow_fail(err, errlen, "%s: expected a prefix with its "
		    "length, e.g. 10.0.0.0/24 or 2001:db8::/32 (got '%s')", kw,
		    word);
	strcpy(buf, word);
	/* IPv6: ADDR/LEN/OFFSET (RFC 8956 §3.1) */
	if (!v4 && (slash2 = strrchr(buf, '/')) != strchr(buf, '/')) {
		char *end;

		*slash2 = '\0';
		errno = 0;
		offset = strtoul(slash2 + 1, &end, 10);
		if (!isdigit((unsigned char)slash2[1]) || *end != '\0' ||
		    offset > 128)
			return flow_fail(err, errlen, "%s: bad offset in '%s' "
			    "(ADDR/LEN/OFFSET, the offset 0 to 128)", kw, word);
	}
	if (prefix_parse(buf, &p) == -1)
		return flow_fail(err, errlen, "%s: '%s' is not a prefix", kw,
		    word);
	if (afi != 0 && p.afi != afi)
		return flow_fail(err, errlen, "%s takes an %s prefix, not "
		    "'%s'", kw, afi == BGP_AFI_IPV4 ? "IPv4" : "IPv6", word);
	if (offset > p.len)
		return flow_fail(err, errlen, "%s: the offset of '%s' is past "
		    "its length", kw, word);
	it = rule_push(f);
	it->type = type;
	it->afi = p.afi;
	it->plen = p.len;
	it->offset = (uint8_t)offset;
	memcpy(it->addr, p.b, sizeof(it->addr));
	return 0;
}

int
flow_rule_add(struct flow_rule *f, const char *kw, const char *word,
    char *err, size_t errlen)
{
	const struct flow_comp *c;
	size_t k, n = strlen(word), i = 0;
	uint32_t max;
	uint8_t and = 0;

	for (k = 0; k < NNAMES(keywords); k++)
		if (strcmp(keywords[k].kw, kw) == 0)
			break;
	if (k == NNAMES(keywords))
		return flow_fail(err, errlen, "unknown match keyword '%s'", kw);
	c = &comps[keywords[k].type];
	if (c->kind == FK_PREFIX)
		return add_prefix(f, kw, keywords[k].type, keywords[k].afi,
		    word, err, errlen);
	max = keywords[k].max ? keywords[k].max : c->max;
	/* items joined by '&': the first ORed, the others ANDed */
	for (;;) {
		struct flow_item *it;
		size_t used, vlen;
		uint8_t op;

		if (c->kind == FK_NUMERIC) {
			if (numeric_op(word + i, n - i, &op, &used) == -1)
				return flow_fail(err, errlen, "%s: bad operator "
				    "in '%s' (expected = > >= < <= != true "
				    "false)", kw, word);
		} else
			bitmask_op(word + i, n - i, &op, &used);
		i += used;
		for (vlen = 0; i + vlen < n && word[i + vlen] != '&'; vlen++)
			;
		it = rule_push(f);
		it->type = keywords[k].type;
		it->op = op | and;
		/* "true" and "false" need no value */
		if (vlen == 0 && c->kind == FK_NUMERIC && used >= 4)
			it->value = 0;
		else if (vlen == 0) {
			f->n--;
			return flow_fail(err, errlen, "%s: a value is missing "
			    "in '%s'", kw, word);
		} else if (item_value(c, kw, max, word + i, vlen, &it->value,
		    err, errlen) == -1) {
			f->n--;
			return -1;
		}
		i += vlen;
		if (i == n)
			return 0;
		/* word[i] == '&' */
		if (++i == n)
			return flow_fail(err, errlen, "%s: '%s' ends with '&'",
			    kw, word);
		and = FLOW_OP_AND;
	}
}

/* Octets of a value as 4.2 writes it: the fewest the component allows. */
static unsigned
value_width(const struct flow_comp *c, uint32_t v)
{
	if (c->maxwidth == 1 || v < 0x100)
		return 1;
	if (c->maxwidth == 2 || v < 0x10000)
		return 2;
	return 4;
}

static unsigned
width_bits(unsigned width)
{
	return width == 1 ? 0x00 : width == 2 ? 0x10 : 0x20;
}

size_t
flow_rule_encode(const struct flow_rule *f, uint8_t *buf, enum family_id *fam,
    char *err, size_t errlen)
{
	uint8_t afi = 0, *content;
	size_t len = 0, *order;
	bool vpn = f->has_rd;

	if (f->n == 0) {
		flow_fail(err, errlen, "a flow route needs at least one match "
		    "component (source, destination, protocol, port, ...)");
		return 0;
	}
	for (size_t i = 0; i < f->n; i++) {
		if (comps[f->v[i].type].kind != FK_PREFIX)
			continue;
		if (afi != 0 && afi != f->v[i].afi) {
			flow_fail(err, errlen, "a flow route cannot mix IPv4 "
			    "and IPv6 prefixes");
			return 0;
		}
		afi = f->v[i].afi;
	}
	if (afi != 0 && f->afi != 0 && afi != f->afi) {
		flow_fail(err, errlen, "an %s flow route takes %s prefixes",
		    f->afi == BGP_AFI_IPV4 ? "ipv4" : "ipv6",
		    f->afi == BGP_AFI_IPV4 ? "IPv4" : "IPv6");
		return 0;
	}
	if (afi == 0)
		afi = f->afi != 0 ? f->afi : BGP_AFI_IPV4;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].type == FLOW_LABEL && afi != BGP_AFI_IPV6) {
			flow_fail(err, errlen, "flow-label is an IPv6 match "
			    "(RFC 8956): this is an IPv4 flow route (its "
			    "prefixes, if any, are IPv4)");
			return 0;
		}
	/* RFC 8955 §4.2: ascending types; a type's items in their order */
	order = xreallocarray(NULL, f->n, sizeof(*order));
	for (size_t i = 0, k = 0; i <= FLOW_TYPE_MAX; i++)
		for (size_t j = 0; j < f->n; j++)
			if (f->v[j].type == i)
				order[k++] = j;
	content = buf + 2;
	if (vpn) {
		memcpy(content, f->rd, sizeof(f->rd));
		len = sizeof(f->rd);
	}
	for (size_t k = 0; k < f->n; k++) {
		const struct flow_item *it = &f->v[order[k]];
		const struct flow_comp *c = &comps[it->type];
		bool first = k == 0 || f->v[order[k - 1]].type != it->type;
		bool last = k + 1 == f->n ||
		    f->v[order[k + 1]].type != it->type;
		size_t need;

		if (c->kind == FK_PREFIX) {
			size_t pl = (it->plen + 7u) / 8u;

			need = (it->afi == BGP_AFI_IPV6 ? 3 : 2) + pl;
			if (len + need > FLOW_LEN_MAX)
				goto toolong;
			content[len++] = it->type;
			content[len++] = it->plen;
			if (it->afi == BGP_AFI_IPV6)
				content[len++] = it->offset;
			memcpy(content + len, it->addr, pl);
			len += pl;
			continue;
		}
		unsigned w = value_width(c, it->value);

		need = (first ? 1 : 0) + 1 + w;
		if (len + need > FLOW_LEN_MAX)
			goto toolong;
		if (first)
			content[len++] = it->type;
		content[len++] = (uint8_t)(it->op | width_bits(w) |
		    (last ? FLOW_OP_EOL : 0));
		for (unsigned b = w; b-- > 0;)
			content[len++] = (uint8_t)(it->value >> (8 * b));
	}
	free(order);
	*fam = (enum family_id)family_lookup(afi, vpn ? BGP_SAFI_FLOW_VPN :
	    BGP_SAFI_FLOW);
	/* RFC 8955 §4.1: one octet below 240, else 0xfnnn */
	if (len < 0xf0) {
		buf[1] = (uint8_t)len;
		memmove(buf, buf + 1, len + 1);
		return len + 1;
	}
	buf[0] = (uint8_t)(0xf0 | len >> 8);
	buf[1] = (uint8_t)len;
	return len + 2;
toolong:
	free(order);
	flow_fail(err, errlen, "the flow route is longer than the %u octets "
	    "a flowspec NLRI holds (RFC 8955 §4.1)", FLOW_LEN_MAX);
	return 0;
}

/* ---- the wire ---- */

static bool
fam_v6(enum family_id fam)
{
	return family_afi(fam) == BGP_AFI_IPV6;
}

static bool
fam_vpn(enum family_id fam)
{
	return family_safi(fam) == BGP_SAFI_FLOW_VPN;
}

/* The length field: its size and the content length; -1 if cut. */
static int
flow_len(const uint8_t *b, size_t avail, size_t *hdr, size_t *clen)
{
	if (avail < 1)
		return -1;
	if ((b[0] & 0xf0) == 0xf0) {
		if (avail < 2)
			return -1;
		*hdr = 2;
		*clen = (size_t)(b[0] & 0x0f) << 8 | b[1];
	} else {
		*hdr = 1;
		*clen = b[0];
	}
	return 0;
}

/* One item of a component, read from checked octets. */
struct fitem {
	uint8_t		 type;
	uint8_t		 op;		/* the whole operator octet */
	uint64_t	 value;
	/* prefixes */
	uint8_t		 plen;
	uint8_t		 offset;
	const uint8_t	*addr;
	size_t		 alen;
};

/*
 * Read the next item from [*p, end) into it, component type included
 * (*in_list: inside an operator list, whose type is it->type already).
 * Returns 0, 1 at the end, -1 with *why on malformed input.
 */
static int
fitem_next(const uint8_t **p, const uint8_t *end, bool v6, uint8_t *prev,
    bool *in_list, struct fitem *it, const char **why)
{
	const uint8_t *q = *p;
	unsigned vlen;

	if (!*in_list) {
		if (q == end)
			return 1;
		it->type = *q++;
		if (it->type == 0 || it->type > (v6 ? FLOW_LABEL :
		    FLOW_FRAGMENT)) {
			*why = "flowspec: unknown component type";
			return -1;
		}
		if (it->type < *prev) {
			*why = "flowspec: components out of order";
			return -1;
		}
		*prev = it->type;
		if (comps[it->type].kind == FK_PREFIX) {
			size_t need = v6 ? 2 : 1;

			it->op = 0;
			if ((size_t)(end - q) < need) {
				*why = "flowspec: prefix truncated";
				return -1;
			}
			it->plen = q[0];
			it->offset = v6 ? q[1] : 0;
			if (it->plen > (v6 ? 128 : 32)) {
				*why = "flowspec: prefix length too long";
				return -1;
			}
			q += need;
			it->alen = (it->plen + 7u) / 8u;
			if ((size_t)(end - q) < it->alen) {
				*why = "flowspec: prefix truncated";
				return -1;
			}
			it->addr = q;
			*p = q + it->alen;
			return 0;
		}
	}
	if (q == end) {
		*why = "flowspec: operator list without its end bit";
		return -1;
	}
	it->op = *q++;
	vlen = 1u << ((it->op & FLOW_OP_LEN) >> 4);
	/* the length in the operator: never past the NLRI */
	if ((size_t)(end - q) < vlen) {
		*why = "flowspec: value runs past the NLRI";
		return -1;
	}
	it->value = 0;
	for (unsigned i = 0; i < vlen; i++)
		it->value = it->value << 8 | q[i];
	*p = q + vlen;
	*in_list = !(it->op & FLOW_OP_EOL);
	return 0;
}

/* Walk the components of checked content; fn per item. */
typedef void fitem_fn(const struct fitem *it, void *arg);

static int
fitem_walk(const uint8_t *p, const uint8_t *end, bool v6, fitem_fn *fn,
    void *arg, const char **why)
{
	struct fitem it;
	uint8_t prev = 0;
	bool in_list = false;
	int rc;

	memset(&it, 0, sizeof(it));
	while ((rc = fitem_next(&p, end, v6, &prev, &in_list, &it, why)) == 0)
		if (fn != NULL)
			fn(&it, arg);
	return rc == 1 ? 0 : -1;
}

/* The content of a checked NLRI: after the length field and the RD. */
static void
flow_content(const uint8_t *b, size_t len, enum family_id fam,
    const uint8_t **p, const uint8_t **end)
{
	size_t hdr = 1, clen = 0;

	(void)flow_len(b, len, &hdr, &clen);
	*p = b + hdr + (fam_vpn(fam) ? 8 : 0);
	*end = b + len;
	if (*p > *end)
		*p = *end;
}

int
flow_nlri_get(struct rbuf *r, enum family_id fam, size_t *len,
    const char **why)
{
	const uint8_t *b = rbuf_ptr(r), *p, *end;
	size_t hdr, clen;

	if (flow_len(b, rbuf_left(r), &hdr, &clen) == -1 ||
	    rbuf_left(r) < hdr + clen) {
		*why = "flowspec NLRI truncated";
		return -1;
	}
	*len = hdr + clen;
	if (fam_vpn(fam) && clen < 8) {
		*why = "flow-vpn NLRI shorter than its route distinguisher";
		return 1;
	}
	flow_content(b, *len, fam, &p, &end);
	return fitem_walk(p, end, fam_v6(fam), NULL, NULL, why) == 0 ? 0 : 1;
}

size_t
flow_nlri_key(const uint8_t *b, size_t len, uint8_t *key)
{
	size_t hdr = 1, clen = 0;

	(void)flow_len(b, len, &hdr, &clen);
	if (hdr > len)
		hdr = len;
	memcpy(key, b + hdr, len - hdr);
	return len - hdr;
}

const uint8_t *
flow_nlri_rd(const uint8_t *b, size_t len, enum family_id fam)
{
	size_t hdr = 1, clen = 0;

	if (!fam_vpn(fam) || flow_len(b, len, &hdr, &clen) == -1 ||
	    hdr + 8 > len)
		return NULL;
	return b + hdr;
}

/* ---- ExaBGP 4.2's strings ---- */

static const char *
numeric_op_str(uint8_t op)
{
	switch (op) {
	case FLOW_OP_LT: return "<";
	case FLOW_OP_GT: return ">";
	case FLOW_OP_EQ: return "=";
	case FLOW_OP_LT | FLOW_OP_EQ: return "<=";
	case FLOW_OP_GT | FLOW_OP_EQ: return ">=";
	case FLOW_OP_LT | FLOW_OP_GT: return "!=";
	case FLOW_OP_LT | FLOW_OP_GT | FLOW_OP_EQ: return "true";
	case 0: return "false";
	case FLOW_OP_AND | FLOW_OP_LT: return "&<";
	case FLOW_OP_AND | FLOW_OP_GT: return "&>";
	case FLOW_OP_AND | FLOW_OP_EQ: return "&=";
	case FLOW_OP_AND | FLOW_OP_LT | FLOW_OP_EQ: return "&<=";
	case FLOW_OP_AND | FLOW_OP_GT | FLOW_OP_EQ: return "&>=";
	case FLOW_OP_AND | FLOW_OP_LT | FLOW_OP_GT: return "&!=";
	case FLOW_OP_AND | FLOW_OP_LT | FLOW_OP_GT | FLOW_OP_EQ:
		return "&true";
	case FLOW_OP_AND: return "&false";
	}
	return NULL;
}

static const char *
bitmask_op_str(uint8_t op)
{
	switch (op) {
	case 0: return "";
	case FLOW_OP_NOT: return "!";
	case FLOW_OP_MATCH: return "=";
	case FLOW_OP_NOT | FLOW_OP_MATCH: return "!=";
	case FLOW_OP_AND: return "&";
	case FLOW_OP_AND | FLOW_OP_NOT: return "&!";
	case FLOW_OP_AND | FLOW_OP_MATCH: return "&=";
	case FLOW_OP_AND | FLOW_OP_NOT | FLOW_OP_MATCH: return "&!=";
	}
	return NULL;
}

/* 4.2's operator bits: the octet without end-of-list and length */
static uint8_t
op_bits(uint8_t op)
{
	return op & (uint8_t)~(FLOW_OP_EOL | FLOW_OP_LEN);
}

static const char *
name_of(const struct flow_comp *c, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (c->names[i].v == v)
			return c->names[i].name;
	return NULL;
}

/*
 * The bit names of v, 4.2's BitResource.bits(): each known bit in table
 * order (the zero name only for 0), then "unknown NAME type V" if bits
 * remain. Calls fn per name.
 */
static void
value_bits(const struct flow_comp *c, uint64_t v,
    void (*fn)(const char *name, void *arg), void *arg)
{
	uint64_t left = v;
	char unknown[64];

	for (size_t i = 0; i < c->nshown; i++) {
		uint32_t bit = c->names[i].v;

		if ((left & bit) || left == bit) {
			fn(c->names[i].name, arg);
			left -= bit;
			if (bit == 0)
				break;
		}
	}
	if (left != 0) {
		snprintf(unknown, sizeof(unknown), "unknown %s type %llu",
		    c->what, (unsigned long long)v);
		fn(unknown, arg);
	}
}

struct bits_text {
	struct sbuf	*o;
	bool		 first;
};

static void
bits_text_add(const char *name, void *arg)
{
	struct bits_text *t = arg;

	if (!t->first)
		sbuf_addc(t->o, '+');
	t->first = false;
	sbuf_adds(t->o, name);
}

/* A value as 4.2's str() shows it. */
static void
value_text(struct sbuf *o, const struct flow_comp *c, uint64_t v)
{
	const char *name;

	switch (c->show) {
	case FS_PROTOCOL:
	case FS_ICMP_TYPE:
		if ((name = name_of(c, c->nnames, v)) != NULL)
			sbuf_adds(o, name);
		else
			sbuf_printf(o, "unknown %s type %llu", c->what,
			    (unsigned long long)v);
		return;
	case FS_BITS: {
		struct bits_text t = { o, true };

		value_bits(c, v, bits_text_add, &t);
		return;
	}
	case FS_DEC:
		break;
	}
	sbuf_printf(o, "%llu", (unsigned long long)v);
}

static void
prefix_text(struct sbuf *o, const struct fitem *it, bool v6)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.afi = v6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
	p.len = it->plen;
	memcpy(p.b, it->addr, it->alen <= 16 ? it->alen : 16);
	sbuf_adds(o, prefix_fmt(&p, buf));
	if (v6)
		sbuf_printf(o, "/%u", it->offset);
}

/* str(rule): the operator, then the value */
static void
rule_text(struct sbuf *o, const struct fitem *it, bool v6)
{
	const struct flow_comp *c = &comps[it->type];
	uint8_t op = op_bits(it->op);
	const char *s;

	if (c->kind == FK_PREFIX) {
		prefix_text(o, it, v6);
		return;
	}
	if (c->kind == FK_NUMERIC) {
		if (op == (FLOW_OP_LT | FLOW_OP_GT | FLOW_OP_EQ) || op == 0) {
			sbuf_adds(o, op ? "true" : "false");
			return;
		}
		s = numeric_op_str(op);
	} else
		s = bitmask_op_str(op);
	if (s != NULL)
		sbuf_adds(o, s);
	else
		sbuf_printf(o, "%02X", op);
	value_text(o, c, it->value);
}

static const char *
comp_name(uint8_t type, bool v6)
{
	return v6 ? comps[type].name6 : comps[type].name4;
}

/*
 * The rules of one component type, for both renderings. Collected per
 * group of items of one type (4.2 merges the lists of a type).
 */
struct group {
	struct sbuf	*o;
	bool		 v6;
	bool		 json;
	bool		 json6;		/* ExaBGP main's JSON dialect */
	uint8_t		 type;		/* 0: none open */
	size_t		 nrules;
	/* text: the rules of the group, to bracket them when > 1 */
	struct sbuf	 line;
	/* JSON */
	bool		 item_open;	/* a "..." string is open */
	bool		 any_item;
	bool		 force_new;	/* an empty OR rule came last */
	bool		 first_group;
};

static void
jitem_new(struct group *g)
{
	if (g->item_open)
		sbuf_addc(g->o, '"');
	if (g->any_item)
		sbuf_addc(g->o, ',');
	sbuf_addc(g->o, '"');
	g->item_open = g->any_item = true;
}

static void
group_close(struct group *g)
{
	if (g->type == 0)
		return;
	if (g->json) {
		if (g->item_open)
			sbuf_addc(g->o, '"');
		sbuf_addc(g->o, ']');
	} else {
		sbuf_printf(g->o, " %s ", comp_name(g->type, g->v6));
		if (g->nrules > 1)
			sbuf_printf(g->o, "[ %s ]", g->line.p);
		else
			sbuf_adds(g->o, g->line.p);
		sbuf_reset(&g->line);
	}
	g->type = 0;
}

static void
group_open(struct group *g, uint8_t type)
{
	group_close(g);
	g->type = type;
	g->nrules = 0;
	g->item_open = g->any_item = g->force_new = false;
	if (g->json) {
		if (!g->first_group)
			sbuf_addc(g->o, ',');
		sbuf_printf(g->o, "\"%s\":[", comp_name(type, g->v6));
	}
	g->first_group = false;
}

struct jbits {
	struct group	*g;
	const char	*opflag;
	bool		 join;		/* the first name joins the item */
	bool		 fragment;
	size_t		 n;
	bool		 plus;		/* main: one item, names joined by + */
};

static void
jbits_add(const char *name, void *arg)
{
	struct jbits *j = arg;
	struct group *g = j->g;

	/* main writes the bits of one rule "=fin+push" */
	if (j->plus && j->n > 0) {
		j->n++;
		sbuf_addc(g->o, '+');
		sbuf_adds(g->o, name);
		return;
	}
	if (!(j->n == 0 && j->join && g->item_open))
		jitem_new(g);
	j->n++;
	/* 4.2 writes "!is-fragment" as "not-a-fragment" in JSON */
	if (j->fragment && strcmp(name, "is-fragment") == 0 &&
	    j->opflag[0] != '\0' && j->opflag[strlen(j->opflag) - 1] == '!') {
		sbuf_add(g->o, j->opflag, strlen(j->opflag) - 1);
		sbuf_adds(g->o, "not-a-fragment");
		return;
	}
	sbuf_adds(g->o, j->opflag);
	sbuf_adds(g->o, name);
}

static void
group_item(const struct fitem *it, void *arg)
{
	struct group *g = arg;
	const struct flow_comp *c = &comps[it->type];
	bool and;

	if (it->type != g->type)
		group_open(g, it->type);
	and = g->nrules > 0 && (op_bits(it->op) & FLOW_OP_AND);
	g->nrules++;
	if (!g->json) {
		if (g->nrules > 1 && !(op_bits(it->op) & FLOW_OP_AND))
			sbuf_addc(&g->line, ' ');
		rule_text(&g->line, it, g->v6);
		return;
	}
	/*
	 * 4.2 joins '"a"' '"&b"' by deleting '""': an ANDed rule extends
	 * the previous string, an ORed one starts a new string.
	 */
	if (c->kind == FK_BITMASK) {
		const char *s = bitmask_op_str(op_bits(it->op));
		struct jbits j = { g, s != NULL ? s : "", and && !g->force_new,
		    it->type == FLOW_FRAGMENT, 0, g->json6 };

		value_bits(c, it->value, jbits_add, &j);
		/* an ORed rule without names leaves nothing to extend */
		if (j.n > 0)
			g->force_new = false;
		else if (!and)
			g->force_new = true;
		return;
	}
	if (!and || g->force_new || !g->item_open)
		jitem_new(g);
	g->force_new = false;
	rule_text(g->o, it, g->v6);
}

static void
render(struct sbuf *o, const uint8_t *b, size_t len, enum family_id fam,
    bool json, bool json6)
{
	const uint8_t *p, *end;
	const char *why;
	struct group g;

	memset(&g, 0, sizeof(g));
	g.o = o;
	g.v6 = fam_v6(fam);
	g.json = json;
	g.json6 = json6;
	g.first_group = true;
	sbuf_init(&g.line);
	sbuf_adds(&g.line, "");
	flow_content(b, len, fam, &p, &end);
	(void)fitem_walk(p, end, g.v6, group_item, &g, &why);
	group_close(&g);
	sbuf_free(&g.line);
}

void
flow_nlri_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *nexthop)
{
	const uint8_t *rd = flow_nlri_rd(b, len, fam);

	sbuf_adds(o, "flow");
	render(o, b, len, fam, false, false);
	if (rd != NULL) {
		sbuf_adds(o, " rd ");
		nlri_rd_text(o, rd);
	}
	if (nexthop != NULL)
		sbuf_printf(o, " next-hop %s", nexthop);
}

static void
flow_json_dialect(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *nexthop, bool json6)
{
	const uint8_t *rd = flow_nlri_rd(b, len, fam);
	size_t mark = o->len;

	render(o, b, len, fam, true, json6);
	if (rd != NULL) {
		sbuf_adds(o, o->len > mark ? ",\"rd\":\"" : "\"rd\":\"");
		nlri_rd_text(o, rd);
		sbuf_addc(o, '"');
	}
	if (nexthop != NULL)
		sbuf_printf(o, "%s\"next-hop\":\"%s\"", o->len > mark ? "," :
		    "", nexthop);
	sbuf_adds(o, o->len > mark ? ",\"string\":\"" : "\"string\":\"");
	flow_nlri_text(o, b, len, fam, nexthop);
	sbuf_addc(o, '"');
}

void
flow_nlri_json(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *nexthop)
{
	flow_json_dialect(o, b, len, fam, nexthop, false);
}

void
flow_nlri_json6(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *nexthop)
{
	flow_json_dialect(o, b, len, fam, nexthop, true);
}

/* ---- our own configuration syntax, read back by flow_rule_add ---- */

struct mtext {
	struct sbuf	*o;
	const char	*before;
	const char	*after;
	bool		 v6;
	uint8_t		 type;
	size_t		 n;		/* words of the open statement */
	bool		 wide;		/* a value above the keyword's range */
	struct sbuf	 words;
};

/* The keyword that reads the open statement back: an IPv4 rule's DSCP
 * above 63 came from "traffic-class" (4.2 takes up to 255 in either
 * family), which "dscp" would refuse. */
static const char *
mtext_keyword(const struct mtext *m)
{
	if (m->v6)
		return comps[m->type].name6;
	if (m->type == FLOW_DSCP && m->wide)
		return comps[m->type].name6;
	return comps[m->type].name4;
}

static void
mtext_close(struct mtext *m)
{
	if (m->type == 0)
		return;
	sbuf_printf(m->o, "%s%s ", m->before, mtext_keyword(m));
	if (m->n > 1)
		sbuf_printf(m->o, "[ %s ]", m->words.p);
	else
		sbuf_adds(m->o, m->words.p);
	sbuf_adds(m->o, m->after);
	sbuf_reset(&m->words);
	m->type = 0;
}

static void
mtext_item(const struct fitem *it, void *arg)
{
	struct mtext *m = arg;
	const struct flow_comp *c = &comps[it->type];
	uint8_t op = op_bits(it->op);

	if (c->kind == FK_PREFIX || it->type != m->type) {
		mtext_close(m);
		m->type = it->type;
		m->n = 0;
		m->wide = false;
	}
	if (it->value > c->max)
		m->wide = true;
	if (c->kind == FK_PREFIX) {
		prefix_text(&m->words, it, m->v6);
		m->n = 1;
		mtext_close(m);
		return;
	}
	if (m->n > 0 && (op & FLOW_OP_AND))
		sbuf_addc(&m->words, '&');
	else {
		if (m->n > 0)
			sbuf_addc(&m->words, ' ');
		m->n++;
	}
	op &= (uint8_t)~FLOW_OP_AND;
	if (c->kind == FK_NUMERIC) {
		const char *s = numeric_op_str(op);

		sbuf_adds(&m->words, s != NULL ? s : "=");
		if ((op == 0 || op == 7) && it->value == 0)
			return;
	} else {
		const char *s = bitmask_op_str(op);

		sbuf_adds(&m->words, s != NULL ? s : "");
	}
	sbuf_printf(&m->words, "%llu", (unsigned long long)it->value);
}

void
flow_nlri_match_text(struct sbuf *o, const uint8_t *b, size_t len,
    enum family_id fam, const char *before, const char *after)
{
	const uint8_t *p, *end;
	const char *why;
	struct mtext m;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.before = before;
	m.after = after;
	m.v6 = fam_v6(fam);
	sbuf_init(&m.words);
	sbuf_adds(&m.words, "");
	flow_content(b, len, fam, &p, &end);
	(void)fitem_walk(p, end, m.v6, mtext_item, &m, &why);
	mtext_close(&m);
	sbuf_free(&m.words);
}
