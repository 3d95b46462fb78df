/*
 * Host unit tests for devices/virtio_blk.c (virtio_blk_init and the
 * device model behind its transport) and devices/blk_ram.c.
 *
 * The oracle is the virtio 1.2 specification, 5.2 "Block Device" (the
 * request header, status values, VIRTIO_BLK_F_RO, config layout) and what
 * Linux's drivers/block/virtio_blk.c sends: a header descriptor, data
 * descriptors, a 1-byte status descriptor, one chain per request. Every
 * request goes through the registers, a split queue in fake guest RAM and
 * a RAM disk, as a guest's would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"
#include "tests/host/fake_guest.h"

#include "devices/blk_ram.h"
#include "devices/virtio_blk.h"

#define QSIZE        16
#define DISK_SECTORS 64
#define HDR_GPA      (DRV_DATA)
#define STATUS_GPA   (DRV_DATA + 0x100)
#define BUF_GPA      (DRV_DATA + 0x1000)        /* up to 0x20000 bytes of data */
#define NO_STATUS    0xee                       /* what the status byte holds before */

static struct fake_guest g;
static struct drv_queue q;
static uint8_t *disk_bytes;
static struct blk_ram ram;
static struct blk_backend disk;
static struct virtio_blk blk;

static uint32_t rd(uint32_t reg)
{
	return (uint32_t)virtio_mmio_read(&blk.mmio, reg, 4);
}

static void wr(uint32_t reg, uint32_t value)
{
	virtio_mmio_write(&blk.mmio, reg, 4, value);
}

/* Linux's bring-up: reset, ACK, DRIVER, all features offered, queue 0
 * of qsize entries. */
static void bring_up_queue(uint16_t qsize)
{
	uint64_t features;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, qsize);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DRV_DESC);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)DRV_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)DRV_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_mmio_live(&blk.mmio));
	memset(g.ram, 0, FAKE_RAM_SIZE);
	drv_init(&q, &g, qsize);
}

static void bring_up(void)
{
	bring_up_queue(QSIZE);
}

/* The disk's byte i before any write. */
static uint8_t original(unsigned int i)
{
	return (uint8_t)(i / BLK_SECTOR_SIZE + i * 7);
}

static void make_disk(bool read_only, uint32_t sectors, uint32_t tail)
{
	fake_guest_init(&g);
	disk_bytes = malloc((size_t)sectors * BLK_SECTOR_SIZE);
	assert_non_null(disk_bytes);
	for (unsigned int i = 0; i < sectors * BLK_SECTOR_SIZE; i++)
		disk_bytes[i] = original(i);
	blk_ram_init(&ram, &disk, disk_bytes, (uint64_t)sectors * BLK_SECTOR_SIZE + tail, read_only,
		     "disco-disk-0123456789");
	memset(&blk, 0x5a, sizeof(blk));        /* virtio_blk_init must not rely on zeroed memory */
	virtio_blk_init(&blk, &disk, &g.mem);
}

static void make_device(bool read_only)
{
	make_disk(read_only, DISK_SECTORS, 100);
	bring_up();
}

static int setup_rw(void **state)
{
	make_device(false);
	return 0;
}

static int setup_ro(void **state)
{
	make_device(true);
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free(&g);
	free(disk_bytes);
	return 0;
}

static void put_header(uint32_t type, uint64_t sector)
{
	uint8_t *h = fake_ptr(&g, HDR_GPA, 16);

	le32_put(h, type);
	le32_put(h + 4, 0);
	le64_put(h + 8, sector);
	*fake_ptr(&g, STATUS_GPA, 1) = NO_STATUS;
}

/* Linux's chain: header, data split into pieces of at most piece bytes
 * (writable for IN, GET_ID), status; published and notified. Returns the
 * used length the device reported, UINT32_MAX if nothing was used. */
