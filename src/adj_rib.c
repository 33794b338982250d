/*
 * Adj-RIB-Out and UPDATE packer (see adj_rib.h).
 *
 * Storage is built for a million routes per peer: entries live in one
 * array (stable indices, a free list for holes), an open-addressed
 * index of 5-byte slots (a tag byte from the key's hash and the entry
 * index, tag_index.h: 10.5 bytes per route at 10^6, 16.8 as 8-byte
 * hash+index slots) finds them by key, and the change queue is an
 * intrusive FIFO of entry indices. An entry is 48 bytes: its two
 * attribute sets (shared, interned) as 4-byte ids of
 * their table rather than 8-byte pointers pay for the 8-byte sequence
 * number of its last change that update groups read. A unicast or
 * multicast route keeps its prefix in the entry, so it costs the entry
 * plus its index slot; the NLRI of other families (labels, RD, flowspec
 * components) live in a small allocation the entry points to, holding
 * the key octets (nlri_key) and the whole NLRI as it is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/adj_rib.h"
#include "evbgp/tag_index.h"
#include "evbgp/util.h"

#define NIL		UINT32_MAX
#define GROUP_BUCKETS_MIN	64
#define GROUP_MOVE_STEP		64

/* The NLRI of a family that is not a bare prefix. */
struct ro_blob {
	uint16_t	 keylen;
	uint16_t	 len;
	uint8_t		 b[];		/* key octets, then the NLRI octets */
};

struct ro_entry {
	/*
	 * The sets, as ids in the Adj-RIB's table (attrs_set_id: 4 bytes,
	 * not 8), read and written through entry_want, entry_sent and
	 * entry_put. want: what the peer should have: 0 (withdrawn), or a
	 * set. With `withdraw', the route is to be withdrawn and want holds
	 * the attributes its withdrawal carries (NLRI_F_WITHDRAW_ATTRS).
	 */
	uint32_t	 want_id;
	uint32_t	 sent_id;	/* 0: the peer lacks it */
	uint32_t	 path_id;
	uint32_t	 next;		/* group queue link, or free-list link */
	uint32_t	 prev;		/* group queue link */
	uint8_t		 fam;
	uint8_t		 plen;		/* prefix families */
	uint8_t		 queued:1;
	uint8_t		 used:1;
	uint8_t		 src:1;		/* RIB_SRC_*: kept apart when packing */
	/* want cannot be sent in this session (an UPDATE cannot hold it):
	 * queued, if at all, to withdraw what the peer still has */
	uint8_t		 toobig:1;
	uint8_t		 withdraw:1;
	/* the NLRI octets changed (a new label) since they were sent */
	uint8_t		 dirty:1;
	union {
		uint8_t	 addr[16];	/* prefix families */
		struct ro_blob *blob;	/* the others */
	} k;
	/* the message that carried `sent' (its withdrawal, for a tombstone):
	 * 0 never packed. Update groups read it to catch a member up. */
	uint64_t	 seq;
};

/* a unicast route costs this much (and its index slot) */
_Static_assert(sizeof(struct ro_entry) == 48, "an Adj-RIB entry is 48 bytes");

/* A withdrawn entry kept for members that have not passed it. */
struct ro_tomb {
	uint32_t	 idx;
	uint64_t	 seq;
};

/*
 * The change queue is split by what is to be sent: one group per
 * (family, attribute set, source, withdrawal), plain withdrawals being
 * the set NULL. A group turns into as few UPDATEs as the message size
 * allows, however its routes were interleaved with others' in time.
 */
struct ro_group {
	const struct attr_set *want;
	uint8_t		 fam;
	uint8_t		 src;
	uint8_t		 withdraw;
	uint32_t	 head, tail;	/* entry indices */
	size_t		 count;
	struct ro_group	*next;		/* FIFO of groups with work */
	struct ro_group	*hnext;		/* hash chain */
};

struct adj_rib {
	struct ro_entry	*ent;
	size_t		 nent;		/* array slots used (incl. free) */
	size_t		 cap;
	uint32_t	 free_head;
	size_t		 live;		/* used entries */
	size_t		 nwant;		/* entries wanted announced */
	struct tag_index ix;		/* entry indices by key hash */
	struct ro_group	**gbuckets;	/* groups by queue key */
	size_t		 ngbuckets;
	struct ro_group	**ogbuckets;	/* being moved from, or NULL */
	size_t		 nogbuckets;
	size_t		 gmoved;
	size_t		 ngroups;
	struct ro_group	*gfirst, *glast;	/* FIFO */
	size_t		 nqueued;
	size_t		 ntoobig;	/* entries with toobig set */
	uint64_t	 toobig_total;	/* routes found too big, ever */
	uint64_t	 sent_announced;	/* routes packed into UPDATEs */
	uint64_t	 sent_withdrawn;
	bool		 store_only;	/* an Adj-RIB-In: nothing is queued */
	/*
	 * The table the entries' set ids name sets of, and how many ids
	 * they hold: every set held at once comes from one table (the
	 * daemon's); with none held, the next set stored says which.
	 */
	struct attr_table *sets;
	size_t		 nheld;
	/*
	 * Shared by an update group (adj_rib_set_logged): `sent' is what the
	 * group's log carries; a route withdrawn there stays as a tombstone
	 * (sent NULL, seq set) until adj_rib_reclaim says every member has
	 * passed it, so that a member catching up learns of the withdrawal.
	 */
	bool		 logged;
	uint64_t	 seq;		/* the last message emitted */
	struct ro_tomb	*tombs;		/* FIFO, in seq order */
	size_t		 ntombs, tomb_head, tomb_cap;
	uint64_t	 reclaimed;	/* every member passed this seq */
	/* for lookups: the families ever held, and those that ever held a
	 * route with an ADD-PATH id (the index is keyed by path id too) */
	famset_t	 fams_seen;
	famset_t	 fams_pathid;
};

/* A route's key, as looked up. */
struct ro_key {
	uint8_t		 fam;
	bool		 prefix;	/* plen and addr, else key octets */
	uint8_t		 plen;
	uint32_t	 path_id;
	uint8_t		 addr[16];
	const uint8_t	*key;
	size_t		 keylen;
	/* the key's hash, when the caller had it already (the receive
	 * path's prefetch, adj_rib_nlri_hash): not hashed again */
	bool		 hashed;
	uint32_t	 hash;
};

static bool
fam_prefix(uint8_t fam)
{
	return (nlri_family((enum family_id)fam)->flags & NLRI_F_PREFIX) != 0;
}

/* ---- an entry's sets ---- */

/* (0, no set, is common: answered here without a call) */
static const struct attr_set *
entry_want(const struct adj_rib *ro, const struct ro_entry *e)
{
	return e->want_id != 0 ? attrs_set_at(ro->sets, e->want_id) : NULL;
}

static const struct attr_set *
entry_sent(const struct adj_rib *ro, const struct ro_entry *e)
{
	return e->sent_id != 0 ? attrs_set_at(ro->sets, e->sent_id) : NULL;
}

/* Store id (0 or a set of ro->sets) in *slot, an entry's want_id or
 * sent_id. */
static void
entry_put_id(struct adj_rib *ro, uint32_t *slot, uint32_t id)
{
	if (*slot != 0)
		ro->nheld--;
	if (id != 0)
		ro->nheld++;
	*slot = id;
}

/*
 * Store s (NULL or a set) in *slot. A set of another table than those
 * held is a caller's bug (its id would name something else): fatal, in
 * attrs_set_id.
 */
static void
entry_put(struct adj_rib *ro, uint32_t *slot, const struct attr_set *s)
{
	entry_put_id(ro, slot, 0);
	if (s == NULL)
		return;
	if (ro->nheld == 0)
		ro->sets = attrs_set_table(s);
	entry_put_id(ro, slot, attrs_set_id(ro->sets, s));
}

/* Is the announcement of the entry what it wants? */
static bool
wants_route(const struct ro_entry *e)
{
	return e->want_id != 0 && !e->withdraw;
}

struct adj_rib *
adj_rib_new_store(void)
{
	struct adj_rib *ro = adj_rib_new();

	ro->store_only = true;
	return ro;
}

