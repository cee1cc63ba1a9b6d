package dev.hve.difftests.gen;

import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.guest.Addr;
import dev.hve.difftests.guest.Layout;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators for the operands every step draws: registers, sizes, immediates, addressing forms.
 * They encode the few encoding constraints the assembler cannot fix by itself (no RSP as a
 * destination, no AH..BH next to a REX prefix, 8086 base/index pairs in 16-bit mode).
 */
final class Pick {

    private Pick() {
    }

    static Gen<Integer> size(Mode mode) {
        return mode == Mode.BITS64 ? Generate.pick(List.of(1, 2, 4, 8)) : Generate.pick(List.of(1, 2, 4));
    }

    /** Sizes 2 and up: what IMUL r, r/m and friends accept. */
    static Gen<Integer> wideSize(Mode mode) {
        return mode == Mode.BITS64 ? Generate.pick(List.of(2, 4, 8)) : Generate.pick(List.of(2, 4));
    }

    /** Any register but RSP; for byte operands only those that encode the same with or without REX. */
    static Gen<Integer> reg(Mode mode, int size) {
        List<Integer> regs = new ArrayList<>();
        for (int r = 0; r < mode.gprCount(); r++) {
            if (r == Gpr.SP || size == 1 && r >= 4 && r < 8) {
                continue;
            }
            regs.add(r);
        }
        return Generate.pick(regs);
    }

    static Gen<Integer> regExcept(Mode mode, int size, int... excluded) {
        return reg(mode, size).assuming(r -> {
            for (int e : excluded) {
                if (r == e) {
                    return false;
                }
            }
            return true;
        });
    }

    /** An immediate that fits {@code size} (at most 32 bits, sign-extended for 64-bit operands). */
    static Gen<Long> imm(int size) {
        return switch (size) {
            case 1 -> Generate.longRange(0, 0xFF);
            case 2 -> Generate.longRange(0, 0xFFFF);
            default -> Generate.longRange(Integer.MIN_VALUE, Integer.MAX_VALUE);
        };
    }

    /** A MOV immediate: up to 64 bits for 64-bit registers (the movabs form). */
    static Gen<Long> movImm(int size) {
        if (size == 8) {
            return Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).mix(imm(4));
        }
        return imm(size);
    }

    /** An offset into the data area leaving room for an 8-byte access. */
    static Gen<Integer> dataOffset() {
        return Generate.range(0, Layout.DATA_SIZE - 64);
    }

    /** An addressing form: absolute, base, base+index*scale, index*scale, with 8- or 32-bit displacements. */
    static Gen<Addr> addr(Mode mode, int avoid) {
        if (mode == Mode.BITS16) {
            Gen<Integer> base = Generate.pick(List.of(Mem.NONE, Gpr.BX, Gpr.BP));
            Gen<Integer> index = Generate.pick(List.of(Mem.NONE, Gpr.SI, Gpr.DI));
            return base.zip(index, Generate.range(-100, 100), Generate.range(0, 64),
                (b, i, d, v) -> new Addr(b, i, 1, b == Mem.NONE && i == Mem.NONE ? 0 : d, v))
                .assuming(a -> !a.uses(avoid));
        }
        Gen<Integer> anyReg = reg(mode, 8).assuming(r -> r != avoid).mix(Generate.constant(Mem.NONE), 30);
        Gen<Integer> scale = Generate.pick(List.of(1, 2, 4, 8));
        Gen<Integer> disp = Generate.pick(List.of(0, 8, -8, 0x7F, -0x80, 0x1234, -0x40));
        return anyReg.zip(anyReg, scale, disp, (b, i, s, d) -> new Addr(b, i, s, d, 5))
            .assuming(a -> a.base() == Mem.NONE || a.base() != a.index());
    }
}
