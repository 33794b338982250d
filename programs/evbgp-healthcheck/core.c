/*
 * evbgp-healthcheck core (see healthcheck.h): options, state machine and
 * output lines. The option table mirrors ExaBGP's argparse definitions:
 * same names, aliases and defaults; long options may be abbreviated to
 * any unique prefix, as argparse allows, because existing configuration
 * files and command lines rely on it.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "evbgp/bgp_proto.h"
#include "healthcheck.h"

/* How an option's value is stored. */
enum hc_argt {
	HC_A_FLAG,	/* bool = true */
	HC_A_UNFLAG,	/* bool = false (--no-ip-setup) */
	HC_A_STR,	/* char *, last one wins */
	HC_A_STRV,	/* struct hc_strv, repeatable */
	HC_A_DOUBLE,	/* double in [min, max] */
	HC_A_LONG,	/* long in [min, max] */
	HC_A_I64,	/* int64_t in [min, max] */
	HC_A_U32,	/* uint32_t in [min, max] */
	HC_A_NET,	/* struct hc_pfxv, repeatable */
	HC_A_ADDR,	/* char *, canonical IP address */
	HC_A_ADDRV,	/* struct hc_strv of canonical addresses */
	HC_A_OPTSTR,	/* char *, value optional (argparse nargs='?') */
	HC_A_FACILITY,	/* like OPTSTR, checked against syslog names */
	HC_A_LABEL,	/* char *, length-checked */
	HC_A_ATTR,	/* char *, copied into API lines: one line of text */
};

struct hc_optdef {
	const char	*names[4];	/* canonical long name first */
	enum hc_argt	 type;
	size_t		 off;
	double		 min;
	double		 max;
};

#define OFF(f)		offsetof(struct hc_opts, f)
#define U32MAX		4294967295.0

static const struct hc_optdef hc_optdefs[] = {
	{ { "--help", "-h" }, HC_A_FLAG, OFF(help), 0, 0 },
	{ { "--version" }, HC_A_FLAG, OFF(version), 0, 0 },
	{ { "--silent", "-s" }, HC_A_FLAG, OFF(silent), 0, 0 },
	{ { "--syslog-facility", "-sF" }, HC_A_FACILITY, OFF(syslog_facility),
	    0, 0 },
	{ { "--no-syslog" }, HC_A_FLAG, OFF(no_syslog), 0, 0 },
	{ { "--no-ack", "-a" }, HC_A_FLAG, OFF(no_ack), 0, 0 },
	{ { "--sudo" }, HC_A_FLAG, OFF(sudo), 0, 0 },
	{ { "--debug", "-d" }, HC_A_FLAG, OFF(debug), 0, 0 },
	{ { "--name", "-n" }, HC_A_STR, OFF(name), 0, 0 },
	{ { "--config", "-F" }, HC_A_STR, OFF(config), 0, 0 },
	{ { "--pid", "-p" }, HC_A_STR, OFF(pidfile), 0, 0 },
	{ { "--user" }, HC_A_STR, OFF(user), 0, 0 },
	{ { "--group" }, HC_A_STR, OFF(group), 0, 0 },
	{ { "--interval", "-i" }, HC_A_DOUBLE, OFF(interval), 0, 1e9 },
	{ { "--fast-interval", "-f" }, HC_A_DOUBLE, OFF(fast_interval), 0, 1e9 },
	{ { "--timeout", "-t" }, HC_A_DOUBLE, OFF(timeout), 0, 1e9 },
	{ { "--rise" }, HC_A_LONG, OFF(rise), 0, 1e9 },
	{ { "--fall" }, HC_A_LONG, OFF(fall), 0, 1e9 },
	{ { "--disable" }, HC_A_STR, OFF(disable), 0, 0 },
	{ { "--command", "--cmd", "-c" }, HC_A_STR, OFF(cmd), 0, 0 },
	{ { "--next-hop", "-N" }, HC_A_ADDR, OFF(next_hop), 0, 0 },
	{ { "--ip" }, HC_A_NET, OFF(ips), 0, 0 },
	{ { "--local-preference" }, HC_A_I64, OFF(local_pref), -1, U32MAX },
	{ { "--deaggregate-networks" }, HC_A_FLAG, OFF(deaggregate), 0, 0 },
	{ { "--no-ip-setup" }, HC_A_UNFLAG, OFF(ip_setup), 0, 0 },
	{ { "--dynamic-ip-setup" }, HC_A_FLAG, OFF(dynamic_ip_setup), 0, 0 },
	{ { "--label" }, HC_A_LABEL, OFF(label), 0, 0 },
	{ { "--start-ip" }, HC_A_LONG, OFF(start_ip), -1e9, 1e9 },
	{ { "--up-metric" }, HC_A_I64, OFF(up_metric), 0, U32MAX },
	{ { "--down-metric" }, HC_A_I64, OFF(down_metric), 0, U32MAX },
	{ { "--disabled-metric" }, HC_A_I64, OFF(disabled_metric), 0, U32MAX },
	{ { "--increase" }, HC_A_I64, OFF(increase), -U32MAX, U32MAX },
	{ { "--community" }, HC_A_ATTR, OFF(community), 0, 0 },
	{ { "--extended-community" }, HC_A_ATTR, OFF(ext_community), 0, 0 },
	{ { "--large-community" }, HC_A_ATTR, OFF(large_community), 0, 0 },
	{ { "--disabled-community" }, HC_A_ATTR, OFF(disabled_community), 0, 0 },
	{ { "--as-path" }, HC_A_ATTR, OFF(as_path), 0, 0 },
	{ { "--up-as-path" }, HC_A_ATTR, OFF(up_as_path), 0, 0 },
	{ { "--down-as-path" }, HC_A_ATTR, OFF(down_as_path), 0, 0 },
	{ { "--disabled-as-path" }, HC_A_ATTR, OFF(disabled_as_path), 0, 0 },
	{ { "--withdraw-on-down" }, HC_A_FLAG, OFF(withdraw_on_down), 0, 0 },
	{ { "--path-id" }, HC_A_U32, OFF(path_id), 0, U32MAX },
	{ { "--neighbor" }, HC_A_ADDRV, OFF(neighbors), 0, 0 },
	{ { "--bare-commands" }, HC_A_FLAG, OFF(bare), 0, 0 },
	{ { "--debounce" }, HC_A_FLAG, OFF(debounce), 0, 0 },
	{ { "--execute" }, HC_A_STRV, OFF(execute), 0, 0 },
	{ { "--up-execute" }, HC_A_STRV, OFF(up_execute), 0, 0 },
	{ { "--down-execute" }, HC_A_STRV, OFF(down_execute), 0, 0 },
	{ { "--disabled-execute" }, HC_A_STRV, OFF(disabled_execute), 0, 0 },
};
#define HC_NOPTDEFS	(sizeof(hc_optdefs) / sizeof(hc_optdefs[0]))

