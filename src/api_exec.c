/*
 * Text API command execution (see api_exec.h).
 *
 * Which peers a command acts on (reference/exabgp-compat.md §1.7): route
 * and watchdog commands from a helper act on the peers whose api blocks
 * list that helper (and match the selector); End-of-RIB, route refresh,
 * flush and teardown act on established peers matching the selector;
 * show and clear on every peer matching it. A command that acts on no
 * peer is an error. evbgpctl clients are not scoped by api blocks.
 *
 * The answer is written when the command has been applied to the
 * Adj-RIB-Outs, not when it reaches the wire (as ExaBGP 4.x).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evbgp/api.h"
#include "evbgp/api_exec.h"
#include "evbgp/show_json.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/log.h"
#include "evbgp/peer.h"
#include "evbgp/adj_rib.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

#define EXABGP_API_VERSION	"4.2.21"

static void
reply(struct api_client *c, const char *s)
{
	size_t n = strlen(s);
	char *line = xmalloc(n + 2);

	memcpy(line, s, n);
	line[n] = '\n';
	c->reply(c->ctx, line, n + 1);
	free(line);
}

static void
replyf(struct api_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
replyf(struct api_client *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s != NULL) {
		reply(c, s);
		free(s);
	}
}

/* Reasons kept per command: a command acting on many neighbors says the
 * first few and counts the others. */
#define API_WHY_MAX	8

static void
why_reset(struct api_client *c)
{
	sbuf_reset(&c->why);
	c->nwhy = 0;
}

/*
 * The command fails, and why: logged (about neighbor peer when given),
 * and told to an evbgpctl client in an "error: REASON" line before its
 * "error" (control.h). Helpers get ExaBGP's bare "error".
 */
static void
fail_why(struct api_client *c, const char *peer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Keep a reason for the client only (the caller logged it). */
static void
why_add(struct api_client *c, const char *peer, const char *msg)
{
	if (c->helper || c->nwhy++ >= API_WHY_MAX)
		return;
	if (peer != NULL)
		sbuf_printf(&c->why, "neighbor %s: ", peer);
	sbuf_adds(&c->why, msg);
	sbuf_addc(&c->why, '\n');
}

static void
fail_why(struct api_client *c, const char *peer, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (peer != NULL)
		log_peer(LOG_WARNING, peer, "%s: %s", c->name, msg);
	else
		log_warnx("%s: %s", c->name, msg);
	why_add(c, peer, msg);
}

static void
answer(struct api_client *c, bool ok)
{
	int src = c->helper ? DAEMON_SRC_HELPER : DAEMON_SRC_CONTROL;

	if (c->d != NULL) {
		c->d->ncommands[src]++;
		if (!ok)
			c->d->command_errors[src]++;
	}
	if (c->ack != API_ACK_ON) {
		why_reset(c);
		return;
	}
	if (!ok && !c->helper) {
		char *save = NULL;

		if (c->nwhy == 0)
			fail_why(c, NULL, "the command failed");
		for (char *l = strtok_r(c->why.p, "\n", &save); l != NULL;
		    l = strtok_r(NULL, "\n", &save))
			replyf(c, "error: %s", l);
		if (c->nwhy > API_WHY_MAX)
			replyf(c, "error: (and %zu more reasons, in the log)",
			    c->nwhy - API_WHY_MAX);
	}
	why_reset(c);
	reply(c, ok ? "done" : "error");
}

/* ---- which peers ---- */

static bool
peer_lists_process(const struct peer *p, const char *name)
{
	for (size_t i = 0; i < p->cfg->napis; i++)
		for (size_t j = 0; j < p->cfg->apis[i].nprocesses; j++)
			if (strcmp(p->cfg->apis[i].processes[j], name) == 0)
				return true;
	return false;
}

static uint32_t
peer_router_id_value(const struct peer *p)
{
	if (p->cfg->router_id != 0)
		return p->cfg->router_id;
	return addr_to_u32(&p->cfg->local_addr);
}

static bool
selector_matches(const struct api_selector *sel, const struct peer *p)
{
	char session[API_SESSION_NAME_MAX];

	if (!sel->given)
		return true;
	api_session_name(p->cfg->families, p->cfg->cap_multi_session,
	    session, sizeof(session));
	for (size_t i = 0; i < sel->n; i++)
		if (api_match_peer(&sel->v[i], &p->remote, &p->local_now,
		    p->cfg->local_as, p->cfg->peer_as, peer_router_id_value(p),
		    session))
			return true;
	return false;
}

enum scope {
	SCOPE_ROUTES,		/* helper's own neighbors */
	SCOPE_ESTABLISHED,	/* established, any helper */
	SCOPE_ALL,
};

/* Collect the peers cmd acts on into *out; returns the count. */
static size_t
select_peers(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, enum scope scope, struct peer ***out)
{
	struct peer **v = xreallocarray(NULL, d->npeers + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (!selector_matches(&cmd->sel, p))
			continue;
		if (scope == SCOPE_ROUTES && c->helper &&
		    !peer_lists_process(p, c->name))
			continue;
		if (scope == SCOPE_ESTABLISHED &&
		    peer_state(p) != ST_ESTABLISHED)
			continue;
		v[n++] = p;
	}
	*out = v;
	return n;
}

/* Nothing to act on: say which neighbors there are to choose from. */
static void
fail_no_neighbor(struct api_client *c, const struct api_command *cmd,
    enum scope scope)
{
	const char *what = scope == SCOPE_ESTABLISHED ?
	    "no established neighbor" : "no neighbor";

	if (scope == SCOPE_ROUTES && c->helper)
		fail_why(c, NULL, "%s%s whose api block lists this process",
		    what, cmd->sel.given ? " matching the selector" : "");
	else
		fail_why(c, NULL, "%s%s", what, cmd->sel.given ?
		    " matching the selector" : " configured");
}

/* ---- routes ---- */

static bool
route_family_ok(const struct peer *p, const struct cfg_route *r)
{
	return FAMSET_HAS(p->cfg->families, r->fam);
}

/*
 * Can an UPDATE to p hold route r? A route that cannot be sent is refused
 * at once (an error answer) rather than accepted and never sent.
 */
static bool
route_fits(struct api_client *c, struct peer *p, const struct cfg_route *r)
{
	char ps[CFG_ROUTE_NAME_MAX];
	size_t need, limit;

	switch (peer_route_fit(p, r, &need, &limit)) {
	case ROUTE_FITS:
		return true;
	case ROUTE_NEXTHOP_UNENCODABLE:
		fail_why(c, p->name, "route %s refused: an IPv4 route with an "
		    "IPv6 next hop needs the extended next hop encoding "
		    "(RFC 8950), which this neighbor does not negotiate "
		    "(nexthop { %s %s ipv6; })",
		    cfg_route_name(r, ps, sizeof(ps)), family_afi_name(r->fam),
		    family_safi_name(r->fam));
		return false;
	case ROUTE_TOO_BIG:
		break;
	}
	if (need == 0)
		fail_why(c, p->name, "route %s refused: its UPDATE would exceed "
		    "%u bytes, the largest BGP message",
		    cfg_route_name(r, ps, sizeof(ps)), BGP_MAX_EXT_MSG);
	else
		fail_why(c, p->name, "route %s refused: its UPDATE needs %zu "
		    "bytes, this neighbor allows %zu%s",
		    cfg_route_name(r, ps, sizeof(ps)), need, limit,
		    limit < BGP_MAX_EXT_MSG ? " (no extended message "
		    "capability, RFC 8654)" : "");
	return false;
}

/* Does a route of cmd say next-hop self (resolved per local address)? */
static bool
cmd_has_self(const struct api_command *cmd)
{
	for (size_t j = 0; j < cmd->nroutes; j++)
		if (cmd->routes[j].attrs.nexthop_self)
			return true;
	return false;
}

/*
 * The peers a route command acts on, one per update group: groups the
 * selection covers in part are split first (update_group.h), so acting
 * on one member acts on exactly the peers selected.
 */
static size_t
select_groups(struct peer **peers, size_t n, const struct api_command *cmd)
{
	struct peer **reps = xreallocarray(NULL, n > 0 ? n : 1,
	    sizeof(*reps));
	size_t nr = ug_select(peers, n, cmd != NULL && cmd_has_self(cmd),
	    reps);

	memcpy(peers, reps, nr * sizeof(*peers));
	free(reps);
	return nr;
}

static bool
exec_routes(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, bool announce)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, SCOPE_ROUTES, &peers);
	size_t applied = 0, nr = select_groups(peers, n, cmd);
	bool refused = false;

	for (size_t i = 0; i < nr; i++) {
		struct peer *p = peers[i];

		for (size_t j = 0; j < cmd->nroutes; j++) {
			const struct cfg_route *r = &cmd->routes[j];

			if (announce && !r->withdrawn &&
			    !route_fits(c, p, r)) {
				refused = true;
				continue;
			}
			if (!route_family_ok(p, r)) {
				/* a failure only if no neighbor takes it */
				fail_why(c, p->name, "family %s %s is not "
				    "configured for this neighbor",
				    family_afi_name(r->fam),
				    family_safi_name(r->fam));
				continue;
			}
			if (r->watchdog != NULL)
				peer_watchdog_add(p, r);
			if (announce && !r->withdrawn)
				peer_announce(p, r, RIB_SRC_API);
			else
				peer_withdraw(p, r);
			applied++;
		}
	}
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ROUTES);
	return n > 0 && !refused && (applied > 0 || cmd->nroutes == 0);
}

