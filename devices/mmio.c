/*
 * Dispatch of device accesses (see mmio.h). The UART's registers are
 * bytes; wider accesses read or write the addressed byte, as QEMU's
 * serial-mm with regshift 0 behaves for malta's COM1. A virtio window
 * goes to its transport (devices/virtio_mmio.h) under the slot's own lock
 * (a disk request is served inside the access that notifies), or for a
 * network interface under the subnet lock (devices/vnet.h: a transmit
 * notify delivers into other VMs' devices before it returns).
 */
#include "devices/mmio.h"
#include "devices/virtio_mmio.h"
#include "devices/vnet.h"
#include "monitor/vm.h"
#include "monitor/xcall.h"

/* The virtio slot whose window holds gpa, or -1. */
static int virtio_slot(const struct vm *vm, uint64_t gpa)
{
	uint64_t off = gpa - VM_VIRTIO_GPA;
	unsigned int slot = (unsigned int)(off / VM_VIRTIO_STRIDE);

	if (off >= (uint64_t)VM_VIRTIO_SLOTS * VM_VIRTIO_STRIDE || !vm->virtio[slot])
		return -1;
	return (int)slot;
}

bool mmio_covers(const struct vm *vm, uint64_t gpa)
{
	return gpa - GUEST_UART_GPA < GUEST_UART_SIZE || virtio_slot(vm, gpa) >= 0;
}

/* The slot's lock, interrupts off. While it waits, this CPU serves its
 * cross-CPU calls: the holder may be shooting down translations (a page
 * shared or copied by a disk read, mmu/page_share.h) and waiting for this
 * CPU, which an interrupt-off spin would never let it see. */
static unsigned long lock_slot(struct vm *vm, int slot)
{
	unsigned long flags = arch_irq_save();

	while (!spin_trylock(&vm->virtio_lock[slot]))
		xcall_poll();
	return flags;
}

/* A virtio access, and the slot's interrupt line after it. */
static enum mmio_result virtio_access(struct vm *vm, uint64_t gpa, unsigned int size,
				      uint64_t *value, bool write)
{
	int slot = virtio_slot(vm, gpa);
	enum mmio_result r = MMIO_DONE;
	unsigned long flags;
	struct virtio_mmio *t;
	uint32_t off;
	bool net;

	if (slot < 0)
		return MMIO_NONE;
	off = (uint32_t)(gpa - vm_virtio_gpa((unsigned int)slot));
	net = vm->virtio_net_slots & (1u << slot);
	flags = net ? vnet_lock() : lock_slot(vm, slot);
	t = vm->virtio[slot];
	if (write)
		r = virtio_mmio_write(t, off, size, *value) ? MMIO_DONE : MMIO_AGAIN;
	else
		*value = virtio_mmio_read(t, off, size);
	if (virtio_mmio_irq(t))
		__atomic_fetch_or(&vm->virtio_irq, 1u << slot, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&vm->virtio_irq, ~(1u << slot), __ATOMIC_SEQ_CST);
	if (net)
		vnet_unlock(flags);
	else
		spin_unlock_irqrestore(&vm->virtio_lock[slot], flags);
	return r;
}

/* The UART's interrupt output onto its line (Cause.IP2 of vCPU 0). */
static void update_lines(struct vm *vm)
{
	uint32_t bit = 1u << (8 + GUEST_UART_IP);

	if (uart_irq(&vm->uart))
		vm->irq_lines |= bit;
	else
		vm->irq_lines &= ~bit;
}

bool mmio_read(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t *value)
{
	if (gpa - GUEST_UART_GPA >= GUEST_UART_SIZE)
		return virtio_access(vm, gpa, size, value, false) != MMIO_NONE;
	unsigned long flags;

	(void)size;
	flags = spin_lock_irqsave(&vm->dev_lock);
	*value = uart_read(&vm->uart, (unsigned int)(gpa - GUEST_UART_GPA));
	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return true;
}

enum mmio_result mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t value)
{
	if (gpa - GUEST_UART_GPA >= GUEST_UART_SIZE)
		return virtio_access(vm, gpa, size, &value, true);
	unsigned long flags;

	(void)size;
	flags = spin_lock_irqsave(&vm->dev_lock);
	uart_write(&vm->uart, (unsigned int)(gpa - GUEST_UART_GPA), (uint8_t)value);
	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return MMIO_DONE;
}

bool mmio_console_input(struct vm *vm, uint8_t byte)
{
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	bool ok = uart_receive(&vm->uart, byte);

	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return ok;
}
