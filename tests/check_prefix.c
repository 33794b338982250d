/*
 * Addresses and prefixes: text parsing and formatting, containment, and
 * the NLRI encoding with and without ADD-PATH identifiers.
 */
#include <check.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/prefix.h"

#include "codec_hex.h"

struct pfx_vec {
	const char	*in;
	int		 rc;
	const char	*out;	/* formatted, when rc == 0 */
};

static const struct pfx_vec pfx_vecs[] = {
	{ "10.0.0.0/24", 0, "10.0.0.0/24" },
	{ "10.1.2.3/8", 0, "10.0.0.0/8" },		/* host bits cleared */
	{ "192.0.2.1", 0, "192.0.2.1/32" },
	{ "0.0.0.0/0", 0, "0.0.0.0/0" },
	{ "255.255.255.255/32", 0, "255.255.255.255/32" },
	{ "1.0.64.0/18", 0, "1.0.64.0/18" },
	{ "1.0.127.255/17", 0, "1.0.0.0/17" },
	{ "2001:db8::/32", 0, "2001:db8::/32" },
	{ "2001:db8::1", 0, "2001:db8::1/128" },
	{ "2001:db8:ffff::/33", 0, "2001:db8:8000::/33" },
	{ "::/0", 0, "::/0" },
	{ "2a04:6d80::1/128", 0, "2a04:6d80::1/128" },
	{ "10.0.0.0/33", -1, NULL },
	{ "10.0.0.0/-1", -1, NULL },
	{ "10.0.0.0/", -1, NULL },
	{ "10.0.0.0/24x", -1, NULL },
	{ "10.0.0/24", -1, NULL },
	{ "10.0.0.256/24", -1, NULL },
	{ "2001:db8::/129", -1, NULL },
	{ "2001:db8:::/64", -1, NULL },
	{ "", -1, NULL },
	{ "/24", -1, NULL },
	{ "hello", -1, NULL },
	{ "10.0.0.0/999999999999", -1, NULL },
};

START_TEST(test_prefix_parse)
{
	const struct pfx_vec *v = &pfx_vecs[_i];
	struct prefix p;
	char buf[PREFIX_STRLEN];

	ck_assert_msg(prefix_parse(v->in, &p) == v->rc, "%s", v->in);
	if (v->rc == 0)
		ck_assert_str_eq(prefix_fmt(&p, buf), v->out);
}
END_TEST

START_TEST(test_addr)
{
	struct bgp_addr a, b;
	char buf[ADDR_STRLEN];
	struct sockaddr_storage ss;
	uint16_t port;

	ck_assert_int_eq(addr_parse("192.0.2.1", &a), 0);
	ck_assert_uint_eq(a.afi, BGP_AFI_IPV4);
	ck_assert_uint_eq(addr_len(&a), 4);
	ck_assert_uint_eq(addr_to_u32(&a), 0xC0000201);
	addr_from_u32(&b, 0xC0000201);
	ck_assert(addr_equal(&a, &b));
	ck_assert_str_eq(addr_fmt(&a, buf), "192.0.2.1");
	/* formatted by hand: the digits at their edges, as inet_ntop */
	{
		static const char *const v4s[] = { "0.0.0.0",
		    "255.255.255.255", "10.0.100.9", "99.100.199.200" };

		for (size_t i = 0; i < sizeof(v4s) / sizeof(v4s[0]); i++) {
			ck_assert_int_eq(addr_parse(v4s[i], &b), 0);
			ck_assert_str_eq(addr_fmt(&b, buf), v4s[i]);
		}
	}
	ck_assert_int_eq(addr_parse("::ffff:1.2.3.4", &a), 0);
	ck_assert(addr_is_v4mapped(&a));
	ck_assert_uint_eq(addr_len(&a), 16);
	ck_assert_uint_eq(addr_to_u32(&a), 0);
	ck_assert(!addr_equal(&a, &b));
	/* a mapped address from a dual-stack socket is an IPv4 peer */
	ck_assert_uint_gt(addr_to_sockaddr(&a, 179, &ss), 0);
	ck_assert_int_eq(addr_from_sockaddr((struct sockaddr *)&ss, &b, &port),
	    0);
	ck_assert_uint_eq(b.afi, BGP_AFI_IPV4);
	ck_assert_uint_eq(port, 179);
	ck_assert_int_eq(addr_parse("1.2.3", &a), -1);
	ck_assert_int_eq(addr_parse(NULL, &a), -1);
	ck_assert_uint_eq(a.afi, 0);
	ck_assert_str_eq(addr_fmt(&a, buf), "none");
	ck_assert_uint_eq(addr_to_sockaddr(&a, 1, &ss), 0);
}
END_TEST

