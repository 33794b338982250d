/*
 * Environment settings compatible with ExaBGP: exabgp.<section>.<key> or
 * exabgp_<section>_<key> variables (compat reference §1.9), an optional
 * INI file ([exabgp.section] key = value; the environment wins), then
 * evbgpd's own long options on top.
 */
#ifndef EVBGP_ENV_H
#define EVBGP_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evbgp/log.h"

struct env {
	/* tcp */
	char		*tcp_bind;	/* space-separated addresses; "" = none */
	bool		 tcp_bind_given;
	uint16_t	 tcp_port;	/* listen port, default 179 */
	bool		 tcp_port_from_env; /* also the outgoing port then */
	unsigned	 tcp_connections; /* attempts per neighbor, 0 = no limit;
					    tcp.attempts is an alias, tcp.once
					    true sets 1 */
	/* api */
	bool		 api_ack;	/* default true */
	bool		 api_respawn;	/* default true */
	bool		 api_terminate;	/* default false */
	bool		 api_cli;	/* default true */
	int		 api_encoder;	/* enum cfg_encoder, ENCODER_JSON default */
	unsigned	 api_version;	/* 4 (default) or 6 */
	char		*api_pipename;	/* "exabgp": exabgp.in / exabgp.out */
	bool		 api_pipename_given;
	/* daemon */
	char		*daemon_pid;	/* pid file, "" = none */
	char		*daemon_user;	/* "nobody" */
	bool		 daemon_user_given; /* set by the file or environment:
					    evbgpd started as root switches */
	bool		 daemon_drop;	/* default true: helpers start after
					    the switch; false: before it */
	int		 daemon_umask;	/* -1 unless given */
	bool		 daemon_daemonize; /* default false */
	/* log */
	bool		 log_enable;	/* default true */
	int		 log_level;	/* LOG_INFO etc. from syslog.h */
	enum log_dest	 log_dest;	/* default stdout (ExaBGP 4.2) */
	char		*log_file;	/* for LOG_DEST_FILE */
	/* bgp */
	unsigned	 bgp_openwait;	/* seconds, default 60 */
	bool		 bgp_passive;	/* all peers passive */
	/* debug */
	bool		 debug_rotate;
	/* settings ExaBGP would act on and evbgpd does not (a value other
	 * than ExaBGP's default), one sentence each, for warnings */
	char		**ignored;
	size_t		 nignored;
};

/* Defaults, then the INI file (if ini_path is not NULL and exists), then
 * the process environment envp (NULL-terminated "name=value", or NULL).
 * Returns 0, or -1 with a message in errbuf for an unreadable INI file or
 * an invalid value (the message names the variable). Unknown exabgp_*
 * variables are ignored; unknown keys in the INI file are an error. */
int	env_load(struct env *e, const char *ini_path, char *const *envp,
	    char *errbuf, size_t errlen);
/*
 * Set one setting by its dotted name ("tcp.port") from a string value,
 * as the environment would (so tcp.port also becomes the outgoing port).
 * Unknown names are an error here; in the environment they are ignored.
 */
int	env_set(struct env *e, const char *dotted, const char *value,
	    char *errbuf, size_t errlen);
void	env_free(struct env *e);
/* Print every setting as "exabgp.section.key value" lines. */
void	env_print(FILE *f, const struct env *e);

#endif /* EVBGP_ENV_H */
