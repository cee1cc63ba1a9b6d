package dev.hve.emulator.translate;

import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.decode.Instruction;

/**
 * How the translator handles one decoded instruction: compiled inline in one of the forms below,
 * embedded (the compiled code calls the interpreter's handler for it), or not at all (the
 * compiled block stops before it and the interpreter takes over).
 *
 * <p>Instructions stop a block when their handler may end the step in a way the compiled code
 * cannot follow: a control hook that exits before the instruction executes or that a monitor
 * intercepts (I/O, CPUID, HLT, MSRs, PUSHF/POPF, RDTSC, ...), an interrupt shadow (STI, MOV SS,
 * POP SS), an event delivered by the instruction (INT n, INT3, INTO, INT1), a REP string
 * instruction (it repeats one iteration per step), or a change to the fetch context
 * ({@link DecodedBlock#plain}).
 */
final class Form {

    static final int STOP = 0;
    /** The interpreter's handler runs it; its next RIP is always the fall-through. */
    static final int EMBED = 1;
    /** The interpreter's handler runs it, and it may branch (CALL, RET, LOOP, JCXZ, indirect JMP). */
    static final int EMBED_BRANCH = 2;
    static final int NOP = 3;
    /** 00-3F ALU Eb,Gb / Ev,Gv. */
    static final int ALU_RM_REG = 4;
    /** 00-3F ALU Gb,Eb / Gv,Ev. */
    static final int ALU_REG_RM = 5;
    /** 00-3F ALU AL,Ib / rAX,Iz. */
    static final int ALU_ACC_IMM = 6;
    /** 80/81/83 ALU Eb/Ev with an immediate. */
    static final int ALU_RM_IMM = 7;
    /** 84/85 TEST Eb,Gb / Ev,Gv. */
    static final int TEST_RM_REG = 8;
    /** A8/A9 TEST AL,Ib / rAX,Iz. */
    static final int TEST_ACC_IMM = 9;
    /** F6/F7 /0 /1 TEST Eb/Ev with an immediate. */
    static final int TEST_RM_IMM = 10;
    /** 40-4F INC/DEC Zv outside 64-bit mode. */
    static final int INC_DEC_REG = 11;
    /** FE/FF /0 /1 INC/DEC Eb/Ev. */
    static final int INC_DEC_RM = 12;
    /** F6/F7 /2 /3 NOT/NEG. */
    static final int NOT_NEG = 13;
    /** C0/C1/D0-D3: the shift and rotate group. */
    static final int SHIFT = 14;
    /** 88/89 MOV Eb,Gb / Ev,Gv. */
    static final int MOV_STORE = 15;
    /** 8A/8B MOV Gb,Eb / Gv,Ev. */
    static final int MOV_LOAD = 16;
    /** C6/C7 /0 MOV Eb/Ev with an immediate. */
    static final int MOV_IMM_RM = 17;
    /** B0-BF MOV with an immediate to a register. */
    static final int MOV_IMM_REG = 18;
    static final int LEA = 19;
    /** 0F B6/B7 MOVZX. */
    static final int MOVZX = 20;
    /** 0F BE/BF MOVSX. */
    static final int MOVSX = 21;
    /** 0F 90-9F SETcc. */
    static final int SETCC = 22;
    /** 0F 40-4F CMOVcc. */
    static final int CMOVCC = 23;
    /** 70-7F and 0F 80-8F Jcc. */
    static final int JCC = 24;
    /** E9/EB JMP rel. */
    static final int JMP = 25;
    /** 0F AF IMUL Gv,Ev. */
    static final int IMUL_RM = 26;
    /** 69/6B IMUL Gv,Ev,imm. */
    static final int IMUL_IMM = 27;
    /** 50-57 PUSH Zv. */
    static final int PUSH_REG = 28;
    /** 58-5F POP Zv. */
    static final int POP_REG = 29;
    /** E8 CALL rel. */
    static final int CALL = 30;
    /** C3 RET. */
    static final int RET = 31;

