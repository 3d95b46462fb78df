/*
 * Building VMs from the boot bundle (see vm.h): configuration checks that
 * need the machine (CPUs, nodes, free memory, the images), then every
 * page the VM will take (its vCPUs, its pmap) and the guest image copied
 * into its memory. Starting a loaded VM takes no more memory.
 */
#include "arch/guest.h"
#include "devices/buffer_cache.h"
#include "devices/vdisk.h"
#include "devices/vnet.h"
#include "mmu/image_cache.h"
#include "mmu/machmem.h"
#include "mmu/page_merge.h"
#include "monitor/console.h"
#include "monitor/monitor.h"
#include "monitor/percpu.h"
#include "monitor/cpio.h"
#include "monitor/elf.h"
#include "monitor/merge_scan.h"
#include "monitor/format.h"
#include "monitor/smp.h"
#include "monitor/parse.h"
#include "monitor/string.h"
#include "monitor/vm.h"
#include "numa/topology.h"
#include "vcpu/sched.h"
#include "vcpu/vcpu.h"

struct vm vms[VM_MAX];
unsigned int vm_count;
static struct vm_config_set config_set;        /* as parsed, for vm_start */
static const void *bundle_data;
static size_t bundle_size;

/* The line to blame for a memory problem: memory =, else the header. */
static int memory_line(const struct vm_config *c)
{
	return c->at.memory ? c->at.memory : c->line;
}

/* The node to take memory from: the configured one, else the node of the
 * first allowed CPU, else spread VMs over the nodes in turn. */
static unsigned int home_node(const struct vm_config *c, unsigned int index)
{
	if (c->node >= 0)
		return (unsigned int)c->node;
	if (c->cpus)
		return numa_node_of_cpu(&monitor_topology,
					(unsigned int)__builtin_ctz(c->cpus));
	return index % monitor_topology.nnodes;
}

/* Machine pages the VM may take, all reserved when it loads: its memory
 * (promised: backed on demand, mmu/pmap.h), its pmap's tables and its
 * vCPUs' structures (the device tree and the initrd live in its memory). */
static uint64_t pages_needed(const struct vm_config *c)
{
	return (c->memory >> PAGE_SHIFT) + pmap_table_pages(c->memory) +
	       (uint64_t)c->vcpus * VCPU_PAGES;
}

/* Checks against the machine that the parser could not make. The pages
 * are counted over every node: memory comes from the VM's node first,
 * then from the others. Free pages are those no VM was promised. */
static void check_machine(struct vm *vm)
{
	struct vm_config *c = &vm->cfg;
	uint32_t offline = c->cpus & ~smp_online_mask();
	uint64_t free_pages = mem_available_pages();
	uint64_t free_bytes = free_pages << PAGE_SHIFT;

	if (offline)
		vm_config_reject(c, c->at.cpus, "cpus: CPU %u is not online (%u CPUs)",
				 (unsigned int)__builtin_ctz(offline), smp_cpus_online());
	if (c->node >= (int)monitor_topology.nnodes)
		vm_config_reject(c, c->at.node, "node: no node %d (%u nodes)",
				 c->node, monitor_topology.nnodes);
	if (c->memory > free_bytes)
		vm_config_reject(c, memory_line(c),
				 "memory: %lu MiB asked, %lu pages (%lu MiB) free",
				 (unsigned long)(c->memory >> 20), (unsigned long)free_pages,
				 (unsigned long)(free_bytes >> 20));
	else if (c->memory > VM_MEMORY_MAX)
		vm_config_reject(c, memory_line(c),
				 "memory: %lu MiB asked, at most %lu MiB (the devices are above it, docs/guest-abi.md)",
				 (unsigned long)(c->memory >> 20), (unsigned long)(VM_MEMORY_MAX >> 20));
	else if (pages_needed(c) > free_pages)
		vm_config_reject(c, memory_line(c),
				 "memory: %lu MiB asked, %lu pages with its pmap tables and %u vCPU%s, %lu pages (%lu MiB) free",
				 (unsigned long)(c->memory >> 20),
				 (unsigned long)pages_needed(c), c->vcpus,
				 c->vcpus == 1 ? "" : "s", (unsigned long)free_pages,
				 (unsigned long)(free_bytes >> 20));
}

/* Gives back what reserve() and the image took (nothing twice). */
static void release(struct vm *vm)
{
	unsigned long flags;

	vnet_release_all(vm);   /* off the subnet before its vCPUs go */
	flags = spin_lock_irqsave(&vm->lock);
	for (unsigned int id = 0; id < VM_MAX_VCPUS; id++) {
		if (vm->vcpu[id])
			vcpu_free(vm->vcpu[id]);
		vm->vcpu[id] = 0;
	}
	vdisk_release_all(vm);
	numa_vm_destroy(vm);
	pmap_destroy(&vm->pmap);
	if (vm->image)
		image_cache_put(vm->image);
	vm->image = 0;
	vm->held = false;
	spin_unlock_irqrestore(&vm->lock, flags);
}

