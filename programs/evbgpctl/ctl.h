/*
 * evbgpctl's testable core (core.c): no I/O.
 *
 *  - The command grammar, read from the daemon's own help lines
 *    (api_help_lines(): "show neighbor [summary|extensive|configuration]
 *    [IP] [json]" ...), so that completion and --json follow the grammar
 *    evbgpd parses and cannot drift from it.
 *  - Answers: one command's answer lines classified (content, done,
 *    error, an error's reason).
 *  - Batch results: counting done / error / not answered, and the summary.
 *  - Neighbor addresses out of a "show neighbor json" answer.
 */
#ifndef EVBGPCTL_CTL_H
#define EVBGPCTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_grammar;

/* evbgpctl --help: the head, then each form of the grammar indented by
 * four spaces, then the tail (EXAMPLES last). */
extern const char ctl_usage_head[];
extern const char ctl_usage_tail[];

/* What may come next after some words of a command. */
struct ctl_next {
	char		**words;	/* literal words, sorted, no repeats */
	size_t		  n;
	bool		  neighbor;	/* a neighbor's address */
	bool		  value;	/* another value (prefix, number ...) */
};

/* The grammar of the command forms (help lines; a line that names
 * COMMAND, the selector's own form, or starts with '#' is left out). */
struct ctl_grammar *ctl_grammar_new(const char *const *forms);
void	ctl_grammar_free(struct ctl_grammar *g);
/* What may follow words[0..n) (a "neighbor ..." selector first is
 * understood); next is emptied first. */
void	ctl_grammar_next(const struct ctl_grammar *g, char *const *words,
	    size_t n, struct ctl_next *next);
void	ctl_next_free(struct ctl_next *next);
/* Does the command take a last word "json" it does not have yet? */
bool	ctl_grammar_takes_json(const struct ctl_grammar *g, const char *line);

/* Split line at blanks; *words is allocated (free with ctl_words_free). */
size_t	ctl_split_words(const char *line, char ***words);
void	ctl_words_free(char **words, size_t n);

/* The peer addresses of a "show neighbor json" answer, sorted, no
 * repeats; -1 when json is not such an answer. */
int	ctl_neighbor_addresses(const char *json, char ***addrs, size_t *n);

/* One line of an answer. */
enum ctl_line_kind {
	CTL_LINE_CONTENT,	/* print it */
	CTL_LINE_DONE,		/* "done": the command succeeded */
	CTL_LINE_ERROR,		/* "error": the command failed */
	CTL_LINE_REASON,	/* "error: REASON": why (an "error" may
				 * follow, or the daemon closes) */
};
enum ctl_line_kind ctl_line_kind(const char *line);

/* How a command ended. */
enum ctl_result {
	CTL_DONE,
	CTL_ERROR,
	CTL_LOST,		/* no answer: not connected, connection
				 * lost, timeout */
};

/* Counts of a batch run. */
struct ctl_tally {
	unsigned long	 done;
	unsigned long	 error;
	unsigned long	 not_answered;	/* evbgpd unreachable or gone */
};

/*
 * Progress of a big injection: the neighbors' Adj-RIB-Out totals out of
 * a "show neighbor json" answer (routes queued, sent in UPDATEs, and
 * acknowledged by the sessions' TCP), summed over the neighbors.
 */
struct ctl_progress {
	unsigned long long queued, sent, acked;
	size_t		 neighbors, established;
};
/* 0, or -1 when json is not such an answer. */
int	ctl_progress_parse(const char *json, struct ctl_progress *p);
/* "progress: N commands (D done, E errors); Adj-RIB-Out of K neighbors:
 * Q queued, S sent, A acknowledged" into buf: sent and acknowledged
 * since base (when the file began). */
void	ctl_progress_line(const struct ctl_tally *t,
	    const struct ctl_progress *base, const struct ctl_progress *now,
	    char *buf, size_t len);

/* "N commands: D done, E errors[, U not answered]" into buf. */
void	ctl_tally_summary(const struct ctl_tally *t, char *buf, size_t len);
/* The command as quoted in a message: at most len - 1 bytes, "..." at
 * the end when cut. */
void	ctl_abbrev(const char *line, char *buf, size_t len);

#endif /* EVBGPCTL_CTL_H */
