/*
 * Adj-RIB-Out and UPDATE packer (see rib_out.h).
 *
 * Storage is built for a million routes per peer: entries live in one
 * array (stable indices, a free list for holes), an open-addressing
 * index of 64-bit slots (entry index + hash tag) finds them by key, and the change queue is an
 * intrusive FIFO of entry indices. An entry is ~48 bytes; attribute sets
 * are shared (interned), so a route costs the entry plus its index slot.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/rib_out.h"
#include "evbgp/util.h"

#define NIL		UINT32_MAX
/* a slot: the key's hash in the high half (compared before the entry is
 * touched: a cache miss saved per probe), entry index + 1 in the low */
#define SLOT_EMPTY	0u
#define SLOT_TOMB	((uint64_t)UINT32_MAX)
#define SLOT_IDX(v)	((uint32_t)(v))
#define SLOT_TAG(v)	((uint32_t)((v) >> 32))
#define SLOT_MAKE(h, i)	(((uint64_t)(h) << 32) | ((uint64_t)(i) + 1))

struct ro_entry {
	const struct attrs *want;	/* NULL: should be withdrawn */
	const struct attrs *sent;	/* NULL: the peer does not have it */
	uint32_t	 path_id;
	uint32_t	 next;		/* group queue link, or free-list link */
	uint32_t	 prev;		/* group queue link */
	uint8_t		 fam;
	uint8_t		 plen;
	uint8_t		 queued:1;
	uint8_t		 used:1;
	uint8_t		 src:1;		/* RIB_SRC_*: kept apart when packing */
	/* want cannot be sent in this session (an UPDATE cannot hold it):
	 * queued, if at all, to withdraw what the peer still has */
	uint8_t		 toobig:1;
	uint8_t		 addr[16];
};

/*
 * The change queue is split by what is to be sent: one group per
 * (family, wanted attribute set), withdrawals being the set NULL. A group
 * turns into as few UPDATEs as the message size allows, however its
 * routes were interleaved with others' in time.
 */
struct ro_group {
	const struct attrs *want;
	uint8_t		 fam;
	uint8_t		 src;
	uint32_t	 head, tail;	/* entry indices */
	size_t		 count;
	struct ro_group	*next;		/* FIFO of groups with work */
	struct ro_group	*hnext;		/* hash chain */
};

struct rib_out {
	struct ro_entry	*ent;
	size_t		 nent;		/* array slots used (incl. free) */
	size_t		 cap;
	uint32_t	 free_head;
	size_t		 live;		/* used entries */
	size_t		 nwant;		/* entries with want != NULL */
	uint64_t	*slots;		/* SLOT_MAKE(hash, index), empty, tomb */
	size_t		 nslots;	/* power of two */
	size_t		 nslots_used;	/* live + tombstones */
	struct ro_group	**gbuckets;	/* groups by (fam, want) */
	size_t		 ngbuckets;
	size_t		 ngroups;
	struct ro_group	*gfirst, *glast;	/* FIFO */
	size_t		 nqueued;
	size_t		 ntoobig;	/* entries with toobig set */
	uint64_t	 toobig_total;	/* routes found too big, ever */
	bool		 store_only;	/* an Adj-RIB-In: nothing is queued */
};

struct rib_out *
rib_out_new_store(void)
{
	struct rib_out *ro = rib_out_new();

	ro->store_only = true;
	return ro;
}

struct rib_out *
rib_out_new(void)
{
	struct rib_out *ro = xcalloc(1, sizeof(*ro));

	ro->free_head = NIL;
	ro->nslots = 64;
	ro->slots = xcalloc(ro->nslots, sizeof(*ro->slots));
	ro->ngbuckets = 64;
	ro->gbuckets = xcalloc(ro->ngbuckets, sizeof(*ro->gbuckets));
	return ro;
}

void
rib_out_free(struct rib_out *ro)
{
	struct ro_group *g, *next;

	if (ro == NULL)
		return;
	for (size_t i = 0; i < ro->nent; i++) {
		if (!ro->ent[i].used)
			continue;
		attrs_unref(ro->ent[i].want);
		attrs_unref(ro->ent[i].sent);
	}
	for (g = ro->gfirst; g != NULL; g = next) {
		next = g->next;
		attrs_unref(g->want);
		free(g);
	}
	free(ro->gbuckets);
	free(ro->ent);
	free(ro->slots);
	free(ro);
}

