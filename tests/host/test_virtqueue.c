/*
 * Host unit tests for devices/virtqueue.c (vq_setup, vq_reset, vq_ready,
 * vq_pop, vq_push, vq_should_interrupt, vq_status_name).
 *
 * The oracle is the virtio 1.2 specification, 2.7 "Split Virtqueues":
 * the layouts, the driver's requirements on chains (readable before
 * writable, no loops, indexes below the queue size, at most 2^32 bytes)
 * and the device's on the used ring. The queue lives in fake guest RAM
 * (fake_guest.h), whose accessors refuse and count anything outside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"
#include "tests/host/fake_guest.h"

#include "devices/virtqueue.h"

#define QSIZE 8

struct fixture {
	struct fake_guest g;
	struct drv_queue q;
	struct virtqueue vq;
	struct vq_seg segs[QSIZE + 4];
	struct vq_chain chain;
};

static struct fixture f;

static void fresh(uint16_t size)
{
	fake_guest_free(&f.g);
	memset(&f, 0, sizeof(f));
	fake_guest_init(&f.g);
	drv_init(&f.q, &f.g, size);
	memset(&f.vq, 0x5a, sizeof(f.vq));      /* vq_setup must not rely on zeroed memory */
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, size, VQ_MAX_SIZE, DRV_DESC, DRV_AVAIL,
				  DRV_USED), VQ_OK);
	assert_true(vq_ready(&f.vq));
}

static int teardown(void **state)
{
	fake_guest_free(&f.g);
	return 0;
}

static enum vq_status pop(unsigned int max_segs)
{
	return vq_pop(&f.vq, f.segs, max_segs, &f.chain);
}

/* A virtio-blk-like chain at head: 16 readable, n writable, 1 writable. */
static void blk_chain(uint16_t head, uint32_t n)
{
	uint16_t d1 = (head + 1) % f.q.size, d2 = (head + 2) % f.q.size;

	drv_desc(&f.q, head, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, d1);
	drv_desc(&f.q, d1, DRV_DATA + 0x100, n, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, d2);
	drv_desc(&f.q, d2, DRV_DATA + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
}

/* After an error: the queue is broken with err, the used ring is as
 * before (snapshot), and further pops and pushes give err again without
 * a single guest access. */
static void assert_broken(enum vq_status err, const uint8_t *used_before, uint16_t last_avail)
{
	uint64_t reads = f.g.reads, writes = f.g.writes, refused = f.g.refused;

	assert_int_equal(f.vq.error, err);
	assert_false(vq_ready(&f.vq));
	assert_int_equal(f.vq.last_avail, last_avail);
	assert_memory_equal(fake_ptr(&f.g, DRV_USED, VIRTQ_USED_BYTES(f.q.size)), used_before,
			    VIRTQ_USED_BYTES(f.q.size));
	assert_int_equal(pop(QSIZE), err);
	assert_int_equal(vq_push(&f.vq, 0, 0), err);
	assert_int_equal(f.g.reads, reads);
	assert_int_equal(f.g.writes, writes);
	assert_int_equal(f.g.refused, refused);
}

/* One malformed chain published at a fresh queue: pop refuses it with err. */
static void expect_refused(enum vq_status err, unsigned int max_segs)
{
	uint8_t used[VIRTQ_USED_BYTES(QSIZE)];

	memcpy(used, fake_ptr(&f.g, DRV_USED, sizeof(used)), sizeof(used));
	assert_int_equal(pop(max_segs), err);
	assert_true(vq_is_error(err));
	assert_broken(err, used, 0);
}

static void test_setup_checks(void **state)
{
	struct virtqueue vq;
	const uint16_t bad_sizes[] = { 0, 3, 6, 12, 255 };

	fresh(QSIZE);
	for (unsigned int i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		assert_int_equal(vq_setup(&vq, &f.g.mem, bad_sizes[i], VQ_MAX_SIZE, DRV_DESC,
					  DRV_AVAIL, DRV_USED), VQ_ERR_SIZE);
		assert_false(vq_ready(&vq));
	}
	assert_int_equal(vq_setup(&vq, &f.g.mem, 512, 1024, DRV_DESC, DRV_AVAIL, DRV_USED),
			 VQ_ERR_SIZE);                          /* over VQ_MAX_SIZE */
	assert_int_equal(vq_setup(&vq, &f.g.mem, 64, 32, DRV_DESC, DRV_AVAIL, DRV_USED),
			 VQ_ERR_SIZE);                          /* over the device's max */
	assert_int_equal(vq_setup(&vq, &f.g.mem, 1, 32, DRV_DESC, DRV_AVAIL, DRV_USED), VQ_OK);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 256, 256, DRV_DESC, DRV_AVAIL, DRV_USED), VQ_OK);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC + 8, DRV_AVAIL, DRV_USED),
			 VQ_ERR_ALIGN);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC, DRV_AVAIL + 1, DRV_USED),
			 VQ_ERR_ALIGN);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC, DRV_AVAIL, DRV_USED + 2),
			 VQ_ERR_ALIGN);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC, DRV_AVAIL + 2, DRV_USED + 4),
			 VQ_OK);                                /* the spec's minimum alignments */
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, 0xfffffffffffffff0ull, DRV_AVAIL, DRV_USED),
			 VQ_ERR_MEMORY);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC, 0xfffffffffffffffeull, DRV_USED),
			 VQ_ERR_MEMORY);
	assert_int_equal(vq_setup(&vq, &f.g.mem, 8, 8, DRV_DESC, DRV_AVAIL, 0xfffffffffffffffcull),
			 VQ_ERR_MEMORY);
	assert_int_equal(f.g.reads + f.g.writes + f.g.refused, 0);     /* setup reads nothing */
}

