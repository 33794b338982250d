/*
 * A running daemon for the fuzz targets that need one (fuzz_exec,
 * fuzz_metrics): its configuration from text, its log quiet, no named
 * pipes, no control socket, and no listener unless the text asks.
 */
#ifndef EVBGP_FUZZ_DAEMON_H
#define EVBGP_FUZZ_DAEMON_H

#include <stdbool.h>

struct daemon;

/* Started from the configuration text conf; with_commands: helper and
 * evbgpctl lines are run by api_exec (daemon.commands). Aborts, naming
 * who, if it cannot start. */
struct daemon *fuzz_daemon_start(const char *who, const char *conf,
	    bool with_commands);

#endif /* EVBGP_FUZZ_DAEMON_H */