    private Form() {
    }

    /** The form of instruction {@code k} of {@code b}. */
    static int of(DecodedBlock b, int k) {
        if (!b.plain(k)) {
            return STOP;
        }
        Instruction i = b.instruction(k);
        int op = i.opcode;
        if (op < Instruction.MAP_0F) {
            return oneByte(i, op);
        }
        if (op < Instruction.MAP_0F38) {
            return twoByte(i, op & 0xFF);
        }
        return EMBED;
    }

    private static int oneByte(Instruction i, int op) {
        if (op < 0x40 && (op & 7) < 6) {
            switch (op & 7) {
                case 0: case 1: return ALU_RM_REG;
                case 2: case 3: return ALU_REG_RM;
                default: return ALU_ACC_IMM;
            }
        }
        if (op >= 0x40 && op <= 0x4F) {
            return INC_DEC_REG; // REX prefixes in 64-bit mode, so only ever INC/DEC here
        }
        if (op >= 0x70 && op <= 0x7F) {
            return JCC;
        }
        if (op >= 0x50 && op <= 0x5F) {
            return op < 0x58 ? PUSH_REG : POP_REG;
        }
        if (op >= 0xB0 && op <= 0xBF) {
            return MOV_IMM_REG;
        }
        int reg = i.reg & 7;
        switch (op) {
            case 0x17: // POP SS: interrupt shadow
            case 0x6C: case 0x6D: case 0x6E: case 0x6F: // INS/OUTS
            case 0x9C: case 0x9D: // PUSHF/POPF: intercepts; POPF may set TF
            case 0xE4: case 0xE5: case 0xE6: case 0xE7: case 0xEC: case 0xED: case 0xEE: case 0xEF: // IN/OUT
            case 0xF4: // HLT
            case 0xFB: // STI: interrupt shadow
                return STOP;
            case 0xA4: case 0xA5: case 0xA6: case 0xA7: case 0xAA: case 0xAB:
            case 0xAC: case 0xAD: case 0xAE: case 0xAF:
                return (i.prefixes & (Instruction.P_REP | Instruction.P_REPNE)) != 0 ? STOP : EMBED;
            case 0x8E:
                return reg == 2 ? STOP : EMBED; // MOV SS: interrupt shadow
            case 0x90:
                if (i.lastRep == 0xF3) {
                    return STOP; // PAUSE: an intercept
                }
                return (i.rex & 1) == 0 ? NOP : EMBED;
            case 0x80: case 0x81: case 0x83: return ALU_RM_IMM;
            case 0x69: case 0x6B: return IMUL_IMM;
            case 0x84: case 0x85: return TEST_RM_REG;
            case 0x88: case 0x89: return MOV_STORE;
            case 0x8A: case 0x8B: return MOV_LOAD;
            case 0x8D: return i.mod == 3 ? EMBED : LEA;
            case 0xA8: case 0xA9: return TEST_ACC_IMM;
            case 0xC0: case 0xC1: case 0xD0: case 0xD1: case 0xD2: case 0xD3: return SHIFT;
            case 0xC6: case 0xC7: return reg == 0 ? MOV_IMM_RM : EMBED;
            case 0xE9: case 0xEB: return JMP;
            case 0xF6: case 0xF7:
                if (reg <= 1) {
                    return TEST_RM_IMM;
                }
                return reg <= 3 ? NOT_NEG : EMBED;
            case 0xFE: return reg <= 1 ? INC_DEC_RM : EMBED;
            case 0xFF:
                if (reg <= 1) {
                    return INC_DEC_RM;
                }
                return reg == 2 || reg == 4 ? EMBED_BRANCH : EMBED;
            case 0xE8: return CALL;
            case 0xC3: return RET;
            case 0xC2: case 0xE0: case 0xE1: case 0xE2: case 0xE3:
                return EMBED_BRANCH;
            default:
                return EMBED;
        }
    }

