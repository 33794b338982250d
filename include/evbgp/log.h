/*
 * Logging to stderr, stdout, a file or syslog, with syslog levels.
 * log_warn appends strerror(errno); the x forms do not. Peer messages are
 * prefixed "peer ADDR: ". fatal/fatalx log and exit(1): start-up and
 * broken invariants only, never for anything a peer or helper sends.
 */
#ifndef EVBGP_LOG_H
#define EVBGP_LOG_H

#include <stdbool.h>
#include <stddef.h>
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
/*
 * Log to a file: open its name again (after logrotate renamed it), the
 * new file first, so a failure keeps the old one. 0, or -1 (logged).
 * Nothing to do for the other destinations.
 */
int	log_reopen(void);
/* Would a message at level be written? (skip building expensive ones) */
bool	log_would(int level);
/* Write what is pending (a repeat count), close the destination. */
void	log_close(void);

/*
 * A warning (or worse) identical to the one just written, within
 * LOG_REPEAT_WINDOW_S of it, is not written again but counted; the count
 * goes out as "last message repeated N times" before the next different
 * line, or from log_repeat_tick() (the daemon calls it on a timer) once
 * the window is over. Lines longer than LOG_REPEAT_MAX are never held.
 */
#define LOG_REPEAT_WINDOW_S	30
#define LOG_REPEAT_MAX		1024
void	log_repeat_tick(void);

void	log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void	log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void	log_notice(const char *fmt, ...) LOG_FMT(1, 2);
void	log_info(const char *fmt, ...) LOG_FMT(1, 2);
void	log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/* "peer NAME: message" at level. */
void	log_peer(int level, const char *peer, const char *fmt, ...)
	    LOG_FMT(3, 4);
void	fatal(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

/*
 * Text from outside (a helper's or evbgpctl's command, a peer's string)
 * made fit for a log line, into buf (size bytes, at least 16): printable
 * ASCII and well-formed UTF-8 as they are; control characters (ESC, CR,
 * LF, ...), DEL, C1 controls, U+2028/U+2029 and bytes that are not UTF-8
 * as \xNN; a backslash as \\. What does not fit ends in "...". Returns
 * buf. LOG_ESCAPE_SIZE holds 200 bytes of input whatever they are.
 */
#define LOG_ESCAPE_SIZE	(200 * 4 + 4)
const char *log_escape(const char *s, size_t len, char *buf, size_t size);

/*
 * A log line that anyone outside can trigger at will (a peer's message, a
 * connection attempt) goes through a limit: at most one line per
 * interval, the ones held back counted and said in the next.
 */
struct log_limit {
	double		 next;		/* mono_now() from which a line may go */
	unsigned long	 held;		/* lines held back since the last */
};
/* May a line go now? If so, *held says how many were held back before
 * it (and the count restarts). */
bool	log_limit_pass(struct log_limit *l, double interval,
	    unsigned long *held);
void	fatalx(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

#endif /* EVBGP_LOG_H */
