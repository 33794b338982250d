/*
 * The process supervisor against real helper processes (tests/helpers/).
 * Every test has its own event_base and runs the loop only through
 * run_until(), which is bounded in time.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbgp/log.h"
#include "evbgp/supervisor.h"
#include "evbgp/util.h"

#define HELPERS		EVBGP_SOURCE_DIR "/tests/helpers"
#define MAXLINES	4096
#define MAXEV		256
#define MAXNAMES	8

/* A process block as the config parser would give it. */
struct tproc {
	struct cfg_process p;
	char		*argv[4];
	char		 path[512];
};

struct per_name {
	char		 name[16];
	int		 started;
	int		 exited;
	pid_t		 pid;
	int		 status;
	bool		 respawning;
};

struct rec {
	struct event_base *base;
	struct sup	*sup;
	struct event	*tick;
	int		 started;
	int		 exited;
	int		 fatal;
	int		 all_stopped;
	int		 status;
	bool		 respawning;
	char		*lines[MAXLINES];
	size_t		 nlines;
	size_t		 nlines_at_exit;
	double		 t_started[MAXEV];
	double		 t_exited[MAXEV];
	double		 t_first_line;
	double		 t_exit;
	pid_t		 pids[MAXEV];
	struct per_name	 per[MAXNAMES];
	struct sup_helper *last;
	void		(*on_line)(struct rec *, struct sup_helper *,
			    const char *);
	void		(*on_started)(struct rec *, struct sup_helper *);
	/* Lines between two loop turns (the turn ticker resets it). */
	unsigned	 turn_lines;
	unsigned	 max_turn_lines;
	struct event	*turn_ev;
	long		 aux;
	unsigned long	 overflows;	/* ops->overflow calls */
	unsigned long	 overflow_dropped;
	void		*ctx;		/* a test's own state for its conditions */
};

static struct per_name *
per(struct rec *r, const char *name)
{
	int i;

	for (i = 0; i < MAXNAMES; i++) {
		if (strcmp(r->per[i].name, name) == 0)
			return (&r->per[i]);
		if (r->per[i].name[0] == '\0') {
			snprintf(r->per[i].name, sizeof(r->per[i].name),
			    "%s", name);
			return (&r->per[i]);
		}
	}
	ck_abort_msg("too many names");
	return (NULL);
}

static void
on_line(void *arg, struct sup_helper *h, const char *line, size_t len)
{
	struct rec *r = arg;

	ck_assert_uint_eq(strlen(line), len);
	if (r->nlines == 0)
		r->t_first_line = mono_now();
	if (r->nlines < MAXLINES)
		r->lines[r->nlines] = xstrdup(line);
	r->nlines++;
	r->turn_lines++;
	if (r->turn_lines > r->max_turn_lines)
		r->max_turn_lines = r->turn_lines;
	if (r->on_line != NULL)
		r->on_line(r, h, line);
}

static void
on_started(void *arg, struct sup_helper *h)
{
	struct rec *r = arg;
	struct per_name *p = per(r, sup_helper_name(h));

	ck_assert_int_gt(sup_helper_pid(h), 1);
	if (r->started < MAXEV) {
		r->t_started[r->started] = mono_now();
		r->pids[r->started] = sup_helper_pid(h);
	}
	r->started++;
	p->started++;
	p->pid = sup_helper_pid(h);
	r->last = h;
	if (r->on_started != NULL)
		r->on_started(r, h);
}

static void
on_exited(void *arg, struct sup_helper *h, int status, bool respawning)
{
	struct rec *r = arg;
	struct per_name *p = per(r, sup_helper_name(h));

	if (r->exited < MAXEV)
		r->t_exited[r->exited] = mono_now();
	r->exited++;
	r->status = status;
	r->respawning = respawning;
	r->nlines_at_exit = r->nlines;
	r->t_exit = mono_now();
	p->exited++;
	p->status = status;
	p->respawning = respawning;
}

static void
on_fatal(void *arg, const char *why)
{
	struct rec *r = arg;

	ck_assert_ptr_nonnull(why);
	r->fatal++;
}

static void
on_all_stopped(void *arg)
{
	struct rec *r = arg;

	r->all_stopped++;
}

static void
on_overflow(void *arg, struct sup_helper *h, unsigned long dropped)
{
	struct rec *r = arg;

	r->overflows++;
	r->overflow_dropped += dropped;
}

static const struct sup_ops rec_ops = {
	.line = on_line,
	.started = on_started,
	.exited = on_exited,
	.fatal = on_fatal,
	.all_stopped = on_all_stopped,
	.overflow = on_overflow,
};

/* Wakes the loop up regularly so run_until() can check its deadline. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* Runs once per loop turn (re-armed with a zero timeout). */
static void
turn_cb(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval zero = { 0, 0 };
	struct rec *r = arg;

	r->turn_lines = 0;
	evtimer_add(r->turn_ev, &zero);
}

static void
rec_init(struct rec *r, const struct sup_settings *set)
{
	struct timeval tv = { 0, 5000 };
	struct event_config *cfg = event_config_new();

	memset(r, 0, sizeof(*r));
	/* Timing is measured: libevent's default clock is the coarse one. */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	r->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	ck_assert_ptr_nonnull(r->base);
	r->tick = event_new(r->base, -1, EV_PERSIST, tick_cb, r);
	event_add(r->tick, &tv);
	r->sup = sup_new(r->base, set, &rec_ops, r);
}

static void
rec_free(struct rec *r)
{
	size_t i;

	sup_free(r->sup);
	if (r->turn_ev != NULL)
		event_free(r->turn_ev);
	event_free(r->tick);
	event_base_free(r->base);
	for (i = 0; i < r->nlines && i < MAXLINES; i++)
		free(r->lines[i]);
}

/*
 * The bound of a wait for something that must happen: generous, as a
 * busy machine (CI, ASan, CPU burners beside it) may take seconds to
 * fork and exec a helper. A wait ends as soon as its condition holds.
 * Fixed run_for() periods remain only where a test checks that nothing
 * happens during them.
 */
#define WAIT_MS		30000

/* Loop until cond(r) or timeout_ms; returns cond's last value. */
static bool
run_until(struct rec *r, bool (*cond)(struct rec *), unsigned timeout_ms)
{
	double end = mono_now() + timeout_ms / 1000.0;

	while (cond == NULL || !cond(r)) {
		if (mono_now() >= end)
			return (cond == NULL);
		event_base_loop(r->base, EVLOOP_ONCE);
	}
	return (true);
}

static void
run_for(struct rec *r, unsigned ms)
{
	run_until(r, NULL, ms);
}

static void
tproc(struct tproc *t, const char *name, const char *script, const char *arg)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s/%s", HELPERS, script);
	t->argv[0] = (char *)script;
	t->argv[1] = (char *)arg;
	t->p.name = (char *)name;
	t->p.argv = t->argv;
	t->p.argc = arg != NULL ? 2 : 1;
	t->p.path = t->path;
	t->p.encoder = ENCODER_TEXT;
	t->p.respawn = true;
}

/* A process block for a program of our choice, argv[argc] NULL. */
static void
program(struct cfg_process *p, const char *name, const char *path,
    char **argv, int argc, bool respawn)
{
	memset(p, 0, sizeof(*p));
	p->name = (char *)name;
	p->path = (char *)path;
	p->argv = argv;
	p->argc = argc;
	p->respawn = respawn;
}

static void
settings(struct sup_settings *s)
{
	sup_settings_default(s);
	s->respawn_min_ms = 10;
	s->respawn_max_ms = 40;
	s->kill_grace_ms = 300;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return (n - 1);		/* the DIR's own descriptor */
}

/* No child left at all: everything we forked was reaped. */
static void
assert_no_children(void)
{
	int st;

	ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static bool
is_all_stopped(struct rec *r)
{
	return (r->all_stopped > 0);
}

static bool
one_started(struct rec *r)
{
	return (r->started >= 1);
}

static bool
three_starts(struct rec *r)
{
	return (r->started >= 3 && r->respawning);
}

static bool
is_fatal(struct rec *r)
{
	return (r->fatal >= 1);
}

static bool
two_started_one_exited(struct rec *r)
{
	return (r->started >= 2 && r->exited >= 1);
}

static bool
d_restarted(struct rec *r)
{
	return (per(r, "d")->started >= 2);
}

static int	zombie_children(void);

/* The last kill settled: reaped, and the helper running again. */
static bool
victim_settled(struct rec *r)
{
	return (zombie_children() == 0 && sup_find(r->sup, "victim") != NULL);
}

static bool
drained_and_read(struct rec *r)
{
	return (sup_queued(r->last) == 0 && r->nlines > 0);
}

static bool
one_exited(struct rec *r)
{
	return (r->exited >= 1);
}

static void
stop_and_wait(struct rec *r)
{
	sup_stop_all(r->sup);
	ck_assert(run_until(r, is_all_stopped, WAIT_MS));
	ck_assert_int_eq(r->all_stopped, 1);
	assert_no_children();
}

/* ------------------------------------------------------------------ */

static bool
fifty_lines(struct rec *r)
{
	return (r->nlines >= 50);
}

START_TEST(test_echo_round_trip)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct sup_helper *h;
	struct sup_stats st;
	char buf[64];
	int i;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert_int_eq(r.started, 1);
	h = sup_find(r.sup, "echo");
	ck_assert_ptr_eq(h, r.last);
	ck_assert_str_eq(sup_helper_name(h), "echo");
	ck_assert_int_eq(sup_helper_encoder(h), ENCODER_TEXT);
	ck_assert_ptr_null(sup_find(r.sup, "nope"));
	for (i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "message %d\r\n", i);
		ck_assert_int_eq(sup_write(h, buf, strlen(buf)), 0);
	}
	ck_assert_uint_gt(sup_queued(h), 0);
	ck_assert(run_until(&r, fifty_lines, WAIT_MS));
	for (i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "message %d", i);
		ck_assert_str_eq(r.lines[i], buf);
	}
	sup_helper_stats(h, &st);
	ck_assert_uint_eq(st.lines, 50);
	ck_assert_uint_eq(st.restarts, 0);
	ck_assert_uint_eq(sup_queued(h), 0);
	stop_and_wait(&r);
	ck_assert_int_eq(r.exited, 1);
	ck_assert(!r.respawning);
	ck_assert_int_eq(sup_write(h, "x\n", 2), -1);
	ck_assert_ptr_null(sup_find(r.sup, "echo"));
	rec_free(&r);
}
END_TEST

