/*
 * ExaBGP-compatible environment settings (see env.h, compat §1.9). One
 * const table names every setting ExaBGP 4.2 knows, with a parser per
 * value type and the offset of the field it fills. The settings evbgp has
 * no use for are accepted so existing env files keep working, but one set
 * to anything else than ExaBGP's default is recorded (env.ignored) and
 * named in a warning at start-up and by --check: never silently ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>

#include "evbgp/config.h"
#include "evbgp/env.h"
#include "evbgp/util.h"

enum env_type {
	ENV_BOOL,
	ENV_UINT,
	ENV_STRING,
	ENV_PORT,
	ENV_ENCODER,
	ENV_VERSION,
	ENV_LEVEL,
	ENV_DEST,
	ENV_BIND,
	ENV_ONCE,
	ENV_UMASK,
	ENV_USER,
	ENV_PIPENAME,
	ENV_IGNORE,	/* known to ExaBGP, no effect here */
	ENV_COMPACT,	/* api.compact: false only */
	ENV_DELAY,	/* tcp.delay: 0 only */
};

struct env_def {
	const char	*name;		/* "section.key" */
	enum env_type	 type;
	size_t		 off;
	const char	*dflt;		/* ENV_IGNORE: ExaBGP 4.2's default */
};

#define E(f)	offsetof(struct env, f)

static const struct env_def env_defs[] = {
	{ "api.ack", ENV_BOOL, E(api_ack), NULL },
	{ "api.respawn", ENV_BOOL, E(api_respawn), NULL },
	{ "api.terminate", ENV_BOOL, E(api_terminate), NULL },
	{ "api.cli", ENV_BOOL, E(api_cli), NULL },
	{ "api.encoder", ENV_ENCODER, E(api_encoder), NULL },
	{ "api.version", ENV_VERSION, E(api_version), NULL },
	{ "api.compact", ENV_COMPACT, 0, NULL },
	{ "api.chunk", ENV_IGNORE, 0, "1" },
	{ "api.pipename", ENV_PIPENAME, 0, NULL },
	{ "api.socketname", ENV_IGNORE, 0, "exabgp" },
	{ "bgp.openwait", ENV_UINT, E(bgp_openwait), NULL },
	{ "bgp.passive", ENV_BOOL, E(bgp_passive), NULL },
	{ "cache.attributes", ENV_IGNORE, 0, "true" },
	{ "cache.nexthops", ENV_IGNORE, 0, "true" },
	{ "daemon.pid", ENV_STRING, E(daemon_pid), NULL },
	{ "daemon.user", ENV_USER, 0, NULL },
	{ "daemon.daemonize", ENV_BOOL, E(daemon_daemonize), "false" },
	{ "daemon.drop", ENV_BOOL, E(daemon_drop), NULL },
	{ "daemon.umask", ENV_UMASK, 0, NULL },
	{ "debug.rotate", ENV_BOOL, E(debug_rotate), NULL },
	{ "debug.configuration", ENV_IGNORE, 0, "false" },
	{ "debug.defensive", ENV_IGNORE, 0, "false" },
	{ "debug.memory", ENV_IGNORE, 0, "false" },
	{ "debug.pdb", ENV_IGNORE, 0, "false" },
	{ "debug.route", ENV_IGNORE, 0, "" },
	{ "debug.selfcheck", ENV_IGNORE, 0, "false" },
	{ "debug.timing", ENV_IGNORE, 0, "false" },
	{ "log.enable", ENV_BOOL, E(log_enable), NULL },
	{ "log.level", ENV_LEVEL, E(log_level), NULL },
	{ "log.destination", ENV_DEST, 0, NULL },
	{ "log.all", ENV_IGNORE, 0, "false" },
	{ "log.configuration", ENV_IGNORE, 0, "true" },
	{ "log.daemon", ENV_IGNORE, 0, "true" },
	{ "log.message", ENV_IGNORE, 0, "false" },
	{ "log.network", ENV_IGNORE, 0, "true" },
	{ "log.packets", ENV_IGNORE, 0, "false" },
	{ "log.parser", ENV_IGNORE, 0, "false" },
	{ "log.processes", ENV_IGNORE, 0, "true" },
	{ "log.reactor", ENV_IGNORE, 0, "true" },
	{ "log.rib", ENV_IGNORE, 0, "false" },
	{ "log.routes", ENV_IGNORE, 0, "false" },
	{ "log.short", ENV_IGNORE, 0, "false" },
	{ "log.statistics", ENV_IGNORE, 0, "true" },
	{ "log.timers", ENV_IGNORE, 0, "false" },
	{ "pdb.enable", ENV_IGNORE, 0, "false" },
	{ "profile.enable", ENV_IGNORE, 0, "false" },
	{ "profile.file", ENV_IGNORE, 0, "" },
	{ "reactor.speed", ENV_IGNORE, 0, "1.0" },
	{ "tcp.bind", ENV_BIND, 0, NULL },
	{ "tcp.port", ENV_PORT, E(tcp_port), NULL },
	{ "tcp.connections", ENV_UINT, E(tcp_connections), NULL },
	{ "tcp.attempts", ENV_UINT, E(tcp_connections), NULL },
	{ "tcp.once", ENV_ONCE, 0, NULL },
	{ "tcp.delay", ENV_DELAY, 0, NULL },
	{ "tcp.acl", ENV_IGNORE, 0, "false" },
};

