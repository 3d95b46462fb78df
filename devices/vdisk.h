/*
 * A VM's virtual disks: each `disk = IMAGE MODE` of its configuration is a
 * virtio-blk device (devices/virtio_blk.h) behind a virtio-mmio window
 * (monitor/vm_config.h's device map), on an image of the real disk's store
 * (monitor/disk.h):
 *   cow         Disco's non-persistent disk: a copy-on-write overlay in
 *               machine memory over the image (devices/blk_cow.h); the
 *               image is never written, any number of VMs share it, and
 *               the VM's writes are gone when it ends
 *   persistent  writes reach the image on the real disk (one VM at a
 *               time, and the store must mark the image persistent)
 *   ro          the image, read-only (VIRTIO_BLK_F_RO)
 * The device reaches the VM's memory through its pmap only (guest_mem.h).
 * cow and ro disks read their image through Disco's global buffer cache
 * (devices/buffer_cache.h), and a read of a whole 4 KiB-aligned page of it
 * the VM did not write is not copied: the cache's machine page is mapped
 * into the VM copy-on-write (mmu/page_share.h), one page for every VM.
 */
#ifndef DEVICES_VDISK_H
#define DEVICES_VDISK_H

#include <stdbool.h>
#include "devices/blk_cow.h"
#include "devices/disk_store.h"
#include "devices/virtio_blk.h"
#include "monitor/vm_config.h"

struct vm;

struct vdisk {
	struct virtio_blk blk;          /* its registers: &blk.mmio */
	struct vq_mem mem;              /* the VM's memory (guest_mem.h) */
	struct disk_region region;
	struct blk_backend image;       /* the store's image */
	struct blk_backend cached;      /* cow, ro: image through the buffer cache */
	struct virtio_blk_share share;  /* cow, ro: whole pages of it mapped */
	struct blk_cow cow;             /* cow: the overlay over cached */
	struct blk_backend overlay;
	const struct vm_disk_config *cfg;
	struct vm *vm;
};

/*
 * Makes the VM's disks (vm->cfg.disk[]) into its first virtio slots.
 * A disk that cannot be had (no such image, a persistent image another VM
 * holds or the store does not mark persistent, no memory) rejects the VM
 * with its line, and nothing is left held. 0 or -1.
 */
int vdisk_attach_all(struct vm *vm);

/* Gives back the VM's disks: a cow disk's overlay is gone. */
void vdisk_release_all(struct vm *vm);

/* Machine pages every VM's cow overlays hold (racy: for reports). */
uint64_t vdisk_overlay_pages(void);

/* One line per disk: what it is and its counters (at the VM's end). */
void vdisk_report(const struct vm *vm);

#endif