/*
 * The helper (/bin/sleep) is past its start-up and asleep in its main:
 * blocked in (clock_)nanosleep. Until then its /proc entries show
 * transient state: exe switches to sleep before the dynamic loader and
 * setlocale() have run, and those open (and close) descriptor 3 for
 * ld.so.cache, libc.so.6 and the locale files. What is left once it
 * sleeps is what it inherited from us.
 */
static bool
helper_asleep(struct rec *r)
{
	char path[64], buf[128];
	long nr;
	FILE *f;
	bool asleep = false;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)r->pids[0]);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    sscanf(buf, "%ld", &nr) == 1)
		asleep = nr == SYS_clock_nanosleep
#ifdef SYS_nanosleep
		    || nr == SYS_nanosleep
#endif
		    ;
	fclose(f);
	return (asleep);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = xcalloc(1, 65536);

	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return (buf);
}

static bool
env_has(const char *env, size_t len, const char *want)
{
	size_t off;

	for (off = 0; off < len; off += strlen(env + off) + 1)
		if (strcmp(env + off, want) == 0)
			return (true);
	return (false);
}

/* What the helper gets: fds 0-2 only, pipes, env, pgrp, mask. */
START_TEST(test_child_setup)
{
	struct sup_settings set;
	struct cfg_process p;
	char *argv[] = { "sleep", "30", NULL }, path[64], a[256], b[256];
	struct rec r;
	DIR *d;
	struct dirent *e;
	char *buf, *line;
	size_t len;
	int nfd = 0;
	pid_t pid;
	ssize_t n;

	setenv("TERM", "xterm", 1);
	setenv("EVBGP_SUP_TEST", "inherited", 1);
	settings(&set);
	rec_init(&r, &set);
	program(&p, "sleep", "/bin/sleep", argv, 2, true);
	ck_assert_int_eq(sup_apply(r.sup, &p, 1), 0);
	ck_assert(run_until(&r, one_started, WAIT_MS));
	ck_assert(run_until(&r, helper_asleep, WAIT_MS));
	pid = r.pids[0];

	/* anything beyond 0-2 now was inherited: name it */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		nfd++;
		n = readlinkat(dirfd(d), e->d_name, a, sizeof(a) - 1);
		a[n > 0 ? n : 0] = '\0';
		ck_assert_msg(atoi(e->d_name) <= 2,
		    "helper inherited fd %s -> %s", e->d_name, a);
	}
	closedir(d);
	ck_assert_int_eq(nfd, 3);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
	n = readlink(path, a, sizeof(a) - 1);
	ck_assert_int_gt(n, 0);
	a[n] = '\0';
	ck_assert(strncmp(a, "pipe:", 5) == 0);
	/* stderr is a pipe of its own (its lines go to our log), not ours */
	snprintf(path, sizeof(path), "/proc/%d/fd/2", (int)pid);
	n = readlink(path, a, sizeof(a) - 1);
	ck_assert_int_gt(n, 0);
	a[n] = '\0';
	ck_assert(strncmp(a, "pipe:", 5) == 0);
	n = readlink("/proc/self/fd/2", b, sizeof(b) - 1);
	ck_assert_int_gt(n, 0);
	b[n] = '\0';
	ck_assert_str_ne(a, b);

	/* asleep in sleep's main: this is the environment execve gave it */
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	buf = slurp(path, &len);
	ck_assert(env_has(buf, len, "TERM=dumb"));
	ck_assert(!env_has(buf, len, "TERM=xterm"));
	ck_assert(env_has(buf, len, "EVBGP_SUP_TEST=inherited"));
	free(buf);

	ck_assert_int_eq(getpgid(pid), pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	buf = slurp(path, &len);
	line = strstr(buf, "SigBlk:");
	ck_assert_ptr_nonnull(line);
	ck_assert(strncmp(line, "SigBlk:\t0000000000000000", 24) == 0);
	line = strstr(buf, "SigIgn:");	/* we ignore SIGPIPE; it must not */
	ck_assert_ptr_nonnull(line);
	ck_assert(strncmp(line, "SigIgn:\t0000000000000000", 24) == 0);
	free(buf);

	stop_and_wait(&r);
	ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
	rec_free(&r);
}
END_TEST

/* run path not found: logged, -1, retried with back-off, never started. */
static bool
exited_once(struct rec *r)
{
	return (r->exited >= 1);
}

/* A file's contents (at most 1 MiB), or "" when it cannot be read. */
static char *
file_text(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return (buf);
}

/*
 * Run the shell script `script` as helper `name` (no respawn) until it
 * exits, everything logged to a file: that file's text once the
 * supervisor is gone (so what it flushes at teardown is in).
 */
static char *
stderr_of(const char *name, const char *script)
{
	struct sup_settings set;
	struct cfg_process p;
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	char logf[] = "/tmp/check_sup_logXXXXXX", *text;
	struct rec r;
	int fd;

	fd = mkstemp(logf);
	ck_assert_int_ge(fd, 0);
	close(fd);
	log_init(true, LOG_DEST_FILE, LOG_INFO, logf);
	settings(&set);
	rec_init(&r, &set);
	program(&p, name, "/bin/sh", argv, 3, false);
	ck_assert_int_eq(sup_apply(r.sup, &p, 1), 0);
	ck_assert(run_until(&r, exited_once, WAIT_MS));
	stop_and_wait(&r);
	rec_free(&r);
	log_init(true, LOG_DEST_STDERR, LOG_INFO, NULL);
	text = file_text(logf);
	unlink(logf);
	return (text);
}

/* The helper's stderr goes to our log destination, line by line, with
 * the process name; control characters escaped, an unterminated last
 * line and an over-long line not lost, nothing on our own stderr. */
START_TEST(test_stderr_logged)
{
	char *text = stderr_of("talker",
	    "echo 'first complaint' >&2; printf 'esc\\033[31mred\\n' >&2; "
	    "head -c 9000 /dev/zero | tr '\\0' x >&2; echo >&2; "
	    "printf 'last words' >&2; exit 3");

	ck_assert_ptr_nonnull(strstr(text, "notice: process talker: first "
	    "complaint\n"));
	ck_assert_ptr_nonnull(strstr(text, "process talker: esc\\x1b[31mred\n"));
	ck_assert_ptr_nonnull(strstr(text, "process talker: xxxxxxxx"));
	ck_assert_msg(strstr(text, "process talker: last words\n") != NULL,
	    "%s", text);
	/* one line per stderr line: the 9000 x's are cut, not split */
	ck_assert_ptr_null(strstr(text, "process talker: \n"));
}
END_TEST

/* A helper printing on stderr in a loop: at most 1000 lines a second
 * are logged, the others counted in one line. */
START_TEST(test_stderr_flood)
{
	char *text = stderr_of("flood", "seq 1 20000 >&2"), *w;
	size_t logged = 0;

	for (w = text; (w = strstr(w, "notice: process flood: ")) != NULL; w++)
		logged++;
	/* the machine may be slow: a second may pass during the flood */
	ck_assert_uint_ge(logged, 1000);
	ck_assert_uint_lt(logged, 20000);
	ck_assert_ptr_nonnull(strstr(text, "process flood: 1\n"));
	ck_assert_ptr_nonnull(strstr(text, "stderr lines not logged (more "
	    "than 1000 a second)"));
}
END_TEST

START_TEST(test_missing_executable)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "ghost", "no-such-helper", NULL);
	t.p.path = NULL;
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), -1);
	ck_assert_ptr_null(sup_find(r.sup, "ghost"));
	run_for(&r, 150);
	ck_assert_int_eq(r.started, 0);
	ck_assert_int_eq(r.exited, 0);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static bool
got_after(struct rec *r)
{
	return (r->nlines >= 2);
}

