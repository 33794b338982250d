/*
 * Update groups (issue 13 point 1): peers whose outbound view is the same
 * share one Adj-RIB-Out (the wanted table and its change queue) and one
 * log of packed UPDATE messages; each peer keeps a cursor into the log
 * and its own output (back-pressure, KEEPALIVEs ahead of UPDATEs).
 *
 * The view is what decides the bytes: the routes wanted (the same
 * configured routes at creation; API commands reach every member alike,
 * or the members they name are split off first), and the encoding the
 * session negotiated (families, ASN4, ADD-PATH send, message size,
 * extended next hop, link-local next hop, iBGP or eBGP and the local AS,
 * group-updates; the local address when a route says next-hop self).
 * Peers that differ in anything else (address, hold time, router id ...)
 * share a group. A member whose negotiated encoding differs from the
 * group's established members leaves for the group made for a session
 * like it from the same table (while every command reached both alike:
 * the same cid), or for a copy of its own.
 *
 * A member is down (no session), walking (being caught up from the
 * table: a new session's full replay, a route refresh, or a member that
 * fell more than UG_LAG_MAX behind the log and left it), or in the log
 * (copying the messages after its cursor as its socket drains). The log
 * is trimmed to the slowest member in it; a slow member never holds the
 * others back, it leaves the log and walks the entries changed after its
 * cursor (tombstones keep the withdrawals, see adj_rib.h).
 */
#ifndef EVBGP_UPDATE_GROUP_H
#define EVBGP_UPDATE_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/adj_rib.h"
#include "evbgp/config.h"

struct peer;
struct update_group;
struct ug_chunk;

/* A member more than this far behind the log's end leaves the log. */
#define UG_LAG_MAX	(8u << 20)

enum ug_mode {
	UG_DOWN,		/* no session */
	UG_WALK,		/* being caught up from the table */
	UG_LOG,			/* reading the log */
};

/* A place in the log: the next message is at chunk/off. */
struct ug_pos {
	struct ug_chunk	*chunk;
	size_t		 off;
	uint64_t	 byte;		/* offset in the log's byte stream */
	uint64_t	 routes;	/* routes in the messages before it */
};

/* One peer's membership (in struct peer). */
struct ug_member {
	struct update_group *g;
	enum ug_mode	 mode;
	struct adj_rib_walk *walk;	/* UG_WALK */
	/* UG_WALK: the log keeps the messages after the walk's end for it
	 * (pos); else it walks again from there when done */
	bool		 pinned;
	struct ug_pos	 pos;		/* UG_LOG, or a pinned walk */
	uint64_t	 seq;		/* UG_LOG: the last message it has */
	uint64_t	 announced;	/* routes sent to the peer */
	uint64_t	 withdrawn;
};

/* All the groups of one daemon. */
struct ug_registry;
struct ug_registry *ug_registry_new(void);
void	ug_registry_free(struct ug_registry *reg);
size_t	ug_registry_groups(const struct ug_registry *reg);
/* Another lag bound (tests). */
void	ug_registry_set_lag_max(struct ug_registry *reg, size_t bytes);
/* Changes whenever a peer joins or leaves a group. */
uint64_t ug_registry_gen(const struct ug_registry *reg);

/*
 * The group of a new peer: a group of peers with the same configured
 * view whose table still holds only the configured routes, or a new one
 * (reg NULL: always a new one, for a peer of its own).
 */
void	ug_attach(struct peer *p, struct ug_registry *reg);
void	ug_detach(struct peer *p);
/* The group's members (p's included). */
size_t	ug_members(const struct peer *p);
/* Does p share its group with q? */
bool	ug_same(const struct peer *p, const struct peer *q);
struct adj_rib *ug_rib(const struct peer *p);

/* Should p's configured routes go into its table (not when the group
 * holds them already and nothing else)? Marks them loaded. */
bool	ug_load_begin(struct peer *p);
/* A route with next-hop self went into p's group's table. */
void	ug_note_self(struct peer *p);

/*
 * p's session is Established; key: how p packs (peer_pack_ctx). p moves
 * to a group of its own if its encoding differs from the established
 * members', then starts a full replay.
 */
void	ug_up(struct peer *p, const struct adj_rib_pack_ctx *key);
void	ug_down(struct peer *p);
/* Start (again) a walk sending p everything (route refresh). */
void	ug_replay(struct peer *p);
/* The walk is done: into the log, or walk again from where it ended. */
void	ug_walk_done(struct peer *p);

/* The log: append one packed message (the group's next sequence). */
int	ug_log_append(struct update_group *g, const uint8_t *msg, size_t len,
	    size_t announced, size_t withdrawn);
/* p's next message in the log, or false at its end. */
bool	ug_log_peek(const struct peer *p, const uint8_t **msg, size_t *len,
	    size_t *announced, size_t *withdrawn);
void	ug_log_advance(struct peer *p);
bool	ug_log_at_end(const struct peer *p);
/* Bytes of the log after p's cursor (0 if p is not in it). */
uint64_t ug_log_behind(const struct peer *p);
size_t	ug_log_bytes(const struct update_group *g);
/* Members in the log waiting at its end: more is there now. */
void	ug_wake(struct update_group *g, const struct peer *except);
/* Leave the log for laggers, free what every member read, reclaim
 * tombstones every member passed. */
void	ug_trim(struct update_group *g);

/* Routes sent to p (announced, withdrawn) since it was created, and
 * routes waiting for it (the group's queue and its part of the log or
 * of its walk). */
void	ug_routes_sent(const struct peer *p, uint64_t *announced,
	    uint64_t *withdrawn);
size_t	ug_routes_queued(const struct peer *p);

/* Every established member: pack soon. */
void	ug_kick_all(struct peer *p);

/*
 * Before a command acts on peers[0..n): split every group the selection
 * covers only in part (by_local: also members whose local address
 * differs, for a next-hop self route), so that the command can act once
 * per group. reps gets one peer per group (n entries at most); returns
 * how many.
 */
size_t	ug_select(struct peer *const *peers, size_t n, bool by_local,
	    struct peer **reps);

/*
 * A reload gives p configuration nb with other routes: p leaves its
 * group (unless alone), for a group that another member of the same
 * group left in the same reload (gen) for the same routes, or a copy.
 */
void	ug_isolate(struct peer *p, const struct cfg_neighbor *nb, unsigned gen);

/* Watchdog routes of p's group. */
struct cfg_route **ug_watchdogs(struct peer *p, size_t **n);

#endif /* EVBGP_UPDATE_GROUP_H */
