/*
 * Update groups (issue 13 point 1) over bufferevent pairs: peers with the
 * same view share one table and one log of UPDATEs; each far end keeps
 * what it was sent in a table of its own, compared at the end with what
 * the group wants (routes and MEDs, withdrawals included). Join, leave,
 * a slow member (the others keep flowing, it catches up exactly), a
 * member re-establishing (a full replay, the others undisturbed), splits
 * by an API selection and by a negotiated encoding, and the hostile
 * cases: a member that never reads keeps memory bounded, a member
 * flapping 100 times does not disturb the others.
 */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/msg.h"
#include "evbgp/peer.h"
#include "evbgp/update.h"
#include "evbgp/update_group.h"
#include "evbgp/util.h"
#include "testlib.h"

#define NMAX	4

#define NEIGHBOR(addr)							\
    "neighbor " addr " {\n"						\
    "	router-id 10.0.0.1;\n"						\
    "	local-address 127.0.0.1;\n"					\
    "	local-as 65001;\n"						\
    "	peer-as 65002;\n"						\
    "	hold-time 30;\n"						\
    "	family { ipv4 unicast; ipv6 unicast; }\n"			\
    "	static {\n"							\
    "		route 10.9.0.0/24 next-hop 192.0.2.1 med 7;\n"		\
    "		route 2001:db8::/32 next-hop 2001:db8::1 med 7;\n"	\
    "	}\n"								\
    "}\n"

static const char conf4[] = NEIGHBOR("127.0.0.2") NEIGHBOR("127.0.0.3")
    NEIGHBOR("127.0.0.4") NEIGHBOR("127.0.0.5");

struct member {
	struct peer	*p;
	struct bufferevent *remote;
	struct adj_rib	*got;		/* what the far end holds */
	famset_t	 fams;		/* offered in its OPEN */
	uint64_t	 updates;	/* UPDATEs it read */
	uint64_t	 eors;		/* of them, End-of-RIBs */
	uint64_t	 routes;	/* routes announced in them */
	bool		 reads;		/* the far end reads */
};

struct gh {
	struct event_base *base;
	struct attr_table *attrs;
	uint8_t		 rxbuf[PEER_RXBUF_LEN];
	bool		 stopping;
	struct peer_env	 env;
	struct config	*cfg;
	struct member	 m[NMAX];
	size_t		 n;
};

static void
nop_state(void *arg, struct peer *p, enum peer_change what, const char *r)
{
}

static void
nop_message(void *arg, struct peer *p, enum peer_dir dir, const uint8_t *msg,
    size_t len, const struct update_msg *upd)
{
}

static bool
yes_rx_ready(void *arg, struct peer *p)
{
	return true;
}

static void
nop_closing(void *arg, bool done)
{
}

static const struct peer_ops nop_ops = {
	.state = nop_state,
	.message = nop_message,
	.rx_ready = yes_rx_ready,
	.closing = nop_closing,
};

static void
member_connect(struct gh *h, struct member *m)
{
	struct bufferevent *pair[2];
	struct bgp_addr local;

	if (m->remote != NULL)
		bufferevent_free(m->remote);
	ck_assert_int_eq(bufferevent_pair_new(h->base, 0, pair), 0);
	m->remote = pair[1];
	bufferevent_enable(m->remote, EV_READ | EV_WRITE);
	if (!m->reads)
		bufferevent_setwatermark(m->remote, EV_READ, 0, 2048);
	adj_rib_free(m->got);
	m->got = adj_rib_new_store();
	addr_parse("127.0.0.1", &local);
	peer_accept_bev(m->p, pair[0], &local);
}

static void
gh_init(struct gh *h, size_t n, size_t lag)
{
	char err[256];

	memset(h, 0, sizeof(*h));
	h->base = event_base_new();
	h->attrs = attr_table_new();
	h->env.base = h->base;
	h->env.attrs = h->attrs;
	h->env.rxbuf = h->rxbuf;
	h->env.set.openwait_s = 60;
	h->env.stopping = &h->stopping;
	h->env.ops = &nop_ops;
	h->env.groups = ug_registry_new();
	if (lag > 0)
		ug_registry_set_lag_max(h->env.groups, lag);
	h->cfg = config_parse(conf4, "test.conf", err, sizeof(err));
	ck_assert_msg(h->cfg != NULL, "%s", err);
	h->n = n;
	for (size_t i = 0; i < n; i++) {
		struct member *m = &h->m[i];

		m->p = peer_new(&h->env, &h->cfg->neighbors[i], NULL);
		m->p->admin_down = true;	/* the test drives sessions */
		peer_load_routes(m->p);
		m->reads = true;
		m->fams = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	}
}

