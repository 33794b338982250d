/*
 * Child processes of evbgp-healthcheck: the check command, the --execute
 * commands and `ip`. Each runs in its own process group so a timeout can
 * kill everything the command started (SIGTERM, then SIGKILL to the whole
 * group); a hung check is a failed check, never a stuck helper. Only the
 * user's commands go through /bin/sh -c (they are shell commands by
 * specification); `ip` is exec'd with an argv.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "hc.h"

/* Captured output beyond this is read and dropped. */
#define HC_CAPTURE_MAX	(1u << 20)
/* Grace between SIGTERM and SIGKILL to a timed-out group. */
#define HC_KILL_GRACE	0.5
/* Poll slice: how quickly a signal or the parent's death is noticed. */
#define HC_SLICE_MS	100

/* In the child: stdio, signals, environment, then exec. */
static void __attribute__((noreturn))
child_exec(const struct hc_proc *p, int outfd)
{
	static const char *const sbin[] = { "/usr/sbin/ip", "/sbin/ip" };
	int null = open("/dev/null", O_RDWR);
	sigset_t none;
	size_t i;

	setpgid(0, 0);
	/* Ignored signals survive exec; the parent ignores SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(outfd >= 0 ? outfd : null, STDOUT_FILENO);
	dup2(outfd >= 0 ? outfd : null, STDERR_FILENO);
	if (p->state != NULL)
		setenv("STATE", p->state, 1);
	execvp(p->argv[0], p->argv);
	/* `ip` lives in sbin, which a daemon's PATH may lack. */
	if (strcmp(p->argv[0], "ip") == 0)
		for (i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++)
			execv(sbin[i], p->argv);
	dprintf(STDERR_FILENO, "%s: %s\n", p->argv[0], strerror(errno));
	_exit(127);
}

/* Has the child exited? Leaves it unreaped so its group id stays ours. */
static bool
exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno != EINTR;
	return si.si_pid == pid;
}

static void
drain(int fd, struct sbuf *out)
{
	char buf[4096];
	ssize_t n;

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (out->len < HC_CAPTURE_MAX)
			sbuf_add(out, buf, (size_t)n);
}

/* SIGTERM the group, give it a moment, then SIGKILL whatever is left. */
static void
kill_group(pid_t pid, int fd, struct sbuf *out)
{
	double end = mono_now() + HC_KILL_GRACE;

	kill(-pid, SIGTERM);
	while (!exited(pid) && mono_now() < end) {
		drain(fd, out);
		poll(NULL, 0, 20);
	}
	kill(-pid, SIGKILL);
}

/* Wait for the child, reading its output, until exit or deadline. */
static void
wait_child(const struct hc_ctx *c, const struct hc_proc *p, pid_t pid,
    int fd, struct hc_proc_result *r)
{
	double end = p->timeout > 0 ? mono_now() + p->timeout : 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!exited(pid)) {
		if (p->interruptible && (r->why = hc_interrupted(c)) !=
		    HC_W_DONE)
			break;
		if (end > 0 && mono_now() >= end) {
			r->timed_out = true;
			break;
		}
		if (fd >= 0 && poll(&pfd, 1, HC_SLICE_MS) > 0)
			drain(fd, &r->out);
		else if (fd < 0)
			poll(NULL, 0, HC_SLICE_MS);
	}
	if (r->timed_out || r->why != HC_W_DONE)
		kill_group(pid, fd, &r->out);
	/* Do not wait for EOF: a check may leave a daemon holding the pipe. */
	drain(fd, &r->out);
	/* If the status is lost the command did not succeed. */
	r->status = -1;
	while (waitpid(pid, &r->status, 0) == -1 && errno == EINTR)
		;
}

int
hc_proc_run(const struct hc_ctx *c, const struct hc_proc *p,
    struct hc_proc_result *r)
{
	int fds[2] = { -1, -1 };
	pid_t pid;

	memset(r, 0, sizeof(*r));
	sbuf_init(&r->out);
	r->why = HC_W_DONE;
	if (p->capture && pipe2(fds, O_CLOEXEC) == -1) {
		hc_log(&c->log, LOG_ERR, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		hc_log(&c->log, LOG_ERR, "fork: %s", strerror(errno));
		if (fds[0] >= 0) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0)
		child_exec(p, fds[1]);
	/* Both sides set the group: no window where kill(-pid) misses. */
	setpgid(pid, pid);
	if (fds[1] >= 0) {
		close(fds[1]);
		fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	}
	wait_child(c, p, pid, fds[0], r);
	if (fds[0] >= 0)
		close(fds[0]);
	return 0;
}

/* Log a check's output on one line per output line. */
static void
log_output(const struct hc_ctx *c, int prio, const struct sbuf *out)
{
	char *copy, *line, *save = NULL;

	if (out->len == 0)
		return;
	copy = xstrdup(out->p);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		hc_log(&c->log, prio, "Output of check command: %s", line);
	free(copy);
}

int
hc_run_check(struct hc_ctx *c)
{
	char *argv[] = { "/bin/sh", "-c", c->o->cmd, NULL };
	struct hc_proc p = { argv, NULL, c->o->timeout, true, true };
	struct hc_proc_result r;
	int ok;

	if (c->o->cmd == NULL)
		return 1;
	hc_log(&c->log, LOG_DEBUG, "Checking command '%s'", c->o->cmd);
	if (hc_proc_run(c, &p, &r) == -1)
		return 0;
	if (r.why != HC_W_DONE) {
		sbuf_free(&r.out);
		return -1;
	}
	ok = !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	if (r.timed_out)
		hc_log(&c->log, LOG_WARNING, "Timeout (%g) while running check "
		    "command %s", c->o->timeout, c->o->cmd);
	else if (!ok)
		hc_log(&c->log, LOG_WARNING, "Check command was unsuccessful: "
		    "%d", WIFEXITED(r.status) ? WEXITSTATUS(r.status) :
		    -WTERMSIG(r.status));
	else
		hc_log(&c->log, LOG_DEBUG, "Command was executed successfully");
	log_output(c, ok ? LOG_DEBUG : LOG_INFO, &r.out);
	sbuf_free(&r.out);
	return ok;
}

static void
run_list(struct hc_ctx *c, const struct hc_strv *cmds, enum hc_state st)
{
	struct hc_proc_result r;
	size_t i;

	for (i = 0; i < cmds->n; i++) {
		char *argv[] = { "/bin/sh", "-c", cmds->v[i], NULL };
		/* Waited for like ExaBGP does, but a signal still gets out. */
		struct hc_proc p = { argv, hc_state_name(st), 0, false, true };

		hc_log(&c->log, LOG_DEBUG, "Transition to %s, execute `%s`",
		    hc_state_name(st), cmds->v[i]);
		if (hc_proc_run(c, &p, &r) == 0)
			sbuf_free(&r.out);
		if (r.why != HC_W_DONE)
			return;
	}
}

void
hc_run_execute(struct hc_ctx *c, enum hc_state st)
{
	const struct hc_strv *own = st == HC_UP ? &c->o->up_execute :
	    st == HC_DOWN ? &c->o->down_execute : st == HC_DISABLED ?
	    &c->o->disabled_execute : NULL;

	if (own != NULL)
		run_list(c, own, st);
	if (hc_interrupted(c) == HC_W_DONE)
		run_list(c, &c->o->execute, st);
}
