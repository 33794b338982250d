/*
 * evbgpctl's core (see ctl.h): the command grammar for completion and
 * --json, answer lines, batch counts. No I/O.
 *
 * A command form such as "show adj-rib in|out [extensive] [IP] [json]"
 * is compiled into a small nondeterministic automaton: a MATCH node
 * takes one word (a literal among "in|out", or any word for an
 * upper-case placeholder such as IP; "ATTRIBUTES..." takes one or more),
 * a SPLIT node is an optional part ("[...]": go in, or skip it). The
 * typed words are run through every form at once; what the surviving
 * MATCH nodes accept is what may come next.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "evbgp/control.h"
#include "evbgp/util.h"

enum ctl_node_kind {
	CTL_N_MATCH,
	CTL_N_SPLIT,
	CTL_N_END,
};

struct ctl_node {
	enum ctl_node_kind kind;
	char		**atoms;	/* MATCH: the words it takes */
	size_t		  natoms;
	int		  out, out2;	/* out2: SPLIT only */
};

struct ctl_form {
	struct ctl_node	*nodes;
	size_t		 n;
	int		 start;
	bool		 show;		/* "show ...": IP is a neighbor */
};

struct ctl_grammar {
	struct ctl_form	*forms;
	size_t		 n;
};

/* A parsed form: a word ("in|out", "IP", "ATTRIBUTES...") or an
 * optional group of elements. */
struct ctl_elem {
	char		*word;		/* NULL: a group */
	struct ctl_elem	*sub;
	size_t		 nsub;
};

static const char *const ctl_selector_keys[] = {
	"local-ip", "local-as", "peer-as", "router-id", "family-allowed",
};
#define CTL_NSELECTOR_KEYS \
	(sizeof(ctl_selector_keys) / sizeof(ctl_selector_keys[0]))

/* ---- --help (main.c prints the grammar between the two) ---- */

const char ctl_usage_head[] =
"NAME\n"
"    evbgpctl - control a running evbgpd\n"
"\n"
"SYNOPSIS\n"
"    evbgpctl [--socket PATH] [--json] [--timeout S] COMMAND [WORDS...]\n"
"    evbgpctl [--socket PATH] [--json] [--timeout S] [--progress] < FILE\n"
"    evbgpctl [--socket PATH] [--json] [--timeout S]    (a shell)\n"
"\n"
"DESCRIPTION\n"
"    evbgpctl connects to evbgpd's control socket, sends one command made\n"
"    of COMMAND and WORDS joined by spaces, prints the answer and exits.\n"
"\n"
"    Without COMMAND, when standard input is not a terminal, it reads\n"
"    commands from it, one per line (empty lines and lines starting with\n"
"    '#' are skipped), and sends them one after the other, each after the\n"
"    previous one was answered. Each failed command is reported on\n"
"    standard error with its line number, the command and the reason;\n"
"    a summary line counts the commands done and failed.\n"
"\n"
"    Without COMMAND on a terminal, it is an interactive shell: line\n"
"    editing, history (kept in ~/.evbgpctl_history), and TAB completion\n"
"    of the command words and of the neighbor addresses, which it asks\n"
"    evbgpd for. 'quit', 'exit' or end of input (^D) leaves it.\n"
"\n"
"    The commands are those of ExaBGP's text API, which evbgpd helpers\n"
"    use too; 'evbgpctl help' lists them. Commands given to evbgpctl act\n"
"    on every neighbor the selector matches, whatever the api blocks of\n"
"    the configuration say.\n"
"\n"
"OPTIONS\n"
"    -s, --socket PATH  the control socket (default: $EVBGPCTL_SOCKET, or\n"
"                       " CONTROL_DEFAULT_PATH "); evbgpd --control\n"
"                       PATH chooses where the daemon listens\n"
"    -j, --json         ask for JSON: ' json' is appended to every\n"
"                       command that takes it (show, status, version,\n"
"                       help, ping); each answer is then one JSON document\n"
"                       on one line\n"
"    -t, --timeout S    give up when the daemon is silent for S seconds\n"
"                       while connecting or answering (default 30;\n"
"                       0 waits for ever)\n"
"    -p, --progress     with commands from standard input, print a\n"
"                       progress line on standard error every second\n"
"                       (commands answered; the neighbors' Adj-RIB-Out:\n"
"                       routes queued, sent, acknowledged by the peers'\n"
"                       TCP), then wait for the backlog to drain (the\n"
"                       default when standard error is a terminal)\n"
"    -h, --help         print this help and exit\n"
"    -V, --version      print the version and exit\n"
"\n"
"COMMANDS (evbgpd's grammar; IP after 'neighbor' or 'show' is a\n"
"neighbor's address)\n";

