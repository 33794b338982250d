/*
 * Event encoders: the public entry points (one per event, dispatching on
 * the helper's encoder), JSON string escaping, and what the JSON and text
 * dialects share. The dialects themselves are event_json.c and event_text.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "evbgp/event_encode.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/bgp_attr.h"

#include "event_encode_priv.h"

/* ---- shared helpers ---- */

enum api_mode
api_mode(const struct api_msg_opts *o)
{
	if (o == NULL)
		return API_MODE_PARSED;
	/* parsed + packets without consolidate: one line holds both */
	if (o->consolidate || (o->parsed && o->packets))
		return API_MODE_CONSOLIDATE;
	if (o->packets)
		return API_MODE_PACKETS;
	return API_MODE_PARSED;
}

bool
api_has_raw(const struct api_msg_opts *o)
{
	return o != NULL && o->raw != NULL && o->rawlen >= BGP_HEADER_LEN;
}

const char *
api_dir_name(enum api_dir dir)
{
	return dir == API_DIR_SEND ? "send" : "receive";
}

void
api_hex(struct sbuf *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char chunk[128];
	size_t k = 0;

	sbuf_add(out, "0x", 2);
	for (size_t i = 0; i < n; i++) {
		chunk[k++] = digits[p[i] >> 4];
		chunk[k++] = digits[p[i] & 15];
		if (k == sizeof(chunk)) {
			sbuf_add(out, chunk, k);
			k = 0;
		}
	}
	sbuf_add(out, chunk, k);
}

bool
api_shutdown_text(uint8_t code, uint8_t subcode, const uint8_t *data,
    size_t len, const uint8_t **text, size_t *tlen)
{
	/* RFC 9003 §2: Cease, Administrative Shutdown or Reset */
	if (code != BGP_ERR_CEASE || (subcode != 2 && subcode != 4) ||
	    len < 1 || (size_t)data[0] > len - 1)
		return false;
	*text = data + 1;
	*tlen = data[0];
	return true;
}

const char *
api_refresh_subtype(uint8_t subtype)
{
	static const char *const names[] = { "query", "begin", "end" };

	return subtype < 3 ? names[subtype] : "unknown";
}

/* Text-safe bytes: printable ASCII except '\\' and also[], else \xHH. */
void
event_text_escape(struct sbuf *out, const uint8_t *s, size_t len,
    const char *also)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    (also == NULL || strchr(also, c) == NULL))
			sbuf_addc(out, (char)c);
		else
			sbuf_printf(out, "\\x%02X", c);
	}
}

/* ---- UPDATE attributes ---- */

bool
api_update_has_attrs(const struct update_msg *m)
{
	unsigned mp = (m->has_mp_reach ? 1u : 0u) +
	    (m->has_mp_unreach ? 1u : 0u);

	if (m->verdict >= UPD_TREAT_AS_WITHDRAW)
		return false;
	return m->nattrs > mp;
}

/* ---- JSON string escaping ---- */

/* Characters JSON allows raw but line-oriented readers may split on. */
static bool
unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

void
event_json_escape(struct sbuf *out, const uint8_t *s, size_t len)
{
	size_t i = 0, run = 0;
	uint32_t cp;
	size_t n;

	while (i < len) {
		uint8_t c = s[i];

		n = 0;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (n = utf8_seq(s + i, len - i, &cp)) > 0 &&
		    !unsafe_cp(cp)) {
			i += n;
			continue;
		}
		sbuf_add(out, (const char *)s + run, i - run);
		if (c == '"' || c == '\\') {
			sbuf_addc(out, '\\');
			sbuf_addc(out, (char)c);
			n = 1;
		} else if (c < 0x80) {
			sbuf_printf(out, "\\u%04x", c);
			n = 1;
		} else if (n > 0) {
			sbuf_printf(out, "\\u%04x", cp);
		} else {
			sbuf_add(out, "\\ufffd", 6);
			n = 1;
		}
		i += n;
		run = i;
	}
	sbuf_add(out, (const char *)s + run, i - run);
}

/* ---- the public entry points ---- */

void
event_encode_state(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    const char *state, const char *reason)
{
	if (enc == ENCODER_TEXT)
		event_text_state(out, nb, state, reason);
	else
		event_json_state(out, enc == ENCODER_JSON6, src, nb, state,
		    reason);
}

/*
 * A message that could not be decoded has no parsed form: it is given
 * raw (the packets form) when the helper asked for the raw bytes in any
 * form, and not at all otherwise. True with *ro set when it is given.
 */
static bool
raw_only_opts(const struct api_msg_opts *o, struct api_msg_opts *ro)
{
	if (!api_has_raw(o) || !(o->packets || o->consolidate))
		return false;
	*ro = *o;
	ro->parsed = false;
	ro->consolidate = false;
	ro->packets = true;
	return true;
}

void
event_encode_open(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o,
    const struct bgp_open *open)
{
	struct api_msg_opts ro;

	if (open == NULL && api_mode(o) != API_MODE_PACKETS) {
		if (!raw_only_opts(o, &ro))
			return;
		o = &ro;
	}
	if (enc == ENCODER_TEXT)
		event_text_open(out, nb, dir, o, open);
	else
		event_json_open(out, enc == ENCODER_JSON6, src, nb, dir, o, open);
}

void
event_encode_keepalive(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o)
{
	if (enc == ENCODER_TEXT)
		event_text_keepalive(out, nb, dir, o);
	else
		event_json_keepalive(out, enc == ENCODER_JSON6, src, nb, dir, o);
}

void
event_encode_update(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o,
    const struct update_msg *m, famset_t addpath)
{
	struct api_msg_opts ro;

	if (m == NULL && api_mode(o) != API_MODE_PACKETS) {
		if (!raw_only_opts(o, &ro))
			return;
		o = &ro;
	}
	if (enc == ENCODER_TEXT)
		event_text_update(out, nb, dir, o, m, addpath);
	else
		event_json_update(out, enc == ENCODER_JSON6, src, nb, dir, o, m,
		    addpath);
}

void
event_encode_notification(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o, uint8_t code,
    uint8_t subcode, const uint8_t *data, size_t datalen)
{
	if (enc == ENCODER_TEXT)
		event_text_notification(out, nb, dir, o, code, subcode, data,
		    datalen);
	else
		event_json_notification(out, enc == ENCODER_JSON6, src, nb, dir,
		    o, code, subcode, data, datalen);
}

void
event_encode_refresh(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o, uint16_t afi,
    uint8_t safi, uint8_t subtype)
{
	if (enc == ENCODER_TEXT)
		event_text_refresh(out, nb, dir, o, afi, safi, subtype);
	else
		event_json_refresh(out, enc == ENCODER_JSON6, src, nb, dir, o,
		    afi, safi, subtype);
}

void
event_encode_shutdown(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src)
{
	if (enc == ENCODER_TEXT)
		event_text_shutdown(out, src);
	else
		event_json_shutdown(out, enc == ENCODER_JSON6, src);
}

void
event_encode_overflow(struct sbuf *out, enum cfg_encoder enc,
    const struct api_source *src, unsigned long dropped)
{
	if (enc == ENCODER_TEXT)
		event_text_overflow(out, dropped);
	else
		event_json_overflow(out, enc == ENCODER_JSON6, src, dropped);
}