START_TEST(test_line_cap)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct sup_stats st;

	settings(&set);
	set.max_line = 1024;
	rec_init(&r, &set);
	tproc(&t, "long", "longline.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, got_after, WAIT_MS));
	run_for(&r, 50);
	ck_assert_uint_eq(r.nlines, 2);
	ck_assert_str_eq(r.lines[0], "before");
	ck_assert_str_eq(r.lines[1], "after");
	sup_helper_stats(r.last, &st);
	ck_assert_uint_eq(st.long_lines, 1);
	ck_assert_uint_eq(st.lines, 2);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* Exactly max_line passes, one more is discarded; CR LF; no final LF. */
START_TEST(test_line_boundary)
{
	struct sup_settings set;
	struct cfg_process p;
	char *argv[] = { "printf", NULL, NULL };
	char fmt[2100];
	struct rec r;
	struct sup_stats st;

	settings(&set);
	set.max_line = 1024;
	rec_init(&r, &set);
	/* printf's format: 1024 a's, LF, 1025 b's, LF, "crlf" CR LF, "end" */
	memset(fmt, 'a', 1024);
	fmt[1024] = '\n';
	memset(fmt + 1025, 'b', 1025);
	strcpy(fmt + 2050, "\ncrlf\r\nend");
	argv[1] = fmt;
	program(&p, "printf", "/usr/bin/printf", argv, 2, false);
	ck_assert_int_eq(sup_apply(r.sup, &p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	ck_assert_uint_eq(r.nlines, 3);
	ck_assert_uint_eq(strlen(r.lines[0]), 1024);
	ck_assert_str_eq(r.lines[1], "crlf");
	ck_assert_str_eq(r.lines[2], "end");
	sup_helper_stats(r.last, &st);
	ck_assert_uint_eq(st.long_lines, 1);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static bool
all_lines(struct rec *r)
{
	return (r->nlines >= (size_t)r->aux);
}

static void
late_cb(evutil_socket_t fd, short what, void *arg)
{
	double *v = arg, now = mono_now();

	/* v[0] last call, v[1] worst interval */
	if (v[0] > 0 && now - v[0] > v[1])
		v[1] = now - v[0];
	v[0] = now;
}

/*
 * A 10 ms timer against a line stream, judged in lines, not seconds: how
 * many lines were handled while the timer was due and had not run yet.
 * A busy machine may delay the whole process (then no line is handled
 * either), but the loop may not keep reading lines while a timer waits.
 */
struct overdue {
	double		 due;		/* when the timer is due next */
	unsigned	 lines;		/* handled since it became due */
	unsigned	 worst;
	unsigned	 fired;
};

static void
overdue_line(struct rec *r, struct sup_helper *h, const char *line)
{
	struct overdue *o = r->ctx;

	if (o->due > 0 && mono_now() >= o->due)
		o->lines++;
}

static void
overdue_timer(evutil_socket_t fd, short what, void *arg)
{
	struct overdue *o = arg;

	if (o->lines > o->worst)
		o->worst = o->lines;
	o->lines = 0;
	o->fired++;
	o->due = mono_now() + 0.010;
}

/* Bounded batches: <= lines_per_turn per loop turn, timers not starved. */
START_TEST(test_batches)
{
	static const struct timeval zero = { 0, 0 };
	struct timeval ten = { 0, 10000 };
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct event *timer;
	struct overdue o;
	char want[32];
	size_t i;

	settings(&set);
	set.lines_per_turn = 10;
	rec_init(&r, &set);
	r.aux = 20000;
	r.turn_ev = evtimer_new(r.base, turn_cb, &r);
	evtimer_add(r.turn_ev, &zero);
	memset(&o, 0, sizeof(o));
	r.ctx = &o;
	r.on_line = overdue_line;
	timer = event_new(r.base, -1, EV_PERSIST, overdue_timer, &o);
	event_add(timer, &ten);
	o.due = mono_now() + 0.010;
	tproc(&t, "lines", "lines.sh", "20000");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, all_lines, WAIT_MS));
	ck_assert_uint_eq(r.nlines, 20000);
	for (i = 0; i < MAXLINES; i++) {
		snprintf(want, sizeof(want), "line %zu", i);
		ck_assert_str_eq(r.lines[i], want);
	}
	ck_assert_uint_le(r.max_turn_lines, 10);
	/* a due timer runs at the next turn: the batch of the turn in
	 * which it became due and of one more, a margin of one (unbatched,
	 * a pipe's worth of lines, thousands, would go by) */
	if (o.lines > o.worst)
		o.worst = o.lines;
	ck_assert_msg(o.worst <= 3 * set.lines_per_turn,
	    "%u lines handled while a timer was due", o.worst);
	ck_assert_uint_gt(o.fired, 0);
	event_free(timer);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

START_TEST(test_pause)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	r.aux = 50;
	tproc(&t, "lines", "lines.sh", "50");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	sup_pause(r.last, true);
	run_for(&r, 200);
	ck_assert_uint_eq(r.nlines, 0);
	sup_pause(r.last, false);
	ck_assert(run_until(&r, all_lines, WAIT_MS));
	ck_assert_str_eq(r.lines[49], "line 49");
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static void
pause_on_start(struct rec *r, struct sup_helper *h)
{
	sup_pause(h, true);
}

/* Paused, it exits: nothing is lost or killed; lines come first. */
START_TEST(test_pause_exit)
{
	struct sup_settings set;
	struct cfg_process p;
	char *argv[] = { "print.sh", "one", "two", "three", NULL };
	struct rec r;

	settings(&set);
	set.kill_grace_ms = 100;
	rec_init(&r, &set);
	r.on_started = pause_on_start;
	program(&p, "print", HELPERS "/print.sh", argv, 4, false);
	ck_assert_int_eq(sup_apply(r.sup, &p, 1), 0);
	run_for(&r, 400);		/* well past the grace */
	ck_assert_int_eq(r.exited, 0);
	ck_assert_uint_eq(r.nlines, 0);
	sup_pause(r.last, false);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	ck_assert_uint_eq(r.nlines_at_exit, 3);
	ck_assert_str_eq(r.lines[2], "three");
	ck_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* Stopping a paused helper still completes (its output is dropped). */
START_TEST(test_pause_stop)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	r.on_started = pause_on_start;
	tproc(&t, "lines", "lines.sh", "5000");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_started, WAIT_MS));
	stop_and_wait(&r);
	ck_assert_int_eq(r.exited, 1);
	ck_assert_uint_eq(r.nlines, 0);
	rec_free(&r);
}
END_TEST

/* execve fails (not executable): status 127, handled as a death. */
START_TEST(test_exec_failure)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	int devnull, saved;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "noexec", "CMakeLists.txt", NULL);
	snprintf(t.path, sizeof(t.path), "%s/tests/CMakeLists.txt",
	    EVBGP_SOURCE_DIR);
	t.p.respawn = false;
	/* The child reports on stderr; keep the test output clean. */
	saved = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(devnull, STDERR_FILENO);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(devnull);
	ck_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127);
	ck_assert(!r.respawning);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* EOF first, then (0.3 s later) the exit: exited once, after both. */
START_TEST(test_eof_then_reap)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	set.kill_grace_ms = 2000;
	rec_init(&r, &set);
	tproc(&t, "closeout", "closeout.sh", NULL);
	t.p.respawn = false;
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	run_for(&r, 100);
	ck_assert_int_eq(r.exited, 1);
	ck_assert_uint_eq(r.nlines, 1);
	ck_assert_str_eq(r.lines[0], "bye");
	ck_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);
	ck_assert(!r.respawning);
	ck_assert_msg(r.t_exit - r.t_first_line >= 0.25,
	    "exited %.3f s after EOF", r.t_exit - r.t_first_line);
	ck_assert_int_eq(r.fatal, 0);
	assert_no_children();
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* The exit first, EOF when the background child closes stdout. */
START_TEST(test_reap_then_eof)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	/* far beyond the child's 0.3 s: EOF, not the grace, ends the wait */
	set.kill_grace_ms = 20000;
	rec_init(&r, &set);
	tproc(&t, "bg", "bgchild.sh", NULL);
	t.p.respawn = false;
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	run_for(&r, 100);
	ck_assert_int_eq(r.exited, 1);
	ck_assert_uint_eq(r.nlines_at_exit, 2);
	ck_assert_str_eq(r.lines[0], "early");
	ck_assert_str_eq(r.lines[1], "late");
	ck_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4);
	ck_assert_msg(r.t_exit - r.t_first_line >= 0.25,
	    "exited %.3f s after start", r.t_exit - r.t_first_line);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* The helper's process group is gone: every member killed and reaped. */
static bool
group_gone(struct rec *r)
{
	return (kill(-r->pids[0], 0) == -1 && errno == ESRCH);
}

/*
 * Exited, but a descendant holds stdout for long: its group is killed.
 * The descendant would hold the pipe for 300 s, ten times the wait for
 * the exit: an exit reported within the wait is the group kill's doing,
 * however slow the machine.
 */
START_TEST(test_reap_descendant_killed)
{
	struct sup_settings set;
	struct cfg_process p;
	char *argv[] = { "sh", "-c",
	    "(sleep 300; echo late) & echo early; exit 4", NULL };
	struct rec r;

	settings(&set);
	set.kill_grace_ms = 100;
	rec_init(&r, &set);
	program(&p, "bg", "/bin/sh", argv, 3, false);
	ck_assert_int_eq(sup_apply(r.sup, &p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	ck_assert_int_eq(r.exited, 1);
	ck_assert_uint_eq(r.nlines_at_exit, 1);
	ck_assert_str_eq(r.lines[0], "early");
	ck_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4);
	ck_assert(run_until(&r, group_gone, WAIT_MS));
	stop_and_wait(&r);
	ck_assert_uint_eq(r.nlines, 1);		/* never "late" */
	rec_free(&r);
}
END_TEST

static void
kill_on_ping(struct rec *r, struct sup_helper *h, const char *line)
{
	ck_assert_str_eq(line, "ping");
	ck_assert_int_eq(kill(sup_helper_pid(h), SIGKILL), 0);
}

static void
ping_on_start(struct rec *r, struct sup_helper *h)
{
	ck_assert_int_eq(sup_write(h, "ping\n", 5), 0);
}

static bool
hundred_started(struct rec *r)
{
	return (r->started >= 100 && r->nlines >= 100);
}

static int
zombie_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[512], *p, state;
	int ppid, n = 0;
	FILE *f;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == getpid() && state == 'Z')
			n++;
		fclose(f);
	}
	closedir(d);
	return (n);
}

