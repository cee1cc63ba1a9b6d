package com.example.pvcall;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.extension.ExtensionContext;
import dev.hve.api.extension.PlatformExtension;

/**
 * A paravirtual interface a guest can discover and call, added without touching HVE's code:
 * <ul>
 *   <li>CPUID leaf 0x40000000 names it ("HVEPVCALLS" in EBX, ECX, EDX; the highest leaf in EAX),
 *       in the range both vendors reserve for hypervisors;</li>
 *   <li>hypercalls ({@link PvHypercalls}) with KVM's register ABI;</li>
 *   <li>an MSR ({@link GuestIdMsr}) where the guest records who it is.</li>
 * </ul>
 */
public final class PvCallExtension implements PlatformExtension {

    static final int SIGNATURE_LEAF = 0x4000_0000;
    static final int FEATURES_LEAF = 0x4000_0001;
    static final String SIGNATURE = "HVEPVCALLS\0\0";
    /** Feature bit 0: the CRC-32 hypercall exists. */
    static final int FEATURE_CRC32 = 1;

    @Override
    public String name() {
        return "pv-hypercall";
    }

    @Override
    public void install(ExtensionContext context) {
        context.addHypercallHandler(new PvHypercalls());
        context.addMsrProvider(new GuestIdMsr());
        context.addCpuidProvider((leaf, subleaf, current) -> {
            if (leaf == SIGNATURE_LEAF) {
                int[] words = signatureWords();
                return new CpuidLeaf(FEATURES_LEAF, words[0], words[1], words[2]);
            }
            if (leaf == FEATURES_LEAF) {
                return new CpuidLeaf(FEATURE_CRC32, 0, 0, 0);
            }
            return current;
        });
    }

    private static int[] signatureWords() {
        int[] words = new int[3];
        for (int i = 0; i < 12; i++) {
            words[i / 4] |= (SIGNATURE.charAt(i) & 0xFF) << (8 * (i % 4));
        }
        return words;
    }
}
