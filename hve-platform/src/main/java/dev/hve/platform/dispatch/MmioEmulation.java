package dev.hve.platform.dispatch;

import dev.hve.api.Event;
import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.exec.Fault;
import dev.hve.emulator.ops.EmulationOps;
import dev.hve.emulator.ops.InstructionEmulator;
import dev.hve.platform.mmio.MmioBus;

/**
 * MMIO decode: an access to guest-physical space that no RAM backs is completed by decoding and
 * executing exactly the faulting instruction in the core's emulator, with memory operands routed
 * to RAM or to the MMIO bus by address. The instruction bytes come from SVM's decode assists when
 * the exit carries them, and otherwise are fetched through the guest's own paging, as a VT-x
 * monitor must (DESIGN.md, "MMIO instruction bytes").
 */
public final class MmioEmulation implements EmulationOps {

    private static final int MAX_INSTRUCTION = 15;
    private static final SegmentRegister[] SEGMENTS = SegmentRegister.values();

    private final InstructionEmulator emulator;
    private final GuestMemory memory;
    private final MmioBus bus;
    private final byte[] fetched = new byte[MAX_INSTRUCTION];
    /** One instruction byte past {@link #fetched}, read through the guest's paging. */
    private final byte[] oneByte = new byte[1];
    private int fetchedCount;
    private long fetchBase;
    private Vcpu vcpu;

    public MmioEmulation(CpuModel cpu, GuestMemory memory, MmioBus bus) {
        this.emulator = new InstructionEmulator(cpu);
        this.memory = memory;
        this.bus = bus;
    }

    /** Emulates the instruction that made {@code exit}, leaving RIP after it, or injects its fault. */
    public void emulate(Vcpu target, VmExit.MmioAccess exit) {
        this.vcpu = target;
        fetchBase = target.segmentBase(SegmentRegister.CS) + target.register(Register.RIP);
        byte[] assist = exit.instructionBytes();
        if (assist.length > 0) {
            fetchedCount = Math.min(assist.length, MAX_INSTRUCTION);
            System.arraycopy(assist, 0, fetched, 0, fetchedCount);
        } else {
            fetchedCount = target.readLinear(fetchBase, fetched, MAX_INSTRUCTION);
        }
        try {
            if (emulator.emulate(this, fetchBase, fetched, fetchedCount) == InstructionEmulator.Outcome.EXCEPTION) {
                if (emulator.vector() == Fault.PF) {
                    target.setRegister(Register.CR2, emulator.faultAddress());
                }
                target.inject(new Event.HardwareException(emulator.vector(),
                    emulator.hasErrorCode() ? emulator.errorCode() : null));
            }
        } finally {
            this.vcpu = null;
        }
    }

    @Override
    public long readGpr(int index) {
        return vcpu.register(Register.gpr(index));
    }

    @Override
    public void readGprs(long[] destination) {
        vcpu.readGprs(destination);
    }

    @Override
    public void writeGpr(int index, long value) {
        vcpu.setRegister(Register.gpr(index), value);
    }

    @Override
    public long readRip() {
        return vcpu.register(Register.RIP);
    }

    /**
     * The emulator writes RIP once, when the instruction completed: the vCPU then finishes it as
     * the monitor's own (RIP past it, blocking by STI/MOV SS ended, counted as retired).
     */
    @Override
    public void writeRip(long value) {
        vcpu.completeEmulatedInstruction(value);
    }

    @Override
    public long readRflags() {
        return vcpu.register(Register.RFLAGS);
    }

    @Override
    public void writeRflags(long value) {
        vcpu.setRegister(Register.RFLAGS, value);
    }

    // Segments field by field: the emulator reads four fields of six segments per instruction,
    // and building a Segment value for each would be most of what an MMIO exit allocates.

    @Override
    public int segmentSelector(int segment) {
        return vcpu.segmentSelector(SEGMENTS[segment]);
    }

    @Override
    public long segmentBase(int segment) {
        return vcpu.segmentBase(SEGMENTS[segment]);
    }

    @Override
    public int segmentLimit(int segment) {
        return vcpu.segmentLimit(SEGMENTS[segment]);
    }

    @Override
    public int segmentAttributes(int segment) {
        SegmentRegister register = SEGMENTS[segment];
        return vcpu.segmentAttributes(register) | (vcpu.segmentUnusable(register) ? CpuState.SEGMENT_UNUSABLE : 0);
    }

    /** {@link Segment#UNUSABLE} is {@code CpuState.SEGMENT_UNUSABLE}: the vCPU's words serve as they are. */
    @Override
    public void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        vcpu.readSegments(selectors, bases, limits, attributes);
    }

    @Override
    public long readControlRegister(int cr) {
        return switch (cr) {
            case 0 -> vcpu.register(Register.CR0);
            case 2 -> vcpu.register(Register.CR2);
            case 3 -> vcpu.register(Register.CR3);
            case 4 -> vcpu.register(Register.CR4);
            case 8 -> vcpu.register(Register.CR8);
            default -> throw new IllegalArgumentException("CR" + cr);
        };
    }

    @Override
    public long readEfer() {
        return vcpu.register(Register.EFER);
    }

    /** The CPL is SS.DPL, which equals CS.RPL whenever the guest runs (Intel SDM Vol. 3A §5.5). */
    @Override
    public int cpl() {
        return dpl(vcpu.segmentAttributes(SegmentRegister.SS));
    }

    /** The DPL field of {@link dev.hve.api.Segment}'s attribute layout (bits 6:5). */
    private static int dpl(int attributes) {
        return (attributes >> 5) & 3;
    }

    @Override
    public long readMemory(long linear, int size) {
        if (crossesPage(linear, size)) {
            long value = 0;
            for (int i = 0; i < size; i++) {
                value |= readMemory(linear + i, 1) << (8 * i);
            }
            return value;
        }
        long physical = translate(linear, false);
        return memory.isRam(physical) ? memory.readValue(physical, size) : bus.read(physical, size);
    }

    @Override
    public void writeMemory(long linear, int size, long value) {
        if (crossesPage(linear, size)) {
            for (int i = 0; i < size; i++) {
                writeMemory(linear + i, 1, value >>> (8 * i));
            }
            return;
        }
        long physical = translate(linear, true);
        if (memory.isRam(physical)) {
            memory.writeValue(physical, size, value);
        } else {
            bus.write(physical, size, value);
        }
    }

    @Override
    public int fetchByte(long linear) {
        long index = linear - fetchBase;
        if (index >= 0 && index < fetchedCount) {
            return fetched[(int) index] & 0xFF;
        }
        if (vcpu.readLinear(linear, oneByte, 1) != 1) {
            throw pageFault(linear, false);
        }
        return oneByte[0] & 0xFF;
    }

    private long translate(long linear, boolean write) {
        long physical = vcpu.translateLinear(linear, write);
        if (physical < 0) {
            throw pageFault(linear, write);
        }
        return physical;
    }

    /** The guest's #PF for an access the emulated instruction could not make (SDM Vol. 3A §4.7). */
    private Fault pageFault(long linear, boolean write) {
        boolean present = write && vcpu.translateLinear(linear, false) >= 0;
        boolean user = cpl() == 3;
        int code = (present ? 1 : 0) | (write ? 2 : 0) | (user ? 4 : 0);
        return new Fault().set(Fault.PF, true, code, linear);
    }

    private static boolean crossesPage(long linear, int size) {
        return (linear & 0xFFF) > 0x1000 - size;
    }
}
