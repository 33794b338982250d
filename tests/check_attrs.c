/*
 * Attribute sets: builders, canonical order, equality and interning.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"

static void
make_set(struct attrs *a, uint32_t med, uint32_t comm)
{
	uint32_t path[] = { 65001, 65002 };

	attrs_init(a);
	a->has |= ATTR_HAS_ORIGIN | ATTR_HAS_MED | ATTR_HAS_NEXT_HOP;
	a->origin = BGP_ORIGIN_IGP;
	a->med = med;
	addr_parse("192.0.2.1", &a->nexthop);
	attrs_aspath_append(a, BGP_ASPATH_SEQUENCE, path, 2);
	attrs_add_community(a, comm);
}

START_TEST(test_canonicalize_sorts_and_dedups)
{
	struct attrs a;

	attrs_init(&a);
	attrs_add_community(&a, 0x78147814);
	attrs_add_community(&a, 0x78140000);
	attrs_add_community(&a, 0x78147814);
	attrs_add_ext_community(&a, 3);
	attrs_add_ext_community(&a, 1);
	attrs_add_large_community(&a, 2914, 3320, 123);
	attrs_add_large_community(&a, 2914, 0, 666);
	attrs_add_large_community(&a, 2914, 3320, 123);
	attrs_canonicalize(&a);
	ck_assert_uint_eq(a.ncomms, 2);
	ck_assert_uint_eq(a.comms[0], 0x78140000);
	ck_assert_uint_eq(a.comms[1], 0x78147814);
	ck_assert_uint_eq(a.necomms, 2);
	ck_assert(a.ecomms[0] == 1 && a.ecomms[1] == 3);
	ck_assert_uint_eq(a.nlcomms, 2);
	ck_assert_uint_eq(a.lcomms[0].local1, 0);
	ck_assert_uint_eq(a.lcomms[1].local2, 123);
	attrs_free(&a);
}
END_TEST

START_TEST(test_equal_and_hash)
{
	struct attrs a, b;

	make_set(&a, 10, 1);
	make_set(&b, 10, 1);
	ck_assert(attrs_equal(&a, &b));
	ck_assert_uint_eq(attrs_hash(&a), attrs_hash(&b));
	b.med = 11;
	ck_assert(!attrs_equal(&a, &b));
	b.med = 10;
	attrs_add_community(&b, 2);
	ck_assert(!attrs_equal(&a, &b));
	attrs_free(&a);
	attrs_free(&b);
}
END_TEST

START_TEST(test_intern_shares)
{
	struct attr_table *t = attr_table_new();
	struct attrs a, b, c, v;
	const struct attr_set *ia, *ib, *ic;

	make_set(&a, 10, 1);
	make_set(&b, 10, 1);
	make_set(&c, 20, 1);
	ia = attrs_intern(t, &a);
	ib = attrs_intern(t, &b);
	ic = attrs_intern(t, &c);
	ck_assert_ptr_eq(ia, ib);
	ck_assert_ptr_ne(ia, ic);
	ck_assert_uint_eq(attr_table_count(t), 2);
	ck_assert(attrs_is_view(attrs_view(ia, &v)));
	ck_assert(!attrs_is_view(&a));
	ck_assert(attrs_equal(attrs_view(ia, &v), &a));
	/* interning a view of an interned set returns the set */
	ck_assert_ptr_eq(attrs_intern(t, attrs_view(ia, &v)), ia);
	attrs_unref(ia);
	/* the builder may change; the interned copy does not */
	a.med = 99;
	ck_assert_uint_eq(attrs_view(ia, &v)->med, 10);
	attrs_unref(ia);
	ck_assert_uint_eq(attr_table_count(t), 2);
	attrs_unref(ib);
	ck_assert_uint_eq(attr_table_count(t), 1);
	attrs_unref(ic);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attrs_free(&a);
	attrs_free(&b);
	attrs_free(&c);
	attr_table_free(t);
}
END_TEST

START_TEST(test_intern_many)
{
	struct attr_table *t = attr_table_new();
	const struct attr_set **sets = calloc(20000, sizeof(*sets));
	struct attrs a;

	/* 20,000 routes over 1,000 distinct sets hold 1,000 sets */
	for (int i = 0; i < 20000; i++) {
		make_set(&a, (uint32_t)(i % 1000), 7);
		sets[i] = attrs_intern(t, &a);
		attrs_free(&a);
	}
	ck_assert_uint_eq(attr_table_count(t), 1000);
	ck_assert_ptr_eq(sets[5], sets[1005]);
	for (int i = 0; i < 20000; i++)
		attrs_unref(sets[i]);
	ck_assert_uint_eq(attr_table_count(t), 0);
	free(sets);
	attr_table_free(t);
}
END_TEST

