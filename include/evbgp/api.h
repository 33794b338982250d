/*
 * The text API: one helper (or evbgpctl) command line parsed into a
 * struct api_command. Pure parsing, no side effects: the daemon executes
 * commands (api_exec.c). The command set is ExaBGP 4.x's
 * (reference/exabgp-compat.md §2.2-2.4) plus main's enable-ack,
 * disable-ack, silence-ack, ping and status.
 *
 * Lines are normalised first as ExaBGP does (tabs to spaces, `[ ] ( ) ,`
 * made separate tokens) by the configuration lexer (lex_line), so route
 * attributes are parsed by exactly the code that parses configuration
 * files (route_text_parse).
 */
#ifndef EVBGP_API_H
#define EVBGP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/config.h"
#include "evbgp/family.h"
#include "evbgp/prefix.h"

enum api_verb {
	API_NONE,
	API_ANNOUNCE_ROUTE,	/* also "announce attributes ... nlri ..." */
	API_WITHDRAW_ROUTE,	/* also "withdraw attributes ... nlri ..." */
	API_ANNOUNCE_EOR,
	API_ANNOUNCE_ROUTE_REFRESH,
	API_ANNOUNCE_WATCHDOG,
	API_WITHDRAW_WATCHDOG,
	API_SHOW_NEIGHBOR,	/* show_kind: summary, extensive, configuration */
	API_SHOW_ADJ_RIB_IN,
	API_SHOW_ADJ_RIB_OUT,
	API_FLUSH_ADJ_RIB_OUT,
	API_CLEAR_ADJ_RIB_IN,
	API_CLEAR_ADJ_RIB_OUT,
	API_TEARDOWN,
	API_SHUTDOWN,
	API_RELOAD,
	API_RESTART,
	API_VERSION,
	API_HELP,
	API_RESET,
	API_ENABLE_ACK,
	API_DISABLE_ACK,
	API_SILENCE_ACK,
	API_PING,
	API_STATUS,
	API_CREATE_NEIGHBOR,	/* text: the neighbor block (main) */
	API_DELETE_NEIGHBOR,	/* sel: which (main) */
	API_COMMENT,		/* "# ..." */
	API_VERB_MAX
};

enum api_show_kind {
	API_SHOW_SUMMARY,
	API_SHOW_EXTENSIVE,
	API_SHOW_CONFIGURATION,
};

/* One "neighbor IP [local-ip IP] [local-as N] [peer-as N] [router-id ID]
 * [family-allowed F]" clause; unset keys match anything. */
struct api_match {
	bool		 any;		/* "neighbor *" */
	bool		 invalid;	/* "neighbor absentone": matches none */
	struct bgp_addr	 peer;
	bool		 has_local_ip;
	struct bgp_addr	 local_ip;
	bool		 has_local_as;
	uint32_t	 local_as;
	bool		 has_peer_as;
	uint32_t	 peer_as;
	bool		 has_router_id;
	uint32_t	 router_id;
	char		*family_allowed;	/* NULL = any */
};

struct api_selector {
	bool		 given;		/* false: no selector = all peers */
	struct api_match *v;		/* "," separated clauses */
	size_t		 n;
};

/* show adj-rib lookups and filters */
enum api_lookup_match {
	API_LOOKUP_EXACT,	/* "exact": that prefix (default with /LEN) */
	API_LOOKUP_LONGEST,	/* "longest": the most specific route
				   containing it (default for an address) */
	API_LOOKUP_ALL,		/* "all": it and every more-specific one */
};

enum api_comm_kind {
	API_COMM_NONE,
	API_COMM_STD,		/* 65000:1, no-export ... */
	API_COMM_LARGE,		/* 65000:1:2 */
	API_COMM_EXT,		/* target:65000:1, origin:... */
};

struct api_rib_lookup {
	bool		 has_prefix;
	struct prefix	 prefix;
	enum api_lookup_match match;
	bool		 match_given;
	int		 fam;		/* a family_id, or -1: every family */
	bool		 has_rd;
	uint8_t		 rd[8];
	enum api_comm_kind comm_kind;
	uint32_t	 comm;
	uint32_t	 lcomm[3];
	uint64_t	 ecomm;
	bool		 count;		/* "count": the number only */
};

struct api_command {
	enum api_verb	 verb;
	struct api_selector sel;
	/* announce/withdraw route|attributes: split already expanded */
	struct cfg_route *routes;
	size_t		 nroutes;
	/* eor, route-refresh: the family (default ipv4 unicast for eor) */
	enum family_id	 fam;
	/* watchdog name; ping text; comment text */
	char		*text;
	/* show neighbor kind; show adj-rib extensive */
	enum api_show_kind show;
	bool		 extensive;
	bool		 json;		/* trailing "json": show, status, version,
				 * help, ping */
	/* "show neighbor [summary|extensive|configuration] [IP]",
	 * "show adj-rib in|out [extensive] [IP]" */
	bool		 has_filter;
	struct bgp_addr	 filter;
	/* teardown subcode (Cease subcode, default 4 = Admin Reset) */
	uint8_t		 subcode;
	/* plain "clear adj-rib" (verb API_CLEAR_ADJ_RIB_OUT): clear in too */
	bool		 both;
	/* "reload|restart allow-empty": a configuration without neighbors
	 * may replace one with */
	bool		 allow_empty;
	/* "show adj-rib in|out ... PREFIX ... count" */
	struct api_rib_lookup lookup;
};

/*
 * Parse one line (without its newline). Returns 0, or -1 with a reason in
 * err (for the log; the helper only gets "error"). A route of a family we
 * do not speak (flow, vpls, mpls-vpn, labeled-unicast, ...) is an error
 * that says so.
 */
int	api_parse(const char *line, struct api_command *cmd, char *err,
	    size_t errlen);
void	api_command_free(struct api_command *cmd);
/*
 * The session's "family-allowed" value as ExaBGP names it: "in-open", or
 * with multi-session its families "ipv4-unicast/ipv6-unicast" (into buf,
 * returned).
 */
const char *api_session_name(famset_t families, bool multi_session,
	    char *buf, size_t len);
#define API_SESSION_NAME_MAX	512
/* Does the selector clause match a session with these properties?
 * session: api_session_name's. */
bool	api_match_peer(const struct api_match *m, const struct bgp_addr *peer,
	    const struct bgp_addr *local, uint32_t local_as, uint32_t peer_as,
	    uint32_t router_id, const char *session);
/* The lines of "help" (NULL-terminated). */
const char *const *api_help_lines(void);

#endif /* EVBGP_API_H */
