/*
 * The configuration file (see config.h): ExaBGP 4.2's grammar.
 *
 * Three steps. The lexer turns the text into tokens; stmt_parse() builds
 * a tree of statements (words ended by ';', or words and a { } block);
 * then each block kind has a const table of keywords and handlers that
 * fill struct config. Processes are read first so that api blocks can
 * check the names they list, then templates, then neighbors. A neighbor
 * is built by applying each inherited template's body and then its own,
 * so its own settings win whatever their order; routes accumulate,
 * template routes first.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/config.h"
#include "evbgp/flow_text.h"
#include "evbgp/lexer.h"
#include "evbgp/route_text.h"
#include "evbgp/update.h"
#include "evbgp/util.h"

#define CFG_MAX_DEPTH		16	/* nested blocks; bounds recursion */
#define CFG_MAX_FILE		(64u * 1024 * 1024)
#define MD5_MAX_LEN		80	/* TCP_MD5SIG_MAXKEYLEN */
#define GR_TIME_MAX		4095	/* RFC 4724: 12 bits */

/* ---- statement tree ---- */

struct stmt {
	const struct lex_token *w;	/* words, w[0] is the keyword */
	size_t		 nw;
	struct stmt	*kids;		/* block body */
	size_t		 nkids;
	bool		 block;
	int		 line;
};

struct tmpl {
	const char	*name;
	const struct stmt *body;
};

struct parse_ctx {
	const char	*path;
	char		*err;
	size_t		 errlen;
	bool		 failed;
	struct config	*cfg;
	struct tmpl	*tmpls;
	size_t		 ntmpls;
	int		 unclosed_line;	/* a block the end of file closed */
	char		 unclosed_name[32];
};

