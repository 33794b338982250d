/*
 * The resident ring vmspliced into a pipe (pipe_ring.c), against a real
 * pipe: what the reader gets, when a region may be written again, the
 * ring's wrap, a full pipe and a pipe without a reader.
 */
#include <sys/uio.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/pipe_ring.h"

#define PAGE		4096
#define RING		(4 * PAGE)

struct fixture {
	int			 p[2];	/* [0] the reader's end */
	struct pipe_ring	*r;
};

static void
fixture_init(struct fixture *f)
{
	ck_assert_int_eq(pipe2(f->p, O_NONBLOCK | O_CLOEXEC), 0);
	f->r = pipe_ring_new(RING, f->p[1]);
	ck_assert_ptr_nonnull(f->r);
}

static void
fixture_free(struct fixture *f)
{
	pipe_ring_free(f->r);
	if (f->p[0] != -1)
		close(f->p[0]);
	close(f->p[1]);
}

/* n bytes of a pattern that differs at every offset of a wrap. */
static void
pattern(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('A' + (i * 7 + seed) % 53);
}

static void
read_exact(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);

		ck_assert_int_gt(k, 0);
		got += (size_t)k;
	}
}

/* Gather n pattern bytes; the ring must have room. */
static void
put(struct fixture *f, char *buf, size_t n, unsigned seed)
{
	pattern(buf, n, seed);
	ck_assert(pipe_ring_reserve(f->r, n));
	pipe_ring_put(f->r, buf, n);
}

/* A batch that crosses the ring's end is two pieces, spliced as one. */
START_TEST(test_ring_wrap_two_pieces)
{
	struct fixture f;
	struct iovec iov[2];
	char a[3 * PAGE], b[2 * PAGE], got[2 * PAGE];

	fixture_init(&f);
	put(&f, a, sizeof(a), 1);
	ck_assert_int_eq(pipe_ring_batch_iov(f.r, iov), 1);
	pipe_ring_batch_copied(f.r);	/* copied elsewhere: free at once */
	put(&f, b, sizeof(b), 2);
	ck_assert_int_eq(pipe_ring_batch_iov(f.r, iov), 2);
	ck_assert_uint_eq(iov[0].iov_len, PAGE);
	ck_assert_uint_eq(iov[1].iov_len, PAGE);
	ck_assert_int_eq(pipe_ring_splice(f.r), (ssize_t)sizeof(b));
	ck_assert_uint_eq(pipe_ring_batch_len(f.r), 0);
	read_exact(f.p[0], got, sizeof(got));
	ck_assert_mem_eq(got, b, sizeof(b));
	fixture_free(&f);
}
END_TEST

/*
 * Spliced bytes keep their region until the reader has read all of that
 * splice: no room meanwhile, and what the reader gets is what was
 * gathered, although the ring was asked for room in between.
 */
START_TEST(test_ring_held_until_read)
{
	struct fixture f;
	char a[RING], got[RING];

	fixture_init(&f);
	put(&f, a, sizeof(a), 3);
	ck_assert_int_eq(pipe_ring_splice(f.r), RING);
	ck_assert(!pipe_ring_reserve(f.r, 1));
	read_exact(f.p[0], got, PAGE);
	ck_assert(!pipe_ring_reserve(f.r, 1));	/* a splice is one span */
	read_exact(f.p[0], got + PAGE, RING - PAGE);
	ck_assert_mem_eq(got, a, sizeof(a));
	ck_assert(pipe_ring_reserve(f.r, RING));
	ck_assert(!pipe_ring_reserve(f.r, RING + 1));	/* never more */
	fixture_free(&f);
}
END_TEST

/*
 * Bytes written into the pipe by other means count: a splice behind them
 * is consumed only once the reader is past both.
 */
START_TEST(test_ring_counts_copies)
{
	struct fixture f;
	char copy[1000], a[2 * PAGE], got[2 * PAGE];

	fixture_init(&f);
	memset(copy, 'c', sizeof(copy));
	ck_assert_int_eq(write(f.p[1], copy, sizeof(copy)), sizeof(copy));
	pipe_ring_piped(f.r, sizeof(copy));
	put(&f, a, sizeof(a), 4);
	ck_assert_int_eq(pipe_ring_splice(f.r), (ssize_t)sizeof(a));
	put(&f, got, 2 * PAGE, 5);	/* the ring's other half */
	pipe_ring_batch_copied(f.r);
	read_exact(f.p[0], got, sizeof(copy));
	ck_assert(!pipe_ring_reserve(f.r, 2 * PAGE));
	read_exact(f.p[0], got, sizeof(a));
	ck_assert_mem_eq(got, a, sizeof(a));
	ck_assert(pipe_ring_reserve(f.r, RING));
	fixture_free(&f);
}
END_TEST

/* A full pipe takes nothing (0), the batch stays for the caller; once
 * the reader has made room the same batch goes in whole. */
START_TEST(test_ring_pipe_full)
{
	struct fixture f;
	char fill[PAGE], a[2 * PAGE], got[2 * PAGE];
	size_t n = 0;
	ssize_t k;

	fixture_init(&f);
	memset(fill, 'f', sizeof(fill));
	while ((k = write(f.p[1], fill, sizeof(fill))) > 0)
		n += (size_t)k;
	ck_assert_int_eq(errno, EAGAIN);
	put(&f, a, sizeof(a), 6);
	ck_assert_int_eq(pipe_ring_splice(f.r), 0);
	ck_assert_uint_eq(pipe_ring_batch_len(f.r), sizeof(a));
	while (n > 0) {
		k = read(f.p[0], fill, n < sizeof(fill) ? n : sizeof(fill));
		ck_assert_int_gt(k, 0);
		n -= (size_t)k;
	}
	ck_assert_int_eq(pipe_ring_splice(f.r), (ssize_t)sizeof(a));
	read_exact(f.p[0], got, sizeof(got));
	ck_assert_mem_eq(got, a, sizeof(a));
	fixture_free(&f);
}
END_TEST

/* No reader: -1 and EPIPE, the batch left to the caller. */
START_TEST(test_ring_no_reader)
{
	struct fixture f;
	char a[PAGE];

	signal(SIGPIPE, SIG_IGN);
	fixture_init(&f);
	close(f.p[0]);
	f.p[0] = -1;
	put(&f, a, sizeof(a), 7);
	ck_assert_int_eq(pipe_ring_splice(f.r), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_uint_eq(pipe_ring_batch_len(f.r), sizeof(a));
	fixture_free(&f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pipe_ring");
	TCase *tc = tcase_create("ring");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_ring_wrap_two_pieces);
	tcase_add_test(tc, test_ring_held_until_read);
	tcase_add_test(tc, test_ring_counts_copies);
	tcase_add_test(tc, test_ring_pipe_full);
	tcase_add_test(tc, test_ring_no_reader);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
