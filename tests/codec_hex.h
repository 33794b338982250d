/*
 * Hex helpers shared by the codec test suites: vectors are written as
 * hex strings (spaces and colons ignored), results compared as hex.
 */
#ifndef EVBGP_TESTS_CODEC_HEX_H
#define EVBGP_TESTS_CODEC_HEX_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int
codec_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode hex into out (cap bytes); returns the length, or abort()s. */
static inline size_t
hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex != '\0'; hex++) {
		int v;

		if (*hex == ' ' || *hex == ':' || *hex == '\n')
			continue;
		if ((v = codec_hexval((unsigned char)*hex)) < 0)
			abort();
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			abort();
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		abort();
	return n;
}

/* Upper-case hex of len bytes into out (2 * len + 1 bytes). */
static inline char *
bin2hex(const uint8_t *p, size_t len, char *out)
{
	static const char d[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}

/* Canonical form of a hex vector: upper case, no separators. */
static inline char *
hexnorm(const char *hex, char *out)
{
	size_t n = 0;

	for (; *hex != '\0'; hex++)
		if (codec_hexval((unsigned char)*hex) >= 0)
			out[n++] = (char)toupper((unsigned char)*hex);
	out[n] = '\0';
	return out;
}

#define FFx16 "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"

#endif /* EVBGP_TESTS_CODEC_HEX_H */
