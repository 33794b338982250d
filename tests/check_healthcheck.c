/*
 * evbgp-healthcheck core: option parsing (every option, aliases,
 * abbreviations, the configuration-file form, bad values), the output
 * lines for each state and option combination, the state machine driven
 * by scripted check results, and the loopback address parsing.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "healthcheck.h"

#define ARGV(...)	((char *const[]){ "evbgp-healthcheck", __VA_ARGS__ })
#define NARGS(...)	((int)(sizeof((char *[]){ "x", __VA_ARGS__ }) / \
			    sizeof(char *)))

/* Parse a NULL-free argv list; returns hc_parse_args' result. */
static int
parse(struct hc_opts *o, int argc, char *const argv[], char *err)
{
	hc_opts_init(o);
	return hc_parse_args(o, argc, argv, err, 256);
}

#define PARSE_OK(o, ...) do {						\
	char err_[256] = "";						\
	ck_assert_msg(parse((o), NARGS(__VA_ARGS__), ARGV(__VA_ARGS__),	\
	    err_) == 0, "%s", err_);					\
} while (0)

START_TEST(test_defaults)
{
	struct hc_opts o;

	hc_opts_init(&o);
	ck_assert_ptr_null(o.cmd);
	ck_assert(o.interval == 5 && o.fast_interval == 1 && o.timeout == 5);
	ck_assert_int_eq(o.rise, 3);
	ck_assert_int_eq(o.fall, 3);
	ck_assert_ptr_null(o.disable);
	ck_assert_uint_eq(o.ips.n, 0);
	ck_assert(!o.deaggregate && o.ip_setup && !o.dynamic_ip_setup);
	ck_assert_ptr_null(o.label);
	ck_assert_int_eq(o.start_ip, 0);
	ck_assert_ptr_null(o.next_hop);
	ck_assert_int_eq(o.local_pref, -1);
	ck_assert_int_eq(o.up_metric, 100);
	ck_assert_int_eq(o.down_metric, 1000);
	ck_assert_int_eq(o.disabled_metric, 500);
	ck_assert_int_eq(o.increase, 1);
	ck_assert(!o.withdraw_on_down && !o.bare && !o.debounce);
	ck_assert_uint_eq(o.path_id, 0);
	ck_assert_uint_eq(o.neighbors.n, 0);
	ck_assert(!o.no_ack && !o.sudo && !o.debug && !o.silent);
	ck_assert(!o.no_syslog && !o.help);
	ck_assert_str_eq(o.syslog_facility, "daemon");
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_every_option)
{
	struct hc_opts o;

	PARSE_OK(&o, "--cmd", "true", "--interval", "2.5", "--fast-interval",
	    "0.5", "--timeout", "7", "--rise", "4", "--fall", "6", "--disable",
	    "/tmp/off", "--ip", "10.0.0.1/32", "--ip", "2001:db8::/126",
	    "--deaggregate-networks", "--no-ip-setup", "--dynamic-ip-setup",
	    "--label", "web", "--start-ip", "1", "--next-hop", "192.0.2.9",
	    "--local-preference", "200", "--up-metric", "10", "--down-metric",
	    "20", "--disabled-metric", "30", "--increase", "5", "--community",
	    "65000:1", "--disabled-community", "65000:2",
	    "--extended-community", "target:65000:1", "--large-community",
	    "65000:1:2", "--as-path", "65001", "--up-as-path", "65002",
	    "--down-as-path", "65003", "--disabled-as-path", "65004",
	    "--withdraw-on-down", "--path-id", "7", "--neighbor", "192.0.2.1",
	    "--neighbor", "2001:DB8::1", "--execute", "e1", "--execute", "e2",
	    "--up-execute", "u", "--down-execute", "d", "--disabled-execute",
	    "x", "--no-ack", "--name", "svc", "--pid", "/tmp/p", "--user",
	    "nobody", "--group", "nogroup", "--debug", "--silent",
	    "--syslog-facility", "local3", "--no-syslog", "--sudo",
	    "--debounce", "--bare-commands");
	ck_assert_str_eq(o.cmd, "true");
	ck_assert(o.interval == 2.5 && o.fast_interval == 0.5 &&
	    o.timeout == 7);
	ck_assert_int_eq(o.rise, 4);
	ck_assert_int_eq(o.fall, 6);
	ck_assert_str_eq(o.disable, "/tmp/off");
	ck_assert_uint_eq(o.ips.n, 2);
	ck_assert(o.deaggregate && !o.ip_setup && o.dynamic_ip_setup);
	ck_assert_str_eq(o.label, "web");
	ck_assert_int_eq(o.start_ip, 1);
	ck_assert_str_eq(o.next_hop, "192.0.2.9");
	ck_assert_int_eq(o.local_pref, 200);
	ck_assert_int_eq(o.up_metric, 10);
	ck_assert_int_eq(o.down_metric, 20);
	ck_assert_int_eq(o.disabled_metric, 30);
	ck_assert_int_eq(o.increase, 5);
	ck_assert_str_eq(o.community, "65000:1");
	ck_assert_str_eq(o.disabled_community, "65000:2");
	ck_assert_str_eq(o.ext_community, "target:65000:1");
	ck_assert_str_eq(o.large_community, "65000:1:2");
	ck_assert_str_eq(o.as_path, "65001");
	ck_assert_str_eq(o.up_as_path, "65002");
	ck_assert_str_eq(o.down_as_path, "65003");
	ck_assert_str_eq(o.disabled_as_path, "65004");
	ck_assert(o.withdraw_on_down);
	ck_assert_uint_eq(o.path_id, 7);
	ck_assert_uint_eq(o.neighbors.n, 2);
	ck_assert_str_eq(o.neighbors.v[1], "2001:db8::1");	/* canonical */
	ck_assert_uint_eq(o.execute.n, 2);
	ck_assert_str_eq(o.execute.v[1], "e2");
	ck_assert_str_eq(o.up_execute.v[0], "u");
	ck_assert_str_eq(o.down_execute.v[0], "d");
	ck_assert_str_eq(o.disabled_execute.v[0], "x");
	ck_assert(o.no_ack && o.debug && o.silent && o.no_syslog && o.sudo);
	ck_assert(o.debounce && o.bare);
	ck_assert_str_eq(o.name, "svc");
	ck_assert_str_eq(o.pidfile, "/tmp/p");
	ck_assert_str_eq(o.user, "nobody");
	ck_assert_str_eq(o.group, "nogroup");
	ck_assert_str_eq(o.syslog_facility, "local3");
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_aliases)
{
	struct hc_opts o;

	PARSE_OK(&o, "-c", "a", "-i", "3", "-f", "2", "-t", "9", "-N",
	    "::1", "-a", "-n", "nm", "-F", "/nonexistent", "-p", "pf", "-d",
	    "-s", "-sF", "local1");
	ck_assert_str_eq(o.cmd, "a");
	ck_assert(o.interval == 3 && o.fast_interval == 2 && o.timeout == 9);
	ck_assert_str_eq(o.next_hop, "::1");
	ck_assert(o.no_ack && o.debug && o.silent);
	ck_assert_str_eq(o.name, "nm");
	ck_assert_str_eq(o.config, "/nonexistent");
	ck_assert_str_eq(o.pidfile, "pf");
	ck_assert_str_eq(o.syslog_facility, "local1");
	hc_opts_free(&o);

	PARSE_OK(&o, "--command", "b");
	ck_assert_str_eq(o.cmd, "b");
	hc_opts_free(&o);
	/* The last one wins, as with argparse. */
	PARSE_OK(&o, "--cmd", "b", "--command", "c", "-cd");
	ck_assert_str_eq(o.cmd, "d");
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_argument_forms)
{
	struct hc_opts o;

	/* --opt=value, attached short values, clustered flags. */
	PARSE_OK(&o, "--interval=0", "-i0.25", "-ad", "--ip=10.1.0.0/16");
	ck_assert(o.interval == 0.25);
	ck_assert(o.no_ack && o.debug);
	ck_assert_uint_eq(o.ips.n, 1);
	hc_opts_free(&o);
	/* Unique prefixes of long options (argparse allow_abbrev). */
	PARSE_OK(&o, "--int", "9", "--withdraw", "--no-ip", "--fast", "3");
	ck_assert(o.interval == 9 && o.withdraw_on_down && !o.ip_setup);
	ck_assert(o.fast_interval == 3);
	hc_opts_free(&o);
	/* --syslog-facility's value is optional (default "daemon"). */
	PARSE_OK(&o, "--syslog-facility", "--debug");
	ck_assert_str_eq(o.syslog_facility, "daemon");
	ck_assert(o.debug);
	hc_opts_free(&o);
	PARSE_OK(&o, "-sF");
	ck_assert_str_eq(o.syslog_facility, "daemon");
	ck_assert(!o.silent);
	hc_opts_free(&o);
	/* Negative numbers are values, not options. */
	PARSE_OK(&o, "--start-ip", "-1", "--increase", "-2",
	    "--local-preference", "-1");
	ck_assert_int_eq(o.start_ip, -1);
	ck_assert_int_eq(o.increase, -2);
	hc_opts_free(&o);
	/* Values may look like options when required. */
	PARSE_OK(&o, "--cmd", "-x");
	ck_assert_str_eq(o.cmd, "-x");
	hc_opts_free(&o);
	PARSE_OK(&o, "--help");
	ck_assert(o.help);
	hc_opts_free(&o);
	PARSE_OK(&o, "-h");
	ck_assert(o.help);
	hc_opts_free(&o);
}
END_TEST

