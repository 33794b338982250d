/*
 * The process supervisor (see supervisor.h), after tmux job.c.
 *
 * One struct sup_helper per configured process name lives as long as the
 * name is configured; each start forks a new instance of it. An instance
 * has two pipes: the helper's stdin (our end a write-only bufferevent,
 * armed only while output is queued, so a helper that closed its stdin
 * cannot make us spin) and its stdout (a read-only bufferevent with a
 * read high-watermark, so input memory is bounded). Its stderr is a third
 * pipe: each line goes to evbgpd's log destination, prefixed with the
 * process name, so a helper's complaints land where the operator looks
 * (a file, syslog), not on a terminal nobody watches. The stderr reader
 * (struct sup_err) lives until that pipe's end-of-file, not the
 * instance's: what a helper (or a child it left behind) writes last,
 * often why it died, may come after it was reaped.
 *
 * An instance is gone when three things hold: its stdout hit EOF, every
 * complete line read before the EOF was delivered, and waitpid reaped it.
 * Whichever comes last calls helper_gone(), which decides the future
 * (respawn with back-off, restart now, stay down, be freed) *before*
 * calling ops->exited, so a callback that re-enters the supervisor sees
 * a consistent state.
 *
 * Re-entrancy: every entry point (public function or libevent callback)
 * brackets its work with sup_enter/sup_leave. Helpers destroyed meanwhile
 * go to a graveyard freed when the outermost frame leaves, and sup_free
 * called from inside a callback is deferred the same way, so no frame
 * ever touches freed memory.
 *
 * SIGCHLD: the struct sup owns a libevent signal event and reaps with a
 * waitpid(-1, WNOHANG) loop. libevent routes a signal to one event_base
 * only, and waitpid(-1) reaps any child, so there must be one struct sup
 * per process (children of other modules would be reaped and ignored).
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/pipe_ring.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

extern char **environ;

enum sup_hstate {
	HS_IDLE,	/* no instance, nothing scheduled (down for good) */
	HS_WAIT,	/* no instance, respawn timer armed */
	HS_RUNNING,	/* instance alive (or in its EOF/reap phases) */
	HS_STOPPING,	/* we asked the instance to stop */
	HS_DESTROYED,	/* in the graveyard, freed on the outermost leave */
};

/* Why we stopped the instance, which decides what happens when gone. */
enum sup_why {
	WHY_NONE,	/* it died or broke by itself: respawn per policy */
	WHY_RESTART,	/* restart at once (reload, SIGUSR2) */
	WHY_OVERFLOW,	/* queue overflow: respawn after the back-off */
};

struct sup_helper {
	struct sup		*sup;
	struct cfg_process	 proc;		/* our deep copy */
	enum sup_hstate		 state;
	enum sup_why		 why;
	bool			 removed;	/* free when gone */

	pid_t			 pid;		/* also the process group */
	int			 status;
	bool			 reaped;
	bool			 eof;
	bool			 term_sent;
	bool			 soft_stop;	/* orderly: EOF first, SIGTERM later */
	bool			 kill_sent;
	bool			 closing_in;	/* close stdin once drained */
	bool			 paused;
	bool			 discarding;	/* inside an over-long line */
	bool			 dropping;	/* inside an overflow burst */
	double			 started_at;
	unsigned		 backoff_ms;
	unsigned long		 nstarts;

	struct bufferevent	*in;		/* to the helper's stdin */
	struct bufferevent	*out;		/* from the helper's stdout */
	struct event		*deliver_ev;
	struct event		*respawn_ev;
	struct event		*kill_ev;
	char			*line;		/* max_line + 1 */
	/* sup_write_batched(): events gathered during a loop turn in a ring
	 * of resident pages, vmspliced into the pipe or added to the stdin
	 * buffer in one go (flush_ev, or SUP_STAGE_MAX) */
	struct pipe_ring	*ring;		/* the instance's; NULL till used */
	struct evbuffer_cb_entry *ring_cb;	/* counts what libevent wrote */
	bool			 ring_failed;	/* no memory for one: copy */
	bool			 nosplice;	/* vmsplice refused: copy */
	struct event		*flush_ev;
	bool			 flush_armed;

	unsigned long		 burst_events;
	unsigned long		 burst_bytes;
	struct sup_stats	 st;
};

/* A helper instance's stderr, read until its end-of-file. */
struct sup_err {
	struct sup		*sup;
	char			*name;		/* the process name */
	struct bufferevent	*bev;
	bool			 skipping;	/* in an over-long line */
	double			 window;	/* mono_now() the window began */
	unsigned long		 lines;		/* logged in the window */
	unsigned long		 held;		/* not logged since */
	struct sup_err		*next;
};

struct sup {
	struct event_base	*base;
	struct sup_err		*errs;		/* stderr readers still open */
	size_t			 nerrs;
	struct sup_settings	 set;
	struct sup_ops		 ops;
	void			*arg;
	struct event		*sigchld;
	struct event		*stopped_ev;
	struct sup_helper	**hs;
	size_t			 nhs;
	struct sup_helper	**grave;
	size_t			 ngrave;
	unsigned		 depth;
	bool			 stopping;
	bool			 stop_notified;
	bool			 dying;
};

/* What the child needs, prepared before fork (no allocation after it). */
struct sup_spawn {
	int		 in_rd;
	int		 out_wr;
	int		 err_wr;
	const char	*path;
	char		**argv;
	char		**envp;
	pid_t		 ppid;
	const char	*errmsg;
	size_t		 errlen;
};

static void	sup_enter(struct sup *);
static void	sup_leave(struct sup *);
static void	sup_teardown(struct sup *);
static void	sup_check_stopped(struct sup *);
static void	sup_sigchld_cb(evutil_socket_t, short, void *);
static void	sup_stopped_cb(evutil_socket_t, short, void *);
static struct sup_helper *helper_new(struct sup *, const struct cfg_process *);
static void	helper_destroy(struct sup_helper *);
static void	helper_free(struct sup_helper *);
static int	helper_start(struct sup_helper *);
static void	helper_close(struct sup_helper *);
static void	helper_close_stdin(struct sup_helper *);
static void	helper_stop(struct sup_helper *, enum sup_why);
static void	helper_gone(struct sup_helper *);
static void	helper_check_gone(struct sup_helper *);
static void	helper_deliver(struct sup_helper *);
static void	helper_schedule_deliver(struct sup_helper *);
static void	helper_signal(struct sup_helper *, int);
static void	helper_arm_kill(struct sup_helper *);
static void	helper_update_read(struct sup_helper *);
static unsigned	helper_backoff(struct sup_helper *);
static void	helper_read_cb(struct bufferevent *, void *);
static void	helper_read_event_cb(struct bufferevent *, short, void *);
static void	helper_write_cb(struct bufferevent *, void *);
static void	helper_write_event_cb(struct bufferevent *, short, void *);
static void	helper_deliver_cb(evutil_socket_t, short, void *);
static void	helper_respawn_cb(evutil_socket_t, short, void *);
static void	helper_kill_cb(evutil_socket_t, short, void *);
static void	helper_flush_cb(evutil_socket_t, short, void *);
static void	stage_flush(struct sup_helper *);
static void	sup_err_free(struct sup_err *, bool);
static void	sup_err_cb(struct bufferevent *, void *);
static void	sup_err_event_cb(struct bufferevent *, short, void *);

