/*
 * Control socket suite: a real daemon (one passive neighbor, no BGP
 * listener) with its control socket in a temporary directory; clients
 * are plain unix sockets driven from the test while the event loop is
 * run a step at a time. Covers answers and their order, permissions,
 * the limits (clients, line length, output back-pressure), EOF
 * handling, stale sockets, shutdown, and the JSON show answers.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "evbgp/api_exec.h"
#include "evbgp/control.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "evbgp/metrics.h"
#include "evbgp/util.h"

static const char test_conf[] =
    "neighbor 127.0.0.2 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address 127.0.0.1;\n"
    "	local-as 65001;\n"
    "	peer-as 65002;\n"
    "	passive;\n"
    "}\n";

struct fixture {
	char		 dir[64];
	char		 sub[96];
	char		 path[128];
	struct daemon	*d;
};

static struct fixture fx;

static void
setup(void)
{
	struct env env;
	struct config *cfg;
	char err[512];

	log_init(true, LOG_DEST_STDERR, LOG_ERR, NULL);
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/check_control.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx.dir));
	/* the socket's directory does not exist yet: control_new makes it */
	snprintf(fx.sub, sizeof(fx.sub), "%s/run", fx.dir);
	snprintf(fx.path, sizeof(fx.path), "%s/evbgpd.sock", fx.sub);
	ck_assert_int_eq(env_load(&env, NULL, NULL, err, sizeof(err)), 0);
	cfg = config_parse(test_conf, "test.conf", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	fx.d = daemon_new(&env, cfg, NULL, 0);
	api_exec_handler(fx.d, &fx.d->commands);
	fx.d->control_path = fx.path;
	fx.d->control_required = true;
	ck_assert_int_eq(daemon_start(fx.d), 0);
	ck_assert_ptr_nonnull(fx.d->control);
}

static void
teardown(void)
{
	daemon_free(fx.d);
	fx.d = NULL;
	unlink(fx.path);
	rmdir(fx.sub);
	rmdir(fx.dir);
}

/* ---- client helpers ---- */

static void	collect_reply(void *ctx, const char *data, size_t len);
struct answer;
static void	helper_client(struct line_client *lc, struct answer *a);

/* Fill a sockaddr_un; the paths here are known to fit. */
static void
sun_set(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof(sun->sun_path));
	memcpy(sun->sun_path, path, strlen(path));
}

static int
client_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ne(fd, -1);
	sun_set(&sun, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_ne(fcntl(fd, F_SETFL, O_NONBLOCK), -1);
	return fd;
}

static void
client_send(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n == -1 && errno == EAGAIN) {
			event_base_loop(fx.d->base, EVLOOP_NONBLOCK);
			continue;
		}
		ck_assert_int_gt(n, 0);
		data += n;
		len -= (size_t)n;
	}
}

/* A growing answer buffer. */
struct answer {
	char		*p;
	size_t		 len;
	size_t		 cap;
	bool		 eof;
};

static void
answer_free(struct answer *a)
{
	free(a->p);
	memset(a, 0, sizeof(*a));
}

static void
answer_read(int fd, struct answer *a)
{
	for (;;) {
		ssize_t n;

		if (a->cap - a->len < 65537) {
			a->cap = a->cap * 2 + 65537;
			a->p = realloc(a->p, a->cap);
			ck_assert_ptr_nonnull(a->p);
		}
		n = recv(fd, a->p + a->len, a->cap - a->len - 1, 0);
		if (n > 0) {
			a->len += (size_t)n;
			a->p[a->len] = '\0';
			continue;
		}
		if (n == 0 || errno == ECONNRESET)
			a->eof = true;
		else
			ck_assert_int_eq(errno, EAGAIN);
		return;
	}
}

static size_t
count_lines(const struct answer *a, const char *line)
{
	size_t n = 0, l = strlen(line);

	for (const char *p = a->p; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');

		if (nl == NULL)
			break;
		if ((size_t)(nl - p) == l && strncmp(p, line, l) == 0)
			n++;
		p = nl + 1;
	}
	return n;
}

/*
 * Waits end when their condition holds; the bound is generous, for a
 * busy machine. Fixed spin() periods remain only as lead-ins.
 */
#define WAIT_S		30.0

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the loop and read until `acks` done/error lines (or EOF, or
 * WAIT_S). */
static void
pump(int fd, struct answer *a, size_t acks)
{
	struct timespec ts = { 0, 1000000 };
	double end = now_s() + WAIT_S;

	while (now_s() < end) {
		event_base_loop(fx.d->base, EVLOOP_NONBLOCK);
		answer_read(fd, a);
		if (a->eof || (a->p != NULL && count_lines(a, "done") +
		    count_lines(a, "error") >= acks))
			return;
		nanosleep(&ts, NULL);
	}
}

/* Run the loop and read until the daemon closes (or WAIT_S). */
static void
pump_eof(int fd, struct answer *a)
{
	struct timespec ts = { 0, 1000000 };
	double end = now_s() + WAIT_S;

	while (!a->eof && now_s() < end) {
		event_base_loop(fx.d->base, EVLOOP_NONBLOCK);
		answer_read(fd, a);
		if (!a->eof)
			nanosleep(&ts, NULL);
	}
}

/* Run the loop until *count reaches want (or WAIT_S). */
static void
spin_until(const int *count, int want)
{
	struct timespec ts = { 0, 1000000 };
	double end = now_s() + WAIT_S;

	while (*count < want && now_s() < end) {
		event_base_loop(fx.d->base, EVLOOP_NONBLOCK);
		nanosleep(&ts, NULL);
	}
}

/* Run the loop for a while (accepting, flushing). */
static void
spin(int ms)
{
	struct timespec ts = { 0, 1000000 };

	for (int i = 0; i < ms; i++) {
		event_base_loop(fx.d->base, EVLOOP_NONBLOCK);
		nanosleep(&ts, NULL);
	}
}

/* Send one command and return its whole answer (caller frees). */
static char *
ask(const char *line)
{
	int fd = client_connect(fx.path);
	struct answer a = { 0 };
	char *s;

	client_send(fd, line, strlen(line));
	client_send(fd, "\n", 1);
	pump(fd, &a, 1);
	close(fd);
	s = strdup(a.p != NULL ? a.p : "");
	answer_free(&a);
	return s;
}

/* ---- tests ---- */