/* kill -9 a hundred times: back-off, no zombie, no descriptor leak. */
START_TEST(test_kill9_hundred)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct sup_stats st;
	int fds0, fds1, i;
	unsigned expect;
	double gap;

	settings(&set);
	set.respawn_min_ms = 1;
	set.respawn_max_ms = 8;
	fds0 = count_fds();
	rec_init(&r, &set);
	fds1 = count_fds();
	r.on_started = ping_on_start;
	r.on_line = kill_on_ping;
	tproc(&t, "victim", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, hundred_started, 20000));
	ck_assert_int_ge(r.exited, 99);
	/* Back-off: 1, 2, 4, 8, 8, ... ms between the end and the start. */
	for (i = 0, expect = 1; i < 99 && i < r.exited; i++) {
		gap = r.t_started[i + 1] - r.t_exited[i];
		ck_assert_msg(gap * 1000 >= expect - 0.5,
		    "respawn %d after %.2f ms, want %u", i, gap * 1000, expect);
		if (expect < 8)
			expect *= 2;
	}
	for (i = 1; i < 100; i++)
		ck_assert_int_ne(r.pids[i], r.pids[i - 1]);
	sup_helper_stats(r.last, &st);
	ck_assert_uint_ge(st.restarts, 99);
	/* Let the last kill settle (a zombie in flight is normal). */
	r.on_line = NULL;
	ck_assert(run_until(&r, victim_settled, WAIT_MS));
	ck_assert_ptr_nonnull(sup_find(r.sup, "victim"));
	stop_and_wait(&r);
	ck_assert_int_eq(zombie_children(), 0);
	ck_assert_int_eq(count_fds(), fds1);
	rec_free(&r);
	ck_assert_int_eq(count_fds(), fds0);
	assert_no_children();
}
END_TEST

static void
kill_quick(struct rec *r, struct sup_helper *h)
{
	/* Three quick deaths, then one life longer than healthy_after_s. */
	if (r->started <= 3)
		kill(sup_helper_pid(h), SIGKILL);
}

static void
kill_it(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;

	kill(sup_helper_pid(r->last), SIGKILL);
}

static bool
four_started(struct rec *r)
{
	return (r->started >= 4);
}

static bool
five_started(struct rec *r)
{
	return (r->started >= 5);
}

/*
 * The back-off doubles on quick deaths and resets after a healthy life.
 * The delays chosen are read from the log line that announces each
 * respawn (exact); the measured gaps only show that each was honoured (a
 * timer never fires early; a busy machine may make it late by any
 * amount, so no upper bound on them).
 */
START_TEST(test_backoff_reset)
{
	static const unsigned want[4] = { 30, 60, 120, 30 };
	struct timeval later = { 1, 150000 };
	char logf[] = "/tmp/check_sup_logXXXXXX", *text, *at;
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct event *ev;
	double gap[4];
	unsigned ms;
	int i, fd;

	fd = mkstemp(logf);
	ck_assert_int_ge(fd, 0);
	close(fd);
	log_init(true, LOG_DEST_FILE, LOG_INFO, logf);
	settings(&set);
	set.respawn_min_ms = 30;
	set.respawn_max_ms = 1000;
	set.healthy_after_s = 1;
	rec_init(&r, &set);
	r.on_started = kill_quick;
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, four_started, WAIT_MS));
	ev = evtimer_new(r.base, kill_it, &r);
	evtimer_add(ev, &later);
	ck_assert(run_until(&r, five_started, WAIT_MS));
	event_free(ev);
	stop_and_wait(&r);
	rec_free(&r);
	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	text = file_text(logf);
	unlink(logf);
	for (i = 0, at = text; i < 4; i++) {
		at = strstr(at, "process echo: ");
		ck_assert_msg(at != NULL, "respawn %d not logged: %s", i, text);
		at = strstr(at, ", respawning in ");
		ck_assert_msg(at != NULL, "respawn %d not logged: %s", i, text);
		at += strlen(", respawning in ");
		ck_assert_int_eq(sscanf(at, "%u ms", &ms), 1);
		ck_assert_msg(ms == want[i], "respawn %d in %u ms, want %u: %s",
		    i, ms, want[i], text);
		gap[i] = (r.t_started[i + 1] - r.t_exited[i]) * 1000;
		ck_assert_msg(gap[i] >= want[i] - 0.5,
		    "respawn %d after %.1f ms, before its %u ms", i, gap[i],
		    want[i]);
	}
	/* the last instance was stopped, not respawned */
	ck_assert_ptr_null(strstr(at, ", respawning in "));
}
END_TEST

START_TEST(test_respawn_default)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "quitter", "exit.sh", "1");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, three_starts, WAIT_MS));
	ck_assert_int_ge(r.started, 3);
	ck_assert(r.respawning);
	ck_assert_int_eq(r.fatal, 0);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

START_TEST(test_respawn_false)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "once", "exit.sh", "0");
	t.p.respawn = false;
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	run_for(&r, 300);	/* and no respawn after it */
	ck_assert_int_eq(r.started, 1);
	ck_assert_int_eq(r.exited, 1);
	ck_assert(!r.respawning);
	ck_assert_int_eq(r.fatal, 0);	/* terminate is off */
	ck_assert_ptr_null(sup_find(r.sup, "once"));
	assert_no_children();
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* settings.respawn false + terminate: lost for good -> ops->fatal. */
START_TEST(test_terminate_fatal)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	set.respawn = false;
	set.terminate = true;
	rec_init(&r, &set);
	tproc(&t, "once", "exit.sh", "2");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	ck_assert(run_until(&r, is_fatal, WAIT_MS));
	run_for(&r, 100);	/* and no respawn after it */
	ck_assert_int_eq(r.started, 1);
	ck_assert_int_eq(r.fatal, 1);
	ck_assert(!r.respawning);
	stop_and_wait(&r);
	ck_assert_int_eq(r.fatal, 1);
	rec_free(&r);
}
END_TEST

/* An intentional stop is not a loss: no fatal even with terminate. */
START_TEST(test_terminate_not_on_stop)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	set.respawn = false;
	set.terminate = true;
	rec_init(&r, &set);
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	run_for(&r, 50);
	stop_and_wait(&r);
	ck_assert_int_eq(r.fatal, 0);
	rec_free(&r);
}
END_TEST

static bool
fifty_one_lines(struct rec *r)
{
	return (r->nlines >= 51);
}

/*
 * sup_write_batched(): gathered, counted in the queue at once (the cap
 * and the back-pressure see it), given to the helper when the loop turn
 * is done, and in order with plain writes (which send the gathered ones
 * first).
 */
START_TEST(test_batched_writes)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct sup_helper *h;
	struct sup_stats st;
	char buf[64], line[1024];
	size_t want = 0;
	int i, refused = 0;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	h = sup_find(r.sup, "echo");
	for (i = 0; i < 51; i++) {
		snprintf(buf, sizeof(buf), "message %d\n", i);
		want += strlen(buf);
		if (i == 30)
			ck_assert_int_eq(sup_write(h, buf, strlen(buf)), 0);
		else
			ck_assert_int_eq(sup_write_batched(h, buf,
			    strlen(buf)), 0);
		ck_assert_uint_eq(sup_queued(h), want);
	}
	ck_assert(run_until(&r, fifty_one_lines, WAIT_MS));
	for (i = 0; i < 51; i++) {
		snprintf(buf, sizeof(buf), "message %d", i);
		ck_assert_str_eq(r.lines[i], buf);
	}
	ck_assert(run_until(&r, drained_and_read, WAIT_MS));
	stop_and_wait(&r);
	rec_free(&r);

	/* the cap counts what is gathered: 4 KiB take 4 lines of 1 KiB */
	settings(&set);
	set.max_queue = 4096;
	set.overflow = SUP_OVERFLOW_DROP;
	rec_init(&r, &set);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	h = sup_find(r.sup, "echo");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < 10; i++)
		if (sup_write_batched(h, line, sizeof(line)) == -1)
			refused++;
	ck_assert_int_eq(refused, 6);
	ck_assert_uint_eq(sup_queued(h), 4096);
	sup_helper_stats(h, &st);
	ck_assert_uint_eq(st.dropped_events, 6);
	ck_assert(run_until(&r, drained_and_read, WAIT_MS));
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

struct flood {
	struct rec	*r;
	size_t		 max_queued;
	unsigned long	 writes;
	unsigned long	 refused;
	pid_t		 first;
};

static void
flood_cb(evutil_socket_t fd, short what, void *arg)
{
	struct flood *f = arg;
	struct sup_helper *h = sup_find(f->r->sup, "echo");
	char line[1024];
	int i;

	if (h == NULL)
		return;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < 64; i++) {
		f->writes++;
		if (sup_write(h, line, sizeof(line)) == -1)
			f->refused++;
		if (sup_queued(h) > f->max_queued)
			f->max_queued = sup_queued(h);
		if (h != sup_find(f->r->sup, "echo"))
			break;
	}
}

