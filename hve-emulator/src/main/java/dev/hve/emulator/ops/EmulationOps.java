package dev.hve.emulator.ops;

/**
 * What {@link InstructionEmulator} needs from its caller, in the spirit of KVM's
 * {@code x86_emulate_ops}: register accessors and memory callbacks. The platform's MMIO decode
 * implements it over the backend-neutral register accessors of a vCPU and its MMIO bus, so one
 * decoder/executor serves both the core and MMIO emulation.
 *
 * <p>Register numbers follow the encoding (0 = RAX .. 15 = R15); segment numbers are
 * {@code CpuState.ES..GS}; segment attributes use {@code CpuState}'s layout (descriptor bits 55:40
 * shifted down, bit 16 = unusable). Memory callbacks receive linear addresses (segmentation already
 * applied by the emulator) and may throw {@link dev.hve.emulator.exec.Fault} to report an exception
 * (for example a #PF found while walking the guest's page tables); the emulator then reports
 * {@link InstructionEmulator.Outcome#EXCEPTION} and writes no register back.
 */
public interface EmulationOps {

    long readGpr(int index);

    /** All sixteen GPRs into {@code destination[0..15]}, as {@link #readGpr} gives them; override to do it in one go. */
    default void readGprs(long[] destination) {
        for (int i = 0; i < 16; i++) {
            destination[i] = readGpr(i);
        }
    }

    void writeGpr(int index, long value);

    long readRip();

    /** RIP after the instruction: called once, when it completed (never after an exception). */
    void writeRip(long value);

    long readRflags();

    void writeRflags(long value);

    int segmentSelector(int segment);

    long segmentBase(int segment);

    /** Byte-granular limit. */
    int segmentLimit(int segment);

    int segmentAttributes(int segment);

    /**
     * ES..GS into {@code [0..5]} of each array, as the four accessors above give them; override to
     * do it in one go.
     */
    default void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        for (int seg = 0; seg < 6; seg++) {
            selectors[seg] = segmentSelector(seg);
            bases[seg] = segmentBase(seg);
            limits[seg] = segmentLimit(seg);
            attributes[seg] = segmentAttributes(seg);
        }
    }

    /** CR0, CR3 or CR4 (the emulator also asks for CR2 and CR8 only if the instruction uses them). */
    long readControlRegister(int cr);

    long readEfer();

    int cpl();

    /** Reads {@code size} (1, 2, 4, 8) bytes at a guest-linear address, zero-extended. */
    long readMemory(long linear, int size);

    void writeMemory(long linear, int size, long value);

    /** One instruction byte at a guest-linear address. */
    int fetchByte(long linear);
}