static int cfg_err(struct parse_ctx *ctx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error as "FILE:LINE: message". */
static int
cfg_err(struct parse_ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ctx->failed || ctx->errlen == 0)
		return -1;
	ctx->failed = true;
	n = snprintf(ctx->err, ctx->errlen, "%s:%d: ", ctx->path, line);
	if (n < 0 || (size_t)n >= ctx->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx->err + n, ctx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void
stmt_free(struct stmt *s)
{
	for (size_t i = 0; i < s->nkids; i++)
		stmt_free(&s->kids[i]);
	free(s->kids);
}

static struct stmt *
stmt_add(struct stmt *parent, const struct lex_token *w, size_t nw)
{
	struct stmt *s;

	parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
	    sizeof(*parent->kids));
	s = &parent->kids[parent->nkids++];
	memset(s, 0, sizeof(*s));
	s->w = w;
	s->nw = nw;
	s->line = w[0].line;
	return s;
}

/*
 * Read statements into parent until its closing '}' (returns 1) or the
 * end of the tokens (returns 0); -1 on error.
 */
static int
stmt_parse(struct parse_ctx *ctx, const struct lex_tokens *tk, size_t *pos,
    struct stmt *parent, int depth)
{
	while (*pos < tk->n) {
		const struct lex_token *t = &tk->v[*pos];
		size_t start = *pos, nw;

		if (lex_is(t, "}")) {
			if (depth == 0)
				return cfg_err(ctx, t->line, "unexpected '}': "
				    "no block is open");
			(*pos)++;
			return 1;
		}
		while (*pos < tk->n && !lex_is_terminator(&tk->v[*pos]))
			(*pos)++;
		nw = *pos - start;
		if (*pos == tk->n)	/* the lexer makes this impossible */
			return cfg_err(ctx, tk->v[start].line, "unexpected "
			    "end of file");
		t = &tk->v[*pos];
		if (lex_is(t, ";")) {
			(*pos)++;
			if (nw > 0)
				stmt_add(parent, &tk->v[start], nw);
			continue;
		}
		if (lex_is(t, "}")) {
			/* "local-as 1 }": the brace ends the statement too */
			if (nw > 0)
				stmt_add(parent, &tk->v[start], nw);
			continue;
		}
		/* '{' */
		if (nw == 0)
			return cfg_err(ctx, t->line, "'{' without a block "
			    "name before it");
		if (depth + 1 >= CFG_MAX_DEPTH)
			return cfg_err(ctx, t->line, "blocks are nested too "
			    "deeply");
		(*pos)++;
		struct stmt *b = stmt_add(parent, &tk->v[start], nw);
		b->block = true;
		int rc = stmt_parse(ctx, tk, pos, b, depth + 1);
		if (rc == -1)
			return -1;
		/*
		 * The end of the file closes what is open, as ExaBGP 4.2
		 * reads it (its examples have such a file); --check warns.
		 */
		if (rc == 0 && ctx->unclosed_line == 0) {
			ctx->unclosed_line = b->line;
			snprintf(ctx->unclosed_name, sizeof(ctx->unclosed_name),
			    "%s", b->w[0].text);
		}
	}
	return 0;
}

/* ---- keyword tables ---- */

enum kw_shape {
	KW_LEAF,	/* "kw values;" */
	KW_BLOCK,	/* "kw words { ... }" */
	KW_ANY,
};

struct kw_def;
typedef int (*kw_fn)(struct parse_ctx *, void *, const struct stmt *,
    const struct kw_def *);

struct kw_def {
	const char	*name;
	kw_fn		 fn;
	enum kw_shape	 shape;
	size_t		 arg;		/* field offset or flag, per handler */
};

#define KW_COUNT(t)	(sizeof(t) / sizeof((t)[0]))

static int
kw_unknown(struct parse_ctx *ctx, const struct stmt *s, const char *where,
    const struct kw_def *tab, size_t n)
{
	size_t len = 1, off = 0;
	char *list;
	int rc;

	for (size_t i = 0; i < n; i++)
		len += strlen(tab[i].name) + 2;
	list = xmalloc(len);
	list[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(list + off, len - off, "%s%s",
		    i ? ", " : "", tab[i].name);
	rc = cfg_err(ctx, s->line, "unknown keyword '%s' in %s block; "
	    "expected one of: %s", s->w[0].text, where, list);
	free(list);
	return rc;
}

/* Run every statement of block through the table. */
static int
dispatch(struct parse_ctx *ctx, const char *where, const struct kw_def *tab,
    size_t n, void *state, const struct stmt *block)
{
	for (size_t k = 0; k < block->nkids; k++) {
		const struct stmt *s = &block->kids[k];
		const struct kw_def *d = NULL;

		for (size_t i = 0; i < n && d == NULL; i++)
			if (lex_is(&s->w[0], tab[i].name))
				d = &tab[i];
		if (d == NULL)
			return kw_unknown(ctx, s, where, tab, n);
		if (d->shape == KW_LEAF && s->block)
			return cfg_err(ctx, s->line, "'%s' is not a block: "
			    "write '%s VALUE;'", d->name, d->name);
		if (d->shape == KW_BLOCK && !s->block)
			return cfg_err(ctx, s->line, "'%s' must be a block: "
			    "'%s { ... }'", d->name, d->name);
		if (d->fn(ctx, state, s, d) == -1)
			return -1;
	}
	return 0;
}

/* ---- value helpers ---- */

/* The single value of "kw VALUE;", or NULL after an error. */
static const char *
one_value(struct parse_ctx *ctx, const struct stmt *s)
{
	if (s->nw != 2) {
		cfg_err(ctx, s->line, "'%s' takes exactly one value",
		    s->w[0].text);
		return NULL;
	}
	return s->w[1].text;
}

static int
parse_bool_word(const char *w, bool *v)
{
	static const char *const yes[] = { "true", "enable", "enabled" };
	static const char *const no[] = { "false", "disable", "disabled" };

	for (size_t i = 0; i < 3; i++) {
		if (strcmp(w, yes[i]) == 0) {
			*v = true;
			return 0;
		}
		if (strcmp(w, no[i]) == 0) {
			*v = false;
			return 0;
		}
	}
	return -1;
}

/* "kw;" is true (compat §1.1), else one boolean word. */
static int
stmt_bool(struct parse_ctx *ctx, const struct stmt *s, bool *v)
{
	const char *w;

	if (s->nw == 1) {
		*v = true;
		return 0;
	}
	if ((w = one_value(ctx, s)) == NULL)
		return -1;
	if (parse_bool_word(w, v) == -1)
		return cfg_err(ctx, s->line, "invalid value '%s' for '%s' "
		    "(expected true, false, enable or disable)", w,
		    s->w[0].text);
	return 0;
}

static int
parse_ulong(const char *w, unsigned long max, unsigned long *v)
{
	char *end;

	if (w[0] < '0' || w[0] > '9')
		return -1;
	errno = 0;
	*v = strtoul(w, &end, 10);
	if (*end != '\0' || errno != 0 || *v > max)
		return -1;
	return 0;
}

/* "kw N;" with N in [min, max]. */
static int
stmt_uint(struct parse_ctx *ctx, const struct stmt *s, unsigned long min,
    unsigned long max, unsigned long *v)
{
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (parse_ulong(w, max, v) == -1 || *v < min)
		return cfg_err(ctx, s->line, "invalid %s '%s' (expected a "
		    "number from %lu to %lu)", s->w[0].text, w, min, max);
	return 0;
}

static int
parse_asn(const char *w, uint32_t *asn)
{
	unsigned long v = 0;

	if (parse_ulong(w, UINT32_MAX, &v) == -1)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

/* Join words w[from..nw) with single spaces (description). */
static char *
join_words(const struct stmt *s, size_t from)
{
	size_t len = 1;
	char *out;

	for (size_t i = from; i < s->nw; i++)
		len += strlen(s->w[i].text) + 1;
	out = xmalloc(len);
	out[0] = '\0';
	for (size_t i = from; i < s->nw; i++) {
		if (i > from)
			strcat(out, " ");
		strcat(out, s->w[i].text);
	}
	return out;
}

#define FIELD(base, off, type)	((type *)(void *)((char *)(base) + (off)))

/* ---- neighbor under construction ---- */

struct nb_build {
	struct cfg_neighbor *nb;
	int		 layer;		/* each template, then the body */
	bool		 in_template;
	int		 family_layer;	/* layer of the current family set */
	int		 addpath_layer;
	int		 nexthop_layer;
	bool		 addpath_given;
	bool		 cap_nexthop_given;
	bool		 router_id_given;
	bool		 local_as_given;
	bool		 peer_as_given;
	bool		 dynamic_limit_given;
};

static int
nb_router_id(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct bgp_addr a;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (addr_parse(w, &a) == -1 || a.afi != BGP_AFI_IPV4)
		return cfg_err(ctx, s->line, "invalid router-id '%s' (expected "
		    "an IPv4 address)", w);
	b->nb->router_id = addr_to_u32(&a);
	b->router_id_given = true;
	return 0;
}

static int
nb_local_address(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	memset(&b->nb->local_addr, 0, sizeof(b->nb->local_addr));
	b->nb->local_auto = strcmp(w, "auto") == 0;
	if (!b->nb->local_auto && addr_parse(w, &b->nb->local_addr) == -1)
		return cfg_err(ctx, s->line, "invalid local-address '%s' "
		    "(expected an IP address or 'auto')", w);
	return 0;
}

/* "local-link-local fe80::1;" (ExaBGP main) */
static int
nb_local_link_local(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	const char *w = one_value(ctx, s);
	struct bgp_addr a;

	if (w == NULL)
		return -1;
	/* RFC 4291 §2.5.6: fe80::/10 */
	if (addr_parse(w, &a) == -1 || !addr_is_link_local(&a))
		return cfg_err(ctx, s->line, "invalid local-link-local '%s' "
		    "(expected an IPv6 link-local address, fe80::/10)", w);
	b->nb->local_link_local = a;
	return 0;
}

static int
nb_asn(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	bool peer = strcmp(d->name, "peer-as") == 0;
	uint32_t *asn = peer ? &b->nb->peer_as : &b->nb->local_as;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (peer && strcmp(w, "auto") == 0)
		*asn = 0;
	else if (parse_asn(w, asn) == -1 || *asn == 0)
		return cfg_err(ctx, s->line, "invalid %s '%s' (expected an AS "
		    "number from 1 to 4294967295%s)", d->name, w,
		    peer ? " or 'auto'" : "");
	if (peer)
		b->peer_as_given = true;
	else
		b->local_as_given = true;
	return 0;
}

static int
nb_hold_time(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;

	if (stmt_uint(ctx, s, 0, 65535, &v) == -1)
		return -1;
	/* RFC 4271 §4.2: zero or at least three seconds */
	if (v == 1 || v == 2)
		return cfg_err(ctx, s->line, "invalid hold-time %lu (expected "
		    "0 or 3 to 65535: RFC 4271 forbids 1 and 2)", v);
	b->nb->hold_time = (uint16_t)v;
	return 0;
}

static int
nb_bool(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;

	return stmt_bool(ctx, s, FIELD(b->nb, d->arg, bool));
}

static int
nb_port(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;

	if (stmt_uint(ctx, s, 0, 65535, &v) == -1)
		return -1;
	*FIELD(b->nb, d->arg, uint16_t) = (uint16_t)v;
	return 0;
}

static int
nb_dynamic_limit(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;

	if (stmt_uint(ctx, s, 1, 65535, &v) == -1)
		return -1;
	b->nb->dynamic_limit = (unsigned)v;
	b->dynamic_limit_given = true;
	return 0;
}

static int
nb_ttl(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (strcmp(w, "disable") == 0 || strcmp(w, "disabled") == 0)
		v = 0;
	else if (parse_ulong(w, 255, &v) == -1 || v == 0)
		return cfg_err(ctx, s->line, "invalid %s '%s' (expected 1 to "
		    "255 or 'disable')", d->name, w);
	*FIELD(b->nb, d->arg, int) = (int)v;
	return 0;
}

/* description takes the rest of the statement; the others one word. */
static int
nb_string(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	char **dst = FIELD(b->nb, d->arg, char *);

	if (s->nw < 2 || (s->nw > 2 && strcmp(d->name, "description") != 0))
		return cfg_err(ctx, s->line, "'%s' takes exactly one value "
		    "(quote it if it has spaces)", d->name);
	free(*dst);
	*dst = join_words(s, 1);
	return 0;
}

static int
nb_md5_password(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (strlen(w) > MD5_MAX_LEN)
		return cfg_err(ctx, s->line, "md5-password is %zu characters "
		    "long (at most %d)", strlen(w), MD5_MAX_LEN);
	free(b->nb->md5_password);
	b->nb->md5_password = xstrdup(w);
	return 0;
}

static int
nb_md5_base64(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	bool v;

	if (s->nw == 2 && strcmp(s->w[1].text, "auto") == 0) {
		b->nb->md5_base64 = -1;
		return 0;
	}
	if (s->nw == 2 && parse_bool_word(s->w[1].text, &v) == -1)
		return cfg_err(ctx, s->line, "invalid md5-base64 '%s' "
		    "(expected true, false or auto)", s->w[1].text);
	if (stmt_bool(ctx, s, &v) == -1)
		return -1;
	b->nb->md5_base64 = v;
	return 0;
}

static int
nb_md5_ip(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (addr_parse(w, &b->nb->md5_ip) == -1)
		return cfg_err(ctx, s->line, "invalid md5-ip '%s' (expected an "
		    "IP address)", w);
	return 0;
}

static int
nb_rate_limit(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;

	if (s->nw == 2 && (strcmp(s->w[1].text, "disable") == 0 ||
	    strcmp(s->w[1].text, "disabled") == 0)) {
		b->nb->rate_limit = 0;
		return 0;
	}
	if (stmt_uint(ctx, s, 0, UINT32_MAX, &v) == -1)
		return -1;
	/* ExaBGP paces its whole loop for the peer (reactor/loop.py
	 * _rate_limited); evbgpd has no such pacing: refused, not ignored */
	if (v != 0)
		return cfg_err(ctx, s->line, "'rate-limit %lu' is not supported: "
		    "evbgpd does not pace a session's messages (only "
		    "'rate-limit disable' or 0 is accepted)", v);
	b->nb->rate_limit = 0;
	return 0;
}

/* "auto-flush true": evbgpd sends every change at once. ExaBGP 4.2
 * stores the value and never reads it; false would promise held-back
 * changes evbgpd does not hold. */
static int
nb_auto_flush(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	bool v = true;

	if (stmt_bool(ctx, s, &v) == -1)
		return -1;
	if (!v)
		return cfg_err(ctx, s->line, "'auto-flush false' is not "
		    "supported: evbgpd sends every change at once (ExaBGP 4.2 "
		    "ignores the setting)");
	b->nb->auto_flush = true;
	return 0;
}

/* Handled before the body is applied (see nb_apply); here only checked. */
static int
nb_inherit(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;

	if (b->in_template)
		return cfg_err(ctx, s->line, "'inherit' is not allowed inside "
		    "a template");
	return 0;
}

static int
nb_unsupported(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	char spoken[512];

	nlri_spoken_text(spoken, sizeof(spoken));
	return cfg_err(ctx, s->line, "'%s' is not supported: evbgp speaks "
	    "%s", d->name, spoken);
}

static int
nb_main_only(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	return cfg_err(ctx, s->line, "'%s' (ExaBGP 5/main) is not supported",
	    d->name);
}

/* ---- family, add-path, nexthop ---- */

/*
 * "ipv4 unicast" at w[i], w[i+1]; -1 after an error. A family ExaBGP
 * knows but evbgp does not speak is refused here: never advertised in
 * an OPEN, never accepted and then silently ignored.
 */
static int
stmt_family(struct parse_ctx *ctx, const struct stmt *s, size_t i)
{
	char spoken[512];
	int fam;

	if (i + 1 >= s->nw)
		return cfg_err(ctx, s->line, "expected AFI SAFI, e.g. 'ipv4 "
		    "unicast'");
	fam = family_by_name(s->w[i].text, s->w[i + 1].text);
	nlri_spoken_text(spoken, sizeof(spoken));
	if (fam < 0)
		return cfg_err(ctx, s->line, "unknown family '%s %s' (evbgp "
		    "speaks %s)", s->w[i].text, s->w[i + 1].text, spoken);
	if (!FAMSET_HAS(nlri_spoken(), fam))
		return cfg_err(ctx, s->line, "family %s %s is not supported "
		    "by evbgp (it speaks %s)", family_afi_name(fam),
		    family_safi_name(fam), spoken);
	return fam;
}

/* The first family block of a layer replaces what earlier layers said. */
static void
layer_reset(struct nb_build *b, int *layer, famset_t *set)
{
	if (*layer != b->layer) {
		*layer = b->layer;
		*set = 0;
	}
}

static int
nb_family(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	bool addpath = strcmp(d->name, "add-path") == 0;
	famset_t *set = addpath ? &b->nb->addpath_families :
	    &b->nb->families;

	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	layer_reset(b, addpath ? &b->addpath_layer : &b->family_layer, set);
	if (addpath)
		b->addpath_given = true;
	else
		b->nb->families_given = true;
	for (size_t k = 0; k < s->nkids; k++) {
		const struct stmt *f = &s->kids[k];
		int fam;

		if (f->block)
			return cfg_err(ctx, f->line, "unexpected block in '%s'",
			    d->name);
		/*
		 * every family evbgp speaks (ExaBGP 4.2: every one it knows;
		 * not main's MVPN, MUP and SR Policy, which 4.2 does not)
		 * but RTC: offering it asks the peer for the VPN routes of the
		 * route targets we announce (RFC 4684), none; list it to
		 * receive a peer's RTC routes.
		 */
		if (f->nw == 1 && lex_is(&f->w[0], "all")) {
			*set = nlri_spoken() & ~(FAMSET(FAM_IPV4_RTC) |
			    FAMSET_MAIN_ONLY);
			continue;
		}
		if ((fam = stmt_family(ctx, f, 0)) < 0)
			return -1;
		if (f->nw != 2)
			return cfg_err(ctx, f->line, "unexpected '%s' after "
			    "'%s %s'", f->w[2].text, f->w[0].text,
			    f->w[1].text);
		*set |= FAMSET(fam);
	}
	return 0;
}

static int
nb_nexthop(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;

	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	if (b->nexthop_layer != b->layer) {
		b->nexthop_layer = b->layer;
		nb->nnexthops = 0;
	}
	for (size_t k = 0; k < s->nkids; k++) {
		const struct stmt *f = &s->kids[k];
		struct cfg_nexthop nh;
		int fam;

		if (f->block || f->nw != 3)
			return cfg_err(ctx, f->line, "expected 'AFI SAFI "
			    "NEXTHOP-AFI;', e.g. 'ipv4 unicast ipv6;'");
		if ((fam = stmt_family(ctx, f, 0)) < 0)
			return -1;
		if (lex_is(&f->w[2], "ipv4"))
			nh.nh_afi = BGP_AFI_IPV4;
		else if (lex_is(&f->w[2], "ipv6"))
			nh.nh_afi = BGP_AFI_IPV6;
		else
			return cfg_err(ctx, f->line, "invalid next-hop AFI "
			    "'%s' (expected ipv4 or ipv6)", f->w[2].text);
		nh.fam = (enum family_id)fam;
		nb->nexthops = xreallocarray(nb->nexthops, nb->nnexthops + 1,
		    sizeof(*nb->nexthops));
		nb->nexthops[nb->nnexthops++] = nh;
	}
	return 0;
}

/* ---- capability ---- */

static int
cap_bool(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;

	if (strcmp(d->name, "nexthop") == 0)
		b->cap_nexthop_given = true;
	return stmt_bool(ctx, s, FIELD(b->nb, d->arg, bool));
}

/* ExaBGP main: prefer the link-local next hop of a received route for
 * forwarding. evbgpd forwards nothing and installs no route. */
static int
cap_link_local_prefer(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	return cfg_err(ctx, s->line, "'link-local-prefer' is not supported: "
	    "it chooses the next hop a router forwards to, and evbgpd "
	    "installs no routes");
}

/* "graceful-restart;" (time = hold-time), "graceful-restart N;", bool */
static int
cap_graceful_restart(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	unsigned long v = 0;
	bool on = false;

	if (s->nw == 2 && s->w[1].text[0] >= '0' && s->w[1].text[0] <= '9') {
		if (stmt_uint(ctx, s, 0, GR_TIME_MAX, &v) == -1)
			return -1;
		b->nb->cap_graceful_restart = true;
		b->nb->gr_time = (uint16_t)v;
		return 0;
	}
	if (stmt_bool(ctx, s, &on) == -1)
		return -1;
	b->nb->cap_graceful_restart = on;
	b->nb->gr_time = 0;
	return 0;
}

static const struct {
	const char	*name;
	uint8_t		 mode;
} addpath_modes[] = {
	{ "send", BGP_ADDPATH_SEND },
	{ "receive", BGP_ADDPATH_RECEIVE },
	{ "send/receive", BGP_ADDPATH_BOTH },
	{ "disable", 0 },
	{ "disabled", 0 },
	{ "false", 0 },
};

static int
cap_addpath(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	for (size_t i = 0; i < KW_COUNT(addpath_modes); i++) {
		if (strcmp(w, addpath_modes[i].name) == 0) {
			b->nb->cap_addpath = addpath_modes[i].mode;
			return 0;
		}
	}
	return cfg_err(ctx, s->line, "invalid add-path '%s' (expected send, "
	    "receive, send/receive or disable)", w);
}

static const struct kw_def cap_keywords[] = {
	{ "asn4", cap_bool, KW_LEAF, offsetof(struct cfg_neighbor, cap_asn4) },
	{ "route-refresh", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_route_refresh) },
	{ "graceful-restart", cap_graceful_restart, KW_LEAF, 0 },
	{ "add-path", cap_addpath, KW_LEAF, 0 },
	{ "multi-session", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_multi_session) },
	{ "operational", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_operational) },
	{ "extended-message", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_ext_message) },
	{ "nexthop", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_nexthop) },
	{ "aigp", cap_bool, KW_LEAF, offsetof(struct cfg_neighbor, cap_aigp) },
	{ "software-version", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_software_version) },
	{ "link-local-nexthop", cap_bool, KW_LEAF,
	    offsetof(struct cfg_neighbor, cap_link_local_nh) },
	{ "link-local-prefer", cap_link_local_prefer, KW_LEAF, 0 },
};

