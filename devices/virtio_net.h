/*
 * The virtio-net device model (virtio 1.2, 5.1) on the virtio-mmio
 * transport: one receive queue (0) and one transmit queue (1), no control
 * queue, no multiqueue, no offloads. A VM's interface on the monitor's
 * virtual subnet: what its driver transmits goes to a net_port (the switch,
 * net_switch.h); what the switch delivers lands in its receive buffers.
 *
 * Offered: VIRTIO_F_VERSION_1 (by the transport; so the header is the
 * 12-byte struct virtio_net_hdr_v1 and may be split over descriptors any
 * way), VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS and VIRTIO_NET_F_MTU (so
 * Linux cannot raise its MTU past what this device carries). Not offered:
 * CSUM, GUEST_CSUM, any TSO/UFO, MRG_RXBUF, CTRL_VQ, MQ. Config space: mac,
 * status (LINK_UP), max_virtqueue_pairs (1), mtu; read-only.
 *
 * Transmit (at the driver's notify): each chain must be readable only and
 * hold at least the header; a frame shorter than ETH_HLEN or longer than
 * mtu + ETH_HLEN + VLAN_HLEN, or a header with flags or gso_type set (no
 * offload was offered), is dropped and counted; the rest is copied into
 * the device's frame buffer and handed to the port. Every chain is given
 * back with used length 0.
 *
 * Receive (virtio_net_deliver): one chain per frame, writable only, at
 * least the header long; the device writes the header (num_buffers 1, the
 * rest 0) and the frame, gives the chain back with 12 + len and raises the
 * used-buffer interrupt. No buffer: the frame is dropped and counted. A
 * buffer shorter than header + frame is given back empty (Linux counts it
 * as a short packet) and the frame dropped.
 *
 * A malformed chain (a writable transmit descriptor, a readable receive
 * one, either shorter than the header, a buffer outside the VM's RAM, or
 * any error virtqueue.h lists) fails the device: DEVICE_NEEDS_RESET until
 * the driver resets it; other devices on the subnet are unaffected.
 *
 * Page remapping: when a whole page of the frame (past its Ethernet header)
 * lies at a page-aligned guest-physical page both in the sender's transmit
 * buffer and in this device's receive buffer, the device asks remap_page
 * to make the receiver's page hold the sender's; if it refuses, the page is
 * copied. See docs/devices.md for how seldom Linux's buffers allow it.
 * Pure C: compiled into the monitor and unit-tested on the host.
 */
#ifndef DEVICES_VIRTIO_NET_H
#define DEVICES_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/net_frame.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_ID_NET           1
#define VIRTIO_NET_RX           0       /* receiveq1 */
#define VIRTIO_NET_TX           1       /* transmitq1 */
#define VIRTIO_NET_QUEUE_MAX    256     /* QueueNumMax */
#define VIRTIO_NET_MAX_SEGS     64      /* descriptors a chain may have (Linux: at most 19) */
#define VIRTIO_NET_HDR_SIZE     12      /* struct virtio_net_hdr_v1, with num_buffers */
#define VIRTIO_NET_CONFIG_SIZE  12      /* mac[6], status, max_virtqueue_pairs, mtu */
#define VIRTIO_NET_MIN_MTU      68      /* Linux's MIN_MTU: below it Linux ignores F_MTU */
#define VIRTIO_NET_MAX_MTU      9000
#define VIRTIO_NET_MAX_FRAME    (VIRTIO_NET_MAX_MTU + ETH_HLEN + VLAN_HLEN)
#define VIRTIO_NET_PAGE_SIZE    4096    /* what remap_page remaps: the pmap's page */

/* Feature bits and the status field (Linux's names). */
#define VIRTIO_NET_F_MTU        3
#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1

/* The monitor's page remapping, for whole pages of a received frame:
 * remap_page makes the receiving VM's page at dst_gpa hold what the page
 * at src_gpa of the VM src_vm holds (copy-on-write sharing, say), both
 * page-aligned, and returns true; or returns false, touching nothing, and
 * the device copies the page. It must refuse pages not wholly in either
 * VM's RAM. ctx is the receiving VM's. */
struct virtio_net_remap {
	void *ctx;
	bool (*remap_page)(void *ctx, const void *src_vm, uint64_t src_gpa, uint64_t dst_gpa);
};

/* A device's configuration (from vms.conf). */
struct virtio_net_params {
	uint8_t mac[ETH_ALEN];          /* unicast, not all zero */
	uint16_t mtu;                   /* VIRTIO_NET_MIN_MTU..VIRTIO_NET_MAX_MTU */
	const void *vm;                 /* who it belongs to: src_vm of its frames */
};

struct virtio_net_counters {
	uint64_t tx_packets, tx_bytes;          /* frames handed to the port */
	uint64_t tx_dropped_length;             /* shorter than ETH_HLEN or over the MTU */
	uint64_t tx_dropped_header;             /* flags or gso_type set */
	uint64_t tx_dropped_link_down;
	uint64_t rx_packets, rx_bytes;          /* frames put in receive buffers */
	uint64_t rx_dropped_not_ready;          /* driver not live, queue not set up, link down */
	uint64_t rx_dropped_no_buffer;
	uint64_t rx_dropped_too_long;           /* buffer shorter than header + frame */
	uint64_t malformed;                     /* chains that failed the device here (the
						 * transport's vq_errors count the queue's) */
	uint64_t rx_remapped_pages;             /* pages remap_page took */
	uint64_t rx_remap_refused;              /* candidate pages it refused (then copied) */
	uint64_t rx_copied_bytes;               /* frame bytes copied into receive buffers */
};

struct virtio_net {
	struct virtio_mmio mmio;        /* the guest's accesses go here */
	const struct vq_mem *mem;
	struct net_port port;
	struct virtio_net_remap remap;
	uint8_t mac[ETH_ALEN];
	uint16_t mtu;
	bool link_up;
	const void *vm;
	struct virtio_net_counters count;
	struct vq_seg tx_segs[VIRTIO_NET_MAX_SEGS];
	struct vq_seg rx_segs[VIRTIO_NET_MAX_SEGS];
	uint8_t frame[VIRTIO_NET_MAX_FRAME];    /* the frame being transmitted */
};

/* A virtio-net device in its reset state, link up, with params' MAC and
 * MTU, reaching guest memory through mem, sending what its driver
 * transmits to port, remapping through remap (NULL, or a NULL remap_page:
 * always copy). Its registers are virtio_mmio_read/write on &net->mmio.
 * False (net unusable) for a group or all-zero MAC or an MTU out of range.
 * mem must outlive it; port and remap are copied. */
bool virtio_net_init(struct virtio_net *net, const struct virtio_net_params *params,
		     const struct vq_mem *mem, const struct net_port *port,
		     const struct virtio_net_remap *remap);

/* Puts frame f into the next receive buffer and raises the used-buffer
 * interrupt (unless the driver suppressed it): NET_RX_DELIVERED, or why
 * not (counted). The caller then polls virtio_mmio_irq(&net->mmio). */
enum net_rx_result virtio_net_deliver(struct virtio_net *net, const struct net_frame *f);

/* The link goes up or down: the status field changes and the driver gets
 * a configuration-change interrupt. Down, frames are dropped both ways. */
void virtio_net_set_link(struct virtio_net *net, bool up);

/* The largest frame the device transmits: mtu + ETH_HLEN + VLAN_HLEN. */
uint32_t virtio_net_max_frame(const struct virtio_net *net);

#endif
