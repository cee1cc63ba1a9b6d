package dev.hve.emulator.exec;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.BlockTranslation;
import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.decode.Instruction;
import java.lang.invoke.MethodHandles;

/**
 * The interpreter's side of compiled blocks ({@link CompiledBlock}): when a block is compiled and
 * may run, the bookkeeping while it runs, and the exact interpreter state the compiled code
 * hands back at a fault or an exit. Compiled code keeps the current instruction only as an index
 * ({@link #index}, plus the instructions earlier passes of a loop retired, which it passes to
 * {@link #fault} and {@link #exit}); this class turns that into
 * RIP, the current-instruction fields and the retired count when they are wanted.
 */
final class CompiledRuns {

    /** Exits from a compiled block before it may be handed back to the interpreter. */
    private static final int EXITS_BEFORE_GIVING_UP = 32;
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private final Interpreter x;
    /** Compiles hot blocks; null to interpret only. */
    private final BlockTranslator translator;
    private final int threshold;
    // While a compiled block runs: the block, the RIP it was entered at, the instruction that may
    // fault or exit next.
    private DecodedBlock block;
    private long entry;
    int index;

    CompiledRuns(Interpreter x, BlockTranslator translator) {
        this.x = x;
        this.translator = translator;
        this.threshold = translator == null ? Integer.MAX_VALUE : translator.threshold();
    }

    /** Whether blocks are ever compiled. */
    boolean enabled() {
        return translator != null;
    }

    /**
     * Runs block {@code b} (entered at its first instruction, RIP in {@code x.rip0}) compiled,
     * when it is compiled and may run here; counts the entry otherwise and compiles the block
     * once it is hot. False: the caller interprets.
     */
    boolean tryRun(DecodedBlock b) {
        BlockTranslation t = b.translation;
        if (t == null) {
            if (++b.entries >= threshold) {
                CompiledBlock compiled = translator.translate(b, LOOKUP);
                if (compiled == null) {
                    b.entries = DecodedBlock.NOT_TRANSLATED;
                    return false;
                }
                b.translation = compiled;
            }
            return false;
        }
        CpuState s = x.s;
        if (x.stepBudget < t.length || t.codeBytes > x.cursorRoom || s.interruptShadow
            || (s.rflags & CpuState.TF) != 0) {
            return false;
        }
        if (b.entries < Integer.MAX_VALUE) {
            b.entries++;
        }
        block = b;
        entry = x.rip0;
        index = 0;
        x.stepUnits = ((CompiledBlock) t).run(x, s, s.gpr, (int) Math.min(x.stepBudget, Integer.MAX_VALUE));
        block = null;
        return true;
    }

    /**
     * A fault or exit raised by the compiled block's instruction {@link #index} (thrown, or
     * requested through {@code exitRequested} by an embedded handler): leaves RIP, the current
     * instruction, the retired count and the flags the caller restores exactly as the interpreter
     * leaves them when that instruction faults. {@code flags} are RFLAGS before it; {@code done},
     * the instructions earlier passes through the block retired.
     */
    void fault(long flags, int done) {
        sync();
        int k = index + done;
        x.retired += k;
        x.stepUnits = k + 1;
        x.stepFlags = flags;
        block = null;
        x.dropBlockCursor();
    }

    /**
     * An access in the compiled block left guest mode: as {@link #fault}, then the step ends
     * through {@code exitRequested}. A block that keeps leaving this way (an MMIO loop) is handed
     * back to the interpreter for good, which ends such exits more cheaply: compiled code gains
     * nothing when it stops at an exit on most runs.
     */
    void exit(long flags, int done) {
        DecodedBlock b = block;
        fault(flags, done);
        x.exitRequested = true;
        if (++b.exits >= EXITS_BEFORE_GIVING_UP && b.exits >= b.entries / 4) {
            b.translation = null;
            b.entries = DecodedBlock.NOT_TRANSLATED;
        }
    }

    /**
     * Inside a compiled block, makes RIP and the current-instruction fields (the instruction, its
     * linear address, next RIP, memory operand) those of the instruction that may fault or exit
     * next, as the interpreter keeps them. A control hook that runs during one of its memory
     * accesses (an EPT violation or nested page fault, with its decode assists) asks through the
     * core's accessors, which call this.
     */
    void sync() {
        DecodedBlock b = block;
        if (b == null) {
            return;
        }
        int k = index;
        long rip = Interpreter.ripAt(entry, b.start(k), b.codeSize);
        x.rip0 = rip;
        x.s.rip = rip;
        Instruction insn = b.instruction(k);
        x.in = insn;
        x.instructionLinear = x.cursorStartLinear + b.start(k);
        x.nextRip = Interpreter.ripAt(entry, b.end(k), b.codeSize);
        if (insn.hasModrm && insn.mod != 3) {
            x.ea = x.effectiveAddress(insn);
        }
    }

    /** Whether nothing has written to {@code b}'s code page since its instructions were decoded. */
    boolean blockIntact(DecodedBlock b) {
        return x.codePages.stamps()[b.page] == b.stamp;
    }
}
