/*
 * Shared pieces of the suites that drive a peer over a bufferevent pair:
 * running the loop, reading whole messages from the far end, and the far
 * end's OPEN.
 */
#ifndef EVBGP_TESTLIB_H
#define EVBGP_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "evbgp/family.h"

struct event_base;
struct bufferevent;

/* A few non-blocking loop turns. */
void	test_spin(struct event_base *base);
/* Run the loop for 80 ms, so that short timers fire, then spin. */
void	test_settle(struct event_base *base);
/* Pop the next whole message buffered on bev's input: its type, or 0. */
int	test_next_msg(struct bufferevent *bev, uint8_t *msg, size_t cap,
	    uint16_t *lenp);
/* An OPEN from AS as (asn4 capability, hold 30, id 10.0.0.2, families). */
size_t	test_open(uint8_t *buf, size_t cap, uint32_t as, famset_t families);

#endif /* EVBGP_TESTLIB_H */
