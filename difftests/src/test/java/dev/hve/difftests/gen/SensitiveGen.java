package dev.hve.difftests.gen;

import dev.hve.difftests.asm.AluOp;
import dev.hve.difftests.asm.BitOp;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.guest.Layout;
import dev.hve.difftests.guest.MmioForms;
import dev.hve.difftests.guest.SensitiveSteps;
import dev.hve.difftests.guest.Step;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators of the sensitive steps: everything a monitor may be asked to see. */
public final class SensitiveGen {

    private SensitiveGen() {
    }

    /** Ports the guests use; {@link ConfigGen} draws its intercepted ports from the same pool. */
    public static final List<Integer> PORTS = List.of(0x40, 0x43, 0x60, 0x61, 0x70, 0x71, 0x80, 0x92, 0x3F8, 0x3FD, 0xCF8, 0xCFC);
    /** Ports below 256, reachable by the imm8 forms. */
    static final List<Integer> IMM_PORTS = PORTS.stream().filter(p -> p < 256).toList();

    /**
     * MSRs that both CPU models implement the same way (SYSENTER, STAR/LSTAR/CSTAR/SFMASK,
     * KERNEL_GS_BASE) plus two that neither implements (#GP when not intercepted). Vendor-specific
     * MSRs are left out on purpose: unintercepted, they would read differently on the Intel and
     * AMD host models, a difference of the host, not of the backend.
     */
    public static final List<Integer> MSRS = List.of(0x174, 0x175, 0x176, 0xC0000081, 0xC0000082, 0xC0000083,
        0xC0000084, 0xC0000102, 0x40000000, 0x40000001);

    static final List<Integer> CPUID_LEAVES = List.of(0, 1, 7, 0xB, 0x80000000, 0x80000001, 0x80000008, 0x40000000);

    static Gen<Step> any(Mode mode) {
        return Generate.frequency(List.of(
            Pair.of(4, portIo()),
            Pair.of(3, stringIo()),
            Pair.of(3, mmio(mode)),
            Pair.of(3, mmioForms(mode)),
            Pair.of(2, cpuid()),
            Pair.of(2, Generate.constant(new SensitiveSteps.Hlt())),
            Pair.of(3, Generate.booleans().map(SensitiveSteps.InterruptFlag::new)),
            Pair.of(2, Generate.pick(MSRS).map(SensitiveSteps.Rdmsr::new)),
            Pair.of(2, Generate.pick(MSRS).zip(Generate.longRange(0, 0x7FFF_FFFF_FFFFL), SensitiveSteps.Wrmsr::new)),
            Pair.of(1, Generate.constant(new SensitiveSteps.Rdtsc())),
            Pair.of(2, Generate.longRange(0, 0xFFFF).map(SensitiveSteps.Hypercall::new)),
            Pair.of(1, Pick.dataOffset().map(SensitiveSteps.Invlpg::new)),
            Pair.of(1, Generate.pick(List.of(0, 2, 3, 4)).zip(Pick.reg(mode, 8), SensitiveSteps.ReadCr::new)),
            Pair.of(1, Generate.booleans().zip(Pick.reg(mode, 8), Generate.longRange(0, 0x7FFF_FFFF), SensitiveSteps.WriteCr::new))));
    }

    static Gen<Step> portIo() {
        Gen<Step> imm = Generate.booleans().zip(Generate.pick(List.of(1, 2, 4)), Generate.pick(IMM_PORTS), Generate.longRange(0, 0xFFFF_FFFFL),
            (in, size, port, value) -> new SensitiveSteps.PortIo(in, false, size, port, value & mask(size)));
        Gen<Step> dx = Generate.booleans().zip(Generate.pick(List.of(1, 2, 4)), Generate.pick(PORTS), Generate.longRange(0, 0xFFFF_FFFFL),
            (in, size, port, value) -> new SensitiveSteps.PortIo(in, true, size, port, value & mask(size)));
        return imm.mix(dx);
    }

    static Gen<Step> stringIo() {
        return Generate.booleans().flatMap(in -> Generate.pick(List.of(1, 2, 4)).zip(Generate.booleans(), Generate.pick(PORTS),
            Generate.range(1, 4), Pick.dataOffset(), (size, rep, port, count, offset) -> new SensitiveSteps.StringIo(in, size, rep,
                port, count, offset)));
    }

    static Gen<Step> mmio(Mode mode) {
        Gen<Integer> slot = Generate.range(0, Layout.MMIO_SIZE / 8 - 1);
        return Pick.size(mode).flatMap(size -> Pick.reg(mode, size).flatMap(reg ->
            Generate.booleans().zip(Generate.booleans(), Pick.addr(mode, reg), slot, Pick.imm(size),
                (write, immediate, form, s, value) -> new SensitiveSteps.Mmio(write, write && immediate, reg, size, form, s * 8,
                    value))));
    }

    /** The non-MOV MMIO forms, each with operand sizes it accepts. */
    static Gen<Step> mmioForms(Mode mode) {
        Gen<Integer> slot = Generate.range(0, Layout.MMIO_SIZE / 8 - 1);
        Gen<MmioForms.Shape> shapes = Generate.enumValues(MmioForms.Shape.class);
        return shapes.flatMap(shape -> memorySize(mode, shape).flatMap(size -> registerSize(mode, shape, size)
            .flatMap(registerSize -> Pick.reg(mode, registerSize).flatMap(reg ->
                Generate.range(0, operations(shape) - 1).zip(Pick.addr(mode, reg), slot, value(shape, size, registerSize),
                    (op, form, s, value) -> new MmioForms.Access(shape, op, reg, size, registerSize, form, s * 8, value))))));
    }

    private static Gen<Integer> memorySize(Mode mode, MmioForms.Shape shape) {
        return switch (shape) {
            case MOVZX, MOVSX -> Generate.pick(List.of(1, 2));
            case BIT_TEST -> Pick.wideSize(mode);
            default -> Pick.size(mode);
        };
    }

    /** MOVZX/MOVSX write a wider register than they read; every other form uses one size. */
    private static Gen<Integer> registerSize(Mode mode, MmioForms.Shape shape, int size) {
        if (shape != MmioForms.Shape.MOVZX && shape != MmioForms.Shape.MOVSX) {
            return Generate.constant(size);
        }
        List<Integer> wider = new java.util.ArrayList<>();
        for (int r : mode == Mode.BITS64 ? new int[] {2, 4, 8} : new int[] {2, 4}) {
            if (r > size) {
                wider.add(r);
            }
        }
        return Generate.pick(wider);
    }

    private static int operations(MmioForms.Shape shape) {
        return switch (shape) {
            case ALU_TO_MEMORY, ALU_FROM_MEMORY, ALU_IMMEDIATE -> AluOp.values().length;
            case BIT_TEST -> BitOp.values().length;
            case UNARY -> 4; // INC, DEC, NOT, NEG
            default -> 1;
        };
    }

    /** A register value or an immediate; for BT* an in-range bit offset. */
    private static Gen<Long> value(MmioForms.Shape shape, int size, int registerSize) {
        if (shape == MmioForms.Shape.BIT_TEST) {
            return Generate.longRange(0, 8L * size - 1);
        }
        return shape == MmioForms.Shape.ALU_IMMEDIATE ? Pick.imm(size) : Pick.movImm(registerSize);
    }

    static Gen<Step> cpuid() {
        return Generate.pick(CPUID_LEAVES).zip(Generate.range(0, 2), SensitiveSteps.Cpuid::new);
    }

    private static long mask(int size) {
        return size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
    }
}
