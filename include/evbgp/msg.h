/*
 * BGP message codec, part 1: the header, KEEPALIVE, NOTIFICATION,
 * ROUTE-REFRESH and OPEN with its capabilities. Pure functions over bytes:
 * no libevent, no logging, no allocation beyond the caller's structs.
 *
 * Decoders take the message *body* (the bytes after the 19-byte header)
 * and return 0, or -1 with *err filled with the NOTIFICATION the caller
 * must send (RFC 4271 §6).
 */
#ifndef EVBGP_MSG_H
#define EVBGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/family.h"
#include "evbgp/wire.h"

/*
 * A NOTIFICATION to send: code, subcode and data. The few octets a
 * decoder makes up (a length field, a version) are copied into buf; data
 * that is a piece of the received message (an erroneous attribute, RFC
 * 4271 §6.3; a ROUTE-REFRESH, RFC 7313 §5) is referenced where it lies,
 * whole, so the NOTIFICATION must be sent before that buffer is reused.
 * Read the data with bgp_err_data().
 */
#define BGP_ERR_BUF	16

struct bgp_err {
	uint8_t		 code;
	uint8_t		 subcode;
	uint16_t	 datalen;
	const uint8_t	*ref;		/* in the received message, or NULL */
	uint8_t		 buf[BGP_ERR_BUF];
};

/* Fill err with data copied (at most BGP_ERR_BUF octets are kept). */
void	bgp_err_set(struct bgp_err *err, uint8_t code, uint8_t subcode,
	    const void *data, size_t datalen);
/* Fill err with data referenced in the received message (not copied). */
void	bgp_err_ref(struct bgp_err *err, uint8_t code, uint8_t subcode,
	    const uint8_t *data, size_t datalen);
/* The data of err (datalen octets). */
const uint8_t *bgp_err_data(const struct bgp_err *err);

/* ---- header (RFC 4271 §4.1, §6.1) ---- */

/*
 * Validate a 19-byte header before the body is read: marker all ones,
 * length within [type minimum, max_len] (max_len is 4096, or 65535 for
 * UPDATE/NOTIFICATION/ROUTE-REFRESH after RFC 8654 negotiation; OPEN and
 * KEEPALIVE stay bounded by 4096), known type. On success *len is the
 * total message length and *type the type. Unknown types are reported as
 * 1/3 (Bad Message Type) with the type as data; bad lengths as 1/2 with
 * the length field as data; a bad marker as 1/1.
 */
int	msg_header_check(const uint8_t hdr[19], size_t max_len, uint16_t *len,
	    uint8_t *type, struct bgp_err *err);
/* "open", "update", "notification", "keepalive", "refresh", else
 * "unknown": the one table of message type names. */
const char *msg_type_name(uint8_t type);
/* Write a header with a zero length; msg_finish() patches it. */
int	msg_begin(struct wbuf *w, uint8_t type);
/* Patch the length of the message that starts at offset start. */
int	msg_finish(struct wbuf *w, size_t start);

/* ---- KEEPALIVE ---- */

int	keepalive_encode(struct wbuf *w);

/* ---- NOTIFICATION (RFC 4271 §4.5, RFC 9003) ---- */

struct bgp_notification {
	uint8_t		 code;
	uint8_t		 subcode;
	const uint8_t	*data;		/* points into the decoded body */
	size_t		 datalen;
	/* RFC 9003 shutdown communication (Cease 2 and 4), when valid */
	bool		 has_shutdown_comm;
	const uint8_t	*shutdown_comm;	/* not NUL-terminated; valid UTF-8 */
	size_t		 shutdown_comm_len;
};

int	notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode,
	    const void *data, size_t datalen);
/*
 * Cease with an RFC 9003 shutdown communication (length octet + text,
 * text truncated to 255 octets on a UTF-8 boundary).
 */
int	notification_encode_shutdown(struct wbuf *w, uint8_t subcode,
	    const char *text);
/*
 * Decode a NOTIFICATION body (>= 2 bytes, else -1). A malformed shutdown
 * communication (length past the data, invalid UTF-8) is not an error:
 * has_shutdown_comm stays false and the data is still available.
 */
int	notification_decode(const uint8_t *body, size_t len,
	    struct bgp_notification *n);
/* "Cease", "UPDATE Message Error", ... or "Unknown error code". */
const char *notification_code_name(uint8_t code);
/* "Administrative Shutdown", ... or "Unknown subcode". */
const char *notification_subcode_name(uint8_t code, uint8_t subcode);

/* ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ---- */

struct bgp_route_refresh {
	uint16_t	afi;
	uint8_t		subtype;	/* BGP_RR_NORMAL, _BORR, _EORR */
	uint8_t		safi;
};

int	route_refresh_encode(struct wbuf *w, uint16_t afi, uint8_t safi,
	    uint8_t subtype);
/*
 * Body must be exactly 4 bytes, else -1 and err = 7/1 (RFC 7313 §5) with
 * the body as data: RFC 7313 wants the complete message, which only the
 * caller holding the header in front of body can give (see peer.c).
 */
int	route_refresh_decode(const uint8_t *body, size_t len,
	    struct bgp_route_refresh *rr, struct bgp_err *err);

/* ---- OPEN and capabilities (RFC 4271 §4.2, 5492, 9072) ---- */

