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
 */
#ifndef EVBGP_API_SHOW_JSON_H
#define EVBGP_API_SHOW_JSON_H

#include <stdbool.h>

struct daemon;
struct api_client;
struct api_command;

void	api_show_neighbors_json(struct daemon *d, struct api_client *c,
	    const struct api_command *cmd);
/* in: the Adj-RIB-In (routes received), else the Adj-RIB-Out. */
void	api_show_rib_json(struct daemon *d, struct api_client *c,
	    const struct api_command *cmd, bool in);

#endif /* EVBGP_API_SHOW_JSON_H */
