/*
 * The Prometheus endpoint (see metrics.h).
 *
 * evhttp serves the requests; what it does not bound by itself in
 * libevent 2.1 (how many connections at once, how long one lives) is
 * bounded here. Each accepted connection's bufferevent is made by us
 * (evhttp_set_bevcb) and kept with one extra reference: evhttp frees it
 * when it is done with the connection (its callbacks are then cleared),
 * and a sweep every METRICS_SWEEP_MS drops our reference (closing the
 * socket) and counts what is left. At METRICS_MAX_CONNS the listener is
 * paused, so a flood of connects waits in the kernel's small backlog
 * instead of taking descriptors; a connection older than
 * METRICS_CONN_MAX_S is ended with an EOF event (evhttp then frees it),
 * so slow or silent clients cannot hold the slots.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/metrics.h"
#include "evbgp/msg.h"
#include "evbgp/peer.h"
#include "evbgp/adj_rib.h"
#include "evbgp/rib_release.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

#define METRICS_SWEEP_MS	250
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics_conn {
	struct bufferevent *bev;	/* our reference */
	double		 born;		/* mono_now() */
	bool		 ended;		/* told EOF at its age limit */
};

struct metrics {
	struct daemon	*d;
	struct evhttp	*http;
	struct evconnlistener *lev;	/* evhttp's bound socket's */
	uint16_t	 port;
	struct metrics_conn *conns;
	size_t		 nconns;
	bool		 paused;	/* listener disabled: at the limit */
	struct event	*ev_sweep;
	uint64_t	 accepted;	/* connections, ever */
	uint64_t	 scrapes;	/* GET/HEAD /metrics answered */
	uint64_t	 killed;	/* ended at the age limit */
	double		 started;	/* wall clock, for start time */
};

/* ---- the listen address ---- */

int
metrics_parse_listen(const char *s, struct bgp_addr *addr, uint16_t *port,
    char *why, size_t len)
{
	char host[INET6_ADDRSTRLEN + 2] = METRICS_DEFAULT_ADDR;
	const char *colon = strrchr(s, ':'), *p = NULL;
	char *end;
	unsigned long v;

	*port = METRICS_DEFAULT_PORT;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':') ||
		    (size_t)(close - s - 1) >= sizeof(host)) {
			snprintf(why, len, "'%s': expected [IPV6]:PORT", s);
			return -1;
		}
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		p = close[1] == ':' ? close + 2 : NULL;
	} else if (colon != NULL && strchr(s, ':') == colon) {
		/* ADDR:PORT (an IPv6 address without brackets has several) */
		if (colon == s) {
			snprintf(why, len, "'%s': an address before the ':'", s);
			return -1;
		}
		if ((size_t)(colon - s) >= sizeof(host)) {
			snprintf(why, len, "'%s': not an IP address", s);
			return -1;
		}
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		p = colon + 1;
	} else if (s[0] != '\0' && strspn(s, "0123456789") == strlen(s)) {
		p = s;		/* PORT alone: loopback */
	} else if (strlen(s) < sizeof(host)) {
		snprintf(host, sizeof(host), "%s", s);	/* ADDR alone */
	} else {
		snprintf(why, len, "'%s': not an IP address", s);
		return -1;
	}
	if (addr_parse(host, addr) == -1) {
		snprintf(why, len, "'%s': '%s' is not an IP address", s, host);
		return -1;
	}
	if (p != NULL) {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (p[0] == '\0' || *end != '\0' || errno != 0 || v > 65535 ||
		    p[0] == '-' || p[0] == '+') {
			snprintf(why, len, "'%s': the port must be 0 to 65535",
			    s);
			return -1;
		}
		*port = (uint16_t)v;
	}
	return 0;
}

/* ---- the exposition text ---- */

/* A label value as the format wants it: \, " and newline escaped. */
static void
label_value(struct sbuf *o, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			sbuf_addc(o, '\\');
		if (*v == '\n') {
			sbuf_adds(o, "\\n");
			continue;
		}
		sbuf_addc(o, *v);
	}
}