const char ctl_usage_tail[] =
"    disable-ack and silence-ack are refused: evbgpctl needs the answers.\n"
"\n"
"OUTPUT\n"
"    The answer's lines are printed on standard output as they come,\n"
"    without the final 'done'. A failed command prints its reason on\n"
"    standard error: 'evbgpctl: evbgpd says: REASON', or, when evbgpd\n"
"    gave none, 'evbgpd answered error (no reason given: see its log)'.\n"
"    With commands from standard input each message starts with\n"
"    'evbgpctl: line N: COMMAND: ', and the last line on standard error\n"
"    is 'evbgpctl: N commands: D done, E errors' (', U not answered'\n"
"    when evbgpd could not be reached or went away before the end).\n"
"\n"
"ENVIRONMENT\n"
"    EVBGPCTL_SOCKET    the socket path when --socket is not given\n"
"    EVBGPCTL_HISTORY   the shell's history file (default\n"
"                       $HOME/.evbgpctl_history; empty: no history file)\n"
"\n"
"EXIT STATUS\n"
"    0  every command was answered 'done'\n"
"    1  a command was answered 'error', or evbgpd could not be reached,\n"
"       closed the connection early, or timed out\n"
"    2  usage error (unknown option, command too long, ...)\n"
"\n"
"EXAMPLES\n"
"    evbgpctl show neighbor summary\n"
"    evbgpctl --json show adj-rib out 192.0.2.1\n"
"    evbgpctl announce route 10.0.0.0/24 next-hop 192.0.2.1 "
"community 65000:1\n"
"    evbgpctl neighbor 192.0.2.1 withdraw route 10.0.0.0/24\n"
"    evbgpctl neighbor 192.0.2.1 teardown 2\n"
"    evbgpctl < routes.txt\n"
"    printf 'version\\nstatus\\n' | evbgpctl --socket /tmp/evbgpd.sock\n";

/* ---- words ---- */

size_t
ctl_split_words(const char *line, char ***words)
{
	char **v = NULL;
	size_t n = 0;

	for (const char *p = line; *p != '\0';) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len == 0)
			break;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrndup(p, len);
		p += len;
	}
	*words = v;
	return n;
}

void
ctl_words_free(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

/* ---- compiling a form ---- */

static void
ctl_elems_free(struct ctl_elem *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].word);
		ctl_elems_free(v[i].sub, v[i].nsub);
	}
	free(v);
}

/*
 * Parse the words of a form from *pos up to the matching "]" (depth >
 * 0) or the end; brackets are split off the words ("[IP]" is "[", "IP",
 * "]"). -1 on unbalanced brackets.
 */
static int
ctl_parse_elems(char *const *w, size_t nw, size_t *pos, size_t *off,
    int depth, struct ctl_elem **out, size_t *nout)
{
	struct ctl_elem *v = NULL;
	size_t n = 0;

	while (*pos < nw) {
		const char *t = w[*pos] + *off;
		size_t len = strlen(t);

		if (len == 0) {
			(*pos)++;
			*off = 0;
			continue;
		}
		if (t[0] == '[') {
			struct ctl_elem g = { 0 };

			(*off)++;
			if (ctl_parse_elems(w, nw, pos, off, depth + 1, &g.sub,
			    &g.nsub) == -1)
				goto fail;
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = g;
			continue;
		}
		if (t[0] == ']') {
			if (depth == 0)
				goto fail;
			(*off)++;
			if (w[*pos][*off] == '\0') {
				(*pos)++;
				*off = 0;
			}
			*out = v;
			*nout = n;
			return 0;
		}
		while (len > 0 && t[len - 1] == ']')
			len--;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = (struct ctl_elem){ .word = xstrndup(t, len) };
		*off += len;
		if (w[*pos][*off] == '\0') {
			(*pos)++;
			*off = 0;
		}
	}
	if (depth != 0)
		goto fail;
	*out = v;
	*nout = n;
	return 0;
fail:
	ctl_elems_free(v, n);
	return -1;
}

