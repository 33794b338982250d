/*
 * Adj-RIB-Out: coalescing rules, packing at the size limit, re-send after
 * a reconnect, flush and clear, families, back-pressure. Every UPDATE the
 * packer emits must re-parse under our own decoder.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/adj_rib.h"
#include "evbgp/update.h"
#include "evbgp/util.h"

#include "codec_hex.h"

struct toobig_seen;

struct capture {
	size_t		 nmsgs;
	size_t		 announced;	/* NLRI seen, all families */
	size_t		 withdrawn;
	size_t		 max_len;
	int		 full_after;	/* full() true after this many msgs */
	famset_t	 families;
	struct toobig_seen *toobig;	/* toobig reports, or NULL */
};

static int
cap_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct capture *c = arg;
	struct update_msg m;
	struct update_ctx ctx = { .asn4 = true, .ebgp = false,
		.families = c->families };
	size_t n;

	ck_assert_uint_ge(len, BGP_UPDATE_MIN);
	ck_assert_uint_eq(msg[18], BGP_MSG_UPDATE);
	ck_assert_uint_eq((size_t)(msg[BGP_HEADER_LENGTH_OFF] << 8 |
	    msg[BGP_HEADER_LENGTH_OFF + 1]), len);
	update_msg_init(&m);
	ck_assert_int_eq(update_decode(msg + 19, len - 19, &ctx, &m), UPD_OK);
	/* a withdrawal is never mistaken for an End-of-RIB */
	ck_assert(!update_is_eor(&m, NULL));
	ck_assert_int_eq(prefix_nlri_check(m.nlri, BGP_AFI_IPV4, false, &n), 0);
	c->announced += n;
	ck_assert_int_eq(prefix_nlri_check(m.withdrawn, BGP_AFI_IPV4, false, &n), 0);
	c->withdrawn += n;
	if (m.has_mp_reach) {
		ck_assert_int_eq(prefix_nlri_check(m.mp_reach_nlri, BGP_AFI_IPV6, false,
		    &n), 0);
		c->announced += n;
	}
	if (m.has_mp_unreach) {
		ck_assert_int_eq(prefix_nlri_check(m.mp_unreach_nlri, BGP_AFI_IPV6,
		    false, &n), 0);
		c->withdrawn += n;
	}
	update_msg_free(&m);
	if (len > c->max_len)
		c->max_len = len;
	c->nmsgs++;
	return 0;
}

static bool
cap_full(void *arg)
{
	struct capture *c = arg;

	return c->full_after >= 0 && c->nmsgs >= (size_t)c->full_after;
}

static void
ctx_init(struct adj_rib_pack_ctx *ctx, struct capture *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->full_after = -1;
	c->families = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	memset(ctx, 0, sizeof(*ctx));
	ctx->enc.ibgp = true;
	ctx->enc.asn4 = true;
	ctx->enc.local_as = 65000;
	addr_parse("127.0.0.1", &ctx->enc.local_v4);
	addr_parse("::1", &ctx->enc.local_v6);
	ctx->families = c->families;
	ctx->max_msg = max;
	ctx->group_updates = true;
	ctx->emit = cap_emit;
	ctx->full = cap_full;
	ctx->arg = c;
}

static const struct attr_set *
make_attrs(struct attr_table *t, uint32_t med, bool v6)
{
	struct attrs a;
	const struct attr_set *ia;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED;
	a.med = med;
	addr_parse(v6 ? "2001:db8::1" : "192.0.2.1", &a.nexthop);
	ia = attrs_intern(t, &a);
	attrs_free(&a);
	return ia;
}

static struct prefix
v4(unsigned i, unsigned len)
{
	struct prefix p;
	char s[32];

	snprintf(s, sizeof(s), "10.%u.%u.0/%u", (i >> 8) & 255, i & 255, len);
	ck_assert_int_eq(prefix_parse(s, &p), 0);
	return p;
}

static struct prefix
v6(unsigned i)
{
	struct prefix p;
	char s[64];

	snprintf(s, sizeof(s), "2001:db8:%x::/48", i);
	ck_assert_int_eq(prefix_parse(s, &p), 0);
	return p;
}

START_TEST(test_announce_then_withdraw_sends_nothing)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct prefix p = v4(1, 24);

	ctx_init(&ctx, &c, 4096);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.nmsgs, 0);
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	/* withdraw of a route never sent: nothing either */
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ck_assert(!adj_rib_pending(ro));
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_identical_reannounce_sends_nothing)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	const struct attr_set *b = make_attrs(t, 1, false);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct prefix p = v4(1, 24);

	ck_assert_ptr_eq(a, b);
	ctx_init(&ctx, &c, 4096);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, b);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.nmsgs, 1);
	attrs_unref(a);
	attrs_unref(b);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_last_word_wins)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	const struct attr_set *b = make_attrs(t, 2, false);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct prefix p = v4(1, 24);

	ctx_init(&ctx, &c, 4096);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, b);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p, 0), b);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.announced, 1);
	/* sent, then withdrawn: a real withdrawal goes out */
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.withdrawn, 1);
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	attrs_unref(a);
	attrs_unref(b);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

static void
pack_many(size_t max, bool v6fam, size_t n, size_t *msgs)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 7, v6fam);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	enum family_id fam = v6fam ? FAM_IPV6_UNICAST : FAM_IPV4_UNICAST;

	ctx_init(&ctx, &c, max);
	for (unsigned i = 0; i < n; i++) {
		struct prefix p = v6fam ? v6(i) : v4(i, 24);

		adj_rib_announce(ro, fam, &p, 0, a);
	}
	ck_assert_uint_eq(adj_rib_count(ro), n);
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.announced, n);
	ck_assert_uint_le(c.max_len, max);
	/* packed: close to the limit, not one route per message */
	ck_assert_uint_ge(c.max_len, max - 64);
	*msgs = c.nmsgs;
	/* withdraw them all, packed too */
	adj_rib_withdraw_all(ro);
	c.nmsgs = 0;
	c.max_len = 0;
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.withdrawn, n);
	ck_assert_uint_le(c.max_len, max);
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}

