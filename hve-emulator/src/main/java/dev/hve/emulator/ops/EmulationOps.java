package dev.hve.emulator.ops;

import dev.hve.emulator.cpu.CpuState;

/**
 * What {@link InstructionEmulator} needs from its caller, in the spirit of KVM's
 * {@code x86_emulate_ops}: register accessors and memory callbacks. The platform's MMIO decode
 * implements it over the backend-neutral register accessors of a vCPU and its MMIO bus, so one
 * decoder/executor serves both the core and MMIO emulation.
 *
 * <p>Memory callbacks receive linear addresses (segmentation already applied by the emulator). They
 * may throw {@link dev.hve.emulator.exec.Fault} to report an exception (for example a #PF found
 * while walking the guest's page tables); the emulator then reports
 * {@link InstructionEmulator.Outcome#EXCEPTION} and writes no registers back.
 */
public interface EmulationOps {

    /**
     * Copies the guest's architectural state into {@code state}: at least the GPRs, RIP, RFLAGS,
     * the segment caches, CR0/CR3/CR4, EFER and CPL.
     */
    void readState(CpuState state);

    /** Writes back GPRs, RIP and RFLAGS (and anything else the instruction changed) after success. */
    void writeState(CpuState state);

    /** Reads {@code size} (1, 2, 4, 8) bytes at a guest-linear address, zero-extended. */
    long readMemory(long linear, int size);

    void writeMemory(long linear, int size, long value);

    /** One instruction byte at a guest-linear address. */
    int fetchByte(long linear);
}