START_TEST(socket_mode_and_dir)
{
	struct stat st;

	ck_assert_int_eq(lstat(fx.path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(stat(fx.sub, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0750);
}
END_TEST

START_TEST(version)
{
	char *s = ask("version");

	ck_assert_msg(strncmp(s, "exabgp ", 7) == 0, "%s", s);
	ck_assert_msg(strstr(s, "(evbgpd ") != NULL, "%s", s);
	ck_assert_msg(strlen(s) > 5 && strcmp(s + strlen(s) - 5, "done\n") == 0,
	    "%s", s);
	free(s);
}
END_TEST

START_TEST(show_summary)
{
	char *s = ask("show neighbor summary");

	ck_assert_msg(strncmp(s, "Peer ", 5) == 0, "%s", s);
	ck_assert_msg(strstr(s, "\n127.0.0.2 ") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "65002") != NULL, "%s", s);
	ck_assert_msg(strcmp(s + strlen(s) - 5, "done\n") == 0, "%s", s);
	free(s);
}
END_TEST

/* An evbgpctl client hears why (issue 11 point 1), before "error". */
START_TEST(bogus_command)
{
	char *s = ask("frobnicate the router");

	ck_assert_str_eq(s, "error: unknown command 'frobnicate'\nerror\n");
	free(s);
}
END_TEST

/* Every failing command carries a reason, naming the neighbor. */
START_TEST(error_reasons)
{
	static const struct {
		const char *cmd, *reason;
	} cases[] = {
		{ "neighbor 192.0.2.99 announce route 10.0.0.0/24 next-hop "
		  "192.0.2.1", "error: no neighbor matching the selector\n" },
		{ "announce route 10.0.0.0/24 rd 65000:1 label 16 next-hop "
		  "192.0.2.1", "error: neighbor 127.0.0.2: family ipv4 "
		  "mpls-vpn is not configured for this neighbor\n" },
		{ "announce eor", "error: no established neighbor configured\n" },
		{ "neighbor 192.0.2.99 teardown 2", "error: no neighbor matching the selector\n" },
		/* the fast withdraw path takes no bad next hop (fuzz_exec) */
		{ "withdraw route 10.0.0.0/24 next-hop 0.0.0.", NULL },
		{ "withdraw route 10.0.0.0/24 next-hop 10.0.0.1.2", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = ask(cases[i].cmd);

		ck_assert_msg(strncmp(s, "error: ", 7) == 0, "%s: %s",
		    cases[i].cmd, s);
		ck_assert_msg(strcmp(s + strlen(s) - 6, "error\n") == 0,
		    "%s: %s", cases[i].cmd, s);
		if (cases[i].reason != NULL)
			ck_assert_msg(strncmp(s, cases[i].reason,
			    strlen(cases[i].reason)) == 0, "%s: %s",
			    cases[i].cmd, s);
		free(s);
	}
}
END_TEST

/* Helpers keep ExaBGP's bare answers: no "error: REASON" line. */
START_TEST(helper_error_is_bare)
{
	static const char *const cmds[] = {
		"frobnicate",
		"announce route 10.0.0.0/24 rd 65000:1 label 16 next-hop 192.0.2.1",
		"neighbor 192.0.2.99 announce route 10.0.0.0/24 next-hop self",
	};
	struct line_client lc;
	struct answer a = { 0 };

	helper_client(&lc, &a);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		fx.d->commands.line(fx.d->commands.arg, &lc, cmds[i],
		    strlen(cmds[i]));
		ck_assert_msg(a.p != NULL && strcmp(a.p, "error\n") == 0,
		    "%s: %s", cmds[i], a.p);
		answer_free(&a);
	}
	fx.d->commands.release(fx.d->commands.arg, &lc);
}
END_TEST

START_TEST(pipelined_in_order)
{
	static const char cmds[] = "version\r\nbogus\n\nversion\n";
	int fd = client_connect(fx.path);
	struct answer a = { 0 };
	char *first, *err, *second;

	client_send(fd, cmds, sizeof(cmds) - 1);
	pump(fd, &a, 4);
	/* version, error, (empty line: an answer too), version */
	first = strstr(a.p, "done\n");
	ck_assert_ptr_nonnull(first);
	err = strstr(first, "error\n");
	ck_assert_ptr_nonnull(err);
	second = strstr(err, "exabgp ");
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_nonnull(strstr(second, "done\n"));
	ck_assert_uint_eq(count_lines(&a, "done"), 3);
	ck_assert_uint_eq(count_lines(&a, "error"), 1);
	ck_assert(!a.eof);	/* the client may go on */
	close(fd);
	answer_free(&a);
}
END_TEST

START_TEST(nul_byte_refused)
{
	static const char cmd[] = "version\0 trailing\nversion\n";
	int fd = client_connect(fx.path);
	struct answer a = { 0 };

	client_send(fd, cmd, sizeof(cmd) - 1);
	pump(fd, &a, 2);
	ck_assert_msg(strncmp(a.p, "error: command with a NUL byte refused\n"
	    "error\nexabgp ", 52) == 0, "%s", a.p);
	ck_assert_uint_eq(count_lines(&a, "done"), 1);
	close(fd);
	answer_free(&a);
}
END_TEST

START_TEST(eof_flushes_last_line)
{
	int fd = client_connect(fx.path);
	struct answer a = { 0 };

	/* no newline at all: EOF ends the command */
	client_send(fd, "version", 7);
	shutdown(fd, SHUT_WR);
	pump(fd, &a, 1);
	pump_eof(fd, &a);
	ck_assert_msg(strncmp(a.p, "exabgp ", 7) == 0, "%s", a.p);
	ck_assert_uint_eq(count_lines(&a, "done"), 1);
	ck_assert(a.eof);
	close(fd);
	answer_free(&a);
}
END_TEST

static void
check_too_long(bool newline)
{
	size_t n = CONTROL_MAX_LINE + 10;
	char *big = malloc(n + 1);
	int fd = client_connect(fx.path);
	struct answer a = { 0 };

	memset(big, 'a', n);
	big[n] = '\n';
	client_send(fd, big, newline ? n + 1 : n);
	pump(fd, &a, 1);
	pump_eof(fd, &a);
	ck_assert_msg(a.p != NULL && strncmp(a.p, "error", 5) == 0, "%s",
	    a.p ? a.p : "(nothing)");
	ck_assert(a.eof);	/* dropped */
	close(fd);
	answer_free(&a);
	free(big);
	/* the daemon still serves others */
	char *s = ask("version");
	ck_assert_msg(strncmp(s, "exabgp ", 7) == 0, "%s", s);
	free(s);
}

START_TEST(overlong_line_partial)
{
	check_too_long(false);
}
END_TEST

START_TEST(overlong_line_complete)
{
	check_too_long(true);
}
END_TEST

START_TEST(max_length_line_accepted)
{
	/* exactly CONTROL_MAX_LINE bytes: parsed (and refused as a
	 * command), not dropped as too long */
	char *line = malloc(CONTROL_MAX_LINE + 1);
	int fd = client_connect(fx.path);
	struct answer a = { 0 };

	memset(line, 'x', CONTROL_MAX_LINE);
	line[CONTROL_MAX_LINE] = '\n';
	client_send(fd, line, CONTROL_MAX_LINE + 1);
	client_send(fd, "version\n", 8);
	pump(fd, &a, 2);
	ck_assert_msg(strncmp(a.p, "error: unknown command 'xxx", 27) == 0,
	    "%s", a.p);
	ck_assert_uint_eq(count_lines(&a, "error"), 1);
	ck_assert_uint_eq(count_lines(&a, "done"), 1);
	ck_assert(!a.eof);
	close(fd);
	answer_free(&a);
	free(line);
}
END_TEST

START_TEST(too_many_clients)
{
	int fds[CONTROL_MAX_CLIENTS], extra, again;
	struct answer a = { 0 }, b = { 0 };

	/* no client is idle long enough to give up its slot here (see
	 * idle_clients_give_way for that); each one answered: each one was
	 * accepted before the extra one */
	control_set_timeouts(fx.d->control, 60000, 60000);
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct answer v = { 0 };

		fds[i] = client_connect(fx.path);
		client_send(fds[i], "version\n", 8);
		pump(fds[i], &v, 1);
		ck_assert_uint_eq(count_lines(&v, "done"), 1);
		answer_free(&v);
	}
	extra = client_connect(fx.path);
	pump(extra, &a, 1);
	ck_assert_msg(a.p != NULL && strcmp(a.p, "error: too many clients\n")
	    == 0, "%s", a.p ? a.p : "(nothing)");
	ck_assert(a.eof);
	close(extra);
	/* the 16 are still served */
	client_send(fds[CONTROL_MAX_CLIENTS - 1], "version\n", 8);
	pump(fds[CONTROL_MAX_CLIENTS - 1], &b, 1);
	ck_assert_uint_eq(count_lines(&b, "done"), 1);
	answer_free(&b);
	/* a slot freed is a slot usable again, once the daemon has seen
	 * the close (it may take a while on a busy machine: ask again) */
	close(fds[0]);
	for (double end = now_s() + WAIT_S;;) {
		again = client_connect(fx.path);
		client_send(again, "version\n", 8);
		pump(again, &b, 1);
		if (count_lines(&b, "done") == 1 || now_s() > end)
			break;
		close(again);
		answer_free(&b);
		memset(&b, 0, sizeof(b));
		spin(10);
	}
	ck_assert_uint_eq(count_lines(&b, "done"), 1);
	close(again);
	for (int i = 1; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	answer_free(&a);
	answer_free(&b);
}
END_TEST

START_TEST(back_pressure_keeps_order)
{
	/* far more answer than the pause threshold, read only at the end:
	 * the client is paused, not dropped, and gets every answer */
	enum { N = 3000 };
	int fd = client_connect(fx.path);
	struct answer a = { 0 };
	char *cmds = malloc(N * 5 + 1);

	for (int i = 0; i < N; i++)
		memcpy(cmds + 5 * i, "help\n", 5);
	client_send(fd, cmds, N * 5);
	spin(300);
	pump(fd, &a, N);
	ck_assert_uint_eq(count_lines(&a, "done"), N);
	ck_assert(!a.eof);
	close(fd);
	answer_free(&a);
	free(cmds);
}
END_TEST

START_TEST(json_show)
{
	json_object *o, *e, *v;
	char *s = ask("show neighbor json");

	ck_assert_msg(strcmp(s + strlen(s) - 5, "done\n") == 0, "%s", s);
	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert_msg(o != NULL && json_object_is_type(o, json_type_array),
	    "%s", s);
	ck_assert_uint_eq(json_object_array_length(o), 1);
	e = json_object_array_get_idx(o, 0);
	ck_assert(json_object_object_get_ex(e, "peer-address", &v));
	ck_assert_str_eq(json_object_get_string(v), "127.0.0.2");
	ck_assert(json_object_object_get_ex(e, "peer-as", &v));
	ck_assert_int_eq(json_object_get_int64(v), 65002);
	ck_assert(json_object_object_get_ex(e, "state", &v));
	ck_assert_str_eq(json_object_get_string(v), "active");
	ck_assert(json_object_object_get_ex(e, "messages", &v));
	ck_assert(json_object_object_get_ex(e, "families", &v));
	json_object_put(o);
	free(s);

	s = ask("announce route 10.9.0.0/24 next-hop 192.0.2.1 "
	    "as-path [ 65001 65003 ] community 65000:1");
	ck_assert_str_eq(s, "done\n");
	free(s);
	s = ask("show adj-rib out json");
	ck_assert_msg(strcmp(s + strlen(s) - 5, "done\n") == 0, "%s", s);
	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert_msg(o != NULL && json_object_array_length(o) == 1, "%s", s);
	e = json_object_array_get_idx(o, 0);
	ck_assert(json_object_object_get_ex(e, "prefix", &v));
	ck_assert_str_eq(json_object_get_string(v), "10.9.0.0/24");
	ck_assert(json_object_object_get_ex(e, "family", &v));
	ck_assert_str_eq(json_object_get_string(v), "ipv4 unicast");
	ck_assert(json_object_object_get_ex(e, "attributes", &e));
	ck_assert(json_object_object_get_ex(e, "next-hop", &v));
	ck_assert_str_eq(json_object_get_string(v), "192.0.2.1");
	/* the attributes as in the UPDATE events (ExaBGP 4.2's JSON) */
	ck_assert(json_object_object_get_ex(e, "as-path", &v));
	ck_assert_uint_eq(json_object_array_length(v), 2);
	ck_assert_int_eq(json_object_get_int64(
	    json_object_array_get_idx(v, 1)), 65003);
	ck_assert(json_object_object_get_ex(e, "community", &v));
	v = json_object_array_get_idx(v, 0);
	ck_assert_int_eq(json_object_get_int64(json_object_array_get_idx(v,
	    0)), 65000);
	ck_assert_int_eq(json_object_get_int64(json_object_array_get_idx(v,
	    1)), 1);
	ck_assert(json_object_object_get_ex(e, "origin", &v));
	ck_assert_str_eq(json_object_get_string(v), "igp");
	json_object_put(o);
	free(s);

	/* an Adj-RIB-In with nothing received is an empty array */
	s = ask("show adj-rib in json");
	ck_assert_str_eq(s, "[]\ndone\n");
	free(s);
}
END_TEST

/* The whole answer to line is want. */
static void
answer_is(const char *line, const char *want)
{
	char *s = ask(line);

	ck_assert_msg(strcmp(s, want) == 0, "%s: '%s', expected '%s'", line,
	    s, want);
	free(s);
}

/* Lookups over the socket: exact, longest, all, family and community
 * filters, count, text and JSON, hostile arguments refused with an
 * error (and the daemon still answering). */
START_TEST(rib_lookups)
{
	static const char *const routes[] = {
		"announce route 10.0.0.0/8 next-hop 192.0.2.1",
		"announce route 10.1.0.0/16 next-hop 192.0.2.1 community 65000:1",
		"announce route 10.1.2.0/24 next-hop 192.0.2.1",
		"announce route 10.1.3.0/24 next-hop 192.0.2.1 community 65000:1",
		"announce route 2001:db8::/32 next-hop 2001:db8::1",
	};
	json_object *o, *e, *v;
	char *s;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		answer_is(routes[i], "done\n");
	answer_is("show adj-rib out 10.1.0.0/16",
	    "neighbor 127.0.0.2 ipv4 unicast 10.1.0.0/16 "
	    "next-hop 192.0.2.1\ndone\n");
	answer_is("show adj-rib out 127.0.0.2 10.1.2.3",
	    "neighbor 127.0.0.2 ipv4 unicast 10.1.2.0/24 "
	    "next-hop 192.0.2.1\ndone\n");
	answer_is("show adj-rib out 10.1.9.9/32 longest",
	    "neighbor 127.0.0.2 ipv4 unicast 10.1.0.0/16 "
	    "next-hop 192.0.2.1\ndone\n");
	answer_is("show adj-rib out 10.1.0.0/16 all count",
	    "neighbor 127.0.0.2 adj-rib-out count 3\ndone\n");
	answer_is("show adj-rib out 10.0.0.0/8 all community 65000:1 count",
	    "neighbor 127.0.0.2 adj-rib-out count 2\ndone\n");
	answer_is("show adj-rib out ipv6 unicast count",
	    "neighbor 127.0.0.2 adj-rib-out count 1\ndone\n");
	answer_is("show adj-rib out 10.2.0.0/16", "done\n");
	/* a neighbor that is not there: nothing, not an error */
	answer_is("show adj-rib out 127.0.0.9 10.1.0.0/16 count", "done\n");
	answer_is("show adj-rib in 10.1.0.0/16 count",
	    "neighbor 127.0.0.2 adj-rib-in count 0\ndone\n");

	s = ask("show adj-rib out 10.1.0.0/16 all community 65000:1 json");
	ck_assert_msg(strcmp(s + strlen(s) - 5, "done\n") == 0, "%s", s);
	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert_msg(o != NULL && json_object_array_length(o) == 2, "%s", s);
	e = json_object_array_get_idx(o, 0);
	ck_assert(json_object_object_get_ex(e, "prefix", &v));
	ck_assert(strcmp(json_object_get_string(v), "10.1.0.0/16") == 0 ||
	    strcmp(json_object_get_string(v), "10.1.3.0/24") == 0);
	json_object_put(o);
	free(s);
	answer_is("show adj-rib out 10.0.0.0/8 all count json",
	    "[{\"neighbor\":\"127.0.0.2\",\"count\":4}]\n"
	    "done\n");

	/* hostile: refused with an error, nothing else */
	static const char *const bad[] = {
		"show adj-rib out 10.0.0.0/4294967297",
		"show adj-rib out 10.0.0.0/8 ipv4 flow",
		"show adj-rib out community 4294967296:1",
		"show adj-rib out rd xx",
		"show adj-rib out 10.0.0.0/8 all exact",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = ask(bad[i]);
		ck_assert_msg(strncmp(s, "error", 5) == 0, "%s: %s", bad[i], s);
		free(s);
	}
	/* a very long prefix-looking word */
	{
		char line[9000];

		memset(line, 0, sizeof(line));
		strcpy(line, "show adj-rib out 10.0.0.0/");
		memset(line + strlen(line), '9', 8000);
		s = ask(line);
		ck_assert_msg(strncmp(s, "error", 5) == 0, "%s", s);
		free(s);
	}
	answer_is("show adj-rib out 10.0.0.0/8 exact count",
	    "neighbor 127.0.0.2 adj-rib-out count 1\ndone\n");
}
END_TEST

/* Every command that shows something has a JSON form: one line, one
 * document of the expected type, then done. */
static const struct {
	const char		*line;
	enum json_type		 type;
	const char		*key;		/* a member of the (first) object */
} json_forms[] = {
	{ "show neighbor json", json_type_array, "peer-address" },
	{ "show neighbor summary json", json_type_array, "state" },
	{ "show neighbor extensive 127.0.0.2 json", json_type_array,
	    "messages" },
	{ "show neighbor configuration json", json_type_array,
	    "configuration" },
	{ "show adj-rib out json", json_type_array, "prefix" },
	{ "show adj-rib out extensive json", json_type_array, "attributes" },
	{ "show adj-rib in json", json_type_array, NULL },
	{ "show adj-rib out 10.9.0.0/24 json", json_type_array, "prefix" },
	{ "show adj-rib out count json", json_type_array, "count" },
	{ "status json", json_type_object, "adj-rib-out-routes" },
	{ "version json", json_type_object, "evbgpd" },
	{ "help json", json_type_array, NULL },
	{ "ping json", json_type_object, "pong" },
};

START_TEST(json_every_show)
{
	json_object *o, *e, *v;
	char *s = ask("announce route 10.9.0.0/24 next-hop 192.0.2.1");
	const char *nl;

	ck_assert_str_eq(s, "done\n");
	free(s);
	s = ask(json_forms[_i].line);
	ck_assert_msg(strlen(s) > 5 && strcmp(s + strlen(s) - 5, "done\n") == 0,
	    "%s: %s", json_forms[_i].line, s);
	s[strlen(s) - 5] = '\0';
	nl = strchr(s, '\n');
	ck_assert_msg(nl != NULL && nl[1] == '\0', "%s: not one line: %s",
	    json_forms[_i].line, s);
	o = json_tokener_parse(s);
	ck_assert_msg(o != NULL && json_object_is_type(o,
	    json_forms[_i].type), "%s: %s", json_forms[_i].line, s);
	e = o;
	if (json_object_is_type(o, json_type_array) &&
	    json_forms[_i].key != NULL) {
		ck_assert_msg(json_object_array_length(o) > 0, "%s: %s",
		    json_forms[_i].line, s);
		e = json_object_array_get_idx(o, 0);
	}
	if (json_forms[_i].key != NULL)
		ck_assert_msg(json_object_object_get_ex(e, json_forms[_i].key,
		    &v), "%s: no %s: %s", json_forms[_i].line,
		    json_forms[_i].key, s);
	json_object_put(o);
	free(s);
}
END_TEST

START_TEST(json_forms_content)
{
	json_object *o, *v;
	char *s = ask("status json"), *uuid, want[128];

	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert(json_object_object_get_ex(o, "neighbors", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1);
	ck_assert(json_object_object_get_ex(o, "established", &v));
	ck_assert_int_eq(json_object_get_int64(v), 0);
	/* one neighbor: one update group */
	ck_assert(json_object_object_get_ex(o, "update-groups", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1);
	ck_assert(json_object_object_get_ex(o, "pid", &v));
	ck_assert_int_eq(json_object_get_int64(v), getpid());
	/* ExaBGP main's keys: uuid (the ping's), uptime, peers by name */
	ck_assert(json_object_object_get_ex(o, "uuid", &v));
	uuid = strdup(json_object_get_string(v));
	ck_assert_uint_eq(strlen(uuid), 36);
	ck_assert(json_object_object_get_ex(o, "uptime", &v));
	ck_assert(json_object_object_get_ex(o, "start_time", &v));
	ck_assert(json_object_object_get_ex(o, "peers", &v));
	ck_assert(json_object_object_get_ex(v, "neighbor 127.0.0.2 local-ip "
	    "127.0.0.1 local-as 65001 peer-as 65002 router-id 10.0.0.1 "
	    "family-allowed in-open", &v));
	ck_assert_str_eq(json_object_get_string(v), "ACTIVE");
	json_object_put(o);
	free(s);

	/* the text form: main's block, which its helpers parse */
	s = ask("status");
	ck_assert_msg(strncmp(s, "ExaBGP Daemon Status\n====================\n"
	    "Version: ", 51) == 0, "%s", s);
	snprintf(want, sizeof(want), "\nUUID: %s\nPID: %d\n", uuid,
	    (int)getpid());
	ck_assert_msg(strstr(s, want) != NULL, "%s", s);
	ck_assert_msg(strstr(s, "\nPeers: 1\n  - neighbor 127.0.0.2 ") !=
	    NULL, "%s", s);
	free(s);
	s = ask("ping json");
	ck_assert_msg(strstr(s, uuid) != NULL, "%s", s);
	free(s);
	free(uuid);

	s = ask("help json");
	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(o,
	    (size_t)json_object_array_length(o) - 1)), "# COMMENT");
	json_object_put(o);
	free(s);

	s = ask("show neighbor configuration 127.0.0.2 json");
	s[strlen(s) - 5] = '\0';
	o = json_tokener_parse(s);
	ck_assert_uint_eq(json_object_array_length(o), 1);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(o, 0),
	    "configuration", &v));
	ck_assert_msg(strstr(json_object_get_string(v),
	    "neighbor 127.0.0.2 {") != NULL, "%s", json_object_get_string(v));
	json_object_put(o);
	free(s);

	/* json is not a word every command takes */
	s = ask("reload json");
	ck_assert_str_eq(s, "error: reload: unexpected 'json'\nerror\n");
	free(s);
}
END_TEST

