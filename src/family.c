/*
 * Address family names and numbers (see family.h).
 */
#include <stdio.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/family.h"

struct family_def {
	uint16_t	 afi;
	uint8_t		 safi;
	const char	*afi_name;
	const char	*safi_name;
};

static const struct family_def family_defs[FAM_MAX] = {
	[FAM_IPV4_UNICAST] = { BGP_AFI_IPV4, BGP_SAFI_UNICAST, "ipv4", "unicast" },
	[FAM_IPV4_MULTICAST] = { BGP_AFI_IPV4, BGP_SAFI_MULTICAST, "ipv4", "multicast" },
	[FAM_IPV4_NLRI_MPLS] = { BGP_AFI_IPV4, BGP_SAFI_NLRI_MPLS, "ipv4", "nlri-mpls" },
	[FAM_IPV4_MVPN] = { BGP_AFI_IPV4, BGP_SAFI_MVPN, "ipv4", "mcast-vpn" },
	[FAM_IPV4_SRPOLICY] = { BGP_AFI_IPV4, BGP_SAFI_SRPOLICY, "ipv4", "sr-policy" },
	[FAM_IPV4_MUP] = { BGP_AFI_IPV4, BGP_SAFI_MUP, "ipv4", "mup" },
	[FAM_IPV4_MPLS_VPN] = { BGP_AFI_IPV4, BGP_SAFI_MPLS_VPN, "ipv4", "mpls-vpn" },
	[FAM_IPV4_RTC] = { BGP_AFI_IPV4, BGP_SAFI_RTC, "ipv4", "rtc" },
	[FAM_IPV4_FLOW] = { BGP_AFI_IPV4, BGP_SAFI_FLOW, "ipv4", "flow" },
	[FAM_IPV4_FLOW_VPN] = { BGP_AFI_IPV4, BGP_SAFI_FLOW_VPN, "ipv4", "flow-vpn" },
	[FAM_IPV6_UNICAST] = { BGP_AFI_IPV6, BGP_SAFI_UNICAST, "ipv6", "unicast" },
	[FAM_IPV6_MULTICAST] = { BGP_AFI_IPV6, BGP_SAFI_MULTICAST, "ipv6", "multicast" },
	[FAM_IPV6_NLRI_MPLS] = { BGP_AFI_IPV6, BGP_SAFI_NLRI_MPLS, "ipv6", "nlri-mpls" },
	[FAM_IPV6_MVPN] = { BGP_AFI_IPV6, BGP_SAFI_MVPN, "ipv6", "mcast-vpn" },
	[FAM_IPV6_SRPOLICY] = { BGP_AFI_IPV6, BGP_SAFI_SRPOLICY, "ipv6", "sr-policy" },
	[FAM_IPV6_MUP] = { BGP_AFI_IPV6, BGP_SAFI_MUP, "ipv6", "mup" },
	[FAM_IPV6_MPLS_VPN] = { BGP_AFI_IPV6, BGP_SAFI_MPLS_VPN, "ipv6", "mpls-vpn" },
	[FAM_IPV6_FLOW] = { BGP_AFI_IPV6, BGP_SAFI_FLOW, "ipv6", "flow" },
	[FAM_IPV6_FLOW_VPN] = { BGP_AFI_IPV6, BGP_SAFI_FLOW_VPN, "ipv6", "flow-vpn" },
	[FAM_L2VPN_VPLS] = { BGP_AFI_L2VPN, BGP_SAFI_VPLS, "l2vpn", "vpls" },
	[FAM_L2VPN_EVPN] = { BGP_AFI_L2VPN, BGP_SAFI_EVPN, "l2vpn", "evpn" },
	[FAM_BGPLS] = { BGP_AFI_BGPLS, BGP_SAFI_BGPLS, "bgp-ls", "bgp-ls" },
	[FAM_BGPLS_VPN] = { BGP_AFI_BGPLS, BGP_SAFI_BGPLS_VPN, "bgp-ls", "bgp-ls-vpn" },
};

int
family_lookup(uint16_t afi, uint8_t safi)
{
	for (int i = 0; i < FAM_MAX; i++)
		if (family_defs[i].afi == afi && family_defs[i].safi == safi)
			return i;
	return -1;
}

int
family_by_name(const char *afi, const char *safi)
{
	/* main's alias for nlri-mpls */
	if (strcmp(safi, "labeled-unicast") == 0)
		safi = "nlri-mpls";
	for (int i = 0; i < FAM_MAX; i++)
		if (strcmp(family_defs[i].afi_name, afi) == 0 &&
		    strcmp(family_defs[i].safi_name, safi) == 0)
			return i;
	return -1;
}

uint16_t
family_afi(enum family_id id)
{
	return family_defs[id].afi;
}

uint8_t
family_safi(enum family_id id)
{
	return family_defs[id].safi;
}

const char *
family_afi_name(enum family_id id)
{
	return family_defs[id].afi_name;
}

const char *
family_safi_name(enum family_id id)
{
	return family_defs[id].safi_name;
}

const char *
afi_name(uint16_t afi, char *buf, unsigned len)
{
	switch (afi) {
	case BGP_AFI_IPV4:
		return "ipv4";
	case BGP_AFI_IPV6:
		return "ipv6";
	case BGP_AFI_L2VPN:
		return "l2vpn";
	case BGP_AFI_BGPLS:
		return "bgp-ls";
	}
	snprintf(buf, len, "%u", afi);
	return buf;
}

const char *
safi_name(uint8_t safi, char *buf, unsigned len)
{
	for (int i = 0; i < FAM_MAX; i++)
		if (family_defs[i].safi == safi)
			return family_defs[i].safi_name;
	snprintf(buf, len, "%u", safi);
	return buf;
}