#define ENV_NDEFS	(sizeof(env_defs) / sizeof(env_defs[0]))
#define FIELD(e, off, type)	((type *)(void *)((char *)(e) + (off)))

static const struct {
	const char	*name;
	int		 level;
} log_levels[] = {
	{ "EMERG", LOG_EMERG },
	{ "ALERT", LOG_ALERT },
	{ "CRIT", LOG_CRIT },
	{ "CRITICAL", LOG_CRIT },
	{ "FATAL", LOG_CRIT },
	{ "ERR", LOG_ERR },
	{ "ERROR", LOG_ERR },
	{ "WARNING", LOG_WARNING },
	{ "WARN", LOG_WARNING },
	{ "NOTICE", LOG_NOTICE },
	{ "INFO", LOG_INFO },
	{ "DEBUG", LOG_DEBUG },
};

static const struct env_def *
env_find(const char *dotted)
{
	for (size_t i = 0; i < ENV_NDEFS; i++)
		if (strcmp(env_defs[i].name, dotted) == 0)
			return &env_defs[i];
	return NULL;
}

/* ExaBGP's boolean words, case-insensitive. */
static int
env_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on", "enable",
	    "enabled" };
	static const char *const no[] = { "false", "0", "no", "off",
	    "disable", "disabled" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int
env_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	*out = strtoul(v, &end, 10);
	return *end != '\0' || errno != 0 || *out > max ? -1 : 0;
}

static void
set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int
set_level(struct env *e, const char *v)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]);
	    i++) {
		if (strcasecmp(v, log_levels[i].name) == 0) {
			e->log_level = log_levels[i].level;
			return 0;
		}
	}
	return -1;
}

/* stdout, stderr, syslog, or a file name (ExaBGP's rule). */
static int
set_dest(struct env *e, const char *v)
{
	if (v[0] == '\0' || strncmp(v, "host:", 5) == 0)
		return -1;
	free(e->log_file);
	e->log_file = NULL;
	if (strcmp(v, "stdout") == 0)
		e->log_dest = LOG_DEST_STDOUT;
	else if (strcmp(v, "stderr") == 0)
		e->log_dest = LOG_DEST_STDERR;
	else if (strcmp(v, "syslog") == 0)
		e->log_dest = LOG_DEST_SYSLOG;
	else {
		e->log_dest = LOG_DEST_FILE;
		e->log_file = xstrdup(v);
	}
	return 0;
}