static uint32_t submit(uint32_t type, uint64_t sector, uint32_t len, uint32_t piece,
		       bool writable)
{
	uint16_t i = 0, head = (uint16_t)(q.avail_idx * 5 % QSIZE);
	uint16_t w = writable ? VIRTQ_DESC_F_WRITE : 0;
	uint32_t id, used_len;

	put_header(type, sector);
	drv_desc(&q, head, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, (head + 1) % QSIZE);
	for (uint32_t off = 0; off < len; off += piece) {
		uint32_t n = len - off < piece ? len - off : piece;

		i++;
		drv_desc(&q, (head + i) % QSIZE, BUF_GPA + off, n, VIRTQ_DESC_F_NEXT | w,
			 (head + i + 1) % QSIZE);
	}
	i++;
	drv_desc(&q, (head + i) % QSIZE, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&q, head);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (!drv_take_used(&q, &id, &used_len))
		return UINT32_MAX;
	assert_int_equal(id, head);
	return used_len;
}

static uint8_t status(void)
{
	return *fake_ptr(&g, STATUS_GPA, 1);
}

/* The device still works: a 1-sector read succeeds. */
static void assert_still_live(void)
{
	assert_true(virtio_mmio_live(&blk.mmio));
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 0, 512, 512, true), 513);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
}

/* The device failed: NEEDS_RESET, the config interrupt, nothing used. */
static void assert_failed(uint32_t used_len)
{
	assert_int_equal(used_len, UINT32_MAX);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	assert_true(virtio_mmio_irq(&blk.mmio));
	assert_int_equal(status(), NO_STATUS);
	/* the driver's reset brings it back */
	bring_up();
	assert_still_live();
}

static void test_identity_and_config(void **state)
{
	uint64_t features;

	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= rd(VIRTIO_MMIO_DEVICE_FEATURES);
	assert_int_equal(features, 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_SIZE_MAX |
				   1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH);
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x108, 4), VIRTIO_BLK_SIZE_MAX);
	/* capacity as Linux reads it: two 32-bit halves; and as one load */
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x100, 4), DISK_SECTORS);
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x104, 4), 0);
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x100, 8), DISK_SECTORS);
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x10c, 4), VIRTIO_BLK_MAX_SEGS - 2);
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x100 + 56, 4), 0);
	assert_int_equal(blk.mmio.count.bad_access, 0);
	virtio_mmio_write(&blk.mmio, 0x100, 4, 1);      /* nothing is writable */
	assert_int_equal(virtio_mmio_read(&blk.mmio, 0x100, 4), DISK_SECTORS);
	assert_int_equal(blk.mmio.count.bad_access, 1);
}

static void test_read(void **state)
{
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 3, 2 * 512, 4096, true), 2 * 512 + 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 1024), disk_bytes + 3 * 512, 1024);
	assert_true(virtio_mmio_irq(&blk.mmio));
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_false(virtio_mmio_irq(&blk.mmio));
	assert_int_equal(blk.count.reads, 1);
	assert_int_equal(blk.count.bytes_read, 1024);
}

/* The share hook: takes the pages of even 4 KiB blocks (it "maps" them by
 * filling the page with 0x5a), refuses the others. */
static unsigned int share_calls, share_offered;
static void fake_share(void *ctx, uint64_t sector, const uint64_t *gpa, unsigned int n,
		       uint32_t *shared)
{
	(void)ctx;
	share_calls++;
	share_offered += n;
	assert_int_equal(sector % 8, 0);
	assert_true(n >= 1 && n <= VIRTIO_BLK_SHARE_RUN);
	*shared = 0;
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(gpa[i] % 4096, 0);
		if ((sector / 8 + i) % 2)
			continue;
		memset(fake_ptr(&g, gpa[i], 4096), 0x5a, 4096);
		*shared |= 1u << i;
	}
}

