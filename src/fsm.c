/*
 * The BGP FSM table (RFC 4271 §8.2.2) and its dispatcher.
 *
 * Only the cells written below are expected; every other (state, event)
 * pair takes the default: in OpenSent, OpenConfirm and Established an
 * unexpected event is an FSM Error (RFC 6608 subcode per state) that
 * sends a NOTIFICATION and returns to Idle; in Connect and Active it
 * drops the attempt and returns to Idle; in Idle it is ignored.
 *
 * Differences from the RFC's full FSM, on purpose: no DelayOpen, no
 * damping of peer oscillations beyond the idle-hold back-off, and the
 * collision procedure works on whole connections (see peer.c).
 */
#include "evbgp/fsm.h"
#include "evbgp/log.h"
#include "evbgp/bgp_proto.h"

#define CELL(a, n)	{ 1, (a), (n) }

static const struct fsm_cell fsm_table[ST_MAX][EV_MAX] = {
	[ST_IDLE] = {
		[EV_START] = CELL(ACT_CONNECT, ST_CONNECT),
		[EV_START_PASSIVE] = CELL(ACT_WAIT, ST_ACTIVE),
		[EV_STOP] = CELL(ACT_NONE, ST_IDLE),
		/* the peer connected while we wait out the idle hold time:
		 * take the connection rather than make it retry (peer_accept
		 * refuses it when we are stopping) */
		[EV_TCP_ACCEPTED] = CELL(ACT_SEND_OPEN, ST_OPENSENT),
	},
	[ST_CONNECT] = {
		[EV_STOP] = CELL(ACT_CLOSE, ST_IDLE),
		[EV_CONNECT_RETRY_EXPIRES] = CELL(ACT_CONNECT, ST_CONNECT),
		[EV_TCP_CONNECTED] = CELL(ACT_SEND_OPEN, ST_OPENSENT),
		[EV_TCP_ACCEPTED] = CELL(ACT_SEND_OPEN, ST_OPENSENT),
		[EV_TCP_FAILED] = CELL(ACT_CONNECT_FAILED, ST_ACTIVE),
	},
	[ST_ACTIVE] = {
		[EV_STOP] = CELL(ACT_CLOSE, ST_IDLE),
		[EV_CONNECT_RETRY_EXPIRES] = CELL(ACT_CONNECT, ST_CONNECT),
		[EV_TCP_ACCEPTED] = CELL(ACT_SEND_OPEN, ST_OPENSENT),
		[EV_TCP_FAILED] = CELL(ACT_NONE, ST_ACTIVE),
	},
	[ST_OPENSENT] = {
		[EV_STOP] = CELL(ACT_CEASE, ST_IDLE),
		[EV_HOLD_EXPIRES] = CELL(ACT_HOLD_EXPIRED, ST_IDLE),
		[EV_SEND_HOLD_EXPIRES] = CELL(ACT_SEND_HOLD_EXPIRED, ST_IDLE),
		/* §8.2.2: TCP failure in OpenSent goes back to Active */
		[EV_TCP_FAILED] = CELL(ACT_CONNECT_FAILED, ST_ACTIVE),
		[EV_OPEN_RECEIVED] = CELL(ACT_OPEN_RECEIVED, ST_OPENCONFIRM),
		[EV_NOTIFICATION_RECEIVED] =
		    CELL(ACT_NOTIFICATION_RECEIVED, ST_IDLE),
		[EV_MSG_ERROR] = CELL(ACT_SEND_ERROR, ST_IDLE),
		[EV_COLLISION_LOST] = CELL(ACT_COLLISION, ST_IDLE),
	},
	[ST_OPENCONFIRM] = {
		[EV_STOP] = CELL(ACT_CEASE, ST_IDLE),
		[EV_HOLD_EXPIRES] = CELL(ACT_HOLD_EXPIRED, ST_IDLE),
		[EV_SEND_HOLD_EXPIRES] = CELL(ACT_SEND_HOLD_EXPIRED, ST_IDLE),
		[EV_KEEPALIVE_EXPIRES] =
		    CELL(ACT_SEND_KEEPALIVE, ST_OPENCONFIRM),
		[EV_TCP_FAILED] = CELL(ACT_DROP, ST_IDLE),
		[EV_KEEPALIVE_RECEIVED] = CELL(ACT_ESTABLISH, ST_ESTABLISHED),
		[EV_NOTIFICATION_RECEIVED] =
		    CELL(ACT_NOTIFICATION_RECEIVED, ST_IDLE),
		[EV_MSG_ERROR] = CELL(ACT_SEND_ERROR, ST_IDLE),
		[EV_COLLISION_LOST] = CELL(ACT_COLLISION, ST_IDLE),
	},
	[ST_ESTABLISHED] = {
		[EV_STOP] = CELL(ACT_CEASE, ST_IDLE),
		[EV_HOLD_EXPIRES] = CELL(ACT_HOLD_EXPIRED, ST_IDLE),
		[EV_SEND_HOLD_EXPIRES] = CELL(ACT_SEND_HOLD_EXPIRED, ST_IDLE),
		[EV_KEEPALIVE_EXPIRES] =
		    CELL(ACT_SEND_KEEPALIVE, ST_ESTABLISHED),
		[EV_TCP_FAILED] = CELL(ACT_DROP, ST_IDLE),
		[EV_KEEPALIVE_RECEIVED] =
		    CELL(ACT_KEEPALIVE_RECEIVED, ST_ESTABLISHED),
		[EV_UPDATE_RECEIVED] = CELL(ACT_UPDATE, ST_ESTABLISHED),
		[EV_ROUTE_REFRESH_RECEIVED] =
		    CELL(ACT_ROUTE_REFRESH, ST_ESTABLISHED),
		[EV_NOTIFICATION_RECEIVED] =
		    CELL(ACT_NOTIFICATION_RECEIVED, ST_IDLE),
		[EV_MSG_ERROR] = CELL(ACT_SEND_ERROR, ST_IDLE),
	},
};

