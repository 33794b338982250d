/*
 * evbgpctl: send commands to a running evbgpd over its control socket
 * and print the answers. The protocol is the helpers' text API with
 * acknowledgements on: each command line is answered by content lines,
 * then "done" or "error". An error may be preceded by "error: REASON"
 * lines (the form ExaBGP 5 uses); the daemon also sends one "error:
 * REASON" line, then closes, when it refuses the connection or the
 * command outright (too many clients, command too long ...).
 *
 * Three modes: one command from the arguments; commands from standard
 * input (batch: each error names its line, a summary counts the
 * outcomes); an interactive shell (shell.c) when standard input is a
 * terminal and no command is given.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"
#include "evbgp/api.h"
#include "evbgp/control.h"
#include "evbgp/util.h"

#define CTL_DEFAULT_TIMEOUT	30	/* seconds of silence */
/* the daemon's whole answer is at most 64 MiB; a JSON show is one line */
#define CTL_MAX_ANSWER_LINE	(65u * 1024 * 1024)
#define CTL_QUOTE_MAX		120	/* bytes of a command in a message */
/*
 * evbgpd refuses a client only while every one of its slots is busy or
 * freshly taken (idle clients give theirs up after a short grace): try
 * again that long, so that evbgpctl gets through within a second.
 */
#define CTL_BUSY		"too many clients"
#define CTL_BUSY_RETRY_MS	1000
#define CTL_BUSY_PAUSE_MS	50

static void
ctl_usage(void)
{
	fputs(ctl_usage_head, stdout);
	for (const char *const *l = api_help_lines(); *l != NULL; l++)
		printf("    %s\n", *l);
	fputs(ctl_usage_tail, stdout);
}

static void __attribute__((noreturn))
ctl_usage_error(const char *msg)
{
	fprintf(stderr, "evbgpctl: %s\nTry 'evbgpctl --help'.\n", msg);
	exit(2);
}

static int
ctl_parse_timeout(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 86400)
		ctl_usage_error("--timeout takes whole seconds from 0 to 86400");
	return v == 0 ? -1 : (int)v * 1000;
}

/* Options; returns the index of the first command word. */
static int
ctl_parse_options(int argc, char **argv, struct ctl *c)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "progress", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("EVBGPCTL_SOCKET");
	int o;

	c->path = env != NULL && env[0] != '\0' ? env : CONTROL_DEFAULT_PATH;
	c->timeout_ms = CTL_DEFAULT_TIMEOUT * 1000;
	/* '+': stop at the first command word (commands have dashes) */
	while ((o = getopt_long(argc, argv, "+s:jt:phV", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c->path = optarg;
			break;
		case 'j':
			c->json = true;
			break;
		case 't':
			c->timeout_ms = ctl_parse_timeout(optarg);
			break;
		case 'p':
			c->progress = 1;
			break;
		case 'h':
			ctl_usage();
			exit(0);
		case 'V':
			printf("evbgpctl %s\n", EVBGP_VERSION);
			exit(0);
		default:
			ctl_usage_error("unknown option");
		}
	}
	return optind;
}

/* ---- connection ---- */

static int
ctl_fail(struct ctl *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ctl_fail(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
ctl_connect_failed(struct ctl *c, int err)
{
	switch (err) {
	case ENOENT:
		return ctl_fail(c, "evbgpd is not running (no socket at %s)",
		    c->path);
	case EACCES:
	case EPERM:
		return ctl_fail(c, "permission denied on %s (run as root or as "
		    "a member of the socket's group)", c->path);
	case ECONNREFUSED:
		return ctl_fail(c, "nobody listens on %s: evbgpd is not "
		    "running (stale socket)", c->path);
	case ENOTSOCK:
		return ctl_fail(c, "%s is not a socket", c->path);
	case ETIMEDOUT:
		return ctl_fail(c, "timed out connecting to %s", c->path);
	default:
		return ctl_fail(c, "cannot connect to %s: %s", c->path,
		    strerror(err));
	}
}

/* Wait for events on the socket: 1 ready, 0 timeout, -1 error. */
static int
ctl_wait(struct ctl *c, short events)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, c->timeout_ms);
	while (rc == -1 && errno == EINTR);
	if (rc == -1)
		return ctl_fail(c, "poll: %s", strerror(errno));
	return rc;
}

