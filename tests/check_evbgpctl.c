/*
 * evbgpctl's core (programs/evbgpctl/core.c): the grammar compiled from
 * the daemon's help lines (what completion offers after given words,
 * which commands take "json"), answer lines, batch summaries, neighbor
 * addresses out of "show neighbor json", and --help's examples, which
 * must parse with the daemon's own parser.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "evbgp/api.h"

static struct ctl_grammar *g;

static void
setup(void)
{
	g = ctl_grammar_new(api_help_lines());
}

static void
teardown(void)
{
	ctl_grammar_free(g);
	g = NULL;
}

/* "a b c" -> what comes next, as "w1 w2 ..." plus flags. */
static char *
next_of(const char *typed, bool *neighbor, bool *value)
{
	struct ctl_next next;
	char **w, *out;
	size_t n = ctl_split_words(typed, &w), len = 1;

	ctl_grammar_next(g, w, n, &next);
	for (size_t i = 0; i < next.n; i++)
		len += strlen(next.words[i]) + 1;
	out = calloc(1, len);
	for (size_t i = 0; i < next.n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, next.words[i]);
	}
	*neighbor = next.neighbor;
	*value = next.value;
	ctl_next_free(&next);
	ctl_words_free(w, n);
	return out;
}

static const struct {
	const char	*typed;
	const char	*next;		/* exactly these words, sorted */
	bool		 neighbor;
	bool		 value;
} completions[] = {
	{ "show", "adj-rib neighbor", false, false },
	{ "show neighbor", "configuration extensive json summary", true,
	    false },
	{ "show neighbor summary", "json", true, false },
	{ "show neighbor extensive 192.0.2.1", "json", false, false },
	{ "show neighbor 192.0.2.1 json", "", false, false },
	{ "show adj-rib", "in out", false, false },
	{ "show adj-rib in", "community count extensive json rd", true, true },
	{ "announce", "attributes eor flow ipv4 ipv6 l2vpn route route-refresh "
	    "vpls watchdog", false, false },
	{ "announce route", "", false, true },
	{ "announce route 10.0.0.0/24", "next-hop", false, false },
	/* a next hop is not a neighbor */
	{ "announce route 10.0.0.0/24 next-hop", "self", false, true },
	{ "announce route 10.0.0.0/24 next-hop 192.0.2.1", "", false, true },
	{ "announce ipv4", "flow flow-vpn mcast-vpn mpls-vpn multicast mup "
	    "nlri-mpls sr-policy unicast", false, false },
	{ "clear adj-rib", "in out", false, false },
	{ "flush adj-rib", "out", false, false },
	{ "teardown", "", false, true },
	{ "teardown 2", "", false, true },
	{ "status", "json", false, false },
	{ "version", "json", false, false },
	{ "reload", "allow-empty", false, false },
	{ "reload allow-empty", "", false, false },
	{ "bogus", "", false, false },
	/* the selector */
	{ "neighbor", "*", true, false },
	/* selector keys, or the command */
	{ "neighbor 192.0.2.1", ", announce clear create delete disable-ack "
	    "enable-ack family-allowed flush help local-as local-ip peer-as ping reload "
	    "reset restart router-id show shutdown silence-ack status teardown "
	    "version withdraw", false, false },
	{ "neighbor 192.0.2.1 local-as", "", false, true },
	{ "neighbor 192.0.2.1 local-as 65000 ,", "neighbor", false, false },
	{ "neighbor 192.0.2.1 , neighbor", "*", true, false },
	{ "neighbor 192.0.2.1 teardown", "", false, true },
	{ "neighbor 192.0.2.1 local-as 65000 show adj-rib out",
	    "community count extensive json rd", true, true },
	{ "show adj-rib out 10.0.0.0/8", "all community count exact "
	    "json longest rd", false, true },
};

START_TEST(test_completion)
{
	bool neighbor, value;
	char *got = next_of(completions[_i].typed, &neighbor, &value);

	ck_assert_msg(strcmp(got, completions[_i].next) == 0,
	    "after '%s': got '%s', expected '%s'", completions[_i].typed, got,
	    completions[_i].next);
	ck_assert_msg(neighbor == completions[_i].neighbor, "after '%s': "
	    "neighbor %d", completions[_i].typed, neighbor);
	ck_assert_msg(value == completions[_i].value, "after '%s': value %d",
	    completions[_i].typed, value);
	free(got);
}
END_TEST

START_TEST(test_first_words)
{
	bool neighbor, value;
	char *got = next_of("", &neighbor, &value);

	/* every command's first word, and the selector */
	ck_assert_str_eq(got, "announce clear create delete disable-ack "
	    "enable-ack flush "
	    "help neighbor ping reload reset restart show shutdown silence-ack "
	    "status teardown version withdraw");
	ck_assert(!neighbor && !value);
	free(got);
}
END_TEST