_Static_assert(sizeof(fsm_table) / sizeof(fsm_table[0]) == ST_MAX,
    "fsm table rows");
_Static_assert(sizeof(fsm_table[0]) / sizeof(fsm_table[0][0]) == EV_MAX,
    "fsm table columns");
_Static_assert(ST_MAX < 256 && EV_MAX < 256 && ACT_MAX < 256,
    "fsm cells are bytes");

static const char *const state_names[ST_MAX] = {
	[ST_IDLE] = "Idle", [ST_CONNECT] = "Connect", [ST_ACTIVE] = "Active",
	[ST_OPENSENT] = "OpenSent", [ST_OPENCONFIRM] = "OpenConfirm",
	[ST_ESTABLISHED] = "Established",
};

static const char *const event_names[EV_MAX] = {
	[EV_START] = "start",
	[EV_START_PASSIVE] = "start (passive)",
	[EV_STOP] = "stop",
	[EV_CONNECT_RETRY_EXPIRES] = "connect retry timer expired",
	[EV_HOLD_EXPIRES] = "hold timer expired",
	[EV_KEEPALIVE_EXPIRES] = "keepalive timer expired",
	[EV_SEND_HOLD_EXPIRES] = "send hold timer expired",
	[EV_TCP_CONNECTED] = "connection established",
	[EV_TCP_ACCEPTED] = "connection accepted",
	[EV_TCP_FAILED] = "connection failed or closed",
	[EV_OPEN_RECEIVED] = "OPEN received",
	[EV_KEEPALIVE_RECEIVED] = "KEEPALIVE received",
	[EV_UPDATE_RECEIVED] = "UPDATE received",
	[EV_NOTIFICATION_RECEIVED] = "NOTIFICATION received",
	[EV_ROUTE_REFRESH_RECEIVED] = "ROUTE-REFRESH received",
	[EV_MSG_ERROR] = "message error",
	[EV_COLLISION_LOST] = "connection collision",
};