struct vm *vm_find(const char *arg)
{
	const char *p = arg;
	uint64_t n;

	if (parse_uint(&p, &n) && !*p && n >= 1 && n <= vm_count)
		return &vms[n - 1];
	for (unsigned int i = 0; i < vm_count; i++)
		if (strcmp(vms[i].cfg.name, arg) == 0)
			return &vms[i];
	return NULL;
}

void vm_release(struct vm *vm)
{
	release(vm);
}

/* The pmap's hook (copy-on-write, moves): the VM's translations go. */
static void page_moved(void *vm, const struct pmap_moved_range *r, unsigned int n)
{
	vcpu_mmu_shoot_down(vm, r, n);
}

/*
 * Takes the machine memory the VM needs (pages_needed, checked by
 * check_machine): the blocks that must be contiguous first, its vCPUs and
 * its pmap's tables, then its memory, which falls back to small blocks.
 * So only a free list with no block large enough (memory too fragmented)
 * can fail it; then it takes nothing and rejects the VM.
 */
static int reserve(struct vm *vm)
{
	struct vm_config *c = &vm->cfg;
	unsigned int id;

	vm->held = true;
	for (id = 0; id < c->vcpus; id++)
		if (!(vm->vcpu[id] = vcpu_alloc(vm->node)))
			break;
	if (id == c->vcpus && pmap_create(&vm->pmap, c->memory, vm->node, (uint16_t)(vm - vms + 1)) == 0) {
		vm->pmap.moved = page_moved;
		vm->pmap.moved_arg = vm;
		if (numa_vm_create(vm) == 0)
			return 0;
		release(vm);    /* numa_vm_create said why */
		return -1;
	}
	release(vm);
	vm_config_reject(c, memory_line(c),
			 "memory: no free block large enough for its pmap tables and vCPUs (%lu pages free)",
			 (unsigned long)mem_free_pages_total());
	return -1;
}

/* Checks the image and that each segment lands inside the VM's memory. */
static int check_image(struct vm *vm, const struct cpio_entry *file,
		       struct elf_image *img)
{
	struct vm_config *c = &vm->cfg;
	char why[96];

	if (elf_parse(file->data, file->size, img, why, sizeof(why))) {
		vm_config_reject(c, c->at.kernel, "kernel '%s': %s", c->kernel, why);
		return -1;
	}
	for (unsigned int i = 0; i < img->nsegs; i++) {
		int64_t gpa = guest_window_to_gpa(img->seg[i].vaddr);
		if (gpa < 0 || (uint64_t)gpa + img->seg[i].memsz > c->memory) {
			vm_config_reject(c, c->at.kernel,
					 "kernel '%s': segment at %lx is outside the VM's memory (%lx + %lu MiB)",
					 c->kernel, (unsigned long)img->seg[i].vaddr,
					 (unsigned long)GUEST_CACHED_BASE,
					 (unsigned long)(c->memory >> 20));
			return -1;
		}
	}
	if (guest_window_to_gpa(img->entry) < 0) {
		vm_config_reject(c, c->at.kernel, "kernel '%s': entry %lx is outside the window",
				 c->kernel, (unsigned long)img->entry);
		return -1;
	}
	return 0;
}

/* Prints one guest line (guest_line_emit). */
static void print_line(void *vm, const char *text)
{
	con_printf("[%s] %s\n", ((struct vm *)vm)->cfg.name, text);
}

void vm_console_flush(struct vm *vm)
{
	guest_line_flush(&vm->line, print_line, vm);
}

void vm_console_put(struct vm *vm, char c)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);

	guest_line_put(&vm->line, (uint8_t)c, print_line, vm);
	vm->line_since = percpu[0].ticks;
	spin_unlock_irqrestore(&vm->lock, flags);
}

void vm_console_flush_stale(uint64_t now)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		unsigned long flags;

		if (!vm->line.len || now - vm->line_since < VM_CONSOLE_WAIT_TICKS ||
		    uart_tx_wanted(&vm->uart))
			continue;
		flags = spin_lock_irqsave(&vm->lock);
		if (vm->line.len && now - vm->line_since >= VM_CONSOLE_WAIT_TICKS)
			vm_console_flush(vm);
		spin_unlock_irqrestore(&vm->lock, flags);
	}
}

