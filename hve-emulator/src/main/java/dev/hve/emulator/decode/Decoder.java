package dev.hve.emulator.decode;

/**
 * Decodes one instruction into an {@link Instruction}: prefixes, REX, opcode map, ModRM/SIB,
 * displacement and immediates, with the 15-byte limit (Intel SDM Vol. 2A chapter 2, AMD APM Vol. 3
 * chapter 1). Decoding does not look at registers or execute anything, so decoded instructions can
 * be cached and the decoder can be checked against binutils on its own.
 *
 * <p>A decoder instance is not thread-safe; each core owns one.
 */
public final class Decoder {

    /** Decoded successfully. */
    public static final int OK = 0;
    /** The encoding is undefined: the executor raises #UD. */
    public static final int INVALID_OPCODE = 1;
    /** The instruction would exceed 15 bytes: #GP(0) (SDM Vol. 2A §2.3.11). */
    public static final int TOO_LONG = 2;

    private static final int MAX_LENGTH = 15;

    /** Thrown internally when the 15-byte limit is crossed; preallocated, no stack trace. */
    private static final RuntimeException TOO_LONG_SIGNAL = new RuntimeException("instruction too long", null, false, false) {
    };

    private ByteSource source;
    private int position;
    /** Bytes known to be fetchable without faults, read directly (the common case). */
    private byte[] window;
    private int windowOffset;
    private int windowLength;

    /**
     * Decodes the instruction at the start of {@code source}.
     *
     * @param codeSize 2, 4 or 8 (8 = 64-bit mode)
     * @return {@link #OK}, {@link #INVALID_OPCODE} or {@link #TOO_LONG}; the length field is valid
     *         for {@code OK} and {@code INVALID_OPCODE} whenever the bytes could be consumed
     */
    public int decode(ByteSource source, int codeSize, Instruction out) {
        return decode(null, 0, 0, source, codeSize, out);
    }

    /**
     * Decodes with the first {@code windowLength} bytes taken from {@code window} at
     * {@code windowOffset} (bytes that are known to be fetchable), and any further bytes from
     * {@code source} (which may fault, for an instruction crossing a page or limit).
     */
    public int decode(byte[] window, int windowOffset, int windowLength, ByteSource source, int codeSize,
                      Instruction out) {
        this.window = window;
        this.windowOffset = windowOffset;
        this.windowLength = window == null ? 0 : windowLength;
        this.source = source;
        this.position = 0;
        try {
            return decodeInternal(codeSize, out);
        } catch (RuntimeException e) {
            if (e == TOO_LONG_SIGNAL) {
                out.length = MAX_LENGTH;
                return TOO_LONG;
            }
            throw e;
        } finally {
            this.source = null;
            this.window = null;
        }
    }

    private int next() {
        int p = position;
        if (p < windowLength) {
            position = p + 1;
            return window[windowOffset + p] & 0xFF;
        }
        if (p >= MAX_LENGTH) {
            throw TOO_LONG_SIGNAL;
        }
        position = p + 1;
        return source.fetch(p) & 0xFF;
    }

