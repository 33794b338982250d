/*
 * Events for helpers: which helper hears what about which peer (the
 * neighbor's api blocks), encoding each event once per encoder, and
 * handing the lines to the supervisor's capped queues.
 */
#ifndef EVBGP_API_EVENTS_H
#define EVBGP_API_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/api_encode.h"

struct daemon;
struct peer;

/* One helper subscribed to a peer, with the merged api flags. */
struct api_sub {
	char		*process;
	bool		 neighbor_changes;
	uint32_t	 receive;	/* API_MSG_* */
	uint32_t	 send;
};

/* (Re)compute p's subscriptions from its configuration. */
void	api_events_peer_init(struct peer *p);
void	api_events_peer_free(struct peer *p);
/* Does any helper want messages of type in direction dir? (cheap) */
bool	api_events_wanted(const struct peer *p, enum api_dir dir, uint8_t type);
/* "connected", "up", "down" (reason) to neighbor-changes subscribers. */
void	api_event_state(struct peer *p, const char *state, const char *reason);
/*
 * A message received or sent. For a received UPDATE, decoded is the
 * struct update_msg the peer already holds (else NULL: the message is
 * decoded here when some subscriber wants it parsed).
 */
void	api_event_message(struct peer *p, enum api_dir dir, const uint8_t *msg,
	    size_t len, const void *decoded);
/* The daemon is going away: the final shutdown event to every helper. */
void	api_event_shutdown(struct daemon *d);
/* Queued bytes above which a helper slows its peers down. */
size_t	api_events_high_mark(const struct daemon *d);
/* Are the helpers hearing p drained enough to read from p again? */
bool	api_events_drained(const struct peer *p);
/* The envelope's process facts, now. */
void	api_source_now(struct daemon *d, struct api_source *src);

#endif /* EVBGP_API_EVENTS_H */
