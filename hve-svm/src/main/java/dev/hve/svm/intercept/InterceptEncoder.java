package dev.hve.svm.intercept;

import dev.hve.api.InterceptConfig;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;

/**
 * Translates a vendor-neutral {@link InterceptConfig} into SVM controls: the intercept vectors of
 * the VMCB control area, the IOPM and the MSRPM (AMD APM Vol. 2, §15.9-§15.11).
 *
 * <p>Some intercepts are the backend's own, whatever the monitor asks for, because the backend
 * plays the hypervisor that owns the physical CPU:
 * <ul>
 *   <li>INTR, to take the CPU back when the instruction budget runs out (modeled as a physical
 *       interrupt arriving, §15.21.2);</li>
 *   <li>NMI, SHUTDOWN, so that neither a host NMI nor a guest triple fault escapes the model;</li>
 *   <li>VMRUN, which §15.5.1 requires (VMRUN fails its consistency checks without it), and the
 *       other SVM instructions, which the guest must not execute on the host's behalf;</li>
 *   <li>VMMCALL, because on SVM it raises #UD unless intercepted, while the common API promises a
 *       hypercall exit as VT-x's always-exiting VMCALL gives;</li>
 *   <li>IOIO_PROT and MSR_PROT, so that the IOPM and MSRPM are consulted at all.</li>
 * </ul>
 */
public final class InterceptEncoder {

    /** Intercepts in vector 3 that the backend always sets. */
    public static final int VECTOR3_ALWAYS = 1 << InterceptBits.INTR | 1 << InterceptBits.NMI
        | 1 << InterceptBits.SHUTDOWN | 1 << InterceptBits.IOIO_PROT | 1 << InterceptBits.MSR_PROT
        | 1 << InterceptBits.INVLPGA;
    /** Intercepts in vector 4 that the backend always sets. */
    public static final int VECTOR4_ALWAYS = 1 << InterceptBits.VMRUN | 1 << InterceptBits.VMMCALL
        | 1 << InterceptBits.VMLOAD | 1 << InterceptBits.VMSAVE | 1 << InterceptBits.STGI
        | 1 << InterceptBits.CLGI | 1 << InterceptBits.SKINIT;

    private InterceptEncoder() {
    }

    /** The first general intercept vector (offset 0x00C) for {@code config}, VINTR excluded. */
    public static int vector3(InterceptConfig config) {
        int vector = VECTOR3_ALWAYS;
        if (config.cpuid()) {
            vector |= 1 << InterceptBits.CPUID;
        }
        if (config.hlt()) {
            vector |= 1 << InterceptBits.HLT;
        }
        if (config.rdtsc()) {
            vector |= 1 << InterceptBits.RDTSC;
        }
        if (config.invlpg()) {
            vector |= 1 << InterceptBits.INVLPG;
        }
        return vector;
    }

    /** The second general intercept vector (offset 0x010) for {@code config}. */
    public static int vector4(InterceptConfig config) {
        int vector = VECTOR4_ALWAYS;
        if (config.rdtsc()) {
            // The neutral "RDTSC" covers both time-stamp reads, as VT-x's RDTSC exiting does.
            vector |= 1 << InterceptBits.RDTSCP;
        }
        return vector;
    }

    /**
     * Writes the intercept vectors into {@code vmcb} and fills the maps at {@code iopm} and
     * {@code msrpm}. The VINTR bit is left as it was: it belongs to the interrupt window.
     */
    public static void encode(InterceptConfig config, Vmcb vmcb, long iopm, long msrpm) {
        vmcb.write32(VmcbLayout.INTERCEPT_CR, 0);
        vmcb.write32(VmcbLayout.INTERCEPT_DR, 0);
        vmcb.write32(VmcbLayout.INTERCEPT_EXCEPTIONS, config.exceptionBitmap());
        int vintr = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3) & (1 << InterceptBits.VINTR);
        vmcb.write32(VmcbLayout.INTERCEPT_VECTOR3, vector3(config) | vintr);
        vmcb.write32(VmcbLayout.INTERCEPT_VECTOR4, vector4(config));
        vmcb.write64(VmcbLayout.IOPM_BASE_PA, iopm);
        vmcb.write64(VmcbLayout.MSRPM_BASE_PA, msrpm);
        encodeIopm(config.ports(), vmcb.memory(), iopm);
        encodeMsrpm(config, vmcb.memory(), msrpm);
    }

    static void encodeIopm(BitSet ports, HostMemory memory, long iopm) {
        byte[] map = new byte[Iopm.SIZE];
        for (int port = ports.nextSetBit(0); port >= 0 && port < 0x10000; port = ports.nextSetBit(port + 1)) {
            map[port >>> 3] |= (byte) (1 << (port & 7));
        }
        // Accesses that run past port 0xFFFF wrap the 16-bit port space; they always exit, which
        // is also what VT-x's I/O bitmaps do (Intel SDM Vol. 3C §26.1.3).
        for (int bit = 0x10000; bit < 0x10003; bit++) {
            map[bit >>> 3] |= (byte) (1 << (bit & 7));
        }
        memory.writeBytes(iopm, map, 0, map.length);
    }

    static void encodeMsrpm(InterceptConfig config, HostMemory memory, long msrpm) {
        byte[] map = new byte[Msrpm.SIZE];
        if (config.msrs() == null) {
            java.util.Arrays.fill(map, (byte) 0xFF);
        } else {
            for (int msr : config.msrs()) {
                int bit = Msrpm.readBit(msr);
                if (bit >= 0) {
                    map[bit >>> 3] |= (byte) (3 << (bit & 7));
                }
            }
        }
        memory.writeBytes(msrpm, map, 0, map.length);
    }
}
