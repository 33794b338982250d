/*
 * The text dialect of the event encoders: ExaBGP 4.2's "encoder text"
 * lines (reference/exabgp-compat.md §2.6). One line per event, except an
 * UPDATE, which is a block: "update start", one line per route (or the
 * End-of-RIB line), "update end". Unlike 4.2 no blank line follows an
 * event. Peer strings (hostname capability) and the down reason go
 * through event_text_escape(): no control character, newline or non-ASCII
 * byte from a peer reaches the output.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/event_encode.h"
#include "evbgp/bgp_attr.h"
#include "evbgp/bgp_proto.h"

#include "event_encode_priv.h"

/* "neighbor 192.0.2.1 " (no printf: a received UPDATE has three lines
 * or more, each with it) */
static void
line_begin(struct sbuf *out, const struct api_neighbor *nb)
{
	char ip[ADDR_STRLEN];

	sbuf_adds(out, "neighbor ");
	sbuf_adds(out, addr_fmt(&nb->peer, ip));
	sbuf_addc(out, ' ');
}

/* "neighbor IP receive " */
static void
tmsg_begin(struct sbuf *out, const struct api_neighbor *nb, enum api_dir dir)
{
	line_begin(out, nb);
	sbuf_adds(out, api_dir_name(dir));
	sbuf_addc(out, ' ');
}

/* " header 0x... body 0x..." with consolidate. */
static void
header_body(struct sbuf *out, const struct api_msg_opts *o)
{
	sbuf_adds(out, " header ");
	api_hex(out, o->raw, BGP_HEADER_LEN);
	sbuf_adds(out, " body ");
	api_hex(out, o->raw + BGP_HEADER_LEN, o->rawlen - BGP_HEADER_LEN);
}

/*
 * The raw "packets" form when that is what o asks for ("neighbor IP
 * receive 2 header 0x... body 0x..."); false otherwise.
 */
static bool
packets_line(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o)
{
	if (!api_has_raw(o) || api_mode(o) != API_MODE_PACKETS)
		return false;
	tmsg_begin(out, nb, dir);
	sbuf_printf(out, "%u", o->raw[BGP_HEADER_TYPE_OFF]);
	header_body(out, o);
	sbuf_addc(out, '\n');
	return true;
}

/* End a message line: consolidate suffix and newline. */
static void
tmsg_end(struct sbuf *out, const struct api_msg_opts *o)
{
	if (api_has_raw(o) && api_mode(o) == API_MODE_CONSOLIDATE)
		header_body(out, o);
	sbuf_addc(out, '\n');
}

void
event_text_state(struct sbuf *out, const struct api_neighbor *nb,
    const char *state, const char *reason)
{
	line_begin(out, nb);
	event_text_escape(out, (const uint8_t *)state, strlen(state), NULL);
	if (strcmp(state, "down") == 0) {
		sbuf_adds(out, " - ");
		if (reason != NULL)
			event_text_escape(out, (const uint8_t *)reason,
			    strlen(reason), NULL);
	}
	sbuf_addc(out, '\n');
}

void
event_text_keepalive(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o)
{
	if (packets_line(out, nb, dir, o))
		return;
	tmsg_begin(out, nb, dir);
	sbuf_adds(out, "keepalive");
	tmsg_end(out, o);
}

void
event_text_notification(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o, uint8_t code,
    uint8_t subcode, const uint8_t *data, size_t datalen)
{
	if (packets_line(out, nb, dir, o))
		return;
	tmsg_begin(out, nb, dir);
	sbuf_printf(out, "notification code %u subcode %u data ", code,
	    subcode);
	api_hex(out, data, datalen);
	tmsg_end(out, o);
}

void
event_text_refresh(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o, uint16_t afi,
    uint8_t safi, uint8_t subtype)
{
	char a[16], s[16];

	if (packets_line(out, nb, dir, o))
		return;
	tmsg_begin(out, nb, dir);
	sbuf_printf(out, "route-refresh afi %s safi %s %s",
	    afi_name(afi, a, sizeof(a)), safi_name(safi, s, sizeof(s)),
	    api_refresh_subtype(subtype));
	tmsg_end(out, o);
}