static void
gh_free(struct gh *h)
{
	for (size_t i = 0; i < h->n; i++) {
		if (h->m[i].remote != NULL)
			bufferevent_free(h->m[i].remote);
		peer_free(h->m[i].p);
		adj_rib_free(h->m[i].got);
	}
	ug_registry_free(h->env.groups);
	config_free(h->cfg);
	attr_table_free(h->attrs);
	event_base_free(h->base);
}

/* Apply one received route to the far end's table. */
struct rx {
	struct gh	*h;
	struct member	*m;
	const struct update_msg *u;
};

static void
rx_route(const struct update_route *rt, void *arg)
{
	struct rx *x = arg;
	const struct attr_set *a;
	struct attrs one;

	if (!rt->announce) {
		adj_rib_withdraw_nlri(x->m->got, &rt->nlri, NULL);
		return;
	}
	x->m->routes++;
	attrs_init(&one);
	attrs_copy(&one, &x->u->attrs);
	one.nexthop = *rt->nexthop;
	a = attrs_intern(x->h->attrs, &one);
	attrs_free(&one);
	adj_rib_announce_nlri(x->m->got, &rt->nlri, a, RIB_SRC_CONFIG);
	attrs_unref(a);
}

/* Read what every reading far end has; returns the messages read. */
static size_t
drain(struct gh *h)
{
	uint8_t msg[BGP_MAX_EXT_MSG];
	size_t total = 0;

	for (size_t i = 0; i < h->n; i++) {
		struct member *m = &h->m[i];
		struct update_ctx ctx = { .asn4 = true, .ebgp = true,
			.families = m->fams };
		uint16_t len;
		int type;

		if (!m->reads || m->remote == NULL)
			continue;
		while ((type = test_next_msg(m->remote, msg, sizeof(msg),
		    &len)) != 0) {
			struct update_msg u;
			struct rx x = { h, m, &u };

			total++;
			if (type != BGP_MSG_UPDATE)
				continue;
			m->updates++;
			update_msg_init(&u);
			ck_assert_int_eq(update_decode(msg + 19, len - 19u, &ctx,
			    &u), UPD_OK);
			if (update_is_eor(&u, NULL))
				m->eors++;
			update_foreach_route(&u, 0, rx_route, &x);
			update_msg_free(&u);
		}
	}
	return total;
}

/* Has member m been sent everything its group has for it? */
static bool
member_idle(const struct member *m)
{
	const struct peer *p = m->p;

	return peer_state(p) == ST_ESTABLISHED && ug_log_at_end(p) &&
	    !adj_rib_pending(p->rib_out) &&
	    evbuffer_get_length(bufferevent_get_output(p->bev)) == 0 &&
	    evbuffer_get_length(p->out_bulk) == 0;
}

/* Run the loop and read until every reading member is idle (bounded). */
static void
pump(struct gh *h)
{
	double deadline = mono_now() + 60;

	while (mono_now() < deadline) {
		bool idle = true;

		event_base_loop(h->base, EVLOOP_NONBLOCK);
		if (drain(h) > 0)
			continue;
		for (size_t i = 0; i < h->n; i++)
			if (h->m[i].reads && h->m[i].remote != NULL &&
			    !member_idle(&h->m[i]))
				idle = false;
		if (idle)
			return;
		test_settle(h->base);
	}
	ck_abort_msg("members still busy after 60 s");
}

static void
establish(struct gh *h, struct member *m)
{
	uint8_t buf[256];
	size_t n;
	uint16_t len;
	int type;
	double deadline = mono_now() + 20;

	member_connect(h, m);
	test_spin(h->base);
	while ((type = test_next_msg(m->remote, buf, sizeof(buf), &len)) !=
	    BGP_MSG_OPEN) {
		ck_assert_msg(mono_now() < deadline, "no OPEN");
		test_spin(h->base);
	}
	n = test_open(buf, sizeof(buf), 65002, m->fams);
	bufferevent_write(m->remote, buf, n);
	{
		struct wbuf w;

		wbuf_init(&w, buf, sizeof(buf));
		keepalive_encode(&w);
		bufferevent_write(m->remote, w.buf, w.len);
	}
	while (peer_state(m->p) != ST_ESTABLISHED) {
		ck_assert_msg(mono_now() < deadline, "not established");
		test_spin(h->base);
	}
}

