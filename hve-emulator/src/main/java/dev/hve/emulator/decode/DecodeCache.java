package dev.hve.emulator.decode;

/**
 * A direct-mapped cache of decoded instructions, indexed by the instruction's address. An entry
 * keeps the raw bytes it was decoded from; a lookup compares them with the bytes now in memory, so
 * self-modifying code, remapped pages and mode changes can never return a stale decode (a decode
 * depends only on its bytes and the code size). The comparison touches a few bytes where a decode
 * would walk prefixes, tables, ModRM and immediates. Everything is preallocated.
 */
public final class DecodeCache {

    private static final int BITS = 12;
    private static final int SIZE = 1 << BITS;
    private static final int MAX = 15;

    private final long[] tags = new long[SIZE];
    private final int[] codeSizes = new int[SIZE];
    private final byte[] bytes = new byte[SIZE * 16];
    private final Instruction[] entries = new Instruction[SIZE];

    public DecodeCache() {
        for (int i = 0; i < SIZE; i++) {
            entries[i] = new Instruction();
            tags[i] = -1;
        }
    }

    private static int index(long address) {
        return (int) (address ^ (address >>> BITS)) & (SIZE - 1);
    }

    /**
     * Fills {@code out} from the cache when the bytes at {@code window[offset..]} (of which
     * {@code available} may be read) still match the cached decode for {@code address}.
     */
    public boolean lookup(long address, int codeSize, byte[] window, int offset, int available, Instruction out) {
        int i = index(address);
        if (tags[i] != address || codeSizes[i] != codeSize) {
            return false;
        }
        Instruction e = entries[i];
        int length = e.length;
        if (length > available) {
            return false;
        }
        int b = i << 4;
        for (int k = 0; k < length; k++) {
            if (bytes[b + k] != window[offset + k]) {
                return false;
            }
        }
        out.copyFrom(e);
        return true;
    }

    /** Remembers a successful decode whose bytes all lie in {@code window}. */
    public void store(long address, int codeSize, byte[] window, int offset, Instruction decoded) {
        int length = decoded.length;
        if (length > MAX) {
            return;
        }
        int i = index(address);
        tags[i] = address;
        codeSizes[i] = codeSize;
        System.arraycopy(window, offset, bytes, i << 4, length);
        entries[i].copyFrom(decoded);
    }
}
