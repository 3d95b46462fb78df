/*
 * Virtual machines built from the boot bundle (QEMU -initrd): a newc cpio
 * archive holding the configuration file "vms.conf" and the guest images it
 * names. See monitor/vm_config.h for the file format.
 */
#ifndef MONITOR_VM_H
#define MONITOR_VM_H

#include <stddef.h>
#include <stdint.h>
#include "devices/uart16550.h"
#include "mmu/pmap.h"
#include "monitor/guest_line.h"
#include "monitor/spinlock.h"
#include "monitor/vm_config.h"
#include "numa/placement.h"

#define VM_BUNDLE_CONFIG "vms.conf"

enum vm_state { VM_REJECTED, VM_LOADED, VM_RUNNING, VM_STOPPING, VM_ENDED };

struct vcpu;
struct image_cache_entry;
struct vdisk;
struct vnet;
struct virtio_mmio;

struct vm {
	struct vm_config cfg;
	enum vm_state state;
	unsigned int node;      /* where its memory was asked for */
	struct pmap pmap;
	uint64_t entry;         /* guest-virtual entry point */
	uint64_t dtb_gpa;       /* the device tree the vCPUs get in a1 */
	uint64_t initrd_gpa, initrd_size;       /* size 0: no initrd */
	struct image_cache_entry *image;        /* its kernel's shared pages, or NULL */
	bool held;              /* its memory and vCPUs are taken (vm_release) */
	struct vcpu *vcpu[VM_MAX_VCPUS];
	volatile unsigned int vcpus_live;       /* not yet stopped */
	volatile uint32_t vcpus_placed;         /* still in a CPU's queue */
	volatile uint32_t tlb_cpus;     /* CPUs whose real TLB may hold its entries */
	volatile uint32_t remote_flushes;       /* cross-calls that flushed them */
	volatile uint32_t shuffle_busy;         /* a CPU moves its pages (page_shuffle.c) */
	uint32_t shuffle_next, shuffle_rounds, shuffle_failed;
	volatile uint32_t merge_busy;   /* a CPU scans it for identical pages (merge_scan.c) */
	uint32_t merge_next;            /* the scan's next guest page */
	uint64_t merged_pages;          /* its pages the scans merged */
	int exit_status;        /* set by the first stop */
	const char *exit_why;
	volatile uint32_t irq_lines;    /* device lines as Cause.IP bits (vCPU 0) */
	spinlock_t dev_lock;    /* the emulated devices (any vCPU may touch them) */
	spinlock_t lock;        /* the fields below, and the stop */
	struct uart16550 uart;
	/* virtio devices: slot i's registers at vm_virtio_gpa(i), its own lock
	 * (a disk request runs under it), bit i of virtio_irq while its
	 * interrupt is up (line VM_VIRTIO_IP); disks in slots 0.., then
	 * network interfaces, whose slots (virtio_net_slots) take the subnet
	 * lock instead (devices/vnet.h) */
	struct virtio_mmio *virtio[VM_VIRTIO_SLOTS];
	spinlock_t virtio_lock[VM_VIRTIO_SLOTS];
	volatile uint32_t virtio_irq;
	struct vdisk *disk[VM_MAX_DISKS];
	struct vnet *net[VM_MAX_NETS];
	uint32_t virtio_net_slots;
	struct guest_line line; /* console output not yet printed */
	uint64_t line_since;    /* CPU 0's tick count at the line's last byte */
	struct vm_numa numa;    /* its NUMA engine (numa/placement.h) */
};

extern struct vm vms[VM_MAX];
extern unsigned int vm_count;

/*
 * Reads the bundle, checks every VM against the machine and loads the good
 * ones into their own memory. Each rejected VM gets one line naming it, the
 * configuration line and the problem; the others are unaffected. Returns the
 * number of VMs loaded.
 */
unsigned int vm_load_bundle(const void *bundle, size_t size);

/*
 * Gives back everything an ended VM took (its vCPUs, its pmap with its
 * private pages, its share of the image cache, the promise left); on the
 * CPU that dropped its last vCPU (vcpu/sched.c). Its report stays.
 */
void vm_release(struct vm *vm);

/*
 * Loads an ended VM again from the boot bundle, as at boot (its kernel,
 * initrd and device tree; the same checks, and a line saying why if it no
 * longer fits), and starts it (sched_start_vm). A VM loaded but never
 * started (`norun`) just starts. Returns 0, or -1 with a line saying why.
 */
int vm_start(struct vm *vm, bool cpu0_joins);

/* The VM named by arg: its number in the configuration (1..) or its
 * name; NULL if there is none (the prompts say so in their own words). */
struct vm *vm_find(const char *arg);

/* Prints the machine memory each VM holds (private, shared, total pages)
 * and the free pages per node: the prompts' `mem`. */
void vm_print_memory(void);

/* Prints which pages of a VM's shared kernel image it has copied (written),
 * as guest-physical ranges: the prompt's `mem VM`. */
void vm_print_copied(struct vm *vm);

/* Sends keyboard input to the focused VM; Ctrl-] commands (vm_input.c). */
void vm_route_input(void);

/* Appends guest console output; whole lines are printed "[name] line",
 * with the bytes that are not printable ASCII escaped (guest_line.h). */
void vm_console_put(struct vm *vm, char c);
/* Prints what is left of a last, unfinished line. */
void vm_console_flush(struct vm *vm);

/* Prints unfinished lines whose last byte is VM_CONSOLE_WAIT_TICKS old (a
 * shell's prompt has no newline); on CPU 0's tick. Never a line whose rest
 * the guest's driver still has to send (uart_tx_wanted): its vCPU may not
 * have got to the transmit interrupt yet, and a stalled console (a slow
 * reader of the real one) can make that take a second or more. Linux's
 * 8250 turns the transmit interrupt off once its buffer is empty, so its
 * prompts still show; a guest that leaves it on shows its unfinished line
 * at its newline, when the line is full, or when the VM ends. */
#define VM_CONSOLE_WAIT_TICKS 100
void vm_console_flush_stale(uint64_t now);

#endif