static const char *const hc_state_names[HC_STATE_MAX] = {
	[HC_INIT] = "INIT",
	[HC_DISABLED] = "DISABLED",
	[HC_RISING] = "RISING",
	[HC_FALLING] = "FALLING",
	[HC_UP] = "UP",
	[HC_DOWN] = "DOWN",
	[HC_EXIT] = "EXIT",
	[HC_END] = "END",
};

void
hc_opts_init(struct hc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval = 5;
	o->fast_interval = 1;
	o->timeout = 5;
	o->rise = 3;
	o->fall = 3;
	o->ip_setup = true;
	o->local_pref = -1;
	o->up_metric = 100;
	o->down_metric = 1000;
	o->disabled_metric = 500;
	o->increase = 1;
	o->syslog_facility = xstrdup("daemon");
}

void
hc_opts_free(struct hc_opts *o)
{
	char **strs[] = { &o->cmd, &o->disable, &o->label, &o->next_hop,
	    &o->community, &o->disabled_community, &o->ext_community,
	    &o->large_community, &o->as_path, &o->up_as_path,
	    &o->down_as_path, &o->disabled_as_path, &o->syslog_facility,
	    &o->name, &o->config, &o->pidfile, &o->user, &o->group };
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	hc_pfxv_free(&o->ips);
	hc_strv_free(&o->neighbors);
	hc_strv_free(&o->execute);
	hc_strv_free(&o->up_execute);
	hc_strv_free(&o->down_execute);
	hc_strv_free(&o->disabled_execute);
}

