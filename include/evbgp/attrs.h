/*
 * Path attributes: one logical type, struct attrs, in two storage modes.
 *
 *  - A *builder* (attrs_init) owns growable arrays; the configuration and
 *    API parsers fill one, the UPDATE decoder decodes into one (reused from
 *    message to message, so decoding does not allocate per route).
 *  - An *interned* set (attrs_intern) is a struct attr_set: immutable,
 *    reference counted and stored once per distinct content in an
 *    attr_table (hash-consing): a million routes that share a thousand
 *    attribute sets hold a thousand.
 *
 * An interned set is compact (issue 13): a 14-byte header and only the
 * fields it has, cut from its table's slab, no malloc header, named by a
 * 4-byte id (attrs_set_id). Per route with a MED each (10^6 IPv4 routes,
 * evbgp-ribmem, bytes):
 *
 *     part                          before   now
 *     Adj-RIB-Out entry               50.3   50.3  (48 B: set ids, a seq)
 *     its index slot                  16.8   10.5  (5-byte slots: tag, index)
 *     the set (struct attrs)           168     24  (header 14, MED, next hop)
 *     its bookkeeping                   32      -  (in the header)
 *     malloc header                      8      0  (slab; 0.1 slack)
 *     table index                      8.4   10.5  (5-byte slots: tag, id)
 *     heap per route                 283.5   95.5
 *
 * The table's index (tag_index.h) keeps a tag byte from each set's hash
 * beside its id (issue 13 point 3): a lookup reads the tags and reads no
 * set but those whose tag matches (one other in 254 slots probed), and
 * growth reads the hash each set keeps in its header instead of hashing
 * its content again. It was 4.2 bytes per route in chained buckets of set
 * ids, at two cache misses more per new set, then 16.8 in 8-byte slots
 * (hash, id: 108.1 B/route in all).
 *
 * (The entry was 48 bytes with two set pointers; update groups added an
 * 8-byte sequence number, 103.8 B/route, until the pointers became ids.)
 *
 * A set is read through attrs_view, which fills a read-only struct attrs
 * whose arrays point into the set: the encoder, the printers and the
 * comparisons take a const struct attrs * of either kind, a builder or a
 * view, and read the same fields.
 *
 * AS_PATH and AS4_PATH are kept as wire segments with 4-octet ASNs:
 * { type u8, count u8, count x asn u32 (network order) } repeated. The
 * encoder converts to 2-octet form (AS_TRANS + AS4_PATH) for a session
 * without the 4-octet AS capability (RFC 6793 §4.2.2).
 */
#ifndef EVBGP_ATTRS_H
#define EVBGP_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/prefix.h"
#include "evbgp/wire.h"

/* presence bits (attrs.has) */
#define ATTR_HAS_ORIGIN		0x0001u
#define ATTR_HAS_AS_PATH	0x0002u	/* present, possibly empty */
#define ATTR_HAS_NEXT_HOP	0x0004u	/* nexthop (or nexthop_self) set */
#define ATTR_HAS_MED		0x0008u
#define ATTR_HAS_LOCAL_PREF	0x0010u
#define ATTR_HAS_ATOMIC_AGGR	0x0020u
#define ATTR_HAS_AGGREGATOR	0x0040u
#define ATTR_HAS_COMMUNITIES	0x0080u
#define ATTR_HAS_ORIGINATOR_ID	0x0100u
#define ATTR_HAS_CLUSTER_LIST	0x0200u
#define ATTR_HAS_EXT_COMM	0x0400u
#define ATTR_HAS_AS4_PATH	0x0800u	/* received only */
#define ATTR_HAS_AS4_AGGREGATOR	0x1000u	/* received only */
#define ATTR_HAS_AIGP		0x2000u
#define ATTR_HAS_LARGE_COMM	0x4000u

struct attr_lcomm {
	uint32_t	global;
	uint32_t	local1;
	uint32_t	local2;
};

/* An attribute kept as opaque bytes (unknown code, or generic config). */
struct attr_raw {
	uint8_t		 flags;
	uint8_t		 code;
	uint16_t	 len;
	uint8_t		*data;
};

/*
 * A builder, or a view of an interned set (168 bytes; counts are 32-bit):
 * a view lives on its reader's stack for as long as it reads.
 */
struct attrs {
	uint32_t	 has;
	uint8_t		 origin;
	bool		 nexthop_self;	/* config/API "next-hop self" */
	struct bgp_addr	 nexthop;	/* NEXT_HOP, or MP_REACH global nh */
	struct bgp_addr	 nexthop_ll;	/* MP_REACH IPv6 link-local, or afi 0 */
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 aggregator_as;
	uint32_t	 aggregator_id;	/* host order IPv4 */
	uint32_t	 as4_aggregator_as;
	uint32_t	 as4_aggregator_id;
	uint32_t	 originator_id;	/* host order IPv4 */

	uint32_t	 aspath_len;
	uint32_t	 as4path_len;
	uint32_t	 ncomms;
	uint32_t	 necomms;
	uint32_t	 nlcomms;
	uint32_t	 nclusters;
	uint32_t	 nraws;
	uint64_t	 aigp;

	uint8_t		*aspath;	/* 4-octet segments, see above */
	uint8_t		*as4path;	/* received AS4_PATH, same form */
	uint32_t	*comms;		/* host order values */
	uint64_t	*ecomms;	/* 8 octets as a host-order u64 */
	struct attr_lcomm *lcomms;
	uint32_t	*clusters;	/* host order IPv4 */
	struct attr_raw	*raws;		/* sorted by code; unique codes */

	/* storage bookkeeping (a builder's capacities, or the mark of a
	 * view); not part of the content */
	struct attrs_store *store;
};

/* ---- builder mode ---- */

