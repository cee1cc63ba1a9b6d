package dev.hve.emulator.decode;

/**
 * Where the decoder gets instruction bytes. The core implements it over guest memory (a fetch may
 * raise #PF or leave guest mode by throwing); tests and the objdump cross-check implement it over
 * an array.
 */
public interface ByteSource {

    /** The byte at {@code index} bytes past the instruction's first byte, 0..255. */
    int fetch(int index);
}
