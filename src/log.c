/*
 * Logging (see log.h). One process-wide sink: logging is the one piece of
 * state every module touches, and threading a logger through the codec
 * would buy nothing (the codec does not log at all).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evbgp/log.h"
#include "evbgp/util.h"

static struct {
	bool		 enabled;
	enum log_dest	 dest;
	int		 level;
	FILE		*file;
	char		*path;		/* LOG_DEST_FILE: reopened by name */
} log_sink = { true, LOG_DEST_STDERR, LOG_INFO, NULL, NULL };

static void	vlogit(int, const char *, va_list) LOG_FMT(2, 0);
static void	emit(int, const char *);
static void	log_repeat_flush(void);

/*
 * The last warning (or worse) written, so that a storm of the same line
 * becomes one line and a count ("last message repeated N times", as
 * syslogd does). One buffer: the memory is bounded whatever the storm.
 */
static struct {
	int		 level;
	char		 text[LOG_REPEAT_MAX];
	unsigned long	 repeats;	/* held back since it was written */
	double		 written;	/* mono_now() when it was written */
} log_last = { -1, "", 0, 0 };
static void	logit(int, const char *, ...) LOG_FMT(2, 3);

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "error", [LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void
log_init(bool enabled, enum log_dest dest, int level, const char *file)
{
	log_close();
	log_sink.enabled = enabled;
	log_sink.dest = dest;
	log_sink.level = level;
	if (!enabled)
		return;
	if (dest == LOG_DEST_SYSLOG)
		openlog("evbgpd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (dest == LOG_DEST_FILE && file != NULL) {
		log_sink.path = xstrdup(file);
		log_sink.file = fopen(file, "ae");
		if (log_sink.file == NULL) {
			fprintf(stderr, "evbgpd: cannot open log file %s: %s; "
			    "logging to stderr\n", file, strerror(errno));
			log_sink.dest = LOG_DEST_STDERR;
		} else
			setvbuf(log_sink.file, NULL, _IOLBF, 0);
	}
}

void
log_close(void)
{
	log_repeat_flush();
	log_last.level = -1;
	if (log_sink.file != NULL)
		fclose(log_sink.file);
	log_sink.file = NULL;
	free(log_sink.path);
	log_sink.path = NULL;
	if (log_sink.dest == LOG_DEST_SYSLOG)
		closelog();
}

int
log_reopen(void)
{
	FILE *f;

	if (!log_sink.enabled || log_sink.dest != LOG_DEST_FILE ||
	    log_sink.path == NULL)
		return 0;
	/* open the new one first: if that fails, the old one (maybe
	 * renamed by logrotate) still gets every line */
	if ((f = fopen(log_sink.path, "ae")) == NULL) {
		log_warn("cannot reopen the log file %s; still writing to the "
		    "one already open", log_sink.path);
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_sink.file != NULL)
		fclose(log_sink.file);
	log_sink.file = f;
	return 0;
}

bool
log_would(int level)
{
	return log_sink.enabled && level <= log_sink.level;
}

static const char *
log_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}

/* Write one formatted line. */
static void
emit(int level, const char *text)
{
	FILE *out;
	char stamp[32], zone[8];
	struct timespec ts;
	struct tm tm;

	if (log_sink.dest == LOG_DEST_SYSLOG) {
		syslog(level, "%s", text);
		return;
	}
	out = log_sink.dest == LOG_DEST_STDOUT ? stdout :
	    log_sink.dest == LOG_DEST_FILE && log_sink.file ? log_sink.file :
	    stderr;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	/* RFC 3339: the offset from UTC, so lines from hosts in different
	 * zones (or either side of a DST change) sort and compare */
	if (strftime(zone, sizeof(zone), "%z", &tm) == 5) {
		zone[6] = '\0';
		zone[5] = zone[4];
		zone[4] = zone[3];
		zone[3] = ':';
	} else
		snprintf(zone, sizeof(zone), "Z");
	flockfile(out);
	fprintf(out, "%s.%03ld%s evbgpd[%d] %s: %s\n", stamp,
	    ts.tv_nsec / 1000000, zone, (int)getpid(), log_level_name(level),
	    text);
	funlockfile(out);
	fflush(out);
}