/* ------------------------------------------------------------------ */
/* cfg_process copies */

static void
proc_copy(struct cfg_process *dst, const struct cfg_process *src)
{
	size_t i;

	*dst = *src;
	dst->name = xstrdup(src->name != NULL ? src->name : "");
	dst->path = src->path != NULL ? xstrdup(src->path) : NULL;
	dst->argv = xcalloc(src->argc + 1, sizeof(*dst->argv));
	for (i = 0; i < src->argc; i++)
		dst->argv[i] = xstrdup(src->argv[i]);
	dst->argv[src->argc] = NULL;
}

static void
proc_clear(struct cfg_process *p)
{
	size_t i;

	free(p->name);
	free(p->path);
	for (i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	memset(p, 0, sizeof(*p));
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* Would the running instance differ (run argv, path, encoder)? */
static bool
proc_same_run(const struct cfg_process *a, const struct cfg_process *b)
{
	size_t i;

	if (a->argc != b->argc || a->encoder != b->encoder ||
	    !str_eq(a->path, b->path))
		return (false);
	for (i = 0; i < a->argc; i++)
		if (!str_eq(a->argv[i], b->argv[i]))
			return (false);
	return (true);
}

/* ------------------------------------------------------------------ */
/* struct sup */

void
sup_settings_default(struct sup_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->max_line = 65536;
	s->max_queue = 16u * 1024 * 1024;
	s->overflow = SUP_OVERFLOW_DROP;
	s->respawn = true;
	s->terminate = false;
	s->splice = true;
	s->lines_per_turn = 100;
	s->respawn_min_ms = 100;
	s->respawn_max_ms = 30000;
	s->healthy_after_s = 60;
	s->kill_grace_ms = 2000;
	s->stdin_grace_ms = 100;	/* ExaBGP's 0.1 s */
}

struct sup *
sup_new(struct event_base *base, const struct sup_settings *set,
    const struct sup_ops *ops, void *arg)
{
	struct sup *s = xcalloc(1, sizeof(*s));

	s->base = base;
	if (set != NULL)
		s->set = *set;
	else
		sup_settings_default(&s->set);
	/* Zeros would mean no line, no progress or a respawn spin. */
	if (s->set.max_line == 0)
		s->set.max_line = 65536;
	if (s->set.lines_per_turn == 0)
		s->set.lines_per_turn = 1;
	if (s->set.respawn_min_ms == 0)
		s->set.respawn_min_ms = 1;
	if (s->set.respawn_max_ms < s->set.respawn_min_ms)
		s->set.respawn_max_ms = s->set.respawn_min_ms;
	if (ops != NULL)
		s->ops = *ops;
	s->arg = arg;
	s->sigchld = evsignal_new(base, SIGCHLD, sup_sigchld_cb, s);
	s->stopped_ev = event_new(base, -1, 0, sup_stopped_cb, s);
	if (s->sigchld == NULL || s->stopped_ev == NULL ||
	    event_add(s->sigchld, NULL) == -1)
		fatalx("%s: cannot set up the SIGCHLD event", __func__);
	return (s);
}

static void
sup_enter(struct sup *s)
{
	s->depth++;
}

/* Leave a frame; the outermost one frees the graveyard (and s if dying). */
static void
sup_leave(struct sup *s)
{
	size_t i;

	if (--s->depth > 0)
		return;
	for (i = 0; i < s->ngrave; i++)
		helper_free(s->grave[i]);
	s->ngrave = 0;
	if (s->dying)
		sup_teardown(s);
}

/* Sleep a millisecond (sup_free's bounded reaping only). */
static void
sup_nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

void
sup_free(struct sup *s)
{
	struct sup_helper *h;
	size_t i, left;
	int tries, st;
	pid_t r;

	if (s == NULL || s->dying)
		return;
	s->dying = true;
	for (i = 0; i < s->nhs; i++) {
		h = s->hs[i];
		if (h->pid > 1 && !h->reaped)
			helper_signal(h, SIGKILL);
	}
	/*
	 * SIGKILL is not ignorable, so the wait is short; it is still
	 * bounded (a process in uninterruptible sleep) to never hang here.
	 */
	for (tries = 0; tries < 2000; tries++) {
		left = 0;
		for (i = 0; i < s->nhs; i++) {
			h = s->hs[i];
			if (h->pid <= 1 || h->reaped)
				continue;
			r = waitpid(h->pid, &st, WNOHANG);
			if (r == h->pid || (r == -1 && errno == ECHILD))
				h->reaped = true;
			else
				left++;
		}
		if (left == 0)
			break;
		sup_nap();
	}
	if (s->depth == 0)
		sup_teardown(s);
}

static void
sup_teardown(struct sup *s)
{
	size_t i;

	for (i = 0; i < s->nhs; i++) {
		if (s->hs[i]->pid > 1 && !s->hs[i]->reaped)
			log_warnx("process %s: pid %d could not be reaped",
			    s->hs[i]->proc.name, (int)s->hs[i]->pid);
		helper_free(s->hs[i]);
	}
	for (i = 0; i < s->ngrave; i++)
		helper_free(s->grave[i]);
	/* what the helpers wrote last, then the pipes go */
	while (s->errs != NULL)
		sup_err_free(s->errs, true);
	free(s->hs);
	free(s->grave);
	event_free(s->sigchld);
	event_free(s->stopped_ev);
	free(s);
}

static struct sup_helper *
sup_lookup(struct sup *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nhs; i++)
		if (strcmp(s->hs[i]->proc.name, name) == 0)
			return (s->hs[i]);
	return (NULL);
}

static void
sup_unlink(struct sup *s, struct sup_helper *h)
{
	size_t i;

	for (i = 0; i < s->nhs; i++) {
		if (s->hs[i] != h)
			continue;
		memmove(&s->hs[i], &s->hs[i + 1],
		    (s->nhs - i - 1) * sizeof(*s->hs));
		s->nhs--;
		return;
	}
}

/* A copy of the helper list, for loops whose body may change it. */
static struct sup_helper **
sup_snapshot(struct sup *s, size_t *n)
{
	struct sup_helper **v = xcalloc(s->nhs + 1, sizeof(*v));

	if (s->nhs > 0)
		memcpy(v, s->hs, s->nhs * sizeof(*v));
	*n = s->nhs;
	return (v);
}

static bool
helper_has_instance(const struct sup_helper *h)
{
	return (h->state == HS_RUNNING || h->state == HS_STOPPING);
}

/* After sup_stop_all: tell the caller (from the loop) once all are gone. */
static void
sup_check_stopped(struct sup *s)
{
	size_t i;

	if (!s->stopping || s->stop_notified)
		return;
	for (i = 0; i < s->nhs; i++)
		if (helper_has_instance(s->hs[i]))
			return;
	s->stop_notified = true;
	event_active(s->stopped_ev, EV_TIMEOUT, 1);
}

static void
sup_stopped_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, NULL);
	struct sup *s = arg;

	sup_enter(s);
	if (s->stopping && s->ops.all_stopped != NULL) {
		log_info("all processes stopped");
		s->ops.all_stopped(s->arg);
	}
	sup_leave(s);
}

