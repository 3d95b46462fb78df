/*
 * Host unit tests for devices/net_switch.c (net_switch_init, _add_port,
 * _transmit, _uplink): the VMs' virtual subnet, behind fake ports that
 * record what they are offered. The oracle is Ethernet's addressing (IEEE
 * 802.3: the I/G bit, bit 0 of the first byte, marks group addresses) and
 * the subnet's rules in net_switch.h; no learning, MACs from configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"

#include "devices/net_switch.h"

#define NPORTS NET_SWITCH_MAX_PORTS

static struct net_switch sw;

/* What each fake port was offered, and what it answers. */
static struct fake_port {
	unsigned int offers;
	const struct net_frame *last;
	enum net_rx_result answer;
} ports[NPORTS];

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void mac_of(unsigned int i, uint8_t *mac)
{
	const uint8_t m[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x01, (uint8_t)i };

	memcpy(mac, m, ETH_ALEN);
}

static enum net_rx_result fake_deliver(void *ctx, const struct net_frame *f)
{
	struct fake_port *p = ctx;

	p->offers++;
	p->last = f;
	return p->answer;
}

static void add_ports(unsigned int n)
{
	uint8_t mac[ETH_ALEN];

	for (unsigned int i = 0; i < n; i++) {
		mac_of(i, mac);
		assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, &ports[i]), (int)i);
	}
}

static int setup(void **state)
{
	net_switch_init(&sw);
	memset(ports, 0, sizeof(ports));
	add_ports(4);
	return 0;
}

/* A 60-byte frame: destination, source, EtherType 0x0806. */
static struct net_frame frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src)
{
	memset(buf, 0xa5, 60);
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	buf[12] = 0x08;
	buf[13] = 0x06;
	return (struct net_frame){ .data = buf, .len = 60 };
}

static void assert_offers(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	assert_int_equal(ports[0].offers, a);
	assert_int_equal(ports[1].offers, b);
	assert_int_equal(ports[2].offers, c);
	assert_int_equal(ports[3].offers, d);
}

static void test_add_port_rules(void **state)
{
	uint8_t mac[ETH_ALEN];

	mac_of(2, mac);                                         /* taken */
	assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, NULL), -1);
	assert_int_equal(net_switch_add_port(&sw, bcast, fake_deliver, NULL), -1);
	mac[0] = 0x03;                                          /* multicast */
	assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, NULL), -1);
	memset(mac, 0, ETH_ALEN);
	assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, NULL), -1);
	assert_int_equal(sw.nports, 4);
	for (unsigned int i = 4; i < NPORTS; i++) {
		mac_of(i, mac);
		assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, &ports[i]), (int)i);
	}
	mac_of(NPORTS, mac);
	assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, NULL), -1);   /* full */
	assert_int_equal(sw.nports, NPORTS);
}

static void test_unicast(void **state)
{
	uint8_t buf[60], src[ETH_ALEN], dst[ETH_ALEN];
	struct net_frame f;

	mac_of(0, src);
	mac_of(2, dst);
	f = frame(buf, dst, src);
	net_switch_transmit(&sw, 0, &f);
	assert_offers(0, 0, 1, 0);
	assert_ptr_equal(ports[2].last, &f);    /* the sender's frame, not a copy */
	assert_int_equal(sw.port[0].count.sent, 1);
	assert_int_equal(sw.port[2].count.offered[NET_RX_DELIVERED], 1);
	/* what the destination answers is counted there */
	ports[2].answer = NET_RX_NO_BUFFER;
	net_switch_transmit(&sw, 0, &f);
	assert_int_equal(sw.port[2].count.offered[NET_RX_NO_BUFFER], 1);
	assert_int_equal(sw.port[0].count.sent, 2);
}

/* ARP's broadcast and a multicast reach every port but the sender's,
 * whatever one of them answers. */