/* Say how many times the last line was held back, if it was. */
static void
log_repeat_flush(void)
{
	char buf[96];

	if (log_last.repeats == 0)
		return;
	snprintf(buf, sizeof(buf), "last message repeated %lu time%s",
	    log_last.repeats, log_last.repeats == 1 ? "" : "s");
	log_last.repeats = 0;
	emit(log_last.level, buf);
}

void
log_repeat_tick(void)
{
	if (log_last.repeats > 0 &&
	    mono_now() - log_last.written >= LOG_REPEAT_WINDOW_S) {
		log_repeat_flush();
		/* the next one is written again */
		log_last.level = -1;
	}
}

static void
vlogit(int level, const char *fmt, va_list ap)
{
	char buf[LOG_REPEAT_MAX + 1], *text = buf;
	va_list ap2;
	int n;

	if (!log_would(level))
		return;
	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= 0 && (size_t)n >= sizeof(buf) && vasprintf(&text, fmt, ap2) == -1)
		text = buf;	/* the cut one, rather than nothing */
	va_end(ap2);
	if (n < 0)
		return;
	if (level <= LOG_WARNING && (size_t)n < sizeof(log_last.text) &&
	    level == log_last.level && strcmp(buf, log_last.text) == 0 &&
	    mono_now() - log_last.written < LOG_REPEAT_WINDOW_S) {
		log_last.repeats++;
		return;
	}
	log_repeat_flush();
	if (level <= LOG_WARNING && (size_t)n < sizeof(log_last.text)) {
		memcpy(log_last.text, buf, (size_t)n + 1);
		log_last.level = level;
		log_last.written = mono_now();
	} else
		log_last.level = -1;
	emit(level, text);
	if (text != buf)
		free(text);
}

static void
logit(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogit(level, fmt, ap);
	va_end(ap);
}

#define LOG_FN(name, level)						\
	void								\
	name(const char *fmt, ...)					\
	{								\
		va_list ap;						\
		va_start(ap, fmt);					\
		vlogit(level, fmt, ap);					\
		va_end(ap);						\
	}

LOG_FN(log_warnx, LOG_WARNING)
LOG_FN(log_notice, LOG_NOTICE)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

/* Append ": strerror(errno)" to the message. */
static void vlog_errno(int, const char *, va_list) LOG_FMT(2, 0);

static void
vlog_errno(int level, const char *fmt, va_list ap)
{
	char buf[1024];
	int saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	logit(level, "%s: %s", buf, strerror(saved));
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_peer(int level, const char *peer, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!log_would(level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logit(level, "peer %s: %s", peer, buf);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogit(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

bool
log_limit_pass(struct log_limit *l, double interval, unsigned long *held)
{
	double now = mono_now();

	if (now < l->next) {
		l->held++;
		return false;
	}
	*held = l->held;
	l->held = 0;
	l->next = now + interval;
	return true;
}

const char *
log_escape(const char *s, size_t len, char *buf, size_t size)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_seq(u + i, len - i, &cp);
		bool raw = n > 0 && cp >= 0x20 && cp != 0x7f && cp != '\\' &&
		    !(cp >= 0x80 && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029;
		size_t need = raw ? n : cp == '\\' && n == 1 ? 2 : 4;

		/* room for this, and "..." plus the NUL after it */
		if (o + need + 4 > size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (raw) {
			memcpy(buf + o, u + i, n);
			o += n;
			i += n;
		} else if (n == 1 && cp == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
			i++;
		} else {
			/* one byte at a time: an unwanted character is each
			 * of its bytes */
			snprintf(buf + o, 5, "\\x%02x", u[i]);
			o += 4;
			i++;
		}
	}
	buf[o] = '\0';
	return buf;
}
