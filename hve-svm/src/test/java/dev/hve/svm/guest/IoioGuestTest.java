package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * #VMEXIT(IOIO) from real guest instructions (AMD APM Vol. 2, §15.10.2): IN, OUT, INS and OUTS at
 * sizes 1, 2 and 4, with and without REP, each EXITINFO1 bit checked and EXITINFO2 = next RIP.
 */
class IoioGuestTest {

    private static final int PORT = 0x3F8;
    private static final long RAX = 0x1122_3344L;

    /** mov edi, DATA ; mov esi, DATA ; mov ecx, 3 ; mov dx, 0x3F8 ; mov eax, 0x11223344 ; then the I/O instruction. */
    private static int[] program(int... io) {
        List<Integer> code = new ArrayList<>();
        for (int opcode : new int[] {0xBF, 0xBE}) {
            code.add(opcode);
            code.add((int) DATA & 0xFF);
            code.add((int) (DATA >> 8) & 0xFF);
            code.add(0);
            code.add(0);
        }
        for (int b : new int[] {0xB9, 3, 0, 0, 0, 0x66, 0xBA, PORT & 0xFF, PORT >> 8, 0xB8, 0x44, 0x33, 0x22, 0x11}) {
            code.add(b);
        }
        for (int b : io) {
            code.add(b);
        }
        return code.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final int SETUP = 24;

    @ParameterizedTest(name = "{0} size {1} rep {2}")
    @CsvSource({
        "IN,   1, false", "IN,   2, false", "IN,   4, false",
        "OUT,  1, false", "OUT,  2, false", "OUT,  4, false",
        "INS,  1, false", "INS,  2, false", "INS,  4, false",
        "INS,  1, true",  "INS,  2, true",  "INS,  4, true",
        "OUTS, 1, false", "OUTS, 2, false", "OUTS, 4, false",
        "OUTS, 1, true",  "OUTS, 2, true",  "OUTS, 4, true",
    })
    void exitInfoForEveryForm(String form, int size, boolean rep) {
        int opcode = switch (form) {
            case "IN" -> size == 1 ? 0xEC : 0xED;
            case "OUT" -> size == 1 ? 0xEE : 0xEF;
            case "INS" -> size == 1 ? 0x6C : 0x6D;
            default -> size == 1 ? 0x6E : 0x6F;
        };
        List<Integer> io = new ArrayList<>();
        if (rep) {
            io.add(0xF3);
        }
        if (size == 2) {
            io.add(0x66);
        }
        io.add(opcode);
        GuestHarness g = new GuestHarness(program(io.stream().mapToInt(Integer::intValue).toArray()));
        VmExit.PortIo exit = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));

        boolean in = form.startsWith("IN");
        boolean string = form.endsWith("S");
        long segment = form.equals("OUTS") ? 3 : 0; // OUTS reads DS:rSI, INS writes ES:rDI
        long expected = (long) PORT << 16
            | (in ? 1 : 0)                                   // TYPE
            | (string ? 1 << 2 : 0)                          // STR
            | (rep ? 1 << 3 : 0)                             // REP
            | (size == 1 ? 1 << 4 : size == 2 ? 1 << 5 : 1 << 6) // SZ8 / SZ16 / SZ32
            | 1 << 8                                         // A32
            | (string ? segment << 10 : 0);                  // SEG
        long ioRip = CODE + SETUP;
        long next = ioRip + io.size();
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals(0x7B, record.reason());
        assertEquals(expected, record.fields().get("exitinfo1"), "EXITINFO1 0x" + Long.toHexString(expected));
        assertEquals(next, record.fields().get("exitinfo2"), "EXITINFO2 = next RIP");
        assertEquals(next, record.fields().get("next_rip"));
        assertEquals(0, record.fields().get("exitintinfo"));
        assertEquals(ioRip, g.rip(), "RIP at the I/O instruction");

        assertEquals(PORT, exit.port());
        assertEquals(size, exit.size());
        assertEquals(in, exit.in());
        assertEquals(string, exit.string());
        assertEquals(rep, exit.rep());
        assertEquals(4, exit.addressSize());
        if (string) {
            assertEquals(form.equals("OUTS") ? SegmentRegister.DS : SegmentRegister.ES, exit.segment());
        }
        long mask = (1L << (8 * size)) - 1;
        assertEquals(!in && !string ? RAX & mask : 0, exit.value());
        g.vcpu.completeInstruction();
        assertEquals(next, g.rip());
    }

    @Test
    void immediatePortForms() {
        // in al, 0x60 ; out 0x64, al
        GuestHarness g = new GuestHarness(0xE4, 0x60, 0xE6, 0x64);
        VmExit.PortIo in = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x60, in.port());
        assertEquals(0x0060_0000L | 1 | 1 << 4 | 1 << 8, g.vcpu.lastExitRecord().fields().get("exitinfo1"));
        assertEquals(CODE + 2, g.vcpu.lastExitRecord().fields().get("exitinfo2"));
        g.vcpu.setRegister(Register.RAX, 0xFE);
        g.vcpu.completeInstruction();
        VmExit.PortIo out = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x64, out.port());
        assertEquals(0xFE, out.value());
    }

    @Test
    void addressSizeBitsFollowTheInstruction() {
        // addr16 rep outsb (67 F3 6E): A16
        GuestHarness g = new GuestHarness(program(0x67, 0xF3, 0x6E));
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        assertEquals(1L << 7, g.vcpu.lastExitRecord().fields().get("exitinfo1") & 0x380, "A16");
        assertEquals(2, io.addressSize());
    }

    @Test
    void sixtyFourBitModeSetsA64() {
        // mov dx, 0x3F8 ; rep outsb ; in 64-bit mode
        GuestHarness g = new GuestHarness(0x66, 0xBA, 0xF8, 0x03, 0xF3, 0x6E).longMode();
        g.vcpu.setRegister(Register.RCX, 1);
        g.vcpu.setRegister(Register.RSI, DATA);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(8, io.addressSize());
        long info = g.vcpu.lastExitRecord().fields().get("exitinfo1");
        assertEquals(1L << 9, info & 0x380, "A64");
        assertEquals(CODE + 6, g.vcpu.lastExitRecord().fields().get("exitinfo2"));
    }
}
