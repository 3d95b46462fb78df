/*
 * An Ethernet frame on the VMs' virtual subnet, as a virtio-net device
 * hands it to the switch and the switch hands it to other devices: the
 * bytes (a copy the sending device made, so nothing the sender's guest does
 * afterwards changes what the switch checked), and where those bytes were in
 * the sender's guest-physical memory, so that a receiving device may ask the
 * monitor to remap a whole page instead of copying it (virtio_net.h).
 *
 * A frame and everything it points to live only during the transmit call
 * that carries it: a receiver copies (or remaps) it before returning.
 *
 * Types only: shared by devices/virtio_net.[ch] and devices/net_switch.[ch].
 */
#ifndef DEVICES_NET_FRAME_H
#define DEVICES_NET_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/virtqueue.h"

#define ETH_ALEN        6       /* bytes of a MAC address */
#define ETH_HLEN        14      /* destination, source, EtherType */
#define VLAN_HLEN       4       /* an 802.1Q tag */

struct net_frame {
	const uint8_t *data;            /* the frame, destination MAC first */
	uint32_t len;                   /* bytes at data, >= ETH_HLEN */
	/* Where the frame was in the sender's memory (for remapping; src_segs
	 * NULL when it was nowhere, e.g. a frame the monitor made): the frame
	 * is the bytes of src_segs[0..src_nsegs) after the first src_skip
	 * (the virtio-net header), in the sender VM src_vm. */
	const void *src_vm;
	const struct vq_seg *src_segs;
	unsigned int src_nsegs;
	uint32_t src_skip;
};

/* What became of a frame offered to a receiving port. */
enum net_rx_result {
	NET_RX_DELIVERED,
	NET_RX_NOT_READY,       /* the driver has not set the device up, or the link is down */
	NET_RX_NO_BUFFER,       /* no receive buffer posted */
	NET_RX_TOO_LONG,        /* the buffer is shorter than header + frame */
	NET_RX_FAILED,          /* the receive queue is malformed: the device failed */
	NET_RX_NR_RESULTS
};

/* Where a device sends the frames its driver transmits (the switch). */
struct net_port {
	void *ctx;
	void (*transmit)(void *ctx, const struct net_frame *f);
};

static inline bool net_mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;      /* broadcast and multicast */
}

static inline bool net_mac_equal(const uint8_t *a, const uint8_t *b)
{
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

#endif
