/*
 * The daemon as a whole, driven over bufferevent pairs with real helper
 * processes: what a peer's hostile input does to the helpers that
 * subscribe to it (issue 8, defect 1: a received OPEN that fails
 * validation crashed evbgpd when a helper asked for parsed OPENs).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <json-c/json.h>

#include "evbgp/api_exec.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/msg.h"
#include "evbgp/peer.h"
#include "evbgp/update.h"
#include "evbgp/util.h"
#include "testlib.h"

#define RECORD	EVBGP_SOURCE_DIR "/tests/helpers/record.sh"

/* three helpers: JSON parsed, text consolidate, JSON packets */
enum { H_JSON_PARSED, H_TEXT_CONSOLIDATE, H_JSON_PACKETS, H_MAX };
static const char *const helper_name[H_MAX] = { "jparsed", "tcons",
	"jpackets" };

struct harness {
	char		 dir[64];
	char		 conf[96];
	char		 out[H_MAX][96];
	struct daemon	*d;
	struct bufferevent *remote;
};

/* A daemon running the configuration text (helpers start). */
static void
harness_start(struct harness *h, const char *text)
{
	char err[512];
	char *envp[] = { NULL };
	struct env env;
	struct config *cfg;
	char **paths;
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(h->conf, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(env_load(&env, NULL, envp, err, sizeof(err)), 0);
	env.api_cli = false;
	cfg = config_load(h->conf, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	paths = calloc(2, sizeof(*paths));
	paths[0] = h->conf;
	h->d = daemon_new(&env, cfg, paths, 1);
	ck_assert_int_eq(daemon_start(h->d), 0);
	h->remote = NULL;
}

static void
harness_dir(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/evbgp-daemon-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(h->dir));
	snprintf(h->conf, sizeof(h->conf), "%s/evbgpd.conf", h->dir);
}

/* The three recording helpers, subscribed to received OPENs. */
static void
harness_init(struct harness *h)
{
	char text[4096];
	size_t off;

	harness_dir(h);
	off = 0;
	for (int i = 0; i < H_MAX; i++) {
		snprintf(h->out[i], sizeof(h->out[i]), "%s/%s.out", h->dir,
		    helper_name[i]);
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "process %s {\n\trun %s %s;\n\tencoder %s;\n}\n",
		    helper_name[i], RECORD, h->out[i],
		    i == H_TEXT_CONSOLIDATE ? "text" : "json");
	}
	snprintf(text + off, sizeof(text) - off,
	    "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	family { ipv4 unicast; }\n"
	    "	api { processes [ %s ]; receive { parsed; open; } }\n"
	    "	api { processes [ %s ]; receive { consolidate; open; } }\n"
	    "	api { processes [ %s ]; receive { packets; open; } }\n"
	    "}\n", helper_name[0], helper_name[1], helper_name[2]);
	harness_start(h, text);
}

static void
harness_free(struct harness *h)
{
	char **paths = h->d->conf_paths;

	if (h->remote != NULL)
		bufferevent_free(h->remote);
	daemon_free(h->d);
	free(paths);
	for (int i = 0; i < H_MAX; i++)
		if (h->out[i][0] != '\0')
			unlink(h->out[i]);
	unlink(h->conf);
	rmdir(h->dir);
}

/* A new connection to the (only) peer; the far end is h->remote. */
static void
connect_peer(struct harness *h)
{
	struct bufferevent *pair[2];
	struct bgp_addr local;

	if (h->remote != NULL)
		bufferevent_free(h->remote);
	ck_assert_int_eq(bufferevent_pair_new(h->d->base, 0, pair), 0);
	h->remote = pair[1];
	bufferevent_enable(h->remote, EV_READ | EV_WRITE);
	addr_parse("127.0.0.1", &local);
	peer_accept_bev(h->d->peers[0], pair[0], &local);
}

