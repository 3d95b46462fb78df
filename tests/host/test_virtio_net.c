/*
 * Host unit tests for devices/virtio_net.c (virtio_net_init, _deliver,
 * _set_link, _max_frame and the device model behind its transport),
 * with four VMs on a devices/net_switch.c subnet.
 *
 * The oracle is the virtio 1.2 specification, 5.1 "Network Device" (the
 * header, num_buffers 1 without MRG_RXBUF, config layout) and what Linux
 * 6.1's drivers/net/virtio_net.c does: virtnet_validate reads the MTU
 * before FEATURES_OK; virtnet_probe reads the MAC byte by byte, sets up
 * receiveq1 then transmitq1 and reads the status; add_recvbuf_small posts
 * one writable descriptor of hdr_len + GOOD_PACKET_LEN (12 + 1518) at an
 * offset in a page fragment; add_recvbuf_big (MTU > 1500) posts a 12-byte
 * header descriptor, the rest of that page from offset 32, then whole
 * pages; xmit_skb sends the header and the frame in one descriptor (it can
 * push the header into the skb's headroom) or in several. Each VM has its
 * own fake RAM, so a buffer address of one VM is nothing in another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"
#include "tests/host/fake_guest.h"

#include "devices/net_switch.h"
#include "devices/virtio_net.h"

#define NVMS        4
#define QSIZE       16
#define HDR         VIRTIO_NET_HDR_SIZE
#define PAGE        VIRTIO_NET_PAGE_SIZE
/* Each VM's RAM: receiveq1 at the fake_guest.h places, transmitq1 after
 * it, then receive buffers, transmit buffers and whole pages. */
#define TX_DESC     (FAKE_RAM_BASE + 0x3000)
#define TX_AVAIL    (FAKE_RAM_BASE + 0x3400)
#define TX_USED     (FAKE_RAM_BASE + 0x3800)
#define RX_BUF(i)   (FAKE_RAM_BASE + 0x8000 + 0x800 * (uint64_t)(i))
#define TX_BUF(i)   (FAKE_RAM_BASE + 0x10000 + 0x800 * (uint64_t)(i))
#define PAGES       (FAKE_RAM_BASE + 0x20000)           /* 32 pages from here */
#define SMALL_PAD   34          /* VIRTNET_RX_PAD: NET_IP_ALIGN 2 + NET_SKB_PAD 32 */
#define SMALL_LEN   (HDR + 1518) /* hdr_len + GOOD_PACKET_LEN */
#define BIG_OFFSET  32          /* sizeof(struct padded_vnet_hdr) */

struct vm {
	struct fake_guest g;
	struct virtio_net net;
	struct drv_queue rx, tx;
	int port;
	uint16_t rx_next;       /* the next receive descriptor to post */
};

static struct vm vms[NVMS];
static struct net_switch sw;
static struct {
	unsigned int calls, refuse;
	uint64_t src, dst;
} remap;

static void mac_of(unsigned int i, uint8_t *mac)
{
	const uint8_t m[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x10 + i) };

	memcpy(mac, m, ETH_ALEN);
}

static uint32_t rd(struct vm *v, uint32_t reg)
{
	return (uint32_t)virtio_mmio_read(&v->net.mmio, reg, 4);
}

static void wr(struct vm *v, uint32_t reg, uint32_t value)
{
	virtio_mmio_write(&v->net.mmio, reg, 4, value);
}

static uint64_t cfg(struct vm *v, uint32_t off, unsigned int size)
{
	return virtio_mmio_read(&v->net.mmio, VIRTIO_MMIO_CONFIG + off, size);
}

static enum net_rx_result deliver(void *ctx, const struct net_frame *f)
{
	return virtio_net_deliver(ctx, f);
}

/* The fake monitor's remap: the receiving VM's page becomes a copy of the
 * sender's (what a shared copy-on-write page would read as). */
static bool fake_remap(void *ctx, const void *src_vm, uint64_t src_gpa, uint64_t dst_gpa)
{
	struct vm *to = ctx;
	const struct vm *from = src_vm;

	remap.calls++;
	remap.src = src_gpa;
	remap.dst = dst_gpa;
	assert_int_equal(src_gpa % PAGE, 0);
	assert_int_equal(dst_gpa % PAGE, 0);
	if (remap.refuse)
		return false;
	memcpy(fake_ptr(&to->g, dst_gpa, PAGE), from->g.ram + (src_gpa - FAKE_RAM_BASE), PAGE);
	return true;
}

