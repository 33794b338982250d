/*
 * BGP-4 protocol constants: message types and sizes, NOTIFICATION codes,
 * path attribute and capability codes. Constants only; no code.
 *
 * Sources: RFC 4271 (BGP-4), 4486/9003 (Cease subcodes, shutdown
 * communication), 4760 (multiprotocol), 5492 (capabilities), 6608 (FSM
 * error subcodes), 6793 (4-octet AS), 7311 (AIGP), 7313 (enhanced route
 * refresh), 7606 (error handling), 7911 (ADD-PATH), 8092 (large
 * communities), 8654 (extended messages), 8950 (extended next hop),
 * 9072 (extended optional parameters), 9687 (send hold timer).
 */
#ifndef EVBGP_BGP_PROTO_H
#define EVBGP_BGP_PROTO_H

#include <stdint.h>

/* RFC 4271 §4.1 message header */
#define BGP_MARKER_LEN		16
#define BGP_HEADER_LEN		19
#define BGP_HEADER_LENGTH_OFF	16	/* 2-octet length after the marker */
#define BGP_HEADER_TYPE_OFF	18	/* 1-octet type after the length */
#define BGP_MAX_MSG		4096
#define BGP_MAX_EXT_MSG		65535	/* RFC 8654 */
#define BGP_VERSION		4
#define BGP_PORT		179

/* minimum sizes per type, header included (RFC 4271 §4.2-4.5, 7313) */
#define BGP_OPEN_MIN		29
#define BGP_UPDATE_MIN		23
#define BGP_NOTIFICATION_MIN	21
#define BGP_KEEPALIVE_LEN	19
#define BGP_ROUTE_REFRESH_LEN	23

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};
/* Arrays indexed by message type (0 unused): types 1 to 5 */
#define BGP_MSG_TYPE_COUNT	6

/* NOTIFICATION error codes (RFC 4271 §4.5, 7313, 9687) */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7,
	BGP_ERR_SEND_HOLD_TIMER = 8,
};

/* Message Header Error subcodes */
#define BGP_ERR_HDR_NOT_SYNC		1
#define BGP_ERR_HDR_BAD_LENGTH		2
#define BGP_ERR_HDR_BAD_TYPE		3

/* OPEN Message Error subcodes (RFC 4271, 5492, 9234) */
#define BGP_ERR_OPEN_UNSPECIFIC		0
#define BGP_ERR_OPEN_VERSION		1
#define BGP_ERR_OPEN_BAD_PEER_AS	2
#define BGP_ERR_OPEN_BAD_BGP_ID		3
#define BGP_ERR_OPEN_OPT_PARAM		4
#define BGP_ERR_OPEN_AUTH		5	/* deprecated */
#define BGP_ERR_OPEN_HOLD_TIME		6
#define BGP_ERR_OPEN_CAPABILITY		7
#define BGP_ERR_OPEN_ROLE_MISMATCH	11

/* UPDATE Message Error subcodes */
#define BGP_ERR_UPD_ATTR_LIST		1
#define BGP_ERR_UPD_UNKNOWN_WELLKNOWN	2
#define BGP_ERR_UPD_MISSING_WELLKNOWN	3
#define BGP_ERR_UPD_ATTR_FLAGS		4
#define BGP_ERR_UPD_ATTR_LENGTH		5
#define BGP_ERR_UPD_ORIGIN		6
#define BGP_ERR_UPD_LOOP		7	/* deprecated */
#define BGP_ERR_UPD_NEXTHOP		8
#define BGP_ERR_UPD_OPTIONAL_ATTR	9
#define BGP_ERR_UPD_NETWORK		10
#define BGP_ERR_UPD_AS_PATH		11

/* FSM Error subcodes (RFC 6608) */
#define BGP_ERR_FSM_UNSPECIFIED		0
#define BGP_ERR_FSM_OPENSENT		1
#define BGP_ERR_FSM_OPENCONFIRM		2
#define BGP_ERR_FSM_ESTABLISHED		3

