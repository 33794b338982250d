/*
 * Message codec part 1: header framing, KEEPALIVE, NOTIFICATION (RFC 9003
 * shutdown communication), ROUTE-REFRESH, OPEN encode/decode and
 * capability negotiation.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/msg.h"

#include "codec_hex.h"

/* ---- header ---- */

struct hdr_vec {
	const char	*name;
	const char	*hex;		/* 19 bytes */
	size_t		 max_len;
	int		 rc;
	uint8_t		 code, subcode;
	const char	*data;		/* expected error data (hex) */
	uint16_t	 len;
	uint8_t		 type;
};

static const struct hdr_vec hdr_vecs[] = {
	{ "keepalive", FFx16 "0013 04", 4096, 0, 0, 0, "", 19, 4 },
	{ "open min", FFx16 "001D 01", 4096, 0, 0, 0, "", 29, 1 },
	{ "update min", FFx16 "0017 02", 4096, 0, 0, 0, "", 23, 2 },
	{ "notification min", FFx16 "0015 03", 4096, 0, 0, 0, "", 21, 3 },
	{ "route-refresh", FFx16 "0017 05", 4096, 0, 0, 0, "", 23, 5 },
	{ "route-refresh 22 left to decoder", FFx16 "0016 05", 4096, 0, 0, 0,
	    "", 22, 5 },
	{ "update 4096", FFx16 "1000 02", 4096, 0, 0, 0, "", 4096, 2 },
	{ "update 4097 extended", FFx16 "1001 02", 65535, 0, 0, 0, "", 4097,
	    2 },
	{ "update 65535 extended", FFx16 "FFFF 02", 65535, 0, 0, 0, "",
	    65535, 2 },
	{ "bad marker first", "7F" "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" "0013 04",
	    4096, -1, 1, 1, "", 0, 0 },
	{ "bad marker last", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" "FE" "0013 04",
	    4096, -1, 1, 1, "", 0, 0 },
	{ "zero marker", "00000000000000000000000000000000 0013 04", 4096,
	    -1, 1, 1, "", 0, 0 },
	{ "length 0", FFx16 "0000 04", 4096, -1, 1, 2, "0000", 0, 0 },
	{ "length 18", FFx16 "0012 04", 4096, -1, 1, 2, "0012", 0, 0 },
	{ "open 28", FFx16 "001C 01", 4096, -1, 1, 2, "001C", 0, 0 },
	{ "update 22", FFx16 "0016 02", 4096, -1, 1, 2, "0016", 0, 0 },
	{ "notification 20", FFx16 "0014 03", 4096, -1, 1, 2, "0014", 0, 0 },
	{ "keepalive 20", FFx16 "0014 04", 4096, -1, 1, 2, "0014", 0, 0 },
	{ "update 4097 no ext", FFx16 "1001 02", 4096, -1, 1, 2, "1001", 0,
	    0 },
	{ "open 4097 even with ext", FFx16 "1001 01", 65535, -1, 1, 2, "1001",
	    0, 0 },
	{ "keepalive 4097 ext", FFx16 "1001 04", 65535, -1, 1, 2, "1001", 0,
	    0 },
	{ "type 0", FFx16 "0013 00", 4096, -1, 1, 3, "00", 0, 0 },
	{ "type 6", FFx16 "0013 06", 4096, -1, 1, 3, "06", 0, 0 },
	{ "type 255", FFx16 "0040 FF", 4096, -1, 1, 3, "FF", 0, 0 },
	{ "bad length beats bad type", FFx16 "0005 FF", 4096, -1, 1, 2,
	    "0005", 0, 0 },
};

START_TEST(test_header)
{
	const struct hdr_vec *v = &hdr_vecs[_i];
	uint8_t hdr[19], data[64];
	struct bgp_err err;
	uint16_t len = 0;
	uint8_t type = 0;
	size_t dl;
	int rc;

	ck_assert_uint_eq(hex2bin(v->hex, hdr, sizeof(hdr)), 19);
	memset(&err, 0xAA, sizeof(err));
	rc = msg_header_check(hdr, v->max_len, &len, &type, &err);
	ck_assert_msg(rc == v->rc, "%s: rc %d", v->name, rc);
	if (rc == 0) {
		ck_assert_uint_eq(len, v->len);
		ck_assert_uint_eq(type, v->type);
		return;
	}
	ck_assert_msg(err.code == v->code && err.subcode == v->subcode,
	    "%s: got %u/%u", v->name, err.code, err.subcode);
	dl = hex2bin(v->data, data, sizeof(data));
	ck_assert_uint_eq(err.datalen, dl);
	ck_assert(memcmp(bgp_err_data(&err), data, dl) == 0);
}
END_TEST

static void
ck_wbuf_hex(const struct wbuf *w, const char *want)
{
	char got[2 * 4096 + 1], norm[2 * 4096 + 1];

	ck_assert(!w->err);
	bin2hex(w->buf, w->len, got);
	ck_assert_str_eq(got, hexnorm(want, norm));
}

START_TEST(test_keepalive)
{
	uint8_t buf[64], small[18];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(keepalive_encode(&w), 0);
	ck_wbuf_hex(&w, FFx16 "0013 04");
	/* a second message is appended after the first */
	ck_assert_int_eq(keepalive_encode(&w), 0);
	ck_assert_uint_eq(w.len, 38);
	wbuf_init(&w, small, sizeof(small));
	ck_assert_int_eq(keepalive_encode(&w), -1);
}
END_TEST

/* ---- NOTIFICATION ---- */

struct name_vec {
	uint8_t		 code, subcode;
	const char	*code_name, *subcode_name;
};

