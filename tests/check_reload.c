/*
 * Configuration reload, checked from the peer's side (what arrives on the
 * far end of a bufferevent pair): unchanged neighbors hear nothing,
 * removed ones get Cease/Peer De-configured, changed sessions are reset,
 * static routes are diffed (new announced, removed withdrawn, changed
 * re-announced without a withdraw), an invalid file is refused and the
 * running configuration kept.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "evbgp/msg.h"
#include "evbgp/peer.h"
#include "evbgp/update.h"
#include "testlib.h"

#define NEIGHBOR_HEAD							\
	"neighbor 127.0.0.2 {\n"					\
	"	router-id 10.0.0.1;\n"					\
	"	local-address 127.0.0.1;\n"				\
	"	local-as 65001;\n"					\
	"	peer-as 65001;\n"					\
	"	passive;\n"						\
	"	group-updates false;\n"					\
	"	family { ipv4 unicast; }\n"

static const char conf_base[] = NEIGHBOR_HEAD
    "	hold-time 30;\n"
    "	static {\n"
    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
    "		route 10.2.0.0/24 next-hop 192.0.2.1;\n"
    "		route 10.3.0.0/24 next-hop 192.0.2.1 med 10;\n"
    "	}\n"
    "}\n";

struct harness {
	char		 path[64];
	struct daemon	*d;
	struct bufferevent *remote;
};

static void
write_conf(struct harness *h, const char *text)
{
	FILE *f = fopen(h->path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
settle(struct harness *h)
{
	test_settle(h->d->base);
}

static int
next_msg(struct harness *h, uint8_t *msg, size_t cap, uint16_t *lenp)
{
	return test_next_msg(h->remote, msg, cap, lenp);
}

/* Accept a session on the first peer and drain its initial table. */
static void
establish(struct harness *h)
{
	struct bufferevent *pair[2];
	struct bgp_addr local;
	uint8_t buf[4096];
	struct wbuf w;
	uint16_t len;

	ck_assert_uint_ge(h->d->npeers, 1);
	ck_assert_int_eq(bufferevent_pair_new(h->d->base, 0, pair), 0);
	h->remote = pair[1];
	bufferevent_enable(h->remote, EV_READ | EV_WRITE);
	addr_parse("127.0.0.1", &local);
	peer_accept_bev(h->d->peers[0], pair[0], &local);
	wbuf_init(&w, buf, sizeof(buf));
	w.len = test_open(buf, sizeof(buf), 65001, FAMSET(FAM_IPV4_UNICAST));
	keepalive_encode(&w);
	bufferevent_write(h->remote, w.buf, w.len);
	settle(h);
	ck_assert_int_eq(peer_state(h->d->peers[0]), ST_ESTABLISHED);
	while (next_msg(h, buf, sizeof(buf), &len) != 0)
		;
}

