/*
 * The real disk: the one virtio-blk PCI device (modern interface) QEMU
 * attaches to malta's bus (`DISK=file` for tools/qemu-malta.sh). The
 * monitor finds it on bus 0, assigns its BAR, walks its virtio
 * capabilities and drives one virtqueue of its own, polled: requests are
 * synchronous, serialised by a lock taken with interrupts off (so a tick's
 * cross-call on the CPU that holds it cannot come back in), and may be made
 * from any CPU, also from a cross-call. A 4 KiB read keeps interrupts off
 * for the time QEMU takes to answer (docs/devices.md: up to ~40,000
 * instructions measured under -icount). Every answer the device gives (used id,
 * used length, status byte) is checked; a device that answers wrongly or
 * not at all within RDISK_TIMEOUT_MS is reset and the disk is off for the
 * rest of the run. docs/devices.md "The real disk".
 */
#ifndef DEVICES_REALDISK_H
#define DEVICES_REALDISK_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/blk_backend.h"

#define RDISK_TIMEOUT_MS 2000           /* per request, in Count time */
#define RDISK_MAX_REQ_SECTORS 256       /* larger transfers go as several requests */

/* Counters since boot (under the disk's lock; read racily for printing). */
struct realdisk_stats {
	uint64_t reads, writes, flushes;        /* requests */
	uint64_t sectors_read, sectors_written;
	uint64_t submit_ticks;          /* Count ticks: request start to notify, summed */
	uint64_t wait_ticks;            /* notify to the used entry seen, summed */
	uint64_t finish_ticks;          /* used entry seen to the answer checked, summed */
	uint64_t polls;                 /* used->idx reads while waiting, summed */
	uint64_t errors;
};

/*
 * Looks for the disk and sets it up; prints one line either way
 * ("disco: disk: virtio-blk at 00:12.0, N sectors (M MiB)" or "disco:
 * disk: none ..."). Returns true if the disk is usable. Call once, on
 * CPU 0, after the page allocator is up.
 */
bool realdisk_init(void);

/* True once realdisk_init found a working disk (and it has not failed). */
bool realdisk_present(void);

/* Capacity in 512-byte sectors (0 without a disk); read-only if the device
 * said VIRTIO_BLK_F_RO. */
uint64_t realdisk_sectors(void);
bool realdisk_read_only(void);

/*
 * Synchronous transfers of count 512-byte sectors at sector. buf is monitor
 * memory (CKSEG0 or XKPHYS, physically contiguous). False, with a line
 * printed once per kind of failure, if there is no disk, the range is
 * outside it (or count is 0), the device reports an error, or it broke.
 * realdisk_flush makes every completed write durable.
 */
bool realdisk_read(uint64_t sector, void *buf, uint32_t count);
bool realdisk_write(uint64_t sector, const void *buf, uint32_t count);
bool realdisk_flush(void);

/* The whole disk as a blk_backend (for devices/disk_store.c). Valid after
 * realdisk_init returned true. */
struct blk_backend *realdisk_backend(void);

/* A copy of the counters. */
void realdisk_get_stats(struct realdisk_stats *out);

#endif
