/*
 * Writing a configuration back (config_print) and comparing
 * configurations. The printed form is normalised: templates are expanded
 * into each neighbor, every default is explicit, and each route is one
 * "route" line in route_text's format, so it parses back to an equal
 * configuration (tests/check_config.c checks this on every golden file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/flow_text.h"
#include "evbgp/lexer.h"
#include "evbgp/nlri.h"
#include "evbgp/route_text.h"
#include "evbgp/util.h"

/* A word as the lexer will read it back. */
static void
put_word(FILE *f, const char *w)
{
	size_t need = lex_quote(w, NULL, 0);
	char *q = xmalloc(need + 1);

	lex_quote(w, q, need + 1);
	fputs(q, f);
	free(q);
}

static const char *
onoff(bool v)
{
	return v ? "true" : "false";
}

static const char *
enable(bool v)
{
	return v ? "enable" : "disable";
}

static void
print_process(FILE *f, const struct cfg_process *p)
{
	fprintf(f, "process ");
	put_word(f, p->name);
	fprintf(f, " {\n\trun");
	for (size_t i = 0; i < p->argc; i++) {
		fputc(' ', f);
		put_word(f, p->argv[i]);
	}
	fprintf(f, ";\n");
	if (p->encoder_given)
		fprintf(f, "\tencoder %s;\n", p->encoder == ENCODER_JSON ?
		    "json" : "text");
	if (p->api_version != 0)
		fprintf(f, "\tapi-version %u;\n", p->api_version);
	fprintf(f, "\trespawn %s;\n}\n", onoff(p->respawn));
}

static void
print_families(FILE *f, const char *kw, famset_t set)
{
	fprintf(f, "\t%s {\n", kw);
	for (int i = 0; i < FAM_MAX; i++)
		if (FAMSET_HAS(set, i))
			fprintf(f, "\t\t%s %s;\n", family_afi_name(i),
			    family_safi_name(i));
	fprintf(f, "\t}\n");
}

static void
print_capability(FILE *f, const struct cfg_neighbor *nb)
{
	static const char *const addpath[] = { "disable", "receive", "send",
	    "send/receive" };

	fprintf(f, "\tcapability {\n");
	fprintf(f, "\t\tasn4 %s;\n", enable(nb->cap_asn4));
	fprintf(f, "\t\troute-refresh %s;\n", enable(nb->cap_route_refresh));
	if (!nb->cap_graceful_restart)
		fprintf(f, "\t\tgraceful-restart disable;\n");
	else if (nb->gr_time == 0)
		fprintf(f, "\t\tgraceful-restart;\n");
	else
		fprintf(f, "\t\tgraceful-restart %u;\n", nb->gr_time);
	fprintf(f, "\t\tadd-path %s;\n", addpath[nb->cap_addpath & 3]);
	fprintf(f, "\t\tmulti-session %s;\n", enable(nb->cap_multi_session));
	fprintf(f, "\t\toperational %s;\n", enable(nb->cap_operational));
	fprintf(f, "\t\textended-message %s;\n", enable(nb->cap_ext_message));
	fprintf(f, "\t\tnexthop %s;\n", enable(nb->cap_nexthop));
	fprintf(f, "\t\taigp %s;\n", enable(nb->cap_aigp));
	/* ExaBGP main's: written only when on, so 4.2 reads what we print */
	if (nb->cap_software_version)
		fprintf(f, "\t\tsoftware-version enable;\n");
	if (nb->cap_link_local_nh)
		fprintf(f, "\t\tlink-local-nexthop enable;\n");
	fprintf(f, "\t}\n");
}