static void queue_setup(struct vm *v, uint32_t q, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(v, VIRTIO_MMIO_QUEUE_SEL, q);
	assert_int_equal(rd(v, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(v, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_NET_QUEUE_MAX);
	wr(v, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(v, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(v, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(v, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(v, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(v, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(v, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(v, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Linux's bring-up of a virtio-net device, as virtio_dev_probe,
 * virtnet_validate and virtnet_probe do it; the queues' memory cleared. */
static void linux_probe(struct vm *v)
{
	uint64_t features;
	uint8_t mac[ETH_ALEN];

	wr(v, VIRTIO_MMIO_STATUS, 0);
	wr(v, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(v, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)rd(v, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= rd(v, VIRTIO_MMIO_DEVICE_FEATURES);
	assert_true(cfg(v, 10, 2) >= VIRTIO_NET_MIN_MTU);      /* virtnet_validate */
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(v, VIRTIO_MMIO_STATUS, rd(v, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(v, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	for (unsigned int i = 0; i < ETH_ALEN; i++)                 /* virtio_cread_bytes */
		mac[i] = (uint8_t)cfg(v, i, 1);
	assert_memory_equal(mac, v->net.mac, ETH_ALEN);
	memset(fake_ptr(&v->g, DRV_DESC, 0x4000), 0, 0x4000);
	queue_setup(v, VIRTIO_NET_RX, DRV_DESC, DRV_AVAIL, DRV_USED);
	queue_setup(v, VIRTIO_NET_TX, TX_DESC, TX_AVAIL, TX_USED);
	wr(v, VIRTIO_MMIO_STATUS, rd(v, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(cfg(v, 6, 2), VIRTIO_NET_S_LINK_UP);      /* virtnet_config_changed_work */
	assert_true(virtio_mmio_live(&v->net.mmio));
	drv_init_at(&v->rx, &v->g, QSIZE, DRV_DESC, DRV_AVAIL, DRV_USED);
	drv_init_at(&v->tx, &v->g, QSIZE, TX_DESC, TX_AVAIL, TX_USED);
	v->rx_next = 0;
}

/* Posts n of Linux's small receive buffers and notifies receiveq1. */
static void post_small(struct vm *v, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		uint16_t i = v->rx_next++ % QSIZE;

		drv_desc(&v->rx, i, RX_BUF(i) + SMALL_PAD, SMALL_LEN, VIRTQ_DESC_F_WRITE, 0);
		drv_publish(&v->rx, i);
	}
	wr(v, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RX);
}

static void make_vm(unsigned int i, uint16_t mtu, bool with_remap)
{
	struct vm *v = &vms[i];
	struct virtio_net_params p = { .mtu = mtu, .vm = v };
	struct virtio_net_remap r = { v, fake_remap };
	struct net_port port;

	mac_of(i, p.mac);
	fake_guest_init(&v->g);
	v->port = net_switch_add_port(&sw, p.mac, deliver, &v->net);
	assert_int_equal(v->port, (int)i);
	port = net_switch_uplink(&sw, (unsigned int)v->port);
	memset(&v->net, 0x5a, sizeof(v->net));  /* init must not rely on zeroed memory */
	assert_true(virtio_net_init(&v->net, &p, &v->g.mem, &port, with_remap ? &r : NULL));
	linux_probe(v);
}

static void make_subnet(uint16_t mtu, bool with_remap)
{
	net_switch_init(&sw);
	memset(&remap, 0, sizeof(remap));
	for (unsigned int i = 0; i < NVMS; i++)
		make_vm(i, mtu, with_remap);
}

static int setup(void **state)
{
	make_subnet(1500, false);
	for (unsigned int i = 0; i < NVMS; i++)
		post_small(&vms[i], 8);
	return 0;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < NVMS; i++)
		fake_guest_free(&vms[i].g);
	return 0;
}

/* A frame of len bytes from VM from to destination MAC dst, its payload
 * a pattern seeded by seed. */
static void make_frame(uint8_t *f, uint32_t len, unsigned int from, const uint8_t *dst,
		       unsigned int seed)
{
	memcpy(f, dst, ETH_ALEN);
	mac_of(from, f + ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x00;
	for (uint32_t i = ETH_HLEN; i < len; i++)
		f[i] = (uint8_t)(i * 31 + seed);
}

/* VM v transmits header + frame as Linux's xmit_skb with can_push does:
 * one descriptor at gpa, or (split > 0) a header descriptor and the frame
 * in pieces of split bytes. Returns the number of descriptors used. */
static uint16_t send_at(struct vm *v, uint64_t gpa, const uint8_t *frame, uint32_t len,
			uint32_t split)
{
	uint16_t head = (uint16_t)(v->tx.avail_idx * 5 % QSIZE), n = 0;
	uint8_t *p = fake_ptr(&v->g, gpa, HDR + len);

	memset(p, 0, HDR);
	memcpy(p + HDR, frame, len);
	if (!split) {
		drv_desc(&v->tx, head, gpa, HDR + len, 0, 0);
		n = 1;
	} else {
		drv_desc(&v->tx, head, gpa, HDR, VIRTQ_DESC_F_NEXT, (head + 1) % QSIZE);
		for (uint32_t off = 0; off < len; off += split) {
			uint32_t piece = len - off < split ? len - off : split;
			bool last = off + piece == len;

			n++;
			drv_desc(&v->tx, (head + n) % QSIZE, gpa + HDR + off, piece,
				 last ? 0 : VIRTQ_DESC_F_NEXT, (head + n + 1) % QSIZE);
		}
		n++;
	}
	drv_publish(&v->tx, head);
	wr(v, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
	return n;
}

static void send(struct vm *v, const uint8_t *frame, uint32_t len)
{
	send_at(v, TX_BUF(v->tx.avail_idx % QSIZE), frame, len, 0);
}

/* The transmit chain came back with used length 0. */
static void assert_tx_done(struct vm *v)
{
	uint32_t id, len;

	assert_true(drv_take_used(&v->tx, &id, &len));
	assert_int_equal(len, 0);
}

/* VM v received frame (len bytes) in its next receive buffer, with
 * virtio-net's receive header. */
static void assert_received(struct vm *v, const uint8_t *frame, uint32_t len)
{
	uint8_t hdr[HDR] = { 0 };
	uint32_t id, used_len;
	uint8_t *buf;

	assert_true(drv_take_used(&v->rx, &id, &used_len));
	assert_int_equal(used_len, HDR + len);
	buf = fake_ptr(&v->g, RX_BUF(id) + SMALL_PAD, HDR + len);
	le16_put(hdr + 10, 1);
	assert_memory_equal(buf, hdr, HDR);
	assert_memory_equal(buf + HDR, frame, len);
}

static void assert_nothing_received(struct vm *v)
{
	uint32_t id, len;

	assert_false(drv_take_used(&v->rx, &id, &len));
}

/* The device failed: NEEDS_RESET and the configuration interrupt. */
static void assert_failed(struct vm *v)
{
	assert_false(virtio_mmio_live(&v->net.mmio));
	assert_true(rd(v, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(rd(v, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
}

/* from sends a unicast frame to, which receives it. */
static void assert_path_works(unsigned int from, unsigned int to)
{
	uint8_t dst[ETH_ALEN], f[200];

	mac_of(to, dst);
	make_frame(f, sizeof(f), from, dst, from * 7 + to);
	send(&vms[from], f, sizeof(f));
	assert_tx_done(&vms[from]);
	assert_received(&vms[to], f, sizeof(f));
}

static void test_probe_identity_and_config(void **state)
{
	struct vm *v = &vms[0];
	uint64_t features;

	assert_int_equal(rd(v, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(v, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(v, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	wr(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)rd(v, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= rd(v, VIRTIO_MMIO_DEVICE_FEATURES);
	assert_int_equal(features, 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_NET_F_MAC |
				   1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_MTU);
	wr(v, VIRTIO_MMIO_QUEUE_SEL, 2);                /* no control queue */
	assert_int_equal(rd(v, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(cfg(v, 0, 4), 0x12005452);      /* mac, as wider loads too */
	assert_int_equal(cfg(v, 4, 2), 0x1034);
	assert_int_equal(cfg(v, 8, 2), 1);              /* max_virtqueue_pairs */
	assert_int_equal(cfg(v, 10, 2), 1500);
	assert_int_equal(cfg(v, 8, 4), 1500u << 16 | 1);
	assert_int_equal(v->net.mmio.count.bad_access, 0);
	virtio_mmio_write(&v->net.mmio, VIRTIO_MMIO_CONFIG, 1, 0xff);    /* read-only */
	assert_int_equal(cfg(v, 0, 1), 0x52);
	assert_int_equal(cfg(v, 12, 1), 0);                              /* past the config */
	assert_int_equal(v->net.mmio.count.bad_access, 2);
	assert_int_equal(virtio_net_max_frame(&v->net), 1518);
}

static void test_init_refuses_bad_params(void **state)
{
	struct virtio_net_params p = { .mac = { 0x52, 0, 0, 0, 0, 1 }, .mtu = 1500 };
	struct net_port port = net_switch_uplink(&sw, 0);
	struct virtio_net *net = malloc(sizeof(*net));

	assert_non_null(net);
	assert_true(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	p.mac[0] = 0x01;                                        /* multicast */
	assert_false(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	memset(p.mac, 0, ETH_ALEN);
	assert_false(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	p.mac[5] = 1;
	p.mtu = VIRTIO_NET_MIN_MTU - 1;
	assert_false(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	p.mtu = VIRTIO_NET_MAX_MTU + 1;
	assert_false(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	p.mtu = VIRTIO_NET_MAX_MTU;
	assert_true(virtio_net_init(net, &p, &vms[0].g.mem, &port, NULL));
	free(net);
}

/* A frame from VM 0 arrives in VM 1's receive buffer byte for byte; the
 * others see nothing; both sides interrupt and count. */
static void test_unicast(void **state)
{
	uint8_t dst[ETH_ALEN], f[1514];

	mac_of(1, dst);
	make_frame(f, sizeof(f), 0, dst, 1);
	send(&vms[0], f, sizeof(f));
	assert_tx_done(&vms[0]);
	assert_received(&vms[1], f, sizeof(f));
	assert_nothing_received(&vms[2]);
	assert_nothing_received(&vms[3]);
	assert_nothing_received(&vms[0]);
	assert_int_equal(rd(&vms[0], VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	assert_int_equal(rd(&vms[1], VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	assert_false(virtio_mmio_irq(&vms[2].net.mmio));
	assert_int_equal(vms[0].net.count.tx_packets, 1);
	assert_int_equal(vms[0].net.count.tx_bytes, 1514);
	assert_int_equal(vms[1].net.count.rx_packets, 1);
	assert_int_equal(vms[1].net.count.rx_bytes, 1514);
	assert_int_equal(vms[1].net.count.rx_copied_bytes, 1514);
	assert_int_equal(sw.port[0].count.sent, 1);
	assert_int_equal(sw.port[1].count.offered[NET_RX_DELIVERED], 1);
	/* and back, with the interrupt suppressed by the driver */
	drv_set_avail_flags(&vms[0].rx, VIRTQ_AVAIL_F_NO_INTERRUPT);
	wr(&vms[0], VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_path_works(1, 0);
	assert_false(virtio_mmio_irq(&vms[0].net.mmio));
}

/* The header and frame in any descriptor layout (VERSION_1): a header
 * descriptor and pieces, the header itself split, several in a notify. */
static void test_transmit_layouts(void **state)
{
	uint8_t dst[ETH_ALEN], f[1000];
	uint16_t head = 0;

	mac_of(2, dst);
	make_frame(f, sizeof(f), 0, dst, 2);
	assert_int_equal(send_at(&vms[0], TX_BUF(0), f, sizeof(f), 300), 5);
	assert_tx_done(&vms[0]);
	assert_received(&vms[2], f, sizeof(f));
	/* the header in two halves, the frame's first 3 bytes with it */
	memset(fake_ptr(&vms[0].g, TX_BUF(1), HDR), 0, HDR);
	memcpy(fake_ptr(&vms[0].g, TX_BUF(1) + HDR, sizeof(f)), f, sizeof(f));
	head = (uint16_t)(vms[0].tx.avail_idx * 5 % QSIZE);
	drv_desc(&vms[0].tx, head, TX_BUF(1), 6, VIRTQ_DESC_F_NEXT, (head + 1) % QSIZE);
	drv_desc(&vms[0].tx, (head + 1) % QSIZE, TX_BUF(1) + 6, 9, VIRTQ_DESC_F_NEXT, (head + 2) % QSIZE);
	drv_desc(&vms[0].tx, (head + 2) % QSIZE, TX_BUF(1) + 15, sizeof(f) - 3, 0, 0);
	drv_publish(&vms[0].tx, head);
	/* a second frame in the same notify */
	f[100] ^= 0xff;
	memset(fake_ptr(&vms[0].g, TX_BUF(2), HDR), 0, HDR);
	memcpy(fake_ptr(&vms[0].g, TX_BUF(2) + HDR, sizeof(f)), f, sizeof(f));
	drv_desc(&vms[0].tx, (head + 3) % QSIZE, TX_BUF(2), HDR + sizeof(f), 0, 0);
	drv_publish(&vms[0].tx, (head + 3) % QSIZE);
	wr(&vms[0], VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
	assert_tx_done(&vms[0]);
	assert_tx_done(&vms[0]);
	f[100] ^= 0xff;
	assert_received(&vms[2], f, sizeof(f));
	f[100] ^= 0xff;
	assert_received(&vms[2], f, sizeof(f));
	assert_int_equal(vms[0].net.mmio.count.notifies, 3);     /* and setup's receive one */
	assert_int_equal(vms[0].net.count.tx_packets, 3);
}

/* An ARP request to ff:ff:ff:ff:ff:ff and an IPv4 multicast frame reach
 * the three other VMs, not the sender. */
static void test_broadcast(void **state)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	uint8_t arp[42], m[300];

	make_frame(arp, sizeof(arp), 3, bcast, 0);
	arp[12] = 0x08;
	arp[13] = 0x06;
	send(&vms[3], arp, sizeof(arp));
	assert_tx_done(&vms[3]);
	for (unsigned int i = 0; i < 3; i++)
		assert_received(&vms[i], arp, sizeof(arp));
	assert_nothing_received(&vms[3]);
	make_frame(m, sizeof(m), 1, mcast, 5);
	send(&vms[1], m, sizeof(m));
	assert_received(&vms[0], m, sizeof(m));
	assert_received(&vms[2], m, sizeof(m));
	assert_received(&vms[3], m, sizeof(m));
	assert_nothing_received(&vms[1]);
	assert_int_equal(vms[3].net.count.tx_packets, 1);
	assert_int_equal(vms[0].net.count.rx_packets, 2);
}

/* No receive buffer: the frame is dropped and counted, the device lives,
 * and the next frame after a buffer is posted arrives. */
static void test_no_rx_buffer(void **state)
{
	uint8_t dst[ETH_ALEN], f[100];

	for (unsigned int k = 0; k < 8; k++)
		assert_path_works(0, 1);                /* uses up VM 1's 8 buffers */
	mac_of(1, dst);
	make_frame(f, sizeof(f), 0, dst, 9);
	send(&vms[0], f, sizeof(f));
	assert_tx_done(&vms[0]);
	assert_nothing_received(&vms[1]);
	assert_int_equal(vms[1].net.count.rx_dropped_no_buffer, 1);
	assert_int_equal(sw.port[1].count.offered[NET_RX_NO_BUFFER], 1);
	assert_true(virtio_mmio_live(&vms[1].net.mmio));
	post_small(&vms[1], 1);
	assert_path_works(0, 1);
	assert_int_equal(vms[1].net.count.rx_packets, 9);
}

/* A device the driver has not set up (or reset), or whose link is down,
 * takes no frames; the link change is a configuration interrupt. */
static void test_not_ready_and_link(void **state)
{
	uint8_t dst[ETH_ALEN], f[100];

	wr(&vms[1], VIRTIO_MMIO_STATUS, 0);
	mac_of(1, dst);
	make_frame(f, sizeof(f), 0, dst, 0);
	send(&vms[0], f, sizeof(f));
	assert_tx_done(&vms[0]);
	assert_int_equal(vms[1].net.count.rx_dropped_not_ready, 1);
	assert_int_equal(sw.port[1].count.offered[NET_RX_NOT_READY], 1);
	linux_probe(&vms[1]);
	post_small(&vms[1], 2);
	assert_path_works(0, 1);
	/* link down */
	wr(&vms[1], VIRTIO_MMIO_INTERRUPT_ACK, 3);
	virtio_net_set_link(&vms[1].net, false);
	assert_int_equal(rd(&vms[1], VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(cfg(&vms[1], 6, 2), 0);
	send(&vms[0], f, sizeof(f));
	assert_tx_done(&vms[0]);
	assert_nothing_received(&vms[1]);
	assert_int_equal(vms[1].net.count.rx_dropped_not_ready, 2);
	send(&vms[1], f, sizeof(f));                    /* its own frames go nowhere */
	assert_tx_done(&vms[1]);
	assert_int_equal(vms[1].net.count.tx_dropped_link_down, 1);
	virtio_net_set_link(&vms[1].net, true);
	assert_int_equal(cfg(&vms[1], 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_path_works(0, 1);
	assert_path_works(1, 0);
}

/* Frame lengths and headers the device refuses: dropped, counted, the
 * chain given back, the device alive. */
static void test_transmit_checks(void **state)
{
	uint8_t dst[ETH_ALEN], f[1600];
	const uint32_t bad_len[] = { 0, 1, 13, 1519, 1600 };
	uint8_t *hdr;

	mac_of(1, dst);
	make_frame(f, sizeof(f), 0, dst, 3);
	for (unsigned int i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		send(&vms[0], f, bad_len[i]);
		assert_tx_done(&vms[0]);
	}
	assert_int_equal(vms[0].net.count.tx_dropped_length, 5);
	send(&vms[0], f, ETH_HLEN);                     /* the shortest frame */
	assert_tx_done(&vms[0]);
	assert_received(&vms[1], f, ETH_HLEN);
	send(&vms[0], f, 1518);                         /* 1500 + Ethernet + a VLAN tag */
	assert_tx_done(&vms[0]);
	assert_received(&vms[1], f, 1518);
	/* NEEDS_CSUM and a GSO type: no offload was offered */
	for (unsigned int k = 0; k < 2; k++) {
		uint64_t gpa = TX_BUF(vms[0].tx.avail_idx % QSIZE);
		uint16_t head = (uint16_t)(vms[0].tx.avail_idx * 5 % QSIZE);

		hdr = fake_ptr(&vms[0].g, gpa, HDR + 100);
		memset(hdr, 0, HDR);
		hdr[k] = 1;
		memcpy(hdr + HDR, f, 100);
		drv_desc(&vms[0].tx, head, gpa, HDR + 100, 0, 0);
		drv_publish(&vms[0].tx, head);
		wr(&vms[0], VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
		assert_tx_done(&vms[0]);
	}
	assert_int_equal(vms[0].net.count.tx_dropped_header, 2);
	assert_nothing_received(&vms[1]);
	assert_int_equal(vms[0].net.count.tx_packets, 2);
	assert_true(virtio_mmio_live(&vms[0].net.mmio));
}

/* A receive buffer too short for the frame (but not for the header) is
 * given back empty, as Linux's short-packet path expects. */
static void test_rx_buffer_too_short(void **state)
{
	uint8_t dst[ETH_ALEN], f[200];
	struct vm *v = &vms[2];
	uint32_t id, len;

	linux_probe(v);
	drv_desc(&v->rx, 0, RX_BUF(0), HDR + 100, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&v->rx, 0);
	mac_of(2, dst);
	make_frame(f, sizeof(f), 0, dst, 0);
	send(&vms[0], f, sizeof(f));
	assert_true(drv_take_used(&v->rx, &id, &len));
	assert_int_equal(len, 0);
	assert_int_equal(v->net.count.rx_dropped_too_long, 1);
	assert_int_equal(sw.port[2].count.offered[NET_RX_TOO_LONG], 1);
	assert_true(virtio_mmio_live(&v->net.mmio));
	/* exactly header + frame fits */
	drv_desc(&v->rx, 1, RX_BUF(1) + SMALL_PAD, HDR + sizeof(f), VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&v->rx, 1);
	send(&vms[0], f, sizeof(f));
	assert_received(v, f, sizeof(f));
}

/* A malformed transmit chain fails that device alone; its reset brings it
 * back. Each case: the descriptors, then what is counted. */
static void test_malformed_transmit(void **state)
{
	struct vm *v = &vms[0];

	for (unsigned int c = 0; c < 6; c++) {
		uint64_t buf = TX_BUF(0);

		memset(fake_ptr(&v->g, buf, 64), 0, 64);
		switch (c) {
		case 0:         /* a device-writable transmit buffer */
			drv_desc(&v->tx, 0, buf, 64, VIRTQ_DESC_F_WRITE, 0);
			break;
		case 1:         /* readable then writable */
			drv_desc(&v->tx, 0, buf, 40, VIRTQ_DESC_F_NEXT, 1);
			drv_desc(&v->tx, 1, buf + 40, 24, VIRTQ_DESC_F_WRITE, 0);
			break;
		case 2:         /* shorter than the header */
			drv_desc(&v->tx, 0, buf, HDR - 1, 0, 0);
			break;
		case 3:         /* outside the VM's RAM */
			drv_desc(&v->tx, 0, FAKE_RAM_BASE + FAKE_RAM_SIZE - 20, 64, 0, 0);
			break;
		case 4:         /* zero length */
			drv_desc(&v->tx, 0, buf, 0, 0, 0);
			break;
		case 5:         /* a loop */
			drv_desc(&v->tx, 0, buf, 32, VIRTQ_DESC_F_NEXT, 1);
			drv_desc(&v->tx, 1, buf + 32, 32, VIRTQ_DESC_F_NEXT, 0);
			break;
		}
		drv_publish(&v->tx, 0);
		wr(v, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
		assert_failed(v);
		assert_int_equal(drv_used_idx(&v->tx), v->tx.used_seen);      /* nothing used */
		assert_path_works(1, 2);                /* the others go on */
		assert_path_works(3, 1);
		linux_probe(v);
		post_small(v, 4);
		assert_path_works(0, 3);
		assert_path_works(2, 0);
	}
	assert_int_equal(v->net.count.malformed, 3);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_MEMORY], 1);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_ZERO_LEN], 1);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_LOOP], 1);
	assert_int_equal(v->net.mmio.count.device_errors, 6);
	assert_int_equal(v->net.count.tx_packets, 6);
}

/* A malformed receive chain fails the receiving device alone; the sender
 * carries on; the failed device takes nothing more until reset. */
static void test_malformed_receive(void **state)
{
	struct vm *v = &vms[1];
	uint8_t dst[ETH_ALEN], f[100];

	mac_of(1, dst);
	make_frame(f, sizeof(f), 0, dst, 0);
	for (unsigned int c = 0; c < 6; c++) {
		linux_probe(v);
		switch (c) {
		case 0:         /* too short for the header */
			drv_desc(&v->rx, 0, RX_BUF(0), HDR - 4, VIRTQ_DESC_F_WRITE, 0);
			break;
		case 1:         /* device-readable */
			drv_desc(&v->rx, 0, RX_BUF(0), 2048, 0, 0);
			break;
		case 2:         /* outside the VM's RAM */
			drv_desc(&v->rx, 0, FAKE_RAM_BASE + FAKE_RAM_SIZE - 64, 2048,
				 VIRTQ_DESC_F_WRITE, 0);
			break;
		case 3:         /* zero length */
			drv_desc(&v->rx, 0, RX_BUF(0), 0, VIRTQ_DESC_F_WRITE, 0);
			break;
		case 4:         /* a loop */
			drv_desc(&v->rx, 0, RX_BUF(0), 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
			drv_desc(&v->rx, 1, RX_BUF(0) + 8, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
			break;
		case 5:         /* a head past the queue */
			break;
		}
		if (c == 5) {
			le16_put(fake_ptr(&v->g, DRV_AVAIL + 4, 2), QSIZE + 3);
			drv_set_avail_idx(&v->rx, 1);
		} else {
			drv_publish(&v->rx, 0);
		}
		send(&vms[0], f, sizeof(f));
		assert_tx_done(&vms[0]);
		assert_true(virtio_mmio_live(&vms[0].net.mmio));
		assert_failed(v);
		assert_int_equal(drv_used_idx(&v->rx), 0);
		assert_int_equal(sw.port[1].count.offered[NET_RX_FAILED], c + 1);
		send(&vms[0], f, sizeof(f));            /* a failed device takes nothing */
		assert_int_equal(sw.port[1].count.offered[NET_RX_NOT_READY], c + 1);
		assert_path_works(2, 3);
	}
	assert_int_equal(v->net.count.malformed, 2);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_MEMORY], 1);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_ZERO_LEN], 1);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_LOOP], 1);
	assert_int_equal(v->net.mmio.count.vq_errors[VQ_ERR_HEAD], 1);
	linux_probe(v);
	post_small(v, 1);
	assert_path_works(0, 1);
}

/* Posts Linux's big-packet receive chain (MTU > 1500) in VM v at the
 * page-aligned page: a 12-byte header, the rest of that page from offset
 * 32, then npages whole pages. */
static void post_big(struct vm *v, uint64_t page, unsigned int npages)
{
	uint16_t w = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT;

	drv_desc(&v->rx, 0, page, HDR, w, 1);
	drv_desc(&v->rx, 1, page + BIG_OFFSET, PAGE - BIG_OFFSET, npages ? w : VIRTQ_DESC_F_WRITE, 2);
	for (unsigned int i = 0; i < npages; i++)
		drv_desc(&v->rx, (uint16_t)(2 + i), page + PAGE * (i + 1), PAGE,
			 i + 1 < npages ? w : VIRTQ_DESC_F_WRITE, (uint16_t)(3 + i));
	drv_publish(&v->rx, 0);
}

/* The big chain at page holds header + frame. */
static void assert_big_received(struct vm *v, uint64_t page, const uint8_t *f, uint32_t len)
{
	uint32_t id, used_len, first = PAGE - BIG_OFFSET;

	assert_true(drv_take_used(&v->rx, &id, &used_len));
	assert_int_equal(used_len, HDR + len);
	assert_int_equal(le16_get(fake_ptr(&v->g, page + 10, 2)), 1);
	assert_memory_equal(fake_ptr(&v->g, page + BIG_OFFSET, first), f, first);
	assert_memory_equal(fake_ptr(&v->g, page + PAGE, len - first), f + first, len - first);
}

/* Big-packet buffers and a sender whose frame has a page boundary at the
 * frame offset where the receiver's first whole page starts (4064): that
 * page is remapped, the rest copied; refused, everything is copied. */
static void test_remap_whole_pages(void **state)
{
	enum { len = 9000 + ETH_HLEN };
	static uint8_t f[len];
	const uint64_t rx_page = PAGES, tx_at = PAGES + 8 * PAGE + BIG_OFFSET;
	uint8_t dst[ETH_ALEN];

	teardown(state);
	make_subnet(9000, true);
	mac_of(1, dst);
	make_frame(f, len, 0, dst, 4);
	post_big(&vms[1], rx_page, 3);
	/* the frame at page offset 32 at the sender too, so that its offset
	 * 4064 is page-aligned there as well */
	send_at(&vms[0], tx_at - HDR, f, len, 0);
	assert_tx_done(&vms[0]);
	assert_big_received(&vms[1], rx_page, f, len);
	assert_int_equal(remap.calls, 1);
	assert_int_equal(remap.src, PAGES + 9 * PAGE);
	assert_int_equal(remap.dst, rx_page + PAGE);
	assert_int_equal(vms[1].net.count.rx_remapped_pages, 1);
	assert_int_equal(vms[1].net.count.rx_copied_bytes, len - PAGE);
	/* the monitor refuses: copied */
	remap.refuse = 1;
	memset(fake_ptr(&vms[1].g, rx_page, 4 * PAGE), 0, 4 * PAGE);
	post_big(&vms[1], rx_page, 3);
	send_at(&vms[0], tx_at - HDR, f, len, 0);
	assert_big_received(&vms[1], rx_page, f, len);
	assert_int_equal(remap.calls, 2);
	assert_int_equal(vms[1].net.count.rx_remap_refused, 1);
	assert_int_equal(vms[1].net.count.rx_copied_bytes, 2 * len - PAGE);
	/* the sender's frame one byte off alignment: nothing to remap */
	memset(fake_ptr(&vms[1].g, rx_page, 4 * PAGE), 0, 4 * PAGE);
	post_big(&vms[1], rx_page, 3);
	send_at(&vms[0], tx_at - HDR + 1, f, len, 0);
	assert_big_received(&vms[1], rx_page, f, len);
	assert_int_equal(remap.calls, 2);
}

/* A page holding the Ethernet header is never remapped (the switch
 * checked the MACs in the device's copy); the next page is. */
static void test_remap_not_the_header(void **state)
{
	enum { len = 2 * PAGE + 100 };
	static uint8_t f[len];
	struct vm *v;
	uint8_t dst[ETH_ALEN];
	uint16_t w = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT;
	uint32_t id, used_len;

	teardown(state);
	make_subnet(9000, true);
	v = &vms[1];
	mac_of(1, dst);
	make_frame(f, len, 0, dst, 6);
	/* receiver: header alone, then three whole pages */
	drv_desc(&v->rx, 0, PAGES - 64, HDR, w, 1);
	for (uint16_t i = 0; i < 3; i++)
		drv_desc(&v->rx, 1 + i, PAGES + PAGE * i, PAGE, i < 2 ? w : VIRTQ_DESC_F_WRITE, 2 + i);
	drv_publish(&v->rx, 0);
	/* sender: header descriptor, then the frame from a page boundary */
	memset(fake_ptr(&vms[0].g, PAGES - 64, HDR), 0, HDR);
	memcpy(fake_ptr(&vms[0].g, PAGES + 4 * PAGE, len), f, len);
	drv_desc(&vms[0].tx, 0, PAGES - 64, HDR, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&vms[0].tx, 1, PAGES + 4 * PAGE, len, 0, 0);
	drv_publish(&vms[0].tx, 0);
	wr(&vms[0], VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
	assert_true(drv_take_used(&v->rx, &id, &used_len));
	assert_int_equal(used_len, HDR + len);
	assert_memory_equal(fake_ptr(&v->g, PAGES, len), f, len);
	assert_int_equal(remap.calls, 1);
	assert_int_equal(remap.src, PAGES + 5 * PAGE);
	assert_int_equal(remap.dst, PAGES + PAGE);
	assert_int_equal(v->net.count.rx_copied_bytes, len - PAGE);
}

/* Linux's own layouts never meet the remap rule: small buffers (MTU 1500)
 * hold no whole page, and a linear skb's frame starts 18 bytes into its
 * head (LL_RESERVED_SPACE 32 less ETH_HLEN), so its page boundaries fall
 * at frame offsets 4078 + k * 4096, never at the big chain's 4064. */
static void test_remap_never_with_linux_layouts(void **state)
{
	enum { len = 9000 + ETH_HLEN };
	static uint8_t f[len];
	uint8_t dst[ETH_ALEN];

	teardown(state);
	make_subnet(1500, true);
	for (unsigned int k = 0; k < 8; k++) {
		post_small(&vms[1], 1);
		assert_path_works(0, 1);
	}
	assert_int_equal(remap.calls, 0);
	teardown(state);
	make_subnet(9000, true);
	mac_of(1, dst);
	make_frame(f, len, 0, dst, 8);
	post_big(&vms[1], PAGES, 3);
	send_at(&vms[0], PAGES + 8 * PAGE + 18 - HDR, f, len, 0);
	assert_big_received(&vms[1], PAGES, f, len);
	assert_int_equal(remap.calls, 0);
	assert_int_equal(vms[1].net.count.rx_remapped_pages, 0);
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

/* Random descriptors in a queue's table, mostly near the VM's RAM, mostly
 * readable for transmitting (frames) and writable for receiving. */
static void scramble(struct vm *v, struct drv_queue *q, bool frames)
{
	for (uint16_t i = 0; i < QSIZE; i++) {
		uint64_t gpa = rng() % 8 ? FAKE_RAM_BASE + 0x8000 + rng() % 0x3a000 : rng();
		uint32_t len = rng() % 4 ? (uint32_t)(rng() % (frames ? 2048 : 4096)) : (uint32_t)rng();
		bool writable = frames ? rng() % 16 == 0 : rng() % 16 != 0;
		uint16_t flags = (uint16_t)(rng() % 3 == 0) | (uint16_t)writable << 1;

		if (frames && gpa > FAKE_RAM_BASE && gpa + 32 < FAKE_RAM_BASE + FAKE_RAM_SIZE &&
		    rng() % 2) {    /* a plausible header and destination */
			uint8_t *p = fake_ptr(&v->g, gpa, 32);

			memset(p, 0, HDR);
			mac_of((unsigned int)(rng() % NVMS), p + HDR);
			if (rng() % 4 == 0)
				memset(p + HDR, 0xff, ETH_ALEN);
			mac_of(0, p + HDR + ETH_ALEN);
		}
		drv_desc(q, i, gpa, len, flags, (uint16_t)(rng() % (QSIZE + 1)));
	}
	for (unsigned int n = rng() % 4; n; n--)
		drv_publish(q, (uint16_t)(rng() % 8 ? rng() % QSIZE : rng()));
	if (rng() % 16 == 0)
		drv_set_avail_idx(q, (uint16_t)rng());
}

/* Garbage transmit rings in VM 0 and receive rings in VM 1: nothing
 * crashes (ASan and UBSan watch), errors fail only their own device, and
 * VMs 2 and 3, which get some of VM 0's frames, never fail. */
static void test_fuzz(void **state)
{
	unsigned int sent = 0, delivered = 0, failed0 = 0, failed1 = 0;

	rng_state = 0x2545f4914f6cdd1dull;
	for (unsigned int iter = 0; iter < 5000; iter++) {
		struct vm *a = &vms[0], *b = &vms[1];

		if (!virtio_mmio_live(&a->net.mmio) || rng() % 8 == 0) {
			failed0 += !virtio_mmio_live(&a->net.mmio);
			linux_probe(a);
		}
		if (!virtio_mmio_live(&b->net.mmio) || rng() % 8 == 0) {
			failed1 += !virtio_mmio_live(&b->net.mmio);
			linux_probe(b);
		}
		scramble(b, &b->rx, false);
		scramble(a, &a->tx, true);
		wr(a, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
		if (rng() % 4 == 0)
			wr(b, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TX);
	}
	sent = (unsigned int)vms[0].net.count.tx_packets;
	delivered = (unsigned int)vms[1].net.count.rx_packets;
	print_message("fuzz: %u sent, %u delivered to VM 1, %u no buffer, %u too long; "
		      "devices failed: VM 0 %u, VM 1 %u\n", sent, delivered,
		      (unsigned int)vms[1].net.count.rx_dropped_no_buffer,
		      (unsigned int)vms[1].net.count.rx_dropped_too_long, failed0, failed1);
	assert_true(sent > 100);
	assert_true(delivered > 20);
	assert_true(failed0 > 100 && failed1 > 100);
	/* each device error was counted once, as malformed or by the queue */
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t sum = vms[i].net.count.malformed;

		print_message("fuzz: VM %u: malformed %u", i, (unsigned int)vms[i].net.count.malformed);
		for (int s = 0; s < VQ_NR_STATUS; s++) {
			sum += vms[i].net.mmio.count.vq_errors[s];
			if (vms[i].net.mmio.count.vq_errors[s])
				print_message(" %s %u", vq_status_name(s),
					      (unsigned int)vms[i].net.mmio.count.vq_errors[s]);
		}
		print_message("\n");
		assert_int_equal(sum, vms[i].net.mmio.count.device_errors);
		assert_true(vms[i].net.count.malformed > 0);
		assert_true(vms[i].net.mmio.count.vq_errors[VQ_ERR_MEMORY] > 0);
	}
	/* VMs 2 and 3 got only well-formed frames and still work */
	for (unsigned int i = 2; i < NVMS; i++) {
		assert_int_equal(vms[i].net.mmio.count.device_errors, 0);
		assert_true(virtio_mmio_live(&vms[i].net.mmio));
	}
	linux_probe(&vms[2]);
	linux_probe(&vms[3]);
	post_small(&vms[2], 2);
	post_small(&vms[3], 2);
	assert_path_works(2, 3);
	assert_path_works(3, 2);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_probe_identity_and_config),
		T(test_init_refuses_bad_params),
		T(test_unicast),
		T(test_transmit_layouts),
		T(test_broadcast),
		T(test_no_rx_buffer),
		T(test_not_ready_and_link),
		T(test_transmit_checks),
		T(test_rx_buffer_too_short),
		T(test_malformed_transmit),
		T(test_malformed_receive),
		T(test_remap_whole_pages),
		T(test_remap_not_the_header),
		T(test_remap_never_with_linux_layouts),
		T(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
