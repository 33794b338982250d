/*
 * Events for helpers: which helper hears what about which peer (the
 * neighbor's api blocks), encoding each event once per rendering, and
 * handing the lines to the supervisor's capped queues.
 *
 * This module knows the supervisor and the encoders, not the peer: the
 * daemon describes the session in a struct api_peer and decides what to
 * do when a helper falls behind (events_message's answer).
 */
#ifndef EVBGP_API_EVENTS_H
#define EVBGP_API_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/event_encode.h"
#include "evbgp/config.h"
#include "evbgp/update.h"

struct sup;
struct event_base;

/* Where events go; owned by the daemon. */
struct events {
	struct sup	*sup;		/* NULL: no helpers, no events */
	/* the loop whose turn dates an event (api_source_now); NULL: the
	 * clock, read for every event */
	struct event_base *base;
	const char	*host;		/* the envelope's host name */
	size_t		 high_mark;	/* bytes queued to a helper above
					   which it is "behind" */
	unsigned long	 renderings;	/* event lines encoded (each once
					   per encoder and rendering) */
	unsigned	 api_version;	/* exabgp.api.version: the JSON
					   dialect of a helper without its
					   own api-version (6: main's) */
};

/* One helper subscribed to a peer, with the merged api flags. */
struct api_sub {
	char		*process;
	bool		 neighbor_changes;
	uint32_t	 receive;	/* API_MSG_* */
	uint32_t	 send;
};

/* Who hears what about one peer (its api blocks merged per process). */
struct api_subs {
	struct api_sub	*v;
	size_t		 n;
	uint32_t	 receive, send;	/* API_MSG_* unions */
	bool		 changes;	/* someone wants neighbor-changes */
	unsigned long	 counter;	/* events sent about this peer */
};

/* What an event says about its session, filled in by the caller. */
struct api_peer {
	struct bgp_addr	 local;
	struct bgp_addr	 remote;
	uint32_t	 local_as;
	uint32_t	 peer_as;
	uint32_t	 router_id;	/* ours (main's JSON "router-id") */
	/* how UPDATEs are decoded, by enum api_dir (receive: addpath_rx is
	 * what the peer sends; send: what we send) */
	struct update_ctx ctx[2];
};

/* (Re)compute s from a neighbor's api blocks (the counter is kept). */
void	api_subs_init(struct api_subs *s, const struct cfg_neighbor *cfg);
void	api_subs_free(struct api_subs *s);
/* BGP message types (bit 1 << type) some subscriber wants rendered in
 * direction dir. */
uint32_t api_subs_types(const struct api_subs *s, enum api_dir dir);

/* "connected", "up", "down" (reason) to neighbor-changes subscribers. */
void	events_state(const struct events *ev, struct api_subs *s,
	    const struct api_peer *ap, const char *state, const char *reason);
/*
 * A message received or sent (header included). For a received UPDATE,
 * decoded is the peer's own decoding (else NULL: the message is decoded
 * here when some subscriber wants it parsed). Returns true when a
 * subscriber's queue is above the high mark (the caller may slow the
 * peer down rather than have events dropped).
 */
bool	events_message(struct events *ev, struct api_subs *s,
	    const struct api_peer *ap, enum api_dir dir, const uint8_t *msg,
	    size_t len, const struct update_msg *decoded);
/* The daemon is going away: the final shutdown event to every helper. */
void	events_shutdown(const struct events *ev,
	    const struct cfg_process *procs, size_t nprocs);
/* Are the helpers of s drained enough (a quarter of the queue cap) to
 * hear more? */
bool	events_drained(const struct events *ev,
	    const struct api_subs *s);
/* The envelope's process facts, now: with ev->base, the time of the
 * loop's current turn (the same for every event of the turn). */
void	api_source_now(const struct events *ev, struct api_source *src);

#endif /* EVBGP_API_EVENTS_H */
