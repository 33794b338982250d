/*
 * A BGP peer: its configuration, its FSM, the bufferevent that owns its
 * socket, its timers, its Adj-RIB-Out and Adj-RIB-In. Bufferevent
 * callbacks and timers only translate what happened into FSM events;
 * fsm_dispatch decides (fsm.c) and calls back into the actions
 * implemented here.
 *
 * The peer is a leaf: it knows nothing of the daemon, the helpers or the
 * events they hear. What it needs from its surroundings comes in a
 * struct peer_env, and what it has to tell goes out through the
 * struct peer_ops callbacks in it (the daemon implements them; check_peer
 * uses a recording fake).
 */
#ifndef EVBGP_PEER_H
#define EVBGP_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/fsm.h"
#include "evbgp/log.h"
#include "evbgp/msg.h"
#include "evbgp/prefix.h"
#include "evbgp/adj_rib.h"
#include "evbgp/update.h"
#include "evbgp/update_group.h"

struct bufferevent;
struct evbuffer;
struct event;
struct event_base;
struct peer;
struct rib_release;

/* A session change reported through peer_ops.state. */
enum peer_change {
	PEER_CONNECTED,		/* a connection is up; our OPEN goes out */
	PEER_UP,		/* Established */
	PEER_DOWN,		/* Established no more (reason given) */
	PEER_CLOSED,		/* its connection is gone (Idle, or Active
				   waiting for another; after PEER_DOWN if
				   it was up) */
};

/* The direction of a message reported through peer_ops.message. */
enum peer_dir {
	PEER_RECEIVED,
	PEER_SENT,
};

/* Bit of message type t in peer.want[] (t < 32). */
#define PEER_MSG_BIT(t)	(1u << (t))

/*
 * What a peer tells its owner. Every callback may run inside an FSM
 * transition of p: it must not free p (the daemon defers that to a later
 * loop turn) and may call back into p only through the peer_* functions
 * documented as safe from a callback (peer_throttle_rx).
 */
struct peer_ops {
	/* The session changed (reason: PEER_DOWN only, else NULL). */
	void	(*state)(void *arg, struct peer *p, enum peer_change what,
		    const char *reason);
	/* A whole message (header included) was received or queued for
	 * sending; only for types set in p->want[dir]. upd: a received
	 * UPDATE as already decoded, else NULL. */
	void	(*message)(void *arg, struct peer *p, enum peer_dir dir,
		    const uint8_t *msg, size_t len, const struct update_msg *upd);
	/* Reading is paused (peer_throttle_rx): may it resume now? */
	bool	(*rx_ready)(void *arg, struct peer *p);
	/* A closed connection is flushing its last bytes (done false), or
	 * has finished (done true); the owner may wait for these at exit.
	 * May come after the peer that owned the connection was freed. */
	void	(*closing)(void *arg, bool done);
};

/* Settings every peer shares (exabgp.* environment). */
struct peer_settings {
	unsigned	 openwait_s;	/* exabgp.bgp.openwait; 0: none */
	unsigned	 max_attempts;	/* exabgp.tcp.connections; 0: no limit */
	bool		 passive;	/* exabgp.bgp.passive: never connect */
	uint16_t	 port;		/* to connect to; 0: 179 (a neighbor's
					   connect statement wins) */
};

/*
 * A peer's surroundings, shared by every peer; owned by the caller and
 * outliving the peers and the connections they still flush.
 */
struct peer_env {
	struct event_base *base;
	struct attr_table *attrs;	/* interned attribute sets */
	uint8_t		*rxbuf;		/* PEER_RXBUF_LEN bytes, shared:
					   messages are handled one at a time */
	struct peer_settings set;
	const bool	*stopping;	/* the owner is shutting down */
	const struct peer_ops *ops;
	void		*arg;		/* given to every ops callback */
	/* update groups peers join (NULL: every peer packs for itself) */
	struct ug_registry *groups;
	/* where a peer's dropped tables go to be released a slice at a
	 * time (NULL: freed at once) */
	struct rib_release *release;
};

