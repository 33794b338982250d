/*
 * The daemon (see daemon.h): owns the event loop, the peers and the
 * listeners, turns signals into actions and runs the orderly shutdown
 * (Cease to every peer, wait for the NOTIFICATIONs to be written, exit).
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "evbgp/events.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/cli_pipe.h"
#include "evbgp/control.h"
#include "evbgp/daemon.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/peer.h"
#include "evbgp/rib_release.h"
#include "evbgp/route_text.h"
#include "evbgp/sockopt.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

#define SHUTDOWN_GRACE_MS	2500
#define LISTEN_BACKLOG		64

static const struct peer_ops daemon_peer_ops;
static void	reap_cb(evutil_socket_t, short, void *);
static void	daemon_tell(struct daemon *, unsigned, bool, const char *);
static void	restart_tell(struct daemon *);

struct daemon *
daemon_new(struct env *env, struct config *cfg, char **conf_paths,
    size_t nconf)
{
	struct daemon *d = xcalloc(1, sizeof(*d));
	struct event_config *ec = event_config_new();

	/* a monotonic clock keeps timers right across wall-clock steps */
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	d->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (d->base == NULL)
		fatalx("cannot create the event loop");
	loop_watch_init(d->base);
	d->env = *env;
	d->cfg = cfg;
	d->conf_paths = conf_paths;
	d->nconf = nconf;
	d->attrs = attr_table_new();
	d->penv.base = d->base;
	d->penv.attrs = d->attrs;
	d->penv.rxbuf = d->rxbuf;
	d->penv.set.openwait_s = d->env.bgp_openwait;
	d->penv.set.max_attempts = d->env.tcp_connections;
	d->penv.set.passive = d->env.bgp_passive;
	d->penv.set.port = d->env.tcp_port_from_env ? d->env.tcp_port : 0;
	d->penv.stopping = &d->stopping;
	d->penv.ops = &daemon_peer_ops;
	d->penv.arg = d;
	d->penv.groups = ug_registry_new();
	d->penv.release = rib_release_new(d->base);
	d->events.host = d->hostname;
	d->ev_reap = evtimer_new(d->base, reap_cb, d);
	return d;
}

/* ---- peers: the daemon implements their callbacks ---- */

/* What the helpers hear about p's session. */
static void
peer_facts(const struct peer *p, struct api_peer *ap)
{
	struct update_ctx ctx = {
		.asn4 = p->neg.asn4,
		.ebgp = p->cfg->local_as != p->peer_as,
		.families = p->neg.families,
	};

	ap->local = p->local_now.afi ? p->local_now : p->cfg->local_addr;
	ap->remote = p->remote;
	ap->local_as = p->cfg->local_as;
	ap->peer_as = p->peer_as;
	ap->router_id = peer_router_id(p);
	ap->ctx[API_DIR_RECEIVE] = ctx;
	ap->ctx[API_DIR_RECEIVE].addpath_rx = p->neg.addpath_rx;
	ap->ctx[API_DIR_SEND] = ctx;
	ap->ctx[API_DIR_SEND].addpath_rx = p->neg.addpath_tx;
}

static void	daemon_retire_peer(struct daemon *d, struct peer *p);

static void
peer_state_cb(void *arg, struct peer *p, enum peer_change what,
    const char *reason)
{
	static const char *const words[] = {
		[PEER_CONNECTED] = "connected",
		[PEER_UP] = "up",
		[PEER_DOWN] = "down",
	};
	struct daemon *d = arg;
	struct api_peer ap;

	if (what == PEER_CLOSED) {
		/* a peer made for a connection goes with it */
		if (p->dynamic)
			daemon_retire_peer(d, p);
		return;
	}
	peer_facts(p, &ap);
	events_state(&d->events, p->user, &ap, words[what], reason);
}

static void
peer_message_cb(void *arg, struct peer *p, enum peer_dir dir,
    const uint8_t *msg, size_t len, const struct update_msg *upd)
{
	struct daemon *d = arg;
	struct api_peer ap;
	bool behind;

	peer_facts(p, &ap);
	behind = events_message(&d->events, p->user, &ap,
	    dir == PEER_RECEIVED ? API_DIR_RECEIVE : API_DIR_SEND, msg, len,
	    upd);
	/* a collector that falls behind slows the peer down (for a bounded
	 * time) before anything is dropped */
	if (behind && dir == PEER_RECEIVED)
		peer_throttle_rx(p);
}

static bool
peer_rx_ready_cb(void *arg, struct peer *p)
{
	struct daemon *d = arg;

	return events_drained(&d->events, p->user);
}

static void daemon_maybe_exit(struct daemon *d);

static void
peer_closing_cb(void *arg, bool done)
{
	struct daemon *d = arg;

	if (!done) {
		d->nclosing++;
		return;
	}
	if (d->nclosing > 0)
		d->nclosing--;
	daemon_maybe_exit(d);
}

static const struct peer_ops daemon_peer_ops = {
	.state = peer_state_cb,
	.message = peer_message_cb,
	.rx_ready = peer_rx_ready_cb,
	.closing = peer_closing_cb,
};

/* (Re)compute who hears what about p, and tell p which messages. */
static void
daemon_subscribe(struct peer *p)
{
	struct api_subs *s = p->user;

	api_subs_init(s, p->cfg);
	p->want[PEER_RECEIVED] = api_subs_types(s, API_DIR_RECEIVE);
	p->want[PEER_SENT] = api_subs_types(s, API_DIR_SEND);
}

/* Put a peer (back) in the list. */
static void
daemon_keep_peer(struct daemon *d, struct peer *p)
{
	for (size_t i = 0; i < d->npeers; i++) {
		if (!addr_equal(&d->peers[i]->remote, &p->remote))
			continue;
		/* two sessions to one address: log lines say which */
		peer_name_long(d->peers[i]);
		peer_name_long(p);
	}
	d->peers = xreallocarray(d->peers, d->npeers + 1, sizeof(*d->peers));
	d->peers[d->npeers++] = p;
	d->peers_gen++;
}

/* A new peer for cfg (remote: a passive range's connection), with its
 * subscriptions and configured routes, in the peer list. */
static struct peer *
daemon_add_peer(struct daemon *d, const struct cfg_neighbor *cfg,
    const struct bgp_addr *remote)
{
	struct peer *p = peer_new(&d->penv, cfg, remote);

	p->user = xcalloc(1, sizeof(struct api_subs));
	daemon_subscribe(p);
	peer_load_routes(p);
	daemon_keep_peer(d, p);
	return p;
}