static void
family(struct sbuf *o, const char *name, const char *type, const char *help)
{
	sbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample: name{labels} value; labels: "k", "v", ..., NULL. */
static void
sample(struct sbuf *o, const char *name, double v, ...)
    __attribute__((sentinel));

static void
sample(struct sbuf *o, const char *name, double v, ...)
{
	va_list ap;
	const char *k;
	bool first = true;

	sbuf_adds(o, name);
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		sbuf_printf(o, "%s%s=\"", first ? "{" : ",", k);
		label_value(o, va_arg(ap, const char *));
		sbuf_addc(o, '"');
		first = false;
	}
	va_end(ap);
	if (!first)
		sbuf_addc(o, '}');
	/* integers as integers; %.17g round-trips the others */
	if (v == (double)(int64_t)v && v < 9e15 && v > -9e15)
		sbuf_printf(o, " %lld\n", (long long)v);
	else
		sbuf_printf(o, " %.17g\n", v);
}

/*
 * What held the event loop (loop_watch.h): the longest callback since the
 * start and in the last minute, with its kind and subject (a peer's
 * address, a helper's name), and the callbacks longer than LW_SLOW_MS.
 */
static void
loop_stall_sample(struct sbuf *o, const char *name, const struct lw_stall *s)
{
	if (s->secs > 0)
		sample(o, name, s->secs, "kind", loop_watch_kind_name(s->kind),
		    "subject", s->who, NULL);
}

static void
loop_metrics(struct sbuf *o)
{
	struct lw_stall max = loop_watch_max(), recent = loop_watch_recent();

	family(o, "evbgp_event_loop_callback_max_seconds", "gauge", "The "
	    "longest callback of the event loop since the start, by what it "
	    "was (kind: read, write, pack, timer, session, helper, control, "
	    "daemon; subject: the peer or helper).");
	loop_stall_sample(o, "evbgp_event_loop_callback_max_seconds", &max);
	family(o, "evbgp_event_loop_callback_recent_max_seconds", "gauge",
	    "The longest callback of the event loop in the last minute "
	    "(about), by what it was.");
	loop_stall_sample(o, "evbgp_event_loop_callback_recent_max_seconds",
	    &recent);
	family(o, "evbgp_event_loop_slow_callbacks_total", "counter",
	    "Callbacks of the event loop that held it longer than 20 ms, by "
	    "kind.");
	for (int k = 0; k < LW_NKINDS; k++)
		sample(o, "evbgp_event_loop_slow_callbacks_total",
		    (double)loop_watch_slow_count(k), "kind",
		    loop_watch_kind_name(k), NULL);
	family(o, "evbgp_event_loop_turn_max_seconds", "gauge", "The longest "
	    "turn of the event loop since the start: the callbacks run after "
	    "one wake-up, back to back (timers wait for all of them).");
	sample(o, "evbgp_event_loop_turn_max_seconds", loop_watch_max_turn().secs,
	    NULL);
	family(o, "evbgp_event_loop_callbacks_total", "counter", "Callbacks "
	    "the event loop ran.");
	sample(o, "evbgp_event_loop_callbacks_total",
	    (double)loop_watch_callbacks(), NULL);
}

static const char *const state_names[ST_MAX] = {
	[ST_IDLE] = "idle", [ST_CONNECT] = "connect", [ST_ACTIVE] = "active",
	[ST_OPENSENT] = "opensent", [ST_OPENCONFIRM] = "openconfirm",
	[ST_ESTABLISHED] = "established",
};

/*
 * What names a peer in the labels: its address and our local address
 * ("auto" when not configured). Two neighbors may share both (other
 * ports): the later ones get "#2", "#3" ... so that no series repeats.
 */
struct peer_label {
	const char	*peer;
	char		 local[ADDR_STRLEN + 16];
	size_t		 idx;
};

