package dev.hve.svm.intercept;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SensitiveInstruction;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import dev.hve.svm.vmcb.VmcbWriter;
import java.util.Arrays;

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

    /** The eight descriptor-table intercepts, IDTR_READ (bit 6) to TR_WRITE (bit 13). */
    static final int DESCRIPTOR_TABLE_BITS = 0xFF << InterceptBits.IDTR_READ;
    /**
     * {@link SensitiveInstruction#MOV_CR}: the accesses both vendors can intercept, writes of
     * CR0, CR3, CR4 and CR8 (bits 16, 19, 20, 24) and reads of CR3 and CR8 (bits 3, 8). The CR0
     * write intercept also covers CLTS and LMSW (§15.9.1), as VT-x's CR0 mask does.
     */
    static final int MOV_CR_BITS = 1 << 3 | 1 << 8 | 1 << 16 | 1 << 19 | 1 << 20 | 1 << 24;
    /** {@link SensitiveInstruction#MOV_DR}: reads and writes of DR0-DR7. */
    static final int MOV_DR_BITS = 0xFF | 0xFF << 16;

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
        if (config.intercepts(SensitiveInstruction.PAUSE)) {
            vector |= 1 << InterceptBits.PAUSE;
        }
        if (config.intercepts(SensitiveInstruction.INVD)) {
            vector |= 1 << InterceptBits.INVD;
        }
        if (config.intercepts(SensitiveInstruction.RDPMC)) {
            vector |= 1 << InterceptBits.RDPMC;
        }
        if (config.intercepts(SensitiveInstruction.DESCRIPTOR_TABLE)) {
            vector |= DESCRIPTOR_TABLE_BITS;
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
        if (config.intercepts(SensitiveInstruction.WBINVD)) {
            vector |= 1 << InterceptBits.WBINVD;
        }
        if (config.intercepts(SensitiveInstruction.XSETBV)) {
            vector |= 1 << InterceptBits.XSETBV;
        }
        return vector;
    }

    /** The CR intercept word at offset 0x000 (reads in bits 15:0, writes in 31:16). */
    public static int crIntercepts(InterceptConfig config) {
        return config.intercepts(SensitiveInstruction.MOV_CR) ? MOV_CR_BITS : 0;
    }

    /** The DR intercept word at offset 0x004 (reads in bits 15:0, writes in 31:16). */
    public static int drIntercepts(InterceptConfig config) {
        return config.intercepts(SensitiveInstruction.MOV_DR) ? MOV_DR_BITS : 0;
    }

    /**
     * Writes the intercept vectors into the VMCB and fills the maps at {@code iopm} and
     * {@code msrpm}. The VINTR bit is left as it was: it belongs to the interrupt window. The
     * writes go through the hypervisor's {@code writer}, which clears the I and IOPM clean bits.
     */
    public static void encode(InterceptConfig config, VmcbWriter writer, long iopm, long msrpm) {
        Vmcb vmcb = writer.vmcb();
        writer.write32(VmcbLayout.INTERCEPT_CR, crIntercepts(config));
        writer.write32(VmcbLayout.INTERCEPT_DR, drIntercepts(config));
        writer.write32(VmcbLayout.INTERCEPT_EXCEPTIONS, config.exceptionBitmap());
        int vintr = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3) & (1 << InterceptBits.VINTR);
        writer.write32(VmcbLayout.INTERCEPT_VECTOR3, vector3(config) | vintr);
        writer.write32(VmcbLayout.INTERCEPT_VECTOR4, vector4(config));
        writer.write64(VmcbLayout.IOPM_BASE_PA, iopm);
        writer.write64(VmcbLayout.MSRPM_BASE_PA, msrpm);
        encodeIopm(config, vmcb.memory(), iopm);
        encodeMsrpm(config, vmcb.memory(), msrpm);
    }

    static void encodeIopm(InterceptConfig config, HostMemory memory, long iopm) {
        byte[] map = Arrays.copyOf(config.portBitmap(), Iopm.SIZE); // bit n: port n
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
            Arrays.fill(map, (byte) 0xFF);
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
