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

#define CACHE_OP_AT(op, addr, off) \
	__asm__ volatile(".set push\n\t.set mips64r2\n\tcache %0, %2(%1)\n\t.set pop" \
			 : : "i"(op), "r"(addr), "i"(off) : "memory")

/* Eight lines of L bytes from a, the offsets in the instructions. */
#define EIGHT_LINES(op, a, L) do { \
	CACHE_OP_AT(op, a, 0); \
	CACHE_OP_AT(op, a, (L)); \
	CACHE_OP_AT(op, a, 2 * (L)); \
	CACHE_OP_AT(op, a, 3 * (L)); \
	CACHE_OP_AT(op, a, 4 * (L)); \
	CACHE_OP_AT(op, a, 5 * (L)); \
	CACHE_OP_AT(op, a, 6 * (L)); \
	CACHE_OP_AT(op, a, 7 * (L)); \
} while (0)

#define BLAST(op, size, L) \
	for (uint64_t a_ = CKSEG0_BASE; a_ < CKSEG0_BASE + (size); a_ += 8 * (L)) \
		EIGHT_LINES(op, a_, L)

/*
 * An index operation on every line of a cache, eight lines a turn with
 * the offsets in the instructions, as Linux's r4k blast loops go: a guest's
 * whole-cache flush (Linux makes one for every exec mapping it unmaps) is
 * then about one instruction a line, not five. A cache has at least 32
 * sets: a multiple of eight lines.
 */
#define INDEX_ALL(op, c) do { \
	switch ((c).line) { \
	case 16: BLAST(op, (c).size, 16); break; \
	case 32: BLAST(op, (c).size, 32); break; \
	case 64: BLAST(op, (c).size, 64); break; \
	default: \
		for (uint64_t a_ = 0; a_ < (c).size; a_ += (c).line) \
			CACHE_OP(op, CKSEG0_BASE + a_); \
	} \
} while (0)

void arch_cache_sync_all(unsigned int what)
{
	uint32_t config1 = read_c0_config1();
	struct cache_shape d = shape(config1, 15), i = shape(config1, 24);

	if ((what & ARCH_CACHE_DATA) && d.line)
		INDEX_ALL(INDEX_WB_INV_D, d);
	if ((what & ARCH_CACHE_INSN) && i.line)
		INDEX_ALL(INDEX_INVALIDATE_I, i);
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
