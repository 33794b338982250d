/*
 * The tag+ref index (issue 13: 5-byte slots): keys whose hashes share a
 * tag and a home slot are told apart by the caller's comparison, a probe
 * wraps around the end of the array, tombstones are reused, and keys
 * stay found while the index moves to a larger or smaller array a step
 * at a time; checked against a plain model under random operations.
 *
 * The keys here are small integers; a key's hash is what the test says
 * it is (hash_of[]), so that collisions are chosen, not hoped for. A ref
 * is the key itself.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/tag_index.h"

#define NKEYS	4096

static uint32_t hash_of[NKEYS];
static unsigned hash_calls;
/* the refs the last prefetches (hashes NULL) asked for */
static uint32_t asked[NKEYS];
static size_t nasked;

static void
test_hashes(void *arg, const uint32_t *refs, size_t n, uint32_t *hashes)
{
	(void)arg;
	for (size_t j = 0; j < n; j++) {
		ck_assert_uint_lt(refs[j], NKEYS);
		if (hashes == NULL) {
			ck_assert_uint_lt(nasked, NKEYS);
			asked[nasked++] = refs[j];
		} else
			hashes[j] = hash_of[refs[j]];
	}
	if (hashes != NULL)
		hash_calls += (unsigned)n;
}

/* Is key in the index (the caller's loop over candidates)? */
static bool
has(const struct tag_index *ix, uint32_t key, unsigned *candidates)
{
	struct tag_cursor c;
	uint32_t h = hash_of[key], ref;

	tag_index_find(ix, h, &c);
	while (tag_index_next(&c, h, &ref)) {
		if (candidates != NULL)
			(*candidates)++;
		if (ref == key)
			return true;
	}
	return false;
}

static bool
del(struct tag_index *ix, uint32_t key)
{
	struct tag_cursor c;
	uint32_t h = hash_of[key], ref;

	tag_index_find(ix, h, &c);
	while (tag_index_next(&c, h, &ref))
		if (ref == key) {
			tag_cursor_remove(&c);
			return true;
		}
	return false;
}

/* A hash of tag byte t (its low 8 bits) and home slot home in an array
 * of n slots (its top log2(n) bits). */
static uint32_t
make_hash(uint8_t t, uint32_t home, size_t n)
{
	unsigned bits = (unsigned)__builtin_ctzll(n);

	return (uint32_t)((uint64_t)(home & (n - 1)) << (32 - bits)) | t;
}

/*
 * 100 keys with the same hash: one tag, one home slot. Every one is a
 * candidate of every other's probe; the caller's comparison alone finds
 * the right one, and a key not added is not found after walking them all.
 */
START_TEST(test_equal_tags_told_apart)
{
	enum { K = 100 };
	struct tag_index ix;
	unsigned cand = 0;

	tag_index_init(&ix, 256);
	for (uint32_t k = 0; k <= K; k++)
		hash_of[k] = make_hash(0x5a, 7, 256);
	for (uint32_t k = 0; k < K; k++) {
		ck_assert(!has(&ix, k, NULL));
		tag_index_put(&ix, hash_of[k], k);
	}
	for (uint32_t k = 0; k < K; k++) {
		cand = 0;
		ck_assert_msg(has(&ix, k, &cand), "key %u lost", k);
		/* keys went in in order: key k is the (k+1)th candidate */
		ck_assert_uint_eq(cand, k + 1);
	}
	cand = 0;
	ck_assert(!has(&ix, K, &cand));	/* same hash, never added */
	ck_assert_uint_eq(cand, K);
	/* a key with another tag at the same home: no candidate read */
	hash_of[K] = make_hash(0x5b, 7, 256);
	cand = 0;
	ck_assert(!has(&ix, K, &cand));
	ck_assert_uint_eq(cand, 0);
	/* removing from the middle of the run keeps the rest found */
	for (uint32_t k = 0; k < K; k += 3)
		ck_assert(del(&ix, k));
	for (uint32_t k = 0; k < K; k++)
		ck_assert_uint_eq(has(&ix, k, NULL), k % 3 != 0);
	tag_index_fini(&ix);
}
END_TEST

/* The tags 0 and 1 mean empty and tombstone: hashes whose low byte is 0
 * or 1 still make keys that are found and removed. */
