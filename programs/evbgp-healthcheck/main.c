/*
 * evbgp-healthcheck: announce or withdraw service addresses according to
 * the result of a health check, as a helper process of evbgpd or ExaBGP
 * (a drop-in replacement for ExaBGP's healthcheck; see
 * docs/evbgp-healthcheck.md). The loop: check, step the state machine,
 * run --execute commands on a change, print the routes, sleep. Every wait
 * is sliced so a signal or the parent's death is noticed within 100 ms.
 */
#include <sys/types.h>

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

/* How long to wait for each ack while withdrawing on exit. */
#define HC_EXIT_ACK_WAIT	2.0
#define HC_SLICE_MS		100

/* The only mutable global: set by the signal handler. */
static volatile sig_atomic_t hc_got_signal;

static void
on_signal(int sig)
{
	hc_got_signal = sig;
}

enum hc_wait
hc_interrupted(const struct hc_ctx *c)
{
	if (hc_got_signal != 0)
		return HC_W_SIGNAL;
	/* Reparented: the daemon that started us is gone. */
	if (getppid() != c->ppid)
		return HC_W_ORPHAN;
	return HC_W_DONE;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: waits must return to look at the flag. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A vanished reader shows as EPIPE, handled as the parent's death. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Dispositions and the mask are inherited: an ignored SIGCHLD would
	 * auto-reap the check and lose its exit status, a blocked SIGTERM
	 * would make us unstoppable.
	 */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaddset(&sa.sa_mask, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
}

/* Has our stdin been closed (only looked at when acks are read)? */
static bool
stdin_closed(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLRDHUP };

	if (poll(&pfd, 1, 0) != 1)
		return false;
	return (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) != 0;
}

/* Sleep secs, ending early on a signal, orphaning or stdin EOF. */
static enum hc_wait
hc_sleep(const struct hc_ctx *c, double secs)
{
	double end = mono_now() + secs, left;
	enum hc_wait w;

	for (;;) {
		if ((w = hc_interrupted(c)) != HC_W_DONE)
			return w;
		if (c->read_acks && stdin_closed())
			return HC_W_EOF;
		if ((left = end - mono_now()) <= 0)
			return HC_W_DONE;
		poll(NULL, 0, left * 1000 > HC_SLICE_MS ? HC_SLICE_MS :
		    (int)(left * 1000) + 1);
	}
}

/* Take one line out of the ack buffer, if there is one. */
static bool
ack_line(struct hc_ctx *c)
{
	char *nl = memchr(c->ack, '\n', c->acklen);
	size_t n;

	if (nl == NULL) {
		if (c->acklen == sizeof(c->ack))
			c->acklen = 0;	/* overlong: drop, keep reading */
		return false;
	}
	*nl = '\0';
	n = (size_t)(nl - c->ack) + 1;
	if (strcmp(c->ack, "done") != 0)
		hc_log(&c->log, LOG_WARNING, "daemon answered '%s'%s", c->ack,
		    strcmp(c->ack, "error") == 0 && !c->o->bare &&
		    c->o->neighbors.n == 0 ? " (ExaBGP 4.2.21 and older "
		    "reject 'neighbor *': use --bare-commands)" : "");
	else
		hc_log(&c->log, LOG_DEBUG, "ack: done");
	memmove(c->ack, c->ack + n, c->acklen - n);
	c->acklen -= n;
	return true;
}

/* Read one acknowledgement line (timeout 0 = none). */
static enum hc_wait
hc_read_ack(struct hc_ctx *c, double timeout, bool interruptible)
{
	double end = timeout > 0 ? mono_now() + timeout : 0;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	enum hc_wait w;
	ssize_t n;

	while (!ack_line(c)) {
		if (interruptible && (w = hc_interrupted(c)) != HC_W_DONE)
			return w;
		if (end > 0 && mono_now() >= end)
			return HC_W_TIMEOUT;
		if (poll(&pfd, 1, HC_SLICE_MS) <= 0)
			continue;
		n = read(STDIN_FILENO, c->ack + c->acklen,
		    sizeof(c->ack) - c->acklen);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return HC_W_EOF;
		if (n > 0)
			c->acklen += (size_t)n;
	}
	return HC_W_DONE;
}

