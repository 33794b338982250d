/*
 * evbgpd: command line, settings, configuration check/print, and the
 * daemon's start. Settings come from, in increasing priority: defaults,
 * the INI file (--env or /etc/exabgp/exabgp.env), exabgp.* environment
 * variables, then the command-line options.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evbgp/api_exec.h"
#include "evbgp/config.h"
#include "evbgp/control.h"
#include "evbgp/daemon.h"
#include "evbgp/env.h"
#include "evbgp/log.h"
#include "evbgp/metrics.h"
#include "evbgp/util.h"

#define DEFAULT_ENV_FILE	"/etc/exabgp/exabgp.env"

extern char **environ;

static const char usage_text[] =
"Usage: evbgpd [OPTIONS] CONFIG [CONFIG...]\n"
"\n"
"evbgpd speaks BGP-4 to routers and route servers: it announces the routes\n"
"it is configured with (and, through helper processes, told about) and\n"
"reports what its peers send. The configuration syntax is ExaBGP 4.2's.\n"
"With several CONFIG files the first is used (see exabgp.debug.rotate).\n"
"\n"
"Options:\n"
"  -t, --check, --test    check the configuration file(s) and exit:\n"
"                         0 when valid, 1 with FILE:LINE: reason otherwise\n"
"  -p, --print            print the normalised configuration and exit\n"
"  -e, --env FILE         read exabgp.* settings from the INI file FILE\n"
"                         (default " DEFAULT_ENV_FILE " when it exists);\n"
"                         environment variables override it\n"
"      --print-env        print the effective settings and exit\n"
"  -d, --debug            log everything (level debug)\n"
"  -l, --log-level LEVEL  emerg, alert, crit, error, warning, notice, info,\n"
"                         debug (default info)\n"
"      --log-dest DEST    stdout (the default, as ExaBGP), stderr, syslog\n"
"                         or file:PATH\n"
"  -P, --pid FILE         write the process id to FILE, remove it at exit\n"
"  -b, --bind ADDR        accept BGP connections on ADDR (repeatable);\n"
"                         none by default, as exabgp.tcp.bind\n"
"      --port PORT        port to listen on, and to connect to for\n"
"                         neighbors without a connect statement (179)\n"
"      --connections N    connection attempts per neighbor (0: no limit)\n"
"  -u, --user USER        after binding, drop privileges to USER\n"
"      --helper-queue BYTES  most output queued for one helper before\n"
"                         the overflow policy applies (default 16M;\n"
"                         K, M, G suffixes)\n"
"      --helper-overflow drop|restart  drop events (the helper is then\n"
"                         told how many) or restart the helper (drop)\n"
"      --helper-copy      copy all events into the helpers' pipes, none\n"
"                         spliced from evbgpd's pages (for a helper that\n"
"                         splices its stdin on)\n"
"  -s, --control PATH     evbgpctl socket (default " CONTROL_DEFAULT_PATH ";\n"
"                         with exabgp.api.cli=false there is none unless\n"
"                         this option is given)\n"
"  -m, --metrics [ADDR:]PORT  serve Prometheus metrics on\n"
"                         http://ADDR:PORT/metrics (ADDR 127.0.0.1 unless\n"
"                         given; [IPV6]:PORT; ADDR alone: port 9179);\n"
"                         off by default\n"
"  -V, --version          print the version and exit\n"
"  -h, --help             print this help and exit\n"
"\n"
"Environment (ExaBGP compatible; dotted or underscore form, e.g.\n"
"exabgp.tcp.port=1790 or exabgp_tcp_port=1790):\n"
"  exabgp.tcp.bind        addresses to listen on (space separated)\n"
"  exabgp.tcp.port        listen port; also the outgoing port\n"
"  exabgp.tcp.connections connection attempts per neighbor (alias attempts)\n"
"  exabgp.daemon.pid      pid file\n"
"  exabgp.daemon.user     started as root, switch to USER after binding\n"
"                         (only when set; as --user)\n"
"  exabgp.daemon.drop     false: start helpers before the switch\n"
"  exabgp.daemon.umask    file mode mask, octal (0137, 0o137)\n"
"  exabgp.api.pipename    exabgpcli's named pipes NAME.in/NAME.out (exabgp)\n"
"  exabgp.log.enable      false: log nothing\n"
"  exabgp.log.level       as --log-level\n"
"  exabgp.log.destination stderr, stdout, syslog or a file name\n"
"  exabgp.bgp.openwait    seconds to wait for the peer's OPEN (60)\n"
"  exabgp.debug.rotate    with several CONFIGs, load the next on reload\n"
"\n"
"Signals: SIGTERM, SIGINT and SIGHUP shut down (every session gets a Cease,\n"
"Administrative Shutdown, NOTIFICATION first). SIGUSR1 reopens the log\n"
"file (for logrotate) and reloads the\n"
"configuration (an invalid one is refused and the running one kept, as is\n"
"one without any neighbor: 'evbgpctl reload allow-empty' applies that);\n"
"SIGUSR2 reloads it and restarts every helper process.\n"
"\n"
"Exit status: 0 after a clean shutdown or a valid --check, 1 on a\n"
"configuration or start-up error, 2 on a usage error.\n";

struct options {
	bool		 check;
	bool		 print;
	bool		 print_env;
	const char	*env_file;
	const char	*user;
	const char	*control;
	size_t		 helper_queue;
	bool		 helper_restart;
	bool		 helper_copy;
	bool		 metrics;	/* --metrics given */
	struct bgp_addr	 metrics_addr;
	uint16_t	 metrics_port;
	/* settings that override the environment */
	char		*overrides[32][2];
	size_t		 noverrides;
	char		*bind;		/* accumulated --bind values */
};

