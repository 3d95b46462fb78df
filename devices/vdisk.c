/*
 * A VM's virtual disks (see vdisk.h). Each takes a block of machine
 * memory for its device state; a cow disk's overlay takes pages as the
 * VM writes, counted in vdisk_report.
 */
#include "devices/vdisk.h"
#include "devices/buffer_cache.h"
#include "devices/guest_mem.h"
#include "mmu/machmem.h"
#include "mmu/page_share.h"
#include "monitor/console.h"
#include "monitor/cmdline.h"
#include "monitor/disk.h"
#include "monitor/monitor.h"
#include "monitor/string.h"
#include "monitor/vm.h"

#define VDISK_ORDER pa_order_for_bytes(sizeof(struct vdisk))

/* Overlay memory: whole pages from the VM's node (others if it has none). */
static void *overlay_alloc(void *ctx, uint64_t bytes)
{
	struct vm *vm = ctx;

	return mem_alloc_pages(pa_order_for_bytes(bytes), vm->node);
}

static void overlay_free(void *ctx, void *p, uint64_t bytes)
{
	(void)ctx;
	mem_free_pages(p, pa_order_for_bytes(bytes));
}

/* The first disk block past the image: read-ahead stops there. */
static uint64_t image_end_block(const struct vdisk *d)
{
	return (d->region.first + d->region.sectors) / BCACHE_BLOCK_SECTORS;
}

/* The image through the buffer cache: each 4 KiB block from the cache if
 * it has it or can take it, else from the image. Store images start on a
 * 4 KiB boundary of the real disk, so their blocks are the disk's. */
static bool cached_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	struct vdisk *d = ctx;
	uint8_t *out = buf;

	while (count) {
		uint64_t disk_sector = d->region.first + sector;
		uint32_t off = (uint32_t)(disk_sector % BCACHE_BLOCK_SECTORS);
		uint32_t n = BCACHE_BLOCK_SECTORS - off;
		const uint8_t *block = bcache_block(d->region.disk, disk_sector / BCACHE_BLOCK_SECTORS,
						    image_end_block(d));

		if (n > count)
			n = count;
		if (block)
			memcpy(out, block + (uint64_t)off * BLK_SECTOR_SIZE, (size_t)n * BLK_SECTOR_SIZE);
		else if (!d->image.read(d->image.ctx, sector, out, n))
			return false;
		out += (uint64_t)n * BLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return true;
}

_Static_assert(VIRTIO_BLK_SHARE_RUN <= PMAP_MOVED_MAX, "a run is one shoot-down");

/* virtio_blk's share hook: the cache's pages of the n blocks from sector,
 * mapped at gpa[0..n), except those the VM wrote (its overlay has them). */
static void share_pages(void *ctx, uint64_t sector, const uint64_t *gpa, unsigned int n,
			uint32_t *shared)
{
	struct vdisk *d = ctx;
	uint64_t at[VIRTIO_BLK_SHARE_RUN];
	uint32_t frame[VIRTIO_BLK_SHARE_RUN];
	unsigned int k = 0, index[VIRTIO_BLK_SHARE_RUN];
	uint32_t done;

	*shared = 0;
	for (unsigned int i = 0; i < n && i < VIRTIO_BLK_SHARE_RUN; i++) {
		uint64_t s = sector + (uint64_t)i * (VIRTIO_BLK_SHARE_BYTES / BLK_SECTOR_SIZE);
		const void *block;

		if (d->cfg->mode == VM_DISK_COW && blk_cow_block(&d->cow, s / BLK_COW_BLOCK_SECTORS))
			continue;
		block = bcache_block(d->region.disk, (d->region.first + s) / BCACHE_BLOCK_SECTORS,
				     image_end_block(d));
		if (!block)
			continue;
		at[k] = gpa[i];
		frame[k] = mem_frame_of(block);
		index[k++] = i;
	}
	done = k ? page_share_run(&d->vm->pmap, at, frame, k) : 0;
	for (unsigned int j = 0; j < k; j++)
		if (done & (1u << j))
			*shared |= 1u << index[j];
}

/* Store images read through the buffer cache since boot (cow or ro): their
 * cached blocks stay, so writing them (persistent) would make those stale. */
static bool image_cached[DISK_STORE_MAX_IMAGES];

/* Whether another VM that holds its disks has image in use, persistent,
 * or at all when this one wants it persistent. */
static const struct vm *image_taken(const struct vm *vm, const char *image, bool persistent)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		const struct vm *o = &vms[i];

		if (o == vm)
			continue;
		for (unsigned int d = 0; d < VM_MAX_DISKS; d++) {
			const struct vdisk *k = o->disk[d];

			if (k && strcmp(k->cfg->image, image) == 0 &&
			    (persistent || k->cfg->mode == VM_DISK_PERSISTENT))
				return o;
		}
	}
	return NULL;
}