START_TEST(test_pack_at_size_limit_v4)
{
	size_t small, big;

	pack_many(BGP_MAX_MSG, false, 20000, &small);
	pack_many(BGP_MAX_EXT_MSG, false, 20000, &big);
	/* 20,000 /24s of 4 bytes: about 1,000 per 4 KiB message */
	ck_assert_uint_le(small, 25);
	ck_assert_uint_lt(big, small);
}
END_TEST

START_TEST(test_pack_at_size_limit_v6)
{
	size_t msgs;

	pack_many(BGP_MAX_MSG, true, 5000, &msgs);
	ck_assert_uint_le(msgs, 12);
}
END_TEST

START_TEST(test_group_updates_off)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 7, false);
	struct adj_rib_pack_ctx ctx;
	struct capture c;

	ctx_init(&ctx, &c, 4096);
	ctx.group_updates = false;
	for (unsigned i = 0; i < 10; i++) {
		struct prefix p = v4(i, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	}
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 10);
	ck_assert_uint_eq(c.announced, 10);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_resend_after_reconnect)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 7, false);
	const struct attr_set *b = make_attrs(t, 8, false);
	struct adj_rib_pack_ctx ctx;
	struct capture c;

	ctx_init(&ctx, &c, 4096);
	for (unsigned i = 0; i < 100; i++) {
		struct prefix p = v4(i, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0,
		    i % 2 ? a : b);
	}
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 2);
	/* one route withdrawn while the session is down: not re-sent */
	adj_rib_session_down(ro);
	{
		struct prefix p = v4(0, 24);

		adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	}
	c.announced = 0;
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 2);
	ck_assert_uint_eq(c.announced, 99);
	ck_assert_uint_eq(c.withdrawn, 0);
	/* flush adj-rib out: everything again */
	adj_rib_resend_all(ro);
	c.announced = 0;
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 2);
	ck_assert_uint_eq(c.announced, 99);
	attrs_unref(a);
	attrs_unref(b);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_family_not_negotiated)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 7, true);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct prefix p = v6(1);

	ctx_init(&ctx, &c, 4096);
	ctx.families = FAMSET(FAM_IPV4_UNICAST);
	adj_rib_announce(ro, FAM_IPV6_UNICAST, &p, 0, a);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	ck_assert(!adj_rib_pending(ro));
	/* still wanted: a later session with IPv6 gets it */
	ck_assert_uint_eq(adj_rib_count(ro), 1);
	adj_rib_session_down(ro);
	ctx.families |= FAMSET(FAM_IPV6_UNICAST);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_back_pressure)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set **sets = calloc(20000, sizeof(*sets));
	struct adj_rib_pack_ctx ctx;
	struct capture c;

	ctx_init(&ctx, &c, 4096);
	c.full_after = 1;
	/* distinct attributes: one message per route, many batches */
	for (unsigned i = 0; i < 20000; i++) {
		struct prefix p = v4(i, 24);

		sets[i] = make_attrs(t, i, false);
		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, sets[i]);
	}
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	/* stopped after the first batch */
	ck_assert(adj_rib_pending(ro));
	ck_assert_uint_lt(c.nmsgs, 20000);
	c.full_after = -1;
	adj_rib_pack(ro, &ctx);
	ck_assert(!adj_rib_pending(ro));
	ck_assert_uint_eq(c.announced, 20000);
	for (unsigned i = 0; i < 20000; i++)
		attrs_unref(sets[i]);
	free(sets);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

START_TEST(test_path_ids_are_distinct_routes)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 7, false);
	struct prefix p = v4(1, 24);

	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 1, a);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 2, a);
	ck_assert_uint_eq(adj_rib_count(ro), 2);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 1);
	ck_assert_uint_eq(adj_rib_count(ro), 1);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p, 2), a);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* ---- routes no UPDATE can hold (issue 8, defect 2) ---- */

struct toobig_seen {
	size_t		 calls, routes, need;
	struct prefix	 first;
};

static void
toobig_cb(void *arg, const struct nlri *n, size_t routes, size_t need)
{
	struct toobig_seen *t = ((struct capture *)arg)->toobig;

	t->calls++;
	t->routes += routes;
	t->need = need;
	ck_assert(nlri_prefix(n, &t->first));
}

/* An attribute set with an AS_PATH of nasn ASNs (4 octets each). */
static const struct attr_set *
make_long_path(struct attr_table *t, size_t nasn, uint32_t med)
{
	uint32_t asns[255];
	struct attrs a;
	const struct attr_set *ia;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED;
	a.med = med;
	addr_parse("192.0.2.1", &a.nexthop);
	for (size_t i = 0; i < 255; i++)
		asns[i] = 65000 + (uint32_t)i;
	while (nasn > 0) {
		size_t k = nasn > 255 ? 255 : nasn;

		attrs_aspath_append(&a, BGP_ASPATH_SEQUENCE, asns, k);
		nasn -= k;
	}
	ia = attrs_intern(t, &a);
	attrs_free(&a);
	return ia;
}

/* Attributes of exactly `total` encoded octets (a raw optional
 * transitive attribute pads them), IPv4 unicast, iBGP. */
