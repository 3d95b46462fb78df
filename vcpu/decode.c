/*
 * Instruction decoding for the vCPU emulator (see decode.h).
 */
#include "vcpu/decode.h"

/* Major opcodes (bits 31:26). */
enum {
	OP_SPECIAL = 0x00, OP_REGIMM = 0x01, OP_J = 0x02, OP_JAL = 0x03,
	OP_BEQ = 0x04, OP_BNE = 0x05, OP_BLEZ = 0x06, OP_BGTZ = 0x07,
	OP_COP0 = 0x10, OP_BEQL = 0x14, OP_BNEL = 0x15, OP_BLEZL = 0x16,
	OP_BGTZL = 0x17, OP_SPECIAL3 = 0x1f, OP_CACHE = 0x2f,
	OP_LB = 0x20, OP_LH = 0x21, OP_LW = 0x23, OP_LBU = 0x24, OP_LHU = 0x25,
	OP_LWU = 0x27, OP_SB = 0x28, OP_SH = 0x29, OP_SW = 0x2b, OP_LD = 0x37,
	OP_SD = 0x3f,
};
/* SPECIAL functions. */
enum { FN_JR = 0x08, FN_JALR = 0x09 };
/* REGIMM rt values. */
enum {
	RI_BLTZ = 0x00, RI_BGEZ = 0x01, RI_BLTZL = 0x02, RI_BGEZL = 0x03,
	RI_BLTZAL = 0x10, RI_BGEZAL = 0x11, RI_BLTZALL = 0x12, RI_BGEZALL = 0x13,
};
/* COP0 rs values and CO functions. */
enum { C0_MF = 0x00, C0_DMF = 0x01, C0_MT = 0x04, C0_DMT = 0x05, C0_MFMC0 = 0x0b };
enum { CO_TLBR = 0x01, CO_TLBWI = 0x02, CO_TLBWR = 0x06, CO_TLBP = 0x08,
       CO_ERET = 0x18, CO_WAIT = 0x20 };
/* SPECIAL3 function of rdhwr. */
enum { FN3_RDHWR = 0x3b };

static void branch(struct insn *in, enum branch_cond cond, bool likely, bool link)
{
	in->kind = INSN_BRANCH;
	in->cond = cond;
	in->likely = likely;
	in->link = link;
	in->link_reg = 31;
	in->offset = (int64_t)(int16_t)(in->raw & 0xffff) * 4;
}

static void decode_cop0(struct insn *in)
{
	if (in->raw == INSN_HYPERCALL_WORD) {
		in->kind = INSN_HYPERCALL;
		return;
	}
	if (in->raw == INSN_TLB_REFILL_WORD) {
		in->kind = INSN_TLB_REFILL;
		return;
	}
	in->kind = INSN_COP0_RESERVED;
	if (in->rs & 0x10) {            /* CO: functions in bits 5:0 */
		switch (in->raw & 0x3f) {
		case CO_TLBR: in->kind = INSN_TLBR; break;
		case CO_TLBWI: in->kind = INSN_TLBWI; break;
		case CO_TLBWR: in->kind = INSN_TLBWR; break;
		case CO_TLBP: in->kind = INSN_TLBP; break;
		case CO_ERET: in->kind = INSN_ERET; break;
		case CO_WAIT: in->kind = INSN_WAIT; break;
		}
		return;
	}
	if ((in->raw & 0x7f8) != 0 && in->rs != C0_MFMC0)
		return;                 /* bits 10:3 must be zero for mfc0 & co */
	switch (in->rs) {
	case C0_MF: in->kind = INSN_MFC0; break;
	case C0_DMF: in->kind = INSN_DMFC0; break;
	case C0_MT: in->kind = INSN_MTC0; break;
	case C0_DMT: in->kind = INSN_DMTC0; break;
	case C0_MFMC0:                  /* di/ei: rd = 12, sc bit 5 */
		if (in->rd == 12 && (in->raw & 0x7df) == 0)
			in->kind = (in->raw & 0x20) ? INSN_EI : INSN_DI;
		break;
	}
}

static void decode_regimm(struct insn *in)
{
	switch (in->rt) {
	case RI_BLTZ: branch(in, BR_LTZ, false, false); break;
	case RI_BGEZ: branch(in, BR_GEZ, false, false); break;
	case RI_BLTZL: branch(in, BR_LTZ, true, false); break;
	case RI_BGEZL: branch(in, BR_GEZ, true, false); break;
	case RI_BLTZAL: branch(in, BR_LTZ, false, true); break;
	case RI_BGEZAL: branch(in, BR_GEZ, false, true); break;
	case RI_BLTZALL: branch(in, BR_LTZ, true, true); break;
	case RI_BGEZALL: branch(in, BR_GEZ, true, true); break;
	}
}

