package dev.hve.platform.dispatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An exit nobody handles is reported with its kind, the vendor record, RIP and the instruction bytes. */
class UnhandledExitReportTest {

    /** A vCPU stopped at CS:RIP = 0x10:0x1000 on the bytes 0F 0B (UD2), after an exception exit. */
    private static final class StoppedVcpu implements Vcpu {
        @Override public int index() { return 0; }
        @Override public VmExit run(long budget) { throw new IllegalStateException(); }
        @Override public void configureIntercepts(InterceptConfig config) { }
        @Override public long register(Register register) { return register == Register.RIP ? 0x1000 : 0; }
        @Override public void setRegister(Register register, long value) { }
        @Override public Segment segment(SegmentRegister register) { return Segment.flat(0x10, 0xB, 0, true, false); }
        @Override public void setSegment(SegmentRegister register, Segment value) { }
        @Override public DescriptorTable gdtr() { return new DescriptorTable(0, 0); }
        @Override public void setGdtr(DescriptorTable value) { }
        @Override public DescriptorTable idtr() { return new DescriptorTable(0, 0); }
        @Override public void setIdtr(DescriptorTable value) { }
        @Override public void completeInstruction() { }
        @Override public void completeEmulatedInstruction(long nextRip) { }
        @Override public void inject(Event event) { }
        @Override public boolean interruptible() { return false; }
        @Override public boolean eventPending() { return false; }
        @Override public void requestInterruptWindow(boolean enabled) { }
        @Override public void setTscOffset(long offset) { }
        @Override public long retiredInstructions() { return 0; }
        @Override public long translateLinear(long linear, boolean write) { return linear; }

        @Override
        public VendorRecord lastExitRecord() {
            Map<String, Long> fields = new LinkedHashMap<>();
            fields.put("qualification", 0L);
            fields.put("interruption_info", 0x8000_0306L);
            return new VendorRecord("vmx", 0, fields);
        }

        @Override
        public int readLinear(long linear, byte[] destination, int length) {
            if (linear != 0x1000) {
                return 0;
            }
            destination[0] = 0x0F;
            destination[1] = 0x0B;
            return 2;
        }
    }

    @Test
    void theReportNamesKindVendorRecordRipAndBytes() {
        String report = UnhandledExitReport.describe(new StoppedVcpu(), new VmExit.Exception(6, 0, false, 0));
        assertTrue(report.contains("unhandled exception exit on vCPU 0"), report);
        assertTrue(report.contains("RIP 0x1000"), report);
        assertTrue(report.contains("vmx reason 0"), report);
        assertTrue(report.contains("interruption_info=0x80000306"), report);
        assertTrue(report.endsWith("instruction bytes: 0f 0b"), report);
    }
}
