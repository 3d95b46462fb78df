/*
 * The virtio-mmio transport, version 2 (see virtio_mmio.h). Register
 * semantics from virtio 1.2, 4.2.2; the order a driver uses them in is
 * Linux's drivers/virtio/virtio_mmio.c (probe, vm_get_features,
 * vm_finalize_features, vm_setup_vq, vm_del_vq, vm_reset, vm_interrupt).
 */
#include "devices/virtio_mmio.h"
#include "devices/le.h"
#include "monitor/string.h"

#define DRIVER_STATUS_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
			    VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
			    VIRTIO_STATUS_FAILED)

static void reset_queues(struct virtio_mmio *t)
{
	for (unsigned int q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
		struct virtio_mmio_queue *vmq = &t->queue[q];

		memset(vmq, 0, sizeof(*vmq));
		vmq->num = t->ops->queue_num_max;
		vq_reset(&vmq->vq);
	}
}

/* Everything the driver set goes back to its reset value. */
static void reset(struct virtio_mmio *t)
{
	t->device_features = (t->ops->features(t->dev) & ~VIRTIO_TRANSPORT_FEATURES) |
			     1ull << VIRTIO_F_VERSION_1;
	t->driver_features = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->status = t->interrupt_status = 0;
	reset_queues(t);
}

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_ops *ops, void *dev,
		      const struct vq_mem *mem)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->dev = dev;
	t->mem = mem;
	reset(t);
}

bool virtio_mmio_irq(const struct virtio_mmio *t)
{
	return t->interrupt_status != 0;
}

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	const uint32_t live = VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;

	return (t->status & (live | VIRTIO_STATUS_NEEDS_RESET)) == live;
}

struct virtqueue *virtio_mmio_vq(struct virtio_mmio *t, unsigned int q)
{
	return &t->queue[q].vq;
}

bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned int bit)
{
	return bit < 64 && (t->driver_features >> bit & 1);
}

void virtio_mmio_used(struct virtio_mmio *t, unsigned int q)
{
	if (vq_should_interrupt(&t->queue[q].vq))
		t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	if (t->queue[q].vq.error != VQ_OK)
		virtio_mmio_vq_failed(t, t->queue[q].vq.error);
}

bool virtio_mmio_serve(struct virtio_mmio *t, unsigned int q, struct vq_seg *segs,
		       unsigned int max_segs, virtio_mmio_serve_fn serve, void *dev)
{
	struct virtqueue *vq = virtio_mmio_vq(t, q);
	enum virtio_served r = VIRTIO_SERVED_MORE;
	unsigned int served = 0;
	struct vq_chain chain;
	enum vq_status s;

	while (served < vq->size && r == VIRTIO_SERVED_MORE) {
		s = vq_pop(vq, segs, max_segs, &chain);
		if (s == VQ_EMPTY)
			break;
		if (s != VQ_OK) {
			virtio_mmio_vq_failed(t, s);
			break;
		}
		r = serve(dev, vq, &chain);
		served += r != VIRTIO_SERVE_FAILED;
	}
	if (served)
		virtio_mmio_used(t, q);
	return r != VIRTIO_SERVED_ENOUGH;
}

void virtio_mmio_fail(struct virtio_mmio *t)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	t->count.device_errors++;
	if (t->status & VIRTIO_STATUS_DRIVER_OK)
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
}

void virtio_mmio_vq_failed(struct virtio_mmio *t, enum vq_status s)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;         /* counted once, as the device error is */
	if ((unsigned int)s < VQ_NR_STATUS)
		t->count.vq_errors[s]++;
	virtio_mmio_fail(t);
}

void virtio_mmio_config_changed(struct virtio_mmio *t)
{
	t->config_generation++;
	if (t->status & VIRTIO_STATUS_DRIVER_OK)
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
}

/* The selected queue, or NULL if QueueSel names none. */
static struct virtio_mmio_queue *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->nqueues ? &t->queue[t->queue_sel] : NULL;
}

