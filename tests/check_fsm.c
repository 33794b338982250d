/*
 * The FSM table, cell by cell, and the dispatcher with a recording fake.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/fsm.h"
#include "evbgp/log.h"

/* The cells RFC 4271 §8.2.2 (as we apply it) expects; everything else is
 * "unexpected" and takes the per-state default. Written out again here,
 * independently of fsm.c, so a mistyped row in either is caught. */
struct expect {
	enum fsm_state	 st;
	enum fsm_event	 ev;
	enum fsm_action	 act;
	enum fsm_state	 next;
};

static const struct expect expected[] = {
	{ ST_IDLE, EV_START, ACT_CONNECT, ST_CONNECT },
	{ ST_IDLE, EV_START_PASSIVE, ACT_WAIT, ST_ACTIVE },
	{ ST_IDLE, EV_STOP, ACT_NONE, ST_IDLE },
	{ ST_IDLE, EV_TCP_ACCEPTED, ACT_SEND_OPEN, ST_OPENSENT },

	{ ST_CONNECT, EV_STOP, ACT_CLOSE, ST_IDLE },
	{ ST_CONNECT, EV_CONNECT_RETRY_EXPIRES, ACT_CONNECT, ST_CONNECT },
	{ ST_CONNECT, EV_TCP_CONNECTED, ACT_SEND_OPEN, ST_OPENSENT },
	{ ST_CONNECT, EV_TCP_ACCEPTED, ACT_SEND_OPEN, ST_OPENSENT },
	{ ST_CONNECT, EV_TCP_FAILED, ACT_CONNECT_FAILED, ST_ACTIVE },

	{ ST_ACTIVE, EV_STOP, ACT_CLOSE, ST_IDLE },
	{ ST_ACTIVE, EV_CONNECT_RETRY_EXPIRES, ACT_CONNECT, ST_CONNECT },
	{ ST_ACTIVE, EV_TCP_ACCEPTED, ACT_SEND_OPEN, ST_OPENSENT },
	{ ST_ACTIVE, EV_TCP_FAILED, ACT_NONE, ST_ACTIVE },

	{ ST_OPENSENT, EV_STOP, ACT_CEASE, ST_IDLE },
	{ ST_OPENSENT, EV_HOLD_EXPIRES, ACT_HOLD_EXPIRED, ST_IDLE },
	{ ST_OPENSENT, EV_SEND_HOLD_EXPIRES, ACT_SEND_HOLD_EXPIRED, ST_IDLE },
	{ ST_OPENSENT, EV_TCP_FAILED, ACT_CONNECT_FAILED, ST_ACTIVE },
	{ ST_OPENSENT, EV_OPEN_RECEIVED, ACT_OPEN_RECEIVED, ST_OPENCONFIRM },
	{ ST_OPENSENT, EV_NOTIFICATION_RECEIVED, ACT_NOTIFICATION_RECEIVED,
	    ST_IDLE },
	{ ST_OPENSENT, EV_MSG_ERROR, ACT_SEND_ERROR, ST_IDLE },
	{ ST_OPENSENT, EV_COLLISION_LOST, ACT_COLLISION, ST_IDLE },

	{ ST_OPENCONFIRM, EV_STOP, ACT_CEASE, ST_IDLE },
	{ ST_OPENCONFIRM, EV_HOLD_EXPIRES, ACT_HOLD_EXPIRED, ST_IDLE },
	{ ST_OPENCONFIRM, EV_SEND_HOLD_EXPIRES, ACT_SEND_HOLD_EXPIRED,
	    ST_IDLE },
	{ ST_OPENCONFIRM, EV_KEEPALIVE_EXPIRES, ACT_SEND_KEEPALIVE,
	    ST_OPENCONFIRM },
	{ ST_OPENCONFIRM, EV_TCP_FAILED, ACT_DROP, ST_IDLE },
	{ ST_OPENCONFIRM, EV_KEEPALIVE_RECEIVED, ACT_ESTABLISH,
	    ST_ESTABLISHED },
	{ ST_OPENCONFIRM, EV_NOTIFICATION_RECEIVED, ACT_NOTIFICATION_RECEIVED,
	    ST_IDLE },
	{ ST_OPENCONFIRM, EV_MSG_ERROR, ACT_SEND_ERROR, ST_IDLE },
	{ ST_OPENCONFIRM, EV_COLLISION_LOST, ACT_COLLISION, ST_IDLE },

	{ ST_ESTABLISHED, EV_STOP, ACT_CEASE, ST_IDLE },
	{ ST_ESTABLISHED, EV_HOLD_EXPIRES, ACT_HOLD_EXPIRED, ST_IDLE },
	{ ST_ESTABLISHED, EV_SEND_HOLD_EXPIRES, ACT_SEND_HOLD_EXPIRED,
	    ST_IDLE },
	{ ST_ESTABLISHED, EV_KEEPALIVE_EXPIRES, ACT_SEND_KEEPALIVE,
	    ST_ESTABLISHED },
	{ ST_ESTABLISHED, EV_TCP_FAILED, ACT_DROP, ST_IDLE },
	{ ST_ESTABLISHED, EV_KEEPALIVE_RECEIVED, ACT_KEEPALIVE_RECEIVED,
	    ST_ESTABLISHED },
	{ ST_ESTABLISHED, EV_UPDATE_RECEIVED, ACT_UPDATE, ST_ESTABLISHED },
	{ ST_ESTABLISHED, EV_ROUTE_REFRESH_RECEIVED, ACT_ROUTE_REFRESH,
	    ST_ESTABLISHED },
	{ ST_ESTABLISHED, EV_NOTIFICATION_RECEIVED, ACT_NOTIFICATION_RECEIVED,
	    ST_IDLE },
	{ ST_ESTABLISHED, EV_MSG_ERROR, ACT_SEND_ERROR, ST_IDLE },
};