static void test_shared_read(void **state)
{
	static const struct virtio_blk_share share = { NULL, fake_share };
	uint8_t *buf;

	assert_int_equal(BUF_GPA % 4096, 0);
	virtio_blk_set_share(&blk, &share);
	share_calls = share_offered = 0;
	/* blocks 1..4 into one 16 KiB buffer, offered as one run: 2 and 4
	 * mapped, 1 and 3 copied */
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 8, 16384, 16384, true), 16385);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_int_equal(share_calls, 1);
	assert_int_equal(share_offered, 4);
	assert_int_equal(blk.count.shared_pages, 2);
	buf = fake_ptr(&g, BUF_GPA, 16384);
	assert_memory_equal(buf, disk_bytes + 8 * 512, 4096);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(buf[4096 + i], 0x5a);
	assert_memory_equal(buf + 8192, disk_bytes + 24 * 512, 4096);
	assert_int_equal(blk.count.bytes_read, 16384);
	/* the same blocks in four buffers of a page: still one run */
	share_calls = share_offered = 0;
	memset(buf, 0, 16384);
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 8, 16384, 4096, true), 16385);
	assert_int_equal(share_calls, 1);
	assert_int_equal(share_offered, 4);
	assert_int_equal(blk.count.shared_pages, 4);
	assert_memory_equal(buf, disk_bytes + 8 * 512, 4096);
	assert_int_equal(buf[4096], 0x5a);
	assert_memory_equal(buf + 12288 - 4096, disk_bytes + 24 * 512, 4096);
	/* not block-aligned on the disk, or pieces smaller than a page: no call */
	share_calls = 0;
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 3, 8192, 8192, true), 8193);
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 16, 8192, 2048, true), 8193);
	assert_int_equal(share_calls, 0);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 8192), disk_bytes + 16 * 512, 8192);
	/* writes never ask */
	assert_int_equal(submit(VIRTIO_BLK_T_OUT, 16, 4096, 4096, false), 1);
	assert_int_equal(share_calls, 0);
}

/* Data split into odd pieces, larger than the bounce buffer. */
static void test_write_read_round_trip(void **state)
{
	enum { len = 20 * 512 };
	static uint8_t pattern[len];

	for (uint32_t i = 0; i < len; i++)
		pattern[i] = (uint8_t)(i * 13 + 5);
	memcpy(fake_ptr(&g, BUF_GPA, len), pattern, len);
	assert_int_equal(submit(VIRTIO_BLK_T_OUT, 40, len, 1000, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(disk_bytes + 40 * 512, pattern, len);
	assert_int_equal(disk_bytes[40 * 512 - 1], original(40 * 512 - 1));    /* neighbours kept */
	assert_int_equal(disk_bytes[60 * 512], original(60 * 512));
	memset(fake_ptr(&g, BUF_GPA, len), 0, len);
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 40, len, 777, true)   /* 16 descriptors */, len + 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, len), pattern, len);
	/* the last sector of the disk, exactly */
	assert_int_equal(submit(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, 512, 512, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_int_equal(blk.count.bytes_written, len + 512);
}

static void test_flush(void **state)
{
	assert_int_equal(submit(VIRTIO_BLK_T_FLUSH, 0, 0, 512, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_int_equal(ram.flushes, 1);
	assert_int_equal(blk.count.flushes, 1);
}

static void test_get_id(void **state)
{
	assert_int_equal(submit(VIRTIO_BLK_T_GET_ID, 0, 20, 20, true), 21);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 20), "disco-disk-012345678", 20);
	memset(fake_ptr(&g, BUF_GPA, 20), 0, 20);
	assert_int_equal(submit(VIRTIO_BLK_T_GET_ID, 0, 8, 8, true), 9);      /* short buffer */
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 9), "disco-di\0", 9);
}