/* Every route the group wants is at m's far end with its MED, and
 * nothing else (families the session carries). */
struct cmp {
	const struct member *m;
	size_t		 n;
	bool		 ok;
	char		 why[160];
};

static void
cmp_route(void *arg, const struct nlri *n, const struct attr_set *a)
{
	struct cmp *c = arg;
	const struct attr_set *got;
	struct attrs va, vg;

	if (!FAMSET_HAS(c->m->fams, n->fam))
		return;
	c->n++;
	got = adj_rib_lookup_nlri(c->m->got, n);
	if (got == NULL ||
	    attrs_view(got, &vg)->med != attrs_view(a, &va)->med) {
		if (c->ok)
			snprintf(c->why, sizeof(c->why), "route %zu: %s",
			    c->n, got == NULL ? "missing" : "other MED");
		c->ok = false;
	}
}

static void
assert_synced(const struct member *m)
{
	struct cmp c = { m, 0, true, "" };

	adj_rib_foreach(m->p->rib_out, cmp_route, &c);
	ck_assert_msg(c.ok, "%s: %s", m->p->name, c.why);
	ck_assert_msg(adj_rib_count(m->got) == c.n, "%s holds %zu routes, "
	    "wanted %zu", m->p->name, adj_rib_count(m->got), c.n);
}

/* Announce routes [from, from + n) of 10.x/32 with MED med + i into the
 * table of p (one per group: the caller selected). */
static void
announce(struct gh *h, struct peer *p, uint32_t from, uint32_t n,
    uint32_t med)
{
	for (uint32_t i = from; i < from + n; i++) {
		struct attrs a;
		const struct attr_set *ia;
		struct prefix pfx = { .afi = BGP_AFI_IPV4, .len = 32 };

		attrs_init(&a);
		a.has = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP |
		    ATTR_HAS_MED;
		addr_parse("192.0.2.1", &a.nexthop);
		a.med = med + i;
		ia = attrs_intern(h->attrs, &a);
		attrs_free(&a);
		pfx.b[0] = 10;
		pfx.b[1] = (uint8_t)(i >> 16);
		pfx.b[2] = (uint8_t)(i >> 8);
		pfx.b[3] = (uint8_t)i;
		adj_rib_announce(p->rib_out, FAM_IPV4_UNICAST, &pfx, 0, ia);
		attrs_unref(ia);
	}
	peer_schedule_kick(p);
}

static void
withdraw(struct peer *p, uint32_t from, uint32_t n)
{
	for (uint32_t i = from; i < from + n; i++) {
		struct prefix pfx = { .afi = BGP_AFI_IPV4, .len = 32 };

		pfx.b[0] = 10;
		pfx.b[1] = (uint8_t)(i >> 16);
		pfx.b[2] = (uint8_t)(i >> 8);
		pfx.b[3] = (uint8_t)i;
		adj_rib_withdraw(p->rib_out, FAM_IPV4_UNICAST, &pfx, 0);
	}
	peer_schedule_kick(p);
}

/* The far end closes (a pair's end-of-file) and is gone. */
static void
member_drop(struct gh *h, struct member *m)
{
	bufferevent_flush(m->remote, EV_WRITE, BEV_FINISHED);
	for (int i = 0; i < 50 && peer_state(m->p) != ST_IDLE; i++)
		test_spin(h->base);
	ck_assert_int_eq(peer_state(m->p), ST_IDLE);
	bufferevent_free(m->remote);
	m->remote = NULL;
}

static void
establish_all(struct gh *h)
{
	for (size_t i = 0; i < h->n; i++)
		establish(h, &h->m[i]);
	pump(h);
}

START_TEST(test_group_join)
{
	struct gh h;
	uint64_t ann, wd, packed;

	gh_init(&h, 3, 0);
	/* same configured view: one group, one table */
	ck_assert_uint_eq(ug_members(h.m[0].p), 3);
	ck_assert_ptr_eq(h.m[0].p->rib_out, h.m[2].p->rib_out);
	ck_assert_uint_eq(ug_registry_groups(h.env.groups), 1);
	establish_all(&h);
	announce(&h, h.m[1].p, 0, 3000, 100);
	pump(&h);
	for (size_t i = 0; i < 3; i++) {
		assert_synced(&h.m[i]);
		ug_routes_sent(h.m[i].p, &ann, &wd);
		ck_assert_uint_ge(ann, 3000);
	}
	/* packed once for the three: the table counts routes packed */
	adj_rib_sent(h.m[0].p->rib_out, &packed, &wd);
	ck_assert_uint_le(packed, 3000 + 2);
	ck_assert_uint_ge(packed, 3000);
	/* everyone passed everything: the log is empty */
	ck_assert_uint_eq(ug_log_bytes(h.m[0].p->ugm.g), 0);
	/* each got its End-of-RIBs (IPv4, IPv6), after its initial routes */
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(h.m[i].eors, 2);
		ck_assert_uint_eq(peer_routes_queued(h.m[i].p), 0);
	}
	gh_free(&h);
}
END_TEST

