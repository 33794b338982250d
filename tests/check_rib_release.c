/*
 * rib_release: a dropped Adj-RIB released from the event loop a slice at
 * a time, other events running between the slices, every set and NLRI
 * block it held given back in the end (LSan checks the blocks).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "evbgp/adj_rib.h"
#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/rib_release.h"
#include "evbgp/util.h"

/* A MED per route, so that each route holds a set of its own. */
static const struct attr_set *
unique_set(struct attr_table *t, uint32_t med)
{
	struct attrs a;
	const struct attr_set *s;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED;
	a.med = med;
	addr_parse("192.0.2.1", &a.nexthop);
	s = attrs_intern(t, &a);
	attrs_free(&a);
	return s;
}

/*
 * A table of n IPv4 /32s, each with its own set, and every fourth a VPN
 * route too (its NLRI in a block of its own). The table holds the only
 * references.
 */
static struct adj_rib *
fill(struct attr_table *t, size_t n, bool store)
{
	struct adj_rib *ro = store ? adj_rib_new_store() : adj_rib_new();

	for (size_t i = 0; i < n; i++) {
		const struct attr_set *s = unique_set(t, (uint32_t)i + 1);
		struct prefix p = { .afi = BGP_AFI_IPV4, .len = 32 };

		p.b[0] = 10;
		p.b[1] = (uint8_t)(i >> 16);
		p.b[2] = (uint8_t)(i >> 8);
		p.b[3] = (uint8_t)i;
		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, s);
		if (i % 4 == 0) {
			/* 1.4.0.0/16 rd 65000:i, label 1000 */
			uint8_t b[14] = { 0x68, 0x00, 0x3e, 0x81, 0x00, 0x00,
			    0xfd, 0xe8, 0, 0, (uint8_t)(i >> 8), (uint8_t)i,
			    0x01, 0x04 };
			struct nlri v = { .fam = FAM_IPV4_MPLS_VPN, .b = b,
			    .len = sizeof(b) };

			adj_rib_announce_nlri(ro, &v, s, RIB_SRC_CONFIG);
		}
		attrs_unref(s);
	}
	return ro;
}

struct ticks {
	struct event	*ev;
	unsigned	 n;
};

/* A timer due at once, again and again: it must get its turns while a
 * release goes on. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct ticks *k = arg;

	k->n++;
	event_add(k->ev, &now);
}

/*
 * One chunk a slice: every loop turn releases one chunk, the other
 * timer runs between the slices, the sets go back a chunk's worth at a
 * time, and nothing is left at the end.
 */
START_TEST(test_slices_interleave)
{
	static const struct timeval now = { 0, 0 };
	struct event_base *base = event_base_new();
	struct attr_table *t = attr_table_new();
	struct rib_release *r = rib_release_new_fixed(base, 64);
	struct adj_rib *ro = fill(t, 1000, true);
	struct ticks k = { NULL, 0 };
	size_t sets = attr_table_count(t), left, turns = 0;

	ck_assert_uint_eq(sets, 1000);
	/* 1000 routes and 250 VPN routes: slots for both */
	ck_assert_uint_ge(adj_rib_release_left(ro), 1250);
	k.ev = evtimer_new(base, tick_cb, &k);
	event_add(k.ev, &now);
	rib_release_add(r, ro);
	ck_assert_uint_eq(rib_release_taken(r), 1);
	left = rib_release_pending(r);
	while (rib_release_pending(r) > 0) {
		ck_assert_uint_lt(turns, 1000);
		event_base_loop(base, EVLOOP_ONCE);
		turns++;
		/* one chunk per turn, exactly */
		ck_assert_uint_eq(rib_release_pending(r),
		    left > 64 ? left - 64 : 0);
		left = rib_release_pending(r);
		/* the sets go with their routes, not all at the end */
		ck_assert_uint_le(attr_table_count(t), sets);
		sets = attr_table_count(t);
		ck_assert_uint_ge(k.n, turns);
	}
	ck_assert_uint_ge(turns, 1250 / 64);
	/* the table itself goes with the last slice (there may be one more
	 * turn if the last chunk ended exactly at slot 0) */
	for (unsigned i = 0; i < 3 && rib_release_done(r) == 0; i++)
		event_base_loop(base, EVLOOP_ONCE);
	ck_assert_uint_eq(rib_release_done(r), 1);
	ck_assert_uint_eq(attr_table_count(t), 0);
	event_free(k.ev);
	rib_release_free(r);
	attr_table_free(t);
	event_base_free(base);
}
END_TEST

/*
 * Two tables taken one after the other are released in order, with the
 * time-sliced release (the daemon's); an Adj-RIB-Out with a queue
 * (groups) goes too.
 */
START_TEST(test_timed_release_completes)
{
	struct event_base *base = event_base_new();
	struct attr_table *t = attr_table_new();
	struct rib_release *r = rib_release_new(base);

	rib_release_add(r, fill(t, 20000, true));
	rib_release_add(r, fill(t, 3000, false));
	ck_assert_uint_eq(rib_release_taken(r), 2);
	ck_assert_uint_gt(rib_release_pending(r), 0);
	for (unsigned i = 0; i < 100000 && rib_release_done(r) < 2; i++)
		event_base_loop(base, EVLOOP_ONCE);
	ck_assert_uint_eq(rib_release_done(r), 2);
	ck_assert_uint_eq(rib_release_pending(r), 0);
	ck_assert_uint_eq(attr_table_count(t), 0);
	rib_release_free(r);
	attr_table_free(t);
	event_base_free(base);
}
END_TEST

/* Freed with tables still held (the daemon stopping): all released at
 * once, before the attribute table goes. */
START_TEST(test_free_releases_the_rest)
{
	struct event_base *base = event_base_new();
	struct attr_table *t = attr_table_new();
	struct rib_release *r = rib_release_new_fixed(base, 16);

	rib_release_add(r, fill(t, 500, true));
	rib_release_add(r, fill(t, 500, false));
	event_base_loop(base, EVLOOP_ONCE);
	ck_assert_uint_gt(rib_release_pending(r), 0);
	ck_assert_uint_gt(attr_table_count(t), 0);
	rib_release_free(r);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
	event_base_free(base);
}
END_TEST

/* Without a release (a peer with no loop): freed at once. NULL: nothing. */
START_TEST(test_no_release_frees_at_once)
{
	struct attr_table *t = attr_table_new();

	rib_release_add(NULL, fill(t, 300, true));
	ck_assert_uint_eq(attr_table_count(t), 0);
	rib_release_add(NULL, NULL);
	attr_table_free(t);
}
END_TEST

/* The step itself, with no loop: a budget of 0 does nothing, steps
 * resume where the last one stopped, and the same routes come out as
 * from adj_rib_free. */
START_TEST(test_step_budget)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = fill(t, 100, false);
	size_t left = adj_rib_release_left(ro), steps = 0;

	ck_assert(!adj_rib_release_step(ro, 0));
	ck_assert_uint_eq(adj_rib_release_left(ro), left);
	ck_assert_uint_eq(attr_table_count(t), 100);
	while (!adj_rib_release_step(ro, 7)) {
		ck_assert_uint_lt(steps++, 1000);
		ck_assert_uint_le(adj_rib_release_left(ro), left);
	}
	ck_assert_uint_ge(steps, left / 7);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rib_release");
	TCase *tc = tcase_create("rib_release");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_slices_interleave);
	tcase_add_test(tc, test_timed_release_completes);
	tcase_add_test(tc, test_free_releases_the_rest);
	tcase_add_test(tc, test_no_release_frees_at_once);
	tcase_add_test(tc, test_step_budget);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