void
ctl_disconnect(struct ctl *c)
{
	if (c->fd != -1) {
		/* tell the daemon we are done before going */
		shutdown(c->fd, SHUT_WR);
		close(c->fd);
	}
	c->fd = -1;
	c->off = c->scanned = c->len = 0;
	c->eof = false;
	c->answered = false;
}

int
ctl_connect(struct ctl *c)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len = sizeof(int);
	int err = 0, rc;

	ctl_disconnect(c);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(c->path) >= sizeof(sun.sun_path))
		return ctl_fail(c, "socket path too long: %s", c->path);
	memcpy(sun.sun_path, c->path, strlen(c->path));
	if (stat(c->path, &st) == 0 && !S_ISSOCK(st.st_mode))
		return ctl_connect_failed(c, ENOTSOCK);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd == -1)
		return ctl_connect_failed(c, errno);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return 0;
	err = errno;
	/* a unix connect only waits when the daemon's backlog is full */
	if (err == EAGAIN || err == EINPROGRESS) {
		rc = ctl_wait(c, POLLOUT);
		if (rc == 0)
			err = ETIMEDOUT;
		else if (rc == 1 && getsockopt(c->fd, SOL_SOCKET, SO_ERROR,
		    &err, &len) == -1)
			err = errno;
		else if (rc == -1) {
			ctl_disconnect(c);
			return -1;
		}
	}
	if (err == 0)
		return 0;
	ctl_disconnect(c);
	return ctl_connect_failed(c, err);
}

/* Send everything: 0, or -1 when the daemon closed the connection (what
 * it said before closing, e.g. "error: too many clients", is still to
 * be read) or on timeout (c->err). */