static struct sup_helper *
sup_by_pid(struct sup *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->nhs; i++)
		if (s->hs[i]->pid == pid && !s->hs[i]->reaped)
			return (s->hs[i]);
	return (NULL);
}

/* "exited with status 3" / "killed by signal 9" into buf. */
static const char *
status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "ended (status 0x%x)", (unsigned)status);
	return (buf);
}

/* SIGCHLD (through libevent's self-pipe): reap everything that is ready. */
static void
sup_sigchld_cb(evutil_socket_t sig, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, NULL);
	struct sup *s = arg;
	struct sup_helper *h;
	char buf[64];
	pid_t pid;
	int status;

	sup_enter(s);
	while (!s->dying) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		if ((h = sup_by_pid(s, pid)) == NULL) {
			log_debug("reaped pid %d, not a helper", (int)pid);
			continue;
		}
		h->reaped = true;
		h->status = status;
		log_debug("process %s: pid %d %s", h->proc.name, (int)pid,
		    status_str(status, buf, sizeof(buf)));
		/*
		 * No EOF yet: something of its group may hold stdout. (Not
		 * when paused: then we simply have not read the EOF yet.)
		 */
		if (!h->eof && !h->paused && !evtimer_pending(h->kill_ev, NULL))
			helper_arm_kill(h);
		helper_check_gone(h);
	}
	sup_leave(s);
}

/* ------------------------------------------------------------------ */
/* helpers: life cycle */

static struct sup_helper *
helper_new(struct sup *s, const struct cfg_process *p)
{
	struct sup_helper *h = xcalloc(1, sizeof(*h));

	h->sup = s;
	proc_copy(&h->proc, p);
	h->state = HS_IDLE;
	h->backoff_ms = s->set.respawn_min_ms;
	h->line = xmalloc(s->set.max_line + 1);
	h->deliver_ev = evtimer_new(s->base, helper_deliver_cb, h);
	h->respawn_ev = evtimer_new(s->base, helper_respawn_cb, h);
	h->kill_ev = evtimer_new(s->base, helper_kill_cb, h);
	h->flush_ev = event_new(s->base, -1, 0, helper_flush_cb, h);
	if (h->deliver_ev == NULL || h->respawn_ev == NULL ||
	    h->kill_ev == NULL || h->flush_ev == NULL)
		fatalx("%s: event_new failed", __func__);
	s->hs = xreallocarray(s->hs, s->nhs + 1, sizeof(*s->hs));
	s->hs[s->nhs++] = h;
	return (h);
}

/* Unlink h and park it in the graveyard until the outermost leave. */
static void
helper_destroy(struct sup_helper *h)
{
	struct sup *s = h->sup;

	helper_close(h);
	evtimer_del(h->respawn_ev);
	sup_unlink(s, h);
	h->state = HS_DESTROYED;
	s->grave = xreallocarray(s->grave, s->ngrave + 1, sizeof(*s->grave));
	s->grave[s->ngrave++] = h;
}

static void
helper_free(struct sup_helper *h)
{
	helper_close(h);
	event_free(h->deliver_ev);
	event_free(h->respawn_ev);
	event_free(h->kill_ev);
	event_free(h->flush_ev);
	free(h->line);
	proc_clear(&h->proc);
	free(h);
}

/*
 * Close our end of the helper's stdin, and drop its ring with it (what was
 * gathered goes with the pipe; the pages the pipe still holds stay valid
 * until the helper has read them or is gone).
 */
static void
helper_free_in(struct sup_helper *h)
{
	if (h->in == NULL)
		return;
	if (h->ring_cb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(h->in),
		    h->ring_cb);
	h->ring_cb = NULL;
	pipe_ring_free(h->ring);
	h->ring = NULL;
	bufferevent_free(h->in);
	h->in = NULL;
}

/* Drop the instance's pipes and timers (not the respawn timer). */
static void
helper_close(struct sup_helper *h)
{
	helper_free_in(h);
	if (h->out != NULL)
		bufferevent_free(h->out);
	h->out = NULL;
	evtimer_del(h->deliver_ev);
	evtimer_del(h->kill_ev);
}

static void
helper_close_stdin(struct sup_helper *h)
{
	helper_free_in(h);
	h->closing_in = false;
}

/*
 * Read the helper's stdout unless paused; a paused helper being stopped
 * is read anyway (and its output discarded), or its EOF would never come.
 */
static void
helper_update_read(struct sup_helper *h)
{
	if (h->out == NULL || h->eof)
		return;
	if (!h->paused || h->state == HS_STOPPING)
		bufferevent_enable(h->out, EV_READ);
	else
		bufferevent_disable(h->out, EV_READ);
}

static void
helper_arm_timer(struct sup_helper *h, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(h->kill_ev, &tv);
}

static void
helper_arm_kill(struct sup_helper *h)
{
	helper_arm_timer(h, h->sup->set.kill_grace_ms);
}

/* Signal the instance's process group (it is its own leader). */
static void
helper_signal(struct sup_helper *h, int sig)
{
	/* pid 0 or 1 would make kill(-pid) hit us or everything. */
	if (h->pid <= 1)
		return;
	if (kill(-h->pid, sig) == -1 && errno == ESRCH && !h->reaped)
		(void)kill(h->pid, sig);
}

static bool
helper_may_respawn(const struct sup_helper *h)
{
	return (h->proc.respawn && h->sup->set.respawn);
}

/* Next respawn delay: doubling, capped, reset after a healthy life. */
static unsigned
helper_backoff(struct sup_helper *h)
{
	const struct sup_settings *set = &h->sup->set;
	unsigned delay;

	if (h->started_at > 0 &&
	    mono_now() - h->started_at >= (double)set->healthy_after_s)
		h->backoff_ms = set->respawn_min_ms;
	delay = h->backoff_ms;
	if (h->backoff_ms > set->respawn_max_ms / 2)
		h->backoff_ms = set->respawn_max_ms;
	else
		h->backoff_ms *= 2;
	return (delay);
}

static void
helper_schedule_start(struct sup_helper *h, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	h->state = HS_WAIT;
	/* The back-off counts from now, not from the loop's cached time. */
	event_base_update_cache_time(h->sup->base);
	evtimer_add(h->respawn_ev, &tv);
}

static void
helper_respawn_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	if (h->state == HS_WAIT && !s->stopping)
		(void)helper_start(h);
	sup_leave(s);
}

/* The environment: ours, with TERM=dumb as ExaBGP sets it. */
static char **
helper_envp(void)
{
	char **e, **v;
	size_t n = 0, k = 0;

	for (e = environ; e != NULL && *e != NULL; e++)
		n++;
	v = xcalloc(n + 2, sizeof(*v));
	for (e = environ; e != NULL && *e != NULL; e++)
		if (strncmp(*e, "TERM=", 5) != 0)
			v[k++] = *e;
	v[k++] = (char *)"TERM=dumb";
	v[k] = NULL;
	return (v);
}

