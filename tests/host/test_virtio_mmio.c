/*
 * Host unit tests for devices/virtio_mmio.c (virtio_mmio_init, _read,
 * _write, _irq, _live, _vq, _has_feature, _used, _fail, _vq_failed,
 * _config_changed).
 *
 * The oracle is the virtio 1.2 specification (2.1 device status, 3.1
 * initialization, 4.2.2 the MMIO registers) and the access sequence of
 * Linux's drivers/virtio/virtio_mmio.c: virtio_mmio_probe (magic,
 * version, device ID, vendor), vm_reset, vm_get_features and
 * vm_finalize_features (the two feature words, VERSION_1 required),
 * vm_setup_vq and vm_del_vq, vm_interrupt (status, then ack) and
 * vm_get/vm_set for config space, behind a fake device model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/host/helpers.h"
#include "tests/host/fake_guest.h"

#include "devices/virtio_mmio.h"

#define FAKE_DEVICE_ID   5
#define FAKE_FEATURES    ((1ull << 0) | (1ull << 5) | (1ull << 28) | (1ull << 29) | (1ull << 45))
#define FAKE_OFFERED     ((1ull << 0) | (1ull << 5) | (1ull << 45) | (1ull << VIRTIO_F_VERSION_1))
#define FAKE_QUEUES      2
#define FAKE_NUM_MAX     16

/* The fake device model: 12 bytes of config, every call recorded. */
static struct {
	uint8_t config[12];
	unsigned int resets, notifies, last_queue, config_writes;
	bool cut_short;         /* the next notify did its budget's worth */
} fake;

static uint64_t fake_features(void *dev)
{
	return FAKE_FEATURES;
}

static void fake_config_read(void *dev, uint32_t offset, uint8_t *buf, uint32_t len)
{
	assert_true(offset + len <= sizeof(fake.config));
	memcpy(buf, fake.config + offset, len);
}

static void fake_config_write(void *dev, uint32_t offset, const uint8_t *buf, uint32_t len)
{
	assert_true(offset + len <= sizeof(fake.config));
	memcpy(fake.config + offset, buf, len);
	fake.config_writes++;
}

static bool fake_notify(void *dev, unsigned int queue)
{
	bool done = !fake.cut_short;

	fake.notifies++;
	fake.last_queue = queue;
	fake.cut_short = false;
	return done;
}

static void fake_reset(void *dev)
{
	fake.resets++;
}

static const struct virtio_mmio_ops fake_ops = {
	.device_id = FAKE_DEVICE_ID, .nqueues = FAKE_QUEUES, .queue_num_max = FAKE_NUM_MAX,
	.config_size = sizeof(fake.config), .features = fake_features,
	.config_read = fake_config_read, .config_write = fake_config_write,
	.queue_notify = fake_notify, .reset = fake_reset,
};

static struct fake_guest g;
static struct virtio_mmio t;

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	for (unsigned int i = 0; i < sizeof(fake.config); i++)
		fake.config[i] = (uint8_t)(0x10 + i);
	fake_guest_init(&g);
	memset(&t, 0xa5, sizeof(t));    /* virtio_mmio_init must not rely on zeroed memory */
	virtio_mmio_init(&t, &fake_ops, &fake, &g.mem);
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free(&g);
	return 0;
}

static uint32_t rd(uint32_t reg)
{
	return (uint32_t)virtio_mmio_read(&t, reg, 4);
}

static void wr(uint32_t reg, uint32_t value)
{
	virtio_mmio_write(&t, reg, 4, value);
}