/* The lines a helper has recorded so far (a new string), or NULL. */
static char *
recorded(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Waits end when their condition holds, within a bound generous for a
 * loaded machine (wall time, whatever each turn costs). */
#define WAIT_S		30.0

/* Run the loop until the helper at path has recorded at least want
 * lines (bounded: WAIT_S). */
static char *
wait_lines(struct harness *h, const char *path, int want)
{
	for (double end = mono_now() + WAIT_S; mono_now() < end;) {
		char *s = recorded(path);
		int lines = 0;

		for (const char *c = s; c != NULL && *c != '\0'; c++)
			lines += *c == '\n';
		if (lines >= want)
			return s;
		free(s);
		event_base_loop(h->d->base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
	ck_abort_msg("%s: fewer than %d line(s) recorded in %.0f s", path, want,
	    WAIT_S);
	return NULL;
}

/* The OPEN our far end sends: valid, or broken as the vector says. */
struct bad_open {
	const char	*name;
	uint8_t		 version;
	uint16_t	 as, hold;
	uint32_t	 id;
	bool		 bad_param;	/* optional parameter overruns */
	uint8_t		 code, subcode;
	bool		 parsed;	/* ExaBGP would still show it parsed */
};

static const struct bad_open bad_opens[] = {
	{ "hold time 1", 4, 65001, 1, 0x0a000002, false, BGP_ERR_OPEN,
	    BGP_ERR_OPEN_HOLD_TIME, true },
	{ "hold time 2", 4, 65001, 2, 0x0a000002, false, BGP_ERR_OPEN,
	    BGP_ERR_OPEN_HOLD_TIME, true },
	{ "version 3", 3, 65001, 90, 0x0a000002, false, BGP_ERR_OPEN,
	    BGP_ERR_OPEN_VERSION, true },
	{ "identifier 0", 4, 65001, 90, 0, false, BGP_ERR_OPEN,
	    BGP_ERR_OPEN_BAD_BGP_ID, true },
	{ "AS 0", 4, 0, 90, 0x0a000002, false, BGP_ERR_OPEN,
	    BGP_ERR_OPEN_BAD_PEER_AS, true },
	{ "bad optional parameter", 4, 65001, 90, 0x0a000002, true,
	    BGP_ERR_OPEN, 0, false },
};

static size_t
open_bytes(const struct bad_open *v, uint8_t *b)
{
	size_t n = 0;

	memset(b, 0xff, 16);
	n = 16;
	b[n++] = 0;
	b[n++] = 0;		/* length, set below */
	b[n++] = BGP_MSG_OPEN;
	b[n++] = v->version;
	b[n++] = (uint8_t)(v->as >> 8);
	b[n++] = (uint8_t)v->as;
	b[n++] = (uint8_t)(v->hold >> 8);
	b[n++] = (uint8_t)v->hold;
	b[n++] = (uint8_t)(v->id >> 24);
	b[n++] = (uint8_t)(v->id >> 16);
	b[n++] = (uint8_t)(v->id >> 8);
	b[n++] = (uint8_t)v->id;
	if (v->bad_param) {
		/* one parameter claiming 9 octets where 4 are */
		b[n++] = 6;
		b[n++] = 2;
		b[n++] = 9;
		b[n++] = 1;
		b[n++] = 4;
		b[n++] = 0;
		b[n++] = 1;
	} else
		b[n++] = 0;
	b[16] = (uint8_t)(n >> 8);
	b[17] = (uint8_t)n;
	return n;
}

START_TEST(test_invalid_open_reported_safely)
{
	const struct bad_open *v = &bad_opens[_i];
	struct harness h;
	uint8_t buf[4096];
	uint16_t len;
	int type, n = 0;
	char *jp, *tc, *pk;
	struct json_object *ev, *nb, *open, *hold;

	harness_init(&h);
	connect_peer(&h);
	n = (int)open_bytes(v, buf);
	bufferevent_write(h.remote, buf, (size_t)n);
	/* our OPEN, then the NOTIFICATION the RFC asks for */
	for (double end = mono_now() + WAIT_S; mono_now() < end;) {
		if ((type = test_next_msg(h.remote, buf, sizeof(buf), &len)) ==
		    BGP_MSG_NOTIFICATION)
			break;
		if (type == 0) {
			event_base_loop(h.d->base, EVLOOP_NONBLOCK);
			usleep(1000);
		}
	}
	ck_assert_msg(type == BGP_MSG_NOTIFICATION, "%s: no NOTIFICATION",
	    v->name);
	ck_assert_uint_eq(buf[19], v->code);
	if (v->subcode != 0)
		ck_assert_uint_eq(buf[20], v->subcode);

	/* the raw form reaches the packets and consolidate helpers */
	pk = wait_lines(&h, h.out[H_JSON_PACKETS], 1);
	ck_assert_ptr_nonnull(ev = json_tokener_parse(pk));
	ck_assert(json_object_object_get_ex(ev, "neighbor", &nb));
	ck_assert(json_object_object_get_ex(nb, "message", NULL));
	json_object_put(ev);
	tc = wait_lines(&h, h.out[H_TEXT_CONSOLIDATE], 1);
	ck_assert_msg(strstr(tc, " receive ") != NULL, "%s", tc);
	if (v->parsed) {
		/* what the OPEN said, as ExaBGP shows it before validating */
		jp = wait_lines(&h, h.out[H_JSON_PARSED], 1);
		ck_assert_ptr_nonnull(ev = json_tokener_parse(jp));
		ck_assert(json_object_object_get_ex(ev, "neighbor", &nb));
		ck_assert(json_object_object_get_ex(nb, "open", &open));
		ck_assert(json_object_object_get_ex(open, "hold_time", &hold));
		ck_assert_int_eq(json_object_get_int(hold), v->hold);
		ck_assert_msg(strstr(tc, "open version") != NULL, "%s", tc);
		json_object_put(ev);
	} else {
		/*
		 * Undecodable: nothing parsed to give. A valid session after
		 * it proves the JSON helper's first line is the valid OPEN.
		 */
		struct bad_open good = { "valid", 4, 65001, 90, 0x0a000009,
			false, 0, 0, true };

		connect_peer(&h);
		n = (int)open_bytes(&good, buf);
		bufferevent_write(h.remote, buf, (size_t)n);
		jp = wait_lines(&h, h.out[H_JSON_PARSED], 1);
		ck_assert_msg(strstr(jp, "\"router_id\":\"10.0.0.9\"") != NULL,
		    "%s", jp);
	}
	free(jp);
	free(tc);
	free(pk);
	harness_free(&h);
}
END_TEST


/* ---- one route too big for an UPDATE (issue 8, defect 2) ---- */

/* What arrived at the far end: NLRI announced/withdrawn, End-of-RIBs. */
struct arrived {
	size_t		 announced, withdrawn, eors, max_len;
};

static void
drain(struct harness *h, struct arrived *a)
{
	struct update_ctx ctx = { .asn4 = true,
		.families = FAMSET(FAM_IPV4_UNICAST) };
	struct update_msg m;
	uint8_t msg[65535];
	uint16_t len;
	int type;

	update_msg_init(&m);
	while ((type = test_next_msg(h->remote, msg, sizeof(msg), &len)) != 0) {
		size_t n;

		if (type != BGP_MSG_UPDATE)
			continue;
		if (len > a->max_len)
			a->max_len = len;
		ck_assert_int_eq(update_decode(msg + 19, len - 19u, &ctx, &m),
		    UPD_OK);
		if (update_is_eor(&m, NULL)) {
			a->eors++;
			continue;
		}
		ck_assert_int_eq(prefix_nlri_check(m.nlri, BGP_AFI_IPV4, false, &n), 0);
		a->announced += n;
		ck_assert_int_eq(prefix_nlri_check(m.withdrawn, BGP_AFI_IPV4, false,
		    &n), 0);
		a->withdrawn += n;
	}
	update_msg_free(&m);
}

/* Run the loop until cond(a) holds (bounded: WAIT_S). */
static void
wait_arrived(struct harness *h, struct arrived *a,
    bool (*cond)(const struct arrived *, size_t), size_t arg)
{
	for (double end = mono_now() + WAIT_S; !cond(a, arg) &&
	    mono_now() < end;) {
		event_base_loop(h->d->base, EVLOOP_NONBLOCK);
		drain(h, a);
		if (!cond(a, arg))
			usleep(10000);
	}
	ck_assert_msg(cond(a, arg), "announced %zu withdrawn %zu eors %zu",
	    a->announced, a->withdrawn, a->eors);
}

static bool
got_eor_and(const struct arrived *a, size_t announced)
{
	return a->eors >= 1 && a->announced >= announced;
}

static bool
got_announced(const struct arrived *a, size_t n)
{
	return a->announced >= n;
}

static bool
got_withdrawn(const struct arrived *a, size_t n)
{
	return a->withdrawn >= n;
}

struct answers {
	struct sbuf	 text;
};

static void
capture_reply(void *ctx, const char *data, size_t len)
{
	sbuf_add(&((struct answers *)ctx)->text, data, len);
}

/* An evbgpctl client whose answers go to ans. */
static void
ctl_client(struct line_client *c, struct answers *ans)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "evbgpctl");
	c->encoder = ENCODER_TEXT;
	c->reply = capture_reply;
	sbuf_init(&ans->text);
	c->ctx = ans;
}

/* Run one command as evbgpctl would; returns its answer text. */
static const char *
command(struct harness *h, struct line_client *c, struct answers *ans,
    const char *line)
{
	struct line_handler lh;

	api_exec_handler(h->d, &lh);
	sbuf_reset(&ans->text);
	lh.line(lh.arg, c, line, strlen(line));
	sbuf_addc(&ans->text, '\0');
	return ans->text.p;
}

START_TEST(test_toobig_route_does_not_wedge)
{
	struct sbuf conf, path;
	struct harness h;
	struct arrived a = { 0 };
	struct answers ans;
	struct line_client c;
	struct line_handler lh;
	uint8_t buf[4096];
	struct wbuf w;
	const char *r;

	/* 1,100 ASNs: 4,400+ bytes of AS_PATH, more than a 4,096-byte UPDATE */
	sbuf_init(&path);
	for (int i = 0; i < 1100; i++)
		sbuf_printf(&path, " %d", 64512 + i % 1000);
	sbuf_addc(&path, '\0');
	sbuf_init(&conf);
	sbuf_printf(&conf, "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	family { ipv4 unicast; }\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.2.0.0/24 next-hop 192.0.2.1 as-path [%s ];\n"
	    "		route 10.3.0.0/24 next-hop 192.0.2.1 med 3;\n"
	    "	}\n"
	    "}\n", path.p);
	sbuf_addc(&conf, '\0');
	harness_dir(&h);
	harness_start(&h, conf.p);
	connect_peer(&h);
	/* the peer offers no extended message capability: 4,096 bytes */
	wbuf_init(&w, buf, sizeof(buf));
	w.len = test_open(buf, sizeof(buf), 65001, FAMSET(FAM_IPV4_UNICAST));
	keepalive_encode(&w);
	bufferevent_write(h.remote, w.buf, w.len);
	/* the two others and the End-of-RIB arrive: nothing is blocked */
	wait_arrived(&h, &a, got_eor_and, 2);
	ck_assert_uint_eq(a.announced, 2);
	ck_assert_uint_le(a.max_len, 4096);

	ctl_client(&c, &ans);
	/* later commands flow */
	r = command(&h, &c, &ans, "announce route 10.4.0.0/24 next-hop "
	    "192.0.2.1");
	ck_assert_str_eq(r, "done\n");
	wait_arrived(&h, &a, got_announced, 3);
	r = command(&h, &c, &ans, "withdraw route 10.1.0.0/24");
	ck_assert_str_eq(r, "done\n");
	wait_arrived(&h, &a, got_withdrawn, 1);
	/* a too-big route commanded now is refused at once */
	sbuf_reset(&conf);
	sbuf_printf(&conf, "announce route 10.5.0.0/24 next-hop 192.0.2.1 "
	    "as-path [%s ]", path.p);
	sbuf_addc(&conf, '\0');
	r = command(&h, &c, &ans, conf.p);
	/* an evbgpctl client hears why (a helper gets the bare error) */
	ck_assert_str_eq(r, "error: neighbor 127.0.0.2: route 10.5.0.0/24 "
	    "refused: its UPDATE needs 4459 bytes, this neighbor allows 4096 "
	    "(no extended message capability, RFC 8654)\nerror\n");
	/* and the operator can see what was left out */
	r = command(&h, &c, &ans, "show neighbor 127.0.0.2 extensive");
	ck_assert_msg(strstr(r, "too-large-unsent") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "too-large-unsent                   1") !=
	    NULL, "%s", r);
	r = command(&h, &c, &ans, "show adj-rib out");
	ck_assert_msg(strstr(r, "10.2.0.0/24") == NULL, "%s", r);
	ck_assert_msg(strstr(r, "10.3.0.0/24") != NULL, "%s", r);

	api_exec_handler(h.d, &lh);
	lh.release(lh.arg, &c);
	sbuf_free(&ans.text);
	sbuf_free(&conf);
	sbuf_free(&path);
	harness_free(&h);
}
END_TEST

