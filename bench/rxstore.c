/*
 * evbgp-rxstore: the receive path's Adj-RIB-In store without sockets
 * (issue 13 point 3). Builds the blast row's stream in memory (evbgp-sink
 * --blast: N UPDATEs of one IPv4 /32 each, 10.a.b.c, next hop 192.0.2.1,
 * ORIGIN IGP, AS_PATH 65002, MED i % K or a MED per route), then decodes
 * every UPDATE (update_decode) and records it in an Adj-RIB-In
 * (rib_in_record: intern the attributes, store the route), the code
 * evbgpd runs per received UPDATE minus the event to the helper.
 *
 *     evbgp-rxstore [--n N] [--attr-sets 1|K|N] [--ipv6] [--rounds R]
 *                   [--gap BYTES] [--no-prefetch] [--json]
 *
 * --gap: between decoding an UPDATE and recording it, write BYTES of a
 * buffer (evbgpd renders the event to the helpers there: work that the
 * prefetch of rib_in_prefetch overlaps); --no-prefetch: leave that
 * prefetch out, to see what it saves.
 *
 * Each round decodes the stream once alone, then again recording into a
 * fresh table, and prints the CPU time (this thread's) per UPDATE of
 * both and their difference: the store's share. The minimum over the
 * rounds says the most on a busy machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evbgp/adj_rib.h"
#include "evbgp/attrs.h"
#include "evbgp/bgp_proto.h"
#include "evbgp/rib_in.h"
#include "evbgp/update.h"
#include "evbgp/util.h"

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The UPDATE bodies (no header) one after the other, each preceded by
 * its length (2 octets, host order). */
static uint8_t *
build_stream(size_t n, size_t k, bool v6, size_t *len)
{
	uint8_t *b = xmalloc(n * 96), *m;
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t med = (uint32_t)(k == 0 ? i : i % k);
		size_t al = 0, ml = 0, nl = 0;
		uint8_t attrs[96], nlri[16];
		uint16_t bl;

		attrs[al++] = 0x40; attrs[al++] = 1; attrs[al++] = 1;
		attrs[al++] = 0;
		attrs[al++] = 0x40; attrs[al++] = 2; attrs[al++] = 6;
		attrs[al++] = 2; attrs[al++] = 1;
		be32_put(attrs + al, 65002);
		al += 4;
		if (!v6) {
			attrs[al++] = 0x40; attrs[al++] = 3; attrs[al++] = 4;
			be32_put(attrs + al, 0xc0000201);
			al += 4;
		}
		if (k != 1) {
			attrs[al++] = 0x80; attrs[al++] = 4; attrs[al++] = 4;
			be32_put(attrs + al, med);
			al += 4;
		}
		if (v6) {
			nlri[nl++] = 64;
			be32_put(nlri + nl, 0x20010db8);
			nl += 4;
			be32_put(nlri + nl, (uint32_t)i);
			nl += 4;
			attrs[al++] = 0x90; attrs[al++] = 14;
			be16_put(attrs + al, (uint16_t)(5 + 16 + nl));
			al += 2;
			be16_put(attrs + al, 2);
			al += 2;
			attrs[al++] = 1;
			attrs[al++] = 16;
			memset(attrs + al, 0, 16);
			be32_put(attrs + al, 0x20010db8);
			attrs[al + 15] = 1;
			al += 16;
			attrs[al++] = 0;
			memcpy(attrs + al, nlri, nl);
			al += nl;
			nl = 0;
		} else {
			nlri[nl++] = 32;
			be32_put(nlri + nl, 0x0a000000u |
			    (uint32_t)(i & 0xffffff));
			nl += 4;
		}
		m = b + off + 2;
		be16_put(m + ml, 0);
		ml += 2;
		be16_put(m + ml, (uint16_t)al);
		ml += 2;
		memcpy(m + ml, attrs, al);
		ml += al;
		memcpy(m + ml, nlri, nl);
		ml += nl;
		bl = (uint16_t)ml;
		memcpy(b + off, &bl, 2);
		off += 2 + ml;
	}
	*len = off;
	return b;
}

struct round {
	double	 decode;	/* s */
	double	 store;		/* decode + record, s */
	size_t	 routes;
	size_t	 sets;
};

struct opts {
	size_t	 gap;
	bool	 prefetch;
};

