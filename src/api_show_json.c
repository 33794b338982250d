/*
 * JSON answers of the show commands (see api_show_json.h).
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
#include "evbgp/api_exec.h"
#include "evbgp/api_show_json.h"
#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/daemon.h"
#include "evbgp/peer.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

/* ---- which peers (the same rules as the text show commands) ---- */

static uint32_t
api_show_json_router_id(const struct peer *p)
{
	if (p->cfg->router_id != 0)
		return p->cfg->router_id;
	return addr_to_u32(&p->cfg->local_addr);
}

static bool
api_show_json_wanted(const struct api_command *cmd, const struct peer *p)
{
	if (cmd->has_filter && !addr_equal(&cmd->filter, &p->remote))
		return false;
	if (!cmd->sel.given)
		return true;
	for (size_t i = 0; i < cmd->sel.n; i++)
		if (api_match_peer(&cmd->sel.v[i], &p->remote, &p->local_now,
		    p->cfg->local_as, p->cfg->peer_as,
		    api_show_json_router_id(p)))
			return true;
	return false;
}

/* ---- array writer ---- */

struct api_show_json_array {
	struct sbuf	 buf;
	size_t		 n;
};

static void
api_show_json_array_begin(struct api_show_json_array *a)
{
	sbuf_init(&a->buf);
	sbuf_addc(&a->buf, '[');
	a->n = 0;
}

/* Append o (consumed) as the next element. */
static void
api_show_json_array_add(struct api_show_json_array *a, json_object *o)
{
	if (a->n++ > 0)
		sbuf_addc(&a->buf, ',');
	sbuf_adds(&a->buf, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Close the array and send it as one line. */
static void
api_show_json_array_end(struct api_show_json_array *a, struct api_client *c)
{
	sbuf_adds(&a->buf, "]\n");
	c->reply(c->ctx, a->buf.p, a->buf.len);
	sbuf_free(&a->buf);
}

/* ---- small values ---- */

static void
api_show_json_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void
api_show_json_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void
api_show_json_addr(json_object *o, const char *key, const struct bgp_addr *a)
{
	char buf[ADDR_STRLEN];

	api_show_json_str(o, key, addr_fmt(a, buf));
}

static void
api_show_json_ipv4(json_object *o, const char *key, uint32_t v)
{
	struct bgp_addr a;

	addr_from_u32(&a, v);
	api_show_json_addr(o, key, &a);
}

static void
api_show_json_family(char *buf, size_t len, enum family_id fam)
{
	snprintf(buf, len, "%s %s", family_afi_name(fam),
	    family_safi_name(fam));
}

/* ---- show neighbor ---- */

static const char *
api_show_json_state(enum fsm_state s)
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
api_show_json_counters(const uint64_t v[6])
{
	static const char *const names[6] = { NULL, "open", "update",
		"notification", "keepalive", "refresh" };
	json_object *o = json_object_new_object();

	for (int t = 1; t < 6; t++)
		api_show_json_u64(o, names[t], v[t]);
	return o;
}

static json_object *
api_show_json_families(famset_t set)
{
	json_object *a = json_object_new_array();
	char name[48];

	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(set, f))
			continue;
		api_show_json_family(name, sizeof(name), (enum family_id)f);
		json_object_array_add(a, json_object_new_string(name));
	}
	return a;
}

static json_object *
api_show_json_neighbor(const struct peer *p)
{
	json_object *o = json_object_new_object(), *m;
	enum fsm_state st = peer_state(p);
	double now = mono_now();

	api_show_json_addr(o, "peer-address", &p->remote);
	api_show_json_addr(o, "local-address", p->local_now.afi != 0 ?
	    &p->local_now : &p->cfg->local_addr);
	api_show_json_u64(o, "local-as", p->cfg->local_as);
	api_show_json_u64(o, "peer-as", p->peer_as != 0 ? p->peer_as :
	    p->cfg->peer_as);
	api_show_json_ipv4(o, "router-id", api_show_json_router_id(p));
	api_show_json_u64(o, "hold-time", p->cfg->hold_time);
	api_show_json_str(o, "state", api_show_json_state(st));
	if (st == ST_ESTABLISHED && p->established_at > 0)
		api_show_json_u64(o, "up-for-seconds",
		    (uint64_t)(now - p->established_at));
	else if (p->down_at > 0)
		api_show_json_u64(o, "down-for-seconds",
		    (uint64_t)(now - p->down_at));
	if (p->cfg->description != NULL)
		api_show_json_str(o, "description", p->cfg->description);
	m = json_object_new_object();
	json_object_object_add(m, "sent", api_show_json_counters(p->stats.sent));
	json_object_object_add(m, "received",
	    api_show_json_counters(p->stats.recv));
	json_object_object_add(o, "messages", m);
	api_show_json_u64(o, "routes-out", rib_out_count(p->ro));
	/* routes an UPDATE of this session cannot hold: not sent */
	api_show_json_u64(o, "routes-out-too-large", rib_out_toobig(p->ro));
	api_show_json_u64(o, "routes-out-too-large-seen",
	    rib_out_toobig_total(p->ro));
	api_show_json_u64(o, "routes-in", p->rib_in != NULL ?
	    rib_out_count(p->rib_in) : 0);
	json_object_object_add(o, "families",
	    api_show_json_families(p->cfg->families));
	return o;
}

