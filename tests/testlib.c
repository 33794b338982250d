/*
 * Shared test pieces (see testlib.h). Linked into every suite.
 */
#include <check.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "evbgp/bgp_proto.h"
#include "evbgp/msg.h"
#include "testlib.h"

void
test_spin(struct event_base *base)
{
	for (int i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

void
test_settle(struct event_base *base)
{
	struct timeval tv = { 0, 80 * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	test_spin(base);
}

int
test_next_msg(struct bufferevent *bev, uint8_t *msg, size_t cap,
    uint16_t *lenp)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[19];
	uint16_t len;

	if (evbuffer_get_length(in) < 19)
		return 0;
	evbuffer_copyout(in, hdr, 19);
	len = (uint16_t)(hdr[BGP_HEADER_LENGTH_OFF] << 8 |
	    hdr[BGP_HEADER_LENGTH_OFF + 1]);
	ck_assert_uint_ge(len, 19);
	ck_assert_uint_le(len, cap);
	if (evbuffer_get_length(in) < len)
		return 0;
	evbuffer_remove(in, msg, len);
	if (lenp != NULL)
		*lenp = len;
	return hdr[BGP_HEADER_TYPE_OFF];
}

size_t
test_open(uint8_t *buf, size_t cap, uint32_t as, famset_t families)
{
	struct bgp_open o;
	struct wbuf w;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = as > 0xffff ? 23456 : (uint16_t)as;
	o.hold_time = 30;
	o.bgp_id = 0x0a000002;
	o.caps.mp = families;
	o.caps.asn4 = true;
	o.caps.as4 = as;
	wbuf_init(&w, buf, cap);
	ck_assert_int_eq(open_encode(&w, &o), 0);
	return w.len;
}

size_t
test_update(uint8_t *buf, size_t cap)
{
	static const uint8_t body[] = {
		0x00, 0x00,				/* no withdrawn */
		0x00, 0x14,				/* attributes: 20 */
		0x40, 0x01, 0x01, 0x00,			/* ORIGIN IGP */
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xea,
		0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01, /* NEXT_HOP */
		0x18, 0x0a, 0x01, 0x02,			/* 10.1.2.0/24 */
	};
	size_t len = 19 + sizeof(body);

	ck_assert_uint_ge(cap, len);
	memset(buf, 0xff, 16);
	buf[16] = (uint8_t)(len >> 8);
	buf[17] = (uint8_t)len;
	buf[18] = 2;		/* UPDATE */
	memcpy(buf + 19, body, sizeof(body));
	return len;
}

/* ---- the conformance kit's ratchet ---- */

#define CONFORMANCE_DIR	EVBGP_SOURCE_DIR "/tests/conformance"

/* Copy the next whitespace-separated word of *s into out; false at end. */
static bool
next_word(const char **s, char *out, size_t len)
{
	const char *p = *s, *start;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n' || *p == '#')
		return false;
	start = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	n = (size_t)(p - start);
	ck_assert_msg(n < len, "word too long in the kit lists: %.*s",
	    (int)n, start);
	memcpy(out, start, n);
	out[n] = '\0';
	*s = p;
	return true;
}

size_t
kit_pending_load(const char *direction, struct kit_pending **v)
{
	FILE *f = fopen(CONFORMANCE_DIR "/pending.txt", "r");
	char *line = NULL, dir[32], num[16];
	size_t cap = 0, n = 0, vcap = 0;
	int lineno = 0;

	ck_assert_msg(f != NULL, "tests/conformance/pending.txt: %s",
	    strerror(errno));
	*v = NULL;
	while (getline(&line, &cap, f) > 0) {
		struct kit_pending row;
		const char *s = line;

		lineno++;
		memset(&row, 0, sizeof(row));
		if (!next_word(&s, row.name, sizeof(row.name)))
			continue;
		ck_assert_msg(next_word(&s, dir, sizeof(dir)),
		    "pending.txt:%d: no direction", lineno);
		ck_assert_msg(strcmp(dir, "send") == 0 ||
		    strcmp(dir, "receive") == 0 || strcmp(dir, "config") == 0,
		    "pending.txt:%d: direction '%s'", lineno, dir);
		if (strcmp(dir, "config") == 0) {
			ck_assert_msg(next_word(&s, num, sizeof(num)) &&
			    (row.line = atoi(num)) > 0,
			    "pending.txt:%d: no line number", lineno);
			ck_assert_msg(next_word(&s, row.keyword,
			    sizeof(row.keyword)), "pending.txt:%d: no keyword",
			    lineno);
		}
		while (*s == ' ' || *s == '\t')
			s++;
		snprintf(row.reason, sizeof(row.reason), "%.*s",
		    (int)strcspn(s, "\n"), s);
		ck_assert_msg(row.reason[0] != '\0', "pending.txt:%d: no reason",
		    lineno);
		if (strcmp(dir, direction) != 0)
			continue;
		ck_assert_msg(kit_pending_find(*v, n, row.name) == NULL,
		    "pending.txt:%d: %s listed twice for %s", lineno, row.name,
		    dir);
		if (n == vcap) {
			vcap = vcap ? vcap * 2 : 32;
			*v = realloc(*v, vcap * sizeof(**v));
			ck_assert_ptr_nonnull(*v);
		}
		(*v)[n++] = row;
	}
	free(line);
	fclose(f);
	return n;
}

const struct kit_pending *
kit_pending_find(const struct kit_pending *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const char *
kit_family(const char *name, char *buf, size_t len)
{
	FILE *f = fopen(CONFORMANCE_DIR "/families.txt", "r");
	char *line = NULL, pat[128], fam[48], base[128];
	const char *slash = strrchr(name, '/');
	size_t cap = 0;

	ck_assert_msg(f != NULL, "tests/conformance/families.txt: %s",
	    strerror(errno));
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : name);
	if (strlen(base) > 5 && strcmp(base + strlen(base) - 5, ".conf") == 0)
		base[strlen(base) - 5] = '\0';
	snprintf(buf, len, "unicast");
	while (getline(&line, &cap, f) > 0) {
		const char *s = line;

		if (!next_word(&s, pat, sizeof(pat)))
			continue;
		ck_assert(next_word(&s, fam, sizeof(fam)));
		if (fnmatch(pat, base, 0) == 0) {
			snprintf(buf, len, "%s", fam);
			break;
		}
	}
	free(line);
	fclose(f);
	return buf;
}

void
kit_tally_add(struct kit_tally *t, const char *family, enum kit_outcome o)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (strcmp(t->row[i].family, family) == 0)
			break;
	if (i == t->nrows) {
		ck_assert_uint_lt(t->nrows, sizeof(t->row) / sizeof(t->row[0]));
		snprintf(t->row[i].family, sizeof(t->row[i].family), "%s",
		    family);
		t->nrows++;
	}
	t->row[i].count[o]++;
}

void
kit_tally_print(const struct kit_tally *t, const char *what)
{
	printf("%s by family: passed / expected failures (pending.txt) / "
	    "failures / listed but passing\n", what);
	for (size_t i = 0; i < t->nrows; i++)
		printf("  %-20s %4d %4d %4d %4d\n", t->row[i].family,
		    t->row[i].count[KIT_PASS], t->row[i].count[KIT_EXPECTED_FAIL],
		    t->row[i].count[KIT_FAIL], t->row[i].count[KIT_NOW_PASSES]);
}
