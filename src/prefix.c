/*
 * Addresses, prefixes and NLRI encoding (see prefix.h).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/prefix.h"

static unsigned
afi_bits(uint8_t afi)
{
	return afi == BGP_AFI_IPV4 ? 32 : afi == BGP_AFI_IPV6 ? 128 : 0;
}

int
addr_parse(const char *s, struct bgp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (s == NULL)
		return -1;
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, a->b) != 1)
			return -1;
		a->afi = BGP_AFI_IPV6;
		return 0;
	}
	if (inet_pton(AF_INET, s, a->b) != 1)
		return -1;
	a->afi = BGP_AFI_IPV4;
	return 0;
}

static char	*put_dec(char *, unsigned);

/* "a.b.c.d" at o; returns the end (not terminated). */
static char *
put_ip4(char *o, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		o = put_dec(o, b[i]);
		*o++ = '.';
	}
	return o - 1;
}

/*
 * An IPv6 address as glibc's inet_ntop writes it (RFC 5952: lower-case
 * hex without leading zeros, the first longest run of two or more zero
 * groups as "::"), its IPv4-mapped and -compatible forms included
 * ("::ffff:a.b.c.d", "::a.b.c.d"), without its sprintf per group.
 */
static void
ip6_fmt(const uint8_t *b, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	char *o = buf;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			if (++curlen > bestlen)
				best = cur, bestlen = curlen;
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				*o++ = ':';
			continue;
		}
		if (i != 0)
			*o++ = ':';
		/* the last 32 bits as IPv4 after 96 zero bits, or 80 and
		 * ffff */
		if (i == 6 && best == 0 && (bestlen == 6 ||
		    (bestlen == 5 && w[5] == 0xffff))) {
			o = put_ip4(o, b + 12);
			break;
		}
		for (int sh = 12, lead = 1; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 15;

			if (d == 0 && lead && sh > 0)
				continue;
			lead = 0;
			*o++ = hex[d];
		}
	}
	if (best != -1 && best + bestlen == 8)
		*o++ = ':';
	*o = '\0';
}

char *
addr_fmt(const struct bgp_addr *a, char *buf)
{
	/* by hand: several per received UPDATE (glibc's inet_ntop goes
	 * through sprintf) */
	if (a->afi == BGP_AFI_IPV4)
		*put_ip4(buf, a->b) = '\0';
	else if (a->afi == BGP_AFI_IPV6)
		ip6_fmt(a->b, buf);
	else
		snprintf(buf, ADDR_STRLEN, "none");
	return buf;
}

bool
addr_equal(const struct bgp_addr *a, const struct bgp_addr *b)
{
	return a->afi == b->afi && memcmp(a->b, b->b, addr_len(a)) == 0;
}

bool
addr_is_link_local(const struct bgp_addr *a)
{
	return a->afi == BGP_AFI_IPV6 && a->b[0] == 0xfe &&
	    (a->b[1] & 0xc0) == 0x80;
}

size_t
addr_len(const struct bgp_addr *a)
{
	return afi_bits(a->afi) / 8;
}

void
addr_from_u32(struct bgp_addr *a, uint32_t v)
{
	memset(a, 0, sizeof(*a));
	a->afi = BGP_AFI_IPV4;
	be32_put(a->b, v);
}

uint32_t
addr_to_u32(const struct bgp_addr *a)
{
	return a->afi == BGP_AFI_IPV4 ? be32_get(a->b) : 0;
}

bool
addr_is_v4mapped(const struct bgp_addr *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	return a->afi == BGP_AFI_IPV6 && memcmp(a->b, pfx, 12) == 0;
}

size_t
addr_to_sockaddr(const struct bgp_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->afi == BGP_AFI_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->b, 4);
		return sizeof(*sin);
	}
	if (a->afi == BGP_AFI_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->b, 16);
		return sizeof(*sin6);
	}
	return 0;
}

int
addr_from_sockaddr(const struct sockaddr *sa, struct bgp_addr *a,
    uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->afi = BGP_AFI_IPV4;
		memcpy(a->b, &sin->sin_addr, 4);
		if (port)
			*port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)sa;

		a->afi = BGP_AFI_IPV6;
		memcpy(a->b, &sin6->sin6_addr, 16);
		/* an IPv4 client on a dual-stack socket is an IPv4 peer */
		if (addr_is_v4mapped(a)) {
			uint8_t v4[4];

			memcpy(v4, a->b + 12, 4);
			memset(a->b, 0, 16);
			memcpy(a->b, v4, 4);
			a->afi = BGP_AFI_IPV4;
		}
		if (port)
			*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

void
prefix_mask(struct prefix *p)
{
	/* whole bytes kept, the partial one masked, the rest cleared: no
	 * loop over all 16 (three times per received route) */
	unsigned bits = afi_bits(p->afi);
	unsigned len = p->len < bits ? p->len : bits;
	unsigned full = len / 8;

	if (len % 8 != 0) {
		p->b[full] &= (uint8_t)(0xff << (8 - len % 8));
		full++;
	}
	memset(p->b + full, 0, sizeof(p->b) - full);
}

int
prefix_from_addr(const struct bgp_addr *a, unsigned len, struct prefix *p)
{
	if (a->afi == 0 || len > afi_bits(a->afi))
		return -1;
	p->afi = a->afi;
	p->len = (uint8_t)len;
	memcpy(p->b, a->b, sizeof(p->b));
	prefix_mask(p);
	return 0;
}