static const struct attr_set *
make_sized(struct attr_table *t, size_t total)
{
	static uint8_t pad[65535];
	struct attrs a;
	const struct attr_set *ia;
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	uint8_t buf[65535];
	struct wbuf w;
	size_t base;

	attrs_init(&a);
	a.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP;
	addr_parse("192.0.2.1", &a.nexthop);
	ctx_init(&ctx, &c, 4096);
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx.enc, FAM_IPV4_UNICAST,
	    NULL, 0), 0);
	base = w.len;
	/* flags 0xd0: optional transitive, extended length (4 octets) */
	ck_assert_uint_gt(total, base + 4);
	attrs_set_raw(&a, 0xd0, 250, pad, (uint16_t)(total - base - 4));
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(attrs_encode(&w, &a, &ctx.enc, FAM_IPV4_UNICAST,
	    NULL, 0), 0);
	ck_assert_uint_eq(w.len, total);
	ia = attrs_intern(t, &a);
	attrs_free(&a);
	return ia;
}

START_TEST(test_toobig_route_alone_not_sent)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *small = make_attrs(t, 1, false);
	const struct attr_set *huge = make_long_path(t, 1100, 2);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct toobig_seen tb = { 0 };
	struct prefix p;

	ctx_init(&ctx, &c, 4096);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	for (unsigned i = 0; i < 10; i++) {
		p = v4(i, 24);
		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0,
		    i == 5 ? huge : small);
	}
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	/* the other nine went out; nothing left queued: no wedge */
	ck_assert_uint_eq(c.announced, 9);
	ck_assert(!adj_rib_pending(ro));
	ck_assert_uint_eq(tb.calls, 1);
	ck_assert_uint_eq(tb.routes, 1);
	p = v4(5, 24);
	ck_assert(prefix_equal(&tb.first, &p));
	ck_assert_uint_gt(tb.need, 4096);
	ck_assert_uint_eq(adj_rib_count(ro), 9);
	ck_assert_uint_eq(adj_rib_toobig(ro), 1);
	ck_assert_uint_eq(adj_rib_toobig_total(ro), 1);
	/* later work still flows: a withdrawal and a new route */
	p = v4(1, 24);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	p = v4(20, 24);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, small);
	c.announced = c.withdrawn = 0;
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.withdrawn, 1);
	ck_assert_uint_eq(c.announced, 1);
	ck_assert(!adj_rib_pending(ro));
	/* the next session negotiates extended messages: now it fits */
	adj_rib_session_down(ro);
	ctx_init(&ctx, &c, 65535);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	ck_assert_int_gt(adj_rib_pack(ro, &ctx), 0);
	ck_assert_uint_eq(c.announced, 10);
	ck_assert_uint_eq(adj_rib_toobig(ro), 0);
	ck_assert_uint_gt(c.max_len, 4096);
	/* withdrawing it is an ordinary withdrawal now */
	p = v4(5, 24);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.withdrawn, 1);
	attrs_unref(small);
	attrs_unref(huge);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* A route sent small, then changed to what cannot be sent: the peer
 * must not keep the old attributes (it gets a withdrawal). */
START_TEST(test_toobig_reannounce_withdraws_old)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *small = make_attrs(t, 1, false);
	const struct attr_set *huge = make_long_path(t, 1100, 2);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct toobig_seen tb = { 0 };
	struct prefix p = v4(7, 24);

	ctx_init(&ctx, &c, 4096);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, small);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, huge);
	c.announced = 0;
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.withdrawn, 1);
	ck_assert_uint_eq(c.announced, 0);
	ck_assert_uint_eq(tb.calls, 1);
	ck_assert(!adj_rib_pending(ro));
	/* back to small attributes: announced again */
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, small);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.announced, 1);
	ck_assert_uint_eq(adj_rib_toobig(ro), 0);
	attrs_unref(small);
	attrs_unref(huge);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/*
 * Attributes that fit, but leave too little room for the route's NLRI:
 * before the fix the packer looped forever on such a group. With sizes
 * leaving 1..4 octets, a /32 (5 octets) cannot go, a /0 (1 octet) can.
 */
START_TEST(test_toobig_nlri_does_not_fit)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	/* 19 header + 4 lengths + attrs + nlri <= 4096 */
	const struct attr_set *a = make_sized(t, 4096 - 19 - 4 - 3);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct toobig_seen tb = { 0 };
	struct prefix host, deflt;

	ck_assert_int_eq(prefix_parse("10.1.2.3/32", &host), 0);
	ck_assert_int_eq(prefix_parse("0.0.0.0/0", &deflt), 0);
	ctx_init(&ctx, &c, 4096);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &host, 0, a);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &deflt, 0, a);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.announced, 1);
	ck_assert_uint_eq(c.max_len, 4096 - 3 + 1);
	ck_assert_uint_eq(tb.calls, 1);
	ck_assert(prefix_equal(&tb.first, &host));
	ck_assert_uint_eq(tb.need, 4096 - 3 + 5);
	ck_assert(!adj_rib_pending(ro));
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* An IPv4 route with an IPv6 next hop (no RFC 8950 encoding): left out
 * with its reason, and the rest flows (issue 8, defect 12's stall). */
START_TEST(test_unencodable_nexthop_not_sent)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *good = make_attrs(t, 1, false);
	const struct attr_set *bad = make_attrs(t, 2, true);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct toobig_seen tb = { 0 };
	struct prefix p;

	ctx_init(&ctx, &c, 4096);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	p = v4(1, 24);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, bad);
	p = v4(2, 24);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, good);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.announced, 1);
	ck_assert_uint_eq(tb.calls, 1);
	ck_assert_uint_eq(tb.need, ADJ_RIB_UNENCODABLE);
	ck_assert(!adj_rib_pending(ro));
	attrs_unref(good);
	attrs_unref(bad);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* RFC 8950 negotiated: the IPv6 next hop goes out in MP_REACH_NLRI. */