void
api_show_neighbors_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct api_show_json_array a;

	api_show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++)
		if (api_show_json_wanted(cmd, d->peers[i]))
			api_show_json_array_add(&a,
			    api_show_json_neighbor(d->peers[i]));
	api_show_json_array_end(&a, c);
}

/* ---- show adj-rib ---- */

static const char *
api_show_json_origin(uint8_t origin)
{
	switch (origin) {
	case BGP_ORIGIN_IGP:
		return "igp";
	case BGP_ORIGIN_EGP:
		return "egp";
	case BGP_ORIGIN_INCOMPLETE:
		return "incomplete";
	default:
		return "unknown";
	}
}

/* Sequences flattened, sets (and confederation sets) as nested arrays. */
static json_object *
api_show_json_aspath(const uint8_t *segs, size_t len)
{
	json_object *path = json_object_new_array();
	const uint8_t *asns;
	uint8_t type, count;
	size_t off = 0;

	while (attrs_aspath_next(segs, len, &off, &type, &asns, &count) == 0) {
		bool set = type == BGP_ASPATH_SET ||
		    type == BGP_ASPATH_CONFED_SET;
		json_object *to = set ? json_object_new_array() : path;

		for (uint8_t i = 0; i < count; i++) {
			const uint8_t *b = asns + 4 * (size_t)i;
			uint32_t asn = (uint32_t)b[0] << 24 |
			    (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];

			json_object_array_add(to, json_object_new_uint64(asn));
		}
		if (set)
			json_object_array_add(path, to);
	}
	return path;
}

static json_object *
api_show_json_communities(const struct attrs *a)
{
	json_object *v = json_object_new_array();
	char buf[32];

	for (size_t i = 0; i < a->ncomms; i++) {
		snprintf(buf, sizeof(buf), "%u:%u", a->comms[i] >> 16,
		    a->comms[i] & 0xffff);
		json_object_array_add(v, json_object_new_string(buf));
	}
	return v;
}

static json_object *
api_show_json_ext_communities(const struct attrs *a)
{
	json_object *v = json_object_new_array();
	char buf[128];

	for (size_t i = 0; i < a->necomms; i++) {
		ext_community_format(a->ecomms[i], buf, sizeof(buf));
		json_object_array_add(v, json_object_new_string(buf));
	}
	return v;
}

static json_object *
api_show_json_large_communities(const struct attrs *a)
{
	json_object *v = json_object_new_array();
	char buf[48];

	for (size_t i = 0; i < a->nlcomms; i++) {
		snprintf(buf, sizeof(buf), "%u:%u:%u", a->lcomms[i].global,
		    a->lcomms[i].local1, a->lcomms[i].local2);
		json_object_array_add(v, json_object_new_string(buf));
	}
	return v;
}

static json_object *
api_show_json_clusters(const struct attrs *a)
{
	json_object *v = json_object_new_array();
	char buf[ADDR_STRLEN];
	struct bgp_addr id;

	for (size_t i = 0; i < a->nclusters; i++) {
		addr_from_u32(&id, a->clusters[i]);
		json_object_array_add(v,
		    json_object_new_string(addr_fmt(&id, buf)));
	}
	return v;
}

static void
api_show_json_raws(json_object *o, const struct attrs *a)
{
	for (size_t i = 0; i < a->nraws; i++) {
		const struct attr_raw *r = &a->raws[i];
		char key[24], *hex = xmalloc(2 * (size_t)r->len + 3);

		snprintf(key, sizeof(key), "attribute-0x%02X", r->code);
		memcpy(hex, "0x", 2);
		hex_encode(r->data, r->len, hex + 2);
		api_show_json_str(o, key, hex);
		free(hex);
	}
}

static void
api_show_json_aggregator(json_object *o, const struct attrs *a)
{
	struct bgp_addr id;
	char buf[ADDR_STRLEN + 16], ip[ADDR_STRLEN];

	addr_from_u32(&id, a->aggregator_id);
	snprintf(buf, sizeof(buf), "%u:%s", a->aggregator_as,
	    addr_fmt(&id, ip));
	api_show_json_str(o, "aggregator", buf);
}

