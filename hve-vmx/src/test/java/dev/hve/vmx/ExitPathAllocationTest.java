package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.VmExit;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The exit path allocates nothing beyond the common exit value: VM entry checks, guest-state
 * load and save, the exit record and the first-level handler run on primitive fields.
 */
class ExitPathAllocationTest {

    @Test
    void aPortIoExitRoundTripAllocatesOnlyTheExitValue() {
        // loop: out 80h,al; jmp loop
        Guest g = new Guest().flat32(0xE6, 0x80, 0xEB, 0xFC).intercept(true, 0);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up: let the JIT settle
            assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
            g.vcpu.completeInstruction();
        }
        int exits = 20_000;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < exits; i++) {
            g.vcpu.run(1000);
            g.vcpu.completeInstruction();
        }
        long perExit = (threads.getThreadAllocatedBytes(thread) - before) / exits;
        // A PortIo record is about 40 bytes; allow for it and nothing else of size.
        assertTrue(perExit <= 64, "bytes allocated per exit: " + perExit);
    }
}
