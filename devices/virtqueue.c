/*
 * The device side of a split virtqueue (see virtqueue.h). Layouts from
 * virtio 1.2, 2.7: a descriptor is le64 addr, le32 len, le16 flags,
 * le16 next; the available ring le16 flags, le16 idx, le16 ring[size];
 * the used ring le16 flags, le16 idx, {le32 id, le32 len} ring[size].
 */
#include "devices/virtqueue.h"
#include "devices/le.h"
#include "monitor/string.h"

#define AVAIL_FLAGS     0
#define AVAIL_IDX       2
#define AVAIL_RING      4
#define USED_IDX        2
#define USED_RING       4
#define USED_ELEM_SIZE  8

/* Orders the device's guest-memory accesses against the driver's on
 * another CPU (a sync on MIPS). */
static inline void vq_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static enum vq_status fail(struct virtqueue *vq, enum vq_status s)
{
	vq->error = s;
	return s;
}

static bool area_wraps(uint64_t gpa, uint64_t bytes)
{
	return gpa + bytes < gpa;
}

static bool power_of_2(uint32_t n)
{
	return n && !(n & (n - 1));
}

enum vq_status vq_setup(struct virtqueue *vq, const struct vq_mem *mem, uint16_t size,
			uint16_t max_size, uint64_t desc, uint64_t avail, uint64_t used)
{
	vq_reset(vq);
	if (!power_of_2(size) || size > max_size || size > VQ_MAX_SIZE)
		return fail(vq, VQ_ERR_SIZE);
	if (desc % VIRTQ_DESC_ALIGN || avail % VIRTQ_AVAIL_ALIGN || used % VIRTQ_USED_ALIGN)
		return fail(vq, VQ_ERR_ALIGN);
	if (area_wraps(desc, (uint64_t)size * VIRTQ_DESC_SIZE) ||
	    area_wraps(avail, VIRTQ_AVAIL_BYTES(size)) || area_wraps(used, VIRTQ_USED_BYTES(size)))
		return fail(vq, VQ_ERR_MEMORY);
	vq->mem = mem;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->size = size;
	return VQ_OK;
}

void vq_reset(struct virtqueue *vq)
{
	memset(vq, 0, sizeof(*vq));
}

bool vq_ready(const struct virtqueue *vq)
{
	return vq->size && vq->error == VQ_OK;
}

/* Why vq cannot be used now: VQ_OK if it can. */
static enum vq_status unusable(const struct virtqueue *vq)
{
	if (vq->error != VQ_OK)
		return vq->error;
	return vq->size ? VQ_OK : VQ_ERR_NOT_READY;
}

static bool read_u16(struct virtqueue *vq, uint64_t gpa, uint16_t *v)
{
	uint8_t b[2];

	if (!vq->mem->read(vq->mem->ctx, gpa, b, sizeof(b)))
		return false;
	*v = le16_get(b);
	return true;
}

static bool busy(const struct virtqueue *vq, uint16_t id)
{
	return vq->in_flight[id / 32] & (1u << (id % 32));
}

static void mark(struct virtqueue *vq, uint16_t id, bool in_flight)
{
	if (in_flight)
		vq->in_flight[id / 32] |= 1u << (id % 32);
	else
		vq->in_flight[id / 32] &= ~(1u << (id % 32));
}

/* The head of the next available chain, in *head: VQ_OK, VQ_EMPTY or an
 * error. Does not consume it. */
static enum vq_status next_head(struct virtqueue *vq, uint16_t *head)
{
	uint16_t idx;

	if (!read_u16(vq, vq->avail + AVAIL_IDX, &idx))
		return VQ_ERR_MEMORY;
	if ((uint16_t)(idx - vq->last_avail) > vq->size)
		return VQ_ERR_AVAIL_IDX;
	if (idx == vq->last_avail)
		return VQ_EMPTY;
	vq_fence();     /* the ring entry after the index that published it */
	if (!read_u16(vq, vq->avail + AVAIL_RING + 2 * (uint64_t)(vq->last_avail % vq->size), head))
		return VQ_ERR_MEMORY;
	if (*head >= vq->size)
		return VQ_ERR_HEAD;
	return busy(vq, *head) ? VQ_ERR_HEAD_BUSY : VQ_OK;
}

/* Descriptor i into seg; its flags and next index out. */
static enum vq_status read_desc(struct virtqueue *vq, uint16_t i, struct vq_seg *seg,
				uint16_t *flags, uint16_t *next)
{
	uint8_t d[VIRTQ_DESC_SIZE];

	if (!vq->mem->read(vq->mem->ctx, vq->desc + (uint64_t)i * VIRTQ_DESC_SIZE, d, sizeof(d)))
		return VQ_ERR_MEMORY;
	seg->gpa = le64_get(d);
	seg->len = le32_get(d + 8);
	*flags = le16_get(d + 12);
	*next = le16_get(d + 14);
	seg->writable = *flags & VIRTQ_DESC_F_WRITE;
	if (*flags & VIRTQ_DESC_F_INDIRECT)
		return VQ_ERR_INDIRECT;
	if (!seg->len)
		return VQ_ERR_ZERO_LEN;
	if (area_wraps(seg->gpa, seg->len))
		return VQ_ERR_MEMORY;
	return VQ_OK;
}

