/*
 * The malta board as QEMU 7.2 builds it: physical addresses and constants.
 * Facts from hw/mips/malta.c and target/mips (see ../shared/docs/platform.md).
 */
#ifndef MALTA_BOARD_H
#define MALTA_BOARD_H

/* RAM: all of it at physical 0x80000000 (up to 2 GiB); the first 256 MiB
 * are also aliased at physical 0, which is where kseg0 addresses land. */
#define MALTA_RAM_BASE        0x80000000ul
#define MALTA_RAM_MAX         (2ul << 30)
#define MALTA_LOWRAM_MAX      (256ul << 20)

/* The boot loader's argument and environment table (YAMON style). */
#define MALTA_PROM_TABLE_END  0x3040ul      /* RAM below this holds the table */

/* I/O, reached uncached through kseg1. */
#define MALTA_ISA_IO_BASE     0x18000000ul  /* PIIX4 ISA I/O space */
#define MALTA_COM1            (MALTA_ISA_IO_BASE + 0x3f8)
#define MALTA_SOFTRES         0x1f000500ul  /* write 0x42: reset (power off with -no-reboot) */
#define MALTA_SOFTRES_RESET   0x42

/* Count ticks once per 2 CPU cycles of the 320 MHz clock: QEMU keeps an
 * integer ns period, 1e9 / 160e6 = 6.25 truncated to 6 ns. */
#define MALTA_COUNT_NS        6u
#define MALTA_COUNT_HZ        (1000000000u / MALTA_COUNT_NS)

#endif
