/*
 * bench-lookup: how long "show adj-rib ... PREFIX" takes on a large
 * Adj-RIB, against the walk every lookup would be without the index.
 * 10^6 IPv4 /24 routes (and a /8 over 65,536 of them) in one table;
 * then, each timed: 10^5 exact lookups, 10^5 longest-prefix lookups of
 * addresses, `all` under a /8, and one walk of the whole table (what a
 * lookup costs without the index, and what `all` costs).
 *
 * Usage: bench-lookup [ROUTES]   (default 1000000; prints one line per
 * measure, microseconds per lookup or milliseconds per walk)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/adj_rib.h"
#include "evbgp/util.h"

static void
count_visit(void *arg, const struct nlri *n, const struct attr_set *a)
{
	(void)n;
	(void)a;
	(*(size_t *)arg)++;
}

static struct prefix
route(unsigned i)
{
	struct prefix p = { .afi = BGP_AFI_IPV4, .len = 24 };

	p.b[0] = (uint8_t)(20 + (i >> 16));
	p.b[1] = (uint8_t)(i >> 8);
	p.b[2] = (uint8_t)i;
	return p;
}

int
main(int argc, char **argv)
{
	unsigned routes = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
	    1000000u, lookups = 100000;
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	struct rib_query q;
	struct attrs b;
	const struct attr_set *a;
	size_t found = 0, seen = 0;
	double t0, el;

	if (routes == 0 || routes > 10000000) {
		fprintf(stderr, "bench-lookup: ROUTES from 1 to 10000000\n");
		return 2;
	}
	attrs_init(&b);
	b.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP;
	addr_parse("192.0.2.1", &b.nexthop);
	a = attrs_intern(t, &b);
	attrs_free(&b);
	for (unsigned i = 0; i < routes; i++) {
		struct prefix p = route(i);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	}
	{
		struct prefix p8 = { .afi = BGP_AFI_IPV4, .len = 8 };

		p8.b[0] = 20;
		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p8, 0, a);
	}
	printf("routes %zu\n", adj_rib_count(ro));

	memset(&q, 0, sizeof(q));
	q.fams = FAMSET(FAM_IPV4_UNICAST);
	q.has_prefix = true;
	q.match = RIB_MATCH_EXACT;
	t0 = mono_now();
	for (unsigned i = 0; i < lookups; i++) {
		q.prefix = route((i * 7919u) % routes);
		found += adj_rib_query(ro, &q, NULL, NULL);
	}
	el = mono_now() - t0;
	printf("exact   %u lookups: %.2f us each (%zu found)\n", lookups,
	    el * 1e6 / lookups, found);

	found = 0;
	q.match = RIB_MATCH_LONGEST;
	t0 = mono_now();
	for (unsigned i = 0; i < lookups; i++) {
		q.prefix = route((i * 7919u) % routes);
		q.prefix.len = 32;
		q.prefix.b[3] = (uint8_t)i;
		found += adj_rib_query(ro, &q, NULL, NULL);
	}
	el = mono_now() - t0;
	printf("longest %u lookups: %.2f us each (%zu found)\n", lookups,
	    el * 1e6 / lookups, found);

	q.match = RIB_MATCH_MORE;
	memset(&q.prefix, 0, sizeof(q.prefix));
	q.prefix.afi = BGP_AFI_IPV4;
	q.prefix.len = 8;
	q.prefix.b[0] = 20;
	t0 = mono_now();
	found = adj_rib_query(ro, &q, NULL, NULL);
	el = mono_now() - t0;
	printf("all under 20.0.0.0/8: %.1f ms (%zu found)\n", el * 1e3, found);

	t0 = mono_now();
	adj_rib_foreach(ro, count_visit, &seen);
	el = mono_now() - t0;
	printf("one walk of the table (a lookup without the index): %.1f ms "
	    "(%zu routes)\n", el * 1e3, seen);

	adj_rib_free(ro);
	attrs_unref(a);
	attr_table_free(t);
	return 0;
}