START_TEST(test_group_leave)
{
	struct gh h;

	gh_init(&h, 3, 0);
	establish_all(&h);
	announce(&h, h.m[0].p, 0, 4000, 100);
	/* part of the way, then the second member goes */
	for (int i = 0; i < 5; i++) {
		event_base_loop(h.base, EVLOOP_NONBLOCK);
		drain(&h);
	}
	bufferevent_free(h.m[1].remote);
	h.m[1].remote = NULL;
	peer_free(h.m[1].p);
	adj_rib_free(h.m[1].got);
	h.m[1] = h.m[2];
	memset(&h.m[2], 0, sizeof(h.m[2]));
	h.n = 2;
	ck_assert_uint_eq(ug_members(h.m[0].p), 2);
	pump(&h);
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	gh_free(&h);
}
END_TEST

START_TEST(test_group_slow_member)
{
	struct gh h;
	struct member *slow;
	bool left = false;

	gh_init(&h, 3, 64 * 1024);
	establish_all(&h);
	slow = &h.m[2];
	slow->reads = false;
	bufferevent_setwatermark(slow->remote, EV_READ, 0, 2048);
	/* ~1 MB of UPDATEs (a MED each), then withdrawals and changes */
	announce(&h, h.m[0].p, 0, 20000, 100);
	for (int round = 0; round < 3; round++) {
		pump(&h);
		left |= slow->p->ugm.mode == UG_WALK;
		if (round == 0)
			withdraw(h.m[0].p, 0, 5000);
		else if (round == 1)
			announce(&h, h.m[0].p, 10000, 5000, 900000);
	}
	/* the others have it all while the slow one still does not */
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	ck_assert_msg(left, "the slow member never left the log");
	/* the log does not keep the backlog of the slow one */
	ck_assert_uint_le(ug_log_bytes(h.m[0].p->ugm.g), 64 * 1024 +
	    2 * 1024 * 1024);
	/* what waits for it is counted for it alone */
	ck_assert_uint_gt(peer_routes_queued(slow->p), 0);
	ck_assert_uint_eq(peer_routes_queued(h.m[0].p), 0);
	/* it reads at last: exactly the final state, withdrawals too */
	slow->reads = true;
	bufferevent_setwatermark(slow->remote, EV_READ, 0, 0);
	bufferevent_enable(slow->remote, EV_READ);
	pump(&h);
	assert_synced(slow);
	ck_assert_uint_eq(adj_rib_count(slow->got), 20000 - 5000 + 2);
	ck_assert_uint_eq(peer_routes_queued(slow->p), 0);
	/* every member passed the withdrawals: no tombstone is left */
	ck_assert_uint_eq(adj_rib_tombstones(slow->p->rib_out), 0);
	gh_free(&h);
}
END_TEST

START_TEST(test_group_reestablish)
{
	struct gh h;
	uint64_t a_before;

	gh_init(&h, 2, 0);
	establish_all(&h);
	announce(&h, h.m[0].p, 0, 3000, 100);
	pump(&h);
	/* the second member's session drops */
	member_drop(&h, &h.m[1]);
	a_before = h.m[0].updates;
	announce(&h, h.m[0].p, 3000, 100, 100);
	/* it comes back: a full replay for it alone */
	establish(&h, &h.m[1]);
	pump(&h);
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	ck_assert_uint_eq(adj_rib_count(h.m[1].got), 3100 + 2);
	/* the first saw the 100 new routes (one UPDATE each), no replay */
	ck_assert_uint_eq(h.m[0].updates - a_before, 100);
	ck_assert(ug_same(h.m[0].p, h.m[1].p));
	gh_free(&h);
}
END_TEST

