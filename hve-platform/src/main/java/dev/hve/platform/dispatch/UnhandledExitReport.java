package dev.hve.platform.dispatch;

import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import java.util.Map;

/** Builds the one-line report for an exit the platform cannot handle. */
public final class UnhandledExitReport {

    private static final int MAX_INSTRUCTION_LENGTH = 15;

    private UnhandledExitReport() {
    }

    public static String describe(Vcpu vcpu, VmExit exit) {
        long rip = vcpu.register(Register.RIP);
        long linear = vcpu.segment(SegmentRegister.CS).base() + rip;
        byte[] bytes = new byte[MAX_INSTRUCTION_LENGTH];
        int read = vcpu.readLinear(linear, bytes, bytes.length);
        StringBuilder text = new StringBuilder();
        text.append("unhandled ").append(exit.kind().label()).append(" exit on vCPU ").append(vcpu.index())
            .append(String.format(" at RIP 0x%x: %s; vendor record: ", rip, exit));
        VendorRecord record = vcpu.lastExitRecord();
        text.append(record.backend()).append(" reason ").append(record.reason());
        for (Map.Entry<String, Long> field : record.fields().entrySet()) {
            text.append(String.format(" %s=0x%x", field.getKey(), field.getValue()));
        }
        text.append("; instruction bytes:");
        for (int i = 0; i < read; i++) {
            text.append(String.format(" %02x", bytes[i] & 0xFF));
        }
        if (read == 0) {
            text.append(" (unreadable)");
        }
        return text.toString();
    }
}