static void uart_output(void *vm, char c)
{
	vm_console_put(vm, c);
}

#define FDT_MAGIC 0xd00dfeedu

/* The first guest-physical byte above the image's segments. */
static uint64_t image_end(const struct elf_image *img)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < img->nsegs; i++) {
		uint64_t e = (uint64_t)guest_window_to_gpa(img->seg[i].vaddr) + img->seg[i].memsz;
		if (e > end)
			end = e;
	}
	return end;
}

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Puts the VM's device tree (NAME.dtb, compiled by dtc in mkbundle.sh)
 * in the last VM_DTB_ROOM bytes of its memory. */
static int load_dtb(struct vm *vm, const void *bundle, size_t size, uint64_t image_end)
{
	struct vm_config *c = &vm->cfg;
	struct cpio_entry file;
	char path[VM_NAME_MAX + 8];

	fmt_snprintf(path, sizeof(path), "%s.dtb", c->name);
	if (cpio_find(bundle, size, path, &file)) {
		vm_config_reject(c, c->line, "device tree '%s' not in the boot bundle (tools/mkbundle.sh makes it)",
				 path);
		return -1;
	}
	if (file.size < 40 || be32(file.data) != FDT_MAGIC || be32((const char *)file.data + 4) != file.size) {
		vm_config_reject(c, c->line, "device tree '%s': not a flattened device tree", path);
		return -1;
	}
	if (file.size > VM_DTB_ROOM) {
		vm_config_reject(c, c->line, "device tree '%s': %lu bytes, more than the %u reserved",
				 path, (unsigned long)file.size, VM_DTB_ROOM);
		return -1;
	}
	if (c->memory < VM_DTB_ROOM || vm_dtb_gpa(c->memory) < image_end) {
		vm_config_reject(c, memory_line(c), "memory: no room for the device tree above the image");
		return -1;
	}
	vm->dtb_gpa = vm_dtb_gpa(c->memory);
	return pmap_write(&vm->pmap, vm->dtb_gpa, file.data, file.size);
}

/* Puts the initrd file, if any, right below the device tree, where the
 * device tree's /chosen says it is (tools/mkdts.c uses the same rule). */
static int load_initrd(struct vm *vm, const void *bundle, size_t size, uint64_t image_end)
{
	struct vm_config *c = &vm->cfg;
	struct cpio_entry file;
	uint64_t gpa;

	if (!c->initrd[0])
		return 0;
	if (cpio_find(bundle, size, c->initrd, &file)) {
		vm_config_reject(c, c->at.initrd, "initrd '%s': not in the boot bundle", c->initrd);
		return -1;
	}
	gpa = vm_initrd_gpa(c->memory, file.size);
	if (!gpa || gpa < image_end) {
		vm_config_reject(c, c->at.initrd,
				 "initrd '%s': %lu KiB does not fit between the kernel and the device tree (memory %lu MiB)",
				 c->initrd, (unsigned long)(file.size >> 10),
				 (unsigned long)(c->memory >> 20));
		return -1;
	}
	vm->initrd_gpa = gpa;
	vm->initrd_size = file.size;
	return pmap_write(&vm->pmap, gpa, file.data, file.size);
}

/* Puts the kernel's segments into the VM: mapped shared from the image
 * cache (one copy for every VM of that image; `noshare` on the command
 * line turns it off), else written into its own pages. */
static void load_image(struct vm *vm, const struct cpio_entry *file,
		       const struct elf_image *img)
{
	struct image_range r[IMAGE_MAX_RANGES];
	unsigned int n = 0;

	for (unsigned int i = 0; i < img->nsegs && n < IMAGE_MAX_RANGES; i++) {
		r[n].gpa = (uint64_t)guest_window_to_gpa(img->seg[i].vaddr);
		r[n].data = (const char *)file->data + img->seg[i].offset;
		r[n++].len = img->seg[i].filesz;
	}
	vm->image = 0;
	if (n == img->nsegs && !cmdline_get(&monitor_cmdline, "noshare"))
		vm->image = image_cache_get(file->data, file->size, r, n, vm->node);
	if (vm->image && image_cache_map(vm->image, &vm->pmap) == 0)
		return;
	/* not shared: what was mapped is overwritten with private copies */
	for (unsigned int i = 0; i < img->nsegs; i++)
		pmap_write(&vm->pmap, (uint64_t)guest_window_to_gpa(img->seg[i].vaddr),
			   (const char *)file->data + img->seg[i].offset, img->seg[i].filesz);
}