enum {
	OPT_LOG_DEST = 256,
	OPT_PORT,
	OPT_CONNECTIONS,
	OPT_PRINT_ENV,
	OPT_HELPER_QUEUE,
	OPT_HELPER_OVERFLOW,
	OPT_HELPER_COPY,
};


static const struct option long_options[] = {
	{ "check", no_argument, NULL, 't' },
	{ "test", no_argument, NULL, 't' },
	{ "print", no_argument, NULL, 'p' },
	{ "env", required_argument, NULL, 'e' },
	{ "print-env", no_argument, NULL, OPT_PRINT_ENV },
	{ "debug", no_argument, NULL, 'd' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "log-dest", required_argument, NULL, OPT_LOG_DEST },
	{ "pid", required_argument, NULL, 'P' },
	{ "bind", required_argument, NULL, 'b' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "user", required_argument, NULL, 'u' },
	{ "control", required_argument, NULL, 's' },
	{ "metrics", required_argument, NULL, 'm' },
	{ "helper-queue", required_argument, NULL, OPT_HELPER_QUEUE },
	{ "helper-overflow", required_argument, NULL, OPT_HELPER_OVERFLOW },
	{ "helper-copy", no_argument, NULL, OPT_HELPER_COPY },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage_error(const char *msg)
{
	fprintf(stderr, "evbgpd: %s\nTry 'evbgpd --help'.\n", msg);
	exit(2);
}

static void
add_override(struct options *o, const char *key, const char *value)
{
	if (o->noverrides >= sizeof(o->overrides) / sizeof(o->overrides[0]))
		usage_error("too many options");
	o->overrides[o->noverrides][0] = xstrdup(key);
	o->overrides[o->noverrides][1] = xstrdup(value);
	o->noverrides++;
}

/* "16M" style byte counts, at least 64 KiB. */
static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		usage_error("--helper-queue: a number of bytes (K, M, G)");
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'm': case 'M':
		v <<= 20;
		end++;
		break;
	case 'g': case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end != '\0' || v < 65536 || v > (1ull << 40))
		usage_error("--helper-queue: between 64K and 1T");
	return (size_t)v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "tpe:dl:P:b:u:s:m:Vh", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 't':
			o->check = true;
			break;
		case 'p':
			o->print = true;
			break;
		case 'e':
			o->env_file = optarg;
			break;
		case OPT_PRINT_ENV:
			o->print_env = true;
			break;
		case 'd':
			add_override(o, "log.level", "debug");
			add_override(o, "log.enable", "true");
			break;
		case 'l':
			add_override(o, "log.level", optarg);
			add_override(o, "log.enable", "true");
			break;
		case OPT_LOG_DEST:
			add_override(o, "log.destination",
			    strncmp(optarg, "file:", 5) == 0 ? optarg + 5 :
			    optarg);
			add_override(o, "log.enable", "true");
			break;
		case 'P':
			add_override(o, "daemon.pid", optarg);
			break;
		case 'b': {
			char *nb = o->bind ? xasprintf("%s %s", o->bind, optarg) :
			    xstrdup(optarg);

			free(o->bind);
			o->bind = nb;
			break;
		}
		case OPT_PORT:
			add_override(o, "tcp.port", optarg);
			break;
		case OPT_CONNECTIONS:
			add_override(o, "tcp.connections", optarg);
			break;
		case 'u':
			o->user = optarg;
			break;
		case 's':
			o->control = optarg;
			break;
		case 'm': {
			char why[256], msg[300];

			if (metrics_parse_listen(optarg, &o->metrics_addr,
			    &o->metrics_port, why, sizeof(why)) == -1) {
				snprintf(msg, sizeof(msg), "--metrics %s", why);
				usage_error(msg);
			}
			o->metrics = true;
			break;
		}
		case OPT_HELPER_QUEUE:
			o->helper_queue = parse_size(optarg);
			break;
		case OPT_HELPER_OVERFLOW:
			if (strcmp(optarg, "drop") == 0)
				o->helper_restart = false;
			else if (strcmp(optarg, "restart") == 0)
				o->helper_restart = true;
			else
				usage_error("--helper-overflow: drop or restart");
			break;
		case OPT_HELPER_COPY:
			o->helper_copy = true;
			break;
		case 'V':
			printf("evbgpd %s\n", EVBGP_VERSION);
			exit(0);
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			usage_error("unknown option");
		}
	}
	if (o->bind != NULL)
		add_override(o, "tcp.bind", o->bind);
}

