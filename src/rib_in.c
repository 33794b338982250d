/*
 * Recording a received UPDATE in an Adj-RIB-In (see rib_in.h).
 */
#include "evbgp/rib_in.h"

struct rib_in_walk {
	struct adj_rib		*rib;
	struct attr_table	*t;
	const struct update_msg	*m;
	struct rib_in_counts	*c;
	const struct bgp_addr	*nh;	/* the next hop of a */
	const struct attr_set	*a;
	bool			 hashes;	/* route_hashes are m's */
	unsigned		 route;		/* routes walked */
};

static void
count_route(const struct update_route *rt, void *arg)
{
	struct rib_in_counts *c = arg;

	if (rt->announce)
		c->announced++;
	else
		c->withdrawn++;
}

/*
 * rib_in_prefetch's encoding of the attributes it was given (its table's
 * token), for rib_in_record of the same decoding: taken once, by the
 * intern of the message's own attributes.
 */
static struct {
	const struct attr_table	*t;
	const struct attrs	*a;
	uint64_t		 seq;	/* the message's decode_seq */
	uint64_t		 token;
} prefetched;

static uint64_t
prefetched_token(const struct attr_table *t, const struct update_msg *m)
{
	uint64_t token = 0;

	if (prefetched.seq != 0 && prefetched.seq == m->decode_seq &&
	    prefetched.t == t && prefetched.a == &m->attrs)
		token = prefetched.token;
	prefetched.seq = 0;
	return token;
}

/*
 * rib_in_prefetch's hashes of the first routes' keys (adj_rib_nlri_hash),
 * for rib_in_record of the same decoding (decode_seq, the same ADD-PATH
 * families: the same walk), each route checked by the address of its
 * NLRI octets: so that a route is never filed under another's hash.
 */
static struct {
	uint64_t	 seq;		/* the message's decode_seq; 0: none */
	famset_t	 addpath;
	unsigned	 n;
	const uint8_t	*nlri[RIB_IN_PREFETCH_ROUTES];
	uint32_t	 hash[RIB_IN_PREFETCH_ROUTES];
} route_hashes;

/* Are route_hashes m's (decoded with addpath)? Taken once: false for
 * any later call. */
static bool
route_hashes_take(const struct update_msg *m, famset_t addpath)
{
	bool mine = route_hashes.seq != 0 && route_hashes.seq == m->decode_seq
	    && route_hashes.addpath == addpath;

	route_hashes.seq = 0;
	return mine;
}

/* The prefetch's hash of the walk's next route rt, if it has one. */
static bool
route_hash(struct rib_in_walk *w, const struct update_route *rt,
    uint32_t *h)
{
	unsigned i = w->route++;

	if (!w->hashes || i >= route_hashes.n ||
	    route_hashes.nlri[i] != rt->nlri.b)
		return false;
	*h = route_hashes.hash[i];
	return true;
}

static void
record_withdraw(struct rib_in_walk *w, const struct update_route *rt)
{
	uint32_t h;

	if (route_hash(w, rt, &h))
		adj_rib_withdraw_nlri_hashed(w->rib, &rt->nlri, h);
	else
		adj_rib_withdraw_nlri(w->rib, &rt->nlri, NULL);
}

static void
record_announce(struct rib_in_walk *w, const struct update_route *rt)
{
	uint32_t h;

	if (route_hash(w, rt, &h))
		adj_rib_announce_nlri_hashed(w->rib, &rt->nlri, h, w->a,
		    RIB_SRC_CONFIG);
	else
		adj_rib_announce_nlri(w->rib, &rt->nlri, w->a,
		    RIB_SRC_CONFIG);
}

static void
record_route(const struct update_route *rt, void *arg)
{
	struct rib_in_walk *w = arg;

	count_route(rt, w->c);
	if (!rt->announce) {
		record_withdraw(w, rt);
		return;
	}
	if (w->a == NULL || w->nh != rt->nexthop) {
		struct attrs one;

		attrs_unref(w->a);
		w->nh = rt->nexthop;
		if (addr_equal(rt->nexthop, &w->m->attrs.nexthop) &&
		    addr_equal(rt->nexthop_ll, &w->m->attrs.nexthop_ll))
			w->a = attrs_intern_encoded(w->t, &w->m->attrs,
			    prefetched_token(w->t, w->m));
		else {
			attrs_init(&one);
			attrs_copy(&one, &w->m->attrs);
			one.nexthop = *rt->nexthop;
			one.nexthop_ll = *rt->nexthop_ll;
			w->a = attrs_intern(w->t, &one);
			attrs_free(&one);
		}
	}
	record_announce(w, rt);
}

void
rib_in_record(struct adj_rib *rib, struct attr_table *t,
    const struct update_msg *m, famset_t addpath, struct rib_in_counts *c)
{
	struct rib_in_walk w = { rib, t, m, c, NULL, NULL, false, 0 };

	w.hashes = route_hashes_take(m, addpath);
	if (rib == NULL) {
		update_foreach_route(m, addpath, count_route, c);
		return;
	}
	update_foreach_route(m, addpath, record_route, &w);
	attrs_unref(w.a);
}

struct prefetch_walk {
	struct adj_rib	*rib;
	unsigned	 routes;
};

static void
prefetch_route(const struct update_route *rt, void *arg)
{
	struct prefetch_walk *w = arg;
	uint32_t h;

	if (w->routes >= RIB_IN_PREFETCH_ROUTES)
		return;
	h = adj_rib_nlri_hash(&rt->nlri);
	adj_rib_prefetch_hash(w->rib, h);
	route_hashes.nlri[w->routes] = rt->nlri.b;
	route_hashes.hash[w->routes] = h;
	route_hashes.n = ++w->routes;
}

/* NLRI octets of m: an upper bound of its routes times the shortest
 * route (one octet). */
static size_t
nlri_octets(const struct update_msg *m)
{
	size_t n = rbuf_left(&m->withdrawn) + rbuf_left(&m->nlri);

	if (m->has_mp_unreach)
		n += rbuf_left(&m->mp_unreach_nlri);
	if (m->has_mp_reach)
		n += rbuf_left(&m->mp_reach_nlri);
	return n;
}

void
rib_in_prefetch(struct adj_rib *rib, struct attr_table *t,
    const struct update_msg *m, famset_t addpath)
{
	struct prefetch_walk w = { rib, 0 };

	route_hashes.seq = 0;
	/* a few routes: a /32 with its length octet is 5, an IPv6 /64 9,
	 * with ADD-PATH 4 more */
	if (rib == NULL || m->verdict != UPD_OK ||
	    nlri_octets(m) > RIB_IN_PREFETCH_ROUTES * 13)
		return;
	if (rbuf_left(&m->nlri) > 0 || (m->has_mp_reach &&
	    rbuf_left(&m->mp_reach_nlri) > 0)) {
		prefetched.token = attrs_prefetch(t, &m->attrs);
		prefetched.t = t;
		prefetched.a = &m->attrs;
		prefetched.seq = m->decode_seq;
	}
	route_hashes.n = 0;
	update_foreach_route(m, addpath, prefetch_route, &w);
	route_hashes.seq = m->decode_seq;
	route_hashes.addpath = addpath;
}
