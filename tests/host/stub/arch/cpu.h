/* Host stand-in for arch/cpu.h (see atomic.h here): one CPU, no interrupts. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>

static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline void arch_cpu_relax(void) { }

#endif
