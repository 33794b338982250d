/*
 * Shared test pieces (see testlib.h). Linked into every suite.
 */
#include <check.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

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
	len = (uint16_t)(hdr[16] << 8 | hdr[17]);
	ck_assert_uint_ge(len, 19);
	ck_assert_uint_le(len, cap);
	if (evbuffer_get_length(in) < len)
		return 0;
	evbuffer_remove(in, msg, len);
	if (lenp != NULL)
		*lenp = len;
	return hdr[18];
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