/*
 * create neighbor / delete neighbor over the socket (ExaBGP main): the
 * neighbor is shown, answered done; a second one with the same key, an
 * unknown process and a delete matching nothing are errors.
 */
START_TEST(create_delete_neighbor)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int hold = socket(AF_INET, SOCK_STREAM, 0);
	char *s;

	/* connections go to a loopback port bound by nobody listening:
	 * refused at once, never someone else's daemon */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(hold, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(hold, (struct sockaddr *)&sin, &sl), 0);
	fx.d->penv.set.port = ntohs(sin.sin_port);

	s = ask("create neighbor 127.0.0.1 local-address 127.0.0.1 "
	    "local-as 65001 peer-as 65009 router-id 1.2.3.4");
	ck_assert_str_eq(s, "done\n");
	free(s);
	s = ask("show neighbor summary");
	ck_assert_msg(strstr(s, "\n127.0.0.1 ") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "65009") != NULL, "%s", s);
	free(s);
	s = ask("create neighbor 127.0.0.1 local-address 127.0.0.1 "
	    "local-as 1 peer-as 1");
	ck_assert_msg(strncmp(s, "error: create neighbor refused: neighbor "
	    "127.0.0.1 already exists", 59) == 0 && strcmp(s + strlen(s) - 7,
	    "\nerror\n") == 0, "%s", s);
	free(s);
	s = ask("create neighbor 127.0.0.3 local-address 127.0.0.1 "
	    "local-as 1 peer-as 1 api nosuch");
	ck_assert_msg(strncmp(s, "error: create neighbor refused: ", 32) == 0 &&
	    strstr(s, "nosuch") != NULL && strcmp(s + strlen(s) - 7,
	    "\nerror\n") == 0, "%s", s);
	free(s);
	ck_assert_uint_eq(fx.d->npeers, 2);
	s = ask("delete neighbor 127.0.0.1 peer-as 65009");
	ck_assert_str_eq(s, "done\n");
	free(s);
	ck_assert_uint_eq(fx.d->npeers, 1);
	ck_assert_uint_eq(fx.d->nruntime, 0);
	s = ask("delete neighbor 127.0.0.1");
	ck_assert_str_eq(s, "error: no neighbor matching the selector\n"
	    "error\n");
	free(s);
	close(hold);
}
END_TEST

