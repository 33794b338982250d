/*
 * loop_watch: the longest callback of the event loop is named with its
 * kind and subject; the loop's idle time (the poll) is never charged to
 * a callback; nested callbacks count once; the subject is copied.
 * Callbacks hold the loop by spinning on the clock (a condition on
 * mono_now(), not a sleep), so the figures are bounded below whatever the
 * machine's load.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "evbgp/loop_watch.h"
#include "evbgp/util.h"

struct hold {
	enum lw_kind	 kind;
	const char	*who;
	double		 secs;		/* how long to hold the loop */
	int		 ran;
};

/* Hold the loop: spin on the clock (a condition, not a sleep). */
static void
spin(double secs)
{
	double until = mono_now() + secs;

	while (mono_now() < until)
		;
}

static void
hold_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hold *h = arg;
	LOOP_WATCH(h->kind, h->who);

	spin(h->secs);
	h->ran++;
}

/* As the daemon makes it: libevent's clock CLOCK_MONOTONIC, not the
 * coarse one (whose 4 ms steps would show in the figures) */
static struct event_base *
watched_base(void)
{
	struct event_config *ec = event_config_new();
	struct event_base *base;

	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(ec);
	event_config_free(ec);

	ck_assert_ptr_nonnull(base);
	loop_watch_init(base);
	return base;
}

static void
done(struct event_base *base)
{
	loop_watch_init(NULL);
	event_base_free(base);
}

/* Three callbacks in one loop turn: the 60 ms one is named, not the
 * quick one after it (which starts where the long one ended). */
START_TEST(test_longest_named)
{
	struct event_base *base = watched_base();
	struct hold quick1 = { LW_READ, "192.0.2.8", 0, 0 };
	struct hold slow = { LW_PACK, "192.0.2.7", 0.060, 0 };
	struct hold quick2 = { LW_HELPER, "feed", 0, 0 };
	struct timeval now = { 0, 0 };
	char buf[128];

	event_base_once(base, -1, EV_TIMEOUT, hold_cb, &quick1, &now);
	event_base_once(base, -1, EV_TIMEOUT, hold_cb, &slow, &now);
	event_base_once(base, -1, EV_TIMEOUT, hold_cb, &quick2, &now);
	event_base_dispatch(base);
	ck_assert_int_eq(quick1.ran + slow.ran + quick2.ran, 3);

	struct lw_stall w = loop_watch_take_window();

	/* the spin is on CLOCK_MONOTONIC, the figure on the wall clock as
	 * libevent caches it: a few ms apart at most */
	ck_assert_msg(w.secs >= 0.050, "window %.4f s", w.secs);
	ck_assert_int_eq(w.kind, LW_PACK);
	ck_assert_str_eq(w.who, "192.0.2.7");
	ck_assert_str_eq(loop_watch_describe(&w, buf, sizeof(buf)),
	    "peer 192.0.2.7 pack");
	/* the window starts again; the maxima stay */
	ck_assert(loop_watch_take_window().secs == 0);
	ck_assert_str_eq(loop_watch_max().who, "192.0.2.7");
	ck_assert(loop_watch_max().secs == w.secs);
	ck_assert(loop_watch_recent().secs == w.secs);
	ck_assert_uint_eq(loop_watch_slow_count(LW_PACK), 1);
	ck_assert_uint_eq(loop_watch_slow_count(LW_READ), 0);
	ck_assert_uint_eq(loop_watch_slow_count(LW_HELPER), 0);
	ck_assert_uint_eq(loop_watch_callbacks(), 3);
	/* one turn held the timers for all three */
	struct lw_turn t = loop_watch_take_window_turn();

	ck_assert_uint_eq(t.callbacks, 3);
	ck_assert(t.secs >= w.secs);
	ck_assert(loop_watch_take_window_turn().secs == 0);
	ck_assert_uint_eq(loop_watch_max_turn().callbacks, 3);
	done(base);
}
END_TEST

/* A callback after 200 ms of idle loop is charged its own time, not the
 * poll's: the loop's wake-up starts it. */
