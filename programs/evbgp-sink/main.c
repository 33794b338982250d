/*
 * evbgp-sink: a minimal counting BGP receiver for the benchmark (bench/).
 *
 * It listens on one or more ADDR:PORT endpoints (loopback only), accepts
 * any number of sessions, answers OPEN and KEEPALIVE, and counts the NLRI
 * announced (classic IPv4 NLRI and MP_REACH_NLRI) and withdrawn. It keeps
 * no routes: it only counts, so it is never what bounds an injector.
 *
 * It records, in a JSON status file rewritten atomically (--stamp):
 *   - when sessions came up, when the first UPDATE arrived, and when the
 *     announced total first reached --expect (t_done, wall clock);
 *   - the largest gap between two KEEPALIVEs and between any two messages
 *     received on a session after it was Established (the event-loop
 *     health proxy: a sender whose keepalive timer fires late shows here),
 *     with the sink's own share of the largest (how far into its poll
 *     round it read that KEEPALIVE, how long the round before took) and
 *     its longest poll round: a late figure the sink caused shows as such;
 *   - NOTIFICATIONs received and sessions closed.
 *
 * --distinct also keeps which of the benchmark's routes (10.0.0.0/8 host
 * routes, route i = 10.a.b.c/32) it holds, a bitmap of 2 MiB: "held" is
 * the table as the session left it (announced minus withdrawn, each route
 * once), "reannounced" the announcements of a route already held. With it,
 * t_done is when held reaches --expect.
 *
 * --blast ADDR:PORT turns it into a speaker instead: it connects to a sink
 * and pushes N pre-encoded routes as fast as the socket takes them, to
 * show the sink's own ceiling.
 *
 * Plain poll(), one thread, no allocation per message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN	256
#define MAX_SESS	4096
#define RBUF_SIZE	(512 * 1024)
#define RBUF_READ	(128 * 1024)	/* at most per recv() */
#define MSG_MAX		65535

enum { S_OPENSENT = 1, S_OPENCONFIRM, S_ESTABLISHED, S_CLOSED };

struct sess {
	int		 fd;
	int		 state;
	char		 peer[64];	/* "addr:port" of the remote end */
	char		 local[64];
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 announced;
	uint64_t	 withdrawn;
	uint64_t	 updates;
	uint64_t	 keepalives;
	uint16_t	 hold;		/* negotiated */
	double		 t_est;		/* wall clock */
	double		 last_msg_mono;
	double		 last_ka_mono;
	double		 max_msg_gap;
	double		 max_ka_gap;
	/* at the largest KEEPALIVE gap: the sink's own share of it (how long
	 * into its poll round it read the session, and how long the round
	 * before took: data can wait that long before poll() reports it),
	 * and when (wall clock) the KEEPALIVE was read */
	double		 max_ka_gap_in_round;
	double		 max_ka_gap_prev_round;
	double		 max_ka_gap_at;
	/* the kernel's arrival stamps (SO_TIMESTAMPNS) of the reads that
	 * held the KEEPALIVEs: the gap as the socket received them, whatever
	 * the sink's own delay in reading them */
	double		 last_ka_arr;
	double		 max_ka_arr_gap;
	double		 next_ka_mono;	/* when we send our next KEEPALIVE */
	char		 close_reason[96];
};

static struct {
	const char	*stamp;
	uint32_t	 as;
	uint32_t	 id;
	uint16_t	 hold;
	uint64_t	 expect;
	double		 max_life;
	bool		 verbose;
	bool		 ext_msg;
	int		 nlisten;
	int		 lfd[MAX_LISTEN];
	char		 lname[MAX_LISTEN][64];
	struct sess	*sess[MAX_SESS];
	int		 nsess;
	/* totals */
	uint64_t	 announced;
	uint64_t	 withdrawn;
	uint64_t	 updates;
	uint64_t	 notifications;
	int		 established;
	int		 closed;
	double		 t_start;
	double		 t_first_est;
	double		 t_last_est;
	double		 t_first_update;
	double		 t_last_update;
	double		 t_done;
	double		 max_xfer_gap;	/* largest gap between messages during the transfer */
	/* the sink's own pace: when the current poll round began (poll()
	 * returned), how long the one before took, the longest round */
	double		 round_start;
	double		 read_arr;	/* arrival stamp of the read being parsed */
	double		 prev_round;
	double		 max_round;
	uint8_t		*held_map;	/* --distinct: bit i = 10.a.b.c/32 held */
	uint64_t	 held;
	uint64_t	 reannounced;
	char		 last_notification[256];
	bool		 dirty;
} g;

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!g.verbose)
		return;
	fprintf(stderr, "evbgp-sink: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "evbgp-sink: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- addresses ---- */

/* Parse "ADDR:PORT" or "[V6]:PORT"; the address must be loopback. */
static void
parse_endpoint(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[64];
	const char *colon, *h = s;
	size_t hl;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (e == NULL || e[1] != ':')
			die("bad endpoint %s", s);
		h = s + 1;
		hl = (size_t)(e - h);
		colon = e + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			die("bad endpoint %s (ADDR:PORT)", s);
		hl = (size_t)(colon - s);
	}
	if (hl >= sizeof(host))
		die("bad endpoint %s", s);
	memcpy(host, h, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		die("bad port in %s", s);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
			die("refusing non-loopback address %s", host);
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
			die("refusing non-loopback address %s", host);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a6);
	} else
		die("bad address %s", host);
}

