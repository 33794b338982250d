/*
 * Event encoders: every UPDATE (and the OPEN) of the conformance kit's
 * json4/ data against ExaBGP 4.2.21's JSON, the verbatim 4.2 messages of
 * reference/exabgp-compat.md §3.3 and text lines of §2.6, JSON string
 * escaping, and hostile peer strings in both dialects.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "evbgp/event_encode.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/nlri.h"
#include "evbgp/util.h"

#include "codec_hex.h"
#include "testlib.h"

#define KIT_DIR		EVBGP_KIT_DIR
#define JSON4_DIR	KIT_DIR "/json4"
#define NVEC(v)		(sizeof(v) / sizeof((v)[0]))

static const struct api_source src = { "vm", 14160, 14158, 1795609087.25 };

/* ---- JSON comparison (key order ignored, number types kept) ---- */

static const char *const volatile_keys[] = { "exabgp", "time", "host",
    "pid", "ppid", "counter" };

static bool
is_volatile(const char *key)
{
	for (size_t i = 0; i < NVEC(volatile_keys); i++)
		if (strcmp(key, volatile_keys[i]) == 0)
			return true;
	return false;
}

static bool jeq(struct json_object *a, struct json_object *b, bool top);

static size_t
obj_len(struct json_object *o, bool top)
{
	size_t n = 0;

	json_object_object_foreach(o, k, v) {
		(void)v;
		if (!top || !is_volatile(k))
			n++;
	}
	return n;
}

static bool
obj_eq(struct json_object *a, struct json_object *b, bool top)
{
	struct json_object *bv;

	if (obj_len(a, top) != obj_len(b, top))
		return false;
	json_object_object_foreach(a, k, v) {
		if (top && is_volatile(k))
			continue;
		if (!json_object_object_get_ex(b, k, &bv) ||
		    !jeq(v, bv, false))
			return false;
	}
	return true;
}

static bool
jeq(struct json_object *a, struct json_object *b, bool top)
{
	enum json_type t = json_object_get_type(a);

	if (t != json_object_get_type(b))
		return false;
	switch (t) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_int:
		return json_object_get_int64(a) == json_object_get_int64(b) &&
		    json_object_get_uint64(a) == json_object_get_uint64(b);
	case json_type_double:
		return json_object_get_double(a) == json_object_get_double(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a), json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		if (json_object_array_length(a) != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if (!jeq(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i), false))
				return false;
		return true;
	case json_type_object:
		return obj_eq(a, b, top);
	}
	return false;
}

/*
 * One event line: exactly one '\n', at the end; the rest parses as one
 * JSON object with nothing after it. Returns it (caller puts) or NULL.
 */
static struct json_object *
parse_line(const char *s, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (len == 0 || s[len - 1] != '\n' || memchr(s, '\n', len - 1) != NULL)
		return NULL;
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len - 1);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len - 1 ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Compare an emitted line with an expected JSON text. */
static bool
line_matches(const struct sbuf *out, const char *expected)
{
	struct json_object *got = parse_line(out->p, out->len);
	struct json_object *want = json_tokener_parse(expected);
	bool ok;

	ck_assert_msg(want != NULL, "bad expected JSON: %s", expected);
	ok = got != NULL && jeq(got, want, true);
	if (!ok)
		fprintf(stderr, "got:  %s\nwant: %s\n", out->p, expected);
	json_object_put(got);
	json_object_put(want);
	return ok;
}

/* ---- helpers ---- */

static struct api_neighbor
neighbor(const char *local, const char *peer, uint32_t las, uint32_t pas)
{
	struct api_neighbor nb;

	memset(&nb, 0, sizeof(nb));
	ck_assert_int_eq(addr_parse(local, &nb.local), 0);
	ck_assert_int_eq(addr_parse(peer, &nb.peer), 0);
	nb.local_as = las;
	nb.peer_as = pas;
	nb.counter = 1;
	return nb;
}

static const struct api_msg_opts parsed = { .parsed = true };

/* Decode a whole message (header included) of the given type. */
static size_t
message(const char *hex, uint8_t *buf, size_t cap, uint8_t type)
{
	size_t n = hex2bin(hex, buf, cap);

	ck_assert_uint_ge(n, BGP_HEADER_LEN);
	ck_assert_uint_eq(buf[18], type);
	return n;
}

static void
decode_update(const char *body_hex, const struct update_ctx *ctx,
    struct update_msg *m, uint8_t *buf, size_t cap)
{
	size_t n = hex2bin(body_hex, buf, cap);

	ck_assert_int_le(update_decode(buf, n, ctx, m), UPD_ATTR_DISCARD);
}

/* ---- the kit's json4/ data ---- */

struct kit_case {
	struct api_neighbor	 nb;
	struct update_ctx	 ctx;
};

static bool
kit_case_load(const char *name, struct kit_case *kc)
{
	char path[512], err[512];
	const struct cfg_neighbor *n;
	struct config *c;

	snprintf(path, sizeof(path), "%s/%s.conf", JSON4_DIR, name);
	if ((c = config_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return false;
	}
	ck_assert_uint_ge(c->nneighbors, 1);
	n = &c->neighbors[0];
	memset(kc, 0, sizeof(*kc));
	kc->nb.local = n->local_addr;
	kc->nb.peer.afi = n->peer.afi;
	memcpy(kc->nb.peer.b, n->peer.b, sizeof(kc->nb.peer.b));
	kc->nb.local_as = n->local_as;
	kc->nb.peer_as = n->peer_as;
	kc->ctx.asn4 = n->cap_asn4;
	kc->ctx.ebgp = n->local_as != n->peer_as;
	kc->ctx.families = n->families;
	if (n->cap_addpath & BGP_ADDPATH_RECEIVE)
		kc->ctx.addpath_rx = n->addpath_families & n->families;
	config_free(c);
	return true;
}

/* One line of NAME.jsonl: true when our JSON equals 4.2's. */
static bool
kit_line(const struct kit_case *kc, struct json_object *line,
    struct sbuf *out, struct update_msg *m, bool quiet)
{
	struct json_object *raw, *want, *got;
	static uint8_t buf[65536];
	struct bgp_open open;
	struct bgp_err err;
	struct api_msg_opts o = { .parsed = true };
	size_t n;
	bool ok;

	if (!json_object_object_get_ex(line, "raw", &raw) ||
	    !json_object_object_get_ex(line, "json", &want))
		return false;
	n = hex2bin(json_object_get_string(raw), buf, sizeof(buf));
	o.raw = buf;
	o.rawlen = n;
	sbuf_reset(out);
	if (buf[18] == BGP_MSG_OPEN) {
		if (open_decode(buf + 19, n - 19, &open, &err) != 0)
			return false;
		event_encode_open(out, ENCODER_JSON, &src, &kc->nb,
		    API_DIR_RECEIVE, &o, &open);
	} else {
		(void)update_decode(buf + 19, n - 19, &kc->ctx, m);
		event_encode_update(out, ENCODER_JSON, &src, &kc->nb,
		    API_DIR_RECEIVE, &o, m, kc->ctx.addpath_rx);
	}
	got = parse_line(out->p, out->len);
	ok = got != NULL && jeq(got, want, true);
	if (!ok && !quiet)
		fprintf(stderr, "MISMATCH\n got:  %s want: %s\n", out->p,
		    json_object_to_json_string_ext(want,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(got);
	return ok;
}

/* All lines of one case; returns the failures (messages). */
static int
kit_case_run(const char *name, int *total, bool quiet)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	struct kit_case kc;
	struct update_msg m;
	struct sbuf out;
	int pass = 0, fail = 0;
	FILE *f;

	if (!kit_case_load(name, &kc))
		return 1;
	snprintf(path, sizeof(path), "%s/%s.jsonl", JSON4_DIR, name);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	update_msg_init(&m);
	sbuf_init(&out);
	while (getline(&line, &cap, f) > 0) {
		struct json_object *l = json_tokener_parse(line);

		ck_assert_ptr_nonnull(l);
		if (kit_line(&kc, l, &out, &m, quiet))
			pass++;
		else {
			if (!quiet)
				fprintf(stderr, "  in %s line %d\n", name,
				    pass + fail + 1);
			fail++;
		}
		json_object_put(l);
	}
	printf("json4 %-28s %3d/%d\n", name, pass, pass + fail);
	*total += pass + fail;
	free(line);
	fclose(f);
	sbuf_free(&out);
	update_msg_free(&m);
	return fail;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every json4 case renders exactly as ExaBGP 4.2.21 does, except the cases
 * tests/conformance/pending.txt lists for the receive direction (their
 * mismatches are counted, not printed); a listed case that now renders
 * exactly fails the test until its line is removed.
 */
START_TEST(test_kit_json4)
{
	DIR *d = opendir(JSON4_DIR);
	struct kit_tally tally = { .nrows = 0 };
	struct kit_pending *pending;
	struct dirent *e;
	char *names[256], fam[48];
	size_t nnames = 0, l, npending;
	int bad = 0, total = 0, expected = 0;

	if (d == NULL) {
		printf("SKIP: %s not found; json4 data not checked\n",
		    JSON4_DIR);
		return;
	}
	while ((e = readdir(d)) != NULL && nnames < NVEC(names)) {
		l = strlen(e->d_name);
		if (l > 6 && strcmp(e->d_name + l - 6, ".jsonl") == 0)
			names[nnames++] = strndup(e->d_name, l - 6);
	}
	closedir(d);
	qsort(names, nnames, sizeof(names[0]), name_cmp);
	npending = kit_pending_load("receive", &pending);
	for (size_t i = 0; i < nnames; i++) {
		const struct kit_pending *row = kit_pending_find(pending,
		    npending, names[i]);
		int fail = kit_case_run(names[i], &total, row != NULL);

		kit_family(names[i], fam, sizeof(fam));
		if (fail == 0 && row == NULL)
			kit_tally_add(&tally, fam, KIT_PASS);
		else if (fail == 0) {
			printf("NOW PASSES %s: remove it from "
			    "tests/conformance/pending.txt\n", names[i]);
			kit_tally_add(&tally, fam, KIT_NOW_PASSES);
			bad++;
		} else if (row != NULL) {
			printf("expected failure %s (%s, %d message(s)): %s\n",
			    names[i], fam, fail, row->reason);
			kit_tally_add(&tally, fam, KIT_EXPECTED_FAIL);
			expected += fail;
		} else {
			kit_tally_add(&tally, fam, KIT_FAIL);
			bad++;
		}
		free(names[i]);
	}
	printf("json4: %zu cases, %d messages, %d expected failures\n", nnames,
	    total, expected);
	kit_tally_print(&tally, "json4");
	ck_assert_int_gt(total, 0);
	/* a receive row naming a case without json4 data is stale */
	for (size_t i = 0; i < npending; i++) {
		char p[512];

		snprintf(p, sizeof(p), "%s/%s.jsonl", JSON4_DIR,
		    pending[i].name);
		ck_assert_msg(access(p, R_OK) == 0,
		    "pending.txt: receive row %s has no json4 data",
		    pending[i].name);
	}
	free(pending);
	ck_assert_msg(bad == 0, "%d json4 case(s) differ from "
	    "tests/conformance/pending.txt (see above)", bad);
}
END_TEST

/* The three lines of a kit decoding file (header, hex, ExaBGP's JSON)
 * into lines[] (the caller frees them); false when the kit is absent. */
static bool
decoding_file(const char *name, char *lines[3])
{
	char path[512];
	size_t cap[3] = { 0, 0, 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/cases/decoding/%s", KIT_DIR, name);
	if ((f = fopen(path, "r")) == NULL) {
		printf("SKIP: kit decoding case %s not found\n", name);
		return false;
	}
	for (int i = 0; i < 3; i++) {
		lines[i] = NULL;
		ck_assert_int_gt(getline(&lines[i], &cap[i], f), 0);
	}
	fclose(f);
	return true;
}

/*
 * cases/decoding/bgp-open-sofware-version: "open", the hex, then the
 * 5.0-shaped JSON. Our OPEN is 4.2-shaped (json4 above checks it
 * exactly); here the parts both shapes share must agree.
 */
START_TEST(test_kit_decoding_open)
{
	static const char *const shared[] = { "version", "asn", "hold_time",
	    "router_id" };
	struct json_object *want, *got, *wo, *go, *wc, *gc, *a, *b;
	char *lines[3];
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65533,
	    65533);
	struct bgp_open open;
	struct bgp_err err;
	uint8_t buf[4096];
	struct sbuf out;
	size_t n;

	if (!decoding_file("bgp-open-sofware-version", lines))
		return;
	ck_assert_str_eq(lines[0], "open\n");
	n = message(lines[1], buf, sizeof(buf), BGP_MSG_OPEN);
	ck_assert_int_eq(open_decode(buf + 19, n - 19, &open, &err), 0);
	sbuf_init(&out);
	event_encode_open(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &open);
	ck_assert_ptr_nonnull(got = parse_line(out.p, out.len));
	ck_assert_ptr_nonnull(want = json_tokener_parse(lines[2]));
	ck_assert(json_object_object_get_ex(json_object_object_get(want,
	    "neighbor"), "open", &wo));
	ck_assert(json_object_object_get_ex(json_object_object_get(got,
	    "neighbor"), "open", &go));
	for (size_t i = 0; i < NVEC(shared); i++)
		ck_assert(jeq(json_object_object_get(wo, shared[i]),
		    json_object_object_get(go, shared[i]), false));
	wc = json_object_object_get(wo, "capabilities");
	gc = json_object_object_get(go, "capabilities");
	ck_assert(json_object_object_get_ex(wc, "1", &a) &&
	    json_object_object_get_ex(gc, "1", &b) && jeq(a, b, false));
	ck_assert(json_object_object_get_ex(wc, "65", &a) &&
	    json_object_object_get_ex(gc, "65", &b) && jeq(a, b, false));
	/* 75: 5.0 decodes the software version; 4.2 shows it unknown */
	ck_assert(json_object_object_get_ex(gc, "75", &b));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(b,
	    "name")), "unknown");
	json_object_put(got);
	json_object_put(want);
	sbuf_free(&out);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
}
END_TEST

/*
 * ExaBGP main's families (MVPN, MUP, SR Policy) have no json4 data:
 * 4.2 cannot decode them. Their cases carry main's JSON beside each raw
 * UPDATE (".ci" lines N:raw: then N:json:, and the decoding files'
 * third line). Our JSON is the 4.x dialect (as-path a list, no
 * "router-id"), so here the routes must be main's exactly ("announce",
 * "withdraw") and every attribute member main prints must be ours too
 * (but "next-hop", which main adds to withdrawals, and "as-path", whose
 * shape is the dialect's).
 */
static const char *const main_json_cases[] = {
	"/cases/encoding/conf-mvpn.ci", "/cases/api/api-mvpn.ci",
	"/cases/encoding/conf-srv6-mup.ci", "/cases/api/api-ipv4.ci",
	"/cases/api/api-ipv6.ci", "/cases/decoding/bgp-sr-policy-1",
	"/cases/decoding/bgp-sr-policy-2", "/cases/decoding/bgp-ls-2",
	"/cases/decoding/bgp-ls-3", "/cases/decoding/bgp-ls-4",
	"/cases/decoding/bgp-ls-5", "/cases/decoding/bgp-ls-6",
	"/cases/decoding/bgp-ls-8", "/cases/decoding/bgp-ls-9",
	"/cases/decoding/bgp-ls-10",
};

/* The "update" object of an event line (ours or main's), or NULL. */
static struct json_object *
update_of(struct json_object *o)
{
	struct json_object *n, *m, *u;

	if (!json_object_object_get_ex(o, "neighbor", &n) ||
	    !json_object_object_get_ex(n, "message", &m) ||
	    !json_object_object_get_ex(m, "update", &u))
		return NULL;
	return u;
}

static bool
main_json_same(struct json_object *got, struct json_object *want)
{
	static const char *const routes[] = { "announce", "withdraw" };
	struct json_object *gu = update_of(got), *wu = update_of(want);
	struct json_object *ga = NULL, *wa = NULL, *g, *w, *v;

	if (gu == NULL || wu == NULL)
		return false;
	for (size_t i = 0; i < NVEC(routes); i++) {
		bool hg = json_object_object_get_ex(gu, routes[i], &g);
		bool hw = json_object_object_get_ex(wu, routes[i], &w);

		if (hg != hw || (hw && !jeq(g, w, false)))
			return false;
	}
	(void)json_object_object_get_ex(gu, "attribute", &ga);
	if (!json_object_object_get_ex(wu, "attribute", &wa))
		return true;
	json_object_object_foreach(wa, k, wv) {
		if (strcmp(k, "next-hop") == 0 || strcmp(k, "as-path") == 0)
			continue;
		if (ga == NULL || !json_object_object_get_ex(ga, k, &v) ||
		    !jeq(v, wv, false))
			return false;
	}
	return true;
}

/* Decode hex (a whole UPDATE) for an iBGP session of every family and
 * compare with main's JSON text; returns true when they agree. */
static bool
main_json_line(const char *hex, const char *json, struct sbuf *out)
{
	static uint8_t buf[65536];
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65000,
	    65000);
	struct api_msg_opts o = { .parsed = true };
	struct update_ctx ctx;
	struct update_msg m;
	struct json_object *got, *want;
	size_t n = hex2bin(hex, buf, sizeof(buf));
	enum update_verdict v;
	bool ok;

	memset(&ctx, 0, sizeof(ctx));
	ctx.asn4 = true;
	ctx.families = nlri_spoken();
	/* the decoding files come from eBGP sessions too: no LOCAL_PREF */
	ctx.ebgp = strstr(json, "\"local-preference\"") == NULL;
	ck_assert_uint_ge(n, BGP_HEADER_LEN);
	update_msg_init(&m);
	v = update_decode(buf + 19, n - 19, &ctx, &m);
	ck_assert_msg(v <= UPD_ATTR_DISCARD, "verdict %d: %s", v,
	    m.reason != NULL ? m.reason : "-");
	sbuf_reset(out);
	/* the text encoder too: lines of printable text */
	sbuf_reset(out);
	event_encode_update(out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE, &o,
	    &m, 0);
	ck_assert_uint_gt(out->len, 0);
	ck_assert_int_eq(out->p[out->len - 1], '\n');
	for (size_t i = 0; i < out->len; i++)
		ck_assert(out->p[i] == '\n' || (out->p[i] >= 0x20 &&
		    out->p[i] < 0x7f));
	sbuf_reset(out);
	event_encode_update(out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE, &o,
	    &m, 0);
	update_msg_free(&m);
	got = parse_line(out->p, out->len);
	want = json_tokener_parse(json);
	ck_assert_ptr_nonnull(want);
	ok = got != NULL && main_json_same(got, want);
	if (!ok)
		fprintf(stderr, "MISMATCH\n got:  %s want: %s\n", out->p,
		    json);
	json_object_put(got);
	json_object_put(want);
	return ok;
}

