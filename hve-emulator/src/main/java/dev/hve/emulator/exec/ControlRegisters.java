package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;

import dev.hve.emulator.cpu.CpuState;

/**
 * MOV to and from control and debug registers, CLTS and LMSW, with the consistency checks of SDM
 * Vol. 3A §2.5 and the mode transitions CR0.PG/EFER.LME imply (IA-32e activation, §10.8.5).
 */
final class ControlRegisters {

    private final Interpreter x;
    private final CpuState s;
    /** CPUID.1:ECX.XSAVE and .VMX of the model: CR4.OSXSAVE / CR4.VMXE are reserved without them. */
    private final boolean xsave;
    private final boolean vmx;

    ControlRegisters(Interpreter x) {
        this.x = x;
        this.s = x.s;
        int[] leaf1 = new int[4];
        x.model.cpuid(1, 0, leaf1);
        this.xsave = (leaf1[2] & (1 << 26)) != 0;
        this.vmx = (leaf1[2] & (1 << 5)) != 0;
    }

    private void exitIf(boolean exited) {
        if (exited) {
            throw ExitSignal.INSTANCE;
        }
    }

    /** MOV to/from CR0, CR2, CR3, CR4, CR8 (SDM Vol. 2B, MOV—Move to/from Control Registers). */
    void movControlRegister(boolean write) {
        int cr = x.in.reg;
        if (cr == 1 || (cr > 4 && cr != 8)) {
            throw x.ud();
        }
        x.requireCpl0();
        int size = s.mode64() ? 8 : 4;
        int gpr = x.in.rm;
        if (!write) {
            if (cr != 2) {
                exitIf(x.controls.controlRegisterAccess(cr, false, gpr, 0, x.in.length));
            }
            long v;
            switch (cr) {
                case 0: v = x.controls.controlRegisterRead(0, s.cr0); break;
                case 2: v = s.cr2; break;
                case 3: v = s.cr3; break;
                case 4: v = x.controls.controlRegisterRead(4, s.cr4); break;
                default: v = s.cr8; break;
            }
            x.setReg(size, gpr, v);
            return;
        }
        long v = x.reg(size, gpr);
        if (cr != 2) {
            exitIf(x.controls.controlRegisterAccess(cr, true, gpr, v, x.in.length));
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
        v = x.controls.controlRegisterWrite(0, s.cr0, v) | CpuState.CR0_ET;
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
        long oldCr0 = s.cr0;
        s.cr0 = v;
        if ((changed & (CpuState.CR0_PG | CpuState.CR0_CD | CpuState.CR0_NW)) != 0 && paeLegacyPaging()
            && !x.mem.loadPdptes()) {
            s.cr0 = oldCr0;
            throw x.gp(0);
        }
        if ((changed & (CpuState.CR0_PG | CpuState.CR0_WP | CpuState.CR0_PE)) != 0) {
            x.mem.flushAll();
        }
        if ((changed & CpuState.CR0_PE) != 0 && (v & CpuState.CR0_PE) == 0) {
            s.cpl = 0; // back to real mode
        }
    }

    /** PAE paging outside IA-32e mode, where CR0/CR3/CR4 writes load the PDPTE registers. */
    private boolean paeLegacyPaging() {
        return s.pagingEnabled() && (s.cr4 & CpuState.CR4_PAE) != 0 && !s.longModeActive();
    }

    void writeCr3(long v) {
        if (s.longModeActive() && (v >>> 52) != 0) {
            throw x.gp(0);
        }
        long old = s.cr3;
        s.cr3 = s.longModeActive() ? v : v & 0xFFFF_FFFFL;
        if (paeLegacyPaging() && !x.mem.loadPdptes()) {
            s.cr3 = old;
            throw x.gp(0);
        }
        x.mem.flushAll();
    }

    void writeCr4(long v) {
        // VME and PVI are not modeled (and not offered in CPUID), so they are reserved here.
        long supported = CpuState.CR4_TSD | CpuState.CR4_DE | CpuState.CR4_PSE
            | CpuState.CR4_PAE | CpuState.CR4_MCE | CpuState.CR4_PGE | CpuState.CR4_PCE | CpuState.CR4_OSFXSR
            | CpuState.CR4_OSXMMEXCPT | (xsave ? CpuState.CR4_OSXSAVE : 0) | (vmx ? CpuState.CR4_VMXE : 0);
        if ((v & ~supported) != 0) {
            throw x.gp(0);
        }
        v = x.controls.controlRegisterWrite(4, s.cr4, v);
        if (s.longModeActive() && (v & CpuState.CR4_PAE) == 0) {
            throw x.gp(0);
        }
        long changed = v ^ s.cr4;
        long oldCr4 = s.cr4;
        s.cr4 = v;
        if ((changed & (CpuState.CR4_PAE | CpuState.CR4_PSE | CpuState.CR4_PGE)) != 0 && paeLegacyPaging()
            && !x.mem.loadPdptes()) {
            s.cr4 = oldCr4;
            throw x.gp(0);
        }
        if ((changed & (CpuState.CR4_PAE | CpuState.CR4_PSE | CpuState.CR4_PGE)) != 0) {
            x.mem.flushAll();
        }
    }

    /** CLTS: clears CR0.TS; a CR0 write as far as intercepts go. */
    void clts() {
        x.requireCpl0();
        exitIf(x.controls.controlRegisterAccess(0, true, -1, s.cr0 & ~CpuState.CR0_TS, x.in.length));
        s.cr0 = x.controls.controlRegisterWrite(0, s.cr0, s.cr0 & ~CpuState.CR0_TS);
    }

    /** LMSW: loads PE, MP, EM, TS; PE cannot be cleared this way. */
    void lmsw(long v) {
        x.requireCpl0();
        long nv = (s.cr0 & ~0xEL) | (v & 0xF) | (s.cr0 & CpuState.CR0_PE);
        exitIf(x.controls.controlRegisterAccess(0, true, -1, nv, x.in.length));
        nv = x.controls.controlRegisterWrite(0, s.cr0, nv);
        long changedPe = (nv ^ s.cr0) & CpuState.CR0_PE;
        s.cr0 = nv;
        if (changedPe != 0) {
            x.mem.flushAll();
        }
    }

    void movDebugRegister(boolean write) {
        int dr = x.in.reg;
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
        exitIf(x.controls.debugRegisterAccess(dr, write, x.in.rm, x.in.length));
        if (write) {
            long v = x.reg(size, x.in.rm);
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
            x.setReg(size, x.in.rm, s.dr[dr]);
        }
    }
}
