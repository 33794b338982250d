/*
 * Bounded reader/writer (see wire.h). Getters never consume on failure so
 * a caller may report the offending position.
 */
#include <string.h>

#include "evbgp/wire.h"

void
rbuf_init(struct rbuf *r, const void *data, size_t len)
{
	r->p = data;
	r->len = data != NULL ? len : 0;
}

size_t
rbuf_left(const struct rbuf *r)
{
	return r->len;
}

const uint8_t *
rbuf_ptr(const struct rbuf *r)
{
	return r->p;
}

int
rbuf_get_u8(struct rbuf *r, uint8_t *v)
{
	if (r->len < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->len--;
	return 0;
}

int
rbuf_get_u16(struct rbuf *r, uint16_t *v)
{
	if (r->len < 2)
		return -1;
	*v = be16_get(r->p);
	r->p += 2;
	r->len -= 2;
	return 0;
}

int
rbuf_get_u24(struct rbuf *r, uint32_t *v)
{
	if (r->len < 3)
		return -1;
	*v = ((uint32_t)r->p[0] << 16) | ((uint32_t)r->p[1] << 8) | r->p[2];
	r->p += 3;
	r->len -= 3;
	return 0;
}

int
rbuf_get_u32(struct rbuf *r, uint32_t *v)
{
	if (r->len < 4)
		return -1;
	*v = be32_get(r->p);
	r->p += 4;
	r->len -= 4;
	return 0;
}

int
rbuf_get_u64(struct rbuf *r, uint64_t *v)
{
	if (r->len < 8)
		return -1;
	*v = ((uint64_t)be32_get(r->p) << 32) | be32_get(r->p + 4);
	r->p += 8;
	r->len -= 8;
	return 0;
}

int
rbuf_get_bytes(struct rbuf *r, void *dst, size_t n)
{
	if (r->len < n)
		return -1;
	if (n > 0)
		memcpy(dst, r->p, n);
	r->p += n;
	r->len -= n;
	return 0;
}

int
rbuf_skip(struct rbuf *r, size_t n)
{
	if (r->len < n)
		return -1;
	r->p += n;
	r->len -= n;
	return 0;
}

int
rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	if (r->len < n)
		return -1;
	sub->p = r->p;
	sub->len = n;
	r->p += n;
	r->len -= n;
	return 0;
}

int
rbuf_peek_u8(const struct rbuf *r, size_t off, uint8_t *v)
{
	if (off >= r->len)
		return -1;
	*v = r->p[off];
	return 0;
}

void
wbuf_init(struct wbuf *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->len = 0;
	w->cap = buf != NULL ? cap : 0;
	w->err = false;
}

void
wbuf_reset(struct wbuf *w)
{
	w->len = 0;
	w->err = false;
}

static int
wbuf_fits(struct wbuf *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return 0;
	}
	return 1;
}

int
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	if (!wbuf_fits(w, 1))
		return -1;
	w->buf[w->len++] = v;
	return 0;
}

int
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	if (!wbuf_fits(w, 2))
		return -1;
	be16_put(w->buf + w->len, v);
	w->len += 2;
	return 0;
}

int
wbuf_put_u24(struct wbuf *w, uint32_t v)
{
	if (!wbuf_fits(w, 3))
		return -1;
	w->buf[w->len] = (uint8_t)(v >> 16);
	w->buf[w->len + 1] = (uint8_t)(v >> 8);
	w->buf[w->len + 2] = (uint8_t)v;
	w->len += 3;
	return 0;
}

int
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	if (!wbuf_fits(w, 4))
		return -1;
	be32_put(w->buf + w->len, v);
	w->len += 4;
	return 0;
}

int
wbuf_put_u64(struct wbuf *w, uint64_t v)
{
	if (!wbuf_fits(w, 8))
		return -1;
	be32_put(w->buf + w->len, (uint32_t)(v >> 32));
	be32_put(w->buf + w->len + 4, (uint32_t)v);
	w->len += 8;
	return 0;
}

int
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (!wbuf_fits(w, n))
		return -1;
	if (n > 0)
		memcpy(w->buf + w->len, src, n);
	w->len += n;
	return 0;
}

int
wbuf_put_zero(struct wbuf *w, size_t n)
{
	if (!wbuf_fits(w, n))
		return -1;
	if (n > 0)
		memset(w->buf + w->len, 0, n);
	w->len += n;
	return 0;
}

int
wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v)
{
	if (off >= w->len)
		return -1;
	w->buf[off] = v;
	return 0;
}

int
wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v)
{
	/* written as a subtraction so a huge off cannot wrap around */
	if (w->len < 2 || off > w->len - 2)
		return -1;
	be16_put(w->buf + off, v);
	return 0;
}

size_t
wbuf_room(const struct wbuf *w)
{
	return w->err ? 0 : w->cap - w->len;
}

void
wbuf_truncate(struct wbuf *w, size_t len)
{
	if (len <= w->len)
		w->len = len;
}