START_TEST(test_kit_main_json)
{
	char path[512], *line = NULL, *raw = NULL;
	size_t cap = 0;
	int total = 0, bad = 0, lineno;
	struct sbuf out;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", KIT_DIR, main_json_cases[_i]);
	if ((f = fopen(path, "r")) == NULL) {
		printf("SKIP: %s not found\n", path);
		return;
	}
	sbuf_init(&out);
	for (lineno = 1; getline(&line, &cap, f) > 0; lineno++) {
		char *p = line, *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (strchr(p, '#') != NULL)
			continue;
		/* a decoding file: header, hex, JSON */
		if (strstr(path, "/decoding/") != NULL) {
			/* a body-only line gets its header */
			if (lineno == 2 && strncasecmp(p, "FFFF", 4) == 0)
				raw = xstrdup(p);
			else if (lineno == 2) {
				size_t l = strlen(p) / 2 + BGP_HEADER_LEN;

				raw = xmalloc(strlen(p) + 40);
				snprintf(raw, strlen(p) + 40, "FFFFFFFFFFFFFFFF"
				    "FFFFFFFFFFFFFFFF%04zX02%s", l, p);
			}
			if (lineno == 3) {
				total++;
				bad += !main_json_line(raw, p, &out);
			}
			continue;
		}
		/* "N:raw:HEX" or "N:json:{...}", N with an optional letter */
		p = strchr(p, ':');
		if (p == NULL)
			continue;
		if (strncmp(p + 1, "raw:", 4) == 0) {
			char *q, *d;

			/* a raw without JSON (an End-of-RIB) is not compared */
			free(raw);
			q = d = raw = xstrdup(p + 5);

			/* ':' separators out */
			for (; *q != '\0'; q++)
				if (*q != ':')
					*d++ = *q;
			*d = '\0';
			continue;
		}
		if (strncmp(p + 1, "json:", 5) == 0 && raw != NULL) {
			total++;
			if (!main_json_line(raw, p + 6, &out)) {
				fprintf(stderr, "  in %s line %d\n", path,
				    lineno);
				bad++;
			}
			free(raw);
			raw = NULL;
		}
	}
	printf("main json %-40s %d/%d\n", main_json_cases[_i], total - bad,
	    total);
	ck_assert_int_gt(total, 0);
	ck_assert_int_eq(bad, 0);
	free(raw);
	free(line);
	fclose(f);
	sbuf_free(&out);
}
END_TEST

/* cases/decoding/bgp-ls-1: one BGP-LS NLRI and main's JSON of it. */
START_TEST(test_kit_bgpls_nlri)
{
	char *lines[3];
	struct json_object *want, *got;
	uint8_t buf[4096];
	struct sbuf out;
	struct nlri n;
	struct rbuf r;
	size_t len;

	if (!decoding_file("bgp-ls-1", lines))
		return;
	ck_assert_str_eq(lines[0], "nlri bgp-ls bgp-ls\n");
	len = hex2bin(lines[1], buf, sizeof(buf));
	rbuf_init(&r, buf, len);
	ck_assert_int_eq(nlri_get(&r, FAM_BGPLS, false, false, &n, NULL), 0);
	ck_assert_uint_eq(rbuf_left(&r), 0);
	sbuf_init(&out);
	sbuf_addc(&out, '{');
	nlri_json(&out, &n, false, NULL);
	sbuf_adds(&out, "}\n");
	ck_assert_ptr_nonnull(got = parse_line(out.p, out.len));
	ck_assert_ptr_nonnull(want = json_tokener_parse(lines[2]));
	ck_assert_msg(jeq(got, want, false), "got %s", out.p);
	json_object_put(got);
	json_object_put(want);
	sbuf_free(&out);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
}
END_TEST

/* A BGP-LS attribute's floats (bandwidths) that are no JSON number or
 * too large to be integral (fuzz_decode found the cast): valid JSON. */
