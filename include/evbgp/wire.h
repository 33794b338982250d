/*
 * Bounded reader and writer over byte buffers: the only place that does
 * arithmetic on packet bytes. Every getter checks the remaining length
 * before it reads and returns -1 (consuming nothing) when the input is
 * short; every putter checks the capacity and sets a sticky error flag.
 */
#ifndef EVBGP_WIRE_H
#define EVBGP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read cursor: p points at the next unread byte, len bytes remain. */
struct rbuf {
	const uint8_t	*p;
	size_t		 len;
};

/* Point r at len bytes starting at data. */
void	rbuf_init(struct rbuf *r, const void *data, size_t len);
/* Bytes left to read. */
size_t	rbuf_left(const struct rbuf *r);
/* The next unread byte (valid only while rbuf_left() > 0). */
const uint8_t *rbuf_ptr(const struct rbuf *r);
/* Big-endian getters: 0 on success, -1 when fewer bytes remain. */
int	rbuf_get_u8(struct rbuf *r, uint8_t *v);
int	rbuf_get_u16(struct rbuf *r, uint16_t *v);
int	rbuf_get_u24(struct rbuf *r, uint32_t *v);
int	rbuf_get_u32(struct rbuf *r, uint32_t *v);
int	rbuf_get_u64(struct rbuf *r, uint64_t *v);
/* Copy n bytes out. */
int	rbuf_get_bytes(struct rbuf *r, void *dst, size_t n);
/* Consume n bytes without reading them. */
int	rbuf_skip(struct rbuf *r, size_t n);
/* Carve the next n bytes into sub (a reader that cannot see past them). */
int	rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub);
/* Peek at the byte at offset off without consuming. */
int	rbuf_peek_u8(const struct rbuf *r, size_t off, uint8_t *v);

/* A writer into a caller-provided buffer of fixed capacity. */
struct wbuf {
	uint8_t		*buf;
	size_t		 len;	/* bytes written */
	size_t		 cap;
	bool		 err;	/* set once any put did not fit; sticky */
};

/* Write into buf (cap bytes). */
void	wbuf_init(struct wbuf *w, void *buf, size_t cap);
/* Forget the contents and the error, keep the buffer. */
void	wbuf_reset(struct wbuf *w);
/* Putters: 0 on success, -1 (and w->err set) when the value does not fit. */
int	wbuf_put_u8(struct wbuf *w, uint8_t v);
int	wbuf_put_u16(struct wbuf *w, uint16_t v);
int	wbuf_put_u24(struct wbuf *w, uint32_t v);
int	wbuf_put_u32(struct wbuf *w, uint32_t v);
int	wbuf_put_u64(struct wbuf *w, uint64_t v);
int	wbuf_put_bytes(struct wbuf *w, const void *src, size_t n);
int	wbuf_put_zero(struct wbuf *w, size_t n);
/* Overwrite a 1/2-byte value at offset off (a length placeholder). */
int	wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v);
int	wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v);
/* Bytes still free. */
size_t	wbuf_room(const struct wbuf *w);
/* Drop everything written after offset len (len <= w->len). */
void	wbuf_truncate(struct wbuf *w, size_t len);

/* Big-endian helpers for code that holds a verified pointer. */
static inline uint16_t
be16_get(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* EVBGP_WIRE_H */
