/*
 * Cache maintenance on the real caches, for guests' cache hypercall
 * (vcpu/hypercall.c). The geometry is read from Config1. QEMU models no
 * caches, so on malta these loops cost instructions and change nothing;
 * on a machine with caches they are what keeps a guest's instruction
 * fetch coherent with its stores.
 */
#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#define ARCH_CACHE_DATA  1u     /* write back and invalidate data lines */
#define ARCH_CACHE_INSN  2u     /* invalidate instruction lines */

/* The primary caches' total size in bytes (the larger of I and D). */
uint64_t arch_cache_size(void);

/* The whole primary caches, by index. */
void arch_cache_sync_all(unsigned int what);

/* The lines of machine-physical [pa, pa + len), by address. */
void arch_cache_sync_range(uint64_t pa, uint64_t len, unsigned int what);

#endif