static const struct name_vec name_vecs[] = {
	{ 1, 0, "Message Header Error", "Unspecific" },
	{ 1, 1, "Message Header Error", "Connection Not Synchronized" },
	{ 1, 2, "Message Header Error", "Bad Message Length" },
	{ 1, 3, "Message Header Error", "Bad Message Type" },
	{ 1, 4, "Message Header Error", "Unknown subcode" },
	{ 2, 0, "OPEN Message Error", "Unspecific" },
	{ 2, 1, "OPEN Message Error", "Unsupported Version Number" },
	{ 2, 2, "OPEN Message Error", "Bad Peer AS" },
	{ 2, 3, "OPEN Message Error", "Bad BGP Identifier" },
	{ 2, 4, "OPEN Message Error", "Unsupported Optional Parameter" },
	{ 2, 5, "OPEN Message Error", "Authentication Failure" },
	{ 2, 6, "OPEN Message Error", "Unacceptable Hold Time" },
	{ 2, 7, "OPEN Message Error", "Unsupported Capability" },
	{ 2, 8, "OPEN Message Error", "Unknown subcode" },
	{ 2, 11, "OPEN Message Error", "Role Mismatch" },
	{ 3, 0, "UPDATE Message Error", "Unspecific" },
	{ 3, 1, "UPDATE Message Error", "Malformed Attribute List" },
	{ 3, 2, "UPDATE Message Error", "Unrecognized Well-known Attribute" },
	{ 3, 3, "UPDATE Message Error", "Missing Well-known Attribute" },
	{ 3, 4, "UPDATE Message Error", "Attribute Flags Error" },
	{ 3, 5, "UPDATE Message Error", "Attribute Length Error" },
	{ 3, 6, "UPDATE Message Error", "Invalid ORIGIN Attribute" },
	{ 3, 7, "UPDATE Message Error", "AS Routing Loop" },
	{ 3, 8, "UPDATE Message Error", "Invalid NEXT_HOP Attribute" },
	{ 3, 9, "UPDATE Message Error", "Optional Attribute Error" },
	{ 3, 10, "UPDATE Message Error", "Invalid Network Field" },
	{ 3, 11, "UPDATE Message Error", "Malformed AS_PATH" },
	{ 3, 12, "UPDATE Message Error", "Unknown subcode" },
	{ 4, 0, "Hold Timer Expired", "Unspecific" },
	{ 4, 1, "Hold Timer Expired", "Unknown subcode" },
	{ 5, 0, "Finite State Machine Error", "Unspecified Error" },
	{ 5, 1, "Finite State Machine Error",
	    "Receive Unexpected Message in OpenSent State" },
	{ 5, 2, "Finite State Machine Error",
	    "Receive Unexpected Message in OpenConfirm State" },
	{ 5, 3, "Finite State Machine Error",
	    "Receive Unexpected Message in Established State" },
	{ 5, 4, "Finite State Machine Error", "Unknown subcode" },
	{ 6, 0, "Cease", "Unspecific" },
	{ 6, 1, "Cease", "Maximum Number of Prefixes Reached" },
	{ 6, 2, "Cease", "Administrative Shutdown" },
	{ 6, 3, "Cease", "Peer De-configured" },
	{ 6, 4, "Cease", "Administrative Reset" },
	{ 6, 5, "Cease", "Connection Rejected" },
	{ 6, 6, "Cease", "Other Configuration Change" },
	{ 6, 7, "Cease", "Connection Collision Resolution" },
	{ 6, 8, "Cease", "Out of Resources" },
	{ 6, 9, "Cease", "Hard Reset" },
	{ 6, 10, "Cease", "BFD Down" },
	{ 6, 11, "Cease", "Unknown subcode" },
	{ 7, 0, "ROUTE-REFRESH Message Error", "Reserved" },
	{ 7, 1, "ROUTE-REFRESH Message Error", "Invalid Message Length" },
	{ 7, 2, "ROUTE-REFRESH Message Error", "Unknown subcode" },
	{ 8, 0, "Send Hold Timer Expired", "Unspecific" },
	{ 0, 0, "Unknown error code", "Unknown subcode" },
	{ 9, 0, "Unknown error code", "Unknown subcode" },
	{ 255, 255, "Unknown error code", "Unknown subcode" },
};

START_TEST(test_notification_names)
{
	const struct name_vec *v = &name_vecs[_i];

	ck_assert_str_eq(notification_code_name(v->code), v->code_name);
	ck_assert_str_eq(notification_subcode_name(v->code, v->subcode),
	    v->subcode_name);
}
END_TEST

/* Every code/subcode pair has a printable name. */
START_TEST(test_notification_names_total)
{
	for (unsigned c = 0; c < 256; c++)
		for (unsigned s = 0; s < 256; s++) {
			const char *n = notification_subcode_name(c, s);

			ck_assert_ptr_nonnull(n);
			ck_assert_uint_gt(strlen(n), 0);
		}
}
END_TEST

START_TEST(test_notification_encode)
{
	uint8_t buf[512], data[2] = { 0x00, 0x17 };
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(notification_encode(&w, 1, 2, data, 2), 0);
	ck_wbuf_hex(&w, FFx16 "0017 03 0102 0017");
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode(&w, 6, 3, NULL, 0), 0);
	ck_wbuf_hex(&w, FFx16 "0015 03 0603");
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode_shutdown(&w, 2, "hello"), 0);
	ck_wbuf_hex(&w, FFx16 "001B 03 0602 05 68656C6C6F");
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode_shutdown(&w, 4, ""), 0);
	ck_wbuf_hex(&w, FFx16 "0016 03 0604 00");
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode_shutdown(&w, 2, NULL), 0);
	ck_wbuf_hex(&w, FFx16 "0016 03 0602 00");
}
END_TEST

