/*
 * The control socket (see control.h).
 *
 * Each client is a bufferevent on an accepted unix stream connection.
 * Complete lines are handed in order to the line handler main gave us
 * (api_exec); the answers go to the client's output buffer. Limits, and
 * why:
 *
 *  - CONTROL_MAX_CLIENTS at once, so a loop of connects cannot exhaust
 *    fds; but a full table must not lock the operator out (16 idle
 *    clients held every slot forever). So: a client that completes no
 *    command for the idle timeout (30 s) is closed; and a newcomer to a
 *    full table takes the slot of the client that has been doing nothing
 *    longest (no answer pending, no command for the eviction grace,
 *    250 ms, so a fresh client gets its command read), a user (uid)
 *    holding more than half the slots losing its own first whatever
 *    their age. Only when every client is busy or fresh is the newcomer
 *    told "error: too many clients".
 *  - CONTROL_MAX_LINE: a longer line (or a partial line that already is
 *    longer) is answered with an error and the client dropped, so a
 *    client cannot make us buffer unbounded input.
 *  - Output: while more than CONTROL_OUT_PAUSE bytes wait for the client
 *    we stop executing its commands (back-pressure without dropping a
 *    slow reader); one answer growing past CONTROL_OUT_MAX (a huge show)
 *    drops the client; a client that reads nothing of pending output
 *    for CONTROL_WRITE_TIMEOUT is dropped.
 *  - At most CONTROL_BATCH commands per client per event-loop turn, so
 *    BGP timers keep running while a client pipes in a large file.
 *
 * No command frees anything from inside a client's callback: "shutdown"
 * and "reload" are requests the daemon acts on from a later loop turn
 * (daemon_request). At shutdown control_stop() closes the listener and
 * lets every client's last answer drain before its connection closes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "evbgp/control.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/util.h"

#define CONTROL_OUT_MAX		(64u * 1024 * 1024)
#define CONTROL_OUT_PAUSE	(1024u * 1024)
#define CONTROL_WRITE_TIMEOUT	60	/* seconds without reading */
#define CONTROL_BATCH		64	/* commands per client per turn */
#define CONTROL_BACKLOG		16
#define CONTROL_IDLE_MS		30000	/* no command: closed */
#define CONTROL_CLOSE_TIMEOUT	2	/* s to write a closing client's last
					   line, without progress */
#define CONTROL_EVICT_GRACE_MS	250	/* a newer client is not evicted */

struct control_client {
	struct control	*ctl;
	struct bufferevent *bev;
	struct event	*ev_more;	/* continue after a batch */
	struct line_client lc;
	bool		 eof;		/* the client sent everything */
	bool		 closing;	/* flush the output, then free */
	bool		 paused;	/* output above CONTROL_OUT_PAUSE */
	bool		 overflow;	/* an answer passed CONTROL_OUT_MAX */
	bool		 has_uid;
	uid_t		 uid;		/* SO_PEERCRED */
	double		 active_at;	/* connect, or last command (mono) */
	struct event	*ev_idle;	/* the idle timeout */
};

struct control {
	struct event_base *base;
	struct line_handler lines;
	struct evconnlistener *lev;
	char		*path;
	dev_t		 dev;		/* the socket file we created */
	ino_t		 ino;
	/* CONTROL_MAX_CLIENTS working, and as many closing (each writing
	 * its last line for at most CONTROL_CLOSE_TIMEOUT) */
	struct control_client *clients[2 * CONTROL_MAX_CLIENTS];
	size_t		 nclients;
	/* control_stop: called when the last client is gone */
	void		(*stopped)(void *arg);
	void		*stopped_arg;
	unsigned	 idle_ms;
	unsigned	 evict_grace_ms;
	/* a connect loop makes as many evictions or refusals as it likes */
	struct log_limit log_full;
	bool		 stopping;	/* control_stop was called */
};

static void	control_client_process(struct control_client *cl);
static void	control_unlisten(struct control *ctl);

/* ---- clients ---- */

static void
control_client_free(struct control_client *cl)
{
	struct control *ctl = cl->ctl;

	for (size_t i = 0; i < ctl->nclients; i++) {
		if (ctl->clients[i] == cl) {
			ctl->clients[i] = ctl->clients[--ctl->nclients];
			break;
		}
	}
	log_debug("control: %s disconnected", cl->lc.name);
	ctl->lines.release(ctl->lines.arg, &cl->lc);
	event_free(cl->ev_more);
	event_free(cl->ev_idle);
	bufferevent_free(cl->bev);
	free(cl);
	if (ctl->nclients == 0 && ctl->stopped != NULL) {
		void (*stopped)(void *) = ctl->stopped;

		ctl->stopped = NULL;
		stopped(ctl->stopped_arg);
	}
}

