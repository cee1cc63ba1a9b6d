package dev.hve.difftests.harness;

import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.api.VmExit;
import dev.hve.api.device.MmioDevice;
import dev.hve.api.spi.BackendProvider;
import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Emitted;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.platform.dispatch.MmioEmulation;
import dev.hve.platform.mmio.MmioBus;
import dev.hve.difftests.guest.GuestImage;
import dev.hve.difftests.guest.InitialState;
import dev.hve.difftests.guest.Layout;
import dev.hve.difftests.guest.MmioForms;
import dev.hve.difftests.guest.SensitiveSteps.MmioOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The harness's own small monitor: sets one guest up through the common API and drives it with a
 * vCPU loop that handles every common exit the same way whatever the backend. This is the whole
 * recipe for running one guest on two backends: same memory map, same image, same initial state
 * through the neutral accessors, same intercepts, same loop; then compare what came out.
 *
 * <p>Virtual time is the vCPU's retired-instruction count, plus the budget that passes while the
 * vCPU sits halted; interrupt arrivals are scheduled on it, so both backends see them at the same
 * instruction.
 */
public final class Monitor {

    /** Virtual-time limit of one run: generated programs need a few hundred instructions. */
    static final long MAX_TIME = 4000;
    static final int MAX_EXITS = 400;
    /** A REP string instruction longer than this is not something the generators emit. */
    static final long MAX_STRING_COUNT = 64;

    private final Backend backend;
    private final Scenario scenario;
    private final Devices devices = new Devices();
    private final List<ExitEvent> exits = new ArrayList<>();
    private final List<VendorRecord> records = new ArrayList<>();
    private final List<VmExit> raw = new ArrayList<>();
    private final Deque<Event> pending = new ArrayDeque<>();
    private final Map<Long, Emitted> instructions = new HashMap<>();
    private Vm vm;
    private Vcpu vcpu;
    private long clock;
    private int nextArrival;
    private boolean injected;
    private MmioEmulation emulation;

    private Monitor(Backend backend, Scenario scenario) {
        this.backend = backend;
        this.scenario = scenario;
    }

    public static RunResult run(Backend backend, Scenario scenario) {
        return run(backend, scenario, UnaryOperator.identity());
    }

    /** Runs the scenario on a backend whose provider is first passed through {@code wrapper}. */
    public static RunResult run(Backend backend, Scenario scenario, UnaryOperator<BackendProvider> wrapper) {
        return new Monitor(backend, scenario).execute(wrapper);
    }

    private RunResult execute(UnaryOperator<BackendProvider> wrapper) {
        vm = backend.createVm(wrapper);
        vm.setMemoryMap(Layout.memoryMap());
        Assembler asm = scenario.program().assemble(backend.hypercall());
        for (Emitted e : asm.listing()) {
            instructions.put(e.address(), e);
        }
        GuestImage.load(scenario.program().mode(), vm.memory(), asm.bytes());
        vcpu = vm.createVcpu();
        InitialState.apply(vcpu, scenario.program().mode());
        vcpu.configureIntercepts(scenario.config());
        String end;
        try {
            end = loop();
        } catch (RuntimeException e) {
            end = "backend threw " + e;
        }
        return new RunResult(vm.backendName(), List.copyOf(exits), List.copyOf(devices.log), end, registers(), memory(),
            List.copyOf(records), List.copyOf(raw));
    }

    private String loop() {
        while (true) {
            if (exits.size() >= MAX_EXITS) {
                return "exit limit";
            }
            List<Arrival> arrivals = scenario.arrivals();
            while (nextArrival < arrivals.size() && arrivals.get(nextArrival).time() <= clock) {
                pending.add(arrivals.get(nextArrival++).event());
            }
            if (!injected) {
                deliverPending();
            }
            if (clock >= MAX_TIME) {
                return "time limit";
            }
            long horizon = Math.min(MAX_TIME, nextArrival < arrivals.size() ? arrivals.get(nextArrival).time() : MAX_TIME);
            long budget = Math.max(1, horizon - clock);
            long before = vcpu.retiredInstructions();
            VmExit exit = vcpu.run(budget);
            injected = false;
            long retired = vcpu.retiredInstructions();
            clock += exit instanceof VmExit.Preempted ? Math.max(budget, retired - before) : retired - before;
            long rip = vcpu.register(Register.RIP);
            exits.add(ExitEvent.of(retired, rip, exit));
            records.add(vcpu.lastExitRecord());
            raw.add(exit);
            String stop = handle(exit, rip);
            if (stop != null) {
                return stop;
            }
        }
    }