void
event_text_shutdown(struct sbuf *out, const struct api_source *src)
{
	sbuf_printf(out, "shutdown %ld %ld\n", (long)src->pid,
	    (long)src->ppid);
}

void
event_text_overflow(struct sbuf *out, unsigned long dropped)
{
	sbuf_printf(out, "overflow dropped %lu\n", dropped);
}

/* ---- OPEN ---- */

typedef void tcap_fn(struct sbuf *, const struct bgp_caps *, uint8_t);

static void
fam_list(struct sbuf *out, famset_t set, const uint8_t *addpath)
{
	static const char *const modes[] = { "", "receive ", "send ",
	    "send/receive " };
	bool first = true;

	for (int f = 0; f < FAM_MAX; f++) {
		if (addpath != NULL ? addpath[f] == 0 || addpath[f] > 3 :
		    !FAMSET_HAS(set, f))
			continue;
		sbuf_printf(out, "%s%s%s %s", first ? "" : ",",
		    addpath != NULL ? modes[addpath[f]] : "",
		    family_afi_name(f), family_safi_name(f));
		first = false;
	}
}

static void
tc_mp(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	sbuf_adds(out, "multiprotocol(");
	fam_list(out, c->mp, NULL);
	sbuf_addc(out, ')');
}

static void
tc_addpath(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	sbuf_adds(out, "addpath(");
	fam_list(out, 0, c->addpath);
	sbuf_addc(out, ')');
}

static void
tc_ext_nexthop(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	bool first = true;

	sbuf_adds(out, "nexthop(");
	for (int f = 0; f < FAM_MAX; f++)
		for (unsigned nh = 0; nh < 8; nh++)
			if (c->ext_nexthop[f] & (1u << nh)) {
				sbuf_printf(out, "%s%s %s %s", first ? "" :
				    ",", family_afi_name(f),
				    family_safi_name(f),
				    nh == BGP_AFI_IPV6 ? "ipv6" : "ipv4");
				first = false;
			}
	sbuf_addc(out, ')');
}

static void
tc_gr(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	sbuf_printf(out, "graceful restart flags 0x%x time %u",
	    c->gr_restarting ? BGP_GR_RESTART_FLAG : 0, c->gr_time);
	for (int f = 0; f < FAM_MAX; f++)
		if (FAMSET_HAS(c->gr_families, f))
			sbuf_printf(out, " %s/%s=0x%x", family_afi_name(f),
			    family_safi_name(f),
			    FAMSET_HAS(c->gr_forwarding, f) ?
			    BGP_GR_FORWARDING_FLAG : 0);
}

static void
tc_fqdn(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	static const char delim[] = "()[], ";

	sbuf_adds(out, "hostname(");
	event_text_escape(out, (const uint8_t *)c->hostname,
	    strnlen(c->hostname, sizeof(c->hostname)), delim);
	sbuf_addc(out, ' ');
	event_text_escape(out, (const uint8_t *)c->domainname,
	    strnlen(c->domainname, sizeof(c->domainname)), delim);
	sbuf_addc(out, ')');
}

static void
tc_simple(struct sbuf *out, const struct bgp_caps *c, uint8_t code)
{
	switch (code) {
	case BGP_CAP_ROUTE_REFRESH:
		sbuf_adds(out, "route refresh");
		break;
	case BGP_CAP_ROUTE_REFRESH_CISCO:
		sbuf_adds(out, "cisco route refresh");
		break;
	case BGP_CAP_EXT_MESSAGE:
		sbuf_adds(out, "extended message(65535)");
		break;
	case BGP_CAP_AS4:
		sbuf_printf(out, "asn4(%" PRIu32 ")", c->as4);
		break;
	case BGP_CAP_ENHANCED_RR:
		sbuf_adds(out, "enhanced route refresh");
		break;
	case BGP_CAP_MULTI_SESSION:
	case BGP_CAP_MULTI_SESSION_CISCO:
		sbuf_adds(out, "multisession");
		break;
	case BGP_CAP_OPERATIONAL:
		sbuf_adds(out, "operational");
		break;
	default:
		sbuf_printf(out, "%s %u", code == 0 || code >= 128 ?
		    "reserved" : "unassigned", code);
		break;
	}
}

