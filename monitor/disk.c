/*
 * The monitor's disks at boot (disk.h): the disk store on the real disk,
 * each image printed with the FNV-1a checksum of its first
 * DISK_SUM_SECTORS sectors (tests/run.sh compares it with the host's).
 */
#include "arch/atomic.h"
#include "arch/cpu.h"
#include "devices/realdisk.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/disk.h"
#include "monitor/monitor.h"
#include "monitor/smp.h"
#include "monitor/string.h"
#include "monitor/xcall.h"

#define BUF_ORDER 3                     /* 32 KiB of scratch */

struct disk_store monitor_disks;
static uint8_t *buf;

/* The checksum of image img's first DISK_SUM_SECTORS sectors, or false. */
static bool image_sum(const struct disk_image *img, uint32_t *sum)
{
	uint64_t n = img->sectors < DISK_SUM_SECTORS ? img->sectors : DISK_SUM_SECTORS;

	if (!realdisk_read(img->first, buf, (uint32_t)n))
		return false;
	*sum = disk_store_fnv1a(DISK_STORE_FNV_INIT, buf, n * BLK_SECTOR_SIZE);
	return true;
}

static void print_image(const struct disk_image *img)
{
	uint32_t sum;

	con_printf("disco:   image %s: %s, %lu sectors at %lu (%lu KiB), ", img->name,
		   img->flags == DISK_STORE_F_PERSISTENT ? "persistent" : "base",
		   (unsigned long)img->sectors, (unsigned long)img->first,
		   (unsigned long)(img->sectors / 2));
	if (image_sum(img, &sum))
		con_printf("fnv1a of the first %lu sectors %08x\n",
			   (unsigned long)(img->sectors < DISK_SUM_SECTORS ? img->sectors :
					   DISK_SUM_SECTORS), sum);
	else
		con_printf("unreadable\n");
}

/* disk_stamp=NAME: sector s, byte i of the image's first 4 KiB becomes
 * (s * 31 + i * 7 + 0x5a) mod 256, then a flush. */
static void stamp(const char *name)
{
	struct disk_region region;
	struct blk_backend b;
	const struct disk_image *img = disk_store_find(&monitor_disks, name);
	bool ok;

	if (!img || !disk_store_backend(&monitor_disks, name, &region, &b)) {
		con_printf("disco: error: disk_stamp=%s: no such image\n", name);
		return;
	}
	if (b.read_only || img->sectors < DISK_STAMP_SECTORS) {
		con_printf("disco: error: disk_stamp=%s: not a writable image of 4 KiB at least; refused\n",
			   name);
		return;
	}
	for (unsigned int s = 0; s < DISK_STAMP_SECTORS; s++)
		for (unsigned int i = 0; i < BLK_SECTOR_SIZE; i++)
			buf[s * BLK_SECTOR_SIZE + i] = (uint8_t)(s * 31 + i * 7 + 0x5a);
	ok = b.write(b.ctx, 0, buf, DISK_STAMP_SECTORS) && b.flush(b.ctx);
	con_printf("disco: disk: stamp of %s: %s\n", name, ok ? "written and flushed" : "FAILED");
	if (ok)
		print_image(img);
}

void monitor_disk_setup(void)
{
	char err[128];
	const char *name;
	enum disk_store_result r;

	if (!realdisk_present())
		return;
	buf = mem_alloc_pages(BUF_ORDER, 0);
	if (!buf) {
		con_printf("disco: error: disk: no memory for its scratch buffer\n");
		return;
	}
	r = disk_store_open(&monitor_disks, realdisk_backend(), buf, err, sizeof(err));
	if (r == DISK_STORE_NO_STORE) {
		con_printf("disco: disk: no disk store on it (no %s header)\n", DISK_STORE_MAGIC);
		return;
	}
	if (r != DISK_STORE_OK) {
		con_printf("disco: error: disk store: %s; its images are not used\n", err);
		return;
	}
	con_printf("disco: disk store: %u image%s in %lu sectors\n", monitor_disks.count,
		   monitor_disks.count == 1 ? "" : "s", (unsigned long)monitor_disks.disk_sectors);
	for (unsigned int i = 0; i < monitor_disks.count; i++)
		print_image(&monitor_disks.image[i]);
	name = cmdline_get(&monitor_cmdline, "disk_stamp");
	if (name)
		stamp(name);
}

/* Ticks per request and polls per request over n requests of sectors. */
static void report(const char *what, unsigned int n, const struct realdisk_stats *a,
		   const struct realdisk_stats *b)
{
	uint64_t req = (b->reads - a->reads) + (b->writes - a->writes);

	if (!req)
		return;
	con_printf("disk: %u %s: %lu requests, Count ticks per request: submit %lu, wait %lu, finish %lu; %lu polls per request\n",
		   n, what, (unsigned long)req,
		   (unsigned long)((b->submit_ticks - a->submit_ticks) / req),
		   (unsigned long)((b->wait_ticks - a->wait_ticks) / req),
		   (unsigned long)((b->finish_ticks - a->finish_ticks) / req),
		   (unsigned long)((b->polls - a->polls) / req));
}

/* Every CPU at once reads the same CONC_READS blocks of 4 KiB into its
 * own part of buf and compares each with what CPU 0 read alone. */
#define CONC_READS 16

static uint32_t conc_sum[CONC_READS];
static volatile uint32_t conc_bad;

static void concurrent_reads(void *arg)
{
	uint8_t *mine = buf + (uint64_t)arch_cpu_id() % 8 * 4096;

	(void)arg;
	for (unsigned int i = 0; i < CONC_READS; i++)
		if (!realdisk_read(i * 8, mine, 8) ||
		    disk_store_fnv1a(DISK_STORE_FNV_INIT, mine, 4096) != conc_sum[i])
			atomic_fetch_add(&conc_bad, 1);
}

int disk_selftest(void)
{
	struct realdisk_stats s0, s1;
	uint64_t cap = realdisk_sectors();
	unsigned int n = 200, bad = 0;
	uint32_t t;

	if (!realdisk_present() || cap < 64) {
		con_printf("disk: no disk of 32 KiB at least\n");
		return 1;
	}
	realdisk_get_stats(&s0);
	t = arch_counter();
	for (unsigned int i = 0; i < n; i++)
		bad += !realdisk_read((i * 8) % (cap - 7), buf, 8);
	t = arch_counter() - t;
	realdisk_get_stats(&s1);
	report("reads of 4 KiB", n, &s0, &s1);
	con_printf("disk: %u reads of 4 KiB: %lu Count ticks each, start to end\n", n,
		   (unsigned long)(t / n));
	s0 = s1;
	for (unsigned int i = 0; i < 20; i++)
		bad += !realdisk_read(0, buf, 64);
	realdisk_get_stats(&s1);
	report("reads of 32 KiB", 20, &s0, &s1);
	if (cap >= CONC_READS * 8 && smp_cpus_online() <= 8) {
		for (unsigned int i = 0; i < CONC_READS; i++) {
			bad += !realdisk_read(i * 8, buf, 8);
			conc_sum[i] = disk_store_fnv1a(DISK_STORE_FNV_INIT, buf, 4096);
		}
		xcall_run_all(concurrent_reads, 0);
		con_printf("disk: %u cpus x %u reads of 4 KiB at once: %u differ from cpu 0's alone\n",
			   smp_cpus_online(), CONC_READS, conc_bad);
		bad += conc_bad;
	}
	con_printf("disk: %u failed\n", bad);
	return bad != 0;
}
