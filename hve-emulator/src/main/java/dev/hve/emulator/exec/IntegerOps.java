package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.AF;
import static dev.hve.emulator.cpu.CpuState.CF;
import static dev.hve.emulator.cpu.CpuState.OF;
import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;

/**
 * Integer arithmetic and logic instructions: the ALU groups, INC/DEC, NOT/NEG, MUL/IMUL/DIV/IDIV,
 * shifts and rotates, the bit instructions, and BCD adjustments (Intel SDM Vol. 2 per-instruction
 * pages). Flag semantics live in {@link Alu}.
 */
final class IntegerOps {

    private final Interpreter x;
    private final CpuState s;
    private final long[] remainder = new long[1];
    /** CPUID.7:EBX.BMI1: F3 0F BC is TZCNT; without it, BSF (SDM Vol. 2B, TZCNT). */
    private final boolean tzcnt;
    /** CPUID.80000001h:ECX.ABM/LZCNT: F3 0F BD is LZCNT; without it, BSR. */
    private final boolean lzcnt;

    IntegerOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
        int[] regs = new int[4];
        x.model.cpuid(7, 0, regs);
        this.tzcnt = (regs[1] & (1 << 3)) != 0;
        x.model.cpuid(0x8000_0001, 0, regs);
        this.lzcnt = (regs[2] & (1 << 5)) != 0;
    }

    /** 00-3F, forms Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz. */
    void aluClassic(int op) {
        int kind = (op >>> 3) & 7;
        int form = op & 7;
        int size = (form & 1) == 0 ? 1 : x.in.opSize;
        switch (form) {
            case 0: case 1: {
                long a = x.readRm(size);
                long r = Alu.op(s, kind, a, x.reg(size, x.in.reg), size);
                if (kind != 7) {
                    x.writeRm(size, r);
                }
                return;
            }
            case 2: case 3: {
                long r = Alu.op(s, kind, x.reg(size, x.in.reg), x.readRm(size), size);
                if (kind != 7) {
                    x.setReg(size, x.in.reg, r);
                }
                return;
            }
            default: {
                long r = Alu.op(s, kind, x.reg(size, 0), x.in.imm, size);
                if (kind != 7) {
                    x.setReg(size, 0, r);
                }
            }
        }
    }

    /** 80/81/82/83: op Eb,Ib / Ev,Iz / Eb,Ib / Ev,Ib (sign-extended). */
    void aluGroup1(int op) {
        int size = (op & 1) == 0 ? 1 : x.in.opSize;
        int kind = x.in.reg & 7;
        long a = x.readRm(size);
        long r = Alu.op(s, kind, a, x.in.imm, size);
        if (kind != 7) {
            x.writeRm(size, r);
        }
    }

    void incDecRegister(int op) {
        int r = op & 7;
        x.setReg(x.in.opSize, r, Alu.incDec(s, x.reg(x.in.opSize, r), op >= 0x48, x.in.opSize));
    }

    void testRm(int op) {
        int size = x.sizeOf(op);
        Alu.logic(s, x.readRm(size) & x.reg(size, x.in.reg), size);
    }

    void testAccumulator(int op) {
        int size = x.sizeOf(op);
        Alu.logic(s, x.reg(size, 0) & x.in.imm, size);
    }

    /** FE: INC/DEC Eb. */
    void group4() {
        int kind = x.in.reg & 7;
        if (kind > 1) {
            throw x.ud();
        }
        x.writeRm(1, Alu.incDec(s, x.readRm(1), kind == 1, 1));
    }

    /** FF /0, /1. */
    void group5IncDec() {
        int size = x.in.opSize;
        x.writeRm(size, Alu.incDec(s, x.readRm(size), (x.in.reg & 7) == 1, size));
    }

    /** F6/F7: TEST, NOT, NEG, MUL, IMUL, DIV, IDIV. */
    void group3(int op) {
        int size = x.sizeOf(op);
        switch (x.in.reg & 7) {
            case 0: case 1:
                Alu.logic(s, x.readRm(size) & x.in.imm, size);
                return;
            case 2:
                x.writeRm(size, ~x.readRm(size) & Alu.mask(size));
                return;
            case 3:
                x.writeRm(size, Alu.sub(s, 0, x.readRm(size), 0, size));
                return;
            case 4:
                mul(size, x.readRm(size));
                return;
            case 5:
                imulAccumulator(size, x.readRm(size));
                return;
            case 6:
                div(size, x.readRm(size));
                return;
            default:
                idiv(size, x.readRm(size));
        }
    }

    /**
     * MUL: CF = OF = upper half non-zero. SF, ZF, AF, PF are undefined; they are set from the low
     * half (SF/ZF/PF) and cleared (AF).
     */
    private void mul(int size, long b) {
        long a = x.reg(size, 0);
        long lo;
        long hi;
        switch (size) {
            case 1: {
                long p = a * b;
                x.setReg(2, 0, p);
                lo = p & 0xFF;
                hi = p >>> 8;
                break;
            }
            case 2: {
                long p = a * b;
                lo = p & 0xFFFF;
                hi = p >>> 16;
                x.setReg(2, 0, lo);
                x.setReg(2, 2, hi);
                break;
            }
            case 4: {
                long p = a * b;
                lo = p & 0xFFFF_FFFFL;
                hi = p >>> 32;
                x.setReg(4, 0, lo);
                x.setReg(4, 2, hi);
                break;
            }
            default:
                lo = a * b;
                hi = Alu.unsignedMultiplyHigh(a, b);
                s.gpr[0] = lo;
                s.gpr[2] = hi;
        }
        long f = Alu.szp(lo, size);
        if (hi != 0) {
            f |= CF | OF;
        }
        s.rflags = (s.rflags & ~Alu.STATUS) | f;
    }

    private void imulAccumulator(int size, long b) {
        long a = Alu.signExtend(x.reg(size, 0), size);
        long sb = Alu.signExtend(b, size);
        boolean overflow;
        long lo;
        switch (size) {
            case 1: {
                long p = a * sb;
                x.setReg(2, 0, p);
                lo = p & 0xFF;
                overflow = p != (byte) p;
                break;
            }
            case 2: {
                long p = a * sb;
                lo = p & 0xFFFF;
                x.setReg(2, 0, p);
                x.setReg(2, 2, p >>> 16);
                overflow = p != (short) p;
                break;
            }
            case 4: {
                long p = a * sb;
                lo = p & 0xFFFF_FFFFL;
                x.setReg(4, 0, p);
                x.setReg(4, 2, p >>> 32);
                overflow = p != (int) p;
                break;
            }
            default: {
                lo = a * sb;
                long hi = Math.multiplyHigh(a, sb);
                s.gpr[0] = lo;
                s.gpr[2] = hi;
                overflow = hi != (lo >> 63);
            }
        }
        imulFlags(lo, size, overflow);
    }

    private void imulFlags(long lo, int size, boolean overflow) {
        long f = Alu.szp(lo & Alu.mask(size), size);
        if (overflow) {
            f |= CF | OF;
        }
        s.rflags = (s.rflags & ~Alu.STATUS) | f;
    }

    /** Two- and three-operand IMUL: the truncated signed product into Gv. */
    private void imulInto(long a, long b) {
        int size = x.in.opSize;
        x.setReg(size, x.in.reg, Alu.imul(s, a, b, size));
    }

    void imulImmediate() {
        imulInto(x.readRm(x.in.opSize), x.in.imm);
    }

    void imulRegister() {
        imulInto(x.reg(x.in.opSize, x.in.reg), x.readRm(x.in.opSize));
    }

    /** DIV: #DE for a zero divisor or a quotient that does not fit. All flags undefined (left). */
    private void div(int size, long d) {
        if (d == 0) {
            throw x.faultNoCode(Fault.DE);
        }
        switch (size) {
            case 1: {
                long n = x.reg(2, 0);
                long q = n / d;
                if (q > 0xFF) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(2, 0, ((n % d) << 8) | q);
                return;
            }
            case 2: {
                long n = (x.reg(2, 2) << 16) | x.reg(2, 0);
                long q = n / d;
                if (q > 0xFFFF) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(2, 0, q);
                x.setReg(2, 2, n % d);
                return;
            }
            case 4: {
                long n = (x.reg(4, 2) << 32) | x.reg(4, 0);
                long q = Long.divideUnsigned(n, d);
                if (q > 0xFFFF_FFFFL || q < 0) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(4, 0, q);
                x.setReg(4, 2, Long.remainderUnsigned(n, d));
                return;
            }
            default: {
                long hi = s.gpr[2];
                if (Long.compareUnsigned(hi, d) >= 0) {
                    throw x.faultNoCode(Fault.DE);
                }
                long q = Alu.divideUnsigned128(hi, s.gpr[0], d, remainder);
                s.gpr[0] = q;
                s.gpr[2] = remainder[0];
            }
        }
    }

    private void idiv(int size, long divisor) {
        long d = Alu.signExtend(divisor, size);
        if (d == 0) {
            throw x.faultNoCode(Fault.DE);
        }
        switch (size) {
            case 1: {
                long n = (short) x.reg(2, 0);
                long q = n / d;
                if (q != (byte) q) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(2, 0, (((n % d) & 0xFF) << 8) | (q & 0xFF));
                return;
            }
            case 2: {
                long n = (int) ((x.reg(2, 2) << 16) | x.reg(2, 0));
                long q = n / d;
                if (q != (short) q) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(2, 0, q);
                x.setReg(2, 2, n % d);
                return;
            }
            case 4: {
                long n = (x.reg(4, 2) << 32) | x.reg(4, 0);
                if (n == Long.MIN_VALUE && d == -1) {
                    throw x.faultNoCode(Fault.DE);
                }
                long q = n / d;
                if (q != (int) q) {
                    throw x.faultNoCode(Fault.DE);
                }
                x.setReg(4, 0, q);
                x.setReg(4, 2, n % d);
                return;
            }
            default: {
                long hi = s.gpr[2];
                long lo = s.gpr[0];
                boolean negN = hi < 0;
                // |n| as an unsigned 128-bit value.
                long ahi = hi;
                long alo = lo;
                if (negN) {
                    alo = -lo;
                    ahi = ~hi + (lo == 0 ? 1 : 0);
                }
                boolean negD = d < 0;
                long ad = negD ? -d : d;
                if (Long.compareUnsigned(ahi, ad) >= 0) {
                    throw x.faultNoCode(Fault.DE);
                }
                long q = Alu.divideUnsigned128(ahi, alo, ad, remainder);
                long r = remainder[0];
                boolean negQ = negN != negD;
                // The quotient must fit in a signed 64-bit value.
                if (negQ ? Long.compareUnsigned(q, Long.MIN_VALUE) > 0 : q < 0) {
                    throw x.faultNoCode(Fault.DE);
                }
                s.gpr[0] = negQ ? -q : q;
                s.gpr[2] = negN ? -r : r;
            }
        }
    }

    /** C0/C1/D0-D3: the shift and rotate group. */
    void shiftGroup2(int op) {
        int size = x.sizeOf(op);
        int count;
        if (op <= 0xC1) {
            count = (int) (x.in.imm & 0xFF);
        } else if (op <= 0xD1) {
            count = 1;
        } else {
            count = (int) (s.gpr[1] & 0xFF);
        }
        long a = x.readRm(size);
        long r = Alu.shift(s, x.in.reg & 7, a, count, size);
        x.writeRm(size, r);
    }

    void shld(boolean immediate) {
        doubleShift(true, immediate);
    }

    void shrd(boolean immediate) {
        doubleShift(false, immediate);
    }

    private void doubleShift(boolean left, boolean immediate) {
        int size = x.in.opSize;
        int count = immediate ? (int) (x.in.imm & 0xFF) : (int) (s.gpr[1] & 0xFF);
        long a = x.readRm(size);
        long r = Alu.doubleShift(s, left, a, x.reg(size, x.in.reg), count, size);
        x.writeRm(size, r);
    }

    /**
     * BT/BTS/BTR/BTC with a register bit offset. With a memory operand the offset is signed and
     * addresses beyond the operand (SDM Vol. 2A, BT: "bit base" addressing). CF = the old bit;
     * OF, SF, AF, PF are undefined and left unchanged; ZF is unaffected.
     */
    void bitTest(int kind, boolean unused) {
        int size = x.in.opSize;
        long offset = x.reg(size, x.in.reg);
        if (x.in.mod == 3) {
            int bit = (int) (offset & (Alu.bits(size) - 1));
            long v = x.reg(size, x.in.rm);
            bitOp(kind, size, v, bit, true, 0);
        } else {
            long sbit = Alu.signExtend(offset, size);
            long byteOffset = (sbit >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * size;
            int bit = (int) (sbit & (Alu.bits(size) - 1));
            long addr = x.ea + byteOffset;
            long v = x.readRmAt(size, addr);
            bitOp(kind, size, v, bit, false, addr);
        }
    }

    /** 0F BA: BT/BTS/BTR/BTC Ev, Ib. */
    void bitTestImmediate() {
        int kind = x.in.reg & 7;
        if (kind < 4) {
            throw x.ud();
        }
        int size = x.in.opSize;
        int bit = (int) (x.in.imm & (Alu.bits(size) - 1));
        long v = x.readRm(size);
        bitOp(kind - 4, size, v, bit, x.in.mod == 3, x.ea);
    }

    private void bitOp(int kind, int size, long v, int bit, boolean register, long addr) {
        long mask = 1L << bit;
        s.rflags = (s.rflags & ~CF) | ((v & mask) != 0 ? CF : 0);
        long r;
        switch (kind) {
            case 0: return;
            case 1: r = v | mask; break;
            case 2: r = v & ~mask; break;
            default: r = v ^ mask; break;
        }
        if (register) {
            x.setReg(size, x.in.rm, r);
        } else {
            x.write(x.in.segment(), addr & Alu.mask(x.in.addrSize), size, r);
        }
    }

    /** BSF, or TZCNT with F3 (CPUID.7:EBX.BMI1). */
    void bsfTzcnt() {
        int size = x.in.opSize;
        long v = x.readRm(size);
        if (tzcnt && (x.in.prefixes & Instruction.P_REP) != 0) {
            long r = v == 0 ? Alu.bits(size) : Long.numberOfTrailingZeros(v);
            x.setReg(size, x.in.reg, r);
            long f = (v == 0 ? CF : 0) | (r == 0 ? ZF : 0);
            s.rflags = (s.rflags & ~(CF | ZF)) | f;
            return;
        }
        if (v == 0) {
            // Destination unchanged (AMD documents this; Intel parts behave the same).
            s.rflags = (s.rflags & ~Alu.STATUS) | ZF;
            return;
        }
        x.setReg(size, x.in.reg, Long.numberOfTrailingZeros(v));
        s.rflags = s.rflags & ~Alu.STATUS;
    }

    /** BSR, or LZCNT with F3 (CPUID.80000001h:ECX.ABM). */
    void bsrLzcnt() {
        int size = x.in.opSize;
        long v = x.readRm(size);
        if (lzcnt && (x.in.prefixes & Instruction.P_REP) != 0) {
            long r = v == 0 ? Alu.bits(size) : Long.numberOfLeadingZeros(v) - (64 - Alu.bits(size));
            x.setReg(size, x.in.reg, r);
            long f = (v == 0 ? CF : 0) | (r == 0 ? ZF : 0);
            s.rflags = (s.rflags & ~(CF | ZF)) | f;
            return;
        }
        if (v == 0) {
            s.rflags = (s.rflags & ~Alu.STATUS) | ZF;
            return;
        }
        x.setReg(size, x.in.reg, 63 - Long.numberOfLeadingZeros(v));
        s.rflags = s.rflags & ~Alu.STATUS;
    }

    /** POPCNT (F3 0F B8): all status flags cleared except ZF = (source == 0). */
    void popcnt() {
        if ((x.in.prefixes & Instruction.P_REP) == 0) {
            throw x.ud(); // JMPE (IA-64) is not modeled
        }
        int size = x.in.opSize;
        long v = x.readRm(size);
        x.setReg(size, x.in.reg, Long.bitCount(v));
        s.rflags = (s.rflags & ~Alu.STATUS) | (v == 0 ? ZF : 0);
    }

    private static final int[] CRC32C = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F6_3B78 : c >>> 1;
            }
            CRC32C[i] = c;
        }
    }

    /**
     * CRC32 (F2 0F 38 F0/F1, SSE4.2): accumulates the CRC-32C (Castagnoli) of the source into the
     * 32-bit destination; flags are unaffected (SDM Vol. 2A, CRC32).
     */
    void crc32(int size) {
        long v = x.readRm(size);
        int crc = (int) s.gpr[x.in.reg];
        for (int i = 0; i < size; i++) {
            crc = (crc >>> 8) ^ CRC32C[(crc ^ (int) (v >>> (8 * i))) & 0xFF];
        }
        // The destination is 32 bits (64 with REX.W, upper half zeroed).
        s.gpr[x.in.reg] = crc & 0xFFFF_FFFFL;
    }

    /** BOUND (62): #BR when the index is outside the signed bounds at the memory operand. */
    void bound() {
        x.requireMemoryOperand();
        int size = x.in.opSize;
        long index = Alu.signExtend(x.reg(size, x.in.reg), size);
        long lower = Alu.signExtend(x.readRm(size), size);
        long upper = Alu.signExtend(x.readRmAt(size, x.ea + size), size);
        if (index < lower || index > upper) {
            throw x.faultNoCode(Fault.BR);
        }
    }

    // ---------------------------------------------------------------- BCD (SDM Vol. 2A DAA etc.)

    void daa() {
        long al = s.gpr[0] & 0xFF;
        long oldAl = al;
        boolean oldCf = (s.rflags & CF) != 0;
        long f = s.rflags & ~Alu.STATUS;
        if ((al & 0xF) > 9 || (s.rflags & AF) != 0) {
            al = (al + 6) & 0xFF;
            f |= AF;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al + 0x60) & 0xFF;
            f |= CF;
        }
        s.gpr[0] = (s.gpr[0] & ~0xFFL) | al;
        s.rflags = f | Alu.szp(al, 1);
    }

    void das() {
        long al = s.gpr[0] & 0xFF;
        long oldAl = al;
        boolean oldCf = (s.rflags & CF) != 0;
        long f = s.rflags & ~Alu.STATUS;
        if ((al & 0xF) > 9 || (s.rflags & AF) != 0) {
            f |= AF;
            if (al < 6 || oldCf) {
                f |= CF;
            }
            al = (al - 6) & 0xFF;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al - 0x60) & 0xFF;
            f |= CF;
        }
        s.gpr[0] = (s.gpr[0] & ~0xFFL) | al;
        s.rflags = f | Alu.szp(al, 1);
    }

    void aaa() {
        long ax = s.gpr[0] & 0xFFFF;
        long f = s.rflags & ~Alu.STATUS;
        if ((ax & 0xF) > 9 || (s.rflags & AF) != 0) {
            ax = (ax + 0x106) & 0xFFFF;
            f |= AF | CF;
        }
        ax &= 0xFF0F;
        s.gpr[0] = (s.gpr[0] & ~0xFFFFL) | ax;
        s.rflags = f | Alu.szp(ax & 0xFF, 1);
    }

    void aas() {
        long ax = s.gpr[0] & 0xFFFF;
        long f = s.rflags & ~Alu.STATUS;
        if ((ax & 0xF) > 9 || (s.rflags & AF) != 0) {
            long al = ((ax & 0xFF) - 6) & 0xFF;
            long ah = ((ax >>> 8) - 1) & 0xFF;
            ax = (ah << 8) | al;
            f |= AF | CF;
        }
        ax &= 0xFF0F;
        s.gpr[0] = (s.gpr[0] & ~0xFFFFL) | ax;
        s.rflags = f | Alu.szp(ax & 0xFF, 1);
    }

    void aam() {
        long base = x.in.imm & 0xFF;
        if (base == 0) {
            throw x.faultNoCode(Fault.DE);
        }
        long al = s.gpr[0] & 0xFF;
        long ah = al / base;
        al = al % base;
        s.gpr[0] = (s.gpr[0] & ~0xFFFFL) | (ah << 8) | al;
        s.rflags = (s.rflags & ~Alu.STATUS) | Alu.szp(al, 1);
    }

    void aad() {
        long base = x.in.imm & 0xFF;
        long al = s.gpr[0] & 0xFF;
        long ah = (s.gpr[0] >>> 8) & 0xFF;
        long r = (al + ah * base) & 0xFF;
        s.gpr[0] = (s.gpr[0] & ~0xFFFFL) | r;
        s.rflags = (s.rflags & ~Alu.STATUS) | Alu.szp(r, 1);
    }
}
