/*
 * What held the event loop: the longest callback, with what it was.
 *
 * A late timer (daemon.c's health tick) says the loop was held, not by
 * what. Every callback evbgpd registers opens with LOOP_WATCH(kind, who):
 * when it returns, its duration is measured and the longest one of the
 * current window (the health tick's 50 ms), of the last minute and since
 * the start are kept with their kind and subject (a peer's address, a
 * helper's name). One clock read per callback: a callback starts where
 * the one before it in the same loop turn ended, or where the loop woke
 * up (libevent's cached time of that turn), so the read that ends one
 * callback starts the next. Nested callbacks (libevent calling one of ours
 * from inside another) count in the outer one.
 *
 * One event loop per process: the state is the module's own.
 */
#ifndef EVBGP_LOOP_WATCH_H
#define EVBGP_LOOP_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;

enum lw_kind {
	LW_READ,	/* a peer's input: decode, Adj-RIB-In, events */
	LW_WRITE,	/* a peer's output drained: refill, packing */
	LW_PACK,	/* a peer's kick: packing UPDATEs, a replay step */
	LW_TIMER,	/* a peer's timer: keepalive, hold, connect, idle */
	LW_SESSION,	/* a peer's connection event: up, down, error */
	LW_HELPER,	/* a helper's pipe, delivery, supervision */
	LW_CONTROL,	/* control socket, CLI pipe, metrics endpoint */
	LW_DAEMON,	/* signals, accept, reload, shutdown, health */
	LW_NKINDS
};

#define LW_WHO_LEN	48	/* a peer's address, a helper's name (cut) */
#define LW_SLOW_MS	20	/* a callback longer than this is counted */
#define LW_RECENT_S	60	/* the "recent" window */

struct lw_stall {
	double		 secs;		/* 0: none seen */
	enum lw_kind	 kind;
	char		 who[LW_WHO_LEN];
	double		 at;		/* mono_now() when it ended */
};

/* A loop turn: the callbacks run after one wake-up of the loop, back to
 * back (many short ones hold the timers as long as one long one). */
struct lw_turn {
	double		 secs;		/* from the wake-up to the last's end */
	unsigned	 callbacks;
};

/* Watch callbacks of this base (call once, before its loop runs). */
void	loop_watch_init(struct event_base *base);
/* Forget everything (tests). */
void	loop_watch_reset(void);

/* A callback starts / ends; use LOOP_WATCH() instead. */
void	loop_watch_enter(enum lw_kind kind, const char *who);
void	loop_watch_leave(void);

static inline void
loop_watch_cleanup_(int *unused)
{
	(void)unused;
	loop_watch_leave();
}

/*
 * First statement of a callback: measures it until it returns, by any
 * path. who may be NULL; it is copied (the subject may be freed inside).
 */
#define LOOP_WATCH(kind, who)						\
	int loop_watch_scope_						\
	    __attribute__((cleanup(loop_watch_cleanup_), unused)) =	\
	    (loop_watch_enter((kind), (who)), 0)

/* The longest callback since the last call (the health tick's window);
 * starts a new window. */
struct lw_stall	loop_watch_take_window(void);
/* The longest turn since the last call (starts a new window), since the
 * start. */
struct lw_turn	loop_watch_take_window_turn(void);
struct lw_turn	loop_watch_max_turn(void);
/* The longest in the last LW_RECENT_S seconds (roughly: the longest of
 * the current and the previous minute), and since the start. */
struct lw_stall	loop_watch_recent(void);
struct lw_stall	loop_watch_max(void);
/* Callbacks longer than LW_SLOW_MS, by kind, and all callbacks seen. */
uint64_t	loop_watch_slow_count(enum lw_kind kind);
uint64_t	loop_watch_callbacks(void);

/* "read", "write", ... (metrics labels, log lines) */
const char	*loop_watch_kind_name(enum lw_kind kind);
/* "peer 192.0.2.1 read", "helper feed", "control" into buf; "" for none */
const char	*loop_watch_describe(const struct lw_stall *s, char *buf,
		    size_t size);

#endif