/* Makes disk n of the VM, or rejects the VM (its line says why). */
static int attach(struct vm *vm, unsigned int n)
{
	const struct vm_disk_config *c = &vm->cfg.disk[n];
	const struct disk_image *img = disk_store_find(&monitor_disks, c->image);
	bool persistent = c->mode == VM_DISK_PERSISTENT;
	const struct vm *holder;
	const struct blk_backend *backend;
	struct vdisk *d;

	if (!img) {
		vm_config_reject(&vm->cfg, c->line, "disk: no image '%s' on the real disk (%s)",
				 c->image, monitor_disks.count ? "see its store at boot" :
				 "no disk store: DISK= for QEMU, tools/mkdisk.sh");
		return -1;
	}
	if (persistent && !(img->flags & DISK_STORE_F_PERSISTENT)) {
		vm_config_reject(&vm->cfg, c->line,
				 "disk: image '%s' is a base image, not persistent (use cow or ro)",
				 c->image);
		return -1;
	}
	if (persistent && image_cached[img - monitor_disks.image]) {
		vm_config_reject(&vm->cfg, c->line,
				 "disk: image '%s' was read through the buffer cache since boot (cow or ro): writing it now would leave stale blocks there",
				 c->image);
		return -1;
	}
	holder = image_taken(vm, c->image, persistent);
	if (holder) {
		vm_config_reject(&vm->cfg, c->line, "disk: image '%s' is in use by vm %s%s",
				 c->image, holder->cfg.name,
				 persistent ? "" : ", persistent");
		return -1;
	}
	d = mem_alloc_pages(VDISK_ORDER, vm->node);
	if (!d) {
		vm_config_reject(&vm->cfg, c->line, "disk: no memory for the device");
		return -1;
	}
	memset(d, 0, sizeof(*d));
	d->cfg = c;
	d->vm = vm;
	if (!disk_store_backend(&monitor_disks, c->image, &d->region, &d->image)) {
		mem_free_pages(d, VDISK_ORDER);
		vm_config_reject(&vm->cfg, c->line, "disk: image '%s' cannot be opened", c->image);
		return -1;
	}
	backend = &d->image;
	if (c->mode != VM_DISK_PERSISTENT) {
		/* never written, whatever the store says: cached and shared */
		image_cached[img - monitor_disks.image] = true;
		d->image.read_only = true;
		d->cached = d->image;
		d->cached.ctx = d;
		d->cached.read = cached_read;
		d->share.ctx = d;
		d->share.pages = share_pages;
		backend = &d->cached;
	}
	if (c->mode == VM_DISK_COW) {
		struct blk_cow_alloc mem = { vm, overlay_alloc, overlay_free };

		if (!blk_cow_init(&d->cow, &d->overlay, &d->cached, &mem)) {
			mem_free_pages(d, VDISK_ORDER);
			vm_config_reject(&vm->cfg, c->line, "disk: no memory for the overlay");
			return -1;
		}
		backend = &d->overlay;
	}
	guest_mem_init(&d->mem, vm);
	virtio_blk_init(&d->blk, backend, &d->mem);
	if (c->mode != VM_DISK_PERSISTENT && !cmdline_get(&monitor_cmdline, "noshare"))
		virtio_blk_set_share(&d->blk, &d->share);
	vm->disk[n] = d;
	vm->virtio[n] = &d->blk.mmio;
	return 0;
}

int vdisk_attach_all(struct vm *vm)
{
	for (unsigned int n = 0; n < vm->cfg.disks; n++)
		if (attach(vm, n)) {
			vdisk_release_all(vm);
			return -1;
		}
	return 0;
}

void vdisk_release_all(struct vm *vm)
{
	for (unsigned int n = 0; n < VM_MAX_DISKS; n++) {
		struct vdisk *d = vm->disk[n];

		if (!d)
			continue;
		vm->virtio[n] = 0;
		vm->disk[n] = 0;
		if (d->cfg->mode == VM_DISK_COW)
			blk_cow_destroy(&d->cow);
		mem_free_pages(d, VDISK_ORDER);
	}
	vm->virtio_irq = 0;
}

void vdisk_report(const struct vm *vm)
{
	for (unsigned int n = 0; n < VM_MAX_DISKS; n++) {
		const struct vdisk *d = vm->disk[n];
		const struct virtio_blk_counters *b;
		const struct virtio_mmio_counters *t;

		if (!d)
			continue;
		b = &d->blk.count;
		t = &d->blk.mmio.count;
		con_printf("disco: vm %s: disk vd%c (%s, %s): %lu reads (%lu KiB, %lu pages shared), %lu writes (%lu KiB), %lu flushes, %lu I/O errors, %lu malformed, %lu device errors, %lu bad accesses, %lu too large, %lu notifies cut short",
			   vm->cfg.name, 'a' + n, d->cfg->image, vm_disk_mode_name(d->cfg->mode),
			   (unsigned long)b->reads, (unsigned long)(b->bytes_read >> 10),
			   (unsigned long)b->shared_pages,
			   (unsigned long)b->writes, (unsigned long)(b->bytes_written >> 10),
			   (unsigned long)b->flushes, (unsigned long)b->ioerr,
			   (unsigned long)b->malformed, (unsigned long)t->device_errors,
			   (unsigned long)t->bad_access, (unsigned long)b->too_large,
			   (unsigned long)t->notifies_again);
		if (d->cfg->mode == VM_DISK_COW)
			con_printf(", overlay %lu blocks of 4 KiB",
				   (unsigned long)d->cow.count.blocks);
		con_printf("\n");
	}
	if (vm->cfg.disks) {
		struct bcache_stats bc;

		bcache_get_stats(&bc);
		con_printf("disco: buffer cache: %lu of %lu blocks of 4 KiB held, %lu hits, %lu misses (%lu not cached: full, %lu failed), %lu disk reads (%lu blocks read ahead)\n",
			   (unsigned long)bc.blocks, (unsigned long)bc.capacity,
			   (unsigned long)bc.hits, (unsigned long)bc.misses,
			   (unsigned long)bc.full, (unsigned long)bc.failed,
			   (unsigned long)bc.reads, (unsigned long)bc.read_ahead);
	}
}

uint64_t vdisk_overlay_pages(void)
{
	uint64_t pages = 0;

	for (unsigned int i = 0; i < vm_count; i++)
		for (unsigned int n = 0; n < VM_MAX_DISKS; n++) {
			const struct vdisk *d = vms[i].disk[n];

			if (d && d->cfg->mode == VM_DISK_COW)
				pages += d->cow.count.blocks;
		}
	return pages;
}
