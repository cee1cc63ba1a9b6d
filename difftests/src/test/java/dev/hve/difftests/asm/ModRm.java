package dev.hve.difftests.asm;

import java.io.ByteArrayOutputStream;

/**
 * Encodes the ModRM byte, SIB byte and displacement of an r/m operand, and tells which REX bits it
 * needs. Follows Intel SDM Vol. 2A §2.1.5 tables 2-1 (16-bit), 2-2 (32-bit) and 2-3 (SIB), and
 * §2.2.1 for REX. The register field is passed in already (a GPR, a CR number or a /digit).
 */
final class ModRm {

    private ModRm() {
    }

    /** REX.X and REX.B bits (0x02, 0x01) the operand needs. */
    static int rexBits(Operand rm) {
        if (rm instanceof Gpr g) {
            return g.extended() ? 1 : 0;
        }
        Mem m = (Mem) rm;
        int bits = 0;
        if (m.base() >= 8) {
            bits |= 1;
        }
        if (m.index() >= 8) {
            bits |= 2;
        }
        return bits;
    }

    static void encode(Mode mode, int regField, Operand rm, ByteArrayOutputStream out) {
        int reg = regField & 7;
        if (rm instanceof Gpr g) {
            out.write(0xC0 | reg << 3 | g.index() & 7);
            return;
        }
        Mem m = (Mem) rm;
        if (mode == Mode.BITS16) {
            encode16(reg, m, out);
        } else {
            encode32(mode, reg, m, out);
        }
    }

    private static void encode16(int reg, Mem m, ByteArrayOutputStream out) {
        if (m.scale() != 1) {
            throw new IllegalArgumentException("16-bit addressing has no scale: " + m);
        }
        int disp = (int) m.disp();
        if (m.base() == Mem.NONE && m.index() == Mem.NONE) {
            out.write(reg << 3 | 6);
            le(out, disp, 2);
            return;
        }
        int rm = rm16(m.base(), m.index());
        boolean bpOnly = rm == 6;
        int mod = disp == 0 && !bpOnly ? 0 : fitsByte(disp) ? 1 : 2;
        out.write(mod << 6 | reg << 3 | rm);
        if (mod == 1) {
            out.write(disp);
        } else if (mod == 2) {
            le(out, disp, 2);
        }
    }

    private static int rm16(int base, int index) {
        if (base == Gpr.BX && index == Gpr.SI) return 0;
        if (base == Gpr.BX && index == Gpr.DI) return 1;
        if (base == Gpr.BP && index == Gpr.SI) return 2;
        if (base == Gpr.BP && index == Gpr.DI) return 3;
        if (base == Mem.NONE && index == Gpr.SI) return 4;
        if (base == Mem.NONE && index == Gpr.DI) return 5;
        if (base == Gpr.BP && index == Mem.NONE) return 6;
        if (base == Gpr.BX && index == Mem.NONE) return 7;
        throw new IllegalArgumentException("no 16-bit form for base " + base + " index " + index);
    }

    private static void encode32(Mode mode, int reg, Mem m, ByteArrayOutputStream out) {
        long d = m.disp();
        if (d != (int) d) {
            throw new IllegalArgumentException("displacement beyond 32 bits: " + d);
        }
        int disp = (int) d;
        if (m.base() == Mem.NONE) {
            if (m.index() == Mem.NONE && mode == Mode.BITS32) {
                // mod=00 rm=101 is [disp32] in 32-bit mode (RIP-relative in 64-bit mode).
                out.write(reg << 3 | 5);
            } else {
                // SIB with base=101 and mod=00: no base, disp32; index=100 means no index.
                out.write(reg << 3 | 4);
                out.write(scaleBits(m.scale()) << 6 | indexBits(m.index()) << 3 | 5);
            }
            le(out, disp, 4);
            return;
        }
        int base = m.base() & 7;
        // rBP/r13 as a base cannot use mod=00 (that slot means disp32 / RIP-relative).
        int mod = disp == 0 && base != Gpr.BP ? 0 : fitsByte(disp) ? 1 : 2;
        if (m.index() == Mem.NONE && base != Gpr.SP) {
            out.write(mod << 6 | reg << 3 | base);
        } else {
            // rSP/r12 as a base is only reachable through a SIB byte.
            out.write(mod << 6 | reg << 3 | 4);
            out.write(scaleBits(m.scale()) << 6 | indexBits(m.index()) << 3 | base);
        }
        if (mod == 1) {
            out.write(disp);
        } else if (mod == 2) {
            le(out, disp, 4);
        }
    }

    private static int indexBits(int index) {
        return index == Mem.NONE ? 4 : index & 7;
    }

    private static int scaleBits(int scale) {
        return Integer.numberOfTrailingZeros(scale);
    }

    static boolean fitsByte(long value) {
        return value >= -128 && value <= 127;
    }

    static void le(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
