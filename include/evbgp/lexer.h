/*
 * The tokenizer shared by the configuration parser and the text API,
 * following ExaBGP's rules (compat reference §1.1): words split on space
 * and tab; ';' '{' '}' end a statement; '[' ']' '(' ')' ',' are tokens of
 * their own; '"' or '\'' quote one word; '\' escapes one character; '#'
 * at the start of a word comments out the rest of the line.
 */
#ifndef EVBGP_LEXER_H
#define EVBGP_LEXER_H

#include <stdbool.h>
#include <stddef.h>

struct lex_token {
	char		*text;
	int		 line;		/* 1-based */
	bool		 quoted;	/* was quoted: never a syntax token */
};

struct lex_tokens {
	struct lex_token *v;
	size_t		 n;
	size_t		 cap;
};

/*
 * Tokenize a whole configuration text of len bytes, appending to out.
 * Every non-blank line must end with ';', '{' or '}'. Returns 0, or -1
 * with *errline set and a message (without "file:line: ") in err.
 */
int	 lex_config(const char *text, size_t len, struct lex_tokens *out,
	    int *errline, char *err, size_t errlen);
/* Tokenize one command line (text API): no terminator required. */
int	 lex_line(const char *line, struct lex_tokens *out, char *err,
	    size_t errlen);
/* Release the token texts and the vector (out may be reused after). */
void	 lex_tokens_free(struct lex_tokens *toks);
/* Is t the unquoted word s? (so a quoted ";" is a word, not a terminator) */
bool	 lex_is(const struct lex_token *t, const char *s);
/* Is t an unquoted ';', '{' or '}'? */
bool	 lex_is_terminator(const struct lex_token *t);
/*
 * Write word into buf so that the lexer reads it back as the same single
 * word: unchanged when safe, else double-quoted with escapes. Returns the
 * length needed (like snprintf).
 */
size_t	 lex_quote(const char *word, char *buf, size_t len);

#endif /* EVBGP_LEXER_H */
