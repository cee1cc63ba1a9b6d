package dev.hve.emulator.exec;

import dev.hve.emulator.decode.DecodedBlock;
import java.lang.invoke.MethodHandles;

/**
 * Compiles hot decoded blocks to JVM code. The interpreter hands it a block that has been
 * entered often enough, with a lookup in this package, so that the generated class may use the
 * interpreter's package-private helpers; the translator defines the class with it.
 */
public interface BlockTranslator {

    /**
     * The compiled form of {@code block}'s first instructions, or null when compiling it would not
     * pay (its first instruction cannot be compiled).
     */
    CompiledBlock translate(DecodedBlock block, MethodHandles.Lookup lookup);

    /** Block entries before a block is compiled. */
    int threshold();
}