static int
peer_label_cmp(const void *a, const void *b)
{
	const struct peer_label *x = a, *y = b;
	int c = strcmp(x->peer, y->peer);

	if (c == 0)
		c = strcmp(x->local, y->local);
	return c != 0 ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The labels of d's peers, in d->peers order (caller frees). */
static struct peer_label *
peer_labels(struct daemon *d)
{
	struct peer_label *v = xreallocarray(NULL, d->npeers + 1, sizeof(*v));
	struct peer_label *out = xreallocarray(NULL, d->npeers + 1,
	    sizeof(*out));

	for (size_t i = 0; i < d->npeers; i++) {
		const struct bgp_addr *l = &d->peers[i]->cfg->local_addr;

		v[i].peer = d->peers[i]->name;
		v[i].idx = i;
		if (l->afi != 0)
			addr_fmt(l, v[i].local);
		else
			snprintf(v[i].local, sizeof(v[i].local), "auto");
	}
	qsort(v, d->npeers, sizeof(*v), peer_label_cmp);
	/* equal pairs are together now: number them from the second */
	for (size_t i = 0, first = 0; i < d->npeers; i++) {
		if (i > 0 && (strcmp(v[i].peer, v[first].peer) != 0 ||
		    strcmp(v[i].local, v[first].local) != 0))
			first = i;
		out[v[i].idx] = v[i];
		if (i > first)
			snprintf(out[v[i].idx].local + strlen(v[i].local),
			    sizeof(v[i].local) - strlen(v[i].local), "#%zu",
			    i - first + 1);
	}
	free(v);
	return out;
}

/* A per-peer family: one sample per peer from get(p). */
typedef double peer_value_fn(const struct peer *p);

static void
per_peer(struct sbuf *o, struct daemon *d, const struct peer_label *lb,
    const char *name, const char *type, const char *help,
    peer_value_fn *get)
{
	family(o, name, type, help);
	for (size_t i = 0; i < d->npeers; i++)
		sample(o, name, get(d->peers[i]), "peer", lb[i].peer, "local", lb[i].local,
		    NULL);
}

static double
peer_up(const struct peer *p)
{
	return peer_state(p) == ST_ESTABLISHED;
}

static double
peer_uptime(const struct peer *p)
{
	return peer_state(p) == ST_ESTABLISHED ?
	    mono_now() - p->hist.state_since : 0;
}

static double
peer_state_age(const struct peer *p)
{
	return mono_now() - p->hist.state_since;
}

static double
peer_flaps(const struct peer *p)
{
	return (double)p->hist.flaps;
}

static double
peer_rib_out(const struct peer *p)
{
	return (double)adj_rib_count(p->rib_out);
}

static double
peer_rib_out_queued(const struct peer *p)
{
	return (double)peer_routes_queued(p);
}

static double
peer_sent_bytes(const struct peer *p)
{
	return (double)p->stats.sent_bytes;
}

static void
render_peers(struct daemon *d, const struct peer_label *lb, struct sbuf *o)
{
	static const char *const msg_words[BGP_MSG_TYPE_COUNT] = {
		[BGP_MSG_OPEN] = "open", [BGP_MSG_UPDATE] = "update",
		[BGP_MSG_NOTIFICATION] = "notification",
		[BGP_MSG_KEEPALIVE] = "keepalive",
		[BGP_MSG_ROUTE_REFRESH] = "route_refresh",
	};

	per_peer(o, d, lb, "evbgp_peer_up", "gauge", "1 while the session is "
	    "established, else 0.", peer_up);
	family(o, "evbgp_peer_state", "gauge", "The session's FSM state (1 "
	    "for the state it is in).");
	for (size_t i = 0; i < d->npeers; i++)
		for (int s = ST_IDLE; s < ST_MAX; s++)
			if (state_names[s] != NULL)
				sample(o, "evbgp_peer_state",
				    (int)peer_state(d->peers[i]) == s, "peer",
				    lb[i].peer, "local", lb[i].local, "state",
				    state_names[s],
				    NULL);
	per_peer(o, d, lb, "evbgp_peer_uptime_seconds", "gauge", "Seconds the "
	    "session has been established (0 when it is not).", peer_uptime);
	per_peer(o, d, lb, "evbgp_peer_state_seconds", "gauge", "Seconds in the "
	    "current state.", peer_state_age);
	per_peer(o, d, lb, "evbgp_peer_flaps_total", "counter", "Established "
	    "sessions that went down.", peer_flaps);
	for (int dir = 0; dir < 2; dir++) {
		const char *name = dir == 0 ? "evbgp_peer_messages_sent_total" :
		    "evbgp_peer_messages_received_total";

		family(o, name, "counter", dir == 0 ? "BGP messages sent, by "
		    "type." : "BGP messages received, by type.");
		for (size_t i = 0; i < d->npeers; i++) {
			const struct peer *p = d->peers[i];

			for (uint8_t t = 1; t < BGP_MSG_TYPE_COUNT; t++)
				if (msg_words[t] != NULL)
					sample(o, name, (double)(dir == 0 ?
					    p->stats.sent[t] : p->stats.recv[t]),
					    "peer", lb[i].peer, "local", lb[i].local, "type",
					    msg_words[t], NULL);
		}
	}
	family(o, "evbgp_peer_prefixes_sent_total", "counter", "Routes sent "
	    "in UPDATEs, by action.");
	for (size_t i = 0; i < d->npeers; i++) {
		uint64_t ann, wd;

		peer_routes_sent(d->peers[i], &ann, &wd);
		sample(o, "evbgp_peer_prefixes_sent_total", (double)ann,
		    "peer", lb[i].peer, "local", lb[i].local, "action", "announce", NULL);
		sample(o, "evbgp_peer_prefixes_sent_total", (double)wd,
		    "peer", lb[i].peer, "local", lb[i].local, "action", "withdraw", NULL);
	}
	family(o, "evbgp_peer_prefixes_received_total", "counter", "Routes "
	    "received in UPDATEs, by action.");
	for (size_t i = 0; i < d->npeers; i++) {
		const struct peer *p = d->peers[i];

		sample(o, "evbgp_peer_prefixes_received_total",
		    (double)p->hist.prefixes_recv, "peer", lb[i].peer, "local", lb[i].local, "action",
		    "announce", NULL);
		sample(o, "evbgp_peer_prefixes_received_total",
		    (double)p->hist.withdrawn_recv, "peer", lb[i].peer, "local", lb[i].local, "action",
		    "withdraw", NULL);
	}
	per_peer(o, d, lb, "evbgp_peer_adj_rib_out_routes", "gauge", "Routes "
	    "in the Adj-RIB-Out (wanted announced).", peer_rib_out);
	per_peer(o, d, lb, "evbgp_peer_adj_rib_out_queued_routes", "gauge",
	    "Routes waiting to be sent (the Adj-RIB-Out backlog).",
	    peer_rib_out_queued);
	family(o, "evbgp_peer_adj_rib_in_routes", "gauge", "Routes in the "
	    "Adj-RIB-In (neighbors with adj-rib-in only).");
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->rib_in != NULL)
			sample(o, "evbgp_peer_adj_rib_in_routes",
			    (double)adj_rib_count(d->peers[i]->rib_in), "peer",
			    lb[i].peer, "local", lb[i].local, NULL);
	per_peer(o, d, lb, "evbgp_peer_sent_bytes_total", "counter", "Bytes of "
	    "BGP messages queued for sending.", peer_sent_bytes);
	family(o, "evbgp_peer_output_bytes", "gauge", "Bytes sent but not "
	    "acknowledged by the peer's TCP, by where they wait.");
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer_out_progress pr;

		peer_out_progress(d->peers[i], &pr);
		sample(o, "evbgp_peer_output_bytes", (double)pr.buffered,
		    "peer", lb[i].peer, "local", lb[i].local, "queue", "evbgpd", NULL);
		sample(o, "evbgp_peer_output_bytes", (double)pr.unacked,
		    "peer", lb[i].peer, "local", lb[i].local, "queue", "socket", NULL);
	}
}

