/*
 * Adj-RIB-Out of one peer: for every route (family, path id and the NLRI
 * octets that name it, nlri_key()) the attribute set the peer should
 * have ("wanted") and the one it was last sent ("sent"), plus a queue of
 * the routes where the two differ. The queue coalesces: announcing then
 * withdrawing a route that was never sent sends nothing, re-announcing
 * identical attributes sends nothing, and the last word wins.
 * adj_rib_pack() turns the queue into UPDATE messages, packing routes
 * that share an attribute set.
 *
 * The key is the route's name, not all of its NLRI: a labeled or VPN
 * route re-announced with another label replaces the one announced
 * (ExaBGP 4.2 keys them on RD and prefix alone), and goes out again.
 *
 * The sets an Adj-RIB holds at any time all come from one attribute
 * table (the daemon's): it keeps them as 4-byte ids of that table
 * (attrs_set_id). A set of another table while it holds any is a bug
 * in the caller and aborts; once it holds none, the next set stored
 * names the table.
 */
#ifndef EVBGP_RIB_OUT_H
#define EVBGP_RIB_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/attrs.h"
#include "evbgp/family.h"
#include "evbgp/nlri.h"
#include "evbgp/prefix.h"
#include "evbgp/update.h"

struct adj_rib;

/* Where a route came from; routes of different sources never share an
 * UPDATE (the configured table goes out as configured, helpers' routes
 * among themselves). */
#define RIB_SRC_CONFIG	0u
#define RIB_SRC_API	1u

struct adj_rib *adj_rib_new(void);
/* The same structure used as a plain table (an Adj-RIB-In): announce and
 * withdraw only record, nothing is ever queued for sending. */
struct adj_rib *adj_rib_new_store(void);
void	adj_rib_free(struct adj_rib *ro);
/*
 * adj_rib_free a part at a time, for a table too big to free between two
 * events (rib_release.h): release at most budget of ro's route slots
 * (their sets and NLRI blocks), and ro itself once none is left: true
 * when ro is gone. Between the steps ro is half released: nothing but
 * these two calls may use it.
 */
bool	adj_rib_release_step(struct adj_rib *ro, size_t budget);
/* Route slots a released ro has left to release (an upper bound of its
 * routes). */
size_t	adj_rib_release_left(const struct adj_rib *ro);

/*
 * Want the route n announced with a (an interned set; a reference is
 * taken), from source src (RIB_SRC_*). n's octets are copied.
 */
void	adj_rib_announce_nlri(struct adj_rib *ro, const struct nlri *n,
	    const struct attr_set *a, unsigned src);
/*
 * Want the route n withdrawn; unknown routes are ignored. A family whose
 * withdrawals carry attributes (NLRI_F_WITHDRAW_ATTRS) sends a (or, when
 * NULL, those last wanted) with the withdrawal; others send none.
 */
void	adj_rib_withdraw_nlri(struct adj_rib *ro, const struct nlri *n,
	    const struct attr_set *a);
/*
 * About to announce or withdraw n: ask for its index slot now, so that
 * the cache miss it costs in a big table overlaps other work (interning
 * the route's attributes) instead of coming after it. Changes nothing.
 */
void	adj_rib_prefetch_nlri(const struct adj_rib *ro, const struct nlri *n);
/*
 * The same in two halves, for a caller that records the route soon
 * after (the receive path): the hash of n's key (the same in every
 * table), the prefetch of its slot, and the announce and withdraw that
 * take the hash instead of making it again. h must be
 * adj_rib_nlri_hash(n) of this very n: another route's would file it
 * where no lookup finds it.
 */
uint32_t adj_rib_nlri_hash(const struct nlri *n);
void	adj_rib_prefetch_hash(const struct adj_rib *ro, uint32_t h);
void	adj_rib_announce_nlri_hashed(struct adj_rib *ro, const struct nlri *n,
	    uint32_t h, const struct attr_set *a, unsigned src);
void	adj_rib_withdraw_nlri_hashed(struct adj_rib *ro, const struct nlri *n,
	    uint32_t h);