/* Close every descriptor from 3 up (close_range, or a loop without it). */
static void
child_close_from3(void)
{
	struct rlimit rl;
	int fd, max = 65536;

	if (close_range(3, ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)INT_MAX)
		max = (int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		(void)close(fd);
}

/*
 * In the forked child: only async-signal-safe calls. Every signal is
 * blocked on entry (the parent's libevent handler must not run here).
 */
static void __attribute__((noreturn))
child_exec(const struct sup_spawn *sp)
{
	struct sigaction sa;
	sigset_t none;
	int sig, a, b, c;

	/* Own process group: terminal signals stay out, kill(-pgid) works. */
	(void)setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	/* Die with the daemon; re-check in case it is already gone. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != sp->ppid)
		_exit(127);
	/* Move both ends above 2 first: either may itself be 0 or 1. */
	a = fcntl(sp->in_rd, F_DUPFD_CLOEXEC, 3);
	b = fcntl(sp->out_wr, F_DUPFD_CLOEXEC, 3);
	c = sp->err_wr == -1 ? -1 : fcntl(sp->err_wr, F_DUPFD_CLOEXEC, 3);
	if (a == -1 || b == -1 || dup2(a, STDIN_FILENO) == -1 ||
	    dup2(b, STDOUT_FILENO) == -1 ||
	    (c != -1 && dup2(c, STDERR_FILENO) == -1))
		_exit(127);
	child_close_from3();
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execve(sp->path, sp->argv, sp->envp);
	(void)!write(STDERR_FILENO, sp->errmsg, sp->errlen);
	_exit(127);
}

static void
close_pair(int p[2])
{
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* Our ends non-blocking; the helper's stay blocking (it expects that). */
static int
helper_pipes(int in[2], int out[2])
{
	in[0] = in[1] = out[0] = out[1] = -1;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1 ||
	    fcntl(in[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) == -1) {
		close_pair(in);
		close_pair(out);
		return (-1);
	}
	return (0);
}

/* Fork + execve one instance; the caller handles failure. err_wr: the
 * helper's stderr, or -1 to inherit ours. */
static pid_t
helper_fork(struct sup_helper *h, int in[2], int out[2], int err_wr)
{
	struct sup_spawn sp;
	sigset_t all, old;
	char *msg;
	pid_t pid;
	int saved;

	memset(&sp, 0, sizeof(sp));
	sp.in_rd = in[0];
	sp.out_wr = out[1];
	sp.err_wr = err_wr;
	sp.path = h->proc.path;
	sp.argv = xcalloc(h->proc.argc + 2, sizeof(*sp.argv));
	memcpy(sp.argv, h->proc.argv, h->proc.argc * sizeof(*sp.argv));
	sp.argv[0] = h->proc.path;	/* argv[0] is the resolved path */
	sp.envp = helper_envp();
	sp.ppid = getpid();
	msg = xasprintf("evbgpd: process %s: cannot execute %s\n",
	    h->proc.name, h->proc.path);
	sp.errmsg = msg;
	sp.errlen = strlen(msg);

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(&sp);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Also here, so kill(-pid) works whichever side runs first. */
	if (pid > 0)
		(void)setpgid(pid, pid);
	free(sp.argv);
	free(sp.envp);
	free(msg);
	errno = saved;
	return (pid);
}

/* A start failed (one log line, saying why): retry after the back-off. */
static int
helper_start_failed(struct sup_helper *h, const char *why, int err)
{
	unsigned delay;

	h->started_at = 0;
	delay = helper_backoff(h);
	log_warnx("process %s: %s%s%s, retrying in %u ms", h->proc.name, why,
	    err != 0 ? ": " : "", err != 0 ? strerror(err) : "", delay);
	helper_schedule_start(h, delay);
	return (-1);
}

static struct bufferevent *
helper_bev(struct sup_helper *h, int fd)
{
	struct bufferevent *bev;

	bev = bufferevent_socket_new(h->sup->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("%s: bufferevent_socket_new failed", __func__);
	return (bev);
}

/*
 * A helper hearing a peer's table gets ~400 bytes of JSON per route. The
 * pipe to its stdin is made bigger than Linux's 64 KiB and our writes to
 * it up to SUP_WRITE_MAX (libevent's default is 16 KiB): the helper
 * reads in large chunks and is woken once per write, not once per 16 KiB
 * (the wake-ups were a tenth of evbgpd's CPU on such a stream). A pipe
 * that cannot grow (fs.pipe-max-size) keeps its size.
 */
#define SUP_PIPE_SIZE	(256 * 1024)
#define SUP_WRITE_MAX	(256 * 1024)

static void
helper_in_sizes(struct sup_helper *h, int fd)
{
#ifdef F_SETPIPE_SZ
	(void)fcntl(fd, F_SETPIPE_SZ, SUP_PIPE_SIZE);
#endif
	bufferevent_set_max_single_write(h->in, SUP_WRITE_MAX);
}

/*
 * Events gathered by sup_write_batched() go to the helper in one go (a
 * received UPDATE each was an add, a callback and an event check), at the
 * latest once the loop turn's callbacks are done. Every other write, and
 * a stop, flushes first: the order is kept.
 */
#define SUP_STAGE_MAX	(64 * 1024)

/*
 * The ring they are gathered in: what the pipe holds of it (at most its
 * 64 slots of a page, 256 KiB) plus a batch (SUP_STAGE_MAX and one event)
 * fit three times over, so the ring is almost never what makes us copy;
 * 1 MiB resident per helper that receives batched events.
 */
#define SUP_RING_SIZE	(1024 * 1024)

/*
 * A vmspliced batch takes a pipe slot per page it touches and the next
 * write cannot be merged into them, so small batches would fill the 64
 * slots with little data (64 batches of 500 bytes: 32 KiB in a full pipe).
 * Smaller batches are copied (bench/README.md, "vmsplice to the
 * helpers": a 4 KiB threshold measured no better).
 */
#define SUP_SPLICE_MIN	(16 * 1024)

/* libevent wrote n bytes of the stdin buffer into the pipe. */
static void
helper_in_written_cb(struct evbuffer *buf,
    const struct evbuffer_cb_info *info, void *arg)
{
	struct sup_helper *h = arg;

	if (info->n_deleted > 0 && h->ring != NULL)
		pipe_ring_piped(h->ring, info->n_deleted);
}

/* The instance's ring, made at its first batched event; NULL: copy. */
static struct pipe_ring *
helper_ring(struct sup_helper *h)
{
	if (h->ring != NULL || h->ring_failed)
		return (h->ring);
	h->ring = pipe_ring_new(SUP_RING_SIZE, bufferevent_getfd(h->in));
	if (h->ring == NULL) {
		log_warn("process %s: no memory for its event ring, events "
		    "are copied to it one by one", h->proc.name);
		h->ring_failed = true;
		return (NULL);
	}
	h->ring_cb = evbuffer_add_cb(bufferevent_get_output(h->in),
	    helper_in_written_cb, h);
	if (h->ring_cb == NULL)
		fatalx("%s: evbuffer_add_cb failed", __func__);
	return (h->ring);
}

/* Queue len bytes to be copied into the pipe by libevent. */
static int
helper_copy(struct sup_helper *h, const void *data, size_t len)
{
	if (evbuffer_add(bufferevent_get_output(h->in), data, len) == -1)
		return (-1);
	h->st.copied_bytes += len;
	return (0);
}

/* vmsplice what the pipe takes of the batch now (non-blocking). */
static void
stage_splice(struct sup_helper *h)
{
	ssize_t n = pipe_ring_splice(h->ring);

	if (n > 0)
		h->st.spliced_bytes += (unsigned long)n;
	else if (n == -1 && errno != EPIPE) {
		/* EPIPE: the copy below meets it too, and stops the helper */
		log_info("process %s: vmsplice to its stdin: %s; its events "
		    "are copied from now on", h->proc.name, strerror(errno));
		h->nosplice = true;
	}
	/* the drained callback tells of dropped events; with nothing left
	 * for libevent to write, it must be asked for */
	if (pipe_ring_batch_len(h->ring) == 0 && h->dropping)
		bufferevent_trigger(h->in, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
}

/*
 * Give the batch to the pipe: vmspliced when nothing copied is waiting
 * for the pipe (so the bytes keep their order) and the batch is big
 * enough; what the pipe does not take, or all of it, is copied.
 */
static void
stage_flush(struct sup_helper *h)
{
	struct iovec iov[2];
	int niov;

	if (h->ring == NULL || pipe_ring_batch_len(h->ring) == 0)
		return;
	if (h->sup->set.splice && !h->nosplice &&
	    pipe_ring_batch_len(h->ring) >= SUP_SPLICE_MIN &&
	    evbuffer_get_length(bufferevent_get_output(h->in)) == 0)
		stage_splice(h);
	niov = pipe_ring_batch_iov(h->ring, iov);
	for (int i = 0; i < niov; i++)
		(void)helper_copy(h, iov[i].iov_base, iov[i].iov_len);
	pipe_ring_batch_copied(h->ring);
}

/* Gather len bytes; flushed with the loop turn, or now past the max. */
static int
stage_add(struct sup_helper *h, const char *data, size_t len)
{
	struct pipe_ring *r = helper_ring(h);

	if (r != NULL && !pipe_ring_reserve(r, len)) {
		stage_flush(h);		/* what was gathered goes first */
		if (!pipe_ring_reserve(r, len))
			r = NULL;	/* the pipe holds the ring: copy */
	}
	if (r == NULL)
		return (helper_copy(h, data, len));
	pipe_ring_put(r, data, len);
	if (pipe_ring_batch_len(r) >= SUP_STAGE_MAX)
		stage_flush(h);
	else if (!h->flush_armed) {
		/* run once this loop turn's callbacks are done */
		h->flush_armed = true;
		event_active(h->flush_ev, 0, 1);
	}
	return (0);
}

static void
helper_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	h->flush_armed = false;
	stage_flush(h);
	sup_leave(s);
}

/* Longest stderr line logged whole; the rest of a longer one is cut. */
#define HELPER_ERR_LINE	4096

/* A helper's stderr lines logged per second at most: a traceback goes
 * through whole, a helper printing in a loop does not fill the disk. */
#define SUP_ERR_LINES_PER_S	1000

/* May one more line of e be logged? Says how many were held back when
 * a new second begins. */
static bool
sup_err_pass(struct sup_err *e)
{
	double now = mono_now();

	if (now - e->window >= 1.0) {
		if (e->held > 0)
			log_warnx("process %s: %lu stderr line%s not logged (more "
			    "than %u a second)", e->name, e->held,
			    e->held == 1 ? "" : "s", SUP_ERR_LINES_PER_S);
		e->window = now;
		e->lines = e->held = 0;
	}
	if (e->lines >= SUP_ERR_LINES_PER_S) {
		e->held++;
		return false;
	}
	e->lines++;
	return true;
}

/*
 * Log the complete lines of a helper's stderr (all of it, a partial last
 * line too, when flush). One read's worth at a time (libevent's
 * single-read limit), so a helper spewing stderr cannot hold the loop.
 */
static void
sup_err_lines(struct sup_err *e, bool flush)
{
	struct evbuffer *in = bufferevent_get_input(e->bev);
	char line[HELPER_ERR_LINE], esc[LOG_ESCAPE_SIZE * 2];

	while (evbuffer_get_length(in) > 0) {
		struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL,
		    EVBUFFER_EOL_LF);
		size_t len, take;

		if (eol.pos == -1 && !flush &&
		    evbuffer_get_length(in) < sizeof(line))
			break;
		len = eol.pos == -1 ? evbuffer_get_length(in) : (size_t)eol.pos;
		if (e->skipping) {
			/* the tail of an over-long line, already logged */
			evbuffer_drain(in, eol.pos == -1 ? len : len + 1);
			e->skipping = eol.pos == -1;
			continue;
		}
		take = len < sizeof(line) ? len : sizeof(line);
		evbuffer_remove(in, line, take);
		if (eol.pos != -1)
			evbuffer_drain(in, len - take + 1);
		else if (!flush)
			e->skipping = true;
		if (take > 0 && line[take - 1] == '\r')
			take--;
		if (sup_err_pass(e))
			log_notice("process %s: %s", e->name,
			    log_escape(line, take, esc, sizeof(esc)));
	}
	if (flush && e->held > 0) {
		log_warnx("process %s: %lu stderr line%s not logged (more than "
		    "%u a second)", e->name, e->held, e->held == 1 ? "" : "s",
		    SUP_ERR_LINES_PER_S);
		e->held = 0;
	}
}

/* Unlink e and free it, after logging what it holds (drain: and what its
 * pipe still holds, within a bound: a child may keep writing). */
static void
sup_err_free(struct sup_err *e, bool drain)
{
	struct sup_err **pp;
	evutil_socket_t fd = bufferevent_getfd(e->bev);

	for (int i = 0; drain && fd != -1 && i < 16; i++)
		if (evbuffer_read(bufferevent_get_input(e->bev), fd, 65536) <= 0)
			break;
	sup_err_lines(e, true);
	for (pp = &e->sup->errs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			e->sup->nerrs--;
			break;
		}
	bufferevent_free(e->bev);
	free(e->name);
	free(e);
}

static void
sup_err_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_err *)arg)->name);
	struct sup_err *e = arg;

	(void)bev;
	sup_err_lines(e, false);
}