static void test_out_of_range(void **state)
{
	const uint64_t sectors[] = { DISK_SECTORS, DISK_SECTORS - 1, 0xffffffffffffffffull,
				     0x8000000000000000ull, 0xfffffffffffffff8ull };
	static uint8_t copy[DISK_SECTORS * 512];

	memcpy(copy, disk_bytes, DISK_SECTORS * 512);
	for (unsigned int i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		assert_int_equal(submit(VIRTIO_BLK_T_IN, sectors[i], 1024, 512, true), 1);
		assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
		assert_int_equal(submit(VIRTIO_BLK_T_OUT, sectors[i], 1024, 512, false), 1);
		assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	}
	assert_memory_equal(disk_bytes, copy, DISK_SECTORS * 512);
	assert_int_equal(blk.count.ioerr, 10);
	assert_still_live();
}

static void test_partial_sector(void **state)
{
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 0, 100, 100, true), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	assert_int_equal(submit(VIRTIO_BLK_T_OUT, 0, 513, 600, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	assert_still_live();
}

static void test_unsupported(void **state)
{
	const uint32_t types[] = { 2, 11, 13, 0xffffffff };

	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(submit(types[i], 0, 512, 512, false), 1);
		assert_int_equal(status(), VIRTIO_BLK_S_UNSUPP);
	}
	assert_int_equal(blk.count.unsupp, 4);
	assert_still_live();
}

static void test_read_only(void **state)
{
	uint8_t before[512];

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_BLK_F_RO);
	memcpy(before, disk_bytes, 512);
	memset(fake_ptr(&g, BUF_GPA, 512), 0x77, 512);
	assert_int_equal(submit(VIRTIO_BLK_T_OUT, 0, 512, 512, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	assert_memory_equal(disk_bytes, before, 512);
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 0, 512, 512, true), 513);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 512), before, 512);
	assert_int_equal(submit(VIRTIO_BLK_T_FLUSH, 0, 0, 512, false), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	/* and the RAM disk refuses a write on its own too */
	assert_false(disk.write(disk.ctx, 0, before, 1));
}

static bool failing_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	return false;
}

static void test_backend_failure(void **state)
{
	disk.read = failing_read;
	assert_int_equal(submit(VIRTIO_BLK_T_IN, 0, 512, 512, true), 1);
	assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	assert_true(virtio_mmio_live(&blk.mmio));
}

