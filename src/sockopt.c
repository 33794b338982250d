/*
 * Session socket options (see sockopt.h). Only called when configured:
 * setting TCP_MD5SIG unconditionally breaks on kernels without it.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/sockopt.h"

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

int
sockopt_md5(int fd, const struct bgp_addr *remote, unsigned prefixlen,
    const char *key, size_t len)
{
	struct tcp_md5sig sig;

	if (len > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return -1;
	}
	memset(&sig, 0, sizeof(sig));
	addr_to_sockaddr(remote, 0, (struct sockaddr_storage *)&sig.tcpm_addr);
	sig.tcpm_keylen = (uint16_t)len;
	memcpy(sig.tcpm_key, key, len);
	if (prefixlen != addr_len(remote) * 8) {
		sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
		sig.tcpm_prefixlen = (uint8_t)prefixlen;
		return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &sig,
		    sizeof(sig));
	}
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig));
}

int
sockopt_ttl(int fd, int afi, int ttl)
{
	if (afi == BGP_AFI_IPV6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
		    sizeof(ttl));
	return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

int
sockopt_minttl(int fd, int afi, int minttl)
{
	if (afi == BGP_AFI_IPV6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &minttl,
		    sizeof(minttl));
	return setsockopt(fd, IPPROTO_IP, IP_MINTTL, &minttl, sizeof(minttl));
}

int
sockopt_notsent_lowat(int fd, unsigned bytes)
{
#ifdef TCP_NOTSENT_LOWAT
	int v = (int)bytes;

	return setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, sizeof(v));
#else
	(void)fd;
	(void)bytes;
	errno = ENOPROTOOPT;
	return -1;
#endif
}

int
sockopt_tcp_socket(int afi)
{
	int domain = afi == BGP_AFI_IPV6 ? AF_INET6 : AF_INET;

	return socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}