static int
ctl_node_new(struct ctl_form *f, enum ctl_node_kind kind, int out, int out2)
{
	f->nodes = xreallocarray(f->nodes, f->n + 1, sizeof(*f->nodes));
	f->nodes[f->n] = (struct ctl_node){ .kind = kind, .out = out,
	    .out2 = out2 };
	return (int)f->n++;
}

static bool
ctl_is_placeholder(const char *atom)
{
	if (!isupper((unsigned char)atom[0]))
		return false;
	for (const char *p = atom; *p != '\0'; p++)
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-' && *p != '_')
			return false;
	return true;
}

static size_t
ctl_strip_repeat(char *atom)
{
	size_t len = strlen(atom);

	if (len > 3 && strcmp(atom + len - 3, "...") == 0) {
		atom[len - 3] = '\0';
		return 1;
	}
	return 0;
}

static int ctl_compile_seq(struct ctl_form *f, const struct ctl_elem *v,
    size_t n, int next);

/* One element, followed by next; returns its first node. */
static int
ctl_compile_elem(struct ctl_form *f, const struct ctl_elem *e, int next)
{
	char **alts;
	size_t nalts, repeat = 0;
	int m;

	if (e->word == NULL)	/* [group]: in, or past */
		return ctl_node_new(f, CTL_N_SPLIT,
		    ctl_compile_seq(f, e->sub, e->nsub, next), next);
	m = ctl_node_new(f, CTL_N_MATCH, next, -1);
	nalts = 0;
	alts = NULL;
	for (const char *p = e->word; *p != '\0';) {
		size_t len = strcspn(p, "|");

		if (len > 0) {
			alts = xreallocarray(alts, nalts + 1, sizeof(*alts));
			alts[nalts] = xstrndup(p, len);
			repeat |= ctl_strip_repeat(alts[nalts]);
			nalts++;
		}
		p += len + (p[len] == '|');
	}
	f->nodes[m].atoms = alts;
	f->nodes[m].natoms = nalts;
	if (repeat) {	/* X...: one, then more or on */
		int more = ctl_node_new(f, CTL_N_SPLIT, m, next);

		f->nodes[m].out = more;	/* after the realloc */
	}
	return m;
}

static int
ctl_compile_seq(struct ctl_form *f, const struct ctl_elem *v, size_t n,
    int next)
{
	for (size_t k = n; k-- > 0;)
		next = ctl_compile_elem(f, &v[k], next);
	return next;
}

static void
ctl_form_free(struct ctl_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		ctl_words_free(f->nodes[i].atoms, f->nodes[i].natoms);
	free(f->nodes);
}

/* Compile one help line; false when it is not a command form. */
static bool
ctl_form_compile(const char *line, struct ctl_form *f)
{
	struct ctl_elem *v;
	char **w;
	size_t nw = ctl_split_words(line, &w), nv, pos = 0, off = 0;
	bool ok = nw > 0 && w[0][0] != '#' && w[0][0] != '[' &&
	    strstr(line, "COMMAND") == NULL;

	memset(f, 0, sizeof(*f));
	if (ok && ctl_parse_elems(w, nw, &pos, &off, 0, &v, &nv) == 0) {
		f->show = strcmp(w[0], "show") == 0;
		f->start = ctl_compile_seq(f, v, nv,
		    ctl_node_new(f, CTL_N_END, -1, -1));
		ctl_elems_free(v, nv);
	} else
		ok = false;
	ctl_words_free(w, nw);
	return ok;
}

struct ctl_grammar *
ctl_grammar_new(const char *const *forms)
{
	struct ctl_grammar *g = xcalloc(1, sizeof(*g));

	for (; *forms != NULL; forms++) {
		struct ctl_form f;

		if (!ctl_form_compile(*forms, &f)) {
			ctl_form_free(&f);
			continue;
		}
		g->forms = xreallocarray(g->forms, g->n + 1, sizeof(*g->forms));
		g->forms[g->n++] = f;
	}
	return g;
}

void
ctl_grammar_free(struct ctl_grammar *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++)
		ctl_form_free(&g->forms[i]);
	free(g->forms);
	free(g);
}

/* ---- running words through a form ---- */

static void
ctl_add_state(const struct ctl_form *f, bool *set, int node)
{
	if (node < 0 || set[node])
		return;
	set[node] = true;
	if (f->nodes[node].kind == CTL_N_SPLIT) {
		ctl_add_state(f, set, f->nodes[node].out);
		ctl_add_state(f, set, f->nodes[node].out2);
	}
}

