/*
 * libFuzzer target for running API commands (api_exec.c): the lines an
 * evbgpctl client (or a helper) sends, executed by a running daemon with
 * neighbors of several families (passive, never established: no peer is
 * reached). fuzz_api checks that lines parse; this one runs them:
 * announcements and withdrawals into the Adj-RIB-Outs, watchdogs, show /
 * flush / clear / teardown with every selector, ack changes.
 *
 * Byte 0: bit 0 a helper's client (else evbgpctl's), bit 1 JSON answers.
 * Then up to FUZZ_EXEC_LINES lines, split at '\n'. Not run: what ends or
 * replaces the daemon (shutdown, reload, restart), "create neighbor" (a
 * neighbor of the fuzzer's would be connected to, at any address) and
 * "delete neighbor" (later inputs would find fewer neighbors).
 *
 * Promises checked:
 * - answers are whole lines without control characters (a tab aside);
 * - a line api_parse refuses, when answered, is answered "error";
 * - after every input a fresh evbgpctl client's "show neighbor summary"
 *   ends with "done", and after "clear adj-rib out" a "show adj-rib out"
 *   shows no route: nothing wedged, and the tables do not grow over a
 *   campaign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "evbgp/api.h"
#include "evbgp/api_exec.h"
#include "evbgp/daemon.h"
#include "evbgp/util.h"
#include "fuzz_daemon.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_EXEC_LINES		16
/* One input's answers kept at most: a show of every table is far less. */
#define FUZZ_EXEC_ANSWER_MAX	(4u << 20)

static const char fuzz_conf[] =
    "neighbor 127.0.0.2 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address 127.0.0.1;\n"
    "	local-as 65001;\n"
    "	peer-as 65002;\n"
    "	passive;\n"
    "	family { ipv4 unicast; ipv6 unicast; ipv4 flow; ipv4 mpls-vpn; }\n"
    "}\n"
    "neighbor 127.0.0.3 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address 127.0.0.1;\n"
    "	local-as 65001;\n"
    "	peer-as 65001;\n"
    "	passive;\n"
    "	family { ipv4 unicast; l2vpn evpn; ipv6 flow; ipv4 multicast; }\n"
    "	capability { add-path send/receive; }\n"
    "}\n"
    "neighbor ::2 {\n"
    "	router-id 10.0.0.1;\n"
    "	local-address ::1;\n"
    "	local-as 65001;\n"
    "	peer-as 65003;\n"
    "	passive;\n"
    "	family { ipv6 unicast; ipv4 unicast; }\n"
    "}\n";

static struct daemon *daemon_;

struct answer {
	char	*p;
	size_t	 len;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	daemon_ = fuzz_daemon_start("fuzz_exec", fuzz_conf, true);
	return 0;
}

static void
collect(void *ctx, const char *data, size_t len)
{
	struct answer *a = ctx;

	if (a->len + len > FUZZ_EXEC_ANSWER_MAX)
		abort();	/* far more than any answer here */
	a->p = realloc(a->p, a->len + len + 1);
	memcpy(a->p + a->len, data, len);
	a->len += len;
	a->p[a->len] = '\0';
}

static void
client_init(struct line_client *lc, struct answer *a, bool helper,
    bool json)
{
	memset(lc, 0, sizeof(*lc));
	snprintf(lc->name, sizeof(lc->name), helper ? "fuzz" : "evbgpctl[1]");
	lc->helper = helper;
	lc->encoder = json ? ENCODER_JSON : ENCODER_TEXT;
	lc->reply = collect;
	lc->ctx = a;
	memset(a, 0, sizeof(*a));
}

/* a's bytes from off: whole lines, without control characters. */
static void
check_lines(const struct answer *a, size_t off, const char *cmd)
{
	if (a->len == off)
		return;
	if (a->p[a->len - 1] != '\n')
		goto bad;
	for (size_t i = off; i < a->len; i++)
		if (((unsigned char)a->p[i] < 0x20 && a->p[i] != '\n' &&
		    a->p[i] != '\t') || a->p[i] == 0x7f)
			goto bad;
	return;
bad:
	fprintf(stderr, "fuzz_exec: a bad answer to '%s':\n%s\n", cmd,
	    a->p + off);
	abort();
}

/* Not to be run here (see the top). */
static bool
skipped(enum api_verb v)
{
	return v == API_SHUTDOWN || v == API_RELOAD || v == API_RESTART ||
	    v == API_CREATE_NEIGHBOR || v == API_DELETE_NEIGHBOR;
}

/* The verb line would run as, API_VERB_MAX when api_parse refuses it. */
static enum api_verb
verb_of(const char *line)
{
	struct api_command cmd;
	char err[512];
	enum api_verb v;

	if (api_parse(line, &cmd, err, sizeof(err)) == -1)
		return API_VERB_MAX;
	v = cmd.verb;
	api_command_free(&cmd);
	return v;
}

static void
run_line(struct line_client *lc, struct answer *a, const char *line)
{
	size_t before = a->len;

	daemon_->commands.line(daemon_->commands.arg, lc, line, strlen(line));
	(void)event_base_loop(daemon_->base, EVLOOP_NONBLOCK);
	check_lines(a, before, line);
}

/* As a fresh evbgpctl client: line's answer (malloc'd), which must end
 * with "done". */
static char *
answer_done(const char *line)
{
	static const char done[] = "done\n";
	struct line_client lc;
	struct answer a;

	client_init(&lc, &a, false, false);
	run_line(&lc, &a, line);
	daemon_->commands.release(daemon_->commands.arg, &lc);
	if (a.len < sizeof(done) - 1 || strcmp(a.p + a.len - (sizeof(done) -
	    1), done) != 0) {
		fprintf(stderr, "fuzz_exec: '%s' after this input: %s\n", line,
		    a.p != NULL ? a.p : "(no answer)");
		abort();
	}
	return a.p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line_client lc;
	struct answer a;
	char *text, *line, *next;
	size_t nlines = 0;

	if (size == 0)
		return 0;
	client_init(&lc, &a, data[0] & 1, data[0] & 2);
	text = strndup((const char *)data + 1, size - 1);
	for (line = text; line != NULL && nlines < FUZZ_EXEC_LINES;
	    line = next, nlines++) {
		size_t before = a.len;
		enum api_verb v;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		v = verb_of(line);
		if (v != API_VERB_MAX && skipped(v))
			continue;
		run_line(&lc, &a, line);
		if (v == API_VERB_MAX && a.len > before && strncmp(a.p +
		    before, "error", 5) != 0) {
			fprintf(stderr, "fuzz_exec: '%s' is refused by "
			    "api_parse, answered: %s\n", line, a.p + before);
			abort();
		}
	}
	daemon_->commands.release(daemon_->commands.arg, &lc);
	free(a.p);
	free(text);
	free(answer_done("show neighbor summary"));
	free(answer_done("clear adj-rib out"));
	char *shown = answer_done("show adj-rib out");
	if (strcmp(shown, "done\n") != 0) {
		fprintf(stderr, "fuzz_exec: routes left after clear adj-rib "
		    "out:\n%s", shown);
		abort();
	}
	free(shown);
	return 0;
}
