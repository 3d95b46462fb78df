/*
 * insncount - QEMU TCG plugin (plugin API v1, QEMU 7.2) that counts
 * executed guest instructions per vCPU, split by the MIPS64 virtual
 * address region they were fetched from, and records snapshots of the
 * counters whenever an instruction at a "mark" address is executed.
 *
 * Regions (64-bit, sign-extended virtual addresses):
 *   monitor  CKSEG0  0xffffffff80000000..0xffffffff9fffffff
 *            XKPHYS  0x8000000000000000..0xbfffffffffffffff
 *   kernel   XSSEG   0x4000000000000000..0x7fffffffffffffff
 *            CKSSEG  0xffffffffc0000000..0xffffffffdfffffff
 *   user     XUSEG   0x0000000000000000..0x3fffffffffffffff
 *   other    everything else (CKSEG1 boot ROM, CKSEG3, XKSEG, ...)
 *
 * Arguments (comma separated after the .so name on the -plugin option):
 *   out=/path/file   required; result file, written at QEMU exit
 *   mark=0xADDR      optional, up to 8 times; hex virtual address
 *   mode=insn|inline|tb  optional, default insn (see README.md)
 *   maxmarks=N       optional, default 4096; snapshots kept in memory
 *   stopafter=N      optional: end QEMU (exit(0), which writes the file)
 *                    at the Nth hit of the last mark= given, for guests
 *                    whose power-off cannot be relied on
 *
 * Counting semantics (mode=insn): an instruction is counted when it
 * starts executing (the per-instruction callback runs just before the
 * instruction's own code).  An instruction that raises a synchronous
 * exception (TLB miss, address error, syscall, break, ...) is therefore
 * counted for that attempt, and again if it is re-executed after the
 * handler returns.  Instructions after the faulting one in the same
 * translation block are NOT counted (unlike a per-TB count).
 *
 * Mark semantics: the snapshot is taken just BEFORE the instruction at
 * the mark address executes, i.e. the mark instruction itself is not
 * included in the snapshot's counts (it is included in the final
 * totals).
 *
 * See README.md for the output format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define PLUGIN_NAME      "insncount"
#define MAX_MARKS        8
#define DEFAULT_MAXSNAP  4096
#define USER_MODE_SLOTS  64

enum region {
    R_MONITOR,
    R_KERNEL,
    R_USER,
    R_OTHER,
    NR_REGIONS
};

static const char *const region_names[NR_REGIONS] = {
    "monitor", "kernel", "user", "other"
};

/* One cache line per vCPU so MTTCG targets do not false-share. */
typedef struct {
    uint64_t n[NR_REGIONS];
    uint64_t pad[8 - NR_REGIONS];
} VCPUCounts;

typedef struct {
    uint64_t addr;
    uint64_t hits;          /* total executions, including dropped ones */
} Mark;

typedef struct {
    uint64_t seq;
    uint64_t addr;
    unsigned int vcpu;
} SnapHdr;

enum mode {
    MODE_INSN,      /* per-insn callback: exact, per vCPU, any TCG mode */
    MODE_INLINE,    /* per-insn inline add + per-TB owner tracking: exact
                       only with single-threaded (round-robin) TCG */
    MODE_TB         /* per-TB callback: fast, over-counts on mid-TB exits */
};

static const char *const mode_names[] = {
    [MODE_INSN] = "insn", [MODE_INLINE] = "inline", [MODE_TB] = "tb"
};

static enum mode mode = MODE_INSN;
static FILE *out_fp;
static const char *out_path;

/* nslots real vCPU slots plus one overflow slot (index nslots). */
static unsigned int nslots;
static VCPUCounts *counts;

static Mark marks[MAX_MARKS];
static unsigned int nmarks;

static uint64_t max_snaps = DEFAULT_MAXSNAP;
static SnapHdr *snap_hdr;
static uint64_t *snap_counts;     /* max_snaps * (nslots + 1) * NR_REGIONS */
static uint64_t snap_seq;         /* next sequence number == hits so far */