static void
daemon_free_peer(struct peer *p)
{
	api_subs_free(p->user);
	free(p->user);
	peer_free(p);
}

static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "reap");
	struct daemon *d = arg;

	for (size_t i = 0; i < d->nretired; i++)
		daemon_free_peer(d->retired[i]);
	free(d->retired);
	d->retired = NULL;
	d->nretired = 0;
}

/* Take p out of the peer list; false if it was not in it. */
static bool
daemon_unlist_peer(struct daemon *d, struct peer *p)
{
	size_t i;

	for (i = 0; i < d->npeers && d->peers[i] != p; i++)
		;
	if (i == d->npeers)
		return false;
	memmove(&d->peers[i], &d->peers[i + 1],
	    (d->npeers - i - 1) * sizeof(*d->peers));
	d->npeers--;
	d->peers_gen++;
	return true;
}

/*
 * A dynamic peer's connection closed: out of the peer list now (commands
 * no longer see it), freed on the next loop turn, as we are inside its
 * FSM. A peer not in the list (a reload or daemon_free holds it) is
 * theirs to free.
 */
static void
daemon_retire_peer(struct daemon *d, struct peer *p)
{
	static const struct timeval now = { 0, 0 };

	if (!daemon_unlist_peer(d, p))
		return;
	d->retired = xreallocarray(d->retired, d->nretired + 1,
	    sizeof(*d->retired));
	d->retired[d->nretired++] = p;
	evtimer_add(d->ev_reap, &now);
	log_peer(LOG_INFO, p->logname, "connection closed: dynamic peer of %s "
	    "removed", p->cfg->name);
}

/* The configured peer for an incoming connection, or NULL. */
static struct peer *
daemon_match_peer(struct daemon *d, const struct bgp_addr *remote,
    const struct bgp_addr *local)
{
	for (size_t i = 0; i < d->npeers; i++)
		if (peer_matches(d->peers[i], remote, local))
			return d->peers[i];
	return NULL;
}

static bool
neighbor_is_range(const struct cfg_neighbor *n)
{
	return n->peer.len < (n->peer.afi == BGP_AFI_IPV6 ? 128 : 32);
}

/* A neighbor configured with a prefix that covers remote. */
static const struct cfg_neighbor *
daemon_match_range(struct daemon *d, const struct bgp_addr *remote,
    const struct bgp_addr *local)
{
	for (size_t i = 0; i < d->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &d->cfg->neighbors[i];

		if (!neighbor_is_range(n) || !prefix_match_addr(&n->peer, remote))
			continue;
		if (n->local_addr.afi != 0 && !addr_equal(&n->local_addr, local))
			continue;
		return n;
	}
	return NULL;
}

/*
 * A connection nobody is configured for: logged, but anyone can make
 * thousands a second, so at most one line every UNCONFIGURED_LOG_S, the
 * others counted in it.
 */
#define UNCONFIGURED_LOG_S	10

static void
daemon_log_unconfigured(struct daemon *d, const struct bgp_addr *remote,
    const struct bgp_addr *local)
{
	char rb[ADDR_STRLEN], lb[ADDR_STRLEN], more[96] = "";
	unsigned long held;

	if (!log_limit_pass(&d->log_unconfigured, UNCONFIGURED_LOG_S, &held))
		return;
	if (held > 0)
		snprintf(more, sizeof(more), " (and %lu more such connection%s "
		    "in the last %d s)", held, held == 1 ? "" : "s",
		    UNCONFIGURED_LOG_S);
	log_notice("connection from %s to %s: no neighbor configured for it, "
	    "closed%s", addr_fmt(remote, rb), addr_fmt(local, lb), more);
}

/* A passive range at its dynamic-limit: a log line a minute. */
#define RANGE_FULL_LOG_S	60

struct daemon_range_log {
	const struct cfg_neighbor *n;	/* the running configuration's */
	struct log_limit log;
};

static struct log_limit *
range_log(struct daemon *d, const struct cfg_neighbor *n)
{
	for (size_t i = 0; i < d->nrange_logs; i++)
		if (d->range_logs[i].n == n)
			return &d->range_logs[i].log;
	d->range_logs = xreallocarray(d->range_logs, d->nrange_logs + 1,
	    sizeof(*d->range_logs));
	memset(&d->range_logs[d->nrange_logs], 0, sizeof(*d->range_logs));
	d->range_logs[d->nrange_logs].n = n;
	return &d->range_logs[d->nrange_logs++].log;
}

/* Are there dynamic-limit sessions from range n already? Then the new
 * one is refused (and said, within the limit). */
static bool
daemon_range_full(struct daemon *d, const struct cfg_neighbor *n,
    const struct bgp_addr *remote)
{
	char rb[ADDR_STRLEN], more[96] = "";
	unsigned long held;
	size_t count = 0;

	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->dynamic && d->peers[i]->cfg == n)
			count++;
	if (count < n->dynamic_limit)
		return false;
	if (log_limit_pass(range_log(d, n), RANGE_FULL_LOG_S, &held)) {
		if (held > 0)
			snprintf(more, sizeof(more), "; %lu more refused in the "
			    "last %d s", held, RANGE_FULL_LOG_S);
		log_warnx("neighbor %s: connection from %s refused: %zu "
		    "sessions from the range already (dynamic-limit %u)%s",
		    n->name, addr_fmt(remote, rb), count, n->dynamic_limit,
		    more);
	}
	return true;
}

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "accept");
	struct daemon *d = arg;
	struct bgp_addr remote, local;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct peer *p;
	char lb[ADDR_STRLEN];

	if (addr_from_sockaddr(sa, &remote, NULL) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    addr_from_sockaddr((struct sockaddr *)&ss, &local, NULL) == -1) {
		close(fd);
		return;
	}
	if (d->stopping) {
		close(fd);
		return;
	}
	p = daemon_match_peer(d, &remote, &local);
	if (p == NULL) {
		const struct cfg_neighbor *n =
		    daemon_match_range(d, &remote, &local);

		if (n == NULL || !n->passive) {
			daemon_log_unconfigured(d, &remote, &local);
			close(fd);
			return;
		}
		if (daemon_range_full(d, n, &remote)) {
			close(fd);
			return;
		}
		p = daemon_add_peer(d, n, &remote);
		log_peer(LOG_INFO, p->logname, "new peer from passive range %s",
		    n->name);
	}
	if (p->cfg->incoming_ttl > 0 &&
	    sockopt_minttl(fd, remote.afi, p->cfg->incoming_ttl) == -1)
		log_peer(LOG_WARNING, p->logname, "cannot set minimum TTL: %s",
		    strerror(errno));
	if (p->cfg->outgoing_ttl > 0 &&
	    sockopt_ttl(fd, remote.afi, p->cfg->outgoing_ttl) == -1)
		log_peer(LOG_WARNING, p->logname, "cannot set TTL: %s",
		    strerror(errno));
	log_peer(LOG_DEBUG, p->logname, "incoming connection to %s",
	    addr_fmt(&local, lb));
	peer_accept(p, fd, &local);
}

