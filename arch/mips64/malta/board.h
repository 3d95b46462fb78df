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

/* The GT-64120 system controller, moved here by QEMU's -kernel boot stub
 * (write_bootloader); its registers take 32-bit accesses only. PCI
 * configuration space is its 0xcf8/0xcfc pair (mechanism #1 layout). */
#define MALTA_GT_BASE         0x1be00000ul
#define GT_PCI0_CFGADDR       0xcf8
#define GT_PCI0_CFGDATA       0xcfc
#define GT_PCI0_IACK          0xc34         /* read: the 8259 pair's vector */

/* PCI0 MEM0 window the boot stub opens, 1:1 (bus address = CPU physical).
 * BARs the monitor assigns come from here. DMA sees RAM at its physical
 * address (no IOMMU, no offset). */
#define MALTA_PCI_MEM_BASE    0x10000000ul
#define MALTA_PCI_MEM_SIZE    0x08000000ul  /* 128 MiB */

/* Count ticks once per 2 CPU cycles of the 320 MHz clock: QEMU keeps an
 * integer ns period, 1e9 / 160e6 = 6.25 truncated to 6 ns. */
#define MALTA_COUNT_NS        6u
#define MALTA_COUNT_HZ        (1000000000u / MALTA_COUNT_NS)

#endif
