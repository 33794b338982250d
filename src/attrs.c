/*
 * Path attribute sets (see attrs.h): growable builders, content
 * comparison and hashing, and the intern table that stores each distinct
 * set once, reference counted, in a compact form of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/attrs.h"
#include "evbgp/tag_index.h"
#include "evbgp/util.h"

/* What attrs.store points to: the first member of a builder's
 * capacities, or view_store for a view of an interned set. */
struct attrs_store {
	bool		 readonly;
};

struct attrs_builder {
	struct attrs_store h;
	/* capacities (elements) */
	size_t		 cap_aspath, cap_as4path, cap_comms, cap_ecomms;
	size_t		 cap_lcomms, cap_clusters, cap_raws;
};

/* the store of every view: attrs_free leaves a view alone */
static struct attrs_store view_store = { .readonly = true };

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
	/* the arrays and their capacities kept for the next use (once per
	 * received UPDATE: these, not a copy of the whole struct) */
	uint8_t *aspath = a->aspath, *as4path = a->as4path;
	uint32_t *comms = a->comms, *clusters = a->clusters;
	uint64_t *ecomms = a->ecomms;
	struct attr_lcomm *lcomms = a->lcomms;
	struct attr_raw *raws = a->raws;
	struct attrs_store *store = a->store;

	for (size_t i = 0; i < a->nraws; i++)
		free(a->raws[i].data);
	memset(a, 0, sizeof(*a));
	a->aspath = aspath;
	a->as4path = as4path;
	a->comms = comms;
	a->ecomms = ecomms;
	a->lcomms = lcomms;
	a->clusters = clusters;
	a->raws = raws;
	a->store = store;
}