static int
nb_capability(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, "capability", cap_keywords,
	    KW_COUNT(cap_keywords), st, s);
}

/* ---- api ---- */

static int
api_msg(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	uint32_t *bits = st;
	bool on = false;

	if (stmt_bool(ctx, s, &on) == -1)
		return -1;
	if (on)
		*bits |= (uint32_t)d->arg;
	else
		*bits &= ~(uint32_t)d->arg;
	return 0;
}

static const struct kw_def api_msg_keywords[] = {
	{ "parsed", api_msg, KW_LEAF, API_MSG_PARSED },
	{ "packets", api_msg, KW_LEAF, API_MSG_PACKETS },
	{ "consolidate", api_msg, KW_LEAF, API_MSG_CONSOLIDATE },
	{ "open", api_msg, KW_LEAF, API_MSG_OPEN },
	{ "update", api_msg, KW_LEAF, API_MSG_UPDATE },
	{ "notification", api_msg, KW_LEAF, API_MSG_NOTIFICATION },
	{ "keepalive", api_msg, KW_LEAF, API_MSG_KEEPALIVE },
	{ "refresh", api_msg, KW_LEAF, API_MSG_REFRESH },
	{ "operational", api_msg, KW_LEAF, API_MSG_OPERATIONAL },
};

static int
api_direction(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_api *api = st;

	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, d->name, api_msg_keywords,
	    KW_COUNT(api_msg_keywords), FIELD(api, d->arg, uint32_t), s);
}

static int
api_bool(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	return stmt_bool(ctx, s, FIELD(st, d->arg, bool));
}

static bool
strv_has(char *const *v, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], w) == 0)
			return true;
	return false;
}

static int
api_add_process(struct parse_ctx *ctx, struct cfg_api *api,
    const struct stmt *s, const char *name)
{
	if (config_find_process(ctx->cfg, name) == NULL)
		return cfg_err(ctx, s->line, "api processes: no process named "
		    "'%s' (expected the name of a 'process NAME { ... }' "
		    "block)", name);
	api->processes = xreallocarray(api->processes, api->nprocesses + 1,
	    sizeof(*api->processes));
	api->processes[api->nprocesses++] = xstrdup(name);
	return 0;
}

/* "KEYWORD [ a b ];" or "KEYWORD a;": the words' range in *i, *end */
static int
api_list(struct parse_ctx *ctx, const struct stmt *s,
    const struct kw_def *d, size_t *i, size_t *end)
{
	*i = 1;
	*end = s->nw;
	if (s->nw >= 2 && lex_is(&s->w[1], "[")) {
		if (!lex_is(&s->w[s->nw - 1], "]"))
			return cfg_err(ctx, s->line, "missing ']' at the end "
			    "of the %s list", d->name);
		*i = 2;
		*end = s->nw - 1;
	} else if (s->nw != 2) {
		return cfg_err(ctx, s->line, "expected '%s [ %s ... ];'",
		    d->name, d->arg ? "REGEX" : "NAME");
	}
	return 0;
}

/* "processes [ a b ];" or "processes a;" */
static int
api_processes(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_api *api = st;
	size_t i, end;

	if (api_list(ctx, s, d, &i, &end) == -1)
		return -1;
	for (; i < end; i++) {
		if (lex_is(&s->w[i], ","))
			continue;
		if (strv_has(api->processes, api->nprocesses, s->w[i].text))
			continue;
		if (api_add_process(ctx, api, s, s->w[i].text) == -1)
			return -1;
	}
	return 0;
}

/*
 * glibc's regcomp expands repetitions into copies of the repeated part:
 * "a+++…" or "(a{99}){99}" take gigabytes (found by fuzz_config). Refuse
 * what could: a repetition of a repetition (Python's re, ExaBGP's, also
 * refuses most as "multiple repeat"), bounds whose product exceeds
 * REGEX_MAX_COPIES, and long patterns. Returns NULL or why not.
 */
