/*
 * evbgp-healthcheck internals: the run-time context shared by the main
 * loop (main.c), child processes (proc.c), loopback addresses (ipsetup.c)
 * and logging (hclog.c). The pure logic lives in healthcheck.h (core.c).
 */
#ifndef HC_H
#define HC_H

#include <sys/types.h>

#include <stdbool.h>

#include "healthcheck.h"

#define HC_PROG		"evbgp-healthcheck"
/* Longest acknowledgement line kept; longer ones are dropped. */
#define HC_ACK_MAX	4096

/* Why a wait ended. */
enum hc_wait {
	HC_W_DONE,	/* finished normally */
	HC_W_TIMEOUT,
	HC_W_SIGNAL,	/* SIGTERM/SIGINT/SIGHUP: go to EXIT */
	HC_W_ORPHAN,	/* parent died or stdout closed */
	HC_W_EOF,	/* stdin closed while acks are read */
};

struct hc_log {
	bool		 to_stderr;
	bool		 to_syslog;
	bool		 debug;
	char		*ident;		/* syslog ident, kept for openlog */
};

struct hc_ctx {
	struct hc_opts	*o;
	struct hc_log	 log;
	struct hc_pfxv	 announce;	/* routes, in announcement order */
	struct hc_pfxv	 hosts;		/* loopback addresses to set up */
	bool		*added;		/* hosts[i] was added by us */
	bool		 read_acks;
	pid_t		 ppid;		/* parent at start */
	char		 ack[HC_ACK_MAX];
	size_t		 acklen;
};

/* main.c */
/* A signal or the parent's death ends waits; HC_W_DONE if neither. */
enum hc_wait	hc_interrupted(const struct hc_ctx *c);

/* hclog.c */
void	hc_log_init(struct hc_log *l, const struct hc_opts *o);
void	hc_log(const struct hc_log *l, int prio, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* proc.c */
struct hc_proc {
	char *const	*argv;		/* execvp'd; "ip" also found in sbin */
	const char	*state;		/* STATE= for the child, or NULL */
	double		 timeout;	/* seconds, 0 = none */
	bool		 capture;	/* stdout+stderr into out */
	bool		 interruptible;	/* give up on signal / orphan */
};
struct hc_proc_result {
	int		 status;	/* waitpid status */
	bool		 timed_out;
	enum hc_wait	 why;		/* HC_W_DONE unless interrupted */
	struct sbuf	 out;		/* captured output (bounded) */
};
/* Run a child in its own process group and wait; -1 if it cannot start. */
int	hc_proc_run(const struct hc_ctx *c, const struct hc_proc *p,
	    struct hc_proc_result *r);
/* The check: 1 healthy, 0 failed, -1 interrupted. */
int	hc_run_check(struct hc_ctx *c);
/* The --*-execute commands for a transition into st. */
void	hc_run_execute(struct hc_ctx *c, enum hc_state st);

/* ipsetup.c */
/* `ip -o address show dev lo` output, or NULL. */
char	*hc_lo_show(const struct hc_ctx *c);
/* Add the missing hosts to lo; -1 when one cannot be added. */
int	hc_ip_setup(struct hc_ctx *c);
/* Remove the hosts this process added. */
void	hc_ip_remove_added(struct hc_ctx *c);
/* Remove every host present on lo (--dynamic-ip-setup, DOWN/DISABLED). */
void	hc_ip_remove_present(struct hc_ctx *c);
/* Switch to --user/--group; -1 on failure (logged). */
int	hc_drop_privileges(const struct hc_ctx *c);

#endif /* HC_H */