START_TEST(test_low_tags_are_keys)
{
	struct tag_index ix;

	tag_index_init(&ix, 64);
	hash_of[0] = make_hash(0, 3, 64);
	hash_of[1] = make_hash(1, 3, 64);
	hash_of[2] = make_hash(2, 3, 64);	/* the tag 0 maps to */
	for (uint32_t k = 0; k < 3; k++)
		tag_index_put(&ix, hash_of[k], k);
	for (uint32_t k = 0; k < 3; k++)
		ck_assert(has(&ix, k, NULL));
	ck_assert_uint_ge(ix.tag[3], 2);
	ck_assert_uint_ge(ix.tag[4], 2);
	ck_assert(del(&ix, 0));
	ck_assert(!has(&ix, 0, NULL));
	ck_assert(has(&ix, 1, NULL) && has(&ix, 2, NULL));
	tag_index_fini(&ix);
}
END_TEST

/* Keys at home in the last slots probe on from slot 0. */
START_TEST(test_probe_wraps)
{
	struct tag_index ix;

	tag_index_init(&ix, 64);
	for (uint32_t k = 0; k < 6; k++)
		hash_of[k] = make_hash((uint8_t)(0x80 + (k & 1)), 62, 64);
	for (uint32_t k = 0; k < 6; k++)
		tag_index_put(&ix, hash_of[k], k);
	/* slots 62, 63, then 0 .. 3 */
	ck_assert_uint_eq(ix.ref[62], 0);
	ck_assert_uint_eq(ix.ref[63], 1);
	ck_assert_uint_eq(ix.ref[0], 2);
	ck_assert_uint_eq(ix.ref[3], 5);
	ck_assert_uint_eq(ix.tag[4], TAG_EMPTY);
	for (uint32_t k = 0; k < 6; k++)
		ck_assert(has(&ix, k, NULL));
	/* a tombstone at the end of the array does not cut the chain */
	ck_assert(del(&ix, 1));
	ck_assert_uint_eq(ix.tag[63], TAG_TOMB);
	for (uint32_t k = 2; k < 6; k++)
		ck_assert(has(&ix, k, NULL));
	ck_assert(!has(&ix, 1, NULL));
	tag_index_fini(&ix);
}
END_TEST

/* A removed key's slot takes the next key put on its chain: the count of
 * used slots (which decides growth) does not rise. */
START_TEST(test_tombstone_reused)
{
	struct tag_index ix;
	size_t used;

	tag_index_init(&ix, 64);
	for (uint32_t k = 0; k < 10; k++) {
		hash_of[k] = make_hash((uint8_t)(10 + k), 20, 64);
		tag_index_put(&ix, hash_of[k], k);
	}
	used = ix.used;
	ck_assert_uint_eq(used, 10);
	ck_assert(del(&ix, 4));		/* slot 24 */
	ck_assert_uint_eq(ix.tag[24], TAG_TOMB);
	hash_of[10] = make_hash(99, 21, 64);
	tag_index_put(&ix, hash_of[10], 10);
	ck_assert_uint_eq(ix.ref[24], 10);
	ck_assert_uint_eq(ix.used, used);
	for (uint32_t k = 0; k <= 10; k++)
		ck_assert_uint_eq(has(&ix, k, NULL), k != 4);
	tag_index_fini(&ix);
}
END_TEST

/*
 * Growth, then a shrink started while the growth was still moving, with
 * keys put, found and removed at every step of both moves; keys that
 * share tags and homes among themselves throughout.
 */
