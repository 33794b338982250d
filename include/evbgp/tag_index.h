/*
 * An open-addressed index of 32-bit references (entry indices, set ids)
 * by a 32-bit hash of their key, 5 bytes a slot: two parallel arrays,
 * uint8_t tag[] and uint32_t ref[] (issue 13: 10^6 routes in 2^21 slots,
 * 10.5 bytes a route instead of 16.8 with 8-byte hash+ref slots).
 *
 * A key's home slot is the hash's top bits (h >> shift, shift = 32 -
 * log2(slots)), not its low ones: a move then writes the new array in
 * the order it reads the old one (a slot at home H goes home at 2H or
 * 2H+1 in an array twice the size, H in one the same size), a stream
 * instead of a cache miss per moved slot in arrays of megabytes. A tag
 * is 0 (empty), 1 (tombstone) or 2..255 taken from the hash's low byte,
 * which the position does not use below 2^24 slots.
 * A probe reads the tag array and reads ref, then the caller's key, only
 * on a tag match: the caller compares keys, walking the candidates with
 * tag_index_find and tag_index_next. Linear probing, power-of-two sizes,
 * at most half full (tombstones included).
 *
 * The index moves to a new array (larger, or the same size without its
 * tombstones, or smaller) a step at a time: the caller calls
 * tag_index_migrate on every change, so that a million keys never stop
 * the loop for a whole rehash. While the old array is there a key is in
 * exactly one of the two; moved slots become tombstones, which keep the
 * old probe chains whole. The slots keep no hash: a moved reference is
 * hashed again by the caller (tag_index_hash_fn, given a batch so that it
 * can prefetch what it reads).
 */
#ifndef EVBGP_TAG_INDEX_H
#define EVBGP_TAG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAG_EMPTY	0u
#define TAG_TOMB	1u

struct tag_index {
	uint8_t		*tag;
	uint32_t	*ref;
	size_t		 n;		/* power of two */
	unsigned	 shift;		/* 32 - log2(n): home = h >> shift */
	size_t		 used;		/* refs + tombstones in tag[] */
	uint8_t		*otag;		/* the arrays being moved from, or NULL */
	uint32_t	*oref;
	size_t		 on;
	unsigned	 oshift;
	size_t		 moved;		/* otag[0 .. moved) moved */
};

/* The hashes of refs[0 .. n) into hashes[]; hashes NULL: only ask for
 * what hashing them will read (a prefetch: they are to move soon). */
typedef void	tag_index_hash_fn(void *arg, const uint32_t *refs, size_t n,
		    uint32_t *hashes);

/* A walk over the candidates of one hash: the current array, then the
 * old one. */
struct tag_cursor {
	uint8_t		*tag;
	const uint32_t	*ref;
	size_t		 mask, pos;
	unsigned	 shift;
	uint8_t		 want;
	bool		 in_old;	/* the old array is being walked */
	const struct tag_index *ix;
};

void	tag_index_init(struct tag_index *ix, size_t n);
void	tag_index_fini(struct tag_index *ix);
void	tag_index_clone(struct tag_index *dst, const struct tag_index *src);
/* bytes held (both arrays while moving) */
size_t	tag_index_bytes(const struct tag_index *ix);
/* Put ref (hash h; its key not in the index) into the current array. */
void	tag_index_put(struct tag_index *ix, uint32_t h, uint32_t ref);
/* Move up to steps slots of the old array (SIZE_MAX: all). */
void	tag_index_migrate(struct tag_index *ix, size_t steps,
	    tag_index_hash_fn *hash, void *arg);
/* Finish a move still going, then start one to a new array of n slots
 * (a power of two, more than twice the refs held). */
void	tag_index_resize(struct tag_index *ix, size_t n,
	    tag_index_hash_fn *hash, void *arg);

static inline uint8_t
tag_index_tag(uint32_t h)
{
	uint8_t t = (uint8_t)h;

	return t < 2 ? (uint8_t)(t + 2) : t;
}

/* The home slot of hash h in an array of 2^(32 - shift) slots (a 64-bit
 * shift: one slot is a shift of 32). */
static inline size_t
tag_index_home(uint32_t h, unsigned shift)
{
	return (size_t)((uint64_t)h >> shift);
}

/* Would one more key make the current array more than half full? */
static inline bool
tag_index_full(const struct tag_index *ix)
{
	return (ix->used + 1) * 2 > ix->n;
}

static inline void
tag_index_prefetch(const struct tag_index *ix, uint32_t h)
{
	size_t s = tag_index_home(h, ix->shift);

	__builtin_prefetch(&ix->tag[s]);
	__builtin_prefetch(&ix->ref[s]);
}

static inline void
tag_cursor_start(struct tag_cursor *c, const struct tag_index *ix,
    uint8_t *tag, const uint32_t *ref, size_t n, unsigned shift, uint32_t h)
{
	c->tag = tag;
	c->ref = ref;
	c->mask = n - 1;
	/* tag_index_next steps first */
	c->pos = (tag_index_home(h, shift) - 1) & c->mask;
	c->ix = ix;
}

/* Start a walk over the candidates of hash h. */
static inline void
tag_index_find(const struct tag_index *ix, uint32_t h, struct tag_cursor *c)
{
	c->want = tag_index_tag(h);
	c->in_old = false;
	tag_cursor_start(c, ix, ix->tag, ix->ref, ix->n, ix->shift, h);
}

/*
 * The next candidate of the walk started with hash h: *ref, whose tag
 * matches (its key still to compare), and true; false when none is left.
 */
static inline bool
tag_index_next(struct tag_cursor *c, uint32_t h, uint32_t *ref)
{
	for (;;) {
		uint8_t t;

		c->pos = (c->pos + 1) & c->mask;
		t = c->tag[c->pos];
		if (t == c->want) {
			*ref = c->ref[c->pos];
			return true;
		}
		if (t != TAG_EMPTY)
			continue;
		if (c->in_old || c->ix->otag == NULL)
			return false;
		c->in_old = true;
		tag_cursor_start(c, c->ix, c->ix->otag, c->ix->oref, c->ix->on,
		    c->ix->oshift, h);
	}
}

/* Make the cursor's current candidate a tombstone (its key is gone). */
static inline void
tag_cursor_remove(struct tag_cursor *c)
{
	c->tag[c->pos] = TAG_TOMB;
}

#endif
