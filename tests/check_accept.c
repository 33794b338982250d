/*
 * Connections from outside: a daemon listening on 127.0.0.1 (an
 * ephemeral port), real TCP clients bound to other loopback addresses.
 * Unconfigured addresses are refused with a rate-limited log line
 * (issue 8, defect 11).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "evbgp/config.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "evbgp/util.h"

static const char conf_base[] =
    "neighbor 127.0.0.2 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address 127.0.0.1;\n"
    "	local-as 65001;\n"
    "	peer-as 65002;\n"
    "	passive;\n"
    "}\n";

struct harness {
	char		 dir[64];
	char		 log[96];
	struct daemon	*d;
	uint16_t	 port;		/* the listener's */
};

static void
harness_init(struct harness *h, const char *conf)
{
	struct env env;
	struct config *cfg;
	char err[512];
	char *envp[] = { NULL };
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/evbgp-accept-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(h->dir));
	snprintf(h->log, sizeof(h->log), "%s/log", h->dir);
	log_init(true, LOG_DEST_FILE, LOG_DEBUG, h->log);
	ck_assert_int_eq(env_load(&env, NULL, envp, err, sizeof(err)), 0);
	free(env.tcp_bind);
	env.tcp_bind = xstrdup("127.0.0.1");
	env.tcp_port = 0;		/* any free port */
	env.api_cli = false;
	cfg = config_parse(conf, "accept.conf", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	h->d = daemon_new(&env, cfg, NULL, 0);
	ck_assert_int_eq(daemon_start(h->d), 0);
	ck_assert_uint_eq(h->d->nlisteners, 1);
	ck_assert_int_eq(getsockname(evconnlistener_get_fd(
	    h->d->listeners[0].lev), (struct sockaddr *)&sin, &sl), 0);
	h->port = ntohs(sin.sin_port);
}

static void
harness_free(struct harness *h)
{
	daemon_free(h->d);
	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	unlink(h->log);
	rmdir(h->dir);
}

static void
spin(struct harness *h)
{
	for (int i = 0; i < 20; i++)
		event_base_loop(h->d->base, EVLOOP_NONBLOCK);
}

/* A TCP connection from src (a loopback address) to the listener. */
static int
connect_from(struct harness *h, const char *src)
{
	struct sockaddr_in a, to;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ne(fd, -1);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, src, &a.sin_addr), 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(h->port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	return fd;
}

/* Has the far end closed fd (read gives EOF or a reset)? Waits up to
 * 5 s while running the loop. */
static bool
closed_by_daemon(struct harness *h, int fd)
{
	char buf[4096];

	ck_assert_int_ne(fcntl(fd, F_SETFL, O_NONBLOCK), -1);
	for (int i = 0; i < 500; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return true;
		spin(h);
		usleep(10000);
	}
	return false;
}

/* Lines of the log holding text. */
static int
log_count(struct harness *h, const char *text)
{
	FILE *f = fopen(h->log, "r");
	char line[2048];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, text) != NULL)
			n++;
	fclose(f);
	return n;
}

/* 50 connections from an address nobody configured: each refused, one
 * log line for all of them (they come within the 10 s interval). */
START_TEST(test_unconfigured_logged_with_limit)
{
	struct harness h;

	harness_init(&h, conf_base);
	for (int i = 0; i < 50; i++) {
		int fd = connect_from(&h, "127.0.0.99");

		ck_assert_msg(closed_by_daemon(&h, fd), "connection %d kept",
		    i);
		close(fd);
	}
	ck_assert_int_eq(log_count(&h, "no neighbor configured"), 1);
	ck_assert_int_eq(log_count(&h, "from 127.0.0.99 to 127.0.0.1"), 1);
	ck_assert_uint_eq(h.d->npeers, 1);
	harness_free(&h);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("accept");
	TCase *tc = tcase_create("accept");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unconfigured_logged_with_limit);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
