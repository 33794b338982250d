/*
 * Configuration tests: golden files (tests/golden/NAME.conf printed must
 * equal NAME.ok; set EVBGP_GOLDEN_UPDATE=1 to rewrite the .ok files),
 * print -> parse round trips, a table of bad configurations with their
 * exact messages, the conformance kit's configurations, the shipped
 * example, and the semantic rules (defaults, templates, families).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"
#include "testlib.h"

#define GOLDEN_DIR	EVBGP_SOURCE_DIR "/tests/golden"
#define KIT_DIR		EVBGP_KIT_DIR

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static char *
printed(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	config_print(f, c);
	fclose(f);
	return buf;
}

static struct config *
parse_ok(const char *text)
{
	char err[1024];
	struct config *c = config_parse(text, "test.conf", err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

/* print, parse the print, compare; and printing again is stable */
static void
assert_round_trip(const struct config *c)
{
	char *text = printed(c), *again, err[1024];
	struct config *d = config_parse(text, "printed.conf", err, sizeof(err));

	ck_assert_msg(d != NULL, "printed config does not parse: %s\n%s", err,
	    text);
	ck_assert_msg(config_equal(c, d), "round trip differs:\n%s", text);
	again = printed(d);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	config_free(d);
}

/* ---- golden files ---- */

static int
list_confs(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	*names = NULL;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		*names = realloc(*names, sizeof(char *) * (size_t)(n + 1));
		(*names)[n++] = strdup(de->d_name);
	}
	closedir(d);
	return n;
}

START_TEST(test_golden)
{
	char **names, path[1024], okpath[1024], err[1024];
	int n = list_confs(GOLDEN_DIR, &names);

	ck_assert_int_ge(n, 5);
	for (int i = 0; i < n; i++) {
		struct config *c;
		char *out, *ok;

		snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, names[i]);
		snprintf(okpath, sizeof(okpath), "%.*s.ok",
		    (int)strlen(path) - 5, path);
		c = config_load(path, err, sizeof(err));
		ck_assert_msg(c != NULL, "%s", err);
		out = printed(c);
		if (getenv("EVBGP_GOLDEN_UPDATE") != NULL) {
			FILE *f = fopen(okpath, "w");

			fputs(out, f);
			fclose(f);
		}
		ok = slurp(okpath);
		ck_assert_msg(ok != NULL, "missing %s", okpath);
		ck_assert_msg(strcmp(out, ok) == 0, "%s differs from %s:\n%s",
		    names[i], okpath, out);
		assert_round_trip(c);
		free(ok);
		free(out);
		config_free(c);
		free(names[i]);
	}
	free(names);
}
END_TEST

/* ---- the conformance kit's configurations ---- */

/*
 * Every configuration of the kit parses (and prints back to an equal
 * one), or is refused as tests/conformance/pending.txt says: an error
 * naming FILE:LINE and the unsupported keyword. A listed file that now
 * parses fails the test until its line is removed (the list only shrinks).
 */
static void
parse_kit_dir(const char *sub)
{
	char dir[1024], path[1200], err[1024], key[300], fam[48], want[1300];
	struct kit_pending *pending;
	struct kit_tally tally = { .nrows = 0 };
	size_t npending;
	char **names;
	int n, bad = 0, listed = 0, met = 0;

	snprintf(dir, sizeof(dir), "%s/%s", KIT_DIR, sub);
	n = list_confs(dir, &names);
	if (n < 0) {
		printf("SKIP: %s not found; kit configurations not checked\n",
		    dir);
		return;
	}
	ck_assert_int_gt(n, 0);
	npending = kit_pending_load("config", &pending);
	for (int i = 0; i < n; i++) {
		const struct kit_pending *row;
		struct config *c;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(key, sizeof(key), "%s/%s", sub, names[i]);
		kit_family(key, fam, sizeof(fam));
		row = kit_pending_find(pending, npending, key);
		met += row != NULL;
		c = config_load(path, err, sizeof(err));
		if (c != NULL) {
			assert_round_trip(c);
			config_free(c);
			if (row != NULL) {
				printf("NOW PASSES %s: remove it from "
				    "tests/conformance/pending.txt\n", key);
				kit_tally_add(&tally, fam, KIT_NOW_PASSES);
				bad++;
			} else
				kit_tally_add(&tally, fam, KIT_PASS);
		} else if (row == NULL) {
			printf("FAIL %s: %s\n", key, err);
			kit_tally_add(&tally, fam, KIT_FAIL);
			bad++;
		} else {
			/* refused on the right line, naming the keyword */
			snprintf(want, sizeof(want), "%s:%d: ", path, row->line);
			ck_assert_msg(strncmp(err, want, strlen(want)) == 0 &&
			    strstr(err + strlen(want), row->keyword) != NULL,
			    "%s: refused with '%s'; pending.txt expects line "
			    "%d naming '%s'", key, err, row->line, row->keyword);
			printf("expected failure %s (%s): %s\n", key, fam,
			    row->reason);
			kit_tally_add(&tally, fam, KIT_EXPECTED_FAIL);
		}
		free(names[i]);
	}
	free(names);
	/* a row naming a file the kit no longer has is stale */
	for (size_t i = 0; i < npending; i++)
		listed += strncmp(pending[i].name, sub, strlen(sub)) == 0 &&
		    pending[i].name[strlen(sub)] == '/';
	free(pending);
	kit_tally_print(&tally, sub);
	ck_assert_msg(listed == met, "tests/conformance/pending.txt lists "
	    "%d file(s) under %s/ that the kit does not have", listed - met,
	    sub);
	ck_assert_msg(bad == 0, "%d kit configuration(s) differ from "
	    "tests/conformance/pending.txt (see above)", bad);
}