static void
harness_init(struct harness *h, const char *conf)
{
	char err[512];
	char *envp[] = { NULL };
	struct env env;
	struct config *cfg;
	char **paths;
	int fd;

	snprintf(h->path, sizeof(h->path), "/tmp/evbgp-reload-XXXXXX");
	fd = mkstemp(h->path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_conf(h, conf);
	ck_assert_int_eq(env_load(&env, NULL, envp, err, sizeof(err)), 0);
	env.api_cli = false;
	cfg = config_load(h->path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	paths = calloc(2, sizeof(*paths));
	paths[0] = h->path;
	h->d = daemon_new(&env, cfg, paths, 1);
	ck_assert_int_eq(daemon_start(h->d), 0);
	establish(h);
}

static void
harness_free(struct harness *h)
{
	char **paths = h->d->conf_paths;

	bufferevent_free(h->remote);
	daemon_free(h->d);
	free(paths);
	unlink(h->path);
}

/* Collect what the peer sent after a reload. */
struct seen {
	int		 updates;
	int		 notifications;
	uint8_t		 code, subcode;
	size_t		 announced, withdrawn;
	uint32_t	 med_of_10_3;
};

static void
collect(struct harness *h, struct seen *s)
{
	uint8_t msg[4096];
	uint16_t len;
	int type;
	struct update_msg m;
	struct update_ctx ctx = { .asn4 = true,
		.families = FAMSET(FAM_IPV4_UNICAST) };

	memset(s, 0, sizeof(*s));
	update_msg_init(&m);
	while ((type = next_msg(h, msg, sizeof(msg), &len)) != 0) {
		struct rbuf r;
		struct prefix p;
		size_t n;

		if (type == BGP_MSG_NOTIFICATION) {
			s->notifications++;
			s->code = msg[19];
			s->subcode = msg[20];
			continue;
		}
		if (type != BGP_MSG_UPDATE)
			continue;
		s->updates++;
		ck_assert_int_eq(update_decode(msg + 19, len - 19u, &ctx, &m),
		    UPD_OK);
		prefix_nlri_check(m.nlri, BGP_AFI_IPV4, false, &n);
		s->announced += n;
		prefix_nlri_check(m.withdrawn, BGP_AFI_IPV4, false, &n);
		s->withdrawn += n;
		r = m.nlri;
		while (prefix_nlri_get(&r, BGP_AFI_IPV4, false, &p, NULL) == 0)
			if (p.b[1] == 3)
				s->med_of_10_3 = m.attrs.med;
	}
	update_msg_free(&m);
}

START_TEST(test_unchanged_sends_nothing)
{
	struct harness h;
	struct seen s;

	harness_init(&h, conf_base);
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.updates, 0);
	ck_assert_int_eq(s.notifications, 0);
	ck_assert_int_eq(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	harness_free(&h);
}
END_TEST

START_TEST(test_routes_diffed)
{
	struct harness h;
	struct seen s;

	harness_init(&h, conf_base);
	/* 10.2 removed, 10.3 changed (med 20), 10.4 new, 10.1 unchanged */
	write_conf(&h, NEIGHBOR_HEAD
	    "	hold-time 30;\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.3.0.0/24 next-hop 192.0.2.1 med 20;\n"
	    "		route 10.4.0.0/24 next-hop 192.0.2.1;\n"
	    "	}\n"
	    "}\n");
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 0);
	ck_assert_uint_eq(s.withdrawn, 1);	/* 10.2 only, not 10.3 */
	ck_assert_uint_eq(s.announced, 2);	/* 10.3 (med 20) and 10.4 */
	ck_assert_uint_eq(s.med_of_10_3, 20);
	ck_assert_int_eq(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	harness_free(&h);
}
END_TEST

/*
 * Two neighbors with the same routes share an update group; a reload
 * that changes the routes of one splits it off: the other hears
 * nothing, it hears the difference.
 */
#define TWIN(addr, extra)						\
	"neighbor " addr " {\n"						\
	"	router-id 10.0.0.1;\n"					\
	"	local-address 127.0.0.1;\n"				\
	"	local-as 65001;\n"					\
	"	peer-as 65001;\n"					\
	"	passive;\n"						\
	"	group-updates false;\n"					\
	"	family { ipv4 unicast; }\n"				\
	"	hold-time 30;\n"					\
	"	static {\n"						\
	"		route 10.1.0.0/24 next-hop 192.0.2.1;\n"	\
	"		route 10.2.0.0/24 next-hop 192.0.2.1;\n"	\
	extra								\
	"	}\n"							\
	"}\n"

START_TEST(test_reload_splits_update_group)
{
	struct harness h;
	struct bufferevent *pair[2];
	struct bgp_addr local;
	struct peer *a, *b;
	uint8_t buf[4096];
	struct wbuf w;
	uint16_t len;
	struct seen s;
	int got_b = 0;

	harness_init(&h, TWIN("127.0.0.2", "") TWIN("127.0.0.3", ""));
	ck_assert_uint_eq(h.d->npeers, 2);
	a = h.d->peers[0];
	b = h.d->peers[1];
	ck_assert(ug_same(a, b));
	/* the second session, on a pair of its own */
	ck_assert_int_eq(bufferevent_pair_new(h.d->base, 0, pair), 0);
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	addr_parse("127.0.0.1", &local);
	peer_accept_bev(b, pair[0], &local);
	wbuf_init(&w, buf, sizeof(buf));
	w.len = test_open(buf, sizeof(buf), 65001, FAMSET(FAM_IPV4_UNICAST));
	keepalive_encode(&w);
	bufferevent_write(pair[1], w.buf, w.len);
	settle(&h);
	ck_assert_int_eq(peer_state(b), ST_ESTABLISHED);
	settle(&h);
	while (test_next_msg(pair[1], buf, sizeof(buf), &len) != 0)
		got_b++;
	ck_assert_int_ge(got_b, 3);	/* two routes and End-of-RIB */
	collect(&h, &s);
	/* the second neighbor's routes change, not the first's */
	write_conf(&h, TWIN("127.0.0.2", "") TWIN("127.0.0.3",
	    "		route 10.5.0.0/24 next-hop 192.0.2.1;\n"));
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	settle(&h);
	ck_assert(!ug_same(h.d->peers[0], h.d->peers[1]));
	collect(&h, &s);
	ck_assert_int_eq(s.updates, 0);		/* the first: nothing */
	got_b = 0;
	while (test_next_msg(pair[1], buf, sizeof(buf), &len) != 0)
		if (buf[18] == BGP_MSG_UPDATE)
			got_b++;
	ck_assert_int_eq(got_b, 1);		/* the second: 10.5 */
	ck_assert_uint_eq(adj_rib_count(h.d->peers[0]->rib_out), 2);
	ck_assert_uint_eq(adj_rib_count(h.d->peers[1]->rib_out), 3);
	bufferevent_free(pair[1]);
	harness_free(&h);
}
END_TEST

/* Two of three neighbors of a group get the same new routes: they leave
 * it together, for one group (one copy of the table). */
START_TEST(test_reload_split_keeps_alike_together)
{
	struct harness h;
	struct peer *a, *b, *c;

	harness_init(&h, TWIN("127.0.0.2", "") TWIN("127.0.0.3", "")
	    TWIN("127.0.0.4", ""));
	ck_assert_uint_eq(h.d->npeers, 3);
	ck_assert(ug_same(h.d->peers[0], h.d->peers[2]));
	write_conf(&h, TWIN("127.0.0.2", "") TWIN("127.0.0.3",
	    "		route 10.5.0.0/24 next-hop 192.0.2.1;\n")
	    TWIN("127.0.0.4", "		route 10.5.0.0/24 next-hop 192.0.2.1;\n"));
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	a = h.d->peers[0];
	b = h.d->peers[1];
	c = h.d->peers[2];
	ck_assert(!ug_same(a, b));
	ck_assert(ug_same(b, c));
	ck_assert_uint_eq(ug_members(b), 2);
	ck_assert_uint_eq(adj_rib_count(a->rib_out), 2);
	ck_assert_uint_eq(adj_rib_count(b->rib_out), 3);
	ck_assert_uint_eq(ug_registry_groups(h.d->penv.groups), 2);
	harness_free(&h);
}
END_TEST

START_TEST(test_invalid_kept)
{
	struct harness h;
	struct seen s;
	const struct config *before;

	harness_init(&h, conf_base);
	before = h.d->cfg;
	write_conf(&h, NEIGHBOR_HEAD "	hold-time 30\n}\n");
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), -1);
	test_spin(h.d->base);
	collect(&h, &s);
	ck_assert_int_eq(s.updates, 0);
	ck_assert_int_eq(s.notifications, 0);
	ck_assert_ptr_eq(h.d->cfg, before);
	ck_assert_int_eq(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	harness_free(&h);
}
END_TEST

START_TEST(test_neighbor_removed)
{
	struct harness h;
	struct seen s;

	harness_init(&h, conf_base);
	write_conf(&h, "# no neighbor left\n");
	/* asked for explicitly (see test_empty_refused) */
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD | DAEMON_ALLOW_EMPTY),
	    0);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 1);
	ck_assert_uint_eq(s.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(s.subcode, BGP_CEASE_PEER_DECONFIGURED);
	ck_assert_uint_eq(h.d->npeers, 0);
	harness_free(&h);
}
END_TEST

