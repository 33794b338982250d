/*
 * Peers: the glue between a session's bufferevent, its timers and the
 * FSM (see peer.h).
 *
 * Input is framed in one place, peer_read_messages(): the 19-byte header
 * is validated before the body is waited for (the read low-watermark is
 * raised to the message length), at most PEER_MSGS_PER_WAKEUP messages
 * are handled per callback so timers and other peers keep their turn,
 * and each message becomes one FSM event. Output goes to the
 * bufferevent; the Adj-RIB-Out is packed only while less than
 * PEER_OUT_HIGH bytes are queued and resumes from the write callback.
 * UPDATEs beyond PEER_OUT_CHUNK wait in out_bulk, and the kernel holds at
 * most PEER_KERNEL_UNSENT unsent bytes, so that a KEEPALIVE or
 * NOTIFICATION (written straight to the output) overtakes the backlog.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/peer.h"
#include "evbgp/rib_in.h"
#include "evbgp/rib_release.h"
#include "evbgp/route_text.h"
#include "evbgp/sockopt.h"
#include "evbgp/util.h"

#define PEER_MSGS_PER_WAKEUP	64
#define PEER_OUT_HIGH		(1u << 20)	/* stop packing above this */
/* a walk (a member of an update group caught up from the table) holds
 * less: fifty of them at once are fifty of these */
#define PEER_WALK_HIGH		(256u * 1024)
#define PEER_OUT_LOW		(PEER_OUT_HIGH / 4)
/* ordered messages in the bufferevent's output at most (then out_bulk):
 * what a KEEPALIVE or NOTIFICATION may wait behind, besides the kernel */
#define PEER_OUT_CHUNK		(64u * 1024)
#define PEER_OUT_REFILL		(PEER_OUT_CHUNK / 4)	/* write low mark */
/*
 * UPDATE bytes one kick packs before it yields (the rest on the next loop
 * turn): fifty peers each packing up to PEER_OUT_HIGH in one turn held the
 * loop for most of a second and every KEEPALIVE with it.
 */
#define PEER_PACK_BUDGET	(32u * 1024)
/* unsent bytes the kernel may hold for us (the same reason) */
#define PEER_KERNEL_UNSENT	(128u * 1024)
/*
 * For the last PEER_KA_QUIET_MS before a KEEPALIVE is due the output and
 * the kernel's unsent share are refilled to PEER_OUT_QUIET only: what was
 * ahead drains meanwhile, and the KEEPALIVE goes out behind ~32 KiB
 * instead of ~200 (at a reader's few MB/s, 10 ms instead of 40-50; the
 * throughput is the receiver's window's, which stays full).
 */
#define PEER_KA_QUIET_MS	200
#define PEER_OUT_QUIET		(16u * 1024)

static void	out_chunk_update(struct peer *);
#define CONNECT_TIMEOUT_S	10
#define CONNECT_RETRY_MIN_MS	1000
#define CONNECT_RETRY_MAX_MS	30000
#define IDLE_HOLD_MIN_MS	1000
#define IDLE_HOLD_MAX_MS	60000
#define STABLE_SESSION_S	60	/* back-off resets after this long up */
#define SEND_HOLD_MIN_S		480	/* RFC 9687 suggested minimum */
#define CLOSE_GRACE_S		2
#define INITIAL_SETTLE_MS	20	/* before the initial table */
#define KICK_BUSY_MS		100	/* commands this close form a burst */
#define KICK_COALESCE_MS	50	/* a burst is packed this often */
/* fewer routes queued than this wait for a coalesced kick, unless the
 * kick was meant to pack (update groups: fifty members draining must not
 * pack fifty small UPDATEs where one peer packed one) */
#define PACK_MIN_ROUTES		1024

static void	peer_read_cb(struct bufferevent *, void *);
static void	peer_write_cb(struct bufferevent *, void *);
static void	peer_event_cb(struct bufferevent *, short, void *);
static void	peer_act(void *, enum fsm_action, enum fsm_event);
static void	peer_enter(void *, enum fsm_state, enum fsm_state,
		    enum fsm_event);
static const char *peer_fsm_name(void *);
static void	peer_read_messages(struct peer *);
static void	peer_read_batch(struct peer *);
static void	peer_kick(struct peer *);
static const struct attr_set *peer_route_attrs(struct peer *,
		    const struct cfg_route *);

static const struct fsm_ops peer_fsm_ops = {
	.act = peer_act,
	.enter = peer_enter,
	.name = peer_fsm_name,
};

static const char *
peer_fsm_name(void *ctx)
{
	return ((struct peer *)ctx)->logname;
}

enum fsm_state
peer_state(const struct peer *p)
{
	return p->fsm.state;
}

bool
peer_is_closed(const struct peer *p)
{
	return p->bev == NULL && p->coll_bev == NULL;
}

double
peer_up_down_for(const struct peer *p)
{
	return mono_now() - (p->fsm.state == ST_ESTABLISHED ?
	    p->hist.state_since : p->hist.down_since);
}

/* The first error of this connection, for show neighbor (the EOF after
 * a NOTIFICATION is not what went wrong). */
static void
peer_note_error(struct peer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
peer_note_error(struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->hist.error_noted)
		return;
	va_start(ap, fmt);
	vsnprintf(p->hist.last_error, sizeof(p->hist.last_error), fmt, ap);
	va_end(ap);
	p->hist.last_error_at = mono_now();
	p->hist.error_noted = true;
}

/* ---- how far the routes sent have gone ---- */

void
peer_routes_sent(const struct peer *p, uint64_t *announced,
    uint64_t *withdrawn)
{
	ug_routes_sent(p, announced, withdrawn);
}

size_t
peer_routes_queued(const struct peer *p)
{
	return ug_routes_queued(p);
}

static uint64_t
routes_sent(const struct peer *p)
{
	uint64_t a, w;

	peer_routes_sent(p, &a, &w);
	return a + w;
}

/* Bytes queued in evbgpd and in the kernel, not acknowledged yet. */
static void
out_pending(const struct peer *p, size_t *buffered, size_t *unacked)
{
	int n = 0, fd;

	*buffered = *unacked = 0;
	if (p->bev == NULL)
		return;
	*buffered = evbuffer_get_length(bufferevent_get_output(p->bev));
	fd = bufferevent_getfd(p->bev);
	/* the send queue: bytes the peer's TCP has not acknowledged */
	if (fd != -1 && ioctl(fd, SIOCOUTQ, &n) == 0 && n > 0)
		*unacked = (size_t)n;
}

/* Routes whose bytes are acknowledged: marks passed are forgotten. */
static uint64_t
acked_routes(const struct peer *p, uint64_t acked_bytes, size_t *passed)
{
	uint64_t routes = p->acked_routes;
	size_t i;

	for (i = 0; i < p->nack_marks && p->ack_marks[i].bytes <= acked_bytes;
	    i++)
		routes = p->ack_marks[i].routes;
	if (passed != NULL)
		*passed = i;
	return routes;
}

/* A packing batch ended: remember where, in bytes and routes. */
static void
ack_mark(struct peer *p)
{
	size_t buffered, unacked, passed;
	uint64_t acked = p->stats.sent_bytes;
	struct peer_ack_mark m = { p->stats.sent_bytes, routes_sent(p) };

	out_pending(p, &buffered, &unacked);
	acked -= buffered + unacked < acked ? buffered + unacked : acked;
	p->acked_routes = acked_routes(p, acked, &passed);
	memmove(p->ack_marks, p->ack_marks + passed,
	    (p->nack_marks - passed) * sizeof(*p->ack_marks));
	p->nack_marks -= passed;
	if (p->nack_marks > 0 && p->ack_marks[p->nack_marks - 1].bytes ==
	    m.bytes) {
		p->ack_marks[p->nack_marks - 1] = m;
		return;
	}
	if (p->nack_marks == PEER_ACK_MARKS) {
		/* half the resolution, the memory bounded */
		for (size_t i = 0; i < PEER_ACK_MARKS / 2; i++)
			p->ack_marks[i] = p->ack_marks[2 * i + 1];
		p->nack_marks = PEER_ACK_MARKS / 2;
	}
	p->ack_marks[p->nack_marks++] = m;
}

/* The connection is gone: what was sent is settled (or lost, and
 * queued again for the next session). */
static void
ack_marks_clear(struct peer *p)
{
	p->nack_marks = 0;
	p->acked_routes = routes_sent(p);
}

void
peer_out_progress(const struct peer *p, struct peer_out_progress *pr)
{
	uint64_t acked = p->stats.sent_bytes;

	memset(pr, 0, sizeof(*pr));
	pr->queued = peer_routes_queued(p);
	pr->sent = routes_sent(p);
	out_pending(p, &pr->buffered, &pr->unacked);
	if (p->bev == NULL) {
		pr->acked = p->nack_marks > 0 ?
		    p->ack_marks[p->nack_marks - 1].routes : p->acked_routes;
		return;
	}
	acked -= pr->buffered + pr->unacked < acked ?
	    pr->buffered + pr->unacked : acked;
	pr->acked = acked_routes(p, acked, NULL);
}

/* ---- timers ---- */

static void
timer_arm_ms(struct event *ev, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

/* ms +/- 25% so that peers restarting together do not stay in step */
static unsigned
jitter_ms(unsigned ms)
{
	unsigned span = ms / 2;

	return span ? ms - span / 2 + (unsigned)(random() % span) : ms;
}

static void
hold_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_TIMER, ((struct peer *)arg)->name);
	struct peer *p = arg;

	/* hold_restart() only noted the messages since it armed us: the
	 * hold time runs from the last of them */
	if (p->hold_lazy && p->neg.hold_time > 0) {
		double left = p->hold_rx_at + p->neg.hold_time - mono_now();

		if (left > 0.0005) {
			struct timeval tv = { (time_t)left,
			    (suseconds_t)((left - (double)(time_t)left) * 1e6) };

			evtimer_add(p->t_hold, &tv);
			return;
		}
	}
	p->hold_lazy = false;
	fsm_dispatch(&p->fsm, EV_HOLD_EXPIRES);
}

static void
keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_TIMER, ((struct peer *)arg)->name);
	fsm_dispatch(&((struct peer *)arg)->fsm, EV_KEEPALIVE_EXPIRES);
}

/* The KEEPALIVE timer was armed or fired: the next is due in an interval
 * (the quiet window before it, out_chunk_update, starts from this). */
static void
ka_schedule(struct peer *p)
{
	struct timeval tv;

	p->ka_due = p->neg.keepalive > 0 &&
	    event_base_gettimeofday_cached(p->env->base, &tv) == 0 ?
	    (double)tv.tv_sec + tv.tv_usec / 1e6 + p->neg.keepalive : 0;
	out_chunk_update(p);
}

static void
connect_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_TIMER, ((struct peer *)arg)->name);
	fsm_dispatch(&((struct peer *)arg)->fsm, EV_CONNECT_RETRY_EXPIRES);
}

static void
idle_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_TIMER, ((struct peer *)arg)->name);
	peer_start(arg);
}