void
hc_strv_add(struct hc_strv *v, const char *s)
{
	v->v = xreallocarray(v->v, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = xstrdup(s);
}

void
hc_strv_free(struct hc_strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void
hc_pfxv_add(struct hc_pfxv *v, const struct prefix *p)
{
	/* capacity doubles at each power of two: an expansion of 65,536
	 * hosts is linear, not 65,536 reallocations */
	if ((v->n & (v->n - 1)) == 0)
		v->v = xreallocarray(v->v, v->n ? v->n * 2 : 1, sizeof(*v->v));
	v->v[v->n++] = *p;
}

void
hc_pfxv_free(struct hc_pfxv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

bool
hc_pfxv_has(const struct hc_pfxv *v, const struct prefix *p)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (prefix_equal(&v->v[i], p))
			return true;
	return false;
}

/* ---------------------------------------------------------------- values */

/* Dotted IPv4 netmask to a length; -1 if not a contiguous mask. */
static int
netmask_len(const char *s)
{
	struct bgp_addr a;
	uint32_t m;
	int len = 0;

	if (strchr(s, '.') == NULL || addr_parse(s, &a) == -1 ||
	    a.afi != BGP_AFI_IPV4)
		return -1;
	m = addr_to_u32(&a);
	while (len < 32 && (m & (UINT32_C(1) << (31 - len))))
		len++;
	if (len < 32 && (m << len) != 0)
		return -1;
	return len;
}

int
hc_parse_network(const char *s, struct prefix *p)
{
	char host[ADDR_STRLEN + 1];
	const char *slash = strchr(s, '/');
	struct bgp_addr a;
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	char *end;
	int ml;

	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (addr_parse(host, &a) == -1)
		return -1;
	len = addr_len(&a) * 8;
	if (slash != NULL && (ml = netmask_len(slash + 1)) >= 0 &&
	    a.afi == BGP_AFI_IPV4) {
		len = (unsigned long)ml;
	} else if (slash != NULL) {
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || errno != 0 || len > addr_len(&a) * 8)
			return -1;
	}
	if (prefix_from_addr(&a, (unsigned)len, p) == -1)
		return -1;
	/* ip_network() is strict: 10.0.0.1/24 is a mistake, not 10.0.0.0/24. */
	return memcmp(p->b, a.b, sizeof(p->b)) == 0 ? 0 : -1;
}

static int
parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < min || d > max)
		return -1;
	*out = d;
	return 0;
}

static int
parse_int(const char *s, double min, double max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end != '\0' || errno != 0 || (double)v < min ||
	    (double)v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_addr_canon(const char *s, char **out)
{
	struct bgp_addr a;
	char buf[ADDR_STRLEN];

	if (addr_parse(s, &a) == -1)
		return -1;
	free(*out);
	*out = xstrdup(addr_fmt(&a, buf));
	return 0;
}

static const struct {
	const char	*name;
	int		 value;
} hc_facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

int
hc_syslog_facility(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(hc_facilities) / sizeof(hc_facilities[0]); i++)
		if (strcasecmp(name, hc_facilities[i].name) == 0)
			return hc_facilities[i].value;
	return -1;
}

/* ---------------------------------------------------------------- parsing */

