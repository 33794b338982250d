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

static void
record_route(const struct update_route *rt, void *arg)
{
	struct rib_in_walk *w = arg;

	count_route(rt, w->c);
	adj_rib_prefetch_nlri(w->rib, &rt->nlri);
	if (!rt->announce) {
		adj_rib_withdraw_nlri(w->rib, &rt->nlri, NULL);
		return;
	}
	if (w->a == NULL || w->nh != rt->nexthop) {
		struct attrs one;

		attrs_unref(w->a);
		w->nh = rt->nexthop;
		if (addr_equal(rt->nexthop, &w->m->attrs.nexthop) &&
		    addr_equal(rt->nexthop_ll, &w->m->attrs.nexthop_ll))
			w->a = attrs_intern(w->t, &w->m->attrs);
		else {
			attrs_init(&one);
			attrs_copy(&one, &w->m->attrs);
			one.nexthop = *rt->nexthop;
			one.nexthop_ll = *rt->nexthop_ll;
			w->a = attrs_intern(w->t, &one);
			attrs_free(&one);
		}
	}
	adj_rib_announce_nlri(w->rib, &rt->nlri, w->a, RIB_SRC_CONFIG);
}

void
rib_in_record(struct adj_rib *rib, struct attr_table *t,
    const struct update_msg *m, famset_t addpath, struct rib_in_counts *c)
{
	struct rib_in_walk w = { rib, t, m, c, NULL, NULL };

	if (rib == NULL) {
		update_foreach_route(m, addpath, count_route, c);
		return;
	}
	update_foreach_route(m, addpath, record_route, &w);
	attrs_unref(w.a);
}
