/*
 * The ccNUMA topology declared to the monitor: nodes, their CPUs and their
 * share of RAM. QEMU's malta has no -numa, so the topology comes from the
 * command line (numa=...). Pure C, unit-tested on the host.
 */
#ifndef NUMA_TOPOLOGY_H
#define NUMA_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#define NUMA_MAX_NODES 16
#define NUMA_MEM_ALIGN (1ul << 20)   /* node boundaries fall on 1 MiB */

struct numa_node {
	uint32_t cpus;          /* bit i set: CPU i belongs to this node */
	uint64_t mem_start;     /* offset into RAM */
	uint64_t mem_size;
};

struct numa_topology {
	unsigned int nnodes;
	struct numa_node node[NUMA_MAX_NODES];
};

/* One node holding every CPU and all RAM. */
void numa_default(struct numa_topology *t, unsigned int ncpus,
		  uint64_t ram_size);

/*
 * Builds the topology from the value of numa= for ncpus CPUs and ram_size
 * bytes of RAM. Accepted forms:
 *   "N"                     N nodes, CPUs and RAM split evenly
 *   "0-1:512M,2-3:512M"     per node: a CPU or CPU range, ':' and its RAM
 * RAM not given to any node in the explicit form goes to the last node.
 * Returns 0, or -1 with a one-line reason in err; then *t is the default.
 */
int numa_parse(const char *spec, unsigned int ncpus, uint64_t ram_size,
	       struct numa_topology *t, char *err, size_t err_size);

/* The node of a CPU (0 if the CPU is in no node). */
unsigned int numa_node_of_cpu(const struct numa_topology *t, unsigned int cpu);

/* The node holding a RAM offset (the last node if past the end). */
unsigned int numa_node_of_offset(const struct numa_topology *t, uint64_t off);

#endif