static void *
field(struct hc_opts *o, const struct hc_optdef *d)
{
	return (char *)o + d->off;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Numeric kinds: parse and range-check into the field. */
static int
store_number(struct hc_opts *o, const struct hc_optdef *d, const char *v,
    char *err, size_t errlen)
{
	long long n;
	double x;

	if (d->type == HC_A_DOUBLE) {
		if (parse_double(v, d->min, d->max, &x) == -1)
			goto bad;
		*(double *)field(o, d) = x;
		return 0;
	}
	if (parse_int(v, d->min, d->max, &n) == -1)
		goto bad;
	if (d->type == HC_A_LONG)
		*(long *)field(o, d) = (long)n;
	else if (d->type == HC_A_I64)
		*(int64_t *)field(o, d) = n;
	else
		*(uint32_t *)field(o, d) = (uint32_t)n;
	return 0;
bad:
	snprintf(err, errlen, "argument %s: invalid value '%s' (%s %.0f to %.0f)",
	    d->names[0], v, d->type == HC_A_DOUBLE ? "a number" : "an integer",
	    d->min, d->max);
	return -1;
}

/* Store value v (NULL for flags and an absent optional value). */
static int
store(struct hc_opts *o, const struct hc_optdef *d, const char *v,
    char *err, size_t errlen)
{
	struct prefix p;

	switch (d->type) {
	case HC_A_FLAG:
	case HC_A_UNFLAG:
		*(bool *)field(o, d) = d->type == HC_A_FLAG;
		return 0;
	case HC_A_ATTR:
		/* a line break would end the API command and start another */
		for (const char *c = v; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				snprintf(err, errlen, "argument %s: control "
				    "characters are not allowed (the value goes "
				    "into an API command line)", d->names[0]);
				return -1;
			}
		set_str(field(o, d), v);
		return 0;
	case HC_A_STR:
		set_str(field(o, d), v);
		return 0;
	case HC_A_STRV:
		hc_strv_add(field(o, d), v);
		return 0;
	case HC_A_OPTSTR:
	case HC_A_FACILITY:
		if (v == NULL)
			v = "daemon";
		if (d->type == HC_A_FACILITY && hc_syslog_facility(v) == -1) {
			snprintf(err, errlen, "argument %s: unknown syslog "
			    "facility '%s'", d->names[0], v);
			return -1;
		}
		set_str(field(o, d), v);
		return 0;
	case HC_A_LABEL:
		if (*v == '\0' || strlen(v) > HC_MAX_LABEL ||
		    strpbrk(v, " \t/") != NULL) {
			snprintf(err, errlen, "argument %s: invalid label '%s' "
			    "(1 to %d characters, no blanks or '/')",
			    d->names[0], v, HC_MAX_LABEL);
			return -1;
		}
		set_str(field(o, d), v);
		return 0;
	case HC_A_NET:
		if (hc_parse_network(v, &p) == -1) {
			snprintf(err, errlen, "argument %s: invalid network "
			    "'%s' (an address or ADDRESS/LEN without host "
			    "bits)", d->names[0], v);
			return -1;
		}
		hc_pfxv_add(field(o, d), &p);
		return 0;
	case HC_A_ADDR:
	case HC_A_ADDRV: {
		char *canon = NULL;

		if (parse_addr_canon(v, &canon) == -1) {
			snprintf(err, errlen, "argument %s: invalid IP "
			    "address '%s'", d->names[0], v);
			return -1;
		}
		if (d->type == HC_A_ADDR)
			set_str(field(o, d), canon);
		else
			hc_strv_add(field(o, d), canon);
		free(canon);
		return 0;
	}
	default:
		return store_number(o, d, v, err, errlen);
	}
}

static bool
takes_value(const struct hc_optdef *d)
{
	return d->type != HC_A_FLAG && d->type != HC_A_UNFLAG;
}

static bool
value_optional(const struct hc_optdef *d)
{
	return d->type == HC_A_OPTSTR || d->type == HC_A_FACILITY;
}

static const struct hc_optdef *
find_exact(const char *name, size_t len)
{
	size_t i, j;

	for (i = 0; i < HC_NOPTDEFS; i++)
		for (j = 0; j < 4 && hc_optdefs[i].names[j] != NULL; j++)
			if (strlen(hc_optdefs[i].names[j]) == len &&
			    strncmp(hc_optdefs[i].names[j], name, len) == 0)
				return &hc_optdefs[i];
	return NULL;
}

/* A long option by exact name or unique prefix; *ambiguous on a tie. */
static const struct hc_optdef *
find_long(const char *name, size_t len, bool *ambiguous)
{
	const struct hc_optdef *found = find_exact(name, len);
	size_t i, j;

	*ambiguous = false;
	if (found != NULL)
		return found;
	for (i = 0; i < HC_NOPTDEFS; i++) {
		for (j = 0; j < 4 && hc_optdefs[i].names[j] != NULL; j++) {
			const char *n = hc_optdefs[i].names[j];

			if (n[1] != '-' || strncmp(n, name, len) != 0)
				continue;
			if (found != NULL && found != &hc_optdefs[i]) {
				*ambiguous = true;
				return NULL;
			}
			found = &hc_optdefs[i];
		}
	}
	return found;
}

/* Parse "--name[=value]"; consumes the next argument for a value. */
static int
parse_long(struct hc_opts *o, int argc, char *const argv[], int *i,
    char *err, size_t errlen)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct hc_optdef *d;
	const char *v = NULL;
	bool amb;

	if ((d = find_long(arg, len, &amb)) == NULL) {
		snprintf(err, errlen, amb ? "ambiguous option: %.*s" :
		    "unrecognized argument: %.*s", (int)len, arg);
		return -1;
	}
	if (!takes_value(d)) {
		if (eq != NULL) {
			snprintf(err, errlen, "argument %s: ignored explicit "
			    "argument '%s'", d->names[0], eq + 1);
			return -1;
		}
		return store(o, d, NULL, err, errlen);
	}
	if (eq != NULL)
		v = eq + 1;
	else if (*i + 1 < argc && !(value_optional(d) && argv[*i + 1][0] == '-'))
		v = argv[++*i];
	else if (!value_optional(d)) {
		snprintf(err, errlen, "argument %s: expected one argument",
		    d->names[0]);
		return -1;
	}
	return store(o, d, v, err, errlen);
}

