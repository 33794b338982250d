/*
 * evbgpctl's connection to evbgpd (main.c) and its interactive shell
 * (shell.c). Functions that fail put the reason in c->err and return -1
 * (or CTL_LOST); the caller prints it, once, in the form its mode needs.
 */
#ifndef EVBGPCTL_CLIENT_H
#define EVBGPCTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"

struct ctl {
	const char	*path;
	bool		 json;
	int		 progress;	/* --progress: 1; 0 (default): when
					   stderr is a terminal */
	int		 timeout_ms;	/* -1: no limit */
	int		 fd;		/* -1: not connected */
	/* answer bytes: buf[off..len) not consumed yet, of which
	 * buf[off..scanned) holds no newline */
	char		*buf;
	size_t		 off, scanned, len, cap;
	bool		 eof;
	bool		 answered;	/* a command was answered on fd */
	struct ctl_grammar *grammar;
	char		 err[512];
};

/* One command's outcome. */
struct ctl_answer {
	enum ctl_result	 result;
	char		*reason;	/* why it failed, if known; malloc'd */
	bool		 local;		/* the reason is evbgpctl's, not
					 * evbgpd's */
};

/* Where content lines go: stdout, or a buffer. */
typedef void ctl_sink_fn(void *arg, const char *line);

/* Connect to c->path; -1 with c->err. */
int	ctl_connect(struct ctl *c);
/* Half-close, close, forget what was buffered. */
void	ctl_disconnect(struct ctl *c);
/* Send one command line (no newline; ' json' appended under --json when
 * the grammar takes it) and read its answer, content lines to sink. */
void	ctl_run(struct ctl *c, const char *line, ctl_sink_fn *sink, void *arg,
	    struct ctl_answer *a);
void	ctl_answer_free(struct ctl_answer *a);
/* Print a failed answer's message on stderr after prefix. */
void	ctl_print_failure(const char *prefix, const struct ctl_answer *a);
/* Content lines to stdout. */
void	ctl_sink_stdout(void *arg, const char *line);

/* The interactive shell; its exit status. */
int	ctl_shell(struct ctl *c);

#endif /* EVBGPCTL_CLIENT_H */
