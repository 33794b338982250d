/*
 * libFuzzer target for the message decoders. The first input byte picks
 * the session (bit 0 4-octet AS, 1 eBGP, 2 ADD-PATH everywhere, 3 every
 * family negotiated, 4 extended messages); the rest is a BGP message,
 * header included. Every decoder runs over it, and the decoders' promises
 * are checked: the route walker stays inside the message, the attribute
 * formatters take what the decoder accepted, what decodes re-encodes,
 * what we encode decodes again, and what decodes interns: the interned
 * set reads back, prints and encodes as the decoded attributes do.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/event_encode.h"
#include "evbgp/msg.h"
#include "evbgp/update.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every route the walker gives must lie inside the message. */
struct walk_bounds {
	const uint8_t	*start;
	size_t		 len;
};

static void
check_route(const struct update_route *rt, void *arg)
{
	const struct walk_bounds *b = arg;

	if (rt->nlri.b < b->start || rt->nlri.b + rt->nlri.len >
	    b->start + b->len || rt->nlri.len == 0 ||
	    (rt->announce && rt->nexthop == NULL))
		abort();
}

/* The formatters accept whatever the decoder accepted. */
static void
format_attrs(const struct update_msg *m)
{
	struct sbuf o;

	sbuf_init(&o);
	bgp_attr_json(&o, &m->attrs, true);
	bgp_attr_text(&o, &m->attrs, ATTR_TEXT_EVENT);
	bgp_attr_text(&o, &m->attrs, ATTR_TEXT_ROUTE);
	sbuf_free(&o);
}

/* The attributes as JSON and as an eBGP IPv4 UPDATE's (NULL: not
 * encodable); the caller frees o. */
static void
render(struct sbuf *o, const struct attrs *a, uint8_t *buf, size_t cap,
    size_t *len)
{
	struct attr_encode_ctx e = { .asn4 = false, .local_as = 65000 };
	struct wbuf w;

	addr_from_u32(&e.local_v4, 0x7f000001);
	sbuf_init(o);
	bgp_attr_json(o, a, true);
	bgp_attr_text(o, a, ATTR_TEXT_ROUTE);
	wbuf_init(&w, buf, cap);
	*len = attrs_encode(&w, a, &e, FAM_IPV4_UNICAST, NULL, 0) == -1 ?
	    SIZE_MAX : w.len;
}

/* Intern the decoded attributes: the set is them, byte for byte. */
static void
intern_oracle(const struct update_msg *m)
{
	static struct attr_table *t;
	static uint8_t x[65536], y[65536];
	const struct attr_set *s;
	struct attrs v;
	struct sbuf ox, oy;
	size_t nx, ny;

	if (t == NULL)
		t = attr_table_new();
	s = attrs_intern(t, &m->attrs);
	attrs_view(s, &v);
	if (!attrs_equal(&v, &m->attrs) || attrs_intern(t, &v) != s)
		abort();
	render(&ox, &m->attrs, x, sizeof(x), &nx);
	render(&oy, &v, y, sizeof(y), &ny);
	if (ox.len != oy.len || memcmp(ox.p, oy.p, ox.len) != 0 || nx != ny ||
	    (nx != SIZE_MAX && memcmp(x, y, nx) != 0))
		abort();
	sbuf_free(&ox);
	sbuf_free(&oy);
	attrs_unref(s);
	attrs_unref(s);
	if (attr_table_count(t) != 0)
		abort();
}

/* Re-encode decoded attributes as an IPv4 UPDATE and decode it again. */
static void
reencode_update(const struct update_msg *m, const struct update_ctx *ctx)
{
	static const uint8_t nlri[] = { 0x18, 0x0a, 0x00, 0x00 };
	struct attr_encode_ctx e = { .ibgp = !ctx->ebgp, .asn4 = ctx->asn4,
		.local_as = 65000 };
	uint8_t abuf[65536], msg[65536 + 64];
	struct wbuf aw, mw;
	struct update_msg m2;
	struct update_ctx c2 = *ctx;

	addr_from_u32(&e.local_v4, 0x7f000001);
	wbuf_init(&aw, abuf, sizeof(abuf));
	if (attrs_encode(&aw, &m->attrs, &e, FAM_IPV4_UNICAST, NULL, 0) == -1)
		return;
	wbuf_init(&mw, msg, sizeof(msg));
	if (update_encode_v4(&mw, NULL, 0, abuf, aw.len, nlri,
	    sizeof(nlri)) == -1)
		return;
	c2.addpath_rx = 0;
	update_msg_init(&m2);
	if (update_decode(msg + BGP_HEADER_LEN, mw.len - BGP_HEADER_LEN, &c2,
	    &m2) == UPD_SESSION_RESET)
		abort();
	update_msg_free(&m2);
}

/* The length of a JSON event line's envelope: up to "type". */
static size_t
envelope_len(const struct sbuf *o)
{
	const char *t = strstr(o->p, ",\"type\":\"");

	if (t == NULL)
		abort();
	return (size_t)(t - o->p);
}

/*
 * The receive path's rendering (issue 13 point 3): an UPDATE event, in
 * both JSON dialects, is one line of JSON that parses, and its envelope
 * (written by hand, parts of it kept between events) is the one json-c
 * writes for a KEEPALIVE with the same source, whatever the host name
 * (taken from the input: escaping), pid and time; the text event is
 * printable lines.
 */
