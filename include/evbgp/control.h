/*
 * The control socket for evbgpctl: a unix stream socket (mode 0660) that
 * takes the same command lines as helpers, one per line, and answers
 * them like a helper with acks on (content lines, then "done" or
 * "error"). Clients and command lengths are bounded.
 */
#ifndef EVBGP_CONTROL_H
#define EVBGP_CONTROL_H

struct daemon;
struct control;

#define CONTROL_DEFAULT_PATH	"/run/evbgpd/evbgpd.sock"
#define CONTROL_MAX_CLIENTS	16
#define CONTROL_MAX_LINE	65536

/* Listen on path (an existing stale socket is replaced). NULL, logged,
 * when it cannot. */
struct control *control_new(struct daemon *d, const char *path);
/* Close every client and the socket, and remove the socket file. */
void	control_free(struct control *c);

#endif /* EVBGP_CONTROL_H */