static void
stop_first(struct rec *r, struct sup_helper *h)
{
	if (r->started == 1)
		ck_assert_int_eq(kill(sup_helper_pid(h), SIGSTOP), 0);
}

/*
 * Flood a SIGSTOPped helper until done(r) (r->ctx is the flood); returns
 * the worst interval of a 10 ms timer meanwhile. A write that blocked on
 * the stopped helper would stop the loop for good, so the bound on that
 * interval is generous (seconds, for a busy machine), not tight.
 */
static double
flood_stopped(struct rec *r, struct flood *f, bool (*done)(struct rec *))
{
	struct timeval five = { 0, 5000 }, ten = { 0, 10000 };
	struct event *writer, *timer;
	double late[2] = { 0, 0 };

	memset(f, 0, sizeof(*f));
	f->r = r;
	r->ctx = f;
	writer = event_new(r->base, -1, EV_PERSIST, flood_cb, f);
	timer = event_new(r->base, -1, EV_PERSIST, late_cb, late);
	event_add(writer, &five);
	event_add(timer, &ten);
	ck_assert(run_until(r, done, WAIT_MS));
	event_free(writer);
	event_free(timer);
	return (late[1]);
}

#define FLOOD_LATE_S	5.0

/* The queue is full: writes are refused. */
static bool
flood_refused(struct rec *r)
{
	return (((struct flood *)r->ctx)->refused > 0);
}

/* Overflow restarted the helper, and the new instance echoes. */
static bool
flood_restarted(struct rec *r)
{
	return (((struct flood *)r->ctx)->refused > 0 && r->started >= 2 &&
	    r->exited >= 1 && r->nlines > 0);
}

START_TEST(test_stopped_helper_drop)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct flood f;
	struct sup_stats st;
	double late;

	settings(&set);
	set.max_queue = 256 * 1024;
	set.overflow = SUP_OVERFLOW_DROP;
	rec_init(&r, &set);
	r.on_started = stop_first;
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	late = flood_stopped(&r, &f, flood_refused);
	ck_assert_msg(late < FLOOD_LATE_S, "timer interval %.3f s", late);
	ck_assert_uint_le(f.max_queued, set.max_queue);
	ck_assert_uint_gt(f.refused, 0);
	sup_helper_stats(r.last, &st);
	ck_assert_uint_eq(st.dropped_events, f.refused);
	ck_assert_uint_eq(st.dropped_bytes, f.refused * 1024);
	ck_assert_int_eq(r.started, 1);
	ck_assert_int_eq(r.exited, 0);
	/* Resumed, it drains the queue; nothing was restarted. */
	kill(sup_helper_pid(r.last), SIGCONT);
	ck_assert(run_until(&r, drained_and_read, WAIT_MS));
	ck_assert_uint_eq(sup_queued(r.last), 0);
	ck_assert_uint_gt(r.nlines, 0);
	ck_assert_int_eq(r.started, 1);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

START_TEST(test_stopped_helper_restart)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct flood f;
	struct sup_stats st;
	double late;

	settings(&set);
	set.max_queue = 256 * 1024;
	set.overflow = SUP_OVERFLOW_RESTART;
	rec_init(&r, &set);
	r.on_started = stop_first;
	tproc(&t, "echo", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	late = flood_stopped(&r, &f, flood_restarted);
	ck_assert_msg(late < FLOOD_LATE_S, "timer interval %.3f s", late);
	ck_assert_uint_le(f.max_queued, set.max_queue);
	ck_assert_uint_ge(f.refused, 1);
	ck_assert_int_ge(r.started, 2);
	ck_assert_int_ge(r.exited, 1);
	ck_assert_int_ne(r.pids[0], r.pids[1]);
	sup_helper_stats(r.last, &st);
	ck_assert_uint_ge(st.restarts, 1);
	/* The new instance is healthy and echoes. */
	ck_assert_uint_gt(r.nlines, 0);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static bool
three_started(struct rec *r)
{
	return (r->started >= 3);
}

static bool
apply_settled(struct rec *r)
{
	return (r->started >= 5 && per(r, "c")->exited >= 1 &&
	    per(r, "b")->exited >= 1);
}

START_TEST(test_apply)
{
	struct sup_settings set;
	struct tproc t1[3], t2[3];
	struct cfg_process p1[3], p2[3];
	struct rec r;
	pid_t a, b, c;
	int i;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t1[0], "a", "echo.sh", NULL);
	tproc(&t1[1], "b", "echo.sh", NULL);
	tproc(&t1[2], "c", "echo.sh", NULL);
	for (i = 0; i < 3; i++)
		p1[i] = t1[i].p;
	ck_assert_int_eq(sup_apply(r.sup, p1, 3), 0);
	ck_assert(run_until(&r, three_started, WAIT_MS));
	a = per(&r, "a")->pid;
	b = per(&r, "b")->pid;
	c = per(&r, "c")->pid;
	/* Same again: nothing moves. */
	ck_assert_int_eq(sup_apply(r.sup, p1, 3), 0);
	run_for(&r, 50);
	ck_assert_int_eq(r.started, 3);
	ck_assert_int_eq(r.exited, 0);

	tproc(&t2[0], "a", "echo.sh", NULL);
	t2[0].p.respawn = false;		/* not a run change */
	tproc(&t2[1], "b", "echo.sh", "changed");
	tproc(&t2[2], "d", "echo.sh", NULL);
	for (i = 0; i < 3; i++)
		p2[i] = t2[i].p;
	ck_assert_int_eq(sup_apply(r.sup, p2, 3), 0);
	ck_assert(run_until(&r, apply_settled, WAIT_MS));
	run_for(&r, 100);
	ck_assert_int_eq(per(&r, "a")->started, 1);
	ck_assert_int_eq(per(&r, "a")->exited, 0);
	ck_assert_int_eq(sup_helper_pid(sup_find(r.sup, "a")), a);
	ck_assert_int_eq(per(&r, "b")->started, 2);
	ck_assert_int_eq(per(&r, "b")->exited, 1);
	ck_assert(per(&r, "b")->respawning);
	ck_assert_int_ne(sup_helper_pid(sup_find(r.sup, "b")), b);
	ck_assert_int_eq(per(&r, "c")->exited, 1);
	ck_assert(!per(&r, "c")->respawning);
	ck_assert_ptr_null(sup_find(r.sup, "c"));
	ck_assert_int_eq(kill(c, 0), -1);
	ck_assert_int_eq(per(&r, "d")->started, 1);
	ck_assert_ptr_nonnull(sup_find(r.sup, "d"));

	/* Encoder change restarts too; a removed-then-readded one is back. */
	p2[2].encoder = ENCODER_JSON;
	ck_assert_int_eq(sup_apply(r.sup, p2, 3), 0);
	ck_assert(run_until(&r, d_restarted, WAIT_MS));
	ck_assert_int_eq(per(&r, "d")->started, 2);
	ck_assert_int_eq(sup_helper_encoder(sup_find(r.sup, "d")),
	    ENCODER_JSON);
	ck_assert_int_eq(per(&r, "a")->started, 1);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

/* Remove and re-add in the same turn: one helper, never two. */
START_TEST(test_apply_remove_readd)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "x", "echo.sh", NULL);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert_int_eq(sup_apply(r.sup, NULL, 0), 0);
	ck_assert_ptr_null(sup_find(r.sup, "x"));
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, two_started_one_exited, WAIT_MS));
	ck_assert_int_eq(r.started, 2);
	ck_assert_int_eq(r.exited, 1);
	ck_assert_ptr_nonnull(sup_find(r.sup, "x"));
	ck_assert_int_eq(sup_helper_pid(sup_find(r.sup, "x")), r.pids[1]);
	stop_and_wait(&r);
	ck_assert_int_eq(r.exited, 2);
	rec_free(&r);
}
END_TEST

START_TEST(test_restart_all)
{
	struct sup_settings set;
	struct tproc t[2];
	struct cfg_process p[2];
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t[0], "a", "echo.sh", NULL);
	tproc(&t[1], "b", "echo.sh", NULL);
	p[0] = t[0].p;
	p[1] = t[1].p;
	ck_assert_int_eq(sup_apply(r.sup, p, 2), 0);
	sup_restart_all(r.sup);
	/* Being restarted: writes are refused, nothing crashes. */
	ck_assert_int_eq(sup_write(r.last, "x\n", 2), -1);
	ck_assert_ptr_null(sup_find(r.sup, "b"));
	ck_assert(run_until(&r, four_started, WAIT_MS));
	ck_assert_int_eq(per(&r, "a")->started, 2);
	ck_assert_int_eq(per(&r, "b")->started, 2);
	ck_assert_int_eq(r.exited, 2);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static bool
sleeper_ready(struct rec *r)
{
	return (r->nlines >= 1 && r->started >= 2);
}