/* Write a whole line to stdout; -1 when nobody reads it any more. */
static int
write_line(const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(STDOUT_FILENO, s, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Print the routes for st, one line (and one ack) per address. */
static enum hc_wait
print_routes(struct hc_ctx *c, enum hc_state st)
{
	bool exiting = st == HC_EXIT;
	struct sbuf line;
	enum hc_wait w = HC_W_DONE;
	size_t i;

	sbuf_init(&line);
	for (i = 0; i < c->announce.n && w == HC_W_DONE; i++) {
		sbuf_reset(&line);
		hc_format_line(c->o, st, &c->announce.v[i], i, &line);
		hc_log(&c->log, LOG_DEBUG, "exabgp: %s", line.p);
		sbuf_addc(&line, '\n');
		if (write_line(line.p, line.len) == -1) {
			w = HC_W_ORPHAN;
			break;
		}
		if (!c->read_acks)
			continue;
		w = hc_read_ack(c, exiting ? HC_EXIT_ACK_WAIT : 0, !exiting);
		if (exiting && w != HC_W_DONE) {
			/* Shutting down: stop waiting, still withdraw. */
			c->read_acks = false;
			w = HC_W_DONE;
		}
	}
	sbuf_free(&line);
	return w;
}

/* Tell the daemon about state st and keep the loopback in step. */
static enum hc_wait
hc_exabgp(struct hc_ctx *c, enum hc_state st, bool print)
{
	enum hc_wait w = HC_W_DONE;

	if (st == HC_UP && c->o->dynamic_ip_setup && hc_ip_setup(c) == -1)
		hc_log(&c->log, LOG_WARNING, "cannot restore loopback IPs");
	if (print) {
		hc_log(&c->log, LOG_DEBUG, "send announces for %s state to "
		    "ExaBGP", hc_state_name(st));
		w = print_routes(c, st);
	}
	if (st == HC_EXIT && (c->o->ip_setup || c->o->dynamic_ip_setup))
		hc_ip_remove_added(c);
	if ((st == HC_DOWN || st == HC_DISABLED) && c->o->dynamic_ip_setup) {
		hc_log(&c->log, LOG_DEBUG, "service down, deleting loopback ips");
		hc_ip_remove_present(c);
	}
	return w;
}

/* One check; 1 ok, 0 failed, -1 interrupted. The disable file wins. */
static int
check_once(struct hc_ctx *c, bool *disabled)
{
	*disabled = c->o->disable != NULL &&
	    access(c->o->disable, F_OK) == 0;
	return *disabled ? 1 : hc_run_check(c);
}

/* Run until a signal, the parent's death, or --interval 0. */
static enum hc_wait
hc_loop(struct hc_ctx *c)
{
	struct hc_machine m;
	struct hc_tick t;
	enum hc_state from;
	enum hc_wait w;
	bool disabled;
	int ok;

	hc_machine_init(&m);
	for (;;) {
		if ((ok = check_once(c, &disabled)) == -1)
			return hc_interrupted(c);
		from = m.fsm.state;
		hc_machine_tick(&m, c->o, ok, disabled, &t);
		if (t.triggered) {
			hc_log(&c->log, LOG_INFO, "state %s -> %s",
			    hc_state_name(from), hc_state_name(m.fsm.state));
			hc_run_execute(c, m.fsm.state);
		}
		if (hc_state_announces(m.fsm.state) &&
		    (w = hc_exabgp(c, m.fsm.state, t.announce)) != HC_W_DONE)
			return w;
		if (t.end) {
			hc_log(&c->log, LOG_INFO, "interval set to zero, "
			    "exiting after the announcement");
			return HC_W_DONE;	/* END */
		}
		if ((w = hc_sleep(c, t.sleep)) != HC_W_DONE)
			return w;
	}
}

static int
write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

/* The addresses: given or from lo, set up, deaggregated, rotated. */
static int
prepare_ips(struct hc_ctx *c)
{
	const struct hc_opts *o = c->o;
	char err[256], *text;

	if (o->ips.n > 0) {
		for (size_t i = 0; i < o->ips.n; i++)
			hc_pfxv_add(&c->announce, &o->ips.v[i]);
	} else if ((text = hc_lo_show(c)) != NULL) {
		hc_loopback_ips(text, o->label, &c->announce);
		free(text);
	}
	if (c->announce.n == 0) {
		hc_log(&c->log, LOG_ERR, "No IP found");
		return -1;
	}
	/* Host addresses are only needed to set up lo or to deaggregate. */
	if ((o->ip_setup || o->dynamic_ip_setup || o->deaggregate) &&
	    hc_expand_hosts(&c->announce, &c->hosts, err, sizeof(err)) == -1) {
		hc_log(&c->log, LOG_ERR, "%s", err);
		return -1;
	}
	c->added = xcalloc(c->hosts.n, sizeof(*c->added));
	if (o->ip_setup && hc_ip_setup(c) == -1)
		return -1;
	if (hc_drop_privileges(c) == -1)
		return -1;
	if (o->deaggregate) {
		hc_pfxv_free(&c->announce);
		for (size_t i = 0; i < c->hosts.n; i++)
			hc_pfxv_add(&c->announce, &c->hosts.v[i]);
	}
	hc_rotate(&c->announce, o->start_ip);
	return 0;
}

/* Leave: withdraw on a signal; remove what we added unless END. */
static void
finish(struct hc_ctx *c, enum hc_wait why)
{
	switch (why) {
	case HC_W_SIGNAL:
		hc_log(&c->log, LOG_INFO, "signal %d: withdrawing",
		    (int)hc_got_signal);
		hc_exabgp(c, HC_EXIT, true);
		break;
	case HC_W_ORPHAN:
	case HC_W_EOF:
		hc_log(&c->log, LOG_INFO, "%s, exiting", why == HC_W_EOF ?
		    "stdin closed" : "parent process gone");
		hc_ip_remove_added(c);
		break;
	default:
		break;	/* END: routes and addresses stay */
	}
}

static int
parse_or_exit(struct hc_opts *o, int argc, char *argv[])
{
	char err[512];

	if (hc_parse_command_line(o, argc, argv, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: error: %s\nTry '%s --help'.\n", HC_PROG,
		    err, HC_PROG);
		return 2;
	}
	if (o->help) {
		fputs(hc_usage(), stdout);
		return 0;
	}
	if (o->version) {
		printf("%s %s\n", HC_PROG, EVBGP_VERSION);
		return 0;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	struct hc_opts o;
	struct hc_ctx c;
	int rc = 0;

	hc_opts_init(&o);
	if ((rc = parse_or_exit(&o, argc, argv)) >= 0) {
		hc_opts_free(&o);
		return rc;
	}
	rc = 0;
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.ppid = getppid();
	c.read_acks = !o.no_ack && !isatty(STDIN_FILENO) &&
	    !isatty(STDOUT_FILENO);
	hc_log_init(&c.log, &o);
	setup_signals();
	if (o.pidfile != NULL && write_pidfile(o.pidfile) == -1) {
		hc_log(&c.log, LOG_ERR, "cannot write %s: %s", o.pidfile,
		    strerror(errno));
		rc = 1;
	} else if (prepare_ips(&c) == -1) {
		hc_ip_remove_added(&c);
		rc = 1;
	} else {
		finish(&c, hc_loop(&c));
	}
	hc_pfxv_free(&c.announce);
	hc_pfxv_free(&c.hosts);
	free(c.added);
	free(c.log.ident);
	hc_opts_free(&o);
	return rc;
}