static int
load_settings(const struct options *o, struct env *e)
{
	char err[512];
	const char *ini = o->env_file;

	if (ini == NULL && access(DEFAULT_ENV_FILE, R_OK) == 0)
		ini = DEFAULT_ENV_FILE;
	else if (ini != NULL && access(ini, R_OK) == -1) {
		fprintf(stderr, "evbgpd: --env %s: %s\n", ini, strerror(errno));
		return -1;
	}
	if (env_load(e, ini, environ, err, sizeof(err)) == -1) {
		fprintf(stderr, "evbgpd: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < o->noverrides; i++) {
		if (env_set(e, o->overrides[i][0], o->overrides[i][1], err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "evbgpd: %s\n", err);
			return -1;
		}
	}
	/* --port also sets the outgoing port, as exabgp_tcp_port does */
	for (size_t i = 0; i < o->noverrides; i++)
		if (strcmp(o->overrides[i][0], "tcp.port") == 0)
			e->tcp_port_from_env = true;
	return 0;
}

/* exabgp.api.version 6 does less here than in ExaBGP main: say so. */
#define API_V6_NOTE	"exabgp.api.version 6: JSON helpers without an " \
	"'api-version' of their own get ExaBGP main's JSON dialect " \
	"(\"exabgp\": \"6.0.0\"); the text API (commands, answers) and " \
	"the text encoder stay ExaBGP 4.x's, not main's JSON-only v6 API"

/*
 * Who evbgpd runs as after binding. --user always; otherwise, as ExaBGP
 * does when started as root, exabgp.daemon.user, but only when the file
 * or the environment sets it (Debian's exabgp.env does): without it evbgpd
 * keeps running as root and says so, where ExaBGP would quietly become
 * 'nobody' and fail to read a configuration only root can read. NULL:
 * no switch. -1 with err: that user does not exist.
 */
static int
choose_user(const struct env *e, const struct options *o, const char **user,
    char *err, size_t errlen)
{
	struct passwd *pw;

	*user = NULL;
	if (o->user != NULL) {
		*user = o->user;
		return 0;
	}
	if (geteuid() != 0)
		return 0;
	if (!e->daemon_user_given) {
		log_warnx("running as root: exabgp.daemon.user is not set "
		    "(ExaBGP would switch to 'nobody'); set it, or use "
		    "--user, to run unprivileged");
		return 0;
	}
	if ((pw = getpwnam(e->daemon_user)) == NULL) {
		snprintf(err, errlen, "exabgp.daemon.user: no user '%s': "
		    "refusing to run as root (set exabgp.daemon.user to an "
		    "existing user, or to root to stay root)", e->daemon_user);
		return -1;
	}
	if (pw->pw_uid != 0)
		*user = e->daemon_user;
	return 0;
}

/* What --check says about the settings: those without effect here, a
 * user to switch to that does not exist. */
static void
check_settings(const struct env *e, const struct options *o)
{
	for (size_t i = 0; i < e->nignored; i++)
		fprintf(stderr, "warning: setting %s\n", e->ignored[i]);
	if (o->user == NULL && e->daemon_user_given &&
	    getpwnam(e->daemon_user) == NULL)
		fprintf(stderr, "warning: exabgp.daemon.user: no user '%s' "
		    "here: evbgpd started as root would refuse to run\n",
		    e->daemon_user);
}

static int
check_configs(char **paths, size_t n, bool print)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		char err[1024];
		struct config *c = config_load(paths[i], err, sizeof(err));
		size_t routes = 0;

		if (c == NULL) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
			continue;
		}
		if (print) {
			config_print(stdout, c);
		} else {
			/* helpers missing here may exist where it is deployed:
			 * a warning, not an error */
			config_check(stderr, c);
			/* valid, but most likely an emptied or truncated
			 * file: say so before it is deployed */
			if (c->nneighbors == 0)
				fprintf(stderr, "%s: warning: no neighbor is "
				    "configured: evbgpd would run without any "
				    "BGP session (and a reload to this file is "
				    "refused unless 'reload allow-empty')\n",
				    paths[i]);
			for (size_t j = 0; j < c->nneighbors; j++)
				routes += c->neighbors[j].nroutes;
			printf("%s: ok (%zu neighbor%s, %zu route%s, %zu "
			    "process%s)\n", paths[i], c->nneighbors,
			    c->nneighbors == 1 ? "" : "s", routes,
			    routes == 1 ? "" : "s", c->nprocesses,
			    c->nprocesses == 1 ? "" : "es");
		}
		config_free(c);
	}
	return rc;
}