/*
 * addr_fmt() and prefix_fmt() write IPv6 by hand: the same text as
 * glibc's inet_ntop (what the JSON showed before, and what the kit's
 * expected output has) for every shape of zero runs: none, one group,
 * ties, leading and trailing runs, the IPv4-mapped and -compatible forms
 * and their near misses, and random groups, zero or not.
 */
static void
check_ip6(const uint8_t b[16])
{
	struct bgp_addr a = { .afi = BGP_AFI_IPV6 };
	struct prefix p = { .afi = BGP_AFI_IPV6, .len = 128 };
	char want[INET6_ADDRSTRLEN], got[ADDR_STRLEN], pw[PREFIX_STRLEN + 8],
	    pg[PREFIX_STRLEN];

	memcpy(a.b, b, 16);
	memcpy(p.b, b, 16);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, b, want, sizeof(want)));
	ck_assert_str_eq(addr_fmt(&a, got), want);
	snprintf(pw, sizeof(pw), "%s/128", want);
	ck_assert_str_eq(prefix_fmt(&p, pg), pw);
}

START_TEST(test_ip6_fmt)
{
	static const uint16_t shapes[][8] = {
		{ 0, 0, 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 1, 0, 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0, 0, 2 },
		{ 0, 0, 0, 0, 0, 0, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 1, 0xffff, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0, 0, 0x0201 },
		{ 0x2001, 0xdb8, 0, 0, 1, 0, 0, 1 },
		{ 0x2001, 0xdb8, 0, 1, 0, 0, 0, 1 },
		{ 0x2001, 0, 1, 0, 0, 1, 0, 1 },
		{ 0x2001, 0xdb8, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 1, 0, 0, 0, 0, 0 },
		{ 0xfe80, 0, 0, 0, 0x200, 0x5eff, 0xfe00, 0x5301 },
		{ 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		    0xffff },
		{ 0, 0xffff, 0, 0, 0, 0, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0xffff, 0, 0xc000, 0x0201 },
	};
	uint8_t b[16];

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		for (int g = 0; g < 8; g++) {
			b[2 * g] = (uint8_t)(shapes[i][g] >> 8);
			b[2 * g + 1] = (uint8_t)shapes[i][g];
		}
		check_ip6(b);
	}
	/* random: each group zero with probability 1/2, else 1, 2 or 4
	 * hex digits, or ffff */
	srandom(13);
	for (int n = 0; n < 200000; n++) {
		for (int g = 0; g < 8; g++) {
			long r = random();
			unsigned v = r & 1 ? 0 : (r >> 1) % 5 == 0 ? 0xffff :
			    (unsigned)(r >> 4) & (0xf << (4 * ((r >> 8) % 4)));

			b[2 * g] = (uint8_t)(v >> 8);
			b[2 * g + 1] = (uint8_t)v;
		}
		check_ip6(b);
	}
}
END_TEST

START_TEST(test_contains)
{
	struct prefix p8, p24, v6;
	struct bgp_addr a;

	ck_assert_int_eq(prefix_parse("10.0.0.0/8", &p8), 0);
	ck_assert_int_eq(prefix_parse("10.1.0.0/24", &p24), 0);
	ck_assert_int_eq(prefix_parse("::/0", &v6), 0);
	ck_assert(prefix_contains(&p8, &p24));
	ck_assert(!prefix_contains(&p24, &p8));
	ck_assert(!prefix_contains(&v6, &p24));
	ck_assert_int_eq(addr_parse("10.1.0.77", &a), 0);
	ck_assert(prefix_match_addr(&p24, &a));
	ck_assert_int_eq(addr_parse("10.2.0.1", &a), 0);
	ck_assert(!prefix_match_addr(&p24, &a));
	ck_assert(prefix_match_addr(&p8, &a));
	ck_assert_int_eq(prefix_from_addr(&a, 16, &p24), 0);
	ck_assert_uint_eq(p24.b[2], 0);
	ck_assert_int_eq(prefix_from_addr(&a, 33, &p24), -1);
}
END_TEST

struct nlri_vec {
	const char	*name;
	const char	*hex;
	uint8_t		 afi;
	bool		 addpath;
	int		 rc;		/* of prefix_nlri_check over the whole field */
	size_t		 count;
};