/* vm_get_features: the high word first, then the low. */
static uint64_t get_features(void)
{
	uint64_t f;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* vm_finalize_features, then FEATURES_OK; returns whether it stuck. */
static bool negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	return rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

/* vm_setup_vq for queue q with size num at the fake driver's areas. */
static void setup_vq(uint32_t q, uint32_t num)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), FAKE_NUM_MAX);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DRV_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(DRV_DESC >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)DRV_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(DRV_AVAIL >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)DRV_USED);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(DRV_USED >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* The whole of Linux's bring-up: a live device with queue 0 ready. */
static void bring_up(void)
{
	assert_true(negotiate(FAKE_OFFERED));
	setup_vq(0, 8);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_mmio_live(&t));
}

static void test_probe_identity(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), FAKE_DEVICE_ID);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_false(virtio_mmio_irq(&t));
	assert_false(virtio_mmio_live(&t));
	assert_int_equal(t.count.bad_access, 0);
}

/* VERSION_1 offered by the transport; its own bits 24..40 never by the
 * device model (INDIRECT_DESC 28 and EVENT_IDX 29 are masked). */
static void test_device_features(void **state)
{
	assert_int_equal(get_features(), FAKE_OFFERED);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_features_accepted(void **state)
{
	assert_true(negotiate(1ull << VIRTIO_F_VERSION_1 | 1ull << 5));
	assert_true(virtio_mmio_has_feature(&t, VIRTIO_F_VERSION_1));
	assert_true(virtio_mmio_has_feature(&t, 5));
	assert_false(virtio_mmio_has_feature(&t, 0));
	assert_false(virtio_mmio_has_feature(&t, 64));
	assert_int_equal(t.count.refused_features, 0);
	/* after FEATURES_OK the features are fixed */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	assert_false(virtio_mmio_has_feature(&t, 0));
	assert_int_equal(t.count.ignored_writes, 1);
}

static void test_features_refused(void **state)
{
	assert_false(negotiate(1ull << VIRTIO_F_VERSION_1 | 1ull << 28));   /* not offered */
	assert_false(negotiate(1ull << VIRTIO_F_VERSION_1 | 1ull << 1));
	assert_false(negotiate(1ull << 5));                 /* legacy: no VERSION_1 */
	assert_false(negotiate(0));
	assert_int_equal(t.count.refused_features, 4);
	/* the other bits the driver set are kept */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_true(negotiate(FAKE_OFFERED));               /* everything offered is fine */
}

/* Bits are added, never cleared but by 0, and NEEDS_RESET is the device's. */
static void test_status_bits(void **state)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_NEEDS_RESET | 0x30);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FAILED, VIRTIO_STATUS_FAILED);
	/* DRIVER_OK without FEATURES_OK: the device does not go live */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);
	assert_false(virtio_mmio_live(&t));
}

static void test_queue_setup(void **state)
{
	struct virtqueue *vq = virtio_mmio_vq(&t, 0);

	assert_true(negotiate(FAKE_OFFERED));
	setup_vq(0, 8);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	assert_true(vq_ready(vq));
	assert_int_equal(vq->size, 8);
	assert_int_equal(vq->desc, DRV_DESC);
	assert_int_equal(vq->avail, DRV_AVAIL);
	assert_int_equal(vq->used, DRV_USED);
	/* the registers cannot change under a ready queue */
	wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	assert_int_equal(t.count.ignored_writes, 2);
	assert_int_equal(t.queue[0].num, 8);
	assert_int_equal(t.queue[0].desc, DRV_DESC);
	/* queue 1 is separate; queue 2 does not exist */
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* vm_del_vq */
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(vq_ready(vq));
	assert_int_equal(t.count.device_errors, 0);
	assert_int_equal(t.count.bad_access, 0);
}

/* A queue the virtqueue refuses (size, alignment) fails the device. */
static void test_bad_queue_fails_device(void **state)
{
	const uint32_t bad_nums[] = { 0, 3, 32, 0x10000 };

	for (unsigned int i = 0; i < sizeof(bad_nums) / sizeof(bad_nums[0]); i++) {
		assert_true(negotiate(FAKE_OFFERED));
		setup_vq(0, bad_nums[i]);
		assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
		assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	}
	assert_int_equal(t.count.vq_errors[VQ_ERR_SIZE], 4);
	assert_true(negotiate(FAKE_OFFERED));
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DRV_DESC + 8);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(t.count.vq_errors[VQ_ERR_ALIGN], 1);
	assert_int_equal(t.count.device_errors, 5);
}

