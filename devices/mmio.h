/*
 * A VM's emulated device registers in its guest-physical space (the guest
 * ABI's device map, docs/guest-abi.md): the 16550 UART at malta's COM1
 * address, and its virtio-mmio windows (monitor/vm_config.h). Accesses reach here when a guest load or store to such an
 * address traps; devices/mmio.c dispatches them.
 */
#ifndef DEVICES_MMIO_H
#define DEVICES_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define GUEST_UART_GPA  0x180003f8ull   /* malta COM1 */
#define GUEST_UART_SIZE 8
#define GUEST_UART_IP   2               /* Cause.IP2 of vCPU 0 */

/* A byte typed at the VM's console: into its UART's receive FIFO (and its
 * interrupt line). False if the FIFO is full. */
bool mmio_console_input(struct vm *vm, uint8_t byte);

/* Whether gpa is a device register of the VM. */
bool mmio_covers(const struct vm *vm, uint64_t gpa);

/* What a device write did. */
enum mmio_result {
	MMIO_NONE,      /* nothing answers there */
	MMIO_DONE,
	MMIO_AGAIN,     /* a notify that did its budget's worth: the guest's
			 * store is to be made again (virtio_mmio_write) */
};

/* A device access of size bytes; a read false if nothing answers there. */
bool mmio_read(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t *value);
enum mmio_result mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t value);

#endif
