package dev.hve.emulator.translate;

import static org.objectweb.asm.Opcodes.*;

import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.decode.Instruction;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Writes the class of one compiled block: a {@code CompiledBlock} whose {@code run} executes the
 * block's first {@code length} instructions in order (see {@link Form} for how each is compiled).
 *
 * <p>Precise state: each instruction that may fault first records its index (in the interpreter,
 * where a control hook running during its memory access can have the state rebuilt) and the flags
 * before it, and does all its reads and checks before its first register write, so the exception
 * handler can hand the interpreter exactly the state before that instruction
 * ({@code CompiledRuns.fault}). Flags
 * are written straight to {@code CpuState.rflags}, or skipped where {@link FlagLiveness} proves
 * them dead. RIP is written only when the block is left.
 */
final class BlockEmitter {

    /** Register numbers (SDM Vol. 2A §3.1.1.1, Table 3-1): CL counts shifts, the stack helpers move RSP. */
    private static final int RCX = 1;
    private static final int RSP = 4;

    private final DecodedBlock block;
    private final int length;
    private final int[] forms;
    private final Instruction[] insns;
    private final boolean[] flagsNeeded;
    /** The segments the block's own memory operands use ({@link FlatSegments}). */
    private final int flatSegments;
    /**
     * Whether the block keeps the pages of its flat accesses in its locals ({@code FlatData}):
     * only a block that loops can use a page again within one run.
     */
    private final boolean pageCaches;
    private MethodVisitor mv;
    private Operands op;
    private PendingFlags flags;
    /** The start of the block's body, where a block that branches back to its start loops to. */
    private final Label top = new Label();
    /**
     * After each instruction the interpreter ran for the block: where the code reloading the
     * registers' locals goes, and where it returns to.
     */
    private final List<Label[]> reloads = new ArrayList<>();

    BlockEmitter(DecodedBlock block, int length, int[] forms) {
        this.block = block;
        this.length = length;
        this.forms = forms;
        this.insns = new Instruction[length];
        for (int k = 0; k < length; k++) {
            insns[k] = block.instruction(k);
        }
        this.flagsNeeded = FlagLiveness.needed(forms, insns);
        this.flatSegments = FlatSegments.used(forms, insns);
        this.pageCaches = flatSegments != 0 && loopsBack();
    }

    /** The first local of instruction {@code k}'s page caches, or -1 when it has none. */
    private int pageCachesOf(int k) {
        if (!pageCaches || !FlatSegments.flatOperand(forms[k], insns[k])) {
            return -1;
        }
        return Locals.FIRST_PAGE_CACHE + k * Locals.PAGE_CACHE_STRIDE;
    }

    /** Empties every page cache of the block ({@code clear}: also gives each local its first value). */
    private void pageCachesEmpty(boolean clear) {
        for (int k = 0; k < length; k++) {
            int first = pageCachesOf(k);
            if (first < 0) {
                continue;
            }
            if (clear) {
                op.pageCaches().clear(first);
                op.pageCaches().clear(first + Locals.STORE_CACHE);
            } else {
                op.pageCaches().drop(first);
                op.pageCaches().drop(first + Locals.STORE_CACHE);
            }
        }
    }