    private int decodeInternal(int codeSize, Instruction out) {
        boolean mode64 = codeSize == 8;
        int prefixes = 0;
        int lastRep = 0;
        int segment = -1;
        int rex = 0;
        int b;
        // Legacy prefixes in any order and number; a REX byte counts only when it comes last
        // (SDM Vol. 2A §2.2.1: a REX followed by a legacy prefix is ignored).
        while (true) {
            b = next();
            if (mode64 && (b & 0xF0) == 0x40) {
                rex = b;
                continue;
            }
            int seg;
            switch (b) {
                case 0x26: seg = 0; break;
                case 0x2E: seg = 1; break;
                case 0x36: seg = 2; break;
                case 0x3E: seg = 3; break;
                case 0x64: seg = 4; break;
                case 0x65: seg = 5; break;
                case 0x66: prefixes |= Instruction.P_OPSIZE; rex = 0; continue;
                case 0x67: prefixes |= Instruction.P_ADSIZE; rex = 0; continue;
                case 0xF0: prefixes |= Instruction.P_LOCK; rex = 0; continue;
                case 0xF2: prefixes |= Instruction.P_REPNE; lastRep = 0xF2; rex = 0; continue;
                case 0xF3: prefixes |= Instruction.P_REP; lastRep = 0xF3; rex = 0; continue;
                default: seg = -2; break;
            }
            if (seg == -2) {
                break;
            }
            // In 64-bit mode CS/SS/DS/ES overrides are ignored (APM Vol. 3 §1.2.4); FS/GS apply.
            if (!mode64 || seg >= 4) {
                segment = seg;
            }
            rex = 0;
        }
        if (rex != 0) {
            prefixes |= Instruction.P_REX;
        }
        out.prefixes = prefixes;
        out.lastRep = lastRep;
        out.segmentOverride = segment;
        out.rex = rex;
        out.codeSize = codeSize;
        out.hasModrm = false;
        out.mod = 0;
        out.reg = 0;
        out.rm = 0;
        out.base = -1;
        out.index = -1;
        out.scale = 0;
        out.disp = 0;
        out.ripRelative = false;
        out.defaultSegment = 3;
        out.imm = 0;
        out.imm2 = 0;

        int opcode = b;
        int attr;
        boolean invalid = false;
        if (b == 0x0F) {
            int b2 = next();
            if (b2 == 0x38) {
                opcode = Instruction.MAP_0F38 | next();
                attr = OpcodeTable.MODRM;
            } else if (b2 == 0x3A) {
                opcode = Instruction.MAP_0F3A | next();
                attr = OpcodeTable.MODRM | OpcodeTable.IB;
            } else {
                opcode = Instruction.MAP_0F | b2;
                attr = OpcodeTable.ATTR[opcode];
            }
        } else {
            attr = OpcodeTable.ATTR[b];
        }
        out.opcode = opcode;

        if ((attr & OpcodeTable.UD) != 0) {
            invalid = true;
        }
        if (mode64 && (attr & OpcodeTable.INV64) != 0) {
            invalid = true;
        }

        // Operand size (SDM Vol. 2A §2.2.1.2 and table 3-4).
        int opSize;
        boolean opsize66 = (prefixes & Instruction.P_OPSIZE) != 0;
        if (mode64) {
            if ((rex & 8) != 0 || (attr & OpcodeTable.F64) != 0) {
                opSize = 8;
            } else if ((attr & OpcodeTable.D64) != 0) {
                opSize = opsize66 ? 2 : 8;
            } else {
                opSize = opsize66 ? 2 : 4;
            }
        } else {
            opSize = (codeSize == 4) != opsize66 ? 4 : 2;
        }
        out.opSize = opSize;
        boolean adsize67 = (prefixes & Instruction.P_ADSIZE) != 0;
        int addrSize = mode64 ? (adsize67 ? 4 : 8) : ((codeSize == 4) != adsize67 ? 4 : 2);
        out.addrSize = addrSize;

        if ((attr & OpcodeTable.MODRM) != 0) {
            int modrm = next();
            int mod = modrm >>> 6;
            // VEX (C4/C5) and EVEX (62) reuse LES/LDS/BOUND encodings with mod == 3 outside
            // 64-bit mode; AVX and AVX-512 are not modeled, so those are undefined.
            if ((b == 0xC4 || b == 0xC5 || b == 0x62) && opcode == b && mod == 3) {
                invalid = true;
            }
            // XOP (AMD) reuses 8F with reg != 0; not modeled.
            if (opcode == 0x8F && ((modrm >>> 3) & 7) != 0) {
                invalid = true;
            }
            // MOV to/from control and debug registers always use a register operand: mod is
            // ignored and no SIB or displacement follows (SDM Vol. 2B, MOV CR/DR).
            if (opcode >= (Instruction.MAP_0F | 0x20) && opcode <= (Instruction.MAP_0F | 0x23)) {
                modrm |= 0xC0;
            }
            decodeModrm(modrm, rex, addrSize, mode64, out);
            // FF /2 and /4 (near CALL/JMP indirect) are forced to 64 bits in 64-bit mode and FF /6
            // (PUSH) defaults to 64 bits: the group's operand size depends on ModRM.reg.
            if (mode64 && opcode == 0xFF && (rex & 8) == 0) {
                int r = (modrm >>> 3) & 7;
                if (r == 2 || r == 4) {
                    out.opSize = 8;
                } else if (r == 6) {
                    out.opSize = opsize66 ? 2 : 8;
                }
            }
        }

        if ((attr & OpcodeTable.GRP3) != 0) {
            if ((out.reg & 7) < 2) {
                attr |= (b == 0xF6) ? OpcodeTable.IB : OpcodeTable.IZ;
            }
        }
        if ((attr & OpcodeTable.MOFFS) != 0) {
            out.disp = readUnsigned(addrSize);
        }
        if ((attr & OpcodeTable.FAR) != 0) {
            out.imm = readUnsigned(opSize == 2 ? 2 : 4);
            out.imm2 = readUnsigned(2);
        }
        if ((attr & OpcodeTable.IW) != 0) {
            out.imm = readUnsigned(2);
            if ((attr & OpcodeTable.IB) != 0) { // ENTER Iw, Ib
                out.imm2 = next();
                attr &= ~OpcodeTable.IB;
            }
        }
        if ((attr & OpcodeTable.IZ) != 0) {
            out.imm = opSize == 2 ? (short) readUnsigned(2) : (int) readUnsigned(4);
        } else if ((attr & OpcodeTable.IV) != 0) {
            out.imm = opSize == 2 ? readUnsigned(2) : opSize == 4 ? readUnsigned(4) : readUnsigned(8);
        } else if ((attr & OpcodeTable.IB) != 0) {
            out.imm = (byte) next();
        }

        if ((prefixes & Instruction.P_LOCK) != 0 && !lockAllowed(out)) {
            invalid = true;
        }
        out.length = position;
        return invalid ? INVALID_OPCODE : OK;
    }

