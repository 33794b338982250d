/*
 * evbgpctl: send commands to a running evbgpd over its control socket
 * and print the answers. The protocol is the helpers' text API with
 * acknowledgements on: each command line is answered by content lines,
 * then "done" or "error" (or one "error: REASON" line when the daemon
 * refuses the connection or the command outright).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evbgp/control.h"

#define CTL_DEFAULT_TIMEOUT	30	/* seconds of silence */
/* the daemon's whole answer is at most 64 MiB; a JSON show is one line */
#define CTL_MAX_ANSWER_LINE	(65u * 1024 * 1024)

static const char usage_text[] =
"NAME\n"
"    evbgpctl - control a running evbgpd\n"
"\n"
"SYNOPSIS\n"
"    evbgpctl [--socket PATH] [--json] [--timeout S] COMMAND [WORDS...]\n"
"    evbgpctl [--socket PATH] [--json] [--timeout S] < FILE\n"
"\n"
"DESCRIPTION\n"
"    evbgpctl connects to evbgpd's control socket, sends one command made\n"
"    of COMMAND and WORDS joined by spaces, prints the answer and exits.\n"
"    Without COMMAND it reads commands from standard input, one per line\n"
"    (empty lines are skipped), and sends them one after the other, each\n"
"    after the previous one was answered.\n"
"\n"
"    The commands are those of ExaBGP's text API, which evbgpd helpers\n"
"    use too; 'evbgpctl help' lists them. Commands given to evbgpctl act\n"
"    on every neighbor the selector matches, whatever the api blocks of\n"
"    the configuration say.\n"
"\n"
"OPTIONS\n"
"    -s, --socket PATH  the control socket (default: $EVBGPCTL_SOCKET, or\n"
"                       " CONTROL_DEFAULT_PATH "); evbgpd --control\n"
"                       PATH chooses where the daemon listens\n"
"    -j, --json         ask show commands for JSON: ' json' is appended\n"
"                       to every command starting with 'show', and each\n"
"                       answer line is then one JSON document\n"
"    -t, --timeout S    give up when the daemon is silent for S seconds\n"
"                       while connecting or answering (default 30;\n"
"                       0 waits for ever)\n"
"    -h, --help         print this help and exit\n"
"    -V, --version      print the version and exit\n"
"\n"
"COMMANDS (a selection)\n"
"    show neighbor [summary|extensive|configuration] [IP]\n"
"    show adj-rib in|out [extensive] [IP]\n"
"    announce route PREFIX next-hop IP [ATTRIBUTES...]\n"
"    withdraw route PREFIX [next-hop IP]\n"
"    neighbor IP announce route ...    (restrict to some neighbors)\n"
"    announce eor [AFI SAFI] | announce route-refresh AFI SAFI\n"
"    flush adj-rib out | clear adj-rib in|out | teardown IP [SUBCODE]\n"
"    reload | restart | shutdown | version | status | ping | help\n"
"    disable-ack and silence-ack are refused: evbgpctl needs the answers.\n"
"\n"
"OUTPUT\n"
"    The answer's lines are printed as they come, without the final\n"
"    'done'. An 'error' answer prints a note on standard error: the\n"
"    reason is in evbgpd's log.\n"
"\n"
"ENVIRONMENT\n"
"    EVBGPCTL_SOCKET    the socket path when --socket is not given\n"
"\n"
"EXIT STATUS\n"
"    0  every command was answered 'done'\n"
"    1  a command was answered 'error', or evbgpd could not be reached,\n"
"       closed the connection early, or timed out\n"
"    2  usage error (unknown option, command too long, ...)\n"
"\n"
"EXAMPLES\n"
"    evbgpctl show neighbor summary\n"
"    evbgpctl --json show adj-rib out 192.0.2.1\n"
"    evbgpctl announce route 10.0.0.0/24 next-hop 192.0.2.1 "
"community 65000:1\n"
"    evbgpctl neighbor 192.0.2.1 withdraw route 10.0.0.0/24\n"
"    printf 'version\\nstatus\\n' | evbgpctl --socket /tmp/evbgpd.sock\n";

struct ctl {
	const char	*path;
	bool		 json;
	int		 timeout_ms;	/* -1: no limit */
	int		 fd;
	/* answer bytes: buf[off..len) not consumed yet, of which
	 * buf[off..scanned) holds no newline */
	char		*buf;
	size_t		 off, scanned, len, cap;
	bool		 eof;
	bool		 answered;	/* a command was answered on fd */
};

/*
 * evbgpd refuses a client only while every one of its slots is busy or
 * freshly taken (idle clients give theirs up after a short grace): try
 * again that long, so that evbgpctl gets through within a second.
 */
