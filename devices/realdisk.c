/*
 * The real disk: a modern virtio-blk PCI device driven by the monitor
 * (realdisk.h). virtio 1.2, 4.1 (PCI transport) and 5.2 (block device);
 * the oracle is Linux's drivers/virtio/virtio_pci_modern_dev.c.
 *
 * One split virtqueue of RQ_SIZE entries in one page of monitor memory,
 * with the request header and status byte beside it. One request at a
 * time: head descriptor 0 (header), 1 (data), 2 (status). The used ring is
 * polled (the device is asked not to interrupt: VIRTQ_AVAIL_F_NO_INTERRUPT),
 * so any CPU may wait for its own request.
 */
#include <stdint.h>
#include "arch/atomic.h"
#include "arch/cpu.h"
#include "arch/board.h"
#include "arch/pci.h"
#include "devices/realdisk.h"
#include "devices/virtqueue.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/spinlock.h"
#include "monitor/string.h"

#define VIRTIO_VENDOR       0x1af4
#define VIRTIO_BLK_MODERN   0x1042      /* 0x1040 + device type 2 */

/* Vendor capability (virtio_pci_cap) fields and cfg_type values. */
#define CAP_NEXT            1
#define CAP_CFG_TYPE        3
#define CAP_BAR             4
#define CAP_OFFSET          8
#define CAP_LENGTH          12
#define CAP_NOTIFY_MULT     16
#define CFG_COMMON          1
#define CFG_NOTIFY          2
#define CFG_ISR             3
#define CFG_DEVICE          4

/* virtio_pci_common_cfg offsets. */
#define COM_DFSELECT        0x00
#define COM_DF              0x04
#define COM_GFSELECT        0x08
#define COM_GF              0x0c
#define COM_NUM_QUEUES      0x12
#define COM_STATUS          0x14
#define COM_Q_SELECT        0x16
#define COM_Q_SIZE          0x18
#define COM_Q_MSIX          0x1a
#define COM_Q_ENABLE        0x1c
#define COM_Q_NOFF          0x1e
#define COM_Q_DESC          0x20
#define COM_Q_AVAIL         0x28
#define COM_Q_USED          0x30
#define COM_MIN_LEN         0x38

#define ST_ACK              1
#define ST_DRIVER           2
#define ST_DRIVER_OK        4
#define ST_FEATURES_OK      8
#define ST_NEEDS_RESET      64
#define ST_FAILED           128

#define F_BLK_RO            (1ull << 5)
#define F_BLK_FLUSH         (1ull << 9)
#define F_VERSION_1         (1ull << 32)
#define F_WANTED            (F_VERSION_1 | F_BLK_FLUSH | F_BLK_RO)

#define BLK_T_IN            0
#define BLK_T_OUT           1
#define BLK_T_FLUSH         4
#define BLK_S_OK            0
#define BLK_S_UNSET         0xff

/* The queue page. */
#define RQ_SIZE             8
#define OFF_DESC            0
#define OFF_AVAIL           128
#define OFF_USED            256
#define OFF_HDR             512
#define OFF_STATUS          528

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vavail {
	uint16_t flags, idx, ring[RQ_SIZE], used_event;
};

struct vused {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[RQ_SIZE];
	uint16_t avail_event;
};

struct realdisk {
	bool present;
	struct pci_fn pci;
	volatile uint8_t *common, *device, *notify;
	uint64_t sectors;
	bool read_only, flush;
	uint8_t *page;                  /* the queue page (cached) */
	struct vdesc *desc;
	volatile struct vavail *avail;
	volatile struct vused *used;
	uint8_t *hdr;
	volatile uint8_t *status;
	uint16_t next_avail, last_used;
	uint32_t notify_mult;
	uint32_t timeout_ticks;
	struct realdisk_stats stats;
	struct blk_backend backend;
};

static struct realdisk disk;
static spinlock_t disk_lock = SPINLOCK_INIT;

