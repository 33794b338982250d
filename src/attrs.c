/*
 * Path attribute sets (see attrs.h): growable builders, content
 * comparison and hashing, and the intern table that stores each distinct
 * set once, reference counted.
 *
 * An interned set is a single allocation: the struct attrs, its
 * bookkeeping and one blob holding every array, the arrays' pointers
 * aimed into the blob. Nothing in it ever changes after interning.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/attrs.h"
#include "evbgp/util.h"

/* What attrs.store points to: the first member of a builder's
 * capacities or of an interned set's bookkeeping, saying which. */
struct attrs_store {
	bool		 interned;
};

struct attrs_builder {
	struct attrs_store h;
	/* capacities (elements) */
	size_t		 cap_aspath, cap_as4path, cap_comms, cap_ecomms;
	size_t		 cap_lcomms, cap_clusters, cap_raws;
};

/* An interned set's bookkeeping: 32 bytes (a million unique sets hold a
 * million of these). */
struct interned_hdr {
	struct attrs_store h;
	uint32_t	 refcnt;
	uint32_t	 hash;
	struct attr_table *table;
	struct attrs_interned *chain;
};

struct attrs_interned {
	struct attrs	 a;
	struct interned_hdr st;
	uint8_t		 blob[];	/* the arrays, exactly sized */
};

static struct interned_hdr *
interned_hdr(const struct attrs *a)
{
	return (struct interned_hdr *)a->store;
}

/*
 * Chained buckets that grow a step at a time: while old is there, its
 * buckets [0, moved) have gone to the new array and the others still hold
 * their sets, TABLE_MOVE_STEP of them moving on every intern and release
 * (a whole rehash of a million sets held the loop for tens of ms).
 */
#define TABLE_MOVE_STEP	64

struct attr_table {
	struct attrs_interned **buckets;
	size_t		 nbuckets;	/* power of two */
	struct attrs_interned **old;	/* being moved from, or NULL */
	size_t		 nold;
	size_t		 moved;
	size_t		 count;
};

static struct attrs_builder *
builder_store(struct attrs *a)
{
	if (a->store == NULL) {
		struct attrs_builder *b = xcalloc(1, sizeof(*b));

		a->store = &b->h;
	}
	/* h is the first member */
	return (struct attrs_builder *)a->store;
}

void
attrs_init(struct attrs *a)
{
	memset(a, 0, sizeof(*a));
}

void
attrs_reset(struct attrs *a)
{
	struct attrs keep = *a;

	for (size_t i = 0; i < a->nraws; i++)
		free(a->raws[i].data);
	memset(a, 0, sizeof(*a));
	/* keep the arrays and their capacities for the next use */
	a->aspath = keep.aspath;
	a->as4path = keep.as4path;
	a->comms = keep.comms;
	a->ecomms = keep.ecomms;
	a->lcomms = keep.lcomms;
	a->clusters = keep.clusters;
	a->raws = keep.raws;
	a->store = keep.store;
}

void
attrs_free(struct attrs *a)
{
	if (a->store != NULL && a->store->interned)
		return;
	for (size_t i = 0; i < a->nraws; i++)
		free(a->raws[i].data);
	free(a->aspath);
	free(a->as4path);
	free(a->comms);
	free(a->ecomms);
	free(a->lcomms);
	free(a->clusters);
	free(a->raws);
	free(a->store);
	memset(a, 0, sizeof(*a));
}

/* Make room for n more elements of size sz in *arr (capacity *cap). */
static void
grow(void **arr, size_t *cap, size_t used, size_t n, size_t sz)
{
	size_t want = used + n;

	if (want <= *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < want)
		ncap *= 2;
	*arr = xreallocarray(*arr, ncap, sz);
	*cap = ncap;
}

void
attrs_add_community(struct attrs *a, uint32_t c)
{
	struct attrs_builder *st = builder_store(a);

	grow((void **)&a->comms, &st->cap_comms, a->ncomms, 1, sizeof(*a->comms));
	a->comms[a->ncomms++] = c;
	a->has |= ATTR_HAS_COMMUNITIES;
}