static const struct {
	uint8_t		 code;
	tcap_fn		*fn;
} tcap_table[] = {
	{ BGP_CAP_MP, tc_mp },
	{ BGP_CAP_EXT_NEXTHOP, tc_ext_nexthop },
	{ BGP_CAP_GRACEFUL_RESTART, tc_gr },
	{ BGP_CAP_ADD_PATH, tc_addpath },
	{ BGP_CAP_FQDN, tc_fqdn },
};

static tcap_fn *
tcap_lookup(uint8_t code)
{
	for (size_t i = 0; i < sizeof(tcap_table) / sizeof(tcap_table[0]);
	    i++)
		if (tcap_table[i].code == code)
			return tcap_table[i].fn;
	return tc_simple;
}

/* Which capabilities the OPEN has, by code (text lists them sorted). */
static void
tcap_present(const struct bgp_caps *c, bool present[256])
{
	memset(present, 0, 256 * sizeof(bool));
	for (size_t i = 0; i < c->norder && i < sizeof(c->order); i++)
		present[c->order[i]] = true;
	present[BGP_CAP_MP] |= c->mp != 0;
	present[BGP_CAP_AS4] |= c->asn4;
	present[BGP_CAP_GRACEFUL_RESTART] |= c->gr;
	present[BGP_CAP_ROUTE_REFRESH] |= c->route_refresh;
	present[BGP_CAP_ROUTE_REFRESH_CISCO] |= c->route_refresh_cisco;
	present[BGP_CAP_ENHANCED_RR] |= c->enhanced_rr;
	present[BGP_CAP_EXT_MESSAGE] |= c->ext_message;
	present[BGP_CAP_FQDN] |= c->fqdn;
	present[BGP_CAP_MULTI_SESSION] |= c->multi_session &&
	    !present[BGP_CAP_MULTI_SESSION_CISCO];
	present[BGP_CAP_OPERATIONAL] |= c->operational;
	/* fields in an OPEN we built; 4.2 names them by number */
	present[BGP_CAP_SOFTWARE_VERSION] |= c->software[0] != '\0';
	present[BGP_CAP_LINK_LOCAL_NEXTHOP] |= c->link_local_nh;
	for (int f = 0; f < FAM_MAX; f++) {
		present[BGP_CAP_ADD_PATH] |= c->addpath[f] != 0;
		present[BGP_CAP_EXT_NEXTHOP] |= c->ext_nexthop[f] != 0;
	}
	for (size_t i = 0; i < c->nunknown && i < CAPS_MAX_UNKNOWN; i++)
		present[c->unknown[i].code] = true;
}

void
event_text_open(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o,
    const struct bgp_open *open)
{
	bool present[256];
	struct bgp_addr id;
	char ip[ADDR_STRLEN];
	bool first = true;
	size_t start;

	if (packets_line(out, nb, dir, o))
		return;
	addr_from_u32(&id, open->bgp_id);
	tmsg_begin(out, nb, dir);
	sbuf_printf(out, "open version %u asn %u hold_time %u router_id %s "
	    "capabilities [", open->version, open->my_as, open->hold_time,
	    addr_fmt(&id, ip));
	tcap_present(&open->caps, present);
	start = out->len;
	for (unsigned code = 0; code < 256; code++) {
		if (!present[code])
			continue;
		if (!first)
			sbuf_adds(out, ", ");
		tcap_lookup((uint8_t)code)(out, &open->caps, (uint8_t)code);
		first = false;
	}
	/* 4.2 lower-cases the whole list */
	for (size_t i = start; i < out->len; i++)
		out->p[i] = (char)tolower((unsigned char)out->p[i]);
	sbuf_addc(out, ']');
	tmsg_end(out, o);
}

