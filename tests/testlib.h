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
/*
 * Run the loop for 80 ms, so that short timers fire, then spin. Safe on
 * a busy machine: libevent runs timers in deadline order, so a timer due
 * before the 80 ms mark (the peer's 20 ms ones) fires before this
 * returns however late the loop gets to run.
 */
void	test_settle(struct event_base *base);
/* Pop the next whole message buffered on bev's input: its type, or 0. */
int	test_next_msg(struct bufferevent *bev, uint8_t *msg, size_t cap,
	    uint16_t *lenp);
/* An OPEN from AS as (asn4 capability, hold 30, id 10.0.0.2, families). */
size_t	test_open(uint8_t *buf, size_t cap, uint32_t as, famset_t families);
/* An UPDATE (4-octet AS): 10.1.2.0/24, ORIGIN IGP, AS_PATH 65002,
 * NEXT_HOP 192.0.2.1. */
size_t	test_update(uint8_t *buf, size_t cap);

/*
 * The conformance kit's ratchet: tests/conformance/pending.txt lists the
 * kit cases we do not pass yet, families.txt the family of each case.
 */
struct kit_pending {
	char	name[128];	/* case, or etc/FILE / json4/FILE for config */
	int	line;		/* config rows: the line the error must name */
	char	keyword[64];	/* config rows: a word the error must contain */
	char	reason[256];
};

/* Rows of pending.txt for direction ("send", "receive", "config") in a
 * malloc'd vector (*v); returns how many. Fails the test when the file
 * is missing or a row is malformed. */
size_t	kit_pending_load(const char *direction, struct kit_pending **v);
/* The row for name, or NULL. */
const struct kit_pending *kit_pending_find(const struct kit_pending *v,
	    size_t n, const char *name);
/* Family of a kit case (families.txt; "unicast" when no line matches).
 * "etc/NAME.conf" and "json4/NAME.conf" take NAME's family. */
const char *kit_family(const char *name, char *buf, size_t len);

/* Outcomes counted per family and printed as one table. */
enum kit_outcome { KIT_PASS, KIT_EXPECTED_FAIL, KIT_FAIL, KIT_NOW_PASSES };
struct kit_tally {
	struct {
		char	family[48];
		int	count[4];	/* by enum kit_outcome */
	} row[32];
	size_t	nrows;
};
void	kit_tally_add(struct kit_tally *t, const char *family,
	    enum kit_outcome o);
/* "what: family passed/expected failures/failures/listed but passing". */
void	kit_tally_print(const struct kit_tally *t, const char *what);

#endif /* EVBGP_TESTLIB_H */