/* Helpers inherit 0-2 (stderr is their log): make sure they exist, so
 * no socket of ours ever lands on them. */
static void
sanitize_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			exit(1);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct env env;
	struct config *cfg;
	struct daemon *d;
	struct metrics *metrics = NULL;
	char err[1024];
	int rc;

	sanitize_std_fds();
	memset(&o, 0, sizeof(o));
	parse_options(argc, argv, &o);
	rc = load_settings(&o, &env);
	/* the overrides live in env now */
	for (size_t i = 0; i < o.noverrides; i++) {
		free(o.overrides[i][0]);
		free(o.overrides[i][1]);
	}
	free(o.bind);
	if (rc == -1)
		return 1;
	if (o.print_env) {
		env_print(stdout, &env);
		env_free(&env);
		return 0;
	}
	if (optind >= argc)
		usage_error("no configuration file given");
	if (o.check || o.print) {
		if (o.check)
			check_settings(&env, &o);
		if (o.check && env.api_version == 6)
			fprintf(stderr, "evbgpd: warning: %s\n", API_V6_NOTE);
		env_free(&env);
		return check_configs(argv + optind, (size_t)(argc - optind),
		    o.print);
	}

	/* before any file is made: the log file gets it too */
	if (env.daemon_umask >= 0)
		umask((mode_t)env.daemon_umask);
	log_init(env.log_enable, env.log_dest, env.log_level, env.log_file);
	for (size_t i = 0; i < env.nignored; i++)
		log_warnx("setting %s", env.ignored[i]);
	if (env.api_version == 6)
		log_warnx("%s", API_V6_NOTE);
	cfg = config_load(argv[optind], err, sizeof(err));
	if (cfg == NULL) {
		/* the operator must see this even with logging off */
		fprintf(stderr, "evbgpd: %s\n", err);
		env_free(&env);
		return 1;
	}
	srandom((unsigned)getpid() ^ (unsigned)(wall_now() * 1000));
	d = daemon_new(&env, cfg, argv + optind, (size_t)(argc - optind));
	/* helpers' and evbgpctl's command lines run through api_exec */
	api_exec_handler(d, &d->commands);
	if (choose_user(&env, &o, &d->drop_user, err, sizeof(err)) == -1) {
		/* ExaBGP's answer too: never run as root by mistake */
		log_warnx("%s", err);
		fprintf(stderr, "evbgpd: %s\n", err);
		daemon_free(d);
		return 1;
	}
	d->drop_helpers_first = !env.daemon_drop;
	d->helper_queue_max = o.helper_queue;
	d->helper_overflow_restart = o.helper_restart;
	d->helper_copy = o.helper_copy;
	if (o.control != NULL) {
		d->control_path = o.control;
		d->control_required = true;
	} else if (env.api_cli)
		d->control_path = CONTROL_DEFAULT_PATH;
	/* before daemon_start drops privileges (--user) */
	if (o.metrics && (metrics = metrics_new(d, &o.metrics_addr,
	    o.metrics_port)) == NULL) {
		fprintf(stderr, "evbgpd: cannot start (see the log above)\n");
		daemon_free(d);
		return 1;
	}
	if (daemon_start(d) == -1) {
		fprintf(stderr, "evbgpd: cannot start (see the log above)\n");
		metrics_free(metrics);
		daemon_free(d);
		return 1;
	}
	rc = daemon_run(d);
	log_notice("evbgpd stopped");
	metrics_free(metrics);
	daemon_free(d);
	log_close();
	return rc;
}