START_TEST(test_extended_nexthop_sent)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *good = make_attrs(t, 1, false);
	const struct attr_set *v6nh = make_attrs(t, 2, true);
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct toobig_seen tb = { 0 };
	struct prefix p;

	ctx_init(&ctx, &c, 4096);
	c.toobig = &tb;
	ctx.toobig = toobig_cb;
	ctx.enc.ext_nexthop = FAMSET(FAM_IPV4_UNICAST);
	p = v4(1, 24);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, v6nh);
	p = v4(2, 24);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, good);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 2);
	ck_assert_uint_eq(c.announced, 2);
	ck_assert_uint_eq(tb.calls, 0);
	/* and its withdrawal is a classic one */
	p = v4(1, 24);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.withdrawn, 1);
	attrs_unref(good);
	attrs_unref(v6nh);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* ---- families whose NLRI are not bare prefixes (issue 9) ---- */

/* Every message emitted, as hex, for exact comparisons. */
struct raw_capture {
	size_t		 n;
	char		*hex[16];
};

static int
raw_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct raw_capture *c = arg;
	char *h = xmalloc(2 * len + 1);

	ck_assert_uint_lt(c->n, 16);
	for (size_t i = 0; i < len; i++)
		sprintf(h + 2 * i, "%02X", msg[i]);
	c->hex[c->n++] = h;
	return 0;
}

static void
raw_free(struct raw_capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->hex[i]);
	c->n = 0;
}

static struct nlri
vpn_nlri(uint8_t *buf, const char *label)
{
	/* 1.4.0.0/16 rd 65000:1, label as given (3 octets of hex) */
	struct nlri n = { .fam = FAM_IPV4_MPLS_VPN, .b = buf, .len = 14 };
	char hex[64];

	snprintf(hex, sizeof(hex), "68 %s 0000FDE800000001 0104", label);
	ck_assert_uint_eq(hex2bin(hex, buf, 14), 14);
	return n;
}

/*
 * adj_rib_prefetch_nlri changes nothing, for a prefix family and a keyed
 * one (VPN: its key octets built from the NLRI), on an empty table and
 * on one holding the route; the Adj-RIB-In calls it on every received
 * route of a small UPDATE.
 */
START_TEST(test_prefetch_changes_nothing)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	uint8_t n1[14], v4[5] = { 32, 10, 0, 0, 1 };
	struct nlri x = vpn_nlri(n1, "003E81");
	struct nlri u = { .fam = FAM_IPV4_UNICAST, .b = v4, .len = 5 };
	const struct attr_set *a;
	struct attrs b;

	attrs_init(&b);
	b.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP;
	addr_parse("101.1.101.1", &b.nexthop);
	a = attrs_intern(t, &b);
	attrs_free(&b);
	adj_rib_prefetch_nlri(ro, &x);
	adj_rib_prefetch_nlri(ro, &u);
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	ck_assert_ptr_null(adj_rib_lookup_nlri(ro, &x));
	adj_rib_announce_nlri(ro, &x, a, RIB_SRC_CONFIG);
	adj_rib_announce_nlri(ro, &u, a, RIB_SRC_CONFIG);
	adj_rib_prefetch_nlri(ro, &x);
	adj_rib_prefetch_nlri(ro, &u);
	ck_assert_uint_eq(adj_rib_count(ro), 2);
	ck_assert_ptr_eq(adj_rib_lookup_nlri(ro, &x), a);
	ck_assert_ptr_eq(adj_rib_lookup_nlri(ro, &u), a);
	ck_assert_uint_eq(attrs_refcount(a), 3);
	ck_assert(!adj_rib_pending(ro));
	adj_rib_free(ro);
	attrs_unref(a);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

/*
 * api-vpnv4's exchange: an announce with an RD-zero next hop (and the
 * NEXT_HOP attribute ExaBGP adds), a re-announce with another label
 * that goes out again (same key), a withdrawal that puts MP_UNREACH
 * first and carries the attributes it was given.
 */
START_TEST(test_vpn_label_and_withdraw)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	struct adj_rib_pack_ctx ctx;
	struct capture cap;
	struct raw_capture rc = { 0 };
	const struct attr_set *a;
	struct attrs b;
	uint8_t n1[14], n2[14];
	struct nlri x = vpn_nlri(n1, "003E81"), y = vpn_nlri(n2, "007D01");

	ctx_init(&ctx, &cap, 4096);
	ctx.families = FAMSET(FAM_IPV4_MPLS_VPN);
	ctx.group_updates = false;
	ctx.emit = raw_emit;
	ctx.arg = &rc;
	ctx.full = NULL;
	attrs_init(&b);
	b.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP;
	addr_parse("101.1.101.1", &b.nexthop);
	a = attrs_intern(t, &b);
	attrs_free(&b);
	adj_rib_announce_nlri(ro, &x, a, RIB_SRC_API);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_str_eq(rc.hex[0], "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	    "004E" "02" "0000" "0037" "40010100" "400200"
	    "40030465016501" "40050400000064"
	    "800E1F0001800C0000000000000000650165010068003E810000FDE800000001"
	    "0104");
	/* same attributes, same label: nothing */
	adj_rib_announce_nlri(ro, &x, a, RIB_SRC_API);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	/* another label: the route again */
	adj_rib_announce_nlri(ro, &y, a, RIB_SRC_API);
	ck_assert_uint_eq(adj_rib_count(ro), 1);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert(strstr(rc.hex[1], "68007D01") != NULL);
	/* the withdrawal: MP_UNREACH first, the label it names, then the
	 * attributes */
	adj_rib_withdraw_nlri(ro, &x, a);
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	ck_assert_ptr_null(adj_rib_lookup_nlri(ro, &x));
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_str_eq(rc.hex[2], "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	    "0040" "02" "0000" "0029"
	    "800F1100018068003E810000FDE8000000010104"
	    "40010100" "400200" "40030465016501" "40050400000064");
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 0);
	raw_free(&rc);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* Announced then withdrawn before it was sent: nothing, in any family. */
