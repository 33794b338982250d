/*
 * The daemon (see daemon.h): owns the event loop, the peers and the
 * listeners, turns signals into actions and runs the orderly shutdown
 * (Cease to every peer, wait for the NOTIFICATIONs to be written, exit).
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/log.h"
#include "evbgp/peer.h"
#include "evbgp/sockopt.h"
#include "evbgp/util.h"

#define SHUTDOWN_GRACE_MS	2500
#define LISTEN_BACKLOG		64

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
	d->env = *env;
	d->cfg = cfg;
	d->conf_paths = conf_paths;
	d->nconf = nconf;
	d->attrs = attr_table_new();
	return d;
}

static void
daemon_add_peer(struct daemon *d, struct peer *p)
{
	d->peers = xreallocarray(d->peers, d->npeers + 1, sizeof(*d->peers));
	d->peers[d->npeers++] = p;
}

struct peer *
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

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct daemon *d = arg;
	struct bgp_addr remote, local;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct peer *p;
	char rb[ADDR_STRLEN], lb[ADDR_STRLEN];

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
			log_notice("connection from %s to %s: no neighbor "
			    "configured for it, closed",
			    addr_fmt(&remote, rb), addr_fmt(&local, lb));
			close(fd);
			return;
		}
		p = peer_new(d, n, &remote);
		daemon_add_peer(d, p);
		peer_load_routes(p);
		log_peer(LOG_INFO, p->name, "new peer from passive range %s",
		    n->name);
	}
	if (p->cfg->incoming_ttl > 0 &&
	    sockopt_minttl(fd, remote.afi, p->cfg->incoming_ttl) == -1)
		log_peer(LOG_WARNING, p->name, "cannot set minimum TTL: %s",
		    strerror(errno));
	if (p->cfg->outgoing_ttl > 0 &&
	    sockopt_ttl(fd, remote.afi, p->cfg->outgoing_ttl) == -1)
		log_peer(LOG_WARNING, p->name, "cannot set TTL: %s",
		    strerror(errno));
	log_peer(LOG_DEBUG, p->name, "incoming connection to %s",
	    addr_fmt(&local, lb));
	peer_accept(p, fd, &local);
}

static void
listener_error_cb(struct evconnlistener *lev, void *arg)
{
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

/* ---- signals ---- */

static void
sig_shutdown_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	log_notice("received %s: shutting down", strsignal((int)sig));
	daemon_shutdown(d, "shutdown");
}

static void
sig_reload_cb(evutil_socket_t sig, short what, void *arg)
{
	log_warnx("received %s: configuration reload is not available in "
	    "this version; the running configuration is kept",
	    strsignal((int)sig));
}

static void
exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	if (d->nclosing > 0)
		log_info("%zu connection%s still flushing at exit", d->nclosing,
		    d->nclosing == 1 ? "" : "s");
	event_base_loopexit(d->base, NULL);
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
	daemon_write_pid(d);
	if (daemon_open_listeners(d) == -1)
		return -1;
	for (size_t i = 0; i < d->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &d->cfg->neighbors[i];
		struct peer *p;

		if (neighbor_is_range(n))
			continue;	/* peers appear as they connect */
		p = peer_new(d, n, NULL);
		daemon_add_peer(d, p);
		peer_load_routes(p);
	}
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

void
daemon_shutdown(struct daemon *d, const char *why)
{
	struct timeval grace = { SHUTDOWN_GRACE_MS / 1000,
		(SHUTDOWN_GRACE_MS % 1000) * 1000 };

	if (d->stopping)
		return;
	d->stopping = true;
	for (size_t i = 0; i < d->nlisteners; i++)
		evconnlistener_disable(d->listeners[i].lev);
	for (size_t i = 0; i < d->npeers; i++)
		peer_stop(d->peers[i], BGP_CEASE_ADMIN_SHUTDOWN,
		    "evbgpd shutting down");
	if (d->nclosing == 0)
		event_base_loopexit(d->base, NULL);
	else
		evtimer_add(d->ev_exit, &grace);
}

void
daemon_closing_add(struct daemon *d)
{
	d->nclosing++;
}

void
daemon_closing_done(struct daemon *d)
{
	if (d->nclosing > 0)
		d->nclosing--;
	if (d->stopping && d->nclosing == 0)
		event_base_loopexit(d->base, NULL);
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->npeers; i++)
		peer_free(d->peers[i]);
	free(d->peers);
	for (size_t i = 0; i < d->nlisteners; i++)
		evconnlistener_free(d->listeners[i].lev);
	free(d->listeners);
	if (d->env.daemon_pid != NULL && d->env.daemon_pid[0] != '\0')
		unlink(d->env.daemon_pid);
	struct event *evs[] = { d->sig_term, d->sig_int, d->sig_hup,
		d->sig_usr1, d->sig_usr2, d->ev_exit };

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	attr_table_free(d->attrs);
	config_free(d->cfg);
	env_free(&d->env);
	event_base_free(d->base);
	free(d);
}