START_TEST(shutdown_answers_then_closes)
{
	int fd = client_connect(fx.path);
	struct answer a = { 0 };
	struct stat st;

	client_send(fd, "shutdown\n", 9);
	pump(fd, &a, 1);
	pump_eof(fd, &a);
	/* answered once the shutdown took effect (issue 11 point 2) */
	ck_assert_str_eq(a.p, "shutdown in progress\nshutdown complete: 0 "
	    "sessions closed (Cease sent), 0 helpers stopped\ndone\n");
	ck_assert(a.eof);
	/* no new client: the socket file is gone */
	ck_assert_int_eq(stat(fx.path, &st), -1);
	close(fd);
	answer_free(&a);
}
END_TEST

/* Write a configuration file for reload tests; its path in path. */
static void
write_conf(char *path, size_t len, const char *text)
{
	FILE *f;

	snprintf(path, len, "%s/reload.conf", fx.dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/*
 * "reload" waits for the outcome and says it (issue 11 point 2): the
 * diff when applied, the file:line error when refused; a line sent
 * behind it is answered after it.
 */
START_TEST(reload_answers_outcome)
{
	static const char changed[] =
	    "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65002;\n"
	    "	passive;\n"
	    "	static { route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.2.0.0/24 next-hop 192.0.2.1; }\n"
	    "}\n"
	    "neighbor 127.0.0.3 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65003;\n"
	    "	passive;\n"
	    "	static { route 10.3.0.0/24 next-hop 192.0.2.1; }\n"
	    "}\n";
	static const char first[] = "reload in progress\nreload applied: "
	    "neighbors 1 added, 0 removed, 1 changed, 0 unchanged; routes 3 "
	    "announced, 0 withdrawn\ndone\nexabgp ";
	char path[160], *paths[1] = { path }, *s;
	int fd;
	struct answer a = { 0 };

	write_conf(path, sizeof(path), changed);
	fx.d->conf_paths = paths;
	fx.d->nconf = 1;
	fd = client_connect(fx.path);
	client_send(fd, "reload\nversion\n", 15);
	pump(fd, &a, 2);
	ck_assert_msg(strncmp(a.p, first, strlen(first)) == 0, "%s", a.p);
	close(fd);
	answer_free(&a);

	/* the same again: nothing changes */
	s = ask("reload");
	ck_assert_str_eq(s, "reload in progress\nreload applied: neighbors 0 "
	    "added, 0 removed, 0 changed, 2 unchanged; routes 0 announced, 0 "
	    "withdrawn\ndone\n");
	free(s);

	/* a broken file: refused with its file:line, the running one kept */
	write_conf(path, sizeof(path), "neighbor 127.0.0.2 {\n\tlocal-as "
	    "sixty;\n}\n");
	s = ask("reload");
	ck_assert_msg(strstr(s, "reload in progress\nerror: reload refused, "
	    "the running configuration is kept: ") == s, "%s", s);
	ck_assert_msg(strstr(s, "reload.conf:2: ") != NULL, "%s", s);
	ck_assert_msg(strcmp(s + strlen(s) - 6, "error\n") == 0, "%s", s);
	free(s);
	ck_assert_uint_eq(fx.d->npeers, 2);

	/* an empty one: refused unless asked */
	write_conf(path, sizeof(path), "# nothing\n");
	s = ask("reload");
	ck_assert_msg(strstr(s, "has no neighbor (the running one has 2)") !=
	    NULL, "%s", s);
	ck_assert_msg(strcmp(s + strlen(s) - 6, "error\n") == 0, "%s", s);
	free(s);
	s = ask("restart allow-empty");
	ck_assert_str_eq(s, "restart in progress\nreload applied: neighbors 0 "
	    "added, 2 removed, 0 changed, 0 unchanged; routes 0 announced, 0 "
	    "withdrawn; 0 helpers restarted\ndone\n");
	free(s);
	ck_assert_uint_eq(fx.d->npeers, 0);
	fx.d->conf_paths = NULL;
	fx.d->nconf = 0;
	unlink(path);
}
END_TEST

/* Requests merged into one reload: every client waiting hears the one
 * outcome (here a refusal: the fixture's file does not exist). */
START_TEST(reload_many_waiters)
{
	int fds[CONTROL_MAX_CLIENTS];
	struct answer a[CONTROL_MAX_CLIENTS];

	memset(a, 0, sizeof(a));
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		fds[i] = client_connect(fx.path);
		client_send(fds[i], i % 2 ? "reload\n" : "restart\n",
		    i % 2 ? 7 : 8);
	}
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		pump(fds[i], &a[i], 1);
		ck_assert_msg(a[i].p != NULL && strstr(a[i].p, "error: reload "
		    "refused, the running configuration is kept: test.conf") !=
		    NULL, "%d: %s", i, a[i].p);
		ck_assert_uint_eq(count_lines(&a[i], "error"), 1);
		close(fds[i]);
		answer_free(&a[i]);
	}
	spin(20);
	ck_assert_uint_eq(fx.d->nwaiters, 0);
}
END_TEST