/* End-of-file or error on a stderr pipe: say what is left, done. */
static void
sup_err_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_err *)arg)->name);
	(void)bev;
	(void)what;
	sup_err_free(arg, false);
}

/* At most this many stderr pipes are read at once: beyond, the oldest
 * (a child of a dead helper that keeps it open) is let go. */
#define SUP_MAX_ERRS	64

/* Read the stderr pipe fd of a new instance of h. */
static void
sup_err_new(struct sup_helper *h, int fd)
{
	struct sup *s = h->sup;
	struct sup_err *e = xcalloc(1, sizeof(*e));

	if (s->nerrs >= SUP_MAX_ERRS) {
		struct sup_err *old = s->errs;

		while (old->next != NULL)
			old = old->next;
		sup_err_free(old, false);
	}
	e->sup = s;
	e->name = xstrdup(h->proc.name);
	e->window = mono_now();
	e->bev = helper_bev(h, fd);
	bufferevent_setcb(e->bev, sup_err_cb, NULL, sup_err_event_cb, e);
	bufferevent_disable(e->bev, EV_WRITE);
	bufferevent_enable(e->bev, EV_READ);
	e->next = s->errs;
	s->errs = e;
	s->nerrs++;
}

/* Start a new instance of h. 0, or -1 (logged, retried with back-off). */
static int
helper_start(struct sup_helper *h)
{
	struct sup *s = h->sup;
	int in[2], out[2], errp[2] = { -1, -1 }, err;
	char *why;
	pid_t pid;

	evtimer_del(h->respawn_ev);
	if (h->proc.argc == 0)
		return (helper_start_failed(h, "empty run command", 0));
	if (h->proc.path == NULL) {
		why = xasprintf("cannot find executable '%s'",
		    h->proc.argv[0]);
		helper_start_failed(h, why, 0);
		free(why);
		return (-1);
	}
	if (helper_pipes(in, out) == -1)
		return (helper_start_failed(h, "pipe", errno));
	/* without a pipe for stderr the helper keeps ours: degraded, not
	 * a reason to refuse the start */
	if (pipe2(errp, O_CLOEXEC) == -1 ||
	    fcntl(errp[0], F_SETFL, O_NONBLOCK) == -1) {
		log_warn("process %s: no pipe for its stderr, it shares ours",
		    h->proc.name);
		close_pair(errp);
	}
	pid = helper_fork(h, in, out, errp[1]);
	err = errno;
	close(in[0]);
	close(out[1]);
	if (errp[1] != -1)
		close(errp[1]);
	if (pid == -1) {
		close(in[1]);
		close(out[0]);
		if (errp[0] != -1)
			close(errp[0]);
		return (helper_start_failed(h, "fork", err));
	}

	h->pid = pid;
	h->status = 0;
	h->reaped = h->eof = h->term_sent = h->kill_sent = false;
	h->soft_stop = false;
	h->closing_in = h->discarding = h->dropping = false;
	h->ring_failed = h->nosplice = false;
	h->why = WHY_NONE;
	h->state = HS_RUNNING;
	h->started_at = mono_now();
	if (h->nstarts++ > 0)
		h->st.restarts++;

	h->in = helper_bev(h, in[1]);
	helper_in_sizes(h, in[1]);
	bufferevent_setcb(h->in, NULL, helper_write_cb,
	    helper_write_event_cb, h);
	bufferevent_disable(h->in, EV_READ);
	bufferevent_enable(h->in, EV_WRITE);

	h->out = helper_bev(h, out[0]);
	bufferevent_setcb(h->out, helper_read_cb, NULL,
	    helper_read_event_cb, h);
	/* Bound what we buffer: one full line plus a read's worth. */
	bufferevent_setwatermark(h->out, EV_READ, 0,
	    s->set.max_line + 1 + 65536);
	/* big reads: a helper streaming a million commands is one pipe */
	bufferevent_set_max_single_read(h->out, 65536);
	bufferevent_disable(h->out, EV_WRITE);
	helper_update_read(h);

	if (errp[0] != -1)
		sup_err_new(h, errp[0]);

	log_info("process %s: started, pid %d", h->proc.name, (int)pid);
	if (s->ops.started != NULL)
		s->ops.started(s->arg, h);
	return (0);
}