static void test_broadcast_and_multicast(void **state)
{
	static const uint8_t mcast[ETH_ALEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	uint8_t buf[60], src[ETH_ALEN];
	struct net_frame f;

	mac_of(1, src);
	f = frame(buf, bcast, src);
	ports[2].answer = NET_RX_FAILED;
	net_switch_transmit(&sw, 1, &f);
	assert_offers(1, 0, 1, 1);
	f = frame(buf, mcast, src);
	net_switch_transmit(&sw, 1, &f);
	assert_offers(2, 0, 2, 2);
	assert_int_equal(sw.port[1].count.sent, 2);
	assert_int_equal(sw.port[2].count.offered[NET_RX_FAILED], 2);
	assert_int_equal(sw.port[3].count.offered[NET_RX_DELIVERED], 2);
}

static void test_full_switch_broadcast(void **state)
{
	uint8_t buf[60], src[ETH_ALEN];
	struct net_frame f;

	for (unsigned int i = 4; i < NPORTS; i++) {
		uint8_t mac[ETH_ALEN];

		mac_of(i, mac);
		assert_int_equal(net_switch_add_port(&sw, mac, fake_deliver, &ports[i]), (int)i);
	}
	mac_of(NPORTS - 1, src);
	f = frame(buf, bcast, src);
	net_switch_transmit(&sw, NPORTS - 1, &f);
	for (unsigned int i = 0; i < NPORTS; i++)
		assert_int_equal(ports[i].offers, i != NPORTS - 1);
}

/* Dropped at the sending port: a source MAC not its own, an unknown or its
 * own unicast destination, a runt; nobody is offered anything. */
static void test_drops(void **state)
{
	uint8_t buf[60], mine[ETH_ALEN], other[ETH_ALEN], unknown[ETH_ALEN];
	struct net_frame f;

	mac_of(0, mine);
	mac_of(3, other);
	mac_of(9, unknown);
	f = frame(buf, other, other);                   /* port 3's source */
	net_switch_transmit(&sw, 0, &f);
	f = frame(buf, bcast, bcast);                   /* a group source */
	net_switch_transmit(&sw, 0, &f);
	f = frame(buf, other, unknown);
	net_switch_transmit(&sw, 0, &f);
	assert_int_equal(sw.port[0].count.dropped_spoofed, 3);
	f = frame(buf, unknown, mine);
	net_switch_transmit(&sw, 0, &f);
	assert_int_equal(sw.port[0].count.dropped_unknown, 1);
	f = frame(buf, mine, mine);
	net_switch_transmit(&sw, 0, &f);
	assert_int_equal(sw.port[0].count.dropped_to_self, 1);
	f = frame(buf, other, mine);
	f.len = ETH_HLEN - 1;
	net_switch_transmit(&sw, 0, &f);
	assert_int_equal(sw.port[0].count.dropped_runt, 1);
	net_switch_transmit(&sw, 4, &f);                /* no such port */
	net_switch_transmit(&sw, 1000, &f);
	assert_offers(0, 0, 0, 0);
	assert_int_equal(sw.port[0].count.sent, 0);
	f.len = ETH_HLEN;                               /* the shortest frame passes */
	net_switch_transmit(&sw, 0, &f);
	assert_offers(0, 0, 0, 1);
}

/* A device's net_port is the switch from its port. */
static void test_uplink(void **state)
{
	uint8_t buf[60], src[ETH_ALEN], dst[ETH_ALEN];
	struct net_port up = net_switch_uplink(&sw, 3);
	struct net_frame f;

	mac_of(3, src);
	mac_of(1, dst);
	f = frame(buf, dst, src);
	up.transmit(up.ctx, &f);
	assert_offers(0, 1, 0, 0);
	assert_int_equal(sw.port[3].count.sent, 1);
	f = frame(buf, dst, dst);                       /* port 1's MAC from port 3 */
	up.transmit(up.ctx, &f);
	assert_int_equal(sw.port[3].count.dropped_spoofed, 1);
}

/* A fixed-seed generator, so the fuzz run is the same every time. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* An address from a small pool: the ports', broadcast, multicast,
 * unknown, random. */
static void random_mac(uint8_t *mac)
{
	switch (rng() % 6) {
	case 0: memcpy(mac, bcast, ETH_ALEN); return;
	case 1: mac_of((unsigned int)(rng() % 20), mac); mac[0] |= 1; return;
	case 2: for (unsigned int i = 0; i < ETH_ALEN; i++) mac[i] = (uint8_t)rng(); return;
	default: mac_of((unsigned int)(rng() % 10), mac); return;
	}
}

/* Random frames from random ports: every frame is counted once at the
 * sender; it reaches no port if dropped, else exactly its destination or
 * every other port, never the sender, and always with the sender's MAC. */
static void test_fuzz(void **state)
{
	unsigned int forwarded = 0, dropped = 0;

	for (unsigned int i = 4; i < 8; i++) {
		uint8_t mac[ETH_ALEN];

		mac_of(i, mac);
		net_switch_add_port(&sw, mac, fake_deliver, &ports[i]);
	}
	rng_state = 0x853c49e6748fea9bull;
	for (unsigned int iter = 0; iter < 20000; iter++) {
		unsigned int from = (unsigned int)(rng() % 8), before[NPORTS], total = 0;
		uint8_t buf[60], dst[ETH_ALEN], src[ETH_ALEN], own[ETH_ALEN];
		const struct net_switch_port_counters *c = &sw.port[from].count;
		uint64_t counted = c->sent + c->dropped_spoofed + c->dropped_unknown +
				   c->dropped_to_self + c->dropped_runt;
		struct net_frame f;

		random_mac(dst);
		if (rng() % 4)
			mac_of(from, src);
		else
			random_mac(src);
		f = frame(buf, dst, src);
		f.len = (uint32_t)(rng() % 16 ? 60 : rng() % 20);
		for (unsigned int p = 0; p < NPORTS; p++)
			before[p] = ports[p].offers;
		net_switch_transmit(&sw, from, &f);
		assert_int_equal(c->sent + c->dropped_spoofed + c->dropped_unknown +
				 c->dropped_to_self + c->dropped_runt, counted + 1);
		assert_int_equal(ports[from].offers, before[from]);
		mac_of(from, own);
		for (unsigned int p = 0; p < NPORTS; p++) {
			unsigned int got = ports[p].offers - before[p];
			uint8_t mac[ETH_ALEN];

			total += got;
			assert_true(got <= 1);
			mac_of(p, mac);
			if (got && !net_mac_is_group(dst))
				assert_memory_equal(dst, mac, ETH_ALEN);
		}
		if (total) {
			forwarded++;
			assert_memory_equal(src, own, ETH_ALEN);
			assert_true(f.len >= ETH_HLEN);
			assert_int_equal(total, net_mac_is_group(dst) ? 7 : 1);
		} else {
			dropped++;
		}
	}
	print_message("fuzz: %u forwarded, %u dropped\n", forwarded, dropped);
	assert_true(forwarded > 5000 && dropped > 5000);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_port_rules),
		T(test_unicast),
		T(test_broadcast_and_multicast),
		T(test_full_switch_broadcast),
		T(test_drops),
		T(test_uplink),
		T(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
