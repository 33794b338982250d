/*
 * Logging to stderr, stdout, a file or syslog, with syslog levels.
 * log_warn appends strerror(errno); the x forms do not. Peer messages are
 * prefixed "peer ADDR: ". fatal/fatalx log and exit(1): start-up and
 * broken invariants only, never for anything a peer or helper sends.
 */
#ifndef EVBGP_LOG_H
#define EVBGP_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_STDOUT,
	LOG_DEST_SYSLOG,
	LOG_DEST_FILE,
};

#define LOG_FMT(a, b)	__attribute__((format(printf, a, b)))

/* Configure: enabled, destination, minimum level, file for LOG_DEST_FILE. */
void	log_init(bool enabled, enum log_dest dest, int level, const char *file);
/* Would a message at level be written? (skip building expensive ones) */
bool	log_would(int level);
void	log_close(void);

void	log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void	log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void	log_notice(const char *fmt, ...) LOG_FMT(1, 2);
void	log_info(const char *fmt, ...) LOG_FMT(1, 2);
void	log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/* "peer NAME: message" at level. */
void	log_peer(int level, const char *peer, const char *fmt, ...)
	    LOG_FMT(3, 4);
void	fatal(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));
void	fatalx(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

#endif /* EVBGP_LOG_H */