void
attrs_add_ext_community(struct attrs *a, uint64_t ec)
{
	struct attrs_builder *st = builder_store(a);

	grow((void **)&a->ecomms, &st->cap_ecomms, a->necomms, 1,
	    sizeof(*a->ecomms));
	a->ecomms[a->necomms++] = ec;
	a->has |= ATTR_HAS_EXT_COMM;
}

void
attrs_add_large_community(struct attrs *a, uint32_t g, uint32_t l1,
    uint32_t l2)
{
	struct attrs_builder *st = builder_store(a);

	grow((void **)&a->lcomms, &st->cap_lcomms, a->nlcomms, 1,
	    sizeof(*a->lcomms));
	a->lcomms[a->nlcomms].global = g;
	a->lcomms[a->nlcomms].local1 = l1;
	a->lcomms[a->nlcomms].local2 = l2;
	a->nlcomms++;
	a->has |= ATTR_HAS_LARGE_COMM;
}

void
attrs_add_cluster(struct attrs *a, uint32_t id)
{
	struct attrs_builder *st = builder_store(a);

	grow((void **)&a->clusters, &st->cap_clusters, a->nclusters, 1,
	    sizeof(*a->clusters));
	a->clusters[a->nclusters++] = id;
	a->has |= ATTR_HAS_CLUSTER_LIST;
}

void
attrs_aspath_append(struct attrs *a, uint8_t type, const uint32_t *asns,
    size_t count)
{
	struct attrs_builder *st = builder_store(a);
	uint8_t *p;

	if (count > 255)
		count = 255;
	grow((void **)&a->aspath, &st->cap_aspath, a->aspath_len, 2 + 4 * count,
	    1);
	p = a->aspath + a->aspath_len;
	p[0] = type;
	p[1] = (uint8_t)count;
	for (size_t i = 0; i < count; i++)
		be32_put(p + 2 + 4 * i, asns[i]);
	a->aspath_len += 2 + 4 * count;
	a->has |= ATTR_HAS_AS_PATH;
}

void
attrs_set_aspath(struct attrs *a, const uint8_t *segs, size_t len)
{
	struct attrs_builder *st = builder_store(a);

	a->aspath_len = 0;
	grow((void **)&a->aspath, &st->cap_aspath, 0, len, 1);
	if (len > 0)
		memcpy(a->aspath, segs, len);
	a->aspath_len = len;
	a->has |= ATTR_HAS_AS_PATH;
}

void
attrs_set_as4path(struct attrs *a, const uint8_t *segs, size_t len)
{
	struct attrs_builder *st = builder_store(a);

	a->as4path_len = 0;
	grow((void **)&a->as4path, &st->cap_as4path, 0, len, 1);
	if (len > 0)
		memcpy(a->as4path, segs, len);
	a->as4path_len = len;
	a->has |= ATTR_HAS_AS4_PATH;
}

void
attrs_set_raw(struct attrs *a, uint8_t flags, uint8_t code,
    const uint8_t *data, uint16_t len)
{
	struct attrs_builder *st = builder_store(a);
	size_t i;

	for (i = 0; i < a->nraws && a->raws[i].code < code; i++)
		;
	if (i < a->nraws && a->raws[i].code == code) {
		free(a->raws[i].data);
	} else {
		grow((void **)&a->raws, &st->cap_raws, a->nraws, 1,
		    sizeof(*a->raws));
		memmove(&a->raws[i + 1], &a->raws[i],
		    (a->nraws - i) * sizeof(*a->raws));
		a->nraws++;
	}
	a->raws[i].flags = flags;
	a->raws[i].code = code;
	a->raws[i].len = len;
	a->raws[i].data = xmalloc(len > 0 ? len : 1);
	if (len > 0)
		memcpy(a->raws[i].data, data, len);
}