/* Stop reading; free once the output is written. */
static void
control_client_close(struct control_client *cl)
{
	struct evbuffer *in = bufferevent_get_input(cl->bev);
	struct timeval ct = { CONTROL_CLOSE_TIMEOUT, 0 };

	cl->closing = true;
	bufferevent_set_timeouts(cl->bev, NULL, &ct);
	bufferevent_disable(cl->bev, EV_READ);
	evbuffer_drain(in, evbuffer_get_length(in));
	event_del(cl->ev_more);
	if (evbuffer_get_length(bufferevent_get_output(cl->bev)) == 0)
		control_client_free(cl);
}

/* Answer one error line and drop the client (the caller logs). */
static void
control_client_drop(struct control_client *cl, const char *why)
{
	bufferevent_write(cl->bev, "error: ", 7);
	bufferevent_write(cl->bev, why, strlen(why));
	bufferevent_write(cl->bev, "\n", 1);
	control_client_close(cl);
}

/* The same, logged. */
static void
control_client_refuse(struct control_client *cl, const char *why)
{
	log_warnx("control: %s: %s, closing", cl->lc.name, why);
	control_client_drop(cl, why);
}

/* line_client.reply: queue answer bytes, within the output cap. */
static void
control_client_reply(void *ctx, const char *data, size_t len)
{
	struct control_client *cl = ctx;
	struct evbuffer *out = bufferevent_get_output(cl->bev);

	if (cl->overflow || cl->closing)
		return;
	if (evbuffer_get_length(out) + len > CONTROL_OUT_MAX) {
		/* the rest of this answer is lost: say so (after the
		 * lines already queued), then drop */
		cl->overflow = true;
		return;
	}
	bufferevent_write(cl->bev, data, len);
}

/* Run one command; false if the client went away. */
static bool
control_client_exec(struct control_client *cl, const char *line, size_t len)
{
	struct control *ctl = cl->ctl;
	char esc[LOG_ESCAPE_SIZE];

	if (log_would(LOG_DEBUG))
		log_debug("control: %s: %s", cl->lc.name,
		    log_escape(line, len, esc, sizeof(esc)));
	ctl->lines.line(ctl->lines.arg, &cl->lc, line, len);
	cl->active_at = mono_now();
	if (cl->overflow) {
		/* the client gets the whole lines that fitted, then this */
		cl->overflow = false;
		control_client_refuse(cl, "answer larger than the 64 MiB "
		    "output limit, truncated");
		return false;
	}
	return true;
}

/*
 * The next complete line from the input, copied NUL-terminated into a
 * new buffer (*len without LF or CR LF); NULL if there is none yet. A
 * line over CONTROL_MAX_LINE bytes sets *toolong.
 */
static char *
control_client_next_line(struct control_client *cl, size_t *len,
    bool *toolong)
{
	struct evbuffer *in = bufferevent_get_input(cl->bev);
	struct evbuffer_ptr eol;
	size_t avail = evbuffer_get_length(in), n;
	char *line;

	/* room for the line and a CR; the read watermark stops there */
	*toolong = false;
	eol = evbuffer_search(in, "\n", 1, NULL);
	if (eol.pos == -1) {
		*toolong = avail > CONTROL_MAX_LINE + 1;
		/* at EOF an unterminated last line is still a command */
		if (!cl->eof || avail == 0 || *toolong)
			return NULL;
		eol.pos = (ev_ssize_t)avail;
	}
	n = (size_t)eol.pos;
	if (n > CONTROL_MAX_LINE + 1) {
		*toolong = true;
		return NULL;
	}
	line = xmalloc(n + 1);
	evbuffer_remove(in, line, n);
	evbuffer_drain(in, 1);	/* the LF, if any */
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	if (n > CONTROL_MAX_LINE) {
		*toolong = true;
		free(line);
		return NULL;
	}
	*len = n;
	return line;
}

static void
control_client_process(struct control_client *cl)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);

	for (int n = 0; !cl->closing; n++) {
		char *line;
		size_t len;
		bool toolong, alive;

		/* an answer is on its way (control_client_resume) */
		if (cl->lc.held)
			return;
		if (evbuffer_get_length(out) > CONTROL_OUT_PAUSE) {
			cl->paused = true;	/* resumed by the write cb */
			return;
		}
		if (n == CONTROL_BATCH) {
			static const struct timeval now = { 0, 0 };

			evtimer_add(cl->ev_more, &now);
			return;
		}
		line = control_client_next_line(cl, &len, &toolong);
		if (toolong) {
			control_client_refuse(cl, "command longer than 65536 "
			    "bytes");
			return;
		}
		if (line == NULL)
			break;
		alive = control_client_exec(cl, line, len);
		free(line);
		if (!alive)
			return;
	}
	if (cl->eof && !cl->closing)
		control_client_close(cl);
}

