package dev.hve.difftests.records;

import dev.hve.api.VmExit;

/**
 * The part of a common exit that a vendor record determines on its own: kind, port-I/O
 * qualification, exception vector and error code, MMIO address and access type, MSR direction.
 * CPUID leaves, MSR numbers and OUT values come from guest registers, not from the record, and are
 * covered by the differential property instead.
 */
public final class CommonView {

    private CommonView() {
    }

    public static String of(VmExit exit) {
        if (exit instanceof VmExit.PortIo p) {
            return portIo(p.port(), p.size(), p.in(), p.string(), p.rep(), p.string() ? p.addressSize() : 0,
                p.string() ? p.segment().name() : "-");
        }
        if (exit instanceof VmExit.Exception e) {
            return exception(e.vector(), e.errorCode(), e.hasErrorCode(), e.faultAddress());
        }
        if (exit instanceof VmExit.MmioAccess m) {
            return mmio(m.guestPhysicalAddress(), m.write(), m.fetch());
        }
        if (exit instanceof VmExit.MsrAccess m) {
            return "msr write=" + m.write();
        }
        return exit.kind().label();
    }

    static String portIo(int port, int size, boolean in, boolean string, boolean rep, int addressSize, String segment) {
        return String.format("port-io port=0x%x size=%d in=%s string=%s rep=%s addressSize=%d segment=%s", port, size, in,
            string, rep, addressSize, segment);
    }

    static String exception(int vector, int error, boolean hasError, long address) {
        return String.format("exception vector=%d error=0x%x hasError=%s address=0x%x", vector, hasError ? error : 0, hasError,
            address);
    }

    static String mmio(long gpa, boolean write, boolean fetch) {
        return String.format("mmio gpa=0x%x write=%s fetch=%s", gpa, write, fetch);
    }
}
