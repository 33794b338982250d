/*
 * A ring of our own resident pages in which bytes bound for a pipe are
 * gathered and then vmsplice(2)d into it: the pipe references the pages
 * instead of copying them into fresh pipe pages (on a guest whose balloon
 * reports free pages, a fresh page can fault in the host: bench/README.md,
 * "What doubles a row").
 *
 * The pipe holds references to ring pages until its reader has read past
 * them, so a region is reused only once the pipe says so: the ring counts
 * every byte put into the pipe (the ones it vmspliced and, told by the
 * caller, the ones written by other means) and FIONREAD gives the bytes
 * still unread; what was consumed is the difference. A region the pipe
 * may still hold is never written.
 *
 * Not a general pipe writer: the caller keeps the byte order (it splices
 * only when nothing it copied is still waiting for the pipe) and copies
 * what the pipe does not take. No libevent, no logging.
 */
#ifndef EVBGP_PIPE_RING_H
#define EVBGP_PIPE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct pipe_ring;

/*
 * A ring of size bytes (a multiple of the page size) for the pipe whose
 * write end is fd, its pages touched now and kept out of forked children
 * and huge pages. NULL (errno set) if the memory cannot be had.
 */
struct pipe_ring *pipe_ring_new(size_t size, int fd);
/* Unmap: pages the pipe still holds stay valid until it drops them. */
void	pipe_ring_free(struct pipe_ring *r);

/* Can len more bytes be gathered? Reclaims what the reader has read. */
bool	pipe_ring_reserve(struct pipe_ring *r, size_t len);
/* Gather len bytes into the batch (after pipe_ring_reserve said yes). */
void	pipe_ring_put(struct pipe_ring *r, const void *data, size_t len);
/* Bytes gathered and not yet spliced or copied out. */
size_t	pipe_ring_batch_len(const struct pipe_ring *r);

/*
 * vmsplice as much of the batch as the pipe takes now (non-blocking).
 * The bytes taken, 0 if the pipe is full or the ring cannot track one
 * more splice, -1 on another error (errno; EPIPE: the reader is gone;
 * ENOSYS: no vmsplice on this system).
 */
ssize_t	pipe_ring_splice(struct pipe_ring *r);
/* The batch's bytes as one or two pieces (it may wrap); the count. */
int	pipe_ring_batch_iov(const struct pipe_ring *r, struct iovec iov[2]);
/* The batch was copied out by the caller: its region is free as soon as
 * what was spliced before it has been read. */
void	pipe_ring_batch_copied(struct pipe_ring *r);
/* n bytes were written into the pipe by other means (the copies). */
void	pipe_ring_piped(struct pipe_ring *r, size_t n);

#endif /* EVBGP_PIPE_RING_H */