struct bad_vec {
	const char	*args[3];
	const char	*msg;
};

static const struct bad_vec bad_vecs[] = {
	{ { "--interval", "x" }, "argument --interval: invalid value 'x'" },
	{ { "--interval", "-1" }, "argument --interval: invalid value '-1'" },
	{ { "--interval", "nan" }, "argument --interval: invalid value" },
	{ { "--fast-interval", "" }, "argument --fast-interval: invalid" },
	{ { "--timeout", "1s" }, "argument --timeout: invalid value '1s'" },
	{ { "--rise", "1.5" }, "argument --rise: invalid value '1.5'" },
	{ { "--fall", "-3" }, "argument --fall: invalid value '-3'" },
	{ { "--up-metric", "4294967296" }, "argument --up-metric: invalid" },
	{ { "--down-metric", "-1" }, "argument --down-metric: invalid" },
	{ { "--disabled-metric", "ten" }, "argument --disabled-metric" },
	{ { "--increase", "x" }, "argument --increase: invalid" },
	{ { "--local-preference", "-2" }, "argument --local-preference" },
	{ { "--path-id", "-1" }, "argument --path-id: invalid value" },
	{ { "--start-ip", "a" }, "argument --start-ip: invalid" },
	{ { "--ip", "10.0.0.1/24" }, "argument --ip: invalid network" },
	{ { "--ip", "10.0.0.0/33" }, "argument --ip: invalid network" },
	{ { "--ip", "host.example" }, "argument --ip: invalid network" },
	{ { "--ip", "2001:db8::1/64" }, "argument --ip: invalid network" },
	{ { "--next-hop", "self" }, "argument --next-hop: invalid IP address" },
	{ { "--neighbor", "10.0.0.0/8" }, "argument --neighbor: invalid IP" },
	{ { "--label", "muchtoolonglabel" }, "argument --label: invalid label" },
	{ { "--label", "a b" }, "argument --label: invalid label" },
	{ { "--syslog-facility", "nope" }, "unknown syslog facility 'nope'" },
	{ { "--cmd" }, "argument --command: expected one argument" },
	{ { "-i" }, "argument --interval: expected one argument" },
	{ { "--bogus" }, "unrecognized argument: --bogus" },
	{ { "-z" }, "unrecognized argument: -z" },
	{ { "stray" }, "unrecognized argument: stray" },
	{ { "--co", "x" }, "ambiguous option: --co" },
	{ { "--debug=yes" }, "argument --debug: ignored explicit argument" },
	/* found by fuzz_healthcheck: a value printed into an API line */
	{ { "--community", "65000:1 ]\nannounce route 0.0.0.0/0 next-hop "
	    "self community [ 65000:2" }, "argument --community: control "
	    "characters are not allowed" },
	{ { "--as-path", "65000\r" }, "argument --as-path: control" },
	{ { "--large-community", "1:2:3\t" }, "argument --large-community:" },
};