/* A neighbor made at run time ("create neighbor"). */
static struct peer *
runtime_neighbor(struct harness *h, const char *addr)
{
	char text[256], err[256];
	struct cfg_neighbor *nb;

	snprintf(text, sizeof(text), "neighbor %s {\n local-address "
	    "127.0.0.1;\n local-as 65001;\n peer-as 65002;\n passive;\n}\n",
	    addr);
	nb = config_neighbor_parse(h->d->cfg, text, "create", err,
	    sizeof(err));
	ck_assert_msg(nb != NULL, "%s", err);
	ck_assert_int_eq(daemon_create_neighbor(h->d, nb, err, sizeof(err)),
	    0);
	ck_assert(daemon_is_runtime(h->d, h->d->peers[h->d->npeers - 1]->cfg));
	return h->d->peers[h->d->npeers - 1];
}

/*
 * Neighbors made at run time are never in the file and outlive a reload
 * (the configured neighbor is untouched); when the file gains the same
 * neighbor, the file's takes over. The same key twice is refused.
 */
START_TEST(test_runtime_neighbor_kept)
{
	struct harness h;
	char err[256];
	struct cfg_neighbor *dup;

	harness_init(&h, conf_base);
	(void)runtime_neighbor(&h, "127.0.0.9");
	ck_assert_uint_eq(h.d->npeers, 2);
	dup = config_neighbor_parse(h.d->cfg, "neighbor 127.0.0.9 { "
	    "local-address 127.0.0.1; local-as 1; peer-as 1; }\n", "create",
	    err, sizeof(err));
	ck_assert_ptr_nonnull(dup);
	ck_assert_int_eq(daemon_create_neighbor(h.d, dup, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "neighbor 127.0.0.9 already exists (same "
	    "local-address and port)");
	/* the configured one too */
	dup = config_neighbor_parse(h.d->cfg, "neighbor 127.0.0.2 { "
	    "local-address 127.0.0.1; local-as 1; peer-as 1; }\n", "create",
	    err, sizeof(err));
	ck_assert_int_eq(daemon_create_neighbor(h.d, dup, err, sizeof(err)),
	    -1);

	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	ck_assert_uint_eq(h.d->npeers, 2);
	ck_assert_uint_eq(h.d->nruntime, 1);
	ck_assert_str_eq(h.d->peers[1]->cfg->name, "127.0.0.9");
	ck_assert(daemon_is_runtime(h.d, h.d->peers[1]->cfg));

	write_conf(&h, "neighbor 127.0.0.9 {\n local-address 127.0.0.1;\n"
	    " local-as 65001;\n peer-as 65003;\n passive;\n}\n");
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	ck_assert_uint_eq(h.d->npeers, 1);
	ck_assert_uint_eq(h.d->nruntime, 0);
	ck_assert_uint_eq(h.d->peers[0]->cfg->peer_as, 65003);
	ck_assert(!daemon_is_runtime(h.d, h.d->peers[0]->cfg));
	harness_free(&h);
}
END_TEST

/* "delete neighbor": Cease/Peer De-configured, gone with its definition;
 * a configured one deleted comes back at the next reload. */
START_TEST(test_delete_neighbor)
{
	struct harness h;
	struct seen s;
	struct peer *p;

	harness_init(&h, conf_base);
	p = runtime_neighbor(&h, "127.0.0.9");
	daemon_delete_peer(h.d, p);
	ck_assert_uint_eq(h.d->npeers, 1);
	ck_assert_uint_eq(h.d->nruntime, 0);
	daemon_delete_peer(h.d, h.d->peers[0]);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 1);
	ck_assert_uint_eq(s.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(s.subcode, BGP_CEASE_PEER_DECONFIGURED);
	ck_assert_uint_eq(h.d->npeers, 0);
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	ck_assert_uint_eq(h.d->npeers, 1);
	harness_free(&h);
}
END_TEST

/*
 * "teardown N [TEXT]": Cease/N; for Administrative Shutdown (2) and Reset
 * (4) an RFC 9003 shutdown communication, the command's text or, as
 * ExaBGP 4.2 sends, the subcode's name; no data for the others.
 */
START_TEST(test_teardown_communication)
{
	static const struct {
		uint8_t		 subcode;
		const char	*text;
		const char	*data;	/* NULL: none */
	} v[] = {
		{ 2, "maintenance window 42", "maintenance window 42" },
		{ 4, NULL, "Administrative Reset" },
		{ 2, NULL, "Administrative Shutdown" },
		{ 3, "ignored here", NULL },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct harness h;
		uint8_t msg[4096];
		uint16_t len;
		int type;
		bool seen = false;

		harness_init(&h, conf_base);
		peer_teardown(h.d->peers[0], v[i].subcode, v[i].text);
		settle(&h);
		while ((type = next_msg(&h, msg, sizeof(msg), &len)) != 0) {
			if (type != BGP_MSG_NOTIFICATION)
				continue;
			seen = true;
			ck_assert_uint_eq(msg[19], BGP_ERR_CEASE);
			ck_assert_uint_eq(msg[20], v[i].subcode);
			if (v[i].data == NULL) {
				ck_assert_uint_eq(len, 21);
				continue;
			}
			ck_assert_uint_eq(len, 22 + strlen(v[i].data));
			ck_assert_uint_eq(msg[21], strlen(v[i].data));
			ck_assert(memcmp(msg + 22, v[i].data,
			    strlen(v[i].data)) == 0);
		}
		ck_assert_msg(seen, "case %zu: no NOTIFICATION", i);
		harness_free(&h);
	}
}
END_TEST

/*
 * A reload to a configuration without any neighbor (an emptied or
 * comment-only file) is refused unless asked for: the sessions stay
 * (issue 8, defect 10). The request form with DAEMON_ALLOW_EMPTY (the
 * "reload allow-empty" command) applies it.
 */
START_TEST(test_empty_refused)
{
	static const char *const empties[] = { "", "# comments only\n#\n",
		"process p {\n\trun /bin/cat;\n\tencoder json;\n}\n" };
	struct harness h;
	struct seen s;
	const struct config *before;

	harness_init(&h, conf_base);
	before = h.d->cfg;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		write_conf(&h, empties[i]);
		ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), -1);
		daemon_request(h.d, DAEMON_RESTART, NULL);
		settle(&h);
		collect(&h, &s);
		ck_assert_int_eq(s.notifications, 0);
		ck_assert_int_eq(s.updates, 0);
		ck_assert_ptr_eq(h.d->cfg, before);
		ck_assert_int_eq(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	}
	write_conf(&h, "# no neighbor left\n");
	daemon_request(h.d, DAEMON_RELOAD | DAEMON_ALLOW_EMPTY, NULL);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 1);
	ck_assert_uint_eq(s.subcode, BGP_CEASE_PEER_DECONFIGURED);
	ck_assert_uint_eq(h.d->npeers, 0);
	harness_free(&h);
}
END_TEST

