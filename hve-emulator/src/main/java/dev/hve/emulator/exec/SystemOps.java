package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.GS;
import static dev.hve.emulator.exec.ExitSignal.exitIf;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.fpu.XSave;
import dev.hve.emulator.msr.MsrModel;

/**
 * System instructions: flags (PUSHF/POPF/CLI/STI/LAHF/SAHF), HLT, CPUID, RDMSR/WRMSR, RDTSC(P),
 * the 0F 01 group (with {@link DescriptorTables} and {@link ControlRegisters}), SWAPGS, fences,
 * and the hypercall and virtualization instructions that the backend's hooks claim.
 * Privilege checks come before intercept hooks, as the SDM orders them (Vol. 3C §26.1.1).
 */
final class SystemOps {

    private static final long FLAGS_ALWAYS = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
        | CpuState.TF | CpuState.DF | CpuState.OF | CpuState.NT;

    private final Interpreter x;
    private final CpuState s;
    private final int[] cpuidOut = new int[4];

    SystemOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    private boolean legacyOrV86() {
        return !s.protectedMode() || s.virtual8086();
    }

    // ---------------------------------------------------------------- flags

    void pushf() {
        if (s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0);
        }
        exitIf(x.controls.pushf(x.in.length));
        long f = s.rflags & ~(CpuState.VM | CpuState.RF);
        x.push(x.in.opSize == 2 ? f & 0xFFFF : f, x.in.opSize);
    }

    /** POPF with the CPL/IOPL/VM rules of SDM Vol. 2B, POPF. */
    void popf() {
        int size = x.in.opSize;
        if (s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0);
        }
        exitIf(x.controls.popf(x.in.length));
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
        if (x.exitsBeforeExecuting(x.controls.hlt(x.in.length))) {
            return;
        }
        s.halted = true;
    }

    void pause() {
        x.exitsBeforeExecuting(x.controls.pause(x.in.length));
    }

    void wbinvd(boolean invd) {
        x.requireCpl0();
        exitIf(invd ? x.controls.invd(x.in.length) : x.controls.wbinvd(x.in.length));
    }

    void hintNop(int op) {
        // 0F 18-1F: prefetch hints and the multi-byte NOP (0F 1F /0); no memory is accessed.
    }

    void arpl() {
        if (legacyOrV86()) {
            throw x.ud();
        }
        long dest = x.readRm(2);
        long src = x.reg(2, x.in.reg);
        if ((dest & 3) < (src & 3)) {
            x.writeRm(2, (dest & ~3L) | (src & 3));
            s.rflags |= CpuState.ZF;
        } else {
            s.rflags &= ~CpuState.ZF;
        }
    }

    // ---------------------------------------------------------------- CPUID, MSRs, TSC

    void cpuid() {
        if (x.exitsBeforeExecuting(x.controls.cpuid(x.in.length))) {
            return;
        }
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
        if (x.exitsBeforeExecuting(x.controls.msr(false, x.in.length))) {
            return;
        }
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
        if (x.exitsBeforeExecuting(x.controls.msr(true, x.in.length))) {
            return;
        }
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
        exitIf(x.controls.rdtsc(rdtscp, x.in.length));
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
        exitIf(x.controls.rdpmc(x.in.length));
        x.setReg(4, 0, 0); // performance counters are not modeled: they read as zero
        x.setReg(4, 2, 0);
    }

    // ---------------------------------------------------------------- 0F 00 and 0F 01

    /** 0F 01: the descriptor-table loads/stores, SMSW/LMSW, INVLPG and the register forms. */
    void group7() {
        int reg = x.in.reg & 7;
        if (x.in.mod != 3) {
            switch (reg) {
                case 0: x.tables.storeTable(GuestControls.DESCRIPTOR_SGDT, s.gdtrBase, s.gdtrLimit); return;
                case 1: x.tables.storeTable(GuestControls.DESCRIPTOR_SIDT, s.idtrBase, s.idtrLimit); return;
                case 2: case 3: x.tables.loadTable(reg == 2); return;
                case 4: x.writeRm(2, x.controls.controlRegisterRead(0, s.cr0) & 0xFFFF); return;
                case 6: x.controlRegs.lmsw(x.readRm(2)); return;
                case 7: invlpg(); return;
                default: throw x.ud();
            }
        }
        int modrm = 0xC0 | (reg << 3) | (x.in.rm & 7);
        switch (modrm) {
            case 0xC1: hypercall(HypercallInstruction.VMCALL); return;
            case 0xC8: monitor(); return;
            case 0xC9: mwait(); return;
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
                    // SMSW reads CR0 as MOV from CR0 does: through the read shadow (SDM Vol. 3C §26.3).
                    x.setReg(x.in.opSize, x.in.rm, x.controls.controlRegisterRead(0, s.cr0) & (x.in.opSize == 2 ? 0xFFFF : -1L));
                    return;
                }
                if (reg == 6) {
                    x.controlRegs.lmsw(x.reg(2, x.in.rm));
                    return;
                }
                throw x.ud();
        }
    }

    /**
     * MONITOR: CPL 0 only (#UD otherwise, AMD's MonMwaitUserEn being clear), then the segment
     * checks of DS:rAX, then the intercept; SVM checks these faults before the intercept (APM
     * Vol. 2 §15.9), and the physical processor has MONITOR whatever the modeled CPUID says.
     * Carried out by the core, it is #UD: the modeled CPU does not advertise MONITOR/MWAIT.
     */
    private void monitor() {
        if (s.cpl != 0) {
            throw x.ud();
        }
        x.linear(x.in.segment(), s.gpr[0] & Alu.mask(x.in.addrSize), 1, false);
        exitIf(x.controls.monitor(x.in.length));
        throw x.ud();
    }

    /** MWAIT: CPL 0 only, ECX bits other than bit 0 (interrupts as break events) reserved: #GP. */
    private void mwait() {
        if (s.cpl != 0) {
            throw x.ud();
        }
        if ((s.gpr[1] & 0xFFFF_FFFEL) != 0) {
            throw x.gp(0);
        }
        exitIf(x.controls.mwait(x.in.length));
        throw x.ud();
    }

    private void invlpg() {
        x.requireCpl0();
        long linear = x.linearNoCheck(x.in.segment(), x.ea);
        if (x.exitsBeforeExecuting(x.controls.invlpg(linear, x.in.length))) {
            return;
        }
        x.mem.flushPage(linear);
    }

    private void hypercall(HypercallInstruction kind) {
        if (x.exitsBeforeExecuting(x.controls.hypercall(kind, x.in.length))) {
            return;
        }
        throw x.ud();
    }

    /** VMX and SVM instructions: the backend claims them, or they are #UD. */
    void virtualization(String mnemonic) {
        exitIf(x.controls.virtualizationInstruction(mnemonic, x.in.length));
        throw x.ud();
    }

    /** XGETBV: ECX = 0 reads XCR0; ECX = 1 (XINUSE) needs XGETBV1, not offered: #GP(0) as for any other. */
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
        exitIf(x.controls.xsetbv(x.in.length));
        long v = (s.gpr[0] & 0xFFFF_FFFFL) | (s.gpr[2] << 32);
        // SDM Vol. 2 XSETBV, Vol. 1 §13.3: only XCR0 exists (ECX = 0); XCR0[0] (x87) cannot be
        // cleared; bits outside CPUID.(EAX=0DH,ECX=0):EDX:EAX are reserved. The remaining rule,
        // XCR0[2:1] = 10b (AVX without SSE) is #GP, cannot arise with AVX unsupported.
        if ((s.gpr[1] & 0xFFFF_FFFFL) != 0 || (v & XSave.X87) == 0 || (v & ~XSave.SUPPORTED) != 0) {
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

    /**
     * 0F AE: fences and CLFLUSH. The state forms (FXSAVE ... XRSTOR, /0-/5) are the SSE unit's;
     * /6 with memory, XSAVEOPT, is #UD: CPUID.(EAX=0DH,ECX=1):EAX[0] does not offer it.
     */
    void group15() {
        int reg = x.in.reg & 7;
        if (x.in.mod == 3) {
            if (reg >= 5 && x.in.prefixes == 0) {
                return; // LFENCE, MFENCE, SFENCE
            }
            throw x.ud();
        }
        if (reg == 7 && (x.in.prefixes & (Instruction.P_OPSIZE | Instruction.P_REP | Instruction.P_REPNE)) == 0) {
            x.readRm(1); // CLFLUSH: checked like a byte read
            return;
        }
        throw x.ud();
    }

    /** 0F C7: CMPXCHG8B/16B and the VMX pointer instructions. */
    void group9() {
        int reg = x.in.reg & 7;
        if (reg == 1) {
            x.moves.cmpxchg8b16b();
            return;
        }
        if (x.in.mod != 3 && reg == 6) {
            if ((x.in.prefixes & Instruction.P_REP) != 0) {
                virtualization("VMXON");
            } else if ((x.in.prefixes & Instruction.P_OPSIZE) != 0) {
                virtualization("VMCLEAR");
            } else {
                virtualization("VMPTRLD");
            }
            return;
        }
        if (x.in.mod != 3 && reg == 7) {
            virtualization("VMPTRST");
            return;
        }
        throw x.ud(); // RDRAND/RDSEED/RDPID are not advertised
    }

}