static void
listener_error_cb(struct evconnlistener *lev, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "accept");
	int err = EVUTIL_SOCKET_ERROR();

	/* EMFILE and friends: keep running, the listener retries */
	log_warnx("accept: %s", evutil_socket_error_to_string(err));
}

/* Install the MD5 keys of every neighbor reachable through this socket. */
static void
listener_md5(struct daemon *d, int fd, int afi)
{
	for (size_t i = 0; i < d->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &d->cfg->neighbors[i];
		struct bgp_addr a = { .afi = n->peer.afi };

		if (n->md5_password == NULL || n->peer.afi != afi)
			continue;
		memcpy(a.b, n->peer.b, sizeof(a.b));
		if (sockopt_md5(fd, &a, n->peer.len, n->md5_password,
		    strlen(n->md5_password)) == -1)
			log_warn("neighbor %s: cannot set TCP-MD5 key on the "
			    "listening socket", n->name);
	}
}

static int
daemon_listen(struct daemon *d, const struct bgp_addr *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	size_t sl = addr_to_sockaddr(addr, port, &ss);
	struct evconnlistener *lev;
	char buf[ADDR_STRLEN];
	int fd, on = 1;

	for (size_t i = 0; i < d->nlisteners; i++)
		if (d->listeners[i].port == port &&
		    addr_equal(&d->listeners[i].addr, addr))
			return 0;
	fd = sockopt_tcp_socket(addr->afi);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (addr->afi == BGP_AFI_IPV6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	listener_md5(d, fd, addr->afi);
	if (bind(fd, (struct sockaddr *)&ss, (socklen_t)sl) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	lev = evconnlistener_new(d->base, accept_cb, d,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (lev == NULL)
		goto fail;
	evconnlistener_set_error_cb(lev, listener_error_cb);
	d->listeners = xreallocarray(d->listeners, d->nlisteners + 1,
	    sizeof(*d->listeners));
	d->listeners[d->nlisteners].lev = lev;
	d->listeners[d->nlisteners].addr = *addr;
	d->listeners[d->nlisteners].port = port;
	d->nlisteners++;
	log_info("listening on %s port %u", addr_fmt(addr, buf), port);
	return 0;
fail:
	log_warn("cannot listen on %s port %u", addr_fmt(addr, buf), port);
	if (fd != -1)
		close(fd);
	return -1;
}

static int
daemon_open_listeners(struct daemon *d)
{
	const char *bind = d->env.tcp_bind ? d->env.tcp_bind : "";
	char *copy = xstrdup(bind), *tok, *save = NULL;
	int rc = 0;

	for (tok = strtok_r(copy, " ,", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,", &save)) {
		struct bgp_addr a;

		if (addr_parse(tok, &a) == -1) {
			log_warnx("exabgp.tcp.bind: '%s' is not an IP address",
			    tok);
			rc = -1;
			continue;
		}
		if (daemon_listen(d, &a, d->env.tcp_port) == -1)
			rc = -1;
	}
	free(copy);
	/* per-neighbor "listen PORT" on its local address */
	for (size_t i = 0; i < d->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &d->cfg->neighbors[i];

		if (n->listen == 0)
			continue;
		if (n->local_addr.afi == 0) {
			log_warnx("neighbor %s: listen needs a local-address",
			    n->name);
			rc = -1;
			continue;
		}
		if (daemon_listen(d, &n->local_addr, n->listen) == -1)
			rc = -1;
	}
	return rc;
}

static int
daemon_write_pid(struct daemon *d)
{
	const char *path = d->env.daemon_pid;
	char buf[32];
	int fd, n;

	if (path == NULL || path[0] == '\0')
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_warn("cannot write pid file %s", path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n)
		log_warn("cannot write pid file %s", path);
	close(fd);
	return 0;
}

/* ---- helpers ---- */

/* A helper's command client: its lines go to d->commands. */
struct helper_client {
	struct line_client lc;		/* lc.ctx: this struct */
	struct daemon	*d;
};

static void
helper_reply(void *ctx, const char *data, size_t len)
{
	struct helper_client *hc = ctx;
	struct sup_helper *h = hc->d->sup ? sup_find(hc->d->sup, hc->lc.name) :
	    NULL;

	if (h != NULL)
		sup_write(h, data, len);
}

/* The command client of a process (created on first use, kept across
 * respawns). */
static struct helper_client *
helper_client(struct daemon *d, const char *name)
{
	struct helper_client *hc;

	for (size_t i = 0; i < d->nclients; i++)
		if (strcmp(d->clients[i]->lc.name, name) == 0)
			return d->clients[i];
	hc = xcalloc(1, sizeof(*hc));
	hc->d = d;
	snprintf(hc->lc.name, sizeof(hc->lc.name), "%s", name);
	hc->lc.helper = true;
	hc->lc.encoder = ENCODER_TEXT;
	hc->lc.reply = helper_reply;
	hc->lc.ctx = hc;
	d->clients = xreallocarray(d->clients, d->nclients + 1,
	    sizeof(*d->clients));
	d->clients[d->nclients++] = hc;
	return hc;
}

/* The handler forgets what it kept about a client. */
static void
helper_client_release(struct daemon *d, struct helper_client *hc)
{
	if (d->commands.release != NULL)
		d->commands.release(d->commands.arg, &hc->lc);
}

static void
sup_line_cb(void *arg, struct sup_helper *h, const char *line, size_t len)
{
	struct daemon *d = arg;
	struct helper_client *hc = helper_client(d, sup_helper_name(h));

	hc->lc.encoder = sup_helper_encoder(h);
	if (d->stopping || d->commands.line == NULL)
		return;
	d->commands.line(d->commands.arg, &hc->lc, line, len);
}

static void
sup_started_cb(void *arg, struct sup_helper *h)
{
	struct daemon *d = arg;
	struct helper_client *hc = helper_client(d, sup_helper_name(h));

	/* a new instance starts afresh (the configured ack setting) */
	helper_client_release(d, hc);
	hc->lc.encoder = sup_helper_encoder(h);
	if (d->restart_pending > 0 && --d->restart_pending == 0)
		restart_tell(d);
}

static void
sup_exited_cb(void *arg, struct sup_helper *h, int status, bool respawning)
{
}

static void
sup_fatal_cb(void *arg, const char *why)
{
	struct daemon *d = arg;

	log_warnx("%s: stopping (exabgp.api.terminate)", why);
	d->exit_code = 1;
	daemon_request(d, DAEMON_SHUTDOWN, "a helper was lost "
	    "(exabgp.api.terminate)");
}

/* Events to h were dropped: say so in its own stream. */
static void
sup_overflow_cb(void *arg, struct sup_helper *h, unsigned long dropped)
{
	struct daemon *d = arg;
	struct api_source src;
	struct sbuf line;

	sbuf_init(&line);
	api_source_now(&d->events, &src);
	event_encode_overflow(&line, sup_helper_encoder(h), &src, dropped);
	sup_write(h, line.p, line.len);
	sbuf_free(&line);
}

static void
sup_all_stopped_cb(void *arg)
{
	struct daemon *d = arg;

	d->helpers_stopped = true;
	daemon_maybe_exit(d);
}

static const struct sup_ops daemon_sup_ops = {
	.line = sup_line_cb,
	.started = sup_started_cb,
	.exited = sup_exited_cb,
	.fatal = sup_fatal_cb,
	.all_stopped = sup_all_stopped_cb,
	.overflow = sup_overflow_cb,
};

static void
daemon_start_helpers(struct daemon *d)
{
	struct sup_settings ss;

	sup_settings_default(&ss);
	/* a turn of 1,000 simple commands is about half a millisecond, and
	 * packs into full UPDATEs */
	ss.lines_per_turn = 1000;
	ss.respawn = d->env.api_respawn;
	if (d->helper_queue_max > 0)
		ss.max_queue = d->helper_queue_max;
	ss.overflow = d->helper_overflow_restart ? SUP_OVERFLOW_RESTART :
	    SUP_OVERFLOW_DROP;
	ss.terminate = d->env.api_terminate;
	ss.splice = !d->helper_copy;
	/* a helper with half its queue cap waiting is "behind" */
	d->events.high_mark = ss.max_queue / 2;
	d->sup = sup_new(d->base, &ss, &daemon_sup_ops, d);
	d->events.sup = d->sup;
	d->events.base = d->base;
	d->events.api_version = d->env.api_version;
	if (d->cfg->nprocesses > 0)
		sup_apply(d->sup, d->cfg->processes, d->cfg->nprocesses);
}

size_t
daemon_helper_count(const struct daemon *d)
{
	return d->cfg->nprocesses;
}

/* ---- reload ---- */

static const struct cfg_neighbor *
find_neighbor(const struct config *c, const struct cfg_neighbor *old)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (cfg_neighbor_same_key(&c->neighbors[i], old))
			return &c->neighbors[i];
	return NULL;
}

/* What a reload changed, for the one-line answer. */
struct reload_diff {
	size_t		 added, removed, changed, unchanged;
	size_t		 announced, withdrawn;
};

/* Routes of nb not in old with the same attributes. */
static size_t
routes_new(const struct cfg_neighbor *old, const struct cfg_neighbor *nb)
{
	size_t n = 0;

	for (size_t j = 0; j < nb->nroutes; j++) {
		bool same = false;

		for (size_t i = 0; i < old->nroutes && !same; i++)
			same = cfg_route_equal(&old->routes[i], &nb->routes[j]);
		if (!same)
			n++;
	}
	return n;
}

/* Move p to its new configuration nb (same session): routes diffed. */
static void
peer_reconfigure(struct peer *p, const struct cfg_neighbor *nb,
    struct reload_diff *diff, unsigned gen)
{
	const struct cfg_neighbor *old = p->cfg;
	size_t withdrawn = 0, announced = routes_new(old, nb);

	/* its routes change, not necessarily its update group's: it leaves
	 * the group (for one with the others whose routes change alike) */
	if (announced > 0 || old->nroutes != nb->nroutes ||
	    routes_new(nb, old) > 0)
		ug_isolate(p, nb, gen);

	for (size_t i = 0; i < old->nroutes; i++) {
		bool kept = false;

		for (size_t j = 0; j < nb->nroutes && !kept; j++)
			kept = cfg_route_same_key(&old->routes[i],
			    &nb->routes[j]);
		if (!kept) {
			peer_withdraw(p, &old->routes[i]);
			withdrawn++;
		}
	}
	p->cfg = nb;
	daemon_subscribe(p);
	/* identical routes intern to the same set: nothing is re-sent;
	 * changed ones are re-announced without a withdraw between */
	peer_load_routes(p);
	peer_schedule_kick(p);
	log_peer(LOG_INFO, p->logname, "configuration reloaded: %zu route%s, "
	    "%zu withdrawn", nb->nroutes, nb->nroutes == 1 ? "" : "s",
	    withdrawn);
	diff->announced += announced;
	diff->withdrawn += withdrawn;
	if (announced + withdrawn > 0)
		diff->changed++;
	else
		diff->unchanged++;
}

bool
daemon_is_runtime(const struct daemon *d, const struct cfg_neighbor *nb)
{
	for (size_t i = 0; i < d->nruntime; i++)
		if (d->runtime[i] == nb)
			return true;
	return false;
}

static void
daemon_forget_runtime(struct daemon *d, const struct cfg_neighbor *nb)
{
	for (size_t i = 0; i < d->nruntime; i++)
		if (d->runtime[i] == nb) {
			cfg_neighbor_free(d->runtime[i]);
			d->runtime[i] = d->runtime[--d->nruntime];
			return;
		}
}

int
daemon_create_neighbor(struct daemon *d, struct cfg_neighbor *nb, char *err,
    size_t errlen)
{
	struct peer *p;

	for (size_t i = 0; i < d->npeers; i++)
		if (!d->peers[i]->dynamic &&
		    cfg_neighbor_same_key(d->peers[i]->cfg, nb)) {
			snprintf(err, errlen, "neighbor %s already exists "
			    "(same local-address and port)", nb->name);
			cfg_neighbor_free(nb);
			return -1;
		}
	d->runtime = xreallocarray(d->runtime, d->nruntime + 1,
	    sizeof(*d->runtime));
	d->runtime[d->nruntime++] = nb;
	p = daemon_add_peer(d, nb, NULL);
	log_peer(LOG_NOTICE, p->logname, "neighbor created at run time");
	if (!d->stopping)
		peer_start(p);
	return 0;
}

void
daemon_delete_peer(struct daemon *d, struct peer *p)
{
	const struct cfg_neighbor *nb = p->cfg;
	bool runtime = !p->dynamic && daemon_is_runtime(d, nb);

	if (!daemon_unlist_peer(d, p))
		return;
	log_peer(LOG_NOTICE, p->logname, "neighbor deleted%s", runtime ? "" :
	    " until the next reload (it is in the configuration)");
	/* RFC 4486 §4: Peer De-configured */
	peer_stop(p, BGP_CEASE_PEER_DECONFIGURED, NULL);
	daemon_free_peer(p);
	if (runtime)
		daemon_forget_runtime(d, nb);
}

static void
daemon_reload_peers(struct daemon *d, struct config *nc,
    struct reload_diff *diff)
{
	struct peer **peers = d->peers;
	size_t n = d->npeers;
	static unsigned reload_gen;

	d->peers = NULL;
	d->npeers = 0;
	d->peers_gen++;
	reload_gen++;
	for (size_t i = 0; i < n; i++) {
		struct peer *p = peers[i];
		const struct cfg_neighbor *nb = find_neighbor(nc, p->cfg);

		/* made at run time: kept, unless the file now has it */
		if (!p->dynamic && daemon_is_runtime(d, p->cfg)) {
			const struct cfg_neighbor *old = p->cfg;

			if (nb == NULL) {
				daemon_keep_peer(d, p);
				diff->unchanged++;
				continue;
			}
			log_peer(LOG_NOTICE, p->logname, "the configuration "
			    "now has this neighbor made at run time: the "
			    "configuration's replaces it");
			peer_stop(p, BGP_CEASE_OTHER_CONFIG, NULL);
			daemon_free_peer(p);
			daemon_forget_runtime(d, old);
			continue;
		}
		if (nb == NULL) {
			log_peer(LOG_NOTICE, p->logname, "neighbor removed from "
			    "the configuration");
			if (!p->dynamic)
				diff->removed++;
			peer_stop(p, BGP_CEASE_PEER_DECONFIGURED, NULL);
			daemon_free_peer(p);
			continue;
		}
		if (!cfg_neighbor_session_equal(p->cfg, nb)) {
			log_peer(LOG_NOTICE, p->logname, "session settings "
			    "changed: resetting the session");
			if (!p->dynamic) {
				diff->changed++;
				diff->announced += nb->nroutes;
			}
			peer_stop(p, BGP_CEASE_OTHER_CONFIG, NULL);
			daemon_free_peer(p);
			continue;
		}
		peer_reconfigure(p, nb, diff, reload_gen);
		daemon_keep_peer(d, p);
	}
	free(peers);
	/* new neighbors, and those reset above */
	for (size_t i = 0; i < nc->nneighbors; i++) {
		const struct cfg_neighbor *nb = &nc->neighbors[i];
		bool exists = false;
		struct peer *p;

		for (size_t j = 0; j < d->npeers && !exists; j++)
			exists = d->peers[j]->cfg == nb;
		if (exists || neighbor_is_range(nb))
			continue;
		/* a reset one was counted as changed */
		if (find_neighbor(d->cfg, nb) == NULL) {
			diff->added++;
			diff->announced += nb->nroutes;
		}
		p = daemon_add_peer(d, nb, NULL);
		peer_start(p);
	}
}

int
daemon_reload(struct daemon *d, unsigned how)
{
	char err[1024];
	size_t idx = d->conf_idx;
	const char *path;
	struct config *nc, *old = d->cfg;
	struct reload_diff diff = { 0 };

	if (d->stopping) {
		snprintf(d->outcome, sizeof(d->outcome), "reload refused: "
		    "evbgpd is shutting down");
		return -1;
	}
	if (d->env.debug_rotate && d->nconf > 1)
		idx = (idx + 1) % d->nconf;
	path = d->nconf > 0 ? d->conf_paths[idx] : old->path;
	/* rotation moves on even past a bad file, as each reload "loads
	 * the next one" */
	d->conf_idx = idx;
	nc = config_load(path, err, sizeof(err));
	if (nc == NULL) {
		log_warnx("reload refused, the running configuration is kept: "
		    "%s", err);
		snprintf(d->outcome, sizeof(d->outcome), "reload refused, the "
		    "running configuration is kept: %s", err);
		return -1;
	}
	/* an emptied or truncated file must not tear every session down
	 * unless that is what is asked for */
	if (nc->nneighbors == 0 && old->nneighbors > 0 &&
	    !(how & DAEMON_ALLOW_EMPTY)) {
		snprintf(d->outcome, sizeof(d->outcome), "reload refused, the "
		    "running configuration is kept: %s has no neighbor (the "
		    "running one has %zu); to remove them all, reload with "
		    "'reload allow-empty' (evbgpctl reload allow-empty)", path,
		    old->nneighbors);
		log_warnx("%s", d->outcome);
		config_free(nc);
		return -1;
	}
	log_notice("reloading the configuration from %s", path);
	daemon_reload_peers(d, nc, &diff);
	d->cfg = nc;
	snprintf(d->outcome, sizeof(d->outcome), "reload applied: neighbors "
	    "%zu added, %zu removed, %zu changed, %zu unchanged; routes %zu "
	    "announced, %zu withdrawn", diff.added, diff.removed,
	    diff.changed, diff.unchanged, diff.announced, diff.withdrawn);
	log_notice("%s (from %s)", d->outcome, path);
	if (d->sup != NULL) {
		sup_apply(d->sup, nc->processes, nc->nprocesses);
		if (how & DAEMON_RESTART)
			sup_restart_all(d->sup);
	}
	/* the range log limits were keyed by the old neighbors */
	free(d->range_logs);
	d->range_logs = NULL;
	d->nrange_logs = 0;
	config_free(old);
	return 0;
}

/*
 * exabgpcli's named pipes, found where ExaBGP looks for them (exabgpcli
 * looks there too), before the switch of user: they are usually root's
 * or the service user's, mode 0600. None is not an error, as in ExaBGP:
 * the log says how to make them, and evbgpctl needs none.
 */
static void
daemon_open_cli_pipe(struct daemon *d)
{
	char dirs[CLI_PIPE_NDIRS][32], dir[64], why[600];
	const char *list[CLI_PIPE_NDIRS];

	cli_pipe_dirs(getuid(), dirs);
	for (size_t i = 0; i < CLI_PIPE_NDIRS; i++)
		list[i] = dirs[i];
	if (cli_pipe_find(list, CLI_PIPE_NDIRS, d->env.api_pipename, dir,
	    sizeof(dir), why, sizeof(why)) == -1) {
		if (why[0] != '\0')
			log_warnx("exabgpcli: %s: not using it", why);
		/* a name of the operator's own: worth a warning (Debian's
		 * exabgp.env names the default one) */
		if (d->env.api_pipename_given &&
		    strcmp(d->env.api_pipename, "exabgp") != 0)
			log_warnx("exabgpcli: no named pipes %s.in and %s.out "
			    "in %s, %s, ...: exabgpcli cannot reach evbgpd; to "
			    "use it: mkfifo -m 600 /run/exabgp/%s.in "
			    "/run/exabgp/%s.out", d->env.api_pipename,
			    d->env.api_pipename, dirs[0], dirs[1],
			    d->env.api_pipename, d->env.api_pipename);
		else
			log_info("exabgpcli: no named pipes %s.in and %s.out in "
			    "%s, %s, ...: exabgpcli cannot reach evbgpd "
			    "(evbgpctl can); to use it: mkfifo -m 600 "
			    "/run/exabgp/%s.in /run/exabgp/%s.out",
			    d->env.api_pipename, d->env.api_pipename, dirs[0],
			    dirs[1], d->env.api_pipename, d->env.api_pipename);
		return;
	}
	d->cli_pipe = cli_pipe_new(d->base, dir, d->env.api_pipename,
	    &d->commands);
}

/* After binding (port 179, the control socket), before any helper
 * starts: helpers then run as the same unprivileged user. */
static int
drop_privileges(struct daemon *d, const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		log_warnx("unknown user '%s'", user);
		return -1;
	}
	/* evbgpctl users reach the socket through its group */
	if (d->control_path != NULL && d->control != NULL) {
		char *dir = xstrdup(d->control_path), *slash = strrchr(dir, '/');

		if (chown(d->control_path, pw->pw_uid, pw->pw_gid) == -1)
			log_warn("cannot hand %s to %s", d->control_path, user);
		/* so that the socket can be removed at exit */
		if (slash != NULL && slash != dir) {
			*slash = '\0';
			if (chown(dir, pw->pw_uid, pw->pw_gid) == -1)
				log_warn("cannot hand %s to %s", dir, user);
		}
		free(dir);
	}
	/* exabgpcli's answers: the pipe is opened for each one */
	if (d->cli_pipe != NULL)
		(void)cli_pipe_chown(d->cli_pipe, pw->pw_uid, pw->pw_gid);
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		log_warn("cannot drop privileges to '%s'", user);
		return -1;
	}
	log_info("running as user %s", user);
	return 0;
}

/* ---- event-loop health ---- */

#define HEALTH_TICK_MS		50
#define HEALTH_WARN_MS		50	/* timers later than this are logged */
#define HEALTH_WARN_EVERY_S	10

/* "timers ran N ms late", and what held them (a warning, or info) */
static void
health_log(bool warn, double late, const struct lw_stall *held,
    const struct lw_turn *turn)
{
	char cause[LW_WHO_LEN + 32], line[256];

	if (held->secs > 0)
		snprintf(line, sizeof(line), "event loop: timers ran %.0f ms "
		    "late; the longest callback since the last tick: %.0f ms, "
		    "%s; the longest turn: %.0f ms, %u callbacks", late * 1000,
		    held->secs * 1000, loop_watch_describe(held, cause,
		    sizeof(cause)), turn->secs * 1000, turn->callbacks);
	else
		snprintf(line, sizeof(line), "event loop: timers ran %.0f ms "
		    "late", late * 1000);
	if (warn)
		log_warnx("%s", line);
	else
		log_info("%s", line);
}

/* late ticks under the warning: at most ten lines a second (info) */
static struct log_limit health_info_limit;

static void
health_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "health");
	struct daemon *d = arg;
	double now = mono_now();
	double late = now - d->health_last - HEALTH_TICK_MS / 1000.0;
	struct lw_stall held;
	struct lw_turn turn;

	d->health_last = now;
	log_repeat_tick();
	d->health_late = late > 0 ? late : 0;
	if (late * 1000 > HEALTH_WARN_MS)
		d->health_late_ticks++;
	if (late > d->health_max_late)
		d->health_max_late = late;
	/*
	 * A late tick means every timer (keepalives!) was late as much; the
	 * longest callback since the last tick is what held them (nothing
	 * else runs between two ticks but callbacks and the poll).
	 */
	held = loop_watch_take_window();
	turn = loop_watch_take_window_turn();
	if (late * 1000 > HEALTH_WARN_MS &&
	    now - d->health_warned > HEALTH_WARN_EVERY_S) {
		health_log(true, late, &held, &turn);
		d->health_warned = now;
	} else if (late * 1000 > LW_SLOW_MS &&
	    log_limit_pass(&health_info_limit, 0.1, &(unsigned long){ 0 }))
		health_log(false, late, &held, &turn);
}