/*
 * Ask the instance to stop: close stdin (after a flush, unless the queue
 * is the problem), SIGTERM (+SIGCONT, so a stopped helper can act on it)
 * to its group, SIGKILL after the grace (helper_kill_cb).
 */
static void
helper_stop(struct sup_helper *h, enum sup_why why)
{
	if (h->state == HS_STOPPING) {
		if (why == WHY_RESTART)
			h->why = WHY_RESTART;
		if (why == WHY_OVERFLOW)
			helper_close_stdin(h);
		return;
	}
	if (h->state != HS_RUNNING)
		return;
	h->state = HS_STOPPING;
	h->why = why;
	if (!h->reaped && why == WHY_NONE && h->sup->stopping &&
	    h->sup->set.stdin_grace_ms > 0) {
		/*
		 * An orderly stop, as ExaBGP does it (processes.py
		 * terminate: the shutdown event, 0.1 s, SIGTERM): the helper
		 * reads what was queued for it (the shutdown event) and may
		 * leave; its stdin stays open meanwhile, so one reading it in
		 * a loop does not spin on an EOF. After stdin_grace_ms:
		 * EOF and SIGTERM together.
		 */
		h->soft_stop = true;
		helper_arm_timer(h, h->sup->set.stdin_grace_ms);
	} else {
		if (why != WHY_OVERFLOW)
			stage_flush(h);
		if (why == WHY_OVERFLOW || h->in == NULL ||
		    evbuffer_get_length(bufferevent_get_output(h->in)) == 0)
			helper_close_stdin(h);
		else
			h->closing_in = true;
		if (!h->reaped) {
			/* The callers log why; this is the detail. */
			log_debug("process %s: SIGTERM to group %d",
			    h->proc.name, (int)h->pid);
			helper_signal(h, SIGTERM);
			helper_signal(h, SIGCONT);
			h->term_sent = true;
		}
		helper_arm_kill(h);
	}
	helper_update_read(h);
	helper_check_gone(h);
}

/*
 * The grace timer: escalate SIGTERM -> SIGKILL for an instance that does
 * not exit; kill the group of one that exited while a descendant keeps
 * its stdout open, and finally stop waiting for that EOF.
 */
static void
helper_kill_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;
	const struct sup_settings *set = &s->set;

	sup_enter(s);
	if (!h->reaped) {
		if (!h->term_sent && h->soft_stop) {
			log_debug("process %s: still running %u ms after the "
			    "shutdown event, stdin closed and SIGTERM",
			    h->proc.name, set->stdin_grace_ms);
			helper_close_stdin(h);
			helper_signal(h, SIGTERM);
			helper_signal(h, SIGCONT);
			h->term_sent = true;
			helper_arm_kill(h);
		} else if (!h->term_sent) {
			log_warnx("process %s: closed its stdout but did not "
			    "exit, stopping it", h->proc.name);
			helper_stop(h, WHY_NONE);
		} else if (!h->kill_sent) {
			log_warnx("process %s: pid %d still running %u ms "
			    "after SIGTERM, sending SIGKILL", h->proc.name,
			    (int)h->pid, set->kill_grace_ms);
			helper_signal(h, SIGKILL);
			h->kill_sent = true;
			helper_arm_kill(h);
		} else
			helper_arm_kill(h);
	} else if (!h->eof && h->paused && h->state == HS_RUNNING) {
		/* Unread, not missing: sup_pause(false) re-arms this. */
	} else if (!h->eof) {
		if (!h->kill_sent) {
			log_warnx("process %s: exited but its stdout is still "
			    "open (a descendant?), killing its group",
			    h->proc.name);
			helper_signal(h, SIGKILL);
			h->kill_sent = true;
			helper_arm_kill(h);
		} else {
			log_warnx("process %s: stdout still open outside its "
			    "group, closing our end", h->proc.name);
			h->eof = true;
			if (h->out != NULL)
				bufferevent_disable(h->out, EV_READ);
			helper_schedule_deliver(h);
		}
	}
	sup_leave(s);
}

