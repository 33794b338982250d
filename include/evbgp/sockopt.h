/*
 * Socket options for BGP sessions: TCP-MD5 (RFC 2385), GTSM (RFC 5082)
 * through IP_TTL / IP_MINTTL and their IPv6 counterparts. Each returns 0,
 * or -1 with errno set; callers log with the neighbor's name.
 */
#ifndef EVBGP_SOCKOPT_H
#define EVBGP_SOCKOPT_H

#include "evbgp/prefix.h"

/* Key len bytes of key for connections with remote (prefix len bits). */
int	sockopt_md5(int fd, const struct bgp_addr *remote, unsigned prefixlen,
	    const char *key, size_t len);
/* Outgoing TTL / hop limit. */
int	sockopt_ttl(int fd, int afi, int ttl);
/* Minimum incoming TTL / hop count. */
int	sockopt_minttl(int fd, int afi, int minttl);
/*
 * Keep at most about bytes of not-yet-sent data in the kernel's send
 * buffer (TCP_NOTSENT_LOWAT; in-flight data still autotunes), so what is
 * queued later (a KEEPALIVE) does not wait behind megabytes. -1 with
 * ENOPROTOOPT where the system has no such option.
 */
int	sockopt_notsent_lowat(int fd, unsigned bytes);
/* A non-blocking, close-on-exec TCP socket for afi. */
int	sockopt_tcp_socket(int afi);

#endif /* EVBGP_SOCKOPT_H */