/* What a bad value of each type should have looked like. */
static const char *
env_expected(enum env_type t)
{
	switch (t) {
	case ENV_BOOL:
	case ENV_ONCE:
		return "true or false";
	case ENV_UINT:
		return "a non-negative number";
	case ENV_PORT:
		return "a port number from 1 to 65535";
	case ENV_ENCODER:
		return "text or json";
	case ENV_VERSION:
		return "4 or 6 (6: ExaBGP main's JSON dialect for JSON "
		    "helpers)";
	case ENV_COMPACT:
		return "false: evbgpd has no compact JSON form";
	case ENV_DELAY:
		return "0: evbgpd does not hold announcements back";
	case ENV_LEVEL:
		return "DEBUG, INFO, NOTICE, WARNING, ERR or CRIT";
	case ENV_DEST:
		return "stdout, stderr, syslog or a file name";
	case ENV_UMASK:
		return "an octal mask such as 0137 or 0o137";
	case ENV_USER:
		return "a user name";
	case ENV_PIPENAME:
		return "a name without '/'";
	default:
		return "a valid value";
	}
}

/* Apply value v to setting d; from_env: it came from the environment. */
static int
env_apply(struct env *e, const struct env_def *d, const char *v,
    bool from_env)
{
	unsigned long n;
	bool b;

	switch (d->type) {
	case ENV_BOOL:
		if (env_bool(v, &b) == -1)
			return -1;
		*FIELD(e, d->off, bool) = b;
		return 0;
	case ENV_ONCE:
		if (env_bool(v, &b) == -1)
			return -1;
		/* 4.2's tcp.once is main's tcp.attempts 1 */
		e->tcp_connections = b ? 1 : 0;
		return 0;
	case ENV_UINT:
		if (env_uint(v, UINT32_MAX, &n) == -1)
			return -1;
		*FIELD(e, d->off, unsigned) = (unsigned)n;
		return 0;
	case ENV_PORT:
		if (env_uint(v, 65535, &n) == -1 || n == 0)
			return -1;
		e->tcp_port = (uint16_t)n;
		/* compat §1.9: only an environment variable sets the
		 * outgoing port too, not the ini file */
		e->tcp_port_from_env = from_env;
		return 0;
	case ENV_STRING:
		set_string(FIELD(e, d->off, char *), v);
		return 0;
	case ENV_BIND:
		set_string(&e->tcp_bind, v);
		e->tcp_bind_given = true;
		return 0;
	case ENV_ENCODER:
		if (strcmp(v, "json") == 0)
			e->api_encoder = ENCODER_JSON;
		else if (strcmp(v, "text") == 0)
			e->api_encoder = ENCODER_TEXT;
		else
			return -1;
		return 0;
	case ENV_VERSION:
		/* 6 selects main's JSON dialect for the JSON helpers
		 * without an api-version of their own; main's JSON-only
		 * text API is not followed (a warning at start-up says so) */
		if (env_uint(v, 6, &n) == -1 || (n != 4 && n != 6))
			return -1;
		e->api_version = (unsigned)n;
		return 0;
	case ENV_COMPACT:
		/* what evbgpd does is the default; true would ask for
		 * ExaBGP's compact unicast JSON */
		if (env_bool(v, &b) == -1 || b)
			return -1;
		return 0;
	case ENV_DELAY:
		/* ExaBGP waits for the minute to be a multiple of it */
		if (env_uint(v, UINT32_MAX, &n) == -1 || n != 0)
			return -1;
		return 0;
	case ENV_LEVEL:
		return set_level(e, v);
	case ENV_DEST:
		return set_dest(e, v);
	case ENV_UMASK: {
		const char *o = strncasecmp(v, "0o", 2) == 0 ? v + 2 : v;
		char *end;

		if (*o < '0' || *o > '7')
			return -1;
		errno = 0;
		n = strtoul(o, &end, 8);
		if (*end != '\0' || errno != 0 || n > 0777)
			return -1;
		e->daemon_umask = (int)n;
		return 0;
	}
	case ENV_USER:
		if (v[0] == '\0' || strlen(v) > 64 || strchr(v, ':') != NULL)
			return -1;
		set_string(&e->daemon_user, v);
		e->daemon_user_given = true;
		return 0;
	case ENV_PIPENAME:
		if (v[0] == '\0' || strlen(v) > 64 || strchr(v, '/') != NULL)
			return -1;
		set_string(&e->api_pipename, v);
		e->api_pipename_given = true;
		return 0;
	case ENV_IGNORE:
		return 0;
	}
	return -1;
}

