/*
 * The process supervisor: starts the helper programs of the `process`
 * blocks (fork + execve of the run argv, never a shell), talks to them
 * over non-blocking bufferevent pipes, reaps them through a libevent
 * SIGCHLD event and respawns them with exponential back-off.
 *
 * Guarantees: a helper is gone only when its stdout hit EOF *and* it was
 * reaped (two-phase, as tmux job.c); no descriptor leaks into a helper
 * (everything CLOEXEC, the rest closed); no zombie survives; a helper
 * that stops reading never blocks the daemon (its output queue is capped
 * in bytes, and the overflow policy applies); input lines are capped
 * (longer lines are logged and discarded up to the next newline); lines
 * are delivered in bounded batches per loop turn so timers stay on time.
 */
#ifndef EVBGP_SUPERVISOR_H
#define EVBGP_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "evbgp/config.h"

struct event_base;
struct sup;
struct sup_helper;

enum sup_overflow {
	SUP_OVERFLOW_DROP,	/* drop the event, count it, tell the helper */
	SUP_OVERFLOW_RESTART,	/* kill and respawn the helper */
};

struct sup_settings {
	size_t		 max_line;	/* bytes; default 65536 */
	size_t		 max_queue;	/* bytes queued to one helper; 16 MiB */
	enum sup_overflow overflow;
	bool		 respawn;	/* exabgp.api.respawn (default true) */
	bool		 terminate;	/* exabgp.api.terminate: stop when a
					   helper is lost for good */
	bool		 splice;	/* vmsplice large batches (true) */
	unsigned	 lines_per_turn; /* per helper per loop turn; 100 */
	unsigned	 respawn_min_ms; /* first back-off; 100 */
	unsigned	 respawn_max_ms; /* cap; 30000 */
	unsigned	 healthy_after_s; /* resets the back-off; 60 */
	unsigned	 kill_grace_ms;	/* SIGTERM -> SIGKILL; 2000 */
	unsigned	 stdin_grace_ms; /* sup_stop_all: the shutdown event ->
					   stdin EOF + SIGTERM; 100, ExaBGP's
					   0.1 s (0: at once) */
};

struct sup_ops {
	/* One line (no newline, NUL-terminated at len) from h's stdout. */
	void	(*line)(void *arg, struct sup_helper *h, const char *line,
		    size_t len);
	/* h was (re)started. */
	void	(*started)(void *arg, struct sup_helper *h);
	/* h is gone (EOF and reaped); status as from waitpid. respawning
	 * tells whether a new instance will be started. */
	void	(*exited)(void *arg, struct sup_helper *h, int status,
		    bool respawning);
	/* A helper was lost for good and settings.terminate is set: the
	 * daemon should shut down. */
	void	(*fatal)(void *arg, const char *why);
	/* After sup_stop_all: every helper is gone. */
	void	(*all_stopped)(void *arg);
	/* h's queue drained after events to it were dropped (overflow
	 * policy drop): the caller tells the helper how many (optional). */
	void	(*overflow)(void *arg, struct sup_helper *h,
		    unsigned long dropped);
};

/* Defaults for every field. */
void	sup_settings_default(struct sup_settings *s);
struct sup *sup_new(struct event_base *base, const struct sup_settings *s,
	    const struct sup_ops *ops, void *arg);
/* Stop everything at once (SIGKILL, no grace) and free. */
void	sup_free(struct sup *s);

/*
 * Make the running helpers match procs: start new names, stop removed
 * ones (stdin closed, SIGTERM, SIGKILL after the grace), restart those
 * whose run/encoder changed, leave the others alone. The cfg_process
 * structs are copied. Returns 0, or -1 if some helper could not be
 * started (logged; it is retried with back-off).
 */
int	sup_apply(struct sup *s, const struct cfg_process *procs, size_t n);
/* Restart every helper (SIGUSR2). */
void	sup_restart_all(struct sup *s);
/* Orderly stop: close every stdin, SIGTERM the process groups, SIGKILL
 * after the grace, call ops->all_stopped when all are reaped. */
void	sup_stop_all(struct sup *s);

/* The helper of that process name, or NULL (not running or unknown). */
struct sup_helper *sup_find(struct sup *s, const char *name);
const char *sup_helper_name(const struct sup_helper *h);
enum cfg_encoder sup_helper_encoder(const struct sup_helper *h);
/* Its process block's api-version (4 or 6), 0 when not given. */
unsigned sup_helper_api_version(const struct sup_helper *h);
pid_t	sup_helper_pid(const struct sup_helper *h);

/*
 * Queue len bytes for h's stdin. 0 if queued, -1 if the queue cap would
 * be exceeded: then the overflow policy was applied (drop: the data is
 * discarded and counted; restart: the helper is being restarted) and
 * the event was logged.
 */
int	sup_write(struct sup_helper *h, const char *data, size_t len);
/*
 * The same, gathered with the other batched writes of this loop turn in a
 * ring of resident pages and given to the pipe in one go when the turn's
 * callbacks are done (or 64 KiB are gathered): vmspliced (no copy) when
 * the batch is large and nothing copied is waiting, else copied; a plain
 * sup_write() sends them first. For events that come in bursts (received
 * UPDATEs).
 */
int	sup_write_batched(struct sup_helper *h, const char *data, size_t len);
/* Bytes queued for h. */
size_t	sup_queued(const struct sup_helper *h);
/* Stop / resume delivering h's lines (the daemon is saturated). */
void	sup_pause(struct sup_helper *h, bool paused);
/* Counters: lines delivered, lines discarded as too long, bytes of
 * output dropped on overflow, restarts; bytes given to the pipe by
 * reference (vmsplice from the event ring) and by copy (write). */
struct sup_stats {
	unsigned long	 lines;
	unsigned long	 long_lines;
	unsigned long	 dropped_bytes;
	unsigned long	 dropped_events;
	unsigned long	 restarts;
	unsigned long	 spliced_bytes;
	unsigned long	 copied_bytes;
};
void	sup_helper_stats(const struct sup_helper *h, struct sup_stats *st);

#endif /* EVBGP_SUPERVISOR_H */
