/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2; "virtio,mmio"
 * in the device tree): the 0x200-byte register block a guest's
 * virtio_mmio driver probes, negotiates features through, sets queues up
 * with and notifies, in front of one device model (virtio_blk, ...).
 *
 * The device model gives a constant ops table (its device ID, queues and
 * config space, and callbacks); the transport owns the status, the
 * feature words, the queues' registers and their struct virtqueue, and
 * the interrupt status. Control registers (0x000..0x0ff) take 32-bit
 * aligned accesses only; the config space (0x100 + ops->config_size)
 * takes 1, 2, 4 or 8 bytes, naturally aligned. Any other access, an
 * unknown offset, a read of a write-only register or a write of a
 * read-only one reads 0 or is ignored, and is counted in bad_access.
 *
 * Negotiation: VIRTIO_F_VERSION_1 is always offered (the device model
 * offers bits 0..23 and 41..63; the transport's own bits 24..40 are
 * masked out of them, so no ring feature this module lacks can be
 * offered). Setting FEATURES_OK with a driver feature not offered, or
 * without VERSION_1, is refused: the bit stays clear, as the spec says
 * (3.1.1), and refused_features counts it.
 *
 * Errors: virtio_mmio_fail sets DEVICE_NEEDS_RESET and, once DRIVER_OK
 * is set, raises the configuration-change interrupt (virtio 1.2, 2.1.2);
 * queue notifications are then ignored until the driver writes 0 to
 * Status, which resets the device model, every queue and the transport.
 *
 * The interrupt output is a level: InterruptStatus != 0 (virtio_mmio_irq),
 * polled by the caller after each access, as uart_irq is. Not locked:
 * the caller serialises accesses (the VM's device lock). Pure C.
 */
#ifndef DEVICES_VIRTIO_MMIO_H
#define DEVICES_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/virtqueue.h"

#define VIRTIO_MMIO_SIZE        0x200
#define VIRTIO_MMIO_MAX_QUEUES  4

/* Register offsets (virtio 1.2, 4.2.2), with Linux's names. */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW     0x090   /* QueueDriver */
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH    0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW      0x0a0   /* QueueDevice */
#define VIRTIO_MMIO_QUEUE_USED_HIGH     0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

#define VIRTIO_MMIO_MAGIC               0x74726976      /* "virt" */
#define VIRTIO_MMIO_VENDOR              0x4f435344      /* "DSCO" */
#define VIRTIO_MMIO_INT_VRING           1       /* InterruptStatus: used buffers */
#define VIRTIO_MMIO_INT_CONFIG          2       /* InterruptStatus: config change */

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE       1
#define VIRTIO_STATUS_DRIVER            2
#define VIRTIO_STATUS_DRIVER_OK         4
#define VIRTIO_STATUS_FEATURES_OK       8
#define VIRTIO_STATUS_NEEDS_RESET       64
#define VIRTIO_STATUS_FAILED            128

#define VIRTIO_F_VERSION_1              32
#define VIRTIO_TRANSPORT_FEATURES       0x1ffff000000ull        /* bits 24..40 */

/* A device model, as the transport calls it. dev is the model's own. */
struct virtio_mmio_ops {
	uint32_t device_id;             /* 2: block, 1: network, ... */
	uint16_t nqueues;               /* at most VIRTIO_MMIO_MAX_QUEUES */
	uint16_t queue_num_max;         /* at most VQ_MAX_SIZE */
	uint32_t config_size;           /* bytes of config space, at most 0x100 */
	uint64_t (*features)(void *dev);
	/* len bytes of config space at offset (inside config_size) */
	void (*config_read)(void *dev, uint32_t offset, uint8_t *buf, uint32_t len);
	void (*config_write)(void *dev, uint32_t offset, const uint8_t *buf, uint32_t len);
	/* the driver notified queue (set up, DRIVER_OK, no NEEDS_RESET);
	 * false if the queue holds more than one access may serve (the
	 * guest's store is repeated: virtio_mmio_write) */
	bool (*queue_notify)(void *dev, unsigned int queue);
	/* the driver reset the device (Status = 0) */
	void (*reset)(void *dev);
};

struct virtio_mmio_queue {
	uint16_t num;
	bool ready;
	uint64_t desc, driver, device;
	struct virtqueue vq;
};

struct virtio_mmio_counters {
	uint64_t bad_access;            /* bad offset, width, alignment or direction */
	uint64_t ignored_writes;        /* queue registers while ready, features after FEATURES_OK */
	uint64_t refused_features;      /* FEATURES_OK refused */
	uint64_t notifies;              /* notifications passed to the device model */
	uint64_t notifies_again;        /* of them, cut short by its budget */
	uint64_t device_errors;         /* times DEVICE_NEEDS_RESET was set */
	uint64_t vq_errors[VQ_NR_STATUS];       /* by the queue's status */
};

struct virtio_mmio {
	const struct virtio_mmio_ops *ops;
	void *dev;
	const struct vq_mem *mem;
	uint64_t device_features, driver_features;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t status, interrupt_status, config_generation;
	struct virtio_mmio_queue queue[VIRTIO_MMIO_MAX_QUEUES];
	struct virtio_mmio_counters count;
};

/* A transport in its reset state in front of the device model (ops, dev),
 * whose queues reach guest memory through mem. */
void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_ops *ops, void *dev,
		      const struct vq_mem *mem);