static void
fmt_sockaddr(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a4->sin_addr, a, sizeof(a));
		port = ntohs(a4->sin_port);
		snprintf(out, outlen, "%s:%u", a, port);
	} else {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a6->sin6_addr, a, sizeof(a));
		port = ntohs(a6->sin6_port);
		snprintf(out, outlen, "[%s]:%u", a, port);
	}
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl: %s", strerror(errno));
}

/* ---- the status file ---- */

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
write_stamp(bool final)
{
	char tmp[4096];
	FILE *f;
	double max_ka = 0, max_msg = 0, max_arr = 0, now = now_mono();
	const struct sess *worst = NULL;
	uint64_t kas = 0;
	int i;

	g.dirty = false;
	if (g.stamp == NULL)
		return;
	for (i = 0; i < g.nsess; i++) {
		struct sess *s = g.sess[i];
		if (s->max_ka_gap > max_ka) {
			max_ka = s->max_ka_gap;
			worst = s;
		}
		if (s->max_msg_gap > max_msg)
			max_msg = s->max_msg_gap;
		kas += s->keepalives;
		if (s->max_ka_arr_gap > max_arr)
			max_arr = s->max_ka_arr_gap;
		/* a session silent right now also counts as a gap */
		if (s->state == S_ESTABLISHED && s->last_msg_mono > 0 &&
		    now - s->last_msg_mono > max_msg)
			max_msg = now - s->last_msg_mono;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", g.stamp);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "evbgp-sink: %s: %s\n", tmp, strerror(errno));
		return;
	}
	fprintf(f, "{\"pid\": %d, \"final\": %s, \"t_start\": %.6f, \"t_now\": %.6f,"
	    " \"expect\": %llu, \"sessions\": %d, \"established\": %d, \"closed\": %d,"
	    " \"announced\": %llu, \"withdrawn\": %llu, \"updates\": %llu,"
	    " \"keepalives\": %llu, \"notifications\": %llu,"
	    " \"t_first_est\": %.6f, \"t_last_est\": %.6f,"
	    " \"t_first_update\": %.6f, \"t_last_update\": %.6f, \"t_done\": %.6f,"
	    " \"max_keepalive_gap_s\": %.6f, \"max_msg_gap_s\": %.6f,"
	    " \"max_transfer_gap_s\": %.6f,"
	    " \"hold_time\": %u, \"distinct\": %s, \"held\": %llu,"
	    " \"reannounced\": %llu, \"last_notification\": ",
	    (int)getpid(), final ? "true" : "false", g.t_start, now_wall(),
	    (unsigned long long)g.expect, g.nsess, g.established, g.closed,
	    (unsigned long long)g.announced, (unsigned long long)g.withdrawn,
	    (unsigned long long)g.updates, (unsigned long long)kas,
	    (unsigned long long)g.notifications, g.t_first_est, g.t_last_est,
	    g.t_first_update, g.t_last_update, g.t_done, max_ka, max_msg,
	    g.max_xfer_gap, g.nsess > 0 ? g.sess[0]->hold : 0,
	    g.held_map != NULL ? "true" : "false", (unsigned long long)g.held,
	    (unsigned long long)g.reannounced);
	json_str(f, g.last_notification);
	fprintf(f, ", \"max_keepalive_arrival_gap_s\": %.6f", max_arr);
	fprintf(f, ", \"max_poll_round_s\": %.6f, \"max_keepalive_gap_in_round_s\": %.6f,"
	    " \"max_keepalive_gap_prev_round_s\": %.6f, \"max_keepalive_gap_at\": %.6f,"
	    " \"max_keepalive_gap_peer\": ", g.max_round,
	    worst ? worst->max_ka_gap_in_round : 0,
	    worst ? worst->max_ka_gap_prev_round : 0,
	    worst ? worst->max_ka_gap_at : 0);
	json_str(f, worst ? worst->peer : "");
	fprintf(f, ", \"per_session\": [");
	for (i = 0; i < g.nsess && i < 8; i++) {
		struct sess *s = g.sess[i];
		fprintf(f, "%s{\"peer\": ", i ? ", " : "");
		json_str(f, s->peer);
		fprintf(f, ", \"state\": %d, \"announced\": %llu, \"updates\": %llu,"
		    " \"keepalives\": %llu, \"max_keepalive_gap_s\": %.6f,"
		    " \"max_msg_gap_s\": %.6f, \"close_reason\": ", s->state,
		    (unsigned long long)s->announced, (unsigned long long)s->updates,
		    (unsigned long long)s->keepalives, s->max_ka_gap, s->max_msg_gap);
		json_str(f, s->close_reason);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	if (fclose(f) != 0 || rename(tmp, g.stamp) != 0)
		fprintf(stderr, "evbgp-sink: writing %s: %s\n", g.stamp, strerror(errno));
}

/* ---- encoding ---- */

static size_t
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

static size_t
hdr(uint8_t *p, uint16_t len, uint8_t type)
{
	memset(p, 0xff, 16);
	put16(p + 16, len);
	p[18] = type;
	return 19;
}

static size_t
build_open(uint8_t *m, uint32_t as, uint16_t hold, uint32_t id, bool ext_msg)
{
	uint8_t caps[64];
	size_t cl = 0, n;

	/* multiprotocol IPv4 unicast, IPv6 unicast */
	caps[cl++] = 1; caps[cl++] = 4; cl += put16(caps + cl, 1); caps[cl++] = 0; caps[cl++] = 1;
	caps[cl++] = 1; caps[cl++] = 4; cl += put16(caps + cl, 2); caps[cl++] = 0; caps[cl++] = 1;
	/* route refresh */
	caps[cl++] = 2; caps[cl++] = 0;
	/* 4-octet AS */
	caps[cl++] = 65; caps[cl++] = 4; cl += put32(caps + cl, as);
	if (ext_msg) {
		caps[cl++] = 6; caps[cl++] = 0;
	}
	n = 19;
	m[n++] = 4;
	n += put16(m + n, as > 65535 ? 23456 : (uint16_t)as);
	n += put16(m + n, hold);
	n += put32(m + n, id);
	m[n++] = (uint8_t)(cl + 2);	/* one optional parameter */
	m[n++] = 2;			/* capabilities */
	m[n++] = (uint8_t)cl;
	memcpy(m + n, caps, cl);
	n += cl;
	hdr(m, (uint16_t)n, 1);
	return n;
}

/* Blocking-ish write of a small control message (OPEN, KEEPALIVE). */
static int
send_all(int fd, const uint8_t *p, size_t len)
{
	int spins = 0;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			if (++spins > 1000)
				return -1;
			poll(&pf, 1, 10);
			continue;
		}
		return -1;
	}
	return 0;
}