static uint32_t features_word(uint64_t features, uint32_t sel)
{
	return sel < 2 ? (uint32_t)(features >> (32 * sel)) : 0;
}

/* A 32-bit read of control register reg; false for no such register. */
static bool control_read(struct virtio_mmio *t, uint32_t reg, uint32_t *v)
{
	struct virtio_mmio_queue *q = selected(t);

	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE: *v = VIRTIO_MMIO_MAGIC; return true;
	case VIRTIO_MMIO_VERSION: *v = 2; return true;
	case VIRTIO_MMIO_DEVICE_ID: *v = t->ops->device_id; return true;
	case VIRTIO_MMIO_VENDOR_ID: *v = VIRTIO_MMIO_VENDOR; return true;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*v = features_word(t->device_features, t->device_features_sel);
		return true;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: *v = q ? t->ops->queue_num_max : 0; return true;
	case VIRTIO_MMIO_QUEUE_READY: *v = q ? q->ready : 0; return true;
	case VIRTIO_MMIO_INTERRUPT_STATUS: *v = t->interrupt_status; return true;
	case VIRTIO_MMIO_STATUS: *v = t->status; return true;
	case VIRTIO_MMIO_CONFIG_GENERATION: *v = t->config_generation; return true;
	default: return false;
	}
}

/* FEATURES_OK asked for: whether the driver's features can be accepted. */
static bool features_acceptable(const struct virtio_mmio *t)
{
	return !(t->driver_features & ~t->device_features) &&
	       (t->driver_features >> VIRTIO_F_VERSION_1 & 1);
}

/* A write of Status: 0 resets; otherwise bits are only ever added, never
 * NEEDS_RESET (the device's), and FEATURES_OK only for acceptable features. */
static void write_status(struct virtio_mmio *t, uint32_t value)
{
	uint32_t add = value & DRIVER_STATUS_BITS & ~t->status;

	if (!value) {
		t->ops->reset(t->dev);
		reset(t);
		return;
	}
	if ((add & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t)) {
		add &= ~VIRTIO_STATUS_FEATURES_OK;
		t->count.refused_features++;
	}
	t->status |= add;
}

static void write_driver_features(struct virtio_mmio *t, uint32_t value)
{
	uint32_t sel = t->driver_features_sel;

	if (t->status & VIRTIO_STATUS_FEATURES_OK || sel >= 2) {
		t->count.ignored_writes += value != 0 || sel < 2;
		return;
	}
	t->driver_features &= ~(0xffffffffull << (32 * sel));
	t->driver_features |= (uint64_t)value << (32 * sel);
}

static void set_low(uint64_t *reg, uint32_t value)
{
	*reg = (*reg & 0xffffffff00000000ull) | value;
}

static void set_high(uint64_t *reg, uint32_t value)
{
	*reg = (*reg & 0xffffffffull) | (uint64_t)value << 32;
}

/* QueueReady: 1 sets the queue up on the registers (a bad one fails the
 * device), 0 takes it down. */
static void write_queue_ready(struct virtio_mmio *t, struct virtio_mmio_queue *q, uint32_t value)
{
	enum vq_status s;

	if (!value) {
		q->ready = false;
		vq_reset(&q->vq);
		return;
	}
	if (q->ready)
		return;
	s = vq_setup(&q->vq, t->mem, q->num, t->ops->queue_num_max, q->desc, q->driver, q->device);
	if (s != VQ_OK) {
		virtio_mmio_vq_failed(t, s);
		return;
	}
	q->ready = true;
}

/* The register of queue q that reg writes an address half of, or NULL. */
static uint64_t *queue_address(struct virtio_mmio_queue *q, uint32_t reg)
{
	switch (reg & ~4u) {
	case VIRTIO_MMIO_QUEUE_DESC_LOW: return &q->desc;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW: return &q->driver;
	case VIRTIO_MMIO_QUEUE_USED_LOW: return &q->device;
	default: return NULL;
	}
}