struct adj_rib *
adj_rib_new(void)
{
	struct adj_rib *ro = xcalloc(1, sizeof(*ro));

	ro->free_head = NIL;
	tag_index_init(&ro->ix, 64);
	ro->ngbuckets = GROUP_BUCKETS_MIN;
	ro->gbuckets = xcalloc(ro->ngbuckets, sizeof(*ro->gbuckets));
	return ro;
}

/*
 * Release what ro's routes hold (their sets, their NLRI blocks) from the
 * last array slot down, at most budget slots: ro->nent shrinks as it
 * goes, so a release resumes where the last one stopped. The queue's
 * groups count one slot each. True when no route or group is left.
 */
static bool
release_routes(struct adj_rib *ro, size_t *budget)
{
	struct ro_group *g;

	for (; ro->nent > 0 && *budget > 0; (*budget)--) {
		struct ro_entry *e = &ro->ent[--ro->nent];

		if (!e->used)
			continue;
		attrs_unref(entry_want(ro, e));
		attrs_unref(entry_sent(ro, e));
		if (!fam_prefix(e->fam))
			free(e->k.blob);
	}
	for (; ro->gfirst != NULL && *budget > 0; (*budget)--) {
		g = ro->gfirst;
		ro->gfirst = g->next;
		attrs_unref(g->want);
		free(g);
	}
	return ro->nent == 0 && ro->gfirst == NULL;
}

bool
adj_rib_release_step(struct adj_rib *ro, size_t budget)
{
	if (ro == NULL)
		return true;
	if (!release_routes(ro, &budget))
		return false;
	free(ro->gbuckets);
	free(ro->ogbuckets);
	free(ro->ent);
	tag_index_fini(&ro->ix);
	free(ro->tombs);
	free(ro);
	return true;
}

size_t
adj_rib_release_left(const struct adj_rib *ro)
{
	return ro->nent;
}

void
adj_rib_free(struct adj_rib *ro)
{
	adj_rib_release_step(ro, SIZE_MAX);
}

void
adj_rib_memory(const struct adj_rib *ro, struct adj_rib_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->routes = ro->live;
	m->entry_bytes = ro->cap * sizeof(*ro->ent);
	m->index_bytes = tag_index_bytes(&ro->ix);
	m->queue_bytes = ro->ngroups * sizeof(struct ro_group) +
	    (ro->ngbuckets + ro->nogbuckets) * sizeof(*ro->gbuckets) +
	    ro->tomb_cap * sizeof(*ro->tombs);
	for (size_t i = 0; i < ro->nent; i++)
		if (ro->ent[i].used && !fam_prefix(ro->ent[i].fam))
			m->nlri_bytes += sizeof(*ro->ent[i].k.blob) +
			    ro->ent[i].k.blob->keylen + ro->ent[i].k.blob->len;
}

/* ---- keys ---- */

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return h;
}

static uint32_t
key_hash(const struct ro_key *k)
{
	/* murmur3-style mixing over the 16 address bytes and the rest */
	uint64_t a, b, h;

	if (k->prefix) {
		memcpy(&a, k->addr, 8);
		memcpy(&b, k->addr + 8, 8);
		h = a * 0x9E3779B97F4A7C15ull;
		h ^= b + 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
		h ^= ((uint64_t)k->fam << 40 | (uint64_t)k->plen << 32 |
		    k->path_id) * 0x165667B19E3779F9ull;
		return (uint32_t)mix64(h);
	}
	h = ((uint64_t)k->fam << 32 | k->path_id) * 0x9E3779B97F4A7C15ull;
	for (size_t i = 0; i < k->keylen; i += 8) {
		uint64_t w = 0;

		memcpy(&w, k->key + i, k->keylen - i < 8 ? k->keylen - i : 8);
		h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
		h ^= h >> 29;
	}
	return (uint32_t)mix64(h ^ k->keylen);
}

/* k's hash: the one it carries, or made now. */
static uint32_t
key_hash_of(const struct ro_key *k)
{
	return k->hashed ? k->hash : key_hash(k);
}

/* The key of n; kbuf (NLRI_MAX) holds the key octets of other families. */
static void
key_of(const struct nlri *n, struct ro_key *k, uint8_t *kbuf)
{
	memset(k, 0, sizeof(*k));
	k->fam = (uint8_t)n->fam;
	k->path_id = n->path_id;
	k->prefix = fam_prefix(k->fam);
	if (k->prefix) {
		struct prefix p;

		nlri_to_prefix(n, &p);
		k->plen = p.len;
		memcpy(k->addr, p.b, 16);
		return;
	}
	k->keylen = nlri_key(n, kbuf);
	k->key = kbuf;
}

/* The key of entry e (for rehashing). */
static void
entry_key(const struct ro_entry *e, struct ro_key *k)
{
	memset(k, 0, sizeof(*k));
	k->fam = e->fam;
	k->path_id = e->path_id;
	k->prefix = fam_prefix(e->fam);
	if (k->prefix) {
		k->plen = e->plen;
		memcpy(k->addr, e->k.addr, 16);
	} else {
		k->key = e->k.blob->b;
		k->keylen = e->k.blob->keylen;
	}
}

static bool
entry_is(const struct ro_entry *e, const struct ro_key *k)
{
	if (e->fam != k->fam || e->path_id != k->path_id)
		return false;
	if (k->prefix)
		return e->plen == k->plen && memcmp(e->k.addr, k->addr, 16) == 0;
	return e->k.blob->keylen == k->keylen &&
	    memcmp(e->k.blob->b, k->key, k->keylen) == 0;
}

/* The NLRI of entry e; buf (17 bytes) holds a prefix family's octets. */
static void
entry_nlri(const struct ro_entry *e, struct nlri *n, uint8_t *buf)
{
	n->fam = (enum family_id)e->fam;
	n->path_id = e->path_id;
	if (fam_prefix(e->fam)) {
		struct prefix p = { .len = e->plen };

		memcpy(p.b, e->k.addr, 16);
		n->len = nlri_from_prefix(&p, buf);
		n->b = buf;
	} else {
		n->b = e->k.blob->b + e->k.blob->keylen;
		n->len = e->k.blob->len;
	}
}

static struct ro_blob *
blob_new(const struct ro_key *k, const struct nlri *n)
{
	struct ro_blob *b = xmalloc(sizeof(*b) + k->keylen + n->len);

	b->keylen = (uint16_t)k->keylen;
	b->len = (uint16_t)n->len;
	memcpy(b->b, k->key, k->keylen);
	memcpy(b->b + k->keylen, n->b, n->len);
	return b;
}

/* Are the NLRI octets of e those of n? */
static bool
blob_same(const struct ro_entry *e, const struct nlri *n)
{
	const struct ro_blob *b = e->k.blob;

	return b->len == n->len && memcmp(b->b + b->keylen, n->b, n->len) == 0;
}

/* Take n's octets for e (same key, new labels, say). */
static void
blob_replace(struct ro_entry *e, const struct ro_key *k, const struct nlri *n)
{
	free(e->k.blob);
	e->k.blob = blob_new(k, n);
}

/* ---- the index ---- */

/*
 * The index grows (or sheds its tombstones) into a new array a step at a
 * time (tag_index_migrate; a moved entry's key is hashed again, the
 * entries of a batch read together): INDEX_MIGRATE_STEP old slots move on
 * every change, so a million
 * routes never stop the loop for a whole rehash (80 ms here; on a busy
 * machine, with the new array's pages faulting in, several hundred, and
 * a KEEPALIVE waits that long). While the old array is there a key is in
 * exactly one of the two; moved slots become tombstones, which keep the
 * old probe chains whole.
 */
/* 128, not 256, since a moved entry is read to hash its key again: the
 * longest 1024 announcements of evbgp-ribmem stay at main's 16-18 ms */
#define INDEX_MIGRATE_STEP	128

/* The hashes of entries refs[0 .. n) (moving them to a new array):
 * their reads asked for first, together. */
static void
entry_hashes(void *arg, const uint32_t *refs, size_t n, uint32_t *hashes)
{
	const struct adj_rib *ro = arg;
	struct ro_key k;

	/* the key's fields, path_id to k, may straddle two cache lines */
	for (size_t j = 0; j < n; j++) {
		const struct ro_entry *e = &ro->ent[refs[j]];

		__builtin_prefetch(&e->path_id);
		__builtin_prefetch(&e->k.addr[15]);
	}
	if (hashes == NULL)
		return;
	for (size_t j = 0; j < n; j++) {
		entry_key(&ro->ent[refs[j]], &k);
		hashes[j] = key_hash(&k);
	}
}