static void test_not_set_up(void **state)
{
	struct virtqueue vq;

	fresh(QSIZE);
	vq_reset(&vq);
	assert_false(vq_ready(&vq));
	assert_int_equal(vq_pop(&vq, f.segs, QSIZE, &f.chain), VQ_ERR_NOT_READY);
	assert_int_equal(vq_push(&vq, 0, 0), VQ_ERR_NOT_READY);
	assert_true(vq_should_interrupt(&vq));
	assert_int_equal(f.g.reads + f.g.writes + f.g.refused, 0);
}

static void test_empty(void **state)
{
	fresh(QSIZE);
	assert_int_equal(pop(QSIZE), VQ_EMPTY);
	assert_true(vq_ready(&f.vq));
	assert_int_equal(f.g.writes, 0);
}

static void test_one_chain_round_trip(void **state)
{
	uint32_t id, len;

	fresh(QSIZE);
	blk_chain(3, 512);
	drv_publish(&f.q, 3);
	assert_int_equal(pop(QSIZE), VQ_OK);
	assert_int_equal(f.chain.head, 3);
	assert_int_equal(f.chain.nsegs, 3);
	assert_int_equal(f.chain.nreadable, 1);
	assert_int_equal(f.chain.readable_len, 16);
	assert_int_equal(f.chain.writable_len, 513);
	assert_int_equal(f.segs[0].gpa, DRV_DATA);
	assert_false(f.segs[0].writable);
	assert_int_equal(f.segs[1].gpa, DRV_DATA + 0x100);
	assert_int_equal(f.segs[1].len, 512);
	assert_true(f.segs[1].writable);
	assert_int_equal(f.segs[2].len, 1);
	assert_int_equal(pop(QSIZE), VQ_EMPTY);
	assert_false(drv_take_used(&f.q, &id, &len));
	assert_int_equal(vq_push(&f.vq, 3, 513), VQ_OK);
	assert_true(drv_take_used(&f.q, &id, &len));
	assert_int_equal(id, 3);
	assert_int_equal(len, 513);
	assert_int_equal(drv_used_idx(&f.q), 1);
	assert_true(vq_ready(&f.vq));
}

