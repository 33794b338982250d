/*
 * The configuration: ExaBGP's 4.2 grammar (neighbor, template/inherit,
 * family, capability, add-path, nexthop, static/announce routes, process,
 * api) parsed into an immutable struct config. Errors name file:line and
 * say what was expected. config_print() writes the normalised form, which
 * parses back to an equal configuration.
 */
#ifndef EVBGP_CONFIG_H
#define EVBGP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evbgp/attrs.h"
#include "evbgp/family.h"
#include "evbgp/nlri.h"
#include "evbgp/prefix.h"

/* A route from a static/announce/flow/l2vpn block or from the API. */
struct cfg_route {
	enum family_id	 fam;
	struct prefix	 prefix;	/* the IP prefix, for the families
					   that have one (nlri_prefix) */
	struct nlri_buf	 nlri;		/* the NLRI's octets, every family */
	uint32_t	 path_id;	/* ADD-PATH id, 0 when not given */
	bool		 has_path_id;
	struct attrs	 attrs;		/* builder, canonicalized */
	char		*name;		/* "name" keyword, or NULL */
	char		*watchdog;	/* "watchdog" group, or NULL */
	bool		 withdrawn;	/* "withdraw": start withdrawn */
	int		 line;		/* where it was written */
};

/* api { receive { ... } send { ... } } message bits */
#define API_MSG_PARSED		0x001u
#define API_MSG_PACKETS		0x002u
#define API_MSG_CONSOLIDATE	0x004u
#define API_MSG_OPEN		0x008u
#define API_MSG_UPDATE		0x010u
#define API_MSG_NOTIFICATION	0x020u
#define API_MSG_KEEPALIVE	0x040u
#define API_MSG_REFRESH		0x080u
#define API_MSG_OPERATIONAL	0x100u

struct cfg_api {
	char		*name;		/* "api NAME", or NULL */
	char		**processes;	/* process names (those processes-match
					   matched included, once each) */
	size_t		 nprocesses;
	char		**patterns;	/* processes-match, as written */
	size_t		 npatterns;
	bool		 neighbor_changes;
	bool		 negotiated;
	bool		 fsm;
	bool		 signal;
	uint32_t	 receive;	/* API_MSG_* */
	uint32_t	 send;		/* API_MSG_* */
};

/* nexthop { ipv4 unicast ipv6; } entries (RFC 8950) */
struct cfg_nexthop {
	enum family_id	 fam;
	uint16_t	 nh_afi;
};

/* Sessions from one passive range at once, unless dynamic-limit says. */
#define CFG_DYNAMIC_LIMIT_DEFAULT	100

struct cfg_neighbor {
	char		*name;		/* as written after "neighbor" */
	struct prefix	 peer;		/* /32 or /128, or a range (passive) */
	struct bgp_addr	 local_addr;	/* afi 0 when "auto" */
	bool		 local_auto;
	uint32_t	 router_id;	/* host order; 0 = from local address */
	uint32_t	 local_as;
	uint32_t	 peer_as;	/* 0 = "auto": accept the peer's */
	uint16_t	 hold_time;	/* default 180 */
	bool		 passive;
	uint16_t	 listen;	/* 0 = none */
	uint16_t	 connect;	/* 0 = environment / 179 */
	/* a range: sessions from it at once (dynamic-limit) */
	unsigned	 dynamic_limit;
	char		*md5_password;
	int		 md5_base64;	/* 0 false, 1 true, -1 auto */
	struct bgp_addr	 md5_ip;
	int		 outgoing_ttl;	/* 0 = not set */
	int		 incoming_ttl;	/* 0 = not set */
	bool		 group_updates;	/* default true */
	bool		 auto_flush;	/* default true */
	bool		 adj_rib_in;	/* default true */
	bool		 adj_rib_out;	/* default true */
	bool		 manual_eor;	/* default false */
	char		*description;
	char		*host_name;
	char		*domain_name;
	uint32_t	 rate_limit;

	/*
	 * As configured; without a family block the default set is ipv4
	 * unicast + ipv6 unicast (FAMSET_DEFAULT) and the families of the
	 * neighbor's routes, not ExaBGP's "every family". Informational:
	 * families_given is not compared.
	 */
	famset_t	 families;
	bool		 families_given;
	famset_t	 addpath_families; /* add-path { } block; all if absent */

	/* capability { } */
	bool		 cap_asn4;		/* default true */
	bool		 cap_route_refresh;	/* default false */
	bool		 cap_graceful_restart;	/* default false */
	uint16_t	 gr_time;		/* 0 = hold-time */
	uint8_t		 cap_addpath;		/* BGP_ADDPATH_* or 0 */
	bool		 cap_multi_session;
	bool		 cap_operational;
	bool		 cap_ext_message;	/* default true */
	bool		 cap_nexthop;		/* RFC 8950 */
	bool		 cap_aigp;
	bool		 cap_software_version;	/* capability 75 */
	bool		 cap_link_local_nh;	/* capability 77 */
	/* local-link-local (ExaBGP main): our IPv6 link-local address,
	 * sent after a global next hop when capability 77 was negotiated;
	 * afi 0 when not given */
	struct bgp_addr	 local_link_local;