#define CTL_BUSY_RETRY_MS	1000
#define CTL_BUSY_PAUSE_MS	50
#define CTL_BUSY_ANSWER		"error: too many clients"

static void __attribute__((noreturn))
ctl_usage_error(const char *msg)
{
	fprintf(stderr, "evbgpctl: %s\nTry 'evbgpctl --help'.\n", msg);
	exit(2);
}

static void *
ctl_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "evbgpctl: out of memory\n");
		exit(1);
	}
	return q;
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("EVBGPCTL_SOCKET");
	int o;

	c->path = env != NULL && env[0] != '\0' ? env : CONTROL_DEFAULT_PATH;
	c->timeout_ms = CTL_DEFAULT_TIMEOUT * 1000;
	/* '+': stop at the first command word (commands have dashes) */
	while ((o = getopt_long(argc, argv, "+s:jt:hV", opts, NULL)) != -1) {
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
		case 'h':
			fputs(usage_text, stdout);
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

static void __attribute__((noreturn))
ctl_connect_failed(const struct ctl *c, int err)
{
	switch (err) {
	case ENOENT:
		fprintf(stderr, "evbgpctl: evbgpd is not running (no socket at "
		    "%s)\n", c->path);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr, "evbgpctl: permission denied on %s (run as "
		    "root or as a member of the socket's group)\n", c->path);
		break;
	case ECONNREFUSED:
		fprintf(stderr, "evbgpctl: nobody listens on %s: evbgpd is not "
		    "running (stale socket)\n", c->path);
		break;
	case ENOTSOCK:
		fprintf(stderr, "evbgpctl: %s is not a socket\n", c->path);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "evbgpctl: timed out connecting to %s\n",
		    c->path);
		break;
	default:
		fprintf(stderr, "evbgpctl: cannot connect to %s: %s\n",
		    c->path, strerror(err));
		break;
	}
	exit(1);
}

/* Wait for events on the socket; false on timeout. */
static bool
ctl_wait(const struct ctl *c, short events)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, c->timeout_ms);
	while (rc == -1 && errno == EINTR);
	if (rc == -1) {
		fprintf(stderr, "evbgpctl: poll: %s\n", strerror(errno));
		exit(1);
	}
	return rc == 1;
}

static void
ctl_connect(struct ctl *c)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len = sizeof(int);
	int err = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(c->path) >= sizeof(sun.sun_path))
		ctl_usage_error("socket path too long");
	memcpy(sun.sun_path, c->path, strlen(c->path));
	if (stat(c->path, &st) == 0 && !S_ISSOCK(st.st_mode))
		ctl_connect_failed(c, ENOTSOCK);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd == -1)
		ctl_connect_failed(c, errno);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return;
	/* a unix connect only waits when the daemon's backlog is full */
	if (errno != EAGAIN && errno != EINPROGRESS)
		ctl_connect_failed(c, errno);
	if (!ctl_wait(c, POLLOUT))
		ctl_connect_failed(c, ETIMEDOUT);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		ctl_connect_failed(c, err);
}

/* Send everything; false if the daemon closed the connection (what it
 * said before closing, e.g. "error: too many clients", is still to be
 * read). */
static bool
ctl_send(struct ctl *c, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);

		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			if (!ctl_wait(c, POLLOUT)) {
				fprintf(stderr, "evbgpctl: timed out sending "
				    "to evbgpd\n");
				exit(1);
			}
			continue;
		}
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			return false;
		if (n == -1) {
			fprintf(stderr, "evbgpctl: sending to evbgpd: %s\n",
			    strerror(errno));
			exit(1);
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* ---- answers ---- */

/* Read more of the answer into c->buf; false at EOF. */
static bool
ctl_fill(struct ctl *c)
{
	ssize_t n;

	if (c->eof)
		return false;
	if (c->off > 0) {
		/* consumed lines go; the partial one moves to the front */
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->scanned -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < 65536) {
		c->cap = c->cap * 2 + 65536;
		c->buf = ctl_realloc(c->buf, c->cap);
	}
	for (;;) {
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			return true;
		}
		if (n == 0 || errno == ECONNRESET) {
			c->eof = true;
			return false;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			fprintf(stderr, "evbgpctl: reading from evbgpd: %s\n",
			    strerror(errno));
			exit(1);
		}
		if (!ctl_wait(c, POLLIN)) {
			fprintf(stderr, "evbgpctl: timed out waiting for "
			    "evbgpd's answer\n");
			exit(1);
		}
	}
}

