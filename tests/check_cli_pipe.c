/*
 * exabgpcli's named pipes (cli_pipe): where they are looked for, what is
 * refused (a plain file, a world-writable pipe, a symlink, nothing
 * there), and the serving: a command in, its answer out with the line
 * handler's done/error, several commands in one write, an answer larger
 * than the pipe, an over-long command, nobody reading the answer.
 * Real named pipes in a temporary directory; the line handler is a fake
 * that records the lines and answers like api_exec.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbgp/cli_pipe.h"
#include "evbgp/util.h"

struct fake {
	char	 lines[16][128];
	size_t	 n;
	size_t	 big;		/* bytes of a "big" answer */
	int	 released;
};

static void
fake_line(void *arg, struct line_client *c, const char *line, size_t len)
{
	struct fake *f = arg;

	ck_assert_str_eq(c->name, "exabgpcli");
	ck_assert(!c->helper);
	ck_assert_uint_eq(strlen(line), len);
	if (f->n < 16)
		snprintf(f->lines[f->n], sizeof(f->lines[0]), "%s", line);
	f->n++;
	if (strcmp(line, "big") == 0) {
		char *b = xmalloc(f->big);

		memset(b, 'x', f->big);
		b[f->big - 1] = '\n';
		c->reply(c->ctx, b, f->big);
		free(b);
	} else if (strncmp(line, "bad", 3) == 0) {
		c->reply(c->ctx, "error\n", 6);
		return;
	} else if (strcmp(line, "reason") == 0) {
		/* an error with its reasons, as evbgpctl clients get it */
		c->reply(c->ctx, "error: unknown command 'reason'\n", 32);
		c->reply(c->ctx, "error: a second reason\nerror: a third\n",
		    38);
		c->reply(c->ctx, "error\n", 6);
		return;
	} else {
		c->reply(c->ctx, "answer ", 7);
		c->reply(c->ctx, line, len);
		c->reply(c->ctx, "\n", 1);
	}
	c->reply(c->ctx, "done\n", 5);
}

static void
fake_release(void *arg, struct line_client *c)
{
	struct fake *f = arg;

	f->released++;
	c->state = NULL;
}

static char tmpdir[64];

static void
make_dir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_cli_pipe.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
}

static void
path(char *buf, size_t n, const char *sub, const char *name)
{
	snprintf(buf, n, "%s/%s%s", tmpdir, sub, name);
}

static void
remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_dirs)
{
	char d[CLI_PIPE_NDIRS][32];

	cli_pipe_dirs(0, d);
	ck_assert_str_eq(d[0], "/run/exabgp/");
	ck_assert_str_eq(d[1], "/run/0/");
	ck_assert_str_eq(d[2], "/run/");
	ck_assert_str_eq(d[3], "/var/run/exabgp/");
	ck_assert_str_eq(d[4], "/var/run/0/");
	ck_assert_str_eq(d[5], "/var/run/");
	cli_pipe_dirs(4294967294u, d);
	ck_assert_str_eq(d[1], "/run/4294967294/");
}
END_TEST

/* The first directory with both pipes wins; what is wrong is said. */
START_TEST(test_find)
{
	char a[128], b[128], c[128], p[256], dir[64], why[600];
	const char *dirs[3];

	make_dir();
	path(a, sizeof(a), "a/", "");
	path(b, sizeof(b), "b/", "");
	path(c, sizeof(c), "c/", "");
	ck_assert_int_eq(mkdir(a, 0755), 0);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	ck_assert_int_eq(mkdir(c, 0755), 0);
	dirs[0] = a;
	dirs[1] = b;
	dirs[2] = c;
	/* nothing anywhere, and a missing directory: not found, no why */
	ck_assert_int_eq(cli_pipe_find(dirs, 3, "exabgp", dir, sizeof(dir),
	    why, sizeof(why)), -1);
	ck_assert_str_eq(why, "");
	/* a: only .in; b: .in is a plain file; c: both pipes */
	path(p, sizeof(p), "a/", "exabgp.in");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	path(p, sizeof(p), "b/", "exabgp.in");
	ck_assert_int_eq(close(open(p, O_CREAT | O_WRONLY, 0600)), 0);
	path(p, sizeof(p), "b/", "exabgp.out");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	path(p, sizeof(p), "c/", "exabgp.in");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	path(p, sizeof(p), "c/", "exabgp.out");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(cli_pipe_find(dirs, 3, "exabgp", dir, sizeof(dir),
	    why, sizeof(why)), 0);
	ck_assert_str_eq(dir, c);
	ck_assert_ptr_nonnull(strstr(why, "is not a named pipe"));
	/* another name is not found */
	ck_assert_int_eq(cli_pipe_find(dirs, 3, "other", dir, sizeof(dir),
	    why, sizeof(why)), -1);
	/* a pipe anyone may write to is refused */
	path(p, sizeof(p), "c/", "exabgp.in");
	ck_assert_int_eq(chmod(p, 0622), 0);
	ck_assert_int_eq(cli_pipe_find(dirs, 3, "exabgp", dir, sizeof(dir),
	    why, sizeof(why)), -1);
	ck_assert_int_eq(cli_pipe_find(dirs + 2, 1, "exabgp", dir,
	    sizeof(dir), why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "writable by every user"));
	/* a symlink to a pipe is not a pipe */
	ck_assert_int_eq(chmod(p, 0600), 0);
	path(p, sizeof(p), "a/", "exabgp.out");
	path(b, sizeof(b), "c/", "exabgp.out");
	ck_assert_int_eq(symlink(b, p), 0);
	dirs[1] = dirs[2] = a;
	ck_assert_int_eq(cli_pipe_find(dirs, 1, "exabgp", dir, sizeof(dir),
	    why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "not a named pipe"));
	remove_dir();
}
END_TEST