/* A helper ignoring SIGTERM gets SIGKILL after the grace. */
START_TEST(test_stop_all_grace)
{
	struct sup_settings set;
	struct tproc t[2];
	struct cfg_process p[2];
	struct rec r;
	double t0, el;

	settings(&set);
	set.kill_grace_ms = 200;
	rec_init(&r, &set);
	tproc(&t[0], "echo", "echo.sh", NULL);
	tproc(&t[1], "stubborn", "sleeper.sh", NULL);
	p[0] = t[0].p;
	p[1] = t[1].p;
	ck_assert_int_eq(sup_apply(r.sup, p, 2), 0);
	ck_assert(run_until(&r, sleeper_ready, WAIT_MS));
	t0 = mono_now();
	stop_and_wait(&r);
	el = mono_now() - t0;
	/* not before the grace; the upper bound only tells "SIGKILL came"
	 * from "waited for sleeper.sh's 30 s": generous for a busy box */
	ck_assert_msg(el >= 0.19 && el < 20, "stopped after %.3f s", el);
	ck_assert(WIFSIGNALED(per(&r, "stubborn")->status));
	ck_assert_int_eq(WTERMSIG(per(&r, "stubborn")->status), SIGKILL);
	ck_assert(!WIFSIGNALED(per(&r, "echo")->status) ||
	    WTERMSIG(per(&r, "echo")->status) != SIGKILL);
	ck_assert_int_eq(r.exited, 2);
	ck_assert_int_eq(r.started, 2);	/* no respawn while stopping */
	rec_free(&r);
}
END_TEST

static bool
got_ready(struct rec *r)
{
	return (r->nlines >= 1);
}

/*
 * An orderly stop as ExaBGP does it: the shutdown event is written, the
 * helper's stdin stays open for stdin_grace_ms (0.1 s), then EOF and
 * SIGTERM together, so a helper reading its stdin in a loop that ignores
 * EOF does not spin on it (the old order, EOF then SIGTERM 0.5 s later,
 * let it read EOF thousands of times).
 */
START_TEST(test_orderly_stop_no_eof_spin)
{
	char path[] = "/tmp/evbgp-eofspin-XXXXXX";
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct stat st;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	settings(&set);
	ck_assert_uint_eq(set.stdin_grace_ms, 100);
	rec_init(&r, &set);
	tproc(&t, "looper", "eofspin.sh", path);
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, got_ready, WAIT_MS));
	sup_write(r.last, "shutdown 1 2\n", 13);
	stop_and_wait(&r);
	ck_assert(WIFSIGNALED(per(&r, "looper")->status));
	ck_assert_int_eq(WTERMSIG(per(&r, "looper")->status), SIGTERM);
	/* one byte per EOF read: EOF and the signal came together, so a
	 * few at most */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg(st.st_size <= 20, "the helper read EOF %lld times",
	    (long long)st.st_size);
	unlink(path);
	rec_free(&r);
}
END_TEST

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
}

/* The helper closed its stdin: EPIPE, no spin, helper handled as dead. */
START_TEST(test_stdin_closed)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;
	struct sup_helper *h;
	double cpu;

	settings(&set);
	rec_init(&r, &set);
	tproc(&t, "deaf", "closein.sh", NULL);
	t.p.respawn = false;
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, got_ready, WAIT_MS));
	h = r.last;
	cpu = cpu_seconds();
	run_for(&r, 200);		/* nothing queued: nothing armed */
	ck_assert_int_eq(r.exited, 0);
	ck_assert_int_eq(sup_write(h, "hello\n", 6), 0);
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	run_for(&r, 100);
	ck_assert_msg(cpu_seconds() - cpu < 0.15, "cpu %.3f s",
	    cpu_seconds() - cpu);
	ck_assert_int_eq(r.exited, 1);
	ck_assert(WIFSIGNALED(r.status));
	ck_assert_int_eq(sup_write(h, "again\n", 6), -1);
	stop_and_wait(&r);
	rec_free(&r);
}
END_TEST

static void
free_on_line(struct rec *r, struct sup_helper *h, const char *line)
{
	sup_free(r->sup);
	r->sup = NULL;
	r->aux = 1;
}

static bool
freed(struct rec *r)
{
	return (r->aux == 1);
}

/* sup_free from inside a callback is deferred, and still reaps. */
START_TEST(test_free_in_callback)
{
	struct sup_settings set;
	struct tproc t;
	struct rec r;

	settings(&set);
	rec_init(&r, &set);
	r.on_line = free_on_line;
	tproc(&t, "lines", "lines.sh", "500");
	ck_assert_int_eq(sup_apply(r.sup, &t.p, 1), 0);
	ck_assert(run_until(&r, freed, WAIT_MS));
	ck_assert_uint_eq(r.nlines, 1);
	assert_no_children();
	rec_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/*
 * The event ring (pipe_ring.c): batches vmspliced from resident pages.
 * The helper is tests/helpers/slowread.py, which reads slowly and records
 * every byte in a file; each test compares the file with every byte that
 * sup_write()/sup_write_batched() accepted, in order.
 */

#define RING_BYTES	(1024 * 1024)	/* SUP_RING_SIZE */
#define EVENT_BYTES	1000		/* the fixed-size events */

struct stream {
	struct rec	*r;
	struct sbuf	 sent;		/* every byte accepted, in order */
	uint64_t	 rnd;		/* xorshift64, a fixed seed */
	unsigned long	 seq;
	size_t		 goal;		/* bytes to send in all */
	size_t		 max_queued;	/* write while the queue is below */
	unsigned	 plain_pct;	/* plain sup_write()s, per cent */
	unsigned	 max_burst;	/* events per tick at most */
	/* phased: wait for an empty queue, fill the pipe with vmspliced
	 * batches (SPLICE_TICKS ticks at most 64 KiB queued), then flood
	 * (max_queued), so the ring goes round while the pipe holds it */
	bool		 phased;
	enum { PH_DRAIN, PH_SPLICE, PH_FLOOD } phase;
	unsigned	 phase_ticks;
	pid_t		 pid;		/* the instance written to; 0: none */
	char		 out[64];	/* slowread.py's OUT */
	struct event	*tick;
	char		*argv[6];
	struct cfg_process p;
};

static uint64_t
stream_rand(struct stream *st)
{
	st->rnd ^= st->rnd << 13;
	st->rnd ^= st->rnd >> 7;
	st->rnd ^= st->rnd << 17;
	return (st->rnd);
}

/* An event of len bytes (len > 24) that no other event equals: its
 * sequence number, then letters from the generator, then a newline. */
static void
stream_event(struct stream *st, char *buf, size_t len)
{
	int n = snprintf(buf, len, "seq %lu ", st->seq++);

	for (size_t i = (size_t)n; i < len - 1; i++)
		buf[i] = (char)('a' + stream_rand(st) % 26);
	buf[len - 1] = '\n';
}

/* Write one event of len bytes to h, plain or batched. */
static void
stream_write(struct stream *st, struct sup_helper *h, size_t len,
    bool plain)
{
	char buf[8192];

	ck_assert_uint_le(len, sizeof(buf));
	stream_event(st, buf, len);
	if (plain)
		ck_assert_int_eq(sup_write(h, buf, len), 0);
	else
		ck_assert_int_eq(sup_write_batched(h, buf, len), 0);
	sbuf_add(&st->sent, buf, len);
}

/* The file slowread.py instance pid records into. */
static void
stream_file(const struct stream *st, pid_t pid, char *path, size_t len)
{
	snprintf(path, len, "%s.%d", st->out, (int)pid);
}

static off_t
stream_file_size(const struct stream *st, pid_t pid)
{
	char path[96];
	struct stat sb;

	stream_file(st, pid, path, sizeof(path));
	return (stat(path, &sb) == 0 ? sb.st_size : -1);
}

#define SPLICE_TICKS	10

/* How much may be queued this tick (phased streams change phases). */
static size_t
stream_limit(struct stream *st, struct sup_helper *h)
{
	if (!st->phased)
		return (st->max_queued);
	switch (st->phase) {
	case PH_DRAIN:
		/* the pipe too, nearly: the helper has read almost all */
		if (sup_queued(h) > 0 || stream_file_size(st, st->pid) <
		    (off_t)st->sent.len - 16 * 1024)
			return (0);
		st->phase = PH_SPLICE;
		st->phase_ticks = 0;
		/* FALLTHROUGH */
	case PH_SPLICE:
		if (st->phase_ticks++ < SPLICE_TICKS)
			return (64 * 1024);
		st->phase = PH_FLOOD;
		/* FALLTHROUGH */
	case PH_FLOOD:
		if (sup_queued(h) < st->max_queued - 64 * 1024)
			return (st->max_queued);
		st->phase = PH_DRAIN;
		return (0);
	}
	return (0);
}

/* A loop turn's burst: up to max_burst events of random sizes. */
static void
stream_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *st = arg;
	struct sup_helper *h = sup_find(st->r->sup, "slow");
	size_t limit;
	unsigned n;

	if (h == NULL || st->pid == 0 || sup_helper_pid(h) != st->pid)
		return;
	limit = stream_limit(st, h);
	n = 1 + (unsigned)(stream_rand(st) % st->max_burst);
	while (n-- > 0 && st->sent.len < st->goal && sup_queued(h) < limit)
		stream_write(st, h, 40 + stream_rand(st) % 3000,
		    stream_rand(st) % 100 < st->plain_pct);
}