    byte[] classBytes() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // only exceptions ever merge, and they are rethrown as is
            }
        };
        cw.visit(V17, ACC_FINAL | ACC_SUPER, Names.GENERATED, null, Names.COMPILED, null);
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "block", Names.BLOCK_DESC, null, null).visitEnd();
        constructor(cw);
        run(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void constructor(ClassWriter cw) {
        MethodVisitor m = cw.visitMethod(0, "<init>", "(" + Names.BLOCK_DESC + "II)V", null, null);
        m.visitCode();
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ILOAD, 2);
        m.visitVarInsn(ILOAD, 3);
        m.visitMethodInsn(INVOKESPECIAL, Names.COMPILED, "<init>", "(II)V", false);
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ALOAD, 1);
        m.visitFieldInsn(PUTFIELD, Names.GENERATED, "block", Names.BLOCK_DESC);
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private void run(ClassWriter cw) {
        mv = cw.visitMethod(ACC_PUBLIC, "run", Names.RUN_DESC, null, null);
        op = new Operands(mv, block);
        flags = new PendingFlags(mv, op);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, Locals.STATE);
        mv.visitFieldInsn(GETFIELD, Names.STATE, "rip", "J");
        mv.visitVarInsn(LSTORE, Locals.ENTRY);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, Locals.DONE);
        mv.visitVarInsn(ALOAD, Locals.STATE);
        mv.visitFieldInsn(GETFIELD, Names.STATE, "rflags", "J");
        mv.visitVarInsn(LSTORE, Locals.FLAGS);
        for (int slot : new int[] {Locals.EA, Locals.A, Locals.B, Locals.R, Locals.DA, Locals.DB}) {
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LSTORE, slot);
        }
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, Locals.DKIND);
        if (flatSegments != 0) {
            accessMode();
        } else {
            mv.visitInsn(ICONST_0); // FlatData.CHECKED; no access reads it
            mv.visitVarInsn(ISTORE, Locals.FLAT);
        }
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, Locals.SLOW_STORE);
        pageCachesEmpty(true);
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        // The registers the block uses are loaded into their locals by code placed at the end,
        // once the body has shown which they are.
        Label loadRegisters = new Label();
        Label body = new Label();
        mv.visitJumpInsn(GOTO, loadRegisters);
        mv.visitLabel(body);
        mv.visitTryCatchBlock(start, end, handler, "java/lang/RuntimeException");
        mv.visitLabel(start);
        mv.visitLabel(top);
        // A pass that loops back may leave a record pending at the top.
        flags.state = loopsBack() ? PendingFlags.MAYBE : PendingFlags.REAL;
        for (int k = 0; k < length; k++) {
            instruction(k);
        }
        leave(length - 1, () -> op.rip(block.end(length - 1)));
        mv.visitLabel(end);
        mv.visitLabel(handler);
        mv.visitVarInsn(ASTORE, Locals.EXCEPTION);
        flags.completeSavedFlags();
        // An exit (an access that left guest mode) ends the step through exitRequested, which the
        // core treats exactly like the signal, without unwinding any further; a fault goes on up
        // to be delivered.
        Label fault = new Label();
        mv.visitVarInsn(ALOAD, Locals.EXCEPTION);
        mv.visitTypeInsn(INSTANCEOF, Names.EXIT_SIGNAL);
        mv.visitJumpInsn(IFEQ, fault);
        handBack("exit");
        mv.visitVarInsn(ILOAD, Locals.DONE);
        compiledRuns();
        mv.visitFieldInsn(GETFIELD, Names.RUNS, "index", "I");
        mv.visitInsn(IADD);
        mv.visitInsn(IRETURN);
        mv.visitLabel(fault);
        handBack("fault");
        mv.visitVarInsn(ALOAD, Locals.EXCEPTION);
        mv.visitInsn(ATHROW);
        loadRegisters(loadRegisters, body);
        for (Label[] reload : reloads) {
            loadRegisters(reload[0], reload[1]);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Calls {@code CompiledRuns.fault} or {@code exit} with RFLAGS before the current instruction
     * and the instructions earlier passes retired, which rebuild the interpreter's state there.
     */
    private void handBack(String method) {
        compiledRuns();
        mv.visitVarInsn(LLOAD, Locals.FLAGS);
        mv.visitVarInsn(ILOAD, Locals.DONE);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.RUNS, method, "(JI)V", false);
    }

    /** At {@code at}: loads every register the block uses from {@code CpuState.gpr}, then goes to {@code then}. */
    private void loadRegisters(Label at, Label then) {
        mv.visitLabel(at);
        int used = op.usedRegisters();
        for (int r = 0; r < 16; r++) {
            if ((used & (1 << r)) != 0) {
                op.reloadRegister(r);
            }
        }
        mv.visitJumpInsn(GOTO, then);
    }

    /**
     * Leaves the block after instruction {@code k} with RIP from {@code rip}: commits RIP, counts
     * the retired instructions, leaves the interpreter's block cursor after {@code k}.
     */
    private void leave(int k, Runnable rip) {
        int pending = flags.state;
        flags.materialize();
        flags.state = pending; // only this exit path materialized; the code after it did not
        mv.visitVarInsn(ALOAD, Locals.STATE);
        rip.run();
        mv.visitFieldInsn(PUTFIELD, Names.STATE, "rip", "J");
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitInsn(DUP);
        mv.visitFieldInsn(GETFIELD, Names.INTERPRETER, "retired", "J");
        retiredAfter(k);
        mv.visitInsn(I2L);
        mv.visitInsn(LADD);
        mv.visitFieldInsn(PUTFIELD, Names.INTERPRETER, "retired", "J");
        mv.visitVarInsn(ALOAD, Locals.IP);
        op.constant(k + 1);
        mv.visitFieldInsn(PUTFIELD, Names.INTERPRETER, "cursorNext", "I");
        retiredAfter(k);
        mv.visitInsn(IRETURN);
    }

    /** Pushes the instructions retired once instruction {@code k} completes. */
    private void retiredAfter(int k) {
        mv.visitVarInsn(ILOAD, Locals.DONE);
        op.constant(k + 1);
        mv.visitInsn(IADD);
    }

    /** Whether some branch of the block goes back to its start. */
    private boolean loopsBack() {
        for (int k = 0; k < length; k++) {
            int form = forms[k];
            if ((form == Form.JCC || form == Form.JMP) && isLoopBack(k, insns[k])) {
                return true;
            }
        }
        return false;
    }

    private boolean isLoopBack(int k, Instruction i) {
        long targetOffset = block.end(k) + i.imm;
        // The target is the entry RIP itself only if it wraps the way RIP does (branchTo masks it
        // to the operand size outside 64-bit mode, and to 16 bits for a 16-bit operand in it).
        boolean wrapsLikeRip = block.codeSize == 8 ? i.opSize != 2 : i.opSize == block.codeSize;
        return targetOffset == 0 && wrapsLikeRip;
    }

    /**
     * Whether instruction {@code k} needs the flags exact in RFLAGS before it starts: it reads
     * them (and cannot test a pending record directly) or keeps some of them.
     */
    private boolean needsExactFlags(int k, int form, Instruction i) {
        switch (form) {
            case Form.EMBED: case Form.EMBED_BRANCH:
                return true;
            case Form.ALU_RM_REG: case Form.ALU_REG_RM: case Form.ALU_ACC_IMM: case Form.ALU_RM_IMM: {
                int kind = Form.kind(form, i);
                return kind == 2 || kind == 3; // ADC, SBB read CF
            }
            case Form.INC_DEC_REG: case Form.INC_DEC_RM:
                return flagsNeeded[k]; // keeps CF
            case Form.SHIFT:
                return !Form.plainShift(i); // may keep every flag
            case Form.JCC: case Form.SETCC: case Form.CMOVCC:
                return !flags.canFuse(i.opcode & 0xF);
            default:
                return false;
        }
    }

    private void instruction(int k) {
        int form = forms[k];
        Instruction i = insns[k];
        if (needsExactFlags(k, form, i)) {
            flags.materialize();
        }
        if (Form.mayFault(form, i)) {
            compiledRuns();
            op.constant(k);
            mv.visitFieldInsn(PUTFIELD, Names.RUNS, "index", "I");
            mv.visitVarInsn(ALOAD, Locals.STATE);
            mv.visitFieldInsn(GETFIELD, Names.STATE, "rflags", "J");
            mv.visitVarInsn(LSTORE, Locals.FLAGS);
        }
        if (i.hasModrm && i.mod != 3 && form != Form.EMBED && form != Form.EMBED_BRANCH) {
            op.effectiveAddress(i, k);
        }
        op.pageCaches(pageCachesOf(k));
        switch (form) {
            case Form.EMBED: case Form.EMBED_BRANCH: embedded(k, form, i); break;
            case Form.NOP: break;
            case Form.ALU_RM_REG: case Form.ALU_REG_RM: case Form.ALU_ACC_IMM: case Form.ALU_RM_IMM:
                alu(k, form, i);
                break;
            case Form.TEST_RM_REG: case Form.TEST_ACC_IMM: case Form.TEST_RM_IMM: test(k, form, i); break;
            case Form.INC_DEC_REG: case Form.INC_DEC_RM: incDec(k, form, i); break;
            case Form.NOT_NEG: notNeg(k, i); break;
            case Form.SHIFT: shift(k, i); break;
            case Form.IMUL_RM: case Form.IMUL_IMM: imul(k, form, i); break;
            case Form.MOV_STORE:
                op.loadRegister(i, Form.byteOrFull(i), i.reg);
                mv.visitVarInsn(LSTORE, Locals.R);
                op.storeRm(i, Form.byteOrFull(i), Locals.R);
                break;
            case Form.MOV_LOAD:
                op.loadRm(i, Form.byteOrFull(i));
                mv.visitVarInsn(LSTORE, Locals.R);
                op.storeRegister(i, Form.byteOrFull(i), i.reg, Locals.R);
                break;
            case Form.MOV_IMM_RM:
                op.constant(i.imm);
                mv.visitVarInsn(LSTORE, Locals.R);
                op.storeRm(i, Form.byteOrFull(i), Locals.R);
                break;
            case Form.MOV_IMM_REG: {
                int r = (i.opcode & 7) | ((i.rex & 1) << 3);
                op.constant(i.imm);
                mv.visitVarInsn(LSTORE, Locals.R);
                op.storeRegister(i, i.opcode < 0xB8 ? 1 : i.opSize, r, Locals.R);
                break;
            }
            case Form.LEA:
                op.storeRegister(i, i.opSize, i.reg, Locals.EA);
                break;
            case Form.MOVZX: case Form.MOVSX: extend(form, i); break;
            case Form.SETCC:
                condition(i.opcode & 0xF);
                mv.visitInsn(I2L);
                mv.visitVarInsn(LSTORE, Locals.R);
                op.storeRm(i, 1, Locals.R);
                break;
            case Form.CMOVCC: cmov(i); break;
            case Form.JCC: case Form.JMP: branch(k, form, i); break;
            case Form.PUSH_REG: case Form.POP_REG: pushPop(form, i); break;
            case Form.CALL: call(k, i); break;
            case Form.RET: ret(k, i); break;
            default: throw new IllegalStateException("form " + form);
        }
        if (Form.mayWrite(form, i)) {
            if (pageCachesOf(k) >= 0) {
                // Its stores went through page caches, which never keep a code page: only one
                // that missed can have written to code.
                Label fast = new Label();
                mv.visitVarInsn(ILOAD, Locals.SLOW_STORE);
                mv.visitJumpInsn(IFEQ, fast);
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, Locals.SLOW_STORE);
                leaveIfCodeChanged(k);
                mv.visitLabel(fast);
            } else {
                leaveIfCodeChanged(k);
            }
        }
    }

    /** After a write: if it hit this block's own code page, the rest of the block may be stale. */
    private void leaveIfCodeChanged(int k) {
        Label intact = new Label();
        compiledRuns();
        mv.visitVarInsn(ALOAD, Locals.THIS);
        mv.visitFieldInsn(GETFIELD, Names.GENERATED, "block", Names.BLOCK_DESC);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.RUNS, "blockIntact", "(" + Names.BLOCK_DESC + ")Z", false);
        mv.visitJumpInsn(IFNE, intact);
        if (forms[k] == Form.EMBED || forms[k] == Form.EMBED_BRANCH) {
            leave(k, () -> mv.visitVarInsn(LLOAD, Locals.R)); // the handler's next RIP
        } else {
            leave(k, () -> op.rip(block.end(k)));
        }
        mv.visitLabel(intact);
    }

    private void embedded(int k, int form, Instruction i) {
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitVarInsn(ALOAD, Locals.THIS);
        mv.visitFieldInsn(GETFIELD, Names.GENERATED, "block", Names.BLOCK_DESC);
        op.constant(k);
        op.rip(block.start(k));
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "executeEmbedded", "(" + Names.BLOCK_DESC + "IJ)J", false);
        mv.visitVarInsn(LSTORE, Locals.R);
        // A handler may end its instruction before it changed anything, to leave guest mode (an
        // access that exits): the step ends there, as the interpreter's does, and the exit
        // counts towards handing the block back (CompiledRuns.exit).
        Label executed = new Label();
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitFieldInsn(GETFIELD, Names.INTERPRETER, "exitRequested", "Z");
        mv.visitJumpInsn(IFEQ, executed);
        handBack("exit");
        mv.visitVarInsn(ILOAD, Locals.DONE);
        op.constant(k);
        mv.visitInsn(IADD);
        mv.visitInsn(IRETURN);
        mv.visitLabel(executed);
        Label reloaded = new Label();
        Label reload = new Label();
        reloads.add(new Label[] {reload, reloaded});
        mv.visitJumpInsn(GOTO, reload); // the handler may have changed any register
        mv.visitLabel(reloaded);
        if (flatSegments != 0) {
            accessMode(); // the handler may have loaded a segment or changed CPL, CR0 or RFLAGS.AC
        }
        pageCachesEmpty(false); // the kept pages passed the checks of the mode before
        if (form == Form.EMBED_BRANCH) {
            Label fallThrough = new Label();
            mv.visitVarInsn(LLOAD, Locals.R);
            op.rip(block.end(k));
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFEQ, fallThrough);
            leave(k, () -> mv.visitVarInsn(LLOAD, Locals.R));
            mv.visitLabel(fallThrough);
        }
    }

    /**
     * Computes the result into {@link Locals#R}: with {@code Alu.op} when ADC or SBB needs its
     * flags, else bare (the flags of the others are recorded afterwards, see {@link #aluFlags}).
     */
    private void aluOperation(int k, int kind, int size) {
        if (flagsNeeded[k] && (kind == 2 || kind == 3)) {
            mv.visitVarInsn(ALOAD, Locals.STATE);
            op.constant(kind);
            mv.visitVarInsn(LLOAD, Locals.A);
            mv.visitVarInsn(LLOAD, Locals.B);
            op.constant(size);
            mv.visitMethodInsn(INVOKESTATIC, Names.ALU, "op", "(" + Names.STATE_DESC + "IJJI)J", false);
            mv.visitVarInsn(LSTORE, Locals.R);
            return;
        }
        if (kind == 7) {
            return; // CMP with dead flags has no effect left
        }
        mv.visitVarInsn(LLOAD, Locals.A);
        mv.visitVarInsn(LLOAD, Locals.B);
        switch (kind) {
            case 0: mv.visitInsn(LADD); break;
            case 1: mv.visitInsn(LOR); break;
            case 2: mv.visitInsn(LADD); carry(); mv.visitInsn(LADD); break;
            case 3: mv.visitInsn(LSUB); carry(); mv.visitInsn(LSUB); break;
            case 4: mv.visitInsn(LAND); break;
            case 5: mv.visitInsn(LSUB); break;
            default: mv.visitInsn(LXOR); break;
        }
        mv.visitVarInsn(LSTORE, Locals.R);
    }

    /** Pushes RFLAGS.CF as 0 or 1. */
    private void carry() {
        mv.visitVarInsn(ALOAD, Locals.STATE);
        mv.visitFieldInsn(GETFIELD, Names.STATE, "rflags", "J");
        op.constant(1L);
        mv.visitInsn(LAND);
    }

    private void alu(int k, int form, Instruction i) {
        int kind = Form.kind(form, i);
        int size = Form.byteOrFull(i);
        switch (form) {
            case Form.ALU_RM_REG:
                op.loadRm(i, size);
                mv.visitVarInsn(LSTORE, Locals.A);
                op.loadRegister(i, size, i.reg);
                mv.visitVarInsn(LSTORE, Locals.B);
                break;
            case Form.ALU_REG_RM:
                op.loadRegister(i, size, i.reg);
                mv.visitVarInsn(LSTORE, Locals.A);
                op.loadRm(i, size);
                mv.visitVarInsn(LSTORE, Locals.B);
                break;
            case Form.ALU_ACC_IMM:
                op.loadRegister(i, size, 0);
                mv.visitVarInsn(LSTORE, Locals.A);
                op.constant(i.imm);
                mv.visitVarInsn(LSTORE, Locals.B);
                break;
            default:
                op.loadRm(i, size);
                mv.visitVarInsn(LSTORE, Locals.A);
                op.constant(i.imm);
                mv.visitVarInsn(LSTORE, Locals.B);
        }
        aluOperation(k, kind, size);
        if (kind != 7) {
            switch (form) {
                case Form.ALU_REG_RM: op.storeRegister(i, size, i.reg, Locals.R); break;
                case Form.ALU_ACC_IMM: op.storeRegister(i, size, 0, Locals.R); break;
                default: op.storeRm(i, size, Locals.R);
            }
        }
        aluFlags(k, kind, size);
    }

    /** After the last fault point: the flags of an ALU operation, recorded or (ADC, SBB) computed. */
    private void aluFlags(int k, int kind, int size) {
        if (!flagsNeeded[k]) {
            return;
        }
        switch (kind) {
            case 0: flags.record(DeferredFlags.ADD, size, Locals.A, Locals.B); break;
            case 2: case 3: flags.computed(); break;
            case 5: case 7: flags.record(DeferredFlags.SUB, size, Locals.A, Locals.B); break;
            default: flags.record(DeferredFlags.LOGIC, size, Locals.R, Locals.R); break;
        }
    }

    private void test(int k, int form, Instruction i) {
        int size = Form.byteOrFull(i);
        switch (form) {
            case Form.TEST_RM_REG:
                op.loadRm(i, size);
                op.loadRegister(i, size, i.reg);
                break;
            case Form.TEST_ACC_IMM:
                op.loadRegister(i, size, 0);
                op.constant(i.imm);
                break;
            default:
                op.loadRm(i, size);
                op.constant(i.imm);
        }
        mv.visitInsn(LAND);
        if (!flagsNeeded[k]) {
            mv.visitInsn(POP2); // the memory operand was still read, and could fault
            return;
        }
        mv.visitVarInsn(LSTORE, Locals.R);
        flags.record(DeferredFlags.LOGIC, size, Locals.R, Locals.R);
    }

    private void incDec(int k, int form, Instruction i) {
        int size;
        boolean dec;
        int r = -1;
        if (form == Form.INC_DEC_REG) {
            size = i.opSize;
            dec = i.opcode >= 0x48;
            r = i.opcode & 7;
            op.loadRegister(i, size, r);
        } else {
            size = Form.byteOrFull(i);
            dec = (i.reg & 7) == 1;
            op.loadRm(i, size);
        }
        mv.visitVarInsn(LSTORE, Locals.A);
        if (flagsNeeded[k]) {
            mv.visitVarInsn(ALOAD, Locals.STATE);
            mv.visitVarInsn(LLOAD, Locals.A);
            op.constant(dec ? 1 : 0);
            op.constant(size);
            mv.visitMethodInsn(INVOKESTATIC, Names.ALU, "incDec", "(" + Names.STATE_DESC + "JZI)J", false);
        } else {
            mv.visitVarInsn(LLOAD, Locals.A);
            op.constant(1L);
            mv.visitInsn(dec ? LSUB : LADD);
        }
        mv.visitVarInsn(LSTORE, Locals.R);
        if (r >= 0) {
            op.storeRegister(i, size, r, Locals.R);
        } else {
            op.storeRm(i, size, Locals.R);
        }
        if (flagsNeeded[k]) {
            flags.computed();
        }
    }

    private void notNeg(int k, Instruction i) {
        int size = Form.byteOrFull(i);
        op.loadRm(i, size);
        mv.visitVarInsn(LSTORE, Locals.A);
        if ((i.reg & 7) == 2) {
            mv.visitVarInsn(LLOAD, Locals.A);
            op.constant(-1L);
            mv.visitInsn(LXOR);
        } else {
            mv.visitVarInsn(LLOAD, Locals.A);
            mv.visitInsn(LNEG);
        }
        mv.visitVarInsn(LSTORE, Locals.R);
        op.storeRm(i, size, Locals.R);
        if ((i.reg & 7) == 3 && flagsNeeded[k]) {
            mv.visitInsn(LCONST_0); // NEG sets the flags of 0 - operand
            mv.visitVarInsn(LSTORE, Locals.B);
            flags.record(DeferredFlags.SUB, size, Locals.B, Locals.A);
        }
    }

    private void shift(int k, Instruction i) {
        int size = Form.byteOrFull(i);
        op.loadRm(i, size);
        mv.visitVarInsn(LSTORE, Locals.A);
        if (Form.plainShift(i)) {
            int count = Form.constantCount(i);
            plainShiftResult(i, size, count);
            op.storeRm(i, size, Locals.R);
            if (flagsNeeded[k]) {
                op.constant(DeferredFlags.shiftOperation(i.reg & 7, count));
                mv.visitVarInsn(LSTORE, Locals.B);
                flags.record(DeferredFlags.SHIFT, size, Locals.A, Locals.B);
            }
            return;
        }
        mv.visitVarInsn(ALOAD, Locals.STATE);
        op.constant(i.reg & 7);
        mv.visitVarInsn(LLOAD, Locals.A);
        int opcode = i.opcode;
        if (opcode <= 0xC1) {
            op.constant((int) (i.imm & 0xFF));
        } else if (opcode <= 0xD1) {
            op.constant(1);
        } else {
            op.loadRegister(RCX);
            mv.visitInsn(L2I);
            op.constant(0xFF);
            mv.visitInsn(IAND);
        }
        op.constant(size);
        mv.visitMethodInsn(INVOKESTATIC, Names.ALU, "shift", "(" + Names.STATE_DESC + "IJII)J", false);
        mv.visitVarInsn(LSTORE, Locals.R);
        op.storeRm(i, size, Locals.R);
        flags.computed();
    }

    /** SHL/SAL, SHR or SAR of {@link Locals#A} (zero-extended) by {@code count} into {@link Locals#R}. */
    private void plainShiftResult(Instruction i, int size, int count) {
        mv.visitVarInsn(LLOAD, Locals.A);
        switch (i.reg & 7) {
            case 5:
                op.constant(count);
                mv.visitInsn(LUSHR);
                break;
            case 7:
                // Sign-extend from the operand size first; counts are below 64 after masking.
                op.constant(64 - 8 * size);
                mv.visitInsn(LSHL);
                op.constant(64 - 8 * size);
                mv.visitInsn(LSHR);
                op.constant(count);
                mv.visitInsn(LSHR);
                break;
            default:
                op.constant(count);
                mv.visitInsn(LSHL);
        }
        mv.visitVarInsn(LSTORE, Locals.R);
    }

    /** IMUL Gv,Ev and Gv,Ev,imm: the truncated product; low bits do not depend on signedness. */
    private void imul(int k, int form, Instruction i) {
        int size = i.opSize;
        if (form == Form.IMUL_RM) {
            op.loadRegister(i, size, i.reg);
            mv.visitVarInsn(LSTORE, Locals.A);
            op.loadRm(i, size);
        } else {
            op.loadRm(i, size);
            mv.visitVarInsn(LSTORE, Locals.A);
            op.constant(i.imm);
        }
        mv.visitVarInsn(LSTORE, Locals.B);
        if (flagsNeeded[k]) {
            mv.visitVarInsn(ALOAD, Locals.STATE);
            mv.visitVarInsn(LLOAD, Locals.A);
            mv.visitVarInsn(LLOAD, Locals.B);
            op.constant(size);
            mv.visitMethodInsn(INVOKESTATIC, Names.ALU, "imul", "(" + Names.STATE_DESC + "JJI)J", false);
        } else {
            mv.visitVarInsn(LLOAD, Locals.A);
            mv.visitVarInsn(LLOAD, Locals.B);
            mv.visitInsn(LMUL);
        }
        mv.visitVarInsn(LSTORE, Locals.R);
        op.storeRegister(i, size, i.reg, Locals.R);
        if (flagsNeeded[k]) {
            flags.computed();
        }
    }

    private void extend(int form, Instruction i) {
        int from = (i.opcode & 1) == 0 ? 1 : 2;
        op.loadRm(i, from);
        if (form == Form.MOVSX) {
            mv.visitInsn(L2I);
            mv.visitInsn(from == 1 ? I2B : I2S);
            mv.visitInsn(I2L);
        }
        mv.visitVarInsn(LSTORE, Locals.R);
        op.storeRegister(i, i.opSize, i.reg, Locals.R);
    }

    private void cmov(Instruction i) {
        int size = i.opSize;
        op.loadRm(i, size); // read, and possibly faulting, whatever the condition
        mv.visitVarInsn(LSTORE, Locals.R);
        Label notTaken = new Label();
        Label done = new Label();
        condition(i.opcode & 0xF);
        mv.visitJumpInsn(IFEQ, notTaken);
        op.storeRegister(i, size, i.reg, Locals.R);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(notTaken);
        if (size == 4) {
            op.loadRegister(i, 4, i.reg); // a 32-bit CMOV zero-extends even when false
            mv.visitVarInsn(LSTORE, Locals.R);
            op.storeRegister(i, 4, i.reg, Locals.R);
        }
        mv.visitLabel(done);
    }

    /**
     * Jcc and JMP rel. A taken branch leaves the block through the interpreter's target checks,
     * except a branch back to the block's own start, which loops while the
     * budget allows another full pass.
     */
    private void branch(int k, int form, Instruction i) {
        Label notTaken = new Label();
        if (form == Form.JCC) {
            condition(i.opcode & 0xF);
            mv.visitJumpInsn(IFEQ, notTaken);
        }
        if (isLoopBack(k, i)) {
            loopBack(k);
        } else {
            mv.visitVarInsn(ALOAD, Locals.IP);
            op.rip(block.end(k));
            op.constant(i.imm);
            mv.visitInsn(LADD);
            op.constant(i.opSize);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "branchTo", "(JI)V", false);
            leave(k, this::interpreterNextRip);
        }
        mv.visitLabel(notTaken);
    }

    /** PUSH/POP of a register through the interpreter's stack helpers (SS checks, stack size). */
    private void pushPop(int form, Instruction i) {
        int r = (i.opcode & 7) | ((i.rex & 1) << 3);
        int size = i.opSize;
        mv.visitVarInsn(ALOAD, Locals.IP);
        if (form == Form.PUSH_REG) {
            op.loadRegister(i, size, r);
            op.constant(size);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "push", "(JI)V", false);
            op.reloadRegister(RSP);
            return;
        }
        op.constant(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "pop", "(I)J", false);
        mv.visitVarInsn(LSTORE, Locals.R);
        op.reloadRegister(RSP);
        op.storeRegister(i, size, r, Locals.R);
    }

    /**
     * CALL rel as the interpreter does it: the target is checked before the return address is
     * pushed, so a bad target changes nothing. Leaves the block at the target.
     */
    private void call(int k, Instruction i) {
        mv.visitVarInsn(ALOAD, Locals.IP);
        op.rip(block.end(k));
        op.constant(i.imm);
        mv.visitInsn(LADD);
        op.constant(i.opSize);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "branchTo", "(JI)V", false);
        mv.visitVarInsn(ALOAD, Locals.IP);
        op.rip(block.end(k));
        op.constant(i.opSize);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "push", "(JI)V", false);
        leave(k, this::interpreterNextRip);
    }

    /** RET: the return address is read and checked before the stack pointer moves. */
    private void ret(int k, Instruction i) {
        int size = i.opSize;
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitInsn(LCONST_0);
        op.constant(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "peek", "(JI)J", false);
        mv.visitVarInsn(LSTORE, Locals.R);
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitVarInsn(LLOAD, Locals.R);
        op.constant(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "branchTo", "(JI)V", false);
        mv.visitVarInsn(ALOAD, Locals.IP);
        op.constant((long) size);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "adjustStack", "(J)V", false);
        leave(k, this::interpreterNextRip);
    }

    /** Decides whether the block's segments are flat now ({@code FlatData.mode}), into {@link Locals#FLAT}. */
    private void accessMode() {
        mv.visitVarInsn(ALOAD, Locals.IP);
        op.constant(flatSegments);
        mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "mode", "(L" + Names.INTERPRETER + ";I)I", false);
        mv.visitVarInsn(ISTORE, Locals.FLAT);
    }

    /** Pushes the interpreter's bookkeeping of compiled runs ({@code CompiledRuns}). */
    private void compiledRuns() {
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitFieldInsn(GETFIELD, Names.INTERPRETER, "compiledRuns", Names.RUNS_DESC);
    }

    /** Pushes the next RIP a branch helper of the interpreter set. */
    private void interpreterNextRip() {
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitFieldInsn(GETFIELD, Names.INTERPRETER, "nextRip", "J");
    }

    /** Pushes whether condition {@code cc} holds: from the pending record, or from RFLAGS. */
    private void condition(int cc) {
        if (!flags.fusedCondition(cc)) {
            op.condition(cc);
        }
    }

    /**
     * A back edge to the block's start from instruction {@code k} (the loop's own branch, which
     * need not be the block's last instruction): another pass if the budget has room for a whole
     * one.
     */
    private void loopBack(int k) {
        mv.visitVarInsn(ILOAD, Locals.DONE);
        op.constant(k + 1);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, Locals.DONE);
        Label exhausted = new Label();
        mv.visitVarInsn(ILOAD, Locals.BUDGET);
        mv.visitVarInsn(ILOAD, Locals.DONE);
        mv.visitInsn(ISUB);
        op.constant(length);
        mv.visitJumpInsn(IF_ICMPLT, exhausted);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(exhausted);
        // DONE already counts this pass: take it back out, leave() counts it again.
        mv.visitIincInsn(Locals.DONE, -(k + 1));
        leave(k, () -> mv.visitVarInsn(LLOAD, Locals.ENTRY));
    }
}
