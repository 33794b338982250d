/*
 * Service addresses on the loopback interface, through `ip` (fork+execvp,
 * argv only): list, add missing ones (remembering which we added, so only
 * those are removed on exit), remove them for --dynamic-ip-setup, and
 * drop privileges once they are in place.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "evbgp/bgp_proto.h"

#include "hc.h"

/* `ip` should answer at once; this only guards against a wedged system. */
#define HC_IP_TIMEOUT	10
/* Exit status of `ip address add` for an address already present. */
#define HC_IP_EXISTS	2

/* Run `[sudo] ip ARGS...`; returns the exit status, -1 if it failed. */
static int
run_ip(const struct hc_ctx *c, bool sudo, const char *const args[],
    char **output)
{
	const char *argv[16];
	struct hc_proc_result r;
	size_t n = 0, i;
	int status;

	if (sudo)
		argv[n++] = "sudo";
	argv[n++] = "ip";
	for (i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct hc_proc p = { (char *const *)argv, NULL, HC_IP_TIMEOUT, true,
	    false };
	if (hc_proc_run(c, &p, &r) == -1)
		return -1;
	status = !r.timed_out && WIFEXITED(r.status) ?
	    WEXITSTATUS(r.status) : -1;
	if (output != NULL)
		*output = r.out.p != NULL ? r.out.p : xstrdup("");
	else
		sbuf_free(&r.out);
	return status;
}

char *
hc_lo_show(const struct hc_ctx *c)
{
	static const char *const args[] = { "-o", "address", "show", "dev",
	    "lo", NULL };
	char *out = NULL;
	int rc = run_ip(c, false, args, &out);

	if (rc != 0) {
		hc_log(&c->log, LOG_ERR, "ip -o address show dev lo failed "
		    "(%d): %s", rc, out != NULL ? out : "");
		free(out);
		return NULL;
	}
	return out;
}

/* The hosts currently on lo (NULL list on failure). */
static int
present(const struct hc_ctx *c, struct hc_pfxv *out)
{
	char *text = hc_lo_show(c);

	if (text == NULL)
		return -1;
	hc_loopback_ips(text, NULL, out);
	free(text);
	return 0;
}

static int
ip_addr(const struct hc_ctx *c, const char *verb, const struct prefix *h,
    char **out)
{
	char buf[PREFIX_STRLEN], lab[32];
	const char *args[] = { "address", verb, prefix_fmt(h, buf), "dev",
	    "lo", NULL, NULL, NULL };

	/* IPv6 addresses carry no label. */
	if (strcmp(verb, "add") == 0 && c->o->label != NULL &&
	    h->afi == BGP_AFI_IPV4) {
		snprintf(lab, sizeof(lab), "lo:%s", c->o->label);
		args[5] = "label";
		args[6] = lab;
	}
	return run_ip(c, c->o->sudo, args, out);
}

int
hc_ip_setup(struct hc_ctx *c)
{
	struct hc_pfxv have = { NULL, 0 };
	char buf[PREFIX_STRLEN], *out = NULL;
	int rc = 0, st;
	size_t i;

	if (present(c, &have) == -1)
		return -1;
	for (i = 0; i < c->hosts.n && rc == 0; i++) {
		if (hc_pfxv_has(&have, &c->hosts.v[i]))
			continue;
		prefix_fmt(&c->hosts.v[i], buf);
		hc_log(&c->log, LOG_DEBUG, "Setup loopback IP address %s", buf);
		st = ip_addr(c, "add", &c->hosts.v[i], &out);
		if (st == 0)
			c->added[i] = true;
		/* ip says 2 for "exists" and for "not permitted" alike */
		else if (st != HC_IP_EXISTS || out == NULL ||
		    (strstr(out, "File exists") == NULL &&
		    strstr(out, "already assigned") == NULL)) {
			hc_log(&c->log, LOG_ERR, "cannot add %s to lo (%d): %s",
			    buf, st, out);
			rc = -1;
		}
		free(out);
		out = NULL;
	}
	hc_pfxv_free(&have);
	return rc;
}

static void
remove_host(struct hc_ctx *c, size_t i)
{
	char buf[PREFIX_STRLEN], *out = NULL;
	int st;

	prefix_fmt(&c->hosts.v[i], buf);
	hc_log(&c->log, LOG_DEBUG, "Remove loopback IP address %s", buf);
	if ((st = ip_addr(c, "delete", &c->hosts.v[i], &out)) != 0)
		hc_log(&c->log, LOG_WARNING, "Unable to remove loopback IP "
		    "address %s (%d) - is healthcheck running as root? %s",
		    buf, st, out);
	else
		c->added[i] = false;
	free(out);
}

void
hc_ip_remove_added(struct hc_ctx *c)
{
	size_t i;

	for (i = 0; i < c->hosts.n; i++)
		if (c->added[i])
			remove_host(c, i);
}

void
hc_ip_remove_present(struct hc_ctx *c)
{
	struct hc_pfxv have = { NULL, 0 };
	size_t i;

	if (present(c, &have) == -1)
		return;
	for (i = 0; i < c->hosts.n; i++)
		if (hc_pfxv_has(&have, &c->hosts.v[i]))
			remove_host(c, i);
	/* Whatever comes back on UP is ours to remove on exit. */
	hc_pfxv_free(&have);
}

int
hc_drop_privileges(const struct hc_ctx *c)
{
	const struct hc_opts *o = c->o;
	struct passwd *pw = NULL;
	struct group *gr;
	gid_t gid;

	if (o->user == NULL && o->group == NULL)
		return 0;
	if (o->user != NULL && (pw = getpwnam(o->user)) == NULL) {
		hc_log(&c->log, LOG_ERR, "unknown user %s", o->user);
		return -1;
	}
	if (o->group != NULL) {
		if ((gr = getgrnam(o->group)) == NULL) {
			hc_log(&c->log, LOG_ERR, "unknown group %s", o->group);
			return -1;
		}
		gid = gr->gr_gid;
	} else {
		/* Keeping root's group after dropping the user is a trap. */
		gid = pw->pw_gid;
	}
	hc_log(&c->log, LOG_DEBUG, "Dropping privileges to %s/%s",
	    o->user ? o->user : "-", o->group ? o->group : "-");
	if ((geteuid() == 0 && setgroups(1, &gid) == -1) ||
	    setresgid(gid, gid, gid) == -1 ||
	    (pw != NULL && setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)) {
		hc_log(&c->log, LOG_ERR, "cannot drop privileges: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}