START_TEST(test_bgpls_floats)
{
	static const char *body = "0000 004C 40010100 400200 400304 0A000001 "
	    "400504 00000064 801D34 0441 0004 7BFF0000 0442 0004 7FC00000 "
	    "0443 0020 7F800000 FF800000 7F7FFFFF 00000001 80000000 4B800000 "
	    "5A000000 3F000000 180A0000";
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65000,
	    65000);
	struct update_ctx ctx = { .asn4 = true, .families = nlri_spoken() };
	struct json_object *got, *attr, *ls, *v;
	struct update_msg m;
	uint8_t buf[512];
	struct sbuf out;

	update_msg_init(&m);
	decode_update(body, &ctx, &m, buf, sizeof(buf));
	sbuf_init(&out);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_msg((got = parse_line(out.p, out.len)) != NULL, "%s", out.p);
	ck_assert(json_object_object_get_ex(update_of(got), "attribute",
	    &attr));
	ck_assert(json_object_object_get_ex(attr, "bgp-ls", &ls));
	ck_assert(json_object_object_get_ex(ls, "maximum-link-bandwidth", &v));
	ck_assert(json_object_get_double(v) > 6e35);
	ck_assert(json_object_object_get_ex(ls,
	    "maximum-reservable-link-bandwidth", &v));
	ck_assert(json_object_is_type(v, json_type_null));
	ck_assert(json_object_object_get_ex(ls, "unreserved-bandwidth", &v));
	ck_assert_uint_eq(json_object_array_length(v), 8);
	ck_assert(json_object_is_type(json_object_array_get_idx(v, 0),
	    json_type_null));
	ck_assert_double_eq(json_object_get_double(
	    json_object_array_get_idx(v, 5)), 16777216.0);
	json_object_put(got);
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* The text encoder shows an SRv6 service Prefix-SID in ExaBGP main's
 * route syntax (the kit's first MUP route), and a MUP route's name. */
START_TEST(test_text_srv6_service)
{
	static const char *body =
	    "000000694001010040020040050400000064C010080002000A000000"
	    "0AC028250500220001001E0020010DB8000100010000000000000000"
	    "00004800010006401810000000800E25000155102001000000000000"
	    "0000000000000001000100010C0000006400000064180A0001";
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65000,
	    65000);
	struct update_ctx ctx = { .asn4 = true, .families = nlri_spoken() };
	struct update_msg m;
	uint8_t buf[512];
	struct sbuf out;

	update_msg_init(&m);
	decode_update(body, &ctx, &m, buf, sizeof(buf));
	sbuf_init(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_msg(strstr(out.p, "announced mup:isd::100:100:10.0.1.0/24 "
	    "next-hop 2001::1 origin igp local-preference 100 "
	    "extended-community target:10:10 bgp-prefix-sid-srv6 ( "
	    "l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )\n") != NULL,
	    "%s", out.p);
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* The text encoder shows a received SR Policy in ExaBGP main's route
 * words (the kit's bgp-sr-policy-2: every sub-TLV it has words for). */
START_TEST(test_text_sr_policy)
{
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65533,
	    65533);
	struct update_ctx ctx = { .asn4 = true, .families = nlri_spoken() };
	struct update_msg m;
	uint8_t buf[4096];
	struct sbuf out;
	char *lines[3];
	size_t n;

	if (!decoding_file("bgp-sr-policy-2", lines))
		return;
	n = message(lines[1], buf, sizeof(buf), BGP_MSG_UPDATE);
	update_msg_init(&m);
	ck_assert_int_eq(update_decode(buf + 19, n - 19, &ctx, &m), UPD_OK);
	sbuf_init(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_msg(strstr(out.p, "announced sr-policy distinguisher 1 "
	    "color 200 endpoint 10.0.0.2 next-hop 192.0.2.1 origin igp "
	    "local-preference 100 preference 200 srv6-binding-sid fc00::1 "
	    "segment-list weight 2 segment type-b srv6 fc00::1 "
	    "endpoint-behavior 65 32 0 16 0 policy-name my-policy "
	    "candidate-path-name primary\n") != NULL, "%s", out.p);
	sbuf_free(&out);
	update_msg_free(&m);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
}
END_TEST

/* ---- compat §3.3: verbatim 4.2.21 messages ---- */

#define NB61 "\"neighbor\": { \"address\": { \"local\": \"127.0.0.61\", " \
	"\"peer\": \"127.0.0.62\" }, \"asn\": { \"local\": 65001, " \
	"\"peer\": 65002 } , "
#define ENV(counter, type) "{ \"exabgp\": \"4.0.1\", \"time\": " \
	"1795609087.3067794, \"host\" : \"vm\", \"pid\" : 14160, " \
	"\"ppid\" : 14158, \"counter\": " #counter ", \"type\": \"" type \
	"\", "

static struct api_neighbor
nb61(void)
{
	return neighbor("127.0.0.61", "127.0.0.62", 65001, 65002);
}

START_TEST(test_golden_state)
{
	struct api_neighbor nb = nb61();
	struct sbuf out;

	sbuf_init(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "connected", NULL);
	ck_assert(line_matches(&out, ENV(1, "state") NB61
	    "\"state\": \"connected\" } }"));
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "up", NULL);
	ck_assert(line_matches(&out, ENV(4, "state") NB61
	    "\"state\": \"up\" } }"));
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "down",
	    "peer reset, message [closing connection] error[the TCP "
	    "connection was closed by the remote end]");
	ck_assert(line_matches(&out, ENV(20, "state") NB61
	    "\"state\": \"down\", \"reason\": \"peer reset, message (closing "
	    "connection) error(the TCP connection was closed by the remote "
	    "end)\" } }"));
	sbuf_free(&out);
}
END_TEST

START_TEST(test_golden_keepalive_shutdown)
{
	struct api_neighbor nb = nb61();
	struct sbuf out;
	struct json_object *o;

	sbuf_init(&out);
	event_encode_keepalive(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed);
	ck_assert(line_matches(&out, ENV(3, "keepalive") NB61
	    "\"direction\": \"receive\"  } }"));
	sbuf_reset(&out);
	event_encode_shutdown(&out, ENCODER_JSON, &src);
	ck_assert(line_matches(&out, "{ \"exabgp\": \"4.0.1\", \"time\": "
	    "1795609136.202748, \"host\" : \"vm\", \"pid\" : 14160, \"ppid\" : "
	    "14158, \"type\": \"notification\", \"notification\": "
	    "\"shutdown\" }"));
	/* volatile keys: present with the right types, counter absent */
	ck_assert_ptr_nonnull(o = parse_line(out.p, out.len));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o,
	    "exabgp")), "4.0.1");
	ck_assert(json_object_is_type(json_object_object_get(o, "time"),
	    json_type_double));
	ck_assert_int_eq(json_object_get_int(json_object_object_get(o,
	    "pid")), 14160);
	ck_assert(!json_object_object_get_ex(o, "counter", NULL));
	json_object_put(o);
	sbuf_free(&out);
}
END_TEST

START_TEST(test_golden_notification_refresh)
{
	struct api_neighbor nb = nb61();
	static const uint8_t data[] = { 0x05, 'b', 'y', 'e', '!', '!' };
	struct sbuf out;

	sbuf_init(&out);
	event_encode_notification(&out, ENCODER_JSON, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 6, 3, data, 3);
	ck_assert(line_matches(&out, ENV(18, "notification") NB61
	    "\"direction\": \"receive\", \"notification\": { \"code\": 6, "
	    "\"subcode\": 3, \"data\": \"0x056279\" } } }"));
	/* RFC 9003 text (Cease 2): main's "message" key added */
	sbuf_reset(&out);
	event_encode_notification(&out, ENCODER_JSON, &src, &nb, API_DIR_SEND,
	    &parsed, 6, 2, data, sizeof(data));
	ck_assert(line_matches(&out, ENV(18, "notification") NB61
	    "\"direction\": \"send\", \"notification\": { \"code\": 6, "
	    "\"subcode\": 2, \"data\": \"0x056279652121\", \"message\": "
	    "\"bye!!\" } } }"));
	/* 4.2's invalid JSON, fixed */
	sbuf_reset(&out);
	event_encode_refresh(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, 1, 1, 0);
	ck_assert(line_matches(&out, ENV(17, "refresh") NB61
	    "\"direction\": \"receive\", \"route-refresh\": { \"afi\": "
	    "\"ipv4\", \"safi\": \"unicast\", \"subtype\": \"query\" } } }"));
	sbuf_free(&out);
}
END_TEST

/* §3.3 OPEN (multiprotocol x3, asn4, add-path, GR, RR, ERR, ext msg) */
#define OPEN33 FFx16 "0067 01 04 FDEA 001E 0A000002 4A" \
	"02060104000100 01" "02060104000100 85" "02060104000200 01" \
	"0206 4104 0000FDEA" "020A 4508 00010103 00020103" \
	"0210 400E 8078 00010180 00018580 00020180" \
	"0202 0200" "0202 4600" "0202 0600"

START_TEST(test_golden_open)
{
	struct api_neighbor nb = nb61();
	struct bgp_open open;
	struct bgp_err err;
	uint8_t buf[512];
	struct sbuf out;
	size_t n = message(OPEN33, buf, sizeof(buf), BGP_MSG_OPEN);

	ck_assert_int_eq(open_decode(buf + 19, n - 19, &open, &err), 0);
	sbuf_init(&out);
	event_encode_open(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &open);
	ck_assert(line_matches(&out, ENV(2, "open") NB61
	    "\"direction\": \"receive\", \"open\": { \"version\": 4, \"asn\": "
	    "65002, \"hold_time\": 30, \"router_id\": \"10.0.0.2\", "
	    "\"capabilities\": { \"1\": { \"name\": \"multiprotocol\", "
	    "\"families\": [ \"ipv4/unicast\", \"ipv4/flow\", \"ipv6/unicast\" "
	    "] }, \"65\": { \"name\": \"asn4\", \"asn4\": 65002 }, \"69\": { "
	    "\"name\": \"addpath\", \"ipv4/unicast\": \"send/receive\","
	    "\"ipv6/unicast\": \"send/receive\" }, \"64\": { \"name\": "
	    "\"graceful restart\", \"time\": 120, \"address-family-flags\": { "
	    "\"ipv4/unicast\": [ \"restart\" ] , \"ipv4/flow\": [ \"restart\" "
	    "] , \"ipv6/unicast\": [ \"restart\" ] }, \"restart-flags\": [ "
	    "\"forwarding\" ] }, \"2\": { \"name\": \"route-refresh\", "
	    "\"variant\": \"RFC\" }, \"70\": { \"name\": "
	    "\"enhanced-route-refresh\" }, \"6\": { \"name\": "
	    "\"extended-message\", \"size\": 65535 } } } } }"));
	sbuf_free(&out);
}
END_TEST

#define V4	FAMSET(FAM_IPV4_UNICAST)
#define V6	FAMSET(FAM_IPV6_UNICAST)

/* The §3.3 session: eBGP, add-path both families. */
static const struct update_ctx ctx33 = { .asn4 = true, .ebgp = true,
    .families = V4 | V6, .addpath_rx = V4 | V6 };
/*
 * Our decoder drops ORIGINATOR_ID and CLUSTER_LIST from an eBGP peer
 * (RFC 7606 §7.9, §7.10), 4.2 showed them: put them back for the encoder.
 */
static void
add_rr_attrs(struct attrs *a)
{
	a->originator_id = 0x01010101;
	a->has |= ATTR_HAS_ORIGINATOR_ID;
	attrs_add_cluster(a, 0x02020202);
	attrs_add_cluster(a, 0x03030303);
}

static const struct golden_update {
	const char		*body;
	const struct update_ctx	*ctx;
	const char		*json;
	void			(*fix)(struct attrs *);
} golden_updates[] = {
	{ "0000 0026 40010100 400206 0201 0000FDEA 400304 0A000002"
	  "800404 0000000A C00808 FDE80001 FFFFFF01 00000000 18C00002",
	  &ctx33, ENV(5, "update") NB61 "\"direction\": \"receive\", "
	  "\"message\": { \"update\": { \"attribute\": { \"origin\": \"igp\", "
	  "\"as-path\": [ 65002 ], \"confederation-path\": [], \"med\": 10, "
	  "\"community\": [ [ 65000, 1 ], [ 65535, 65281 ] ] }, \"announce\": "
	  "{ \"ipv4 unicast\": { \"10.0.0.2\": [ { \"nlri\": \"192.0.2.0/24\", "
	  "\"path-information\": \"0.0.0.0\" } ] } } } } } }", NULL },
	{ "00000000", &ctx33, ENV(6, "update") NB61 "\"direction\": "
	  "\"receive\", \"message\": { \"eor\": { \"afi\" : \"ipv4\", "
	  "\"safi\" : \"unicast\" } } } }", NULL },
	{ "0000 0032 40010101 40020A 0202 0000FDEA 0000FDF2 400304 7F00003E"
	  "C01008 0002FDE800000001 C0200C 0000FDE8 00000001 00000002"
	  "00000000 18C63364",
	  &ctx33, ENV(9, "update") NB61 "\"direction\": \"receive\", "
	  "\"message\": { \"update\": { \"attribute\": { \"origin\": \"egp\", "
	  "\"as-path\": [ 65002, 65010 ], \"confederation-path\": [], "
	  "\"extended-community\": [ { \"value\": 842122827661313, "
	  "\"string\": \"target:65000:1\" } ], \"large-community\": [ [ "
	  "65000, 1 , 2 ] ] }, \"announce\": { \"ipv4 unicast\": { "
	  "\"127.0.0.62\": [ { \"nlri\": \"198.51.100.0/24\", "
	  "\"path-information\": \"0.0.0.0\" } ] } } } } } }", NULL },
	{ "0000 002E 40010100 400206 0201 0000FDEA"
	  "800E1E 0002 01 10 20010DB8000000000000000000000001 00"
	  "00000007 20 20010DB8",
	  &ctx33, ENV(10, "update") NB61 "\"direction\": \"receive\", "
	  "\"message\": { \"update\": { \"attribute\": { \"origin\": \"igp\", "
	  "\"as-path\": [ 65002 ], \"confederation-path\": [] }, \"announce\": "
	  "{ \"ipv6 unicast\": { \"2001:db8::1\": [ { \"nlri\": "
	  "\"2001:db8::/32\", \"path-information\": \"0.0.0.7\" } ] } } } } "
	  "} }", NULL },
	{ "0000 003B 40010100 400206 0201 0000FDEA 400304 0A000002 400600"
	  "C00708 0000FDEA 0A000002 800904 01010101 800A08 02020202 03030303"
	  "C06304 01020304 00000000 100A01",
	  &ctx33, ENV(12, "update") NB61 "\"direction\": \"receive\", "
	  "\"message\": { \"update\": { \"attribute\": { \"origin\": \"igp\", "
	  "\"as-path\": [ 65002 ], \"confederation-path\": [], "
	  "\"atomic-aggregate\": true, \"aggregator\": \"65002:10.0.0.2\", "
	  "\"originator-id\": \"1.1.1.1\", \"cluster-list\": [ \"2.2.2.2\", "
	  "\"3.3.3.3\" ], \"attribute-0x63-0xE0\": \"0x01020304\" }, "
	  "\"announce\": { \"ipv4 unicast\": { \"10.0.0.2\": [ { \"nlri\": "
	  "\"10.1.0.0/16\", \"path-information\": \"0.0.0.0\" } ] } } } } } }",
	  add_rr_attrs },
	{ "0008 00000000 18C63364 0000",
	  &ctx33, ENV(15, "update") NB61 "\"direction\": \"receive\", "
	  "\"message\": { \"update\": { \"withdraw\": { \"ipv4 unicast\": [ { "
	  "\"nlri\": \"198.51.100.0/24\", \"path-information\": \"0.0.0.0\" } "
	  "] } } } } }", NULL },
};