static void load(struct vm *vm, const void *bundle, size_t size, unsigned int index)
{
	struct vm_config *c = &vm->cfg;
	struct cpio_entry file;
	struct elf_image img;
	uint64_t end;

	check_machine(vm);
	if (!c->valid)
		return;
	if (cpio_find(bundle, size, c->kernel, &file)) {
		vm_config_reject(c, c->at.kernel, "kernel '%s': not in the boot bundle", c->kernel);
		return;
	}
	if (check_image(vm, &file, &img))
		return;
	vm->node = home_node(c, index);
	if (reserve(vm))
		return;
	load_image(vm, &file, &img);
	end = image_end(&img);
	if (load_dtb(vm, bundle, size, end) || load_initrd(vm, bundle, size, end) ||
	    vdisk_attach_all(vm) || vnet_attach_all(vm)) {
		release(vm);
		return;
	}
	vm->entry = img.entry;
	uart_init(&vm->uart, uart_output, vm);
	guest_line_init(&vm->line);
	vm->state = VM_LOADED;
}

static void report(const struct vm *vm)
{
	const struct vm_config *c = &vm->cfg;
	uint64_t per_node[NUMA_MAX_NODES];

	if (vm->state != VM_LOADED) {
		con_printf("disco: error: %s; not started\n", c->error);
		return;
	}
	pmap_node_usage(&vm->pmap, per_node, monitor_topology.nnodes);
	con_printf("disco: vm %s: %u vCPU%s, %lu MiB (node %u: %lu pages held, %u shared), kernel %s entry %lx, dtb at %lx, cmdline \"%s\"\n",
		   c->name, c->vcpus, c->vcpus == 1 ? "" : "s",
		   (unsigned long)(c->memory >> 20), vm->node,
		   (unsigned long)per_node[vm->node], vm->pmap.shared_pages, c->kernel,
		   (unsigned long)vm->entry, (unsigned long)vm->dtb_gpa, c->cmdline);
	if (vm->initrd_size)
		con_printf("disco: vm %s: initrd %s at %lx (%lu bytes)\n", c->name, c->initrd,
			   (unsigned long)vm->initrd_gpa, (unsigned long)vm->initrd_size);
	for (unsigned int n = 0; n < c->disks; n++)
		con_printf("disco: vm %s: disk vd%c: image %s, %s, %lu MiB, virtio at %lx\n",
			   c->name, 'a' + n, c->disk[n].image, vm_disk_mode_name(c->disk[n].mode),
			   (unsigned long)(vm->disk[n]->blk.disk->sectors >> 11),
			   (unsigned long)vm_virtio_gpa(n));
	for (unsigned int n = 0; n < c->nets; n++) {
		char arg[VM_NET_ARG_MAX];

		vm_net_arg(&c->net[n], arg, sizeof(arg));
		con_printf("disco: vm %s: net eth%u: %s, port %u, virtio at %lx\n", c->name, n,
			   arg + 10, vm->net[n]->port,
			   (unsigned long)vm_virtio_gpa(vm_net_slot(c, n)));
	}
}

unsigned int vm_load_bundle(const void *bundle, size_t size)
{
	struct vm_config_set *set = &config_set;
	struct cpio_entry conf;
	unsigned int loaded = 0;

	if (cpio_find(bundle, size, VM_BUNDLE_CONFIG, &conf)) {
		con_printf("disco: error: the boot bundle (-initrd) has no %s or is not a newc cpio archive\n",
			   VM_BUNDLE_CONFIG);
		return 0;
	}
	bundle_data = bundle;
	bundle_size = size;
	vm_config_parse(conf.data, conf.size, set);
	if (set->error[0])
		con_printf("disco: error: %s: %s\n", VM_BUNDLE_CONFIG, set->error);
	vm_count = set->count;
	for (unsigned int i = 0; i < set->count; i++) {
		vms[i].cfg = set->vm[i];
		vms[i].state = VM_REJECTED;
		if (vms[i].cfg.valid)
			load(&vms[i], bundle, size, i);
		report(&vms[i]);
		if (vms[i].state == VM_LOADED)
			loaded++;
	}
	con_printf("disco: %u of %u VMs loaded\n", loaded, set->count);
	return loaded;
}

