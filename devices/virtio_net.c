/*
 * The virtio-net device model (see virtio_net.h). Header layout from
 * virtio 1.2, 5.1.6 (struct virtio_net_hdr_v1: u8 flags, u8 gso_type, le16
 * hdr_len, gso_size, csum_start, csum_offset, num_buffers); the buffer
 * layouts it must take are Linux 6.1's drivers/net/virtio_net.c: xmit_skb
 * (header and frame in one descriptor, or a header descriptor and the
 * frame's pieces), add_recvbuf_small (one 1530-byte descriptor per frame)
 * and add_recvbuf_big (a 12-byte header descriptor, the rest of its page
 * from offset 32, then whole pages). No framing is assumed beyond that.
 */
#include "devices/virtio_net.h"
#include "devices/le.h"
#include "monitor/string.h"

#define HDR_FLAGS       0
#define HDR_GSO_TYPE    1
#define HDR_NUM_BUFFERS 10
#define PAGE            VIRTIO_NET_PAGE_SIZE

/* A position in a run of segments, for moving bytes in order. */
struct cursor {
	const struct vq_seg *seg;
	unsigned int nsegs;
	uint32_t off;           /* into seg[0] */
};

static struct virtio_net *net_of(void *dev)
{
	return dev;
}

/* Moves cur on by n bytes, n at most what is left of its segment. */
static void advance(struct cursor *cur, uint32_t n)
{
	cur->off += n;
	if (cur->off == cur->seg->len && cur->nsegs > 1) {
		cur->seg++;
		cur->nsegs--;
		cur->off = 0;
	}
}

/* Moves len bytes between buf and the guest at cur (to_guest: into the
 * guest), advancing cur; the caller knows the segments hold them. False
 * if a guest memory access failed. */
static bool cursor_copy(const struct vq_mem *mem, struct cursor *cur, uint8_t *buf, uint32_t len,
			bool to_guest)
{
	while (len) {
		uint32_t n = cur->seg->len - cur->off;
		uint64_t gpa = cur->seg->gpa + cur->off;
		bool ok;

		if (n > len)
			n = len;
		ok = to_guest ? mem->write(mem->ctx, gpa, buf, n) : mem->read(mem->ctx, gpa, buf, n);
		if (!ok)
			return false;
		buf += n;
		len -= n;
		advance(cur, n);
	}
	return true;
}

uint32_t virtio_net_max_frame(const struct virtio_net *net)
{
	return (uint32_t)net->mtu + ETH_HLEN + VLAN_HLEN;
}

/* The chain failed the device (not the queue's fault: its shape). */
static void malformed(struct virtio_net *net)
{
	net->count.malformed++;
	virtio_mmio_fail(&net->mmio);
}

/* Reads a transmitted chain's header and frame; false if the frame is
 * dropped (counted) or the device failed (*failed). */
static bool tx_read(struct virtio_net *net, const struct vq_chain *chain, uint32_t *len,
		    bool *failed)
{
	struct cursor cur = { net->tx_segs, chain->nsegs, 0 };
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	uint32_t n = chain->readable_len - VIRTIO_NET_HDR_SIZE;

	if (!cursor_copy(net->mem, &cur, hdr, sizeof(hdr), false)) {
		virtio_mmio_vq_failed(&net->mmio, VQ_ERR_MEMORY);
		*failed = true;
		return false;
	}
	if (n < ETH_HLEN || n > virtio_net_max_frame(net)) {
		net->count.tx_dropped_length++;
		return false;
	}
	if (hdr[HDR_FLAGS] || hdr[HDR_GSO_TYPE]) {
		net->count.tx_dropped_header++;
		return false;
	}
	if (!cursor_copy(net->mem, &cur, net->frame, n, false)) {
		virtio_mmio_vq_failed(&net->mmio, VQ_ERR_MEMORY);
		*failed = true;
		return false;
	}
	*len = n;
	return true;
}

/* One transmitted chain: its frame to the port (or dropped), the chain
 * given back. False if the device failed. */
static bool tx_one(struct virtio_net *net, struct virtqueue *vq, const struct vq_chain *chain)
{
	bool failed = false;
	uint32_t len;
	enum vq_status s;

	if (chain->nreadable != chain->nsegs || chain->readable_len < VIRTIO_NET_HDR_SIZE) {
		malformed(net);
		return false;
	}
	if (!net->link_up) {
		net->count.tx_dropped_link_down++;
	} else if (tx_read(net, chain, &len, &failed)) {
		struct net_frame f = {
			.data = net->frame, .len = len, .src_vm = net->vm,
			.src_segs = net->tx_segs, .src_nsegs = chain->nsegs,
			.src_skip = VIRTIO_NET_HDR_SIZE,
		};

		net->count.tx_packets++;
		net->count.tx_bytes += len;
		net->port.transmit(net->port.ctx, &f);
	}
	if (failed)
		return false;
	s = vq_push(vq, chain->head, 0);
	if (s != VQ_OK) {
		virtio_mmio_vq_failed(&net->mmio, s);
		return false;
	}
	return true;
}