/* The entry of key k (hash h), NIL when absent; c is left on its slot. */
static uint32_t
index_find(const struct adj_rib *ro, const struct ro_key *k, uint32_t h,
    struct tag_cursor *c)
{
	uint32_t i;

	tag_index_find(&ro->ix, h, c);
	while (tag_index_next(c, h, &i))
		if (entry_is(&ro->ent[i], k))
			return i;
	return NIL;
}

static void
index_migrate(struct adj_rib *ro, size_t steps)
{
	tag_index_migrate(&ro->ix, steps, entry_hashes, ro);
}

/* Start moving to a new array: twice the size when more than a quarter
 * is live, else the same size without the tombstones. */
static void
index_grow(struct adj_rib *ro)
{
	size_t n = ro->ix.n;

	if (ro->live * 4 > n)
		n *= 2;
	tag_index_resize(&ro->ix, n, entry_hashes, ro);
}

static uint32_t
entry_alloc(struct adj_rib *ro)
{
	uint32_t i;

	if (ro->free_head != NIL) {
		i = ro->free_head;
		ro->free_head = ro->ent[i].next;
	} else {
		if (ro->nent == ro->cap) {
			ro->cap = ro->cap ? ro->cap * 2 : 256;
			ro->ent = xreallocarray(ro->ent, ro->cap,
			    sizeof(*ro->ent));
		}
		i = (uint32_t)ro->nent++;
	}
	memset(&ro->ent[i], 0, sizeof(ro->ent[i]));
	ro->ent[i].used = 1;
	ro->ent[i].next = NIL;
	ro->live++;
	return i;
}

/* Find, or create (create), the entry of route n whose key is k. */
static uint32_t
entry_get(struct adj_rib *ro, const struct nlri *n, const struct ro_key *k,
    bool create)
{
	uint32_t h = key_hash_of(k), i;
	struct tag_cursor c;

	i = index_find(ro, k, h, &c);
	if (i != NIL || !create)
		return i;
	index_migrate(ro, INDEX_MIGRATE_STEP);
	/* keep the index at most half full (tombstones included); a move
	 * finishes long before the new array gets there */
	if (tag_index_full(&ro->ix))
		index_grow(ro);
	i = entry_alloc(ro);
	ro->fams_seen |= FAMSET(k->fam);
	if (k->path_id != 0)
		ro->fams_pathid |= FAMSET(k->fam);
	ro->ent[i].fam = k->fam;
	ro->ent[i].path_id = k->path_id;
	if (k->prefix) {
		ro->ent[i].plen = k->plen;
		memcpy(ro->ent[i].k.addr, k->addr, 16);
	} else
		ro->ent[i].k.blob = blob_new(k, n);
	tag_index_put(&ro->ix, h, i);
	return i;
}

static void
set_toobig(struct adj_rib *ro, struct ro_entry *e, bool on)
{
	if (e->toobig == on)
		return;
	e->toobig = on;
	if (on) {
		ro->ntoobig++;
		ro->toobig_total++;
	} else
		ro->ntoobig--;
}

static void
entry_remove(struct adj_rib *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct tag_cursor c;
	struct ro_key k;

	entry_key(e, &k);
	if (index_find(ro, &k, key_hash(&k), &c) != NIL)
		tag_cursor_remove(&c);
	index_migrate(ro, INDEX_MIGRATE_STEP);
	set_toobig(ro, e, false);
	if (wants_route(e))
		ro->nwant--;
	attrs_unref(entry_want(ro, e));
	attrs_unref(entry_sent(ro, e));
	if (!k.prefix)
		free(e->k.blob);
	e->used = 0;
	entry_put_id(ro, &e->want_id, 0);
	entry_put_id(ro, &e->sent_id, 0);
	e->next = ro->free_head;
	ro->free_head = i;
	ro->live--;
}

/* ---- the change queue ---- */

static size_t
group_hash(uint8_t fam, const struct attr_set *a, uint8_t src, uint8_t withdraw)
{
	uintptr_t h = (uintptr_t)a * 0x9E3779B97F4A7C15ull + fam * 4u +
	    src * 2u + withdraw;

	return (size_t)(h >> 16);
}

/*
 * The bucket of a queue key. The buckets grow a step at a time, as the
 * index does: a million distinct sets queued is a million groups.
 */
static struct ro_group **
group_bucket(const struct adj_rib *ro, uint8_t fam, const struct attr_set *a,
    uint8_t src, uint8_t withdraw)
{
	size_t h = group_hash(fam, a, src, withdraw);

	if (ro->ogbuckets != NULL && (h & (ro->nogbuckets - 1)) >= ro->gmoved)
		return &ro->ogbuckets[h & (ro->nogbuckets - 1)];
	return &ro->gbuckets[h & (ro->ngbuckets - 1)];
}

static struct ro_group *
group_find(struct adj_rib *ro, uint8_t fam, const struct attr_set *a,
    uint8_t src, uint8_t withdraw)
{
	struct ro_group *g = *group_bucket(ro, fam, a, src, withdraw);

	for (; g != NULL; g = g->hnext)
		if (g->want == a && g->fam == fam && g->src == src &&
		    g->withdraw == withdraw)
			return g;
	return NULL;
}

/* Move up to steps old buckets (SIZE_MAX: all) to the new array. */
static void
groups_move(struct adj_rib *ro, size_t steps)
{
	while (ro->ogbuckets != NULL && steps-- > 0) {
		struct ro_group *g = ro->ogbuckets[ro->gmoved], *next;

		for (; g != NULL; g = next) {
			size_t h = group_hash(g->fam, g->want, g->src,
			    g->withdraw) & (ro->ngbuckets - 1);

			next = g->hnext;
			g->hnext = ro->gbuckets[h];
			ro->gbuckets[h] = g;
		}
		ro->ogbuckets[ro->gmoved] = NULL;
		if (++ro->gmoved == ro->nogbuckets) {
			free(ro->ogbuckets);
			ro->ogbuckets = NULL;
			ro->nogbuckets = ro->gmoved = 0;
		}
	}
}

static void
groups_rehash(struct adj_rib *ro)
{
	groups_move(ro, SIZE_MAX);	/* a move still going: finish it */
	ro->ogbuckets = ro->gbuckets;
	ro->nogbuckets = ro->ngbuckets;
	ro->gmoved = 0;
	ro->ngbuckets *= 2;
	ro->gbuckets = xcalloc(ro->ngbuckets, sizeof(*ro->gbuckets));
}

static struct ro_group *
group_get(struct adj_rib *ro, uint8_t fam, const struct attr_set *a,
    uint8_t src, uint8_t withdraw)
{
	struct ro_group *g = group_find(ro, fam, a, src, withdraw);
	struct ro_group **b;

	if (g != NULL)
		return g;
	groups_move(ro, GROUP_MOVE_STEP);
	if (ro->ngroups >= ro->ngbuckets)
		groups_rehash(ro);
	g = xcalloc(1, sizeof(*g));
	g->want = a != NULL ? attrs_ref(a) : NULL;
	g->fam = fam;
	g->src = src;
	g->withdraw = withdraw;
	g->head = g->tail = NIL;
	b = group_bucket(ro, fam, a, src, withdraw);
	g->hnext = *b;
	*b = g;
	ro->ngroups++;
	if (ro->glast == NULL)
		ro->gfirst = g;
	else
		ro->glast->next = g;
	ro->glast = g;
	return g;
}

/* Forget an empty group (it is the first of the FIFO or not listed). */
static void
group_drop(struct adj_rib *ro, struct ro_group *g)
{
	struct ro_group **pp = group_bucket(ro, g->fam, g->want, g->src,
	    g->withdraw);
	struct ro_group *prev = NULL, *q;

	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == g) {
			*pp = g->hnext;
			break;
		}
	for (q = ro->gfirst; q != NULL && q != g; q = q->next)
		prev = q;
	if (q == g) {
		if (prev == NULL)
			ro->gfirst = g->next;
		else
			prev->next = g->next;
		if (ro->glast == g)
			ro->glast = prev;
	}
	ro->ngroups--;
	attrs_unref(g->want);
	free(g);
	/* the queue is empty: give back the buckets a burst of a million
	 * attribute sets grew (8 bytes per route held for nothing) */
	groups_move(ro, GROUP_MOVE_STEP);
	if (ro->ngroups == 0 && ro->ngbuckets > GROUP_BUCKETS_MIN) {
		free(ro->ogbuckets);
		ro->ogbuckets = NULL;
		ro->nogbuckets = ro->gmoved = 0;
		free(ro->gbuckets);
		ro->ngbuckets = GROUP_BUCKETS_MIN;
		ro->gbuckets = xcalloc(ro->ngbuckets, sizeof(*ro->gbuckets));
	}
}

