package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.io.IoPortBus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Port 0x92, the i8042, the POST port and the debug exit: how a guest reports or resets. */
class ResetPathsTest {

    private final List<String> events = new ArrayList<>();
    private final PowerEvents power = new PowerEvents() {
        @Override
        public void debugExit(int value) {
            events.add("exit " + value);
        }

        @Override
        public void resetRequested(String source) {
            events.add("reset " + source);
        }
    };
    private final IoPortBus bus = new IoPortBus();

    @Test
    void port92FastResetOnBit0RisingEdgeAndA20() {
        PortA portA = new PortA(power);
        bus.register(PortA.PORT, 1, portA);
        assertEquals(0x02, bus.read(0x92, 1), "A20 on");
        bus.write(0x92, 1, 0x00);
        assertFalse(portA.a20Enabled());
        assertTrue(events.isEmpty());
        bus.write(0x92, 1, 0x03);
        assertEquals(1, events.size());
        assertTrue(events.get(0).startsWith("reset port 0x92"));
    }

    @Test
    void i8042PulseResetAndSelfTest() {
        new I8042(power).register(bus);
        assertEquals(0x04, bus.read(0x64, 1) & 0x05, "system flag, output buffer empty");
        bus.write(0x64, 1, 0xAA);
        assertEquals(0x01, bus.read(0x64, 1) & 0x01);
        assertEquals(0x55, bus.read(0x60, 1));
        bus.write(0x64, 1, 0x20);
        assertEquals(0x45, bus.read(0x60, 1), "controller command byte");
        bus.write(0x64, 1, 0xFE);
        assertEquals(List.of("reset i8042 command 0xFE"), events);
    }

    @Test
    void i8042OutputPortResetLine() {
        new I8042(power).register(bus);
        bus.write(0x64, 1, 0xD1);
        bus.write(0x60, 1, 0x02); // bit 0 low: reset asserted
        assertEquals(1, events.size());
    }

    @Test
    void postPortKeepsTheLastCodeAndDebugExitReportsTheValue() {
        PostCodePort post = new PostCodePort();
        bus.register(PostCodePort.PORT, 1, post);
        bus.register(DebugExit.DEFAULT_PORT, 1, new DebugExit(power));
        bus.write(0x80, 1, 0x3C);
        assertEquals(0x3C, post.lastCode());
        assertEquals(0x3C, bus.read(0x80, 1));
        bus.write(0xF4, 1, 0x10);
        assertEquals(List.of("exit 16"), events);
    }
}