/* One frame virtio_mmio_serve took (virtio_mmio_serve_fn). */
static enum virtio_served serve_frame(void *dev, struct virtqueue *vq,
				      const struct vq_chain *chain)
{
	return tx_one(dev, vq, chain) ? VIRTIO_SERVED_MORE : VIRTIO_SERVE_FAILED;
}

/* The driver notified the transmit queue: send what is there (a queue's
 * worth of frames of at most the MTU each: no budget). */
static void tx_notify(struct virtio_net *net)
{
	virtio_mmio_serve(&net->mmio, VIRTIO_NET_TX, net->tx_segs, VIRTIO_NET_MAX_SEGS,
			  serve_frame, net);
}

static bool net_notify(void *dev, unsigned int queue)
{
	/* A receive notify only says buffers were added: frames are not held
	 * back waiting for them (one that found none was dropped). */
	if (queue == VIRTIO_NET_TX)
		tx_notify(net_of(dev));
	return true;
}

/* Frame byte off in the sender's memory: its guest-physical address and
 * how many bytes follow it in the same segment. False if it is nowhere. */
static bool src_locate(const struct net_frame *f, uint32_t off, uint64_t *gpa, uint32_t *contig)
{
	uint64_t pos = (uint64_t)f->src_skip + off;

	for (unsigned int i = 0; i < f->src_nsegs; i++) {
		if (pos < f->src_segs[i].len) {
			*gpa = f->src_segs[i].gpa + pos;
			*contig = f->src_segs[i].len - (uint32_t)pos;
			return true;
		}
		pos -= f->src_segs[i].len;
	}
	return false;
}

static bool can_remap(const struct virtio_net *net, const struct net_frame *f)
{
	return net->remap.remap_page && f->src_segs;
}

/* Whether the page of the frame from offset off, going to guest-physical
 * dst with room bytes left in its segment, may be remapped: a whole page,
 * past the Ethernet header (which the switch checked in the copy), page-
 * aligned and in one segment on both sides. Its source in *src. */
static bool remap_candidate(const struct virtio_net *net, const struct net_frame *f, uint32_t off,
			    uint64_t dst, uint32_t room, uint64_t *src)
{
	uint32_t contig;

	if (!can_remap(net, f) || off < ETH_HLEN || f->len - off < PAGE || dst % PAGE ||
	    room < PAGE)
		return false;
	return src_locate(f, off, src, &contig) && !(*src % PAGE) && contig >= PAGE;
}

/* Writes the frame into the receive buffers at cur, remapping the pages
 * it can. False if a guest memory access failed. */
static bool rx_put_frame(struct virtio_net *net, struct cursor *cur, const struct net_frame *f)
{
	uint32_t off = 0;

	while (off < f->len) {
		uint64_t dst = cur->seg->gpa + cur->off, src;
		uint32_t room = cur->seg->len - cur->off;
		uint32_t n = room < f->len - off ? room : f->len - off;

		if (remap_candidate(net, f, off, dst, room, &src)) {
			if (net->remap.remap_page(net->remap.ctx, f->src_vm, src, dst)) {
				net->count.rx_remapped_pages++;
				advance(cur, PAGE);
				off += PAGE;
				continue;
			}
			net->count.rx_remap_refused++;
			n = PAGE;
		} else if (can_remap(net, f) && n > PAGE - dst % PAGE) {
			n = PAGE - dst % PAGE;  /* the next page might be remapped */
		}
		if (!net->mem->write(net->mem->ctx, dst, f->data + off, n))
			return false;
		net->count.rx_copied_bytes += n;
		advance(cur, n);
		off += n;
	}
	return true;
}

/* The header of a received frame: no offload, one buffer. */
static void rx_header(uint8_t *hdr)
{
	memset(hdr, 0, VIRTIO_NET_HDR_SIZE);
	le16_put(hdr + HDR_NUM_BUFFERS, 1);     /* virtio 1.2, 5.1.6.4.1: 1 without MRG_RXBUF */
}