static bool
ctl_atom_takes(const char *atom, const char *word)
{
	return ctl_is_placeholder(atom) || strcmp(atom, word) == 0;
}

/* The states of f after words[0..n); NULL when none is left. */
static bool *
ctl_form_run(const struct ctl_form *f, char *const *words, size_t n)
{
	bool *set = xcalloc(f->n, sizeof(*set)), *next;

	ctl_add_state(f, set, f->start);
	for (size_t i = 0; i < n; i++) {
		bool any = false;

		next = xcalloc(f->n, sizeof(*next));
		for (size_t s = 0; s < f->n; s++) {
			const struct ctl_node *nd = &f->nodes[s];

			if (!set[s] || nd->kind != CTL_N_MATCH)
				continue;
			for (size_t a = 0; a < nd->natoms; a++) {
				if (ctl_atom_takes(nd->atoms[a], words[i])) {
					ctl_add_state(f, next, nd->out);
					any = true;
					break;
				}
			}
		}
		free(set);
		set = next;
		if (!any) {
			free(set);
			return NULL;
		}
	}
	return set;
}

static void
ctl_next_add(struct ctl_next *next, const char *word)
{
	for (size_t i = 0; i < next->n; i++)
		if (strcmp(next->words[i], word) == 0)
			return;
	next->words = xreallocarray(next->words, next->n + 1,
	    sizeof(*next->words));
	next->words[next->n++] = xstrdup(word);
}

/* What the surviving states of f take next. */
static void
ctl_form_next(const struct ctl_form *f, const bool *set,
    struct ctl_next *next)
{
	for (size_t s = 0; s < f->n; s++) {
		const struct ctl_node *nd = &f->nodes[s];

		if (!set[s] || nd->kind != CTL_N_MATCH)
			continue;
		for (size_t a = 0; a < nd->natoms; a++) {
			if (!ctl_is_placeholder(nd->atoms[a]))
				ctl_next_add(next, nd->atoms[a]);
			else if (f->show && strcmp(nd->atoms[a], "IP") == 0)
				next->neighbor = true;
			else
				next->value = true;
		}
	}
}

static bool
ctl_is_selector_key(const char *w)
{
	for (size_t k = 0; k < CTL_NSELECTOR_KEYS; k++)
		if (strcmp(w, ctl_selector_keys[k]) == 0)
			return true;
	return false;
}

/*
 * Skip a "neighbor IP [KEY VALUE]... [, neighbor ...]" selector. Returns
 * the index of the command's first word, or n when the words end inside
 * the selector (then *next says what may come).
 */
static size_t
ctl_skip_selector(char *const *words, size_t n, struct ctl_next *next,
    bool *inside)
{
	size_t i = 0;

	*inside = false;
	while (i < n && strcmp(words[i], "neighbor") == 0) {
		if (++i == n) {	/* "neighbor |" */
			next->neighbor = true;
			ctl_next_add(next, "*");
			*inside = true;
			return n;
		}
		i++;		/* the address */
		while (i < n && ctl_is_selector_key(words[i])) {
			if (i + 1 == n) {
				next->value = true;
				*inside = true;
				return n;
			}
			i += 2;
		}
		if (i < n && strcmp(words[i], ",") == 0) {
			if (++i == n) {
				ctl_next_add(next, "neighbor");
				*inside = true;
				return n;
			}
			continue;
		}
		if (i == n) {	/* after a complete selector */
			for (size_t k = 0; k < CTL_NSELECTOR_KEYS; k++)
				ctl_next_add(next, ctl_selector_keys[k]);
			ctl_next_add(next, ",");
		}
		break;
	}
	return i;
}

static int
ctl_cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
ctl_grammar_next(const struct ctl_grammar *g, char *const *words, size_t n,
    struct ctl_next *next)
{
	bool inside;
	size_t first;

	memset(next, 0, sizeof(*next));
	first = ctl_skip_selector(words, n, next, &inside);
	if (!inside) {
		if (n == 0)
			ctl_next_add(next, "neighbor");
		for (size_t i = 0; i < g->n; i++) {
			bool *set = ctl_form_run(&g->forms[i], words + first,
			    n - first);

			if (set != NULL)
				ctl_form_next(&g->forms[i], set, next);
			free(set);
		}
	}
	if (next->n > 1)
		qsort(next->words, next->n, sizeof(*next->words),
		    ctl_cmp_words);
}

void
ctl_next_free(struct ctl_next *next)
{
	ctl_words_free(next->words, next->n);
	memset(next, 0, sizeof(*next));
}

