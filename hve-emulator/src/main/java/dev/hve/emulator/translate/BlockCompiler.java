package dev.hve.emulator.translate;

import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.exec.BlockTranslator;
import dev.hve.emulator.exec.CompiledBlock;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Translates hot decoded blocks to JVM bytecode: one hidden class per block, which HotSpot then
 * compiles like any other code. The block's instructions up to the first one the translator does
 * not handle ({@link Form#STOP}) are compiled; common integer instructions inline, the rest by
 * calling the interpreter's handler. Hidden classes are unloaded with their block.
 */
public final class BlockCompiler implements BlockTranslator {

    /**
     * Block entries before a block is compiled. A new class runs in HotSpot's bytecode interpreter
     * until it is itself hot, so compiling code that runs only some hundreds of times loses: the
     * Linux PVH boot takes 49 s at 50 (42,169 blocks compiled), 35 s at 500 (7,383) and 36 s at
     * 2000 (3,402), against 67 s interpreted (docs/PERFORMANCE.md).
     */
    public static final int DEFAULT_THRESHOLD = 500;
    private static final MethodType CONSTRUCTOR = MethodType.methodType(void.class, DecodedBlock.class, int.class,
        int.class);

    /** Blocks compiled by every translator in this process (for statistics and tests). */
    private static final LongAdder COMPILED_IN_PROCESS = new LongAdder();

    private final int threshold;

    public BlockCompiler() {
        this(DEFAULT_THRESHOLD);
    }

    public BlockCompiler(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("translation threshold must be at least 1, not " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public int threshold() {
        return threshold;
    }

    /** Blocks compiled by every translator in this process so far. */
    public static long compiledInProcess() {
        return COMPILED_IN_PROCESS.sum();
    }

    @Override
    public CompiledBlock translate(DecodedBlock block, MethodHandles.Lookup lookup) {
        int[] forms = new int[block.count];
        int length = 0;
        while (length < block.count) {
            int form = Form.of(block, length);
            if (form == Form.STOP) {
                break;
            }
            forms[length++] = form;
            if (form == Form.JMP || form == Form.CALL || form == Form.RET) {
                break; // nothing after an unconditional jump runs in the same pass
            }
        }
        if (length == 0) {
            return null;
        }
        int[] compiled = Arrays.copyOf(forms, length);
        byte[] bytes = new BlockEmitter(block, length, compiled).classBytes();
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            MethodHandle constructor = hidden.findConstructor(hidden.lookupClass(), CONSTRUCTOR);
            CompiledBlock result = (CompiledBlock) constructor.invoke(block, length, block.end(length - 1));
            COMPILED_IN_PROCESS.increment();
            return result;
        } catch (Throwable e) {
            throw new IllegalStateException(String.format(
                "translating the block at host-physical %#x (%d instructions, opcode %#x first) failed",
                block.hpa(), length, block.instruction(0).opcode), e);
        }
    }
}