START_TEST(test_kit_etc)
{
	parse_kit_dir("etc");
}
END_TEST

START_TEST(test_kit_json4)
{
	parse_kit_dir("json4");
}
END_TEST

/*
 * ExaBGP 4.2's own examples (Debian's exabgp package): every one ExaBGP
 * 4.2 accepts (exabgp --validate: all of them) must parse, and print
 * back to an equal configuration.
 */
#ifndef EXABGP_EXAMPLES
#define EXABGP_EXAMPLES	"/usr/share/doc/exabgp/examples"
#endif

START_TEST(test_exabgp_examples)
{
	char **names, path[1200], err[1024];
	int n = list_confs(EXABGP_EXAMPLES, &names), bad = 0;

	if (n < 0) {
		printf("SKIP: %s not found; ExaBGP's examples not checked\n",
		    EXABGP_EXAMPLES);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct config *c;

		snprintf(path, sizeof(path), "%s/%s", EXABGP_EXAMPLES,
		    names[i]);
		if ((c = config_load(path, err, sizeof(err))) == NULL) {
			printf("FAIL %s: %s\n", names[i], err);
			bad++;
		} else {
			assert_round_trip(c);
			config_free(c);
		}
		free(names[i]);
	}
	free(names);
	printf("exabgp examples: %d configurations, %d refused\n", n, bad);
	ck_assert_msg(bad == 0, "%d of ExaBGP's examples refused", bad);
}
END_TEST

START_TEST(test_example)
{
	char err[1024];
	struct config *c = config_load(EVBGP_SOURCE_DIR
	    "/config/evbgpd.conf.example", err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_ge(c->nneighbors, 2);
	ck_assert_uint_ge(c->nprocesses, 1);
	assert_round_trip(c);
	config_free(c);
}
END_TEST

/* ---- semantics ---- */

/* the families evbgp speaks, as error messages list them */
#define SPOKEN	"ipv4 unicast, ipv4 multicast, ipv4 nlri-mpls, ipv4 mcast-vpn, " \
		"ipv4 sr-policy, ipv4 mup, ipv4 mpls-vpn, " \
		"ipv4 rtc, ipv4 flow, ipv4 flow-vpn, ipv6 unicast, ipv6 multicast, " \
		"ipv6 nlri-mpls, ipv6 mcast-vpn, ipv6 sr-policy, ipv6 mup, " \
		"ipv6 mpls-vpn, ipv6 flow, ipv6 flow-vpn, " \
		"l2vpn vpls, l2vpn evpn, bgp-ls bgp-ls"

#define NB_HEAD	"neighbor 127.0.0.1 { local-address 127.0.0.1; " \
		"local-as 1; peer-as 2;\n"

START_TEST(test_same_peer_two_sessions)
{
	/* one peer address, two sessions: other local address, other port */
	struct config *c = parse_ok(NB_HEAD "}\n"
	    "neighbor 127.0.0.1 { local-address 127.0.0.2; local-as 1; "
	    "peer-as 2; }\n"
	    "neighbor 127.0.0.1 { local-address 127.0.0.1; local-as 1; "
	    "peer-as 2; connect 1790; }\n");

	ck_assert_uint_eq(c->nneighbors, 3);
	ck_assert(!cfg_neighbor_same_key(&c->neighbors[0], &c->neighbors[1]));
	ck_assert(!cfg_neighbor_same_key(&c->neighbors[0], &c->neighbors[2]));
	config_free(c);
}
END_TEST

/* ExaBGP reads a file whose last block is not closed: so do we, with a
 * warning from --check (its conf-split.conf example). */
START_TEST(test_unclosed_at_eof)
{
	char err[256], *out = NULL;
	size_t outlen = 0;
	struct config *c = config_parse("neighbor 127.0.0.1 {\n"
	    " local-address 127.0.0.2; local-as 1; peer-as 1;\n static {\n"
	    "  route 10.0.0.0/8 next-hop 1.1.1.1;\n", "test.conf", err,
	    sizeof(err));
	FILE *f;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->neighbors[0].nroutes, 1);
	f = open_memstream(&out, &outlen);
	ck_assert_int_eq(config_check(f, c), 1);
	fclose(f);
	/* the innermost block: its '}' is the first missing */
	ck_assert_str_eq(out, "test.conf:3: warning: the 'static' block "
	    "opened here is not closed: the end of the file closes it (as in "
	    "ExaBGP)\n");
	free(out);
	config_free(c);
}
END_TEST