static const struct nlri_vec nlri_vecs[] = {
	{ "empty", "", BGP_AFI_IPV4, false, 0, 0 },
	{ "default", "00", BGP_AFI_IPV4, false, 0, 1 },
	{ "one /24", "180A0000", BGP_AFI_IPV4, false, 0, 1 },
	{ "two", "180A0000 20C0000201", BGP_AFI_IPV4, false, 0, 2 },
	{ "/18 host bits set", "12010041", BGP_AFI_IPV4, false, 0, 1 },
	{ "/33", "21 0A00000000", BGP_AFI_IPV4, false, -1, 0 },
	{ "/32 truncated", "20 0A0000", BGP_AFI_IPV4, false, -1, 0 },
	{ "length only", "18", BGP_AFI_IPV4, false, -1, 0 },
	{ "second truncated", "180A0000 18", BGP_AFI_IPV4, false, -1, 0 },
	{ "ipv6 /128", "80 2A046D80000000000000000000000001", BGP_AFI_IPV6,
	    false, 0, 1 },
	{ "ipv6 /129", "81 2A046D8000000000000000000000000100", BGP_AFI_IPV6,
	    false, -1, 0 },
	{ "ipv6 truncated", "40 2A046D80", BGP_AFI_IPV6, false, -1, 0 },
	{ "addpath", "00000001 180A0000", BGP_AFI_IPV4, true, 0, 1 },
	{ "addpath id only", "00000001", BGP_AFI_IPV4, true, -1, 0 },
	{ "addpath id truncated", "000000", BGP_AFI_IPV4, true, -1, 0 },
	{ "addpath two", "00000001 180A0000 00000002 180A0000", BGP_AFI_IPV4,
	    true, 0, 2 },
	{ "unknown afi", "080A", 7, false, -1, 0 },
};

START_TEST(test_nlri_check)
{
	const struct nlri_vec *v = &nlri_vecs[_i];
	uint8_t buf[128];
	struct rbuf r;
	size_t n = 999;

	rbuf_init(&r, buf, hex2bin(v->hex, buf, sizeof(buf)));
	ck_assert_msg(prefix_nlri_check(r, v->afi, v->addpath, &n) == v->rc, "%s",
	    v->name);
	if (v->rc == 0)
		ck_assert_uint_eq(n, v->count);
}
END_TEST

/* prefix_nlri_get leaves the reader untouched on failure. */
START_TEST(test_nlri_get)
{
	uint8_t buf[64];
	struct rbuf r;
	struct prefix p;
	uint32_t id;
	char s[PREFIX_STRLEN];

	rbuf_init(&r, buf, hex2bin("12010041 20 0A00", buf, sizeof(buf)));
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV4, false, &p, &id), 0);
	ck_assert_str_eq(prefix_fmt(&p, s), "1.0.64.0/18");
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(rbuf_left(&r), 3);
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV4, false, &p, NULL), -1);
	ck_assert_uint_eq(rbuf_left(&r), 3);

	rbuf_init(&r, buf, hex2bin("01020304 20C1000201", buf, sizeof(buf)));
	ck_assert_int_eq(prefix_nlri_get(&r, BGP_AFI_IPV4, true, &p, &id), 0);
	ck_assert_uint_eq(id, 0x01020304);
	ck_assert_str_eq(prefix_fmt(&p, s), "193.0.2.1/32");
}
END_TEST

START_TEST(test_nlri_put)
{
	struct prefix p;
	uint8_t buf[64];
	char hex[129];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(prefix_parse("193.0.2.1/32", &p), 0);
	ck_assert_uint_eq(prefix_nlri_size(&p, true), 9);
	ck_assert_int_eq(prefix_nlri_put(&w, &p, true, 0x01020304), 0);
	ck_assert_int_eq(prefix_parse("1.0.64.0/18", &p), 0);
	ck_assert_uint_eq(prefix_nlri_size(&p, false), 4);
	ck_assert_int_eq(prefix_nlri_put(&w, &p, false, 0), 0);
	ck_assert_int_eq(prefix_parse("::/0", &p), 0);
	ck_assert_int_eq(prefix_nlri_put(&w, &p, false, 0), 0);
	ck_assert_str_eq(bin2hex(buf, w.len, hex), "0102030420C100020112010040"
	    "00");
	wbuf_init(&w, buf, 3);
	ck_assert_int_eq(prefix_parse("10.0.0.0/24", &p), 0);
	ck_assert_int_eq(prefix_nlri_put(&w, &p, false, 0), -1);
}
END_TEST

