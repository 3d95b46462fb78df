/*
 * pcprof - QEMU TCG plugin (API v1, QEMU 7.2): where executed instructions
 * come from, by translation block. Each block's start address, length and
 * execution count go to the output file at exit; tools/pcprof-report.sh
 * sums them per function of an ELF's symbol table. For finding what a
 * monitor path costs; counts are per block (a block left early by an
 * exception still counts whole), so they are close, not exact (insncount
 * is the exact counter).
 *
 *   -plugin pcprof.so,out=FILE[,lo=0xADDR,hi=0xADDR]   only blocks in [lo, hi)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define TABLE_BITS 20           /* blocks kept: up to a million */

struct block {
    uint64_t vaddr;             /* 0: free slot */
    uint64_t ninsns;
    uint64_t execs;
};

static struct block *table;
static uint64_t lo, hi = UINT64_MAX;
static char *out_path;

/* The slot for vaddr (found or new); NULL when the table is full. */
static struct block *slot(uint64_t vaddr, uint64_t ninsns)
{
    uint64_t mask = (1ull << TABLE_BITS) - 1;
    uint64_t i = (vaddr * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS);

    for (uint64_t n = 0; n <= mask; n++, i = (i + 1) & mask) {
        if (table[i].vaddr == vaddr && table[i].ninsns == ninsns) {
            return &table[i];
        }
        if (table[i].vaddr == 0) {
            table[i].vaddr = vaddr;
            table[i].ninsns = ninsns;
            return &table[i];
        }
    }
    return NULL;
}

static void tb_exec(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    ((struct block *)udata)->execs++;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
    struct block *b;

    (void)id;
    if (vaddr < lo || vaddr >= hi || vaddr == 0) {
        return;
    }
    b = slot(vaddr, qemu_plugin_tb_n_insns(tb));
    if (b) {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, b);
    }
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
    FILE *f = fopen(out_path, "w");

    (void)id;
    (void)p;
    if (!f) {
        perror("pcprof: out");
        return;
    }
    for (uint64_t i = 0; i < (1ull << TABLE_BITS); i++) {
        if (table[i].vaddr && table[i].execs) {
            fprintf(f, "0x%016" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
                    table[i].vaddr, table[i].ninsns, table[i].execs);
        }
    }
    fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = strdup(argv[i] + 4);
        } else if (strncmp(argv[i], "lo=", 3) == 0) {
            lo = strtoull(argv[i] + 3, NULL, 0);
        } else if (strncmp(argv[i], "hi=", 3) == 0) {
            hi = strtoull(argv[i] + 3, NULL, 0);
        } else {
            fprintf(stderr, "pcprof: bad argument '%s' (out=, lo=, hi=)\n", argv[i]);
            return -1;
        }
    }
    if (!out_path) {
        fprintf(stderr, "pcprof: out=FILE is required\n");
        return -1;
    }
    table = calloc(1ull << TABLE_BITS, sizeof(*table));
    if (!table) {
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