/*
 * Routes of every family through the API and out of "show adj-rib":
 * labeled and VPN routes with the same text after the prefix (which the
 * simple-route cache must not take for unicast ones), flow routes.
 */
START_TEST(test_families_through_api)
{
	static const char conf[] = "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	family { ipv4 unicast; ipv4 mpls-vpn; ipv4 nlri-mpls; "
	    "ipv4 flow; }\n"
	    "}\n";
	struct harness h;
	struct answers ans;
	struct line_client c;
	struct line_handler lh;
	const char *r;

	harness_dir(&h);
	harness_start(&h, conf);
	ctl_client(&c, &ans);
	for (int i = 0; i < 2; i++) {
		char line[128];

		snprintf(line, sizeof(line), "announce route 10.%d.0.0/16 rd "
		    "65000:1 label 100 next-hop 192.0.2.1", i);
		ck_assert_str_eq(command(&h, &c, &ans, line), "done\n");
		snprintf(line, sizeof(line), "announce route 10.%d.0.0/16 "
		    "label 200 next-hop 192.0.2.1", 10 + i);
		ck_assert_str_eq(command(&h, &c, &ans, line), "done\n");
	}
	ck_assert_str_eq(command(&h, &c, &ans, "announce flow route { match { "
	    "destination 192.0.2.0/24; protocol tcp; } then { discard; } }"),
	    "done\n");
	r = command(&h, &c, &ans, "show adj-rib out");
	ck_assert_msg(strstr(r, "neighbor 127.0.0.2 ipv4 mpls-vpn 10.1.0.0/16 "
	    "label 100 next-hop 192.0.2.1 rd 65000:1\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "neighbor 127.0.0.2 ipv4 nlri-mpls "
	    "10.11.0.0/16 label 200 next-hop 192.0.2.1\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "neighbor 127.0.0.2 ipv4 flow flow "
	    "destination-ipv4 192.0.2.0/24 protocol =tcp\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "ipv4 unicast") == NULL, "%s", r);
	r = command(&h, &c, &ans, "withdraw route 10.1.0.0/16 rd 65000:1 "
	    "label 100");
	ck_assert_str_eq(r, "done\n");
	r = command(&h, &c, &ans, "show adj-rib out");
	ck_assert_msg(strstr(r, "10.1.0.0/16") == NULL, "%s", r);
	ck_assert_msg(strstr(r, "10.0.0.0/16") != NULL, "%s", r);

	api_exec_handler(h.d, &lh);
	lh.release(lh.arg, &c);
	sbuf_free(&ans.text);
	harness_free(&h);
}
END_TEST

/*
 * "announce watchdog" / "withdraw watchdog" without a name act on the
 * watchdog named after the helper's process (ExaBGP 4.2,
 * command/watchdog.py); evbgpctl has no process name: error.
 */
START_TEST(test_watchdog_default_name)
{
	static const char conf[] = "process dnsr {\n"
	    "	run /bin/sleep 30;\n"
	    "	encoder text;\n"
	    "}\n"
	    "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	family { ipv4 unicast; }\n"
	    "	api { processes [ dnsr ]; }\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.9.0.0/24 next-hop 192.0.2.1 watchdog dnsr "
	    "withdraw;\n"
	    "	}\n"
	    "}\n";
	struct harness h;
	struct arrived a = { 0 };
	struct answers ans;
	struct line_client helper, ctl;
	struct line_handler lh;
	uint8_t buf[4096];
	struct wbuf w;

	harness_dir(&h);
	harness_start(&h, conf);
	connect_peer(&h);
	wbuf_init(&w, buf, sizeof(buf));
	w.len = test_open(buf, sizeof(buf), 65001, FAMSET(FAM_IPV4_UNICAST));
	keepalive_encode(&w);
	bufferevent_write(h.remote, w.buf, w.len);
	/* 10.1.0.0/24 only: the watchdog's route starts withdrawn */
	wait_arrived(&h, &a, got_eor_and, 1);
	ck_assert_uint_eq(a.announced, 1);

	sbuf_init(&ans.text);
	memset(&helper, 0, sizeof(helper));
	snprintf(helper.name, sizeof(helper.name), "dnsr");
	helper.helper = true;
	helper.encoder = ENCODER_TEXT;
	helper.reply = capture_reply;
	helper.ctx = &ans;
	ck_assert_str_eq(command(&h, &helper, &ans, "announce watchdog"),
	    "done\n");
	wait_arrived(&h, &a, got_announced, 2);
	ck_assert_str_eq(command(&h, &helper, &ans, "withdraw watchdog"),
	    "done\n");
	wait_arrived(&h, &a, got_withdrawn, 1);

	memset(&ctl, 0, sizeof(ctl));
	snprintf(ctl.name, sizeof(ctl.name), "evbgpctl");
	ctl.encoder = ENCODER_TEXT;
	ctl.reply = capture_reply;
	ctl.ctx = &ans;
	ck_assert_str_eq(command(&h, &ctl, &ans, "announce watchdog"),
	    "error: announce watchdog: a watchdog name is required (only a "
	    "helper's own is implied)\nerror\n");
	ck_assert_str_eq(command(&h, &ctl, &ans, "announce watchdog dnsr"),
	    "done\n");
	wait_arrived(&h, &a, got_announced, 3);

	api_exec_handler(h.d, &lh);
	lh.release(lh.arg, &helper);
	lh.release(lh.arg, &ctl);
	sbuf_free(&ans.text);
	harness_free(&h);
}
END_TEST

/* A callback that holds the loop 150 ms, as a stuck one would: the next
 * 50 ms health tick is at least 100 ms late. */
static void
stall_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "stall-test");
	double until = mono_now() + 0.150;

	while (mono_now() < until)	/* spin on the clock, not a sleep */
		;
	(*(int *)arg)++;
}