static void
render_events(const struct update_msg *m, const struct update_ctx *ctx,
    const uint8_t *in, size_t len)
{
	static const struct api_msg_opts parsed = { .parsed = true };
	struct api_neighbor nb;
	struct api_source src;
	char host[24];
	size_t hl = len < sizeof(host) - 1 ? len : sizeof(host) - 1;
	uint32_t v = 0;
	struct sbuf u, k;

	memcpy(host, in, hl);
	host[hl] = '\0';
	for (size_t i = 0; i < len && i < 4; i++)
		v = v << 8 | in[len - 1 - i];
	memset(&nb, 0, sizeof(nb));
	addr_from_u32(&nb.local, 0x7f000001);
	addr_from_u32(&nb.peer, v);
	nb.local_as = 65000;
	nb.peer_as = v;
	nb.counter = v;
	src.host = host;
	src.pid = (int)(v & 0xffff);
	src.ppid = 1;
	/* around a second boundary and a fraction that rounds up */
	src.time = 1795609087.0 + (double)(v % 4096) / 2048.0 +
	    (v & 0x1000 ? 0.99999996 : 0.0);
	sbuf_init(&u);
	sbuf_init(&k);
	for (int enc = ENCODER_JSON; enc <= ENCODER_JSON6; enc++) {
		struct json_object *o;
		char *nl;

		sbuf_reset(&u);
		sbuf_reset(&k);
		event_encode_update(&u, enc, &src, &nb, API_DIR_RECEIVE,
		    &parsed, m, ctx->addpath_rx);
		event_encode_keepalive(&k, enc, &src, &nb, API_DIR_RECEIVE,
		    &parsed);
		if (u.len == 0 || (nl = strchr(u.p, '\n')) != u.p + u.len - 1)
			abort();
		if (envelope_len(&u) != envelope_len(&k) ||
		    memcmp(u.p, k.p, envelope_len(&u)) != 0)
			abort();
		if ((o = json_tokener_parse(u.p)) == NULL)
			abort();
		json_object_put(o);
	}
	/* the text event: printable lines, each ended */
	sbuf_reset(&u);
	event_encode_update(&u, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, m, ctx->addpath_rx);
	if (u.len == 0 || u.p[u.len - 1] != '\n')
		abort();
	for (size_t i = 0; i < u.len; i++)
		if (u.p[i] != '\n' && ((unsigned char)u.p[i] < 0x20 ||
		    (unsigned char)u.p[i] >= 0x7f))
			abort();
	sbuf_free(&u);
	sbuf_free(&k);
}

static void
fuzz_update(const uint8_t *body, size_t len, const struct update_ctx *ctx)
{
	struct update_msg m;
	int fam;

	update_msg_init(&m);
	if (update_decode(body, len, ctx, &m) != UPD_SESSION_RESET) {
		struct walk_bounds b = { body, len };

		update_foreach_route(&m, ctx->addpath_rx, check_route, &b);
		format_attrs(&m);
		intern_oracle(&m);
		render_events(&m, ctx, body, len);
		(void)update_is_eor(&m, &fam);
		reencode_update(&m, ctx);
	}
	update_msg_free(&m);
}

static void
fuzz_open(const uint8_t *body, size_t len)
{
	struct bgp_open o, o2;
	struct bgp_negotiated n;
	struct bgp_err err;
	uint8_t buf[4096];
	struct wbuf w;

	if (open_decode(body, len, &o, &err) == -1)
		return;
	caps_negotiate(&o, &o, &n);
	wbuf_init(&w, buf, sizeof(buf));
	if (open_encode(&w, &o) == -1)
		return;
	if (open_decode(buf + BGP_HEADER_LEN, w.len - BGP_HEADER_LEN, &o2,
	    &err) == -1)
		abort();
	if (o2.caps.mp != o.caps.mp || open_peer_as(&o2) != open_peer_as(&o))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update_ctx ctx;
	struct bgp_notification n;
	struct bgp_route_refresh rr;
	struct bgp_err err;
	const uint8_t *body;
	size_t blen;
	uint16_t len;
	uint8_t flags, type;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	memset(&ctx, 0, sizeof(ctx));
	ctx.asn4 = flags & 1;
	ctx.ebgp = (flags & 2) != 0;
	ctx.addpath_rx = (flags & 4) ? FAMSET_ALL : 0;
	ctx.families = (flags & 8) ? FAMSET_ALL :
	    FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	/* a framed message when the header is good, else all of it */
	body = data;
	blen = size;
	if (size >= BGP_HEADER_LEN &&
	    msg_header_check(data, (flags & 16) ? BGP_MAX_EXT_MSG : BGP_MAX_MSG,
	    &len, &type, &err) == 0 && len <= size) {
		body = data + BGP_HEADER_LEN;
		blen = len - BGP_HEADER_LEN;
	}
	fuzz_open(body, blen);
	(void)notification_decode(body, blen, &n);
	(void)route_refresh_decode(body, blen, &rr, &err);
	fuzz_update(body, blen, &ctx);
	return 0;
}