/* Parse "-x", "-xVALUE", "-x VALUE" and clustered flags "-ad". */
static int
parse_short(struct hc_opts *o, int argc, char *const argv[], int *i,
    char *err, size_t errlen)
{
	const char *arg = argv[*i], *p;
	const struct hc_optdef *d;

	/* "-sF" is a two-letter option string in ExaBGP, not -s -F. */
	if ((d = find_exact(arg, strlen(arg))) != NULL && value_optional(d)) {
		const char *v = NULL;

		if (*i + 1 < argc && argv[*i + 1][0] != '-')
			v = argv[++*i];
		return store(o, d, v, err, errlen);
	}
	for (p = arg + 1; *p != '\0'; p++) {
		char name[3] = { '-', *p, '\0' };

		if ((d = find_exact(name, 2)) == NULL) {
			snprintf(err, errlen, "unrecognized argument: %s", arg);
			return -1;
		}
		if (!takes_value(d)) {
			if (store(o, d, NULL, err, errlen) == -1)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return store(o, d, p + 1, err, errlen);
		if (*i + 1 >= argc) {
			snprintf(err, errlen, "argument %s: expected one "
			    "argument", d->names[0]);
			return -1;
		}
		return store(o, d, argv[++*i], err, errlen);
	}
	return 0;
}

int
hc_parse_args(struct hc_opts *o, int argc, char *const argv[], char *err,
    size_t errlen)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0) {
			snprintf(err, errlen, "unrecognized argument: %s", a);
			return -1;
		}
		if (a[1] == '-')
			rc = parse_long(o, argc, argv, &i, err, errlen);
		else
			rc = parse_short(o, argc, argv, &i, err, errlen);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static char *
strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void
hc_config_args(const char *text, struct hc_strv *args)
{
	char *copy = xstrdup(text), *line, *save = NULL, *eq, *s;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		s = strip(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) != NULL)
			*eq = '\0';
		char *key = xasprintf("--%s", strip(s));
		hc_strv_add(args, key);
		free(key);
		if (eq != NULL)
			hc_strv_add(args, strip(eq + 1));
	}
	free(copy);
}

/* Read a whole (small) file; NULL with errno set on failure. */
static char *
read_file(const char *path)
{
	struct sbuf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	sbuf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    b.len < (1u << 20))
		sbuf_add(&b, chunk, n);
	fclose(f);
	return b.p;
}

int
hc_parse_command_line(struct hc_opts *o, int argc, char *const argv[],
    char *err, size_t errlen)
{
	struct hc_strv args = { NULL, 0 };
	char *text;
	int i, rc;

	if (hc_parse_args(o, argc, argv, err, errlen) == -1)
		return -1;
	if (o->config == NULL || o->help)
		return 0;
	if ((text = read_file(o->config)) == NULL) {
		snprintf(err, errlen, "argument --config: can't open '%s': %s",
		    o->config, strerror(errno));
		return -1;
	}
	/* As ExaBGP: the file's options first, the command line after. */
	hc_strv_add(&args, argc > 0 ? argv[0] : "evbgp-healthcheck");
	hc_config_args(text, &args);
	free(text);
	for (i = 1; i < argc; i++)
		hc_strv_add(&args, argv[i]);
	hc_opts_free(o);
	hc_opts_init(o);
	rc = hc_parse_args(o, (int)args.n, args.v, err, errlen);
	hc_strv_free(&args);
	return rc;
}

const char *
hc_option_name(size_t n)
{
	size_t i, j;

	for (i = 0; i < HC_NOPTDEFS; i++)
		for (j = 0; j < 4 && hc_optdefs[i].names[j] != NULL; j++)
			if (n-- == 0)
				return hc_optdefs[i].names[j];
	return NULL;
}

/* ---------------------------------------------------------------- states */

const char *
hc_state_name(enum hc_state st)
{
	return st < HC_STATE_MAX ? hc_state_names[st] : "?";
}

bool
hc_fsm_step(struct hc_fsm *f, bool ok, bool disabled, long rise, long fall)
{
	enum hc_state to;

	if (f->state == HC_EXIT || f->state == HC_END)
		return false;	/* final */
	if (disabled)
		ok = true;	/* a disabled service is not checked */
	if (f->state != HC_DISABLED && disabled) {
		to = HC_DISABLED;
	} else {
		switch (f->state) {
		case HC_INIT:
			to = ok ? HC_RISING : HC_FALLING;
			f->checks = 1;
			break;
		case HC_DISABLED:
			if (disabled)
				return false;
			to = HC_INIT;
			break;
		case HC_RISING:
			if (ok && ++f->checks < rise)
				return false;
			to = ok ? HC_UP : HC_FALLING;
			if (!ok)
				f->checks = 1;
			break;
		case HC_FALLING:
			if (!ok && ++f->checks < fall)
				return false;
			to = ok ? HC_RISING : HC_DOWN;
			if (ok)
				f->checks = 1;
			break;
		case HC_UP:
		case HC_DOWN:
			if (ok == (f->state == HC_UP))
				return false;
			to = ok ? HC_RISING : HC_FALLING;
			f->checks = 1;
			break;
		default:
			return false;
		}
	}
	/* A single result is enough when rise/fall is 1 (or less). */
	if (to == HC_RISING && rise <= 1)
		to = HC_UP;
	else if (to == HC_FALLING && fall <= 1)
		to = HC_DOWN;
	f->state = to;
	return true;
}