/* A later source (the environment) replaces what the file said. */
static void
env_forget_ignored(struct env *e, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < e->nignored; i++) {
		if (strncmp(e->ignored[i], name, n) != 0 ||
		    e->ignored[i][n] != '=')
			continue;
		free(e->ignored[i]);
		e->ignored[i] = e->ignored[--e->nignored];
		return;
	}
}

/* The same value, for ExaBGP: booleans by meaning, numbers by value. */
static bool
env_same_value(const char *a, const char *b)
{
	bool ba, bb;
	char *ea, *eb;
	double da, db;

	if (env_bool(a, &ba) == 0 && env_bool(b, &bb) == 0)
		return ba == bb;
	if (a[0] != '\0' && b[0] != '\0') {
		da = strtod(a, &ea);
		db = strtod(b, &eb);
		if (*ea == '\0' && *eb == '\0')
			return da == db;
	}
	return strcmp(a, b) == 0;
}

/* s for a message line: control and non-ASCII octets as \xHH (a value
 * or a file's key may hold any byte), cut to fit out[len]. */
static const char *
printable(const char *s, char *out, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; s[i] != '\0' && j + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch >= 0x7f)
			j += (size_t)snprintf(out + j, len - j, "\\x%02x", ch);
		else
			out[j++] = (char)ch;
	}
	out[j] = '\0';
	return out;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Remember a setting that changes nothing here although ExaBGP would act
 * on it (the first one of each name: the environment beats the file). */
static void
env_note_ignored(struct env *e, const struct env_def *d, const char *shown,
    const char *v)
{
	char esc[64], where[160];

	/* an empty value asks for nothing */
	if (d->dflt == NULL || v[0] == '\0' || env_same_value(v, d->dflt)) {
		env_forget_ignored(e, d->name);
		return;
	}
	env_forget_ignored(e, d->name);
	e->ignored = xreallocarray(e->ignored, e->nignored + 1,
	    sizeof(*e->ignored));
	e->ignored[e->nignored++] = xasprintf("%s=%s (%s) is not supported "
	    "by evbgpd and has no effect (ExaBGP's default is '%s')", d->name,
	    printable(v, esc, sizeof(esc)),
	    printable(shown, where, sizeof(where)), d->dflt);
}

/* Drop one pair of surrounding quotes: exabgp_tcp_bind="''" means "". */
static char *
unquote(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0])
		return xstrndup(v + 1, n - 2);
	return xstrdup(v);
}

static int
env_set_from(struct env *e, const char *dotted, const char *shown,
    const char *value, bool from_env, char *err, size_t errlen)
{
	const struct env_def *d = env_find(dotted);
	char where[160], esc[128], *v;
	int rc;

	if (d == NULL) {
		snprintf(err, errlen, "%s: unknown setting",
		    printable(shown, where, sizeof(where)));
		return -1;
	}
	v = unquote(value);
	if (d->type != ENV_IGNORE && has_control(v)) {
		/* a file name, user or address with a newline in it is a
		 * mistake, and would not print back as one line */
		snprintf(err, errlen, "%s: invalid value '%s' (control "
		    "characters are not allowed)", printable(shown, where,
		    sizeof(where)), printable(v, esc, sizeof(esc)));
		free(v);
		return -1;
	}
	rc = env_apply(e, d, v, from_env);
	if (rc == -1)
		snprintf(err, errlen, "%s: invalid value '%s' (expected %s)",
		    printable(shown, where, sizeof(where)),
		    printable(v, esc, sizeof(esc)), env_expected(d->type));
	else if (d->dflt != NULL)
		env_note_ignored(e, d, shown, v);
	free(v);
	return rc;
}