/* Bytes given to each helper's pipe, by reference (vmsplice) or copy. */
static void
render_helper_written(struct daemon *d, struct sbuf *o)
{
	static const char *name = "evbgp_helper_written_bytes_total";
	const struct config *cfg = d->cfg;

	family(o, name, "counter", "Bytes of events given to the helper's "
	    "stdin pipe, by how: spliced from evbgpd's pages or copied.");
	for (size_t i = 0; i < cfg->nprocesses; i++) {
		const char *proc = cfg->processes[i].name;
		struct sup_helper *h = d->sup != NULL ?
		    sup_find(d->sup, proc) : NULL;
		struct sup_stats st = { 0 };

		if (h != NULL)
			sup_helper_stats(h, &st);
		sample(o, name, (double)st.spliced_bytes, "helper", proc,
		    "how", "spliced", NULL);
		sample(o, name, (double)st.copied_bytes, "helper", proc,
		    "how", "copied", NULL);
	}
}

static void
render_helpers(struct daemon *d, struct sbuf *o)
{
	static const struct {
		const char *name, *type, *help;
	} fams[] = {
		{ "evbgp_helper_up", "gauge", "1 while the helper process "
		  "runs." },
		{ "evbgp_helper_restarts_total", "counter", "Times the helper "
		  "was started again." },
		{ "evbgp_helper_queue_bytes", "gauge", "Bytes of events "
		  "waiting to be written to the helper." },
		{ "evbgp_helper_dropped_events_total", "counter", "Events "
		  "dropped because the helper's queue was full." },
		{ "evbgp_helper_dropped_bytes_total", "counter", "Bytes of "
		  "events dropped because the helper's queue was full." },
		{ "evbgp_helper_lines_total", "counter", "Command lines read "
		  "from the helper." },
	};
	const struct config *cfg = d->cfg;

	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		family(o, fams[f].name, fams[f].type, fams[f].help);
		for (size_t i = 0; i < cfg->nprocesses; i++) {
			const char *name = cfg->processes[i].name;
			struct sup_helper *h = d->sup != NULL ?
			    sup_find(d->sup, name) : NULL;
			struct sup_stats st = { 0 };
			double v;

			if (h != NULL)
				sup_helper_stats(h, &st);
			switch (f) {
			case 0: v = h != NULL && sup_helper_pid(h) > 0; break;
			case 1: v = (double)st.restarts; break;
			case 2: v = h != NULL ? (double)sup_queued(h) : 0; break;
			case 3: v = (double)st.dropped_events; break;
			case 4: v = (double)st.dropped_bytes; break;
			default: v = (double)st.lines; break;
			}
			sample(o, fams[f].name, v, "helper", name, NULL);
		}
	}
	render_helper_written(d, o);
}

