/*
 * JSON answers of the show commands (see show_json.h).
 *
 * Every value goes through json-c, so peer- or configuration-provided
 * text (descriptions) is escaped by one writer. The array is built as a
 * string one element at a time, so a large Adj-RIB is never held as a
 * tree of json objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "evbgp/api.h"
#include "evbgp/event_encode.h"
#include "evbgp/api_exec.h"
#include "evbgp/show_json.h"
#include "evbgp/attrs.h"
#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/peer.h"
#include "evbgp/util.h"

/* ---- which peers (the same rules as the text show commands) ---- */

static uint32_t
show_json_router_id(const struct peer *p)
{
	if (p->cfg->router_id != 0)
		return p->cfg->router_id;
	return addr_to_u32(&p->cfg->local_addr);
}

static bool
show_json_wanted(const struct api_command *cmd, const struct peer *p)
{
	if (cmd->has_filter && !addr_equal(&cmd->filter, &p->remote))
		return false;
	char session[API_SESSION_NAME_MAX];

	if (!cmd->sel.given)
		return true;
	api_session_name(p->cfg->families, p->cfg->cap_multi_session,
	    session, sizeof(session));
	for (size_t i = 0; i < cmd->sel.n; i++)
		if (api_match_peer(&cmd->sel.v[i], &p->remote, &p->local_now,
		    p->cfg->local_as, p->cfg->peer_as,
		    show_json_router_id(p), session))
			return true;
	return false;
}

/* ---- array writer ---- */

struct show_json_array {
	struct sbuf	 buf;
	size_t		 n;
};

static void
show_json_array_begin(struct show_json_array *a)
{
	sbuf_init(&a->buf);
	sbuf_addc(&a->buf, '[');
	a->n = 0;
}

/* Append o (consumed) as the next element. */
static void
show_json_array_add(struct show_json_array *a, json_object *o)
{
	if (a->n++ > 0)
		sbuf_addc(&a->buf, ',');
	sbuf_adds(&a->buf, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Close the array and send it as one line. */
static void
show_json_array_end(struct show_json_array *a, struct api_client *c)
{
	sbuf_adds(&a->buf, "]\n");
	c->reply(c->ctx, a->buf.p, a->buf.len);
	sbuf_free(&a->buf);
}

/* ---- small values ---- */

static void
show_json_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void
show_json_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void
show_json_addr(json_object *o, const char *key, const struct bgp_addr *a)
{
	char buf[ADDR_STRLEN];

	show_json_str(o, key, addr_fmt(a, buf));
}

static void
show_json_ipv4(json_object *o, const char *key, uint32_t v)
{
	struct bgp_addr a;

	addr_from_u32(&a, v);
	show_json_addr(o, key, &a);
}

static void
show_json_family(char *buf, size_t len, enum family_id fam)
{
	snprintf(buf, len, "%s %s", family_afi_name(fam),
	    family_safi_name(fam));
}

/* ---- show neighbor ---- */

static const char *
show_json_state(enum fsm_state s)
{
	static const char *const words[ST_MAX] = {
		[ST_IDLE] = "idle", [ST_CONNECT] = "connect",
		[ST_ACTIVE] = "active", [ST_OPENSENT] = "opensent",
		[ST_OPENCONFIRM] = "openconfirm",
		[ST_ESTABLISHED] = "established",
	};

	return s < ST_MAX && words[s] != NULL ? words[s] : "unknown";
}

static json_object *
show_json_counters(const uint64_t v[BGP_MSG_TYPE_COUNT])
{
	json_object *o = json_object_new_object();

	for (uint8_t t = 1; t < BGP_MSG_TYPE_COUNT; t++)
		show_json_u64(o, msg_type_name(t), v[t]);
	return o;
}

static json_object *
show_json_families(famset_t set)
{
	json_object *a = json_object_new_array();
	char name[48];

	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(set, f))
			continue;
		show_json_family(name, sizeof(name), (enum family_id)f);
		json_object_array_add(a, json_object_new_string(name));
	}
	return a;
}

/* Routes in UPDATEs, sent and received, since the peer began. */
static json_object *
show_json_prefixes(const struct peer *p)
{
	json_object *o = json_object_new_object(), *x;
	uint64_t ann, wd;

	peer_routes_sent(p, &ann, &wd);
	x = json_object_new_object();
	show_json_u64(x, "announced", ann);
	show_json_u64(x, "withdrawn", wd);
	json_object_object_add(o, "sent", x);
	x = json_object_new_object();
	show_json_u64(x, "announced", p->hist.prefixes_recv);
	show_json_u64(x, "withdrawn", p->hist.withdrawn_recv);
	json_object_object_add(o, "received", x);
	return o;
}

