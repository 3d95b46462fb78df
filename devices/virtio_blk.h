/*
 * The virtio-blk device model (virtio 1.2, 5.2) on the virtio-mmio
 * transport: one request queue, requests of a 16-byte header (le32 type,
 * le32 reserved, le64 sector), data, and a final status byte, served
 * synchronously from a blk_backend when the driver notifies.
 *
 * Offered: VIRTIO_F_VERSION_1 (by the transport), VIRTIO_BLK_F_SEG_MAX
 * and VIRTIO_BLK_F_SIZE_MAX (so Linux never builds a chain longer than
 * VIRTIO_BLK_MAX_SEGS, nor a data segment longer than
 * VIRTIO_BLK_SIZE_MAX), VIRTIO_BLK_F_FLUSH, and VIRTIO_BLK_F_RO for a
 * read-only disk. Config space: capacity in 512-byte sectors, size_max
 * and seg_max; the rest of the 60-byte struct virtio_blk_config reads 0
 * and nothing is writable.
 *
 * What one guest access may cost is bounded, so that a guest cannot hold
 * its CPU (and the other VMs on it) in the monitor: a request moves at
 * most VIRTIO_BLK_MAX_DATA bytes, and a notify stops taking requests once
 * VIRTIO_BLK_NOTIFY_BUDGET bytes were moved; the rest waits for the guest
 * to repeat its store (virtio_mmio_write).
 *
 * What the guest is told:
 *   OK       the request was done (IN, OUT, FLUSH, GET_ID)
 *   IOERR    a sector range past the capacity (or wrapping), data not a
 *            multiple of 512 bytes or more than VIRTIO_BLK_MAX_DATA, OUT
 *            to a read-only disk, the backend refused
 *   UNSUPP   any other request type
 * and the device fails (DEVICE_NEEDS_RESET, counted in malformed or in
 * the transport's vq_errors) for a request that cannot carry a status:
 * fewer than 16 readable header bytes, no writable byte for the status,
 * a buffer outside the VM's RAM, or a malformed chain (virtqueue.h).
 * Pure C: compiled into the monitor and unit-tested on the host.
 */
#ifndef DEVICES_VIRTIO_BLK_H
#define DEVICES_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/blk_backend.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_ID_BLOCK         2
#define VIRTIO_BLK_QUEUE_MAX    128     /* QueueNumMax */
#define VIRTIO_BLK_MAX_SEGS     128     /* descriptors a request may have */
#define VIRTIO_BLK_BOUNCE       65536   /* bytes moved per backend call at most */
#define VIRTIO_BLK_CONFIG_SIZE  60
#define VIRTIO_BLK_SIZE_MAX     16384   /* a data segment's bytes (Linux: its page) */
#define VIRTIO_BLK_MAX_DATA     ((VIRTIO_BLK_MAX_SEGS - 2) * VIRTIO_BLK_SIZE_MAX)
#define VIRTIO_BLK_NOTIFY_BUDGET (1u << 20)     /* bytes a notify moves before it stops */

/* Feature bits, request types and status values (Linux's names). */
#define VIRTIO_BLK_F_SIZE_MAX   1
#define VIRTIO_BLK_F_SEG_MAX    2
#define VIRTIO_BLK_F_RO         5
#define VIRTIO_BLK_F_FLUSH      9
#define VIRTIO_BLK_T_IN         0
#define VIRTIO_BLK_T_OUT        1
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_T_GET_ID     8
#define VIRTIO_BLK_S_OK         0
#define VIRTIO_BLK_S_IOERR      1
#define VIRTIO_BLK_S_UNSUPP     2
#define VIRTIO_BLK_HEADER_SIZE  16

/*
 * Optional, for reads (Disco's sharing of the buffer cache's pages):
 * pages() puts the disk's n consecutive 4 KiB blocks from sector (a
 * multiple of 8) into the guest pages gpa[0..n) (each 4 KiB-aligned,
 * wholly inside one buffer of the request) by mapping instead of copying,
 * and sets bit i of *shared for each it mapped; the others are copied.
 * Offered a run at a time (at most VIRTIO_BLK_SHARE_RUN), so that one
 * shoot-down serves the run.
 */
#define VIRTIO_BLK_SHARE_BYTES  4096
#define VIRTIO_BLK_SHARE_RUN    16
struct virtio_blk_share {
	void *ctx;
	void (*pages)(void *ctx, uint64_t sector, const uint64_t *gpa, unsigned int n,
		      uint32_t *shared);
};

struct virtio_blk_counters {
	uint64_t requests, reads, writes, flushes, get_ids;
	uint64_t shared_pages;          /* read pages mapped, not copied */
	uint64_t ioerr, unsupp;         /* requests answered with that status */
	uint64_t too_large;             /* of the IOERR, more than VIRTIO_BLK_MAX_DATA */
	uint64_t malformed;             /* requests that failed the device */
	uint64_t bytes_read, bytes_written;
};

struct virtio_blk {
	struct virtio_mmio mmio;        /* the guest's accesses go here */
	const struct blk_backend *disk;
	const struct vq_mem *mem;
	const struct virtio_blk_share *share;   /* NULL: reads are copied */
	struct virtio_blk_counters count;
	uint32_t moved;                 /* bytes the current notify moved */
	struct vq_seg segs[VIRTIO_BLK_MAX_SEGS];
	uint8_t bounce[VIRTIO_BLK_BOUNCE];
};

/* A virtio-blk device in its reset state in front of disk, reaching guest
 * memory through mem; its registers are virtio_mmio_read/write on
 * &blk->mmio. disk and mem must outlive it. */
void virtio_blk_init(struct virtio_blk *blk, const struct blk_backend *disk,
		     const struct vq_mem *mem);

/* From now on, whole pages of reads are offered to share (which must
 * outlive the device) before they are copied. */
void virtio_blk_set_share(struct virtio_blk *blk, const struct virtio_blk_share *share);

#endif