#define REGEX_MAX_LEN		256
#define REGEX_MAX_COPIES	1000

static const char *
regex_too_costly(const char *pat)
{
	unsigned long copies = 1;
	bool after_repeat = false;

	if (strlen(pat) > REGEX_MAX_LEN)
		return "longer than 256 characters";
	for (const char *c = pat; *c != '\0'; c++) {
		bool repeat = *c == '*' || *c == '+' || *c == '?' || *c == '{';

		if (repeat && after_repeat)
			return "a repetition of a repetition ('++', '*?', "
			    "'+{2}'): write one operator";
		if (*c == '{') {
			unsigned long lo = strtoul(c + 1, NULL, 10), hi = lo;
			const char *comma = strchr(c, ',');
			const char *close = strchr(c, '}');

			if (close == NULL)
				break;	/* regcomp says why */
			if (comma != NULL && comma < close && comma[1] != '}')
				hi = strtoul(comma + 1, NULL, 10);
			hi = hi > lo ? hi : lo;
			copies *= hi > 1 ? hi : 1;
			if (hi > REGEX_MAX_COPIES || copies > REGEX_MAX_COPIES)
				return "its repetition bounds multiply to more "
				    "than 1000 copies";
			c = close;
		} else if (*c == '\\' && c[1] != '\0') {
			c++;
		} else if (*c == '[') {
			/* a bracket expression: ']' first is a member */
			const char *e = c + 1 + (c[1] == '^');

			e = strchr(e + (*e == ']'), ']');
			if (e == NULL)
				break;
			c = e;
		}
		after_repeat = repeat;
	}
	return NULL;
}

/*
 * "processes-match [ REGEX ... ];" (ExaBGP main): every process block
 * whose name a POSIX extended regular expression matches (anywhere in the
 * name unless anchored) is added to the processes. The process blocks
 * are all built before any neighbor, so the names are known here; the
 * patterns are kept for config_print.
 */
static int
api_processes_match(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_api *api = st;
	size_t i, end;

	if (api_list(ctx, s, d, &i, &end) == -1)
		return -1;
	for (; i < end; i++) {
		const char *pat = s->w[i].text, *costly;
		char why[128];
		regex_t re;
		int rc;

		if (lex_is(&s->w[i], ",") && !s->w[i].quoted)
			continue;
		if ((costly = regex_too_costly(pat)) != NULL)
			return cfg_err(ctx, s->line, "processes-match: refused "
			    "regular expression '%.64s%s': %s", pat,
			    strlen(pat) > 64 ? "..." : "", costly);
		if ((rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &re, why, sizeof(why));
			regfree(&re);
			return cfg_err(ctx, s->line, "processes-match: invalid "
			    "regular expression '%s': %s", pat, why);
		}
		for (size_t k = 0; k < ctx->cfg->nprocesses; k++) {
			const char *name = ctx->cfg->processes[k].name;

			if (regexec(&re, name, 0, NULL, 0) == 0 &&
			    !strv_has(api->processes, api->nprocesses, name))
				api_add_process(ctx, api, s, name);
		}
		regfree(&re);
		api->patterns = xreallocarray(api->patterns,
		    api->npatterns + 1, sizeof(*api->patterns));
		api->patterns[api->npatterns++] = xstrdup(pat);
	}
	return 0;
}

static const struct kw_def api_keywords[] = {
	{ "processes", api_processes, KW_LEAF, 0 },
	{ "processes-match", api_processes_match, KW_LEAF, 1 },
	{ "neighbor-changes", api_bool, KW_LEAF,
	    offsetof(struct cfg_api, neighbor_changes) },
	{ "negotiated", api_bool, KW_LEAF,
	    offsetof(struct cfg_api, negotiated) },
	{ "fsm", api_bool, KW_LEAF, offsetof(struct cfg_api, fsm) },
	{ "signal", api_bool, KW_LEAF, offsetof(struct cfg_api, signal) },
	{ "receive", api_direction, KW_BLOCK,
	    offsetof(struct cfg_api, receive) },
	{ "send", api_direction, KW_BLOCK, offsetof(struct cfg_api, send) },
};

static void
api_clear(struct cfg_api *api)
{
	for (size_t i = 0; i < api->nprocesses; i++)
		free(api->processes[i]);
	free(api->processes);
	for (size_t i = 0; i < api->npatterns; i++)
		free(api->patterns[i]);
	free(api->patterns);
	free(api->name);
}

static int
nb_api(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;
	struct cfg_api api;

	if (s->nw > 2)
		return cfg_err(ctx, s->line, "expected 'api [NAME] { ... }'");
	memset(&api, 0, sizeof(api));
	if (s->nw == 2)
		api.name = xstrdup(s->w[1].text);
	if (dispatch(ctx, "api", api_keywords, KW_COUNT(api_keywords), &api,
	    s) == -1) {
		api_clear(&api);
		return -1;
	}
	nb->apis = xreallocarray(nb->apis, nb->napis + 1, sizeof(*nb->apis));
	nb->apis[nb->napis++] = api;
	return 0;
}

/* ---- routes: static and announce ---- */

static int
add_routes(struct parse_ctx *ctx, struct nb_build *b,
    const struct lex_token *t, size_t n, bool nlri, int line)
{
	struct cfg_neighbor *nb = b->nb;
	struct route_text_err e;
	int rc;

	if (nlri)
		rc = route_text_parse_nlri(t, n, 0, &nb->routes, &nb->nroutes,
		    &e);
	else
		rc = route_text_parse(t, n, 0, &nb->routes, &nb->nroutes, &e);
	if (rc == -1)
		return cfg_err(ctx, e.line ? e.line : line, "%s", e.msg);
	return 0;
}

/*
 * "route P attrs;" or "route P { attr value; ... }": the block form is
 * flattened into one token run for the route parser.
 */
static int
static_route(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct lex_token *t;
	size_t n = s->nw - 1;
	int rc;

	if (s->nw < 2)
		return cfg_err(ctx, s->line, "'%s' needs a prefix", d->name);
	for (size_t k = 0; k < s->nkids; k++) {
		if (s->kids[k].block)
			return cfg_err(ctx, s->kids[k].line, "unexpected block "
			    "inside a route");
		n += s->kids[k].nw;
	}
	t = xreallocarray(NULL, n, sizeof(*t));
	memcpy(t, s->w + 1, (s->nw - 1) * sizeof(*t));
	n = s->nw - 1;
	for (size_t k = 0; k < s->nkids; k++) {
		memcpy(t + n, s->kids[k].w, s->kids[k].nw * sizeof(*t));
		n += s->kids[k].nw;
	}
	rc = add_routes(ctx, st, t, n, d->arg != 0, s->line);
	free(t);
	return rc;
}

static const struct kw_def static_keywords[] = {
	{ "route", static_route, KW_ANY, 0 },
	{ "attributes", static_route, KW_LEAF, 1 },
};

static int
nb_static(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, "static", static_keywords,
	    KW_COUNT(static_keywords), st, s);
}

/* ---- flow { route ... } ---- */

/*
 * The words of s from w[from] on, its block written back as tokens. A
 * sub-block's words after its keyword ("match NAME {") are a label
 * ExaBGP does not read: left out.
 */