/* The Adj-RIB-Out backlog and how far what was sent has gone. */
static json_object *
show_json_progress(const struct peer *p)
{
	json_object *o = json_object_new_object();
	struct peer_out_progress pr;

	peer_out_progress(p, &pr);
	show_json_u64(o, "routes", adj_rib_count(p->rib_out));
	show_json_u64(o, "queued", pr.queued);
	show_json_u64(o, "sent", pr.sent);
	show_json_u64(o, "acknowledged", pr.acked);
	show_json_u64(o, "buffered-bytes", pr.buffered);
	show_json_u64(o, "unacked-bytes", pr.unacked);
	/* the update group it shares the table with (evbgpd(8)) */
	show_json_u64(o, "update-group-members", ug_members(p));
	return o;
}

static json_object *
show_json_capset(const struct bgp_caps *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "asn4", json_object_new_boolean(c->asn4));
	json_object_object_add(o, "route-refresh",
	    json_object_new_boolean(c->route_refresh));
	json_object_object_add(o, "enhanced-route-refresh",
	    json_object_new_boolean(c->enhanced_rr));
	json_object_object_add(o, "extended-message",
	    json_object_new_boolean(c->ext_message));
	json_object_object_add(o, "graceful-restart",
	    json_object_new_boolean(c->gr));
	json_object_object_add(o, "families", show_json_families(c->mp));
	return o;
}

/* What we offer; with a session, what the peer offered and what both
 * use. */
static json_object *
show_json_caps(const struct peer *p)
{
	json_object *o = json_object_new_object(), *n;
	bool est = peer_state(p) == ST_ESTABLISHED;

	if (p->open_local.version != 0)
		json_object_object_add(o, "local",
		    show_json_capset(&p->open_local.caps));
	if (!est)
		return o;
	json_object_object_add(o, "peer",
	    show_json_capset(&p->open_peer.caps));
	n = json_object_new_object();
	json_object_object_add(n, "asn4", json_object_new_boolean(p->neg.asn4));
	json_object_object_add(n, "route-refresh",
	    json_object_new_boolean(p->neg.route_refresh));
	json_object_object_add(n, "enhanced-route-refresh",
	    json_object_new_boolean(p->neg.enhanced_rr));
	show_json_u64(n, "max-message", p->neg.max_msg);
	show_json_u64(n, "hold-time", p->neg.hold_time);
	json_object_object_add(n, "families",
	    show_json_families(p->neg.families));
	json_object_object_add(o, "negotiated", n);
	return o;
}

static json_object *
show_json_neighbor(const struct peer *p)
{
	json_object *o = json_object_new_object(), *m;
	enum fsm_state st = peer_state(p);
	double now = mono_now();

	show_json_addr(o, "peer-address", &p->remote);
	show_json_addr(o, "local-address", p->local_now.afi != 0 ?
	    &p->local_now : &p->cfg->local_addr);
	show_json_u64(o, "local-as", p->cfg->local_as);
	show_json_u64(o, "peer-as", p->peer_as != 0 ? p->peer_as :
	    p->cfg->peer_as);
	/* the id we send (the configured one before the first OPEN) */
	show_json_ipv4(o, "router-id", p->open_local.bgp_id != 0 ?
	    p->open_local.bgp_id : show_json_router_id(p));
	if (peer_state(p) == ST_ESTABLISHED)
		show_json_ipv4(o, "peer-router-id", p->open_peer.bgp_id);
	show_json_u64(o, "hold-time", p->cfg->hold_time);
	show_json_str(o, "state", show_json_state(st));
	/* the time in the state the peer is in: a peer that is down never
	 * claims to be up */
	show_json_u64(o, st == ST_ESTABLISHED ? "up-for-seconds" :
	    "down-for-seconds", (uint64_t)peer_up_down_for(p));
	show_json_u64(o, "state-for-seconds",
	    (uint64_t)(now - p->hist.state_since));
	show_json_u64(o, "flaps", p->hist.flaps);
	if (p->hist.last_error[0] != '\0') {
		m = json_object_new_object();
		show_json_str(m, "error", p->hist.last_error);
		show_json_u64(m, "seconds-ago",
		    (uint64_t)(now - p->hist.last_error_at));
		json_object_object_add(o, "last-error", m);
	} else
		json_object_object_add(o, "last-error", NULL);
	if (p->cfg->description != NULL)
		show_json_str(o, "description", p->cfg->description);
	m = json_object_new_object();
	json_object_object_add(m, "sent", show_json_counters(p->stats.sent));
	json_object_object_add(m, "received",
	    show_json_counters(p->stats.recv));
	json_object_object_add(o, "messages", m);
	show_json_u64(o, "routes-out", adj_rib_count(p->rib_out));
	/* routes an UPDATE of this session cannot hold: not sent */
	show_json_u64(o, "routes-out-too-large", adj_rib_toobig(p->rib_out));
	show_json_u64(o, "routes-out-too-large-seen",
	    adj_rib_toobig_total(p->rib_out));
	show_json_u64(o, "routes-in", p->rib_in != NULL ?
	    adj_rib_count(p->rib_in) : 0);
	json_object_object_add(o, "families",
	    show_json_families(p->cfg->families));
	json_object_object_add(o, "prefixes", show_json_prefixes(p));
	json_object_object_add(o, "adj-rib-out", show_json_progress(p));
	json_object_object_add(o, "capabilities", show_json_caps(p));
	return o;
}