static void
more_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_READ, ((struct peer *)arg)->name);
	struct peer *p = arg;

	if (p->bev != NULL)
		peer_read_messages(p);
}

/*
 * Receive back-pressure: while a helper hearing this peer has a long
 * queue, stop reading from the peer (TCP flow control slows it down)
 * instead of dropping the helper's events. Never longer than a third of
 * the hold time (the peer's KEEPALIVEs must still be read in time), and
 * never more than RX_PAUSE_MAX_S: after that reading resumes and the
 * overflow policy applies.
 */
#define RX_PAUSE_POLL_MS	20
#define RX_PAUSE_MAX_S		10.0

static double
rx_pause_limit(const struct peer *p)
{
	double hold = p->neg.hold_time ? p->neg.hold_time / 3.0 : RX_PAUSE_MAX_S;

	return hold < RX_PAUSE_MAX_S ? hold : RX_PAUSE_MAX_S;
}

static void
rx_resume(struct peer *p)
{
	p->rx_paused = false;
	p->rx_throttle = false;
	evtimer_del(p->t_rx_resume);
	if (p->bev == NULL)
		return;
	bufferevent_enable(p->bev, EV_READ);
	peer_read_messages(p);
}

static void
rx_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_READ, ((struct peer *)arg)->name);
	struct peer *p = arg;
	struct timeval tv = { 0, RX_PAUSE_POLL_MS * 1000 };

	if (!p->rx_paused)
		return;
	if (p->env->ops->rx_ready(p->env->arg, p)) {
		rx_resume(p);
		return;
	}
	if (mono_now() - p->rx_paused_at >= rx_pause_limit(p)) {
		log_peer(LOG_WARNING, p->logname, "still asked to pause after "
		    "%.1f s; reading again (events may be dropped)",
		    mono_now() - p->rx_paused_at);
		/* as long again at full speed before the next pause */
		p->rx_no_throttle_until = mono_now() + rx_pause_limit(p);
		rx_resume(p);
		return;
	}
	evtimer_add(p->t_rx_resume, &tv);
}

void
peer_throttle_rx(struct peer *p)
{
	if (p->rx_no_throttle_until == 0 ||
	    mono_now() >= p->rx_no_throttle_until)
		p->rx_throttle = true;
}

/* Called between messages: pause now if a helper asked for it. */
static bool
rx_maybe_pause(struct peer *p)
{
	struct timeval tv = { 0, RX_PAUSE_POLL_MS * 1000 };

	if (!p->rx_throttle || p->rx_paused || p->bev == NULL)
		return p->rx_paused;
	p->rx_paused = true;
	p->rx_paused_at = mono_now();
	bufferevent_disable(p->bev, EV_READ);
	evtimer_add(p->t_rx_resume, &tv);
	log_peer(LOG_DEBUG, p->logname, "reading paused (asked by the owner)");
	return true;
}

static void	peer_kick_as(struct peer *, bool);

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_PACK, ((struct peer *)arg)->name);
	struct peer *p = arg;

	peer_kick_as(p, !p->wake_only);
}

/*
 * RFC 4271 §4.4, §8.2.2: the hold timer restarts on every KEEPALIVE and
 * UPDATE. Re-adding the libevent timer for each of a peer's million
 * UPDATEs was ~3% of receiving them: the time is noted and the timer,
 * armed once, runs on from the last message when it fires (hold_cb).
 */
static void
hold_restart(struct peer *p)
{
	if (p->neg.hold_time == 0)
		return;
	/* the time the batch being read was taken up (peer_read_messages):
	 * one clock read per batch, not per message */
	p->hold_rx_at = p->rx_batch_at > 0 ? p->rx_batch_at : mono_now();
	if (!p->hold_lazy || !evtimer_pending(p->t_hold, NULL)) {
		timer_arm_ms(p->t_hold, p->neg.hold_time * 1000u);
		p->hold_lazy = true;
	}
}

static void
timers_stop(struct peer *p)
{
	evtimer_del(p->t_hold);
	p->hold_lazy = false;
	evtimer_del(p->t_keepalive);
	evtimer_del(p->t_connect_retry);
	evtimer_del(p->t_more);
	evtimer_del(p->t_rx_resume);
	p->rx_paused = p->rx_throttle = false;
	event_del(p->t_kick);
}

/* ---- the local OPEN ---- */

uint32_t
peer_router_id(const struct peer *p)
{
	if (p->cfg->router_id != 0)
		return p->cfg->router_id;
	if (p->cfg->local_addr.afi == BGP_AFI_IPV4)
		return addr_to_u32(&p->cfg->local_addr);
	return addr_to_u32(&p->local_now);
}

static void
peer_build_open(struct peer *p)
{
	const struct cfg_neighbor *c = p->cfg;
	struct bgp_open *o = &p->open_local;
	struct bgp_caps *caps = &o->caps;

	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = c->local_as > 0xffff ? BGP_AS_TRANS : (uint16_t)c->local_as;
	o->hold_time = c->hold_time;
	o->bgp_id = peer_router_id(p);
	caps->mp = c->families;
	caps->asn4 = c->cap_asn4;
	caps->as4 = c->local_as;
	caps->route_refresh = c->cap_route_refresh;
	caps->enhanced_rr = c->cap_route_refresh;
	caps->ext_message = c->cap_ext_message;
	if (c->cap_graceful_restart) {
		caps->gr = true;
		caps->gr_time = c->gr_time ? c->gr_time : c->hold_time;
		caps->gr_families = c->families;
	}
	if (c->cap_addpath) {
		for (int f = 0; f < FAM_MAX; f++)
			if (FAMSET_HAS(c->families & c->addpath_families, f))
				caps->addpath[f] = c->cap_addpath;
	}
	for (size_t i = 0; i < c->nnexthops; i++)
		caps->ext_nexthop[c->nexthops[i].fam] |=
		    (uint8_t)(1u << c->nexthops[i].nh_afi);
	if (c->host_name != NULL || c->domain_name != NULL) {
		caps->fqdn = true;
		snprintf(caps->hostname, sizeof(caps->hostname), "%s",
		    c->host_name ? c->host_name : "");
		snprintf(caps->domainname, sizeof(caps->domainname), "%s",
		    c->domain_name ? c->domain_name : "");
	}
	if (c->cap_software_version)
		snprintf(caps->software, sizeof(caps->software), "evbgpd/%s",
		    EVBGP_VERSION);
	caps->link_local_nh = c->cap_link_local_nh;
	caps->multi_session = c->cap_multi_session;
	caps->operational = c->cap_operational;
	caps->aigp = c->cap_aigp;
}

/* ---- writing ---- */

/* Bytes queued for the session: the output and the backlog behind it. */
static size_t
peer_out_len(const struct peer *p)
{
	if (p->bev == NULL)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(p->bev)) +
	    evbuffer_get_length(p->out_bulk);
}

/*
 * The output's size for now (p->out_chunk): PEER_OUT_QUIET in the last
 * PEER_KA_QUIET_MS before a KEEPALIVE is due, the kernel's unsent share
 * as small then; else PEER_OUT_CHUNK. The loop's cached time: no clock
 * read.
 */
static void
out_chunk_update(struct peer *p)
{
	struct timeval tv;
	bool quiet;
	int fd;

	if (p->ka_due <= 0 ||
	    event_base_gettimeofday_cached(p->env->base, &tv) != 0)
		quiet = false;
	else
		quiet = p->ka_due - ((double)tv.tv_sec + tv.tv_usec / 1e6) <
		    PEER_KA_QUIET_MS / 1000.0;
	p->out_chunk = quiet ? PEER_OUT_QUIET : PEER_OUT_CHUNK;
	if (quiet == p->ka_quiet || p->bev == NULL)
		return;
	p->ka_quiet = quiet;
	if ((fd = bufferevent_getfd(p->bev)) != -1)
		(void)sockopt_notsent_lowat(fd, quiet ? PEER_OUT_QUIET :
		    PEER_KERNEL_UNSENT);
}

/*
 * Move whole messages from the backlog to the output until it holds
 * p->out_chunk (PEER_OUT_CHUNK, less before a KEEPALIVE). The backlog starts at a message boundary and only whole
 * messages move, so the output always ends at one: a KEEPALIVE or
 * NOTIFICATION appended there is never inside an UPDATE.
 */
static void
out_refill(struct peer *p)
{
	struct evbuffer *out;
	size_t have, bulk, take = 0;

	if (p->bev == NULL)
		return;
	out_chunk_update(p);
	out = bufferevent_get_output(p->bev);
	have = evbuffer_get_length(out);
	bulk = evbuffer_get_length(p->out_bulk);
	while (have + take < p->out_chunk && take < bulk) {
		struct evbuffer_ptr pos;
		uint8_t lenb[2];

		/* only our own encoder's messages are here: lengths are sound */
		if (evbuffer_ptr_set(p->out_bulk, &pos,
		    take + BGP_HEADER_LENGTH_OFF, EVBUFFER_PTR_SET) == -1 ||
		    evbuffer_copyout_from(p->out_bulk, &pos, lenb, 2) != 2)
			fatalx("peer output backlog out of step");
		take += (size_t)lenb[0] << 8 | lenb[1];
	}
	if (take > 0 && evbuffer_remove_buffer(p->out_bulk, out, take) !=
	    (int)take)
		fatalx("peer output backlog out of step");
}

/* Tell the owner about a message, if it wants to hear of its type. */
static void
peer_report(struct peer *p, enum peer_dir dir, const uint8_t *msg,
    size_t len, const struct update_msg *upd)
{
	if (len >= BGP_HEADER_LEN && msg[BGP_HEADER_TYPE_OFF] < 32 &&
	    (p->want[dir] & PEER_MSG_BIT(msg[BGP_HEADER_TYPE_OFF])) != 0)
		p->env->ops->message(p->env->arg, p, dir, msg, len, upd);
}

/*
 * Queue one whole message. KEEPALIVE and NOTIFICATION go straight to the
 * output, ahead of the UPDATE backlog (a KEEPALIVE behind 1 MiB of
 * UPDATEs to a slow reader lets the peer's hold timer expire; after a
 * NOTIFICATION nothing else is sent). Everything else keeps its order:
 * End-of-RIB and EoRR must follow the routes they end.
 */
static int
peer_send(struct peer *p, const uint8_t *msg, size_t len)
{
	uint8_t type = len >= BGP_HEADER_LEN ? msg[BGP_HEADER_TYPE_OFF] : 0;
	bool urgent = type == BGP_MSG_KEEPALIVE || type == BGP_MSG_NOTIFICATION;
	int rc;

	if (p->bev == NULL)
		return -1;
	if (!urgent && (evbuffer_get_length(p->out_bulk) > 0 ||
	    evbuffer_get_length(bufferevent_get_output(p->bev)) >=
	    p->out_chunk))
		rc = evbuffer_add(p->out_bulk, msg, len);
	else
		rc = bufferevent_write(p->bev, msg, len);
	if (type == BGP_MSG_NOTIFICATION)
		evbuffer_drain(p->out_bulk, evbuffer_get_length(p->out_bulk));
	if (rc == -1) {
		log_peer(LOG_ERR, p->logname, "cannot queue %zu bytes for sending",
		    len);
		return -1;
	}
	if (type < BGP_MSG_TYPE_COUNT)
		p->stats.sent[type]++;
	p->stats.sent_bytes += len;
	peer_report(p, PEER_SENT, msg, len, NULL);
	return 0;
}