START_TEST(test_notification_shutdown_truncate)
{
	char text[400];
	uint8_t buf[512];
	struct wbuf w;
	struct bgp_notification n;

	/* 300 ASCII octets: cut to 255 */
	memset(text, 'a', 300);
	text[300] = '\0';
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(notification_encode_shutdown(&w, 2, text), 0);
	ck_assert_uint_eq(w.len, 19 + 2 + 1 + 255);
	ck_assert_uint_eq(buf[21], 255);
	ck_assert_int_eq(notification_decode(buf + 19, w.len - 19, &n), 0);
	ck_assert(n.has_shutdown_comm);
	ck_assert_uint_eq(n.shutdown_comm_len, 255);
	/* 254 'a' then U+00E9 (2 octets): the cut must not split it */
	memset(text, 'a', 254);
	memcpy(text + 254, "\xc3\xa9zz", 5);
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode_shutdown(&w, 2, text), 0);
	ck_assert_uint_eq(buf[21], 254);
	ck_assert_int_eq(notification_decode(buf + 19, w.len - 19, &n), 0);
	ck_assert(n.has_shutdown_comm);
	/* 253 'a' then U+00E9: fits exactly */
	memset(text, 'a', 253);
	memcpy(text + 253, "\xc3\xa9zz", 5);
	wbuf_reset(&w);
	ck_assert_int_eq(notification_encode_shutdown(&w, 2, text), 0);
	ck_assert_uint_eq(buf[21], 255);
}
END_TEST

struct notif_vec {
	const char	*name;
	const char	*body;
	int		 rc;
	uint8_t		 code, subcode;
	size_t		 datalen;
	bool		 has_comm;
	const char	*comm;
};

static const struct notif_vec notif_vecs[] = {
	{ "empty", "", -1, 0, 0, 0, false, NULL },
	{ "one byte", "06", -1, 0, 0, 0, false, NULL },
	{ "code only (len 21)", "0601", 0, 6, 1, 0, false, NULL },
	{ "header error with data", "01020017", 0, 1, 2, 2, false, NULL },
	{ "shutdown valid", "0602 05 68656C6C6F", 0, 6, 2, 6, true, "hello" },
	{ "reset valid", "0604 02 6F6B", 0, 6, 4, 3, true, "ok" },
	{ "shutdown no data", "0602", 0, 6, 2, 0, false, NULL },
	{ "shutdown length 0", "0602 00", 0, 6, 2, 1, false, NULL },
	{ "shutdown length past data", "0602 09 68656C6C6F", 0, 6, 2, 6,
	    false, NULL },
	{ "shutdown trailing bytes", "0602 02 6F6B FFFF", 0, 6, 2, 5, true,
	    "ok" },
	{ "invalid utf8 continuation", "0602 02 C328", 0, 6, 2, 3, false,
	    NULL },
	{ "overlong utf8", "0602 02 C0AF", 0, 6, 2, 3, false, NULL },
	{ "overlong 3-byte", "0602 03 E08080", 0, 6, 2, 4, false, NULL },
	{ "surrogate", "0602 03 EDA080", 0, 6, 2, 4, false, NULL },
	{ "above U+10FFFF", "0602 04 F4908080", 0, 6, 2, 5, false, NULL },
	{ "truncated sequence", "0602 02 61E2", 0, 6, 2, 3, false, NULL },
	{ "embedded NUL", "0602 03 610062", 0, 6, 2, 4, false, NULL },
	{ "lone continuation", "0602 01 80", 0, 6, 2, 2, false, NULL },
	{ "valid 4-byte", "0602 04 F09F9880", 0, 6, 2, 5, true,
	    "\xf0\x9f\x98\x80" },
	{ "valid 3-byte", "0602 03 E282AC", 0, 6, 2, 4, true, "\xe2\x82\xac" },
	{ "quote and newline kept", "0602 03 220A41", 0, 6, 2, 4, true,
	    "\"\nA" },
	{ "not applicable subcode 3", "0603 02 6F6B", 0, 6, 3, 3, false,
	    NULL },
	{ "not applicable code 2", "0202 02 6F6B", 0, 2, 2, 3, false, NULL },
};

START_TEST(test_notification_decode)
{
	const struct notif_vec *v = &notif_vecs[_i];
	uint8_t body[300];
	struct bgp_notification n;
	size_t len = hex2bin(v->body, body, sizeof(body));

	ck_assert_msg(notification_decode(body, len, &n) == v->rc, "%s",
	    v->name);
	if (v->rc != 0)
		return;
	ck_assert_uint_eq(n.code, v->code);
	ck_assert_uint_eq(n.subcode, v->subcode);
	ck_assert_msg(n.datalen == v->datalen, "%s: datalen %zu", v->name,
	    n.datalen);
	ck_assert_msg(n.has_shutdown_comm == v->has_comm, "%s", v->name);
	if (v->has_comm) {
		ck_assert_uint_eq(n.shutdown_comm_len, strlen(v->comm));
		ck_assert(memcmp(n.shutdown_comm, v->comm,
		    strlen(v->comm)) == 0);
	}
}
END_TEST

/* ---- ROUTE-REFRESH ---- */

START_TEST(test_route_refresh)
{
	uint8_t buf[64], body[8];
	struct wbuf w;
	struct bgp_route_refresh rr;
	struct bgp_err err;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(route_refresh_encode(&w, 1, 1, BGP_RR_NORMAL), 0);
	ck_wbuf_hex(&w, FFx16 "0017 05 00010001");
	wbuf_reset(&w);
	ck_assert_int_eq(route_refresh_encode(&w, 1, 1, BGP_RR_BORR), 0);
	ck_wbuf_hex(&w, FFx16 "0017 05 00010101");
	wbuf_reset(&w);
	ck_assert_int_eq(route_refresh_encode(&w, 2, 1, BGP_RR_EORR), 0);
	ck_wbuf_hex(&w, FFx16 "0017 05 00020201");

	ck_assert_int_eq(route_refresh_decode(buf + 19, 4, &rr, &err), 0);
	ck_assert_uint_eq(rr.afi, 2);
	ck_assert_uint_eq(rr.safi, 1);
	ck_assert_uint_eq(rr.subtype, BGP_RR_EORR);
	/* unknown subtype: decoded, the caller ignores it (RFC 7313 §5) */
	hex2bin("00010701", body, sizeof(body));
	ck_assert_int_eq(route_refresh_decode(body, 4, &rr, &err), 0);
	ck_assert_uint_eq(rr.subtype, 7);
}
END_TEST