static uint32_t
key_hash(uint8_t fam, uint8_t plen, const uint8_t *addr, uint32_t path_id)
{
	/* murmur3-style mixing over the 16 address bytes and the rest */
	uint64_t a, b, h;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	h = a * 0x9E3779B97F4A7C15ull;
	h ^= b + 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
	h ^= ((uint64_t)fam << 40 | (uint64_t)plen << 32 | path_id) *
	    0x165667B19E3779F9ull;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t
entry_hash(const struct ro_entry *e)
{
	return key_hash(e->fam, e->plen, e->addr, e->path_id);
}

static bool
entry_is(const struct ro_entry *e, uint8_t fam, const struct prefix *p,
    uint32_t path_id)
{
	return e->fam == fam && e->plen == p->len && e->path_id == path_id &&
	    memcmp(e->addr, p->b, 16) == 0;
}

static void
index_rebuild(struct rib_out *ro, size_t nslots)
{
	free(ro->slots);
	ro->nslots = nslots;
	ro->slots = xcalloc(nslots, sizeof(*ro->slots));
	ro->nslots_used = 0;
	for (size_t i = 0; i < ro->nent; i++) {
		size_t mask = nslots - 1, s;
		uint32_t h;

		if (!ro->ent[i].used)
			continue;
		h = entry_hash(&ro->ent[i]);
		s = h & mask;
		while (ro->slots[s] != SLOT_EMPTY)
			s = (s + 1) & mask;
		ro->slots[s] = SLOT_MAKE(h, i);
		ro->nslots_used++;
	}
}

/* Slot holding the key, or the slot count when absent. */
static size_t
index_find(const struct rib_out *ro, uint8_t fam, const struct prefix *p,
    uint32_t path_id)
{
	size_t mask = ro->nslots - 1;
	uint32_t h = key_hash(fam, p->len, p->b, path_id);
	size_t s = h & mask;

	for (;;) {
		uint64_t v = ro->slots[s];

		if (v == SLOT_EMPTY)
			return ro->nslots;
		if (v != SLOT_TOMB && SLOT_TAG(v) == h &&
		    entry_is(&ro->ent[SLOT_IDX(v) - 1], fam, p, path_id))
			return s;
		s = (s + 1) & mask;
	}
}

static uint32_t
entry_alloc(struct rib_out *ro)
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

/* Find or create the entry for a key. */
static uint32_t
entry_get(struct rib_out *ro, enum family_id fam, const struct prefix *p,
    uint32_t path_id, bool create)
{
	size_t s = index_find(ro, (uint8_t)fam, p, path_id);
	uint32_t i;

	if (s < ro->nslots)
		return SLOT_IDX(ro->slots[s]) - 1;
	if (!create)
		return NIL;
	/* keep the index at most half full (tombstones included) */
	if ((ro->nslots_used + 1) * 2 > ro->nslots)
		index_rebuild(ro, ro->live * 4 > ro->nslots ? ro->nslots * 2 :
		    ro->nslots);
	i = entry_alloc(ro);
	ro->ent[i].fam = (uint8_t)fam;
	ro->ent[i].plen = p->len;
	ro->ent[i].path_id = path_id;
	memcpy(ro->ent[i].addr, p->b, 16);
	{
		size_t mask = ro->nslots - 1;
		uint32_t h = entry_hash(&ro->ent[i]);

		s = h & mask;
		while (ro->slots[s] != SLOT_EMPTY && ro->slots[s] != SLOT_TOMB)
			s = (s + 1) & mask;
		if (ro->slots[s] == SLOT_EMPTY)
			ro->nslots_used++;
		ro->slots[s] = SLOT_MAKE(h, i);
	}
	return i;
}

static void
set_toobig(struct rib_out *ro, struct ro_entry *e, bool on)
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
entry_remove(struct rib_out *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct prefix p = { .len = e->plen };
	size_t s;

	memcpy(p.b, e->addr, 16);
	s = index_find(ro, e->fam, &p, e->path_id);
	if (s < ro->nslots)
		ro->slots[s] = SLOT_TOMB;
	set_toobig(ro, e, false);
	attrs_unref(e->want);
	attrs_unref(e->sent);
	e->used = 0;
	e->want = e->sent = NULL;
	e->next = ro->free_head;
	ro->free_head = i;
	ro->live--;
}

static size_t
group_bucket(const struct rib_out *ro, uint8_t fam, const struct attrs *a,
    uint8_t src)
{
	uintptr_t h = (uintptr_t)a * 0x9E3779B97F4A7C15ull + fam * 2u + src;

	return (size_t)(h >> 16) & (ro->ngbuckets - 1);
}

static struct ro_group *
group_find(struct rib_out *ro, uint8_t fam, const struct attrs *a,
    uint8_t src)
{
	struct ro_group *g = ro->gbuckets[group_bucket(ro, fam, a, src)];

	for (; g != NULL; g = g->hnext)
		if (g->want == a && g->fam == fam && g->src == src)
			return g;
	return NULL;
}

static void
groups_rehash(struct rib_out *ro)
{
	size_t n = ro->ngbuckets * 2;
	struct ro_group **old = ro->gbuckets;
	size_t oldn = ro->ngbuckets;

	ro->gbuckets = xcalloc(n, sizeof(*ro->gbuckets));
	ro->ngbuckets = n;
	for (size_t i = 0; i < oldn; i++) {
		struct ro_group *g = old[i], *next;

		for (; g != NULL; g = next) {
			size_t b = group_bucket(ro, g->fam, g->want, g->src);

			next = g->hnext;
			g->hnext = ro->gbuckets[b];
			ro->gbuckets[b] = g;
		}
	}
	free(old);
}

static struct ro_group *
group_get(struct rib_out *ro, uint8_t fam, const struct attrs *a, uint8_t src)
{
	struct ro_group *g = group_find(ro, fam, a, src);
	size_t b;

	if (g != NULL)
		return g;
	if (ro->ngroups >= ro->ngbuckets)
		groups_rehash(ro);
	g = xcalloc(1, sizeof(*g));
	g->want = a != NULL ? attrs_ref(a) : NULL;
	g->fam = fam;
	g->src = src;
	g->head = g->tail = NIL;
	b = group_bucket(ro, fam, a, src);
	g->hnext = ro->gbuckets[b];
	ro->gbuckets[b] = g;
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
group_drop(struct rib_out *ro, struct ro_group *g)
{
	struct ro_group **pp =
	    &ro->gbuckets[group_bucket(ro, g->fam, g->want, g->src)];
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
}

/* The queue an entry waits in: its wanted set, or the withdrawals when
 * what it wants cannot be sent. */
static const struct attrs *
queue_key(const struct ro_entry *e)
{
	return e->toobig ? NULL : e->want;
}

static void
enqueue(struct rib_out *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct ro_group *g;

	if (e->queued || ro->store_only)
		return;
	g = group_get(ro, e->fam, queue_key(e), e->src);
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

/* Take entry i out of its group's queue (queue_key(e) is still its key). */
static void
unqueue(struct rib_out *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];
	struct ro_group *g;

	if (!e->queued)
		return;
	g = group_find(ro, e->fam, queue_key(e), e->src);
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

/* Change what the peer should have; the entry moves to its new group. */
static void
set_want(struct rib_out *ro, uint32_t i, const struct attrs *a)
{
	struct ro_entry *e = &ro->ent[i];
	bool was_queued = e->queued;

	unqueue(ro, i);
	set_toobig(ro, e, false);	/* new attributes: try them */
	if (e->want == NULL && a != NULL)
		ro->nwant++;
	else if (e->want != NULL && a == NULL)
		ro->nwant--;
	if (a != NULL)
		attrs_ref(a);
	attrs_unref(e->want);
	e->want = a;
	if (was_queued || e->want != e->sent)
		enqueue(ro, i);
}

void
rib_out_announce(struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id, const struct attrs *a)
{
	rib_out_announce_src(ro, fam, p, path_id, a, RIB_SRC_CONFIG);
}

void
rib_out_announce_src(struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id, const struct attrs *a,
    unsigned src)
{
	uint32_t i = entry_get(ro, fam, p, path_id, true);
	struct ro_entry *e = &ro->ent[i];

	if (e->want == a && e->src == src)
		return;
	/* the source is part of the queue key: leave the old group first */
	unqueue(ro, i);
	e->src = src & 1u;
	set_want(ro, i, a);
}

void
rib_out_withdraw(struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id)
{
	uint32_t i = entry_get(ro, fam, p, path_id, false);

	if (i == NIL || ro->ent[i].want == NULL)
		return;
	set_want(ro, i, NULL);
	/* never sent: forget it, nothing goes on the wire */
	if (ro->ent[i].sent == NULL) {
		unqueue(ro, i);
		entry_remove(ro, i);
	}
}

void
rib_out_session_down(struct rib_out *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;
		unqueue(ro, i);
		attrs_unref(e->sent);
		e->sent = NULL;
		/* the next session may negotiate extended messages */
		set_toobig(ro, e, false);
		if (e->want == NULL)
			entry_remove(ro, i);
		else
			enqueue(ro, i);
	}
}

void
rib_out_resend_all(struct rib_out *ro)
{
	rib_out_session_down(ro);
}

void
rib_out_withdraw_all(struct rib_out *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		if (!ro->ent[i].used || ro->ent[i].want == NULL)
			continue;
		set_want(ro, i, NULL);
		if (ro->ent[i].sent == NULL) {
			unqueue(ro, i);
			entry_remove(ro, i);
		}
	}
}

bool
rib_out_pending(const struct rib_out *ro)
{
	return ro->nqueued > 0;
}

size_t
rib_out_count(const struct rib_out *ro)
{
	return ro->nwant - ro->ntoobig;
}

size_t
rib_out_queued(const struct rib_out *ro)
{
	return ro->nqueued;
}

size_t
rib_out_toobig(const struct rib_out *ro)
{
	return ro->ntoobig;
}

uint64_t
rib_out_toobig_total(const struct rib_out *ro)
{
	return ro->toobig_total;
}

static void
entry_prefix(const struct ro_entry *e, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = family_afi((enum family_id)e->fam) == BGP_AFI_IPV6 ?
	    BGP_AFI_IPV6 : BGP_AFI_IPV4;
	p->len = e->plen;
	memcpy(p->b, e->addr, 16);
}

const struct attrs *
rib_out_lookup(const struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id)
{
	size_t s = index_find(ro, (uint8_t)fam, p, path_id);

	return s < ro->nslots ? ro->ent[SLOT_IDX(ro->slots[s]) - 1].want : NULL;
}

void
rib_out_foreach(const struct rib_out *ro, rib_out_visit_fn *fn, void *arg)
{
	struct prefix p;

	for (size_t i = 0; i < ro->nent; i++) {
		const struct ro_entry *e = &ro->ent[i];

		if (!e->used || e->want == NULL || e->toobig)
			continue;
		entry_prefix(e, &p);
		fn(arg, (enum family_id)e->fam, &p, e->path_id, e->want);
	}
}

/* ---- packing ---- */

struct pack_state {
	struct rib_out	*ro;
	const struct rib_out_pack_ctx *ctx;
	uint8_t		*msg, *attrs, *nlri;	/* BGP_MAX_EXT_MSG each */
	long		 emitted;
	bool		 failed;
};

static void
emit(struct pack_state *ps, const struct wbuf *w)
{
	if (ps->failed)
		return;
	if (w->err || ps->ctx->emit(ps->ctx->arg, w->buf, w->len) != 0) {
		ps->failed = true;
		return;
	}
	ps->emitted++;
}

/* The peer now has what we wanted for entry i. */
static void
commit_entry(struct rib_out *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];

	if (e->want == NULL) {
		entry_remove(ro, i);
		return;
	}
	if (e->toobig) {	/* its withdrawal: the peer holds nothing */
		attrs_unref(e->sent);
		e->sent = NULL;
		return;
	}
	attrs_ref(e->want);
	attrs_unref(e->sent);
	e->sent = e->want;
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
	struct rib_out *ro = ps->ro;
	struct ro_entry *e = &ro->ent[i];
	struct prefix p;

	unqueue(ro, i);
	set_toobig(ro, e, true);
	if (e->sent != NULL)
		enqueue(ro, i);
	if (routes > 0 && ps->ctx->toobig != NULL) {
		entry_prefix(e, &p);
		ps->ctx->toobig(ps->ctx->arg, (enum family_id)e->fam, &p,
		    e->path_id, routes, need);
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
 * taken[]. No-op entries (want == sent) are dropped on the way; an entry
 * whose NLRI does not fit even alone is marked too big.
 */
static size_t
take_nlri(struct pack_state *ps, struct ro_group *g, struct wbuf *nl,
    size_t limit, uint32_t *taken)
{
	struct rib_out *ro = ps->ro;
	bool ap = FAMSET_HAS(ps->ctx->addpath_tx, g->fam);
	size_t n = 0;

	while (n < limit && g->head != NIL) {
		uint32_t i = g->head;
		struct ro_entry *e = &ro->ent[i];
		struct prefix p;
		size_t before = nl->len;
		bool last = g->count == 1;

		if (e->want == e->sent) {
			unqueue(ro, i);
			if (last)
				break;	/* the group is gone */
			continue;
		}
		entry_prefix(e, &p);
		nlri_put(nl, &p, ap, e->path_id);
		if (nl->err) {
			nl->err = false;
			wbuf_truncate(nl, before);
			if (n > 0)
				break;	/* the next UPDATE takes it */
			mark_toobig(ps, i, 1, ps->ctx->max_msg - nl->cap +
			    nlri_size(&p, ap));
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

/* Emit one UPDATE from group g (which may be emptied and dropped). */
static void
pack_one(struct pack_state *ps, struct ro_group *g, uint32_t *taken)
{
	const struct rib_out_pack_ctx *ctx = ps->ctx;
	enum family_id fam = (enum family_id)g->fam;
	const struct attrs *a = g->want ? attrs_ref(g->want) : NULL;
	bool v4 = fam == FAM_IPV4_UNICAST;
	/* group-updates off: one route per UPDATE, withdrawals included */
	size_t limit = !ctx->group_updates ? 1 : SIZE_MAX;
	struct wbuf aw, nl, w;
	size_t room, n;

	wbuf_init(&aw, ps->attrs, BGP_MAX_EXT_MSG);
	if (a == NULL) {
		/* withdrawn routes field, or MP_UNREACH: flags code len2 afi safi */
		size_t fixed = BGP_HEADER_LEN + 4 + (v4 ? 0 : 7);

		room = ctx->max_msg - fixed;
	} else {
		/* size the attributes, with an empty MP_REACH for IPv6 */
		attrs_encode(&aw, a, &ctx->enc, fam, v4 ? NULL : ps->nlri, 0);
		/* +1: the MP_REACH length may need a second octet */
		room = ctx->max_msg - (BGP_HEADER_LEN + 4 + aw.len +
		    (v4 ? 0 : 1));
		if (aw.err || aw.len + BGP_HEADER_LEN + 4 > ctx->max_msg) {
			size_t need = aw.len + BGP_HEADER_LEN + 4 + (v4 ? 0 : 1);

			if (!attrs_nexthop_encodable(a, &ctx->enc, fam))
				need = RIB_OUT_UNENCODABLE;
			else if (aw.err)
				need = 0;
			group_toobig(ps, g, need, taken);
			attrs_unref(a);
			return;
		}
	}
	wbuf_init(&nl, ps->nlri, room);
	n = take_nlri(ps, g, &nl, limit, taken);
	if (n == 0) {
		attrs_unref(a);
		return;
	}
	wbuf_init(&w, ps->msg, BGP_MAX_EXT_MSG);
	if (a == NULL && v4) {
		update_encode_v4(&w, nl.buf, nl.len, NULL, 0, NULL, 0);
	} else if (a == NULL) {
		update_encode_mp_unreach(&w, fam, nl.buf, nl.len);
	} else if (v4) {
		update_encode_v4(&w, NULL, 0, aw.buf, aw.len, nl.buf, nl.len);
	} else {
		wbuf_init(&aw, ps->attrs, BGP_MAX_EXT_MSG);
		attrs_encode(&aw, a, &ctx->enc, fam, nl.buf, nl.len);
		update_encode_v4(&w, NULL, 0, aw.buf, aw.len, NULL, 0);
	}
	emit(ps, &w);
	if (!ps->failed)
		for (size_t k = 0; k < n; k++)
			commit_entry(ps->ro, taken[k]);
	else	/* not sent: keep them queued for the next session */
		for (size_t k = 0; k < n; k++)
			enqueue(ps->ro, taken[k]);
	attrs_unref(a);
}

long
rib_out_pack(struct rib_out *ro, const struct rib_out_pack_ctx *ctx)
{
	struct pack_state ps;
	uint8_t *scratch;
	uint32_t *taken;

	if (ro->nqueued == 0)
		return 0;
	scratch = xmalloc(3 * (size_t)BGP_MAX_EXT_MSG);
	/* the most NLRI one message can hold: 1-byte default routes */
	taken = xreallocarray(NULL, BGP_MAX_EXT_MSG, sizeof(*taken));
	ps.ro = ro;
	ps.ctx = ctx;
	ps.msg = scratch;
	ps.attrs = scratch + BGP_MAX_EXT_MSG;
	ps.nlri = scratch + 2 * (size_t)BGP_MAX_EXT_MSG;
	ps.emitted = 0;
	ps.failed = false;
	while (ro->gfirst != NULL && !ps.failed) {
		struct ro_group *g = ro->gfirst;

		if (ctx->full != NULL && ctx->full(ctx->arg))
			break;
		/* a family the session does not carry: never sent */
		if (!FAMSET_HAS(ctx->families, g->fam)) {
			while (ro->gfirst == g) {
				uint32_t i = g->head;
				bool withdraw = ro->ent[i].want == NULL;

				unqueue(ro, i);
				if (withdraw)
					entry_remove(ro, i);
			}
			continue;
		}
		pack_one(&ps, g, taken);
	}
	free(taken);
	free(scratch);
	return ps.failed ? -1 : ps.emitted;
}