START_TEST(test_vpn_coalesces)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	uint8_t n1[14];
	struct nlri x = vpn_nlri(n1, "003E81");

	adj_rib_announce_nlri(ro, &x, a, RIB_SRC_API);
	ck_assert(adj_rib_pending(ro));
	adj_rib_withdraw_nlri(ro, &x, NULL);
	ck_assert(!adj_rib_pending(ro));
	ck_assert_uint_eq(adj_rib_count(ro), 0);
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* Multicast keeps its prefix in the entry, apart from unicast. */
START_TEST(test_multicast_apart)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	const struct attr_set *b = make_attrs(t, 2, false);
	struct prefix p = v4(1, 24);

	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	adj_rib_announce(ro, FAM_IPV4_MULTICAST, &p, 0, b);
	ck_assert_uint_eq(adj_rib_count(ro), 2);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p, 0), a);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_MULTICAST, &p, 0), b);
	adj_rib_withdraw(ro, FAM_IPV4_MULTICAST, &p, 0);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p, 0), a);
	ck_assert_ptr_null(adj_rib_lookup(ro, FAM_IPV4_MULTICAST, &p, 0));
	attrs_unref(a);
	attrs_unref(b);
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST


/*
 * After a burst of distinct attribute sets is sent, the change queue
 * gives its buckets back (a million unique MEDs grew them to 8 MB), and
 * the table's parts add up (issue 13 b).
 */
START_TEST(test_memory_after_burst)
{
	enum { N = 20000 };
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct adj_rib_mem m;

	for (unsigned i = 0; i < N; i++) {
		const struct attr_set *a = make_attrs(t, i, false);
		struct prefix p = v4(i, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
		attrs_unref(a);
	}
	adj_rib_memory(ro, &m);
	ck_assert_uint_eq(m.routes, N);
	ck_assert_uint_ge(m.queue_bytes, N * sizeof(void *));
	ctx_init(&ctx, &c, BGP_MAX_MSG);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), N);
	ck_assert_uint_eq(c.announced, N);
	adj_rib_memory(ro, &m);
	ck_assert_uint_eq(m.routes, N);
	ck_assert_uint_le(m.queue_bytes, 64 * sizeof(void *));
	/* 48-byte entries (the array doubles) and 5-byte slots at most half
	 * full */
	ck_assert_uint_ge(m.entry_bytes, N * 48);
	ck_assert_uint_le(m.entry_bytes, 2 * N * 48);
	ck_assert_uint_ge(m.index_bytes, 2 * N * 5);
	ck_assert_uint_le(m.index_bytes, 4 * N * 5);
	ck_assert_uint_eq(m.nlri_bytes, 0);
	/* and the queue works as before after shrinking */
	{
		const struct attr_set *a = make_attrs(t, 1, false);
		struct prefix p = v4(N + 1, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
		attrs_unref(a);
		ctx_init(&ctx, &c, BGP_MAX_MSG);
		ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	}
	adj_rib_free(ro);
	attr_table_free(t);
}
END_TEST

/* ---- lookups (adj_rib_query) ---- */

struct seen {
	char	 got[16][64];
	size_t	 n;
};

static void
seen_visit(void *arg, const struct nlri *n, const struct attr_set *a)
{
	struct seen *sn = arg;
	struct prefix p;
	char buf[PREFIX_STRLEN];

	(void)a;
	ck_assert(nlri_prefix(n, &p));
	if (sn->n < 16 && n->path_id != 0)
		snprintf(sn->got[sn->n], sizeof(sn->got[0]), "%s#%u",
		    prefix_fmt(&p, buf), n->path_id);
	else if (sn->n < 16)
		snprintf(sn->got[sn->n], sizeof(sn->got[0]), "%s",
		    prefix_fmt(&p, buf));
	sn->n++;
}

static size_t
query(const struct adj_rib *ro, famset_t fams, const char *pfx,
    enum rib_match m, struct seen *sn)
{
	struct rib_query q;

	memset(&q, 0, sizeof(q));
	memset(sn, 0, sizeof(*sn));
	q.fams = fams;
	if (pfx != NULL) {
		q.has_prefix = true;
		ck_assert_int_eq(prefix_parse(pfx, &q.prefix), 0);
	}
	q.match = m;
	return adj_rib_query(ro, &q, seen_visit, sn);
}

static void
ann(struct adj_rib *ro, enum family_id fam, const char *pfx, uint32_t id,
    const struct attr_set *a)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(pfx, &p), 0);
	adj_rib_announce(ro, fam, &p, id, a);
}

static bool
med_is_2(void *arg, const struct attr_set *a)
{
	struct attrs v;

	(void)arg;
	return attrs_view(a, &v)->med == 2;
}

/* Exact, longest and more-specific matches, through the index and by
 * walking, agree; withdrawn routes are never found; families apart. */