int
env_set(struct env *e, const char *dotted, const char *value, char *errbuf,
    size_t errlen)
{
	return env_set_from(e, dotted, dotted, value, true, errbuf, errlen);
}

static void
env_defaults(struct env *e)
{
	memset(e, 0, sizeof(*e));
	e->tcp_bind = xstrdup("");
	e->tcp_port = 179;
	e->api_ack = true;
	e->api_respawn = true;
	e->api_cli = true;
	e->api_encoder = ENCODER_JSON;
	e->api_version = 4;
	e->daemon_pid = xstrdup("");
	e->daemon_user = xstrdup("nobody");
	e->daemon_drop = true;
	e->daemon_umask = -1;
	e->api_pipename = xstrdup("exabgp");
	e->log_enable = true;
	e->log_level = LOG_INFO;
	e->log_dest = LOG_DEST_STDOUT;
	e->bgp_openwait = 60;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One INI line; section holds the current "[exabgp.x]" name part "x". */
static int
ini_line(struct env *e, char *line, char *section, size_t seclen,
    const char *path, int lineno, char *err, size_t errlen)
{
	char *s = trim(line), *eq, dotted[128], shown[160];

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		size_t n = strlen(s);

		if (s[n - 1] != ']')
			goto bad;
		s[n - 1] = '\0';
		s = trim(s + 1);
		if (strncmp(s, "exabgp.", 7) == 0)
			s += 7;
		snprintf(section, seclen, "%s", s);
		return 0;
	}
	if ((eq = strchr(s, '=')) == NULL || section[0] == '\0')
		goto bad;
	*eq = '\0';
	snprintf(dotted, sizeof(dotted), "%s.%s", section, trim(s));
	snprintf(shown, sizeof(shown), "%s:%d: exabgp.%s", path, lineno,
	    dotted);
	return env_set_from(e, dotted, shown, trim(eq + 1), false, err, errlen);
bad:
	snprintf(err, errlen, "%s:%d: expected '[exabgp.SECTION]' or 'key = "
	    "value'", path, lineno);
	return -1;
}

static int
ini_load(struct env *e, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char section[64] = "", *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) != -1)
		rc = ini_line(e, line, section, sizeof(section), path, ++lineno,
		    err, errlen);
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/*
 * "exabgp.tcp.port=1" or "exabgp_tcp_port=1" into dotted "tcp.port";
 * 0 when the variable is one of ours.
 */
static int
env_var_name(const char *var, size_t namelen, char *dotted, size_t len)
{
	const char *rest, *sep;

	if (namelen <= 7 || (strncmp(var, "exabgp.", 7) != 0 &&
	    strncmp(var, "exabgp_", 7) != 0))
		return -1;
	rest = var + 7;
	namelen -= 7;
	if (namelen >= len)
		return -1;
	memcpy(dotted, rest, namelen);
	dotted[namelen] = '\0';
	/* the section never has an underscore; the first one separates */
	if (var[6] == '_' && (sep = strchr(dotted, '_')) != NULL)
		dotted[sep - dotted] = '.';
	return 0;
}