/* Cease subcodes (RFC 4486, 8538, 9384) */
#define BGP_CEASE_MAX_PREFIXES		1
#define BGP_CEASE_ADMIN_SHUTDOWN	2
#define BGP_CEASE_PEER_DECONFIGURED	3
#define BGP_CEASE_ADMIN_RESET		4
#define BGP_CEASE_CONN_REJECTED		5
#define BGP_CEASE_OTHER_CONFIG		6
#define BGP_CEASE_COLLISION		7
#define BGP_CEASE_OUT_OF_RESOURCES	8
#define BGP_CEASE_HARD_RESET		9
#define BGP_CEASE_BFD_DOWN		10

/* ROUTE-REFRESH Message Error subcodes (RFC 7313) */
#define BGP_ERR_RR_INVALID_LENGTH	1

/* RFC 9003: shutdown communication is at most 255 octets of UTF-8 */
#define BGP_SHUTDOWN_COMM_MAX		255

/* OPEN optional parameters (RFC 5492, 9072) */
#define BGP_OPT_PARAM_CAPABILITY	2
#define BGP_OPT_PARAM_EXTENDED		255

/* Capability codes */
enum bgp_cap_code {
	BGP_CAP_MP = 1,
	BGP_CAP_ROUTE_REFRESH = 2,
	BGP_CAP_ORF = 3,
	BGP_CAP_EXT_NEXTHOP = 5,		/* RFC 8950 */
	BGP_CAP_EXT_MESSAGE = 6,		/* RFC 8654 */
	BGP_CAP_ROLE = 9,			/* RFC 9234 */
	BGP_CAP_GRACEFUL_RESTART = 64,
	BGP_CAP_AS4 = 65,			/* RFC 6793 */
	BGP_CAP_MULTI_SESSION = 68,
	BGP_CAP_ADD_PATH = 69,			/* RFC 7911 */
	BGP_CAP_ENHANCED_RR = 70,		/* RFC 7313 */
	BGP_CAP_LLGR = 71,
	BGP_CAP_FQDN = 73,			/* draft-walton-bgp-hostname */
	BGP_CAP_SOFTWARE_VERSION = 75,
	BGP_CAP_PATHS_LIMIT = 76,
	/* draft-ietf-idr-linklocal-capability */
	BGP_CAP_LINK_LOCAL_NEXTHOP = 77,
	BGP_CAP_ROUTE_REFRESH_CISCO = 128,
	BGP_CAP_MULTI_SESSION_CISCO = 131,
	BGP_CAP_OPERATIONAL = 185,
};

/* ADD-PATH send/receive values (RFC 7911 §4) */
#define BGP_ADDPATH_RECEIVE		1
#define BGP_ADDPATH_SEND		2
#define BGP_ADDPATH_BOTH		3

/* graceful restart flags (RFC 4724) */
#define BGP_GR_RESTART_FLAG		0x8	/* R bit, high nibble */
#define BGP_GR_FORWARDING_FLAG		0x80	/* per AFI/SAFI F bit */

/* ROUTE-REFRESH subtypes (RFC 7313 §3.2) */
#define BGP_RR_NORMAL			0
#define BGP_RR_BORR			1
#define BGP_RR_EORR			2

/* Path attribute flags (RFC 4271 §4.3) */
#define BGP_ATTR_F_OPTIONAL		0x80
#define BGP_ATTR_F_TRANSITIVE		0x40
#define BGP_ATTR_F_PARTIAL		0x20
#define BGP_ATTR_F_EXTLEN		0x10

/* Path attribute type codes */
enum bgp_attr_code {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH_NLRI = 14,
	BGP_ATTR_MP_UNREACH_NLRI = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_PMSI_TUNNEL = 22,
	BGP_ATTR_TUNNEL_ENCAP = 23,
	BGP_ATTR_IPV6_EXT_COMMUNITIES = 25,
	BGP_ATTR_AIGP = 26,
	BGP_ATTR_BGP_LS = 29,		/* RFC 9552 §5.3 */
	BGP_ATTR_LARGE_COMMUNITIES = 32,
	BGP_ATTR_OTC = 35,
	BGP_ATTR_PREFIX_SID = 40,
};

/* ORIGIN values */
#define BGP_ORIGIN_IGP			0
#define BGP_ORIGIN_EGP			1
#define BGP_ORIGIN_INCOMPLETE		2

/* AS_PATH segment types (RFC 4271, 5065) */
#define BGP_ASPATH_SET			1
#define BGP_ASPATH_SEQUENCE		2
#define BGP_ASPATH_CONFED_SEQUENCE	3
#define BGP_ASPATH_CONFED_SET		4