/* Resident set size from /proc (0 if it cannot be read). */
static double
rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "re");
	int n;

	if (f == NULL)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &resident);
	fclose(f);
	return n == 2 ? (double)resident * (double)sysconf(_SC_PAGESIZE) : 0;
}

static void
render_process(struct daemon *d, const struct metrics *m, struct sbuf *o)
{
	static const char *const src[2] = { "evbgpctl", "helper" };

	family(o, "evbgp_build_info", "gauge", "evbgpd's version (always 1).");
	sample(o, "evbgp_build_info", 1, "version", EVBGP_VERSION, NULL);
	if (m != NULL) {
		family(o, "process_start_time_seconds", "gauge", "When evbgpd "
		    "started, in seconds since the Unix epoch.");
		sample(o, "process_start_time_seconds", m->started, NULL);
	}
	family(o, "process_resident_memory_bytes", "gauge", "Resident "
	    "memory size in bytes.");
	sample(o, "process_resident_memory_bytes", rss_bytes(), NULL);
	family(o, "evbgp_neighbors", "gauge", "Neighbors (peers) known.");
	sample(o, "evbgp_neighbors", (double)d->npeers, NULL);
	family(o, "evbgp_attribute_sets", "gauge", "Distinct attribute sets "
	    "held (interned).");
	sample(o, "evbgp_attribute_sets", (double)attr_table_count(d->attrs),
	    NULL);
	family(o, "evbgp_adj_rib_release_pending_routes", "gauge", "Route "
	    "slots of dropped Adj-RIBs (a session's Adj-RIB-In, a neighbor "
	    "deleted) still to be released, a slice per turn of the event "
	    "loop.");
	sample(o, "evbgp_adj_rib_release_pending_routes",
	    (double)rib_release_pending(d->penv.release), NULL);
	family(o, "evbgp_commands_total", "counter", "Commands answered, by "
	    "source.");
	for (int i = 0; i < 2; i++)
		sample(o, "evbgp_commands_total", (double)d->ncommands[i],
		    "source", src[i], NULL);
	family(o, "evbgp_command_errors_total", "counter", "Commands that "
	    "failed, by source.");
	for (int i = 0; i < 2; i++)
		sample(o, "evbgp_command_errors_total",
		    (double)d->command_errors[i], "source", src[i], NULL);
	family(o, "evbgp_event_loop_lateness_seconds", "gauge", "How late "
	    "the last 50 ms tick of the event loop ran (every timer, "
	    "keepalives included, was as late).");
	sample(o, "evbgp_event_loop_lateness_seconds", d->health_late, NULL);
	family(o, "evbgp_event_loop_lateness_max_seconds", "gauge", "The "
	    "latest tick of the event loop seen since the start.");
	sample(o, "evbgp_event_loop_lateness_max_seconds", d->health_max_late,
	    NULL);
	family(o, "evbgp_event_loop_late_ticks_total", "counter", "Ticks of "
	    "the event loop more than 50 ms late.");
	sample(o, "evbgp_event_loop_late_ticks_total",
	    (double)d->health_late_ticks, NULL);
	loop_metrics(o);
	if (m != NULL) {
		family(o, "evbgp_metrics_connections", "gauge", "HTTP "
		    "connections open to this endpoint.");
		sample(o, "evbgp_metrics_connections", (double)m->nconns, NULL);
		family(o, "evbgp_metrics_connections_total", "counter", "HTTP "
		    "connections accepted by this endpoint.");
		sample(o, "evbgp_metrics_connections_total",
		    (double)m->accepted, NULL);
		family(o, "evbgp_metrics_connections_ended_total", "counter",
		    "HTTP connections ended at the age limit.");
		sample(o, "evbgp_metrics_connections_ended_total",
		    (double)m->killed, NULL);
		family(o, "evbgp_metrics_scrapes_total", "counter",
		    "Answers to /metrics.");
		sample(o, "evbgp_metrics_scrapes_total", (double)m->scrapes,
		    NULL);
	}
}

