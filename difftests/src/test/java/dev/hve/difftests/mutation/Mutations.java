package dev.hve.difftests.mutation;

import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.api.spi.BackendProvider;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import java.lang.reflect.Method;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken vendor details, each as a wrapper around one backend. They model the bugs
 * a first-level exit handler or an event-injection path typically has; the mutation tests show
 * the properties catch every one of them.
 */
final class Mutations {

    private Mutations() {
    }

    /** SVM: the IOIO TYPE bit (EXITINFO1 bit 0) read inverted, so IN and OUT swap. */
    static UnaryOperator<BackendProvider> svmIoioDirectionFlipped() {
        return DelegatingProvider.wrapping(vcpu -> new DelegatingVcpu(vcpu) {
            @Override
            public VmExit run(long budget) {
                VmExit exit = delegate.run(budget);
                if (exit instanceof VmExit.PortIo p) {
                    return new VmExit.PortIo(p.port(), p.size(), !p.in(), p.string(), p.rep(), p.addressSize(), p.segment(), p.value());
                }
                return exit;
            }
        });
    }

    /** VMX: the exit-qualification size field (bits 2:0) misread, so 2-byte and 4-byte accesses swap. */
    static UnaryOperator<BackendProvider> vmxQualificationSizeWrong() {
        return DelegatingProvider.wrapping(vcpu -> new DelegatingVcpu(vcpu) {
            @Override
            public VmExit run(long budget) {
                VmExit exit = delegate.run(budget);
                if (exit instanceof VmExit.PortIo p && p.size() != 1) {
                    return new VmExit.PortIo(p.port(), p.size() == 2 ? 4 : 2, p.in(), p.string(), p.rep(), p.addressSize(),
                        p.segment(), p.value());
                }
                return exit;
            }
        });
    }

    /**
     * SVM: the next RIP of a string I/O instruction one byte short (as if a prefix were not
     * counted), so completing INS/OUTS resumes inside the instruction.
     */
    static UnaryOperator<BackendProvider> svmStringIoNextRipShort() {
        return DelegatingProvider.wrapping(vcpu -> new DelegatingVcpu(vcpu) {
            private boolean lastWasStringIo;

            @Override
            public VmExit run(long budget) {
                VmExit exit = delegate.run(budget);
                lastWasStringIo = exit instanceof VmExit.PortIo p && p.string();
                return exit;
            }

            @Override
            public void completeInstruction() {
                delegate.completeInstruction();
                if (lastWasStringIo) {
                    delegate.setRegister(dev.hve.api.Register.RIP, delegate.register(dev.hve.api.Register.RIP) - 1);
                }
            }
        });
    }

    /**
     * VMX: the event recorded in the IDT-vectoring information field is not re-injected. The
     * backend queues the re-injection in the VM-entry interruption-information field as the exit
     * is handled; this mutation clears that field again, reaching into the VMCS as only a broken
     * backend could.
     */
    static UnaryOperator<BackendProvider> vmxReinjectionDropped() {
        return DelegatingProvider.wrapping(vcpu -> new DelegatingVcpu(vcpu) {
            private final Vmcs vmcs = vmcsOf(vcpu);

            @Override
            public VmExit run(long budget) {
                VmExit exit = delegate.run(budget);
                if ((vmcs.read32(VmcsField.IDT_VECTORING_INFO_FIELD) >>> 31 & 1) != 0) {
                    vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, 0);
                }
                return exit;
            }
        });
    }

    /** The VMCS of a VMX vCPU; the accessor is package-private in the backend, as it should be. */
    private static Vmcs vmcsOf(Vcpu vcpu) {
        try {
            Method m = vcpu.getClass().getDeclaredMethod("vmcs");
            m.setAccessible(true);
            return (Vmcs) m.invoke(vcpu);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the VMCS of " + vcpu.getClass(), e);
        }
    }
}
