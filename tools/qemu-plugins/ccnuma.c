/*
 * ccnuma - QEMU TCG plugin (plugin API v1, QEMU 7.2, system mode, malta):
 * a ccNUMA cost model for a machine that has uniform memory. Under a
 * declared topology (the monitor's numa= syntax, numa/topology.c) every
 * CPU gets a set-associative cache kept coherent by write-invalidate, and
 * each miss is served by the home node of its line, local or remote to the
 * CPU. Counts instructions, misses and a simulated time per CPU, snapshots
 * them at marks (insncount's mark=), keeps per-page remote misses and an
 * optional time series, and writes JSON at exit. The model itself is
 * ccnuma_model.c; this file is the QEMU glue. README.md documents the
 * arguments, defaults and output.
 *
 *   -plugin ccnuma.so,out=FILE,ram=256M[,numa=2][,mark=0x110000000]...
 *
 * Instruction counts are exact as insncount's mode=inline (an inline add
 * per instruction, attributed to a vCPU at each TB entry): single-threaded
 * round-robin TCG only, the only mode QEMU 7.2 has for MIPS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "ccnuma_model.h"
#include "monitor/parse.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define PLUGIN_NAME      "ccnuma"
#define MAX_MARKS        8
#define DEFAULT_MAXSNAP  4096
#define DEFAULT_TOP      32
#define DEFAULT_MAXSAMP  100000
#define XKPHYS_PA_MASK   ((UINT64_C(1) << 59) - 1)

#define unlikely(x) __builtin_expect(!!(x), 0)

struct mark {
    uint64_t addr;
    uint64_t hits;              /* every execution, dropped snapshots too */
};

struct snap {
    uint64_t addr;
    unsigned int vcpu;
};

/* Where the physical addresses QEMU reported lay (the normalisation). */
static uint64_t where_count[4];  /* by enum ccn_where */
static uint64_t io_accesses;
static uint64_t ifetch_not_ram;  /* line fetches outside RAM (boot ROM) */
/* Instruction fetches: RAM offset = host address - host_base, learned
 * from the first kseg0/xkphys TB and checked on every later one. */
static uintptr_t host_base;
static bool base_known;
static uint64_t base_checked, base_mismatch;

static struct ccn_model model;
static const char *out_path;
static FILE *out_fp;
static const char *numa_spec = "1";
static uint64_t ram_size;
static unsigned int ncpus;
static bool ifetch = true;
static unsigned int top_n = DEFAULT_TOP;

static struct mark marks[MAX_MARKS];
static unsigned int nmarks;
static uint64_t max_snaps = DEFAULT_MAXSNAP;
static uint64_t stop_after;      /* 0: never */
static struct snap *snaps;
static struct ccn_counts *snap_counts;   /* [snap][cpu] */
static uint64_t snap_seq;

/* Time series: every `interval` instructions (0: none), per CPU
 * cumulative instructions, local and remote misses. */
static uint64_t interval, max_samples = DEFAULT_MAXSAMP, next_sample;
static uint64_t *samples;        /* [sample][cpu][3] */
static uint64_t *sample_end;     /* [sample]: instructions of all CPUs */
static uint64_t nsamples, samples_dropped;

/* Instructions counted inline since the last flush, all by pending_cpu. */
static uint64_t pending;
static unsigned int pending_cpu;
static uint64_t flushed_total;
static uint64_t stray_insns;     /* by vCPUs beyond cpus= (should be 0) */

static void flush_pending(void)
{
    if (pending_cpu < ncpus) {
        model.counts[pending_cpu].insns += pending;
    } else {
        stray_insns += pending;
    }
    flushed_total += pending;
    pending = 0;
}

static uint64_t misses_of(const struct ccn_counts *c, int remote)
{
    return c->dmiss[remote] + c->imiss[remote];
}

static void take_sample(void)
{
    flush_pending();
    while (next_sample <= flushed_total) {
        next_sample += interval;
    }
    if (nsamples == max_samples) {
        samples_dropped++;
        return;
    }
    for (unsigned int c = 0; c < ncpus; c++) {
        uint64_t *s = &samples[(nsamples * ncpus + c) * 3];
        s[0] = model.counts[c].insns;
        s[1] = misses_of(&model.counts[c], 0);
        s[2] = misses_of(&model.counts[c], 1);
    }
    sample_end[nsamples++] = flushed_total;
}