/* A write of one of the selected queue's registers: false for none. */
static bool queue_write(struct virtio_mmio *t, uint32_t reg, uint32_t value)
{
	struct virtio_mmio_queue *q = selected(t), dummy;
	uint64_t *addr = queue_address(q ? q : &dummy, reg);

	if (!addr && reg != VIRTIO_MMIO_QUEUE_NUM && reg != VIRTIO_MMIO_QUEUE_READY)
		return false;
	if (!q)
		t->count.ignored_writes++;
	else if (reg == VIRTIO_MMIO_QUEUE_READY)
		write_queue_ready(t, q, value);
	else if (q->ready)
		t->count.ignored_writes++;      /* the spec forbids it while ready */
	else if (reg == VIRTIO_MMIO_QUEUE_NUM)
		q->num = value <= 0xffff ? (uint16_t)value : 0;         /* checked at QueueReady */
	else if (reg & 4)
		set_high(addr, value);
	else
		set_low(addr, value);
	return true;
}

/* False: the notify must be made again (virtio_mmio_write). */
static bool queue_notify(struct virtio_mmio *t, uint32_t q)
{
	if (q >= t->ops->nqueues || !t->queue[q].ready || !virtio_mmio_live(t)) {
		t->count.ignored_writes++;
		return true;
	}
	t->count.notifies++;
	if (t->ops->queue_notify(t->dev, q))
		return true;
	t->count.notifies_again++;
	return false;
}

/* A 32-bit write of control register reg; false for no such register.
 * *again: a notify to be made again. */
static bool control_write(struct virtio_mmio *t, uint32_t reg, uint32_t value, bool *again)
{
	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = value; return true;
	case VIRTIO_MMIO_DRIVER_FEATURES: write_driver_features(t, value); return true;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value; return true;
	case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = value; return true;
	case VIRTIO_MMIO_QUEUE_NOTIFY: *again = !queue_notify(t, value); return true;
	case VIRTIO_MMIO_INTERRUPT_ACK: t->interrupt_status &= ~value; return true;
	case VIRTIO_MMIO_STATUS: write_status(t, value); return true;
	default: return queue_write(t, reg, value);
	}
}

/* Whether a config-space access of size bytes at offset is allowed. */
static bool config_access_ok(const struct virtio_mmio *t, uint32_t offset, unsigned int size)
{
	uint32_t at = offset - VIRTIO_MMIO_CONFIG;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return offset >= VIRTIO_MMIO_CONFIG && !(offset % size) &&
	       at <= t->ops->config_size && size <= t->ops->config_size - at;
}

uint64_t virtio_mmio_read(struct virtio_mmio *t, uint32_t offset, unsigned int size)
{
	uint8_t buf[8] = { 0 };
	uint32_t v;

	if (offset < VIRTIO_MMIO_CONFIG) {
		if (size == 4 && !(offset % 4) && control_read(t, offset, &v))
			return v;
	} else if (config_access_ok(t, offset, size)) {
		t->ops->config_read(t->dev, offset - VIRTIO_MMIO_CONFIG, buf, size);
		return le64_get(buf);
	}
	t->count.bad_access++;
	return 0;
}

bool virtio_mmio_write(struct virtio_mmio *t, uint32_t offset, unsigned int size,
		       uint64_t value)
{
	bool again = false;
	uint8_t buf[8];

	if (offset < VIRTIO_MMIO_CONFIG) {
		if (size == 4 && !(offset % 4) && control_write(t, offset, (uint32_t)value, &again))
			return !again;
	} else if (config_access_ok(t, offset, size) && t->ops->config_write) {
		le64_put(buf, value);
		t->ops->config_write(t->dev, offset - VIRTIO_MMIO_CONFIG, buf, size);
		return true;
	}
	t->count.bad_access++;
	return true;
}
