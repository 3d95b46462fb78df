/*
 * The per-CPU fast-path areas (see arch/fast.h).
 */
#include "arch/fast.h"

struct arch_fast arch_fast[MAX_CPUS];
