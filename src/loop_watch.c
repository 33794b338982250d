/*
 * What held the event loop (see loop_watch.h). Each callback is measured
 * from the end of the one before it in the same loop turn, or from the
 * turn's wake-up (libevent caches the time when its dispatch returns and
 * keeps it for the whole turn), to its own end: one clock read per
 * callback. Both are gettimeofday()'s clock: libevent's cached time is
 * its monotonic clock plus the offset to the wall clock it takes again
 * every few seconds (with CLOCK_MONOTONIC: the daemon asks for
 * EVENT_BASE_FLAG_PRECISE_TIMER); the wall clock's slew between two syncs
 * puts a figure a few ms off at most, a step can make one callback look
 * longer or shorter (never negative: clamped).
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <event2/event.h>

#include "evbgp/log.h"
#include "evbgp/loop_watch.h"

struct loop_watch {
	struct event_base	*base;
	int			 depth;
	enum lw_kind		 kind;		/* of the callback running */
	char			 who[LW_WHO_LEN];
	double			 last_end;	/* wall s; 0: none yet */
	struct lw_stall		 window;
	struct lw_stall		 minute, prev_minute;
	double			 minute_start;
	struct lw_stall		 max;
	uint64_t		 slow[LW_NKINDS];
	uint64_t		 callbacks;
	struct log_limit	 log_limit;
	/* the loop turn running: its wake-up, callbacks so far */
	double			 turn_wake;
	unsigned		 turn_callbacks;
	struct lw_turn		 window_turn, max_turn;
};

static struct loop_watch lw;

static const char *const kind_names[LW_NKINDS] = {
	[LW_READ] = "read",
	[LW_WRITE] = "write",
	[LW_PACK] = "pack",
	[LW_TIMER] = "timer",
	[LW_SESSION] = "session",
	[LW_HELPER] = "helper",
	[LW_CONTROL] = "control",
	[LW_DAEMON] = "daemon",
};

const char *
loop_watch_kind_name(enum lw_kind kind)
{
	return kind >= 0 && kind < LW_NKINDS ? kind_names[kind] : "other";
}

void
loop_watch_init(struct event_base *base)
{
	loop_watch_reset();
	lw.base = base;
}

void
loop_watch_reset(void)
{
	struct event_base *base = lw.base;

	memset(&lw, 0, sizeof(lw));
	lw.base = base;
}

void
loop_watch_enter(enum lw_kind kind, const char *who)
{
	if (lw.depth++ > 0)
		return;
	lw.kind = kind;
	/* copied now: a peer may be freed by its own callback */
	if (who == NULL)
		lw.who[0] = '\0';
	else {
		size_t n = strnlen(who, sizeof(lw.who) - 1);

		memcpy(lw.who, who, n);
		lw.who[n] = '\0';
	}
}

static double
tv_secs(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void
note(struct lw_stall *s, double secs, double at)
{
	s->secs = secs;
	s->kind = lw.kind;
	s->at = at;
	memcpy(s->who, lw.who, sizeof(s->who));
}

static void
log_slow(double secs)
{
	struct lw_stall s = { .secs = secs };
	char what[LW_WHO_LEN + 32];
	unsigned long held;

	/* a line per slow callback, at most ten a second (a storm of them
	 * is counted in the next line) */
	if (!log_would(LOG_INFO) || !log_limit_pass(&lw.log_limit, 0.1, &held))
		return;
	note(&s, secs, 0);
	if (held > 0)
		log_info("event loop: %.1f ms in one callback: %s (and %lu "
		    "more over %d ms)", secs * 1000,
		    loop_watch_describe(&s, what, sizeof(what)), held,
		    LW_SLOW_MS);
	else
		log_info("event loop: %.1f ms in one callback: %s",
		    secs * 1000, loop_watch_describe(&s, what, sizeof(what)));
}

void
loop_watch_leave(void)
{
	struct timeval now_tv, wake_tv;
	double now, start, secs;

	if (lw.depth == 0 || --lw.depth > 0)
		return;
	gettimeofday(&now_tv, NULL);
	now = tv_secs(&now_tv);
	start = now;
	if (lw.base != NULL &&
	    event_base_gettimeofday_cached(lw.base, &wake_tv) == 0)
		start = tv_secs(&wake_tv);
	if (start != lw.turn_wake) {	/* the first callback of a turn */
		lw.turn_wake = start;
		lw.turn_callbacks = 0;
	}
	if (lw.last_end > start && lw.last_end <= now)
		start = lw.last_end;
	lw.last_end = now;
	secs = now > start ? now - start : 0;
	lw.callbacks++;
	lw.turn_callbacks++;
	/* >=: a callback ending in the same microsecond still extends the
	 * turn it belongs to */
	if ((now > lw.turn_wake ? now - lw.turn_wake : 0) >=
	    lw.window_turn.secs) {
		lw.window_turn.secs = now > lw.turn_wake ? now - lw.turn_wake : 0;
		lw.window_turn.callbacks = lw.turn_callbacks;
		if (lw.window_turn.secs >= lw.max_turn.secs)
			lw.max_turn = lw.window_turn;
	}
	if (now - lw.minute_start >= LW_RECENT_S) {
		lw.prev_minute = lw.minute;
		lw.minute = (struct lw_stall){ 0 };
		lw.minute_start = now;
	}
	if (secs * 1000 > LW_SLOW_MS) {
		lw.slow[lw.kind]++;
		log_slow(secs);
	}
	if (secs <= lw.window.secs)
		return;		/* the common case */
	note(&lw.window, secs, now);
	if (secs > lw.minute.secs)
		note(&lw.minute, secs, now);
	if (secs > lw.max.secs)
		note(&lw.max, secs, now);
}

struct lw_stall
loop_watch_take_window(void)
{
	struct lw_stall s = lw.window;

	lw.window = (struct lw_stall){ 0 };
	return s;
}

struct lw_turn
loop_watch_take_window_turn(void)
{
	struct lw_turn t = lw.window_turn;

	lw.window_turn = (struct lw_turn){ 0 };
	return t;
}

struct lw_turn
loop_watch_max_turn(void)
{
	return lw.max_turn;
}

struct lw_stall
loop_watch_recent(void)
{
	return lw.minute.secs >= lw.prev_minute.secs ? lw.minute :
	    lw.prev_minute;
}

struct lw_stall
loop_watch_max(void)
{
	return lw.max;
}

uint64_t
loop_watch_slow_count(enum lw_kind kind)
{
	return kind >= 0 && kind < LW_NKINDS ? lw.slow[kind] : 0;
}

uint64_t
loop_watch_callbacks(void)
{
	return lw.callbacks;
}

const char *
loop_watch_describe(const struct lw_stall *s, char *buf, size_t size)
{
	const char *kind = loop_watch_kind_name(s->kind);

	if (s->secs <= 0)
		snprintf(buf, size, "%s", "");
	else if (s->kind <= LW_SESSION && s->who[0] != '\0')
		snprintf(buf, size, "peer %s %s", s->who, kind);
	else if (s->who[0] != '\0')
		snprintf(buf, size, "%s %s", kind, s->who);
	else
		snprintf(buf, size, "%s", kind);
	return buf;
}