static int
send_keepalive(int fd)
{
	uint8_t m[19];

	hdr(m, 19, 4);
	return send_all(fd, m, sizeof(m));
}

/* ---- counting ---- */

/* Number of prefixes in an NLRI field (no ADD-PATH); -1 if it overruns. */
static long
count_nlri(const uint8_t *p, size_t len)
{
	size_t i = 0;
	long n = 0;

	while (i < len) {
		i += 1 + ((size_t)p[i] + 7) / 8;
		n++;
	}
	return i == len ? n : -1;
}

/* --distinct: mark the benchmark's routes (10.0.0.0/8 /32s) in a classic
 * IPv4 NLRI or withdrawn field whose lengths count_nlri has checked. */
static void
track_v4(const uint8_t *p, size_t len, bool announce)
{
	size_t i = 0;

	while (i < len) {
		size_t nb = ((size_t)p[i] + 7) / 8;

		if (p[i] == 32 && p[i + 1] == 10) {
			uint32_t ix = (uint32_t)p[i + 2] << 16 |
			    (uint32_t)p[i + 3] << 8 | p[i + 4];
			uint8_t bit = (uint8_t)(1u << (ix & 7));
			bool had = (g.held_map[ix >> 3] & bit) != 0;

			if (announce && had)
				g.reannounced++;
			else if (announce) {
				g.held_map[ix >> 3] |= bit;
				g.held++;
			} else if (had) {
				g.held_map[ix >> 3] &= (uint8_t)~bit;
				g.held--;
			}
		}
		i += 1 + nb;
	}
}

