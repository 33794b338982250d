/*
 * Update groups: one Adj-RIB-Out and one log of UPDATEs for peers with
 * the same outbound view (see update_group.h).
 *
 * The log is a list of chunks of records (two 32-bit route counts, then
 * the message as sent). Sequence numbers are the table's (adj_rib_seq):
 * every packed message has the next one, so a member's cursor names the
 * last change it has, and a walk can pick the entries changed after it.
 * Members copy the bytes into their own output as it drains (at most the
 * 64 KiB output chunk each, so a KEEPALIVE or NOTIFICATION still goes
 * ahead of the UPDATEs): the log, not fifty copies of it, holds the
 * backlog.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/log.h"
#include "evbgp/peer.h"
#include "evbgp/rib_release.h"
#include "evbgp/route_text.h"
#include "evbgp/update_group.h"
#include "evbgp/util.h"

#define UG_CHUNK_DATA	(256u * 1024)	/* bytes per chunk, at least */
#define UG_REC_HDR	8		/* announced, withdrawn: 32 bits */

struct ug_chunk {
	struct ug_chunk	*next;
	uint64_t	 seq0;		/* the sequence of its first message */
	uint64_t	 byte0;		/* data[0]'s offset in the stream */
	uint64_t	 routes0;	/* routes in the messages before it */
	size_t		 len, cap;
	uint8_t		 data[];
};

struct update_group {
	struct ug_registry *reg;
	struct update_group *next, *prev;
	uint64_t	 id;
	struct adj_rib	*rib;
	struct peer	**m;		/* members */
	size_t		 nm, mcap;
	/* the encoding of the established members (valid when enc_set) */
	bool		 enc_set;
	struct adj_rib_pack_ctx enc;
	/* the log: messages first_seq .. adj_rib_seq(rib) */
	struct ug_chunk	*first, *last;
	uint64_t	 end_byte;
	uint64_t	 end_routes;	/* routes in every message packed */
	bool		 loaded;	/* the configured routes are in */
	bool		 pristine;	/* nothing but the configured routes */
	bool		 uses_self;	/* a next-hop self route went in */
	struct cfg_route *wd;		/* routes under a watchdog */
	size_t		 nwd;
	/* made by ug_isolate: from which group, in which reload, for what */
	uint64_t	 origin;
	unsigned	 reload_gen;
	const struct cfg_neighbor *reload_cfg;
	size_t		 mark;		/* ug_select's count */
	bool		 selected;	/* ug_select's */
	/*
	 * Groups with the same cid hold the same table: a group split off
	 * for another encoding keeps its source's, and a command that acts
	 * on some groups of a cid but not all gives them a new one; so a
	 * session of that other encoding finds the copy made for the first.
	 */
	uint64_t	 cid;
};

struct ug_registry {
	struct update_group *head;
	size_t		 n;
	uint64_t	 next_id;
	uint64_t	 gen;		/* a membership changed */
	uint64_t	 next_cid;
	size_t		 lag_max;	/* UG_LAG_MAX, or a test's */
};

struct ug_registry *
ug_registry_new(void)
{
	struct ug_registry *reg = xcalloc(1, sizeof(*reg));

	reg->next_id = 1;
	reg->next_cid = 1;
	reg->lag_max = UG_LAG_MAX;
	return reg;
}

void
ug_registry_set_lag_max(struct ug_registry *reg, size_t bytes)
{
	reg->lag_max = bytes;
}

static uint64_t
lag_max(const struct update_group *g)
{
	return g->reg != NULL ? g->reg->lag_max : UG_LAG_MAX;
}

void
ug_registry_free(struct ug_registry *reg)
{
	/* the groups go with their last member */
	free(reg);
}

size_t
ug_registry_groups(const struct ug_registry *reg)
{
	return reg != NULL ? reg->n : 0;
}

uint64_t
ug_registry_gen(const struct ug_registry *reg)
{
	return reg != NULL ? reg->gen : 0;
}

/* ---- groups ---- */