/* line_client.resume: the held answer is written; go on (or, at
 * shutdown, close once it is out). */
static void
control_client_resume(void *ctx)
{
	struct control_client *cl = ctx;

	if (cl->closing)
		return;
	cl->active_at = mono_now();
	if (cl->ctl->stopping)
		control_client_close(cl);
	else if (!cl->paused && !evtimer_pending(cl->ev_more, NULL))
		control_client_process(cl);
}

static void
control_client_read_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	struct control_client *cl = arg;

	if (!cl->paused && !evtimer_pending(cl->ev_more, NULL))
		control_client_process(cl);
}

static void
control_client_more_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	control_client_process(arg);
}

static void
control_client_write_cb(struct bufferevent *bev, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	struct control_client *cl = arg;
	size_t pending = evbuffer_get_length(bufferevent_get_output(bev));

	if (cl->closing) {
		if (pending == 0)
			control_client_free(cl);
		return;
	}
	if (cl->paused && pending <= CONTROL_OUT_PAUSE / 2) {
		cl->paused = false;
		control_client_process(cl);
	}
}

static void
control_client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	struct control_client *cl = arg;

	if (what & BEV_EVENT_EOF) {
		/* half-close: answer what was sent, then close */
		cl->eof = true;
		if (cl->closing)
			control_client_close(cl);
		else if (!cl->paused && !evtimer_pending(cl->ev_more, NULL))
			control_client_process(cl);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_warnx("control: %s reads nothing, dropped", cl->lc.name);
	else if (what & BEV_EVENT_ERROR)
		log_debug("control: %s: %s", cl->lc.name,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	control_client_free(cl);
}

/* Name the client after its process, and log who it is. */
static void
control_client_identify(struct control_client *cl, evutil_socket_t fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		snprintf(cl->lc.name, sizeof(cl->lc.name), "evbgpctl");
		log_debug("control: client connected (no SO_PEERCRED: %s)",
		    strerror(errno));
		return;
	}
	snprintf(cl->lc.name, sizeof(cl->lc.name), "evbgpctl[%ld]",
	    (long)uc.pid);
	cl->has_uid = true;
	cl->uid = uc.uid;
	log_debug("control: client connected: pid %ld uid %ld gid %ld",
	    (long)uc.pid, (long)uc.uid, (long)uc.gid);
}

/* ---- listener ---- */

static void
control_refuse_fd(evutil_socket_t fd)
{
	static const char msg[] = "error: too many clients\n";

	/* best effort, never blocks: the client may not be reading */
	(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	evutil_closesocket(fd);
}

/* Arm the idle timeout for what is left of it. */
static void
control_client_arm_idle(struct control_client *cl, double left_s)
{
	struct timeval tv;

	if (left_s < 0.001)
		left_s = 0.001;
	tv.tv_sec = (time_t)left_s;
	tv.tv_usec = (suseconds_t)((left_s - (double)tv.tv_sec) * 1e6);
	evtimer_add(cl->ev_idle, &tv);
}

static void
control_client_idle_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	struct control_client *cl = arg;
	double idle = cl->ctl->idle_ms / 1000.0;
	double since = mono_now() - cl->active_at;
	char why[64];

	if (cl->closing)
		return;
	/* busy receiving an answer, or waiting for one: activity too */
	if (since < idle || cl->lc.held ||
	    evbuffer_get_length(bufferevent_get_output(cl->bev)) > 0) {
		control_client_arm_idle(cl, since < idle ? idle - since : idle);
		return;
	}
	snprintf(why, sizeof(why), "no command for %.0f s", since);
	control_client_refuse(cl, why);
}

/* May cl give its slot to a newcomer? (nothing pending, not fresh) */
static bool
control_client_evictable(const struct control_client *cl, double now,
    bool any_age)
{
	return !cl->closing && !cl->lc.held &&
	    evbuffer_get_length(bufferevent_get_output(cl->bev)) == 0 &&
	    (any_age ||
	    now - cl->active_at >= cl->ctl->evict_grace_ms / 1000.0);
}

/* Working (not closing) clients, of uid only if of_uid. */
static size_t
control_count(const struct control *ctl, bool of_uid, uid_t uid)
{
	size_t n = 0;

	for (size_t i = 0; i < ctl->nclients; i++) {
		const struct control_client *c = ctl->clients[i];

		if (!c->closing && (!of_uid || (c->has_uid && c->uid == uid)))
			n++;
	}
	return n;
}