bool
hc_state_announces(enum hc_state st)
{
	return st == HC_UP || st == HC_DOWN || st == HC_DISABLED;
}

/* Sleep after an iteration ending in st: fast while RISING/FALLING. */
static double
hc_sleep_for(const struct hc_opts *o, enum hc_state st)
{
	return st == HC_RISING || st == HC_FALLING ? o->fast_interval :
	    o->interval;
}

void
hc_machine_init(struct hc_machine *m)
{
	m->fsm.state = HC_INIT;
	m->fsm.checks = 0;
	m->announced = HC_STATE_MAX;
}

void
hc_machine_tick(struct hc_machine *m, const struct hc_opts *o, bool ok,
    bool disabled, struct hc_tick *t)
{
	enum hc_state st;

	t->triggered = hc_fsm_step(&m->fsm, ok, disabled, o->rise, o->fall);
	st = m->fsm.state;
	/* Repeated so routes come back after a session reset (no RIB-out). */
	t->announce = hc_state_announces(st) &&
	    (!o->debounce || m->announced != st);
	if (t->announce)
		m->announced = st;
	t->end = st != HC_RISING && st != HC_FALLING && o->interval == 0;
	t->sleep = t->end ? 0 : hc_sleep_for(o, st);
}

/* ---------------------------------------------------------------- output */

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static void
add_attrs(const struct hc_opts *o, enum hc_state st, size_t index,
    struct sbuf *out)
{
	int64_t metric = st == HC_UP ? o->up_metric : st == HC_DOWN ?
	    o->down_metric : o->disabled_metric;
	const char *as = st == HC_UP ? o->up_as_path : st == HC_DOWN ?
	    o->down_as_path : o->disabled_as_path;
	const char *comm = nonempty(o->community);

	metric += (int64_t)index * o->increase;
	sbuf_printf(out, " med %lld", (long long)metric);
	if (o->local_pref >= 0)
		sbuf_printf(out, " local-preference %lld",
		    (long long)o->local_pref);
	if ((st == HC_DOWN || st == HC_DISABLED) &&
	    nonempty(o->disabled_community))
		comm = o->disabled_community;
	if (comm != NULL)
		sbuf_printf(out, " community [ %s ]", comm);
	if (nonempty(o->ext_community))
		sbuf_printf(out, " extended-community [ %s ]",
		    o->ext_community);
	if (nonempty(o->large_community))
		sbuf_printf(out, " large-community [ %s ]", o->large_community);
	if (as == NULL)
		as = o->as_path;
	if (nonempty(as))
		sbuf_printf(out, " as-path [ %s ]", as);
}

void
hc_format_line(const struct hc_opts *o, enum hc_state st,
    const struct prefix *p, size_t index, struct sbuf *out)
{
	bool announce = st != HC_EXIT && (st == HC_UP || !o->withdraw_on_down);
	char buf[PREFIX_STRLEN];
	size_t i;

	if (o->neighbors.n > 0) {
		for (i = 0; i < o->neighbors.n; i++)
			sbuf_printf(out, "%sneighbor %s", i ? ", " : "",
			    o->neighbors.v[i]);
		sbuf_addc(out, ' ');
	} else if (!o->bare) {
		sbuf_adds(out, "neighbor * ");
	}
	sbuf_printf(out, "%s route %s next-hop %s",
	    announce ? "announce" : "withdraw", prefix_fmt(p, buf),
	    o->next_hop != NULL ? o->next_hop : "self");
	if (announce)
		add_attrs(o, st, index, out);
	if (o->path_id != 0)
		sbuf_printf(out, " path-information %lu",
		    (unsigned long)o->path_id);
}

/* ---------------------------------------------------------------- addresses */

int
hc_expand_hosts(const struct hc_pfxv *in, struct hc_pfxv *out, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		struct prefix h = in->v[i];
		unsigned bits = h.afi == BGP_AFI_IPV4 ? 32 : 128;
		uint64_t count, k;

		if (bits - h.len > 16) {
			snprintf(err, errlen, "%s expands to more than %d "
			    "addresses", prefix_fmt(&in->v[i],
			    (char[PREFIX_STRLEN]){ 0 }), HC_MAX_EXPAND);
			return -1;
		}
		count = UINT64_C(1) << (bits - h.len);
		h.len = (uint8_t)bits;
		for (k = 0; k < count; k++) {
			hc_pfxv_add(out, &h);
			/* Increment the address as a big-endian number. */
			for (int b = (int)bits / 8 - 1; b >= 0; b--)
				if (++h.b[b] != 0)
					break;
		}
	}
	return 0;
}

