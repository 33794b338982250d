/*
 * libFuzzer target for the text API command parser (api_parse), the
 * surface every helper and evbgpctl client writes to. The input is a
 * batch of lines (split at '\n', as the supervisor frames them); each is
 * parsed, and each route of a parsed announce/withdraw must keep
 * route_text's promise (flow_text's for flow routes): its formatted
 * text parses back, alone, to an equal route.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/api.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/flow_text.h"
#include "evbgp/lexer.h"
#include "evbgp/nlri.h"
#include "evbgp/route_text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines per input, and routes per command checked (a "split" may make
 * 65536 of them): enough for coverage, bounded time per input. */
#define FUZZ_API_LINES	16
#define FUZZ_API_ROUTES	8

/* A flow route: its block (flow_text_format) on one line reads back. */
static void
flow_round_trip(const struct cfg_route *r)
{
	struct lex_tokens tk = { 0 };
	struct route_text_err rerr;
	struct cfg_route *v = NULL;
	size_t nv = 0;
	char lexerr[256];
	struct sbuf o;

	sbuf_init(&o);
	flow_text_format(&o, r, "");
	for (size_t i = 0; i < o.len; i++)
		if (o.p[i] == '\n')
			o.p[i] = ' ';
	/* without its leading "route " */
	if (lex_line(o.p + 6, &tk, lexerr, sizeof(lexerr)) == -1)
		abort();
	if (flow_text_parse(tk.v, tk.n, r->fam, &v, &nv, &rerr) == -1 || nv != 1 ||
	    !cfg_route_equal(r, &v[0]))
		abort();
	cfg_routes_free(v, nv);
	lex_tokens_free(&tk);
	sbuf_free(&o);
}

static void
route_round_trip(const struct cfg_route *r, unsigned flags)
{
	struct lex_tokens tk = { 0 };
	struct route_text_err rerr;
	struct cfg_route *v = NULL;
	size_t nv = 0;
	char lexerr[256];
	char *text;

	switch (family_safi(r->fam)) {
	case BGP_SAFI_FLOW:
	case BGP_SAFI_FLOW_VPN:
		flow_round_trip(r);
		return;
	case BGP_SAFI_MULTICAST:
		flags |= ROUTE_TEXT_MULTICAST;
		break;
	}
	text = route_text_string(r);
	if (lex_line(text, &tk, lexerr, sizeof(lexerr)) == -1)
		abort();
	if (nlri_family(r->fam)->route != NULL) {
		/* MVPN, MUP, SR Policy: their own words */
		if (route_text_parse_words(r->fam, tk.v, tk.n, flags, &v, &nv,
		    &rerr) == -1)
			abort();
	} else if (r->fam == FAM_L2VPN_VPLS) {
		/* "rd R endpoint E ...": the keywords of "announce vpls" */
		if (route_text_parse_vpls(tk.v, tk.n, flags, &v, &nv,
		    &rerr) == -1)
			abort();
	} else if (route_text_parse(tk.v, tk.n, flags, &v, &nv, &rerr) ==
	    -1)
		abort();
	if (nv != 1 || !cfg_route_equal(r, &v[0]))
		abort();
	cfg_routes_free(v, nv);
	lex_tokens_free(&tk);
	free(text);
}

static void
check_command(const struct api_command *cmd)
{
	unsigned flags = 0;

	switch (cmd->verb) {
	case API_WITHDRAW_ROUTE:
		flags = ROUTE_TEXT_NEXTHOP_OPTIONAL;
		/* FALLTHROUGH */
	case API_ANNOUNCE_ROUTE:
		if (cmd->nroutes == 0)
			abort();
		for (size_t i = 0; i < cmd->nroutes && i < FUZZ_API_ROUTES;
		    i++)
			route_round_trip(&cmd->routes[i], flags);
		break;
	default:
		if (cmd->verb <= API_NONE || cmd->verb >= API_VERB_MAX)
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_command cmd;
	char err[512];
	char *buf, *line, *next;
	int nlines = 0;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = buf; line != NULL && nlines < FUZZ_API_LINES;
	    line = next, nlines++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		memset(&cmd, 0, sizeof(cmd));
		if (api_parse(line, &cmd, err, sizeof(err)) == 0)
			check_command(&cmd);
		else if (err[0] == '\0')
			abort();	/* an error always says why */
		api_command_free(&cmd);
	}
	free(buf);
	return 0;
}