static void
peer_send_keepalive(struct peer *p)
{
	uint8_t buf[BGP_HEADER_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	keepalive_encode(&w);
	peer_send(p, w.buf, w.len);
	/* out: the quiet window ends, the output fills up again behind it */
	if (p->fsm.state == ST_ESTABLISHED)
		ka_schedule(p);
}

static size_t	peer_max_msg(const struct peer *);

static void
peer_send_notification(struct peer *p, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t datalen)
{
	uint8_t buf[BGP_MAX_EXT_MSG];
	size_t max = peer_max_msg(p);
	struct wbuf w;

	/* the data goes whole (RFC 4271 §6.3) as far as a message can hold */
	if (datalen > max - BGP_NOTIFICATION_MIN)
		datalen = max - BGP_NOTIFICATION_MIN;
	wbuf_init(&w, buf, max);
	if (notification_encode(&w, code, subcode, data, datalen) == -1)
		return;
	log_peer(LOG_WARNING, p->logname, "sending NOTIFICATION %u/%u (%s, %s)",
	    code, subcode, notification_code_name(code),
	    notification_subcode_name(code, subcode));
	snprintf(p->down_reason, sizeof(p->down_reason),
	    "notification sent (%u,%u) %s", code, subcode,
	    notification_subcode_name(code, subcode));
	peer_note_error(p, "NOTIFICATION sent: %u/%u %s, %s", code, subcode,
	    notification_code_name(code),
	    notification_subcode_name(code, subcode));
	peer_send(p, w.buf, w.len);
}

static void
peer_send_cease(struct peer *p, uint8_t subcode, const char *text)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	if (text != NULL && (subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	    subcode == BGP_CEASE_ADMIN_RESET))
		notification_encode_shutdown(&w, subcode, text);
	else
		notification_encode(&w, BGP_ERR_CEASE, subcode, NULL, 0);
	if (w.err)
		return;
	log_peer(LOG_NOTICE, p->logname, "sending Cease (%s)%s%s",
	    notification_subcode_name(BGP_ERR_CEASE, subcode),
	    text ? ": " : "", text ? text : "");
	snprintf(p->down_reason, sizeof(p->down_reason),
	    "notification sent (6,%u) %s", subcode,
	    notification_subcode_name(BGP_ERR_CEASE, subcode));
	peer_note_error(p, "NOTIFICATION sent: 6/%u Cease, %s%s%s%s", subcode,
	    notification_subcode_name(BGP_ERR_CEASE, subcode),
	    text ? ": \"" : "", text ? text : "", text ? "\"" : "");
	peer_send(p, w.buf, w.len);
}

/* ---- connections ---- */

/* A closed connection flushing its last bytes outlives its peer: only
 * the shared environment is used from here on. */
static void
closing_done(struct bufferevent *bev, const struct peer_env *env)
{
	bufferevent_free(bev);
	env->ops->closing(env->arg, true);
}

static void
closing_write_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_SESSION, NULL);
	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	closing_done(bev, arg);
}

static void
closing_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_SESSION, NULL);
	/* error or timeout while flushing: give up on the last bytes */
	closing_done(bev, arg);
}

/*
 * Close a connection. With flush, queued output (typically a
 * NOTIFICATION) is written first, for at most CLOSE_GRACE_S seconds.
 */
static void
conn_close(const struct peer_env *env, struct bufferevent *bev, bool flush)
{
	struct timeval grace = { CLOSE_GRACE_S, 0 };

	if (bev == NULL)
		return;
	if (!flush || evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		bufferevent_free(bev);
		return;
	}
	bufferevent_disable(bev, EV_READ);
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	/* the callbacks' argument is const only to us */
	bufferevent_setcb(bev, NULL, closing_write_cb, closing_event_cb,
	    (void *)(uintptr_t)env);
	bufferevent_set_timeouts(bev, NULL, &grace);
	bufferevent_enable(bev, EV_WRITE);
	env->ops->closing(env->arg, false);
}

static void
peer_conn_close(struct peer *p, bool flush)
{
	conn_close(p->env, p->bev, flush);
	p->bev = NULL;
	/* the backlog belonged to that connection */
	evbuffer_drain(p->out_bulk, evbuffer_get_length(p->out_bulk));
	conn_close(p->env, p->coll_bev, flush);
	p->coll_bev = NULL;
	p->coll_open_seen = false;
}

static unsigned
send_hold_seconds(const struct peer *p)
{
	unsigned hold = p->neg.hold_time ? p->neg.hold_time : p->cfg->hold_time;

	/* RFC 9687: more than the hold time; max(8 min, 2 x hold) */
	return 2u * hold > SEND_HOLD_MIN_S ? 2u * hold : SEND_HOLD_MIN_S;
}

/* The connection is usable: callbacks, send-hold timeout, reading on. */
static void
peer_conn_ready(struct peer *p)
{
	struct timeval sh = { send_hold_seconds(p), 0 };
	int fd = bufferevent_getfd(p->bev);

	/* without it a slow reader's autotuned send buffer (4 MiB here) sits
	 * between a KEEPALIVE and the wire */
	if (fd != -1 && sockopt_notsent_lowat(fd, PEER_KERNEL_UNSENT) == -1)
		log_peer(LOG_DEBUG, p->logname, "TCP_NOTSENT_LOWAT: %s",
		    strerror(errno));
	/*
	 * Without it Nagle holds a KEEPALIVE (19 bytes, less than a segment)
	 * until the peer acknowledges what is in flight, and a receiver
	 * delays its ACK up to 40 ms: KEEPALIVEs 40 ms late to every busy
	 * reader (bench/README.md). Our writes are whole messages in
	 * batches, so small segments are rare anyway.
	 */
	if (fd != -1 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int)) == -1)
		log_peer(LOG_DEBUG, p->logname, "TCP_NODELAY: %s",
		    strerror(errno));
	p->ka_due = 0;
	p->ka_quiet = false;
	p->out_chunk = PEER_OUT_CHUNK;
	bufferevent_setcb(p->bev, peer_read_cb, peer_write_cb, peer_event_cb, p);
	bufferevent_setwatermark(p->bev, EV_READ, BGP_HEADER_LEN, 0);
	bufferevent_setwatermark(p->bev, EV_WRITE, PEER_OUT_REFILL, 0);
	bufferevent_set_timeouts(p->bev, NULL, &sh);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
}

static void
peer_record_local(struct peer *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_from_sockaddr((struct sockaddr *)&ss, &p->local_now, NULL);
}

static int
peer_apply_sockopts(struct peer *p, int fd)
{
	const struct cfg_neighbor *c = p->cfg;

	if (c->md5_password != NULL &&
	    sockopt_md5(fd, &p->remote, (unsigned)addr_len(&p->remote) * 8,
	    c->md5_password, strlen(c->md5_password)) == -1) {
		log_peer(LOG_ERR, p->logname, "cannot set TCP-MD5 key: %s",
		    strerror(errno));
		return -1;
	}
	if (c->outgoing_ttl > 0 &&
	    sockopt_ttl(fd, p->remote.afi, c->outgoing_ttl) == -1) {
		log_peer(LOG_ERR, p->logname, "cannot set outgoing TTL %d: %s",
		    c->outgoing_ttl, strerror(errno));
		return -1;
	}
	if (c->incoming_ttl > 0 &&
	    sockopt_minttl(fd, p->remote.afi, c->incoming_ttl) == -1) {
		log_peer(LOG_ERR, p->logname, "cannot set minimum TTL %d: %s",
		    c->incoming_ttl, strerror(errno));
		return -1;
	}
	return 0;
}

/* Start an outgoing connection; 0, or -1 (logged) when it cannot start. */
static int
peer_connect(struct peer *p)
{
	struct sockaddr_storage ss;
	struct timeval ct = { CONNECT_TIMEOUT_S, 0 };
	size_t sl;
	int fd;
	char buf[ADDR_STRLEN];

	fd = sockopt_tcp_socket(p->remote.afi);
	if (fd == -1) {
		log_peer(LOG_ERR, p->logname, "socket: %s", strerror(errno));
		return -1;
	}
	if (peer_apply_sockopts(p, fd) == -1)
		goto fail;
	if (p->cfg->local_addr.afi != 0) {
		sl = addr_to_sockaddr(&p->cfg->local_addr, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, (socklen_t)sl) == -1) {
			log_peer(LOG_ERR, p->logname,
			    "cannot bind local address %s: %s",
			    addr_fmt(&p->cfg->local_addr, buf), strerror(errno));
			goto fail;
		}
	}
	p->bev = bufferevent_socket_new(p->env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL)
		goto fail;
	p->outgoing = true;
	bufferevent_setcb(p->bev, NULL, NULL, peer_event_cb, p);
	bufferevent_set_timeouts(p->bev, NULL, &ct);
	sl = addr_to_sockaddr(&p->remote, p->remote_port, &ss);
	log_peer(LOG_DEBUG, p->logname, "connecting to port %u (attempt %u)",
	    p->remote_port, p->attempts);
	if (bufferevent_socket_connect(p->bev, (struct sockaddr *)&ss,
	    (int)sl) == -1) {
		log_peer(LOG_WARNING, p->logname, "connect: %s", strerror(errno));
		peer_note_error(p, "TCP: %s", strerror(errno));
		bufferevent_free(p->bev);
		p->bev = NULL;
		return -1;
	}
	return 0;
fail:
	close(fd);
	return -1;
}

/* ---- the Adj-RIB-Out ---- */

/* A message of the group's (packed for every member): into its log. */
static int
log_emit(void *arg, const uint8_t *msg, size_t len, size_t announced,
    size_t withdrawn)
{
	struct peer *p = arg;

	p->pack_spent += len;
	return ug_log_append(p->ugm.g, msg, len, announced, withdrawn);
}

/* This kick packed its share of the loop turn: it continues on the next. */
static bool
pack_budget_spent(struct peer *p)
{
	if (p->pack_spent < PEER_PACK_BUDGET)
		return false;
	p->pack_more = true;
	return true;
}

/* The group packs while the member packing for it has read the log to
 * its end, for a budget per loop turn. */
static bool
log_full(void *arg)
{
	struct peer *p = arg;

	return pack_budget_spent(p) || ug_log_behind(p) >= PEER_OUT_HIGH;
}

/* A message of p's own walk: straight to its output. */
static int
walk_emit(void *arg, const uint8_t *msg, size_t len, size_t announced,
    size_t withdrawn)
{
	struct peer *p = arg;

	p->pack_spent += len;
	p->ugm.announced += announced;
	p->ugm.withdrawn += withdrawn;
	return peer_send(p, msg, len);
}