/* Count an UPDATE body into *ann / *wd. Returns 0, or -1 when malformed. */
static int
count_update(const uint8_t *b, size_t len, uint64_t *ann, uint64_t *wd)
{
	size_t wl, al, i, end;
	long c;

	if (len < 4)
		return -1;
	wl = (size_t)b[0] << 8 | b[1];
	if (2 + wl + 2 > len)
		return -1;
	if ((c = count_nlri(b + 2, wl)) < 0)
		return -1;
	*wd += (uint64_t)c;
	if (g.held_map != NULL)
		track_v4(b + 2, wl, false);
	al = (size_t)b[2 + wl] << 8 | b[3 + wl];
	i = 4 + wl;
	end = i + al;
	if (end > len)
		return -1;
	while (i < end) {
		uint8_t flags, type;
		size_t alen;

		if (i + 3 > end)
			return -1;
		flags = b[i];
		type = b[i + 1];
		if (flags & 0x10) {
			if (i + 4 > end)
				return -1;
			alen = (size_t)b[i + 2] << 8 | b[i + 3];
			i += 4;
		} else {
			alen = b[i + 2];
			i += 3;
		}
		if (i + alen > end)
			return -1;
		if (type == 14 && alen >= 5) {	/* MP_REACH_NLRI */
			size_t nhl = b[i + 3];
			if (5 + nhl > alen)
				return -1;
			if ((c = count_nlri(b + i + 5 + nhl, alen - 5 - nhl)) < 0)
				return -1;
			*ann += (uint64_t)c;
		} else if (type == 15 && alen >= 3) {	/* MP_UNREACH_NLRI */
			if ((c = count_nlri(b + i + 3, alen - 3)) < 0)
				return -1;
			*wd += (uint64_t)c;
		}
		i += alen;
	}
	if ((c = count_nlri(b + end, len - end)) < 0)
		return -1;
	*ann += (uint64_t)c;
	if (g.held_map != NULL)
		track_v4(b + end, len - end, true);
	return 0;
}

/* ---- sessions ---- */

static void
sess_close(struct sess *s, const char *why)
{
	if (s->state == S_CLOSED)
		return;
	logmsg("session %s closed: %s", s->peer, why);
	snprintf(s->close_reason, sizeof(s->close_reason), "%s", why);
	if (s->state == S_ESTABLISHED)
		g.closed++;
	s->state = S_CLOSED;
	close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	g.dirty = true;
}