/* Adds seg to the chain's counts: the order and length rules. */
static enum vq_status account(struct vq_chain *chain, const struct vq_seg *seg)
{
	uint32_t *sum = seg->writable ? &chain->writable_len : &chain->readable_len;

	if (!seg->writable && chain->nsegs > chain->nreadable)
		return VQ_ERR_ORDER;
	if ((uint64_t)chain->readable_len + chain->writable_len + seg->len > UINT32_MAX)
		return VQ_ERR_TOTAL_LEN;
	*sum += seg->len;
	if (!seg->writable)
		chain->nreadable++;
	chain->nsegs++;
	return VQ_OK;
}

/* Walks the chain from head into segs. */
static enum vq_status walk(struct virtqueue *vq, uint16_t head, struct vq_seg *segs,
			   unsigned int max_segs, struct vq_chain *chain)
{
	uint16_t i = head, flags, next;
	enum vq_status s;

	memset(chain, 0, sizeof(*chain));
	chain->head = head;
	for (;;) {
		if (chain->nsegs == vq->size)
			return VQ_ERR_LOOP;
		if (chain->nsegs == max_segs)
			return VQ_ERR_SEGS;
		s = read_desc(vq, i, &segs[chain->nsegs], &flags, &next);
		if (s == VQ_OK)
			s = account(chain, &segs[chain->nsegs]);
		if (s != VQ_OK)
			return s;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return VQ_OK;
		if (next >= vq->size)
			return VQ_ERR_NEXT;
		i = next;
	}
}

enum vq_status vq_pop(struct virtqueue *vq, struct vq_seg *segs, unsigned int max_segs,
		      struct vq_chain *chain)
{
	enum vq_status s = unusable(vq);
	uint16_t head;

	if (s != VQ_OK)
		return s;
	s = next_head(vq, &head);
	if (s == VQ_OK)
		s = walk(vq, head, segs, max_segs, chain);
	if (s == VQ_EMPTY)
		return s;
	if (s != VQ_OK)
		return fail(vq, s);
	mark(vq, head, true);
	vq->last_avail++;
	return VQ_OK;
}

enum vq_status vq_push(struct virtqueue *vq, uint16_t id, uint32_t written)
{
	enum vq_status s = unusable(vq);
	uint8_t elem[USED_ELEM_SIZE], idx[2];
	uint64_t slot;

	if (s != VQ_OK)
		return s;
	if (id >= vq->size || !busy(vq, id))
		return fail(vq, VQ_ERR_USED_ID);
	slot = vq->used + USED_RING + (uint64_t)(vq->used_idx % vq->size) * USED_ELEM_SIZE;
	le32_put(elem, id);
	le32_put(elem + 4, written);
	if (!vq->mem->write(vq->mem->ctx, slot, elem, sizeof(elem)))
		return fail(vq, VQ_ERR_MEMORY);
	vq_fence();     /* the element before the index that publishes it */
	le16_put(idx, (uint16_t)(vq->used_idx + 1));
	if (!vq->mem->write(vq->mem->ctx, vq->used + USED_IDX, idx, sizeof(idx)))
		return fail(vq, VQ_ERR_MEMORY);
	vq->used_idx++;
	mark(vq, id, false);
	return VQ_OK;
}

bool vq_should_interrupt(struct virtqueue *vq)
{
	uint16_t flags;

	if (unusable(vq) != VQ_OK)
		return true;
	vq_fence();     /* used->idx written before the driver's flags are read */
	if (!read_u16(vq, vq->avail + AVAIL_FLAGS, &flags)) {
		fail(vq, VQ_ERR_MEMORY);
		return true;
	}
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

const char *vq_status_name(enum vq_status s)
{
	static const char *const names[VQ_NR_STATUS] = {
		[VQ_OK] = "ok", [VQ_EMPTY] = "empty", [VQ_ERR_SIZE] = "size",
		[VQ_ERR_ALIGN] = "align", [VQ_ERR_NOT_READY] = "not-ready",
		[VQ_ERR_AVAIL_IDX] = "avail-idx", [VQ_ERR_HEAD] = "head",
		[VQ_ERR_HEAD_BUSY] = "head-busy", [VQ_ERR_NEXT] = "next",
		[VQ_ERR_LOOP] = "loop", [VQ_ERR_ORDER] = "order",
		[VQ_ERR_INDIRECT] = "indirect", [VQ_ERR_ZERO_LEN] = "zero-len",
		[VQ_ERR_SEGS] = "segs", [VQ_ERR_MEMORY] = "memory",
		[VQ_ERR_TOTAL_LEN] = "total-len", [VQ_ERR_USED_ID] = "used-id",
	};

	return (unsigned int)s < VQ_NR_STATUS ? names[s] : "?";
}
