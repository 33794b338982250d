/*
 * The daemon: one event_base, the configuration, the peers, the
 * listeners, the shared attribute table and the signal handling. One
 * struct daemon is created by main() and passed explicitly everywhere;
 * there are no other mutable globals (the log sink aside).
 */
#ifndef EVBGP_DAEMON_H
#define EVBGP_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/events.h"
#include "evbgp/attrs.h"
#include "evbgp/config.h"
#include "evbgp/env.h"
#include "evbgp/line_handler.h"
#include "evbgp/peer.h"

struct event_base;
struct event;
struct evconnlistener;
struct sup;
struct control;
struct cli_pipe;
struct helper_client;
struct daemon_range_log;

struct daemon_listener {
	struct evconnlistener *lev;
	struct bgp_addr	 addr;
	uint16_t	 port;
};

/* Told the outcome of a request (daemon_request_wait): ok, and one line
 * saying what happened or why it was refused. */
typedef void daemon_outcome_fn(void *arg, bool ok, const char *text);

struct daemon_waiter {
	unsigned	 req;		/* DAEMON_RELOAD, _RESTART or _SHUTDOWN */
	daemon_outcome_fn *fn;
	void		*arg;
};

struct daemon {
	struct event_base *base;
	struct env	 env;
	char		**conf_paths;
	size_t		 nconf;
	size_t		 conf_idx;	/* rotation (exabgp.debug.rotate) */
	struct config	*cfg;
	struct attr_table *attrs;

	/* every peer's surroundings; the daemon implements its ops */
	struct peer_env	 penv;
	struct peer	**peers;	/* p->user: its struct api_subs */
	size_t		 npeers;
	/* dynamic peers whose connection closed, freed on the next turn
	 * (never from inside their own callbacks) */
	struct peer	**retired;
	size_t		 nretired;
	struct event	*ev_reap;
	/* passive ranges at their dynamic-limit: a log line a minute each */
	struct daemon_range_log *range_logs;
	size_t		 nrange_logs;
	unsigned	 peers_gen;	/* bumped whenever peers change */
	/* neighbors made at run time (create neighbor), owned here: never
	 * in the configuration file, kept across reloads */
	struct cfg_neighbor **runtime;
	size_t		 nruntime;
	struct daemon_listener *listeners;
	size_t		 nlisteners;
	struct log_limit log_unconfigured; /* connections nobody expects */

	struct event	*sig_term, *sig_int, *sig_hup, *sig_usr1;
	struct event	*sig_usr2;
	struct event	*ev_exit;	/* grace timer at shutdown */
	struct event	*ev_request;	/* acts on requests (zero timeout) */
	unsigned	 requests;	/* DAEMON_* not acted on yet */
	const char	*request_why;	/* of the shutdown request */
	bool		 stopping;
	bool		 grace_over;	/* the shutdown grace ran out */
	size_t		 nclosing;	/* connections flushing before close */
	size_t		 nstopped_peers;	/* sessions told Cease at shutdown */
	/* who waits for the outcome of a request (evbgpctl's reload,
	 * restart, shutdown) */
	struct daemon_waiter *waiters;
	size_t		 nwaiters;
	char		 outcome[1200];	/* of the last reload */
	/* a restart waits for its helpers to start again, bounded */
	size_t		 restart_pending;
	size_t		 restart_total;
	struct event	*ev_restart;
	int		 exit_code;

	/* what runs the command lines of helpers and evbgpctl clients:
	 * given by main (api_exec_handler); none: lines are ignored */
	struct line_handler commands;
	/* helpers, their events and their command clients (one per process
	 * name, kept across restarts) */
	struct sup	*sup;
	struct events events;	/* to the helpers, via sup */
	struct helper_client **clients;
	size_t		 nclients;
	struct control	*control;	/* evbgpctl socket, or NULL */
	struct cli_pipe	*cli_pipe;	/* exabgpcli's named pipes, or NULL */
	bool		 control_draining; /* stopped, answers still going out */
	const char	*control_path;	/* where it listens */
	bool		 control_required; /* given explicitly: failing is fatal */
	bool		 helpers_stopped;
	size_t		 helper_queue_max;	/* bytes; 0 = default 16 MiB */
	bool		 helper_copy;		/* --helper-copy: no vmsplice */
	const char	*drop_user;	/* --user or exabgp.daemon.user: after
					   binding, before helpers */
	bool		 drop_helpers_first; /* exabgp.daemon.drop=false: helpers
					   start before the switch */
	bool		 helper_overflow_restart; /* else drop (and tell) */
	char		 hostname[256];
	char		 uuid[40];	/* this run, for "ping" */
	double		 start_time;	/* epoch seconds, for "status" */