START_TEST(test_group_split_by_selection)
{
	struct gh h;
	struct peer *sel[1], *reps[1];

	gh_init(&h, 3, 0);
	establish_all(&h);
	announce(&h, h.m[0].p, 0, 500, 100);
	pump(&h);
	/* a command for the second member only: it leaves with a copy */
	sel[0] = h.m[1].p;
	ck_assert_uint_eq(ug_select(sel, 1, false, reps), 1);
	ck_assert_ptr_eq(reps[0], h.m[1].p);
	ck_assert(!ug_same(h.m[0].p, h.m[1].p));
	ck_assert(ug_same(h.m[0].p, h.m[2].p));
	ck_assert_uint_eq(ug_members(h.m[0].p), 2);
	announce(&h, h.m[1].p, 500, 10, 100);
	withdraw(h.m[1].p, 0, 10);
	announce(&h, h.m[0].p, 600, 5, 100);
	pump(&h);
	for (size_t i = 0; i < 3; i++)
		assert_synced(&h.m[i]);
	ck_assert_uint_eq(adj_rib_count(h.m[1].got), 500 + 10 - 10 + 2);
	ck_assert_uint_eq(adj_rib_count(h.m[0].got), 505 + 2);
	ck_assert_uint_eq(adj_rib_count(h.m[2].got), 505 + 2);
	/* a command for all three: once per group, no split */
	{
		struct peer *all[3] = { h.m[0].p, h.m[1].p, h.m[2].p };
		struct peer *r[3];

		ck_assert_uint_eq(ug_select(all, 3, false, r), 2);
		ck_assert_uint_eq(ug_registry_groups(h.env.groups), 2);
	}
	gh_free(&h);
}
END_TEST

START_TEST(test_group_split_by_encoding)
{
	struct gh h;

	gh_init(&h, 2, 0);
	/* the second offers IPv4 alone: its session's families differ */
	h.m[1].fams = FAMSET(FAM_IPV4_UNICAST);
	establish(&h, &h.m[0]);
	establish(&h, &h.m[1]);
	ck_assert(!ug_same(h.m[0].p, h.m[1].p));
	ck_assert_uint_eq(ug_registry_groups(h.env.groups), 2);
	pump(&h);
	/* a command for both acts on both groups */
	{
		struct peer *all[2] = { h.m[0].p, h.m[1].p }, *r[2];
		size_t n = ug_select(all, 2, false, r);

		ck_assert_uint_eq(n, 2);
		for (size_t i = 0; i < n; i++)
			announce(&h, r[i], 0, 300, 100);
	}
	pump(&h);
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	ck_assert_uint_eq(adj_rib_count(h.m[0].got), 300 + 2);
	ck_assert_uint_eq(adj_rib_count(h.m[1].got), 300 + 1);
	gh_free(&h);
}
END_TEST

START_TEST(test_group_encoding_twins)
{
	struct gh h;
	struct peer *all[4], *reps[4];
	size_t n;

	gh_init(&h, 4, 0);
	/* the last three offer IPv4 alone: one copy for all of them */
	h.m[1].fams = h.m[2].fams = h.m[3].fams = FAMSET(FAM_IPV4_UNICAST);
	establish(&h, &h.m[0]);
	establish(&h, &h.m[1]);
	establish(&h, &h.m[2]);
	ck_assert(!ug_same(h.m[0].p, h.m[1].p));
	ck_assert(ug_same(h.m[1].p, h.m[2].p));
	ck_assert_uint_eq(ug_registry_groups(h.env.groups), 2);
	pump(&h);
	/* a command for all four acts on both groups alike: they stay the
	 * same table, so the fourth, coming up later from the first's
	 * group, joins the copy too */
	for (size_t i = 0; i < 4; i++)
		all[i] = h.m[i].p;
	n = ug_select(all, 4, false, reps);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		announce(&h, reps[i], 0, 50, 100);
	pump(&h);
	establish(&h, &h.m[3]);
	ck_assert(ug_same(h.m[3].p, h.m[1].p));
	ck_assert_uint_eq(ug_members(h.m[1].p), 3);
	ck_assert_uint_eq(ug_registry_groups(h.env.groups), 2);
	pump(&h);
	for (size_t i = 0; i < 4; i++)
		assert_synced(&h.m[i]);
	ck_assert_uint_eq(adj_rib_count(h.m[3].got), 50 + 1);
	ck_assert_uint_eq(adj_rib_count(h.m[0].got), 50 + 2);
	/* a command for the first alone reaches it alone */
	all[0] = h.m[0].p;
	ck_assert_uint_eq(ug_select(all, 1, false, reps), 1);
	announce(&h, h.m[0].p, 100, 5, 100);
	pump(&h);
	for (size_t i = 0; i < 4; i++)
		assert_synced(&h.m[i]);
	ck_assert_uint_eq(adj_rib_count(h.m[1].got), 50 + 1);
	gh_free(&h);
}
END_TEST