static void
stream_init(struct stream *st, struct rec *r, const char *pause_us)
{
	struct timeval ms = { 0, 1000 };

	memset(st, 0, sizeof(*st));
	st->r = r;
	sbuf_init(&st->sent);
	st->rnd = 0x9e3779b97f4a7c15ULL;	/* fixed: the same run each time */
	st->max_queued = 2 * RING_BYTES;
	st->max_burst = 64;
	snprintf(st->out, sizeof(st->out), "/tmp/evbgp-slowread-%d",
	    (int)getpid());
	st->argv[0] = "slowread.py";
	st->argv[1] = st->out;
	st->argv[2] = "4096";
	st->argv[3] = (char *)pause_us;
	program(&st->p, "slow", HELPERS "/slowread.py", st->argv, 4, true);
	st->tick = event_new(r->base, -1, EV_PERSIST, stream_tick_cb, st);
	event_add(st->tick, &ms);
	r->ctx = st;
}

static void
stream_free(struct stream *st)
{
	event_free(st->tick);
	sbuf_free(&st->sent);
}

/* Everything meant for the instance was sent and has been read. */
static bool
stream_done(struct rec *r)
{
	struct stream *st = r->ctx;

	return (st->sent.len >= st->goal &&
	    stream_file_size(st, st->pid) >= (off_t)st->sent.len);
}

/* The instance's file holds exactly the bytes sent, in order. */
static void
stream_check(struct stream *st, pid_t pid)
{
	char path[96];
	size_t len = 0, at = 0;
	char *got;
	FILE *f;

	stream_file(st, pid, path, sizeof(path));
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	got = xmalloc(st->sent.len + 1);
	len = fread(got, 1, st->sent.len + 1, f);
	fclose(f);
	unlink(path);
	while (at < len && at < st->sent.len && got[at] == st->sent.p[at])
		at++;
	ck_assert_msg(at == st->sent.len && len == st->sent.len,
	    "helper read %zu bytes, %zu sent; first difference at %zu",
	    len, st->sent.len, at);
	free(got);
}

static bool
stream_ready(struct rec *r)
{
	struct stream *st = r->ctx;

	return (stream_file_size(st, st->pid) >= 0);
}

/* Start the helper; wait for it to be reading unless it is stopped. */
static void
stream_start(struct stream *st, struct rec *r)
{
	ck_assert_int_eq(sup_apply(r->sup, &st->p, 1), 0);
	ck_assert(run_until(r, one_started, WAIT_MS));
	st->pid = sup_helper_pid(r->last);
	if (r->on_started == NULL)
		ck_assert(run_until(r, stream_ready, WAIT_MS));
}

/* A whole stream to one slowread.py, checked; its counters and size. */
struct stream_plan {
	const char	*pause_us;	/* the reader's pause per 4 KiB */
	size_t		 goal;
	size_t		 max_queued;	/* 0: the stream's default */
	unsigned	 plain_pct;
	unsigned	 max_burst;	/* 0: the stream's default */
	bool		 phased;
	bool		 copy_only;	/* sup_settings.splice = false */
};

static void
stream_run(const struct stream_plan *plan, struct sup_stats *sst,
    size_t *sent)
{
	struct sup_settings set;
	struct stream st;
	struct rec r;

	settings(&set);
	set.splice = !plan->copy_only;
	rec_init(&r, &set);
	stream_init(&st, &r, plan->pause_us);
	st.goal = plan->goal;
	st.plain_pct = plan->plain_pct;
	st.phased = plan->phased;
	if (plan->max_queued > 0)
		st.max_queued = plan->max_queued;
	if (plan->max_burst > 0)
		st.max_burst = plan->max_burst;
	stream_start(&st, &r);
	ck_assert(run_until(&r, stream_done, 120000));
	stream_check(&st, st.pid);
	sup_helper_stats(r.last, sst);
	*sent = st.sent.len;
	stop_and_wait(&r);
	stream_free(&st);
	rec_free(&r);
}

/*
 * Batched and plain writes of random sizes interleaved over thousands of
 * flushes (a fixed seed), to a helper that reads slowly: it reads every
 * byte in order, whether vmspliced or copied, and both paths were taken.
 */
START_TEST(test_splice_order_random)
{
	struct stream_plan plan = { .pause_us = "300", .goal = 6 * RING_BYTES,
	    .max_queued = RING_BYTES / 2, .plain_pct = 10 };
	struct sup_stats sst;
	size_t sent;

	stream_run(&plan, &sst, &sent);
	ck_assert_uint_gt(sst.spliced_bytes, 0);
	ck_assert_uint_gt(sst.copied_bytes, 0);
	ck_assert_uint_eq(sst.spliced_bytes + sst.copied_bytes, sent);
}
END_TEST

/*
 * The ring is reused many times over while the reader lags (the pipe full
 * of our pages most of the time and 2 MiB more queued): a region the pipe
 * still holds is never written, or the helper would read later events in
 * place of earlier ones.
 */
START_TEST(test_splice_ring_wrap)
{
	struct stream_plan plan = { .pause_us = "500",
	    .goal = 16 * RING_BYTES, .max_burst = 200, .phased = true };
	struct sup_stats sst;
	size_t sent;

	stream_run(&plan, &sst, &sent);
	/* every byte went through the ring (16 times round it), and the
	 * pipe held 1 MiB of its pages over that time */
	ck_assert_uint_eq(sst.spliced_bytes + sst.copied_bytes, sent);
	ck_assert_uint_ge(sst.spliced_bytes, RING_BYTES);
}
END_TEST

/* With splice off (--helper-copy) every byte is copied, none spliced. */
START_TEST(test_splice_off)
{
	struct stream_plan plan = { .pause_us = "300", .goal = 2 * RING_BYTES,
	    .max_queued = RING_BYTES / 2, .plain_pct = 10, .copy_only = true };
	struct sup_stats sst;
	size_t sent;

	stream_run(&plan, &sst, &sent);
	ck_assert_uint_eq(sst.spliced_bytes, 0);
	ck_assert_uint_eq(sst.copied_bytes, sent);
}
END_TEST

static void
stop_slow(struct rec *r, struct sup_helper *h)
{
	ck_assert_int_eq(kill(sup_helper_pid(h), SIGSTOP), 0);
}

/* Gather n events of EVENT_BYTES and flush them as one batch. */
static void
stream_batch(struct stream *st, struct sup_helper *h, unsigned n)
{
	while (n-- > 0)
		stream_write(st, h, EVENT_BYTES, false);
	event_base_loop(st->r->base, EVLOOP_NONBLOCK);	/* the flush */
}

/*
 * A pipe nearly full takes part of a batch: the rest is copied, later
 * batches are copied while the copies wait, and once they have drained
 * batches are vmspliced again; the helper reads every byte in order.
 */
START_TEST(test_splice_partial)
{
	struct sup_settings set;
	struct sup_stats a, b;
	struct stream st;
	struct rec r;
	struct sup_helper *h;
	int i;

	settings(&set);
	rec_init(&r, &set);
	r.on_started = stop_slow;
	stream_init(&st, &r, "0");
	event_del(st.tick);		/* this test writes by itself */
	stream_start(&st, &r);
	h = r.last;
	/* 60 KB batches (each over 15 pages) into a 256 KiB pipe nobody
	 * reads: the fifth at the latest does not fit */
	for (i = 0; i < 20; i++) {
		stream_batch(&st, h, 60);
		sup_helper_stats(h, &a);
		if (a.copied_bytes > 0)
			break;
	}
	ck_assert_uint_gt(a.spliced_bytes, 0);
	ck_assert_uint_gt(a.copied_bytes, 0);
	/* a batch was cut (vmsplice takes whole pages' worth) */
	ck_assert_uint_ne(a.spliced_bytes % (60 * EVENT_BYTES), 0);
	ck_assert_uint_gt(sup_queued(h), 0);
	/* while copies wait, batches are copied behind them */
	for (i = 0; i < 5; i++)
		stream_batch(&st, h, 60);
	sup_helper_stats(h, &b);
	ck_assert_uint_eq(b.spliced_bytes, a.spliced_bytes);
	ck_assert_uint_eq(b.copied_bytes, a.copied_bytes + 5 * 60 *
	    EVENT_BYTES);
	ck_assert_int_eq(kill(st.pid, SIGCONT), 0);
	st.goal = st.sent.len;
	ck_assert(run_until(&r, stream_done, WAIT_MS));
	ck_assert_uint_eq(sup_queued(h), 0);
	/* drained: the next batch is vmspliced again, and read in order */
	stream_batch(&st, h, 60);
	sup_helper_stats(h, &b);
	ck_assert_uint_gt(b.spliced_bytes, a.spliced_bytes);
	st.goal = st.sent.len;
	ck_assert(run_until(&r, stream_done, WAIT_MS));
	stream_check(&st, st.pid);
	stop_and_wait(&r);
	stream_free(&st);
	rec_free(&r);
}
END_TEST

static bool
stream_spliced_half(struct rec *r)
{
	struct stream *st = r->ctx;
	struct sup_stats sst;

	sup_helper_stats(r->last, &sst);
	return (sst.spliced_bytes >= RING_BYTES / 2 &&
	    st->sent.len >= RING_BYTES);
}

static bool
two_started(struct rec *r)
{
	return (r->started >= 2);
}

/*
 * The helper killed mid-stream (its pipe holding our pages) and respawned:
 * the new instance gets a ring of its own and reads its stream exactly.
 */
