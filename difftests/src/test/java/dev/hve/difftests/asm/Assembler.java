package dev.hve.difftests.asm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A small x86 assembler for generated test guests: each method emits one instruction for the
 * given {@link Mode} and records it in the {@link #listing()} with its Intel-syntax text, so a
 * failing property can print exactly what the guest ran. Encodings follow the Intel SDM Vol. 2;
 * {@code ObjdumpCrossCheckTest} checks them against binutils.
 *
 * <p>Only what the generators need is here; everything emitted is decodable on its own (no
 * overlapping instructions), which keeps the listing trustworthy.
 */
public final class Assembler {

    private final Mode mode;
    private final long origin;
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final List<Emitted> listing = new ArrayList<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private Object nextTag;

    private record Fixup(int listingIndex, int fieldOffset, int width, Label target) {
    }

    public Assembler(Mode mode, long origin) {
        this.mode = mode;
        this.origin = origin;
    }

    public Mode mode() {
        return mode;
    }

    public long origin() {
        return origin;
    }

    /** The address the next instruction will have. */
    public long here() {
        return origin + code.size();
    }

    public void bind(Label label) {
        label.bind(here());
    }

    /** Attaches a tag to the next emitted instruction (the harness uses it to emulate MMIO accesses). */
    public Assembler tagNext(Object tag) {
        nextTag = tag;
        return this;
    }

    /** The code, with every branch resolved. */
    public byte[] bytes() {
        resolve();
        return code.toByteArray();
    }

    public List<Emitted> listing() {
        resolve();
        return List.copyOf(listing);
    }

    // ---- data movement ------------------------------------------------------------------------

    public void mov(Gpr dst, Operand src) {
        checkSizes(dst, src);
        insn().size(dst.size()).op(dst.size() == 1 ? 0x8A : 0x8B).modrm(dst.index(), src)
            .done("mov " + dst + ", " + t(src), "mov");
    }

    public void mov(Mem dst, Gpr src) {
        checkSizes(src, dst);
        insn().size(src.size()).op(src.size() == 1 ? 0x88 : 0x89).modrm(src.index(), dst)
            .done("mov " + t(dst) + ", " + src, "mov");
    }

    /** MOV r, imm: B0+r / B8+r, or C7 /0 with a sign-extended imm32 for 64-bit values that fit. */
    public void movImm(Gpr dst, long imm) {
        int size = dst.size();
        if (size == 8 && imm == (int) imm) {
            insn().size(8).op(0xC7).modrm(0, dst).imm(imm, 4).done("mov " + dst + ", " + hex(imm), "mov");
            return;
        }
        Insn i = insn().size(size).opReg(size == 1 ? 0xB0 : 0xB8, dst).imm(imm, size);
        i.done("mov " + dst + ", " + hex(imm), size == 8 ? "movabs" : "mov");
    }

    public void movImm(Mem dst, long imm) {
        int size = dst.size();
        insn().size(size).op(size == 1 ? 0xC6 : 0xC7).modrm(0, dst).imm(imm, Math.min(size, 4))
            .done("mov " + t(dst) + ", " + hex(imm), "mov");
    }

    public void lea(Gpr dst, Mem src) {
        insn().size(dst.size()).op(0x8D).modrm(dst.index(), src).done("lea " + dst + ", [" + src.address(mode.addressSize()) + "]", "lea");
    }

    public void xchg(Operand a, Gpr b) {
        checkSizes(b, a);
        // Always the ModRM form 87 /r: 90+r would make xchg eax,eax a NOP.
        insn().size(b.size()).op(b.size() == 1 ? 0x86 : 0x87).modrm(b.index(), a)
            .done("xchg " + t(a) + ", " + b, "xchg");
    }

    /** MOVZX / MOVSX r, r/m8 or r/m16 (0F B6/B7, 0F BE/BF): the source's size picks the form. */
    public void movExtend(boolean signed, Gpr dst, Mem src) {
        if (src.size() > 2 || dst.size() <= src.size()) {
            throw new IllegalArgumentException("MOVZX/MOVSX widen a byte or word: " + dst + ", " + t(src));
        }
        String name = signed ? "movsx" : "movzx";
        insn().size(dst.size()).op(0x0F, (signed ? 0xBE : 0xB6) + (src.size() == 2 ? 1 : 0)).modrm(dst.index(), src)
            .done(name + " " + dst + ", " + t(src), name);
    }

    public void push(Gpr reg) {
        insn().stackSize(reg.size()).opReg(0x50, reg).done("push " + reg, "push");
    }

    public void pop(Gpr reg) {
        insn().stackSize(reg.size()).opReg(0x58, reg).done("pop " + reg, "pop");
    }

    // ---- arithmetic ---------------------------------------------------------------------------

    /** ALU r/m, r (opcode 00/01 + op*8) or, with {@code toRegister}, ALU r, r/m (02/03 + op*8). */
    public void alu(AluOp op, Operand dst, Gpr src) {
        checkSizes(src, dst);
        int base = op.ordinal() << 3;
        insn().size(src.size()).op(base + (src.size() == 1 ? 0 : 1)).modrm(src.index(), dst)
            .done(op.mnemonic() + " " + t(dst) + ", " + src, op.mnemonic());
    }

    public void alu(AluOp op, Gpr dst, Mem src) {
        checkSizes(dst, src);
        int base = op.ordinal() << 3;
        insn().size(dst.size()).op(base + (dst.size() == 1 ? 2 : 3)).modrm(dst.index(), src)
            .done(op.mnemonic() + " " + dst + ", " + t(src), op.mnemonic());
    }

    /** ALU r/m, imm: 80 /op ib, 83 /op ib (sign-extended) or 81 /op iw/id. */
    public void aluImm(AluOp op, Operand dst, long imm) {
        int size = dst.size();
        Insn i = insn().size(size);
        if (size == 1) {
            i.op(0x80).modrm(op.ordinal(), dst).imm(imm, 1);
        } else if (ModRm.fitsByte(imm)) {
            i.op(0x83).modrm(op.ordinal(), dst).imm(imm, 1);
        } else {
            i.op(0x81).modrm(op.ordinal(), dst).imm(imm, Math.min(size, 4));
        }
        i.done(op.mnemonic() + " " + t(dst) + ", " + hex(imm), op.mnemonic());
    }

    public void test(Operand a, Gpr b) {
        checkSizes(b, a);
        insn().size(b.size()).op(b.size() == 1 ? 0x84 : 0x85).modrm(b.index(), a).done("test " + t(a) + ", " + b, "test");
    }

    /** BT/BTS/BTR/BTC r/m, imm8 (0F BA /4-/7); word operands and up. */
    public void bitTest(BitOp op, Operand dst, int bit) {
        if (dst.size() == 1) {
            throw new IllegalArgumentException("no byte form of " + op.mnemonic());
        }
        insn().size(dst.size()).op(0x0F, 0xBA).modrm(op.digit(), dst).imm(bit, 1)
            .done(op.mnemonic() + " " + t(dst) + ", " + bit, op.mnemonic());
    }

    /** Shift or rotate by an immediate count: D0/D1 for a count of 1, C0/C1 ib otherwise. */
    public void shift(ShiftOp op, Operand dst, int count) {
        int size = dst.size();
        Insn i = insn().size(size);
        if (count == 1) {
            i.op(size == 1 ? 0xD0 : 0xD1).modrm(op.digit, dst);
        } else {
            i.op(size == 1 ? 0xC0 : 0xC1).modrm(op.digit, dst).imm(count, 1);
        }
        i.done(op.mnemonic() + " " + t(dst) + ", " + count, op.mnemonic());
    }

    /** Shift or rotate by CL: D2/D3. */
    public void shiftCl(ShiftOp op, Operand dst) {
        int size = dst.size();
        insn().size(size).op(size == 1 ? 0xD2 : 0xD3).modrm(op.digit, dst).done(op.mnemonic() + " " + t(dst) + ", cl", op.mnemonic());
    }

    /** INC, DEC (FE/FF, never the 40+r forms that are REX in 64-bit mode), NOT, NEG, MUL, IMUL, DIV, IDIV. */
    public void unary(UnaryOp op, Operand dst) {
        int size = dst.size();
        insn().size(size).op(op.opcode + (size == 1 ? 0 : 1)).modrm(op.digit, dst).done(op.mnemonic() + " " + t(dst), op.mnemonic());
    }

    /** IMUL r, r/m (0F AF). */
    public void imul(Gpr dst, Operand src) {
        checkSizes(dst, src);
        insn().size(dst.size()).op(0x0F, 0xAF).modrm(dst.index(), src).done("imul " + dst + ", " + t(src), "imul");
    }

    /** IMUL r, r/m, imm (6B ib or 69 iw/id). */
    public void imul(Gpr dst, Operand src, long imm) {
        checkSizes(dst, src);
        Insn i = insn().size(dst.size());
        if (ModRm.fitsByte(imm)) {
            i.op(0x6B).modrm(dst.index(), src).imm(imm, 1);
        } else {
            i.op(0x69).modrm(dst.index(), src).imm(imm, Math.min(dst.size(), 4));
        }
        i.done("imul " + dst + ", " + t(src) + ", " + hex(imm), "imul");
    }

    // ---- control flow -------------------------------------------------------------------------

    /** Jcc rel16/rel32 (0F 80+cc), always the near form so forward targets need no relaxation. */
    public void jcc(Cond cond, Label target) {
        branch(insn().op(0x0F, 0x80 + cond.ordinal()), cond.mnemonic(), target);
    }

    public void jmp(Label target) {
        branch(insn().op(0xE9), "jmp", target);
    }

    public void call(Label target) {
        branch(insn().op(0xE8), "call", target);
    }

    public void ret() {
        insn().op(0xC3).done("ret", "ret");
    }

    /** IRET at the mode's natural width: IRET (16), IRETD written as plain CF in 32-bit mode, IRETQ (48 CF). */
    public void iret() {
        if (mode == Mode.BITS64) {
            insn().size(8).op(0xCF).done("iretq", "iretq");
        } else {
            insn().op(0xCF).done("iret", "iret");
        }
    }

    public void nop() {
        insn().op(0x90).done("nop", "nop");
    }

    public void sti() {
        insn().op(0xFB).done("sti", "sti");
    }

    public void cli() {
        insn().op(0xFA).done("cli", "cli");
    }

    public void cld() {
        insn().op(0xFC).done("cld", "cld");
    }

    // ---- sensitive instructions ---------------------------------------------------------------

    /** IN AL/AX/EAX, imm8 (E4/E5). */
    public void in(int size, int port) {
        insn().size(size).op(size == 1 ? 0xE4 : 0xE5).imm(port, 1).done("in " + acc(size) + ", " + hex(port), "in");
    }

    /** IN AL/AX/EAX, DX (EC/ED). */
    public void inDx(int size) {
        insn().size(size).op(size == 1 ? 0xEC : 0xED).done("in " + acc(size) + ", dx", "in");
    }

    /** OUT imm8, AL/AX/EAX (E6/E7). */
    public void out(int size, int port) {
        insn().size(size).op(size == 1 ? 0xE6 : 0xE7).imm(port, 1).done("out " + hex(port) + ", " + acc(size), "out");
    }

    /** OUT DX, AL/AX/EAX (EE/EF). */
    public void outDx(int size) {
        insn().size(size).op(size == 1 ? 0xEE : 0xEF).done("out dx, " + acc(size), "out");
    }

    /** INS (6C/6D), with an optional REP (F3) prefix: ES:[rDI] from port DX. */
    public void ins(int size, boolean rep) {
        Insn i = insn();
        if (rep) {
            i.rep();
        }
        i.size(size).op(size == 1 ? 0x6C : 0x6D)
            .done((rep ? "rep " : "") + "ins " + Mem.ptr(size) + " es:[" + Gpr.of(Gpr.DI, mode.addressSize()) + "], dx",
                rep ? "rep ins" : "ins");
    }

    /** OUTS (6E/6F), with an optional REP prefix: DS:[rSI] to port DX. */
    public void outs(int size, boolean rep) {
        Insn i = insn();
        if (rep) {
            i.rep();
        }
        i.size(size).op(size == 1 ? 0x6E : 0x6F)
            .done((rep ? "rep " : "") + "outs dx, " + Mem.ptr(size) + " ds:[" + Gpr.of(Gpr.SI, mode.addressSize()) + "]",
                rep ? "rep outs" : "outs");
    }

    public void cpuid() {
        insn().op(0x0F, 0xA2).done("cpuid", "cpuid");
    }

    public void hlt() {
        insn().op(0xF4).done("hlt", "hlt");
    }

    public void rdmsr() {
        insn().op(0x0F, 0x32).done("rdmsr", "rdmsr");
    }

    public void wrmsr() {
        insn().op(0x0F, 0x30).done("wrmsr", "wrmsr");
    }

    public void rdtsc() {
        insn().op(0x0F, 0x31).done("rdtsc", "rdtsc");
    }

    /** Intel's hypercall, 0F 01 C1. */
    public void vmcall() {
        insn().op(0x0F, 0x01, 0xC1).done("vmcall", "vmcall");
    }

    /** AMD's hypercall, 0F 01 D9. */
    public void vmmcall() {
        insn().op(0x0F, 0x01, 0xD9).done("vmmcall", "vmmcall");
    }

    /** INVLPG m (0F 01 /7). */
    public void invlpg(Mem address) {
        insn().op(0x0F, 0x01).modrm(7, address.withSize(1)).done("invlpg [" + address.address(mode.addressSize()) + "]", "invlpg");
    }

    /** MOV CRn, r (0F 22 /r); the register is 32-bit outside 64-bit mode, 64-bit inside, with no REX.W. */
    public void movToCr(int cr, Gpr src) {
        insn().op(0x0F, 0x22).modrmRaw(cr, src).done("mov cr" + cr + ", " + src, "mov");
    }

    /** MOV r, CRn (0F 20 /r). */
    public void movFromCr(Gpr dst, int cr) {
        insn().op(0x0F, 0x20).modrmRaw(cr, dst).done("mov " + dst + ", cr" + cr, "mov");
    }

    public void ud2() {
        insn().op(0x0F, 0x0B).done("ud2", "ud2");
    }

    // ---- machinery ----------------------------------------------------------------------------

    private void branch(Insn i, String mnemonic, Label target) {
        int width = mode == Mode.BITS16 ? 2 : 4;
        int fieldOffsetInInsn = i.lengthSoFar();
        i.imm(0, width);
        Emitted e = i.done(mnemonic + " <label>", mnemonic);
        fixups.add(new Fixup(listing.size() - 1, (int) (e.address() - origin) + fieldOffsetInInsn, width, target));
    }

    private void resolve() {
        if (fixups.isEmpty()) {
            return;
        }
        byte[] bytes = code.toByteArray();
        for (Fixup f : fixups) {
            Emitted e = listing.get(f.listingIndex());
            long rel = f.target().address() - e.end();
            for (int b = 0; b < f.width(); b++) {
                bytes[f.fieldOffset() + b] = (byte) (rel >>> (8 * b));
            }
            byte[] own = java.util.Arrays.copyOfRange(bytes, (int) (e.address() - origin), (int) (e.end() - origin));
            String text = e.mnemonic() + " " + hex(f.target().address());
            listing.set(f.listingIndex(), new Emitted(e.address(), own, text, e.mnemonic(), e.tag()));
        }
        fixups.clear();
        code.reset();
        code.write(bytes, 0, bytes.length);
    }

    private void checkSizes(Gpr reg, Operand other) {
        if (reg.size() != other.size()) {
            throw new IllegalArgumentException("operand sizes differ: " + reg + " and " + t(other));
        }
    }

    private String t(Operand o) {
        if (o instanceof Mem m) {
            return Mem.ptr(m.size()) + " [" + m.address(mode.addressSize()) + "]";
        }
        return o.text();
    }

    private static String acc(int size) {
        return Gpr.of(0, size).text();
    }

    static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    private Insn insn() {
        return new Insn();
    }

    /** One instruction under construction: legacy prefixes, REX, opcode, ModRM, immediate. */
    private final class Insn {
        private final ByteArrayOutputStream prefixes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int rex;
        private boolean highByte;
        private boolean needsRex;

        Insn rep() {
            prefixes.write(0xF3);
            return this;
        }

        /** Operand-size prefix or REX.W so that the operand is {@code size} bytes. */
        Insn size(int size) {
            if (size == 2 && mode != Mode.BITS16 || size == 4 && mode == Mode.BITS16) {
                prefixes.write(0x66);
            } else if (size == 8) {
                if (mode != Mode.BITS64) {
                    throw new IllegalArgumentException("64-bit operand outside 64-bit mode");
                }
                rex |= 0x48;
            }
            return this;
        }

        /** PUSH/POP width: 64-bit mode defaults to 8 and cannot encode 4. */
        Insn stackSize(int size) {
            if (mode == Mode.BITS64) {
                if (size == 2) {
                    prefixes.write(0x66);
                } else if (size != 8) {
                    throw new IllegalArgumentException("push/pop of " + size + " bytes in 64-bit mode");
                }
                return this;
            }
            if (size == 8 || size == 1) {
                throw new IllegalArgumentException("push/pop of " + size + " bytes");
            }
            return size(size);
        }

        Insn op(int... opcode) {
            for (int b : opcode) {
                body.write(b);
            }
            return this;
        }

        /** Opcode with the register in its low three bits (B8+r, 50+r), REX.B for r8-r15. */
        Insn opReg(int opcode, Gpr reg) {
            note(reg);
            if (reg.extended()) {
                rex |= 0x41;
            }
            body.write(opcode + (reg.index() & 7));
            return this;
        }

        /** ModRM with a GPR (or /digit) in the reg field. */
        Insn modrm(int regField, Operand rm) {
            if (regField >= 8) {
                rex |= 0x44;
            }
            if (rm instanceof Gpr g) {
                note(g);
            }
            int bits = ModRm.rexBits(rm);
            if (bits != 0) {
                rex |= 0x40 | bits;
            }
            if (rm instanceof Mem && mode != Mode.BITS64 && bits != 0) {
                throw new IllegalArgumentException("r8-r15 outside 64-bit mode");
            }
            ModRm.encode(mode, regField, rm, body);
            return this;
        }

        /** ModRM for MOV CR: the CR number in reg (CR8 needs REX.R), the GPR in r/m, mod=11. */
        Insn modrmRaw(int cr, Gpr gpr) {
            int expected = mode == Mode.BITS64 ? 8 : 4;
            if (gpr.size() != expected) {
                throw new IllegalArgumentException("mov cr uses " + expected + "-byte registers here");
            }
            return modrm(cr, Gpr.of(gpr.index(), 4));
        }

        Insn imm(long value, int bytes) {
            ModRm.le(body, value, bytes);
            return this;
        }

        int lengthSoFar() {
            int rexLength = rex != 0 ? 1 : 0;
            return prefixes.size() + rexLength + body.size();
        }

        private void note(Gpr g) {
            if (g.legacyHighByte()) {
                highByte = true;
            }
            if (g.size() == 1 && g.index() >= 8) {
                needsRex = true;
            }
            if (g.extended() && mode != Mode.BITS64) {
                throw new IllegalArgumentException(g + " outside 64-bit mode");
            }
        }

        Emitted done(String text, String mnemonic) {
            if (needsRex && rex == 0) {
                rex = 0x40;
            }
            if (highByte && rex != 0) {
                throw new IllegalArgumentException("AH/CH/DH/BH cannot be encoded with a REX prefix: " + text);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(prefixes.toByteArray());
            if (rex != 0) {
                all.write(rex);
            }
            all.writeBytes(body.toByteArray());
            byte[] bytes = all.toByteArray();
            Emitted e = new Emitted(here(), bytes, text, mnemonic, nextTag);
            nextTag = null;
            code.writeBytes(bytes);
            listing.add(e);
            return e;
        }
    }
}
