/*
 * Events for helpers (events.c) without a daemon or a peer: a real
 * supervisor with recording helpers (tests/helpers/record.sh), the
 * subscriptions of a neighbor's api blocks, and a message handed over as
 * the daemon would. Every helper gets its own rendering, each distinct
 * (encoder, rendering) is encoded once however many helpers want it
 * (issue 8, defect 13: a 4-slot cache for up to 14 renderings), and a
 * helper behind its queue's high mark is reported to the caller.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbgp/events.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/log.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"
#include "testlib.h"

#define RECORD	EVBGP_SOURCE_DIR "/tests/helpers/record.sh"

/* One helper per distinct (encoder, rendering), in an order that used to
 * overflow the cache, plus one that repeats an earlier rendering. */
static const struct {
	const char	*name;
	const char	*encoder;
	const char	*receive;
} helpers[] = {
	{ "jparsed", "json", "parsed;" },
	{ "jpackets", "json", "packets;" },
	{ "jcons", "json", "consolidate;" },
	{ "tparsed", "text", "parsed;" },
	{ "tpackets", "text", "packets;" },
	{ "jboth", "json", "parsed; packets;" },
	{ "tparsed2", "text", "parsed;" },	/* as tparsed */
	{ "jparsed2", "json", "parsed;" },	/* as jparsed */
};
#define NHELPERS	(sizeof(helpers) / sizeof(helpers[0]))
#define NDISTINCT	6

struct fixture {
	char		 dir[64];
	char		 out[NHELPERS][96];
	struct event_base *base;
	struct config	*cfg;
	struct sup	*sup;
	struct events ev;
	struct api_subs	 subs;
	struct api_peer	 ap;
};

static void
nop_line(void *arg, struct sup_helper *h, const char *line, size_t len)
{
}

static void
nop_started(void *arg, struct sup_helper *h)
{
}

static void
nop_exited(void *arg, struct sup_helper *h, int status, bool respawning)
{
}

static void
nop_fatal(void *arg, const char *why)
{
}

static void
nop_stopped(void *arg)
{
}

static const struct sup_ops ops = {
	.line = nop_line,
	.started = nop_started,
	.exited = nop_exited,
	.fatal = nop_fatal,
	.all_stopped = nop_stopped,
};

static void
fixture_init(struct fixture *fx)
{
	struct sbuf conf;
	struct sup_settings ss;
	char err[512];

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/evbgp-events-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
	sbuf_init(&conf);
	for (size_t i = 0; i < NHELPERS; i++) {
		snprintf(fx->out[i], sizeof(fx->out[i]), "%s/%s.out", fx->dir,
		    helpers[i].name);
		sbuf_printf(&conf, "process %s {\n\trun %s %s;\n\tencoder %s;\n"
		    "}\n", helpers[i].name, RECORD, fx->out[i],
		    helpers[i].encoder);
	}
	sbuf_printf(&conf, "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65002;\n"
	    "	family { ipv4 unicast; }\n");
	for (size_t i = 0; i < NHELPERS; i++)
		sbuf_printf(&conf, "	api { processes [ %s ]; receive { %s "
		    "update; } }\n", helpers[i].name, helpers[i].receive);
	sbuf_printf(&conf, "}\n");
	fx->cfg = config_parse(conf.p, "events.conf", err, sizeof(err));
	ck_assert_msg(fx->cfg != NULL, "%s", err);
	sbuf_free(&conf);

	fx->base = event_base_new();
	sup_settings_default(&ss);
	fx->sup = sup_new(fx->base, &ss, &ops, fx);
	ck_assert_int_eq(sup_apply(fx->sup, fx->cfg->processes,
	    fx->cfg->nprocesses), 0);
	for (size_t i = 0; i < NHELPERS; i++)
		ck_assert_ptr_nonnull(sup_find(fx->sup, helpers[i].name));
	fx->ev.sup = fx->sup;
	fx->ev.host = "test";
	fx->ev.high_mark = ss.max_queue / 2;
	api_subs_init(&fx->subs, &fx->cfg->neighbors[0]);
	addr_parse("127.0.0.1", &fx->ap.local);
	addr_parse("127.0.0.2", &fx->ap.remote);
	fx->ap.local_as = 65001;
	fx->ap.peer_as = 65002;
	for (int d = 0; d < 2; d++) {
		fx->ap.ctx[d].asn4 = true;
		fx->ap.ctx[d].ebgp = true;
		fx->ap.ctx[d].families = FAMSET(FAM_IPV4_UNICAST);
	}
}

static void
fixture_free(struct fixture *fx)
{
	api_subs_free(&fx->subs);
	sup_free(fx->sup);
	event_base_free(fx->base);
	config_free(fx->cfg);
	for (size_t i = 0; i < NHELPERS; i++)
		unlink(fx->out[i]);
	rmdir(fx->dir);
}

