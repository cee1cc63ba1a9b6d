package dev.hve.difftests.gen;

import dev.hve.difftests.asm.AluOp;
import dev.hve.difftests.asm.Cond;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.asm.ShiftOp;
import dev.hve.difftests.asm.UnaryOp;
import dev.hve.difftests.guest.ComputeSteps;
import dev.hve.difftests.guest.Step;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators of ordinary computation steps for one mode. */
final class ComputeGen {

    private ComputeGen() {
    }

    /** Any ordinary step, including the composite ones (branches and calls over an inner step). */
    static Gen<Step> any(Mode mode) {
        Gen<Step> flat = flat(mode);
        Gen<Step> branch = Pick.size(mode).flatMap(size -> Generate.enumValues(Cond.class).zip(Pick.reg(mode, size),
            Pick.reg(mode, size), flat, (cond, a, b, inner) -> new ComputeSteps.Branch(cond, a, b, size, inner)));
        Gen<Step> call = flat.map(ComputeSteps.CallRet::new);
        return Generate.frequency(List.of(
            org.quicktheories.api.Pair.of(10, flat),
            org.quicktheories.api.Pair.of(1, branch),
            org.quicktheories.api.Pair.of(1, call)));
    }

    static Gen<Step> flat(Mode mode) {
        return Generate.oneOf(movImm(mode), aluReg(mode), aluImm(mode), memOp(mode), memImm(mode), shift(mode),
            unary(mode), divide(mode), imul(mode), lea(mode), pushPop(mode), xchg(mode), test(mode));
    }

    private static Gen<Step> movImm(Mode mode) {
        return Pick.size(mode).flatMap(s -> Pick.reg(mode, s).zip(Pick.movImm(s), (r, v) -> new ComputeSteps.MovImm(r, s, v)));
    }

    private static Gen<Step> aluReg(Mode mode) {
        return Pick.size(mode).flatMap(s -> Generate.enumValues(AluOp.class).zip(Pick.reg(mode, s), Pick.reg(mode, s),
            (op, d, r) -> new ComputeSteps.AluReg(op, d, r, s)));
    }

    private static Gen<Step> aluImm(Mode mode) {
        return Pick.size(mode).flatMap(s -> Generate.enumValues(AluOp.class).zip(Pick.reg(mode, s), Pick.imm(s).mix(Generate.longRange(-128, 127)),
            (op, d, v) -> new ComputeSteps.AluImm(op, d, s, v)));
    }

    private static Gen<Step> memOp(Mode mode) {
        Gen<Boolean> mov = Generate.booleans();
        Gen<Boolean> toMemory = Generate.booleans();
        return Pick.size(mode).flatMap(size -> Pick.reg(mode, size).flatMap(reg ->
            Generate.enumValues(AluOp.class).zip(mov, toMemory, Pick.addr(mode, reg), Pick.dataOffset(),
                (op, m, t, form, offset) -> new ComputeSteps.MemOp(op, m, t, reg, size, form, offset))));
    }

    private static Gen<Step> memImm(Mode mode) {
        return Pick.size(mode).flatMap(s -> Generate.enumValues(AluOp.class).zip(Generate.booleans(), Pick.addr(mode, -2), Pick.dataOffset(), Pick.imm(s),
            (op, mov, a, off, v) -> new ComputeSteps.MemImm(op, mov, s, a, off, v)));
    }

    private static Gen<Step> shift(Mode mode) {
        return Pick.size(mode).flatMap(s -> Generate.enumValues(ShiftOp.class).zip(Pick.reg(mode, s), Generate.range(1, 31), Generate.booleans(),
            (op, r, c, cl) -> new ComputeSteps.Shift(op, r, s, c, cl)));
    }

    private static Gen<Step> unary(Mode mode) {
        Gen<UnaryOp> ops = Generate.pick(List.of(UnaryOp.INC, UnaryOp.DEC, UnaryOp.NOT, UnaryOp.NEG, UnaryOp.MUL, UnaryOp.IMUL));
        return Pick.size(mode).flatMap(s -> ops.zip(Pick.reg(mode, s), Generate.booleans(), Pick.dataOffset(),
            (op, r, m, off) -> new ComputeSteps.Unary(op, r, s, m, off)));
    }

    private static Gen<Step> divide(Mode mode) {
        return Pick.size(mode).flatMap(s -> Generate.booleans().zip(Generate.longRange(0, 0x3FFF_FFFF), Generate.longRange(1, 0x7F),
            Pick.regExcept(mode, s, Gpr.AX, Gpr.DX), (signed, dividend, divisor, r) -> new ComputeSteps.Divide(signed, s, dividend, divisor, r)));
    }

    private static Gen<Step> imul(Mode mode) {
        return Pick.wideSize(mode).flatMap(s -> Pick.reg(mode, s).zip(Pick.reg(mode, s), Generate.booleans(), Generate.longRange(-300, 300),
            (d, r, three, v) -> new ComputeSteps.Imul(d, r, s, three, v)));
    }

    private static Gen<Step> lea(Mode mode) {
        return Pick.reg(mode, 8).flatMap(d -> Pick.addr(mode, d).zip(Pick.dataOffset(), (a, off) -> new ComputeSteps.Lea(d, a, off)));
    }

    private static Gen<Step> pushPop(Mode mode) {
        return Pick.reg(mode, 8).zip(Pick.reg(mode, 8), ComputeSteps.PushPop::new);
    }

    private static Gen<Step> xchg(Mode mode) {
        return Pick.size(mode).flatMap(s -> Pick.reg(mode, s).zip(Pick.reg(mode, s), Generate.booleans(), Pick.dataOffset(),
            (a, b, m, off) -> new ComputeSteps.Xchg(a, b, s, m, off)));
    }

    private static Gen<Step> test(Mode mode) {
        return Pick.size(mode).flatMap(s -> Pick.reg(mode, s).zip(Pick.reg(mode, s), (a, b) -> new ComputeSteps.Test(a, b, s)));
    }
}