/*
 * mode=inline: instructions are counted by TCG inline adds into
 * pending[], which belongs to the vCPU slot pending_slot.  Every TB
 * entry runs inline_tb_exec(), which moves pending[] to the previous
 * owner when a different vCPU starts running.  With round-robin TCG
 * (the only mode QEMU 7.2 offers for MIPS) no other vCPU can execute
 * between a TB entry and the end of that TB, so this is exact.
 */
static uint64_t pending[NR_REGIONS];
static unsigned int pending_slot;

static inline unsigned int slot_of(unsigned int vcpu)
{
    return __builtin_expect(vcpu < nslots, 1) ? vcpu : nslots;
}

static enum region region_of(uint64_t va)
{
    if (va < UINT64_C(0x4000000000000000)) {
        return R_USER;                                  /* xuseg */
    }
    if (va < UINT64_C(0x8000000000000000)) {
        return R_KERNEL;                                /* xsseg */
    }
    if (va < UINT64_C(0xc000000000000000)) {
        return R_MONITOR;                               /* xkphys */
    }
    if (va >= UINT64_C(0xffffffff80000000) &&
        va < UINT64_C(0xffffffffa0000000)) {
        return R_MONITOR;                               /* ckseg0 */
    }
    if (va >= UINT64_C(0xffffffffc0000000) &&
        va < UINT64_C(0xffffffffe0000000)) {
        return R_KERNEL;                                /* cksseg */
    }
    return R_OTHER;                                     /* ckseg1/3, xkseg */
}

/*
 * Record a snapshot for a hit on mark @m by @vcpu.  @adjust instructions
 * of region @r are subtracted from that vCPU's live count (used in
 * mode=tb, where the whole TB was already added at TB entry).
 */
static uint64_t stop_after;     /* 0: never */

static void take_snapshot(unsigned int m, unsigned int vcpu,
                          enum region r, uint64_t adjust)
{
    uint64_t seq;
    uint64_t *dst;
    unsigned int s, slot = slot_of(vcpu);

    __atomic_fetch_add(&marks[m].hits, 1, __ATOMIC_RELAXED);
    seq = __atomic_fetch_add(&snap_seq, 1, __ATOMIC_RELAXED);
    if (seq >= max_snaps) {
        return;
    }
    snap_hdr[seq].seq = seq;
    snap_hdr[seq].addr = marks[m].addr;
    snap_hdr[seq].vcpu = vcpu;
    dst = &snap_counts[seq * (nslots + 1) * NR_REGIONS];
    for (s = 0; s <= nslots; s++) {
        memcpy(&dst[s * NR_REGIONS], counts[s].n, sizeof(counts[s].n));
    }
    dst[slot * NR_REGIONS + r] -= adjust;
    if (stop_after && m + 1 == nmarks &&
        __atomic_load_n(&marks[m].hits, __ATOMIC_RELAXED) == stop_after) {
        exit(0);        /* the atexit callback writes the results */
    }
}

/* ---- mode=insn callbacks ---- */

static void insn_exec(unsigned int vcpu, void *udata)
{
    counts[slot_of(vcpu)].n[(uintptr_t)udata]++;
}

/* udata: mark index (low 8 bits) | region << 8 */
static void insn_mark_exec(unsigned int vcpu, void *udata)
{
    uintptr_t u = (uintptr_t)udata;
    enum region r = (enum region)(u >> 8);

    take_snapshot(u & 0xff, vcpu, r, 0);
    counts[slot_of(vcpu)].n[r]++;
}

/* ---- mode=inline callbacks ---- */

static inline void flush_pending(void)
{
    int r;

    for (r = 0; r < NR_REGIONS; r++) {
        counts[pending_slot].n[r] += pending[r];
        pending[r] = 0;
    }
}

