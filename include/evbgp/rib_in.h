/*
 * Recording a received UPDATE in a peer's Adj-RIB-In (an adj_rib used
 * as a plain table, adj_rib_new_store): every announcement with its
 * attributes interned in t, every withdrawal removed. Shared by the peer
 * (peer.c) and the receive-path micro-benchmark (bench/rxstore.c), so
 * that what is measured is what runs.
 */
#ifndef EVBGP_RIB_IN_H
#define EVBGP_RIB_IN_H

#include <stdint.h>

#include "evbgp/adj_rib.h"
#include "evbgp/attrs.h"
#include "evbgp/family.h"
#include "evbgp/update.h"

/* Routes counted while recording (added to, not reset). */
struct rib_in_counts {
	uint64_t	 announced;
	uint64_t	 withdrawn;
};

/*
 * Record m (decoded with addpath as its ADD-PATH receive families) in
 * rib; rib NULL (adj-rib-in false): only count. The attributes are
 * interned once per next hop (classic NLRI and MP_REACH may carry
 * different ones).
 */
void	rib_in_record(struct adj_rib *rib, struct attr_table *t,
	    const struct update_msg *m, famset_t addpath,
	    struct rib_in_counts *c);

/*
 * About to record m (rib_in_record, rib not NULL): ask now for what it
 * will read in rib's and t's indexes, so that those cache misses overlap
 * the work done in between (the event to the helpers). Only an UPDATE of
 * a few routes (RIB_IN_PREFETCH_ROUTES): a bigger one spends its time on
 * its routes, and walking them twice would cost more than it saves.
 * Changes nothing.
 */
#define RIB_IN_PREFETCH_ROUTES	4
void	rib_in_prefetch(struct adj_rib *rib, struct attr_table *t,
	    const struct update_msg *m, famset_t addpath);

#endif /* EVBGP_RIB_IN_H */