/* Chains completed out of order, and the ring and 16-bit indexes wrap. */
static void test_many_chains_wrap(void **state)
{
	uint32_t id, len;

	fresh(4);
	f.vq.last_avail = f.vq.used_idx = 0xfff0;       /* as after 65520 requests */
	f.q.avail_idx = f.q.used_seen = 0xfff0;
	le16_put(fake_ptr(&f.g, DRV_USED + 2, 2), 0xfff0);
	for (unsigned int round = 0; round < 40; round++) {
		drv_desc(&f.q, 0, DRV_DATA, 8, 0, 0);
		drv_desc(&f.q, 1, DRV_DATA + 8, 8, VIRTQ_DESC_F_WRITE, 0);
		drv_publish(&f.q, 0);
		drv_publish(&f.q, 1);
		assert_int_equal(pop(4), VQ_OK);
		assert_int_equal(f.chain.head, 0);
		assert_int_equal(pop(4), VQ_OK);
		assert_int_equal(f.chain.head, 1);
		assert_int_equal(f.chain.nreadable, 0);
		assert_int_equal(pop(4), VQ_EMPTY);
		assert_int_equal(vq_push(&f.vq, 1, 8), VQ_OK);
		assert_int_equal(vq_push(&f.vq, 0, 0), VQ_OK);
		assert_true(drv_take_used(&f.q, &id, &len));
		assert_int_equal(id, 1);
		assert_int_equal(len, 8);
		assert_true(drv_take_used(&f.q, &id, &len));
		assert_int_equal(id, 0);
		assert_false(drv_take_used(&f.q, &id, &len));
	}
	assert_int_equal(f.vq.last_avail, (uint16_t)(0xfff0 + 80));
	assert_int_equal(f.g.refused, 0);
}

/* A full ring (size entries ahead) is fine; size + 1 is not. */
static void test_avail_idx_ahead(void **state)
{
	fresh(QSIZE);
	for (uint16_t i = 0; i < QSIZE; i++) {
		drv_desc(&f.q, i, DRV_DATA, 4, 0, 0);
		drv_publish(&f.q, i);
	}
	for (uint16_t i = 0; i < QSIZE; i++)
		assert_int_equal(pop(QSIZE), VQ_OK);
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 4, 0, 0);
	drv_set_avail_idx(&f.q, QSIZE + 1);
	expect_refused(VQ_ERR_AVAIL_IDX, QSIZE);
	fresh(QSIZE);
	drv_set_avail_idx(&f.q, 0xffff);                /* "behind": as far ahead as it gets */
	expect_refused(VQ_ERR_AVAIL_IDX, QSIZE);
}

static void test_head_out_of_range(void **state)
{
	fresh(QSIZE);
	drv_publish(&f.q, QSIZE);
	expect_refused(VQ_ERR_HEAD, QSIZE);
	fresh(QSIZE);
	drv_publish(&f.q, 0xffff);
	expect_refused(VQ_ERR_HEAD, QSIZE);
}

static void test_head_in_flight(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 2, DRV_DATA, 4, 0, 0);
	drv_publish(&f.q, 2);
	drv_publish(&f.q, 2);                           /* again, before it came back */
	assert_int_equal(pop(QSIZE), VQ_OK);
	assert_int_equal(pop(QSIZE), VQ_ERR_HEAD_BUSY);
	assert_int_equal(f.vq.last_avail, 1);
}

static void test_next_out_of_range(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 4, VIRTQ_DESC_F_NEXT, QSIZE);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_NEXT, QSIZE);
}

static void test_loops(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 4, VIRTQ_DESC_F_NEXT, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_LOOP, QSIZE + 4);
	fresh(QSIZE);
	drv_desc(&f.q, 5, DRV_DATA, 4, VIRTQ_DESC_F_NEXT, 5);   /* onto itself */
	drv_publish(&f.q, 5);
	expect_refused(VQ_ERR_LOOP, QSIZE + 4);
	/* a chain of exactly size descriptors is no loop */
	fresh(QSIZE);
	for (uint16_t i = 0; i < QSIZE; i++)
		drv_desc(&f.q, i, DRV_DATA, 4, i + 1 < QSIZE ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	drv_publish(&f.q, 0);
	assert_int_equal(pop(QSIZE), VQ_OK);
	assert_int_equal(f.chain.nsegs, QSIZE);
}