/* An empty builder. */
void	attrs_init(struct attrs *a);
/* Empty the builder, keeping its allocations for reuse. */
void	attrs_reset(struct attrs *a);
/* Release a builder's memory (a view: nothing to release). */
void	attrs_free(struct attrs *a);
/* Replace dst's content (a builder) with a copy of src's (either mode). */
void	attrs_copy(struct attrs *dst, const struct attrs *src);

/* Append values; each sets the matching presence bit. */
void	attrs_add_community(struct attrs *a, uint32_t c);
void	attrs_add_ext_community(struct attrs *a, uint64_t ec);
void	attrs_add_large_community(struct attrs *a, uint32_t g, uint32_t l1,
	    uint32_t l2);
void	attrs_add_cluster(struct attrs *a, uint32_t id);
/* Append one AS_PATH segment (count <= 255 ASNs); sets ATTR_HAS_AS_PATH. */
void	attrs_aspath_append(struct attrs *a, uint8_t type, const uint32_t *asns,
	    size_t count);
/* Set the received AS4_PATH segments from wire bytes (4-octet form). */
void	attrs_set_as4path(struct attrs *a, const uint8_t *segs, size_t len);
/* Set the AS_PATH to wire segment bytes (4-octet form). */
void	attrs_set_aspath(struct attrs *a, const uint8_t *segs, size_t len);
/* Add or replace an opaque attribute (kept sorted by code). */
void	attrs_set_raw(struct attrs *a, uint8_t flags, uint8_t code,
	    const uint8_t *data, uint16_t len);
/* Drop an opaque attribute by code, if present. */
void	attrs_del_raw(struct attrs *a, uint8_t code);
/*
 * Canonical order for what we send: communities, extended and large
 * communities sorted ascending with duplicates removed (ExaBGP main's wire
 * rule; the conformance kit checks it).
 */
void	attrs_canonicalize(struct attrs *a);

/* Number of ASNs in the AS_PATH (a set counts 1, confed segments 0). */
unsigned attrs_aspath_length(const struct attrs *a);
/* Iterate AS_PATH segments: *off starts at 0; -1 at the end. */
int	attrs_aspath_next(const uint8_t *segs, size_t len, size_t *off,
	    uint8_t *type, const uint8_t **asns, uint8_t *count);

/* ---- comparison ---- */

bool	 attrs_equal(const struct attrs *x, const struct attrs *y);
uint32_t attrs_hash(const struct attrs *a);

/* ---- interning ---- */

struct attr_table;
/* An interned set: opaque, immutable, read through attrs_view. */
struct attr_set;

struct attr_table *attr_table_new(void);
/* Free the table; sets still referenced keep its storage until the last
 * of them is released. */
void	attr_table_free(struct attr_table *t);
/* Number of distinct sets held. */
size_t	attr_table_count(const struct attr_table *t);
/*
 * The interned set equal to a (a builder or a view), with one more
 * reference. Never fails (allocation failure is fatal).
 */
const struct attr_set *attrs_intern(struct attr_table *t,
	    const struct attrs *a);
/*
 * About to intern a: ask for its place in t's index now (a cache miss in
 * a big table), so that the miss overlaps the work done before the
 * intern. Encodes and hashes a into t's scratch; changes nothing else.
 * Returns a token for attrs_intern_encoded (never 0).
 */
uint64_t attrs_prefetch(struct attr_table *t, const struct attrs *a);
/*
 * attrs_intern, where a was encoded by the attrs_prefetch that returned
 * token and a has not changed since: when nothing else encoded into t's
 * scratch in between, that encoding and its hash are taken as they are
 * (a received UPDATE is encoded once, not twice); otherwise, or with
 * token 0, a is encoded again.
 */
const struct attr_set *attrs_intern_encoded(struct attr_table *t,
	    const struct attrs *a, uint64_t token);
/* Take / drop a reference (NULL: nothing); the last drop frees the set. */
const struct attr_set *attrs_ref(const struct attr_set *s);
void	attrs_unref(const struct attr_set *s);
/* The references s holds (tests). */
unsigned long attrs_refcount(const struct attr_set *s);
/*
 * Read s: fill *v (returned) with its content. v is read-only: its arrays
 * point into s, valid while s is referenced; attrs_free(v) does nothing.
 * Costs a few scalar copies, no allocation: a reader needing a field or
 * two may still call it per route.
 */
const struct attrs *attrs_view(const struct attr_set *s, struct attrs *v);
/*
 * s's name in t, for a holder of many references that stores 4 bytes
 * instead of a pointer (the Adj-RIB's entries): nonzero, the same for as
 * long as s is referenced (once it is freed, a later set may get it);
 * NULL is 0. O(log chunks of t's slab), O(1) for sets of the chunk named
 * last (a set just interned). s must be a live set of t: a set of
 * another table is a caller's bug, and fatal.
 */
uint32_t attrs_set_id(struct attr_table *t, const struct attr_set *s);
/* The set of t named id (attrs_set_id; 0: NULL), in O(1). id must name a
 * set of t still referenced. */
const struct attr_set *attrs_set_at(const struct attr_table *t,
	    uint32_t id);
/* The table s was interned in. */
struct attr_table *attrs_set_table(const struct attr_set *s);
/* Is a a view (attrs_view) rather than a builder? */
bool	attrs_is_view(const struct attrs *a);
/* Memory held by a table: its sets (their blocks), the slab chunks they
 * are cut from (sets, free blocks, the chunk being filled) and its
 * bucket array. */
struct attr_table_mem {
	size_t		 sets;
	size_t		 set_bytes;
	size_t		 slab_bytes;
	size_t		 bucket_bytes;
};
void	attr_table_memory(const struct attr_table *t,
	    struct attr_table_mem *m);

#endif /* EVBGP_ATTRS_H */
