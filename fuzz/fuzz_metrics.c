/*
 * libFuzzer target for the Prometheus endpoint (metrics.c): the bytes a
 * client sends, over a real loopback connection to a daemon's endpoint,
 * then the end of its writing.
 *
 * The request parser is libevent's evhttp; what is ours is what it is
 * configured to allow (GET/HEAD, small headers, no body), the answer, and
 * the connection bookkeeping that keeps a scraper from ever being the
 * reason a session drops. Promises checked:
 * - every connection ends within a bound (no request keeps one open);
 * - an answer is an HTTP status line; a 200 comes only for GET or HEAD
 *   of /metrics, and its body (none for HEAD) is exposition text: each
 *   line a "# HELP" / "# TYPE" comment or "name[{labels}] value";
 * - after the inputs, a plain scrape still gets its 200 (checked every
 *   16th input): nothing leaked, nothing paused for good.
 *
 * Byte 0 of the input, when it is 0x01, asks for the listen-address
 * parser (metrics_parse_listen, the --metrics option) instead: an error
 * says why, and an accepted address prints as one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbgp/daemon.h"
#include "evbgp/metrics.h"
#include "evbgp/util.h"
#include "fuzz_daemon.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/* An answer's bytes kept at most (a scrape of one peer is ~10 KB). */
#define FUZZ_METRICS_ANSWER_MAX	(1024 * 1024)
/* A connection's bound: past METRICS_IO_TIMEOUT_S, with room for a busy
 * machine; never reached unless a connection hangs. */
#define FUZZ_METRICS_CONN_S	(METRICS_CONN_MAX_S + 5)

static const char fuzz_conf[] =
    "neighbor 127.0.0.2 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address 127.0.0.1;\n"
    "	local-as 65001;\n"
    "	peer-as 65002;\n"
    "	passive;\n"
    "	family { ipv4 unicast; ipv6 unicast; }\n"
    "}\n";

static struct daemon *daemon_;
static struct metrics *metrics_;
static struct event *sweep_ev;	/* the endpoint's sweep timer */

static int
find_sweep(const struct event_base *base, const struct event *ev,
    void *arg)
{
	(void)base;
	(void)arg;
	if (event_get_callback_arg(ev) == metrics_)
		sweep_ev = (struct event *)ev;
	return 0;
}

/* A daemon with one passive neighbor, no listener, no helper; its
 * endpoint on 127.0.0.1, a free port. */
static void
endpoint_start(void)
{
	char err[256];
	struct bgp_addr addr;
	uint16_t port;

	daemon_ = fuzz_daemon_start("fuzz_metrics", fuzz_conf, false);
	if (metrics_parse_listen("127.0.0.1:0", &addr, &port, err,
	    sizeof(err)) == -1 ||
	    (metrics_ = metrics_new(daemon_, &addr, port)) == NULL)
		abort();
	event_base_foreach_event(daemon_->base, find_sweep, NULL);
	if (sweep_ev == NULL)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	endpoint_start();
	return 0;
}

/* One turn of the daemon's loop, a millisecond at most. */
static void
loop_turn(void)
{
	struct timeval ms = { 0, 1000 };

	/* released connections are counted by the sweep (every 250 ms):
	 * run it each turn so that thousands of inputs do not wait on it */
	event_active(sweep_ev, EV_TIMEOUT, 0);
	event_base_loopexit(daemon_->base, &ms);
	event_base_loop(daemon_->base, 0);
}

static int
client_connect(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd == -1)
		abort();
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(metrics_port(metrics_));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		abort();
	return fd;
}

/*
 * Send req (then end the writing), read the answer to its end; the
 * answer's length. Aborts past the connection's bound.
 */
static size_t
exchange(const uint8_t *req, size_t len, char *answer, size_t max)
{
	int fd = client_connect();
	double deadline = mono_now() + FUZZ_METRICS_CONN_S;
	size_t sent = 0, got = 0;
	bool shut = false;

	for (;;) {
		ssize_t n;

		if (mono_now() > deadline) {
			fprintf(stderr, "fuzz_metrics: a connection is still "
			    "open after %d s\n", FUZZ_METRICS_CONN_S);
			abort();
		}
		loop_turn();
		if (sent < len) {
			n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n == -1 && errno != EAGAIN &&
			    errno != ENOTCONN)
				sent = len;	/* the server closed it */
		}
		if (sent == len && !shut) {
			shut = true;
			(void)shutdown(fd, SHUT_WR);
		}
		n = recv(fd, answer + got, max - got, 0);
		if (n == 0 || (n == -1 && errno != EAGAIN))
			break;
		if (n > 0 && (got += (size_t)n) == max)
			break;		/* far more than a scrape */
	}
	close(fd);
	return got;
}

static bool
name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || (!first && c >= '0' && c <= '9');
}

/* A metric name at p (p moved past it); false when there is none. */
static bool
skip_name(const char **p, const char *end)
{
	const char *s = *p;

	if (s == end || !name_char(*s, true))
		return false;
	while (s < end && name_char(*s, false))
		s++;
	*p = s;
	return true;
}