/* Handle one complete message; returns -1 when the session must close. */
static int
sess_message(struct sess *s, const uint8_t *m, size_t len, double mono)
{
	uint8_t type = m[18];
	const uint8_t *body = m + 19;
	size_t blen = len - 19;

	if (s->state == S_ESTABLISHED) {
		double gap = mono - s->last_msg_mono;
		if (gap > s->max_msg_gap)
			s->max_msg_gap = gap;
		/*
		 * silences while the transfer is under way: from this session's
		 * first announced route until the expected total is reached
		 */
		if (s->announced > 0 && g.t_done == 0 && gap > g.max_xfer_gap)
			g.max_xfer_gap = gap;
		s->last_msg_mono = mono;
	}
	switch (type) {
	case 1: {	/* OPEN */
		uint16_t peer_hold;
		if (s->state != S_OPENSENT || blen < 10) {
			sess_close(s, "unexpected or short OPEN");
			return -1;
		}
		peer_hold = (uint16_t)(body[3] << 8 | body[4]);
		s->hold = peer_hold < g.hold ? peer_hold : g.hold;
		if (send_keepalive(s->fd) < 0) {
			sess_close(s, "send KEEPALIVE failed");
			return -1;
		}
		s->state = S_OPENCONFIRM;
		return 0;
	}
	case 2:		/* UPDATE */
		if (s->state != S_ESTABLISHED) {
			sess_close(s, "UPDATE before Established");
			return -1;
		}
		{
			uint64_t a = 0, w = 0;
			if (count_update(body, blen, &a, &w) < 0) {
				sess_close(s, "malformed UPDATE");
				return -1;
			}
			s->updates++;
			s->announced += a;
			s->withdrawn += w;
			g.updates++;
			g.announced += a;
			g.withdrawn += w;
		}
		return 0;
	case 3: {	/* NOTIFICATION */
		char why[96];
		snprintf(why, sizeof(why), "NOTIFICATION %u/%u received",
		    blen > 0 ? body[0] : 0, blen > 1 ? body[1] : 0);
		g.notifications++;
		snprintf(g.last_notification, sizeof(g.last_notification), "%s from %s",
		    why, s->peer);
		sess_close(s, why);
		return -1;
	}
	case 4:		/* KEEPALIVE */
		if (s->state == S_OPENCONFIRM) {
			s->state = S_ESTABLISHED;
			s->t_est = now_wall();
			s->last_msg_mono = mono;
			s->last_ka_mono = mono;
			s->last_ka_arr = g.read_arr;
			s->next_ka_mono = s->hold ? mono + s->hold / 3.0 : 0;
			g.established++;
			if (g.t_first_est == 0)
				g.t_first_est = s->t_est;
			g.t_last_est = s->t_est;
			g.dirty = true;
			logmsg("session %s established (hold %u)", s->peer, s->hold);
			return 0;
		}
		if (s->state != S_ESTABLISHED) {
			sess_close(s, "unexpected KEEPALIVE");
			return -1;
		}
		s->keepalives++;
		{
			double gap = mono - s->last_ka_mono;
			if (gap > s->max_ka_gap) {
				s->max_ka_gap = gap;
				s->max_ka_gap_in_round = g.round_start > 0 ?
				    mono - g.round_start : 0;
				s->max_ka_gap_prev_round = g.prev_round;
				s->max_ka_gap_at = now_wall();
			}
		}
		s->last_ka_mono = mono;
		if (g.read_arr > 0 && s->last_ka_arr > 0 &&
		    g.read_arr - s->last_ka_arr > s->max_ka_arr_gap)
			s->max_ka_arr_gap = g.read_arr - s->last_ka_arr;
		s->last_ka_arr = g.read_arr;
		return 0;
	case 5:		/* ROUTE-REFRESH: nothing to resend */
		return 0;
	default:
		sess_close(s, "unknown message type");
		return -1;
	}
}

/* recv() that notes the kernel's arrival stamp of what it read in
 * g.read_arr (0 when there is none) */
static ssize_t
recv_stamped(int fd, uint8_t *buf, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct timespec)) * 2];
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t r = recvmsg(fd, &mh, 0);

	g.read_arr = 0;
	for (struct cmsghdr *c = r > 0 ? CMSG_FIRSTHDR(&mh) : NULL; c != NULL;
	    c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			g.read_arr = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		}
	return r;
}

static void
sess_read(struct sess *s)
{
	int rounds = 0;

	/* bounded: at most 8 MiB per poll round so other sessions get a
	 * turn; reads of at most RBUF_READ so that a read's arrival stamp
	 * (the last segment it took) is close to each message in it */
	while (s->state != S_CLOSED && rounds++ < 64) {
		size_t want = RBUF_SIZE - s->len < RBUF_READ ?
		    RBUF_SIZE - s->len : RBUF_READ;
		ssize_t r = recv_stamped(s->fd, s->buf + s->len, want);
		size_t off = 0;
		double mono;

		if (r == 0) {
			sess_close(s, "connection closed by peer");
			return;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				sess_close(s, strerror(errno));
			return;
		}
		s->len += (size_t)r;
		mono = now_mono();
		uint64_t before = g.announced, held_before = g.held;
		while (s->len - off >= 19) {
			const uint8_t *m = s->buf + off;
			size_t ml = (size_t)m[16] << 8 | m[17];
			if (ml < 19 || ml > MSG_MAX) {
				sess_close(s, "bad message length");
				return;
			}
			if (s->len - off < ml)
				break;
			if (sess_message(s, m, ml, mono) < 0)
				return;
			off += ml;
		}
		if (off > 0) {
			memmove(s->buf, s->buf + off, s->len - off);
			s->len -= off;
		}
		if (g.announced != before || g.held != held_before) {
			double w = now_wall();
			if (g.t_first_update == 0)
				g.t_first_update = w;
			g.t_last_update = w;
			if (g.t_done == 0 && g.expect > 0 &&
			    (g.held_map != NULL ? g.held : g.announced) >= g.expect) {
				g.t_done = w;
				logmsg("expected count %llu reached", (unsigned long long)g.expect);
				write_stamp(false);
			}
		}
		if ((size_t)r < want)
			return;	/* drained for now */
	}
}