    /** One event per entry; a maskable interrupt waits for an interrupt window. */
    private void deliverPending() {
        Event next = pending.peek();
        if (next == null) {
            return;
        }
        if (next instanceof Event.ExternalInterrupt && !vcpu.interruptible()) {
            vcpu.requestInterruptWindow(true);
            return;
        }
        if (next instanceof Event.SoftwareInterrupt soft && soft.instructionLength() == 0) {
            // Stands in for the instruction at RIP, as if that were INT n: its length is the return offset.
            Emitted at = instructions.get(vcpu.register(Register.RIP));
            if (at == null) {
                return; // not at a program instruction (in a handler, say): try at a later entry
            }
            pending.poll();
            vcpu.inject(new Event.SoftwareInterrupt(soft.vector(), at.length()));
            injected = true;
            return;
        }
        vcpu.inject(pending.poll());
        injected = true;
    }

    private String handle(VmExit exit, long rip) {
        if (exit instanceof VmExit.PortIo io) {
            return portIo(io);
        } else if (exit instanceof VmExit.Cpuid c) {
            var leaf = CpuidTable.leaf(c.leaf(), c.subleaf());
            vcpu.setRegister(Register.RAX, leaf.eax() & 0xFFFF_FFFFL);
            vcpu.setRegister(Register.RBX, leaf.ebx() & 0xFFFF_FFFFL);
            vcpu.setRegister(Register.RCX, leaf.ecx() & 0xFFFF_FFFFL);
            vcpu.setRegister(Register.RDX, leaf.edx() & 0xFFFF_FFFFL);
            vcpu.completeInstruction();
        } else if (exit instanceof VmExit.MsrAccess m) {
            if (m.write()) {
                devices.wrmsr(m.msr(), m.value());
            } else {
                long value = devices.rdmsr(m.msr());
                vcpu.setRegister(Register.RAX, value & 0xFFFF_FFFFL);
                vcpu.setRegister(Register.RDX, value >>> 32);
            }
            vcpu.completeInstruction();
        } else if (exit instanceof VmExit.Hypercall) {
            vcpu.setRegister(Register.RAX, devices.hypercall(vcpu.register(Register.RAX)));
            vcpu.completeInstruction();
        } else if (exit instanceof VmExit.Exception e) {
            exception(e);
        } else if (exit instanceof VmExit.Hlt) {
            return hlt();
        } else if (exit instanceof VmExit.MmioAccess m) {
            return mmio(m, rip);
        } else if (exit instanceof VmExit.InterruptWindow) {
            vcpu.requestInterruptWindow(false);
        } else if (exit instanceof VmExit.Shutdown) {
            return "shutdown";
        } else if (exit instanceof VmExit.EntryFailure f) {
            return "entry-failure (" + f.reason() + ")";
        }
        return null;
    }

    private String portIo(VmExit.PortIo io) {
        if (!io.in() && io.port() == Layout.DONE_PORT) {
            devices.portOut(io.port(), io.size(), io.value());
            return "done";
        }
        if (io.string()) {
            String problem = StringIo.emulate(vm, vcpu, io, devices);
            if (problem != null) {
                return problem;
            }
        } else if (io.in()) {
            mergeInto(Register.RAX, io.size(), devices.portIn(io.port(), io.size()));
        } else {
            devices.portOut(io.port(), io.size(), io.value());
        }
        vcpu.completeInstruction();
        return null;
    }

    /** Reflects an intercepted exception to the guest, or resolves a demand-paging fault. */
    private void exception(VmExit.Exception e) {
        if (e.vector() == 14 && scenario.demandPaging() && DemandPaging.resolve(vm.memory(), e.faultAddress())) {
            // Not injected: the interrupted access, or event delivery, simply runs again. Nor is
            // anything else injected on this entry: if the fault cut an event's delivery short,
            // the backend re-injects that event now, and a second event queued behind it would be
            // delivered later at another RIP (README finding 7).
            injected = true;
            return;
        }
        if (e.vector() == 14) {
            vcpu.setRegister(Register.CR2, e.faultAddress());
        }
        vcpu.inject(new Event.HardwareException(e.vector(), e.hasErrorCode() ? e.errorCode() : null));
        injected = true;
    }

    /** HLT: time jumps to the next arrival; with nothing to wake the vCPU, the run ends. */
    private String hlt() {
        vcpu.completeInstruction();
        List<Arrival> arrivals = scenario.arrivals();
        if (pending.isEmpty() && nextArrival >= arrivals.size()) {
            return "halted";
        }
        if (!vcpu.interruptible()) {
            return "halted with interrupts masked";
        }
        if (pending.isEmpty()) {
            clock = Math.max(clock, arrivals.get(nextArrival).time());
        }
        return null;
    }

