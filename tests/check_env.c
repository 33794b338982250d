/*
 * Environment settings tests: defaults (compat §1.9), both variable
 * spellings, the INI file and its precedence, aliases, invalid values.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "evbgp/config.h"
#include "evbgp/env.h"

static char *
write_ini(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/evbgp-env-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_defaults)
{
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(e.tcp_bind, "");
	ck_assert(!e.tcp_bind_given);
	ck_assert_uint_eq(e.tcp_port, 179);
	ck_assert(!e.tcp_port_from_env);
	ck_assert_uint_eq(e.tcp_connections, 0);
	ck_assert(e.api_ack && e.api_respawn && e.api_cli);
	ck_assert(!e.api_terminate);
	ck_assert_int_eq(e.api_encoder, ENCODER_JSON);
	ck_assert_uint_eq(e.api_version, 4);
	ck_assert_str_eq(e.daemon_pid, "");
	ck_assert_str_eq(e.daemon_user, "nobody");
	ck_assert(e.daemon_drop && !e.daemon_daemonize);
	ck_assert(e.log_enable);
	ck_assert_int_eq(e.log_level, LOG_INFO);
	ck_assert_int_eq(e.log_dest, LOG_DEST_STDOUT);
	ck_assert_uint_eq(e.bgp_openwait, 60);
	ck_assert(!e.bgp_passive && !e.debug_rotate);
	env_free(&e);
}
END_TEST

/* exabgp.api.version 6: main's JSON dialect for JSON helpers. */
START_TEST(test_api_version_6)
{
	char *envp[] = { "exabgp.api.version=6", NULL };
	char *envp_u[] = { "exabgp_api_version=4", NULL };
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, envp, err, sizeof(err)), 0);
	ck_assert_uint_eq(e.api_version, 6);
	env_free(&e);
	ck_assert_int_eq(env_load(&e, NULL, envp_u, err, sizeof(err)), 0);
	ck_assert_uint_eq(e.api_version, 4);
	env_free(&e);
}
END_TEST

/* The variables the conformance kit sets, both spellings. */
START_TEST(test_kit_environment)
{
	char *envp[] = {
		"exabgp_tcp_bind=", "exabgp_tcp_port=1790",
		"exabgp_tcp_connections=1", "exabgp_api_ack=true",
		"exabgp_api_cli=false", "exabgp.daemon.pid=/tmp/x.pid",
		"exabgp_log_enable=false", "exabgp_api_version=4",
		"exabgp_debug_rotate=true", "PATH=/bin", "HOME=/root",
		"exabgp_not_a_setting=1", NULL
	};
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, envp, err, sizeof(err)), 0);
	ck_assert(e.tcp_bind_given);
	ck_assert_str_eq(e.tcp_bind, "");
	ck_assert_uint_eq(e.tcp_port, 1790);
	ck_assert(e.tcp_port_from_env);
	ck_assert_uint_eq(e.tcp_connections, 1);
	ck_assert(e.api_ack && !e.api_cli && !e.log_enable && e.debug_rotate);
	ck_assert_str_eq(e.daemon_pid, "/tmp/x.pid");
	env_free(&e);
}
END_TEST

START_TEST(test_ini_and_precedence)
{
	const char *ini = write_ini(
	    "# comment\n"
	    "[exabgp.tcp]\n"
	    "port = 1179\n"
	    "bind = 127.0.0.1 ::1\n"
	    "\n"
	    "[exabgp.api]\n"
	    "ack = false\n"
	    "encoder = text\n"
	    "[log]\n"
	    "level = DEBUG\n"
	    "destination = /var/log/evbgp.log\n");
	char *envp[] = { "exabgp.api.ack=true", NULL };
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, ini, envp, err, sizeof(err)), 0);
	ck_assert_uint_eq(e.tcp_port, 1179);
	/* from the file: not the outgoing port (compat §1.9) */
	ck_assert(!e.tcp_port_from_env);
	ck_assert_str_eq(e.tcp_bind, "127.0.0.1 ::1");
	/* the environment beats the file */
	ck_assert(e.api_ack);
	ck_assert_int_eq(e.api_encoder, ENCODER_TEXT);
	ck_assert_int_eq(e.log_level, LOG_DEBUG);
	ck_assert_int_eq(e.log_dest, LOG_DEST_FILE);
	ck_assert_str_eq(e.log_file, "/var/log/evbgp.log");
	env_free(&e);
	unlink(ini);
}
END_TEST

