/*
 * Bounded reader/writer: every getter on short input (fails, consumes
 * nothing), exact fits, sub-reader isolation, back-patching, and the
 * writer's sticky error.
 */
#include <check.h>
#include <string.h>

#include "evbgp/wire.h"

static const uint8_t seq[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

enum getter { G_U8, G_U16, G_U24, G_U32, G_U64, G_BYTES, G_SKIP, G_SUB,
	G_MAX };

static const size_t gsize[G_MAX] = { 1, 2, 3, 4, 8, 5, 5, 5 };

static int
get(enum getter g, struct rbuf *r, uint64_t *out)
{
	uint8_t u8, b[8];
	uint16_t u16;
	uint32_t u32;
	struct rbuf sub;
	int rc = -1;

	*out = 0;
	switch (g) {
	case G_U8:
		if ((rc = rbuf_get_u8(r, &u8)) == 0)
			*out = u8;
		break;
	case G_U16:
		if ((rc = rbuf_get_u16(r, &u16)) == 0)
			*out = u16;
		break;
	case G_U24:
		if ((rc = rbuf_get_u24(r, &u32)) == 0)
			*out = u32;
		break;
	case G_U32:
		if ((rc = rbuf_get_u32(r, &u32)) == 0)
			*out = u32;
		break;
	case G_U64:
		rc = rbuf_get_u64(r, out);
		break;
	case G_BYTES:
		if ((rc = rbuf_get_bytes(r, b, 5)) == 0)
			*out = b[4];
		break;
	case G_SKIP:
		rc = rbuf_skip(r, 5);
		break;
	case G_SUB:
		if ((rc = rbuf_sub(r, 5, &sub)) == 0)
			*out = rbuf_left(&sub);
		break;
	default:
		break;
	}
	return rc;
}

/* Every getter with every too-short input: -1 and nothing consumed. */
START_TEST(test_getter_short)
{
	enum getter g = (enum getter)_i;
	uint64_t v;

	for (size_t have = 0; have < gsize[g]; have++) {
		struct rbuf r;

		rbuf_init(&r, seq, have);
		ck_assert_int_eq(get(g, &r, &v), -1);
		ck_assert_uint_eq(rbuf_left(&r), have);
		ck_assert_ptr_eq(rbuf_ptr(&r), seq);
	}
}
END_TEST

/* Exact fit: success, big-endian value, everything consumed. */
START_TEST(test_getter_exact)
{
	static const uint64_t want[G_MAX] = { 0x01, 0x0102, 0x010203,
		0x01020304, 0x0102030405060708ull, 0x05, 0, 5 };
	enum getter g = (enum getter)_i;
	struct rbuf r;
	uint64_t v;

	rbuf_init(&r, seq, gsize[g]);
	ck_assert_int_eq(get(g, &r, &v), 0);
	ck_assert_uint_eq(v, want[g]);
	ck_assert_uint_eq(rbuf_left(&r), 0);
	/* and once more on the now empty reader */
	ck_assert_int_eq(get(g, &r, &v), -1);
}
END_TEST

START_TEST(test_reader_misc)
{
	struct rbuf r, sub, sub2;
	uint8_t v8, out[4];
	uint32_t v32;

	rbuf_init(&r, NULL, 10);
	ck_assert_uint_eq(rbuf_left(&r), 0);
	ck_assert_int_eq(rbuf_get_u8(&r, &v8), -1);

	rbuf_init(&r, seq, sizeof(seq));
	ck_assert_int_eq(rbuf_peek_u8(&r, 0, &v8), 0);
	ck_assert_uint_eq(v8, 1);
	ck_assert_int_eq(rbuf_peek_u8(&r, 15, &v8), 0);
	ck_assert_uint_eq(v8, 0x10);
	ck_assert_int_eq(rbuf_peek_u8(&r, 16, &v8), -1);
	ck_assert_uint_eq(rbuf_left(&r), 16);

	/* zero-length operations always succeed */
	ck_assert_int_eq(rbuf_get_bytes(&r, out, 0), 0);
	ck_assert_int_eq(rbuf_skip(&r, 0), 0);
	ck_assert_int_eq(rbuf_sub(&r, 0, &sub), 0);
	ck_assert_uint_eq(rbuf_left(&sub), 0);
	ck_assert_uint_eq(rbuf_left(&r), 16);

	/* a sub-reader cannot see past its end; the parent moved on */
	ck_assert_int_eq(rbuf_sub(&r, 3, &sub), 0);
	ck_assert_uint_eq(rbuf_left(&r), 13);
	ck_assert_int_eq(rbuf_get_u32(&sub, &v32), -1);
	ck_assert_int_eq(rbuf_peek_u8(&sub, 3, &v8), -1);
	ck_assert_int_eq(rbuf_sub(&sub, 4, &sub2), -1);
	ck_assert_int_eq(rbuf_get_u8(&sub, &v8), 0);
	ck_assert_uint_eq(v8, 1);
	ck_assert_int_eq(rbuf_get_u8(&r, &v8), 0);
	ck_assert_uint_eq(v8, 4);
	/* nested sub-readers */
	ck_assert_int_eq(rbuf_sub(&sub, 2, &sub2), 0);
	ck_assert_uint_eq(rbuf_left(&sub), 0);
	ck_assert_int_eq(rbuf_get_bytes(&sub2, out, 3), -1);
	ck_assert_int_eq(rbuf_get_bytes(&sub2, out, 2), 0);
	ck_assert_uint_eq(out[1], 3);
	/* a huge length is refused, not wrapped */
	ck_assert_int_eq(rbuf_skip(&r, (size_t)-1), -1);
	ck_assert_int_eq(rbuf_sub(&r, (size_t)-1, &sub), -1);
	ck_assert_uint_eq(rbuf_left(&r), 12);
}
END_TEST

START_TEST(test_writer_values)
{
	uint8_t buf[32];
	struct wbuf w;
	static const uint8_t want[] = { 0xAA, 0x01, 0x02, 0x01, 0x02, 0x03,
		0x01, 0x02, 0x03, 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08, 0xDE, 0xAD, 0x00, 0x00 };

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(wbuf_put_u8(&w, 0xAA), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, 0x0102), 0);
	ck_assert_int_eq(wbuf_put_u24(&w, 0x010203), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 0x01020304), 0);
	ck_assert_int_eq(wbuf_put_u64(&w, 0x0102030405060708ull), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, "\xde\xad", 2), 0);
	ck_assert_int_eq(wbuf_put_zero(&w, 2), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, NULL, 0), 0);
	ck_assert_uint_eq(w.len, sizeof(want));
	ck_assert(memcmp(buf, want, sizeof(want)) == 0);
	ck_assert_uint_eq(wbuf_room(&w), sizeof(buf) - sizeof(want));
	ck_assert(!w.err);
}
END_TEST