/* Prefix families (unicast, multicast): the same by prefix. */
void	adj_rib_announce(struct adj_rib *ro, enum family_id fam,
	    const struct prefix *p, uint32_t path_id, const struct attr_set *a);
void	adj_rib_announce_src(struct adj_rib *ro, enum family_id fam,
	    const struct prefix *p, uint32_t path_id, const struct attr_set *a,
	    unsigned src);
void	adj_rib_withdraw(struct adj_rib *ro, enum family_id fam,
	    const struct prefix *p, uint32_t path_id);
/* The session went down: the peer holds nothing now; wanted routes wait
 * in the queue for the next session. */
void	adj_rib_session_down(struct adj_rib *ro);
/* Re-send every wanted route (route refresh, flush adj-rib out). */
void	adj_rib_resend_all(struct adj_rib *ro);
/* Withdraw every route (clear adj-rib out). */
void	adj_rib_withdraw_all(struct adj_rib *ro);
/* Anything queued? */
bool	adj_rib_pending(const struct adj_rib *ro);
/* Routes waiting to be sent (the queue: announcements and withdrawals
 * not in an UPDATE yet). */
size_t	adj_rib_queued(const struct adj_rib *ro);
/* Routes packed into UPDATEs since the table was created. */
void	adj_rib_sent(const struct adj_rib *ro, uint64_t *announced,
	    uint64_t *withdrawn);
/* Routes wanted announced (and sendable). */
size_t	adj_rib_count(const struct adj_rib *ro);
/*
 * Routes wanted but too big for any UPDATE of the current session (their
 * attributes and NLRI exceed the negotiated message size): not sent, not
 * listed by adj_rib_foreach, tried again in the next session. And how
 * many times a route was found too big since the table was created.
 */
size_t	adj_rib_toobig(const struct adj_rib *ro);
uint64_t adj_rib_toobig_total(const struct adj_rib *ro);
/* The wanted attributes of a route (announced), or NULL. */
const struct attr_set *adj_rib_lookup_nlri(const struct adj_rib *ro,
	    const struct nlri *n);
const struct attr_set *adj_rib_lookup(const struct adj_rib *ro,
	    enum family_id fam, const struct prefix *p, uint32_t path_id);

/* Visit every route wanted announced (n is valid during the call). */
typedef void adj_rib_visit_fn(void *arg, const struct nlri *n,
	    const struct attr_set *a);
void	adj_rib_foreach(const struct adj_rib *ro, adj_rib_visit_fn *fn,
	    void *arg);

/* Memory the table holds, by part (the attribute sets are the
 * attr_table's). */
struct adj_rib_mem {
	size_t		 routes;	/* entries in use */
	size_t		 entry_bytes;	/* the entry array, as allocated */
	size_t		 index_bytes;	/* the hash index */
	size_t		 nlri_bytes;	/* NLRI of non-prefix families */
	size_t		 queue_bytes;	/* change-queue groups and buckets */
};
void	adj_rib_memory(const struct adj_rib *ro, struct adj_rib_mem *m);

/*
 * Lookups (show adj-rib ... PREFIX): the routes wanted announced that
 * match q. A prefix applies to the families whose routes have one
 * (unicast, multicast: the index; labeled and VPN: their prefix inside
 * the NLRI); the routes of other families never match a prefix.
 */
enum rib_match {
	RIB_MATCH_EXACT,	/* that prefix */
	RIB_MATCH_LONGEST,	/* the longest prefix containing it */
	RIB_MATCH_MORE,		/* it and every more-specific one */
};

struct rib_query {
	famset_t	 fams;		/* the families looked at */
	bool		 has_prefix;
	struct prefix	 prefix;	/* masked */
	enum rib_match	 match;
	const uint8_t	*rd;		/* 8 octets, or NULL: any RD */
	/* a route's attributes pass? (NULL: all do) */
	bool		(*attrs_ok)(void *arg, const struct attr_set *a);
	void		*attrs_arg;
};

/*
 * Visit the routes matching q (fn NULL: only count them); returns how
 * many matched. An exact or longest match of unicast or multicast routes
 * probes the index (at most prefix length + 1 probes, whatever the
 * table's size) unless the table holds ADD-PATH routes of that family;
 * the rest walks the table once (twice for a longest match).
 */