/* ---- UPDATE ---- */

struct troutes {
	struct sbuf			*out;
	const struct sbuf		*begin;	/* "neighbor IP receive " */
	const char			*attrs;	/* " origin igp ..." */
};

static void
troute(const struct update_route *rt, void *arg)
{
	struct troutes *tr = arg;
	char ip[ADDR_STRLEN];
	bool nh = rt->announce && rt->nexthop != NULL && rt->nexthop->afi != 0;

	sbuf_add(tr->out, tr->begin->p, tr->begin->len);
	sbuf_adds(tr->out, rt->announce ? "update announced " :
	    "update withdrawn ");
	nlri_text(tr->out, &rt->nlri, rt->has_path_id,
	    nh ? addr_fmt(rt->nexthop, ip) : NULL);
	if (rt->announce)
		sbuf_adds(tr->out, tr->attrs);
	sbuf_addc(tr->out, '\n');
	/* ExaBGP 4.2 reads a global + link-local next hop (RFC 2545) as
	 * two next hops: the route again with the link-local one */
	if (rt->announce && rt->nexthop_ll != NULL &&
	    rt->nexthop_ll->afi != 0) {
		struct update_route ll = *rt;

		ll.nexthop = rt->nexthop_ll;
		ll.nexthop_ll = NULL;
		troute(&ll, arg);
	}
}

/*
 * The attributes once for every route of the UPDATE (" origin igp ..."),
 * without the next hop, which each route line carries.
 */
static void
update_attrs_text(struct sbuf *out, const struct update_msg *m)
{
	if (api_update_has_attrs(m))
		bgp_attr_text(out, &m->attrs, ATTR_TEXT_EVENT);
}

static void
update_eor_line(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct update_msg *m, int fam)
{
	uint16_t afi = fam >= 0 ? family_afi(fam) : m->mp_unreach_afi;
	uint8_t safi = fam >= 0 ? family_safi(fam) : m->mp_unreach_safi;
	char a[16], s[16];

	tmsg_begin(out, nb, dir);
	sbuf_printf(out, "update route eor %u/%u (%s %s)\n", afi, safi,
	    afi_name(afi, a, sizeof(a)), safi_name(safi, s, sizeof(s)));
}

/*
 * The line beginning and the attributes are rendered once per UPDATE
 * into buffers kept between events (no allocation per received UPDATE);
 * one that grew past TEXT_KEEP_MAX gives its memory back.
 */
#define TEXT_KEEP_MAX	(64u * 1024)

void
event_text_update(struct sbuf *out, const struct api_neighbor *nb,
    enum api_dir dir, const struct api_msg_opts *o,
    const struct update_msg *m, famset_t addpath)
{
	static struct sbuf begin, attrs;
	struct troutes tr = { out, &begin, NULL };
	int fam;

	if (packets_line(out, nb, dir, o))
		return;
	sbuf_reset(&begin);
	tmsg_begin(&begin, nb, dir);
	sbuf_add(out, begin.p, begin.len);
	sbuf_adds(out, "update start\n");
	if (update_is_eor(m, &fam))
		update_eor_line(out, nb, dir, m, fam);
	else {
		sbuf_reset(&attrs);
		sbuf_adds(&attrs, "");
		update_attrs_text(&attrs, m);
		tr.attrs = attrs.p;
		update_foreach_route(m, addpath, troute, &tr);
		if (attrs.cap > TEXT_KEEP_MAX)
			sbuf_free(&attrs);
	}
	if (api_has_raw(o) && api_mode(o) == API_MODE_CONSOLIDATE) {
		sbuf_add(out, begin.p, begin.len);
		sbuf_adds(out, "update");
		header_body(out, o);
		sbuf_addc(out, '\n');
	}
	sbuf_add(out, begin.p, begin.len);
	sbuf_adds(out, "update end\n");
}