/* One exposition line [p, end): a comment, or a sample with a value. */
static bool
exposition_line(const char *p, const char *end)
{
	if (end - p >= 7 && (memcmp(p, "# HELP ", 7) == 0 ||
	    memcmp(p, "# TYPE ", 7) == 0)) {
		p += 7;
		return skip_name(&p, end) && (p == end || *p == ' ');
	}
	if (!skip_name(&p, end))
		return false;
	if (p < end && *p == '{') {
		const char *close = memchr(p, '}', (size_t)(end - p));

		if (close == NULL)
			return false;
		p = close + 1;
	}
	return p < end && *p == ' ' && p + 1 < end;
}

static void
check_body(const char *body, const char *end)
{
	while (body < end) {
		const char *nl = memchr(body, '\n', (size_t)(end - body));

		if (nl == NULL || !exposition_line(body, nl)) {
			fprintf(stderr, "fuzz_metrics: not exposition text: "
			    "%.*s\n", (int)((nl ? nl : end) - body), body);
			abort();
		}
		body = nl + 1;
	}
}

/* "HTTP/VERSION NNN " (evhttp answers in the version the request gave,
 * as it parsed it: "HTTP/1.-1" is echoed); the status, or -1. */
static int
status_line(const char *a, const char *end)
{
	const char *p;

	if (end - a < 5 || memcmp(a, "HTTP/", 5) != 0 ||
	    (p = memchr(a, ' ', (size_t)(end - a))) == NULL || p == a + 5 ||
	    end - p < 5 || p[4] != ' ' || p[1] < '1' || p[1] > '5' ||
	    p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9')
		return -1;
	return (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
}

/* Is the request target at p (up to the space before the version)
 * /metrics: its path, after any "scheme://authority", before any query
 * or fragment? Compared as sent: "/metric%73" is another path. */
static bool
target_is_metrics(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p)), *scheme;
	size_t n;

	if (sp != NULL)
		end = sp;
	scheme = memmem(p, (size_t)(end - p), "://", 3);
	if (scheme != NULL && (p = memchr(scheme + 3, '/',
	    (size_t)(end - scheme - 3))) == NULL)
		return false;
	for (n = 0; p + n < end && strchr("?#\r\n", p[n]) == NULL; n++)
		;
	return n == 8 && memcmp(p, "/metrics", 8) == 0;
}

/* The answer's status (0: none at all); aborts on a malformed one, or a
 * 200 that is not the exposition text for a GET or HEAD of /metrics. */
static int
check_answer(const uint8_t *req, size_t reqlen, const char *a, size_t len)
{
	const char *body, *end = a + len;
	int status;
	bool head;

	if (len == 0)
		return 0;	/* closed without a word: allowed */
	if ((status = status_line(a, end)) == -1) {
		fprintf(stderr, "fuzz_metrics: not an HTTP answer\n");
		abort();
	}
	if (status != 200)
		return status;
	head = reqlen >= 5 && memcmp(req, "HEAD ", 5) == 0;
	if (!head && (reqlen < 4 || memcmp(req, "GET ", 4) != 0)) {
		fprintf(stderr, "fuzz_metrics: 200 for a method not allowed\n");
		abort();
	}
	if (!target_is_metrics((const char *)req + (head ? 5 : 4),
	    (const char *)req + reqlen)) {
		fprintf(stderr, "fuzz_metrics: 200 for another path\n");
		abort();
	}
	body = memmem(a, len, "\r\n\r\n", 4);
	if (body == NULL || memmem(a, (size_t)(body - a),
	    "text/plain; version=0.0.4", 25) == NULL)
		abort();	/* no end of headers, or not exposition */
	body += 4;
	if (head && body != end)
		abort();	/* HEAD has no body */
	if (!head && body == end)
		abort();	/* a scrape always has the process's families */
	check_body(body, end);
	return status;
}

/* A plain scrape, after whatever came before, still gets its 200. */
static void
check_scrape(char *answer)
{
	static const char get[] = "GET /metrics HTTP/1.0\r\n\r\n";
	size_t len = exchange((const uint8_t *)get, sizeof(get) - 1, answer,
	    FUZZ_METRICS_ANSWER_MAX);

	if (check_answer((const uint8_t *)get, sizeof(get) - 1, answer,
	    len) != 200) {
		fprintf(stderr, "fuzz_metrics: a plain scrape failed after "
		    "this input\n");
		abort();
	}
}

/* --metrics "[ADDR:]PORT": a reason, or an address that prints. */
static void
check_listen(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), why[256];
	struct bgp_addr addr;
	char buf[ADDR_STRLEN];
	uint16_t port;

	why[0] = '\0';
	if (metrics_parse_listen(s, &addr, &port, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			abort();	/* an error that does not say why */
	} else if (addr.afi != BGP_AFI_IPV4 && addr.afi != BGP_AFI_IPV6)
		abort();
	else
		(void)addr_fmt(&addr, buf);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long inputs;
	static char *answer;
	size_t len;
	int status;

	if (size > 0 && data[0] == 0x01) {
		check_listen(data + 1, size - 1);
		return 0;
	}
	if (answer == NULL)
		answer = malloc(FUZZ_METRICS_ANSWER_MAX);
	len = exchange(data, size, answer, FUZZ_METRICS_ANSWER_MAX);
	status = check_answer(data, size, answer, len);
	(void)status;
	if (++inputs % 16 == 0)
		check_scrape(answer);
	return 0;
}
