package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.LDTR;
import static dev.hve.emulator.cpu.CpuState.TR;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;

/**
 * The descriptor-table instructions: SLDT, STR, LLDT, LTR, VERR, VERW (0F 00), LAR and LSL, and the
 * SGDT/SIDT/LGDT/LIDT forms of 0F 01 (SDM Vol. 2 per-instruction pages, Vol. 3A §3.5 and §8.2.4).
 */
final class DescriptorTables {

    private final Interpreter x;
    private final CpuState s;

    DescriptorTables(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    private boolean legacyOrV86() {
        return !s.protectedMode() || s.virtual8086();
    }

    /** 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW. */
    void group6() {
        if (legacyOrV86()) {
            throw x.ud();
        }
        switch (x.in.reg & 7) {
            case 0:
                intercept(GuestControls.DESCRIPTOR_SLDT);
                storeSelector(s.segmentSelector[LDTR]);
                return;
            case 1:
                intercept(GuestControls.DESCRIPTOR_STR);
                storeSelector(s.segmentSelector[TR]);
                return;
            case 2: lldt(); return;
            case 3: ltr(); return;
            case 4: verify((int) x.readRm(2), false); return;
            case 5: verify((int) x.readRm(2), true); return;
            default: throw x.ud();
        }
    }

    private void storeSelector(int selector) {
        if (x.in.mod == 3) {
            x.setReg(x.in.opSize, x.in.rm, selector);
        } else {
            x.writeRm(2, selector);
        }
    }

    /** Descriptor-table exiting (VT-x) or intercepts (SVM): after the privilege checks, before the operand. */
    private void intercept(int instruction) {
        if (x.controls.descriptorTableAccess(instruction, x.in.length)) {
            throw ExitSignal.INSTANCE;
        }
    }

    private void lldt() {
        x.requireCpl0();
        intercept(GuestControls.DESCRIPTOR_LLDT);
        int selector = (int) x.readRm(2);
        if ((selector & 0xFFFC) == 0) {
            x.segments.loadNull(LDTR, selector);
            return;
        }
        if ((selector & 4) != 0) {
            throw x.gp(selector & 0xFFFC);
        }
        long desc = x.segments.readDescriptor(selector);
        if (Segments.codeOrData(desc) || Segments.type(desc) != 2) {
            throw x.gp(selector & 0xFFFC);
        }
        if (!Segments.present(desc)) {
            throw x.fault(Fault.NP, selector & 0xFFFC);
        }
        long high = s.longModeActive() ? x.segments.readDescriptorHigh(selector) : 0;
        x.segments.setCache(LDTR, selector, desc);
        s.segmentAttributes[LDTR] &= ~Segments.A_ACCESSED;
        s.segmentBase[LDTR] |= high << 32;
    }

    private void ltr() {
        x.requireCpl0();
        intercept(GuestControls.DESCRIPTOR_LTR);
        int selector = (int) x.readRm(2);
        if ((selector & 0xFFFC) == 0 || (selector & 4) != 0) {
            throw x.gp(selector & 0xFFFC);
        }
        long desc = x.segments.readDescriptor(selector);
        int type = Segments.type(desc);
        boolean ok = !Segments.codeOrData(desc) && (type == 9 || (type == 1 && !s.longModeActive()));
        if (!ok) {
            throw x.gp(selector & 0xFFFC);
        }
        if (!Segments.present(desc)) {
            throw x.fault(Fault.NP, selector & 0xFFFC);
        }
        long high = s.longModeActive() ? x.segments.readDescriptorHigh(selector) : 0;
        long busy = desc | (2L << 40);
        x.writeSystem(x.segments.descriptorAddress(selector, 8) + 5, 1, (busy >>> 40) & 0xFF);
        s.segmentSelector[TR] = selector;
        s.segmentBase[TR] = Segments.base(desc) | (high << 32);
        s.segmentLimit[TR] = Segments.limit(desc);
        s.segmentAttributes[TR] = Segments.attributes(busy);
    }

    private void verify(int selector, boolean write) {
        boolean ok = false;
        if ((selector & 0xFFFC) != 0) {
            try {
                long desc = x.segments.readDescriptor(selector);
                if (Segments.codeOrData(desc)) {
                    int type = Segments.type(desc);
                    boolean conformingCode = (type & 0xC) == 0xC;
                    int dpl = Segments.dpl(desc);
                    boolean privOk = conformingCode || (dpl >= s.cpl && dpl >= (selector & 3));
                    boolean typeOk = write ? (type & 0xA) == 2 : ((type & 8) == 0 || (type & 2) != 0);
                    ok = privOk && typeOk;
                }
            } catch (Fault f) {
                if (f.vector != Fault.GP) {
                    throw f;
                }
            }
        }
        s.rflags = ok ? s.rflags | CpuState.ZF : s.rflags & ~CpuState.ZF;
    }

    /** LAR (0F 02) / LSL (0F 03): ZF reports whether the descriptor is visible at CPL/RPL. */
    void larLsl(boolean lar) {
        if (legacyOrV86()) {
            throw x.ud();
        }
        int selector = (int) x.readRm(2);
        boolean ok = false;
        long desc = 0;
        if ((selector & 0xFFFC) != 0) {
            try {
                desc = x.segments.readDescriptor(selector);
                int type = Segments.type(desc);
                boolean conformingCode = Segments.codeOrData(desc) && (type & 0xC) == 0xC;
                int dpl = Segments.dpl(desc);
                boolean typeOk;
                if (Segments.codeOrData(desc)) {
                    typeOk = true;
                } else if (s.longModeActive()) {
                    typeOk = type == 2 || type == 9 || type == 0xB || (lar && type == 0xC);
                } else {
                    typeOk = type == 1 || type == 2 || type == 3 || type == 9 || type == 0xB
                        || (lar && (type == 4 || type == 5 || type == 0xC));
                }
                ok = typeOk && (conformingCode || (dpl >= s.cpl && dpl >= (selector & 3)));
            } catch (Fault f) {
                if (f.vector != Fault.GP) {
                    throw f;
                }
            }
        }
        if (ok) {
            int size = x.in.opSize;
            long v = lar ? (desc >>> 32) & 0x00F0_FF00L : Segments.limit(desc) & 0xFFFF_FFFFL;
            x.setReg(size == 2 ? 2 : size == 4 ? 4 : 8, x.in.reg, v);
            s.rflags |= CpuState.ZF;
        } else {
            s.rflags &= ~CpuState.ZF;
        }
    }

    /** SGDT or SIDT ({@code instruction} says which, for the intercept). */
    void storeTable(int instruction, long base, int limit) {
        intercept(instruction);
        int seg = x.in.segment();
        x.probeWrite(seg, x.ea, s.mode64() ? 10 : 6);
        x.write(seg, x.ea, 2, limit);
        if (s.mode64()) {
            x.write(seg, (x.ea + 2) & Alu.mask(x.in.addrSize), 8, base);
        } else {
            // With a 16-bit operand the high byte is stored as well (current processors store it).
            x.write(seg, (x.ea + 2) & Alu.mask(x.in.addrSize), 4, base & 0xFFFF_FFFFL);
        }
    }

    void loadTable(boolean gdt) {
        x.requireCpl0();
        intercept(gdt ? GuestControls.DESCRIPTOR_LGDT : GuestControls.DESCRIPTOR_LIDT);
        int seg = x.in.segment();
        int limit = (int) x.read(seg, x.ea, 2);
        long base;
        if (s.mode64()) {
            base = x.read(seg, (x.ea + 2) & Alu.mask(x.in.addrSize), 8);
            if (!Interpreter.canonical(base)) {
                throw x.gp(0);
            }
        } else {
            base = x.read(seg, (x.ea + 2) & Alu.mask(x.in.addrSize), 4);
            if (x.in.opSize == 2) {
                base &= 0xFF_FFFF;
            }
        }
        if (gdt) {
            s.gdtrBase = base;
            s.gdtrLimit = limit;
        } else {
            s.idtrBase = base;
            s.idtrLimit = limit;
        }
    }
}
