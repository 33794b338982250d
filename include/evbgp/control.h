/*
 * The control socket for evbgpctl: a unix stream socket (mode 0660) that
 * takes the same command lines as helpers, one per line, hands them to
 * the line handler it was given, and sends back the answers (content
 * lines, then "done" or "error"). Clients and command lengths are
 * bounded; idle clients are closed and give their slot to newcomers, so
 * the operator always gets in (see control.c).
 *
 * The reason of an error, when given, goes in "error: REASON" lines just
 * before the "error" (ExaBGP 5's form; evbgpctl prints them with the
 * command). A refusal of the client itself is one "error: REASON" line,
 * then the connection closes. Helpers keep the bare done/error answers.
 *
 * An answer may wait (reload, restart, shutdown: their outcome): the line
 * handler holds the client (line_client.held) and resumes it once the
 * answer is written; meanwhile none of its other lines runs, it is not
 * idle, not evicted, and at shutdown it is closed only after its answer.
 */
#ifndef EVBGP_CONTROL_H
#define EVBGP_CONTROL_H

#include "evbgp/line_handler.h"

struct control;
struct event_base;

#define CONTROL_DEFAULT_PATH	"/run/evbgpd/evbgpd.sock"
#define CONTROL_MAX_CLIENTS	16
#define CONTROL_MAX_LINE	65536

/* Listen on path (an existing stale socket is replaced); each client's
 * lines go to lines (copied). NULL, logged, when it cannot. */
struct control *control_new(struct event_base *base, const char *path,
	    const struct line_handler *lines);
/* A client completing no command for idle_ms is closed; one that has
 * done nothing for evict_grace_ms may lose its slot to a newcomer when
 * all are taken (defaults 30 s and 250 ms). */
void	control_set_timeouts(struct control *c, unsigned idle_ms,
	    unsigned evict_grace_ms);
/* Stop accepting (the socket file is removed) and reading; each
 * client's pending answer is written before its connection closes (the
 * write timeout bounds a client that reads nothing). stopped(arg) once no
 * client is left, perhaps at once. */
void	control_stop(struct control *c, void (*stopped)(void *arg), void *arg);
/* Close every client and the socket, remove the socket file, free. */
void	control_free(struct control *c);

#endif /* EVBGP_CONTROL_H */