static void ifetch_line(unsigned int vcpu, uintptr_t code)
{
    if (code == 0) {
        ifetch_not_ram++;
    } else if (vcpu < ncpus) {
        ccn_access(&model, vcpu, code - 1, CCN_IFETCH);
    }
}

/* Every TB entry. udata: RAM offset + 1 of the first instruction (0: not
 * RAM), when instruction fetches are modelled. */
static void tb_enter(unsigned int vcpu, void *udata)
{
    if (unlikely(vcpu != pending_cpu)) {
        flush_pending();
        pending_cpu = vcpu;
    }
    if (unlikely(interval && flushed_total + pending >= next_sample)) {
        take_sample();
    }
    if (ifetch) {
        ifetch_line(vcpu, (uintptr_t)udata);
    }
}

/* The first instruction of a TB in another line than the one before. */
static void insn_newline(unsigned int vcpu, void *udata)
{
    ifetch_line(vcpu, (uintptr_t)udata);
}

static void mark_hit(unsigned int vcpu, void *udata)
{
    unsigned int m = (unsigned int)(uintptr_t)udata;
    uint64_t seq;

    flush_pending();
    pending_cpu = vcpu;
    marks[m].hits++;
    seq = snap_seq++;
    if (seq < max_snaps) {
        snaps[seq].addr = marks[m].addr;
        snaps[seq].vcpu = vcpu;
        memcpy(&snap_counts[seq * ncpus], model.counts, ncpus * sizeof(*model.counts));
    }
    pending++;                  /* the marked instruction itself */
    if (stop_after && m + 1 == nmarks && marks[m].hits == stop_after) {
        exit(0);                /* the atexit callback writes the results */
    }
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info,
                       uint64_t vaddr, void *udata)
{
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    enum ccn_where where;
    uint64_t off;

    (void)udata;
    if (unlikely(vcpu >= ncpus)) {
        return;
    }
    if (!hw || qemu_plugin_hwaddr_is_io(hw)) {
        io_accesses++;
        model.counts[vcpu].io++;
        return;
    }
    where = ccn_ram_offset(qemu_plugin_hwaddr_phys_addr(hw), ram_size, &off);
    where_count[where]++;
    if (where != CCN_NOT_RAM) {
        ccn_access(&model, vcpu, off,
                   qemu_plugin_mem_is_store(info) ? CCN_STORE : CCN_LOAD);
    }
}

static int mark_index(uint64_t va)
{
    for (unsigned int i = 0; i < nmarks; i++) {
        if (marks[i].addr == va) {
            return (int)i;
        }
    }
    return -1;
}

/* The RAM offset an unmapped (kseg0, xkphys) virtual address names. */
static bool unmapped_offset(uint64_t va, uint64_t *off)
{
    uint64_t pa;

    if (va >= UINT64_C(0xffffffff80000000) && va < UINT64_C(0xffffffffa0000000)) {
        pa = va - UINT64_C(0xffffffff80000000);
    } else if (va >= UINT64_C(0x8000000000000000) && va < UINT64_C(0xc000000000000000)) {
        pa = va & XKPHYS_PA_MASK;
    } else {
        return false;
    }
    return ccn_ram_offset(pa, ram_size, off) != CCN_NOT_RAM;
}

/* Learns or checks host_base on a TB whose RAM offset its address gives. */
static void calibrate(uint64_t va, const void *haddr)
{
    uint64_t off;

    if (!haddr || !unmapped_offset(va, &off)) {
        return;
    }
    if (!base_known) {
        host_base = (uintptr_t)haddr - off;
        base_known = true;
    }
    base_checked++;
    if ((uintptr_t)haddr - host_base != off) {
        base_mismatch++;
    }
}

/* RAM offset + 1 of an instruction's bytes, 0 if not in RAM. */
static uintptr_t insn_code(struct qemu_plugin_insn *insn)
{
    uintptr_t h = (uintptr_t)qemu_plugin_insn_haddr(insn);

    if (!base_known || !h || h - host_base >= ram_size) {
        return 0;
    }
    return h - host_base + 1;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    struct qemu_plugin_insn *insn0;
    uintptr_t code, line;

    (void)id;
    if (n == 0) {
        return;
    }
    insn0 = qemu_plugin_tb_get_insn(tb, 0);
    calibrate(qemu_plugin_insn_vaddr(insn0), qemu_plugin_insn_haddr(insn0));
    code = ifetch ? insn_code(insn0) : 0;
    line = code ? (code - 1) >> model.line_shift : UINTPTR_MAX;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_enter, QEMU_PLUGIN_CB_NO_REGS,
                                         (void *)code);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        int m = nmarks ? mark_index(qemu_plugin_insn_vaddr(insn)) : -1;

        if (m >= 0) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_hit, QEMU_PLUGIN_CB_NO_REGS,
                                                   (void *)(uintptr_t)m);
        } else {
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                       &pending, 1);
        }
        if (ifetch && i > 0) {
            uintptr_t c = insn_code(insn);
            uintptr_t l = c ? (c - 1) >> model.line_shift : UINTPTR_MAX;
            if (l != line) {
                qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_newline,
                                                       QEMU_PLUGIN_CB_NO_REGS, (void *)c);
                line = l;
            }
        }
        qemu_plugin_register_vcpu_mem_cb(insn, mem_access, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, NULL);
    }
}

