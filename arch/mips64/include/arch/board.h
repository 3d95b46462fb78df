/*
 * Board services the monitor calls: leaving the machine and RAM's place.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

#include <stdint.h>

/* Physical address of RAM offset 0. */
uint64_t arch_ram_base(void);

/* Count ticks per second. */
uint32_t arch_counter_hz(void);

/* Orderly power-off of the whole machine (QEMU exits with status 0). */
void arch_power_off(void) __attribute__((noreturn));

/*
 * Ends the machine handing status to the host (UHI semihosting: QEMU exits
 * with it). Only valid when QEMU runs with -semihosting.
 */
void arch_semihost_exit(int status) __attribute__((noreturn));

#endif
