package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.LDTR;
import static dev.hve.emulator.cpu.CpuState.SS;

import dev.hve.emulator.cpu.CpuState;

/**
 * Segment-descriptor handling: reading descriptors from the GDT/LDT, the protection checks of
 * segment-register loads (Intel SDM Vol. 3A §5.5-§5.8 and the MOV/POP/LDS pages of Vol. 2), and
 * filling the hidden descriptor caches. In real mode a load sets only selector and base, so a
 * limit loaded in protected mode survives (unreal / big-real mode).
 */
public final class Segments {

    /** Descriptor attribute bits as kept in CpuState (descriptor bits 40..55 shifted down by 40). */
    static final int A_ACCESSED = 1;
    static final int A_S = 1 << 4;
    static final int A_P = 1 << 7;
    static final int A_L = 1 << 13;
    static final int A_DB = 1 << 14;
    static final int A_G = 1 << 15;

    private final Interpreter x;
    private final CpuState s;

    Segments(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    // ---------------------------------------------------------------- descriptor fields

    public static long base(long desc) {
        return ((desc >>> 16) & 0xFF_FFFFL) | (((desc >>> 56) & 0xFF) << 24);
    }

    /** Byte-granular limit, with the G bit applied. */
    public static int limit(long desc) {
        int raw = (int) ((desc & 0xFFFF) | ((desc >>> 32) & 0xF_0000));
        if ((desc & (1L << 55)) != 0) {
            return (raw << 12) | 0xFFF;
        }
        return raw;
    }

    public static int attributes(long desc) {
        return (int) ((desc >>> 40) & 0xF0FF);
    }

    static int dpl(long desc) {
        return (int) ((desc >>> 45) & 3);
    }

    static boolean present(long desc) {
        return (desc & (1L << 47)) != 0;
    }

    /** S = 1: a code or data segment (not a system descriptor). */
    static boolean codeOrData(long desc) {
        return (desc & (1L << 44)) != 0;
    }

    static int type(long desc) {
        return (int) ((desc >>> 40) & 0xF);
    }

    static boolean isCode(long desc) {
        return codeOrData(desc) && (type(desc) & 8) != 0;
    }

    // ---------------------------------------------------------------- tables

    /**
     * The linear address of the descriptor {@code selector} names, checking the table limit
     * (#GP(selector) when it lies outside, SDM Vol. 3A §5.3).
     */
    long descriptorAddress(int selector, int bytes) {
        int index = selector & 0xFFF8;
        long tableBase;
        long tableLimit;
        if ((selector & 4) != 0) {
            if ((s.segmentAttributes[LDTR] & CpuState.SEGMENT_UNUSABLE) != 0 || (s.segmentSelector[LDTR] & 0xFFFC) == 0) {
                throw x.gp(selector & 0xFFFC);
            }
            tableBase = s.segmentBase[LDTR];
            tableLimit = s.segmentLimit[LDTR] & 0xFFFF_FFFFL;
        } else {
            tableBase = s.gdtrBase;
            tableLimit = s.gdtrLimit & 0xFFFF;
        }
        if (index + bytes - 1 > tableLimit) {
            throw x.gp(selector & 0xFFFC);
        }
        long lin = tableBase + index;
        return s.longModeActive() ? lin : lin & 0xFFFF_FFFFL;
    }

    long readDescriptor(int selector) {
        return x.readSystem(descriptorAddress(selector, 8), 8);
    }

    /** The upper 8 bytes of a 16-byte system descriptor in IA-32e mode. */
    long readDescriptorHigh(int selector) {
        return x.readSystem(descriptorAddress(selector, 16) + 8, 8);
    }

    /** Sets the descriptor's accessed bit in memory if it is clear, as the processor does on a load. */
    void markAccessed(int selector, long desc) {
        if ((desc & (1L << 40)) == 0) {
            long addr = descriptorAddress(selector, 8);
            x.writeSystem(addr + 5, 1, ((desc >>> 40) & 0xFF) | 1);
        }
    }

    /** Loads the hidden cache from a descriptor. */
    public void setCache(int seg, int selector, long desc) {
        s.segmentSelector[seg] = selector & 0xFFFF;
        s.segmentBase[seg] = base(desc);
        s.segmentLimit[seg] = limit(desc);
        s.segmentAttributes[seg] = attributes(desc) | A_ACCESSED;
    }

    /** A null selector in DS/ES/FS/GS (or SS in 64-bit mode): usable for nothing. */
    void loadNull(int seg, int selector) {
        s.segmentSelector[seg] = selector & 0xFFFF;
        s.segmentBase[seg] = 0;
        s.segmentLimit[seg] = 0;
        s.segmentAttributes[seg] = CpuState.SEGMENT_UNUSABLE;
    }

    // ---------------------------------------------------------------- loads

    /** MOV/POP/LxS to DS, ES, FS, GS or SS, with the checks of the MOV page (SDM Vol. 2B). */
    public void loadDataSegment(int seg, int selector) {
        selector &= 0xFFFF;
        if (!s.protectedMode() || s.virtual8086()) {
            // Only selector and base change; the cached limit and attributes survive (unreal mode).
            s.segmentSelector[seg] = selector;
            s.segmentBase[seg] = (long) selector << 4;
            if (s.virtual8086()) {
                s.segmentLimit[seg] = 0xFFFF;
                s.segmentAttributes[seg] = 0xF3;
            }
            return;
        }
        int cpl = s.cpl;
        int rpl = selector & 3;
        if ((selector & 0xFFFC) == 0) {
            if (seg == SS) {
                // 64-bit mode allows a null SS at CPL < 3 when RPL = CPL (SDM Vol. 2B, MOV).
                if (!s.mode64() || cpl == 3 || rpl != cpl) {
                    throw x.gp(0);
                }
            }
            loadNull(seg, selector);
            return;
        }
        long desc = readDescriptor(selector);
        int dpl = dpl(desc);
        if (seg == SS) {
            if (rpl != cpl || dpl != cpl || !codeOrData(desc) || (type(desc) & 0xA) != 2) {
                throw x.gp(selector & 0xFFFC);
            }
            if (!present(desc)) {
                throw x.fault(Fault.SS, selector & 0xFFFC);
            }
        } else {
            int type = type(desc);
            boolean readable = codeOrData(desc) && ((type & 8) == 0 || (type & 2) != 0);
            if (!readable) {
                throw x.gp(selector & 0xFFFC);
            }
            boolean conformingCode = (type & 0xC) == 0xC;
            if (!conformingCode && (rpl > dpl || cpl > dpl)) {
                throw x.gp(selector & 0xFFFC);
            }
            if (!present(desc)) {
                throw x.fault(Fault.NP, selector & 0xFFFC);
            }
        }
        markAccessed(selector, desc);
        setCache(seg, selector, desc);
    }

    /** Loads CS for a far transfer whose checks the caller made; CPL becomes {@code newCpl}. */
    public void loadCode(int selector, long desc, int newCpl) {
        markAccessed(selector, desc);
        setCache(CS, (selector & 0xFFFC) | newCpl, desc);
        s.cpl = newCpl;
    }

    /** CS in real mode or virtual-8086 mode: base = selector * 16, CPL 0 or 3. */
    void loadRealModeCode(int selector) {
        s.segmentSelector[CS] = selector & 0xFFFF;
        s.segmentBase[CS] = (long) (selector & 0xFFFF) << 4;
        if (s.virtual8086()) {
            s.segmentAttributes[CS] = 0xF3;
            s.segmentLimit[CS] = 0xFFFF;
            s.cpl = 3;
        }
    }

    /**
     * Checks a code-segment descriptor as the target of a far JMP/CALL/RET or an interrupt
     * (SDM Vol. 3A §5.8.1): returns normally or raises #GP/#NP(selector).
     */
    void checkCodeTarget(int selector, long desc) {
        if (!isCode(desc)) {
            throw x.gp(selector & 0xFFFC);
        }
        if (s.longModeActive() && (desc & (1L << 53)) != 0 && (desc & (1L << 54)) != 0) {
            throw x.gp(selector & 0xFFFC); // L and D both set is reserved
        }
        if (!present(desc)) {
            throw x.fault(Fault.NP, selector & 0xFFFC);
        }
    }

    /**
     * After a privilege-level change to an outer level, data segment registers the new CPL may
     * not use are nulled (SDM Vol. 2A, RET/IRET: "for each of ES, FS, GS, DS").
     */
    void nullInaccessibleDataSegments() {
        for (int seg = 0; seg <= 5; seg++) {
            if (seg == CS || seg == SS) {
                continue;
            }
            int attr = s.segmentAttributes[seg];
            if ((attr & CpuState.SEGMENT_UNUSABLE) != 0) {
                continue;
            }
            int type = attr & 0xF;
            boolean dataOrNonConforming = (type & 8) == 0 || (type & 4) == 0;
            int dpl = (attr >>> 5) & 3;
            if (dataOrNonConforming && dpl < s.cpl) {
                loadNull(seg, 0);
            }
        }
    }
}