static bool
walk_full(void *arg)
{
	struct peer *p = arg;

	if (pack_budget_spent(p))
		return true;
	if (peer_out_len(p) < PEER_WALK_HIGH)
		return false;
	p->out_blocked = true;	/* the write callback resumes us */
	return true;
}

/* Routes no UPDATE of this session can hold: left out, said once per
 * attribute set and packing pass (adj_rib_toobig counts them). */
static void
pack_toobig(void *arg, const struct nlri *n, size_t routes, size_t need)
{
	struct peer *p = arg;
	const char *afi = family_afi_name(n->fam);
	const char *safi = family_safi_name(n->fam);
	char more[160] = "";
	struct sbuf r;

	sbuf_init(&r);
	nlri_text(&r, n, false, NULL);
	if (routes > 1)
		snprintf(more, sizeof(more), " and %zu more route%s with the "
		    "same attributes", routes - 1, routes > 2 ? "s" : "");
	/* packed once for its update group: said once, for all of them */
	if (p->ugm.mode == UG_LOG && ug_members(p) > 1)
		snprintf(more + strlen(more), sizeof(more) - strlen(more),
		    " (nor to the %zu other neighbors of its update group)",
		    ug_members(p) - 1);
	if (need == ADJ_RIB_UNENCODABLE)
		log_peer(LOG_WARNING, p->logname, "not sending %s %s %s%s "
		    "(path id %u): its next hop cannot be encoded for this "
		    "family (an IPv6 next hop for IPv4 routes needs the "
		    "extended next hop capability, RFC 8950, which this "
		    "session did not negotiate)", afi, safi, r.p, more,
		    n->path_id);
	else if (need == 0)
		log_peer(LOG_WARNING, p->logname, "not sending %s %s %s%s "
		    "(path id %u): its UPDATE would exceed %u bytes, the "
		    "largest BGP message", afi, safi, r.p, more, n->path_id,
		    BGP_MAX_EXT_MSG);
	else
		log_peer(LOG_WARNING, p->logname, "not sending %s %s %s%s "
		    "(path id %u): its UPDATE needs %zu bytes, this session "
		    "allows %zu%s", afi, safi, r.p, more, n->path_id, need,
		    p->neg.max_msg ? (size_t)p->neg.max_msg :
		    (size_t)BGP_MAX_MSG, need <= BGP_MAX_EXT_MSG &&
		    !p->neg.ext_message ? " (without the extended message "
		    "capability, RFC 8654)" : "");
	sbuf_free(&r);
}

static void
peer_pack_ctx(struct peer *p, struct adj_rib_pack_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->enc.ibgp = p->cfg->local_as == p->peer_as;
	ctx->enc.asn4 = p->neg.asn4;
	ctx->enc.local_as = p->cfg->local_as;
	if (p->local_now.afi == BGP_AFI_IPV4) {
		ctx->enc.local_v4 = p->local_now;
		/* an IPv6 next hop over an IPv4 session: the mapped address */
		ctx->enc.local_v6.afi = BGP_AFI_IPV6;
		ctx->enc.local_v6.b[10] = ctx->enc.local_v6.b[11] = 0xff;
		memcpy(ctx->enc.local_v6.b + 12, p->local_now.b, 4);
	} else {
		ctx->enc.local_v6 = p->local_now;
		if (p->cfg->router_id != 0)
			addr_from_u32(&ctx->enc.local_v4, p->cfg->router_id);
	}
	/* before a session: the most this neighbor may negotiate */
	ctx->enc.ext_nexthop = p->fsm.state == ST_ESTABLISHED ?
	    p->neg.ext_nexthop : cfg_ext_nexthop(p->cfg);
	if (p->fsm.state == ST_ESTABLISHED && p->neg.link_local_nh)
		ctx->enc.local_ll = p->cfg->local_link_local;
	ctx->families = p->neg.families;
	ctx->addpath_tx = p->neg.addpath_tx;
	ctx->max_msg = p->neg.max_msg ? p->neg.max_msg : BGP_MAX_MSG;
	ctx->group_updates = p->cfg->group_updates;
	ctx->emit_counted = walk_emit;
	ctx->full = walk_full;
	ctx->toobig = pack_toobig;
	ctx->arg = p;
}

static void
peer_send_eors(struct peer *p)
{
	uint8_t buf[64];
	struct wbuf w;

	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(p->eor_pending, f))
			continue;
		wbuf_init(&w, buf, sizeof(buf));
		if (update_encode_eor(&w, (enum family_id)f) == 0)
			peer_send(p, w.buf, w.len);
		log_peer(LOG_DEBUG, p->logname, "sent End-of-RIB for %s %s",
		    family_afi_name((enum family_id)f),
		    family_safi_name((enum family_id)f));
	}
	p->eor_pending = 0;
}

/*
 * Copy p's next messages from its group's log into its output while the
 * output holds less than PEER_OUT_CHUNK: true at the end of the log.
 */
static bool
peer_copy_log(struct peer *p)
{
	const uint8_t *msg;
	size_t len, announced, withdrawn;

	out_chunk_update(p);
	while (p->bev != NULL) {
		if (peer_out_len(p) >= p->out_chunk) {
			p->out_blocked = true;	/* the write callback */
			return false;
		}
		if (!ug_log_peek(p, &msg, &len, &announced, &withdrawn))
			return true;
		p->ugm.announced += announced;
		p->ugm.withdrawn += withdrawn;
		ug_log_advance(p);
		if (peer_send(p, msg, len) == -1)
			return false;
	}
	return false;
}

/*
 * Send p what its update group has for it, as far as its socket takes
 * it: its walk (a new session's table, a route refresh, catching up),
 * then the group's log; at the log's end, the group's queue is packed
 * into the log (for every member) on this member's budget.
 */
static void
peer_send_group(struct peer *p, bool may_pack)
{
	struct adj_rib_pack_ctx ctx;
	struct update_group *g = p->ugm.g;
	bool at_end;

	while (p->bev != NULL && !p->pack_more) {
		if (p->ugm.mode == UG_WALK) {
			int rc;

			peer_pack_ctx(p, &ctx);
			rc = adj_rib_walk_step(p->rib_out, p->ugm.walk, &ctx);
			if (rc == 1) {
				ug_walk_done(p);
				continue;
			}
			if (rc == 0 && !p->out_blocked)
				p->pack_more = true;	/* scanned its share */
			return;
		}
		if (p->ugm.mode != UG_LOG)
			return;
		at_end = peer_copy_log(p);
		/* the group's queue goes into the log while the fastest
		 * member has less than PEER_OUT_LOW of it ahead (up to
		 * PEER_OUT_HIGH, log_full), as one peer's own packer did */
		if (!adj_rib_pending(p->rib_out) ||
		    ug_log_behind(p) >= PEER_OUT_LOW)
			return;
		if (!may_pack && adj_rib_queued(p->rib_out) < PACK_MIN_ROUTES) {
			p->pack_later = true;
			return;
		}
		peer_pack_ctx(p, &ctx);
		ctx.emit_counted = log_emit;
		ctx.full = log_full;
		if (adj_rib_pack(p->rib_out, &ctx) > 0)
			ug_wake(g, p);	/* more in the log: for the others */
		else if (!p->pack_more)
			return;
		if (!at_end)
			return;		/* its output is full */
	}
}

/*
 * Send what p's group has for it, as far as the socket takes it;
 * may_pack: pack the group's queue however little is in it (a kick
 * scheduled for the queue, a continuation, a route refresh), else only
 * when much is queued (a wake-up, the socket draining).
 */
static void
peer_kick_as(struct peer *p, bool may_pack)
{
	p->wake_only = false;
	if (p->fsm.state != ST_ESTABLISHED || p->packing || p->bev == NULL)
		return;
	p->last_kick = mono_now();
	evtimer_del(p->t_kick);
	p->packing = true;
	p->pack_spent = 0;
	p->pack_more = false;
	p->pack_later = false;
	peer_send_group(p, may_pack);
	if (p->ugm.g != NULL)
		ug_trim(p->ugm.g);
	if (p->bev != NULL)
		ack_mark(p);
	p->packing = false;
	if (p->pack_more && p->bev != NULL) {
		struct timeval now = { 0, 0 };

		/* a timer, not event_active: timers get their turn first */
		evtimer_add(p->t_kick, &now);
		return;
	}
	if (p->pack_later) {
		/* a few routes: packed by a coalesced kick, with more */
		peer_schedule_kick_one(p);
		return;
	}
	if (p->bev == NULL || !ug_log_at_end(p) || adj_rib_pending(p->rib_out))
		return;
	/* End-of-RIB once the initial routes are all out (RFC 4724 §4) */
	if (p->eor_pending)
		peer_send_eors(p);
	/* the end of a re-advertisement (RFC 7313 EoRR) */
	for (int f = 0; f < FAM_MAX && p->eorr_pending; f++) {
		if (!FAMSET_HAS(p->eorr_pending, f))
			continue;
		peer_send_route_refresh(p, (enum family_id)f, BGP_RR_EORR);
		p->eorr_pending &= ~FAMSET(f);
	}
}

bool
peer_kick_pending(const struct peer *p)
{
	/* a kick that will pack */
	return p->fsm.state == ST_ESTABLISHED && !p->wake_only &&
	    evtimer_pending(p->t_kick, NULL);
}

void
peer_kick_soon(struct peer *p)
{
	struct timeval now = { 0, 0 };

	if (p->fsm.state != ST_ESTABLISHED || p->bev == NULL ||
	    evtimer_pending(p->t_kick, NULL))
		return;		/* a kick is coming anyway */
	p->wake_only = true;
	evtimer_add(p->t_kick, &now);
}

static void
peer_kick(struct peer *p)
{
	peer_kick_as(p, true);
}

void
peer_load_routes(struct peer *p)
{
	const struct cfg_neighbor *c = p->cfg;

	if (!ug_load_begin(p))
		return;		/* its update group has them */
	for (size_t i = 0; i < c->nroutes; i++) {
		const struct cfg_route *r = &c->routes[i];
		const struct attr_set *a;
		struct nlri n;

		if (r->watchdog != NULL)
			peer_watchdog_add(p, r);
		if (r->withdrawn)
			continue;
		a = peer_route_attrs(p, r);
		n = cfg_route_nlri(r);
		adj_rib_announce_nlri(p->rib_out, &n, a, RIB_SRC_CONFIG);
		attrs_unref(a);
	}
}

/*
 * Pack on a later loop turn: many commands make one packing pass, and
 * input already waiting on the sockets is read first (a timer, not
 * event_active, which would run in this same pass). A lone command goes
 * out on the next turn; a burst (a kick less than KICK_BUSY_MS ago) is
 * packed KICK_COALESCE_MS later, so that routes of many attribute sets
 * arriving interleaved still fill whole UPDATEs.
 */
void
peer_schedule_kick(struct peer *p)
{
	ug_kick_all(p);
}