static const struct {
	const char	*line;
	bool		 json;
} jsons[] = {
	{ "show neighbor", true },
	{ "show neighbor summary 192.0.2.1", true },
	{ "show neighbor json", false },
	{ "show adj-rib out extensive", true },
	{ "neighbor 192.0.2.1 show adj-rib in", true },
	{ "status", true },
	{ "version", true },
	{ "help", true },
	{ "ping", true },
	{ "ping hello", true },
	{ "announce route 10.0.0.0/24 next-hop 192.0.2.1", false },
	{ "withdraw route 10.0.0.0/24", false },
	{ "teardown 2", false },
	{ "reload", false },
	{ "shutdown", false },
	{ "bogus words", false },
};

START_TEST(test_takes_json)
{
	ck_assert_msg(ctl_grammar_takes_json(g, jsons[_i].line) ==
	    jsons[_i].json, "'%s'", jsons[_i].line);
}
END_TEST

/* Unusual forms compile or are left out, never crash. */
START_TEST(test_odd_forms)
{
	static const char *const forms[] = {
		"a [b [c] d]", "x ]", "[ y", "z ...", "w [", "", "   ",
		"k V... [json]", NULL,
	};
	struct ctl_grammar *odd = ctl_grammar_new(forms);

	ck_assert(ctl_grammar_takes_json(odd, "k 1 2 3"));
	ck_assert(!ctl_grammar_takes_json(odd, "a b"));
	ctl_grammar_free(odd);
}
END_TEST

START_TEST(test_line_kinds)
{
	ck_assert_int_eq(ctl_line_kind("done"), CTL_LINE_DONE);
	ck_assert_int_eq(ctl_line_kind("error"), CTL_LINE_ERROR);
	ck_assert_int_eq(ctl_line_kind("error: no neighbor"), CTL_LINE_REASON);
	ck_assert_int_eq(ctl_line_kind("errors"), CTL_LINE_CONTENT);
	ck_assert_int_eq(ctl_line_kind("done "), CTL_LINE_CONTENT);
	ck_assert_int_eq(ctl_line_kind(""), CTL_LINE_CONTENT);
	ck_assert_int_eq(ctl_line_kind("neighbor 192.0.2.1 ipv4 unicast"),
	    CTL_LINE_CONTENT);
}
END_TEST