static const struct expect *
find_expected(enum fsm_state st, enum fsm_event ev)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (expected[i].st == st && expected[i].ev == ev)
			return &expected[i];
	return NULL;
}

/* _i runs over every (state, event) cell. */
START_TEST(test_every_cell)
{
	enum fsm_state st = (enum fsm_state)(_i / EV_MAX);
	enum fsm_event ev = (enum fsm_event)(_i % EV_MAX);
	const struct expect *e = find_expected(st, ev);
	struct fsm_cell c = fsm_lookup(st, ev);

	if (e != NULL) {
		ck_assert_msg(c.valid, "%s/%s should be expected",
		    fsm_state_name(st), fsm_event_name(ev));
		ck_assert_int_eq(c.action, e->act);
		ck_assert_int_eq(c.next, e->next);
		return;
	}
	ck_assert_msg(!c.valid, "%s/%s should be unexpected",
	    fsm_state_name(st), fsm_event_name(ev));
	ck_assert_int_eq(c.next, ST_IDLE);
	switch (st) {
	case ST_IDLE:
		ck_assert_int_eq(c.action, ACT_NONE);
		break;
	case ST_CONNECT:
	case ST_ACTIVE:
		ck_assert_int_eq(c.action, ACT_CLOSE);
		break;
	default:
		ck_assert_int_eq(c.action, ACT_FSM_ERROR);
	}
}
END_TEST

START_TEST(test_error_subcodes)
{
	ck_assert_int_eq(fsm_error_subcode(ST_OPENSENT), BGP_ERR_FSM_OPENSENT);
	ck_assert_int_eq(fsm_error_subcode(ST_OPENCONFIRM),
	    BGP_ERR_FSM_OPENCONFIRM);
	ck_assert_int_eq(fsm_error_subcode(ST_ESTABLISHED),
	    BGP_ERR_FSM_ESTABLISHED);
	ck_assert_int_eq(fsm_error_subcode(ST_IDLE), BGP_ERR_FSM_UNSPECIFIED);
}
END_TEST

START_TEST(test_names)
{
	for (int s = 0; s < ST_MAX; s++) {
		ck_assert_ptr_nonnull(fsm_state_name(s));
		ck_assert_str_ne(fsm_state_name(s), "?");
	}
	for (int e = 0; e < EV_MAX; e++) {
		ck_assert_ptr_nonnull(fsm_event_name(e));
		ck_assert_str_ne(fsm_event_name(e), "?");
	}
	for (int a = 0; a < ACT_MAX; a++) {
		ck_assert_ptr_nonnull(fsm_action_name(a));
		ck_assert_str_ne(fsm_action_name(a), "?");
	}
	ck_assert_str_eq(fsm_state_name(ST_MAX), "?");
}
END_TEST

/* ---- dispatcher with a recording fake ---- */

struct record {
	struct fsm	 fsm;
	int		 nact;
	enum fsm_action	 acts[16];
	enum fsm_event	 act_evs[16];
	int		 nenter;
	enum fsm_state	 from[16], to[16];
	/* raise this event from inside the next action, once */
	int		 raise;
	bool		 raise_always;	/* ... or from every action */
};

static void
rec_act(void *ctx, enum fsm_action a, enum fsm_event ev)
{
	struct record *r = ctx;

	if (r->raise_always) {
		r->nact++;
		fsm_dispatch(&r->fsm, (enum fsm_event)r->raise);
		return;
	}
	r->acts[r->nact] = a;
	r->act_evs[r->nact] = ev;
	r->nact++;
	if (r->raise >= 0) {
		enum fsm_event raise = (enum fsm_event)r->raise;

		r->raise = -1;
		fsm_dispatch(&r->fsm, raise);
		/* queued, not run yet: the state is still the old one */
		ck_assert_int_eq(r->nact, 1);
	}
}

static void
rec_enter(void *ctx, enum fsm_state from, enum fsm_state to,
    enum fsm_event ev)
{
	struct record *r = ctx;

	r->from[r->nenter] = from;
	r->to[r->nenter] = to;
	r->nenter++;
}