/*
 * The queue an entry waits in: its wanted set; the withdrawals (with
 * their attributes, or none) when it is withdrawn or what it wants
 * cannot be sent.
 */
static const struct attr_set *
queue_set(const struct adj_rib *ro, const struct ro_entry *e)
{
	return e->toobig ? NULL : entry_want(ro, e);
}

static uint8_t
queue_withdraw(const struct ro_entry *e)
{
	return e->toobig || !wants_route(e);
}

static void
enqueue(struct adj_rib *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct ro_group *g;

	if (e->queued || ro->store_only)
		return;
	g = group_get(ro, e->fam, queue_set(ro, e), e->src, queue_withdraw(e));
	e->queued = 1;
	e->next = NIL;
	e->prev = g->tail;
	if (g->tail == NIL)
		g->head = i;
	else
		ro->ent[g->tail].next = i;
	g->tail = i;
	g->count++;
	ro->nqueued++;
}

/* Take entry i out of its group's queue (its queue key is unchanged). */
static void
unqueue(struct adj_rib *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct ro_group *g;

	if (!e->queued)
		return;
	g = group_find(ro, e->fam, queue_set(ro, e), e->src, queue_withdraw(e));
	if (e->prev == NIL)
		g->head = e->next;
	else
		ro->ent[e->prev].next = e->next;
	if (e->next == NIL)
		g->tail = e->prev;
	else
		ro->ent[e->next].prev = e->prev;
	e->queued = 0;
	e->next = e->prev = NIL;
	g->count--;
	ro->nqueued--;
	if (g->count == 0)
		group_drop(ro, g);
}

/* Is there nothing to send for entry e? */
static bool
in_sync(const struct ro_entry *e)
{
	if (!wants_route(e))
		return e->sent_id == 0;
	/* one table: the same id, the same set */
	return e->want_id == e->sent_id && !e->dirty;
}

/*
 * Change what the peer should have (a, withdraw: see ro_entry); the
 * entry moves to its new group.
 */
static void
set_want(struct adj_rib *ro, uint32_t i, const struct attr_set *a,
    bool withdraw)
{
	struct ro_entry *e = &ro->ent[i];
	bool was_queued = e->queued;

	unqueue(ro, i);
	set_toobig(ro, e, false);	/* new attributes: try them */
	if (wants_route(e))
		ro->nwant--;
	if (a != NULL)
		attrs_ref(a);
	attrs_unref(entry_want(ro, e));
	entry_put(ro, &e->want_id, a);
	e->withdraw = withdraw && a != NULL;
	if (wants_route(e))
		ro->nwant++;
	if (was_queued || !in_sync(e))
		enqueue(ro, i);
}

/* ---- announce, withdraw ---- */

/* The key of a prefix family's route, straight from its prefix. */
static void
key_of_prefix(enum family_id fam, const struct prefix *p, uint32_t path_id,
    struct ro_key *k)
{
	memset(k, 0, sizeof(*k));
	k->fam = (uint8_t)fam;
	k->path_id = path_id;
	k->prefix = true;
	k->plen = p->len;
	memcpy(k->addr, p->b, 16);
}

/* Announce the route keyed k (n: its NLRI; NULL for a prefix family). */
static void
announce_key(struct adj_rib *ro, const struct ro_key *k, const struct nlri *n,
    const struct attr_set *a, unsigned src)
{
	uint32_t i = entry_get(ro, n, k, true);
	struct ro_entry *e = &ro->ent[i];

	if (!k->prefix && !blob_same(e, n)) {
		/* same route, other octets (labels): they go out again */
		unqueue(ro, i);
		blob_replace(e, k, n);
		e->dirty = e->sent_id != 0;
	} else if (wants_route(e) && entry_want(ro, e) == a && e->src == src)
		return;
	/* the source is part of the queue key: leave the old group first */
	unqueue(ro, i);
	e->src = src & 1u;
	set_want(ro, i, a, false);
}

/* Withdraw the route keyed k (n: as announce_key). */
static void
withdraw_key(struct adj_rib *ro, const struct ro_key *k, const struct nlri *n,
    const struct attr_set *a)
{
	uint32_t i = entry_get(ro, n, k, false);
	struct ro_entry *e;

	if (i == NIL)
		return;
	e = &ro->ent[i];
	/* never sent: forget it, nothing goes on the wire (a tombstone
	 * stays one: a member behind it still needs the withdrawal) */
	if (e->sent_id == 0) {
		unqueue(ro, i);
		if (ro->logged && e->seq > ro->reclaimed)
			set_want(ro, i, NULL, true);
		else
			entry_remove(ro, i);
		return;
	}
	if (!k->prefix && !blob_same(e, n)) {
		/* the withdrawal carries the NLRI it was given (labels) */
		unqueue(ro, i);
		blob_replace(e, k, n);
	}
	if (!(nlri_family((enum family_id)k->fam)->flags &
	    NLRI_F_WITHDRAW_ATTRS))
		set_want(ro, i, NULL, true);
	else
		set_want(ro, i, a != NULL ? a : entry_want(ro, e), true);
}

void
adj_rib_announce_nlri(struct adj_rib *ro, const struct nlri *n,
    const struct attr_set *a, unsigned src)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;

	key_of(n, &k, kbuf);
	announce_key(ro, &k, n, a, src);
}

void
adj_rib_prefetch_nlri(const struct adj_rib *ro, const struct nlri *n)
{
	adj_rib_prefetch_hash(ro, adj_rib_nlri_hash(n));
}

uint32_t
adj_rib_nlri_hash(const struct nlri *n)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;

	key_of(n, &k, kbuf);
	return key_hash(&k);
}

void
adj_rib_prefetch_hash(const struct adj_rib *ro, uint32_t h)
{
	tag_index_prefetch(&ro->ix, h);
}

/* The key of n, carrying its hash h (adj_rib_nlri_hash). */
static void
key_of_hashed(const struct nlri *n, uint32_t h, struct ro_key *k,
    uint8_t *kbuf)
{
	key_of(n, k, kbuf);
	k->hashed = true;
	k->hash = h;
}

void
adj_rib_announce_nlri_hashed(struct adj_rib *ro, const struct nlri *n,
    uint32_t h, const struct attr_set *a, unsigned src)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;

	key_of_hashed(n, h, &k, kbuf);
	announce_key(ro, &k, n, a, src);
}

void
adj_rib_withdraw_nlri_hashed(struct adj_rib *ro, const struct nlri *n,
    uint32_t h)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;

	key_of_hashed(n, h, &k, kbuf);
	withdraw_key(ro, &k, n, NULL);
}

void
adj_rib_withdraw_nlri(struct adj_rib *ro, const struct nlri *n,
    const struct attr_set *a)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;

	key_of(n, &k, kbuf);
	withdraw_key(ro, &k, n, a);
}

void
adj_rib_announce(struct adj_rib *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id, const struct attr_set *a)
{
	adj_rib_announce_src(ro, fam, p, path_id, a, RIB_SRC_CONFIG);
}

void
adj_rib_announce_src(struct adj_rib *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id, const struct attr_set *a,
    unsigned src)
{
	struct ro_key k;

	key_of_prefix(fam, p, path_id, &k);
	announce_key(ro, &k, NULL, a, src);
}

void
adj_rib_withdraw(struct adj_rib *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id)
{
	struct ro_key k;

	key_of_prefix(fam, p, path_id, &k);
	withdraw_key(ro, &k, NULL, NULL);
}

