/*
 * evbgp-ribmem: what one route costs in the Adj-RIB-Out, by part (issue
 * 13 b). Builds N IPv4 /32 routes (10.a.b.c, next hop 192.0.2.1, the
 * bench's routes) with 1, K or N distinct attribute sets (MED i % K, or a
 * MED per route) into P Adj-RIBs-Out sharing one attribute table, packs
 * them (every route then sent, the change queue empty: the state a feed
 * leaves behind), and prints the heap in use per route (glibc's
 * mallinfo2, before and after) with its breakdown: entries, index, the
 * attribute sets and their table, malloc's own overhead.
 *
 *     evbgp-ribmem [--n N] [--attr-sets 1|K|N] [--peers P] [--shared] [--json]
 *
 * --shared: the P peers are one update group (update_group.h): one
 * table, packed once, and per peer only its membership (a cursor into
 * the group's log); without it, P tables as before update groups.
 *
 * No sockets, no daemon: the structures alone, so the figure does not
 * move with the machine's load. bench.py's inject rows measure the whole
 * daemon (RSS) under a feed.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/adj_rib.h"
#include "evbgp/update_group.h"
#include "evbgp/util.h"

struct counts {
	size_t	 msgs;
	size_t	 bytes;
};

static int
count_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct counts *c = arg;

	(void)msg;
	c->msgs++;
	c->bytes += len;
	return 0;
}

static bool
never_full(void *arg)
{
	(void)arg;
	return false;
}

/* CPU time of this thread: a step's own cost, without preemption by the
 * machine's other load. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: evbgp-ribmem [--n N] [--attr-sets 1|K|N] "
	    "[--peers P] [--shared] [--json]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, peers = 1, k = 0;	/* k 0: a set per route */
	bool json = false, shared = false;
	size_t tables;
	struct ug_member *members = NULL;
	struct attr_table *t;
	struct adj_rib **ro;
	struct adj_rib_pack_ctx ctx;
	struct counts c = { 0, 0 };
	struct attr_table_mem am;
	struct adj_rib_mem rm, rsum;
	size_t before, after;
	double t0, t1, t2, c0, c1, c2;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--shared") == 0)
			shared = true;
		else if (i + 1 >= argc)
			usage();
		else if (strcmp(argv[i], "--n") == 0)
			n = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--peers") == 0)
			peers = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--attr-sets") == 0) {
			i++;
			k = strcmp(argv[i], "N") == 0 ? 0 :
			    strtoul(argv[i], NULL, 10);
			if (strcmp(argv[i], "N") != 0 && k == 0)
				usage();
		} else
			usage();
	}
	if (n == 0 || n > (1u << 24) || peers == 0 || peers > 1000)
		usage();

	before = heap_in_use();
	t = attr_table_new();
	/* shared: one table for the group, a membership per peer */
	tables = shared ? 1 : peers;
	ro = xcalloc(tables, sizeof(*ro));
	for (size_t p = 0; p < tables; p++) {
		ro[p] = adj_rib_new();
		if (shared)
			adj_rib_set_logged(ro[p]);
	}
	if (shared)
		members = xcalloc(peers, sizeof(*members));
	t0 = mono_now();
	c0 = cpu_now();
	double worst = 0, last = cpu_now();
	size_t worst_at = 0;
	for (size_t i = 0; i < n; i++) {
		struct attrs a;
		const struct attr_set *ia;
		struct prefix pfx = { .afi = BGP_AFI_IPV4, .len = 32 };

		attrs_init(&a);
		a.has = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
		addr_parse("192.0.2.1", &a.nexthop);
		if (k != 1) {
			a.has |= ATTR_HAS_MED;
			a.med = (uint32_t)(k == 0 ? i : i % k);
		}
		ia = attrs_intern(t, &a);
		attrs_free(&a);
		pfx.b[0] = 10;
		pfx.b[1] = (uint8_t)(i >> 16);
		pfx.b[2] = (uint8_t)(i >> 8);
		pfx.b[3] = (uint8_t)i;
		for (size_t p = 0; p < tables; p++)
			adj_rib_announce(ro[p], FAM_IPV4_UNICAST, &pfx, 0, ia);
		attrs_unref(ia);
		if ((i & 1023) == 0) {
			double now = cpu_now();

			if (now - last > worst) {
				worst = now - last;
				worst_at = i;
			}
			last = now;
		}
	}
	t1 = mono_now();
	c1 = cpu_now();
	memset(&ctx, 0, sizeof(ctx));
	ctx.enc.asn4 = true;
	ctx.enc.local_as = 65001;
	ctx.families = FAMSET(FAM_IPV4_UNICAST);
	ctx.max_msg = BGP_MAX_MSG;
	ctx.group_updates = true;
	ctx.emit = count_emit;
	ctx.full = never_full;
	ctx.arg = &c;
	for (size_t p = 0; p < tables; p++)
		adj_rib_pack(ro[p], &ctx);
	t2 = mono_now();
	c2 = cpu_now();
	after = heap_in_use();

	attr_table_memory(t, &am);
	memset(&rsum, 0, sizeof(rsum));
	for (size_t p = 0; p < tables; p++) {
		adj_rib_memory(ro[p], &rm);
		rsum.routes += rm.routes;
		rsum.entry_bytes += rm.entry_bytes;
		rsum.index_bytes += rm.index_bytes;
		rsum.nlri_bytes += rm.nlri_bytes;
		rsum.queue_bytes += rm.queue_bytes;
	}
	{
		double dn = (double)n;
		size_t heap = after - before;
		size_t member_bytes = shared ? peers * sizeof(*members) : 0;
		size_t parts = rsum.entry_bytes + rsum.index_bytes +
		    rsum.nlri_bytes + rsum.queue_bytes + am.slab_bytes +
		    am.bucket_bytes + member_bytes;
		const char *sets = k == 0 ? "N" : NULL;
		char kbuf[32];

		if (sets == NULL) {
			snprintf(kbuf, sizeof(kbuf), "%zu", k);
			sets = kbuf;
		}
		if (json)
			printf("{\"row\":\"ribmem\",\"n\":%zu,\"attr_sets\":"
			    "\"%s\",\"peers\":%zu,\"shared\":%s,\"members\":%.1f,"
			    "\"heap_per_route\":%.1f,"
			    "\"entry\":%.1f,\"index\":%.1f,\"nlri\":%.1f,"
			    "\"queue\":%.1f,\"attr_sets_bytes\":%.1f,"
			    "\"attr_slab_slack\":%.1f,"
			    "\"attr_table\":%.1f,\"malloc_overhead\":%.1f,"
			    "\"distinct_sets\":%zu,\"announce_s\":%.3f,"
			    "\"pack_s\":%.3f,\"announce_cpu_s\":%.3f,"
			    "\"pack_cpu_s\":%.3f,\"updates\":%zu,"
			    "\"update_bytes\":%zu}\n", n, sets, peers,
			    shared ? "true" : "false", member_bytes / dn,
			    heap / dn, rsum.entry_bytes / dn,
			    rsum.index_bytes / dn, rsum.nlri_bytes / dn,
			    rsum.queue_bytes / dn, am.set_bytes / dn,
			    (double)(am.slab_bytes - am.set_bytes) / dn,
			    am.bucket_bytes / dn,
			    ((double)heap - (double)parts) / dn, am.sets,
			    t1 - t0, t2 - t1, c1 - c0, c2 - c1, c.msgs,
			    c.bytes);
		else {
			printf("%zu routes, %s attribute sets (%zu distinct), "
			    "%zu peer(s)%s\n", n, sets, am.sets, peers,
			    shared ? " sharing one update group" : "");
			printf("  heap in use    %8.1f B/route\n", heap / dn);
			printf("  Adj-RIB entry  %8.1f\n", rsum.entry_bytes / dn);
			printf("  index          %8.1f\n", rsum.index_bytes / dn);
			printf("  NLRI blobs     %8.1f\n", rsum.nlri_bytes / dn);
			printf("  change queue   %8.1f\n", rsum.queue_bytes / dn);
			printf("  attribute sets %8.1f\n", am.set_bytes / dn);
			printf("  set slab slack %8.1f (free blocks, the chunk "
			    "being filled)\n",
			    (double)(am.slab_bytes - am.set_bytes) / dn);
			printf("  set table      %8.1f\n", am.bucket_bytes / dn);
			if (shared)
				printf("  memberships    %8.1f\n",
				    member_bytes / dn);
			printf("  malloc         %8.1f (the rest: chunk "
			    "headers, rounding)\n",
			    ((double)heap - (double)parts) / dn);
			printf("  longest 1024 announcements %.1f ms of CPU "
			    "(before route %zu)\n", worst * 1e3, worst_at);
			printf("  announce %.3f s, pack %.3f s: %zu UPDATEs, "
			    "%zu bytes\n", t1 - t0, t2 - t1, c.msgs, c.bytes);
			printf("  CPU: announce %.3f s, pack %.3f s\n",
			    c1 - c0, c2 - c1);
		}
	}
	for (size_t p = 0; p < tables; p++)
		adj_rib_free(ro[p]);
	free(ro);
	free(members);
	attr_table_free(t);
	return 0;
}