START_TEST(test_bad_values)
{
	const struct bad_vec *v = &bad_vecs[_i];
	char *argv[4] = { "evbgp-healthcheck" };
	char err[256] = "";
	struct hc_opts o;
	int argc = 1;

	while (argc < 4 && v->args[argc - 1] != NULL) {
		argv[argc] = (char *)v->args[argc - 1];
		argc++;
	}
	ck_assert_int_eq(parse(&o, argc, argv, err), -1);
	ck_assert_msg(strstr(err, v->msg) != NULL, "'%s' lacks '%s'", err,
	    v->msg);
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_networks)
{
	static const struct {
		const char	*in;
		const char	*out;
	} ok[] = {
		{ "10.0.0.1", "10.0.0.1/32" },
		{ "10.0.0.0/24", "10.0.0.0/24" },
		{ "10.0.0.0/255.255.255.0", "10.0.0.0/24" },
		{ "2001:db8::1", "2001:db8::1/128" },
		{ "2001:DB8:0::/48", "2001:db8::/48" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
	};
	static const char *bad[] = { "10.0.0.1/31", "10.0.0.0/255.0.255.0",
	    "10.0.0.0/", "/24", "", "10.0.0.0/24/1", "2001:db8::/129" };
	char buf[PREFIX_STRLEN];
	struct prefix p;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(hc_parse_network(ok[i].in, &p) == 0, "%s",
		    ok[i].in);
		ck_assert_str_eq(prefix_fmt(&p, buf), ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(hc_parse_network(bad[i], &p) == -1, "%s",
		    bad[i]);
}
END_TEST

START_TEST(test_config_args)
{
	struct hc_strv a = { NULL, 0 };

	hc_config_args("# a comment\n"
	    "debug\n"
	    "  name = haproxy  \n"
	    "\n"
	    "interval=10\n"
	    "command = curl -sf http://127.0.0.1/x?a=b\n"
	    "   # indented comment\n"
	    "ip = 10.0.0.1/32\n", &a);
	ck_assert_uint_eq(a.n, 9);
	ck_assert_str_eq(a.v[0], "--debug");
	ck_assert_str_eq(a.v[1], "--name");
	ck_assert_str_eq(a.v[2], "haproxy");
	ck_assert_str_eq(a.v[3], "--interval");
	ck_assert_str_eq(a.v[4], "10");
	ck_assert_str_eq(a.v[5], "--command");
	ck_assert_str_eq(a.v[6], "curl -sf http://127.0.0.1/x?a=b");
	ck_assert_str_eq(a.v[7], "--ip");
	ck_assert_str_eq(a.v[8], "10.0.0.1/32");
	hc_strv_free(&a);
}
END_TEST

START_TEST(test_config_file)
{
	char path[] = "/tmp/check_healthcheck.XXXXXX";
	static const char text[] = "interval = 10\nip = 10.0.0.1/32\n"
	    "withdraw-on-down\nname = fromfile\nrise = 2\n";
	char err[256] = "";
	struct hc_opts o;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
	    (ssize_t)sizeof(text) - 1);
	close(fd);
	hc_opts_init(&o);
	/* The command line comes after the file: it wins, and appends. */
	ck_assert_int_eq(hc_parse_command_line(&o, 7, ARGV("--config", path,
	    "--rise", "5", "--ip", "10.0.0.2"), err, sizeof(err)), 0);
	ck_assert(o.interval == 10 && o.withdraw_on_down);
	ck_assert_str_eq(o.name, "fromfile");
	ck_assert_int_eq(o.rise, 5);
	ck_assert_uint_eq(o.ips.n, 2);
	hc_opts_free(&o);

	/* A bad value in the file is reported like one on the command line. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "fall = many\n", 12), 12);
	close(fd);
	hc_opts_init(&o);
	ck_assert_int_eq(hc_parse_command_line(&o, 3, ARGV("-F", path), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "argument --fall: invalid value"));
	hc_opts_free(&o);
	unlink(path);

	hc_opts_init(&o);
	ck_assert_int_eq(hc_parse_command_line(&o, 3, ARGV("-F", path), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "can't open"));
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_usage_documents_every_option)
{
	const char *u = hc_usage(), *n;
	size_t i;

	for (i = 0; (n = hc_option_name(i)) != NULL; i++)
		ck_assert_msg(strstr(u, n) != NULL, "--help lacks %s", n);
	ck_assert_uint_gt(i, 60);
	ck_assert_ptr_nonnull(strstr(u, "EXIT STATUS"));
	ck_assert_ptr_nonnull(strstr(u, "EXAMPLES"));
	ck_assert_ptr_nonnull(strstr(u, "(default 5)"));
}
END_TEST

START_TEST(test_manual_documents_every_option)
{
	FILE *f = fopen(EVBGP_SOURCE_DIR "/docs/evbgp-healthcheck.md", "r");
	static char doc[65536];
	const char *n;
	size_t len, i;

	ck_assert_ptr_nonnull(f);
	len = fread(doc, 1, sizeof(doc) - 1, f);
	doc[len] = '\0';
	fclose(f);
	for (i = 0; (n = hc_option_name(i)) != NULL; i++) {
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "`%s", n);
		ck_assert_msg(strstr(doc, quoted) != NULL, "manual lacks %s", n);
	}
}
END_TEST

/* ---------------------------------------------------------------- output */

struct fmt_vec {
	const char	*args[16];
	enum hc_state	 state;
	size_t		 index;
	const char	*line;
};

#define IP1	"--ip", "10.0.0.1/32"

static const struct fmt_vec fmt_vecs[] = {
	{ { IP1 }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100" },
	{ { IP1 }, HC_DOWN, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1000" },
	{ { IP1 }, HC_DISABLED, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 500" },
	{ { IP1 }, HC_EXIT, 0,
	  "neighbor * withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1 }, HC_UP, 2,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 102" },
	{ { IP1, "--increase", "10" }, HC_DOWN, 3,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1030" },
	{ { IP1, "--bare-commands" }, HC_UP, 0,
	  "announce route 10.0.0.1/32 next-hop self med 100" },
	{ { IP1, "--bare-commands" }, HC_EXIT, 0,
	  "withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1, "--withdraw-on-down" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100" },
	{ { IP1, "--withdraw-on-down" }, HC_DOWN, 0,
	  "neighbor * withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1, "--withdraw-on-down" }, HC_DISABLED, 0,
	  "neighbor * withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1, "--neighbor", "192.0.2.1", "--neighbor", "192.0.2.2" },
	  HC_UP, 0, "neighbor 192.0.2.1, neighbor 192.0.2.2 announce route "
	  "10.0.0.1/32 next-hop self med 100" },
	{ { IP1, "--neighbor", "192.0.2.1", "--bare-commands" }, HC_EXIT, 0,
	  "neighbor 192.0.2.1 withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1, "-N", "192.0.2.9", "--local-preference", "0" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop 192.0.2.9 med 100 "
	  "local-preference 0" },
	{ { IP1, "--community", "65000:1 65000:2" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "community [ 65000:1 65000:2 ]" },
	{ { IP1, "--community", "65000:1", "--disabled-community",
	    "65000:666" }, HC_DOWN, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1000 "
	  "community [ 65000:666 ]" },
	{ { IP1, "--community", "65000:1", "--disabled-community",
	    "65000:666" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "community [ 65000:1 ]" },
	{ { IP1, "--disabled-community", "no-export" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100" },
	{ { IP1, "--disabled-community", "no-export" }, HC_DISABLED, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 500 "
	  "community [ no-export ]" },
	{ { IP1, "--extended-community", "target:65000:1",
	    "--large-community", "65000:1:2" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "extended-community [ target:65000:1 ] large-community "
	  "[ 65000:1:2 ]" },
	{ { IP1, "--as-path", "65001 65002" }, HC_DOWN, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1000 "
	  "as-path [ 65001 65002 ]" },
	{ { IP1, "--as-path", "1", "--up-as-path", "2", "--down-as-path",
	    "3", "--disabled-as-path", "4" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "as-path [ 2 ]" },
	{ { IP1, "--as-path", "1", "--up-as-path", "2", "--down-as-path",
	    "3", "--disabled-as-path", "4" }, HC_DOWN, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1000 "
	  "as-path [ 3 ]" },
	{ { IP1, "--as-path", "1", "--up-as-path", "2", "--down-as-path",
	    "3", "--disabled-as-path", "4" }, HC_DISABLED, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 500 "
	  "as-path [ 4 ]" },
	{ { IP1, "--as-path", "1", "--up-as-path", "2" }, HC_DOWN, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 1000 "
	  "as-path [ 1 ]" },
	{ { IP1, "--as-path", "1" }, HC_EXIT, 0,
	  "neighbor * withdraw route 10.0.0.1/32 next-hop self" },
	{ { IP1, "--path-id", "7" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "path-information 7" },
	{ { IP1, "--path-id", "7" }, HC_EXIT, 0,
	  "neighbor * withdraw route 10.0.0.1/32 next-hop self "
	  "path-information 7" },
	{ { IP1, "--path-id", "0" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100" },
	{ { IP1, "--up-metric", "0", "--local-preference", "-1" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 0" },
	{ { "--ip", "2001:db8::1", "-N", "2001:db8::ffff" }, HC_UP, 0,
	  "neighbor * announce route 2001:db8::1/128 next-hop 2001:db8::ffff "
	  "med 100" },
	{ { IP1, "--local-preference", "300", "--community", "1:1",
	    "--extended-community", "target:1:1", "--large-community", "1:1:1",
	    "--as-path", "65010", "--path-id", "9" }, HC_UP, 0,
	  "neighbor * announce route 10.0.0.1/32 next-hop self med 100 "
	  "local-preference 300 community [ 1:1 ] extended-community "
	  "[ target:1:1 ] large-community [ 1:1:1 ] as-path [ 65010 ] "
	  "path-information 9" },
};

START_TEST(test_format)
{
	const struct fmt_vec *v = &fmt_vecs[_i];
	char *argv[18] = { "evbgp-healthcheck" };
	char err[256] = "";
	struct hc_opts o;
	struct sbuf b;
	int argc = 1;

	while (argc < 17 && v->args[argc - 1] != NULL) {
		argv[argc] = (char *)v->args[argc - 1];
		argc++;
	}
	ck_assert_msg(parse(&o, argc, argv, err) == 0, "%s", err);
	sbuf_init(&b);
	hc_format_line(&o, v->state, &o.ips.v[0], v->index, &b);
	ck_assert_str_eq(b.p, v->line);
	sbuf_free(&b);
	hc_opts_free(&o);
}
END_TEST

/* ---------------------------------------------------------------- FSM */

/*
 * A script: one character per iteration: '+' check ok, '-' check failed,
 * 'D' disable file present. Expected: the state after each iteration,
 * one letter (I nit, d isabled, R ising, F alling, U p, D own), and which
 * iterations triggered ('*') and printed ('p').
 */
struct fsm_vec {
	long		 rise;
	long		 fall;
	bool		 debounce;
	const char	*script;
	const char	*states;
	const char	*triggers;
	const char	*prints;
};

static const struct fsm_vec fsm_vecs[] = {
	/* rise/fall 3: counting, then holding. */
	{ 3, 3, false, "++++", "RRUU", "*.*.", "..pp" },
	{ 3, 3, false, "----", "FFDD", "*.*.", "..pp" },
	/* A failure while rising restarts the count (FALLING, 1). */
	{ 3, 3, false, "++-++++", "RRFRRUU", "*.**.*.", ".....pp" },
	{ 3, 3, false, "--+--", "FFRFF", "*.**.", "....." },
	/* UP -> FALLING -> back to RISING on success. */
	{ 2, 2, false, "++-+", "RUFR", "****", ".p.." },
	{ 2, 2, false, "++--", "RUFD", "****", ".p.p" },
	{ 2, 2, false, "--++", "FDRU", "****", ".p.p" },
	/* rise/fall 1 (and 0): straight to UP/DOWN. */
	{ 1, 1, false, "+-+-", "UDUD", "****", "pppp" },
	{ 0, 0, false, "+--+", "UDDU", "**.*", "pppp" },
	{ 1, 3, false, "+---+", "UFFDU", "**.**", "p..pp" },
	/*
	 * Disable file: from any state; the check is not run. Once the file
	 * is gone the next iteration only goes to INIT (result unused).
	 */
	{ 3, 3, false, "DDD", "ddd", "*..", "ppp" },
	{ 2, 2, false, "++D-", "RUdI", "****", ".pp." },
	{ 2, 2, false, "++D++", "RUdIR", "*****", ".pp.." },
	{ 1, 1, false, "-DD+", "DddI", "**.*", "ppp." },
	{ 1, 1, false, "-DD++", "DddIU", "**.**", "ppp.p" },
	/* Debounce: print only on a change of printed state. */
	{ 1, 1, true, "+++-+-", "UUUDUD", "*..***", "p..ppp" },
	{ 2, 2, true, "++++-+", "RUUUFR", "**..**", ".p...." },
	/* UP -> FALLING -> UP again: the printed state did not change. */
	{ 2, 2, true, "++-++", "RUFRU", "*****", ".p..." },
	{ 1, 1, true, "DD+-", "ddID", "*.**", "p..p" },
};

static char
state_letter(enum hc_state st)
{
	static const char letters[HC_STATE_MAX] = {
		[HC_INIT] = 'I', [HC_DISABLED] = 'd', [HC_RISING] = 'R',
		[HC_FALLING] = 'F', [HC_UP] = 'U', [HC_DOWN] = 'D',
		[HC_EXIT] = 'X', [HC_END] = 'E',
	};

	return letters[st];
}

START_TEST(test_fsm_scripts)
{
	const struct fsm_vec *v = &fsm_vecs[_i];
	char states[32], trig[32], prints[32];
	struct hc_machine m;
	struct hc_tick t;
	struct hc_opts o;
	size_t i, n = strlen(v->script);

	hc_opts_init(&o);
	o.rise = v->rise;
	o.fall = v->fall;
	o.debounce = v->debounce;
	hc_machine_init(&m);
	for (i = 0; i < n; i++) {
		char c = v->script[i];

		hc_machine_tick(&m, &o, c == '+', c == 'D', &t);
		states[i] = state_letter(m.fsm.state);
		trig[i] = t.triggered ? '*' : '.';
		prints[i] = t.announce ? 'p' : '.';
		ck_assert(!t.end);
	}
	states[n] = trig[n] = prints[n] = '\0';
	ck_assert_msg(strcmp(states, v->states) == 0, "%s: states %s, want "
	    "%s", v->script, states, v->states);
	ck_assert_msg(strcmp(trig, v->triggers) == 0, "%s: triggers %s, "
	    "want %s", v->script, trig, v->triggers);
	ck_assert_msg(strcmp(prints, v->prints) == 0, "%s: prints %s, want "
	    "%s", v->script, prints, v->prints);
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_fsm_counts)
{
	struct hc_fsm f = { HC_INIT, 0 };

	ck_assert(hc_fsm_step(&f, true, false, 5, 5));
	ck_assert_int_eq(f.checks, 1);
	ck_assert(!hc_fsm_step(&f, true, false, 5, 5));
	ck_assert(!hc_fsm_step(&f, true, false, 5, 5));
	ck_assert(!hc_fsm_step(&f, true, false, 5, 5));
	ck_assert_int_eq(f.checks, 4);
	ck_assert_int_eq(f.state, HC_RISING);
	ck_assert(hc_fsm_step(&f, true, false, 5, 5));
	ck_assert_int_eq(f.state, HC_UP);
	/* EXIT and END are final: nothing moves them. */
	f.state = HC_EXIT;
	ck_assert(!hc_fsm_step(&f, false, false, 1, 1));
	ck_assert(!hc_fsm_step(&f, true, true, 1, 1));
	ck_assert_int_eq(f.state, HC_EXIT);
}
END_TEST

START_TEST(test_sleep_and_end)
{
	struct hc_machine m;
	struct hc_tick t;
	struct hc_opts o;

	hc_opts_init(&o);
	o.interval = 7;
	o.fast_interval = 0.5;
	o.rise = 2;
	hc_machine_init(&m);
	hc_machine_tick(&m, &o, true, false, &t);	/* RISING: fast */
	ck_assert(t.sleep == 0.5 && !t.end);
	hc_machine_tick(&m, &o, true, false, &t);	/* UP: interval */
	ck_assert(t.sleep == 7 && !t.end && t.announce);

	/* Interval 0: rising/falling still loop (fast), a settled state ends. */
	o.interval = 0;
	hc_machine_init(&m);
	hc_machine_tick(&m, &o, true, false, &t);
	ck_assert(!t.end && t.sleep == 0.5);
	hc_machine_tick(&m, &o, true, false, &t);
	ck_assert(t.end && t.announce);
	ck_assert_int_eq(m.fsm.state, HC_UP);
	/* Disabled also settles; DISABLED -> INIT ends without printing. */
	hc_machine_init(&m);
	hc_machine_tick(&m, &o, true, true, &t);
	ck_assert(t.end && t.announce);
	m.fsm.state = HC_DISABLED;
	hc_machine_tick(&m, &o, true, false, &t);
	ck_assert(t.end && !t.announce);
	ck_assert_int_eq(m.fsm.state, HC_INIT);
	hc_opts_free(&o);
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(hc_state_name(HC_INIT), "INIT");
	ck_assert_str_eq(hc_state_name(HC_DISABLED), "DISABLED");
	ck_assert_str_eq(hc_state_name(HC_RISING), "RISING");
	ck_assert_str_eq(hc_state_name(HC_FALLING), "FALLING");
	ck_assert_str_eq(hc_state_name(HC_UP), "UP");
	ck_assert_str_eq(hc_state_name(HC_DOWN), "DOWN");
	ck_assert_str_eq(hc_state_name(HC_EXIT), "EXIT");
	ck_assert_str_eq(hc_state_name(HC_END), "END");
	ck_assert(hc_state_announces(HC_UP) && hc_state_announces(HC_DOWN));
	ck_assert(hc_state_announces(HC_DISABLED));
	ck_assert(!hc_state_announces(HC_INIT) &&
	    !hc_state_announces(HC_RISING) && !hc_state_announces(HC_FALLING));
}
END_TEST

/* ---------------------------------------------------------------- addresses */

static const char lo_text[] =
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever "
    "preferred_lft forever\n"
    "1: lo    inet 10.9.9.9/32 scope global lo:web1\\       valid_lft "
    "forever preferred_lft forever\n"
    "1: lo    inet 10.9.9.10/32 scope global lo:db\\       valid_lft "
    "forever preferred_lft forever\n"
    "1: lo    inet 10.9.8.1/24 scope global lo\\       valid_lft forever "
    "preferred_lft forever\n"
    "1: lo    inet 10.7.0.0/24 scope global lo:web2\\       valid_lft "
    "forever preferred_lft forever\n"
    "1: lo    inet6 2001:db8::5/128 scope global \\       valid_lft "
    "forever preferred_lft forever\n"
    "1: lo    inet6 ::1/128 scope host \\       valid_lft forever "
    "preferred_lft forever\n";

static char *
pfxv_str(const struct hc_pfxv *v)
{
	static char out[512];
	char buf[PREFIX_STRLEN];
	size_t i;

	out[0] = '\0';
	for (i = 0; i < v->n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, prefix_fmt(&v->v[i], buf));
	}
	return out;
}

START_TEST(test_loopback_parse)
{
	struct hc_pfxv v = { NULL, 0 };
	char label[32];
	struct prefix p;

	ck_assert_int_eq(hc_parse_ip_line("1: lo    inet 10.9.9.9/32 scope "
	    "global lo:web1\\       valid_lft forever", &p, label,
	    sizeof(label)), 0);
	ck_assert_str_eq(label, "web1");
	ck_assert_int_eq(hc_parse_ip_line("1: lo    inet6 ::1/128 scope host",
	    &p, label, sizeof(label)), 0);
	ck_assert(hc_is_loopback(&p));
	ck_assert_str_eq(label, "");
	ck_assert_int_eq(hc_parse_ip_line("garbage", &p, label,
	    sizeof(label)), -1);

	hc_loopback_ips(lo_text, NULL, &v);
	ck_assert_str_eq(pfxv_str(&v),
	    "10.9.9.9/32 10.9.9.10/32 10.7.0.0/24 2001:db8::5/128");
	hc_pfxv_free(&v);
	hc_loopback_ips(lo_text, "web", &v);
	ck_assert_str_eq(pfxv_str(&v), "10.9.9.9/32 10.7.0.0/24");
	hc_pfxv_free(&v);
	hc_loopback_ips(lo_text, "nothing", &v);
	ck_assert_uint_eq(v.n, 0);
	hc_pfxv_free(&v);
}
END_TEST

START_TEST(test_expand_rotate)
{
	struct hc_pfxv in = { NULL, 0 }, out = { NULL, 0 };
	char err[128];
	struct prefix p;

	hc_parse_network("10.0.0.0/30", &p);
	hc_pfxv_add(&in, &p);
	hc_parse_network("10.0.1.255/32", &p);
	hc_pfxv_add(&in, &p);
	hc_parse_network("2001:db8::fffe/127", &p);
	hc_pfxv_add(&in, &p);
	ck_assert_int_eq(hc_expand_hosts(&in, &out, err, sizeof(err)), 0);
	ck_assert_str_eq(pfxv_str(&out), "10.0.0.0/32 10.0.0.1/32 "
	    "10.0.0.2/32 10.0.0.3/32 10.0.1.255/32 2001:db8::fffe/128 "
	    "2001:db8::ffff/128");
	hc_rotate(&out, 2);
	ck_assert_str_eq(pfxv_str(&out), "10.0.0.2/32 10.0.0.3/32 "
	    "10.0.1.255/32 2001:db8::fffe/128 2001:db8::ffff/128 "
	    "10.0.0.0/32 10.0.0.1/32");
	hc_rotate(&out, -2);
	hc_rotate(&out, 7 * 3);		/* whole turns: unchanged */
	ck_assert_str_eq(pfxv_str(&out), "10.0.0.0/32 10.0.0.1/32 "
	    "10.0.0.2/32 10.0.0.3/32 10.0.1.255/32 2001:db8::fffe/128 "
	    "2001:db8::ffff/128");
	hc_pfxv_free(&out);
	hc_pfxv_free(&in);

	hc_parse_network("10.0.0.0/15", &p);
	hc_pfxv_add(&in, &p);
	ck_assert_int_eq(hc_expand_hosts(&in, &out, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "10.0.0.0/15 expands to more"));
	hc_pfxv_free(&out);
	hc_pfxv_free(&in);
}
END_TEST

START_TEST(test_facilities)
{
	ck_assert_int_eq(hc_syslog_facility("daemon"), LOG_DAEMON);
	ck_assert_int_eq(hc_syslog_facility("LOCAL7"), LOG_LOCAL7);
	ck_assert_int_eq(hc_syslog_facility("user"), LOG_USER);
	ck_assert_int_eq(hc_syslog_facility("bogus"), -1);
}
END_TEST

static Suite *
healthcheck_suite(void)
{
	Suite *s = suite_create("healthcheck");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_option);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_argument_forms);
	tcase_add_loop_test(tc, test_bad_values, 0,
	    sizeof(bad_vecs) / sizeof(bad_vecs[0]));
	tcase_add_test(tc, test_networks);
	tcase_add_test(tc, test_config_args);
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_usage_documents_every_option);
	tcase_add_test(tc, test_manual_documents_every_option);
	tcase_add_test(tc, test_facilities);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_loop_test(tc, test_format, 0,
	    sizeof(fmt_vecs) / sizeof(fmt_vecs[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("fsm");
	tcase_add_loop_test(tc, test_fsm_scripts, 0,
	    sizeof(fsm_vecs) / sizeof(fsm_vecs[0]));
	tcase_add_test(tc, test_fsm_counts);
	tcase_add_test(tc, test_sleep_and_end);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("addresses");
	tcase_add_test(tc, test_loopback_parse);
	tcase_add_test(tc, test_expand_rotate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(healthcheck_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
