/*
 * rib_in: recording received UPDATEs in an Adj-RIB-In (rib_in.h), and
 * the prefetch before it changing nothing.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/adj_rib.h"
#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/rib_in.h"
#include "evbgp/update.h"

static const struct update_ctx ctx = {
	.asn4 = true, .ebgp = true,
	.families = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST),
};

/*
 * An UPDATE body: withdraw nw /32s from 10.1.0.0 on, announce na /32s
 * from 10.0.0.first on with MED med (none: 0), next hop 192.0.2.1.
 */
static size_t
make_update(uint8_t *b, unsigned first, unsigned na, unsigned nw,
    uint32_t med)
{
	size_t o = 0, al = 0;
	uint8_t *alen;

	b[o++] = (uint8_t)((nw * 5) >> 8);
	b[o++] = (uint8_t)(nw * 5);
	for (unsigned i = 0; i < nw; i++) {
		b[o++] = 32;
		be32_put(b + o, 0x0a010000u + i);
		o += 4;
	}
	alen = b + o;
	o += 2;
	if (na > 0) {
		uint8_t *a = b + o;

		a[al++] = 0x40; a[al++] = 1; a[al++] = 1; a[al++] = 0;
		a[al++] = 0x40; a[al++] = 2; a[al++] = 6;
		a[al++] = 2; a[al++] = 1;
		be32_put(a + al, 65002);
		al += 4;
		a[al++] = 0x40; a[al++] = 3; a[al++] = 4;
		be32_put(a + al, 0xc0000201);
		al += 4;
		if (med != 0) {
			a[al++] = 0x80; a[al++] = 4; a[al++] = 4;
			be32_put(a + al, med);
			al += 4;
		}
		o += al;
	}
	alen[0] = (uint8_t)(al >> 8);
	alen[1] = (uint8_t)al;
	for (unsigned i = 0; i < na; i++) {
		b[o++] = 32;
		be32_put(b + o, 0x0a000000u + first + i);
		o += 4;
	}
	return o;
}

static void
decode(const uint8_t *b, size_t len, struct update_msg *m)
{
	ck_assert_int_eq(update_decode(b, len, &ctx, m), UPD_OK);
}

static const struct attr_set *
lookup(const struct adj_rib *rib, uint32_t addr)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.afi = BGP_AFI_IPV4;
	p.len = 32;
	be32_put(p.b, addr);
	return adj_rib_lookup(rib, FAM_IPV4_UNICAST, &p, 0);
}

/* The routes of an UPDATE share one interned set; withdrawals remove;
 * the counts add up. */
