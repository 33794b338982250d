/*
 * Adj-RIB-Out and UPDATE packer (see rib_out.h).
 *
 * Storage is built for a million routes per peer: entries live in one
 * array (stable indices, a free list for holes), an open-addressing
 * index of 32-bit slots finds them by key, and the change queue is an
 * intrusive FIFO of entry indices. An entry is ~48 bytes; attribute sets
 * are shared (interned), so a route costs the entry plus its index slot.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/rib_out.h"
#include "evbgp/util.h"

#define NIL		UINT32_MAX
#define SLOT_EMPTY	0u
#define SLOT_TOMB	UINT32_MAX
#define PACK_BATCH	8192

struct ro_entry {
	const struct attrs *want;	/* NULL: should be withdrawn */
	const struct attrs *sent;	/* NULL: the peer does not have it */
	uint32_t	 path_id;
	uint32_t	 next;		/* queue link, or free-list link */
	uint8_t		 fam;
	uint8_t		 plen;
	uint8_t		 queued;
	uint8_t		 used;
	uint8_t		 addr[16];
};

struct rib_out {
	struct ro_entry	*ent;
	size_t		 nent;		/* array slots used (incl. free) */
	size_t		 cap;
	uint32_t	 free_head;
	size_t		 live;		/* used entries */
	size_t		 nwant;		/* entries with want != NULL */
	uint32_t	*slots;		/* entry index + 1, 0 empty, tomb */
	size_t		 nslots;	/* power of two */
	size_t		 nslots_used;	/* live + tombstones */
	uint32_t	 qhead, qtail;
	size_t		 nqueued;
};

struct rib_out *
rib_out_new(void)
{
	struct rib_out *ro = xcalloc(1, sizeof(*ro));

	ro->free_head = NIL;
	ro->qhead = ro->qtail = NIL;
	ro->nslots = 64;
	ro->slots = xcalloc(ro->nslots, sizeof(*ro->slots));
	return ro;
}

void
rib_out_free(struct rib_out *ro)
{
	if (ro == NULL)
		return;
	for (size_t i = 0; i < ro->nent; i++) {
		if (!ro->ent[i].used)
			continue;
		attrs_unref(ro->ent[i].want);
		attrs_unref(ro->ent[i].sent);
	}
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

		if (!ro->ent[i].used)
			continue;
		s = entry_hash(&ro->ent[i]) & mask;
		while (ro->slots[s] != SLOT_EMPTY)
			s = (s + 1) & mask;
		ro->slots[s] = (uint32_t)i + 1;
		ro->nslots_used++;
	}
}

/* Slot holding the key, or the slot count when absent. */
static size_t
index_find(const struct rib_out *ro, uint8_t fam, const struct prefix *p,
    uint32_t path_id)
{
	size_t mask = ro->nslots - 1;
	size_t s = key_hash(fam, p->len, p->b, path_id) & mask;

	for (;;) {
		uint32_t v = ro->slots[s];

		if (v == SLOT_EMPTY)
			return ro->nslots;
		if (v != SLOT_TOMB && entry_is(&ro->ent[v - 1], fam, p, path_id))
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
		return ro->slots[s] - 1;
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

		s = entry_hash(&ro->ent[i]) & mask;
		while (ro->slots[s] != SLOT_EMPTY && ro->slots[s] != SLOT_TOMB)
			s = (s + 1) & mask;
		if (ro->slots[s] == SLOT_EMPTY)
			ro->nslots_used++;
		ro->slots[s] = i + 1;
	}
	return i;
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
	attrs_unref(e->want);
	attrs_unref(e->sent);
	e->used = 0;
	e->want = e->sent = NULL;
	e->next = ro->free_head;
	ro->free_head = i;
	ro->live--;
}

static void
enqueue(struct rib_out *ro, uint32_t i)
{
	struct ro_entry *e = &ro->ent[i];

	if (e->queued)
		return;
	e->queued = 1;
	e->next = NIL;
	if (ro->qtail == NIL)
		ro->qhead = i;
	else
		ro->ent[ro->qtail].next = i;
	ro->qtail = i;
	ro->nqueued++;
}

static uint32_t
dequeue(struct rib_out *ro)
{
	uint32_t i = ro->qhead;

	if (i == NIL)
		return NIL;
	ro->qhead = ro->ent[i].next;
	if (ro->qhead == NIL)
		ro->qtail = NIL;
	ro->ent[i].queued = 0;
	ro->ent[i].next = NIL;
	ro->nqueued--;
	return i;
}

static void
set_want(struct rib_out *ro, struct ro_entry *e, const struct attrs *a)
{
	if (e->want == NULL && a != NULL)
		ro->nwant++;
	else if (e->want != NULL && a == NULL)
		ro->nwant--;
	if (a != NULL)
		attrs_ref(a);
	attrs_unref(e->want);
	e->want = a;
}

