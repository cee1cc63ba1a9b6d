package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.GS;
import static dev.hve.emulator.cpu.CpuState.LDTR;
import static dev.hve.emulator.cpu.CpuState.SS;
import static dev.hve.emulator.cpu.CpuState.TR;

import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.msr.MsrModel;

/**
 * System instructions: flags (PUSHF/POPF/CLI/STI/LAHF/SAHF), HLT, CPUID, RDMSR/WRMSR, RDTSC(P),
 * control and debug registers, descriptor-table instructions, SYSCALL/SYSRET, SYSENTER/SYSEXIT,
 * SWAPGS, and the hypercall and virtualization instructions that the backend's hooks claim.
 * Privilege checks come before intercept hooks, as the SDM orders them (Vol. 3C §26.1.1).
 */
final class SystemOps {

    private static final long FLAGS_ALWAYS = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
        | CpuState.TF | CpuState.DF | CpuState.OF | CpuState.NT;

    private final Interpreter x;
    private final CpuState s;
    private final Instruction in;
    private final int[] cpuidOut = new int[4];
    /** CPUID.1:ECX.XSAVE and .VMX of the model: CR4.OSXSAVE / CR4.VMXE are reserved without them. */
    private final boolean xsave;
    private final boolean vmx;

    SystemOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
        this.in = x.in;
        x.model.cpuid(1, 0, cpuidOut);
        this.xsave = (cpuidOut[2] & (1 << 26)) != 0;
        this.vmx = (cpuidOut[2] & (1 << 5)) != 0;
    }

    private void exitIf(boolean exited) {
        if (exited) {
            throw ExitSignal.INSTANCE;
        }
    }

    private boolean legacyOrV86() {
        return !s.protectedMode() || s.virtual8086();
    }

    // ---------------------------------------------------------------- flags

    void pushf() {
        if (s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0);
        }
        long f = s.rflags & ~(CpuState.VM | CpuState.RF);
        x.push(in.opSize == 2 ? f & 0xFFFF : f, in.opSize);
    }

    /** POPF with the CPL/IOPL/VM rules of SDM Vol. 2B, POPF. */
    void popf() {
        int size = in.opSize;
        if (s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0);
        }
        long v = x.peek(0, size);
        long modifiable = FLAGS_ALWAYS | CpuState.AC | CpuState.ID;
        int iopl = Interpreter.iopl(s);
        if (legacyOrV86() && !s.virtual8086() || s.cpl == 0) {
            modifiable |= CpuState.IOPL | CpuState.IF;
        } else if (s.cpl <= iopl) {
            modifiable |= CpuState.IF;
        }
        if (s.virtual8086()) {
            modifiable = (modifiable | CpuState.IF) & ~CpuState.IOPL;
        }
        if (size == 2) {
            modifiable &= 0xFFFF;
        }
        x.adjustStack(size);
        s.rflags = (s.rflags & ~modifiable & ~CpuState.RF) | (v & modifiable) | CpuState.FIXED_ONE;
    }

    /**
     * RFLAGS from an IRET frame (SDM Vol. 2A, IRET): IOPL, VIF and VIP only at CPL 0, IF only when
     * CPL <= IOPL; VM is handled by the caller.
     */
    void loadFlagsForIret(long v, int size, int oldCpl) {
        long modifiable = FLAGS_ALWAYS | CpuState.AC | CpuState.ID | CpuState.RF;
        if (!s.protectedMode() || oldCpl == 0) {
            modifiable |= CpuState.IOPL | CpuState.IF;
            if (s.protectedMode()) {
                modifiable |= CpuState.VIF | CpuState.VIP;
            }
        } else if (oldCpl <= Interpreter.iopl(s)) {
            modifiable |= CpuState.IF;
        }
        if (size == 2) {
            modifiable &= 0xFFFF;
        }
        s.rflags = (s.rflags & ~modifiable) | (v & modifiable) | CpuState.FIXED_ONE;
    }

    void sahf() {
        long mask = CpuState.SF | CpuState.ZF | CpuState.AF | CpuState.PF | CpuState.CF;
        s.rflags = (s.rflags & ~mask) | ((s.gpr[0] >>> 8) & mask);
    }

    void lahf() {
        long ah = (s.rflags & (CpuState.SF | CpuState.ZF | CpuState.AF | CpuState.PF | CpuState.CF)) | 2;
        s.gpr[0] = (s.gpr[0] & ~0xFF00L) | (ah << 8);
    }

    void cli() {
        if (s.protectedMode() && s.cpl > Interpreter.iopl(s) || s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0); // VME/PVI are not modeled
        }
        s.rflags &= ~CpuState.IF;
    }

    /** STI: blocks interrupts for one more instruction only if IF was clear (SDM Vol. 3A §6.8.3). */
    void sti() {
        if (s.protectedMode() && s.cpl > Interpreter.iopl(s) || s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0);
        }
        if ((s.rflags & CpuState.IF) == 0) {
            s.rflags |= CpuState.IF;
            s.interruptShadow = true;
            x.shadowSet = true;
        }
    }

    // ---------------------------------------------------------------- simple privileged ones

    void hlt() {
        x.requireCpl0();
        exitIf(x.controls.hlt(in.length));
        s.halted = true;
    }

    void pause() {
        exitIf(x.controls.pause(in.length));
    }

    void wbinvd(boolean invd) {
        x.requireCpl0();
        exitIf(invd ? x.controls.invd(in.length) : x.controls.wbinvd(in.length));
    }

    void fwait() {
        if ((s.cr0 & (CpuState.CR0_MP | CpuState.CR0_TS)) == (CpuState.CR0_MP | CpuState.CR0_TS)) {
            throw x.faultNoCode(Fault.NM);
        }
    }

    /** x87 escape opcodes: #NM when CR0.EM or CR0.TS says so; the FPU itself is not modeled yet. */
    void x87() {
        if ((s.cr0 & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) {
            throw x.faultNoCode(Fault.NM);
        }
        throw x.ud();
    }

    void hintNop(int op) {
        // 0F 18-1F: prefetch hints and the multi-byte NOP (0F 1F /0); no memory is accessed.
    }

    void arpl() {
        if (legacyOrV86()) {
            throw x.ud();
        }
        long dest = x.readRm(2);
        long src = x.reg(2, in.reg);
        if ((dest & 3) < (src & 3)) {
            x.writeRm(2, (dest & ~3L) | (src & 3));
            s.rflags |= CpuState.ZF;
        } else {
            s.rflags &= ~CpuState.ZF;
        }
    }

    // ---------------------------------------------------------------- CPUID, MSRs, TSC

    void cpuid() {
        exitIf(x.controls.cpuid(in.length));
        int leaf = (int) s.gpr[0];
        int subleaf = (int) s.gpr[1];
        int[] out = cpuidOut;
        x.model.cpuid(leaf, subleaf, out);
        if (leaf == 1) {
            // OSXSAVE mirrors CR4.OSXSAVE (SDM Vol. 2A, CPUID leaf 1 ECX bit 27).
            out[2] = (s.cr4 & CpuState.CR4_OSXSAVE) != 0 ? out[2] | (1 << 27) : out[2] & ~(1 << 27);
        }
        x.setReg(4, 0, out[0] & 0xFFFF_FFFFL);
        x.setReg(4, 3, out[1] & 0xFFFF_FFFFL);
        x.setReg(4, 1, out[2] & 0xFFFF_FFFFL);
        x.setReg(4, 2, out[3] & 0xFFFF_FFFFL);
    }

    long baseTsc() {
        return x.retired + x.controls.tscOffset();
    }

    void rdmsr() {
        x.requireCpl0();
        exitIf(x.controls.msr(false, in.length));
        int index = (int) s.gpr[1];
        if (!x.msrs.read(index, baseTsc())) {
            throw x.gp(0);
        }
        long v = x.msrs.value();
        x.setReg(4, 0, v);
        x.setReg(4, 2, v >>> 32);
    }

    void wrmsr() {
        x.requireCpl0();
        exitIf(x.controls.msr(true, in.length));
        int index = (int) s.gpr[1];
        long v = (s.gpr[0] & 0xFFFF_FFFFL) | (s.gpr[2] << 32);
        long oldEfer = s.efer;
        if (!x.msrs.write(index, v, baseTsc())) {
            throw x.gp(0);
        }
        if (index == MsrModel.IA32_EFER && oldEfer != s.efer) {
            x.mem.flushAll();
        }
    }

    void rdtsc(boolean rdtscp) {
        if ((s.cr4 & CpuState.CR4_TSD) != 0 && s.cpl != 0 && !legacyOrV86() || (s.cr4 & CpuState.CR4_TSD) != 0 && s.virtual8086()) {
            throw x.gp(0);
        }
        exitIf(x.controls.rdtsc(rdtscp, in.length));
        long tsc = baseTsc() + x.msrs.tscBias;
        x.setReg(4, 0, tsc);
        x.setReg(4, 2, tsc >>> 32);
        if (rdtscp) {
            x.setReg(4, 1, s.tscAux);
        }
    }

    void rdpmc() {
        if ((s.cr4 & CpuState.CR4_PCE) == 0 && s.cpl != 0) {
            throw x.gp(0);
        }
        if ((s.gpr[1] & 0xFFFF_FFFFL) > 3) {
            throw x.gp(0);
        }
        exitIf(x.controls.rdpmc(in.length));
        x.setReg(4, 0, 0); // performance counters are not modeled: they read as zero
        x.setReg(4, 2, 0);
    }

    // ---------------------------------------------------------------- control and debug registers

    /** MOV to/from CR0, CR2, CR3, CR4, CR8 (SDM Vol. 2B, MOV—Move to/from Control Registers). */
    void movControlRegister(boolean write) {
        int cr = in.reg;
        if (cr == 1 || (cr > 4 && cr != 8)) {
            throw x.ud();
        }
        x.requireCpl0();
        int size = s.mode64() ? 8 : 4;
        int gpr = in.rm;
        if (!write) {
            if (cr != 2) {
                exitIf(x.controls.controlRegisterAccess(cr, false, gpr, 0, in.length));
            }
            long v;
            switch (cr) {
                case 0: v = s.cr0; break;
                case 2: v = s.cr2; break;
                case 3: v = s.cr3; break;
                case 4: v = s.cr4; break;
                default: v = s.cr8; break;
            }
            x.setReg(size, gpr, v);
            return;
        }
        long v = x.reg(size, gpr);
        if (cr != 2) {
            exitIf(x.controls.controlRegisterAccess(cr, true, gpr, v, in.length));
        }
        switch (cr) {
            case 0: writeCr0(v); break;
            case 2: s.cr2 = v; break;
            case 3: writeCr3(v); break;
            case 4: writeCr4(v); break;
            default:
                if ((v & ~0xFL) != 0) {
                    throw x.gp(0);
                }
                s.cr8 = v;
        }
    }

    /**
     * CR0 loads with the consistency checks of SDM Vol. 3A §2.5 and §10.8.5: PG needs PE, NW needs
     * CD, enabling paging with EFER.LME needs CR4.PAE and activates IA-32e mode (LMA); disabling it
     * from 64-bit mode is #GP.
     */
    void writeCr0(long v) {
        if ((v >>> 32) != 0) {
            throw x.gp(0);
        }
        v |= CpuState.CR0_ET;
        if ((v & CpuState.CR0_PG) != 0 && (v & CpuState.CR0_PE) == 0) {
            throw x.gp(0);
        }
        if ((v & CpuState.CR0_NW) != 0 && (v & CpuState.CR0_CD) == 0) {
            throw x.gp(0);
        }
        boolean pagingOn = (v & CpuState.CR0_PG) != 0 && !s.pagingEnabled();
        boolean pagingOff = (v & CpuState.CR0_PG) == 0 && s.pagingEnabled();
        if (pagingOn && (s.efer & CpuState.EFER_LME) != 0) {
            if ((s.cr4 & CpuState.CR4_PAE) == 0) {
                throw x.gp(0);
            }
            if ((s.segmentAttributes[CS] & Segments.A_L) != 0) {
                throw x.gp(0);
            }
            s.efer |= CpuState.EFER_LMA;
        }
        if (pagingOff && s.longModeActive()) {
            if (s.mode64()) {
                throw x.gp(0);
            }
            s.efer &= ~CpuState.EFER_LMA;
        }
        if ((v & CpuState.CR0_PE) == 0 && s.longModeActive()) {
            throw x.gp(0);
        }
        long changed = v ^ s.cr0;
        s.cr0 = v;
        if ((changed & (CpuState.CR0_PG | CpuState.CR0_WP | CpuState.CR0_PE)) != 0) {
            x.mem.flushAll();
        }
        if ((changed & CpuState.CR0_PE) != 0 && (v & CpuState.CR0_PE) == 0) {
            s.cpl = 0; // back to real mode
        }
    }

    void writeCr3(long v) {
        if (s.longModeActive() && (v >>> 52) != 0) {
            throw x.gp(0);
        }
        s.cr3 = s.longModeActive() ? v : v & 0xFFFF_FFFFL;
        x.mem.flushAll();
    }

    void writeCr4(long v) {
        long supported = CpuState.CR4_VME | CpuState.CR4_PVI | CpuState.CR4_TSD | CpuState.CR4_DE | CpuState.CR4_PSE
            | CpuState.CR4_PAE | CpuState.CR4_MCE | CpuState.CR4_PGE | CpuState.CR4_PCE | CpuState.CR4_OSFXSR
            | CpuState.CR4_OSXMMEXCPT | (xsave ? CpuState.CR4_OSXSAVE : 0) | (vmx ? CpuState.CR4_VMXE : 0);
        if ((v & ~supported) != 0) {
            throw x.gp(0);
        }
        if (s.longModeActive() && (v & CpuState.CR4_PAE) == 0) {
            throw x.gp(0);
        }
        long changed = v ^ s.cr4;
        s.cr4 = v;
        if ((changed & (CpuState.CR4_PAE | CpuState.CR4_PSE | CpuState.CR4_PGE)) != 0) {
            x.mem.flushAll();
        }
    }

    /** CLTS: clears CR0.TS; a CR0 write as far as intercepts go. */
    void clts() {
        x.requireCpl0();
        exitIf(x.controls.controlRegisterAccess(0, true, -1, s.cr0 & ~CpuState.CR0_TS, in.length));
        s.cr0 &= ~CpuState.CR0_TS;
    }

    /** LMSW: loads PE, MP, EM, TS; PE cannot be cleared this way. */
    void lmsw(long v) {
        x.requireCpl0();
        long nv = (s.cr0 & ~0xEL) | (v & 0xF) | (s.cr0 & CpuState.CR0_PE);
        exitIf(x.controls.controlRegisterAccess(0, true, -1, nv, in.length));
        long changedPe = (nv ^ s.cr0) & CpuState.CR0_PE;
        s.cr0 = nv;
        if (changedPe != 0) {
            x.mem.flushAll();
        }
    }

    void movDebugRegister(boolean write) {
        int dr = in.reg;
        if (dr > 7) {
            throw x.ud();
        }
        if ((dr == 4 || dr == 5) && (s.cr4 & CpuState.CR4_DE) != 0) {
            throw x.ud();
        }
        x.requireCpl0();
        if (dr == 4 || dr == 5) {
            dr += 2;
        }
        int size = s.mode64() ? 8 : 4;
        exitIf(x.controls.debugRegisterAccess(dr, write, in.rm, in.length));
        if (write) {
            long v = x.reg(size, in.rm);
            if (dr >= 6 && (v >>> 32) != 0) {
                throw x.gp(0);
            }
            if (dr == 6) {
                v = (v & 0x1_E00FL) | 0xFFFF_0FF0L;
            } else if (dr == 7) {
                v = (v & 0xFFFF_2BFFL) | 0x400;
            }
            s.dr[dr] = v;
        } else {
            x.setReg(size, in.rm, s.dr[dr]);
        }
    }

    // ---------------------------------------------------------------- 0F 00 and 0F 01

    /** 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW. */
    void group6() {
        if (legacyOrV86()) {
            throw x.ud();
        }
        switch (in.reg & 7) {
            case 0: storeSelector(s.segmentSelector[LDTR]); return;
            case 1: storeSelector(s.segmentSelector[TR]); return;
            case 2: lldt((int) x.readRm(2)); return;
            case 3: ltr((int) x.readRm(2)); return;
            case 4: verify((int) x.readRm(2), false); return;
            case 5: verify((int) x.readRm(2), true); return;
            default: throw x.ud();
        }
    }

    private void storeSelector(int selector) {
        if (in.mod == 3) {
            x.setReg(in.opSize, in.rm, selector);
        } else {
            x.writeRm(2, selector);
        }
    }

    private void lldt(int selector) {
        x.requireCpl0();
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

    private void ltr(int selector) {
        x.requireCpl0();
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
            int size = in.opSize;
            long v = lar ? (desc >>> 32) & 0x00F0_FF00L : Segments.limit(desc) & 0xFFFF_FFFFL;
            x.setReg(size == 2 ? 2 : size == 4 ? 4 : 8, in.reg, v);
            s.rflags |= CpuState.ZF;
        } else {
            s.rflags &= ~CpuState.ZF;
        }
    }

    /** 0F 01: the descriptor-table loads/stores, SMSW/LMSW, INVLPG and the register forms. */
    void group7() {
        int reg = in.reg & 7;
        if (in.mod != 3) {
            switch (reg) {
                case 0: storeTable(s.gdtrBase, s.gdtrLimit); return;
                case 1: storeTable(s.idtrBase, s.idtrLimit); return;
                case 2: case 3: loadTable(reg == 2); return;
                case 4: x.writeRm(2, s.cr0 & 0xFFFF); return;
                case 6: lmsw(x.readRm(2)); return;
                case 7: invlpg(); return;
                default: throw x.ud();
            }
        }
        int modrm = 0xC0 | (reg << 3) | (in.rm & 7);
        switch (modrm) {
            case 0xC1: hypercall(HypercallInstruction.VMCALL); return;
            case 0xC2: virtualization("VMLAUNCH"); return;
            case 0xC3: virtualization("VMRESUME"); return;
            case 0xC4: virtualization("VMXOFF"); return;
            case 0xCA: case 0xCB: throw x.ud(); // CLAC/STAC: SMAP is not advertised
            case 0xD0: xgetbv(); return;
            case 0xD1: xsetbv(); return;
            case 0xD8: virtualization("VMRUN"); return;
            case 0xD9: hypercall(HypercallInstruction.VMMCALL); return;
            case 0xDA: virtualization("VMLOAD"); return;
            case 0xDB: virtualization("VMSAVE"); return;
            case 0xDC: virtualization("STGI"); return;
            case 0xDD: virtualization("CLGI"); return;
            case 0xDE: virtualization("SKINIT"); return;
            case 0xDF: virtualization("INVLPGA"); return;
            case 0xF8: swapgs(); return;
            case 0xF9: rdtsc(true); return;
            default:
                if (reg == 4) {
                    x.setReg(in.opSize, in.rm, s.cr0 & (in.opSize == 2 ? 0xFFFF : -1L));
                    return;
                }
                if (reg == 6) {
                    lmsw(x.reg(2, in.rm));
                    return;
                }
                throw x.ud(); // MONITOR/MWAIT are not advertised
        }
    }

    private void storeTable(long base, int limit) {
        int seg = in.segment();
        x.probeWrite(seg, x.ea, s.mode64() ? 10 : 6);
        x.write(seg, x.ea, 2, limit);
        if (s.mode64()) {
            x.write(seg, (x.ea + 2) & Alu.mask(in.addrSize), 8, base);
        } else {
            // With a 16-bit operand the high byte is stored as well (current processors store it).
            x.write(seg, (x.ea + 2) & Alu.mask(in.addrSize), 4, base & 0xFFFF_FFFFL);
        }
    }

    private void loadTable(boolean gdt) {
        x.requireCpl0();
        int seg = in.segment();
        int limit = (int) x.read(seg, x.ea, 2);
        long base;
        if (s.mode64()) {
            base = x.read(seg, (x.ea + 2) & Alu.mask(in.addrSize), 8);
            if (!Interpreter.canonical(base)) {
                throw x.gp(0);
            }
        } else {
            base = x.read(seg, (x.ea + 2) & Alu.mask(in.addrSize), 4);
            if (in.opSize == 2) {
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

    private void invlpg() {
        x.requireCpl0();
        long linear = x.linearNoCheck(in.segment(), x.ea);
        exitIf(x.controls.invlpg(linear, in.length));
        x.mem.flushPage(linear);
    }

    private void hypercall(HypercallInstruction kind) {
        exitIf(x.controls.hypercall(kind, in.length));
        throw x.ud();
    }

    /** VMX and SVM instructions: the backend claims them, or they are #UD. */
    void virtualization(String mnemonic) {
        exitIf(x.controls.virtualizationInstruction(mnemonic, in.length));
        throw x.ud();
    }

    private void xgetbv() {
        if ((s.cr4 & CpuState.CR4_OSXSAVE) == 0) {
            throw x.ud();
        }
        if ((s.gpr[1] & 0xFFFF_FFFFL) != 0) {
            throw x.gp(0);
        }
        x.setReg(4, 0, s.xcr0);
        x.setReg(4, 2, s.xcr0 >>> 32);
    }

    private void xsetbv() {
        if ((s.cr4 & CpuState.CR4_OSXSAVE) == 0) {
            throw x.ud();
        }
        x.requireCpl0();
        exitIf(x.controls.xsetbv(in.length));
        long v = (s.gpr[0] & 0xFFFF_FFFFL) | (s.gpr[2] << 32);
        // XCR0: x87 must stay set; SSE/AVX state bits beyond the model's leaf 0Dh are reserved.
        if ((s.gpr[1] & 0xFFFF_FFFFL) != 0 || (v & 1) == 0 || (v & ~3L) != 0) {
            throw x.gp(0);
        }
        s.xcr0 = v;
    }

    private void swapgs() {
        if (!s.mode64()) {
            throw x.ud();
        }
        x.requireCpl0();
        long t = s.segmentBase[GS];
        s.segmentBase[GS] = s.kernelGsBase;
        s.kernelGsBase = t;
    }

    /** 0F AE: fences and CLFLUSH; FXSAVE/XSAVE state is not modeled yet. */
    void group15() {
        int reg = in.reg & 7;
        if (in.mod == 3) {
            if (reg >= 5 && in.prefixes == 0) {
                return; // LFENCE, MFENCE, SFENCE
            }
            throw x.ud();
        }
        if (reg == 7 && (in.prefixes & (Instruction.P_OPSIZE | Instruction.P_REP | Instruction.P_REPNE)) == 0) {
            x.readRm(1); // CLFLUSH: checked like a byte read
            return;
        }
        throw x.ud();
    }

    /** 0F C7: CMPXCHG8B/16B and the VMX pointer instructions. */
    void group9() {
        int reg = in.reg & 7;
        if (reg == 1) {
            x.moves.cmpxchg8b16b();
            return;
        }
        if (in.mod != 3 && reg == 6) {
            if ((in.prefixes & Instruction.P_REP) != 0) {
                virtualization("VMXON");
            } else if ((in.prefixes & Instruction.P_OPSIZE) != 0) {
                virtualization("VMCLEAR");
            } else {
                virtualization("VMPTRLD");
            }
            return;
        }
        if (in.mod != 3 && reg == 7) {
            virtualization("VMPTRST");
            return;
        }
        throw x.ud(); // RDRAND/RDSEED/RDPID are not advertised
    }

    // ---------------------------------------------------------------- fast system calls

    private boolean intel() {
        return !"amd".equals(x.model.name());
    }

    /** Loads a flat code or stack segment cache as SYSCALL/SYSRET/SYSENTER/SYSEXIT do. */
    private void flat(int seg, int selector, boolean code, int dpl, boolean longCode) {
        s.segmentSelector[seg] = selector & 0xFFFF;
        s.segmentBase[seg] = 0;
        s.segmentLimit[seg] = 0xFFFF_FFFF;
        int attr = (code ? 0xB : 0x3) | Segments.A_S | (dpl << 5) | Segments.A_P | Segments.A_G;
        attr |= longCode ? Segments.A_L : Segments.A_DB;
        s.segmentAttributes[seg] = attr;
    }

    /** SYSCALL (SDM Vol. 4B; APM Vol. 3): Intel only in 64-bit mode, AMD also in legacy mode. */
    void syscall() {
        if ((s.efer & CpuState.EFER_SCE) == 0 || (!s.mode64() && (intel() || !s.protectedMode()))) {
            throw x.ud();
        }
        int cs = (int) ((s.star >>> 32) & 0xFFFC);
        if (s.longModeActive()) {
            long target = s.mode64() ? s.lstar : s.cstar;
            s.gpr[1] = x.nextRip;
            s.gpr[11] = s.rflags & ~CpuState.RF;
            flat(CS, cs, true, 0, true);
            flat(SS, cs + 8, false, 0, false);
            s.cpl = 0;
            s.rflags = (s.rflags & ~s.sfmask & ~CpuState.RF) | CpuState.FIXED_ONE;
            x.nextRip = target;
        } else {
            s.gpr[1] = x.nextRip & 0xFFFF_FFFFL;
            flat(CS, cs, true, 0, false);
            flat(SS, cs + 8, false, 0, false);
            s.cpl = 0;
            s.rflags &= ~(CpuState.IF | CpuState.VM | CpuState.RF);
            x.nextRip = s.star & 0xFFFF_FFFFL;
        }
    }

    void sysret() {
        if ((s.efer & CpuState.EFER_SCE) == 0 || (!s.mode64() && (intel() || !s.protectedMode()))) {
            throw x.ud();
        }
        x.requireCpl0();
        int base = (int) ((s.star >>> 48) & 0xFFFF);
        if (s.mode64()) {
            boolean to64 = in.rexW();
            long target = to64 ? s.gpr[1] : s.gpr[1] & 0xFFFF_FFFFL;
            if (to64 && !Interpreter.canonical(target)) {
                throw x.gp(0); // Intel raises #GP in ring 0 for a non-canonical RCX
            }
            flat(CS, (to64 ? base + 16 : base) | 3, true, 3, to64);
            s.rflags = (s.gpr[11] & 0x3C_7FD7L) | CpuState.FIXED_ONE;
            x.nextRip = target;
        } else {
            flat(CS, base | 3, true, 3, false);
            s.rflags |= CpuState.IF;
            x.nextRip = s.gpr[1] & 0xFFFF_FFFFL;
        }
        flat(SS, (base + 8) | 3, false, 3, false);
        s.cpl = 3;
    }

    void sysenter() {
        if (!s.protectedMode() || (!intel() && s.longModeActive())) {
            throw s.protectedMode() ? x.ud() : x.gp(0);
        }
        int cs = (int) (s.sysenterCs & 0xFFFC);
        if (cs == 0) {
            throw x.gp(0);
        }
        boolean lma = s.longModeActive();
        flat(CS, cs, true, 0, lma);
        flat(SS, cs + 8, false, 0, false);
        s.cpl = 0;
        s.rflags &= ~(CpuState.VM | CpuState.IF | CpuState.RF);
        s.gpr[4] = lma ? s.sysenterEsp : s.sysenterEsp & 0xFFFF_FFFFL;
        x.nextRip = lma ? s.sysenterEip : s.sysenterEip & 0xFFFF_FFFFL;
    }

    void sysexit() {
        if (!s.protectedMode() || (!intel() && s.longModeActive())) {
            throw s.protectedMode() ? x.ud() : x.gp(0);
        }
        x.requireCpl0();
        int cs = (int) (s.sysenterCs & 0xFFFC);
        if (cs == 0) {
            throw x.gp(0);
        }
        boolean to64 = in.rexW();
        if (to64) {
            if (!Interpreter.canonical(s.gpr[2]) || !Interpreter.canonical(s.gpr[1])) {
                throw x.gp(0);
            }
            flat(CS, (cs + 32) | 3, true, 3, true);
            flat(SS, (cs + 40) | 3, false, 3, false);
            s.gpr[4] = s.gpr[1];
            x.nextRip = s.gpr[2];
        } else {
            flat(CS, (cs + 16) | 3, true, 3, false);
            flat(SS, (cs + 24) | 3, false, 3, false);
            s.gpr[4] = s.gpr[1] & 0xFFFF_FFFFL;
            x.nextRip = s.gpr[2] & 0xFFFF_FFFFL;
        }
        s.cpl = 3;
    }
}