#define CAPS_MAX_UNKNOWN	16
#define CAPS_FQDN_MAX		255
/* draft-abraitis-bgp-version-capability §2: at most 64 octets */
#define CAPS_SOFTWARE_MAX	64

struct cap_unknown {
	uint8_t		code;
	uint8_t		len;
	uint8_t		data[255];
};

/* Capabilities offered in (or received in) an OPEN. */
struct bgp_caps {
	famset_t	 mp;		/* multiprotocol families */
	bool		 asn4;
	uint32_t	 as4;		/* value of the 4-octet AS capability */
	bool		 route_refresh;
	bool		 route_refresh_cisco;	/* code 128 seen */
	bool		 enhanced_rr;
	bool		 ext_message;
	bool		 gr;		/* graceful restart */
	uint16_t	 gr_time;	/* 12 bits */
	bool		 gr_restarting;	/* R flag */
	famset_t	 gr_families;
	famset_t	 gr_forwarding;	/* F flag per family */
	uint8_t		 addpath[FAM_MAX];	/* BGP_ADDPATH_* or 0 */
	/* RFC 8950: per family, bit (1 << nh_afi) for each next-hop AFI */
	uint8_t		 ext_nexthop[FAM_MAX];
	bool		 fqdn;
	char		 hostname[CAPS_FQDN_MAX + 1];	/* raw bytes, NUL-ended */
	char		 domainname[CAPS_FQDN_MAX + 1];
	/* software version (75), sent when non-empty; a received one is
	 * kept as an unknown capability (ExaBGP 4.2 shows it so) */
	char		 software[CAPS_SOFTWARE_MAX + 1];
	/* link-local next hop (77); a received one is also kept as an
	 * unknown capability, for the same reason */
	bool		 link_local_nh;
	bool		 multi_session;
	bool		 operational;
	bool		 aigp;	/* not a real capability: local config only */
	size_t		 nunknown;
	struct cap_unknown unknown[CAPS_MAX_UNKNOWN];
	/* capability codes in the order they were received, for display */
	size_t		 norder;
	uint8_t		 order[64];
};

struct bgp_open {
	uint8_t		 version;
	uint16_t	 my_as;		/* the 2-octet field */
	uint16_t	 hold_time;
	uint32_t	 bgp_id;	/* host order */
	struct bgp_caps	 caps;
};

/*
 * Encode an OPEN. Capabilities are written in ExaBGP's order, each in its
 * own optional parameter: multiprotocol (one per family, in family order),
 * 4-octet AS, extended next hop, ADD-PATH, graceful restart, route refresh
 * + enhanced route refresh, operational, extended message, FQDN,
 * software version, link-local next hop, multi-session, then unknown
 * ones (75 and 77 from the fields only when not among them). my_as is written as AS_TRANS when the
 * AS does not fit 2 octets.
 */
int	open_encode(struct wbuf *w, const struct bgp_open *o);
/*
 * Decode an OPEN body: version 4 (else 2/1 with data 0x0004), hold time 0
 * or >= 3 (else 2/6), BGP identifier non-zero (2/3), optional parameters
 * framed correctly (2/0 or 2/4), RFC 9072 extended parameters accepted.
 * Malformed capability values give 2/0 (Unspecific); unknown capabilities
 * are kept (up to CAPS_MAX_UNKNOWN) and tolerated. Peer AS checks are the
 * caller's (it knows the configuration).
 */
int	open_decode(const uint8_t *body, size_t len, struct bgp_open *o,
	    struct bgp_err *err);
/*
 * The same without the checks of the fixed fields (version, hold time,
 * identifier, AS): what an OPEN that fails them says, for reporting it
 * (ExaBGP shows a received OPEN before validating it). Fails only when
 * the message or its optional parameters cannot be framed.
 */
int	open_decode_lax(const uint8_t *body, size_t len, struct bgp_open *o);
/* The peer's AS: the 4-octet capability when present, else my_as. */
uint32_t open_peer_as(const struct bgp_open *o);

/* What both sides agreed on (RFC 5492 and each capability's RFC). */
struct bgp_negotiated {
	famset_t	 families;	/* MP families both offered */
	bool		 asn4;
	bool		 route_refresh;
	bool		 enhanced_rr;
	bool		 ext_message;
	size_t		 max_msg;	/* 4096 or 65535 */
	uint16_t	 hold_time;	/* min of both; 0 = no keepalives */
	uint16_t	 keepalive;	/* hold_time / 3 */
	famset_t	 addpath_tx;	/* we send path ids for these */
	famset_t	 addpath_rx;	/* we receive path ids for these */
	famset_t	 ext_nexthop;	/* RFC 8950: a next hop of the other
					   address family (IPv6 for IPv4
					   NLRI, IPv4 for IPv6 NLRI) */
	bool		 gr;
	/* both offered the link-local next hop capability: an IPv6 next
	 * hop may be link-local only (16 octets) */
	bool		 link_local_nh;
};

/*
 * Negotiate. If the peer offered no multiprotocol capability at all, IPv4
 * unicast is assumed (RFC 4760 §7). hold = min(local, remote).
 */
void	caps_negotiate(const struct bgp_open *local, const struct bgp_open *peer,
	    struct bgp_negotiated *n);

#endif /* EVBGP_MSG_H */