static const char *
rec_name(void *ctx)
{
	return "test";
}

static const struct fsm_ops rec_ops = { rec_act, rec_enter, rec_name };

static void
rec_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->raise = -1;
	fsm_init(&r->fsm, &rec_ops, r);
}

START_TEST(test_dispatch_path_to_established)
{
	struct record r;
	static const enum fsm_event path[] = { EV_START, EV_TCP_CONNECTED,
		EV_OPEN_RECEIVED, EV_KEEPALIVE_RECEIVED, EV_UPDATE_RECEIVED };
	static const enum fsm_state states[] = { ST_CONNECT, ST_OPENSENT,
		ST_OPENCONFIRM, ST_ESTABLISHED, ST_ESTABLISHED };

	rec_init(&r);
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		fsm_dispatch(&r.fsm, path[i]);
		ck_assert_int_eq(r.fsm.state, states[i]);
	}
	ck_assert_int_eq(r.nact, 5);
	ck_assert_int_eq(r.acts[0], ACT_CONNECT);
	ck_assert_int_eq(r.acts[1], ACT_SEND_OPEN);
	ck_assert_int_eq(r.acts[2], ACT_OPEN_RECEIVED);
	ck_assert_int_eq(r.acts[3], ACT_ESTABLISH);
	ck_assert_int_eq(r.acts[4], ACT_UPDATE);
	ck_assert_int_eq(r.nenter, 5);
	ck_assert_int_eq(r.from[3], ST_OPENCONFIRM);
	ck_assert_int_eq(r.to[3], ST_ESTABLISHED);
}
END_TEST

START_TEST(test_dispatch_unexpected_message)
{
	struct record r;

	rec_init(&r);
	r.fsm.state = ST_OPENSENT;
	fsm_dispatch(&r.fsm, EV_UPDATE_RECEIVED);
	ck_assert_int_eq(r.nact, 1);
	ck_assert_int_eq(r.acts[0], ACT_FSM_ERROR);
	ck_assert_int_eq(r.fsm.state, ST_IDLE);
	ck_assert_int_eq(r.nenter, 1);
	ck_assert_int_eq(r.from[0], ST_OPENSENT);
}
END_TEST

START_TEST(test_dispatch_idle_ignores)
{
	struct record r;

	rec_init(&r);
	fsm_dispatch(&r.fsm, EV_HOLD_EXPIRES);
	fsm_dispatch(&r.fsm, EV_KEEPALIVE_RECEIVED);
	ck_assert_int_eq(r.nact, 0);
	ck_assert_int_eq(r.nenter, 0);
	ck_assert_int_eq(r.fsm.state, ST_IDLE);
}
END_TEST

START_TEST(test_dispatch_reentrant_queued)
{
	struct record r;

	rec_init(&r);
	/* the connect action fails at once and raises TCP_FAILED */
	r.raise = EV_TCP_FAILED;
	fsm_dispatch(&r.fsm, EV_START);
	ck_assert_int_eq(r.nact, 2);
	ck_assert_int_eq(r.acts[0], ACT_CONNECT);
	ck_assert_int_eq(r.acts[1], ACT_CONNECT_FAILED);
	ck_assert_int_eq(r.act_evs[1], EV_TCP_FAILED);
	ck_assert_int_eq(r.fsm.state, ST_ACTIVE);
	ck_assert_int_eq(r.nenter, 2);
	ck_assert_int_eq(r.to[0], ST_CONNECT);
	ck_assert_int_eq(r.to[1], ST_ACTIVE);
	ck_assert(!r.fsm.in_dispatch);
	ck_assert_int_eq(r.fsm.nqueued, 0);
}
END_TEST

/*
 * An action that raises an event every time (a bug) fills the queue: the
 * daemon stops (exit 1) rather than drop an event and carry on with a
 * session in a state nobody chose.
 */
START_TEST(test_dispatch_queue_full_is_fatal)
{
	struct record r;

	rec_init(&r);
	r.fsm.state = ST_CONNECT;
	r.raise = EV_CONNECT_RETRY_EXPIRES;	/* Connect: ACT_CONNECT again */
	r.raise_always = true;
	fsm_dispatch(&r.fsm, EV_CONNECT_RETRY_EXPIRES);
	/* not reached: returning here exits 0, which fails the test (a
	 * failed assertion would exit 1, the status expected) */
}
END_TEST

static Suite *
fsm_suite(void)
{
	Suite *s = suite_create("fsm");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_every_cell, 0, ST_MAX * EV_MAX);
	tcase_add_test(tc, test_error_subcodes);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("dispatch");
	tcase_add_test(tc, test_dispatch_path_to_established);
	tcase_add_test(tc, test_dispatch_unexpected_message);
	tcase_add_test(tc, test_dispatch_idle_ignores);
	tcase_add_test(tc, test_dispatch_reentrant_queued);
	tcase_add_exit_test(tc, test_dispatch_queue_full_is_fatal, 1);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fsm_suite());
	int failed;

	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