/*
 * What held the loop is named: a callback holding a running daemon's loop
 * 150 ms makes the health tick late; the warning names it (kind and
 * subject), and `status` (text and JSON) gives it as the longest.
 */
START_TEST(test_stall_named)
{
	static const char conf[] = "neighbor 127.0.0.2 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	family { ipv4 unicast; }\n"
	    "}\n";
	struct harness h;
	struct answers ans;
	struct line_client ctl;
	struct line_handler lh;
	struct timeval now = { 0, 0 };
	char logpath[128], text[8192];
	const char *out;
	size_t n = 0;
	FILE *f;
	int ran = 0;

	harness_dir(&h);
	snprintf(logpath, sizeof(logpath), "%s/evbgpd.log", h.dir);
	log_init(true, LOG_DEST_FILE, LOG_INFO, logpath);
	harness_start(&h, conf);
	/* a tick or two first: the health timer runs */
	for (double end = mono_now() + 0.2; mono_now() < end;)
		event_base_loop(h.d->base, EVLOOP_ONCE);
	event_base_once(h.d->base, -1, EV_TIMEOUT, stall_cb, &ran, &now);
	for (double end = mono_now() + WAIT_S; mono_now() < end &&
	    (ran == 0 || h.d->health_late_ticks == 0);)
		event_base_loop(h.d->base, EVLOOP_ONCE);
	ck_assert_int_eq(ran, 1);
	ck_assert_uint_ge(h.d->health_late_ticks, 1);
	log_close();
	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	ck_assert_ptr_nonnull(f = fopen(logpath, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(logpath);
	ck_assert_msg(strstr(text, "warning: event loop: timers ran ") != NULL &&
	    strstr(text, "ms, control stall-test; the longest turn: ") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "info: event loop: ") != NULL &&
	    strstr(text, " ms in one callback: control stall-test") != NULL,
	    "%s", text);

	ctl_client(&ctl, &ans);
	out = command(&h, &ctl, &ans, "status");
	ck_assert_msg(strstr(out, "event-loop longest-callback-ms ") != NULL &&
	    strstr(out, " control stall-test\n") != NULL, "%s", out);
	out = command(&h, &ctl, &ans, "status json");
	ck_assert_msg(strstr(out, "\"event-loop-longest-callback\":"
	    "\"control stall-test\"") != NULL, "%s", out);
	api_exec_handler(h.d, &lh);
	lh.release(lh.arg, &ctl);
	sbuf_free(&ans.text);
	harness_free(&h);
}
END_TEST

/* Run the loop until the peer leaves Established (bounded). */
static void
wait_not_established(struct harness *h)
{
	for (double end = mono_now() + WAIT_S; mono_now() < end &&
	    peer_state(h->d->peers[0]) == ST_ESTABLISHED;) {
		event_base_loop(h->d->base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
	ck_assert_int_ne(peer_state(h->d->peers[0]), ST_ESTABLISHED);
}

/* The object of the first neighbor in a show neighbor json answer. */
static json_object *
first_neighbor(const char *text, json_object **root)
{
	*root = json_tokener_parse(text);
	ck_assert_msg(*root != NULL && json_object_is_type(*root,
	    json_type_array) && json_object_array_length(*root) == 1, "%s",
	    text);
	return json_object_array_get_idx(*root, 0);
}

static uint64_t
json_u64_at(json_object *o, const char *a, const char *b)
{
	json_object *v = o;

	ck_assert_msg(json_object_object_get_ex(v, a, &v), "%s", a);
	if (b != NULL)
		ck_assert_msg(json_object_object_get_ex(v, b, &v), "%s.%s", a,
		    b);
	return json_object_get_uint64(v);
}

/*
 * Why is this session down? (issue 11 point 3): state and its age, the
 * configured router id before the first OPEN, flaps, the last error with
 * the NOTIFICATION's names and shutdown communication, prefixes sent and
 * received, the Adj-RIB-Out backlog; the md5 password never shown.
 */
START_TEST(test_show_neighbor_history)
{
	static const char conf[] = "neighbor 127.0.0.2 {\n"
	    "	router-id 10.9.8.7;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65001;\n"
	    "	passive;\n"
	    "	md5-password s3cretpw;\n"
	    "	family { ipv4 unicast; }\n"
	    "	static {\n"
	    "		route 10.1.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.2.0.0/24 next-hop 192.0.2.1;\n"
	    "		route 10.3.0.0/24 next-hop 192.0.2.1 med 3;\n"
	    "	}\n"
	    "}\n";
	static const uint8_t ibgp_update[48] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 48, BGP_MSG_UPDATE, 0, 0, 0, 21,
		0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1,
		0x40, 5, 4, 0, 0, 0, 100, 24, 10, 7, 2,
	};
	struct harness h;
	struct arrived a = { 0 };
	struct answers ans;
	struct line_client c;
	struct line_handler lh;
	uint8_t buf[4096];
	struct wbuf w;
	json_object *root, *n, *v;
	const char *r;

	harness_dir(&h);
	harness_start(&h, conf);
	ctl_client(&c, &ans);

	/* before any session */
	r = command(&h, &c, &ans, "show neighbor extensive");
	ck_assert_msg(strstr(r, "   state                active (for 0:00:0") !=
	    NULL || strstr(r, "   state                idle (for 0:00:0") != NULL,
	    "%s", r);
	ck_assert_msg(strstr(r, "   down for             0:00:0") != NULL,
	    "%s", r);
	ck_assert_msg(strstr(r, "up for") == NULL, "%s", r);
	ck_assert_msg(strstr(r, "   ID                          10.9.8.7") !=
	    NULL, "%s", r);
	ck_assert_msg(strstr(r, "   last error           none\n") != NULL, "%s",
	    r);
	ck_assert_msg(strstr(r, "   queued routes        3\n") != NULL, "%s", r);
	r = command(&h, &c, &ans, "show neighbor summary");
	ck_assert_msg(strstr(r, "pfx-sent  pfx-rcvd out-queue\n") != NULL, "%s",
	    r);
	ck_assert_msg(strstr(r, "         0         0         3\n") != NULL,
	    "%s", r);
	/* md5 passwords never leave the daemon */
	r = command(&h, &c, &ans, "show neighbor configuration");
	ck_assert_msg(strstr(r, "s3cretpw") == NULL, "%s", r);
	ck_assert_msg(strstr(r, "# md5-password is set (not shown)") != NULL,
	    "%s", r);
	r = command(&h, &c, &ans, "show neighbor configuration json");
	ck_assert_msg(strstr(r, "s3cretpw") == NULL, "%s", r);
	r = command(&h, &c, &ans, "show neighbor json");
	ck_assert_msg(strstr(r, "s3cretpw") == NULL, "%s", r);
	n = first_neighbor(r, &root);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(n,
	    "router-id")), "10.9.8.7");
	ck_assert(json_object_object_get_ex(n, "down-for-seconds", &v));
	ck_assert(!json_object_object_get_ex(n, "up-for-seconds", &v));
	ck_assert(json_object_object_get_ex(n, "last-error", &v) && v == NULL);
	ck_assert_uint_eq(json_u64_at(n, "adj-rib-out", "queued"), 3);
	ck_assert_uint_eq(json_u64_at(n, "flaps", NULL), 0);
	json_object_put(root);

	/* a session: the table goes out, the peer sends one route */
	connect_peer(&h);
	wbuf_init(&w, buf, sizeof(buf));
	w.len = test_open(buf, sizeof(buf), 65001, FAMSET(FAM_IPV4_UNICAST));
	keepalive_encode(&w);
	bufferevent_write(h.remote, w.buf, w.len);
	/* iBGP: ORIGIN, empty AS_PATH, NEXT_HOP, LOCAL_PREF; 10.7.2.0/24 */
	bufferevent_write(h.remote, ibgp_update, sizeof(ibgp_update));
	wait_arrived(&h, &a, got_eor_and, 3);
	for (double end = mono_now() + WAIT_S; mono_now() < end &&
	    h.d->peers[0]->hist.prefixes_recv == 0;) {
		event_base_loop(h.d->base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
	r = command(&h, &c, &ans, "show neighbor extensive");
	ck_assert_msg(strstr(r, "   up for               0:00:0") != NULL, "%s",
	    r);
	ck_assert_msg(strstr(r, "   prefixes announced                 3 "
	    "              1\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "   queued routes        0\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "   sent routes          3\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "Negotiated\n") != NULL, "%s", r);
	r = command(&h, &c, &ans, "show neighbor json");
	n = first_neighbor(r, &root);
	ck_assert(json_object_object_get_ex(n, "up-for-seconds", &v));
	ck_assert_uint_eq(json_u64_at(n, "adj-rib-out", "sent"), 3);
	/* a bufferevent pair has no kernel queue: all of it is taken */
	ck_assert_uint_eq(json_u64_at(n, "adj-rib-out", "acknowledged"), 3);
	ck_assert(json_object_object_get_ex(n, "prefixes", &v));
	ck_assert_uint_eq(json_u64_at(v, "sent", "announced"), 3);
	ck_assert_uint_eq(json_u64_at(v, "received", "announced"), 1);
	ck_assert(json_object_object_get_ex(n, "capabilities", &v));
	ck_assert(json_object_object_get_ex(v, "negotiated", &v));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(n,
	    "peer-router-id")), "10.0.0.2");
	json_object_put(root);

	/* the peer says goodbye with a shutdown communication */
	wbuf_init(&w, buf, sizeof(buf));
	notification_encode_shutdown(&w, BGP_CEASE_ADMIN_SHUTDOWN,
	    "maintenance window");
	bufferevent_write(h.remote, w.buf, w.len);
	wait_not_established(&h);
	r = command(&h, &c, &ans, "show neighbor extensive");
	ck_assert_msg(strstr(r, "   flaps                1\n") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "   last error           NOTIFICATION received: "
	    "6/2 Cease, Administrative Shutdown: \"maintenance window\" (0:00:0")
	    != NULL, "%s", r);
	ck_assert_msg(strstr(r, "   down for ") != NULL, "%s", r);
	ck_assert_msg(strstr(r, "up for") == NULL, "%s", r);
	r = command(&h, &c, &ans, "show neighbor json");
	n = first_neighbor(r, &root);
	ck_assert_uint_eq(json_u64_at(n, "flaps", NULL), 1);
	ck_assert(json_object_object_get_ex(n, "last-error", &v));
	ck_assert_msg(strstr(json_object_get_string(json_object_object_get(v,
	    "error")), "maintenance window") != NULL, "%s", r);
	json_object_put(root);

	api_exec_handler(h.d, &lh);
	lh.release(lh.arg, &c);
	sbuf_free(&ans.text);
	harness_free(&h);
}
END_TEST

/* A TCP error is the last error too: connection refused. */
START_TEST(test_show_neighbor_tcp_error)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	struct harness h;
	char conf[512];
	int fd;

	/* a loopback port nobody listens on: bound, then closed */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	snprintf(conf, sizeof(conf), "neighbor 127.0.0.1 {\n"
	    "	router-id 10.0.0.1;\n"
	    "	local-address 127.0.0.1;\n"
	    "	local-as 65001;\n"
	    "	peer-as 65002;\n"
	    "	connect %u;\n"
	    "}\n", ntohs(sin.sin_port));
	harness_dir(&h);
	harness_start(&h, conf);
	for (double end = mono_now() + WAIT_S; mono_now() < end &&
	    h.d->peers[0]->hist.last_error[0] == '\0';) {
		event_base_loop(h.d->base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
	ck_assert_str_eq(h.d->peers[0]->hist.last_error,
	    "TCP: Connection refused");
	/* down since it was created, not since its last attempt */
	ck_assert(h.d->peers[0]->hist.down_since <
	    h.d->peers[0]->hist.state_since);
	ck_assert(peer_up_down_for(h.d->peers[0]) >=
	    mono_now() - h.d->peers[0]->hist.down_since - 0.001);
	ck_assert_uint_eq(h.d->peers[0]->hist.flaps, 0);
	harness_free(&h);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("hostile");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_invalid_open_reported_safely, 0,
	    (int)(sizeof(bad_opens) / sizeof(bad_opens[0])));
	tcase_add_test(tc, test_toobig_route_does_not_wedge);
	tcase_add_test(tc, test_families_through_api);
	tcase_add_test(tc, test_watchdog_default_name);
	tcase_add_test(tc, test_show_neighbor_history);
	tcase_add_test(tc, test_show_neighbor_tcp_error);
	tcase_add_test(tc, test_stall_named);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(daemon_suite());
	int failed;

	log_init(false, LOG_DEST_STDERR, LOG_ERR, NULL);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