static void
stmt_flatten(const struct stmt *s, size_t from, struct lex_token **v,
    size_t *n, size_t *cap)
{
	static char open[] = "{", close[] = "}", semi[] = ";";
	size_t nw = s->block && from == 0 && s->nw > 1 ? 1 : s->nw;
	size_t need = *n + (nw - from) + 2;

	if (need > *cap) {
		*cap = need * 2;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	memcpy(*v + *n, s->w + from, (nw - from) * sizeof(**v));
	*n += nw - from;
	if (!s->block)
		return;
	(*v)[(*n)++] = (struct lex_token){ open, s->line, false };
	for (size_t k = 0; k < s->nkids; k++) {
		stmt_flatten(&s->kids[k], 0, v, n, cap);
		if (!s->kids[k].block) {
			if (*n + 1 > *cap) {
				*cap = (*n + 1) * 2;
				*v = xreallocarray(*v, *cap, sizeof(**v));
			}
			(*v)[(*n)++] = (struct lex_token){ semi,
			    s->kids[k].line, false };
		}
	}
	if (*n + 1 > *cap) {
		*cap = (*n + 1) * 2;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = (struct lex_token){ close, s->line, false };
}

/* "route NAME { ... }" or "route KEYWORDS...;" (flow_text.h) */
static int
flow_route(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;
	struct lex_token *t = NULL;
	struct route_text_err e;
	size_t n = 0, cap = 0;
	int rc = 0;

	stmt_flatten(s, 1, &t, &n, &cap);
	if (flow_text_parse(t, n, -1, &nb->routes, &nb->nroutes, &e) == -1)
		rc = cfg_err(ctx, e.line ? e.line : s->line, "%s", e.msg);
	free(t);
	return rc;
}

static const struct kw_def flow_keywords[] = {
	{ "route", flow_route, KW_ANY, 0 },
};

static int
nb_flow(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, "flow", flow_keywords, KW_COUNT(flow_keywords),
	    st, s);
}

/*
 * announce { ipv4 { unicast P attrs; multicast P attrs; nlri-mpls P label
 * L attrs; mpls-vpn P rd R label L attrs; flow KEYWORDS; } }: the family
 * of the routes is d->arg.
 */
static int
announce_route(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;
	enum family_id fam = (enum family_id)d->arg;
	size_t first = nb->nroutes;
	struct route_text_err e;
	struct prefix p;
	int rc;

	if (s->nw < 2)
		return cfg_err(ctx, s->line, "'%s' needs a %s", d->name,
		    family_safi(fam) == BGP_SAFI_FLOW ||
		    family_safi(fam) == BGP_SAFI_FLOW_VPN ? "match" :
		    "prefix");
	if (family_safi(fam) == BGP_SAFI_FLOW ||
	    family_safi(fam) == BGP_SAFI_FLOW_VPN)
		rc = flow_text_parse(s->w + 1, s->nw - 1, (int)fam,
		    &nb->routes, &nb->nroutes, &e);
	else {
		if (prefix_parse(s->w[1].text, &p) == 0 &&
		    p.afi != family_afi(fam))
			return cfg_err(ctx, s->line, "%s is not an %s prefix",
			    s->w[1].text, family_afi_name(fam));
		rc = route_text_parse(s->w + 1, s->nw - 1,
		    family_safi(fam) == BGP_SAFI_MULTICAST ?
		    ROUTE_TEXT_MULTICAST : 0, &nb->routes, &nb->nroutes, &e);
	}
	if (rc == -1)
		return cfg_err(ctx, e.line ? e.line : s->line, "%s", e.msg);
	/* the keywords say the family: they must say this one */
	for (size_t i = first; i < nb->nroutes; i++)
		if (nb->routes[i].fam != fam) {
			enum family_id got = nb->routes[i].fam;

			return cfg_err(ctx, s->line, "'%s %s' route %s: %s",
			    family_afi_name(fam), family_safi_name(fam),
			    s->w[1].text, family_safi(fam) ==
			    BGP_SAFI_MPLS_VPN ? "an mpls-vpn route needs rd "
			    "and label" : family_safi(fam) ==
			    BGP_SAFI_NLRI_MPLS ? "an nlri-mpls route needs a "
			    "label and no rd" : family_safi(got) ==
			    BGP_SAFI_MPLS_VPN ? "rd makes it an mpls-vpn route"
			    : "label makes it an nlri-mpls route");
		}
	return 0;
}

/*
 * announce { ipv4 { mcast-vpn WORDS; mup WORDS; sr-policy WORDS; } }:
 * ExaBGP main's families whose routes are words of their own
 * (route_text_parse_words).
 */
static int
announce_words(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;
	struct route_text_err e;

	if (s->nw < 2)
		return cfg_err(ctx, s->line, "'%s' needs a route", d->name);
	if (route_text_parse_words((enum family_id)d->arg, s->w + 1,
	    s->nw - 1, 0, &nb->routes, &nb->nroutes, &e) == -1)
		return cfg_err(ctx, e.line ? e.line : s->line, "%s %s: %s",
		    family_afi_name((enum family_id)d->arg), d->name, e.msg);
	return 0;
}

static const struct kw_def announce_v4_keywords[] = {
	{ "unicast", announce_route, KW_LEAF, FAM_IPV4_UNICAST },
	{ "multicast", announce_route, KW_LEAF, FAM_IPV4_MULTICAST },
	{ "nlri-mpls", announce_route, KW_LEAF, FAM_IPV4_NLRI_MPLS },
	{ "labeled-unicast", announce_route, KW_LEAF, FAM_IPV4_NLRI_MPLS },
	{ "mpls-vpn", announce_route, KW_LEAF, FAM_IPV4_MPLS_VPN },
	{ "flow", announce_route, KW_LEAF, FAM_IPV4_FLOW },
	{ "flow-vpn", announce_route, KW_LEAF, FAM_IPV4_FLOW_VPN },
	{ "mcast-vpn", announce_words, KW_LEAF, FAM_IPV4_MVPN },
	{ "mup", announce_words, KW_LEAF, FAM_IPV4_MUP },
	{ "sr-policy", announce_words, KW_LEAF, FAM_IPV4_SRPOLICY },
};

static const struct kw_def announce_v6_keywords[] = {
	{ "unicast", announce_route, KW_LEAF, FAM_IPV6_UNICAST },
	{ "multicast", announce_route, KW_LEAF, FAM_IPV6_MULTICAST },
	{ "nlri-mpls", announce_route, KW_LEAF, FAM_IPV6_NLRI_MPLS },
	{ "labeled-unicast", announce_route, KW_LEAF, FAM_IPV6_NLRI_MPLS },
	{ "mpls-vpn", announce_route, KW_LEAF, FAM_IPV6_MPLS_VPN },
	{ "flow", announce_route, KW_LEAF, FAM_IPV6_FLOW },
	{ "flow-vpn", announce_route, KW_LEAF, FAM_IPV6_FLOW_VPN },
	{ "mcast-vpn", announce_words, KW_LEAF, FAM_IPV6_MVPN },
	{ "mup", announce_words, KW_LEAF, FAM_IPV6_MUP },
	{ "sr-policy", announce_words, KW_LEAF, FAM_IPV6_SRPOLICY },
};

/* ---- l2vpn { vpls NAME { ... } vpls KEYWORDS; } (RFC 4761) ---- */

static int
l2vpn_vpls(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct nb_build *b = st;
	struct cfg_neighbor *nb = b->nb;
	struct route_text_err e;
	struct lex_token *t;
	size_t n = 0, cap = s->nw, first = nb->nroutes;
	const char *name = NULL;

	if (s->block) {
		if (s->nw > 2)
			return cfg_err(ctx, s->line, "'vpls' takes a name at "
			    "most before '{'");
		if (s->nw == 2)
			name = s->w[1].text;
		for (size_t k = 0; k < s->nkids; k++)
			cap += s->kids[k].nw;
	}
	t = xreallocarray(NULL, cap + 1, sizeof(*t));
	if (!s->block) {
		memcpy(t, s->w + 1, (s->nw - 1) * sizeof(*t));
		n = s->nw - 1;
	}
	for (size_t k = 0; s->block && k < s->nkids; k++) {
		if (s->kids[k].block) {
			free(t);
			return cfg_err(ctx, s->kids[k].line, "unexpected block "
			    "inside a vpls route");
		}
		memcpy(t + n, s->kids[k].w, s->kids[k].nw * sizeof(*t));
		n += s->kids[k].nw;
	}
	if (n == 0) {
		free(t);
		return cfg_err(ctx, s->line, "a vpls route needs rd, endpoint, "
		    "base, offset, size and next-hop");
	}
	if (route_text_parse_vpls(t, n, 0, &nb->routes, &nb->nroutes,
	    &e) == -1) {
		free(t);
		return cfg_err(ctx, e.line ? e.line : s->line, "%s", e.msg);
	}
	free(t);
	if (name != NULL && nb->nroutes > first &&
	    nb->routes[first].name == NULL)
		nb->routes[first].name = xstrdup(name);
	return 0;
}

static const struct kw_def l2vpn_keywords[] = {
	{ "vpls", l2vpn_vpls, KW_ANY, 0 },
};

static int
nb_l2vpn(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, d->name, l2vpn_keywords,
	    KW_COUNT(l2vpn_keywords), st, s);
}

static int
announce_afi(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	bool v4 = d->arg == BGP_AFI_IPV4;

	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, d->name, v4 ? announce_v4_keywords :
	    announce_v6_keywords, v4 ? KW_COUNT(announce_v4_keywords) :
	    KW_COUNT(announce_v6_keywords), st, s);
}

static const struct kw_def announce_keywords[] = {
	{ "ipv4", announce_afi, KW_BLOCK, BGP_AFI_IPV4 },
	{ "ipv6", announce_afi, KW_BLOCK, BGP_AFI_IPV6 },
	{ "l2vpn", nb_l2vpn, KW_BLOCK, 0 },
};

static int
nb_announce(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	/* "KEYWORD NAME {": a label ExaBGP does not read (its _enter
	 * takes the keyword only): accepted, as there */
	return dispatch(ctx, "announce", announce_keywords,
	    KW_COUNT(announce_keywords), st, s);
}

#define NB_OFF(f)	offsetof(struct cfg_neighbor, f)