static bool
exec_watchdog(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, bool announce)
{
	struct peer **peers;
	const char *name = cmd->text;
	size_t n;

	/* ExaBGP 4.2 (command/watchdog.py): without a name, the watchdog
	 * named after the process that asks */
	if (name == NULL && c->helper)
		name = c->name;
	if (name == NULL) {
		fail_why(c, NULL, "%s watchdog: a watchdog name is required "
		    "(only a helper's own is implied)", announce ? "announce" :
		    "withdraw");
		return false;
	}
	n = select_peers(d, c, cmd, SCOPE_ROUTES, &peers);
	for (size_t i = 0, nr = select_groups(peers, n, NULL); i < nr; i++)
		peer_watchdog(peers[i], name, announce);
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ROUTES);
	return n > 0;
}

/* ---- per-peer actions on established sessions ---- */

static bool
exec_eor(struct daemon *d, struct api_client *c, const struct api_command *cmd)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, SCOPE_ESTABLISHED, &peers);

	for (size_t i = 0; i < n; i++)
		peer_send_eor(peers[i], cmd->fam);
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ESTABLISHED);
	return n > 0;
}

static bool
exec_route_refresh(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, SCOPE_ESTABLISHED, &peers);
	size_t sent = 0;

	for (size_t i = 0; i < n; i++) {
		if (!peers[i]->neg.route_refresh) {
			fail_why(c, peers[i]->name, "route refresh was not "
			    "negotiated; not sending one");
			continue;
		}
		if (peer_send_route_refresh(peers[i], cmd->fam,
		    BGP_RR_NORMAL) == 0)
			sent++;
	}
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ESTABLISHED);
	return sent > 0;
}

typedef void peer_action_fn(struct peer *p, uint8_t arg);

static void
do_flush(struct peer *p, uint8_t arg)
{
	peer_flush_out(p);
}

static void
do_clear_out(struct peer *p, uint8_t arg)
{
	peer_clear_out(p);
}