void
adj_rib_session_down(struct adj_rib *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;
		unqueue(ro, i);
		attrs_unref(entry_sent(ro, e));
		entry_put_id(ro, &e->sent_id, 0);
		e->dirty = 0;
		/* the next session may negotiate extended messages */
		set_toobig(ro, e, false);
		if (!wants_route(e))
			entry_remove(ro, i);
		else
			enqueue(ro, i);
	}
}

void
adj_rib_resend_all(struct adj_rib *ro)
{
	adj_rib_session_down(ro);
}

void
adj_rib_withdraw_all(struct adj_rib *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];
		uint8_t buf[17];
		struct nlri n;

		if (!e->used || !wants_route(e))
			continue;
		entry_nlri(e, &n, buf);
		adj_rib_withdraw_nlri(ro, &n, NULL);
	}
}

size_t
adj_rib_queued(const struct adj_rib *ro)
{
	return ro->nqueued;
}

void
adj_rib_sent(const struct adj_rib *ro, uint64_t *announced,
    uint64_t *withdrawn)
{
	*announced = ro->sent_announced;
	*withdrawn = ro->sent_withdrawn;
}

bool
adj_rib_pending(const struct adj_rib *ro)
{
	return ro->nqueued > 0;
}

size_t
adj_rib_count(const struct adj_rib *ro)
{
	return ro->nwant - ro->ntoobig;
}

size_t
adj_rib_toobig(const struct adj_rib *ro)
{
	return ro->ntoobig;
}

uint64_t
adj_rib_toobig_total(const struct adj_rib *ro)
{
	return ro->toobig_total;
}

const struct attr_set *
adj_rib_lookup_nlri(const struct adj_rib *ro, const struct nlri *n)
{
	uint8_t kbuf[NLRI_MAX];
	struct ro_key k;
	struct tag_cursor c;
	uint32_t i;

	key_of(n, &k, kbuf);
	i = index_find(ro, &k, key_hash(&k), &c);
	if (i == NIL || !wants_route(&ro->ent[i]))
		return NULL;
	return entry_want(ro, &ro->ent[i]);
}

const struct attr_set *
adj_rib_lookup(const struct adj_rib *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id)
{
	struct ro_key k;
	struct tag_cursor c;
	uint32_t i;

	key_of_prefix(fam, p, path_id, &k);
	i = index_find(ro, &k, key_hash(&k), &c);
	if (i == NIL || !wants_route(&ro->ent[i]))
		return NULL;
	return entry_want(ro, &ro->ent[i]);
}

void
adj_rib_foreach(const struct adj_rib *ro, adj_rib_visit_fn *fn, void *arg)
{
	uint8_t buf[17];
	struct nlri n;

	for (size_t i = 0; i < ro->nent; i++) {
		const struct ro_entry *e = &ro->ent[i];

		if (!e->used || !wants_route(e) || e->toobig)
			continue;
		entry_nlri(e, &n, buf);
		fn(arg, &n, entry_want(ro, e));
	}
}

/* ---- lookups ---- */

/* Does entry e (wanted, of a family in q) pass q's RD and attributes? */
static bool
query_rest_ok(const struct adj_rib *ro, const struct rib_query *q,
    const struct ro_entry *e, const struct nlri *n)
{
	if (q->rd != NULL) {
		const uint8_t *rd = nlri_rd(n);

		if (rd == NULL || memcmp(rd, q->rd, 8) != 0)
			return false;
	}
	return q->attrs_ok == NULL || q->attrs_ok(q->attrs_arg, entry_want(ro, e));
}

/* The index answers an exact or longest lookup of fam: a prefix family
 * without ADD-PATH routes. */
static bool
query_indexed(const struct adj_rib *ro, const struct rib_query *q,
    enum family_id fam)
{
	return q->has_prefix && q->match != RIB_MATCH_MORE &&
	    fam_prefix((uint8_t)fam) && q->rd == NULL &&
	    !FAMSET_HAS(ro->fams_pathid, fam) && ro->ix.n > 0;
}

/* The wanted entry of fam keyed p (path id 0), or NULL. */
static const struct ro_entry *
query_probe(const struct adj_rib *ro, enum family_id fam,
    const struct prefix *p)
{
	struct tag_cursor c;
	struct ro_key k;
	const struct ro_entry *e;
	uint32_t i;

	/* the index may be moving to a new array: index_find looks in
	 * both */
	key_of_prefix(fam, p, 0, &k);
	i = index_find(ro, &k, key_hash(&k), &c);
	if (i == NIL)
		return NULL;
	e = &ro->ent[i];
	if (!wants_route(e) || e->toobig)
		return NULL;
	return e;
}

/* Exact or longest match of fam through the index. */
static size_t
query_index(const struct adj_rib *ro, const struct rib_query *q,
    enum family_id fam, adj_rib_visit_fn *fn, void *arg)
{
	struct prefix p = q->prefix;
	int len = p.len;

	for (; len >= 0; len--) {
		const struct ro_entry *e;
		uint8_t buf[17];
		struct nlri n;

		p.len = (uint8_t)len;
		prefix_mask(&p);
		if ((e = query_probe(ro, fam, &p)) != NULL) {
			entry_nlri(e, &n, buf);
			if (query_rest_ok(ro, q, e, &n)) {
				if (fn != NULL)
					fn(arg, &n, entry_want(ro, e));
				return 1;
			}
		}
		if (q->match == RIB_MATCH_EXACT)
			break;
	}
	return 0;
}

/* Does the prefix of entry e match q (for a longest match: contain q's
 * prefix)? *len gets its length. n: e's NLRI, made here when needed. */
static bool
query_prefix_ok(const struct rib_query *q, const struct ro_entry *e,
    struct nlri *n, uint8_t *buf, bool *made, unsigned *len)
{
	struct prefix p;

	*len = 0;
	if (!q->has_prefix)
		return true;
	if (fam_prefix(e->fam)) {
		/* straight from the entry: no NLRI to build */
		p.afi = (uint8_t)family_afi((enum family_id)e->fam);
		p.len = e->plen;
		memcpy(p.b, e->k.addr, 16);
	} else {
		entry_nlri(e, n, buf);
		*made = true;
		if (!nlri_prefix(n, &p))
			return false;
	}
	if (p.afi != q->prefix.afi)
		return false;
	*len = p.len;
	switch (q->match) {
	case RIB_MATCH_EXACT:
		return prefix_equal(&p, &q->prefix);
	case RIB_MATCH_LONGEST:
		return prefix_contains(&p, &q->prefix);
	case RIB_MATCH_MORE:
		return prefix_contains(&q->prefix, &p);
	}
	return false;
}

size_t
adj_rib_query(const struct adj_rib *ro, const struct rib_query *q,
    adj_rib_visit_fn *fn, void *arg)
{
	famset_t walk = 0;
	size_t found = 0;
	int best[FAM_MAX];
	uint8_t buf[17];
	struct nlri n;

	/* the index first; what it cannot answer is walked */
	for (int f = 0; f < FAM_MAX; f++) {
		best[f] = -1;
		if (!FAMSET_HAS(q->fams & ro->fams_seen, f))
			continue;
		if (q->has_prefix && !(nlri_family((enum family_id)f) != NULL &&
		    nlri_family((enum family_id)f)->prefix != NULL))
			continue;	/* no prefix to match */
		if (query_indexed(ro, q, (enum family_id)f))
			found += query_index(ro, q, (enum family_id)f, fn, arg);
		else
			walk |= FAMSET(f);
	}
	if (walk == 0)
		return found;
	/* a longest match walks twice: the longest length per family,
	 * then the routes of that length */
	for (int pass = q->has_prefix && q->match == RIB_MATCH_LONGEST ? 0 : 1;
	    pass < 2; pass++) {
		for (size_t i = 0; i < ro->nent; i++) {
			const struct ro_entry *e = &ro->ent[i];
			bool made = false;
			unsigned len;

			if (!e->used || !FAMSET_HAS(walk, e->fam) ||
			    !wants_route(e) || e->toobig)
				continue;
			if (!query_prefix_ok(q, e, &n, buf, &made, &len))
				continue;
			if (!made)
				entry_nlri(e, &n, buf);
			if (!query_rest_ok(ro, q, e, &n))
				continue;
			if (pass == 0) {
				if ((int)len > best[e->fam])
					best[e->fam] = (int)len;
				continue;
			}
			if (q->has_prefix && q->match == RIB_MATCH_LONGEST &&
			    (int)len != best[e->fam])
				continue;
			found++;
			if (fn != NULL)
				fn(arg, &n, entry_want(ro, e));
		}
	}
	return found;
}