/* Lengths 22 and 24 (and others) are 7/1 (RFC 7313 §5). */
START_TEST(test_route_refresh_bad_len)
{
	static const size_t lens[] = { 0, 1, 3, 5, 8 };
	uint8_t body[8] = { 0, 1, 0, 1, 0, 0, 0, 0 };
	struct bgp_route_refresh rr;
	struct bgp_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(route_refresh_decode(body, lens[_i], &rr, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_ROUTE_REFRESH);
	ck_assert_uint_eq(err.subcode, BGP_ERR_RR_INVALID_LENGTH);
	ck_assert_uint_eq(err.datalen, lens[_i]);
	ck_assert(lens[_i] == 0 || bgp_err_data(&err) == body);
}
END_TEST

/* RFC 7313 §5: a long ROUTE-REFRESH goes back whole, not cut at 64. */
START_TEST(test_route_refresh_long)
{
	uint8_t body[4096 - 19];
	struct bgp_route_refresh rr;
	struct bgp_err err;

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)i;
	ck_assert_int_eq(route_refresh_decode(body, sizeof(body), &rr, &err),
	    -1);
	ck_assert_uint_eq(err.datalen, sizeof(body));
	ck_assert(memcmp(bgp_err_data(&err), body, sizeof(body)) == 0);
	/* copied data (bgp_err_set) is made up by the decoder: a few octets */
	bgp_err_set(&err, 1, 2, "\x10\x01", 2);
	ck_assert_ptr_null(err.ref);
	ck_assert(memcmp(bgp_err_data(&err), "\x10\x01", 2) == 0);
}
END_TEST

/* ---- OPEN ---- */

/* The conformance kit's conf-hostname OPEN. */
#define KIT_HOSTNAME_OPEN                                                   \
	FFx16 "0055 01 04 FFFD 00B4 0A000002 38 02060104 00010001 02064104"  \
	    " 0000FFFD 02020600 02224920 0C6D792D686F73742D6E616D65"          \
	    " 126D792D646F6D61696E2D6E616D652E636F6D"

START_TEST(test_open_encode_kit)
{
	uint8_t buf[4096];
	struct wbuf w;
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = 65533;
	o.hold_time = 180;
	o.bgp_id = 0x0A000002;
	o.caps.mp = FAMSET(FAM_IPV4_UNICAST);
	o.caps.asn4 = true;
	o.caps.as4 = 65533;
	o.caps.ext_message = true;
	o.caps.fqdn = true;
	strcpy(o.caps.hostname, "my-host-name");
	strcpy(o.caps.domainname, "my-domain-name.com");
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	ck_wbuf_hex(&w, KIT_HOSTNAME_OPEN);
}
END_TEST

/*
 * The kit's conf-cap-software-version and conf-cap-link-local-nexthop
 * OPENs: software version (75) after extended message, length then text
 * (draft-abraitis-bgp-version-capability); link-local next hop (77)
 * empty; a decoded 77 sets the flag and stays listed as received (4.2
 * shows it as an unknown capability) without being written twice.
 */
START_TEST(test_open_encode_software_llnh)
{
	uint8_t buf[4096];
	struct wbuf w;
	struct bgp_open o, d;
	struct bgp_err err;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = 65533;
	o.hold_time = 180;
	o.bgp_id = 0x0A000002;
	o.caps.mp = FAMSET(FAM_IPV4_UNICAST);
	o.caps.asn4 = true;
	o.caps.as4 = 65533;
	o.caps.ext_message = true;
	strcpy(o.caps.software, "ExaBGP/5.0.0-0+test");
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	ck_wbuf_hex(&w, FFx16 "0049 01 04FFFD00B40A0000022C 0206010400010001"
	    " 020641040000FFFD 0202060002164B14134578614247502F352E302E302D30"
	    "2B74657374");

	memset(o.caps.software, 0, sizeof(o.caps.software));
	o.caps.mp = FAMSET(FAM_IPV6_UNICAST);
	o.caps.link_local_nh = true;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	ck_wbuf_hex(&w, FFx16 "0035 01 04FFFD00B40A00000218 0206010400020001"
	    " 020641040000FFFD 02020600 02024D00");

	ck_assert_int_eq(open_decode(buf + BGP_HEADER_LEN,
	    w.len - BGP_HEADER_LEN, &d, &err), 0);
	ck_assert(d.caps.link_local_nh);
	ck_assert_uint_eq(d.caps.nunknown, 1);
	ck_assert_uint_eq(d.caps.unknown[0].code, BGP_CAP_LINK_LOCAL_NEXTHOP);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &d), 0);
	ck_wbuf_hex(&w, FFx16 "0035 01 04FFFD00B40A00000218 0206010400020001"
	    " 020641040000FFFD 02020600 02024D00");
}
END_TEST

/* Both must offer 77 for an IPv6 next hop to be link-local only. */
START_TEST(test_negotiate_link_local)
{
	struct bgp_open l, p;
	struct bgp_negotiated n;

	memset(&l, 0, sizeof(l));
	memset(&p, 0, sizeof(p));
	l.caps.link_local_nh = true;
	caps_negotiate(&l, &p, &n);
	ck_assert(!n.link_local_nh);
	p.caps.link_local_nh = true;
	caps_negotiate(&l, &p, &n);
	ck_assert(n.link_local_nh);
}
END_TEST