START_TEST(test_resize_while_migrating)
{
	enum { K = 1000 };
	struct tag_index ix;
	bool in[K] = { false };

	for (uint32_t k = 0; k < K; k++)	/* 16 homes, 4 tags */
		hash_of[k] = make_hash((uint8_t)(200 + k % 4), (k * 7) % 16 *
		    131, 4096);
	tag_index_init(&ix, 4096);
	for (uint32_t k = 0; k < K / 2; k++) {
		tag_index_put(&ix, hash_of[k], k);
		in[k] = true;
	}
	tag_index_resize(&ix, 8192, test_hashes, NULL);
	ck_assert_ptr_nonnull(ix.otag);
	for (uint32_t k = K / 2; k < K; k++) {
		tag_index_migrate(&ix, 5, test_hashes, NULL);
		tag_index_put(&ix, hash_of[k], k);
		in[k] = true;
		if (k % 3 == 0) {
			uint32_t gone = k - K / 2;

			ck_assert(del(&ix, gone));
			in[gone] = false;
		}
		for (uint32_t j = 0; j < K; j += 37)
			ck_assert_uint_eq(has(&ix, j, NULL), in[j]);
	}
	ck_assert_ptr_nonnull(ix.otag);	/* still moving */
	ck_assert_uint_lt(ix.moved, ix.on);
	/* a shrink now finishes that move first */
	tag_index_resize(&ix, 2048, test_hashes, NULL);
	ck_assert_uint_eq(ix.on, 8192);
	ck_assert_uint_eq(ix.n, 2048);
	for (uint32_t k = 0; k < K; k++) {
		tag_index_migrate(&ix, 7, test_hashes, NULL);
		if (in[k] && k % 2 == 0) {
			ck_assert(del(&ix, k));
			in[k] = false;
		}
		for (uint32_t j = 0; j < K; j += 41)
			ck_assert_uint_eq(has(&ix, j, NULL), in[j]);
	}
	tag_index_migrate(&ix, SIZE_MAX, test_hashes, NULL);
	ck_assert_ptr_null(ix.otag);
	ck_assert_uint_eq(tag_index_bytes(&ix), 2048 * 5);
	for (uint32_t k = 0; k < K; k++)
		ck_assert_uint_eq(has(&ix, k, NULL), in[k]);
	tag_index_fini(&ix);
}
END_TEST

/*
 * A move writes the new array in the order it reads the old one: homes
 * are the hash's top bits, so the slots at home H move to 2H or 2H+1 in
 * an array twice the size. Half the old array moved leaves the second
 * half of the new one untouched (with homes from the low bits, moved
 * keys would land anywhere: a cache miss each in a big array).
 */
START_TEST(test_move_follows_old_order)
{
	enum { K = 300 };
	struct tag_index ix;
	uint64_t x = 0x2545F4914F6CDD1Dull;

	tag_index_init(&ix, 1024);
	for (uint32_t k = 0; k < K; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* home 3k of 1024 (no two share one), random bits below */
		hash_of[k] = make_hash((uint8_t)(x >> 56), 3 * k, 1024) |
		    (uint32_t)(x & 0x3FFF00);
		tag_index_put(&ix, hash_of[k], k);
	}
	tag_index_resize(&ix, 2048, test_hashes, NULL);
	tag_index_migrate(&ix, 512, test_hashes, NULL);
	ck_assert_uint_eq(ix.moved, 512);
	for (uint32_t k = 0; k < K; k++) {
		size_t home = hash_of[k] >> 21;	/* of 2048 */

		if (3 * k < 512)
			ck_assert_uint_eq(ix.ref[home], k);
		ck_assert(has(&ix, k, NULL));
	}
	for (size_t s = 1024; s < 2048; s++)
		ck_assert_uint_eq(ix.tag[s], TAG_EMPTY);
	tag_index_fini(&ix);
}
END_TEST

/*
 * A step of a move asks (the callback's prefetch) for the keys of the
 * slots the next step of the same size moves, in their order, and only
 * for those: their cache misses then overlap the caller's work between
 * two changes. The last step asks for nothing.
 */
START_TEST(test_move_asks_ahead)
{
	enum { K = 200 };
	struct tag_index ix;
	size_t next_before;

	tag_index_init(&ix, 512);
	for (uint32_t k = 0; k < K; k++) {
		hash_of[k] = make_hash((uint8_t)(k + 7), 2 * k + 1, 512);
		tag_index_put(&ix, hash_of[k], k);
	}
	tag_index_resize(&ix, 1024, test_hashes, NULL);
	nasked = 0;
	tag_index_migrate(&ix, 100, test_hashes, NULL);
	/* slots 100 .. 199 hold keys 50 .. 99 (home 2k + 1, no
	 * collisions) */
	ck_assert_uint_eq(nasked, 50);
	for (size_t j = 0; j < nasked; j++)
		ck_assert_uint_eq(asked[j], 50 + j);
	next_before = ix.moved;
	nasked = 0;
	tag_index_migrate(&ix, 100, test_hashes, NULL);
	ck_assert_uint_eq(ix.moved, next_before + 100);
	ck_assert_uint_eq(asked[0], 100);
	nasked = 0;
	tag_index_migrate(&ix, SIZE_MAX, test_hashes, NULL);
	ck_assert_ptr_null(ix.otag);
	ck_assert_uint_eq(nasked, 0);
	for (uint32_t k = 0; k < K; k++)
		ck_assert(has(&ix, k, NULL));
	tag_index_fini(&ix);
}
END_TEST

