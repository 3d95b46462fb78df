/*
 * Dispatch of device accesses (see mmio.h). The UART's registers are
 * bytes; wider accesses read or write the addressed byte, as QEMU's
 * serial-mm with regshift 0 behaves for malta's COM1.
 */
#include "devices/mmio.h"
#include "monitor/vm.h"

bool mmio_covers(const struct vm *vm, uint64_t gpa)
{
	(void)vm;
	return gpa - GUEST_UART_GPA < GUEST_UART_SIZE;
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
	if (!mmio_covers(vm, gpa))
		return false;
	unsigned long flags;

	(void)size;
	flags = spin_lock_irqsave(&vm->dev_lock);
	*value = uart_read(&vm->uart, (unsigned int)(gpa - GUEST_UART_GPA));
	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return true;
}

bool mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t value)
{
	if (!mmio_covers(vm, gpa))
		return false;
	unsigned long flags;

	(void)size;
	flags = spin_lock_irqsave(&vm->dev_lock);
	uart_write(&vm->uart, (unsigned int)(gpa - GUEST_UART_GPA), (uint8_t)value);
	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return true;
}

bool mmio_console_input(struct vm *vm, uint8_t byte)
{
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	bool ok = uart_receive(&vm->uart, byte);

	update_lines(vm);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return ok;
}