/* "a.b.c.d/len" without inet_pton: the hot path of route commands. */
static int
prefix_parse_v4_fast(const char *s, struct prefix *p)
{
	unsigned v[5], n = 0, cur = 0, digits = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			/* no leading zeros, as inet_pton */
			if (digits == 1 && cur == 0)
				return -1;
			cur = cur * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || cur > 255)
				return -1;
			continue;
		}
		if (digits == 0 || n >= 5)
			return -1;
		v[n++] = cur;
		cur = digits = 0;
		if (*s == '\0')
			break;
		if ((n < 4 && *s != '.') || (n == 4 && *s != '/') || n > 4)
			return -1;
	}
	if (n != 5 || v[4] > 32)
		return -1;
	memset(p, 0, sizeof(*p));
	p->afi = BGP_AFI_IPV4;
	p->len = (uint8_t)v[4];
	for (int i = 0; i < 4; i++)
		p->b[i] = (uint8_t)v[i];
	prefix_mask(p);
	return 0;
}

int
prefix_parse(const char *s, struct prefix *p)
{
	char host[ADDR_STRLEN + 1];
	const char *slash = strchr(s, '/');
	struct bgp_addr a;
	unsigned long len;

	if (slash != NULL && prefix_parse_v4_fast(s, p) == 0)
		return 0;
	memset(p, 0, sizeof(*p));
	if (slash == NULL) {
		if (addr_parse(s, &a) == -1)
			return -1;
		return prefix_from_addr(&a, afi_bits(a.afi), p);
	}
	if ((size_t)(slash - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	if (addr_parse(host, &a) == -1)
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	char *end;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno != 0 || len > afi_bits(a.afi))
		return -1;
	return prefix_from_addr(&a, (unsigned)len, p);
}

/* Decimal digits of v (< 1000) at out; returns the end. */
static char *
put_dec(char *out, unsigned v)
{
	if (v >= 100)
		*out++ = (char)('0' + v / 100);
	if (v >= 10)
		*out++ = (char)('0' + v / 10 % 10);
	*out++ = (char)('0' + v % 10);
	return out;
}

char *
prefix_fmt_end(const struct prefix *p, char *buf)
{
	char *o;

	/* IPv4 by hand: this runs once per route in JSON events */
	if (p->afi == BGP_AFI_IPV4) {
		o = buf;
		for (int i = 0; i < 4; i++) {
			o = put_dec(o, p->b[i]);
			*o++ = i < 3 ? '.' : '/';
		}
	} else {
		struct bgp_addr a;

		a.afi = p->afi;
		memcpy(a.b, p->b, sizeof(a.b));
		/* ADDR_STRLEN + "/128" fit in PREFIX_STRLEN */
		o = buf + strlen(addr_fmt(&a, buf));
		*o++ = '/';
	}
	o = put_dec(o, p->len);
	*o = '\0';
	return o;
}

char *
prefix_fmt(const struct prefix *p, char *buf)
{
	prefix_fmt_end(p, buf);
	return buf;
}

bool
prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->afi == b->afi && a->len == b->len &&
	    memcmp(a->b, b->b, (a->len + 7) / 8) == 0;
}

bool
prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	struct prefix t;

	if (outer->afi != inner->afi || outer->len > inner->len)
		return false;
	t = *inner;
	t.len = outer->len;
	prefix_mask(&t);
	return memcmp(t.b, outer->b, sizeof(t.b)) == 0;
}

bool
prefix_match_addr(const struct prefix *p, const struct bgp_addr *a)
{
	struct prefix t;

	if (a->afi != p->afi)
		return false;
	if (prefix_from_addr(a, p->len, &t) == -1)
		return false;
	return memcmp(t.b, p->b, sizeof(t.b)) == 0;
}

int
prefix_nlri_get(struct rbuf *r, uint8_t afi, bool addpath, struct prefix *p,
    uint32_t *path_id)
{
	struct rbuf save = *r;
	uint32_t id = 0;
	uint8_t len;
	size_t nbytes;

	if (addpath && rbuf_get_u32(r, &id) == -1)
		goto bad;
	if (rbuf_get_u8(r, &len) == -1 || len > afi_bits(afi))
		goto bad;
	nbytes = (len + 7u) / 8u;
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	p->len = len;
	if (rbuf_get_bytes(r, p->b, nbytes) == -1)
		goto bad;
	/* RFC 4271 §4.3: trailing bits are irrelevant; keep them zero */
	prefix_mask(p);
	if (path_id)
		*path_id = id;
	return 0;
bad:
	*r = save;
	return -1;
}

int
prefix_nlri_check(struct rbuf r, uint8_t afi, bool addpath, size_t *n)
{
	struct prefix p;
	size_t count = 0;

	while (rbuf_left(&r) > 0) {
		if (prefix_nlri_get(&r, afi, addpath, &p, NULL) == -1)
			return -1;
		count++;
	}
	if (n)
		*n = count;
	return 0;
}

int
prefix_nlri_put(struct wbuf *w, const struct prefix *p, bool addpath,
    uint32_t path_id)
{
	if (addpath)
		wbuf_put_u32(w, path_id);
	wbuf_put_u8(w, p->len);
	wbuf_put_bytes(w, p->b, (p->len + 7u) / 8u);
	return w->err ? -1 : 0;
}

size_t
prefix_nlri_size(const struct prefix *p, bool addpath)
{
	return (addpath ? 4 : 0) + 1 + (p->len + 7u) / 8u;
}
