/*
 * BGP message codec, part 1 (see msg.h): header framing, KEEPALIVE,
 * NOTIFICATION with RFC 9003 shutdown communications, ROUTE-REFRESH
 * (RFC 2918, 7313) and OPEN with capabilities (RFC 5492, 9072).
 *
 * Every byte is read through a bounded struct rbuf: a TLV gets its own
 * sub-reader, so a lying length can never make a parser read past the TLV
 * it belongs to. Encoders write through a struct wbuf and check its
 * sticky error once at the end.
 */
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/msg.h"
#include "evbgp/util.h"

void
bgp_err_set(struct bgp_err *err, uint8_t code, uint8_t subcode,
    const void *data, size_t datalen)
{
	if (datalen > sizeof(err->buf))
		datalen = sizeof(err->buf);
	err->code = code;
	err->subcode = subcode;
	err->datalen = (uint16_t)datalen;
	err->ref = NULL;
	if (datalen > 0)
		memcpy(err->buf, data, datalen);
}

void
bgp_err_ref(struct bgp_err *err, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t datalen)
{
	/* no BGP message holds more than 65535 octets */
	if (datalen > BGP_MAX_EXT_MSG)
		datalen = BGP_MAX_EXT_MSG;
	err->code = code;
	err->subcode = subcode;
	err->datalen = (uint16_t)datalen;
	err->ref = datalen > 0 ? data : NULL;
}

const uint8_t *
bgp_err_data(const struct bgp_err *err)
{
	return err->ref != NULL ? err->ref : err->buf;
}

/* ---- header ---- */

/* Smallest legal total length of a message of this type, 0 if unknown. */
static size_t
msg_type_min(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return BGP_OPEN_MIN;
	case BGP_MSG_UPDATE:
		return BGP_UPDATE_MIN;
	case BGP_MSG_NOTIFICATION:
		return BGP_NOTIFICATION_MIN;
	case BGP_MSG_KEEPALIVE:
		return BGP_KEEPALIVE_LEN;
	case BGP_MSG_ROUTE_REFRESH:
		/*
		 * RFC 7313 §5: a ROUTE-REFRESH of the wrong length is a
		 * ROUTE-REFRESH error (7/1), not a header error, so the
		 * header lets any length through and the decoder decides.
		 */
		return BGP_HEADER_LEN;
	default:
		return 0;
	}
}

const char *
msg_type_name(uint8_t type)
{
	static const char *const names[BGP_MSG_TYPE_COUNT] = {
		[BGP_MSG_OPEN] = "open",
		[BGP_MSG_UPDATE] = "update",
		[BGP_MSG_NOTIFICATION] = "notification",
		[BGP_MSG_KEEPALIVE] = "keepalive",
		[BGP_MSG_ROUTE_REFRESH] = "refresh",
	};

	return type < BGP_MSG_TYPE_COUNT && names[type] != NULL ?
	    names[type] : "unknown";
}

int
msg_header_check(const uint8_t hdr[19], size_t max_len, uint16_t *len,
    uint8_t *type, struct bgp_err *err)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct rbuf r;
	uint16_t l;
	uint8_t t;
	size_t min, max;

	/* RFC 4271 §6.1: the marker must be all ones (one compare: this
	 * runs for every message received) */
	if (memcmp(hdr, marker, BGP_MARKER_LEN) != 0) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_NOT_SYNC, NULL, 0);
		return -1;
	}
	rbuf_init(&r, hdr + BGP_MARKER_LEN, BGP_HEADER_LEN - BGP_MARKER_LEN);
	(void)rbuf_get_u16(&r, &l);
	(void)rbuf_get_u8(&r, &t);
	min = msg_type_min(t);
	max = max_len;
	/* RFC 8654 §4: OPEN and KEEPALIVE never exceed 4096 */
	if ((t == BGP_MSG_OPEN || t == BGP_MSG_KEEPALIVE) && max > BGP_MAX_MSG)
		max = BGP_MAX_MSG;
	/* RFC 4271 §6.1: the length field goes back as the data */
	if (l < BGP_HEADER_LEN || l > max || (min != 0 && l < min) ||
	    (t == BGP_MSG_KEEPALIVE && l != BGP_KEEPALIVE_LEN)) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH,
		    hdr + BGP_MARKER_LEN, 2);
		return -1;
	}
	if (min == 0) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_TYPE, &t, 1);
		return -1;
	}
	*len = l;
	*type = t;
	return 0;
}

int
msg_begin(struct wbuf *w, uint8_t type)
{
	for (int i = 0; i < BGP_MARKER_LEN; i++)
		wbuf_put_u8(w, 0xff);
	wbuf_put_u16(w, 0);
	wbuf_put_u8(w, type);
	return w->err ? -1 : 0;
}

