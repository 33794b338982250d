/*
 * Releasing big Adj-RIBs a slice at a time (see rib_release.h).
 */
#include <stdlib.h>

#include <event2/event.h>

#include "evbgp/adj_rib.h"
#include "evbgp/log.h"
#include "evbgp/loop_watch.h"
#include "evbgp/rib_release.h"
#include "evbgp/util.h"

struct held_rib {
	struct adj_rib	*ro;
	size_t		 routes;	/* when it was taken */
};

struct rib_release {
	struct event	 *ev;
	struct held_rib	 *ribs;		/* FIFO: the oldest first */
	size_t		  n, cap;
	size_t		  chunk;
	bool		  fixed;	/* one chunk a slice, no clock */
	uint64_t	  taken, done;
	uint64_t	  slices;	/* slices the current table took */
};

/* Ask for a slice after the events already pending: a zero timeout runs
 * once the loop has polled the sockets. */
static void
schedule(struct rib_release *r)
{
	static const struct timeval now = { 0, 0 };

	if (r->ev != NULL && r->n > 0)
		event_add(r->ev, &now);
}

/* Release one chunk of the oldest table: true when it is gone. */
static bool
release_chunk(struct rib_release *r)
{
	if (!adj_rib_release_step(r->ribs[0].ro, r->chunk))
		return false;
	r->done++;
	log_debug("released an Adj-RIB of %zu route%s in %llu slice%s",
	    r->ribs[0].routes, r->ribs[0].routes == 1 ? "" : "s",
	    (unsigned long long)r->slices, r->slices == 1 ? "" : "s");
	r->slices = 0;
	r->n--;
	for (size_t i = 0; i < r->n; i++)
		r->ribs[i] = r->ribs[i + 1];
	return true;
}

static void
slice_cb(evutil_socket_t fd, short what, void *arg)
{
	LOOP_WATCH(LW_DAEMON, "adj-rib-release");
	struct rib_release *r = arg;
	double end = r->fixed ? 0 : mono_now() + RIB_RELEASE_SLICE_US / 1e6;

	if (r->n > 0)
		r->slices++;
	while (r->n > 0) {
		release_chunk(r);
		if (r->fixed || mono_now() >= end)
			break;
	}
	schedule(r);
}

static struct rib_release *
release_new(struct event_base *base, size_t chunk, bool fixed)
{
	struct rib_release *r = xcalloc(1, sizeof(*r));

	r->ev = evtimer_new(base, slice_cb, r);
	if (r->ev == NULL)
		fatalx("out of memory");
	r->chunk = chunk > 0 ? chunk : 1;
	r->fixed = fixed;
	return r;
}

struct rib_release *
rib_release_new(struct event_base *base)
{
	return release_new(base, RIB_RELEASE_CHUNK, false);
}

struct rib_release *
rib_release_new_fixed(struct event_base *base, size_t chunk)
{
	return release_new(base, chunk, true);
}

void
rib_release_free(struct rib_release *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		adj_rib_free(r->ribs[i].ro);
	event_free(r->ev);
	free(r->ribs);
	free(r);
}

void
rib_release_add(struct rib_release *r, struct adj_rib *ro)
{
	if (ro == NULL)
		return;
	if (r == NULL) {
		adj_rib_free(ro);
		return;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->ribs = xreallocarray(r->ribs, r->cap, sizeof(*r->ribs));
	}
	r->ribs[r->n].ro = ro;
	r->ribs[r->n++].routes = adj_rib_count(ro);
	r->taken++;
	schedule(r);
}

size_t
rib_release_pending(const struct rib_release *r)
{
	size_t left = 0;

	for (size_t i = 0; i < r->n; i++)
		left += adj_rib_release_left(r->ribs[i].ro);
	return left;
}

uint64_t
rib_release_taken(const struct rib_release *r)
{
	return r->taken;
}

uint64_t
rib_release_done(const struct rib_release *r)
{
	return r->done;
}
