package dev.hve.platform.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Event;
import dev.hve.api.Vcpu;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterruptInjectorTest {

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final ApicBus bus = new ApicBus();
    private final PicPair pic = new PicPair();
    private final LocalApic bsp = new LocalApic(0, 0, true, clock, bus);
    private final InterruptInjector injector = new InterruptInjector(new InterruptController(pic, new LocalApic[] {bsp}));

    /** Records what the injector asks of the vCPU; answers interruptible() as told. */
    private final List<Object> calls = new ArrayList<>();
    private boolean interruptible;
    private final Vcpu vcpu = (Vcpu) Proxy.newProxyInstance(Vcpu.class.getClassLoader(), new Class<?>[] {Vcpu.class},
        (proxy, method, args) -> switch (method.getName()) {
            case "index" -> 0;
            case "interruptible" -> interruptible;
            case "inject" -> {
                calls.add(args[0]);
                yield null;
            }
            case "requestInterruptWindow" -> {
                calls.add("window " + args[0]);
                yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
        });

    InterruptInjectorTest() {
        bus.attach(new LocalApic[] {bsp});
    }

    private void initPic(int base) {
        IoPortBus ports = new IoPortBus();
        pic.register(ports);
        int[][] init = {{0x20, 0x11}, {0x21, base}, {0x21, 0x04}, {0x21, 0x01}};
        for (int[] w : init) {
            ports.write(w[0], 1, w[1]);
        }
    }

    @Test
    void anInterruptibleGuestGetsTheVectorAndItIsAcknowledged() {
        initPic(0x20);
        pic.setPin(3, true);
        interruptible = true;
        assertTrue(injector.deliver(vcpu));
        assertEquals(List.of("window false", new Event.ExternalInterrupt(0x23)), calls);
        assertEquals(0x08, pic.master().isr());
    }

    @Test
    void aGuestThatCannotTakeItGetsAWindowRequestInstead() {
        initPic(0x20);
        pic.setPin(3, true);
        interruptible = false;
        assertFalse(injector.deliver(vcpu));
        assertEquals(List.of("window true"), calls);
        assertEquals(0, pic.master().isr(), "nothing acknowledged yet");
    }

    @Test
    void nmiGoesFirstAndIgnoresIf() {
        bsp.acceptNmi();
        interruptible = false;
        assertTrue(injector.deliver(vcpu));
        assertEquals(List.of(new Event.Nmi()), calls);
        assertFalse(bsp.nmiPending());
    }

    @Test
    void nothingPendingCancelsAnyWindowRequest() {
        assertFalse(injector.deliver(vcpu));
        assertEquals(List.of("window false"), calls);
    }

    @Test
    void realModeVectorsBelow16AreStillExternalInterrupts() {
        // The BIOS's base of 8 gives vectors 8-15; VM entry injects any vector as an external
        // interrupt, which a software interrupt of length 0 would not be on VT-x (SDM §26.2.1.3).
        initPic(0x08);
        pic.setPin(0, true);
        interruptible = true;
        injector.deliver(vcpu);
        assertEquals(new Event.ExternalInterrupt(0x08), calls.get(1));
    }
}
