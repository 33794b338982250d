/*
 * The tag+ref index (see tag_index.h): its arrays, growth and the move
 * to a new array a step at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/tag_index.h"
#include "evbgp/util.h"

/* A move hashes and places this many references at once: the reads of
 * their keys, then their places in the new array, are cache misses that
 * do not depend on each other, asked for together. */
#define MIGRATE_BATCH	32

static void
arrays_new(struct tag_index *ix, size_t n)
{
	ix->n = n;
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
	size_t mask = ix->n - 1, s = h & mask;

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
	for (size_t j = 0; j < k; j++)
		tag_index_prefetch(ix, hs[j]);
	for (size_t j = 0; j < k; j++) {
		tag_index_put(ix, hs[j], refs[j]);
		ix->otag[at[j]] = TAG_TOMB;
	}
}

void
tag_index_migrate(struct tag_index *ix, size_t steps,
    tag_index_hash_fn *hash, void *arg)
{
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
		}
	}
}

void
tag_index_resize(struct tag_index *ix, size_t n, tag_index_hash_fn *hash,
    void *arg)
{
	tag_index_migrate(ix, SIZE_MAX, hash, arg);	/* finish a move */
	ix->otag = ix->tag;
	ix->oref = ix->ref;
	ix->on = ix->n;
	ix->moved = 0;
	arrays_new(ix, n);
}