static const struct kw_def nb_keywords[] = {
	{ "router-id", nb_router_id, KW_LEAF, 0 },
	{ "local-address", nb_local_address, KW_LEAF, 0 },
	{ "local-as", nb_asn, KW_LEAF, 0 },
	{ "peer-as", nb_asn, KW_LEAF, 0 },
	{ "hold-time", nb_hold_time, KW_LEAF, 0 },
	{ "passive", nb_bool, KW_LEAF, NB_OFF(passive) },
	{ "listen", nb_port, KW_LEAF, NB_OFF(listen) },
	{ "connect", nb_port, KW_LEAF, NB_OFF(connect) },
	{ "dynamic-limit", nb_dynamic_limit, KW_LEAF, 0 },
	{ "md5-password", nb_md5_password, KW_LEAF, 0 },
	{ "md5-base64", nb_md5_base64, KW_LEAF, 0 },
	{ "md5-ip", nb_md5_ip, KW_LEAF, 0 },
	{ "outgoing-ttl", nb_ttl, KW_LEAF, NB_OFF(outgoing_ttl) },
	{ "incoming-ttl", nb_ttl, KW_LEAF, NB_OFF(incoming_ttl) },
	{ "group-updates", nb_bool, KW_LEAF, NB_OFF(group_updates) },
	{ "auto-flush", nb_auto_flush, KW_LEAF, 0 },
	{ "adj-rib-out", nb_bool, KW_LEAF, NB_OFF(adj_rib_out) },
	{ "adj-rib-in", nb_bool, KW_LEAF, NB_OFF(adj_rib_in) },
	{ "manual-eor", nb_bool, KW_LEAF, NB_OFF(manual_eor) },
	{ "description", nb_string, KW_LEAF, NB_OFF(description) },
	{ "host-name", nb_string, KW_LEAF, NB_OFF(host_name) },
	{ "domain-name", nb_string, KW_LEAF, NB_OFF(domain_name) },
	{ "rate-limit", nb_rate_limit, KW_LEAF, 0 },
	{ "inherit", nb_inherit, KW_LEAF, 0 },
	{ "family", nb_family, KW_BLOCK, 0 },
	{ "capability", nb_capability, KW_BLOCK, 0 },
	{ "add-path", nb_family, KW_BLOCK, 0 },
	{ "nexthop", nb_nexthop, KW_BLOCK, 0 },
	{ "api", nb_api, KW_BLOCK, 0 },
	{ "static", nb_static, KW_BLOCK, 0 },
	{ "announce", nb_announce, KW_BLOCK, 0 },
	{ "flow", nb_flow, KW_BLOCK, 0 },
	{ "l2vpn", nb_l2vpn, KW_BLOCK, 0 },
	{ "operational", nb_unsupported, KW_ANY, 0 },
	{ "local-link-local", nb_local_link_local, KW_LEAF, 0 },
	{ "source-interface", nb_main_only, KW_ANY, 0 },
	{ "tcp-ao", nb_main_only, KW_ANY, 0 },
};

/* ---- neighbors ---- */

static void
nb_defaults(struct cfg_neighbor *nb)
{
	/* compat §1.4 and §1.5 */
	nb->hold_time = BGP_DEFAULT_HOLD_TIME;
	nb->local_auto = true;
	nb->group_updates = true;
	nb->auto_flush = true;
	nb->adj_rib_in = true;
	nb->adj_rib_out = true;
	nb->dynamic_limit = CFG_DYNAMIC_LIMIT_DEFAULT;
	nb->families = FAMSET_DEFAULT;
	nb->addpath_families = FAMSET_ALL;
	nb->cap_asn4 = true;
	nb->cap_ext_message = true;
}

static void
nb_clear(struct cfg_neighbor *nb)
{
	free(nb->name);
	free(nb->md5_password);
	free(nb->description);
	free(nb->host_name);
	free(nb->domain_name);
	free(nb->nexthops);
	for (size_t i = 0; i < nb->napis; i++)
		api_clear(&nb->apis[i]);
	free(nb->apis);
	cfg_routes_free(nb->routes, nb->nroutes);
	memset(nb, 0, sizeof(*nb));
}

static const struct tmpl *
find_template(const struct parse_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->ntmpls; i++)
		if (strcmp(ctx->tmpls[i].name, name) == 0)
			return &ctx->tmpls[i];
	return NULL;
}

/* Apply one body (a template's or the neighbor's own) as a new layer. */
static int
nb_apply(struct parse_ctx *ctx, struct nb_build *b, const struct stmt *body)
{
	b->layer++;
	return dispatch(ctx, "neighbor", nb_keywords, KW_COUNT(nb_keywords), b,
	    body);
}

static int
nb_apply_templates(struct parse_ctx *ctx, struct nb_build *b,
    const struct stmt *body)
{
	for (size_t k = 0; k < body->nkids; k++) {
		const struct stmt *s = &body->kids[k];
		const struct tmpl *t;

		if (!lex_is(&s->w[0], "inherit"))
			continue;
		if (s->block || s->nw < 2)
			return cfg_err(ctx, s->line, "expected 'inherit "
			    "TEMPLATE;'");
		for (size_t i = 1; i < s->nw; i++) {
			if ((t = find_template(ctx, s->w[i].text)) == NULL)
				return cfg_err(ctx, s->line, "inherit: no "
				    "template named '%s'", s->w[i].text);
			if (nb_apply(ctx, b, t->body) == -1)
				return -1;
		}
	}
	return 0;
}

/* Checks and derived defaults once every layer is applied. */
/*
 * The UPDATE that would carry route r alone to neighbor nb, in bytes (0:
 * more than 65535). Next hops are sized as their family's (next-hop self
 * resolves to an address of the same size).
 */
famset_t
cfg_ext_nexthop(const struct cfg_neighbor *nb)
{
	famset_t set = 0;

	if (!nb->cap_nexthop)
		return 0;
	for (size_t i = 0; i < nb->nnexthops; i++)
		if (nb->nexthops[i].nh_afi != family_afi(nb->nexthops[i].fam))
			set |= FAMSET(nb->nexthops[i].fam);
	return set;
}

static void
cfg_encode_ctx(const struct cfg_neighbor *nb, struct attr_encode_ctx *enc)
{
	memset(enc, 0, sizeof(*enc));
	enc->ibgp = nb->local_as == nb->peer_as;
	enc->asn4 = nb->cap_asn4;
	enc->local_as = nb->local_as;
	/* what the neighbor may negotiate at best */
	enc->ext_nexthop = cfg_ext_nexthop(nb);
	addr_parse("192.0.2.1", &enc->local_v4);
	addr_parse("2001:db8::1", &enc->local_v6);
}

static size_t
cfg_route_update_size(const struct cfg_neighbor *nb, const struct cfg_route *r)
{
	struct attr_encode_ctx enc;

	struct nlri n = cfg_route_nlri(r);

	cfg_encode_ctx(nb, &enc);
	return update_route_size(&r->attrs, &enc, r->fam,
	    nlri_size(&n, r->has_path_id));
}

/* A route no UPDATE to this neighbor can ever hold is an error: it
 * would be accepted and never sent. */
static int
nb_check_route_sizes(struct parse_ctx *ctx, const struct cfg_neighbor *nb)
{
	char pfx[CFG_ROUTE_NAME_MAX];

	for (size_t i = 0; i < nb->nroutes; i++) {
		const struct cfg_route *r = &nb->routes[i];
		struct attr_encode_ctx enc;
		size_t need;

		cfg_encode_ctx(nb, &enc);
		/* never accept a route that could never go out */
		if (!attrs_nexthop_encodable(&r->attrs, &enc, r->fam))
			return cfg_err(ctx, r->line, "route %s: an IPv4 route "
			    "with an IPv6 next hop needs the extended next hop "
			    "encoding (RFC 8950): add 'nexthop { %s %s ipv6; }' "
			    "to neighbor %s", cfg_route_name(r, pfx,
			    sizeof(pfx)), family_afi_name(r->fam),
			    family_safi_name(r->fam), nb->name);
		need = cfg_route_update_size(nb, r);
		if (need == 0)
			return cfg_err(ctx, r->line, "route %s: its UPDATE "
			    "would exceed %u bytes, the largest BGP message",
			    cfg_route_name(r, pfx, sizeof(pfx)), BGP_MAX_EXT_MSG);
		if (need > BGP_MAX_MSG && !nb->cap_ext_message)
			return cfg_err(ctx, r->line, "route %s: its UPDATE "
			    "needs %zu bytes, more than %u, and the extended "
			    "message capability (RFC 8654) is disabled for "
			    "neighbor %s", cfg_route_name(r, pfx, sizeof(pfx)), need,
			    BGP_MAX_MSG, nb->name);
	}
	return 0;
}

static int
nb_finish(struct parse_ctx *ctx, struct nb_build *b, int line)
{
	struct cfg_neighbor *nb = b->nb;
	char pfx[CFG_ROUTE_NAME_MAX];
	unsigned host = nb->peer.afi == BGP_AFI_IPV4 ? 32 : 128;

	if (!b->local_as_given)
		return cfg_err(ctx, line, "neighbor %s: local-as is required",
		    nb->name);
	if (!b->peer_as_given)
		return cfg_err(ctx, line, "neighbor %s: peer-as is required",
		    nb->name);
	if (nb->peer.len != host && !nb->passive)
		return cfg_err(ctx, line, "neighbor %s: a prefix is only "
		    "allowed for a passive neighbor (add 'passive;')",
		    nb->name);
	if (nb->peer.len == host && b->dynamic_limit_given)
		return cfg_err(ctx, line, "neighbor %s: dynamic-limit is for "
		    "a neighbor given as a prefix (a passive range)",
		    nb->name);
	if (!b->router_id_given) {
		if (nb->local_addr.afi != BGP_AFI_IPV4)
			return cfg_err(ctx, line, "neighbor %s: router-id is "
			    "required when local-address is not an IPv4 "
			    "address", nb->name);
		nb->router_id = addr_to_u32(&nb->local_addr);
	}
	/* compat §1.5: a nexthop block turns the capability on */
	if (nb->nnexthops > 0 && !b->cap_nexthop_given)
		nb->cap_nexthop = true;
	/* compat §1.4: route-refresh needs the Adj-RIB-Out to resend */
	if (nb->cap_route_refresh)
		nb->adj_rib_out = true;
	/*
	 * Without a family block: ipv4 and ipv6 unicast and the families
	 * of the neighbor's routes (ExaBGP advertises every family it
	 * knows; evbgp only what it has to say).
	 */
	if (!nb->families_given)
		for (size_t i = 0; i < nb->nroutes; i++)
			nb->families |= FAMSET(nb->routes[i].fam);
	/* compat §1.8: ipv4 unicast routes are always allowed */
	for (size_t i = 0; i < nb->nroutes; i++) {
		const struct cfg_route *r = &nb->routes[i];

		if (r->fam == FAM_IPV4_UNICAST || FAMSET_HAS(nb->families,
		    r->fam))
			continue;
		return cfg_err(ctx, r->line, "route %s is %s %s, which is not "
		    "in the family block of neighbor %s",
		    cfg_route_name(r, pfx, sizeof(pfx)), family_afi_name(r->fam),
		    family_safi_name(r->fam), nb->name);
	}
	return nb_check_route_sizes(ctx, nb);
}