static struct update_group *
group_new(struct ug_registry *reg, struct adj_rib *rib)
{
	struct update_group *g = xcalloc(1, sizeof(*g));

	g->reg = reg;
	g->rib = rib;
	adj_rib_set_logged(rib);
	g->pristine = true;
	if (reg != NULL) {
		g->id = reg->next_id++;
		g->cid = reg->next_cid++;
		g->next = reg->head;
		if (reg->head != NULL)
			reg->head->prev = g;
		reg->head = g;
		reg->n++;
	}
	return g;
}

static void
log_free(struct update_group *g)
{
	struct ug_chunk *c, *next;

	for (c = g->first; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	g->first = g->last = NULL;
}

static void
group_free(struct update_group *g, struct rib_release *release)
{
	if (g->reg != NULL) {
		if (g->prev != NULL)
			g->prev->next = g->next;
		else
			g->reg->head = g->next;
		if (g->next != NULL)
			g->next->prev = g->prev;
		g->reg->n--;
	}
	log_free(g);
	/* the last member's table can be a whole feed */
	rib_release_add(release, g->rib);
	cfg_routes_free(g->wd, g->nwd);
	free(g->m);
	free(g);
}

static void
member_add(struct update_group *g, struct peer *p)
{
	if (g->nm == g->mcap) {
		g->mcap = g->mcap ? g->mcap * 2 : 4;
		g->m = xreallocarray(g->m, g->mcap, sizeof(*g->m));
	}
	g->m[g->nm++] = p;
	p->ugm.g = g;
	p->rib_out = g->rib;
	if (g->reg != NULL)
		g->reg->gen++;
}

static void
member_remove(struct update_group *g, struct peer *p)
{
	for (size_t i = 0; i < g->nm; i++)
		if (g->m[i] == p) {
			g->m[i] = g->m[--g->nm];
			break;
		}
	p->ugm.g = NULL;
	p->rib_out = NULL;
	if (g->reg != NULL)
		g->reg->gen++;
}

static size_t
members_up(const struct update_group *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nm; i++)
		n += g->m[i]->ugm.mode != UG_DOWN;
	return n;
}

static bool
routes_have_self(const struct cfg_neighbor *c)
{
	for (size_t i = 0; i < c->nroutes; i++)
		if (c->routes[i].attrs.nexthop_self)
			return true;
	return false;
}

/* Do two neighbors configure the same table (and the same view of it)? */
static bool
same_config_view(const struct cfg_neighbor *a, const struct cfg_neighbor *b)
{
	if (a->families != b->families || a->local_as != b->local_as ||
	    a->peer_as != b->peer_as || a->group_updates != b->group_updates ||
	    a->nroutes != b->nroutes)
		return false;
	if (routes_have_self(a) && !addr_equal(&a->local_addr, &b->local_addr))
		return false;
	for (size_t i = 0; i < a->nroutes; i++)
		if (!cfg_route_equal(&a->routes[i], &b->routes[i]))
			return false;
	return true;
}

void
ug_attach(struct peer *p, struct ug_registry *reg)
{
	struct update_group *g;

	memset(&p->ugm, 0, sizeof(p->ugm));
	for (g = reg != NULL ? reg->head : NULL; g != NULL; g = g->next)
		if (g->pristine && g->nm > 0 &&
		    same_config_view(g->m[0]->cfg, p->cfg))
			break;
	if (g == NULL)
		g = group_new(reg, adj_rib_new());
	member_add(g, p);
}

void
ug_detach(struct peer *p)
{
	struct update_group *g = p->ugm.g;

	if (g == NULL)
		return;
	ug_down(p);
	member_remove(g, p);
	if (g->nm == 0)
		group_free(g, p->env->release);
	else
		ug_trim(g);
}

size_t
ug_members(const struct peer *p)
{
	return p->ugm.g != NULL ? p->ugm.g->nm : 0;
}

bool
ug_same(const struct peer *p, const struct peer *q)
{
	return p->ugm.g == q->ugm.g;
}

struct adj_rib *
ug_rib(const struct peer *p)
{
	return p->ugm.g->rib;
}

bool
ug_load_begin(struct peer *p)
{
	struct update_group *g = p->ugm.g;

	/* a member of a group that holds the configured routes and nothing
	 * else has nothing to add (the group has the same configuration) */
	if (g->loaded && g->pristine)
		return false;
	g->loaded = true;
	if (routes_have_self(p->cfg))
		g->uses_self = true;
	return true;
}