void
peer_schedule_kick_one(struct peer *p)
{
	struct timeval tv = { 0, 0 };

	if (p->fsm.state != ST_ESTABLISHED)
		return;
	if (evtimer_pending(p->t_kick, NULL)) {
		p->wake_only = false;	/* the kick coming packs too */
		return;
	}
	if (mono_now() - p->last_kick < KICK_BUSY_MS / 1000.0)
		tv.tv_usec = KICK_COALESCE_MS * 1000;
	evtimer_add(p->t_kick, &tv);
}

/*
 * The interned attributes to send for r: "next-hop self" is resolved
 * now when the local address is known, so that a route announced with
 * the literal address and then with "self" is the same route.
 */
static const struct attr_set *
peer_route_attrs(struct peer *p, const struct cfg_route *r)
{
	struct bgp_addr self = p->local_now;
	struct attrs a;
	const struct attr_set *ia;

	if (!r->attrs.nexthop_self || self.afi == 0)
		return attrs_intern(p->env->attrs, &r->attrs);
	if (family_afi(r->fam) == BGP_AFI_IPV6 && self.afi == BGP_AFI_IPV4) {
		/* IPv6 route over an IPv4 session: the mapped address */
		memset(self.b, 0, sizeof(self.b));
		self.b[10] = self.b[11] = 0xff;
		memcpy(self.b + 12, p->local_now.b, 4);
		self.afi = BGP_AFI_IPV6;
	} else if (family_afi(r->fam) == BGP_AFI_IPV4 &&
	    self.afi == BGP_AFI_IPV6) {
		return attrs_intern(p->env->attrs, &r->attrs);
	}
	attrs_init(&a);
	attrs_copy(&a, &r->attrs);
	a.nexthop_self = false;
	a.nexthop = self;
	a.has |= ATTR_HAS_NEXT_HOP;
	ia = attrs_intern(p->env->attrs, &a);
	attrs_free(&a);
	return ia;
}

enum route_fit
peer_route_fit(struct peer *p, const struct cfg_route *r, size_t *need,
    size_t *limit)
{
	const struct attr_set *set = peer_route_attrs(p, r);
	struct attrs view;
	const struct attrs *a = attrs_view(set, &view);
	struct adj_rib_pack_ctx ctx;
	enum route_fit fit = ROUTE_FITS;

	peer_pack_ctx(p, &ctx);
	if (p->fsm.state != ST_ESTABLISHED)
		ctx.enc.asn4 = p->cfg->cap_asn4;	/* what we will offer */
	/* before a session, the most this neighbor may ever negotiate */
	if (p->fsm.state == ST_ESTABLISHED)
		*limit = ctx.max_msg;
	else
		*limit = p->cfg->cap_ext_message ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	*need = 0;
	if (!attrs_nexthop_encodable(a, &ctx.enc, r->fam))
		fit = ROUTE_NEXTHOP_UNENCODABLE;
	else {
		struct nlri n = cfg_route_nlri(r);

		*need = update_route_size(a, &ctx.enc, r->fam, nlri_size(&n,
		    FAMSET_HAS(p->neg.addpath_tx, r->fam) ||
		    (p->fsm.state != ST_ESTABLISHED && r->has_path_id)));
		if (*need == 0 || *need > *limit)
			fit = ROUTE_TOO_BIG;
	}
	attrs_unref(set);
	return fit;
}

void
peer_announce(struct peer *p, const struct cfg_route *r, unsigned src)
{
	const struct attr_set *a = peer_route_attrs(p, r);

	struct nlri n = cfg_route_nlri(r);

	if (r->attrs.nexthop_self)
		ug_note_self(p);
	adj_rib_announce_nlri(p->rib_out, &n, a, src);
	attrs_unref(a);
	peer_schedule_kick(p);
}

void
peer_withdraw(struct peer *p, const struct cfg_route *r)
{
	struct nlri n = cfg_route_nlri(r);
	const struct attr_set *a = NULL;

	/* the families whose withdrawals carry attributes carry the
	 * withdrawal's own (ExaBGP main: the command's, not the route's) */
	if (nlri_family(r->fam)->flags & NLRI_F_WITHDRAW_ATTRS)
		a = peer_route_attrs(p, r);
	adj_rib_withdraw_nlri(p->rib_out, &n, a);
	attrs_unref(a);
	peer_schedule_kick(p);
}

void
peer_send_eor(struct peer *p, enum family_id fam)
{
	p->eor_pending |= FAMSET(fam);
	peer_schedule_kick_one(p);
}

int
peer_send_route_refresh(struct peer *p, enum family_id fam, uint8_t subtype)
{
	uint8_t buf[32];
	struct wbuf w;

	if (p->fsm.state != ST_ESTABLISHED)
		return -1;
	wbuf_init(&w, buf, sizeof(buf));
	if (route_refresh_encode(&w, family_afi(fam), family_safi(fam),
	    subtype) == -1)
		return -1;
	return peer_send(p, w.buf, w.len);
}

void
peer_flush_out(struct peer *p)
{
	/* what was commanded before the flush goes out before BoRR */
	peer_kick(p);
	ug_replay(p);
	/* RFC 7313: frame the re-advertisement with BoRR ... EoRR */
	if (p->neg.enhanced_rr) {
		for (int f = 0; f < FAM_MAX; f++) {
			if (!FAMSET_HAS(p->neg.families, f))
				continue;
			peer_send_route_refresh(p, (enum family_id)f,
			    BGP_RR_BORR);
			p->eorr_pending |= FAMSET(f);
		}
	}
	peer_schedule_kick_one(p);
}

void
peer_clear_out(struct peer *p)
{
	adj_rib_withdraw_all(p->rib_out);
	peer_schedule_kick(p);
}

void
peer_teardown(struct peer *p, uint8_t subcode, const char *text)
{
	if (p->fsm.state == ST_IDLE)
		return;
	p->stop_subcode = subcode;
	free(p->stop_text);
	p->stop_text = NULL;
	/* RFC 9003: Administrative Shutdown and Reset carry a shutdown
	 * communication; without the operator's text, the subcode's name,
	 * as ExaBGP 4.2 sends (Notify(6, code)) */
	if (subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	    subcode == BGP_CEASE_ADMIN_RESET)
		p->stop_text = xstrdup(text != NULL ? text :
		    notification_subcode_name(BGP_ERR_CEASE, subcode));
	/* RFC 4724 peers keep our routes over a restart: close quietly */
	if (p->neg.gr && p->fsm.state == ST_ESTABLISHED) {
		snprintf(p->down_reason, sizeof(p->down_reason),
		    "teardown (graceful restart: no NOTIFICATION)");
		fsm_dispatch(&p->fsm, EV_TCP_FAILED);
		return;
	}
	fsm_dispatch(&p->fsm, EV_STOP);
}

/* ---- watchdogs: named groups of routes flipped by helpers ---- */

void
peer_watchdog_add(struct peer *p, const struct cfg_route *r)
{
	struct cfg_route *slot = NULL;
	size_t *nwd;
	struct cfg_route **wd = ug_watchdogs(p, &nwd);

	/* the group's: its members share the routes */
	for (size_t i = 0; i < *nwd; i++)
		if (cfg_route_same_key(&(*wd)[i], r))
			slot = &(*wd)[i];
	if (slot == NULL) {
		*wd = xreallocarray(*wd, *nwd + 1, sizeof(**wd));
		slot = &(*wd)[(*nwd)++];
	} else
		cfg_route_clear(slot);
	cfg_route_copy(slot, r);
}

void
peer_watchdog(struct peer *p, const char *name, bool announce)
{
	size_t n = 0, *nwd;
	struct cfg_route **wd = ug_watchdogs(p, &nwd);
	char esc[LOG_ESCAPE_SIZE];

	for (size_t i = 0; i < *nwd; i++) {
		struct cfg_route *r = &(*wd)[i];

		if (r->watchdog == NULL || strcmp(r->watchdog, name) != 0)
			continue;
		r->withdrawn = !announce;
		if (announce)
			peer_announce(p, r, RIB_SRC_API);
		else
			peer_withdraw(p, r);
		n++;
	}
	log_peer(LOG_DEBUG, p->logname, "watchdog %s: %s %zu route%s",
	    log_escape(name, strlen(name), esc, sizeof(esc)),
	    announce ? "announce" : "withdraw", n, n == 1 ? "" : "s");
}

/* ---- Adj-RIB-In ---- */

void
peer_clear_in(struct peer *p)
{
	if (p->rib_in == NULL)
		return;
	/* 10^6 routes take ~100 ms to free: not between two events */
	rib_release_add(p->env->release, p->rib_in);
	p->rib_in = adj_rib_new_store();
}

/* Count what an UPDATE announces and withdraws, and record it
 * (adj-rib-in on; rib_in.h). */
static void
rib_in_update(struct peer *p, const struct update_msg *m)
{
	struct rib_in_counts c = { 0, 0 };

	rib_in_record(p->rib_in, p->env->attrs, m, p->neg.addpath_rx, &c);
	p->hist.prefixes_recv += c.announced;
	p->hist.withdrawn_recv += c.withdrawn;
}

/* ---- received messages ---- */

static void
log_route(const struct update_route *rt, void *arg)
{
	struct peer *p = arg;
	char nh[ADDR_STRLEN];
	struct sbuf o;

	sbuf_init(&o);
	nlri_text(&o, &rt->nlri, rt->has_path_id, rt->announce ?
	    addr_fmt(rt->nexthop, nh) : NULL);
	if (rt->announce)
		log_peer(LOG_DEBUG, p->logname, "received update: announce %s %s "
		    "%s", family_afi_name(rt->nlri.fam),
		    family_safi_name(rt->nlri.fam), o.p);
	else
		log_peer(LOG_DEBUG, p->logname, "received update: withdraw %s %s "
		    "%s", family_afi_name(rt->nlri.fam),
		    family_safi_name(rt->nlri.fam), o.p);
	sbuf_free(&o);
}

static void
log_update(struct peer *p, const struct update_msg *m)
{
	if (log_would(LOG_DEBUG))
		update_foreach_route(m, p->neg.addpath_rx, log_route, p);
}

static void
peer_handle_open(struct peer *p, const uint8_t *body, size_t len)
{
	struct bgp_open *o = &p->open_peer;
	uint32_t as;

	if (open_decode(body, len, o, &p->err) == -1) {
		fsm_dispatch(&p->fsm, EV_MSG_ERROR);
		return;
	}
	as = open_peer_as(o);
	/* peer-as auto (0) accepts any AS */
	if (p->cfg->peer_as == 0)
		p->peer_as = as;
	if (p->cfg->peer_as != 0 && as != p->cfg->peer_as) {
		uint8_t data[2];

		be16_put(data, o->my_as);
		bgp_err_set(&p->err, BGP_ERR_OPEN, BGP_ERR_OPEN_BAD_PEER_AS,
		    data, sizeof(data));
		log_peer(LOG_WARNING, p->logname, "OPEN from AS %u, expected AS %u",
		    as, p->cfg->peer_as);
		fsm_dispatch(&p->fsm, EV_MSG_ERROR);
		return;
	}
	/* RFC 6286 §2.2: a BGP identifier equal to ours is an error on iBGP */
	if (p->cfg->local_as == as && o->bgp_id == p->open_local.bgp_id) {
		bgp_err_set(&p->err, BGP_ERR_OPEN, BGP_ERR_OPEN_BAD_BGP_ID,
		    NULL, 0);
		log_peer(LOG_WARNING, p->logname, "OPEN carries our own BGP "
		    "identifier");
		fsm_dispatch(&p->fsm, EV_MSG_ERROR);
		return;
	}
	fsm_dispatch(&p->fsm, EV_OPEN_RECEIVED);
}

