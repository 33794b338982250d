/*
 * The BGP finite state machine of RFC 4271 §8 as data: a const table of
 * state x event -> (action, next state) and one dispatch function that
 * runs the action, changes the state, runs the state-entry effects and
 * logs the transition. The actions themselves live with the peer (they
 * touch sockets and timers); the FSM only names them, so it can be tested
 * with a recording fake.
 */
#ifndef EVBGP_FSM_H
#define EVBGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

enum fsm_state {
	ST_IDLE,
	ST_CONNECT,
	ST_ACTIVE,
	ST_OPENSENT,
	ST_OPENCONFIRM,
	ST_ESTABLISHED,
	ST_MAX
};

enum fsm_event {
	EV_START,		/* automatic start, active peer */
	EV_START_PASSIVE,	/* automatic start, passive peer */
	EV_STOP,		/* administrative stop */
	EV_CONNECT_RETRY_EXPIRES,
	EV_HOLD_EXPIRES,
	EV_KEEPALIVE_EXPIRES,
	EV_SEND_HOLD_EXPIRES,	/* RFC 9687 */
	EV_TCP_CONNECTED,	/* our connect() completed */
	EV_TCP_ACCEPTED,	/* an incoming connection was given to us */
	EV_TCP_FAILED,		/* connect failed, or the connection closed */
	EV_OPEN_RECEIVED,	/* a valid OPEN */
	EV_KEEPALIVE_RECEIVED,
	EV_UPDATE_RECEIVED,	/* a valid (or survivable) UPDATE */
	EV_NOTIFICATION_RECEIVED,
	EV_ROUTE_REFRESH_RECEIVED,
	EV_MSG_ERROR,		/* malformed input: send the pending error */
	EV_COLLISION_LOST,	/* RFC 4271 §6.8: this connection is dropped */
	EV_MAX
};

enum fsm_action {
	ACT_NONE,		/* change state only */
	ACT_CONNECT,		/* open the outgoing connection */
	ACT_WAIT,		/* passive: wait for the peer to connect */
	ACT_CLOSE,		/* drop the connection attempt */
	ACT_SEND_OPEN,		/* connection up: send our OPEN */
	ACT_CONNECT_FAILED,	/* schedule a retry */
	ACT_OPEN_RECEIVED,	/* negotiate, send KEEPALIVE */
	ACT_SEND_KEEPALIVE,
	ACT_ESTABLISH,		/* session up: routes, End-of-RIB */
	ACT_KEEPALIVE_RECEIVED,	/* restart the hold timer */
	ACT_UPDATE,		/* process an UPDATE */
	ACT_ROUTE_REFRESH,	/* re-send the Adj-RIB-Out */
	ACT_HOLD_EXPIRED,	/* NOTIFICATION 4/0 */
	ACT_SEND_HOLD_EXPIRED,	/* NOTIFICATION 8/0, best effort */
	ACT_NOTIFICATION_RECEIVED,
	ACT_SEND_ERROR,		/* NOTIFICATION from the pending error */
	ACT_CEASE,		/* NOTIFICATION Cease (administrative) */
	ACT_COLLISION,		/* NOTIFICATION 6/7 */
	ACT_FSM_ERROR,		/* NOTIFICATION 5/<state subcode> (RFC 6608) */
	ACT_DROP,		/* close without a NOTIFICATION */
	ACT_MAX
};

struct fsm_cell {
	uint8_t		 valid;	/* 0: the event is unexpected here */
	uint8_t		 action;
	uint8_t		 next;
};

/* What an owner of an FSM provides. */
struct fsm_ops {
	/* Perform action for event ev (state is still the old one). */
	void	(*act)(void *ctx, enum fsm_action action, enum fsm_event ev);
	/* Entry effects of state to (timers, cleanup); from may equal to. */
	void	(*enter)(void *ctx, enum fsm_state from, enum fsm_state to,
		    enum fsm_event ev);
	/* Name for log lines. */
	const char *(*name)(void *ctx);
};

/*
 * Events raised from inside a dispatch (by an action or a state entry)
 * over one outer fsm_dispatch call. The peer raises at most one per
 * transition (a connect that fails at once), so a chain this long is a
 * broken invariant (an action raising events forever), not input.
 */
#define FSM_QUEUE_MAX	8

struct fsm {
	enum fsm_state	 state;
	const struct fsm_ops *ops;
	void		*ctx;
	bool		 in_dispatch;
	/* events raised during a dispatch run after it, in order */
	uint8_t		 queue[FSM_QUEUE_MAX];
	uint8_t		 nqueued;
};

void	fsm_init(struct fsm *f, const struct fsm_ops *ops, void *ctx);
/* Feed one event. Events raised from inside an action are queued and
 * run, in order, after the current transition completes; more than
 * FSM_QUEUE_MAX of them in one dispatch is fatal (never dropped). */
void	fsm_dispatch(struct fsm *f, enum fsm_event ev);
/* The table cell for (state, ev), after the unexpected-event default. */
struct fsm_cell fsm_lookup(enum fsm_state state, enum fsm_event ev);
/* RFC 6608 subcode for an unexpected message in state. */
uint8_t	fsm_error_subcode(enum fsm_state state);
const char *fsm_state_name(enum fsm_state s);
const char *fsm_event_name(enum fsm_event e);
const char *fsm_action_name(enum fsm_action a);

#endif /* EVBGP_FSM_H */