	/* event-loop health: a 50 ms tick measures how late timers run */
	struct event	*ev_health;
	double		 health_last;
	double		 health_max_late;	/* seconds, worst seen */
	double		 health_late;		/* seconds, the last tick */
	uint64_t	 health_late_ticks;	/* ticks later than the warning */
	/* commands answered, by source (DAEMON_SRC_*), and those that
	 * failed: for the metrics */
	uint64_t	 ncommands[2];
	uint64_t	 command_errors[2];
	double		 health_warned;		/* last warning (mono) */

	/* one receive buffer: messages are handled one at a time */
	uint8_t		 rxbuf[PEER_RXBUF_LEN];
};

#define DAEMON_SRC_CONTROL	0	/* evbgpctl */
#define DAEMON_SRC_HELPER	1

/* Create the daemon from loaded settings and configuration (owned). */
struct daemon *daemon_new(struct env *env, struct config *cfg,
	    char **conf_paths, size_t nconf);
/* Bind listeners, create peers, start them. -1 with a logged reason. */
int	daemon_start(struct daemon *d);
/* Run until shut down; returns the exit code. */
int	daemon_run(struct daemon *d);
void	daemon_free(struct daemon *d);

/* What daemon_request can ask for (bits). */
#define DAEMON_SHUTDOWN	0x1u	/* Cease to every peer, helpers stopped, exit */
#define DAEMON_RELOAD	0x2u	/* reload the configuration */
#define DAEMON_RESTART	0x4u	/* reload, and restart every helper */
#define DAEMON_ALLOW_EMPTY 0x8u	/* with a reload: a configuration without
				   any neighbor may replace one with */

/*
 * Ask for req to happen on a later loop turn (a zero-timeout event), so
 * that whatever callback asks (a command from a helper or evbgpctl, a
 * signal, the supervisor) has returned before anything is freed.
 * Requests made before it runs are merged; a shutdown wins over a
 * reload. why: a string that outlives the request, for the log.
 */
void	daemon_request(struct daemon *d, unsigned req, const char *why);
/*
 * The same, and fn(arg, ok, text) once it took effect, from a later loop
 * turn: a reload when applied (text: "reload applied: neighbors ...
 * added, ... removed, ... changed, ... unchanged; routes ... announced,
 * ... withdrawn") or refused (text: the reason, FILE:LINE for a file that
 * does not load); a restart when its helpers have started again (at most
 * DAEMON_RESTART_WAIT_S); a shutdown when every session was told and
 * every helper stopped (at most the shutdown grace). Requests merged
 * into one are told the one outcome.
 */
#define DAEMON_RESTART_WAIT_S	10
void	daemon_request_wait(struct daemon *d, unsigned req, const char *why,
	    daemon_outcome_fn *fn, void *arg);
/* arg goes away: it is told nothing more. */
void	daemon_forget_waiter(struct daemon *d, void *arg);
/*
 * Reload now; how: DAEMON_RESTART also restarts every helper,
 * DAEMON_ALLOW_EMPTY lets a configuration without neighbors replace one
 * with (else it is refused: an emptied file must not tear every session
 * down by accident). A refused configuration is logged, the running one
 * kept (-1). Not from inside a callback of a peer or helper: use
 * daemon_request there.
 */
int	daemon_reload(struct daemon *d, unsigned how);
/*
 * A neighbor made at run time ("create neighbor"): nb becomes the
 * daemon's, its peer is started. It outlives reloads unless the new
 * configuration has a neighbor with the same key, which takes it over.
 * -1 (nb freed, reason in err) when a neighbor with that key exists.
 */
int	daemon_create_neighbor(struct daemon *d, struct cfg_neighbor *nb,
	    char *err, size_t errlen);
/*
 * "delete neighbor": p is sent Cease/Peer De-configured (RFC 4486),
 * leaves the peer list and is freed, with its run-time definition. A
 * configured neighbor comes back at the next reload. Not from inside
 * one of p's own callbacks.
 */
void	daemon_delete_peer(struct daemon *d, struct peer *p);
/* Was nb made at run time? */
bool	daemon_is_runtime(const struct daemon *d, const struct cfg_neighbor *nb);
/* Number of helper processes configured. */
size_t	daemon_helper_count(const struct daemon *d);

#endif /* EVBGP_DAEMON_H */