START_TEST(test_query_prefix)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	const struct attr_set *a1 = make_attrs(t, 1, false),
	    *a2 = make_attrs(t, 2, false), *a6 = make_attrs(t, 1, true);
	struct seen sn;
	struct rib_query q;

	ann(ro, FAM_IPV4_UNICAST, "10.0.0.0/8", 0, a1);
	ann(ro, FAM_IPV4_UNICAST, "10.1.0.0/16", 0, a2);
	ann(ro, FAM_IPV4_UNICAST, "10.1.2.0/24", 0, a1);
	ann(ro, FAM_IPV4_UNICAST, "10.1.3.0/24", 0, a2);
	ann(ro, FAM_IPV4_UNICAST, "10.9.0.0/16", 0, a1);
	ann(ro, FAM_IPV4_MULTICAST, "10.1.0.0/16", 0, a1);
	ann(ro, FAM_IPV6_UNICAST, "2001:db8::/32", 0, a6);
	ann(ro, FAM_IPV4_UNICAST, "10.1.4.0/24", 0, a1);
	{
		struct prefix w;

		ck_assert_int_eq(prefix_parse("10.1.4.0/24", &w), 0);
		adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &w, 0);
	}
	famset_t u4 = FAMSET(FAM_IPV4_UNICAST);

	ck_assert_uint_eq(query(ro, u4, "10.1.0.0/16", RIB_MATCH_EXACT, &sn), 1);
	ck_assert_str_eq(sn.got[0], "10.1.0.0/16");
	ck_assert_uint_eq(query(ro, u4, "10.1.7.0/24", RIB_MATCH_EXACT, &sn), 0);
	ck_assert_uint_eq(query(ro, u4, "10.1.4.0/24", RIB_MATCH_EXACT, &sn), 0);
	ck_assert_uint_eq(query(ro, u4, "10.1.2.3/32", RIB_MATCH_LONGEST,
	    &sn), 1);
	ck_assert_str_eq(sn.got[0], "10.1.2.0/24");
	ck_assert_uint_eq(query(ro, u4, "10.1.4.1/32", RIB_MATCH_LONGEST,
	    &sn), 1);
	ck_assert_str_eq(sn.got[0], "10.1.0.0/16");
	ck_assert_uint_eq(query(ro, u4, "10.200.0.1", RIB_MATCH_LONGEST, &sn),
	    1);
	ck_assert_str_eq(sn.got[0], "10.0.0.0/8");
	ck_assert_uint_eq(query(ro, u4, "192.0.2.1", RIB_MATCH_LONGEST, &sn),
	    0);
	ck_assert_uint_eq(query(ro, u4, "10.1.0.0/16", RIB_MATCH_MORE, &sn), 3);
	ck_assert_uint_eq(query(ro, u4, "0.0.0.0/0", RIB_MATCH_MORE, &sn), 5);
	/* every family: the multicast route too, not the IPv6 one */
	ck_assert_uint_eq(query(ro, FAMSET_ALL, "10.1.0.0/16", RIB_MATCH_EXACT,
	    &sn), 2);
	ck_assert_uint_eq(query(ro, FAMSET_ALL, "10.1.2.3/32",
	    RIB_MATCH_LONGEST, &sn), 2);
	ck_assert_uint_eq(query(ro, FAMSET_ALL, "2001:db8:1::/48",
	    RIB_MATCH_LONGEST, &sn), 1);
	ck_assert_str_eq(sn.got[0], "2001:db8::/32");
	/* no prefix: the family, whole */
	ck_assert_uint_eq(query(ro, u4, NULL, RIB_MATCH_EXACT, &sn), 5);
	ck_assert_uint_eq(query(ro, FAMSET_ALL, NULL, RIB_MATCH_EXACT, &sn), 7);
	/* an attribute filter: the longest route passing it */
	memset(&q, 0, sizeof(q));
	q.fams = u4;
	q.has_prefix = true;
	ck_assert_int_eq(prefix_parse("10.1.2.3/32", &q.prefix), 0);
	q.match = RIB_MATCH_LONGEST;
	q.attrs_ok = med_is_2;
	memset(&sn, 0, sizeof(sn));
	ck_assert_uint_eq(adj_rib_query(ro, &q, seen_visit, &sn), 1);
	ck_assert_str_eq(sn.got[0], "10.1.0.0/16");
	q.match = RIB_MATCH_MORE;
	ck_assert_int_eq(prefix_parse("10.0.0.0/8", &q.prefix), 0);
	ck_assert_uint_eq(adj_rib_query(ro, &q, NULL, NULL), 2);
	adj_rib_free(ro);
	attrs_unref(a1);
	attrs_unref(a2);
	attrs_unref(a6);
	attr_table_free(t);
}
END_TEST

/* ADD-PATH routes (path ids) are all found, by walking the table. */
START_TEST(test_query_addpath)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	const struct attr_set *a1 = make_attrs(t, 1, false);
	struct seen sn;
	famset_t u4 = FAMSET(FAM_IPV4_UNICAST);

	ann(ro, FAM_IPV4_UNICAST, "10.1.0.0/16", 1, a1);
	ann(ro, FAM_IPV4_UNICAST, "10.1.0.0/16", 2, a1);
	ann(ro, FAM_IPV4_UNICAST, "10.0.0.0/8", 7, a1);
	ck_assert_uint_eq(query(ro, u4, "10.1.0.0/16", RIB_MATCH_EXACT, &sn), 2);
	ck_assert_uint_eq(query(ro, u4, "10.1.9.9/32", RIB_MATCH_LONGEST,
	    &sn), 2);
	ck_assert_str_eq(sn.got[0], "10.1.0.0/16#1");
	ck_assert_str_eq(sn.got[1], "10.1.0.0/16#2");
	ck_assert_uint_eq(query(ro, u4, "10.2.0.0/16", RIB_MATCH_LONGEST,
	    &sn), 1);
	ck_assert_str_eq(sn.got[0], "10.0.0.0/8#7");
	adj_rib_free(ro);
	attrs_unref(a1);
	attr_table_free(t);
}
END_TEST

/* VPN routes: the prefix inside the NLRI, the RD filter; a family
 * without a prefix (flow) never matches a prefix. */
