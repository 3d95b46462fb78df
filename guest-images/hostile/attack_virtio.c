/*
 * Virtio disk attacks (issue 13): the attacker drives its own virtio-blk
 * devices (devices/virtio_blk.h behind devices/virtio_mmio.h) through their
 * registers, as a driver would, and then as no driver should. tests/
 * hostile.sh gives it three disks over a store whose base image holds
 * DSK_WORD(offset) in every 8 bytes:
 *   slot 0  vda  base cow           the attacks
 *   slot 1  vdb  base ro            a write to a read-only disk
 *   slot 2  vdc  data persistent    a write whose data is outside its RAM
 * and no slot 3. After a good read of sector 0 (the driver works), each
 * attack prints "attack-virtio: NAME: OUTCOME" (needs-reset, ioerr, ok,
 * refused, ignored, bad-access, fault) and is checked against what virtio
 * 1.2 and docs/devices.md say; a device left in DEVICE_NEEDS_RESET is reset
 * (Status = 0) and set up again, and a good read shows it works. The
 * summary line gives the counts the monitor's end-of-VM disk lines must
 * show (tests/hostile.sh compares them).
 *
 * virtio-reader (a second VM, on its own cow disk over the same base image)
 * reads and checks the base image's pages and writes and reads back its own
 * sectors, yielding between rounds, for as long as the attack goes on.
 */
#include "attack.h"

typedef unsigned short u16;
typedef unsigned char u8;

/* The device window (docs/guest-abi.md). */
#define VIO_PA(slot)		(0x18010000UL + (u64)(slot) * 0x200)
#define R_MAGIC			0x000
#define R_VERSION		0x004
#define R_DEVICE_ID		0x008
#define R_VENDOR_ID		0x00c
#define R_DEV_FEATURES		0x010
#define R_DEV_FEATURES_SEL	0x014
#define R_DRV_FEATURES		0x020
#define R_DRV_FEATURES_SEL	0x024
#define R_QUEUE_SEL		0x030
#define R_QUEUE_NUM_MAX		0x034
#define R_QUEUE_NUM		0x038
#define R_QUEUE_READY		0x044
#define R_QUEUE_NOTIFY		0x050
#define R_INT_STATUS		0x060
#define R_INT_ACK		0x064
#define R_STATUS		0x070
#define R_DESC_LOW		0x080
#define R_DESC_HIGH		0x084
#define R_AVAIL_LOW		0x090
#define R_AVAIL_HIGH		0x094
#define R_USED_LOW		0x0a0
#define R_USED_HIGH		0x0a4
#define R_CONFIG_GEN		0x0fc
#define R_CONFIG		0x100

#define S_ACK		1
#define S_DRIVER	2
#define S_DRIVER_OK	4
#define S_FEATURES_OK	8
#define S_NEEDS_RESET	64
#define S_LIVE		(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

#define D_NEXT		1
#define D_WRITE		2
#define D_INDIRECT	4

#define T_IN		0
#define T_OUT		1
#define BLK_IOERR	1

#define QSIZE		16
#define SECTOR		512UL

/* The base image's bytes (tests/hostile.sh writes them). */
#define DSK_WORD(off)	(0x44534b0000000000UL | (off))		/* "DSK" */
#define ATK_WORD(off)	(0x41544b2100000000UL | (off))		/* "ATK!" */
#define RDR_WORD(off)	(0x5244522100000000UL | (off))		/* "RDR!" */

/* Each device's queue and buffers in the VM's RAM (12 MiB): 128 KiB from
 * 8 MiB per slot. */
#define AREA(slot)	(8 * MIB + (u64)(slot) * 0x20000)
#define A_DESC		0x0000
#define A_AVAIL		0x0400
#define A_USED		0x0800
#define A_HEADER	0x0c00
#define A_STATUS	0x0e00
#define A_DATA		0x1000		/* 4 KiB, page-aligned */
#define A_DATA2		0x2000		/* 64 KiB */

struct desc {
	u64 addr;
	u32 len;
	u16 flags, next;
};

struct dev {
	int slot;
	u64 area;
	u16 avail_idx;		/* the driver's next avail->idx */
	u16 used_idx;		/* used->idx last seen */
	u64 capacity;		/* sectors */
	u64 ioerr, device_errors, bad_access, malformed;	/* expected counts */
};

static struct dev disks[3];

/* A page of the image (both VMs run hostile.elf, so its loaded pages are
 * shared between them, docs/memory.md): the attacker has the device read
 * the disk into it, the reader checks it still holds IMAGE_WORD. In .text:
 * a 4 KiB-aligned page at the end of .rodata would put .data on a new page
 * and so in a second loadable segment, and tests/hostile.sh's ELF cases
 * patch the first program header as the image's only one. */
