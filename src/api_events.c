/*
 * Events for helpers (see api_events.h).
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

#include "evbgp/api_events.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/log.h"
#include "evbgp/peer.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

#define API_MSG_RENDER	(API_MSG_PARSED | API_MSG_PACKETS | API_MSG_CONSOLIDATE)

/* Queued bytes above which a helper slows its peers down. */
size_t
api_events_high_mark(const struct daemon *d)
{
	size_t cap = d->helper_queue_max ? d->helper_queue_max : 16u << 20;

	return cap / 2;
}

/* Is every helper hearing p back under a quarter of the queue cap? */
bool
api_events_drained(const struct peer *p)
{
	size_t low = api_events_high_mark(p->d) / 2;

	for (size_t i = 0; i < p->nsubs; i++) {
		struct sup_helper *h = p->d->sup ?
		    sup_find(p->d->sup, p->subs[i].process) : NULL;

		if (h != NULL && sup_queued(h) > low)
			return false;
	}
	return true;
}

void
api_events_peer_free(struct peer *p)
{
	for (size_t i = 0; i < p->nsubs; i++)
		free(p->subs[i].process);
	free(p->subs);
	p->subs = NULL;
	p->nsubs = 0;
	p->sub_recv = p->sub_send = 0;
	p->sub_changes = false;
}

static struct api_sub *
sub_get(struct peer *p, const char *name)
{
	for (size_t i = 0; i < p->nsubs; i++)
		if (strcmp(p->subs[i].process, name) == 0)
			return &p->subs[i];
	p->subs = xreallocarray(p->subs, p->nsubs + 1, sizeof(*p->subs));
	memset(&p->subs[p->nsubs], 0, sizeof(p->subs[0]));
	p->subs[p->nsubs].process = xstrdup(name);
	return &p->subs[p->nsubs++];
}

