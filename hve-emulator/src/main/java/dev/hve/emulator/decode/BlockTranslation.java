package dev.hve.emulator.decode;

/**
 * What an executor compiled a {@link DecodedBlock} into. The block only carries it: it is dropped
 * whenever the block is refilled with other code, and it stays valid while the block's decodes
 * do. The executor owns the concrete type; this package knows nothing of it.
 */
public abstract class BlockTranslation {

    /** The instructions the translation covers, from the block's first. */
    public final int length;
    /** Bytes those instructions take, from the block's start: all must be fetchable to run it. */
    public final int codeBytes;

    protected BlockTranslation(int length, int codeBytes) {
        this.length = length;
        this.codeBytes = codeBytes;
    }
}
