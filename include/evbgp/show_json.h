/*
 * JSON answers of the show commands ("show neighbor ... json", "show
 * adj-rib in|out ... json"): one JSON document on one line, written
 * through the client's reply callback, then the caller answers "done".
 *
 * show neighbor: an array of objects
 *   { "peer-address", "local-address", "local-as", "peer-as",
 *     "router-id", "hold-time", "state", "up-for-seconds" (established
 *     only), "down-for-seconds" (after a session went down),
 *     "description"?, "messages": { "sent": {...}, "received": {...} }
 *     (keys open, update, notification, keepalive, refresh),
 *     "routes-out", "routes-in", "families": ["ipv4 unicast", ...] }
 * show adj-rib: an array of objects
 *   { "neighbor", "family": "ipv4 unicast", "prefix" (the families with
 *     an IP prefix), the members of ExaBGP 4.2's route object ("nlri",
 *     "path-information"?, "label", "rd", ... as the family has them),
 *     "attributes": { "next-hop", then ExaBGP
 *     4.2's "attribute" object of the UPDATE events: "origin",
 *     "as-path" (with "confederation-path", and "as-set" when there is
 *     one), "med", "local-preference", "atomic-aggregate",
 *     "aggregator", "community" ([[65000, 1]]), "originator-id",
 *     "cluster-list", "extended-community" ([{"value", "string"}]),
 *     "aigp", "large-community", "attribute-0xCC-0xFF" (others, as
 *     hex) } }
 * Attributes that are absent are left out (bgp_attr_json()).
 * show neighbor configuration: an array of { "peer-address",
 *   "configuration" (the text "show neighbor configuration" prints) }
 * status: { "evbgpd" (version), "pid", "neighbors", "established",
 *   "adj-rib-out-routes", "attribute-sets", "helpers",
 *   "event-loop-longest-timer-delay-ms" }
 * version: { "exabgp" (the API version we follow), "evbgpd" }
 * help: an array of strings, the command forms
 */
#ifndef EVBGP_API_SHOW_JSON_H
#define EVBGP_API_SHOW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "evbgp/adj_rib.h"
#include "evbgp/loop_watch.h"

struct daemon;
struct api_client;
struct api_command;

/* One neighbor in "status": its ExaBGP name and FSM state. */
struct api_status_peer {
	char		*name;		/* "neighbor IP local-ip ... family-allowed F" */
	const char	*state;		/* "ESTABLISHED", ... (ExaBGP's names) */
};

/* What "status" reports (text or JSON): ExaBGP main's fields first. */
struct api_status {
	const char	*version;	/* the ExaBGP version we answer as */
	const char	*uuid;		/* this run (also "ping") */
	double		 start_time;	/* epoch seconds */
	long		 uptime;	/* seconds */
	struct api_status_peer *peers;
	int		 pid;
	size_t		 neighbors;
	size_t		 established;
	size_t		 routes_out;
	size_t		 attribute_sets;
	size_t		 update_groups;	/* Adj-RIBs-Out the peers share */
	size_t		 helpers;
	double		 max_late_ms;
	/* the longest callbacks (loop_watch.h): since the start, last minute */
	struct lw_stall	 longest_callback, recent_callback;
};

void	api_show_neighbors_json(struct daemon *d, struct api_client *c,
	    const struct api_command *cmd);
/* in: the Adj-RIB-In (routes received), else the Adj-RIB-Out. */
/* Visit the routes of rib that cmd's lookup words (prefix, family, RD,
 * community) select; fn NULL: only count them. Returns the count. */
size_t	api_show_rib_select(const struct adj_rib *rib,
	    const struct api_command *cmd, adj_rib_visit_fn *fn, void *arg);
void	api_show_rib_json(struct daemon *d, struct api_client *c,
	    const struct api_command *cmd, bool in);
void	api_show_configuration_json(struct daemon *d, struct api_client *c,
	    const struct api_command *cmd);
void	api_show_status_json(struct api_client *c, const struct api_status *st);
void	api_show_version_json(struct api_client *c, const char *exabgp);
void	api_show_help_json(struct api_client *c);

#endif /* EVBGP_API_SHOW_JSON_H */