START_TEST(test_session_changed_resets)
{
	struct harness h;
	struct seen s;

	harness_init(&h, conf_base);
	write_conf(&h, NEIGHBOR_HEAD
	    "	hold-time 90;\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "	}\n"
	    "}\n");
	ck_assert_int_eq(daemon_reload(h.d, DAEMON_RELOAD), 0);
	settle(&h);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 1);
	ck_assert_uint_eq(s.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(s.subcode, BGP_CEASE_OTHER_CONFIG);
	/* a fresh peer with the new settings waits for the next session */
	ck_assert_uint_eq(h.d->npeers, 1);
	ck_assert_uint_eq(h.d->peers[0]->cfg->hold_time, 90);
	ck_assert_int_ne(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	harness_free(&h);
}
END_TEST

/* A request is acted on from a later loop turn, never inside the call. */
START_TEST(test_request_acts_later)
{
	struct harness h;
	struct seen s;
	const struct config *before;

	harness_init(&h, conf_base);
	before = h.d->cfg;
	write_conf(&h, NEIGHBOR_HEAD
	    "	hold-time 30;\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "	}\n"
	    "}\n");
	daemon_request(h.d, DAEMON_RELOAD, NULL);
	daemon_request(h.d, DAEMON_RELOAD, NULL);	/* merged */
	ck_assert_ptr_eq(h.d->cfg, before);
	settle(&h);
	ck_assert_ptr_ne(h.d->cfg, before);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 0);
	ck_assert_uint_eq(s.withdrawn, 2);
	ck_assert_int_eq(peer_state(h.d->peers[0]), ST_ESTABLISHED);
	harness_free(&h);
}
END_TEST

