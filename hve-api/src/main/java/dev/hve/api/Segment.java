package dev.hve.api;

/**
 * A segment register's visible selector and hidden descriptor cache.
 *
 * <p>{@code attributes} holds the descriptor's attribute bits in the descriptor's own layout,
 * shifted down by 40: bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G (Intel SDM
 * Vol. 3A §3.4.5, AMD APM Vol. 2 §4.7). Each backend converts this to its own format (the VMCS
 * access-rights field, or the VMCB's compressed 12-bit attrib).
 *
 * @param unusable the register holds no usable segment (a null selector loaded outside 64-bit
 *                 mode, for example). An unusable segment has no present descriptor, so its P bit
 *                 always reads as 0: that is how SVM's VMCB marks one, while VT-x keeps a separate
 *                 "unusable" bit, and the canonical form makes both read back the same.
 */
public record Segment(int selector, long base, int limit, int attributes, boolean unusable) {

    public static final int TYPE_MASK = 0xF;
    public static final int S = 1 << 4;
    public static final int P = 1 << 7;
    public static final int AVL = 1 << 12;
    public static final int L = 1 << 13;
    public static final int DB = 1 << 14;
    public static final int G = 1 << 15;
    /**
     * Not a descriptor bit: in {@link Vcpu#readSegments}'s attribute words, bit 16 marks an
     * {@link #unusable()} segment, so one word carries both.
     */
    public static final int UNUSABLE = 1 << 16;

    public Segment {
        if ((selector & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("selector out of range: " + Integer.toHexString(selector));
        }
        if ((attributes & ~0xF0FF) != 0) {
            throw new IllegalArgumentException("attribute bits outside 0xF0FF: " + Integer.toHexString(attributes));
        }
        if (unusable) {
            attributes &= ~P;
        }
    }

    public int dpl() {
        return (attributes >> 5) & 3;
    }

    public int type() {
        return attributes & TYPE_MASK;
    }

    public boolean present() {
        return (attributes & P) != 0;
    }

    /** A flat 4 GiB segment of the given type with the given default size bit. */
    public static Segment flat(int selector, int type, int dpl, boolean defaultBig, boolean longMode) {
        int attributes = type | S | (dpl << 5) | P | G | (defaultBig ? DB : 0) | (longMode ? L : 0);
        return new Segment(selector, 0, 0xFFFF_FFFF, attributes, false);
    }

    /** A real-mode segment: base = selector * 16, 64 KiB limit. */
    public static Segment realMode(int selector, boolean code) {
        int attributes = (code ? 0xB : 0x3) | S | P;
        return new Segment(selector, (long) selector << 4, 0xFFFF, attributes, false);
    }
}
