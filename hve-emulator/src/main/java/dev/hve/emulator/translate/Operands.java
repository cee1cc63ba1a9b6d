package dev.hve.emulator.translate;

import static org.objectweb.asm.Opcodes.*;

import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.decode.Instruction;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for operands, with the interpreter's semantics: general registers with their partial
 * writes (SDM Vol. 1 §3.4.1.1: a 32-bit write zero-extends, 8- and 16-bit writes merge; AH-BH
 * without REX), instruction addresses as offsets from the entry RIP, and memory through the
 * interpreter's segment-checked {@code read}/{@code write}.
 */
final class Operands {

    private final MethodVisitor mv;
    private final DecodedBlock block;

    Operands(MethodVisitor mv, DecodedBlock block) {
        this.mv = mv;
        this.block = block;
    }

    void constant(long v) {
        if (v == 0) {
            mv.visitInsn(LCONST_0);
        } else if (v == 1) {
            mv.visitInsn(LCONST_1);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    void constant(int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    /** Masks the long on the stack to {@code size} bytes (8: unchanged). */
    void mask(int size) {
        if (size != 8) {
            constant(size == 1 ? 0xFFL : size == 2 ? 0xFFFFL : 0xFFFF_FFFFL);
            mv.visitInsn(LAND);
        }
    }

    /** Pushes the RIP {@code offset} bytes from the block's entry, wrapped as the code size wraps. */
    void rip(int offset) {
        mv.visitVarInsn(LLOAD, Locals.ENTRY);
        if (offset != 0) {
            constant((long) offset);
            mv.visitInsn(LADD);
        }
        mask(block.codeSize == 8 ? 8 : block.codeSize);
    }

    /** Pushes register {@code r} read at {@code size}, zero-extended. */
    void loadRegister(Instruction i, int size, int r) {
        mv.visitVarInsn(ALOAD, Locals.GPR);
        if (size == 1 && r >= 4 && r < 8 && i.rex == 0) {
            constant(r - 4);
            mv.visitInsn(LALOAD);
            constant(8);
            mv.visitInsn(LUSHR);
            mask(1);
            return;
        }
        constant(r);
        mv.visitInsn(LALOAD);
        mask(size);
    }

    /** Writes local {@code from} (a long) to register {@code r} at {@code size}. */
    void storeRegister(Instruction i, int size, int r, int from) {
        mv.visitVarInsn(ALOAD, Locals.GPR);
        if (size == 8 || size == 4) {
            constant(r);
            mv.visitVarInsn(LLOAD, from);
            mask(size);
            mv.visitInsn(LASTORE);
            return;
        }
        boolean high = size == 1 && r >= 4 && r < 8 && i.rex == 0;
        int index = high ? r - 4 : r;
        long field = high ? 0xFF00L : size == 1 ? 0xFFL : 0xFFFFL;
        constant(index);
        mv.visitVarInsn(ALOAD, Locals.GPR);
        constant(index);
        mv.visitInsn(LALOAD);
        constant(~field);
        mv.visitInsn(LAND);
        mv.visitVarInsn(LLOAD, from);
        mask(size);
        if (high) {
            constant(8);
            mv.visitInsn(LSHL);
        }
        mv.visitInsn(LOR);
        mv.visitInsn(LASTORE);
    }

    /**
     * Computes the effective address of instruction {@code k}'s memory operand into {@link Locals#EA}
     * (displacement + base + index << scale, RIP-relative from the next instruction, wrapped to the
     * address size).
     */
    void effectiveAddress(Instruction i, int k) {
        constant(i.disp);
        if (i.ripRelative) {
            rip(block.end(k));
            mv.visitInsn(LADD);
        }
        if (i.base >= 0) {
            mv.visitVarInsn(ALOAD, Locals.GPR);
            constant(i.base);
            mv.visitInsn(LALOAD);
            mv.visitInsn(LADD);
        }
        if (i.index >= 0) {
            mv.visitVarInsn(ALOAD, Locals.GPR);
            constant(i.index);
            mv.visitInsn(LALOAD);
            if (i.scale != 0) {
                constant(i.scale);
                mv.visitInsn(LSHL);
            }
            mv.visitInsn(LADD);
        }
        mask(i.addrSize);
        mv.visitVarInsn(LSTORE, Locals.EA);
    }

    /**
     * Pushes {@code size} bytes read from the memory operand (its address in {@link Locals#EA}):
     * through {@code FlatData} with the block's access mode in {@link Locals#FLAT}, or, for FS and
     * GS, through the interpreter's segment-checked {@code read}.
     */
    void loadMemory(Instruction i, int size) {
        int seg = i.segment();
        mv.visitVarInsn(ALOAD, Locals.IP);
        constant(seg);
        mv.visitVarInsn(LLOAD, Locals.EA);
        constant(size);
        if (FlatSegments.eligible(seg)) {
            mv.visitVarInsn(ILOAD, Locals.FLAT);
            mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "read", "(L" + Names.INTERPRETER + ";IJII)J", false);
        } else {
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "read", "(IJI)J", false);
        }
    }

    /** Writes local {@code from} to the memory operand, as {@link #loadMemory} reads it. */
    void storeMemory(Instruction i, int size, int from) {
        int seg = i.segment();
        mv.visitVarInsn(ALOAD, Locals.IP);
        constant(seg);
        mv.visitVarInsn(LLOAD, Locals.EA);
        constant(size);
        mv.visitVarInsn(LLOAD, from);
        if (FlatSegments.eligible(seg)) {
            mv.visitVarInsn(ILOAD, Locals.FLAT);
            mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "write", "(L" + Names.INTERPRETER + ";IJIJI)V", false);
        } else {
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.INTERPRETER, "write", "(IJIJ)V", false);
        }
    }

    /** Pushes the ModRM r/m operand at {@code size}: a register, or memory at {@link Locals#EA}. */
    void loadRm(Instruction i, int size) {
        if (i.mod == 3) {
            loadRegister(i, size, i.rm);
        } else {
            loadMemory(i, size);
        }
    }

    void storeRm(Instruction i, int size, int from) {
        if (i.mod == 3) {
            storeRegister(i, size, i.rm, from);
        } else {
            storeMemory(i, size, from);
        }
    }

    /** Pushes whether condition code {@code cc} holds for the current RFLAGS. */
    void condition(int cc) {
        constant(cc);
        mv.visitVarInsn(ALOAD, Locals.STATE);
        mv.visitFieldInsn(GETFIELD, Names.STATE, "rflags", "J");
        mv.visitMethodInsn(INVOKESTATIC, Names.CONDITIONS, "test", "(IJ)Z", false);
    }
}
