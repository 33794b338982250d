/*
 * The tag+ref index (see tag_index.h): its arrays, growth and the move
 * to a new array a step at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/tag_index.h"
#include "evbgp/util.h"

/* A move hashes this many references at once: the reads of their keys
 * are cache misses that do not depend on each other, asked for
 * together. Their places in the new array need no asking: they follow
 * the order of the old array (homes are the hash's top bits). */
#define MIGRATE_BATCH	32

/* 32 - log2(n), n a power of two of at most 2^32. */
static unsigned
shift_of(size_t n)
{
	return 32u - (unsigned)__builtin_ctzll((unsigned long long)n);
}

static void
arrays_new(struct tag_index *ix, size_t n)
{
	ix->n = n;
	ix->shift = shift_of(n);
	ix->tag = xcalloc(n, sizeof(*ix->tag));
	ix->ref = xreallocarray(NULL, n, sizeof(*ix->ref));
	ix->used = 0;
}

void
tag_index_init(struct tag_index *ix, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	arrays_new(ix, n);
}

void
tag_index_fini(struct tag_index *ix)
{
	free(ix->tag);
	free(ix->ref);
	free(ix->otag);
	free(ix->oref);
	memset(ix, 0, sizeof(*ix));
}

static void *
dup_array(const void *src, size_t n, size_t size)
{
	void *p = xreallocarray(NULL, n, size);

	memcpy(p, src, n * size);
	return p;
}

void
tag_index_clone(struct tag_index *dst, const struct tag_index *src)
{
	*dst = *src;
	dst->tag = dup_array(src->tag, src->n, sizeof(*src->tag));
	dst->ref = dup_array(src->ref, src->n, sizeof(*src->ref));
	if (src->otag != NULL) {
		dst->otag = dup_array(src->otag, src->on, sizeof(*src->otag));
		dst->oref = dup_array(src->oref, src->on, sizeof(*src->oref));
	}
}

size_t
tag_index_bytes(const struct tag_index *ix)
{
	return (ix->n + ix->on) * (sizeof(*ix->tag) + sizeof(*ix->ref));
}

void
tag_index_put(struct tag_index *ix, uint32_t h, uint32_t ref)
{
	size_t mask = ix->n - 1, s = tag_index_home(h, ix->shift);

	while (ix->tag[s] > TAG_TOMB)
		s = (s + 1) & mask;
	if (ix->tag[s] == TAG_EMPTY)
		ix->used++;
	ix->tag[s] = tag_index_tag(h);
	ix->ref[s] = ref;
}

/* Move the live slots of otag[from .. from + n) (n <= MIGRATE_BATCH). */
static void
migrate_batch(struct tag_index *ix, size_t from, size_t n,
    tag_index_hash_fn *hash, void *arg)
{
	uint32_t refs[MIGRATE_BATCH], hs[MIGRATE_BATCH];
	size_t at[MIGRATE_BATCH], k = 0;

	for (size_t i = from; i < from + n; i++)
		if (ix->otag[i] > TAG_TOMB) {
			at[k] = i;
			refs[k++] = ix->oref[i];
		}
	if (k == 0)
		return;
	hash(arg, refs, k, hs);
	for (size_t j = 0; j < k; j++) {
		tag_index_put(ix, hs[j], refs[j]);
		ix->otag[at[j]] = TAG_TOMB;
	}
}

/* Ask for the keys of the live slots of otag[from .. from + n): the
 * hash callback's prefetch (hashes NULL), a batch at a time. */
static void
prefetch_ahead(const struct tag_index *ix, size_t from, size_t n,
    tag_index_hash_fn *hash, void *arg)
{
	uint32_t refs[MIGRATE_BATCH];
	size_t k = 0;

	if (n > ix->on - from)
		n = ix->on - from;
	for (size_t i = from; i < from + n; i++) {
		if (ix->otag[i] > TAG_TOMB)
			refs[k++] = ix->oref[i];
		if (k == MIGRATE_BATCH) {
			hash(arg, refs, k, NULL);
			k = 0;
		}
	}
	if (k > 0)
		hash(arg, refs, k, NULL);
}

void
tag_index_migrate(struct tag_index *ix, size_t steps,
    tag_index_hash_fn *hash, void *arg)
{
	size_t ahead = steps;

	while (ix->otag != NULL && steps > 0) {
		size_t n = ix->on - ix->moved;

		if (n > steps)
			n = steps;
		if (n > MIGRATE_BATCH)
			n = MIGRATE_BATCH;
		migrate_batch(ix, ix->moved, n, hash, arg);
		ix->moved += n;
		steps -= n;
		if (ix->moved == ix->on) {
			free(ix->otag);
			free(ix->oref);
			ix->otag = NULL;
			ix->oref = NULL;
			ix->on = ix->moved = 0;
			ix->oshift = 0;
		}
	}
	/* The caller moves as many slots on its next change: their keys
	 * are asked for now, so that their cache misses overlap whatever it
	 * does in between instead of stalling the next move. */
	if (ix->otag != NULL && ahead != SIZE_MAX)
		prefetch_ahead(ix, ix->moved, ahead, hash, arg);
}

void
tag_index_resize(struct tag_index *ix, size_t n, tag_index_hash_fn *hash,
    void *arg)
{
	tag_index_migrate(ix, SIZE_MAX, hash, arg);	/* finish a move */
	ix->otag = ix->tag;
	ix->oref = ix->ref;
	ix->on = ix->n;
	ix->oshift = ix->shift;
	ix->moved = 0;
	arrays_new(ix, n);
}