int
env_load(struct env *e, const char *ini_path, char *const *envp,
    char *errbuf, size_t errlen)
{
	env_defaults(e);
	if (errlen > 0)
		errbuf[0] = '\0';
	if (ini_path != NULL && ini_load(e, ini_path, errbuf, errlen) == -1)
		return -1;
	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++) {
		const char *eq = strchr(envp[i], '=');
		char dotted[128], shown[128];

		if (eq == NULL || env_var_name(envp[i], (size_t)(eq - envp[i]),
		    dotted, sizeof(dotted)) == -1)
			continue;
		/* other programs' exabgp_* variables are not ours to judge */
		if (env_find(dotted) == NULL)
			continue;
		snprintf(shown, sizeof(shown), "%.*s", (int)(eq - envp[i]),
		    envp[i]);
		if (env_set_from(e, dotted, shown, eq + 1, true, errbuf,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

void
env_free(struct env *e)
{
	free(e->tcp_bind);
	free(e->daemon_pid);
	free(e->daemon_user);
	free(e->log_file);
	free(e->api_pipename);
	for (size_t i = 0; i < e->nignored; i++)
		free(e->ignored[i]);
	free(e->ignored);
	memset(e, 0, sizeof(*e));
}

static const char *
level_name(int level)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]);
	    i++)
		if (log_levels[i].level == level)
			return log_levels[i].name;
	return "INFO";
}

/*
 * A text value, quoted when loading it back would change it otherwise:
 * empty, in quotes of its own (one pair is dropped on loading), or with
 * spaces at an end (an INI file trims them).
 */
static void
print_str(FILE *f, const char *name, const char *v)
{
	size_t n = v != NULL ? strlen(v) : 0;
	bool quote = n == 0 || v[0] == '\'' || v[0] == '"' ||
	    isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]);

	fprintf(f, "exabgp.%s %s%s%s\n", name, quote ? "'" : "",
	    n > 0 ? v : "", quote ? "'" : "");
}

/* Not set, the umask is the one evbgpd inherited: what its files get.
 * Printed as such, --print-env's output loads back (an empty umask is
 * refused, as by ExaBGP). */
static mode_t
inherited_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

void
env_print(FILE *f, const struct env *e)
{
	static const char *const dests[] = { "stderr", "stdout", "syslog" };

	print_str(f, "tcp.bind", e->tcp_bind);
	fprintf(f, "exabgp.tcp.port %u\n", e->tcp_port);
	fprintf(f, "exabgp.tcp.connections %u\n", e->tcp_connections);
	fprintf(f, "exabgp.api.ack %s\n", e->api_ack ? "true" : "false");
	fprintf(f, "exabgp.api.respawn %s\n", e->api_respawn ? "true" :
	    "false");
	fprintf(f, "exabgp.api.terminate %s\n", e->api_terminate ? "true" :
	    "false");
	fprintf(f, "exabgp.api.cli %s\n", e->api_cli ? "true" : "false");
	fprintf(f, "exabgp.api.encoder %s\n", e->api_encoder == ENCODER_TEXT ?
	    "text" : "json");
	fprintf(f, "exabgp.api.version %u\n", e->api_version);
	print_str(f, "daemon.pid", e->daemon_pid);
	print_str(f, "daemon.user", e->daemon_user);
	fprintf(f, "exabgp.daemon.umask 0%03o\n", e->daemon_umask >= 0 ?
	    (unsigned)e->daemon_umask : (unsigned)inherited_umask());
	print_str(f, "api.pipename", e->api_pipename);
	fprintf(f, "exabgp.daemon.drop %s\n", e->daemon_drop ? "true" :
	    "false");
	fprintf(f, "exabgp.daemon.daemonize %s\n", e->daemon_daemonize ?
	    "true" : "false");
	fprintf(f, "exabgp.log.enable %s\n", e->log_enable ? "true" : "false");
	fprintf(f, "exabgp.log.level %s\n", level_name(e->log_level));
	print_str(f, "log.destination", e->log_dest == LOG_DEST_FILE ?
	    e->log_file : dests[e->log_dest]);
	fprintf(f, "exabgp.bgp.openwait %u\n", e->bgp_openwait);
	fprintf(f, "exabgp.bgp.passive %s\n", e->bgp_passive ? "true" :
	    "false");
	fprintf(f, "exabgp.debug.rotate %s\n", e->debug_rotate ? "true" :
	    "false");
}
