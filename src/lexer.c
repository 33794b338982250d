/*
 * Tokenizer for the configuration file and the text API (see lexer.h).
 * Works one line at a time because ExaBGP's grammar is line based: a
 * statement may not run onto the next line, and quotes end with the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/lexer.h"
#include "evbgp/util.h"

/* Characters that are tokens by themselves. */
static const char lex_syntax[] = ";{}[](),";

/* A growable word being read. */
struct lex_word {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	bool		 active;	/* a word started (maybe "") */
	bool		 quoted;
};

struct lex_state {
	struct lex_tokens *out;
	struct lex_word	 w;
	int		 line;
	char		*err;
	size_t		 errlen;
	bool		 config;	/* a file: "run" lines split as 4.2 */
	bool		 stmt_start;	/* the next word starts a statement */
};

static void
word_add(struct lex_word *w, char c)
{
	if (w->len + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->buf = xreallocarray(w->buf, w->cap, 1);
	}
	w->buf[w->len++] = c;
	w->active = true;
}

static void
emit(struct lex_state *st, const char *text, size_t len, bool quoted)
{
	struct lex_tokens *o = st->out;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	o->v[o->n].text = xstrndup(text, len);
	o->v[o->n].line = st->line;
	o->v[o->n].quoted = quoted;
	o->n++;
}

static void
flush_word(struct lex_state *st)
{
	struct lex_word *w = &st->w;

	if (!w->active)
		return;
	st->stmt_start = false;
	emit(st, w->buf ? w->buf : "", w->len, w->quoted);
	w->len = 0;
	w->active = false;
	w->quoted = false;
}

static char
unescape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	default:
		return c;
	}
}

/* A word of a run line: a word, never syntax (ExaBGP passes '[' on). */
static void
run_flush(struct lex_state *st)
{
	if (st->w.len > 0)
		st->w.active = true;
	st->w.quoted = true;
	flush_word(st);
	st->w.quoted = false;
	st->w.active = false;
}

/*
 * The arguments of a "run" statement, split exactly as ExaBGP 4.2.21
 * does (configuration/core/format.py): the line is unescaped first
 * (\b \f \n \r \t; \uXXXX is refused, as 4.2 fails on it; any other \C is
 * C: "\d" is "d", and an
 * escaped ';' or quote acts as the bare one), then split on blanks; ';'
 * '{' '}' end the statement; '[' ']' ',' are words of their own;
 * parentheses are ordinary characters; a quote (' or ") starts a quoted
 * part that joins what precedes it ("x\"y z\"w" is "xy z" then "w"), a
 * different quote character inside it becomes the closing one, and the
 * closing quote ends the word; '#' outside quotes starts a comment, or
 * is an error right after a word. Every word is marked quoted (never
 * syntax). Returns the index in s after the terminator (or len), or -1.
 */
static long
lex_run_rest(struct lex_state *st, const char *s, size_t len)
{
	char quote = 0;
	size_t i = 0;

	while (i < len) {
		unsigned cp = (unsigned char)s[i++];

		if (cp == '\\') {
			if (i >= len) {
				snprintf(st->err, st->errlen,
				    "'\\' at the end of a line");
				return -1;
			}
			cp = (unsigned char)s[i++];
			switch (cp) {
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				/* 4.2.21 fails on every \uXXXX (its unescape
				 * yields bytes): refused as it refuses it */
				snprintf(st->err, st->errlen, "'\\u' escapes "
				    "are not supported in a run line (ExaBGP "
				    "4.2 cannot read them either)");
				return -1;
			default:
				break;
			}
		}
		if (cp == '\0') {
			snprintf(st->err, st->errlen, "NUL byte in input");
			return -1;
		}
		if (cp == '#' && quote == 0) {
			if (st->w.len > 0) {
				snprintf(st->err, st->errlen, "invalid syntax: "
				    "'#' right after a word (ExaBGP refuses "
				    "it; quote the word)");
				return -1;
			}
			return (long)len;
		}
		if ((cp == ';' || cp == '{' || cp == '}') && quote == 0) {
			char c = (char)cp;

			run_flush(st);
			emit(st, &c, 1, false);
			st->stmt_start = true;
			return (long)i;
		}
		if (quote == 0 && (cp == '[' || cp == ']' || cp == ',')) {
			char c = (char)cp;

			run_flush(st);
			emit(st, &c, 1, true);
			continue;
		}
		if (quote == 0 && (cp == ' ' || cp == '\t' || cp == '\r' ||
		    cp == '\n')) {
			run_flush(st);
			continue;
		}
		if (cp == '"' || cp == '\'') {
			if (quote == (char)cp) {
				/* closing: the word, empty or not */
				quote = 0;
				st->w.active = true;
				run_flush(st);
			} else {
				quote = (char)cp;
			}
			continue;
		}
		word_add(&st->w, (char)cp);
	}
	if (quote != 0) {
		snprintf(st->err, st->errlen, "unterminated %c quote", quote);
		return -1;
	}
	return (long)len;
}

