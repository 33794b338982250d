/*
 * The JSON dialect of the event encoders: ExaBGP 4.2's objects
 * (reference/exabgp-compat.md §3.2, §3.3, §3.5 4.2 column), or with v6
 * ExaBGP main's (§3.4, §3.5 main column: "6.0.0", "router-id", as-path
 * objects, labels with their raw value, ...), built with
 * json-c, one object per line. Every object has exactly one owner, the
 * event's root, released by a single json_object_put() in emit().
 *
 * Peer-supplied strings (and our own host name and down reason) become
 * "pre-escaped" string objects: event_json_escape() produces the JSON text
 * and a custom serializer writes it verbatim, so invalid UTF-8, NUL and
 * U+2028 never reach the output raw.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "evbgp/event_encode.h"
#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"

#include "event_encode_priv.h"

#define API_JSON_VERSION	"4.0.1"
/* ExaBGP main, exabgp.api.version 6 */
#define API_JSON6_VERSION	"6.0.0"

typedef struct json_object jobj;

/* ---- value helpers ---- */

static void
jadd(jobj *o, const char *key, jobj *v)
{
	json_object_object_add(o, key, v);
}

static jobj *
jstr(const char *s)
{
	return json_object_new_string(s);
}

static jobj *
jint(int64_t v)
{
	return json_object_new_int64(v);
}

static jobj *
juint(uint64_t v)
{
	return json_object_new_uint64(v);
}

static int
raw_serialize(jobj *o, struct printbuf *pb, int level, int flags)
{
	return printbuf_memappend(pb, json_object_get_string(o),
	    json_object_get_string_len(o));
}