void
api_show_neighbors_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct show_json_array a;

	show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++)
		if (show_json_wanted(cmd, d->peers[i]))
			show_json_array_add(&a,
			    show_json_neighbor(d->peers[i]));
	show_json_array_end(&a, c);
}

/* ---- show adj-rib ---- */

/* Does a carry the community of the lookup? */
static bool
lookup_attrs_ok(void *arg, const struct attr_set *s)
{
	const struct api_rib_lookup *l = arg;
	struct attrs view;
	const struct attrs *a = attrs_view(s, &view);

	switch (l->comm_kind) {
	case API_COMM_NONE:
		return true;
	case API_COMM_STD:
		for (size_t i = 0; i < a->ncomms; i++)
			if (a->comms[i] == l->comm)
				return true;
		return false;
	case API_COMM_LARGE:
		for (size_t i = 0; i < a->nlcomms; i++)
			if (a->lcomms[i].global == l->lcomm[0] &&
			    a->lcomms[i].local1 == l->lcomm[1] &&
			    a->lcomms[i].local2 == l->lcomm[2])
				return true;
		return false;
	case API_COMM_EXT:
		for (size_t i = 0; i < a->necomms; i++)
			if (a->ecomms[i] == l->ecomm)
				return true;
		return false;
	}
	return false;
}

size_t
api_show_rib_select(const struct adj_rib *rib, const struct api_command *cmd,
    adj_rib_visit_fn *fn, void *arg)
{
	const struct api_rib_lookup *l = &cmd->lookup;
	struct rib_query q;

	memset(&q, 0, sizeof(q));
	q.fams = l->fam >= 0 ? FAMSET(l->fam) : FAMSET_ALL;
	q.has_prefix = l->has_prefix;
	q.prefix = l->prefix;
	q.match = l->match == API_LOOKUP_LONGEST ? RIB_MATCH_LONGEST :
	    l->match == API_LOOKUP_ALL ? RIB_MATCH_MORE : RIB_MATCH_EXACT;
	q.rd = l->has_rd ? l->rd : NULL;
	if (l->comm_kind != API_COMM_NONE) {
		q.attrs_ok = lookup_attrs_ok;
		q.attrs_arg = (void *)(uintptr_t)l;
	}
	return adj_rib_query(rib, &q, fn, arg);
}

struct show_json_rib {
	struct show_json_array *arr;
	const char	*peer;
};

/*
 * One route as text (a large Adj-RIB costs no json-c object per route):
 * the attributes are the "attribute" object of the events, with the
 * next hop.
 */
static void
show_json_route(void *arg, const struct nlri *n, const struct attr_set *s)
{
	struct show_json_rib *rs = arg;
	struct attrs view;
	const struct attrs *a = attrs_view(s, &view);
	struct sbuf *o = &rs->arr->buf;
	char buf[PREFIX_STRLEN];
	struct prefix p;

	if (rs->arr->n++ > 0)
		sbuf_addc(o, ',');
	sbuf_adds(o, "{\"neighbor\":\"");
	event_json_escape(o, (const uint8_t *)rs->peer, strlen(rs->peer));
	sbuf_printf(o, "\",\"family\":\"%s %s\",", family_afi_name(n->fam),
	    family_safi_name(n->fam));
	if (nlri_prefix(n, &p))
		sbuf_printf(o, "\"prefix\":\"%s\",", prefix_fmt(&p, buf));
	nlri_json(o, n, n->path_id != 0, NULL);
	sbuf_adds(o, ",\"attributes\":");
	bgp_attr_json(o, a, true);
	sbuf_addc(o, '}');
}

