/*
 * Executing text API commands from helpers and evbgpctl clients: route
 * changes into the peers' Adj-RIB-Outs, show/flush/clear/teardown,
 * daemon control, and the answers ("done" / "error" as ExaBGP 4.x).
 */
#ifndef EVBGP_API_EXEC_H
#define EVBGP_API_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "evbgp/attrs.h"
#include "evbgp/config.h"
#include "evbgp/family.h"
#include "evbgp/line_handler.h"
#include "evbgp/util.h"

struct daemon;

enum api_ack {
	API_ACK_ON,		/* done / error after each command */
	API_ACK_OFF,		/* no answers (disable-ack, api.ack false) */
};

/*
 * The fast path's memory: the attribute texts of recent simple
 * "announce route" commands and what they parsed to, so that a million
 * routes over a few thousand attribute sets parse each set once.
 */
#define API_FAST_SLOTS	4096

struct api_fast_entry {
	char		*text;		/* attribute text after the prefix */
	size_t		 len;
	uint8_t		 afi;		/* of the prefix it was parsed with */
	enum family_id	 fam;
	uint32_t	 path_id;
	const struct attr_set *attrs;	/* interned in the daemon's */
};

/* Where commands come from and where their answers go. */
struct api_client {
	char		 name[64];	/* process name, or "evbgpctl" */
	bool		 helper;	/* route commands scoped to the
					   neighbors whose api lists it */
	enum api_ack	 ack;
	enum cfg_encoder encoder;
	/* write answer bytes (whole lines) to the client */
	void		(*reply)(void *ctx, const char *data, size_t len);
	void		*ctx;
	struct api_fast_entry *fast;	/* API_FAST_SLOTS, or NULL */
	/* the peers a helper's route commands act on, recomputed when the
	 * daemon's peer list changes (daemon.peers_gen) */
	struct peer	**scope;
	size_t		 nscope;
	unsigned	 scope_gen;
	uint64_t	 scope_ug_gen;	/* update groups when made */
	/* why the current command fails: "error: REASON" lines for
	 * evbgpctl clients (helpers keep ExaBGP's bare "error") */
	struct sbuf	 why;
	size_t		 nwhy;
	/* where the lines come from: an evbgpctl client can be held until
	 * a reload's outcome is known (line_client.held) */
	struct line_client *lc;
	struct daemon	*d;		/* its counters (metrics) */
};

/* The line handler that runs helpers' and evbgpctl's lines on d (main
 * gives it to the daemon, which gives it to the control socket). */
void	api_exec_handler(struct daemon *d, struct line_handler *lh);

#endif /* EVBGP_API_EXEC_H */
