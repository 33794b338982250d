/*
 * ExaBGP's named pipes for exabgpcli (see cli_pipe.h).
 *
 * PIPENAME.in is opened read-write: we hold a writer ourselves, so the
 * pipe never reports end-of-file between two exabgpcli runs and the read
 * event does not spin. PIPENAME.out is opened (non-blocking) only while
 * an answer is waiting: with no reader the open fails (ENXIO) and the
 * answer is dropped, as nobody asked for it (exabgpcli opens its reader
 * before it sends a command); a reader slower than us gets the rest as
 * the pipe drains; a reader that went away (EPIPE) loses the rest.
 *
 * Both are opened with O_NOFOLLOW and checked to be named pipes once
 * open, so a symlink or a file swapped in after the search is refused.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "evbgp/cli_pipe.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/util.h"

#define CLI_PIPE_MAX_LINE	65536		/* longer: refused */
#define CLI_PIPE_OUT_MAX	(64u << 20)	/* pending answer bytes */
#define CLI_PIPE_BATCH		64		/* lines per loop turn */
#define CLI_PIPE_READ		65536		/* bytes per read */
#define CLI_PIPE_IN_MAX		(4u << 20)	/* read no more while this
						   much waits to be run */

struct cli_pipe {
	struct event_base *base;
	struct line_handler lh;
	struct line_client lc;
	char		*in_path;
	char		*out_path;
	int		 in_fd;
	struct event	*ev_in;
	struct event	*ev_more;	/* more lines than one batch */
	struct evbuffer	*inbuf;
	bool		 skipping;	/* inside an over-long line */
	bool		 reading;	/* ev_in added */
	int		 out_fd;	/* open while an answer is pending */
	struct event	*ev_out;
	struct evbuffer	*outbuf;
	bool		 overflow;	/* this answer passed the cap */
};

void
cli_pipe_dirs(uid_t uid, char dirs[CLI_PIPE_NDIRS][32])
{
	snprintf(dirs[0], 32, "/run/exabgp/");
	snprintf(dirs[1], 32, "/run/%u/", (unsigned)uid);
	snprintf(dirs[2], 32, "/run/");
	snprintf(dirs[3], 32, "/var/run/exabgp/");
	snprintf(dirs[4], 32, "/var/run/%u/", (unsigned)uid);
	snprintf(dirs[5], 32, "/var/run/");
}

/* 1: a named pipe; 0: nothing there; -1: something else (said in why). */
static int
is_fifo(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return 0;
	if (!S_ISFIFO(st.st_mode)) {
		snprintf(why, whylen, "%s exists but is not a named pipe",
		    path);
		return -1;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(why, whylen, "%s is writable by every user "
		    "(chmod 600 it)", path);
		return -1;
	}
	return 1;
}

int
cli_pipe_find(const char *const *dirs, size_t n, const char *pipename,
    char *dir, size_t size, char *why, size_t whylen)
{
	if (whylen > 0)
		why[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char in[512], out[512], w[600] = "";
		int a, b;

		snprintf(in, sizeof(in), "%s%s.in", dirs[i], pipename);
		snprintf(out, sizeof(out), "%s%s.out", dirs[i], pipename);
		a = is_fifo(in, w, sizeof(w));
		b = a == -1 ? 0 : is_fifo(out, w, sizeof(w));
		if (a == 1 && b == 1) {
			snprintf(dir, size, "%s", dirs[i]);
			return 0;
		}
		/* the first problem found is the one to tell */
		if (w[0] != '\0' && whylen > 0 && why[0] == '\0')
			snprintf(why, whylen, "%s", w);
	}
	return -1;
}

/* Open path (a named pipe, not a link to anything) with flags. */
static int
open_fifo(const char *path, int flags)
{
	struct stat st;
	int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

static void
out_close(struct cli_pipe *cp)
{
	if (cp->ev_out != NULL)
		event_free(cp->ev_out);
	cp->ev_out = NULL;
	if (cp->out_fd != -1)
		close(cp->out_fd);
	cp->out_fd = -1;
}

static void	out_flush(struct cli_pipe *cp);

static void
out_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "pipe");
	(void)fd;
	(void)what;
	out_flush(arg);
}