static void
peer_handle_update(struct peer *p, const uint8_t *body, size_t len)
{
	struct update_ctx ctx = {
		.asn4 = p->neg.asn4,
		.ebgp = p->cfg->local_as != p->peer_as,
		.families = p->neg.families,
		.addpath_rx = p->neg.addpath_rx,
	};

	if (p->fsm.state != ST_ESTABLISHED) {
		fsm_dispatch(&p->fsm, EV_UPDATE_RECEIVED);	/* FSM error */
		return;
	}
	update_decode(body, len, &ctx, &p->upd);
	/* the Adj-RIB-In's cache misses overlap the event to the helpers */
	rib_in_prefetch(p->rib_in, p->env->attrs, &p->upd, ctx.addpath_rx);
	if (p->upd.verdict != UPD_SESSION_RESET)
		peer_report(p, PEER_RECEIVED, body - BGP_HEADER_LEN,
		    len + BGP_HEADER_LEN, &p->upd);
	if (p->upd.verdict == UPD_SESSION_RESET) {
		p->err = p->upd.err;
		log_peer(LOG_WARNING, p->logname, "malformed UPDATE: %s",
		    p->upd.reason ? p->upd.reason : "invalid");
		fsm_dispatch(&p->fsm, EV_MSG_ERROR);
		return;
	}
	fsm_dispatch(&p->fsm, EV_UPDATE_RECEIVED);
}

static void
peer_handle_notification(struct peer *p, const uint8_t *body, size_t len)
{
	struct bgp_notification *n = &p->notif;
	char text[BGP_SHUTDOWN_COMM_MAX * 4 + 4];

	if (notification_decode(body, len, n) == -1) {
		memset(n, 0, sizeof(*n));
		n->code = 0;
	}
	text[0] = '\0';
	/* peer-supplied text headed for our log */
	if (n->has_shutdown_comm)
		log_escape((const char *)n->shutdown_comm, n->shutdown_comm_len,
		    text, sizeof(text));
	log_peer(LOG_WARNING, p->logname, "received NOTIFICATION %u/%u (%s, %s)%s%s%s",
	    n->code, n->subcode, notification_code_name(n->code),
	    notification_subcode_name(n->code, n->subcode),
	    text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
	snprintf(p->down_reason, sizeof(p->down_reason),
	    "notification received (%u,%u) %s", n->code, n->subcode,
	    notification_subcode_name(n->code, n->subcode));
	peer_note_error(p, "NOTIFICATION received: %u/%u %s, %s%s%s%s",
	    n->code, n->subcode, notification_code_name(n->code),
	    notification_subcode_name(n->code, n->subcode),
	    text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
	fsm_dispatch(&p->fsm, EV_NOTIFICATION_RECEIVED);
}

/*
 * RFC 2918 §4 (and RFC 7313 §4): a ROUTE-REFRESH is for a family both
 * sides advertised, from a peer that advertised the capability; anything
 * else is ignored, not answered with the whole table. Logged, within a
 * limit: the peer chooses how many it sends.
 */
static bool
peer_route_refresh_ok(struct peer *p, const struct bgp_route_refresh *rr)
{
	int fam = family_lookup(rr->afi, rr->safi);
	const char *why;
	unsigned long held;
	char a[16], s[16];

	if (!p->neg.route_refresh)
		why = "the route refresh capability was not negotiated";
	else if (fam < 0 || !FAMSET_HAS(p->neg.families, fam))
		why = "the family was not negotiated";
	else
		return true;
	if (log_limit_pass(&p->log_rr, 60, &held)) {
		char more[48] = "";

		if (held > 0)
			snprintf(more, sizeof(more), "; %lu more since the "
			    "last line", held);
		log_peer(LOG_WARNING, p->logname, "ROUTE-REFRESH for %s %s "
		    "ignored: %s (RFC 2918 §4%s)", afi_name(rr->afi, a,
		    sizeof(a)), safi_name(rr->safi, s, sizeof(s)), why, more);
	}
	return false;
}

static void
peer_handle_route_refresh(struct peer *p, const uint8_t *body, size_t len)
{
	struct bgp_route_refresh rr;

	/* RFC 4271 §8.2.2, RFC 6608: before Established any ROUTE-REFRESH
	 * is an FSM error, whatever it says (as an UPDATE is) */
	if (p->fsm.state != ST_ESTABLISHED) {
		fsm_dispatch(&p->fsm, EV_ROUTE_REFRESH_RECEIVED);
		return;
	}
	if (route_refresh_decode(body, len, &rr, &p->err) == -1) {
		/* RFC 7313 §5: the data is the complete message */
		bgp_err_ref(&p->err, p->err.code, p->err.subcode,
		    body - BGP_HEADER_LEN, len + BGP_HEADER_LEN);
		fsm_dispatch(&p->fsm, EV_MSG_ERROR);
		return;
	}
	if (rr.subtype == BGP_RR_NORMAL && !peer_route_refresh_ok(p, &rr))
		return;
	if (rr.subtype != BGP_RR_NORMAL) {
		/* BoRR/EoRR frame the peer's own re-advertisement */
		log_peer(LOG_DEBUG, p->logname, "received %s for afi %u safi %u",
		    rr.subtype == BGP_RR_BORR ? "BoRR" : "EoRR", rr.afi,
		    rr.safi);
		return;
	}
	fsm_dispatch(&p->fsm, EV_ROUTE_REFRESH_RECEIVED);
}

static void
peer_handle_message(struct peer *p, uint8_t type, const uint8_t *msg,
    size_t len)
{
	const uint8_t *body = msg + BGP_HEADER_LEN;
	size_t blen = len - BGP_HEADER_LEN;

	if (type < BGP_MSG_TYPE_COUNT)
		p->stats.recv[type]++;
	/* UPDATEs are reported once decoded (peer_handle_update) */
	if (type != BGP_MSG_UPDATE)
		peer_report(p, PEER_RECEIVED, msg, len, NULL);
	switch (type) {
	case BGP_MSG_OPEN:
		peer_handle_open(p, body, blen);
		break;
	case BGP_MSG_UPDATE:
		peer_handle_update(p, body, blen);
		break;
	case BGP_MSG_NOTIFICATION:
		peer_handle_notification(p, body, blen);
		break;
	case BGP_MSG_KEEPALIVE:
		fsm_dispatch(&p->fsm, EV_KEEPALIVE_RECEIVED);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		peer_handle_route_refresh(p, body, blen);
		break;
	}
}

static size_t
peer_max_msg(const struct peer *p)
{
	return p->fsm.state == ST_ESTABLISHED && p->neg.max_msg ?
	    p->neg.max_msg : BGP_MAX_MSG;
}

/*
 * Frame and handle buffered messages: the only place that parses the
 * byte stream. The message is moved to the shared receive buffer
 * before it is handled, because handling may close the connection.
 */
static void
peer_read_messages(struct peer *p)
{
	p->rx_batch_at = mono_now();
	peer_read_batch(p);
	p->rx_batch_at = 0;
}

static void
peer_read_batch(struct peer *p)
{
	for (int n = 0; n < PEER_MSGS_PER_WAKEUP; n++) {
		struct evbuffer *in;
		uint8_t hdr[BGP_HEADER_LEN], type;
		uint16_t len;
		size_t avail;

		if (p->bev == NULL || rx_maybe_pause(p))
			return;
		in = bufferevent_get_input(p->bev);
		avail = evbuffer_get_length(in);
		if (avail < BGP_HEADER_LEN) {
			bufferevent_setwatermark(p->bev, EV_READ,
			    BGP_HEADER_LEN, 0);
			return;
		}
		evbuffer_copyout(in, hdr, sizeof(hdr));
		if (msg_header_check(hdr, peer_max_msg(p), &len, &type,
		    &p->err) == -1) {
			log_peer(LOG_WARNING, p->logname, "bad message header "
			    "(error %u/%u)", p->err.code, p->err.subcode);
			fsm_dispatch(&p->fsm, EV_MSG_ERROR);
			return;
		}
		if (avail < len) {
			/* wake up only once the whole message is here */
			bufferevent_setwatermark(p->bev, EV_READ, len, 0);
			return;
		}
		evbuffer_remove(in, p->env->rxbuf, len);
		peer_handle_message(p, type, p->env->rxbuf, len);
	}
	/*
	 * More may be buffered: continue on the next loop turn, from a
	 * zero-timeout timer. Not event_active(): libevent runs an event
	 * activated from a callback in the same pass, so a flooding peer
	 * would be read to the end before any timer (ours, other peers'
	 * KEEPALIVEs) had its turn.
	 */
	if (p->bev != NULL && !p->rx_paused &&
	    evbuffer_get_length(bufferevent_get_input(p->bev)) >=
	    BGP_HEADER_LEN) {
		static const struct timeval now = { 0, 0 };

		evtimer_add(p->t_more, &now);
	}
}

static void
peer_read_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_READ, ((struct peer *)arg)->name);
	peer_read_messages(arg);
}

static void
peer_write_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_WRITE, ((struct peer *)arg)->name);
	struct peer *p = arg;

	out_refill(p);
	/* the backlog drained below the low mark after the packer stopped
	 * on a full buffer: feed more routes (other drains are no reason to
	 * break a burst's coalescing) */
	if (p->out_blocked && peer_out_len(p) < PEER_OUT_LOW) {
		p->out_blocked = false;
		/* packs only a big queue: a few routes wait (coalesced) */
		peer_kick_as(p, false);
	}
}

static void
peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_SESSION, ((struct peer *)arg)->name);
	struct peer *p = arg;
	int err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		peer_record_local(p, bufferevent_getfd(bev));
		peer_conn_ready(p);
		fsm_dispatch(&p->fsm, EV_TCP_CONNECTED);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (p->fsm.state == ST_CONNECT) {
			snprintf(p->down_reason, sizeof(p->down_reason),
			    "connection timed out");
			peer_note_error(p, "TCP: connection timed out");
			fsm_dispatch(&p->fsm, EV_TCP_FAILED);
		} else
			fsm_dispatch(&p->fsm, EV_SEND_HOLD_EXPIRES);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(p->down_reason, sizeof(p->down_reason),
		    "the TCP connection was closed by the remote end");
	else
		snprintf(p->down_reason, sizeof(p->down_reason), "%s",
		    err ? strerror(err) : "connection error");
	if (p->fsm.state == ST_CONNECT)
		log_peer(LOG_INFO, p->logname, "connection failed: %s",
		    p->down_reason);
	peer_note_error(p, "TCP: %s", p->down_reason);
	fsm_dispatch(&p->fsm, EV_TCP_FAILED);
}

