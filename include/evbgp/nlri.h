/*
 * NLRI of every family evbgp speaks: one table, indexed by family, of
 * descriptions (how to read one NLRI from the wire within its bounds,
 * which of its octets name the route, its ExaBGP JSON and text, what the
 * family sends beside it), and the value type routes carry.
 *
 * An NLRI is held as its wire octets: the family's encoding (RFC 4271
 * §4.3 and RFC 4760 §5 prefixes for unicast and multicast, ...), the
 * ADD-PATH path identifier apart (RFC 7911 §3). Everything else (the
 * Adj-RIB-Out and Adj-RIB-In keys, the packer, the events, "show
 * adj-rib") goes through this table, so a family is one entry here, not
 * a branch in each module.
 */
#ifndef EVBGP_NLRI_H
#define EVBGP_NLRI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbgp/family.h"
#include "evbgp/flow.h"
#include "evbgp/lexer.h"
#include "evbgp/prefix.h"
#include "evbgp/util.h"
#include "evbgp/wire.h"

/* The octets of one NLRI at most: a flowspec NLRI's (RFC 8955 §4.1). */
#define NLRI_MAX		FLOW_NLRI_MAX

/* One NLRI, as a view of its octets (owned by someone else). */
struct nlri {
	enum family_id	 fam;
	uint32_t	 path_id;	/* ADD-PATH identifier, 0 if none */
	const uint8_t	*b;		/* the family's encoding */
	size_t		 len;
};

/* nlri_family flags */
#define NLRI_F_PREFIX		0x01u	/* the octets are a length in bits
					   and an address prefix */
#define NLRI_F_NEXTHOP_ATTR	0x02u	/* route syntax: an IPv4 next hop
					   also goes in NEXT_HOP (ExaBGP) */
#define NLRI_F_WITHDRAW_ATTRS	0x04u	/* MP withdrawals carry the
					   attributes (ExaBGP main) */
#define NLRI_F_NH_ASIS		0x08u	/* a next hop of either address
					   family is written as it is
					   (ExaBGP main's MVPN, MUP and
					   SR-policy: no RFC 8950 needed) */
#define NLRI_F_UNPACKED		0x20u	/* one route per UPDATE, as
					   ExaBGP main sends MUP routes */