/* Shutdown and reload asked together: the shutdown wins. */
START_TEST(test_request_shutdown_wins)
{
	struct harness h;
	struct seen s;
	const struct config *before;

	harness_init(&h, conf_base);
	before = h.d->cfg;
	write_conf(&h, "# no neighbor left\n");
	daemon_request(h.d, DAEMON_RELOAD, NULL);
	daemon_request(h.d, DAEMON_SHUTDOWN, "test");
	ck_assert(!h.d->stopping);
	settle(&h);
	ck_assert(h.d->stopping);
	ck_assert_ptr_eq(h.d->cfg, before);
	collect(&h, &s);
	ck_assert_int_eq(s.notifications, 1);
	ck_assert_uint_eq(s.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(s.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	harness_free(&h);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reload");
	TCase *tc = tcase_create("reload");
	SRunner *sr;
	int failed;

	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	tcase_add_test(tc, test_unchanged_sends_nothing);
	tcase_add_test(tc, test_routes_diffed);
	tcase_add_test(tc, test_reload_splits_update_group);
	tcase_add_test(tc, test_reload_split_keeps_alike_together);
	tcase_add_test(tc, test_invalid_kept);
	tcase_add_test(tc, test_neighbor_removed);
	tcase_add_test(tc, test_runtime_neighbor_kept);
	tcase_add_test(tc, test_delete_neighbor);
	tcase_add_test(tc, test_teardown_communication);
	tcase_add_test(tc, test_empty_refused);
	tcase_add_test(tc, test_session_changed_resets);
	tcase_add_test(tc, test_request_acts_later);
	tcase_add_test(tc, test_request_shutdown_wins);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