START_TEST(test_idle_not_charged)
{
	struct event_base *base = watched_base();
	struct hold first = { LW_TIMER, "192.0.2.1", 0, 0 };
	struct hold later = { LW_TIMER, "192.0.2.2", 0, 0 };
	struct timeval now = { 0, 0 }, in200 = { 0, 200 * 1000 };
	double t0 = mono_now();

	event_base_once(base, -1, EV_TIMEOUT, hold_cb, &first, &now);
	event_base_once(base, -1, EV_TIMEOUT, hold_cb, &later, &in200);
	event_base_dispatch(base);
	ck_assert_int_eq(first.ran + later.ran, 2);
	ck_assert(mono_now() - t0 >= 0.2);
	/* each callback took microseconds; on a busy machine a preemption
	 * may add some, never the 200 ms the loop slept */
	ck_assert_msg(loop_watch_max().secs < 0.100, "max %.4f s",
	    loop_watch_max().secs);
	ck_assert_uint_eq(loop_watch_slow_count(LW_TIMER) <= 1, 1);
	/* two turns of one callback each, the sleep in neither */
	ck_assert_uint_eq(loop_watch_max_turn().callbacks, 1);
	ck_assert_msg(loop_watch_max_turn().secs < 0.100, "turn %.4f s",
	    loop_watch_max_turn().secs);
	done(base);
}
END_TEST

/* libevent may call one of our callbacks from inside another: it counts
 * in the outer one, under the outer one's name. */
static void
nested_cb(evutil_socket_t fd, short what, void *arg)
{
	/* as libevent runs a bufferevent's callbacks: not through LOOP_WATCH
	 * here so that the test controls the order */
	loop_watch_enter(LW_WRITE, "192.0.2.3");
	loop_watch_enter(LW_SESSION, "192.0.2.4");
	loop_watch_leave();
	spin(0.030);
	loop_watch_leave();
}

START_TEST(test_nested_counts_once)
{
	struct event_base *base = watched_base();
	struct timeval now = { 0, 0 };

	event_base_once(base, -1, EV_TIMEOUT, nested_cb, NULL, &now);
	event_base_dispatch(base);
	ck_assert_uint_eq(loop_watch_callbacks(), 1);
	ck_assert_int_eq(loop_watch_max().kind, LW_WRITE);
	ck_assert_str_eq(loop_watch_max().who, "192.0.2.3");
	ck_assert_msg(loop_watch_max().secs >= 0.020, "%.4f s",
	    loop_watch_max().secs);
	/* a stray leave is ignored */
	loop_watch_leave();
	ck_assert_uint_eq(loop_watch_callbacks(), 1);
	done(base);
}
END_TEST

/* The subject is copied at the start (a peer may be freed by its own
 * callback) and cut to LW_WHO_LEN - 1; a helper is named as one. */
static void
freed_subject_cb(evutil_socket_t fd, short what, void *arg)
{
	char *name = strdup("a-helper-with-a-name-longer-than-the-slot-it-"
	    "is-copied-into");

	ck_assert_ptr_nonnull(name);
	loop_watch_enter(LW_HELPER, name);
	free(name);
	spin(0.025);
	loop_watch_leave();
}

START_TEST(test_subject_copied)
{
	struct event_base *base = watched_base();
	struct timeval now = { 0, 0 };
	char buf[128];

	event_base_once(base, -1, EV_TIMEOUT, freed_subject_cb, NULL, &now);
	event_base_dispatch(base);

	struct lw_stall m = loop_watch_max();

	ck_assert_uint_eq(strlen(m.who), LW_WHO_LEN - 1);
	ck_assert(strncmp(m.who, "a-helper-with", 13) == 0);
	ck_assert(strncmp(loop_watch_describe(&m, buf, sizeof(buf)),
	    "helper a-helper-with", 20) == 0);
	m.secs = 0;
	ck_assert_str_eq(loop_watch_describe(&m, buf, sizeof(buf)), "");
	done(base);
}
END_TEST

static Suite *
loop_watch_suite(void)
{
	Suite *s = suite_create("loop_watch");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_longest_named);
	tcase_add_test(tc, test_idle_not_charged);
	tcase_add_test(tc, test_nested_counts_once);
	tcase_add_test(tc, test_subject_copied);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(loop_watch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
