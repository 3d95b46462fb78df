/*
 * Bringing the CPUs up and keeping them: check-in, ticks, the idle loop.
 */
#ifndef MONITOR_SMP_H
#define MONITOR_SMP_H

#include <stdint.h>

/* Sets up the boot CPU (CPU 0): per-CPU area and its tick. */
void smp_init_boot_cpu(uint32_t tick_period);

/*
 * Releases the other CPUs and waits until no more check in. QEMU does not
 * say how many CPUs it made, so the count is who arrived: the wait ends
 * once none has arrived for 50 ms of Count time. Returns the count.
 */
unsigned int smp_start_secondaries(void);

/* Number of CPUs online, and a mask of them. */
unsigned int smp_cpus_online(void);
uint32_t smp_online_mask(void);

/* Waits for an interrupt with interrupts on, serving the mailbox first. */
void smp_idle_once(void);

#endif