/* ---- collisions (RFC 4271 §6.8, RFC 6286 §2.3) ---- */

/* Close a connection that is not the session's, after a Cease/7 when
 * cease is set. */
static void
conn_refuse(const struct peer_env *env, struct bufferevent *bev, bool cease)
{
	if (cease && bev != NULL) {
		uint8_t buf[32];
		struct wbuf w;

		wbuf_init(&w, buf, sizeof(buf));
		notification_encode(&w, BGP_ERR_CEASE, BGP_CEASE_COLLISION,
		    NULL, 0);
		bufferevent_write(bev, w.buf, w.len);
	}
	conn_close(env, bev, cease);
}

static void
coll_drop(struct peer *p, bool cease)
{
	conn_refuse(p->env, p->coll_bev, cease);
	p->coll_bev = NULL;
	p->coll_open_seen = false;
}

/*
 * The incoming connection's OPEN arrived: keep the connection initiated
 * by the speaker with the higher BGP identifier (equal identifiers, eBGP
 * only: the larger AS); the loser is closed with Cease/7.
 */
static void
coll_resolve(struct peer *p)
{
	uint32_t ours = p->open_local.bgp_id, theirs = p->coll_open.bgp_id;
	bool keep_ours_initiated = ours > theirs ||
	    (ours == theirs && p->cfg->local_as > p->peer_as);
	struct bufferevent *bev;

	/* RFC 4271 §6.8: an Established session always wins */
	if (p->fsm.state == ST_ESTABLISHED ||
	    (keep_ours_initiated && p->outgoing)) {
		log_peer(LOG_INFO, p->logname, "connection collision: keeping "
		    "our connection");
		coll_drop(p, true);
		return;
	}
	log_peer(LOG_INFO, p->logname, "connection collision: keeping the "
	    "peer's connection");
	bev = p->coll_bev;
	p->coll_bev = NULL;
	p->coll_open_seen = false;
	fsm_dispatch(&p->fsm, EV_COLLISION_LOST);
	/* adopt the winner; its OPEN is already here */
	if (*p->env->stopping) {
		conn_close(p->env, bev, false);
		return;
	}
	evtimer_del(p->t_idle_hold);
	p->bev = bev;
	p->outgoing = false;
	peer_record_local(p, bufferevent_getfd(bev));
	peer_conn_ready(p);
	fsm_dispatch(&p->fsm, EV_TCP_ACCEPTED);
	p->open_peer = p->coll_open;
	fsm_dispatch(&p->fsm, EV_OPEN_RECEIVED);
}

static void
coll_read_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_SESSION, ((struct peer *)arg)->name);
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[BGP_HEADER_LEN], type;
	uint16_t len;
	struct bgp_err err;

	if (bev != p->coll_bev) {
		/* cannot happen: every other connection is closed */
		log_peer(LOG_ERR, p->logname, "%s: stray connection", __func__);
		conn_close(p->env, bev, false);
		return;
	}
	if (evbuffer_get_length(in) < BGP_HEADER_LEN)
		return;
	evbuffer_copyout(in, hdr, sizeof(hdr));
	if (msg_header_check(hdr, BGP_MAX_MSG, &len, &type, &err) == -1 ||
	    type != BGP_MSG_OPEN) {
		coll_drop(p, false);
		return;
	}
	if (evbuffer_get_length(in) < len) {
		bufferevent_setwatermark(bev, EV_READ, len, 0);
		return;
	}
	evbuffer_remove(in, p->env->rxbuf, len);
	if (open_decode(p->env->rxbuf + BGP_HEADER_LEN, len - BGP_HEADER_LEN,
	    &p->coll_open, &err) == -1) {
		coll_drop(p, false);
		return;
	}
	p->coll_open_seen = true;
	coll_resolve(p);
}

static void
coll_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_SESSION, ((struct peer *)arg)->name);
	coll_drop(arg, false);
}

/* ---- accepting ---- */

void
peer_accept(struct peer *p, int fd, const struct bgp_addr *local)
{
	struct bufferevent *bev;

	bev = bufferevent_socket_new(p->env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	peer_accept_bev(p, bev, local);
}

void
peer_accept_bev(struct peer *p, struct bufferevent *bev,
    const struct bgp_addr *local)
{
	struct timeval openwait = { p->env->set.openwait_s, 0 };

	switch (p->fsm.state) {
	case ST_ESTABLISHED:
	case ST_OPENSENT:
	case ST_OPENCONFIRM:
		if (p->fsm.state == ST_ESTABLISHED || p->coll_bev != NULL) {
			/* an established session always wins; a collision
			 * already waiting keeps its place (overwriting it
			 * orphaned a connection whose OPEN then crashed us) */
			log_peer(LOG_INFO, p->logname, "rejecting a%s connection "
			    "(session is %s)", p->coll_bev ? " third" :
			    " second", fsm_state_name(p->fsm.state));
			conn_refuse(p->env, bev, true);
			return;
		}
		p->coll_bev = bev;
		bufferevent_setcb(bev, coll_read_cb, NULL, coll_event_cb, p);
		bufferevent_setwatermark(bev, EV_READ, BGP_HEADER_LEN, 0);
		bufferevent_set_timeouts(bev, &openwait, NULL);
		bufferevent_enable(bev, EV_READ);
		return;
	case ST_CONNECT:
		/* our own attempt has not completed: take theirs */
		bufferevent_free(p->bev);
		p->bev = NULL;
		break;
	case ST_IDLE:
		if (*p->env->stopping || !p->cfg) {
			bufferevent_free(bev);
			return;
		}
		evtimer_del(p->t_idle_hold);
		break;
	default:
		break;
	}
	p->bev = bev;
	p->outgoing = false;
	p->local_now = *local;
	peer_conn_ready(p);
	fsm_dispatch(&p->fsm, EV_TCP_ACCEPTED);
}

/* ---- FSM actions ---- */

static void
act_connect(struct peer *p)
{
	unsigned limit = p->env->set.max_attempts;

	if (limit != 0 && p->attempts >= limit) {
		log_peer(LOG_NOTICE, p->logname, "giving up: %u connection "
		    "attempt%s made (exabgp.tcp.connections)", p->attempts,
		    p->attempts == 1 ? "" : "s");
		fsm_dispatch(&p->fsm, EV_TCP_FAILED);
		return;
	}
	p->attempts++;
	if (peer_connect(p) == -1)
		fsm_dispatch(&p->fsm, EV_TCP_FAILED);
}

/* Last, after the connection is gone: the owner may retire the peer. */
static void
peer_report_closed(struct peer *p)
{
	p->env->ops->state(p->env->arg, p, PEER_CLOSED, p->down_reason[0] ?
	    p->down_reason : "closed");
}

static void
act_connect_failed(struct peer *p)
{
	unsigned limit = p->env->set.max_attempts;

	peer_conn_close(p, false);
	peer_report_closed(p);
	if (p->cfg->passive || *p->env->stopping ||
	    (limit != 0 && p->attempts >= limit))
		return;
	timer_arm_ms(p->t_connect_retry, jitter_ms(p->connect_retry_ms));
	p->connect_retry_ms *= 2;
	if (p->connect_retry_ms > CONNECT_RETRY_MAX_MS)
		p->connect_retry_ms = CONNECT_RETRY_MAX_MS;
}

static void
act_send_open(struct peer *p)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;

	if (p->local_now.afi == 0 && p->bev != NULL)
		peer_record_local(p, bufferevent_getfd(p->bev));
	memset(&p->neg, 0, sizeof(p->neg));
	p->env->ops->state(p->env->arg, p, PEER_CONNECTED, NULL);
	peer_build_open(p);
	if (p->open_local.bgp_id == 0)
		log_peer(LOG_WARNING, p->logname, "no router-id: set router-id "
		    "or an IPv4 local-address");
	wbuf_init(&w, buf, sizeof(buf));
	if (open_encode(&w, &p->open_local) == -1) {
		log_peer(LOG_ERR, p->logname, "OPEN does not fit in %d bytes",
		    BGP_MAX_MSG);
		return;
	}
	peer_send(p, w.buf, w.len);
}

static void
act_open_received(struct peer *p)
{
	char buf[ADDR_STRLEN];
	struct bgp_addr id;

	caps_negotiate(&p->open_local, &p->open_peer, &p->neg);
	addr_from_u32(&id, p->open_peer.bgp_id);
	log_peer(LOG_INFO, p->logname, "OPEN from AS %u router-id %s, hold time "
	    "%u (negotiated %u)", open_peer_as(&p->open_peer),
	    addr_fmt(&id, buf), p->open_peer.hold_time, p->neg.hold_time);
	peer_send_keepalive(p);
}

static void
act_establish(struct peer *p)
{
	p->established_at = mono_now();
	p->connect_retry_ms = CONNECT_RETRY_MIN_MS;
	p->attempts = 0;
	hold_restart(p);
	/* everything wanted goes out again (a walk of the group's table,
	 * then its log), then End-of-RIB */
	{
		struct adj_rib_pack_ctx key;

		peer_pack_ctx(p, &key);
		ug_up(p, &key);
	}
	p->eor_pending = p->cfg->manual_eor ? 0 : p->neg.families;
	p->env->ops->state(p->env->arg, p, PEER_UP, NULL);
	log_peer(LOG_NOTICE, p->logname, "session established (AS %u, %zu "
	    "route%s to send)", p->peer_as, adj_rib_count(p->rib_out),
	    adj_rib_count(p->rib_out) == 1 ? "" : "s");
}

static const char *
attr_name_or(uint8_t code)
{
	const char *name = bgp_attr_name(code);

	return name != NULL ? name : "unknown";
}

static void
act_update(struct peer *p)
{
	struct update_msg *m = &p->upd;
	int fam;

	hold_restart(p);
	if (update_is_eor(m, &fam)) {
		log_peer(LOG_DEBUG, p->logname, "received End-of-RIB for %s %s",
		    fam >= 0 ? family_afi_name(fam) : "?",
		    fam >= 0 ? family_safi_name(fam) : "?");
		return;
	}
	if (m->verdict == UPD_TREAT_AS_WITHDRAW)
		log_peer(LOG_WARNING, p->logname, "UPDATE treated as withdraw "
		    "(RFC 7606): %s, attribute %u (%s)",
		    m->reason ? m->reason : "malformed", m->reason_attr,
		    attr_name_or(m->reason_attr));
	else if (m->verdict == UPD_ATTR_DISCARD)
		log_peer(LOG_NOTICE, p->logname, "UPDATE attribute discarded "
		    "(RFC 7606): %s, attribute %u (%s)",
		    m->reason ? m->reason : "malformed", m->reason_attr,
		    attr_name_or(m->reason_attr));
	if (m->nlri_ignored > 0)
		log_peer(LOG_WARNING, p->logname, "UPDATE: %zu malformed NLRI "
		    "ignored (%s), the others kept", m->nlri_ignored,
		    m->nlri_ignored_why != NULL ? m->nlri_ignored_why :
		    "malformed");
	log_update(p, m);
	rib_in_update(p, m);
}