/*
 * Tokenize the line s[0..len) into st->out. Returns 0 or -1 (message in
 * st->err).
 */
static int
lex_one_line(struct lex_state *st, const char *s, size_t len)
{
	char quote = 0;

	st->stmt_start = true;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		/* "run" at the start of a statement of a file: 4.2's split */
		if (st->config && st->stmt_start && quote == 0 &&
		    !st->w.active && c == 'r' && len - i > 3 &&
		    memcmp(s + i, "run", 3) == 0 && (s[i + 3] == ' ' ||
		    s[i + 3] == '\t')) {
			long end;

			emit(st, "run", 3, false);
			st->stmt_start = false;
			if ((end = lex_run_rest(st, s + i + 3, len - i - 3)) == -1)
				return -1;
			/* a word the line's end left open: the statement
			 * check reports the missing ';' */
			run_flush(st);
			i += 3 + (size_t)end - 1;
			continue;
		}

		if (c == '\0') {
			snprintf(st->err, st->errlen, "NUL byte in input");
			return -1;
		}
		if (c == '\\') {
			if (i + 1 >= len) {
				snprintf(st->err, st->errlen,
				    "'\\' at the end of a line");
				return -1;
			}
			word_add(&st->w, unescape(s[++i]));
		} else if (quote != 0) {
			if (c == quote)
				quote = 0;
			else
				word_add(&st->w, c);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			flush_word(st);
		} else if (c == '#' && !st->w.active) {
			break;
		} else if (strchr(lex_syntax, c) != NULL) {
			flush_word(st);
			emit(st, &c, 1, false);
			st->stmt_start = c == ';' || c == '{' || c == '}';
			continue;
		} else if (c == '"' || c == '\'') {
			quote = c;
			st->w.active = true;
			st->w.quoted = true;
		} else {
			word_add(&st->w, c);
		}
	}
	if (quote != 0) {
		snprintf(st->err, st->errlen, "unterminated %c quote", quote);
		return -1;
	}
	flush_word(st);
	return 0;
}

bool
lex_is(const struct lex_token *t, const char *s)
{
	return !t->quoted && strcmp(t->text, s) == 0;
}

bool
lex_is_terminator(const struct lex_token *t)
{
	return lex_is(t, ";") || lex_is(t, "{") || lex_is(t, "}");
}

static void
state_init(struct lex_state *st, struct lex_tokens *out, char *err,
    size_t errlen)
{
	memset(st, 0, sizeof(*st));
	st->out = out;
	st->err = err;
	st->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
}

/* On error, drop what this call appended so out is left as it was. */
static void
rollback(struct lex_tokens *out, size_t n0)
{
	while (out->n > n0)
		free(out->v[--out->n].text);
}

/* The length of line s[0..len) up to and with a trailing '\' that
 * continues it (spaces after it ignored, as ExaBGP strips them), or 0. */
static size_t
continued(const char *s, size_t len)
{
	size_t end = len, bs = 0;

	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
	    s[end - 1] == '\r'))
		end--;
	/* an odd run of backslashes: the last one is not escaped */
	while (bs < end && s[end - 1 - bs] == '\\')
		bs++;
	return bs % 2 == 1 ? end : 0;
}