static void test_readable_after_writable(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	drv_desc(&f.q, 2, DRV_DATA, 4, 0, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_ORDER, QSIZE);
}

static void test_indirect(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 32, VIRTQ_DESC_F_INDIRECT, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_INDIRECT, QSIZE);
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_INDIRECT, QSIZE);
}

static void test_zero_length(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 0, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_ZERO_LEN, QSIZE);
}

static void test_too_many_segments(void **state)
{
	fresh(QSIZE);
	blk_chain(0, 512);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_SEGS, 2);
	fresh(QSIZE);
	blk_chain(0, 512);
	drv_publish(&f.q, 0);
	assert_int_equal(pop(3), VQ_OK);                /* exactly the max is fine */
}

static void test_total_length(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, DRV_DATA, 0x80000000u, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 0x7fffffffu, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	drv_desc(&f.q, 2, DRV_DATA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_TOTAL_LEN, QSIZE);
	fresh(QSIZE);                                   /* 2^32 - 1 exactly is fine */
	drv_desc(&f.q, 0, DRV_DATA, 0x80000000u, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f.q, 1, DRV_DATA, 0x7fffffffu, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&f.q, 0);
	assert_int_equal(pop(QSIZE), VQ_OK);
	assert_int_equal(f.chain.writable_len, 0x7fffffffu);
	/* the segments are only described, never touched by vq_pop */
	assert_int_equal(f.g.refused, 0);
}

static void test_buffer_wraps_address_space(void **state)
{
	fresh(QSIZE);
	drv_desc(&f.q, 0, 0xffffffffffffff00ull, 0x200, 0, 0);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_MEMORY, QSIZE);
}

/* Each of the three areas outside RAM: the failing access is refused by
 * the accessor, and nothing else is touched. */
static void test_areas_outside_ram(void **state)
{
	const uint64_t outside = FAKE_RAM_BASE + FAKE_RAM_SIZE;
	uint8_t used[VIRTQ_USED_BYTES(QSIZE)];

	fresh(QSIZE);                                   /* descriptor table */
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, QSIZE, QSIZE, outside, DRV_AVAIL, DRV_USED),
			 VQ_OK);
	drv_publish(&f.q, 0);
	expect_refused(VQ_ERR_MEMORY, QSIZE);
	assert_int_equal(f.g.refused, 1);

	fresh(QSIZE);                                   /* descriptor table's last entry */
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, QSIZE, QSIZE, outside - 16 * (QSIZE - 1),
				  DRV_AVAIL, DRV_USED), VQ_OK);
	drv_publish(&f.q, QSIZE - 1);
	assert_int_equal(pop(QSIZE), VQ_ERR_MEMORY);

	fresh(QSIZE);                                   /* available ring, below RAM */
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, QSIZE, QSIZE, DRV_DESC, 0, DRV_USED), VQ_OK);
	assert_int_equal(pop(QSIZE), VQ_ERR_MEMORY);
	assert_true(vq_should_interrupt(&f.vq));

	fresh(QSIZE);                                   /* used ring */
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, QSIZE, QSIZE, DRV_DESC, DRV_AVAIL, outside - 8),
			 VQ_OK);
	drv_desc(&f.q, 0, DRV_DATA, 4, 0, 0);
	drv_publish(&f.q, 0);
	assert_int_equal(pop(QSIZE), VQ_OK);
	memcpy(used, fake_ptr(&f.g, DRV_USED, sizeof(used)), sizeof(used));
	assert_int_equal(vq_push(&f.vq, 0, 4), VQ_ERR_MEMORY);
	assert_broken(VQ_ERR_MEMORY, used, 1);
	assert_int_equal(le16_get(fake_ptr(&f.g, outside - 6, 2)), 0);  /* used->idx unmoved */
}

