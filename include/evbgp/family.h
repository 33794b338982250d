/*
 * Address families (AFI/SAFI pairs) known by name, as a small index so a
 * set of families is a bitmask. The index order is the AFI/SAFI numeric
 * order, which is the order capabilities are sent in.
 */
#ifndef EVBGP_FAMILY_H
#define EVBGP_FAMILY_H

#include <stdbool.h>
#include <stdint.h>

enum family_id {
	FAM_IPV4_UNICAST,
	FAM_IPV4_MULTICAST,
	FAM_IPV4_NLRI_MPLS,
	FAM_IPV4_MVPN,
	FAM_IPV4_SRPOLICY,
	FAM_IPV4_MUP,
	FAM_IPV4_MPLS_VPN,
	FAM_IPV4_RTC,
	FAM_IPV4_FLOW,
	FAM_IPV4_FLOW_VPN,
	FAM_IPV6_UNICAST,
	FAM_IPV6_MULTICAST,
	FAM_IPV6_NLRI_MPLS,
	FAM_IPV6_MVPN,
	FAM_IPV6_SRPOLICY,
	FAM_IPV6_MUP,
	FAM_IPV6_MPLS_VPN,
	FAM_IPV6_FLOW,
	FAM_IPV6_FLOW_VPN,
	FAM_L2VPN_VPLS,
	FAM_L2VPN_EVPN,
	FAM_BGPLS,
	FAM_BGPLS_VPN,
	FAM_MAX
};

/* A set of families: bit (1u << id). */
typedef uint32_t famset_t;
_Static_assert(FAM_MAX <= 32, "a famset_t holds every family");

#define FAMSET(id)		((famset_t)1u << (id))
#define FAMSET_HAS(set, id)	(((set) & FAMSET(id)) != 0)
#define FAMSET_ALL		((famset_t)((1u << FAM_MAX) - 1))
/* (The families whose routes evbgp encodes and decodes: nlri_spoken().) */
/* ExaBGP main's families that 4.2 does not know ("family { all; }" is
 * 4.2's list). */
#define FAMSET_MAIN_ONLY						\
	(FAMSET(FAM_IPV4_MVPN) | FAMSET(FAM_IPV6_MVPN) |		\
	FAMSET(FAM_IPV4_MUP) | FAMSET(FAM_IPV6_MUP) |			\
	FAMSET(FAM_IPV4_SRPOLICY) | FAMSET(FAM_IPV6_SRPOLICY))

/* Index of (afi, safi), or -1 when the pair has no name here. */
int		 family_lookup(uint16_t afi, uint8_t safi);
/* Index of "ipv4" "unicast" style names (4.2 names and aliases), or -1. */
int		 family_by_name(const char *afi, const char *safi);
uint16_t	 family_afi(enum family_id id);
uint8_t		 family_safi(enum family_id id);
/* "ipv4", "ipv6", "l2vpn", "bgp-ls" */
const char	*family_afi_name(enum family_id id);
/* "unicast", "multicast", "nlri-mpls", "mpls-vpn", "flow", ... */
const char	*family_safi_name(enum family_id id);
/* Name of an AFI or SAFI number for display ("ipv4", or the number). */
const char	*afi_name(uint16_t afi, char *buf, unsigned len);
const char	*safi_name(uint8_t safi, char *buf, unsigned len);

#endif /* EVBGP_FAMILY_H */