/* Write what is pending to PIPENAME.out, as far as a reader takes it. */
static void
out_flush(struct cli_pipe *cp)
{
	if (evbuffer_get_length(cp->outbuf) == 0)
		return;
	if (cp->out_fd == -1) {
		cp->out_fd = open_fifo(cp->out_path, O_WRONLY);
		if (cp->out_fd == -1) {
			/* ENXIO: no exabgpcli waits for this answer */
			if (errno != ENXIO)
				log_warn("exabgpcli: cannot open %s",
				    cp->out_path);
			evbuffer_drain(cp->outbuf,
			    evbuffer_get_length(cp->outbuf));
			return;
		}
		cp->ev_out = event_new(cp->base, cp->out_fd, EV_WRITE, out_cb,
		    cp);
	}
	while (evbuffer_get_length(cp->outbuf) > 0) {
		int n = evbuffer_write(cp->outbuf, cp->out_fd);

		if (n > 0)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			event_add(cp->ev_out, NULL);
			return;
		}
		/* EPIPE: the reader went away; the rest is nobody's */
		log_debug("exabgpcli: reader of %s gone, %zu bytes dropped",
		    cp->out_path, evbuffer_get_length(cp->outbuf));
		evbuffer_drain(cp->outbuf, evbuffer_get_length(cp->outbuf));
		break;
	}
	out_close(cp);
}

/* line_client.reply: queue the answer, within the cap. */
static void
cli_pipe_reply(void *ctx, const char *data, size_t len)
{
	struct cli_pipe *cp = ctx;

	if (cp->overflow)
		return;
	/* exabgpcli expects ExaBGP's bare answers: the reasons evbgpctl
	 * clients get before an "error" ("error: REASON" lines) are left
	 * out, as ExaBGP writes them only to its log (so does evbgpd) */
	while (len > 7 && strncmp(data, "error: ", 7) == 0) {
		const char *nl = memchr(data, '\n', len);

		if (nl == NULL)
			return;
		len -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	if (len == 0)
		return;
	if (evbuffer_get_length(cp->outbuf) + len > CLI_PIPE_OUT_MAX) {
		cp->overflow = true;
		return;
	}
	evbuffer_add(cp->outbuf, data, len);
}

static void
run_line(struct cli_pipe *cp, char *line, size_t len)
{
	char esc[LOG_ESCAPE_SIZE];

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (log_would(LOG_DEBUG))
		log_debug("exabgpcli: %s", log_escape(line, len, esc,
		    sizeof(esc)));
	cp->lh.line(cp->lh.arg, &cp->lc, line, len);
	if (cp->overflow) {
		/* exabgpcli waits for the end of the answer: give it one */
		cp->overflow = false;
		log_warnx("exabgpcli: answer larger than %u MiB, truncated",
		    CLI_PIPE_OUT_MAX >> 20);
		evbuffer_add_printf(cp->outbuf, "error\n");
	}
}

/* Run up to one batch of complete lines; more later if there are. */
static void
cli_pipe_lines(struct cli_pipe *cp)
{
	static const struct timeval now = { 0, 0 };
	unsigned n = 0;

	while (n < CLI_PIPE_BATCH) {
		struct evbuffer_ptr eol = evbuffer_search_eol(cp->inbuf, NULL,
		    NULL, EVBUFFER_EOL_LF);
		size_t have = evbuffer_get_length(cp->inbuf);
		char *line;

		if (eol.pos == -1) {
			/* an over-long line: refused, its rest skipped */
			if (have > CLI_PIPE_MAX_LINE) {
				if (!cp->skipping) {
					log_warnx("exabgpcli: command longer "
					    "than %u bytes refused",
					    CLI_PIPE_MAX_LINE);
					evbuffer_add_printf(cp->outbuf,
					    "error\n");
				}
				cp->skipping = true;
				evbuffer_drain(cp->inbuf, have);
			}
			break;
		}
		if (cp->skipping || (size_t)eol.pos > CLI_PIPE_MAX_LINE) {
			if (!cp->skipping) {
				log_warnx("exabgpcli: command longer than %u "
				    "bytes refused", CLI_PIPE_MAX_LINE);
				evbuffer_add_printf(cp->outbuf, "error\n");
			}
			cp->skipping = false;
			evbuffer_drain(cp->inbuf, (size_t)eol.pos + 1);
			continue;
		}
		line = xmalloc((size_t)eol.pos + 1);
		evbuffer_remove(cp->inbuf, line, (size_t)eol.pos);
		evbuffer_drain(cp->inbuf, 1);
		line[eol.pos] = '\0';
		run_line(cp, line, (size_t)eol.pos);
		free(line);
		n++;
	}
	if (n == CLI_PIPE_BATCH)
		evtimer_add(cp->ev_more, &now);
	/* a writer faster than the commands run waits in the pipe */
	if (!cp->reading && evbuffer_get_length(cp->inbuf) < CLI_PIPE_IN_MAX) {
		event_add(cp->ev_in, NULL);
		cp->reading = true;
	}
	out_flush(cp);
}

static void
more_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "pipe");
	(void)fd;
	(void)what;
	cli_pipe_lines(arg);
}

