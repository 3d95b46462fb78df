/*
 * PCI as the monitor reaches it: configuration space of bus 0 and memory
 * BARs placed in the board's PCI memory window. The board's code (malta:
 * arch/mips64/malta/gt64120_pci.c, the GT-64120's 0xcf8/0xcfc pair)
 * implements these; drivers (devices/realdisk.c) call them.
 *
 * A PCI bus address is what a device's DMA uses; on malta it equals the
 * CPU physical address (arch_pci_dma_addr).
 */
#ifndef ARCH_PCI_H
#define ARCH_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_SLOTS            32
#define PCI_VENDOR_ID        0x00    /* 16 bits; 0xffff: no device */
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_COMMAND_MEMORY   0x0002
#define PCI_COMMAND_MASTER   0x0004
#define PCI_COMMAND_INTX_OFF 0x0400
#define PCI_STATUS           0x06
#define PCI_STATUS_CAP_LIST  0x0010
#define PCI_REVISION_ID      0x08
#define PCI_HEADER_TYPE      0x0e
#define PCI_BAR0             0x10
#define PCI_NUM_BARS         6
#define PCI_CAPABILITY_LIST  0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_INTERRUPT_PIN    0x3d
#define PCI_CAP_ID_VNDR      0x09

/* A function on bus 0. */
struct pci_fn {
	uint8_t bus, dev, fn;
};

/*
 * Configuration space reads and writes of 8, 16 and 32 bits at offset reg
 * (naturally aligned, < 256). Narrow writes read-modify-write the dword.
 * Serialised inside (the address/data pair is one shared register set).
 * An absent function reads all ones.
 */
uint32_t arch_pci_cfg_read32(struct pci_fn f, unsigned int reg);
uint16_t arch_pci_cfg_read16(struct pci_fn f, unsigned int reg);
uint8_t arch_pci_cfg_read8(struct pci_fn f, unsigned int reg);
void arch_pci_cfg_write32(struct pci_fn f, unsigned int reg, uint32_t v);
void arch_pci_cfg_write16(struct pci_fn f, unsigned int reg, uint16_t v);
void arch_pci_cfg_write8(struct pci_fn f, unsigned int reg, uint8_t v);

/*
 * Sizes memory BAR `bar` (0..5; a 64-bit BAR takes bar and bar + 1), places
 * it at the next naturally aligned free address of the board's PCI memory
 * window and writes it, with the command register's memory decode off
 * meanwhile (left off: the caller enables it). Returns false, changing
 * nothing, for an I/O BAR, an unimplemented one, or no room. On success
 * *phys is the BAR's CPU physical address and *size its size.
 */
bool arch_pci_assign_mem_bar(struct pci_fn f, unsigned int bar, uint64_t *phys,
			     uint64_t *size);

/* An uncached pointer to a device's registers at CPU physical pa (from
 * arch_pci_assign_mem_bar). */
volatile void *arch_pci_mmio(uint64_t pa);

/* The bus address a device's DMA uses for the monitor memory at p (a
 * CKSEG0 or XKPHYS pointer, physically contiguous for its length). */
uint64_t arch_pci_dma_addr(const void *p);

#endif
