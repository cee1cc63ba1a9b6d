package dev.hve.bench;

import dev.hve.emulator.decode.ByteSource;
import dev.hve.emulator.decode.Decoder;
import dev.hve.emulator.decode.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode throughput: the core's decoder alone (no execution, no backend) over a corpus of
 * 32-bit or 64-bit code assembled from bench/jmh-guests/decode{32,64}.s. Score: instructions
 * decoded per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {

    static final int BATCH = 1024;

    /** 32-bit protected mode or 64-bit mode code. */
    @Param({"32", "64"})
    public int bits;

    private byte[] corpus;
    private int[] starts;
    private int codeSize;
    private int cursor;
    private final Decoder decoder = new Decoder();
    private final Instruction instruction = new Instruction();
    private final ArraySource source = new ArraySource();

    /** Instruction bytes from an array, starting at {@link #base}. */
    static final class ArraySource implements ByteSource {
        byte[] bytes;
        int base;

        @Override
        public int fetch(int index) {
            return bytes[base + index] & 0xFF;
        }
    }

    @Setup
    public void setUp() {
        byte[] code = GuestImages.load("decode" + bits + ".bin");
        codeSize = bits == 64 ? 8 : 4;
        // Pad so the decoder may look past the last instruction without leaving the array.
        corpus = new byte[code.length + 16];
        System.arraycopy(code, 0, corpus, 0, code.length);
        source.bytes = corpus;
        List<Integer> offsets = new ArrayList<>();
        int offset = 0;
        while (offset < code.length) {
            source.base = offset;
            int result = decoder.decode(source, codeSize, instruction);
            if (result != Decoder.OK) {
                throw new IllegalStateException(String.format("decode%d.bin: the decoder rejects the instruction at "
                    + "offset 0x%x (result %d): the corpus must be valid code", bits, offset, result));
            }
            offsets.add(offset);
            offset += instruction.length;
        }
        if (offset != code.length) {
            throw new IllegalStateException("decode" + bits + ".bin: decoding overran the corpus");
        }
        starts = offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decode() {
        int lengths = 0;
        int at = cursor;
        for (int i = 0; i < BATCH; i++) {
            source.base = starts[at];
            decoder.decode(source, codeSize, instruction);
            lengths += instruction.length;
            if (++at == starts.length) {
                at = 0;
            }
        }
        cursor = at;
        return lengths;
    }
}