static int
top_neighbor(struct parse_ctx *ctx, const struct stmt *s)
{
	struct config *cfg = ctx->cfg;
	struct cfg_neighbor nb;
	struct nb_build b;

	if (s->nw != 2)
		return cfg_err(ctx, s->line, "expected 'neighbor ADDRESS { ... "
		    "}'");
	memset(&nb, 0, sizeof(nb));
	nb_defaults(&nb);
	nb.name = xstrdup(s->w[1].text);
	nb.line = s->line;
	if (prefix_parse(s->w[1].text, &nb.peer) == -1) {
		nb_clear(&nb);
		return cfg_err(ctx, s->line, "invalid neighbor address '%s' "
		    "(expected an IP address or, with passive, a prefix)",
		    s->w[1].text);
	}
	memset(&b, 0, sizeof(b));
	b.nb = &nb;
	b.family_layer = b.addpath_layer = b.nexthop_layer = -1;
	if (nb_apply_templates(ctx, &b, s) == -1 ||
	    nb_apply(ctx, &b, s) == -1 || nb_finish(ctx, &b, s->line) == -1) {
		nb_clear(&nb);
		return -1;
	}
	/* one peer address may have several sessions (ExaBGP accepts it):
	 * from different local addresses or to different ports */
	for (size_t i = 0; i < cfg->nneighbors; i++) {
		const struct cfg_neighbor *o = &cfg->neighbors[i];

		if (cfg_neighbor_same_key(o, &nb)) {
			int first = o->line;

			nb_clear(&nb);
			return cfg_err(ctx, s->line, "duplicate neighbor '%s' "
			    "with the same local-address and connect port "
			    "(first at line %d)", s->w[1].text, first);
		}
	}
	cfg->neighbors = xreallocarray(cfg->neighbors, cfg->nneighbors + 1,
	    sizeof(*cfg->neighbors));
	cfg->neighbors[cfg->nneighbors++] = nb;
	return 0;
}

/*
 * template { neighbor NAME { ... } }: remember the bodies, and parse each
 * once on its own so that an unused template still gets its errors.
 */
static int
top_template(struct parse_ctx *ctx, const struct stmt *s)
{
	/* "template NAME {": a label, as ExaBGP reads it */
	if (!s->block)
		return cfg_err(ctx, s->line, "expected 'template { neighbor "
		    "NAME { ... } }'");
	for (size_t k = 0; k < s->nkids; k++) {
		const struct stmt *t = &s->kids[k];
		struct cfg_neighbor scratch;
		struct nb_build b;
		int rc;

		if (!lex_is(&t->w[0], "neighbor") || !t->block || t->nw != 2)
			return cfg_err(ctx, t->line, "a template block holds "
			    "'neighbor NAME { ... }' blocks only");
		if (find_template(ctx, t->w[1].text) != NULL)
			return cfg_err(ctx, t->line, "duplicate template '%s'",
			    t->w[1].text);
		memset(&scratch, 0, sizeof(scratch));
		nb_defaults(&scratch);
		memset(&b, 0, sizeof(b));
		b.nb = &scratch;
		b.in_template = true;
		b.family_layer = b.addpath_layer = b.nexthop_layer = -1;
		rc = nb_apply(ctx, &b, t);
		nb_clear(&scratch);
		if (rc == -1)
			return -1;
		ctx->tmpls = xreallocarray(ctx->tmpls, ctx->ntmpls + 1,
		    sizeof(*ctx->tmpls));
		ctx->tmpls[ctx->ntmpls].name = t->w[1].text;
		ctx->tmpls[ctx->ntmpls++].body = t;
	}
	return 0;
}

/* ---- processes ---- */