void
metrics_render(struct daemon *d, const struct metrics *m, struct sbuf *o)
{
	struct peer_label *lb = peer_labels(d);

	render_process(d, m, o);
	render_peers(d, lb, o);
	render_helpers(d, o);
	free(lb);
}

/* ---- HTTP ---- */

static void
metrics_request_cb(struct evhttp_request *req, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "metrics");
	struct metrics *m = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
	    req));
	struct evbuffer *body;
	struct sbuf o;

	if (path == NULL || strcmp(path, "/metrics") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "only /metrics is here");
		return;
	}
	m->scrapes++;
	sbuf_init(&o);
	metrics_render(m->d, m, &o);
	body = evbuffer_new();
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add(body, o.p, o.len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", METRICS_CONTENT_TYPE);
	/* one answer per connection: nothing lingers */
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Connection", "close");
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
	sbuf_free(&o);
}

/* Is evhttp done with this bufferevent? (bufferevent_free clears the
 * callbacks; a live connection always has its event callback) */
static bool
conn_released(struct bufferevent *bev)
{
	bufferevent_event_cb ecb;

	bufferevent_getcb(bev, NULL, NULL, &ecb, NULL);
	return ecb == NULL;
}

static void
metrics_sweep(struct metrics *m)
{
	double now = mono_now();

	for (size_t i = m->nconns; i > 0; i--) {
		struct metrics_conn *c = &m->conns[i - 1];

		if (conn_released(c->bev)) {
			bufferevent_decref(c->bev);	/* closes it */
			*c = m->conns[--m->nconns];
			continue;
		}
		/* beyond the limit (an accept burst), or too old: ended */
		if (!c->ended && (i > METRICS_MAX_CONNS ||
		    now - c->born > METRICS_CONN_MAX_S)) {
			c->ended = true;
			m->killed++;
			bufferevent_trigger_event(c->bev, BEV_EVENT_EOF |
			    BEV_EVENT_READING, 0);
		}
	}
	if (m->paused && m->nconns < METRICS_MAX_CONNS) {
		evconnlistener_enable(m->lev);
		m->paused = false;
	}
}

