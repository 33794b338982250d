/*
 * evbgpctl's interactive shell, on libedit's readline interface: line
 * editing, a history kept across sessions, and TAB completion. What may
 * come next is the daemon's grammar (ctl_grammar_next over
 * api_help_lines); where a neighbor's address may come, the addresses
 * are asked of evbgpd ("show neighbor json", at most every two
 * seconds).
 *
 * Each command gets its own connection: an idle shell holds no control
 * client slot, and a daemon restarted meanwhile is simply found again.
 *
 * readline's completion callbacks take no argument, so the shell's
 * state is reached through one file-static pointer, set only while
 * ctl_shell() runs.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <editline/readline.h>

#include "client.h"
#include "ctl.h"
#include "evbgp/util.h"

#define SHELL_PROMPT		"evbgpctl> "
#define SHELL_HISTORY_MAX	1000
#define SHELL_NEIGHBORS_TTL	2.0	/* seconds an address list is kept */
#define SHELL_QUERY_TIMEOUT	2000	/* ms for the completion's query */

struct shell {
	struct ctl	*c;
	char		**cands;	/* what the current TAB may give */
	size_t		  ncands;
	size_t		  next;		/* shell_generate's position */
	char		**nbrs;		/* neighbor addresses, when known */
	size_t		  nnbrs;
	double		  nbrs_at;	/* when they were asked (monotonic) */
};

static struct shell *shell_now;

static double
shell_now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
shell_sink_sbuf(void *arg, const char *line)
{
	sbuf_adds(arg, line);
	sbuf_addc(arg, '\n');
}

/* Ask evbgpd for the neighbor addresses, quietly: on any failure the
 * list is just empty. */
static void
shell_fetch_neighbors(struct shell *sh)
{
	struct ctl q = { .path = sh->c->path, .fd = -1,
	    .timeout_ms = SHELL_QUERY_TIMEOUT };
	struct ctl_answer a;
	struct sbuf out;

	if (sh->nbrs_at > 0 &&
	    shell_now_seconds() - sh->nbrs_at < SHELL_NEIGHBORS_TTL)
		return;
	ctl_words_free(sh->nbrs, sh->nnbrs);
	sh->nbrs = NULL;
	sh->nnbrs = 0;
	sh->nbrs_at = shell_now_seconds();
	if (ctl_connect(&q) == -1)
		return;
	sbuf_init(&out);
	ctl_run(&q, "show neighbor json", shell_sink_sbuf, &out, &a);
	if (a.result == CTL_DONE && out.len > 0 &&
	    ctl_neighbor_addresses(out.p, &sh->nbrs, &sh->nnbrs) == -1) {
		sh->nbrs = NULL;
		sh->nnbrs = 0;
	}
	ctl_answer_free(&a);
	sbuf_free(&out);
	ctl_disconnect(&q);
	free(q.buf);
}

/* readline's generator: the next candidate starting with text. */
static char *
shell_generate(const char *text, int state)
{
	struct shell *sh = shell_now;
	size_t len = strlen(text);

	if (state == 0)
		sh->next = 0;
	while (sh->next < sh->ncands) {
		const char *w = sh->cands[sh->next++];

		if (strncmp(w, text, len) == 0)
			return strdup(w);	/* readline frees it */
	}
	return NULL;
}

static void
shell_cand_add(struct shell *sh, const char *w)
{
	sh->cands = xreallocarray(sh->cands, sh->ncands + 1,
	    sizeof(*sh->cands));
	sh->cands[sh->ncands++] = xstrdup(w);
}

/* readline's completion: the word at start..end of rl_line_buffer. */
static char **
shell_complete(const char *text, int start, int end)
{
	struct shell *sh = shell_now;
	struct ctl_next next;
	char *before = xstrndup(rl_line_buffer, (size_t)start), **words;
	size_t n = ctl_split_words(before, &words);

	rl_attempted_completion_over = 1;	/* never file names */
	ctl_words_free(sh->cands, sh->ncands);
	sh->cands = NULL;
	sh->ncands = 0;
	ctl_grammar_next(sh->c->grammar, words, n, &next);
	for (size_t i = 0; i < next.n; i++)
		shell_cand_add(sh, next.words[i]);
	if (next.neighbor) {
		shell_fetch_neighbors(sh);
		for (size_t i = 0; i < sh->nnbrs; i++)
			shell_cand_add(sh, sh->nbrs[i]);
	}
	ctl_next_free(&next);
	ctl_words_free(words, n);
	free(before);
	return rl_completion_matches(text, shell_generate);
}

/* The history file: $EVBGPCTL_HISTORY ("" for none), else
 * $HOME/.evbgpctl_history; NULL for none. */
static char *
shell_history_path(void)
{
	const char *env = getenv("EVBGPCTL_HISTORY"), *home;
	char *path;

	if (env != NULL)
		return env[0] != '\0' ? xstrdup(env) : NULL;
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0')
		return NULL;
	if (asprintf(&path, "%s/.evbgpctl_history", home) == -1)
		return NULL;
	return path;
}

static void
shell_history_save(const char *path)
{
	/* commands may name what an operator would rather keep private */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1 || write_history(path) != 0)
		fprintf(stderr, "evbgpctl: cannot save the history in %s\n",
		    path);
	if (fd != -1)
		close(fd);
}

/* Run one line typed at the prompt. */
static void
shell_run(struct ctl *c, const char *line)
{
	struct ctl_answer a;

	if (ctl_connect(c) == -1) {
		fprintf(stderr, "%s\n", c->err);
		return;
	}
	ctl_run(c, line, ctl_sink_stdout, NULL, &a);
	ctl_print_failure("", &a);
	ctl_answer_free(&a);
	ctl_disconnect(c);
}

/* The line without leading and trailing blanks, in place. */
static char *
shell_trim(char *line)
{
	size_t n;

	line += strspn(line, " \t");
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	return line;
}

int
ctl_shell(struct ctl *c)
{
	struct shell sh = { .c = c };
	char *hist = shell_history_path(), *last = NULL, *raw;
	bool quit = false;

	shell_now = &sh;
	rl_readline_name = "evbgpctl";
	rl_attempted_completion_function = shell_complete;
	using_history();
	stifle_history(SHELL_HISTORY_MAX);
	if (hist != NULL && access(hist, R_OK) == 0)
		read_history(hist);
	printf("evbgpctl %s on %s: 'help' lists the commands, TAB completes, "
	    "'quit' or ^D leaves\n", EVBGP_VERSION, c->path);
	if (ctl_connect(c) == -1)
		fprintf(stderr, "%s\n", c->err);
	ctl_disconnect(c);
	fflush(stdout);
	while ((raw = readline(SHELL_PROMPT)) != NULL) {
		char *line = shell_trim(raw);

		quit = strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0;
		if (quit) {
			free(raw);
			break;
		}
		if (line[0] != '\0' && (last == NULL || strcmp(last, line))) {
			add_history(line);
			free(last);
			last = xstrdup(line);
		}
		if (line[0] != '\0' && line[0] != '#')
			shell_run(c, line);
		free(raw);
	}
	if (!quit)
		putchar('\n');	/* ^D left the cursor after the prompt */
	if (hist != NULL)
		shell_history_save(hist);
	free(hist);
	free(last);
	ctl_words_free(sh.cands, sh.ncands);
	ctl_words_free(sh.nbrs, sh.nnbrs);
	shell_now = NULL;
	return 0;
}