/* "restart" is answered once its helpers started again. */
START_TEST(restart_waits_for_helpers)
{
	static const char conf[] =
	    "process cat1 {\n\trun /bin/cat;\n\tencoder text;\n}\n"
	    "process cat2 {\n\trun /bin/cat;\n\tencoder json;\n}\n"
	    "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65002;\n"
	    "	passive;\n"
	    "}\n";
	char path[160], *paths[1] = { path }, *s;

	write_conf(path, sizeof(path), conf);
	fx.d->conf_paths = paths;
	fx.d->nconf = 1;
	s = ask("reload");
	ck_assert_msg(strstr(s, "reload applied: ") != NULL, "%s", s);
	free(s);
	s = ask("restart");
	ck_assert_msg(strstr(s, "restart in progress\nreload applied: "
	    "neighbors 0 added, 0 removed, 0 changed, 1 unchanged; routes 0 "
	    "announced, 0 withdrawn; 2 helpers restarted\ndone\n") == s, "%s",
	    s);
	free(s);
	fx.d->conf_paths = NULL;
	fx.d->nconf = 0;
	unlink(path);
}
END_TEST

/* A client that goes away while waiting is forgotten (no use after
 * free: the ASan build runs this). */
START_TEST(reload_waiter_gone)
{
	int fd = client_connect(fx.path);

	client_send(fd, "reload\n", 7);
	/* read by the daemon, answered on a later turn: close first */
	for (double end = now_s() + WAIT_S; fx.d->nwaiters == 0 &&
	    now_s() < end;)
		event_base_loop(fx.d->base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
	close(fd);
	spin(50);
	ck_assert_uint_eq(fx.d->nwaiters, 0);
}
END_TEST

START_TEST(free_removes_socket)
{
	struct stat st;

	control_free(fx.d->control);
	fx.d->control = NULL;
	ck_assert_int_eq(stat(fx.path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(live_socket_refused)
{
	/* the fixture's daemon listens: a second one must not steal it */
	ck_assert_ptr_null(control_new(fx.d->base, fx.path, &fx.d->commands));
	char *s = ask("version");
	ck_assert_msg(strncmp(s, "exabgp ", 7) == 0, "%s", s);
	free(s);
}
END_TEST

START_TEST(stale_socket_replaced)
{
	char path[160];
	struct sockaddr_un sun;
	struct control *c;
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	/* a socket file nobody listens on, as a crash leaves it */
	snprintf(path, sizeof(path), "%s/stale.sock", fx.sub);
	sun_set(&sun, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	c = control_new(fx.d->base, path, &fx.d->commands);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0660);
	control_free(c);
	ck_assert_int_eq(lstat(path, &st), -1);
}
END_TEST

START_TEST(regular_file_refused)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/file", fx.sub);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	close(fd);
	ck_assert_ptr_null(control_new(fx.d->base, path, &fx.d->commands));
	ck_assert_int_eq(access(path, F_OK), 0);	/* left alone */
	unlink(path);
	/* and a path too long for sun_path */
	char longp[300];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_ptr_null(control_new(fx.d->base, longp, &fx.d->commands));
}
END_TEST

/* A line handler that records what reaches it and answers "ok N". */
struct recorder {
	char		 lines[8][64];
	size_t		 nlines;
	bool		 helper_seen;
	char		 name[64];
	int		 released;
};

static void
rec_line(void *arg, struct line_client *c, const char *line, size_t len)
{
	struct recorder *r = arg;
	char ans[32];
	int n;

	ck_assert_uint_lt(r->nlines, 8);
	snprintf(r->lines[r->nlines], sizeof(r->lines[0]), "%.*s", (int)len,
	    line);
	r->nlines++;
	r->helper_seen |= c->helper;
	snprintf(r->name, sizeof(r->name), "%s", c->name);
	if (c->state == NULL)
		c->state = r;		/* anything non-NULL */
	n = snprintf(ans, sizeof(ans), "ok %zu\ndone\n", r->nlines);
	c->reply(c->ctx, ans, (size_t)n);
}

static void
rec_release(void *arg, struct line_client *c)
{
	struct recorder *r = arg;

	if (c->state != NULL)
		r->released++;
	c->state = NULL;
}

/* The control socket runs whatever line handler it is given. */
START_TEST(injected_line_handler)
{
	char path[160];
	struct recorder r = { 0 };
	struct line_handler lh = { rec_line, rec_release, &r };
	struct control *c;
	struct answer a = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/rec.sock", fx.sub);
	c = control_new(fx.d->base, path, &lh);
	ck_assert_ptr_nonnull(c);
	fd = client_connect(path);
	client_send(fd, "first\nsecond\n", 14);
	pump(fd, &a, 2);
	ck_assert_str_eq(a.p, "ok 1\ndone\nok 2\ndone\n");
	ck_assert_uint_eq(r.nlines, 2);
	ck_assert_str_eq(r.lines[0], "first");
	ck_assert_str_eq(r.lines[1], "second");
	ck_assert(!r.helper_seen);
	ck_assert_msg(strncmp(r.name, "evbgpctl", 8) == 0, "name %s", r.name);
	/* the client leaves: the handler forgets it */
	close(fd);
	spin_until(&r.released, 1);
	ck_assert_int_eq(r.released, 1);
	control_free(c);
	answer_free(&a);
}
END_TEST

/*
 * Issue 8, defect 9: sixteen clients connect and say nothing, holding
 * every slot. The operator still gets in, within a second: the one idle
 * longest gives up its slot (and is told so).
 */
START_TEST(idle_clients_give_way)
{
	int fds[CONTROL_MAX_CLIENTS], op;
	struct answer a = { 0 }, v = { 0 };
	double t0;

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		fds[i] = client_connect(fx.path);
		spin(2);
	}
	spin(300);		/* older than the eviction grace (250 ms) */
	t0 = now_s();
	op = client_connect(fx.path);
	client_send(op, "version\n", 8);
	pump(op, &a, 1);
	ck_assert_msg(count_lines(&a, "done") == 1, "%s", a.p ? a.p :
	    "(nothing)");
	ck_assert_msg(now_s() - t0 < 1.0, "%.2f s", now_s() - t0);
	/* the first one (idle longest) made room, and was told */
	pump(fds[0], &v, 1);
	ck_assert_msg(v.p != NULL && strncmp(v.p, "error: 16 clients: dropped "
	    "to make room", 37) == 0, "%s", v.p ? v.p : "(nothing)");
	spin(20);
	answer_read(fds[0], &v);
	ck_assert(v.eof);
	close(op);
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	answer_free(&a);
	answer_free(&v);
}
END_TEST

/* A client that completes no command for the idle timeout is closed; one
 * that keeps working is not. */
START_TEST(idle_timeout)
{
	int idle, busy;
	struct answer a = { 0 }, b = { 0 };

	/* 3 s idle against a command every 100 ms: a margin of 30 that a
	 * loaded machine (this process descheduled for a while) keeps */
	control_set_timeouts(fx.d->control, 3000, 250);
	idle = client_connect(fx.path);
	busy = client_connect(fx.path);
	for (int i = 0; i < 10; i++) {
		client_send(busy, "version\n", 8);
		spin(100);
	}
	pump(idle, &a, 1);
	ck_assert_msg(a.p != NULL && strncmp(a.p, "error: no command for ", 22)
	    == 0, "%s", a.p ? a.p : "(nothing)");
	spin(20);
	answer_read(idle, &a);
	ck_assert(a.eof);
	/* the busy one is still served (asked again now, so that the time
	 * the idle one took to go does not count against it) */
	client_send(busy, "version\n", 8);
	pump(busy, &b, 11);
	ck_assert_uint_eq(count_lines(&b, "done"), 11);
	ck_assert(!b.eof);
	close(idle);
	close(busy);
	answer_free(&a);
	answer_free(&b);
}
END_TEST

/*
 * Fairness between users: one holding every slot (fresh ones, none past
 * the grace) still gives one up to another user, who gets the answer.
 * Needs root (the other user is nobody); passes trivially otherwise.
 */
START_TEST(other_user_gets_a_slot)
{
	int fds[CONTROL_MAX_CLIENTS], res[2];
	char verdict = 0;
	pid_t pid;

	if (geteuid() != 0)
		return;
	control_set_timeouts(fx.d->control, 60000, 60000);
	ck_assert_int_eq(chmod(fx.dir, 0755), 0);
	ck_assert_int_eq(chmod(fx.sub, 0755), 0);
	ck_assert_int_eq(chmod(fx.path, 0666), 0);
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		fds[i] = client_connect(fx.path);
		spin(2);
	}
	/* the daemon's supervisor reaps every child: the verdict comes back
	 * through a pipe, not an exit status */
	ck_assert_int_eq(pipe(res), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct answer a = { 0 };
		int fd;

		close(res[0]);
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(3);
		fd = client_connect(fx.path);
		client_send(fd, "version\n", 8);
		/* the parent runs the loop; just wait for the answer */
		for (int i = 0; i < 500 && count_lines(&a, "done") == 0 &&
		    !a.eof; i++) {
			usleep(10000);
			answer_read(fd, &a);
		}
		verdict = count_lines(&a, "done") == 1 ? 'y' : 'n';
		(void)write(res[1], &verdict, 1);
		_exit(0);
	}
	close(res[1]);
	ck_assert_int_ne(fcntl(res[0], F_SETFL, O_NONBLOCK), -1);
	for (int i = 0; i < 1000 && verdict == 0; i++) {
		spin(5);
		if (read(res[0], &verdict, 1) != 1)
			verdict = 0;
	}
	close(res[0]);
	ck_assert_msg(verdict == 'y', "the other user was not answered (%c)",
	    verdict ? verdict : '-');
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
}
END_TEST

/* Answers collected from the line handler directly. */
static void
collect_reply(void *ctx, const char *data, size_t len)
{
	struct answer *a = ctx;

	a->p = realloc(a->p, a->len + len + 1);
	ck_assert_ptr_nonnull(a->p);
	memcpy(a->p + a->len, data, len);
	a->len += len;
	a->p[a->len] = '\0';
}

/* A helper's command client whose answers go to a. */
static void
helper_client(struct line_client *lc, struct answer *a)
{
	memset(lc, 0, sizeof(*lc));
	snprintf(lc->name, sizeof(lc->name), "helper");
	lc->helper = true;
	lc->encoder = ENCODER_TEXT;
	lc->reply = collect_reply;
	lc->ctx = a;
}

/* A helper's line with a NUL inside is refused, not cut at the NUL and
 * run (issue 8, defect 11). */
START_TEST(helper_nul_byte_refused)
{
	static const char line[] = "version\0 and more";
	struct line_client lc;
	struct answer a = { 0 };

	helper_client(&lc, &a);
	fx.d->commands.line(fx.d->commands.arg, &lc, line, sizeof(line) - 1);
	ck_assert_str_eq(a.p, "error\n");
	/* and the next line runs */
	free(a.p);
	memset(&a, 0, sizeof(a));
	fx.d->commands.line(fx.d->commands.arg, &lc, "version", 7);
	ck_assert_msg(strncmp(a.p, "exabgp ", 7) == 0, "%s", a.p);
	fx.d->commands.release(fx.d->commands.arg, &lc);
	answer_free(&a);
}
END_TEST

/* Does the file hold a byte of set, or anything that is not UTF-8? */
static bool
log_is_clean(const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq((const uint8_t *)text + i, len - i, NULL);

		if (n == 0 || (n == 1 && text[i] < 0x20 && text[i] != '\n') ||
		    text[i] == 0x7f)
			return false;
		i += n;
	}
	return true;
}