static void inline_tb_exec(unsigned int vcpu, void *udata)
{
    unsigned int s = slot_of(vcpu);

    (void)udata;
    if (__builtin_expect(s != pending_slot, 0)) {
        flush_pending();
        pending_slot = s;
    }
}

/* udata: mark index (low 8 bits) | region << 8 */
static void inline_mark_exec(unsigned int vcpu, void *udata)
{
    uintptr_t u = (uintptr_t)udata;
    enum region r = (enum region)(u >> 8);

    flush_pending();
    pending_slot = slot_of(vcpu);
    take_snapshot(u & 0xff, vcpu, r, 0);
    counts[pending_slot].n[r]++;
}

/* ---- mode=tb callbacks ---- */

/* udata: region (low 2 bits) | n_insns << 2 */
static void tb_exec(unsigned int vcpu, void *udata)
{
    uintptr_t u = (uintptr_t)udata;

    counts[slot_of(vcpu)].n[u & 3] += u >> 2;
}

/* udata: mark index (8 bits) | region << 8 | insns from mark to TB end << 16 */
static void tb_mark_exec(unsigned int vcpu, void *udata)
{
    uintptr_t u = (uintptr_t)udata;

    take_snapshot(u & 0xff, vcpu, (enum region)((u >> 8) & 0xff), u >> 16);
}

static int mark_index(uint64_t va)
{
    unsigned int i;

    for (i = 0; i < nmarks; i++) {
        if (marks[i].addr == va) {
            return (int)i;
        }
    }
    return -1;
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t i, n = qemu_plugin_tb_n_insns(tb);

    (void)id;
    if (n == 0) {
        return;
    }

    if (mode == MODE_TB) {
        /* MIPS TBs never cross a page, hence never cross a region. */
        enum region r = region_of(qemu_plugin_tb_vaddr(tb));

        qemu_plugin_register_vcpu_tb_exec_cb(
            tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
            (void *)(((uintptr_t)n << 2) | (uintptr_t)r));
        if (nmarks == 0) {
            return;
        }
        for (i = 0; i < n; i++) {
            struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
            int m = mark_index(qemu_plugin_insn_vaddr(insn));

            if (m >= 0) {
                uintptr_t u = (uintptr_t)m | ((uintptr_t)r << 8) |
                              ((uintptr_t)(n - i) << 16);
                qemu_plugin_register_vcpu_insn_exec_cb(
                    insn, tb_mark_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)u);
            }
        }
        return;
    }

    if (mode == MODE_INLINE) {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, inline_tb_exec,
                                             QEMU_PLUGIN_CB_NO_REGS, NULL);
    }

    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        enum region r = region_of(va);
        int m = nmarks ? mark_index(va) : -1;

        if (mode == MODE_INLINE) {
            if (m >= 0) {
                qemu_plugin_register_vcpu_insn_exec_cb(
                    insn, inline_mark_exec, QEMU_PLUGIN_CB_NO_REGS,
                    (void *)((uintptr_t)m | ((uintptr_t)r << 8)));
            } else {
                qemu_plugin_register_vcpu_insn_exec_inline(
                    insn, QEMU_PLUGIN_INLINE_ADD_U64, &pending[r], 1);
            }
        } else if (m >= 0) {
            qemu_plugin_register_vcpu_insn_exec_cb(
                insn, insn_mark_exec, QEMU_PLUGIN_CB_NO_REGS,
                (void *)((uintptr_t)m | ((uintptr_t)r << 8)));
        } else {
            qemu_plugin_register_vcpu_insn_exec_cb(
                insn, insn_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)r);
        }
    }
}

static void print_regions(FILE *f, const uint64_t *n)
{
    uint64_t all = 0;
    int r;

    for (r = 0; r < NR_REGIONS; r++) {
        all += n[r];
    }
    fprintf(f, " all %" PRIu64, all);
    for (r = 0; r < NR_REGIONS; r++) {
        fprintf(f, " %s %" PRIu64, region_names[r], n[r]);
    }
}

