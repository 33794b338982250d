/*
 * Interned attribute sets in their compact form (issue 13 point 2): every
 * attribute kind interns, reads back (attrs_view) and encodes to the same
 * bytes as the builder it came from; equal content is one set, any field
 * changed is another; references and the slab give memory back.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"

/* A set with every kind of attribute the struct holds. */
static void
make_full(struct attrs *a)
{
	uint32_t seq[] = { 65001, 4200000000u, 65003 };
	uint32_t set[] = { 64512, 64513 };
	uint8_t as4[] = { 2, 1, 0xfa, 0x56, 0xea, 0x00 };
	uint8_t raw1[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
	uint8_t raw2[] = { 0x00, 0x01, 0x00, 0x02 };

	attrs_init(a);
	a->has |= ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED |
	    ATTR_HAS_LOCAL_PREF | ATTR_HAS_ATOMIC_AGGR | ATTR_HAS_AGGREGATOR |
	    ATTR_HAS_ORIGINATOR_ID | ATTR_HAS_AS4_AGGREGATOR | ATTR_HAS_AIGP;
	a->origin = BGP_ORIGIN_EGP;
	addr_parse("2001:db8::1", &a->nexthop);
	addr_parse("fe80::1", &a->nexthop_ll);
	a->med = 4000000000u;
	a->local_pref = 200;
	a->aggregator_as = 65010;
	a->aggregator_id = 0xc0000201;
	a->as4_aggregator_as = 4200000001u;
	a->as4_aggregator_id = 0xc0000202;
	a->originator_id = 0x0a000001;
	a->aigp = 0x0102030405060708ull;
	attrs_aspath_append(a, BGP_ASPATH_SEQUENCE, seq, 3);
	attrs_aspath_append(a, BGP_ASPATH_SET, set, 2);
	attrs_set_as4path(a, as4, sizeof(as4));
	attrs_add_community(a, 0xfde80001);
	attrs_add_community(a, 0xffffff01);
	attrs_add_ext_community(a, 0x0002fde800000064ull);
	attrs_add_ext_community(a, 0x8006000000000000ull);
	attrs_add_large_community(a, 2914, 3320, 123);
	attrs_add_large_community(a, 4200000000u, 0, 4294967295u);
	attrs_add_cluster(a, 0x0a000002);
	attrs_add_cluster(a, 0x0a000003);
	attrs_set_raw(a, 0xc0, 0x63, raw1, sizeof(raw1));
	attrs_set_raw(a, 0xe0, 0x28, raw2, sizeof(raw2));
	attrs_set_raw(a, 0xc0, 0xf0, NULL, 0);	/* an empty one */
}

/* Encode a as an eBGP or iBGP session would, for fam: the length
 * written, negative when the encoder refused (a next hop it cannot
 * encode for fam: the same answer is wanted from both). */
static long
encode(const struct attrs *a, enum family_id fam, bool ibgp, uint8_t *buf,
    size_t cap)
{
	struct attr_encode_ctx ctx;
	struct wbuf w;
	uint8_t nlri[] = { 24, 10, 0, 0 };
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.asn4 = !ibgp;	/* the 2-octet path too: AS_TRANS, AS4_PATH */
	ctx.ibgp = ibgp;
	ctx.local_as = 65001;
	addr_parse("192.0.2.254", &ctx.local_v4);
	addr_parse("2001:db8::fe", &ctx.local_v6);
	ctx.ext_nexthop = FAMSET(FAM_IPV4_UNICAST);
	wbuf_init(&w, buf, cap);
	rc = attrs_encode(&w, a, &ctx, fam,
	    fam == FAM_IPV4_UNICAST ? NULL : nlri,
	    fam == FAM_IPV4_UNICAST ? 0 : sizeof(nlri));
	return rc < 0 ? -1 - (long)w.len : (long)w.len;
}

/* The set reads back as a and encodes to a's bytes. */
static void
assert_same_as(const struct attr_set *s, const struct attrs *a)
{
	static uint8_t x[8192], y[8192];
	struct attrs v;
	enum family_id fams[] = { FAM_IPV4_UNICAST, FAM_IPV6_UNICAST };
	int encoded = 0;

	attrs_view(s, &v);
	ck_assert(attrs_is_view(&v));
	ck_assert(attrs_equal(&v, a));
	ck_assert(attrs_equal(a, &v));
	ck_assert_uint_eq(attrs_hash(&v), attrs_hash(a));
	for (size_t f = 0; f < 2; f++)
		for (int ibgp = 0; ibgp < 2; ibgp++) {
			long nx = encode(a, fams[f], ibgp, x, sizeof(x));
			long ny = encode(&v, fams[f], ibgp, y, sizeof(y));

			ck_assert_int_eq(nx, ny);
			ck_assert_mem_eq(x, y, (size_t)(nx < 0 ? -1 - nx : nx));
			encoded += nx > 0;
		}
	/* a set with a next hop encodes for its own family at least */
	if (a->nexthop.afi != 0 || a->nexthop_self)
		ck_assert_int_gt(encoded, 0);
}

START_TEST(test_every_kind_round_trips)
{
	struct attr_table *t = attr_table_new();
	struct attrs a, b, v;
	const struct attr_set *s;

	make_full(&a);
	s = attrs_intern(t, &a);
	assert_same_as(s, &a);
	/* field by field, as a reader sees them */
	attrs_view(s, &v);
	ck_assert_uint_eq(v.origin, BGP_ORIGIN_EGP);
	ck_assert_uint_eq(v.med, 4000000000u);
	ck_assert_uint_eq(v.aigp, 0x0102030405060708ull);
	ck_assert_uint_eq(v.as4_aggregator_as, 4200000001u);
	ck_assert_uint_eq(v.aspath_len, a.aspath_len);
	ck_assert_mem_eq(v.aspath, a.aspath, a.aspath_len);
	ck_assert_mem_eq(v.as4path, a.as4path, a.as4path_len);
	ck_assert_uint_eq(v.nlcomms, 2);
	ck_assert_uint_eq(v.lcomms[1].local2, 4294967295u);
	ck_assert_uint_eq(v.nclusters, 2);
	ck_assert_uint_eq(v.clusters[1], 0x0a000003);
	ck_assert(v.ecomms[1] == 0x8006000000000000ull);
	ck_assert_uint_eq(v.nraws, 3);
	ck_assert_uint_eq(v.raws[0].code, 0x28);
	ck_assert_uint_eq(v.raws[1].len, 5);
	ck_assert_mem_eq(v.raws[1].data, a.raws[1].data, 5);
	ck_assert_uint_eq(v.raws[2].len, 0);
	/* the arrays are aligned for their type (UBSan would say too) */
	ck_assert_uint_eq((uintptr_t)v.comms % 4, 0);
	ck_assert_uint_eq((uintptr_t)v.lcomms % 4, 0);
	ck_assert_uint_eq((uintptr_t)v.clusters % 4, 0);
	ck_assert_uint_eq((uintptr_t)v.ecomms % 8, 0);
	ck_assert_uint_eq((uintptr_t)v.raws % 8, 0);
	/* a builder round-trips: copied back out, it is the same set */
	attrs_init(&b);
	attrs_copy(&b, &v);
	ck_assert(attrs_equal(&b, &a));
	ck_assert_ptr_eq(attrs_intern(t, &b), s);
	ck_assert_ptr_eq(attrs_intern(t, &v), s);
	ck_assert_uint_eq(attrs_refcount(s), 3);
	attrs_unref(s);
	attrs_unref(s);
	/* freeing a view does nothing to the set */
	attrs_free(&v);
	attrs_view(s, &v);
	ck_assert_uint_eq(v.ncomms, 2);
	attrs_unref(s);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attrs_free(&a);
	attrs_free(&b);
	attr_table_free(t);
}
END_TEST

/*
 * Each change of one field makes another set, whose view has the change;
 * the same change made twice finds the first.
 */
enum change {
	CH_ORIGIN, CH_NH_SELF, CH_NH, CH_NH_LL, CH_NH_AFI, CH_MED,
	CH_LOCAL_PREF, CH_ATOMIC, CH_AGGR_AS, CH_AGGR_ID, CH_AS4_AGGR,
	CH_ORIGINATOR, CH_AIGP, CH_ASPATH, CH_ASPATH_EMPTY, CH_AS4PATH,
	CH_COMM, CH_COMM_ORDER, CH_ECOMM, CH_LCOMM, CH_CLUSTER, CH_RAW_DATA,
	CH_RAW_FLAGS, CH_RAW_ADD, CH_RAW_DEL, CH_HAS_ONLY, CH_COUNT
};

static void
apply_change(struct attrs *a, enum change c)
{
	uint32_t asn = 65099;
	uint8_t d[] = { 9 };

	switch (c) {
	case CH_ORIGIN:		a->origin = BGP_ORIGIN_INCOMPLETE; break;
	case CH_NH_SELF:	a->nexthop_self = true; break;
	case CH_NH:		a->nexthop.b[15] ^= 1; break;
	case CH_NH_LL:		a->nexthop_ll.b[15] ^= 1; break;
	case CH_NH_AFI:		addr_from_u32(&a->nexthop, 1); break;
	case CH_MED:		a->med++; break;
	case CH_LOCAL_PREF:	a->local_pref = 0; break;
	case CH_ATOMIC:		a->has &= ~ATTR_HAS_ATOMIC_AGGR; break;
	case CH_AGGR_AS:	a->aggregator_as = 0; break;
	case CH_AGGR_ID:	a->aggregator_id++; break;
	case CH_AS4_AGGR:	a->as4_aggregator_id = 0; break;
	case CH_ORIGINATOR:	a->originator_id++; break;
	case CH_AIGP:		a->aigp = 1; break;
	case CH_ASPATH:
		attrs_aspath_append(a, BGP_ASPATH_SEQUENCE, &asn, 1);
		break;
	case CH_ASPATH_EMPTY:	attrs_set_aspath(a, NULL, 0); break;
	case CH_AS4PATH:	a->as4path[5] ^= 1; break;
	case CH_COMM:		attrs_add_community(a, 7); break;
	case CH_COMM_ORDER: {
		uint32_t c0 = a->comms[0];

		a->comms[0] = a->comms[1];
		a->comms[1] = c0;
		break;
	}
	case CH_ECOMM:		a->ecomms[0] ^= 1; break;
	case CH_LCOMM:		a->lcomms[0].local1 ^= 1; break;
	case CH_CLUSTER:	a->nclusters = 1; break;
	case CH_RAW_DATA:	a->raws[1].data[4] ^= 1; break;
	case CH_RAW_FLAGS:	a->raws[1].flags ^= BGP_ATTR_F_PARTIAL; break;
	case CH_RAW_ADD:	attrs_set_raw(a, 0xc0, 0x99, d, 1); break;
	case CH_RAW_DEL:	attrs_del_raw(a, 0xf0); break;
	case CH_HAS_ONLY:	a->has |= ATTR_HAS_COMMUNITIES |
				    ATTR_HAS_LARGE_COMM; a->has &=
				    ~ATTR_HAS_MED; break;
	case CH_COUNT:		break;
	}
}

START_TEST(test_each_field_counts)
{
	struct attr_table *t = attr_table_new();
	const struct attr_set *base, *sets[CH_COUNT];
	struct attrs a;

	make_full(&a);
	base = attrs_intern(t, &a);
	attrs_free(&a);
	for (int c = 0; c < CH_COUNT; c++) {
		make_full(&a);
		apply_change(&a, (enum change)c);
		sets[c] = attrs_intern(t, &a);
		ck_assert_msg(sets[c] != base, "change %d kept the set", c);
		assert_same_as(sets[c], &a);
		for (int d = 0; d < c; d++)
			ck_assert_msg(sets[c] != sets[d], "changes %d, %d", d,
			    c);
		/* the same change again: the same set */
		ck_assert_ptr_eq(attrs_intern(t, &a), sets[c]);
		attrs_unref(sets[c]);
		attrs_free(&a);
	}
	ck_assert_uint_eq(attr_table_count(t), 1 + CH_COUNT);
	for (int c = 0; c < CH_COUNT; c++)
		attrs_unref(sets[c]);
	attrs_unref(base);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

/* A builder with almost nothing, and an empty one, intern too. */
START_TEST(test_sparse_sets)
{
	struct attr_table *t = attr_table_new();
	struct attrs a;
	const struct attr_set *empty, *one;

	attrs_init(&a);
	empty = attrs_intern(t, &a);
	assert_same_as(empty, &a);
	a.has = ATTR_HAS_AS_PATH | ATTR_HAS_COMMUNITIES;	/* both empty */
	one = attrs_intern(t, &a);
	ck_assert_ptr_ne(one, empty);
	assert_same_as(one, &a);
	attrs_unref(empty);
	attrs_unref(one);
	attrs_free(&a);
	attr_table_free(t);
}
END_TEST

/*
 * References: the last release frees the set (its bytes go back), a block
 * freed is reused by the next set of its size, and no chunk is added.
 */
START_TEST(test_refcount_frees)
{
	struct attr_table *t = attr_table_new();
	struct attr_table_mem m0, m1, m2;
	struct attrs a;
	const struct attr_set *s, *r;

	attrs_init(&a);
	a.has = ATTR_HAS_MED;
	a.med = 1;
	s = attrs_intern(t, &a);
	ck_assert_uint_eq(attrs_refcount(s), 1);
	ck_assert_ptr_eq(attrs_ref(s), s);
	ck_assert_uint_eq(attrs_refcount(s), 2);
	attr_table_memory(t, &m0);
	attrs_unref(s);
	ck_assert_uint_eq(attr_table_count(t), 1);
	attrs_unref(s);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_memory(t, &m1);
	ck_assert_uint_eq(m1.set_bytes, 0);
	ck_assert_uint_eq(m1.slab_bytes, m0.slab_bytes);
	/* a set of the same size takes the freed block */
	a.med = 2;
	r = attrs_intern(t, &a);
	ck_assert_ptr_eq(r, s);
	attr_table_memory(t, &m2);
	ck_assert_uint_eq(m2.set_bytes, m0.set_bytes);
	ck_assert_uint_eq(m2.slab_bytes, m0.slab_bytes);
	/* a NULL set is nothing to release */
	attrs_unref(NULL);
	attrs_unref(r);
	attrs_free(&a);
	attr_table_free(t);
}
END_TEST

/*
 * A set bigger than a slab chunk (a configuration may hold one) gets a
 * chunk of its own, given back with the set; a table freed while sets are
 * held lasts until the last is released (ASan sees the rest).
 */
START_TEST(test_big_set_and_late_release)
{
	struct attr_table *t = attr_table_new();
	struct attr_table_mem m0, m1;
	struct attrs a, v;
	const struct attr_set *big, *small;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN;
	small = attrs_intern(t, &a);
	attr_table_memory(t, &m0);
	for (uint32_t i = 0; i < 300000; i++)
		attrs_add_community(&a, i);
	big = attrs_intern(t, &a);
	ck_assert(attrs_equal(attrs_view(big, &v), &a));	/* too big
								 * to encode */
	attr_table_memory(t, &m1);
	ck_assert_uint_ge(m1.slab_bytes, m0.slab_bytes + 1200000);
	ck_assert_ptr_eq(attrs_intern(t, &a), big);
	attrs_unref(big);
	attrs_unref(big);
	attr_table_memory(t, &m1);
	ck_assert_uint_eq(m1.slab_bytes, m0.slab_bytes);
	ck_assert_uint_eq(m1.set_bytes, m0.set_bytes);
	attrs_free(&a);
	attr_table_free(t);		/* small is still held */
	attrs_view(small, &v);
	ck_assert_uint_eq(v.has, ATTR_HAS_ORIGIN);
	attrs_unref(small);		/* frees the table */
}
END_TEST

/* The set with MED med (and nothing else), one more reference. */
static const struct attr_set *
med_set(struct attr_table *t, uint32_t med)
{
	struct attrs a;

	attrs_init(&a);
	a.has = ATTR_HAS_MED;
	a.med = med;
	return attrs_intern(t, &a);
}

/* s is named by a nonzero id that names s back in its table. */
static uint32_t
assert_named(struct attr_table *t, const struct attr_set *s)
{
	uint32_t id = attrs_set_id(t, s);

	ck_assert_uint_ne(id, 0);
	ck_assert_ptr_eq(attrs_set_at(t, id), s);
	ck_assert_ptr_eq(attrs_set_table(s), t);
	return id;
}

/* Release n sets (the last of table t) and the arrays. */
static void
release_sets(struct attr_table *t, const struct attr_set **sets,
    uint32_t *ids, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		attrs_unref(sets[i]);
	ck_assert_uint_eq(attr_table_count(t), 0);
	free(sets);
	free(ids);
}

static int
cmp_id(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * Set ids (what the Adj-RIB stores instead of pointers): 200,000 sets
 * fill the slab's chunks from 4 KiB to many of 1 MiB, and a set bigger
 * than a chunk gets one of its own; every set's id names it back, in
 * the order interned (the last chunk answers) and scattered (the chunks
 * bisected), the ids are distinct, and NULL is 0.
 */
START_TEST(test_set_ids_round_trip)
{
	enum { N = 200000 };
	struct attr_table *t = attr_table_new();
	const struct attr_set **sets = calloc(N, sizeof(*sets));
	uint32_t *ids = calloc(N, sizeof(*ids));
	const struct attr_set *big;
	struct attr_table_mem m;
	struct attrs a;

	ck_assert_uint_eq(attrs_set_id(t, NULL), 0);
	ck_assert_ptr_null(attrs_set_at(t, 0));
	for (unsigned i = 0; i < N; i++) {
		sets[i] = med_set(t, i);
		ids[i] = assert_named(t, sets[i]);
	}
	attr_table_memory(t, &m);
	ck_assert_uint_ge(m.slab_bytes, (size_t)N * 16);	/* 3 MiB+ */
	attrs_init(&a);
	for (uint32_t i = 0; i < 300000; i++)
		attrs_add_community(&a, i);
	big = attrs_intern(t, &a);
	attrs_free(&a);
	assert_named(t, big);
	/* scattered: every lookup in another chunk than the last */
	for (unsigned i = 0; i < N; i++) {
		unsigned j = (unsigned)(((uint64_t)i * 7919) % N);

		ck_assert_uint_eq(attrs_set_id(t, sets[j]), ids[j]);
		ck_assert_ptr_eq(attrs_set_at(t, ids[j]), sets[j]);
		if (i % 1000 == 0)
			assert_named(t, big);
	}
	ck_assert_uint_ne(attrs_set_id(t, big), attrs_set_id(t, sets[0]));
	qsort(ids, N, sizeof(*ids), cmp_id);
	for (unsigned i = 1; i < N; i++)
		ck_assert_uint_lt(ids[i - 1], ids[i]);
	attrs_unref(big);
	release_sets(t, sets, ids, N);
	attr_table_free(t);
}
END_TEST

/*
 * Ids through frees: a freed block's next set has its id (the block is
 * reused), the sets left keep theirs, and a big set's own chunk given
 * back (the one named last) then taken again by a bigger set names the
 * new one right. Two tables name their sets each in its own slab.
 */
START_TEST(test_set_ids_after_free)
{
	enum { N = 50000 };
	struct attr_table *t = attr_table_new(), *u = attr_table_new();
	const struct attr_set **sets = calloc(N, sizeof(*sets));
	uint32_t *ids = calloc(N, sizeof(*ids));
	const struct attr_set *big, *s, *other;
	uint32_t big_id;
	struct attrs a;

	for (unsigned i = 0; i < N; i++) {
		sets[i] = med_set(t, i);
		ids[i] = assert_named(t, sets[i]);
	}
	attrs_init(&a);
	for (uint32_t i = 0; i < 300000; i++)
		attrs_add_community(&a, i);
	big = attrs_intern(t, &a);
	big_id = assert_named(t, big);
	attrs_unref(big);			/* its chunk goes */
	for (uint32_t i = 300000; i < 400000; i++)
		attrs_add_community(&a, i);
	big = attrs_intern(t, &a);
	attrs_free(&a);
	/* the chunk's number, free again, is its: the id is the one freed */
	ck_assert_uint_eq(assert_named(t, big), big_id);
	/* every third set goes; sets of the same size take their blocks */
	for (unsigned i = 0; i < N; i += 3)
		attrs_unref(sets[i]);
	for (unsigned i = 0; i < N; i += 3) {
		sets[i] = med_set(t, N + i);
		ids[i] = assert_named(t, sets[i]);
	}
	for (unsigned i = 0; i < N; i++) {
		unsigned j = (unsigned)(((uint64_t)i * 7919) % N);

		ck_assert_uint_eq(assert_named(t, sets[j]), ids[j]);
	}
	/* the last freed block is the first reused: same block, same id */
	s = sets[N - 1];
	attrs_unref(s);
	sets[N - 1] = med_set(t, 2 * N);
	ck_assert_ptr_eq(sets[N - 1], s);
	ck_assert_uint_eq(assert_named(t, sets[N - 1]), ids[N - 1]);
	/* another table: its own ids, its own slab */
	other = med_set(u, 7);
	assert_named(u, other);
	ck_assert_ptr_ne(attrs_set_table(other), t);
	ck_assert_ptr_eq(attrs_set_at(u, attrs_set_id(u, other)), other);
	attrs_unref(other);
	attrs_unref(big);
	release_sets(t, sets, ids, N);
	attr_table_free(u);
	attr_table_free(t);
}
END_TEST

/* A set named in another table than its own: a caller's bug, fatal
 * (its id there would name another set, or none). */
START_TEST(test_set_id_of_another_table_refused)
{
	struct attr_table *t = attr_table_new(), *u = attr_table_new();
	const struct attr_set *s = med_set(t, 1);

	assert_named(t, s);
	(void)attrs_set_id(u, s);	/* aborts */
	ck_abort_msg("a set of another table was named");
}
END_TEST

/* xorshift: repeatable sets of every shape */
static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
make_random(struct attrs *a, uint64_t *x)
{
	uint8_t raw[40];
	uint32_t asns[12];

	attrs_init(a);
	a->has = (uint32_t)rnd(x) & 0x7fff;
	if (rnd(x) & 1)
		a->origin = (uint8_t)(rnd(x) % 3);
	if (rnd(x) & 1)
		a->med = (uint32_t)rnd(x);
	if (rnd(x) & 1)
		a->local_pref = (uint32_t)rnd(x);
	if (rnd(x) & 1)
		addr_from_u32(&a->nexthop, (uint32_t)rnd(x));
	else if (rnd(x) & 1) {
		addr_parse("2001:db8::1", &a->nexthop);
		a->nexthop.b[15] = (uint8_t)rnd(x);
		if (rnd(x) & 1)
			addr_parse("fe80::2", &a->nexthop_ll);
	}
	a->nexthop_self = (rnd(x) & 7) == 0;
	if (rnd(x) & 1)
		a->aigp = rnd(x);
	for (unsigned n = (unsigned)(rnd(x) % 3); n > 0; n--) {
		unsigned k = (unsigned)(rnd(x) % 12) + 1;

		for (unsigned i = 0; i < k; i++)
			asns[i] = (uint32_t)rnd(x);
		attrs_aspath_append(a, 2, asns, k);
	}
	for (unsigned n = (unsigned)(rnd(x) % 5); n > 0; n--)
		attrs_add_community(a, (uint32_t)rnd(x));
	for (unsigned n = (unsigned)(rnd(x) % 3); n > 0; n--)
		attrs_add_ext_community(a, rnd(x));
	for (unsigned n = (unsigned)(rnd(x) % 3); n > 0; n--)
		attrs_add_large_community(a, (uint32_t)rnd(x), 1, 2);
	for (unsigned n = (unsigned)(rnd(x) % 3); n > 0; n--)
		attrs_add_cluster(a, (uint32_t)rnd(x));
	for (unsigned n = (unsigned)(rnd(x) % 3); n > 0; n--) {
		uint16_t len = (uint16_t)(rnd(x) % sizeof(raw));

		for (unsigned i = 0; i < len; i++)
			raw[i] = (uint8_t)rnd(x);
		attrs_set_raw(a, 0xc0, (uint8_t)(0x80 + rnd(x) % 64), raw,
		    len);
	}
}

/*
 * Many sets of every shape through a growing table (its buckets move a
 * step at a time): each reads back as built, interning it again finds
 * it, and releasing them in a scattered order empties the table.
 */
START_TEST(test_many_random_sets)
{
	enum { N = 30000 };
	struct attr_table *t = attr_table_new();
	const struct attr_set **sets = calloc(N, sizeof(*sets));
	struct attr_table_mem m;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct attrs a, v;

	for (unsigned i = 0; i < N; i++) {
		make_random(&a, &x);
		sets[i] = attrs_intern(t, &a);
		ck_assert(attrs_equal(attrs_view(sets[i], &v), &a));
		attrs_free(&a);
	}
	x = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < N; i++) {
		make_random(&a, &x);
		ck_assert_ptr_eq(attrs_intern(t, &a), sets[i]);
		attrs_unref(sets[i]);
		/* sets of every size, named in their order */
		ck_assert_ptr_eq(attrs_set_at(t, attrs_set_id(t, sets[i])),
		    sets[i]);
		if (i % 997 == 0)
			assert_same_as(sets[i], &a);
		attrs_free(&a);
	}
	for (unsigned i = 0; i < N; i++) {
		unsigned j = (unsigned)(((uint64_t)i * 7919) % N);

		attrs_unref(sets[j]);
	}
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_memory(t, &m);
	ck_assert_uint_eq(m.set_bytes, 0);
	free(sets);
	attr_table_free(t);
}
END_TEST

/*
 * A table that turns over many more sets than it holds (a MED per route,
 * routes replaced again and again): every release leaves a tombstone in
 * the index, and the index sheds them instead of growing. 1,000 sets
 * held while 200,000 distinct ones come and go; each is found again
 * while held, and the index stays the size 1,000 sets need.
 */
START_TEST(test_churn_keeps_index_small)
{
	enum { HELD = 1000, TOTAL = 200000 };
	struct attr_table *t = attr_table_new();
	const struct attr_set *held[HELD] = { NULL };
	struct attr_table_mem m;
	struct attrs a;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_MED | ATTR_HAS_NEXT_HOP;
	a.nexthop.afi = BGP_AFI_IPV4;
	a.nexthop.b[0] = 192;
	for (uint32_t i = 1; i <= TOTAL; i++) {
		unsigned slot = i % HELD;

		attrs_unref(held[slot]);
		a.med = i;
		held[slot] = attrs_intern(t, &a);
		ck_assert_ptr_eq(attrs_intern(t, &a), held[slot]);
		attrs_unref(held[slot]);
		if (i % 4999 == 0) {
			/* the one held longest is still found */
			a.med = i - HELD + 1;
			ck_assert_ptr_eq(attrs_intern(t, &a),
			    held[(i + 1) % HELD]);
			attrs_unref(held[(i + 1) % HELD]);
		}
	}
	ck_assert_uint_eq(attr_table_count(t), HELD);
	attr_table_memory(t, &m);
	/* 1,000 sets at most half full: 2,048 or 4,096 slots of 5 bytes
	 * (8,192 while a move is under way), never one per set turned over */
	ck_assert_uint_le(m.bucket_bytes, (size_t)(4096 + 8192) * 5);
	for (unsigned i = 0; i < HELD; i++)
		attrs_unref(held[i]);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attrs_free(&a);
	attr_table_free(t);
}
END_TEST

/*
 * 100,000 sets interned, then all but 10 released (a session's routes
 * gone): the index goes back to its smallest size rather than keeping
 * 2 MiB of tombstones, and the 10 left are still found.
 */
START_TEST(test_release_shrinks_index)
{
	enum { N = 100000, KEEP = 10 };
	struct attr_table *t = attr_table_new();
	const struct attr_set **sets = calloc(N, sizeof(*sets));
	struct attr_table_mem m;
	struct attrs a;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_MED;
	for (uint32_t i = 0; i < N; i++) {
		a.med = i + 1;
		sets[i] = attrs_intern(t, &a);
	}
	attr_table_memory(t, &m);
	ck_assert_uint_ge(m.bucket_bytes, (size_t)N * 2 * 5);
	for (uint32_t i = KEEP; i < N; i++)
		attrs_unref(sets[i]);
	ck_assert_uint_eq(attr_table_count(t), KEEP);
	attr_table_memory(t, &m);
	/* 256 slots, or 512 and the 256 being moved to */
	ck_assert_uint_le(m.bucket_bytes, (size_t)(512 + 256) * 5);
	for (uint32_t i = 0; i < KEEP; i++) {
		a.med = i + 1;
		ck_assert_ptr_eq(attrs_intern(t, &a), sets[i]);
		attrs_unref(sets[i]);
		attrs_unref(sets[i]);
	}
	ck_assert_uint_eq(attr_table_count(t), 0);
	attrs_free(&a);
	free(sets);
	attr_table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("attr_set");
	TCase *tc = tcase_create("attr_set");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_every_kind_round_trips);
	tcase_add_test(tc, test_each_field_counts);
	tcase_add_test(tc, test_sparse_sets);
	tcase_add_test(tc, test_refcount_frees);
	tcase_add_test(tc, test_set_ids_round_trip);
	tcase_add_test(tc, test_set_ids_after_free);
	tcase_add_test_raise_signal(tc, test_set_id_of_another_table_refused,
	    SIGABRT);
	tcase_add_test(tc, test_big_set_and_late_release);
	tcase_add_test(tc, test_many_random_sets);
	tcase_add_test(tc, test_churn_keeps_index_small);
	tcase_add_test(tc, test_release_shrinks_index);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
