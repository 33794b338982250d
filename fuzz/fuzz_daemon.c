/* A running daemon for the fuzz targets (fuzz_daemon.h). */
#include <stdio.h>
#include <stdlib.h>

#include "evbgp/api_exec.h"
#include "evbgp/config.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "fuzz_daemon.h"

struct daemon *
fuzz_daemon_start(const char *who, const char *conf, bool with_commands)
{
	char err[512], *envp[] = { NULL };
	struct config *cfg;
	struct daemon *d;
	struct env env;

	log_init(false, LOG_DEST_STDERR, 0, NULL);
	if (env_load(&env, NULL, envp, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", who, err);
		abort();
	}
	env.api_cli = false;
	if ((cfg = config_parse(conf, "fuzz.conf", err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s: %s\n", who, err);
		abort();
	}
	d = daemon_new(&env, cfg, NULL, 0);
	if (with_commands)
		api_exec_handler(d, &d->commands);
	if (daemon_start(d) == -1) {
		fprintf(stderr, "%s: the daemon does not start\n", who);
		abort();
	}
	return d;
}