static void
do_clear_in(struct peer *p, uint8_t arg)
{
	peer_clear_in(p);
}

static bool
exec_on_peers(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, enum scope scope, peer_action_fn *fn,
    uint8_t arg)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, scope, &peers);
	/* clear adj-rib out acts on the table: once per update group */
	size_t nr = fn == do_clear_out ? select_groups(peers, n, NULL) : n;

	for (size_t i = 0; i < nr; i++)
		fn(peers[i], arg);
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, scope);
	return n > 0;
}

/* "teardown [SUBCODE [TEXT]]": Cease, with an RFC 9003 shutdown
 * communication for subcodes 2 and 4 */
static bool
exec_teardown(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, SCOPE_ALL, &peers);
	char esc[LOG_ESCAPE_SIZE];

	for (size_t i = 0; i < n; i++) {
		log_peer(LOG_NOTICE, peers[i]->logname, "teardown requested (Cease "
		    "subcode %u)%s%s", cmd->subcode, cmd->text ? ": " : "",
		    cmd->text ? log_escape(cmd->text, strlen(cmd->text), esc,
		    sizeof(esc)) : "");
		peer_teardown(peers[i], cmd->subcode, cmd->text);
	}
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ALL);
	return n > 0;
}

/* ---- neighbors made and removed at run time ---- */

static bool
exec_create(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	char err[512], esc[LOG_ESCAPE_SIZE];
	struct cfg_neighbor *nb = config_neighbor_parse(d->cfg, cmd->text,
	    "create neighbor", err, sizeof(err));

	if (nb == NULL || daemon_create_neighbor(d, nb, err,
	    sizeof(err)) == -1) {
		fail_why(c, NULL, "create neighbor refused: %s",
		    log_escape(err, strlen(err), esc, sizeof(esc)));
		return false;
	}
	return true;
}

/* The neighbors the selector names, among the helper's own (ExaBGP
 * main: reactor.peers(service)); evbgpctl may delete any. */
static bool
exec_delete(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct peer **peers;
	size_t n = select_peers(d, c, cmd, SCOPE_ROUTES, &peers);

	for (size_t i = 0; i < n; i++)
		daemon_delete_peer(d, peers[i]);
	free(peers);
	if (n == 0)
		fail_no_neighbor(c, cmd, SCOPE_ROUTES);
	return n > 0;
}

/* ---- show ---- */

static const char *
state_word(enum fsm_state s)
{
	static const char *const words[ST_MAX] = {
		[ST_IDLE] = "idle", [ST_CONNECT] = "connect",
		[ST_ACTIVE] = "active", [ST_OPENSENT] = "opensent",
		[ST_OPENCONFIRM] = "openconfirm",
		[ST_ESTABLISHED] = "established",
	};

	return s < ST_MAX ? words[s] : "?";
}

static void
fmt_duration(double secs, char *buf, size_t len)
{
	unsigned long s = secs > 0 ? (unsigned long)secs : 0;

	snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

static bool
show_filter_ok(const struct api_command *cmd, const struct peer *p)
{
	return !cmd->has_filter || addr_equal(&cmd->filter, &p->remote);
}

/* The router id we send (or will send, before the first OPEN). */
static uint32_t
peer_local_id(const struct peer *p)
{
	return p->open_local.bgp_id != 0 ? p->open_local.bgp_id :
	    peer_router_id_value(p);
}

static void
show_summary(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	char up[32];

	replyf(c, "%-16s%-10s%-10s%-12s|%9s%9s%10s%10s%10s", "Peer", "AS",
	    "up/down", "state", "#sent", "#recvd", "pfx-sent", "pfx-rcvd",
	    "out-queue");
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		uint64_t ann, wd;

		if (!show_filter_ok(cmd, p) || !selector_matches(&cmd->sel, p))
			continue;
		/* up for, or down for (never up while down) */
		fmt_duration(peer_up_down_for(p), up, sizeof(up));
		peer_routes_sent(p, &ann, &wd);
		replyf(c, "%-16s%-10u%-10s%-12s|%9llu%9llu%10llu%10llu%10zu",
		    p->name, p->cfg->peer_as, up, state_word(peer_state(p)),
		    (unsigned long long)p->stats.sent[BGP_MSG_UPDATE],
		    (unsigned long long)p->stats.recv[BGP_MSG_UPDATE],
		    (unsigned long long)ann,
		    (unsigned long long)p->hist.prefixes_recv,
		    peer_routes_queued(p));
	}
}

static void
show_row(struct api_client *c, const char *name, const char *local,
    const char *peer)
{
	replyf(c, "   %-20s %15s %15s", name, local, peer);
}

static const char *
yes_no(bool known, bool v)
{
	return !known ? "" : v ? "yes" : "no";
}

/* "Session" of show neighbor extensive: state, its age, history. */
static void
show_session(struct api_client *c, struct peer *p)
{
	char t[32], ago[32];
	bool est = peer_state(p) == ST_ESTABLISHED;
	double now = mono_now();

	replyf(c, "Session");
	fmt_duration(now - p->hist.state_since, t, sizeof(t));
	replyf(c, "   %-20s %s (for %s)", "state", state_word(peer_state(p)), t);
	fmt_duration(peer_up_down_for(p), t, sizeof(t));
	replyf(c, "   %-20s %s", est ? "up for" : "down for", t);
	replyf(c, "   %-20s %llu", "flaps",
	    (unsigned long long)p->hist.flaps);
	if (p->hist.last_error[0] != '\0') {
		fmt_duration(now - p->hist.last_error_at, ago, sizeof(ago));
		replyf(c, "   %-20s %s (%s ago)", "last error",
		    p->hist.last_error, ago);
	} else
		replyf(c, "   %-20s %s", "last error", "none");
}