START_TEST(test_query_vpn)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	const struct attr_set *a1 = make_attrs(t, 1, false);
	uint8_t n1[14], n2[14], rd[8];
	struct nlri x = vpn_nlri(n1, "003E81"), y = vpn_nlri(n2, "007D01");
	struct rib_query q;
	struct seen sn;

	/* y: same prefix, another RD (65000:2) */
	n2[11] = 2;
	adj_rib_announce_nlri(ro, &x, a1, RIB_SRC_API);
	adj_rib_announce_nlri(ro, &y, a1, RIB_SRC_API);
	ck_assert_uint_eq(query(ro, FAMSET_ALL, "1.4.0.0/16", RIB_MATCH_EXACT,
	    &sn), 2);
	ck_assert_uint_eq(query(ro, FAMSET_ALL, "1.4.5.6", RIB_MATCH_LONGEST,
	    &sn), 2);
	ck_assert_uint_eq(query(ro, FAMSET(FAM_IPV4_UNICAST), "1.4.0.0/16",
	    RIB_MATCH_EXACT, &sn), 0);
	memset(&q, 0, sizeof(q));
	q.fams = FAMSET(FAM_IPV4_MPLS_VPN);
	q.has_prefix = true;
	ck_assert_int_eq(prefix_parse("1.0.0.0/8", &q.prefix), 0);
	q.match = RIB_MATCH_MORE;
	ck_assert_int_eq(nlri_rd_parse("65000:2", rd), 0);
	q.rd = rd;
	memset(&sn, 0, sizeof(sn));
	ck_assert_uint_eq(adj_rib_query(ro, &q, seen_visit, &sn), 1);
	ck_assert_int_eq(nlri_rd_parse("65000:3", rd), 0);
	ck_assert_uint_eq(adj_rib_query(ro, &q, NULL, NULL), 0);
	adj_rib_free(ro);
	attrs_unref(a1);
	attr_table_free(t);
}
END_TEST

/* A million routes: exact and longest matches answer through the index
 * (the answer is right; the speed is bench-lookup's to measure). */
START_TEST(test_query_million)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new_store();
	const struct attr_set *a1 = make_attrs(t, 1, false);
	struct seen sn;
	famset_t u4 = FAMSET(FAM_IPV4_UNICAST);
	char s[64];

	for (unsigned i = 0; i < 1000000; i++) {
		struct prefix p = { .afi = BGP_AFI_IPV4, .len = 24 };

		p.b[0] = (uint8_t)(20 + (i >> 16));
		p.b[1] = (uint8_t)(i >> 8);
		p.b[2] = (uint8_t)i;
		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a1);
	}
	ann(ro, FAM_IPV4_UNICAST, "20.0.0.0/8", 0, a1);
	ck_assert_uint_eq(query(ro, u4, "25.66.77.0/24", RIB_MATCH_EXACT, &sn),
	    1);
	ck_assert_uint_eq(query(ro, u4, "25.66.77.200", RIB_MATCH_LONGEST,
	    &sn), 1);
	ck_assert_str_eq(sn.got[0], "25.66.77.0/24");
	ck_assert_uint_eq(query(ro, u4, "20.255.255.1", RIB_MATCH_LONGEST,
	    &sn), 1);
	ck_assert_str_eq(sn.got[0], "20.255.255.0/24");
	snprintf(s, sizeof(s), "20.0.0.0/8");
	ck_assert_uint_eq(query(ro, u4, s, RIB_MATCH_MORE, &sn), 65537);
	adj_rib_free(ro);
	attrs_unref(a1);
	attr_table_free(t);
}
END_TEST


/*
 * The index and the attribute table grow a step at a time (issue 13):
 * while a move is under way every route is still found, withdrawn and
 * re-announced, whichever array holds it.
 */
START_TEST(test_index_grows_in_steps)
{
	enum { N = 60000 };
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	struct attr_table_mem am;

	for (unsigned i = 0; i < N; i++) {
		const struct attr_set *a = make_attrs(t, i, false);
		struct prefix p = v4(i, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
		attrs_unref(a);
		/* now and then: the whole table still answers, and a route
		 * withdrawn and announced again is found once */
		if (i % 9973 == 0 || i == N - 1) {
			for (unsigned j = 0; j <= i; j++) {
				struct prefix q = v4(j, 24);
				const struct attr_set *w = adj_rib_lookup(ro,
				    FAM_IPV4_UNICAST, &q, 0);
				struct attrs v;

				ck_assert_msg(w != NULL, "route %u of %u lost",
				    j, i);
				ck_assert_uint_eq(attrs_view(w, &v)->med, j);
			}
		}
		if (i % 3 == 0) {
			struct prefix q = v4(i / 2, 24);
			const struct attr_set *b = make_attrs(t, i / 2, false);

			adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &q, 0);
			ck_assert_ptr_null(adj_rib_lookup(ro, FAM_IPV4_UNICAST,
			    &q, 0));
			adj_rib_announce(ro, FAM_IPV4_UNICAST, &q, 0, b);
			attrs_unref(b);
		}
	}
	ck_assert_uint_eq(adj_rib_count(ro), N);
	attr_table_memory(t, &am);
	ck_assert_uint_eq(am.sets, N);
	ck_assert_uint_eq(attr_table_count(t), N);
	adj_rib_free(ro);
	attr_table_memory(t, &am);
	ck_assert_uint_eq(am.sets, 0);
	attr_table_free(t);
}
END_TEST

/*
 * An entry keeps its sets as ids of one attribute table: a set of
 * another table while sets of the first are held is a caller's bug, and
 * fatal (an id of one table names something else in the other).
 */