START_TEST(test_golden_update)
{
	const struct golden_update *g = &golden_updates[_i];
	struct api_neighbor nb = nb61();
	struct update_msg m;
	uint8_t buf[512];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	decode_update(g->body, g->ctx, &m, buf, sizeof(buf));
	if (g->fix != NULL)
		g->fix(&m.attrs);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, g->ctx->addpath_rx);
	ck_assert(line_matches(&out, g->json));
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* NLRI sharing a next hop share a list; other next hops get their own. */
START_TEST(test_update_grouping)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6 };
	struct api_neighbor nb = nb61();
	struct update_msg m;
	uint8_t buf[512];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	/* withdraw 10.9/16 + 2001:db8:9::/48; announce 10.1/16 10.2/16 */
	decode_update("0003 100A09 0048 40010100 400200 400304 0A000001"
	    "400504 00000064"
	    "800F0A 0002 01 30 20010DB80009"
	    "800E23 0002 01 10 20010DB8000000000000000000000001 00"
	    "30 20010DB80001 30 20010DB80002"
	    "100A01 100A02", &ctx, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"local-preference\": 100 },"
	    " \"announce\": { \"ipv4 unicast\": { \"10.0.0.1\": [ { \"nlri\": "
	    "\"10.1.0.0/16\" }, { \"nlri\": \"10.2.0.0/16\" } ] }, "
	    "\"ipv6 unicast\": { \"2001:db8::1\": [ { \"nlri\": "
	    "\"2001:db8:1::/48\" }, { \"nlri\": \"2001:db8:2::/48\" } ] } }, "
	    "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"10.9.0.0/16\" } "
	    "], \"ipv6 unicast\": [ { \"nlri\": \"2001:db8:9::/48\" } ] } } } "
	    "} }"));
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/*
 * A 2-octet session: AS_PATH merged with AS4_PATH (sets, confederation
 * apart), AS4_AGGREGATOR replacing AS_TRANS, AIGP, and 4.2's spelling of
 * a site-of-origin extended community; JSON and text agree.
 */
START_TEST(test_update_as4_merge)
{
	static const struct update_ctx ctx = { .asn4 = false,
	    .families = V4 };
	struct api_neighbor nb = nb61();
	struct update_msg m;
	uint8_t buf[256];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	decode_update("0000 0061 40010100"
	    "400212 0301 0001 0203 0064 5BA0 00C8 0102 012C 0190"
	    "400304 0A000001 400504 00000064 C00706 5BA0 0A000001"
	    "C01008 0003006400 0003E8"
	    "C0110A 0202 00011170 000000C8 C01208 00011170 0A000001"
	    "801A0B 01000B 0000000000000064 180A0000", &ctx, &m, buf,
	    sizeof(buf));
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": [ 100, 70000, "
	    "200 ], \"as-set\": [ 300, 400 ], \"confederation-path\": [ 1 ], "
	    "\"local-preference\": 100, \"aggregator\": \"70000:10.0.0.1\", "
	    "\"extended-community\": [ { \"value\": 844854426862568, "
	    "\"string\": \"origin:100:0.0.3.232\" } ], \"aigp\": 100 }, "
	    "\"announce\": { \"ipv4 unicast\": { \"10.0.0.1\": [ { \"nlri\": "
	    "\"10.0.0.0/24\" } ] } } } } } }"));
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update announced 10.0.0.0/24 "
	    "next-hop 10.0.0.1 origin igp as-path [ 100 70000 200 ( 300 400 ) "
	    "] confederation-path [ 1 ] local-preference 100 aggregator ( "
	    "70000:10.0.0.1 ) extended-community origin:100:0.0.3.232 aigp "
	    "100\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* IPv6: a global + link-local next hop is two next hops, the route
 * under each (ExaBGP 4.2's MPRNLRI.unpack; the kit's conf-llnh-update
 * json4 data), send, EoR. */
START_TEST(test_update_ipv6)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6 };
	struct api_neighbor nb = neighbor("2001:db8::2", "2001:db8::1", 65001,
	    65001);
	struct update_msg m;
	uint8_t buf[256];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	decode_update("0000 003F 40010100 400200 400504 00000064"
	    "800E2E 0002 01 20 20010DB8000000000000000000000001"
	    "FE800000000000000000000000000001 00 40 20010DB800010000",
	    &ctx, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_SEND,
	    &parsed, &m, 0);
	ck_assert(line_matches(&out, "{ \"type\": \"update\", \"neighbor\": { "
	    "\"address\": { \"local\": \"2001:db8::2\", \"peer\": "
	    "\"2001:db8::1\" }, \"asn\": { \"local\": 65001, \"peer\": "
	    "65001 }, "
	    "\"direction\": \"send\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"local-preference\": 100 },"
	    " \"announce\": { \"ipv6 unicast\": { \"2001:db8::1\": [ { "
	    "\"nlri\": \"2001:db8:1::/64\" } ], \"fe80::1\": [ { "
	    "\"nlri\": \"2001:db8:1::/64\" } ] } } } } } }"));
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_SEND,
	    &parsed, &m, 0);
	ck_assert_str_eq(out.p, "neighbor 2001:db8::1 send update start\n"
	    "neighbor 2001:db8::1 send update announced 2001:db8:1::/64 "
	    "next-hop 2001:db8::1 origin igp local-preference 100\n"
	    "neighbor 2001:db8::1 send update announced 2001:db8:1::/64 "
	    "next-hop fe80::1 origin igp local-preference 100\n"
	    "neighbor 2001:db8::1 send update end\n");

	decode_update("0000 0006 800F03 000201", &ctx, &m, buf, sizeof(buf));
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_ptr_nonnull(strstr(out.p,
	    "\"message\":{\"eor\":{\"afi\":\"ipv6\",\"safi\":\"unicast\"}}"));
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_str_eq(out.p, "neighbor 2001:db8::1 receive update start\n"
	    "neighbor 2001:db8::1 receive update route eor 2/1 (ipv6 unicast)\n"
	    "neighbor 2001:db8::1 receive update end\n");
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* A session-reset verdict is an empty update, never a crash. */
START_TEST(test_update_reset)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 };
	struct api_neighbor nb = nb61();
	struct update_msg m;
	uint8_t buf[64];
	struct sbuf out;
	size_t n = hex2bin("0000 0010 40010100", buf, sizeof(buf));

	update_msg_init(&m);
	sbuf_init(&out);
	ck_assert_int_eq(update_decode(buf, n, &ctx, &m), UPD_SESSION_RESET);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { } } "
	    "} }"));
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* An OPEN we built (no receive order): open_encode()'s order, no "\/". */
START_TEST(test_open_built)
{
	struct api_neighbor nb = nb61();
	struct api_source whole = { "host", 1, 2, 1700000000.0 };
	struct json_object *o, *t;
	struct bgp_open open;
	struct sbuf out;

	memset(&open, 0, sizeof(open));
	open.version = 4;
	open.my_as = BGP_AS_TRANS;
	open.hold_time = 180;
	open.bgp_id = 0x01020304;
	open.caps.mp = V4 | V6;
	open.caps.asn4 = true;
	open.caps.as4 = 4200000000u;
	open.caps.route_refresh = true;
	open.caps.fqdn = true;
	snprintf(open.caps.hostname, sizeof(open.caps.hostname), "rtr");
	/* 75 and 77, fields of an OPEN we built: as 4.2 shows them */
	snprintf(open.caps.software, sizeof(open.caps.software), "ev/1");
	open.caps.link_local_nh = true;
	open.caps.nunknown = 1;
	open.caps.unknown[0].code = 200;
	open.caps.unknown[0].len = 2;
	open.caps.unknown[0].data[0] = 0xab;
	open.caps.unknown[0].data[1] = 0x01;
	sbuf_init(&out);
	event_encode_open(&out, ENCODER_JSON, &whole, &nb, API_DIR_SEND,
	    &parsed, &open);
	ck_assert_ptr_null(strstr(out.p, "\\/"));
	ck_assert_ptr_nonnull(strstr(out.p, "\"capabilities\":{\"1\":{\"name\":"
	    "\"multiprotocol\",\"families\":[\"ipv4/unicast\","
	    "\"ipv6/unicast\"]}"
	    ",\"65\":{\"name\":\"asn4\",\"asn4\":4200000000},\"2\":{\"name\":"
	    "\"route-refresh\",\"variant\":\"RFC\"},\"73\":{\"name\":"
	    "\"hostname\",\"host-name\":\"rtr\",\"domain-name\":\"\"},\"75\":{"
	    "\"name\":\"unknown\",\"iana\":\"unassigned\",\"value\":75,"
	    "\"raw\":\"0465762F31\"},\"77\":{\"name\":\"unknown\",\"iana\":"
	    "\"unassigned\",\"value\":77,\"raw\":\"\"},\"200\":{"
	    "\"name\":\"unknown\",\"iana\":\"reserved\",\"value\":200,\"raw\":"
	    "\"AB01\"}}"));
	ck_assert_ptr_nonnull(strstr(out.p, "\"asn\":23456,"));
	/* an integral time is still a float */
	ck_assert_ptr_nonnull(o = parse_line(out.p, out.len));
	t = json_object_object_get(o, "time");
	ck_assert(json_object_is_type(t, json_type_double));
	json_object_put(o);
	sbuf_reset(&out);
	event_encode_open(&out, ENCODER_TEXT, &whole, &nb, API_DIR_SEND,
	    &parsed, &open);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 send open version 4 asn "
	    "23456 hold_time 180 router_id 1.2.3.4 capabilities "
	    "[multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, "
	    "asn4(4200000000), hostname(rtr ), unassigned 75, unassigned 77, "
	    "reserved 200]\n");
	sbuf_free(&out);
}
END_TEST

/* packets: raw form only; consolidate: parsed + header/body. */
START_TEST(test_packets_consolidate)
{
	struct api_neighbor nb = nb61();
	uint8_t ka[19];
	struct api_msg_opts o = { .packets = true, .raw = ka, .rawlen = 19 };
	struct sbuf out;

	memset(ka, 0xff, 16);
	ka[16] = 0, ka[17] = 19, ka[18] = BGP_MSG_KEEPALIVE;
	sbuf_init(&out);
	event_encode_keepalive(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &o);
	ck_assert(line_matches(&out, ENV(1, "keepalive") NB61
	    "\"direction\": \"receive\", \"message\": { \"category\": 4, "
	    "\"header\": \"0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304\", "
	    "\"body\": \"0x\" } } }"));
	o.packets = false;
	o.consolidate = true;
	sbuf_reset(&out);
	event_encode_keepalive(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &o);
	ck_assert(line_matches(&out, ENV(1, "keepalive") "\"header\": "
	    "\"0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304\", \"body\": \"0x\", "
	    NB61 "\"direction\": \"receive\" } }"));
	/* the envelope order of §3.2: header/body between type and neighbor */
	ck_assert_ptr_nonnull(strstr(out.p, "\"type\":\"keepalive\","
	    "\"header\":"));
	ck_assert_ptr_nonnull(strstr(out.p, "\"body\":\"0x\",\"neighbor\":"));
	sbuf_reset(&out);
	event_encode_keepalive(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &o);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive keepalive header "
	    "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304 body 0x\n");
	o.consolidate = false;
	o.packets = true;
	sbuf_reset(&out);
	event_encode_keepalive(&out, ENCODER_TEXT, &src, &nb, API_DIR_SEND, &o);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 send 4 header "
	    "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304 body 0x\n");
	sbuf_free(&out);
}
END_TEST

/* A consolidated text UPDATE: the hex line comes before "update end". */
START_TEST(test_consolidate_update)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 };
	struct api_neighbor nb = nb61();
	uint8_t eor[23];
	struct api_msg_opts o = { .parsed = true, .consolidate = true,
	    .raw = eor, .rawlen = sizeof(eor) };
	struct update_msg m;
	struct sbuf out;

	ck_assert_uint_eq(hex2bin(FFx16 "0017 02 00000000", eor, sizeof(eor)),
	    sizeof(eor));
	update_msg_init(&m);
	sbuf_init(&out);
	ck_assert_int_eq(update_decode(eor + 19, 4, &ctx, &m), UPD_OK);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE, &o,
	    &m, 0);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update route eor 1/1 (ipv4 unicast)\n"
	    "neighbor 127.0.0.62 receive update header "
	    "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702 body 0x00000000\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE, &o,
	    &m, 0);
	ck_assert(line_matches(&out, ENV(1, "update") "\"header\": "
	    "\"0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001702\", \"body\": "
	    "\"0x00000000\", " NB61 "\"direction\": \"receive\", "
	    "\"message\": { \"eor\": { \"afi\": \"ipv4\", \"safi\": "
	    "\"unicast\" } } } }"));
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

START_TEST(test_envelope_order_overflow)
{
	struct api_neighbor nb = nb61();
	struct sbuf out;

	nb.counter = 7;
	sbuf_init(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "up", NULL);
	ck_assert_str_eq(out.p, "{\"exabgp\":\"4.0.1\",\"time\":1795609087.25,"
	    "\"host\":\"vm\",\"pid\":14160,\"ppid\":14158,\"counter\":7,"
	    "\"type\":\"state\",\"neighbor\":{\"address\":{\"local\":"
	    "\"127.0.0.61\",\"peer\":\"127.0.0.62\"},\"asn\":{\"local\":65001,"
	    "\"peer\":65002},\"state\":\"up\"}}\n");
	sbuf_reset(&out);
	event_encode_overflow(&out, ENCODER_JSON, &src, 12345);
	ck_assert_str_eq(out.p, "{\"exabgp\":\"4.0.1\",\"time\":1795609087.25,"
	    "\"host\":\"vm\",\"pid\":14160,\"ppid\":14158,\"type\":"
	    "\"overflow\",\"dropped\":12345}\n");
	sbuf_reset(&out);
	event_encode_overflow(&out, ENCODER_TEXT, &src, 12345);
	ck_assert_str_eq(out.p, "overflow dropped 12345\n");
	sbuf_free(&out);
}
END_TEST