#define IMAGE_WORD	0x494d4147452d5047UL	/* "IMAGE-PG" */
static const u64 image_page[512] __attribute__((aligned(4096), section(".text.image_page"))) =
	{ [0 ... 511] = IMAGE_WORD };

static u64 image(int i)
{
	return ((const volatile u64 *)image_page)[i];
}
static int attacks, as_expected;

static volatile u32 *reg(const struct dev *d, u32 off)
{
	return (volatile u32 *)UNCACHED(VIO_PA(d->slot) + off);
}

static u32 rd(const struct dev *d, u32 off)
{
	return *reg(d, off);
}

static void wr(const struct dev *d, u32 off, u32 v)
{
	__asm__ volatile("sync" ::: "memory");
	*reg(d, off) = v;
}

static volatile void *at(u64 pa)
{
	return (volatile void *)CACHED(pa);
}

static volatile struct desc *desc(const struct dev *d, int i)
{
	return (volatile struct desc *)at(d->area + A_DESC) + i;
}

static volatile u16 *avail(const struct dev *d)
{
	return (volatile u16 *)at(d->area + A_AVAIL);
}

static u16 used_idx(const struct dev *d)
{
	return ((volatile u16 *)at(d->area + A_USED))[1];
}

static void zero(u64 pa, u64 len)
{
	for (u64 o = 0; o < len; o += 8)
		*(volatile u64 *)at(pa + o) = 0;
}

/* Status = 0, and whether the device says 0 after it. */
static void reset(struct dev *d)
{
	wr(d, R_STATUS, 0);
	if (rd(d, R_STATUS) != 0)
		BROKEN("vd%c: Status reads %x after a reset", 'a' + d->slot, rd(d, R_STATUS));
	d->avail_idx = d->used_idx = 0;
}

/* Sets the device up as a driver does, on a queue of num at desc, avail and
 * used (guest-physical): its Status at the end (S_LIVE if it works). */
static u32 setup_queue(struct dev *d, u32 num, u64 dsc, u64 avl, u64 usd)
{
	u32 s;

	reset(d);
	zero(d->area, A_DATA);
	wr(d, R_STATUS, S_ACK);
	wr(d, R_STATUS, S_ACK | S_DRIVER);
	wr(d, R_DRV_FEATURES_SEL, 1);
	wr(d, R_DRV_FEATURES, 1);			/* VIRTIO_F_VERSION_1 (bit 32) */
	wr(d, R_DRV_FEATURES_SEL, 0);
	wr(d, R_DRV_FEATURES, 0);
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(d, R_STATUS) & S_FEATURES_OK))
		return rd(d, R_STATUS);
	wr(d, R_QUEUE_SEL, 0);
	wr(d, R_QUEUE_NUM, num);
	wr(d, R_DESC_LOW, (u32)dsc);
	wr(d, R_DESC_HIGH, (u32)(dsc >> 32));
	wr(d, R_AVAIL_LOW, (u32)avl);
	wr(d, R_AVAIL_HIGH, (u32)(avl >> 32));
	wr(d, R_USED_LOW, (u32)usd);
	wr(d, R_USED_HIGH, (u32)(usd >> 32));
	wr(d, R_QUEUE_READY, 1);
	s = rd(d, R_STATUS);
	if (s & S_NEEDS_RESET)
		return s;
	wr(d, R_STATUS, S_LIVE);
	return rd(d, R_STATUS);
}

static u32 setup(struct dev *d)
{
	return setup_queue(d, QSIZE, d->area + A_DESC, d->area + A_AVAIL, d->area + A_USED);
}

static void put(struct dev *d, int i, u64 addr, u32 len, u16 flags, u16 next)
{
	volatile struct desc *p = desc(d, i);

	p->addr = addr;
	p->len = len;
	p->flags = flags;
	p->next = next;
}

/* Offers head and notifies (the device serves it inside the notify). */
static void kick(struct dev *d, u16 head)
{
	avail(d)[2 + d->avail_idx % QSIZE] = head;
	__asm__ volatile("sync" ::: "memory");
	avail(d)[1] = ++d->avail_idx;
	wr(d, R_QUEUE_NOTIFY, 0);
}

/* A request of three descriptors (0: header, 1: data, 2: status) with the
 * data at data (len bytes; IN: device-writable). */
static void chain3(struct dev *d, u32 type, u64 sector, u64 data, u32 len)
{
	volatile u32 *h = at(d->area + A_HEADER);

	h[0] = type;
	h[1] = 0;
	*(volatile u64 *)(h + 2) = sector;
	*(volatile u8 *)at(d->area + A_STATUS) = 0xee;
	put(d, 0, d->area + A_HEADER, 16, D_NEXT, 1);
	put(d, 1, data, len, D_NEXT | (type == T_IN ? D_WRITE : 0), 2);
	put(d, 2, d->area + A_STATUS, 1, D_WRITE, 0);
}

