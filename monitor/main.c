/*
 * The monitor's boot sequence on CPU 0, from monitor_start() to the
 * self-test or interactive prompt the command line asks for.
 */
#include "arch/addrspace.h"
#include "arch/board.h"
#include "arch/cpu.h"
#include "devices/realdisk.h"
#include "mmu/machmem.h"
#include "mmu/pmap.h"
#include "monitor/boot.h"
#include "monitor/console.h"
#include "monitor/disk.h"
#include "monitor/monitor.h"
#include "monitor/merge_scan.h"
#include "monitor/page_shuffle.h"
#include "monitor/percpu.h"
#include "monitor/selftest.h"
#include "monitor/shell.h"
#include "monitor/smp.h"
#include "monitor/vm.h"
#include "monitor/xcall.h"
#include "numa/placement.h"
#include "numa/topology.h"
#include "vcpu/sched.h"

#define DEFAULT_HZ 1000
#define MIN_HZ     10
#define MAX_HZ     10000

struct cmdline monitor_cmdline;
struct numa_topology monitor_topology;
uint32_t monitor_hz;

void monitor_tick(void)
{
	struct percpu *c = this_cpu();

	c->ticks++;
	if (arch_cpu_id() == 0) {       /* COM1 input is CPU 0's job */
		con_poll_input();
		if (sched_active()) {
			vm_route_input();
			vm_console_flush_stale(c->ticks);
		}
	}
	xcall_poll();
}

void monitor_entry_poll(void)
{
	xcall_poll();
}

void __attribute__((noinline, used)) bench_mark(unsigned int id)
{
	__asm__ volatile("" : : "r"(id) : "memory");
}

/* The tick rate from hz=, or the default with a message if it is bad. */
static uint32_t tick_hz(void)
{
	uint64_t hz = DEFAULT_HZ;
	enum cmdline_result r = cmdline_get_size(&monitor_cmdline, "hz", &hz);

	if (r == CMDLINE_MALFORMED || hz < MIN_HZ || hz > MAX_HZ) {
		con_printf("disco: hz=%s: want %d to %d; using %d\n",
			   cmdline_get(&monitor_cmdline, "hz"), MIN_HZ, MAX_HZ,
			   DEFAULT_HZ);
		hz = DEFAULT_HZ;
	}
	return (uint32_t)hz;
}

/* The demand-zero chunk from demand_order=, 0 to PA_MAX_ORDER. */
static void demand_order(void)
{
	uint64_t k = PMAP_CHUNK_ORDER_DEFAULT;
	enum cmdline_result r = cmdline_get_size(&monitor_cmdline, "demand_order", &k);

	if (r == CMDLINE_MALFORMED || k > PA_MAX_ORDER) {
		con_printf("disco: demand_order=%s: want 0 to %d; using %d\n",
			   cmdline_get(&monitor_cmdline, "demand_order"), PA_MAX_ORDER,
			   PMAP_CHUNK_ORDER_DEFAULT);
		k = PMAP_CHUNK_ORDER_DEFAULT;
	}
	pmap_chunk_order = (unsigned int)k;
}

static void setup_topology(const struct boot_info *bi, unsigned int ncpus)
{
	const char *spec = cmdline_get(&monitor_cmdline, "numa");
	char err[128];

	numa_default(&monitor_topology, ncpus, bi->ram_size);
	if (spec && numa_parse(spec, ncpus, bi->ram_size, &monitor_topology,
			       err, sizeof(err)))
		con_printf("disco: error: %s; using one node\n", err);
	for (unsigned int c = 0; c < ncpus; c++)
		percpu[c].node = numa_node_of_cpu(&monitor_topology, c);
}

/* Prints a CPU mask as ranges: "0-3,6". */
static void print_cpus(uint32_t mask)
{
	const char *sep = "";

	for (unsigned int c = 0; c < 32; c++) {
		unsigned int end = c;
		if (!(mask & (1u << c)))
			continue;
		while (end + 1 < 32 && (mask & (1u << (end + 1))))
			end++;
		if (end == c)
			con_printf("%s%u", sep, c);
		else
			con_printf("%s%u-%u", sep, c, end);
		sep = ",";
		c = end;
	}
}