START_TEST(test_record_counts_and_shares)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *rib = adj_rib_new_store();
	struct rib_in_counts c = { 0, 0 };
	struct update_msg m;
	uint8_t b[4096];
	struct attrs v;

	update_msg_init(&m);
	decode(b, make_update(b, 0, 3, 0, 7), &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_uint_eq(adj_rib_count(rib), 3);
	ck_assert_uint_eq(attr_table_count(t), 1);
	ck_assert_ptr_eq(lookup(rib, 0x0a000000), lookup(rib, 0x0a000002));
	ck_assert_uint_eq(attrs_view(lookup(rib, 0x0a000001), &v)->med, 7);
	/* the RIB's references, not the walk's */
	ck_assert_uint_eq(attrs_refcount(lookup(rib, 0x0a000000)), 3);
	/* 10.1.0.0/32 is not held: its withdrawal changes nothing */
	decode(b, make_update(b, 3, 1, 1, 8), &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_uint_eq(adj_rib_count(rib), 4);
	ck_assert_uint_eq(attr_table_count(t), 2);
	ck_assert_uint_eq(c.announced, 4);
	ck_assert_uint_eq(c.withdrawn, 1);
	update_msg_free(&m);
	adj_rib_free(rib);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

/* adj-rib-in false: counted, nothing held. */
START_TEST(test_no_rib_only_counts)
{
	struct attr_table *t = attr_table_new();
	struct rib_in_counts c = { 0, 0 };
	struct update_msg m;
	uint8_t b[4096];

	update_msg_init(&m);
	decode(b, make_update(b, 0, 5, 2, 9), &m);
	rib_in_prefetch(NULL, t, &m, 0);
	rib_in_record(NULL, t, &m, 0, &c);
	ck_assert_uint_eq(c.announced, 5);
	ck_assert_uint_eq(c.withdrawn, 2);
	ck_assert_uint_eq(attr_table_count(t), 0);
	update_msg_free(&m);
	attr_table_free(t);
}
END_TEST

/*
 * The prefetch before recording changes nothing, for UPDATEs of one
 * route and of many (which it leaves alone), announced or withdrawn:
 * the same table, the same sets, the same references as without it.
 */
START_TEST(test_prefetch_changes_nothing)
{
	struct attr_table *t1 = attr_table_new(), *t2 = attr_table_new();
	struct adj_rib *r1 = adj_rib_new_store(), *r2 = adj_rib_new_store();
	struct rib_in_counts c1 = { 0, 0 }, c2 = { 0, 0 };
	struct update_msg m;
	uint8_t b[4096];

	update_msg_init(&m);
	for (unsigned i = 0; i < 3000; i++) {
		/* one route a MED each, every 7th a burst of 200, every
		 * 11th a withdrawal */
		unsigned na = i % 7 == 0 ? 200 : 1, nw = i % 11 == 0 ? 1 : 0;

		decode(b, make_update(b, i, na, nw, i % 500 + 1), &m);
		rib_in_prefetch(r1, t1, &m, 0);
		ck_assert_uint_eq(adj_rib_count(r1), adj_rib_count(r2));
		ck_assert_uint_eq(attr_table_count(t1), attr_table_count(t2));
		rib_in_record(r1, t1, &m, 0, &c1);
		rib_in_record(r2, t2, &m, 0, &c2);
	}
	ck_assert_uint_eq(adj_rib_count(r1), adj_rib_count(r2));
	ck_assert_uint_eq(attr_table_count(t1), attr_table_count(t2));
	ck_assert_uint_eq(c1.announced, c2.announced);
	ck_assert_uint_eq(c1.withdrawn, c2.withdrawn);
	for (uint32_t a = 0x0a000000; a < 0x0a000000 + 3200; a++) {
		const struct attr_set *x = lookup(r1, a), *y = lookup(r2, a);
		struct attrs vx, vy;

		ck_assert_int_eq(x == NULL, y == NULL);
		if (x != NULL) {
			ck_assert(attrs_equal(attrs_view(x, &vx),
			    attrs_view(y, &vy)));
			ck_assert_uint_eq(attrs_refcount(x), attrs_refcount(y));
		}
	}
	update_msg_free(&m);
	adj_rib_free(r1);
	adj_rib_free(r2);
	attr_table_free(t1);
	attr_table_free(t2);
}
END_TEST

/*
 * The prefetch's encoding is taken by the record of the same decoding
 * only: not after the message was decoded again without a prefetch, not
 * after something else was interned into the table in between, not in
 * another table, and once. Each record must hold its own MED.
 */
static uint32_t
med_at(const struct adj_rib *rib, uint32_t addr)
{
	struct attrs v;

	ck_assert_ptr_nonnull(lookup(rib, addr));
	return attrs_view(lookup(rib, addr), &v)->med;
}

START_TEST(test_prefetched_encoding_not_stale)
{
	struct attr_table *t = attr_table_new(), *t2 = attr_table_new();
	struct adj_rib *rib = adj_rib_new_store(), *r2 = adj_rib_new_store();
	struct adj_rib *r3 = adj_rib_new_store();
	struct rib_in_counts c = { 0, 0 };
	const struct attr_set *other, *fresh;
	struct update_msg m, o;
	uint8_t b[4096], ob[4096];

	update_msg_init(&m);
	update_msg_init(&o);
	/* prefetched, never recorded; the next decoding recorded alone */
	decode(b, make_update(b, 0, 1, 0, 1), &m);
	rib_in_prefetch(rib, t, &m, 0);
	decode(b, make_update(b, 1, 1, 0, 2), &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_uint_eq(med_at(rib, 0x0a000001), 2);
	/* another set interned between the prefetch and the record */
	decode(b, make_update(b, 2, 1, 0, 3), &m);
	rib_in_prefetch(rib, t, &m, 0);
	decode(ob, make_update(ob, 9, 1, 0, 99), &o);
	other = attrs_intern(t, &o.attrs);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_uint_eq(med_at(rib, 0x0a000002), 3);
	/* prefetched in one table, recorded in another */
	decode(b, make_update(b, 3, 1, 0, 4), &m);
	rib_in_prefetch(rib, t, &m, 0);
	rib_in_record(r2, t2, &m, 0, &c);
	ck_assert_uint_eq(med_at(r2, 0x0a000003), 4);
	ck_assert_uint_eq(attr_table_count(t2), 1);
	/* taken, then the same decoding recorded again: the same set */
	decode(b, make_update(b, 4, 1, 0, 5), &m);
	rib_in_prefetch(rib, t, &m, 0);
	rib_in_record(rib, t, &m, 0, &c);
	rib_in_record(r3, t, &m, 0, &c);
	ck_assert_uint_eq(med_at(rib, 0x0a000004), 5);
	ck_assert_ptr_eq(lookup(rib, 0x0a000004), lookup(r3, 0x0a000004));
	fresh = attrs_intern(t, &m.attrs);
	ck_assert_ptr_eq(fresh, lookup(rib, 0x0a000004));
	ck_assert_uint_eq(attrs_refcount(fresh), 3);
	attrs_unref(fresh);
	attrs_unref(other);
	update_msg_free(&m);
	update_msg_free(&o);
	adj_rib_free(rib);
	adj_rib_free(r2);
	adj_rib_free(r3);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
	attr_table_free(t2);
}
END_TEST

/*
 * The prefetch's hashes of the routes' keys are taken by the record of
 * the same decoding only. Each case records a route other than the one
 * prefetched, at the same place in the same buffer (the same NLRI
 * address): had the first route's hash been used, the second would be
 * filed where no lookup finds it.
 */
START_TEST(test_prefetched_hash_not_stale)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *rib = adj_rib_new_store();
	struct rib_in_counts c = { 0, 0 };
	struct update_msg m;
	uint8_t b[4096];
	size_t len;

	update_msg_init(&m);
	/* prefetched, then the buffer decoded again (another route) and
	 * recorded without a prefetch */
	decode(b, make_update(b, 1, 1, 0, 1), &m);
	rib_in_prefetch(rib, t, &m, 0);
	decode(b, make_update(b, 7, 1, 0, 2), &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_ptr_nonnull(lookup(rib, 0x0a000007));
	ck_assert_ptr_null(lookup(rib, 0x0a000001));
	/* prefetched and recorded, then the buffer decoded again and
	 * recorded: the hashes were taken once */
	decode(b, make_update(b, 2, 1, 0, 3), &m);
	rib_in_prefetch(rib, t, &m, 0);
	rib_in_record(rib, t, &m, 0, &c);
	decode(b, make_update(b, 9, 1, 0, 4), &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_ptr_nonnull(lookup(rib, 0x0a000002));
	ck_assert_ptr_nonnull(lookup(rib, 0x0a000009));
	/* a withdrawal the same way: 10.1.0.0's prefetched, then the same
	 * octets but 10.1.0.5 decoded and recorded */
	decode(b, make_update(b, 0x10000, 1, 0, 6), &m);
	rib_in_record(rib, t, &m, 0, &c);
	decode(b, make_update(b, 0x10005, 1, 0, 6), &m);
	rib_in_record(rib, t, &m, 0, &c);
	len = make_update(b, 0, 0, 1, 0);
	decode(b, len, &m);
	rib_in_prefetch(rib, t, &m, 0);
	be32_put(b + 3, 0x0a010005);
	decode(b, len, &m);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_ptr_null(lookup(rib, 0x0a010005));
	ck_assert_ptr_nonnull(lookup(rib, 0x0a010000));
	/* the prefetched record itself uses them, for both kinds */
	decode(b, make_update(b, 3, 2, 1, 5), &m);
	rib_in_prefetch(rib, t, &m, 0);
	rib_in_record(rib, t, &m, 0, &c);
	ck_assert_uint_eq(med_at(rib, 0x0a000003), 5);
	ck_assert_uint_eq(med_at(rib, 0x0a000004), 5);
	ck_assert_ptr_null(lookup(rib, 0x0a010000));	/* its withdrawal */
	ck_assert_uint_eq(adj_rib_count(rib), 5);
	update_msg_free(&m);
	adj_rib_free(rib);
	attr_table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rib_in");
	TCase *tc = tcase_create("rib_in");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_record_counts_and_shares);
	tcase_add_test(tc, test_no_rib_only_counts);
	tcase_add_test(tc, test_prefetch_changes_nothing);
	tcase_add_test(tc, test_prefetched_encoding_not_stale);
	tcase_add_test(tc, test_prefetched_hash_not_stale);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