static void
daemon_start_health(struct daemon *d)
{
	struct timeval tv = { 0, HEALTH_TICK_MS * 1000 };

	d->ev_health = event_new(d->base, -1, EV_PERSIST, health_cb, d);
	d->health_last = mono_now();
	event_add(d->ev_health, &tv);
}

/* ---- signals ---- */

static void
sig_shutdown_cb(evutil_socket_t sig, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "signal");
	struct daemon *d = arg;

	log_notice("received %s: shutting down", strsignal((int)sig));
	daemon_request(d, DAEMON_SHUTDOWN, "shutdown");
}

static void
sig_reload_cb(evutil_socket_t sig, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "reload");
	struct daemon *d = arg;

	/* logrotate's postrotate sends SIGUSR1: write to the new file from
	 * here on (sessions are untouched, as by any reload) */
	log_reopen();
	log_notice("received %s: reloading", strsignal((int)sig));
	daemon_request(d, sig == SIGUSR2 ? DAEMON_RESTART : DAEMON_RELOAD,
	    NULL);
}

/* Those who asked for the shutdown hear how it went. */
static void
shutdown_tell(struct daemon *d)
{
	char text[256];

	if (d->nwaiters == 0)
		return;
	if (d->nclosing == 0 && d->helpers_stopped)
		snprintf(text, sizeof(text), "shutdown complete: %zu session%s "
		    "closed (Cease sent), %zu helper%s stopped",
		    d->nstopped_peers, d->nstopped_peers == 1 ? "" : "s",
		    daemon_helper_count(d),
		    daemon_helper_count(d) == 1 ? "" : "s");
	else
		snprintf(text, sizeof(text), "shutdown: the %d ms grace is "
		    "over: %zu connection%s still flushing%s; exiting",
		    SHUTDOWN_GRACE_MS, d->nclosing, d->nclosing == 1 ? "" : "s",
		    d->helpers_stopped ? "" : ", helpers still stopping");
	daemon_tell(d, DAEMON_SHUTDOWN, true, text);
}