void
attrs_del_raw(struct attrs *a, uint8_t code)
{
	for (size_t i = 0; i < a->nraws; i++) {
		if (a->raws[i].code != code)
			continue;
		free(a->raws[i].data);
		memmove(&a->raws[i], &a->raws[i + 1],
		    (a->nraws - i - 1) * sizeof(*a->raws));
		a->nraws--;
		return;
	}
}

void
attrs_copy(struct attrs *dst, const struct attrs *src)
{
	attrs_reset(dst);
	dst->has = src->has;
	dst->origin = src->origin;
	dst->nexthop_self = src->nexthop_self;
	dst->nexthop = src->nexthop;
	dst->nexthop_ll = src->nexthop_ll;
	dst->med = src->med;
	dst->local_pref = src->local_pref;
	dst->aggregator_as = src->aggregator_as;
	dst->aggregator_id = src->aggregator_id;
	dst->as4_aggregator_as = src->as4_aggregator_as;
	dst->as4_aggregator_id = src->as4_aggregator_id;
	dst->originator_id = src->originator_id;
	dst->aigp = src->aigp;
	if (src->has & ATTR_HAS_AS_PATH)
		attrs_set_aspath(dst, src->aspath, src->aspath_len);
	if (src->has & ATTR_HAS_AS4_PATH)
		attrs_set_as4path(dst, src->as4path, src->as4path_len);
	for (size_t i = 0; i < src->ncomms; i++)
		attrs_add_community(dst, src->comms[i]);
	for (size_t i = 0; i < src->necomms; i++)
		attrs_add_ext_community(dst, src->ecomms[i]);
	for (size_t i = 0; i < src->nlcomms; i++)
		attrs_add_large_community(dst, src->lcomms[i].global,
		    src->lcomms[i].local1, src->lcomms[i].local2);
	for (size_t i = 0; i < src->nclusters; i++)
		attrs_add_cluster(dst, src->clusters[i]);
	for (size_t i = 0; i < src->nraws; i++)
		attrs_set_raw(dst, src->raws[i].flags, src->raws[i].code,
		    src->raws[i].data, src->raws[i].len);
	/* presence bits survive even for empty lists */
	dst->has = src->has;
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int
cmp_lcomm(const void *x, const void *y)
{
	const struct attr_lcomm *a = x, *b = y;

	if (a->global != b->global)
		return a->global < b->global ? -1 : 1;
	if (a->local1 != b->local1)
		return a->local1 < b->local1 ? -1 : 1;
	if (a->local2 != b->local2)
		return a->local2 < b->local2 ? -1 : 1;
	return 0;
}

/* Sort and drop duplicates; returns the new count. */
static size_t
sort_unique(void *arr, size_t n, size_t sz, int (*cmp)(const void *,
    const void *))
{
	uint8_t *p = arr;
	size_t out = 0;

	if (n < 2)
		return n;
	qsort(arr, n, sz, cmp);
	for (size_t i = 1; i < n; i++) {
		if (cmp(p + out * sz, p + i * sz) == 0)
			continue;
		out++;
		if (out != i)
			memcpy(p + out * sz, p + i * sz, sz);
	}
	return out + 1;
}

void
attrs_canonicalize(struct attrs *a)
{
	a->ncomms = sort_unique(a->comms, a->ncomms, sizeof(*a->comms), cmp_u32);
	a->necomms = sort_unique(a->ecomms, a->necomms, sizeof(*a->ecomms),
	    cmp_u64);
	a->nlcomms = sort_unique(a->lcomms, a->nlcomms, sizeof(*a->lcomms),
	    cmp_lcomm);
}

int
attrs_aspath_next(const uint8_t *segs, size_t len, size_t *off,
    uint8_t *type, const uint8_t **asns, uint8_t *count)
{
	size_t o = *off;

	if (o + 2 > len)
		return -1;
	*type = segs[o];
	*count = segs[o + 1];
	if (o + 2 + 4u * *count > len)
		return -1;
	*asns = segs + o + 2;
	*off = o + 2 + 4u * *count;
	return 0;
}

unsigned
attrs_aspath_length(const struct attrs *a)
{
	size_t off = 0;
	unsigned n = 0;
	uint8_t type, count;
	const uint8_t *asns;

	while (attrs_aspath_next(a->aspath, a->aspath_len, &off, &type, &asns,
	    &count) == 0) {
		if (type == 2 /* SEQUENCE */)
			n += count;
		else if (type == 1 /* SET */)
			n += 1;
	}
	return n;
}

/* ---- comparison and hashing ---- */

#define SCALARS_EQ(x, y, f)	((x)->f == (y)->f)

static bool
scalars_equal(const struct attrs *x, const struct attrs *y)
{
	return SCALARS_EQ(x, y, has) && SCALARS_EQ(x, y, origin) &&
	    SCALARS_EQ(x, y, nexthop_self) &&
	    addr_equal(&x->nexthop, &y->nexthop) &&
	    addr_equal(&x->nexthop_ll, &y->nexthop_ll) &&
	    SCALARS_EQ(x, y, med) && SCALARS_EQ(x, y, local_pref) &&
	    SCALARS_EQ(x, y, aggregator_as) &&
	    SCALARS_EQ(x, y, aggregator_id) &&
	    SCALARS_EQ(x, y, as4_aggregator_as) &&
	    SCALARS_EQ(x, y, as4_aggregator_id) &&
	    SCALARS_EQ(x, y, originator_id) && SCALARS_EQ(x, y, aigp);
}

static bool
mem_equal(const void *x, size_t xn, const void *y, size_t yn)
{
	return xn == yn && (xn == 0 || memcmp(x, y, xn) == 0);
}

bool
attrs_equal(const struct attrs *x, const struct attrs *y)
{
	if (x == y)
		return true;
	if (!scalars_equal(x, y))
		return false;
	if (!mem_equal(x->aspath, x->aspath_len, y->aspath, y->aspath_len) ||
	    !mem_equal(x->as4path, x->as4path_len, y->as4path,
	    y->as4path_len) ||
	    !mem_equal(x->comms, x->ncomms * sizeof(*x->comms), y->comms,
	    y->ncomms * sizeof(*y->comms)) ||
	    !mem_equal(x->ecomms, x->necomms * sizeof(*x->ecomms), y->ecomms,
	    y->necomms * sizeof(*y->ecomms)) ||
	    !mem_equal(x->lcomms, x->nlcomms * sizeof(*x->lcomms), y->lcomms,
	    y->nlcomms * sizeof(*y->lcomms)) ||
	    !mem_equal(x->clusters, x->nclusters * sizeof(*x->clusters),
	    y->clusters, y->nclusters * sizeof(*y->clusters)))
		return false;
	if (x->nraws != y->nraws)
		return false;
	for (size_t i = 0; i < x->nraws; i++) {
		const struct attr_raw *r = &x->raws[i], *s = &y->raws[i];

		if (r->code != s->code || r->flags != s->flags ||
		    !mem_equal(r->data, r->len, s->data, s->len))
			return false;
	}
	return true;
}

/* FNV-1a, good enough for a few thousand distinct sets. */
static uint32_t
fnv(uint32_t h, const void *data, size_t n)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

#define FNV_VAL(h, v)	fnv((h), &(v), sizeof(v))

uint32_t
attrs_hash(const struct attrs *a)
{
	uint32_t h = 2166136261u;

	h = FNV_VAL(h, a->has);
	h = FNV_VAL(h, a->origin);
	h = FNV_VAL(h, a->nexthop_self);
	h = fnv(h, &a->nexthop.afi, 1);
	h = fnv(h, a->nexthop.b, addr_len(&a->nexthop));
	h = fnv(h, a->nexthop_ll.b, addr_len(&a->nexthop_ll));
	h = FNV_VAL(h, a->med);
	h = FNV_VAL(h, a->local_pref);
	h = FNV_VAL(h, a->aggregator_as);
	h = FNV_VAL(h, a->aggregator_id);
	h = FNV_VAL(h, a->originator_id);
	h = FNV_VAL(h, a->aigp);
	h = fnv(h, a->aspath, a->aspath_len);
	h = fnv(h, a->as4path, a->as4path_len);
	h = fnv(h, a->comms, a->ncomms * sizeof(*a->comms));
	h = fnv(h, a->ecomms, a->necomms * sizeof(*a->ecomms));
	h = fnv(h, a->lcomms, a->nlcomms * sizeof(*a->lcomms));
	h = fnv(h, a->clusters, a->nclusters * sizeof(*a->clusters));
	for (size_t i = 0; i < a->nraws; i++) {
		h = fnv(h, &a->raws[i].code, 1);
		h = fnv(h, &a->raws[i].flags, 1);
		h = fnv(h, a->raws[i].data, a->raws[i].len);
	}
	return h;
}

/* ---- intern table ---- */

struct attr_table *
attr_table_new(void)
{
	struct attr_table *t = xcalloc(1, sizeof(*t));

	t->nbuckets = 256;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	return t;
}

void
attr_table_free(struct attr_table *t)
{
	if (t == NULL)
		return;
	/* sets still referenced are detached so a late unref frees them */
	for (size_t i = 0; i < t->nbuckets; i++) {
		for (struct attrs_interned *s = t->buckets[i]; s != NULL;
		    s = s->st.chain)
			s->st.table = NULL;
	}
	for (size_t i = t->moved; i < t->nold; i++) {
		for (struct attrs_interned *s = t->old[i]; s != NULL;
		    s = s->st.chain)
			s->st.table = NULL;
	}
	free(t->buckets);
	free(t->old);
	free(t);
}

size_t
attr_table_count(const struct attr_table *t)
{
	return t->count;
}

/* The bucket a set of hash h lives in (or goes to). */
static struct attrs_interned **
table_bucket(const struct attr_table *t, uint32_t h)
{
	if (t->old != NULL && (h & (t->nold - 1)) >= t->moved)
		return &t->old[h & (t->nold - 1)];
	return &t->buckets[h & (t->nbuckets - 1)];
}

/* Move up to steps old buckets (SIZE_MAX: all) to the new array. */
static void
table_move(struct attr_table *t, size_t steps)
{
	while (t->old != NULL && steps-- > 0) {
		struct attrs_interned *s = t->old[t->moved], *next;

		for (; s != NULL; s = next) {
			struct attrs_interned **b =
			    &t->buckets[s->st.hash & (t->nbuckets - 1)];

			next = s->st.chain;
			s->st.chain = *b;
			*b = s;
		}
		t->old[t->moved] = NULL;
		if (++t->moved == t->nold) {
			free(t->old);
			t->old = NULL;
			t->nold = t->moved = 0;
		}
	}
}

static void
table_grow(struct attr_table *t)
{
	table_move(t, SIZE_MAX);	/* a move still going: finish it */
	t->old = t->buckets;
	t->nold = t->nbuckets;
	t->moved = 0;
	t->nbuckets *= 2;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
}

/*
 * Place n bytes of src in the blob at *off (8-byte aligned for the u64
 * and u32 arrays) and return where; an empty array takes no room. With
 * blob NULL only count (blob_size).
 */
static void *
blob_put(uint8_t *blob, size_t *off, const void *src, size_t n)
{
	void *dst;

	if (n == 0)
		return NULL;
	*off = (*off + 7) & ~(size_t)7;
	dst = blob != NULL ? blob + *off : NULL;
	if (dst != NULL)
		memcpy(dst, src, n);
	*off += n;
	return dst;
}

/* Lay a's arrays out in blob (NULL: only measure); the size used. */
static size_t
blob_layout(uint8_t *blob, struct attrs *d, const struct attrs *a)
{
	size_t off = 0;

	d->aspath = blob_put(blob, &off, a->aspath, a->aspath_len);
	d->as4path = blob_put(blob, &off, a->as4path, a->as4path_len);
	d->comms = blob_put(blob, &off, a->comms,
	    a->ncomms * sizeof(*a->comms));
	d->ecomms = blob_put(blob, &off, a->ecomms,
	    a->necomms * sizeof(*a->ecomms));
	d->lcomms = blob_put(blob, &off, a->lcomms,
	    a->nlcomms * sizeof(*a->lcomms));
	d->clusters = blob_put(blob, &off, a->clusters,
	    a->nclusters * sizeof(*a->clusters));
	d->raws = blob_put(blob, &off, a->raws,
	    a->nraws * sizeof(*a->raws));
	for (size_t i = 0; i < a->nraws; i++) {
		void *data = blob_put(blob, &off, a->raws[i].data,
		    a->raws[i].len);

		if (blob != NULL)
			d->raws[i].data = data;
	}
	return off;
}

static struct attrs_interned *
interned_new(const struct attrs *a, uint32_t hash)
{
	struct attrs scratch;
	struct attrs_interned *s;

	s = xmalloc(sizeof(*s) + blob_layout(NULL, &scratch, a));
	memset(&s->st, 0, sizeof(s->st));
	s->a = *a;
	blob_layout(s->blob, &s->a, a);
	s->st.h.interned = true;
	s->st.refcnt = 1;
	s->st.hash = hash;
	s->a.store = &s->st.h;
	return s;
}

void
attr_table_memory(const struct attr_table *t, struct attr_table_mem *m)
{
	struct attrs scratch;

	m->sets = t->count;
	m->set_bytes = 0;
	m->bucket_bytes = (t->nbuckets + t->nold) * sizeof(*t->buckets);
	for (size_t i = 0; i < t->nbuckets; i++)
		for (const struct attrs_interned *s = t->buckets[i]; s != NULL;
		    s = s->st.chain)
			m->set_bytes += sizeof(*s) +
			    blob_layout(NULL, &scratch, &s->a);
	for (size_t i = t->moved; i < t->nold; i++)
		for (const struct attrs_interned *s = t->old[i]; s != NULL;
		    s = s->st.chain)
			m->set_bytes += sizeof(*s) +
			    blob_layout(NULL, &scratch, &s->a);
}

const struct attrs *
attrs_intern(struct attr_table *t, const struct attrs *a)
{
	uint32_t h;
	struct attrs_interned *s, **b;

	if (attrs_is_interned(a) && interned_hdr(a)->table == t)
		return attrs_ref(a);
	h = attrs_hash(a);
	for (s = *table_bucket(t, h); s != NULL; s = s->st.chain)
		if (s->st.hash == h && attrs_equal(&s->a, a))
			return attrs_ref(&s->a);
	table_move(t, TABLE_MOVE_STEP);
	if (t->count >= t->nbuckets)
		table_grow(t);
	s = interned_new(a, h);
	s->st.table = t;
	b = table_bucket(t, h);
	s->st.chain = *b;
	*b = s;
	t->count++;
	return &s->a;
}

const struct attrs *
attrs_ref(const struct attrs *a)
{
	if (attrs_is_interned(a))
		interned_hdr(a)->refcnt++;
	return a;
}

static void
table_remove(struct attr_table *t, struct attrs_interned *s)
{
	struct attrs_interned **pp = table_bucket(t, s->st.hash);

	for (; *pp != NULL; pp = &(*pp)->st.chain) {
		if (*pp == s) {
			*pp = s->st.chain;
			t->count--;
			break;
		}
	}
	table_move(t, TABLE_MOVE_STEP);
}

void
attrs_unref(const struct attrs *a)
{
	struct attrs_interned *s;

	if (a == NULL || !attrs_is_interned(a))
		return;
	if (--interned_hdr(a)->refcnt > 0)
		return;
	s = (struct attrs_interned *)((uint8_t *)a -
	    offsetof(struct attrs_interned, a));
	if (s->st.table != NULL)
		table_remove(s->st.table, s);
	free(s);
}

bool
attrs_is_interned(const struct attrs *a)
{
	return a->store != NULL && a->store->interned;
}