static void memory(struct insn *in, enum insn_kind kind, unsigned int size,
		   bool sign_extend)
{
	in->kind = kind;
	in->size = size;
	in->sign_extend = sign_extend;
	in->offset = (int16_t)(in->raw & 0xffff);
}

void insn_decode(uint32_t word, struct insn *in)
{
	/* every other field zero; stores in line, not a memset call (this
	 * runs on every emulated instruction) */
	*in = (struct insn){
		.raw = word,
		.rs = (word >> 21) & 0x1f,
		.rt = (word >> 16) & 0x1f,
		.rd = (word >> 11) & 0x1f,
		.sel = word & 7,
	};

	switch (word >> 26) {
	case OP_SPECIAL:
		if ((word & 0x3f) == FN_JR) {
			in->kind = INSN_JUMP_REG;
		} else if ((word & 0x3f) == FN_JALR) {
			in->kind = INSN_JUMP_REG;
			in->link = true;
			in->link_reg = in->rd;
		}
		break;
	case OP_REGIMM: decode_regimm(in); break;
	case OP_J:
	case OP_JAL:
		in->kind = INSN_JUMP;
		in->link = (word >> 26) == OP_JAL;
		in->link_reg = 31;
		in->target_index = (uint64_t)(word & 0x3ffffff) << 2;
		break;
	case OP_BEQ: branch(in, BR_EQ, false, false); break;
	case OP_BNE: branch(in, BR_NE, false, false); break;
	case OP_BLEZ: branch(in, BR_LEZ, false, false); break;
	case OP_BGTZ: branch(in, BR_GTZ, false, false); break;
	case OP_BEQL: branch(in, BR_EQ, true, false); break;
	case OP_BNEL: branch(in, BR_NE, true, false); break;
	case OP_BLEZL: branch(in, BR_LEZ, true, false); break;
	case OP_BGTZL: branch(in, BR_GTZ, true, false); break;
	case OP_COP0: decode_cop0(in); break;
	case OP_CACHE: in->kind = INSN_CACHE; break;
	case OP_SPECIAL3:
		if ((word & 0x3f) == FN3_RDHWR)
			in->kind = INSN_RDHWR;
		break;
	case OP_LB: memory(in, INSN_LOAD, 1, true); break;
	case OP_LBU: memory(in, INSN_LOAD, 1, false); break;
	case OP_LH: memory(in, INSN_LOAD, 2, true); break;
	case OP_LHU: memory(in, INSN_LOAD, 2, false); break;
	case OP_LW: memory(in, INSN_LOAD, 4, true); break;
	case OP_LWU: memory(in, INSN_LOAD, 4, false); break;
	case OP_LD: memory(in, INSN_LOAD, 8, false); break;
	case OP_SB: memory(in, INSN_STORE, 1, false); break;
	case OP_SH: memory(in, INSN_STORE, 2, false); break;
	case OP_SW: memory(in, INSN_STORE, 4, false); break;
	case OP_SD: memory(in, INSN_STORE, 8, false); break;
	}
}

bool insn_branch_taken(const struct insn *in, const uint64_t regs[32])
{
	int64_t s = (int64_t)regs[in->rs];

	if (in->kind != INSN_BRANCH)
		return true;
	switch (in->cond) {
	case BR_EQ: return regs[in->rs] == regs[in->rt];
	case BR_NE: return regs[in->rs] != regs[in->rt];
	case BR_LEZ: return s <= 0;
	case BR_GTZ: return s > 0;
	case BR_LTZ: return s < 0;
	case BR_GEZ: return s >= 0;
	}
	return false;
}

uint64_t insn_branch_target(const struct insn *in, uint64_t pc,
			    const uint64_t regs[32])
{
	uint64_t slot = pc + 4;

	switch (in->kind) {
	case INSN_BRANCH:
		return slot + (uint64_t)in->offset;
	case INSN_JUMP:         /* within the 256 MiB region of the delay slot */
		return (slot & ~0x0ffffffful) | in->target_index;
	case INSN_JUMP_REG:
		return regs[in->rs];
	default:
		return pc + 4;
	}
}