/*
 * prefix_mask() clears the bits past the length with a memset instead of
 * a loop over the 16 bytes: the same bytes as that loop (kept here as the
 * reference) for every family (IPv4, IPv6, none, unknown), every length
 * octet 0-255 (past the family's width too) and random bytes.
 */
static void
mask_reference(struct prefix *p)
{
	unsigned bits = p->afi == BGP_AFI_IPV4 ? 32 :
	    p->afi == BGP_AFI_IPV6 ? 128 : 0;

	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;

		if (lo >= p->len || lo >= bits)
			p->b[i] = 0;
		else if (p->len < lo + 8)
			p->b[i] &= (uint8_t)(0xff << (lo + 8 - p->len));
	}
}

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

START_TEST(test_prefix_mask)
{
	static const uint8_t afis[] = { BGP_AFI_IPV4, BGP_AFI_IPV6, 0, 7 };
	uint32_t seed = 13;

	for (size_t f = 0; f < sizeof(afis); f++)
		for (unsigned len = 0; len < 256; len++)
			for (int r = 0; r < 8; r++) {
				struct prefix got, want;

				got.afi = afis[f];
				got.len = (uint8_t)len;
				for (int i = 0; i < 16; i++)
					got.b[i] = r == 0 ? 0xff :
					    (uint8_t)lcg(&seed);
				want = got;
				prefix_mask(&got);
				mask_reference(&want);
				ck_assert_mem_eq(got.b, want.b, 16);
				ck_assert_uint_eq(got.len, len);
			}
}
END_TEST

/*
 * prefix_fmt_end() returns the text's end: the same text as
 * inet_ntop + "/len" and its strlen, for the edges of IPv4 (0.0.0.0/0,
 * 255.255.255.255/32, one- two- and three-digit octets) and random
 * IPv4 and IPv6 prefixes of every length.
 */
static void
check_fmt_end(const struct prefix *p)
{
	char want[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN],
	    got[PREFIX_STRLEN];
	char *end;

	ck_assert_ptr_nonnull(inet_ntop(p->afi == BGP_AFI_IPV4 ? AF_INET :
	    AF_INET6, p->b, a, sizeof(a)));
	snprintf(want, sizeof(want), "%s/%u", a, (unsigned)p->len);
	end = prefix_fmt_end(p, got);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq((size_t)(end - got), strlen(want));
	ck_assert_int_eq(*end, '\0');
	ck_assert_str_eq(prefix_fmt(p, got), want);
}

START_TEST(test_prefix_fmt_end)
{
	static const uint8_t v4[][5] = {
		{ 0, 0, 0, 0, 0 }, { 255, 255, 255, 255, 32 },
		{ 9, 10, 99, 100, 24 }, { 1, 0, 64, 0, 18 },
		{ 193, 0, 2, 1, 32 }, { 10, 0, 0, 0, 8 },
	};
	uint32_t seed = 7;

	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		struct prefix p = { .afi = BGP_AFI_IPV4, .len = v4[i][4] };

		memcpy(p.b, v4[i], 4);
		check_fmt_end(&p);
	}
	for (int r = 0; r < 20000; r++) {
		struct prefix p = { .afi = (r & 1) ? BGP_AFI_IPV6 :
		    BGP_AFI_IPV4 };

		p.len = (uint8_t)(lcg(&seed) % ((r & 1) ? 129 : 33));
		for (int i = 0; i < 16; i++)	/* zero runs in IPv6 too */
			p.b[i] = (lcg(&seed) & 3) == 0 ? 0 :
			    (uint8_t)lcg(&seed);
		prefix_mask(&p);
		check_fmt_end(&p);
	}
}
END_TEST

static Suite *
prefix_suite(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("text");

	tcase_add_loop_test(tc, test_prefix_parse, 0,
	    (int)(sizeof(pfx_vecs) / sizeof(pfx_vecs[0])));
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_ip6_fmt);
	tcase_add_test(tc, test_prefix_mask);
	tcase_add_test(tc, test_prefix_fmt_end);
	tcase_add_test(tc, test_contains);
	suite_add_tcase(s, tc);
	tc = tcase_create("nlri");
	tcase_add_loop_test(tc, test_nlri_check, 0,
	    (int)(sizeof(nlri_vecs) / sizeof(nlri_vecs[0])));
	tcase_add_test(tc, test_nlri_get);
	tcase_add_test(tc, test_nlri_put);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prefix_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