/* "Adj-RIB-Out": the backlog, and how far what was sent has gone. */
static void
show_progress(struct api_client *c, struct peer *p)
{
	struct peer_out_progress pr;

	peer_out_progress(p, &pr);
	replyf(c, "Adj-RIB-Out");
	replyf(c, "   %-20s %zu", "queued routes", pr.queued);
	replyf(c, "   %-20s %llu", "sent routes", (unsigned long long)pr.sent);
	replyf(c, "   %-20s %llu", "acknowledged routes",
	    (unsigned long long)pr.acked);
	replyf(c, "   %-20s %zu", "buffered bytes", pr.buffered);
	replyf(c, "   %-20s %zu", "unacked bytes", pr.unacked);
	replyf(c, "   %-20s %zu", "update group members", ug_members(p));
}

static void
show_extensive_peer(struct api_client *c, struct peer *p)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], x[32], y[32];
	const struct bgp_caps *lc = &p->open_local.caps, *rc = &p->open_peer.caps;
	bool est = peer_state(p) == ST_ESTABLISHED;
	struct bgp_addr lid, rid;
	uint64_t ann, wd;

	replyf(c, "Neighbor %s", p->name);
	replyf(c, "%s", "");
	show_session(c, p);
	replyf(c, "%s", "");
	replyf(c, "Setup                           Local          Remote");
	show_row(c, "local-address", addr_fmt(p->local_now.afi != 0 ?
	    &p->local_now : &p->cfg->local_addr, a), addr_fmt(&p->remote, b));
	snprintf(x, sizeof(x), "%u", p->cfg->local_as);
	snprintf(y, sizeof(y), "%u", p->peer_as != 0 ? p->peer_as :
	    p->cfg->peer_as);
	show_row(c, "AS", x, y);
	/* the configured router id before the first OPEN */
	addr_from_u32(&lid, peer_local_id(p));
	addr_from_u32(&rid, p->open_peer.bgp_id);
	show_row(c, "ID", addr_fmt(&lid, a), est ? addr_fmt(&rid, b) : "");
	snprintf(x, sizeof(x), "%u", p->cfg->hold_time);
	snprintf(y, sizeof(y), "%u", p->open_peer.hold_time);
	show_row(c, "hold-time", x, est ? y : "");
	if (est) {
		snprintf(x, sizeof(x), "%u", p->neg.hold_time);
		show_row(c, "hold-time used", x, "");
	}
	replyf(c, "%s", "");
	replyf(c, "Capability                      Local          Remote");
	show_row(c, "asn4", yes_no(true, lc->asn4), yes_no(est, rc->asn4));
	show_row(c, "route-refresh", yes_no(true, lc->route_refresh),
	    yes_no(est, rc->route_refresh));
	show_row(c, "enhanced-refresh", yes_no(true, lc->enhanced_rr),
	    yes_no(est, rc->enhanced_rr));
	show_row(c, "extended-message", yes_no(true, lc->ext_message),
	    yes_no(est, rc->ext_message));
	show_row(c, "graceful-restart", yes_no(true, lc->gr),
	    yes_no(est, rc->gr));
	if (est) {
		replyf(c, "%s", "");
		replyf(c, "Negotiated");
		replyf(c, "   %-20s %s", "asn4", yes_no(true, p->neg.asn4));
		replyf(c, "   %-20s %s", "route-refresh",
		    yes_no(true, p->neg.route_refresh));
		replyf(c, "   %-20s %zu", "max message", p->neg.max_msg);
	}
	replyf(c, "%s", "");
	replyf(c, "Families                        Local          Remote");
	for (int f = 0; f < FAM_MAX; f++) {
		char fam[32];

		if (!FAMSET_HAS(p->cfg->families, f))
			continue;
		snprintf(fam, sizeof(fam), "%s %s",
		    family_afi_name((enum family_id)f),
		    family_safi_name((enum family_id)f));
		show_row(c, fam, "yes", yes_no(est, FAMSET_HAS(rc->mp, f)));
	}
	replyf(c, "%s", "");
	replyf(c, "Message Statistic               Sent        Received");
	for (uint8_t t = 1; t < BGP_MSG_TYPE_COUNT; t++) {
		snprintf(x, sizeof(x), "%llu",
		    (unsigned long long)p->stats.sent[t]);
		snprintf(y, sizeof(y), "%llu",
		    (unsigned long long)p->stats.recv[t]);
		show_row(c, msg_type_name(t), x, y);
	}
	replyf(c, "%s", "");
	replyf(c, "Routes                          Sent        Received");
	snprintf(x, sizeof(x), "%zu", adj_rib_count(p->rib_out));
	snprintf(y, sizeof(y), "%zu", p->rib_in != NULL ?
	    adj_rib_count(p->rib_in) : (size_t)0);
	show_row(c, "routes", x, p->rib_in != NULL ? y : "(no adj-rib in)");
	peer_routes_sent(p, &ann, &wd);
	snprintf(x, sizeof(x), "%llu", (unsigned long long)ann);
	snprintf(y, sizeof(y), "%llu", (unsigned long long)p->hist.prefixes_recv);
	show_row(c, "prefixes announced", x, y);
	snprintf(x, sizeof(x), "%llu", (unsigned long long)wd);
	snprintf(y, sizeof(y), "%llu", (unsigned long long)p->hist.withdrawn_recv);
	show_row(c, "prefixes withdrawn", x, y);
	/* routes an UPDATE of this session cannot hold (log says which) */
	snprintf(x, sizeof(x), "%zu", adj_rib_toobig(p->rib_out));
	show_row(c, "too-large-unsent", x, "");
	snprintf(x, sizeof(x), "%llu",
	    (unsigned long long)adj_rib_toobig_total(p->rib_out));
	show_row(c, "too-large-seen", x, "");
	replyf(c, "%s", "");
	show_progress(c, p);
}