/* A clone taken mid-move is its own: changes to one leave the other. */
START_TEST(test_clone_mid_move)
{
	struct tag_index ix, cp;

	tag_index_init(&ix, 64);
	for (uint32_t k = 0; k < 20; k++) {
		hash_of[k] = make_hash((uint8_t)(50 + k % 2), k % 5, 64);
		tag_index_put(&ix, hash_of[k], k);
	}
	tag_index_resize(&ix, 128, test_hashes, NULL);
	tag_index_migrate(&ix, 10, test_hashes, NULL);
	tag_index_clone(&cp, &ix);
	ck_assert(del(&ix, 3));
	ck_assert(!has(&ix, 3, NULL));
	ck_assert(has(&cp, 3, NULL));
	tag_index_migrate(&cp, SIZE_MAX, test_hashes, NULL);
	for (uint32_t k = 0; k < 20; k++) {
		ck_assert(has(&cp, k, NULL));
		ck_assert_uint_eq(has(&ix, k, NULL), k != 3);
	}
	tag_index_fini(&ix);
	tag_index_fini(&cp);
}
END_TEST

/*
 * Random puts and removals against a plain array, growing and shrinking
 * by the callers' rules (at most half full; grow to hold the keys a
 * quarter full), a step of the move on every change. Hashes are drawn
 * from a small set of tags and homes so that probes run long and wrap.
 */
START_TEST(test_random_against_model)
{
	struct tag_index ix;
	bool in[NKEYS] = { false };
	size_t live = 0;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	for (uint32_t k = 0; k < NKEYS; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		hash_of[k] = make_hash((uint8_t)(x % 6), (uint32_t)(x >> 20),
		    (size_t)1 << 24);
	}
	tag_index_init(&ix, 64);
	hash_calls = 0;
	for (unsigned op = 0; op < 200000; op++) {
		uint32_t k;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* more puts than removals in the first half */
		k = (uint32_t)(x % (op < 100000 ? NKEYS : NKEYS / 8));
		tag_index_migrate(&ix, 3, test_hashes, NULL);
		if (in[k]) {
			ck_assert(del(&ix, k));
			in[k] = false;
			live--;
		} else {
			ck_assert(!has(&ix, k, NULL));
			if (tag_index_full(&ix)) {
				size_t n = 64;

				while (n < (live + 1) * 4)
					n *= 2;
				tag_index_resize(&ix, n, test_hashes, NULL);
			}
			tag_index_put(&ix, hash_of[k], k);
			in[k] = true;
			live++;
		}
		ck_assert_uint_le(ix.used * 2, ix.n);
		if (op % 997 == 0)
			for (uint32_t j = 0; j < NKEYS; j++)
				ck_assert_uint_eq(has(&ix, j, NULL), in[j]);
	}
	ck_assert_uint_gt(hash_calls, 0);	/* moves happened */
	for (uint32_t j = 0; j < NKEYS; j++)
		ck_assert_uint_eq(has(&ix, j, NULL), in[j]);
	tag_index_fini(&ix);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tag_index");
	TCase *tc = tcase_create("tag_index");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_equal_tags_told_apart);
	tcase_add_test(tc, test_low_tags_are_keys);
	tcase_add_test(tc, test_probe_wraps);
	tcase_add_test(tc, test_tombstone_reused);
	tcase_add_test(tc, test_resize_while_migrating);
	tcase_add_test(tc, test_move_follows_old_order);
	tcase_add_test(tc, test_move_asks_ahead);
	tcase_add_test(tc, test_clone_mid_move);
	tcase_add_test(tc, test_random_against_model);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