static void
sess_accept(int lfd, int li)
{
	struct sockaddr_storage ss, ls;
	socklen_t sl = sizeof(ss), lsl = sizeof(ls);
	uint8_t open[128];
	struct sess *s;
	int fd, one = 1;

	fd = accept(lfd, (struct sockaddr *)&ss, &sl);
	if (fd < 0)
		return;
	if (g.nsess >= MAX_SESS) {
		close(fd);
		return;
	}
	set_nonblock(fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->buf = malloc(RBUF_SIZE)) == NULL)
		die("out of memory");
	s->fd = fd;
	fmt_sockaddr(&ss, s->peer, sizeof(s->peer));
	if (getsockname(fd, (struct sockaddr *)&ls, &lsl) == 0)
		fmt_sockaddr(&ls, s->local, sizeof(s->local));
	else
		snprintf(s->local, sizeof(s->local), "%s", g.lname[li]);
	g.sess[g.nsess++] = s;
	if (send_all(fd, open, build_open(open, g.as, g.hold, g.id, g.ext_msg)) < 0) {
		sess_close(s, "send OPEN failed");
		return;
	}
	s->state = S_OPENSENT;
	g.dirty = true;
	logmsg("accepted %s on %s", s->peer, s->local);
}

static int
listen_on(const char *ep)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	parse_endpoint(ep, &ss, &sl);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind %s: %s", ep, strerror(errno));
	if (listen(fd, 1024) < 0)
		die("listen %s: %s", ep, strerror(errno));
	set_nonblock(fd);
	return fd;
}