START_TEST(test_summary)
{
	struct ctl_tally t = { 3, 1, 0 };
	char buf[128];

	ctl_tally_summary(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4 commands: 3 done, 1 error");
	t = (struct ctl_tally){ 1, 0, 0 };
	ctl_tally_summary(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1 command: 1 done, 0 errors");
	t = (struct ctl_tally){ 2, 2, 5 };
	ctl_tally_summary(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "9 commands: 2 done, 2 errors, 5 not answered");
	ctl_tally_summary(&t, buf, 10);
	ck_assert_str_eq(buf, "9 command");
}
END_TEST

START_TEST(test_abbrev)
{
	char buf[8];

	ctl_abbrev("short", buf, sizeof(buf));
	ck_assert_str_eq(buf, "short");
	ctl_abbrev("exactly", buf, sizeof(buf));
	ck_assert_str_eq(buf, "exactly");
	ctl_abbrev("a longer command", buf, sizeof(buf));
	ck_assert_str_eq(buf, "a lo...");
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
}
END_TEST

START_TEST(test_neighbor_addresses)
{
	char **v;
	size_t n;

	ck_assert_int_eq(ctl_neighbor_addresses("[{\"peer-address\":"
	    "\"192.0.2.2\"},{\"peer-address\":\"192.0.2.1\"},{\"peer-address\":"
	    "\"192.0.2.2\"},{\"state\":\"idle\"},{\"peer-address\":7}]", &v,
	    &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "192.0.2.1");
	ck_assert_str_eq(v[1], "192.0.2.2");
	ctl_words_free(v, n);
	ck_assert_int_eq(ctl_neighbor_addresses("[]", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(ctl_neighbor_addresses("{\"a\":1}", &v, &n), -1);
	ck_assert_int_eq(ctl_neighbor_addresses("not json", &v, &n), -1);
	ck_assert_int_eq(ctl_neighbor_addresses("", &v, &n), -1);
}
END_TEST

START_TEST(test_split_words)
{
	char **w;
	size_t n = ctl_split_words("  show\tneighbor   summary  ", &w);

	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(w[0], "show");
	ck_assert_str_eq(w[2], "summary");
	ctl_words_free(w, n);
	ck_assert_uint_eq(ctl_split_words(" \t ", &w), 0);
	ctl_words_free(w, 0);
}
END_TEST

/* Each "evbgpctl ..." example of --help is a command evbgpd parses, and
 * the COMMANDS part of --help is the daemon's grammar. */
START_TEST(test_help_examples_parse)
{
	const char *ex = strstr(ctl_usage_tail, "EXAMPLES\n");
	size_t checked = 0;

	ck_assert_ptr_nonnull(ex);
	for (const char *p = strchr(ex, '\n') + 1; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len), *cmd = line, err[256];
		struct api_command c;

		p += len + (p[len] == '\n');
		cmd += strspn(cmd, " ");
		if (strncmp(cmd, "evbgpctl ", 9) != 0 || strchr(cmd, '<') ||
		    strchr(cmd, '|')) {
			free(line);
			continue;
		}
		cmd += 9;
		while (strncmp(cmd, "--", 2) == 0) {	/* options */
			bool arg = strncmp(cmd, "--socket", 8) == 0 ||
			    strncmp(cmd, "--timeout", 9) == 0;

			cmd += strcspn(cmd, " ") + 1;
			if (arg)
				cmd += strcspn(cmd, " ") + 1;
		}
		ck_assert_msg(api_parse(cmd, &c, err, sizeof(err)) == 0,
		    "--help example '%s': %s", cmd, err);
		ck_assert_int_ne(c.verb, API_COMMENT);
		api_command_free(&c);
		free(line);
		checked++;
	}
	ck_assert_uint_ge(checked, 5);
	/* the head ends where main.c prints the grammar */
	ck_assert(strstr(ctl_usage_head, "COMMANDS") != NULL);
	ck_assert(strstr(ctl_usage_head, "teardown") == NULL);
	ck_assert(strstr(ctl_usage_tail, "teardown IP") == NULL);
}
END_TEST

/* The Adj-RIB-Out totals of show neighbor json, and the progress line
 * (issue 11 point 6). */
START_TEST(test_progress)
{
	static const char two[] = "[{\"peer-address\":\"192.0.2.1\","
	    "\"state\":\"established\",\"adj-rib-out\":{\"routes\":5,"
	    "\"queued\":10,\"sent\":100,\"acknowledged\":90}},"
	    "{\"peer-address\":\"192.0.2.2\",\"state\":\"active\","
	    "\"adj-rib-out\":{\"queued\":7,\"sent\":3,\"acknowledged\":3}},"
	    "{\"peer-address\":\"192.0.2.3\"}]";
	struct ctl_progress p, base = { 0 };
	struct ctl_tally t = { 5, 1, 0 };
	char buf[400];

	ck_assert_int_eq(ctl_progress_parse(two, &p), 0);
	ck_assert_uint_eq(p.neighbors, 2);	/* the third has no table */
	ck_assert_uint_eq(p.established, 1);
	ck_assert_uint_eq(p.queued, 17);
	ck_assert_uint_eq(p.sent, 103);
	ck_assert_uint_eq(p.acked, 93);
	base.sent = 50;
	base.acked = 50;
	ctl_progress_line(&t, &base, &p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "progress: 6 commands (5 done, 1 error); "
	    "Adj-RIB-Out of 2 neighbors (1 established): 17 queued, 53 sent, "
	    "43 acknowledged");
	/* counters that went back (a restarted evbgpd) never go negative */
	base.sent = base.acked = 1000;
	ctl_progress_line(&t, &base, &p, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "17 queued, 0 sent, 0 acknowledged") != NULL,
	    "%s", buf);
	ck_assert_int_eq(ctl_progress_parse("{}", &p), -1);
	ck_assert_int_eq(ctl_progress_parse("not json", &p), -1);
	ck_assert_int_eq(ctl_progress_parse("[]", &p), 0);
	ck_assert_uint_eq(p.neighbors, 0);
}
END_TEST

static Suite *
evbgpctl_suite(void)
{
	Suite *s = suite_create("evbgpctl");
	TCase *tc = tcase_create("grammar");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_completion, 0,
	    sizeof(completions) / sizeof(completions[0]));
	tcase_add_test(tc, test_first_words);
	tcase_add_loop_test(tc, test_takes_json, 0,
	    sizeof(jsons) / sizeof(jsons[0]));
	tcase_add_test(tc, test_odd_forms);
	suite_add_tcase(s, tc);
	tc = tcase_create("answers");
	tcase_add_test(tc, test_line_kinds);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_abbrev);
	tcase_add_test(tc, test_neighbor_addresses);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_split_words);
	tcase_add_test(tc, test_help_examples_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(evbgpctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