static void
print_msgs(FILE *f, const char *kw, uint32_t bits)
{
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} msgs[] = {
		{ API_MSG_PARSED, "parsed" },
		{ API_MSG_PACKETS, "packets" },
		{ API_MSG_CONSOLIDATE, "consolidate" },
		{ API_MSG_OPEN, "open" },
		{ API_MSG_UPDATE, "update" },
		{ API_MSG_NOTIFICATION, "notification" },
		{ API_MSG_KEEPALIVE, "keepalive" },
		{ API_MSG_REFRESH, "refresh" },
		{ API_MSG_OPERATIONAL, "operational" },
	};

	if (bits == 0)
		return;
	fprintf(f, "\t\t%s {\n", kw);
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (bits & msgs[i].bit)
			fprintf(f, "\t\t\t%s;\n", msgs[i].name);
	fprintf(f, "\t\t}\n");
}

static void
print_api(FILE *f, const struct cfg_api *api)
{
	fprintf(f, "\tapi");
	if (api->name != NULL) {
		fputc(' ', f);
		put_word(f, api->name);
	}
	fprintf(f, " {\n");
	if (api->nprocesses > 0) {
		fprintf(f, "\t\tprocesses [");
		for (size_t i = 0; i < api->nprocesses; i++) {
			fputc(' ', f);
			put_word(f, api->processes[i]);
		}
		fprintf(f, " ];\n");
	}
	if (api->npatterns > 0) {
		fprintf(f, "\t\tprocesses-match [");
		for (size_t i = 0; i < api->npatterns; i++) {
			fputc(' ', f);
			put_word(f, api->patterns[i]);
		}
		fprintf(f, " ];\n");
	}
	if (api->neighbor_changes)
		fprintf(f, "\t\tneighbor-changes;\n");
	if (api->negotiated)
		fprintf(f, "\t\tnegotiated;\n");
	if (api->fsm)
		fprintf(f, "\t\tfsm;\n");
	if (api->signal)
		fprintf(f, "\t\tsignal;\n");
	print_msgs(f, "receive", api->receive);
	print_msgs(f, "send", api->send);
	fprintf(f, "\t}\n");
}

static void
print_ipv4(FILE *f, const char *kw, uint32_t v)
{
	struct bgp_addr a;
	char buf[ADDR_STRLEN];

	addr_from_u32(&a, v);
	fprintf(f, "\t%s %s;\n", kw, addr_fmt(&a, buf));
}

static void
print_string(FILE *f, const char *kw, const char *v)
{
	if (v == NULL)
		return;
	fprintf(f, "\t%s ", kw);
	put_word(f, v);
	fprintf(f, ";\n");
}

static void
print_session(FILE *f, const struct cfg_neighbor *nb, bool hide_secrets)
{
	char buf[ADDR_STRLEN];

	print_string(f, "description", nb->description);
	print_ipv4(f, "router-id", nb->router_id);
	fprintf(f, "\tlocal-address %s;\n", nb->local_auto ? "auto" :
	    addr_fmt(&nb->local_addr, buf));
	if (nb->local_link_local.afi != 0)
		fprintf(f, "\tlocal-link-local %s;\n",
		    addr_fmt(&nb->local_link_local, buf));
	fprintf(f, "\tlocal-as %u;\n", nb->local_as);
	if (nb->peer_as == 0)
		fprintf(f, "\tpeer-as auto;\n");
	else
		fprintf(f, "\tpeer-as %u;\n", nb->peer_as);
	fprintf(f, "\thold-time %u;\n", nb->hold_time);
	fprintf(f, "\tpassive %s;\n", onoff(nb->passive));
	if (nb->listen != 0)
		fprintf(f, "\tlisten %u;\n", nb->listen);
	if (nb->connect != 0)
		fprintf(f, "\tconnect %u;\n", nb->connect);
	if (nb->peer.len < (nb->peer.afi == BGP_AFI_IPV6 ? 128 : 32))
		fprintf(f, "\tdynamic-limit %u;\n", nb->dynamic_limit);
	if (hide_secrets && nb->md5_password != NULL)
		fprintf(f, "\t# md5-password is set (not shown)\n");
	else
		print_string(f, "md5-password", nb->md5_password);
	if (nb->md5_password != NULL || nb->md5_base64 != 0)
		fprintf(f, "\tmd5-base64 %s;\n", nb->md5_base64 < 0 ? "auto" :
		    onoff(nb->md5_base64));
	if (nb->md5_ip.afi != 0)
		fprintf(f, "\tmd5-ip %s;\n", addr_fmt(&nb->md5_ip, buf));
	if (nb->outgoing_ttl != 0)
		fprintf(f, "\toutgoing-ttl %d;\n", nb->outgoing_ttl);
	if (nb->incoming_ttl != 0)
		fprintf(f, "\tincoming-ttl %d;\n", nb->incoming_ttl);
	fprintf(f, "\tgroup-updates %s;\n", onoff(nb->group_updates));
	fprintf(f, "\tauto-flush %s;\n", onoff(nb->auto_flush));
	fprintf(f, "\tadj-rib-in %s;\n", onoff(nb->adj_rib_in));
	fprintf(f, "\tadj-rib-out %s;\n", onoff(nb->adj_rib_out));
	fprintf(f, "\tmanual-eor %s;\n", onoff(nb->manual_eor));
	print_string(f, "host-name", nb->host_name);
	print_string(f, "domain-name", nb->domain_name);
	if (nb->rate_limit != 0)
		fprintf(f, "\trate-limit %u;\n", nb->rate_limit);
}