/* Every capability, in ExaBGP's order, then decoded back. */
START_TEST(test_open_encode_all)
{
	uint8_t buf[4096];
	struct wbuf w;
	struct bgp_open o, d;
	struct bgp_err err;

	memset(&o, 0, sizeof(o));
	o.my_as = 1;
	o.hold_time = 90;
	o.bgp_id = 0x01020304;
	o.caps.mp = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	o.caps.asn4 = true;
	o.caps.as4 = 4200000000u;
	o.caps.ext_nexthop[FAM_IPV4_UNICAST] = 1u << BGP_AFI_IPV6;
	o.caps.addpath[FAM_IPV4_UNICAST] = BGP_ADDPATH_BOTH;
	o.caps.addpath[FAM_IPV6_UNICAST] = BGP_ADDPATH_SEND;
	o.caps.gr = true;
	o.caps.gr_time = 120;
	o.caps.gr_restarting = true;
	o.caps.gr_families = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	o.caps.gr_forwarding = FAMSET(FAM_IPV6_UNICAST);
	o.caps.route_refresh = true;
	o.caps.enhanced_rr = true;
	o.caps.operational = true;
	o.caps.ext_message = true;
	o.caps.fqdn = true;
	strcpy(o.caps.hostname, "h");
	o.caps.multi_session = true;
	o.caps.nunknown = 1;
	o.caps.unknown[0].code = 66;
	o.caps.unknown[0].len = 2;
	o.caps.unknown[0].data[0] = 0xAB;
	o.caps.unknown[0].data[1] = 0xCD;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	ck_wbuf_hex(&w, FFx16 "007C 01 04 5BA0 005A 01020304 5F"
	    " 02060104 00010001" " 02060104 00020001"
	    " 02064104 FA56EA00"
	    " 02080506 0001 0001 0002"
	    " 020A4508 0001 01 03 0002 01 02"
	    " 020C400A 8078 0001 01 00 0002 01 80"
	    " 02020200" " 02024600" " 0202B900" " 02020600"
	    " 02054903 0168 00"
	    " 02044402 0001"
	    " 02044202 ABCD");
	ck_assert_int_eq(open_decode(buf + 19, w.len - 19, &d, &err), 0);
	ck_assert_uint_eq(d.my_as, BGP_AS_TRANS);
	ck_assert_uint_eq(open_peer_as(&d), 4200000000u);
	ck_assert_uint_eq(d.caps.mp, o.caps.mp);
	ck_assert_uint_eq(d.caps.ext_nexthop[FAM_IPV4_UNICAST], 4);
	ck_assert_uint_eq(d.caps.addpath[FAM_IPV4_UNICAST], 3);
	ck_assert_uint_eq(d.caps.addpath[FAM_IPV6_UNICAST], 2);
	ck_assert(d.caps.gr && d.caps.gr_restarting);
	ck_assert_uint_eq(d.caps.gr_time, 120);
	ck_assert_uint_eq(d.caps.gr_families, o.caps.gr_families);
	ck_assert_uint_eq(d.caps.gr_forwarding, o.caps.gr_forwarding);
	ck_assert(d.caps.route_refresh && d.caps.enhanced_rr);
	ck_assert(d.caps.operational && d.caps.ext_message);
	ck_assert(d.caps.fqdn && d.caps.multi_session);
	ck_assert_str_eq(d.caps.hostname, "h");
	ck_assert_str_eq(d.caps.domainname, "");
	ck_assert_uint_eq(d.caps.nunknown, 1);
	ck_assert_uint_eq(d.caps.unknown[0].code, 66);
	ck_assert_uint_eq(d.caps.unknown[0].len, 2);
	ck_assert_uint_eq(d.caps.norder, 13);
	ck_assert_uint_eq(d.caps.order[0], BGP_CAP_MP);
	ck_assert_uint_eq(d.caps.order[12], 66);
}
END_TEST

/* Small sessions: my AS as is, Cisco route refresh after code 2. */
START_TEST(test_open_encode_small)
{
	uint8_t buf[64];
	struct wbuf w;
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.my_as = 65001;
	o.hold_time = 0;
	o.bgp_id = 0xC0000201;
	o.caps.route_refresh = true;
	o.caps.route_refresh_cisco = true;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	ck_wbuf_hex(&w, FFx16 "0025 01 04 FDE9 0000 C0000201 08 02020200"
	    " 02028000");
	/* one octet short of the whole message */
	wbuf_init(&w, buf, 36);
	ck_assert_int_eq(open_encode(&w, &o), -1);
	ck_assert(w.err);
}
END_TEST

/* More than 255 octets of parameters: RFC 9072 extended form. */
START_TEST(test_open_encode_extended)
{
	uint8_t buf[4096];
	struct wbuf w;
	struct bgp_open o, d;
	struct bgp_err err;

	memset(&o, 0, sizeof(o));
	o.my_as = 65000;
	o.hold_time = 180;
	o.bgp_id = 1;
	o.caps.mp = FAMSET_ALL;
	o.caps.fqdn = true;
	memset(o.caps.hostname, 'h', 200);
	memset(o.caps.domainname, 'd', 40);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(open_encode(&w, &o), 0);
	/* opt len 255, type 255, 2-octet length, 2-octet param lengths */
	ck_assert_uint_eq(buf[28], 255);
	ck_assert_uint_eq(buf[29], 255);
	ck_assert_uint_eq(be16_get(buf + 30), w.len - 32);
	ck_assert_uint_eq(buf[32], 2);
	ck_assert_uint_eq(be16_get(buf + 33), 6);
	ck_assert_int_eq(open_decode(buf + 19, w.len - 19, &d, &err), 0);
	ck_assert_uint_eq(d.caps.mp, FAMSET_ALL);
	ck_assert_uint_eq(strlen(d.caps.hostname), 200);
	ck_assert_uint_eq(strlen(d.caps.domainname), 40);
	/* too small a buffer fails cleanly */
	wbuf_init(&w, buf, 100);
	ck_assert_int_eq(open_encode(&w, &o), -1);
}
END_TEST

struct open_vec {
	const char	*name;
	const char	*body;		/* OPEN body, hex */
	int		 rc;
	uint8_t		 code, subcode;
	const char	*data;
};

#define OPEN_FIX "04 FDE8 00B4 0A000001"

