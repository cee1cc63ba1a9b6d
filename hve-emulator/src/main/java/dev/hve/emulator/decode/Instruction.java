package dev.hve.emulator.decode;

/**
 * One decoded instruction. It is a mutable, reusable record so that decoding allocates nothing; the
 * executor reads the fields and computes effective addresses itself (they depend on registers).
 */
public final class Instruction {

    // Prefix bits in {@link #prefixes}.
    public static final int P_LOCK = 1;
    public static final int P_REP = 2;      // F3
    public static final int P_REPNE = 4;    // F2
    public static final int P_OPSIZE = 8;   // 66
    public static final int P_ADSIZE = 16;  // 67
    public static final int P_REX = 32;

    /** Opcode maps, in bits 9:8 of {@link #opcode}. */
    public static final int MAP_0F = 0x100;
    public static final int MAP_0F38 = 0x200;
    public static final int MAP_0F3A = 0x300;

    /** Map (bits 9:8) and opcode byte (7:0). */
    public int opcode;
    /** Length in bytes, 1..15. */
    public int length;
    public int prefixes;
    /** The last of F2/F3 seen (0 if none): it decides which one a string instruction honors. */
    public int lastRep;
    /** Segment override index (CpuState.ES..GS), or -1. */
    public int segmentOverride;
    /** REX byte (0x40..0x4F) that applies, or 0. */
    public int rex;
    /** Code-segment default size in bytes: 2, 4 or 8 (8 = 64-bit mode). */
    public int codeSize;
    /** Effective operand size for "v" operands: 2, 4 or 8. */
    public int opSize;
    /** Effective address size: 2, 4 or 8. */
    public int addrSize;

    public boolean hasModrm;
    public int mod;
    /** ModRM.reg with REX.R. */
    public int reg;
    /** ModRM.rm with REX.B when mod == 3 (a register); else the raw rm field. */
    public int rm;
    /** Memory operand: base and index register numbers (-1 none), scale shift, displacement. */
    public int base;
    public int index;
    public int scale;
    public long disp;
    public boolean ripRelative;
    /** CpuState.DS or CpuState.SS: the default segment for the memory operand. */
    public int defaultSegment;

    /** First and second immediate (second: ENTER's ib, far pointers' selector). */
    public long imm;
    public long imm2;

    public boolean isMemory() {
        return hasModrm && mod != 3;
    }

    /** The segment a memory operand uses: the override if any, else its default. */
    public int segment() {
        return segmentOverride >= 0 ? segmentOverride : defaultSegment;
    }

    public boolean rexW() {
        return (rex & 8) != 0;
    }

    /** Copies every field of {@code other} into this record. */
    public void copyFrom(Instruction other) {
        opcode = other.opcode;
        length = other.length;
        prefixes = other.prefixes;
        lastRep = other.lastRep;
        segmentOverride = other.segmentOverride;
        rex = other.rex;
        codeSize = other.codeSize;
        opSize = other.opSize;
        addrSize = other.addrSize;
        hasModrm = other.hasModrm;
        mod = other.mod;
        reg = other.reg;
        rm = other.rm;
        base = other.base;
        index = other.index;
        scale = other.scale;
        disp = other.disp;
        ripRelative = other.ripRelative;
        defaultSegment = other.defaultSegment;
        imm = other.imm;
        imm2 = other.imm2;
    }
}
