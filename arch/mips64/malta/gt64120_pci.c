/*
 * PCI configuration space and memory BARs on malta, through the GT-64120
 * system controller (QEMU 7.2 hw/mips/gt64xxx_pci.c; notes in
 * docs/devices.md "The real disk"). The GT's registers take 32-bit
 * accesses only and, on a little-endian malta, swap nothing: config data
 * comes through CFGDATA as the device's little-endian dword.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "arch/atomic.h"
#include "arch/pci.h"
#include "board.h"
#include "monitor/spinlock.h"

#define CFG_ENABLE 0x80000000u

static spinlock_t cfg_lock = SPINLOCK_INIT;    /* the CFGADDR/CFGDATA pair */
static uint64_t mem_next = MALTA_PCI_MEM_BASE; /* under cfg_lock */

static inline volatile uint32_t *gt_reg(unsigned int off)
{
	return (volatile uint32_t *)phys_to_uncached(MALTA_GT_BASE + off);
}

static uint32_t cfg_addr(struct pci_fn f, unsigned int reg)
{
	return CFG_ENABLE | (uint32_t)f.bus << 16 | (uint32_t)(f.dev & 31) << 11 |
	       (uint32_t)(f.fn & 7) << 8 | (reg & 0xfc);
}

static uint32_t cfg_read_locked(struct pci_fn f, unsigned int reg)
{
	*gt_reg(GT_PCI0_CFGADDR) = cfg_addr(f, reg);
	return *gt_reg(GT_PCI0_CFGDATA);
}

static void cfg_write_locked(struct pci_fn f, unsigned int reg, uint32_t v)
{
	*gt_reg(GT_PCI0_CFGADDR) = cfg_addr(f, reg);
	*gt_reg(GT_PCI0_CFGDATA) = v;
}

uint32_t arch_pci_cfg_read32(struct pci_fn f, unsigned int reg)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t v = cfg_read_locked(f, reg);

	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

uint16_t arch_pci_cfg_read16(struct pci_fn f, unsigned int reg)
{
	return (uint16_t)(arch_pci_cfg_read32(f, reg) >> (8 * (reg & 2)));
}

uint8_t arch_pci_cfg_read8(struct pci_fn f, unsigned int reg)
{
	return (uint8_t)(arch_pci_cfg_read32(f, reg) >> (8 * (reg & 3)));
}

void arch_pci_cfg_write32(struct pci_fn f, unsigned int reg, uint32_t v)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);

	cfg_write_locked(f, reg, v);
	spin_unlock_irqrestore(&cfg_lock, flags);
}

/* Writes width bytes (1 or 2) of v at reg: read-modify-write of the dword,
 * as Linux's gt64xxx_pci0_pcibios_write does. */
static void cfg_write_narrow(struct pci_fn f, unsigned int reg, uint32_t v, unsigned int width)
{
	unsigned int shift = 8 * (reg & 3);
	uint32_t mask = (width == 1 ? 0xffu : 0xffffu) << shift;
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t old = cfg_read_locked(f, reg);

	cfg_write_locked(f, reg, (old & ~mask) | ((v << shift) & mask));
	spin_unlock_irqrestore(&cfg_lock, flags);
}

void arch_pci_cfg_write16(struct pci_fn f, unsigned int reg, uint16_t v)
{
	cfg_write_narrow(f, reg & ~1u, v, 2);
}

void arch_pci_cfg_write8(struct pci_fn f, unsigned int reg, uint8_t v)
{
	cfg_write_narrow(f, reg, v, 1);
}

#define BAR_IO       0x1u
#define BAR_TYPE_64  0x4u
#define BAR_TYPE     0x6u
#define BAR_MEM_MASK 0xfffffff0u

bool arch_pci_assign_mem_bar(struct pci_fn f, unsigned int bar, uint64_t *phys,
			     uint64_t *size)
{
	unsigned int reg = PCI_BAR0 + 4 * bar;
	unsigned long flags;
	uint32_t cmd, lo, lo_mask, hi_mask = 0xffffffffu;
	bool is64;
	uint64_t mask, sz, base;

	if (bar >= PCI_NUM_BARS)
		return false;
	flags = spin_lock_irqsave(&cfg_lock);
	cmd = cfg_read_locked(f, PCI_COMMAND);
	cfg_write_locked(f, PCI_COMMAND, cmd & ~(uint32_t)PCI_COMMAND_MEMORY & 0xffff);
	lo = cfg_read_locked(f, reg);
	is64 = (lo & BAR_TYPE) == BAR_TYPE_64;
	if ((lo & BAR_IO) || (is64 && bar + 1 >= PCI_NUM_BARS))
		goto refuse;
	cfg_write_locked(f, reg, 0xffffffffu);
	lo_mask = cfg_read_locked(f, reg) & BAR_MEM_MASK;
	if (is64) {
		cfg_write_locked(f, reg + 4, 0xffffffffu);
		hi_mask = cfg_read_locked(f, reg + 4);
	}
	mask = (uint64_t)hi_mask << 32 | lo_mask;
	if (lo_mask == 0)
		goto restore;           /* not implemented */
	sz = ~mask + 1;
	base = (mem_next + sz - 1) & ~(sz - 1);
	if (sz > MALTA_PCI_MEM_SIZE || base + sz > MALTA_PCI_MEM_BASE + MALTA_PCI_MEM_SIZE)
		goto restore;
	mem_next = base + sz;
	cfg_write_locked(f, reg, (uint32_t)base | (lo & ~BAR_MEM_MASK));
	if (is64)
		cfg_write_locked(f, reg + 4, (uint32_t)(base >> 32));
	spin_unlock_irqrestore(&cfg_lock, flags);
	*phys = base;
	*size = sz;
	return true;
restore:
	cfg_write_locked(f, reg, lo);
	if (is64)
		cfg_write_locked(f, reg + 4, 0);
refuse:
	cfg_write_locked(f, PCI_COMMAND, cmd & 0xffff);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return false;
}

volatile void *arch_pci_mmio(uint64_t pa)
{
	return phys_to_uncached(pa);
}

uint64_t arch_pci_dma_addr(const void *p)
{
	return virt_to_phys(p);         /* malta: bus address = CPU physical */
}
