/*
 * How command lines travel up without the lower parts naming the upper
 * one: the control socket (evbgpctl clients) and the daemon (helpers)
 * own the connections and are given a line handler, a function and its
 * argument, by main. api_exec_handler() provides the one evbgpd runs.
 * An interface only: there is no line_handler.c.
 */
#ifndef EVBGP_LINE_HANDLER_H
#define EVBGP_LINE_HANDLER_H

#include <stdbool.h>
#include <stddef.h>

#include "evbgp/config.h"

/* Where lines come from and how to answer them; owned by the source. */
struct line_client {
	char		 name[64];	/* process name, or "evbgpctl[PID]" */
	bool		 helper;	/* a helper process (not evbgpctl) */
	enum cfg_encoder encoder;	/* the helper's (evbgpctl: text) */
	/* queue answer bytes (whole lines) for the client */
	void		(*reply)(void *ctx, const char *data, size_t len);
	void		*ctx;
	void		*state;		/* the handler's; NULL to begin with */
	/*
	 * Answers that wait (a reload's outcome): a source that can hold a
	 * client gives resume; the handler then sets held from inside
	 * line() and the source runs no more of this client's lines (nor
	 * closes it, nor gives its slot away) until the handler, its answer
	 * written, clears held and calls resume(ctx) from a later loop
	 * turn. NULL (helpers): answers never wait.
	 */
	bool		 held;
	void		(*resume)(void *ctx);
};

struct line_handler {
	/* One line from c: len bytes without the newline (a NUL is put at
	 * line[len]; NUL bytes inside are the handler's to refuse). Must
	 * not free c or the source it came from (see daemon_request). */
	void	(*line)(void *arg, struct line_client *c, const char *line,
		    size_t len);
	/* c goes away, or its helper restarted: free c->state, set NULL. */
	void	(*release)(void *arg, struct line_client *c);
	void	*arg;
};

#endif /* EVBGP_LINE_HANDLER_H */