START_TEST(test_defaults)
{
	struct config *c = parse_ok(NB_HEAD "}\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];

	ck_assert_uint_eq(nb->hold_time, 180);
	ck_assert_uint_eq(nb->router_id, 0x7F000001u);
	ck_assert(!nb->passive);
	ck_assert(nb->group_updates && nb->auto_flush);
	ck_assert(nb->adj_rib_in && nb->adj_rib_out);
	ck_assert(!nb->manual_eor);
	ck_assert(nb->families == FAMSET_DEFAULT);
	ck_assert(!nb->families_given);
	ck_assert(nb->addpath_families == FAMSET_ALL);
	ck_assert(nb->cap_asn4 && nb->cap_ext_message);
	ck_assert(!nb->cap_route_refresh && !nb->cap_graceful_restart);
	ck_assert(!nb->cap_nexthop && nb->cap_addpath == 0);
	ck_assert_int_eq(nb->md5_base64, 0);
	ck_assert_uint_eq(nb->connect, 0);
	ck_assert_ptr_eq(config_find_neighbor(c, "127.0.0.1"), nb);
	ck_assert_ptr_null(config_find_neighbor(c, "127.0.0.2"));
	config_free(c);
}
END_TEST

START_TEST(test_template_order)
{
	struct config *c = parse_ok(
	    "template { neighbor t { hold-time 30; passive; local-as 5;\n"
	    "static { route 1.0.0.0/8 next-hop 1.1.1.1; }\n"
	    "api { processes [ p ]; } } }\n"
	    "process p { run /bin/cat; }\n"
	    "neighbor 127.0.0.1 { hold-time 60; local-address 127.0.0.1;\n"
	    "peer-as 2;\n"
	    "static { route 2.0.0.0/8 next-hop 1.1.1.1; }\n"
	    "inherit t;\n"
	    "api { processes [ p ]; } }\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];
	char buf[PREFIX_STRLEN];

	/* own setting wins although inherit comes later */
	ck_assert_uint_eq(nb->hold_time, 60);
	ck_assert(nb->passive);
	ck_assert_uint_eq(nb->local_as, 5);
	ck_assert_uint_eq(nb->nroutes, 2);
	ck_assert_str_eq(prefix_fmt(&nb->routes[0].prefix, buf), "1.0.0.0/8");
	ck_assert_str_eq(prefix_fmt(&nb->routes[1].prefix, buf), "2.0.0.0/8");
	ck_assert_uint_eq(nb->napis, 2);
	ck_assert_str_eq(c->processes[0].path, "/bin/cat");
	config_free(c);
}
END_TEST

/* Multicast routes: 4.2's announce block, printed back the same way. */
START_TEST(test_multicast_routes)
{
	struct config *c = parse_ok(NB_HEAD " family { ipv4 unicast; ipv4 "
	    "multicast; ipv6 multicast; }\n"
	    " static { route 10.0.0.0/8 next-hop 192.0.2.1; }\n"
	    " announce {\n  ipv4 {\n   multicast 10.0.0.0/8 next-hop "
	    "192.0.2.2 med 5;\n  }\n  ipv6 {\n   multicast 2001:db8::/32 "
	    "next-hop 2001:db8::1;\n  }\n }\n}\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];

	ck_assert_uint_eq(nb->nroutes, 3);
	ck_assert_int_eq(nb->routes[0].fam, FAM_IPV4_UNICAST);
	ck_assert_int_eq(nb->routes[1].fam, FAM_IPV4_MULTICAST);
	ck_assert_int_eq(nb->routes[2].fam, FAM_IPV6_MULTICAST);
	/* one prefix, two families: two routes */
	ck_assert(!cfg_route_same_key(&nb->routes[0], &nb->routes[1]));
	assert_round_trip(c);
	config_free(c);
}
END_TEST

START_TEST(test_family_layers)
{
	struct config *c = parse_ok(
	    "template { neighbor t { family { ipv6 unicast; } } }\n"
	    NB_HEAD "inherit t; family { ipv4 unicast; } family { ipv4 "
	    "multicast; } }\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];

	/* the neighbor's family blocks replace the template's, and add up */
	ck_assert(nb->families == (FAMSET(FAM_IPV4_UNICAST) |
	    FAMSET(FAM_IPV4_MULTICAST)));
	ck_assert(nb->families_given);
	config_free(c);
}
END_TEST

START_TEST(test_capability_values)
{
	struct config *c = parse_ok(NB_HEAD
	    "capability { route-refresh; graceful-restart; add-path send; }\n"
	    "adj-rib-out false;\n"
	    "nexthop { ipv6 unicast ipv4; } }\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];

	ck_assert(nb->cap_route_refresh);
	/* route-refresh forces the Adj-RIB-Out on (compat §1.4) */
	ck_assert(nb->adj_rib_out);
	ck_assert(nb->cap_graceful_restart);
	ck_assert_uint_eq(nb->gr_time, 0);
	ck_assert_uint_eq(nb->cap_addpath, BGP_ADDPATH_SEND);
	/* a nexthop block turns the capability on */
	ck_assert(nb->cap_nexthop);
	ck_assert_uint_eq(nb->nnexthops, 1);
	ck_assert_int_eq(nb->nexthops[0].fam, FAM_IPV6_UNICAST);
	ck_assert_uint_eq(nb->nexthops[0].nh_afi, BGP_AFI_IPV4);
	config_free(c);
}
END_TEST

START_TEST(test_process)
{
	struct config *c = parse_ok("process a { run x 'two words' \"3\"; "
	    "encoder json; respawn disable; api-version 6; }\n"
	    "process b { run y; }\n"
	    "process d { run z; encoder json; api-version 4; }\n");
	const struct cfg_process *a = config_find_process(c, "a");
	const struct cfg_process *b = config_find_process(c, "b");
	const struct cfg_process *d = config_find_process(c, "d");
	char *printed;
	size_t plen;
	FILE *f;

	/* api-version: the helper's JSON dialect, 0 when not given */
	ck_assert_uint_eq(a->api_version, 6);
	ck_assert_uint_eq(b->api_version, 0);
	ck_assert_uint_eq(d->api_version, 4);
	ck_assert_ptr_nonnull(f = open_memstream(&printed, &plen));
	config_print(f, c);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(printed, "\tapi-version 6;\n"));
	ck_assert_ptr_nonnull(strstr(printed, "\tapi-version 4;\n"));
	free(printed);

	ck_assert_uint_eq(a->argc, 3);
	ck_assert_str_eq(a->argv[1], "two words");
	ck_assert_ptr_null(a->argv[3]);
	ck_assert_int_eq(a->encoder, ENCODER_JSON);
	ck_assert(a->encoder_given && !a->respawn);
	ck_assert(!b->encoder_given && b->respawn);
	ck_assert_ptr_null(config_find_process(c, "c"));
	config_free(c);
}
END_TEST

/* processes-match (ExaBGP main): the processes whose name matches, once
 * each, beside those named; printed back as written */
START_TEST(test_processes_match)
{
	struct config *c = parse_ok("process add-one { run x; }\n"
	    "process add-two { run x; }\nprocess other { run x; }\n"
	    NB_HEAD " api {\n  processes [ add-two ];\n"
	    "  processes-match [ \"^add\" \"^oth.r$\" "
	    "\"^o(t{1,2})h[]e]\\\\.?r*$\" ];\n }\n}\n");
	const struct cfg_api *api = &c->neighbors[0].apis[0];

	ck_assert_uint_eq(api->nprocesses, 3);
	ck_assert_str_eq(api->processes[0], "add-two");
	ck_assert_str_eq(api->processes[1], "add-one");
	ck_assert_str_eq(api->processes[2], "other");
	/* bounds, a bracket with ']', an escaped '.' are not refused */
	ck_assert_uint_eq(api->npatterns, 3);
	ck_assert_str_eq(api->patterns[0], "^add");
	assert_round_trip(c);
	config_free(c);
}
END_TEST

/* ExaBGP main's capabilities 75 and 77 and local-link-local take
 * effect (peer.c puts them in the OPEN) and print back */
START_TEST(test_main_capabilities)
{
	struct config *c = parse_ok("neighbor ::1 { router-id 1.1.1.1; "
	    "local-address ::1; local-as 1; peer-as 1;\n"
	    " local-link-local FE80::1;\n"
	    " capability { software-version enable; link-local-nexthop; }\n"
	    "}\n");
	const struct cfg_neighbor *nb = &c->neighbors[0];
	char buf[ADDR_STRLEN];

	ck_assert(nb->cap_software_version && nb->cap_link_local_nh);
	ck_assert_str_eq(addr_fmt(&nb->local_link_local, buf), "fe80::1");
	assert_round_trip(c);
	config_free(c);
	c = parse_ok(NB_HEAD "}\n");
	ck_assert(!c->neighbors[0].cap_software_version &&
	    !c->neighbors[0].cap_link_local_nh);
	ck_assert_uint_eq(c->neighbors[0].local_link_local.afi, 0);
	config_free(c);
}
END_TEST

/* Our own conformance case for capability 75 names this version. */
START_TEST(test_software_version_case)
{
	char *text = slurp(EVBGP_SOURCE_DIR "/tests/conformance/cases/"
	    "encoding/evbgp-conf-cap-software-version.case");
	const char *want = "evbgpd/" EVBGP_VERSION;
	char hex[256];
	size_t n = strlen(want);

	ck_assert_ptr_nonnull(text);
	/* length octet, then the text */
	snprintf(hex, sizeof(hex), "%02X", (unsigned)n);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02X", (unsigned char)want[i]);
	ck_assert_msg(strstr(text, hex) != NULL, "the case does not carry "
	    "%s (%s): update it with the version", want, hex);
	free(text);
}
END_TEST

START_TEST(test_run_path)
{
	char dir[] = "/tmp/evbgp-cfg-XXXXXX", conf[256], prog[256], err[512];
	struct config *c;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(prog, sizeof(prog), "%s/helper.run", dir);
	f = fopen(prog, "w");
	fputs("#!/bin/sh\n", f);
	fclose(f);
	snprintf(conf, sizeof(conf), "%s/x.conf", dir);
	c = config_parse("process p { run helper.run; encoder text; }\n"
	    "process q { run no-such-program-here; encoder json; }\n"
	    "process r { run helper.run; }\n", conf, err,
	    sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	/* found beside the configuration file */
	ck_assert_str_eq(c->processes[0].path, prog);
	/* missing is not an error here: the daemon decides */
	ck_assert_ptr_null(c->processes[1].path);
	{
		char *buf = NULL, want[2048];
		size_t len = 0;
		FILE *w = open_memstream(&buf, &len);

		/* --check warns: helper.run exists but is not executable;
		 * no encoder: ExaBGP 4.2 refuses it, main and we use text */
		ck_assert_int_eq(config_check(w, c), 4);
		fclose(w);
		snprintf(want, sizeof(want), "%s:1: warning: process p: %s is not "
		    "executable\n%s:2: warning: process q: program "
		    "'no-such-program-here' not found (looked in /etc/exabgp, "
		    "beside the configuration and in $PATH)\n"
		    "%s:3: warning: process r has no 'encoder': evbgpd uses "
		    "text, as ExaBGP main does; ExaBGP 4.2 refuses this file\n"
		    "%s:3: warning: process r: %s is not executable\n", conf,
		    prog, conf, conf, conf, prog);
		ck_assert_str_eq(buf, want);
		free(buf);
	}
	config_free(c);
	remove(prog);
	rmdir(dir);
}
END_TEST

/*
 * A route no UPDATE can hold is refused (it would be accepted and never
 * sent, issue 8 defect 2); one that needs the extended message
 * capability is accepted with a --check warning.
 */
START_TEST(test_route_too_big)
{
	struct sbuf path, text;
	struct config *c;
	char err[1024], *buf = NULL;
	size_t len = 0;
	FILE *w;

	sbuf_init(&path);
	for (int i = 0; i < 1100; i++)
		sbuf_printf(&path, " %d", 64512 + i % 1000);
	sbuf_addc(&path, '\0');
	sbuf_init(&text);
	sbuf_printf(&text, NB_HEAD " capability { extended-message disable; }\n"
	    " static {\n  route 10.0.0.0/24 next-hop 192.0.2.1 as-path [%s ];\n"
	    " }\n}\n", path.p);
	sbuf_addc(&text, '\0');
	ck_assert_ptr_null(config_parse(text.p, "test.conf", err, sizeof(err)));
	ck_assert_msg(strstr(err, "test.conf:4: route 10.0.0.0/24: its UPDATE "
	    "needs ") == err && strstr(err, "extended message capability "
	    "(RFC 8654) is disabled") != NULL, "%s", err);

	sbuf_reset(&text);
	sbuf_printf(&text, NB_HEAD " static {\n  route 10.0.0.0/24 next-hop "
	    "192.0.2.1 as-path [%s ];\n }\n}\n", path.p);
	sbuf_addc(&text, '\0');
	c = config_parse(text.p, "test.conf", err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	w = open_memstream(&buf, &len);
	ck_assert_int_eq(config_check(w, c), 1);
	fclose(w);
	ck_assert_msg(strstr(buf, "test.conf:3: warning: route 10.0.0.0/24: "
	    "its UPDATE needs ") == buf && strstr(buf, "sent only if neighbor "
	    "127.0.0.1 negotiates the extended message capability") != NULL,
	    "%s", buf);
	free(buf);
	config_free(c);

	/* 16,500 communities: 66,000 bytes, more than any message */
	sbuf_reset(&path);
	for (int i = 0; i < 16500; i++)
		sbuf_printf(&path, " %d:%d", 1 + i / 60000, i % 60000);
	sbuf_addc(&path, '\0');
	sbuf_reset(&text);
	sbuf_printf(&text, NB_HEAD " static {\n  route 10.0.0.0/24 next-hop "
	    "192.0.2.1 community [%s ];\n }\n}\n", path.p);
	sbuf_addc(&text, '\0');
	ck_assert_ptr_null(config_parse(text.p, "test.conf", err, sizeof(err)));
	ck_assert_str_eq(err, "test.conf:3: route 10.0.0.0/24: its UPDATE "
	    "would exceed 65535 bytes, the largest BGP message");
	sbuf_free(&text);
	sbuf_free(&path);
}
END_TEST

START_TEST(test_session_equal)
{
	struct config *a = parse_ok(NB_HEAD "static { route 1.0.0.0/8 "
	    "next-hop 1.1.1.1; } }\n");
	struct config *b = parse_ok(NB_HEAD "static { route 2.0.0.0/8 "
	    "next-hop 1.1.1.1; } }\n");
	struct config *d = parse_ok(NB_HEAD "hold-time 30; }\n");

	ck_assert(cfg_neighbor_session_equal(&a->neighbors[0],
	    &b->neighbors[0]));
	ck_assert(!config_equal(a, b));
	ck_assert(!cfg_neighbor_session_equal(&a->neighbors[0],
	    &d->neighbors[0]));
	config_free(a);
	config_free(b);
	config_free(d);
}
END_TEST

START_TEST(test_load_missing)
{
	char err[256];

	ck_assert_ptr_null(config_load("/nonexistent/evbgp.conf", err,
	    sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/evbgp.conf: cannot open: No such "
	    "file or directory");
}
END_TEST

/* ---- errors ---- */

static const struct {
	const char	*conf;
	const char	*msg;
} bad[] = {
	{ "neighbor 127.0.0.1 {\n local-as 1\n}\n",
	    "test.conf:2: invalid syntax: the line must end with ';', '{' or "
	    "'}' (a statement cannot continue on the next line)" },
	/* the end of the file closes the block (ExaBGP), the rest counts */
	{ "neighbor 127.0.0.1 {\n local-as 1;\n",
	    "test.conf:1: neighbor 127.0.0.1: peer-as is required" },
	{ "}\n", "test.conf:1: unexpected '}': no block is open" },
	{ "bogus { }\n", "test.conf:1: unknown keyword 'bogus' at the top "
	    "level; expected one of: process, template, neighbor" },
	{ "neighbor 127.0.0.1 {\n local-address 127.0.0.1; local-as 1;\n"
	    " peer-as 1;\n foo 1;\n}\n",
	    "test.conf:4: unknown keyword 'foo' in neighbor block; expected "
	    "one of: router-id, local-address, local-as, peer-as, hold-time, "
	    "passive, listen, connect, dynamic-limit, md5-password, md5-base64, "
	    "md5-ip, "
	    "outgoing-ttl, incoming-ttl, group-updates, auto-flush, "
	    "adj-rib-out, adj-rib-in, manual-eor, description, host-name, "
	    "domain-name, rate-limit, inherit, family, capability, add-path, "
	    "nexthop, api, static, announce, flow, l2vpn, operational, "
	    "local-link-local, source-interface, tcp-ao" },
	{ "neighbor 127.0.0.1 {\n local-address 127.0.0.1;\n peer-as 1;\n}\n",
	    "test.conf:1: neighbor 127.0.0.1: local-as is required" },
	{ "neighbor 127.0.0.1 {\n local-address 127.0.0.1;\n local-as 1;\n}\n",
	    "test.conf:1: neighbor 127.0.0.1: peer-as is required" },
	{ "neighbor ::1 {\n local-address ::1; local-as 1; peer-as 1;\n}\n",
	    "test.conf:1: neighbor ::1: router-id is required when "
	    "local-address is not an IPv4 address" },
	{ "neighbor 10.0.0.0/24 {\n router-id 1.1.1.1; local-as 1; peer-as 1;"
	    "\n}\n", "test.conf:1: neighbor 10.0.0.0/24: a prefix is only "
	    "allowed for a passive neighbor (add 'passive;')" },
	{ "neighbor 10.0.0.1 {\n router-id 1.1.1.1; local-as 1; peer-as 1;"
	    "\n dynamic-limit 5;\n}\n", "test.conf:1: neighbor 10.0.0.1: "
	    "dynamic-limit is for a neighbor given as a prefix (a passive "
	    "range)" },
	{ "neighbor 10.0.0.0/24 {\n router-id 1.1.1.1; local-as 1; peer-as 1;"
	    "\n passive;\n dynamic-limit 0;\n}\n", "test.conf:4: invalid "
	    "dynamic-limit '0' (expected a number from 1 to 65535)" },
	{ "neighbor 10.0.0.300 {\n}\n", "test.conf:1: invalid neighbor "
	    "address '10.0.0.300' (expected an IP address or, with passive, a "
	    "prefix)" },
	{ NB_HEAD " hold-time 2;\n}\n", "test.conf:2: invalid hold-time 2 "
	    "(expected 0 or 3 to 65535: RFC 4271 forbids 1 and 2)" },
	{ NB_HEAD " hold-time 1;\n}\n", "test.conf:2: invalid hold-time 1 "
	    "(expected 0 or 3 to 65535: RFC 4271 forbids 1 and 2)" },
	{ NB_HEAD " hold-time 65536;\n}\n", "test.conf:2: invalid hold-time "
	    "'65536' (expected a number from 0 to 65535)" },
	{ NB_HEAD " family { ipv4 unicast; }\n static {\n  route "
	    "2001:db8::/32 next-hop ::1;\n }\n}\n",
	    "test.conf:4: route 2001:db8::/32 is ipv6 unicast, which is not in "
	    "the family block of neighbor 127.0.0.1" },
	{ NB_HEAD "}\n" NB_HEAD "}\n",
	    "test.conf:3: duplicate neighbor '127.0.0.1' with the same "
	    "local-address and connect port (first at line 1)" },
	{ "process a { run x; }\nprocess a { run y; }\n",
	    "test.conf:2: duplicate process 'a' (first at line 1)" },
	/* found by fuzz_config: printed back as "run ... \"z'r\"", which
	 * the run-line split cannot read */
	{ "process a {\n run] z\\'r;\n}\n",
	    "test.conf:2: 'run': the word 'z'r' holds a quote character; write "
	    "'run' followed by a blank and quote the words (ExaBGP's split "
	    "drops quote characters)" },
	{ NB_HEAD " inherit nothing;\n}\n",
	    "test.conf:2: inherit: no template named 'nothing'" },
	{ NB_HEAD " api {\n  processes [ ghost ];\n }\n}\n",
	    "test.conf:3: api processes: no process named 'ghost' (expected "
	    "the name of a 'process NAME { ... }' block)" },
	{ NB_HEAD " md5-password 0123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890;\n}\n",
	    "test.conf:2: md5-password is 81 characters long (at most 80)" },
	{ NB_HEAD " outgoing-ttl 256;\n}\n", "test.conf:2: invalid "
	    "outgoing-ttl '256' (expected 1 to 255 or 'disable')" },
	{ NB_HEAD " incoming-ttl 0;\n}\n", "test.conf:2: invalid "
	    "incoming-ttl '0' (expected 1 to 255 or 'disable')" },
	{ "process a { run x; }\n" NB_HEAD " api {\n  processes-match "
	    "[ \"(\" ];\n }\n}\n", "test.conf:4: processes-match: invalid "
	    "regular expression '(': Unmatched ( or \\(" },
	/* found by fuzz_config: glibc's regcomp took gigabytes */
	{ "process a { run x; }\n" NB_HEAD " api {\n  processes-match "
	    "[ \"3+++\" ];\n }\n}\n", "test.conf:4: processes-match: refused "
	    "regular expression '3+++': a repetition of a repetition ('++', "
	    "'*?', '+{2}'): write one operator" },
	{ "process a { run x; }\n" NB_HEAD " api {\n  processes-match "
	    "[ \"((a{10}){20}){10}\" ];\n }\n}\n", "test.conf:4: "
	    "processes-match: refused regular expression '((a{10}){20}){10}': "
	    "its repetition bounds multiply to more than 1000 copies" },
	{ NB_HEAD " local-link-local 2001:db8::1;\n}\n", "test.conf:2: "
	    "invalid local-link-local '2001:db8::1' (expected an IPv6 "
	    "link-local address, fe80::/10)" },
	{ NB_HEAD " capability {\n  link-local-prefer;\n }\n}\n",
	    "test.conf:3: 'link-local-prefer' is not supported: it chooses "
	    "the next hop a router forwards to, and evbgpd installs no "
	    "routes" },
	{ NB_HEAD " rate-limit 100;\n}\n", "test.conf:2: 'rate-limit 100' is "
	    "not supported: evbgpd does not pace a session's messages (only "
	    "'rate-limit disable' or 0 is accepted)" },
	{ NB_HEAD " auto-flush false;\n}\n", "test.conf:2: 'auto-flush false' "
	    "is not supported: evbgpd sends every change at once (ExaBGP 4.2 "
	    "ignores the setting)" },
	{ "process a { encoder json; }\n", "test.conf:1: process a: 'run' is "
	    "required" },
	{ "process a { run x; encoder xml; }\n", "test.conf:1: invalid encoder "
	    "'xml' (expected text or json)" },
	{ "process a { run x; encoder json; api-version 5; }\n", "test.conf:1: "
	    "invalid api-version '5' (expected 4, ExaBGP 4.x JSON, or 6, "
	    "ExaBGP main's JSON)" },
	{ "process a {\n run x;\n api-version 6;\n encoder text;\n}\n",
	    "test.conf:3: process a: 'api-version 6' selects ExaBGP main's "
	    "JSON dialect: it needs 'encoder json' (the text encoder has one "
	    "dialect)" },
	{ "process a {\n run x;\n api-version 6;\n}\n",
	    "test.conf:3: process a: 'api-version 6' selects ExaBGP main's "
	    "JSON dialect: it needs 'encoder json' (the text encoder has one "
	    "dialect)" },
	{ NB_HEAD " passive maybe;\n}\n", "test.conf:2: invalid value 'maybe' "
	    "for 'passive' (expected true, false, enable or disable)" },
	{ NB_HEAD " family { ipv6 unicast; }\n flow {\n  route x { match { "
	    "source 10.0.0.1/32; } then { discard; } }\n }\n}\n",
	    "test.conf:4: route flow source-ipv4 10.0.0.1/32 is ipv4 flow, "
	    "which is not in the family block of neighbor 127.0.0.1" },
	{ NB_HEAD " l2vpn {\n  vpls x { endpoint 5; }\n }\n}\n",
	    "test.conf:3: a vpls route needs 'base'" },
	{ NB_HEAD " operational { }\n}\n", "test.conf:2: 'operational' is not "
	    "supported: evbgp speaks " SPOKEN },
	{ NB_HEAD " capability {\n  add-path receive/send;\n }\n}\n",
	    "test.conf:3: invalid add-path 'receive/send' (expected send, "
	    "receive, send/receive or disable)" },
	{ NB_HEAD " capability {\n  graceful-restart 5000;\n }\n}\n",
	    "test.conf:3: invalid graceful-restart '5000' (expected a number "
	    "from 0 to 4095)" },
	{ NB_HEAD " capability {\n  turbo;\n }\n}\n",
	    "test.conf:3: unknown keyword 'turbo' in capability block; "
	    "expected one of: asn4, route-refresh, graceful-restart, add-path, "
	    "multi-session, operational, extended-message, nexthop, aigp, "
	    "software-version, link-local-nexthop, link-local-prefer" },
	{ NB_HEAD " family {\n  ipv4 bogus;\n }\n}\n",
	    "test.conf:3: unknown family 'ipv4 bogus' (evbgp speaks " SPOKEN
	    ")" },
	/* a family ExaBGP has and evbgp does not: never advertised */
	{ NB_HEAD " family {\n  ipv4 unicast;\n  bgp-ls bgp-ls-vpn;\n }\n}\n",
	    "test.conf:4: family bgp-ls bgp-ls-vpn is not supported by evbgp (it "
	    "speaks " SPOKEN ")" },
	{ NB_HEAD " add-path {\n  bgp-ls bgp-ls-vpn;\n }\n}\n",
	    "test.conf:3: family bgp-ls bgp-ls-vpn is not supported by evbgp "
	    "(it speaks " SPOKEN ")" },
	{ NB_HEAD " nexthop {\n  bgp-ls bgp-ls-vpn ipv6;\n }\n}\n",
	    "test.conf:3: family bgp-ls bgp-ls-vpn is not supported by evbgp (it "
	    "speaks " SPOKEN ")" },
	{ NB_HEAD " family { ipv4 unicast; }\n static {\n  route 10.0.0.0/24 "
	    "next-hop 1.1.1.1 label 100;\n }\n}\n", "test.conf:4: route "
	    "10.0.0.0/24 label 100 is ipv4 nlri-mpls, which is not in the "
	    "family block of neighbor 127.0.0.1" },
	{ NB_HEAD " static {\n  route 10.0.0.0/24 {\n   next-hop 1.1.1.1;\n"
	    "   med x;\n  }\n }\n}\n", "test.conf:5: invalid med 'x' (expected "
	    "a number from 0 to 4294967295)" },
	{ NB_HEAD " static {\n  route 10.0.0.0/24;\n }\n}\n",
	    "test.conf:3: route 10.0.0.0/24 has no next-hop" },
	{ NB_HEAD " announce {\n  ipv4 {\n   unicast 2001:db8::/32 next-hop "
	    "::1;\n  }\n }\n}\n", "test.conf:4: 2001:db8::/32 is not an ipv4 "
	    "prefix" },
	{ NB_HEAD " announce {\n  ipv4 {\n   flow x;\n  }\n }\n}\n",
	    "test.conf:4: unknown keyword 'x' in flow route (expected one of: "
	    "source, source-ipv4, source-ipv6, destination, destination-ipv4, "
	    "destination-ipv6, protocol, next-header, port, destination-port, "
	    "source-port, icmp-type, icmp-code, tcp-flags, packet-length, "
	    "dscp, traffic-class, fragment, flow-label, interface-set, accept, "
	    "discard, rate-limit, redirect, redirect-to-nexthop, "
	    "redirect-to-nexthop-ietf, copy, mark, action, community, "
	    "large-community, extended-community, rd, route-distinguisher, "
	    "next-hop)" },
	{ NB_HEAD " announce {\n  ipv4 {\n   mpls-vpn 10.0.0.0/8 next-hop "
	    "1.1.1.1 label 5;\n  }\n }\n}\n", "test.conf:4: 'ipv4 mpls-vpn' "
	    "route 10.0.0.0/8: an mpls-vpn route needs rd and label" },
	{ NB_HEAD " announce {\n  ipv6 {\n   multicast 10.0.0.0/8 next-hop "
	    "::1;\n  }\n }\n}\n", "test.conf:4: 10.0.0.0/8 is not an ipv6 "
	    "prefix" },
	{ NB_HEAD " static {\n  prefix 10.0.0.0/8;\n }\n}\n",
	    "test.conf:3: unknown keyword 'prefix' in static block; expected "
	    "one of: route, attributes" },
	{ NB_HEAD " family ipv4;\n}\n", "test.conf:2: 'family' must be a "
	    "block: 'family { ... }'" },
	{ NB_HEAD " local-as { }\n}\n", "test.conf:2: 'local-as' is not a "
	    "block: write 'local-as VALUE;'" },
	{ NB_HEAD " local-as 1 2;\n}\n", "test.conf:2: 'local-as' takes "
	    "exactly one value" },
	{ "neighbor 127.0.0.1 { local-as 0; }\n", "test.conf:1: invalid "
	    "local-as '0' (expected an AS number from 1 to 4294967295)" },
	{ NB_HEAD " router-id ::1;\n}\n", "test.conf:2: invalid router-id "
	    "'::1' (expected an IPv4 address)" },
	{ NB_HEAD " api {\n  receive {\n   everything;\n  }\n }\n}\n",
	    "test.conf:4: unknown keyword 'everything' in receive block; "
	    "expected one of: parsed, packets, consolidate, open, update, "
	    "notification, keepalive, refresh, operational" },
	{ "template {\n neighbor t {\n  inherit u;\n }\n}\n",
	    "test.conf:3: 'inherit' is not allowed inside a template" },
	{ "template {\n neighbor t {\n  bogus;\n }\n}\n",
	    "test.conf:3: unknown keyword 'bogus' in neighbor block; expected "
	    "one of: router-id, local-address, local-as, peer-as, hold-time, "
	    "passive, listen, connect, dynamic-limit, md5-password, md5-base64, "
	    "md5-ip, "
	    "outgoing-ttl, incoming-ttl, group-updates, auto-flush, "
	    "adj-rib-out, adj-rib-in, manual-eor, description, host-name, "
	    "domain-name, rate-limit, inherit, family, capability, add-path, "
	    "nexthop, api, static, announce, flow, l2vpn, operational, "
	    "local-link-local, source-interface, tcp-ao" },
	{ "template {\n neighbor t { }\n neighbor t { }\n}\n",
	    "test.conf:3: duplicate template 't'" },
	{ "neighbor 127.0.0.1;\n", "test.conf:1: expected 'neighbor ADDRESS { "
	    "... }'" },
	{ "x \"unterminated;\n", "test.conf:1: unterminated \" quote" },
	{ "{\n}\n", "test.conf:1: '{' without a block name before it" },
	{ "a{b{c{d{e{f{g{h{i{j{k{l{m{n{o{p{q{r{\n",
	    "test.conf:1: blocks are nested too deeply" },
};

START_TEST(test_bad)
{
	char err[2048];
	struct config *c = config_parse(bad[_i].conf, "test.conf", err,
	    sizeof(err));

	ck_assert_ptr_null(c);
	ck_assert_str_eq(err, bad[_i].msg);
}
END_TEST

/* Truncated or garbled copies of a valid file never crash the parser. */
START_TEST(test_garbage)
{
	char *text = slurp(GOLDEN_DIR "/announce.conf"), err[256];
	size_t len;

	ck_assert_ptr_nonnull(text);
	len = strlen(text);
	for (size_t cut = 0; cut < len; cut += 7) {
		char *copy = strndup(text, cut);
		struct config *c = config_parse(copy, "cut.conf", err,
		    sizeof(err));

		config_free(c);
		/* flip one character into a syntax character */
		if (cut < len) {
			char *g = strdup(text);

			g[cut] = "{};[]()\"#\\"[cut % 10];
			config_free(config_parse(g, "g.conf", err,
			    sizeof(err)));
			free(g);
		}
		free(copy);
	}
	/* a tiny error buffer is safe */
	ck_assert_ptr_null(config_parse("}\n", "x", err, 4));
	ck_assert_str_eq(err, "x:1");
	free(text);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_kit_etc);
	tcase_add_test(tc, test_exabgp_examples);
	tcase_add_test(tc, test_kit_json4);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_unclosed_at_eof);
	tcase_add_test(tc, test_same_peer_two_sessions);
	tcase_add_test(tc, test_template_order);
	tcase_add_test(tc, test_family_layers);
	tcase_add_test(tc, test_multicast_routes);
	tcase_add_test(tc, test_capability_values);
	tcase_add_test(tc, test_process);
	tcase_add_test(tc, test_processes_match);
	tcase_add_test(tc, test_main_capabilities);
	tcase_add_test(tc, test_software_version_case);
	tcase_add_test(tc, test_run_path);
	tcase_add_test(tc, test_session_equal);
	tcase_add_test(tc, test_route_too_big);
	tcase_add_test(tc, test_load_missing);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