int vm_start(struct vm *vm, bool cpu0_joins)
{
	unsigned int index = (unsigned int)(vm - vms);

	if (vm->state == VM_ENDED && !vm->held) {
		vm->cfg = config_set.vm[index];
		vm->state = VM_REJECTED;
		vm->exit_status = 0;
		vm->exit_why = 0;
		vm->irq_lines = 0;
		vm->initrd_gpa = vm->initrd_size = 0;
		load(vm, bundle_data, bundle_size, index);
		report(vm);
		if (vm->state != VM_LOADED) {
			vm->state = VM_ENDED;   /* as it was: it may be started later */
			return -1;
		}
	} else if (vm->state == VM_ENDED) {
		con_printf("disco: vm %s is still ending (its memory is not back yet); try again\n",
			   vm->cfg.name);
		return -1;
	} else if (vm->state != VM_LOADED) {
		con_printf("disco: vm %s is %s\n", vm->cfg.name,
			   vm->state == VM_REJECTED ? "rejected (see its line at boot)" :
			   vm->state == VM_STOPPING ? "stopping" : "running");
		return -1;
	}
	if (!sched_start_vm(vm, cpu0_joins)) {
		con_printf("disco: vm %s: none of its CPUs runs vCPUs (CPU 0 is at its prompt)\n",
			   vm->cfg.name);
		return -1;
	}
	return 0;
}

void vm_print_memory(void)
{
	uint64_t priv = 0;

	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		unsigned long flags = spin_lock_irqsave(&vm->lock);
		uint32_t p = vm->held ? vm->pmap.private_pages : 0;
		uint32_t s = vm->held ? vm->pmap.shared_pages : 0;

		spin_unlock_irqrestore(&vm->lock, flags);
		priv += p;
		con_printf("disco: mem %s: %lu MiB, private %u, shared %u, total %u pages (%lu KiB)\n",
			   vm->cfg.name, (unsigned long)(vm->cfg.memory >> 20), p, s, p + s,
			   (unsigned long)(p + s) * (PAGE_SIZE >> 10));
	}
	struct bcache_stats bc;
	uint64_t overlays = vdisk_overlay_pages(), held;

	bcache_get_stats(&bc);
	held = priv + overlays + image_cache_pages() + bc.blocks + page_merge_frames();
	con_printf("disco: mem: VMs' private %lu pages, image cache %lu pages (shared), promised %lu pages\n",
		   (unsigned long)priv, (unsigned long)image_cache_pages(),
		   (unsigned long)mem_promised_pages());
	con_printf("disco: mem: disk overlays %lu pages, buffer cache %lu pages (shared; %lu hits, %lu misses), held for VMs %lu pages (%lu KiB)\n",
		   (unsigned long)overlays, (unsigned long)bc.blocks, (unsigned long)bc.hits,
		   (unsigned long)bc.misses, (unsigned long)held,
		   (unsigned long)held * (PAGE_SIZE >> 10));
	if (merge_scan_pages) {
		struct page_merge_stats m;

		page_merge_get_stats(&m);
		con_printf("disco: mem: merged frames %lu pages (shared; %lu guest pages merged, %lu of zeros given back, %lu pages hashed, %lu differed, %lu refused, %lu frames given back)\n",
			   (unsigned long)m.frames, (unsigned long)m.merged, (unsigned long)m.zero,
			   (unsigned long)m.scanned,
			   (unsigned long)m.differed, (unsigned long)m.refused, (unsigned long)m.freed);
	}
	for (unsigned int n = 0; n < monitor_topology.nnodes; n++)
		con_printf("disco: mem node %u: %lu pages free (%lu MiB)\n", n,
			   (unsigned long)mem_free_pages_on(n),
			   (unsigned long)(mem_free_pages_on(n) >> 8));
}

void vm_print_copied(struct vm *vm)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	uint32_t first, n, copied = 0, runs = 0;

	if (!vm->held || !vm->image) {
		spin_unlock_irqrestore(&vm->lock, flags);
		con_printf("disco: vm %s shares no image\n", vm->cfg.name);
		return;
	}
	image_cache_range(vm->image, &first, &n);
	con_printf("disco: vm %s: image pages %lx-%lx, copied:", vm->cfg.name,
		   (unsigned long)first << PAGE_SHIFT, (unsigned long)(first + n) << PAGE_SHIFT);
	for (uint32_t p = first; p < first + n; p++) {
		uint32_t end = p;

		if (pmap_state(&vm->pmap, (uint64_t)p << PAGE_SHIFT) == PMAP_SHARED)
			continue;
		while (end + 1 < first + n &&
		       pmap_state(&vm->pmap, (uint64_t)(end + 1) << PAGE_SHIFT) != PMAP_SHARED)
			end++;
		con_printf("%s %lx-%lx", runs % 6 ? "" : "\ndisco:  ",
			   (unsigned long)p << PAGE_SHIFT, (unsigned long)(end + 1) << PAGE_SHIFT);
		copied += end + 1 - p;
		runs++;
		p = end;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	con_printf("\ndisco: vm %s: %u of %u image pages copied, %u shared\n", vm->cfg.name,
		   copied, n, n - copied);
}