#define SHUTDOWN_LAST_ANSWER_MS	500

static void
exit_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "shutdown");
	struct daemon *d = arg;
	struct timeval last = { 0, SHUTDOWN_LAST_ANSWER_MS * 1000 };

	if (!d->grace_over && d->control_draining && d->nwaiters > 0) {
		/* the answer to "shutdown" says so, and has a moment to go */
		d->grace_over = true;
		shutdown_tell(d);
		evtimer_add(d->ev_exit, &last);
		return;
	}
	if (d->nclosing > 0)
		log_info("%zu connection%s still flushing at exit", d->nclosing,
		    d->nclosing == 1 ? "" : "s");
	event_base_loopexit(d->base, NULL);
}

/* Leave the loop once the NOTIFICATIONs are out, helpers are gone and
 * evbgpctl clients have their last answers. */
static void
daemon_maybe_exit(struct daemon *d)
{
	if (!d->stopping || d->nclosing > 0 || !d->helpers_stopped)
		return;
	/* evbgpctl's "shutdown" is answered now, then its client closes */
	shutdown_tell(d);
	if (!d->control_draining)
		event_base_loopexit(d->base, NULL);
}

static void	daemon_shutdown(struct daemon *d, const char *why);

/* ---- who waits for an outcome ---- */

void
daemon_request_wait(struct daemon *d, unsigned req, const char *why,
    daemon_outcome_fn *fn, void *arg)
{
	d->waiters = xreallocarray(d->waiters, d->nwaiters + 1,
	    sizeof(*d->waiters));
	d->waiters[d->nwaiters].req = req & (DAEMON_SHUTDOWN | DAEMON_RELOAD |
	    DAEMON_RESTART);
	d->waiters[d->nwaiters].fn = fn;
	d->waiters[d->nwaiters].arg = arg;
	d->nwaiters++;
	daemon_request(d, req, why);
}

