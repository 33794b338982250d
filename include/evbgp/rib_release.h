/*
 * Releasing big Adj-RIBs a slice at a time. A session that held 10^6
 * received routes going down would otherwise free them (a set each, an
 * index, a 48 MB array) between two events: 70-100 ms during which no
 * timer runs and no KEEPALIVE goes out to any peer. The table is handed
 * over here instead, already detached from its peer, and released from
 * the event loop in slices of bounded time, other events running between
 * them.
 */
#ifndef EVBGP_RIB_RELEASE_H
#define EVBGP_RIB_RELEASE_H

#include <stddef.h>
#include <stdint.h>

struct adj_rib;
struct event_base;
struct rib_release;

/* Each slice releases route slots RIB_RELEASE_CHUNK at a time until
 * RIB_RELEASE_SLICE_US have passed (or none is left). */
#define RIB_RELEASE_CHUNK	1024
#define RIB_RELEASE_SLICE_US	1000

struct rib_release *rib_release_new(struct event_base *base);
/* Tests: slices of exactly chunk slots (no clock), to count them. */
struct rib_release *rib_release_new_fixed(struct event_base *base,
	    size_t chunk);
/* Release everything still held, now, then r. */
void	rib_release_free(struct rib_release *r);

/*
 * Take ro (NULL: nothing) to release it from the loop. r NULL frees it
 * at once (a peer without a loop, in tests).
 */
void	rib_release_add(struct rib_release *r, struct adj_rib *ro);

/* Route slots still to release, in all tables held. */
size_t	rib_release_pending(const struct rib_release *r);
/* Tables taken, and tables released, since r was made. */
uint64_t rib_release_taken(const struct rib_release *r);
uint64_t rib_release_done(const struct rib_release *r);

#endif /* EVBGP_RIB_RELEASE_H */
