/*
 * The VMs' virtual subnet: a switch of up to NET_SWITCH_MAX_PORTS ports,
 * one per VM interface, each with the MAC its configuration gives it (no
 * learning). A frame a port sends goes
 *   - to the one port whose MAC is its destination (unicast),
 *   - to every other port (broadcast and multicast),
 * and never back to the sender. It is dropped and counted at the sending
 * port when its source MAC is not that port's own (anti-spoofing: every
 * byte of a frame is the sending guest's), when no port has its unicast
 * destination, when the destination is the sender itself, or when it is
 * shorter than an Ethernet header. What a destination does with a frame
 * (delivered, no buffer, ...) is counted at that port.
 *
 * The switch reads only the copy of the frame the sending device made
 * (net_frame.h). Not locked: the caller serialises transmits on a switch
 * (one subnet lock), which also covers the destination devices. Pure C.
 */
#ifndef DEVICES_NET_SWITCH_H
#define DEVICES_NET_SWITCH_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/net_frame.h"

#define NET_SWITCH_MAX_PORTS 16

/* Hands frame f to the port's device (virtio_net_deliver, behind the
 * caller's locking and interrupt wiring). */
typedef enum net_rx_result (*net_deliver_fn)(void *ctx, const struct net_frame *f);

struct net_switch_port_counters {
	/* frames this port sent */
	uint64_t sent;                  /* taken by the switch (then forwarded) */
	uint64_t dropped_spoofed;       /* source MAC not the port's own */
	uint64_t dropped_unknown;       /* unicast to a MAC no port has */
	uint64_t dropped_to_self;       /* unicast to the port's own MAC */
	uint64_t dropped_runt;          /* shorter than ETH_HLEN */
	/* frames offered to this port, by what its device did with them */
	uint64_t offered[NET_RX_NR_RESULTS];
};

struct net_switch;

struct net_switch_port {
	struct net_switch *sw;
	uint8_t mac[ETH_ALEN];
	net_deliver_fn deliver;
	void *ctx;
	struct net_switch_port_counters count;
};

struct net_switch {
	struct net_switch_port port[NET_SWITCH_MAX_PORTS];
	unsigned int nports;
};

/* An empty switch. */
void net_switch_init(struct net_switch *sw);

/* Adds a port with MAC mac whose frames go to deliver(ctx, frame): its
 * number, or -1 when the switch is full, mac is a group or all-zero
 * address, or another port has it. */
int net_switch_add_port(struct net_switch *sw, const uint8_t *mac, net_deliver_fn deliver,
			void *ctx);

/* Port port (< sw->nports) sends frame f: forwarded or dropped, counted. */
void net_switch_transmit(struct net_switch *sw, unsigned int port, const struct net_frame *f);

/* The net_port a device on port port transmits through
 * (virtio_net_init's port): net_switch_transmit from that port. */
struct net_port net_switch_uplink(struct net_switch *sw, unsigned int port);

#endif
