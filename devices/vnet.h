/*
 * The VMs' virtual subnet in the monitor: one net_switch (net_switch.h)
 * for every VM, and each `net = MAC ADDR/PREFIX` of a VM's configuration a
 * virtio-net device (virtio_net.h) on a port of it, in the VM's virtio
 * slot after its disks (vm_net_slot).
 *
 * Locking: delivery is synchronous (VM A's transmit notify writes into VM
 * B's receive buffers before it returns), so ONE lock, the subnet lock,
 * covers the switch and every virtio-net device: the guests' accesses to
 * their net windows (devices/mmio.c) and the deliveries. Its waiters serve
 * their CPU's cross-call mailbox: a delivery may copy-on-write a page of
 * the receiving VM, whose shoot-down waits for the CPUs running that VM,
 * one of which may be waiting for this lock.
 *
 * A delivery raises the receiving VM's interrupt bit (vm->virtio_irq, bit
 * slot) and kicks the CPUs of its vCPUs, so that a running vCPU's next
 * trap goes through C and sees it; a vCPU in `wait` on an idle CPU sees it
 * at that CPU's next tick (malta has no interrupt between CPUs).
 *
 * An ended VM's port stays, marked down: frames to it are dropped and
 * counted (vnet_dead_drops), nothing touches its freed device. The VM
 * started again takes the same port back (by its MAC).
 *
 * Page remapping (virtio_net_remap): the hook always refuses, so every
 * byte is copied; rx_remap_refused counts the pages it could have taken
 * (none with Linux 6.1's buffers: docs/devices.md).
 */
#ifndef DEVICES_VNET_H
#define DEVICES_VNET_H

#include <stdint.h>
#include "devices/guest_mem.h"
#include "devices/virtio_net.h"
#include "monitor/vm_config.h"

struct vm;

#define VNET_MTU 1500

struct vnet {
	struct virtio_net net;          /* its registers: &net.mmio */
	struct vq_mem mem;              /* the VM's memory (guest_mem.h) */
	const struct vm_net_config *cfg;
	struct vm *vm;
	unsigned int slot;              /* its virtio slot */
	unsigned int port;              /* its port on the switch */
	uint64_t kicks;                 /* CPUs kicked after a delivery */
};

/* Makes the VM's interfaces (vm->cfg.net[]) in their slots and ports. A
 * MAC another live VM has, or a full switch, or no memory, rejects the VM
 * with its line, and nothing is left held. 0 or -1. */
int vnet_attach_all(struct vm *vm);

/* Takes the VM's interfaces off the subnet (their ports marked down) and
 * frees them. */
void vnet_release_all(struct vm *vm);

/* One line per interface with its counters (at the VM's end). */
void vnet_report(const struct vm *vm);

/* The subnet lock, for devices/mmio.c's accesses to net windows. */
unsigned long vnet_lock(void);
void vnet_unlock(unsigned long flags);

#endif