START_TEST(test_missing_ini)
{
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, "/nonexistent/exabgp.env", NULL, err,
	    sizeof(err)), 0);
	env_free(&e);
}
END_TEST

START_TEST(test_aliases)
{
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(env_set(&e, "tcp.once", "true", err, sizeof(err)), 0);
	ck_assert_uint_eq(e.tcp_connections, 1);
	ck_assert_int_eq(env_set(&e, "tcp.attempts", "5", err, sizeof(err)),
	    0);
	ck_assert_uint_eq(e.tcp_connections, 5);
	ck_assert_int_eq(env_set(&e, "tcp.connections", "0", err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(e.tcp_connections, 0);
	ck_assert_int_eq(env_set(&e, "tcp.bind", "''", err, sizeof(err)), 0);
	ck_assert_str_eq(e.tcp_bind, "");
	ck_assert(e.tcp_bind_given);
	ck_assert_int_eq(env_set(&e, "tcp.port", "1790", err, sizeof(err)), 0);
	ck_assert(e.tcp_port_from_env);
	/* accepted and ignored: ExaBGP knows them, evbgp has no use */
	ck_assert_int_eq(env_set(&e, "cache.attributes", "false", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(env_set(&e, "log.short", "true", err, sizeof(err)),
	    0);
	env_free(&e);
}
END_TEST

START_TEST(test_levels_and_dest)
{
	static const struct {
		const char	*name;
		int		 level;
	} lv[] = {
		{ "DEBUG", LOG_DEBUG }, { "info", LOG_INFO },
		{ "NOTICE", LOG_NOTICE }, { "WARNING", LOG_WARNING },
		{ "ERR", LOG_ERR }, { "ERROR", LOG_ERR }, { "CRIT", LOG_CRIT },
		{ "EMERG", LOG_EMERG },
	};
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, NULL, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		ck_assert_int_eq(env_set(&e, "log.level", lv[i].name, err,
		    sizeof(err)), 0);
		ck_assert_int_eq(e.log_level, lv[i].level);
	}
	ck_assert_int_eq(env_set(&e, "log.destination", "stderr", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(e.log_dest, LOG_DEST_STDERR);
	ck_assert_int_eq(env_set(&e, "log.destination", "syslog", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(e.log_dest, LOG_DEST_SYSLOG);
	ck_assert_ptr_null(e.log_file);
	env_free(&e);
}
END_TEST

static const struct {
	const char	*var;
	const char	*msg;
} bad_env[] = {
	{ "exabgp_tcp_port=abc", "exabgp_tcp_port: invalid value 'abc' "
	    "(expected a port number from 1 to 65535)" },
	{ "exabgp.tcp.port=0", "exabgp.tcp.port: invalid value '0' (expected "
	    "a port number from 1 to 65535)" },
	{ "exabgp_tcp_port=65536", "exabgp_tcp_port: invalid value '65536' "
	    "(expected a port number from 1 to 65535)" },
	{ "exabgp_api_ack=maybe", "exabgp_api_ack: invalid value 'maybe' "
	    "(expected true or false)" },
	{ "exabgp_api_encoder=xml", "exabgp_api_encoder: invalid value 'xml' "
	    "(expected text or json)" },
	{ "exabgp_api_version=5", "exabgp_api_version: invalid value '5' "
	    "(expected 4 or 6 (6: ExaBGP main's JSON dialect for JSON "
	    "helpers))" },
	{ "exabgp.api.version=60", "exabgp.api.version: invalid value '60' "
	    "(expected 4 or 6 (6: ExaBGP main's JSON dialect for JSON "
	    "helpers))" },
	{ "exabgp.api.compact=true", "exabgp.api.compact: invalid value "
	    "'true' (expected false: evbgpd has no compact JSON form)" },
	{ "exabgp_tcp_delay=5", "exabgp_tcp_delay: invalid value '5' "
	    "(expected 0: evbgpd does not hold announcements back)" },
	{ "exabgp_log_level=LOUD", "exabgp_log_level: invalid value 'LOUD' "
	    "(expected DEBUG, INFO, NOTICE, WARNING, ERR or CRIT)" },
	{ "exabgp_log_destination=host:10.0.0.1", "exabgp_log_destination: "
	    "invalid value 'host:10.0.0.1' (expected stdout, stderr, syslog or "
	    "a file name)" },
	{ "exabgp_tcp_connections=-1", "exabgp_tcp_connections: invalid value "
	    "'-1' (expected a non-negative number)" },
	{ "exabgp_tcp_once=sometimes", "exabgp_tcp_once: invalid value "
	    "'sometimes' (expected true or false)" },
	{ "exabgp_bgp_openwait=x", "exabgp_bgp_openwait: invalid value 'x' "
	    "(expected a non-negative number)" },
};

START_TEST(test_bad_env)
{
	char *envp[] = { (char *)bad_env[_i].var, NULL };
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, envp, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad_env[_i].msg);
	env_free(&e);
}
END_TEST

START_TEST(test_bad_ini)
{
	const char *ini = write_ini("[exabgp.tcp]\nport = 70000\n");
	struct env e;
	char err[256], want[256];

	ck_assert_int_eq(env_load(&e, ini, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: exabgp.tcp.port: invalid value "
	    "'70000' (expected a port number from 1 to 65535)", ini);
	ck_assert_str_eq(err, want);
	env_free(&e);
	unlink(ini);

	ini = write_ini("[exabgp.tcp]\nnonsense\n");
	ck_assert_int_eq(env_load(&e, ini, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: expected '[exabgp.SECTION]' or "
	    "'key = value'", ini);
	ck_assert_str_eq(err, want);
	env_free(&e);
	unlink(ini);

	ini = write_ini("[exabgp.tcp]\nturbo = 1\n");
	ck_assert_int_eq(env_load(&e, ini, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: exabgp.tcp.turbo: unknown "
	    "setting", ini);
	ck_assert_str_eq(err, want);
	env_free(&e);
	unlink(ini);

	/* any byte of the file is shown escaped: the message is one line
	 * (found by fuzz_env) */
	ini = write_ini("[exabgp.tcp]\nt\x0f\x1b[2J = 1\n");
	ck_assert_int_eq(env_load(&e, ini, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: exabgp.tcp.t\\x0f\\x1b[2J: "
	    "unknown setting", ini);
	ck_assert_str_eq(err, want);
	env_free(&e);
	unlink(ini);

	char *envp[] = { "exabgp_tcp_port=1\xff", NULL };

	ck_assert_int_eq(env_load(&e, NULL, envp, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "exabgp_tcp_port: invalid value '1\\xff' "
	    "(expected a port number from 1 to 65535)");
	env_free(&e);

	/* a file name with a newline would print as two lines */
	char *pid[] = { "exabgp.daemon.pid=/run/a\nb.pid", NULL };

	ck_assert_int_eq(env_load(&e, NULL, pid, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "exabgp.daemon.pid: invalid value "
	    "'/run/a\\x0ab.pid' (control characters are not allowed)");
	env_free(&e);
}
END_TEST

START_TEST(test_set_unknown)
{
	struct env e;
	char err[256];

	ck_assert_int_eq(env_load(&e, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(env_set(&e, "tcp.nothing", "1", err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "tcp.nothing: unknown setting");
	env_free(&e);
}
END_TEST

/* Debian's default exabgp.env (the package's /etc/exabgp/exabgp.env):
 * every value is ExaBGP's default or one evbgpd acts on, so it draws no
 * warning; the user is honoured, the umask taken. */
START_TEST(test_debian_env)
{
	struct env e;
	char err[256];
	const char *ini = write_ini(
	    "[exabgp.api]\nack = true\nchunk = 1\ncli = true\n"
	    "compact = false\nencoder = json\npipename = 'exabgp'\n"
	    "respawn = true\nterminate = false\n\n[exabgp.bgp]\n"
	    "openwait = 60\n\n[exabgp.cache]\nattributes = true\n"
	    "nexthops = true\n\n[exabgp.daemon]\ndaemonize = false\n"
	    "drop = true\npid = ''\numask = '0o137'\nuser = 'exabgp'\n\n"
	    "[exabgp.log]\nall = false\nconfiguration = true\n"
	    "daemon = true\ndestination = 'stdout'\nenable = true\n"
	    "level = INFO\nmessage = false\nnetwork = true\n"
	    "packets = false\nparser = false\nprocesses = true\n"
	    "reactor = true\nrib = false\nroutes = false\nshort = false\n"
	    "timers = false\n\n[exabgp.pdb]\nenable = false\n\n"
	    "[exabgp.profile]\nenable = false\nfile = ''\n\n"
	    "[exabgp.reactor]\nspeed = 1.0\n\n[exabgp.tcp]\nacl = false\n"
	    "bind = ''\ndelay = 0\nonce = false\nport = 179\n");

	ck_assert_int_eq(env_load(&e, ini, NULL, err, sizeof(err)), 0);
	unlink(ini);
	ck_assert_uint_eq(e.nignored, 0);
	ck_assert(e.daemon_user_given);
	ck_assert_str_eq(e.daemon_user, "exabgp");
	ck_assert(e.daemon_drop);
	ck_assert_int_eq(e.daemon_umask, 0137);
	ck_assert_str_eq(e.api_pipename, "exabgp");
	env_free(&e);
}
END_TEST

/* A setting ExaBGP would act on and evbgpd does not is named, once per
 * name, the environment's value replacing the file's; values equal to
 * ExaBGP's default (in another spelling) are not. */
START_TEST(test_ignored_named)
{
	struct env e;
	char err[256];
	const char *ini = write_ini("[exabgp.log]\npackets = true\n"
	    "all = FALSE\n[exabgp.reactor]\nspeed = 1\n[exabgp.cache]\n"
	    "attributes = false\n[exabgp.daemon]\ndaemonize = true\n");
	char *envp[] = { "exabgp_cache_attributes=1",
	    "exabgp.cache.nexthops=false", "exabgp_log_packets=yes",
	    "exabgp_reactor_speed=2.5", NULL };

	ck_assert_int_eq(env_load(&e, ini, envp, err, sizeof(err)), 0);
	unlink(ini);
	ck_assert_uint_eq(e.nignored, 4);
	bool packets = false, nexthops = false, daemonize = false;
	for (size_t i = 0; i < e.nignored; i++) {
		if (strncmp(e.ignored[i], "log.packets=yes (exabgp_log_packets)",
		    36) == 0)
			packets = true;
		if (strncmp(e.ignored[i], "cache.nexthops=false", 20) == 0)
			nexthops = true;
		if (strncmp(e.ignored[i], "daemon.daemonize=true", 21) == 0)
			daemonize = true;
		ck_assert_ptr_nonnull(strstr(e.ignored[i], "no effect"));
	}
	ck_assert(packets && nexthops && daemonize);
	ck_assert(!e.daemon_user_given);
	ck_assert_int_eq(e.daemon_umask, -1);
	env_free(&e);
}
END_TEST

/* Hostile values for the settings acted on. */
START_TEST(test_user_umask_pipename_bad)
{
	static const char *const bad[] = { "exabgp_daemon_umask=0o1000",
	    "exabgp_daemon_umask=rw", "exabgp_daemon_umask=", 
	    "exabgp_daemon_umask=-1", "exabgp_daemon_user=",
	    "exabgp_daemon_user=a:b", "exabgp_api_pipename=../etc/x",
	    "exabgp_api_pipename=", NULL };
	struct env e;
	char err[256];

	for (size_t i = 0; bad[i] != NULL; i++) {
		char *envp[] = { (char *)bad[i], NULL };

		ck_assert_msg(env_load(&e, NULL, envp, err, sizeof(err)) == -1,
		    "%s accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "invalid value"));
		env_free(&e);
	}
	char *ok[] = { "exabgp_daemon_umask=022", "exabgp.daemon.user=nobody",
	    "exabgp_api_pipename=evbgp", NULL };
	ck_assert_int_eq(env_load(&e, NULL, ok, err, sizeof(err)), 0);
	ck_assert_int_eq(e.daemon_umask, 022);
	ck_assert(e.daemon_user_given);
	ck_assert_str_eq(e.api_pipename, "evbgp");
	env_free(&e);
}
END_TEST

START_TEST(test_print)
{
	char *envp[] = { "exabgp_log_destination=/tmp/log", NULL };
	struct env e;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(env_load(&e, NULL, envp, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	env_print(f, &e);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "exabgp.tcp.bind ''\n"));
	ck_assert_ptr_nonnull(strstr(buf, "exabgp.tcp.port 179\n"));
	ck_assert_ptr_nonnull(strstr(buf, "exabgp.log.destination /tmp/log\n"));
	ck_assert_ptr_nonnull(strstr(buf, "exabgp.log.level INFO\n"));
	free(buf);
	env_free(&e);
}
END_TEST

/* env_print's text of the settings loaded from envp (malloc'd). */
static char *
print_loaded(char *const *envp)
{
	struct env e;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_msg(env_load(&e, NULL, envp, err, sizeof(err)) == 0, "%s",
	    err);
	f = open_memstream(&buf, &len);
	env_print(f, &e);
	fclose(f);
	env_free(&e);
	return buf;
}

/* What --print-env shows loads back, line by line as the variables
 * exabgp.SECTION.KEY=VALUE, to the same settings: the defaults (an unset
 * umask once printed as '', which is refused), and every setting given. */
START_TEST(test_print_loads_back)
{
	char *given[] = { "exabgp_tcp_bind=127.0.0.1 ::1",
	    "exabgp_tcp_port=1790", "exabgp_api_encoder=text",
	    "exabgp_daemon_umask=0o027", "exabgp_daemon_pid=''/run/'x'.pid ''",
	    "exabgp_log_destination= /tmp/log", "exabgp_log_level=DEBUG",
	    "exabgp_bgp_openwait=5", "exabgp_tcp_once=true", NULL };
	char *const *cases[] = { NULL, given };

	for (size_t c = 0; c < 2; c++) {
		char *text = print_loaded(cases[c]), *copy = strdup(text);
		char *vars[64], *line, *save = NULL, *again;
		size_t n = 0;

		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			ck_assert_uint_lt(n, 63);
			ck_assert_ptr_nonnull(strchr(line, ' '));
			*strchr(line, ' ') = '=';
			vars[n++] = line;
		}
		vars[n] = NULL;
		again = print_loaded(vars);
		ck_assert_str_eq(again, text);
		free(again);
		free(copy);
		free(text);
	}
}
END_TEST

static Suite *
env_suite(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_kit_environment);
	tcase_add_test(tc, test_api_version_6);
	tcase_add_test(tc, test_ini_and_precedence);
	tcase_add_test(tc, test_missing_ini);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_levels_and_dest);
	tcase_add_loop_test(tc, test_bad_env, 0,
	    sizeof(bad_env) / sizeof(bad_env[0]));
	tcase_add_test(tc, test_bad_ini);
	tcase_add_test(tc, test_set_unknown);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_print_loads_back);
	tcase_add_test(tc, test_debian_env);
	tcase_add_test(tc, test_ignored_named);
	tcase_add_test(tc, test_user_umask_pipename_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(env_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
