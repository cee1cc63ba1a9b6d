package dev.hve.cli.trace;

import dev.hve.api.VmExit;

/** Renders a common exit's payload as JSON members, the same on every backend. */
final class ExitPayload {

    private ExitPayload() {
    }

    static void append(StringBuilder json, VmExit exit, long portValue) {
        switch (exit.kind()) {
            case PORT_IO -> {
                VmExit.PortIo io = (VmExit.PortIo) exit;
                json.append(",\"port\":").append(io.port())
                    .append(",\"size\":").append(io.size())
                    .append(",\"direction\":\"").append(io.in() ? "in" : "out").append('"')
                    .append(",\"value\":").append(portValue)
                    .append(",\"string\":").append(io.string())
                    .append(",\"rep\":").append(io.rep());
            }
            case CPUID -> {
                VmExit.Cpuid cpuid = (VmExit.Cpuid) exit;
                json.append(",\"leaf\":").append(Integer.toUnsignedString(cpuid.leaf()))
                    .append(",\"subleaf\":").append(Integer.toUnsignedString(cpuid.subleaf()));
            }
            case MMIO -> {
                VmExit.MmioAccess mmio = (VmExit.MmioAccess) exit;
                json.append(",\"gpa\":").append(Long.toUnsignedString(mmio.guestPhysicalAddress()))
                    .append(",\"write\":").append(mmio.write())
                    .append(",\"fetch\":").append(mmio.fetch());
            }
            case MSR -> {
                VmExit.MsrAccess msr = (VmExit.MsrAccess) exit;
                json.append(",\"msr\":").append(Integer.toUnsignedString(msr.msr()))
                    .append(",\"write\":").append(msr.write())
                    .append(",\"value\":").append(Long.toUnsignedString(msr.value()));
            }
            case EXCEPTION -> {
                VmExit.Exception exception = (VmExit.Exception) exit;
                json.append(",\"vector\":").append(exception.vector());
                if (exception.hasErrorCode()) {
                    json.append(",\"error_code\":").append(Integer.toUnsignedString(exception.errorCode()));
                }
            }
            case SHUTDOWN -> appendString(json, "detail", ((VmExit.Shutdown) exit).reason());
            case ENTRY_FAILURE -> {
                VmExit.EntryFailure failure = (VmExit.EntryFailure) exit;
                appendString(json, "detail", failure.reason());
                json.append(",\"vendor_error\":").append(failure.vendorError());
            }
            default -> {
                // HLT, hypercall, interrupt window and preemption carry no payload.
            }
        }
    }

    private static void appendString(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
