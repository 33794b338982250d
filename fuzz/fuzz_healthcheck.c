/*
 * libFuzzer target for evbgp-healthcheck's option parsing (command line
 * and ExaBGP-style configuration file) and what it prints from the
 * options. Byte 0 picks the form: bit 0 configuration file text
 * (hc_config_args, then hc_parse_args), else argv words split at NUL or
 * '\n'; bit 1 also feeds the text to the `ip -o address show` parser.
 * The bytes after it, when the options parse, drive the state machine.
 *
 * Promises checked: an error always says why; each API line the options
 * make is one line without control characters; and when no free-text
 * attribute option (communities, AS paths) is given, evbgpd's own API
 * parser accepts every line.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/api.h"
#include "healthcheck.h"
#include "evbgp/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_HC_MAX_ARGS	256
#define FUZZ_HC_MAX_INPUT	8192

static bool
free_text_attrs(const struct hc_opts *o)
{
	return o->community || o->disabled_community || o->ext_community ||
	    o->large_community || o->as_path || o->up_as_path ||
	    o->down_as_path || o->disabled_as_path;
}

static void
check_lines(const struct hc_opts *o)
{
	static const enum hc_state states[] = { HC_UP, HC_DOWN, HC_DISABLED,
		HC_EXIT };
	struct api_command cmd;
	struct sbuf line;
	char err[512];

	sbuf_init(&line);
	for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++)
		for (size_t i = 0; i < o->ips.n && i < 4; i++) {
			sbuf_reset(&line);
			hc_format_line(o, states[s], &o->ips.v[i], i, &line);
			for (size_t k = 0; k < line.len; k++)
				if ((unsigned char)line.p[k] < 0x20 ||
				    line.p[k] == 0x7f)
					abort();	/* a second line */
			sbuf_addc(&line, '\0');
			if (free_text_attrs(o))
				continue;
			if (api_parse(line.p, &cmd, err, sizeof(err)) == -1)
				abort();	/* evbgpd would refuse it */
			api_command_free(&cmd);
		}
	sbuf_free(&line);
}

/* A few rounds of the loop's decisions from the fuzzer's bits. */
static void
run_machine(const struct hc_opts *o, const uint8_t *bits, size_t n)
{
	struct hc_machine m;
	struct hc_tick t;

	hc_machine_init(&m);
	for (size_t i = 0; i < n && i < 64; i++) {
		hc_machine_tick(&m, o, bits[i] & 1, (bits[i] & 2) != 0, &t);
		if (t.sleep < 0)
			abort();
		if (t.end)
			break;
	}
}

static void
expand(const struct hc_opts *o)
{
	struct hc_pfxv hosts = { NULL, 0 };
	char err[256];

	/* each network may expand to HC_MAX_EXPAND hosts: keep it small */
	if (o->ips.n > 2)
		return;
	if (hc_expand_hosts(&o->ips, &hosts, err, sizeof(err)) == -1 &&
	    err[0] == '\0')
		abort();
	hc_rotate(&hosts, o->start_ip);
	hc_pfxv_free(&hosts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hc_strv args = { NULL, 0 };
	struct hc_opts o;
	struct hc_pfxv lo = { NULL, 0 };
	char err[512], *text, *w, *end;
	uint8_t mode;
	int rc;

	if (size < 1 || size > FUZZ_HC_MAX_INPUT)
		return 0;
	mode = data[0];
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	end = text + size - 1;

	hc_strv_add(&args, "evbgp-healthcheck");
	if (mode & 1) {
		hc_config_args(text, &args);
	} else {
		/* words split at NUL and newline, like argv */
		for (w = text; w < end && args.n < FUZZ_HC_MAX_ARGS;) {
			size_t l = strcspn(w, "\n");

			w[l] = '\0';
			hc_strv_add(&args, w);
			w += l + 1;
		}
	}
	if (mode & 2)
		hc_loopback_ips(text, (mode & 4) ? "lo" : NULL, &lo);
	hc_pfxv_free(&lo);

	hc_opts_init(&o);
	err[0] = '\0';
	rc = hc_parse_args(&o, (int)args.n, args.v, err, sizeof(err));
	if (rc == -1 && err[0] == '\0')
		abort();
	if (rc == 0) {
		check_lines(&o);
		run_machine(&o, data + 1, size - 1);
		expand(&o);
	}
	hc_opts_free(&o);
	hc_strv_free(&args);
	free(text);
	return 0;
}