#define PEER_RXBUF_LEN	65535		/* the largest extended message */

/* Message counters, by type (index = BGP message type; 0 = other). */
struct peer_stats {
	uint64_t	 sent[BGP_MSG_TYPE_COUNT];
	uint64_t	 recv[BGP_MSG_TYPE_COUNT];
	uint64_t	 sent_bytes;	/* every message queued for sending */
};

/*
 * Where the routes sent to the peer are, for show neighbor and
 * evbgpctl's progress on a big injection.
 */
struct peer_out_progress {
	size_t		 queued;	/* waiting in the Adj-RIB-Out */
	uint64_t	 sent;		/* put in UPDATEs (announced and
					   withdrawn), since the peer began */
	uint64_t	 acked;		/* of those, the ones whose bytes the
					   peer's TCP acknowledged (to within
					   one packing batch) */
	size_t		 buffered;	/* bytes waiting in evbgpd */
	size_t		 unacked;	/* bytes in the socket, not yet
					   acknowledged */
};
void	peer_out_progress(const struct peer *p, struct peer_out_progress *pr);

/* Byte positions in the output stream where a packing batch ended, and
 * the routes sent by then: what the acknowledged bytes mean in routes. */
#define PEER_ACK_MARKS	64
struct peer_ack_mark {
	uint64_t	 bytes;
	uint64_t	 routes;
};

/*
 * A session's history, for "show neighbor" and the metrics: what an
 * operator asks first when a session is down.
 */
#define PEER_ERROR_LEN	384

struct peer_history {
	double		 state_since;	/* mono_now() the state was entered */
	double		 down_since;	/* mono_now(): created, or last left
					   Established */
	uint64_t	 flaps;		/* Established sessions that ended */
	uint64_t	 prefixes_recv;	/* routes announced to us */
	uint64_t	 withdrawn_recv;	/* routes withdrawn by the peer */
	/* the first error of the last connection that had one:
	 * "NOTIFICATION sent: 4/0 Hold Timer Expired", "TCP: Connection
	 * refused" ...; "" if none yet */
	char		 last_error[PEER_ERROR_LEN];
	double		 last_error_at;	/* mono_now() */
	bool		 error_noted;	/* this connection has its error */
};

struct peer {
	const struct peer_env *env;
	void		*user;		/* the owner's, never looked at here */
	const struct cfg_neighbor *cfg;	/* the owner's configuration */
	char		 name[ADDR_STRLEN];
	/* in log lines: the name, or, when another session goes to the same
	 * address, "ADDR local-address LOCAL connect PORT" (peer_name_long) */
	char		 logname[ADDR_STRLEN * 2 + 48];
	struct bgp_addr	 remote;	/* the peer's address */
	uint16_t	 remote_port;	/* where we connect */
	bool		 dynamic;	/* made from a passive range */

	struct fsm	 fsm;
	struct bufferevent *bev;	/* the session's connection */
	bool		 outgoing;	/* bev was initiated by us */
	struct bgp_addr	 local_now;	/* local address of bev */

	/* a second, incoming connection during OpenSent/OpenConfirm */
	struct bufferevent *coll_bev;
	struct bgp_open	 coll_open;
	bool		 coll_open_seen;

	struct event	*t_connect_retry, *t_hold, *t_keepalive;
	struct event	*t_idle_hold, *t_more, *t_kick;
	/* t_hold armed by hold_restart(): it runs to hold_rx_at + hold */
	bool		 hold_lazy;
	double		 hold_rx_at;	/* last KEEPALIVE or UPDATE (mono) */
	double		 rx_batch_at;	/* while reading: when it began */
	unsigned	 connect_retry_ms;
	unsigned	 idle_hold_ms;
	unsigned	 attempts;	/* outgoing connection attempts */
	double		 established_at;	/* mono_now(), 0 if not */
	double		 down_at;