START_TEST(test_set_of_another_table_refused)
{
	struct attr_table *t = attr_table_new(), *u = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	const struct attr_set *a = make_attrs(t, 1, false);
	const struct attr_set *b = make_attrs(u, 2, false);
	struct prefix p = v4(1, 24), q = v4(2, 24);

	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p, 0), a);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &q, 0, b);	/* aborts */
	ck_abort_msg("a set of another table was taken");
}
END_TEST

/*
 * With no set held any more, the next set stored names the table: an
 * Adj-RIB outlives its sets' table (freed once its last set went) and
 * takes a new table's, sent and withdrawn as before.
 */
START_TEST(test_table_follows_sets)
{
	struct attr_table *t = attr_table_new(), *u = attr_table_new();
	struct adj_rib *ro = adj_rib_new();
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct prefix p = v4(1, 24), q = v4(2, 24);
	const struct attr_set *a = make_attrs(t, 1, false), *b;
	struct attrs v;

	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
	ctx_init(&ctx, &c, BGP_MAX_MSG);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	adj_rib_withdraw(ro, FAM_IPV4_UNICAST, &p, 0);
	ctx_init(&ctx, &c, BGP_MAX_MSG);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.withdrawn, 1);
	attrs_unref(a);
	attr_table_free(t);		/* its last set is gone: freed */
	b = make_attrs(u, 2, false);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &q, 0, b);
	adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, b);
	ck_assert_ptr_eq(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &q, 0), b);
	ck_assert_uint_eq(attrs_view(adj_rib_lookup(ro, FAM_IPV4_UNICAST, &p,
	    0), &v)->med, 2);
	ctx_init(&ctx, &c, BGP_MAX_MSG);
	ck_assert_int_eq(adj_rib_pack(ro, &ctx), 1);
	ck_assert_uint_eq(c.announced, 2);
	/* two routes, each wanting and having sent it, and the caller */
	ck_assert_uint_eq(attrs_refcount(b), 5);
	adj_rib_free(ro);
	ck_assert_uint_eq(attrs_refcount(b), 1);
	attrs_unref(b);
	attr_table_free(u);
}
END_TEST

/*
 * A copy (an update group split) holds its own references to the same
 * sets, by the same ids: it answers and packs after the original is
 * gone, and then takes more sets of the table; freeing it empties the
 * table.
 */
START_TEST(test_clone_holds_its_sets)
{
	struct attr_table *t = attr_table_new();
	struct adj_rib *ro = adj_rib_new(), *cp;
	struct adj_rib_pack_ctx ctx;
	struct capture c;
	struct attrs v;

	for (unsigned i = 0; i < 300; i++) {
		const struct attr_set *a = make_attrs(t, i, false);
		struct prefix p = v4(i, 24);

		adj_rib_announce(ro, FAM_IPV4_UNICAST, &p, 0, a);
		attrs_unref(a);
		if (i == 199) {		/* 200 sent, 100 queued */
			ctx_init(&ctx, &c, BGP_MAX_MSG);
			ck_assert_int_eq(adj_rib_pack(ro, &ctx), 200);
		}
	}
	cp = adj_rib_clone(ro);
	adj_rib_free(ro);
	ck_assert_uint_eq(attr_table_count(t), 300);
	for (unsigned i = 0; i < 300; i++) {
		struct prefix p = v4(i, 24);

		ck_assert_uint_eq(attrs_view(adj_rib_lookup(cp,
		    FAM_IPV4_UNICAST, &p, 0), &v)->med, i);
	}
	{
		const struct attr_set *a = make_attrs(t, 1000, false);
		struct prefix p = v4(0, 24);

		adj_rib_announce(cp, FAM_IPV4_UNICAST, &p, 0, a);
		attrs_unref(a);
	}
	ctx_init(&ctx, &c, BGP_MAX_MSG);
	ck_assert_int_eq(adj_rib_pack(cp, &ctx), 101);
	ck_assert_uint_eq(c.announced, 101);
	adj_rib_free(cp);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("adj_rib");
	TCase *tc = tcase_create("adj_rib");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_announce_then_withdraw_sends_nothing);
	tcase_add_test(tc, test_memory_after_burst);
	tcase_add_test(tc, test_index_grows_in_steps);
	tcase_add_test(tc, test_identical_reannounce_sends_nothing);
	tcase_add_test(tc, test_last_word_wins);
	tcase_add_test(tc, test_pack_at_size_limit_v4);
	tcase_add_test(tc, test_pack_at_size_limit_v6);
	tcase_add_test(tc, test_group_updates_off);
	tcase_add_test(tc, test_resend_after_reconnect);
	tcase_add_test(tc, test_family_not_negotiated);
	tcase_add_test(tc, test_back_pressure);
	tcase_add_test(tc, test_path_ids_are_distinct_routes);
	tcase_add_test(tc, test_toobig_route_alone_not_sent);
	tcase_add_test(tc, test_toobig_reannounce_withdraws_old);
	tcase_add_test(tc, test_toobig_nlri_does_not_fit);
	tcase_add_test(tc, test_unencodable_nexthop_not_sent);
	tcase_add_test(tc, test_extended_nexthop_sent);
	tcase_add_test(tc, test_vpn_label_and_withdraw);
	tcase_add_test(tc, test_vpn_coalesces);
	tcase_add_test(tc, test_multicast_apart);
	tcase_add_test(tc, test_query_prefix);
	tcase_add_test(tc, test_query_addpath);
	tcase_add_test(tc, test_query_vpn);
	tcase_add_test(tc, test_query_million);
	tcase_add_test(tc, test_table_follows_sets);
	tcase_add_test(tc, test_clone_holds_its_sets);
	tcase_add_test(tc, test_prefetch_changes_nothing);
	tcase_add_test_raise_signal(tc, test_set_of_another_table_refused,
	    SIGABRT);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
