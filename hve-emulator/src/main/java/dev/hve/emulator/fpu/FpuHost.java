package dev.hve.emulator.fpu;

/**
 * What the x87 and SSE units need from the core, implemented by a small adapter in the interpreter.
 * It keeps these packages free of dependencies on the executor (ArchUnit forbids package cycles).
 *
 * <p>Memory methods take a segment register index (CpuState.ES..GS) and an offset that the unit has
 * already wrapped to the instruction's address size; the implementation applies segmentation,
 * alignment checking, paging and raises the core's own exceptions (#GP, #SS, #PF, #AC) by throwing,
 * exactly like an integer instruction's operand access.
 */
public interface FpuHost {

    /** Reads 1, 2, 4 or 8 bytes, zero-extended. */
    long read(int seg, long offset, int size);

    void write(int seg, long offset, int size, long value);

    /** Raises what a write of {@code size} bytes would, without writing (multi-part stores probe first). */
    void probeWrite(int seg, long offset, int size);

    long cr0();

    long cr4();

    /** XCR0, the enabled XSAVE state components (XSAVE/XRSTOR AND it with EDX:EAX). */
    long xcr0();

    /** General register {@code r} (0-15), all 64 bits. */
    long gpr(int r);

    void setGpr(int r, long value);

    long rflags();

    void setRflags(long value);

    /** True in protected mode outside virtual-8086 mode: selects the protected-mode FNSTENV/FNSAVE layout. */
    boolean protectedMode();

    /**
     * The base that segment {@code seg} contributes to a linear address (0 for ES/CS/SS/DS in 64-bit
     * mode): 16-byte alignment checks apply to the linear address (SDM Vol. 1 §11.4.1).
     */
    long segmentBase(int seg);

    /** The selector currently in segment register {@code seg}. */
    int selector(int seg);

    /** Offset (RIP/EIP/IP) of the instruction being executed, for FIP. */
    long instructionPointer();
}