/* The next answer line (NUL-terminated in place, valid until the next
 * call), or NULL at EOF. Each byte is scanned once. */
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
			fprintf(stderr, "evbgpctl: answer line longer than "
			    "%u bytes\n", CTL_MAX_ANSWER_LINE);
			exit(1);
		}
		if (!ctl_fill(c))
			return NULL;	/* a partial last line is dropped */
	}
	*nl = '\0';
	line = c->buf + c->off;
	c->off = c->scanned = (size_t)(nl - c->buf) + 1;
	return line;
}

/* Print one command's answer; 0 for "done", 1 for an error, 2 when the
 * daemon had no slot for this connection (nothing printed). */
static int
ctl_read_answer(struct ctl *c)
{
	char *line;
	int rc = -1;

	while (rc == -1 && (line = ctl_next_line(c)) != NULL) {
		if (!c->answered && strcmp(line, CTL_BUSY_ANSWER) == 0)
			return 2;
		c->answered = true;
		if (strcmp(line, "done") == 0)
			rc = 0;
		else if (strcmp(line, "error") == 0) {
			fprintf(stderr, "evbgpctl: the daemon answered error "
			    "(see its log)\n");
			rc = 1;
		} else if (strncmp(line, "error: ", 7) == 0) {
			fprintf(stderr, "evbgpctl: evbgpd says: %s\n", line + 7);
			rc = 1;
		} else if (puts(line) == EOF)
			exit(1);
	}
	if (fflush(stdout) == EOF)
		exit(1);
	if (rc == -1) {
		fprintf(stderr, "evbgpctl: evbgpd closed the connection before "
		    "answering\n");
		rc = 1;
	}
	return rc;
}

/* ---- commands ---- */

static bool
ctl_word_is(const char *line, const char *word)
{
	size_t n = strlen(word);

	while (*line == ' ' || *line == '\t')
		line++;
	return strncmp(line, word, n) == 0 &&
	    (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

static bool
ctl_ends_with_json(const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return n >= 5 && strncmp(line + n - 5, " json", 5) == 0;
}

/* Send one command (no newline) and print its answer; 0 or 1. */
static int
ctl_command(struct ctl *c, const char *line)
{
	size_t n = strlen(line);

	if (n > CONTROL_MAX_LINE || strpbrk(line, "\n\r") != NULL) {
		fprintf(stderr, "evbgpctl: command longer than %d bytes or "
		    "with a line break\n", CONTROL_MAX_LINE);
		return 1;
	}
	if (ctl_word_is(line, "disable-ack") ||
	    ctl_word_is(line, "silence-ack")) {
		fprintf(stderr, "evbgpctl: '%s' is refused: evbgpctl waits "
		    "for every answer\n", line);
		return 1;
	}
	for (int waited = 0;; waited += CTL_BUSY_PAUSE_MS) {
		int rc;

		/* a failed send still reads: the daemon may have said why */
		if (ctl_send(c, line, n) && (!c->json ||
		    !ctl_word_is(line, "show") || ctl_ends_with_json(line) ||
		    ctl_send(c, " json", 5)))
			ctl_send(c, "\n", 1);
		rc = ctl_read_answer(c);
		if (rc != 2)
			return rc;
		if (waited >= CTL_BUSY_RETRY_MS) {
			fprintf(stderr, "evbgpctl: evbgpd says: %s\n",
			    CTL_BUSY_ANSWER + 7);
			return 1;
		}
		/* a new connection, a moment later */
		close(c->fd);
		c->off = c->scanned = c->len = 0;
		c->eof = false;
		usleep(CTL_BUSY_PAUSE_MS * 1000);
		ctl_connect(c);
	}
}

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
	line = ctl_realloc(NULL, total);
	line[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	return line;
}

static int
ctl_run_stdin(struct ctl *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, stdin)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (strspn(line, " \t") == (size_t)n)
			continue;
		if (ctl_command(c, line) != 0)
			rc = 1;
		if (c->eof)
			break;	/* the daemon went away (shutdown, ...) */
	}
	free(line);
	return rc;
}

int
main(int argc, char **argv)
{
	struct ctl c;
	int first, rc;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	first = ctl_parse_options(argc, argv, &c);
	if (first < argc) {
		char *line = ctl_join(argc - first, argv + first);

		ctl_connect(&c);
		rc = ctl_command(&c, line);
		free(line);
	} else {
		ctl_connect(&c);
		rc = ctl_run_stdin(&c);
	}
	/* tell the daemon we are done before going */
	shutdown(c.fd, SHUT_WR);
	close(c.fd);
	free(c.buf);
	return rc;
}