void
hc_rotate(struct hc_pfxv *v, long n)
{
	struct prefix *tmp;
	size_t k, i;

	if (v->n < 2)
		return;
	k = (size_t)(((n % (long)v->n) + (long)v->n) % (long)v->n);
	if (k == 0)
		return;
	tmp = xreallocarray(NULL, v->n, sizeof(*tmp));
	for (i = 0; i < v->n; i++)
		tmp[i] = v->v[(i + k) % v->n];
	memcpy(v->v, tmp, v->n * sizeof(*tmp));
	free(tmp);
}

bool
hc_is_loopback(const struct prefix *p)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (p->afi == BGP_AFI_IPV4)
		return p->b[0] == 127;
	return p->len == 128 && memcmp(p->b, v6lo, 16) == 0;
}

int
hc_parse_ip_line(const char *line, struct prefix *p, char *label,
    size_t labellen)
{
	char *copy = xstrdup(line), *tok, *save = NULL;
	bool want_addr = false;
	int rc = -1;

	*label = '\0';
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (want_addr) {
			rc = hc_parse_network(tok, p);
			want_addr = false;
		} else if (strcmp(tok, "inet") == 0 ||
		    strcmp(tok, "inet6") == 0) {
			want_addr = rc == -1;
		} else if (strncmp(tok, "lo:", 3) == 0 && *label == '\0') {
			/* -o output joins continuation lines with '\'. */
			size_t n = strcspn(tok + 3, "\\");

			snprintf(label, labellen, "%.*s", (int)n, tok + 3);
		}
	}
	free(copy);
	return rc;
}

void
hc_loopback_ips(const char *text, const char *label, struct hc_pfxv *out)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	char lab[64];
	struct prefix p;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (hc_parse_ip_line(line, &p, lab, sizeof(lab)) == -1 ||
		    hc_is_loopback(&p))
			continue;
		if (label != NULL && strncmp(lab, label, strlen(label)) != 0)
			continue;
		if (!hc_pfxv_has(out, &p))
			hc_pfxv_add(out, &p);
	}
	free(copy);
}

/* ---------------------------------------------------------------- help */