/* What the device did with the last kick, as a word: the device failed
 * (needs-reset: nothing of the chain may be in the used ring, and the
 * configuration interrupt is raised), or the request's status byte. */
static const char *outcome(struct dev *d)
{
	u32 s = rd(d, R_STATUS);
	u16 u = used_idx(d);
	u8 st = *(volatile u8 *)at(d->area + A_STATUS);

	if (s & S_NEEDS_RESET) {
		d->device_errors++;
		if (u != d->used_idx)
			BROKEN("vd%c: the used ring moved (%d to %d) for a request that failed the device",
			       'a' + d->slot, d->used_idx, u);
		if ((s & S_DRIVER_OK) && !(rd(d, R_INT_STATUS) & 2))
			BROKEN("vd%c: DEVICE_NEEDS_RESET without the configuration interrupt", 'a' + d->slot);
		return "needs-reset";
	}
	if (u == d->used_idx)
		return "ignored";
	d->used_idx = u;
	wr(d, R_INT_ACK, rd(d, R_INT_STATUS));
	if (st == 0)
		return "ok";
	if (st == BLK_IOERR) {
		d->ioerr++;
		return "ioerr";
	}
	return st == 2 ? "unsupp" : "bad-status";
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* One line per attack, checked; a failed device is reset and set up again. */
static void report(struct dev *d, const char *name, const char *got, const char *want)
{
	attacks++;
	t_printf("attack-virtio: %s: %s\n", name, got);
	if (same(got, want))
		as_expected++;
	else
		BROKEN("%s: %s, want %s", name, got, want);
	if (same(got, "needs-reset") && setup(d) != S_LIVE)
		BROKEN("%s: Status %x after the reset and set-up", name, rd(d, R_STATUS));
}

/* A read of n sectors from sector into the data area, checked against the
 * base image (or, with own, the attacker's own writes): 0 if right. */
static int good_read(struct dev *d, u64 sector, u32 n, u64 own)
{
	u64 data = d->area + A_DATA2;

	zero(data, n * SECTOR);
	chain3(d, T_IN, sector, data, n * SECTOR);
	kick(d, 0);
	if (!same(outcome(d), "ok"))
		return -1;
	for (u64 o = 0; o < n * SECTOR; o += 8) {
		u64 off = sector * SECTOR + o;
		u64 v = *(volatile u64 *)at(data + o), want = own ? own | off : DSK_WORD(off);

		check_value("a disk read", v);
		if (v != want) {
			t_printf("attack-virtio: vd%c: byte %lx of the disk reads %lx, want %lx\n",
				 'a' + d->slot, off, v, want);
			return -1;
		}
	}
	return 0;
}

/* After an attack the device must work: a read of 8 sectors. */
static void still_works(struct dev *d, const char *after)
{
	if (good_read(d, 8, 8, 0))
		BROKEN("vd%c: a good read after %s failed", 'a' + d->slot, after);
}

/* A bad register access the device counts (and ignores). */
UNIT_ASM_FN(v_lbu, "lbu $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_lhu, "lhu $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_ld, "ld $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_lw, "lw $t0, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sb, "sb $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sd, "sd $a1, 0($a0)\n jr $ra\n nop");
UNIT_ASM_FN(v_sw, "sw $a1, 0($a0)\n jr $ra\n nop");

static void bad_access(struct dev *d, const void *fn, u32 off, u64 val)
{
	if (t_call(fn, UNCACHED(VIO_PA(d->slot) + off), val))
		BROKEN("vd%c: a bad access at %x took exception %d", 'a' + d->slot, off,
		       (int)CA_EXC(trap.cause));
	d->bad_access++;
}

/* ---- the attacks on vda ---- */

static void probe(struct dev *d)
{
	if (rd(d, R_MAGIC) != 0x74726976 || rd(d, R_VERSION) != 2 || rd(d, R_DEVICE_ID) != 2)
		BROKEN("vd%c: magic %x, version %d, device %d", 'a' + d->slot, rd(d, R_MAGIC),
		       rd(d, R_VERSION), rd(d, R_DEVICE_ID));
	wr(d, R_DEV_FEATURES_SEL, 1);
	if (!(rd(d, R_DEV_FEATURES) & 1))
		BROKEN("vd%c: VERSION_1 not offered", 'a' + d->slot);
	d->capacity = rd(d, R_CONFIG) | (u64)rd(d, R_CONFIG + 4) << 32;
	if (setup(d) != S_LIVE)
		BROKEN("vd%c: Status %x after set-up", 'a' + d->slot, rd(d, R_STATUS));
}

/* A chain whose descriptor (which: 0 header, 1 data, 2 status) is at addr. */
static void desc_at(struct dev *d, const char *name, int which, u64 addr)
{
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, which)->addr = addr;
	kick(d, 0);
	report(d, name, outcome(d), "needs-reset");
}

static void attack_descriptors(struct dev *d)
{
	static const struct {
		const char *name;
		u64 addr;
	} places[] = {
		{ "data-past-ram", ATTACK_MEM },
		{ "data-straddles-ram-end", ATTACK_MEM - 2048 },
		{ "data-below-devices", 0x18000000UL - 4096 },
		{ "data-in-uart", 0x180003f8UL },
		{ "data-in-own-window", 0x18010000UL },
		{ "data-at-4g", 0x100000000UL },
		{ "data-top", 0xfffffffffffff000UL },
		{ "data-wraps", 0xffffffffffffff00UL },
	};

	for (unsigned int i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		desc_at(d, places[i].name, 1, places[i].addr);
	desc_at(d, "header-past-ram", 0, ATTACK_MEM);
	desc_at(d, "header-in-own-window", 0, 0x18010000UL);
	desc_at(d, "status-past-ram", 2, ATTACK_MEM + 4096);
	desc_at(d, "status-top", 2, 0xffffffffffffffffUL);
	/* a write whose data is outside RAM: nothing of it reaches the disk */
	chain3(d, T_OUT, 0, 0xfffffffffffff000UL, 4096);
	kick(d, 0);
	report(d, "write-data-top", outcome(d), "needs-reset");
	still_works(d, "the descriptors outside RAM");
}

static void attack_sectors(struct dev *d)
{
	const u64 sectors[] = { d->capacity, d->capacity + 1, d->capacity - 4, 0x100000000UL,
				0x8000000000000000UL, ~0UL };
	static const char *const names[] = {
		"read-at-capacity", "read-past-capacity", "read-straddles-capacity",
		"read-sector-2^32", "read-sector-2^63", "read-sector-max",
	};

	for (int i = 0; i < 6; i++) {
		chain3(d, T_IN, sectors[i], d->area + A_DATA, 4096);
		kick(d, 0);
		report(d, names[i], outcome(d), "ioerr");
	}
	chain3(d, T_OUT, d->capacity, d->area + A_DATA, 512);
	kick(d, 0);
	report(d, "write-at-capacity", outcome(d), "ioerr");
	chain3(d, T_IN, 0, d->area + A_DATA, 100);
	kick(d, 0);
	report(d, "read-not-whole-sectors", outcome(d), "ioerr");
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	*(volatile u32 *)at(d->area + A_HEADER) = 0x12345;
	kick(d, 0);
	report(d, "unknown-type", outcome(d), "unsupp");
	/* the device stays live through all of them: no reset here */
	still_works(d, "the sectors past the capacity");
}

static void attack_rings(struct dev *d)
{
	/* avail->idx far ahead of what the device has taken */
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	avail(d)[2 + d->avail_idx % QSIZE] = 0;
	avail(d)[1] = d->avail_idx + 1000;
	wr(d, R_QUEUE_NOTIFY, 0);
	report(d, "avail-idx-ahead", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	kick(d, QSIZE);
	report(d, "head-is-size", outcome(d), "needs-reset");
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	kick(d, 0xffff);
	report(d, "head-ffff", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 1)->next = 200;
	kick(d, 0);
	report(d, "next-out-of-range", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 1)->next = 0;			/* 0 -> 1 -> 0 -> ... */
	kick(d, 0);
	report(d, "next-loop", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 2)->flags = D_WRITE | D_NEXT;	/* 2 -> 2 -> ... */
	desc(d, 2)->next = 2;
	kick(d, 0);
	report(d, "next-self", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 0)->flags = D_NEXT | D_WRITE;	/* the header writable, data after */
	desc(d, 1)->flags = D_NEXT;
	kick(d, 0);
	report(d, "writable-before-readable", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	put(d, 5, d->area + A_DESC, 3 * 16, D_INDIRECT, 0);	/* the chain as a table */
	kick(d, 5);
	report(d, "indirect", outcome(d), "needs-reset");

	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 1)->len = 0;
	kick(d, 0);
	report(d, "zero-length-data", outcome(d), "needs-reset");
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 2)->len = 0;
	kick(d, 0);
	report(d, "zero-length-status", outcome(d), "needs-reset");

	/* chains that cannot carry a status: malformed requests */
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 1)->flags = D_NEXT;
	desc(d, 2)->flags = 0;			/* nothing writable */
	kick(d, 0);
	d->malformed++;
	report(d, "no-writable-byte", outcome(d), "needs-reset");
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	desc(d, 0)->len = 8;			/* a header of 8 bytes */
	kick(d, 0);
	d->malformed++;
	report(d, "short-header", outcome(d), "needs-reset");

	/* the same head twice in the ring before the device serves either */
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	avail(d)[2 + d->avail_idx % QSIZE] = 0;
	avail(d)[2 + (d->avail_idx + 1) % QSIZE] = 0;
	d->avail_idx += 2;
	avail(d)[1] = d->avail_idx;
	wr(d, R_QUEUE_NOTIFY, 0);
	{
		/* served one after the other (synchronous): both done, or an error */
		const char *o = outcome(d);

		if (!same(o, "ok"))
			report(d, "head-twice", o, "ok");
		else if (used_idx(d) != 2)
			BROKEN("head-twice: used->idx %d, want 2", used_idx(d));
		else
			report(d, "head-twice", o, "ok");
	}
	/* the used ring in the data buffer's way: its own memory, its own problem */
	chain3(d, T_IN, 0, d->area + A_USED, 4096);
	kick(d, 0);
	report(d, "read-over-used-ring", outcome(d), "ok");

	/* after a failure, notifies do nothing until the reset */
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	kick(d, QSIZE);
	{
		const char *o = outcome(d);

		chain3(d, T_IN, 0, d->area + A_DATA, 4096);
		kick(d, 0);
		if (used_idx(d) != d->used_idx)
			BROKEN("a request was served while the device needed a reset");
		report(d, "notify-while-needs-reset", o, "needs-reset");
	}
	still_works(d, "the ring attacks");
}

/* The queue's registers: sizes and areas the device must refuse. */
static void attack_queue_setup(struct dev *d)
{
	static const u32 sizes[] = { 3, 0, 256, 0x10000, 0xffffffff };
	static const char *const size_names[] = {
		"queue-size-3", "queue-size-0", "queue-size-256", "queue-size-65536", "queue-size-max",
	};
	u64 a = d->area;

	for (int i = 0; i < 5; i++)
		report(d, size_names[i],
		       setup_queue(d, sizes[i], a + A_DESC, a + A_AVAIL, a + A_USED) & S_NEEDS_RESET ?
		       (d->device_errors++, "needs-reset") : "accepted", "needs-reset");
	report(d, "desc-misaligned",
	       setup_queue(d, QSIZE, a + A_DESC + 8, a + A_AVAIL, a + A_USED) & S_NEEDS_RESET ?
	       (d->device_errors++, "needs-reset") : "accepted", "needs-reset");
	report(d, "avail-misaligned",
	       setup_queue(d, QSIZE, a + A_DESC, a + A_AVAIL + 1, a + A_USED) & S_NEEDS_RESET ?
	       (d->device_errors++, "needs-reset") : "accepted", "needs-reset");
	report(d, "used-misaligned",
	       setup_queue(d, QSIZE, a + A_DESC, a + A_AVAIL, a + A_USED + 2) & S_NEEDS_RESET ?
	       (d->device_errors++, "needs-reset") : "accepted", "needs-reset");
	report(d, "desc-wraps",
	       setup_queue(d, QSIZE, 0xfffffffffffffff0UL, a + A_AVAIL, a + A_USED) & S_NEEDS_RESET ?
	       (d->device_errors++, "needs-reset") : "accepted", "needs-reset");

	/* areas outside RAM are found at the first notify */
	static const struct {
		const char *name;
		int which;
		u64 addr;
	} areas[] = {
		{ "desc-past-ram", 0, ATTACK_MEM }, { "desc-in-own-window", 0, 0x18010000UL },
		{ "avail-top", 1, 0xfffffffffffff000UL }, { "avail-past-ram", 1, ATTACK_MEM - 2 },
		{ "used-past-ram", 2, ATTACK_MEM }, { "used-in-uart", 2, 0x180003f8UL },
	};
	for (unsigned int i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		u64 dsc = a + A_DESC, avl = a + A_AVAIL, usd = a + A_USED;
		u32 s;

		if (areas[i].which == 0)
			dsc = areas[i].addr;
		else if (areas[i].which == 1)
			avl = areas[i].addr;
		else
			usd = areas[i].addr;
		s = setup_queue(d, QSIZE, dsc, avl, usd);
		if (s != S_LIVE) {
			BROKEN("%s: Status %x after set-up", areas[i].name, s);
			continue;
		}
		if (areas[i].which != 1) {
			avail(d)[2] = 0;
			avail(d)[1] = 1;
		}
		chain3(d, T_IN, 0, a + A_DATA, 4096);
		wr(d, R_QUEUE_NOTIFY, 0);
		report(d, areas[i].name, outcome(d), "needs-reset");
	}

	/* the queue's registers written while it is ready: ignored */
	wr(d, R_DESC_LOW, 0xdead0000);
	wr(d, R_QUEUE_NUM, 3);
	still_works(d, "queue registers written while ready");
	report(d, "queue-regs-while-ready", "ok", "ok");

	/* features: without VERSION_1, or with one not offered: refused */
	reset(d);
	wr(d, R_STATUS, S_ACK | S_DRIVER);
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	report(d, "features-without-version-1",
	       rd(d, R_STATUS) & S_FEATURES_OK ? "accepted" : "refused", "refused");
	wr(d, R_DRV_FEATURES_SEL, 1);
	wr(d, R_DRV_FEATURES, 1 | 1u << 28);	/* VERSION_1 and bit 60 */
	wr(d, R_DRV_FEATURES_SEL, 0);
	wr(d, R_DRV_FEATURES, 1u << 28);	/* INDIRECT_DESC, not offered */
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	report(d, "features-not-offered",
	       rd(d, R_STATUS) & S_FEATURES_OK ? "accepted" : "refused", "refused");
	/* Status bits the driver may not set: NEEDS_RESET is the device's */
	reset(d);
	wr(d, R_STATUS, 0xffffffff);
	report(d, "status-all-ones",
	       rd(d, R_STATUS) & S_NEEDS_RESET ? "needs-reset-forged" :
	       rd(d, R_STATUS) & S_FEATURES_OK ? "accepted" : "refused", "refused");
	/* a notify before DRIVER_OK, and of queues the device lacks */
	reset(d);
	wr(d, R_QUEUE_NOTIFY, 0);
	if (setup(d) != S_LIVE)
		BROKEN("set-up after the feature attacks: Status %x", rd(d, R_STATUS));
	for (u32 q = 1; q < 8; q++)
		wr(d, R_QUEUE_NOTIFY, q);
	wr(d, R_QUEUE_NOTIFY, 0xffffffff);
	wr(d, R_QUEUE_SEL, 7);
	wr(d, R_QUEUE_READY, 1);
	wr(d, R_QUEUE_NUM, 16);
	wr(d, R_QUEUE_SEL, 0);
	report(d, "notify-other-queues", outcome(d), "ignored");
	still_works(d, "the queue set-up attacks");
}

/* Read-only registers written, write-only ones read, bad widths, offsets
 * past the config space: each counted as a bad access, nothing changes. */
static void attack_registers(struct dev *d)
{
	static const u32 ro[] = { R_MAGIC, R_VERSION, R_DEVICE_ID, R_VENDOR_ID, R_DEV_FEATURES,
				  R_QUEUE_NUM_MAX, R_INT_STATUS, R_CONFIG_GEN, 0x0c0, 0x0f8 };
	static const u32 wo[] = { R_DEV_FEATURES_SEL, R_DRV_FEATURES, R_DRV_FEATURES_SEL,
				  R_QUEUE_SEL, R_QUEUE_NUM, R_QUEUE_NOTIFY, R_INT_ACK, R_DESC_LOW,
				  R_AVAIL_HIGH, R_USED_LOW, 0x0c0 };
	u64 before = d->bad_access;
	u64 cap;

	for (unsigned int i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		bad_access(d, v_sw, ro[i], 0xffffffff);
	for (unsigned int i = 0; i < sizeof(wo) / sizeof(wo[0]); i++)
		bad_access(d, v_lw, wo[i], 0);
	bad_access(d, v_lbu, R_MAGIC, 0);
	bad_access(d, v_lhu, R_VERSION, 0);
	bad_access(d, v_ld, R_MAGIC, 0);
	bad_access(d, v_ld, R_DESC_LOW, 0);
	bad_access(d, v_sb, R_STATUS, 0);		/* a byte 0: must not reset */
	bad_access(d, v_sd, R_STATUS, 0);
	bad_access(d, v_sd, R_QUEUE_NOTIFY, 0);
	bad_access(d, v_sw, R_CONFIG, 0);		/* capacity: not writable */
	bad_access(d, v_sd, R_CONFIG, 0x7fffffffffffffffUL);
	bad_access(d, v_lw, R_CONFIG + 60, 0);		/* past the 60-byte config */
	bad_access(d, v_ld, R_CONFIG + 56, 0);
	bad_access(d, v_lw, 0x1fc, 0);
	bad_access(d, v_sb, 0x1ff, 0x55);
	cap = rd(d, R_CONFIG) | (u64)rd(d, R_CONFIG + 4) << 32;
	if (rd(d, R_MAGIC) != 0x74726976 || rd(d, R_DEVICE_ID) != 2 || cap != d->capacity)
		BROKEN("registers changed by writes to read-only ones");
	report(d, "register-abuse", rd(d, R_STATUS) == S_LIVE ? "bad-access" : "status-changed",
	       "bad-access");
	t_printf("attack-virtio: register-abuse: %lu bad accesses\n", d->bad_access - before);
	still_works(d, "the register attacks");
	/* a slot with no device: a bus error, as for any hole */
	{
		u64 v;
		int e = try_load(UNCACHED(VIO_PA(3) + R_MAGIC), &v);

		report(d, "slot-without-device", e == 7 ? "fault" : "no-fault", "fault");
	}
}

/* A storm of notifies: empty, on a failed device, on queues it lacks. */
static void attack_notify_storm(struct dev *d)
{
	for (int i = 0; i < 20000; i++)
		wr(d, R_QUEUE_NOTIFY, (u32)i & 3);
	report(d, "notify-storm-live", rd(d, R_STATUS) == S_LIVE ? "live" : "not-live", "live");
	still_works(d, "a storm of empty notifies");
	chain3(d, T_IN, 0, d->area + A_DATA, 4096);
	kick(d, QSIZE);
	for (int i = 0; i < 20000; i++)
		wr(d, R_QUEUE_NOTIFY, 0);
	report(d, "notify-storm-needs-reset", outcome(d), "needs-reset");
	still_works(d, "the notify storm");
}

/*
 * The most one request may move (the device's VIRTIO_BLK_MAX_DATA: 126
 * segments of its size_max) and a queue of such reads in one notify: the
 * monitor serves them a budget at a time, the store that notified made
 * again in between (the monitor's report counts each cut, 5 here), so the
 * reader and the victim on this CPU go on. A sector more than the most
 * is an I/O error. Into 2016 KiB of the attacker's RAM from 9 MiB (the
 * data disk reads zeros).
 */
#define MAX_DATA	(126UL * 16384)
#define BIG_BUF		(9 * MIB)
#define BIG_READS	5

static void attack_budget(struct dev *d)
{
	volatile u8 *st = at(d->area + A_STATUS);
	u16 before = used_idx(d);
	int ok = 0;

	if (d->capacity * SECTOR < MAX_DATA + SECTOR)
		BROKEN("vd%c: %lu sectors, too small for the budget attack", 'a' + d->slot,
		       d->capacity);
	chain3(d, T_IN, 0, BIG_BUF, MAX_DATA);          /* the header (read sector 0) */
	for (int k = 0; k < BIG_READS; k++) {
		st[k] = 0xee;
		put(d, 3 * k, d->area + A_HEADER, 16, D_NEXT, 3 * k + 1);
		put(d, 3 * k + 1, BIG_BUF, MAX_DATA, D_NEXT | D_WRITE, 3 * k + 2);
		put(d, 3 * k + 2, d->area + A_STATUS + k, 1, D_WRITE, 0);
		avail(d)[2 + (d->avail_idx + k) % QSIZE] = (u16)(3 * k);
	}
	__asm__ volatile("sync" ::: "memory");
	d->avail_idx += BIG_READS;
	avail(d)[1] = d->avail_idx;
	wr(d, R_QUEUE_NOTIFY, 0);
	for (int k = 0; k < BIG_READS; k++)
		ok += st[k] == 0;
	d->used_idx = used_idx(d);
	wr(d, R_INT_ACK, rd(d, R_INT_STATUS));
	report(d, "queue-of-largest-reads",
	       (u16)(d->used_idx - before) == BIG_READS && ok == BIG_READS ? "ok" : "not-all-served",
	       "ok");
	if (*(volatile u64 *)at(BIG_BUF + MAX_DATA - 8) != 0)
		BROKEN("vd%c: the largest read's last word is not the disk's zero", 'a' + d->slot);
	chain3(d, T_IN, 0, BIG_BUF, MAX_DATA + SECTOR);
	kick(d, 0);
	report(d, "read-larger-than-the-most", outcome(d), "ioerr");
	if (rd(d, R_STATUS) != S_LIVE)
		BROKEN("vd%c: Status %x after the largest reads", 'a' + d->slot, rd(d, R_STATUS));
}

/* The attacker's own writes to its cow disk read back (never the reader's). */
static void own_writes(struct dev *d)
{
	u64 data = d->area + A_DATA2;

	for (u64 o = 0; o < 8 * SECTOR; o += 8)
		*(volatile u64 *)at(data + o) = ATK_WORD(o);
	chain3(d, T_OUT, 0, data, 8 * SECTOR);
	kick(d, 0);
	report(d, "own-write", outcome(d), "ok");
	if (good_read(d, 0, 8, ATK_WORD(0) & ~0xffffffffUL))
		BROKEN("vda: its own write of sectors 0-7 does not read back");
}

void case_virtio_disk(void)
{
	struct dev *a = &disks[0], *ro = &disks[1], *pers = &disks[2];

	for (int i = 0; i < 3; i++) {
		disks[i].slot = i;
		disks[i].area = AREA(i);
		probe(&disks[i]);
	}
	if (good_read(a, 0, 1, 0) || good_read(a, 0, 16, 0))
		BROKEN("vda: the good read of sector 0 failed");
	else
		t_printf("attack-virtio: good-read: sector 0 and 8 KiB of the base image read right\n");
	/* disk data into a page of its image, shared with the reader: a whole
	 * page (mapped from the buffer cache) and 512 bytes (copied) */
	chain3(a, T_IN, 8, img_phys(image_page), 4096);
	kick(a, 0);
	report(a, "read-into-shared-image-page", outcome(a), "ok");
	if (image(0) != DSK_WORD(8 * SECTOR) || image(511) != DSK_WORD(2 * 4096 - 8))
		BROKEN("the image page reads %lx, not the disk's data", image(0));
	chain3(a, T_IN, 0, img_phys(&image_page[64]), 512);
	kick(a, 0);
	report(a, "read-into-shared-image-bytes", outcome(a), "ok");
	attack_descriptors(a);
	attack_sectors(a);
	attack_rings(a);
	attack_queue_setup(a);
	attack_registers(a);
	attack_notify_storm(a);
	own_writes(a);

	/* vdb: base ro */
	wr(ro, R_DEV_FEATURES_SEL, 0);
	report(ro, "ro-offers-f-ro", rd(ro, R_DEV_FEATURES) & (1u << 5) ? "ok" : "missing", "ok");
	chain3(ro, T_OUT, 0, ro->area + A_DATA, 4096);
	kick(ro, 0);
	report(ro, "write-to-ro-disk", outcome(ro), "ioerr");
	if (good_read(ro, 0, 8, 0))
		BROKEN("vdb: the ro disk's sector 0 changed or does not read");

	/* vdc: data persistent: a write half in RAM, half past it fails the
	 * device before anything reaches the disk (the data is read first) */
	chain3(pers, T_OUT, 0, ATTACK_MEM - 2048, 4096);
	kick(pers, 0);
	report(pers, "persistent-write-straddles-ram-end", outcome(pers), "needs-reset");
	chain3(pers, T_OUT, 0, 0x18010000UL, 512);
	kick(pers, 0);
	report(pers, "persistent-write-from-own-window", outcome(pers), "needs-reset");
	attack_budget(pers);

	t_printf("attack-virtio: %d attacks, %d as expected\n", attacks, as_expected);
	for (int i = 0; i < 3; i++)
		t_printf("attack-virtio: vd%c expects %lu I/O errors, %lu malformed, %lu device errors, %lu bad accesses\n",
			 'a' + i, disks[i].ioerr, disks[i].malformed, disks[i].device_errors,
			 disks[i].bad_access);
}

/* ---- the reader beside it ---- */

void case_virtio_reader(void)
{
	struct dev *d = &disks[0];
	u64 start = now_ticks(), rounds = 0, bad = 0;

	d->slot = 0;
	d->area = AREA(0);
	probe(d);
	t_printf("virtio-reader: started, %lu sectors\n", d->capacity);
	while (rounds < 40 || now_ticks() - start < ms_to_ticks(600)) {
		u64 s = (rounds * 8) % (d->capacity - 16);
		u64 mine = d->capacity - 8;

		bad += good_read(d, s & ~7UL, 8, 0) != 0;	/* whole pages: shared */
		bad += good_read(d, 0, 1, 0) != 0;		/* sector 0: the attacker wrote its own */
		if (rounds % 4 == 0) {
			u64 data = d->area + A_DATA2;

			for (u64 o = 0; o < 8 * SECTOR; o += 8)
				*(volatile u64 *)at(data + o) = RDR_WORD(mine * SECTOR + o);
			chain3(d, T_OUT, mine, data, 8 * SECTOR);
			kick(d, 0);
			bad += !same(outcome(d), "ok");
			bad += good_read(d, mine, 8, RDR_WORD(0)) != 0;
		}
		rounds++;
		yield();
	}
	for (int i = 0; i < 512; i++)
		if (image(i) != IMAGE_WORD) {
			ESCAPE("its image page reads %lx at word %d: the attacker's device wrote it",
			       image(i), i);
			break;
		}
	if (bad)
		BROKEN("virtio-reader: %lu of %lu rounds went wrong", bad, rounds);
	t_printf("virtio-reader: %lu rounds of reads and writes, %lu wrong\n", rounds, bad);
}