void
daemon_forget_waiter(struct daemon *d, void *arg)
{
	for (size_t i = d->nwaiters; i > 0; i--)
		if (d->waiters[i - 1].arg == arg)
			d->waiters[i - 1] = d->waiters[--d->nwaiters];
}

/* Tell the waiters of any of the reqs (each once). A waiter may wait
 * again from its callback: the list is taken first. */
static void
daemon_tell(struct daemon *d, unsigned reqs, bool ok, const char *text)
{
	struct daemon_waiter *told = NULL;
	size_t n = 0;

	for (size_t i = d->nwaiters; i > 0; i--) {
		if (!(d->waiters[i - 1].req & reqs))
			continue;
		told = xreallocarray(told, n + 1, sizeof(*told));
		told[n++] = d->waiters[i - 1];
		d->waiters[i - 1] = d->waiters[--d->nwaiters];
	}
	for (size_t i = n; i > 0; i--)
		told[i - 1].fn(told[i - 1].arg, ok, text);
	free(told);
}

/* A restart is told once its helpers started again (or at the bound). */
static void
restart_tell(struct daemon *d)
{
	char text[sizeof(d->outcome) + 128];

	if (d->restart_pending == 0)
		snprintf(text, sizeof(text), "%s; %zu helper%s restarted",
		    d->outcome, d->restart_total,
		    d->restart_total == 1 ? "" : "s");
	else
		snprintf(text, sizeof(text), "%s; %zu of %zu helpers restarted "
		    "within %d s (the others are still starting: see the log)",
		    d->outcome, d->restart_total - d->restart_pending,
		    d->restart_total, DAEMON_RESTART_WAIT_S);
	d->restart_pending = d->restart_total = 0;
	evtimer_del(d->ev_restart);
	daemon_tell(d, DAEMON_RESTART, true, text);
}