/* Which block a route of family fam is written in. */
static bool
route_is_flow(enum family_id fam)
{
	return family_safi(fam) == BGP_SAFI_FLOW ||
	    family_safi(fam) == BGP_SAFI_FLOW_VPN;
}

/* Where a route is written: multicast routes and IPv6 flow routes
 * without an IPv6 prefix need the "announce" syntax (it says the
 * family); other flow routes go in "flow", the rest in "static". */
enum route_place { IN_STATIC, IN_FLOW, IN_ANNOUNCE, IN_L2VPN };

static enum route_place
route_place(const struct cfg_route *r)
{
	if (r->fam == FAM_L2VPN_VPLS)
		return IN_L2VPN;
	if (family_safi(r->fam) == BGP_SAFI_MULTICAST)
		return IN_ANNOUNCE;
	if (route_is_flow(r->fam))
		return flow_text_needs_family(r) ? IN_ANNOUNCE : IN_FLOW;
	/* MVPN, MUP, SR Policy: only "announce" has their words */
	if (nlri_family(r->fam)->route != NULL)
		return IN_ANNOUNCE;
	return IN_STATIC;
}

static void
print_routes(FILE *f, const struct cfg_neighbor *nb)
{
	bool any[4] = { false, false, false, false };
	bool afi_any[2] = { false, false };
	struct sbuf o;

	for (size_t i = 0; i < nb->nroutes; i++) {
		enum route_place pl = route_place(&nb->routes[i]);

		any[pl] = true;
		if (pl == IN_ANNOUNCE)
			afi_any[family_afi(nb->routes[i].fam) ==
			    BGP_AFI_IPV6] = true;
	}
	sbuf_init(&o);
	sbuf_adds(&o, "");
	if (any[IN_FLOW]) {
		for (size_t i = 0; i < nb->nroutes; i++)
			if (route_place(&nb->routes[i]) == IN_FLOW)
				flow_text_format(&o, &nb->routes[i], "\t\t");
		fprintf(f, "\tflow {\n%s\t}\n", o.p);
	}
	if (any[IN_STATIC]) {
		fprintf(f, "\tstatic {\n");
		for (size_t i = 0; i < nb->nroutes; i++) {
			char *r;

			if (route_place(&nb->routes[i]) != IN_STATIC)
				continue;
			r = route_text_string(&nb->routes[i]);
			fprintf(f, "\t\troute %s;\n", r);
			free(r);
		}
		fprintf(f, "\t}\n");
	}
	if (any[IN_L2VPN]) {
		fprintf(f, "\tl2vpn {\n");
		for (size_t i = 0; i < nb->nroutes; i++) {
			char *r;

			if (route_place(&nb->routes[i]) != IN_L2VPN)
				continue;
			r = route_text_string(&nb->routes[i]);
			fprintf(f, "\t\tvpls %s;\n", r);
			free(r);
		}
		fprintf(f, "\t}\n");
	}
	if (any[IN_ANNOUNCE]) {
		fprintf(f, "\tannounce {\n");
		for (int v6 = 0; v6 < 2; v6++) {
			if (!afi_any[v6])
				continue;
			fprintf(f, "\t\t%s {\n", v6 ? "ipv6" : "ipv4");
			for (size_t i = 0; i < nb->nroutes; i++) {
				const struct cfg_route *r = &nb->routes[i];

				if (route_place(r) != IN_ANNOUNCE ||
				    (family_afi(r->fam) == BGP_AFI_IPV6) !=
				    (v6 == 1))
					continue;
				sbuf_reset(&o);
				if (route_is_flow(r->fam))
					flow_text_format_flat(&o, r);
				else {
					char *t = route_text_string(r);

					sbuf_printf(&o, " %s", t);
					free(t);
				}
				fprintf(f, "\t\t\t%s%s;\n",
				    family_safi_name(r->fam), o.p);
			}
			fprintf(f, "\t\t}\n");
		}
		fprintf(f, "\t}\n");
	}
	sbuf_free(&o);
}

