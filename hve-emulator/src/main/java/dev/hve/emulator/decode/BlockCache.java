package dev.hve.emulator.decode;

import dev.hve.emulator.memory.CodePages;

/**
 * Decoded blocks ({@link DecodedBlock}) kept per core, direct-mapped by the host-physical address
 * of their first instruction and the code-segment size. A block is found without looking at the
 * instruction bytes: its page's code stamp ({@link CodePages}) proves that nothing wrote the page
 * since the block was decoded. When something did, the block's bytes are compared once with
 * memory: equal bytes (a data write elsewhere in the page) revalidate it, different bytes empty
 * it. A block is never reallocated, so steady-state execution allocates nothing.
 */
public final class BlockCache {

    private static final int BITS = 11;
    private static final int SIZE = 1 << BITS;

    private final DecodedBlock[] blocks = new DecodedBlock[SIZE];

    private static int index(long hpa) {
        return (int) (hpa ^ (hpa >>> BITS) ^ (hpa >>> 22)) & (SIZE - 1);
    }

    /**
     * The block starting at {@code hpa} for {@code codeSize}, valid under the current stamp of
     * its page; possibly empty. {@code window[offset]} is the byte at {@code hpa}.
     */
    public DecodedBlock find(long hpa, int codeSize, CodePages pages, byte[] window, int offset) {
        int i = index(hpa);
        DecodedBlock b = blocks[i];
        if (b == null) {
            b = new DecodedBlock(); // once per slot
            blocks[i] = b;
        }
        int page = (int) (hpa >>> 12);
        if (b.hpa == hpa && b.codeSize == codeSize) {
            int now = pages.stamp(page);
            if (now == b.stamp) {
                return b;
            }
            if (b.sameBytes(window, offset)) {
                b.stamp = pages.mark(page);
                return b;
            }
        }
        b.reset(hpa, codeSize, page, pages.mark(page));
        return b;
    }
}