/* ---- update groups: the log's bookkeeping ---- */

void
adj_rib_set_logged(struct adj_rib *ro)
{
	ro->logged = true;
}

uint64_t
adj_rib_seq(const struct adj_rib *ro)
{
	return ro->seq;
}

size_t
adj_rib_tombstones(const struct adj_rib *ro)
{
	return ro->ntombs - ro->tomb_head;
}

static void
tomb_push(struct adj_rib *ro, uint32_t i)
{
	if (ro->ntombs == ro->tomb_cap) {
		if (ro->tomb_head > 0) {
			memmove(ro->tombs, ro->tombs + ro->tomb_head,
			    (ro->ntombs - ro->tomb_head) * sizeof(*ro->tombs));
			ro->ntombs -= ro->tomb_head;
			ro->tomb_head = 0;
		}
		if (ro->ntombs == ro->tomb_cap) {
			ro->tomb_cap = ro->tomb_cap ? ro->tomb_cap * 2 : 64;
			ro->tombs = xreallocarray(ro->tombs, ro->tomb_cap,
			    sizeof(*ro->tombs));
		}
	}
	ro->tombs[ro->ntombs].idx = i;
	ro->tombs[ro->ntombs].seq = ro->ent[i].seq;
	ro->ntombs++;
}

void
adj_rib_reclaim(struct adj_rib *ro, uint64_t floor)
{
	while (ro->tomb_head < ro->ntombs &&
	    ro->tombs[ro->tomb_head].seq <= floor) {
		struct ro_tomb t = ro->tombs[ro->tomb_head++];
		struct ro_entry *e = &ro->ent[t.idx];

		/* still the tombstone it was (not announced again since) */
		if (e->used && e->seq == t.seq && e->sent_id == 0 &&
		    !wants_route(e) && !e->queued)
			entry_remove(ro, t.idx);
	}
	if (ro->tomb_head == ro->ntombs)
		ro->tomb_head = ro->ntombs = 0;
	/* a burst of withdrawals grew the FIFO: give it back when empty */
	if (ro->ntombs == 0 && ro->tomb_cap > 1024) {
		free(ro->tombs);
		ro->tombs = NULL;
		ro->tomb_cap = 0;
	}
	if (floor > ro->reclaimed)
		ro->reclaimed = floor;
}

void
adj_rib_requeue(struct adj_rib *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;
		if (e->toobig) {
			/* the queue key changes with the flag */
			unqueue(ro, i);
			set_toobig(ro, e, false);
		}
		if (!in_sync(e))
			enqueue(ro, i);
	}
}

struct adj_rib *
adj_rib_clone(const struct adj_rib *src)
{
	struct adj_rib *ro = xcalloc(1, sizeof(*ro));

	*ro = *src;
	ro->ent = NULL;
	if (src->cap > 0) {
		ro->ent = xreallocarray(NULL, src->cap, sizeof(*ro->ent));
		memcpy(ro->ent, src->ent, src->nent * sizeof(*ro->ent));
	}
	tag_index_clone(&ro->ix, &src->ix);
	ro->tombs = NULL;
	if (src->tomb_cap > 0) {
		ro->tombs = xreallocarray(NULL, src->tomb_cap,
		    sizeof(*ro->tombs));
		memcpy(ro->tombs, src->tombs, src->ntombs * sizeof(*ro->tombs));
	}
	/* the queue is rebuilt below, in the source's order */
	ro->ngbuckets = GROUP_BUCKETS_MIN;
	ro->gbuckets = xcalloc(ro->ngbuckets, sizeof(*ro->gbuckets));
	ro->ogbuckets = NULL;
	ro->nogbuckets = ro->gmoved = ro->ngroups = 0;
	ro->gfirst = ro->glast = NULL;
	ro->nqueued = 0;
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;	/* next: the free list, kept as is */
		/* the same table, the same ids (nheld copied) */
		attrs_ref(entry_want(ro, e));
		attrs_ref(entry_sent(ro, e));
		if (!fam_prefix(e->fam)) {
			const struct ro_blob *b = e->k.blob;
			size_t len = sizeof(*b) + b->keylen + b->len;

			e->k.blob = xmalloc(len);
			memcpy(e->k.blob, b, len);
		}
		e->queued = 0;
		e->next = e->prev = NIL;
	}
	for (const struct ro_group *g = src->gfirst; g != NULL; g = g->next)
		for (uint32_t i = g->head; i != NIL; i = src->ent[i].next)
			enqueue(ro, i);
	return ro;
}

/* ---- packing ---- */

struct pack_state {
	struct adj_rib	*ro;
	const struct adj_rib_pack_ctx *ctx;
	uint8_t		*msg, *attrs, *nlri;	/* BGP_MAX_EXT_MSG each */
	uint32_t	*taken;
	long		 emitted;
	bool		 failed;
};

static void
pack_state_init(struct pack_state *ps, struct adj_rib *ro,
    const struct adj_rib_pack_ctx *ctx)
{
	uint8_t *scratch = xmalloc(3 * (size_t)BGP_MAX_EXT_MSG);

	ps->ro = ro;
	ps->ctx = ctx;
	ps->msg = scratch;
	ps->attrs = scratch + BGP_MAX_EXT_MSG;
	ps->nlri = scratch + 2 * (size_t)BGP_MAX_EXT_MSG;
	/* the most NLRI one message can hold: 1-byte default routes */
	ps->taken = xreallocarray(NULL, BGP_MAX_EXT_MSG, sizeof(*ps->taken));
	ps->emitted = 0;
	ps->failed = false;
}

static void
pack_state_done(struct pack_state *ps)
{
	free(ps->taken);
	free(ps->msg);
}

static void
emit(struct pack_state *ps, const struct wbuf *w, size_t announced,
    size_t withdrawn)
{
	const struct adj_rib_pack_ctx *ctx = ps->ctx;
	int rc;

	if (ps->failed)
		return;
	if (w->err) {
		ps->failed = true;
		return;
	}
	if (ctx->emit_counted != NULL)
		rc = ctx->emit_counted(ctx->arg, w->buf, w->len, announced,
		    withdrawn);
	else
		rc = ctx->emit(ctx->arg, w->buf, w->len);
	if (rc != 0) {
		ps->failed = true;
		return;
	}
	ps->emitted++;
}

/* The peer now has what we wanted for entry i (message ro->seq). */
static void
commit_entry(struct adj_rib *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];

	e->seq = ro->seq;
	if (!wants_route(e)) {
		if (!ro->logged) {
			entry_remove(ro, i);
			return;
		}
		/* a tombstone until every member has passed it */
		attrs_unref(entry_sent(ro, e));
		entry_put_id(ro, &e->sent_id, 0);
		e->dirty = 0;
		tomb_push(ro, i);
		return;
	}
	e->dirty = 0;
	if (e->toobig) {	/* its withdrawal: the peer holds nothing */
		attrs_unref(entry_sent(ro, e));
		entry_put_id(ro, &e->sent_id, 0);
		return;
	}
	attrs_ref(entry_want(ro, e));
	attrs_unref(entry_sent(ro, e));
	entry_put_id(ro, &e->sent_id, e->want_id);
}

/*
 * Entry i wants what no UPDATE of this session can hold: it is not sent;
 * the peer loses what it had of the route (a withdrawal is queued), so
 * that it never keeps attributes we no longer want. need: the UPDATE
 * size it would take (0: more than the largest message).
 */
static void
mark_toobig(struct pack_state *ps, uint32_t i, size_t routes, size_t need)
{
	struct adj_rib *ro = ps->ro;
	struct ro_entry *e = &ro->ent[i];
	uint8_t buf[17];
	struct nlri n;

	unqueue(ro, i);
	set_toobig(ro, e, true);
	if (e->sent_id != 0)
		enqueue(ro, i);
	if (routes > 0 && ps->ctx->toobig != NULL) {
		entry_nlri(e, &n, buf);
		ps->ctx->toobig(ps->ctx->arg, &n, routes, need);
	}
}