    /**
     * Emulates the MMIO instruction the program tagged at {@code rip} against the recording
     * device: a MOV itself, every other form through the platform's MMIO emulation.
     */
    private String mmio(VmExit.MmioAccess m, long rip) {
        Emitted instruction = instructions.get(rip);
        if (instruction == null || !(instruction.tag() instanceof MmioOp || instruction.tag() instanceof MmioForms.Emulated)) {
            return String.format("mmio at 0x%x from an instruction the harness cannot emulate (rip 0x%x)",
                m.guestPhysicalAddress(), rip);
        }
        byte[] assisted = m.instructionBytes();
        for (int i = 0; i < assisted.length && i < instruction.length(); i++) {
            if (assisted[i] != instruction.bytes()[i]) {
                return "decode-assist bytes differ from the instruction at rip 0x" + Long.toHexString(rip);
            }
        }
        if (instruction.tag() instanceof MmioForms.Emulated) {
            mmioEmulation().emulate(vcpu, m);
            return null;
        }
        MmioOp op = (MmioOp) instruction.tag();
        Register reg = Register.gpr(op.reg());
        if (op.write()) {
            long value = op.immediate() ? op.immediateValue() : vcpu.register(reg);
            devices.mmioWrite(m.guestPhysicalAddress(), op.size(), value);
        } else {
            mergeInto(reg, op.size(), devices.mmioRead(m.guestPhysicalAddress(), op.size()));
        }
        // VT-x reports no instruction length for EPT violations: the monitor advances RIP itself.
        vcpu.setRegister(Register.RIP, rip + instruction.length());
        return null;
    }

    /**
     * The MMIO decode a monitor uses, over a bus whose one device is the recording device. One
     * CPU model for both backends: the forms generated decode the same on every vendor.
     */
    private MmioEmulation mmioEmulation() {
        if (emulation == null) {
            MmioBus bus = new MmioBus();
            bus.register(Layout.MMIO, Layout.MMIO_SIZE, new MmioDevice() {
                @Override
                public String name() {
                    return "recorder";
                }

                @Override
                public long read(long offset, int size) {
                    return devices.mmioRead(Layout.MMIO + offset, size);
                }

                @Override
                public void write(long offset, int size, long value) {
                    devices.mmioWrite(Layout.MMIO + offset, size, value);
                }
            });
            emulation = new MmioEmulation(CpuModels.intel(), vm.memory(), bus);
        }
        return emulation;
    }

    /** A write of {@code size} bytes to a register: 8/16-bit writes merge, 32-bit writes zero-extend. */
    private void mergeInto(Register reg, int size, long value) {
        long old = vcpu.register(reg);
        long merged = switch (size) {
            case 1 -> (old & ~0xFFL) | (value & 0xFF);
            case 2 -> (old & ~0xFFFFL) | (value & 0xFFFF);
            case 4 -> value & 0xFFFF_FFFFL;
            default -> value;
        };
        vcpu.setRegister(reg, merged);
    }

    private Map<String, String> registers() {
        Map<String, String> r = new LinkedHashMap<>();
        for (Register reg : Register.values()) {
            if (reg == Register.CR8 || reg == Register.DR6 || reg == Register.DR7) {
                continue;
            }
            r.put(reg.name(), "0x" + Long.toHexString(vcpu.register(reg)));
        }
        for (SegmentRegister s : SegmentRegister.values()) {
            r.put(s.name(), vcpu.segment(s).toString());
        }
        r.put("GDTR", vcpu.gdtr().toString());
        r.put("IDTR", vcpu.idtr().toString());
        r.put("interruptible", Boolean.toString(vcpu.interruptible()));
        r.put("eventPending", Boolean.toString(vcpu.eventPending()));
        return r;
    }

    private byte[] memory() {
        byte[] all = new byte[(int) Layout.COMPARED_END];
        vm.memory().read(0, all, 0, (int) Layout.MMIO);
        long high = Layout.MMIO + Layout.MMIO_SIZE;
        vm.memory().read(high, all, (int) high, (int) (Layout.COMPARED_END - high));
        // The one intended difference between the two images: SVM guests carry VMMCALL where VMX
        // guests carry VMCALL. Where it is still intact, show it as VMCALL so memory compares equal.
        for (Emitted e : instructions.values()) {
            int at = (int) e.address();
            if (e.mnemonic().equals("vmmcall") && all[at] == 0x0F && all[at + 1] == 0x01 && all[at + 2] == (byte) 0xD9) {
                all[at + 2] = (byte) 0xC1;
            }
        }
        return all;
    }
}