static const struct open_vec open_vecs[] = {
	/* valid */
	{ "kit hostname", "04FFFD00B40A000002380206010400010001020641040000FFFD"
	    "02020600022249200C6D792D686F73742D6E616D65126D792D646F6D61696E2D"
	    "6E616D652E636F6D", 0, 0, 0, NULL },
	{ "no parameters", OPEN_FIX "00", 0, 0, 0, NULL },
	{ "hold 0", "04 FDE8 0000 0A000001 00", 0, 0, 0, NULL },
	{ "hold 3", "04 FDE8 0003 0A000001 00", 0, 0, 0, NULL },
	{ "empty capability parameter", OPEN_FIX "02 0200", 0, 0, 0, NULL },
	{ "several caps in one parameter", OPEN_FIX
	    "0E 020C 0104 00010001 4104 0000FDE8", 0, 0, 0, NULL },
	{ "graceful restart", OPEN_FIX "0A 0208 4006 8078 0001 0100", 0, 0,
	    0, NULL },
	{ "graceful restart no family", OPEN_FIX "06 0204 4002 0078", 0, 0, 0,
	    NULL },
	{ "unknown capability kept", OPEN_FIX
	    "0E 020C 420A 6C6F72656D697073756D", 0, 0, 0, NULL },
	{ "unknown AFI/SAFI ignored", OPEN_FIX "08 0206 0104 00990001", 0, 0,
	    0, NULL },
	{ "duplicate AS4", OPEN_FIX "10 0206 4104 00000001 0206 4104 00000002",
	    0, 0, 0, NULL },
	{ "route refresh with a value tolerated", OPEN_FIX "05 0203 0201 00",
	    0, 0, 0, NULL },
	{ "fqdn empty names", OPEN_FIX "06 0204 4902 0000", 0, 0, 0, NULL },
	{ "rfc9072 extended", OPEN_FIX "FF FF 0009 02 0006 0104 00010001", 0,
	    0, 0, NULL },
	{ "rfc9072 empty", OPEN_FIX "FF FF 0000", 0, 0, 0, NULL },
	{ "addpath receive", OPEN_FIX "08 0206 4504 0001 01 01", 0, 0, 0,
	    NULL },
	{ "cisco route refresh", OPEN_FIX "04 0202 8000", 0, 0, 0, NULL },
	/* malformed */
	{ "short body", "04 FDE8 00B4 0A000001", -1, 1, 2, "001C" },
	{ "version 3", "03 FDE8 00B4 0A000001 00", -1, 2, 1, "0004" },
	{ "version 5", "05 FDE8 00B4 0A000001 00", -1, 2, 1, "0004" },
	{ "hold 1", "04 FDE8 0001 0A000001 00", -1, 2, 6, "" },
	{ "hold 2", "04 FDE8 0002 0A000001 00", -1, 2, 6, "" },
	{ "bgp id 0", "04 FDE8 00B4 00000000 00", -1, 2, 3, "" },
	{ "my AS 0", "04 0000 00B4 0A000001 00", -1, 2, 2, "" },
	{ "AS4 value 0", OPEN_FIX "08 0206 4104 00000000", -1, 2, 2, "" },
	{ "opt len past end", OPEN_FIX "05 0202 0200", -1, 2, 0, "" },
	{ "opt len short of end", OPEN_FIX "02 0202 0200", -1, 2, 0, "" },
	{ "param header truncated", OPEN_FIX "01 02", -1, 2, 0, "" },
	{ "param length past opt len", OPEN_FIX "04 0208 0104", -1, 2, 0,
	    "" },
	{ "unsupported param type 1", OPEN_FIX "04 0102 0000", -1, 2, 4, "" },
	{ "unsupported param type 3", OPEN_FIX "02 0300", -1, 2, 4, "" },
	{ "cap header truncated", OPEN_FIX "03 0201 01", -1, 2, 0, "" },
	{ "cap length past param", OPEN_FIX "06 0204 0104 0001", -1, 2, 0,
	    "" },
	{ "AS4 length 2", OPEN_FIX "06 0204 4102 FDE8", -1, 2, 0, "" },
	{ "AS4 length 0", OPEN_FIX "04 0202 4100", -1, 2, 0, "" },
	{ "AS4 length 5", OPEN_FIX "09 0207 4105 0000FDE800", -1, 2, 0, "" },
	{ "MP length 3", OPEN_FIX "07 0205 0103 000100", -1, 2, 0, "" },
	{ "MP length 5", OPEN_FIX "09 0207 0105 0001000100", -1, 2, 0, "" },
	{ "MP length 0", OPEN_FIX "04 0202 0100", -1, 2, 0, "" },
	{ "addpath length 3", OPEN_FIX "07 0205 4503 000101", -1, 2, 0, "" },
	{ "addpath length 0", OPEN_FIX "04 0202 4500", -1, 2, 0, "" },
	{ "addpath value 0", OPEN_FIX "08 0206 4504 0001 01 00", -1, 2, 0,
	    "" },
	{ "addpath value 4", OPEN_FIX "08 0206 4504 0001 01 04", -1, 2, 0,
	    "" },
	{ "GR length 1", OPEN_FIX "05 0203 4001 80", -1, 2, 0, "" },
	{ "GR length 3", OPEN_FIX "07 0205 4003 807800", -1, 2, 0, "" },
	{ "ext nexthop length 4", OPEN_FIX "08 0206 0504 00010001", -1, 2, 0,
	    "" },
	{ "fqdn empty value", OPEN_FIX "04 0202 4900", -1, 2, 0, "" },
	{ "fqdn host overrun", OPEN_FIX "06 0204 4902 0561", -1, 2, 0, "" },
	{ "fqdn no domain length", OPEN_FIX "06 0204 4902 0161", -1, 2, 0,
	    "" },
	{ "fqdn domain overrun", OPEN_FIX "08 0206 4904 0161 0362", -1, 2, 0,
	    "" },
	{ "rfc9072 length past end", OPEN_FIX "FF FF 0010 02 0006", -1, 2, 0,
	    "" },
	{ "rfc9072 length truncated", OPEN_FIX "FF FF 00", -1, 2, 0, "" },
	{ "rfc9072 param length truncated", OPEN_FIX "FF FF 0002 02 00", -1,
	    2, 0, "" },
	{ "rfc9072 param overrun", OPEN_FIX "FF FF 0005 02 0009 0100", -1, 2,
	    0, "" },
	{ "opt len 255 without marker, short", OPEN_FIX "FF 02 00", -1, 2, 0,
	    "" },
};

