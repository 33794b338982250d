/*
 * Private to the UPDATE codec (update.c: the message; bgp_attr.c: its
 * path attributes): the decoding state and the RFC 7606 verdict
 * bookkeeping both use.
 */
#ifndef EVBGP_UPDATE_PRIV_H
#define EVBGP_UPDATE_PRIV_H

#include "evbgp/update.h"

/* What a malformed attribute costs (RFC 7606 §7). */
enum attr_bad {
	BAD_WITHDRAW,
	BAD_DISCARD,
};

/* Decoding one UPDATE. */
struct upd_state {
	const struct update_ctx *ctx;
	struct update_msg	*m;
	uint8_t			 seen[32];	/* bitmap of type codes */
	const uint8_t		*attr;		/* current attribute, header */
	size_t			 attr_len;	/* included */
};

/* Raise m's verdict to v (the strongest one wins) for reason. */
void	upd_raise(struct update_msg *m, enum update_verdict v,
	    const char *reason, uint8_t code);
/* Session reset with NOTIFICATION 3/subcode carrying data. */
void	upd_reset(struct update_msg *m, uint8_t subcode, const uint8_t *data,
	    size_t datalen, const char *reason, uint8_t code);
/* Attribute discard (code remembered for the log). */
void	upd_discard(struct update_msg *m, uint8_t code, const char *reason);
/* The cost bad (enum attr_bad) of a malformed attribute. */
void	upd_bad(struct update_msg *m, uint8_t bad, uint8_t code,
	    const char *reason);

static inline bool
seen_test_set(uint8_t seen[32], uint8_t code)
{
	bool was = (seen[code >> 3] >> (code & 7)) & 1;

	seen[code >> 3] |= (uint8_t)(1u << (code & 7));
	return was;
}

static inline bool
seen_has(const uint8_t seen[32], uint8_t code)
{
	return (seen[code >> 3] >> (code & 7)) & 1;
}

/*
 * Walk the path attributes (bgp_attr.c). A framing error (RFC 7606 §4:
 * header or value past the end) stops the walk. The classic NLRI was
 * already located with the Total Path Attribute Length, but what follows
 * the error is lost: if an MP_REACH_NLRI or MP_UNREACH_NLRI has not been
 * parsed yet it may be there, its NLRI cannot be located, and
 * treat-as-withdraw would leave those routes standing (RFC 7606 §3(j)):
 * the session is reset with 3/1, as BIRD does when it cannot locate the
 * NLRI (§5.2). With both parsed already, nothing can hide and
 * treat-as-withdraw is enough.
 */
void	bgp_attr_walk(struct upd_state *s, struct rbuf *r);

#endif /* EVBGP_UPDATE_PRIV_H */
