/*
 * Decoding the MIPS64 R2 instructions the vCPU emulator handles: the
 * privileged (COP0) ones a guest kernel traps on, and every integer branch
 * and jump, so that a trap the monitor emulates in a delay slot can be
 * completed by emulating the branch, and the integer loads and stores a
 * guest uses on an emulated device register. (FPU/COP2 branches decode as
 * INSN_OTHER: the monitor emulates no instruction that sits in their slots
 * in practice; a guest gets its own exceptions there with BD set.)
 * Pure C, unit-tested on the host. Names follow the MIPS manual.
 */
#ifndef VCPU_DECODE_H
#define VCPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum insn_kind {
	INSN_OTHER,
	/* coprocessor 0 */
	INSN_MFC0, INSN_DMFC0, INSN_MTC0, INSN_DMTC0,
	INSN_TLBR, INSN_TLBWI, INSN_TLBWR, INSN_TLBP,
	INSN_ERET, INSN_WAIT, INSN_DI, INSN_EI,
	INSN_HYPERCALL,         /* the reserved COP0 encoding of the guest ABI */
	INSN_TLB_REFILL,        /* the ABI's refill write: EntryLo0/1 = k0/k1, tlbwr, eret */
	INSN_COP0_RESERVED,     /* any other COP0 encoding */
	INSN_CACHE, INSN_RDHWR,
	/* control transfer (each has a delay slot) */
	INSN_BRANCH,            /* conditional, PC-relative */
	INSN_JUMP,              /* j, jal: 256 MiB region */
	INSN_JUMP_REG,          /* jr, jalr */
	/* memory (for emulated device registers) */
	INSN_LOAD,              /* lb lbu lh lhu lw lwu ld: size, sign_extend */
	INSN_STORE,             /* sb sh sw sd: size */
	INSN_KIND_COUNT
};

/* Conditions of INSN_BRANCH. */
enum branch_cond {
	BR_EQ, BR_NE,           /* rs == rt, rs != rt */
	BR_LEZ, BR_GTZ, BR_LTZ, BR_GEZ,
};

struct insn {
	enum insn_kind kind;
	uint32_t raw;
	unsigned int rs, rt, rd, sel;   /* register fields, COP0 select */
	int64_t offset;                 /* branch: byte offset from the delay slot;
					   load/store: displacement from rs */
	unsigned int size;              /* load/store: bytes */
	bool sign_extend;               /* load: lb lh lw */
	enum branch_cond cond;
	bool likely;                    /* branch-likely: slot nullified if not taken */
	bool link;                      /* writes the return address */
	unsigned int link_reg;          /* 31, or rd for jalr */
	uint64_t target_index;          /* j/jal: the 26-bit instr_index << 2 */
};

/* The hypercall instruction (a reserved COP0 function, see docs/guest-abi.md). */
#define INSN_HYPERCALL_WORD 0x42000028u
/* The refill write, the next reserved function (docs/guest-abi.md). */
#define INSN_TLB_REFILL_WORD 0x42000029u

/* Decodes one instruction word. */
void insn_decode(uint32_t word, struct insn *out);

/*
 * For a branch or jump at pc with registers regs[32]: whether control
 * transfers (always true for jumps) and where to. Undefined for others.
 */
bool insn_branch_taken(const struct insn *in, const uint64_t regs[32]);
uint64_t insn_branch_target(const struct insn *in, uint64_t pc,
			    const uint64_t regs[32]);

#endif