void
api_show_rib_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, bool in)
{
	struct show_json_array a;

	show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		struct show_json_rib rs = { &a, p->name };
		const struct adj_rib *rib = in ? p->rib_in : p->rib_out;
		size_t n;

		if (!show_json_wanted(cmd, p))
			continue;
		if (!cmd->lookup.count) {
			if (rib != NULL)
				(void)api_show_rib_select(rib, cmd,
				    show_json_route, &rs);
			continue;
		}
		/* count: one object per neighbor, a neighbor without an
		 * Adj-RIB-In counting 0 */
		n = rib != NULL ? api_show_rib_select(rib, cmd, NULL, NULL) : 0;
		if (a.n++ > 0)
			sbuf_addc(&a.buf, ',');
		sbuf_adds(&a.buf, "{\"neighbor\":\"");
		event_json_escape(&a.buf, (const uint8_t *)p->name,
		    strlen(p->name));
		sbuf_printf(&a.buf, "\",\"count\":%zu}", n);
	}
	show_json_array_end(&a, c);
}

/* ---- show neighbor configuration, status, version, help ---- */

void
api_show_configuration_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct show_json_array a;

	show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		json_object *o;
		char *text;

		if (!show_json_wanted(cmd, p))
			continue;
		o = json_object_new_object();
		show_json_addr(o, "peer-address", &p->remote);
		text = config_neighbor_string(p->cfg);
		show_json_str(o, "configuration", text);
		free(text);
		show_json_array_add(&a, o);
	}
	show_json_array_end(&a, c);
}

/* Send o (consumed) as one line. */
static void
show_json_send(struct api_client *c, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN);

	c->reply(c->ctx, s, strlen(s));
	c->reply(c->ctx, "\n", 1);
	json_object_put(o);
}

/* KEY-ms (one decimal) and KEY: "peer 192.0.2.1 pack" ("" for none) */
static void
show_json_callback(json_object *o, const char *key, const struct lw_stall *s)
{
	char name[64], ms[32], what[LW_WHO_LEN + 32];

	snprintf(name, sizeof(name), "%s-ms", key);
	snprintf(ms, sizeof(ms), "%.1f", s->secs * 1000);
	json_object_object_add(o, name, json_object_new_double_s(s->secs * 1000,
	    ms));
	show_json_str(o, key, loop_watch_describe(s, what, sizeof(what)));
}

void
api_show_status_json(struct api_client *c, const struct api_status *st)
{
	json_object *o = json_object_new_object();
	json_object *peers = json_object_new_object();
	char late[32];

	/* ExaBGP main's keys (reactor/api/command/reactor.py status) */
	show_json_str(o, "version", st->version);
	show_json_str(o, "uuid", st->uuid);
	show_json_u64(o, "pid", (uint64_t)st->pid);
	show_json_u64(o, "uptime", (uint64_t)st->uptime);
	json_object_object_add(o, "start_time",
	    json_object_new_double(st->start_time));
	for (size_t i = 0; i < st->neighbors; i++)
		show_json_str(peers, st->peers[i].name,
		    st->peers[i].state);
	json_object_object_add(o, "peers", peers);
	/* evbgpd's own */
	show_json_str(o, "evbgpd", EVBGP_VERSION);
	show_json_u64(o, "neighbors", st->neighbors);
	show_json_u64(o, "established", st->established);
	show_json_u64(o, "adj-rib-out-routes", st->routes_out);
	show_json_u64(o, "attribute-sets", st->attribute_sets);
	show_json_u64(o, "update-groups", st->update_groups);
	show_json_u64(o, "helpers", st->helpers);
	/* the text form's precision, not a binary fraction's 17 digits */
	snprintf(late, sizeof(late), "%.1f", st->max_late_ms);
	json_object_object_add(o, "event-loop-longest-timer-delay-ms",
	    json_object_new_double_s(st->max_late_ms, late));
	show_json_callback(o, "event-loop-longest-callback",
	    &st->longest_callback);
	show_json_callback(o, "event-loop-recent-longest-callback",
	    &st->recent_callback);
	show_json_send(c, o);
}

void
api_show_version_json(struct api_client *c, const char *exabgp)
{
	json_object *o = json_object_new_object();

	show_json_str(o, "exabgp", exabgp);
	show_json_str(o, "evbgpd", EVBGP_VERSION);
	show_json_send(c, o);
}

void
api_show_help_json(struct api_client *c)
{
	json_object *o = json_object_new_array();

	for (const char *const *l = api_help_lines(); *l != NULL; l++)
		json_object_array_add(o, json_object_new_string(*l));
	show_json_send(c, o);
}