/*
 * The table is full and a client of (has_uid, uid) knocks: the client
 * to make room for it, or NULL. A user holding more than half the
 * slots, other than the newcomer's, gives up its least active client
 * whatever its age; otherwise the least active client past the grace.
 */
static struct control_client *
control_pick_victim(struct control *ctl, bool has_uid, uid_t uid)
{
	struct control_client *best = NULL;
	double now = mono_now();

	for (size_t i = 0; i < ctl->nclients; i++) {
		struct control_client *c = ctl->clients[i];
		bool hog = c->has_uid && (!has_uid || c->uid != uid) &&
		    control_count(ctl, true, c->uid) > CONTROL_MAX_CLIENTS / 2;

		if (hog && control_client_evictable(c, now, true) &&
		    (best == NULL || c->active_at < best->active_at))
			best = c;
	}
	if (best != NULL)
		return best;
	for (size_t i = 0; i < ctl->nclients; i++) {
		struct control_client *c = ctl->clients[i];

		if (control_client_evictable(c, now, false) &&
		    (best == NULL || c->active_at < best->active_at))
			best = c;
	}
	return best;
}

static void
control_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	struct control *ctl = arg;
	struct control_client *cl;
	struct timeval wt = { CONTROL_WRITE_TIMEOUT, 0 };

	cl = xcalloc(1, sizeof(*cl));
	cl->ctl = ctl;
	control_client_identify(cl, fd);
	if (control_count(ctl, false, 0) >= CONTROL_MAX_CLIENTS) {
		struct control_client *victim = control_pick_victim(ctl,
		    cl->has_uid, cl->uid);
		char why[96];

		unsigned long held;

		if (victim == NULL) {
			if (log_limit_pass(&ctl->log_full, 10, &held))
				log_warnx("control: %d clients, all busy: "
				    "connection from %s refused (%lu more "
				    "connections refused or clients dropped "
				    "since the last line)", CONTROL_MAX_CLIENTS,
				    cl->lc.name, held);
			control_refuse_fd(fd);
			free(cl);
			return;
		}
		snprintf(why, sizeof(why), "%d clients: dropped to make room "
		    "for a new one (no command for %.1f s)",
		    CONTROL_MAX_CLIENTS, mono_now() - victim->active_at);
		if (log_limit_pass(&ctl->log_full, 10, &held))
			log_warnx("control: %s: %s (%lu more connections "
			    "refused or clients dropped since the last line)",
			    victim->lc.name, why, held);
		control_client_drop(victim, why);
	}
	/* the closing ones' last lines are a courtesy: the oldest goes when
	 * there is no room left */
	if (ctl->nclients >= sizeof(ctl->clients) / sizeof(ctl->clients[0])) {
		struct control_client *old = NULL;

		for (size_t i = 0; i < ctl->nclients; i++)
			if (ctl->clients[i]->closing && (old == NULL ||
			    ctl->clients[i]->active_at < old->active_at))
				old = ctl->clients[i];
		/* more than CONTROL_MAX_CLIENTS of them: there is one */
		if (old != NULL)
			control_client_free(old);
	}
	cl->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
	cl->ev_more = evtimer_new(ctl->base, control_client_more_cb, cl);
	cl->ev_idle = evtimer_new(ctl->base, control_client_idle_cb, cl);
	if (cl->bev == NULL || cl->ev_more == NULL || cl->ev_idle == NULL)
		fatalx("control: out of memory");
	cl->active_at = mono_now();
	control_client_arm_idle(cl, ctl->idle_ms / 1000.0);
	cl->lc.helper = false;
	cl->lc.encoder = ENCODER_TEXT;
	cl->lc.reply = control_client_reply;
	cl->lc.ctx = cl;
	cl->lc.resume = control_client_resume;
	bufferevent_setcb(cl->bev, control_client_read_cb,
	    control_client_write_cb, control_client_event_cb, cl);
	/* a line, its CR LF, and no more: a longer one is refused */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CONTROL_MAX_LINE + 2);
	bufferevent_setwatermark(cl->bev, EV_WRITE, CONTROL_OUT_PAUSE / 2, 0);
	bufferevent_set_timeouts(cl->bev, NULL, &wt);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	ctl->clients[ctl->nclients++] = cl;
}

static void
control_listen_error_cb(struct evconnlistener *lev, void *arg)
{
	LOOP_WATCH(LW_CONTROL, "socket");
	/* EMFILE and the like: libevent retries on the next readiness */
	log_warn("control: accept");
}

