package dev.hve.emulator.translate;

import static org.objectweb.asm.Opcodes.*;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for the page caches of a looping block's access sites ({@code FlatData}): each site
 * keeps, in locals ({@link Locals#FIRST_PAGE_CACHE}), the page its last flat access went to, and
 * an access that stays inside that page goes straight to the host array.
 */
final class PageCaches {

    private final MethodVisitor mv;
    private final Operands op;

    PageCaches(MethodVisitor mv, Operands op) {
        this.mv = mv;
        this.op = op;
    }

    /** Sets up page cache {@code cache} empty (at the start, where every local needs a value). */
    void clear(int cache) {
        op.constant(-1L);
        mv.visitVarInsn(LSTORE, cache + Locals.CACHED_PAGE);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, cache + Locals.CACHED_CHUNK);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, cache + Locals.CACHED_BASE);
    }

    /** Forgets the page kept by page cache {@code cache}. */
    void drop(int cache) {
        op.constant(-1L);
        mv.visitVarInsn(LSTORE, cache + Locals.CACHED_PAGE);
    }

    /**
     * The load at {@link Locals#EA} through page cache {@code cache}: straight from the kept page
     * when the access stays inside it, else {@code FlatData.read}, after which the cache keeps the
     * page if it may.
     */
    void load(int seg, int size, int cache) {
        Label miss = new Label();
        Label done = new Label();
        jumpUnlessCached(size, cache, miss);
        hostIndex(cache);
        op.constant(size);
        mv.visitMethodInsn(INVOKESTATIC, Names.HOST_MEMORY, "load", "([BII)J", false);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(miss);
        op.accessArguments(seg, size);
        mv.visitVarInsn(ILOAD, Locals.FLAT);
        mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "read", "(L" + Names.INTERPRETER + ";IJII)J", false);
        keepPage(cache, false);
        mv.visitLabel(done);
    }

    /**
     * The store of local {@code from} at {@link Locals#EA} through page cache {@code cache}, as
     * {@link #load}; a store that misses sets {@link Locals#SLOW_STORE}, since it may have
     * written to code.
     */
    void store(int seg, int size, int from, int cache) {
        Label miss = new Label();
        Label done = new Label();
        jumpUnlessCached(size, cache, miss);
        hostIndex(cache);
        op.constant(size);
        mv.visitVarInsn(LLOAD, from);
        mv.visitMethodInsn(INVOKESTATIC, Names.HOST_MEMORY, "store", "([BIIJ)V", false);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(miss);
        op.accessArguments(seg, size);
        mv.visitVarInsn(LLOAD, from);
        mv.visitVarInsn(ILOAD, Locals.FLAT);
        mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "write", "(L" + Names.INTERPRETER + ";IJIJI)V", false);
        mv.visitInsn(ICONST_1);
        mv.visitVarInsn(ISTORE, Locals.SLOW_STORE);
        keepPage(cache, true);
        mv.visitLabel(done);
    }

    /** Jumps to {@code miss} unless the access of {@code size} bytes at EA lies inside the kept page. */
    private void jumpUnlessCached(int size, int cache, Label miss) {
        mv.visitVarInsn(LLOAD, Locals.EA);
        op.constant(12);
        mv.visitInsn(LUSHR);
        mv.visitVarInsn(LLOAD, cache + Locals.CACHED_PAGE);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, miss);
        pageOffset();
        op.constant(0x1000 - size);
        mv.visitJumpInsn(IF_ICMPGT, miss);
    }

    /** Pushes the kept host array and the index of EA's byte in it. */
    private void hostIndex(int cache) {
        mv.visitVarInsn(ALOAD, cache + Locals.CACHED_CHUNK);
        mv.visitVarInsn(ILOAD, cache + Locals.CACHED_BASE);
        pageOffset();
        mv.visitInsn(IADD);
    }

    private void pageOffset() {
        mv.visitVarInsn(LLOAD, Locals.EA);
        mv.visitInsn(L2I);
        op.constant(0xFFF);
        mv.visitInsn(IAND);
    }

    /** After an access that missed: keeps EA's page in the cache when {@code FlatData} allows it. */
    private void keepPage(int cache, boolean write) {
        Label none = new Label();
        Label kept = new Label();
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitVarInsn(LLOAD, Locals.EA);
        mv.visitVarInsn(ILOAD, Locals.FLAT);
        mv.visitInsn(write ? ICONST_1 : ICONST_0);
        mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "pageChunk", "(L" + Names.INTERPRETER + ";JIZ)[B", false);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, cache + Locals.CACHED_CHUNK);
        mv.visitJumpInsn(IFNULL, none);
        mv.visitVarInsn(ALOAD, Locals.IP);
        mv.visitMethodInsn(INVOKESTATIC, Names.FLAT_DATA, "pageBase", "(L" + Names.INTERPRETER + ";)I", false);
        mv.visitVarInsn(ISTORE, cache + Locals.CACHED_BASE);
        mv.visitVarInsn(LLOAD, Locals.EA);
        op.constant(12);
        mv.visitInsn(LUSHR);
        mv.visitVarInsn(LSTORE, cache + Locals.CACHED_PAGE);
        mv.visitJumpInsn(GOTO, kept);
        mv.visitLabel(none);
        drop(cache);
        mv.visitLabel(kept);
    }
}
