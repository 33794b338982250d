/*
 * Logging for evbgp-healthcheck, as ExaBGP's helper does it: syslog
 * (ident healthcheck[-NAME], unless --no-syslog or --debug) and stderr
 * ("LEVEL[healthcheck] message"). Under a daemon stderr is not a
 * terminal; it is still used with --debug, and whenever syslog is off
 * (--no-syslog), so state changes are never lost: evbgpd writes a
 * helper's stderr to its own log, prefixed with the process name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "hc.h"

void
hc_log_init(struct hc_log *l, const struct hc_opts *o)
{
	l->debug = o->debug;
	l->to_syslog = !o->no_syslog && !o->debug;
	l->to_stderr = !o->silent && (o->debug || !l->to_syslog ||
	    isatty(STDERR_FILENO));
	l->ident = o->name != NULL ? xasprintf("healthcheck-%s", o->name) :
	    xstrdup("healthcheck");
	if (l->to_syslog)
		openlog(l->ident, LOG_PID, hc_syslog_facility(
		    o->syslog_facility));
}

static const char *
level_name(int prio)
{
	switch (prio) {
	case LOG_DEBUG:
		return "DEBUG";
	case LOG_INFO:
	case LOG_NOTICE:
		return "INFO";
	case LOG_WARNING:
		return "WARNING";
	default:
		return "ERROR";
	}
}

void
hc_log(const struct hc_log *l, int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && !l->debug)
		return;
	if (l->to_stderr) {
		va_start(ap, fmt);
		fprintf(stderr, "%s[healthcheck] ", level_name(prio));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	if (l->to_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
}