/* Printable ASCII that needs no escaping at all? */
static bool
plain(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

/* A string from untrusted bytes; tmp is scratch space. */
static jobj *
jesc(struct sbuf *tmp, const void *s, size_t len)
{
	jobj *o;

	if (plain(s, len))
		return json_object_new_string_len(s, (int)len);
	sbuf_reset(tmp);
	sbuf_addc(tmp, '"');
	event_json_escape(tmp, s, len);
	sbuf_addc(tmp, '"');
	o = json_object_new_string_len(tmp->p, (int)tmp->len);
	json_object_set_serializer(o, raw_serialize, NULL, NULL);
	return o;
}

static jobj *
jhex(struct sbuf *tmp, const uint8_t *p, size_t n)
{
	sbuf_reset(tmp);
	api_hex(tmp, p, n);
	return json_object_new_string_len(tmp->p, (int)tmp->len);
}

static jobj *
jaddr(const struct bgp_addr *a)
{
	char buf[ADDR_STRLEN];

	return jstr(addr_fmt(a, buf));
}

/* A host-order IPv4 value (router id, path id, cluster id). */
static jobj *
jip4(uint32_t v)
{
	struct bgp_addr a;

	addr_from_u32(&a, v);
	return jaddr(&a);
}

/* "ipv4/unicast" or "ipv4 unicast" */
static const char *
fam_key(enum family_id f, char sep, char *buf, size_t len)
{
	const char *afi = family_afi_name(f), *safi = family_safi_name(f);
	size_t na = strlen(afi), ns = strlen(safi);

	/* once per received UPDATE: no printf */
	if (na + 1 + ns >= len) {
		snprintf(buf, len, "%s%c%s", afi, sep, safi);
		return buf;
	}
	memcpy(buf, afi, na);
	buf[na] = sep;
	memcpy(buf + na + 1, safi, ns + 1);
	return buf;
}

/*
 * The event time as a float with up to 7 decimals (Python's repr of
 * time.time() has about as many), formatted without printf's float
 * machinery; always with a decimal point, so it parses as a float.
 */
#define TIME_DIGITS_MAX	48

/*
 * The digits of t in buf (TIME_DIGITS_MAX, NUL-terminated) and their
 * count; 0 when t is out of range (json-c formats it then). The whole
 * seconds' digits are kept: they change once a second, the fraction on
 * every event.
 */
static size_t
time_digits(double t, char *buf)
{
	static uint64_t last_sec = UINT64_MAX;
	static char sec_digits[24];
	static size_t sec_n;
	uint64_t sec, frac;
	size_t n;

	if (!(t >= 0 && t < 1e15))
		return 0;
	sec = (uint64_t)t;
	frac = (uint64_t)((t - (double)sec) * 1e7 + 0.5);
	if (frac >= 10000000) {
		sec++;
		frac -= 10000000;
	}
	if (sec != last_sec) {
		uint64_t v = sec;
		size_t k = sizeof(sec_digits);

		do {
			sec_digits[--k] = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		sec_n = sizeof(sec_digits) - k;
		memmove(sec_digits, sec_digits + k, sec_n);
		last_sec = sec;
	}
	memcpy(buf, sec_digits, sec_n);
	n = sec_n;
	buf[n++] = '.';
	for (int i = 6; i >= 0; i--) {
		buf[n + (size_t)i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	n += 7;
	while (buf[n - 1] == '0' && buf[n - 2] != '.')
		n--;
	buf[n] = '\0';
	return n;
}

static jobj *
jtime(double t)
{
	char buf[TIME_DIGITS_MAX];

	if (time_digits(t, buf) == 0)
		return json_object_new_double(t);
	return json_object_new_double_s(t, buf);
}

/* ---- envelope ---- */

struct jev {
	bool		 v6;	/* ExaBGP main's dialect */
	jobj		*root;
	jobj		*nb;	/* "neighbor", or NULL */
	struct sbuf	 tmp;
};

static void
env_begin(struct jev *ev, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, const char *type)
{
	const char *host = src->host != NULL ? src->host : "";

	sbuf_init(&ev->tmp);
	ev->v6 = v6;
	ev->nb = NULL;
	ev->root = json_object_new_object();
	jadd(ev->root, "exabgp", jstr(v6 ? API_JSON6_VERSION :
	    API_JSON_VERSION));
	jadd(ev->root, "time", jtime(src->time));
	jadd(ev->root, "host", jesc(&ev->tmp, host, strlen(host)));
	jadd(ev->root, "pid", jint(src->pid));
	jadd(ev->root, "ppid", jint(src->ppid));
	if (nb != NULL)
		jadd(ev->root, "counter", juint(nb->counter));
	jadd(ev->root, "type", jstr(type));
}

/* "header"/"body" of the envelope (consolidate). */
static void
env_raw(struct jev *ev, const struct api_msg_opts *o)
{
	jadd(ev->root, "header", jhex(&ev->tmp, o->raw, BGP_HEADER_LEN));
	jadd(ev->root, "body", jhex(&ev->tmp, o->raw + BGP_HEADER_LEN,
	    o->rawlen - BGP_HEADER_LEN));
}

static void
env_neighbor(struct jev *ev, const struct api_neighbor *nb,
    const enum api_dir *dir)
{
	jobj *addr = json_object_new_object(), *asn = json_object_new_object();

	ev->nb = json_object_new_object();
	jadd(addr, "local", jaddr(&nb->local));
	jadd(addr, "peer", jaddr(&nb->peer));
	jadd(asn, "local", jint(nb->local_as));
	jadd(asn, "peer", jint(nb->peer_as));
	jadd(ev->nb, "address", addr);
	jadd(ev->nb, "asn", asn);
	/* main: our router id, between "asn" and "direction" */
	if (ev->v6)
		jadd(ev->nb, "router-id", jip4(nb->router_id));
	if (dir != NULL)
		jadd(ev->nb, "direction", jstr(api_dir_name(*dir)));
	jadd(ev->root, "neighbor", ev->nb);
}

static void
emit(struct sbuf *out, struct jev *ev)
{
	size_t len;
	const char *s = json_object_to_json_string_length(ev->root,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	sbuf_add(out, s, len);
	sbuf_addc(out, '\n');
	json_object_put(ev->root);
	sbuf_free(&ev->tmp);
}

/*
 * A BGP message event. Returns true when the caller adds the parsed
 * content to ev->nb; false when the raw "packets" form was written.
 */
static bool
jmsg_begin(struct jev *ev, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, const char *type)
{
	enum api_mode mode = api_has_raw(o) ? api_mode(o) : API_MODE_PARSED;
	jobj *msg;

	env_begin(ev, v6, src, nb, type);
	if (mode == API_MODE_CONSOLIDATE)
		env_raw(ev, o);
	env_neighbor(ev, nb, &dir);
	if (mode != API_MODE_PACKETS)
		return true;
	msg = json_object_new_object();
	jadd(msg, "category", jint(o->raw[BGP_HEADER_TYPE_OFF]));
	jadd(msg, "header", jhex(&ev->tmp, o->raw, BGP_HEADER_LEN));
	jadd(msg, "body", jhex(&ev->tmp, o->raw + BGP_HEADER_LEN,
	    o->rawlen - BGP_HEADER_LEN));
	jadd(ev->nb, "message", msg);
	return false;
}

/* ---- state, keepalive, notification, refresh, shutdown, overflow ---- */

/* 4.2 turns brackets into parentheses in the down reason; main's JSON
 * dialect keeps them (escaped as any string). */
static jobj *
jreason(struct sbuf *tmp, const char *reason, bool v6)
{
	size_t n = strlen(reason);
	char *copy;
	jobj *o;

	if (v6)
		return jesc(tmp, reason, n);
	copy = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++) {
		char c = reason[i];

		copy[i] = c == '[' || c == '{' ? '(' :
		    c == ']' || c == '}' ? ')' : c;
	}
	o = jesc(tmp, copy, n);
	free(copy);
	return o;
}

void
event_json_state(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, const char *state, const char *reason)
{
	struct jev ev;

	env_begin(&ev, v6, src, nb, "state");
	env_neighbor(&ev, nb, NULL);
	jadd(ev.nb, "state", jstr(state));
	if (reason != NULL)
		jadd(ev.nb, "reason", jreason(&ev.tmp, reason, v6));
	emit(out, &ev);
}

void
event_json_keepalive(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o)
{
	struct jev ev;

	(void)jmsg_begin(&ev, v6, src, nb, dir, o, "keepalive");
	emit(out, &ev);
}

void
event_json_notification(struct sbuf *out, bool v6,
    const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t datalen)
{
	struct jev ev;
	const uint8_t *text;
	size_t tlen;
	jobj *n;

	if (jmsg_begin(&ev, v6, src, nb, dir, o, "notification")) {
		n = json_object_new_object();
		jadd(n, "code", jint(code));
		jadd(n, "subcode", jint(subcode));
		jadd(n, "data", jhex(&ev.tmp, data, datalen));
		/* evbgp addition (main's key): the RFC 9003 text */
		if (api_shutdown_text(code, subcode, data, datalen, &text,
		    &tlen))
			jadd(n, "message", jesc(&ev.tmp, text, tlen));
		else if (v6)	/* main: always, the data as UTF-8 */
			jadd(n, "message", jesc(&ev.tmp, data, datalen));
		jadd(ev.nb, "notification", n);
	}
	emit(out, &ev);
}

void
event_json_refresh(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, uint16_t afi, uint8_t safi,
    uint8_t subtype)
{
	struct jev ev;
	char buf[16];
	jobj *r;

	if (jmsg_begin(&ev, v6, src, nb, dir, o, "refresh")) {
		r = json_object_new_object();
		jadd(r, "afi", jstr(afi_name(afi, buf, sizeof(buf))));
		jadd(r, "safi", jstr(safi_name(safi, buf, sizeof(buf))));
		jadd(r, "subtype", jstr(api_refresh_subtype(subtype)));
		jadd(ev.nb, "route-refresh", r);
	}
	emit(out, &ev);
}

void
event_json_shutdown(struct sbuf *out, bool v6, const struct api_source *src)
{
	struct jev ev;

	env_begin(&ev, v6, src, NULL, "notification");
	jadd(ev.root, "notification", jstr("shutdown"));
	emit(out, &ev);
}

void
event_json_overflow(struct sbuf *out, bool v6, const struct api_source *src,
    unsigned long dropped)
{
	struct jev ev;

	env_begin(&ev, v6, src, NULL, "overflow");
	jadd(ev.root, "dropped", juint(dropped));
	emit(out, &ev);
}

/* ---- OPEN ---- */

typedef jobj *cap_fn(const struct bgp_caps *, uint8_t, struct sbuf *);

static jobj *
cap_obj(const char *name)
{
	jobj *o = json_object_new_object();

	jadd(o, "name", jstr(name));
	return o;
}

static jobj *
cap_mp(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("multiprotocol"), *l = json_object_new_array();
	char buf[32];

	for (int f = 0; f < FAM_MAX; f++)
		if (FAMSET_HAS(c->mp, f))
			json_object_array_add(l,
			    jstr(fam_key(f, '/', buf, sizeof(buf))));
	jadd(o, "families", l);
	return o;
}

static jobj *
cap_rr(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("route-refresh");

	jadd(o, "variant", jstr(code == BGP_CAP_ROUTE_REFRESH_CISCO ?
	    "Cisco" : "RFC"));
	return o;
}

static jobj *
cap_ext_nexthop(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("nexthop"), *l = json_object_new_array();
	char buf[48], fam[32];

	for (int f = 0; f < FAM_MAX; f++)
		for (unsigned nh = 0; nh < 8; nh++)
			if (c->ext_nexthop[f] & (1u << nh)) {
				snprintf(buf, sizeof(buf), "%s/%s",
				    fam_key(f, '/', fam, sizeof(fam)),
				    nh == BGP_AFI_IPV6 ? "ipv6" : "ipv4");
				json_object_array_add(l, jstr(buf));
			}
	jadd(o, "families", l);
	return o;
}

static jobj *
cap_ext_message(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("extended-message");

	jadd(o, "size", jint(65535));
	return o;
}

/*
 * 4.2 names the per-family F bit "restart" and the R bit "forwarding"
 * (see reference §3.3); kept as is, since that is what clients parse.
 */
static jobj *
cap_gr(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("graceful restart"), *fams = json_object_new_object();
	jobj *rf = json_object_new_array(), *l;
	char buf[32];

	jadd(o, "time", jint(c->gr_time));
	for (int f = 0; f < FAM_MAX; f++) {
		if (!FAMSET_HAS(c->gr_families, f))
			continue;
		l = json_object_new_array();
		if (FAMSET_HAS(c->gr_forwarding, f))
			json_object_array_add(l, jstr("restart"));
		jadd(fams, fam_key(f, '/', buf, sizeof(buf)), l);
	}
	jadd(o, "address-family-flags", fams);
	if (c->gr_restarting)
		json_object_array_add(rf, jstr("forwarding"));
	jadd(o, "restart-flags", rf);
	return o;
}

static jobj *
cap_as4(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("asn4");

	jadd(o, "asn4", jint(c->as4));
	return o;
}

static jobj *
cap_multi_session(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	return cap_obj("multisession");
}

static jobj *
cap_addpath(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	static const char *const modes[] = { NULL, "receive", "send",
	    "send/receive" };
	jobj *o = cap_obj("addpath");
	char buf[32];

	for (int f = 0; f < FAM_MAX; f++)
		if (c->addpath[f] >= BGP_ADDPATH_RECEIVE &&
		    c->addpath[f] <= BGP_ADDPATH_BOTH)
			jadd(o, fam_key(f, '/', buf, sizeof(buf)),
			    jstr(modes[c->addpath[f]]));
	return o;
}

static jobj *
cap_enhanced_rr(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	return cap_obj("enhanced-route-refresh");
}

static jobj *
cap_fqdn(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	jobj *o = cap_obj("hostname");

	jadd(o, "host-name", jesc(tmp, c->hostname,
	    strnlen(c->hostname, sizeof(c->hostname))));
	jadd(o, "domain-name", jesc(tmp, c->domainname,
	    strnlen(c->domainname, sizeof(c->domainname))));
	return o;
}

static jobj *
cap_operational(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	return cap_obj("operational");
}

/* The value of software version (75) or link-local next hop (77) in an
 * OPEN we built (they are fields there, not unknown capabilities). */
static bool
cap_own_raw(const struct bgp_caps *c, uint8_t code, struct cap_unknown *u)
{
	size_t n;

	memset(u, 0, sizeof(*u));
	u->code = code;
	if (code == BGP_CAP_LINK_LOCAL_NEXTHOP && c->link_local_nh)
		return true;
	if (code != BGP_CAP_SOFTWARE_VERSION || c->software[0] == '\0')
		return false;
	n = strnlen(c->software, CAPS_SOFTWARE_MAX);
	u->data[0] = (uint8_t)n;
	memcpy(u->data + 1, c->software, n);
	u->len = (uint8_t)(n + 1);
	return true;
}

/* 4.2's UnknownCapability: iana class, code, value hex without "0x". */
static jobj *
cap_unknown(const struct bgp_caps *c, uint8_t code, struct sbuf *tmp)
{
	const struct cap_unknown *u = NULL;
	struct cap_unknown own;
	jobj *o;

	for (size_t i = 0; i < c->nunknown && i < CAPS_MAX_UNKNOWN; i++)
		if (c->unknown[i].code == code) {
			u = &c->unknown[i];
			break;
		}
	/* the ones 4.2 does not know, in an OPEN we built: shown as 4.2
	 * shows them when it receives them */
	if (u == NULL && cap_own_raw(c, code, &own))
		u = &own;
	if (u == NULL)
		return NULL;
	o = cap_obj("unknown");
	jadd(o, "iana", jstr(code == 0 || code >= 128 ? "reserved" :
	    "unassigned"));
	jadd(o, "value", jint(code));
	sbuf_reset(tmp);
	api_hex(tmp, u->data, u->len);
	jadd(o, "raw", json_object_new_string_len(tmp->p + 2,
	    (int)tmp->len - 2));
	return o;
}

static const struct {
	uint8_t	 code;
	cap_fn	*fn;
} cap_table[] = {
	{ BGP_CAP_MP, cap_mp },
	{ BGP_CAP_ROUTE_REFRESH, cap_rr },
	{ BGP_CAP_EXT_NEXTHOP, cap_ext_nexthop },
	{ BGP_CAP_EXT_MESSAGE, cap_ext_message },
	{ BGP_CAP_GRACEFUL_RESTART, cap_gr },
	{ BGP_CAP_AS4, cap_as4 },
	{ BGP_CAP_MULTI_SESSION, cap_multi_session },
	{ BGP_CAP_ADD_PATH, cap_addpath },
	{ BGP_CAP_ENHANCED_RR, cap_enhanced_rr },
	{ BGP_CAP_FQDN, cap_fqdn },
	{ BGP_CAP_ROUTE_REFRESH_CISCO, cap_rr },
	{ BGP_CAP_MULTI_SESSION_CISCO, cap_multi_session },
	{ BGP_CAP_OPERATIONAL, cap_operational },
};

static cap_fn *
cap_lookup(uint8_t code)
{
	for (size_t i = 0; i < sizeof(cap_table) / sizeof(cap_table[0]); i++)
		if (cap_table[i].code == code)
			return cap_table[i].fn;
	return cap_unknown;
}

/*
 * The capability codes to show: as received (first occurrence), or for
 * an OPEN we built (no order recorded) in open_encode()'s order.
 */
static size_t
cap_codes(const struct bgp_caps *c, uint8_t *codes, size_t max)
{
	bool seen[256] = { false };
	size_t n = 0;

#define CAP_PUT(code) do {						\
		if (!seen[(code)] && n < max) {				\
			seen[(code)] = true;				\
			codes[n++] = (code);				\
		}							\
	} while (0)
	if (c->norder > 0) {
		for (size_t i = 0; i < c->norder && i < sizeof(c->order); i++)
			CAP_PUT(c->order[i]);
		return n;
	}
	if (c->mp != 0)
		CAP_PUT(BGP_CAP_MP);
	if (c->asn4)
		CAP_PUT(BGP_CAP_AS4);
	for (int f = 0; f < FAM_MAX; f++) {
		if (c->ext_nexthop[f] != 0)
			CAP_PUT(BGP_CAP_EXT_NEXTHOP);
		if (c->addpath[f] != 0)
			CAP_PUT(BGP_CAP_ADD_PATH);
	}
	if (c->gr)
		CAP_PUT(BGP_CAP_GRACEFUL_RESTART);
	if (c->route_refresh)
		CAP_PUT(BGP_CAP_ROUTE_REFRESH);
	if (c->route_refresh_cisco)
		CAP_PUT(BGP_CAP_ROUTE_REFRESH_CISCO);
	if (c->enhanced_rr)
		CAP_PUT(BGP_CAP_ENHANCED_RR);
	if (c->operational)
		CAP_PUT(BGP_CAP_OPERATIONAL);
	if (c->ext_message)
		CAP_PUT(BGP_CAP_EXT_MESSAGE);
	if (c->fqdn)
		CAP_PUT(BGP_CAP_FQDN);
	if (c->software[0] != '\0')
		CAP_PUT(BGP_CAP_SOFTWARE_VERSION);
	if (c->link_local_nh)
		CAP_PUT(BGP_CAP_LINK_LOCAL_NEXTHOP);
	if (c->multi_session)
		CAP_PUT(BGP_CAP_MULTI_SESSION);
	for (size_t i = 0; i < c->nunknown && i < CAPS_MAX_UNKNOWN; i++)
		CAP_PUT(c->unknown[i].code);
#undef CAP_PUT
	return n;
}

static jobj *
open_caps(const struct bgp_caps *c, struct sbuf *tmp)
{
	jobj *caps = json_object_new_object(), *v;
	uint8_t codes[256];
	size_t n = cap_codes(c, codes, sizeof(codes));
	char key[4];

	for (size_t i = 0; i < n; i++) {
		if ((v = cap_lookup(codes[i])(c, codes[i], tmp)) == NULL)
			continue;
		snprintf(key, sizeof(key), "%u", codes[i]);
		jadd(caps, key, v);
	}
	return caps;
}

void
event_json_open(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, const struct bgp_open *open)
{
	struct jev ev;
	jobj *op;

	if (jmsg_begin(&ev, v6, src, nb, dir, o, "open")) {
		op = json_object_new_object();
		jadd(op, "version", jint(open->version));
		jadd(op, "asn", jint(open->my_as));
		jadd(op, "hold_time", jint(open->hold_time));
		jadd(op, "router_id", jip4(open->bgp_id));
		jadd(op, "capabilities", open_caps(&open->caps, &ev.tmp));
		jadd(ev.nb, "open", op);
	}
	emit(out, &ev);
}

/* ---- UPDATE: routes ---- */

/*
 * The NLRI lists are written as JSON text straight away, one list per
 * (family, announce/withdraw, next hop), and put in the tree as raw
 * nodes: a full-table UPDATE costs no json-c object per route.
 */
#define JROUTES_MAX	8

struct jlist {
	int			 fam;
	bool			 announce;
	const struct bgp_addr	*nh;
	char			 nhs[ADDR_STRLEN];	/* nh as text, or "" */
	struct sbuf		*text;	/* "[{...},{...}" until closed */
};

struct jroutes {
	bool			 v6;	/* main's labels */
	struct jlist		 v[JROUTES_MAX];
	size_t			 n;
	struct jlist		*last;	/* routes come in runs */
	bool			 overflow;
};

/*
 * The lists' buffers outlive the event (one per list slot): an UPDATE
 * costs no allocation for its routes. A list that grew past
 * JLIST_KEEP_MAX (a full-table UPDATE) gives its memory back.
 */
#define JLIST_KEEP_MAX	(64u * 1024)

static struct sbuf jlist_text[JROUTES_MAX];

static void
jroutes_begin(struct jroutes *jr, bool v6)
{
	jr->v6 = v6;
	jr->n = 0;
	jr->last = NULL;
	jr->overflow = false;
	for (size_t i = 0; i < JROUTES_MAX; i++)
		jr->v[i].text = &jlist_text[i];
}

static void
jroutes_done(struct jroutes *jr)
{
	for (size_t i = 0; i < jr->n; i++)
		if (jr->v[i].text->cap > JLIST_KEEP_MAX)
			sbuf_free(jr->v[i].text);
}

static struct jlist *
route_list(struct jroutes *jr, const struct update_route *rt)
{
	struct jlist *l = jr->last;

	int fam = (int)rt->nlri.fam;

	if (l != NULL && l->fam == fam && l->announce == rt->announce &&
	    l->nh == rt->nexthop)
		return l;
	for (size_t i = 0; i < jr->n; i++) {
		l = &jr->v[i];
		if (l->fam == fam && l->announce == rt->announce &&
		    (!rt->announce || l->nh == rt->nexthop ||
		    (l->nh != NULL && rt->nexthop != NULL &&
		    addr_equal(l->nh, rt->nexthop))))
			return jr->last = l;
	}
	if (jr->n == JROUTES_MAX) {
		jr->overflow = true;	/* cannot happen: <= 4 lists per UPDATE */
		return NULL;
	}
	l = &jr->v[jr->n++];
	l->fam = fam;
	l->announce = rt->announce;
	l->nh = rt->nexthop;
	/* the families that show the next hop per route get it from here:
	 * formatted once per list, not per route */
	if (rt->announce && rt->nexthop != NULL && rt->nexthop->afi != 0)
		addr_fmt(rt->nexthop, l->nhs);
	else
		l->nhs[0] = '\0';
	sbuf_reset(l->text);
	sbuf_addc(l->text, '[');
	return jr->last = l;
}

static void
route_add(const struct update_route *rt, void *arg)
{
	struct jroutes *jr = arg;
	struct jlist *l = route_list(jr, rt);

	if (l == NULL)
		return;
	sbuf_adds(l->text, l->text->len > 1 ? ",{" : "{");
	(jr->v6 ? nlri_json6 : nlri_json)(l->text, &rt->nlri,
	    rt->has_path_id,
	    rt->announce && rt->nexthop != NULL && rt->nexthop->afi != 0 ?
	    l->nhs : NULL);
	sbuf_addc(l->text, '}');
	/* ExaBGP 4.2 reads a global + link-local next hop (RFC 2545, 32
	 * octets) as two next hops and lists the route under each */
	if (rt->announce && rt->nexthop_ll != NULL &&
	    rt->nexthop_ll->afi != 0) {
		struct update_route ll = *rt;

		ll.nexthop = rt->nexthop_ll;
		ll.nexthop_ll = NULL;
		route_add(&ll, arg);
	}
}

/* Does the UPDATE withdraw routes? */
static bool
jroutes_withdraw(const struct jroutes *jr)
{
	for (size_t i = 0; i < jr->n; i++)
		if (!jr->v[i].announce)
			return true;
	return false;
}

/* ---- UPDATE written as text (the hot path of a route-server sidecar) ---- */

/*
 * A parsed UPDATE event is written straight into the output buffer: the
 * same JSON as the json-c tree above (the json4 tests compare both
 * against ExaBGP), without an object per attribute or per route.
 */

static void
t_key(struct sbuf *o, const char *key)
{
	sbuf_addc(o, '"');
	sbuf_adds(o, key);
	sbuf_adds(o, "\":");
}

static void
t_u64(struct sbuf *o, uint64_t v)
{
	char buf[24];
	size_t n = sizeof(buf);

	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sbuf_add(o, buf + n, sizeof(buf) - n);
}

/* "announce": {FAM: {NH: [...]}} and "withdraw": {FAM: [...]}. */
static void
t_routes(struct sbuf *o, struct jroutes *jr)
{
	bool any = false;

	for (int pass = 0; pass < 2; pass++) {
		bool announce = pass == 0, opened = false;
		bool done[JROUTES_MAX] = { false };

		for (size_t i = 0; i < jr->n; i++) {
			struct jlist *l = &jr->v[i];
			char fam[32];

			if (l->announce != announce || done[i])
				continue;
			sbuf_adds(o, opened ? "," : any ? ",\"" : "\"");
			if (!opened) {
				sbuf_adds(o, announce ? "announce\":{" :
				    "withdraw\":{");
				opened = any = true;
			}
			t_key(o, fam_key((enum family_id)l->fam, ' ', fam,
			    sizeof(fam)));
			if (!announce) {
				sbuf_add(o, l->text->p, l->text->len);
				sbuf_addc(o, ']');
				done[i] = true;
				continue;
			}
			/* every next hop of this family, in order */
			sbuf_addc(o, '{');
			for (size_t j = i; j < jr->n; j++) {
				struct jlist *m = &jr->v[j];

				if (!m->announce || m->fam != l->fam || done[j])
					continue;
				if (j != i)
					sbuf_addc(o, ',');
				/* formatted when the list was opened */
				t_key(o, m->nh != NULL && m->nh->afi != 0 ?
				    m->nhs : "no-nexthop");
				sbuf_add(o, m->text->p, m->text->len);
				sbuf_addc(o, ']');
				done[j] = true;
			}
			sbuf_addc(o, '}');
		}
		if (opened)
			sbuf_addc(o, '}');
	}
	jroutes_done(jr);
}

/*
 * The "neighbor" block up to "message": the same for every UPDATE of a
 * session, so rendered once per peer and direction and kept in a small
 * direct-mapped cache (a route server's peers each keep their line).
 */
#define NB_CACHE	64

struct nb_cached {
	bool		 used;
	struct bgp_addr	 local, peer;
	uint32_t	 local_as, peer_as;
	uint32_t	 router_id;
	bool		 v6;
	enum api_dir	 dir;
	struct sbuf	 text;
};

static struct nb_cached nb_cache[NB_CACHE];

static void
t_neighbor_render(struct sbuf *o, const struct api_neighbor *nb,
    enum api_dir dir, bool v6)
{
	char a[ADDR_STRLEN];

	sbuf_adds(o, "\"neighbor\":{\"address\":{\"local\":\"");
	sbuf_adds(o, addr_fmt(&nb->local, a));
	sbuf_adds(o, "\",\"peer\":\"");
	sbuf_adds(o, addr_fmt(&nb->peer, a));
	sbuf_adds(o, "\"},\"asn\":{\"local\":");
	t_u64(o, nb->local_as);
	sbuf_adds(o, ",\"peer\":");
	t_u64(o, nb->peer_as);
	if (v6) {
		struct bgp_addr rid;

		addr_from_u32(&rid, nb->router_id);
		sbuf_adds(o, "},\"router-id\":\"");
		sbuf_adds(o, addr_fmt(&rid, a));
		sbuf_addc(o, '"');
	} else
		sbuf_addc(o, '}');
	sbuf_adds(o, ",\"direction\":\"");
	sbuf_adds(o, api_dir_name(dir));
	sbuf_adds(o, "\",\"message\":");
}

static bool
nb_cached_is(const struct nb_cached *c, const struct api_neighbor *nb,
    enum api_dir dir, bool v6)
{
	return c->used && c->dir == dir && c->v6 == v6 &&
	    (!v6 || c->router_id == nb->router_id) &&
	    c->local_as == nb->local_as && c->peer_as == nb->peer_as &&
	    addr_equal(&c->peer, &nb->peer) && addr_equal(&c->local, &nb->local);
}

static void
t_neighbor(struct sbuf *o, const struct api_neighbor *nb, enum api_dir dir,
    bool v6)
{
	/* the entry used last: a stream of UPDATEs from one peer skips the
	 * hash (16 dependent multiplies, a fortieth of the render) */
	static struct nb_cached *last;
	uint32_t h = 2166136261u;
	struct nb_cached *c;

	if (last != NULL && nb_cached_is(last, nb, dir, v6)) {
		sbuf_add(o, last->text.p, last->text.len);
		return;
	}
	for (size_t i = 0; i < sizeof(nb->peer.b); i++)
		h = (h ^ nb->peer.b[i]) * 16777619u;
	h = (h ^ nb->local.b[3] ^ nb->local.b[15] ^ (uint32_t)dir ^
	    (v6 ? 0x80u : 0u)) * 16777619u;
	c = last = &nb_cache[h % NB_CACHE];
	if (!nb_cached_is(c, nb, dir, v6)) {
		if (!c->used)
			sbuf_init(&c->text);
		sbuf_reset(&c->text);
		t_neighbor_render(&c->text, nb, dir, v6);
		c->used = true;
		c->v6 = v6;
		c->router_id = nb->router_id;
		c->dir = dir;
		c->local = nb->local;
		c->peer = nb->peer;
		c->local_as = nb->local_as;
		c->peer_as = nb->peer_as;
	}
	sbuf_add(o, c->text.p, c->text.len);
}

/*
 * The envelope's fields between "time" and "counter" (host, pid, ppid):
 * the same for every event until the host name or a pid changes, so
 * rendered once and compared on each use (the host name is short).
 */
struct env_mid {
	bool		 used;
	pid_t		 pid, ppid;
	char		*host;
	struct sbuf	 text;	/* ,"host":"...","pid":N,"ppid":M,"counter": */
};

static struct env_mid env_mid;

static const struct sbuf *
t_env_mid(const char *host, pid_t pid, pid_t ppid)
{
	struct env_mid *c = &env_mid;

	if (c->used && c->pid == pid && c->ppid == ppid &&
	    strcmp(c->host, host) == 0)
		return &c->text;
	free(c->host);
	c->host = xstrdup(host);
	c->pid = pid;
	c->ppid = ppid;
	if (!c->used)
		sbuf_init(&c->text);
	c->used = true;
	sbuf_reset(&c->text);
	sbuf_adds(&c->text, ",\"host\":\"");
	event_json_escape(&c->text, (const uint8_t *)host, strlen(host));
	sbuf_adds(&c->text, "\",\"pid\":");
	t_u64(&c->text, (uint64_t)pid);
	sbuf_adds(&c->text, ",\"ppid\":");
	t_u64(&c->text, (uint64_t)ppid);
	sbuf_adds(&c->text, ",\"counter\":");
	return &c->text;
}

static void
t_envelope(struct sbuf *o, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *raw)
{
	const struct sbuf *mid = t_env_mid(src->host != NULL ? src->host : "",
	    src->pid, src->ppid);
	char tbuf[TIME_DIGITS_MAX];
	size_t tn = time_digits(src->time, tbuf);

	sbuf_adds(o, v6 ? "{\"exabgp\":\"" API_JSON6_VERSION "\",\"time\":" :
	    "{\"exabgp\":\"" API_JSON_VERSION "\",\"time\":");
	if (tn > 0)
		sbuf_add(o, tbuf, tn);
	else {
		jobj *t = jtime(src->time);

		sbuf_adds(o, json_object_to_json_string(t));
		json_object_put(t);
	}
	sbuf_add(o, mid->p, mid->len);
	t_u64(o, nb->counter);
	sbuf_adds(o, ",\"type\":\"update\",");
	/* consolidate: the message's own bytes beside the decoded form */
	if (raw != NULL) {
		sbuf_adds(o, "\"header\":\"");
		api_hex(o, raw->raw, BGP_HEADER_LEN);
		sbuf_adds(o, "\",\"body\":\"");
		api_hex(o, raw->raw + BGP_HEADER_LEN,
		    raw->rawlen - BGP_HEADER_LEN);
		sbuf_adds(o, "\",");
	}
	t_neighbor(o, nb, dir, v6);
}

static void
event_json_update_text(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *raw, const struct update_msg *m,
    famset_t addpath)
{
	struct jroutes jr;
	char buf[16];
	int fam;

	t_envelope(out, v6, src, nb, dir, raw);
	if (update_is_eor(m, &fam)) {
		sbuf_adds(out, "{\"eor\":{\"afi\":\"");
		sbuf_adds(out, fam >= 0 ? family_afi_name(fam) :
		    afi_name(m->mp_unreach_afi, buf, sizeof(buf)));
		sbuf_adds(out, "\",\"safi\":\"");
		sbuf_adds(out, fam >= 0 ? family_safi_name(fam) :
		    safi_name(m->mp_unreach_safi, buf, sizeof(buf)));
		sbuf_adds(out, "\"}}}}\n");
		return;
	}
	sbuf_adds(out, "{\"update\":{");
	jroutes_begin(&jr, v6);
	update_foreach_route(m, addpath, route_add, &jr);
	if (api_update_has_attrs(m)) {
		sbuf_adds(out, "\"attribute\":");
		if (v6)	/* main: "next-hop" when routes are withdrawn */
			bgp_attr_json6(out, &m->attrs, jroutes_withdraw(&jr));
		else
			bgp_attr_json(out, &m->attrs, false);
		if (jr.n > 0)
			sbuf_addc(out, ',');
	}
	t_routes(out, &jr);
	sbuf_adds(out, "}}}}\n");
}

void
event_json_update(struct sbuf *out, bool v6, const struct api_source *src,
    const struct api_neighbor *nb, enum api_dir dir,
    const struct api_msg_opts *o, const struct update_msg *m,
    famset_t addpath)
{
	struct jev ev;

	if (!api_has_raw(o) || api_mode(o) == API_MODE_PARSED) {
		event_json_update_text(out, v6, src, nb, dir, NULL, m, addpath);
		return;
	}
	if (api_mode(o) == API_MODE_CONSOLIDATE) {
		event_json_update_text(out, v6, src, nb, dir, o, m, addpath);
		return;
	}
	/* packets: the raw message only */
	jmsg_begin(&ev, v6, src, nb, dir, o, "update");
	emit(out, &ev);
}
