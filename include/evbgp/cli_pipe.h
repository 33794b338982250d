/*
 * ExaBGP 4.2's named pipes, so that Debian's `exabgpcli` (and scripts
 * written against it) run unchanged against evbgpd: commands are read
 * from PIPENAME.in, answers written to PIPENAME.out, each answer ending
 * with a `done` or `error` line as exabgpcli expects. Like ExaBGP, evbgpd
 * does not create the pipes: it uses a pair that exists (mkfifo) in the
 * first of ExaBGP's directories that holds both.
 */
#ifndef EVBGP_CLI_PIPE_H
#define EVBGP_CLI_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <event2/event.h>

#include "evbgp/line_handler.h"

struct cli_pipe;

/* The directories ExaBGP 4.2 (and exabgpcli) look in, in order, for uid:
 * /run/exabgp/, /run/UID/, /run/, then the same under /var/run. */
#define CLI_PIPE_NDIRS	6
void	cli_pipe_dirs(uid_t uid, char dirs[CLI_PIPE_NDIRS][32]);

/*
 * The first directory (of dirs, n of them) holding both PIPENAME.in and
 * PIPENAME.out as named pipes, into dir (size bytes); 0, or -1 when none
 * does. A name that exists but is not a named pipe is said in why (for
 * a warning), as is a pipe anyone may write to.
 */
int	cli_pipe_find(const char *const *dirs, size_t n, const char *pipename,
	    char *dir, size_t size, char *why, size_t whylen);

/*
 * Serve the pipes in dir: every line read from PIPENAME.in runs through
 * lh as one client named "exabgpcli"; its answer goes to PIPENAME.out
 * whenever a reader has it open. NULL (logged) if the pipes cannot be
 * opened, or one is writable by every user.
 */
struct cli_pipe *cli_pipe_new(struct event_base *base, const char *dir,
	    const char *pipename, const struct line_handler *lh);
void	cli_pipe_free(struct cli_pipe *cp);
/* Hand both pipes to uid:gid (before evbgpd switches to that user: the
 * answers' pipe is opened again for each answer). 0, or -1 (logged). */
int	cli_pipe_chown(struct cli_pipe *cp, uid_t uid, gid_t gid);

#endif /* EVBGP_CLI_PIPE_H */