static int
run_sink(void)
{
	static struct pollfd pf[MAX_LISTEN + MAX_SESS];
	static struct sess *pfs[MAX_LISTEN + MAX_SESS];
	double next_stamp = now_mono() + 0.2, deadline = now_mono() + g.max_life;
	int i;

	write_stamp(false);
	while (!stop) {
		int n = 0, timeout = 200;
		double mono = now_mono();

		if (mono > deadline)
			break;
		for (i = 0; i < g.nlisten; i++) {
			pf[n].fd = g.lfd[i];
			pf[n].events = POLLIN;
			pfs[n++] = NULL;
		}
		for (i = 0; i < g.nsess; i++) {
			struct sess *s = g.sess[i];
			if (s->state == S_CLOSED)
				continue;
			/* our keepalives */
			if (s->state == S_ESTABLISHED && s->next_ka_mono > 0) {
				if (mono >= s->next_ka_mono) {
					if (send_keepalive(s->fd) < 0) {
						sess_close(s, "send KEEPALIVE failed");
						continue;
					}
					s->next_ka_mono += s->hold / 3.0;
					if (s->next_ka_mono < mono)
						s->next_ka_mono = mono + s->hold / 3.0;
				}
				int ms = (int)((s->next_ka_mono - mono) * 1000) + 1;
				if (ms < timeout)
					timeout = ms;
			}
			pf[n].fd = s->fd;
			pf[n].events = POLLIN;
			pfs[n++] = s;
		}
		if (mono >= next_stamp) {
			if (g.dirty || g.established > 0)
				write_stamp(false);
			next_stamp = mono + 0.2;
		}
		if (g.round_start > 0) {
			g.prev_round = now_mono() - g.round_start;
			if (g.prev_round > g.max_round)
				g.max_round = g.prev_round;
		}
		int r = poll(pf, (nfds_t)n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		g.round_start = now_mono();
		for (i = 0; i < n && r > 0; i++) {
			if (pf[i].revents == 0)
				continue;
			r--;
			if (pfs[i] == NULL) {
				int li;
				for (li = 0; li < g.nlisten; li++)
					if (g.lfd[li] == pf[i].fd)
						break;
				for (int k = 0; k < 64; k++)	/* bounded accept burst */
					sess_accept(pf[i].fd, li), (void)k;
			} else
				sess_read(pfs[i]);
		}
		if (g.dirty && g.t_done == 0)
			write_stamp(false);
	}
	write_stamp(true);
	return 0;
}

/* ---- blast mode: a fast speaker to measure the sink itself ---- */

static size_t
build_blast(uint8_t **out, uint64_t n, uint64_t k, bool v6)
{
	/* worst case per route: one UPDATE of ~80 bytes */
	size_t cap = (size_t)n * 96 + 4096, len = 0;
	uint8_t *b = malloc(cap);
	uint64_t i = 0;

	if (b == NULL)
		die("out of memory");
	while (i < n) {
		uint8_t *m = b + len, attrs[160];
		size_t al = 0, nl = 0, ml;
		uint32_t med = k > 1 ? (uint32_t)(i % k) : 0;
		uint8_t nlri[4096];
		/* routes with the same MED go together while they fit */
		uint64_t j = i;

		attrs[al++] = 0x40; attrs[al++] = 1; attrs[al++] = 1; attrs[al++] = 0;
		attrs[al++] = 0x40; attrs[al++] = 2; attrs[al++] = 6;
		attrs[al++] = 2; attrs[al++] = 1; al += put32(attrs + al, 65002);
		if (!v6) {
			attrs[al++] = 0x40; attrs[al++] = 3; attrs[al++] = 4;
			al += put32(attrs + al, 0xc0000201);	/* 192.0.2.1 */
		}
		if (k > 1) {
			attrs[al++] = 0x80; attrs[al++] = 4; attrs[al++] = 4;
			al += put32(attrs + al, med);
		}
		do {
			if (v6) {
				nlri[nl++] = 64;
				nl += put32(nlri + nl, 0x20010db8);
				nl += put32(nlri + nl, (uint32_t)j);
			} else {
				nlri[nl++] = 32;
				nl += put32(nlri + nl, 0x0a000000 | (uint32_t)(j & 0xffffff));
			}
			j++;
		} while (j < n && (k <= 1 || j % k == i % k) && nl + 9 + al + 60 < 4000 &&
		    (k <= 1));
		if (v6) {
			/* MP_REACH_NLRI (extended length): afi 2, safi 1, 16-byte next hop */
			attrs[al++] = 0x90; attrs[al++] = 14;
			al += put16(attrs + al, (uint16_t)(5 + 16 + nl));
			al += put16(attrs + al, 2);
			attrs[al++] = 1;
			attrs[al++] = 16;
			memset(attrs + al, 0, 16);
			put32(attrs + al, 0x20010db8);
			attrs[al + 15] = 1;
			al += 16;
			attrs[al++] = 0;
		}
		ml = 19;
		ml += put16(m + ml, 0);
		ml += put16(m + ml, (uint16_t)(al + (v6 ? nl : 0)));
		memcpy(m + ml, attrs, al);
		ml += al;
		memcpy(m + ml, nlri, nl);	/* MP NLRI or classic NLRI: same place */
		ml += nl;
		hdr(m, (uint16_t)ml, 2);
		len += ml;
		i = j;
	}
	*out = b;
	return len;
}

static int
run_blast(const char *ep, uint64_t n, uint64_t k, bool v6)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint8_t open[128], in[4096], *stream;
	size_t slen, off = 0;
	int fd, got_open = 0, got_ka = 0;
	double t0, t1, deadline;

	slen = build_blast(&stream, n, k, v6);
	parse_endpoint(ep, &ss, &sl);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0)
		die("connect %s: %s", ep, strerror(errno));
	if (send_all(fd, open, build_open(open, 65002, 240, 0x7f0000ca, false)) < 0)
		die("send OPEN");
	deadline = now_mono() + 30;
	while (!(got_open && got_ka)) {
		ssize_t r = recv(fd, in, sizeof(in), 0);
		if (r <= 0 || now_mono() > deadline)
			die("no OPEN/KEEPALIVE from %s", ep);
		/* assume small messages arrive whole: good enough on loopback */
		for (ssize_t o = 0; o + 19 <= r;) {
			size_t ml = (size_t)in[o + 16] << 8 | in[o + 17];
			if (ml < 19)
				die("bad message");
			if (in[o + 18] == 1) {
				got_open = 1;
				send_keepalive(fd);
			} else if (in[o + 18] == 4)
				got_ka = 1;
			o += (ssize_t)ml;
		}
	}
	t0 = now_wall();
	while (off < slen) {
		ssize_t w = send(fd, stream + off, slen - off, MSG_NOSIGNAL);
		if (w <= 0)
			die("send: %s", strerror(errno));
		off += (size_t)w;
	}
	t1 = now_wall();
	printf("{\"blast_t0\": %.6f, \"blast_t_sent\": %.6f, \"routes\": %llu, \"bytes\": %zu}\n",
	    t0, t1, (unsigned long long)n, slen);
	fflush(stdout);
	/* keep the session up until told to stop (bounded) */
	deadline = now_mono() + g.max_life;
	while (!stop && now_mono() < deadline) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, 1000) > 0) {
			ssize_t r = recv(fd, in, sizeof(in), 0);
			if (r <= 0)
				break;
		}
		send_keepalive(fd);
	}
	close(fd);
	free(stream);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "Usage: evbgp-sink [OPTIONS] ADDR:PORT [ADDR:PORT...]\n"
	    "       evbgp-sink --blast ADDR:PORT --routes N [--attr-sets K] [--ipv6]\n"
	    "\n"
	    "A counting BGP receiver for benchmarks (loopback addresses only).\n"
	    "Listens on every ADDR:PORT, accepts any number of sessions, answers\n"
	    "OPEN/KEEPALIVE and counts announced NLRI (IPv4 and MP_REACH).\n"
	    "\n"
	    "  --as AS          local AS (65001)\n"
	    "  --id A.B.C.D     BGP identifier (127.0.0.201)\n"
	    "  --hold SEC       hold time offered (9; keepalives every hold/3)\n"
	    "  --expect N       record t_done when the announced total reaches N\n"
	    "  --distinct       keep which 10.0.0.0/8 host routes are held (2 MiB):\n"
	    "                   \"held\" in the stamp; t_done when held reaches N\n"
	    "  --stamp FILE     JSON status file, rewritten atomically\n"
	    "  --max-life SEC   exit after SEC seconds (3600)\n"
	    "  --ext-msg        offer the extended message capability (RFC 8654)\n"
	    "  --verbose        log sessions to stderr\n"
	    "  --blast EP       speaker mode: connect to EP and push --routes N routes\n"
	    "                   (--attr-sets 1: shared attributes, K: MED i%%K)\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "id", required_argument, NULL, 'i' },
		{ "hold", required_argument, NULL, 'H' },
		{ "expect", required_argument, NULL, 'e' },
		{ "stamp", required_argument, NULL, 's' },
		{ "max-life", required_argument, NULL, 'm' },
		{ "ext-msg", no_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "blast", required_argument, NULL, 'b' },
		{ "routes", required_argument, NULL, 'n' },
		{ "attr-sets", required_argument, NULL, 'k' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "distinct", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *blast = NULL;
	uint64_t routes = 0, k = 1;
	bool v6 = false, distinct = false;
	struct in_addr ia;
	struct sigaction sa;
	int c, i;

	g.as = 65001;
	g.id = 0x7f0000c9;
	g.hold = 9;
	g.max_life = 3600;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': g.as = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i':
			if (inet_pton(AF_INET, optarg, &ia) != 1)
				die("bad --id");
			g.id = ntohl(ia.s_addr);
			break;
		case 'H': g.hold = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'e': g.expect = strtoull(optarg, NULL, 10); break;
		case 's': g.stamp = optarg; break;
		case 'm': g.max_life = strtod(optarg, NULL); break;
		case 'x': g.ext_msg = true; break;
		case 'v': g.verbose = true; break;
		case 'b': blast = optarg; break;
		case 'n': routes = strtoull(optarg, NULL, 10); break;
		case 'k': k = strtoull(optarg, NULL, 10); break;
		case '6': v6 = true; break;
		case 'D': distinct = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (g.hold != 0 && g.hold < 3)
		die("--hold must be 0 or >= 3");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	g.t_start = now_wall();
	if (distinct && (g.held_map = calloc(1, 1u << 21)) == NULL)
		die("--distinct: out of memory");
	if (blast != NULL) {
		if (routes == 0)
			die("--blast needs --routes N");
		return run_blast(blast, routes, k, v6);
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (g.nlisten >= MAX_LISTEN)
			die("too many endpoints (max %d)", MAX_LISTEN);
		snprintf(g.lname[g.nlisten], sizeof(g.lname[0]), "%s", argv[i]);
		g.lfd[g.nlisten++] = listen_on(argv[i]);
	}
	return run_sink();
}