START_TEST(test_copy_and_reset)
{
	struct attr_table *t = attr_table_new();
	struct attrs a, b, v;
	const struct attr_set *ia;
	uint8_t raw[] = { 1, 2, 3, 4 };

	make_set(&a, 5, 9);
	attrs_set_raw(&a, 0xc0, 0x63, raw, sizeof(raw));
	attrs_set_raw(&a, 0xc0, 0x21, raw, 2);
	ck_assert_uint_eq(a.nraws, 2);
	ck_assert_uint_eq(a.raws[0].code, 0x21);	/* kept sorted */
	ia = attrs_intern(t, &a);
	attrs_init(&b);
	attrs_copy(&b, attrs_view(ia, &v));
	ck_assert(attrs_equal(&b, &a));
	attrs_del_raw(&b, 0x21);
	ck_assert_uint_eq(b.nraws, 1);
	ck_assert(!attrs_equal(&b, &a));
	attrs_reset(&b);
	ck_assert_uint_eq(b.has, 0);
	ck_assert_uint_eq(b.ncomms, 0);
	attrs_add_community(&b, 1);	/* reuse after reset */
	ck_assert_uint_eq(b.comms[0], 1);
	attrs_unref(ia);
	attrs_free(&a);
	attrs_free(&b);
	attr_table_free(t);
}
END_TEST

START_TEST(test_aspath_iterate)
{
	struct attrs a;
	uint32_t seq[] = { 1, 2, 3 }, set[] = { 10, 11 };
	size_t off = 0;
	uint8_t type, count;
	const uint8_t *asns;

	attrs_init(&a);
	attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, seq, 3);
	attrs_aspath_append(&a, BGP_ASPATH_SET, set, 2);
	ck_assert_uint_eq(attrs_aspath_length(&a), 4);
	ck_assert_int_eq(attrs_aspath_next(a.aspath, a.aspath_len, &off,
	    &type, &asns, &count), 0);
	ck_assert_uint_eq(type, BGP_ASPATH_SEQUENCE);
	ck_assert_uint_eq(count, 3);
	ck_assert_uint_eq(be32_get(asns + 8), 3);
	ck_assert_int_eq(attrs_aspath_next(a.aspath, a.aspath_len, &off,
	    &type, &asns, &count), 0);
	ck_assert_uint_eq(type, BGP_ASPATH_SET);
	ck_assert_int_eq(attrs_aspath_next(a.aspath, a.aspath_len, &off,
	    &type, &asns, &count), -1);
	/* a truncated segment is refused, not read past */
	off = 0;
	ck_assert_int_eq(attrs_aspath_next(a.aspath, 5, &off, &type, &asns,
	    &count), -1);
	attrs_free(&a);
}
END_TEST


/*
 * What an interned set costs (issue 13): a unique-MED set (ORIGIN IGP, an
 * empty AS_PATH, an IPv4 next hop, a MED) is a 24-byte block: 14 bytes
 * of header, the MED and the next hop; arrays take their count, their
 * alignment and their elements. A ratchet: a header grown by accident
 * shows here.
 */
START_TEST(test_intern_size)
{
	struct attr_table *t = attr_table_new();
	struct attr_table_mem m;
	struct attrs a, v;
	const struct attr_set *x, *y;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP |
	    ATTR_HAS_MED;
	addr_parse("192.0.2.1", &a.nexthop);
	a.med = 7;
	x = attrs_intern(t, &a);
	attr_table_memory(t, &m);
	ck_assert_uint_eq(m.sets, 1);
	ck_assert_uint_eq(m.set_bytes, 24);
	ck_assert_uint_ge(m.slab_bytes, m.set_bytes);
	attrs_view(x, &v);
	ck_assert_ptr_null(v.aspath);
	ck_assert_ptr_null(v.comms);
	ck_assert(v.has & ATTR_HAS_AS_PATH);
	/* three communities: a count, padding to 4, 12 bytes */
	attrs_add_community(&a, 3);
	attrs_add_community(&a, 1);
	attrs_add_community(&a, 2);
	y = attrs_intern(t, &a);
	attr_table_memory(t, &m);
	ck_assert_uint_eq(m.sets, 2);
	ck_assert_uint_eq(m.set_bytes, 24 + 40);
	attrs_view(y, &v);
	ck_assert_uint_eq(v.ncomms, 3);
	ck_assert_uint_eq(v.comms[0], 3);
	ck_assert_uint_eq(v.comms[2], 2);
	ck_assert_uint_eq((uintptr_t)v.comms % 4, 0);
	ck_assert(attrs_equal(&v, &a));
	attrs_unref(x);
	attrs_unref(y);
	attr_table_memory(t, &m);
	ck_assert_uint_eq(m.sets, 0);
	ck_assert_uint_eq(m.set_bytes, 0);
	attrs_free(&a);
	attr_table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("attrs");
	TCase *tc = tcase_create("attrs");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_canonicalize_sorts_and_dedups);
	tcase_add_test(tc, test_equal_and_hash);
	tcase_add_test(tc, test_intern_shares);
	tcase_add_test(tc, test_intern_many);
	tcase_add_test(tc, test_copy_and_reset);
	tcase_add_test(tc, test_aspath_iterate);
	tcase_add_test(tc, test_intern_size);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