/*
 * The UPDATE writer keeps parts of its envelope between events (the host,
 * pid and ppid text; the seconds of "time"): its envelope must stay the
 * one json-c writes for a KEEPALIVE, whatever changes from one event to
 * the next (the host name in place, a pid after a fork, the second, a
 * fraction that rounds up, times json-c formats itself).
 */
static const double env_times[] = { 1795609087.25, 1795609087.9999999,
    1795609087.99999996, 1795609088.0, 1795609088.00000004, 0.0, 0.5,
    1e15, -1.0, 12345.0000001, 1795609088.1234567, 1795609087.5 };
static const char *const env_hosts[] = { "vm", "vm", "evil\"},\"x\":\"",
    "caf\xc3\xa9", "bad\xff\x01", "", "vm2", "vm" };

/* "time" as Python prints time.time() to 7 decimals: %.7f, trailing
 * zeros dropped but one (the reference the kept seconds are checked
 * against). */
static void
time_ref(double t, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%.7f", t);

	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
}

/* The line up to and with "counter":N, */
static size_t
env_prefix(const struct sbuf *b)
{
	const char *t = strstr(b->p, "\"type\":\"");

	ck_assert_ptr_nonnull(t);
	return (size_t)(t - b->p);
}

START_TEST(test_update_envelope_cached)
{
	struct api_neighbor nb = nb61();
	struct json_object *o;
	struct update_msg m;
	uint8_t buf[512];
	char host[64];
	struct sbuf u, k;

	update_msg_init(&m);
	sbuf_init(&u);
	sbuf_init(&k);
	decode_update(golden_updates[0].body, &ctx33, &m, buf, sizeof(buf));
	for (size_t i = 0; i < 3 * NVEC(env_times); i++) {
		struct api_source s = src;

		/* the same buffer, rewritten: a cache keyed on the pointer
		 * would keep the old name */
		snprintf(host, sizeof(host), "%s", env_hosts[i %
		    NVEC(env_hosts)]);
		s.host = i % 5 == 4 ? NULL : host;
		s.time = env_times[i % NVEC(env_times)];
		s.pid = 14160 + (int)(i / 7);
		s.ppid = 14158 - (int)(i / 11);
		nb.counter = 1000 * i;
		sbuf_reset(&u);
		sbuf_reset(&k);
		event_encode_update(&u, i % 2 ? ENCODER_JSON6 : ENCODER_JSON,
		    &s, &nb, API_DIR_RECEIVE, &parsed, &m, ctx33.addpath_rx);
		event_encode_keepalive(&k, i % 2 ? ENCODER_JSON6 : ENCODER_JSON,
		    &s, &nb, API_DIR_RECEIVE, &parsed);
		ck_assert_msg(env_prefix(&u) == env_prefix(&k) &&
		    memcmp(u.p, k.p, env_prefix(&u)) == 0,
		    "update:    %s\nkeepalive: %s", u.p, k.p);
		if (s.time >= 0 && s.time < 1e15) {
			char want[64], *at;

			time_ref(s.time, want, sizeof(want));
			at = strstr(u.p, "\"time\":") + 7;
			ck_assert_msg(strncmp(at, want, strlen(want)) == 0 &&
			    at[strlen(want)] == ',', "time %.9f: %s, not %s",
			    s.time, want, u.p);
		}
		ck_assert_ptr_nonnull(o = parse_line(u.p, u.len));
		json_object_put(o);
	}
	sbuf_free(&u);
	sbuf_free(&k);
	update_msg_free(&m);
}
END_TEST

/*
 * The "neighbor" block of an UPDATE is kept per peer and direction, the
 * one used last tried first: peers that differ in one field only (an
 * address, an ASN, the router-id main shows), both directions and both
 * dialects, in runs and interleaved, each show their own block, the same
 * as the KEEPALIVE's (rendered through json-c, no cache).
 */
START_TEST(test_update_neighbor_cached)
{
	struct api_neighbor nbs[6];
	struct update_msg m;
	uint8_t buf[512];
	struct sbuf u, k;
	uint32_t seed = 5;

	nbs[0] = neighbor("127.0.0.61", "127.0.0.62", 65001, 65002);
	nbs[1] = neighbor("127.0.0.61", "127.0.0.63", 65001, 65002);
	nbs[2] = neighbor("127.0.0.61", "127.0.0.62", 65001, 65003);
	nbs[3] = neighbor("127.0.0.60", "127.0.0.62", 65001, 65002);
	nbs[4] = neighbor("::1", "::2", 4200000000u, 65002);
	nbs[5] = nbs[0];
	nbs[5].local_as = 65009;
	for (size_t i = 0; i < 6; i++)
		nbs[i].router_id = 0x7f000001u + (i == 5 ? 1u : 0u);
	update_msg_init(&m);
	sbuf_init(&u);
	sbuf_init(&k);
	decode_update(golden_updates[0].body, &ctx33, &m, buf, sizeof(buf));
	for (int i = 0; i < 400; i++) {
		/* runs of one peer, then a jump */
		size_t pick;
		enum api_dir dir;
		enum cfg_encoder enc;
		struct json_object *ou, *ok, *nu, *nk, *x, *y;
		static const char *const keys[] = { "address", "asn",
		    "direction", "router-id" };

		seed = seed * 1103515245u + 12345u;
		pick = (seed >> 16) % 6;
		dir = (seed >> 8) % 3 == 0 ? API_DIR_SEND : API_DIR_RECEIVE;
		enc = (seed >> 12) % 2 ? ENCODER_JSON6 : ENCODER_JSON;
		for (int r = 0; r < 1 + (int)(seed >> 24) % 3; r++) {
			sbuf_reset(&u);
			sbuf_reset(&k);
			event_encode_update(&u, enc, &src, &nbs[pick], dir,
			    &parsed, &m, ctx33.addpath_rx);
			event_encode_keepalive(&k, enc, &src, &nbs[pick], dir,
			    &parsed);
			ck_assert_ptr_nonnull(ou = parse_line(u.p, u.len));
			ck_assert_ptr_nonnull(ok = parse_line(k.p, k.len));
			ck_assert(json_object_object_get_ex(ou, "neighbor", &nu));
			ck_assert(json_object_object_get_ex(ok, "neighbor", &nk));
			for (size_t j = 0; j < 4; j++) {
				bool hu = json_object_object_get_ex(nu, keys[j],
				    &x);
				bool hk = json_object_object_get_ex(nk, keys[j],
				    &y);

				ck_assert_int_eq(hu, hk);
				if (hu)
					ck_assert_str_eq(
					    json_object_to_json_string(x),
					    json_object_to_json_string(y));
			}
			json_object_put(ou);
			json_object_put(ok);
		}
	}
	sbuf_free(&u);
	sbuf_free(&k);
	update_msg_free(&m);
}
END_TEST

/* ---- compat §2.6: text encoder lines ---- */

/* §2.6 OPEN: the §3.3 one without graceful restart */
#define OPEN26 FFx16 "0055 01 04 FDEA 001E 0A000002 38" \
	"02060104000100 01" "02060104000100 85" "02060104000200 01" \
	"0206 4104 0000FDEA" "020A 4508 00010103 00020103" \
	"0202 0200" "0202 4600" "0202 0600"

START_TEST(test_text_lines)
{
	struct api_neighbor nb = nb61();
	struct update_msg m;
	struct bgp_open open;
	struct bgp_err err;
	uint8_t buf[512];
	struct sbuf out;
	size_t n;

	sbuf_init(&out);
	update_msg_init(&m);
	event_encode_state(&out, ENCODER_TEXT, &src, &nb, "connected", NULL);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 connected\n");
	n = message(OPEN26, buf, sizeof(buf), BGP_MSG_OPEN);
	ck_assert_int_eq(open_decode(buf + 19, n - 19, &open, &err), 0);
	sbuf_reset(&out);
	event_encode_open(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &open);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive open version 4 "
	    "asn 65002 hold_time 30 router_id 10.0.0.2 capabilities "
	    "[multiprotocol(ipv4 unicast,ipv4 flow,ipv6 unicast), route "
	    "refresh, extended message(65535), asn4(65002), "
	    "addpath(send/receive ipv4 unicast,send/receive ipv6 unicast), "
	    "enhanced route refresh]\n");
	sbuf_reset(&out);
	event_encode_keepalive(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive keepalive\n");
	sbuf_reset(&out);
	decode_update(golden_updates[0].body, &ctx33, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, ctx33.addpath_rx);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update announced 192.0.2.0/24 "
	    "path-information 0.0.0.0 next-hop 10.0.0.2 origin igp as-path [ "
	    "65002 ] med 10 community [ 65000:1 no-export ]\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_reset(&out);
	decode_update("00000000", &ctx33, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, ctx33.addpath_rx);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update route eor 1/1 (ipv4 unicast)\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_reset(&out);
	decode_update("0008 00000000 18C63364 0000", &ctx33, &m, buf,
	    sizeof(buf));
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, ctx33.addpath_rx);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive update start\n"
	    "neighbor 127.0.0.62 receive update withdrawn 198.51.100.0/24 "
	    "path-information 0.0.0.0\n"
	    "neighbor 127.0.0.62 receive update end\n");
	sbuf_reset(&out);
	event_encode_refresh(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, 1, 1, 0);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 receive route-refresh "
	    "afi ipv4 safi unicast query\n");
	sbuf_reset(&out);
	event_encode_notification(&out, ENCODER_TEXT, &src, &nb, API_DIR_SEND,
	    &parsed, 6, 2, (const uint8_t *)"\x03" "bye", 4);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 send notification code 6 "
	    "subcode 2 data 0x03627965\n");
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_TEXT, &src, &nb, "down",
	    "peer reset, message [closing connection] error[the TCP "
	    "connection was closed by the remote end]");
	ck_assert_str_eq(out.p, "neighbor 127.0.0.62 down - peer reset, "
	    "message [closing connection] error[the TCP connection was closed "
	    "by the remote end]\n");
	sbuf_reset(&out);
	event_encode_shutdown(&out, ENCODER_TEXT, &src);
	ck_assert_str_eq(out.p, "shutdown 14160 14158\n");
	update_msg_free(&m);
	sbuf_free(&out);
}
END_TEST

/* The kit's api-check helper waits for exactly this line. */
START_TEST(test_text_api_check)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6 };
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.1", 65512,
	    65512);
	struct update_msg m;
	uint8_t buf[128];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	decode_update("0000 0015 40010100 400200 4003047F000001 40050400000064"
	    "2000000000", &ctx, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_str_eq(out.p, "neighbor 127.0.0.1 receive update start\n"
	    "neighbor 127.0.0.1 receive update announced 0.0.0.0/32 next-hop "
	    "127.0.0.1 origin igp local-preference 100\n"
	    "neighbor 127.0.0.1 receive update end\n");
	update_msg_free(&m);
	sbuf_free(&out);
}
END_TEST

/* ---- escaping and hostile peer strings ---- */

static const struct esc_vec {
	const char	*in;
	size_t		 len;
	const char	*out;
} esc_vecs[] = {
	{ "plain", 5, "plain" },
	{ "q\"b\\s/", 6, "q\\\"b\\\\s/" },
	{ "a\nb\r\t", 5, "a\\u000ab\\u000d\\u0009" },
	{ "n\0ul", 4, "n\\u0000ul" },
	{ "\x7f", 1, "\\u007f" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },			/* valid é */
	{ "\xe2\x82\xac", 3, "\xe2\x82\xac" },			/* € */
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },		/* U+1F600 */
	{ "\xe2\x80\xa8|\xe2\x80\xa9", 7, "\\u2028|\\u2029" },
	{ "\xc2\x85", 2, "\\u0085" },				/* NEL */
	{ "\xff", 1, "\\ufffd" },
	{ "\xc0\x80", 2, "\\ufffd\\ufffd" },			/* overlong */
	{ "\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd" },		/* surrogate */
	{ "\xe2\x80", 2, "\\ufffd\\ufffd" },			/* truncated */
	{ "\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* >10FFFF */
	{ "x\xc3", 2, "x\\ufffd" },
	{ "", 0, "" },
};

START_TEST(test_json_escape)
{
	const struct esc_vec *v = &esc_vecs[_i];
	struct sbuf out;

	sbuf_init(&out);
	sbuf_adds(&out, "<");
	event_json_escape(&out, (const uint8_t *)v->in, v->len);
	ck_assert_str_eq(out.p + 1, v->out);
	sbuf_free(&out);
}
END_TEST

