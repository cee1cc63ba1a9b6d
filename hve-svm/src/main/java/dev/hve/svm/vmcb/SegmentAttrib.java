package dev.hve.svm.vmcb;

/**
 * The VMCB's compressed 12-bit segment attribute (AMD APM Vol. 2, §15.5.1 and Table B-2 note):
 * bits 7:0 are descriptor bits 47:40 (type, S, DPL, P) and bits 11:8 are descriptor bits 55:52
 * (AVL, L, D/B, G). The common API and the core keep the descriptor layout shifted down by 40,
 * where AVL..G sit at bits 15:12.
 */
public final class SegmentAttrib {

    private SegmentAttrib() {
    }

    /** Descriptor-layout attributes (bits 7:0 and 15:12) to the VMCB's 12-bit attrib. */
    public static int toVmcb(int descriptorAttributes) {
        return (descriptorAttributes & 0xFF) | ((descriptorAttributes >>> 4) & 0xF00);
    }

    /** The VMCB's 12-bit attrib to descriptor-layout attributes. */
    public static int fromVmcb(int attrib) {
        return (attrib & 0xFF) | ((attrib & 0xF00) << 4);
    }
}
