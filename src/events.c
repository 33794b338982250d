/*
 * Events for helpers (see events.h).
 *
 * A peer's subscriptions are its api blocks merged per process name. An
 * event is encoded at most once per (encoder, rendering) and the same
 * line is queued to every helper that wants it; a helper's queue is
 * capped by the supervisor, so a helper that stops reading costs memory
 * up to its cap and nothing else.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbgp/events.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

#define API_MSG_RENDER	(API_MSG_PARSED | API_MSG_PACKETS | API_MSG_CONSOLIDATE)

bool
events_drained(const struct events *ev, const struct api_subs *s)
{
	size_t low = ev->high_mark / 2;

	for (size_t i = 0; i < s->n && ev->sup != NULL; i++) {
		struct sup_helper *h = sup_find(ev->sup, s->v[i].process);

		if (h != NULL && sup_queued(h) > low)
			return false;
	}
	return true;
}

void
api_subs_free(struct api_subs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].process);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	s->receive = s->send = 0;
	s->changes = false;
}

static struct api_sub *
sub_get(struct api_subs *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].process, name) == 0)
			return &s->v[i];
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n].process = xstrdup(name);
	return &s->v[s->n++];
}

void
api_subs_init(struct api_subs *s, const struct cfg_neighbor *cfg)
{
	api_subs_free(s);
	for (size_t i = 0; i < cfg->napis; i++) {
		const struct cfg_api *api = &cfg->apis[i];

		for (size_t j = 0; j < api->nprocesses; j++) {
			struct api_sub *sub = sub_get(s, api->processes[j]);

			sub->neighbor_changes |= api->neighbor_changes;
			sub->receive |= api->receive;
			sub->send |= api->send;
			s->receive |= sub->receive;
			s->send |= sub->send;
			s->changes |= sub->neighbor_changes;
		}
	}
}

static uint32_t
msg_bit(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return API_MSG_OPEN;
	case BGP_MSG_UPDATE:
		return API_MSG_UPDATE;
	case BGP_MSG_NOTIFICATION:
		return API_MSG_NOTIFICATION;
	case BGP_MSG_KEEPALIVE:
		return API_MSG_KEEPALIVE;
	case BGP_MSG_ROUTE_REFRESH:
		return API_MSG_REFRESH;
	}
	return 0;
}

/* Is a message of this type to be rendered for a subscriber with mask? */
static bool
mask_wants(uint32_t mask, uint8_t type)
{
	return (mask & msg_bit(type)) != 0 && (mask & API_MSG_RENDER) != 0;
}

uint32_t
api_subs_types(const struct api_subs *s, enum api_dir dir)
{
	uint32_t mask = dir == API_DIR_RECEIVE ? s->receive : s->send;
	uint32_t types = 0;

	for (uint8_t t = 1; t < 32; t++)
		if (mask_wants(mask, t))
			types |= 1u << t;
	return types;
}

/*
 * An event's "time" (epoch seconds): when the loop woke up for the work
 * that made it, libevent's clock cached for the turn (microseconds),
 * not a clock_gettime per event (0.03 us of a received UPDATE's ~1).
 * ExaBGP stamps each event as it renders it; here the events of one
 * turn share a stamp, earlier than that by the turn's work before them
 * (tens of us for a turn's 64 UPDATEs). The cached clock is monotonic
 * plus an offset libevent takes from the system clock every 5 s: a step
 * of the system clock shows within 5 s.
 */