    private void decodeModrm(int modrm, int rex, int addrSize, boolean mode64, Instruction out) {
        int mod = modrm >>> 6;
        int reg = ((modrm >>> 3) & 7) | ((rex & 4) << 1);
        int rm = modrm & 7;
        out.hasModrm = true;
        out.mod = mod;
        out.reg = reg;
        if (mod == 3) {
            out.rm = rm | ((rex & 1) << 3);
            return;
        }
        out.rm = rm;
        if (addrSize == 2) {
            // 16-bit addressing forms (SDM Vol. 2A table 2-1).
            switch (rm) {
                case 0: out.base = 3; out.index = 6; break;  // BX+SI
                case 1: out.base = 3; out.index = 7; break;  // BX+DI
                case 2: out.base = 5; out.index = 6; out.defaultSegment = 2; break; // BP+SI
                case 3: out.base = 5; out.index = 7; out.defaultSegment = 2; break; // BP+DI
                case 4: out.base = 6; break;                 // SI
                case 5: out.base = 7; break;                 // DI
                case 6:
                    if (mod == 0) {
                        out.disp = readUnsigned(2);
                        return;
                    }
                    out.base = 5;
                    out.defaultSegment = 2;
                    break;
                default: out.base = 3; break;                // BX
            }
            if (mod == 1) {
                out.disp = (byte) next();
            } else if (mod == 2) {
                out.disp = (short) readUnsigned(2);
            }
            return;
        }
        // 32/64-bit addressing forms (SDM Vol. 2A tables 2-2 and 2-3).
        if (rm == 4) {
            int sib = next();
            int scale = sib >>> 6;
            int index = ((sib >>> 3) & 7) | ((rex & 2) << 2);
            int base = (sib & 7) | ((rex & 1) << 3);
            out.scale = scale;
            out.index = index == 4 ? -1 : index;
            if ((sib & 7) == 5 && mod == 0) {
                out.disp = (int) readUnsigned(4);
                return;
            }
            out.base = base;
            if ((base & 7) == 4 || (base & 7) == 5) {
                out.defaultSegment = 2; // ESP/EBP-based: SS
            }
        } else if (rm == 5 && mod == 0) {
            out.disp = (int) readUnsigned(4);
            out.ripRelative = mode64;
            return;
        } else {
            int base = rm | ((rex & 1) << 3);
            out.base = base;
            if (rm == 5) {
                out.defaultSegment = 2;
            }
        }
        if (mod == 1) {
            out.disp = (byte) next();
        } else if (mod == 2) {
            out.disp = (int) readUnsigned(4);
        }
    }

    private long readUnsigned(int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) next() << (8 * i);
        }
        return value;
    }

    /**
     * LOCK is valid only on the read-modify-write forms with a memory destination (SDM Vol. 2A,
     * LOCK); anything else is #UD.
     */
    private static boolean lockAllowed(Instruction in) {
        if (!in.hasModrm || in.mod == 3) {
            return false;
        }
        int op = in.opcode;
        int reg = in.reg & 7;
        if (op < 0x40) {
            int low = op & 7;
            return low <= 1 && (op & 0x38) != 0x38;
        }
        switch (op) {
            case 0x80: case 0x81: case 0x82: case 0x83:
                return reg != 7;
            case 0x86: case 0x87:
                return true;
            case 0xF6: case 0xF7:
                return reg == 2 || reg == 3;
            case 0xFE:
                return reg <= 1;
            case 0xFF:
                return reg <= 1;
            case Instruction.MAP_0F | 0xAB: case Instruction.MAP_0F | 0xB3: case Instruction.MAP_0F | 0xBB:
            case Instruction.MAP_0F | 0xB0: case Instruction.MAP_0F | 0xB1:
            case Instruction.MAP_0F | 0xC0: case Instruction.MAP_0F | 0xC1:
                return true;
            case Instruction.MAP_0F | 0xBA:
                return reg >= 5;
            case Instruction.MAP_0F | 0xC7:
                return reg == 1;
            default:
                return false;
        }
    }
}
