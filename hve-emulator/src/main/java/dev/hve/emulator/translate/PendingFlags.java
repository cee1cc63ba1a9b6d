package dev.hve.emulator.translate;

import static org.objectweb.asm.Opcodes.*;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The compile-time side of {@link DeferredFlags}: where a compiled block stands on its status
 * flags at each point, and the bytecode that records, tests and materializes them.
 *
 * <p>At run time the record lives in three locals (the code in {@link Locals#DKIND}, 0 when
 * {@code CpuState.rflags} is exact; operands in {@link Locals#DA}, {@link Locals#DB}). At compile
 * time the emitter knows it exactly except at the top of a block that loops, where the previous
 * pass may have left a record: there the code checks {@code DKIND} at run time.
 */
final class PendingFlags {

    /** RFLAGS is exact. */
    static final int REAL = 0;
    /** A record of {@link #kind} at {@link #size} is pending. */
    static final int KNOWN = 1;
    /** Either, decided by {@code DKIND} at run time. */
    static final int MAYBE = 2;

    private final MethodVisitor mv;
    private final Operands op;
    int state = REAL;
    private int kind;
    private int size;

    PendingFlags(MethodVisitor mv, Operands op) {
        this.mv = mv;
        this.op = op;
    }

    /** Records {@code kind} on locals {@code a} and {@code b} (b ignored for LOGIC) as the flags. */
    void record(int kind, int size, int a, int b) {
        mv.visitVarInsn(LLOAD, a);
        mv.visitVarInsn(LSTORE, Locals.DA);
        if (kind != DeferredFlags.LOGIC) {
            mv.visitVarInsn(LLOAD, b);
            mv.visitVarInsn(LSTORE, Locals.DB);
        }
        op.constant(DeferredFlags.code(kind, size));
        mv.visitVarInsn(ISTORE, Locals.DKIND);
        this.state = KNOWN;
        this.kind = kind;
        this.size = size;
    }

    /** After an instruction computed its flags into RFLAGS: nothing is pending any more. */
    void computed() {
        if (state != REAL) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, Locals.DKIND);
            state = REAL;
        }
    }

    /** Makes RFLAGS exact (before an instruction that reads or partly keeps the flags). */
    void materialize() {
        if (state == REAL) {
            return;
        }
        Label none = new Label();
        if (state == MAYBE) {
            mv.visitVarInsn(ILOAD, Locals.DKIND);
            mv.visitJumpInsn(IFEQ, none);
        }
        mv.visitVarInsn(ALOAD, Locals.STATE);
        applyRecord(() -> {
            mv.visitVarInsn(ALOAD, Locals.STATE);
            mv.visitFieldInsn(GETFIELD, Names.STATE, "rflags", "J");
        });
        mv.visitFieldInsn(PUTFIELD, Names.STATE, "rflags", "J");
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, Locals.DKIND);
        mv.visitLabel(none);
        state = REAL;
    }

    /** In the exception handler: completes the flags saved before the faulting instruction. */
    void completeSavedFlags() {
        Label none = new Label();
        mv.visitVarInsn(ILOAD, Locals.DKIND);
        mv.visitJumpInsn(IFEQ, none);
        applyRecord(() -> mv.visitVarInsn(LLOAD, Locals.FLAGS));
        mv.visitVarInsn(LSTORE, Locals.FLAGS);
        mv.visitLabel(none);
    }

    /** Pushes {@code DeferredFlags.apply} of the pending record to the flags {@code base} pushes. */
    private void applyRecord(Runnable base) {
        mv.visitVarInsn(ALOAD, Locals.STATE);
        mv.visitVarInsn(ILOAD, Locals.DKIND);
        mv.visitVarInsn(LLOAD, Locals.DA);
        mv.visitVarInsn(LLOAD, Locals.DB);
        base.run();
        mv.visitMethodInsn(INVOKESTATIC, "dev/hve/emulator/translate/DeferredFlags", "apply",
            "(" + Names.STATE_DESC + "IJJJ)J", false);
    }

    /** Whether {@link #fusedCondition} can test {@code cc} here. */
    boolean canFuse(int cc) {
        if (state != KNOWN) {
            return false;
        }
        int test = cc >>> 1;
        if (kind == DeferredFlags.SUB) {
            return test == 1 || test == 2 || test == 3 || test == 6 || test == 7;
        }
        return kind == DeferredFlags.LOGIC && test >= 2 && test != 5;
    }

    /**
     * Pushes whether condition {@code cc} holds, straight from the pending record, when the record
     * is known and the condition needs no flag that is costly to derive (SDM Vol. 1 appendix B:
     * after SUB/CMP, B is "below", L is "less" as signed numbers; after a logical operation CF and
     * OF are 0). False, and nothing emitted, otherwise.
     */
    boolean fusedCondition(int cc) {
        if (!canFuse(cc)) {
            return false;
        }
        int test = cc >>> 1;
        boolean negate = (cc & 1) != 0;
        if (kind == DeferredFlags.SUB) {
            switch (test) {
                case 1: compareUnsigned(IFLT, negate); return true;      // B / AE
                case 2: compareUnsigned(IFEQ, negate); return true;      // E / NE
                case 3: compareUnsigned(IFLE, negate); return true;      // BE / A
                case 6: compareSigned(IFLT, negate); return true;        // L / GE
                case 7: compareSigned(IFLE, negate); return true;        // LE / G
                default: return false;
            }
        }
        if (kind == DeferredFlags.LOGIC) {
            switch (test) {
                case 2: case 3: resultTest(IFEQ, negate); return true;   // E / NE, BE / A (CF = 0)
                case 4: case 6: resultTest(IFLT, negate); return true;   // S / NS, L / GE (OF = 0)
                case 7: resultTest(IFLE, negate); return true;           // LE / G
                default: return false;
            }
        }
        return false;
    }

    /** a OP b on the operands masked to the size, unsigned. */
    private void compareUnsigned(int branchIfTrue, boolean negate) {
        mv.visitVarInsn(LLOAD, Locals.DA);
        op.mask(size);
        mv.visitVarInsn(LLOAD, Locals.DB);
        op.mask(size);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
        pushBoolean(branchIfTrue, negate);
    }

    /** a OP b on the operands sign-extended from the size. */
    private void compareSigned(int branchIfTrue, boolean negate) {
        mv.visitVarInsn(LLOAD, Locals.DA);
        signExtend();
        mv.visitVarInsn(LLOAD, Locals.DB);
        signExtend();
        mv.visitInsn(LCMP);
        pushBoolean(branchIfTrue, negate);
    }

    /** The result sign-extended from the size, compared with 0. */
    private void resultTest(int branchIfTrue, boolean negate) {
        mv.visitVarInsn(LLOAD, Locals.DA);
        signExtend();
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        pushBoolean(branchIfTrue, negate);
    }

    private void signExtend() {
        if (size != 8) {
            op.constant(64 - 8 * size);
            mv.visitInsn(LSHL);
            op.constant(64 - 8 * size);
            mv.visitInsn(LSHR);
        }
    }

    /** Turns the comparison result on the stack into 1 (the branch would be taken) or 0. */
    private void pushBoolean(int branchIfTrue, boolean negate) {
        Label yes = new Label();
        Label done = new Label();
        mv.visitJumpInsn(branchIfTrue, yes);
        op.constant(negate ? 1 : 0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        op.constant(negate ? 0 : 1);
        mv.visitLabel(done);
    }
}