static double
event_time(const struct events *ev)
{
	struct timeval tv;

	if (ev->base == NULL ||
	    event_base_gettimeofday_cached(ev->base, &tv) != 0)
		return wall_now();
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void
api_source_now(const struct events *ev, struct api_source *src)
{
	/* two system calls per event were a tenth of a received UPDATE's
	 * cost: asked again once a second (a fork, a parent gone) */
	static pid_t pid, ppid;
	static double asked_at;

	src->host = ev->host;
	src->time = event_time(ev);
	if (pid == 0 || src->time - asked_at >= 1.0 || src->time < asked_at) {
		pid = getpid();
		ppid = getppid();
		asked_at = src->time;
	}
	src->pid = pid;
	src->ppid = ppid;
}

/*
 * ExaBGP's text encoder ends each event with a newline and its write()
 * adds another (reactor/api/processes.py): a blank line after every
 * event, the multi-line UPDATE block included. The JSON encoder's lines
 * get one newline only.
 */
static void
text_event_end(struct sbuf *out)
{
	if (out->len > 0)
		sbuf_addc(out, '\n');
}

static void
neighbor_of(struct api_subs *s, const struct api_peer *ap,
    struct api_neighbor *nb)
{
	nb->local = ap->local;
	nb->peer = ap->remote;
	nb->local_as = ap->local_as;
	nb->peer_as = ap->peer_as;
	nb->router_id = ap->router_id;
	nb->counter = ++s->counter;
}

/* What h is given: text, 4.x JSON or main's JSON (its own api-version,
 * else exabgp.api.version). */
static enum cfg_encoder
helper_enc(const struct events *ev, const struct sup_helper *h)
{
	unsigned v;

	if (sup_helper_encoder(h) != ENCODER_JSON)
		return ENCODER_TEXT;
	v = sup_helper_api_version(h);
	if (v == 0)
		v = ev->api_version;
	return v == 6 ? ENCODER_JSON6 : ENCODER_JSON;
}

void
events_state(const struct events *ev, struct api_subs *s,
    const struct api_peer *ap, const char *state, const char *reason)
{
	struct api_source src;
	struct api_neighbor nb;
	struct sbuf bufs[ENCODER_JSON6 + 1];

	if (!s->changes || ev->sup == NULL)
		return;
	api_source_now(ev, &src);
	neighbor_of(s, ap, &nb);
	for (size_t e = 0; e <= ENCODER_JSON6; e++)
		sbuf_init(&bufs[e]);
	for (size_t i = 0; i < s->n; i++) {
		struct api_sub *sub = &s->v[i];
		struct sup_helper *h;
		struct sbuf *out;
		enum cfg_encoder enc;

		if (!sub->neighbor_changes ||
		    (h = sup_find(ev->sup, sub->process)) == NULL)
			continue;
		enc = helper_enc(ev, h);
		out = &bufs[enc];
		if (out->len == 0) {
			event_encode_state(out, enc, &src, &nb, state, reason);
			if (enc == ENCODER_TEXT)
				text_event_end(out);
		}
		sup_write(h, out->p, out->len);
	}
	for (size_t e = 0; e <= ENCODER_JSON6; e++)
		sbuf_free(&bufs[e]);
}

/* Decoded forms of one message, filled on first need. */
struct decoded {
	bool		 tried;
	bool		 ok;
	struct bgp_open	 open;
	struct bgp_notification notif;
	struct bgp_route_refresh rr;
	const struct update_msg *upd;
	struct update_msg own;	/* when we decode an UPDATE ourselves */
	bool		 own_init;
};

static bool
decode_once(const struct api_peer *ap, enum api_dir dir, const uint8_t *msg,
    size_t len, struct decoded *dc)
{
	const uint8_t *body = msg + BGP_HEADER_LEN;
	size_t blen = len - BGP_HEADER_LEN;
	struct bgp_err err;

	if (dc->tried)
		return dc->ok;
	dc->tried = true;
	switch (msg[BGP_HEADER_TYPE_OFF]) {
	case BGP_MSG_OPEN:
		/* reported before the FSM validates it, as ExaBGP does: an
		 * OPEN that fails validation is still shown as received */
		memset(&dc->open, 0, sizeof(dc->open));
		dc->ok = open_decode_lax(body, blen, &dc->open) == 0;
		break;
	case BGP_MSG_NOTIFICATION:
		memset(&dc->notif, 0, sizeof(dc->notif));
		dc->ok = notification_decode(body, blen, &dc->notif) == 0;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		memset(&dc->rr, 0, sizeof(dc->rr));
		dc->ok = route_refresh_decode(body, blen, &dc->rr, &err) == 0;
		break;
	case BGP_MSG_UPDATE:
		if (dc->upd != NULL) {
			dc->ok = true;
			break;
		}
		update_msg_init(&dc->own);
		dc->own_init = true;
		update_decode(body, blen, &ap->ctx[dir], &dc->own);
		dc->ok = dc->own.verdict != UPD_SESSION_RESET;
		dc->upd = &dc->own;
		break;
	default:
		dc->ok = true;
	}
	return dc->ok;
}

static void
encode_message(struct sbuf *out, enum cfg_encoder enc,
    const struct api_peer *ap,
    const struct api_source *src, struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, const uint8_t *msg, size_t len,
    struct decoded *dc)
{
	bool parsed = o->parsed || o->consolidate;

	if (parsed && !decode_once(ap, dir, msg, len, dc))
		parsed = false;
	switch (msg[BGP_HEADER_TYPE_OFF]) {
	case BGP_MSG_OPEN:
		event_encode_open(out, enc, src, nb, dir, o,
		    parsed ? &dc->open : NULL);
		break;
	case BGP_MSG_UPDATE:
		event_encode_update(out, enc, src, nb, dir, o,
		    parsed ? dc->upd : NULL, ap->ctx[dir].addpath_rx);
		break;
	case BGP_MSG_NOTIFICATION:
		event_encode_notification(out, enc, src, nb, dir, o,
		    msg[BGP_HEADER_LEN], len > BGP_HEADER_LEN + 1 ?
		    msg[BGP_HEADER_LEN + 1] : 0, msg + BGP_HEADER_LEN + 2,
		    len > BGP_HEADER_LEN + 2 ? len - BGP_HEADER_LEN - 2 : 0);
		break;
	case BGP_MSG_KEEPALIVE:
		event_encode_keepalive(out, enc, src, nb, dir, o);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (decode_once(ap, dir, msg, len, dc))
			event_encode_refresh(out, enc, src, nb, dir, o,
			    dc->rr.afi, dc->rr.safi, dc->rr.subtype);
		break;
	}
}

/*
 * The renderings of one message: one per (encoder, rendering bits), at
 * most 3 x 8, each encoded on first need and freed at the end.
 */
#define RENDER_SLOTS	(API_MSG_RENDER + 1)
#define RENDER_KEEP_MAX	(64u * 1024)

struct renderings {
	struct sbuf	 buf[3][RENDER_SLOTS];	/* by encoder, render
						   bits */
	bool		 done[3][RENDER_SLOTS];
};

_Static_assert(ENCODER_TEXT == 0 && ENCODER_JSON == 1 && ENCODER_JSON6 == 2,
    "struct renderings is indexed by encoder");
_Static_assert((API_MSG_RENDER & (API_MSG_RENDER + 1)) == 0,
    "the render bits are the low bits of the api flags");

bool
events_message(struct events *ev, struct api_subs *s,
    const struct api_peer *ap, enum api_dir dir, const uint8_t *msg,
    size_t len, const struct update_msg *decoded)
{
	uint8_t type;
	struct api_source src;
	struct api_neighbor nb;
	struct decoded dc;
	/*
	 * The renderings' buffers outlive the call (a received UPDATE then
	 * costs no allocation here); a nested call, should a helper's
	 * callback ever render, gets buffers of its own.
	 */
	static struct renderings kept;
	static bool kept_busy;
	struct renderings own, *rp = kept_busy ? &own : &kept;
	/* the slots rendered into, for the check at the end (not all 24) */
	struct sbuf *used[3 * RENDER_SLOTS];
	size_t nused = 0;
	bool behind = false;

	if (len < BGP_HEADER_LEN || ev->sup == NULL)
		return false;
	if (rp == &kept)
		kept_busy = true;
	type = msg[BGP_HEADER_TYPE_OFF];
	/* the decoded forms are zeroed by decode_once(), when needed: an
	 * OPEN's is 5 KB, cleared for every received UPDATE until then */
	dc.tried = dc.ok = dc.own_init = false;
	dc.upd = type == BGP_MSG_UPDATE ? decoded : NULL;
	/* the buffers are initialised on first use, the flags now */
	memset(rp->done, 0, sizeof(rp->done));
	api_source_now(ev, &src);
	neighbor_of(s, ap, &nb);
	for (size_t i = 0; i < s->n; i++) {
		struct api_sub *sub = &s->v[i];
		uint32_t mask = dir == API_DIR_RECEIVE ? sub->receive :
		    sub->send;
		struct sup_helper *h;
		struct sbuf *out;
		enum cfg_encoder enc;

		if (!mask_wants(mask, type) ||
		    (h = sup_find(ev->sup, sub->process)) == NULL)
			continue;
		enc = helper_enc(ev, h);
		mask &= API_MSG_RENDER;
		out = &rp->buf[enc][mask];
		if (!rp->done[enc][mask]) {
			struct api_msg_opts o = {
				.parsed = (mask & API_MSG_PARSED) != 0,
				.packets = (mask & API_MSG_PACKETS) != 0,
				.consolidate = (mask & API_MSG_CONSOLIDATE) != 0,
				.raw = msg,
				.rawlen = len,
			};

			rp->done[enc][mask] = true;
			used[nused++] = out;
			if (rp == &kept)
				sbuf_reset(out);
			else
				sbuf_init(out);
			encode_message(out, enc, ap, &src, &nb, dir, &o, msg,
			    len, &dc);
			if (enc == ENCODER_TEXT)
				text_event_end(out);
			ev->renderings++;
		}
		if (out->len > 0)
			sup_write_batched(h, out->p, out->len);
		if (sup_queued(h) > ev->high_mark)
			behind = true;
	}
	/* kept buffers stay unless one grew past RENDER_KEEP_MAX */
	for (size_t i = 0; i < nused; i++)
		if (rp == &own || used[i]->cap > RENDER_KEEP_MAX)
			sbuf_free(used[i]);
	if (rp == &kept)
		kept_busy = false;
	if (dc.own_init)
		update_msg_free(&dc.own);
	return behind;
}

void
events_shutdown(const struct events *ev,
    const struct cfg_process *procs, size_t nprocs)
{
	struct api_source src;
	struct sbuf bufs[ENCODER_JSON6 + 1];

	if (ev->sup == NULL)
		return;
	api_source_now(ev, &src);
	for (int e = 0; e <= ENCODER_JSON6; e++) {
		sbuf_init(&bufs[e]);
		event_encode_shutdown(&bufs[e], (enum cfg_encoder)e, &src);
		if (e == ENCODER_TEXT)
			text_event_end(&bufs[e]);
	}
	for (size_t i = 0; i < nprocs; i++) {
		struct sup_helper *h = sup_find(ev->sup, procs[i].name);
		enum cfg_encoder enc;

		if (h == NULL)
			continue;
		enc = helper_enc(ev, h);
		sup_write(h, bufs[enc].p, bufs[enc].len);
	}
	for (int e = 0; e <= ENCODER_JSON6; e++)
		sbuf_free(&bufs[e]);
}
