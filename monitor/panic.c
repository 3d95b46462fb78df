/*
 * Halting the machine, in order or in a panic.
 */
#include <stdarg.h>
#include "arch/board.h"
#include "arch/cpu.h"
#include "monitor/console.h"
#include "monitor/monitor.h"

void monitor_halt(int status)
{
	if (cmdline_get(&monitor_cmdline, "semihosting"))
		arch_semihost_exit(status);
	con_printf("disco: exit status %d, powering off\n", status);
	arch_power_off();
}

static void panic_vbegin(const char *fmt, va_list ap)
{
	arch_irq_disable();
	con_enter_panic_mode();
	con_printf("\nPANIC on cpu %u: ", arch_cpu_id());
	con_vprintf(fmt, ap);
	con_printf("\n");
}

void panic_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_vbegin(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_vbegin(fmt, ap);
	va_end(ap);
	monitor_halt(1);
}