/* Bytes a helper has recorded so far. */
static long
recorded_len(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* The whole recording (caller frees). */
static char *
recorded(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = recorded_len(path);
	char *buf = xmalloc((size_t)n + 1);

	ck_assert_ptr_nonnull(f);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run the loop until every helper has written a whole line (20 s). */
static void
wait_all_recorded(struct fixture *fx)
{
	for (int i = 0; i < 2000; i++) {
		size_t done = 0;
		struct timeval tv = { 0, 10000 };

		for (size_t k = 0; k < NHELPERS; k++) {
			char *s = recorded_len(fx->out[k]) > 0 ?
			    recorded(fx->out[k]) : NULL;

			if (s != NULL && strchr(s, '\n') != NULL)
				done++;
			free(s);
		}
		if (done == NHELPERS)
			return;
		event_base_loopexit(fx->base, &tv);
		event_base_dispatch(fx->base);
	}
	ck_abort_msg("not every helper got its event");
}

START_TEST(test_each_rendering_once)
{
	struct fixture fx;
	uint8_t msg[256];
	size_t len = test_update(msg, sizeof(msg));
	uint32_t types;

	fixture_init(&fx);
	types = api_subs_types(&fx.subs, API_DIR_RECEIVE);
	ck_assert_uint_eq(types, 1u << BGP_MSG_UPDATE);
	ck_assert_uint_eq(api_subs_types(&fx.subs, API_DIR_SEND), 0);
	ck_assert(!events_message(&fx.ev, &fx.subs, &fx.ap,
	    API_DIR_RECEIVE, msg, len, NULL));
	/* six distinct renderings among eight helpers: six encodings */
	ck_assert_uint_eq(fx.ev.renderings, NDISTINCT);
	wait_all_recorded(&fx);
	for (size_t i = 0; i < NHELPERS; i++) {
		char *s = recorded(fx.out[i]);
		bool json = strcmp(helpers[i].encoder, "json") == 0;
		/* consolidate is parsed content with the raw hex beside */
		bool parsed = strstr(helpers[i].receive, "parsed") != NULL ||
		    strstr(helpers[i].receive, "consolidate") != NULL;

		/* its own dialect and rendering, nobody else's */
		ck_assert_msg(json == (s[0] == '{'), "%s: %s", helpers[i].name,
		    s);
		ck_assert_msg(parsed == (strstr(s, "10.1.2.0/24") != NULL),
		    "%s: %s", helpers[i].name, s);
		/* ExaBGP's text encoder: a blank line ends each event; a
		 * JSON event is one line */
		if (json)
			ck_assert_msg(strchr(s, '\n') == s + strlen(s) - 1,
			    "%s: %s", helpers[i].name, s);
		else
			ck_assert_msg(strlen(s) > 2 &&
			    strcmp(s + strlen(s) - 2, "\n\n") == 0 &&
			    strstr(s, "\n\n") == s + strlen(s) - 2,
			    "%s: %s", helpers[i].name, s);
		free(s);
	}
	fixture_free(&fx);
}
END_TEST

/* A helper over the high mark is reported, so the caller can slow the
 * peer down; the event still reaches it. */
START_TEST(test_behind_reported)
{
	struct fixture fx;
	uint8_t msg[256];
	size_t len = test_update(msg, sizeof(msg));

	fixture_init(&fx);
	fx.ev.high_mark = 0;	/* anything queued is "behind" */
	ck_assert(events_message(&fx.ev, &fx.subs, &fx.ap,
	    API_DIR_RECEIVE, msg, len, NULL));
	ck_assert(!events_drained(&fx.ev, &fx.subs));
	wait_all_recorded(&fx);
	ck_assert(events_drained(&fx.ev, &fx.subs));
	fixture_free(&fx);
}
END_TEST

struct turn_times {
	struct events	*ev;
	double		 first, second, wall;
};

/* One turn's callback: two events' times with the clock moved on by at
 * least 2 ms between them. */
static void
two_events_cb(evutil_socket_t fd, short what, void *arg)
{
	struct turn_times *tt = arg;
	struct api_source src;
	double until;

	(void)fd, (void)what;
	api_source_now(tt->ev, &src);
	tt->first = src.time;
	until = wall_now() + 0.002;
	while (wall_now() < until)
		;
	api_source_now(tt->ev, &src);
	tt->second = src.time;
	tt->wall = wall_now();
}

/*
 * With the loop set, the events of one turn share its time (read once,
 * libevent's cached clock), which is the wall clock's; without it, each
 * event reads the clock.
 */
START_TEST(test_event_time_per_turn)
{
	struct event_base *base = event_base_new();
	struct events ev;
	struct turn_times tt;
	struct timeval now = { 0, 0 };

	ck_assert_ptr_nonnull(base);
	memset(&ev, 0, sizeof(ev));
	ev.base = base;
	tt.ev = &ev;
	ck_assert_int_eq(event_base_once(base, -1, EV_TIMEOUT, two_events_cb,
	    &tt, &now), 0);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert(tt.first == tt.second);
	/* the turn's time is the wall clock's (a generous bound: a busy
	 * machine may hold the turn up) */
	ck_assert(tt.first <= tt.wall && tt.wall - tt.first < 5.0);
	/* no loop: every event reads the clock */
	ev.base = NULL;
	ck_assert_int_eq(event_base_once(base, -1, EV_TIMEOUT, two_events_cb,
	    &tt, &now), 0);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert(tt.second - tt.first >= 0.002);
	event_base_free(base);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("render");
	SRunner *sr;
	int failed;

	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_each_rendering_once);
	tcase_add_test(tc, test_behind_reported);
	tcase_add_test(tc, test_event_time_per_turn);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
