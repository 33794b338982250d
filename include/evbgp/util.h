/*
 * Small shared helpers: allocation that never returns NULL (control-plane
 * objects; running out of memory there is fatal), monotonic time, and
 * hex encoding.
 */
#ifndef EVBGP_UTIL_H
#define EVBGP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t sz);
void	*xreallocarray(void *p, size_t n, size_t sz);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* printf into a new string. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Seconds since an arbitrary point (CLOCK_MONOTONIC). */
double	 mono_now(void);
/* Seconds since the epoch (CLOCK_REALTIME). */
double	 wall_now(void);

/*
 * Length of the well-formed UTF-8 sequence at s (left bytes available):
 * 1 for ASCII, 0 when it is not well formed (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing past U+10FFFF). cp (if not NULL) gets
 * the code point.
 */
size_t	 utf8_seq(const uint8_t *s, size_t left, uint32_t *cp);

/* Upper-case hex of n bytes into out (2n+1 bytes); returns out. */
char	*hex_encode(const uint8_t *p, size_t n, char *out);
/* Parse hex (optional 0x prefix, even length) into out (cap bytes);
 * returns the byte count or -1. */
long	 hex_decode(const char *s, uint8_t *out, size_t cap);


/* A growable string buffer, reused between messages. */
struct sbuf {
	char		*p;	/* NUL-terminated */
	size_t		 len;
	size_t		 cap;
};

void	 sbuf_init(struct sbuf *b);
void	 sbuf_free(struct sbuf *b);
void	 sbuf_reset(struct sbuf *b);
/* Room for n more bytes and the NUL (the slow path of the adds). */
void	 sbuf_grow(struct sbuf *b, size_t n);

/*
 * The adds are inline: a received UPDATE's JSON line is ~60 of them, and
 * a call each (with strlen of a literal done at run time) was ~10% of
 * evbgpd's CPU on a stream of them.
 */
static inline void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sbuf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static inline void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

static inline void
sbuf_addc(struct sbuf *b, char c)
{
	if (b->len + 2 > b->cap)
		sbuf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void	 sbuf_printf(struct sbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* EVBGP_UTIL_H */
