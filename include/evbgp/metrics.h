/*
 * The Prometheus endpoint: evbgpd's counters and gauges in the text
 * exposition format (version 0.0.4) over HTTP (libevent's evhttp), on a
 * listen address given by --metrics; off without it.
 *
 * It must never be the reason a BGP session drops: connections are
 * bounded (METRICS_MAX_CONNS at once: the listener pauses beyond), each
 * lives at most METRICS_CONN_MAX_S whatever it sends, idle reads and
 * writes time out, requests are GET/HEAD with small headers and no body,
 * and an answer is built in one pass over the peers (no per-route work).
 */
#ifndef EVBGP_METRICS_H
#define EVBGP_METRICS_H

#include <stdint.h>

#include "evbgp/prefix.h"

struct daemon;
struct metrics;
struct sbuf;

#define METRICS_DEFAULT_ADDR	"127.0.0.1"
#define METRICS_DEFAULT_PORT	9179
#define METRICS_MAX_CONNS	16
#define METRICS_CONN_MAX_S	10	/* a connection's whole life */
#define METRICS_IO_TIMEOUT_S	3	/* reading a request, writing */
#define METRICS_MAX_HEADERS	8192	/* bytes of request line + headers */

/*
 * "[ADDR:]PORT", "ADDR" or "[IPV6]:PORT" (ADDR defaults to 127.0.0.1,
 * PORT to 9179; PORT 0 picks a free one, logged). 0, or -1 with why.
 */
int	metrics_parse_listen(const char *s, struct bgp_addr *addr,
	    uint16_t *port, char *why, size_t len);
/* Listen on addr:port and answer /metrics from d. NULL, logged, when it
 * cannot. */
struct metrics *metrics_new(struct daemon *d, const struct bgp_addr *addr,
	    uint16_t port);
/* The port it listens on (the one chosen for port 0). */
uint16_t metrics_port(const struct metrics *m);
void	metrics_free(struct metrics *m);
/* The exposition text for d (what GET /metrics answers), into out. */
void	metrics_render(struct daemon *d, const struct metrics *m,
	    struct sbuf *out);

#endif /* EVBGP_METRICS_H */
