/*
 * Parsing and queries of the declared NUMA topology (see topology.h).
 */
#include <stdbool.h>
#include "numa/topology.h"
#include "monitor/format.h"
#include "monitor/parse.h"
#include "monitor/string.h"

void numa_default(struct numa_topology *t, unsigned int ncpus,
		  uint64_t ram_size)
{
	memset(t, 0, sizeof(*t));
	t->nnodes = 1;
	t->node[0].cpus = ncpus >= 32 ? UINT32_MAX : (1u << ncpus) - 1;
	t->node[0].mem_size = ram_size;
}

/* "N": N nodes; node i takes CPUs [i*n/N, (i+1)*n/N) and an equal RAM share. */
static int split_evenly(struct numa_topology *t, uint64_t n, unsigned int ncpus,
			uint64_t ram_size, char *err, size_t err_size)
{
	uint64_t share;

	if (n == 0 || n > NUMA_MAX_NODES) {
		fmt_snprintf(err, err_size, "numa=%lu: the number of nodes must be 1 to %d",
			     (unsigned long)n, NUMA_MAX_NODES);
		return -1;
	}
	if (n > ncpus) {
		fmt_snprintf(err, err_size, "numa=%lu: more nodes than the %u CPUs online",
			     (unsigned long)n, ncpus);
		return -1;
	}
	share = (ram_size / n) & ~(NUMA_MEM_ALIGN - 1);
	if (share == 0) {
		fmt_snprintf(err, err_size, "numa=%lu: too little RAM for that many nodes",
			     (unsigned long)n);
		return -1;
	}
	t->nnodes = (unsigned int)n;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int first = i * ncpus / (unsigned int)n;
		unsigned int end = (i + 1) * ncpus / (unsigned int)n;
		for (unsigned int c = first; c < end; c++)
			t->node[i].cpus |= 1u << c;
		t->node[i].mem_start = i * share;
		t->node[i].mem_size = share;
	}
	t->node[n - 1].mem_size = ram_size - (n - 1) * share;
	return 0;
}

/* One "a-b:SIZE" or "a:SIZE" item of the explicit form. */
static int parse_node(const char **s, unsigned int index, unsigned int ncpus,
		      uint32_t *cpus, uint64_t *size, char *err, size_t err_size)
{
	uint64_t first, last, bytes;

	if (!parse_uint(s, &first)) {
		fmt_snprintf(err, err_size, "numa: node %u: expected a CPU number at \"%s\"",
			     index, *s);
		return -1;
	}
	last = first;
	if (**s == '-') {
		(*s)++;
		if (!parse_uint(s, &last) || last < first) {
			fmt_snprintf(err, err_size, "numa: node %u: bad CPU range", index);
			return -1;
		}
	}
	if (last >= ncpus) {
		fmt_snprintf(err, err_size, "numa: node %u: CPU %lu does not exist (%u CPUs online)",
			     index, (unsigned long)last, ncpus);
		return -1;
	}
	if (**s != ':') {
		fmt_snprintf(err, err_size, "numa: node %u: expected ':' and a memory size", index);
		return -1;
	}
	(*s)++;
	if (!parse_size(s, &bytes) || bytes == 0 || bytes % NUMA_MEM_ALIGN) {
		fmt_snprintf(err, err_size, "numa: node %u: memory size must be a non-zero multiple of 1M",
			     index);
		return -1;
	}
	*cpus = 0;
	for (uint64_t c = first; c <= last; c++)
		*cpus |= 1u << c;
	*size = bytes;
	return 0;
}

static int parse_explicit(struct numa_topology *t, const char *s,
			  unsigned int ncpus, uint64_t ram_size,
			  char *err, size_t err_size)
{
	uint32_t seen = 0, all = ncpus >= 32 ? UINT32_MAX : (1u << ncpus) - 1;
	uint64_t next = 0;

	for (;;) {
		struct numa_node *n = &t->node[t->nnodes];
		if (t->nnodes == NUMA_MAX_NODES) {
			fmt_snprintf(err, err_size, "numa: more than %d nodes", NUMA_MAX_NODES);
			return -1;
		}
		if (parse_node(&s, t->nnodes, ncpus, &n->cpus, &n->mem_size,
			       err, err_size))
			return -1;
		if (n->cpus & seen) {
			fmt_snprintf(err, err_size, "numa: node %u: a CPU is already in another node",
				     t->nnodes);
			return -1;
		}
		if (n->mem_size > ram_size - next) {
			fmt_snprintf(err, err_size, "numa: nodes ask for more than the %lu MiB of RAM",
				     (unsigned long)(ram_size >> 20));
			return -1;
		}
		seen |= n->cpus;
		n->mem_start = next;
		next += n->mem_size;
		t->nnodes++;
		if (*s == '\0')
			break;
		if (*s != ',') {
			fmt_snprintf(err, err_size, "numa: unexpected \"%s\"", s);
			return -1;
		}
		s++;
	}
	if (seen != all) {
		fmt_snprintf(err, err_size, "numa: every CPU must be in a node (%u CPUs online)",
			     ncpus);
		return -1;
	}
	t->node[t->nnodes - 1].mem_size += ram_size - next;
	return 0;
}

int numa_parse(const char *spec, unsigned int ncpus, uint64_t ram_size,
	       struct numa_topology *t, char *err, size_t err_size)
{
	const char *s = spec;
	uint64_t n;
	int rc;

	memset(t, 0, sizeof(*t));
	if (err_size)
		err[0] = '\0';
	if (ncpus == 0 || ncpus > 32) {         /* CPU sets are 32-bit masks */
		fmt_snprintf(err, err_size, "numa: %u CPUs is outside 1..32", ncpus);
		numa_default(t, ncpus > 32 ? 32 : ncpus, ram_size);
		return -1;
	}
	if (parse_uint(&s, &n) && *s == '\0')
		rc = split_evenly(t, n, ncpus, ram_size, err, err_size);
	else
		rc = parse_explicit(t, spec, ncpus, ram_size, err, err_size);
	if (rc)
		numa_default(t, ncpus, ram_size);
	return rc;
}

unsigned int numa_node_of_cpu(const struct numa_topology *t, unsigned int cpu)
{
	for (unsigned int i = 0; i < t->nnodes; i++)
		if (cpu < 32 && (t->node[i].cpus & (1u << cpu)))
			return i;
	return 0;
}

unsigned int numa_node_of_offset(const struct numa_topology *t, uint64_t off)
{
	for (unsigned int i = 0; i < t->nnodes; i++)
		if (off - t->node[i].mem_start < t->node[i].mem_size)
			return i;
	return t->nnodes - 1;
}
