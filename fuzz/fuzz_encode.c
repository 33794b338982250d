/*
 * libFuzzer target for the helper event encoders (event_encode_*), fed the
 * way events.c feeds them: a message is decoded (an OPEN with the
 * lax decoder, so one that fails validation is still shown; an UPDATE
 * with its RFC 7606 verdict) and encoded with the decoded form, or
 * without it when decoding failed, for the options the input chooses.
 *
 * Input: byte 0 the session (bit 0 4-octet AS, 1 eBGP, 2 ADD-PATH in
 * every family, 3 every family negotiated, 4 extended messages, 5 the
 * ADD-PATH families also on the encoding side), byte 1 the rendering
 * (bit 0 text encoder, 1 parsed, 2 packets, 3 consolidate, 4 send
 * direction), byte 2 the message type (1..5 after % 5 + 1), the rest the
 * message body; the 19-octet header is made here.
 *
 * The promises checked (event_encode.h): each call appends whole lines;
 * JSON is exactly one line that parses as one JSON object; text holds no
 * control characters but the line ends; what a peer sends never adds a
 * line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "evbgp/event_encode.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/msg.h"
#include "evbgp/update.h"
#include "evbgp/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *why, const struct sbuf *out)
{
	fprintf(stderr, "encoder promise broken: %s\n%.*s\n", why,
	    (int)out->len, out->p);
	abort();
}

/* One JSON object per line, nothing else. */
static void
check_json_line(const char *line, size_t len, const struct sbuf *out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;

	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success)
		fail("a JSON line does not parse", out);
	if ((size_t)json_tokener_get_parse_end(tok) != len)
		fail("a JSON line holds more than one value", out);
	if (!json_object_is_type(obj, json_type_object))
		fail("a JSON line is not an object", out);
	json_object_put(obj);
	json_tokener_free(tok);
}

static void
check_output(const struct sbuf *out, enum cfg_encoder enc, bool block)
{
	size_t start = 0, lines = 0;

	if (out->len == 0)
		return;
	if (out->p[out->len - 1] != '\n')
		fail("output does not end a line", out);
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->p[i];

		if (c == '\n') {
			if (enc != ENCODER_TEXT)
				check_json_line(out->p + start, i - start,
				    out);
			else if (i == start)
				fail("an empty text line", out);
			start = i + 1;
			lines++;
		} else if (c < 0x20 || c == 0x7f)
			fail("a control character in an event", out);
	}
	if (lines > 1 && !block)
		fail("one event, several lines", out);
}

/* A NUL-terminated string made of (at most 256 of) the body's bytes. */
static char *
body_string(const uint8_t *b, size_t n)
{
	char *s;

	if (n > 256)
		n = 256;
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, b, n);
	s[n] = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_MAX_EXT_MSG];
	struct api_source src = { .host = "fuzz\"host", .pid = 42, .ppid = 1,
		.time = 1700000000.25 };
	struct api_neighbor nb = { .local_as = 65000, .peer_as = 65001,
		.counter = 7 };
	struct api_msg_opts o;
	struct update_ctx ctx;
	struct update_msg m;
	struct bgp_open open;
	struct bgp_route_refresh rr;
	struct bgp_err err;
	struct sbuf out;
	enum cfg_encoder enc;
	enum api_dir dir;
	famset_t addpath;
	uint8_t sess, rend, type, t;
	uint16_t len;
	size_t blen, max;
	bool parsed, ok;
	char *reason;

	if (size < 3)
		return 0;
	sess = data[0];
	rend = data[1];
	type = (uint8_t)(data[2] % 5 + 1);
	data += 3;
	size -= 3;
	max = (sess & 16) ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	if (size > max - BGP_HEADER_LEN)
		return 0;
	memset(msg, 0xff, BGP_MARKER_LEN);
	be16_put(msg + BGP_MARKER_LEN, (uint16_t)(size + BGP_HEADER_LEN));
	msg[18] = type;
	memcpy(msg + BGP_HEADER_LEN, data, size);
	blen = size;
	/* only what the framing lets through reaches the encoders */
	if (msg_header_check(msg, max, &len, &t, &err) == -1)
		return 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.asn4 = sess & 1;
	ctx.ebgp = (sess & 2) != 0;
	ctx.addpath_rx = (sess & 4) ? FAMSET_ALL : 0;
	ctx.families = (sess & 8) ? FAMSET_ALL :
	    FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	addpath = (sess & 32) ? ctx.addpath_rx : 0;
	addr_from_u32(&nb.local, 0x7f000001);
	addr_from_u32(&nb.peer, 0x7f000002);
	/* 32: ExaBGP main's JSON dialect */
	enc = (rend & 1) ? ENCODER_TEXT : (rend & 32) ? ENCODER_JSON6 :
	    ENCODER_JSON;
	nb.router_id = 0x0a000001;
	dir = (rend & 16) ? API_DIR_SEND : API_DIR_RECEIVE;
	memset(&o, 0, sizeof(o));
	o.parsed = (rend & 2) != 0;
	o.packets = (rend & 4) != 0;
	o.consolidate = (rend & 8) != 0;
	o.raw = msg;
	o.rawlen = len;
	parsed = o.parsed || o.consolidate;

	sbuf_init(&out);
	switch (type) {
	case BGP_MSG_OPEN:
		ok = open_decode_lax(msg + BGP_HEADER_LEN, blen, &open) == 0;
		event_encode_open(&out, enc, &src, &nb, dir, &o,
		    parsed && ok ? &open : NULL);
		check_output(&out, enc, false);
		break;
	case BGP_MSG_UPDATE:
		update_msg_init(&m);
		update_decode(msg + BGP_HEADER_LEN, blen, &ctx, &m);
		ok = m.verdict != UPD_SESSION_RESET;
		event_encode_update(&out, enc, &src, &nb, dir, &o,
		    parsed && ok ? &m : NULL, addpath);
		check_output(&out, enc, enc == ENCODER_TEXT);
		update_msg_free(&m);
		break;
	case BGP_MSG_NOTIFICATION:
		event_encode_notification(&out, enc, &src, &nb, dir, &o,
		    msg[BGP_HEADER_LEN], msg[BGP_HEADER_LEN + 1],
		    msg + BGP_HEADER_LEN + 2, blen - 2);
		check_output(&out, enc, false);
		break;
	case BGP_MSG_KEEPALIVE:
		event_encode_keepalive(&out, enc, &src, &nb, dir, &o);
		check_output(&out, enc, false);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (route_refresh_decode(msg + BGP_HEADER_LEN, blen, &rr,
		    &err) == 0)
			event_encode_refresh(&out, enc, &src, &nb, dir, &o,
			    rr.afi, rr.safi, rr.subtype);
		check_output(&out, enc, false);
		break;
	}
	/* the state event's reason, escaped like any peer text */
	sbuf_reset(&out);
	reason = body_string(msg + BGP_HEADER_LEN, blen);
	event_encode_state(&out, enc, &src, &nb, (rend & 32) ? "down" : "up",
	    (rend & 32) ? reason : NULL);
	check_output(&out, enc, false);
	free(reason);
	sbuf_free(&out);
	return 0;
}