bool
ctl_grammar_takes_json(const struct ctl_grammar *g, const char *line)
{
	struct ctl_next next;
	char **w;
	size_t n = ctl_split_words(line, &w);
	bool json = false;

	if (n > 0 && strcmp(w[n - 1], "json") == 0) {
		ctl_words_free(w, n);
		return false;
	}
	ctl_grammar_next(g, w, n, &next);
	for (size_t i = 0; i < next.n && !json; i++)
		json = strcmp(next.words[i], "json") == 0;
	ctl_next_free(&next);
	ctl_words_free(w, n);
	return json;
}

/* ---- answers ---- */

int
ctl_neighbor_addresses(const char *json, char ***addrs, size_t *n)
{
	json_object *o = json_tokener_parse(json);
	char **v = NULL;
	size_t k = 0;

	*addrs = NULL;
	*n = 0;
	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		json_object *e = json_object_array_get_idx(o, i), *a;
		bool seen = false;

		if (!json_object_object_get_ex(e, "peer-address", &a) ||
		    !json_object_is_type(a, json_type_string))
			continue;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(v[j], json_object_get_string(a)) == 0;
		if (seen)
			continue;
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k++] = xstrdup(json_object_get_string(a));
	}
	json_object_put(o);
	if (k > 1)
		qsort(v, k, sizeof(*v), ctl_cmp_words);
	*addrs = v;
	*n = k;
	return 0;
}

static unsigned long long
ctl_json_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return (unsigned long long)json_object_get_uint64(v);
}

int
ctl_progress_parse(const char *json, struct ctl_progress *p)
{
	json_object *o = json_tokener_parse(json);

	memset(p, 0, sizeof(*p));
	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		json_object *e = json_object_array_get_idx(o, i), *ro, *st;

		if (!json_object_object_get_ex(e, "adj-rib-out", &ro) ||
		    !json_object_is_type(ro, json_type_object))
			continue;
		p->neighbors++;
		if (json_object_object_get_ex(e, "state", &st) &&
		    strcmp(json_object_get_string(st), "established") == 0)
			p->established++;
		p->queued += ctl_json_u64(ro, "queued");
		p->sent += ctl_json_u64(ro, "sent");
		p->acked += ctl_json_u64(ro, "acknowledged");
	}
	json_object_put(o);
	return 0;
}

void
ctl_progress_line(const struct ctl_tally *t, const struct ctl_progress *base,
    const struct ctl_progress *now, char *buf, size_t len)
{
	unsigned long long sent = now->sent > base->sent ?
	    now->sent - base->sent : 0;
	unsigned long long acked = now->acked > base->acked ?
	    now->acked - base->acked : 0;

	snprintf(buf, len, "progress: %lu command%s (%lu done, %lu error%s); "
	    "Adj-RIB-Out of %zu neighbor%s (%zu established): %llu queued, "
	    "%llu sent, %llu acknowledged", t->done + t->error +
	    t->not_answered, t->done + t->error + t->not_answered == 1 ? "" :
	    "s", t->done, t->error, t->error == 1 ? "" : "s", now->neighbors,
	    now->neighbors == 1 ? "" : "s", now->established, now->queued,
	    sent, acked > sent ? sent : acked);
}

enum ctl_line_kind
ctl_line_kind(const char *line)
{
	if (strcmp(line, "done") == 0)
		return CTL_LINE_DONE;
	if (strcmp(line, "error") == 0)
		return CTL_LINE_ERROR;
	if (strncmp(line, "error: ", 7) == 0)
		return CTL_LINE_REASON;
	return CTL_LINE_CONTENT;
}

void
ctl_tally_summary(const struct ctl_tally *t, char *buf, size_t len)
{
	unsigned long total = t->done + t->error + t->not_answered;
	int w;

	w = snprintf(buf, len, "%lu command%s: %lu done, %lu error%s", total,
	    total == 1 ? "" : "s", t->done, t->error,
	    t->error == 1 ? "" : "s");
	if (t->not_answered > 0 && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, ", %lu not answered",
		    t->not_answered);
}

void
ctl_abbrev(const char *line, char *buf, size_t len)
{
	size_t n = strlen(line);

	if (len == 0)
		return;
	if (n < len) {
		memcpy(buf, line, n + 1);
		return;
	}
	if (len < 4) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, line, len - 4);
	memcpy(buf + len - 4, "...", 4);
}