/*
 * Command text reaches the log escaped: no ESC, CR, BEL or bytes that
 * are not UTF-8 (a terminal reading the log obeys them), as \xNN
 * instead (issue 8, defect 11).
 */
START_TEST(command_text_escaped_in_log)
{
	static const char cmds[] =
	    "# note \x1b[2J\r\xff\xfe end\n"
	    "bogus \x1b]0;title\x07 \xc2\x9b\n";
	char path[160], *text;
	int fd;
	struct answer a = { 0 };
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/log", fx.dir);
	log_init(true, LOG_DEST_FILE, LOG_DEBUG, path);
	fd = client_connect(fx.path);
	client_send(fd, cmds, sizeof(cmds) - 1);
	pump(fd, &a, 2);
	close(fd);
	log_init(true, LOG_DEST_STDERR, LOG_ERR, NULL);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	ck_assert_int_eq((long)fread(text, 1, (size_t)n, f), n);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	ck_assert_msg(strstr(text, "note \\x1b[2J\\x0d\\xff\\xfe end") !=
	    NULL, "%s", text);
	ck_assert_msg(strstr(text, "bogus \\x1b]0;title\\x07 \\xc2\\x9b") !=
	    NULL, "%s", text);
	ck_assert_msg(log_is_clean(text, (size_t)n), "%s", text);
	free(text);
	answer_free(&a);
}
END_TEST