static const char *const action_names[ACT_MAX] = {
	[ACT_NONE] = "none", [ACT_CONNECT] = "connect", [ACT_WAIT] = "wait",
	[ACT_CLOSE] = "close", [ACT_SEND_OPEN] = "send-open",
	[ACT_CONNECT_FAILED] = "connect-failed",
	[ACT_OPEN_RECEIVED] = "open-received",
	[ACT_SEND_KEEPALIVE] = "send-keepalive",
	[ACT_ESTABLISH] = "establish",
	[ACT_KEEPALIVE_RECEIVED] = "keepalive-received",
	[ACT_UPDATE] = "update", [ACT_ROUTE_REFRESH] = "route-refresh",
	[ACT_HOLD_EXPIRED] = "hold-expired",
	[ACT_SEND_HOLD_EXPIRED] = "send-hold-expired",
	[ACT_NOTIFICATION_RECEIVED] = "notification-received",
	[ACT_SEND_ERROR] = "send-error", [ACT_CEASE] = "cease",
	[ACT_COLLISION] = "collision", [ACT_FSM_ERROR] = "fsm-error",
	[ACT_DROP] = "drop",
};

const char *
fsm_state_name(enum fsm_state s)
{
	return s < ST_MAX ? state_names[s] : "?";
}

const char *
fsm_event_name(enum fsm_event e)
{
	return e < EV_MAX ? event_names[e] : "?";
}

const char *
fsm_action_name(enum fsm_action a)
{
	return a < ACT_MAX ? action_names[a] : "?";
}

uint8_t
fsm_error_subcode(enum fsm_state state)
{
	switch (state) {
	case ST_OPENSENT:
		return BGP_ERR_FSM_OPENSENT;
	case ST_OPENCONFIRM:
		return BGP_ERR_FSM_OPENCONFIRM;
	case ST_ESTABLISHED:
		return BGP_ERR_FSM_ESTABLISHED;
	default:
		return BGP_ERR_FSM_UNSPECIFIED;
	}
}

struct fsm_cell
fsm_lookup(enum fsm_state state, enum fsm_event ev)
{
	struct fsm_cell c = fsm_table[state][ev];

	if (c.valid)
		return c;
	switch (state) {
	case ST_IDLE:
		return (struct fsm_cell){ 0, ACT_NONE, ST_IDLE };
	case ST_CONNECT:
	case ST_ACTIVE:
		return (struct fsm_cell){ 0, ACT_CLOSE, ST_IDLE };
	default:
		return (struct fsm_cell){ 0, ACT_FSM_ERROR, ST_IDLE };
	}
}

void
fsm_init(struct fsm *f, const struct fsm_ops *ops, void *ctx)
{
	f->state = ST_IDLE;
	f->ops = ops;
	f->ctx = ctx;
	f->in_dispatch = false;
	f->nqueued = 0;
}

static void
fsm_run(struct fsm *f, enum fsm_event ev)
{
	enum fsm_state from = f->state;
	struct fsm_cell c = fsm_lookup(from, ev);

	/* Idle ignores stray events (late timers, duplicate stops) quietly */
	if (!c.valid && from == ST_IDLE)
		return;
	if (!c.valid)
		log_notice("peer %s: unexpected event in %s: %s",
		    f->ops->name(f->ctx), fsm_state_name(from),
		    fsm_event_name(ev));
	f->ops->act(f->ctx, (enum fsm_action)c.action, ev);
	f->state = (enum fsm_state)c.next;
	if (from != c.next)
		log_info("peer %s: state change %s -> %s, reason: %s",
		    f->ops->name(f->ctx), fsm_state_name(from),
		    fsm_state_name(f->state), fsm_event_name(ev));
	f->ops->enter(f->ctx, from, f->state, ev);
}

void
fsm_dispatch(struct fsm *f, enum fsm_event ev)
{
	if (f->in_dispatch) {
		/* re-entrancy would interleave two transitions; queue it.
		 * Dropping an event would leave the session in a state
		 * nobody chose: a full queue is a bug, stop here. */
		if (f->nqueued >= FSM_QUEUE_MAX)
			fatalx("peer %s: FSM event queue full (%d events raised "
			    "in one dispatch, the last %s in %s)",
			    f->ops->name(f->ctx), FSM_QUEUE_MAX,
			    fsm_event_name(ev), fsm_state_name(f->state));
		f->queue[f->nqueued++] = (uint8_t)ev;
		return;
	}
	f->in_dispatch = true;
	fsm_run(f, ev);
	for (uint8_t i = 0; i < f->nqueued; i++)
		fsm_run(f, (enum fsm_event)f->queue[i]);
	f->nqueued = 0;
	f->in_dispatch = false;
}
