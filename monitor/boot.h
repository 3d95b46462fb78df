/*
 * What the board's boot code hands to the machine-independent monitor.
 * All addresses are offsets into RAM (machine addresses minus the RAM base).
 */
#ifndef MONITOR_BOOT_H
#define MONITOR_BOOT_H

#include <stdint.h>

struct boot_info {
	const char *cmdline;        /* the user's command line (-append) */
	uint64_t ram_size;          /* all RAM, bytes */
	uint64_t low_ram_size;      /* RAM reachable below 512 MiB (memsize) */
	uint64_t reserved_below;    /* RAM below this belongs to the boot loader */
	uint64_t image_start;       /* the monitor image */
	uint64_t image_end;
	uint64_t initrd_start;      /* -initrd, or size 0 */
	uint64_t initrd_size;
};

/* Called once, on CPU 0, with .bss cleared and the vectors installed. */
void monitor_start(const struct boot_info *bi) __attribute__((noreturn));

#endif
