package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.Mode;
import dev.hve.emulator.control.HypercallInstruction;

/**
 * The steps that matter to a monitor: each one may leave guest mode, depending on the intercept
 * configuration. Registers they depend on (DX for the port, ECX for the MSR, EAX/ECX for the CPUID
 * leaf) are loaded inside the step, so the exit payload is fixed by the step, not by chance.
 */
public final class SensitiveSteps {

    private SensitiveSteps() {
    }

    /** IN or OUT, imm8 or DX form, size 1/2/4. */
    public record PortIo(boolean in, boolean dxForm, int size, int port, long value) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Assembler a = g.asm();
            if (!in) {
                a.movImm(g.reg(Gpr.AX, size), value);
            }
            if (dxForm) {
                a.movImm(g.reg(Gpr.DX, 2), port);
            }
            if (in && dxForm) {
                a.inDx(size);
            } else if (in) {
                a.in(size, port);
            } else if (dxForm) {
                a.outDx(size);
            } else {
                a.out(size, port);
            }
        }
    }

    /** INS or OUTS with or without REP, through the data area. Direction flag is clear (CLD in the prologue). */
    public record StringIo(boolean in, int size, boolean rep, int port, int count, int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Assembler a = g.asm();
            a.movImm(g.addressReg(in ? Gpr.DI : Gpr.SI), Layout.DATA + offset);
            if (rep) {
                a.movImm(g.addressReg(Gpr.CX), count);
            }
            a.movImm(g.reg(Gpr.DX, 2), port);
            if (in) {
                a.ins(size, rep);
            } else {
                a.outs(size, rep);
            }
        }
    }

    /**
     * A load or store at the MMIO hole: MOV r, m; MOV m, r; or MOV m, imm, through any addressing
     * form. Tagged so that the harness can emulate it.
     */
    public record Mmio(boolean write, boolean immediate, int reg, int size, Addr form, int offset, long value) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Assembler a = g.asm();
            Gpr r = g.reg(reg, size);
            Mem m = g.address(form, Layout.MMIO + offset, size);
            if (write && !immediate) {
                a.movImm(r, value);
            }
            // MOV m, imm32 sign-extends to a 64-bit operand: the device sees the extended value.
            long stored = size == 8 ? (long) (int) value : value;
            a.tagNext(new MmioOp(write, immediate, reg, size, stored));
            if (write && immediate) {
                a.movImm(m, value);
            } else if (write) {
                a.mov(m, r);
            } else {
                a.mov(r, m);
            }
        }
    }

    /** How the harness emulates a tagged MMIO instruction: MOV between memory and {@code reg} or an immediate. */
    public record MmioOp(boolean write, boolean immediate, int reg, int size, long immediateValue) {
    }

    public record Cpuid(int leaf, int subleaf) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(Gpr.AX, 4), leaf);
            g.asm().movImm(g.reg(Gpr.CX, 4), subleaf);
            g.asm().cpuid();
        }
    }

    /** STI; HLT: the idiom that waits for the next interrupt (STI's shadow covers the HLT). */
    public record Hlt() implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().sti();
            g.asm().hlt();
        }
    }

    /** Toggles IF, so interrupt arrivals meet both open and closed windows. */
    public record InterruptFlag(boolean enable) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (enable) {
                g.asm().sti();
            } else {
                g.asm().cli();
            }
        }
    }

    public record Rdmsr(int msr) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(Gpr.CX, 4), msr);
            g.asm().rdmsr();
        }
    }

    public record Wrmsr(int msr, long value) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(Gpr.CX, 4), msr);
            g.asm().movImm(g.reg(Gpr.AX, 4), value & 0xFFFF_FFFFL);
            g.asm().movImm(g.reg(Gpr.DX, 4), value >>> 32);
            g.asm().wrmsr();
        }
    }

    public record Rdtsc() implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().rdtsc();
        }
    }

    /**
     * The target backend's own hypercall instruction. Guests on real silicon must use their
     * vendor's instruction (VMMCALL is #UD on Intel and VMCALL on AMD unless intercepted), so the
     * step emits whichever the backend claims; both are three bytes, so layout is identical.
     */
    public record Hypercall(long function) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(Gpr.AX, 4), function);
            if (g.hypercall() == HypercallInstruction.VMCALL) {
                g.asm().vmcall();
            } else {
                g.asm().vmmcall();
            }
        }
    }

    public record Invlpg(int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().invlpg(Mem.absolute(Layout.DATA + offset, 1));
        }
    }

    /** MOV from CR0, CR2, CR3 or CR4 into a register. */
    public record ReadCr(int cr, int reg) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movFromCr(crReg(g, reg), cr);
        }
    }

    /** MOV to CR2 (any value is legal) or reload CR3 with itself (a TLB flush, no state change). */
    public record WriteCr(boolean cr3Reload, int reg, long value) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Gpr r = crReg(g, reg);
            if (cr3Reload) {
                g.asm().movFromCr(r, 3);
                g.asm().movToCr(3, r);
            } else {
                g.asm().movImm(r, value);
                g.asm().movToCr(2, r);
            }
        }
    }

    static Gpr crReg(GuestAsm g, int reg) {
        return Gpr.of(reg, g.mode() == Mode.BITS64 ? 8 : 4);
    }
}