static void test_notify(void **state)
{
	assert_true(negotiate(FAKE_OFFERED));
	setup_vq(0, 8);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);                /* before DRIVER_OK */
	assert_int_equal(fake.notifies, 0);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fake.notifies, 1);
	assert_int_equal(fake.last_queue, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);                /* not ready */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 2);                /* no such queue */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	assert_int_equal(fake.notifies, 1);
	assert_int_equal(t.count.ignored_writes, 4);
	assert_int_equal(t.count.notifies, 1);
}

/* A notify the device model cut short: the write says so (the guest's
 * store is made again), and the next one goes through as any other. */
static void test_notify_again(void **state)
{
	assert_true(negotiate(FAKE_OFFERED));
	setup_vq(0, 8);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	fake.cut_short = true;
	assert_false(virtio_mmio_write(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_true(virtio_mmio_write(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0));
	assert_int_equal(fake.notifies, 2);
	assert_int_equal(t.count.notifies, 2);
	assert_int_equal(t.count.notifies_again, 1);
	/* other writes are always done */
	assert_true(virtio_mmio_write(&t, VIRTIO_MMIO_INTERRUPT_ACK, 4, 0));
	assert_true(virtio_mmio_write(&t, 0x101, 1, 0xaa));     /* a bad access */
	assert_int_equal(t.count.notifies_again, 1);
}

/* vm_interrupt: read InterruptStatus, write it to InterruptACK. */
static void test_used_interrupt(void **state)
{
	struct drv_queue q;

	bring_up();
	drv_init(&q, &g, 8);
	virtio_mmio_used(&t, 0);
	assert_true(virtio_mmio_irq(&t));
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	assert_false(virtio_mmio_irq(&t));
	drv_set_avail_flags(&q, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtio_mmio_used(&t, 0);
	assert_false(virtio_mmio_irq(&t));
	assert_int_equal(t.count.bad_access, 0);
}

static void test_device_error(void **state)
{
	unsigned int resets;

	/* before DRIVER_OK: the bit, no interrupt */
	assert_true(negotiate(FAKE_OFFERED));
	virtio_mmio_fail(&t);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_mmio_irq(&t));

	bring_up();
	virtio_mmio_vq_failed(&t, VQ_ERR_LOOP);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	assert_false(virtio_mmio_live(&t));
	virtio_mmio_vq_failed(&t, VQ_ERR_HEAD);         /* already failed: not counted again */
	assert_int_equal(t.count.vq_errors[VQ_ERR_LOOP], 1);
	assert_int_equal(t.count.vq_errors[VQ_ERR_HEAD], 0);
	assert_int_equal(t.count.device_errors, 2);
	/* notifications go nowhere; the driver cannot clear the bit */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fake.notifies, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	/* the reset ends it, and takes everything back */
	resets = fake.resets;
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(fake.resets, resets + 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(virtio_mmio_irq(&t));
	assert_false(vq_ready(virtio_mmio_vq(&t, 0)));
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(virtio_mmio_has_feature(&t, VIRTIO_F_VERSION_1));
	bring_up();                                     /* and it comes up again */
}

/* vm_get/vm_set: bytes, halves, words, and 8 bytes, little-endian. */
static void test_config_space(void **state)
{
	assert_int_equal(virtio_mmio_read(&t, 0x100, 1), 0x10);
	assert_int_equal(virtio_mmio_read(&t, 0x103, 1), 0x13);
	assert_int_equal(virtio_mmio_read(&t, 0x102, 2), 0x1312);
	assert_int_equal(virtio_mmio_read(&t, 0x104, 4), 0x17161514);
	assert_int_equal(virtio_mmio_read(&t, 0x100, 8), 0x1716151413121110ull);
	assert_int_equal(virtio_mmio_read(&t, 0x108, 4), 0x1b1a1918);
	assert_int_equal(t.count.bad_access, 0);
	virtio_mmio_write(&t, 0x101, 1, 0xaa);
	virtio_mmio_write(&t, 0x104, 4, 0xdeadbeef);
	assert_int_equal(fake.config[1], 0xaa);
	assert_int_equal(virtio_mmio_read(&t, 0x104, 4), 0xdeadbeef);
	assert_int_equal(fake.config_writes, 2);
	/* past the end, misaligned, odd widths */
	assert_int_equal(virtio_mmio_read(&t, 0x10c, 1), 0);
	assert_int_equal(virtio_mmio_read(&t, 0x108, 8), 0);
	assert_int_equal(virtio_mmio_read(&t, 0x1fc, 4), 0);
	assert_int_equal(virtio_mmio_read(&t, 0x101, 2), 0);
	assert_int_equal(virtio_mmio_read(&t, 0x100, 3), 0);
	virtio_mmio_write(&t, 0x10c, 4, 1);
	virtio_mmio_write(&t, 0x102, 4, 1);
	assert_int_equal(fake.config_writes, 2);
	assert_int_equal(t.count.bad_access, 7);
}

static void test_config_generation(void **state)
{
	virtio_mmio_config_changed(&t);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_false(virtio_mmio_irq(&t));              /* no driver yet */
	bring_up();
	virtio_mmio_config_changed(&t);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
}

/* Reads of 0 and ignored writes for everything that is no register. */
static void test_bad_accesses(void **state)
{
	const uint32_t holes[] = { 0x018, 0x01c, 0x028, 0x03c, 0x040, 0x048, 0x054, 0x068,
				   0x074, 0x088, 0x098, 0x0a8, 0x0ac, 0x0b0, 0x0f8 };
	const uint32_t write_only[] = { VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
					VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
					VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK,
					VIRTIO_MMIO_QUEUE_DESC_LOW, VIRTIO_MMIO_QUEUE_USED_HIGH };
	const uint32_t read_only[] = { VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION,
				       VIRTIO_MMIO_DEVICE_ID, VIRTIO_MMIO_VENDOR_ID,
				       VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_QUEUE_NUM_MAX,
				       VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_CONFIG_GENERATION };
	uint64_t bad = 0;

	bring_up();
	for (unsigned int i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		assert_int_equal(rd(holes[i]), 0);
		wr(holes[i], 0xffffffff);
		bad += 2;
	}
	for (unsigned int i = 0; i < sizeof(write_only) / sizeof(write_only[0]); i++, bad++)
		assert_int_equal(rd(write_only[i]), 0);
	for (unsigned int i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++, bad++)
		wr(read_only[i], 0x12345678);
	/* widths and alignment of the control registers */
	assert_int_equal(virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	assert_int_equal(virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(virtio_mmio_read(&t, VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	assert_int_equal(virtio_mmio_read(&t, VIRTIO_MMIO_VERSION + 2, 4), 0);
	virtio_mmio_write(&t, VIRTIO_MMIO_STATUS, 1, 0);        /* would be a reset */
	virtio_mmio_write(&t, VIRTIO_MMIO_STATUS, 8, 0);
	virtio_mmio_write(&t, VIRTIO_MMIO_STATUS + 1, 4, 0);
	bad += 7;
	assert_int_equal(t.count.bad_access, bad);
	/* none of it changed the device */
	assert_true(virtio_mmio_live(&t));
	assert_int_equal(fake.resets, 1);               /* bring_up's own reset only */
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), FAKE_DEVICE_ID);
	assert_int_equal(get_features(), FAKE_OFFERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_queue_fails_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_used_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