/* Create the socket's directory (one level, 0750) if it is missing. */
static int
control_make_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == 0) {
			/* the umask may have taken bits we want */
			(void)chmod(dir, 0750);
			log_info("control: created %s", dir);
		} else if (errno != EEXIST) {
			log_warn("control: cannot create directory %s", dir);
			rc = -1;
		}
	}
	free(dir);
	return rc;
}

/*
 * An existing file at path: replace it only if it is a socket nobody
 * listens on (left behind by a crash). A live daemon's socket, or any
 * other file, is refused.
 */
static int
control_clear_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("control: %s", path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("control: %s exists and is not a socket; not "
		    "replacing it", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_warn("control: socket");
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0 || errno == EAGAIN || errno == EINPROGRESS) {
		log_warnx("control: another evbgpd is listening on %s; "
		    "refusing to replace its socket", path);
		return -1;
	}
	if (errno != ECONNREFUSED && errno != ENOENT) {
		log_warn("control: cannot check the existing socket %s", path);
		return -1;
	}
	log_info("control: removing stale socket %s", path);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("control: cannot remove %s", path);
		return -1;
	}
	return 0;
}

/* Bind and listen on path, mode 0660; the descriptor or -1. */
static int
control_bind(const char *path, const struct sockaddr_un *sun)
{
	mode_t omask;
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_warn("control: socket");
		return -1;
	}
	/* no window where the socket is reachable with wider permissions */
	omask = umask(0117);
	rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	umask(omask);
	if (rc == -1) {
		log_warn("control: cannot bind %s", path);
		close(fd);
		return -1;
	}
	if (chmod(path, 0660) == -1 || listen(fd, CONTROL_BACKLOG) == -1) {
		log_warn("control: %s", path);
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

struct control *
control_new(struct event_base *base, const char *path,
    const struct line_handler *lines)
{
	struct control *ctl;
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (lines == NULL || lines->line == NULL || lines->release == NULL)
		fatalx("%s: no line handler", __func__);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path == NULL || path[0] == '\0' ||
	    strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control: socket path '%s' is empty or longer than "
		    "%zu bytes", path ? path : "", sizeof(sun.sun_path) - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (control_make_dir(path) == -1 ||
	    control_clear_stale(path, &sun) == -1)
		return NULL;
	if ((fd = control_bind(path, &sun)) == -1)
		return NULL;
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->base = base;
	ctl->lines = *lines;
	ctl->idle_ms = CONTROL_IDLE_MS;
	ctl->evict_grace_ms = CONTROL_EVICT_GRACE_MS;
	ctl->path = xstrdup(path);
	if (stat(path, &st) == 0) {
		ctl->dev = st.st_dev;
		ctl->ino = st.st_ino;
	}
	ctl->lev = evconnlistener_new(base, control_accept_cb, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (ctl->lev == NULL) {
		log_warnx("control: cannot listen on %s", path);
		close(fd);
		unlink(path);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	evconnlistener_set_error_cb(ctl->lev, control_listen_error_cb);
	log_info("control: listening on %s", path);
	return ctl;
}

/* Stop accepting; remove the socket file if it is still ours. */
static void
control_unlisten(struct control *ctl)
{
	struct stat st;

	if (ctl->lev == NULL)
		return;
	evconnlistener_free(ctl->lev);
	ctl->lev = NULL;
	if (stat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		unlink(ctl->path);
}

void
control_set_timeouts(struct control *ctl, unsigned idle_ms,
    unsigned evict_grace_ms)
{
	ctl->idle_ms = idle_ms;
	ctl->evict_grace_ms = evict_grace_ms;
}

void
control_stop(struct control *ctl, void (*stopped)(void *arg), void *arg)
{
	control_unlisten(ctl);
	ctl->stopping = true;
	if (ctl->nclients == 0) {
		stopped(arg);
		return;
	}
	ctl->stopped = stopped;
	ctl->stopped_arg = arg;
	ctl->stopping = true;
	/* a client waiting for an answer (the shutdown's own) is closed
	 * once it has it (control_client_resume) */
	for (size_t i = ctl->nclients; i > 0; i--)
		if (!ctl->clients[i - 1]->closing &&
		    !ctl->clients[i - 1]->lc.held)
			control_client_close(ctl->clients[i - 1]);
}

void
control_free(struct control *ctl)
{
	if (ctl == NULL)
		return;
	control_unlisten(ctl);
	ctl->stopped = NULL;
	while (ctl->nclients > 0)
		control_client_free(ctl->clients[ctl->nclients - 1]);
	free(ctl->path);
	free(ctl);
}