static void
show_neighbors(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	if (cmd->show == API_SHOW_SUMMARY) {
		show_summary(d, c, cmd);
		return;
	}
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (!show_filter_ok(cmd, p) || !selector_matches(&cmd->sel, p))
			continue;
		if (cmd->show == API_SHOW_EXTENSIVE) {
			show_extensive_peer(c, p);
			replyf(c, "%s", "");
		} else {
			char *text = config_neighbor_string(p->cfg);

			for (char *line = strtok(text, "\n"); line != NULL;
			    line = strtok(NULL, "\n"))
				reply(c, line);
			free(text);
		}
	}
}

struct rib_show {
	struct api_client *c;
	const char	*peer;
	bool		 extensive;
};

static void
show_rib_route(void *arg, const struct nlri *n, const struct attr_set *s)
{
	struct rib_show *rs = arg;
	struct attrs view;
	const struct attrs *a = attrs_view(s, &view);
	char nh[ADDR_STRLEN];
	struct sbuf o;

	sbuf_init(&o);
	sbuf_printf(&o, "neighbor %s %s %s ", rs->peer, family_afi_name(n->fam),
	    family_safi_name(n->fam));
	nlri_text(&o, n, n->path_id != 0, a->nexthop_self ? "self" :
	    (a->has & ATTR_HAS_NEXT_HOP) ? addr_fmt(&a->nexthop, nh) : NULL);
	if (rs->extensive)
		bgp_attr_text(&o, a, ATTR_TEXT_ROUTE);
	reply(rs->c, o.p);
	sbuf_free(&o);
}

static void
show_rib(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, bool in)
{
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		struct rib_show rs = { c, p->name, cmd->extensive };

		const struct adj_rib *rib = in ? p->rib_in : p->rib_out;

		if (!show_filter_ok(cmd, p) || !selector_matches(&cmd->sel, p))
			continue;
		/* the log's name: two sessions to one address apart */
		if (cmd->lookup.count)
			replyf(c, "neighbor %s adj-rib-%s count %zu", p->logname,
			    in ? "in" : "out", rib != NULL ?
			    api_show_rib_select(rib, cmd, NULL, NULL) : 0);
		else if (rib != NULL)
			(void)api_show_rib_select(rib, cmd, show_rib_route, &rs);
	}
}

/* ---- daemon-level ---- */

/* ExaBGP's names of the FSM states (reactor/peer FSM.name()). */
static const char *
exabgp_state_name(enum fsm_state st)
{
	switch (st) {
	case ST_IDLE:
		return "IDLE";
	case ST_CONNECT:
		return "CONNECT";
	case ST_ACTIVE:
		return "ACTIVE";
	case ST_OPENSENT:
		return "OPENSENT";
	case ST_OPENCONFIRM:
		return "OPENCONFIRM";
	case ST_ESTABLISHED:
		return "ESTABLISHED";
	default:
		return "UNKNOWN";
	}
}

/* The peer as ExaBGP names it (bgp/neighbor.py name()), which selectors
 * match word by word. */
static char *
peer_exabgp_name(const struct peer *p)
{
	char session[API_SESSION_NAME_MAX], local[INET6_ADDRSTRLEN + 8];
	char rid[INET_ADDRSTRLEN];
	struct in_addr ra = { htonl(peer_router_id_value(p)) };
	struct sbuf o;

	if (p->cfg->local_addr.afi != 0)
		addr_fmt(&p->cfg->local_addr, local);
	else if (p->local_now.afi != 0)
		addr_fmt(&p->local_now, local);
	else
		snprintf(local, sizeof(local), "auto");
	inet_ntop(AF_INET, &ra, rid, sizeof(rid));
	api_session_name(p->cfg->families, p->cfg->cap_multi_session,
	    session, sizeof(session));
	sbuf_init(&o);
	sbuf_printf(&o, "neighbor %s local-ip %s local-as %" PRIu32
	    " peer-as ", p->name, local, p->cfg->local_as);
	if (p->cfg->peer_as != 0)
		sbuf_printf(&o, "%" PRIu32, p->cfg->peer_as);
	else
		sbuf_printf(&o, "auto");
	sbuf_printf(&o, " router-id %s family-allowed %s", rid, session);
	return o.p;
}

/* "event-loop longest-callback-ms 12.5 peer 192.0.2.1 pack" */
static void
api_status_callback(struct api_client *c, const char *key,
    const struct lw_stall *s)
{
	char what[LW_WHO_LEN + 32];

	replyf(c, "event-loop %s-ms %.1f %s", key, s->secs * 1000,
	    s->secs > 0 ? loop_watch_describe(s, what, sizeof(what)) :
	    "none");
}