static void
metrics_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "metrics");
	metrics_sweep(arg);
}

/* evhttp's new connection: a bufferevent of ours, counted. */
static struct bufferevent *
metrics_bev_cb(struct event_base *base, void *arg)
{
	struct metrics *m = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE);

	if (bev == NULL)
		return NULL;
	bufferevent_incref(bev);
	m->conns = xreallocarray(m->conns, m->nconns + 1, sizeof(*m->conns));
	m->conns[m->nconns].bev = bev;
	m->conns[m->nconns].born = mono_now();
	m->conns[m->nconns].ended = false;
	m->nconns++;
	m->accepted++;
	if (m->nconns >= METRICS_MAX_CONNS && !m->paused) {
		evconnlistener_disable(m->lev);
		m->paused = true;
	}
	return bev;
}

struct metrics *
metrics_new(struct daemon *d, const struct bgp_addr *addr, uint16_t port)
{
	struct metrics *m = xcalloc(1, sizeof(*m));
	struct timeval sweep = { 0, METRICS_SWEEP_MS * 1000 };
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char buf[ADDR_STRLEN];

	m->d = d;
	m->started = wall_now();
	m->http = evhttp_new(d->base);
	if (m->http == NULL)
		fatalx("cannot create the HTTP server");
	evhttp_set_timeout(m->http, METRICS_IO_TIMEOUT_S);
	evhttp_set_max_headers_size(m->http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(m->http, metrics_request_cb, m);
	evhttp_set_bevcb(m->http, metrics_bev_cb, m);
	bs = evhttp_bind_socket_with_handle(m->http, addr_fmt(addr, buf),
	    port);
	if (bs == NULL) {
		log_warn("metrics: cannot listen on %s port %u", buf, port);
		evhttp_free(m->http);
		free(m);
		return NULL;
	}
	m->lev = evhttp_bound_socket_get_listener(bs);
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sl) == 0)
		m->port = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	m->ev_sweep = event_new(d->base, -1, EV_PERSIST, metrics_sweep_cb, m);
	event_add(m->ev_sweep, &sweep);
	log_info("metrics: listening on http://%s%s%s:%u/metrics",
	    addr->afi == BGP_AFI_IPV6 ? "[" : "", buf,
	    addr->afi == BGP_AFI_IPV6 ? "]" : "", m->port);
	return m;
}

uint16_t
metrics_port(const struct metrics *m)
{
	return m->port;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	event_free(m->ev_sweep);
	/* evhttp frees its connections (and their bufferevents lose their
	 * callbacks); then our references go */
	evhttp_free(m->http);
	for (size_t i = 0; i < m->nconns; i++)
		bufferevent_decref(m->conns[i].bev);
	free(m->conns);
	free(m);
}