int
lex_config(const char *text, size_t len, struct lex_tokens *out,
    int *errline, char *err, size_t errlen)
{
	struct lex_state st;
	struct sbuf joined;
	size_t n0 = out->n, pos = 0;
	int rc = 0;

	sbuf_init(&joined);
	state_init(&st, out, err, errlen);
	st.config = true;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t before = out->n, cont;
		int first;

		st.line++;
		first = st.line;
		/*
		 * ExaBGP 4.2 (and 5): a line ending with '\' goes on with the
		 * next one; the backslash and the line break read as a space.
		 */
		sbuf_reset(&joined);
		while ((cont = continued(text + pos, end - pos)) > 0 &&
		    end < len) {
			sbuf_add(&joined, text + pos, cont - 1);
			sbuf_addc(&joined, ' ');
			pos = end + 1;
			nl = memchr(text + pos, '\n', len - pos);
			end = nl ? (size_t)(nl - text) : len;
			st.line++;
		}
		if (joined.len > 0)
			sbuf_add(&joined, text + pos, end - pos);
		/* the tokens of a joined line take its first line's number */
		cont = (size_t)st.line;
		st.line = first;
		rc = joined.len > 0 ? lex_one_line(&st, joined.p, joined.len) :
		    lex_one_line(&st, text + pos, end - pos);
		st.line = (int)cont;
		if (rc == -1)
			break;
		/* compat §1.1: a statement cannot run onto a second line */
		if (out->n > before &&
		    !lex_is_terminator(&out->v[out->n - 1])) {
			snprintf(err, errlen, "invalid syntax: the line must "
			    "end with ';', '{' or '}' (a statement cannot "
			    "continue on the next line)");
			rc = -1;
			break;
		}
		pos = end + 1;
	}
	free(st.w.buf);
	sbuf_free(&joined);
	if (rc == -1) {
		rollback(out, n0);
		if (errline)
			*errline = st.line;
	}
	return rc;
}

int
lex_line(const char *line, struct lex_tokens *out, char *err, size_t errlen)
{
	struct lex_state st;
	size_t n0 = out->n;
	int rc;

	state_init(&st, out, err, errlen);
	st.line = 1;
	rc = lex_one_line(&st, line, strlen(line));
	free(st.w.buf);
	if (rc == -1)
		rollback(out, n0);
	return rc;
}

void
lex_tokens_free(struct lex_tokens *toks)
{
	for (size_t i = 0; i < toks->n; i++)
		free(toks->v[i].text);
	free(toks->v);
	memset(toks, 0, sizeof(*toks));
}

/* Does word need quoting to be read back as one identical word? */
static bool
needs_quote(const char *word)
{
	if (word[0] == '\0')
		return true;
	/* '#' anywhere: a comment at a word's start, and an error right
	 * after a word in a run line (lex_run_rest) */
	for (const char *p = word; *p; p++)
		if (strchr(lex_syntax, *p) != NULL || strchr(" \t\r\n\f\v\"'\\#",
		    *p) != NULL)
			return true;
	return false;
}

size_t
lex_quote(const char *word, char *buf, size_t len)
{
	size_t n = 0;

#define PUT(ch)	do {				\
		if (n + 1 < len)		\
			buf[n] = (ch);		\
		n++;				\
	} while (0)

	if (!needs_quote(word)) {
		for (const char *p = word; *p; p++)
			PUT(*p);
	} else {
		PUT('"');
		for (const char *p = word; *p; p++) {
			switch (*p) {
			case '"':
			case '\\':
				PUT('\\');
				PUT(*p);
				break;
			case '\n':
				PUT('\\');
				PUT('n');
				break;
			case '\t':
				PUT('\\');
				PUT('t');
				break;
			case '\r':
				PUT('\\');
				PUT('r');
				break;
			default:
				PUT(*p);
			}
		}
		PUT('"');
	}
#undef PUT
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}