static void
exec_status(struct daemon *d, struct api_client *c, bool json)
{
	struct api_status st = {
		.version = EXABGP_API_VERSION,
		.uuid = d->uuid,
		.start_time = d->start_time,
		.pid = (int)getpid(),
		.neighbors = d->npeers,
		.attribute_sets = attr_table_count(d->attrs),
		.update_groups = ug_registry_groups(d->penv.groups),
		.helpers = daemon_helper_count(d),
		.max_late_ms = d->health_max_late * 1000,
		.longest_callback = loop_watch_max(),
		.recent_callback = loop_watch_recent(),
	};
	double now = (double)time(NULL);

	st.uptime = now > d->start_time ? (long)(now - d->start_time) : 0;
	st.peers = xreallocarray(NULL, d->npeers + 1, sizeof(*st.peers));
	for (size_t i = 0; i < d->npeers; i++) {
		st.peers[i].name = peer_exabgp_name(d->peers[i]);
		st.peers[i].state = exabgp_state_name(peer_state(d->peers[i]));
		if (peer_state(d->peers[i]) == ST_ESTABLISHED)
			st.established++;
		st.routes_out += adj_rib_count(d->peers[i]->rib_out);
	}
	if (json) {
		api_show_status_json(c, &st);
	} else {
		/* ExaBGP main's block first (its helpers look for "UUID"
		 * and "PID"), then evbgpd's counters */
		reply(c, "ExaBGP Daemon Status");
		reply(c, "====================");
		replyf(c, "Version: %s (evbgpd %s)", EXABGP_API_VERSION,
		    EVBGP_VERSION);
		replyf(c, "UUID: %s", st.uuid);
		replyf(c, "PID: %d", st.pid);
		replyf(c, "Uptime: %ldh %ldm %lds", st.uptime / 3600,
		    st.uptime % 3600 / 60, st.uptime % 60);
		replyf(c, "Peers: %zu", st.neighbors);
		for (size_t i = 0; i < st.neighbors; i++)
			replyf(c, "  - %s: %s", st.peers[i].name,
			    st.peers[i].state);
		replyf(c, "evbgpd %s pid %d", EVBGP_VERSION, st.pid);
		replyf(c, "neighbors %zu established %zu", st.neighbors,
		    st.established);
		replyf(c, "adj-rib-out routes %zu attribute-sets %zu",
		    st.routes_out, st.attribute_sets);
		replyf(c, "helpers %zu", st.helpers);
		replyf(c, "event-loop longest-timer-delay-ms %.1f",
		    st.max_late_ms);
		api_status_callback(c, "longest-callback",
		    &st.longest_callback);
		api_status_callback(c, "recent-longest-callback",
		    &st.recent_callback);
	}
	for (size_t i = 0; i < d->npeers; i++)
		free(st.peers[i].name);
	free(st.peers);
}

/* The outcome of an evbgpctl client's reload, restart or shutdown. */
static void
request_outcome(void *arg, bool ok, const char *text)
{
	struct api_client *c = arg;
	struct line_client *lc = c->lc;

	if (ok)
		reply(c, text);
	else
		why_add(c, NULL, text);
	answer(c, ok);
	lc->held = false;
	lc->resume(lc->ctx);
}

/*
 * A reload, restart or shutdown: a helper is answered at once (ExaBGP
 * 4.x's "done"); an evbgpctl client waits for the outcome (its other
 * lines wait too), which the daemon gives from a later loop turn.
 */
static void
exec_request(struct daemon *d, struct api_client *c, unsigned req,
    const char *why)
{
	if (c->helper || c->lc == NULL || c->lc->resume == NULL ||
	    c->ack != API_ACK_ON) {
		answer(c, true);
		daemon_request(d, req, why);
		return;
	}
	c->lc->held = true;
	daemon_request_wait(d, req, why, request_outcome, c);
}

static void
exec_help(struct api_client *c)
{
	for (const char *const *l = api_help_lines(); *l != NULL; l++)
		reply(c, *l);
}

/* ---- the fast path ---- */

static void
fast_entry_clear(struct api_fast_entry *e)
{
	free(e->text);
	attrs_unref(e->attrs);
	memset(e, 0, sizeof(*e));
}

/* Forget the fast path's memory and the scope (before freeing c). */
static void
api_client_reset(struct api_client *c)
{
	free(c->scope);
	c->scope = NULL;
	c->nscope = 0;
	c->scope_gen = 0;
	if (c->fast == NULL)
		return;
	for (size_t i = 0; i < API_FAST_SLOTS; i++)
		fast_entry_clear(&c->fast[i]);
	free(c->fast);
	c->fast = NULL;
}

/* The cache slot for an attribute text (eight bytes per step). */
static struct api_fast_entry *
fast_slot(struct api_client *c, uint8_t afi, const char *text, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ afi ^ len;
	size_t i = 0;

	if (c->fast == NULL)
		c->fast = xcalloc(API_FAST_SLOTS, sizeof(*c->fast));
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ (uint8_t)text[i]) * 0x100000001B3ull;
	h ^= h >> 32;
	return &c->fast[h & (API_FAST_SLOTS - 1)];
}

/* The peers c's route commands act on (cached until peers change). */
static void
client_scope(struct daemon *d, struct api_client *c)
{
	if (c->scope != NULL && c->scope_gen == d->peers_gen &&
	    c->scope_ug_gen == ug_registry_gen(d->penv.groups))
		return;
	free(c->scope);
	c->scope = xreallocarray(NULL, d->npeers + 1, sizeof(*c->scope));
	c->nscope = 0;
	for (size_t i = 0; i < d->npeers; i++)
		if (!c->helper || peer_lists_process(d->peers[i], c->name))
			c->scope[c->nscope++] = d->peers[i];
	/* one per update group (split where the scope covers part) */
	c->nscope = select_groups(c->scope, c->nscope, NULL);
	c->scope_gen = d->peers_gen;
	c->scope_ug_gen = ug_registry_gen(d->penv.groups);
}

/* Apply one announce (a set) or withdraw (NULL) to every peer c may act
 * on; false when none has the family. */
static bool
fast_apply(struct daemon *d, struct api_client *c, enum family_id fam,
    const struct prefix *pfx, uint32_t path_id, const struct attr_set *a)
{
	size_t n = 0;

	client_scope(d, c);
	for (size_t i = 0; i < c->nscope; i++) {
		struct peer *p = c->scope[i];

		if (!FAMSET_HAS(p->cfg->families, fam))
			continue;
		if (a != NULL)
			adj_rib_announce_src(p->rib_out, fam, pfx, path_id, a,
			    RIB_SRC_API);
		else
			adj_rib_withdraw(p->rib_out, fam, pfx, path_id);
		peer_schedule_kick(p);
		n++;
	}
	return n > 0;
}