static bool slot_used(const uint64_t *n)
{
    int r;

    for (r = 0; r < NR_REGIONS; r++) {
        if (n[r]) {
            return true;
        }
    }
    return false;
}

static void print_cpu_id(FILE *f, unsigned int s)
{
    if (s == nslots) {
        fprintf(f, "overflow");
    } else {
        fprintf(f, "%u", s);
    }
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    FILE *f = out_fp;
    uint64_t total[NR_REGIONS] = { 0 };
    uint64_t nsnap, k;
    unsigned int s, i;
    int r;

    (void)id;
    (void)p;
    if (!f) {
        return;
    }
    out_fp = NULL;
    flush_pending();    /* no-op unless mode=inline */

    fprintf(f, "# insncount v1\n");
    fprintf(f, "mode %s\n", mode_names[mode]);
    fprintf(f, "# regions: monitor=ckseg0+xkphys kernel=xsseg+cksseg "
               "user=xuseg other=rest\n");
    fprintf(f, "# mark snapshots are taken before the marked instruction "
               "executes (it is not included)\n");

    for (s = 0; s <= nslots; s++) {
        if (!slot_used(counts[s].n)) {
            continue;
        }
        fprintf(f, "cpu ");
        print_cpu_id(f, s);
        print_regions(f, counts[s].n);
        fputc('\n', f);
        for (r = 0; r < NR_REGIONS; r++) {
            total[r] += counts[s].n[r];
        }
    }
    fprintf(f, "total");
    print_regions(f, total);
    fputc('\n', f);

    for (i = 0; i < nmarks; i++) {
        fprintf(f, "markaddr %u addr 0x%016" PRIx64 " hits %" PRIu64 "\n",
                i, marks[i].addr, marks[i].hits);
    }

    nsnap = snap_seq < max_snaps ? snap_seq : max_snaps;
    fprintf(f, "marks recorded %" PRIu64 " dropped %" PRIu64 "\n",
            nsnap, snap_seq - nsnap);

    for (k = 0; k < nsnap; k++) {
        const uint64_t *c = &snap_counts[k * (nslots + 1) * NR_REGIONS];
        uint64_t sum[NR_REGIONS] = { 0 };

        for (s = 0; s <= nslots; s++) {
            for (r = 0; r < NR_REGIONS; r++) {
                sum[r] += c[s * NR_REGIONS + r];
            }
        }
        fprintf(f, "mark %" PRIu64 " addr 0x%016" PRIx64 " cpu %u",
                snap_hdr[k].seq, snap_hdr[k].addr, snap_hdr[k].vcpu);
        print_regions(f, sum);
        fputc('\n', f);
        for (s = 0; s <= nslots; s++) {
            if (!slot_used(&c[s * NR_REGIONS])) {
                continue;
            }
            fprintf(f, "markcpu %" PRIu64 " cpu ", snap_hdr[k].seq);
            print_cpu_id(f, s);
            print_regions(f, &c[s * NR_REGIONS]);
            fputc('\n', f);
        }
    }
    fprintf(f, "end\n");

    if (fclose(f) != 0) {
        fprintf(stderr, PLUGIN_NAME ": error writing %s: %s\n",
                out_path, strerror(errno));
    }
}

