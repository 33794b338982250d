/*
 * Log suite: repeated identical warnings are held back and counted
 * ("last message repeated N times"), with bounded memory (log.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/log.h"

static char path[64];

static void
setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_log.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	close(fd);
	log_init(true, LOG_DEST_FILE, LOG_INFO, path);
}

static void
teardown(void)
{
	log_init(true, LOG_DEST_STDERR, LOG_ERR, NULL);
	unlink(path);
}

/* The log so far (caller frees). */
static char *
slurp(void)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	ck_assert_int_eq((long)fread(s, 1, (size_t)n, f), n);
	fclose(f);
	return s;
}

static size_t
count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

START_TEST(repeats_counted)
{
	char *s;

	for (int i = 0; i < 1000; i++)
		log_warnx("peer %s: malformed UPDATE", "192.0.2.1");
	log_warnx("something else");
	s = slurp();
	ck_assert_uint_eq(count(s, "malformed UPDATE"), 1);
	ck_assert_msg(strstr(s, "warning: last message repeated 999 times\n")
	    != NULL, "%s", s);
	/* the count comes before the next line */
	ck_assert(strstr(s, "repeated 999") < strstr(s, "something else"));
	free(s);
}
END_TEST

START_TEST(different_lines_all_written)
{
	char *s;

	for (int i = 0; i < 10; i++)
		log_warnx("warning number %d", i % 2);
	s = slurp();
	ck_assert_uint_eq(count(s, "warning number"), 10);
	ck_assert_ptr_null(strstr(s, "repeated"));
	free(s);
}
END_TEST

/* Only warnings and worse: info lines are the operator's to read. */
START_TEST(info_not_held)
{
	char *s;

	for (int i = 0; i < 3; i++)
		log_info("peer up");
	s = slurp();
	ck_assert_uint_eq(count(s, "peer up"), 3);
	free(s);
}
END_TEST

/* A count still pending when the log closes is written. */
START_TEST(close_flushes_count)
{
	char *s;

	log_warnx("same");
	log_warnx("same");
	log_warnx("same");
	log_close();
	s = slurp();
	ck_assert_uint_eq(count(s, "] warning: same\n"), 1);
	ck_assert_msg(strstr(s, "last message repeated 2 times") != NULL, "%s",
	    s);
	free(s);
}
END_TEST

/* Lines longer than the remembered one are never held (and never cut). */
START_TEST(long_lines_whole)
{
	char *big = malloc(LOG_REPEAT_MAX * 2 + 1), *s;

	memset(big, 'y', LOG_REPEAT_MAX * 2);
	big[LOG_REPEAT_MAX * 2] = '\0';
	log_warnx("%s", big);
	log_warnx("%s", big);
	s = slurp();
	ck_assert_uint_eq(count(s, big), 2);
	free(s);
	free(big);
}
END_TEST

/* A level change is a different line. */
START_TEST(level_matters)
{
	char *s;

	log_warnx("x");
	log_warn("x");	/* appends strerror: different text */
	log_notice("x");
	s = slurp();
	ck_assert_ptr_null(strstr(s, "repeated"));
	free(s);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("repeat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, repeats_counted);
	tcase_add_test(tc, different_lines_all_written);
	tcase_add_test(tc, info_not_held);
	tcase_add_test(tc, close_flushes_count);
	tcase_add_test(tc, long_lines_whole);
	tcase_add_test(tc, level_matters);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