/* ---- device registers (little-endian, as the CPU) ---- */

static uint8_t rd8(volatile uint8_t *base, unsigned int off)
{
	return base[off];
}

static uint16_t rd16(volatile uint8_t *base, unsigned int off)
{
	return *(volatile uint16_t *)(base + off);
}

static uint32_t rd32(volatile uint8_t *base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr8(volatile uint8_t *base, unsigned int off, uint8_t v)
{
	base[off] = v;
}

static void wr16(volatile uint8_t *base, unsigned int off, uint16_t v)
{
	*(volatile uint16_t *)(base + off) = v;
}

static void wr32(volatile uint8_t *base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void wr64(volatile uint8_t *base, unsigned int off, uint64_t v)
{
	wr32(base, off, (uint32_t)v);           /* two halves, low first */
	wr32(base, off + 4, (uint32_t)(v >> 32));
}

/* ---- finding and setting up the device ---- */

static bool find_device(struct pci_fn *out)
{
	for (unsigned int dev = 0; dev < PCI_SLOTS; dev++) {
		struct pci_fn f = { 0, (uint8_t)dev, 0 };
		uint32_t id = arch_pci_cfg_read32(f, PCI_VENDOR_ID);

		if ((id & 0xffff) == VIRTIO_VENDOR && (id >> 16) == VIRTIO_BLK_MODERN) {
			*out = f;
			return true;
		}
	}
	return false;
}

/* The virtio structures the capability list points at; their BARs are
 * assigned on first use. Returns false (with a line) if one is missing. */
static bool walk_caps(void)
{
	uint64_t bar_pa[PCI_NUM_BARS] = { 0 }, bar_size[PCI_NUM_BARS] = { 0 };
	struct pci_fn f = disk.pci;
	unsigned int pos, guard = 0;
	uint32_t notify_mult = 0;

	if (!(arch_pci_cfg_read16(f, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		con_printf("disco: disk: virtio-blk without capabilities; not used\n");
		return false;
	}
	for (pos = arch_pci_cfg_read8(f, PCI_CAPABILITY_LIST) & 0xfc; pos && guard < 48;
	     pos = arch_pci_cfg_read8(f, pos + CAP_NEXT) & 0xfc, guard++) {
		uint8_t type = arch_pci_cfg_read8(f, pos + CAP_CFG_TYPE);
		uint8_t bar = arch_pci_cfg_read8(f, pos + CAP_BAR);
		uint32_t off = arch_pci_cfg_read32(f, pos + CAP_OFFSET);
		uint32_t len = arch_pci_cfg_read32(f, pos + CAP_LENGTH);
		volatile uint8_t *p;

		if (pos < 0x40 || arch_pci_cfg_read8(f, pos) != PCI_CAP_ID_VNDR ||
		    type < CFG_COMMON || type > CFG_DEVICE || bar >= PCI_NUM_BARS)
			continue;
		if (!bar_size[bar] && !arch_pci_assign_mem_bar(f, bar, &bar_pa[bar], &bar_size[bar])) {
			con_printf("disco: disk: BAR %u cannot be placed; not used\n", bar);
			return false;
		}
		if ((uint64_t)off + len > bar_size[bar])
			continue;               /* the structure must be inside its BAR */
		p = (volatile uint8_t *)arch_pci_mmio(bar_pa[bar] + off);
		if (type == CFG_COMMON && !disk.common && len >= COM_MIN_LEN)
			disk.common = p;
		else if (type == CFG_NOTIFY && !disk.notify && len >= 2) {
			disk.notify = p;
			notify_mult = arch_pci_cfg_read32(f, pos + CAP_NOTIFY_MULT);
		} else if (type == CFG_DEVICE && !disk.device && len >= 8)
			disk.device = p;
	}
	if (!disk.common || !disk.notify || !disk.device) {
		con_printf("disco: disk: virtio capabilities incomplete (common %s, notify %s, device %s); not used\n",
			   disk.common ? "yes" : "no", disk.notify ? "yes" : "no",
			   disk.device ? "yes" : "no");
		return false;
	}
	arch_pci_cfg_write16(f, PCI_COMMAND, (arch_pci_cfg_read16(f, PCI_COMMAND) |
					      PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	disk.notify_mult = notify_mult;        /* queue 0's offset: setup_queue */
	return true;
}

static bool negotiate(void)
{
	uint64_t offered;

	wr8(disk.common, COM_STATUS, 0);
	while (rd8(disk.common, COM_STATUS) != 0)
		arch_cpu_relax();
	wr8(disk.common, COM_STATUS, ST_ACK);
	wr8(disk.common, COM_STATUS, ST_ACK | ST_DRIVER);
	wr32(disk.common, COM_DFSELECT, 0);
	offered = rd32(disk.common, COM_DF);
	wr32(disk.common, COM_DFSELECT, 1);
	offered |= (uint64_t)rd32(disk.common, COM_DF) << 32;
	if (!(offered & F_VERSION_1)) {
		con_printf("disco: disk: device does not offer VERSION_1; not used\n");
		return false;
	}
	offered &= F_WANTED;
	wr32(disk.common, COM_GFSELECT, 0);
	wr32(disk.common, COM_GF, (uint32_t)offered);
	wr32(disk.common, COM_GFSELECT, 1);
	wr32(disk.common, COM_GF, (uint32_t)(offered >> 32));
	wr8(disk.common, COM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(rd8(disk.common, COM_STATUS) & ST_FEATURES_OK)) {
		con_printf("disco: disk: device refused features %lx; not used\n",
			   (unsigned long)offered);
		return false;
	}
	disk.read_only = (offered & F_BLK_RO) != 0;
	disk.flush = (offered & F_BLK_FLUSH) != 0;
	return true;
}

static bool setup_queue(void)
{
	uint16_t max;

	if (rd16(disk.common, COM_NUM_QUEUES) < 1) {
		con_printf("disco: disk: device has no queue; not used\n");
		return false;
	}
	wr16(disk.common, COM_Q_SELECT, 0);
	max = rd16(disk.common, COM_Q_SIZE);
	if (max < 3) {
		con_printf("disco: disk: queue 0 has %u entries, want 3 at least; not used\n", max);
		return false;
	}
	disk.page = mem_alloc_pages(0, 0);
	if (!disk.page) {
		con_printf("disco: disk: no page for the queue; not used\n");
		return false;
	}
	memset(disk.page, 0, 4096);
	disk.desc = (struct vdesc *)(disk.page + OFF_DESC);
	disk.avail = (volatile struct vavail *)(disk.page + OFF_AVAIL);
	disk.used = (volatile struct vused *)(disk.page + OFF_USED);
	disk.hdr = disk.page + OFF_HDR;
	disk.status = disk.page + OFF_STATUS;
	disk.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	wr16(disk.common, COM_Q_SIZE, max < RQ_SIZE ? max : RQ_SIZE);
	wr16(disk.common, COM_Q_MSIX, 0xffff);          /* no MSI-X on malta */
	wr64(disk.common, COM_Q_DESC, arch_pci_dma_addr(disk.page + OFF_DESC));
	wr64(disk.common, COM_Q_AVAIL, arch_pci_dma_addr(disk.page + OFF_AVAIL));
	wr64(disk.common, COM_Q_USED, arch_pci_dma_addr(disk.page + OFF_USED));
	disk.notify += (uint32_t)rd16(disk.common, COM_Q_NOFF) * disk.notify_mult;
	smp_mb();
	wr16(disk.common, COM_Q_ENABLE, 1);
	return true;
}

bool realdisk_init(void)
{
	uint8_t status;

	if (!find_device(&disk.pci)) {
		con_printf("disco: disk: none (no virtio-blk PCI device on bus 0)\n");
		return false;
	}
	if (!walk_caps() || !negotiate() || !setup_queue())
		goto fail;
	disk.sectors = (uint64_t)rd32(disk.device, 0) | (uint64_t)rd32(disk.device, 4) << 32;
	wr8(disk.common, COM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	status = rd8(disk.common, COM_STATUS);
	if (status & (ST_NEEDS_RESET | ST_FAILED) || !(status & ST_DRIVER_OK)) {
		con_printf("disco: disk: device status %x after DRIVER_OK; not used\n", status);
		goto fail;
	}
	disk.timeout_ticks = (uint32_t)((uint64_t)arch_counter_hz() * RDISK_TIMEOUT_MS / 1000);
	disk.present = true;
	con_printf("disco: disk: virtio-blk at %02x:%02x.%x, %lu sectors (%lu MiB)%s\n",
		   disk.pci.bus, disk.pci.dev, disk.pci.fn, (unsigned long)disk.sectors,
		   (unsigned long)(disk.sectors >> 11), disk.read_only ? ", read-only" : "");
	return true;
fail:
	if (disk.common)
		wr8(disk.common, COM_STATUS, ST_FAILED);
	return false;
}

/* ---- requests ---- */

/* The device broke (a bad answer, or none in time): reset it so it no
 * longer touches the queue page, and stop using it. Lock held. */
static void disk_broken(const char *why, uint64_t sector)
{
	con_printf("disco: disk: %s (sector %lu); the disk is off from now on\n", why,
		   (unsigned long)sector);
	wr8(disk.common, COM_STATUS, 0);
	disk.present = false;
	disk.stats.errors++;
}

static void set_desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags)
{
	disk.desc[i].addr = addr;
	disk.desc[i].len = len;
	disk.desc[i].flags = flags;
	disk.desc[i].next = (uint16_t)(i + 1);
}

/*
 * One request of type with count sectors at sector through buf (none for
 * a flush), waited for by polling the used ring. Lock held. Returns true
 * if the device answered OK.
 */
static bool do_request(uint32_t type, uint64_t sector, void *buf, uint32_t count)
{
	uint32_t t0 = arch_counter(), bytes = count * BLK_SECTOR_SIZE, want_len, start, now;
	bool ok;
	unsigned int ndesc = 0;
	uint64_t polls = 0;
	uint16_t idx;
	uint32_t id, len;

	memset(disk.hdr, 0, 16);
	*(uint32_t *)disk.hdr = type;
	*(uint64_t *)(disk.hdr + 8) = sector;
	*disk.status = BLK_S_UNSET;
	set_desc(ndesc++, arch_pci_dma_addr(disk.hdr), 16, VIRTQ_DESC_F_NEXT);
	if (type != BLK_T_FLUSH)
		set_desc(ndesc++, arch_pci_dma_addr(buf), bytes,
			 VIRTQ_DESC_F_NEXT | (type == BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0));
	set_desc(ndesc++, arch_pci_dma_addr((const void *)disk.status), 1, VIRTQ_DESC_F_WRITE);
	want_len = 1 + (type == BLK_T_IN ? bytes : 0);

	disk.avail->ring[disk.next_avail % RQ_SIZE] = 0;        /* head: descriptor 0 */
	smp_mb();                       /* descriptors and entry before the index */
	disk.avail->idx = ++disk.next_avail;
	smp_mb();                       /* the index before the notify */
	start = arch_counter();
	disk.stats.submit_ticks += start - t0;
	wr16(disk.notify, 0, 0);
	for (;;) {
		idx = disk.used->idx;
		polls++;
		if (idx != disk.last_used)
			break;
		now = arch_counter();
		if (now - start > disk.timeout_ticks) {
			disk_broken("no answer in time", sector);
			return false;
		}
		arch_cpu_relax();
	}
	smp_mb();                       /* the index before the element */
	t0 = arch_counter();
	disk.stats.wait_ticks += t0 - start;
	disk.stats.polls += polls;
	if ((uint16_t)(idx - disk.last_used) != 1) {
		disk_broken("used index moved by more than one request", sector);
		return false;
	}
	id = disk.used->ring[disk.last_used % RQ_SIZE].id;
	len = disk.used->ring[disk.last_used % RQ_SIZE].len;
	disk.last_used = idx;
	if (id != 0) {
		disk_broken("used element names a chain never offered", sector);
		return false;
	}
	if (len != want_len) {
		con_printf("disco: disk: used length %u, want %u\n", len, want_len);
		disk_broken("wrong used length", sector);
		return false;
	}
	ok = *disk.status == BLK_S_OK;
	if (!ok) {
		con_printf("disco: disk: request type %u at sector %lu: status %u\n", type,
			   (unsigned long)sector, *disk.status);
		disk.stats.errors++;
	}
	disk.stats.finish_ticks += arch_counter() - t0;
	return ok;
}

/* Reads or writes in requests of at most RDISK_MAX_REQ_SECTORS. */
static bool transfer(uint32_t type, uint64_t sector, void *buf, uint32_t count)
{
	bool ok = true;
	unsigned long flags = spin_lock_irqsave(&disk_lock);

	if (!disk.present || count == 0 || sector > disk.sectors ||
	    count > disk.sectors - sector || (type == BLK_T_OUT && disk.read_only)) {
		spin_unlock_irqrestore(&disk_lock, flags);
		return false;
	}
	while (ok && count) {
		uint32_t n = count < RDISK_MAX_REQ_SECTORS ? count : RDISK_MAX_REQ_SECTORS;

		ok = do_request(type, sector, buf, n);
		if (type == BLK_T_IN) {
			disk.stats.reads++;
			disk.stats.sectors_read += n;
		} else {
			disk.stats.writes++;
			disk.stats.sectors_written += n;
		}
		sector += n;
		buf = (uint8_t *)buf + (uint64_t)n * BLK_SECTOR_SIZE;
		count -= n;
	}
	spin_unlock_irqrestore(&disk_lock, flags);
	return ok;
}

bool realdisk_read(uint64_t sector, void *buf, uint32_t count)
{
	return transfer(BLK_T_IN, sector, buf, count);
}

bool realdisk_write(uint64_t sector, const void *buf, uint32_t count)
{
	return transfer(BLK_T_OUT, sector, (void *)buf, count);
}

bool realdisk_flush(void)
{
	unsigned long flags = spin_lock_irqsave(&disk_lock);
	bool ok = disk.present;

	if (ok && disk.flush) {
		ok = do_request(BLK_T_FLUSH, 0, 0, 0);
		disk.stats.flushes++;
	}
	spin_unlock_irqrestore(&disk_lock, flags);
	return ok;
}

bool realdisk_present(void)
{
	return disk.present;
}

uint64_t realdisk_sectors(void)
{
	return disk.present ? disk.sectors : 0;
}

bool realdisk_read_only(void)
{
	return disk.read_only;
}

void realdisk_get_stats(struct realdisk_stats *out)
{
	unsigned long flags = spin_lock_irqsave(&disk_lock);

	*out = disk.stats;
	spin_unlock_irqrestore(&disk_lock, flags);
}

static bool be_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	return realdisk_read(sector, buf, count);
}

static bool be_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	return realdisk_write(sector, buf, count);
}

static bool be_flush(void *ctx)
{
	return realdisk_flush();
}

struct blk_backend *realdisk_backend(void)
{
	disk.backend.ctx = &disk;
	disk.backend.sectors = disk.sectors;
	disk.backend.read_only = disk.read_only;
	memcpy(disk.backend.id, "disco-realdisk", 15);
	disk.backend.read = be_read;
	disk.backend.write = be_write;
	disk.backend.flush = be_flush;
	return &disk.backend;
}