int
msg_finish(struct wbuf *w, size_t start)
{
	size_t len;

	if (w->err || start > w->len)
		return -1;
	len = w->len - start;
	if (len < BGP_HEADER_LEN || len > BGP_MAX_EXT_MSG) {
		w->err = true;
		return -1;
	}
	return wbuf_set_u16(w, start + BGP_MARKER_LEN, (uint16_t)len);
}

int
keepalive_encode(struct wbuf *w)
{
	size_t start = w->len;

	msg_begin(w, BGP_MSG_KEEPALIVE);
	return msg_finish(w, start);
}

/* ---- NOTIFICATION ---- */

int
notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode,
    const void *data, size_t datalen)
{
	size_t start = w->len;

	msg_begin(w, BGP_MSG_NOTIFICATION);
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, subcode);
	wbuf_put_bytes(w, data, datalen);
	return msg_finish(w, start);
}

/* Valid UTF-8 without NUL (the text ends up in logs and JSON strings). */
static bool
utf8_valid_text(const uint8_t *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		if (s[i] == 0 || (l = utf8_seq(s + i, n - i, NULL)) == 0)
			return false;
		i += l;
	}
	return true;
}

int
notification_encode_shutdown(struct wbuf *w, uint8_t subcode,
    const char *text)
{
	uint8_t data[1 + BGP_SHUTDOWN_COMM_MAX];
	size_t len = text != NULL ? strlen(text) : 0;

	/* RFC 9003 §2: at most 255 octets; cut on a character boundary */
	if (len > BGP_SHUTDOWN_COMM_MAX) {
		len = BGP_SHUTDOWN_COMM_MAX;
		while (len > 0 && ((uint8_t)text[len] & 0xc0) == 0x80)
			len--;
	}
	data[0] = (uint8_t)len;
	if (len > 0)
		memcpy(data + 1, text, len);
	return notification_encode(w, BGP_ERR_CEASE, subcode, data, 1 + len);
}

int
notification_decode(const uint8_t *body, size_t len,
    struct bgp_notification *n)
{
	struct rbuf r, text;
	uint8_t tlen;

	memset(n, 0, sizeof(*n));
	rbuf_init(&r, body, len);
	if (rbuf_get_u8(&r, &n->code) == -1 ||
	    rbuf_get_u8(&r, &n->subcode) == -1)
		return -1;
	n->data = rbuf_left(&r) > 0 ? rbuf_ptr(&r) : NULL;
	n->datalen = rbuf_left(&r);
	/* RFC 9003 §2: Administrative Shutdown and Reset carry a length
	 * octet and UTF-8 text; anything malformed is only data. */
	if (n->code != BGP_ERR_CEASE ||
	    (n->subcode != BGP_CEASE_ADMIN_SHUTDOWN &&
	    n->subcode != BGP_CEASE_ADMIN_RESET))
		return 0;
	if (rbuf_get_u8(&r, &tlen) == -1 || tlen == 0 ||
	    rbuf_sub(&r, tlen, &text) == -1)
		return 0;
	if (!utf8_valid_text(rbuf_ptr(&text), rbuf_left(&text)))
		return 0;
	n->has_shutdown_comm = true;
	n->shutdown_comm = rbuf_ptr(&text);
	n->shutdown_comm_len = rbuf_left(&text);
	return 0;
}