/* Every route of group g (its attributes alone are too big). */
static void
group_toobig(struct pack_state *ps, struct ro_group *g, size_t need,
    uint32_t *taken)
{
	size_t n = 0;

	for (uint32_t i = g->head; i != NIL; i = ps->ro->ent[i].next)
		taken[n++] = i;
	/* one report for the group, naming its first route */
	for (size_t k = 0; k < n; k++)
		mark_toobig(ps, taken[k], k == 0 ? n : 0, need);
}

/*
 * Move NLRI of the group's queued entries into nl until it is full or
 * limit entries were taken; the taken entries are unqueued and listed in
 * taken[]. No-op entries are dropped on the way; an entry whose NLRI
 * does not fit even alone is marked too big.
 */
static size_t
take_nlri(struct pack_state *ps, struct ro_group *g, struct wbuf *nl,
    size_t limit, uint32_t *taken)
{
	struct adj_rib *ro = ps->ro;
	bool ap = FAMSET_HAS(ps->ctx->addpath_tx, g->fam);
	size_t n = 0;

	while (n < limit && g->head != NIL) {
		uint32_t i = g->head;
		struct ro_entry *e = &ro->ent[i];
		size_t before = nl->len;
		bool last = g->count == 1;
		uint8_t buf[17];
		struct nlri nlri;

		if (in_sync(e) && !e->toobig) {
			unqueue(ro, i);
			if (last)
				break;	/* the group is gone */
			continue;
		}
		entry_nlri(e, &nlri, buf);
		nlri_put(nl, &nlri, ap);
		if (nl->err) {
			nl->err = false;
			wbuf_truncate(nl, before);
			if (n > 0)
				break;	/* the next UPDATE takes it */
			mark_toobig(ps, i, 1, ps->ctx->max_msg - nl->cap +
			    nlri_size(&nlri, ap));
			if (last)
				break;
			continue;
		}
		taken[n++] = i;
		unqueue(ro, i);
		if (last)
			break;
	}
	return n;
}

/* The UPDATEs of one (family, attribute set, withdrawal): their fixed
 * part, sized once. */
struct pack_run {
	enum family_id	 fam;
	const struct attrs *a;
	bool		 wd;
	bool		 v4;		/* classic fields */
	size_t		 limit;		/* routes per UPDATE at most */
	size_t		 room;		/* for NLRI */
	struct wbuf	 aw;
};

/*
 * Size run r's UPDATEs; false when its attributes alone exceed the
 * message size (*need: the size it would take, 0 more than the largest
 * message, ADJ_RIB_UNENCODABLE a next hop the session cannot carry).
 */
static bool
run_prepare(struct pack_state *ps, struct pack_run *r, size_t *need)
{
	const struct adj_rib_pack_ctx *ctx = ps->ctx;

	/* IPv4 unicast withdrawals and IPv4-next-hop announcements in the
	 * classic fields, the others in MP_(UN)REACH (RFC 8950 §3) */
	r->v4 = r->fam == FAM_IPV4_UNICAST && (r->wd ||
	    update_classic(r->a, &ctx->enc, r->fam));
	/* group-updates off: one route per UPDATE, withdrawals included;
	 * so for the families ExaBGP never packs (NLRI_F_UNPACKED) */
	r->limit = !ctx->group_updates || (nlri_family(r->fam)->flags &
	    NLRI_F_UNPACKED) ? 1 : SIZE_MAX;
	wbuf_init(&r->aw, ps->attrs, BGP_MAX_EXT_MSG);
	if (r->wd) {
		/* withdrawn routes field, or MP_UNREACH (flags code len2
		 * afi safi) and the attributes it carries */
		size_t fixed = BGP_HEADER_LEN + 4 + (r->v4 ? 0 : 8);

		if (r->a != NULL)
			attrs_encode(&r->aw, r->a, &ctx->enc, r->fam, NULL, 0);
		r->room = r->aw.err || r->aw.len + fixed > ctx->max_msg ? 0 :
		    ctx->max_msg - fixed - r->aw.len;
		return true;
	}
	/* size the attributes, with an empty MP_REACH for MP */
	attrs_encode(&r->aw, r->a, &ctx->enc, r->fam, r->v4 ? NULL : ps->nlri,
	    0);
	if (r->aw.err || r->aw.len + BGP_HEADER_LEN + 4 > ctx->max_msg) {
		*need = r->aw.len + BGP_HEADER_LEN + 4 + (r->v4 ? 0 : 1);
		if (!attrs_nexthop_encodable(r->a, &ctx->enc, r->fam))
			*need = ADJ_RIB_UNENCODABLE;
		else if (r->aw.err)
			*need = 0;
		return false;
	}
	/* +1: the MP_REACH length may need a second octet */
	r->room = ctx->max_msg - (BGP_HEADER_LEN + 4 + r->aw.len +
	    (r->v4 ? 0 : 1));
	return true;
}

/* Build and emit the UPDATE of run r carrying the n NLRI in nl. */
static void
run_finish(struct pack_state *ps, struct pack_run *r, const struct wbuf *nl,
    size_t n)
{
	const struct adj_rib_pack_ctx *ctx = ps->ctx;
	struct wbuf w, aw;

	wbuf_init(&w, ps->msg, BGP_MAX_EXT_MSG);
	if (r->wd && r->v4) {
		update_encode_v4(&w, nl->buf, nl->len, NULL, 0, NULL, 0);
	} else if (r->wd) {
		update_encode_mp_unreach(&w, r->fam, nl->buf, nl->len,
		    r->aw.buf, r->aw.len);
	} else if (r->v4) {
		update_encode_v4(&w, NULL, 0, r->aw.buf, r->aw.len, nl->buf,
		    nl->len);
	} else {
		wbuf_init(&aw, ps->attrs, BGP_MAX_EXT_MSG);
		attrs_encode(&aw, r->a, &ctx->enc, r->fam, nl->buf, nl->len);
		update_encode_v4(&w, NULL, 0, aw.buf, aw.len, NULL, 0);
	}
	emit(ps, &w, r->wd ? 0 : n, r->wd ? n : 0);
}

/* Emit one UPDATE from group g (which may be emptied and dropped). */
static void
pack_one(struct pack_state *ps, struct ro_group *g)
{
	struct adj_rib *ro = ps->ro;
	const struct attr_set *set = g->want ? attrs_ref(g->want) : NULL;
	struct attrs view;
	struct pack_run r = {
		.fam = (enum family_id)g->fam,
		.a = set != NULL ? attrs_view(set, &view) : NULL,
		.wd = g->withdraw,
	};
	size_t need = 0, n;
	struct wbuf nl;

	if (!run_prepare(ps, &r, &need)) {
		group_toobig(ps, g, need, ps->taken);
		attrs_unref(set);
		return;
	}
	wbuf_init(&nl, ps->nlri, r.room);
	n = take_nlri(ps, g, &nl, r.limit, ps->taken);
	if (n == 0) {
		attrs_unref(set);
		return;
	}
	run_finish(ps, &r, &nl, n);
	if (!ps->failed) {
		ro->seq++;
		if (r.wd)
			ro->sent_withdrawn += n;
		else
			ro->sent_announced += n;
		for (size_t k = 0; k < n; k++)
			commit_entry(ro, ps->taken[k]);
	}
	else	/* not sent: keep them queued for the next session */
		for (size_t k = 0; k < n; k++)
			enqueue(ro, ps->taken[k]);
	attrs_unref(set);
}

long
adj_rib_pack(struct adj_rib *ro, const struct adj_rib_pack_ctx *ctx)
{
	struct pack_state ps;

	if (ro->nqueued == 0)
		return 0;
	pack_state_init(&ps, ro, ctx);
	while (ro->gfirst != NULL && !ps.failed) {
		struct ro_group *g = ro->gfirst;

		if (ctx->full != NULL && ctx->full(ctx->arg))
			break;
		/* a family the session does not carry: never sent */
		if (!FAMSET_HAS(ctx->families, g->fam)) {
			while (ro->gfirst == g) {
				uint32_t i = g->head;
				bool withdraw = !wants_route(&ro->ent[i]);

				unqueue(ro, i);
				/* a tombstone stays one */
				if (withdraw && !(ro->logged &&
				    ro->ent[i].seq != 0))
					entry_remove(ro, i);
			}
			continue;
		}
		pack_one(&ps, g);
	}
	pack_state_done(&ps);
	return ps.failed ? -1 : ps.emitted;
}