#define BGP_AS_TRANS			23456	/* RFC 6793 */

/* Well-known communities (RFC 1997, 3765, 7999, 8326) */
#define BGP_COMM_GRACEFUL_SHUTDOWN	0xFFFF0000u
#define BGP_COMM_BLACKHOLE		0xFFFF029Au
#define BGP_COMM_NO_EXPORT		0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE		0xFFFFFF02u
#define BGP_COMM_NO_EXPORT_SUBCONFED	0xFFFFFF03u
#define BGP_COMM_NO_PEER		0xFFFFFF04u

/*
 * Extended communities (RFC 4360, 5668, 7153, 8955, 7674, 4761): the type
 * (high octet) and sub-type (second octet) of those evbgp names.
 */
#define BGP_EC_T_AS2		0x00	/* transitive two-octet AS specific */
#define BGP_EC_T_IPV4		0x01	/* transitive IPv4 address specific */
#define BGP_EC_T_AS4		0x02	/* transitive four-octet AS specific */
#define BGP_EC_T_NONTRANS_AS2	0x40	/* non-transitive two-octet AS */
#define BGP_EC_T_SIMPSON	0x08	/* redirect to next hop (draft) */
#define BGP_EC_T_MUP		0x0c	/* BGP-MUP, direct segment
					   identifier (draft-mpmz-bess-mup-safi
					   §3.2, subtype 0) */
#define BGP_EC_T_FLOW		0x80	/* flowspec actions (RFC 8955) */
#define BGP_EC_T_FLOW_IPV4	0x81
#define BGP_EC_T_FLOW_AS4	0x82
#define BGP_EC_T_INTERFACE_SET	0x07	/* flowspec scope, 0x47 when
					   non-transitive (draft-ietf-idr-
					   flowspec-interfaceset) */
#define BGP_EC_S_TARGET		0x02
#define BGP_EC_S_ORIGIN		0x03
#define BGP_EC_S_BANDWIDTH	0x04
#define BGP_EC_S_INTERFACE_SET	0x02
#define BGP_EC_S_RATE		0x06
#define BGP_EC_S_ACTION		0x07
#define BGP_EC_S_REDIRECT	0x08
#define BGP_EC_S_MARK		0x09
#define BGP_EC_S_L2INFO		0x0a
#define BGP_EC_S_NEXTHOP_IETF	0x0c	/* draft-ietf-idr-flowspec-redirect-ip */
#define BGP_EC_S_RATE_PACKETS	0x0c	/* RFC 8955 §7 traffic-rate-packets */
#define BGP_EC_REDIRECT_NH	UINT64_C(0x0800000000000000)
#define BGP_EC_COPY_NH		UINT64_C(0x0800000000000001)

/* Address family identifiers */
#define BGP_AFI_IPV4			1
#define BGP_AFI_IPV6			2
#define BGP_AFI_L2VPN			25
#define BGP_AFI_BGPLS			16388

/* Subsequent address family identifiers */
#define BGP_SAFI_UNICAST		1
#define BGP_SAFI_MULTICAST		2
#define BGP_SAFI_NLRI_MPLS		4
#define BGP_SAFI_MVPN			5	/* RFC 6514 */
#define BGP_SAFI_VPLS			65
#define BGP_SAFI_EVPN			70
#define BGP_SAFI_BGPLS			71
#define BGP_SAFI_BGPLS_VPN		72
#define BGP_SAFI_SRPOLICY		73	/* RFC 9830 */
#define BGP_SAFI_MUP			85	/* draft-mpmz-bess-mup-safi */
#define BGP_SAFI_MPLS_VPN		128
#define BGP_SAFI_RTC			132	/* RFC 4684 */
#define BGP_SAFI_FLOW			133
#define BGP_SAFI_FLOW_VPN		134

/* RFC 4271 §10 suggested timer values (seconds) */
#define BGP_DEFAULT_HOLD_TIME		180
#define BGP_DEFAULT_CONNECT_RETRY	120
#define BGP_OPENSENT_HOLD_TIME		240	/* "large value" of §8.2.2 */

#endif /* EVBGP_BGP_PROTO_H */