START_TEST(test_splice_respawn)
{
	struct sup_settings set;
	struct sup_stats a, b;
	struct stream st;
	struct rec r;
	pid_t first;

	settings(&set);
	rec_init(&r, &set);
	stream_init(&st, &r, "500");
	st.goal = 8 * RING_BYTES;
	st.max_burst = 200;
	st.phased = true;
	stream_start(&st, &r);
	first = st.pid;
	ck_assert(run_until(&r, stream_spliced_half, 120000));
	ck_assert_int_eq(kill(first, SIGKILL), 0);
	st.pid = 0;
	ck_assert(run_until(&r, two_started, WAIT_MS));
	ck_assert_int_ne(sup_helper_pid(r.last), first);
	sup_helper_stats(r.last, &a);
	{
		char path[96];

		stream_file(&st, first, path, sizeof(path));
		unlink(path);
	}
	sbuf_reset(&st.sent);
	st.goal = 4 * RING_BYTES;
	st.pid = sup_helper_pid(r.last);
	ck_assert(run_until(&r, stream_done, 120000));
	stream_check(&st, st.pid);
	sup_helper_stats(r.last, &b);
	ck_assert_uint_gt(b.spliced_bytes, a.spliced_bytes);
	stop_and_wait(&r);
	stream_free(&st);
	rec_free(&r);
}
END_TEST

static bool
one_overflow(struct rec *r)
{
	return (r->overflows >= 1);
}

/* A slowread.py (stopped at its start if stopped) under a queue cap. */
static struct sup_helper *
cap_start(struct rec *r, struct stream *st, size_t cap,
    enum sup_overflow policy, bool stopped)
{
	struct sup_settings set;

	settings(&set);
	set.max_queue = cap;
	set.overflow = policy;
	rec_init(r, &set);
	if (stopped)
		r->on_started = stop_slow;
	stream_init(st, r, "0");
	event_del(st->tick);		/* these tests write by themselves */
	stream_start(st, r);
	return (r->last);
}

static void
cap_end(struct rec *r, struct stream *st)
{
	kill(sup_helper_pid(r->last), SIGCONT);
	stop_and_wait(r);
	stream_free(st);
	rec_free(r);
}

/* One batched event of EVENT_BYTES: 0, or -1 if refused. */
static int
cap_write(struct stream *st, struct sup_helper *h)
{
	char buf[EVENT_BYTES];

	stream_event(st, buf, sizeof(buf));
	return (sup_write_batched(h, buf, sizeof(buf)));
}

/*
 * The overflow policy counts the gathered batch, not what the pipe took:
 * a stopped helper's queue fills to the cap (the pipe full of our pages
 * besides) and events are dropped, which is told once it drains.
 */
START_TEST(test_splice_overflow_drop)
{
	struct sup_stats sst;
	struct stream st;
	struct rec r;
	struct sup_helper *h;
	int i, refused = 0;

	h = cap_start(&r, &st, 512 * 1024, SUP_OVERFLOW_DROP, true);
	for (i = 0; i < 100 && refused == 0; i++) {
		for (int k = 0; k < 60; k++) {
			if (cap_write(&st, h) == -1)
				refused++;
			ck_assert_uint_le(sup_queued(h), 512 * 1024);
		}
		event_base_loop(r.base, EVLOOP_NONBLOCK);	/* flush */
	}
	ck_assert_int_gt(refused, 0);
	sup_helper_stats(h, &sst);
	ck_assert_uint_gt(sst.spliced_bytes, 0);
	ck_assert_uint_eq(sst.dropped_events, (unsigned long)refused);
	ck_assert_int_eq(kill(st.pid, SIGCONT), 0);
	ck_assert(run_until(&r, one_overflow, WAIT_MS));
	cap_end(&r, &st);
}
END_TEST

/*
 * A batch over the cap is cut there and vmspliced whole: libevent never
 * has anything to write, and the drop is told all the same.
 */
START_TEST(test_splice_overflow_told)
{
	struct sup_stats sst;
	struct stream st;
	struct rec r;
	struct sup_helper *h;
	int i, refused = 0;

	h = cap_start(&r, &st, 20 * 1024, SUP_OVERFLOW_DROP, false);
	for (i = 0; i < 30; i++)
		if (cap_write(&st, h) == -1)
			refused++;
	ck_assert_int_eq(refused, 10);
	ck_assert(run_until(&r, one_overflow, WAIT_MS));
	ck_assert_uint_eq(r.overflow_dropped, 10);
	sup_helper_stats(h, &sst);
	ck_assert_uint_eq(sst.spliced_bytes, 20 * EVENT_BYTES);
	ck_assert_uint_eq(sst.copied_bytes, 0);
	cap_end(&r, &st);
}
END_TEST

/* Policy restart: the stopped helper is restarted once its queue (the
 * batches besides what the pipe holds) reaches the cap. */
START_TEST(test_splice_overflow_restart)
{
	struct sup_stats sst;
	struct stream st;
	struct rec r;
	struct sup_helper *h;
	int i;

	h = cap_start(&r, &st, 512 * 1024, SUP_OVERFLOW_RESTART, true);
	for (i = 0; i < 100 && r.started < 2; i++) {
		for (int k = 0; k < 60 && sup_helper_pid(h) == st.pid; k++)
			(void)cap_write(&st, h);
		event_base_loop(r.base, EVLOOP_NONBLOCK);	/* flush */
		if (sup_helper_pid(h) != st.pid)
			ck_assert(run_until(&r, two_started, WAIT_MS));
	}
	ck_assert_int_ge(r.started, 2);
	sup_helper_stats(h, &sst);
	ck_assert_uint_ge(sst.restarts, 1);
	ck_assert_uint_gt(sst.spliced_bytes, 0);
	cap_end(&r, &st);
}
END_TEST

static bool
stream_read_all(struct rec *r)
{
	struct stream *st = r->ctx;

	return (stream_file_size(st, st->pid) >= (off_t)st->sent.len);
}

/*
 * The helper is stopped right after a batch was vmspliced: its stdin is
 * closed and the ring unmapped with the pipe still holding its pages,
 * and the helper (ignoring SIGTERM) still reads every byte to the end.
 */
START_TEST(test_splice_close_while_held)
{
	struct sup_settings set;
	struct sup_stats sst;
	struct stream st;
	struct rec r;
	struct sup_helper *h;

	settings(&set);
	set.kill_grace_ms = WAIT_MS;	/* it exits at its EOF */
	rec_init(&r, &set);
	stream_init(&st, &r, "2000");	/* 4 KiB per 2 ms: it lags */
	event_del(st.tick);
	st.argv[4] = "noterm";
	st.p.argc = 5;
	stream_start(&st, &r);
	h = r.last;
	for (int i = 0; i < 3; i++)
		stream_batch(&st, h, 60);
	sup_helper_stats(h, &sst);
	ck_assert_uint_eq(sst.spliced_bytes, st.sent.len);
	ck_assert_uint_eq(sup_queued(h), 0);
	ck_assert_int_eq(sup_apply(r.sup, NULL, 0), 0);	/* removed */
	ck_assert(run_until(&r, one_exited, WAIT_MS));
	ck_assert(run_until(&r, stream_read_all, WAIT_MS));
	stream_check(&st, st.pid);
	stop_and_wait(&r);
	stream_free(&st);
	rec_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("supervisor");
	TCase *tc = tcase_create("helpers");
	SRunner *sr;
	int failed;

	/* The daemon ignores SIGPIPE; so do we (EPIPE instead). */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("EVBGP_TEST_LOG") != NULL)
		log_init(true, LOG_DEST_STDERR, LOG_DEBUG, NULL);
	else
		log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_echo_round_trip);
	tcase_add_test(tc, test_batched_writes);
	tcase_add_test(tc, test_child_setup);
	tcase_add_test(tc, test_stderr_logged);
	tcase_add_test(tc, test_stderr_flood);
	tcase_add_test(tc, test_missing_executable);
	tcase_add_test(tc, test_line_cap);
	tcase_add_test(tc, test_line_boundary);
	tcase_add_test(tc, test_batches);
	tcase_add_test(tc, test_pause);
	tcase_add_test(tc, test_pause_exit);
	tcase_add_test(tc, test_pause_stop);
	tcase_add_test(tc, test_exec_failure);
	tcase_add_test(tc, test_eof_then_reap);
	tcase_add_test(tc, test_reap_then_eof);
	tcase_add_test(tc, test_reap_descendant_killed);
	tcase_add_test(tc, test_kill9_hundred);
	tcase_add_test(tc, test_backoff_reset);
	tcase_add_test(tc, test_respawn_default);
	tcase_add_test(tc, test_respawn_false);
	tcase_add_test(tc, test_terminate_fatal);
	tcase_add_test(tc, test_terminate_not_on_stop);
	tcase_add_test(tc, test_stopped_helper_drop);
	tcase_add_test(tc, test_stopped_helper_restart);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_apply_remove_readd);
	tcase_add_test(tc, test_restart_all);
	tcase_add_test(tc, test_stop_all_grace);
	tcase_add_test(tc, test_orderly_stop_no_eof_spin);
	tcase_add_test(tc, test_stdin_closed);
	tcase_add_test(tc, test_free_in_callback);
	suite_add_tcase(s, tc);
	tc = tcase_create("splice");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_splice_order_random);
	tcase_add_test(tc, test_splice_ring_wrap);
	tcase_add_test(tc, test_splice_partial);
	tcase_add_test(tc, test_splice_respawn);
	tcase_add_test(tc, test_splice_overflow_drop);
	tcase_add_test(tc, test_splice_overflow_told);
	tcase_add_test(tc, test_splice_overflow_restart);
	tcase_add_test(tc, test_splice_off);
	tcase_add_test(tc, test_splice_close_while_held);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