/* A guest access of size bytes at offset (0..VIRTIO_MMIO_SIZE-1). A
 * write returns false when it must be made again: a notify whose queue
 * held more work than one access may do (the device model's budget). The
 * rest waits in the queue; the caller leaves the guest's store unretired,
 * so that the guest repeats it after other vCPUs had their turn. */
uint64_t virtio_mmio_read(struct virtio_mmio *t, uint32_t offset, unsigned int size);
bool virtio_mmio_write(struct virtio_mmio *t, uint32_t offset, unsigned int size,
		       uint64_t value);

/* The interrupt output: level, InterruptStatus != 0. */
bool virtio_mmio_irq(const struct virtio_mmio *t);

/* Whether the driver has finished set-up and the device works: FEATURES_OK
 * and DRIVER_OK, and no DEVICE_NEEDS_RESET. */
bool virtio_mmio_live(const struct virtio_mmio *t);

/* Queue q's virtqueue, for the device model (q < ops->nqueues). */
struct virtqueue *virtio_mmio_vq(struct virtio_mmio *t, unsigned int q);

/* Whether the driver accepted feature bit. */
bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned int bit);

/* What a device model did with one chain virtio_mmio_serve took. */
enum virtio_served {
	VIRTIO_SERVED_MORE,     /* pushed back; take the next one */
	VIRTIO_SERVED_ENOUGH,   /* pushed back; this access did enough */
	VIRTIO_SERVE_FAILED,    /* it failed the device: no more */
};
typedef enum virtio_served (*virtio_mmio_serve_fn)(void *dev, struct virtqueue *vq,
						   const struct vq_chain *chain);

/*
 * A notify's work for a device model: takes each available chain of queue
 * q (its segments into segs, at most max_segs) and gives it to serve, at
 * most a queue's worth (a chain added meanwhile comes with its own
 * notify), until the queue is empty, a chain is malformed (the device
 * fails, virtio_mmio_vq_failed) or serve says it failed or did enough;
 * then, if any was served, virtio_mmio_used. False only when serve said
 * enough: chains may be left for the access to be made again.
 */
bool virtio_mmio_serve(struct virtio_mmio *t, unsigned int q, struct vq_seg *segs,
		       unsigned int max_segs, virtio_mmio_serve_fn serve, void *dev);

/* The device model put used buffers on queue q: the used-buffer
 * interrupt, unless the driver suppressed it. */
void virtio_mmio_used(struct virtio_mmio *t, unsigned int q);

/* The device cannot go on (a malformed request, a broken queue):
 * DEVICE_NEEDS_RESET, and the configuration-change interrupt once
 * DRIVER_OK is set. virtio_mmio_vq_failed also counts the queue's status. */
void virtio_mmio_fail(struct virtio_mmio *t);
void virtio_mmio_vq_failed(struct virtio_mmio *t, enum vq_status s);

/* The device model changed its config space: ConfigGeneration moves on
 * and the configuration-change interrupt is raised (after DRIVER_OK). */
void virtio_mmio_config_changed(struct virtio_mmio *t);

#endif