/* ---- output ---- */

static void print_counts(FILE *f, const struct ccn_counts *c, int cpu)
{
    fprintf(f, "{");
    if (cpu >= 0) {
        fprintf(f, "\"cpu\": %d, \"node\": %u, ", cpu, model.cpu_node[cpu]);
    }
    fprintf(f, "\"insns\": %" PRIu64 ", \"loads\": %" PRIu64 ", \"stores\": %" PRIu64
            ", \"io\": %" PRIu64 ", \"ifetches\": %" PRIu64,
            c->insns, c->loads, c->stores, c->io, c->ifetches);
    fprintf(f, ", \"miss_local\": %" PRIu64 ", \"miss_remote\": %" PRIu64,
            misses_of(c, 0), misses_of(c, 1));
    fprintf(f, ", \"dmiss_local\": %" PRIu64 ", \"dmiss_remote\": %" PRIu64
            ", \"imiss_local\": %" PRIu64 ", \"imiss_remote\": %" PRIu64
            ", \"upgrade_local\": %" PRIu64 ", \"upgrade_remote\": %" PRIu64,
            c->dmiss[0], c->dmiss[1], c->imiss[0], c->imiss[1],
            c->upgrade[0], c->upgrade[1]);
    fprintf(f, ", \"dirty\": %" PRIu64 ", \"writebacks\": %" PRIu64
            ", \"time_ns\": %.0f}",
            c->dirty, c->writebacks, ccn_time_ns(&model.p, c));
}

static void add_counts(struct ccn_counts *sum, const struct ccn_counts *c)
{
    const uint64_t *from = (const uint64_t *)c;
    uint64_t *to = (uint64_t *)sum;

    for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++) {
        to[i] += from[i];
    }
}

static void print_cpu_array(FILE *f, const struct ccn_counts *c, const char *indent)
{
    fprintf(f, "[");
    for (unsigned int i = 0; i < ncpus; i++) {
        fprintf(f, "%s\n%s", i ? "," : "", indent);
        print_counts(f, &c[i], (int)i);
    }
    fprintf(f, "]");
}

static void print_header(FILE *f)
{
    const struct ccn_params *p = &model.p;

    fprintf(f, "{\n\"tool\": \"ccnuma\", \"version\": 1,\n");
    fprintf(f, "\"params\": {\"numa\": \"%s\", \"cpus\": %u, \"ram\": %" PRIu64
            ", \"cache\": %" PRIu64 ", \"line\": %u, \"ways\": %u, \"lat_local_ns\": %u"
            ", \"lat_remote_ns\": %u, \"cpi\": %g, \"mhz\": %g, \"ifetch\": %s"
            ", \"interval\": %" PRIu64 ", \"top\": %u},\n",
            numa_spec, ncpus, ram_size, p->cache_size, p->line_size, p->ways,
            p->lat_local_ns, p->lat_remote_ns, p->cpi, p->mhz,
            ifetch ? "true" : "false", interval, top_n);
    fprintf(f, "\"phys\": {\"ram_high\": %" PRIu64 ", \"ram_low\": %" PRIu64
            ", \"ram_postio\": %" PRIu64 ", \"not_ram\": %" PRIu64 ", \"io\": %" PRIu64
            ", \"ifetch_not_ram\": %" PRIu64 ", \"ifetch_base_checked\": %" PRIu64
            ", \"ifetch_base_mismatch\": %" PRIu64 ", \"stray_insns\": %" PRIu64 "},\n",
            where_count[CCN_RAM_HIGH], where_count[CCN_RAM_LOW],
            where_count[CCN_RAM_POSTIO], where_count[CCN_NOT_RAM], io_accesses,
            ifetch_not_ram, base_checked, base_mismatch, stray_insns);
}

