/*
 * Events for helpers in ExaBGP's 4.x dialects: JSON (one object per
 * line, "exabgp": "4.0.1", built with json-c) and the text encoder's
 * lines (reference/exabgp-compat.md §2.6, §3); with ENCODER_JSON6, JSON
 * in ExaBGP main's dialect ("exabgp": "6.0.0", compat §3.4, §3.5). Each
 * function appends
 * exactly one complete line, '\n' included, to out; the one exception is
 * a text UPDATE, a block of lines ("update start", one line per route or
 * the End-of-RIB line, "update end"). Every peer-supplied
 * string (hostname capability, shutdown communication, unknown attribute
 * bytes) is escaped: nothing a peer sends can add a field or a line.
 */
#ifndef EVBGP_API_ENCODE_H
#define EVBGP_API_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "evbgp/config.h"
#include "evbgp/family.h"
#include "evbgp/msg.h"
#include "evbgp/update.h"
#include "evbgp/util.h"

/* The envelope's process facts; time is the event time (epoch seconds). */
struct api_source {
	const char	*host;
	pid_t		 pid;
	pid_t		 ppid;
	double		 time;
};

/* The neighbor an event is about. counter is this event's per-neighbor
 * sequence number (the caller increments it). */
struct api_neighbor {
	struct bgp_addr	 local;
	struct bgp_addr	 peer;
	uint32_t	 local_as;
	uint32_t	 peer_as;
	uint32_t	 router_id;	/* ours, host order (main's
					   "router-id") */
	unsigned long	 counter;
};

enum api_dir {
	API_DIR_RECEIVE,
	API_DIR_SEND,
};

/* How a message event is rendered (api receive/send flags). */
struct api_msg_opts {
	bool		 parsed;	/* decoded content */
	bool		 packets;	/* raw message: header + body hex */
	bool		 consolidate;	/* decoded + header/body hex */
	const uint8_t	*raw;		/* the whole message, header included */
	size_t		 rawlen;
};

/*
 * open / m NULL: the message could not be decoded. It is then given in
 * its raw (packets) form when the helper asked for the raw bytes
 * (packets or consolidate), and not at all when it asked only for the
 * parsed form.
 */

/* "connected", "up", "down" (with reason). */
void	event_encode_state(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    const char *state, const char *reason);
void	event_encode_open(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    enum api_dir dir, const struct api_msg_opts *o,
	    const struct bgp_open *open);
void	event_encode_keepalive(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    enum api_dir dir, const struct api_msg_opts *o);
/*
 * An UPDATE (announce/withdraw per family, or End-of-RIB). addpath:
 * families whose NLRI carry path ids in this direction (then every NLRI
 * of those families gets "path-information"). A treat-as-withdraw
 * verdict renders every NLRI as withdrawn.
 */
void	event_encode_update(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    enum api_dir dir, const struct api_msg_opts *o,
	    const struct update_msg *m, famset_t addpath);
void	event_encode_notification(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    enum api_dir dir, const struct api_msg_opts *o, uint8_t code,
	    uint8_t subcode, const uint8_t *data, size_t datalen);
void	event_encode_refresh(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, const struct api_neighbor *nb,
	    enum api_dir dir, const struct api_msg_opts *o, uint16_t afi,
	    uint8_t safi, uint8_t subtype);
/* The daemon is going away (JSON notification "shutdown", text
 * "shutdown PID PPID"). */
void	event_encode_shutdown(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src);
/* evbgp's own: events to this helper were dropped (queue overflow). */
void	event_encode_overflow(struct sbuf *out, enum cfg_encoder enc,
	    const struct api_source *src, unsigned long dropped);

/* JSON string escaping shared by everything above: quotes, backslash,
 * control characters (and U+0080..9F, U+2028, U+2029) as \uXXXX, invalid
 * UTF-8 bytes as \uFFFD. Appends the string's content, without quotes. */
void	event_json_escape(struct sbuf *out, const uint8_t *s, size_t len);

#endif /* EVBGP_API_ENCODE_H */