static const char *const hostile[] = {
	"evil\"},\"type\":\"fake",
	"line\nbreak\r\n{\"exabgp\":1}",
	"nul\0hidden",
	"sep\xe2\x80\xa8here\xe2\x80\xa9",
	"bad\xff\xfe\xc0\x80utf8\xe2\x80",
	"back\\slash\\u0041\x1b[31m\x7f",
	"\"",
	"caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80",	/* valid: kept */
};

/*
 * Is s valid UTF-8 with no control characters (C0, DEL, C1), U+2028 or
 * U+2029, but a final '\n'?
 */
static bool
clean_utf8_line(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i + 1 < len) {
		if (p[i] < 0x80) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		n = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
		if (p[i] < 0xc2 || p[i] > 0xf4 || i + n > len - 1)
			return false;
		cp = p[i] & (0x3f >> (n - 1));
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp <= 0x9f || cp == 0x2028 || cp == 0x2029)
			return false;
		i += n;
	}
	return true;
}

/* Text output: printable ASCII only, one '\n' per line. */
static bool
clean_text(const char *s, size_t len, size_t lines)
{
	size_t nl = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			nl++;
		else if ((unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			return false;
	}
	return nl == lines && len > 0 && s[len - 1] == '\n';
}

START_TEST(test_hostile_hostname)
{
	const char *h = hostile[_i];
	struct api_neighbor nb = nb61();
	struct json_object *o, *v;
	struct bgp_open open;
	struct sbuf out;

	memset(&open, 0, sizeof(open));
	open.version = 4;
	open.my_as = 65002;
	open.hold_time = 90;
	open.bgp_id = 0x0a000002;
	open.caps.fqdn = true;
	/* the struct holds at most the bytes before a NUL */
	snprintf(open.caps.hostname, sizeof(open.caps.hostname), "%s", h);
	snprintf(open.caps.domainname, sizeof(open.caps.domainname), "%s", h);
	sbuf_init(&out);
	event_encode_open(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &open);
	ck_assert_msg((o = parse_line(out.p, out.len)) != NULL, "%s", out.p);
	ck_assert(clean_utf8_line(out.p, out.len));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o,
	    "type")), "open");
	ck_assert_int_eq(json_object_object_length(o), 8);
	v = json_object_object_get(json_object_object_get(
	    json_object_object_get(json_object_object_get(
	    json_object_object_get(o, "neighbor"), "open"), "capabilities"),
	    "73"), "host-name");
	ck_assert_ptr_nonnull(v);
	/* valid text survives unchanged */
	if (_i != 4)
		ck_assert_str_eq(json_object_get_string(v), h);
	json_object_put(o);

	sbuf_reset(&out);
	event_encode_open(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &open);
	ck_assert_msg(clean_text(out.p, out.len, 1), "%s", out.p);
	ck_assert_ptr_nonnull(strstr(out.p, "capabilities [hostname("));
	sbuf_free(&out);
}
END_TEST

START_TEST(test_hostile_shutdown)
{
	const char *h = hostile[_i];
	size_t hl = _i == 2 ? 10 : strlen(h);	/* keep the NUL */
	struct api_neighbor nb = nb61();
	struct json_object *o, *v;
	uint8_t data[256];
	struct sbuf out, reason;

	data[0] = (uint8_t)hl;
	memcpy(data + 1, h, hl);
	sbuf_init(&out);
	event_encode_notification(&out, ENCODER_JSON, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 6, 2, data, hl + 1);
	ck_assert_msg((o = parse_line(out.p, out.len)) != NULL, "%s", out.p);
	ck_assert(clean_utf8_line(out.p, out.len));
	ck_assert_int_eq(json_object_object_length(o), 8);
	v = json_object_object_get(json_object_object_get(
	    json_object_object_get(o, "neighbor"), "notification"), "message");
	ck_assert_ptr_nonnull(v);
	if (_i != 4) {
		ck_assert_int_eq(json_object_get_string_len(v), (int)hl);
		ck_assert_mem_eq(json_object_get_string(v), h, hl);
	}
	json_object_put(o);

	sbuf_reset(&out);
	event_encode_notification(&out, ENCODER_TEXT, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 6, 2, data, hl + 1);
	ck_assert_msg(clean_text(out.p, out.len, 1), "%s", out.p);

	/* a down reason quoting the peer's text, both dialects */
	sbuf_init(&reason);
	sbuf_adds(&reason, "peer said [");
	sbuf_add(&reason, h, strlen(h));
	sbuf_adds(&reason, "]");
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "down", reason.p);
	ck_assert_msg((o = parse_line(out.p, out.len)) != NULL, "%s", out.p);
	ck_assert(clean_utf8_line(out.p, out.len));
	json_object_put(o);
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_TEXT, &src, &nb, "down", reason.p);
	ck_assert_msg(clean_text(out.p, out.len, 1), "%s", out.p);
	sbuf_free(&reason);
	sbuf_free(&out);
}
END_TEST

/* Unknown attribute bytes are hex; the JSON stays one object. */
START_TEST(test_hostile_attribute)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6 };
	struct api_neighbor nb = nb61();
	struct json_object *o;
	struct update_msg m;
	uint8_t buf[256];
	struct sbuf out;

	update_msg_init(&m);
	sbuf_init(&out);
	decode_update("0000 0022 40010100 400200 400304 0A000001"
	    "400504 00000064"
	    "C0630A 220A0D00E280A8FF5C7B 180A0000", &ctx, &m, buf, sizeof(buf));
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert_ptr_nonnull(o = parse_line(out.p, out.len));
	ck_assert_ptr_nonnull(strstr(out.p,
	    "\"attribute-0x63-0xE0\":\"0x220A0D00E280A8FF5C7B\""));
	json_object_put(o);
	sbuf_reset(&out);
	event_encode_update(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert(clean_text(out.p, out.len, 3));
	ck_assert_ptr_nonnull(strstr(out.p,
	    "attribute [ 0x63 0xE0 0x220A0D00E280A8FF5C7B ]"));
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* Treat-as-withdraw: every NLRI withdrawn, no attributes shown. */
START_TEST(test_treat_as_withdraw)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6 };
	struct api_neighbor nb = nb61();
	struct update_msg m;
	uint8_t buf[256];
	struct sbuf out;
	size_t n;

	update_msg_init(&m);
	sbuf_init(&out);
	/* MED of 3 octets: treat-as-withdraw (RFC 7606 §7.4) */
	n = hex2bin("0000 001B 40010100 400200 400304 0A000001 800403 000001"
	    "400504 00000064 180A0000", buf, sizeof(buf));
	ck_assert_int_eq(update_decode(buf, n, &ctx, &m),
	    UPD_TREAT_AS_WITHDRAW);
	event_encode_update(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, &m, 0);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"10.0.0.0/24\" } "
	    "] } } } } }"));
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* ---- mutations: whatever decodes encodes to clean lines ---- */

static uint32_t
xorshift(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* Text output: printable ASCII lines, each ending in '\n'. */
static bool
clean_text_any(const char *s, size_t len)
{
	if (len == 0 || s[len - 1] != '\n')
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\n' && ((unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f))
			return false;
	return true;
}

static void
mutate_check_update(const uint8_t *body, size_t len, uint32_t *st,
    struct update_msg *m, struct sbuf *out)
{
	static const struct update_ctx ctxs[] = {
		{ .asn4 = true, .families = V4 | V6 },
		{ .asn4 = false, .ebgp = true, .families = V4 | V6,
		    .addpath_rx = V4 | V6 },
	};
	const struct update_ctx *ctx = &ctxs[xorshift(st) & 1];
	struct api_neighbor nb = nb61();
	struct json_object *o;
	uint8_t buf[4096];

	memcpy(buf, body, len);
	for (int k = 1 + (int)(xorshift(st) % 4); k > 0; k--)
		buf[xorshift(st) % len] = (uint8_t)xorshift(st);
	(void)update_decode(buf, len, ctx, m);
	sbuf_reset(out);
	event_encode_update(out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
	    &parsed, m, ctx->addpath_rx);
	ck_assert_msg((o = parse_line(out->p, out->len)) != NULL, "%s",
	    out->p);
	ck_assert(clean_utf8_line(out->p, out->len));
	json_object_put(o);
	sbuf_reset(out);
	event_encode_update(out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
	    &parsed, m, ctx->addpath_rx);
	ck_assert_msg(clean_text_any(out->p, out->len), "%s", out->p);
}

START_TEST(test_mutated_updates)
{
	static const char *const bodies[] = {
		"0000 002B 40010100 400206 0201 0000FDEA 400304 0A000002"
		"800404 0000000A C00808 FDE80001 FFFFFF01 C06304 01020304"
		"180A0000 100A01",
		"0008 00000000 18C63364 0030 40010101 400200 400504 00000064"
		"C0200C 0000FDE8 00000001 00000002"
		"800E1E 0002 01 10 20010DB8000000000000000000000001 00"
		"00000007 20 20010DB8",
		"0000 0006 800F03 000201",
	};
	struct update_msg m;
	struct sbuf out;
	uint8_t body[512];
	uint32_t st = 0x9e3779b9u;

	update_msg_init(&m);
	sbuf_init(&out);
	for (size_t b = 0; b < NVEC(bodies); b++) {
		size_t n = hex2bin(bodies[b], body, sizeof(body));

		for (int i = 0; i < 20000; i++)
			mutate_check_update(body, n, &st, &m, &out);
	}
	sbuf_free(&out);
	update_msg_free(&m);
}
END_TEST

/* An OPEN whose hostname capability carries random bytes. */
START_TEST(test_mutated_open)
{
	struct api_neighbor nb = nb61();
	struct json_object *o;
	struct bgp_open open;
	struct bgp_err err;
	uint8_t buf[128];
	struct sbuf out;
	uint32_t st = 12345;
	size_t n;

	sbuf_init(&out);
	for (int i = 0; i < 20000; i++) {
		/* version .. id, 1 param: FQDN 73, hostname 8, domain 4 */
		n = hex2bin("04 FDEA 00B4 0A000002 12 0210 490E"
		    "08 4141414141414141 04 42424242", buf, sizeof(buf));
		for (size_t k = 15; k < n; k++)
			if (k != 23 && xorshift(&st) % 3 == 0)
				buf[k] = (uint8_t)xorshift(&st);
		ck_assert_int_eq(open_decode(buf, n, &open, &err), 0);
		sbuf_reset(&out);
		event_encode_open(&out, ENCODER_JSON, &src, &nb, API_DIR_RECEIVE,
		    &parsed, &open);
		ck_assert_msg((o = parse_line(out.p, out.len)) != NULL, "%s",
		    out.p);
		ck_assert(clean_utf8_line(out.p, out.len));
		json_object_put(o);
		sbuf_reset(&out);
		event_encode_open(&out, ENCODER_TEXT, &src, &nb, API_DIR_RECEIVE,
		    &parsed, &open);
		ck_assert_msg(clean_text(out.p, out.len, 1), "%s", out.p);
	}
	sbuf_free(&out);
}
END_TEST

/*
 * A message that could not be decoded (open/update NULL: an OPEN that
 * fails framing, an UPDATE the session is reset for) is given raw when
 * the helper asked for the raw bytes in any form, and not at all when it
 * asked for the parsed form only; never dereferenced (issue 8, defect 1).
 */
START_TEST(test_undecoded_message)
{
	static const uint8_t raw[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
		0x1e, 0x01, 0x04, 0xfd, 0xe9, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x02,
		0x01, 0x02 };
	struct api_neighbor nb = neighbor("127.0.0.1", "127.0.0.2", 65001,
	    65001);
	struct sbuf out;

	sbuf_init(&out);
	for (int bits = 0; bits < 8; bits++) {
		struct api_msg_opts o = {
			.parsed = (bits & 1) != 0,
			.packets = (bits & 2) != 0,
			.consolidate = (bits & 4) != 0,
			.raw = raw,
			.rawlen = sizeof(raw),
		};
		bool raw_wanted = o.packets || o.consolidate;

		for (int enc = ENCODER_TEXT; enc <= ENCODER_JSON; enc++) {
			sbuf_reset(&out);
			event_encode_open(&out, (enum cfg_encoder)enc, &src, &nb,
			    API_DIR_RECEIVE, &o, NULL);
			event_encode_update(&out, (enum cfg_encoder)enc, &src, &nb,
			    API_DIR_RECEIVE, &o, NULL, 0);
			if (!raw_wanted) {
				ck_assert_msg(out.len == 0,
				    "bits %d enc %d: %.*s", bits, enc,
				    (int)out.len, out.p);
				continue;
			}
			/* two lines, each holding the message's hex body */
			ck_assert_msg(out.len > 0, "bits %d enc %d", bits, enc);
			ck_assert_msg(strstr(out.p, "04FDE9005A0A0000020102") !=
			    NULL, "bits %d enc %d: %.*s", bits, enc,
			    (int)out.len, out.p);
			if (enc == ENCODER_JSON) {
				char *nl = memchr(out.p, '\n', out.len);
				struct json_object *j;

				ck_assert_ptr_nonnull(nl);
				ck_assert_ptr_nonnull(j = parse_line(out.p,
				    (size_t)(nl - out.p + 1)));
				json_object_put(j);
			}
		}
	}
	sbuf_free(&out);
}
END_TEST

/* ---- main's dialect: each difference of compat §3.5 ---- */

#define NB61_6 "\"neighbor\": { \"address\": { \"local\": \"127.0.0.61\", " \
	"\"peer\": \"127.0.0.62\" }, \"asn\": { \"local\": 65001, " \
	"\"peer\": 65002 }, \"router-id\": \"10.0.0.61\", "
#define ENV6(type) "{ \"type\": \"" type "\", "

static struct api_neighbor
nb61_6(void)
{
	struct api_neighbor nb = nb61();

	nb.router_id = 0x0A00003D;	/* 10.0.0.61 */
	return nb;
}

/* The line's "exabgp" value (line_matches leaves it out). */
static void
assert_version(const struct sbuf *out, const char *want)
{
	struct json_object *o = parse_line(out->p, out->len);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o,
	    "exabgp")), want);
	json_object_put(o);
}