static void print_nodes(FILE *f)
{
    fprintf(f, "\"nodes\": [");
    for (unsigned int n = 0; n < model.nnodes; n++) {
        uint64_t start = 0, size = 0;
        bool seen = false;

        /* the node's RAM: its 1 MiB chunks are contiguous */
        for (uint64_t mb = 0; mb < ram_size >> 20; mb++) {
            if (model.node_of_mb[mb] == n) {
                if (!seen) {
                    start = mb << 20;
                    seen = true;
                }
                size += UINT64_C(1) << 20;
            }
        }
        fprintf(f, "%s\n  {\"node\": %u, \"cpus\": [", n ? "," : "", n);
        for (unsigned int c = 0, first = 1; c < ncpus; c++) {
            if (model.cpu_node[c] == n) {
                fprintf(f, "%s%u", first ? "" : ", ", c);
                first = 0;
            }
        }
        fprintf(f, "], \"mem_start\": %" PRIu64 ", \"mem_size\": %" PRIu64
                ", \"misses_by_home\": [", start, size);
        for (unsigned int h = 0; h < model.nnodes; h++) {
            fprintf(f, "%s%" PRIu64, h ? ", " : "", ccn_node_misses(&model, n, h));
        }
        fprintf(f, "]}");
    }
    fprintf(f, "],\n");
}

static void print_marks(FILE *f)
{
    uint64_t nsnap = snap_seq < max_snaps ? snap_seq : max_snaps;

    fprintf(f, "\"marks\": {\"addrs\": [");
    for (unsigned int i = 0; i < nmarks; i++) {
        fprintf(f, "%s{\"addr\": \"0x%016" PRIx64 "\", \"hits\": %" PRIu64 "}",
                i ? ", " : "", marks[i].addr, marks[i].hits);
    }
    fprintf(f, "], \"recorded\": %" PRIu64 ", \"dropped\": %" PRIu64 ", \"snapshots\": [",
            nsnap, snap_seq - nsnap);
    for (uint64_t k = 0; k < nsnap; k++) {
        fprintf(f, "%s\n  {\"seq\": %" PRIu64 ", \"addr\": \"0x%016" PRIx64
                "\", \"cpu\": %u, \"cpus\": ", k ? "," : "", k, snaps[k].addr, snaps[k].vcpu);
        print_cpu_array(f, &snap_counts[k * ncpus], "    ");
        fprintf(f, "}");
    }
    fprintf(f, "]},\n");
}

static void print_pages(FILE *f)
{
    struct ccn_page_stat *top = calloc(top_n ? top_n : 1, sizeof(*top));
    unsigned int n = top ? ccn_top_pages(&model, top_n, top) : 0;

    fprintf(f, "\"pages\": [");
    for (unsigned int i = 0; i < n; i++) {
        uint64_t pg = top[i].offset >> CCN_PAGE_SHIFT;

        fprintf(f, "%s\n  {\"offset\": %" PRIu64 ", \"home\": %u, \"local\": %" PRIu64
                ", \"remote\": %" PRIu64 ", \"by_node\": [",
                i ? "," : "", top[i].offset, top[i].home, top[i].local, top[i].remote);
        for (unsigned int nd = 0; nd < model.nnodes; nd++) {
            fprintf(f, "%s%u", nd ? ", " : "", ccn_page_node_misses(&model, pg, nd));
        }
        fprintf(f, "]}");
    }
    fprintf(f, "],\n");
    free(top);
}

static void print_series_field(FILE *f, const char *name, uint64_t k, int field)
{
    fprintf(f, ", \"%s\": [", name);
    for (unsigned int c = 0; c < ncpus; c++) {
        uint64_t now = samples[(k * ncpus + c) * 3 + field];
        uint64_t before = k ? samples[((k - 1) * ncpus + c) * 3 + field] : 0;
        fprintf(f, "%s%" PRIu64, c ? ", " : "", now - before);
    }
    fprintf(f, "]");
}

