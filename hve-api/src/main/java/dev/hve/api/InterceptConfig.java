package dev.hve.api;

import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which guest events the monitor wants to see, in vendor-neutral terms. Each backend translates
 * this into its own controls: VMCS execution controls, exception bitmap and I/O and MSR bitmaps
 * on VT-x; VMCB intercept vectors, IOPM and MSRPM on SVM. Where the hardware exits regardless
 * (CPUID always exits under VT-x), the backend handles the exit itself so the monitor sees
 * exactly what it asked for.
 *
 * @param ports            intercepted I/O ports (bit n = port n)
 * @param msrs             intercepted MSRs; {@code null} means all of them
 * @param exceptionBitmap  bit n set: exception vector n exits
 * @param instructions     further instructions that exit; the backend carries them out and
 *                         reports them to its {@link InternalExitListener}, RDTSC and INVLPG alike
 */
public record InterceptConfig(BitSet ports, Set<Integer> msrs, int exceptionBitmap,
                              boolean cpuid, boolean hlt, boolean rdtsc, boolean invlpg,
                              Set<SensitiveInstruction> instructions) {

    /** Bytes of {@link #portBitmap()}: one bit per port of the 64 Ki port space. */
    public static final int PORT_BITMAP_BYTES = 0x10000 / 8;

    public InterceptConfig {
        ports = (BitSet) ports.clone();
        msrs = msrs == null ? null : Set.copyOf(msrs);
        instructions = instructions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(instructions));
    }

    /** A configuration that intercepts none of the {@link SensitiveInstruction}s. */
    public InterceptConfig(BitSet ports, Set<Integer> msrs, int exceptionBitmap,
                           boolean cpuid, boolean hlt, boolean rdtsc, boolean invlpg) {
        this(ports, msrs, exceptionBitmap, cpuid, hlt, rdtsc, invlpg, Set.of());
    }

    /**
     * What a full monitor wants: every port, CPUID and HLT; no MSRs (the guest's own MSR state
     * runs in the core until a provider claims one) and no exceptions.
     */
    public static InterceptConfig monitorDefaults() {
        BitSet all = new BitSet(65536);
        all.set(0, 65536);
        return new InterceptConfig(all, Set.of(), 0, true, true, false, false);
    }

    /** This configuration with exactly {@code intercepted} MSRs. */
    public InterceptConfig withMsrs(Set<Integer> intercepted) {
        return new InterceptConfig(ports, intercepted, exceptionBitmap, cpuid, hlt, rdtsc, invlpg, instructions);
    }

    /** This configuration with {@code vectors} (bit n = vector n) intercepted as well. */
    public InterceptConfig withExceptions(int vectors) {
        return new InterceptConfig(ports, msrs, exceptionBitmap | vectors, cpuid, hlt, rdtsc, invlpg, instructions);
    }

    /** This configuration with RDTSC/RDTSCP, INVLPG and {@code more} intercepted as well. */
    public InterceptConfig withInstructions(boolean rdtscToo, boolean invlpgToo, Set<SensitiveInstruction> more) {
        EnumSet<SensitiveInstruction> all = EnumSet.noneOf(SensitiveInstruction.class);
        all.addAll(instructions);
        all.addAll(more);
        return new InterceptConfig(ports, msrs, exceptionBitmap, cpuid, hlt, rdtsc || rdtscToo, invlpg || invlpgToo, all);
    }

    public boolean intercepts(SensitiveInstruction instruction) {
        return instructions.contains(instruction);
    }

    public boolean interceptsPort(int port) {
        return ports.get(port);
    }

    public boolean interceptsMsr(int msr) {
        return msrs == null || msrs.contains(msr);
    }

    @Override
    public BitSet ports() {
        return (BitSet) ports.clone();
    }

    /**
     * The intercepted ports as an 8 KiB bitmap, bit n of the whole (byte n / 8, bit n % 8) for
     * port n: the layout of both vendors' I/O bitmaps (VT-x splits it over bitmaps A and B, SDM
     * Vol. 3C §25.6.4; SVM's IOPM is one, APM Vol. 2 §15.10.1), so an encoder copies it instead of
     * walking 65,536 ports.
     */
    public byte[] portBitmap() {
        byte[] set = ports.toByteArray(); // little-endian: bit 8k + j is bit j of byte k
        return Arrays.copyOf(set, PORT_BITMAP_BYTES); // ports past 0xFFFF cut off, the rest zero
    }
}