static int
proc_run(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_process *p = st;

	if (s->nw < 2)
		return cfg_err(ctx, s->line, "'run' needs a program");
	/* "run" not followed by a blank ("run]", "run'x'") is read by the
	 * ordinary lexer, which keeps escaped quotes in words; the run-line
	 * split (ExaBGP's) never yields one, so such a word could not be
	 * written back as the same command */
	for (size_t i = 1; i < s->nw; i++)
		if (strpbrk(s->w[i].text, "\"'") != NULL)
			return cfg_err(ctx, s->line, "'run': the word '%s' "
			    "holds a quote character; write 'run' followed by "
			    "a blank and quote the words (ExaBGP's split drops "
			    "quote characters)", s->w[i].text);
	for (size_t i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	p->argc = s->nw - 1;
	p->argv = xcalloc(p->argc + 1, sizeof(*p->argv));
	for (size_t i = 1; i < s->nw; i++)
		p->argv[i - 1] = xstrdup(s->w[i].text);
	return 0;
}

static int
proc_encoder(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_process *p = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (strcmp(w, "text") == 0)
		p->encoder = ENCODER_TEXT;
	else if (strcmp(w, "json") == 0)
		p->encoder = ENCODER_JSON;
	else
		return cfg_err(ctx, s->line, "invalid encoder '%s' (expected "
		    "text or json)", w);
	p->encoder_given = true;
	return 0;
}

/* evbgp's own: the JSON dialect of this helper (ExaBGP main has only
 * the global exabgp.api.version) */
static int
proc_api_version(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_process *p = st;
	const char *w = one_value(ctx, s);

	if (w == NULL)
		return -1;
	if (strcmp(w, "4") == 0)
		p->api_version = 4;
	else if (strcmp(w, "6") == 0)
		p->api_version = 6;
	else
		return cfg_err(ctx, s->line, "invalid api-version '%s' "
		    "(expected 4, ExaBGP 4.x JSON, or 6, ExaBGP main's JSON)",
		    w);
	p->api_version_line = s->line;
	return 0;
}

static int
proc_respawn(struct parse_ctx *ctx, void *st, const struct stmt *s,
    const struct kw_def *d)
{
	struct cfg_process *p = st;

	return stmt_bool(ctx, s, &p->respawn);
}

static const struct kw_def proc_keywords[] = {
	{ "run", proc_run, KW_LEAF, 0 },
	{ "encoder", proc_encoder, KW_LEAF, 0 },
	{ "api-version", proc_api_version, KW_LEAF, 0 },
	{ "respawn", proc_respawn, KW_LEAF, 0 },
};

static bool
is_regular(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Keep cand as the answer when it exists (the last one wins, §1.3). */
static void
consider(char **best, char *cand)
{
	if (is_regular(cand)) {
		free(*best);
		*best = cand;
	} else {
		free(cand);
	}
}

/* compat §1.3: where ExaBGP would find the program. */
static char *
resolve_run(const char *prog, const char *config_path)
{
	const char *slash, *path_env;
	char *best = NULL, *dir;

	if (prog[0] == '/')
		return xstrdup(prog);
	consider(&best, xasprintf("/etc/exabgp/%s", prog));
	/* ExaBGP maps "etc/exabgp/..." onto $EXABGP_ETC */
	if (strncmp(prog, "etc/exabgp/", 11) == 0 && getenv("EXABGP_ETC"))
		consider(&best, xasprintf("%s/%s", getenv("EXABGP_ETC"),
		    prog + 11));
	slash = config_path ? strrchr(config_path, '/') : NULL;
	dir = slash ? xstrndup(config_path, (size_t)(slash - config_path)) :
	    xstrdup(".");
	consider(&best, xasprintf("%s/%s", dir[0] ? dir : "/", prog));
	free(dir);
	if ((path_env = getenv("PATH")) != NULL) {
		char *copy = xstrdup(path_env), *q = copy, *p;

		while ((p = strsep(&q, ":")) != NULL)
			if (*p != '\0')
				consider(&best, xasprintf("%s/%s", p, prog));
		free(copy);
	}
	return best;
}

static void
proc_clear(struct cfg_process *p)
{
	free(p->name);
	for (size_t i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

static int
top_process(struct parse_ctx *ctx, const struct stmt *s)
{
	struct config *cfg = ctx->cfg;
	struct cfg_process p;

	if (!s->block || s->nw != 2)
		return cfg_err(ctx, s->line, "expected 'process NAME { ... }'");
	if (config_find_process(cfg, s->w[1].text) != NULL)
		return cfg_err(ctx, s->line, "duplicate process '%s' (first at "
		    "line %d)", s->w[1].text,
		    config_find_process(cfg, s->w[1].text)->line);
	memset(&p, 0, sizeof(p));
	p.name = xstrdup(s->w[1].text);
	p.respawn = true;
	p.encoder = ENCODER_TEXT;
	p.line = s->line;
	if (dispatch(ctx, "process", proc_keywords, KW_COUNT(proc_keywords), &p,
	    s) == -1) {
		proc_clear(&p);
		return -1;
	}
	if (p.argc == 0) {
		proc_clear(&p);
		return cfg_err(ctx, s->line, "process %s: 'run' is required",
		    s->w[1].text);
	}
	if (p.api_version == 6 && p.encoder != ENCODER_JSON) {
		int line = p.api_version_line;

		proc_clear(&p);
		return cfg_err(ctx, line, "process %s: "
		    "'api-version 6' selects ExaBGP main's JSON dialect: it "
		    "needs 'encoder json' (the text encoder has one dialect)",
		    s->w[1].text);
	}
	p.path = resolve_run(p.argv[0], cfg->path);
	cfg->processes = xreallocarray(cfg->processes, cfg->nprocesses + 1,
	    sizeof(*cfg->processes));
	cfg->processes[cfg->nprocesses++] = p;
	return 0;
}

int
config_check(FILE *f, const struct config *c)
{
	const char *path = c->path ? c->path : "<config>";
	int n = 0;

	if (c->unclosed_line > 0) {
		fprintf(f, "%s:%d: warning: the '%s' block opened here is not "
		    "closed: the end of the file closes it (as in ExaBGP)\n",
		    path, c->unclosed_line, c->unclosed_name);
		n++;
	}
	for (size_t i = 0; i < c->nprocesses; i++) {
		const struct cfg_process *p = &c->processes[i];

		/* a deliberate difference: ExaBGP main's default, not 4.2's
		 * refusal ("unset process sections: encoder") */
		if (!p->encoder_given) {
			fprintf(f, "%s:%d: warning: process %s has no 'encoder': "
			    "evbgpd uses text, as ExaBGP main does; ExaBGP 4.2 "
			    "refuses this file\n", path, p->line, p->name);
			n++;
		}
		if (p->path == NULL)
			fprintf(f, "%s:%d: warning: process %s: program '%s' not found "
			    "(looked in /etc/exabgp, beside the configuration "
			    "and in $PATH)\n", path, p->line, p->name,
			    p->argv[0]);
		else if (access(p->path, X_OK) == -1)
			fprintf(f, "%s:%d: warning: process %s: %s is not executable\n",
			    path, p->line, p->name, p->path);
		else
			continue;
		n++;
	}
	/* routes only a session with extended messages can carry */
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *nb = &c->neighbors[i];
		char pfx[CFG_ROUTE_NAME_MAX];

		for (size_t j = 0; j < nb->nroutes; j++) {
			const struct cfg_route *r = &nb->routes[j];
			size_t need = cfg_route_update_size(nb, r);

			if (need <= BGP_MAX_MSG)
				continue;
			fprintf(f, "%s:%d: warning: route %s: its UPDATE needs "
			    "%zu bytes, more than %u: it is sent only if neighbor "
			    "%s negotiates the extended message capability (RFC "
			    "8654)\n", path, r->line, cfg_route_name(r, pfx, sizeof(pfx)),
			    need, BGP_MAX_MSG, nb->name);
			n++;
		}
	}
	return n;
}

/* ---- top level ---- */

static int
top_check(struct parse_ctx *ctx, const struct stmt *s)
{
	static const char *const known[] = { "process", "template",
	    "neighbor" };

	for (size_t i = 0; i < 3; i++)
		if (lex_is(&s->w[0], known[i]))
			return 0;
	return cfg_err(ctx, s->line, "unknown keyword '%s' at the top level; "
	    "expected one of: process, template, neighbor", s->w[0].text);
}

/* Processes, then templates, then neighbors (see the file comment). */
static int
config_build(struct parse_ctx *ctx, const struct stmt *root)
{
	static const char *const order[] = { "process", "template",
	    "neighbor" };
	static int (*const fn[])(struct parse_ctx *, const struct stmt *) = {
		top_process, top_template, top_neighbor };

	for (size_t k = 0; k < root->nkids; k++)
		if (top_check(ctx, &root->kids[k]) == -1)
			return -1;
	for (size_t o = 0; o < 3; o++) {
		for (size_t k = 0; k < root->nkids; k++) {
			const struct stmt *s = &root->kids[k];

			if (!lex_is(&s->w[0], order[o]))
				continue;
			if (o == 2 && !s->block)
				return cfg_err(ctx, s->line, "expected "
				    "'neighbor ADDRESS { ... }'");
			if (fn[o](ctx, s) == -1)
				return -1;
		}
	}
	return 0;
}

struct config *
config_parse(const char *text, const char *path, char *errbuf, size_t errlen)
{
	struct parse_ctx ctx;
	struct lex_tokens tk = { 0 };
	struct stmt root;
	char msg[256];
	size_t pos = 0;
	int line = 0;

	memset(&ctx, 0, sizeof(ctx));
	memset(&root, 0, sizeof(root));
	ctx.path = path ? path : "<config>";
	ctx.err = errbuf;
	ctx.errlen = errlen;
	if (errlen > 0)
		errbuf[0] = '\0';
	ctx.cfg = xcalloc(1, sizeof(*ctx.cfg));
	ctx.cfg->path = path ? xstrdup(path) : NULL;
	if (lex_config(text, strlen(text), &tk, &line, msg, sizeof(msg)) == -1)
		cfg_err(&ctx, line, "%s", msg);
	else if (stmt_parse(&ctx, &tk, &pos, &root, 0) == 0)
		config_build(&ctx, &root);
	stmt_free(&root);
	free(ctx.tmpls);
	lex_tokens_free(&tk);
	if (ctx.failed) {
		config_free(ctx.cfg);
		return NULL;
	}
	ctx.cfg->unclosed_line = ctx.unclosed_line;
	memcpy(ctx.cfg->unclosed_name, ctx.unclosed_name,
	    sizeof(ctx.cfg->unclosed_name));
	return ctx.cfg;
}

struct cfg_neighbor *
config_neighbor_parse(const struct config *running, const char *text,
    const char *what, char *errbuf, size_t errlen)
{
	struct config tmp;
	struct parse_ctx ctx;
	struct lex_tokens tk = { 0 };
	struct stmt root;
	struct cfg_neighbor *nb = NULL;
	char msg[256];
	size_t pos = 0;
	int line = 0;

	memset(&tmp, 0, sizeof(tmp));
	memset(&ctx, 0, sizeof(ctx));
	memset(&root, 0, sizeof(root));
	/* the running processes, borrowed: "api { processes [...] }" must
	 * name one of them */
	if (running != NULL) {
		tmp.processes = running->processes;
		tmp.nprocesses = running->nprocesses;
	}
	ctx.path = what;
	ctx.err = errbuf;
	ctx.errlen = errlen;
	if (errlen > 0)
		errbuf[0] = '\0';
	ctx.cfg = &tmp;
	if (lex_config(text, strlen(text), &tk, &line, msg, sizeof(msg)) == -1)
		cfg_err(&ctx, line, "%s", msg);
	else if (stmt_parse(&ctx, &tk, &pos, &root, 0) == 0) {
		if (root.nkids != 1 || !root.kids[0].block ||
		    !lex_is(&root.kids[0].w[0], "neighbor"))
			cfg_err(&ctx, 1, "expected one 'neighbor ADDRESS { ... "
			    "}'");
		else
			top_neighbor(&ctx, &root.kids[0]);
	}
	stmt_free(&root);
	lex_tokens_free(&tk);
	if (!ctx.failed && tmp.nneighbors == 1 &&
	    tmp.neighbors[0].peer.len != (tmp.neighbors[0].peer.afi ==
	    BGP_AFI_IPV6 ? 128 : 32))
		cfg_err(&ctx, 1, "a passive range cannot be made at run time");
	if (!ctx.failed && tmp.nneighbors == 1) {
		nb = xmalloc(sizeof(*nb));
		*nb = tmp.neighbors[0];
	} else {
		for (size_t i = 0; i < tmp.nneighbors; i++)
			nb_clear(&tmp.neighbors[i]);
	}
	free(tmp.neighbors);
	return nb;
}

void
cfg_neighbor_free(struct cfg_neighbor *nb)
{
	if (nb == NULL)
		return;
	nb_clear(nb);
	free(nb);
}

struct config *
config_load(const char *path, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct config *c;
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			text = xreallocarray(text, cap, 1);
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0 && len <= CFG_MAX_FILE);
	if (ferror(f) || len > CFG_MAX_FILE) {
		snprintf(errbuf, errlen, "%s: cannot read: %s", path,
		    ferror(f) ? strerror(errno) : "file too large");
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(errbuf, errlen, "%s: NUL byte in the file", path);
		free(text);
		return NULL;
	}
	c = config_parse(text, path, errbuf, errlen);
	free(text);
	return c;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nneighbors; i++)
		nb_clear(&c->neighbors[i]);
	free(c->neighbors);
	for (size_t i = 0; i < c->nprocesses; i++)
		proc_clear(&c->processes[i]);
	free(c->processes);
	free(c->path);
	free(c);
}

bool
cfg_neighbor_same_key(const struct cfg_neighbor *a,
    const struct cfg_neighbor *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    addr_equal(&a->local_addr, &b->local_addr) &&
	    a->connect == b->connect && a->listen == b->listen;
}

const struct cfg_neighbor *
config_find_neighbor(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (strcmp(c->neighbors[i].name, name) == 0)
			return &c->neighbors[i];
	return NULL;
}

const struct cfg_process *
config_find_process(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nprocesses; i++)
		if (strcmp(c->processes[i].name, name) == 0)
			return &c->processes[i];
	return NULL;
}
