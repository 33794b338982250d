/*
 * evbgp-healthcheck, the testable part: option parsing (command line and
 * the ExaBGP-style configuration file), the health state machine, the
 * text API lines it prints, and parsing of `ip -o address show` output.
 * Nothing here forks, sleeps or touches the network (core.c, a library
 * of its own so that tests/check_healthcheck.c links it); the rest of
 * the program does the I/O.
 *
 * Behaviour follows ExaBGP's healthcheck helper (exabgp-compat.md §5).
 */
#ifndef HC_HEALTHCHECK_H
#define HC_HEALTHCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/prefix.h"
#include "evbgp/util.h"

/* Upper bound on the addresses one network may expand to (setup, and
 * --deaggregate-networks): a /16 is already 65536 API lines per interval. */
#define HC_MAX_EXPAND	65536
/* Longest label: "lo:" + label must fit IFNAMSIZ - 1 (15) characters. */
#define HC_MAX_LABEL	12

enum hc_state {
	HC_INIT,
	HC_DISABLED,
	HC_RISING,
	HC_FALLING,
	HC_UP,
	HC_DOWN,
	HC_EXIT,	/* signal: withdraw everything, remove set-up addresses */
	HC_END,		/* interval 0: leave routes and addresses in place */
	HC_STATE_MAX
};

/* A growable list of strings (repeatable options). */
struct hc_strv {
	char		**v;
	size_t		  n;
};

/* A growable list of prefixes. */
struct hc_pfxv {
	struct prefix	*v;
	size_t		 n;
};

struct hc_opts {
	/* checking healthiness */
	char		*cmd;		/* NULL: always healthy */
	double		 interval;	/* 5; 0 = announce once, exit */
	double		 fast_interval;	/* 1 */
	double		 timeout;	/* 5; 0 = no timeout */
	long		 rise;		/* 3 */
	long		 fall;		/* 3 */
	char		*disable;	/* file whose presence disables */

	/* advertising */
	struct hc_pfxv	 ips;		/* as given; empty = from lo */
	bool		 deaggregate;
	bool		 ip_setup;	/* true unless --no-ip-setup */
	bool		 dynamic_ip_setup;
	char		*label;
	long		 start_ip;
	char		*next_hop;	/* canonical text; NULL = "self" */
	int64_t		 local_pref;	/* -1 = omit */
	int64_t		 up_metric;	/* 100 */
	int64_t		 down_metric;	/* 1000 */
	int64_t		 disabled_metric; /* 500 */
	int64_t		 increase;	/* 1 */
	char		*community;
	char		*disabled_community;
	char		*ext_community;
	char		*large_community;
	char		*as_path;
	char		*up_as_path;
	char		*down_as_path;
	char		*disabled_as_path;
	bool		 withdraw_on_down;
	uint32_t	 path_id;	/* 0 = omit (as ExaBGP) */
	struct hc_strv	 neighbors;	/* canonical addresses */
	bool		 bare;		/* --bare-commands: 4.2.21 form */
	bool		 debounce;

	/* reporting */
	struct hc_strv	 execute;
	struct hc_strv	 up_execute;
	struct hc_strv	 down_execute;
	struct hc_strv	 disabled_execute;

	/* process */
	bool		 no_ack;
	bool		 sudo;
	bool		 debug;
	bool		 silent;
	bool		 no_syslog;
	char		*syslog_facility; /* "daemon" */
	char		*name;
	char		*config;
	char		*pidfile;
	char		*user;
	char		*group;
	bool		 help;
	bool		 version;
};

/* Defaults of every option. */
void	 hc_opts_init(struct hc_opts *o);
void	 hc_opts_free(struct hc_opts *o);

/*
 * Parse argv[1..argc-1] into o (initialised by the caller). On error
 * returns -1 with a one-line message in err (no "error:" prefix needed by
 * the caller; it names the option and the bad value).
 */
int	 hc_parse_args(struct hc_opts *o, int argc, char *const argv[],
	    char *err, size_t errlen);

/*
 * Turn an ExaBGP healthcheck configuration file's text into arguments:
 * each non-empty line not starting with '#' becomes "--key" "value"
 * (split at the first '='), or "--key" for a bare key. Appends to args.
 */
void	 hc_config_args(const char *text, struct hc_strv *args);