static void test_push_checks_id(void **state)
{
	fresh(QSIZE);
	assert_int_equal(vq_push(&f.vq, 1, 0), VQ_ERR_USED_ID);        /* never popped */
	fresh(QSIZE);
	assert_int_equal(vq_push(&f.vq, QSIZE, 0), VQ_ERR_USED_ID);
	fresh(QSIZE);
	drv_desc(&f.q, 1, DRV_DATA, 4, 0, 0);
	drv_publish(&f.q, 1);
	assert_int_equal(pop(QSIZE), VQ_OK);
	assert_int_equal(vq_push(&f.vq, 1, 0), VQ_OK);
	assert_int_equal(vq_push(&f.vq, 1, 0), VQ_ERR_USED_ID);        /* twice */
	assert_int_equal(drv_used_idx(&f.q), 1);
}

static void test_interrupt_suppression(void **state)
{
	fresh(QSIZE);
	assert_true(vq_should_interrupt(&f.vq));
	drv_set_avail_flags(&f.q, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(vq_should_interrupt(&f.vq));
	drv_set_avail_flags(&f.q, 0xfffe);                      /* other bits mean nothing */
	assert_true(vq_should_interrupt(&f.vq));
}

/* A broken queue stays broken until it is set up again or reset. */
static void test_reset_after_error(void **state)
{
	fresh(QSIZE);
	drv_publish(&f.q, QSIZE);
	assert_int_equal(pop(QSIZE), VQ_ERR_HEAD);
	assert_int_equal(pop(QSIZE), VQ_ERR_HEAD);
	vq_reset(&f.vq);
	assert_int_equal(f.vq.error, VQ_OK);
	assert_false(vq_ready(&f.vq));
	assert_int_equal(vq_setup(&f.vq, &f.g.mem, QSIZE, QSIZE, DRV_DESC, DRV_AVAIL, DRV_USED),
			 VQ_OK);
	assert_int_equal(f.vq.last_avail, 0);
	assert_int_equal(f.vq.used_idx, 0);
}

static void test_status_names(void **state)
{
	for (int s = 0; s < VQ_NR_STATUS; s++) {
		assert_non_null(vq_status_name(s));
		assert_string_not_equal(vq_status_name(s), "?");
		for (int t = 0; t < s; t++)
			assert_string_not_equal(vq_status_name(s), vq_status_name(t));
	}
	assert_string_equal(vq_status_name(VQ_NR_STATUS), "?");
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

/* Garbage descriptors, ring entries and indexes, mostly inside RAM, some
 * not: nothing crashes (ASan and UBSan watch), every chain vq_pop returns
 * obeys the rules, and every error leaves the queue broken. */
static void test_fuzz(void **state)
{
	unsigned int ok = 0, errors = 0, by_status[VQ_NR_STATUS] = { 0 };

	rng_state = 0x9e3779b97f4a7c15ull;
	fresh(QSIZE);
	for (unsigned int iter = 0; iter < 20000; iter++) {
		uint16_t size = (uint16_t)(1u << (rng() % 6));
		unsigned int max_segs = 1 + rng() % (QSIZE + 3);
		uint8_t *desc = fake_ptr(&f.g, DRV_DESC, 16 * 32);

		for (unsigned int i = 0; i < 16 * 32; i++)
			desc[i] = (uint8_t)rng();
		for (unsigned int i = 0; i < 32; i++) {         /* addresses near RAM, often */
			if (rng() % 4)
				le64_put(desc + 16 * i, FAKE_RAM_BASE + rng() % (2 * FAKE_RAM_SIZE));
			if (rng() % 8)
				le16_put(desc + 16 * i + 14, (uint16_t)(rng() % (size + 1)));
			if (rng() % 8)
				le32_put(desc + 16 * i + 8, (uint32_t)(rng() % 0x2000));
			if (rng() % 8)      /* mostly NEXT and WRITE, NEXT less often */
				le16_put(desc + 16 * i + 12, (uint16_t)((rng() % 3 == 0) | (rng() % 2) << 1));
		}
		for (unsigned int i = 0; i < VIRTQ_AVAIL_BYTES(32) / 2; i++)    /* heads, mostly in range */
			le16_put(fake_ptr(&f.g, DRV_AVAIL + 2 * i, 2),
				 (uint16_t)(rng() % 8 ? rng() % size : rng()));
		if (rng() % 8)
			le16_put(fake_ptr(&f.g, DRV_AVAIL + 2, 2), (uint16_t)(rng() % (size + 2)));
		assert_int_equal(vq_setup(&f.vq, &f.g.mem, size, 32,
					  rng() % 16 ? DRV_DESC : FAKE_RAM_BASE + FAKE_RAM_SIZE - 64,
					  DRV_AVAIL, rng() % 16 ? DRV_USED : 0), VQ_OK);
		for (unsigned int n = 0; n < 4; n++) {
			enum vq_status s = vq_pop(&f.vq, f.segs, max_segs, &f.chain);

			if (s == VQ_EMPTY)
				break;
			if (vq_is_error(s)) {
				errors++;
				by_status[s]++;
				assert_int_equal(f.vq.error, s);
				assert_int_equal(vq_pop(&f.vq, f.segs, max_segs, &f.chain), s);
				break;
			}
			ok++;
			assert_int_equal(s, VQ_OK);
			assert_true(f.chain.head < size);
			assert_true(f.chain.nsegs >= 1 && f.chain.nsegs <= max_segs);
			assert_true(f.chain.nsegs <= size);
			uint64_t r = 0, w = 0;
			for (unsigned int i = 0; i < f.chain.nsegs; i++) {
				assert_true(f.segs[i].len > 0);
				assert_true(f.segs[i].gpa + f.segs[i].len > f.segs[i].gpa);
				assert_int_equal(f.segs[i].writable, i >= f.chain.nreadable);
				*(f.segs[i].writable ? &w : &r) += f.segs[i].len;
			}
			assert_int_equal(r, f.chain.readable_len);
			assert_int_equal(w, f.chain.writable_len);
			if (rng() % 2) {
				s = vq_push(&f.vq, f.chain.head, (uint32_t)rng());
				assert_true(s == VQ_OK || s == VQ_ERR_MEMORY);
			}
			vq_should_interrupt(&f.vq);
		}
	}
	print_message("fuzz: %u chains taken, %u refused:", ok, errors);
	for (int s = VQ_ERR_AVAIL_IDX; s <= VQ_ERR_MEMORY; s++)
		print_message(" %s %u", vq_status_name(s), by_status[s]);
	print_message("\n");
	assert_true(ok > 1000);
	for (int s = VQ_ERR_AVAIL_IDX; s <= VQ_ERR_MEMORY; s++)
		assert_true(by_status[s] > 0);          /* every pop error was met */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_setup_checks, teardown),
		cmocka_unit_test_teardown(test_not_set_up, teardown),
		cmocka_unit_test_teardown(test_empty, teardown),
		cmocka_unit_test_teardown(test_one_chain_round_trip, teardown),
		cmocka_unit_test_teardown(test_many_chains_wrap, teardown),
		cmocka_unit_test_teardown(test_avail_idx_ahead, teardown),
		cmocka_unit_test_teardown(test_head_out_of_range, teardown),
		cmocka_unit_test_teardown(test_head_in_flight, teardown),
		cmocka_unit_test_teardown(test_next_out_of_range, teardown),
		cmocka_unit_test_teardown(test_loops, teardown),
		cmocka_unit_test_teardown(test_readable_after_writable, teardown),
		cmocka_unit_test_teardown(test_indirect, teardown),
		cmocka_unit_test_teardown(test_zero_length, teardown),
		cmocka_unit_test_teardown(test_too_many_segments, teardown),
		cmocka_unit_test_teardown(test_total_length, teardown),
		cmocka_unit_test_teardown(test_buffer_wraps_address_space, teardown),
		cmocka_unit_test_teardown(test_areas_outside_ram, teardown),
		cmocka_unit_test_teardown(test_push_checks_id, teardown),
		cmocka_unit_test_teardown(test_interrupt_suppression, teardown),
		cmocka_unit_test_teardown(test_reset_after_error, teardown),
		cmocka_unit_test_teardown(test_status_names, teardown),
		cmocka_unit_test_teardown(test_fuzz, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
