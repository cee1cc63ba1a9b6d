package dev.hve.emulator.cpuid;

import java.util.Map;

/**
 * A CPU model answering CPUID from a table of leaves. Leaves above the maximum basic or extended
 * leaf return the highest basic leaf's values, as Intel parts do (SDM Vol. 2A, CPUID); missing
 * leaves within range return zeros.
 */
final class TableCpuModel implements CpuModel {

    private final String name;
    private final Map<Long, int[]> leaves;
    private final int maxBasic;
    private final int maxExtended;

    TableCpuModel(String name, String vendor, Map<Long, int[]> leaves) {
        this.name = name;
        this.leaves = leaves;
        this.maxBasic = leaves.get(key(0, 0))[0];
        this.maxExtended = leaves.get(key(0x8000_0000, 0))[0];
        int[] zero = leaves.get(key(0, 0));
        if (!vendor.equals(vendorOf(zero))) {
            throw new IllegalStateException("leaf 0 of " + name + " does not say " + vendor);
        }
    }

    static long key(int leaf, int subleaf) {
        return ((long) leaf << 32) | (subleaf & 0xFFFF_FFFFL);
    }

    /** Packs a 12-character vendor string into leaf 0's EBX, EDX, ECX order. */
    static int[] vendorRegisters(String vendor) {
        int[] words = new int[3];
        for (int i = 0; i < 12; i++) {
            words[i / 4] |= (vendor.charAt(i) & 0xFF) << (8 * (i % 4));
        }
        return new int[] {words[0], words[2], words[1]}; // EBX, ECX, EDX
    }

    private static String vendorOf(int[] leaf0) {
        int[] ordered = {leaf0[1], leaf0[3], leaf0[2]};
        StringBuilder text = new StringBuilder();
        for (int word : ordered) {
            for (int b = 0; b < 4; b++) {
                text.append((char) ((word >>> (8 * b)) & 0xFF));
            }
        }
        return text.toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void cpuid(int leaf, int subleaf, int[] out) {
        boolean extended = leaf < 0;
        boolean inRange = extended ? Integer.compareUnsigned(leaf, maxExtended) <= 0 : leaf <= maxBasic;
        int[] value;
        if (!inRange) {
            value = leaves.get(key(maxBasic, 0));
        } else {
            value = leaves.get(key(leaf, subleaf));
            if (value == null) {
                value = leaves.get(key(leaf, 0));
                if (value == null || !subleafIndependent(leaf)) {
                    value = null;
                }
            }
        }
        if (value == null) {
            out[0] = out[1] = out[2] = out[3] = 0;
        } else {
            System.arraycopy(value, 0, out, 0, 4);
        }
    }

    /** Leaves whose output does not depend on ECX. */
    private static boolean subleafIndependent(int leaf) {
        return leaf != 4 && leaf != 7 && leaf != 0xB && leaf != 0xD && leaf != 0x8000_001D;
    }
}