/*
 * The whole command line: argv, and when it names --config FILE, the
 * file's arguments followed by argv (so the command line wins). Reads the
 * file. 0 on success; -1 with err set.
 */
int	 hc_parse_command_line(struct hc_opts *o, int argc, char *const argv[],
	    char *err, size_t errlen);

/* The --help text (man-page style). */
const char *hc_usage(void);
/* The n-th option string (aliases included); NULL past the last. */
const char *hc_option_name(size_t n);

/* "UP", "DOWN", ... (the STATE variable of --execute commands). */
const char *hc_state_name(enum hc_state st);

/* State machine: current state and the run of equal results. */
struct hc_fsm {
	enum hc_state	 state;
	long		 checks;
};

/*
 * One iteration: the check result (ignored when disabled, which counts as
 * success) and whether the disable file exists. Returns true when the
 * state was triggered (the --execute commands run), false when it stayed.
 */
bool	 hc_fsm_step(struct hc_fsm *f, bool ok, bool disabled, long rise,
	    long fall);
/* The loop's decisions for one iteration. */
struct hc_tick {
	bool		 triggered;	/* state changed: run --execute */
	bool		 announce;	/* print the routes for the state */
	bool		 end;		/* --interval 0: stop (END) */
	double		 sleep;		/* seconds before the next check */
};

/* The state machine plus what was last printed (for --debounce). */
struct hc_machine {
	struct hc_fsm	 fsm;
	enum hc_state	 announced;	/* HC_STATE_MAX: nothing yet */
};

void	 hc_machine_init(struct hc_machine *m);
/*
 * One iteration of the main loop after the check: step the state
 * machine, then decide printing (UP/DOWN/DISABLED; every time, or only on
 * a change with --debounce), ending and sleeping.
 */
void	 hc_machine_tick(struct hc_machine *m, const struct hc_opts *o,
	    bool ok, bool disabled, struct hc_tick *t);
/* Does this state print routes (UP, DOWN, DISABLED)? */
bool	 hc_state_announces(enum hc_state st);

/*
 * The API line for the index-th prefix in state st (UP, DOWN, DISABLED or
 * EXIT), without newline, appended to out.
 */
void	 hc_format_line(const struct hc_opts *o, enum hc_state st,
	    const struct prefix *p, size_t index, struct sbuf *out);

/*
 * Expand each prefix into its host addresses (/32, /128), appending to
 * out. -1 (err set) when one would exceed HC_MAX_EXPAND addresses.
 */
int	 hc_expand_hosts(const struct hc_pfxv *in, struct hc_pfxv *out,
	    char *err, size_t errlen);
/* Rotate left by n (negative: right), like deque.rotate(-n). */
void	 hc_rotate(struct hc_pfxv *v, long n);
void	 hc_pfxv_add(struct hc_pfxv *v, const struct prefix *p);
void	 hc_pfxv_free(struct hc_pfxv *v);
bool	 hc_pfxv_has(const struct hc_pfxv *v, const struct prefix *p);
/* Append a copy of s (the fuzz harness builds argument lists with it). */
void	 hc_strv_add(struct hc_strv *v, const char *s);
void	 hc_strv_free(struct hc_strv *v);

/*
 * Parse a prefix the way ExaBGP does (Python ip_network, strict): bare
 * address = host route; host bits set is an error. 0 or -1.
 */
int	 hc_parse_network(const char *s, struct prefix *p);

/*
 * One line of `ip -o address show dev lo`: the address as a prefix and
 * its label ("" if none; lo:NAME gives NAME). 0 when the line holds a
 * usable address (inet/inet6, no host bits set), -1 otherwise.
 */
int	 hc_parse_ip_line(const char *line, struct prefix *p, char *label,
	    size_t labellen);
/* Loopback range (127/8, ::1)? Those are never announced. */
bool	 hc_is_loopback(const struct prefix *p);
/*
 * The prefixes to announce when no --ip is given: non-loopback addresses
 * in the `ip -o address show dev lo` text, only those whose label starts
 * with label when one is given.
 */
void	 hc_loopback_ips(const char *text, const char *label,
	    struct hc_pfxv *out);

/* syslog facility value for a name ("daemon", "local0"...); -1 unknown. */
int	 hc_syslog_facility(const char *name);

#endif /* HC_HEALTHCHECK_H */