static void
in_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "pipe");
	struct cli_pipe *cp = arg;
	int n;

	(void)what;
	n = evbuffer_read(cp->inbuf, fd, CLI_PIPE_READ);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("exabgpcli: read %s", cp->in_path);
	if (evbuffer_get_length(cp->inbuf) >= CLI_PIPE_IN_MAX) {
		event_del(cp->ev_in);
		cp->reading = false;
	}
	/* a batch already waiting for its turn keeps its turn */
	if (!evtimer_pending(cp->ev_more, NULL))
		cli_pipe_lines(cp);
}

struct cli_pipe *
cli_pipe_new(struct event_base *base, const char *dir, const char *pipename,
    const struct line_handler *lh)
{
	struct cli_pipe *cp = xcalloc(1, sizeof(*cp));

	cp->base = base;
	cp->lh = *lh;
	cp->in_path = xasprintf("%s%s.in", dir, pipename);
	cp->out_path = xasprintf("%s%s.out", dir, pipename);
	cp->out_fd = -1;
	/* read-write: our own writer keeps end-of-file away */
	cp->in_fd = open_fifo(cp->in_path, O_RDWR);
	if (cp->in_fd == -1) {
		log_warn("exabgpcli: cannot open %s", cp->in_path);
		cli_pipe_free(cp);
		return NULL;
	}
	snprintf(cp->lc.name, sizeof(cp->lc.name), "exabgpcli");
	cp->lc.helper = false;
	cp->lc.encoder = ENCODER_TEXT;
	cp->lc.reply = cli_pipe_reply;
	cp->lc.ctx = cp;
	cp->inbuf = evbuffer_new();
	cp->outbuf = evbuffer_new();
	cp->ev_in = event_new(base, cp->in_fd, EV_READ | EV_PERSIST, in_cb,
	    cp);
	cp->ev_more = evtimer_new(base, more_cb, cp);
	if (cp->inbuf == NULL || cp->outbuf == NULL || cp->ev_in == NULL ||
	    cp->ev_more == NULL)
		fatalx("%s: out of memory", __func__);
	event_add(cp->ev_in, NULL);
	cp->reading = true;
	log_info("exabgpcli: commands from %s, answers to %s", cp->in_path,
	    cp->out_path);
	return cp;
}

int
cli_pipe_chown(struct cli_pipe *cp, uid_t uid, gid_t gid)
{
	int rc = 0;

	/* lchown: never follow a link swapped in since the search */
	if (lchown(cp->in_path, uid, gid) == -1) {
		log_warn("exabgpcli: cannot hand %s over", cp->in_path);
		rc = -1;
	}
	if (lchown(cp->out_path, uid, gid) == -1) {
		log_warn("exabgpcli: cannot hand %s over", cp->out_path);
		rc = -1;
	}
	return rc;
}

void
cli_pipe_free(struct cli_pipe *cp)
{
	if (cp == NULL)
		return;
	if (cp->lh.release != NULL)
		cp->lh.release(cp->lh.arg, &cp->lc);
	out_close(cp);
	if (cp->ev_in != NULL)
		event_free(cp->ev_in);
	if (cp->ev_more != NULL)
		event_free(cp->ev_more);
	if (cp->in_fd != -1)
		close(cp->in_fd);
	if (cp->inbuf != NULL)
		evbuffer_free(cp->inbuf);
	if (cp->outbuf != NULL)
		evbuffer_free(cp->outbuf);
	free(cp->in_path);
	free(cp->out_path);
	free(cp);
}