/* "exabgp": "6.0.0", "router-id" in the neighbor object, the down
 * reason JSON-escaped with its brackets kept (4.2: parentheses). */
START_TEST(test_json6_state)
{
	static const char reason[] = "peer reset, message [closing "
	    "connection] {x} \"q\"";
	struct api_neighbor nb = nb61_6();
	struct sbuf out;

	sbuf_init(&out);
	event_encode_state(&out, ENCODER_JSON6, &src, &nb, "up", NULL);
	assert_version(&out, "6.0.0");
	ck_assert(line_matches(&out, ENV6("state") NB61_6
	    "\"state\": \"up\" } }"));
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_JSON6, &src, &nb, "down", reason);
	ck_assert(line_matches(&out, ENV6("state") NB61_6
	    "\"state\": \"down\", \"reason\": \"peer reset, message [closing "
	    "connection] {x} \\\"q\\\"\" } }"));
	/* the same event in 4.x: no router-id, brackets turned */
	sbuf_reset(&out);
	event_encode_state(&out, ENCODER_JSON, &src, &nb, "down", reason);
	assert_version(&out, "4.0.1");
	ck_assert(line_matches(&out, ENV(20, "state") NB61
	    "\"state\": \"down\", \"reason\": \"peer reset, message (closing "
	    "connection) (x) \\\"q\\\"\" } }"));
	sbuf_reset(&out);
	event_encode_shutdown(&out, ENCODER_JSON6, &src);
	assert_version(&out, "6.0.0");
	sbuf_free(&out);
}
END_TEST

/* NOTIFICATION: main adds "message", the data as UTF-8 (Cease 6/0
 * "closing"); route-refresh is valid JSON. */
START_TEST(test_json6_notification_refresh)
{
	static const uint8_t closing[] = { 'c', 'l', 'o', 's', 'i', 'n', 'g' };
	static const uint8_t bad[] = { 'a', 0xff, '"' };
	struct api_neighbor nb = nb61_6();
	struct sbuf out;

	sbuf_init(&out);
	event_encode_notification(&out, ENCODER_JSON6, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 6, 0, closing, sizeof(closing));
	assert_version(&out, "6.0.0");
	ck_assert(line_matches(&out, ENV6("notification") NB61_6
	    "\"direction\": \"receive\", \"notification\": { \"code\": 6, "
	    "\"subcode\": 0, \"data\": \"0x636C6F73696E67\", \"message\": "
	    "\"closing\" } } }"));
	/* 4.x: no "message" for a Cease 6/0 */
	sbuf_reset(&out);
	event_encode_notification(&out, ENCODER_JSON, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 6, 0, closing, sizeof(closing));
	ck_assert(line_matches(&out, ENV(1, "notification") NB61
	    "\"direction\": \"receive\", \"notification\": { \"code\": 6, "
	    "\"subcode\": 0, \"data\": \"0x636C6F73696E67\" } } }"));
	/* peer bytes that are not UTF-8: escaped, never raw */
	sbuf_reset(&out);
	event_encode_notification(&out, ENCODER_JSON6, &src, &nb,
	    API_DIR_RECEIVE, &parsed, 3, 1, bad, sizeof(bad));
	ck_assert(line_matches(&out, ENV6("notification") NB61_6
	    "\"direction\": \"receive\", \"notification\": { \"code\": 3, "
	    "\"subcode\": 1, \"data\": \"0x61FF22\", \"message\": "
	    "\"a\\ufffd\\\"\" } } }"));
	sbuf_reset(&out);
	event_encode_refresh(&out, ENCODER_JSON6, &src, &nb, API_DIR_RECEIVE,
	    &parsed, 1, 1, 0);
	assert_version(&out, "6.0.0");
	ck_assert(line_matches(&out, ENV6("refresh") NB61_6
	    "\"direction\": \"receive\", \"route-refresh\": { \"afi\": "
	    "\"ipv4\", \"safi\": \"unicast\", \"subtype\": \"query\" } } }"));
	sbuf_free(&out);
}
END_TEST

/* Decode an UPDATE body and render it with enc into out (reset). */
static void
render_update(struct sbuf *out, enum cfg_encoder enc, const char *body,
    const struct update_ctx *ctx, const struct api_neighbor *nb)
{
	struct update_msg m;
	uint8_t buf[512];

	sbuf_reset(out);
	update_msg_init(&m);
	decode_update(body, ctx, &m, buf, sizeof(buf));
	event_encode_update(out, enc, &src, nb, API_DIR_RECEIVE, &parsed, &m, 0);
	update_msg_free(&m);
}

/* as-path segments as objects (no confederation-path); "next-hop" in
 * "attribute" when the UPDATE withdraws routes, not otherwise. */
START_TEST(test_json6_update_aspath_nexthop)
{
	static const struct update_ctx ctx = { .asn4 = true,
	    .families = V4 | V6, .ebgp = true };
	static const char *const both = "0003 100A09 0024 40010100"
	    "400216 0301 0000FE4C 0202 0000FDEA 0000FDEB 0101 0000FDF2"
	    "400304 0A000001 100A01";
	struct api_neighbor nb = nb61_6();
	struct sbuf out;

	sbuf_init(&out);
	/* withdraw 10.9/16, announce 10.1/16; AS_PATH: confed-seq (65100),
	 * seq (65002 65003), set (65010) */
	render_update(&out, ENCODER_JSON6, both, &ctx, &nb);
	assert_version(&out, "6.0.0");
	ck_assert(line_matches(&out, ENV6("update") NB61_6
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": { \"0\": { "
	    "\"element\": \"as-sequence\", \"value\": [ 65100 ] }, \"1\": { "
	    "\"element\": \"as-sequence\", \"value\": [ 65002, 65003 ] }, "
	    "\"2\": { \"element\": \"as-set\", \"value\": [ 65010 ] } }, "
	    "\"next-hop\": \"10.0.0.1\" }, \"announce\": { \"ipv4 unicast\": "
	    "{ \"10.0.0.1\": [ { \"nlri\": \"10.1.0.0/16\" } ] } }, "
	    "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"10.9.0.0/16\" } "
	    "] } } } } }"));
	/* 4.x: the lists, confederation-path, no next-hop */
	render_update(&out, ENCODER_JSON, both, &ctx, &nb);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": [ 65002, 65003 "
	    "], \"as-set\": [ 65010 ], \"confederation-path\": [ 65100 ] }, "
	    "\"announce\": { \"ipv4 unicast\": { \"10.0.0.1\": [ { \"nlri\": "
	    "\"10.1.0.0/16\" } ] } }, \"withdraw\": { \"ipv4 unicast\": [ { "
	    "\"nlri\": \"10.9.0.0/16\" } ] } } } } }"));
	/* announce only: no next-hop among the attributes */
	render_update(&out, ENCODER_JSON6, "0000 0014 40010100 400206 0201 "
	    "0000FDEA 400304 0A000001 100A01", &ctx, &nb);
	ck_assert(line_matches(&out, ENV6("update") NB61_6
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": { \"0\": { "
	    "\"element\": \"as-sequence\", \"value\": [ 65002 ] } } }, "
	    "\"announce\": { \"ipv4 unicast\": { \"10.0.0.1\": [ { \"nlri\": "
	    "\"10.1.0.0/16\" } ] } } } } } }"));
	sbuf_free(&out);
}
END_TEST

/* labels as [label, raw 24 bits] (4.2: [label]) */
START_TEST(test_json6_labels)
{
	struct update_ctx ctx = { .asn4 = true, .ebgp = true };
	struct api_neighbor nb = nb61_6();
	struct sbuf out;
	static const char *const body = "0000 0020 40010100"
	    "400206 0201 0000FDEA"
	    "800E10 0001 04 04 0A000001 00 30 003E81 0A0000";

	ctx.families = nlri_spoken();
	sbuf_init(&out);
	render_update(&out, ENCODER_JSON6, body, &ctx, &nb);
	ck_assert(line_matches(&out, ENV6("update") NB61_6
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": { \"0\": { "
	    "\"element\": \"as-sequence\", \"value\": [ 65002 ] } } }, "
	    "\"announce\": { "
	    "\"ipv4 nlri-mpls\": { \"10.0.0.1\": [ { \"nlri\": \"10.0.0.0/24\", "
	    "\"label\": [ [ 1000, 16001 ] ] } ] } } } } } }"));
	render_update(&out, ENCODER_JSON, body, &ctx, &nb);
	ck_assert(line_matches(&out, ENV(1, "update") NB61
	    "\"direction\": \"receive\", \"message\": { \"update\": { "
	    "\"attribute\": { \"origin\": \"igp\", \"as-path\": [ 65002 ], "
	    "\"confederation-path\": [] }, \"announce\": { "
	    "\"ipv4 nlri-mpls\": { \"10.0.0.1\": [ { \"nlri\": \"10.0.0.0/24\", "
	    "\"label\": [ [ 1000 ] ] } ] } } } } } }"));
	sbuf_free(&out);
}
END_TEST

/* main's extended-community strings and flow bitmask items */
START_TEST(test_json6_ecomm_flow)
{
	struct update_ctx ctx = { .asn4 = true };
	struct api_neighbor nb = nb61_6();
	struct sbuf out;
	static const char *const body = "0000 002F 40010100 400200"
	    "800E0B 0001 85 00 00 05 09 01 04 81 09"
	    "40050400000064"
	    "C01010 0103070707071B58 800C0000447A0000";

	ctx.families = nlri_spoken();
	sbuf_init(&out);
	render_update(&out, ENCODER_JSON6, body, &ctx, &nb);
	ck_assert_msg(strstr(out.p, "\"tcp-flags\":[\"=rst\",\"=fin+push\"]")
	    != NULL, "%s", out.p);
	ck_assert_msg(strstr(out.p, "{\"value\":72909745732131672,"
	    "\"string\":\"origin:7.7.7.7:7000\"}") != NULL, "%s", out.p);
	ck_assert_msg(strstr(out.p, "{\"value\":9226749737724149760,"
	    "\"string\":\"rate-limit:1000:packets\"}") != NULL, "%s", out.p);
	render_update(&out, ENCODER_JSON, body, &ctx, &nb);
	ck_assert_msg(strstr(out.p, "\"tcp-flags\":[\"=rst\",\"=fin\","
	    "\"=push\"]") != NULL, "%s", out.p);
	ck_assert_msg(strstr(out.p, "\"string\":\"origin:7000:7.7.7.7\"")
	    != NULL, "%s", out.p);
	ck_assert_msg(strstr(out.p, "\"value\":9226749737724149760,"
	    "\"string\":\"\"") != NULL, "%s", out.p);
	sbuf_free(&out);
}
END_TEST

/* ---- ExaBGP main's JSON dialect (ENCODER_JSON6) against main's lines ---- */

/*
 * Every "N:json:" line of the kit's case files is ExaBGP main's JSON
 * ("exabgp": "6.0.0") for the raw UPDATE before it, and the decoding
 * files' third line is ExaBGP 5/main's JSON of their message. Each raw
 * UPDATE is decoded for the case's own neighbor (its configuration:
 * router-id, AS numbers, add-path) and rendered with ENCODER_JSON6; the
 * line must equal main's after dropping the envelope keys (exabgp, time,
 * host, pid, ppid, counter), with main's decoder "direction": "in" read
 * as a live session's "receive". The decoding files have no
 * configuration: their neighbor facts (addresses, AS numbers,
 * router-id) are taken from the reference line; the rest is compared.
 * json6_unmatched lists the lines we cannot match, with the reason; a
 * listed line that matches fails the test (ratchet).
 */
struct json6_unmatched {
	const char	*file;	/* under the kit */
	int		 line;	/* of its json: line */
	const char	*why;
};

static const struct json6_unmatched json6_unmatched[] = {
	/* none today: every line of main's JSON in the kit matches */
	{ NULL, 0, NULL },
};

struct json6_tally {
	int	 lines, matched, known;
	int	 bad;
};

static const struct json6_unmatched *
json6_known(const char *file, int line)
{
	for (size_t i = 0; json6_unmatched[i].file != NULL; i++)
		if (strcmp(json6_unmatched[i].file, file) == 0 &&
		    json6_unmatched[i].line == line)
			return &json6_unmatched[i];
	return NULL;
}