/* Fills the receive chain just popped; the result. */
static enum net_rx_result rx_fill(struct virtio_net *net, struct virtqueue *vq,
				  const struct vq_chain *chain, const struct net_frame *f)
{
	struct cursor cur = { net->rx_segs, chain->nsegs, 0 };
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	uint32_t written = 0;
	enum vq_status s;

	if (chain->nreadable || chain->writable_len < VIRTIO_NET_HDR_SIZE) {
		malformed(net);
		return NET_RX_FAILED;
	}
	if (chain->writable_len - VIRTIO_NET_HDR_SIZE >= f->len) {
		rx_header(hdr);
		if (!cursor_copy(net->mem, &cur, hdr, sizeof(hdr), true) ||
		    !rx_put_frame(net, &cur, f)) {
			virtio_mmio_vq_failed(&net->mmio, VQ_ERR_MEMORY);
			return NET_RX_FAILED;
		}
		written = VIRTIO_NET_HDR_SIZE + f->len;
	}
	s = vq_push(vq, chain->head, written);
	if (s != VQ_OK) {
		virtio_mmio_vq_failed(&net->mmio, s);
		return NET_RX_FAILED;
	}
	virtio_mmio_used(&net->mmio, VIRTIO_NET_RX);
	return written ? NET_RX_DELIVERED : NET_RX_TOO_LONG;
}

enum net_rx_result virtio_net_deliver(struct virtio_net *net, const struct net_frame *f)
{
	struct virtqueue *vq = virtio_mmio_vq(&net->mmio, VIRTIO_NET_RX);
	enum net_rx_result r;
	struct vq_chain chain;
	enum vq_status s;

	if (!virtio_mmio_live(&net->mmio) || !net->link_up || !vq_ready(vq)) {
		net->count.rx_dropped_not_ready++;
		return NET_RX_NOT_READY;
	}
	s = vq_pop(vq, net->rx_segs, VIRTIO_NET_MAX_SEGS, &chain);
	if (s == VQ_EMPTY) {
		net->count.rx_dropped_no_buffer++;
		return NET_RX_NO_BUFFER;
	}
	if (s != VQ_OK) {
		virtio_mmio_vq_failed(&net->mmio, s);
		return NET_RX_FAILED;
	}
	r = rx_fill(net, vq, &chain, f);
	if (r == NET_RX_DELIVERED) {
		net->count.rx_packets++;
		net->count.rx_bytes += f->len;
	}
	net->count.rx_dropped_too_long += r == NET_RX_TOO_LONG;
	return r;
}

void virtio_net_set_link(struct virtio_net *net, bool up)
{
	if (net->link_up == up)
		return;
	net->link_up = up;
	virtio_mmio_config_changed(&net->mmio);
}

static uint64_t net_features(void *dev)
{
	return 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_MTU;
}

/* struct virtio_net_config: mac[6] at 0, le16 status at 6, le16
 * max_virtqueue_pairs at 8, le16 mtu at 10. */
static void net_config_read(void *dev, uint32_t offset, uint8_t *buf, uint32_t len)
{
	struct virtio_net *net = net_of(dev);
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];

	memcpy(config, net->mac, ETH_ALEN);
	le16_put(config + 6, net->link_up ? VIRTIO_NET_S_LINK_UP : 0);
	le16_put(config + 8, 1);
	le16_put(config + 10, net->mtu);
	memcpy(buf, config + offset, len);
}

static void net_reset(void *dev)
{
	(void)dev;      /* frames are moved synchronously: nothing in flight */
}

static const struct virtio_mmio_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.nqueues = 2,
	.queue_num_max = VIRTIO_NET_QUEUE_MAX,
	.config_size = VIRTIO_NET_CONFIG_SIZE,
	.features = net_features,
	.config_read = net_config_read,
	.config_write = NULL,
	.queue_notify = net_notify,
	.reset = net_reset,
};

static bool params_ok(const struct virtio_net_params *p)
{
	static const uint8_t zero[ETH_ALEN];

	return !net_mac_is_group(p->mac) && !net_mac_equal(p->mac, zero) &&
	       p->mtu >= VIRTIO_NET_MIN_MTU && p->mtu <= VIRTIO_NET_MAX_MTU;
}

bool virtio_net_init(struct virtio_net *net, const struct virtio_net_params *params,
		     const struct vq_mem *mem, const struct net_port *port,
		     const struct virtio_net_remap *remap)
{
	if (!params_ok(params))
		return false;
	memset(&net->count, 0, sizeof(net->count));
	memcpy(net->mac, params->mac, ETH_ALEN);
	net->mtu = params->mtu;
	net->vm = params->vm;
	net->link_up = true;
	net->mem = mem;
	net->port = *port;
	net->remap = remap ? *remap : (struct virtio_net_remap){ NULL, NULL };
	virtio_mmio_init(&net->mmio, &net_ops, net, mem);
	return true;
}