static void print_banner(const struct boot_info *bi, uint32_t hz)
{
	uint64_t free_pages = mem_free_pages_total();

	con_printf("disco: MIPS64 virtual machine monitor on malta; PRId %08x, %u TLB entries\n",
		   read_c0_prid(), cpu_tlb_entries());
	con_printf("disco: cpus: %u online (", smp_cpus_online());
	print_cpus(smp_online_mask());
	con_printf(")\n");
	con_printf("disco: ram: %lu MiB at physical %lx (memsize %lu MiB, ememsize %lu MiB)\n",
		   (unsigned long)(bi->ram_size >> 20), (unsigned long)arch_ram_base(),
		   (unsigned long)(bi->low_ram_size >> 20),
		   (unsigned long)(bi->ram_size >> 20));
	con_printf("disco: monitor image %lx-%lx, frame table %lu KiB, %lu pages (%lu MiB) free\n",
		   (unsigned long)bi->image_start, (unsigned long)bi->image_end,
		   (unsigned long)(mem_frame_table_bytes() >> 10),
		   (unsigned long)free_pages, (unsigned long)(free_pages >> 8));
	if (bi->initrd_size)
		con_printf("disco: initrd at %lx, %lu bytes\n",
			   (unsigned long)bi->initrd_start,
			   (unsigned long)bi->initrd_size);
	con_printf("disco: cmdline: \"%s\"\n", bi->cmdline);
	con_printf("disco: numa: %u node%s\n", monitor_topology.nnodes,
		   monitor_topology.nnodes == 1 ? "" : "s");
	for (unsigned int n = 0; n < monitor_topology.nnodes; n++) {
		const struct numa_node *nd = &monitor_topology.node[n];
		con_printf("disco:   node %u: cpus ", n);
		print_cpus(nd->cpus);
		con_printf(", ram %08lx-%08lx (%lu MiB), %lu pages free\n",
			   (unsigned long)nd->mem_start,
			   (unsigned long)(nd->mem_start + nd->mem_size - 1),
			   (unsigned long)(nd->mem_size >> 20),
			   (unsigned long)mem_free_pages_on(n));
	}
	con_printf("disco: tick: %u Hz on every CPU\n", hz);
}

void monitor_start(const struct boot_info *bi)
{
	uint32_t hz;
	unsigned int ncpus;
	const char *test;

	con_init();
	con_printf("\ndisco: booting on cpu 0\n");
	if (cmdline_parse(&monitor_cmdline, bi->cmdline))
		con_printf("disco: command line too long; the rest is ignored\n");
	hz = monitor_hz = tick_hz();
	smp_init_boot_cpu(arch_counter_hz() / hz);
	ncpus = smp_start_secondaries();
	setup_topology(bi, ncpus);
	mem_init(bi, &monitor_topology);
	print_banner(bi, hz);
	con_printf("disco: all %u CPUs online\n", ncpus);
	test = cmdline_get(&monitor_cmdline, "test");
	vcpu_trap_sites_on = cmdline_get(&monitor_cmdline, "trapsites") != 0;
	demand_order();
	page_shuffle_setup();
	merge_scan_setup();
	numa_setup();
	if (realdisk_init())
		monitor_disk_setup();
	if (bi->initrd_size &&
	    vm_load_bundle(phys_to_virt(arch_ram_base() + bi->initrd_start),
			   bi->initrd_size) &&
	    !test && !cmdline_get(&monitor_cmdline, "norun")) {
		sched_setup();
		sched_enter();  /* returns if CPU 0 has no vCPU */
	}

	if (test)
		selftest_run(test);
	if (cmdline_get(&monitor_cmdline, "poweroff")) {
		con_printf("disco: power off\n");
		arch_power_off();
	}
	shell_run();
}