/* Both halves of the end there (EOF with lines delivered, reaped)? */
static void
helper_check_gone(struct sup_helper *h)
{
	struct evbuffer *in;
	size_t left;

	if (!helper_has_instance(h))
		return;
	in = h->out != NULL ? bufferevent_get_input(h->out) : NULL;
	left = in != NULL ? evbuffer_get_length(in) : 0;
	/* A paused helper we are stopping would never be drained. */
	if (left > 0 && h->paused && h->state == HS_STOPPING) {
		log_debug("process %s: %zu bytes of output discarded",
		    h->proc.name, left);
		evbuffer_drain(in, left);
		left = 0;
	}
	if (h->reaped && h->eof && left == 0)
		helper_gone(h);
}

/* The instance is gone: decide its future, then tell the caller. */
static void
helper_gone(struct sup_helper *h)
{
	struct sup *s = h->sup;
	int status = h->status;
	bool respawning = false, lost = false;
	unsigned delay = 0;
	char *why = NULL, buf[64];

	helper_close(h);
	h->pid = 0;
	if (h->removed || s->stopping)
		h->state = HS_IDLE;
	else if (h->why == WHY_RESTART) {
		respawning = true;
		helper_schedule_start(h, 0);
	} else if (h->why == WHY_OVERFLOW || helper_may_respawn(h)) {
		respawning = true;
		delay = helper_backoff(h);
		helper_schedule_start(h, delay);
	} else {
		lost = true;
		h->state = HS_IDLE;
	}

	status_str(status, buf, sizeof(buf));
	if (respawning && h->why == WHY_NONE)
		log_warnx("process %s: %s, respawning in %u ms", h->proc.name,
		    buf, delay);
	else if (respawning)
		log_info("process %s: %s, restarting in %u ms", h->proc.name,
		    buf, delay);
	else if (lost) {
		why = xasprintf("process %s %s and is not respawned",
		    h->proc.name, buf);
		log_warnx("process %s: %s, not respawned (respawn disabled)",
		    h->proc.name, buf);
	} else
		log_info("process %s: %s, stopped", h->proc.name, buf);

	if (h->removed)
		helper_destroy(h);
	if (s->ops.exited != NULL)
		s->ops.exited(s->arg, h, status, respawning);
	if (!s->dying && lost && s->set.terminate && s->ops.fatal != NULL)
		s->ops.fatal(s->arg, why);
	free(why);
	if (!s->dying)
		sup_check_stopped(s);
}

/* ------------------------------------------------------------------ */
/* helpers: I/O */

static void
helper_schedule_deliver(struct sup_helper *h)
{
	/*
	 * A zero timeout, not event_active: libevent runs events activated
	 * during the active-queue pass in the same pass, so a busy helper
	 * would starve timers. A timer waits for the next loop turn.
	 */
	static const struct timeval zero = { 0, 0 };

	if (!evtimer_pending(h->deliver_ev, NULL))
		evtimer_add(h->deliver_ev, &zero);
}

static void
helper_long_line(struct sup_helper *h)
{
	h->st.long_lines++;
	log_warnx("process %s: line longer than %zu bytes discarded",
	    h->proc.name, h->sup->set.max_line);
}

/*
 * Take the next line out of in into h->line. Returns its length, -1 if
 * there is no complete line yet, or -2 if input was discarded (an
 * over-long line) and the caller should look again.
 */
static ssize_t
helper_next_line(struct sup_helper *h, struct evbuffer *in)
{
	size_t max = h->sup->set.max_line, len, n;
	struct evbuffer_ptr eol;

	len = evbuffer_get_length(in);
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (eol.pos == -1) {
		if (h->discarding || len > max) {
			if (!h->discarding)
				helper_long_line(h);
			/* Keep discarding up to the next newline. */
			h->discarding = !h->eof;
			evbuffer_drain(in, len);
			return (-1);
		}
		if (!h->eof || len == 0)
			return (-1);
		n = len;	/* the last line had no newline */
	} else {
		n = (size_t)eol.pos;
		if (h->discarding || n > max) {
			if (!h->discarding)
				helper_long_line(h);
			h->discarding = false;
			evbuffer_drain(in, n + 1);
			return (-2);
		}
	}
	evbuffer_remove(in, h->line, n);
	if (eol.pos != -1)
		evbuffer_drain(in, 1);
	if (n > 0 && h->line[n - 1] == '\r')
		n--;
	h->line[n] = '\0';
	return ((ssize_t)n);
}

/* Deliver at most lines_per_turn lines; continue on the next turn. */
static void
helper_deliver(struct sup_helper *h)
{
	struct sup *s = h->sup;
	struct evbuffer *in;
	unsigned count = 0;
	ssize_t n;

	if (h->paused) {
		helper_check_gone(h);	/* discards if we are stopping it */
		return;
	}
	while (h->out != NULL) {
		in = bufferevent_get_input(h->out);
		if (evbuffer_get_length(in) == 0)
			break;
		if (count == s->set.lines_per_turn) {
			helper_schedule_deliver(h);
			return;
		}
		if ((n = helper_next_line(h, in)) == -2)
			continue;
		if (n == -1)
			break;
		count++;
		h->st.lines++;
		if (s->ops.line != NULL)
			s->ops.line(s->arg, h, h->line, (size_t)n);
		if (s->dying || h->state == HS_DESTROYED)
			return;
	}
	helper_check_gone(h);
}

static void
helper_deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	helper_deliver(h);
	sup_leave(s);
}

static void
helper_read_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	/* Already owed a turn: let that one deliver, keep the bound. */
	if (!evtimer_pending(h->deliver_ev, NULL))
		helper_deliver(h);
	sup_leave(s);
}

/* stdout EOF or read error: first half of the end. */
static void
helper_read_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	if (what & BEV_EVENT_ERROR)
		log_warn("process %s: reading its stdout", h->proc.name);
	if (!h->eof) {
		log_debug("process %s: stdout closed", h->proc.name);
		h->eof = true;
		bufferevent_disable(bev, EV_READ);
		/* Alive without stdout is useless: stop it if it lingers. */
		if (!h->reaped && h->state == HS_RUNNING)
			helper_arm_kill(h);
		helper_schedule_deliver(h);
	}
	sup_leave(s);
}

/* The queue to the helper drained. */
static void
helper_write_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;

	sup_enter(s);
	if (h->dropping) {
		unsigned long dropped = h->burst_events;

		log_notice("process %s: queue drained; %lu events (%lu bytes) "
		    "were dropped", h->proc.name, h->burst_events,
		    h->burst_bytes);
		h->dropping = false;
		if (s->ops.overflow != NULL)
			s->ops.overflow(s->arg, h, dropped);
	}
	if (h->closing_in)
		helper_close_stdin(h);
	sup_leave(s);
}

/* Write error on stdin, EPIPE mostly: the helper is gone or broken. */
static void
helper_write_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_HELPER, ((struct sup_helper *)arg)->proc.name);
	struct sup_helper *h = arg;
	struct sup *s = h->sup;
	int err = EVUTIL_SOCKET_ERROR();

	sup_enter(s);
	helper_close_stdin(h);
	if (h->state == HS_RUNNING && !h->reaped) {
		log_warnx("process %s: writing to its stdin: %s; stopping it",
		    h->proc.name, strerror(err));
		helper_stop(h, WHY_NONE);
	}
	sup_leave(s);
}

