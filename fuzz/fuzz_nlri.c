/*
 * libFuzzer target for the NLRI readers of every family evbgp speaks.
 * The first input byte picks the family (its enum family_id in the low
 * six bits; a family evbgp does not speak ends the run) and two flags
 * (bit 6: ADD-PATH, bit 7: the field is a withdrawal); the rest is an
 * NLRI field. What a reader accepts must stay inside its field, have
 * a key, print as JSON and text, re-encode to the same octets, and go
 * through an Adj-RIB-Out and its packer: the promises the rest of the
 * daemon builds on.
 */
#include <stdlib.h>
#include <string.h>

#include "evbgp/nlri.h"
#include "evbgp/adj_rib.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *arg, const uint8_t *msg, size_t len)
{
	return 0;
}

static void
one(const struct nlri *n, const uint8_t *start, size_t size, bool addpath,
    struct adj_rib *ro, const struct attr_set *a, bool withdrawn)
{
	uint8_t key[NLRI_MAX], out[NLRI_MAX + 8];
	struct sbuf o;
	struct wbuf w;
	struct prefix p;
	size_t klen;

	if (n->b < start || n->b + n->len > start + size || n->len == 0)
		abort();
	klen = nlri_key(n, key);
	/* only an empty flowspec NLRI (it matches every packet) has an
	 * empty key: its length field alone */
	if (klen > NLRI_MAX || (klen == 0 && n->len > 2))
		abort();
	sbuf_init(&o);
	nlri_json(&o, n, addpath, NULL);
	nlri_json(&o, n, addpath, "192.0.2.1");
	nlri_text(&o, n, addpath, "192.0.2.1");
	sbuf_free(&o);
	(void)nlri_prefix(n, &p);
	wbuf_init(&w, out, sizeof(out));
	if (nlri_put(&w, n, addpath) == -1 || w.len != nlri_size(n, addpath) ||
	    memcmp(out + (addpath ? 4 : 0), n->b, n->len) != 0)
		abort();
	if (withdrawn)
		adj_rib_withdraw_nlri(ro, n, NULL);
	else
		adj_rib_announce_nlri(ro, n, a, RIB_SRC_API);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct adj_rib_pack_ctx ctx;
	struct attr_table *t;
	const struct attr_set *a;
	struct adj_rib *ro;
	struct attrs b;
	bool addpath, withdrawn;
	enum family_id fam;
	struct rbuf r;
	struct nlri n;

	if (size < 1)
		return 0;
	/* the family's index itself: seeds keep their family when
	 * families are added */
	if ((data[0] & 0x3f) >= FAM_MAX ||
	    !FAMSET_HAS(nlri_spoken(), data[0] & 0x3f))
		return 0;
	fam = (enum family_id)(data[0] & 0x3f);
	addpath = (data[0] & 0x40) != 0;
	withdrawn = (data[0] & 0x80) != 0;
	data++;
	size--;

	t = attr_table_new();
	ro = adj_rib_new();
	attrs_init(&b);
	b.has = ATTR_HAS_ORIGIN | ATTR_HAS_NEXT_HOP;
	addr_parse("192.0.2.1", &b.nexthop);
	a = attrs_intern(t, &b);
	attrs_free(&b);

	/* the field check and the walk agree */
	rbuf_init(&r, data, size);
	if (nlri_field_check(r, fam, addpath, withdrawn, NULL, NULL,
	    NULL) == 0) {
		while (rbuf_left(&r) > 0) {
			int rc = nlri_get(&r, fam, addpath, withdrawn, &n,
			    NULL);

			if (rc == -1)
				abort();
			/* an ignored NLRI (rc 1) still prints safely */
			if (rc == 1) {
				struct sbuf o;

				if (n.b < data || n.b + n.len > data + size)
					abort();
				sbuf_init(&o);
				nlri_json(&o, &n, addpath, "192.0.2.1");
				nlri_text(&o, &n, addpath, NULL);
				sbuf_free(&o);
				continue;
			}
			one(&n, data, size, addpath, ro, a, false);
		}
		/* and the whole table goes out, then away */
		memset(&ctx, 0, sizeof(ctx));
		ctx.enc.ibgp = true;
		ctx.enc.asn4 = true;
		ctx.enc.local_as = 65000;
		addr_parse("192.0.2.1", &ctx.enc.local_v4);
		addr_parse("2001:db8::1", &ctx.enc.local_v6);
		ctx.families = nlri_spoken();
		ctx.addpath_tx = addpath ? nlri_spoken() : 0;
		ctx.max_msg = 4096;
		ctx.group_updates = true;
		ctx.emit = emit;
		(void)adj_rib_pack(ro, &ctx);
		rbuf_init(&r, data, size);
		while (rbuf_left(&r) > 0) {
			int rc = nlri_get(&r, fam, addpath, withdrawn, &n,
			    NULL);

			if (rc == -1)
				abort();
			if (rc == 0)
				one(&n, data, size, addpath, ro, a, true);
		}
		(void)adj_rib_pack(ro, &ctx);
	}
	attrs_unref(a);
	adj_rib_free(ro);
	attr_table_free(t);
	return 0;
}
