/*
 * Private to the event encoders (event_encode.c, event_json.c, event_text.c):
 * the two dialects' entry points and what they share (message mode,
 * hex, RFC 9003 text).
 */
#ifndef EVBGP_API_ENCODE_PRIV_H
#define EVBGP_API_ENCODE_PRIV_H

#include "evbgp/event_encode.h"

/* How a message event is rendered, from api_msg_opts. */
enum api_mode {
	API_MODE_PARSED,	/* decoded content only */
	API_MODE_PACKETS,	/* raw header + body only */
	API_MODE_CONSOLIDATE,	/* decoded content + header/body hex */
};


enum api_mode	 api_mode(const struct api_msg_opts *o);
/* Is there a raw message to show as header/body? */
bool		 api_has_raw(const struct api_msg_opts *o);
const char	*api_dir_name(enum api_dir dir);
/* "0x" + upper-case hex. */
void		 api_hex(struct sbuf *out, const uint8_t *p, size_t n);
/* RFC 9003 shutdown communication of a Cease 2/4 NOTIFICATION, if any. */
bool		 api_shutdown_text(uint8_t code, uint8_t subcode,
		    const uint8_t *data, size_t len, const uint8_t **text,
		    size_t *tlen);
/* "query", "begin", "end" (RFC 7313) or "unknown". */
const char	*api_refresh_subtype(uint8_t subtype);
/* Should the UPDATE show its attributes (ExaBGP: any besides MP_*)? */
bool		 api_update_has_attrs(const struct update_msg *m);
/* Text-safe copy of peer bytes: printable ASCII kept, others \xHH. */
void		 event_text_escape(struct sbuf *out, const uint8_t *s, size_t len,
		    const char *also);

/* event_json.c; the bool: ExaBGP main's dialect (ENCODER_JSON6) */
void	event_json_state(struct sbuf *, bool, const struct api_source *,
	    const struct api_neighbor *, const char *, const char *);
void	event_json_open(struct sbuf *, bool, const struct api_source *,
	    const struct api_neighbor *, enum api_dir,
	    const struct api_msg_opts *, const struct bgp_open *);
void	event_json_keepalive(struct sbuf *, bool, const struct api_source *,
	    const struct api_neighbor *, enum api_dir,
	    const struct api_msg_opts *);
void	event_json_update(struct sbuf *, bool, const struct api_source *,
	    const struct api_neighbor *, enum api_dir,
	    const struct api_msg_opts *, const struct update_msg *, famset_t);
void	event_json_notification(struct sbuf *, bool,
	    const struct api_source *,
	    const struct api_neighbor *, enum api_dir,
	    const struct api_msg_opts *, uint8_t, uint8_t, const uint8_t *,
	    size_t);
void	event_json_refresh(struct sbuf *, bool, const struct api_source *,
	    const struct api_neighbor *, enum api_dir,
	    const struct api_msg_opts *, uint16_t, uint8_t, uint8_t);
void	event_json_shutdown(struct sbuf *, bool, const struct api_source *);
void	event_json_overflow(struct sbuf *, bool, const struct api_source *,
	    unsigned long);

/* event_text.c */
void	event_text_state(struct sbuf *, const struct api_neighbor *,
	    const char *, const char *);
void	event_text_open(struct sbuf *, const struct api_neighbor *,
	    enum api_dir, const struct api_msg_opts *, const struct bgp_open *);
void	event_text_keepalive(struct sbuf *, const struct api_neighbor *,
	    enum api_dir, const struct api_msg_opts *);
void	event_text_update(struct sbuf *, const struct api_neighbor *,
	    enum api_dir, const struct api_msg_opts *,
	    const struct update_msg *, famset_t);
void	event_text_notification(struct sbuf *, const struct api_neighbor *,
	    enum api_dir, const struct api_msg_opts *, uint8_t, uint8_t,
	    const uint8_t *, size_t);
void	event_text_refresh(struct sbuf *, const struct api_neighbor *,
	    enum api_dir, const struct api_msg_opts *, uint16_t, uint8_t,
	    uint8_t);
void	event_text_shutdown(struct sbuf *, const struct api_source *);
void	event_text_overflow(struct sbuf *, unsigned long);

#endif /* EVBGP_API_ENCODE_PRIV_H */
