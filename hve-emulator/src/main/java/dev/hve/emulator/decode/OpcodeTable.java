package dev.hve.emulator.decode;

/**
 * Static per-opcode attributes that decide an instruction's length and its mode restrictions:
 * whether a ModRM byte follows, which immediates follow, and which opcodes are invalid in 64-bit
 * mode or take a 64-bit default operand size there. Sources: Intel SDM Vol. 2D appendix A
 * (opcode maps) and AMD APM Vol. 3 appendix A.
 */
public final class OpcodeTable {

    public static final int MODRM = 1;
    /** An 8-bit immediate. */
    public static final int IB = 2;
    /** A 16-bit immediate. */
    public static final int IW = 4;
    /** An immediate of the operand size, at most 32 bits (Iz). */
    public static final int IZ = 8;
    /** An immediate of the full operand size, 64 bits with REX.W (Iv, MOV r, imm only). */
    public static final int IV = 16;
    /** A memory offset of the address size (MOV AL/rAX, moffs). */
    public static final int MOFFS = 32;
    /** A far pointer: offset of the operand size (at most 32 bits) then a 16-bit selector. */
    public static final int FAR = 64;
    /** Invalid in 64-bit mode (#UD). */
    public static final int INV64 = 128;
    /** Default operand size 64 in 64-bit mode (stack and some other operations). */
    public static final int D64 = 256;
    /** Operand size forced to 64 in 64-bit mode (near branches; Intel ignores 66h there). */
    public static final int F64 = 512;
    /** Undefined opcode: #UD wherever it appears. */
    public static final int UD = 1024;
    /** F6/F7: the immediate is present only for ModRM.reg 0 and 1 (TEST). */
    public static final int GRP3 = 2048;

    /** Attributes for the 1-byte map (index 0..255) and the 0F map (256..511). */
    static final int[] ATTR = new int[512];