/* ---- catching a member up: walking the table ---- */

/*
 * A walk sends, for one member of an update group, the state the log
 * carried (`sent', or the withdrawal of a tombstone) of every entry whose
 * last message falls in (after, upto]; with `replay' every route
 * announced by upto as well (route refresh), and `fresh' (a new session)
 * leaves the withdrawals out. Entries changed after upto are left to the
 * log, which the member reads from upto on. The entries are taken a
 * batch at a time, sorted by attribute set so that they still share
 * UPDATEs, and checked again when sent: one that changed meanwhile has a
 * later sequence number and is skipped.
 */
#define WALK_BATCH	4096
#define WALK_SCAN	(256u * 1024)	/* entries looked at per step */

struct walk_item {
	const struct attr_set *a; /* compared, never dereferenced late */
	uint32_t	 idx;
	uint8_t		 fam;
	uint8_t		 wd;
};

struct adj_rib_walk {
	uint64_t	 after, upto;
	bool		 fresh, replay;
	uint32_t	 pos;		/* the next entry to look at */
	struct walk_item *items;
	size_t		 nitems, next;	/* collected, sent */
	size_t		 sent;		/* routes sent so far */
};

struct adj_rib_walk *
adj_rib_walk_new(uint64_t after, uint64_t upto, bool fresh, bool replay)
{
	struct adj_rib_walk *w = xcalloc(1, sizeof(*w));

	w->after = after;
	w->upto = upto;
	w->fresh = fresh;
	w->replay = replay;
	w->items = xreallocarray(NULL, WALK_BATCH, sizeof(*w->items));
	return w;
}

void
adj_rib_walk_free(struct adj_rib_walk *w)
{
	if (w == NULL)
		return;
	free(w->items);
	free(w);
}

uint64_t
adj_rib_walk_upto(const struct adj_rib_walk *w)
{
	return w->upto;
}

uint64_t
adj_rib_walk_after(const struct adj_rib_walk *w)
{
	return w->after;
}

bool
adj_rib_walk_fresh(const struct adj_rib_walk *w)
{
	return w->fresh;
}

size_t
adj_rib_walk_left(const struct adj_rib *ro, const struct adj_rib_walk *w)
{
	/* the entries not looked at yet, and the batch in hand */
	return (w->pos < ro->nent ? ro->nent - w->pos : 0) +
	    (w->nitems - w->next);
}

/* What the walk sends for e, if anything: *a and *wd. */
static bool
walk_wants(const struct adj_rib *ro, const struct adj_rib_walk *w,
    const struct ro_entry *e, famset_t fams, const struct attr_set **a,
    uint8_t *wd)
{
	if (!e->used || e->seq == 0 || e->seq > w->upto ||
	    !FAMSET_HAS(fams, e->fam))
		return false;
	if (e->sent_id != 0) {
		if (e->seq <= w->after && !w->replay)
			return false;
		*a = entry_sent(ro, e);
		*wd = 0;
		return true;
	}
	/* withdrawn by the log: news only to a member that had it */
	if (w->fresh || e->seq <= w->after)
		return false;
	*a = !wants_route(e) && (nlri_family((enum family_id)e->fam)->flags &
	    NLRI_F_WITHDRAW_ATTRS) ? entry_want(ro, e) : NULL;
	*wd = 1;
	return true;
}

static int
walk_item_cmp(const void *x, const void *y)
{
	const struct walk_item *a = x, *b = y;

	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	if (a->wd != b->wd)
		return a->wd < b->wd ? -1 : 1;
	if (a->a != b->a)
		return (uintptr_t)a->a < (uintptr_t)b->a ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Is the item still what its entry wants sent? */
static bool
walk_item_ok(const struct adj_rib *ro, const struct adj_rib_walk *w,
    const struct walk_item *it, famset_t fams)
{
	const struct attr_set *a;
	uint8_t wd;

	return it->idx < ro->nent && walk_wants(ro, w, &ro->ent[it->idx],
	    fams, &a, &wd) && a == it->a && wd == it->wd &&
	    ro->ent[it->idx].fam == it->fam;
}

static bool
walk_same_run(const struct walk_item *a, const struct walk_item *b)
{
	return a->fam == b->fam && a->wd == b->wd && a->a == b->a;
}

/* Collect the next batch; false when the table is walked. */
static bool
walk_collect(struct adj_rib *ro, struct adj_rib_walk *w, famset_t fams,
    bool *more)
{
	size_t scanned = 0;

	w->nitems = w->next = 0;
	while (w->pos < ro->nent && w->nitems < WALK_BATCH) {
		struct walk_item *it = &w->items[w->nitems];

		if (scanned++ == WALK_SCAN) {
			*more = true;	/* the loop's turn: go on later */
			break;
		}
		if (walk_wants(ro, w, &ro->ent[w->pos], fams, &it->a,
		    &it->wd)) {
			it->idx = w->pos;
			it->fam = ro->ent[w->pos].fam;
			w->nitems++;
		}
		w->pos++;
	}
	if (w->nitems > 1)
		qsort(w->items, w->nitems, sizeof(*w->items), walk_item_cmp);
	return w->nitems > 0 || *more;
}

/* One UPDATE from the batch's next run. */
static void
walk_emit(struct pack_state *ps, struct adj_rib_walk *w)
{
	struct adj_rib *ro = ps->ro;
	famset_t fams = ps->ctx->families;
	struct walk_item *first;
	struct attrs view;
	struct pack_run r;
	size_t need = 0, n = 0;
	struct wbuf nl;
	bool ap;

	while (w->next < w->nitems &&
	    !walk_item_ok(ro, w, &w->items[w->next], fams))
		w->next++;
	if (w->next == w->nitems)
		return;
	first = &w->items[w->next];
	memset(&r, 0, sizeof(r));
	r.fam = (enum family_id)first->fam;
	r.a = first->a != NULL ? attrs_view(first->a, &view) : NULL;
	r.wd = first->wd;
	ap = FAMSET_HAS(ps->ctx->addpath_tx, r.fam);
	if (!run_prepare(ps, &r, &need)) {
		size_t k = w->next;
		uint8_t buf[17];
		struct nlri nlri;

		while (k < w->nitems && walk_same_run(&w->items[k], first))
			k++;
		if (ps->ctx->toobig != NULL) {
			entry_nlri(&ro->ent[first->idx], &nlri, buf);
			ps->ctx->toobig(ps->ctx->arg, &nlri, k - w->next,
			    need);
		}
		w->next = k;
		return;
	}
	wbuf_init(&nl, ps->nlri, r.room);
	while (n < r.limit && w->next < w->nitems &&
	    walk_same_run(&w->items[w->next], first)) {
		const struct walk_item *it = &w->items[w->next];
		size_t before = nl.len;
		uint8_t buf[17];
		struct nlri nlri;

		if (!walk_item_ok(ro, w, it, fams)) {
			w->next++;
			continue;
		}
		entry_nlri(&ro->ent[it->idx], &nlri, buf);
		nlri_put(&nl, &nlri, ap);
		if (nl.err) {
			nl.err = false;
			wbuf_truncate(&nl, before);
			if (n > 0)
				break;
			if (ps->ctx->toobig != NULL)
				ps->ctx->toobig(ps->ctx->arg, &nlri, 1,
				    ps->ctx->max_msg - nl.cap +
				    nlri_size(&nlri, ap));
			w->next++;
			continue;
		}
		n++;
		w->next++;
	}
	if (n > 0) {
		run_finish(ps, &r, &nl, n);
		w->sent += n;
	}
}

int
adj_rib_walk_step(struct adj_rib *ro, struct adj_rib_walk *w,
    const struct adj_rib_pack_ctx *ctx)
{
	struct pack_state ps;
	int rc = 0;

	pack_state_init(&ps, ro, ctx);
	while (!ps.failed) {
		if (w->next == w->nitems) {
			bool more = false;

			if (!walk_collect(ro, w, ctx->families, &more)) {
				rc = 1;		/* walked */
				break;
			}
			if (w->nitems == 0)
				break;		/* more = true: next turn */
		}
		if (ctx->full != NULL && ctx->full(ctx->arg))
			break;
		walk_emit(&ps, w);
	}
	pack_state_done(&ps);
	return ps.failed ? -1 : rc;
}