/* Each putter one byte short: -1, err set, nothing written. */
START_TEST(test_writer_short)
{
	static const size_t need[] = { 1, 2, 3, 4, 8, 3, 3 };
	uint8_t buf[16];
	struct wbuf w;
	int rc = 0;

	memset(buf, 0x55, sizeof(buf));
	wbuf_init(&w, buf, need[_i] - 1);
	switch (_i) {
	case 0: rc = wbuf_put_u8(&w, 1); break;
	case 1: rc = wbuf_put_u16(&w, 1); break;
	case 2: rc = wbuf_put_u24(&w, 1); break;
	case 3: rc = wbuf_put_u32(&w, 1); break;
	case 4: rc = wbuf_put_u64(&w, 1); break;
	case 5: rc = wbuf_put_bytes(&w, "abc", 3); break;
	case 6: rc = wbuf_put_zero(&w, 3); break;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert(w.err);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_uint_eq(buf[0], 0x55);
	ck_assert_uint_eq(wbuf_room(&w), 0);
}
END_TEST

START_TEST(test_writer_sticky)
{
	uint8_t buf[4];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(wbuf_put_u16(&w, 0x0102), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 1), -1);
	/* a put that would fit still fails once the error is set */
	ck_assert_int_eq(wbuf_put_u8(&w, 3), -1);
	ck_assert_uint_eq(w.len, 2);
	ck_assert(w.err);
	wbuf_reset(&w);
	ck_assert(!w.err);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 0x0A0B0C0D), 0);
	ck_assert_uint_eq(buf[3], 0x0D);
	/* a NULL buffer has no room at all */
	wbuf_init(&w, NULL, 100);
	ck_assert_int_eq(wbuf_put_u8(&w, 1), -1);
}
END_TEST

START_TEST(test_writer_patch)
{
	uint8_t buf[8];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	wbuf_put_u8(&w, 0xFF);
	wbuf_put_u16(&w, 0);
	wbuf_put_u8(&w, 0);
	ck_assert_int_eq(wbuf_set_u16(&w, 1, 0xBEEF), 0);
	ck_assert_int_eq(wbuf_set_u8(&w, 3, 0x42), 0);
	ck_assert_uint_eq(be16_get(buf + 1), 0xBEEF);
	ck_assert_uint_eq(buf[3], 0x42);
	/* patching is only allowed inside what was written */
	ck_assert_int_eq(wbuf_set_u8(&w, 4, 1), -1);
	ck_assert_int_eq(wbuf_set_u16(&w, 3, 1), -1);
	ck_assert_int_eq(wbuf_set_u16(&w, (size_t)-1, 1), -1);
	ck_assert_int_eq(wbuf_set_u8(&w, (size_t)-1, 1), -1);
	ck_assert_uint_eq(w.len, 4);
	/* truncation forgets the tail, never grows */
	wbuf_truncate(&w, 2);
	ck_assert_uint_eq(w.len, 2);
	wbuf_truncate(&w, 6);
	ck_assert_uint_eq(w.len, 2);
	ck_assert_int_eq(wbuf_set_u16(&w, 1, 1), -1);
}
END_TEST

START_TEST(test_be_helpers)
{
	uint8_t b[4];

	be16_put(b, 0xA1B2);
	ck_assert_uint_eq(b[0], 0xA1);
	ck_assert_uint_eq(be16_get(b), 0xA1B2);
	be32_put(b, 0xFFFEFDFC);
	ck_assert_uint_eq(b[3], 0xFC);
	ck_assert_uint_eq(be32_get(b), 0xFFFEFDFCu);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("reader");

	tcase_add_loop_test(tc, test_getter_short, 0, G_MAX);
	tcase_add_loop_test(tc, test_getter_exact, 0, G_MAX);
	tcase_add_test(tc, test_reader_misc);
	suite_add_tcase(s, tc);
	tc = tcase_create("writer");
	tcase_add_test(tc, test_writer_values);
	tcase_add_loop_test(tc, test_writer_short, 0, 7);
	tcase_add_test(tc, test_writer_sticky);
	tcase_add_test(tc, test_writer_patch);
	tcase_add_test(tc, test_be_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