static const char hc_usage_text[] =
"NAME\n"
"    evbgp-healthcheck - announce or withdraw service addresses by health\n"
"\n"
"SYNOPSIS\n"
"    evbgp-healthcheck [--cmd CMD] [--ip IP/LEN]... [options]\n"
"    evbgp-healthcheck --config FILE [options]\n"
"\n"
"DESCRIPTION\n"
"    A helper process for evbgpd or ExaBGP (declare it in a `process`\n"
"    block; drop-in replacement for `exabgp healthcheck`). It runs CMD\n"
"    through /bin/sh -c every --interval seconds; exit status 0 means\n"
"    healthy. After --rise successes the service is UP and each address\n"
"    is announced with --up-metric as MED; after --fall failures it is\n"
"    DOWN and announced with --down-metric (or withdrawn with\n"
"    --withdraw-on-down). While --disable FILE exists it is DISABLED\n"
"    (--disabled-metric). Routes are re-announced every interval. On\n"
"    SIGTERM, SIGINT or SIGHUP every route is withdrawn and the addresses\n"
"    it added to lo are removed. It exits when its parent process dies\n"
"    or, when reading acknowledgements, when its standard input closes.\n"
"\n"
"CHECKING HEALTHINESS\n"
"    -c, --cmd, --command CMD  shell command; exit 0 = healthy. It runs in\n"
"                         its own process group, stdin /dev/null; default:\n"
"                         none (always healthy)\n"
"    -i, --interval N     seconds between checks (default 5); 0 = announce\n"
"                         once the state is settled, then exit\n"
"    -f, --fast-interval N  seconds between checks while RISING or FALLING\n"
"                         (default 1)\n"
"    -t, --timeout N      seconds a check may run (default 5); then its\n"
"                         process group gets SIGTERM, SIGKILL shortly after,\n"
"                         and the check counts as failed; 0 = no limit\n"
"    --rise N             successes before UP (default 3)\n"
"    --fall N             failures before DOWN (default 3)\n"
"    --disable FILE       while FILE exists the service is DISABLED\n"
"\n"
"ADVERTISING\n"
"    --ip IP[/LEN]        address or network to announce (repeatable);\n"
"                         default: the non-loopback addresses on lo (those\n"
"                         labelled lo:LABEL... with --label)\n"
"    --deaggregate-networks  announce each address of the networks\n"
"    --no-ip-setup        do not add missing addresses to lo (by default\n"
"                         `ip address add IP/LEN dev lo [label lo:LABEL]`;\n"
"                         needs root); added ones are removed on exit\n"
"    --dynamic-ip-setup   remove the addresses from lo while DOWN or\n"
"                         DISABLED, add them back when UP\n"
"    --label LABEL        label (at most 12 characters) of the loopback\n"
"                         addresses to use and to create\n"
"    --start-ip N         index of the first address in the list (default 0)\n"
"    -N, --next-hop IP    next hop (default: self)\n"
"    --local-preference P  local preference (default: none)\n"
"    --up-metric M        MED of the first address when UP (default 100)\n"
"    --down-metric M      MED when DOWN (default 1000)\n"
"    --disabled-metric M  MED when DISABLED (default 500)\n"
"    --increase M         MED added per further address (default 1)\n"
"    --community C        community [ C ]\n"
"    --disabled-community C  community when DOWN or DISABLED\n"
"    --extended-community E  extended-community [ E ]\n"
"    --large-community L  large-community [ L ]\n"
"    --as-path A          as-path [ A ]\n"
"    --up-as-path A, --down-as-path A, --disabled-as-path A\n"
"                         as-path in that state (default --as-path)\n"
"    --withdraw-on-down   withdraw instead of raising the MED when DOWN\n"
"                         or DISABLED\n"
"    --path-id N          path-information N (ADD-PATH id; 0 = none)\n"
"    --neighbor IP        only to this neighbor (repeatable); lines start\n"
"                         `neighbor IP1, neighbor IP2 announce ...`\n"
"    --bare-commands      plain `announce route ...` lines instead of\n"
"                         `neighbor * announce route ...`: needed by\n"
"                         ExaBGP 4.2.21 and older, which reject `neighbor *`\n"
"    --debounce           announce only when the state changes\n"
"\n"
"REPORTING\n"
"    --execute CMD        run CMD (via /bin/sh -c, environment STATE=INIT,\n"
"                         DISABLED, RISING, FALLING, UP or DOWN) on every\n"
"                         state change (repeatable)\n"
"    --up-execute CMD, --down-execute CMD, --disabled-execute CMD\n"
"                         run CMD on entering that state (repeatable;\n"
"                         before the --execute commands)\n"
"\n"
"PROCESS\n"
"    -a, --no-ack         do not read one acknowledgement line (`done`)\n"
"                         from stdin after each command; use it when the\n"
"                         daemon runs with exabgp.api.ack=false. Acks are\n"
"                         never read when stdin or stdout is a terminal\n"
"    -n, --name NAME      name in syslog (healthcheck-NAME)\n"
"    -F, --config FILE    read options from FILE: one `key = value` or\n"
"                         bare `key` per line (long option names without\n"
"                         --), `#` comments; the command line wins\n"
"    -p, --pid FILE       write the process id to FILE\n"
"    --user USER, --group GROUP  drop privileges after setting up\n"
"                         addresses (--user alone also takes USER's group)\n"
"    --sudo               run `ip` through sudo\n"
"    -d, --debug          debug messages, to stderr, and no syslog\n"
"    -s, --silent         no messages on stderr\n"
"    -sF, --syslog-facility F  syslog facility (default daemon)\n"
"    --no-syslog          do not log to syslog\n"
"    -h, --help           print this text and exit\n"
"    --version            print the version and exit\n"
"\n"
"OUTPUT\n"
"    One line per address, then (unless --no-ack) one line read back:\n"
"      neighbor * announce route 10.0.0.1/32 next-hop self med 100\n"
"        [local-preference P] [community [ C ]] [extended-community [ E ]]\n"
"        [large-community [ L ]] [as-path [ A ]] [path-information N]\n"
"      neighbor * withdraw route 10.0.0.1/32 next-hop self\n"
"        [path-information N]\n"
"\n"
"EXIT STATUS\n"
"    0 after a signal, the parent's exit or --interval 0; 1 on a runtime\n"
"    error (no address found, address setup failed, privileges); 2 on a\n"
"    bad option or configuration file.\n"
"\n"
"EXAMPLES\n"
"    process watch-nginx {\n"
"        run /usr/bin/evbgp-healthcheck --cmd \"curl -sf http://127.0.0.1/\"\n"
"            --ip 192.0.2.10/32 --label web --withdraw-on-down;\n"
"        encoder text;\n"
"    }\n"
"    ExaBGP 4.2.21: add --bare-commands.  Try it by hand:\n"
"      evbgp-healthcheck --no-ip-setup --no-syslog -a --ip 192.0.2.10 \\\n"
"          --cmd 'test -f /tmp/ok' --rise 1 --fall 1 --interval 2\n";

const char *
hc_usage(void)
{
	return hc_usage_text;
}
