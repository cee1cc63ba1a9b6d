package dev.hve.platform.dispatch;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.RunOutcome;
import dev.hve.platform.io.IoPortBus;

/**
 * The common exit handler: maps each common exit kind to the code that handles it, the same code
 * on every backend. A handler writes its results through the neutral register accessors and
 * completes the instruction or injects an event. An exit nothing handles stops the run with a
 * report naming the kind, the vendor record, RIP and the instruction bytes; nothing hangs
 * silently.
 */
public final class ExitDispatcher {

    private final IoPortBus ioBus;
    private final CpuidPolicy cpuid;
    private final MsrPolicy msrs;
    private final HypercallDispatch hypercalls;
    private final GuestMemory memory;
    private final MmioEmulation mmio;
    private final HaltPolicy halt;
    private long lastPortValue;

    /** What the machine does when a vCPU executes HLT: wait for an interrupt, or end the run. */
    public interface HaltPolicy {
        /** The vCPU has completed its HLT; returns null to go on, or how the run ends. */
        RunOutcome halted(Vcpu vcpu, long rip);
    }

    public ExitDispatcher(IoPortBus ioBus, CpuidPolicy cpuid, MsrPolicy msrs, HypercallDispatch hypercalls,
                          GuestMemory memory, MmioEmulation mmio, HaltPolicy halt) {
        this.ioBus = ioBus;
        this.cpuid = cpuid;
        this.msrs = msrs;
        this.hypercalls = hypercalls;
        this.memory = memory;
        this.mmio = mmio;
        this.halt = halt;
    }

    /** The value the last port exit carried: what a device returned for IN, what the guest wrote for OUT. */
    public long lastPortValue() {
        return lastPortValue;
    }

    /** Handles one exit; returns null to keep running, or how the run ends. */
    public RunOutcome dispatch(Vcpu vcpu, VmExit exit) {
        switch (exit.kind()) {
            case PORT_IO:
                return portIo(vcpu, (VmExit.PortIo) exit);
            case CPUID:
                return cpuid(vcpu, (VmExit.Cpuid) exit);
            case PREEMPTED:
                return null;
            case HLT:
                return hlt(vcpu);
            case MSR:
                msrs.access(vcpu, (VmExit.MsrAccess) exit);
                return null;
            case HYPERCALL:
                hypercalls.call(vcpu, memory);
                return null;
            case MMIO:
                mmio.emulate(vcpu, (VmExit.MmioAccess) exit);
                return null;
            case INTERRUPT_WINDOW:
                // The loop injects whatever is pending before the next entry.
                return null;
            case EXCEPTION:
                ExceptionReflection.reflect(vcpu, (VmExit.Exception) exit);
                return null;
            case SHUTDOWN:
                return new RunOutcome.TripleFault(((VmExit.Shutdown) exit).reason(), vcpu.register(Register.RIP));
            case ENTRY_FAILURE:
                VmExit.EntryFailure failure = (VmExit.EntryFailure) exit;
                return new RunOutcome.EntryFailure(failure.reason(), failure.vendorError());
            default:
                return new RunOutcome.UnhandledExit(UnhandledExitReport.describe(vcpu, exit));
        }
    }

    private RunOutcome portIo(Vcpu vcpu, VmExit.PortIo io) {
        if (io.string()) {
            lastPortValue = StringIo.emulate(vcpu, io, ioBus, memory);
            return null;
        }
        if (io.in()) {
            long value = ioBus.read(io.port(), io.size());
            lastPortValue = value;
            writeAccumulator(vcpu, io.size(), value);
        } else {
            lastPortValue = io.value();
            ioBus.write(io.port(), io.size(), io.value());
        }
        vcpu.completeInstruction();
        return null;
    }

    /**
     * IN writes AL, AX or EAX. As with every 32-bit destination in 64-bit mode, writing EAX
     * clears bits 63:32; AL and AX leave the rest of RAX alone (Intel SDM Vol. 1 §3.4.1.1).
     */
    static void writeAccumulator(Vcpu vcpu, int size, long value) {
        long rax = vcpu.register(Register.RAX);
        long merged = switch (size) {
            case 1 -> (rax & ~0xFFL) | (value & 0xFF);
            case 2 -> (rax & ~0xFFFFL) | (value & 0xFFFF);
            default -> value & 0xFFFF_FFFFL;
        };
        vcpu.setRegister(Register.RAX, merged);
    }

    private RunOutcome cpuid(Vcpu vcpu, VmExit.Cpuid request) {
        CpuidLeaf leaf = cpuid.leaf(request.leaf(), request.subleaf(), vcpu.index(), vcpu.register(Register.CR4));
        // CPUID writes 32-bit results, so bits 63:32 of each register are cleared in 64-bit mode.
        vcpu.setRegister(Register.RAX, leaf.eax() & 0xFFFF_FFFFL);
        vcpu.setRegister(Register.RBX, leaf.ebx() & 0xFFFF_FFFFL);
        vcpu.setRegister(Register.RCX, leaf.ecx() & 0xFFFF_FFFFL);
        vcpu.setRegister(Register.RDX, leaf.edx() & 0xFFFF_FFFFL);
        vcpu.completeInstruction();
        return null;
    }

    private RunOutcome hlt(Vcpu vcpu) {
        long rip = vcpu.register(Register.RIP);
        vcpu.completeInstruction();
        return halt.halted(vcpu, rip);
    }
}