/* Is [p, end) "self" or an IPv4 or IPv6 address? */
static bool
plain_next_hop(const char *p, const char *end)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return strcmp(buf, "self") == 0 || inet_pton(AF_INET, buf, &a) == 1 ||
	    inet_pton(AF_INET6, buf, &a) == 1;
}

/*
 * "announce route PREFIX ATTRS" / "withdraw route PREFIX ..." without a
 * selector, whose ATTRS text is the same as the previous simple route's:
 * only the prefix is parsed. Returns false when the line is not such a
 * command (the general parser takes it, and refills the cache).
 */
static bool
exec_fast(struct daemon *d, struct api_client *c, const char *line,
    size_t len)
{
	static const char ann[] = "announce route ", wd[] = "withdraw route ";
	bool announce;
	const char *p, *sp, *end = line + len;
	char pbuf[PREFIX_STRLEN];
	struct prefix pfx;

	if (len > sizeof(ann) && memcmp(line, ann, sizeof(ann) - 1) == 0)
		announce = true;
	else if (len > sizeof(wd) && memcmp(line, wd, sizeof(wd) - 1) == 0)
		announce = false;
	else
		return false;
	p = line + sizeof(ann) - 1;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL || (size_t)(sp - p) >= sizeof(pbuf))
		return false;
	memcpy(pbuf, p, (size_t)(sp - p));
	pbuf[sp - p] = '\0';
	if (prefix_parse(pbuf, &pfx) == -1)
		return false;
	if (announce) {
		struct api_fast_entry *e = fast_slot(c, pfx.afi, sp,
		    (size_t)(end - sp));

		if (e->attrs == NULL || e->afi != pfx.afi ||
		    e->len != (size_t)(end - sp) ||
		    memcmp(e->text, sp, e->len) != 0)
			return false;
		if (!fast_apply(d, c, e->fam, &pfx, e->path_id, e->attrs))
			return false;	/* let the general path explain */
	} else {
		/* a withdraw needs no attributes: any text after "next-hop
		 * ADDR" the general parser would accept is irrelevant, but
		 * only plain forms are taken here */
		if (sp + 1 < end && strncmp(sp + 1, "next-hop ", 9) != 0)
			return false;
		if (memchr(sp + 1, ' ', (size_t)(end - sp - 1)) !=
		    memrchr(sp + 1, ' ', (size_t)(end - sp - 1)))
			return false;
		/* ... with a next hop the general parser takes: it would
		 * refuse "next-hop 0.0.0." (found by fuzz_exec) */
		if (sp + 1 < end && !plain_next_hop(sp + 10, end))
			return false;
		if (!fast_apply(d, c, pfx.afi == BGP_AFI_IPV6 ?
		    FAM_IPV6_UNICAST : FAM_IPV4_UNICAST, &pfx, 0, NULL))
			return false;
	}
	answer(c, true);
	return true;
}

/* Remember what a simple "announce route" parsed to, for exec_fast. */
static void
fast_learn(struct daemon *d, struct api_client *c, const char *line,
    size_t len, const struct api_command *cmd)
{
	static const char ann[] = "announce route ";
	const struct cfg_route *r = &cmd->routes[0];
	struct api_fast_entry *e;
	const char *p, *sp;

	/* prefix families only: the cache keeps no RD or labels */
	if (cmd->verb != API_ANNOUNCE_ROUTE || cmd->sel.given ||
	    cmd->nroutes != 1 || r->watchdog != NULL || r->withdrawn ||
	    r->attrs.nexthop_self || len <= sizeof(ann) ||
	    !(nlri_family(r->fam)->flags & NLRI_F_PREFIX) ||
	    memcmp(line, ann, sizeof(ann) - 1) != 0)
		return;
	p = line + sizeof(ann) - 1;
	sp = memchr(p, ' ', len - (size_t)(p - line));
	if (sp == NULL)
		return;
	e = fast_slot(c, r->prefix.afi, sp, len - (size_t)(sp - line));
	fast_entry_clear(e);
	e->len = len - (size_t)(sp - line);
	e->text = xmalloc(e->len + 1);
	memcpy(e->text, sp, e->len);
	e->afi = r->prefix.afi;
	e->fam = r->fam;
	e->path_id = r->path_id;
	e->attrs = attrs_intern(d->attrs, &r->attrs);
}

