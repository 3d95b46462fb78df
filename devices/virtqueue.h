/*
 * The device side of a virtio 1.x split virtqueue (virtio 1.2, 2.7): the
 * descriptor table, the available ring the driver fills and the used ring
 * the device fills, all in guest memory.
 *
 * Guest memory is reached only through the caller's struct vq_mem, whose
 * read and write fail for anything outside the VM's RAM; this module never
 * dereferences a guest address. Everything read from the rings is the
 * guest's and checked before use. Offered: neither VIRTIO_F_INDIRECT_DESC
 * nor VIRTIO_F_EVENT_IDX (so an INDIRECT descriptor is an error, and
 * VIRTQ_AVAIL_F_NO_INTERRUPT is the only suppression honoured).
 *
 * Errors. The first error a queue meets makes it broken: vq->error holds
 * that status and stays until vq_setup or vq_reset. A broken queue has
 *   - last_avail where it was before the chain that failed (the failed
 *     chain is not consumed, nothing of it is in the used ring),
 *   - the used ring and used->idx exactly as the last successful
 *     vq_push left them (a failed push may have written its element but
 *     never used->idx, so the driver sees nothing of it),
 * and every later vq_pop or vq_push returns the same error without
 * touching guest memory. The caller puts its device into virtio's
 * DEVICE_NEEDS_RESET state and counts the status; the driver's reset ends
 * it. Pure C: compiled into the monitor and unit-tested on the host.
 */
#ifndef DEVICES_VIRTQUEUE_H
#define DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

/* The largest queue this module accepts; a device may give less. */
#define VQ_MAX_SIZE 256

/* Descriptor flags (virtq_desc.flags) and ring flags. */
#define VIRTQ_DESC_F_NEXT           1
#define VIRTQ_DESC_F_WRITE          2
#define VIRTQ_DESC_F_INDIRECT       4
#define VIRTQ_AVAIL_F_NO_INTERRUPT  1
#define VIRTQ_USED_F_NO_NOTIFY      1

/* Sizes and alignments of the three areas (virtio 1.2, 2.7). */
#define VIRTQ_DESC_SIZE     16
#define VIRTQ_DESC_ALIGN    16
#define VIRTQ_AVAIL_ALIGN   2
#define VIRTQ_USED_ALIGN    4
#define VIRTQ_AVAIL_BYTES(n) (4 + 2 * (uint64_t)(n) + 2)   /* with used_event */
#define VIRTQ_USED_BYTES(n)  (4 + 8 * (uint64_t)(n) + 2)   /* with avail_event */

/* Guest memory as the caller gives it: each call copies len bytes at
 * guest-physical gpa, and returns false, touching nothing, unless all of
 * them are in the VM's RAM. */
struct vq_mem {
	void *ctx;
	bool (*read)(void *ctx, uint64_t gpa, void *buf, uint32_t len);
	bool (*write)(void *ctx, uint64_t gpa, const void *buf, uint32_t len);
};

/* What a call returns; every error is distinct so that callers can count
 * them (vq_status_name names them). */
enum vq_status {
	VQ_OK,
	VQ_EMPTY,               /* vq_pop: nothing available (not an error) */
	VQ_ERR_SIZE,            /* setup: size 0, not a power of 2, over the max */
	VQ_ERR_ALIGN,           /* setup: an area misaligned */
	VQ_ERR_NOT_READY,       /* pop or push on a queue never set up */
	VQ_ERR_AVAIL_IDX,       /* avail->idx more than size ahead of last_avail */
	VQ_ERR_HEAD,            /* a chain's head index >= size */
	VQ_ERR_HEAD_BUSY,       /* a head already popped and not yet pushed */
	VQ_ERR_NEXT,            /* a descriptor's next index >= size */
	VQ_ERR_LOOP,            /* a chain longer than the queue (a loop) */
	VQ_ERR_ORDER,           /* a readable descriptor after a writable one */
	VQ_ERR_INDIRECT,        /* VIRTQ_DESC_F_INDIRECT (not offered) */
	VQ_ERR_ZERO_LEN,        /* a descriptor of length 0 */
	VQ_ERR_SEGS,            /* more descriptors than the caller's max */
	VQ_ERR_MEMORY,          /* a guest memory access failed, or an area or
	                         * buffer wraps past the top of the address space */
	VQ_ERR_TOTAL_LEN,       /* a chain's lengths sum past 32 bits */
	VQ_ERR_USED_ID,         /* push: an id that is no chain in flight */
	VQ_NR_STATUS
};

static inline bool vq_is_error(enum vq_status s)
{
	return s >= VQ_ERR_SIZE;
}

/* One buffer of a chain: guest-physical, in the chain's order. */
struct vq_seg {
	uint64_t gpa;
	uint32_t len;
	bool writable;          /* device-writable (VIRTQ_DESC_F_WRITE) */
};

/* A chain vq_pop took: its head (the id to give back to vq_push), its
 * segments (the readable ones first), and their byte counts. */
struct vq_chain {
	uint16_t head;
	uint16_t nsegs;
	uint16_t nreadable;     /* segs[0..nreadable) readable, the rest writable */
	uint32_t readable_len;
	uint32_t writable_len;
};

struct virtqueue {
	const struct vq_mem *mem;
	uint64_t desc, avail, used;     /* guest-physical */
	uint16_t size;                  /* 0: not set up */
	uint16_t last_avail;            /* the next avail->ring entry to take */
	uint16_t used_idx;              /* the device's copy of used->idx */
	uint32_t in_flight[VQ_MAX_SIZE / 32];   /* heads popped, not yet pushed */
	enum vq_status error;           /* VQ_OK, or the error that broke it */
};

/* Sets vq up on the driver's areas: size a power of 2 no larger than
 * max_size (itself at most VQ_MAX_SIZE), desc 16-, avail 2-, used 4-byte
 * aligned, and none wrapping past 2^64. Indexes start at 0 (a fresh queue,
 * as after a device reset). Reads nothing: a bad address is found at the
 * first pop or push. On an error vq is left not set up (size 0) with the
 * error in vq->error. */
enum vq_status vq_setup(struct virtqueue *vq, const struct vq_mem *mem, uint16_t size,
			uint16_t max_size, uint64_t desc, uint64_t avail, uint64_t used);

/* Forgets the queue: not set up, no error (a device reset). */
void vq_reset(struct virtqueue *vq);

/* Whether vq was set up and is not broken. */
bool vq_ready(const struct virtqueue *vq);

/* Takes the next available chain: its segments into segs (at most
 * max_segs) and their summary into chain. VQ_OK, VQ_EMPTY, or an error
 * (the queue is then broken: see the top of this file). */
enum vq_status vq_pop(struct virtqueue *vq, struct vq_seg *segs, unsigned int max_segs,
		      struct vq_chain *chain);

/* Gives back the chain whose head is id, with written bytes written into
 * its writable segments: the used element, then used->idx (after a
 * barrier, so the driver never sees the index before the element). */
enum vq_status vq_push(struct virtqueue *vq, uint16_t id, uint32_t written);

/* After pushes: whether the driver wants an interrupt (it did not set
 * VIRTQ_AVAIL_F_NO_INTERRUPT). True when avail->flags cannot be read:
 * an interrupt is always allowed, and the queue is then broken. */
bool vq_should_interrupt(struct virtqueue *vq);

/* A short name for a status, for counters and messages ("loop", ...). */
const char *vq_status_name(enum vq_status s);

#endif