static void print_series(FILE *f)
{
    fprintf(f, "\"series\": {\"interval\": %" PRIu64 ", \"dropped\": %" PRIu64
            ", \"samples\": [", interval, samples_dropped);
    for (uint64_t k = 0; k < nsamples; k++) {
        fprintf(f, "%s\n  {\"end\": %" PRIu64, k ? "," : "", sample_end[k]);
        print_series_field(f, "insns", k, 0);
        print_series_field(f, "local", k, 1);
        print_series_field(f, "remote", k, 2);
        fprintf(f, "}");
    }
    fprintf(f, "]}\n");
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    FILE *f = out_fp;
    struct ccn_counts total;

    (void)id;
    (void)p;
    if (!f) {
        return;
    }
    out_fp = NULL;
    flush_pending();
    if (interval && (nsamples == 0 || sample_end[nsamples - 1] < flushed_total)) {
        next_sample = flushed_total;
        take_sample();          /* the last, partial interval */
    }
    print_header(f);
    print_nodes(f);
    fprintf(f, "\"cpus\": ");
    print_cpu_array(f, model.counts, "  ");
    memset(&total, 0, sizeof(total));
    for (unsigned int c = 0; c < ncpus; c++) {
        add_counts(&total, &model.counts[c]);
    }
    fprintf(f, ",\n\"total\": ");
    print_counts(f, &total, -1);
    fprintf(f, ",\n");
    print_marks(f);
    print_pages(f);
    print_series(f);
    fprintf(f, "}\n");
    if (fclose(f) != 0) {
        fprintf(stderr, PLUGIN_NAME ": error writing %s: %s\n", out_path, strerror(errno));
    }
}

/* ---- arguments ---- */

static bool parse_num(const char *s, uint64_t *v, bool size)
{
    return (size ? parse_size(&s, v) : parse_uint(&s, v)) && *s == '\0';
}

static int parse_u32(const char *s, uint32_t *v)
{
    uint64_t x;

    if (!parse_num(s, &x, false) || x > UINT32_MAX) {
        return -1;
    }
    *v = (uint32_t)x;
    return 0;
}

static bool parse_double(const char *s, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' && *v > 0;
}

static int bad(const char *what, const char *val)
{
    fprintf(stderr, PLUGIN_NAME ": bad %s '%s'\n", what, val);
    return -1;
}

/* One key=value argument into the settings; -1 on a bad one. */
static int parse_arg(const char *key, const char *val, struct ccn_params *p,
                     uint64_t *cpus)
{
    uint64_t v;

    if (strcmp(key, "out") == 0) {
        out_path = val;
    } else if (strcmp(key, "ram") == 0) {
        if (!parse_num(val, &ram_size, true)) {
            return bad("ram (e.g. 256M)", val);
        }
    } else if (strcmp(key, "numa") == 0) {
        numa_spec = val;
    } else if (strcmp(key, "cpus") == 0) {
        if (!parse_num(val, cpus, false)) {
            return bad("cpus", val);
        }
    } else if (strcmp(key, "cache") == 0) {
        if (!parse_num(val, &p->cache_size, true)) {
            return bad("cache (e.g. 1M)", val);
        }
    } else if (strcmp(key, "line") == 0) {
        if (parse_u32(val, &p->line_size)) {
            return bad("line", val);
        }
    } else if (strcmp(key, "ways") == 0) {
        if (parse_u32(val, &p->ways)) {
            return bad("ways", val);
        }
    } else if (strcmp(key, "lat_local") == 0) {
        if (parse_u32(val, &p->lat_local_ns)) {
            return bad("lat_local (ns)", val);
        }
    } else if (strcmp(key, "lat_remote") == 0) {
        if (parse_u32(val, &p->lat_remote_ns)) {
            return bad("lat_remote (ns)", val);
        }
    } else if (strcmp(key, "cpi") == 0) {
        if (!parse_double(val, &p->cpi)) {
            return bad("cpi", val);
        }
    } else if (strcmp(key, "mhz") == 0) {
        if (!parse_double(val, &p->mhz)) {
            return bad("mhz", val);
        }
    } else if (strcmp(key, "ifetch") == 0) {
        if (strcmp(val, "on") && strcmp(val, "off")) {
            return bad("ifetch (on or off)", val);
        }
        ifetch = strcmp(val, "on") == 0;
    } else if (strcmp(key, "top") == 0) {
        if (!parse_num(val, &v, false) || v > 100000) {
            return bad("top", val);
        }
        top_n = (unsigned int)v;
    } else if (strcmp(key, "interval") == 0) {
        if (!parse_num(val, &v, false) || v > (UINT64_C(1) << 32)) {
            return bad("interval (millions of instructions)", val);
        }
        interval = v * 1000000;
    } else if (strcmp(key, "maxsamples") == 0) {
        if (!parse_num(val, &max_samples, false) || max_samples > (UINT64_C(1) << 24)) {
            return bad("maxsamples", val);
        }
    } else if (strcmp(key, "mark") == 0) {
        const char *s = val;
        if (nmarks == MAX_MARKS) {
            fprintf(stderr, PLUGIN_NAME ": at most %d mark= arguments\n", MAX_MARKS);
            return -1;
        }
        if (strncmp(s, "0x", 2) != 0 || !parse_uint(&s, &v) || *s != '\0') {
            return bad("mark (hex, e.g. 0xffffffff80101234)", val);
        }
        if (v >= UINT64_C(0x80000000) && v <= UINT64_C(0xffffffff)) {
            fprintf(stderr, PLUGIN_NAME ": warning: mark=%s is the 64-bit user address "
                    "0x%016" PRIx64 "; a kseg0 address is 0xffffffff%08" PRIx64 "\n",
                    val, v, v);
        }
        if (mark_index(v) < 0) {
            marks[nmarks++].addr = v;
        }
    } else if (strcmp(key, "maxmarks") == 0) {
        if (!parse_num(val, &max_snaps, false) || max_snaps > (UINT64_C(1) << 20)) {
            return bad("maxmarks", val);
        }
    } else if (strcmp(key, "stopafter") == 0) {
        if (!parse_num(val, &stop_after, false)) {
            return bad("stopafter", val);
        }
    } else {
        fprintf(stderr, PLUGIN_NAME ": unknown argument '%s' (known: out ram numa cpus "
                "cache line ways lat_local lat_remote cpi mhz ifetch top interval "
                "maxsamples mark maxmarks stopafter)%s\n", key,
                key[0] >= '0' && key[0] <= '9' ? "; a comma inside numa= is written ',,'" : "");
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct ccn_params *p, uint64_t *cpus)
{
    static char keys[32];

    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t klen = eq ? (size_t)(eq - argv[i]) : 0;

        if (!eq || klen >= sizeof(keys)) {
            fprintf(stderr, PLUGIN_NAME ": bad argument '%s' (expected key=value; "
                    "a comma inside numa= is written ',,')\n", argv[i]);
            return -1;
        }
        memcpy(keys, argv[i], klen);
        keys[klen] = '\0';
        if (parse_arg(keys, eq + 1, p, cpus)) {
            return -1;
        }
    }
    return 0;
}