	struct bgp_open	 open_local;
	struct bgp_open	 open_peer;
	struct bgp_negotiated neg;
	struct bgp_err	 err;		/* pending error for EV_MSG_ERROR */
	struct bgp_notification notif;	/* last one received (for logs) */
	char		 down_reason[256];

	/* Adj-RIB-Out: its update group's, shared with the other members
	 * (update_group.h); ugm is this peer's place in the group */
	struct adj_rib	*rib_out;
	struct ug_member ugm;
	struct adj_rib	*rib_in;	/* Adj-RIB-In (store only), or NULL */
	uint32_t	 peer_as;	/* configured, or learnt (peer-as auto) */
	/* message types the owner wants to hear of (PEER_MSG_BIT), by
	 * enum peer_dir; kept up to date by the owner */
	uint32_t	 want[2];
	double		 last_kick;	/* mono_now() of the last packing */
	bool		 out_blocked;	/* packing stopped on a full buffer */
	size_t		 pack_spent;	/* bytes this kick packed so far */
	bool		 pack_more;	/* it stopped on its budget */
	/*
	 * Update groups: the pending kick only copies the group's log (a
	 * wake-up after another member packed); and a kick left a few
	 * routes queued for a coalesced kick to pack with more.
	 */
	bool		 wake_only;
	bool		 pack_later;
	/*
	 * UPDATEs (and everything ordered with them) waiting behind the
	 * bufferevent's output, whole messages only: the output itself holds
	 * at most about PEER_OUT_CHUNK of them, so a KEEPALIVE or
	 * NOTIFICATION, written straight to the output, waits behind that
	 * much and not behind the whole backlog.
	 */
	struct evbuffer	*out_bulk;
	/*
	 * Before a KEEPALIVE is due (ka_due, the loop's cached wall time)
	 * the output and the kernel's unsent share shrink (out_chunk, and
	 * ka_quiet while the socket's share is lowered), so that it goes out
	 * behind tens of KiB, not ~200 (peer.c, out_chunk_update).
	 */
	double		 ka_due;
	size_t		 out_chunk;
	bool		 ka_quiet;
	/* the owner asked for a pause in reading (peer_throttle_rx) */
	bool		 rx_throttle;
	bool		 rx_paused;
	double		 rx_paused_at;
	double		 rx_no_throttle_until;
	struct event	*t_rx_resume;
	famset_t	 eor_pending;	/* End-of-RIB still to send */
	famset_t	 eorr_pending;	/* RFC 7313 EoRR still to send */
	struct update_msg upd;		/* decoder scratch, reused */
	struct peer_stats stats;
	struct peer_history hist;
	struct peer_ack_mark ack_marks[PEER_ACK_MARKS];
	size_t		 nack_marks;
	uint64_t	 acked_routes;	/* before the first mark */
	bool		 packing;	/* inside adj_rib_pack */
	bool		 admin_down;	/* stopped: no automatic restart */
	uint8_t		 stop_subcode;	/* Cease subcode for EV_STOP */
	char		*stop_text;	/* RFC 9003 shutdown communication */
	struct log_limit log_rr;	/* ROUTE-REFRESH ignored */
};

/* Create a peer for a configured neighbor (remote: NULL = cfg address);
 * env must outlive it. */
/* Log lines name p by its address, local address and port from now on
 * (another session goes to the same address). */
void	peer_name_long(struct peer *p);
struct peer *peer_new(const struct peer_env *env,
	    const struct cfg_neighbor *cfg, const struct bgp_addr *remote);