static void
print_neighbor(FILE *f, const struct cfg_neighbor *nb, bool hide_secrets)
{
	fprintf(f, "neighbor ");
	put_word(f, nb->name);
	fprintf(f, " {\n");
	print_session(f, nb, hide_secrets);
	print_families(f, "family", nb->families);
	/* "all families" is what an absent add-path block means */
	if (nb->addpath_families != FAMSET_ALL)
		print_families(f, "add-path", nb->addpath_families);
	if (nb->nnexthops > 0) {
		fprintf(f, "\tnexthop {\n");
		for (size_t i = 0; i < nb->nnexthops; i++)
			fprintf(f, "\t\t%s %s %s;\n",
			    family_afi_name(nb->nexthops[i].fam),
			    family_safi_name(nb->nexthops[i].fam),
			    nb->nexthops[i].nh_afi == BGP_AFI_IPV4 ? "ipv4" :
			    "ipv6");
		fprintf(f, "\t}\n");
	}
	print_capability(f, nb);
	for (size_t i = 0; i < nb->napis; i++)
		print_api(f, &nb->apis[i]);
	print_routes(f, nb);
	fprintf(f, "}\n");
}

char *
config_neighbor_string(const struct cfg_neighbor *nb)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return xstrdup("");
	print_neighbor(f, nb, true);
	fclose(f);
	return text;
}

void
config_print(FILE *f, const struct config *c)
{
	const char *sep = "";

	for (size_t i = 0; i < c->nprocesses; i++) {
		fputs(sep, f);
		print_process(f, &c->processes[i]);
		sep = "\n";
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		fputs(sep, f);
		print_neighbor(f, &c->neighbors[i], false);
		sep = "\n";
	}
}

/* ---- comparison ---- */

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return false;
	return true;
}

static bool
api_eq(const struct cfg_api *a, const struct cfg_api *b)
{
	return str_eq(a->name, b->name) && strv_eq(a->processes,
	    a->nprocesses, b->processes, b->nprocesses) &&
	    strv_eq(a->patterns, a->npatterns, b->patterns, b->npatterns) &&
	    a->neighbor_changes == b->neighbor_changes &&
	    a->negotiated == b->negotiated && a->fsm == b->fsm &&
	    a->signal == b->signal && a->receive == b->receive &&
	    a->send == b->send;
}

static bool
caps_eq(const struct cfg_neighbor *a, const struct cfg_neighbor *b)
{
	return a->cap_asn4 == b->cap_asn4 &&
	    a->cap_route_refresh == b->cap_route_refresh &&
	    a->cap_graceful_restart == b->cap_graceful_restart &&
	    a->gr_time == b->gr_time && a->cap_addpath == b->cap_addpath &&
	    a->cap_multi_session == b->cap_multi_session &&
	    a->cap_operational == b->cap_operational &&
	    a->cap_ext_message == b->cap_ext_message &&
	    a->cap_nexthop == b->cap_nexthop && a->cap_aigp == b->cap_aigp &&
	    a->cap_software_version == b->cap_software_version &&
	    a->cap_link_local_nh == b->cap_link_local_nh;
}