static int setup(const struct ccn_params *p)
{
    struct numa_topology t;
    char err[160];

    if (numa_parse(numa_spec, ncpus, ram_size, &t, err, sizeof(err))) {
        fprintf(stderr, PLUGIN_NAME ": %s\n", err);
        return -1;
    }
    if (ccn_init(&model, p, &t, ncpus, ram_size, err, sizeof(err))) {
        fprintf(stderr, PLUGIN_NAME ": %s\n", err);
        return -1;
    }
    snaps = calloc(max_snaps ? max_snaps : 1, sizeof(*snaps));
    snap_counts = calloc(max_snaps ? max_snaps * ncpus : 1, sizeof(*snap_counts));
    if (interval) {
        next_sample = interval;
        samples = calloc(max_samples * ncpus * 3 + 1, sizeof(*samples));
        sample_end = calloc(max_samples + 1, sizeof(*sample_end));
    }
    if (!snaps || !snap_counts || (interval && (!samples || !sample_end))) {
        fprintf(stderr, PLUGIN_NAME ": out of memory\n");
        return -1;
    }
    return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    struct ccn_params p;
    uint64_t cpus = 0;

    ccn_default_params(&p);
    if (!info->system_emulation) {
        fprintf(stderr, PLUGIN_NAME ": system emulation only\n");
        return -1;
    }
    if (parse_args(argc, argv, &p, &cpus)) {
        return -1;
    }
    if (!out_path || !*out_path || ram_size == 0) {
        fprintf(stderr, PLUGIN_NAME ": out=PATH and ram=SIZE (QEMU's -m) are required\n");
        return -1;
    }
    if (cpus && cpus != (uint64_t)info->system.smp_vcpus) {
        fprintf(stderr, PLUGIN_NAME ": cpus=%" PRIu64 " but QEMU has %d (-smp)\n",
                cpus, info->system.smp_vcpus);
        return -1;
    }
    ncpus = (unsigned int)info->system.smp_vcpus;
    if (setup(&p)) {
        return -1;
    }
    out_fp = fopen(out_path, "w");     /* a bad path fails now, not at exit */
    if (!out_fp) {
        fprintf(stderr, PLUGIN_NAME ": cannot open out=%s: %s\n", out_path, strerror(errno));
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
