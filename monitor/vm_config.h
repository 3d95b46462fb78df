/*
 * The VM configuration file: plain text, one section per VM.
 *
 *   # comment
 *   [vm web]
 *   kernel  = unit.elf        # an ELF file in the boot bundle (required)
 *   initrd  = tests.cpio      # a file in the bundle for Linux's initrd
 *   vcpus   = 2               # 1 to 16 (default 1)
 *   memory  = 64M             # RAM, a multiple of 1M (default 32M)
 *   cmdline = console=ttyS0   # the rest of the line, as is
 *   cpus    = 0-1,3           # physical CPUs (0-15) it may run on (default any)
 *   node    = 0               # preferred NUMA node for its memory
 *   numa_policy = migrate     # page placement (numa/policy.h; default:
 *                             # the command line's numa_policy=, else first-touch)
 *   numa.trigger = 16         # a parameter of the policy or the engine
 *   move_at = 2000:4-7        # after 2000 ms of its run, its vCPUs move to
 *                             # CPUs 4-7 (an experiment's scripted move)
 *   disk = debian cow         # a virtio disk (vda, vdb, ... in this order):
 *                             # an image of the real disk's store (or a file
 *                             # of the boot bundle) and its mode: cow (the
 *                             # VM's writes stay in its own overlay, lost at
 *                             # its end), persistent (writes reach the image)
 *                             # or ro (read-only)
 *   net = 52:54:00:00:00:02 10.0.0.2/24
 *                             # an interface on the VMs' virtual subnet
 *                             # (virtio-net, eth0, eth1 in this order):
 *                             # its MAC (unicast, not zero, unique among
 *                             # the VMs) and the guest's IPv4 address and
 *                             # prefix, given to the guest on its command
 *                             # line as disco.net=MAC,ADDR/PREFIX (mkdts)
 *
 * Pure C, unit-tested on the host. Machine-dependent checks (is there that
 * much memory, that CPU, that file) come later, where the VM is built.
 */
#ifndef MONITOR_VM_CONFIG_H
#define MONITOR_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_MAX          16
#define VM_NAME_MAX     32
#define VM_PATH_MAX     64
#define VM_CMDLINE_MAX  256
#define VM_ERROR_MAX    160
#define VM_MAX_VCPUS    16
#define VM_NUMA_NAME_MAX 32
#define VM_NUMA_KEY_MAX  24
#define VM_NUMA_PARAMS   8
#define VM_MAX_DISKS     4
#define VM_MAX_NETS      2
#define VM_MAC_LEN       6

enum vm_disk_mode { VM_DISK_COW, VM_DISK_PERSISTENT, VM_DISK_RO };

struct vm_disk_config {
	char image[VM_PATH_MAX];        /* a store image or a bundle file */
	enum vm_disk_mode mode;
	int line;
};

struct vm_net_config {
	uint8_t mac[VM_MAC_LEN];        /* unicast, not all zero */
	uint32_t ip;                    /* IPv4, host order: 10.0.0.2 is 0x0a000002 */
	unsigned int prefix;            /* 1..30 */
	int line;
};

struct vm_numa_param {
	char key[VM_NUMA_KEY_MAX];
	uint32_t value;
	int line;
};

struct vm_config {
	char name[VM_NAME_MAX];
	char kernel[VM_PATH_MAX];
	char initrd[VM_PATH_MAX];       /* "" = none */
	unsigned int vcpus;
	uint64_t memory;
	char cmdline[VM_CMDLINE_MAX];
	uint32_t cpus;          /* allowed physical CPUs; 0 = any */
	int node;               /* preferred NUMA node, or -1 */
	char numa_policy[VM_NUMA_NAME_MAX];     /* "" = the default */
	struct vm_numa_param numa[VM_NUMA_PARAMS];
	unsigned int numa_params;
	uint32_t move_at_ms;    /* 0 = no scripted move */
	uint32_t move_cpus;     /* the CPUs it moves to */
	struct vm_disk_config disk[VM_MAX_DISKS];
	unsigned int disks;
	struct vm_net_config net[VM_MAX_NETS];
	unsigned int nets;      /* in the virtio slots after the disks */
	int line;               /* line of the [vm ...] header */
	struct {                /* line of each key, for later checks */
		int kernel, initrd, vcpus, memory, cpus, node, numa_policy, move_at;
	} at;
	bool valid;             /* false: error says why; not to be started */
	char error[VM_ERROR_MAX];
};

struct vm_config_set {
	unsigned int count;
	struct vm_config vm[VM_MAX];
	char error[VM_ERROR_MAX];       /* a problem outside any VM, or "" */
};

/*
 * Where the boot files go in a VM's memory (guest-physical), shared by the
 * monitor and the host tool that writes the device tree: the device tree
 * in the last VM_DTB_ROOM bytes, the initrd right below it, aligned to
 * 64 KiB: Linux refuses an initrd not aligned to its own page size, which
 * can be 4 to 64 KiB.
 */
#define VM_DTB_ROOM       (64u << 10)
#define VM_INITRD_ALIGN   (64u << 10)

static inline uint64_t vm_dtb_gpa(uint64_t memory)
{
	return memory - VM_DTB_ROOM;
}

/* 0 when the initrd cannot fit below the device tree at all. */
static inline uint64_t vm_initrd_gpa(uint64_t memory, uint64_t size)
{
	if (memory < VM_DTB_ROOM + size)
		return 0;
	return (vm_dtb_gpa(memory) - size) & ~(uint64_t)(VM_INITRD_ALIGN - 1);
}

/*
 * The guest-physical map above RAM (docs/guest-abi.md): a VM's memory ends
 * below VM_DEVICE_BASE; its virtio-mmio devices (disks first, in the
 * configuration's order, then network interfaces) have 0x200-byte windows
 * from VM_VIRTIO_GPA on, all on the CPU interrupt line VM_VIRTIO_IP.
 */
#define VM_DEVICE_BASE    0x18000000ull
#define VM_MEMORY_MAX     VM_DEVICE_BASE
#define VM_VIRTIO_GPA     0x18010000ull
#define VM_VIRTIO_STRIDE  0x200u
#define VM_VIRTIO_SLOTS   8
#define VM_VIRTIO_IP      4

static inline uint64_t vm_virtio_gpa(unsigned int slot)
{
	return VM_VIRTIO_GPA + (uint64_t)slot * VM_VIRTIO_STRIDE;
}

/* The virtio slot of the VM's network interface n (after its disks). */
static inline unsigned int vm_net_slot(const struct vm_config *c, unsigned int n)
{
	return c->disks + n;
}

/* "disco.net=52:54:00:00:00:02,10.0.0.2/24": interface n's part of the
 * guest's command line (mkdts appends it to bootargs); the length, as
 * snprintf. */
#define VM_NET_ARG_MAX 48
int vm_net_arg(const struct vm_net_config *n, char *buf, size_t size);

/* The disk mode's name in the configuration ("cow", ...). */
const char *vm_disk_mode_name(enum vm_disk_mode mode);

/*
 * Parses the configuration text (len bytes, need not be NUL-terminated).
 * Every VM section becomes an entry; one with a problem is marked invalid
 * with a message "vm NAME, line N: problem" (the first problem found;
 * "(unnamed)" when the header itself is bad) and the others are unaffected.
 * Lines are at most 511 characters. Returns the number of valid VMs.
 */
unsigned int vm_config_parse(const char *text, size_t len,
			     struct vm_config_set *set);

/* Marks a VM invalid with a formatted reason (keeps the first reason). */
void vm_config_reject(struct vm_config *vm, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