#define NLRI_F_NH_V4MAPPED	0x10u	/* route syntax: an IPv4 next hop
					   of an IPv6 route becomes
					   ::ffff:a.b.c.d (ExaBGP's MUP) */

/*
 * A family's route words being parsed (nlri_family.parse): tokens, the
 * next one, and where the error goes (the token at i is the culprit).
 */
struct nlri_words {
	const struct lex_token *t;
	size_t		 n;
	size_t		 i;
	char		*err;
	size_t		 errlen;
};

/* The next word, or NULL with "WHAT: a value is missing" in err. */
const char *nlri_word(struct nlri_words *w, const char *what);
/* Is the next word kw (not quoted)? */
bool	nlri_word_is(const struct nlri_words *w, const char *kw);
/* Take keyword kw; -1 with an error naming ctx when it is not next. */
int	nlri_word_expect(struct nlri_words *w, const char *kw,
	    const char *ctx);
/* Record an error (printf format); returns -1. */
int	nlri_word_fail(struct nlri_words *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An address of afi (0: either); a decimal up to max; an RD. */
int	nlri_word_addr(struct nlri_words *w, const char *what, uint16_t afi,
	    struct bgp_addr *a);
int	nlri_word_num(struct nlri_words *w, const char *what, uint64_t max,
	    uint64_t *v);
int	nlri_word_rd(struct nlri_words *w, uint8_t *rd);

struct nlri_family {
	enum family_id	 fam;
	unsigned	 flags;		/* NLRI_F_* */
	/* MP_REACH next hop: an RD of zeros first (VPN: 8 octets, RFC
	 * 4364 §4.3.2); may be absent (flowspec, RFC 8955 §4) */
	uint8_t		 nh_rd;
	bool		 nh_none;
	/* Read one NLRI, path id already taken (withdrawn: from a
	 * withdrawal): *len gets its length. Returns 0; -1 with *why when
	 * malformed or truncated so that what follows cannot be located;
	 * 1 with *why when the NLRI is framed (*len is right) but its
	 * content is malformed: that NLRI is ignored, the others kept. */
	int		(*get)(struct rbuf *r, enum family_id fam, bool withdrawn,
			    size_t *len, const char **why);
	/* The octets that name the route (the Adj-RIB key) into key
	 * (NLRI_MAX bytes): returns their number. */
	size_t		(*key)(const uint8_t *b, size_t len, enum family_id fam,
			    uint8_t *key);
	/* ExaBGP 4.2's JSON members of the route, without braces,
	 * "path-information" when path_info is not NULL, the next hop
	 * where the family shows one (flowspec) when nexthop is not NULL. */
	void		(*json)(struct sbuf *o, const uint8_t *b, size_t len,
			    enum family_id fam, const char *path_info,
			    const char *nexthop);
	/* ExaBGP 4.2's text of the route, the next hop (when not NULL)
	 * where ExaBGP puts it ("10.0.0.0/24 next-hop 192.0.2.1"). */
	void		(*text)(struct sbuf *o, const uint8_t *b, size_t len,
			    enum family_id fam, const char *path_info,
			    const char *nexthop);
	/* The IP prefix of the route, for the families that have one
	 * (NULL for the others). */
	void		(*prefix)(const uint8_t *b, size_t len,
			    enum family_id fam, struct prefix *p);
	/* The route distinguisher (8 octets inside b), or NULL; NULL for
	 * families without one. */
	const uint8_t	*(*rd)(const uint8_t *b, size_t len,
			    enum family_id fam);
	/* The label stack: up to max labels (20-bit values) into labels,
	 * returns how many the NLRI holds; NULL for unlabeled families. */
	size_t		(*labels)(const uint8_t *b, size_t len,
			    enum family_id fam, uint32_t *labels, size_t max);
	/* The families whose routes are written as words of their own
	 * (ExaBGP main's "shared-join rp A group G rd R source-as N"):
	 * read them from w into buf (NLRI_MAX), *len its octets, 0; -1
	 * with w's error. NULL for the prefix families. */
	int		(*parse)(struct nlri_words *w, enum family_id fam,
			    uint8_t *buf, size_t *len);
	/* ... and write them back, a route of ours (parse made it). */
	void		(*route)(struct sbuf *o, const uint8_t *b, size_t len,
			    enum family_id fam);
};

/*
 * The next hop of an MP_REACH_NLRI of fam (nh: its Next Hop field): an
 * IPv4 (4 octets) or IPv6 address (16, or 32 with a link-local one, RFC
 * 2545 §3), after the family's RD of zeros; IPv6 next hops for IPv4
 * routes (RFC 8950) and IPv4 ones for IPv6 routes (as ExaBGP sends them)
 * alike; nothing where the family allows it (afi 0). Returns 0; -1 when
 * the length fits no form (the NLRI cannot be located, RFC 7606 §7.11);
 * 1 when the RD is not zero (*why: the routes are not usable).
 */
int	nlri_nexthop_get(enum family_id fam, struct rbuf nh, struct bgp_addr *g,
	    struct bgp_addr *ll, const char **why);
/*
 * Write the Next Hop field of fam's MP_REACH_NLRI for g (and ll when
 * afi != 0), or none at all when g->afi is 0 and the family allows it.
 * A next hop of the other address family: for IPv4 NLRI, an IPv6 one
 * only with ext (RFC 8950 negotiated); for IPv6 NLRI, an IPv4 one as
 * its 4 octets with ext (as ExaBGP), else IPv4-mapped (::ffff:a.b.c.d,
 * RFC 4798 §2). Returns 0, or -1 (nothing written) when no form fits.
 */
int	nlri_nexthop_put(struct wbuf *w, enum family_id fam,
	    const struct bgp_addr *g, const struct bgp_addr *ll, bool ext);

/* A key that is the NLRI's octets, all of them (the families whose
 * routes are named by everything they say: MCAST-VPN, SR Policy, BGP-LS). */
size_t	nlri_key_whole(const uint8_t *b, size_t len, enum family_id fam,
	    uint8_t *key);
/* An address of bytes octets (4: IPv4, else IPv6) from have octets at
 * p (the rest zero: a prefix's), as text. */
void	nlri_put_addr(struct sbuf *o, const uint8_t *p, size_t have,
	    size_t bytes);

/* The description of fam, or NULL when evbgp does not speak it. */
const struct nlri_family *nlri_family(enum family_id fam);
/* The families whose routes evbgp encodes and decodes. */
famset_t nlri_spoken(void);
/* The same as text for messages ("ipv4 unicast, ipv4 multicast, ..."),
 * into buf (truncated to len); returns buf. */
const char *nlri_spoken_text(char *buf, size_t len);

/*
 * Read one NLRI of fam from r: with addpath its 4-octet path id first,
 * then the family's encoding. withdrawn: it comes from a withdrawal
 * (RFC 8277 §2.4: the label field may be the 0x800000 placeholder). n
 * becomes a view into r's bytes. Returns 0, or -1 (r unchanged, *why set
 * when why is not NULL) on malformed input; 1 when the NLRI is framed
 * but unusable (n and r as for 0, *why set): see nlri_family.get.
 */
int	nlri_get(struct rbuf *r, enum family_id fam, bool addpath,
	    bool withdrawn, struct nlri *n, const char **why);
/* Validate a whole NLRI field of fam; *count (if count) gets the number
 * of usable NLRI, *ignored (if ignored) those nlri_get returned 1 for
 * (*why then says why the first was). Returns 0, or -1 with *why. */
int	nlri_field_check(struct rbuf r, enum family_id fam, bool addpath,
	    bool withdrawn, size_t *count, size_t *ignored, const char **why);
/* Write n, path id first when addpath. Returns 0, or -1 when w is full. */
int	nlri_put(struct wbuf *w, const struct nlri *n, bool addpath);
/* Octets nlri_put writes. */
size_t	nlri_size(const struct nlri *n, bool addpath);
/* The key octets of n (see nlri_family.key) into key (NLRI_MAX bytes). */
size_t	nlri_key(const struct nlri *n, uint8_t *key);
/* Do a and b name the same route (family, path id, key octets)? */
bool	nlri_same_key(const struct nlri *a, const struct nlri *b);

/*
 * ExaBGP 4.2's JSON of the route ({ "nlri": "10.0.0.0/24",
 * "path-information": "0.0.0.1" }, members only, no braces) and text
 * ("10.0.0.0/24 path-information 0.0.0.1", with the next hop where
 * ExaBGP writes it when nh is not NULL); the path id is shown when
 * with_path_id. The JSON shows nh only for the families whose object
 * carries it (flowspec).
 */
void	nlri_json(struct sbuf *o, const struct nlri *n, bool with_path_id,
	    const char *nh);
/* The same in ExaBGP main's dialect (API 6): labels as [label, raw
 * 24-bit value] pairs, flow bitmask rules as one item ("=fin+push");
 * the other members as nlri_json(). */
void	nlri_json6(struct sbuf *o, const struct nlri *n, bool with_path_id,
	    const char *nh);
void	nlri_text(struct sbuf *o, const struct nlri *n, bool with_path_id,
	    const char *nh);

/* The IP prefix of n when its family has one (unicast, multicast,
 * labeled, VPN): true and *p; else false. */
bool	nlri_prefix(const struct nlri *n, struct prefix *p);
/* The RD of n (8 octets, in n's octets), or NULL. */
const uint8_t *nlri_rd(const struct nlri *n);
/* The labels of n (see nlri_family.labels); 0 for unlabeled families. */
size_t	nlri_labels(const struct nlri *n, uint32_t *labels, size_t max);
/* The most labels a labeled or VPN route of ours carries (the NLRI's
 * length octet allows no more: 10 x 24 bits + a /15 IPv4 prefix). */
#define NLRI_LABELS_MAX		10
/* A labeled (nlri-mpls) or VPN (mpls-vpn, rd not NULL) NLRI of p into buf
 * (NLRI_MAX): the labels (RFC 8277 §2) with the bottom-of-stack bit on
 * the last, the RD, the prefix. Returns the length, 0 when the whole
 * does not fit the length octet (255 bits). */
size_t	nlri_labeled_build(const struct prefix *p, const uint8_t *rd,
	    const uint32_t *labels, size_t nlabels, uint8_t *buf);
/* A route distinguisher (8 octets) as ExaBGP writes it ("65000:1"). */
void	nlri_rd_text(struct sbuf *o, const uint8_t *rd);
/* And as ExaBGP 4.2 reads it: ASN:N (type 0 when the ASN fits 16 bits
 * and N 32, else type 2), IPv4:N (type 1). Returns 0 or -1. */
int	nlri_rd_parse(const char *s, uint8_t *rd);
/* A VPLS NLRI (RFC 4761 §3.2.2) into buf (19 octets), and back (false
 * when n is not one). */
size_t	nlri_vpls_build(const uint8_t *rd, uint16_t endpoint, uint16_t offset,
	    uint16_t size, uint32_t base, uint8_t *buf);
bool	nlri_vpls_fields(const struct nlri *n, uint16_t *endpoint,
	    uint16_t *offset, uint16_t *size, uint32_t *base);
/* NLRI_F_PREFIX families: the octets of p into buf (17 bytes at most),
 * returning their number, and back. */
size_t	nlri_from_prefix(const struct prefix *p, uint8_t *buf);
void	nlri_to_prefix(const struct nlri *n, struct prefix *p);

/* An NLRI's octets owned by a route (configuration, API): small ones
 * inline, larger ones (flowspec) on the heap. */
#define NLRI_BUF_INLINE		38
struct nlri_buf {
	uint16_t	 len;
	uint8_t		 inl[NLRI_BUF_INLINE];
	uint8_t		*heap;
};

/* Replace the octets (len <= NLRI_MAX). */
void	nlri_buf_set(struct nlri_buf *nb, const uint8_t *b, size_t len);
const uint8_t *nlri_buf_data(const struct nlri_buf *nb);
/* dst (uninitialised) becomes a copy of src. */
void	nlri_buf_copy(struct nlri_buf *dst, const struct nlri_buf *src);
void	nlri_buf_free(struct nlri_buf *nb);

#endif /* EVBGP_NLRI_H */
