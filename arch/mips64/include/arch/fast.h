/*
 * The per-CPU area the exception vectors reach through DataLo (this CPU
 * has no KScratch registers: start.S puts the area's address in DataLo,
 * which nothing else uses). Every vector parks the guest's k0 and k1 here
 * before anything else; the assembly fast paths (vectors.S and the files
 * they jump to) borrow guest registers into save[] and read the state the
 * C code keeps current here for the vCPU on this CPU. Assembly reaches the
 * fields through asm-offsets.c (FAST_*). A fast path appends its own
 * fields; C code that changes what they describe updates them.
 */
#ifndef ARCH_FAST_H
#define ARCH_FAST_H

#include <stdint.h>
#include "monitor/percpu.h"

struct arch_fast {
	uint64_t k0, k1;        /* the trapped code's, while a vector saves them */
	uint64_t save[6];       /* guest registers a fast path borrows */
};

extern struct arch_fast arch_fast[MAX_CPUS];

#endif