	struct cfg_nexthop *nexthops;
	size_t		 nnexthops;
	struct cfg_api	*apis;
	size_t		 napis;
	struct cfg_route *routes;
	size_t		 nroutes;
	int		 line;		/* where the block starts */
};

enum cfg_encoder {
	ENCODER_TEXT,
	ENCODER_JSON,
	/* JSON in ExaBGP main's dialect ("exabgp": "6.0.0"): what a
	 * helper with encoder json and API version 6 is given; the
	 * encoder statement itself never yields it */
	ENCODER_JSON6,
};

struct cfg_process {
	char		*name;
	char		**argv;		/* NULL-terminated, as written */
	size_t		 argc;
	/*
	 * Resolved executable (compat §1.3: absolute as written, else the
	 * last existing regular file among /etc/exabgp/<p>, <config
	 * dir>/<p>, $PATH entries/<p>), or NULL when none exists: the
	 * daemon refuses to start it then.
	 */
	char		*path;
	enum cfg_encoder encoder;	/* TEXT or JSON */
	bool		 encoder_given;
	/* 'api-version 4|6;' (the JSON dialect of an encoder json
	 * helper), 0 when not given: exabgp.api.version decides */
	unsigned	 api_version;
	int		 api_version_line;
	bool		 respawn;	/* default true */
	int		 line;
};

/* Families a neighbor without a family block negotiates. */
#define FAMSET_DEFAULT	(FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST))

/* The families whose next hop may be of the other address family for
 * this neighbor, at best: its nexthop block (RFC 8950), the capability
 * enabled. */
famset_t cfg_ext_nexthop(const struct cfg_neighbor *nb);

struct config {
	char		*path;		/* file it was read from */
	/* a block the end of the file closed (ExaBGP reads it so), its
	 * line and keyword, for config_check's warning; 0 if none */
	int		 unclosed_line;
	char		 unclosed_name[32];
	struct cfg_neighbor *neighbors;
	size_t		 nneighbors;
	struct cfg_process *processes;
	size_t		 nprocesses;
};

/*
 * Parse the file at path. On error returns NULL and writes one line to
 * errbuf: "FILE:LINE: what was wrong, what was expected".
 */
struct config *config_load(const char *path, char *errbuf, size_t errlen);
/* Same, from a string (path is used in messages and for run paths). */
struct config *config_parse(const char *text, const char *path, char *errbuf,
	    size_t errlen);
void	config_free(struct config *c);
/* Write the normalised configuration; it parses back to an equal one. */
void	config_print(FILE *f, const struct config *c);
/* One neighbor block as config_print writes it (a new string), for show
 * commands: an md5-password is a comment saying it is set, never the
 * password. */
char	*config_neighbor_string(const struct cfg_neighbor *nb);
/*
 * Problems the daemon would refuse at start but a parse accepts (a run
 * program not found or not executable): one "FILE:LINE: ..." line each
 * on f (for --check). Returns the number of warnings.
 */
int	config_check(FILE *f, const struct config *c);
/* The same session slot: name (peer address), local address, connect
 * and listen ports. A configuration holds each key once. */
bool	cfg_neighbor_same_key(const struct cfg_neighbor *a,
	    const struct cfg_neighbor *b);
/*
 * One neighbor block ("neighbor IP { ... }") on its own, as a neighbor
 * made at run time (the API's create neighbor): every check of a file,
 * its api processes among the running configuration's. A passive range
 * is refused. NULL with "WHAT:LINE: reason" in errbuf on error; free
 * with cfg_neighbor_free.
 */
struct cfg_neighbor *config_neighbor_parse(const struct config *running,
	    const char *text, const char *what, char *errbuf, size_t errlen);
void	cfg_neighbor_free(struct cfg_neighbor *nb);
/* Find a neighbor by exact name (the first one), or NULL. */
const struct cfg_neighbor *config_find_neighbor(const struct config *c,
	    const char *name);
/* Find a process block by name, or NULL. */
const struct cfg_process *config_find_process(const struct config *c,
	    const char *name);
/* Do two neighbor blocks describe the same session (routes excluded)? */
bool	cfg_neighbor_session_equal(const struct cfg_neighbor *a,
	    const struct cfg_neighbor *b);
/* Do two configurations say the same (paths and lines excluded)? */
bool	config_equal(const struct config *a, const struct config *b);
/* Do two routes have the same key (family, path id, nlri_key)? */
bool	cfg_route_same_key(const struct cfg_route *a, const struct cfg_route *b);
/* The route's NLRI (a view of r's octets, with its path id). */
struct nlri cfg_route_nlri(const struct cfg_route *r);
/* The route as ExaBGP names it ("10.0.0.0/24", "flow destination-ipv4
 * ..."), for messages: into buf, truncated to len. Returns buf. */
const char *cfg_route_name(const struct cfg_route *r, char *buf, size_t len);
#define CFG_ROUTE_NAME_MAX	256

#endif /* EVBGP_CONFIG_H */