static void
act_route_refresh(struct peer *p)
{
	log_peer(LOG_INFO, p->logname, "route refresh requested: re-sending "
	    "%zu route%s", adj_rib_count(p->rib_out),
	    adj_rib_count(p->rib_out) == 1 ? "" : "s");
	ug_replay(p);
	peer_kick(p);
}

static void
peer_act(void *ctx, enum fsm_action action, enum fsm_event ev)
{
	struct peer *p = ctx;

	switch (action) {
	case ACT_NONE:
	case ACT_DROP:
		break;
	case ACT_CONNECT:
		act_connect(p);
		break;
	case ACT_WAIT:
		log_peer(LOG_DEBUG, p->logname, "passive: waiting for the peer "
		    "to connect");
		break;
	case ACT_CLOSE:
		peer_conn_close(p, false);
		break;
	case ACT_SEND_OPEN:
		act_send_open(p);
		break;
	case ACT_CONNECT_FAILED:
		act_connect_failed(p);
		break;
	case ACT_OPEN_RECEIVED:
		act_open_received(p);
		break;
	case ACT_SEND_KEEPALIVE:
		peer_send_keepalive(p);
		break;
	case ACT_ESTABLISH:
		act_establish(p);
		break;
	case ACT_KEEPALIVE_RECEIVED:
		hold_restart(p);
		break;
	case ACT_UPDATE:
		act_update(p);
		break;
	case ACT_ROUTE_REFRESH:
		act_route_refresh(p);
		break;
	case ACT_HOLD_EXPIRED:
		peer_send_notification(p, BGP_ERR_HOLD_TIMER, 0, NULL, 0);
		break;
	case ACT_SEND_HOLD_EXPIRED:
		log_peer(LOG_WARNING, p->logname, "nothing could be sent for %u "
		    "seconds (RFC 9687 send hold timer)", send_hold_seconds(p));
		peer_send_notification(p, BGP_ERR_SEND_HOLD_TIMER, 0, NULL, 0);
		break;
	case ACT_NOTIFICATION_RECEIVED:
		break;
	case ACT_SEND_ERROR:
		peer_send_notification(p, p->err.code, p->err.subcode,
		    bgp_err_data(&p->err), p->err.datalen);
		break;
	case ACT_CEASE:
		peer_send_cease(p, p->stop_subcode, p->stop_text);
		break;
	case ACT_COLLISION:
		peer_send_notification(p, BGP_ERR_CEASE, BGP_CEASE_COLLISION,
		    NULL, 0);
		break;
	case ACT_FSM_ERROR:
		if (p->bev != NULL)
			peer_send_notification(p, BGP_ERR_FSM,
			    fsm_error_subcode(p->fsm.state), NULL, 0);
		else
			peer_conn_close(p, false);
		break;
	case ACT_MAX:
		break;
	}
}

/* ---- state entry ---- */

static void
enter_idle(struct peer *p, enum fsm_state from)
{
	bool was_up = from == ST_ESTABLISHED;

	timers_stop(p);
	peer_conn_close(p, true);
	ack_marks_clear(p);
	p->eor_pending = 0;
	p->eorr_pending = 0;
	p->local_now = p->cfg->local_addr;
	if (was_up) {
		double up = mono_now() - p->established_at;

		p->hist.flaps++;
		p->hist.down_since = mono_now();
		log_peer(LOG_NOTICE, p->logname, "session down after %.0f s: %s",
		    up, p->down_reason[0] ? p->down_reason : "closed");
		p->env->ops->state(p->env->arg, p, PEER_DOWN,
		    p->down_reason[0] ? p->down_reason : "closed");
		/* the group keeps the table; this member starts over */
		ug_down(p);
		/* RFC 4271 §8: what the peer sent is gone with its session */
		peer_clear_in(p);
		/* a session that was stable starts the back-off afresh */
		if (up >= STABLE_SESSION_S)
			p->idle_hold_ms = IDLE_HOLD_MIN_MS;
	}
	p->established_at = 0;
	p->down_at = mono_now();
	if (!*p->env->stopping && !p->admin_down) {
		/* automatic restart after the idle hold time, doubling on
		 * flaps */
		timer_arm_ms(p->t_idle_hold, jitter_ms(p->idle_hold_ms));
		p->idle_hold_ms *= 2;
		if (p->idle_hold_ms > IDLE_HOLD_MAX_MS)
			p->idle_hold_ms = IDLE_HOLD_MAX_MS;
	}
	peer_report_closed(p);
}

static void
peer_enter(void *ctx, enum fsm_state from, enum fsm_state to,
    enum fsm_event ev)
{
	struct peer *p = ctx;

	if (from != to)
		p->hist.state_since = mono_now();
	/* a new connection (attempt) gets its own first error */
	if (to == ST_CONNECT || (to == ST_OPENSENT && from != ST_CONNECT))
		p->hist.error_noted = false;
	switch (to) {
	case ST_IDLE:
		if (from != ST_IDLE)
			enter_idle(p, from);
		break;
	case ST_OPENSENT:
		p->down_reason[0] = '\0';
		p->hold_lazy = false;	/* the OpenSent wait, not a hold */
		if (p->env->set.openwait_s > 0)
			timer_arm_ms(p->t_hold, p->env->set.openwait_s * 1000u);
		evtimer_del(p->t_connect_retry);
		break;
	case ST_OPENCONFIRM:
		evtimer_del(p->t_hold);
		p->hold_lazy = false;
		hold_restart(p);
		if (p->neg.keepalive > 0) {
			struct timeval tv = { p->neg.keepalive, 0 };

			event_del(p->t_keepalive);
			event_assign(p->t_keepalive, p->env->base, -1,
			    EV_PERSIST, keepalive_cb, p);
			event_add(p->t_keepalive, &tv);
			ka_schedule(p);
		}
		break;
	case ST_ESTABLISHED:
		/* send the table once the messages already read are handled:
		 * an error among them must not follow our first UPDATEs */
		if (from != ST_ESTABLISHED) {
			/*
			 * The initial table waits a moment: what the peer
			 * sent right behind its KEEPALIVE (an error, a
			 * NOTIFICATION) is handled before we advertise,
			 * rather than after a table that would be wasted.
			 */
			struct timeval settle = { 0, INITIAL_SETTLE_MS * 1000 };

			p->wake_only = false;
			evtimer_add(p->t_kick, &settle);
		}
		break;
	default:
		break;
	}
}

/* ---- life cycle ---- */

void
peer_name_long(struct peer *p)
{
	char local[ADDR_STRLEN] = "auto";

	if (!p->cfg->local_auto && p->cfg->local_addr.afi != 0)
		addr_fmt(&p->cfg->local_addr, local);
	snprintf(p->logname, sizeof(p->logname), "%s local-address %s "
	    "connect %u", p->name, local, (unsigned)p->remote_port);
}

struct peer *
peer_new(const struct peer_env *env, const struct cfg_neighbor *cfg,
    const struct bgp_addr *remote)
{
	struct peer *p = xcalloc(1, sizeof(*p));
	struct event_base *base = env->base;

	p->env = env;
	p->cfg = cfg;
	p->hist.state_since = p->hist.down_since = mono_now();
	if (remote != NULL) {
		p->remote = *remote;
		p->dynamic = true;
	} else {
		p->remote.afi = cfg->peer.afi;
		memcpy(p->remote.b, cfg->peer.b, sizeof(p->remote.b));
	}
	addr_fmt(&p->remote, p->name);
	snprintf(p->logname, sizeof(p->logname), "%s", p->name);
	if (cfg->connect != 0)
		p->remote_port = cfg->connect;
	else if (env->set.port != 0)
		p->remote_port = env->set.port;
	else
		p->remote_port = BGP_PORT;
	p->local_now = cfg->local_addr;
	fsm_init(&p->fsm, &peer_fsm_ops, p);
	p->t_hold = evtimer_new(base, hold_cb, p);
	p->t_keepalive = event_new(base, -1, EV_PERSIST, keepalive_cb, p);
	p->out_chunk = PEER_OUT_CHUNK;
	p->t_connect_retry = evtimer_new(base, connect_retry_cb, p);
	p->t_idle_hold = evtimer_new(base, idle_hold_cb, p);
	p->t_more = evtimer_new(base, more_cb, p);
	p->t_rx_resume = evtimer_new(base, rx_resume_cb, p);
	p->t_kick = event_new(base, -1, 0, kick_cb, p);
	p->connect_retry_ms = CONNECT_RETRY_MIN_MS;
	p->idle_hold_ms = IDLE_HOLD_MIN_MS;
	ug_attach(p, env->groups);
	p->out_bulk = evbuffer_new();
	if (p->out_bulk == NULL)
		fatalx("out of memory");
	if (cfg->adj_rib_in)
		p->rib_in = adj_rib_new_store();
	p->peer_as = cfg->peer_as;
	update_msg_init(&p->upd);
	return p;
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	if (p->bev != NULL)
		bufferevent_free(p->bev);
	if (p->coll_bev != NULL)
		bufferevent_free(p->coll_bev);
	event_free(p->t_hold);
	event_free(p->t_keepalive);
	event_free(p->t_connect_retry);
	event_free(p->t_idle_hold);
	event_free(p->t_more);
	event_free(p->t_rx_resume);
	event_free(p->t_kick);
	ug_detach(p);
	rib_release_add(p->env->release, p->rib_in);
	evbuffer_free(p->out_bulk);
	update_msg_free(&p->upd);
	free(p->stop_text);
	free(p);
}

void
peer_start(struct peer *p)
{
	if (*p->env->stopping || p->admin_down)
		return;
	fsm_dispatch(&p->fsm, p->cfg->passive || p->env->set.passive ?
	    EV_START_PASSIVE : EV_START);
}

void
peer_stop(struct peer *p, uint8_t subcode, const char *text)
{
	p->admin_down = true;
	p->stop_subcode = subcode;
	free(p->stop_text);
	p->stop_text = text ? xstrdup(text) : NULL;
	evtimer_del(p->t_idle_hold);
	fsm_dispatch(&p->fsm, EV_STOP);
	/* a collision candidate has no session to cease */
	conn_close(p->env, p->coll_bev, false);
	p->coll_bev = NULL;
}

bool
peer_matches(const struct peer *p, const struct bgp_addr *remote,
    const struct bgp_addr *local)
{
	if (!addr_equal(&p->remote, remote))
		return false;
	/* a configured local address must be the one connected to */
	return p->cfg->local_addr.afi == 0 ||
	    addr_equal(&p->cfg->local_addr, local);
}