static bool
transport_eq(const struct cfg_neighbor *a, const struct cfg_neighbor *b)
{
	return prefix_equal(&a->peer, &b->peer) &&
	    addr_equal(&a->local_addr, &b->local_addr) &&
	    a->local_auto == b->local_auto && a->router_id == b->router_id &&
	    a->local_as == b->local_as && a->peer_as == b->peer_as &&
	    a->hold_time == b->hold_time && a->passive == b->passive &&
	    a->listen == b->listen && a->connect == b->connect &&
	    str_eq(a->md5_password, b->md5_password) &&
	    a->md5_base64 == b->md5_base64 &&
	    addr_equal(&a->md5_ip, &b->md5_ip) &&
	    a->outgoing_ttl == b->outgoing_ttl &&
	    a->incoming_ttl == b->incoming_ttl &&
	    addr_equal(&a->local_link_local, &b->local_link_local);
}

bool
cfg_neighbor_session_equal(const struct cfg_neighbor *a,
    const struct cfg_neighbor *b)
{
	if (!str_eq(a->name, b->name) || !transport_eq(a, b) || !caps_eq(a, b))
		return false;
	if (a->group_updates != b->group_updates ||
	    a->auto_flush != b->auto_flush || a->adj_rib_in != b->adj_rib_in ||
	    a->adj_rib_out != b->adj_rib_out ||
	    a->manual_eor != b->manual_eor ||
	    !str_eq(a->description, b->description) ||
	    !str_eq(a->host_name, b->host_name) ||
	    !str_eq(a->domain_name, b->domain_name) ||
	    a->rate_limit != b->rate_limit || a->families != b->families ||
	    a->addpath_families != b->addpath_families)
		return false;
	if (a->nnexthops != b->nnexthops || a->napis != b->napis)
		return false;
	for (size_t i = 0; i < a->nnexthops; i++)
		if (a->nexthops[i].fam != b->nexthops[i].fam ||
		    a->nexthops[i].nh_afi != b->nexthops[i].nh_afi)
			return false;
	for (size_t i = 0; i < a->napis; i++)
		if (!api_eq(&a->apis[i], &b->apis[i]))
			return false;
	return true;
}

bool
cfg_route_same_key(const struct cfg_route *a, const struct cfg_route *b)
{
	struct nlri na = cfg_route_nlri(a), nb = cfg_route_nlri(b);

	return nlri_same_key(&na, &nb);
}

static bool
process_eq(const struct cfg_process *a, const struct cfg_process *b)
{
	return str_eq(a->name, b->name) && strv_eq(a->argv, a->argc, b->argv,
	    b->argc) && a->encoder == b->encoder &&
	    a->encoder_given == b->encoder_given && a->respawn == b->respawn &&
	    a->api_version == b->api_version;
}

bool
config_equal(const struct config *a, const struct config *b)
{
	if (a->nprocesses != b->nprocesses || a->nneighbors != b->nneighbors)
		return false;
	for (size_t i = 0; i < a->nprocesses; i++)
		if (!process_eq(&a->processes[i], &b->processes[i]))
			return false;
	for (size_t i = 0; i < a->nneighbors; i++) {
		const struct cfg_neighbor *x = &a->neighbors[i];
		const struct cfg_neighbor *y = &b->neighbors[i];

		if (!cfg_neighbor_session_equal(x, y) ||
		    x->nroutes != y->nroutes)
			return false;
		for (size_t r = 0; r < x->nroutes; r++)
			if (!cfg_route_equal(&x->routes[r], &y->routes[r]))
				return false;
	}
	return true;
}