void	peer_free(struct peer *p);
/* Automatic start (active or passive per configuration). */
void	peer_start(struct peer *p);
/* Administrative stop: Cease subcode with a shutdown communication. */
void	peer_stop(struct peer *p, uint8_t subcode, const char *text);
/* An incoming connection (fd, already accepted) for this peer. */
void	peer_accept(struct peer *p, int fd, const struct bgp_addr *local);
/* Same with a bufferevent (the peer owns it from now on); tests use a
 * bufferevent pair here. */
void	peer_accept_bev(struct peer *p, struct bufferevent *bev,
	    const struct bgp_addr *local);
/* Queue the configured static routes into the Adj-RIB-Out. */
void	peer_load_routes(struct peer *p);
/* Pack queued routes later in this loop turn: every member of p's
 * update group (they share the table); _one: p alone. */
void	peer_schedule_kick(struct peer *p);
void	peer_schedule_kick_one(struct peer *p);
/* Is a kick of p's coming (established)? */
bool	peer_kick_pending(const struct peer *p);
/* Send what p's group has for it on the next loop turn. */
void	peer_kick_soon(struct peer *p);
/* Routes sent to p (announced, withdrawn), and waiting for it. */
void	peer_routes_sent(const struct peer *p, uint64_t *announced,
	    uint64_t *withdrawn);
size_t	peer_routes_queued(const struct peer *p);
/*
 * Could an UPDATE to this peer carry route r? *need gets the size of the
 * UPDATE carrying r alone (0: more than 65535, or not encodable), *limit
 * the largest message the session allows (before a session: the most it
 * may negotiate).
 */
enum route_fit {
	ROUTE_FITS,
	ROUTE_TOO_BIG,
	ROUTE_NEXTHOP_UNENCODABLE,	/* e.g. IPv4 route, IPv6 next hop */
};
enum route_fit peer_route_fit(struct peer *p, const struct cfg_route *r,
	    size_t *need, size_t *limit);
/* Announce / withdraw a route (src: RIB_SRC_*); sent when possible. */
void	peer_announce(struct peer *p, const struct cfg_route *r, unsigned src);
void	peer_withdraw(struct peer *p, const struct cfg_route *r);
/* Queue an End-of-RIB for fam (after the routes already queued). */
void	peer_send_eor(struct peer *p, enum family_id fam);
/* Send a ROUTE-REFRESH (subtype BGP_RR_*); -1 if not established. */
int	peer_send_route_refresh(struct peer *p, enum family_id fam,
	    uint8_t subtype);
/* flush adj-rib out: re-send everything (BoRR/EoRR framed when enhanced
 * route refresh was negotiated). */
void	peer_flush_out(struct peer *p);
/* clear adj-rib out: withdraw everything. */
void	peer_clear_out(struct peer *p);
/* Watchdog groups: remember a route under r->watchdog; announce or
 * withdraw every route of group name. */
void	peer_watchdog_add(struct peer *p, const struct cfg_route *r);
void	peer_watchdog(struct peer *p, const char *name, bool announce);
/* clear adj-rib in. */
void	peer_clear_in(struct peer *p);
/* Reset the session (Cease subcode); it comes back by itself. */
void	peer_teardown(struct peer *p, uint8_t subcode, const char *text);
/* Pause reading from the peer (TCP flow control slows it down) until
 * ops->rx_ready says so, for a bounded time (see peer.c). Safe from a
 * callback. */
void	peer_throttle_rx(struct peer *p);
/* Does this peer own an incoming connection from remote to local? */
bool	peer_matches(const struct peer *p, const struct bgp_addr *remote,
	    const struct bgp_addr *local);
enum fsm_state peer_state(const struct peer *p);
/* Seconds established, or (any other state) seconds since the session
 * was last established, or since the peer was created. */
double	peer_up_down_for(const struct peer *p);
/* Is the peer fully closed (no connection, nothing flushing)? */
bool	peer_is_closed(const struct peer *p);

/* Our BGP identifier on this session (configured, else the local
 * IPv4 address). */
uint32_t peer_router_id(const struct peer *p);

#endif /* EVBGP_PEER_H */