static int
ctl_send(struct ctl *c, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);

		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			int rc = ctl_wait(c, POLLOUT);

			if (rc == 0)
				return ctl_fail(c, "timed out sending to "
				    "evbgpd");
			if (rc == -1)
				return -1;
			continue;
		}
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			return ctl_fail(c, "evbgpd closed the connection");
		if (n == -1)
			return ctl_fail(c, "sending to evbgpd: %s",
			    strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- answers ---- */

/* Read more of the answer into c->buf: 1, 0 at EOF, -1 on error. */
static int
ctl_fill(struct ctl *c)
{
	ssize_t n;

	if (c->eof)
		return 0;
	if (c->off > 0) {
		/* consumed lines go; the partial one moves to the front */
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->scanned -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < 65536) {
		c->cap = c->cap * 2 + 65536;
		c->buf = xreallocarray(c->buf, c->cap, 1);
	}
	for (;;) {
		int rc;

		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			return 1;
		}
		if (n == 0 || errno == ECONNRESET) {
			c->eof = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return ctl_fail(c, "reading from evbgpd: %s",
			    strerror(errno));
		rc = ctl_wait(c, POLLIN);
		if (rc == 0)
			return ctl_fail(c, "timed out waiting for evbgpd's "
			    "answer");
		if (rc == -1)
			return -1;
	}
}

/* The next answer line (NUL-terminated in place, valid until the next
 * call); NULL at EOF (c->eof) or on error (c->err). Each byte is
 * scanned once. */
static char *
ctl_next_line(struct ctl *c)
{
	char *line, *nl;

	for (;;) {
		nl = c->len > c->scanned ? memchr(c->buf + c->scanned, '\n',
		    c->len - c->scanned) : NULL;
		if (nl != NULL)
			break;
		c->scanned = c->len;
		if (c->len - c->off > CTL_MAX_ANSWER_LINE) {
			ctl_fail(c, "answer line longer than %u bytes",
			    CTL_MAX_ANSWER_LINE);
			return NULL;
		}
		if (ctl_fill(c) != 1)
			return NULL;	/* a partial last line is dropped */
	}
	*nl = '\0';
	line = c->buf + c->off;
	c->off = c->scanned = (size_t)(nl - c->buf) + 1;
	return line;
}

static void
ctl_reason_add(struct ctl_answer *a, const char *why)
{
	char *s;

	if (a->reason == NULL) {
		a->reason = xstrdup(why);
		return;
	}
	if (asprintf(&s, "%s; %s", a->reason, why) == -1)
		return;
	free(a->reason);
	a->reason = s;
}

/* Read one command's answer: content to sink, reasons into a. */
static void
ctl_read_answer(struct ctl *c, ctl_sink_fn *sink, void *arg,
    struct ctl_answer *a)
{
	char *line;
	bool reason = false;

	while ((line = ctl_next_line(c)) != NULL) {
		switch (ctl_line_kind(line)) {
		case CTL_LINE_DONE:
			a->result = CTL_DONE;
			c->answered = true;
			return;
		case CTL_LINE_ERROR:
			a->result = CTL_ERROR;
			c->answered = true;
			return;
		case CTL_LINE_REASON:
			ctl_reason_add(a, line + 7);
			reason = true;
			break;
		case CTL_LINE_CONTENT:
			sink(arg, line);
			break;
		}
	}
	if (reason && c->eof) {
		/* the daemon refused and closed: its reason is the answer */
		a->result = CTL_ERROR;
		return;
	}
	a->result = CTL_LOST;
	a->local = true;
	free(a->reason);
	a->reason = xstrdup(c->eof ? "evbgpd closed the connection before "
	    "answering" : c->err);
	ctl_disconnect(c);	/* the answers cannot be told apart any more */
}

void
ctl_sink_stdout(void *arg, const char *line)
{
	if (puts(line) == EOF) {
		fprintf(stderr, "evbgpctl: writing the answer: %s\n",
		    strerror(errno));
		exit(1);
	}
}

static bool
ctl_word_is(const char *line, const char *word)
{
	size_t n = strlen(word);

	while (*line == ' ' || *line == '\t')
		line++;
	return strncmp(line, word, n) == 0 &&
	    (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

void
ctl_run(struct ctl *c, const char *line, ctl_sink_fn *sink, void *arg,
    struct ctl_answer *a)
{
	size_t n = strlen(line);
	bool json;

	memset(a, 0, sizeof(*a));
	a->result = CTL_ERROR;
	a->local = true;
	if (n > CONTROL_MAX_LINE || strpbrk(line, "\n\r") != NULL) {
		a->reason = xstrdup("command longer than 65536 bytes or with "
		    "a line break");
		return;
	}
	if (ctl_word_is(line, "disable-ack") ||
	    ctl_word_is(line, "silence-ack")) {
		a->reason = xstrdup("refused by evbgpctl, which waits for "
		    "every answer");
		return;
	}
	if (c->fd == -1) {
		a->result = CTL_LOST;
		a->reason = xstrdup("not connected to evbgpd");
		return;
	}
	a->local = false;
	json = c->json && c->grammar != NULL &&
	    ctl_grammar_takes_json(c->grammar, line);
	for (int waited = 0;; waited += CTL_BUSY_PAUSE_MS) {
		bool fresh = !c->answered;

		/* a failed send still reads: the daemon may have said why */
		if (ctl_send(c, line, n) == 0 &&
		    (!json || ctl_send(c, " json", 5) == 0))
			ctl_send(c, "\n", 1);
		ctl_read_answer(c, sink, arg, a);
		if (!fresh || !c->eof || a->result != CTL_ERROR ||
		    a->reason == NULL || strcmp(a->reason, CTL_BUSY) != 0 ||
		    waited >= CTL_BUSY_RETRY_MS)
			break;
		/* refused at the door: a new connection, a moment later */
		free(a->reason);
		a->reason = NULL;
		usleep(CTL_BUSY_PAUSE_MS * 1000);
		if (ctl_connect(c) == -1) {
			a->result = CTL_LOST;
			a->local = true;
			a->reason = xstrdup(c->err);
			break;
		}
	}
	if (fflush(stdout) == EOF)
		exit(1);
}

void
ctl_answer_free(struct ctl_answer *a)
{
	free(a->reason);
	a->reason = NULL;
}

void
ctl_print_failure(const char *prefix, const struct ctl_answer *a)
{
	if (a->result == CTL_DONE)
		return;
	if (a->reason == NULL)
		fprintf(stderr, "%sevbgpd answered error (no reason given: see "
		    "its log)\n", prefix);
	else if (a->local)
		fprintf(stderr, "%s%s\n", prefix, a->reason);
	else
		fprintf(stderr, "%sevbgpd says: %s\n", prefix, a->reason);
}

/* ---- modes ---- */

/* Join the command words with spaces. */
static char *
ctl_join(int argc, char **argv)
{
	size_t total = 1;
	char *line;

	for (int i = 0; i < argc; i++) {
		total += strlen(argv[i]) + 1;
		if (total > CONTROL_MAX_LINE + 2)
			ctl_usage_error("command too long");
	}
	line = xmalloc(total);
	line[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	return line;
}

static int
ctl_run_one(struct ctl *c, const char *line)
{
	struct ctl_answer a;
	int rc;

	if (ctl_connect(c) == -1) {
		fprintf(stderr, "evbgpctl: %s\n", c->err);
		return 1;
	}
	ctl_run(c, line, ctl_sink_stdout, NULL, &a);
	ctl_print_failure("evbgpctl: ", &a);
	rc = a.result == CTL_DONE ? 0 : 1;
	ctl_answer_free(&a);
	return rc;
}

/* A line of a batch file that is a command (not blank, not a comment);
 * trailing CR LF removed. */
static bool
ctl_batch_command(char *line, ssize_t *n)
{
	while (*n > 0 && (line[*n - 1] == '\n' || line[*n - 1] == '\r'))
		line[--*n] = '\0';
	line += strspn(line, " \t");
	return line[0] != '\0' && line[0] != '#';
}

/* ---- progress of a batch (issue 11 point 6) ---- */

#define CTL_PROGRESS_EVERY_S	1.0
#define CTL_DRAIN_STILL_S	3.0	/* nothing moves: stop waiting */

struct ctl_prog {
	bool		 on;
	bool		 tty;		/* rewrite one line */
	struct ctl	 q;		/* its own connection */
	struct ctl_progress base;
	bool		 have_base;
	double		 next;
	struct sbuf	 answer;
};

static void
ctl_prog_sink(void *arg, const char *line)
{
	struct ctl_prog *pg = arg;

	sbuf_reset(&pg->answer);
	sbuf_adds(&pg->answer, line);
}

/* Ask evbgpd for the Adj-RIB-Out totals; false if it could not. */
static bool
ctl_prog_ask(struct ctl_prog *pg, struct ctl_progress *now)
{
	struct ctl_answer a;
	bool ok;

	if (pg->q.fd == -1 && ctl_connect(&pg->q) == -1)
		return false;
	sbuf_reset(&pg->answer);
	ctl_run(&pg->q, "show neighbor json", ctl_prog_sink, pg, &a);
	ok = a.result == CTL_DONE && pg->answer.p != NULL &&
	    ctl_progress_parse(pg->answer.p, now) == 0;
	ctl_answer_free(&a);
	if (!ok)
		ctl_disconnect(&pg->q);
	return ok;
}

static void
ctl_prog_print(struct ctl_prog *pg, const struct ctl_tally *t,
    const struct ctl_progress *now, bool last)
{
	char line[400];

	ctl_progress_line(t, &pg->base, now, line, sizeof(line));
	if (pg->tty)
		fprintf(stderr, "\revbgpctl: %s\033[K%s", line, last ? "\n" : "");
	else
		fprintf(stderr, "evbgpctl: %s\n", line);
}

static void
ctl_prog_start(struct ctl *c, struct ctl_prog *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->tty = isatty(STDERR_FILENO);
	pg->on = c->progress || pg->tty;
	if (!pg->on)
		return;
	pg->q.path = c->path;
	pg->q.timeout_ms = c->timeout_ms;
	pg->q.fd = -1;
	sbuf_init(&pg->answer);
	pg->have_base = ctl_prog_ask(pg, &pg->base);
	pg->next = mono_now() + CTL_PROGRESS_EVERY_S;
}

/* After a command: a line every second. */
static void
ctl_prog_tick(struct ctl_prog *pg, const struct ctl_tally *t)
{
	struct ctl_progress now;

	if (!pg->on || mono_now() < pg->next)
		return;
	pg->next = mono_now() + CTL_PROGRESS_EVERY_S;
	if (!ctl_prog_ask(pg, &now))
		return;
	if (!pg->have_base) {
		pg->base = now;
		pg->have_base = true;
	}
	ctl_prog_print(pg, t, &now, false);
}

/* The file is sent: show the backlog draining until it is empty, or
 * nothing moved for a while (a session down), or the timeout. */
static void
ctl_prog_finish(struct ctl *c, struct ctl_prog *pg, const struct ctl_tally *t)
{
	struct ctl_progress now, prev;
	double still = mono_now(), limit = c->timeout_ms > 0 ?
	    mono_now() + c->timeout_ms / 1000.0 : -1;
	bool have = false;

	if (!pg->on)
		return;
	for (;;) {
		if (!ctl_prog_ask(pg, &now))
			break;
		if (!pg->have_base) {
			pg->base = now;
			pg->have_base = true;
		}
		if (have && (now.queued != prev.queued ||
		    now.sent != prev.sent || now.acked != prev.acked))
			still = mono_now();
		prev = now;
		have = true;
		if (now.queued == 0 && now.acked >= now.sent)
			break;
		if (mono_now() - still > CTL_DRAIN_STILL_S ||
		    (limit > 0 && mono_now() > limit))
			break;
		if (mono_now() >= pg->next) {
			pg->next = mono_now() + CTL_PROGRESS_EVERY_S;
			ctl_prog_print(pg, t, &now, false);
		}
		usleep(250000);
	}
	if (have) {
		ctl_prog_print(pg, t, &now, true);
		if (now.queued > 0 || now.acked < now.sent)
			fprintf(stderr, "evbgpctl: the backlog is not moving: "
			    "%llu routes queued in the Adj-RIB-Out, %llu sent "
			    "but not acknowledged (%zu of %zu neighbors "
			    "established): they go out as the sessions allow\n",
			    now.queued, now.sent - (now.acked < now.sent ?
			    now.acked : now.sent), now.established,
			    now.neighbors);
	}
	ctl_disconnect(&pg->q);
	free(pg->q.buf);
	sbuf_free(&pg->answer);
}

static int
ctl_run_batch(struct ctl *c)
{
	struct ctl_prog pg = { .on = false };
	struct ctl_tally t = { 0 };
	char *line = NULL, quoted[CTL_QUOTE_MAX + 1], prefix[64 +
	    CTL_QUOTE_MAX], summary[160];
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	bool connected = ctl_connect(c) == 0;

	if (!connected)
		fprintf(stderr, "evbgpctl: %s\n", c->err);
	else
		ctl_prog_start(c, &pg);
	while ((n = getline(&line, &cap, stdin)) != -1) {
		struct ctl_answer a;

		lineno++;
		if (!ctl_batch_command(line, &n))
			continue;
		if (!connected) {
			t.not_answered++;
			continue;
		}
		ctl_run(c, line, ctl_sink_stdout, NULL, &a);
		if (a.result == CTL_DONE)
			t.done++;
		else if (a.result == CTL_ERROR)
			t.error++;
		else
			t.not_answered++;
		if (a.result != CTL_DONE) {
			ctl_abbrev(line, quoted, sizeof(quoted));
			snprintf(prefix, sizeof(prefix), "evbgpctl: line %lu: "
			    "%s: ", lineno, quoted);
			ctl_print_failure(prefix, &a);
		}
		/* the daemon went away (shutdown, ...): the rest is not sent */
		if (a.result == CTL_LOST || c->eof) {
			connected = false;
			pg.on = false;
		}
		ctl_answer_free(&a);
		if (connected)
			ctl_prog_tick(&pg, &t);
	}
	free(line);
	if (connected)
		ctl_prog_finish(c, &pg, &t);
	ctl_tally_summary(&t, summary, sizeof(summary));
	fprintf(stderr, "evbgpctl: %s\n", summary);
	return t.error + t.not_answered > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct ctl c;
	int first, rc;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	first = ctl_parse_options(argc, argv, &c);
	c.grammar = ctl_grammar_new(api_help_lines());
	if (first < argc) {
		char *line = ctl_join(argc - first, argv + first);

		rc = ctl_run_one(&c, line);
		free(line);
	} else if (isatty(STDIN_FILENO))
		rc = ctl_shell(&c);
	else
		rc = ctl_run_batch(&c);
	ctl_disconnect(&c);
	ctl_grammar_free(c.grammar);
	free(c.buf);
	return rc;
}