static json_object *
api_show_json_attrs(const struct attrs *a)
{
	json_object *o = json_object_new_object();

	if (a->nexthop_self)
		api_show_json_str(o, "next-hop", "self");
	else if (a->has & ATTR_HAS_NEXT_HOP)
		api_show_json_addr(o, "next-hop", &a->nexthop);
	if (a->has & ATTR_HAS_ORIGIN)
		api_show_json_str(o, "origin", api_show_json_origin(a->origin));
	if (a->has & ATTR_HAS_AS_PATH)
		json_object_object_add(o, "as-path",
		    api_show_json_aspath(a->aspath, a->aspath_len));
	if (a->has & ATTR_HAS_MED)
		api_show_json_u64(o, "med", a->med);
	if (a->has & ATTR_HAS_LOCAL_PREF)
		api_show_json_u64(o, "local-preference", a->local_pref);
	if (a->has & ATTR_HAS_ATOMIC_AGGR)
		json_object_object_add(o, "atomic-aggregate",
		    json_object_new_boolean(1));
	if (a->has & ATTR_HAS_AGGREGATOR)
		api_show_json_aggregator(o, a);
	if (a->ncomms > 0)
		json_object_object_add(o, "community",
		    api_show_json_communities(a));
	if (a->necomms > 0)
		json_object_object_add(o, "extended-community",
		    api_show_json_ext_communities(a));
	if (a->nlcomms > 0)
		json_object_object_add(o, "large-community",
		    api_show_json_large_communities(a));
	if (a->has & ATTR_HAS_ORIGINATOR_ID)
		api_show_json_ipv4(o, "originator-id", a->originator_id);
	if (a->nclusters > 0)
		json_object_object_add(o, "cluster-list",
		    api_show_json_clusters(a));
	if (a->has & ATTR_HAS_AIGP)
		api_show_json_u64(o, "aigp", a->aigp);
	api_show_json_raws(o, a);
	return o;
}

struct api_show_json_rib {
	struct api_show_json_array *arr;
	const char	*peer;
};

static void
api_show_json_route(void *arg, enum family_id fam, const struct prefix *pfx,
    uint32_t path_id, const struct attrs *a)
{
	struct api_show_json_rib *rs = arg;
	json_object *o = json_object_new_object();
	char buf[PREFIX_STRLEN];

	api_show_json_str(o, "neighbor", rs->peer);
	api_show_json_family(buf, sizeof(buf), fam);
	api_show_json_str(o, "family", buf);
	api_show_json_str(o, "prefix", prefix_fmt(pfx, buf));
	if (path_id != 0)
		api_show_json_ipv4(o, "path-information", path_id);
	json_object_object_add(o, "attributes", api_show_json_attrs(a));
	api_show_json_array_add(rs->arr, o);
}

void
api_show_rib_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd, bool in)
{
	struct api_show_json_array a;

	api_show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		struct api_show_json_rib rs = { &a, p->name };
		const struct rib_out *rib = in ? p->rib_in : p->ro;

		if (rib != NULL && api_show_json_wanted(cmd, p))
			rib_out_foreach(rib, api_show_json_route, &rs);
	}
	api_show_json_array_end(&a, c);
}

/* ---- show neighbor configuration, status, version, help ---- */

void
api_show_configuration_json(struct daemon *d, struct api_client *c,
    const struct api_command *cmd)
{
	struct api_show_json_array a;

	api_show_json_array_begin(&a);
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		json_object *o;
		char *text;

		if (!api_show_json_wanted(cmd, p))
			continue;
		o = json_object_new_object();
		api_show_json_addr(o, "peer-address", &p->remote);
		text = config_neighbor_string(p->cfg);
		api_show_json_str(o, "configuration", text);
		free(text);
		api_show_json_array_add(&a, o);
	}
	api_show_json_array_end(&a, c);
}

/* Send o (consumed) as one line. */
static void
api_show_json_send(struct api_client *c, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN);

	c->reply(c->ctx, s, strlen(s));
	c->reply(c->ctx, "\n", 1);
	json_object_put(o);
}

void
api_show_status_json(struct api_client *c, const struct api_status *st)
{
	json_object *o = json_object_new_object();
	char late[32];

	api_show_json_str(o, "evbgpd", EVBGP_VERSION);
	api_show_json_u64(o, "pid", (uint64_t)st->pid);
	api_show_json_u64(o, "neighbors", st->neighbors);
	api_show_json_u64(o, "established", st->established);
	api_show_json_u64(o, "adj-rib-out-routes", st->routes_out);
	api_show_json_u64(o, "attribute-sets", st->attribute_sets);
	api_show_json_u64(o, "helpers", st->helpers);
	/* the text form's precision, not a binary fraction's 17 digits */
	snprintf(late, sizeof(late), "%.1f", st->max_late_ms);
	json_object_object_add(o, "event-loop-longest-timer-delay-ms",
	    json_object_new_double_s(st->max_late_ms, late));
	api_show_json_send(c, o);
}

void
api_show_version_json(struct api_client *c, const char *exabgp)
{
	json_object *o = json_object_new_object();

	api_show_json_str(o, "exabgp", exabgp);
	api_show_json_str(o, "evbgpd", EVBGP_VERSION);
	api_show_json_send(c, o);
}

void
api_show_help_json(struct api_client *c)
{
	json_object *o = json_object_new_array();

	for (const char *const *l = api_help_lines(); *l != NULL; l++)
		json_object_array_add(o, json_object_new_string(*l));
	api_show_json_send(c, o);
}