void
api_events_peer_init(struct peer *p)
{
	api_events_peer_free(p);
	for (size_t i = 0; i < p->cfg->napis; i++) {
		const struct cfg_api *api = &p->cfg->apis[i];

		for (size_t j = 0; j < api->nprocesses; j++) {
			struct api_sub *s = sub_get(p, api->processes[j]);

			s->neighbor_changes |= api->neighbor_changes;
			s->receive |= api->receive;
			s->send |= api->send;
			p->sub_recv |= s->receive;
			p->sub_send |= s->send;
			p->sub_changes |= s->neighbor_changes;
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

bool
api_events_wanted(const struct peer *p, enum api_dir dir, uint8_t type)
{
	return mask_wants(dir == API_DIR_RECEIVE ? p->sub_recv : p->sub_send,
	    type);
}

void
api_source_now(struct daemon *d, struct api_source *src)
{
	src->host = d->hostname;
	src->pid = getpid();
	src->ppid = getppid();
	src->time = wall_now();
}

static void
neighbor_of(struct peer *p, struct api_neighbor *nb)
{
	nb->local = p->local_now.afi ? p->local_now : p->cfg->local_addr;
	nb->peer = p->remote;
	nb->local_as = p->cfg->local_as;
	nb->peer_as = p->peer_as;
	nb->counter = ++p->api_counter;
}

void
api_event_state(struct peer *p, const char *state, const char *reason)
{
	struct daemon *d = p->d;
	struct api_source src;
	struct api_neighbor nb;
	struct sbuf text, json;

	if (!p->sub_changes)
		return;
	api_source_now(d, &src);
	neighbor_of(p, &nb);
	sbuf_init(&text);
	sbuf_init(&json);
	for (size_t i = 0; i < p->nsubs; i++) {
		struct api_sub *s = &p->subs[i];
		struct sup_helper *h;
		struct sbuf *out;

		if (!s->neighbor_changes || d->sup == NULL ||
		    (h = sup_find(d->sup, s->process)) == NULL)
			continue;
		if (sup_helper_encoder(h) == ENCODER_JSON) {
			out = &json;
			if (out->len == 0)
				api_encode_state(out, ENCODER_JSON, &src, &nb,
				    state, reason);
		} else {
			out = &text;
			if (out->len == 0)
				api_encode_state(out, ENCODER_TEXT, &src, &nb,
				    state, reason);
		}
		sup_write(h, out->p, out->len);
	}
	sbuf_free(&text);
	sbuf_free(&json);
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
decode_once(struct peer *p, enum api_dir dir, const uint8_t *msg,
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
		dc->ok = open_decode_lax(body, blen, &dc->open) == 0;
		break;
	case BGP_MSG_NOTIFICATION:
		dc->ok = notification_decode(body, blen, &dc->notif) == 0;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		dc->ok = route_refresh_decode(body, blen, &dc->rr, &err) == 0;
		break;
	case BGP_MSG_UPDATE:
		if (dc->upd != NULL) {
			dc->ok = true;
			break;
		}
		{
			struct update_ctx ctx = {
				.asn4 = p->neg.asn4,
				.ebgp = p->cfg->local_as != p->peer_as,
				.families = p->neg.families,
				.addpath_rx = dir == API_DIR_SEND ?
				    p->neg.addpath_tx : p->neg.addpath_rx,
			};

			update_msg_init(&dc->own);
			dc->own_init = true;
			update_decode(body, blen, &ctx, &dc->own);
			dc->ok = dc->own.verdict != UPD_SESSION_RESET;
			dc->upd = &dc->own;
		}
		break;
	default:
		dc->ok = true;
	}
	return dc->ok;
}

static void
encode_message(struct sbuf *out, enum cfg_encoder enc, struct peer *p,
    const struct api_source *src, struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, const uint8_t *msg, size_t len,
    struct decoded *dc)
{
	bool parsed = o->parsed || o->consolidate;

	if (parsed && !decode_once(p, dir, msg, len, dc))
		parsed = false;
	switch (msg[BGP_HEADER_TYPE_OFF]) {
	case BGP_MSG_OPEN:
		api_encode_open(out, enc, src, nb, dir, o,
		    parsed ? &dc->open : NULL);
		break;
	case BGP_MSG_UPDATE:
		api_encode_update(out, enc, src, nb, dir, o,
		    parsed ? dc->upd : NULL, dir == API_DIR_SEND ?
		    p->neg.addpath_tx : p->neg.addpath_rx);
		break;
	case BGP_MSG_NOTIFICATION:
		api_encode_notification(out, enc, src, nb, dir, o,
		    msg[BGP_HEADER_LEN], len > BGP_HEADER_LEN + 1 ?
		    msg[BGP_HEADER_LEN + 1] : 0, msg + BGP_HEADER_LEN + 2,
		    len > BGP_HEADER_LEN + 2 ? len - BGP_HEADER_LEN - 2 : 0);
		break;
	case BGP_MSG_KEEPALIVE:
		api_encode_keepalive(out, enc, src, nb, dir, o);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (decode_once(p, dir, msg, len, dc))
			api_encode_refresh(out, enc, src, nb, dir, o,
			    dc->rr.afi, dc->rr.safi, dc->rr.subtype);
		break;
	}
}

void
api_event_message(struct peer *p, enum api_dir dir, const uint8_t *msg,
    size_t len, const void *decoded)
{
	struct daemon *d = p->d;
	uint8_t type = msg[BGP_HEADER_TYPE_OFF];
	struct api_source src;
	struct api_neighbor nb;
	struct decoded dc;
	/* one rendering per (encoder, mask): the common case is one */
	struct {
		enum cfg_encoder enc;
		uint32_t	 mask;
		struct sbuf	 buf;
	} cache[4];
	size_t ncache = 0;

	if (len < BGP_HEADER_LEN || !api_events_wanted(p, dir, type) ||
	    d->sup == NULL)
		return;
	memset(&dc, 0, sizeof(dc));
	if (type == BGP_MSG_UPDATE)
		dc.upd = decoded;
	api_source_now(d, &src);
	neighbor_of(p, &nb);
	for (size_t i = 0; i < p->nsubs; i++) {
		struct api_sub *s = &p->subs[i];
		uint32_t mask = dir == API_DIR_RECEIVE ? s->receive : s->send;
		struct sup_helper *h;
		struct api_msg_opts o;
		enum cfg_encoder enc;
		size_t k;

		if (!mask_wants(mask, type) ||
		    (h = sup_find(d->sup, s->process)) == NULL)
			continue;
		enc = sup_helper_encoder(h);
		mask &= API_MSG_RENDER;
		for (k = 0; k < ncache; k++)
			if (cache[k].enc == enc && cache[k].mask == mask)
				break;
		if (k == ncache) {
			if (ncache == sizeof(cache) / sizeof(cache[0]))
				k = ncache - 1;	/* cannot happen: 2 x 3 bits */
			else
				ncache++;
			cache[k].enc = enc;
			cache[k].mask = mask;
			sbuf_init(&cache[k].buf);
			o.parsed = (mask & API_MSG_PARSED) != 0;
			o.packets = (mask & API_MSG_PACKETS) != 0;
			o.consolidate = (mask & API_MSG_CONSOLIDATE) != 0;
			o.raw = msg;
			o.rawlen = len;
			encode_message(&cache[k].buf, enc, p, &src, &nb, dir, &o,
			    msg, len, &dc);
		}
		if (cache[k].buf.len > 0)
			sup_write(h, cache[k].buf.p, cache[k].buf.len);
		/* a collector that falls behind slows the peer down (for a
		 * bounded time) before anything is dropped */
		if (dir == API_DIR_RECEIVE &&
		    sup_queued(h) > api_events_high_mark(d))
			peer_throttle_rx(p);
	}
	for (size_t k = 0; k < ncache; k++)
		sbuf_free(&cache[k].buf);
	if (dc.own_init)
		update_msg_free(&dc.own);
}

void
api_event_shutdown(struct daemon *d)
{
	struct api_source src;
	struct sbuf text, json;

	if (d->sup == NULL)
		return;
	api_source_now(d, &src);
	sbuf_init(&text);
	sbuf_init(&json);
	api_encode_shutdown(&text, ENCODER_TEXT, &src);
	api_encode_shutdown(&json, ENCODER_JSON, &src);
	for (size_t i = 0; i < d->cfg->nprocesses; i++) {
		struct sup_helper *h = sup_find(d->sup,
		    d->cfg->processes[i].name);

		if (h == NULL)
			continue;
		if (sup_helper_encoder(h) == ENCODER_JSON)
			sup_write(h, json.p, json.len);
		else
			sup_write(h, text.p, text.len);
	}
	sbuf_free(&text);
	sbuf_free(&json);
}