/* ------------------------------------------------------------------ */
/* public API */

static bool
procs_have(const struct cfg_process *procs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq(procs[i].name, name))
			return (true);
	return (false);
}

int
sup_apply(struct sup *s, const struct cfg_process *procs, size_t n)
{
	struct sup_helper *h, **v;
	size_t i, j, nv;
	int rc = 0;

	sup_enter(s);
	s->stopping = false;
	for (i = 0; i < n && !s->dying; i++) {
		for (j = 0; j < i; j++)
			if (str_eq(procs[j].name, procs[i].name))
				break;
		if (j < i || procs[i].name == NULL) {
			log_warnx("process %s: defined twice, ignored",
			    procs[i].name != NULL ? procs[i].name : "?");
			continue;
		}
		if ((h = sup_lookup(s, procs[i].name)) == NULL) {
			h = helper_new(s, &procs[i]);
			if (helper_start(h) == -1)
				rc = -1;
			continue;
		}
		if (proc_same_run(&h->proc, &procs[i])) {
			/* respawn and the rest apply from now on. */
			h->proc.respawn = procs[i].respawn;
			h->proc.encoder_given = procs[i].encoder_given;
			h->proc.api_version = procs[i].api_version;
			h->proc.line = procs[i].line;
			if (h->removed) {	/* back before it was gone */
				h->removed = false;
				h->why = WHY_RESTART;
			}
			continue;
		}
		proc_clear(&h->proc);
		proc_copy(&h->proc, &procs[i]);
		h->removed = false;
		log_info("process %s: configuration changed, restarting",
		    h->proc.name);
		if (helper_has_instance(h))
			helper_stop(h, WHY_RESTART);
		else if (helper_start(h) == -1)
			rc = -1;
	}
	v = sup_snapshot(s, &nv);
	for (i = 0; i < nv && !s->dying; i++) {
		h = v[i];
		if (h->removed || h->state == HS_DESTROYED ||
		    procs_have(procs, n, h->proc.name))
			continue;
		log_info("process %s: removed from the configuration",
		    h->proc.name);
		h->removed = true;
		if (helper_has_instance(h))
			helper_stop(h, WHY_NONE);
		else
			helper_destroy(h);
	}
	free(v);
	sup_leave(s);
	return (rc);
}

void
sup_restart_all(struct sup *s)
{
	struct sup_helper **v;
	size_t i, nv;

	sup_enter(s);
	log_info("restarting all processes");
	s->stopping = false;
	v = sup_snapshot(s, &nv);
	for (i = 0; i < nv && !s->dying; i++) {
		if (v[i]->state == HS_DESTROYED || v[i]->removed)
			continue;
		if (helper_has_instance(v[i]))
			helper_stop(v[i], WHY_RESTART);
		else
			helper_schedule_start(v[i], 0);
	}
	free(v);
	sup_leave(s);
}

void
sup_stop_all(struct sup *s)
{
	struct sup_helper **v;
	size_t i, nv;

	sup_enter(s);
	log_info("stopping all processes");
	s->stopping = true;
	s->stop_notified = false;
	v = sup_snapshot(s, &nv);
	for (i = 0; i < nv && !s->dying; i++) {
		if (v[i]->state == HS_WAIT) {
			evtimer_del(v[i]->respawn_ev);
			v[i]->state = HS_IDLE;
		} else if (v[i]->state == HS_RUNNING)
			helper_stop(v[i], WHY_NONE);
	}
	free(v);
	if (!s->dying)
		sup_check_stopped(s);
	sup_leave(s);
}

struct sup_helper *
sup_find(struct sup *s, const char *name)
{
	struct sup_helper *h = sup_lookup(s, name);

	return (h != NULL && h->state == HS_RUNNING ? h : NULL);
}

const char *
sup_helper_name(const struct sup_helper *h)
{
	return (h->proc.name);
}

enum cfg_encoder
sup_helper_encoder(const struct sup_helper *h)
{
	return (h->proc.encoder);
}

unsigned
sup_helper_api_version(const struct sup_helper *h)
{
	return (h->proc.api_version);
}

pid_t
sup_helper_pid(const struct sup_helper *h)
{
	return (h->pid);
}

/* The queue is full: apply the overflow policy, always logged. */
static void
helper_overflow(struct sup_helper *h, size_t len, size_t queued)
{
	const struct sup_settings *set = &h->sup->set;

	h->st.dropped_bytes += len;
	h->st.dropped_events++;
	if (set->overflow == SUP_OVERFLOW_RESTART) {
		log_warnx("process %s: output queue full (%zu bytes queued, "
		    "cap %zu), restarting it", h->proc.name, queued,
		    set->max_queue);
		helper_stop(h, WHY_OVERFLOW);
		return;
	}
	if (!h->dropping) {
		log_warnx("process %s: output queue full (%zu bytes queued, "
		    "cap %zu), dropping events until it drains", h->proc.name,
		    queued, set->max_queue);
		h->dropping = true;
		h->burst_events = h->burst_bytes = 0;
	}
	h->burst_events++;
	h->burst_bytes += len;
}

/* Is there room for len more bytes (else the overflow policy runs)? */
static bool
helper_room(struct sup_helper *h, size_t len)
{
	struct sup *s = h->sup;
	size_t queued = sup_queued(h);

	if (len > s->set.max_queue || queued > s->set.max_queue - len) {
		helper_overflow(h, len, queued);
		return false;
	}
	return true;
}

/* sup_write(), or with batched sup_write_batched(). */
static int
helper_write(struct sup_helper *h, const char *data, size_t len,
    bool batched)
{
	struct sup *s = h->sup;
	int rc = -1;

	if (h->state != HS_RUNNING || h->in == NULL || s->dying)
		return (-1);
	sup_enter(s);
	if (!batched)
		stage_flush(h);		/* what was gathered goes first */
	if (helper_room(h, len)) {
		if (batched)
			rc = stage_add(h, data, len);
		else
			rc = helper_copy(h, data, len);
	}
	sup_leave(s);
	return (rc);
}

int
sup_write(struct sup_helper *h, const char *data, size_t len)
{
	return (helper_write(h, data, len, false));
}

int
sup_write_batched(struct sup_helper *h, const char *data, size_t len)
{
	return (helper_write(h, data, len, true));
}

size_t
sup_queued(const struct sup_helper *h)
{
	if (h->in == NULL)
		return (0);
	return (evbuffer_get_length(bufferevent_get_output(h->in)) +
	    (h->ring != NULL ? pipe_ring_batch_len(h->ring) : 0));
}

void
sup_pause(struct sup_helper *h, bool paused)
{
	struct sup *s = h->sup;

	if (h->paused == paused || h->state == HS_DESTROYED)
		return;
	sup_enter(s);
	h->paused = paused;
	helper_update_read(h);
	if (paused) {
		evtimer_del(h->deliver_ev);
		helper_check_gone(h);
	} else if (h->out != NULL) {
		if (h->reaped && !h->eof && !evtimer_pending(h->kill_ev, NULL))
			helper_arm_kill(h);
		helper_schedule_deliver(h);
	}
	sup_leave(s);
}

void
sup_helper_stats(const struct sup_helper *h, struct sup_stats *st)
{
	*st = h->st;
}