START_TEST(test_open_decode)
{
	const struct open_vec *v = &open_vecs[_i];
	uint8_t body[512], data[64];
	struct bgp_open o;
	struct bgp_err err;
	size_t len = hex2bin(v->body, body, sizeof(body)), dl;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = open_decode(body, len, &o, &err);
	ck_assert_msg(rc == v->rc, "%s: rc %d (%u/%u)", v->name, rc, err.code,
	    err.subcode);
	if (rc == 0)
		return;
	ck_assert_msg(err.code == v->code && err.subcode == v->subcode,
	    "%s: got %u/%u", v->name, err.code, err.subcode);
	dl = hex2bin(v->data, data, sizeof(data));
	ck_assert_uint_eq(err.datalen, dl);
	ck_assert(memcmp(bgp_err_data(&err), data, dl) == 0);
}
END_TEST

/* Values of the valid vectors above. */
START_TEST(test_open_decode_values)
{
	uint8_t body[512];
	struct bgp_open o;
	struct bgp_err err;
	size_t len;

	len = hex2bin(open_vecs[0].body, body, sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.version, 4);
	ck_assert_uint_eq(o.my_as, 65533);
	ck_assert_uint_eq(o.hold_time, 180);
	ck_assert_uint_eq(o.bgp_id, 0x0A000002);
	ck_assert_uint_eq(o.caps.mp, FAMSET(FAM_IPV4_UNICAST));
	ck_assert(o.caps.asn4 && o.caps.ext_message && o.caps.fqdn);
	ck_assert(!o.caps.route_refresh);
	ck_assert_str_eq(o.caps.hostname, "my-host-name");
	ck_assert_str_eq(o.caps.domainname, "my-domain-name.com");
	ck_assert_uint_eq(open_peer_as(&o), 65533);

	len = hex2bin(OPEN_FIX "10 0206 4104 00000001 0206 4104 00000002",
	    body, sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.as4, 2);	/* last wins */

	len = hex2bin(OPEN_FIX "0A 0208 4006 8078 0001 0100", body,
	    sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert(o.caps.gr && o.caps.gr_restarting);
	ck_assert_uint_eq(o.caps.gr_time, 120);
	ck_assert_uint_eq(o.caps.gr_families, FAMSET(FAM_IPV4_UNICAST));
	ck_assert_uint_eq(o.caps.gr_forwarding, 0);

	len = hex2bin(OPEN_FIX "0E 020C 420A 6C6F72656D697073756D", body,
	    sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.nunknown, 1);
	ck_assert_uint_eq(o.caps.unknown[0].code, 66);
	ck_assert_uint_eq(o.caps.unknown[0].len, 10);
	ck_assert(memcmp(o.caps.unknown[0].data, "loremipsum", 10) == 0);

	len = hex2bin(OPEN_FIX "FF FF 0009 02 0006 0104 00010001", body,
	    sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.mp, FAMSET(FAM_IPV4_UNICAST));

	len = hex2bin(OPEN_FIX "08 0206 0104 00990001", body, sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.mp, 0);
	ck_assert_uint_eq(open_peer_as(&o), 65000);

	/* next-hop AFI 0 cannot be represented: ignored, not re-sent */
	len = hex2bin(OPEN_FIX "0A 0208 0506 0001 0001 0000", body,
	    sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.ext_nexthop[FAM_IPV4_UNICAST], 0);
	{
		uint8_t buf[256];
		struct wbuf w;
		struct bgp_open o2;

		wbuf_init(&w, buf, sizeof(buf));
		ck_assert_int_eq(open_encode(&w, &o), 0);
		ck_assert_uint_eq(w.len, 29);
		ck_assert_int_eq(open_decode(buf + 19, w.len - 19, &o2, &err),
		    0);
	}

	len = hex2bin(OPEN_FIX "04 0202 8000", body, sizeof(body));
	ck_assert_int_eq(open_decode(body, len, &o, &err), 0);
	ck_assert(o.caps.route_refresh_cisco && !o.caps.route_refresh);
}
END_TEST

/* More unknown capabilities than we keep: the rest are dropped. */
START_TEST(test_open_many_unknown)
{
	uint8_t buf[1024];
	struct wbuf w;
	struct bgp_open o;
	struct bgp_err err;

	wbuf_init(&w, buf, sizeof(buf));
	wbuf_put_u8(&w, 4);
	wbuf_put_u16(&w, 65000);
	wbuf_put_u16(&w, 90);
	wbuf_put_u32(&w, 1);
	wbuf_put_u8(&w, 2 + 40 * 2);
	wbuf_put_u8(&w, 2);
	wbuf_put_u8(&w, 40 * 2);
	for (int i = 0; i < 40; i++) {
		wbuf_put_u8(&w, (uint8_t)(200 + i));
		wbuf_put_u8(&w, 0);
	}
	ck_assert(!w.err);
	ck_assert_int_eq(open_decode(buf, w.len, &o, &err), 0);
	ck_assert_uint_eq(o.caps.nunknown, CAPS_MAX_UNKNOWN);
	ck_assert_uint_eq(o.caps.norder, 40);
}
END_TEST

/* ---- negotiation ---- */

struct neg_vec {
	const char	*name;
	famset_t	 lmp, pmp;
	bool		 las4, pas4;
	bool		 lrr, prr, prr_cisco;
	bool		 lext, pext;
	uint16_t	 lhold, phold;
	uint8_t		 lap, pap;	/* addpath for IPv4 unicast */
	uint8_t		 lnh, pnh;	/* ext next hop bits, IPv4 unicast */
	famset_t	 families;
	bool		 asn4, rr, ext;
	uint16_t	 hold, keepalive;
	famset_t	 tx, rx, nh;
};

#define V4 FAMSET(FAM_IPV4_UNICAST)
#define V6 FAMSET(FAM_IPV6_UNICAST)

static const struct neg_vec neg_vecs[] = {
	{ "all equal", V4 | V6, V4 | V6, true, true, true, true, false, true,
	    true, 180, 180, 3, 3, 4, 4, V4 | V6, true, true, true, 180, 60,
	    V4, V4, V4 },
	{ "peer no MP means IPv4 unicast", V4 | V6, 0, true, false, true,
	    false, false, false, true, 90, 180, 0, 0, 0, 0, V4, false, false,
	    false, 90, 30, 0, 0, 0 },
	{ "no common family", V6, V4, false, false, false, false, false,
	    false, false, 180, 3, 0, 0, 0, 0, 0, false, false, false, 3, 1, 0,
	    0, 0 },
	{ "hold 0", V4, V4, false, false, false, false, false, false, false,
	    0, 180, 0, 0, 0, 0, V4, false, false, false, 0, 0, 0, 0, 0 },
	{ "cisco route refresh", V4, V4, false, false, true, false, true,
	    false, false, 180, 180, 0, 0, 0, 0, V4, false, true, false, 180, 60,
	    0, 0, 0 },
	{ "addpath send vs receive", V4, V4, false, false, false, false,
	    false, false, false, 180, 180, 2, 1, 0, 0, V4, false, false, false,
	    180, 60, V4, 0, 0 },
	{ "addpath receive vs send", V4, V4, false, false, false, false,
	    false, false, false, 180, 180, 1, 2, 0, 0, V4, false, false, false,
	    180, 60, 0, V4, 0 },
	{ "addpath send vs send", V4, V4, false, false, false, false, false,
	    false, false, 180, 180, 2, 2, 0, 0, V4, false, false, false, 180,
	    60, 0, 0, 0 },
	{ "ext nexthop one side", V4, V4, false, false, false, false, false,
	    false, false, 180, 180, 0, 0, 4, 0, V4, false, false, false, 180,
	    60, 0, 0, 0 },
	{ "addpath on a family not negotiated", V6, V6, false, false, false,
	    false, false, false, false, 180, 180, 3, 3, 4, 4, V6, false, false,
	    false, 180, 60, 0, 0, 0 },
};

START_TEST(test_negotiate)
{
	const struct neg_vec *v = &neg_vecs[_i];
	struct bgp_open l, p;
	struct bgp_negotiated n;

	memset(&l, 0, sizeof(l));
	memset(&p, 0, sizeof(p));
	l.caps.mp = v->lmp;
	p.caps.mp = v->pmp;
	l.caps.asn4 = v->las4;
	p.caps.asn4 = v->pas4;
	l.caps.route_refresh = v->lrr;
	p.caps.route_refresh = v->prr;
	p.caps.route_refresh_cisco = v->prr_cisco;
	l.caps.ext_message = v->lext;
	p.caps.ext_message = v->pext;
	l.hold_time = v->lhold;
	p.hold_time = v->phold;
	l.caps.addpath[FAM_IPV4_UNICAST] = v->lap;
	p.caps.addpath[FAM_IPV4_UNICAST] = v->pap;
	l.caps.ext_nexthop[FAM_IPV4_UNICAST] = v->lnh;
	p.caps.ext_nexthop[FAM_IPV4_UNICAST] = v->pnh;
	caps_negotiate(&l, &p, &n);
	ck_assert_msg(n.families == v->families, "%s", v->name);
	ck_assert_msg(n.asn4 == v->asn4, "%s", v->name);
	ck_assert_msg(n.route_refresh == v->rr, "%s", v->name);
	ck_assert_msg(n.ext_message == v->ext, "%s", v->name);
	ck_assert_uint_eq(n.max_msg, v->ext ? 65535 : 4096);
	ck_assert_msg(n.hold_time == v->hold, "%s", v->name);
	ck_assert_msg(n.keepalive == v->keepalive, "%s", v->name);
	ck_assert_msg(n.addpath_tx == v->tx, "%s tx", v->name);
	ck_assert_msg(n.addpath_rx == v->rx, "%s rx", v->name);
	ck_assert_msg(n.ext_nexthop == v->nh, "%s nh", v->name);
}
END_TEST

#define NVEC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *tc;

	tc = tcase_create("header");
	tcase_add_loop_test(tc, test_header, 0, NVEC(hdr_vecs));
	tcase_add_test(tc, test_keepalive);
	suite_add_tcase(s, tc);

	tc = tcase_create("notification");
	tcase_add_loop_test(tc, test_notification_names, 0, NVEC(name_vecs));
	tcase_add_test(tc, test_notification_names_total);
	tcase_add_test(tc, test_notification_encode);
	tcase_add_test(tc, test_notification_shutdown_truncate);
	tcase_add_loop_test(tc, test_notification_decode, 0, NVEC(notif_vecs));
	suite_add_tcase(s, tc);

	tc = tcase_create("route_refresh");
	tcase_add_test(tc, test_route_refresh);
	tcase_add_loop_test(tc, test_route_refresh_bad_len, 0, 5);
	tcase_add_test(tc, test_route_refresh_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_test(tc, test_open_encode_kit);
	tcase_add_test(tc, test_open_encode_all);
	tcase_add_test(tc, test_open_encode_software_llnh);
	tcase_add_test(tc, test_negotiate_link_local);
	tcase_add_test(tc, test_open_encode_small);
	tcase_add_test(tc, test_open_encode_extended);
	tcase_add_loop_test(tc, test_open_decode, 0, NVEC(open_vecs));
	tcase_add_test(tc, test_open_decode_values);
	tcase_add_test(tc, test_open_many_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("negotiate");
	tcase_add_loop_test(tc, test_negotiate, 0, NVEC(neg_vecs));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(msg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