/* --metrics values (issue 11 point 5): what each form means. */
START_TEST(metrics_listen_forms)
{
	static const struct {
		const char *in, *addr;
		int port;		/* -1: refused */
	} v[] = {
		{ "9179", "127.0.0.1", 9179 },
		{ "0", "127.0.0.1", 0 },
		{ "127.0.0.2", "127.0.0.2", 9179 },
		{ "192.0.2.1:80", "192.0.2.1", 80 },
		{ "[::1]:9100", "::1", 9100 },
		{ "[::1]", "::1", 9179 },
		{ "::1", "::1", 9179 },
		{ "2001:db8::1", "2001:db8::1", 9179 },
		{ "65536", NULL, -1 },
		{ "127.0.0.1:65536", NULL, -1 },
		{ "127.0.0.1:", NULL, -1 },
		{ ":80", NULL, -1 },
		{ "", NULL, -1 },
		{ "localhost:80", NULL, -1 },
		{ "[::1]:", NULL, -1 },
		{ "[::1", NULL, -1 },
		{ "[127.0.0.1]:80", "127.0.0.1", 80 },
		{ "127.0.0.1:+80", NULL, -1 },
		{ "127.0.0.1:8o", NULL, -1 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct bgp_addr a;
		uint16_t port;
		char why[128], buf[ADDR_STRLEN];
		int rc = metrics_parse_listen(v[i].in, &a, &port, why,
		    sizeof(why));

		if (v[i].port == -1) {
			ck_assert_msg(rc == -1, "'%s' accepted", v[i].in);
			ck_assert_msg(strncmp(why, "'", 1) == 0, "%s", why);
			continue;
		}
		ck_assert_msg(rc == 0, "'%s': %s", v[i].in, why);
		ck_assert_str_eq(addr_fmt(&a, buf), v[i].addr);
		ck_assert_int_eq(port, v[i].port);
	}
}
END_TEST

static Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("socket");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, socket_mode_and_dir);
	tcase_add_test(tc, injected_line_handler);
	tcase_add_test(tc, version);
	tcase_add_test(tc, show_summary);
	tcase_add_test(tc, bogus_command);
	tcase_add_test(tc, error_reasons);
	tcase_add_test(tc, helper_error_is_bare);
	tcase_add_test(tc, pipelined_in_order);
	tcase_add_test(tc, nul_byte_refused);
	tcase_add_test(tc, helper_nul_byte_refused);
	tcase_add_test(tc, idle_clients_give_way);
	tcase_add_test(tc, idle_timeout);
	tcase_add_test(tc, other_user_gets_a_slot);
	tcase_add_test(tc, command_text_escaped_in_log);
	tcase_add_test(tc, eof_flushes_last_line);
	tcase_add_test(tc, overlong_line_partial);
	tcase_add_test(tc, overlong_line_complete);
	tcase_add_test(tc, max_length_line_accepted);
	tcase_add_test(tc, too_many_clients);
	tcase_add_test(tc, back_pressure_keeps_order);
	tcase_add_test(tc, json_show);
	tcase_add_test(tc, rib_lookups);
	tcase_add_loop_test(tc, json_every_show, 0,
	    sizeof(json_forms) / sizeof(json_forms[0]));
	tcase_add_test(tc, json_forms_content);
	tcase_add_test(tc, create_delete_neighbor);
	tcase_add_test(tc, shutdown_answers_then_closes);
	tcase_add_test(tc, reload_answers_outcome);
	tcase_add_test(tc, reload_waiter_gone);
	tcase_add_test(tc, restart_waits_for_helpers);
	tcase_add_test(tc, reload_many_waiters);
	tcase_add_test(tc, metrics_listen_forms);
	tcase_add_test(tc, free_removes_socket);
	tcase_add_test(tc, live_socket_refused);
	tcase_add_test(tc, stale_socket_replaced);
	tcase_add_test(tc, regular_file_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(control_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