static void
restart_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "restart");
	restart_tell(arg);
}

/* The requests made since the last turn, acted on now. */
static void
request_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "request");
	struct daemon *d = arg;
	unsigned req = d->requests;
	struct timeval wait = { DAEMON_RESTART_WAIT_S, 0 };

	d->requests = 0;
	if (req & DAEMON_SHUTDOWN) {
		/* a reload merged into the shutdown does not happen */
		daemon_tell(d, DAEMON_RELOAD | DAEMON_RESTART, false,
		    "refused: evbgpd is shutting down");
		daemon_shutdown(d, d->request_why ? d->request_why :
		    "shutdown");
		return;
	}
	if (!(req & (DAEMON_RELOAD | DAEMON_RESTART)))
		return;
	if (daemon_reload(d, req) == -1) {
		daemon_tell(d, DAEMON_RELOAD | DAEMON_RESTART, false,
		    d->outcome);
		return;
	}
	daemon_tell(d, DAEMON_RELOAD, true, d->outcome);
	if (!(req & DAEMON_RESTART))
		return;
	/* the restart's answer waits for its helpers, bounded */
	d->restart_total = d->restart_pending = d->sup != NULL ?
	    d->cfg->nprocesses : 0;
	if (d->restart_pending == 0) {
		restart_tell(d);
		return;
	}
	evtimer_add(d->ev_restart, &wait);
}

void
daemon_request(struct daemon *d, unsigned req, const char *why)
{
	static const struct timeval now = { 0, 0 };

	if ((req & DAEMON_SHUTDOWN) && !(d->requests & DAEMON_SHUTDOWN))
		d->request_why = why;
	d->requests |= req;
	if (d->ev_request != NULL)
		evtimer_add(d->ev_request, &now);
}

static struct event *
signal_on(struct daemon *d, int sig, event_callback_fn cb)
{
	struct event *ev = evsignal_new(d->base, sig, cb, d);

	evsignal_add(ev, NULL);
	return ev;
}