    static {
        int[] a = ATTR;
        // ALU block 00-3F: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz.
        for (int op = 0; op < 0x40; op += 8) {
            a[op] = a[op + 1] = a[op + 2] = a[op + 3] = MODRM;
            a[op + 4] = IB;
            a[op + 5] = IZ;
        }
        a[0x06] = a[0x07] = a[0x0E] = a[0x16] = a[0x17] = a[0x1E] = a[0x1F] = INV64;
        a[0x27] = a[0x2F] = a[0x37] = a[0x3F] = INV64;
        for (int op = 0x50; op <= 0x5F; op++) {
            a[op] = D64;
        }
        a[0x60] = a[0x61] = INV64;
        a[0x62] = MODRM | INV64;
        a[0x63] = MODRM;
        a[0x68] = IZ | D64;
        a[0x69] = MODRM | IZ;
        a[0x6A] = IB | D64;
        a[0x6B] = MODRM | IB;
        for (int op = 0x70; op <= 0x7F; op++) {
            a[op] = IB | F64;
        }
        a[0x80] = MODRM | IB;
        a[0x81] = MODRM | IZ;
        a[0x82] = MODRM | IB | INV64;
        a[0x83] = MODRM | IB;
        for (int op = 0x84; op <= 0x8E; op++) {
            a[op] = MODRM;
        }
        a[0x8F] = MODRM | D64;
        a[0x9A] = FAR | INV64;
        a[0x9C] = a[0x9D] = D64;
        a[0xA0] = a[0xA1] = a[0xA2] = a[0xA3] = MOFFS;
        a[0xA8] = IB;
        a[0xA9] = IZ;
        for (int op = 0xB0; op <= 0xB7; op++) {
            a[op] = IB;
        }
        for (int op = 0xB8; op <= 0xBF; op++) {
            a[op] = IV;
        }
        a[0xC0] = a[0xC1] = MODRM | IB;
        a[0xC2] = IW | F64;
        a[0xC3] = F64;
        a[0xC4] = a[0xC5] = MODRM | INV64; // LES/LDS; VEX in 64-bit mode or with mod == 3
        a[0xC6] = MODRM | IB;
        a[0xC7] = MODRM | IZ;
        a[0xC8] = IW | IB | D64;
        a[0xC9] = D64;
        a[0xCA] = IW;
        a[0xCD] = IB;
        a[0xCE] = INV64;
        a[0xD0] = a[0xD1] = a[0xD2] = a[0xD3] = MODRM;
        a[0xD4] = a[0xD5] = IB | INV64;
        a[0xD6] = UD; // SALC is not architectural
        for (int op = 0xD8; op <= 0xDF; op++) {
            a[op] = MODRM;
        }
        a[0xE0] = a[0xE1] = a[0xE2] = a[0xE3] = IB | F64;
        a[0xE4] = a[0xE5] = a[0xE6] = a[0xE7] = IB;
        a[0xE8] = a[0xE9] = IZ | F64;
        a[0xEA] = FAR | INV64;
        a[0xEB] = IB | F64;
        a[0xF6] = MODRM | GRP3;
        a[0xF7] = MODRM | GRP3;
        a[0xFE] = a[0xFF] = MODRM;

        // The 0F map.
        int t = 0x100;
        a[t + 0x00] = a[t + 0x01] = a[t + 0x02] = a[t + 0x03] = MODRM;
        a[t + 0x04] = a[t + 0x0A] = a[t + 0x0C] = UD;
        a[t + 0x0D] = MODRM;
        a[t + 0x0E] = UD; // FEMMS (3DNow!) is not modeled
        a[t + 0x0F] = UD; // 3DNow! is not modeled
        for (int op = 0x10; op <= 0x1F; op++) {
            a[t + op] = MODRM;
        }
        a[t + 0x20] = a[t + 0x21] = a[t + 0x22] = a[t + 0x23] = MODRM;
        a[t + 0x24] = a[t + 0x25] = a[t + 0x26] = a[t + 0x27] = UD;
        for (int op = 0x28; op <= 0x2F; op++) {
            a[t + op] = MODRM;
        }
        a[t + 0x36] = UD;
        a[t + 0x38] = a[t + 0x3A] = 0; // escapes to the three-byte maps, handled by the decoder
        a[t + 0x39] = a[t + 0x3B] = a[t + 0x3C] = a[t + 0x3D] = a[t + 0x3E] = a[t + 0x3F] = UD;
        for (int op = 0x40; op <= 0x7F; op++) {
            a[t + op] = MODRM;
        }
        a[t + 0x70] = a[t + 0x71] = a[t + 0x72] = a[t + 0x73] = MODRM | IB;
        a[t + 0x77] = 0; // EMMS
        a[t + 0x7A] = a[t + 0x7B] = UD;
        for (int op = 0x80; op <= 0x8F; op++) {
            a[t + op] = IZ | F64;
        }
        for (int op = 0x90; op <= 0x9F; op++) {
            a[t + op] = MODRM;
        }
        a[t + 0xA0] = a[t + 0xA1] = a[t + 0xA8] = a[t + 0xA9] = D64;
        a[t + 0xA3] = a[t + 0xA5] = a[t + 0xAB] = a[t + 0xAD] = a[t + 0xAE] = a[t + 0xAF] = MODRM;
        a[t + 0xA4] = a[t + 0xAC] = MODRM | IB;
        a[t + 0xA6] = a[t + 0xA7] = UD;
        for (int op = 0xB0; op <= 0xBF; op++) {
            a[t + op] = MODRM;
        }
        a[t + 0xBA] = MODRM | IB;
        a[t + 0xC0] = a[t + 0xC1] = a[t + 0xC3] = a[t + 0xC7] = MODRM;
        a[t + 0xC2] = a[t + 0xC4] = a[t + 0xC5] = a[t + 0xC6] = MODRM | IB;
        for (int op = 0xD0; op <= 0xFF; op++) {
            a[t + op] = MODRM;
        }
    }

    private OpcodeTable() {
    }

    /** Attributes of a 1-byte (map 0) or 0F-map opcode. */
    public static int attributes(int opcode) {
        return ATTR[opcode];
    }
}