/* Run one command line (no newline) from c. */
static void
api_exec_line(struct daemon *d, struct api_client *c, const char *line,
    size_t len)
{
	struct api_command cmd;
	char err[512], esc[LOG_ESCAPE_SIZE], esc_err[LOG_ESCAPE_SIZE];
	bool ok = true;
	unsigned req;

	if (exec_fast(d, c, line, len))
		return;
	if (api_parse(line, &cmd, err, sizeof(err)) == -1) {
		/* the line, and the error quoting it, are the client's text */
		log_warnx("%s: command '%s' refused: %s", c->name,
		    log_escape(line, len, esc, sizeof(esc)),
		    log_escape(err, strlen(err), esc_err, sizeof(esc_err)));
		/* evbgpctl quotes the command itself */
		why_add(c, NULL, esc_err);
		answer(c, false);
		return;
	}
	switch (cmd.verb) {
	case API_ANNOUNCE_ROUTE:
		ok = exec_routes(d, c, &cmd, true);
		if (ok)
			fast_learn(d, c, line, len, &cmd);
		break;
	case API_WITHDRAW_ROUTE:
		ok = exec_routes(d, c, &cmd, false);
		break;
	case API_ANNOUNCE_WATCHDOG:
		ok = exec_watchdog(d, c, &cmd, true);
		break;
	case API_WITHDRAW_WATCHDOG:
		ok = exec_watchdog(d, c, &cmd, false);
		break;
	case API_ANNOUNCE_EOR:
		ok = exec_eor(d, c, &cmd);
		break;
	case API_ANNOUNCE_ROUTE_REFRESH:
		ok = exec_route_refresh(d, c, &cmd);
		break;
	case API_FLUSH_ADJ_RIB_OUT:
		ok = exec_on_peers(d, c, &cmd, SCOPE_ESTABLISHED, do_flush, 0);
		break;
	case API_CLEAR_ADJ_RIB_OUT:
		ok = exec_on_peers(d, c, &cmd, SCOPE_ALL, do_clear_out, 0);
		break;
	case API_CLEAR_ADJ_RIB_IN:
		ok = exec_on_peers(d, c, &cmd, SCOPE_ALL, do_clear_in, 0);
		break;
	case API_TEARDOWN:
		ok = exec_teardown(d, c, &cmd);
		break;
	case API_SHOW_NEIGHBOR:
		if (cmd.json && cmd.show == API_SHOW_CONFIGURATION)
			api_show_configuration_json(d, c, &cmd);
		else if (cmd.json)
			api_show_neighbors_json(d, c, &cmd);
		else
			show_neighbors(d, c, &cmd);
		break;
	case API_SHOW_ADJ_RIB_IN:
		if (cmd.json)
			api_show_rib_json(d, c, &cmd, true);
		else
			show_rib(d, c, &cmd, true);
		break;
	case API_SHOW_ADJ_RIB_OUT:
		if (cmd.json)
			api_show_rib_json(d, c, &cmd, false);
		else
			show_rib(d, c, &cmd, false);
		break;
	case API_SHUTDOWN:
		reply(c, "shutdown in progress");
		api_command_free(&cmd);
		exec_request(d, c, DAEMON_SHUTDOWN, "shutdown command");
		return;
	case API_RELOAD:
	case API_RESTART:
		/* read allow-empty before the command is freed (it used to be
		 * read after, and was always false) */
		req = (cmd.verb == API_RELOAD ? DAEMON_RELOAD : DAEMON_RESTART) |
		    (cmd.allow_empty ? DAEMON_ALLOW_EMPTY : 0);
		reply(c, cmd.verb == API_RELOAD ? "reload in progress" :
		    "restart in progress");
		api_command_free(&cmd);
		exec_request(d, c, req, NULL);
		return;
	case API_VERSION:
		if (cmd.json)
			api_show_version_json(c, EXABGP_API_VERSION);
		else
			replyf(c, "exabgp %s (evbgpd %s)", EXABGP_API_VERSION,
			    EVBGP_VERSION);
		break;
	case API_HELP:
		if (cmd.json)
			api_show_help_json(c);
		else
			exec_help(c);
		break;
	case API_RESET:
		reply(c, "asynchronous queue cleared");
		break;
	case API_ENABLE_ACK:
		c->ack = API_ACK_ON;
		break;
	case API_DISABLE_ACK:
		/* answers this one, then stays silent */
		answer(c, true);
		c->ack = API_ACK_OFF;
		api_command_free(&cmd);
		return;
	case API_SILENCE_ACK:
		c->ack = API_ACK_OFF;
		api_command_free(&cmd);
		return;
	case API_PING:
		if (c->encoder == ENCODER_JSON || cmd.json)
			replyf(c, "{ \"pong\": \"%s\", \"active\": true }",
			    d->uuid);
		else
			replyf(c, "pong %s active=true", d->uuid);
		break;
	case API_STATUS:
		exec_status(d, c, cmd.json);
		break;
	case API_CREATE_NEIGHBOR:
		ok = exec_create(d, c, &cmd);
		break;
	case API_DELETE_NEIGHBOR:
		ok = exec_delete(d, c, &cmd);
		break;
	case API_COMMENT:
		if (cmd.text != NULL && cmd.text[0] != '\0')
			log_info("%s: %s", c->name, log_escape(cmd.text,
			    strlen(cmd.text), esc, sizeof(esc)));
		break;
	case API_NONE:
	case API_VERB_MAX:
		ok = false;
		break;
	}
	if (!ok && c->nwhy == 0) {
		log_warnx("%s: command failed: %s", c->name,
		    log_escape(line, len, esc, sizeof(esc)));
		why_add(c, NULL, "the command failed");
	}
	answer(c, ok);
	api_command_free(&cmd);
}

/* ---- the line handler: one struct api_client per line_client ---- */

static void
handler_line(void *arg, struct line_client *lc, const char *line, size_t len)
{
	struct daemon *d = arg;
	struct api_client *c = lc->state;

	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", lc->name);
		c->helper = lc->helper;
		/* a helper starts with the configured ack setting */
		c->ack = !lc->helper || d->env.api_ack ? API_ACK_ON :
		    API_ACK_OFF;
		c->reply = lc->reply;
		c->ctx = lc->ctx;
		lc->state = c;
	}
	c->encoder = lc->encoder;
	c->lc = lc;
	c->d = d;
	if (memchr(line, '\0', len) != NULL) {
		char esc[LOG_ESCAPE_SIZE];

		/* the parser sees C strings: "announce ...\0garbage" must
		 * not run as "announce ..." */
		why_reset(c);
		log_warnx("%s: command with a NUL byte refused: %s", c->name,
		    log_escape(line, len, esc, sizeof(esc)));
		why_add(c, NULL, "command with a NUL byte refused");
		answer(c, false);
		return;
	}
	why_reset(c);
	api_exec_line(d, c, line, len);
}

static void
handler_release(void *arg, struct line_client *lc)
{
	struct daemon *d = arg;
	struct api_client *c = lc->state;

	if (c == NULL)
		return;
	/* a client gone while waiting is told nothing */
	daemon_forget_waiter(d, c);
	api_client_reset(c);
	sbuf_free(&c->why);
	free(c);
	lc->state = NULL;
}

void
api_exec_handler(struct daemon *d, struct line_handler *lh)
{
	lh->line = handler_line;
	lh->release = handler_release;
	lh->arg = d;
}