/* A header of 8 bytes: the request cannot be understood. */
static void test_header_too_short(void **state)
{
	put_header(VIRTIO_BLK_T_IN, 0);
	drv_desc(&q, 0, HDR_GPA, 8, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&q, 1, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&q, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(blk.count.malformed, 1);
	assert_failed(drv_used_idx(&q) ? 0 : UINT32_MAX);
}

/* Only readable descriptors: no status byte, and so no status segment
 * that is writable. */
static void test_no_status_byte(void **state)
{
	put_header(VIRTIO_BLK_T_OUT, 0);
	drv_desc(&q, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&q, 1, BUF_GPA, 512, VIRTQ_DESC_F_NEXT, 2);
	drv_desc(&q, 2, STATUS_GPA, 1, 0, 0);                  /* status, not writable */
	drv_publish(&q, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(blk.count.malformed, 1);
	assert_failed(drv_used_idx(&q) ? 0 : UINT32_MAX);
}

/* A read's data writable and its status readable after it: the chain's
 * order is wrong (the queue refuses it). */
static void test_status_not_writable(void **state)
{
	put_header(VIRTIO_BLK_T_IN, 0);
	drv_desc(&q, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&q, 1, BUF_GPA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	drv_desc(&q, 2, STATUS_GPA, 1, 0, 0);
	drv_publish(&q, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(blk.mmio.count.vq_errors[VQ_ERR_ORDER], 1);
	assert_failed(drv_used_idx(&q) ? 0 : UINT32_MAX);
}

/* Data and status buffers outside the VM's RAM: refused by the accessor,
 * the device fails, nothing outside is touched (ASan watches the RAM). */
static void test_buffers_outside_ram(void **state)
{
	const uint64_t outside[] = { FAKE_RAM_BASE + FAKE_RAM_SIZE - 256, 0, 0x7fffffffffff0000ull };

	for (unsigned int i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		uint64_t refused = g.refused;

		put_header(VIRTIO_BLK_T_IN, 0);
		drv_desc(&q, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
		drv_desc(&q, 1, outside[i], 1024, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
		drv_desc(&q, 2, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
		drv_publish(&q, 0);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		assert_true(g.refused > refused);
		assert_failed(drv_used_idx(&q) == q.used_seen ? UINT32_MAX : 0);
	}
	/* a header outside, and a status byte outside */
	put_header(VIRTIO_BLK_T_IN, 0);
	drv_desc(&q, 0, FAKE_RAM_BASE - 8, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&q, 1, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&q, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_failed(drv_used_idx(&q) == q.used_seen ? UINT32_MAX : 0);
	drv_desc(&q, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&q, 1, FAKE_RAM_BASE + FAKE_RAM_SIZE, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&q, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(drv_used_idx(&q), q.used_seen);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(blk.mmio.count.vq_errors[VQ_ERR_MEMORY], 5);
}

/* Several requests in one notify, all served, one interrupt. */
static void test_batch(void **state)
{
	uint32_t id, len;

	for (uint16_t r = 0; r < 4; r++) {
		uint16_t h = (uint16_t)(3 * r);
		uint8_t *hdr = fake_ptr(&g, HDR_GPA + 32 * r, 16);

		le32_put(hdr, VIRTIO_BLK_T_IN);
		le64_put(hdr + 8, r);
		drv_desc(&q, h, HDR_GPA + 32 * r, 16, VIRTQ_DESC_F_NEXT, h + 1);
		drv_desc(&q, h + 1, BUF_GPA + 512 * r, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, h + 2);
		drv_desc(&q, h + 2, STATUS_GPA + r, 1, VIRTQ_DESC_F_WRITE, 0);
		drv_publish(&q, h);
	}
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (uint16_t r = 0; r < 4; r++) {
		assert_true(drv_take_used(&q, &id, &len));
		assert_int_equal(id, 3 * r);
		assert_int_equal(len, 513);
		assert_int_equal(*fake_ptr(&g, STATUS_GPA + r, 1), VIRTIO_BLK_S_OK);
	}
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 2048), disk_bytes, 2048);
	assert_false(drv_take_used(&q, &id, &len));
	assert_int_equal(blk.mmio.count.notifies, 1);
}

static void test_blk_ram_bounds(void **state)
{
	uint8_t buf[1024];

	assert_true(disk.read(disk.ctx, DISK_SECTORS - 2, buf, 2));
	assert_false(disk.read(disk.ctx, DISK_SECTORS - 1, buf, 2));   /* the partial tail is no sector */
	assert_false(disk.read(disk.ctx, 0xffffffffffffffffull, buf, 1));
	assert_false(disk.read(disk.ctx, 0, buf, 0));
	assert_false(disk.write(disk.ctx, DISK_SECTORS, buf, 1));
	assert_int_equal(disk.sectors, DISK_SECTORS);
}

/* ---- what one notify may cost (a 4 MiB disk, a 64-entry queue) ---- */

#define BIG_SECTORS  8192
#define BIG_QSIZE    64
#define BIG_PIECE    (224 * 1024)       /* data descriptors: all at BUF_GPA */

static int setup_big(void **state)
{
	make_disk(false, BIG_SECTORS, 0);
	bring_up_queue(BIG_QSIZE);
	return 0;
}

/* Request k's chain at descriptor first: its own header and status byte,
 * pieces data descriptors of len bytes each (all at BUF_GPA: what they
 * hold does not matter here); published, not notified. */
static void queue_read(unsigned int k, uint16_t first, uint64_t sector, unsigned int pieces,
		       uint32_t len)
{
	uint64_t hdr = DRV_DATA + 32ull * k, st = DRV_DATA + 0x800 + k;
	uint8_t *h = fake_ptr(&g, hdr, 16);
	uint16_t i = first;

	le32_put(h, VIRTIO_BLK_T_IN);
	le32_put(h + 4, 0);
	le64_put(h + 8, sector);
	*fake_ptr(&g, st, 1) = NO_STATUS;
	drv_desc(&q, i, hdr, 16, VIRTQ_DESC_F_NEXT, i + 1);
	for (unsigned int p = 0; p < pieces; p++, i++)
		drv_desc(&q, i + 1, BUF_GPA, len, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, i + 2);
	drv_desc(&q, i + 1, st, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_publish(&q, first);
}

static unsigned int used_now(void)
{
	uint32_t id, len;
	unsigned int n = 0;

	while (drv_take_used(&q, &id, &len))
		n++;
	return n;
}

/* Eight 224 KiB reads at once: the notify stops after the one that
 * passed the budget (5 of them, 1,120 KiB) and says it must be made
 * again; the repeated notify serves the other three. */
static void test_notify_budget(void **state)
{
	for (unsigned int k = 0; k < 8; k++)
		queue_read(k, (uint16_t)(3 * k), 448 * k, 1, BIG_PIECE);
	assert_false(virtio_mmio_write(&blk.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(used_now(), 5);
	assert_true(virtio_mmio_irq(&blk.mmio));        /* what was done is seen */
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x800 + 4, 1), VIRTIO_BLK_S_OK);
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x800 + 5, 1), NO_STATUS);
	assert_true(virtio_mmio_write(&blk.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(used_now(), 3);
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x800 + 7, 1), VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ptr(&g, BUF_GPA, 512), disk_bytes + 448 * 7 * 512, 512);
	assert_int_equal(blk.mmio.count.notifies, 2);
	assert_int_equal(blk.mmio.count.notifies_again, 1);
	assert_int_equal(blk.count.reads, 8);
}

/* A read of VIRTIO_BLK_MAX_DATA is served; 512 bytes more is an I/O error
 * (counted too large) and the device goes on. */
static void test_request_too_large(void **state)
{
	unsigned int pieces = VIRTIO_BLK_MAX_DATA / BIG_PIECE;

	assert_int_equal(pieces * BIG_PIECE, VIRTIO_BLK_MAX_DATA);
	queue_read(0, 0, 0, pieces, BIG_PIECE);
	assert_false(virtio_mmio_write(&blk.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(used_now(), 1);
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x800, 1), VIRTIO_BLK_S_OK);
	queue_read(1, 16, 0, pieces + 1, 512);  /* pieces + 1 descriptors of 512: small */
	assert_true(virtio_mmio_write(&blk.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(used_now(), 1);
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x801, 1), VIRTIO_BLK_S_OK);
	queue_read(2, 32, 0, pieces, BIG_PIECE);
	drv_desc(&q, 32 + pieces, BUF_GPA, BIG_PIECE + 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 32 + pieces + 1);
	assert_true(virtio_mmio_write(&blk.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(used_now(), 1);
	assert_int_equal(*fake_ptr(&g, DRV_DATA + 0x802, 1), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk.count.too_large, 1);
	assert_int_equal(blk.count.ioerr, 1);
	assert_true(virtio_mmio_live(&blk.mmio));
}

#define RW(t) cmocka_unit_test_setup_teardown(t, setup_rw, teardown)
#define BIG(t) cmocka_unit_test_setup_teardown(t, setup_big, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RW(test_identity_and_config),
		RW(test_read),
		RW(test_write_read_round_trip),
		RW(test_flush),
		RW(test_get_id),
		RW(test_out_of_range),
		RW(test_partial_sector),
		RW(test_unsupported),
		cmocka_unit_test_setup_teardown(test_read_only, setup_ro, teardown),
		RW(test_shared_read),
		RW(test_backend_failure),
		RW(test_header_too_short),
		RW(test_no_status_byte),
		RW(test_status_not_writable),
		RW(test_buffers_outside_ram),
		RW(test_batch),
		RW(test_blk_ram_bounds),
		BIG(test_notify_budget),
		BIG(test_request_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
