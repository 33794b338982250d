/*
 * The resident ring a helper's events are vmspliced from (pipe_ring.h).
 *
 * Positions are byte counts since the ring was made (64 bits: they do not
 * wrap); a position's place in the ring is pos % size. Three of them:
 * tail <= batch <= head. [batch, head) is the batch being gathered;
 * [tail, batch) is what the pipe may still hold; the rest is free.
 *
 * Each vmsplice is a span: the ring bytes it gave the pipe and the pipe's
 * byte count at its end. The reader has consumed a span when the bytes
 * ever put into the pipe minus FIONREAD's unread bytes reach that count;
 * the tail then moves to the next span still held (or to the batch). A
 * copied batch needs no span: its region is free once the spans before it
 * are, which the tail's order gives for nothing.
 *
 * The pipe references our pages, not copies: vmsplice without
 * SPLICE_F_GIFT, and a pipe buffer covers only the bytes it was given, so
 * gathering the next batch into the rest of a page that the pipe holds a
 * part of does not change what the reader gets.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/pipe_ring.h"
#include "evbgp/util.h"

/* More splices than a pipe has slots (64 at 256 KiB): a span takes one
 * slot at least, so the pipe fills before this does. */
#define PIPE_RING_SPANS	128

struct pipe_span {
	uint64_t	 ring_start;	/* where its bytes begin in the ring:
					   the tail stops there while the
					   pipe holds them */
	uint64_t	 pipe_end;	/* the pipe's byte count after them */
};

struct pipe_ring {
	char		*base;
	size_t		 size;
	int		 fd;
	uint64_t	 tail;
	uint64_t	 batch;
	uint64_t	 head;
	uint64_t	 piped;		/* bytes ever put into the pipe */
	struct pipe_span spans[PIPE_RING_SPANS];
	unsigned	 first;		/* oldest span held */
	unsigned	 nspans;
};

/* Bytes the pipe's reader has not read yet (all we put in, if unknown). */
static uint64_t
pipe_unread(const struct pipe_ring *r)
{
	int unread;

	if (ioctl(r->fd, FIONREAD, &unread) == -1 || unread < 0)
		return (r->piped);
	return ((uint64_t)unread);
}

struct pipe_ring *
pipe_ring_new(size_t size, int fd)
{
	struct pipe_ring *r;
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
#ifdef MADV_NOHUGEPAGE
	/* khugepaged would move the ring into a new huge page: fresh pages
	 * again, and the pipe would pin a compound page per splice */
	(void)madvise(p, size, MADV_NOHUGEPAGE);
#endif
#ifdef MADV_DONTFORK
	/* a helper forked later does not share the ring: our next write to
	 * a shared page would copy it into a fresh one */
	(void)madvise(p, size, MADV_DONTFORK);
#endif
	memset(p, 0, size);	/* resident from now on */
	r = xcalloc(1, sizeof(*r));
	r->base = p;
	r->size = size;
	r->fd = fd;
	/* what is in the pipe already counts as put in, so that consumed
	 * bytes (put in minus unread) are never over-counted */
	r->piped = 0;
	r->piped = pipe_unread(r);
	return (r);
}

void
pipe_ring_free(struct pipe_ring *r)
{
	if (r == NULL)
		return;
	(void)munmap(r->base, r->size);
	free(r);
}

/* Move the tail past every span the reader has read. */
static void
pipe_ring_reclaim(struct pipe_ring *r)
{
	uint64_t unread = pipe_unread(r);
	uint64_t consumed = r->piped > unread ? r->piped - unread : 0;

	while (r->nspans > 0 && r->spans[r->first].pipe_end <= consumed) {
		r->first = (r->first + 1) % PIPE_RING_SPANS;
		r->nspans--;
	}
	r->tail = r->nspans > 0 ? r->spans[r->first].ring_start : r->batch;
}

static size_t
pipe_ring_room(const struct pipe_ring *r)
{
	return (r->size - (size_t)(r->head - r->tail));
}

bool
pipe_ring_reserve(struct pipe_ring *r, size_t len)
{
	if (len > r->size)
		return (false);
	if (pipe_ring_room(r) < len)
		pipe_ring_reclaim(r);
	return (pipe_ring_room(r) >= len);
}

void
pipe_ring_put(struct pipe_ring *r, const void *data, size_t len)
{
	size_t at = (size_t)(r->head % r->size);
	size_t first = len < r->size - at ? len : r->size - at;

	memcpy(r->base + at, data, first);
	memcpy(r->base, (const char *)data + first, len - first);
	r->head += len;
}

size_t
pipe_ring_batch_len(const struct pipe_ring *r)
{
	return ((size_t)(r->head - r->batch));
}

int
pipe_ring_batch_iov(const struct pipe_ring *r, struct iovec iov[2])
{
	size_t at = (size_t)(r->batch % r->size);
	size_t len = pipe_ring_batch_len(r);
	size_t first = len < r->size - at ? len : r->size - at;

	iov[0].iov_base = r->base + at;
	iov[0].iov_len = first;
	iov[1].iov_base = r->base;
	iov[1].iov_len = len - first;
	return (len == 0 ? 0 : iov[1].iov_len > 0 ? 2 : 1);
}

/* The batch's first n bytes went into the pipe by reference. */
static void
pipe_ring_held(struct pipe_ring *r, size_t n)
{
	struct pipe_span *sp;

	sp = &r->spans[(r->first + r->nspans) % PIPE_RING_SPANS];
	sp->ring_start = r->batch;
	r->piped += n;
	sp->pipe_end = r->piped;
	r->nspans++;
	r->batch += n;
}

ssize_t
pipe_ring_splice(struct pipe_ring *r)
{
#if defined(__linux__) && defined(SPLICE_F_NONBLOCK)
	struct iovec iov[2];
	int niov = pipe_ring_batch_iov(r, iov);
	ssize_t n;

	if (niov == 0)
		return (0);
	if (r->nspans == PIPE_RING_SPANS) {
		pipe_ring_reclaim(r);
		if (r->nspans == PIPE_RING_SPANS)
			return (0);
	}
	n = vmsplice(r->fd, iov, (unsigned long)niov, SPLICE_F_NONBLOCK);
	if (n == -1)
		return (errno == EAGAIN ? 0 : -1);
	pipe_ring_held(r, (size_t)n);
	return (n);
#else
	errno = ENOSYS;
	return (-1);
#endif
}

void
pipe_ring_batch_copied(struct pipe_ring *r)
{
	r->batch = r->head;
	if (r->nspans == 0)
		r->tail = r->batch;
}

void
pipe_ring_piped(struct pipe_ring *r, size_t n)
{
	r->piped += n;
}