size_t	adj_rib_query(const struct adj_rib *ro, const struct rib_query *q,
	    adj_rib_visit_fn *fn, void *arg);

#define ADJ_RIB_UNENCODABLE	SIZE_MAX

/* How to pack for one session. */
struct adj_rib_pack_ctx {
	struct attr_encode_ctx enc;
	famset_t	 families;	/* negotiated; others stay queued */
	famset_t	 addpath_tx;
	size_t		 max_msg;	/* 4096 or 65535 */
	bool		 group_updates;
	/* write one whole message; 0 on success */
	int		(*emit)(void *arg, const uint8_t *msg, size_t len);
	/* the same with the routes it announces and withdraws; used instead
	 * of emit when set */
	int		(*emit_counted)(void *arg, const uint8_t *msg, size_t len,
			    size_t announced, size_t withdrawn);
	/* back-pressure: stop before the next batch when true */
	bool		(*full)(void *arg);
	/*
	 * routes sharing p's attribute set cannot be sent: one UPDATE would
	 * need `need` bytes (0: more than 65535), more than max_msg, or
	 * (need ADJ_RIB_UNENCODABLE) their next hop cannot be encoded for
	 * the family. They stay wanted but unsent; the others keep flowing.
	 * May be NULL.
	 */
	void		(*toobig)(void *arg, const struct nlri *n,
			    size_t routes, size_t need);
	void		*arg;
};

/*
 * Emit UPDATEs for queued changes until the queue is empty or ctx->full()
 * says stop (checked between batches). A route no UPDATE can hold is
 * reported through ctx->toobig and left out. Returns the number of
 * messages emitted, or -1 if emit failed (the session is then being torn
 * down).
 */
long	adj_rib_pack(struct adj_rib *ro, const struct adj_rib_pack_ctx *ctx);

/*
 * Update groups (update_group.h) share one table among peers: `sent' is
 * then what the group's log of UPDATEs carries, every packed message is
 * numbered (adj_rib_seq: the last one) and every entry remembers the
 * message of its last change. A logged table keeps a withdrawn route as
 * a tombstone until adj_rib_reclaim(floor) says every member has passed
 * its message, so that a member catching up (a walk) hears of it.
 */
void	adj_rib_set_logged(struct adj_rib *ro);
uint64_t adj_rib_seq(const struct adj_rib *ro);
void	adj_rib_reclaim(struct adj_rib *ro, uint64_t floor);
size_t	adj_rib_tombstones(const struct adj_rib *ro);
/* A copy (routes, what was sent, the queue in its order, tombstones). */
struct adj_rib *adj_rib_clone(const struct adj_rib *ro);
/* Queue every route whose state differs from what was sent, and try the
 * too-big ones again (a new encoding: another message size, families). */
void	adj_rib_requeue(struct adj_rib *ro);

/*
 * A walk: send one member the state the log carried for every route
 * whose last message is in (after, upto] (fresh: a new session, which
 * holds nothing, so no withdrawals; replay: every route announced by
 * upto as well, a route refresh). adj_rib_walk_step emits through ctx
 * until ctx->full says stop: 1 when the walk is done, 0 to be called
 * again, -1 when emit failed. The member then reads the log from upto.
 */
struct adj_rib_walk;
struct adj_rib_walk *adj_rib_walk_new(uint64_t after, uint64_t upto,
	    bool fresh, bool replay);
void	adj_rib_walk_free(struct adj_rib_walk *w);
int	adj_rib_walk_step(struct adj_rib *ro, struct adj_rib_walk *w,
	    const struct adj_rib_pack_ctx *ctx);
uint64_t adj_rib_walk_upto(const struct adj_rib_walk *w);
uint64_t adj_rib_walk_after(const struct adj_rib_walk *w);
bool	adj_rib_walk_fresh(const struct adj_rib_walk *w);
/* Entries still to look at (a bound on the routes still to send). */
size_t	adj_rib_walk_left(const struct adj_rib *ro,
	    const struct adj_rib_walk *w);

#endif /* EVBGP_RIB_OUT_H */
