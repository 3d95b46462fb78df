/*
 * Host-test stand-ins for a VM's RAM and for the driver side of a split
 * virtqueue in it (include after <cmocka.h>). The RAM is an exact-size
 * heap block at guest-physical FAKE_RAM_BASE, so AddressSanitizer sees any
 * access past it; the accessors refuse anything not wholly inside and
 * count what they refused.
 */
#ifndef TESTS_HOST_FAKE_GUEST_H
#define TESTS_HOST_FAKE_GUEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "devices/le.h"
#include "devices/virtqueue.h"

#define FAKE_RAM_BASE 0x100000ull
#define FAKE_RAM_SIZE 0x40000u

struct fake_guest {
	uint8_t *ram;
	uint64_t reads, writes, refused;
	struct vq_mem mem;
};

static inline bool fake_inside(uint64_t gpa, uint32_t len)
{
	return gpa >= FAKE_RAM_BASE && len <= FAKE_RAM_SIZE &&
	       gpa - FAKE_RAM_BASE <= FAKE_RAM_SIZE - len;
}

static inline bool fake_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	struct fake_guest *g = ctx;

	if (!fake_inside(gpa, len)) {
		g->refused++;
		return false;
	}
	g->reads++;
	memcpy(buf, g->ram + (gpa - FAKE_RAM_BASE), len);
	return true;
}

static inline bool fake_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	struct fake_guest *g = ctx;

	if (!fake_inside(gpa, len)) {
		g->refused++;
		return false;
	}
	g->writes++;
	memcpy(g->ram + (gpa - FAKE_RAM_BASE), buf, len);
	return true;
}

static inline void fake_guest_init(struct fake_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, FAKE_RAM_SIZE);
	assert_non_null(g->ram);
	g->mem.ctx = g;
	g->mem.read = fake_read;
	g->mem.write = fake_write;
}

static inline void fake_guest_free(struct fake_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

/* A host pointer to guest-physical gpa (the test's own, checked). */
static inline uint8_t *fake_ptr(struct fake_guest *g, uint64_t gpa, uint32_t len)
{
	assert_true(fake_inside(gpa, len));
	return g->ram + (gpa - FAKE_RAM_BASE);
}

/* The driver's side of one split queue in the fake RAM, at fixed places. */
#define DRV_DESC   (FAKE_RAM_BASE + 0x0000)
#define DRV_AVAIL  (FAKE_RAM_BASE + 0x1000)
#define DRV_USED   (FAKE_RAM_BASE + 0x2000)
#define DRV_DATA   (FAKE_RAM_BASE + 0x4000)       /* buffers from here on */

struct drv_queue {
	struct fake_guest *g;
	uint64_t desc, avail, used;     /* its areas (DRV_DESC, ... unless drv_init_at) */
	uint16_t size;
	uint16_t avail_idx;     /* the driver's next avail->idx */
	uint16_t used_seen;     /* used entries the driver has taken */
};

/* A queue with its areas at desc, avail and used (a second queue in the
 * same RAM, say). */
static inline void drv_init_at(struct drv_queue *q, struct fake_guest *g, uint16_t size,
			       uint64_t desc, uint64_t avail, uint64_t used)
{
	q->g = g;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->size = size;
	q->avail_idx = 0;
	q->used_seen = 0;
}

static inline void drv_init(struct drv_queue *q, struct fake_guest *g, uint16_t size)
{
	drv_init_at(q, g, size, DRV_DESC, DRV_AVAIL, DRV_USED);
}

static inline void drv_desc(struct drv_queue *q, uint16_t i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	uint8_t *d = fake_ptr(q->g, q->desc + 16ull * i, 16);

	le64_put(d, addr);
	le32_put(d + 8, len);
	le16_put(d + 12, flags);
	le16_put(d + 14, next);
}

/* Makes head available: ring entry, then avail->idx. */
static inline void drv_publish(struct drv_queue *q, uint16_t head)
{
	le16_put(fake_ptr(q->g, q->avail + 4 + 2ull * (q->avail_idx % q->size), 2), head);
	q->avail_idx++;
	le16_put(fake_ptr(q->g, q->avail + 2, 2), q->avail_idx);
}

static inline void drv_set_avail_idx(struct drv_queue *q, uint16_t idx)
{
	le16_put(fake_ptr(q->g, q->avail + 2, 2), idx);
}

static inline void drv_set_avail_flags(struct drv_queue *q, uint16_t flags)
{
	le16_put(fake_ptr(q->g, q->avail, 2), flags);
}

static inline uint16_t drv_used_idx(struct drv_queue *q)
{
	return le16_get(fake_ptr(q->g, q->used + 2, 2));
}

/* The driver takes the next used element: false if there is none. */
static inline bool drv_take_used(struct drv_queue *q, uint32_t *id, uint32_t *len)
{
	uint8_t *e;

	if (drv_used_idx(q) == q->used_seen)
		return false;
	e = fake_ptr(q->g, q->used + 4 + 8ull * (q->used_seen % q->size), 8);
	*id = le32_get(e);
	*len = le32_get(e + 4);
	q->used_seen++;
	return true;
}

#endif
