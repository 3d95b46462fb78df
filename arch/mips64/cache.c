/*
 * Primary cache maintenance (see arch/cache.h): index operations through
 * kseg0 for the whole cache, hit operations through xkphys (cacheable) for
 * machine address ranges.
 */
#include "arch/addrspace.h"
#include "arch/cache.h"
#include "arch/mipsregs.h"

#define INDEX_INVALIDATE_I      0x00
#define INDEX_WB_INV_D          0x01
#define HIT_INVALIDATE_I        0x10
#define HIT_WB_INV_D            0x15

struct cache_shape {
	unsigned int line;      /* bytes; 0: no cache */
	unsigned int size;      /* bytes, all ways */
};

/* Config1 fields S (sets), L (line), A (ways) at shift s, s-3, s-6. */
static struct cache_shape shape(uint32_t config1, unsigned int s)
{
	unsigned int sets_f = (config1 >> s) & 7, line_f = (config1 >> (s - 3)) & 7;
	unsigned int ways = ((config1 >> (s - 6)) & 7) + 1;
	struct cache_shape c = { 0, 0 };

	if (line_f) {
		c.line = 2u << line_f;
		c.size = (sets_f == 7 ? 32u : 64u << sets_f) * c.line * ways;
	}
	return c;
}

#define CACHE_OP(op, addr) \
	__asm__ volatile(".set push\n\t.set mips64r2\n\tcache %0, 0(%1)\n\t.set pop" \
			 : : "i"(op), "r"(addr) : "memory")

uint64_t arch_cache_size(void)
{
	uint32_t config1 = read_c0_config1();
	struct cache_shape d = shape(config1, 15), i = shape(config1, 24);

	return d.size > i.size ? d.size : i.size;
}

void arch_cache_sync_all(unsigned int what)
{
	uint32_t config1 = read_c0_config1();
	struct cache_shape d = shape(config1, 15), i = shape(config1, 24);

	if ((what & ARCH_CACHE_DATA) && d.line)
		for (uint64_t a = 0; a < d.size; a += d.line)
			CACHE_OP(INDEX_WB_INV_D, CKSEG0_BASE + a);
	if ((what & ARCH_CACHE_INSN) && i.line)
		for (uint64_t a = 0; a < i.size; a += i.line)
			CACHE_OP(INDEX_INVALIDATE_I, CKSEG0_BASE + a);
	__asm__ volatile("sync" : : : "memory");
}

void arch_cache_sync_range(uint64_t pa, uint64_t len, unsigned int what)
{
	uint32_t config1 = read_c0_config1();
	struct cache_shape d = shape(config1, 15), i = shape(config1, 24);

	if ((what & ARCH_CACHE_DATA) && d.line)
		for (uint64_t a = pa & ~(uint64_t)(d.line - 1); a < pa + len; a += d.line)
			CACHE_OP(HIT_WB_INV_D, XKPHYS_CACHED + a);
	__asm__ volatile("sync" : : : "memory");
	if ((what & ARCH_CACHE_INSN) && i.line)
		for (uint64_t a = pa & ~(uint64_t)(i.line - 1); a < pa + len; a += i.line)
			CACHE_OP(HIT_INVALIDATE_I, XKPHYS_CACHED + a);
}
