/*
 * The VMs' virtual subnet (see net_switch.h).
 */
#include "devices/net_switch.h"
#include "monitor/string.h"

#define DST_MAC 0
#define SRC_MAC ETH_ALEN

void net_switch_init(struct net_switch *sw)
{
	memset(sw, 0, sizeof(*sw));
}

/* The port that has mac, or -1. */
static int find_port(const struct net_switch *sw, const uint8_t *mac)
{
	for (unsigned int p = 0; p < sw->nports; p++)
		if (net_mac_equal(sw->port[p].mac, mac))
			return (int)p;
	return -1;
}

int net_switch_add_port(struct net_switch *sw, const uint8_t *mac, net_deliver_fn deliver,
			void *ctx)
{
	static const uint8_t zero[ETH_ALEN];
	struct net_switch_port *port;

	if (sw->nports == NET_SWITCH_MAX_PORTS || net_mac_is_group(mac) ||
	    net_mac_equal(mac, zero) || find_port(sw, mac) >= 0)
		return -1;
	port = &sw->port[sw->nports];
	memset(port, 0, sizeof(*port));
	port->sw = sw;
	memcpy(port->mac, mac, ETH_ALEN);
	port->deliver = deliver;
	port->ctx = ctx;
	return (int)sw->nports++;
}

static void offer(struct net_switch_port *to, const struct net_frame *f)
{
	enum net_rx_result r = to->deliver(to->ctx, f);

	if ((unsigned int)r < NET_RX_NR_RESULTS)
		to->count.offered[r]++;
}

/* Whether the frame port from sends may enter the subnet (counted if
 * not); *dst the unicast destination port, or -1 for a group address. */
static bool admit(struct net_switch *sw, struct net_switch_port *from, const struct net_frame *f,
		  int *dst)
{
	if (f->len < ETH_HLEN) {
		from->count.dropped_runt++;
		return false;
	}
	if (!net_mac_equal(f->data + SRC_MAC, from->mac)) {
		from->count.dropped_spoofed++;
		return false;
	}
	if (net_mac_is_group(f->data + DST_MAC)) {
		*dst = -1;
		return true;
	}
	*dst = find_port(sw, f->data + DST_MAC);
	if (*dst < 0) {
		from->count.dropped_unknown++;
		return false;
	}
	if (&sw->port[*dst] == from) {
		from->count.dropped_to_self++;
		return false;
	}
	return true;
}

void net_switch_transmit(struct net_switch *sw, unsigned int port, const struct net_frame *f)
{
	struct net_switch_port *from;
	int dst;

	if (port >= sw->nports)
		return;
	from = &sw->port[port];
	if (!admit(sw, from, f, &dst))
		return;
	from->count.sent++;
	if (dst >= 0) {
		offer(&sw->port[dst], f);
		return;
	}
	for (unsigned int p = 0; p < sw->nports; p++)
		if (p != port)
			offer(&sw->port[p], f);
}

static void uplink_transmit(void *ctx, const struct net_frame *f)
{
	struct net_switch_port *from = ctx;

	net_switch_transmit(from->sw, (unsigned int)(from - from->sw->port), f);
}

struct net_port net_switch_uplink(struct net_switch *sw, unsigned int port)
{
	return (struct net_port){ .ctx = &sw->port[port], .transmit = uplink_transmit };
}
