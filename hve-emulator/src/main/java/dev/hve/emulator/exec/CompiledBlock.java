package dev.hve.emulator.exec;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.BlockTranslation;

/**
 * A decoded block compiled to JVM code ({@link BlockTranslator}): it runs the block's first
 * {@link #length} instructions with the same architectural effect as the interpreter, one after
 * the other, leaving at the first taken branch, except that a branch back to the block's start
 * repeats it inside the compiled code while the budget lasts.
 *
 * <p>The contract with {@link Interpreter}: {@code run} is entered with RIP at the block's first
 * instruction, no interrupt shadow, RFLAGS.TF clear and at least {@link #length} instructions of
 * budget. It returns the instructions it retired, with RIP, {@code retired} and the block cursor
 * updated. When an instruction raises a {@link Fault}, it calls {@link CompiledRuns#fault},
 * which leaves the state exactly as the interpreter would have at that instruction, and lets the
 * fault go on to be delivered; an {@link ExitSignal} ends the run the same way through
 * {@link CompiledRuns#exit} and {@link Interpreter#exitRequested} instead.
 */
public abstract class CompiledBlock extends BlockTranslation {

    protected CompiledBlock(int length, int codeBytes) {
        super(length, codeBytes);
    }

    /** Runs the block from RIP; returns the instructions retired (at most {@code budget}). */
    public abstract int run(Interpreter ip, CpuState s, long[] gpr, int budget);
}