void
attrs_free(struct attrs *a)
{
	if (a->store != NULL && a->store->readonly)
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

/* ---- interned sets: the compact form ---- */

/*
 * An interned set is one block in its table's slab (see struct set_slab):
 * this header, then the body, which holds only what the set has, in the
 * order of the SP_* bits: the scalars (u32/u64 in host order, unaligned),
 * the next hops (afi octet and address), then the arrays, each a count
 * (LEB128) and its elements in their struct attrs form, aligned for their
 * type from the block's start (blocks are 8-aligned), so that a view
 * (attrs_view) aims its pointers into the block instead of copying. A set
 * with a MED, an IPv4 next hop, ORIGIN IGP and an empty AS_PATH is 23
 * bytes, a 24-byte block.
 *
 * The form is canonical: equal content, equal bytes (padding is zero),
 * except the data pointers of the opaque attributes' array, which aim at
 * their own block. Interning encodes a builder into a scratch block,
 * hashes its bytes and compares them with the sets of its bucket;
 * set_span says which bytes count.
 */
struct attr_set {
	uint32_t	 refcnt;
	uint32_t	 hash;		/* block_hash: the index moves by it */
	uint16_t	 table;		/* its table's number: table_reg */
	uint16_t	 has;		/* attrs.has | SET_NEXTHOP_SELF */
	uint16_t	 present;	/* SP_*: what the body holds */
	uint8_t		 body[];
};

#define SET_HDR		offsetof(struct attr_set, body)
/* the content starts at has: what hashing and comparing look at */
#define SET_CONTENT	offsetof(struct attr_set, has)
#define SET_ALIGN	8
#define SET_NEXTHOP_SELF 0x8000u	/* not an ATTR_HAS_ bit */
_Static_assert(ATTR_HAS_LARGE_COMM < SET_NEXTHOP_SELF,
    "the presence bits fit in the set's 15 bits");
#define SET_HAS_BITS	(SET_NEXTHOP_SELF - 1)

#define SP_ORIGIN	0x0001u	/* origin != 0: u8 */
#define SP_MED		0x0002u	/* u32 */
#define SP_LOCAL_PREF	0x0004u	/* u32 */
#define SP_AGGREGATOR	0x0008u	/* as, id: u32 u32 */
#define SP_AS4_AGGR	0x0010u	/* as, id: u32 u32 */
#define SP_ORIGINATOR	0x0020u	/* u32 */
#define SP_AIGP		0x0040u	/* u64 */
#define SP_NEXTHOP	0x0080u	/* afi, address octets */
#define SP_NEXTHOP_LL	0x0100u	/* afi, address octets */
#define SP_ASPATH	0x0200u	/* length, octets */
#define SP_AS4PATH	0x0400u	/* length, octets */
#define SP_COMMS	0x0800u	/* count, u32[] (4-aligned) */
#define SP_LCOMMS	0x1000u	/* count, attr_lcomm[] (4-aligned) */
#define SP_CLUSTERS	0x2000u	/* count, u32[] (4-aligned) */
#define SP_ECOMMS	0x4000u	/* count, u64[] (8-aligned) */
#define SP_RAWS		0x8000u	/* count, attr_raw[] (8-aligned), then
				 * their data */

/* Where a set's bytes are (offsets from the block's start). */
struct set_span {
	size_t		 len;		/* content end */
	size_t		 raws_at;	/* the attr_raw array, or len */
	uint32_t	 nraws;
};

static uint16_t
set_present(const struct attrs *a)
{
	uint16_t p = 0;

	p |= a->origin != 0 ? SP_ORIGIN : 0;
	p |= a->med != 0 ? SP_MED : 0;
	p |= a->local_pref != 0 ? SP_LOCAL_PREF : 0;
	p |= a->aggregator_as != 0 || a->aggregator_id != 0 ?
	    SP_AGGREGATOR : 0;
	p |= a->as4_aggregator_as != 0 || a->as4_aggregator_id != 0 ?
	    SP_AS4_AGGR : 0;
	p |= a->originator_id != 0 ? SP_ORIGINATOR : 0;
	p |= a->aigp != 0 ? SP_AIGP : 0;
	p |= a->nexthop.afi != 0 ? SP_NEXTHOP : 0;
	p |= a->nexthop_ll.afi != 0 ? SP_NEXTHOP_LL : 0;
	p |= a->aspath_len != 0 ? SP_ASPATH : 0;
	p |= a->as4path_len != 0 ? SP_AS4PATH : 0;
	p |= a->ncomms != 0 ? SP_COMMS : 0;
	p |= a->nlcomms != 0 ? SP_LCOMMS : 0;
	p |= a->nclusters != 0 ? SP_CLUSTERS : 0;
	p |= a->necomms != 0 ? SP_ECOMMS : 0;
	p |= a->nraws != 0 ? SP_RAWS : 0;
	return p;
}

/* An encoder: b NULL only measures. */
struct set_enc {
	uint8_t		*b;
	size_t		 off;
};

static void
enc_put(struct set_enc *e, const void *src, size_t n)
{
	if (e->b != NULL && n > 0)
		memcpy(e->b + e->off, src, n);
	e->off += n;
}

static void
enc_pad(struct set_enc *e, size_t align)
{
	size_t n = (align - e->off % align) % align;

	if (e->b != NULL)
		memset(e->b + e->off, 0, n);
	e->off += n;
}

static void
enc_leb(struct set_enc *e, uint32_t v)
{
	uint8_t t[5];
	size_t n = 0;

	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	enc_put(e, t, n);
}

static void
enc_addr(struct set_enc *e, const struct bgp_addr *ad)
{
	enc_put(e, &ad->afi, 1);
	enc_put(e, ad->b, addr_len(ad));
}

/* An array: its count, then (aligned) its n elements. */
static void
enc_array(struct set_enc *e, const void *src, uint32_t n, size_t elem,
    size_t align)
{
	if (n == 0)
		return;
	enc_leb(e, n);
	enc_pad(e, align);
	enc_put(e, src, (size_t)n * elem);
}

/*
 * Encode a's content into the block at b (8-aligned; NULL: only
 * measure) from SET_CONTENT on; the header's other fields are the
 * caller's. Fills *sp.
 */
static void
set_encode(uint8_t *b, const struct attrs *a, struct set_span *sp)
{
	struct set_enc e = { b, SET_CONTENT };
	uint16_t has, present = set_present(a);

	if (a->has & ~SET_HAS_BITS) {
		/* an ATTR_HAS_ bit past the 15 the set keeps */
		fprintf(stderr, "attrs: presence bits 0x%x do not fit\n",
		    (unsigned)a->has);
		abort();
	}
	has = (uint16_t)(a->has | (a->nexthop_self ? SET_NEXTHOP_SELF : 0));
	enc_put(&e, &has, 2);
	enc_put(&e, &present, 2);
	if (present & SP_ORIGIN)
		enc_put(&e, &a->origin, 1);
	if (present & SP_MED)
		enc_put(&e, &a->med, 4);
	if (present & SP_LOCAL_PREF)
		enc_put(&e, &a->local_pref, 4);
	if (present & SP_AGGREGATOR) {
		enc_put(&e, &a->aggregator_as, 4);
		enc_put(&e, &a->aggregator_id, 4);
	}
	if (present & SP_AS4_AGGR) {
		enc_put(&e, &a->as4_aggregator_as, 4);
		enc_put(&e, &a->as4_aggregator_id, 4);
	}
	if (present & SP_ORIGINATOR)
		enc_put(&e, &a->originator_id, 4);
	if (present & SP_AIGP)
		enc_put(&e, &a->aigp, 8);
	if (present & SP_NEXTHOP)
		enc_addr(&e, &a->nexthop);
	if (present & SP_NEXTHOP_LL)
		enc_addr(&e, &a->nexthop_ll);
	enc_array(&e, a->aspath, a->aspath_len, 1, 1);
	enc_array(&e, a->as4path, a->as4path_len, 1, 1);
	enc_array(&e, a->comms, a->ncomms, sizeof(*a->comms), 4);
	enc_array(&e, a->lcomms, a->nlcomms, sizeof(*a->lcomms), 4);
	enc_array(&e, a->clusters, a->nclusters, sizeof(*a->clusters), 4);
	enc_array(&e, a->ecomms, a->necomms, sizeof(*a->ecomms), 8);
	sp->nraws = a->nraws;
	sp->raws_at = e.off;
	if (a->nraws != 0) {
		struct attr_raw *r;

		enc_leb(&e, a->nraws);
		enc_pad(&e, _Alignof(struct attr_raw));
		sp->raws_at = e.off;
		r = b != NULL ? (struct attr_raw *)(b + e.off) : NULL;
		if (r != NULL)
			memset(r, 0, a->nraws * sizeof(*r));
		e.off += a->nraws * sizeof(*r);
		for (size_t i = 0; i < a->nraws; i++) {
			if (r != NULL) {
				r[i].flags = a->raws[i].flags;
				r[i].code = a->raws[i].code;
				r[i].len = a->raws[i].len;
				r[i].data = b + e.off;
			}
			enc_put(&e, a->raws[i].data, a->raws[i].len);
		}
	}
	sp->len = e.off;
}

/* Bytes of a block holding len bytes of content. */
static size_t
set_block_size(size_t len)
{
	return (len + SET_ALIGN - 1) & ~(size_t)(SET_ALIGN - 1);
}

static const uint8_t *
leb_get(const uint8_t *p, uint32_t *v)
{
	uint32_t r = 0;
	unsigned shift = 0;

	do {
		r |= (uint32_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	*v = r;
	return p;
}

/* A decoder over a block: reads at off, aims pointers into it. */
struct set_dec {
	const uint8_t	*b;
	size_t		 off;
};

static void
dec_get(struct set_dec *d, void *dst, size_t n)
{
	memcpy(dst, d->b + d->off, n);
	d->off += n;
}

static void
dec_addr(struct set_dec *d, struct bgp_addr *ad)
{
	dec_get(d, &ad->afi, 1);
	dec_get(d, ad->b, addr_len(ad));
}

/* An array written by enc_array (or none): *dst aims into the block. */
static const void *
dec_array(struct set_dec *d, bool present, uint32_t *n, size_t elem,
    size_t align)
{
	const void *p;

	*n = 0;
	if (!present)
		return NULL;
	d->off = (size_t)(leb_get(d->b + d->off, n) - d->b);
	d->off = (d->off + align - 1) & ~(align - 1);
	p = d->b + d->off;
	d->off += (size_t)*n * elem;
	return p;
}

/* Walk s's content: fill v if not NULL, and *sp. */
static void
set_decode(const struct attr_set *s, struct attrs *v, struct set_span *sp)
{
	struct set_dec d = { (const uint8_t *)s, SET_HDR };
	struct attrs scratch;
	uint16_t pr = s->present;
	uint32_t n;

	if (v == NULL)
		v = &scratch;
	v->has = s->has & SET_HAS_BITS;
	v->nexthop_self = (s->has & SET_NEXTHOP_SELF) != 0;
	v->origin = 0;
	if (pr & SP_ORIGIN)
		dec_get(&d, &v->origin, 1);
	v->med = v->local_pref = 0;
	if (pr & SP_MED)
		dec_get(&d, &v->med, 4);
	if (pr & SP_LOCAL_PREF)
		dec_get(&d, &v->local_pref, 4);
	v->aggregator_as = v->aggregator_id = 0;
	if (pr & SP_AGGREGATOR) {
		dec_get(&d, &v->aggregator_as, 4);
		dec_get(&d, &v->aggregator_id, 4);
	}
	v->as4_aggregator_as = v->as4_aggregator_id = 0;
	if (pr & SP_AS4_AGGR) {
		dec_get(&d, &v->as4_aggregator_as, 4);
		dec_get(&d, &v->as4_aggregator_id, 4);
	}
	v->originator_id = 0;
	if (pr & SP_ORIGINATOR)
		dec_get(&d, &v->originator_id, 4);
	v->aigp = 0;
	if (pr & SP_AIGP)
		dec_get(&d, &v->aigp, 8);
	memset(&v->nexthop, 0, sizeof(v->nexthop));
	memset(&v->nexthop_ll, 0, sizeof(v->nexthop_ll));
	if (pr & SP_NEXTHOP)
		dec_addr(&d, &v->nexthop);
	if (pr & SP_NEXTHOP_LL)
		dec_addr(&d, &v->nexthop_ll);
	v->aspath = (uint8_t *)dec_array(&d, pr & SP_ASPATH, &v->aspath_len, 1,
	    1);
	v->as4path = (uint8_t *)dec_array(&d, pr & SP_AS4PATH, &v->as4path_len,
	    1, 1);
	v->comms = (uint32_t *)dec_array(&d, pr & SP_COMMS, &v->ncomms,
	    sizeof(*v->comms), 4);
	v->lcomms = (struct attr_lcomm *)dec_array(&d, pr & SP_LCOMMS,
	    &v->nlcomms, sizeof(*v->lcomms), 4);
	v->clusters = (uint32_t *)dec_array(&d, pr & SP_CLUSTERS,
	    &v->nclusters, sizeof(*v->clusters), 4);
	v->ecomms = (uint64_t *)dec_array(&d, pr & SP_ECOMMS, &v->necomms,
	    sizeof(*v->ecomms), 8);
	sp->raws_at = d.off;
	v->raws = (struct attr_raw *)dec_array(&d, pr & SP_RAWS, &v->nraws,
	    sizeof(*v->raws), _Alignof(struct attr_raw));
	sp->nraws = v->nraws;
	if (v->nraws != 0) {
		sp->raws_at = (size_t)((const uint8_t *)v->raws -
		    (const uint8_t *)s);
		for (n = 0; n < v->nraws; n++)
			d.off += v->raws[n].len;
	}
	sp->len = d.off;
	v->store = &view_store;
}

const struct attrs *
attrs_view(const struct attr_set *s, struct attrs *v)
{
	struct set_span sp;

	set_decode(s, v, &sp);
	return v;
}

bool
attrs_is_view(const struct attrs *a)
{
	return a->store == &view_store;
}

/* 64-bit multiply-mix over n bytes, 8 at a time. */
static uint64_t
mix_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ull;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (n > 0) {
		w = (uint64_t)n << 56;
		memcpy(&w, p, n);
		h = (h ^ w ^ ((uint64_t)n << 59)) * k;
		h ^= h >> 32;
	}
	return h;
}

/* The hash of a block's content (b: its start; the raws' data pointers
 * left out). */
static uint32_t
block_hash(const uint8_t *b, const struct set_span *sp)
{
	uint64_t h = 0xCBF29CE484222325ull;
	size_t data = sp->raws_at + sp->nraws * sizeof(struct attr_raw);

	h = mix_bytes(h, b + SET_CONTENT, sp->raws_at - SET_CONTENT);
	for (uint32_t i = 0; i < sp->nraws; i++)
		h = mix_bytes(h, b + sp->raws_at + i * sizeof(struct attr_raw),
		    offsetof(struct attr_raw, data));
	h = mix_bytes(h, b + data, sp->len - data);
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Same content? (x and y: block starts, both spans sp) */
static bool
block_same(const uint8_t *x, const uint8_t *y, const struct set_span *sp)
{
	size_t data = sp->raws_at + sp->nraws * sizeof(struct attr_raw);

	if (memcmp(x + SET_CONTENT, y + SET_CONTENT,
	    sp->raws_at - SET_CONTENT) != 0)
		return false;
	for (uint32_t i = 0; i < sp->nraws; i++) {
		size_t o = sp->raws_at + i * sizeof(struct attr_raw);

		if (memcmp(x + o, y + o, offsetof(struct attr_raw, data)) != 0)
			return false;
	}
	return memcmp(x + data, y + data, sp->len - data) == 0;
}

/* ---- the slab ---- */

/*
 * A table's sets live in chunks it allocates (no malloc header per set),
 * 8-aligned blocks of a multiple of 8 bytes named by 32-bit ids: chunk
 * number << 18 | offset / 4. Chunks start at 4 KiB and double up to 1
 * MiB; a set bigger than a chunk gets one of its own, given back when the
 * set goes. A freed block goes on a free list of its size (exact sizes up
 * to SLAB_SMALL_WORDS words, one list searched for the rest), and the
 * next set of that size reuses it. Chunks are not given back: a table
 * keeps, per block size, the most sets of that size it ever held.
 */
#define SLAB_OFF_BITS	18
#define SLAB_CHUNK_MAX	((size_t)4 << SLAB_OFF_BITS)	/* 1 MiB */
#define SLAB_CHUNK_MIN	((size_t)4096)
#define SLAB_MAX_CHUNKS	((size_t)1 << (32 - SLAB_OFF_BITS))
#define SLAB_SMALL_WORDS 1024				/* 4 KiB */
/* the first block's offset in a chunk: id 0 is no set, blocks 8-aligned */
#define SLAB_FIRST	((size_t)SET_ALIGN)

struct slab_free {
	uint32_t	 next;		/* id, 0: none */
	uint32_t	 words;
};

/* A chunk's address range, for naming a set from its address. */
struct slab_span {
	uintptr_t	 base;
	uintptr_t	 end;		/* base + its size */
	size_t		 chunk;		/* its number */
};

struct set_slab {
	uint8_t		**chunk;	/* NULL: a free number */
	size_t		*chunk_size;
	size_t		 nchunk;
	/* the chunks allocated, by address (bisected by slab_id_of), and
	 * the one a set was last named in (end == base: none) */
	struct slab_span *by_addr;
	size_t		 nby_addr;
	struct slab_span last;
	size_t		 cur;		/* the chunk being filled */
	size_t		 cur_used;	/* bytes */
	size_t		 next_size;	/* of the next chunk */
	uint32_t	 small[SLAB_SMALL_WORDS + 1];
	uint32_t	 big;		/* free blocks bigger */
	size_t		 live_bytes;	/* in sets */
	size_t		 chunk_bytes;	/* in chunks */
};

static void *
slab_at(const struct set_slab *sl, uint32_t id)
{
	return sl->chunk[id >> SLAB_OFF_BITS] +
	    ((size_t)(id & ((1u << SLAB_OFF_BITS) - 1)) << 2);
}

static uint32_t
slab_id(size_t chunk, size_t off)
{
	return (uint32_t)(chunk << SLAB_OFF_BITS | off >> 2);
}

/* The first span of by_addr starting at base or above. */
static size_t
slab_span_pos(const struct set_slab *sl, uintptr_t base)
{
	size_t lo = 0, hi = sl->nby_addr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sl->by_addr[mid].base < base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
slab_span_add(struct set_slab *sl, size_t c)
{
	struct slab_span sp = { (uintptr_t)sl->chunk[c],
		(uintptr_t)sl->chunk[c] + sl->chunk_size[c], c };
	size_t at = slab_span_pos(sl, sp.base);

	/* a new chunk is rare (a 4 KiB to 1 MiB run of sets): one more */
	sl->by_addr = xreallocarray(sl->by_addr, sl->nby_addr + 1,
	    sizeof(*sl->by_addr));
	memmove(&sl->by_addr[at + 1], &sl->by_addr[at],
	    (sl->nby_addr - at) * sizeof(*sl->by_addr));
	sl->by_addr[at] = sp;
	sl->nby_addr++;
}

static void
slab_span_remove(struct set_slab *sl, size_t c)
{
	size_t at = slab_span_pos(sl, (uintptr_t)sl->chunk[c]);

	memmove(&sl->by_addr[at], &sl->by_addr[at + 1],
	    (sl->nby_addr - at - 1) * sizeof(*sl->by_addr));
	sl->nby_addr--;
	if (sl->last.chunk == c)
		sl->last.base = sl->last.end = 0;
}

/*
 * The id of the block at p. Sets are mostly named right after they were
 * interned or next to one named before (the chunk being filled): the
 * last chunk answers first, else a bisection of the chunks by address,
 * O(log chunks) (a million 24-byte sets fill about 25). p must be in a
 * chunk of this slab: anything else is a caller's bug, and fatal.
 */
static uint32_t
slab_id_of(struct set_slab *sl, const void *p)
{
	uintptr_t a = (uintptr_t)p;

	if (a - sl->last.base >= sl->last.end - sl->last.base) {
		size_t at = slab_span_pos(sl, a + 1);

		if (at == 0 || a >= sl->by_addr[at - 1].end) {
			fprintf(stderr, "attrs: %p is not a set of this "
			    "table\n", p);
			abort();
		}
		sl->last = sl->by_addr[at - 1];
	}
	return slab_id(sl->last.chunk, a - sl->last.base);
}

/* A chunk number for a new chunk of size bytes. */
static size_t
slab_new_chunk(struct set_slab *sl, size_t size)
{
	size_t c;

	for (c = 0; c < sl->nchunk && sl->chunk[c] != NULL; c++)
		;
	if (c == sl->nchunk) {
		if (sl->nchunk == SLAB_MAX_CHUNKS) {
			fprintf(stderr, "attrs: attribute set slab full\n");
			abort();
		}
		sl->chunk = xreallocarray(sl->chunk, sl->nchunk + 1,
		    sizeof(*sl->chunk));
		sl->chunk_size = xreallocarray(sl->chunk_size, sl->nchunk + 1,
		    sizeof(*sl->chunk_size));
		sl->nchunk++;
	}
	sl->chunk[c] = xmalloc(size);
	sl->chunk_size[c] = size;
	sl->chunk_bytes += size;
	slab_span_add(sl, c);
	return c;
}

static void
slab_free_block(struct set_slab *sl, uint32_t id, size_t bytes)
{
	struct slab_free f = { 0, (uint32_t)(bytes / 4) };

	if (f.words <= SLAB_SMALL_WORDS) {
		f.next = sl->small[f.words];
		sl->small[f.words] = id;
	} else {
		f.next = sl->big;
		sl->big = id;
	}
	memcpy(slab_at(sl, id), &f, sizeof(f));
}

/* A block of bytes (a multiple of 8); its id in *id. */
static void *
slab_alloc(struct set_slab *sl, size_t bytes, uint32_t *id)
{
	size_t words = bytes / 4;
	uint32_t *pp = words <= SLAB_SMALL_WORDS ? &sl->small[words] : &sl->big;
	struct slab_free f;

	sl->live_bytes += bytes;
	for (; *pp != 0; pp = &((struct slab_free *)slab_at(sl, *pp))->next) {
		memcpy(&f, slab_at(sl, *pp), sizeof(f));
		if (f.words == words) {
			*id = *pp;
			*pp = f.next;
			return slab_at(sl, *id);
		}
	}
	if (bytes > SLAB_CHUNK_MAX - SLAB_FIRST) {
		/* a chunk of its own */
		size_t c = slab_new_chunk(sl, bytes + SLAB_FIRST);

		*id = slab_id(c, SLAB_FIRST);
		return sl->chunk[c] + SLAB_FIRST;
	}
	if (sl->nchunk == 0 || sl->cur_used + bytes > sl->chunk_size[sl->cur]) {
		size_t size = sl->next_size;

		/* the old chunk's tail serves a later set of its size */
		if (sl->nchunk != 0 &&
		    sl->chunk_size[sl->cur] - sl->cur_used >= SET_ALIGN)
			slab_free_block(sl, slab_id(sl->cur, sl->cur_used),
			    sl->chunk_size[sl->cur] - sl->cur_used);
		while (size < bytes + SLAB_FIRST)
			size *= 2;
		sl->cur = slab_new_chunk(sl, size);
		sl->cur_used = SLAB_FIRST;
		if (sl->next_size < SLAB_CHUNK_MAX)
			sl->next_size *= 2;
	}
	*id = slab_id(sl->cur, sl->cur_used);
	sl->cur_used += bytes;
	return slab_at(sl, *id);
}

static void
slab_release(struct set_slab *sl, uint32_t id, size_t bytes)
{
	size_t c = id >> SLAB_OFF_BITS;

	sl->live_bytes -= bytes;
	if (sl->chunk_size[c] == bytes + SLAB_FIRST &&
	    bytes > SLAB_CHUNK_MAX - SLAB_FIRST) {
		sl->chunk_bytes -= sl->chunk_size[c];
		slab_span_remove(sl, c);
		free(sl->chunk[c]);
		sl->chunk[c] = NULL;
		return;
	}
	slab_free_block(sl, id, bytes);
}

static void
slab_init(struct set_slab *sl)
{
	memset(sl, 0, sizeof(*sl));
	sl->next_size = SLAB_CHUNK_MIN;
}

static void
slab_fini(struct set_slab *sl)
{
	for (size_t c = 0; c < sl->nchunk; c++)
		free(sl->chunk[c]);
	free(sl->chunk);
	free(sl->chunk_size);
	free(sl->by_addr);
}

/* ---- intern table ---- */

/*
 * The index (tag_index.h): open addressing over 5-byte slots, a tag byte
 * from the set's hash and its id in two parallel arrays, at most half
 * full (tombstones included). A lookup reads the tags (a cache miss in a
 * big table) and touches a set only when its tag matches; growing moves
 * slots and reads the hash each set keeps in its header (a set read, no
 * hashing). It grows into a new array a step at a time,
 * TABLE_MIGRATE_STEP old slots on every intern and release (a whole
 * rehash of a million sets held the loop for tens of ms): while the old
 * array is there a set is in exactly one of the two, and moved slots
 * become tombstones, which keep the old probe chains whole.
 *
 * Issue 13 point 3: chained buckets of 4-byte ids (sets kept no hash)
 * cost a bucket and a set read per lookup, and a set read per set on
 * every growth to hash it again: two thirds of the Adj-RIB-In's cost per
 * received UPDATE with a MED per route. 8-byte slots (hash, id) fixed
 * that at 16.8 bytes per set at 10^6 sets; the 5-byte slots cost 10.5
 * (8.4 before, in 4-byte buckets one per set or two).
 */
#define TABLE_MIGRATE_STEP 128
#define TABLE_SLOTS_MIN	 256

struct attr_table {
	struct tag_index ix;		/* set ids by hash */
	size_t		 count;
	uint16_t	 number;	/* in table_reg */
	bool		 closing;	/* freed, sets still referenced */
	struct set_slab	 slab;
	uint8_t		*scratch;	/* a builder encoded */
	size_t		 scratch_cap;
	/* the scratch's last encoding: its count (attrs_prefetch's token),
	 * hash and span */
	uint64_t	 scratch_gen;
	uint32_t	 scratch_hash;
	struct set_span	 scratch_sp;
};

/* A set names its table by number (2 bytes, not a pointer): the tables
 * in use, [0] never. */
static struct attr_table **table_reg;
static size_t table_nreg;

static struct attr_set *
set_at(const struct attr_table *t, uint32_t id)
{
	return slab_at(&t->slab, id);
}

struct attr_table *
attr_table_new(void)
{
	struct attr_table *t = xcalloc(1, sizeof(*t));
	size_t n;

	tag_index_init(&t->ix, TABLE_SLOTS_MIN);
	slab_init(&t->slab);
	for (n = 1; n < table_nreg && table_reg[n] != NULL; n++)
		;
	if (n == UINT16_MAX + 1) {
		fprintf(stderr, "attrs: too many attribute tables\n");
		abort();
	}
	if (n >= table_nreg) {
		table_reg = xreallocarray(table_reg, n + 1, sizeof(*table_reg));
		table_nreg = n + 1;
	}
	table_reg[n] = t;
	t->number = (uint16_t)n;
	return t;
}

static void
table_destroy(struct attr_table *t)
{
	table_reg[t->number] = NULL;
	slab_fini(&t->slab);
	free(t->scratch);
	tag_index_fini(&t->ix);
	free(t);
}

void
attr_table_free(struct attr_table *t)
{
	if (t == NULL)
		return;
	/* sets still referenced keep it until the last is released */
	if (t->count > 0)
		t->closing = true;
	else
		table_destroy(t);
}

size_t
attr_table_count(const struct attr_table *t)
{
	return t->count;
}

/* The id of set s (hash h), c left on its slot; 0 when it is not there. */
static uint32_t
slot_of(const struct attr_table *t, uint32_t h, const struct attr_set *s,
    struct tag_cursor *c)
{
	uint32_t id;

	tag_index_find(&t->ix, h, c);
	while (tag_index_next(c, h, &id))
		if (set_at(t, id) == s)
			return id;
	return 0;
}

/* Does set id hold the content of block b (span sp)? */
static bool
set_is(const struct attr_table *t, uint32_t id, const uint8_t *b,
    const struct set_span *sp)
{
	const struct attr_set *s = set_at(t, id);
	struct set_span ss;

	if (memcmp((const uint8_t *)s + SET_CONTENT, b + SET_CONTENT,
	    SET_HDR - SET_CONTENT) != 0)
		return false;
	set_decode(s, NULL, &ss);
	return ss.len == sp->len && ss.raws_at == sp->raws_at &&
	    ss.nraws == sp->nraws && block_same((const uint8_t *)s, b, sp);
}

/* The set holding block b's content (hash h), or 0. */
static uint32_t
set_find(const struct attr_table *t, uint32_t h, const uint8_t *b,
    const struct set_span *sp)
{
	struct tag_cursor c;
	uint32_t id;

	tag_index_find(&t->ix, h, &c);
	while (tag_index_next(&c, h, &id))
		if (set_is(t, id, b, sp))
			return id;
	return 0;
}

/* The hashes of sets refs[0 .. n) (moving them to a new array): kept in
 * each set, their reads asked for first, together. */
static void
set_hashes(void *arg, const uint32_t *refs, size_t n, uint32_t *hashes)
{
	const struct attr_table *t = arg;

	for (size_t j = 0; j < n; j++)
		__builtin_prefetch(&set_at(t, refs[j])->hash);
	if (hashes == NULL)
		return;
	for (size_t j = 0; j < n; j++)
		hashes[j] = set_at(t, refs[j])->hash;
}

static void
table_migrate(struct attr_table *t, size_t steps)
{
	tag_index_migrate(&t->ix, steps, set_hashes, t);
}

/*
 * Start moving to a new array of the size that holds the sets a quarter
 * full: twice the size when more than a quarter holds sets, the same
 * size without the tombstones, or smaller once most sets are gone.
 */
static void
table_grow(struct attr_table *t)
{
	size_t n = TABLE_SLOTS_MIN;

	while (n < t->count * 4)
		n *= 2;
	tag_index_resize(&t->ix, n, set_hashes, t);
}

/* After a release: give back an index that many releases left mostly
 * tombstones (a session's routes gone: 16 MiB at 10^6 sets). */
static void
table_shrink(struct attr_table *t)
{
	if (t->ix.otag == NULL && !t->closing && t->ix.n > TABLE_SLOTS_MIN &&
	    t->count * 16 < t->ix.n)
		table_grow(t);
}

void
attr_table_memory(const struct attr_table *t, struct attr_table_mem *m)
{
	m->sets = t->count;
	m->set_bytes = t->slab.live_bytes;
	m->slab_bytes = t->slab.chunk_bytes;
	m->bucket_bytes = tag_index_bytes(&t->ix);
}

/*
 * At least the bytes set_encode writes for a: the scalars and next hops
 * at their largest, each array with its longest count and padding.
 */
static size_t
set_bound(const struct attrs *a)
{
	const size_t arr = 5 + SET_ALIGN;	/* LEB128 count, padding */
	size_t n = SET_HDR + 1 + 4 * 2 + 8 * 2 + 4 + 8 + 2 * (1 + 16);

	n += arr + a->aspath_len + arr + a->as4path_len;
	n += arr + (size_t)a->ncomms * sizeof(*a->comms);
	n += arr + (size_t)a->nlcomms * sizeof(*a->lcomms);
	n += arr + (size_t)a->nclusters * sizeof(*a->clusters);
	n += arr + (size_t)a->necomms * sizeof(*a->ecomms);
	n += arr + (size_t)a->nraws * sizeof(*a->raws);
	for (uint32_t i = 0; i < a->nraws; i++)
		n += a->raws[i].len;
	return n;
}

static uint64_t scratch_encodings;

/* Encode a into the table's scratch block (one pass: the scratch is
 * grown to a bound first); its hash. */
static uint32_t
scratch_encode(struct attr_table *t, const struct attrs *a,
    struct set_span *sp)
{
	size_t need = set_bound(a);

	if (need > t->scratch_cap) {
		free(t->scratch);
		t->scratch_cap = need < 256 ? 256 : need;
		t->scratch = xmalloc(t->scratch_cap);
	}
	set_encode(t->scratch, a, sp);
	/* counted over all tables: a token names its table too */
	t->scratch_gen = ++scratch_encodings;
	t->scratch_sp = *sp;
	return t->scratch_hash = block_hash(t->scratch, sp);
}

uint64_t
attrs_prefetch(struct attr_table *t, const struct attrs *a)
{
	struct set_span sp;
	uint32_t h = scratch_encode(t, a, &sp);

	tag_index_prefetch(&t->ix, h);
	return t->scratch_gen;
}

struct attr_table *
attrs_set_table(const struct attr_set *s)
{
	return table_reg[s->table];
}

uint32_t
attrs_set_id(struct attr_table *t, const struct attr_set *s)
{
	if (s == NULL)
		return 0;
	if (s->table != t->number) {
		fprintf(stderr, "attrs: a set of table %u named in table %u\n",
		    (unsigned)s->table, (unsigned)t->number);
		abort();
	}
	return slab_id_of(&t->slab, s);
}

const struct attr_set *
attrs_set_at(const struct attr_table *t, uint32_t id)
{
	if (id == 0)
		return NULL;
	return set_at(t, id);
}

const struct attr_set *
attrs_intern(struct attr_table *t, const struct attrs *a)
{
	return attrs_intern_encoded(t, a, 0);
}

const struct attr_set *
attrs_intern_encoded(struct attr_table *t, const struct attrs *a,
    uint64_t token)
{
	struct set_span sp;
	uint32_t h, id;
	struct attr_set *s;
	size_t size;

	if (token != 0 && token == t->scratch_gen) {
		h = t->scratch_hash;
		sp = t->scratch_sp;
	} else
		h = scratch_encode(t, a, &sp);
	size = set_block_size(sp.len);
	id = set_find(t, h, t->scratch, &sp);
	if (id != 0)
		return attrs_ref(set_at(t, id));
	table_migrate(t, TABLE_MIGRATE_STEP);
	if (tag_index_full(&t->ix))
		table_grow(t);
	s = slab_alloc(&t->slab, size, &id);
	memcpy((uint8_t *)s + SET_CONTENT, t->scratch + SET_CONTENT,
	    sp.len - SET_CONTENT);
	for (uint32_t i = 0; i < sp.nraws; i++) {
		struct attr_raw *r = (struct attr_raw *)((uint8_t *)s +
		    sp.raws_at) + i;

		r->data = (uint8_t *)s + (r->data - t->scratch);
	}
	s->refcnt = 1;
	s->hash = h;
	s->table = t->number;
	tag_index_put(&t->ix, h, id);
	t->count++;
	return s;
}

const struct attr_set *
attrs_ref(const struct attr_set *s)
{
	if (s != NULL)
		((struct attr_set *)s)->refcnt++;
	return s;
}

unsigned long
attrs_refcount(const struct attr_set *s)
{
	return s->refcnt;
}

void
attrs_unref(const struct attr_set *cs)
{
	struct attr_set *s = (struct attr_set *)cs;
	struct attr_table *t;
	struct tag_cursor c;
	struct set_span sp;
	uint32_t id;

	if (s == NULL || --s->refcnt > 0)
		return;
	t = table_reg[s->table];
	set_decode(s, NULL, &sp);
	if ((id = slot_of(t, s->hash, s, &c)) != 0) {
		tag_cursor_remove(&c);
		t->count--;
		slab_release(&t->slab, id, set_block_size(sp.len));
	}
	if (t->closing && t->count == 0) {
		table_destroy(t);
		return;
	}
	table_migrate(t, TABLE_MIGRATE_STEP);
	table_shrink(t);
}