    private static int twoByte(Instruction i, int op) {
        if (op >= 0x80 && op <= 0x8F) {
            return JCC;
        }
        if (op >= 0x90 && op <= 0x9F) {
            return SETCC;
        }
        if (op >= 0x40 && op <= 0x4F) {
            return CMOVCC;
        }
        if (op >= 0x18 && op <= 0x1F) {
            return NOP; // prefetch hints and the multi-byte NOP: no access, no fault
        }
        switch (op) {
            case 0x06: case 0x08: case 0x09: // CLTS, INVD, WBINVD: intercepts
            case 0x31: case 0x32: case 0x33: // RDTSC, RDMSR, RDPMC: intercepts (RDTSC reads the retired count)
            case 0xA2: // CPUID
                return STOP;
            case 0xAF: return IMUL_RM;
            case 0xB6: case 0xB7: return MOVZX;
            case 0xBE: case 0xBF: return MOVSX;
            default: return EMBED;
        }
    }

    /** Whether the form may raise a fault or leave guest mode (the state before it must be exact). */
    static boolean mayFault(int form, Instruction i) {
        switch (form) {
            case NOP: case MOV_IMM_REG: case LEA: case ALU_ACC_IMM: case TEST_ACC_IMM: case INC_DEC_REG:
                return false;
            case EMBED: case EMBED_BRANCH: case JCC: case JMP: case CALL: case RET: case PUSH_REG: case POP_REG:
                return true; // branches check the target (CS limit, canonical form); the stack may fault
            default:
                return i.mod != 3;
        }
    }

    /** Whether the form writes memory (so that it may have overwritten the block's own code). */
    static boolean mayWrite(int form, Instruction i) {
        switch (form) {
            case EMBED: case EMBED_BRANCH: case PUSH_REG:
                return true; // (CALL writes too, but leaves the block anyway)
            case ALU_RM_REG: case ALU_RM_IMM:
                return i.mod != 3 && kind(form, i) != 7;
            case INC_DEC_RM: case NOT_NEG: case SHIFT: case MOV_STORE: case MOV_IMM_RM: case SETCC:
                return i.mod != 3;
            default:
                return false;
        }
    }

    /** The ALU operation (ADD OR ADC SBB AND SUB XOR CMP) of an ALU form. */
    static int kind(int form, Instruction i) {
        return form == ALU_RM_IMM ? i.reg & 7 : (i.opcode >>> 3) & 7;
    }

    /**
     * For the shift group: the count when it is an immediate (C0/C1, D0/D1), else -1, masked to 5
     * bits (6 with a 64-bit operand) as the processor masks it (SDM Vol. 2B, SAL/SAR/SHL/SHR).
     */
    static int constantCount(Instruction i) {
        int op = i.opcode;
        int count;
        if (op == 0xC0 || op == 0xC1) {
            count = (int) (i.imm & 0xFF);
        } else if (op == 0xD0 || op == 0xD1) {
            count = 1;
        } else {
            return -1;
        }
        return count & (byteOrFull(i) == 8 ? 0x3F : 0x1F);
    }

    /**
     * SHL, SHR, SAL or SAR by a constant non-zero count: all six status flags written, none read.
     * SDM Vol. 2B (SAL/SAR/SHL/SHR, "Flags Affected") defines CF, SF, ZF, PF for any non-zero
     * count and leaves AF (and OF beyond a count of 1) undefined; {@code Alu.shift} writes all six.
     */
    static boolean plainShift(Instruction i) {
        return (i.reg & 7) >= 4 && constantCount(i) > 0;
    }

    /** The operand size of a form whose low opcode bit selects byte size. */
    static int byteOrFull(Instruction i) {
        return (i.opcode & 1) == 0 ? 1 : i.opSize;
    }
}