void
ug_note_self(struct peer *p)
{
	p->ugm.g->uses_self = true;
}

struct cfg_route **
ug_watchdogs(struct peer *p, size_t **n)
{
	*n = &p->ugm.g->nwd;
	return &p->ugm.g->wd;
}

/* ---- the log ---- */

static uint64_t
rd32(const uint8_t *b)
{
	return (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
	    (uint64_t)b[2] << 8 | b[3];
}

static void
wr32(uint8_t *b, uint64_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* The log's oldest message (its seq), or the next one when empty. */
static uint64_t
log_first_seq(const struct update_group *g)
{
	return g->first != NULL ? g->first->seq0 : adj_rib_seq(g->rib) + 1;
}

/* The end of the log, as a place. */
static void
log_end(const struct update_group *g, struct ug_pos *pos)
{
	pos->chunk = g->last;
	pos->off = g->last != NULL ? g->last->len : 0;
	pos->byte = g->end_byte;
	pos->routes = g->end_routes;
}

/* A place at its chunk's end moves to the next chunk's start. */
static void
pos_normalize(struct ug_pos *pos)
{
	while (pos->chunk != NULL && pos->off == pos->chunk->len &&
	    pos->chunk->next != NULL) {
		pos->chunk = pos->chunk->next;
		pos->off = 0;
	}
}

int
ug_log_append(struct update_group *g, const uint8_t *msg, size_t len,
    size_t announced, size_t withdrawn)
{
	struct ug_chunk *c = g->last;
	/* the table numbers the message once it is sent: this one is next */
	uint64_t seq = adj_rib_seq(g->rib) + 1;

	if (c == NULL || c->len + UG_REC_HDR + len > c->cap) {
		size_t cap = UG_CHUNK_DATA;

		if (cap < UG_REC_HDR + len)
			cap = UG_REC_HDR + len;
		c = xmalloc(sizeof(*c) + cap);
		c->next = NULL;
		c->seq0 = seq;
		c->byte0 = g->end_byte;
		c->routes0 = g->end_routes;
		c->len = 0;
		c->cap = cap;
		if (g->last != NULL)
			g->last->next = c;
		else
			g->first = c;
		g->last = c;
		/* members at the end of the old last chunk: the new one */
		for (size_t i = 0; i < g->nm; i++) {
			struct ug_member *m = &g->m[i]->ugm;

			if ((m->mode == UG_LOG || (m->mode == UG_WALK &&
			    m->pinned)) && m->pos.chunk == NULL) {
				m->pos.chunk = c;
				m->pos.off = 0;
			}
		}
	}
	wr32(c->data + c->len, announced);
	wr32(c->data + c->len + 4, withdrawn);
	memcpy(c->data + c->len + UG_REC_HDR, msg, len);
	c->len += UG_REC_HDR + len;
	g->end_byte += UG_REC_HDR + len;
	g->end_routes += announced + withdrawn;
	return 0;
}

static size_t
rec_msg_len(const uint8_t *rec)
{
	const uint8_t *msg = rec + UG_REC_HDR;

	return (size_t)msg[BGP_HEADER_LENGTH_OFF] << 8 |
	    msg[BGP_HEADER_LENGTH_OFF + 1];
}

bool
ug_log_peek(const struct peer *p, const uint8_t **msg, size_t *len,
    size_t *announced, size_t *withdrawn)
{
	struct ug_pos pos = p->ugm.pos;
	const uint8_t *rec;

	pos_normalize(&pos);
	if (pos.chunk == NULL || pos.off >= pos.chunk->len)
		return false;
	rec = pos.chunk->data + pos.off;
	*len = rec_msg_len(rec);
	*msg = rec + UG_REC_HDR;
	*announced = (size_t)rd32(rec);
	*withdrawn = (size_t)rd32(rec + 4);
	return true;
}

void
ug_log_advance(struct peer *p)
{
	struct ug_member *m = &p->ugm;
	const uint8_t *rec;
	size_t n;

	pos_normalize(&m->pos);
	rec = m->pos.chunk->data + m->pos.off;
	n = UG_REC_HDR + rec_msg_len(rec);
	m->pos.routes += rd32(rec) + rd32(rec + 4);
	m->pos.off += n;
	m->pos.byte += n;
	m->seq++;
}

bool
ug_log_at_end(const struct peer *p)
{
	return p->ugm.mode == UG_LOG &&
	    p->ugm.pos.byte == p->ugm.g->end_byte;
}

uint64_t
ug_log_behind(const struct peer *p)
{
	if (p->ugm.mode != UG_LOG)
		return 0;
	return p->ugm.g->end_byte - p->ugm.pos.byte;
}

size_t
ug_log_bytes(const struct update_group *g)
{
	return g->first != NULL ? (size_t)(g->end_byte - g->first->byte0) : 0;
}

/* The place of message seq (log_first_seq <= seq <= end + 1). */
static void
log_find(const struct update_group *g, uint64_t seq, struct ug_pos *pos)
{
	struct ug_chunk *c = g->first;

	while (c != NULL && c->next != NULL && c->next->seq0 <= seq)
		c = c->next;
	if (c == NULL || seq > adj_rib_seq(g->rib)) {
		log_end(g, pos);
		return;
	}
	pos->chunk = c;
	pos->off = 0;
	pos->routes = c->routes0;
	for (uint64_t s = c->seq0; s < seq; s++) {
		const uint8_t *rec = c->data + pos->off;

		pos->routes += rd32(rec) + rd32(rec + 4);
		pos->off += UG_REC_HDR + rec_msg_len(rec);
	}
	pos->byte = c->byte0 + pos->off;
}

void
ug_wake(struct update_group *g, const struct peer *except)
{
	for (size_t i = 0; i < g->nm; i++)
		if (g->m[i] != except && g->m[i]->ugm.mode == UG_LOG)
			peer_kick_soon(g->m[i]);
}

/* ---- members ---- */

/* Start a walk for p: after/fresh/replay as adj_rib_walk_new; the walk
 * ends where the log begins (or at after), so that the log serves the
 * rest. */
static void
walk_start_to(struct peer *p, uint64_t after, bool fresh, bool replay,
    bool to_head)
{
	struct ug_member *m = &p->ugm;
	struct update_group *g = m->g;
	/* to_head: the log let go of the member, which walks every change
	 * up to the last one and reads the log from there */
	uint64_t upto = to_head ? adj_rib_seq(g->rib) : log_first_seq(g) - 1;

	if (upto < after)
		upto = after;
	adj_rib_walk_free(m->walk);
	m->walk = adj_rib_walk_new(after, upto, fresh, replay);
	m->mode = UG_WALK;
	m->pinned = true;
	log_find(g, upto + 1, &m->pos);
}

static void
walk_start(struct peer *p, uint64_t after, bool fresh, bool replay)
{
	walk_start_to(p, after, fresh, replay, false);
}

void
ug_walk_done(struct peer *p)
{
	struct ug_member *m = &p->ugm;
	uint64_t upto = adj_rib_walk_upto(m->walk);

	if (m->pinned) {
		adj_rib_walk_free(m->walk);
		m->walk = NULL;
		m->mode = UG_LOG;
		m->seq = upto;
		return;
	}
	/* the log let go of it meanwhile: the entries changed since upto,
	 * withdrawals included (one for a route a new session never had is
	 * harmless; a missed one is not) */
	walk_start_to(p, upto, false, false, true);
}

/* Compare what changes the bytes: the encoding of two sessions. */
static bool
same_encoding(const struct adj_rib_pack_ctx *a,
    const struct adj_rib_pack_ctx *b, bool self)
{
	if (a->families != b->families || a->addpath_tx != b->addpath_tx ||
	    a->max_msg != b->max_msg || a->group_updates != b->group_updates ||
	    a->enc.ibgp != b->enc.ibgp || a->enc.asn4 != b->enc.asn4 ||
	    a->enc.local_as != b->enc.local_as ||
	    a->enc.ext_nexthop != b->enc.ext_nexthop ||
	    !addr_equal(&a->enc.local_ll, &b->enc.local_ll))
		return false;
	/* the local address is in the bytes only through next-hop self */
	return !self || (addr_equal(&a->enc.local_v4, &b->enc.local_v4) &&
	    addr_equal(&a->enc.local_v6, &b->enc.local_v6));
}

/*
 * Move p from g to ng, whose table is g's as of now (a copy, or changed
 * alike since): it keeps what it has and walks what its cursor misses
 * there (ng's log starts empty).
 */
static void
member_move(struct update_group *g, struct update_group *ng, struct peer *p)
{
	struct ug_member *m = &p->ugm;
	enum ug_mode mode = m->mode;
	uint64_t after = 0;
	bool fresh = false;

	if (mode == UG_LOG)
		after = m->seq;
	else if (mode == UG_WALK) {
		after = adj_rib_walk_after(m->walk);
		fresh = adj_rib_walk_fresh(m->walk);
	}
	adj_rib_walk_free(m->walk);
	m->walk = NULL;
	member_remove(g, p);
	member_add(ng, p);
	m->mode = mode;
	if (mode != UG_DOWN && !ng->enc_set && g->enc_set) {
		/* its session encodes as g's established members */
		ng->enc = g->enc;
		ng->enc_set = true;
	}
	if (mode != UG_DOWN) {
		/* a replay in progress (a walk not fresh) starts over */
		walk_start(p, after, fresh, mode == UG_WALK && !fresh);
		peer_kick_soon(p);
	}
	if (members_up(g) == 0)
		g->enc_set = false;
	ug_trim(g);
}

/* A new group for the members sel[0..n) of g, with a copy of its table:
 * each keeps what it has (walking the changes its cursor misses). */
static struct update_group *
group_split(struct update_group *g, struct peer *const *sel, size_t n)
{
	struct update_group *ng = group_new(g->reg, adj_rib_clone(g->rib));

	ng->loaded = g->loaded;
	ng->pristine = g->pristine;
	ng->uses_self = g->uses_self;
	ng->enc_set = g->enc_set;
	ng->enc = g->enc;
	ng->origin = g->id;
	for (size_t i = 0; i < g->nwd; i++) {
		ng->wd = xreallocarray(ng->wd, ng->nwd + 1, sizeof(*ng->wd));
		cfg_route_copy(&ng->wd[ng->nwd++], &g->wd[i]);
	}
	for (size_t i = 0; i < n; i++)
		member_move(g, ng, sel[i]);
	if (members_up(ng) == 0)
		ng->enc_set = false;
	return ng;
}

/* A group with g's table whose established members encode as key. */
static struct update_group *
group_twin(const struct update_group *g, const struct adj_rib_pack_ctx *key)
{
	struct update_group *o;

	for (o = g->reg != NULL ? g->reg->head : NULL; o != NULL; o = o->next)
		if (o != g && o->cid == g->cid && o->enc_set &&
		    members_up(o) > 0 && o->uses_self == g->uses_self &&
		    same_encoding(&o->enc, key, o->uses_self))
			return o;
	return NULL;
}

void
ug_up(struct peer *p, const struct adj_rib_pack_ctx *key)
{
	struct update_group *g = p->ugm.g, *twin;

	if (g->enc_set && members_up(g) > 0 &&
	    !same_encoding(&g->enc, key, g->uses_self) &&
	    (twin = group_twin(g, key)) != NULL) {
		/* the copy made for a session like this one */
		member_move(g, twin, p);
		g = twin;
	} else if (g->enc_set && members_up(g) > 0 &&
	    !same_encoding(&g->enc, key, g->uses_self)) {
		uint64_t cid = g->cid;

		/* another encoding: a group of its own */
		log_peer(LOG_INFO, p->logname, "update group: this session's "
		    "encoding differs from the %zu other established "
		    "member%s': sending from a copy of the table", members_up(g),
		    members_up(g) == 1 ? "" : "s");
		g = group_split(g, &p, 1);
		g->cid = cid;		/* the same table, another encoding */
		g->enc_set = false;
	}
	if (!g->enc_set || members_up(g) == 0) {
		/* the first member up sets the encoding: what the last
		 * sessions could not carry is tried again */
		g->enc = *key;
		g->enc_set = true;
		adj_rib_requeue(g->rib);
	}
	walk_start(p, 0, true, false);
}

void
ug_down(struct peer *p)
{
	struct ug_member *m = &p->ugm;

	adj_rib_walk_free(m->walk);
	m->walk = NULL;
	m->mode = UG_DOWN;
	m->pinned = false;
	memset(&m->pos, 0, sizeof(m->pos));
	if (m->g != NULL) {
		if (members_up(m->g) == 0)
			m->g->enc_set = false;
		ug_trim(m->g);
	}
}

void
ug_replay(struct peer *p)
{
	struct ug_member *m = &p->ugm;

	switch (m->mode) {
	case UG_DOWN:
		return;
	case UG_LOG:
		walk_start(p, m->seq, false, true);
		break;
	case UG_WALK:
		walk_start(p, adj_rib_walk_after(m->walk),
		    adj_rib_walk_fresh(m->walk),
		    !adj_rib_walk_fresh(m->walk));
		break;
	}
}

void
ug_trim(struct update_group *g)
{
	uint64_t min_byte = g->end_byte, floor = adj_rib_seq(g->rib);
	struct ug_chunk *c;

	for (size_t i = 0; i < g->nm; i++) {
		struct peer *p = g->m[i];
		struct ug_member *m = &p->ugm;

		if (m->mode == UG_LOG && g->end_byte - m->pos.byte >
		    lag_max(g)) {
			/* too slow for the others: catch up on its own */
			log_peer(LOG_INFO, p->logname, "update group: %llu "
			    "bytes behind the group's log; catching up from "
			    "the table", (unsigned long long)(g->end_byte -
			    m->pos.byte));
			walk_start_to(p, m->seq, false, false, true);
			peer_kick_soon(p);
		} else if (m->mode == UG_WALK && m->pinned &&
		    g->end_byte - m->pos.byte > lag_max(g))
			m->pinned = false;
		if (m->mode == UG_LOG || (m->mode == UG_WALK && m->pinned)) {
			pos_normalize(&m->pos);
			if (m->pos.byte < min_byte)
				min_byte = m->pos.byte;
		}
		/* the oldest change a member may still have to walk */
		if (m->mode == UG_LOG && m->seq < floor)
			floor = m->seq;
		else if (m->mode == UG_WALK) {
			uint64_t f = adj_rib_walk_fresh(m->walk) ?
			    adj_rib_walk_upto(m->walk) :
			    adj_rib_walk_after(m->walk);

			if (f < floor)
				floor = f;
		}
	}
	/* whole chunks every reader passed (the last one stays) */
	while ((c = g->first) != NULL && c->next != NULL &&
	    c->byte0 + c->len <= min_byte) {
		g->first = c->next;
		free(c);
	}
	if (g->first != NULL && g->first == g->last &&
	    g->first->byte0 + g->first->len <= min_byte) {
		/* nobody is inside the last one either */
		for (size_t i = 0; i < g->nm; i++) {
			struct ug_member *m = &g->m[i]->ugm;

			if (m->pos.chunk == g->first)
				m->pos.chunk = NULL;
		}
		free(g->first);
		g->first = g->last = NULL;
	}
	adj_rib_reclaim(g->rib, floor);
}

void
ug_routes_sent(const struct peer *p, uint64_t *announced,
    uint64_t *withdrawn)
{
	*announced = p->ugm.announced;
	*withdrawn = p->ugm.withdrawn;
}

size_t
ug_routes_queued(const struct peer *p)
{
	const struct ug_member *m = &p->ugm;
	size_t n = adj_rib_queued(m->g->rib);

	if (m->mode == UG_LOG) {
		/* the routes of the messages it has not read */
		n += (size_t)(m->g->end_routes - m->pos.routes);
	} else if (m->mode == UG_WALK) {
		size_t left = adj_rib_walk_left(m->g->rib, m->walk);
		size_t count = adj_rib_count(m->g->rib);

		n += left < count ? left : count;
	}
	return n;
}

void
ug_kick_all(struct peer *p)
{
	struct update_group *g = p->ugm.g;

	/* a kick is coming for a member at the log's end: it packs for all
	 * and wakes the others (a million commands to fifty peers would
	 * otherwise schedule fifty million kicks) */
	for (size_t i = 0; i < g->nm; i++)
		if (ug_log_at_end(g->m[i]) && peer_kick_pending(g->m[i]))
			return;
	for (size_t i = 0; i < g->nm; i++)
		peer_schedule_kick_one(g->m[i]);
}

/* ---- selections ---- */

/*
 * The groups of reps[0..n) are about to change alike: those whose table
 * another group not among them shares (the same cid) are the same table
 * no more, and get a new cid, together.
 */
static void
recid(struct peer *const *reps, size_t n)
{
	struct ug_registry *reg = n > 0 ? reps[0]->ugm.g->reg : NULL;

	if (reg == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		reps[i]->ugm.g->selected = true;
	for (size_t i = 0; i < n; i++) {
		struct update_group *g = reps[i]->ugm.g, *o;
		uint64_t old = g->cid, cid;

		for (o = reg->head; o != NULL; o = o->next)
			if (o->cid == old && !o->selected)
				break;
		if (o == NULL)
			continue;	/* every holder of the table changes */
		cid = reg->next_cid++;
		for (size_t j = i; j < n; j++)
			if (reps[j]->ugm.g->cid == old)
				reps[j]->ugm.g->cid = cid;
	}
	for (size_t i = 0; i < n; i++)
		reps[i]->ugm.g->selected = false;
}

size_t
ug_select(struct peer *const *peers, size_t n, bool by_local,
    struct peer **reps)
{
	size_t nreps = 0;
	struct peer **sel = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*sel));

	for (size_t i = 0; i < n; i++)
		peers[i]->ugm.g->mark = 0;
	for (size_t i = 0; i < n; i++)
		peers[i]->ugm.g->mark++;
	for (size_t i = 0; i < n; i++) {
		struct update_group *g = peers[i]->ugm.g;
		size_t k = 0;

		if (g->mark == 0)
			continue;	/* peers[i]'s group has its rep */
		/* the selected members of g from peers[i] on (with its
		 * local address, when that matters) */
		for (size_t j = i; j < n; j++)
			if (peers[j]->ugm.g == g && (!by_local ||
			    addr_equal(&peers[j]->local_now,
			    &peers[i]->local_now)))
				sel[k++] = peers[j];
		g->mark -= k;
		g->pristine = false;
		if (k < g->nm) {
			/* the command is not for all of g: they leave */
			struct update_group *ng = group_split(g, sel, k);

			ng->pristine = false;
			ng->mark = 0;
		}
		reps[nreps++] = sel[0];
	}
	free(sel);
	recid(reps, nreps);
	return nreps;
}

void
ug_isolate(struct peer *p, const struct cfg_neighbor *nb, unsigned gen)
{
	struct update_group *g = p->ugm.g, *o;

	if (g->nm == 1) {
		/* its table changes alone: no other group's copy any more */
		g->pristine = false;
		if (g->reg != NULL)
			g->cid = g->reg->next_cid++;
		return;
	}
	/* another member of g left it in this reload for the same routes:
	 * the same table */
	for (o = g->reg != NULL ? g->reg->head : NULL; o != NULL; o = o->next)
		if (o != g && o->origin == g->id && o->reload_gen == gen &&
		    o->reload_cfg != NULL && same_config_view(o->reload_cfg,
		    nb) && o->nm > 0 && (p->ugm.mode == UG_DOWN ||
		    !o->enc_set || members_up(o) == 0 ||
		    same_encoding(&o->enc, &g->enc, g->uses_self)))
			break;	/* (an established p encodes as g's) */
	if (o == NULL) {
		o = group_split(g, &p, 1);
		o->reload_gen = gen;
		o->reload_cfg = nb;
		o->pristine = false;
		return;
	}
	/* o's table is g's with nb's routes (nothing was packed during
	 * the reload, so p's cursor means the same in o): p walks what
	 * differs */
	member_move(g, o, p);
}
