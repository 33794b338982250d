/*
 * Executing text API commands from helpers and evbgpctl clients: route
 * changes into the peers' Adj-RIB-Outs, show/flush/clear/teardown,
 * daemon control, and the answers ("done" / "error" as ExaBGP 4.x).
 */
#ifndef EVBGP_API_EXEC_H
#define EVBGP_API_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "evbgp/config.h"

struct daemon;

enum api_ack {
	API_ACK_ON,		/* done / error after each command */
	API_ACK_OFF,		/* no answers (disable-ack, api.ack false) */
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
};

/* Run one command line (no newline) from c. */
void	api_exec_line(struct daemon *d, struct api_client *c, const char *line,
	    size_t len);

#endif /* EVBGP_API_EXEC_H */