/* flush adj-rib out (a route refresh alike): one member gets the table
 * again, the others nothing */
START_TEST(test_group_flush_one_member)
{
	struct gh h;
	uint64_t a_routes, b_routes;

	gh_init(&h, 2, 0);
	establish_all(&h);
	announce(&h, h.m[0].p, 0, 700, 100);
	pump(&h);
	a_routes = h.m[0].routes;
	b_routes = h.m[1].routes;
	peer_flush_out(h.m[1].p);
	pump(&h);
	ck_assert_uint_eq(h.m[0].routes, a_routes);
	ck_assert_uint_eq(h.m[1].routes - b_routes, 700 + 2);
	ck_assert(ug_same(h.m[0].p, h.m[1].p));
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	gh_free(&h);
}
END_TEST

/* Hostile: a member that never reads costs its output and nothing more;
 * the log stays bounded while the others take megabytes. */
START_TEST(test_group_never_reads)
{
	struct gh h;
	struct member *dead;
	size_t worst_log = 0, worst_out = 0;

	gh_init(&h, 3, 64 * 1024);
	establish_all(&h);
	dead = &h.m[2];
	dead->reads = false;
	bufferevent_setwatermark(dead->remote, EV_READ, 0, 2048);
	for (uint32_t k = 0; k < 10; k++) {
		size_t out;

		announce(&h, h.m[0].p, k * 5000, 5000, 100);
		pump(&h);
		if (ug_log_bytes(h.m[0].p->ugm.g) > worst_log)
			worst_log = ug_log_bytes(h.m[0].p->ugm.g);
		out = evbuffer_get_length(bufferevent_get_output(dead->p->bev))
		    + evbuffer_get_length(dead->p->out_bulk);
		if (out > worst_out)
			worst_out = out;
	}
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	ck_assert_int_eq(peer_state(dead->p), ST_ESTABLISHED);
	/* ~2.8 MB went to the others */
	ck_assert_uint_gt(h.m[0].updates, 40000);
	ck_assert_msg(worst_log <= 64 * 1024 + 2 * 1024 * 1024, "log %zu",
	    worst_log);
	ck_assert_msg(worst_out <= 256 * 1024 + BGP_MAX_EXT_MSG, "output %zu",
	    worst_out);
	gh_free(&h);
}
END_TEST

/* Hostile: a member flapping 100 times; the other sees each route once. */
START_TEST(test_group_flapping_member)
{
	struct gh h;
	uint64_t ann, wd;

	gh_init(&h, 2, 0);
	establish_all(&h);
	for (uint32_t k = 0; k < 100; k++) {
		struct member *f = &h.m[1];

		announce(&h, h.m[0].p, k * 20, 20, 100);
		/* down, sometimes before it read anything, and up again */
		member_drop(&h, f);
		establish(&h, f);
		event_base_loop(h.base, EVLOOP_NONBLOCK);
		drain(&h);
		ck_assert_int_eq(peer_state(h.m[0].p), ST_ESTABLISHED);
	}
	pump(&h);
	assert_synced(&h.m[0]);
	assert_synced(&h.m[1]);
	/* each route went to the steady member exactly once */
	ug_routes_sent(h.m[0].p, &ann, &wd);
	ck_assert_uint_eq(ann, 2000 + 2);
	ck_assert_uint_eq(wd, 0);
	ck_assert(ug_same(h.m[0].p, h.m[1].p));
	gh_free(&h);
}
END_TEST

static Suite *
update_group_suite(void)
{
	Suite *s = suite_create("update_group");
	TCase *tc = tcase_create("groups");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_group_join);
	tcase_add_test(tc, test_group_leave);
	tcase_add_test(tc, test_group_slow_member);
	tcase_add_test(tc, test_group_reestablish);
	tcase_add_test(tc, test_group_split_by_selection);
	tcase_add_test(tc, test_group_split_by_encoding);
	tcase_add_test(tc, test_group_encoding_twins);
	tcase_add_test(tc, test_group_flush_one_member);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_group_never_reads);
	tcase_add_test(tc, test_group_flapping_member);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(update_group_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