static int parse_u64(const char *s, int base, uint64_t *v)
{
    char *end;

    if (*s == '\0' || *s == '-') {
        return -1;
    }
    errno = 0;
    *v = strtoull(s, &end, base);
    if (errno != 0 || *end != '\0') {
        return -1;
    }
    return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    int i;

    for (i = 0; i < argc; i++) {
        const char *opt = argv[i];
        const char *eq = strchr(opt, '=');
        const char *val;
        size_t klen;

        if (!eq) {
            fprintf(stderr, PLUGIN_NAME ": bad argument '%s' "
                    "(expected key=value)\n", opt);
            return -1;
        }
        klen = (size_t)(eq - opt);
        val = eq + 1;

        if (klen == 3 && strncmp(opt, "out", 3) == 0) {
            if (*val == '\0') {
                fprintf(stderr, PLUGIN_NAME ": out= needs a path\n");
                return -1;
            }
            out_path = val;
        } else if (klen == 4 && strncmp(opt, "mark", 4) == 0) {
            uint64_t a;

            if (nmarks >= MAX_MARKS) {
                fprintf(stderr, PLUGIN_NAME ": at most %d mark= arguments\n",
                        MAX_MARKS);
                return -1;
            }
            if (parse_u64(val, 16, &a) != 0) {
                fprintf(stderr, PLUGIN_NAME ": bad mark address '%s' "
                        "(expected hex, e.g. 0xffffffff80101234)\n", val);
                return -1;
            }
            if (a >= UINT64_C(0x80000000) && a <= UINT64_C(0xffffffff)) {
                fprintf(stderr, PLUGIN_NAME ": warning: mark=%s is matched as "
                        "the 64-bit user address 0x%016" PRIx64 "; for a "
                        "kseg address use the sign-extended form "
                        "0xffffffff%08" PRIx64 "\n", val, a, a);
            }
            if (mark_index(a) < 0) {
                marks[nmarks].addr = a;
                marks[nmarks].hits = 0;
                nmarks++;
            }
        } else if (klen == 4 && strncmp(opt, "mode", 4) == 0) {
            if (strcmp(val, "insn") == 0) {
                mode = MODE_INSN;
            } else if (strcmp(val, "inline") == 0) {
                mode = MODE_INLINE;
            } else if (strcmp(val, "tb") == 0) {
                mode = MODE_TB;
            } else {
                fprintf(stderr, PLUGIN_NAME ": bad mode '%s' "
                        "(expected insn, inline or tb)\n", val);
                return -1;
            }
        } else if (klen == 8 && strncmp(opt, "maxmarks", 8) == 0) {
            if (parse_u64(val, 0, &max_snaps) != 0 ||
                max_snaps > (UINT64_C(1) << 24)) {
                fprintf(stderr, PLUGIN_NAME ": bad maxmarks '%s'\n", val);
                return -1;
            }
        } else if (klen == 9 && strncmp(opt, "stopafter", 9) == 0) {
            if (parse_u64(val, 0, &stop_after) != 0) {
                fprintf(stderr, PLUGIN_NAME ": bad stopafter '%s'\n", val);
                return -1;
            }
        } else {
            fprintf(stderr, PLUGIN_NAME ": unknown argument '%s' "
                    "(known: out=, mark=, mode=, maxmarks=, stopafter=)\n", opt);
            return -1;
        }
    }

    if (!out_path) {
        fprintf(stderr, PLUGIN_NAME ": missing required argument "
                "out=/path/to/result.txt\n");
        return -1;
    }

    if (info->system_emulation) {
        nslots = info->system.max_vcpus > 0 ? (unsigned)info->system.max_vcpus
                                            : 1;
    } else {
        nslots = USER_MODE_SLOTS;
    }

    counts = calloc(nslots + 1, sizeof(*counts));
    snap_hdr = calloc(max_snaps ? max_snaps : 1, sizeof(*snap_hdr));
    snap_counts = calloc(max_snaps ? max_snaps * (nslots + 1) * NR_REGIONS : 1,
                         sizeof(*snap_counts));
    if (!counts || !snap_hdr || !snap_counts) {
        fprintf(stderr, PLUGIN_NAME ": out of memory\n");
        return -1;
    }

    /* Open now so a bad path fails at startup, not at exit. */
    out_fp = fopen(out_path, "w");
    if (!out_fp) {
        fprintf(stderr, PLUGIN_NAME ": cannot open out=%s: %s\n",
                out_path, strerror(errno));
        return -1;
    }

    qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