static void
run_round(const uint8_t *stream, size_t len, const struct update_ctx *ctx,
    const struct opts *o, bool record, struct round *r)
{
	static uint8_t gapbuf[1 << 16];
	static size_t gapoff;
	struct update_msg m;
	struct rib_in_counts c = { 0, 0 };
	struct attr_table *t = attr_table_new();
	struct adj_rib *rib = record ? adj_rib_new_store() : NULL;
	double c0 = cpu_now();

	update_msg_init(&m);
	for (size_t off = 0; off < len;) {
		uint16_t bl;

		memcpy(&bl, stream + off, 2);
		if (update_decode(stream + off + 2, bl, ctx, &m) != UPD_OK) {
			fprintf(stderr, "evbgp-rxstore: UPDATE at %zu does "
			    "not decode\n", off);
			exit(1);
		}
		if (o->prefetch)
			rib_in_prefetch(rib, t, &m, ctx->addpath_rx);
		if (o->gap > 0) {
			/* the event rendered meanwhile: other cache lines */
			if (gapoff + o->gap > sizeof(gapbuf))
				gapoff = 0;
			memset(gapbuf + gapoff, (int)off, o->gap);
			gapoff += o->gap;
		}
		rib_in_record(rib, t, &m, ctx->addpath_rx, &c);
		off += 2 + (size_t)bl;
	}
	if (record) {
		r->store = cpu_now() - c0;
		r->routes = adj_rib_count(rib);
		r->sets = attr_table_count(t);
	} else
		r->decode = cpu_now() - c0;
	update_msg_free(&m);
	adj_rib_free(rib);
	attr_table_free(t);
}

static void
usage(void)
{
	fprintf(stderr, "usage: evbgp-rxstore [--n N] [--attr-sets 1|K|N] "
	    "[--ipv6] [--rounds R] [--gap BYTES] [--no-prefetch] [--json]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, k = 0, rounds = 3, len;
	bool v6 = false, json = false;
	struct opts o = { 0, true };
	struct update_ctx ctx = { .asn4 = true, .ebgp = true };
	uint8_t *stream;
	double best_d = 1e9, best_s = 1e9;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ipv6") == 0)
			v6 = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--no-prefetch") == 0)
			o.prefetch = false;
		else if (i + 1 >= argc)
			usage();
		else if (strcmp(argv[i], "--n") == 0)
			n = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--gap") == 0)
			o.gap = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--attr-sets") == 0) {
			i++;
			k = strcmp(argv[i], "N") == 0 ? 0 :
			    strtoul(argv[i], NULL, 10);
			if (strcmp(argv[i], "N") != 0 && k == 0)
				usage();
		} else
			usage();
	}
	if (n == 0 || n > (1u << 24) || rounds == 0 || rounds > 100 ||
	    o.gap > 65536)
		usage();
	ctx.families = FAMSET(FAM_IPV4_UNICAST) | FAMSET(FAM_IPV6_UNICAST);
	stream = build_stream(n, k, v6, &len);
	for (size_t i = 0; i < rounds; i++) {
		struct round r = { 0, 0, 0, 0 };

		run_round(stream, len, &ctx, &o, false, &r);
		run_round(stream, len, &ctx, &o, true, &r);
		if (r.routes != n) {
			fprintf(stderr, "evbgp-rxstore: %zu routes stored, "
			    "not %zu\n", r.routes, n);
			return 1;
		}
		if (r.decode < best_d)
			best_d = r.decode;
		if (r.store < best_s)
			best_s = r.store;
		if (!json)
			printf("round %zu: decode %.3f us/UPDATE, decode + "
			    "store %.3f, store %.3f (%zu sets)\n", i + 1,
			    r.decode * 1e6 / (double)n,
			    r.store * 1e6 / (double)n,
			    (r.store - r.decode) * 1e6 / (double)n, r.sets);
	}
	if (json)
		printf("{\"n\": %zu, \"decode_us\": %.4f, \"decode_store_us\": "
		    "%.4f, \"store_us\": %.4f}\n", n, best_d * 1e6 / (double)n,
		    best_s * 1e6 / (double)n, (best_s - best_d) * 1e6 /
		    (double)n);
	else
		printf("best: decode %.3f us/UPDATE, decode + store %.3f, "
		    "store %.3f\n", best_d * 1e6 / (double)n,
		    best_s * 1e6 / (double)n, (best_s - best_d) * 1e6 /
		    (double)n);
	free(stream);
	return 0;
}