int
daemon_start(struct daemon *d)
{
	signal(SIGPIPE, SIG_IGN);
	d->sig_term = signal_on(d, SIGTERM, sig_shutdown_cb);
	d->sig_int = signal_on(d, SIGINT, sig_shutdown_cb);
	d->sig_hup = signal_on(d, SIGHUP, sig_shutdown_cb);
	d->sig_usr1 = signal_on(d, SIGUSR1, sig_reload_cb);
	d->sig_usr2 = signal_on(d, SIGUSR2, sig_reload_cb);
	d->ev_exit = evtimer_new(d->base, exit_cb, d);
	d->ev_request = evtimer_new(d->base, request_cb, d);
	d->ev_restart = evtimer_new(d->base, restart_timeout_cb, d);
	if (d->requests != 0)
		daemon_request(d, 0, NULL);
	daemon_write_pid(d);
	if (daemon_open_listeners(d) == -1)
		return -1;
	if (gethostname(d->hostname, sizeof(d->hostname) - 1) == -1)
		snprintf(d->hostname, sizeof(d->hostname), "localhost");
	d->start_time = (double)time(NULL);
	snprintf(d->uuid, sizeof(d->uuid), "%08lx-%04x-%04x-%04x-%08lx%04x",
	    (unsigned long)random(), (unsigned)(random() & 0xffff),
	    (unsigned)(0x4000 | (random() & 0x0fff)),
	    (unsigned)(0x8000 | (random() & 0x3fff)),
	    (unsigned long)random(), (unsigned)(random() & 0xffff));
	if (d->control_path != NULL) {
		d->control = control_new(d->base, d->control_path,
		    &d->commands);
		/* the default socket is a convenience; an explicit one is not */
		if (d->control == NULL && d->control_required)
			return -1;
		if (d->control == NULL)
			log_warnx("running without a control socket (evbgpctl); "
			    "use --control PATH to choose one");
	}
	if (d->env.api_cli)
		daemon_open_cli_pipe(d);
	for (size_t i = 0; i < d->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &d->cfg->neighbors[i];

		if (neighbor_is_range(n))
			continue;	/* peers appear as they connect */
		daemon_add_peer(d, n, NULL);
	}
	/* exabgp.daemon.drop=false: as ExaBGP, helpers start before the
	 * switch (keeping root); those respawned later run as the user */
	if (d->drop_helpers_first)
		daemon_start_helpers(d);
	if (d->drop_user != NULL && drop_privileges(d, d->drop_user) == -1)
		return -1;
	/* helpers start before the sessions: commands they send early go
	 * into the Adj-RIB-Out and out with the initial table */
	if (!d->drop_helpers_first)
		daemon_start_helpers(d);
	daemon_start_health(d);
	log_notice("evbgpd %s started: %zu neighbor%s, %zu listener%s",
	    EVBGP_VERSION, d->npeers, d->npeers == 1 ? "" : "s",
	    d->nlisteners, d->nlisteners == 1 ? "" : "s");
	for (size_t i = 0; i < d->npeers; i++)
		peer_start(d->peers[i]);
	return 0;
}

int
daemon_run(struct daemon *d)
{
	event_base_dispatch(d->base);
	return d->exit_code;
}

static void
control_stopped_cb(void *arg)
{
	struct daemon *d = arg;

	d->control_draining = false;
	daemon_maybe_exit(d);
}

/* Begin an orderly shutdown (Cease to every peer, then exit). */
static void
daemon_shutdown(struct daemon *d, const char *why)
{
	struct timeval grace = { SHUTDOWN_GRACE_MS / 1000,
		(SHUTDOWN_GRACE_MS % 1000) * 1000 };

	if (d->stopping)
		return;
	d->stopping = true;
	/* a restart still waiting for its helpers will not see them */
	if (d->restart_total > 0) {
		d->restart_pending = d->restart_total = 0;
		evtimer_del(d->ev_restart);
		daemon_tell(d, DAEMON_RESTART, false, "restart interrupted: "
		    "evbgpd is shutting down");
	}
	log_info("event loop: the longest timer delay seen was %.1f ms",
	    d->health_max_late * 1000);
	for (size_t i = 0; i < d->nlisteners; i++)
		evconnlistener_disable(d->listeners[i].lev);
	log_info("shutting down: %s", why);
	if (d->control != NULL) {
		d->control_draining = true;
		control_stop(d->control, control_stopped_cb, d);
	}
	for (size_t i = 0; i < d->npeers; i++) {
		if (peer_state(d->peers[i]) == ST_ESTABLISHED)
			d->nstopped_peers++;
		peer_stop(d->peers[i], BGP_CEASE_ADMIN_SHUTDOWN,
		    "evbgpd shutting down");
	}
	/* helpers hear it last, then are stopped (SIGTERM, then SIGKILL) */
	if (d->sup != NULL) {
		events_shutdown(&d->events, d->cfg->processes,
		    d->cfg->nprocesses);
		sup_stop_all(d->sup);
	} else
		d->helpers_stopped = true;
	evtimer_add(d->ev_exit, &grace);
	daemon_maybe_exit(d);
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	if (d->control != NULL)
		control_free(d->control);
	cli_pipe_free(d->cli_pipe);
	for (size_t i = 0; i < d->npeers; i++)
		daemon_free_peer(d->peers[i]);
	free(d->peers);
	d->peers = NULL;
	d->npeers = 0;
	reap_cb(-1, 0, d);
	/* the groups went with their last members */
	ug_registry_free(d->penv.groups);
	/* the tables still held release their sets: before the table */
	rib_release_free(d->penv.release);
	for (size_t i = 0; i < d->nruntime; i++)
		cfg_neighbor_free(d->runtime[i]);
	free(d->runtime);
	free(d->range_logs);
	free(d->waiters);
	if (d->sup != NULL)
		sup_free(d->sup);
	for (size_t i = 0; i < d->nclients; i++) {
		helper_client_release(d, d->clients[i]);
		free(d->clients[i]);
	}
	free(d->clients);
	for (size_t i = 0; i < d->nlisteners; i++)
		evconnlistener_free(d->listeners[i].lev);
	free(d->listeners);
	if (d->env.daemon_pid != NULL && d->env.daemon_pid[0] != '\0')
		unlink(d->env.daemon_pid);
	struct event *evs[] = { d->sig_term, d->sig_int, d->sig_hup,
		d->sig_usr1, d->sig_usr2, d->ev_exit, d->ev_health,
		d->ev_request, d->ev_reap, d->ev_restart };

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	attr_table_free(d->attrs);
	config_free(d->cfg);
	env_free(&d->env);
	loop_watch_init(NULL);
	event_base_free(d->base);
	free(d);
}