void
rib_out_announce(struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id, const struct attrs *a)
{
	uint32_t i = entry_get(ro, fam, p, path_id, true);
	struct ro_entry *e = &ro->ent[i];

	if (e->want == a)
		return;
	set_want(ro, e, a);
	/* queued even when want == sent: the packer drops no-ops cheaply */
	enqueue(ro, i);
}

void
rib_out_withdraw(struct rib_out *ro, enum family_id fam,
    const struct prefix *p, uint32_t path_id)
{
	uint32_t i = entry_get(ro, fam, p, path_id, false);
	struct ro_entry *e;

	if (i == NIL)
		return;
	e = &ro->ent[i];
	set_want(ro, e, NULL);
	if (e->sent == NULL && !e->queued) {
		entry_remove(ro, i);
		return;
	}
	enqueue(ro, i);
}

void
rib_out_session_down(struct rib_out *ro)
{
	for (uint32_t i = 0; i < ro->nent; i++) {
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;
		attrs_unref(e->sent);
		e->sent = NULL;
		if (e->want != NULL)
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
		struct ro_entry *e = &ro->ent[i];

		if (!e->used)
			continue;
		set_want(ro, e, NULL);
		enqueue(ro, i);
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
	return ro->nwant;
}

size_t
rib_out_queued(const struct rib_out *ro)
{
	return ro->nqueued;
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

	return s < ro->nslots ? ro->ent[ro->slots[s] - 1].want : NULL;
}

void
rib_out_foreach(const struct rib_out *ro, rib_out_visit_fn *fn, void *arg)
{
	struct prefix p;

	for (size_t i = 0; i < ro->nent; i++) {
		const struct ro_entry *e = &ro->ent[i];

		if (!e->used || e->want == NULL)
			continue;
		entry_prefix(e, &p);
		fn(arg, (enum family_id)e->fam, &p, e->path_id, e->want);
	}
}

/* ---- packing ---- */

struct pack_state {
	struct rib_out	*ro;
	const struct rib_out_pack_ctx *ctx;
	uint8_t		 msg[BGP_MAX_EXT_MSG];
	uint8_t		 attrs[BGP_MAX_EXT_MSG];
	uint8_t		 nlri[BGP_MAX_EXT_MSG];
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

static bool
addpath_for(const struct rib_out_pack_ctx *ctx, uint8_t fam)
{
	return FAMSET_HAS(ctx->addpath_tx, fam);
}

/* Room for NLRI in a classic IPv4 UPDATE carrying attr_len of attributes. */
static size_t
v4_room(const struct rib_out_pack_ctx *ctx, size_t withdrawn_len,
    size_t attr_len)
{
	size_t fixed = BGP_HEADER_LEN + 2 + withdrawn_len + 2 + attr_len;

	return ctx->max_msg > fixed ? ctx->max_msg - fixed : 0;
}

/* Withdraw idx[0..n) (all of family fam), packed. */
static void
pack_withdraws(struct pack_state *ps, uint8_t fam, const uint32_t *idx,
    size_t n)
{
	const struct rib_out_pack_ctx *ctx = ps->ctx;
	bool ap = addpath_for(ctx, fam);
	bool v4 = fam == FAM_IPV4_UNICAST;
	/* MP_UNREACH: flags, code, 2-octet length, AFI, SAFI */
	size_t overhead = v4 ? BGP_HEADER_LEN + 4 : BGP_HEADER_LEN + 4 + 7;
	size_t room = ctx->max_msg - overhead;
	size_t i = 0;

	while (i < n && !ps->failed) {
		struct wbuf nl, w;
		struct prefix p;

		wbuf_init(&nl, ps->nlri, room);
		for (; i < n; i++) {
			size_t before = nl.len;

			entry_prefix(&ps->ro->ent[idx[i]], &p);
			nlri_put(&nl, &p, ap, ps->ro->ent[idx[i]].path_id);
			if (nl.err) {
				nl.err = false;
				wbuf_truncate(&nl, before);
				break;
			}
		}
		wbuf_init(&w, ps->msg, sizeof(ps->msg));
		if (v4)
			update_encode_v4(&w, nl.buf, nl.len, NULL, 0, NULL, 0);
		else
			update_encode_mp_unreach(&w, (enum family_id)fam, nl.buf,
			    nl.len);
		emit(ps, &w);
	}
}

/* Announce idx[0..n), all of family fam with the same attribute set. */
static void
pack_announces(struct pack_state *ps, uint8_t fam, const struct attrs *a,
    const uint32_t *idx, size_t n)
{
	const struct rib_out_pack_ctx *ctx = ps->ctx;
	bool ap = addpath_for(ctx, fam);
	bool v4 = fam == FAM_IPV4_UNICAST;
	size_t per_msg = ctx->group_updates ? n : 1;
	size_t i = 0;

	while (i < n && !ps->failed) {
		struct wbuf aw, nl, w;
		struct prefix p;
		size_t room, limit = i + per_msg;

		/* size the attributes: with an empty MP_REACH for IPv6 */
		wbuf_init(&aw, ps->attrs, sizeof(ps->attrs));
		if (attrs_encode(&aw, a, &ctx->enc, (enum family_id)fam,
		    v4 ? NULL : ps->nlri, 0) == -1) {
			ps->failed = true;
			return;
		}
		/* +1: the MP_REACH length may need a second octet */
		room = v4_room(ctx, 0, aw.len + (v4 ? 0 : 1));
		wbuf_init(&nl, ps->nlri, room);
		for (; i < n && i < limit; i++) {
			size_t before = nl.len;

			entry_prefix(&ps->ro->ent[idx[i]], &p);
			nlri_put(&nl, &p, ap, ps->ro->ent[idx[i]].path_id);
			if (nl.err) {
				nl.err = false;
				wbuf_truncate(&nl, before);
				break;
			}
		}
		wbuf_init(&w, ps->msg, sizeof(ps->msg));
		if (v4) {
			update_encode_v4(&w, NULL, 0, aw.buf, aw.len, nl.buf,
			    nl.len);
		} else {
			wbuf_init(&aw, ps->attrs, sizeof(ps->attrs));
			attrs_encode(&aw, a, &ctx->enc, (enum family_id)fam,
			    nl.buf, nl.len);
			update_encode_v4(&w, NULL, 0, aw.buf, aw.len, NULL, 0);
		}
		emit(ps, &w);
	}
}

/* Order a batch by family, then attribute set, keeping queue order. */
struct sort_key {
	uint8_t		 fam;
	const struct attrs *a;
	uint32_t	 seq;
	uint32_t	 idx;
};

static int
sort_key_cmp(const void *x, const void *y)
{
	const struct sort_key *p = x, *q = y;

	if (p->fam != q->fam)
		return p->fam < q->fam ? -1 : 1;
	if (p->a != q->a)
		return (uintptr_t)p->a < (uintptr_t)q->a ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static void
pack_batch(struct pack_state *ps, struct sort_key *keys, size_t n,
    uint32_t *idx)
{
	size_t i = 0;

	qsort(keys, n, sizeof(*keys), sort_key_cmp);
	while (i < n && !ps->failed) {
		size_t j = i;

		while (j < n && keys[j].fam == keys[i].fam &&
		    keys[j].a == keys[i].a) {
			idx[j - i] = keys[j].idx;
			j++;
		}
		if (keys[i].a == NULL)
			pack_withdraws(ps, keys[i].fam, idx, j - i);
		else
			pack_announces(ps, keys[i].fam, keys[i].a, idx, j - i);
		i = j;
	}
}

/* After sending: the peer now has what we wanted. */
static void
commit_batch(struct rib_out *ro, const struct sort_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ro_entry *e = &ro->ent[keys[i].idx];

		if (e->want == NULL) {
			if (!e->queued)
				entry_remove(ro, keys[i].idx);
			else {
				attrs_unref(e->sent);
				e->sent = NULL;
			}
			continue;
		}
		attrs_ref(e->want);
		attrs_unref(e->sent);
		e->sent = e->want;
	}
}

long
rib_out_pack(struct rib_out *ro, const struct rib_out_pack_ctx *ctx)
{
	struct pack_state *ps;
	struct sort_key *keys;
	uint32_t *idx;
	long emitted;

	if (ro->nqueued == 0)
		return 0;
	ps = xmalloc(sizeof(*ps));
	ps->ro = ro;
	ps->ctx = ctx;
	ps->emitted = 0;
	ps->failed = false;
	keys = xreallocarray(NULL, PACK_BATCH, sizeof(*keys));
	idx = xreallocarray(NULL, PACK_BATCH, sizeof(*idx));
	while (ro->nqueued > 0 && !ps->failed) {
		size_t n = 0;
		uint32_t i;

		if (ctx->full != NULL && ctx->full(ctx->arg))
			break;
		while (n < PACK_BATCH && (i = dequeue(ro)) != NIL) {
			struct ro_entry *e = &ro->ent[i];

			if (e->want == e->sent) {
				if (e->want == NULL)
					entry_remove(ro, i);
				continue;
			}
			/* a family the session does not carry: never sent */
			if (!FAMSET_HAS(ctx->families, e->fam)) {
				if (e->want == NULL)
					entry_remove(ro, i);
				continue;
			}
			keys[n].fam = e->fam;
			keys[n].a = e->want;
			keys[n].seq = (uint32_t)n;
			keys[n].idx = i;
			n++;
		}
		pack_batch(ps, keys, n, idx);
		if (!ps->failed)
			commit_batch(ro, keys, n);
	}
	emitted = ps->failed ? -1 : ps->emitted;
	free(keys);
	free(idx);
	free(ps);
	return emitted;
}