/* The neighbor block of main's line: addresses, AS numbers, router-id. */
static void
json6_neighbor_of(struct json_object *want, struct api_neighbor *nb)
{
	struct json_object *n, *a, *v;

	memset(nb, 0, sizeof(*nb));
	nb->counter = 1;
	ck_assert(json_object_object_get_ex(want, "neighbor", &n));
	ck_assert(json_object_object_get_ex(n, "address", &a));
	ck_assert(json_object_object_get_ex(a, "local", &v));
	ck_assert_int_eq(addr_parse(json_object_get_string(v), &nb->local), 0);
	ck_assert(json_object_object_get_ex(a, "peer", &v));
	ck_assert_int_eq(addr_parse(json_object_get_string(v), &nb->peer), 0);
	ck_assert(json_object_object_get_ex(n, "asn", &a));
	ck_assert(json_object_object_get_ex(a, "local", &v));
	nb->local_as = (uint32_t)json_object_get_int64(v);
	ck_assert(json_object_object_get_ex(a, "peer", &v));
	nb->peer_as = (uint32_t)json_object_get_int64(v);
	if (json_object_object_get_ex(n, "router-id", &v)) {
		struct bgp_addr rid;

		ck_assert_int_eq(addr_parse(json_object_get_string(v), &rid), 0);
		nb->router_id = addr_to_u32(&rid);
	}
}

/* main's decoder says "in"; a live session "receive". */
static void
json6_direction(struct json_object *want)
{
	struct json_object *n, *d;

	if (json_object_object_get_ex(want, "neighbor", &n) &&
	    json_object_object_get_ex(n, "direction", &d) &&
	    strcmp(json_object_get_string(d), "in") == 0)
		json_object_object_add(n, "direction",
		    json_object_new_string("receive"));
}

/*
 * Render hex (a whole UPDATE) in main's dialect for neighbor c (NULL:
 * the facts of the reference line) and compare with json.
 */
static bool
json6_line(const char *hex, const char *json, const struct cfg_neighbor *c,
    struct sbuf *out, bool quiet)
{
	static uint8_t buf[65536];
	struct api_msg_opts o = { .parsed = true };
	struct api_neighbor nb;
	struct update_ctx ctx;
	struct update_msg m;
	struct json_object *got, *want = json_tokener_parse(json);
	size_t n = hex2bin(hex, buf, sizeof(buf));
	famset_t addpath = 0;
	bool ok;

	ck_assert_msg(want != NULL, "bad JSON: %s", json);
	json6_direction(want);
	json6_neighbor_of(want, &nb);
	if (c != NULL) {
		/* ours, from the case's configuration */
		nb.local_as = c->local_as;
		nb.peer_as = c->peer_as != 0 ? c->peer_as : c->local_as;
		nb.router_id = c->router_id != 0 ? c->router_id :
		    addr_to_u32(&c->local_addr);
		if (c->cap_addpath != 0)
			addpath = c->addpath_families;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.asn4 = c == NULL || c->cap_asn4;
	ctx.families = nlri_spoken();
	/* a decoding file has no session: eBGP unless main's line shows a
	 * LOCAL_PREF (as test_kit_main_json decides) */
	ctx.ebgp = c != NULL ? nb.local_as != nb.peer_as :
	    strstr(json, "\"local-preference\"") == NULL;
	ctx.addpath_rx = addpath;
	ck_assert_uint_ge(n, BGP_HEADER_LEN);
	update_msg_init(&m);
	(void)update_decode(buf + 19, n - 19, &ctx, &m);
	sbuf_reset(out);
	event_encode_update(out, ENCODER_JSON6, &src, &nb, API_DIR_RECEIVE, &o,
	    &m, addpath);
	update_msg_free(&m);
	got = parse_line(out->p, out->len);
	ok = got != NULL && jeq(got, want, true);
	if (ok) {
		struct json_object *v;

		ck_assert(json_object_object_get_ex(got, "exabgp", &v));
		ck_assert_str_eq(json_object_get_string(v), "6.0.0");
	} else if (!quiet)
		fprintf(stderr, "json6 MISMATCH\n got:  %s want: %s\n",
		    out->p, json);
	json_object_put(got);
	json_object_put(want);
	return ok;
}

/* The neighbor of a case's configuration that main's line is about. */
static const struct cfg_neighbor *
json6_conf_neighbor(const struct config *cfg, const char *json)
{
	struct json_object *want = json_tokener_parse(json);
	struct api_neighbor nb;
	const struct cfg_neighbor *found = NULL;

	if (cfg == NULL || want == NULL) {
		json_object_put(want);
		return NULL;
	}
	json6_neighbor_of(want, &nb);
	json_object_put(want);
	for (size_t i = 0; i < cfg->nneighbors && found == NULL; i++) {
		const struct cfg_neighbor *c = &cfg->neighbors[i];

		if (c->local_as == nb.local_as && (c->peer_as == nb.peer_as ||
		    c->peer_as == 0) && (nb.router_id == 0 ||
		    c->router_id == nb.router_id))
			found = c;
	}
	return found;
}

static void
json6_check(struct json6_tally *t, const char *file, int lineno,
    const char *hex, const char *json, const struct cfg_neighbor *c,
    struct sbuf *out)
{
	const struct json6_unmatched *k = json6_known(file, lineno);
	bool ok = json6_line(hex, json, c, out, k != NULL);

	t->lines++;
	if (ok && k == NULL)
		t->matched++;
	else if (ok) {
		fprintf(stderr, "json6: %s:%d now matches: remove it from "
		    "json6_unmatched\n", file, lineno);
		t->bad++;
	} else if (k != NULL) {
		printf("json6: %s:%d unmatched (known: %s)\n", file, lineno,
		    k->why);
		t->known++;
	} else {
		fprintf(stderr, "json6: %s:%d differs from ExaBGP main\n",
		    file, lineno);
		t->bad++;
	}
}

/* A case file: "option:file:X.conf", then "N:raw:HEX" / "N:json:{...}". */
static void
json6_case(const char *rel, struct json6_tally *t, struct sbuf *out)
{
	char path[512], *line = NULL, *raw = NULL;
	struct config *cfg = NULL;
	size_t cap = 0;
	int lineno;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", KIT_DIR, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	for (lineno = 1; getline(&line, &cap, f) > 0; lineno++) {
		char *p = line, *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (strchr(p, '#') != NULL)
			continue;
		if (strncmp(p, "option:file:", 12) == 0 && cfg == NULL) {
			char cpath[512], err[512];

			snprintf(cpath, sizeof(cpath), "%s/etc/%s", KIT_DIR,
			    p + 12);
			cfg = config_load(cpath, err, sizeof(err));
			continue;
		}
		if ((p = strchr(p, ':')) == NULL)
			continue;
		if (strncmp(p + 1, "raw:", 4) == 0) {
			char *q, *d;

			free(raw);
			q = d = raw = xstrdup(p + 5);
			for (; *q != '\0'; q++)
				if (*q != ':')
					*d++ = *q;
			*d = '\0';
		} else if (strncmp(p + 1, "json:", 5) == 0 && raw != NULL) {
			json6_check(t, rel, lineno, raw, p + 6,
			    json6_conf_neighbor(cfg, p + 6), out);
			free(raw);
			raw = NULL;
		}
	}
	free(raw);
	free(line);
	fclose(f);
	if (cfg != NULL)
		config_free(cfg);
}

/* A decoding file: header, hex (a body-only line gets its header), JSON. */
static void
json6_decoding(const char *rel, struct json6_tally *t, struct sbuf *out)
{
	char path[512], *lines[3] = { NULL, NULL, NULL }, *raw;
	size_t cap[3] = { 0, 0, 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", KIT_DIR, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	for (int i = 0; i < 3; i++) {
		ck_assert_int_gt(getline(&lines[i], &cap[i], f), 0);
		lines[i][strcspn(lines[i], "\n")] = '\0';
	}
	fclose(f);
	if (strncasecmp(lines[1], "FFFF", 4) == 0)
		raw = xstrdup(lines[1]);
	else {
		size_t l = strlen(lines[1]) / 2 + BGP_HEADER_LEN;

		raw = xmalloc(strlen(lines[1]) + 40);
		snprintf(raw, strlen(lines[1]) + 40, "FFFFFFFFFFFFFFFF"
		    "FFFFFFFFFFFFFFFF%04zX02%s", l, lines[1]);
	}
	json6_check(t, rel, 3, raw, lines[2], NULL, out);
	free(raw);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
}

static int
json6_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_kit_json6)
{
	static const char *const dirs[] = { "cases/api", "cases/encoding",
	    "cases/decoding" };
	struct json6_tally t = { 0, 0, 0, 0 };
	struct sbuf out;

	sbuf_init(&out);
	for (size_t d = 0; d < NVEC(dirs); d++) {
		char path[512], **names = NULL;
		size_t n = 0;
		struct dirent *e;
		DIR *dir;

		snprintf(path, sizeof(path), "%s/%s", KIT_DIR, dirs[d]);
		if ((dir = opendir(path)) == NULL) {
			printf("SKIP: %s not found; json6 not checked\n", path);
			sbuf_free(&out);
			return;
		}
		while ((e = readdir(dir)) != NULL) {
			char rel[512], full[1024], first[4096];
			bool is_ci = strlen(e->d_name) > 3 &&
			    strcmp(e->d_name + strlen(e->d_name) - 3, ".ci") == 0;
			FILE *f;

			if (e->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof(rel), "%s/%s", dirs[d], e->d_name);
			snprintf(full, sizeof(full), "%s/%s", KIT_DIR, rel);
			if (d < 2 && !is_ci)
				continue;
			if (d == 2) {
				/* an UPDATE with reference JSON only */
				if ((f = fopen(full, "r")) == NULL)
					continue;
				if (fgets(first, sizeof(first), f) == NULL ||
				    strncmp(first, "update", 6) != 0) {
					fclose(f);
					continue;
				}
				fclose(f);
			}
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(rel);
		}
		closedir(dir);
		qsort(names, n, sizeof(*names), json6_name_cmp);
		for (size_t i = 0; i < n; i++) {
			if (d == 2)
				json6_decoding(names[i], &t, &out);
			else
				json6_case(names[i], &t, &out);
			free(names[i]);
		}
		free(names);
	}
	printf("json6: %d main json lines: %d matched, %d known unmatched, "
	    "%d wrong\n", t.lines, t.matched, t.known, t.bad);
	/* every json: line of the cases and the 17 decoding UPDATEs */
	sbuf_free(&out);
	ck_assert_int_gt(t.lines, 200);
	ck_assert_int_eq(t.bad, 0);
}
END_TEST

static Suite *
event_encode_suite(void)
{
	Suite *s = suite_create("event_encode");
	TCase *tc;

	tc = tcase_create("kit");
	tcase_add_test(tc, test_kit_json4);
	tcase_add_test(tc, test_kit_decoding_open);
	tcase_add_loop_test(tc, test_kit_main_json, 0, NVEC(main_json_cases));
	tcase_add_test(tc, test_kit_bgpls_nlri);
	tcase_add_test(tc, test_bgpls_floats);
	tcase_add_test(tc, test_kit_json6);
	tcase_add_test(tc, test_json6_state);
	tcase_add_test(tc, test_json6_notification_refresh);
	tcase_add_test(tc, test_json6_update_aspath_nexthop);
	tcase_add_test(tc, test_json6_labels);
	tcase_add_test(tc, test_json6_ecomm_flow);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_test(tc, test_golden_state);
	tcase_add_test(tc, test_golden_keepalive_shutdown);
	tcase_add_test(tc, test_golden_notification_refresh);
	tcase_add_test(tc, test_golden_open);
	tcase_add_loop_test(tc, test_golden_update, 0, NVEC(golden_updates));
	tcase_add_test(tc, test_update_grouping);
	tcase_add_test(tc, test_update_as4_merge);
	tcase_add_test(tc, test_update_ipv6);
	tcase_add_test(tc, test_update_reset);
	tcase_add_test(tc, test_open_built);
	tcase_add_test(tc, test_packets_consolidate);
	tcase_add_test(tc, test_consolidate_update);
	tcase_add_test(tc, test_envelope_order_overflow);
	tcase_add_test(tc, test_update_envelope_cached);
	tcase_add_test(tc, test_update_neighbor_cached);
	tcase_add_test(tc, test_treat_as_withdraw);
	tcase_add_test(tc, test_undecoded_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_lines);
	tcase_add_test(tc, test_text_api_check);
	tcase_add_test(tc, test_text_srv6_service);
	tcase_add_test(tc, test_text_sr_policy);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_json_escape, 0, NVEC(esc_vecs));
	tcase_add_loop_test(tc, test_hostile_hostname, 0, NVEC(hostile));
	tcase_add_loop_test(tc, test_hostile_shutdown, 0, NVEC(hostile));
	tcase_add_test(tc, test_hostile_attribute);
	tcase_add_test(tc, test_mutated_updates);
	tcase_add_test(tc, test_mutated_open);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(event_encode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