static const char *const code_names[] = {
	[BGP_ERR_HEADER] = "Message Header Error",
	[BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error",
	[BGP_ERR_HOLD_TIMER] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error",
	[BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
	[BGP_ERR_SEND_HOLD_TIMER] = "Send Hold Timer Expired",
};

static const char *const header_names[] = {
	[0] = "Unspecific",
	[BGP_ERR_HDR_NOT_SYNC] = "Connection Not Synchronized",
	[BGP_ERR_HDR_BAD_LENGTH] = "Bad Message Length",
	[BGP_ERR_HDR_BAD_TYPE] = "Bad Message Type",
};

static const char *const open_names[] = {
	[BGP_ERR_OPEN_UNSPECIFIC] = "Unspecific",
	[BGP_ERR_OPEN_VERSION] = "Unsupported Version Number",
	[BGP_ERR_OPEN_BAD_PEER_AS] = "Bad Peer AS",
	[BGP_ERR_OPEN_BAD_BGP_ID] = "Bad BGP Identifier",
	[BGP_ERR_OPEN_OPT_PARAM] = "Unsupported Optional Parameter",
	[BGP_ERR_OPEN_AUTH] = "Authentication Failure",
	[BGP_ERR_OPEN_HOLD_TIME] = "Unacceptable Hold Time",
	[BGP_ERR_OPEN_CAPABILITY] = "Unsupported Capability",
	[BGP_ERR_OPEN_ROLE_MISMATCH] = "Role Mismatch",
};

static const char *const update_names[] = {
	[0] = "Unspecific",
	[BGP_ERR_UPD_ATTR_LIST] = "Malformed Attribute List",
	[BGP_ERR_UPD_UNKNOWN_WELLKNOWN] =
	    "Unrecognized Well-known Attribute",
	[BGP_ERR_UPD_MISSING_WELLKNOWN] = "Missing Well-known Attribute",
	[BGP_ERR_UPD_ATTR_FLAGS] = "Attribute Flags Error",
	[BGP_ERR_UPD_ATTR_LENGTH] = "Attribute Length Error",
	[BGP_ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[BGP_ERR_UPD_LOOP] = "AS Routing Loop",
	[BGP_ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[BGP_ERR_UPD_OPTIONAL_ATTR] = "Optional Attribute Error",
	[BGP_ERR_UPD_NETWORK] = "Invalid Network Field",
	[BGP_ERR_UPD_AS_PATH] = "Malformed AS_PATH",
};

static const char *const fsm_names[] = {
	[BGP_ERR_FSM_UNSPECIFIED] = "Unspecified Error",
	[BGP_ERR_FSM_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[BGP_ERR_FSM_OPENCONFIRM] =
	    "Receive Unexpected Message in OpenConfirm State",
	[BGP_ERR_FSM_ESTABLISHED] =
	    "Receive Unexpected Message in Established State",
};

static const char *const cease_names[] = {
	[0] = "Unspecific",
	[BGP_CEASE_MAX_PREFIXES] = "Maximum Number of Prefixes Reached",
	[BGP_CEASE_ADMIN_SHUTDOWN] = "Administrative Shutdown",
	[BGP_CEASE_PEER_DECONFIGURED] = "Peer De-configured",
	[BGP_CEASE_ADMIN_RESET] = "Administrative Reset",
	[BGP_CEASE_CONN_REJECTED] = "Connection Rejected",
	[BGP_CEASE_OTHER_CONFIG] = "Other Configuration Change",
	[BGP_CEASE_COLLISION] = "Connection Collision Resolution",
	[BGP_CEASE_OUT_OF_RESOURCES] = "Out of Resources",
	[BGP_CEASE_HARD_RESET] = "Hard Reset",
	[BGP_CEASE_BFD_DOWN] = "BFD Down",
};

static const char *const rr_names[] = {
	[0] = "Reserved",
	[BGP_ERR_RR_INVALID_LENGTH] = "Invalid Message Length",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
notification_code_name(uint8_t code)
{
	if (code < NELEM(code_names) && code_names[code] != NULL)
		return code_names[code];
	return "Unknown error code";
}

const char *
notification_subcode_name(uint8_t code, uint8_t subcode)
{
	const char *const *t = NULL;
	size_t n = 0;

	switch (code) {
	case BGP_ERR_HEADER:
		t = header_names, n = NELEM(header_names);
		break;
	case BGP_ERR_OPEN:
		t = open_names, n = NELEM(open_names);
		break;
	case BGP_ERR_UPDATE:
		t = update_names, n = NELEM(update_names);
		break;
	case BGP_ERR_FSM:
		t = fsm_names, n = NELEM(fsm_names);
		break;
	case BGP_ERR_CEASE:
		t = cease_names, n = NELEM(cease_names);
		break;
	case BGP_ERR_ROUTE_REFRESH:
		t = rr_names, n = NELEM(rr_names);
		break;
	case BGP_ERR_HOLD_TIMER:
	case BGP_ERR_SEND_HOLD_TIMER:
		/* these codes define no subcodes (RFC 4271 §4.5, 9687) */
		if (subcode == 0)
			return "Unspecific";
		break;
	}
	if (subcode < n && t[subcode] != NULL)
		return t[subcode];
	return "Unknown subcode";
}

/* ---- ROUTE-REFRESH ---- */

int
route_refresh_encode(struct wbuf *w, uint16_t afi, uint8_t safi,
    uint8_t subtype)
{
	size_t start = w->len;

	msg_begin(w, BGP_MSG_ROUTE_REFRESH);
	wbuf_put_u16(w, afi);
	wbuf_put_u8(w, subtype);
	wbuf_put_u8(w, safi);
	return msg_finish(w, start);
}

int
route_refresh_decode(const uint8_t *body, size_t len,
    struct bgp_route_refresh *rr, struct bgp_err *err)
{
	struct rbuf r;

	/*
	 * RFC 7313 §5: a length other than 4 is 7/1 with the message as
	 * data (we hold the body only). An unknown subtype is not an error
	 * here: the caller ignores it (RFC 7313 §5).
	 */
	rbuf_init(&r, body, len);
	if (len != 4) {
		bgp_err_ref(err, BGP_ERR_ROUTE_REFRESH,
		    BGP_ERR_RR_INVALID_LENGTH, body, len);
		return -1;
	}
	(void)rbuf_get_u16(&r, &rr->afi);
	(void)rbuf_get_u8(&r, &rr->subtype);
	(void)rbuf_get_u8(&r, &rr->safi);
	return 0;
}

/* ---- OPEN: encoding ---- */

/*
 * Start one capability in its own optional parameter (RFC 5492 §4); the
 * parameter length is 1 octet, or 2 in RFC 9072 extended form.
 */
static size_t
cap_begin(struct wbuf *w, bool ext, uint8_t code)
{
	size_t off;

	wbuf_put_u8(w, BGP_OPT_PARAM_CAPABILITY);
	off = w->len;
	if (ext)
		wbuf_put_u16(w, 0);
	else
		wbuf_put_u8(w, 0);
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, 0);
	return off;
}

/* Patch the parameter and capability lengths. */
static void
cap_end(struct wbuf *w, bool ext, size_t off)
{
	size_t hdr = ext ? 2 : 1;
	size_t plen, clen;

	if (w->err)
		return;
	plen = w->len - off - hdr;
	clen = plen - 2;
	if (clen > 255) {
		w->err = true;
		return;
	}
	if (ext)
		wbuf_set_u16(w, off, (uint16_t)plen);
	else
		wbuf_set_u8(w, off, (uint8_t)plen);
	wbuf_set_u8(w, off + hdr + 1, (uint8_t)clen);
}

static void
cap_put_empty(struct wbuf *w, bool ext, uint8_t code)
{
	cap_end(w, ext, cap_begin(w, ext, code));
}

static void
caps_put_mp(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	for (int f = 0; f < FAM_MAX; f++) {
		size_t off;

		if (!FAMSET_HAS(c->mp, f))
			continue;
		/* RFC 4760 §8: AFI, reserved, SAFI */
		off = cap_begin(w, ext, BGP_CAP_MP);
		wbuf_put_u16(w, family_afi(f));
		wbuf_put_u8(w, 0);
		wbuf_put_u8(w, family_safi(f));
		cap_end(w, ext, off);
	}
}

static bool
caps_any_nexthop(const struct bgp_caps *c)
{
	for (int f = 0; f < FAM_MAX; f++)
		if ((c->ext_nexthop[f] & 0xfe) != 0)
			return true;
	return false;
}

/* RFC 8950 §3: NLRI AFI u16, NLRI SAFI u16, next-hop AFI u16. */
static void
caps_put_ext_nexthop(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	size_t off;

	if (!caps_any_nexthop(c))
		return;
	off = cap_begin(w, ext, BGP_CAP_EXT_NEXTHOP);
	for (int f = 0; f < FAM_MAX; f++)
		for (unsigned nh = 1; nh < 8; nh++) {
			if ((c->ext_nexthop[f] & (1u << nh)) == 0)
				continue;
			wbuf_put_u16(w, family_afi(f));
			wbuf_put_u16(w, family_safi(f));
			wbuf_put_u16(w, (uint16_t)nh);
		}
	cap_end(w, ext, off);
}

/* RFC 7911 §4: AFI u16, SAFI u8, send/receive u8 per family. */
static void
caps_put_addpath(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	size_t off = 0;
	bool any = false;

	for (int f = 0; f < FAM_MAX; f++) {
		if (c->addpath[f] == 0)
			continue;
		if (!any)
			off = cap_begin(w, ext, BGP_CAP_ADD_PATH);
		any = true;
		wbuf_put_u16(w, family_afi(f));
		wbuf_put_u8(w, family_safi(f));
		wbuf_put_u8(w, c->addpath[f]);
	}
	if (any)
		cap_end(w, ext, off);
}

/* RFC 4724 §3: R bit and 12-bit restart time, then AFI/SAFI/flags. */
static void
caps_put_gr(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	size_t off;
	uint16_t v;

	if (!c->gr)
		return;
	off = cap_begin(w, ext, BGP_CAP_GRACEFUL_RESTART);
	v = (uint16_t)(c->gr_time & 0x0fff);
	if (c->gr_restarting)
		v |= BGP_GR_RESTART_FLAG << 12;
	wbuf_put_u16(w, v);
	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(c->gr_families, f))
			continue;
		wbuf_put_u16(w, family_afi(f));
		wbuf_put_u8(w, family_safi(f));
		wbuf_put_u8(w, FAMSET_HAS(c->gr_forwarding, f) ?
		    BGP_GR_FORWARDING_FLAG : 0);
	}
	cap_end(w, ext, off);
}

/* draft-walton-bgp-hostname §3: length-prefixed host and domain names. */
static void
caps_put_fqdn(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	size_t hl = strnlen(c->hostname, CAPS_FQDN_MAX);
	size_t dl = strnlen(c->domainname, CAPS_FQDN_MAX);
	size_t off;

	/* both must fit one capability value of 255 octets */
	if (hl > 253)
		hl = 253;
	if (hl + dl > 253)
		dl = 253 - hl;
	off = cap_begin(w, ext, BGP_CAP_FQDN);
	wbuf_put_u8(w, (uint8_t)hl);
	wbuf_put_bytes(w, c->hostname, hl);
	wbuf_put_u8(w, (uint8_t)dl);
	wbuf_put_bytes(w, c->domainname, dl);
	cap_end(w, ext, off);
}

static bool
caps_unknown_has(const struct bgp_caps *c, uint8_t code)
{
	for (size_t i = 0; i < c->nunknown && i < CAPS_MAX_UNKNOWN; i++)
		if (c->unknown[i].code == code)
			return true;
	return false;
}

/* Every capability in ExaBGP's order (see open_encode() in msg.h). */
static void
caps_put_all(struct wbuf *w, bool ext, const struct bgp_caps *c)
{
	size_t off;

	caps_put_mp(w, ext, c);
	if (c->asn4) {
		off = cap_begin(w, ext, BGP_CAP_AS4);
		wbuf_put_u32(w, c->as4);
		cap_end(w, ext, off);
	}
	caps_put_ext_nexthop(w, ext, c);
	caps_put_addpath(w, ext, c);
	caps_put_gr(w, ext, c);
	if (c->route_refresh)
		cap_put_empty(w, ext, BGP_CAP_ROUTE_REFRESH);
	if (c->route_refresh_cisco)
		cap_put_empty(w, ext, BGP_CAP_ROUTE_REFRESH_CISCO);
	if (c->enhanced_rr)
		cap_put_empty(w, ext, BGP_CAP_ENHANCED_RR);
	if (c->operational)
		cap_put_empty(w, ext, BGP_CAP_OPERATIONAL);
	if (c->ext_message)
		cap_put_empty(w, ext, BGP_CAP_EXT_MESSAGE);
	if (c->fqdn)
		caps_put_fqdn(w, ext, c);
	if (c->software[0] != '\0' &&
	    !caps_unknown_has(c, BGP_CAP_SOFTWARE_VERSION)) {
		size_t sl = strnlen(c->software, CAPS_SOFTWARE_MAX);

		/* draft-abraitis-bgp-version-capability §2: length, text */
		off = cap_begin(w, ext, BGP_CAP_SOFTWARE_VERSION);
		wbuf_put_u8(w, (uint8_t)sl);
		wbuf_put_bytes(w, c->software, sl);
		cap_end(w, ext, off);
	}
	if (c->link_local_nh &&
	    !caps_unknown_has(c, BGP_CAP_LINK_LOCAL_NEXTHOP))
		cap_put_empty(w, ext, BGP_CAP_LINK_LOCAL_NEXTHOP);
	if (c->multi_session) {
		/* ExaBGP: mode 0, then the capability codes it covers (MP) */
		off = cap_begin(w, ext, BGP_CAP_MULTI_SESSION);
		wbuf_put_u8(w, 0);
		wbuf_put_u8(w, BGP_CAP_MP);
		cap_end(w, ext, off);
	}
	for (size_t i = 0; i < c->nunknown && i < CAPS_MAX_UNKNOWN; i++) {
		off = cap_begin(w, ext, c->unknown[i].code);
		wbuf_put_bytes(w, c->unknown[i].data, c->unknown[i].len);
		cap_end(w, ext, off);
	}
}

int
open_encode(struct wbuf *w, const struct bgp_open *o)
{
	size_t start = w->len, optoff, optstart;
	uint16_t as = o->my_as;

	/* RFC 6793 §4.1: AS_TRANS in My AS when the AS needs 4 octets */
	if (o->caps.asn4)
		as = o->caps.as4 > 0xffff ? BGP_AS_TRANS : (uint16_t)o->caps.as4;
	msg_begin(w, BGP_MSG_OPEN);
	wbuf_put_u8(w, o->version != 0 ? o->version : BGP_VERSION);
	wbuf_put_u16(w, as);
	wbuf_put_u16(w, o->hold_time);
	wbuf_put_u32(w, o->bgp_id);
	optoff = w->len;
	wbuf_put_u8(w, 0);
	optstart = w->len;
	caps_put_all(w, false, &o->caps);
	if (w->err)
		return -1;
	if (w->len - optstart <= 255) {
		wbuf_set_u8(w, optoff, (uint8_t)(w->len - optstart));
		return msg_finish(w, start);
	}
	/* RFC 9072 §2: too long for one octet: extended parameters */
	wbuf_truncate(w, optstart);
	wbuf_set_u8(w, optoff, BGP_OPT_PARAM_EXTENDED);
	wbuf_put_u8(w, BGP_OPT_PARAM_EXTENDED);
	wbuf_put_u16(w, 0);
	caps_put_all(w, true, &o->caps);
	if (w->err)
		return -1;
	wbuf_set_u16(w, optstart + 1, (uint16_t)(w->len - optstart - 3));
	return msg_finish(w, start);
}

/* ---- OPEN: decoding ---- */

static int
open_fail(struct bgp_err *err, uint8_t subcode, const void *data,
    size_t datalen)
{
	bgp_err_set(err, BGP_ERR_OPEN, subcode, data, datalen);
	return -1;
}

/* RFC 4760 §8: AFI u16, reserved u8, SAFI u8. */
static int
cap_parse_mp(struct rbuf *v, struct bgp_caps *c)
{
	uint16_t afi;
	uint8_t res, safi;
	int f;

	if (rbuf_left(v) != 4)
		return -1;
	(void)rbuf_get_u16(v, &afi);
	(void)rbuf_get_u8(v, &res);
	(void)rbuf_get_u8(v, &safi);
	/* a family we have no name for is simply not negotiated */
	if ((f = family_lookup(afi, safi)) >= 0)
		c->mp |= FAMSET(f);
	return 0;
}

static int
cap_parse_as4(struct rbuf *v, struct bgp_caps *c)
{
	if (rbuf_left(v) != 4)
		return -1;
	(void)rbuf_get_u32(v, &c->as4);
	c->asn4 = true;
	return 0;
}

/* RFC 4724 §3 */
static int
cap_parse_gr(struct rbuf *v, struct bgp_caps *c)
{
	uint16_t ft, afi;
	uint8_t safi, flags;
	int f;

	if (rbuf_left(v) < 2 || (rbuf_left(v) - 2) % 4 != 0)
		return -1;
	(void)rbuf_get_u16(v, &ft);
	c->gr = true;
	c->gr_restarting = (ft >> 12) & BGP_GR_RESTART_FLAG;
	c->gr_time = ft & 0x0fff;
	c->gr_families = c->gr_forwarding = 0;
	while (rbuf_get_u16(v, &afi) == 0) {
		(void)rbuf_get_u8(v, &safi);
		(void)rbuf_get_u8(v, &flags);
		if ((f = family_lookup(afi, safi)) < 0)
			continue;
		c->gr_families |= FAMSET(f);
		if (flags & BGP_GR_FORWARDING_FLAG)
			c->gr_forwarding |= FAMSET(f);
	}
	return 0;
}

/* RFC 7911 §4: entries of 4 octets, send/receive in 1..3. */
static int
cap_parse_addpath(struct rbuf *v, struct bgp_caps *c)
{
	uint16_t afi;
	uint8_t safi, sr;
	int f;

	if (rbuf_left(v) == 0 || rbuf_left(v) % 4 != 0)
		return -1;
	while (rbuf_get_u16(v, &afi) == 0) {
		(void)rbuf_get_u8(v, &safi);
		(void)rbuf_get_u8(v, &sr);
		if (sr < BGP_ADDPATH_RECEIVE || sr > BGP_ADDPATH_BOTH)
			return -1;
		if ((f = family_lookup(afi, safi)) >= 0)
			c->addpath[f] = sr;
	}
	return 0;
}

/* RFC 8950 §3: entries of 6 octets. */
static int
cap_parse_ext_nexthop(struct rbuf *v, struct bgp_caps *c)
{
	uint16_t afi, safi, nhafi;
	int f;

	if (rbuf_left(v) == 0 || rbuf_left(v) % 6 != 0)
		return -1;
	while (rbuf_get_u16(v, &afi) == 0) {
		(void)rbuf_get_u16(v, &safi);
		(void)rbuf_get_u16(v, &nhafi);
		/* the bitmap holds next-hop AFIs 1..7; others are ignored */
		if (safi > 0xff || nhafi == 0 || nhafi >= 8)
			continue;
		if ((f = family_lookup(afi, (uint8_t)safi)) >= 0)
			c->ext_nexthop[f] |= (uint8_t)(1u << nhafi);
	}
	return 0;
}

/* One length-prefixed name into a NUL-terminated buffer. */
static int
fqdn_get(struct rbuf *v, char *dst)
{
	uint8_t l;

	if (rbuf_get_u8(v, &l) == -1 || rbuf_get_bytes(v, dst, l) == -1)
		return -1;
	dst[l] = '\0';
	return 0;
}

static int
cap_parse_fqdn(struct rbuf *v, struct bgp_caps *c)
{
	if (fqdn_get(v, c->hostname) == -1 ||
	    fqdn_get(v, c->domainname) == -1) {
		c->hostname[0] = c->domainname[0] = '\0';
		return -1;
	}
	c->fqdn = true;
	return 0;
}

static void
cap_keep_unknown(struct rbuf *v, uint8_t code, struct bgp_caps *c)
{
	struct cap_unknown *u;

	if (c->nunknown >= CAPS_MAX_UNKNOWN)
		return;
	u = &c->unknown[c->nunknown++];
	u->code = code;
	u->len = (uint8_t)rbuf_left(v);
	(void)rbuf_get_bytes(v, u->data, u->len);
}

/*
 * One capability value. Duplicates: families accumulate, scalar values
 * (AS4, hold, names, GR timer) are those of the last occurrence.
 * Capabilities without a value ignore whatever value they carry.
 */
static int
cap_parse_one(uint8_t code, struct rbuf *v, struct bgp_caps *c)
{
	if (c->norder < sizeof(c->order))
		c->order[c->norder++] = code;
	switch (code) {
	case BGP_CAP_MP:
		return cap_parse_mp(v, c);
	case BGP_CAP_AS4:
		return cap_parse_as4(v, c);
	case BGP_CAP_GRACEFUL_RESTART:
		return cap_parse_gr(v, c);
	case BGP_CAP_ADD_PATH:
		return cap_parse_addpath(v, c);
	case BGP_CAP_EXT_NEXTHOP:
		return cap_parse_ext_nexthop(v, c);
	case BGP_CAP_FQDN:
		return cap_parse_fqdn(v, c);
	case BGP_CAP_ROUTE_REFRESH:
		c->route_refresh = true;
		return 0;
	case BGP_CAP_ROUTE_REFRESH_CISCO:
		c->route_refresh_cisco = true;
		return 0;
	case BGP_CAP_ENHANCED_RR:
		c->enhanced_rr = true;
		return 0;
	case BGP_CAP_EXT_MESSAGE:
		c->ext_message = true;
		return 0;
	case BGP_CAP_MULTI_SESSION:
	case BGP_CAP_MULTI_SESSION_CISCO:
		c->multi_session = true;
		return 0;
	case BGP_CAP_OPERATIONAL:
		c->operational = true;
		return 0;
	case BGP_CAP_LINK_LOCAL_NEXTHOP:
		c->link_local_nh = true;
		cap_keep_unknown(v, code, c);
		return 0;
	default:
		cap_keep_unknown(v, code, c);
		return 0;
	}
}

/* RFC 5492 §4: a Capabilities parameter holds a list of code/len/value. */
static int
caps_parse(struct rbuf *p, struct bgp_caps *c, struct bgp_err *err)
{
	uint8_t code, len;
	struct rbuf v;

	while (rbuf_left(p) > 0) {
		if (rbuf_get_u8(p, &code) == -1 || rbuf_get_u8(p, &len) == -1 ||
		    rbuf_sub(p, len, &v) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
		if (cap_parse_one(code, &v, c) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	}
	return 0;
}

/*
 * The optional parameters: 1-octet type and length, or (RFC 9072 §2)
 * after the 255/255 marker a 2-octet total and 2-octet lengths.
 */
static int
open_params(struct rbuf *r, struct bgp_open *o, struct bgp_err *err)
{
	struct rbuf params, p;
	uint8_t optlen, type, peek, l8;
	uint16_t l16;
	bool ext = false;

	(void)rbuf_get_u8(r, &optlen);
	if (optlen == BGP_OPT_PARAM_EXTENDED &&
	    rbuf_peek_u8(r, 0, &peek) == 0 && peek == BGP_OPT_PARAM_EXTENDED) {
		ext = true;
		(void)rbuf_skip(r, 1);
		if (rbuf_get_u16(r, &l16) == -1 || rbuf_sub(r, l16, &params) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	} else if (rbuf_sub(r, optlen, &params) == -1)
		return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	/* RFC 4271 §6.2: the parameters must fill the message exactly */
	if (rbuf_left(r) != 0)
		return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	while (rbuf_left(&params) > 0) {
		if (rbuf_get_u8(&params, &type) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
		if (ext ? rbuf_get_u16(&params, &l16) == -1 :
		    rbuf_get_u8(&params, &l8) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
		if (!ext)
			l16 = l8;
		if (rbuf_sub(&params, l16, &p) == -1)
			return open_fail(err, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
		if (type != BGP_OPT_PARAM_CAPABILITY)
			return open_fail(err, BGP_ERR_OPEN_OPT_PARAM, NULL, 0);
		if (caps_parse(&p, &o->caps, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * Both decoders: validate adds the RFC 4271 §6.2 / RFC 6286 / RFC 7607
 * checks of the fixed fields; without it only the framing (length,
 * optional parameters, capabilities) can fail.
 */
static int
open_decode_fields(const uint8_t *body, size_t len, struct bgp_open *o,
    struct bgp_err *err, bool validate)
{
	static const uint8_t version[2] = { 0, BGP_VERSION };
	struct rbuf r;

	memset(o, 0, sizeof(*o));
	rbuf_init(&r, body, len);
	if (len < BGP_OPEN_MIN - BGP_HEADER_LEN) {
		uint8_t l[2] = { (uint8_t)((len + 19) >> 8), (uint8_t)(len + 19) };

		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH, l, 2);
		return -1;
	}
	(void)rbuf_get_u8(&r, &o->version);
	(void)rbuf_get_u16(&r, &o->my_as);
	(void)rbuf_get_u16(&r, &o->hold_time);
	(void)rbuf_get_u32(&r, &o->bgp_id);
	/* RFC 4271 §6.2: data is the largest version we support */
	if (validate && o->version != BGP_VERSION)
		return open_fail(err, BGP_ERR_OPEN_VERSION, version, 2);
	/* RFC 4271 §6.2: hold time 1 or 2 seconds MUST be rejected */
	if (validate && (o->hold_time == 1 || o->hold_time == 2))
		return open_fail(err, BGP_ERR_OPEN_HOLD_TIME, NULL, 0);
	/* RFC 6286 §2.2: the identifier is a non-zero 32-bit number */
	if (validate && o->bgp_id == 0)
		return open_fail(err, BGP_ERR_OPEN_BAD_BGP_ID, NULL, 0);
	/* RFC 7607 §2: AS 0 is never a valid peer AS */
	if (validate && o->my_as == 0)
		return open_fail(err, BGP_ERR_OPEN_BAD_PEER_AS, NULL, 0);
	if (open_params(&r, o, err) == -1)
		return -1;
	if (validate && o->caps.asn4 && o->caps.as4 == 0)
		return open_fail(err, BGP_ERR_OPEN_BAD_PEER_AS, NULL, 0);
	return 0;
}

int
open_decode(const uint8_t *body, size_t len, struct bgp_open *o,
    struct bgp_err *err)
{
	return open_decode_fields(body, len, o, err, true);
}

int
open_decode_lax(const uint8_t *body, size_t len, struct bgp_open *o)
{
	struct bgp_err err;

	return open_decode_fields(body, len, o, &err, false);
}

uint32_t
open_peer_as(const struct bgp_open *o)
{
	return o->caps.asn4 ? o->caps.as4 : o->my_as;
}

/* RFC 4760 §7 via RFC 4271: no MP capability at all means IPv4 unicast. */
static famset_t
caps_families(const struct bgp_caps *c)
{
	return c->mp != 0 ? c->mp : FAMSET(FAM_IPV4_UNICAST);
}

void
caps_negotiate(const struct bgp_open *local, const struct bgp_open *peer,
    struct bgp_negotiated *n)
{
	const struct bgp_caps *l = &local->caps, *p = &peer->caps;

	memset(n, 0, sizeof(*n));
	n->families = caps_families(l) & caps_families(p);
	n->asn4 = l->asn4 && p->asn4;
	/* Cisco's pre-standard code 128 means the same thing (RFC 2918) */
	n->route_refresh = (l->route_refresh || l->route_refresh_cisco) &&
	    (p->route_refresh || p->route_refresh_cisco);
	n->enhanced_rr = l->enhanced_rr && p->enhanced_rr;
	n->ext_message = l->ext_message && p->ext_message;
	n->max_msg = n->ext_message ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	/* RFC 4271 §4.2: the smaller hold time, keepalive a third of it */
	n->hold_time = local->hold_time < peer->hold_time ? local->hold_time :
	    peer->hold_time;
	n->keepalive = n->hold_time / 3;
	n->gr = l->gr && p->gr;
	n->link_local_nh = l->link_local_nh && p->link_local_nh;
	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(n->families, f))
			continue;
		/* RFC 7911 §4: we send if we can send and they receive */
		if ((l->addpath[f] & BGP_ADDPATH_SEND) &&
		    (p->addpath[f] & BGP_ADDPATH_RECEIVE))
			n->addpath_tx |= FAMSET(f);
		if ((l->addpath[f] & BGP_ADDPATH_RECEIVE) &&
		    (p->addpath[f] & BGP_ADDPATH_SEND))
			n->addpath_rx |= FAMSET(f);
		/* RFC 8950 §4: both sides must list (family, the other
		 * address family) */
		if (l->ext_nexthop[f] & p->ext_nexthop[f] &
		    (1u << (family_afi((enum family_id)f) == BGP_AFI_IPV4 ?
		    BGP_AFI_IPV6 : BGP_AFI_IPV4)))
			n->ext_nexthop |= FAMSET(f);
	}
}