struct served {
	struct event_base *base;
	struct cli_pipe *cp;
	struct fake f;
	struct line_handler lh;
	char	 in[128], out[128];
	int	 rd;		/* our reader of .out */
};

static void
serve(struct served *s)
{
	memset(s, 0, sizeof(*s));
	make_dir();
	path(s->in, sizeof(s->in), "", "p.in");
	path(s->out, sizeof(s->out), "", "p.out");
	ck_assert_int_eq(mkfifo(s->in, 0600), 0);
	ck_assert_int_eq(mkfifo(s->out, 0600), 0);
	s->base = event_base_new();
	s->lh.line = fake_line;
	s->lh.release = fake_release;
	s->lh.arg = &s->f;
	snprintf(s->in, sizeof(s->in), "%s/", tmpdir);
	s->cp = cli_pipe_new(s->base, s->in, "p", &s->lh);
	ck_assert_ptr_nonnull(s->cp);
	path(s->in, sizeof(s->in), "", "p.in");
	/* as exabgpcli: the reader first */
	s->rd = open(s->out, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(s->rd, 0);
}

static void
unserve(struct served *s)
{
	cli_pipe_free(s->cp);
	ck_assert_int_eq(s->f.released, 1);
	event_base_free(s->base);
	if (s->rd != -1)
		close(s->rd);
	remove_dir();
}

static void
send_text(struct served *s, const char *text, size_t len)
{
	/* non-blocking: a full pipe waits for the loop to read it */
	int fd = open(s->in, O_WRONLY | O_NONBLOCK);
	size_t off = 0;
	double end = mono_now() + 10;

	ck_assert_int_ge(fd, 0);
	while (off < len && mono_now() < end) {
		ssize_t n = write(fd, text + off, len - off);

		if (n > 0)
			off += (size_t)n;
		else
			ck_assert_int_eq(errno, EAGAIN);
		event_base_loop(s->base, EVLOOP_NONBLOCK);
	}
	ck_assert_uint_eq(off, len);
	close(fd);
}

/* Run the loop and read .out until it holds `want` lines ending "done"
 * or "error" (bounded: 10 s). The text read, in a static buffer. */
static char *
read_answers(struct served *s, int want, size_t *total)
{
	static char buf[1 << 20];
	size_t len = 0;
	int ends = 0;
	double end = mono_now() + 10;

	*total = 0;
	while (ends < want && mono_now() < end) {
		struct timeval tv = { 0, 10000 };
		ssize_t n;

		event_base_loopexit(s->base, &tv);
		event_base_dispatch(s->base);
		while ((n = read(s->rd, buf + len, sizeof(buf) - 1 - len)) > 0) {
			*total += (size_t)n;
			len += (size_t)n;
			buf[len] = '\0';
			/* keep only the tail of a big answer */
			if (len > sizeof(buf) / 2) {
				memmove(buf, buf + len - 64, 64);
				len = 64;
				buf[len] = '\0';
			}
		}
		ends = 0;
		for (char *p = buf; (p = strstr(p, "done\n")) != NULL; p++)
			ends++;
		for (char *p = buf; (p = strstr(p, "error\n")) != NULL; p++)
			ends++;
	}
	ck_assert_int_ge(ends, want);
	return buf;
}

START_TEST(test_serve)
{
	struct served s;
	size_t total;
	char *a;

	serve(&s);
	send_text(&s, "show neighbor summary\n", 22);
	a = read_answers(&s, 1, &total);
	ck_assert_str_eq(a, "answer show neighbor summary\ndone\n");
	ck_assert_uint_eq(s.f.n, 1);
	/* exabgpcli closed its reader; the next opens another */
	close(s.rd);
	s.rd = open(s.out, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(s.rd, 0);
	/* two commands in one write, CR LF, an error */
	send_text(&s, "one\r\nbad thing\n", 15);
	a = read_answers(&s, 2, &total);
	ck_assert_str_eq(a, "answer one\ndone\nerror\n");
	ck_assert_str_eq(s.f.lines[1], "one");
	ck_assert_str_eq(s.f.lines[2], "bad thing");
	/* exabgpcli gets ExaBGP's bare "error", without the reasons */
	send_text(&s, "reason\n", 7);
	a = read_answers(&s, 1, &total);
	ck_assert_str_eq(a, "error\n");
	unserve(&s);
}
END_TEST

/* An answer far larger than a pipe holds goes out as the reader drains
 * it, whole. */
START_TEST(test_big_answer)
{
	struct served s;
	size_t total;

	serve(&s);
	s.f.big = 3u << 20;
	send_text(&s, "big\n", 4);
	(void)read_answers(&s, 1, &total);
	ck_assert_uint_eq(total, s.f.big + 5);
	unserve(&s);
}
END_TEST

/* Hostile input: a command of 100 KiB is refused with one "error" and
 * never reaches the handler; the next command works. Nobody reading:
 * the answer is dropped, nothing blocks. */
START_TEST(test_hostile)
{
	struct served s;
	size_t total, n = 100 * 1024;
	char *big = xmalloc(n + 1), *a;

	serve(&s);
	memset(big, 'a', n);
	big[n] = '\n';
	send_text(&s, big, n + 1);
	a = read_answers(&s, 1, &total);
	ck_assert_str_eq(a, "error\n");
	ck_assert_uint_eq(s.f.n, 0);
	send_text(&s, "after\n", 6);
	a = read_answers(&s, 1, &total);
	ck_assert_str_eq(a, "answer after\ndone\n");
	/* no reader: the answer is dropped (ENXIO), the loop goes on */
	close(s.rd);
	s.rd = -1;
	send_text(&s, "unheard\n", 8);
	for (int i = 0; i < 20; i++)
		event_base_loop(s.base, EVLOOP_NONBLOCK);
	ck_assert_uint_eq(s.f.n, 2);
	s.rd = open(s.out, O_RDONLY | O_NONBLOCK);
	send_text(&s, "heard\n", 6);
	a = read_answers(&s, 1, &total);
	ck_assert_str_eq(a, "answer heard\ndone\n");
	free(big);
	unserve(&s);
}
END_TEST

/* Many commands in one go (more than a batch, more than the answers'
 * pipe holds): every one answered, in order. */
START_TEST(test_flood)
{
	struct served s;
	size_t total, n = 3000, len = 0;
	char *text = xmalloc(n * 16), *a;

	serve(&s);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "c%zu\n", i);
	send_text(&s, text, len);
	a = read_answers(&s, (int)n, &total);
	ck_assert_uint_eq(s.f.n, n);
	ck_assert_str_eq(s.f.lines[15], "c15");
	/* the last answer ends what was read */
	ck_assert_ptr_nonnull(strstr(a, "answer c2999\ndone\n"));
	free(text);
	unserve(&s);
}
END_TEST

/* The pipes missing (or a plain file) when serving starts: NULL. */
START_TEST(test_open_refused)
{
	struct event_base *base = event_base_new();
	struct fake f;
	struct line_handler lh = { fake_line, fake_release, &f };
	char p[128], dir[80];

	memset(&f, 0, sizeof(f));
	make_dir();
	snprintf(dir, sizeof(dir), "%s/", tmpdir);
	ck_assert_ptr_null(cli_pipe_new(base, dir, "none", &lh));
	path(p, sizeof(p), "", "file.in");
	ck_assert_int_eq(close(open(p, O_CREAT | O_WRONLY, 0600)), 0);
	ck_assert_ptr_null(cli_pipe_new(base, dir, "file", &lh));
	event_base_free(base);
	remove_dir();
}
END_TEST

static Suite *
cli_pipe_suite(void)
{
	Suite *s = suite_create("cli_pipe");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_dirs);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_serve);
	tcase_add_test(tc, test_big_answer);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_open_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_pipe_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
